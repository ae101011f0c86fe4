//! A tower [`Layer`] that validates `POST /v1/tokens` in front of any `http` 1.x service
//! (feature `tower`).
//!
//! For a `POST` to the configured path (default `/v1/tokens`) the [`PreflightService`] service:
//!
//! 1. reads the API key from `Authorization: Bearer <key>` (or HTTP Basic auth with the key
//!    as the user name, as Stripe accepts), or, without that header, from the body's (or
//!    the query's) `key` parameter, where Stripe.js sends its publishable key; builds the
//!    [`Context`] with [`Context::from_key`] (the key's type and mode decide rules), plus
//!    the API version from `Stripe-Version` and the Connect account from `Stripe-Account`
//!    (one that is not an `acct_…` id is a warning, `invalid_account`, never a refusal);
//!    a malformed key is answered with 401, whose message says what is wrong with the key
//!    as [`Context::from_key`] does (never quoting it), and so is a request with no key
//!    anywhere;
//! 2. picks the body format from `Content-Type`: form (`application/x-www-form-urlencoded`,
//!    also when there is no `Content-Type`) or JSON (`application/json`); anything else is
//!    answered with 415;
//! 3. reads the body, at most the body limit (default 64 KiB, 413 beyond it) and within the
//!    read timeout (default 10 s, 408 after it);
//! 4. validates it with [`validate_form_with`](crate::validate_form_with) or
//!    [`validate_json_with`](crate::validate_json_with) and answers Stripe's error (400 or
//!    402, `{"error": {...}}`), or passes the request on to the inner service with its body
//!    exactly as received and the typed [`Request`] (and the [`Context`]) in the request
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
//! The request's `Stripe-Version` goes into the [`Context`]: a version before one of the
//! spec's version gates is validated as before it (see [`api_version`](crate::api_version)).
//! It is also compared with the newest version the layer knows (the bundled spec's, or a
//! newer runtime spec's, [`PreflightLayerBuilder::runtime_spec`]). A request for a newer
//! version is handled by the
//! [`UnknownVersion`] policy set with
//! [`PreflightLayerBuilder::unknown_version`]: `Strict` (the default: validated as the
//! bundled version, as before versions were read), `Lenient` (unknown parameters let
//! through, everything else checked) or `Pass` (not validated: passed on untouched, with
//! no [`Request`] in the extensions). The [`Applied`] policy is put in the request
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

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use ::tower::{Layer, Service};
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full, Limited};

pub use crate::api_version::{Applied, UnknownVersion};
use crate::http_answer::HttpAnswer;
use crate::token_spec::model::ErrorType;
use crate::{Confidence, Context, Errors, Input, Options, Request, UnknownParams, Warnings};
use crate::{Limits, ParseError, ParseErrorKind};

/// The default path: `/v1/tokens`.
pub const DEFAULT_PATH: &str = "/v1/tokens";

/// The default body limit, 64 KiB: the same as `Limits::default().max_body_bytes`.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The default time allowed to read a request body: 10 seconds.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest `Authorization` header read, in bytes: a longer one is answered with 401 as
/// an invalid key, without being read further.
pub const MAX_AUTHORIZATION_LEN: usize = 1024;

pub use crate::context::MAX_API_KEY_LEN;

/// The longest `Idempotency-Key` or `Stripe-Version` echoed in an answer, in bytes (Stripe
/// allows idempotency keys of up to 255 characters); a longer one is not echoed.
pub const MAX_ECHOED_HEADER_LEN: usize = 255;

/// The response header that says which version policy applied (`bundled`, `older`,
/// `runtime`, `strict`, `lenient` or `pass`), with [`PreflightLayerBuilder::stripe_headers`].
pub const VERSION_POLICY_HEADER: HeaderName =
    HeaderName::from_static("token-preflight-version-policy");

/// The response header with the API version of the bundled spec, with
/// [`PreflightLayerBuilder::stripe_headers`].
pub const SPEC_VERSION_HEADER: HeaderName = HeaderName::from_static("token-preflight-spec-version");

/// Stripe's `Request-Id` response header.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("request-id");

/// The message of the 401 for a request without an API key (`rules.json` `http`
/// `missing_api_key`: commonly seen from Stripe, unverified).
pub const MISSING_KEY_MESSAGE: &str = crate::http_messages::MISSING_API_KEY;

/// The message of the 401 for an `Authorization` header that does not carry a key as Stripe
/// reads it ([`Rejection::InvalidApiKey`]; Stripe's "Invalid API Key provided: " prefix,
/// commonly seen, unverified; Stripe then quotes the key masked, this crate does not quote
/// it at all). A header that carries a malformed key gets what is wrong with that key
/// instead ([`Rejection::MalformedApiKey`], the text of [`KeyError`](crate::KeyError)).
pub const INVALID_KEY_MESSAGE: &str = crate::http_messages::INVALID_API_KEY;

/// The message of the 415 for an unsupported `Content-Type` (`rules.json` `http`
/// `unsupported_media_type`: this crate's wording).
pub const UNSUPPORTED_MEDIA_TYPE_MESSAGE: &str = crate::http_messages::UNSUPPORTED_MEDIA_TYPE;

/// The message of the 408 for a body not received within the read timeout (`rules.json`
/// `http` `body_timeout`: this crate's wording).
pub const TIMEOUT_MESSAGE: &str = crate::http_messages::BODY_TIMEOUT;

/// The message of the 400 for a body that could not be read (the client went away or the
/// transport failed; `rules.json` `http` `body_read`: this crate's wording).
pub const BODY_READ_MESSAGE: &str = crate::http_messages::BODY_READ;

/// The message of the 400 for a `Stripe-Account` header that is not a connected account id
/// (`rules.json` `http` `invalid_account`: this crate's wording).
pub const INVALID_ACCOUNT_MESSAGE: &str = crate::http_messages::INVALID_ACCOUNT;

/// The body format, chosen from `Content-Type`: form (`application/x-www-form-urlencoded`,
/// or no `Content-Type`) or JSON (`application/json`).
pub use crate::BodyFormat;

/// The response header that lists, comma-separated, the codes of the problems found below
/// the enforcement threshold ([`PreflightLayerBuilder::enforce`]) of a request that was let
/// through: each error's Stripe code, or for one Stripe gives no code the name of its
/// definition in the spec (`Token-Preflight-Warnings: invalid_expiry_month,
/// parameter_invalid_enum`).
pub const WARNINGS_HEADER: HeaderName = HeaderName::from_static("token-preflight-warnings");

/// The header on the answer to a request that sent parameters checked from the runtime
/// spec ([`PreflightLayerBuilder::runtime_spec`]) rather than the bundled one: their paths,
/// comma-separated.
pub const RUNTIME_PARAMS_HEADER: HeaderName =
    HeaderName::from_static("token-preflight-runtime-params");

/// What a refused unknown parameter's message says, by default, when the request names a
/// newer API version than the spec's and the policy is [`UnknownVersion::Strict`]
/// (`{version}` is the spec's version): how to relax it.
pub const DEFAULT_UNKNOWN_HINT: &str = "(This pre-flight knows Stripe API version {version}; the request names a newer version, which may have added it: let such parameters through with UnknownVersion::Lenient, or teach it a newer Stripe OpenAPI with a runtime spec.)";

/// Why the layer (or the axum extractor) answered instead of the inner service.
///
/// No variant holds the API key or a value from the body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Rejection {
    /// No API key (401): no `Authorization` header, and none in the body's or the query's
    /// `key` parameter, where Stripe.js sends its publishable key.
    MissingApiKey,
    /// An `Authorization` header that does not carry a key the way Stripe reads it (another
    /// scheme than Bearer or Basic, a header that is not text or over
    /// [`MAX_AUTHORIZATION_LEN`] bytes) (401).
    InvalidApiKey,
    /// An `Authorization` header whose key is not a well-formed Stripe API key (401): the
    /// message says what is wrong with it, as [`Context::from_key`] does, and never quotes
    /// the key.
    #[non_exhaustive]
    MalformedApiKey {
        /// What is wrong with the key.
        reason: crate::KeyError,
        /// The answer's message: `reason`, written out.
        message: String,
    },
    /// A `Stripe-Account` header that is not a connected account id, `acct_` and letters
    /// and digits, the only form Stripe gives them. The layer no longer answers it: it is a
    /// warning (`Token-Preflight-Warnings: invalid_account`) whatever the threshold, and
    /// the request goes on (issue 21); the variant stays for the name and message.
    InvalidAccount,
    /// A `Content-Type` that is neither form nor JSON (415).
    UnsupportedMediaType,
    /// A body, or a URL query string, over the limit (413): the error is the parser's
    /// `BodyTooLarge` or `QueryTooLong`. A limit protects the process and is not a rule
    /// graded by evidence, so the enforcement threshold does not apply to it.
    PayloadTooLarge(Errors),
    /// The body was not received within the read timeout (408).
    Timeout,
    /// The body could not be read: the client went away or the transport failed (400).
    BodyRead,
    /// The body was read and is invalid: Stripe's errors, in Stripe's order (400 or 402).
    Invalid(Errors),
}

