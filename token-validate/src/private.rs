//! `__private_0_2`: what the code `token-derive` generates calls, and nothing else; re-exports
//! only. Named for the version (major and minor) because token-validate pins token-derive
//! with `=`: a mismatched pair fails with "could not find `__private_…`". A minor release
//! renames it (lib.rs's `#[path]` declaration and nothing else: token-derive spells the
//! name from its own version). Not a public interface.

pub use crate::request::from_param::derive as from;
pub use crate::request::from_param::derive::str_eq;
pub use crate::request::lenient as de;
pub use crate::request::secret::{Redacted, deserialize as deserialize_secret};
pub use crate::tree::{Object, Value};
pub use schemars;
pub use serde;

/// What the generated validators call.
pub mod v {
    pub use crate::checks;
    pub use crate::context::{KeyType, Mode};
    pub use crate::engine::json;
    pub use crate::engine::run::{
        ArraySlot, ArrayTy, Item, MapSlot, ObjectSlot, ObjectTy, Run, ScalarTy, Seg, Shape, Slot,
        State, Text, Unchecked, Unset,
    };
    pub use crate::engine::typed;
    pub use crate::rules;
    pub use serde;
    pub use token_spec::NodeId;
    pub use token_spec::rules::{Brand, BrandTable, IinRange};
}

#[cfg(test)]
mod tests {
    /// The module's name carries the crate's major and minor version, as token-derive
    /// spells it from its own (pinned, equal) version.
    #[test]
    fn named_for_this_version() {
        assert_eq!(
            module_path!(),
            format!(
                "token_validate::__private_{}_{}::tests",
                env!("CARGO_PKG_VERSION_MAJOR"),
                env!("CARGO_PKG_VERSION_MINOR")
            )
        );
    }
}
