//! Request-body parameter trees.
//!
//! This module turns a request body — either `application/x-www-form-urlencoded`
//! in Stripe's bracket notation, or JSON — into one [`Object`] tree, and encodes
//! a tree back into Stripe's form encoding with [`encode_form`]. It knows
//! nothing about Stripe's parameter names; callers validate the tree.
//!
//! # Form syntax
//!
//! * `a=v` — a top-level value; `a` with no `=` is the value `""`.
//! * `a[b][c]=v` — nested objects.
//! * `a[]=v` — push onto an array. Each push creates a new element, so
//!   `a[][k]=1&a[][j]=2` is an array of two objects.
//! * `a[0]=v` — indexed array. Indexes may come in any order but must end up
//!   dense (`0..n`); a segment made only of ASCII digits is always an index.
//! * `a[0][k]=v` — array of objects.
//! * `+` is a space; keys and values are percent-decoded (so
//!   `card%5Bnumber%5D=4242` is `card[number]`), strictly: a `%` not followed by
//!   two hex digits, or bytes that are not UTF-8 after decoding, are errors.
//! * Empty pairs (`a=1&&b=2`, a trailing `&`) are skipped.
//!
//! # Limits and safety
//!
//! Every parse is bounded by [`Limits`]: the body size is checked before any
//! parsing, and depth, leaf count and array index limits are enforced while
//! parsing, so time and memory stay linear in the body size. Objects keep a
//! hash index so that many distinct keys cost O(1) each. `max_depth` is clamped
//! to [`HARD_MAX_DEPTH`] so that recursion over the tree stays shallow whatever
//! the caller configures. No input makes the parser panic.
//!
//! # Errors
//!
//! A [`ParseError`] carries a byte offset into the body and, when there is one,
//! the bracket path concerned. Its [`ParseError::message`] never contains a
//! value from the body, only keys, and those only as [`crate::quote::path`] lets
//! them through (a secret sent inside a key is masked). Likewise the `Debug`
//! output of a [`Scalar`] redacts its text, so trees can be logged safely. A
//! form body that looks like JSON is refused before parsing, quoting nothing
//! ([`ParseErrorKind::JsonAsForm`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Depth ceiling applied whatever [`Limits::max_depth`] says, so recursion
/// over a parsed tree (building, dropping, encoding) is always shallow.
pub const HARD_MAX_DEPTH: usize = 64;

/// Parsing limits, with safe defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest body accepted, in bytes (default 64 KiB). Checked before parsing.
    pub max_body_bytes: usize,
    /// Deepest path accepted, counting the top-level name as one level
    /// (default 8: `a[b][c][d][e][f][g][h]` is the deepest form key).
    /// Clamped to [`HARD_MAX_DEPTH`].
    pub max_depth: usize,
    /// Most leaf values accepted (default 1024).
    pub max_params: usize,
    /// Array length limit (default 256): an index `>=` this is refused.
    pub max_array_len: usize,
}

impl Default for Limits {
    /// 64 KiB body, depth 8, 1024 leaf values, array indexes below 256.
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            max_depth: 8,
            max_params: 1024,
            max_array_len: 256,
        }
    }
}

impl Limits {
    fn depth(&self) -> usize {
        self.max_depth.min(HARD_MAX_DEPTH)
    }
}

/// Where a [`Scalar`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A form-encoded value.
    Form,
    /// A JSON string.
    JsonString,
    /// A JSON number, kept as text (see [`parse_json`]).
    JsonNumber,
    /// A JSON boolean, as the text `true` or `false`.
    JsonBool,
}

/// A leaf value as received: the decoded text plus where it was in the body.
///
/// Equality compares `text` only (not `span` nor `origin`); `Debug` redacts
/// the text, which may be a card number.
#[derive(Clone)]
pub struct Scalar {
    /// The decoded text.
    pub text: String,
    /// Byte range of the raw (still encoded) value in the body. For form
    /// bodies this is exact (empty, at the end of the pair, for a key with no
    /// `=`); for JSON bodies it is `0..0`, since serde_json exposes no offsets.
    pub span: Range<usize>,
    /// What kind of token the value was.
    pub origin: Origin,
}

impl Scalar {
    /// A scalar built in code: form origin, empty span.
    pub fn new(text: impl Into<String>) -> Self {
        Scalar {
            text: text.into(),
            span: 0..0,
            origin: Origin::Form,
        }
    }
}

impl PartialEq for Scalar {
    /// Compares the text only; spans and origins are ignored.
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scalar")
            .field(
                "text",
                &format_args!("<{} bytes redacted>", self.text.len()),
            )
            .field("span", &self.span)
            .field("origin", &self.origin)
            .finish()
    }
}

/// A node of the parameter tree.
///
/// Equality compares structure and scalar text only, ignoring spans and
/// origins, so a parsed tree equals one built in code.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A leaf.
    Scalar(Scalar),
    /// Named children, in first-seen order.
    Object(Object),
    /// Elements in index order (always dense).
    Array(Vec<Value>),
}

impl Value {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The array's elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    span: Range<usize>,
    value: Value,
}

/// Keys in first-seen order; lookups by name.
///
/// Small objects (up to 16 keys, i.e. every object of a real
/// request) are searched linearly, which is faster than hashing; larger ones
/// get a hash index (keyed SipHash), so lookups stay O(1) whatever the number
/// of keys. Equality compares keys in order and values (see [`Value`]),
/// ignoring key spans.
#[derive(Clone, Default)]
pub struct Object {
    entries: Vec<Entry>,
    index: KeyIndex,
}

/// Objects with more keys than this get a hash index.
const LINEAR_MAX: usize = 16;

/// The keys and values of an [`Object`], by value, in first-seen order.
pub struct IntoIter(std::vec::IntoIter<Entry>);

impl Iterator for IntoIter {
    type Item = (String, Value);
    fn next(&mut self) -> Option<(String, Value)> {
        self.0.next().map(|e| (e.key, e.value))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = IntoIter;
    /// Keys and values in first-seen order, by value.
    fn into_iter(self) -> IntoIter {
        IntoIter(self.entries.into_iter())
    }
}

/// The position of each key, only for objects over [`LINEAR_MAX`] keys.
#[derive(Clone, Default)]
struct KeyIndex(Option<HashMap<String, usize>>);

impl KeyIndex {
    /// The position of `key` among `keys`.
    fn find<'k>(&self, key: &str, mut keys: impl Iterator<Item = &'k str>) -> Option<usize> {
        match &self.0 {
            Some(map) => map.get(key).copied(),
            None => keys.position(|k| k == key),
        }
    }

    /// Records that `key` is at position `len` (the current number of keys),
    /// building the index when the object outgrows a linear search.
    fn add<'k>(&mut self, key: &str, len: usize, keys: impl Iterator<Item = &'k str>) {
        match &mut self.0 {
            Some(map) => {
                map.insert(key.to_string(), len);
            }
            None if len >= LINEAR_MAX => {
                let mut map: HashMap<String, usize> =
                    keys.enumerate().map(|(i, k)| (k.to_string(), i)).collect();
                map.insert(key.to_string(), len);
                self.0 = Some(map);
            }
            None => {}
        }
    }
}

impl fmt::Debug for Object {
    /// A map of keys to values (scalar texts redacted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Object {
    /// Same keys in the same order with equal values; spans are ignored.
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(a, b)| a.key == b.key && a.value == b.value)
    }
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object::default()
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].value)
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.index
            .find(key, self.entries.iter().map(|e| e.key.as_str()))
    }

    /// Keys and values in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|e| (e.key.as_str(), &e.value))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps only the keys for which `keep` returns `true` (it may change their values),
    /// in their order and with their spans.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|e| keep(&e.key, &mut e.value));
        if self.entries.len() != before {
            self.index = KeyIndex::default();
            for i in 0..self.entries.len() {
                let (seen, rest) = self.entries.split_at(i);
                self.index
                    .add(&rest[0].key, i, seen.iter().map(|e| e.key.as_str()));
            }
        }
    }

    /// Insert for building trees in code: replaces the value of an existing
    /// key in place (keeping its position and span), or appends a new key with
    /// span `0..0`.
    pub fn insert(&mut self, key: String, value: Value) {
        self.insert_spanned(key, 0..0, value);
    }

    /// Byte range in the body of the key's first occurrence (for form bodies,
    /// the raw text of that bracket segment, e.g. `number` in `card[number]`;
    /// `0..0` for JSON bodies and for keys inserted in code).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.position(key).map(|i| self.entries[i].span.clone())
    }

    fn insert_spanned(&mut self, key: String, span: Range<usize>, value: Value) {
        if let Some(i) = self.position(&key) {
            self.entries[i].value = value;
        } else {
            self.push_new(key, span, value);
        }
    }

    /// Appends a key known not to be there yet.
    fn push_new(&mut self, key: String, span: Range<usize>, value: Value) {
        self.index.add(
            &key,
            self.entries.len(),
            self.entries.iter().map(|e| e.key.as_str()),
        );
        self.entries.push(Entry { key, span, value });
    }
}

