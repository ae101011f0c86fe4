#![doc = include_str!("../README.md")]
//!
//! # Where things are
//!
//! - [`bundled`] (the spec as shipped), [`Spec::from_texts`] (any pair of files, every
//!   problem reported as a [`SpecErrors`]), and the loaded form: [`Spec`], its [`Node`]s by
//!   [`NodeId`], [`Kind`]s and [`Rule`]s.
//! - The files' own model: [`model`] ([`model::StructureFile`], [`model::RulesFile`],
//!   [`model::AcceptedFile`], [`model::VersionsFile`]) and their meta-schemas,
//!   [`meta_schemas`], [`accepted_meta_schema`] and [`versions_meta_schema`];
//!   [`Spec::from_versioned_texts`] loads the four files.
//! - API versions: [`history`] (how a version is read, the version gates' changelog);
//!   the gates themselves are [`Spec::gates`] ([`Gate`]).
//! - JSON Schema: [`Spec::kind_schema`], [`Spec::request_schema`], [`Spec::node_schema`].
//! - [`import`]: Stripe's OpenAPI into a structure; [`diff`]: two structures compared.
//! - [`rules`]: the named rules of `rules.json` and the [`Check`]s they compile to.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diff;
pub mod history;
mod id;
pub mod import;
mod ir;
mod load;
pub mod model;
mod path;
pub mod rules;
mod schema;
mod suggest;

use std::sync::LazyLock;

pub use id::NodeId;
pub use ir::{Accepted, Gate, Generic, Item, ItemTy, Kind, Node, Rule, Spec, Ty};
pub use load::{GENERIC_ERRORS, HTTP_ERRORS, SpecError, SpecErrors};
pub use path::{join_path, relative_path, split_path};
pub use rules::Check;
pub use schema::DIALECT;
pub use suggest::{distance_within, strsim_distance};

/// The bundled structure file (`spec/params.json`).
pub const BUNDLED_STRUCTURE: &str = include_str!("../spec/params.json");
/// The bundled rules file (`spec/rules.json`).
pub const BUNDLED_RULES: &str = include_str!("../spec/rules.json");
/// The bundled file of what Stripe accepts beyond its OpenAPI (`spec/accepted.json`).
pub const BUNDLED_ACCEPTED: &str = include_str!("../spec/accepted.json");
/// The bundled version gates (`spec/versions.json`).
pub const BUNDLED_VERSIONS: &str = include_str!("../spec/versions.json");

static BUNDLED: LazyLock<Spec> = LazyLock::new(|| {
    match Spec::from_versioned_texts(
        BUNDLED_STRUCTURE,
        BUNDLED_RULES,
        BUNDLED_ACCEPTED,
        BUNDLED_VERSIONS,
        (
            "spec/params.json",
            "spec/rules.json",
            "spec/accepted.json",
            "spec/versions.json",
        ),
    ) {
        Ok(spec) => spec,
        // The bundled files are checked by this crate's tests; reaching this is a build of a
        // modified, broken spec.
        Err(e) => panic!("the bundled token spec does not load:\n{e}"),
    }
});

/// The bundled spec (Stripe API version `2026-11-18.endive`, with the version gates of
/// `spec/versions.json`), loaded once.
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

/// The meta-schema of `spec/accepted.json` ([`model::AcceptedFile`]), derived with
/// `schemars`.
pub fn accepted_meta_schema() -> schemars::Schema {
    schemars::schema_for!(model::AcceptedFile)
}

/// The meta-schema of `spec/versions.json` ([`model::VersionsFile`]), derived with
/// `schemars`.
pub fn versions_meta_schema() -> schemars::Schema {
    schemars::schema_for!(model::VersionsFile)
}
