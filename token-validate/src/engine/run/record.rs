//! One validation run: what the generated validators call while they read a body.
//!
//! The validators `token-derive` generates (one state type per object of the spec, see
//! `request.rs`) hold each parameter's value in a [`Slot`] as it arrives, check its type,
//! limit and enum ([`Run::scalar`] and friends, `judge.rs`), call the one implementation of each of
//! its rules in [`crate::rules`], and report every problem to the [`Run`], which collects
//! Stripe's errors and puts them in Stripe's order at the end. Nothing is allocated on the
//! way unless a value has escapes or there is an error to report.
//!
//! The same states are fed by the form scanner ([`crate::engine::form`]), by the JSON driver
//! ([`crate::engine::json`]), and by the parameters a typed value writes ([`crate::param`]).

use std::borrow::Cow;

use token_spec::model::Confidence;
use token_spec::{Check, Generic, NodeId, Spec};

use crate::context::Context;
use crate::error::{Error, Errors, Fill, Phase, Warnings};
use crate::options::{Limits, UnknownParams};
use crate::parse_error::{ParseError, ParseErrorKind};
use crate::runtime_spec::RuntimeSpec;

pub use crate::engine::slot::*;
/// The spec the generated validators were built from: `token-validate`'s bundled one.
pub(crate) fn spec() -> &'static Spec {
    token_spec::bundled()
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
    pub(crate) fn node(self) -> NodeId {
        match self {
            At::Node(n) | At::Item(n, _) | At::Entry(n, _) => n,
        }
    }
    pub(crate) fn path(self) -> Cow<'static, str> {
        let spec = spec();
        match self {
            At::Node(n) => Cow::Borrowed(spec.node(n).path.as_str()),
            At::Item(n, i) => Cow::Owned(format!("{}[{i}]", spec.node(n).path)),
            At::Entry(n, k) => Cow::Owned(format!("{}[{k}]", spec.node(n).path)),
        }
    }
}

/// A set of nodes: a bit per node, on the stack for specs of up to 512 nodes.
pub(crate) enum NodeSet {
    Inline([u64; 8]),
    Heap(Vec<u64>),
}