impl Rejection {
    /// The HTTP status to answer with, as a number: 400, 401, 402, 408, 413 or 415 (every
    /// `status()` of this crate is a `u16`; [`Rejection::status_code`] is the same as an
    /// [`http::StatusCode`]).
    pub fn status(&self) -> u16 {
        self.status_code().as_u16()
    }

    /// The HTTP status to answer with.
    pub fn status_code(&self) -> StatusCode {
        match (self, self.answer()) {
            (Rejection::Invalid(e), _) => e.status_code(),
            (_, Some(answer)) => answer.status_code(),
            (_, None) => StatusCode::BAD_REQUEST,
        }
    }

    /// The spec's definition of this answer (`rules.json` `http`): its status, type and
    /// confidence; `None` for [`Rejection::Invalid`], whose errors are the body's.
    pub fn answer(&self) -> Option<HttpAnswer> {
        use crate::http_answers as a;
        Some(match self {
            Rejection::MissingApiKey => a::MISSING_API_KEY,
            Rejection::InvalidApiKey | Rejection::MalformedApiKey { .. } => a::INVALID_API_KEY,
            Rejection::InvalidAccount => a::INVALID_ACCOUNT,
            Rejection::UnsupportedMediaType => a::UNSUPPORTED_MEDIA_TYPE,
            Rejection::PayloadTooLarge(_) => a::BODY_TOO_LARGE,
            Rejection::Timeout => a::BODY_TIMEOUT,
            Rejection::BodyRead => a::BODY_READ,
            Rejection::Invalid(_) => return None,
        })
    }

    /// Whether the answer is given under the enforcement threshold `threshold`: a
    /// protocol-level one (a body over the limit, not received in time, not readable)
    /// always, an evidence-graded one when its confidence meets the threshold, and the
    /// body's errors when one of them does.
    pub fn enforced(&self, threshold: Confidence) -> bool {
        match (self, self.answer()) {
            (Rejection::Invalid(e), _) => e.iter().any(|e| e.confidence().meets(threshold)),
            (_, Some(answer)) => answer.enforced(threshold),
            (_, None) => true,
        }
    }

    /// The validation errors, for [`Rejection::Invalid`] and [`Rejection::PayloadTooLarge`].
    pub fn errors(&self) -> Option<&Errors> {
        match self {
            Rejection::Invalid(e) | Rejection::PayloadTooLarge(e) => Some(e),
            _ => None,
        }
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        match self {
            Rejection::MalformedApiKey { message, .. } => message,
            Rejection::Invalid(e) | Rejection::PayloadTooLarge(e) => &e.first().message,
            other => other.answer().map_or("", |a| a.message),
        }
    }

    /// The JSON body Stripe answers with: `{"error": {...}}`.
    pub fn to_stripe_json(&self) -> serde_json::Value {
        match self.errors() {
            Some(e) => e.to_stripe_json(),
            None => serde_json::json!({
                "error": {
                    "type": self.answer().map_or(ErrorType::InvalidRequestError.as_str(), |a| a.error_type),
                    "message": self.message(),
                }
            }),
        }
    }

    /// Whether the connection should be closed after the answer (the body may be left
    /// unread).
    fn closes(&self) -> bool {
        matches!(
            self,
            Rejection::PayloadTooLarge(_) | Rejection::Timeout | Rejection::BodyRead
        )
    }

    /// The whole HTTP response: status, `Content-Type: application/json` and the JSON body.
    pub fn to_response(&self) -> http::Response<Full<Bytes>> {
        let body = serde_json::to_vec(&self.to_stripe_json()).unwrap_or_default();
        let mut res = http::Response::new(Full::new(Bytes::from(body)));
        *res.status_mut() = self.status_code();
        let headers = res.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status_code() == StatusCode::UNAUTHORIZED {
            headers.insert(
                http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"Stripe\""),
            );
        }
        if self.closes() {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        let first = self.errors().map(Errors::first);
        res.extensions_mut().insert(AnsweredError {
            error_type: match (first, self.answer()) {
                (Some(e), _) => e.error_type,
                (None, Some(a)) => a.error_type,
                (None, None) => ErrorType::InvalidRequestError.as_str(),
            },
            code: first.and_then(|e| e.code.clone()),
        });
        res
    }

    /// [`to_response`](Self::to_response) with the headers of Stripe's answers (see
    /// [`add_stripe_headers`]) for a request with these headers.
    pub fn to_stripe_response(&self, request: &HeaderMap) -> http::Response<Full<Bytes>> {
        let mut res = self.to_response();
        let status = res.status();
        add_stripe_headers(res.headers_mut(), request, status);
        res
    }
}

/// What an answer made by this crate (not by an inner service or an upstream) reports: in
/// the response extensions, for logging. It holds no value from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredError {
    /// Stripe's error type (`invalid_request_error`, `card_error`, …).
    pub error_type: &'static str,
    /// Stripe's error code, when the error has one.
    pub code: Option<String>,
}

/// Adds the headers Stripe puts on its answers, for an answer made here with `status` to a
/// request with headers `request`:
///
/// - `Request-Id` and `Original-Request`: a new unique `req_…` id (kept if already set);
/// - `Stripe-Should-Retry: false` on a 4xx (retrying the same request cannot succeed);
/// - `Idempotency-Key`: the request's, echoed (when at most [`MAX_ECHOED_HEADER_LEN`]
///   bytes of text) through [`crate::quote::echo`], so a run of 9 or more digits in it
///   comes back masked;
/// - `Stripe-Version`: the request's (same bound and rule), else the bundled spec's version;
/// - `Cache-Control: no-cache, no-store` and `Content-Type: application/json` (unless set).
pub fn add_stripe_headers(headers: &mut HeaderMap, request: &HeaderMap, status: StatusCode) {
    if !headers.contains_key(REQUEST_ID_HEADER)
        && let Ok(v) = HeaderValue::from_str(&crate::ids::request_id())
    {
        headers.insert(HeaderName::from_static("original-request"), v.clone());
        headers.insert(REQUEST_ID_HEADER, v);
    }
    if status.is_client_error() {
        headers.insert(
            HeaderName::from_static("stripe-should-retry"),
            HeaderValue::from_static("false"),
        );
    }
    // Echoed through the rule of `crate::quote`, like everything else that repeats a request.
    let echo = |name: &str| {
        request
            .get(name)
            .filter(|v| v.len() <= MAX_ECHOED_HEADER_LEN && !v.is_empty())
            .and_then(|v| v.to_str().ok())
            .and_then(|v| HeaderValue::from_str(&crate::quote::echo(v)).ok())
    };
    if let Some(key) = echo("idempotency-key") {
        headers.insert(HeaderName::from_static("idempotency-key"), key);
    }
    let version = echo("stripe-version")
        .or_else(|| HeaderValue::from_str(&crate::token_spec::bundled().api_version).ok());
    if let Some(v) = version {
        headers.insert(HeaderName::from_static("stripe-version"), v);
    }
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store"),
    );
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
}

/// Adds the version-policy headers ([`VERSION_POLICY_HEADER`], [`SPEC_VERSION_HEADER`]).
pub fn add_policy_headers(headers: &mut HeaderMap, applied: Applied) {
    headers.insert(
        VERSION_POLICY_HEADER,
        HeaderValue::from_static(applied.as_str()),
    );
    if let Ok(v) = HeaderValue::from_str(&crate::token_spec::bundled().api_version) {
        headers.insert(SPEC_VERSION_HEADER, v);
    }
}

/// The [`Applied`] version policy for a request with these headers under `unknown`.
pub fn applied_policy(headers: &HeaderMap, unknown: UnknownVersion) -> Applied {
    applied_for(headers, unknown, None)
}

