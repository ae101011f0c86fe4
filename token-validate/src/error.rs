//! Stripe-shaped errors.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;
use token_spec::model::{Confidence, ErrorDef, ErrorType, ParamForm, Stage};

use crate::quote;

/// Where in Stripe's order of checks an error arises. Errors are reported in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Phase {
    /// The body could not be parsed.
    Body,
    /// No token kind at all: Stripe reports it before unknown parameters
    /// (stripe-errors-observed.md row 10).
    NoKind,
    /// A parameter Stripe does not know.
    Unknown,
    /// Missing and empty required parameters.
    Presence,
    /// Types, limits and enums.
    Types,
    /// Context rules (key, Connect account, token kinds).
    Context,
    /// Semantic rules (card checks, checksums).
    Semantic,
}

impl From<Stage> for Phase {
    fn from(s: Stage) -> Phase {
        match s {
            Stage::Presence => Phase::Presence,
            Stage::Context => Phase::Context,
            Stage::Semantic => Phase::Semantic,
        }
    }
}

/// One error, as Stripe returns it in `{"error": {...}}`.
///
/// It never holds a secret value (card number, CVC, account or id number): a secret
/// parameter's value is never quoted, and whatever else is quoted from the input follows
/// the rule of [`quote`](crate::quote) (capped, paths reduced to parameter names, digit runs
/// masked).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    /// Stripe's error type: `invalid_request_error` or `card_error` for a parameter's error,
    /// also `api_error` or `idempotency_error` for an HTTP answer (`http_answer`) reported
    /// as a warning. A string because those two are outside [`ErrorType`]; [`Error::kind`]
    /// gives the typed form.
    #[serde(rename = "type")]
    pub error_type: &'static str,
    /// Stripe's error code, when it has one (`parameter_missing`, `incorrect_number`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The parameter concerned: the full bracket path for request errors
    /// (`person[dob][month]`), the bare field for card errors (`exp_month`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The human-readable message.
    pub message: String,
    /// A link to Stripe's documentation of the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    #[serde(skip)]
    pub(crate) status: u16,
    /// How sure the spec is of this error (its definition's confidence).
    #[serde(skip)]
    pub(crate) confidence: Confidence,
    /// The name of its definition: the generic error's (`parameter_unknown`), the rule's id
    /// (`card_cvc`), or `key:<kind>` for a kind's key rule.
    #[serde(skip)]
    pub(crate) definition: Cow<'static, str>,
    #[serde(skip)]
    pub(crate) phase: Phase,
    /// Within a phase: 0 for the generic errors (in the order they were found), then the
    /// rules in spec order.
    #[serde(skip)]
    pub(crate) order: u32,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("type", &self.error_type)
            .field("code", &self.code)
            .field("param", &self.param)
            .field("message", &self.message)
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error_type)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(param) = &self.param {
            write!(f, " on {param}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// The values a message template may quote.
#[derive(Default)]
pub(crate) struct Fill<'a> {
    pub param: &'a str,
    /// `param` is a path of the spec, which [`quote::path`] lets through as it is (every
    /// one is tested to), so it is not quoted again.
    pub known: bool,
    pub value: Option<&'a str>,
    pub secret: bool,
    pub values: Option<String>,
    pub limit: Option<i64>,
    pub suggestion: Option<&'a str>,
    /// The name of the error's definition ([`Error::definition`]).
    pub definition: Cow<'static, str>,
}

impl Error {
    /// The HTTP status Stripe answers with: 400 for `invalid_request_error`, 402 for
    /// `card_error`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The HTTP status as an [`http::StatusCode`] (feature `tower`).
    #[cfg(feature = "tower")]
    pub fn status_code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status).unwrap_or(http::StatusCode::BAD_REQUEST)
    }

    /// How sure the spec is that Stripe answers this: the confidence of the error's
    /// definition in `rules.json` (H observed, M seen on a sibling endpoint, L inferred).
    /// Under an enforcement threshold ([`Options::enforce`](crate::Options::enforce)) a
    /// problem below it is a warning, not an error.
    pub fn confidence(&self) -> Confidence {
        self.confidence
    }

    /// The name of the error's definition in the spec: a generic error's name
    /// (`parameter_unknown`), a rule's id (`card_cvc`), or `key:<kind>` for a kind's key
    /// rule.
    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// The error's Stripe code, or for an error Stripe gives no code the name of its
    /// definition: what the `Token-Preflight-Warnings` header lists.
    pub fn code_or_definition(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.definition)
    }

    /// Builds an error from a spec error definition.
    ///
    /// What it quotes of the input (the parameter path, the value) goes through
    /// [`quote`](crate::quote), the one rule of what an answer may repeat; a secret
    /// parameter's value is not quoted at all.
    pub(crate) fn from_def(def: &ErrorDef, phase: Phase, order: u32, fill: Fill<'_>) -> Error {
        let path: Cow<'_, str> = if fill.known {
            debug_assert_eq!(quote::path(fill.param), fill.param);
            Cow::Borrowed(fill.param)
        } else {
            Cow::Owned(quote::path(fill.param))
        };
        // The last segment (byte searches: brackets are ASCII).
        let field = || {
            let last = match path.bytes().rposition(|b| b == b'[') {
                Some(i) => &path[i + 1..],
                None => &path,
            };
            last.trim_end_matches(']')
        };
        let param = match def.param {
            ParamForm::Path if !path.is_empty() => Some(path.to_string()),
            ParamForm::Field if !field().is_empty() => Some(field().to_string()),
            _ => None,
        };
        // Room for what the placeholders may add: the path, a value's quote (at most its cap
        // and the cut, unless it escapes characters), the values and the suggestion.
        let room = path.len()
            + fill
                .value
                .map_or(0, |v| v.len().min(quote::MAX_VALUE_CHARS + 3))
            + fill.values.as_ref().map_or(0, String::len)
            + fill.suggestion.map_or(0, str::len)
            + 20;
        let mut message = String::with_capacity(def.message.len() + room);
        let mut rest = def.message.as_str();
        // Byte searches (memchr, a word or more at a time): `{` and `}` are ASCII, so these
        // are the indexes `str::find` gives.
        while let Some(i) = memchr::memchr(b'{', rest.as_bytes()) {
            message.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(j) = memchr::memchr(b'}', after.as_bytes()) else {
                message.push_str(&rest[i..]);
                rest = "";
                break;
            };
            match &after[..j] {
                "param" => message.push_str(&path),
                "value" => match fill.value {
                    _ if fill.secret => message.push_str(quote::MASK),
                    Some(v) => message.push_str(&quote::value(v)),
                    None => {}
                },
                "values" => message.push_str(fill.values.as_deref().unwrap_or("")),
                "limit" => {
                    if let Some(l) = fill.limit {
                        let _ = write!(message, "{l}");
                    }
                }
                "suggestion" => message.push_str(fill.suggestion.unwrap_or("")),
                other => {
                    message.push('{');
                    message.push_str(other);
                    message.push('}');
                }
            }
            rest = &after[j + 1..];
        }
        message.push_str(rest);
        let doc_url = def.code.as_ref().map(|c| {
            const BASE: &str = "https://stripe.com/docs/error-codes/";
            let mut url = String::with_capacity(BASE.len() + c.len());
            url.push_str(BASE);
            // `_` becomes `-`: the pieces between them pushed whole (`_` is ASCII).
            let mut from = 0;
            for (i, b) in c.bytes().enumerate() {
                if b == b'_' {
                    url.push_str(&c[from..i]);
                    url.push('-');
                    from = i + 1;
                }
            }
            url.push_str(&c[from..]);
            url
        });
        Error {
            error_type: def.ty.as_str(),
            code: def.code.clone(),
            param,
            message,
            doc_url,
            status: def.ty.status(),
            confidence: def.confidence,
            definition: fill.definition.clone(),
            phase,
            order,
        }
    }

    /// Whether this is a `card_error` (HTTP 402).
    pub fn is_card_error(&self) -> bool {
        self.kind() == Some(ErrorType::CardError)
    }

    /// Stripe's error type as an [`ErrorType`]; `None` for an HTTP answer's type outside it
    /// (`api_error`, `idempotency_error`).
    pub fn kind(&self) -> Option<ErrorType> {
        ErrorType::from_name(self.error_type)
    }
}

