//! `rules.json`'s refinements (a parameter's type or range narrowed beyond the OpenAPI)
//! and its spellings of booleans.

use std::collections::HashMap;

use super::report::{Problems, unknown_param};
use crate::id::NodeId;
use crate::ir::{Node, Ty};
use crate::model::{RulesFile, TypeName};

/// Applies `rules.refine` to the nodes.
pub(super) fn refine(
    rules: &RulesFile,
    by_path: &HashMap<String, NodeId>,
    nodes: &mut [Node],
    rx: &mut Problems<'_>,
) {
    for (path, refine) in &rules.refine {
        let place = format!("refine[\"{path}\"]");
        let Some(id) = by_path.get(path) else {
            rx.err(place, unknown_param(path, by_path));
            continue;
        };
        let node = &mut nodes[id.index()];
        node.secret |= refine.secret;
        if let Some(min_max) = refine.min.zip(refine.max)
            && min_max.0 > min_max.1
        {
            rx.err(
                &place,
                format!("impossible limit: min {} > max {}", min_max.0, min_max.1),
            );
        }
        match (refine.ty, &mut node.ty) {
            // An integer parameter takes a range as it is (`dob[month]` 1 to 12).
            (None | Some(TypeName::Integer), Ty::Integer { min, max, .. }) => {
                if refine.min.is_some() {
                    *min = refine.min;
                }
                if refine.max.is_some() {
                    *max = refine.max;
                }
            }
            (None, ty) => {
                if refine.min.is_some() || refine.max.is_some() {
                    rx.err(
                        &place,
                        format!(
                            "`min`/`max` apply to integer parameters, not to one of type {} (a string can be refined with `type: integer` first)",
                            ty.name().as_str()
                        ),
                    );
                }
            }
            (Some(TypeName::Integer), Ty::String { max_length, .. }) => {
                let max_length = *max_length;
                node.ty = Ty::Integer {
                    format: None,
                    min: refine.min,
                    max: refine.max,
                    from_string: Some(max_length),
                };
            }
            (Some(t), ty) => rx.err(
                &place,
                format!(
                    "cannot refine a {} into a {}: only string into integer",
                    ty.name().as_str(),
                    t.as_str()
                ),
            ),
        }
    }
}

/// Checks `rules.booleans`: each spelling reads as one value.
pub(super) fn booleans(rules: &RulesFile, rx: &mut Problems<'_>) {
    let b = &rules.booleans;
    if b.true_texts.is_empty() || b.false_texts.is_empty() {
        rx.err(
            "booleans",
            "needs at least one text for `true` and one for `false`",
        );
    }
    for t in &b.true_texts {
        if b.false_texts.contains(t) {
            rx.err(
                "booleans",
                format!("`{t}` is read both as true and as false"),
            );
        }
    }
}
