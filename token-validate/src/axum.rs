//! An axum extractor for validated token requests (feature `axum`), in the style of
//! `axum-valid`.
//!
//! [`Preflight<T>`](Preflight) hands a handler a validated request: the built-in
//! [`Request`] (the default, `Preflight` alone), or your own struct that derives
//! `TokenRequest` (`Preflight<CheckoutCard>`). The body is validated with the whole spec
//! first, so every refusal is the error Stripe would return; then `T` is built from it
//! ([`FromParams`]: parameters `T` does not map are left out, a body of another token kind
//! or a value `T`'s field type cannot hold is a 400 on that parameter).
//!
//! Behind a [`PreflightLayer`](crate::tower::PreflightLayer) the extractor takes the typed
//! [`Request`] the layer put in the request extensions (or builds `T` from the body the
//! layer checked); without the layer it does the same checks itself (API key,
//! `Content-Type`, body limit and read timeout, validation) with the settings of a
//! [`Config`] found in the request extensions, else the defaults. A failure is a
//! [`PreflightRejection`], answered with Stripe's error JSON and status.
//!
//! ```
//! use axum::{Router, routing::post};
//! use token_validate::TokenRequest;
//! use token_validate::axum::Preflight;
//! use token_validate::tower::PreflightLayer;
//!
//! async fn create_token(Preflight(request): Preflight) -> String {
//!     format!("a {} token", request.kind())
//! }
//!
//! #[derive(TokenRequest)]
//! #[token(kind = "card")]
//! struct CheckoutCard {
//!     number: String,
//!     exp_month: u8,
//!     exp_year: u16,
//!     #[token(param = "address_zip")]
//!     postal_code: Option<String>,
//! }
//!
//! async fn checkout(Preflight(card): Preflight<CheckoutCard>) -> String {
//!     format!("card ending {}", &card.number[card.number.len() - 4..])
//! }
//!
//! let app: Router = Router::new()
//!     .route("/v1/tokens", post(create_token))
//!     .route("/checkout", post(checkout))
//!     .layer(PreflightLayer::new());
//! # let _ = app;
//! ```

use std::any::Any;
use std::fmt;
use std::ops::{Deref, DerefMut};

use axum::body::Body;
use axum::extract::FromRequest;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::tower::{BodyFormat, Config, Rejection, body_format, preflight, read_body};
use crate::{Errors, FromParams, Kind, Request};

/// A validated `POST /v1/tokens` request: the extractor (see the [module docs](self)).
/// `T` is the built-in [`Request`] (the default) or a struct that derives `TokenRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct Preflight<T = Request>(pub T);

impl<T> Preflight<T> {
    /// The typed request.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Preflight<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Preflight<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// Whether `T` is the built-in [`Request`], which the validators build in the same pass.
fn is_builtin<T: 'static>() -> bool {
    std::any::TypeId::of::<T>() == std::any::TypeId::of::<Request>()
}

/// The built-in request as `T`, when `T` is [`Request`].
fn cast<T: 'static>(request: Request) -> Option<T> {
    let boxed: Box<dyn Any> = Box::new(request);
    boxed.downcast::<T>().ok().map(|t| *t)
}

/// `T` from a request (body and URL query) that validated as `kind`.
fn build<T: FromParams>(
    body: &Bytes,
    format: BodyFormat,
    query: Option<&str>,
    kind: Kind,
    config: &Config,
) -> Result<T, PreflightRejection> {
    let input = crate::Input {
        body,
        format,
        query: query.unwrap_or("").as_bytes(),
    };
    crate::api::build_as(input, &config.limits, kind)
        .map_err(|e| PreflightRejection(Rejection::Invalid(e)))
}

