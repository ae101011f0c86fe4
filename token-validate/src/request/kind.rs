//! The error of a token kind name the spec does not have, and the answer for a body that
//! creates no token kind.

use super::generated::Kind;
use crate::error::Errors;

/// A token kind name that the spec does not have (from [`Kind`]'s `FromStr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownKind;

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        write!(
            f,
            "unknown token kind: expected one of {}",
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownKind {}

/// A valid body always has a kind (the spec's `token_kind_required` rule); this is the
/// answer should a spec lack that rule.
pub(crate) fn no_kind() -> Errors {
    Errors::invalid_body(
        "Invalid request body: it creates no token kind (card, bank_account, cvc_update, pii, person or account).".to_string(),
    )
}
