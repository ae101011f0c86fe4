#![doc = include_str!("../README.md")]
//!
//! # Where things are
//!
//! - Validation: [`validate_form`], [`validate_json`] (the typed [`Request`]),
//!   [`check_form`], [`check_json`] (the [`Kind`] alone), their `_with` variants taking
//!   [`Options`] and [`Limits`], and [`validate_tree`] for a parameter [`tree`].
//! - A whole request, body and URL query ([`Input`]): [`check_request`],
//!   [`validate_request`] and [`validate_request_as`], which return the verdict with its
//!   [`Warnings`] ([`Accepted`]): the problems below the enforcement threshold
//!   ([`Options::enforce`], a [`Confidence`]).
//! - The request's circumstances: [`Context`] (from an API key with
//!   [`Context::from_key`], a Connect account, today's [`Date`]).
//! - The answer: [`Errors`] (every problem in Stripe's order), each an [`Error`] with
//!   Stripe's `type`, `code`, `param` and `message`; [`Errors::to_stripe_json`] is
//!   Stripe's response body.
//! - The request types generated from the spec ([`CardTokenRequest`], [`Card`], …) and
//!   [`TokenRequest`], the trait the derive implements; [`ToParam`] and [`MaybeUnset`] for
//!   field types; [`Decimal`] for decimal amounts.
//! - The checks behind the rules ([`checks`]: card numbers, expiry dates, bank numbers),
//!   how `Stripe-Version` is read ([`api_version`]; a request is validated as its version,
//!   [`Context::with_api_version`]), parameters learned from a newer Stripe OpenAPI
//!   ([`runtime_spec`], [`Options::runtime_spec`]), how input is quoted in messages
//!   ([`quote`]).
//! - Behind features (see [Features](#features)): the modules `tower`, `axum` and
//!   `serve`.
//!
//! # Wording
//!
//! Codes and messages follow Stripe's own where they are known; every error definition in
//! the spec records its source and a confidence (H observed, M seen on a sibling endpoint,
//! L our wording in Stripe's style). `token-validate errors` lists them all (`--json` for
//! JSON lines, `--confidence H|M|L` to filter); they live in the spec's `rules.json`.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate self as token_validate;

pub mod api_version;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[doc(hidden)]
pub mod build;
pub mod checks;
mod context;
pub mod decimal;
mod error;
mod form;
mod from_param;
pub mod http_answer;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod ids;
#[doc(hidden)]
pub mod json;
#[doc(hidden)]
pub mod lenient;
pub mod param;
mod parse_error;
pub mod quote;
mod request;
pub mod rules;
mod run;
pub mod runtime_spec;
// The body scanners of our own (JSON and form), for the generated validators and the fuzz
// targets: not a stable API.
#[doc(hidden)]
pub mod scan;
mod secret;
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub mod serve;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
pub mod tree;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

pub use context::{Context, Date, KeyError, KeyType, MAX_API_KEY_LEN, Mode};
pub use decimal::{Decimal, DecimalError};
pub use error::{Error, Errors, Warnings};
pub use from_param::{FromParam, FromParams, Loc};
pub use param::{FormEncoder, MaybeUnset, ParamPath, ParamSink, ToParam};
pub use parse_error::{ParseError, ParseErrorKind};
pub use request::*;
pub use run::UnknownParams;
pub use runtime_spec::RuntimeSpec;
pub use token_derive::TokenRequest;
pub use token_spec;
pub use token_spec::model::Confidence;

use request::state::RequestState;
use run::{Run, Seg, State};
use tree::Object;

/// Depth ceiling applied whatever [`Limits::max_depth`] says, so recursion over a body
/// (reading, dropping, encoding) is always shallow.
pub const HARD_MAX_DEPTH: usize = 64;

