//! The request types of all six token kinds, generated from the spec by
//! `#[derive(TokenRequest)]`'s machinery (`token_derive::generate_requests!`), and the
//! [`Request`] enum over them.
//!
//! Every struct derives `TokenRequest`, `serde::Serialize`/`Deserialize` (JSON) and a
//! `Debug` that redacts secret fields, and implements `schemars::JsonSchema` with the very
//! schema `token-validate schema` prints for its node. Closed enums are Rust enums; open
//! ones (Stripe's `x-stripeBypassValidation`) keep unknown values in `Other`; `""` unset
//! values are [`MaybeUnset::Unset`](crate::MaybeUnset::Unset).

use serde::de::DeserializeOwned;

use crate::error::Errors;
use crate::param::ObjectDeserializer;
use crate::tree::Object;

token_derive::generate_requests!();

/// Reads a validated tree into a typed request.
pub(crate) fn tree_into<T: DeserializeOwned>(tree: Object) -> Result<T, Errors> {
    // serde's message may quote a value (a secret one, even): it is not passed on.
    T::deserialize(ObjectDeserializer(tree)).map_err(|_| {
        Errors::invalid_body(
            "Invalid request body: the request does not fit its token type.".to_string(),
        )
    })
}

/// A kind the generated types do not know (a spec out of step with the build).
pub(crate) fn unknown_kind(kind: &str) -> Errors {
    Errors::invalid_body(format!("Invalid request body: unknown token kind {kind}."))
}
