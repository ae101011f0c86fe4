//! The bundled spec: it loads, it covers Stripe's OpenAPI extract of its API version leaf
//! for leaf (`../shared/reference/`, skipped where absent), its files conform to the
//! meta-schema, and broken specs are reported in full. Counts are derived from the spec's
//! files, not written down, so that an update to a new API version changes no test.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use token_spec::model::{RulesFile, StructureFile, TypeName};
use token_spec::{NodeId, Spec, Ty, bundled};

fn structure() -> StructureFile {
    serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap()
}

/// The reference extract, when present and of the bundled API version.
fn reference_extract(test: &str) -> Option<Value> {
    let doc = common::reference_doc("stripe-openapi-tokens.json", test)?;
    let (theirs, ours) = (
        doc["source"]["api_version"].as_str(),
        bundled().api_version.as_str(),
    );
    if theirs != Some(ours) {
        common::skip(
            test,
            &format!("the reference extract is of {theirs:?}, the spec of {ours}"),
        );
        return None;
    }
    Some(doc)
}

/// The leaves of the structure file per top-level parameter, counted from the file alone: a
/// leaf is a node that is not an object, or an object's id form.
fn file_leaf_counts(s: &StructureFile) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for p in &s.params {
        let top = token_spec::split_path(&p.path).unwrap()[0].to_string();
        let leaves = usize::from(p.ty != TypeName::Object || p.or_id.is_some());
        *counts.entry(top).or_insert(0) += leaves;
    }
    counts
}

/// The leaves of the OpenAPI request schema, walked independently of the importer:
/// path → the leaf's schema (with `anyOf` alternatives).
fn openapi_leaves(schema: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}[{k}]")
        }
    };
    if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
        let mut object = false;
        for a in alts {
            if let Some(props) = a.get("properties").and_then(Value::as_object) {
                object = true;
                for (k, v) in props {
                    openapi_leaves(v, &join(k), out);
                }
            }
        }
        // An object-or-id union counts its id form; a value-or-"" union is one leaf.
        if !object
            || alts
                .iter()
                .any(|a| a.get("type") == Some(&"string".into()) && a.get("enum").is_none())
        {
            out.insert(
                format!("{path}#id").replace("#id", if object { "#id" } else { "" }),
                schema.clone(),
            );
        }
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            openapi_leaves(v, &join(k), out);
        }
        return;
    }
    out.insert(path.to_string(), schema.clone());
}

#[test]
fn bundled_spec_loads() {
    let spec = bundled();
    let file = structure();
    assert_eq!(spec.api_version, file.api_version);
    // A Stripe API version: a date, and since 2024 the release's name.
    let (date, name) = spec
        .api_version
        .split_once('.')
        .unwrap_or((spec.api_version.as_str(), "x"));
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        "{}",
        spec.api_version
    );
    assert!(
        name.chars().all(|c| c.is_ascii_lowercase()),
        "{}",
        spec.api_version
    );
    let rules: RulesFile = serde_json::from_str(token_spec::BUNDLED_RULES).unwrap();
    assert_eq!(spec.kinds.len(), rules.kinds.len());
    let accepted: token_spec::model::AcceptedFile =
        serde_json::from_str(token_spec::BUNDLED_ACCEPTED).unwrap();
    assert_eq!(
        spec.nodes().len(),
        file.params.len() + accepted.params.len() + 1,
        "every parameter (params.json and accepted.json) and the root"
    );
}

/// The leaves under `id` of Stripe's OpenAPI (not those of accepted.json).
fn structure_leaves(spec: &Spec, id: NodeId) -> usize {
    spec.subtree(id)
        .into_iter()
        .filter(|n| !spec.is_accepted(*n))
        .map(|n| match &spec.node(n).ty {
            Ty::Object { or_id, .. } => usize::from(or_id.is_some() && n != NodeId::ROOT),
            _ => 1,
        })
        .sum()
}

#[test]
fn leaf_counts_per_kind() {
    let spec = bundled();
    let mut counts = BTreeMap::new();
    for k in &spec.kinds {
        counts.insert(k.name.clone(), structure_leaves(spec, k.node));
    }
    let common: usize = spec
        .common_params()
        .iter()
        .map(|c| structure_leaves(spec, *c))
        .sum();
    counts.insert("common".into(), common);
    // The same counts from the file alone: each kind's subtree, and what is left is common.
    let mut expected = file_leaf_counts(&structure());
    let kinds: Vec<&str> = spec.kinds.iter().map(|k| k.name.as_str()).collect();
    let common: usize = expected
        .iter()
        .filter(|(k, _)| !kinds.contains(&k.as_str()))
        .map(|(_, n)| n)
        .sum();
    expected.retain(|k, _| kinds.contains(&k.as_str()));
    expected.insert("common".into(), common);
    assert_eq!(counts, expected);
    let total: usize = file_leaf_counts(&structure()).values().sum();
    assert_eq!(structure_leaves(spec, NodeId::ROOT), total);
    // And the parameters accepted beyond Stripe's OpenAPI (accepted.json), all leaves.
    let accepted = spec.nodes().iter().filter(|n| n.accepted.is_some()).count();
    assert_eq!(spec.leaf_count(NodeId::ROOT), total + accepted);
    // And as the reference extract of the same version counts them.
    if let Some(doc) = reference_extract("leaf_counts_per_kind") {
        let theirs: BTreeMap<String, usize> =
            serde_json::from_value(doc["leaf_counts"]["by_token_kind"].clone()).unwrap();
        let mut ours = counts.clone();
        ours.insert("total".into(), total);
        assert_eq!(ours, theirs);
    }
}

