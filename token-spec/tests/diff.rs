//! Structure diffs: Stripe's 2023-08-16 extract against the 2026-07-29 one (from
//! `../shared/reference/`, skipped where absent), snapshotted as text and JSON, and the
//! diff's rules on small structures.

mod common;

use serde_json::json;
use token_spec::diff::{Change, SpecDiff, diff};
use token_spec::import::import_openapi;
use token_spec::model::StructureFile;

fn reference(name: &str, test: &str) -> Option<StructureFile> {
    common::reference_doc(name, test).map(|doc| import_openapi(&doc).unwrap())
}

/// The 2023 and 2026 extracts, or `None` (the test is skipped) where absent.
fn older_and_current(test: &str) -> Option<(StructureFile, StructureFile)> {
    Some((
        reference("stripe-openapi-tokens.older.json", test)?,
        reference("stripe-openapi-tokens.json", test)?,
    ))
}

fn change<'a>(d: &'a SpecDiff, path: &str) -> Vec<&'a Change> {
    d.changed.iter().filter(|c| c.path == path).collect()
}

#[test]
fn older_to_current_text() {
    let Some((older, current)) = older_and_current("older_to_current_text") else {
        return;
    };
    let d = diff(&older, &current);
    insta::assert_snapshot!("older_to_current", d.to_string());
}

#[test]
fn older_to_current_json() {
    let Some((older, current)) = older_and_current("older_to_current_json") else {
        return;
    };
    let d = diff(&older, &current);
    insta::assert_snapshot!(
        "older_to_current_json",
        serde_json::to_string_pretty(&d).unwrap()
    );
}

#[test]
fn older_to_current_counts_and_changes() {
    let Some((older, new)) = older_and_current("older_to_current_counts_and_changes") else {
        return;
    };
    let d = diff(&older, &new);
    // No descriptions are imported: no doc changes; the sources differ.
    assert!(d.docs.is_empty());
    let source = d.source.as_ref().unwrap();
    assert!(
        source
            .from
            .contains("63a674638635c68de26b9f3add13e58198f4df44")
    );
    assert!(
        source
            .to
            .contains("af5309cae53e5f666f9686dfed306d6d3b5fdc67")
    );
    assert_eq!(d.from_version, "2023-08-16");
    assert_eq!(d.to_version, "2026-07-29.dahlia");
    assert_eq!(d.added.len(), 39);
    assert_eq!(d.removed.len(), 0);
    assert_eq!(d.added_objects.len(), 12);
    assert_eq!(d.removed_objects.len(), 0);
    assert_eq!(d.changed.len(), 3);

    let political = change(&d, "person[political_exposure]");
    assert_eq!(political.len(), 1, "{political:?}");
    assert_eq!(political[0].what, "type");
    assert_eq!(political[0].from, "string (max 5000)");
    assert_eq!(political[0].to, "enum [existing, none]");

    let structure = change(&d, "account[company][structure]");
    assert_eq!(structure.len(), 1, "{structure:?}");
    assert_eq!(structure[0].what, "enum");
    assert_eq!(structure[0].from, "");
    assert_eq!(structure[0].to, "+registered_charity");

    let currency = change(&d, "bank_account[currency]");
    assert_eq!(currency.len(), 1, "{currency:?}");
    assert_eq!(currency[0].what, "format");
    assert_eq!(currency[0].from, "none");
    assert_eq!(currency[0].to, "currency");

    // Lists are sorted by path.
    for list in [&d.added, &d.added_objects] {
        assert!(list.windows(2).all(|w| w[0].path < w[1].path));
    }
    assert!(d.changed.windows(2).all(|w| w[0].path <= w[1].path));
    // New leaves are leaves of the current structure, new objects its objects.
    let ty = |path: &str| new.params.iter().find(|p| p.path == path).unwrap().ty;
    use token_spec::model::TypeName;
    assert!(d.added.iter().all(|p| ty(&p.path) != TypeName::Object));
    assert!(
        d.added_objects
            .iter()
            .all(|p| ty(&p.path) == TypeName::Object)
    );
}

#[test]
fn current_to_older_is_the_mirror() {
    let Some((older, current)) = older_and_current("current_to_older_is_the_mirror") else {
        return;
    };
    let forward = diff(&older, &current);
    let back = diff(&current, &older);
    assert_eq!(back.added.len(), 0);
    assert_eq!(back.removed, forward.added);
    assert_eq!(back.removed_objects, forward.added_objects);
    assert_eq!(back.changed.len(), forward.changed.len());
    for (b, f) in back.changed.iter().zip(&forward.changed) {
        assert_eq!((b.path.as_str(), b.what), (f.path.as_str(), f.what));
        if b.what == "enum" {
            assert_eq!(b.from, f.to.replace('+', "-"));
            assert_eq!(b.to, f.from.replace('-', "+"));
        } else {
            assert_eq!((&b.from, &b.to), (&f.to, &f.from));
        }
    }
    let text = back.to_string();
    assert!(text.contains("0 parameters added, 39 removed"), "{text}");
    assert!(text.contains("Removed parameters (39):"), "{text}");
    assert!(text.contains("-registered_charity"), "{text}");
}

