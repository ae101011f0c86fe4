//! The emitted JSON Schemas: snapshots of each kind's schema and of the whole request body,
//! example payloads checked with the `jsonschema` crate, and coverage of every spec leaf.

use schemars::Schema;
use serde_json::{Value, json};
use token_spec::{DIALECT, NodeId, Spec, Ty, bundled};

const KINDS: [&str; 6] = [
    "card",
    "bank_account",
    "cvc_update",
    "pii",
    "person",
    "account",
];

fn kind_schema(kind: &str) -> Schema {
    bundled()
        .kind_schema(kind)
        .unwrap_or_else(|| panic!("no schema for kind `{kind}`"))
}

fn validator(schema: &Schema) -> jsonschema::Validator {
    jsonschema::validator_for(schema.as_value()).expect("the emitted schema compiles")
}

/// The errors of `body` against `schema`, values masked (they may be secrets, or long).
fn errors(schema: &Schema, body: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(body)
        .map(|e| format!("{}: {}", e.instance_path(), e.masked()))
        .collect()
}

/// Every failing keyword, also inside the failed branches of an `anyOf`, as
/// `instance location: keyword`, e.g. `/card/name: maxLength`.
fn failures(schema: &Schema, body: &Value) -> Vec<String> {
    validator(schema)
        .evaluate(body)
        .iter_errors()
        .map(|e| {
            let keyword = e.schema_location.rsplit('/').next().unwrap_or_default();
            format!("{}: {keyword}", e.instance_location.as_str())
        })
        .collect()
}

#[track_caller]
fn assert_valid(schema: &Schema, body: Value) {
    let errors = errors(schema, &body);
    assert!(
        errors.is_empty(),
        "expected valid: {body}\nerrors: {errors:#?}"
    );
    assert!(validator(schema).is_valid(&body));
}

/// Asserts `body` is invalid, with `failure` (`instance location: keyword`) among the
/// reasons.
#[track_caller]
fn assert_invalid(schema: &Schema, body: Value, failure: &str) {
    assert!(
        !validator(schema).is_valid(&body),
        "expected invalid: {body}"
    );
    assert!(!errors(schema, &body).is_empty());
    let failures = failures(schema, &body);
    assert!(
        failures.iter().any(|f| f == failure),
        "expected `{failure}` for {body}\nfailures: {failures:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Snapshots

#[test]
fn kind_schema_snapshots() {
    for kind in KINDS {
        insta::assert_json_snapshot!(kind, kind_schema(kind).as_value());
    }
}

#[test]
fn request_schema_snapshot() {
    insta::assert_json_snapshot!("request", bundled().request_schema().as_value());
}

#[test]
fn every_kind_has_a_schema_and_no_other_does() {
    let names: Vec<&str> = bundled().kinds.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, KINDS);
    assert!(bundled().kind_schema("source").is_none());
    assert!(bundled().kind_schema("customer").is_none());
}

#[test]
fn schemas_declare_draft_2020_12() {
    assert_eq!(DIALECT, "https://json-schema.org/draft/2020-12/schema");
    let spec = bundled();
    let mut all: Vec<(String, Schema)> = KINDS
        .iter()
        .map(|k| (k.to_string(), kind_schema(k)))
        .collect();
    all.push(("request".into(), spec.request_schema()));
    for (name, schema) in &all {
        assert_eq!(schema.as_value()["$schema"], DIALECT, "{name}");
        assert!(
            schema.as_value()["title"]
                .as_str()
                .is_some_and(|t| t.contains(&spec.api_version)),
            "{name}: the title names the API version"
        );
        assert!(
            jsonschema::meta::is_valid(schema.as_value()),
            "{name}: conforms to its meta-schema"
        );
        // Detected from `$schema`, starting from another draft than the default.
        assert_eq!(
            jsonschema::Draft::Draft4.detect(schema.as_value()),
            jsonschema::Draft::Draft202012,
            "{name}"
        );
    }
    // Node schemas are sub-schemas: no `$schema` of their own.
    let number = spec.lookup("card[number]").unwrap();
    assert!(spec.node_schema(number).as_value().get("$schema").is_none());
}

// ---------------------------------------------------------------------------------------
// Coverage: every leaf of the spec is in the schemas

/// Follows `properties` down a schema, looking through `anyOf` alternatives (value-or-"" and
/// object-or-id unions).
fn property<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(p);
    }
    schema
        .get("anyOf")?
        .as_array()?
        .iter()
        .find_map(|alt| property(alt, name))
}

