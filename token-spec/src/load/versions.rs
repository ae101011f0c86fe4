//! `versions.json`: the version gates, each compiled with the older parameters it keeps.

use std::collections::{HashMap, HashSet};

use super::error_defs::check_template;
use super::report::{Problems, unknown_param};
use super::structure::{check_history, check_param, param_node};
use crate::history::release_date;
use crate::id::NodeId;
use crate::ir::{Gate, Node, Ty};
use crate::model::VersionsFile;
use crate::path::split_path;

/// Checks the version gates of `versions.json` and compiles them: each gate's older
/// parameters become nodes that exist only before it, and today's parameters that came
/// with it are marked.
pub(super) fn add_gates(
    vx: &mut Problems<'_>,
    versions: &VersionsFile,
    api_version: &str,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
) -> Vec<Gate> {
    let mut gates = Vec::new();
    let mut ids = HashSet::new();
    // A request's place among the gates is a bit each (`u64`).
    if versions.gates.len() > 64 {
        vx.err("gates", "at most 64 version gates");
        return gates;
    }
    let mut last: Option<(u16, u8, u8)> = None;
    for (gi, g) in versions.gates.iter().enumerate() {
        let place = format!("gates[{gi}] ({})", g.version);
        let Some(date) = release_date(&g.version) else {
            vx.err(
                &place,
                format!(
                    "`{}` is not an API version (YYYY-MM-DD or YYYY-MM-DD.name)",
                    g.version
                ),
            );
            continue;
        };
        if last.is_some_and(|l| date <= l) {
            vx.err(&place, "gates are listed oldest first, one per version");
        }
        last = Some(date);
        if release_date(api_version).is_some_and(|v| date > v) {
            vx.err(
                &place,
                format!("the gate is after the structure's API version `{api_version}`"),
            );
        }
        if g.id.trim().is_empty() || !ids.insert(g.id.clone()) {
            vx.err(
                &place,
                format!("`id` must be unique and not empty (`{}`)", g.id),
            );
        }
        for (field, text) in [("change", &g.change), ("source", &g.source)] {
            if text.trim().is_empty() {
                vx.err(&place, format!("every gate needs its `{field}`"));
            }
        }
        let index = gates.len();
        // Objects of today's structure (or the body).
        let objects = |vx: &mut Problems<'_>, field: &str, paths: &[String]| -> Vec<NodeId> {
            let mut out = Vec::new();
            for p in paths {
                if p.is_empty() {
                    out.push(NodeId::ROOT);
                    continue;
                }
                match by_path.get(p) {
                    Some(id)
                        if matches!(nodes[id.index()].ty, Ty::Object { .. })
                            && nodes[id.index()].until.is_none() =>
                    {
                        out.push(*id)
                    }
                    Some(_) => vx.err(
                        &place,
                        format!("`{field}`: `{p}` is not an object of today's spec"),
                    ),
                    None => vx.err(&place, format!("`{field}`: {}", unknown_param(p, by_path))),
                }
            }
            out
        };
        let unknown_ignored_before =
            objects(vx, "unknown_ignored_before", &g.unknown_ignored_before);
        let missing_before = g.missing_before.as_ref().map(|m| {
            check_template(vx, &place, &m.error, true);
            (objects(vx, "missing_before", &m.within), m.error.clone())
        });
        // The older parameters.
        let mut removed = Vec::new();
        let mut skipped: Vec<&str> = Vec::new();
        for (i, p) in g.removed.iter().enumerate() {
            let place = format!("{place} removed[{i}] ({})", p.path);
            let Some(segs) = split_path(&p.path) else {
                vx.err(
                    &place,
                    format!("`{}` is not a bracket path like `a[b][c]`", p.path),
                );
                continue;
            };
            let parent_path = &p.path[..p.path.rfind('[').unwrap_or(0)];
            // One element of a list of objects: the record of its shape, not checked.
            if skipped.contains(&parent_path) {
                skipped.push(&p.path);
                continue;
            }
            if by_path.contains_key(&p.path) {
                vx.err(&place, format!("`{}` is already a parameter", p.path));
                continue;
            }
            let parent = if segs.len() == 1 {
                NodeId::ROOT
            } else {
                match by_path.get(parent_path) {
                    Some(id) if matches!(nodes[id.index()].ty, Ty::Object { .. }) => *id,
                    Some(_) => {
                        vx.err(&place, format!("parent `{parent_path}` is not an object"));
                        continue;
                    }
                    None => {
                        vx.err(
                            &place,
                            format!("parent `{parent_path}` is not declared before it"),
                        );
                        continue;
                    }
                }
            };
            let Some(ty) = check_param(vx, &place, p) else {
                continue;
            };
            check_history(vx, &place, p, api_version, None);
            let id = NodeId(nodes.len() as u32);
            nodes[parent.index()].children.push(id);
            by_path.insert(p.path.clone(), id);
            let mut node = param_node(p, segs[segs.len() - 1], parent, ty);
            node.until = Some(index);
            nodes.push(node);
            removed.push(id);
            if p.list {
                skipped.push(&p.path);
            }
        }
        for p in &g.secret {
            match by_path.get(p) {
                Some(id)
                    if removed.contains(id)
                        && !matches!(nodes[id.index()].ty, Ty::Object { .. }) =>
                {
                    nodes[id.index()].secret = true
                }
                _ => vx.err(
                    &place,
                    format!(
                        "`secret`: `{p}` is not a single-value parameter of this gate's `removed`"
                    ),
                ),
            }
        }
        // Today's parameters that came with it.
        let mut added = Vec::new();
        for p in &g.added {
            match by_path.get(p) {
                Some(id)
                    if nodes[id.index()].until.is_none()
                        && nodes[id.index()].accepted.is_none() =>
                {
                    if nodes[id.index()].added_at.is_some() {
                        vx.err(
                            &place,
                            format!("`added`: `{p}` came with another gate already"),
                        );
                    }
                    nodes[id.index()].added_at = Some(index);
                    added.push(*id);
                }
                Some(_) => vx.err(
                    &place,
                    format!("`added`: `{p}` is not a parameter of today's structure"),
                ),
                None => vx.err(&place, format!("`added`: {}", unknown_param(p, by_path))),
            }
        }
        match (&g.added_before, added.is_empty()) {
            (Some(e), _) => check_template(vx, &place, e, true),
            (None, false) => vx.err(&place, "a gate with `added` needs `added_before`, the warning for them under an older version"),
            (None, true) => {}
        }
        gates.push(Gate {
            version: g.version.clone(),
            date,
            id: g.id.clone(),
            change: g.change.clone(),
            source: g.source.clone(),
            confidence: g.confidence,
            notes: g.notes.clone(),
            unknown_ignored_before,
            missing_before,
            removed,
            added,
            added_before: g.added_before.clone(),
        });
    }
    gates
}
