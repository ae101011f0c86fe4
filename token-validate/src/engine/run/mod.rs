//! One validation run: the [`Run`] that collects Stripe's errors while the generated
//! validators read a body, and the types they pass it.
//!
//! `record.rs` holds the run and its fields; the other files are its methods by concern:
//! `judge.rs` (a value's type, limit and enum), `pairs.rs` (a form pair's conflicts with
//! what was sent before), `learned.rs` (parameters learned from a newer OpenAPI document).
//! The run's fields are private to this folder: the drivers (`engine/form.rs`,
//! `engine/json.rs`) and the generated code reach the run through its methods only.

mod judge;
mod learned;
mod pairs;
mod record;

pub use record::*;
