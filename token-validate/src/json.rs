//! The JSON driver: a JSON body read in one pass by `serde_json`'s deserializer, straight
//! into the generated validators (no `serde_json::Value`, no tree).
//!
//! Strings are borrowed from the body unless they have escapes; numbers and booleans are
//! taken as their exact text (`serde_json`'s raw values), so `0.0000001` stays `0.0000001`
//! and a card number sent as a number keeps every digit. The same parameters as in a form
//! body; numbers and booleans may be JSON values or strings.
//!
//! # Body errors and their offsets
//!
//! The top level must be an object (`JsonNotObject`, at the first non-blank byte); `null` is
//! refused (`JsonNull`, at the end of the `null`); a repeated key is `DuplicateKey` (at the
//! key's closing quote, found in O(1) per key however large the object; not looked for in a
//! value that is skipped, under an unknown parameter or of the wrong shape); an empty key
//! `EmptyKey`; a key with `[` or `]` a `Json` error (it could not be sent as a form
//! parameter). Depth, value-count and list-length limits apply as for forms: `TooDeep` at
//! the `:` before the value, `TooManyParams` at the end of the value over the limit. Every
//! value counts, under known and unknown parameters alike: a string, number or boolean,
//! and an object or array with nothing in it (`{}` and `[]` are values a form body cannot
//! send, but a body of them is no cheaper to read). Invalid UTF-8 anywhere is `InvalidUtf8` at the first bad byte.
//! Other offsets are those of `serde_json`'s position: the last byte it read.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use token_spec::NodeId;

use token_spec::Generic;

use crate::error::Phase;
use crate::parse_error::{ParseErrorKind, quote_key};
use crate::run::{
    ArraySlot, ArrayTy, LearnTarget, MapSlot, ObjectSlot, ObjectTy, Run, Shape, State, Text, Unset,
};
use crate::runtime_spec::RuntimeSpec;

/// Where a JSON value is, for the keys that body errors name.
#[derive(Clone, Copy)]
pub enum JPath<'p> {
    /// A parameter of the spec (the root is the body itself).
    Node(NodeId),
    /// An item of a list.
    Index(&'p JPath<'p>, usize),
    /// A member of an object or an entry of a map.
    Key(&'p JPath<'p>, &'p str),
}

impl JPath<'_> {
    fn render(&self, out: &mut String) {
        match self {
            JPath::Node(n) => out.push_str(&token_spec::bundled().node(*n).path),
            JPath::Index(p, i) => {
                p.render(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            JPath::Key(p, k) => {
                p.render(out);
                if out.is_empty() {
                    out.push_str(k);
                } else {
                    out.push('[');
                    out.push_str(k);
                    out.push(']');
                }
            }
        }
    }
    /// The path in bracket notation, `None` for the body itself.
    fn key(&self) -> Option<String> {
        let mut s = String::new();
        self.render(&mut s);
        (!s.is_empty()).then_some(s)
    }
}

/// An offset to be read from `serde_json`'s position when the error comes out.
const AT_SERDE: usize = usize::MAX;

/// Stops the read with a body error at `serde_json`'s current position.
fn stop<E: de::Error>(run: &mut Run<'_>, kind: ParseErrorKind, at: &JPath<'_>) -> E {
    run.abort_at(kind, AT_SERDE, at.key());
    E::custom("stopped")
}

/// The error that carries a stop through `serde_json`.
fn stopped<E: de::Error>() -> E {
    E::custom("stopped")
}

/// Counts a value against the parameter limit.
#[inline]
fn count<E: de::Error>(run: &mut Run<'_>, at: &JPath<'_>) -> Result<(), E> {
    if run.count_param(AT_SERDE, || at.key().unwrap_or_default()) {
        Ok(())
    } else {
        Err(stopped())
    }
}

/// Counts a value against the parameter limit, with the offset of its last byte.
fn count_at<E: de::Error>(run: &mut Run<'_>, offset: usize, at: &JPath<'_>) -> Result<(), E> {
    if run.count_param(offset, || at.key().unwrap_or_default()) {
        Ok(())
    } else {
        Err(stopped())
    }
}

/// Counts an object or array that turned out to hold nothing (no value was counted inside
/// it since `before`) as one value: every leaf of a body counts.
#[inline]
fn count_if_empty<E: de::Error>(run: &mut Run<'_>, before: usize, at: &JPath<'_>) -> Result<(), E> {
    if run.params() == before {
        count(run, at)
    } else {
        Ok(())
    }
}

/// The depth limit: a value may sit `max_depth` levels deep.
#[inline]
fn deep<E: de::Error>(run: &mut Run<'_>, depth: usize, at: &JPath<'_>) -> Result<(), E> {
    let limit = run.limits().depth();
    if depth > limit {
        return Err(stop(run, ParseErrorKind::TooDeep { limit }, at));
    }
    Ok(())
}

/// Reads a JSON body into the validator of the request body, `root`. A body error stops the
/// read and is left in the run.
pub(crate) fn scan<'de, S: State<'de>>(body: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    let limit = run.limits().max_body_bytes;
    if body.len() > limit {
        run.abort_at(ParseErrorKind::BodyTooLarge { limit }, limit, None);
        return;
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            run.abort_at(ParseErrorKind::InvalidUtf8, e.valid_up_to(), None);
            return;
        }
    };
    run.json_base = body.as_ptr() as usize;
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de
        .deserialize_any(Top {
            run: &mut *run,
            root,
        })
        .and_then(|()| de.end());
    if let Err(e) = result {
        let (message, offset) = serde_error_at(body, &e);
        match &mut run.abort {
            Some(a) if a.kind == ParseErrorKind::JsonNotObject => {
                a.offset = body
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(0);
            }
            Some(a) if a.offset == AT_SERDE => a.offset = offset,
            Some(_) => {}
            None => run.abort_at(ParseErrorKind::Json(message), offset, None),
        }
    }
}