/// What [`Errors`] and [`Warnings`] share, one implementation for both lists of errors in
/// Stripe's order: `iter`, `len`, iteration by reference and a `Debug` that lists them.
macro_rules! error_list {
    ($list:ident) => {
        impl $list {
            /// Every one, in Stripe's order (several unknown parameters: the merged error,
            /// then each of them; see [`Errors`]).
            pub fn iter(&self) -> std::slice::Iter<'_, Error> {
                self.0.iter()
            }
            /// How many the `iter` method yields, the merged unknown-parameters error and
            /// each unknown parameter behind it included.
            pub fn len(&self) -> usize {
                self.0.len()
            }
        }

        impl<'a> IntoIterator for &'a $list {
            type Item = &'a Error;
            type IntoIter = std::slice::Iter<'a, Error>;
            fn into_iter(self) -> Self::IntoIter {
                self.0.iter()
            }
        }

        impl fmt::Debug for $list {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.iter()).finish()
            }
        }
    };
}

error_list!(Errors);
error_list!(Warnings);

/// Every error found in a request, in Stripe's order: [`Errors::first`] is the one Stripe
/// would return.
///
/// Several unknown parameters make one error, as Stripe answers them:
/// `Received unknown parameters: billing_details, type`, the names sorted and
/// comma-separated, with `param` the first of them. [`Errors::iter`] yields that merged
/// error first and, right behind it, one error per unknown parameter in the same order
/// (`Received unknown parameter: billing_details`, with its own `param` and, when a name
/// is close, Stripe's `. Did you mean …?`), so that each can still be shown by its field;
/// [`Errors::len`] counts them all. A single unknown parameter is one error, in the
/// singular. When the body names no token kind at all, the "You must supply either a
/// card, customer, …" error comes before the unknown parameters.
#[derive(Clone, PartialEq, Eq)]
pub struct Errors(pub(crate) Vec<Error>);

