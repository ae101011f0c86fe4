//! `accepted.json`: parameters Stripe accepts beyond its OpenAPI, added to the tree with
//! their rules.

use std::collections::{HashMap, HashSet};

use super::compile::compile_rules;
use super::report::{Problems, unknown_param};
use super::structure::{NoParent, parent_node};
use crate::id::NodeId;
use crate::ir::{Accepted, Kind, Node, Rule, Ty};
use crate::model::{AcceptedDef, AcceptedFile, AcceptedWhat, TypeName};
use crate::path::split_path;

/// Adds the parameters of `accepted.json` to the tree (each checked: a new path under an
/// object of the structure, a type the evidence gives, its kind and what it stands in for),
/// then their rules; an alias takes its parameter's type, secrecy and rules.
pub(super) fn add_accepted(
    ax: &mut Problems<'_>,
    accepted: &AcceptedFile,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
    kinds: &mut [Kind],
    out_rules: &mut Vec<Rule>,
    seen_ids: &mut HashSet<String>,
) {
    let mut aliases = Vec::new();
    for (i, a) in accepted.params.iter().enumerate() {
        let place = format!("params[{i}] ({})", a.path);
        if let Some(id) = accepted_node(ax, &place, a, nodes, by_path, kinds)
            && nodes[id.index()]
                .accepted
                .as_ref()
                .is_some_and(|x| x.alias_of.is_some())
        {
            aliases.push(id);
        }
    }
    compile_rules(
        ax,
        &accepted.rules,
        "rules",
        nodes,
        by_path,
        out_rules,
        seen_ids,
    );
    // An alias is judged by its parameter's rules (those of rules.json and of this file).
    for alias in aliases {
        let Some(target) = nodes[alias.index()]
            .accepted
            .as_ref()
            .and_then(|a| a.alias_of)
        else {
            continue;
        };
        for r in nodes[target.index()].rules.clone() {
            let mut copy = out_rules[r].clone();
            copy.target = alias;
            nodes[alias.index()].rules.push(out_rules.len());
            out_rules.push(copy);
        }
    }
}

