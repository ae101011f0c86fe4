//! A form scanner of our own: an `application/x-www-form-urlencoded` body in Stripe's
//! bracket notation, one pass of byte searches, nothing built.
//!
//! [`Scanner::next_pair`] splits the body into pairs: each pair's key and value are found
//! with one search for `&`, `=`, `%` and `+` (eight bytes at a time), which also tells
//! whether they need decoding. Then, in the order the driver (`crate::engine::form`) reads them (the
//! order of the scanner it replaced, so that errors come out in the same order):
//!
//! 1. [`Pair::key`]: the key, borrowed from the body unless it holds `%` or `+`, else
//!    decoded into the caller's buffer (the heap beyond it);
//! 2. [`Key::segments`]: its bracket segments (`card[number]` → `card`, `number`),
//!    slices of the key (of the body itself for a key without escapes), compared in place
//!    by the generated matchers, with the depth limit;
//! 3. [`Pair::value`]: the value, borrowed unless it holds `%` or `+`, else decoded into the
//!    caller's buffer (a stack array sized by the spec's `maxLength`), the heap beyond it.
//!
//! The syntax and every error (kind, offset and key) are `crate::engine::form`'s (see its docs);
//! percent-decoding is the `percent-encoding` crate's, after a strict check of the escapes.
//!
//! ```
//! use token_validate::scan::form::{Scanner, Segs};
//!
//! let body = b"card[number]=4242424242424242&card[name]=Jenny+Rosen";
//! let mut sc = Scanner::new(body);
//! let (mut key_buf, mut value_buf) = ([0u8; 64], [0u8; 64]);
//! let pair = sc.next_pair().unwrap();
//! {
//!     let key = pair.key(&mut key_buf)?;
//!     let mut segs = Segs::new();
//!     key.segments(8, &mut segs)?;
//!     assert_eq!((segs[0].text, segs[1].text), ("card", "number"));
//!     assert!(pair.value(&key, &mut value_buf)?.is_borrowed());
//! }
//! let pair = sc.next_pair().unwrap();
//! let key = pair.key(&mut key_buf)?;
//! assert_eq!(&*pair.value(&key, &mut value_buf)?, "Jenny Rosen");
//! assert!(sc.next_pair().is_none());
//! # Ok::<(), token_validate::ParseError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use smallvec::SmallVec;

use super::bytes::{Decoded, find, utf8};
use crate::parse_error::{ParseError, ParseErrorKind};

/// One segment of a form key: `card`, `number` in `card[number]`.
#[derive(Clone, Copy, Debug)]
pub struct Seg<'k, 'de> {
    /// The segment's text (decoded).
    pub text: &'k str,
    /// The same text borrowed from the body, when the key needed no decoding.
    pub body: Option<&'de str>,
    /// The byte offset of the segment's `[` in the body (of the key, for the first).
    pub at: u32,
    /// The byte range of the segment's raw (still encoded) text in the body.
    pub raw: (u32, u32),
}

impl<'de> Seg<'_, 'de> {
    /// The segment as a value that may outlive the key (a map key): borrowed from the body
    /// when it can be.
    pub fn owned(&self) -> Cow<'de, str> {
        match self.body {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(self.text.to_string()),
        }
    }
}

/// A key's segments: inline for the usual depth limit of 8.
pub type Segs<'k, 'de> = SmallVec<[Seg<'k, 'de>; 8]>;

/// A pull scanner over one form body: its pairs, in order.
#[derive(Clone)]
pub struct Scanner<'de> {
    body: &'de [u8],
    /// The body, when it is UTF-8 (checked once): its keys and values need no check of their
    /// own, as an ASCII `&`, `=` or `[` never splits a character.
    text: Option<&'de str>,
    pos: usize,
}

impl fmt::Debug for Scanner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field("len", &self.body.len())
            .field("pos", &self.pos)
            .finish()
    }
}

impl<'de> Scanner<'de> {
    /// A scanner over `body` (checked for UTF-8 once, here).
    #[inline]
    pub fn new(body: &'de [u8]) -> Self {
        Scanner {
            body,
            text: utf8(body),
            pos: 0,
        }
    }