impl Errors {
    /// The error Stripe would return.
    pub fn first(&self) -> &Error {
        // An `Errors` is never empty: it is only built from at least one error.
        &self.0[0]
    }
    /// Always `false`: an `Errors` holds at least one error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The HTTP status of the first error.
    pub fn status(&self) -> u16 {
        self.first().status()
    }

    /// The HTTP status of the first error as an [`http::StatusCode`] (feature `tower`).
    #[cfg(feature = "tower")]
    pub fn status_code(&self) -> http::StatusCode {
        self.first().status_code()
    }
    /// The JSON body Stripe answers with: `{"error": {...}}` of the first error.
    pub fn to_stripe_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.first() })
    }
    /// Puts a run's errors in Stripe's order (by phase, then the generic errors as found
    /// and the rules in spec order) and merges several unknown parameters into the spec's
    /// `parameters_unknown` error, followed by each of them.
    pub(crate) fn from_vec(v: Vec<Error>) -> Option<Errors> {
        if v.is_empty() {
            return None;
        }
        Some(Errors(in_stripe_order(v)))
    }

    /// The same errors, with `hint` after the message of each unknown parameter's
    /// (`parameter_unknown`, with or without a suggestion, and their merged form).
    #[cfg(feature = "tower")]
    pub(crate) fn with_unknown_hint(mut self, hint: &str) -> Errors {
        use token_spec::Generic;
        for e in &mut self.0 {
            let unknown = [
                Generic::ParameterUnknown,
                Generic::ParameterUnknownSuggestion,
                Generic::ParametersUnknown,
            ]
            .iter()
            .any(|g| e.definition == g.name());
            if unknown && !hint.is_empty() {
                e.message.push(' ');
                e.message.push_str(hint);
            }
        }
        self
    }

    /// These errors as warnings (each is below the enforcement threshold).
    #[cfg(feature = "tower")]
    pub(crate) fn into_warnings(self) -> Warnings {
        Warnings(self.0)
    }

    /// A malformed body: the spec's `invalid_body` error with a message of our own, which
    /// names keys and byte offsets but never a value from the body, so it goes in whole.
    pub(crate) fn invalid_body(message: String) -> Errors {
        let spec = token_spec::bundled();
        let mut error = Error::from_def(
            spec.generic(token_spec::Generic::InvalidBody),
            Phase::Body,
            0,
            Fill {
                definition: Cow::Borrowed(token_spec::Generic::InvalidBody.name()),
                ..Fill::default()
            },
        );
        error.message = message;
        Errors::one(error)
    }
    /// One error.
    pub(crate) fn one(e: Error) -> Errors {
        Errors(vec![e])
    }
}

