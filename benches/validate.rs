//! `token-validate` against `jsonschema` (with our own emitted JSON Schema), `garde` (on
//! hand-written equivalent structs), `serde_qs`, and two floors: `serde_json` straight into
//! the generated type with no checks, and `serde_json` into `IgnoredAny` (tokenizing only);
//! for forms, a bare `form_urlencoded::parse` iteration. Then the growth of the time per
//! byte on pathological bodies from 1 KiB to 64 KiB (2 MiB for some), built by
//! `benches/shared/growth.rs` (which `examples/profile.rs` shares, so that
//! `scripts/growth-instructions.sh` counts the same bodies' instructions with callgrind).
//!
//! `cargo bench --bench validate`; `scripts/bench.sh` runs it and writes `BENCHMARKS.md`.
//! Before measuring, every competitor is checked to accept the valid bodies and reject the
//! invalid one, so no number comes from a short-circuit.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use token_validate::{
    CardTokenRequest, Context, Date, check_form, check_form_with, check_json, check_json_with,
    validate_form, validate_json,
};

#[path = "shared/growth.rs"]
mod growth;

/// A card body with every card field (~280 bytes).
const CARD_JSON: &str = r#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123","name":"Jenny Rosen","address_line1":"1 Main St","address_line2":"Apt 2","address_city":"San Francisco","address_state":"CA","address_zip":"94107","address_country":"US","currency":"usd","networks":{"preferred":"visa"}}}"#;

/// The same card, form-encoded.
const CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny+Rosen&card[address_line1]=1+Main+St&card[address_line2]=Apt+2&card[address_city]=San+Francisco&card[address_state]=CA&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa";

/// A person body with ~20 fields.
const PERSON_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","maiden_name":"Doe","email":"jenny.rosen@example.com","phone":"+14155550123","gender":"female","nationality":"US","id_number":"000000000","ssn_last_4":"0000","political_exposure":"none","dob":{"day":1,"month":2,"year":1990},"address":{"line1":"1 Main St","line2":"Apt 2","city":"San Francisco","state":"CA","postal_code":"94107","country":"US"},"metadata":{"ref":"42"}}}"#;

/// A person body with three errors: an unknown parameter, a value outside its enum and a
/// city over 100 characters.
const PERSON_INVALID_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","favourite_colour":"blue","political_exposure":"maybe","address":{"line1":"1 Main St","city":"Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochllanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch","country":"GB"}}}"#;

fn ctx() -> Context {
    Context::test_secret().with_today(Date::new(2026, 11, 29).expect("a date"))
}

fn schema_validator(kind: &str) -> jsonschema::Validator {
    let schema = token_validate::token_spec::bundled()
        .kind_schema(kind)
        .expect("a kind schema");
    jsonschema::validator_for(schema.as_value()).expect("our schema compiles")
}

// ---------------------------------------------------------------------------------------
// garde: hand-written structs with rules equivalent to the spec's
// ---------------------------------------------------------------------------------------

mod garde_model {
    use super::*;
    use garde::Validate;