/// The id alternative of an object-or-id union.
fn id_form(schema: &Value) -> Option<&Value> {
    schema.get("anyOf")?.as_array()?.iter().find_map(|alt| {
        if alt.get("type") == Some(&json!("string")) {
            Some(alt)
        } else {
            id_form(alt)
        }
    })
}

fn resolve<'a>(schema: &'a Value, path: &str) -> Option<&'a Value> {
    token_spec::split_path(path)?
        .into_iter()
        .try_fold(schema, property)
}

/// The schemas a body must have to carry `node`: those of the kinds whose requests carry its
/// top-level parameter (one kind's own, or every kind's for a common parameter).
fn kinds_of(spec: &Spec, node: &token_spec::Node) -> Vec<String> {
    let top = token_spec::split_path(&node.path).unwrap()[0];
    let top = spec.lookup(top).unwrap();
    spec.kinds
        .iter()
        .filter(|k| spec.body_params(k).contains(&top))
        .map(|k| k.name.clone())
        .collect()
}

#[test]
fn every_leaf_is_in_the_kind_schemas() {
    let spec = bundled();
    let schemas: std::collections::BTreeMap<String, Value> = KINDS
        .iter()
        .map(|k| (k.to_string(), kind_schema(k).to_value()))
        .collect();
    let request = spec.request_schema().to_value();
    let mut leaves = 0;
    for (i, node) in spec.nodes().iter().enumerate().skip(1) {
        let id = NodeId(i as u32);
        let want = spec.node_schema(id).to_value();
        for kind in kinds_of(spec, node) {
            let got = resolve(&schemas[&kind], &node.path)
                .unwrap_or_else(|| panic!("{} is not in the {kind} schema", node.path));
            assert_eq!(got, &want, "{} in the {kind} schema", node.path);
        }
        assert_eq!(
            resolve(&request, &node.path),
            Some(&want),
            "{} in the request schema",
            node.path
        );
        match &node.ty {
            Ty::Object {
                or_id: Some(id), ..
            } => {
                let ids = id_form(&want).unwrap_or_else(|| panic!("{}: no id form", node.path));
                assert_eq!(ids.get("maxLength").and_then(Value::as_u64), id.max_length);
                leaves += 1;
            }
            Ty::Object { .. } => {}
            _ => leaves += 1,
        }
    }
    // As many as the structure file has (non-object nodes and objects' id forms),
    // and the parameters of accepted.json.
    let file: token_spec::model::StructureFile =
        serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
    let in_file = file
        .params
        .iter()
        .filter(|p| p.ty != token_spec::model::TypeName::Object || p.or_id.is_some())
        .count();
    let accepted = spec.nodes().iter().filter(|n| n.accepted.is_some()).count();
    assert_eq!(leaves, in_file + accepted);
    assert_eq!(leaves, spec.leaf_count(NodeId::ROOT));
}

/// The object alternative of a node schema (itself, or inside an object-or-id or
/// object-or-"" union).
fn object_form(schema: &Value) -> Option<&Value> {
    if schema.get("type") == Some(&json!("object")) {
        return Some(schema);
    }
    schema
        .get("anyOf")?
        .as_array()?
        .iter()
        .find_map(object_form)
}

#[test]
fn objects_require_their_required_children_and_nothing_else() {
    let spec = bundled();
    let mut objects = 0;
    for (i, node) in spec.nodes().iter().enumerate().skip(1) {
        if !matches!(node.ty, Ty::Object { .. }) {
            continue;
        }
        objects += 1;
        let schema = spec.node_schema(NodeId(i as u32)).to_value();
        let object = object_form(&schema).unwrap_or_else(|| panic!("{}", node.path));
        // Less those a top-level parameter can stand in for (`pk_token`): the body
        // schemas require them unless it is sent (below).
        let want: Vec<&str> = node
            .children
            .iter()
            .map(|c| spec.node(*c))
            .filter(|c| c.required && c.required_unless.is_empty())
            .map(|c| c.name.as_str())
            .collect();
        let have: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(have, want, "{}", node.path);
        assert_eq!(object["additionalProperties"], false, "{}", node.path);
    }
    assert!(objects > 40, "{objects} objects");
    // Spot checks, in Stripe's (alphabetical) order. The card's number and expiry are
    // required unless an Apple Pay token is sent, which the body schemas say.
    let card = spec.node_schema(spec.lookup("card").unwrap()).to_value();
    assert_eq!(object_form(&card).unwrap().get("required"), None);
    for schema in [
        kind_schema("card").to_value(),
        spec.request_schema().to_value(),
    ] {
        assert_eq!(
            schema["allOf"],
            json!([{
                "if": {"not": {"required": ["pk_token"]}},
                "then": {"properties": {"card": {"required": ["exp_month", "exp_year", "number"]}}}
            }])
        );
    }
    let dob = spec
        .node_schema(spec.lookup("person[dob]").unwrap())
        .to_value();
    assert_eq!(
        object_form(&dob).unwrap()["required"],
        json!(["day", "month", "year"])
    );
}

