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

mod bundled;
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
mod walk;

pub use bundled::{BUNDLED_ACCEPTED, BUNDLED_RULES, BUNDLED_STRUCTURE, BUNDLED_VERSIONS, bundled};
pub use id::NodeId;
pub use ir::{
    Accepted, GENERIC_ERRORS, Gate, Generic, HTTP_ERRORS, Item, ItemTy, Kind, Node, Rule, Spec, Ty,
};
pub use load::{SpecError, SpecErrors};
pub use model::{accepted_meta_schema, meta_schemas, versions_meta_schema};
pub use path::{join_path, relative_path, split_path};
pub use rules::Check;
pub use schema::DIALECT;
pub use suggest::{distance_within, strsim_distance};
pub use walk::KeyWalk;
