//! Dropping the parameters the spec does not know from a parameter tree: for the typed
//! conversion of a request validated with [`UnknownParams::Ignore`](crate::UnknownParams).

use token_spec::{NodeId, Spec, Ty};

use crate::tree::{Object, Value};

/// The tree without the parameters the spec does not know (at any depth; the keys of a
/// map such as `metadata` are all kept), for the typed conversion of a request validated
/// with [`UnknownParams::Ignore`](crate::UnknownParams::Ignore).
pub(crate) fn known_only(spec: &Spec, tree: Object) -> Object {
    known_children(spec, NodeId::ROOT, tree)
}

fn known_children(spec: &Spec, id: NodeId, obj: Object) -> Object {
    let mut out = Object::new();
    for (key, value) in obj {
        let Some(child) = spec.child(id, &key) else {
            continue;
        };
        let value = match (&spec.node(child).ty, value) {
            (Ty::Object { .. }, Value::Object(o)) => Value::Object(known_children(spec, child, o)),
            (_, v) => v,
        };
        out.insert(key, value);
    }
    out
}