/// Size ceiling applied whatever [`Limits::max_body_bytes`] says: 16 MiB, 256 times the
/// default, for the body and for the URL query string each (they are capped separately,
/// so a request holds at most twice this in memory while it is checked: the tower layer,
/// `serve` and the CLI read it whole). Stripe's own token requests are a few hundred
/// bytes.
pub const HARD_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Ceiling on the number of values applied whatever [`Limits::max_params`] says: 65,536, 64
/// times the default. Each value read costs a little memory (its place in the request, an
/// error if it is wrong): this bounds the total whatever the body.
pub const HARD_MAX_PARAMS: usize = 1 << 16;

/// Ceiling on list indexes applied whatever [`Limits::max_array_len`] says: the values
/// ceiling, [`HARD_MAX_PARAMS`] (a longer list cannot be sent without a gap, which is
/// refused). The set of indexes a list has seen is a bitmap no larger than the limit in
/// force: at most 8 KiB per list at this ceiling.
pub const HARD_MAX_ARRAY_LEN: usize = HARD_MAX_PARAMS;

/// Body limits, with safe defaults. Every limit is enforced while the body is read: no
/// body is materialised past them. Each has a hard ceiling that applies whatever it is set
/// to ([`HARD_MAX_BODY_BYTES`], [`HARD_MAX_DEPTH`], [`HARD_MAX_PARAMS`],
/// [`HARD_MAX_ARRAY_LEN`]; [`Limits::in_force`]), so that no setting lets one request
/// exhaust memory or recursion.
///
/// Built from the defaults with the `with_*` methods (the struct may gain limits, so it
/// cannot be written as a literal outside this crate):
///
/// ```
/// use token_validate::{HARD_MAX_PARAMS, Limits};
///
/// let limits = Limits::default().with_max_params(100).with_max_body_bytes(16 * 1024);
/// assert_eq!((limits.max_params, limits.max_depth), (100, 8));
/// // A limit above its ceiling is held to the ceiling.
/// let roomy = Limits::default().with_max_params(usize::MAX);
/// assert_eq!(roomy.in_force().max_params, HARD_MAX_PARAMS);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest body accepted, in bytes (default 64 KiB), and separately the largest URL
    /// query string: each is capped on its own, not their sum. Checked before reading. At
    /// most [`HARD_MAX_BODY_BYTES`].
    pub max_body_bytes: usize,
    /// Deepest path accepted, counting the top-level name as one level
    /// (default 8: `a[b][c][d][e][f][g][h]` is the deepest form key).
    /// At most [`HARD_MAX_DEPTH`].
    pub max_depth: usize,
    /// Most values accepted (default 1024): a form body's pairs; a JSON body's strings,
    /// numbers and booleans, and its objects and arrays with nothing in them, under known
    /// and unknown parameters alike. At most [`HARD_MAX_PARAMS`].
    pub max_params: usize,
    /// Array length limit (default 256): an index `>=` this is refused. At most
    /// [`HARD_MAX_ARRAY_LEN`].
    pub max_array_len: usize,
}

impl Default for Limits {
    /// 64 KiB body, depth 8, 1024 values, array indexes below 256.
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
    /// The default limits (as [`Limits::default`]).
    pub fn new() -> Self {
        Limits::default()
    }
    /// With this body size limit, in bytes ([`Limits::max_body_bytes`]; held to
    /// [`HARD_MAX_BODY_BYTES`] when applied).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
    /// With this depth limit ([`Limits::max_depth`]; held to [`HARD_MAX_DEPTH`] when
    /// applied).
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
    /// With this limit on the number of values ([`Limits::max_params`]; held to
    /// [`HARD_MAX_PARAMS`] when applied).
    pub fn with_max_params(mut self, params: usize) -> Self {
        self.max_params = params;
        self
    }
    /// With this array length limit ([`Limits::max_array_len`]; held to
    /// [`HARD_MAX_ARRAY_LEN`] when applied).
    pub fn with_max_array_len(mut self, len: usize) -> Self {
        self.max_array_len = len;
        self
    }