// ---------------------------------------------------------------------------------------
// Example payloads: card, cvc_update, pii, bank_account

fn card(fields: Value) -> Value {
    let mut card = json!({"number": "4242424242424242", "exp_month": 12, "exp_year": "2034"});
    card.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    json!({ "card": card })
}

#[test]
fn card_payloads() {
    let s = kind_schema("card");
    assert_valid(&s, card(json!({"cvc": "123"})));
    // Integers may be JSON numbers or strings, as the form encoding sends them.
    assert_valid(&s, card(json!({"exp_month": "12", "exp_year": 2034})));
    assert_valid(&s, card(json!({"exp_month": "01", "exp_year": "34"})));
    // The id form, with the customer that owns the card.
    assert_valid(&s, json!({"card": "card_123", "customer": "cus_123"}));
    assert_valid(&s, json!({"card": "card_123"}));
    // `customer` alone: Stripe tokenises the customer's default card.
    assert_valid(&s, json!({"customer": "cus_123"}));
    assert_valid(
        &s,
        json!({"card": {"number": "4242424242424242", "exp_month": 1, "exp_year": 2034,
                        "networks": {"preferred": "visa"}, "address_zip": "94107"},
               "expand": ["card"]}),
    );
    assert_valid(&s, card(json!({"name": "x".repeat(5000)})));
    // Apple Pay (accepted.json): the token stands in for the number and expiry, and the
    // billing contact comes in `card`.
    assert_valid(
        &s,
        json!({"pk_token": "{\"version\":\"EC_v1\"}", "card": {"name": "Jenny Rosen"},
               "pk_token_transaction_id": "x", "guid": "g", "muid": "m", "sid": "s"}),
    );
    assert_valid(&s, json!({"pk_token": ""}));
    // Wallet fields.
    assert_valid(
        &s,
        card(json!({"tokenization_method": "android_pay", "eci": "05", "cryptogram": "AAAA"})),
    );

    assert_invalid(&s, json!({}), ": required");
    assert_invalid(
        &s,
        json!({"card": {"exp_month": 12, "exp_year": "2034"}}),
        "/card: required",
    );
    assert_invalid(
        &s,
        card(json!({"foo": "bar"})),
        "/card: additionalProperties",
    );
    assert_invalid(
        &s,
        card(json!({"name": "x".repeat(5001)})),
        "/card/name: maxLength",
    );
    assert_invalid(
        &s,
        card(json!({"networks": {"preferred": "amex"}})),
        "/card/networks/preferred: enum",
    );
    assert_invalid(&s, json!({"card": "x".repeat(5001)}), "/card: maxLength");
    assert_invalid(&s, json!({"card": 42}), "/card: type");
    // Another kind's parameter is not part of a card body.
    assert_invalid(
        &s,
        json!({"card": "card_123", "pii": {"id_number": "000000000"}}),
        ": additionalProperties",
    );
    assert_invalid(
        &s,
        json!({"customer": "cus_123", "expand": "card"}),
        "/expand: type",
    );
}