/// What went wrong while parsing a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The body is over [`Limits::max_body_bytes`]; checked before parsing.
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A form body that looks like JSON (`{…}` or `[…]` after optional whitespace, see
    /// [`crate::quote::looks_like_json`]): JSON sent without
    /// `Content-Type: application/json`. Checked before parsing; nothing is quoted.
    JsonAsForm,
    /// Bytes that are not UTF-8 (after percent-decoding, for form bodies).
    InvalidUtf8,
    /// A `%` not followed by two hex digits.
    BadPercentEscape,
    /// A `[` without its `]`, a `]` without its `[`, or text after a `]`
    /// that is not another `[`.
    UnbalancedBracket,
    /// A parameter with an empty name (`=v`, `[a]=v`, or a JSON key `""`).
    EmptyKey,
    /// A path deeper than [`Limits::max_depth`].
    TooDeep {
        /// The depth limit in force.
        limit: usize,
    },
    /// More leaf values than [`Limits::max_params`].
    TooManyParams {
        /// The limit.
        limit: usize,
    },
    /// An array index (or array length) at or over [`Limits::max_array_len`].
    ArrayIndexTooLarge {
        /// The limit: indexes must be below it.
        limit: usize,
    },
    /// Array indexes that do not end up dense, e.g. `a[5]=` with no `a[0..4]`.
    ArrayIndexGap,
    /// A key that is both a value and an object or array, e.g. `a=1&a[b]=2`.
    ValueAndObject,
    /// A value given twice, e.g. `a=1&a=2` or a repeated JSON key.
    DuplicateKey,
    /// A key used both as an array and as an object, e.g. `a[0]=x&a[b]=y`.
    MixedArrayAndObject,
    /// Invalid or truncated JSON: serde_json's message without its position
    /// (or this module's, for a JSON key containing `[` or `]`).
    Json(String),
    /// The top-level JSON value is not an object.
    JsonNotObject,
    /// A JSON `null` value.
    JsonNull,
}

/// A parse failure: what, where (byte offset in the body), and which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the body where the problem is (see [`parse_form`] and
    /// [`parse_json`] for what each kind points at).
    pub offset: usize,
    /// The bracket path concerned, like `card[number]`, when there is one, as
    /// [`crate::quote::path`] lets it through: a segment that is not a parameter name is
    /// `(redacted)`, and the path is at most 100 characters.
    pub key: Option<String>,
}

/// Quote a key for a message: the key as [`crate::quote::path`] lets it through (segments
/// that are not parameter names masked, at most 100 characters), in single quotes.
fn quote_key(key: &str) -> String {
    format!("'{}'", crate::quote::path(key))
}

impl ParseError {
    /// The key is kept only as [`crate::quote::path`] lets it through, so that neither the
    /// message nor the `Debug` of the error can carry a secret sent inside a key.
    fn new(kind: ParseErrorKind, offset: usize, key: Option<String>) -> Self {
        let key = key.map(|k| crate::quote::path(&k));
        ParseError { kind, offset, key }
    }

    /// Clear English in Stripe's style saying what and where, e.g.
    /// `Invalid form body: unbalanced '[' or ']' in key 'card[number' at byte 12.`
    /// Never includes a value from the body, only keys, as [`crate::quote::path`] lets
    /// them through.
    pub fn message(&self) -> String {
        use ParseErrorKind::*;
        let at = self.offset;
        // The key is already quoted (see `new`).
        let k = self.key.as_deref().map(|k| format!("'{k}'"));
        let in_param = k
            .as_ref()
            .map(|k| format!(" in parameter {k}"))
            .unwrap_or_default();
        let param = k.clone().unwrap_or_else(|| "a parameter".to_string());
        match &self.kind {
            BodyTooLarge { limit } => {
                format!("Invalid request body: the body is larger than the limit of {limit} bytes.")
            }
            JsonAsForm => "Invalid form body: the body looks like JSON. To send JSON, set the header `Content-Type: application/json`; to send a form, encode the parameters as card[number]=...&card[exp_month]=... pairs.".to_string(),
            InvalidUtf8 => format!("Invalid request body: invalid UTF-8{in_param} at byte {at}."),
            BadPercentEscape => format!(
                "Invalid form body: malformed percent-escape ('%' must be followed by two hex digits){in_param} at byte {at}."
            ),
            UnbalancedBracket => match &k {
                Some(k) => {
                    format!("Invalid form body: unbalanced '[' or ']' in key {k} at byte {at}.")
                }
                None => format!("Invalid form body: unbalanced '[' or ']' in key at byte {at}."),
            },
            EmptyKey => format!("Invalid request body: empty parameter name at byte {at}."),
            TooDeep { limit } => format!(
                "Invalid request body: {param} is nested too deeply (at most {limit} levels are allowed) at byte {at}."
            ),
            TooManyParams { limit } => format!(
                "Invalid request body: too many parameters (at most {limit} values are allowed); {param} at byte {at} is over the limit."
            ),
            ArrayIndexTooLarge { limit } => format!(
                "Invalid request body: array index too large{in_param} (indexes must be below {limit}) at byte {at}."
            ),
            ArrayIndexGap => format!(
                "Invalid form body: array index {param} at byte {at} leaves a gap; array indexes must run from 0 without skipping."
            ),
            ValueAndObject => format!(
                "Invalid form body: {param} is given both as a value and as an object or array, at byte {at}."
            ),
            DuplicateKey => {
                format!("Invalid request body: {param} is given more than once, at byte {at}.")
            }
            MixedArrayAndObject => format!(
                "Invalid form body: {param} is used both as an array and as an object, at byte {at}."
            ),
            Json(msg) => format!("Invalid JSON body: {msg} at byte {at}."),
            JsonNotObject => {
                format!("Invalid JSON body: the top-level value must be an object, at byte {at}.")
            }
            JsonNull => format!(
                "Invalid JSON body: null is not allowed for {param} (omit the parameter instead), at byte {at}."
            ),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ParseError {}

/// Join a path the way Stripe names parameters: `["card","number"]` ->
/// `card[number]`; an empty segment gives `[]`.
pub fn bracket_path(segments: &[&str]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        if i == 0 {
            out.push_str(s);
        } else {
            out.push('[');
            out.push_str(s);
            out.push(']');
        }
    }
    out
}

fn path_string(segments: &[String]) -> String {
    let v: Vec<&str> = segments.iter().map(String::as_str).collect();
    bracket_path(&v)
}

fn check_body_size(body: &[u8], limits: &Limits) -> Result<(), ParseError> {
    if body.len() > limits.max_body_bytes {
        return Err(ParseError::new(
            ParseErrorKind::BodyTooLarge {
                limit: limits.max_body_bytes,
            },
            limits.max_body_bytes,
            None,
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Form parsing
// ---------------------------------------------------------------------------

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Offset (relative to `raw`) of the first `%` not followed by two hex digits.
fn bad_escape(raw: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let ok =
                i + 2 < raw.len() && hex_val(raw[i + 1]).is_some() && hex_val(raw[i + 2]).is_some();
            if !ok {
                return Some(i);
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    None
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

/// Where each decoded byte of a key was in the body: the identity (plus the key's start)
/// when the key has no escape and no `+`, else a table.
enum Positions {
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
fn decode_key(raw: &[u8], base: usize) -> Result<(Cow<'_, str>, Positions), ParseError> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return match std::str::from_utf8(raw) {
            Ok(s) => Ok((Cow::Borrowed(s), Positions::Identity(base))),
            Err(e) => Err(ParseError::new(
                ParseErrorKind::InvalidUtf8,
                base + e.valid_up_to(),
                None,
            )),
        };
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut pos = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    while i < raw.len() {
        pos.push(base + i);
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
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::BadPercentEscape,
                            base + i,
                            None,
                        ));
                    }
                }
                i += 3;
            }
            b => {
                bytes.push(b);
                i += 1;
            }
        }
    }
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

/// Strictly decode a form value: bad escapes and invalid UTF-8 are errors.
fn decode_value(raw: &[u8], base: usize, key: &str) -> Result<String, ParseError> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return match std::str::from_utf8(raw) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(ParseError::new(
                ParseErrorKind::InvalidUtf8,
                base + e.valid_up_to(),
                Some(key.to_string()),
            )),
        };
    }
    if let Some(i) = bad_escape(raw) {
        return Err(ParseError::new(
            ParseErrorKind::BadPercentEscape,
            base + i,
            Some(key.to_string()),
        ));
    }
    let plus_free: std::borrow::Cow<'_, [u8]> = if raw.contains(&b'+') {
        raw.iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect::<Vec<u8>>()
            .into()
    } else {
        raw.into()
    };
    let decoded: std::borrow::Cow<'_, [u8]> = percent_encoding::percent_decode(&plus_free).into();
    match std::str::from_utf8(&decoded) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(ParseError::new(
            ParseErrorKind::InvalidUtf8,
            base + raw_index_of_decoded(raw, e.valid_up_to()),
            Some(key.to_string()),
        )),
    }
}

