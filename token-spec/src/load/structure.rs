//! The structure file (`params.json`): every parameter checked and put under its parent.

use std::collections::{HashMap, HashSet};

use super::report::Problems;
use crate::history::release_date;
use crate::id::NodeId;
use crate::ir::{Item, ItemTy, Node, Ty};
use crate::model::{InferredFact, ParamDef, StructureFile, TypeName};
use crate::path::split_path;

/// The tree of the structure file: the root (the request body) and every parameter under
/// its parent, each checked; with the index of the nodes by path.
pub(super) fn nodes(
    structure: &StructureFile,
    sx: &mut Problems<'_>,
) -> (Vec<Node>, HashMap<String, NodeId>) {
    let mut nodes = vec![Node {
        path: String::new(),
        name: String::new(),
        parent: None,
        children: Vec::new(),
        ty: Ty::Object {
            open: false,
            or_id: None,
        },
        required: false,
        unset: false,
        secret: false,
        doc: "The request body.".into(),
        rules: Vec::new(),
        accepted: None,
        aliases: Vec::new(),
        required_unless: Vec::new(),
        since: None,
        source: None,
        inferred: Vec::new(),
        until: None,
        added_at: None,
        list: false,
    }];
    let mut by_path: HashMap<String, NodeId> = HashMap::new();
    let mut seen_paths = HashSet::new();
    for (i, p) in structure.params.iter().enumerate() {
        let place = format!("params[{i}] ({})", p.path);
        let Some(segs) = split_path(&p.path) else {
            sx.err(
                place,
                format!("`{}` is not a bracket path like `a[b][c]`", p.path),
            );
            continue;
        };
        if !seen_paths.insert(p.path.as_str()) {
            sx.err(place, format!("duplicate parameter `{}`", p.path));
            continue;
        }
        let parent = match parent_node(&p.path, segs.len(), &by_path, &nodes) {
            Ok(id) => id,
            Err(NoParent::NotObject(parent_path)) => {
                sx.err(place, format!("parent `{parent_path}` is not an object"));
                continue;
            }
            Err(NoParent::Missing(parent_path)) => {
                sx.err(
                    place,
                    format!("parent `{parent_path}` is not declared before it"),
                );
                continue;
            }
        };
        // Refused, but the node is kept so that its children are not reported as
        // orphans: only a version gate's older parameters may be lists of objects.
        if p.list {
            sx.err(
                &place,
                "`list` (a list of objects, kept from an older API version by the importer) is not checked by the validators: such a parameter of an older version belongs to a version gate's `removed` (versions.json), where it is accepted unchecked",
            );
        }
        let Some(ty) = check_param(sx, &place, p) else {
            continue;
        };
        check_history(
            sx,
            &place,
            p,
            &structure.api_version,
            nodes[parent.index()].since.as_deref(),
        );
        let id = NodeId(nodes.len() as u32);
        nodes[parent.index()].children.push(id);
        by_path.insert(p.path.clone(), id);
        nodes.push(param_node(p, segs[segs.len() - 1], parent, ty));
    }

    (nodes, by_path)
}

/// Why a parameter's parent node could not be found ([`parent_node`]).
pub(super) enum NoParent<'a> {
    /// The parent path names a parameter that is not an object.
    NotObject(&'a str),
    /// The parent path names no parameter declared so far.
    Missing(&'a str),
}

/// The node of a parameter's parent, given its bracket path and how many segments it has:
/// the root for a top-level parameter, else the object its path less the last segment
/// names, which must already be in `by_path`.
pub(super) fn parent_node<'a>(
    path: &'a str,
    segments: usize,
    by_path: &HashMap<String, NodeId>,
    nodes: &[Node],
) -> Result<NodeId, NoParent<'a>> {
    if segments == 1 {
        return Ok(NodeId::ROOT);
    }
    let parent_path = &path[..path.rfind('[').unwrap_or(0)];
    match by_path.get(parent_path) {
        Some(id) if matches!(nodes[id.index()].ty, Ty::Object { .. }) => Ok(*id),
        Some(_) => Err(NoParent::NotObject(parent_path)),
        None => Err(NoParent::Missing(parent_path)),
    }
}

/// The node of a parameter definition (of the structure, or of a version gate).
pub(super) fn param_node(p: &ParamDef, name: &str, parent: NodeId, ty: Ty) -> Node {
    Node {
        path: p.path.clone(),
        name: name.to_string(),
        parent: Some(parent),
        children: Vec::new(),
        ty,
        required: p.required,
        unset: p.unset,
        secret: false,
        doc: p.doc.clone(),
        rules: Vec::new(),
        accepted: None,
        aliases: Vec::new(),
        required_unless: Vec::new(),
        since: p.since.clone(),
        source: (!p.source.is_empty()).then(|| p.source.clone()),
        inferred: p.inferred.clone(),
        until: None,
        added_at: None,
        list: p.list,
    }
}