#[test]
fn card_expiry_bounds_hold_for_numbers_and_strings() {
    for (bad, keyword) in [
        (json!(13), "maximum"),
        (json!(0), "minimum"),
        (json!(1.5), "type"),
        (json!(true), "type"),
        (json!("13"), "pattern"),
        (json!("0"), "pattern"),
        (json!("-1"), "pattern"),
        (json!("twelve"), "pattern"),
        (json!("1.0"), "pattern"),
        (json!(""), "pattern"),
    ] {
        assert_invalid(
            &kind_schema("card"),
            card(json!({ "exp_month": bad })),
            &format!("/card/exp_month: {keyword}"),
        );
    }
    // Exhaustively: a month is 1 to 12, as a number or as digits (leading zeros allowed).
    let month = validator(&bundled().node_schema(bundled().lookup("card[exp_month]").unwrap()));
    for n in 0..=100 {
        let want = (1..=12).contains(&n);
        assert_eq!(month.is_valid(&json!(n)), want, "{n}");
        assert_eq!(month.is_valid(&json!(n.to_string())), want, "\"{n}\"");
        assert_eq!(month.is_valid(&json!(format!("0{n}"))), want, "\"0{n}\"");
    }
    let year = validator(&bundled().node_schema(bundled().lookup("card[exp_year]").unwrap()));
    for n in 0..=10_001 {
        let want = n <= 9999;
        assert_eq!(year.is_valid(&json!(n)), want, "{n}");
        assert_eq!(year.is_valid(&json!(n.to_string())), want, "\"{n}\"");
    }
    assert!(!year.is_valid(&json!(-1)));
    assert!(!year.is_valid(&json!("-1")));
}

#[test]
fn cvc_update_payloads() {
    let s = kind_schema("cvc_update");
    assert_valid(&s, json!({"cvc_update": {"cvc": "123"}}));
    assert_invalid(&s, json!({"cvc_update": {}}), "/cvc_update: required");
    assert_invalid(
        &s,
        json!({"cvc_update": {"cvc": 123}}),
        "/cvc_update/cvc: type",
    );
    // Only card tokens can be made from `customer` alone.
    assert_invalid(&s, json!({"customer": "cus_123"}), ": required");
}

#[test]
fn pii_payloads() {
    let s = kind_schema("pii");
    assert_valid(&s, json!({"pii": {"id_number": "000000000"}}));
    assert_valid(&s, json!({"pii": {}}));
    assert_invalid(
        &s,
        json!({"pii": {"ssn": "000000000"}}),
        "/pii: additionalProperties",
    );
    assert_invalid(&s, json!({"pii": "000000000"}), "/pii: type");
}

#[test]
fn bank_account_payloads() {
    let s = kind_schema("bank_account");
    assert_valid(
        &s,
        json!({"bank_account": {"country": "US", "currency": "usd", "account_number": "000123456789",
                                "routing_number": "110000000", "account_holder_type": "individual",
                                "account_holder_name": "Jenny Rosen", "account_type": "checking"}}),
    );
    assert_valid(
        &s,
        json!({"bank_account": {"country": "DE", "account_number": "DE89370400440532013000"}}),
    );
    assert_invalid(
        &s,
        json!({"bank_account": {"account_number": "000123456789"}}),
        "/bank_account: required",
    );
    assert_invalid(
        &s,
        json!({"bank_account": {"country": "US", "account_number": "000123456789",
                                "account_holder_type": "partnership"}}),
        "/bank_account/account_holder_type: enum",
    );
    assert_invalid(
        &s,
        json!({"bank_account": {"country": "US", "account_number": "000123456789", "iban": "x"}}),
        "/bank_account: additionalProperties",
    );
    // No id form for bank accounts.
    assert_invalid(&s, json!({"bank_account": "ba_123"}), "/bank_account: type");
}

// ---------------------------------------------------------------------------------------
// Example payloads: person and account

