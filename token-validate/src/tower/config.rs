//! The layer's settings: [`Config`] and [`PreflightLayerBuilder`].

use std::sync::Arc;
use std::time::Duration;

use crate::Confidence;
use crate::Limits;
use crate::api_version::UnknownVersion;

use super::answer::*;

/// The settings of a [`PreflightLayer`](super::PreflightLayer).
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
    /// headers (see the [module docs](super#stripes-response-headers)).
    pub stripe_headers: bool,
    /// Whether a valid request reaches the inner service with its typed [`Request`](crate::Request) in the
    /// extensions (built in the same pass as the verdict), or with its [`Kind`](crate::Kind)
    /// only (the verdict path, [`check_form`](crate::check_form): nothing is allocated for
    /// it). The kind is always there.
    pub typed_request: bool,
    /// The enforcement threshold (see [`PreflightLayerBuilder::enforce`](super::PreflightLayerBuilder::enforce)): `L`, strict, by
    /// default.
    pub enforce: Confidence,
    /// Today's date for the checks that read it (card expiry, Apple Pay tokens), instead of
    /// the system clock's (see [`PreflightLayerBuilder::today`](super::PreflightLayerBuilder::today)).
    pub today: Option<crate::Date>,
    /// Parameters learned from a newer Stripe OpenAPI document (see
    /// [`PreflightLayerBuilder::runtime_spec`](super::PreflightLayerBuilder::runtime_spec)).
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