/// The [`Applied`] version policy for a request with these headers under `unknown`, when
/// the newest version known is the runtime spec's if there is one (newer than the
/// bundled spec's), else the bundled spec's.
fn applied_for(
    headers: &HeaderMap,
    unknown: UnknownVersion,
    runtime: Option<&crate::RuntimeSpec>,
) -> Applied {
    let requested = headers
        .get("stripe-version")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    crate::api_version::applied_with(
        requested,
        &crate::token_spec::bundled().api_version,
        runtime.map(crate::RuntimeSpec::api_version),
        unknown,
    )
}

/// The newest API version the layer knows: the runtime spec's, else the bundled spec's.
fn known_version(runtime: Option<&crate::RuntimeSpec>) -> &str {
    let bundled = crate::token_spec::bundled().api_version.as_str();
    match runtime {
        Some(rt)
            if crate::api_version::release_date(rt.api_version())
                > crate::api_version::release_date(bundled) =>
        {
            rt.api_version()
        }
        _ => bundled,
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status(), self.message())
    }
}

impl std::error::Error for Rejection {}

/// The settings of a [`PreflightLayer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The path validated (exact match on the URI path).
    pub path: String,
    /// The parser limits; `limits.max_body_bytes` is the body limit.
    pub limits: Limits,
    /// The longest time allowed to read a body.
    pub read_timeout: Duration,
    /// How requests for a newer API version than the bundled spec's are handled.
    pub unknown_version: UnknownVersion,
    /// Whether the layer's answers carry Stripe's response headers and the version-policy
    /// headers (see the [module docs](self#stripes-response-headers)).
    pub stripe_headers: bool,
    /// Whether a valid request reaches the inner service with its typed [`Request`] in the
    /// extensions (built in the same pass as the verdict), or with its [`Kind`](crate::Kind)
    /// only (the verdict path, [`check_form`](crate::check_form): nothing is allocated for
    /// it). The kind is always there.
    pub typed_request: bool,
    /// The enforcement threshold (see [`PreflightLayerBuilder::enforce`]): `L`, strict, by
    /// default.
    pub enforce: Confidence,
    /// Today's date for the checks that read it (card expiry, Apple Pay tokens), instead of
    /// the system clock's (see [`PreflightLayerBuilder::today`]).
    pub today: Option<crate::Date>,
    /// Parameters learned from a newer Stripe OpenAPI document (see
    /// [`PreflightLayerBuilder::runtime_spec`]).
    pub runtime_spec: Option<Arc<crate::RuntimeSpec>>,
    /// What is added to a refused unknown parameter's message when the request names a
    /// newer API version than the spec's and the policy is [`UnknownVersion::Strict`]
    /// (`{version}`: the newest version known); see [`DEFAULT_UNKNOWN_HINT`].
    pub unknown_hint: String,
}

impl Default for Config {
    /// `/v1/tokens`, default limits (64 KiB body), 10 s read timeout, newer API versions
    /// validated strictly, no Stripe headers.
    fn default() -> Self {
        Config {
            path: DEFAULT_PATH.to_string(),
            limits: Limits::default(),
            read_timeout: DEFAULT_READ_TIMEOUT,
            unknown_version: UnknownVersion::Strict,
            stripe_headers: false,
            typed_request: true,
            enforce: Confidence::L,
            today: None,
            runtime_spec: None,
            unknown_hint: DEFAULT_UNKNOWN_HINT.to_string(),
        }
    }
}

/// Builds a [`PreflightLayer`].
#[derive(Debug, Clone, Default)]
pub struct PreflightLayerBuilder {
    config: Config,
}

impl PreflightLayerBuilder {
    /// The path to validate (default `/v1/tokens`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config.path = path.into();
        self
    }
    /// The largest body accepted, in bytes (default 64 KiB, at most
    /// [`HARD_MAX_BODY_BYTES`](crate::HARD_MAX_BODY_BYTES)); larger bodies get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.limits.max_body_bytes = bytes;
        self
    }
    /// The parser limits (depth, number of parameters, array length, and body size: this
    /// replaces an earlier [`body_limit`](Self::body_limit)).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }
    /// The longest time allowed to read a body (default 10 s); after it the answer is 408.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.config.read_timeout = timeout;
        self
    }
    /// How a request for a newer API version than the bundled spec's is handled (default
    /// [`UnknownVersion::Strict`]).
    pub fn unknown_version(mut self, policy: UnknownVersion) -> Self {
        self.config.unknown_version = policy;
        self
    }
    /// Whether the layer's answers carry Stripe's response headers and the version-policy
    /// headers (default off).
    pub fn stripe_headers(mut self, on: bool) -> Self {
        self.config.stripe_headers = on;
        self
    }
    /// Whether a valid request reaches the inner service with its typed [`Request`] in the
    /// extensions (default), or only with its [`Kind`](crate::Kind) (`false`: the verdict
    /// path, for a proxy that forwards the body as it is).
    pub fn typed_request(mut self, on: bool) -> Self {
        self.config.typed_request = on;
        self
    }
    /// The enforcement threshold (default [`Confidence::L`]: every problem is refused).
    /// A problem whose error definition's confidence is below it is a warning: the request
    /// passes on, with the [`Warnings`] in its extensions, and the answer carries
    /// [`WARNINGS_HEADER`] with their codes. With [`Confidence::M`] the layer refuses what
    /// the spec is sure of (H and M) and lets through, with a warning, what it only
    /// infers (L): what `token-validate serve` does in front of Stripe.
    ///
    /// A body that cannot be read at all is let through with its warning only on the
    /// verdict path ([`typed_request(false)`](Self::typed_request)), where the body goes on
    /// as it is; an inner service that expects the typed request gets the error.
    pub fn enforce(mut self, threshold: Confidence) -> Self {
        self.config.enforce = threshold;
        self
    }
    /// Today's date, for the checks that read it (card expiry, Apple Pay tokens), instead of
    /// the system clock's UTC date: to replay recorded requests as of their day, or in
    /// tests.
    pub fn today(mut self, today: crate::Date) -> Self {
        self.config.today = Some(today);
        self
    }
    /// The parameters of a Stripe OpenAPI document newer than the bundled spec
    /// ([`RuntimeSpec`](crate::RuntimeSpec)): a parameter it has and the bundled spec does
    /// not is checked as the document states it and accepted, and the answer names it in
    /// [`RUNTIME_PARAMS_HEADER`]; a request of a version up to the document's is then no
    /// longer "newer" ([`UnknownVersion`] applies only beyond it).
    pub fn runtime_spec(mut self, spec: Arc<crate::RuntimeSpec>) -> Self {
        self.config.runtime_spec = Some(spec);
        self
    }
    /// What a refused unknown parameter's message says after Stripe's when the request
    /// names a newer API version than the spec's under [`UnknownVersion::Strict`] (default
    /// [`DEFAULT_UNKNOWN_HINT`]; `{version}` is replaced by the newest version known).
    pub fn unknown_hint(mut self, hint: impl Into<String>) -> Self {
        self.config.unknown_hint = hint.into();
        self
    }
    /// The layer.
    pub fn build(self) -> PreflightLayer {
        PreflightLayer {
            path: Arc::new(ValidatedPath::new(&self.config.path)),
            config: Arc::new(self.config),
        }
    }
}

/// The validated path as the layer compares request paths with it: as configured, and
/// normalized once (not per request) as a lenient and as a strict reader route it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidatedPath {
    /// As configured.
    pub raw: String,
    /// [`normalize_path`] of it.
    pub lenient: String,
    /// [`segment_path`] of it.
    pub strict: String,
}

impl ValidatedPath {
    pub(crate) fn new(path: &str) -> ValidatedPath {
        ValidatedPath {
            raw: path.to_string(),
            lenient: normalize_path(path),
            strict: segment_path(path),
        }
    }
}

/// A tower [`Layer`] that validates `POST /v1/tokens` requests before the inner service
/// sees them (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct PreflightLayer {
    config: Arc<Config>,
    path: Arc<ValidatedPath>,
}

impl Default for PreflightLayer {
    fn default() -> Self {
        PreflightLayerBuilder::default().build()
    }
}

