//! The form scanner: an `application/x-www-form-urlencoded` body in Stripe's bracket
//! notation, read in one pass without building anything. Each pair's key is split into its
//! segments (`card[number]` → `card`, `number`) and handed, with its value, to the generated
//! validator of the request body, which matches the segments against the spec: under an
//! object a segment is a parameter name, under a list an index (`0`, `1`, or `[]` to push),
//! under a map a key, whatever it looks like.
//!
//! # Syntax
//!
//! * Pairs are separated by `&`; the key ends at the first `=` (a pair without one is the
//!   value `""`); empty pairs (`a=1&&b=2`, a trailing `&`) are skipped.
//! * `+` is a space; keys and values are percent-decoded, strictly: a `%` not followed by
//!   two hex digits, or bytes that are not UTF-8 after decoding, are body errors. Keys and
//!   values without `%` and `+` are borrowed from the body, not copied.
//!
//! # Limits
//!
//! The body size is checked before anything is read; depth and the number of values while
//! reading (see [`Limits`]), so time and memory stay linear in the body size.
//!
//! # Body errors and their offsets
//!
//! `BadPercentEscape` points at the `%`; `InvalidUtf8` at the first raw byte of the bad
//! sequence; `UnbalancedBracket` at the offending bracket (an unclosed `[`, a stray `]`, a
//! nested `[`) or at the character after a `]`; `TooDeep` and `ArrayIndexTooLarge` (for a
//! literal index) at the `[` of the segment; `ArrayIndexGap` at the `[` of the first index
//! after the gap; `EmptyKey`, `TooManyParams`, `DuplicateKey`, `ValueAndObject`,
//! `MixedArrayAndObject` and a too-long `a[]` push at the start of the offending pair;
//! `BodyTooLarge` at the limit.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::Limits;
use crate::parse_error::{ParseError, ParseErrorKind};
use crate::run::{Run, Seg, State, Text};

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

/// Where a body that looks like JSON starts (JSON sent as a form: `curl -d '{…}'`, or no
/// `Content-Type`), if it does: it gets one error that quotes nothing.
pub(crate) fn json_as_form(body: &[u8]) -> Option<usize> {
    crate::quote::looks_like_json(body).then(|| {
        body.iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0)
    })
}

/// One pair of the body: where it starts, its raw key and its raw value.
pub(crate) struct Pair<'de> {
    pub(crate) start: usize,
    pub(crate) key: &'de [u8],
    pub(crate) value: &'de [u8],
    pub(crate) value_at: usize,
}

/// A body known to be UTF-8, so that its keys and values need no check of their own (an
/// ASCII `&` or `=` never splits a character): the body checked once, or nothing when it
/// is not UTF-8 (each pair is then checked, to name the one at fault).
pub(crate) fn checked(body: &[u8]) -> Option<&str> {
    std::str::from_utf8(body).ok()
}