#[derive(Debug)]
enum Seg<'k> {
    Name(&'k str),
    Index(usize),
    Push,
}

#[derive(Debug)]
struct KeySeg<'k> {
    seg: Seg<'k>,
    /// Raw byte range of the segment's text (inside the brackets).
    span: Range<usize>,
}

impl Seg<'_> {
    fn display(&self) -> String {
        match self {
            Seg::Name(s) => s.to_string(),
            Seg::Index(i) => i.to_string(),
            Seg::Push => String::new(),
        }
    }
}

fn segs_path(segs: &[KeySeg]) -> String {
    let v: Vec<String> = segs.iter().map(|s| s.seg.display()).collect();
    path_string(&v)
}

/// Split a decoded key into segments: `name` then zero or more `[seg]`.
fn parse_key<'k>(
    key: &'k str,
    pos: &Positions,
    pair_start: usize,
    limits: &Limits,
) -> Result<Vec<KeySeg<'k>>, ParseError> {
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
    let mut segs = Vec::with_capacity(4);
    segs.push(KeySeg {
        seg: Seg::Name(&key[..name_end]),
        span: pos.at(0)..pos.at(name_end),
    });
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
        let text = &key[open + 1..close];
        let seg = if text.is_empty() {
            Seg::Push
        } else if text.bytes().all(|c| c.is_ascii_digit()) {
            match text.parse::<usize>() {
                Ok(n) if n < limits.max_array_len => Seg::Index(n),
                _ => {
                    return Err(err(
                        ParseErrorKind::ArrayIndexTooLarge {
                            limit: limits.max_array_len,
                        },
                        open,
                    ));
                }
            }
        } else {
            Seg::Name(text)
        };
        segs.push(KeySeg {
            seg,
            span: pos.at(open + 1)..pos.at(close),
        });
        i = close + 1;
    }
    Ok(segs)
}

enum BNode {
    Leaf(Scalar),
    Obj(BObj),
    Arr(BArr),
}

#[derive(Default)]
struct BObj {
    entries: Vec<(String, Range<usize>, BNode)>,
    index: KeyIndex,
}

#[derive(Default)]
struct BArr {
    /// index -> (raw offset of the index segment's `[`, node)
    items: BTreeMap<usize, (usize, BNode)>,
    next: usize,
}

#[derive(Clone, Copy)]
enum Want {
    Leaf,
    Obj,
    Arr,
}

impl Want {
    fn new_node(self, leaf: &mut Option<Scalar>) -> BNode {
        match self {
            Want::Leaf => BNode::Leaf(leaf.take().unwrap_or_else(|| Scalar::new(""))),
            Want::Obj => BNode::Obj(BObj::default()),
            Want::Arr => BNode::Arr(BArr::default()),
        }
    }
}

/// Check an existing node against what the current key needs there.
fn compatible(existing: &BNode, want: Want) -> Result<(), ParseErrorKind> {
    match (existing, want) {
        (BNode::Leaf(_), Want::Leaf) => Err(ParseErrorKind::DuplicateKey),
        (BNode::Leaf(_), _) | (_, Want::Leaf) => Err(ParseErrorKind::ValueAndObject),
        (BNode::Obj(_), Want::Arr) | (BNode::Arr(_), Want::Obj) => {
            Err(ParseErrorKind::MixedArrayAndObject)
        }
        _ => Ok(()),
    }
}

