//! The validation engine: one `Run` collects Stripe's errors while the generated
//! validators read a body, and the drivers feed it: [`json`] (the JSON scanner's driver),
//! `form` (the form scanner's driver) and [`typed`] (a typed request from the checked text).
//! Not a stable API: the generated code reaches it through `__private_0_2`.

pub(crate) mod form;
pub mod json;
pub(crate) mod run;
pub(crate) mod slot;
pub mod typed;
