//! What changed between two spec structures: parameters added and removed; type, limit,
//! enum and required-ness changes; documentation and source changes.
//!
//! Parameters are the leaves of the tree (every node but objects); objects that appear or
//! disappear are listed apart, since what they accept (`""`, an id) is not in their leaves.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::model::{IdDef, ParamDef, StructureFile, TypeName};

/// One parameter, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ParamSummary {
    /// The bracket path.
    pub path: String,
    /// Type and limits in words, e.g. `string (max 100), required in card`.
    pub summary: String,
}

/// One change to a node present in both structures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The bracket path.
    pub path: String,
    /// What changed: `type`, `max_length`, `format`, `enum`, `items`, `or_id`, `open`,
    /// `required`, `unset`. A `type` change is reported alone with the limits of both
    /// types, except for `required` and `unset`, which are reported as well.
    pub what: &'static str,
    /// The old state, in words. For `enum`, the values removed (`-v`, space-separated;
    /// empty if none).
    pub from: String,
    /// The new state, in words. For `enum`, the values added (`+v`; empty if none), or
    /// `values reordered`.
    pub to: String,
}

/// A change of the structure's `source` (where it was imported from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SourceChange {
    /// The old source.
    pub from: String,
    /// The new source.
    pub to: String,
}

/// The difference between two structures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecDiff {
    /// The old API version.
    pub from_version: String,
    /// The new API version.
    pub to_version: String,
    /// The change of `source`, if any (`None` also when hidden by [`SpecDiff::without_docs`]).
    pub source: Option<SourceChange>,
    /// Parameters (leaves) added, by path.
    pub added: Vec<ParamSummary>,
    /// Parameters (leaves) removed, by path.
    pub removed: Vec<ParamSummary>,
    /// Objects added, by path (their parameters are in `added`).
    pub added_objects: Vec<ParamSummary>,
    /// Objects removed, by path (their parameters are in `removed`).
    pub removed_objects: Vec<ParamSummary>,
    /// Changes to nodes (parameters and objects) in both, by path.
    pub changed: Vec<Change>,
    /// Documentation changes of nodes in both, by path (`what` is `doc`; `from` and `to`
    /// the whole texts).
    pub docs: Vec<Change>,
}

impl SpecDiff {
    /// Whether the two structures are the same: API version, source, every node and its
    /// documentation.
    pub fn is_empty(&self) -> bool {
        self.from_version == self.to_version
            && self.source.is_none()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.added_objects.is_empty()
            && self.removed_objects.is_empty()
            && self.changed.is_empty()
            && self.docs.is_empty()
    }

    /// The same diff without documentation and source changes (what `token-validate diff
    /// --no-docs` prints).
    pub fn without_docs(mut self) -> SpecDiff {
        self.source = None;
        self.docs.clear();
        self
    }
}

/// The type, limits and flags of a node in words: `string (max 5000), required in card, or
/// "" to unset`.
fn summary(p: &ParamDef) -> String {
    let mut s = type_words(p);
    if p.required {
        // Required only when its parent is sent: say which.
        match p.path.rfind('[').map(|i| &p.path[..i]) {
            Some(parent) => {
                let name = parent.rsplit('[').next().unwrap_or(parent);
                let _ = write!(s, ", required in {}", name.trim_end_matches(']'));
            }
            None => s.push_str(", required"),
        }
    }
    if p.unset {
        s.push_str(", or \"\" to unset");
    }
    s
}

/// `name (a, b)`, or `name` without attributes.
fn with_attrs(name: &str, attrs: &[String]) -> String {
    if attrs.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", attrs.join(", "))
    }
}

/// The type and its limits in words, without the flags: `string (max 100, format x)`.
fn type_words(p: &ParamDef) -> String {
    let max = p.max_length.map(|m| format!("max {m}"));
    let format = p.format.as_ref().map(|f| format!("format {f}"));
    match p.ty {
        TypeName::String => with_attrs(
            "string",
            &[max, format].into_iter().flatten().collect::<Vec<_>>(),
        ),
        TypeName::Integer => with_attrs("integer", &format.into_iter().collect::<Vec<_>>()),
        TypeName::Enum => format!(
            "{}enum [{}]",
            if p.open { "open " } else { "" },
            p.values.join(", ")
        ),
        TypeName::Array => match &p.items {
            Some(i) => {
                let item = match i.ty {
                    TypeName::Enum => format!("enum [{}]", i.values.join(", ")),
                    t => {
                        let max = i.max_length.map(|m| format!("max {m}"));
                        with_attrs(t.as_str(), &max.into_iter().collect::<Vec<_>>())
                    }
                };
                let unset = if i.unset { " or \"\"" } else { "" };
                format!("array of {item}{unset}")
            }
            None => "array".into(),
        },
        TypeName::Object => {
            let open = if p.open { "open " } else { "" };
            match &p.or_id {
                Some(id) => format!("{open}object or {}", id_words(id)),
                None => format!("{open}object"),
            }
        }
        t => t.as_str().into(),
    }
}

