//! The answers `serve` makes itself, shaped like Stripe's: the JSON body and Stripe's
//! headers (see [`add_stripe_headers`]).

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::Full;
use serde_json::json;

use super::log::{safe_method, safe_path_in_line};
use crate::http_answer::HttpAnswer;
use crate::tower::{AnsweredError, add_stripe_headers};

/// A JSON answer (already encoded) with Stripe's headers.
pub fn json_bytes(status: StatusCode, body: Bytes, request: &HeaderMap) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(body));
    *res.status_mut() = status;
    add_stripe_headers(res.headers_mut(), request, status);
    res
}

/// A JSON answer with Stripe's headers (not an error: [`error`] makes those).
pub fn json(
    status: StatusCode,
    body: &serde_json::Value,
    request: &HeaderMap,
) -> Response<Full<Bytes>> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    json_bytes(status, Bytes::from(bytes), request)
}

/// The Stripe-shaped error of one of the HTTP layer's answers (`rules.json` `http`): its
/// status, `{"error": {"type": …, "message": message}}` with the answer's type, Stripe's
/// headers, and the answer recorded in the response extensions ([`AnsweredError`]) for the
/// log line. `message` is the answer's, filled in.
pub fn error(answer: HttpAnswer, message: &str, request: &HeaderMap) -> Response<Full<Bytes>> {
    let body = json!({"error": {"type": answer.error_type, "message": message}});
    let mut res = json(answer.status_code(), &body, request);
    res.extensions_mut().insert(AnsweredError {
        error_type: answer.error_type,
        code: None,
    });
    res
}

/// Stripe's 404 for a URL it does not serve (`rules.json` `http` `not_found`: commonly
/// seen wording, unverified). The method and the path are quoted through [`safe_method`]
/// and [`safe_path_in_line`]: the rule of [`crate::quote`].
pub fn not_found(method: &Method, path: &str, request: &HeaderMap) -> Response<Full<Bytes>> {
    let answer = crate::http_answers::NOT_FOUND;
    let message = answer.message.replace(
        "{value}",
        &format!(
            "{}: {}",
            safe_method(method.as_str()),
            safe_path_in_line(method.as_str(), path, "")
        ),
    );
    error(answer, &message, request)
}

/// The message of the 400 for a `POST` path that a lenient reader and a strict one would
/// route differently (`rules.json` `http` `ambiguous_path`: this crate's wording).
pub const AMBIGUOUS_PATH_MESSAGE: &str = crate::http_messages::AMBIGUOUS_PATH;

/// The Stripe-shaped 400 for a path that does not name one endpoint (see
/// `serve`'s routing): an `invalid_request_error` with Stripe's headers.
pub fn ambiguous_path(request: &HeaderMap) -> Response<Full<Bytes>> {
    error(
        crate::http_answers::AMBIGUOUS_PATH,
        AMBIGUOUS_PATH_MESSAGE,
        request,
    )
}

/// The 502 answered when the upstream cannot be reached or fails (`rules.json` `http`
/// `upstream_failed`: this crate's wording).
pub const UPSTREAM_FAILED_MESSAGE: &str = crate::http_messages::UPSTREAM_FAILED;

/// The 504 answered when the upstream does not answer in time (`rules.json` `http`
/// `upstream_timeout`: this crate's wording).
pub const UPSTREAM_TIMEOUT_MESSAGE: &str = crate::http_messages::UPSTREAM_TIMEOUT;

/// A Stripe-shaped `api_error`: 502 (failed) or 504 (timed out).
pub fn upstream_error(timed_out: bool, request: &HeaderMap) -> Response<Full<Bytes>> {
    let answer = if timed_out {
        crate::http_answers::UPSTREAM_TIMEOUT
    } else {
        crate::http_answers::UPSTREAM_FAILED
    };
    error(answer, answer.message, request)
}
