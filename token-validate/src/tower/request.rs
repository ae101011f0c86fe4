//! Reading a request: the API key (header, body or query), the context, the body within
//! its limits, and the verdict.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http_body::Body;
use http_body_util::{BodyExt, Limited};

use crate::api_version::Applied;
use crate::{Context, Errors, Input, Options, Request, UnknownParams, Warnings};
use crate::{ParseError, ParseErrorKind};

use super::answer::*;
use super::config::*;

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

/// The API key of an `Authorization` header: `Bearer <key>`, or Basic auth with the key as
/// the user name, as a [`Context`]; `None` without the header. The key itself is never put
/// in an error.
///
/// Written here rather than with the `headers` crate's `Authorization<Bearer>` and
/// `Authorization<Basic>`: those match the scheme case-sensitively (RFC 9110 11.1 makes it
/// case-insensitive, and clients send `bearer`), and `Basic` refuses credentials without a
/// `:`, which `curl -u sk_test_…` style clients do not always send. Base64 is the `base64`
/// crate's; the rest is a split at the first space.
pub(super) fn header_key(headers: &HeaderMap) -> Result<Option<Context>, Rejection> {
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
pub(super) fn context_from_key(key: &str) -> Result<Context, Rejection> {
    Context::from_key(key).map_err(|reason| Rejection::MalformedApiKey {
        reason,
        message: reason.to_string(),
    })
}

/// The key a client without an `Authorization` header sends as a parameter (Stripe.js
/// sends its publishable key in the body; `rules.json` `http` `missing_api_key`'s
/// `key_param` names it): from the URL query, else from a form body or a JSON body's top
/// level. `None` when neither has it as text.
pub(super) fn param_key(query: &[u8], body: Option<(&[u8], BodyFormat)>) -> Option<String> {
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
pub(super) fn form_pairs(bytes: &[u8]) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
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
pub(super) fn form_decode(part: &[u8]) -> Cow<'_, str> {
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
pub(super) fn with_request_headers(
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
pub(super) fn base64_decode(s: &str) -> Option<Vec<u8>> {
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
pub(super) fn too_large(limit: usize) -> Rejection {
    over_limit(ParseErrorKind::BodyTooLarge { limit }, limit)
}

/// The 413 of a body or a query over the limit.
pub(super) fn over_limit(kind: ParseErrorKind, limit: usize) -> Rejection {
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

pub(super) async fn preflight_applied<B>(
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