/// Checks a parameter's `since`, `source` and `inferred`: a version no later than the
/// structure's and no earlier than its parent's; an inferred fact that the entry has, and a
/// source that says why.
pub(super) fn check_history(
    cx: &mut Problems<'_>,
    place: &str,
    p: &ParamDef,
    api_version: &str,
    parent_since: Option<&str>,
) {
    if let Some(since) = &p.since {
        match release_date(since) {
            None => cx.err(
                place,
                format!("`since` `{since}` is not an API version (YYYY-MM-DD or YYYY-MM-DD.name)"),
            ),
            Some(d) => {
                if release_date(api_version).is_some_and(|v| d > v) {
                    cx.err(
                        place,
                        format!(
                            "`since` `{since}` is after the structure's API version `{api_version}`"
                        ),
                    );
                }
                if let Some(ps) = parent_since.and_then(release_date)
                    && d < ps
                {
                    cx.err(
                        place,
                        format!(
                            "`since` `{since}` is before its parent's ({})",
                            parent_since.unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
    for fact in &p.inferred {
        let has = match fact {
            InferredFact::MaxLength => p.max_length.is_some(),
        };
        if !has {
            cx.err(
                place,
                format!(
                    "`inferred` names `{}`, which the entry does not give",
                    fact.as_str()
                ),
            );
        }
    }
    if !p.inferred.is_empty() && p.source.trim().is_empty() {
        cx.err(
            place,
            "an entry with `inferred` facts needs its `source` (where it comes from, and why the facts are inferred)",
        );
    }
}

pub(super) fn check_param(cx: &mut Problems<'_>, place: &str, p: &ParamDef) -> Option<Ty> {
    let mut ok = true;
    let mut misuse = |cx: &mut Problems<'_>, field: &str, present: bool, allowed: bool| {
        if present && !allowed {
            cx.err(
                place,
                format!(
                    "`{field}` does not apply to a parameter of type {}",
                    p.ty.as_str()
                ),
            );
            ok = false;
        }
    };
    let t = p.ty;
    misuse(
        cx,
        "max_length",
        p.max_length.is_some(),
        t == TypeName::String || t == TypeName::Enum,
    );
    misuse(cx, "values", !p.values.is_empty(), t == TypeName::Enum);
    misuse(cx, "items", p.items.is_some(), t == TypeName::Array);
    misuse(cx, "or_id", p.or_id.is_some(), t == TypeName::Object);
    misuse(cx, "list", p.list, t == TypeName::Object);
    misuse(
        cx,
        "open",
        p.open,
        t == TypeName::Enum || t == TypeName::Object,
    );
    misuse(
        cx,
        "format",
        p.format.is_some(),
        t == TypeName::String || t == TypeName::Integer,
    );
    if p.max_length == Some(0) || p.or_id.as_ref().and_then(|i| i.max_length) == Some(0) {
        cx.err(place, "impossible limit: max_length 0 admits no value");
        ok = false;
    }
    if t == TypeName::Enum {
        if p.values.is_empty() {
            cx.err(place, "an enum needs `values`");
            ok = false;
        }
        let mut seen = HashSet::new();
        for v in &p.values {
            if !seen.insert(v) {
                cx.err(place, format!("duplicate enum value `{v}`"));
                ok = false;
            }
        }
    }
    let items = if t == TypeName::Array {
        match &p.items {
            None => {
                cx.err(place, "an array needs `items`");
                ok = false;
                None
            }
            Some(it) => {
                let ty = match it.ty {
                    TypeName::String => Some(ItemTy::String {
                        max_length: it.max_length,
                    }),
                    TypeName::Integer => Some(ItemTy::Integer),
                    TypeName::Number => Some(ItemTy::Number),
                    TypeName::Boolean => Some(ItemTy::Boolean),
                    TypeName::Enum if !it.values.is_empty() => Some(ItemTy::Enum {
                        values: it.values.clone(),
                    }),
                    other => {
                        cx.err(
                            place,
                            format!(
                                "array items must be scalars with their values, not {}",
                                other.as_str()
                            ),
                        );
                        ok = false;
                        None
                    }
                };
                if it.max_length == Some(0) {
                    cx.err(
                        place,
                        "impossible limit: items max_length 0 admits no value",
                    );
                    ok = false;
                }
                ty.map(|ty| Item {
                    ty,
                    unset: it.unset,
                })
            }
        }
    } else {
        None
    };
    if !ok {
        return None;
    }
    Some(match t {
        TypeName::String => Ty::String {
            max_length: p.max_length,
            format: p.format.clone(),
        },
        TypeName::Integer => Ty::Integer {
            format: p.format.clone(),
            min: None,
            max: None,
            from_string: None,
        },
        TypeName::Number => Ty::Number,
        TypeName::Boolean => Ty::Boolean,
        TypeName::Enum => Ty::Enum {
            max_length: p.max_length,
            values: p.values.clone(),
            open: p.open,
        },
        TypeName::Array => Ty::Array { items: items? },
        TypeName::Map => Ty::Map,
        TypeName::Object => Ty::Object {
            open: p.open,
            or_id: p.or_id.clone(),
        },
    })
}