enum Cont<'a> {
    Obj(&'a mut BObj),
    Arr(&'a mut BArr),
}

/// Insert one pair's leaf into the builder tree.
fn insert_pair(
    root: &mut BObj,
    segs: &[KeySeg],
    leaf: Scalar,
    pair_start: usize,
    limits: &Limits,
) -> Result<(), ParseError> {
    let mut leaf = Some(leaf);
    let mut cur = Cont::Obj(root);
    let n = segs.len();
    for (i, ks) in segs.iter().enumerate() {
        let want = match segs.get(i + 1) {
            None => Want::Leaf,
            Some(KeySeg {
                seg: Seg::Name(_), ..
            }) => Want::Obj,
            Some(_) => Want::Arr,
        };
        let fail = |kind| ParseError::new(kind, pair_start, Some(segs_path(&segs[..=i])));
        let slot: &mut BNode = match (cur, &ks.seg) {
            (Cont::Obj(o), Seg::Name(name)) => {
                match o.index.find(name, o.entries.iter().map(|e| e.0.as_str())) {
                    Some(j) => {
                        let node = &mut o.entries[j].2;
                        compatible(node, want).map_err(fail)?;
                        node
                    }
                    None => {
                        let j = o.entries.len();
                        o.index.add(name, j, o.entries.iter().map(|e| e.0.as_str()));
                        o.entries.push((
                            (*name).to_string(),
                            ks.span.clone(),
                            want.new_node(&mut leaf),
                        ));
                        &mut o.entries[j].2
                    }
                }
            }
            (Cont::Arr(a), Seg::Index(_) | Seg::Push) => {
                let idx = match ks.seg {
                    Seg::Index(k) => k,
                    _ => a.next,
                };
                if idx >= limits.max_array_len {
                    return Err(fail(ParseErrorKind::ArrayIndexTooLarge {
                        limit: limits.max_array_len,
                    }));
                }
                a.next = a.next.max(idx + 1);
                let offset = ks.span.start.saturating_sub(1);
                let entry = a.items.entry(idx);
                match entry {
                    std::collections::btree_map::Entry::Occupied(o) => {
                        let node = &mut o.into_mut().1;
                        compatible(node, want).map_err(fail)?;
                        node
                    }
                    std::collections::btree_map::Entry::Vacant(v) => {
                        &mut v.insert((offset, want.new_node(&mut leaf))).1
                    }
                }
            }
            // Containers are created to match the next segment, so this
            // cannot happen; report it rather than panic.
            _ => return Err(fail(ParseErrorKind::MixedArrayAndObject)),
        };
        if i + 1 == n {
            break;
        }
        cur = match slot {
            BNode::Obj(o) => Cont::Obj(o),
            BNode::Arr(a) => Cont::Arr(a),
            BNode::Leaf(_) => return Err(fail(ParseErrorKind::ValueAndObject)),
        };
    }
    Ok(())
}

fn finish_obj(b: BObj, path: &mut Vec<String>) -> Result<Object, ParseError> {
    let mut entries = Vec::with_capacity(b.entries.len());
    for (key, span, node) in b.entries {
        path.push(key);
        let value = finish_node(node, path)?;
        let key = path.pop().unwrap_or_default();
        entries.push(Entry { key, span, value });
    }
    Ok(Object {
        entries,
        index: b.index,
    })
}

fn finish_node(node: BNode, path: &mut Vec<String>) -> Result<Value, ParseError> {
    Ok(match node {
        BNode::Leaf(s) => Value::Scalar(s),
        BNode::Obj(o) => Value::Object(finish_obj(o, path)?),
        BNode::Arr(a) => {
            let mut out = Vec::with_capacity(a.items.len());
            for (i, (idx, (offset, node))) in a.items.into_iter().enumerate() {
                path.push(idx.to_string());
                if idx != i {
                    return Err(ParseError::new(
                        ParseErrorKind::ArrayIndexGap,
                        offset,
                        Some(path_string(path)),
                    ));
                }
                out.push(finish_node(node, path)?);
                path.pop();
            }
            Value::Array(out)
        }
    })
}

/// Parse an `application/x-www-form-urlencoded` body in Stripe's bracket
/// notation (see the module docs) into a tree.
///
/// Pairs are split on `&` (and key from value on the first `=`) here rather
/// than by `form_urlencoded::parse`, which exposes no byte offsets; decoding is
/// strict (bad escapes and invalid UTF-8 are errors, where `form_urlencoded`
/// would silently repair them). Values are decoded with
/// `percent_encoding::percent_decode` after the escape check.
///
/// A body that is `{…}` or `[…]` after optional whitespace is `JsonAsForm`
/// (JSON sent as a form), at its first byte.
///
/// Error offsets: `BadPercentEscape` points at the `%`; `InvalidUtf8` at the
/// first raw byte of the bad sequence; `UnbalancedBracket` at the offending
/// bracket (an unclosed `[`, a stray `]`, a nested `[`) or at the character
/// after a `]`; `TooDeep` and `ArrayIndexTooLarge` (for a literal index) at
/// the `[` of the segment; `ArrayIndexGap` at the `[` of the first index after
/// the gap; `EmptyKey`, `TooManyParams`, `DuplicateKey`, `ValueAndObject`,
/// `MixedArrayAndObject` and a too-long `a[]` push at the start of the
/// offending pair; `BodyTooLarge` at `max_body_bytes`.
pub fn parse_form(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    check_body_size(body, limits)?;
    if crate::quote::looks_like_json(body) {
        let at = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        return Err(ParseError::new(ParseErrorKind::JsonAsForm, at, None));
    }
    let mut root = BObj::default();
    let mut params = 0usize;
    let mut start = 0usize;
    while start <= body.len() {
        let end = body[start..]
            .iter()
            .position(|&b| b == b'&')
            .map_or(body.len(), |p| start + p);
        let pair = &body[start..end];
        if !pair.is_empty() {
            let (raw_key, value_range) = match pair.iter().position(|&b| b == b'=') {
                Some(eq) => (&pair[..eq], start + eq + 1..end),
                None => (pair, end..end),
            };
            let (key, pos) = decode_key(raw_key, start)?;
            let key: &str = &key;
            let segs = parse_key(key, &pos, start, limits)?;
            let text = decode_value(&body[value_range.clone()], value_range.start, key)?;
            if params >= limits.max_params {
                return Err(ParseError::new(
                    ParseErrorKind::TooManyParams {
                        limit: limits.max_params,
                    },
                    start,
                    Some(key.to_string()),
                ));
            }
            params += 1;
            let leaf = Scalar {
                text,
                span: value_range,
                origin: Origin::Form,
            };
            insert_pair(&mut root, &segs, leaf, start, limits)?;
        }
        start = end + 1;
    }
    finish_obj(root, &mut Vec::new())
}

// ---------------------------------------------------------------------------
// JSON parsing
// ---------------------------------------------------------------------------

struct JState<'l> {
    limits: &'l Limits,
    /// The text of each number of the body, in the order serde_json visits them.
    numbers: crate::json_number::NumberLiterals<'l>,
    max_depth: usize,
    params: usize,
    path: Vec<String>,
    err: Option<(ParseErrorKind, Option<String>)>,
}

impl JState<'_> {
    fn fail<E: de::Error>(&mut self, kind: ParseErrorKind, key: Option<String>) -> E {
        self.err = Some((kind, key));
        E::custom("rejected by parameter tree limits")
    }
    fn here(&self) -> Option<String> {
        if self.path.is_empty() {
            None
        } else {
            Some(path_string(&self.path))
        }
    }
    /// A JSON number, as its text in the body (`fallback` should the scan and serde_json
    /// ever disagree).
    fn number<E: de::Error>(&mut self, fallback: impl FnOnce() -> String) -> Result<Value, E> {
        let text = match self.numbers.next() {
            Some(t) => t.to_string(),
            None => fallback(),
        };
        self.scalar(text, Origin::JsonNumber)
    }
    fn scalar<E: de::Error>(&mut self, text: String, origin: Origin) -> Result<Value, E> {
        if self.params >= self.limits.max_params {
            let key = self.here();
            return Err(self.fail(
                ParseErrorKind::TooManyParams {
                    limit: self.limits.max_params,
                },
                key,
            ));
        }
        self.params += 1;
        Ok(Value::Scalar(Scalar {
            text,
            span: 0..0,
            origin,
        }))
    }
}

fn json_object<'de, A: MapAccess<'de>>(
    st: &mut JState<'_>,
    mut map: A,
) -> Result<Object, A::Error> {
    let mut obj = Object::new();
    while let Some(key) = map.next_key::<String>()? {
        if key.is_empty() {
            let here = st.here();
            return Err(st.fail(ParseErrorKind::EmptyKey, here));
        }
        if key.contains(['[', ']']) {
            let msg = format!(
                "object key {} contains '[' or ']', which cannot be sent as a form parameter,",
                quote_key(&key)
            );
            let here = st.here();
            return Err(st.fail(ParseErrorKind::Json(msg), here));
        }
        if !st.path.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            // In a form body `a[123]` is an array index: such an object could not be
            // re-encoded as the same form parameters.
            let msg = format!(
                "object key {} is made only of digits, which a form parameter reads as an array index (use a key with a letter),",
                quote_key(&key)
            );
            let here = st.here();
            return Err(st.fail(ParseErrorKind::Json(msg), here));
        }
        if obj.get(&key).is_some() {
            st.path.push(key);
            let here = st.here();
            return Err(st.fail(ParseErrorKind::DuplicateKey, here));
        }
        // The key travels through the path (for error messages) and comes back.
        let (value, key) = map.next_value_seed(JSeed {
            st: &mut *st,
            seg: key,
            index: None,
        })?;
        obj.push_new(key, 0..0, value);
    }
    Ok(obj)
}