/// A serde_json error as the JSON driver reports it: the message without its position, and
/// the byte offset in `body` of its line and column. The one place that arithmetic lives:
/// the scanner's tests and the fuzz crate's differential oracle compare against it.
#[doc(hidden)]
pub fn serde_error_at(body: &[u8], e: &serde_json::Error) -> (String, usize) {
    (json_message(e), json_offset(body, e.line(), e.column()))
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

/// The top level: an object.
struct Top<'r, 'a, S> {
    run: &'r mut Run<'a>,
    root: &'r mut S,
}

impl<'de, S: State<'de>> Visitor<'de> for Top<'_, '_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.root.visit_json(self.run, map)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(not_object(self.run))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(not_object(self.run))
    }
}

fn not_object<E: de::Error>(run: &mut Run<'_>) -> E {
    run.abort_at(ParseErrorKind::JsonNotObject, 0, None);
    stopped()
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

/// A member's key: borrowed unless it has escapes. An escaped key is decoded by serde_json
/// into its scratch buffer (allocated on the first escaped key of a body, grown to the
/// longest) and copied out (one allocation): reading keys as raw values instead, to decode
/// them in one allocation, cost every body about 2,000 instructions (`ignore_str` and the
/// raw value's own parse, scripts/instructions.sh), for keys that JSON encoders do not
/// escape. A key the spec does not know is then checked with [`unknown_key`].
pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Text<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Text<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Cow::Owned(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A key the object does not know: never empty, never with `[` or `]` (it could not be
/// sent as a form parameter), else a body error.
pub fn unknown_key<E: de::Error>(run: &mut Run<'_>, parent: JPath<'_>, key: &str) -> Result<(), E> {
    if key.is_empty() {
        return Err(stop(run, ParseErrorKind::EmptyKey, &parent));
    }
    if key.bytes().any(|b| b == b'[' || b == b']') {
        let msg = format!(
            "object key {} contains '[' or ']', which cannot be sent as a form parameter,",
            quote_key(key)
        );
        return Err(stop(run, ParseErrorKind::Json(msg), &parent));
    }
    Ok(())
}

/// A member the object `parent` does not know: a parameter of the runtime spec, checked as
/// the document states it ([`crate::runtime_spec`]); else an unknown parameter, refused or,
/// before a version gate (`gate`), let through.
pub fn unknown_member<'de, A: MapAccess<'de>>(
    run: &mut Run<'_>,
    parent: NodeId,
    key: &str,
    map: &mut A,
    depth: usize,
    gate: Option<usize>,
) -> Result<(), A::Error> {
    unknown_key(run, JPath::Node(parent), key)?;
    let here = JPath::Node(parent);
    let at = JPath::Key(&here, key);
    if let Some((rt, i)) = run.learned_root(parent, key) {
        let path = rt.nodes[i].path.clone();
        return map.next_value_seed(Learn {
            run,
            rt,
            target: LearnTarget::Node(i),
            path,
            depth,
            at,
        });
    }
    run.unknown_gated(parent, key, gate);
    map.next_value_seed(Skip::new(run, depth, at))
}

/// A value of a learned parameter, checked as the runtime spec states it.
struct Learn<'r, 'a, 'p> {
    run: &'r mut Run<'a>,
    rt: &'a RuntimeSpec,
    target: LearnTarget,
    path: String,
    depth: usize,
    at: JPath<'p>,
}

impl Learn<'_, '_, '_> {
    fn text<E: de::Error>(self, text: &str) -> Result<(), E> {
        count(self.run, &self.at)?;
        self.run
            .learned_text(self.rt, self.target, &self.path, text);
        Ok(())
    }
    /// The learned node this value stands for, when it is a parameter (not an item or an
    /// entry).
    fn node(&self) -> Option<&crate::runtime_spec::Learned> {
        match self.target {
            LearnTarget::Node(i) => Some(&self.rt.nodes[i]),
            _ => None,
        }
    }
    /// The error for a value of the wrong shape, then the value skipped for the limits.
    fn wrong(&mut self, shape: Shape) {
        use token_spec::model::TypeName as T;
        let which = match (self.node().map(|n| n.ty), shape) {
            (Some(T::Object | T::Map), Shape::Array) => Generic::ParameterInvalidObject,
            (Some(T::Array), Shape::Object) => Generic::ParameterInvalidArray,
            _ => Generic::ParameterInvalidScalar,
        };
        self.run
            .learned_error(which, Phase::Types, &self.path, None, None);
    }
}

impl<'de> DeserializeSeed<'de> for Learn<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        deep(self.run, self.depth, &self.at)?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Learn<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.text(if v { "true" } else { "false" })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.text(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.text(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.text(&v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.text(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(stop(self.run, ParseErrorKind::JsonNull, &self.at))
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        use token_spec::model::TypeName as T;
        match self.node().map(|n| (n.ty, n.open)) {
            Some((T::Array, _)) => {
                let LearnTarget::Node(n) = self.target else {
                    return Ok(());
                };
                let mut i = 0;
                loop {
                    let item = JPath::Index(&self.at, i);
                    index_limit(self.run, i, &item)?;
                    let seed = Learn {
                        run: self.run,
                        rt: self.rt,
                        target: LearnTarget::Item(n),
                        path: format!("{}[{i}]", self.path),
                        depth: self.depth + 1,
                        at: item,
                    };
                    if seq.next_element_seed(seed)?.is_none() {
                        return Ok(());
                    }
                    i += 1;
                }
            }
            // A list of objects the validators do not check.
            Some((T::Object, true)) => skip_items(self.run, self.depth, &self.at, seq),
            _ => {
                self.wrong(Shape::Array);
                skip_items(self.run, self.depth, &self.at, seq)
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        use token_spec::model::TypeName as T;
        let (ty, open) = match self.node() {
            Some(n) if matches!(n.ty, T::Object | T::Map) => (n.ty, n.open),
            _ => {
                self.wrong(Shape::Object);
                return Visitor::visit_map(Skip::new(self.run, self.depth, self.at), map);
            }
        };
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            unknown_key(self.run, self.at, &key)?;
            let at = JPath::Key(&self.at, &key);
            if seen.iter().any(|k| *k == *key) {
                return Err(duplicate(self.run, at));
            }
            seen.push(key.to_string());
            let path = token_spec::join_path(&self.path, &key);
            let target = match (ty, self.node().and_then(|n| n.children.get(&*key))) {
                (T::Map, _) => Some(LearnTarget::Entry),
                (_, Some(&c)) => Some(LearnTarget::Node(c)),
                (_, None) => {
                    if !open {
                        self.run.learned_error(
                            Generic::ParameterUnknown,
                            Phase::Unknown,
                            &path,
                            None,
                            None,
                        );
                    }
                    None
                }
            };
            match target {
                Some(target) => map.next_value_seed(Learn {
                    run: self.run,
                    rt: self.rt,
                    target,
                    path,
                    depth: self.depth + 1,
                    at,
                })?,
                None => map.next_value_seed(Skip::new(self.run, self.depth + 1, at))?,
            }
        }
        Ok(())
    }
}

/// A member whose key was seen before in the same object: a body error.
pub fn duplicate<E: de::Error>(run: &mut Run<'_>, at: JPath<'_>) -> E {
    stop(run, ParseErrorKind::DuplicateKey, &at)
}

// ---------------------------------------------------------------------------------------
// Single values
// ---------------------------------------------------------------------------------------

/// The JSON value of a single-value parameter.
pub enum JsonScalar<'de> {
    /// A string, number or boolean: its text.
    Text(Text<'de>),
    /// An object or an array.
    Shape(Shape),
}

/// A single value at `depth` levels: a string (borrowed unless it has escapes), a boolean,
/// or a number, each as the body has it: a JSON number is taken as its exact text
/// (`0.0000001` stays `0.0000001`, `1.10` stays `1.10`, an integer of any length keeps every
/// digit), whatever the parameter's type, so a text parameter sent as a number reads the
/// same digits a form body would carry.
pub struct ScalarSeed<'r, 'a, 'p> {
    run: &'r mut Run<'a>,
    depth: usize,
    at: JPath<'p>,
}

impl<'r, 'a, 'p> ScalarSeed<'r, 'a, 'p> {
    /// The value of the parameter at `at`, `depth` levels deep.
    pub fn new(run: &'r mut Run<'a>, depth: usize, at: JPath<'p>) -> Self {
        ScalarSeed { run, depth, at }
    }
}

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_, '_, '_> {
    type Value = JsonScalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<JsonScalar<'de>, D::Error> {
        deep(self.run, self.depth, &self.at)?;
        let run = self.run;
        let raw: &'de RawValue = serde::Deserialize::deserialize(d)?;
        let text = raw.get();
        // Errors on a value point at its last byte.
        let start = (text.as_ptr() as usize).saturating_sub(run.json_base);
        let last = start + text.len().saturating_sub(1);
        match raw_scalar(text) {
            Ok(Some(value)) => {
                count_at(run, last, &self.at)?;
                Ok(JsonScalar::Text(value))
            }
            Ok(None) => {
                run.abort_at(ParseErrorKind::JsonNull, last, self.at.key());
                Err(stopped())
            }
            Err(()) => {
                let shape = if text.starts_with('{') {
                    Shape::Object
                } else {
                    Shape::Array
                };
                // The dictionary or list is wrong here, but its content still meets the
                // limits, as anywhere in a body.
                let mut inner = serde_json::Deserializer::from_str(text);
                let skipped = Skip {
                    run: &mut *run,
                    depth: self.depth,
                    at: self.at,
                }
                .deserialize(&mut inner);
                if let Err(e) = skipped {
                    let offset = start + json_offset(text.as_bytes(), e.line(), e.column());
                    if let Some(a) = &mut run.abort
                        && a.offset == AT_SERDE
                    {
                        a.offset = offset;
                    }
                    return Err(stopped());
                }
                Ok(JsonScalar::Shape(shape))
            }
        }
    }
}

/// The text of a single value from its raw JSON text, as the validators read it: a
/// string's content (borrowed unless it has escapes), a number's or a boolean's exact
/// text; `Ok(None)` for `null`, `Err(())` for an object or an array. `raw` is valid JSON
/// (serde_json just read it).
pub(crate) fn raw_scalar(raw: &str) -> Result<Option<Cow<'_, str>>, ()> {
    match raw.as_bytes().first() {
        Some(b'"') => {
            let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
            if inner.contains('\\') {
                // Valid JSON: the string reads back (an error here would be a bug, and is
                // read as the empty string rather than a panic), in one allocation.
                Ok(Some(Cow::Owned(unescape(inner).unwrap_or_default())))
            } else {
                Ok(Some(Cow::Borrowed(inner)))
            }
        }
        Some(b'n') => Ok(None),
        Some(b'{') | Some(b'[') => Err(()),
        _ => Ok(Some(Cow::Borrowed(raw))),
    }
}

/// serde_json's message of an error, without its position.
pub(crate) fn message_of(e: &serde_json::Error) -> String {
    json_message(e)
}

// ---------------------------------------------------------------------------------------
// Values the spec does not know (or that are of the wrong shape): checked for the limits
// and skipped
// ---------------------------------------------------------------------------------------

/// Any value, read only for the limits (depth, count, list length, `null`, keys).
pub struct Skip<'r, 'a, 'p> {
    run: &'r mut Run<'a>,
    depth: usize,
    at: JPath<'p>,
}

