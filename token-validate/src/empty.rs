//! What an empty object or array in a body means.
//!
//! Stripe's form encoding cannot send an empty object or array: `{"person": {}}`,
//! `{"person": {"metadata": {}}}` and `"expand": []` have no pairs, so Stripe (and a
//! client library that encodes them) sees nothing. This module makes the JSON body mean
//! the same, so that every accepted request re-encodes in both formats to a request that
//! validates to an equal value:
//!
//! - an empty array, an empty map (`metadata`), or an object of the spec whose contents
//!   send nothing (recursively) stands for **nothing sent**, and is dropped before
//!   validation;
//! - except an object with a **required** parameter (`{"cvc_update": {}}`, `{"card": {}}`,
//!   `{"person": {"dob": {}}}`): it is kept, and its required parameters are reported
//!   missing (`Missing required param: cvc_update[cvc].`), as before;
//! - an unknown key is always kept, whatever its value, so that it is reported.
//!
//! So `{"person": {}}` answers like an empty body ("You must supply either a card, …"), and
//! `{"card": {…}, "expand": []}` is the card request without `expand`.

use token_spec::{NodeId, Spec, Ty};

use crate::tree::{Object, Value};

/// Whether `value`, at node `id`, sends nothing and may be dropped.
fn sends_nothing(spec: &Spec, id: NodeId, value: &Value) -> bool {
    let node = spec.node(id);
    match (&node.ty, value) {
        (Ty::Array { .. }, Value::Array(items)) => items.is_empty(),
        (Ty::Map, Value::Object(o)) => o.is_empty(),
        (Ty::Object { .. }, Value::Object(o)) => {
            !has_required(spec, id)
                && o.iter()
                    .all(|(k, v)| spec.child(id, k).is_some_and(|c| sends_nothing(spec, c, v)))
        }
        // A scalar sends a value; a container of the wrong type is reported by the
        // validator.
        _ => false,
    }
}

fn has_required(spec: &Spec, id: NodeId) -> bool {
    spec.node(id)
        .children
        .iter()
        .any(|&c| spec.node(c).required)
}

/// Whether the body holds anything [`drop_empty`] would drop.
pub(crate) fn has_empty(spec: &Spec, body: &Object) -> bool {
    fn walk(spec: &Spec, id: NodeId, obj: &Object) -> bool {
        obj.iter().any(|(k, v)| match spec.child(id, k) {
            None => false,
            Some(c) => {
                sends_nothing(spec, c, v)
                    || matches!((&spec.node(c).ty, v), (Ty::Object { .. }, Value::Object(o)) if walk(spec, c, o))
            }
        })
    }
    walk(spec, NodeId::ROOT, body)
}

/// Drops from the body every empty container that stands for nothing sent (see the
/// module docs). Keys keep their order and spans.
pub(crate) fn drop_empty(spec: &Spec, body: &mut Object) {
    fn walk(spec: &Spec, id: NodeId, obj: &mut Object) {
        obj.retain(|k, v| match spec.child(id, k) {
            None => true,
            Some(c) => {
                if let (Ty::Object { .. }, Value::Object(o)) = (&spec.node(c).ty, &mut *v) {
                    walk(spec, c, o);
                }
                !sends_nothing(spec, c, v)
            }
        });
    }
    walk(spec, NodeId::ROOT, body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Limits, parse_json};

    fn dropped(json: &str) -> Object {
        let spec = token_spec::bundled();
        let mut o = parse_json(json.as_bytes(), &Limits::default()).unwrap();
        let had = has_empty(spec, &o);
        let before = o.clone();
        drop_empty(spec, &mut o);
        assert_eq!(had, o != before, "{json}");
        o
    }

    fn same(a: &str, b: &str) {
        assert_eq!(dropped(a), dropped(b), "{a} vs {b}");
    }

    #[test]
    fn empties_stand_for_nothing() {
        same(r#"{"person": {}}"#, "{}");
        same(r#"{"pii": {}}"#, "{}");
        same(r#"{"person": {"metadata": {}}}"#, "{}");
        same(
            r#"{"person": {"address": {}, "full_name_aliases": []}}"#,
            "{}",
        );
        same(r#"{"account": {"individual": {"address": {}}}}"#, "{}");
        same(
            r#"{"card": {"number": "4242"}, "expand": []}"#,
            r#"{"card": {"number": "4242"}}"#,
        );
        same(
            r#"{"person": {"first_name": "J", "address": {}}}"#,
            r#"{"person": {"first_name": "J"}}"#,
        );
    }

    #[test]
    fn what_is_kept() {
        // Required parameters inside: reported missing.
        for kept in [
            r#"{"cvc_update": {}}"#,
            r#"{"card": {}}"#,
            r#"{"bank_account": {}}"#,
            r#"{"person": {"dob": {}}}"#,
            // Unknown keys, and containers of the wrong type, are reported.
            r#"{"zzz": {}}"#,
            r#"{"person": {"zzz": []}}"#,
            r#"{"expand": {}}"#,
            r#"{"person": {"metadata": []}}"#,
            r#"{"person": {"metadata": {"k": {}}}}"#,
            // Something is sent.
            r#"{"expand": [""]}"#,
            r#"{"person": {"first_name": ""}}"#,
        ] {
            let spec = token_spec::bundled();
            let o = parse_json(kept.as_bytes(), &Limits::default()).unwrap();
            assert!(!has_empty(spec, &o), "{kept}");
            same(kept, kept);
            assert_eq!(dropped(kept), o, "{kept}");
        }
    }
}