#[test]
fn a_structure_against_itself_is_empty() {
    let bundled: StructureFile = serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
    let d = diff(&bundled, &bundled);
    assert!(d.is_empty(), "{d}");
    let Some((older, current)) = older_and_current("a_structure_against_itself_is_empty") else {
        return;
    };
    for s in [older, current.clone()] {
        let d = diff(&s, &s);
        assert!(d.is_empty(), "{d}");
        assert_eq!(d.from_version, d.to_version);
        assert_eq!(
            d.to_string(),
            format!(
                "Spec diff: {0} -> {0}\n0 parameters added, 0 removed; 0 changes\n",
                s.api_version
            )
        );
    }
    // The bundled structure is the current extract's, with our docs and the same source.
    if bundled.api_version == current.api_version {
        let d = diff(&bundled, &current);
        assert!(d.source.is_none(), "{d}");
        assert_eq!(d.docs.len(), bundled.params.len());
        assert!(d.without_docs().is_empty());
    }
}

#[test]
fn docs_source_and_version_count_as_changes() {
    let old = structure(
        "1",
        json!([{"path": "c", "type": "object", "doc": "Old words."},
               {"path": "c[a]", "type": "string"}]),
    );
    let mut new = structure(
        "1",
        json!([{"path": "c", "type": "object", "doc": "New words."},
               {"path": "c[a]", "type": "string"}]),
    );
    let d = diff(&old, &new);
    assert!(!d.is_empty());
    assert_eq!(d.docs.len(), 1);
    assert_eq!(
        (
            d.docs[0].what,
            d.docs[0].from.as_str(),
            d.docs[0].to.as_str()
        ),
        ("doc", "Old words.", "New words.")
    );
    let text = d.to_string();
    assert!(text.contains("0 changes; 1 doc change\n"), "{text}");
    assert!(
        text.contains(
            "Documentation changed (1):\n  ~ c\n      - Old words.\n      + New words.\n"
        ),
        "{text}"
    );
    assert!(d.clone().without_docs().is_empty());
    new.source = "somewhere".into();
    let d = diff(&old, &new);
    assert!(d.to_string().contains("Source: none -> somewhere\n"), "{d}");
    assert!(d.without_docs().is_empty());
    // A version alone is a difference, docs hidden or not.
    new.api_version = "2".into();
    assert!(!diff(&old, &new).without_docs().is_empty());
}

// ---------------------------------------------------------------------------------------
// Small structures

fn structure(version: &str, params: serde_json::Value) -> StructureFile {
    serde_json::from_value(json!({"api_version": version, "params": params})).unwrap()
}

#[test]
fn a_type_change_still_reports_required_and_unset() {
    let old = structure(
        "1",
        json!([{"path": "x", "type": "object"},
               {"path": "x[a]", "type": "string", "max_length": 10}]),
    );
    let new = structure(
        "2",
        json!([{"path": "x", "type": "object"},
               {"path": "x[a]", "type": "integer", "required": true, "unset": true}]),
    );
    let d = diff(&old, &new);
    let whats: Vec<_> = d
        .changed
        .iter()
        .map(|c| (c.what, c.from.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        whats,
        [
            ("type", "string (max 10)", "integer"),
            ("required", "false", "true"),
            ("unset", "false", "true")
        ]
    );
}

#[test]
fn small_changes_in_words() {
    let old = structure(
        "1",
        json!([
            {"path": "c", "type": "object"},
            {"path": "c[e]", "type": "enum", "values": ["a", "b", "c"]},
            {"path": "c[r]", "type": "enum", "values": ["a", "b"]},
            {"path": "c[files]", "type": "array", "items": {"type": "string", "max_length": 500}},
            {"path": "c[gone]", "type": "boolean"},
            {"path": "o", "type": "object", "or_id": {"max_length": 10}},
            {"path": "o[n]", "type": "string", "required": true}
        ]),
    );
    let new = structure(
        "2",
        json!([
            {"path": "c", "type": "object"},
            {"path": "c[e]", "type": "enum", "values": ["a", "c", "d"], "open": true},
            {"path": "c[r]", "type": "enum", "values": ["b", "a"]},
            {"path": "c[files]", "type": "array",
             "items": {"type": "string", "max_length": 500, "unset": true}},
            {"path": "c[new]", "type": "object", "unset": true},
            {"path": "c[new][d]", "type": "integer", "format": "unix-time", "required": true},
            {"path": "o", "type": "object"},
            {"path": "o[n]", "type": "string", "required": true}
        ]),
    );
    let d = diff(&old, &new);
    insta::assert_snapshot!("small_changes", d.to_string());
    assert_eq!(d.added.len(), 1);
    assert_eq!(
        d.added[0].summary,
        "integer (format unix-time), required in new"
    );
    assert_eq!(d.added_objects[0].summary, "object, or \"\" to unset");
    assert_eq!(d.removed[0].path, "c[gone]");
    let e = change(&d, "c[e]");
    assert_eq!(
        (e[0].what, e[0].from.as_str(), e[0].to.as_str()),
        ("enum", "-b", "+d")
    );
    assert_eq!(
        (e[1].what, e[1].from.as_str(), e[1].to.as_str()),
        ("open", "false", "true")
    );
    assert_eq!(change(&d, "c[r]")[0].to, "values reordered");
    let files = change(&d, "c[files]");
    assert_eq!(files[0].from, "array of string (max 500)");
    assert_eq!(files[0].to, "array of string (max 500) or \"\"");
    let o = change(&d, "o");
    assert_eq!(
        (o[0].what, o[0].from.as_str(), o[0].to.as_str()),
        ("or_id", "id (max 10)", "no id form")
    );
}