#[test]
fn person_payloads() {
    let s = kind_schema("person");
    assert_valid(&s, json!({"person": {"first_name": "Jenny"}}));
    assert_valid(&s, json!({"person": {"political_exposure": "none"}}));
    assert_valid(&s, json!({"person": {"political_exposure": "existing"}}));
    assert_invalid(
        &s,
        json!({"person": {"political_exposure": "maybe"}}),
        "/person/political_exposure: enum",
    );

    // `dob`: a date, or "" to unset; a date needs all three parts.
    assert_valid(&s, json!({"person": {"dob": ""}}));
    assert_valid(
        &s,
        json!({"person": {"dob": {"day": 1, "month": "2", "year": 1990}}}),
    );
    assert_invalid(
        &s,
        json!({"person": {"dob": {"day": 1}}}),
        "/person/dob: required",
    );
    assert_invalid(
        &s,
        json!({"person": {"dob": "1990-02-01"}}),
        "/person/dob: const",
    );
    assert_invalid(
        &s,
        json!({"person": {"dob": {"day": "first", "month": 2, "year": 1990}}}),
        "/person/dob/day: pattern",
    );

    // `metadata`: a string map, or "" to unset.
    assert_valid(
        &s,
        json!({"person": {"metadata": {"order_id": "6735", "note": ""}}}),
    );
    assert_valid(&s, json!({"person": {"metadata": ""}}));
    assert_invalid(
        &s,
        json!({"person": {"metadata": {"order_id": 6735}}}),
        "/person/metadata/order_id: type",
    );

    // A closed enum array.
    assert_valid(
        &s,
        json!({"person": {"us_cfpb_data": {"race_details": {"race": ["asian", "white"]}}}}),
    );
    assert_invalid(
        &s,
        json!({"person": {"us_cfpb_data": {"race_details": {"race": ["asian", "martian"]}}}}),
        "/person/us_cfpb_data/race_details/race/1: enum",
    );

    // Booleans and numbers, as JSON values or as the form encoding's strings.
    assert_valid(
        &s,
        json!({"person": {"relationship": {"director": true, "owner": "false",
                                           "percent_ownership": "25.5"}}}),
    );
    assert_valid(
        &s,
        json!({"person": {"relationship": {"percent_ownership": 25}}}),
    );
    assert_invalid(
        &s,
        json!({"person": {"relationship": {"director": "yes"}}}),
        "/person/relationship/director: enum",
    );
    assert_invalid(
        &s,
        json!({"person": {"relationship": {"percent_ownership": "a quarter"}}}),
        "/person/relationship/percent_ownership: pattern",
    );

    // Array items that may be "" (file lists), and a whole array that may be "".
    assert_valid(
        &s,
        json!({"person": {"documents": {"passport": {"files": ["file_123", ""]}},
                          "full_name_aliases": ""}}),
    );
    assert_invalid(
        &s,
        json!({"person": {"documents": {"passport": {"files": ["x".repeat(501)]}}}}),
        "/person/documents/passport/files/0: maxLength",
    );
}

#[test]
fn account_payloads() {
    let s = kind_schema("account");
    assert_valid(
        &s,
        json!({"account": {"business_type": "individual", "tos_shown_and_accepted": true,
                           "individual": {"first_name": "Jenny",
                                          "dob": {"day": 1, "month": 2, "year": 1990}}}}),
    );
    // Stripe bypasses validation of these enums: unknown values pass.
    assert_valid(&s, json!({"account": {"business_type": "something_new"}}));
    assert_valid(
        &s,
        json!({"account": {"company": {"structure": "registered_charity"}}}),
    );
    assert_valid(
        &s,
        json!({"account": {"company": {"structure": "a_future_structure"}}}),
    );
    // … but must still be strings.
    assert_invalid(
        &s,
        json!({"account": {"business_type": 1}}),
        "/account/business_type: type",
    );
    assert_invalid(
        &s,
        json!({"account": {"individual": {"political_exposure": "maybe"}}}),
        "/account/individual/political_exposure: enum",
    );
    assert_invalid(
        &s,
        json!({"account": {"business_profile": {}}}),
        "/account: additionalProperties",
    );
}

// ---------------------------------------------------------------------------------------
// The whole request body

#[test]
fn request_payloads() {
    let s = bundled().request_schema();
    assert_valid(&s, card(json!({})));
    assert_valid(&s, json!({"customer": "cus_123"}));
    assert_valid(&s, json!({"pii": {"id_number": "000000000"}}));
    assert_valid(&s, json!({"account": {"business_type": "something_new"}}));
    // Two kinds at once is the validator's business, not the schema's.
    assert_valid(
        &s,
        json!({"pii": {"id_number": "000000000"}, "cvc_update": {"cvc": "123"}}),
    );

    assert_invalid(&s, json!({}), ": required");
    assert_invalid(&s, json!({"expand": ["card"]}), ": required");
    let mut with_source = card(json!({}));
    with_source["source"] = json!("src_123");
    assert_invalid(&s, with_source, ": additionalProperties");
    assert_invalid(&s, json!("card=card_123"), ": type");
    assert_invalid(&s, json!({"card": {"number": "4242"}}), "/card: required");
}