    fn digits_only(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_digit())
    }

    /// Digits (spaces and dashes allowed), 12 to 19 of them, Luhn checksum.
    fn check_number(value: &str, _: &()) -> garde::Result {
        let mut sum = 0u32;
        let mut n = 0usize;
        for b in value.bytes().rev() {
            if b == b' ' || b == b'-' {
                continue;
            }
            if !b.is_ascii_digit() {
                return Err(garde::Error::new("not a card number"));
            }
            let mut d = u32::from(b - b'0');
            if !n.is_multiple_of(2) {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
            n += 1;
        }
        if !(12..=19).contains(&n) {
            return Err(garde::Error::new("card number length"));
        }
        if !sum.is_multiple_of(10) {
            return Err(garde::Error::new("incorrect number"));
        }
        Ok(())
    }

    fn check_cvc(value: &Option<String>, _: &()) -> garde::Result {
        match value {
            Some(v) if !(3..=4).contains(&v.len()) || !digits_only(v) => {
                Err(garde::Error::new("invalid cvc"))
            }
            _ => Ok(()),
        }
    }

    fn one_of(
        values: &'static [&'static str],
    ) -> impl FnOnce(&Option<String>, &()) -> garde::Result {
        move |value, _| match value {
            Some(v) if !values.contains(&v.as_str()) => Err(garde::Error::new("not in the enum")),
            _ => Ok(()),
        }
    }

    fn digits_len(len: usize) -> impl FnOnce(&Option<String>, &()) -> garde::Result {
        move |value, _| match value {
            Some(v) if v.len() != len || !digits_only(v) => Err(garde::Error::new("digits")),
            _ => Ok(()),
        }
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct CardBody {
        #[garde(dive)]
        pub card: Card,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct Card {
        #[garde(length(max = 5000), custom(check_number))]
        pub number: String,
        #[garde(range(min = 1, max = 12))]
        pub exp_month: u8,
        #[garde(range(min = 2026, max = 2076))]
        pub exp_year: u16,
        #[garde(length(max = 5000), custom(check_cvc))]
        pub cvc: Option<String>,
        #[garde(length(max = 5000))]
        pub name: Option<String>,
        #[garde(length(max = 5000))]
        pub address_line1: Option<String>,
        #[garde(length(max = 5000))]
        pub address_line2: Option<String>,
        #[garde(length(max = 5000))]
        pub address_city: Option<String>,
        #[garde(length(max = 5000))]
        pub address_state: Option<String>,
        #[garde(length(max = 5000))]
        pub address_zip: Option<String>,
        #[garde(length(max = 5000))]
        pub address_country: Option<String>,
        #[garde(length(max = 5000))]
        pub currency: Option<String>,
        #[garde(dive)]
        pub networks: Option<Networks>,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct Networks {
        #[garde(custom(one_of(&["cartes_bancaires", "mastercard", "visa"])))]
        pub preferred: Option<String>,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct PersonBody {
        #[garde(dive)]
        pub person: Person,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // `phone`, `gender` and `metadata` are parsed, not checked.
    pub struct Person {
        #[garde(length(max = 5000))]
        pub first_name: Option<String>,
        #[garde(length(max = 5000))]
        pub last_name: Option<String>,
        #[garde(length(max = 5000))]
        pub maiden_name: Option<String>,
        #[garde(email)]
        pub email: Option<String>,
        #[garde(skip)]
        pub phone: Option<String>,
        #[garde(skip)]
        pub gender: Option<String>,
        #[garde(length(max = 5000))]
        pub nationality: Option<String>,
        #[garde(length(max = 5000))]
        pub id_number: Option<String>,
        #[garde(custom(digits_len(4)))]
        pub ssn_last_4: Option<String>,
        #[garde(custom(one_of(&["existing", "none"])))]
        pub political_exposure: Option<String>,
        #[garde(dive)]
        pub dob: Option<Dob>,
        #[garde(dive)]
        pub address: Option<Address>,
        #[garde(skip)]
        pub metadata: Option<BTreeMap<String, String>>,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct Dob {
        #[garde(range(min = 1, max = 31))]
        pub day: u8,
        #[garde(range(min = 1, max = 12))]
        pub month: u8,
        #[garde(range(min = 1900, max = 9999))]
        pub year: u16,
    }

    #[derive(Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    pub struct Address {
        #[garde(length(max = 200))]
        pub line1: Option<String>,
        #[garde(length(max = 200))]
        pub line2: Option<String>,
        #[garde(length(max = 100))]
        pub city: Option<String>,
        #[garde(length(max = 5000))]
        pub state: Option<String>,
        #[garde(length(max = 5000))]
        pub postal_code: Option<String>,
        #[garde(length(max = 5000))]
        pub country: Option<String>,
    }

    /// serde_json parse + garde validation.
    pub fn card(body: &[u8]) -> bool {
        serde_json::from_slice::<CardBody>(body).is_ok_and(|b| b.validate().is_ok())
    }

    /// serde_json parse + garde validation.
    pub fn person(body: &[u8]) -> bool {
        serde_json::from_slice::<PersonBody>(body).is_ok_and(|b| b.validate().is_ok())
    }
}

/// serde_json parse, then jsonschema's `is_valid`.
fn schema_is_valid(v: &jsonschema::Validator, body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|j| v.is_valid(&j))
}

/// serde_json parse, then every error of jsonschema's `iter_errors`.
fn schema_errors(v: &jsonschema::Validator, body: &[u8]) -> usize {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(j) => v.iter_errors(&j).collect::<Vec<_>>().len(),
        Err(_) => 1,
    }
}

/// Checks that every competitor gets the same answers as we do before anything is timed.
fn sanity(card: &jsonschema::Validator, person: &jsonschema::Validator) {
    let c = ctx();
    assert!(validate_json(CARD_JSON.as_bytes(), &c).is_ok());
    assert!(validate_json(PERSON_JSON.as_bytes(), &c).is_ok());
    assert!(validate_form(CARD_FORM.as_bytes(), &c).is_ok());
    assert_eq!(
        validate_json(CARD_JSON.as_bytes(), &c).ok(),
        validate_form(CARD_FORM.as_bytes(), &c).ok()
    );
    assert!(schema_is_valid(card, CARD_JSON.as_bytes()));
    assert!(schema_is_valid(person, PERSON_JSON.as_bytes()));
    assert!(garde_model::card(CARD_JSON.as_bytes()));
    assert!(garde_model::person(PERSON_JSON.as_bytes()));
    let qs = serde_qs::from_bytes::<CardTokenRequest>(CARD_FORM.as_bytes())
        .expect("serde_qs parses the generated type");
    let floor = serde_json::from_slice::<CardTokenRequest>(CARD_JSON.as_bytes())
        .expect("serde_json parses the generated type");
    assert_eq!(qs, floor);
    assert_eq!(
        token_validate::Request::Card(floor),
        validate_json(CARD_JSON.as_bytes(), &c).expect("valid")
    );
    let ours = validate_json(PERSON_INVALID_JSON.as_bytes(), &c).expect_err("invalid");
    assert_eq!(ours.len(), 3, "{ours:?}");
    assert_eq!(
        check_json(PERSON_INVALID_JSON.as_bytes(), &c).expect_err("invalid"),
        ours
    );
    assert!(check_json(CARD_JSON.as_bytes(), &c).is_ok());
    assert!(check_json(PERSON_JSON.as_bytes(), &c).is_ok());
    assert!(check_form(CARD_FORM.as_bytes(), &c).is_ok());
    assert_eq!(form_urlencoded::parse(CARD_FORM.as_bytes()).count(), 13);
    assert!(serde_json::from_slice::<serde::de::IgnoredAny>(CARD_JSON.as_bytes()).is_ok());
    assert_eq!(schema_errors(person, PERSON_INVALID_JSON.as_bytes()), 3);
    assert!(!garde_model::person(PERSON_INVALID_JSON.as_bytes()));
}

/// A bare iteration over a form body's decoded pairs: the form-reading floor.
fn form_floor(body: &[u8]) -> usize {
    form_urlencoded::parse(body)
        .map(|(k, v)| black_box(k.len() + v.len()))
        .sum()
}

fn benches(c: &mut Criterion) {
    let card_schema = schema_validator("card");
    let person_schema = schema_validator("person");
    sanity(&card_schema, &person_schema);
    let cx = ctx();

    for (group, body, schema) in [
        ("card_json", CARD_JSON, &card_schema),
        ("person_json", PERSON_JSON, &person_schema),
    ] {
        let mut g = c.benchmark_group(group);
        let body = body.as_bytes();
        let card = group == "card_json";
        g.bench_function("check_json", |b| {
            b.iter(|| check_json(black_box(body), &cx).is_ok())
        });
        g.bench_function("validate_json", |b| {
            b.iter(|| validate_json(black_box(body), &cx).is_ok())
        });
        g.bench_function("jsonschema", |b| {
            b.iter(|| schema_is_valid(schema, black_box(body)))
        });
        g.bench_function("garde", |b| {
            b.iter(|| {
                if card {
                    garde_model::card(black_box(body))
                } else {
                    garde_model::person(black_box(body))
                }
            })
        });
        g.bench_function("serde_json_floor", |b| {
            b.iter(|| {
                if card {
                    serde_json::from_slice::<CardTokenRequest>(black_box(body)).is_ok()
                } else {
                    serde_json::from_slice::<token_validate::PersonTokenRequest>(black_box(body))
                        .is_ok()
                }
            })
        });
        g.bench_function("ignored_any", |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).is_ok())
        });
        g.finish();
    }

    let mut g = c.benchmark_group("card_form");
    let body = CARD_FORM.as_bytes();
    g.bench_function("check_form", |b| {
        b.iter(|| check_form(black_box(body), &cx).is_ok())
    });
    g.bench_function("validate_form", |b| {
        b.iter(|| validate_form(black_box(body), &cx).is_ok())
    });
    g.bench_function("serde_qs", |b| {
        b.iter(|| serde_qs::from_bytes::<CardTokenRequest>(black_box(body)).is_ok())
    });
    g.bench_function("form_urlencoded", |b| {
        b.iter(|| form_floor(black_box(body)))
    });
    g.finish();

    let mut g = c.benchmark_group("invalid_all_errors");
    let body = PERSON_INVALID_JSON.as_bytes();
    g.bench_function("check_json", |b| {
        b.iter(|| check_json(black_box(body), &cx).map_or_else(|e| e.len(), |_| 0))
    });
    g.bench_function("validate_json", |b| {
        b.iter(|| validate_json(black_box(body), &cx).map_or_else(|e| e.len(), |_| 0))
    });
    g.bench_function("jsonschema_iter_errors", |b| {
        b.iter(|| schema_errors(&person_schema, black_box(body)))
    });
    g.finish();

    // Growth: the same pathological pattern at 1, 8 and 64 KiB (up to 2 MiB for the shapes
    // an operator who raises --max-body may meet), with limits that let every value
    // through, so the whole body is read. Time per byte should stay flat.
    let roomy = growth::roomy();
    let mut g = c.benchmark_group("growth");
    for (name, json, sizes) in growth::SHAPES {
        for &kib in *sizes {
            let body = growth::body(name, kib * 1024);
            g.throughput(Throughput::Bytes(body.len() as u64));
            g.bench_with_input(BenchmarkId::new(*name, kib), &body, |b, body| {
                b.iter(|| {
                    let r = if *json {
                        check_json_with(black_box(body), &cx, &roomy)
                    } else {
                        check_form_with(black_box(body), &cx, &roomy)
                    };
                    r.map_or_else(|e| e.len(), |_| 0)
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = validate;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(validate);
