//! An axum extractor for validated token requests (feature `axum`), in the style of
//! `axum-valid`.
//!
//! [`Preflight`] takes the typed [`Request`] that a
//! [`PreflightLayer`](crate::tower::PreflightLayer) in front of the handler put in the
//! request extensions; without the layer it does the same checks itself (API key,
//! `Content-Type`, body limit and read timeout, validation) with the settings of a
//! [`Config`] found in the request extensions, else the defaults. A failure is a
//! [`PreflightRejection`], answered with Stripe's error JSON and status.
//!
//! ```
//! use axum::{Router, routing::post};
//! use token_validate::axum::Preflight;
//! use token_validate::tower::PreflightLayer;
//!
//! async fn create_token(Preflight(request): Preflight) -> String {
//!     format!("a {} token", request.kind())
//! }
//!
//! let app: Router = Router::new()
//!     .route("/v1/tokens", post(create_token))
//!     .layer(PreflightLayer::new());
//! # let _ = app;
//! ```

use std::fmt;
use std::ops::{Deref, DerefMut};

use axum::body::Body;
use axum::extract::FromRequest;
use axum::response::{IntoResponse, Response};

use crate::tower::{Config, Rejection, preflight};
use crate::{Errors, Request};

/// A validated `POST /v1/tokens` request: the extractor (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct Preflight(pub Request);

impl Preflight {
    /// The typed request.
    pub fn into_inner(self) -> Request {
        self.0
    }
}

impl Deref for Preflight {
    type Target = Request;
    fn deref(&self) -> &Request {
        &self.0
    }
}

impl DerefMut for Preflight {
    fn deref_mut(&mut self) -> &mut Request {
        &mut self.0
    }
}

impl<S: Send + Sync> FromRequest<S> for Preflight {
    type Rejection = PreflightRejection;

    async fn from_request(
        mut req: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, PreflightRejection> {
        if let Some(request) = req.extensions_mut().remove::<Request>() {
            return Ok(Preflight(request));
        }
        let mut config = req
            .extensions()
            .get::<Config>()
            .cloned()
            .unwrap_or_default();
        // The handler asks for the typed request: build it.
        config.typed_request = true;
        let (parts, body) = req.into_parts();
        let v = preflight(&parts.headers, body, &config)
            .await
            .map_err(PreflightRejection)?;
        match v.request {
            Some(request) => Ok(Preflight(request)),
            None => Err(PreflightRejection(Rejection::BodyRead)),
        }
    }
}

/// Why [`Preflight`] refused a request: renders Stripe's error JSON (`{"error": {...}}`)
/// and status, and keeps the inner [`Errors`] of a validation failure.
#[derive(Debug, Clone)]
pub struct PreflightRejection(pub Rejection);

impl PreflightRejection {
    /// The HTTP status (400, 401, 402, 408, 413 or 415).
    pub fn status(&self) -> http::StatusCode {
        self.0.status()
    }
    /// The validation errors, when the body was read (and is invalid or too large).
    pub fn errors(&self) -> Option<&Errors> {
        self.0.errors()
    }
    /// What went wrong.
    pub fn rejection(&self) -> &Rejection {
        &self.0
    }
    /// The JSON body Stripe answers with: `{"error": {...}}`.
    pub fn to_stripe_json(&self) -> serde_json::Value {
        self.0.to_stripe_json()
    }
}

impl From<Rejection> for PreflightRejection {
    fn from(r: Rejection) -> Self {
        PreflightRejection(r)
    }
}

impl From<Errors> for PreflightRejection {
    fn from(e: Errors) -> Self {
        PreflightRejection(Rejection::Invalid(e))
    }
}

impl fmt::Display for PreflightRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for PreflightRejection {}

impl IntoResponse for PreflightRejection {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.to_response().map(Body::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn handler(Preflight(r): Preflight) -> String {
        r.kind().to_string()
    }

    async fn send(app: Router, auth: Option<&str>, body: &'static str) -> (u16, String) {
        let mut b = http::Request::builder().method("POST").uri("/v1/tokens");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        let res = app
            .oneshot(b.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn extractor_with_and_without_layer() {
        let body = "cvc_update[cvc]=123";
        let bare = Router::new().route("/v1/tokens", post(handler));
        let layered = bare.clone().layer(crate::tower::PreflightLayer::new());
        for app in [bare, layered] {
            let (s, text) = send(app.clone(), Some("Bearer pk_test_abc"), body).await;
            assert_eq!((s, text.as_str()), (200, "cvc_update"));
            let (s, text) =
                send(app.clone(), Some("Bearer pk_test_abc"), "cvc_update[cvc]=1").await;
            assert_eq!(s, 402);
            assert!(text.contains("invalid_cvc"), "{text}");
            let (s, text) = send(app, None, body).await;
            assert_eq!(s, 401);
            assert!(text.contains("You did not provide an API key"));
        }
    }

    #[test]
    fn rejection_keeps_errors() {
        let ctx = crate::Context::test_secret();
        let errors = crate::validate_form(b"card[number]=1", &ctx).unwrap_err();
        let r = PreflightRejection::from(errors.clone());
        assert_eq!(r.errors(), Some(&errors));
        assert_eq!(r.status().as_u16(), errors.status());
        assert_eq!(r.to_stripe_json(), errors.to_stripe_json());
        let res = r.into_response();
        assert_eq!(res.status().as_u16(), errors.status());
    }
}
