//! Building a typed value from a validated body (`FromParams`): the built-in `Request`
//! built this way equals the one the validators build in their own pass, for every valid
//! example body; user structs get their mapped fields, their skipped fields' defaults, and
//! Stripe-shaped errors where they are narrower than the spec.

use std::collections::BTreeMap;
use std::path::Path;

use token_validate::{
    Context, Date, FromParams, MaybeUnset, Request, TokenRequest, validate_form, validate_form_as,
    validate_json, validate_json_as,
};

fn ctx() -> Context {
    Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "card")]
struct CheckoutCard {
    number: String,
    exp_month: u8,
    exp_year: u16,
    cvc: Option<String>,
    #[token(param = "address_zip")]
    postal_code: Option<String>,
    #[token(skip)]
    cart_id: u64,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "person", object = "address")]
struct Address {
    line1: Option<String>,
    city: Option<String>,
    country: Option<String>,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "person")]
struct Onboarding {
    first_name: Option<String>,
    #[token(param = "dob[day]")]
    day: Option<i64>,
    #[token(param = "dob[month]")]
    month: Option<i64>,
    #[token(param = "dob[year]")]
    year: Option<i64>,
    #[token(object = "address")]
    address: Option<Address>,
    metadata: Option<BTreeMap<String, String>>,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "person", object = "dob")]
struct Dob {
    day: i64,
    month: i64,
    year: i64,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "person")]
struct PersonDob {
    #[token(object = "dob")]
    dob: Option<MaybeUnset<Dob>>,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "cvc_update", body)]
struct CvcBody {
    cvc_update: Option<CvcUpdate>,
    expand: Option<Vec<String>>,
}

#[derive(Debug, PartialEq, TokenRequest)]
#[token(kind = "cvc_update")]
struct CvcUpdate {
    cvc: String,
}

/// Every valid example body (examples/requests/valid/): the built-in request built from
/// the parameter tree equals the one the validators built in their pass.
#[test]
fn the_built_in_request_builds_the_same_from_every_valid_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/requests/valid");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let body = std::fs::read(&path).unwrap();
        let json = path.extension().is_some_and(|e| e == "json");
        let (direct, built) = if json {
            (
                validate_json(&body, &ctx()),
                validate_json_as::<Request>(&body, &ctx()),
            )
        } else {
            (
                validate_form(&body, &ctx()),
                validate_form_as::<Request>(&body, &ctx()),
            )
        };
        let direct = direct.unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(built.as_ref(), Ok(&direct), "{}", path.display());
        n += 1;
    }
    assert!(n >= 10, "{n} examples");
}

