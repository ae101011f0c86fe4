//! The HTTP layer's own answers (`rules.json` `http`), as typed values generated from the
//! spec: the tower layer, the axum extractor and `serve` answer with them, so no status,
//! error type or limit of theirs is written in code.

use std::borrow::Cow;

use token_spec::model::{Confidence, HttpConfidence};

use crate::error::{Error, Phase};

/// One answer of the HTTP layer, as the spec's `rules.json` `http` defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpAnswer {
    /// The definition's name (`missing_api_key`): what `Token-Preflight-Warnings` lists when
    /// the answer is let through as a warning.
    pub name: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Stripe's error `type` (`invalid_request_error`, `api_error`, `idempotency_error`).
    pub error_type: &'static str,
    /// The message, with its `{value}` or `{limit}` placeholder when it has one.
    pub message: &'static str,
    /// The confidence of an evidence-graded answer, or [`HttpConfidence::Protocol`]: an
    /// answer about the transport, given whatever the enforcement threshold.
    pub confidence: HttpConfidence,
    /// The limit the spec states for it (`{limit}` in the message), if any.
    pub limit: Option<u64>,
    /// Where a client without an `Authorization` header sends the key (Stripe.js: `key`).
    pub key_param: Option<&'static str>,
}

impl HttpAnswer {
    /// Whether the answer is given under the enforcement threshold `threshold`: always for
    /// a protocol-level answer, else when its confidence meets the threshold (below it, the
    /// problem is a warning).
    pub fn enforced(&self, threshold: Confidence) -> bool {
        self.confidence.graded().is_none_or(|c| c.meets(threshold))
    }

    /// The HTTP status as an [`http::StatusCode`] (feature `tower`).
    #[cfg(feature = "tower")]
    pub fn status_code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status).unwrap_or(http::StatusCode::BAD_REQUEST)
    }

    /// The message with `{limit}` filled in with `limit` (the spec's, or a server's own
    /// limit for an answer whose limit is not Stripe's).
    pub fn message_with_limit(&self, limit: impl std::fmt::Display) -> String {
        self.message.replace("{limit}", &limit.to_string())
    }

    /// The message with `{limit}` filled in with the spec's limit (the message as it is
    /// when the spec states none).
    pub fn filled_message(&self) -> Cow<'static, str> {
        match self.limit {
            Some(l) => Cow::Owned(self.message_with_limit(l)),
            None => Cow::Borrowed(self.message),
        }
    }

    /// The answer as a Stripe-shaped error, for the warnings of a request let through below
    /// the threshold (no code: `Token-Preflight-Warnings` lists its name). A protocol-level
    /// answer reports the lowest confidence, `L`, since no evidence grades it.
    // Used by the tower layer only (the `serve` and `tower` features).
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn to_error(self) -> Error {
        Error {
            error_type: self.error_type,
            code: None,
            param: None,
            message: self.filled_message().into_owned(),
            doc_url: None,
            status: self.status,
            confidence: self.confidence.graded().unwrap_or(Confidence::L),
            definition: Cow::Borrowed(self.name),
            phase: Phase::Context,
            order: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::http_answers as a;

    /// The generated answers are the spec's, field for field.
    #[test]
    fn answers_are_the_specs() {
        let spec = crate::token_spec::bundled();
        let all = [
            a::MISSING_API_KEY,
            a::INVALID_API_KEY,
            a::INVALID_ACCOUNT,
            a::UNSUPPORTED_MEDIA_TYPE,
            a::BODY_TIMEOUT,
            a::BODY_READ,
            a::BODY_TOO_LARGE,
            a::UPSTREAM_FAILED,
            a::UPSTREAM_TIMEOUT,
            a::IDEMPOTENCY_KEY_TOO_LONG,
            a::IDEMPOTENCY_KEY_INVALID,
            a::IDEMPOTENCY_MISMATCH,
            a::NOT_FOUND,
            a::AMBIGUOUS_PATH,
            a::BAD_HEADER,
            a::BAD_METHOD,
            a::BAD_URI,
            a::BAD_VERSION,
            a::URI_TOO_LONG,
            a::TOO_MANY_HEADERS,
            a::HEAD_TOO_LARGE,
            a::BAD_CONTENT_LENGTH,
            a::BAD_TRANSFER_ENCODING,
        ];
        assert_eq!(all.len(), spec.http.len());
        for answer in all {
            let def = &spec.http[answer.name];
            assert_eq!(answer.status, def.status, "{}", answer.name);
            assert_eq!(answer.error_type, def.ty, "{}", answer.name);
            assert_eq!(answer.message, def.message, "{}", answer.name);
            assert_eq!(answer.confidence, def.confidence, "{}", answer.name);
            assert_eq!(answer.limit, def.limit, "{}", answer.name);
            assert_eq!(
                answer.key_param,
                def.key_param.as_deref(),
                "{}",
                answer.name
            );
        }
    }

    #[test]
    fn enforcement() {
        use crate::Confidence;
        // Protocol-level: always. Graded: by the threshold.
        assert!(a::BODY_TIMEOUT.enforced(Confidence::H));
        assert!(a::UNSUPPORTED_MEDIA_TYPE.enforced(Confidence::L));
        assert!(!a::UNSUPPORTED_MEDIA_TYPE.enforced(Confidence::M));
        assert!(a::MISSING_API_KEY.enforced(Confidence::M));
        assert!(!a::MISSING_API_KEY.enforced(Confidence::H));
        assert_eq!(
            a::IDEMPOTENCY_KEY_TOO_LONG.filled_message(),
            "Invalid Idempotency-Key: idempotency keys can be up to 255 characters long."
        );
    }
}