impl<'r, 'a, 'p> Skip<'r, 'a, 'p> {
    /// The value at `at`, `depth` levels deep.
    pub fn new(run: &'r mut Run<'a>, depth: usize, at: JPath<'p>) -> Self {
        Skip { run, depth, at }
    }
}

impl<'de> DeserializeSeed<'de> for Skip<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        deep(self.run, self.depth, &self.at)?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        count(self.run, &self.at)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        count(self.run, &self.at)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        count(self.run, &self.at)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        count(self.run, &self.at)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        count(self.run, &self.at)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(stop(self.run, ParseErrorKind::JsonNull, &self.at))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        skip_items(self.run, self.depth, &self.at, seq)
    }
    /// The members of a skipped object: each key checked (not empty, no bracket), each
    /// value counted. Repeated keys are not looked for here: the object is refused (an
    /// unknown parameter, a value of the wrong shape) or let through unread (an unknown
    /// parameter under `UnknownParams::Ignore`), so no meaning rests on them, and keeping
    /// its keys would cost memory in proportion to the object (issue 18, finding 5).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let before = self.run.params();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            unknown_key(self.run, self.at, &key)?;
            let at = JPath::Key(&self.at, &key);
            map.next_value_seed(Skip::new(self.run, self.depth + 1, at))?;
        }
        count_if_empty(self.run, before, &self.at)
    }
}

