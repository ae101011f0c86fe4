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

mod api;
pub mod api_version;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod context;
// The validation engine: one run, its slots and the drivers that feed it (JSON, form,
// typed values). `typed` and `json` are public for the generated code and the fuzz
// targets: not a stable API.
#[doc(hidden)]
pub mod engine;
mod error;
pub mod http_answer;
// Request and object ids for the tower layer and `serve`: not a stable API.
#[cfg(feature = "tower")]
#[doc(hidden)]
pub mod ids;
mod options;
pub mod param;
mod parse_error;
pub mod quote;
mod request;
#[doc(hidden)]
pub mod rules;
pub mod runtime_spec;
// The body scanners of our own (JSON and form), for the generated validators and the fuzz
// targets: not a stable API.
#[doc(hidden)]
pub mod scan;
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub mod serve;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
pub mod tree;

pub use api::{
    Accepted, BodyFormat, Input, check_form, check_form_with, check_json, check_json_with,
    check_request, validate_form, validate_form_as, validate_form_as_with, validate_form_with,
    validate_json, validate_json_as, validate_json_as_with, validate_json_with, validate_request,
    validate_request_as, validate_tree,
};
pub use context::{Context, Date, KeyError, KeyType, MAX_API_KEY_LEN, Mode};
pub use request::decimal::{self, Decimal, DecimalError};
// The JSON driver and the typed-request builders at their old paths (the fuzz targets);
// `build` is `engine::typed`'s name before 0.2.1, kept for one release.
#[doc(hidden)]
pub use engine::{json, typed as build};
pub use error::{Error, Errors, Warnings};
pub use request::from_param::{FromParam, FromParams, Loc};
// What the generated types' serde impls call: not a stable API.
pub use options::{
    HARD_MAX_ARRAY_LEN, HARD_MAX_BODY_BYTES, HARD_MAX_DEPTH, HARD_MAX_PARAMS, Limits, Options,
    UnknownParams,
};
pub use param::{FormEncoder, MaybeUnset, ParamPath, ParamSink, ToParam};
pub use parse_error::{ParseError, ParseErrorKind};
#[doc(hidden)]
pub use request::lenient;
pub use request::*;
pub use rules::checks;
pub use runtime_spec::RuntimeSpec;
pub use token_derive::TokenRequest;
pub use token_spec;
pub use token_spec::model::Confidence;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_2;
