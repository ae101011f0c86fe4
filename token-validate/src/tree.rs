//! Parameter trees: a value model of a request body ([`Object`], [`Value`], [`Scalar`]),
//! read from a form body with [`parse_form`] and written back with [`encode_form`].
//!
//! A tree knows nothing of Stripe's parameters and validates nothing: the validators read
//! bodies directly (see [`crate::validate_form`]); [`crate::validate_tree`] feeds a tree's
//! parameters to them as a body's would be. Trees are for code that wants to look at or
//! build a body generically. A [`Scalar`]'s `Debug` redacts its text, so trees can be
//! logged safely.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

pub use crate::parse_error::{ParseError, ParseErrorKind};
pub use crate::{HARD_MAX_DEPTH, Limits};

use crate::form;
use crate::param::{FormEncoder, ParamPath, ParamSink, ToParam};

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

/// Parses an `application/x-www-form-urlencoded` body in Stripe's bracket notation into a
/// tree: a segment made only of ASCII digits is an array index, `[]` pushes, anything else
/// is an object key; except that under a parameter the bundled spec declares a map
/// (`person[metadata]`), every segment is a key, as the validators read it
/// (`person[metadata][2024]=x` is the key `2024`). Nothing else of the spec is used: unknown
/// parameters are kept, and nothing is validated.
///
/// The same scanner as the validators' (strict percent-decoding, the same limits and the
/// same body errors at the same offsets, as the validators' form reader); conflicts between keys
/// (`a=1&a[b]=2`, `a[0]=x&a[b]=y`, a value given twice, array indexes with a gap) are body
/// errors here too.
pub fn parse_form(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    let limits = &limits.in_force();
    if body.len() > limits.max_body_bytes {
        let limit = limits.max_body_bytes;
        return Err(ParseError::new(
            ParseErrorKind::BodyTooLarge { limit },
            limit,
            None,
        ));
    }
    if let Some(at) = form::json_as_form(body) {
        return Err(ParseError::new(ParseErrorKind::JsonAsForm, at, None));
    }
    let mut root = BObj::default();
    let mut sc = crate::scan::form::Scanner::new(body);
    let mut params = 0;
    while let Some(pair) = sc.next_pair() {
        let key = pair.key(&mut [])?;
        let mut segs = crate::scan::form::Segs::new();
        key.segments(limits.depth(), &mut segs)?;
        let segs = key_segs(&segs, key.as_str(), limits)?;
        let text = pair.value(&key, &mut [])?;
        if params >= limits.max_params {
            return Err(ParseError::new(
                ParseErrorKind::TooManyParams {
                    limit: limits.max_params,
                },
                pair.start,
                Some(key.as_str().to_string()),
            ));
        }
        params += 1;
        let leaf = Scalar {
            text: text.as_str().to_string(),
            span: pair.value_at..pair.value_at + pair.value.len(),
            origin: Origin::Form,
        };
        insert_pair(&mut root, &segs, leaf, pair.start, limits)?;
    }
    finish_obj(root, &mut Vec::new())
}

/// What a segment is in a tree that knows no spec: digits are an index, `[]` a push.
#[derive(Debug)]
enum Seg<'k> {
    Name(&'k str),
    Index(usize),
    Push,
}

#[derive(Debug)]
struct KeySeg<'k> {
    seg: Seg<'k>,
    /// Byte range of the segment's text in the body (inside its brackets).
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

/// Where a key is in the bundled spec, segment by segment: only to tell a map's keys (every
/// segment right under a map parameter is a key, digits or not) from array indexes.
struct SpecWalk(Option<token_spec::NodeId>);

impl SpecWalk {
    fn start(first: &str) -> SpecWalk {
        SpecWalk(token_spec::bundled().lookup(first))
    }

    /// Whether the next segment is a map key; then steps over it.
    fn next_is_key(&mut self, segment: &str) -> bool {
        let spec = token_spec::bundled();
        let Some(node) = self.0 else {
            return false;
        };
        match spec.node(node).ty {
            token_spec::Ty::Map => {
                self.0 = None;
                true
            }
            // An index or `[]` stays on the array (its items' fields are its children).
            token_spec::Ty::Array { .. }
                if segment.is_empty() || segment.bytes().all(|b| b.is_ascii_digit()) =>
            {
                false
            }
            _ => {
                self.0 = spec.child(node, segment);
                false
            }
        }
    }
}