/// Skips a list's items, for the limits.
fn skip_items<'de, A: SeqAccess<'de>>(
    run: &mut Run<'_>,
    depth: usize,
    at: &JPath<'_>,
    mut seq: A,
) -> Result<(), A::Error> {
    let before = run.params();
    let mut i = 0;
    loop {
        let item = JPath::Index(at, i);
        index_limit(run, i, &item)?;
        if seq
            .next_element_seed(Skip::new(run, depth + 1, item))?
            .is_none()
        {
            return count_if_empty(run, before, at);
        }
        i += 1;
    }
}

/// The list-length limit: an index at or over `max_array_len` is refused (checked before
/// the item is read, so an empty list of any length is fine... and a long one is not).
fn index_limit<E: de::Error>(run: &mut Run<'_>, i: usize, at: &JPath<'_>) -> Result<(), E> {
    let limit = run.limits().max_array_len;
    if i >= limit {
        return Err(stop(run, ParseErrorKind::ArrayIndexTooLarge { limit }, at));
    }
    Ok(())
}

/// Skips an object's members, for the limits.
fn skip_members<'de, A: MapAccess<'de>>(
    run: &mut Run<'_>,
    depth: usize,
    at: JPath<'_>,
    map: A,
) -> Result<(), A::Error> {
    Skip::new(run, depth, at).visit_map(map)
}