fn max_length_of(s: &Value) -> Option<u64> {
    s.get("maxLength").and_then(Value::as_u64).or_else(|| {
        s.get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|a| a.get("maxLength").and_then(Value::as_u64))
    })
}

fn enum_of(s: &Value) -> Vec<String> {
    let own = s.get("enum").and_then(Value::as_array).cloned();
    let alts = s.get("anyOf").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|x| x.get("enum").and_then(Value::as_array))
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
    });
    own.or(alts)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.as_str().map(String::from))
        .filter(|v| !v.is_empty())
        .collect()
}

#[test]
fn spec_covers_the_openapi_extract_leaf_for_leaf() {
    let Some(doc) = reference_extract("spec_covers_the_openapi_extract_leaf_for_leaf") else {
        return;
    };
    let mut leaves = BTreeMap::new();
    openapi_leaves(&doc["request"], "", &mut leaves);
    assert_eq!(
        Some(leaves.len() as u64),
        doc["leaf_counts"]["by_token_kind"]["total"].as_u64(),
        "the extract's leaves, as it counts them"
    );
    let spec = bundled();
    let mut spec_leaves = Vec::new();
    // What Stripe accepts beyond its OpenAPI (accepted.json) is not in the extract.
    for node in spec.nodes().iter().filter(|n| n.accepted.is_none()) {
        match &node.ty {
            Ty::Object { or_id: Some(_), .. } => spec_leaves.push(format!("{}#id", node.path)),
            Ty::Object { .. } => {}
            _ => spec_leaves.push(node.path.clone()),
        }
    }
    let openapi: Vec<&String> = leaves.keys().collect();
    let mut ours: Vec<&String> = spec_leaves.iter().collect();
    ours.sort();
    assert_eq!(ours, openapi, "no parameter missing, none invented");

    for (path, schema) in &leaves {
        let id = spec.lookup(path.trim_end_matches("#id")).unwrap();
        let node = spec.node(id);
        let items = schema.get("items").or_else(|| {
            schema
                .get("anyOf")?
                .as_array()?
                .iter()
                .find_map(|a| a.get("items"))
        });
        let want_max = max_length_of(schema).or_else(|| items.and_then(max_length_of));
        let have_max = match &node.ty {
            Ty::String { max_length, .. } | Ty::Enum { max_length, .. } => *max_length,
            Ty::Integer { from_string, .. } => from_string.flatten(),
            Ty::Array { items } => match items.ty {
                token_spec::ItemTy::String { max_length } => max_length,
                _ => None,
            },
            Ty::Object {
                or_id: Some(id), ..
            } => id.max_length,
            _ => None,
        };
        assert_eq!(have_max, want_max, "maxLength of {path}");
        let want_enum = {
            let mut v = enum_of(schema);
            if v.is_empty() {
                v = items.map(enum_of).unwrap_or_default();
            }
            v
        };
        let have_enum = match &node.ty {
            Ty::Enum { values, .. } => values.clone(),
            Ty::Array { items } => match &items.ty {
                token_spec::ItemTy::Enum { values } => values.clone(),
                _ => vec![],
            },
            _ => vec![],
        };
        assert_eq!(have_enum, want_enum, "enum of {path}");
    }
}

#[test]
fn bypass_validation_is_kept_open() {
    let spec = bundled();
    for path in ["account[business_type]", "account[company][structure]"] {
        let node = spec.node(spec.lookup(path).unwrap());
        assert!(matches!(node.ty, Ty::Enum { open: true, .. }), "{path}");
    }
    for path in ["card", "bank_account"] {
        let node = spec.node(spec.lookup(path).unwrap());
        assert!(matches!(node.ty, Ty::Object { open: true, .. }), "{path}");
    }
}

#[test]
fn secrets_are_flagged() {
    let spec = bundled();
    let secrets: Vec<&str> = spec
        .nodes()
        .iter()
        .filter(|n| n.secret)
        .map(|n| n.path.as_str())
        .collect();
    for must in [
        "card[number]",
        "card[cvc]",
        "cvc_update[cvc]",
        "bank_account[account_number]",
        "pii[id_number]",
        "person[id_number]",
        "person[ssn_last_4]",
        "account[individual][id_number]",
        "account[individual][ssn_last_4]",
    ] {
        assert!(secrets.contains(&must), "{must} is secret");
    }
}