    /// The limits in force: each held to its hard ceiling. Every reader of a body applies
    /// these, whatever the fields say.
    pub fn in_force(&self) -> Limits {
        Limits {
            max_body_bytes: self.max_body_bytes.min(HARD_MAX_BODY_BYTES),
            max_depth: self.max_depth.min(HARD_MAX_DEPTH),
            max_params: self.max_params.min(HARD_MAX_PARAMS),
            max_array_len: self.max_array_len.min(HARD_MAX_ARRAY_LEN),
        }
    }

    /// The depth limit in force: [`Limits::max_depth`] clamped to [`HARD_MAX_DEPTH`].
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(HARD_MAX_DEPTH)
    }
}

/// A token kind name that the spec does not have (from [`Kind`]'s `FromStr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownKind;

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        write!(
            f,
            "unknown token kind: expected one of {}",
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownKind {}

/// A request type checked against the spec: derive it with `#[derive(TokenRequest)]`.
pub trait TokenRequest {
    /// The token kind (`card`, `bank_account`, `cvc_update`, `pii`, `person`, `account`).
    const KIND: &'static str;

    /// Writes the request's parameters: each one's bracket path and value.
    fn to_params<'a>(&'a self, out: &mut dyn ParamSink<'a>);

    /// Runs every rule of the spec that applies, in Stripe's order: the request's parameters
    /// go straight into the generated validators, as a body's would.
    fn validate(&self, ctx: &Context) -> Result<(), Errors> {
        validate_params(ctx, |out| self.to_params(out)).map(|_| ())
    }

    /// Stripe's form encoding: `card[number]=...&card[exp_month]=...`.
    fn to_form(&self) -> String {
        let mut e = FormEncoder::new();
        self.to_params(&mut e);
        e.finish()
    }

    /// The request body as a parameter tree.
    fn to_body(&self) -> Object {
        let mut b = tree::TreeBuilder::default();
        self.to_params(&mut b);
        b.finish()
    }
}

#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a nested object of a token request",
    label = "this type does not derive `TokenRequest` as an object",
    note = "derive it with `#[derive(TokenRequest)]` and `#[token(kind = \"...\", object = \"...\")]`"
)]
/// A nested object of a request type: `#[derive(TokenRequest)]` with
/// `#[token(kind = "person", object = "address")]` implements it.
pub trait TokenObject: ToParam {
    /// The object's full bracket path, `person[address]`.
    const PATH: &'static str;
}

/// Options for the `_with` functions ([`validate_form_with`], [`check_json_with`], …) and
/// for [`check_request`] and [`validate_request`].
///
/// Built with its methods (the struct may gain options, so it cannot be written as a
/// literal outside this crate):
///
/// ```
/// use token_validate::{Confidence, Limits, Options, UnknownParams};
///
/// let options = Options::new()
///     .limits(Limits::default().with_max_params(100))
///     .unknown_params(UnknownParams::Ignore)
///     .enforce(Confidence::M);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Body limits (size, depth, number of values, array length).
    pub limits: Limits,
    /// What to do with parameters the spec does not have (default: refuse them, as Stripe
    /// does).
    pub unknown_params: UnknownParams,
    /// The enforcement threshold: a problem whose error definition's confidence is below it
    /// is a warning, returned beside the accepted request by [`check_request`] and
    /// [`validate_request`], never a rejection. The default, [`Confidence::L`], is strict:
    /// every problem rejects. [`Confidence::M`] rejects on H and M problems only (what
    /// `token-validate serve` does in front of Stripe), [`Confidence::H`] on H only.
    pub enforce: Confidence,
    /// Parameters learned from a Stripe OpenAPI document newer than the bundled spec
    /// ([`Options::runtime_spec`]).
    pub runtime_spec: Option<Arc<RuntimeSpec>>,
}

impl Default for Options {
    /// Default limits, unknown parameters refused, every problem enforced (strict), no
    /// runtime spec.
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            unknown_params: UnknownParams::default(),
            enforce: Confidence::L,
            runtime_spec: None,
        }
    }
}