struct JSeed<'s, 'l> {
    st: &'s mut JState<'l>,
    seg: String,
    index: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for JSeed<'_, '_> {
    /// The value, and the path segment given back.
    type Value = (Value, String);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(Value, String), D::Error> {
        let st = self.st;
        st.path.push(self.seg);
        if let Some(i) = self.index
            && i >= st.limits.max_array_len
        {
            let here = st.here();
            let limit = st.limits.max_array_len;
            return Err(st.fail(ParseErrorKind::ArrayIndexTooLarge { limit }, here));
        }
        if st.path.len() > st.max_depth {
            let here = st.here();
            let limit = st.max_depth;
            return Err(st.fail(ParseErrorKind::TooDeep { limit }, here));
        }
        let v = d.deserialize_any(JVisitor { st: &mut *st })?;
        let seg = st.path.pop().unwrap_or_default();
        Ok((v, seg))
    }
}

struct JVisitor<'s, 'l> {
    st: &'s mut JState<'l>,
}

impl<'de> Visitor<'de> for JVisitor<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.st.scalar(v.to_string(), Origin::JsonBool)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.st.number(|| v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.st.number(|| v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.st.number(|| v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.st.number(|| v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.st.number(|| format_f64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.st.scalar(v.to_string(), Origin::JsonString)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.st.scalar(v, Origin::JsonString)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        let here = self.st.here();
        Err(self.st.fail(ParseErrorKind::JsonNull, here))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let st = self.st;
        let mut out = Vec::new();
        loop {
            let i = out.len();
            let seed = JSeed {
                st: &mut *st,
                seg: i.to_string(),
                index: Some(i),
            };
            match seq.next_element_seed(seed)? {
                Some((v, _)) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        json_object(self.st, map).map(Value::Object)
    }
}

/// Shortest round-trip text of a JSON float, with an exponent (like
/// JavaScript) for magnitudes of 1e21 and over or below 1e-6.
fn format_f64(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// Accepts only an object at the top level.
struct TopVisitor<'s, 'l> {
    st: &'s mut JState<'l>,
}

impl TopVisitor<'_, '_> {
    fn not_object<E: de::Error>(self) -> Result<Object, E> {
        Err(self.st.fail(ParseErrorKind::JsonNotObject, None))
    }
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = Object;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_unit<E: de::Error>(self) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_none<E: de::Error>(self) -> Result<Object, E> {
        self.not_object()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Object, A::Error> {
        self.not_object()
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object, A::Error> {
        json_object(self.st, map)
    }
}

/// Byte offset of a serde_json (1-based) line/column position.
fn json_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    let mut l = 1;
    if line > 1 {
        for (i, &b) in body.iter().enumerate() {
            if b == b'\n' {
                l += 1;
                if l == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(body.len())
}

/// serde_json's message without its " at line L column C" suffix.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// Parse a JSON body into the same tree as [`parse_form`].
///
/// The top level must be an object (else `JsonNotObject`, at the first
/// non-blank byte). Strings become [`Origin::JsonString`] scalars; booleans
/// `true`/`false` [`Origin::JsonBool`]; numbers [`Origin::JsonNumber`] with
/// their text exactly as written in the body (so `1.50` stays `1.50`, `1.0`
/// stays `1.0`, `0.0000001` stays `0.0000001`, `1e300` stays `1e300`, and
/// integers beyond 64 bits keep every digit): a number is judged by the same
/// grammar as the same text in a form body.
/// `null` is `JsonNull`; a repeated key is `DuplicateKey`; an empty key is
/// `EmptyKey`; a key containing `[` or `]`, or a nested key made only of digits
/// (which a form reads as an array index), is a `Json` error (it could not be sent as the same
/// form parameter). Depth, leaf-count and array-length limits
/// apply as for forms: a leaf may sit `max_depth` levels deep, a container
/// may not. Scalar spans and key spans are `0..0` (serde_json exposes no
/// offsets); error offsets come from serde_json's line/column: the last
/// byte serde_json had read, i.e. the end of the offending token (for
/// `JsonNull` the final `l` of `null`, for `DuplicateKey` and `TooDeep` the
/// key's closing quote or the `:` after it). Invalid UTF-8 anywhere is
/// `InvalidUtf8` at the first bad byte.
pub fn parse_json(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    check_body_size(body, limits)?;
    let text = std::str::from_utf8(body)
        .map_err(|e| ParseError::new(ParseErrorKind::InvalidUtf8, e.valid_up_to(), None))?;
    let mut st = JState {
        limits,
        numbers: crate::json_number::NumberLiterals::new(text),
        max_depth: limits.depth(),
        params: 0,
        path: Vec::new(),
        err: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de::Deserializer::deserialize_any(&mut de, TopVisitor { st: &mut st })
        .and_then(|obj| de.end().map(|()| obj));
    match result {
        Ok(obj) => Ok(obj),
        Err(e) => {
            let offset = json_offset(body, e.line(), e.column());
            Err(match st.err.take() {
                Some((ParseErrorKind::JsonNotObject, key)) => {
                    let first = body
                        .iter()
                        .position(|b| !b.is_ascii_whitespace())
                        .unwrap_or(0);
                    ParseError::new(ParseErrorKind::JsonNotObject, first, key)
                }
                Some((kind, key)) => ParseError::new(kind, offset, key),
                None => ParseError::new(ParseErrorKind::Json(json_message(&e)), offset, None),
            })
        }
    }
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

fn push_encoded(out: &mut String, s: &str) {
    out.extend(form_urlencoded::byte_serialize(s.as_bytes()));
}

fn encode_value(prefix: &mut String, value: &Value, out: &mut String) {
    match value {
        Value::Scalar(s) => {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(prefix);
            out.push('=');
            push_encoded(out, &s.text);
        }
        Value::Object(o) => {
            for (k, v) in o.iter() {
                let len = prefix.len();
                prefix.push('[');
                push_encoded(prefix, k);
                prefix.push(']');
                encode_value(prefix, v, out);
                prefix.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = prefix.len();
                prefix.push('[');
                prefix.push_str(&i.to_string());
                prefix.push(']');
                encode_value(prefix, v, out);
                prefix.truncate(len);
            }
        }
    }
}

/// Encode a tree the way Stripe's libraries send it: nested keys as
/// `a[b][c]=v`, arrays as `a[0]=v` / `a[0][k]=v`, key order preserved.
/// Brackets stay literal; key segments and values are percent-encoded as
/// `application/x-www-form-urlencoded` (space as `+`). An empty array or
/// object encodes as nothing; an empty string as `k=`.
///
/// `parse_form(encode_form(t))` gives back `t` for every tree `parse_form`
/// can produce. Trees built in code round-trip too unless they hold empty
/// containers, empty keys, keys containing `[` or `]` (their `%5B`/`%5D`
/// decode back to brackets), or nested object keys made only of digits
/// (they read back as array indexes).
pub fn encode_form(obj: &Object) -> String {
    let mut out = String::new();
    let mut prefix = String::new();
    for (k, v) in obj.iter() {
        prefix.clear();
        push_encoded(&mut prefix, k);
        encode_value(&mut prefix, v, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(s: &str) -> Object {
        parse_form(s.as_bytes(), &Limits::default()).expect("parses")
    }

    fn form_err(s: &[u8], limits: &Limits) -> ParseError {
        match parse_form(s, limits) {
            Ok(_) => panic!("expected an error for {:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    fn json(s: &str) -> Object {
        parse_json(s.as_bytes(), &Limits::default()).expect("parses")
    }

    fn json_err(s: &[u8], limits: &Limits) -> ParseError {
        match parse_json(s, limits) {
            Ok(_) => panic!("expected an error for {:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    fn text<'a>(o: &'a Object, path: &[&str]) -> &'a str {
        let mut v = o.get(path[0]).expect("top key");
        for seg in &path[1..] {
            v = match v {
                Value::Object(o) => o.get(seg).expect("key"),
                Value::Array(a) => &a[seg.parse::<usize>().expect("index")],
                Value::Scalar(_) => panic!("scalar in the middle of a path"),
            };
        }
        v.as_str().expect("scalar")
    }

    fn s(t: &str) -> Value {
        Value::Scalar(Scalar::new(t))
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Object {
        let mut o = Object::new();
        for (k, v) in pairs {
            o.insert(k.to_string(), v);
        }
        o
    }

    // ----- form syntax -----

    #[test]
    fn flat_pairs_and_spans() {
        let o = form("a=1&bb=hello");
        assert_eq!(o.len(), 2);
        assert_eq!(text(&o, &["a"]), "1");
        let b = o.get("bb").and_then(Value::as_scalar).unwrap();
        assert_eq!(b.text, "hello");
        assert_eq!(b.span, 7..12);
        assert_eq!(b.origin, Origin::Form);
        assert_eq!(o.key_span("bb"), Some(4..6));
        assert_eq!(o.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "bb"]);
    }

    #[test]
    fn nested_objects() {
        let o = form("card[number]=4242424242424242&card[exp_month]=12&card[address][city]=Paris");
        assert_eq!(text(&o, &["card", "number"]), "4242424242424242");
        assert_eq!(text(&o, &["card", "exp_month"]), "12");
        assert_eq!(text(&o, &["card", "address", "city"]), "Paris");
        let card = o.get("card").and_then(Value::as_object).unwrap();
        assert_eq!(card.key_span("number"), Some(5..11));
        assert_eq!(
            card.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["number", "exp_month", "address"]
        );
    }

    #[test]
    fn push_arrays() {
        let o = form("a[]=x&a[]=y&b[][k]=1&b[][k]=2");
        assert_eq!(
            o,
            obj(vec![
                ("a", Value::Array(vec![s("x"), s("y")])),
                (
                    "b",
                    Value::Array(vec![
                        Value::Object(obj(vec![("k", s("1"))])),
                        Value::Object(obj(vec![("k", s("2"))])),
                    ])
                ),
            ])
        );
    }

    #[test]
    fn indexed_arrays_any_order() {
        let o = form("a[2]=z&a[0]=x&a[1]=y");
        assert_eq!(
            o.get("a"),
            Some(&Value::Array(vec![s("x"), s("y"), s("z")]))
        );
        // a push after indexes goes after the largest index
        let o = form("a[1]=y&a[0]=x&a[]=z");
        assert_eq!(
            o.get("a"),
            Some(&Value::Array(vec![s("x"), s("y"), s("z")]))
        );
    }

    #[test]
    fn arrays_of_objects_and_arrays() {
        let o = form("a[1][k]=3&a[0][k]=1&a[0][j]=2&m[0][0]=p");
        assert_eq!(text(&o, &["a", "0", "k"]), "1");
        assert_eq!(text(&o, &["a", "0", "j"]), "2");
        assert_eq!(text(&o, &["a", "1", "k"]), "3");
        assert_eq!(text(&o, &["m", "0", "0"]), "p");
    }

    #[test]
    fn plus_and_percent_decoding() {
        let o = form("card%5Bnumber%5D=42+42%21&x+y=%E2%82%AC");
        assert_eq!(text(&o, &["card", "number"]), "42 42!");
        assert_eq!(text(&o, &["x y"]), "€");
        assert_eq!(text(&form("a=%2B1+2%20"), &["a"]), "+1 2 ");
        let card = o.get("card").and_then(Value::as_object).unwrap();
        assert_eq!(card.key_span("number"), Some(7..13));
    }

    #[test]
    fn key_without_equals_and_empty_pairs() {
        let o = form("flag&a=1&&b=2&");
        assert_eq!(o.len(), 3);
        let f = o.get("flag").and_then(Value::as_scalar).unwrap();
        assert_eq!(f.text, "");
        assert_eq!(f.span, 4..4);
        assert_eq!(text(&o, &["b"]), "2");
        assert!(form("").is_empty());
        assert!(form("&&&").is_empty());
        assert_eq!(text(&form("a=b=c"), &["a"]), "b=c");
        assert_eq!(text(&form("a="), &["a"]), "");
    }

    #[test]
    fn bracket_path_joins() {
        assert_eq!(bracket_path(&["card", "number"]), "card[number]");
        assert_eq!(bracket_path(&["a", "0", "k"]), "a[0][k]");
        assert_eq!(bracket_path(&["a"]), "a");
        assert_eq!(bracket_path(&[]), "");
        assert_eq!(bracket_path(&["a", ""]), "a[]");
    }

    #[test]
    fn object_api() {
        let mut o = Object::new();
        assert!(o.is_empty());
        o.insert("a".into(), s("1"));
        o.insert("b".into(), s("2"));
        o.insert("a".into(), s("3"));
        assert_eq!(o.len(), 2);
        assert_eq!(o.get("a").and_then(Value::as_str), Some("3"));
        assert_eq!(o.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(o.get("zz"), None);
        assert_eq!(o.key_span("a"), Some(0..0));
        assert_eq!(o.key_span("zz"), None);
    }

    #[test]
    fn debug_redacts_values() {
        let o = form("card[number]=4242424242424242");
        let dbg = format!("{o:?}");
        assert!(!dbg.contains("4242"), "{dbg}");
        assert!(dbg.contains("number"));
    }

    // ----- form errors -----

    fn kind_at(body: &str, kind: ParseErrorKind, offset: usize, key: Option<&str>) {
        let e = form_err(body.as_bytes(), &Limits::default());
        assert_eq!(e.kind, kind, "{body}");
        assert_eq!(e.offset, offset, "{body}");
        assert_eq!(e.key.as_deref(), key, "{body}");
    }

    #[test]
    fn body_too_large() {
        let limits = Limits {
            max_body_bytes: 4,
            ..Limits::default()
        };
        let e = form_err(b"a=12345", &limits);
        assert_eq!(e.kind, ParseErrorKind::BodyTooLarge { limit: 4 });
        assert_eq!(e.offset, 4);
        assert!(parse_form(b"a=12", &limits).is_ok());
        let e = json_err(b"{\"a\":1}", &limits);
        assert_eq!(e.kind, ParseErrorKind::BodyTooLarge { limit: 4 });
        assert_eq!(e.offset, 4);
    }

    #[test]
    fn invalid_utf8() {
        use ParseErrorKind::InvalidUtf8;
        kind_at("a=%C3%28", InvalidUtf8, 2, Some("a"));
        kind_at("a=ok%E9", InvalidUtf8, 4, Some("a"));
        kind_at("x=1&%FF=1", InvalidUtf8, 4, None);
        kind_at("ab%C3=1", InvalidUtf8, 2, None);
        let e = form_err(b"ab=c\xff", &Limits::default());
        assert_eq!((e.kind, e.offset), (InvalidUtf8, 4));
        let e = json_err(b"{\"a\":\"\xff\"}", &Limits::default());
        assert_eq!((e.kind, e.offset), (InvalidUtf8, 6));
    }

    #[test]
    fn bad_percent_escape() {
        use ParseErrorKind::BadPercentEscape;
        kind_at("a=1&b=%2", BadPercentEscape, 6, Some("b"));
        kind_at("a=%zz", BadPercentEscape, 2, Some("a"));
        kind_at("a=%", BadPercentEscape, 2, Some("a"));
        kind_at("a=%%41", BadPercentEscape, 2, Some("a"));
        kind_at("a%=1", BadPercentEscape, 1, None);
        kind_at("a%4=1", BadPercentEscape, 1, None);
    }

    #[test]
    fn unbalanced_bracket() {
        use ParseErrorKind::UnbalancedBracket;
        kind_at("a[b=1", UnbalancedBracket, 1, Some("a[b"));
        kind_at("a]=1", UnbalancedBracket, 1, Some("a]"));
        kind_at("a[b]c=1", UnbalancedBracket, 4, Some("a[b]c"));
        kind_at("a[b[c]]=1", UnbalancedBracket, 3, Some("a[b[c]]"));
        kind_at("x=1&a[b]]=1", UnbalancedBracket, 8, Some("a[b]]"));
        // encoded brackets count as brackets; the offset is the raw '%'
        kind_at("a%5Bb=1", UnbalancedBracket, 1, Some("a[b"));
        let e = form_err(b"x=1&card[number=4242", &Limits::default());
        assert_eq!(
            e.message(),
            "Invalid form body: unbalanced '[' or ']' in key 'card[number' at byte 8."
        );
    }

    #[test]
    fn empty_key() {
        use ParseErrorKind::EmptyKey;
        kind_at("a=1&=2", EmptyKey, 4, None);
        kind_at("[a]=1", EmptyKey, 0, None);
        kind_at("a=1&=", EmptyKey, 4, None);
    }

    #[test]
    fn too_deep() {
        // 8 levels are fine, the 9th is refused at its '['.
        let ok = "a[b][c][d][e][f][g][h]=1";
        assert_eq!(
            text(&form(ok), &["a", "b", "c", "d", "e", "f", "g", "h"]),
            "1"
        );
        kind_at(
            "a[b][c][d][e][f][g][h][i]=1",
            ParseErrorKind::TooDeep { limit: 8 },
            22,
            Some("a[b][c][d][e][f][g][h][i]"),
        );
    }

    #[test]
    fn too_many_params() {
        let limits = Limits {
            max_params: 2,
            ..Limits::default()
        };
        let e = form_err(b"a=1&b=2&c=3", &limits);
        assert_eq!(e.kind, ParseErrorKind::TooManyParams { limit: 2 });
        assert_eq!(e.offset, 8);
        assert_eq!(e.key.as_deref(), Some("c"));
        assert!(parse_form(b"a=1&&b=2&", &limits).is_ok());
    }

    #[test]
    fn array_index_too_large() {
        let limit = ParseErrorKind::ArrayIndexTooLarge { limit: 256 };
        // An index of three digits is masked in the key (it could be a CVC).
        kind_at("x=1&a[256]=x", limit.clone(), 5, Some("a[(redacted)]"));
        kind_at(
            "a[99999999999999999999999]=x",
            limit.clone(),
            1,
            Some("a[(redacted)]"),
        );
        // a[255] alone is a valid index but leaves a gap
        kind_at(
            "a[255]=x",
            ParseErrorKind::ArrayIndexGap,
            1,
            Some("a[(redacted)]"),
        );
        kind_at("a[25]=x", ParseErrorKind::ArrayIndexGap, 1, Some("a[25]"));
        let limits = Limits {
            max_array_len: 2,
            ..Limits::default()
        };
        let e = form_err(b"a[]=1&a[]=2&a[]=3", &limits);
        assert_eq!(e.kind, ParseErrorKind::ArrayIndexTooLarge { limit: 2 });
        assert_eq!(e.offset, 12);
        assert_eq!(e.key.as_deref(), Some("a[]"));
    }

    #[test]
    fn array_index_gap() {
        use ParseErrorKind::ArrayIndexGap;
        kind_at("a[0]=x&a[2]=y", ArrayIndexGap, 8, Some("a[2]"));
        kind_at("a[5]=", ArrayIndexGap, 1, Some("a[5]"));
        kind_at("o[k][1][x]=1", ArrayIndexGap, 4, Some("o[k][1]"));
    }

    #[test]
    fn value_and_object() {
        use ParseErrorKind::ValueAndObject;
        kind_at("a=1&a[b]=2", ValueAndObject, 4, Some("a"));
        kind_at("a[b]=2&a=1", ValueAndObject, 7, Some("a"));
        kind_at("a[0]=2&a=1", ValueAndObject, 7, Some("a"));
        kind_at("a[b]=1&a[b][c]=2", ValueAndObject, 7, Some("a[b]"));
        kind_at("a[0][k]=1&a[0]=2", ValueAndObject, 10, Some("a[0]"));
    }

    #[test]
    fn duplicate_key() {
        use ParseErrorKind::DuplicateKey;
        kind_at("a=1&a=2", DuplicateKey, 4, Some("a"));
        kind_at(
            "card[cvc]=1&card[cvc]=2",
            DuplicateKey,
            12,
            Some("card[cvc]"),
        );
        kind_at("a[0]=1&a[0]=2", DuplicateKey, 7, Some("a[0]"));
        kind_at("a[]=1&a[0]=2", DuplicateKey, 6, Some("a[0]"));
    }

    #[test]
    fn mixed_array_and_object() {
        use ParseErrorKind::MixedArrayAndObject;
        kind_at("a[0]=x&a[b]=y", MixedArrayAndObject, 7, Some("a"));
        kind_at("a[b]=y&a[]=x", MixedArrayAndObject, 7, Some("a"));
    }

    #[test]
    fn messages_never_leak_values() {
        let secret = "4242424242424242";
        let bodies = [
            format!("card[number]={secret}&card[number]={secret}"),
            format!("card[number]={secret}%ZZ"),
            format!("card[number]={secret}%FF"),
            format!("card={secret}&card[number]={secret}"),
            format!("x={secret}&a[3]={secret}"),
            format!("x={secret}&a[b={secret}"),
        ];
        for b in &bodies {
            let e = form_err(b.as_bytes(), &Limits::default());
            let m = e.message();
            assert!(!m.contains(secret), "{m}");
            assert!(m.ends_with('.'), "{m}");
            assert_eq!(m, e.to_string());
        }
        let e = json_err(
            format!("{{\"n\":\"{secret}\", \"x\": nul").as_bytes(),
            &Limits::default(),
        );
        assert!(!e.message().contains(secret));
        let e = json_err(format!("\"{secret}\"").as_bytes(), &Limits::default());
        assert!(!e.message().contains(secret));
        // a key segment that is not a parameter name is masked
        let e = form_err(b"a%0A[=1", &Limits::default());
        assert!(e.message().contains("'(redacted)['"), "{}", e.message());
    }

    // ----- JSON -----

    #[test]
    fn json_scalars() {
        let o = json(
            r#"{"s":"4242","i":12,"n":-5,"f":1.5,"z":1.0,"big":1e300,"tiny":1.5e-7,"t":true,"b":false,"d":0.0000001,"h":12345678901234567890123,"x":1.50}"#,
        );
        let get = |k: &str| o.get(k).and_then(Value::as_scalar).unwrap();
        assert_eq!(
            (get("s").text.as_str(), get("s").origin),
            ("4242", Origin::JsonString)
        );
        assert_eq!(
            (get("i").text.as_str(), get("i").origin),
            ("12", Origin::JsonNumber)
        );
        assert_eq!(get("n").text, "-5");
        assert_eq!(get("f").text, "1.5");
        assert_eq!(get("z").text, "1.0");
        assert_eq!(get("big").text, "1e300");
        assert_eq!(get("tiny").text, "1.5e-7");
        // Numbers keep their text: exact decimals, big integers.
        assert_eq!(get("d").text, "0.0000001");
        assert_eq!(get("h").text, "12345678901234567890123");
        assert_eq!(get("x").text, "1.50");
        assert_eq!(
            (get("t").text.as_str(), get("t").origin),
            ("true", Origin::JsonBool)
        );
        assert_eq!(get("b").text, "false");
        assert_eq!(get("s").span, 0..0);
        assert_eq!(o.iter().next().map(|(k, _)| k), Some("s"));
    }

    #[test]
    fn json_digit_keys() {
        // Nested: a form would read it as an array index.
        let e = json_err(br#"{"m": {"123": "x"}}"#, &Limits::default());
        assert!(
            matches!(&e.kind, ParseErrorKind::Json(m) if m.contains("only of digits")),
            "{e:?}"
        );
        assert!(!e.message().contains("123"), "{}", e.message());
        // Top level: a form reads `123=x` as a name too.
        assert!(parse_json(br#"{"123": "x"}"#, &Limits::default()).is_ok());
        assert!(parse_json(br#"{"m": {"k1": "x"}}"#, &Limits::default()).is_ok());
    }

    #[test]
    fn json_tree_matches_form_tree() {
        let j = json(
            r#"{"card":{"number":"4242 4242","exp_month":12},"tags":["a","b"],"items":[{"k":1},{"k":2}]}"#,
        );
        let f = form(
            "card[number]=4242+4242&card[exp_month]=12&tags[]=a&tags[]=b&items[0][k]=1&items[1][k]=2",
        );
        assert_eq!(j, f);
        assert_eq!(
            encode_form(&j),
            "card[number]=4242+4242&card[exp_month]=12&tags[0]=a&tags[1]=b&items[0][k]=1&items[1][k]=2"
        );
        assert!(json("{}").is_empty());
        assert_eq!(json(r#"{"a":[]}"#).get("a"), Some(&Value::Array(vec![])));
    }

    #[test]
    fn json_errors() {
        let d = Limits::default();
        let e = json_err(br#"{"a": "#, &d);
        assert_eq!(
            e.kind,
            ParseErrorKind::Json("EOF while parsing a value".into())
        );
        assert_eq!(e.offset, 5);
        let e = json_err(b"{\"a\":\n  nul}", &d);
        assert!(matches!(e.kind, ParseErrorKind::Json(_)));
        assert_eq!(e.offset, 11);
        let e = json_err(br#"{"a":1} x"#, &d);
        assert_eq!(e.kind, ParseErrorKind::Json("trailing characters".into()));
        assert_eq!(e.offset, 8);
        let e = json_err(b"", &d);
        assert!(matches!(e.kind, ParseErrorKind::Json(_)));

        for (body, at) in [
            ("[1]", 0),
            ("  \"x\"", 2),
            ("12", 0),
            ("null", 0),
            ("true", 0),
        ] {
            let e = json_err(body.as_bytes(), &d);
            assert_eq!(
                (e.kind, e.offset),
                (ParseErrorKind::JsonNotObject, at),
                "{body}"
            );
        }

        let e = json_err(br#"{"a": null}"#, &d);
        assert_eq!(
            (e.kind, e.offset, e.key.as_deref()),
            (ParseErrorKind::JsonNull, 9, Some("a"))
        );
        let e = json_err(br#"{"a": [1, null]}"#, &d);
        assert_eq!(
            (e.kind, e.key.as_deref()),
            (ParseErrorKind::JsonNull, Some("a[1]"))
        );

        let e = json_err(br#"{"a":1,"a":2}"#, &d);
        assert_eq!(
            (e.kind, e.offset, e.key.as_deref()),
            (ParseErrorKind::DuplicateKey, 9, Some("a"))
        );
        let e = json_err(br#"{"c":{"x":1,"x":1}}"#, &d);
        assert_eq!(
            (e.kind, e.key.as_deref()),
            (ParseErrorKind::DuplicateKey, Some("c[x]"))
        );

        let e = json_err(br#"{"":1}"#, &d);
        assert_eq!((e.kind, e.offset), (ParseErrorKind::EmptyKey, 2));
        let e = json_err(br#"{"a[b]":1}"#, &d);
        assert!(matches!(e.kind, ParseErrorKind::Json(_)));
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn json_limits() {
        let d = Limits::default();
        let ok = r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}"#;
        assert!(parse_json(ok.as_bytes(), &d).is_ok());
        let deep = r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}"#;
        let e = json_err(deep.as_bytes(), &d);
        assert_eq!(e.kind, ParseErrorKind::TooDeep { limit: 8 });
        assert_eq!(e.offset, 44);
        assert_eq!(e.key.as_deref(), Some("a[b][c][d][e][f][g][h][i]"));

        let limits = Limits {
            max_params: 2,
            max_array_len: 3,
            ..Limits::default()
        };
        let e = json_err(br#"{"a":1,"b":[true,false]}"#, &limits);
        assert_eq!(e.kind, ParseErrorKind::TooManyParams { limit: 2 });
        assert_eq!(e.key.as_deref(), Some("b[1]"));
        assert_eq!(e.offset, 21); // the last byte of `false`
        let e = json_err(br#"{"a":[[],[],[],[]]}"#, &limits);
        assert_eq!(e.kind, ParseErrorKind::ArrayIndexTooLarge { limit: 3 });
        assert_eq!(e.key.as_deref(), Some("a[3]"));
        assert!(parse_json(br#"{"a":[[],[],[]]}"#, &limits).is_ok());
    }

    // ----- encoding and round trips -----

    #[test]
    fn encode_basics() {
        let mut card = Object::new();
        card.insert("number".into(), s("4242 4242"));
        card.insert("name".into(), s("J&J=1 [x]"));
        let t = obj(vec![
            ("card", Value::Object(card)),
            ("empty", s("")),
            ("none", Value::Array(vec![])),
            (
                "list",
                Value::Array(vec![s("a"), Value::Object(obj(vec![("k", s("v"))]))]),
            ),
        ]);
        assert_eq!(
            encode_form(&t),
            "card[number]=4242+4242&card[name]=J%26J%3D1+%5Bx%5D&empty=&list[0]=a&list[1][k]=v"
        );
        assert_eq!(encode_form(&Object::new()), "");
    }

    #[test]
    fn round_trips() {
        for body in [
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123",
            "a[0][k]=1&a[0][j]=2&a[1][k]=3",
            "name=Jane+Doe&email=j%40example.com&note=%E2%82%AC+%26+%3D",
            "m[0][0]=x&m[0][1]=y&m[1][0]=z",
            "flag=&x=1",
        ] {
            assert_eq!(encode_form(&form(body)), body);
        }
        // non-canonical inputs encode canonically and parse back to the same tree
        for (body, canon) in [
            ("a[1]=y&a[0]=x", "a[0]=x&a[1]=y"),
            ("a[]=x&a[]=y", "a[0]=x&a[1]=y"),
            ("card%5Bnumber%5D=4242&flag", "card[number]=4242&flag="),
            ("x=%7e&&", "x=%7E"),
        ] {
            let t = form(body);
            assert_eq!(encode_form(&t), canon);
            assert_eq!(form(canon), t);
        }
    }

    // ----- adversarial -----

    #[test]
    fn adversarial_deep_key() {
        let mut body = String::from("a");
        while body.len() < 64 * 1024 - 10 {
            body.push_str("[b]");
        }
        body.push_str("=1");
        let e = form_err(body.as_bytes(), &Limits::default());
        assert_eq!(e.kind, ParseErrorKind::TooDeep { limit: 8 });
        assert_eq!(e.offset, 22);
        // absurd caller limits are clamped, so recursion stays shallow
        let huge = Limits {
            max_depth: usize::MAX,
            max_params: usize::MAX,
            max_array_len: usize::MAX,
            max_body_bytes: usize::MAX,
        };
        let e = form_err(body.as_bytes(), &huge);
        assert_eq!(
            e.kind,
            ParseErrorKind::TooDeep {
                limit: HARD_MAX_DEPTH
            }
        );
        let mut j = String::from("{\"a\":");
        j.push_str(&"[".repeat(64 * 1024 - 10));
        let e = json_err(j.as_bytes(), &huge);
        assert_eq!(
            e.kind,
            ParseErrorKind::TooDeep {
                limit: HARD_MAX_DEPTH
            }
        );
    }

    #[test]
    fn adversarial_many_keys() {
        let top: Vec<String> = (0..1000).map(|i| format!("key{i}=v{i}")).collect();
        let o = form(&top.join("&"));
        assert_eq!(o.len(), 1000);
        assert_eq!(text(&o, &["key999"]), "v999");
        let nested: Vec<String> = (0..1000).map(|i| format!("m[key{i}]=v")).collect();
        let body = nested.join("&");
        let o = form(&body);
        assert_eq!(
            o.get("m").and_then(Value::as_object).map(Object::len),
            Some(1000)
        );
        assert_eq!(encode_form(&o), body);
        // ~64 KiB of distinct keys hits the parameter limit
        let many: Vec<String> = (0..12000).map(|i| format!("k{i}=")).collect();
        let body = many.join("&");
        let body = &body[..body[..64 * 1024].rfind('&').unwrap_or(0)];
        let e = form_err(body.as_bytes(), &Limits::default());
        assert_eq!(e.kind, ParseErrorKind::TooManyParams { limit: 1024 });
        // The key is quoted as `quote::path` lets it through: `k1024` has a digit run.
        assert_eq!(e.key.as_deref(), Some("(redacted)"));
        assert_eq!(e.offset, body.find("k1024=").unwrap());
        // the same body is fine when the limit allows it
        let roomy = Limits {
            max_params: 100_000,
            ..Limits::default()
        };
        assert!(parse_form(body.as_bytes(), &roomy).unwrap().len() > 5000);
        // 1000 distinct keys in a JSON object
        let j: Vec<String> = (0..1000).map(|i| format!("\"k{i}\":{i}")).collect();
        let o = json(&format!("{{{}}}", j.join(",")));
        assert_eq!(o.len(), 1000);
    }

    // ----- property tests -----

    fn leaf() -> impl Strategy<Value = Value> {
        any::<String>().prop_map(|t| Value::Scalar(Scalar::new(t)))
    }

    fn key() -> impl Strategy<Value = String> {
        "[a-zA-Z_][a-zA-Z0-9_ .&=%+é-]{0,6}"
    }

    fn node() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 1..4).prop_map(|kvs| {
                    let mut o = Object::new();
                    for (k, v) in kvs {
                        o.insert(k, v);
                    }
                    Value::Object(o)
                }),
            ]
        })
    }

    fn tree() -> impl Strategy<Value = Object> {
        prop::collection::vec((key(), node()), 0..5).prop_map(|kvs| {
            let mut o = Object::new();
            for (k, v) in kvs {
                o.insert(k, v);
            }
            o
        })
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_form(&body, &Limits::default());
            let _ = parse_json(&body, &Limits::default());
        }

        #[test]
        fn parse_never_panics_on_formish(body in "[ab0-2\\[\\]=&%+5BDcfF]{0,60}") {
            let small = Limits { max_depth: 3, max_params: 5, max_array_len: 3, max_body_bytes: 50 };
            for limits in [Limits::default(), small] {
                if let Ok(t) = parse_form(body.as_bytes(), &limits) {
                    // whatever parses re-encodes to an equal tree
                    let again = parse_form(encode_form(&t).as_bytes(), &Limits::default());
                    prop_assert_eq!(again.ok(), Some(t));
                } else if let Err(e) = parse_form(body.as_bytes(), &limits) {
                    prop_assert!(e.offset <= body.len().max(limits.max_body_bytes));
                    let _ = e.message();
                }
            }
        }

        #[test]
        fn parse_never_panics_on_jsonish(body in "[{}\\[\\]\":,a0-9 .e-]{0,60}|null|true") {
            if let Err(e) = parse_json(body.as_bytes(), &Limits::default()) {
                prop_assert!(e.offset <= body.len());
                let _ = e.message();
            }
        }

        #[test]
        fn encode_then_parse_round_trips(t in tree()) {
            let body = encode_form(&t);
            let back = parse_form(body.as_bytes(), &Limits::default());
            prop_assert_eq!(back.ok(), Some(t));
        }
    }
}
