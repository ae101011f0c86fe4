//! Every public `spec3` of Stripe's OpenAPI history (2017 to 2023, `../shared/reference/
//! openapi-history/`) imports, each older shape kept as the importer documents it.

mod common;

use token_spec::import::{Import, import};
use token_spec::model::{StructureFile, TypeName};

fn import_history(name: &str, test: &str) -> Option<Import> {
    if name.ends_with(".yaml.gz") && !cfg!(feature = "yaml") {
        common::skip(test, &format!("{name} needs the `yaml` feature"));
        return None;
    }
    let doc = common::reference_doc(name, test)?;
    Some(import(&doc).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn param<'a>(s: &'a StructureFile, path: &str) -> &'a token_spec::model::ParamDef {
    s.params
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("{path} is not in {}", s.api_version))
}

#[test]
fn every_history_file_imports() {
    let files = common::history_files();
    if files.is_empty() {
        common::skip(
            "every_history_file_imports",
            "no ../shared/reference/openapi-history/",
        );
        return;
    }
    for name in files {
        let Some(imp) = import_history(&name, "every_history_file_imports") else {
            continue;
        };
        let s = &imp.structure;
        let leaves = s.params.iter().filter(|p| p.ty != TypeName::Object).count();
        let top: Vec<&str> = s
            .params
            .iter()
            .filter(|p| !p.path.contains('['))
            .map(|p| p.path.as_str())
            .collect();
        eprintln!(
            "{name}: {} {}: {} nodes, {leaves} leaves, {} notes; top level: {}",
            s.api_version,
            s.source,
            s.params.len(),
            imp.notes.len(),
            top.join(" ")
        );
        for n in &imp.notes {
            eprintln!("  note: {n}");
        }
        // Parents before children, paths unique, every doc a link to Stripe's reference.
        let mut seen = std::collections::HashSet::new();
        for p in &s.params {
            assert!(seen.insert(p.path.as_str()), "{name}: {} twice", p.path);
            if let Some(i) = p.path.rfind('[') {
                assert!(
                    seen.contains(&p.path[..i]),
                    "{name}: {} before its parent",
                    p.path
                );
            }
            assert!(
                p.doc.starts_with(
                    "[Stripe API reference](https://docs.stripe.com/api/tokens/create_"
                ),
                "{}",
                p.doc
            );
        }
        // Every file has the six kinds' parameters but cvc_update, which came in 2019.
        for kind in ["card", "bank_account", "pii"] {
            assert!(top.contains(&kind), "{name}: no {kind}");
        }
    }
}

#[test]
fn legal_entity_of_2017_and_2018_is_kept() {
    for (name, version) in [
        (
            "openapi-history/spec3-2017-12-06-e9d2beb6.json.gz",
            "2017-08-15",
        ),
        (
            "openapi-history/spec3-2018-12-21-c45f4ed0.json.gz",
            "2018-11-08",
        ),
    ] {
        let Some(imp) = import_history(name, "legal_entity_of_2017_and_2018_is_kept") else {
            continue;
        };
        let s = &imp.structure;
        assert_eq!(s.api_version, version);
        assert_eq!(param(s, "account[legal_entity]").ty, TypeName::Object);
        assert_eq!(
            param(s, "account[legal_entity][first_name]").ty,
            TypeName::String
        );
        let dob = param(s, "account[legal_entity][dob][day]");
        assert!(dob.required && dob.ty == TypeName::Integer);
        // additional_owners: 2017's properties `0`..`30` and 2018's map-or-array of owners are
        // both one list of owner objects.
        let owners = param(s, "account[legal_entity][additional_owners]");
        assert!(owners.list && owners.ty == TypeName::Object, "{owners:?}");
        assert_eq!(
            param(s, "account[legal_entity][additional_owners][first_name]").ty,
            TypeName::String
        );
        assert!(!s.params.iter().any(|p| {
            p.path
                .starts_with("account[legal_entity][additional_owners][0]")
        }));
        // The card: four object forms and the id, merged; only what every form requires is
        // required (nothing: Apple Pay's form needs none of the card's fields).
        let card = param(s, "card");
        assert_eq!(card.ty, TypeName::Object);
        assert!(card.or_id.is_some());
        for field in [
            "number",
            "exp_month",
            "pk_token",
            "encrypted",
            "swipe_data",
            "cvc",
        ] {
            let p = param(s, &format!("card[{field}]"));
            assert!(!p.required, "card[{field}]");
        }
        // bank_account: an object the file does not describe, or an id.
        let bank = param(s, "bank_account");
        assert!(bank.open && bank.or_id.is_some(), "{bank:?}");
        assert!(!s.params.iter().any(|p| p.path.starts_with("bank_account[")));
        // Each kept shape has its note.
        for path in [
            "card",
            "bank_account",
            "account[legal_entity][additional_owners]",
        ] {
            assert!(
                imp.notes.iter().any(|n| n.path == path),
                "{name}: no note on {path}"
            );
        }
    }
}

#[test]
fn today_shapes_need_no_note() {
    let Some(doc) =
        common::reference_doc("stripe-openapi-tokens.json", "today_shapes_need_no_note")
    else {
        return;
    };
    let imp = import(&doc).unwrap();
    assert!(imp.notes.is_empty(), "{:?}", imp.notes);
    for name in common::history_files()
        .iter()
        .filter(|n| !n.contains("2017") && !n.contains("2018"))
    {
        if let Some(imp) = import_history(name, "today_shapes_need_no_note") {
            assert!(imp.notes.is_empty(), "{name}: {:?}", imp.notes);
        }
    }
}