impl Options {
    /// The default options.
    pub fn new() -> Self {
        Options::default()
    }
    /// With these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// With this policy for unknown parameters.
    pub fn unknown_params(mut self, policy: UnknownParams) -> Self {
        self.unknown_params = policy;
        self
    }
    /// With this enforcement threshold ([`Options::enforce`]): problems of a lower
    /// confidence are warnings.
    pub fn enforce(mut self, threshold: Confidence) -> Self {
        self.enforce = threshold;
        self
    }
    /// With the parameters of a Stripe OpenAPI document newer than the bundled spec
    /// ([`runtime_spec`]): a parameter it has and the bundled spec does not is checked as
    /// the document states it (type, `maxLength`, enum) and accepted, and
    /// [`Accepted::runtime_params`] names it; without one it would be unknown. What
    /// `token-validate serve --openapi FILE` and `check --openapi FILE` do.
    pub fn runtime_spec(mut self, spec: Arc<RuntimeSpec>) -> Self {
        self.runtime_spec = Some(spec);
        self
    }
}

/// The format of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded` in Stripe's bracket notation.
    Form,
    /// `application/json`, with the same parameters.
    Json,
}

/// What a `POST /v1/tokens` request carries: its body, in a format, and its URL query
/// string, whose parameters Stripe reads together with the body's.
///
/// ```
/// use token_validate::{Context, Date, Input, Options, check_request};
///
/// // A fixed date for the expiry check, so that the answer never changes.
/// let ctx = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")?
///     .with_today(Date::new(2026, 12, 1).unwrap());
/// // ActiveMerchant and Odoo post the card in the URL, with an empty body.
/// let query = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
/// let accepted = check_request(Input::form(b"").with_query(query), &ctx, &Options::new())?;
/// assert_eq!(accepted.value.as_str(), "card");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Query and body are one set of parameters. A parameter sent in both keeps the body's
/// value and the query's is ignored (Rack's `GET.merge(POST)`, which Stripe's API is built
/// on; stripe-mock, Stripe's own test double, merges them the same way), and a query
/// parameter that conflicts with one of the body's (`card=tok_…` in the query, `card[…]`
/// in the body) is ignored too. Within the query, the rules of a form body apply
/// (a key sent twice is an error). Lists merge: `expand[]=…` in the query adds to the
/// body's `expand`.
///
/// Its `Debug` shows the lengths of the body and the query and the format, never their
/// bytes (they carry card numbers): `Input { body: 43 bytes, format: Form, query: 0 bytes }`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Input<'a> {
    /// The body.
    pub body: &'a [u8],
    /// The body's format.
    pub format: BodyFormat,
    /// The URL query string, without its `?` (`card[number]=4242…&…`); empty when there is
    /// none.
    pub query: &'a [u8],
}

impl fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Input {{ body: {} bytes, format: {:?}, query: {} bytes }}",
            self.body.len(),
            self.format,
            self.query.len()
        )
    }
}

impl<'a> Input<'a> {
    /// A form body, without a query string.
    pub fn form(body: &'a [u8]) -> Self {
        Input {
            body,
            format: BodyFormat::Form,
            query: b"",
        }
    }
    /// A JSON body, without a query string.
    pub fn json(body: &'a [u8]) -> Self {
        Input {
            body,
            format: BodyFormat::Json,
            query: b"",
        }
    }
    /// With this URL query string (without its `?`).
    pub fn with_query(mut self, query: &'a [u8]) -> Self {
        self.query = query;
        self
    }
}

/// An accepted request: the verdict ([`Kind`] from [`check_request`], the typed
/// [`Request`] from [`validate_request`]) and the problems found below the enforcement
/// threshold ([`Options::enforce`]), which did not reject it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Accepted<T> {
    /// The token kind, or the typed request.
    pub value: T,
    /// Problems below the enforcement threshold (none under the default, strict threshold),
    /// and notes that never reject (one of today's parameters that came with a breaking API
    /// version, sent by a request of an older version).
    pub warnings: Warnings,
    /// The parameters the request sent that were checked from the runtime spec
    /// ([`Options::runtime_spec`]) rather than the bundled one (top-most paths), in the
    /// order first sent. The typed request does not hold them.
    pub runtime_params: Vec<String>,
}

