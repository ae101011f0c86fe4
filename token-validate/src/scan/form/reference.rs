//! The form reading of `crate::engine::form` before issue 20 (its own pair splitter, key and value
//! decoders and segment splitter), kept only as the tests' reference: the scanner must read
//! every pair, segment, value and error exactly as it did.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::Limits;
use crate::engine::run::Text;
use crate::parse_error::{ParseError, ParseErrorKind};
use crate::scan::form::Seg;

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Index in `raw` of the `n`-th decoded byte (raw is escape-checked).
fn raw_index_of_decoded(raw: &[u8], n: usize) -> usize {
    let (mut i, mut d) = (0, 0);
    while i < raw.len() && d < n {
        i += if raw[i] == b'%' { 3 } else { 1 };
        d += 1;
    }
    i.min(raw.len())
}

/// Decodes the `+` and `%XX` of a form key or value in one pass, into one buffer as long as
/// `raw` (decoding only shortens): one allocation for the text, whatever it holds. With
/// `pos`, each decoded byte's offset in the body (`base` plus its index in `raw`) is
/// recorded too. `Err` is the index in `raw` of a `%` not followed by two hex digits.
fn form_decode(raw: &[u8], mut pos: Option<(&mut Vec<usize>, usize)>) -> Result<Vec<u8>, usize> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if let Some((pos, base)) = pos.as_mut() {
            pos.push(*base + i);
        }
        match raw[i] {
            b'+' => {
                bytes.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex_val);
                let lo = raw.get(i + 2).copied().and_then(hex_val);
                match (hi, lo) {
                    (Some(h), Some(l)) => bytes.push(h * 16 + l),
                    _ => return Err(i),
                }
                i += 3;
            }
            b => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    Ok(bytes)
}

/// Where each decoded byte of a key was in the body: the identity (plus the key's start)
/// when the key has no escape and no `+`, else a table.
pub(crate) enum Positions {
    Identity(usize),
    Table(Vec<usize>),
}

impl Positions {
    /// The body offset of decoded byte `i` (`i` may be the key's length: its end).
    fn at(&self, i: usize) -> usize {
        match self {
            Positions::Identity(base) => base + i,
            Positions::Table(t) => t.get(i).or(t.last()).copied().unwrap_or(0),
        }
    }
}

/// Decode a key, keeping for each decoded byte its absolute offset in the
/// body (plus a final sentinel at the key's end). A key without `%` and `+`
/// (the common case) is borrowed, not copied.
pub(crate) fn decode_key<'de>(
    raw: &'de [u8],
    base: usize,
    checked: Option<&'de str>,
) -> Result<(Cow<'de, str>, Positions), ParseError> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        if let Some(s) = checked {
            return Ok((Cow::Borrowed(s), Positions::Identity(base)));
        }
        return match std::str::from_utf8(raw) {
            Ok(s) => Ok((Cow::Borrowed(s), Positions::Identity(base))),
            Err(e) => Err(ParseError::new(
                ParseErrorKind::InvalidUtf8,
                base + e.valid_up_to(),
                None,
            )),
        };
    }
    let mut pos = Vec::with_capacity(raw.len() + 1);
    let bytes = form_decode(raw, Some((&mut pos, base)))
        .map_err(|i| ParseError::new(ParseErrorKind::BadPercentEscape, base + i, None))?;
    pos.push(base + raw.len());
    match String::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Owned(s), Positions::Table(pos))),
        Err(e) => Err(ParseError::new(
            ParseErrorKind::InvalidUtf8,
            pos[e.utf8_error().valid_up_to()],
            None,
        )),
    }
}

/// Strictly decodes a form value: bad escapes and invalid UTF-8 are errors. A value without
/// `%` and `+` (the common case) is borrowed from the body, not copied.
pub(crate) fn decode_value<'de>(
    raw: &'de [u8],
    base: usize,
    key: &str,
    checked: Option<&'de str>,
) -> Result<Text<'de>, ParseError> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        if let Some(s) = checked {
            return Ok(Cow::Borrowed(s));
        }
        return match std::str::from_utf8(raw) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(e) => Err(ParseError::new(
                ParseErrorKind::InvalidUtf8,
                base + e.valid_up_to(),
                Some(key.to_string()),
            )),
        };
    }
    let bad = |i| {
        ParseError::new(
            ParseErrorKind::BadPercentEscape,
            base + i,
            Some(key.to_string()),
        )
    };
    let decoded = form_decode(raw, None).map_err(bad)?;
    match String::from_utf8(decoded) {
        Ok(s) => Ok(Cow::Owned(s)),
        Err(e) => Err(ParseError::new(
            ParseErrorKind::InvalidUtf8,
            base + raw_index_of_decoded(raw, e.utf8_error().valid_up_to()),
            Some(key.to_string()),
        )),
    }
}

