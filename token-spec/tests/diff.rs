//! Structure diffs: the vendored 2023-08-16 extract against the current one, snapshotted as
//! text and JSON, and the diff's rules on small structures.

use serde_json::json;
use token_spec::diff::{Change, SpecDiff, diff};
use token_spec::import::import_openapi;
use token_spec::model::StructureFile;

fn vendored(name: &str) -> StructureFile {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let doc = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    import_openapi(&doc).unwrap()
}

fn older() -> StructureFile {
    vendored("stripe-openapi-tokens.older.json")
}

fn current() -> StructureFile {
    vendored("stripe-openapi-tokens.json")
}

fn change<'a>(d: &'a SpecDiff, path: &str) -> Vec<&'a Change> {
    d.changed.iter().filter(|c| c.path == path).collect()
}

#[test]
fn older_to_current_text() {
    let d = diff(&older(), &current());
    insta::assert_snapshot!("older_to_current", d.to_string());
}

#[test]
fn older_to_current_json() {
    let d = diff(&older(), &current());
    insta::assert_snapshot!(
        "older_to_current_json",
        serde_json::to_string_pretty(&d).unwrap()
    );
}

#[test]
fn older_to_current_counts_and_changes() {
    let d = diff(&older(), &current());
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
    let new = current();
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
    let forward = diff(&older(), &current());
    let back = diff(&current(), &older());
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
    for s in [older(), current()] {
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
    let bundled: StructureFile = serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
    assert!(diff(&bundled, &current()).is_empty());
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