fn key_segs<'k>(
    segs: &[crate::scan::form::Seg<'k, '_>],
    key: &str,
    limits: &Limits,
) -> Result<Vec<KeySeg<'k>>, ParseError> {
    let mut walk = SpecWalk(None);
    segs.iter()
        .enumerate()
        .map(|(i, s)| {
            let span = s.raw.0 as usize..s.raw.1 as usize;
            if i == 0 {
                walk = SpecWalk::start(s.text);
            }
            let seg = if i == 0 || walk.next_is_key(s.text) {
                Seg::Name(s.text)
            } else if s.text.is_empty() {
                Seg::Push
            } else if s.text.bytes().all(|c| c.is_ascii_digit()) {
                match s.text.parse::<usize>() {
                    Ok(n) if n < limits.max_array_len => Seg::Index(n),
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::ArrayIndexTooLarge {
                                limit: limits.max_array_len,
                            },
                            s.at as usize,
                            Some(key.to_string()),
                        ));
                    }
                }
            } else {
                Seg::Name(s.text)
            };
            Ok(KeySeg { seg, span })
        })
        .collect()
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

fn path_string(segments: &[String]) -> String {
    let v: Vec<&str> = segments.iter().map(String::as_str).collect();
    bracket_path(&v)
}

// ---------------------------------------------------------------------------
// Trees as parameters
// ---------------------------------------------------------------------------

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

/// Builds a tree from the parameters a value writes (`TokenRequest::to_body`): segments
/// made of digits are array indexes, but under a map of the spec (see [`parse_form`]).
#[derive(Default)]
pub(crate) struct TreeBuilder {
    root: BObj,
    failed: bool,
}

impl TreeBuilder {
    /// The tree (empty if the parameters conflicted, which typed values cannot do).
    pub(crate) fn finish(self) -> Object {
        if self.failed {
            return Object::new();
        }
        finish_obj(self.root, &mut Vec::new()).unwrap_or_default()
    }
}

impl<'a> ParamSink<'a> for TreeBuilder {
    fn pair(&mut self, path: &[Cow<'a, str>], value: Cow<'a, str>) {
        let limits = Limits {
            max_array_len: usize::MAX,
            max_params: usize::MAX,
            ..Limits::default()
        };
        let mut walk = SpecWalk(None);
        let segs: Vec<KeySeg<'_>> = path
            .iter()
            .enumerate()
            .map(|(i, s)| KeySeg {
                seg: if i == 0 {
                    walk = SpecWalk::start(s);
                    Seg::Name(s)
                } else if walk.next_is_key(s) {
                    Seg::Name(s)
                } else if s.is_empty() {
                    Seg::Push
                } else {
                    match s.parse::<usize>() {
                        Ok(n) if s.bytes().all(|c| c.is_ascii_digit()) => Seg::Index(n),
                        _ => Seg::Name(s),
                    }
                },
                span: 0..0,
            })
            .collect();
        if segs.is_empty()
            || insert_pair(
                &mut self.root,
                &segs,
                Scalar::new(value.into_owned()),
                0,
                &limits,
            )
            .is_err()
        {
            self.failed = true;
        }
    }
}

/// Parses a JSON body into a tree, knowing nothing of Stripe's parameters: objects are
/// objects, arrays arrays, and strings, numbers and booleans become [`Scalar`]s of their
/// text (numbers as the body has them: `1.10` stays `1.10`). The top level must be an object; `null` and
/// bodies over [`Limits::max_body_bytes`] are refused. For code that wants to look at a JSON
/// body generically: the validators read JSON directly ([`crate::validate_json`]).
pub fn parse_json(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    let limits = &limits.in_force();
    if body.len() > limits.max_body_bytes {
        let limit = limits.max_body_bytes;
        return Err(ParseError::new(
            ParseErrorKind::BodyTooLarge { limit },
            limit,
            None,
        ));
    }
    let node: JsonNode = serde_json::from_slice(body).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let msg = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        ParseError::new(ParseErrorKind::Json(msg), 0, None)
    })?;
    match node.0 {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ParseError::new(ParseErrorKind::JsonNotObject, 0, None)),
        Err(kind) => Err(ParseError::new(kind, 0, None)),
    }
}

/// One JSON value read into the tree, as the body has it: a number keeps its exact text
/// (`0.0000001`, `1.10`, an integer of any length), as the validators read it
/// ([`crate::json`]); objects keep their keys in first-seen order. `null` anywhere is an
/// error, kept here and returned once the whole value is read.
struct JsonNode(Result<Value, ParseErrorKind>);