impl PreflightLayer {
    /// The layer with the default settings: `/v1/tokens`, 64 KiB, 10 s.
    pub fn new() -> Self {
        PreflightLayer::default()
    }
    /// A builder, starting from the default settings.
    pub fn builder() -> PreflightLayerBuilder {
        PreflightLayerBuilder::default()
    }
    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The validated path, normalized.
    pub(crate) fn validated_path(&self) -> &ValidatedPath {
        &self.path
    }
}

impl<S> Layer<S> for PreflightLayer {
    type Service = PreflightService<S>;
    fn layer(&self, inner: S) -> PreflightService<S> {
        PreflightService {
            inner,
            config: Arc::clone(&self.config),
            path: Arc::clone(&self.path),
        }
    }
}

/// The body the inner service receives: the validated body, buffered (`Left`), or the
/// untouched body of a request the layer does not validate (`Right`).
pub type PreflightBody<B> = Either<Full<Bytes>, B>;

/// The response body: the layer's own error answer (`Left`) or the inner service's (`Right`).
pub type PreflightResponseBody<B> = Either<Full<Bytes>, B>;

/// The service made by [`PreflightLayer`].
#[derive(Debug, Clone)]
pub struct PreflightService<S> {
    inner: S,
    config: Arc<Config>,
    path: Arc<ValidatedPath>,
}

/// The old name of [`PreflightService`] (the axum extractor `axum::Preflight` had the same
/// name).
#[deprecated(since = "0.2.0", note = "renamed `PreflightService`")]
pub type Preflight<S> = PreflightService<S>;

impl<S> PreflightService<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The boxed future of [`PreflightService`].
pub type ResponseFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for PreflightService<S>
where
    S: Service<http::Request<PreflightBody<ReqBody>>, Response = http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<PreflightResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<ReqBody>) -> Self::Future {
        // The service that was driven to readiness handles this request; a fresh clone
        // stays behind for the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        if !applies(&self.path, req.method(), req.uri().path()) {
            let fut = inner.call(req.map(Either::Right));
            return Box::pin(async move { fut.await.map(|res| res.map(Either::Right)) });
        }
        let config = Arc::clone(&self.config);
        let applied = applied_for(
            req.headers(),
            config.unknown_version,
            config.runtime_spec.as_deref(),
        );
        let stripe = config.stripe_headers;
        let mark = move |mut res: http::Response<PreflightResponseBody<ResBody>>| {
            if stripe {
                add_policy_headers(res.headers_mut(), applied);
            }
            res
        };
        if !applied.validates() {
            let mut req = req;
            req.extensions_mut().insert(applied);
            let fut = inner.call(req.map(Either::Right));
            return Box::pin(async move { fut.await.map(|res| mark(res.map(Either::Right))) });
        }
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            let query = parts.uri.query().map(str::to_owned);
            match preflight_applied(&parts.headers, query.as_deref(), body, &config, applied).await
            {
                Ok(Validated {
                    body,
                    kind,
                    request,
                    context,
                    warnings,
                    runtime_params,
                }) => {
                    if let Some(kind) = kind {
                        parts.extensions.insert(kind);
                    }
                    if let Some(request) = request {
                        parts.extensions.insert(request);
                    }
                    if let Some(context) = context {
                        parts.extensions.insert(context);
                    }
                    parts.extensions.insert(applied);
                    let header = warnings_header(&warnings);
                    if !warnings.is_empty() {
                        parts.extensions.insert(warnings);
                    }
                    let learned = (!runtime_params.is_empty())
                        .then(|| HeaderValue::from_str(&runtime_params.join(",")).ok())
                        .flatten();
                    let req = http::Request::from_parts(parts, Either::Left(Full::new(body)));
                    inner.call(req).await.map(|res| {
                        let mut res = mark(res.map(Either::Right));
                        if let Some(v) = header {
                            res.headers_mut().insert(WARNINGS_HEADER, v);
                        }
                        if let Some(v) = learned {
                            res.headers_mut().insert(RUNTIME_PARAMS_HEADER, v);
                        }
                        res
                    })
                }
                Err(rejection) => {
                    let res = if stripe {
                        rejection.to_stripe_response(&parts.headers)
                    } else {
                        rejection.to_response()
                    };
                    Ok(mark(res.map(Either::Left)))
                }
            }
        })
    }
}

/// Whether the layer validates a request with this method and path. Spellings of the
/// path that a server or proxy behind the layer may treat as the same (a trailing `/`,
/// repeated `/`, percent-escapes, encoded `/`, `\\`, dot segments, another case) are
/// validated too, so that none of them slips past unvalidated.
pub(crate) fn applies(validated: &ValidatedPath, method: &Method, path: &str) -> bool {
    method == Method::POST && (path == validated.raw || normalize_path(path) == validated.lenient)
}

/// A path as the most lenient reader would route it: percent-decoded (`%2F` too), `\\`
/// read as `/`, dot segments resolved, repeated and trailing `/` removed, in ASCII
/// lowercase.
pub(crate) fn normalize_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    canonical(decoded.split(['/', '\\']).map(std::borrow::Cow::Borrowed))
}

/// A path as a reader that follows RFC 3986 routes it: split at its `/` (an encoded `%2F`
/// stays inside its segment), each segment percent-decoded, dot segments resolved,
/// repeated and trailing `/` removed, in ASCII lowercase.
pub(crate) fn segment_path(path: &str) -> String {
    canonical(
        path.split('/')
            .map(|seg| percent_encoding::percent_decode_str(seg).decode_utf8_lossy()),
    )
}

/// `/`-joined lowercase segments, without empty ones, `.` and `..` resolved.
fn canonical<'a>(segments: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut kept: Vec<String> = Vec::new();
    for seg in segments {
        match &*seg {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            s => kept.push(s.to_ascii_lowercase()),
        }
    }
    let mut out = String::new();
    for seg in kept {
        out.push('/');
        out.push_str(&seg);
    }
    out
}

/// Whether a segment of a raw path is `.` or `..` (dots plain or percent-encoded,
/// `%2E`): 1 or 2, else 0.
fn dot_segment(seg: &str) -> usize {
    let mut dots = 0;
    let mut rest = seg.as_bytes();
    while !rest.is_empty() {
        match rest {
            [b'.', tail @ ..] => rest = tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => rest = tail,
            _ => return 0,
        }
        dots += 1;
    }
    if dots <= 2 { dots } else { 0 }
}

/// RFC 3986's `remove_dot_segments` (section 5.2.4) on a raw absolute path, with
/// percent-encoded dots (`%2E`) read as dots: `/v1/x/../tokens` and `/v1/%2E/tokens` are
/// `/v1/tokens`, `/v1/tokens/.` is `/v1/tokens/`. Other segments stay as they were sent.
/// `None` when the path has no dot segment.
pub(crate) fn remove_dot_segments(path: &str) -> Option<String> {
    if !path.split('/').any(|seg| dot_segment(seg) > 0) {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let mut segments = path.split('/').peekable();
    // An absolute path starts with its empty first segment.
    let absolute = path.starts_with('/');
    if absolute {
        segments.next();
    }
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        match dot_segment(seg) {
            1 => {}
            2 => {
                out.pop();
            }
            _ => {
                out.push(seg);
                continue;
            }
        }
        // A dot segment at the end leaves the path ending with `/`.
        if last {
            out.push("");
        }
    }
    let mut s = String::with_capacity(path.len());
    for (i, seg) in out.iter().enumerate() {
        if absolute || i > 0 {
            s.push('/');
        }
        s.push_str(seg);
    }
    if s.is_empty() {
        s.push('/');
    }
    Some(s)
}

/// A request that passed validation.
#[derive(Debug)]
pub(crate) struct Validated {
    /// The body, byte for byte as received.
    pub body: Bytes,
    /// The token kind (none for a body let through unread, with its warning).
    pub kind: Option<crate::Kind>,
    /// The typed request, when the layer builds it.
    pub request: Option<Request>,
    /// The context it was validated in (none for a request let through below the
    /// threshold without a usable key).
    pub context: Option<Context>,
    /// The problems below the enforcement threshold.
    pub warnings: Warnings,
    /// The parameters checked from the runtime spec.
    pub runtime_params: Vec<String>,
}

/// The value of [`WARNINGS_HEADER`] for these warnings, if there are any.
pub fn warnings_header(warnings: &Warnings) -> Option<HeaderValue> {
    if warnings.is_empty() {
        return None;
    }
    HeaderValue::from_str(&warnings.codes().join(",")).ok()
}