    /// The body.
    #[inline]
    pub fn body(&self) -> &'de [u8] {
        self.body
    }

    /// The next pair that is not empty (`a=1&&b=2` and a trailing `&` have empty ones).
    #[inline]
    pub fn next_pair(&mut self) -> Option<Pair<'de>> {
        let b = self.body;
        while self.pos <= b.len() {
            let start = self.pos;
            // The key: up to the first `=` or `&`, noting whether it holds `%` or `+`.
            let mut i = find(b, start, [b'&', b'=', b'%', b'+'], 0);
            let key_escaped = matches!(b.get(i), Some(b'%' | b'+'));
            if key_escaped {
                i = find(b, i, [b'&', b'='], 0);
            }
            let key_end = i;
            let (value_at, value_end, value_escaped) = if b.get(i) == Some(&b'=') {
                let mut j = find(b, i + 1, [b'&', b'%', b'+'], 0);
                let escaped = matches!(b.get(j), Some(b'%' | b'+'));
                if escaped {
                    j = find(b, j, [b'&'], 0);
                }
                (i + 1, j, escaped)
            } else {
                (i, i, false)
            };
            self.pos = value_end + 1;
            if value_end == start {
                continue;
            }
            let text = |from: usize, to: usize| self.text.and_then(|t| t.get(from..to));
            return Some(Pair {
                start,
                key: &b[start..key_end],
                value: &b[value_at..value_end],
                value_at,
                key_text: text(start, key_end),
                value_text: text(value_at, value_end),
                key_escaped,
                value_escaped,
            });
        }
        None
    }
}

/// One pair of the body, raw.
#[derive(Clone, Copy)]
pub struct Pair<'de> {
    /// The byte offset of its first byte.
    pub start: usize,
    /// The raw key (still encoded).
    pub key: &'de [u8],
    /// The raw value (still encoded; empty for a pair without `=`).
    pub value: &'de [u8],
    /// The byte offset of the value (of the pair's end when it has no `=`).
    pub value_at: usize,
    /// The raw key and value as text, when the body is UTF-8.
    key_text: Option<&'de str>,
    value_text: Option<&'de str>,
    key_escaped: bool,
    value_escaped: bool,
}

impl fmt::Debug for Pair<'_> {
    /// Where, never what (a value may be a secret).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pair")
            .field("start", &self.start)
            .field("key_len", &self.key.len())
            .field("value_at", &self.value_at)
            .field("value_len", &self.value.len())
            .finish()
    }
}

impl<'de> Pair<'de> {
    /// Whether the key holds `%` or `+` (it is then decoded).
    #[inline]
    pub fn key_has_escape(&self) -> bool {
        self.key_escaped
    }

    /// Whether the value holds `%` or `+` (it is then decoded).
    #[inline]
    pub fn value_has_escape(&self) -> bool {
        self.value_escaped
    }

    /// The key, decoded: borrowed from the body when it holds no `%` and no `+`, else
    /// decoded into `buf` when it is as long as the raw key, else onto the heap.
    /// `BadPercentEscape` at the first `%` without two hex digits; `InvalidUtf8` at the
    /// first raw byte of a bad sequence.
    #[inline]
    pub fn key<'b>(&self, buf: &'b mut [u8]) -> Result<Key<'de, 'b>, ParseError> {
        let text = if self.key_escaped {
            decode(self.key, self.key_text, self.start, buf, None)?
        } else {
            Decoded::Body(plain(self.key, self.key_text, self.start, None)?)
        };
        Ok(Key {
            text,
            raw: self.key,
            start: self.start,
        })
    }

    /// The value, decoded: borrowed from the body when it holds no `%` and no `+`, else
    /// decoded into `buf` when it is as long as the raw value, else onto the heap. Errors as
    /// for [`Pair::key`], naming `key`.
    #[inline(always)]
    pub fn value<'b>(
        &self,
        key: &Key<'_, '_>,
        buf: &'b mut [u8],
    ) -> Result<Decoded<'de, 'b>, ParseError> {
        if self.value_escaped {
            decode(
                self.value,
                self.value_text,
                self.value_at,
                buf,
                Some(key.as_str()),
            )
        } else {
            plain(
                self.value,
                self.value_text,
                self.value_at,
                Some(key.as_str()),
            )
            .map(Decoded::Body)
        }
    }
}