/// A run's errors in Stripe's order (by phase, then the generic errors as found and the
/// rules in spec order), with several unknown parameters merged into the spec's
/// `parameters_unknown` error, followed by each of them.
fn in_stripe_order(mut v: Vec<Error>) -> Vec<Error> {
    v.sort_by_key(|e| (e.phase, e.order));
    let start = v.iter().position(|e| e.phase == Phase::Unknown);
    let count = v.iter().filter(|e| e.phase == Phase::Unknown).count();
    if let Some(start) = start
        && count > 1
    {
        // The sort keeps each phase together.
        let mut unknown: Vec<Error> = v.drain(start..start + count).collect();
        unknown.sort_by(|a, b| a.param.cmp(&b.param));
        let mut names: Vec<&str> = unknown.iter().filter_map(|e| e.param.as_deref()).collect();
        names.dedup();
        let merged = Error::from_def(
            token_spec::bundled().generic(token_spec::Generic::ParametersUnknown),
            Phase::Unknown,
            0,
            Fill {
                param: names.first().copied().unwrap_or(""),
                values: Some(names.join(", ")),
                definition: Cow::Borrowed(token_spec::Generic::ParametersUnknown.name()),
                ..Fill::default()
            },
        );
        v.splice(start..start, std::iter::once(merged).chain(unknown));
    }
    v
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first())?;
        if self.0.len() > 1 {
            write!(f, " (and {} more)", self.0.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// The problems of an accepted request that are below the enforcement threshold
/// ([`Options::enforce`](crate::Options::enforce)): Stripe-shaped errors, in Stripe's
/// order, that did not reject the request. Usually empty (the default threshold enforces
/// every problem); then nothing is allocated.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Warnings(pub(crate) Vec<Error>);

impl Warnings {
    /// No warning.
    pub fn none() -> Warnings {
        Warnings(Vec::new())
    }
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The codes of the warnings, in order and each once: an error's Stripe code, or for
    /// an error Stripe gives no code the name of its definition
    /// ([`Error::code_or_definition`]). What the `Token-Preflight-Warnings` header lists.
    pub fn codes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in &self.0 {
            let c = e.code_or_definition();
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
    /// The warnings as errors (the typed request cannot hold a value one of them let
    /// through); `None` when there is none.
    pub(crate) fn into_errors(self) -> Option<Errors> {
        (!self.0.is_empty()).then_some(Errors(self.0))
    }
    /// A run's warnings, put in Stripe's order.
    pub(crate) fn from_vec(v: Vec<Error>) -> Warnings {
        if v.is_empty() {
            return Warnings(v);
        }
        Warnings(in_stripe_order(v))
    }
}

#[cfg(test)]
mod tests {
    use token_spec::model::ErrorType;

    use crate::Context;

    /// A parameter's error has a typed kind; the month outside 1..=12 is Stripe's
    /// `card_error` (`stripe-errors-observed.md`), a missing parameter its
    /// `invalid_request_error`.
    #[test]
    fn kind_is_the_typed_error_type() {
        let ctx = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc").expect("a test key");
        let errors = crate::check_form(
            b"card[number]=4242424242424242&card[exp_month]=13&card[exp_year]=2034",
            &ctx,
        )
        .expect_err("month 13");
        let e = errors.iter().next().expect("one error");
        assert_eq!(e.kind(), Some(ErrorType::CardError));
        assert!(e.is_card_error());
        let errors = crate::check_form(b"card[exp_month]=12&card[exp_year]=2034", &ctx)
            .expect_err("no number");
        let e = errors.iter().next().expect("one error");
        assert_eq!(e.kind(), Some(ErrorType::InvalidRequestError));
        assert_eq!(ErrorType::from_name("api_error"), None);
    }
}