/// Checks one entry of `accepted.json` and adds its node; `None` (and errors) when it does
/// not fit.
fn accepted_node(
    ax: &mut Problems<'_>,
    place: &str,
    a: &AcceptedDef,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
    kinds: &mut [Kind],
) -> Option<NodeId> {
    let Some(segs) = split_path(&a.path) else {
        ax.err(
            place,
            format!("`{}` is not a bracket path like `a[b][c]`", a.path),
        );
        return None;
    };
    if by_path.contains_key(&a.path) {
        ax.err(
            place,
            format!(
                "`{}` is already a parameter (Stripe's OpenAPI has it now, or it is listed twice): remove this entry",
                a.path
            ),
        );
        return None;
    }
    let parent = match parent_node(&a.path, segs.len(), by_path, nodes) {
        Ok(id) => id,
        Err(NoParent::NotObject(parent_path)) => {
            ax.err(place, format!("parent `{parent_path}` is not an object"));
            return None;
        }
        Err(NoParent::Missing(parent_path)) => {
            ax.err(place, unknown_param(parent_path, by_path));
            return None;
        }
    };
    let top_level = parent == NodeId::ROOT;
    let mut ok = true;
    // The type: an alias's is its parameter's; otherwise what the entry says (a string by
    // default), one of the types a client field can have.
    let (ty, alias_of, target_secret, target_unset) = match &a.alias_of {
        Some(target_path) => {
            let target = match by_path.get(target_path) {
                Some(t) => *t,
                None => {
                    ax.err(
                        place,
                        format!("`alias_of`: {}", unknown_param(target_path, by_path)),
                    );
                    return None;
                }
            };
            let t = &nodes[target.index()];
            if t.parent != Some(parent) || t.accepted.is_some() {
                ax.err(
                    place,
                    format!("`alias_of` must name a sibling of the structure, not `{target_path}`"),
                );
                return None;
            }
            if matches!(t.ty, Ty::Object { .. } | Ty::Array { .. } | Ty::Map) {
                ax.err(
                    place,
                    format!("`alias_of`: `{target_path}` is not a single value"),
                );
                return None;
            }
            if a.ty.is_some() || a.max_length.is_some() {
                ax.err(
                    place,
                    "an alias takes its parameter's type and limits: remove `type` and `max_length`",
                );
                ok = false;
            }
            (t.ty.clone(), Some(target), t.secret, t.unset)
        }
        None => {
            let ty = match a.ty.unwrap_or(TypeName::String) {
                TypeName::String => Ty::String {
                    max_length: a.max_length,
                    format: None,
                },
                TypeName::Integer => Ty::Integer {
                    format: None,
                    min: None,
                    max: None,
                    from_string: None,
                },
                TypeName::Boolean => Ty::Boolean,
                TypeName::Map => Ty::Map,
                other => {
                    ax.err(
                        place,
                        format!(
                            "an accepted parameter is a string, integer, boolean or map, not {}",
                            other.as_str()
                        ),
                    );
                    return None;
                }
            };
            if a.max_length.is_some() && !matches!(ty, Ty::String { .. }) {
                ax.err(place, "`max_length` applies to a string");
                ok = false;
            }
            if a.max_length == Some(0) {
                ax.err(place, "impossible limit: max_length 0 admits no value");
                ok = false;
            }
            (ty, None, false, false)
        }
    };
    if (a.what == AcceptedWhat::Alias) != alias_of.is_some() {
        ax.err(
            place,
            "an alias (`what: alias`) and only an alias has `alias_of`",
        );
        ok = false;
    }
    if let Some(k) = &a.kind
        && (!top_level || !kinds.iter().any(|x| x.name == *k))
    {
        ax.err(
            place,
            format!("`kind` names a token kind (not `{k}`), on a top-level parameter"),
        );
        ok = false;
    }
    if a.selects_kind && a.kind.is_none() {
        ax.err(place, "`selects_kind` needs `kind`");
        ok = false;
    }
    let mut replaced = Vec::new();
    for r in &a.replaces {
        match by_path.get(r) {
            Some(id) if top_level && nodes[id.index()].required => replaced.push(*id),
            Some(_) => {
                ax.err(
                    place,
                    format!(
                        "`replaces` names required parameters, on a top-level parameter (`{r}`)"
                    ),
                );
                ok = false;
            }
            None => {
                ax.err(place, format!("`replaces`: {}", unknown_param(r, by_path)));
                ok = false;
            }
        }
    }
    if a.source.trim().is_empty() {
        ax.err(place, "every entry needs its `source`");
        ok = false;
    }
    if !ok {
        return None;
    }
    let id = NodeId(nodes.len() as u32);
    nodes[parent.index()].children.push(id);
    by_path.insert(a.path.clone(), id);
    nodes.push(Node {
        path: a.path.clone(),
        name: segs[segs.len() - 1].to_string(),
        parent: Some(parent),
        children: Vec::new(),
        ty,
        required: false,
        unset: a.unset || target_unset,
        secret: a.secret || target_secret,
        doc: a.doc.clone(),
        rules: Vec::new(),
        accepted: Some(Accepted {
            what: a.what,
            alias_of,
            kind: a.kind.clone(),
            source: a.source.clone(),
            confidence: a.confidence,
        }),
        aliases: Vec::new(),
        required_unless: Vec::new(),
        since: None,
        source: None,
        inferred: Vec::new(),
        until: None,
        added_at: None,
        list: false,
    });
    if let Some(target) = alias_of {
        nodes[target.index()].aliases.push(id);
    }
    for r in replaced {
        nodes[r.index()].required_unless.push(id);
    }
    if a.selects_kind
        && let Some(k) = kinds.iter_mut().find(|k| Some(&k.name) == a.kind.as_ref())
    {
        k.implied_by.push(id);
    }
    Some(id)
}
