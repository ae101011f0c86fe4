//! Pre-flight validation of Stripe `POST /v1/tokens` requests: reject a bad request
//! locally, before any network transport, with the error Stripe would have returned.
//!
//! Everything is driven by the bundled spec (`token-spec`, Stripe API version
//! `2026-07-29.dahlia`): the parameter tree, the limits and enums, and the semantic and
//! context rules.
//!
//! ```
//! use token_validate::{Context, Date, Request, validate_form};
//!
//! let ctx = Context::from_key("sk_test_abc123")
//!     .unwrap()
//!     .with_today(Date::new(2026, 11, 29).unwrap());
//! let body = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123";
//! let Request::Card(card) = validate_form(body, &ctx).unwrap() else { panic!() };
//! assert!(card.card.is_some());
//!
//! let errors = validate_form(b"card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034", &ctx)
//!     .unwrap_err();
//! assert_eq!(errors.first().code.as_deref(), Some("incorrect_number"));
//! assert_eq!(errors.first().status(), 402);
//! ```
//!
//! # Your own request types
//!
//! `#[derive(TokenRequest)]` checks a struct against the spec at compile time and
//! generates its validation and form encoding:
//!
//! ```
//! use token_validate::{Context, TokenRequest};
//!
//! #[derive(TokenRequest)]
//! #[token(kind = "card")]
//! struct CheckoutCard {
//!     number: String,
//!     exp_month: u8,
//!     exp_year: u16,
//!     cvc: Option<String>,
//!     #[token(param = "address_zip")]
//!     postal_code: Option<String>,
//!     #[token(skip)]
//!     cart_id: u64,
//! }
//!
//! let card = CheckoutCard {
//!     number: "4242424242424242".into(),
//!     exp_month: 12,
//!     exp_year: 2034,
//!     cvc: Some("123".into()),
//!     postal_code: Some("94107".into()),
//!     cart_id: 7,
//! };
//! card.validate(&Context::test_secret()).unwrap();
//! assert_eq!(
//!     card.to_form(),
//!     "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[address_zip]=94107"
//! );
//! ```
//!
//! # Wording
//!
//! Codes and messages follow Stripe's own where they are known; every error definition in
//! the spec records its source and a confidence (H observed, M seen on a sibling endpoint,
//! L our wording in Stripe's style). `token-validate` prints them with
//! `token-validate schema` and the spec's `rules.json` lists them.

#![warn(missing_docs)]

extern crate self as token_validate;

#[cfg(feature = "axum")]
pub mod axum;
pub mod checks;
mod context;
pub mod decimal;
mod empty;
mod engine;
mod error;
mod json_number;
pub mod param;
pub mod quote;
mod request;
mod secret;
#[cfg(feature = "tower")]
pub mod tower;
pub mod tree;

pub use context::{Context, Date, KeyError, KeyType, Mode};
pub use decimal::{Decimal, DecimalError};
pub use error::{Error, Errors};
pub use param::{MaybeUnset, ToParam};
pub use request::*;
pub use token_derive::TokenRequest;
pub use token_spec;

use tree::{Limits, Object};

/// A request type checked against the spec: derive it with `#[derive(TokenRequest)]`.
pub trait TokenRequest {
    /// The token kind (`card`, `bank_account`, `cvc_update`, `pii`, `person`, `account`).
    const KIND: &'static str;

    /// The request body as a parameter tree.
    fn to_body(&self) -> Object;

    /// Runs every rule of the spec that applies, in Stripe's order.
    fn validate(&self, ctx: &Context) -> Result<(), Errors> {
        validate_tree(&self.to_body(), ctx).map(|_| ())
    }

    /// Stripe's form encoding: `card[number]=...&card[exp_month]=...`.
    fn to_form(&self) -> String {
        tree::encode_form(&self.to_body())
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

/// Validates a parameter tree and returns its token kind.
///
/// An empty object or array that the form encoding could not send stands for nothing sent
/// (`{"person": {}}` is an empty body), unless it has required parameters
/// (`{"cvc_update": {}}` misses `cvc_update[cvc]`).
pub fn validate_tree(body: &Object, ctx: &Context) -> Result<&'static str, Errors> {
    let spec = token_spec::bundled();
    if empty::has_empty(spec, body) {
        let mut body = body.clone();
        empty::drop_empty(spec, &mut body);
        return engine::validate(spec, &body, ctx).map(|v| v.kind.name.as_str());
    }
    engine::validate(spec, body, ctx).map(|v| v.kind.name.as_str())
}

/// Validates a parsed body and reads it into its typed request. Only JSON can hold empty
/// objects and arrays (a form body cannot send one), so only JSON needs them dropped.
fn validate_body(mut tree: Object, ctx: &Context, json: bool) -> Result<Request, Errors> {
    let spec = token_spec::bundled();
    if json {
        empty::drop_empty(spec, &mut tree);
    }
    let kind = engine::validate(spec, &tree, ctx)?.kind.name.as_str();
    Request::from_tree(kind, tree)
}

/// Options for [`validate_form_with`] and [`validate_json_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Parsing limits (body size, depth, number of parameters, array length).
    pub limits: Limits,
}

fn body_error(e: &tree::ParseError) -> Errors {
    Errors::invalid_body(e.message())
}

/// Validates a form-encoded body (`application/x-www-form-urlencoded`, Stripe's bracket
/// notation) and returns the typed request, or every error in Stripe's order.
pub fn validate_form(body: &[u8], ctx: &Context) -> Result<Request, Errors> {
    validate_form_with(body, ctx, &Options::default())
}

/// [`validate_form`] with options.
pub fn validate_form_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Request, Errors> {
    let tree = tree::parse_form(body, &opts.limits).map_err(|e| body_error(&e))?;
    validate_body(tree, ctx, false)
}

/// Validates a JSON body (the same parameters; numbers and booleans may be JSON values or
/// strings) and returns the typed request, or every error in Stripe's order.
pub fn validate_json(body: &[u8], ctx: &Context) -> Result<Request, Errors> {
    validate_json_with(body, ctx, &Options::default())
}

/// [`validate_json`] with options.
pub fn validate_json_with(body: &[u8], ctx: &Context, opts: &Options) -> Result<Request, Errors> {
    let tree = tree::parse_json(body, &opts.limits).map_err(|e| body_error(&e))?;
    validate_body(tree, ctx, true)
}

#[doc(hidden)]
pub mod __private {
    pub use crate::param::put;
    pub use crate::secret::deserialize as deserialize_secret;
    pub use crate::tree::{Object, Value};
    pub use schemars;
    pub use serde;

    /// Stands for a secret value in `Debug` output.
    pub struct Redacted;

    impl core::fmt::Debug for Redacted {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("<redacted>")
        }
    }

    /// Compile-time string equality, for the derive's checks of nested object paths.
    pub const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}
