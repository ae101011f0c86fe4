//! Parameter trees: a value model of a request body ([`Object`], [`Value`], [`Scalar`]),
//! read from a form body with [`parse_form`] and written back with [`encode_form`].
//!
//! A tree validates nothing and knows one thing of Stripe's parameters, asked of the spec
//! ([`token_spec::KeyWalk`]): that every segment under a map parameter (`person[metadata]`)
//! is a key, digits or not, as Stripe reads it. The validators read
//! bodies directly (see [`crate::validate_form`]); [`crate::validate_tree`] feeds a tree's
//! parameters to them as a body's would be. Trees are for code that wants to look at or
//! build a body generically. A [`Scalar`]'s `Debug` redacts its text, so trees can be
//! logged safely.
//!
//! Inside: `value.rs` (the model, and trees as parameters), `insert.rs` (placing a key's
//! value, conflicts between keys), `parse.rs` (form and JSON bodies, typed values' parameters
//! into trees), `encode.rs` (trees back into form bodies).

mod encode;
mod insert;
mod parse;
mod value;

pub use crate::options::{HARD_MAX_DEPTH, Limits};
pub use crate::parse_error::{ParseError, ParseErrorKind};
pub use encode::encode_form;
pub(crate) use parse::TreeBuilder;
pub use parse::{parse_form, parse_json};
pub(crate) use value::merge_under;
pub use value::{IntoIter, Object, Origin, Scalar, Value, bracket_path};

#[cfg(test)]
mod tests;
