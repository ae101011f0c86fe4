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

// The pipeline follows garde_derive: `syntax` parses, `check` checks against the spec and
// collects every error (as serde_derive's `Ctxt`), `emit` writes the impls, or a fallback
// impl when checking failed so that only the real errors show.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod check;
mod emit;
mod generate;
mod syntax;
#[cfg(test)]
mod tests;
mod validator;

use proc_macro::TokenStream;

/// Checks a struct against the spec and implements `TokenRequest` (validation and Stripe's
/// form encoding) for it. See the crate documentation for the attributes.
#[proc_macro_derive(TokenRequest, attributes(token))]
pub fn derive_token_request(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand_derive(input).into()
}

/// The derive's expansion: the impls, or every error found plus impls that keep the rest of
/// the build quiet.
pub(crate) fn expand_derive(input: syn::DeriveInput) -> proc_macro2::TokenStream {
    let spec = token_spec::bundled();
    let mut cx = syntax::Ctxt::default();
    let Some(cont) = syntax::Container::parse(&mut cx, &input) else {
        return cx.into_compile_errors();
    };
    let checked = check::check(&mut cx, spec, &cont);
    match checked {
        Some(c) if !cx.has_errors() => emit::emit(spec, &cont, &c),
        _ => {
            let fb = emit::fallback(&cont);
            let errs = cx.into_compile_errors();
            quote::quote! { #errs #fb }
        }
    }
}

/// Generates the request types of all six token kinds from the spec (used once, inside
/// `token_validate`).
#[doc(hidden)]
#[proc_macro]
pub fn generate_requests(_input: TokenStream) -> TokenStream {
    generate::generate(token_spec::bundled()).into()
}