// ---------------------------------------------------------------------------------------
// Objects, lists and maps of the spec
// ---------------------------------------------------------------------------------------

/// An object parameter: its members go to its validator `S`; a string is the id of an
/// object-or-id union, anything else an error.
pub struct ObjectSeed<'r, 'a, 's, 'de, S> {
    run: &'r mut Run<'a>,
    slot: &'s mut ObjectSlot<'de, S>,
    ty: &'static ObjectTy,
    depth: usize,
}

impl<'r, 'a, 's, 'de, S> ObjectSeed<'r, 'a, 's, 'de, S> {
    /// The object `ty` at `depth` levels, into `slot`.
    pub fn new(
        run: &'r mut Run<'a>,
        slot: &'s mut ObjectSlot<'de, S>,
        ty: &'static ObjectTy,
        depth: usize,
    ) -> Self {
        ObjectSeed {
            run,
            slot,
            ty,
            depth,
        }
    }
    fn at(&self) -> JPath<'static> {
        JPath::Node(self.ty.node)
    }
    fn value<E: de::Error>(self, v: Text<'de>) -> Result<(), E> {
        count(self.run, &self.at())?;
        self.run.object_value(self.slot, self.ty, v);
        Ok(())
    }
}

impl<'de, S: State<'de>> DeserializeSeed<'de> for ObjectSeed<'_, '_, '_, 'de, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        deep(self.run, self.depth, &self.at())?;
        d.deserialize_any(self)
    }
}