/// Reads a request into the validators and judges it: the request's state, its kind and
/// the warnings, or every error in Stripe's order.
fn run<'de, T>(
    input: Input<'de>,
    ctx: &Context,
    opts: &Options,
    then: impl FnOnce(&mut RequestState<'de>, Kind, Warnings) -> Result<Accepted<T>, Errors>,
) -> Result<Accepted<T>, Errors> {
    let mut run = Run::new(ctx, &opts.limits, opts.unknown_params, opts.enforce)
        .with_runtime(opts.runtime_spec.as_deref());
    let mut root = RequestState::default();
    let query = !input.query.is_empty();
    match (input.format, query) {
        (BodyFormat::Form, false) => form::scan(input.body, &mut run, &mut root),
        (BodyFormat::Json, false) => json::scan(input.body, &mut run, &mut root),
        // A query over the limit is refused unread, as a body over it is.
        (_, true) if !form::query_fits(input.query, &mut run) => {}
        (format, true) => {
            match format {
                BodyFormat::Form => form::scan_body(input.body, &mut run, &mut root),
                BodyFormat::Json => json::scan(input.body, &mut run, &mut root),
            }
            if !run.stopped() {
                form::scan_query(input.query, &mut run, &mut root);
            }
            if !run.aborted() {
                let body = (format == BodyFormat::Form).then_some(input.body);
                form::structure(&mut run, &root, body, input.query);
            }
        }
    }
    if !run.aborted() {
        root.finish(&mut run);
    }
    let runtime_params = run.take_runtime_used();
    let warnings = run.into_result()?;
    let kind = root.kind().ok_or_else(no_kind)?;
    then(&mut root, kind, warnings).map(|mut a| {
        a.runtime_params = runtime_params;
        a
    })
}

/// Checks a request to `POST /v1/tokens`: its body (form or JSON) and its URL query
/// string, with options. Returns the token kind and the warnings (problems below the
/// enforcement threshold, [`Options::enforce`]), or every error in Stripe's order.
/// Allocates nothing on a valid form or JSON body that needs no decoding and has no
/// warning.
pub fn check_request(
    input: Input<'_>,
    ctx: &Context,
    opts: &Options,
) -> Result<Accepted<Kind>, Errors> {
    run(input, ctx, opts, |_, kind, warnings| {
        Ok(Accepted {
            value: kind,
            warnings,
            runtime_params: Vec::new(),
        })
    })
}

/// Validates a request to `POST /v1/tokens` (body and URL query, as [`check_request`])
/// and returns the typed request, built in the same pass, with the warnings.
///
/// A warning whose value the typed request cannot hold (an enum value the spec does not
/// list, a number that is not one, the parameters of a second token kind) is returned as
/// an error here: [`check_request`], and a proxy that forwards the body as it is, accept
/// it.
pub fn validate_request(
    input: Input<'_>,
    ctx: &Context,
    opts: &Options,
) -> Result<Accepted<Request>, Errors> {
    run(input, ctx, opts, |root, kind, warnings| {
        let warnings = one_kind_for_typed(warnings)?;
        match typed(root, kind) {
            Ok(value) => Ok(Accepted {
                value,
                warnings,
                runtime_params: Vec::new(),
            }),
            Err(e) => Err(warnings.into_errors().unwrap_or(e)),
        }
    })
}

/// A typed request holds one token kind: a body that sends parameters of more than one
/// (the spec's one-token-kind rule, a warning below the threshold) cannot be one without
/// dropping the others, so the typed paths refuse it with its warnings as errors.
fn one_kind_for_typed(warnings: Warnings) -> Result<Warnings, Errors> {
    let several = token_spec::bundled()
        .rules
        .iter()
        .filter(|r| matches!(r.check, token_spec::Check::OneTokenKind))
        .any(|r| warnings.iter().any(|w| w.definition() == r.id));
    match several {
        true => warnings.into_errors().map_or(Ok(Warnings::none()), Err),
        false => Ok(warnings),
    }
}

