//! `POST /v1/tokens` across Stripe API versions: how a version is read ([`release_date`]),
//! and the changelog the spec gives (which parameters appeared with which version, and
//! the breaking changes, [`changelog`]).
//!
//! The spec is Stripe's newest version. Each parameter records the first version known to
//! have it (`since`), and each breaking change that touches token requests is a version
//! gate ([`Gate`], `spec/versions.json`): a request of an older version is validated as
//! before the gate. Optional parameters added later are accepted whatever the version, as
//! Stripe's versioning policy has it.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::id::NodeId;
use crate::ir::{Gate, Spec, Ty};

/// A version's release date, `YYYY-MM-DD`, as `(year, month, day)`, when the text is
/// `YYYY-MM-DD` or `YYYY-MM-DD.name` with a name of ASCII letters and digits (Stripe's
/// versions: `2019-02-19`, `2026-11-18.endive`).
pub fn release_date(version: &str) -> Option<(u16, u8, u8)> {
    let (date, name) = match version.split_once('.') {
        Some((d, n)) => (d, Some(n)),
        None => (version, None),
    };
    if let Some(n) = name
        && (n.is_empty() || !n.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return None;
    }
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u16> {
        let s = &date[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m as u8, d as u8))
}

/// What changed for token requests with one API version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VersionChanges {
    /// The API version.
    pub version: String,
    /// The breaking changes of this version (version gates).
    pub breaking: Vec<Breaking>,
    /// The parameters first known with this version (a whole new object is one entry, with
    /// the number of its parameters).
    pub added: Vec<Added>,
}

/// A parameter, or an object of parameters, that appeared with a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Added {
    /// The bracket path.
    pub path: String,
    /// For an object: how many of today's leaf parameters it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<usize>,
    /// Where the parameter comes from when it is not the structure's source (Stripe's SDKs
    /// for a parameter newer than the public OpenAPI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The facts no source gives, inferred (`max_length`), under it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<String>,
}

/// A version gate, as the changelog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Breaking {
    /// The gate's name.
    pub id: String,
    /// What changed.
    pub change: String,
    /// Where it is documented or seen.
    pub source: String,
    /// How sure we are (`H`, `M`, `L`).
    pub confidence: String,
    /// Parameters that existed only before it (top-most paths, with their parameter
    /// counts).
    pub removed: Vec<Added>,
    /// Today's parameters that came with it.
    pub added: Vec<String>,
    /// Objects under which unknown parameters were ignored before it (`""`: the body).
    pub unknown_ignored_before: Vec<String>,
    /// Objects whose missing required parameters got another error before it, with that
    /// error's type and HTTP status.
    pub missing_before: Option<String>,
}

/// The spec's changelog: per API version, oldest first, what changed for token requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Changelog {
    /// The spec's API version (the newest).
    pub api_version: String,
    /// The versions with changes, oldest first.
    pub versions: Vec<VersionChanges>,
    /// Today's parameters whose `since` the spec does not record.
    pub unknown_since: Vec<String>,
}

/// Whether a node is a parameter of its own: not an object (a list of objects is one).
fn is_leaf(spec: &Spec, id: NodeId) -> bool {
    let n = spec.node(id);
    n.list || !matches!(n.ty, Ty::Object { .. })
}

/// The top-most nodes of a set: those whose parent is not in it. `parameters` counts, for
/// an object, the parameters of the set under it.
fn tops(spec: &Spec, set: &[NodeId]) -> Vec<Added> {
    let mut out = Vec::new();
    for &id in set {
        let node = spec.node(id);
        if node.parent.is_some_and(|p| set.contains(&p)) {
            continue;
        }
        let parameters = (!is_leaf(spec, id)).then(|| {
            set.iter()
                .filter(|&&n| n != id && is_leaf(spec, n) && spec.is_within(n, id))
                .count()
        });
        out.push(Added {
            path: node.path.clone(),
            parameters,
            source: node.source.clone(),
            inferred: Vec::new(),
        });
    }
    out
}

fn breaking(spec: &Spec, g: &Gate) -> Breaking {
    let path = |id: NodeId| spec.node(id).path.clone();
    Breaking {
        id: g.id.clone(),
        change: g.change.clone(),
        source: g.source.clone(),
        confidence: g.confidence.as_str().to_string(),
        removed: tops(spec, &g.removed),
        added: g.added.iter().map(|&a| path(a)).collect(),
        unknown_ignored_before: g.unknown_ignored_before.iter().map(|&o| path(o)).collect(),
        missing_before: g.missing_before.as_ref().map(|(within, e)| {
            let names: Vec<String> = within.iter().map(|&o| path(o)).collect();
            format!("{} ({} {})", names.join(", "), e.ty.status(), e.ty.as_str())
        }),
    }
}

