//! The request layer: the request types generated from the spec (`generated.rs`), the
//! traits a request type implements (`traits.rs`) and the error of an unknown kind name
//! (`kind.rs`).

mod generated;
mod kind;
pub(crate) mod traits;

pub use generated::*;
pub use kind::UnknownKind;
pub(crate) use kind::no_kind;
pub(crate) use traits::validate_params;
pub use traits::{TokenObject, TokenRequest};
