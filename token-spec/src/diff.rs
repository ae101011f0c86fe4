//! What changed between two spec structures: parameters added and removed, and type,
//! limit, enum and required-ness changes.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::model::{ParamDef, StructureFile, TypeName};

/// One parameter, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamSummary {
    /// The bracket path.
    pub path: String,
    /// Type and limits in words, e.g. `string (max 100)`.
    pub summary: String,
}

/// One change to a parameter present in both structures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The bracket path.
    pub path: String,
    /// What changed: `type`, `max_length`, `enum`, `required`, `unset`, `open`, `format`,
    /// `items`, `or_id`.
    pub what: &'static str,
    /// The old state, in words.
    pub from: String,
    /// The new state, in words.
    pub to: String,
}

/// The difference between two structures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecDiff {
    /// The old API version.
    pub from_version: String,
    /// The new API version.
    pub to_version: String,
    /// Leaf parameters added (object nodes are implied by their leaves).
    pub added: Vec<ParamSummary>,
    /// Leaf parameters removed.
    pub removed: Vec<ParamSummary>,
    /// Changes to parameters in both.
    pub changed: Vec<Change>,
}

impl SpecDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn summary(p: &ParamDef) -> String {
    let mut s = type_words(p);
    let mut extras = Vec::new();
    if p.required {
        extras.push("required".to_string());
    }
    if p.unset {
        extras.push("or \"\" to unset".to_string());
    }
    if !extras.is_empty() {
        let _ = write!(s, ", {}", extras.join(", "));
    }
    s
}

fn type_words(p: &ParamDef) -> String {
    match p.ty {
        TypeName::String => {
            let mut s = "string".to_string();
            if let Some(m) = p.max_length {
                let _ = write!(s, " (max {m})");
            }
            if let Some(f) = &p.format {
                let _ = write!(s, " format {f}");
            }
            s
        }
        TypeName::Enum => format!(
            "{}enum [{}]",
            if p.open { "open " } else { "" },
            p.values.join(", ")
        ),
        TypeName::Array => match &p.items {
            Some(i) => {
                let mut s = format!("array of {}", i.ty.as_str());
                if let Some(m) = i.max_length {
                    let _ = write!(s, " (max {m})");
                }
                if !i.values.is_empty() {
                    let _ = write!(s, " [{}]", i.values.join(", "));
                }
                s
            }
            None => "array".into(),
        },
        TypeName::Integer => match &p.format {
            Some(f) => format!("integer format {f}"),
            None => "integer".into(),
        },
        TypeName::Object if p.or_id.is_some() => "object or id".into(),
        t => t.as_str().into(),
    }
}

fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "none".into())
}

fn is_leaf(p: &ParamDef) -> bool {
    p.ty != TypeName::Object
}

/// Compares two structures.
pub fn diff(old: &StructureFile, new: &StructureFile) -> SpecDiff {
    let old_by: BTreeMap<&str, &ParamDef> =
        old.params.iter().map(|p| (p.path.as_str(), p)).collect();
    let new_by: BTreeMap<&str, &ParamDef> =
        new.params.iter().map(|p| (p.path.as_str(), p)).collect();
    let sum = |p: &ParamDef| ParamSummary {
        path: p.path.clone(),
        summary: summary(p),
    };
    let added = new_by
        .iter()
        .filter(|(k, p)| is_leaf(p) && !old_by.contains_key(*k))
        .map(|(_, p)| sum(p))
        .collect();
    let removed = old_by
        .iter()
        .filter(|(k, p)| is_leaf(p) && !new_by.contains_key(*k))
        .map(|(_, p)| sum(p))
        .collect();
    let mut changed = Vec::new();
    for (path, o) in &old_by {
        let Some(n) = new_by.get(path) else { continue };
        let mut push = |what: &'static str, from: String, to: String| {
            changed.push(Change {
                path: path.to_string(),
                what,
                from,
                to,
            })
        };
        if o.ty != n.ty {
            push("type", type_words(o), type_words(n));
            continue;
        }
        if o.max_length != n.max_length {
            push("max_length", opt(&o.max_length), opt(&n.max_length));
        }
        if o.format != n.format {
            push("format", opt(&o.format), opt(&n.format));
        }
        if o.values != n.values {
            let plus: Vec<_> = n.values.iter().filter(|v| !o.values.contains(v)).collect();
            let minus: Vec<_> = o.values.iter().filter(|v| !n.values.contains(v)).collect();
            let words = |sign: &str, vs: &[&String]| {
                vs.iter()
                    .map(|v| format!("{sign}{v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            push("enum", words("-", &minus), words("+", &plus));
        }
        if o.required != n.required {
            push("required", o.required.to_string(), n.required.to_string());
        }
        if o.unset != n.unset {
            push("unset", o.unset.to_string(), n.unset.to_string());
        }
        if o.open != n.open {
            push("open", o.open.to_string(), n.open.to_string());
        }
        if o.items != n.items {
            push("items", type_words(o), type_words(n));
        }
        if o.or_id != n.or_id {
            push(
                "or_id",
                opt(&o.or_id.as_ref().map(|i| opt(&i.max_length))),
                opt(&n.or_id.as_ref().map(|i| opt(&i.max_length))),
            );
        }
    }
    SpecDiff {
        from_version: old.api_version.clone(),
        to_version: new.api_version.clone(),
        added,
        removed,
        changed,
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Spec diff: {} -> {}", self.from_version, self.to_version)?;
        writeln!(
            f,
            "{} parameter(s) added, {} removed, {} change(s)",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )?;
        let width = self
            .added
            .iter()
            .chain(&self.removed)
            .map(|p| p.path.len())
            .max()
            .unwrap_or(0);
        for (title, sign, list) in [("Added", '+', &self.added), ("Removed", '-', &self.removed)] {
            if list.is_empty() {
                continue;
            }
            writeln!(f, "\n{title} ({}):", list.len())?;
            for p in list {
                writeln!(f, "  {sign} {:width$}  {}", p.path, p.summary)?;
            }
        }
        if !self.changed.is_empty() {
            writeln!(f, "\nChanged ({}):", self.changed.len())?;
            for c in &self.changed {
                writeln!(f, "  ~ {} [{}]: {} -> {}", c.path, c.what, c.from, c.to)?;
            }
        }
        Ok(())
    }
}