/// The changelog of token requests the spec gives: for each API version, oldest first, the
/// breaking changes (the version gates) and the parameters first known with it (`since`).
/// Parameters of `accepted.json` (accepted beyond Stripe's OpenAPI) are not in it.
pub fn changelog(spec: &Spec) -> Changelog {
    // Today's parameters of the structure, by `since`.
    let mut by_version: BTreeMap<(u16, u8, u8, String), Vec<NodeId>> = BTreeMap::new();
    let mut unknown_since = Vec::new();
    for (i, n) in spec.nodes().iter().enumerate() {
        let id = NodeId(i as u32);
        if id == NodeId::ROOT || n.accepted.is_some() || n.until.is_some() {
            continue;
        }
        match n
            .since
            .as_deref()
            .and_then(|v| release_date(v).map(|d| (d, v)))
        {
            Some(((y, m, d), v)) => by_version
                .entry((y, m, d, v.to_string()))
                .or_default()
                .push(id),
            None => unknown_since.push(n.path.clone()),
        }
    }
    let mut versions: BTreeMap<(u16, u8, u8, String), VersionChanges> = BTreeMap::new();
    for g in &spec.gates {
        let (y, m, d) = g.date;
        versions
            .entry((y, m, d, g.version.clone()))
            .or_insert_with(|| VersionChanges {
                version: g.version.clone(),
                breaking: Vec::new(),
                added: Vec::new(),
            })
            .breaking
            .push(breaking(spec, g));
    }
    for (key, ids) in by_version {
        // What came with a gate is listed with the gate.
        let ids: Vec<NodeId> =
            ids.into_iter()
                .filter(|&id| {
                    !spec.gates.iter().any(|g| {
                        g.version == key.3 && g.added.iter().any(|&a| spec.is_within(id, a))
                    })
                })
                .collect();
        if ids.is_empty() {
            continue;
        }
        let mut added = tops(spec, &ids);
        for a in &mut added {
            if let Some(id) = spec.lookup(&a.path) {
                let mut facts: Vec<String> = ids
                    .iter()
                    .filter(|&&n| spec.is_within(n, id))
                    .flat_map(|&n| spec.node(n).inferred.iter().map(|f| f.as_str().to_string()))
                    .collect();
                facts.sort();
                facts.dedup();
                a.inferred = facts;
            }
        }
        let version = key.3.clone();
        versions
            .entry(key)
            .or_insert_with(|| VersionChanges {
                version,
                breaking: Vec::new(),
                added: Vec::new(),
            })
            .added = added;
    }
    Changelog {
        api_version: spec.api_version.clone(),
        versions: versions.into_values().collect(),
        unknown_since,
    }
}

impl Changelog {
    /// Only the versions after `version` (what a team pinned to `version` may not know of:
    /// optional parameters it can send anyway, and breaking changes it is not subject to).
    pub fn after(mut self, version: &str) -> Changelog {
        if let Some(from) = release_date(version) {
            self.versions.retain(|v| {
                release_date(&v.version).is_some_and(|d| d > from)
                    || (release_date(&v.version) == Some(from) && v.version != version)
            });
        }
        self
    }
}

/// `N parameter(s)`.
fn count(n: usize) -> String {
    format!("{n} parameter{}", if n == 1 { "" } else { "s" })
}

fn added_words(a: &Added) -> String {
    let mut s = a.path.clone();
    if let Some(n) = a.parameters.filter(|n| *n > 0) {
        let _ = write!(s, " ({})", count(n));
    }
    if !a.inferred.is_empty() {
        let _ = write!(s, " [inferred: {}]", a.inferred.join(", "));
    }
    s
}

impl fmt::Display for Changelog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "POST /v1/tokens by Stripe API version (spec {}; optional parameters reach every version, breaking changes only requests of their version or later)",
            self.api_version
        )?;
        for v in &self.versions {
            writeln!(f)?;
            writeln!(f, "{}", v.version)?;
            for b in &v.breaking {
                writeln!(f, "  breaking ({}): {} [{}]", b.confidence, b.change, b.id)?;
                if !b.removed.is_empty() {
                    let r: Vec<String> = b.removed.iter().map(added_words).collect();
                    writeln!(f, "    before it only: {}", r.join(", "))?;
                }
                if !b.added.is_empty() {
                    writeln!(f, "    with it: {}", b.added.join(", "))?;
                }
                if !b.unknown_ignored_before.is_empty() {
                    let names: Vec<&str> = b
                        .unknown_ignored_before
                        .iter()
                        .map(|p| if p.is_empty() { "the body" } else { p.as_str() })
                        .collect();
                    writeln!(
                        f,
                        "    before it, unknown parameters ignored in: {}",
                        names.join(", ")
                    )?;
                }
                if let Some(m) = &b.missing_before {
                    writeln!(f, "    before it, a missing required parameter of {m}")?;
                }
                writeln!(f, "    source: {}", b.source)?;
            }
            if !v.added.is_empty() {
                let leaves: usize = v.added.iter().map(|a| a.parameters.unwrap_or(1)).sum();
                writeln!(f, "  added ({}):", count(leaves))?;
                for a in &v.added {
                    writeln!(f, "    {}", added_words(a))?;
                    if let Some(s) = &a.source {
                        writeln!(f, "      source: {s}")?;
                    }
                }
            }
        }
        if !self.unknown_since.is_empty() {
            writeln!(f)?;
            writeln!(f, "no `since` recorded: {}", self.unknown_since.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(release_date("2026-07-29.dahlia"), Some((2026, 7, 29)));
        assert_eq!(release_date("2020-08-27"), Some((2020, 8, 27)));
        for bad in [
            "",
            "2026-7-29",
            "2026-13-01",
            "2026-07-29.",
            "2026-07-29.a b",
            "x",
            "2026/07/29",
        ] {
            assert_eq!(release_date(bad), None, "{bad}");
        }
    }
}