/// A valid body always has a kind (the spec's `token_kind_required` rule); this is the
/// answer should a spec lack that rule.
fn no_kind() -> Errors {
    Errors::invalid_body(
        "Invalid request body: it creates no token kind (card, bank_account, cvc_update, pii, person or account).".to_string(),
    )
}

/// The typed request of a valid body.
fn typed(root: &mut RequestState<'_>, kind: Kind) -> Result<Request, Errors> {
    root.into_request(kind).map_err(|_| {
        Errors::invalid_body(
            "Invalid request body: the request does not fit its token type.".to_string(),
        )
    })
}

/// Checks a form-encoded body (`application/x-www-form-urlencoded`, Stripe's bracket
/// notation) and returns its token kind, or every error in Stripe's order.
///
/// # Allocations
///
/// None on a valid body whose values need no decoding (no `+`, no `%XX`) and whose lists
/// have at most 4 items and maps at most 4 entries (a key with `+` or `%XX` is decoded into a
/// stack buffer). Beyond that, exactly: one allocation per value with `+` or `%XX` (its
/// decoded text, kept in its parameter's slot) and per map key with them (it is kept); a
/// list past 4 items or a map past 4 entries
/// moves to the heap (one allocation at the 5th, one more at the 9th, the 17th, … as it
/// doubles), and a map past 16 entries also keeps a set of its keys (one allocation per key
/// and one for the set). An invalid body allocates its errors. `tests/alloc.rs` counts each
/// case.
pub fn check_form(body: &[u8], ctx: &Context) -> Result<Kind, Errors> {
    check_form_with(body, ctx, &Options::default())
}

/// [`check_form`] with options.
///
/// Under an enforcement threshold ([`Options::enforce`]) a body with only warnings is
/// accepted; [`check_request`] returns the warnings too.
pub fn check_form_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Kind, Errors> {
    check_request(Input::form(body), ctx, opts).map(|a| a.value)
}

/// Checks a JSON body (the same parameters; numbers and booleans may be JSON values or
/// strings) and returns its token kind, or every error in Stripe's order.
///
/// # Allocations
///
/// None on a valid body whose values have no `\` escape and whose lists have at most 4
/// items and maps at most 4 entries (a parameter's key with an escape is decoded into a
/// stack buffer). Beyond that, exactly: one allocation per value with an escape (its decoded
/// text) and per map key with an escape (it is kept); and for long lists and maps as
/// [`check_form`] says. An invalid body allocates
/// its errors. `tests/alloc.rs` counts each case.
pub fn check_json(body: &[u8], ctx: &Context) -> Result<Kind, Errors> {
    check_json_with(body, ctx, &Options::default())
}

/// [`check_json`] with options.
///
/// Under an enforcement threshold ([`Options::enforce`]) a body with only warnings is
/// accepted; [`check_request`] returns the warnings too.
pub fn check_json_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Kind, Errors> {
    check_request(Input::json(body), ctx, opts).map(|a| a.value)
}

/// Validates a form-encoded body (`application/x-www-form-urlencoded`, Stripe's bracket
/// notation) and returns the typed request, built in the same pass, or every error in
/// Stripe's order.
pub fn validate_form(body: &[u8], ctx: &Context) -> Result<Request, Errors> {
    validate_form_with(body, ctx, &Options::default())
}

/// [`validate_form`] with options.
///
/// Under an enforcement threshold ([`Options::enforce`]) a body with only warnings is
/// accepted; [`validate_request`] returns the warnings too.
pub fn validate_form_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Request, Errors> {
    validate_request(Input::form(body), ctx, opts).map(|a| a.value)
}

/// Validates a JSON body (the same parameters; numbers and booleans may be JSON values or
/// strings) and returns the typed request, built in the same pass, or every error in
/// Stripe's order.
pub fn validate_json(body: &[u8], ctx: &Context) -> Result<Request, Errors> {
    validate_json_with(body, ctx, &Options::default())
}

