//! One validation run: what the generated validators call while they read a body.
//!
//! The validators `token-derive` generates (one state type per object of the spec, see
//! `request.rs`) hold each parameter's value in a [`Slot`] as it arrives, check its type,
//! limit and enum here ([`Run::scalar`] and friends), call the one implementation of each of
//! its rules in [`crate::rules`], and report every problem to the [`Run`], which collects
//! Stripe's errors and puts them in Stripe's order at the end. Nothing is allocated on the
//! way unless a value has escapes or there is an error to report.
//!
//! The same states are fed by the form scanner ([`crate::engine::form`]), by the JSON driver
//! ([`crate::engine::json`]), and by the parameters a typed value writes ([`crate::param`]).

use std::borrow::Cow;
use std::collections::HashSet;

use smallvec::SmallVec;
use token_spec::model::{Confidence, TypeName};
use token_spec::{Check, Generic, NodeId, Spec};

use crate::context::Context;
use crate::error::{Error, Errors, Fill, Phase, Warnings};
use crate::options::{Limits, UnknownParams};
use crate::parse_error::{ParseError, ParseErrorKind};
use crate::rules::grammar::{is_blank, is_decimal, parse_integer, too_long};
use crate::runtime_spec::RuntimeSpec;

/// A value as received: borrowed from the body, or owned when it had to be decoded
/// (percent-escapes, `+`, JSON escapes).
pub type Text<'de> = Cow<'de, str>;

/// Why the read of a JSON body stopped.
#[derive(Debug)]
pub enum Stop {
    /// The body is not JSON (serde_json's error, at its offset).
    Syntax(crate::scan::json::Error),
    /// A limit or a malformed key: the body error is in the run.
    Limit,
}

impl From<crate::scan::json::Error> for Stop {
    #[inline]
    fn from(e: crate::scan::json::Error) -> Self {
        Stop::Syntax(e)
    }
}

/// The spec the generated validators were built from: `token-validate`'s bundled one.
fn spec() -> &'static Spec {
    token_spec::bundled()
}

// ---------------------------------------------------------------------------------------
// Slots: where a parameter's value waits for the end of the body
// ---------------------------------------------------------------------------------------

/// A dictionary or a list sent where something else belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A dictionary (`a[b]=…`, a JSON object).
    Object,
    /// A list (`a[0]=…`, `a[]=…`, a JSON array).
    Array,
}

impl Shape {
    /// The shape a form key's next segment implies when the spec does not say: an index or
    /// `[]` is a list, anything else a dictionary.
    fn of_segment(seg: &str) -> Shape {
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            Shape::Array
        } else {
            Shape::Object
        }
    }
}

/// A single-value parameter.
#[derive(Default)]
pub enum Slot<'de> {
    /// Not sent.
    #[default]
    Absent,
    /// `""`, accepted as unsetting the value.
    Unset,
    /// The value as received (its failures are recorded by the [`Run`]).
    Value(Text<'de>),
    /// A dictionary or a list was sent instead (already reported).
    Shape(Shape),
}

impl<'de> Slot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        !matches!(self, Slot::Absent)
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        matches!(self, Slot::Absent)
    }
    /// The value, when one that is not `""` was sent.
    #[inline]
    pub fn text(&self) -> Option<&str> {
        match self {
            Slot::Value(t) if !t.is_empty() => Some(t),
            _ => None,
        }
    }
    /// Takes the value out (for the typed request).
    #[inline]
    pub fn take(&mut self) -> Slot<'de> {
        std::mem::take(self)
    }
}

/// An object parameter (or an object-or-id union such as `card`).
#[derive(Default)]
pub enum ObjectSlot<'de, S> {
    /// Not sent.
    #[default]
    Absent,
    /// `""`, accepted as unsetting the object.
    Unset,
    /// The object's parameters.
    Object(S),
    /// An id (for an object-or-id union).
    Id(Text<'de>),
    /// A value that is neither (already reported).
    Wrong(Option<Shape>),
}

impl<'de, S> ObjectSlot<'de, S> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        !matches!(self, ObjectSlot::Absent)
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        matches!(self, ObjectSlot::Absent)
    }
    /// The object's state, when it was sent as an object.
    #[inline]
    pub fn object(&self) -> Option<&S> {
        match self {
            ObjectSlot::Object(s) => Some(s),
            _ => None,
        }
    }
    /// The object's state, mutably.
    #[inline]
    pub fn object_mut(&mut self) -> Option<&mut S> {
        match self {
            ObjectSlot::Object(s) => Some(s),
            _ => None,
        }
    }
    /// The id, when one that is not `""` was sent.
    #[inline]
    pub fn text(&self) -> Option<&str> {
        match self {
            ObjectSlot::Id(t) if !t.is_empty() => Some(t),
            _ => None,
        }
    }
    /// Takes the value out (for the typed request).
    #[inline]
    pub fn take(&mut self) -> ObjectSlot<'de, S> {
        std::mem::replace(self, ObjectSlot::Absent)
    }
}

/// A list of objects of an older API version (`account[legal_entity][additional_owners]`):
/// accepted without checking its elements; only whether it was sent is kept.
#[derive(Default)]
pub struct Unchecked(bool);

impl Unchecked {
    /// It was sent.
    #[inline]
    pub fn sent(&mut self) {
        self.0 = true;
    }
    /// Whether it was sent.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.0
    }
    /// Whether it was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        !self.0
    }
}

/// One item of a list parameter.
pub enum Item<'de> {
    /// `""`, where the list's items may be unset.
    Unset,
    /// The item as received.
    Value(Text<'de>),
    /// A dictionary or list where a single value belongs (already reported).
    Shape,
}

/// Which indexes of a list were sent: a bit each, inline for the usual limit of 256. An
/// index at or over the array limit in force is refused before it gets here, so the bitmap
/// never grows past that limit: at most [`crate::HARD_MAX_ARRAY_LEN`] bits (8 KiB) per list,
/// whatever the limits are set to.
#[derive(Default)]
struct IndexSet {
    inline: [u64; 4],
    more: Vec<u64>,
}

impl IndexSet {
    /// Marks `i`; `false` when it was already there.
    fn insert(&mut self, i: usize) -> bool {
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let word = if w < self.inline.len() {
            &mut self.inline[w]
        } else {
            let k = w - self.inline.len();
            if self.more.len() <= k {
                self.more.resize(k + 1, 0);
            }
            &mut self.more[k]
        };
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
    /// The first index not sent, and the first one sent after it: a gap, if any.
    fn gap(&self, len: usize) -> Option<usize> {
        let words = self.inline.iter().chain(self.more.iter());
        // Dense when as many indexes are set as the list is long.
        if words
            .clone()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>()
            == len
        {
            return None;
        }
        let mut hole = None;
        for (w, word) in words.enumerate() {
            for b in 0..64 {
                let set = word & (1 << b) != 0;
                match (hole, set) {
                    (None, false) => hole = Some(w * 64 + b),
                    (Some(_), true) => return Some(w * 64 + b),
                    _ => {}
                }
            }
        }
        None
    }
}

/// What a list parameter holds.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ListState {
    #[default]
    Absent,
    Unset,
    Items,
    /// A single value or a dictionary (already reported).
    Wrong(Option<Shape>),
}