/// The API key of an `Authorization` header: `Bearer <key>`, or Basic auth with the key as
/// the user name, as a [`Context`]; `None` without the header. The key itself is never put
/// in an error.
///
/// Written here rather than with the `headers` crate's `Authorization<Bearer>` and
/// `Authorization<Basic>`: those match the scheme case-sensitively (RFC 9110 11.1 makes it
/// case-insensitive, and clients send `bearer`), and `Basic` refuses credentials without a
/// `:`, which `curl -u sk_test_…` style clients do not always send. Base64 is the `base64`
/// crate's; the rest is a split at the first space.
fn header_key(headers: &HeaderMap) -> Result<Option<Context>, Rejection> {
    let Some(auth) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    // A key is short: a long header is refused unread (a 100 KiB "key" is not a key).
    if auth.len() > MAX_AUTHORIZATION_LEN {
        return Err(Rejection::InvalidApiKey);
    }
    let auth = auth.to_str().map_err(|_| Rejection::InvalidApiKey)?.trim();
    let (scheme, rest) = auth.split_once(' ').unwrap_or((auth, ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        context_from_key(rest).map(Some)
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64_decode(rest).ok_or(Rejection::InvalidApiKey)?;
        let decoded = String::from_utf8(decoded).map_err(|_| Rejection::InvalidApiKey)?;
        let user = decoded.split_once(':').map_or(decoded.as_str(), |(u, _)| u);
        context_from_key(user).map(Some)
    } else {
        Err(Rejection::InvalidApiKey)
    }
}

/// [`Context::from_key`], its refusal as the 401 that says what is wrong with the key as
/// the library says it (`KeyError` quotes nothing of it).
fn context_from_key(key: &str) -> Result<Context, Rejection> {
    Context::from_key(key).map_err(|reason| Rejection::MalformedApiKey {
        reason,
        message: reason.to_string(),
    })
}

/// The key a client without an `Authorization` header sends as a parameter (Stripe.js
/// sends its publishable key in the body; `rules.json` `http` `missing_api_key`'s
/// `key_param` names it): from the URL query, else from a form body or a JSON body's top
/// level. `None` when neither has it as text.
fn param_key(query: &[u8], body: Option<(&[u8], BodyFormat)>) -> Option<String> {
    let name = crate::http_answers::MISSING_API_KEY.key_param?;
    let from_form = |bytes: &[u8]| {
        form_pairs(bytes)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    from_form(query).or_else(|| match body? {
        (bytes, BodyFormat::Form) => from_form(bytes),
        (bytes, BodyFormat::Json) => {
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes)
                .ok()?
                .remove(name)
                .and_then(|v| v.as_str().map(str::to_owned))
        }
    })
}

/// The decoded `name=value` pairs of a form (`+` is a space, `%XX` a byte).
fn form_pairs(bytes: &[u8]) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    bytes
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            (form_decode(k), form_decode(v))
        })
}

/// One part of a form pair, decoded (`+` is a space, `%XX` a byte; not UTF-8: lossy).
fn form_decode(part: &[u8]) -> Cow<'_, str> {
    if part.contains(&b'+') {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        Cow::Owned(
            percent_encoding::percent_decode(&spaced)
                .decode_utf8_lossy()
                .into_owned(),
        )
    } else {
        percent_encoding::percent_decode(part).decode_utf8_lossy()
    }
}

/// A context with what the request's other headers say: the API version it is validated
/// as (`Stripe-Version`, its version gates) and the Connect account (`Stripe-Account`). A
/// `Stripe-Account` that is not a connected account id ([`Context::is_account_id`]) is a
/// warning (`invalid_account`), never a refusal: the request is validated as one for a
/// connected account, and Stripe answers for the account. The context keeps such a value
/// only as [`crate::quote::value`] quotes it.
fn with_request_headers(
    mut ctx: Context,
    headers: &HeaderMap,
    warnings: &mut Vec<crate::Error>,
) -> Context {
    if let Some(v) = headers.get("stripe-version").and_then(|v| v.to_str().ok()) {
        ctx = ctx.with_api_version(v);
    }
    match headers.get("stripe-account") {
        None => ctx,
        Some(v) => {
            let text = String::from_utf8_lossy(v.as_bytes());
            let acct = text.trim();
            if Context::is_account_id(acct) {
                ctx.with_account(acct)
            } else {
                warnings.push(crate::http_answers::INVALID_ACCOUNT.to_error());
                ctx.with_account(crate::quote::value(acct))
            }
        }
    }
}

/// The context of a request's headers alone: the `Authorization` key, then
/// [`with_request_headers`] (a malformed `Stripe-Account` is taken quoted, its warning
/// dropped). A request without the header is [`Rejection::MissingApiKey`].
#[cfg(test)]
pub(crate) fn context_from_headers(headers: &HeaderMap) -> Result<Context, Rejection> {
    let ctx = header_key(headers)?.ok_or(Rejection::MissingApiKey)?;
    Ok(with_request_headers(ctx, headers, &mut Vec::new()))
}

/// Standard base64 (padding optional, as HTTP clients send it either way); `None` on
/// anything else.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

/// The body format of a `Content-Type` header (none: form).
pub(crate) fn body_format(headers: &HeaderMap) -> Result<BodyFormat, Rejection> {
    let Some(ct) = headers.get(CONTENT_TYPE) else {
        return Ok(BodyFormat::Form);
    };
    // Only the essence matters (RFC 9110 8.3.1: case-insensitive type and subtype, then
    // parameters after `;` with optional white space around it). Kept by hand: the `mime`
    // crate refuses the white space before `;` that RFC 9110 allows
    // (`application/json ; charset=utf-8`, tested below), which this split takes.
    let ct = ct.to_str().map_err(|_| Rejection::UnsupportedMediaType)?;
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Ok(BodyFormat::Form)
    } else if essence.eq_ignore_ascii_case("application/json") {
        Ok(BodyFormat::Json)
    } else {
        Err(Rejection::UnsupportedMediaType)
    }
}

/// The 413 of a body over `limit` bytes: off the confidence scale (`rules.json` `http`
/// `body_too_large`, `protocol`), its error the parser's `BodyTooLarge`.
fn too_large(limit: usize) -> Rejection {
    over_limit(ParseErrorKind::BodyTooLarge { limit }, limit)
}

/// The 413 of a body or a query over the limit.
fn over_limit(kind: ParseErrorKind, limit: usize) -> Rejection {
    let e = ParseError {
        kind,
        offset: limit,
        key: None,
    };
    Rejection::PayloadTooLarge(Errors::invalid_body(e.message()))
}

/// Reads the body within the limit and the timeout.
///
/// The timeout is `tokio::time::timeout` around http-body-util's `Limited::collect`, one
/// future; tower-http's `RequestBodyTimeoutLayer` would do the same through a body wrapper
/// whose error we would then map back to this 408, for one more dependency.
pub(crate) async fn read_body<B>(body: B, config: &Config) -> Result<Bytes, Rejection>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let limit = config.limits.in_force().max_body_bytes;
    let read = Limited::new(body, limit).collect();
    match tokio::time::timeout(config.read_timeout, read).await {
        Err(_elapsed) => Err(Rejection::Timeout),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) => {
            if e.is::<http_body_util::LengthLimitError>() {
                Err(too_large(limit))
            } else {
                Err(Rejection::BodyRead)
            }
        }
    }
}

/// The whole check of one request: key, content type, body, validation, with the version
/// policy from the request's `Stripe-Version` (a request under `Pass` is validated
/// strictly here: only the layer passes it on unvalidated). Used by the axum extractor.
#[cfg(feature = "axum")]
pub(crate) async fn preflight<B>(
    headers: &HeaderMap,
    query: Option<&str>,
    body: B,
    config: &Config,
) -> Result<Validated, Rejection>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let applied = applied_for(
        headers,
        config.unknown_version,
        config.runtime_spec.as_deref(),
    );
    preflight_applied(headers, query, body, config, applied).await
}

/// The validation options of the layer's settings under a version policy.
pub(crate) fn options(config: &Config, applied: Applied) -> Options {
    let options = Options::new()
        .limits(config.limits.clone())
        .unknown_params(if applied.ignores_unknown() {
            UnknownParams::Ignore
        } else {
            UnknownParams::Reject
        })
        .enforce(config.enforce);
    match &config.runtime_spec {
        Some(rt) => options.runtime_spec(Arc::clone(rt)),
        None => options,
    }
}