/// [`validate_json`] with options.
///
/// Under an enforcement threshold ([`Options::enforce`]) a body with only warnings is
/// accepted; [`validate_request`] returns the warnings too.
pub fn validate_json_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Request, Errors> {
    validate_request(Input::json(body), ctx, opts).map(|a| a.value)
}

/// Validates a form-encoded body with the whole spec, as [`validate_form`] does, then builds
/// your own request type from it: a struct that derives `TokenRequest` (parameters it does
/// not map are left out), or [`Request`]. A body of another token kind than `T`'s, or a
/// value that `T`'s field type cannot hold (a `u8` for a year), is an error on the
/// parameter (see [`FromParams`]).
///
/// ```
/// use token_validate::{Context, Date, TokenRequest, validate_form_as};
///
/// #[derive(TokenRequest)]
/// #[token(kind = "card")]
/// struct CheckoutCard {
///     number: String,
///     exp_month: u8,
///     exp_year: u16,
///     cvc: Option<String>,
/// }
///
/// // A fixed date for the expiry checks, so that this example's verdict does not change
/// // with the calendar (without `with_today`, the context uses today's date).
/// let ctx = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")?
///     .with_today(Date::new(2026, 12, 1).unwrap());
/// let body = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123";
/// let card: CheckoutCard = validate_form_as(body, &ctx)?;
/// assert_eq!(card.exp_month, 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_form_as<T: FromParams>(body: &[u8], ctx: &Context) -> Result<T, Errors> {
    validate_form_as_with(body, ctx, &Options::default())
}

/// [`validate_form_as`] with options.
pub fn validate_form_as_with<T: FromParams>(
    body: &[u8],
    ctx: &Context,
    opts: &Options,
) -> Result<T, Errors> {
    validate_as(Input::form(body), ctx, opts)
}

/// [`validate_form_as`] for a JSON body.
pub fn validate_json_as<T: FromParams>(body: &[u8], ctx: &Context) -> Result<T, Errors> {
    validate_json_as_with(body, ctx, &Options::default())
}

/// [`validate_json_as`] with options.
pub fn validate_json_as_with<T: FromParams>(
    body: &[u8],
    ctx: &Context,
    opts: &Options,
) -> Result<T, Errors> {
    validate_as(Input::json(body), ctx, opts)
}

/// Validates a request (body and URL query, as [`validate_request`]) with the whole spec,
/// then builds your own request type from it, as [`validate_form_as`] does.
pub fn validate_request_as<T: FromParams>(
    input: Input<'_>,
    ctx: &Context,
    opts: &Options,
) -> Result<Accepted<T>, Errors> {
    let mut accepted = check_request(input, ctx, opts)?;
    accepted.warnings = one_kind_for_typed(accepted.warnings)?;
    let value = build_as(input, &opts.limits, accepted.value)
        .map_err(|e| accepted.warnings.clone().into_errors().unwrap_or(e))?;
    Ok(Accepted {
        value,
        warnings: accepted.warnings,
        runtime_params: accepted.runtime_params,
    })
}

/// The whole spec first, then `T` from the body's parameter tree.
fn validate_as<T: FromParams>(
    input: Input<'_>,
    ctx: &Context,
    opts: &Options,
) -> Result<T, Errors> {
    validate_request_as(input, ctx, opts).map(|a| a.value)
}

/// `T` from a request that validated as `kind`: the body's parameter tree, with the URL
/// query's parameters that the body does not send.
pub(crate) fn build_as<T: FromParams>(
    input: Input<'_>,
    limits: &Limits,
    kind: Kind,
) -> Result<T, Errors> {
    let tree = match input.format {
        BodyFormat::Json => tree::parse_json(input.body, limits),
        BodyFormat::Form => tree::parse_form(input.body, limits),
    }
    .map_err(|e| Errors::invalid_body(e.message()))?;
    if input.query.is_empty() {
        return T::from_params(&tree, kind);
    }
    let query =
        tree::parse_form(input.query, limits).map_err(|e| Errors::invalid_body(e.message()))?;
    T::from_params(&tree::merge_under(query, tree), kind)
}