#[test]
fn shipped_files_conform_to_the_meta_schema() {
    let (structure, rules) = token_spec::meta_schemas();
    for (schema, text, name) in [
        (structure, token_spec::BUNDLED_STRUCTURE, "params.json"),
        (rules, token_spec::BUNDLED_RULES, "rules.json"),
        (
            token_spec::accepted_meta_schema(),
            token_spec::BUNDLED_ACCEPTED,
            "accepted.json",
        ),
    ] {
        let validator = jsonschema::validator_for(schema.as_value()).unwrap();
        let doc: Value = serde_json::from_str(text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn meta_schema_files_are_current() {
    // The meta-schemas are shipped beside the spec for editors; they must match the model.
    let (structure, rules) = token_spec::meta_schemas();
    for (schema, file) in [
        (structure, "params.schema.json"),
        (rules, "rules.schema.json"),
        (token_spec::accepted_meta_schema(), "accepted.schema.json"),
    ] {
        let path = format!("{}/spec/{file}", env!("CARGO_MANIFEST_DIR"));
        let want = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if std::env::var_os("UPDATE_SPEC").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(have, want, "{file} is stale: rerun with UPDATE_SPEC=1");
    }
}

fn load_fixture(name: &str) -> Result<Spec, token_spec::SpecErrors> {
    let dir = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let read = |f: &str| {
        std::fs::read_to_string(format!("{dir}/{f}")).unwrap_or_else(|_| match f {
            "params.json" => token_spec::BUNDLED_STRUCTURE.to_string(),
            _ => token_spec::BUNDLED_RULES.to_string(),
        })
    };
    Spec::from_texts(
        &read("params.json"),
        &read("rules.json"),
        ("params.json", "rules.json"),
    )
}

#[test]
fn broken_specs_report_every_problem_at_once() {
    for name in ["broken-structure", "broken-rules", "broken-syntax"] {
        let errors = load_fixture(name).unwrap_err();
        insta::assert_snapshot!(name, errors.to_string());
    }
}

/// `Spec::suggest_child`: the near misses of stripe-errors-observed.md row 5 (and their
/// kin) get the sibling's name, far misses and unrelated words get nothing.
#[test]
fn suggestions_name_only_close_siblings() {
    let spec = token_spec::bundled();
    let at = |path: &str| {
        if path.is_empty() {
            token_spec::NodeId::ROOT
        } else {
            spec.lookup(path).unwrap()
        }
    };
    let near = [
        // Row 5's shape on a token parameter: one letter missing.
        ("card", "adress_city", "address_city"),
        ("card", "numbr", "number"),
        ("card", "exp_mnth", "exp_month"),
        ("card", "Number", "number"),
        ("", "cards", "card"),
        ("bank_account", "acount_number", "account_number"),
        // Row 3's camelCase (two edits in 18 characters).
        (
            "account[individual][verification]",
            "additionalDocument",
            "additional_document",
        ),
    ];
    for (parent, segment, want) in near {
        assert_eq!(
            spec.suggest_child(at(parent), segment),
            Some(want),
            "{parent} {segment}"
        );
    }
    let far = [
        // Rows 1, 2, 4 and 6: Stripe's messages for these carry no suggestion.
        ("", "currency"),
        ("", "type"),
        ("", "billing_details"),
        ("account", "legal_entity"),
        ("card", "tokenization_method"),
        ("card", "eci"),
        ("card", "cryptogram"),
        ("card", "foo"),
        ("card", "zzz"),
        ("card", "nmbr"),
        ("pii", "personal_id_number"),
    ];
    for (parent, segment) in far {
        assert_eq!(
            spec.suggest_child(at(parent), segment),
            None,
            "{parent} {segment}"
        );
    }
    // A huge segment is not compared at all.
    assert_eq!(spec.suggest_child(at("card"), &"a".repeat(100_000)), None);
}

/// rules.json `booleans` (stripe-errors-observed.md rows 12 and 13).
#[test]
fn boolean_spellings() {
    let spec = token_spec::bundled();
    for (text, want) in [
        ("true", Some(true)),
        ("True", Some(true)),
        ("false", Some(false)),
        ("False", Some(false)),
        ("TRUE", None),
        ("1", None),
        ("yes", None),
        ("", None),
    ] {
        assert_eq!(spec.parse_boolean(text), want, "{text:?}");
    }
}

/// A list of objects (kept by the importer from Stripe's older versions) is refused by the
/// loader, once, without its children reported as orphans.
#[test]
fn lists_of_objects_are_refused_once() {
    let structure = serde_json::json!({"api_version": "2018-11-08", "params": [
        {"path": "owners", "type": "object", "list": true},
        {"path": "owners[first_name]", "type": "string"}
    ]});
    let rules = serde_json::json!({"kinds": [], "errors": {}, "rules": []});
    let errors =
        Spec::from_texts(&structure.to_string(), &rules.to_string(), ("p", "r")).unwrap_err();
    let about_params: Vec<&str> = errors
        .0
        .iter()
        .filter(|e| e.file == "p")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(about_params.len(), 1, "{errors}");
    assert!(about_params[0].contains("`list`"), "{errors}");
}