async fn preflight_applied<B>(
    headers: &HeaderMap,
    query: Option<&str>,
    body: B,
    config: &Config,
    applied: Applied,
) -> Result<Validated, Rejection>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let query = query.unwrap_or("").as_bytes();
    let limit = config.limits.in_force().max_body_bytes;
    // A query over the limit is refused before anything is read from it (the query and
    // the body are capped separately).
    if query.len() > limit {
        return Err(over_limit(ParseErrorKind::QueryTooLong { limit }, limit));
    }
    // The layer's own refusals that the threshold lets through, as warnings.
    let mut warnings: Vec<crate::Error> = Vec::new();
    // An evidence-graded refusal below the threshold is a warning, and the request goes on
    // unvalidated: only on the verdict path, where the body goes on as it is (a typed
    // request cannot be built without a key or a body format). A protocol-level refusal
    // is always answered.
    let mut let_through = |rejection: Rejection| -> Result<(), Rejection> {
        match rejection.answer() {
            Some(answer) if !config.typed_request && !answer.enforced(config.enforce) => {
                warnings.push(answer.to_error());
                Ok(())
            }
            _ => Err(rejection),
        }
    };
    // The key: Stripe reads the `Authorization` header first.
    let mut context = match header_key(headers) {
        Ok(ctx) => ctx.map(Ok),
        Err(rejection) => {
            let_through(rejection)?;
            Some(Err(()))
        }
    };
    let format = match body_format(headers) {
        Ok(format) => Some(format),
        Err(rejection) => {
            // Without a header, and with a body that cannot be read for a key, the key
            // can only be in the query.
            if context.is_none() && param_key(query, None).is_none() {
                let_through(Rejection::MissingApiKey)?;
                context = Some(Err(()));
            }
            let_through(rejection)?;
            None
        }
    };
    // A declared length over the limit is refused before reading anything.
    if let Some(len) = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_large(limit));
    }
    let body = read_body(body, config).await?;
    // No `Authorization` header: the key as Stripe.js sends it, in the body (or the query).
    if context.is_none() {
        context = Some(match param_key(query, format.map(|f| (&body[..], f))) {
            Some(key) => match context_from_key(&key) {
                Ok(ctx) => Ok(ctx),
                Err(rejection) => {
                    let_through(rejection)?;
                    Err(())
                }
            },
            None => {
                let_through(Rejection::MissingApiKey)?;
                Err(())
            }
        });
    }
    let context = context.and_then(Result::ok).map(|ctx| {
        let ctx = match config.today {
            Some(today) => ctx.with_today(today),
            None => ctx,
        };
        with_request_headers(ctx, headers, &mut warnings)
    });
    // Let through unvalidated, with its warnings: no key, or a body in another format.
    let (Some(context), Some(format)) = (context.clone(), format) else {
        return Ok(Validated {
            body,
            kind: None,
            request: None,
            context,
            warnings: Warnings::from_vec(warnings),
            runtime_params: Vec::new(),
        });
    };
    let options = options(config, applied);
    let input = Input {
        body: &body,
        format,
        query,
    };
    let result = if config.typed_request {
        crate::validate_request(input, &context, &options).map(|a| {
            (
                a.value.token_kind(),
                Some(a.value),
                a.warnings,
                a.runtime_params,
            )
        })
    } else {
        crate::check_request(input, &context, &options)
            .map(|a| (a.value, None, a.warnings, a.runtime_params))
    };
    // The layer's warnings after the body's.
    let mut and_ours = |found: Warnings| {
        let mut all = found.0;
        all.append(&mut warnings);
        Warnings(all)
    };
    match result {
        Ok((kind, request, found, runtime_params)) => Ok(Validated {
            body,
            kind: Some(kind),
            request,
            context: Some(context),
            warnings: and_ours(found),
            runtime_params,
        }),
        // A body that cannot be read, with only problems below the threshold: on the
        // verdict path it goes on as it is, with its warnings.
        Err(errors)
            if !config.typed_request
                && errors.iter().all(|e| !e.confidence().meets(config.enforce)) =>
        {
            Ok(Validated {
                body,
                kind: None,
                request: None,
                context: Some(context),
                warnings: and_ours(errors.into_warnings()),
                runtime_params: Vec::new(),
            })
        }
        // A request of a newer API version than the spec's, validated strictly: the unknown
        // parameters' messages say how to relax it.
        Err(errors) if applied == Applied::Strict => {
            let hint = config
                .unknown_hint
                .replace("{version}", known_version(config.runtime_spec.as_deref()));
            Err(Rejection::Invalid(errors.with_unknown_hint(&hint)))
        }
        Err(errors) => Err(Rejection::Invalid(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn req(
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> http::Request<Full<Bytes>> {
        let mut b = http::Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Full::new(Bytes::from(body.to_string()))).unwrap()
    }

    #[derive(Clone)]
    struct Echo;

    impl Service<http::Request<PreflightBody<Full<Bytes>>>> for Echo {
        type Response = http::Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = ResponseFuture<Self::Response, Infallible>;
        fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, req: http::Request<PreflightBody<Full<Bytes>>>) -> Self::Future {
            Box::pin(async move {
                let kind = req
                    .extensions()
                    .get::<Request>()
                    .map_or("none", |r| r.kind());
                let body = req.into_body().collect().await.unwrap().to_bytes();
                let mut res = http::Response::new(Full::new(body));
                res.headers_mut()
                    .insert("x-kind", HeaderValue::from_static(kind));
                Ok(res)
            })
        }
    }

    async fn call(
        layer: &PreflightLayer,
        r: http::Request<Full<Bytes>>,
    ) -> (StatusCode, Option<String>, Bytes) {
        let mut svc = layer.layer(Echo);
        let res = svc.call(r).await.unwrap();
        let status = res.status();
        let kind = res
            .headers()
            .get("x-kind")
            .map(|v| v.to_str().unwrap().to_string());
        (
            status,
            kind,
            res.into_body().collect().await.unwrap().to_bytes(),
        )
    }

    /// A valid card body: the layer reads today's date from the clock, so the expiry is
    /// derived from it (five years ahead) and the body stays valid whatever the year.
    fn card() -> String {
        let year = crate::Date::today_utc().year + 5;
        format!(
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={year}&card[cvc]=123"
        )
    }
    const AUTH: (&str, &str) = ("authorization", "Bearer sk_test_abc123");

    #[tokio::test]
    async fn valid_passes_byte_for_byte() {
        let layer = PreflightLayer::new();
        let card = card();
        let (s, kind, body) = call(&layer, req(Method::POST, "/v1/tokens", &[AUTH], &card)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(kind.as_deref(), Some("card"));
        assert_eq!(&body[..], card.as_bytes());
    }

    #[tokio::test]
    async fn rejections() {
        let layer = PreflightLayer::builder().body_limit(200).build();
        let card = card();
        let bad_card = card.replace("4242424242424242", "4242424242424241");
        let (s, kind, body) =
            call(&layer, req(Method::POST, "/v1/tokens", &[AUTH], &bad_card)).await;
        assert_eq!((s, kind), (StatusCode::PAYMENT_REQUIRED, None));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "incorrect_number");
        assert!(!String::from_utf8_lossy(&body).contains("4242424242424241"));

        let (s, _, body) = call(&layer, req(Method::POST, "/v1/tokens", &[], &card)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["message"], MISSING_KEY_MESSAGE);

        let bad = ("authorization", "Bearer sk_test_SECRET-KEY");
        let (s, _, body) = call(&layer, req(Method::POST, "/v1/tokens", &[bad], &card)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(!String::from_utf8_lossy(&body).contains("SECRET"));
        // The 401 explains what is wrong with the key, as the library does.
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let e = crate::Context::from_key("sk_test_SECRET-KEY").unwrap_err();
        assert_eq!(v["error"]["message"], e.to_string());
        assert!(e.to_string().contains("character 15"), "{e}");

        let ct = ("content-type", "text/plain");
        let (s, _, _) = call(&layer, req(Method::POST, "/v1/tokens", &[AUTH, ct], &card)).await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let big = format!("{card}&card[name]={}", "a".repeat(300));
        let (s, _, _) = call(&layer, req(Method::POST, "/v1/tokens", &[AUTH], &big)).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn json_and_basic_auth_and_passthrough() {
        let layer = PreflightLayer::new();
        let json = r#"{"pii": {"id_number": "000000000"}}"#;
        let basic = ("authorization", "Basic cGtfdGVzdF9hYmM6"); // pk_test_abc:
        let ct = ("content-type", "application/json; charset=utf-8");
        let (s, kind, body) =
            call(&layer, req(Method::POST, "/v1/tokens", &[basic, ct], json)).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("pii")));
        assert_eq!(&body[..], json.as_bytes());

        for (m, p) in [(Method::GET, "/v1/tokens"), (Method::POST, "/v1/charges")] {
            let (s, kind, body) = call(&layer, req(m, p, &[], "not[a=form")).await;
            assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("none")));
            assert_eq!(&body[..], b"not[a=form");
        }
    }

    #[tokio::test]
    async fn stripe_headers_and_version_policies() {
        let newer = ("stripe-version", "2099-01-01.zeta");
        let unknown = "pii[id_number]=000000000&pii[new_param]=1";
        // The defaults: no Stripe headers, newer versions validated strictly (as before).
        let layer = PreflightLayer::new();
        let mut svc = layer.layer(Echo);
        let res = svc
            .call(req(Method::POST, "/v1/tokens", &[AUTH, newer], unknown))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.headers().get(REQUEST_ID_HEADER).is_none());
        assert!(res.headers().get(VERSION_POLICY_HEADER).is_none());
        // Lenient with Stripe headers.
        let layer = PreflightLayer::builder()
            .unknown_version(UnknownVersion::Lenient)
            .stripe_headers(true)
            .build();
        let mut svc = layer.layer(Echo);
        let res = svc
            .call(req(Method::POST, "/v1/tokens", &[AUTH, newer], unknown))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[VERSION_POLICY_HEADER], "lenient");
        assert_eq!(res.headers()["x-kind"], "pii");
        let bad = card().replace("4242424242424242", "4242424242424241");
        let key = ("idempotency-key", "k-1");
        let res = svc
            .call(req(Method::POST, "/v1/tokens", &[AUTH, key], &bad))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYMENT_REQUIRED);
        let h = res.headers();
        assert!(h[REQUEST_ID_HEADER].to_str().unwrap().starts_with("req_"));
        assert_eq!(h["stripe-should-retry"], "false");
        assert_eq!(h["idempotency-key"], "k-1");
        assert_eq!(h["cache-control"], "no-cache, no-store");
        assert_eq!(h[VERSION_POLICY_HEADER], "bundled");
        let info = res.extensions().get::<AnsweredError>().unwrap();
        assert_eq!(info.code.as_deref(), Some("incorrect_number"));
        // Pass: not validated, no typed request for the inner service.
        let layer = PreflightLayer::builder()
            .unknown_version(UnknownVersion::Pass)
            .build();
        let (s, kind, body) =
            call(&layer, req(Method::POST, "/v1/tokens", &[newer], "junk[")).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("none")));
        assert_eq!(&body[..], b"junk[");
    }

    /// The layer's own answers are the spec's (`rules.json` `http`): message, status and
    /// Stripe's error type.
    #[test]
    fn answers_are_the_specs() {
        let spec = crate::token_spec::bundled();
        for (r, name) in [
            (Rejection::MissingApiKey, "missing_api_key"),
            (Rejection::InvalidApiKey, "invalid_api_key"),
            (Rejection::InvalidAccount, "invalid_account"),
            (Rejection::UnsupportedMediaType, "unsupported_media_type"),
            (Rejection::Timeout, "body_timeout"),
            (Rejection::BodyRead, "body_read"),
        ] {
            let def = &spec.http[name];
            assert_eq!(r.status(), def.status, "{name}");
            assert_eq!(r.message(), def.message, "{name}");
            assert_eq!(
                r.to_stripe_json()["error"]["type"],
                def.ty.as_str(),
                "{name}"
            );
        }
    }

    /// Issue 16: the threshold lets through, with a warning header, what the spec only
    /// infers; the query string is read with the body.
    #[tokio::test]
    async fn warnings_and_the_query_string() {
        let past = "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2026";
        let today = crate::Date::new(2026, 11, 29).unwrap();
        let strict = PreflightLayer::builder().today(today).build();
        let (s, _, _) = call(&strict, req(Method::POST, "/v1/tokens", &[AUTH], past)).await;
        assert_eq!(s, StatusCode::PAYMENT_REQUIRED);
        for typed in [true, false] {
            let layer = PreflightLayer::builder()
                .today(today)
                .enforce(Confidence::M)
                .typed_request(typed)
                .build();
            let mut svc = layer.layer(Echo);
            let res = svc
                .call(req(Method::POST, "/v1/tokens", &[AUTH], past))
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()[WARNINGS_HEADER], "invalid_expiry_month");
            // A clean body has no such header.
            let res = svc
                .call(req(Method::POST, "/v1/tokens", &[AUTH], &card()))
                .await
                .unwrap();
            assert!(res.headers().get(WARNINGS_HEADER).is_none());
        }
        // A body that cannot be read (a key sent twice: what Stripe answers to it is not
        // recorded, so `invalid_body` is L): through on the verdict path only, when nothing
        // enforced is wrong with the rest of it.
        let dup = format!("{}&card[name]=a&card[name]=b", card());
        // Review 1, H1: an enforced error found with it is not hidden. A card that fails
        // Luhn (H) beside a key sent twice, or beside a bad escape, is refused on Luhn
        // (402), on both paths, with no warning header.
        let luhn = card().replace("4242424242424242", "4242424242424241");
        let dup_luhn = format!("{luhn}&card[name]=a&card[name]=b");
        let escape_luhn = format!("x=%ZZ&{luhn}");
        for (typed, body, want) in [
            (false, &dup, StatusCode::OK),
            (true, &dup, StatusCode::BAD_REQUEST),
            (false, &dup_luhn, StatusCode::PAYMENT_REQUIRED),
            (true, &dup_luhn, StatusCode::PAYMENT_REQUIRED),
            (false, &escape_luhn, StatusCode::PAYMENT_REQUIRED),
            (true, &escape_luhn, StatusCode::PAYMENT_REQUIRED),
        ] {
            let layer = PreflightLayer::builder()
                .enforce(Confidence::M)
                .typed_request(typed)
                .build();
            let mut svc = layer.layer(Echo);
            let res = svc
                .call(req(Method::POST, "/v1/tokens", &[AUTH], body))
                .await
                .unwrap();
            assert_eq!(res.status(), want, "typed {typed}: {body}");
            if typed || want != StatusCode::OK {
                assert!(res.headers().get(WARNINGS_HEADER).is_none());
            } else {
                assert_eq!(res.headers()[WARNINGS_HEADER], "invalid_body");
            }
            if want == StatusCode::PAYMENT_REQUIRED {
                let answer = res.into_body().collect().await.unwrap().to_bytes();
                let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
                assert_eq!(answer["error"]["code"], "incorrect_number", "{body}");
            }
        }
        // A query over the limit is a 413, as a body over it is, whatever the threshold.
        let small = crate::Limits::default().with_max_body_bytes(card().len() - 1);
        for enforce in [Confidence::L, Confidence::M] {
            let layer = PreflightLayer::builder()
                .limits(small.clone())
                .enforce(enforce)
                .build();
            let query = format!("/v1/tokens?{}", card());
            let (s, _, body) = call(&layer, req(Method::POST, &query, &[AUTH], "")).await;
            assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("the query string is longer than"),
                "{message}"
            );
            let (s, _, _) = call(&layer, req(Method::POST, "/v1/tokens", &[AUTH], &card())).await;
            assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        }
        // The query string.
        let layer = PreflightLayer::new();
        let query = format!("/v1/tokens?{}", card());
        let (s, kind, body) = call(&layer, req(Method::POST, &query, &[AUTH], "")).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("card")));
        assert!(body.is_empty());
        let bad = query.replace("4242424242424242", "4242424242424241");
        let (s, _, _) = call(&layer, req(Method::POST, &bad, &[AUTH], "")).await;
        assert_eq!(s, StatusCode::PAYMENT_REQUIRED);
    }

    /// Review 1 H2: a Stripe.js-style request (the publishable key in the body as `key`, no
    /// `Authorization` header) is validated with that key's context; only a request with
    /// no key anywhere is Stripe's 401. The layer's evidence-graded refusals follow the
    /// threshold on the verdict path; a malformed `Stripe-Account` is a warning.
    #[tokio::test]
    async fn stripe_js_bodies_and_graded_refusals() {
        let js = format!(
            "{}&key=pk_test_TYooMQauvdEDq54NiTphI7jx&payment_user_agent=stripe.js%2F78ef418&muid=x&guid=y&sid=z",
            card()
        );
        let strict = PreflightLayer::new();
        let verdict = PreflightLayer::builder().typed_request(false).build();
        for layer in [&strict, &verdict] {
            let mut svc = layer.layer(Echo);
            let res = svc
                .call(req(Method::POST, "/v1/tokens", &[], &js))
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers().get(WARNINGS_HEADER).is_none());
        }
        // The key's type and mode decide: a publishable key's context reached the service.
        let (s, kind, body) = call(&strict, req(Method::POST, "/v1/tokens", &[], &js)).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("card")));
        assert_eq!(&body[..], js.as_bytes());
        // In the query, and in a JSON body.
        let q = "/v1/tokens?key=pk_test_abc";
        let (s, kind, _) = call(&strict, req(Method::POST, q, &[], &card())).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("card")));
        let json = r#"{"pii": {"id_number": "000000000"}, "key": "pk_test_abc"}"#;
        let ct = ("content-type", "application/json");
        let (s, kind, _) = call(&strict, req(Method::POST, "/v1/tokens", &[ct], json)).await;
        assert_eq!((s, kind.as_deref()), (StatusCode::OK, Some("pii")));
        // A malformed key in the body: the 401 that says what is wrong, never the key.
        let bad = format!("{}&key=pk_test_SECRET-KEY", card());
        let (s, _, body) = call(&strict, req(Method::POST, "/v1/tokens", &[], &bad)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(!String::from_utf8_lossy(&body).contains("SECRET"));
        // No key anywhere: Stripe's 401 (M: enforced at M), a warning at H on the verdict path.
        let (s, _, _) = call(&strict, req(Method::POST, "/v1/tokens", &[], &card())).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let at_m = PreflightLayer::builder()
            .typed_request(false)
            .enforce(Confidence::M)
            .build();
        let (s, _, _) = call(&at_m, req(Method::POST, "/v1/tokens", &[], &card())).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let at_h = PreflightLayer::builder()
            .typed_request(false)
            .enforce(Confidence::H)
            .build();
        let res = at_h
            .layer(Echo)
            .call(req(Method::POST, "/v1/tokens", &[], &card()))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[WARNINGS_HEADER], "missing_api_key");
        // multipart/form-data (L: no recorded answer): forwarded with a warning at M on
        // the verdict path, refused at L and on the typed path.
        let multipart = ("content-type", "multipart/form-data; boundary=x");
        let res = at_m
            .layer(Echo)
            .call(req(Method::POST, "/v1/tokens", &[AUTH, multipart], "--x--"))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[WARNINGS_HEADER], "unsupported_media_type");
        for layer in [&strict, &verdict] {
            let (s, _, _) = call(
                layer,
                req(Method::POST, "/v1/tokens", &[AUTH, multipart], ""),
            )
            .await;
            assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        }
        // A Stripe-Account that is not acct_…: a warning whatever the threshold, the
        // request validated as one for a connected account.
        let bogus = ("stripe-account", "bogus");
        for layer in [&strict, &verdict, &at_m] {
            let res = layer
                .layer(Echo)
                .call(req(Method::POST, "/v1/tokens", &[AUTH, bogus], &card()))
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()[WARNINGS_HEADER], "invalid_account");
        }
        let (s, _, _) = call(
            &strict,
            req(
                Method::POST,
                "/v1/tokens",
                &[AUTH, ("stripe-account", "acct_1032D82eZvKYlo2C")],
                &card(),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        // Protocol-level answers are given whatever the threshold.
        let small = PreflightLayer::builder()
            .typed_request(false)
            .enforce(Confidence::H)
            .body_limit(10)
            .build();
        let (s, _, _) = call(&small, req(Method::POST, "/v1/tokens", &[AUTH], &card())).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn keys_are_capped() {
        let mut h = HeaderMap::new();
        let long = format!("Bearer sk_test_{}", "a".repeat(MAX_API_KEY_LEN));
        h.insert(AUTHORIZATION, HeaderValue::from_str(&long).unwrap());
        // A key over the key limit (the header is under its own): what is wrong, its length.
        let e = context_from_headers(&h).unwrap_err();
        assert!(
            matches!(
                &e,
                Rejection::MalformedApiKey {
                    reason: crate::KeyError::TooLong { chars: 263 },
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.message().contains("263 characters"), "{}", e.message());
        // A header over its own limit is refused unread.
        let huge = format!("Bearer {}", "a".repeat(MAX_AUTHORIZATION_LEN));
        h.insert(AUTHORIZATION, HeaderValue::from_str(&huge).unwrap());
        assert!(matches!(
            context_from_headers(&h),
            Err(Rejection::InvalidApiKey)
        ));
        let ok = format!("Bearer sk_test_{}", "a".repeat(MAX_API_KEY_LEN - 8));
        h.insert(AUTHORIZATION, HeaderValue::from_str(&ok).unwrap());
        assert!(context_from_headers(&h).is_ok());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("cGtfdGVzdF9hYmM6").unwrap(), b"pk_test_abc:");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert!(base64_decode("*").is_none());
    }

    #[test]
    fn content_types() {
        let format = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
            body_format(&h).ok()
        };
        assert_eq!(
            format("application/x-www-form-urlencoded"),
            Some(BodyFormat::Form)
        );
        assert_eq!(
            format("Application/X-WWW-Form-URLEncoded; charset=utf-8"),
            Some(BodyFormat::Form)
        );
        assert_eq!(format("application/json"), Some(BodyFormat::Json));
        assert_eq!(
            format("application/json ; charset=\"utf-8\""),
            Some(BodyFormat::Json)
        );
        assert_eq!(format("application/json garbage"), None);
        assert_eq!(format("application/jsonx"), None);
        assert_eq!(format("text/plain"), None);
        assert_eq!(format(""), None);
        assert_eq!(body_format(&HeaderMap::new()).ok(), Some(BodyFormat::Form));
    }

    #[test]
    fn dot_segments() {
        for (path, resolved) in [
            ("/v1/x/../tokens", Some("/v1/tokens")),
            ("/v1/./tokens", Some("/v1/tokens")),
            ("/v1/tokens/.", Some("/v1/tokens/")),
            ("/v1/%2E/tokens", Some("/v1/tokens")),
            ("/v1/%2e%2E/v1/tokens", Some("/v1/tokens")),
            ("/v1/x/.%2e/tokens", Some("/v1/tokens")),
            ("/../v1/tokens", Some("/v1/tokens")),
            ("/v1/tokens/..", Some("/v1/")),
            ("/v1//../tokens", Some("/v1/tokens")),
            ("/a/b/c/./../../g", Some("/a/g")),
            ("/v1/tokens", None),
            ("/v1/...", None),
            ("/v1/x..y", None),
            ("/v1/%2E%2E%2E", None),
        ] {
            assert_eq!(remove_dot_segments(path).as_deref(), resolved, "{path}");
        }
        assert_eq!(segment_path("/v1/x%2F..%2Ftokens"), "/v1/x/../tokens");
        assert_eq!(normalize_path("/v1/x%2F..%2Ftokens"), "/v1/tokens");
        assert_eq!(normalize_path("/v1/x\\..\\tokens"), "/v1/tokens");
    }

    #[test]
    fn lookalike_paths_are_validated() {
        let layer = PreflightLayer::new();
        let config = layer.validated_path();
        for p in [
            "/v1/tokens",
            "/v1/tokens/",
            "//v1/tokens",
            "/v1/%74okens",
            "/V1/Tokens",
            "/v1/x/../tokens",
            "/v1/./tokens",
            "/v1/%2E/tokens",
            "/v1/x%2F..%2Ftokens",
        ] {
            assert!(applies(config, &Method::POST, p), "{p}");
        }
        for p in ["/v1/tokens/tok_123", "/v1/token", "/v1/customers"] {
            assert!(!applies(config, &Method::POST, p), "{p}");
        }
        assert!(!applies(config, &Method::GET, "/v1/tokens"));
        assert!(Context::is_account_id("acct_1032D82eZvKYlo2C"));
        assert!(
            !Context::is_account_id("foo")
                && !Context::is_account_id("acct_")
                && !Context::is_account_id("acct_a b")
        );
    }
}
