//! A bracket key walked through the spec segment by segment: what a reader of bodies that
//! knows nothing else of Stripe's parameters needs to read a key as Stripe reads it.

use crate::id::NodeId;
use crate::ir::{Spec, Ty};

/// A bracket key (`person[metadata][2024]`) walked through the spec one segment at a time
/// from the request's root (its first segment is a top-level parameter's name),
/// to tell a map's keys from array indexes: every segment right under a map parameter is a
/// key, digits or not (`person[metadata][2024]=x` sets the key `2024`), while under an
/// array a segment of ASCII digits is an index and `[]` a push. A key the spec does not
/// know walks off the spec and reads generically from there on.
///
/// ```
/// let spec = token_spec::bundled();
/// let mut walk = spec.walk();
/// assert!(!walk.next_is_map_key("person"));
/// assert!(!walk.next_is_map_key("metadata"));
/// assert!(walk.next_is_map_key("2024"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct KeyWalk<'s> {
    spec: &'s Spec,
    at: Option<NodeId>,
}

impl Spec {
    /// Starts walking a key at the request's root: its first segment is then a top-level
    /// parameter's name (never a map's key).
    pub fn walk(&self) -> KeyWalk<'_> {
        KeyWalk {
            spec: self,
            at: Some(NodeId::ROOT),
        }
    }
}

impl KeyWalk<'_> {
    /// Whether `segment`, the next segment of the key, is a map's key; then steps over it
    /// (past a map's key, or off the spec, the walk knows nothing more and says `false`).
    pub fn next_is_map_key(&mut self, segment: &str) -> bool {
        let Some(node) = self.at else {
            return false;
        };
        match self.spec.node(node).ty {
            Ty::Map => {
                self.at = None;
                true
            }
            // An index or `[]` stays on the array (its items' fields are its children).
            Ty::Array { .. }
                if segment.is_empty() || segment.bytes().all(|b| b.is_ascii_digit()) =>
            {
                false
            }
            _ => {
                self.at = self.spec.child(node, segment);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::bundled;

    /// Walks a key's segments after the first: which of them are map keys (the first, a
    /// top-level name, never is).
    fn keys(path: &[&str]) -> Vec<bool> {
        let mut walk = bundled().walk();
        assert!(!walk.next_is_map_key(path[0]), "{path:?}");
        path[1..].iter().map(|s| walk.next_is_map_key(s)).collect()
    }

    #[test]
    fn under_a_map_every_segment_is_a_key() {
        assert_eq!(keys(&["person", "metadata", "2024"]), [false, true]);
        assert_eq!(
            keys(&["account", "individual", "metadata", "0"]),
            [false, false, true]
        );
    }

    #[test]
    fn under_an_array_digits_are_indexes() {
        assert_eq!(keys(&["person", "full_name_aliases", "0"]), [false, false]);
        assert_eq!(keys(&["person", "full_name_aliases", ""]), [false, false]);
    }

    #[test]
    fn off_the_spec_nothing_is_a_key() {
        assert_eq!(keys(&["nope", "metadata", "2024"]), [false, false]);
        assert_eq!(keys(&["person", "nope", "2024"]), [false, false]);
    }

    #[test]
    fn past_a_map_key_the_walk_knows_nothing() {
        assert_eq!(
            keys(&["person", "metadata", "a", "b"]),
            [false, true, false]
        );
    }
}
