//! A tower [`Layer`](::tower::Layer) that validates `POST /v1/tokens` in front of any `http` 1.x service
//! (feature `tower`).
//!
//! For a `POST` to the configured path (default `/v1/tokens`) the [`PreflightService`] service:
//!
//! 1. reads the API key from `Authorization: Bearer <key>` (or HTTP Basic auth with the key
//!    as the user name, as Stripe accepts), or, without that header, from the body's (or
//!    the query's) `key` parameter, where Stripe.js sends its publishable key; builds the
//!    [`Context`](crate::Context) with [`Context::from_key`](crate::Context::from_key) (the key's type and mode decide rules), plus
//!    the API version from `Stripe-Version` and the Connect account from `Stripe-Account`
//!    (one that is not an `acct_…` id is a warning, `invalid_account`, never a refusal);
//!    a malformed key is answered with 401, whose message says what is wrong with the key
//!    as [`Context::from_key`](crate::Context::from_key) does (never quoting it), and so is a request with no key
//!    anywhere;
//! 2. picks the body format from `Content-Type`: form (`application/x-www-form-urlencoded`,
//!    also when there is no `Content-Type`) or JSON (`application/json`); anything else is
//!    answered with 415;
//! 3. reads the body, at most the body limit (default 64 KiB, 413 beyond it) and within the
//!    read timeout (default 10 s, 408 after it);
//! 4. validates it with [`validate_form_with`](crate::validate_form_with) or
//!    [`validate_json_with`](crate::validate_json_with) and answers Stripe's error (400 or
//!    402, `{"error": {...}}`), or passes the request on to the inner service with its body
//!    exactly as received and the typed [`Request`](crate::Request) (and the [`Context`](crate::Context)) in the request
//!    extensions.
//!
//! The layer's own answers are the spec's (`rules.json` `http`, [`Rejection::answer`]).
//! The 401s and the 415 rest on evidence and carry a confidence, so the enforcement
//! threshold ([`PreflightLayerBuilder::enforce`]) grades them like the body's errors: on
//! the verdict path ([`PreflightLayerBuilder::typed_request`]`(false)`, what `serve`'s
//! proxy uses) one below the threshold lets the request through unvalidated, with its name
//! in [`WARNINGS_HEADER`] (`missing_api_key`, `invalid_api_key`,
//! `unsupported_media_type`). The protocol-level answers (413, 408, a body that cannot be
//! read) are off that scale (`"confidence": "protocol"`): given whatever the threshold.
//!
//! Other paths and methods go to the inner service untouched: their body is not read.
//!
//! # API versions
//!
//! The request's `Stripe-Version` goes into the [`Context`](crate::Context): a version before one of the
//! spec's version gates is validated as before it (see [`api_version`](crate::api_version)).
//! It is also compared with the newest version the layer knows (the bundled spec's, or a
//! newer runtime spec's, [`PreflightLayerBuilder::runtime_spec`]). A request for a newer
//! version is handled by the
//! [`UnknownVersion`] policy set with
//! [`PreflightLayerBuilder::unknown_version`]: `Strict` (the default: validated as the
//! bundled version, as before versions were read), `Lenient` (unknown parameters let
//! through, everything else checked) or `Pass` (not validated: passed on untouched, with
//! no [`Request`](crate::Request) in the extensions). The [`Applied`] policy is put in the request
//! extensions.
//!
//! # Stripe's response headers
//!
//! With [`PreflightLayerBuilder::stripe_headers`], the layer's own answers carry the
//! headers Stripe's do (a unique `Request-Id: req_…`, `Stripe-Should-Retry: false`, the
//! request's `Idempotency-Key` and `Stripe-Version` echoed, `Cache-Control: no-cache,
//! no-store`), and every answer to a validated path (its own and the inner service's)
//! says which version policy applied (`Token-Preflight-Version-Policy`) and the spec's
//! version (`Token-Preflight-Spec-Version`). Off by default.
//!
//! ```
//! use std::time::Duration;
//! use token_validate::tower::PreflightLayer;
//!
//! let layer = PreflightLayer::builder()
//!     .path("/v1/tokens")
//!     .body_limit(16 * 1024)
//!     .read_timeout(Duration::from_secs(5))
//!     .build();
//! # let _ = layer;
//! ```
//!
//! # Wording
//!
//! The missing-key 401 is Stripe's text as recorded on a sibling endpoint
//! (`stripe-errors-observed.md` row 37, confidence M); Stripe quotes a masked key in the
//! invalid-key message (row 38), this layer quotes none (a malformed key's 401 says what is
//! wrong with it, as [`KeyError`](crate::KeyError) does).
//! The 408, 413 and 415 messages are this crate's wording in Stripe's style. Each lives in
//! the spec's `rules.json` (`http`) with its source and confidence, as every error
//! definition does (`token-validate errors` lists them).
//!
//! The timeout uses `tokio::time`: the service must run inside a Tokio runtime with the
//! time driver enabled (as axum and hyper servers do).

mod answer;
mod config;
mod layer;
mod path;
mod request;

pub use answer::*;
pub use config::*;
pub use layer::*;
// What `serve` (and the tests) take from the path's reading; the layer uses it directly.
#[cfg(any(test, feature = "serve"))]
pub(crate) use path::*;
// What the axum extractor (and the tests) take from the reading of a request.
#[cfg(any(test, feature = "axum"))]
pub(crate) use request::*;

#[cfg(test)]
mod tests;