impl<'de, S: State<'de>> Visitor<'de> for ObjectSeed<'_, '_, '_, 'de, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        *self.slot = ObjectSlot::Object(S::default());
        let unknown = self.run.unknown_met;
        let before = self.run.params();
        if let ObjectSlot::Object(state) = self.slot {
            state.visit_json(self.run, map)?;
            count_if_empty(self.run, before, &JPath::Node(self.ty.node))?;
            // A form body cannot send an object that holds nothing: such a JSON object
            // stands for nothing sent (`{"person": {}}` is an empty body), unless it has
            // required parameters (`{"cvc_update": {}}` misses `cvc_update[cvc]`).
            if !S::REQUIRED && state.is_empty() && self.run.unknown_met == unknown {
                *self.slot = ObjectSlot::Absent;
            }
        }
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.value(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.value(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.value(Cow::Owned(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.value(Cow::Borrowed(if v { "true" } else { "false" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.value(Cow::Owned(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.value(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.value(Cow::Owned(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(stop(self.run, ParseErrorKind::JsonNull, &self.at()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.run.object_shape(self.slot, self.ty.node);
        skip_items(self.run, self.depth, &self.at(), seq)
    }
}

/// A list parameter.
pub struct ArraySeed<'r, 'a, 's, 'de> {
    run: &'r mut Run<'a>,
    slot: &'s mut ArraySlot<'de>,
    ty: &'static ArrayTy,
    depth: usize,
}

impl<'r, 'a, 's, 'de> ArraySeed<'r, 'a, 's, 'de> {
    /// The list `ty` at `depth` levels, into `slot`.
    pub fn new(
        run: &'r mut Run<'a>,
        slot: &'s mut ArraySlot<'de>,
        ty: &'static ArrayTy,
        depth: usize,
    ) -> Self {
        ArraySeed {
            run,
            slot,
            ty,
            depth,
        }
    }
    fn at(&self) -> JPath<'static> {
        JPath::Node(self.ty.node)
    }
    fn value<E: de::Error>(self, v: &str) -> Result<(), E> {
        count(self.run, &self.at())?;
        self.run.array_value(self.slot, self.ty, v);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        deep(self.run, self.depth, &self.at())?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.at();
        let before = self.run.params();
        self.run.array_open(self.slot);
        let mut i = 0;
        loop {
            let item = JPath::Index(&at, i);
            index_limit(self.run, i, &item)?;
            let seed = ScalarSeed::new(self.run, self.depth + 1, item);
            match seq.next_element_seed(seed)? {
                None => {
                    count_if_empty(self.run, before, &at)?;
                    self.run.array_close(self.slot);
                    return Ok(());
                }
                Some(JsonScalar::Text(v)) => self.run.item(self.slot, self.ty, i, v),
                Some(JsonScalar::Shape(_)) => self.run.item_shape(self.slot, self.ty.node, i),
            }
            i += 1;
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.value(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.value(if v { "true" } else { "false" })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(stop(self.run, ParseErrorKind::JsonNull, &self.at()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.run.array_shape(self.slot, self.ty.node);
        skip_members(self.run, self.depth, self.at(), map)
    }
}

/// A map parameter: any key, single values.
pub struct MapSeed<'r, 'a, 's, 'de> {
    run: &'r mut Run<'a>,
    slot: &'s mut MapSlot<'de>,
    node: NodeId,
    unset: Unset,
    depth: usize,
}

impl<'r, 'a, 's, 'de> MapSeed<'r, 'a, 's, 'de> {
    /// The map `node` at `depth` levels, into `slot`.
    pub fn new(
        run: &'r mut Run<'a>,
        slot: &'s mut MapSlot<'de>,
        node: NodeId,
        unset: Unset,
        depth: usize,
    ) -> Self {
        MapSeed {
            run,
            slot,
            node,
            unset,
            depth,
        }
    }
    fn at(&self) -> JPath<'static> {
        JPath::Node(self.node)
    }
    fn value<E: de::Error>(self, v: &str) -> Result<(), E> {
        count(self.run, &self.at())?;
        self.run.map_value(self.slot, self.node, self.unset, v);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for MapSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        deep(self.run, self.depth, &self.at())?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MapSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.at();
        let before = self.run.params();
        self.run.map_open(self.slot);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            // Any key is a map's, but it must be one a form body could send.
            unknown_key(self.run, at, &key)?;
            let here = JPath::Key(&at, &key);
            if self.run.map_key_taken(self.slot, &key) {
                return Err(duplicate(self.run, here));
            }
            let value =
                match map.next_value_seed(ScalarSeed::new(self.run, self.depth + 1, here))? {
                    JsonScalar::Text(v) => Some(v),
                    JsonScalar::Shape(_) => None,
                };
            self.run.entry(self.slot, key, value, self.node);
        }
        count_if_empty(self.run, before, &at)?;
        self.run.map_close(self.slot);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.value(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.value(if v { "true" } else { "false" })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.value(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(stop(self.run, ParseErrorKind::JsonNull, &self.at()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.run.map_shape(self.slot, self.node);
        skip_items(self.run, self.depth, &self.at(), seq)
    }
}

/// The inside of a JSON string (between its quotes, as serde_json accepted it) with its
/// escapes decoded, in one buffer as long as the escaped text (decoding only shortens:
/// `\n` is two bytes for one, `\u00e9` six for two, a surrogate pair twelve for four), so
/// a value with escapes costs exactly one allocation. `None` for an escape serde_json's
/// own `String` refuses too (a lone surrogate).
fn unescape(inner: &str) -> Option<String> {
    fn hex4(s: &str) -> Option<u32> {
        let h = s.get(..4)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(h, 16).ok()
    }
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let escape = *rest.as_bytes().get(i + 1)?;
        rest = rest.get(i + 2..)?;
        let c = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = hex4(rest)?;
                rest = &rest[4..];
                if (0xD800..0xDC00).contains(&unit) {
                    let low = rest.strip_prefix("\\u").and_then(hex4)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    rest = &rest[6..];
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                } else {
                    char::from_u32(unit)?
                }
            }
            _ => return None,
        };
        out.push(c);
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::unescape;

    /// What serde_json reads from the same JSON string.
    fn serde(inner: &str) -> Option<String> {
        serde_json::from_str::<String>(&format!("\"{inner}\"")).ok()
    }

    #[test]
    fn unescape_reads_as_serde_json_reads() {
        for inner in [
            "",
            "plain",
            r"J\u0052osen",
            r#"tab\there\nnewline\\back\/slash\"quote\bb\ff\rr"#,
            r"\u00e9t\u00E9",
            r"\ud83d\ude00 smile",
            r"\uD83D\uDE00",
            r"\u0000",
            r"\ud83d",
            r"\ude00",
            r"\ud83dx",
            r"\ud83d\u0041",
            r"\u12",
            r"\x",
            r"end\",
        ] {
            assert_eq!(unescape(inner), serde(inner), "{inner:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_round_trips(text in "\\PC{0,40}") {
            let json = serde_json::to_string(&text).unwrap();
            let inner = &json[1..json.len() - 1];
            let decoded = unescape(inner);
            proptest::prop_assert_eq!(decoded.as_deref(), Some(text.as_str()));
            // Never more room than the escaped text: one allocation.
            proptest::prop_assert!(decoded.map_or(0, |d| d.capacity()) <= inner.len());
        }

        #[test]
        fn any_escape_sequence_agrees(units in proptest::collection::vec(0u32..0x11000, 0..6), plain in "[a-z]{0,3}") {
            let inner: String = units.iter().map(|u| format!("\\u{:04x}", u & 0xffff)).collect::<String>() + &plain;
            proptest::prop_assert_eq!(unescape(&inner), serde(&inner));
        }
    }
}