/// JSON's empty containers stand for nothing sent (a form body cannot send them): the
/// request built from the tree leaves them out, as the validators do. Found by the `json`
/// fuzz target (`fuzz/corpus/json/regress-full-name-aliases-empty`).
#[test]
fn empty_containers_build_as_absent() {
    for body in [
        r#"{"person":{"first_name":"Jenny","full_name_aliases":[]}}"#,
        r#"{"person":{"first_name":"Jenny","metadata":{}}}"#,
        r#"{"person":{"first_name":"Jenny","address":{}},"expand":[]}"#,
        r#"{"person":{"first_name":"Jenny","relationship":{"owner":true},"verification":{"document":{}}}}"#,
    ] {
        let direct =
            validate_json(body.as_bytes(), &ctx()).unwrap_or_else(|e| panic!("{body}: {e:?}"));
        let built = validate_json_as::<Request>(body.as_bytes(), &ctx());
        assert_eq!(built.as_ref(), Ok(&direct), "{body}");
        let without = validate_json(br#"{"person":{"first_name":"Jenny"}}"#, &ctx()).unwrap();
        if !body.contains("relationship") {
            assert_eq!(direct, without, "{body}");
        }
    }
}

/// A JSON number is read as the body has it, by the validators and by the tree alike, for
/// text parameters as for numbers: every digit of a long integer, `1.10` with its zero,
/// `0.0000001` without an exponent. Found by the `json` fuzz target
/// (`fuzz/corpus/json/regress-long-number-as-text`: the validators wrote `5000…000` and the
/// tree `5e+113` for a 114-digit integer).
#[test]
fn json_numbers_keep_their_text() {
    let long = format!("5{}89", "0".repeat(111));
    let body = format!(
        r#"{{"person":{{"last_name_kana":{long},"first_name":1.10,"relationship":{{"percent_ownership":0.0000001}}}}}}"#
    );
    let direct = validate_json(body.as_bytes(), &ctx()).unwrap_or_else(|e| panic!("{e:?}"));
    let built = validate_json_as::<Request>(body.as_bytes(), &ctx());
    assert_eq!(built.as_ref(), Ok(&direct));
    let Request::Person(p) = &direct else {
        panic!("{direct:?}")
    };
    assert_eq!(p.person.last_name_kana.as_deref(), Some(long.as_str()));
    assert_eq!(p.person.first_name.as_deref(), Some("1.10"));
    let pct = p
        .person
        .relationship
        .as_ref()
        .and_then(|r| r.percent_ownership.as_ref());
    let Some(MaybeUnset::Set(pct)) = pct else {
        panic!("{pct:?}")
    };
    assert_eq!(pct.to_string(), "0.0000001");
}

#[test]
fn a_user_struct_gets_its_fields_and_its_defaults() {
    let body = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[address_zip]=94107&card[name]=Jenny+Rosen&expand[0]=card";
    let card: CheckoutCard = validate_form_as(body, &ctx()).unwrap();
    assert_eq!(
        card,
        CheckoutCard {
            number: "4242424242424242".into(),
            exp_month: 12,
            exp_year: 2034,
            cvc: None,
            postal_code: Some("94107".into()),
            cart_id: 0,
        }
    );
    // The same from JSON, numbers as JSON numbers.
    let json = br#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"address_zip":"94107"}}"#;
    assert_eq!(
        validate_json_as::<CheckoutCard>(json, &ctx()).unwrap(),
        card
    );
}

#[test]
fn nested_objects_maps_and_dates() {
    let body = b"person[first_name]=Jenny&person[dob][day]=29&person[dob][month]=2&person[dob][year]=2000&person[address][line1]=1+Main+St&person[address][country]=US&person[metadata][internal_id]=42";
    let p: Onboarding = validate_form_as(body, &ctx()).unwrap();
    assert_eq!(p.first_name.as_deref(), Some("Jenny"));
    assert_eq!((p.day, p.month, p.year), (Some(29), Some(2), Some(2000)));
    assert_eq!(
        p.address,
        Some(Address {
            line1: Some("1 Main St".into()),
            city: None,
            country: Some("US".into()),
        })
    );
    assert_eq!(
        p.metadata,
        Some(BTreeMap::from([(
            "internal_id".to_string(),
            "42".to_string()
        )]))
    );
    // Absent objects are `None`.
    let p: Onboarding = validate_form_as(b"person[first_name]=Jenny", &ctx()).unwrap();
    assert_eq!((p.address, p.day), (None, None));
}

#[test]
fn objects_behind_maybe_unset() {
    // Person and account tokens cannot unset (`person_token_no_unset`), so a validated body
    // never holds `""` here; `MaybeUnset::Unset` is built in the unit tests.
    // An object behind `MaybeUnset`, set.
    let p: PersonDob = validate_form_as(
        b"person[dob][day]=1&person[dob][month]=2&person[dob][year]=1990",
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        p.dob,
        Some(MaybeUnset::Set(Dob {
            day: 1,
            month: 2,
            year: 1990
        }))
    );
    let p: PersonDob = validate_form_as(b"person[first_name]=Jenny", &ctx()).unwrap();
    assert_eq!(p.dob, None);
}

#[test]
fn whole_body_structs_and_arrays() {
    let c: CvcBody =
        validate_form_as(b"cvc_update[cvc]=123&expand[0]=card&expand[1]=x", &ctx()).unwrap();
    assert_eq!(
        c,
        CvcBody {
            cvc_update: Some(CvcUpdate { cvc: "123".into() }),
            expand: Some(vec!["card".into(), "x".into()]),
        }
    );
}

/// Where the struct is narrower than the spec, the answer is a Stripe-shaped error on the
/// parameter, never a panic.
#[test]
fn narrower_fields_are_errors_on_their_parameter() {
    #[derive(Debug, TokenRequest)]
    #[token(kind = "card")]
    struct TinyYear {
        number: String,
        exp_month: u8,
        exp_year: u8,
        cvc: String,
    }
    let body = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
    let e = validate_form_as::<TinyYear>(body, &ctx()).unwrap_err();
    let first = e.first();
    assert_eq!(first.param.as_deref(), Some("card[exp_year]"));
    assert_eq!(
        first.message,
        "This value must be less than or equal to 255."
    );
    assert_eq!(e.status(), 400);
    // Stripe takes a card without a CVC; this struct cannot.
    let e = validate_form_as::<TinyYear>(
        b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=34",
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_missing"));
    assert_eq!(e.first().param.as_deref(), Some("card[cvc]"));
    // The card number is never in the error.
    assert!(!format!("{e:?} {e}").contains("4242424242424242"));
}

#[test]
fn a_body_of_another_kind_is_refused_with_both_kinds_named() {
    let e = validate_form_as::<CheckoutCard>(b"cvc_update[cvc]=123", &ctx()).unwrap_err();
    assert_eq!(e.status(), 400);
    let m = &e.first().message;
    assert!(m.contains("card") && m.contains("cvc_update"), "{m}");
    // An invalid body gets Stripe's errors first, before any building.
    let e = validate_form_as::<CheckoutCard>(b"card[number]=4242424242424241", &ctx()).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_missing"));
}

/// `FromParams` is the trait the axum extractor `Preflight<T>` asks for.
#[test]
fn derived_types_implement_from_params() {
    fn assert_from_params<T: FromParams>() {}
    assert_from_params::<CheckoutCard>();
    assert_from_params::<Onboarding>();
    assert_from_params::<CvcBody>();
    assert_from_params::<Request>();
}