fn id_words(id: &IdDef) -> String {
    match id.max_length {
        Some(m) => format!("id (max {m})"),
        None => "id".into(),
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

/// The changes to one node present in both structures, in a fixed order.
fn changes(o: &ParamDef, n: &ParamDef, out: &mut Vec<Change>) {
    let mut push = |what: &'static str, from: String, to: String| {
        out.push(Change {
            path: n.path.clone(),
            what,
            from,
            to,
        })
    };
    if o.ty != n.ty {
        // The type words carry the limits of both types.
        push("type", type_words(o), type_words(n));
    } else {
        if o.max_length != n.max_length {
            push("max_length", opt(&o.max_length), opt(&n.max_length));
        }
        if o.format != n.format {
            push("format", opt(&o.format), opt(&n.format));
        }
        if o.values != n.values {
            let words = |sign: char, from: &[String], not_in: &[String]| {
                from.iter()
                    .filter(|v| !not_in.contains(v))
                    .map(|v| format!("{sign}{v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (minus, plus) = (
                words('-', &o.values, &n.values),
                words('+', &n.values, &o.values),
            );
            // Same values in another order: say so rather than print nothing.
            if minus.is_empty() && plus.is_empty() {
                push("enum", String::new(), "values reordered".into());
            } else {
                push("enum", minus, plus);
            }
        }
        if o.items != n.items {
            push("items", type_words(o), type_words(n));
        }
        if o.or_id != n.or_id {
            let words = |id: &Option<IdDef>| id.as_ref().map_or("no id form".into(), id_words);
            push("or_id", words(&o.or_id), words(&n.or_id));
        }
        if o.open != n.open {
            push("open", o.open.to_string(), n.open.to_string());
        }
    }
    if o.required != n.required {
        push("required", o.required.to_string(), n.required.to_string());
    }
    if o.unset != n.unset {
        push("unset", o.unset.to_string(), n.unset.to_string());
    }
}

/// Compares two structures.
pub fn diff(old: &StructureFile, new: &StructureFile) -> SpecDiff {
    let old_by: BTreeMap<&str, &ParamDef> =
        old.params.iter().map(|p| (p.path.as_str(), p)).collect();
    let new_by: BTreeMap<&str, &ParamDef> =
        new.params.iter().map(|p| (p.path.as_str(), p)).collect();
    // The nodes only in `a`, leaves and objects apart.
    let only_in = |a: &BTreeMap<&str, &ParamDef>, b: &BTreeMap<&str, &ParamDef>, leaves: bool| {
        a.iter()
            .filter(|(k, p)| is_leaf(p) == leaves && !b.contains_key(*k))
            .map(|(_, p)| ParamSummary {
                path: p.path.clone(),
                summary: summary(p),
            })
            .collect()
    };
    let mut changed = Vec::new();
    let mut docs = Vec::new();
    for (path, o) in &old_by {
        if let Some(n) = new_by.get(path) {
            changes(o, n, &mut changed);
            if o.doc != n.doc {
                docs.push(Change {
                    path: n.path.clone(),
                    what: "doc",
                    from: o.doc.clone(),
                    to: n.doc.clone(),
                });
            }
        }
    }
    SpecDiff {
        from_version: old.api_version.clone(),
        to_version: new.api_version.clone(),
        source: (old.source != new.source).then(|| SourceChange {
            from: old.source.clone(),
            to: new.source.clone(),
        }),
        added: only_in(&new_by, &old_by, true),
        removed: only_in(&old_by, &new_by, true),
        added_objects: only_in(&new_by, &old_by, false),
        removed_objects: only_in(&old_by, &new_by, false),
        changed,
        docs,
    }
}

/// `1 parameter`, `2 parameters`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Spec diff: {} -> {}", self.from_version, self.to_version)?;
        if let Some(s) = &self.source {
            let or_none = |s: &str| {
                if s.is_empty() {
                    "none".to_string()
                } else {
                    s.to_string()
                }
            };
            writeln!(f, "Source: {} -> {}", or_none(&s.from), or_none(&s.to))?;
        }
        write!(
            f,
            "{} added, {} removed; ",
            count(self.added.len(), "parameter"),
            self.removed.len(),
        )?;
        if !self.added_objects.is_empty() || !self.removed_objects.is_empty() {
            write!(
                f,
                "{} added, {} removed; ",
                count(self.added_objects.len(), "object"),
                self.removed_objects.len()
            )?;
        }
        write!(f, "{}", count(self.changed.len(), "change"))?;
        if !self.docs.is_empty() {
            write!(f, "; {}", count(self.docs.len(), "doc change"))?;
        }
        writeln!(f)?;
        // One column for the paths of the added and removed sections, another for changes.
        let width = self
            .added
            .iter()
            .chain(&self.removed)
            .chain(&self.added_objects)
            .chain(&self.removed_objects)
            .map(|p| p.path.chars().count())
            .max()
            .unwrap_or(0);
        let sections = [
            ("Added parameters", '+', &self.added),
            ("Removed parameters", '-', &self.removed),
            ("Added objects", '+', &self.added_objects),
            ("Removed objects", '-', &self.removed_objects),
        ];
        for (title, sign, list) in sections {
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
            let width = self
                .changed
                .iter()
                .map(|c| c.path.chars().count())
                .max()
                .unwrap_or(0);
            let what_width = self.changed.iter().map(|c| c.what.len()).max().unwrap_or(0);
            for c in &self.changed {
                let how = if c.what == "enum" {
                    // Values removed and added: `-a +b`.
                    [c.from.as_str(), c.to.as_str()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    format!("{} -> {}", c.from, c.to)
                };
                writeln!(f, "  ~ {:width$}  {:what_width$}  {how}", c.path, c.what)?;
            }
        }
        if !self.docs.is_empty() {
            writeln!(f, "\nDocumentation changed ({}):", self.docs.len())?;
            for c in &self.docs {
                writeln!(f, "  ~ {}\n      - {}\n      + {}", c.path, c.from, c.to)?;
            }
        }
        Ok(())
    }
}
