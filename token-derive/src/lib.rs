//! `#[derive(TokenRequest)]`: a struct checked against Stripe's `POST /v1/tokens` spec at
//! compile time, and the request types of every token kind generated from the same spec.
//!
//! Use it through `token_validate`, which re-exports the derive and its traits:
//!
//! ```ignore
//! use token_validate::TokenRequest;
//!
//! #[derive(TokenRequest)]
//! #[token(kind = "card")]
//! struct CheckoutCard {
//!     number: String,
//!     exp_month: u8,
//!     exp_year: u16,
//!     #[token(param = "address_zip")]
//!     postal_code: Option<String>,
//!     #[token(skip)]
//!     cart_id: u64,
//! }
//! ```
//!
//! Attributes:
//! - on the struct: `kind = "card"` (required); `object = "address"` for a struct that is
//!   one nested object of that kind (a path relative to the kind, in bracket notation);
//!   `body` for a struct whose fields are the top-level parameters (`card`, `customer`,
//!   `expand`).
//! - on a field: `param = "dob[day]"` (a path relative to the struct's place), `object =
//!   "address"` (the field's type is a struct with `#[token(object = "address")]`), `skip`.

// Two pipelines: `derive` (a user's struct: syntax → check → emit) and `generate` (the
// request types and validators of every token kind, from the spec).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod derive;
mod generate;
mod runtime;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Checks a struct against the spec and implements `TokenRequest` (validation and Stripe's
/// form encoding) for it. See the crate documentation for the attributes.
#[proc_macro_derive(TokenRequest, attributes(token))]
pub fn derive_token_request(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::expand(input).into()
}

/// Generates the request types of all six token kinds from the spec (used once, inside
/// `token_validate`).
#[doc(hidden)]
#[proc_macro]
pub fn generate_requests(_input: TokenStream) -> TokenStream {
    generate::generate(token_spec::bundled()).into()
}