impl NodeSet {
    pub(crate) fn new(nodes: usize) -> NodeSet {
        if nodes <= 512 {
            NodeSet::Inline([0; 8])
        } else {
            NodeSet::Heap(vec![0; nodes.div_ceil(64)])
        }
    }
    pub(crate) fn words(&self) -> &[u64] {
        match self {
            NodeSet::Inline(w) => w,
            NodeSet::Heap(w) => w,
        }
    }
    pub(crate) fn contains(&self, id: NodeId) -> bool {
        let i = id.index();
        self.words()
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    pub(crate) fn insert(&mut self, id: NodeId) {
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
    pub(super) ctx: &'a Context,
    /// The limits in force ([`Limits::in_force`]).
    pub(super) limits: Limits,
    pub(super) unknown: UnknownParams,
    /// The enforcement threshold: a problem of a lower confidence is a warning.
    pub(super) enforce: Confidence,
    pub(super) errors: Vec<Error>,
    pub(super) warnings: Vec<Error>,
    pub(super) failed: NodeSet,
    /// The top-level parameters sent that lift another's requirement (`pk_token`).
    pub(super) marked: NodeSet,
    /// Reading the URL query, after the body: a pair that conflicts with what the body sent
    /// is dropped (the body's value wins).
    pub(super) query_pass: bool,
    /// The nodes the query pass has set (a conflict with one of them is the query's own).
    pub(super) query_set: NodeSet,
    /// The body error that stopped the read came from the query string.
    pub(super) abort_in_query: bool,
    pub(super) params: usize,
    /// The form pair being read: its start offset.
    pub(super) pair: usize,
    /// The body error that stopped the read, if any (the first one found).
    pub(super) abort: Option<ParseError>,
    /// The read stops: a body error other than a pair's own, or any body error while
    /// `invalid_body` is enforced (see [`Run::stopped`]).
    pub(super) stop: bool,
    /// The keys sent twice (or as a value and as an object): Stripe may read another of
    /// their values than the one judged, so their errors are not Stripe's answer.
    pub(super) doubted: Vec<String>,
    /// The errors recorded on a parameter of the spec: their index in `errors` and the
    /// parameter.
    pub(super) error_nodes: Vec<(usize, NodeId)>,
    /// The unknown parameters reported so far (each is reported once).
    pub(super) unknowns: KeySet<'static>,
    /// How many unknown parameters were met, reported or let through.
    pub(super) unknown_met: usize,
    /// Parameters learned from a newer Stripe OpenAPI document, if any.
    pub(super) runtime: Option<&'a RuntimeSpec>,
    /// The learned parameters the request sent (their top-most paths).
    pub(super) runtime_used: Vec<String>,
    /// The spec's version gates the request's API version is before (a bit each).
    pub(super) before: u64,
    /// The parameters that came with a gate and got its warning already.
    pub(super) gated: NodeSet,
}

impl<'a> Run<'a> {
    /// A run in this context, with these limits, this policy for unknown parameters, this
    /// enforcement threshold and the parameters learned from a newer Stripe OpenAPI
    /// document, if any. (One constructor, built in place: a builder method taking `self`
    /// copied the run's 600-odd bytes once more per request.)
    pub(crate) fn new(
        ctx: &'a Context,
        limits: &'a Limits,
        unknown: UnknownParams,
        enforce: Confidence,
        runtime: Option<&'a RuntimeSpec>,
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
            runtime,
            runtime_used: Vec::new(),
            before: crate::api_version::gates_before(ctx.api_version(), &spec().gates),
            gated: NodeSet::new(nodes),
        }
    }

    /// The learned parameters the request sent (their top-most paths, as sent first).
    pub(crate) fn take_runtime_used(&mut self) -> Vec<String> {
        std::mem::take(&mut self.runtime_used)
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
                    known: true,
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
                known: true,
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
    pub(crate) fn body_errors_enforced(&self) -> bool {
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
    pub(crate) fn touch(&mut self, node: NodeId) {
        if self.query_pass {
            self.query_set.insert(node);
        }
    }

    /// A pair that conflicts with a value already there (`kind` says how): a body error,
    /// unless it comes from the query and the value from the body, which wins (Rack's
    /// `GET.merge(POST)`, stripe-mock's merge).
    pub(crate) fn conflict(&mut self, node: NodeId, kind: ParseErrorKind, key: Cow<'_, str>) {
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
    pub(crate) fn abort_pair(&mut self, kind: ParseErrorKind, key: Cow<'_, str>) {
        let at = self.pair;
        self.abort_at(kind, at, Some(key.into_owned()));
    }
    /// The form pair being read starts at byte `offset` of its input: a conflict with what
    /// was sent before is reported there.
    #[inline]
    pub(crate) fn pair_at(&mut self, offset: usize) {
        self.pair = offset;
    }

    /// The body error that stopped the read came from the URL query string, not the body
    /// (its message says so).
    pub(crate) fn abort_from_query(&mut self) {
        self.abort_in_query = true;
    }

    /// How many unknown parameters were met so far, reported or let through.
    #[inline]
    pub(crate) fn unknown_met(&self) -> usize {
        self.unknown_met
    }

    /// How many values were counted so far.
    #[inline]
    pub(crate) fn params(&self) -> usize {
        self.params
    }

    /// Counts one value against the parameter limit; `false` (and a body error) past it.
    /// `at` gives the error's offset and key: called only past the limit, so a body under
    /// it never works them out.
    #[inline]
    pub(crate) fn count_param(&mut self, at: impl FnOnce() -> (usize, String)) -> bool {
        if self.params >= self.limits.max_params {
            self.too_many_params(at());
            return false;
        }
        self.params += 1;
        true
    }

    /// The body error of the value one past the parameter limit, at `offset` under `key`.
    #[cold]
    #[inline(never)]
    fn too_many_params(&mut self, (offset, key): (usize, String)) {
        let limit = self.limits.max_params;
        self.abort_at(ParseErrorKind::TooManyParams { limit }, offset, Some(key));
    }

    // ---- errors on parameters ---------------------------------------------------------

    /// Records a problem: an error, or a warning when its definition's confidence is below
    /// the enforcement threshold. `true` for an error.
    pub(crate) fn push(
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
    pub(crate) fn push_at(
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
    pub(crate) fn generic(
        &mut self,
        which: Generic,
        phase: Phase,
        at: At<'_>,
        extra: Extra<'_>,
    ) -> bool {
        let path = at.path();
        let def = spec().generic(which);
        let enforced = self.push_at(
            at.node(),
            def,
            phase,
            0,
            Fill {
                known: matches!(path, Cow::Borrowed(_)),
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

    pub(crate) fn rule_with(
        &mut self,
        rule: usize,
        value: Option<&str>,
        values: Option<String>,
        at: Option<At<'_>>,
    ) -> bool {
        self.rule_with_limit(rule, value, values, at, None)
    }

    pub(crate) fn rule_with_limit(
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
                known: matches!(path, Cow::Borrowed(_)),
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
                    known: true,
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
    pub(crate) fn not_scalar(&mut self, at: At<'_>) {
        self.generic(
            Generic::ParameterInvalidScalar,
            Phase::Types,
            at,
            Extra::default(),
        );
    }

    /// A value where an object (or map) belongs.
    pub(crate) fn not_object(&mut self, node: NodeId) {
        self.generic(
            Generic::ParameterInvalidObject,
            Phase::Types,
            At::Node(node),
            Extra::default(),
        );
    }

    /// A value where a list belongs.
    pub(crate) fn not_array(&mut self, node: NodeId) {
        self.generic(
            Generic::ParameterInvalidArray,
            Phase::Types,
            At::Node(node),
            Extra::default(),
        );
    }
}

/// What [`Run::judge`] found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The value may go on to its rules.
    Pass,
    /// `""` unset it.
    Unset,
    /// It has an error.
    Fail,
}

/// What a message may quote besides the parameter.
#[derive(Default)]
pub(crate) struct Extra<'v> {
    pub(crate) value: Option<&'v str>,
    pub(crate) values: Option<String>,
    pub(crate) limit: Option<i64>,
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
/// Built in one allocation of the exact size (no `format!`, no `join`: this runs for each
/// enum error).
pub(crate) fn values_text(values: &[String]) -> String {
    let Some((last, init)) = values.split_last() else {
        return String::new();
    };
    let comma = if init.len() > 1 { ", or " } else { " or " };
    let len = values.iter().map(String::len).sum::<usize>()
        + init.len().saturating_sub(1) * ", ".len()
        + if init.is_empty() { 0 } else { comma.len() };
    let mut out = String::with_capacity(len);
    for (i, v) in init.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(v);
    }
    if !init.is_empty() {
        out.push_str(comma);
    }
    out.push_str(last);
    out
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

/// One segment of a form key (the form scanner's).
pub use crate::scan::form::Seg;

/// A body error's message for one found in the URL query string.
/// Whether one of two bracket paths is the other or inside it (`card` and
/// `card[number]`).
pub(crate) fn related(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.starts_with(short) && matches!(long.as_bytes().get(short.len()), None | Some(b'['))
}

pub(crate) fn in_query(message: &str) -> String {
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

    #[test]
    fn values_text_lists_as_stripe_does() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        for (values, want) in [
            (v(&[]), ""),
            (v(&["none"]), "none"),
            (v(&["male", "female"]), "male or female"),
            (v(&["existing", "none", "or"]), "existing, none, or or"),
            (v(&["a", "b", "c", "d"]), "a, b, c, or d"),
        ] {
            let got = values_text(&values);
            assert_eq!(got, want);
            assert_eq!(
                got.capacity(),
                want.len(),
                "one allocation of the exact size"
            );
        }
    }
}