/// A list parameter (`expand`, `full_name_aliases`).
#[derive(Default)]
pub struct ArraySlot<'de> {
    state: ListState,
    items: SmallVec<[(usize, Item<'de>); 4]>,
    seen: IndexSet,
    next: usize,
}

impl<'de> ArraySlot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.state != ListState::Absent
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        self.state == ListState::Absent
    }
    /// Whether `""` unset the list.
    pub fn is_unset(&self) -> bool {
        self.state == ListState::Unset
    }
    /// The items in index order (for the typed request).
    pub fn take_items(&mut self) -> Vec<Item<'de>> {
        let mut items: Vec<(usize, Item<'de>)> = std::mem::take(&mut self.items).into_vec();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, item)| item).collect()
    }
}

/// What a map parameter holds.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum MapState {
    #[default]
    Absent,
    Unset,
    Entries,
    Wrong(Option<Shape>),
}

/// A string-to-string map parameter (`metadata`): any key, whatever it looks like.
#[derive(Default)]
pub struct MapSlot<'de> {
    state: MapState,
    entries: SmallVec<[(Text<'de>, Option<Text<'de>>); 4]>,
    keys: Option<HashSet<String>>,
}

/// Maps with more entries than this look keys up in a hash set.
const MAP_LINEAR_MAX: usize = 16;

/// A set of keys seen so far (of one JSON object, or the unknown parameters of a body): a
/// short list, then a hash set once it holds more than [`MAP_LINEAR_MAX`] keys, so that an
/// insertion costs O(1) however many keys there are. Keys borrowed from the body stay
/// borrowed: nothing is allocated for them.
#[derive(Default)]
pub(crate) struct KeySet<'k> {
    list: Vec<Cow<'k, str>>,
    set: Option<HashSet<Cow<'k, str>>>,
}

impl<'k> KeySet<'k> {
    /// Adds `key`; `false` when it was already there.
    pub(crate) fn insert(&mut self, key: Cow<'k, str>) -> bool {
        if let Some(set) = &mut self.set {
            return set.insert(key);
        }
        if self.list.contains(&key) {
            return false;
        }
        self.list.push(key);
        if self.list.len() > MAP_LINEAR_MAX {
            self.set = Some(std::mem::take(&mut self.list).into_iter().collect());
        }
        true
    }
}

impl<'de> MapSlot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.state != MapState::Absent
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        self.state == MapState::Absent
    }
    /// Whether `""` unset the map.
    pub fn is_unset(&self) -> bool {
        self.state == MapState::Unset
    }
    /// How many entries were sent.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether no entry was sent.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The keys, in the order sent.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }
    /// The values sent as values (not dictionaries or lists, which were reported), in order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter_map(|(_, v)| v.as_deref())
    }
    /// The entries (for the typed request); `None` values were reported.
    pub fn take_entries(&mut self) -> Vec<(Text<'de>, Option<Text<'de>>)> {
        std::mem::take(&mut self.entries).into_vec()
    }
    /// Records a key; `false` when it was already there.
    fn add_key(&mut self, key: &str) -> bool {
        if let Some(keys) = &mut self.keys {
            return keys.insert(key.to_string());
        }
        if self.entries.iter().any(|(k, _)| k == key) {
            return false;
        }
        if self.entries.len() >= MAP_LINEAR_MAX {
            let mut keys: HashSet<String> =
                self.entries.iter().map(|(k, _)| k.to_string()).collect();
            keys.insert(key.to_string());
            self.keys = Some(keys);
        }
        true
    }
}

// ---------------------------------------------------------------------------------------
// What the generated code tells the run about a parameter
// ---------------------------------------------------------------------------------------

/// A single value's type, limit or enum, as the spec gives it.
#[derive(Clone, Copy)]
pub enum ScalarTy {
    /// A string of at most `max` characters.
    String {
        /// OpenAPI's `maxLength`.
        max: Option<u64>,
    },
    /// An integer, within its range when the spec gives one.
    Integer {
        /// Smallest value.
        min: Option<i64>,
        /// Largest value.
        max: Option<i64>,
    },
    /// A string the spec refines into an integer: only its length here; its rule judges the
    /// value (Stripe answers a bad `exp_month` with a card error, not a type error).
    FromString {
        /// OpenAPI's `maxLength` of the string.
        max: Option<u64>,
    },
    /// A decimal number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of an enum's values (the generated code matches them).
    Enum(fn(&str) -> bool),
    /// An enum whose unknown values Stripe accepts.
    OpenEnum,
}

/// What `""` means for a parameter.
#[derive(Clone, Copy)]
pub enum Unset {
    /// It cannot be unset: `parameter_invalid_empty`.
    Refuse,
    /// It unsets the value.
    Accept,
    /// The spec allows unsetting it, but the rule of this index forbids it here (`no_unset`).
    Forbid(usize),
}

/// The parameter an error is about.
#[derive(Clone, Copy)]
pub enum At<'p> {
    /// A parameter of the spec.
    Node(NodeId),
    /// An item of a list.
    Item(NodeId, usize),
    /// An entry of a map.
    Entry(NodeId, &'p str),
}

impl At<'_> {
    fn node(self) -> NodeId {
        match self {
            At::Node(n) | At::Item(n, _) | At::Entry(n, _) => n,
        }
    }
    fn path(self) -> Cow<'static, str> {
        let spec = spec();
        match self {
            At::Node(n) => Cow::Borrowed(spec.node(n).path.as_str()),
            At::Item(n, i) => Cow::Owned(format!("{}[{i}]", spec.node(n).path)),
            At::Entry(n, k) => Cow::Owned(format!("{}[{k}]", spec.node(n).path)),
        }
    }
}

/// A set of nodes: a bit per node, on the stack for specs of up to 512 nodes.
enum NodeSet {
    Inline([u64; 8]),
    Heap(Vec<u64>),
}