/// A decoded key.
pub struct Key<'de, 'b> {
    text: Decoded<'de, 'b>,
    raw: &'de [u8],
    start: usize,
}

impl fmt::Debug for Key<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("start", &self.start)
            .field("text", &self.text)
            .finish()
    }
}

impl<'de, 'b> Key<'de, 'b> {
    /// The decoded key.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The decoded key, as decoded (borrowed from the body or not).
    #[inline]
    pub fn decoded(&self) -> &Decoded<'de, 'b> {
        &self.text
    }

    /// The body offset of decoded byte `i` of the key (`i` may be its length: its end).
    pub fn offset_of(&self, i: usize) -> usize {
        if self.text.is_borrowed() {
            return self.start + i;
        }
        // Each `%XX` decodes to one byte, anything else (a `+` too) to itself.
        let (mut r, mut d) = (0, 0);
        while r < self.raw.len() && d < i {
            r += if self.raw[r] == b'%' { 3 } else { 1 };
            d += 1;
        }
        self.start + r.min(self.raw.len())
    }

    /// Splits the key into its segments, into `out` (cleared first): a name, then zero or
    /// more `[segment]`. `UnbalancedBracket` at the offending bracket (or the character after
    /// a `]`), `EmptyKey` at the pair's start, `TooDeep` at the `[` of the segment past
    /// `max_depth`.
    #[inline]
    pub fn segments<'k>(
        &'k self,
        max_depth: usize,
        out: &mut Segs<'k, 'de>,
    ) -> Result<(), ParseError> {
        out.clear();
        let b = self.text.as_bytes();
        let name_end = find(b, 0, [b'[', b']'], 0);
        if name_end == 0 || b.get(name_end) == Some(&b']') {
            return Err(self.segment_error(name_end, None));
        }
        out.push(self.seg(0, name_end, 0));
        let mut i = name_end;
        while i < b.len() {
            if b[i] != b'[' {
                return Err(self.segment_error(i, None));
            }
            let open = i;
            let close = find(b, open + 1, [b'[', b']'], 0);
            if b.get(close) != Some(&b']') {
                return Err(self.segment_error(close.min(b.len()), Some(open)));
            }
            if out.len() >= max_depth {
                let e = ParseErrorKind::TooDeep { limit: max_depth };
                return Err(self.error(e, open));
            }
            out.push(self.seg(open + 1, close, open));
            i = close + 1;
        }
        Ok(())
    }

    /// The segment `from..to` of the key, whose `[` is at `at` (`0` for the name).
    #[inline(always)]
    fn seg<'k>(&'k self, from: usize, to: usize, at: usize) -> Seg<'k, 'de> {
        // Bodies are at most 4 GiB (the body limit is checked first): offsets fit a `u32`.
        let off = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        match self.text {
            // Brackets are ASCII: the slices are whole characters.
            Decoded::Body(key) => {
                let text = key.get(from..to).unwrap_or_default();
                Seg {
                    text,
                    body: Some(text),
                    at: off(self.start + at),
                    raw: (off(self.start + from), off(self.start + to)),
                }
            }
            _ => Seg {
                text: self.text.get(from..to).unwrap_or_default(),
                body: None,
                at: off(self.offset_of(at)),
                raw: (off(self.offset_of(from)), off(self.offset_of(to))),
            },
        }
    }

    /// The error of a key whose segments break at decoded byte `at`: an empty name, or an
    /// unbalanced bracket (at the `[` at `open` when its `]` is missing).
    #[cold]
    fn segment_error(&self, at: usize, open: Option<usize>) -> ParseError {
        let b = self.text.as_bytes();
        if at == 0 && open.is_none() && b.first() != Some(&b']') {
            return ParseError::new(ParseErrorKind::EmptyKey, self.start, None);
        }
        let at = match (open, b.get(at)) {
            // No `]` at all: the unclosed `[`; a `[` inside: that one.
            (Some(open), None) => open,
            _ => at,
        };
        self.error(ParseErrorKind::UnbalancedBracket, at)
    }

    #[cold]
    fn error(&self, kind: ParseErrorKind, at: usize) -> ParseError {
        ParseError::new(kind, self.offset_of(at), Some(self.as_str().to_string()))
    }
}

