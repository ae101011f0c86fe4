//! The request layer: the request types generated from the spec (`generated.rs`), the
//! traits a request type implements (`traits.rs`), the error of an unknown kind name
//! (`kind.rs`), and what the request types are made of: `decimal.rs` (the `number`
//! parameters' exact decimals), `from_param.rs` (a typed value from its parameters),
//! `secret.rs` (secret values, redacted in `Debug`), `lenient.rs` (the serde impls that read
//! what the validators accept).

pub mod decimal;
pub(crate) mod from_param;
mod generated;
mod kind;
pub mod lenient;
pub(crate) mod secret;
pub(crate) mod traits;

pub use generated::*;
pub use kind::UnknownKind;
pub(crate) use kind::no_kind;
pub(crate) use traits::validate_params;
pub use traits::{TokenObject, TokenRequest};