impl NodeSet {
    fn new(nodes: usize) -> NodeSet {
        if nodes <= 512 {
            NodeSet::Inline([0; 8])
        } else {
            NodeSet::Heap(vec![0; nodes.div_ceil(64)])
        }
    }
    fn words(&self) -> &[u64] {
        match self {
            NodeSet::Inline(w) => w,
            NodeSet::Heap(w) => w,
        }
    }
    fn contains(&self, id: NodeId) -> bool {
        let i = id.index();
        self.words()
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn insert(&mut self, id: NodeId) {
        let i = id.index();
        let words = match self {
            NodeSet::Inline(w) => &mut w[..],
            NodeSet::Heap(w) => &mut w[..],
        };
        if let Some(w) = words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
}

/// The longest path of an unknown parameter that an error quotes.
const MAX_UNKNOWN_PATH: usize = 200;

// ---------------------------------------------------------------------------------------
// What every generated object validator is
// ---------------------------------------------------------------------------------------

/// The validator of one object of the spec (the request body, `card`, `person[dob]`, …), as
/// `token-derive` generates it: its parameters' slots, and the code that reads them.
pub trait State<'de>: Default {
    /// A form pair (or a parameter written by a typed value) under this object: `segs`
    /// starts with the name of one of the object's parameters.
    fn dispatch(&mut self, run: &mut Run<'_>, segs: &[Seg<'_, 'de>], value: Text<'de>);

    /// The members of this object in a JSON body, pulled from the scanner (its `{` was
    /// read; its `}` is read last).
    fn visit_json(
        &mut self,
        run: &mut Run<'_>,
        sc: &mut crate::scan::json::Scanner<'de>,
    ) -> Result<(), Stop>;

    /// The end of a form body: lists whose indexes leave a gap are body errors;
    /// `offset_of` finds where a key was sent.
    fn structure(&self, run: &mut Run<'_>, offset_of: &mut dyn FnMut(&str) -> usize);

    /// The end of the body: required parameters, and the rules judged at this object's end
    /// (its parts' first).
    fn finish(&self, run: &mut Run<'_>);

    /// Whether none of the object's parameters was sent.
    fn is_empty(&self) -> bool;

    /// Whether the object has required parameters.
    const REQUIRED: bool;
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

/// One validation of one request: its context, its limits, and what was found so far.
pub struct Run<'a> {
    ctx: &'a Context,
    /// The limits in force ([`Limits::in_force`]).
    limits: Limits,
    unknown: UnknownParams,
    /// The enforcement threshold: a problem of a lower confidence is a warning.
    enforce: Confidence,
    errors: Vec<Error>,
    warnings: Vec<Error>,
    failed: NodeSet,
    /// The top-level parameters sent that lift another's requirement (`pk_token`).
    marked: NodeSet,
    /// Reading the URL query, after the body: a pair that conflicts with what the body sent
    /// is dropped (the body's value wins).
    query_pass: bool,
    /// The nodes the query pass has set (a conflict with one of them is the query's own).
    query_set: NodeSet,
    /// The body error that stopped the read came from the query string.
    pub(crate) abort_in_query: bool,
    params: usize,
    /// The form pair being read: its start offset.
    pub(crate) pair: usize,
    /// The body error that stopped the read, if any (the first one found).
    pub(crate) abort: Option<ParseError>,
    /// The read stops: a body error other than a pair's own, or any body error while
    /// `invalid_body` is enforced (see [`Run::stopped`]).
    stop: bool,
    /// The keys sent twice (or as a value and as an object): Stripe may read another of
    /// their values than the one judged, so their errors are not Stripe's answer.
    doubted: Vec<String>,
    /// The errors recorded on a parameter of the spec: their index in `errors` and the
    /// parameter.
    error_nodes: Vec<(usize, NodeId)>,
    /// The unknown parameters reported so far (each is reported once).
    unknowns: KeySet<'static>,
    /// How many unknown parameters were met, reported or let through.
    pub(crate) unknown_met: usize,
    /// Parameters learned from a newer Stripe OpenAPI document, if any.
    runtime: Option<&'a RuntimeSpec>,
    /// The learned parameters the request sent (their top-most paths).
    runtime_used: Vec<String>,
    /// The spec's version gates the request's API version is before (a bit each).
    before: u64,
    /// The parameters that came with a gate and got its warning already.
    gated: NodeSet,
}

impl<'a> Run<'a> {
    /// A run in this context, with these limits and this policy for unknown parameters.
    pub(crate) fn new(
        ctx: &'a Context,
        limits: &'a Limits,
        unknown: UnknownParams,
        enforce: Confidence,
    ) -> Self {
        let nodes = spec().nodes().len();
        Run {
            ctx,
            limits: limits.in_force(),
            unknown,
            enforce,
            errors: Vec::new(),
            warnings: Vec::new(),
            failed: NodeSet::new(nodes),
            marked: NodeSet::new(nodes),
            query_pass: false,
            query_set: NodeSet::new(nodes),
            abort_in_query: false,
            params: 0,
            pair: 0,
            abort: None,
            stop: false,
            doubted: Vec::new(),
            error_nodes: Vec::new(),
            unknowns: KeySet::default(),
            unknown_met: 0,
            runtime: None,
            runtime_used: Vec::new(),
            before: crate::api_version::gates_before(ctx.api_version(), &spec().gates),
            gated: NodeSet::new(nodes),
        }
    }

    /// With the parameters learned from a newer Stripe OpenAPI document.
    pub(crate) fn with_runtime(mut self, runtime: Option<&'a RuntimeSpec>) -> Self {
        self.runtime = runtime;
        self
    }

    /// The learned parameters the request sent (their top-most paths, as sent first).
    pub(crate) fn take_runtime_used(&mut self) -> Vec<String> {
        std::mem::take(&mut self.runtime_used)
    }

    /// The learned parameter `name` under the object `parent`, if the run has a runtime
    /// spec that has it: noted as used.
    pub(crate) fn learned_root(
        &mut self,
        parent: NodeId,
        name: &str,
    ) -> Option<(&'a RuntimeSpec, usize)> {
        let rt = self.runtime?;
        let i = rt.root(parent, name)?;
        self.unknown_met += 1;
        let path = &rt.nodes[i].path;
        if !self.runtime_used.iter().any(|p| p == path) {
            self.runtime_used.push(path.clone());
        }
        Some((rt, i))
    }

    /// A form pair the object `parent` does not know, `name` then `rest`: a parameter of
    /// the runtime spec, checked as the document states it; else an unknown parameter
    /// (refused, or let through before a gate, see [`Run::unknown_gated`]).
    pub fn unknown_form(
        &mut self,
        parent: NodeId,
        name: &str,
        rest: &[Seg<'_, '_>],
        value: &str,
        gate: Option<usize>,
    ) {
        let Some((rt, i)) = self.learned_root(parent, name) else {
            return self.unknown_gated(parent, name, gate);
        };
        let mut path = rt.nodes[i].path.clone();
        let mut target = LearnTarget::Node(i);
        for seg in rest {
            let LearnTarget::Node(n) = target else {
                // An item or a map entry with more segments: a dictionary where a single
                // value belongs.
                return self.learned_error(
                    Generic::ParameterInvalidScalar,
                    Phase::Types,
                    &path,
                    None,
                    None,
                );
            };
            let node = &rt.nodes[n];
            match node.ty {
                TypeName::Object => match node.children.get(seg.text) {
                    Some(&c) => {
                        path = token_spec::join_path(&path, seg.text);
                        target = LearnTarget::Node(c);
                    }
                    // A list of objects, or an object the document does not describe.
                    None if node.open => return,
                    None => {
                        let p = token_spec::join_path(&path, seg.text);
                        return self.learned_error(
                            Generic::ParameterUnknown,
                            Phase::Unknown,
                            &p,
                            None,
                            None,
                        );
                    }
                },
                TypeName::Array if seg.text.bytes().all(|b| b.is_ascii_digit()) => {
                    path = format!("{path}[{}]", seg.text);
                    target = LearnTarget::Item(n);
                }
                TypeName::Array => {
                    return self.learned_error(
                        Generic::ParameterInvalidArray,
                        Phase::Types,
                        &path,
                        None,
                        None,
                    );
                }
                TypeName::Map => {
                    path = format!("{path}[{}]", seg.text);
                    target = LearnTarget::Entry;
                }
                _ => {
                    return self.learned_error(
                        Generic::ParameterInvalidScalar,
                        Phase::Types,
                        &path,
                        None,
                        None,
                    );
                }
            }
        }
        self.learned_text(rt, target, &path, value);
    }

    /// One value of a learned parameter (`target`): judged by what the document states.
    pub(crate) fn learned_text(
        &mut self,
        rt: &RuntimeSpec,
        target: LearnTarget,
        path: &str,
        text: &str,
    ) {
        use TypeName as T;
        let (ty, max, values, open, unset, or_id) = match target {
            LearnTarget::Entry => return,
            LearnTarget::Item(n) => {
                let Some(items) = &rt.nodes[n].items else {
                    return;
                };
                (
                    items.ty,
                    items.max_length,
                    &items.values[..],
                    false,
                    items.unset,
                    None,
                )
            }
            LearnTarget::Node(n) => {
                let node = &rt.nodes[n];
                (
                    node.ty,
                    node.max_length,
                    &node.values[..],
                    node.open,
                    node.unset,
                    node.or_id.as_ref(),
                )
            }
        };
        let err = |run: &mut Self, which: Generic, values: Option<String>, limit: Option<u64>| {
            run.learned_error(
                which,
                Phase::Types,
                path,
                values,
                limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
            );
        };
        if text.is_empty() {
            if !unset {
                self.learned_error(
                    Generic::ParameterInvalidEmpty,
                    Phase::Presence,
                    path,
                    None,
                    None,
                );
            }
            return;
        }
        if is_blank(text) {
            return self.learned_error(
                Generic::ParameterInvalidStringBlank,
                Phase::Presence,
                path,
                None,
                None,
            );
        }
        match ty {
            T::String | T::Enum if max.is_some_and(|m| too_long(text, m)) => {
                err(self, Generic::ParameterInvalidStringLength, None, max)
            }
            T::Integer if parse_integer(text).is_none() => {
                err(self, Generic::ParameterInvalidInteger, None, None)
            }
            T::Number if !is_decimal(text) => {
                err(self, Generic::ParameterInvalidNumber, None, None)
            }
            T::Boolean if spec().parse_boolean(text).is_none() => {
                err(self, Generic::ParameterInvalidBoolean, None, None)
            }
            T::Enum if !open && !values.iter().any(|v| v == text) => err(
                self,
                Generic::ParameterInvalidEnum,
                Some(values_text(values)),
                None,
            ),
            T::Object => match or_id {
                Some(id) if id.max_length.is_some_and(|m| too_long(text, m)) => err(
                    self,
                    Generic::ParameterInvalidStringLength,
                    None,
                    id.max_length,
                ),
                Some(_) => {}
                None => err(self, Generic::ParameterInvalidObject, None, None),
            },
            T::Map => err(self, Generic::ParameterInvalidObject, None, None),
            T::Array => err(self, Generic::ParameterInvalidArray, None, None),
            _ => {}
        }
    }

    /// A problem with a learned parameter: a generic error on its path. Its value is never
    /// quoted (whether it is secret is not known).
    pub(crate) fn learned_error(
        &mut self,
        which: Generic,
        phase: Phase,
        path: &str,
        values: Option<String>,
        limit: Option<i64>,
    ) {
        self.push(
            spec().generic(which),
            phase,
            0,
            Fill {
                param: path,
                secret: true,
                values,
                limit,
                definition: Cow::Borrowed(which.name()),
                ..Fill::default()
            },
        );
    }

    /// Whether the request's API version is before the spec's version gate `gate` (then
    /// the gate's older parameters and behaviour apply).
    #[inline]
    pub fn before(&self, gate: usize) -> bool {
        gate < 64 && self.before & (1 << gate) != 0
    }

    /// One of today's parameters that came with the gate `gate`, sent by a request of an
    /// older version: the gate's warning (never a refusal, whatever the enforcement
    /// threshold), once per parameter.
    pub fn gate_added(&mut self, gate: usize, node: NodeId) {
        if self.gated.contains(node) {
            return;
        }
        self.gated.insert(node);
        let Some(g) = spec().gates.get(gate) else {
            return;
        };
        if let Some(def) = &g.added_before {
            let path = spec().node(node).path.as_str();
            self.warnings.push(Error::from_def(
                def,
                Phase::Context,
                0,
                Fill {
                    param: path,
                    definition: Cow::Owned(format!("gate:{}", g.id)),
                    ..Fill::default()
                },
            ));
        }
    }

    /// A parameter the spec does not know under `parent`, where the request's version may
    /// be before a gate (`gate`) under which Stripe ignored unknown parameters there: let
    /// through then, else as [`Run::unknown`].
    pub fn unknown_gated(&mut self, parent: NodeId, name: &str, gate: Option<usize>) {
        if gate.is_some_and(|g| self.before(g)) {
            self.unknown_met += 1;
            return;
        }
        self.unknown(parent, name);
    }

    /// A required parameter that was not sent, where a gate (`gate`) gave another error
    /// before its version (a card's missing number: 402 before `2015-10-12`).
    pub fn missing_gated(&mut self, node: NodeId, gate: usize) {
        let def = match spec()
            .gates
            .get(gate)
            .and_then(|g| g.missing_before.as_ref())
        {
            Some((_, def)) if self.before(gate) => def,
            _ => return self.missing(node),
        };
        let path = spec().node(node).path.as_str();
        let enforced = self.push_at(
            node,
            def,
            Phase::Presence,
            0,
            Fill {
                param: path,
                definition: Cow::Owned(format!("gate:{}", spec().gates[gate].id)),
                ..Fill::default()
            },
        );
        if enforced {
            self.failed.insert(node);
        }
    }

    /// The request's context.
    #[inline]
    pub fn ctx(&self) -> &Context {
        self.ctx
    }

    /// The limits in force.
    #[inline]
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether a parameter already has an error (its later rules are skipped: Stripe reports
    /// one problem per parameter).
    #[inline]
    pub fn failed(&self, node: NodeId) -> bool {
        self.failed.contains(node)
    }

    /// Whether a body error stopped the read.
    #[inline]
    pub fn aborted(&self) -> bool {
        self.abort.is_some()
    }

    /// Whether the read stops here: after a limit or a body error that leaves nothing
    /// sound to read, and after any body error while `invalid_body` is enforced (its
    /// answer is then the request's). A pair's own error (a bad escape, a key sent twice)
    /// below the threshold does not stop it: the pair is left out and the rest is read, so
    /// that the errors that are enforced still judge the request.
    #[inline]
    pub(crate) fn stopped(&self) -> bool {
        self.stop
    }

    /// Whether `invalid_body`, the answer to a body error, is enforced.
    fn body_errors_enforced(&self) -> bool {
        spec()
            .generic(Generic::InvalidBody)
            .confidence
            .meets(self.enforce)
    }

    /// The errors found, in Stripe's order, or the body error that stopped the read; when
    /// there is none, the warnings (problems below the enforcement threshold).
    ///
    /// A body error below the enforcement threshold does not hide the enforced errors found
    /// with it: they are the answer, less those on a key sent twice (Stripe may read the
    /// other value). With none of them, the body error is.
    pub(crate) fn into_result(self) -> Result<Warnings, Errors> {
        if let Some(e) = &self.abort {
            if !self.body_errors_enforced() {
                let doubted = &self.doubted;
                let mut nodes = self.error_nodes.iter().peekable();
                let kept: Vec<Error> = self
                    .errors
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| match nodes.next_if(|(at, _)| at == i) {
                        Some((_, node)) => {
                            let path = spec().node(*node).path.as_str();
                            !doubted.iter().any(|d| related(d, path))
                        }
                        None => true,
                    })
                    .map(|(_, e)| e)
                    .collect();
                if let Some(errors) = Errors::from_vec(kept) {
                    return Err(errors);
                }
            }
            let message = e.message();
            let message = if self.abort_in_query {
                in_query(&message)
            } else {
                message
            };
            return Err(Errors::invalid_body(message));
        }
        match Errors::from_vec(self.errors) {
            Some(e) => Err(e),
            None => Ok(Warnings::from_vec(self.warnings)),
        }
    }

    /// Marks a top-level parameter that lifts another's requirement as sent.
    #[inline]
    pub fn mark(&mut self, node: NodeId) {
        self.marked.insert(node);
    }

    /// Whether a parameter that lifts another's requirement was sent.
    #[inline]
    pub fn marked(&self, node: NodeId) -> bool {
        self.marked.contains(node)
    }

    /// From here on, pairs come from the URL query.
    pub(crate) fn begin_query(&mut self) {
        self.query_pass = true;
    }

    /// The query pass sets `node`'s value.
    #[inline]
    fn touch(&mut self, node: NodeId) {
        if self.query_pass {
            self.query_set.insert(node);
        }
    }

    /// A pair that conflicts with a value already there (`kind` says how): a body error,
    /// unless it comes from the query and the value from the body, which wins (Rack's
    /// `GET.merge(POST)`, stripe-mock's merge).
    fn conflict(&mut self, node: NodeId, kind: ParseErrorKind, key: Cow<'_, str>) {
        if self.query_pass && !self.query_set.contains(node) {
            return;
        }
        self.abort_pair(kind, key);
    }

    // ---- body errors ----------------------------------------------------------------

    /// Records a body error at `offset` (the first one is the answer), and stops the read
    /// unless it is a pair's own error below the threshold ([`Run::stopped`]).
    pub(crate) fn abort_at(&mut self, kind: ParseErrorKind, offset: usize, key: Option<String>) {
        if kind.is_conflict()
            && let Some(k) = &key
        {
            self.doubted.push(k.clone());
        }
        self.set_abort(ParseError::new(kind, offset, key));
    }

    /// Records this body error, as [`Run::abort_at`].
    pub(crate) fn set_abort(&mut self, e: ParseError) {
        if !e.kind.is_pair_level() || self.body_errors_enforced() {
            self.stop = true;
        }
        if self.abort.is_none() {
            self.abort = Some(e);
            self.abort_in_query = self.query_pass;
        }
    }

    /// Stops the read with a body error at the current form pair.
    fn abort_pair(&mut self, kind: ParseErrorKind, key: Cow<'_, str>) {
        let at = self.pair;
        self.abort_at(kind, at, Some(key.into_owned()));
    }

    /// How many values were counted so far.
    #[inline]
    pub(crate) fn params(&self) -> usize {
        self.params
    }

    /// Counts one value against the parameter limit; `false` (and a body error) past it.
    #[inline]
    pub(crate) fn count_param(&mut self, offset: usize, key: impl FnOnce() -> String) -> bool {
        if self.params >= self.limits.max_params {
            let limit = self.limits.max_params;
            self.abort_at(ParseErrorKind::TooManyParams { limit }, offset, Some(key()));
            return false;
        }
        self.params += 1;
        true
    }

    // ---- errors on parameters ---------------------------------------------------------

    /// Records a problem: an error, or a warning when its definition's confidence is below
    /// the enforcement threshold. `true` for an error.
    fn push(
        &mut self,
        def: &token_spec::model::ErrorDef,
        phase: Phase,
        order: u32,
        fill: Fill<'_>,
    ) -> bool {
        let enforced = def.confidence.meets(self.enforce);
        let e = Error::from_def(def, phase, order, fill);
        if enforced {
            self.errors.push(e);
        } else {
            self.warnings.push(e);
        }
        enforced
    }

    /// [`Run::push`] for a problem of the spec's parameter `node` (which a key sent twice
    /// puts in doubt, see [`Run::into_result`]).
    fn push_at(
        &mut self,
        node: NodeId,
        def: &token_spec::model::ErrorDef,
        phase: Phase,
        order: u32,
        fill: Fill<'_>,
    ) -> bool {
        let enforced = self.push(def, phase, order, fill);
        if enforced {
            self.error_nodes.push((self.errors.len() - 1, node));
        }
        enforced
    }

    /// A generic error on a parameter, which is then failed; `true` for an error, `false`
    /// for a warning (the parameter is then judged on).
    fn generic(&mut self, which: Generic, phase: Phase, at: At<'_>, extra: Extra<'_>) -> bool {
        let path = at.path();
        let def = spec().generic(which);
        let enforced = self.push_at(
            at.node(),
            def,
            phase,
            0,
            Fill {
                param: &path,
                value: extra.value,
                secret: !spec().quotes_value(at.node()),
                values: extra.values,
                limit: extra.limit,
                suggestion: None,
                definition: Cow::Borrowed(which.name()),
            },
        );
        if enforced {
            self.failed.insert(at.node());
        }
        enforced
    }

    /// A required parameter that was not sent.
    pub fn missing(&mut self, node: NodeId) {
        self.generic(
            Generic::ParameterMissing,
            Phase::Presence,
            At::Node(node),
            Extra::default(),
        );
    }

    /// The error of a rule (by its index in the spec's rules) on its target, which is then
    /// failed; `value` fills `{value}` (never for a secret parameter). `true` for an error,
    /// `false` for a warning (below the enforcement threshold: the value is judged on by
    /// its next rules).
    pub fn rule(&mut self, rule: usize, value: Option<&str>) -> bool {
        self.rule_with(rule, value, None, None)
    }

    /// A rule's error with `{values}` filled (`one_token_kind` names the kinds).
    pub fn rule_values(&mut self, rule: usize, values: String) -> bool {
        self.rule_with(rule, None, Some(values), None)
    }

    /// A rule's error with `{value}` and `{limit}` filled (a map's limits: the entry count,
    /// key or value over its limit).
    pub fn rule_limit(&mut self, rule: usize, value: &str, limit: usize) -> bool {
        self.rule_with_limit(rule, Some(value), None, None, i64::try_from(limit).ok())
    }

    fn rule_with(
        &mut self,
        rule: usize,
        value: Option<&str>,
        values: Option<String>,
        at: Option<At<'_>>,
    ) -> bool {
        self.rule_with_limit(rule, value, values, at, None)
    }

    fn rule_with_limit(
        &mut self,
        rule: usize,
        value: Option<&str>,
        values: Option<String>,
        at: Option<At<'_>>,
        limit: Option<i64>,
    ) -> bool {
        let spec = spec();
        let Some(r) = spec.rules.get(rule) else {
            return false;
        };
        let target = at.unwrap_or(At::Node(r.target));
        let path = if r.target == NodeId::ROOT && at.is_none() {
            Cow::Borrowed("")
        } else {
            target.path()
        };
        let secret = !spec.quotes_value(target.node());
        // With no token kind at all, Stripe answers this before any unknown parameter
        // (stripe-errors-observed.md row 10).
        let phase = match r.check {
            Check::TokenKindRequired => Phase::NoKind,
            _ => Phase::from(r.stage),
        };
        let enforced = self.push_at(
            target.node(),
            &r.error,
            phase,
            1 + rule as u32,
            Fill {
                param: &path,
                value,
                secret,
                values,
                limit,
                definition: Cow::Borrowed(r.id.as_str()),
                ..Fill::default()
            },
        );
        if enforced && r.target != NodeId::ROOT {
            self.failed.insert(target.node());
        }
        enforced
    }

    /// The error of a kind's key rule: this key may not create the kind.
    pub fn key_not_allowed(&mut self, kind: usize) {
        let spec = spec();
        if let Some(k) = spec.kinds.get(kind)
            && let Some(def) = &k.key_error
        {
            let path = &spec.node(k.node).path;
            self.push(
                def,
                Phase::Context,
                0,
                Fill {
                    param: path,
                    definition: Cow::Owned(format!("key:{}", k.name)),
                    ..Fill::default()
                },
            );
        }
    }

    /// A parameter the spec does not have, under the object `parent`: reported once per
    /// unknown path (its deeper keys are not looked at), unless unknown parameters are let
    /// through.
    pub fn unknown(&mut self, parent: NodeId, name: &str) {
        self.unknown_met += 1;
        if self.unknown == UnknownParams::Ignore {
            return;
        }
        let path = token_spec::join_path(&spec().node(parent).path, name);
        if !self.unknowns.insert(Cow::Owned(path.clone())) {
            return;
        }
        let shown: Cow<'_, str> = match path.char_indices().nth(MAX_UNKNOWN_PATH) {
            Some((cut, _)) => Cow::Borrowed(&path[..cut]),
            None => Cow::Borrowed(&path),
        };
        // Stripe's "Did you mean …?" when a sibling's name is close.
        let suggestion = spec().suggest_child(parent, name);
        let which = match suggestion {
            Some(_) => Generic::ParameterUnknownSuggestion,
            None => Generic::ParameterUnknown,
        };
        self.push(
            spec().generic(which),
            Phase::Unknown,
            0,
            Fill {
                param: &shown,
                suggestion,
                definition: Cow::Borrowed(which.name()),
                ..Fill::default()
            },
        );
    }

    /// A value of the wrong shape: a dictionary or list where a single value belongs.
    fn not_scalar(&mut self, at: At<'_>) {
        self.generic(
            Generic::ParameterInvalidScalar,
            Phase::Types,
            at,
            Extra::default(),
        );
    }

    /// A value where an object (or map) belongs.
    fn not_object(&mut self, node: NodeId) {
        self.generic(
            Generic::ParameterInvalidObject,
            Phase::Types,
            At::Node(node),
            Extra::default(),
        );
    }

    /// A value where a list belongs.
    fn not_array(&mut self, node: NodeId) {
        self.generic(
            Generic::ParameterInvalidArray,
            Phase::Types,
            At::Node(node),
            Extra::default(),
        );
    }

    // ---- values -----------------------------------------------------------------------

    /// Judges one value: `""` (unset, or refused), white space only, then its type, limit or
    /// enum. `Verdict::Pass` lets its rules judge it.
    fn judge(&mut self, at: At<'_>, text: &str, ty: ScalarTy, unset: Unset) -> Verdict {
        // A problem below the enforcement threshold is a warning: the value passes on to
        // the next check and to its rules.
        let fail = |enforced: bool| {
            if enforced {
                Verdict::Fail
            } else {
                Verdict::Pass
            }
        };
        if text.is_empty() {
            return match unset {
                Unset::Accept => Verdict::Unset,
                Unset::Refuse => fail(self.generic(
                    Generic::ParameterInvalidEmpty,
                    Phase::Presence,
                    at,
                    Extra::default(),
                )),
                Unset::Forbid(rule) => {
                    self.rule_with(rule, None, None, Some(at));
                    Verdict::Unset
                }
            };
        }
        if is_blank(text)
            && self.generic(
                Generic::ParameterInvalidStringBlank,
                Phase::Presence,
                at,
                Extra::default(),
            )
        {
            return Verdict::Fail;
        }
        let bad = |run: &mut Self, which: Generic, values: Option<String>, limit: Option<i64>| {
            fail(run.generic(
                which,
                Phase::Types,
                at,
                Extra {
                    value: Some(text),
                    values,
                    limit,
                },
            ))
        };
        match ty {
            ScalarTy::String { max } | ScalarTy::FromString { max } => match max {
                Some(max) if too_long(text, max) => bad(
                    self,
                    Generic::ParameterInvalidStringLength,
                    None,
                    Some(i64::try_from(max).unwrap_or(i64::MAX)),
                ),
                _ => Verdict::Pass,
            },
            ScalarTy::Integer { min, max } => {
                if parse_integer(text).is_none() {
                    return bad(self, Generic::ParameterInvalidInteger, None, None);
                }
                match crate::rules::checks::integer_out_of_range(text, min, max) {
                    Some((bound, limit)) => {
                        let which = match bound {
                            crate::rules::checks::Bound::Min => Generic::ParameterIntegerTooSmall,
                            crate::rules::checks::Bound::Max => Generic::ParameterIntegerTooLarge,
                        };
                        bad(self, which, None, Some(limit))
                    }
                    None => Verdict::Pass,
                }
            }
            ScalarTy::Number if !is_decimal(text) => {
                bad(self, Generic::ParameterInvalidNumber, None, None)
            }
            ScalarTy::Boolean if spec().parse_boolean(text).is_none() => {
                bad(self, Generic::ParameterInvalidBoolean, None, None)
            }
            ScalarTy::Enum(is_value) if !is_value(text) => {
                let values = enum_values(at.node());
                bad(self, Generic::ParameterInvalidEnum, Some(values), None)
            }
            ScalarTy::Number | ScalarTy::Boolean | ScalarTy::Enum(_) | ScalarTy::OpenEnum => {
                Verdict::Pass
            }
        }
    }

    /// A single value for `slot`: judged, kept, and handed back when it passed, for the
    /// parameter's rules.
    pub fn scalar<'s, 'de>(
        &mut self,
        slot: &'s mut Slot<'de>,
        node: NodeId,
        value: Text<'de>,
        ty: ScalarTy,
        unset: Unset,
    ) -> Option<&'s str> {
        let verdict = self.judge(At::Node(node), &value, ty, unset);
        *slot = match verdict {
            Verdict::Unset => Slot::Unset,
            _ => Slot::Value(value),
        };
        match (verdict, &*slot) {
            (Verdict::Pass, Slot::Value(t)) => Some(t),
            _ => None,
        }
    }

    /// A dictionary or list sent for a single-value parameter.
    pub fn scalar_shape(&mut self, slot: &mut Slot<'_>, node: NodeId, shape: Shape) {
        *slot = Slot::Shape(shape);
        self.not_scalar(At::Node(node));
    }

    /// One item of a list.
    pub fn item<'de>(
        &mut self,
        slot: &mut ArraySlot<'de>,
        ty: &ArrayTy,
        index: usize,
        value: Text<'de>,
    ) {
        let item = match self.judge(At::Item(ty.node, index), &value, ty.item, ty.item_unset) {
            Verdict::Unset => Item::Unset,
            _ => Item::Value(value),
        };
        slot.state = ListState::Items;
        slot.items.push((index, item));
    }