impl<S, T> FromRequest<S> for Preflight<T>
where
    S: Send + Sync,
    T: FromParams + Send + 'static,
{
    type Rejection = PreflightRejection;

    async fn from_request(
        mut req: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, PreflightRejection> {
        let mut config = req
            .extensions()
            .get::<Config>()
            .cloned()
            .unwrap_or_default();
        // Behind the layer: its typed request, or the body it checked.
        if is_builtin::<T>()
            && let Some(request) = req.extensions_mut().remove::<Request>().and_then(cast::<T>)
        {
            return Ok(Preflight(request));
        }
        let query = req.uri().query().map(str::to_owned);
        if let Some(kind) = req.extensions().get::<Kind>().copied() {
            let format = body_format(req.headers()).map_err(PreflightRejection)?;
            let body = read_body(req.into_body(), &config)
                .await
                .map_err(PreflightRejection)?;
            return build(&body, format, query.as_deref(), kind, &config).map(Preflight);
        }
        // Alone: every check here. The built-in request is built in the validators' pass.
        config.typed_request = is_builtin::<T>();
        let (parts, body) = req.into_parts();
        let format = body_format(&parts.headers).map_err(PreflightRejection)?;
        let v = preflight(&parts.headers, query.as_deref(), body, &config)
            .await
            .map_err(PreflightRejection)?;
        let kind = v.request.as_ref().map(Request::token_kind).or(v.kind);
        match (v.request.and_then(cast::<T>), kind) {
            (Some(request), _) => Ok(Preflight(request)),
            (None, Some(kind)) => {
                build(&v.body, format, query.as_deref(), kind, &config).map(Preflight)
            }
            // A body that could not be read, let through with a warning on the verdict
            // path: a handler that needs the request cannot have it.
            (None, None) => Err(PreflightRejection(match v.warnings.into_errors() {
                Some(e) => Rejection::Invalid(e),
                None => Rejection::BodyRead,
            })),
        }
    }
}

/// Why [`Preflight`] refused a request: renders Stripe's error JSON (`{"error": {...}}`)
/// and status, and keeps the inner [`Errors`] of a validation failure.
#[derive(Debug, Clone)]
pub struct PreflightRejection(pub Rejection);

impl PreflightRejection {
    /// The HTTP status (400, 401, 402, 408, 413 or 415).
    pub fn status(&self) -> u16 {
        self.0.status()
    }
    /// The HTTP status as an [`http::StatusCode`].
    pub fn status_code(&self) -> http::StatusCode {
        self.0.status_code()
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

    async fn send(app: Router, auth: Option<&str>, body: &str) -> (u16, String) {
        let mut b = http::Request::builder().method("POST").uri("/v1/tokens");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        let res = app
            .oneshot(b.body(Body::from(body.to_string())).unwrap())
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

    #[derive(Debug, PartialEq, crate::TokenRequest)]
    #[token(kind = "card")]
    struct CheckoutCard {
        number: String,
        exp_month: u8,
        exp_year: u16,
        #[token(param = "address_zip")]
        postal_code: Option<String>,
        #[token(skip)]
        cart_id: u64,
    }

    async fn checkout(Preflight(card): Preflight<CheckoutCard>) -> String {
        format!(
            "{} {}/{} {:?} {}",
            &card.number[12..],
            card.exp_month,
            card.exp_year,
            card.postal_code,
            card.cart_id
        )
    }

    async fn send_json(app: Router, body: &str) -> (u16, String) {
        let req = http::Request::builder()
            .method("POST")
            .uri("/v1/tokens")
            .header("authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn the_extractor_hands_out_a_users_struct() {
        let key = Some("Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc");
        // The layer and the extractor read today's date from the clock: the expiry is derived
        // from it, so the bodies stay valid whatever the year.
        let year = crate::Date::today_utc().year + 5;
        let body = format!(
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={year}&card[address_zip]=94107&card[name]=Jenny"
        );
        let body = body.as_str();
        let bare = Router::new().route("/v1/tokens", post(checkout));
        let typed = bare.clone().layer(crate::tower::PreflightLayer::new());
        let verdict = bare.clone().layer(
            crate::tower::PreflightLayer::builder()
                .typed_request(false)
                .build(),
        );
        for app in [bare, typed, verdict] {
            let (s, text) = send(app.clone(), key, body).await;
            assert_eq!(text, format!("4242 12/{year} Some(\"94107\") 0"));
            assert_eq!(s, 200);
            let (s, text) = send_json(
                app.clone(),
                &format!(
                    r#"{{"card":{{"number":"4242424242424242","exp_month":12,"exp_year":{year}}}}}"#
                ),
            )
            .await;
            assert_eq!(text, format!("4242 12/{year} None 0"));
            assert_eq!(s, 200);
            // Stripe's own errors first.
            let (s, text) = send(
                app.clone(),
                key,
                &format!("card[number]=4242424242424241&card[exp_month]=12&card[exp_year]={year}"),
            )
            .await;
            assert_eq!(s, 402, "{text}");
            assert!(text.contains("incorrect_number"), "{text}");
            // A valid body of another kind: a 400 that names both.
            let (s, text) = send(app.clone(), key, "cvc_update[cvc]=123").await;
            assert_eq!(s, 400, "{text}");
            assert!(text.contains("takes card token requests"), "{text}");
            // No key: 401.
            let (s, _) = send(app, None, body).await;
            assert_eq!(s, 401);
        }
    }

    /// Issue 16: the extractor reads the URL query with the body, alone and behind the
    /// layer, for the built-in request and for a user's struct.
    #[tokio::test]
    async fn the_query_string_counts() {
        // The layer and the extractor read today's date from the clock: the expiry is
        // derived from it.
        let year = crate::Date::today_utc().year + 5;
        let query =
            format!("card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={year}");
        let bare = Router::new()
            .route("/v1/tokens", post(handler))
            .route("/checkout", post(checkout));
        let typed = bare.clone().layer(crate::tower::PreflightLayer::new());
        let verdict = bare.clone().layer(
            crate::tower::PreflightLayer::builder()
                .typed_request(false)
                .build(),
        );
        for app in [bare, typed, verdict] {
            for (path, want) in [
                (format!("/v1/tokens?{query}"), "card".to_string()),
                (
                    format!("/checkout?{query}"),
                    format!("4242 12/{year} None 0"),
                ),
            ] {
                let req = http::Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
                    .body(Body::empty())
                    .unwrap();
                let res = app.clone().oneshot(req).await.unwrap();
                let status = res.status().as_u16();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(
                    (status, String::from_utf8_lossy(&bytes).as_ref()),
                    (200, want.as_ref())
                );
            }
        }
    }

    #[test]
    fn rejection_keeps_errors() {
        let ctx = crate::Context::test_secret();
        let errors = crate::validate_form(b"card[number]=1", &ctx).unwrap_err();
        let r = PreflightRejection::from(errors.clone());
        assert_eq!(r.errors(), Some(&errors));
        assert_eq!(r.status(), errors.status());
        assert_eq!(r.status_code().as_u16(), errors.status());
        assert_eq!(r.to_stripe_json(), errors.to_stripe_json());
        let res = r.into_response();
        assert_eq!(res.status().as_u16(), errors.status());
    }
}
