//! The body scanners of our own: bytes in, the pieces the generated validators read out, in
//! one pass, borrowing from the body and allocating nothing on a well-formed body.
//!
//! - [`json`]: a pull cursor over a JSON body ([`json::Scanner`]), exactly as strict as
//!   `serde_json` (proved by the `json_differential` fuzz target), numbers kept as their
//!   text, keys as raw bytes a generated `match` compares without building a `&str`.
//! - [`form`]: an `application/x-www-form-urlencoded` body in Stripe's bracket notation
//!   ([`form::Scanner`]): pairs and bracket segments split with byte searches, keys and values
//!   percent-decoded only when they hold `%` or `+`.
//!
//! Both hand strings over as [`Decoded`]: borrowed from the body when they needed no
//! decoding, else decoded into a buffer the caller gives (a stack array sized for the
//! spec's values), and onto the heap only when that buffer is too small.
//!
//! These modules are `#[doc(hidden)]` plumbing for the generated validators and the fuzz
//! targets, not a stable API.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

pub mod form;
pub mod json;

/// A string a scanner hands over: borrowed from the body when it needed no decoding,
/// decoded into the caller's buffer when it fit, or on the heap when it did not.
#[derive(Clone, PartialEq, Eq)]
pub enum Decoded<'de, 'b> {
    /// The body's own bytes (no escape to decode).
    Body(&'de str),
    /// Decoded into the caller's buffer.
    Buf(&'b str),
    /// Decoded onto the heap (the caller's buffer was too small).
    Heap(String),
}

impl<'de> Decoded<'de, '_> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Decoded::Body(s) | Decoded::Buf(s) => s,
            Decoded::Heap(s) => s,
        }
    }

    /// The text as a value that outlives the buffer: borrowed from the body when it can be,
    /// else owned (a copy of what was decoded into the buffer).
    pub fn into_cow(self) -> Cow<'de, str> {
        match self {
            Decoded::Body(s) => Cow::Borrowed(s),
            Decoded::Buf(s) => Cow::Owned(s.to_string()),
            Decoded::Heap(s) => Cow::Owned(s),
        }
    }

    /// Whether the text is the body's own (nothing was decoded).
    #[inline]
    pub fn is_borrowed(&self) -> bool {
        matches!(self, Decoded::Body(_))
    }
}

impl Deref for Decoded<'_, '_> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Decoded<'_, '_> {
    /// Only the length and where the text lives: a value may be a secret (a card number).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match self {
            Decoded::Body(_) => "Body",
            Decoded::Buf(_) => "Buf",
            Decoded::Heap(_) => "Heap",
        };
        write!(f, "Decoded::{place}({} bytes)", self.as_str().len())
    }
}

/// Finds the first byte of `bytes[from..]` that is one of `set` or below `below` (0: no such
/// test; at most `0x80`), eight bytes at a time (SWAR on `u64` words, no `unsafe`): its index,
/// or `bytes.len()`.
///
/// Each word test is the classic "has a zero byte" trick (Mycroft): in
/// `(x - 0x0101…) & !x & 0x8080…`, with `x` the word XORed with a byte of `set` repeated,
/// a byte's high bit is set when that byte matched, and a borrow only ever runs from a
/// matched byte towards higher ones, so the lowest flagged byte is exact; likewise
/// `(w - below·0x0101…) & !w & 0x8080…` flags the bytes below `below` (a byte at `0x80` or
/// more has its high bit set, so `!w` clears it). The lowest flag of the union of the tests
/// is the first byte any of them matches. With a constant `set`, inlining unrolls the tests.
#[inline(always)]
pub(crate) fn find<const N: usize>(
    bytes: &[u8],
    mut from: usize,
    set: [u8; N],
    below: u8,
) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGHS: u64 = ONES << 7;
    while let Some(chunk) = bytes.get(from..from + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let mut m = 0;
        for s in set {
            let x = w ^ (ONES * s as u64);
            m |= x.wrapping_sub(ONES) & !x;
        }
        if below > 0 {
            m |= w.wrapping_sub(ONES * below as u64) & !w;
        }
        let m = m & HIGHS;
        if m != 0 {
            return from + (m.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while let Some(&c) = bytes.get(from) {
        if set.contains(&c) || c < below {
            return from;
        }
        from += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_finds_the_first_match_at_every_alignment() {
        let naive = |b: &[u8], from: usize| {
            b[from..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(b.len(), |p| from + p)
        };
        // Every position of every kind of match (and none), behind every other kind, so a
        // borrow from one byte into the next is exercised too.
        let specials = [b'"', b'\\', 0x00, 0x1f, 0x0a];
        let fillers = [
            b'a',
            0x20,
            0x21,
            0x7f,
            0x80,
            0xa0,
            0xff,
            b'"' + 1,
            b'\\' - 1,
        ];
        for len in 0..24 {
            for filler in fillers {
                let mut body = vec![filler; len];
                assert_eq!(find(&body, 0, [b'"', b'\\'], 0x20), naive(&body, 0));
                for at in 0..len {
                    for s in specials {
                        body[at] = s;
                        for from in 0..=at {
                            assert_eq!(
                                find(&body, from, [b'"', b'\\'], 0x20),
                                naive(&body, from),
                                "{body:?} from {from}"
                            );
                        }
                        if at + 1 < len {
                            body[at + 1] = b'"';
                            assert_eq!(find(&body, 0, [b'"', b'\\'], 0x20), naive(&body, 0));
                            body[at + 1] = filler;
                        }
                        body[at] = filler;
                    }
                }
            }
        }
    }

    #[test]
    fn decoded_hides_its_text_in_debug() {
        let d = Decoded::Body("4242424242424242");
        assert_eq!(format!("{d:?}"), "Decoded::Body(16 bytes)");
        assert_eq!(&*d, "4242424242424242");
        assert!(matches!(Decoded::Buf("x").into_cow(), Cow::Owned(_)));
    }
}