/// A key's segments: `card[number]` has two; the depth limit bounds them.
pub(crate) type Segs<'k, 'de> = SmallVec<[Seg<'k, 'de>; 8]>;

/// Splits a decoded key into its segments: a name, then zero or more `[segment]`.
#[inline]
pub(crate) fn parse_key<'k, 'de>(
    key: &'k str,
    body_key: Option<&'de str>,
    pos: &Positions,
    pair_start: usize,
    limits: &Limits,
) -> Result<Segs<'k, 'de>, ParseError> {
    let mut segs = Segs::new();
    parse_key_into(key, body_key, pos, pair_start, limits, &mut segs)?;
    Ok(segs)
}

/// [`parse_key`] into a caller's buffer (no copy of the segments on the way out).
#[inline]
fn parse_key_into<'k, 'de>(
    key: &'k str,
    body_key: Option<&'de str>,
    pos: &Positions,
    pair_start: usize,
    limits: &Limits,
    segs: &mut Segs<'k, 'de>,
) -> Result<(), ParseError> {
    let b = key.as_bytes();
    let err = |kind, i: usize| ParseError::new(kind, pos.at(i), Some(key.to_string()));
    let name_end = b
        .iter()
        .position(|&c| c == b'[' || c == b']')
        .unwrap_or(b.len());
    if name_end < b.len() && b[name_end] == b']' {
        return Err(err(ParseErrorKind::UnbalancedBracket, name_end));
    }
    if name_end == 0 {
        return Err(ParseError::new(ParseErrorKind::EmptyKey, pair_start, None));
    }
    let max_depth = limits.depth();
    // Bodies are at most 4 GiB (the body limit is checked first): offsets fit a `u32`.
    let off = |i: usize| u32::try_from(pos.at(i)).unwrap_or(u32::MAX);
    let seg = |start: usize, end: usize, at: usize| Seg {
        text: &key[start..end],
        body: body_key.map(|k| &k[start..end]),
        at: off(at),
        raw: (off(start), off(end)),
    };
    segs.push(seg(0, name_end, 0));
    let mut i = name_end;
    while i < b.len() {
        if b[i] != b'[' {
            return Err(err(ParseErrorKind::UnbalancedBracket, i));
        }
        let open = i;
        let rel = b[open + 1..].iter().position(|&c| c == b'[' || c == b']');
        let close = match rel {
            Some(r) if b[open + 1 + r] == b']' => open + 1 + r,
            Some(r) => return Err(err(ParseErrorKind::UnbalancedBracket, open + 1 + r)),
            None => return Err(err(ParseErrorKind::UnbalancedBracket, open)),
        };
        if segs.len() >= max_depth {
            return Err(err(ParseErrorKind::TooDeep { limit: max_depth }, open));
        }
        segs.push(seg(open + 1, close, open));
        i = close + 1;
    }
    Ok(())
}

/// One pair of the body: where it starts, its raw key and its raw value.
pub(crate) struct Pair<'de> {
    pub(crate) start: usize,
    pub(crate) key: &'de [u8],
    pub(crate) value: &'de [u8],
    pub(crate) value_at: usize,
}

/// The non-empty pairs of a body, in order.
pub(crate) fn pairs(body: &[u8]) -> impl Iterator<Item = Pair<'_>> {
    let mut start = 0usize;
    std::iter::from_fn(move || {
        while start <= body.len() {
            let end = body[start..]
                .iter()
                .position(|&b| b == b'&')
                .map_or(body.len(), |p| start + p);
            let pair = &body[start..end];
            let here = start;
            start = end + 1;
            if pair.is_empty() {
                continue;
            }
            return Some(match pair.iter().position(|&b| b == b'=') {
                Some(eq) => Pair {
                    start: here,
                    key: &pair[..eq],
                    value: &pair[eq + 1..],
                    value_at: here + eq + 1,
                },
                None => Pair {
                    start: here,
                    key: pair,
                    value: &[],
                    value_at: end,
                },
            });
        }
        None
    })
}