/// The text of `raw`, a slice of `body`, when `text` is `body` as checked UTF-8.
#[inline]
fn text_of<'de>(text: Option<&'de str>, body: &[u8], raw: &[u8]) -> Option<&'de str> {
    let text = text?;
    let start = (raw.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    text.get(start..start + raw.len())
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

/// Reads a form body into the validator of the request body, `root`, and judges its lists
/// (no index left out). A body error stops the read and is left in the run.
pub(crate) fn scan<'de, S: State<'de>>(body: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    scan_body(body, run, root);
    if !run.aborted() {
        structure(run, root, Some(body), b"");
    }
}

/// Reads a form body's pairs into `root` (its lists are judged by [`structure`], once the
/// URL query is read too).
pub(crate) fn scan_body<'de, S: State<'de>>(body: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    let limit = run.limits().max_body_bytes;
    if body.len() > limit {
        run.abort_at(ParseErrorKind::BodyTooLarge { limit }, limit, None);
        return;
    }
    if let Some(at) = json_as_form(body) {
        run.abort_at(ParseErrorKind::JsonAsForm, at, None);
        return;
    }
    scan_pairs(body, run, root);
}

/// Reads the URL query's pairs into `root`, after the body: Stripe reads the query and the
/// body as one set of parameters (stripe-mock's `ParseParams`: "the way Stripe's API
/// actually works is to mix all these request parameters together into one big bucket,
/// behavior inherited from Rack"). A parameter the body sent too keeps the body's value
/// (Rack's `GET.merge(POST)`); the query's own pairs follow the body's syntax and limits
/// (its length is held to the body limit on its own, by [`query_fits`], before the body is
/// read).
pub(crate) fn scan_query<'de, S: State<'de>>(query: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    run.begin_query();
    scan_pairs(query, run, root);
}

/// Whether the URL query is within the limit ([`Limits::max_body_bytes`], which caps the
/// query and the body separately); if not, the body error that stops the run, as a body
/// over the limit does, before anything is read.
pub(crate) fn query_fits(query: &[u8], run: &mut Run<'_>) -> bool {
    let limit = run.limits().max_body_bytes;
    if query.len() > limit {
        run.abort_at(ParseErrorKind::QueryTooLong { limit }, limit, None);
        return false;
    }
    true
}

/// Reads the pairs of a body or a query. A pair's own error (a bad escape, a key sent
/// twice) leaves the pair out; the read goes on unless the run stops there
/// ([`Run::stopped`]).
fn scan_pairs<'de, S: State<'de>>(bytes: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    let limits = run.limits().clone();
    let text = checked(bytes);
    for pair in pairs(bytes) {
        if let Err(e) = read_pair(&pair, bytes, text, run, root, &limits) {
            run.set_abort(e);
        }
        if run.stopped() {
            return;
        }
    }
}

/// The end of the form pairs (of a form body, of the URL query, or both): a list whose
/// indexes leave a gap is a body error, at the index sent after the gap (in the body, else
/// in the query).
pub(crate) fn structure<'de, S: State<'de>>(
    run: &mut Run<'_>,
    root: &S,
    body: Option<&[u8]>,
    query: &[u8],
) {
    let limits = run.limits().clone();
    let in_query = std::cell::Cell::new(false);
    root.structure(
        run,
        &mut |key: &str| match body.and_then(|b| index_offset(b, key, &limits)) {
            Some(at) => at,
            None => {
                in_query.set(true);
                index_offset(query, key, &limits).unwrap_or(0)
            }
        },
    );
    if in_query.get() && run.aborted() {
        run.abort_in_query = true;
    }
}

#[inline]
fn read_pair<'de, S: State<'de>>(
    pair: &Pair<'de>,
    body: &'de [u8],
    text: Option<&'de str>,
    run: &mut Run<'_>,
    root: &mut S,
    limits: &Limits,
) -> Result<(), ParseError> {
    let (key, pos) = decode_key(pair.key, pair.start, text_of(text, body, pair.key))?;
    let body_key = match &key {
        Cow::Borrowed(k) => Some(*k),
        Cow::Owned(_) => None,
    };
    let mut segs = Segs::new();
    parse_key_into(&key, body_key, &pos, pair.start, limits, &mut segs)?;
    let value = decode_value(
        pair.value,
        pair.value_at,
        &key,
        text_of(text, body, pair.value),
    )?;
    if !run.count_param(pair.start, || key.to_string()) {
        return Ok(());
    }
    run.pair = pair.start;
    root.dispatch(run, &segs, value);
    Ok(())
}

/// The offset of the `[` of the last segment of the first pair whose key is `key` (decoded,
/// as the validator names it): where an array index after a gap was sent.
fn index_offset(body: &[u8], key: &str, limits: &Limits) -> Option<usize> {
    for pair in pairs(body) {
        let Ok((k, pos)) = decode_key(pair.key, pair.start, None) else {
            continue;
        };
        if *k == *key
            && let Ok(segs) = parse_key(&k, None, &pos, pair.start, limits)
            && let Some(last) = segs.last()
        {
            return Some(last.at as usize);
        }
    }
    None
}