/// Validates a parameter tree and returns its token kind's name.
pub fn validate_tree(body: &Object, ctx: &Context) -> Result<&'static str, Errors> {
    validate_params(ctx, |out| body.to_params(out)).map(|k| k.as_str())
}

/// Feeds the pairs a value writes into the validators.
struct Feeder<'r, 'a, 'de> {
    run: &'r mut Run<'a>,
    root: &'r mut RequestState<'de>,
}

impl<'de> ParamSink<'de> for Feeder<'_, '_, 'de> {
    fn pair(&mut self, path: &[Cow<'de, str>], value: Cow<'de, str>) {
        if self.run.aborted() || path.is_empty() {
            return;
        }
        if !self.run.count_param(0, || path.join("/")) {
            return;
        }
        let segs: smallvec::SmallVec<[Seg<'_, 'de>; 8]> = path
            .iter()
            .map(|s| Seg {
                text: s,
                body: match s {
                    Cow::Borrowed(b) => Some(*b),
                    Cow::Owned(_) => None,
                },
                at: 0,
                raw: (0, 0),
            })
            .collect();
        self.root.dispatch(self.run, &segs, value);
    }
}

/// Validates the parameters `write` writes (a typed request, a tree) and returns the kind.
fn validate_params<'de>(
    ctx: &Context,
    write: impl FnOnce(&mut dyn ParamSink<'de>),
) -> Result<Kind, Errors> {
    let limits = Limits {
        max_params: usize::MAX,
        max_array_len: usize::MAX,
        ..Limits::default()
    };
    let mut run = Run::new(ctx, &limits, UnknownParams::Reject, Confidence::L);
    let mut root = RequestState::default();
    write(&mut Feeder {
        run: &mut run,
        root: &mut root,
    });
    if !run.aborted() {
        root.finish(&mut run);
    }
    run.into_result()?;
    root.kind().ok_or_else(no_kind)
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_debug_shows_lengths_and_format_only() {
        let input = Input::form(b"card[number]=4242424242424242").with_query(b"a=1");
        assert_eq!(
            format!("{input:?}"),
            "Input { body: 29 bytes, format: Form, query: 3 bytes }"
        );
    }

    #[test]
    fn unknown_params_can_be_ignored_and_known_ones_are_still_checked() {
        // A fixed date: the card bodies below expire in 2034.
        let ctx = Context::test_secret().with_today(Date::new(2026, 12, 1).unwrap());
        let ignore = Options::new().unknown_params(UnknownParams::Ignore);
        let body = b"account[business_type]=company&account[company][name]=Acme&account[company][future_address][line1]=1+Main&brand_new=1";
        let e = validate_form(body, &ctx).unwrap_err();
        assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
        let r = validate_form_with(body, &ctx, &ignore).unwrap();
        assert_eq!(r.kind(), "account");
        // The typed request holds only what the spec knows.
        let form = r.to_form();
        assert!(form.contains("account[company][name]=Acme"), "{form}");
        assert!(
            !form.contains("future_address") && !form.contains("brand_new"),
            "{form}"
        );
        // Metadata keys are a map's: all kept.
        let r = validate_json_with(
            br#"{"person": {"first_name": "J", "metadata": {"any_key": "v"}, "new": {"x": 1}}}"#,
            &ctx,
            &ignore,
        )
        .unwrap();
        assert!(r.to_form().contains("person[metadata][any_key]=v"));
        // Known parameters are still checked.
        let e = validate_form_with(
            b"card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034&card[new]=1",
            &ctx,
            &ignore,
        )
        .unwrap_err();
        assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
        assert_eq!(e.len(), 1);
        // Nothing known at all: still no token kind.
        let e = validate_form_with(b"brand_new=1", &ctx, &ignore).unwrap_err();
        assert_eq!(e.first().code.as_deref(), Some("parameter_missing"));
    }
}
