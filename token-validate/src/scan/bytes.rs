//! The byte-level pieces both scanners share: [`Decoded`] strings, the word-at-a-time
//! search [`find`] and the body's one UTF-8 check [`utf8`] ([`first_bad_utf8`] for where it
//! fails).

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// `body` as text when it is UTF-8, checked once with simdutf8 (several times std's speed
/// on a whole body, which its basic check only says yes or no to: [`first_bad_utf8`] then
/// says where).
#[inline]
pub(crate) fn utf8(body: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(body).ok()
}

/// The offset of the first byte of `body` that is not UTF-8 (its length when all is).
#[cold]
pub(crate) fn first_bad_utf8(body: &[u8]) -> usize {
    std::str::from_utf8(body).map_or_else(|e| e.valid_up_to(), |_| body.len())
}

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
    use super::find;
    use proptest::prelude::*;

    /// What `find` answers, a byte at a time.
    fn naive<const N: usize>(bytes: &[u8], from: usize, set: [u8; N], below: u8) -> usize {
        (from..bytes.len())
            .find(|&i| set.contains(&bytes[i]) || bytes[i] < below)
            .unwrap_or(bytes.len())
    }

    /// Bytes drawn mostly from the ones searched for, so that matches sit everywhere:
    /// in whole words, in the last partial word, and nowhere.
    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                Just(b'"'),
                Just(b'\\'),
                Just(b'&'),
                Just(b'['),
                Just(0u8),
                Just(0x1f),
                Just(0x20),
                Just(0xff),
                any::<u8>(),
                b'a'..=b'z',
                b'a'..=b'z',
                b'a'..=b'z',
            ],
            0..40,
        )
    }

    proptest! {
        #[test]
        fn find_agrees(b in bytes(), from in 0usize..44) {
            let from = from.min(b.len());
            prop_assert_eq!(find(&b, from, [b'"', b'\\'], 0x20), naive(&b, from, [b'"', b'\\'], 0x20));
            prop_assert_eq!(find(&b, from, [b'[', b']'], 0), naive(&b, from, [b'[', b']'], 0));
            prop_assert_eq!(find(&b, from, [b'&'], 0), naive(&b, from, [b'&'], 0));
            prop_assert_eq!(
                find(&b, from, [b'&', b'=', b'%', b'+'], 0),
                naive(&b, from, [b'&', b'=', b'%', b'+'], 0)
            );
        }
    }
}
