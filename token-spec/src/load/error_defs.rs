//! `rules.json`'s error definitions: the generic errors the runtime needs, the HTTP layer's
//! answers, and the message templates of every error.

use std::collections::HashMap;

use super::report::Problems;
use crate::id::NodeId;
use crate::ir::{GENERIC_ERRORS, Generic, HTTP_ERRORS};
use crate::model::{ErrorDef, RulesFile};

/// Checks `rules.errors`: every generic error the runtime needs, and no other.
pub(super) fn generic_errors(rules: &RulesFile, rx: &mut Problems<'_>) {
    for name in GENERIC_ERRORS {
        if !rules.errors.contains_key(*name) {
            rx.err("errors", format!("missing the generic error `{name}`"));
        }
    }
    for (name, e) in &rules.errors {
        if !GENERIC_ERRORS.contains(&name.as_str()) {
            rx.err(
                format!("errors[\"{name}\"]"),
                format!(
                    "unknown generic error `{name}` (known: {})",
                    GENERIC_ERRORS.join(", ")
                ),
            );
        }
        check_template(rx, &format!("errors[\"{name}\"]"), e, false);
    }
}

/// Checks `rules.http`: every answer of the HTTP layer, an error status, only `{value}` and
/// `{limit}` (stated when the answer has a `limit`), a `key_param` the spec has (when
/// `accepted.json`, where such keys are, was loaded).
pub(super) fn http_errors(
    rules: &RulesFile,
    accepted: bool,
    by_path: &HashMap<String, NodeId>,
    rx: &mut Problems<'_>,
) {
    for name in HTTP_ERRORS {
        if !rules.http.contains_key(*name) {
            rx.err("http", format!("missing the HTTP answer `{name}`"));
        }
    }
    for (name, e) in &rules.http {
        let place = format!("http[\"{name}\"]");
        if !HTTP_ERRORS.contains(&name.as_str()) {
            rx.err(
                &place,
                format!(
                    "unknown HTTP answer `{name}` (known: {})",
                    HTTP_ERRORS.join(", ")
                ),
            );
        }
        if !(400..=599).contains(&e.status) {
            rx.err(
                &place,
                format!("status {} is not an error status", e.status),
            );
        }
        let mut rest = e.message.as_str();
        while let Some(i) = rest.find('{') {
            let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
            if !matches!(&rest[i..end], "{value}" | "{limit}") {
                rx.err(
                    &place,
                    "the message's only placeholders are `{value}` and `{limit}`",
                );
                break;
            }
            rest = &rest[end..];
        }
        if e.limit.is_some() && !e.message.contains("{limit}") {
            rx.err(&place, "a `limit` is stated in the message as `{limit}`");
        }
        // (`key` is a parameter of accepted.json: judged when that file is loaded.)
        if let Some(key) = &e.key_param
            && accepted
            && !by_path.contains_key(key)
        {
            rx.err(
                &place,
                format!("`key_param` `{key}` is not a parameter of the spec"),
            );
        }
    }
}

/// The generic errors in [`Generic::ALL`]'s order.
pub(super) fn generics(rules: &RulesFile) -> Vec<ErrorDef> {
    let mut generics = Vec::new();
    for g in Generic::ALL {
        if let Some(def) = rules.errors.get(g.name()) {
            generics.push(def.clone());
        }
    }
    generics
}

pub(super) fn check_template(cx: &mut Problems<'_>, place: &str, e: &ErrorDef, secret: bool) {
    let mut rest = e.message.as_str();
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            cx.err(place, "message has an unclosed `{`");
            return;
        };
        let name = &rest[i + 1..i + j];
        if !["param", "value", "values", "limit", "suggestion"].contains(&name) {
            cx.err(
                place,
                format!("message has an unknown placeholder `{{{name}}}`"),
            );
        }
        if name == "value" && secret {
            cx.err(
                place,
                "message puts `{value}` of a secret parameter into the error",
            );
        }
        rest = &rest[i + j + 1..];
    }
}
