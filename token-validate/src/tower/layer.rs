//! The tower [`Layer`] and [`Service`]: [`PreflightLayer`] and [`PreflightService`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use ::tower::{Layer, Service};
use bytes::Bytes;
use http::HeaderValue;
use http_body::Body;
use http_body_util::{Either, Full};

use crate::Confidence;
use crate::Limits;
use crate::api_version::UnknownVersion;

use super::answer::*;
use super::config::*;
use super::path::*;
use super::request::*;

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
    /// Whether a valid request reaches the inner service with its typed [`Request`](crate::Request) in the
    /// extensions (default), or only with its [`Kind`](crate::Kind) (`false`: the verdict
    /// path, for a proxy that forwards the body as it is).
    pub fn typed_request(mut self, on: bool) -> Self {
        self.config.typed_request = on;
        self
    }
    /// The enforcement threshold (default [`Confidence::L`]: every problem is refused).
    /// A problem whose error definition's confidence is below it is a warning: the request
    /// passes on, with the [`Warnings`](crate::Warnings) in its extensions, and the answer carries
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

/// A tower [`Layer`] that validates `POST /v1/tokens` requests before the inner service
/// sees them (see the [module docs](super)).
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
    /// The validated path, normalized (for `serve`'s routing).
    #[cfg(feature = "serve")]
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
