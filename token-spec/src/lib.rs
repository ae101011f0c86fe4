//! The declarative spec of every parameter of Stripe's `POST /v1/tokens`, with the
//! semantic and context rules Stripe enforces beyond its OpenAPI schema.
//!
//! The spec is data: `spec/params.json` (the structure, written by the OpenAPI importer)
//! and `spec/rules.json` (refinements, rules and errors, written by hand). This crate loads
//! and checks them ([`Spec::from_texts`]), and emits JSON Schema ([`Spec::kind_schema`]) and
//! the difference between two structures ([`diff::diff`]).
//!
//! ```
//! let spec = token_spec::bundled();
//! assert_eq!(spec.api_version, "2026-07-29.dahlia");
//! let number = spec.lookup("card[number]").unwrap();
//! assert!(spec.node(number).secret);
//! ```

#![warn(missing_docs)]

pub mod diff;
pub mod import;
mod ir;
mod load;
pub mod model;
pub mod rules;
mod schema;

use std::sync::LazyLock;

pub use ir::{Generic, Item, ItemTy, Kind, Node, NodeId, Rule, Spec, Ty};
pub use load::{
    GENERIC_ERRORS, SpecError, SpecErrors, distance_within, join_path, relative_path, split_path,
    strsim_distance,
};
pub use rules::Check;
pub use schema::DIALECT;

/// The bundled structure file (`spec/params.json`).
pub const BUNDLED_STRUCTURE: &str = include_str!("../spec/params.json");
/// The bundled rules file (`spec/rules.json`).
pub const BUNDLED_RULES: &str = include_str!("../spec/rules.json");

static BUNDLED: LazyLock<Spec> = LazyLock::new(|| {
    match Spec::from_texts(
        BUNDLED_STRUCTURE,
        BUNDLED_RULES,
        ("spec/params.json", "spec/rules.json"),
    ) {
        Ok(spec) => spec,
        // The bundled files are checked by this crate's tests; reaching this is a build of a
        // modified, broken spec.
        Err(e) => panic!("the bundled token spec does not load:\n{e}"),
    }
});

/// The bundled spec (Stripe API version `2026-07-29.dahlia`), loaded once.
pub fn bundled() -> &'static Spec {
    &BUNDLED
}

/// The meta-schema of the two spec files, derived from the file model with `schemars`:
/// `(structure, rules)`.
pub fn meta_schemas() -> (schemars::Schema, schemars::Schema) {
    (
        schemars::schema_for!(model::StructureFile),
        schemars::schema_for!(model::RulesFile),
    )
}
