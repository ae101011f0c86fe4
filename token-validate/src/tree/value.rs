//! The value model: objects, arrays and scalars, with what a body said about where each
//! came from; trees written as parameters.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::param::{ParamPath, ParamSink, ToParam};

/// Where a [`Scalar`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A form-encoded value.
    Form,
    /// A JSON string.
    JsonString,
    /// A JSON number, kept as text.
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
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) span: Range<usize>,
    pub(super) value: Value,
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
    pub(super) entries: Vec<Entry>,
    pub(super) index: KeyIndex,
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
pub(super) struct KeyIndex(Option<HashMap<String, usize>>);

impl KeyIndex {
    /// The position of `key` among `keys`.
    pub(super) fn find<'k>(
        &self,
        key: &str,
        mut keys: impl Iterator<Item = &'k str>,
    ) -> Option<usize> {
        match &self.0 {
            Some(map) => map.get(key).copied(),
            None => keys.position(|k| k == key),
        }
    }

    /// Records that `key` is at position `len` (the current number of keys),
    /// building the index when the object outgrows a linear search.
    pub(super) fn add<'k>(&mut self, key: &str, len: usize, keys: impl Iterator<Item = &'k str>) {
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

    /// Insert for building trees in code: replaces the value of an existing
    /// key in place (keeping its position and span), or appends a new key with
    /// span `0..0`.
    pub fn insert(&mut self, key: String, value: Value) {
        self.insert_spanned(key, 0..0, value);
    }

    /// Adds the parameters of `under` that this object does not have: an object in both is
    /// merged the same way, a list in both gets `under`'s items past its own length, and a
    /// parameter in both otherwise keeps this object's value. How the URL query's parameters
    /// join the body's (the body wins, [`crate::Input`]).
    pub(crate) fn merge_from(&mut self, under: Object) {
        for (key, value) in under {
            match self.position(&key) {
                None => self.insert(key, value),
                Some(i) => match (&mut self.entries[i].value, value) {
                    (Value::Object(mine), Value::Object(theirs)) => mine.merge_from(theirs),
                    (Value::Array(mine), Value::Array(theirs)) => {
                        let skip = mine.len();
                        mine.extend(theirs.into_iter().skip(skip));
                    }
                    _ => {}
                },
            }
        }
    }

    /// Byte range in the body of the key's first occurrence (for form bodies,
    /// the raw text of that bracket segment, e.g. `number` in `card[number]`;
    /// `0..0` for JSON bodies and for keys inserted in code).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.position(key).map(|i| self.entries[i].span.clone())
    }

    pub(super) fn insert_spanned(&mut self, key: String, span: Range<usize>, value: Value) {
        if let Some(i) = self.position(&key) {
            self.entries[i].value = value;
        } else {
            self.push_new(key, span, value);
        }
    }

    /// Appends a key known not to be there yet.
    pub(super) fn push_new(&mut self, key: String, span: Range<usize>, value: Value) {
        self.index.add(
            &key,
            self.entries.len(),
            self.entries.iter().map(|e| e.key.as_str()),
        );
        self.entries.push(Entry { key, span, value });
    }
}

/// Joins a path the way Stripe names parameters: `["card","number"]` → `card[number]`; an
/// empty segment gives `[]`.
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

pub(super) fn path_string(segments: &[String]) -> String {
    let v: Vec<&str> = segments.iter().map(String::as_str).collect();
    bracket_path(&v)
}

impl Object {
    /// Writes the tree's parameters, in key order (arrays by index).
    pub fn to_params<'a>(&'a self, out: &mut dyn ParamSink<'a>) {
        let mut path = ParamPath::new();
        for (k, v) in self.iter() {
            path.push(k);
            v.to_param(&mut path, out);
            path.pop();
        }
    }
}

impl ToParam for Value {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        match self {
            Value::Scalar(s) => out.pair(path.segments(), Cow::Borrowed(&s.text)),
            Value::Object(o) => {
                for (k, v) in o.iter() {
                    path.push(k);
                    v.to_param(path, out);
                    path.pop();
                }
            }
            Value::Array(items) => items.as_slice().to_param(path, out),
        }
    }
}

/// The URL query's parameters merged under the body's ([`Object::merge_from`]).
pub(crate) fn merge_under(query: Object, mut body: Object) -> Object {
    body.merge_from(query);
    body
}