    /// A dictionary or list sent as an item of a list.
    pub fn item_shape(&mut self, slot: &mut ArraySlot<'_>, node: NodeId, index: usize) {
        slot.state = ListState::Items;
        slot.items.push((index, Item::Shape));
        self.not_scalar(At::Item(node, index));
    }

    /// A map sent as a dictionary (its entries follow).
    pub fn map_open(&mut self, slot: &mut MapSlot<'_>) {
        slot.state = MapState::Entries;
    }

    /// A list sent as a list (its items follow).
    pub fn array_open(&mut self, slot: &mut ArraySlot<'_>) {
        slot.state = ListState::Items;
    }

    /// A JSON `[]`: a form body cannot send an empty list, so nothing was sent.
    pub(crate) fn array_close(&mut self, slot: &mut ArraySlot<'_>) {
        if slot.state == ListState::Items && slot.items.is_empty() {
            slot.state = ListState::Absent;
        }
    }

    /// A JSON `{}` for a map: a form body cannot send an empty map, so nothing was sent.
    pub(crate) fn map_close(&mut self, slot: &mut MapSlot<'_>) {
        if slot.state == MapState::Entries && slot.entries.is_empty() {
            slot.state = MapState::Absent;
        }
    }

    /// One entry of a map (its value needs no check: any string).
    pub fn entry<'de>(
        &mut self,
        slot: &mut MapSlot<'de>,
        key: Text<'de>,
        value: Option<Text<'de>>,
        node: NodeId,
    ) {
        slot.state = MapState::Entries;
        if value.is_none() {
            self.not_scalar(At::Entry(node, &key));
        }
        slot.entries.push((key, value));
    }

    /// `""` or a single value sent for an object, a list or a map: unset, refused as empty or
    /// blank, or (for an object-or-id union) the id. Returns whether it was a usable value
    /// that the caller must now judge by its shape.
    fn container_scalar(&mut self, node: NodeId, text: &str, unset: Unset) -> Option<Verdict> {
        if text.is_empty() || is_blank(text) {
            return Some(self.judge(At::Node(node), text, ScalarTy::OpenEnum, unset));
        }
        None
    }

    /// A single value sent for an object (the id of an object-or-id union, or an error).
    pub fn object_value<'de, S>(
        &mut self,
        slot: &mut ObjectSlot<'de, S>,
        ty: &ObjectTy,
        value: Text<'de>,
    ) {
        match self.container_scalar(ty.node, &value, ty.unset) {
            Some(Verdict::Unset) => *slot = ObjectSlot::Unset,
            Some(_) => *slot = ObjectSlot::Wrong(None),
            None => match ty.id {
                Some(max) => {
                    // The id's own limit; it is kept either way (the object was sent).
                    self.judge(
                        At::Node(ty.node),
                        &value,
                        ScalarTy::String { max },
                        Unset::Refuse,
                    );
                    *slot = ObjectSlot::Id(value);
                }
                None => {
                    *slot = ObjectSlot::Wrong(None);
                    self.not_object(ty.node);
                }
            },
        }
    }

    /// A list sent for an object.
    pub fn object_shape<S>(&mut self, slot: &mut ObjectSlot<'_, S>, node: NodeId) {
        *slot = ObjectSlot::Wrong(Some(Shape::Array));
        self.not_object(node);
    }

    /// A single value sent for a list.
    pub fn array_value(&mut self, slot: &mut ArraySlot<'_>, ty: &ArrayTy, value: &str) {
        match self.container_scalar(ty.node, value, ty.unset) {
            Some(Verdict::Unset) => slot.state = ListState::Unset,
            Some(_) => slot.state = ListState::Wrong(None),
            None => {
                slot.state = ListState::Wrong(None);
                self.not_array(ty.node);
            }
        }
    }

    /// A dictionary sent for a list.
    pub fn array_shape(&mut self, slot: &mut ArraySlot<'_>, node: NodeId) {
        slot.state = ListState::Wrong(Some(Shape::Object));
        self.not_array(node);
    }

    /// A single value sent for a map.
    pub fn map_value(&mut self, slot: &mut MapSlot<'_>, node: NodeId, unset: Unset, value: &str) {
        match self.container_scalar(node, value, unset) {
            Some(Verdict::Unset) => slot.state = MapState::Unset,
            Some(_) => slot.state = MapState::Wrong(None),
            None => {
                slot.state = MapState::Wrong(None);
                self.not_object(node);
            }
        }
    }

    /// A list sent for a map.
    pub fn map_shape(&mut self, slot: &mut MapSlot<'_>, node: NodeId) {
        slot.state = MapState::Wrong(Some(Shape::Array));
        self.not_object(node);
    }

    // ---- form: one pair at a time -------------------------------------------------------

    /// A form pair for a single-value parameter, `rest` being its key's segments after the
    /// parameter's own: the value to judge, or `None` when the pair was a duplicate, a
    /// conflict (a body error) or a dictionary (reported).
    pub fn form_scalar<'de>(
        &mut self,
        slot: &mut Slot<'de>,
        node: NodeId,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) -> Option<Text<'de>> {
        let path = || Cow::Borrowed(spec().node(node).path.as_str());
        match (rest.first(), &*slot) {
            (None, Slot::Absent) => {
                self.touch(node);
                Some(value)
            }
            (None, Slot::Shape(_)) | (Some(_), Slot::Value(_) | Slot::Unset) => {
                self.conflict(node, ParseErrorKind::ValueAndObject, path());
                None
            }
            (None, _) => {
                self.conflict(node, ParseErrorKind::DuplicateKey, path());
                None
            }
            (Some(seg), Slot::Shape(s)) => {
                if *s != Shape::of_segment(seg.text) {
                    self.conflict(node, ParseErrorKind::MixedArrayAndObject, path());
                }
                None
            }
            (Some(seg), Slot::Absent) => {
                self.touch(node);
                self.scalar_shape(slot, node, Shape::of_segment(seg.text));
                None
            }
        }
    }

    /// A form pair for an object: the object's state to dispatch the rest of the key to, or
    /// `None` when the pair was the object's own value, a duplicate or a conflict.
    pub fn form_object<'s, 'de, S: Default>(
        &mut self,
        slot: &'s mut ObjectSlot<'de, S>,
        ty: &ObjectTy,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) -> Option<(&'s mut S, Text<'de>)> {
        let path = || Cow::Borrowed(spec().node(ty.node).path.as_str());
        if rest.is_empty() {
            match slot {
                ObjectSlot::Absent => {
                    self.touch(ty.node);
                    self.object_value(slot, ty, value)
                }
                ObjectSlot::Object(_) | ObjectSlot::Wrong(Some(_)) => {
                    self.conflict(ty.node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(ty.node, ParseErrorKind::DuplicateKey, path()),
            }
            return None;
        }
        match slot {
            ObjectSlot::Absent => *slot = ObjectSlot::Object(S::default()),
            ObjectSlot::Object(_) => {}
            ObjectSlot::Wrong(Some(_)) => return None,
            _ => {
                self.conflict(ty.node, ParseErrorKind::ValueAndObject, path());
                return None;
            }
        }
        self.touch(ty.node);
        match slot {
            ObjectSlot::Object(s) => Some((s, value)),
            _ => None,
        }
    }

    /// A form pair for a list: `name=v` (a single value), `name[i]=v` or `name[]=v` (an item),
    /// `name[k]=v` (a dictionary).
    pub fn form_array<'de>(
        &mut self,
        slot: &mut ArraySlot<'de>,
        ty: &ArrayTy,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) {
        let path = || Cow::Borrowed(spec().node(ty.node).path.as_str());
        let Some(seg) = rest.first() else {
            match slot.state {
                ListState::Absent => {
                    self.touch(ty.node);
                    self.array_value(slot, ty, &value)
                }
                ListState::Items | ListState::Wrong(Some(_)) => {
                    self.conflict(ty.node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(ty.node, ParseErrorKind::DuplicateKey, path()),
            }
            return;
        };
        match slot.state {
            ListState::Unset | ListState::Wrong(None) => {
                return self.conflict(ty.node, ParseErrorKind::ValueAndObject, path());
            }
            _ => {}
        }
        let is_index = seg.text.bytes().all(|b| b.is_ascii_digit());
        if !is_index {
            match slot.state {
                ListState::Items => {
                    self.conflict(ty.node, ParseErrorKind::MixedArrayAndObject, path())
                }
                ListState::Absent => {
                    self.touch(ty.node);
                    self.array_shape(slot, ty.node)
                }
                _ => {}
            }
            return;
        }
        if slot.state == ListState::Wrong(Some(Shape::Object)) {
            return self.conflict(ty.node, ParseErrorKind::MixedArrayAndObject, path());
        }
        let max = self.limits.max_array_len;
        let index = if seg.text.is_empty() {
            slot.next
        } else {
            match seg.text.parse::<usize>() {
                Ok(i) => i,
                Err(_) => max,
            }
        };
        if index >= max {
            let key = if seg.text.is_empty() {
                format!("{}[]", path())
            } else {
                format!("{}[{}]", path(), seg.text)
            };
            let offset = if seg.text.is_empty() {
                self.pair
            } else {
                seg.at as usize
            };
            self.abort_at(
                ParseErrorKind::ArrayIndexTooLarge { limit: max },
                offset,
                Some(key),
            );
            return;
        }
        slot.next = slot.next.max(index + 1);
        if !slot.seen.insert(index) {
            let was_shape = matches!(
                slot.items.iter().find(|(i, _)| *i == index),
                Some((_, Item::Shape))
            );
            let kind = match (was_shape, rest.len() > 1) {
                // More keys of the same dictionary item: already reported.
                (true, true) => return,
                (false, false) => ParseErrorKind::DuplicateKey,
                _ => ParseErrorKind::ValueAndObject,
            };
            self.conflict(ty.node, kind, Cow::Owned(format!("{}[{index}]", path())));
            return;
        }
        self.touch(ty.node);
        if rest.len() > 1 {
            self.item_shape(slot, ty.node, index);
        } else {
            self.item(slot, ty, index, value);
        }
    }

    /// A form pair for a map: `name=v` (a single value) or `name[key]=v` (an entry).
    pub fn form_map<'de>(
        &mut self,
        slot: &mut MapSlot<'de>,
        node: NodeId,
        unset: Unset,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) {
        let path = || Cow::Borrowed(spec().node(node).path.as_str());
        let Some(seg) = rest.first() else {
            match slot.state {
                MapState::Absent => {
                    self.touch(node);
                    self.map_value(slot, node, unset, &value)
                }
                MapState::Entries | MapState::Wrong(Some(_)) => {
                    self.conflict(node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(node, ParseErrorKind::DuplicateKey, path()),
            }
            return;
        };
        match slot.state {
            MapState::Unset | MapState::Wrong(None) => {
                return self.conflict(node, ParseErrorKind::ValueAndObject, path());
            }
            MapState::Wrong(Some(_)) => return,
            _ => {}
        }
        if seg.text.is_empty() {
            // `metadata[]=v`: a list, not a map.
            self.touch(node);
            return self.map_shape(slot, node);
        }
        if !slot.add_key(seg.text) {
            let was_shape = matches!(
                slot.entries.iter().find(|(k, _)| k == seg.text),
                Some((_, None))
            );
            let kind = match (was_shape, rest.len() > 1) {
                // More keys of the same dictionary entry: already reported.
                (true, true) => return,
                (false, false) => ParseErrorKind::DuplicateKey,
                _ => ParseErrorKind::ValueAndObject,
            };
            let key = format!("{}[{}]", path(), seg.text);
            return self.conflict(node, kind, Cow::Owned(key));
        }
        self.touch(node);
        let key = seg.owned();
        let value = (rest.len() == 1).then_some(value);
        self.entry(slot, key, value, node);
    }

    /// The end of the body: a list whose indexes leave a gap is a body error.
    pub fn array_gaps(
        &mut self,
        slot: &ArraySlot<'_>,
        node: NodeId,
        offset_of: impl FnOnce(&str) -> usize,
    ) {
        if let Some(index) = slot.seen.gap(slot.next) {
            let key = format!("{}[{index}]", spec().node(node).path);
            let offset = offset_of(&key);
            self.abort_at(ParseErrorKind::ArrayIndexGap, offset, Some(key));
        }
    }

    /// A JSON entry key already seen in a map.
    pub fn map_key_taken(&mut self, slot: &mut MapSlot<'_>, key: &str) -> bool {
        !slot.add_key(key)
    }
}

/// What [`Run::judge`] found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The value may go on to its rules.
    Pass,
    /// `""` unset it.
    Unset,
    /// It has an error.
    Fail,
}

/// What a message may quote besides the parameter.
#[derive(Default)]
struct Extra<'v> {
    value: Option<&'v str>,
    values: Option<String>,
    limit: Option<i64>,
}

/// What a value of a learned parameter stands for.
#[derive(Clone, Copy)]
pub(crate) enum LearnTarget {
    /// The learned parameter of this index.
    Node(usize),
    /// An item of the learned list of this index.
    Item(usize),
    /// An entry of a learned map (any string).
    Entry,
}

/// An enum's values for a message: `a, b, or c` (`a or b` for two).
fn values_text(values: &[String]) -> String {
    match values {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

/// An enum's values for a message: `a, b, or c` (`a or b` for two).
pub(crate) fn enum_values(node: NodeId) -> String {
    let values: &[String] = match &spec().node(node).ty {
        token_spec::Ty::Enum { values, .. } => values,
        token_spec::Ty::Array { items } => match &items.ty {
            token_spec::ItemTy::Enum { values } => values,
            _ => &[],
        },
        _ => &[],
    };
    values_text(values)
}

/// An object parameter, as the generated code describes it.
pub struct ObjectTy {
    /// The object's node.
    pub node: NodeId,
    /// For an object-or-id union: the id's maximum length.
    pub id: Option<Option<u64>>,
    /// What `""` means.
    pub unset: Unset,
}

/// A list parameter, as the generated code describes it.
pub struct ArrayTy {
    /// The list's node.
    pub node: NodeId,
    /// What `""` means for the list.
    pub unset: Unset,
    /// The items' type.
    pub item: ScalarTy,
    /// What `""` means for an item.
    pub item_unset: Unset,
}

/// One segment of a form key (the form scanner's).
pub use crate::scan::form::Seg;

/// A body error's message for one found in the URL query string.
/// Whether one of two bracket paths is the other or inside it (`card` and
/// `card[number]`).
fn related(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.starts_with(short) && matches!(long.as_bytes().get(short.len()), None | Some(b'['))
}

fn in_query(message: &str) -> String {
    let rest = [
        "Invalid form body: ",
        "Invalid request body: ",
        "Invalid query string: ",
    ]
    .iter()
    .find_map(|p| message.strip_prefix(p))
    .unwrap_or(message);
    format!("Invalid query string: {rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_sets_find_gaps() {
        let mut s = IndexSet::default();
        assert!(s.insert(0) && s.insert(1) && !s.insert(1));
        assert_eq!(s.gap(2), None);
        s.insert(3);
        assert_eq!(s.gap(4), Some(3));
        let mut s = IndexSet::default();
        s.insert(300);
        assert_eq!(s.gap(301), Some(300));
        assert_eq!(IndexSet::default().gap(0), None);
    }
}
