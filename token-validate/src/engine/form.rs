//! The form driver: an `application/x-www-form-urlencoded` body in Stripe's bracket
//! notation, read in one pass by our own scanner ([`crate::scan::form`]: pairs and bracket
//! segments split with byte searches) without building anything. Each pair's key is split into its
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

use crate::engine::run::{Run, State};
use crate::options::Limits;
use crate::parse_error::{ParseError, ParseErrorKind};
use crate::scan::form::{Pair, Scanner, Segs};

/// The stack buffer a key with `%` or `+` is decoded into: room for any parameter path of
/// the spec many times over (a longer key is decoded onto the heap, and names no parameter).
const KEY_BUF: usize = 256;

/// Where a body that looks like JSON starts (JSON sent as a form: `curl -d '{…}'`, or no
/// `Content-Type`), if it does: it gets one error that quotes nothing.
pub(crate) fn json_as_form(body: &[u8]) -> Option<usize> {
    crate::quote::looks_like_json(body).then(|| {
        body.iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0)
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
    let max_depth = run.limits().depth();
    let mut sc = Scanner::new(bytes);
    let mut key_buf = [0u8; KEY_BUF];
    while let Some(pair) = sc.next_pair() {
        if let Err(e) = read_pair(&pair, run, root, max_depth, &mut key_buf) {
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
        run.abort_from_query();
    }
}

/// One pair: its key decoded (into `key_buf` when it has escapes) and split into segments
/// compared in place by the validators, its value decoded only when it has `%` or `+`,
/// counted, then dispatched.
///
/// A value with escapes is decoded onto the heap, in one allocation of its raw length: the
/// validators keep every value in its parameter's slot until the end of the body (the rules
/// that read several parameters, the typed request), and a slot cannot borrow a buffer that
/// the next pair reuses, so decoding into a stack buffer first would only add a copy.
#[inline]
fn read_pair<'de, S: State<'de>>(
    pair: &Pair<'de>,
    run: &mut Run<'_>,
    root: &mut S,
    max_depth: usize,
    key_buf: &mut [u8],
) -> Result<(), ParseError> {
    let key = pair.key(key_buf)?;
    let mut segs = Segs::new();
    key.segments(max_depth, &mut segs)?;
    let value = pair.value(&key, &mut [])?.into_cow();
    if !run.count_param(|| (pair.start, key.as_str().to_string())) {
        return Ok(());
    }
    run.pair_at(pair.start);
    root.dispatch(run, &segs, value);
    Ok(())
}

/// The offset of the `[` of the last segment of the first pair whose key is `key` (decoded,
/// as the validator names it): where an array index after a gap was sent.
fn index_offset(body: &[u8], key: &str, limits: &Limits) -> Option<usize> {
    let mut sc = Scanner::new(body);
    let mut key_buf = [0u8; KEY_BUF];
    while let Some(pair) = sc.next_pair() {
        let Ok(k) = pair.key(&mut key_buf) else {
            continue;
        };
        let mut segs = Segs::new();
        if k.as_str() == key
            && k.segments(limits.depth(), &mut segs).is_ok()
            && let Some(last) = segs.last()
        {
            return Some(last.at as usize);
        }
    }
    None
}