impl<'de> serde::Deserialize<'de> for JsonNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw: &'de serde_json::value::RawValue = serde::Deserialize::deserialize(d)?;
        let text = raw.get();
        let scalar = |text: String, origin| {
            Ok(Value::Scalar(Scalar {
                text,
                span: 0..0,
                origin,
            }))
        };
        let value = match text.as_bytes().first() {
            // Read again from its own text (it is valid JSON: serde_json just checked it).
            Some(b'{') | Some(b'[') => serde::Deserializer::deserialize_any(
                &mut serde_json::Deserializer::from_str(text),
                Containers,
            )
            .map_err(D::Error::custom)?,
            Some(b'"') => scalar(
                serde_json::from_str(text).map_err(D::Error::custom)?,
                Origin::JsonString,
            ),
            Some(b't') | Some(b'f') => scalar(text.to_string(), Origin::JsonBool),
            Some(b'n') => Err(ParseErrorKind::JsonNull),
            _ => scalar(text.to_string(), Origin::JsonNumber),
        };
        Ok(JsonNode(value))
    }
}

/// The objects and arrays of [`JsonNode`].
struct Containers;

impl<'de> serde::de::Visitor<'de> for Containers {
    type Value = Result<Value, ParseErrorKind>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object or an array")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut o = Object::new();
        let mut failed = None;
        while let Some(key) = map.next_key::<String>()? {
            match map.next_value::<JsonNode>()?.0 {
                Ok(v) => o.insert(key, v),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        Ok(failed.map_or(Ok(Value::Object(o)), Err))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut failed = None;
        while let Some(item) = seq.next_element::<JsonNode>()? {
            match item.0 {
                Ok(v) => items.push(v),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        Ok(failed.map_or(Ok(Value::Array(items)), Err))
    }
}

/// Encodes a tree the way Stripe's libraries send it: nested keys as `a[b][c]=v`, arrays as
/// `a[0]=v`, key order kept; key segments and values percent-encoded as
/// `application/x-www-form-urlencoded` (space as `+`), brackets literal. An empty array or
/// object encodes as nothing; an empty string as `k=`.
///
/// `parse_form(encode_form(t))` gives back `t` for every tree `parse_form` can produce.
/// Trees built in code round-trip too unless they hold empty containers, empty keys, keys
/// containing `[` or `]`, or nested object keys made only of digits (they read back as array
/// indexes).
pub fn encode_form(obj: &Object) -> String {
    let mut e = FormEncoder::new();
    obj.to_params(&mut e);
    e.finish()
}

/// The URL query's parameters merged under the body's ([`Object::merge_from`]).
pub(crate) fn merge_under(query: Object, mut body: Object) -> Object {
    body.merge_from(query);
    body
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

    // ----- JSON -----

    fn json(s: &str) -> Object {
        parse_json(s.as_bytes(), &Limits::default()).expect("parses")
    }

    fn json_err(s: &str) -> ParseError {
        match parse_json(s.as_bytes(), &Limits::default()) {
            Ok(_) => panic!("expected an error for {s:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parse_json_keeps_the_bodys_shape_and_text() {
        let o = json(
            r#"{"card": {"number": "4242", "exp_month": 12, "amount": 1.10, "big": 123456789012345678901234567890, "ok": true, "name": "J\u0052 \"x\"", "tags": ["a", 2, false]}, "b": {}, "a": []}"#,
        );
        // Keys in first-seen order, at every level.
        let top: Vec<&str> = o.iter().map(|(k, _)| k).collect();
        assert_eq!(top, ["card", "b", "a"]);
        let card = o.get("card").and_then(Value::as_object).unwrap();
        let keys: Vec<&str> = card.iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            ["number", "exp_month", "amount", "big", "ok", "name", "tags"]
        );
        // Numbers keep the body's exact text; strings are decoded; booleans are their text.
        assert_eq!(text(&o, &["card", "amount"]), "1.10");
        assert_eq!(text(&o, &["card", "big"]), "123456789012345678901234567890");
        assert_eq!(text(&o, &["card", "exp_month"]), "12");
        assert_eq!(text(&o, &["card", "ok"]), "true");
        assert_eq!(text(&o, &["card", "name"]), "JR \"x\"");
        let origin = |path: &[&str]| {
            let mut v = o.get(path[0]).unwrap();
            for seg in &path[1..] {
                v = v.as_object().unwrap().get(seg).unwrap();
            }
            v.as_scalar().unwrap().origin
        };
        assert_eq!(origin(&["card", "number"]), Origin::JsonString);
        assert_eq!(origin(&["card", "amount"]), Origin::JsonNumber);
        // (Booleans were marked as form values before this test.)
        assert_eq!(origin(&["card", "ok"]), Origin::JsonBool);
        let tags = card.get("tags").and_then(Value::as_array).unwrap();
        let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
        assert_eq!(tags, ["a", "2", "false"]);
        // Empty containers stay what they are.
        assert_eq!(
            o.get("b").and_then(Value::as_object).map(Object::len),
            Some(0)
        );
        assert_eq!(
            o.get("a").and_then(Value::as_array).map(<[Value]>::len),
            Some(0)
        );
    }

    #[test]
    fn parse_json_refuses_what_a_body_cannot_be() {
        assert_eq!(json_err("[1, 2]").kind, ParseErrorKind::JsonNotObject);
        assert_eq!(json_err("\"text\"").kind, ParseErrorKind::JsonNotObject);
        assert_eq!(json_err("null").kind, ParseErrorKind::JsonNull);
        // `null` anywhere, however deep, once the whole body is read.
        assert_eq!(
            json_err(r#"{"a": {"b": [1, null]}}"#).kind,
            ParseErrorKind::JsonNull
        );
        assert_eq!(
            json_err(r#"{"a": null, "b": 1}"#).kind,
            ParseErrorKind::JsonNull
        );
        // Not JSON: serde_json's reason, without its line and column.
        let e = json_err(r#"{"a": 1"#);
        match &e.kind {
            ParseErrorKind::Json(msg) => assert!(!msg.contains(" at line "), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert!(
            e.message().starts_with("Invalid JSON body: "),
            "{}",
            e.message()
        );
        // Over the body limit, refused unread (the offset is the limit).
        let small = Limits::default().with_max_body_bytes(4);
        let e = parse_json(br#"{"a": 1}"#, &small).unwrap_err();
        assert_eq!(
            (e.kind, e.offset),
            (ParseErrorKind::BodyTooLarge { limit: 4 }, 4)
        );
        // A body over the hard ceiling, whatever the limit says.
        let roomy = Limits::default().with_max_body_bytes(usize::MAX);
        let huge = vec![b' '; crate::HARD_MAX_BODY_BYTES + 1];
        assert_eq!(
            parse_json(&huge, &roomy).unwrap_err().kind,
            ParseErrorKind::BodyTooLarge {
                limit: crate::HARD_MAX_BODY_BYTES
            }
        );
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

    /// Under a map of the spec every segment is a key, as the validators read it; elsewhere
    /// digits are an index.
    #[test]
    fn map_keys_of_the_spec_are_keys() {
        let o = form("person[metadata][4000056655665556]=a&person[metadata][0]=b&expand[0]=c");
        let meta = o
            .get("person")
            .and_then(Value::as_object)
            .and_then(|p| p.get("metadata"))
            .and_then(Value::as_object)
            .expect("metadata is an object");
        assert_eq!(
            meta.get("4000056655665556").and_then(Value::as_str),
            Some("a")
        );
        assert_eq!(meta.get("0").and_then(Value::as_str), Some("b"));
        assert!(o.get("expand").and_then(Value::as_array).is_some());
        // The same through the builder of `to_body`.
        let mut b = TreeBuilder::default();
        o.to_params(&mut b);
        assert_eq!(b.finish(), o);
    }

    #[test]
    fn array_index_too_large() {
        let limit = ParseErrorKind::ArrayIndexTooLarge { limit: 256 };
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
        // keys are quoted with every segment that is not a parameter name masked
        let e = form_err(b"a%0A[=1", &Limits::default());
        assert!(e.message().contains("'(redacted)['"), "{}", e.message());
    }

    // ----- JSON -----

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
        // the key is quoted as a parameter name: a three-digit run is masked
        assert_eq!(e.key.as_deref(), Some("(redacted)"));
        // the same body is fine when the limit allows it
        let roomy = Limits {
            max_params: 100_000,
            ..Limits::default()
        };
        assert!(parse_form(body.as_bytes(), &roomy).unwrap().len() > 5000);
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
        fn encode_then_parse_round_trips(t in tree()) {
            let body = encode_form(&t);
            let back = parse_form(body.as_bytes(), &Limits::default());
            prop_assert_eq!(back.ok(), Some(t));
        }
    }
}
