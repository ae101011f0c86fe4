//! `rules.json`'s kinds: the token kinds, each a top-level object, with the order of its
//! parameters and what implies it.

use std::collections::{HashMap, HashSet};

use super::error_defs::check_template;
use super::report::{Problems, unknown_param};
use crate::id::NodeId;
use crate::ir::{Kind, Node, Ty};
use crate::model::RulesFile;

/// The kinds of `rules.kinds`, checked against the tree.
pub(super) fn kinds(
    rules: &RulesFile,
    by_path: &HashMap<String, NodeId>,
    nodes: &[Node],
    rx: &mut Problems<'_>,
) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let mut seen_kinds = HashSet::new();
    for (i, k) in rules.kinds.iter().enumerate() {
        let place = format!("kinds[{i}] ({})", k.name);
        if !seen_kinds.insert(k.name.clone()) {
            rx.err(&place, format!("duplicate kind `{}`", k.name));
        }
        match by_path.get(&k.param) {
            Some(id) if nodes[id.index()].parent == Some(NodeId::ROOT) => {
                if !matches!(nodes[id.index()].ty, Ty::Object { .. }) {
                    rx.err(&place, format!("`{}` is not an object", k.param));
                }
                if let Some(e) = &k.key_error {
                    check_template(rx, &place, e, false);
                }
                let mut order = Vec::new();
                for name in &k.order {
                    let child = nodes[id.index()]
                        .children
                        .iter()
                        .copied()
                        .find(|c| nodes[c.index()].name == *name);
                    match child {
                        Some(c) => order.push(c),
                        None => rx.err(
                            &place,
                            format!(
                                "`order` names `{name}`, which is not a parameter of `{}`",
                                k.param
                            ),
                        ),
                    }
                }
                let mut implied_by = Vec::new();
                for p in &k.implied_by {
                    match by_path.get(p) {
                        Some(i) if nodes[i.index()].parent == Some(NodeId::ROOT) => {
                            implied_by.push(*i)
                        }
                        Some(_) => rx.err(
                            &place,
                            format!("`implied_by` names `{p}`, which is not a top-level parameter"),
                        ),
                        None => rx.err(
                            &place,
                            format!("`implied_by`: {}", unknown_param(p, by_path)),
                        ),
                    }
                }
                kinds.push(Kind {
                    name: k.name.clone(),
                    node: *id,
                    implied_by,
                    order,
                    keys: k.keys.clone(),
                    key_error: k.key_error.clone(),
                });
            }
            Some(_) => rx.err(
                &place,
                format!("`{}` is not a top-level parameter", k.param),
            ),
            None => rx.err(&place, unknown_param(&k.param, by_path)),
        }
    }
    kinds
}
