//! The request types of all six token kinds, generated from the spec by
//! `#[derive(TokenRequest)]`'s machinery (`token_derive::generate_requests!`), the
//! [`Request`] enum over them, the [`Kind`] enum, and their validators (one state per
//! object of the spec, in the hidden `state` module).
//!
//! Every struct derives `TokenRequest`, `serde::Serialize`/`Deserialize` (JSON) and a
//! `Debug` that redacts secret fields, and implements `schemars::JsonSchema` with the very
//! schema `token-validate schema` prints for its node. Closed enums are Rust enums; open
//! ones (Stripe's `x-stripeBypassValidation`) keep unknown values in `Other`; `""` unset
//! values are [`MaybeUnset::Unset`](crate::MaybeUnset::Unset).

token_derive::generate_requests!();
