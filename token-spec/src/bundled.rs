//! The spec as shipped: the four files compiled in, loaded once.

use std::sync::LazyLock;

use crate::ir::Spec;

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
