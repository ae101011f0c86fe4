//! What the layer answers: its constants and messages, [`Rejection`] (the error answers)
//! and the headers it adds.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use http_body_util::Full;

pub use crate::api_version::{Applied, UnknownVersion};
use crate::http_answer::HttpAnswer;
use crate::token_spec::model::ErrorType;
use crate::{Confidence, Errors, Warnings};

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
/// `runtime`, `strict`, `lenient` or `pass`), with [`PreflightLayerBuilder::stripe_headers`](super::PreflightLayerBuilder::stripe_headers).
pub const VERSION_POLICY_HEADER: HeaderName =
    HeaderName::from_static("token-preflight-version-policy");

/// The response header with the API version of the bundled spec, with
/// [`PreflightLayerBuilder::stripe_headers`](super::PreflightLayerBuilder::stripe_headers).
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
/// the enforcement threshold ([`PreflightLayerBuilder::enforce`](super::PreflightLayerBuilder::enforce)) of a request that was let
/// through: each error's Stripe code, or for one Stripe gives no code the name of its
/// definition in the spec (`Token-Preflight-Warnings: invalid_expiry_month,
/// parameter_invalid_enum`).
pub const WARNINGS_HEADER: HeaderName = HeaderName::from_static("token-preflight-warnings");

/// The header on the answer to a request that sent parameters checked from the runtime
/// spec ([`PreflightLayerBuilder::runtime_spec`](super::PreflightLayerBuilder::runtime_spec)) rather than the bundled one: their paths,
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
    /// message says what is wrong with it, as [`Context::from_key`](crate::Context::from_key) does, and never quotes
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
pub(super) fn applied_for(
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
pub(super) fn known_version(runtime: Option<&crate::RuntimeSpec>) -> &str {
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

/// The value of [`WARNINGS_HEADER`] for these warnings, if there are any.
pub fn warnings_header(warnings: &Warnings) -> Option<HeaderValue> {
    if warnings.is_empty() {
        return None;
    }
    HeaderValue::from_str(&warnings.codes().join(",")).ok()
}
