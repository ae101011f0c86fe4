//! The paths of `token_validate` that the expansions name. The hidden module the generated
//! code calls carries this crate's version (`__private_0_2`), as serde's `__private228`
//! does: token-validate pins token-derive with `=` and names its module from its own
//! version, so a mismatched pair fails with "could not find `__private_…`" instead of
//! obscure type errors. This is the one place the name is spelled.

use proc_macro2::TokenStream;

/// `::token_validate::__private_{MAJOR}_{MINOR}`, from this crate's version.
pub(crate) const PRIVATE: &str = concat!(
    "::token_validate::__private_",
    env!("CARGO_PKG_VERSION_MAJOR"),
    "_",
    env!("CARGO_PKG_VERSION_MINOR")
);

/// [`PRIVATE`] as a path for `quote!`.
pub(crate) fn private() -> TokenStream {
    PRIVATE
        .parse()
        .unwrap_or_else(|e| panic!("`{PRIVATE}` is a path: {e}"))
}

/// An item of [`PRIVATE`] as a string, for attributes that take a path in a string
/// (`#[serde(crate = "…")]`, `deserialize_with = "…"`).
pub(crate) fn private_str(item: &str) -> String {
    format!("{PRIVATE}::{item}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_path_carries_the_version() {
        let want = format!(
            ":: token_validate :: __private_{}_{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(private().to_string(), want);
        assert_eq!(
            private_str("serde"),
            format!("{PRIVATE}::serde").replace(' ', "")
        );
    }
}
