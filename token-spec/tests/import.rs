//! The bundled structure against Stripe's OpenAPI: it is what the importer makes of the
//! reference extract of its API version (`../shared/reference/stripe-openapi-tokens.json`),
//! with our own docs; the docs link to Stripe's API reference and copy none of Stripe's
//! descriptions; the 2023 YAML and its extract import alike.

mod common;

use serde_json::Value;
use token_spec::import::{carry_docs, import_openapi, link_doc};
use token_spec::model::{StructureFile, TypeName};

fn bundled() -> StructureFile {
    serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap()
}

fn kinds(s: &StructureFile) -> Vec<&str> {
    s.params
        .iter()
        .filter(|p| p.ty == TypeName::Object && !p.path.contains('['))
        .map(|p| p.path.as_str())
        .collect()
}

/// The reference extract, when it is there and of the bundled API version.
fn reference_of_bundled_version(test: &str) -> Option<Value> {
    let doc = common::reference_doc("stripe-openapi-tokens.json", test)?;
    let version = doc["source"]["api_version"].as_str().unwrap_or_default();
    let bundled = bundled().api_version;
    if version != bundled {
        common::skip(
            test,
            &format!("the reference extract is of {version}, the bundled spec of {bundled}"),
        );
        return None;
    }
    Some(doc)
}

#[test]
fn bundled_structure_is_the_import_of_the_reference_extract() {
    let test = "bundled_structure_is_the_import_of_the_reference_extract";
    let Some(doc) = reference_of_bundled_version(test) else {
        return;
    };
    let bundled = bundled();
    let mut imported = import_openapi(&doc).unwrap();
    let carried = carry_docs(&mut imported, &bundled);
    assert_eq!(
        carried,
        bundled.params.len(),
        "every parameter keeps its doc"
    );
    assert_eq!(
        bundled, imported,
        "spec/params.json is not what the importer makes of Stripe's OpenAPI of the same API version \
         (../shared/reference/stripe-openapi-tokens.json). Re-import it, which keeps our docs: \
         `cargo run -p token-validate --features cli -- import-openapi ../shared/reference/stripe-openapi-tokens.json -o token-spec/spec/params.json`, \
         then review `git diff`"
    );
}

#[test]
fn every_doc_ends_with_its_link_to_stripe_reference() {
    let s = bundled();
    let kinds = kinds(&s);
    for p in &s.params {
        let link = link_doc(&p.path, &kinds);
        assert!(
            p.doc.ends_with(&link),
            "{}: {:?} does not end with {link}",
            p.path,
            p.doc
        );
        let words = p.doc[..p.doc.len() - link.len()].trim();
        assert!(
            words.is_empty() || words.ends_with('.'),
            "{}: our words are a sentence: {words:?}",
            p.path
        );
    }
    // The anchors are Stripe's: one page per kind, `create_KIND_token-` and the segments.
    let card = s
        .params
        .iter()
        .find(|p| p.path == "card[networks][preferred]")
        .unwrap();
    assert!(card.doc.ends_with(
        "(https://docs.stripe.com/api/tokens/create_card#create_card_token-card-networks-preferred)"
    ));
    let customer = s.params.iter().find(|p| p.path == "customer").unwrap();
    assert!(
        customer.doc.ends_with(
            "(https://docs.stripe.com/api/tokens/create_card#create_card_token-customer)"
        )
    );
}

/// Letters and digits only, lowercase: how two texts are compared for copying.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Stripe's description of each parameter, from the extract's `request_sdk` (the SDK spec
/// describes every nested parameter).
fn descriptions(schema: &Value, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        out.push((path.to_string(), d.to_string()));
    }
    let alts = schema.get("anyOf").and_then(Value::as_array);
    for s in alts.into_iter().flatten().chain([schema]) {
        for (k, v) in s
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            descriptions(v, &token_spec::join_path(path, k), out);
        }
    }
}

#[test]
fn no_doc_copies_stripe_descriptions() {
    let Some(doc) = common::reference_doc(
        "stripe-openapi-tokens.json",
        "no_doc_copies_stripe_descriptions",
    ) else {
        return;
    };
    let mut stripe = Vec::new();
    descriptions(&doc["request_sdk"], "", &mut stripe);
    assert!(stripe.len() > 200, "{} descriptions", stripe.len());
    let s = bundled();
    let mut compared = 0;
    for (path, desc) in &stripe {
        let Some(p) = s.params.iter().find(|p| &p.path == path) else {
            continue;
        };
        compared += 1;
        // Stripe's first sentence, without markup: not in our words.
        let first = desc.split(". ").next().unwrap_or(desc);
        let theirs = letters(first);
        let ours = letters(&p.doc);
        assert!(
            theirs.len() < 24 || !ours.contains(&theirs),
            "{path}: the doc copies Stripe's description {first:?}"
        );
    }
    assert!(compared > 200, "{compared} compared");
}

#[test]
fn the_2023_yaml_and_its_extract_import_alike() {
    let test = "the_2023_yaml_and_its_extract_import_alike";
    if !cfg!(feature = "yaml") {
        common::skip(test, "YAML needs the `yaml` feature");
        return;
    }
    let (Some(yaml), Some(extract)) = (
        common::reference_doc("openapi-history/spec3-2023-09-12-63a67463.yaml.gz", test),
        common::reference_doc("stripe-openapi-tokens.older.json", test),
    ) else {
        return;
    };
    let mut from_yaml = import_openapi(&yaml).unwrap();
    let from_extract = import_openapi(&extract).unwrap();
    assert_eq!(from_yaml.api_version, "2023-08-16");
    assert_eq!(from_yaml.source, "Stripe OpenAPI spec3 2023-08-16");
    from_yaml.source = from_extract.source.clone();
    assert_eq!(from_yaml, from_extract);
}