/// A key or value without `%` and `+`: the body's own text.
#[inline(always)]
fn plain<'de>(
    raw: &'de [u8],
    checked: Option<&'de str>,
    base: usize,
    key: Option<&str>,
) -> Result<&'de str, ParseError> {
    if let Some(s) = checked {
        return Ok(s);
    }
    std::str::from_utf8(raw).map_err(|e| {
        ParseError::new(
            ParseErrorKind::InvalidUtf8,
            base + e.valid_up_to(),
            key.map(str::to_string),
        )
    })
}

/// A key or value with `%` or `+`, decoded into `buf` (the heap when `buf` is shorter than
/// `raw`: decoding never lengthens), strictly: every `%` takes two hex digits, and the
/// decoded bytes are UTF-8. `+` is a space; escapes are decoded by the `percent-encoding`
/// crate. `checked` is `raw` as text, when the body is UTF-8: a value with only `+` is then
/// that text with spaces, with no second UTF-8 check.
#[inline(never)]
fn decode<'de, 'b>(
    raw: &[u8],
    checked: Option<&str>,
    base: usize,
    buf: &'b mut [u8],
    key: Option<&str>,
) -> Result<Decoded<'de, 'b>, ParseError> {
    let first_escape = find(raw, 0, [b'%'], 0);
    let mut at = first_escape;
    while at < raw.len() {
        let hex = |i: usize| raw.get(i).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(at + 1) && hex(at + 2)) {
            let e = ParseErrorKind::BadPercentEscape;
            return Err(ParseError::new(e, base + at, key.map(str::to_string)));
        }
        at = find(raw, at + 3, [b'%'], 0);
    }
    let space = |b: &u8| if *b == b'+' { b' ' } else { *b };
    let utf8_error = |valid: usize| {
        // The raw offset of decoded byte `valid`.
        let (mut r, mut d) = (0, 0);
        while r < raw.len() && d < valid {
            r += if raw[r] == b'%' { 3 } else { 1 };
            d += 1;
        }
        ParseError::new(
            ParseErrorKind::InvalidUtf8,
            base + r.min(raw.len()),
            key.map(str::to_string),
        )
    };
    if let Some(out) = buf.get_mut(..raw.len()) {
        let n = if first_escape == raw.len() {
            // Only `+`: a copy with spaces.
            for (o, b) in out.iter_mut().zip(raw) {
                *o = space(b);
            }
            raw.len()
        } else {
            let mut n = 0;
            for (i, piece) in raw.split(|&b| b == b'+').enumerate() {
                if i > 0 {
                    out[n] = b' ';
                    n += 1;
                }
                for byte in percent_encoding::percent_decode(piece) {
                    out[n] = byte;
                    n += 1;
                }
            }
            n
        };
        return match std::str::from_utf8(&buf[..n]) {
            Ok(s) => Ok(Decoded::Buf(s)),
            Err(e) => Err(utf8_error(e.valid_up_to())),
        };
    }
    if first_escape == raw.len()
        && let Some(text) = checked
    {
        // std maps one ASCII character to another byte by byte, in one allocation.
        return Ok(Decoded::Heap(text.replace('+', " ")));
    }
    let out: Vec<u8> = if first_escape == raw.len() {
        // Only `+`: a copy with spaces.
        raw.iter().map(space).collect()
    } else {
        let mut out = Vec::with_capacity(raw.len());
        for (i, piece) in raw.split(|&b| b == b'+').enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend(percent_encoding::percent_decode(piece));
        }
        out
    };
    String::from_utf8(out)
        .map(Decoded::Heap)
        .map_err(|e| utf8_error(e.utf8_error().valid_up_to()))
}

#[cfg(test)]
mod tests;
