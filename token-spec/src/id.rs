//! [`NodeId`]: the name of a parameter in the loaded spec. A leaf below the IR and the rules,
//! which both name nodes.

/// The index of a node in [`Spec::nodes`](crate::Spec::nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The request body itself: the root of the tree.
    pub const ROOT: NodeId = NodeId(0);
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
