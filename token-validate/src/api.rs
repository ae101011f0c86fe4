//! The entry points: a body ([`check_form`], [`check_json`], [`validate_form`],
//! [`validate_json`], their `_with` and `_as` variants), a whole request with its URL query
//! ([`Input`], [`check_request`], [`validate_request`], [`validate_request_as`]) and a
//! parameter tree ([`validate_tree`]). Each runs the generated validators over the input
//! and returns Stripe's errors or the verdict.

use std::fmt;

use crate::context::Context;
use crate::engine::run::{Run, State};
use crate::engine::{form, json};
use crate::error::{Errors, Warnings};
use crate::options::{Limits, Options};
use crate::request::from_param::FromParams;
use crate::request::state::RequestState;
use crate::request::{Kind, Request, no_kind, validate_params};
use crate::tree::{self, Object};

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

/// Reads a request into the validators and judges it: the request's state, its kind, the
/// warnings and the runtime spec's parameters it sent go to `then`; or every error in
/// Stripe's order.
///
/// `then` makes the answer from them in place: a typed request is a few KiB, and each move
/// of one through a `map` is a copy of it.
fn run<'de, R>(
    input: Input<'de>,
    ctx: &Context,
    opts: &Options,
    then: impl FnOnce(&mut RequestState<'de>, Kind, Warnings, Vec<String>) -> Result<R, Errors>,
) -> Result<R, Errors> {
    let mut run = Run::new(
        ctx,
        &opts.limits,
        opts.unknown_params,
        opts.enforce,
        opts.runtime_spec.as_deref(),
    );
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
    then(&mut root, kind, warnings, runtime_params)
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
    run(input, ctx, opts, |_, kind, warnings, runtime_params| {
        Ok(Accepted {
            value: kind,
            warnings,
            runtime_params,
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
    run(input, ctx, opts, |root, kind, warnings, runtime_params| {
        let warnings = one_kind_for_typed(warnings)?;
        Ok(Accepted {
            value: typed(root, kind, &warnings)?,
            warnings,
            runtime_params,
        })
    })
}

/// [`validate_request`]'s typed request alone, built in place (its warnings dropped).
fn validate(input: Input<'_>, ctx: &Context, opts: &Options) -> Result<Request, Errors> {
    run(input, ctx, opts, |root, kind, warnings, _| {
        let warnings = one_kind_for_typed(warnings)?;
        typed(root, kind, &warnings)
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

/// The typed request of a valid body, or the warnings as errors (`does_not_fit` when there
/// are none).
fn typed(root: &mut RequestState<'_>, kind: Kind, warnings: &Warnings) -> Result<Request, Errors> {
    root.into_request(kind, |_| {
        warnings.clone().into_errors().unwrap_or_else(does_not_fit)
    })
}

/// A valid body whose typed request cannot hold it.
#[cold]
fn does_not_fit() -> Errors {
    Errors::invalid_body(
        "Invalid request body: the request does not fit its token type.".to_string(),
    )
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
    validate(Input::form(body), ctx, opts)
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
    validate(Input::json(body), ctx, opts)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Date, UnknownParams};

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
