//! `token-validate` against `jsonschema` (with our own emitted JSON Schema), `garde` (on
//! hand-written equivalent structs), `serde_qs`, and two floors: `serde_json` straight into
//! the generated type with no checks, and `serde_json` into `IgnoredAny` (tokenizing only);
//! for forms, a bare `form_urlencoded::parse` iteration. Then the growth of the time per
//! byte on pathological bodies from 1 KiB to 64 KiB (2 MiB for some), built by
//! `benches/shared/growth.rs` (which `examples/profile.rs` shares, so that
//! `scripts/growth-instructions.sh` counts the same bodies' instructions with callgrind).
//! The bodies and the competitors' calls are in `benches/shared/calls.rs`, which
//! `examples/profile.rs` shares too, so that `scripts/instructions.sh` counts the
//! instructions of every call timed here.
//!
//! `cargo bench --bench validate`; `scripts/bench.sh` runs it and writes `BENCHMARKS.md`.
//! Before measuring, every competitor is checked to accept the valid bodies and reject the
//! invalid one, so no number comes from a short-circuit.

use std::hint::black_box;
use std::time::Duration;

use calls::{
    CARD_FORM, CARD_JSON, PERSON_INVALID_JSON, PERSON_JSON, ctx, form_floor, garde_model,
    scan_form, scan_json, schema_errors, schema_is_valid, schema_validator,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use token_validate::{
    CardTokenRequest, check_form, check_form_with, check_json, check_json_with, validate_form,
    validate_json,
};

/// The bodies and the competitors' calls, shared with `examples/profile.rs`.
#[path = "shared/calls.rs"]
mod calls;
#[path = "shared/growth.rs"]
mod growth;

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
        // Not a competitor: our JSON scanner alone, pulling every key and value with no
        // check, so that the table shows how much of check_json is reading and how much is
        // the validators.
        g.bench_function("scan_only", |b| b.iter(|| scan_json(black_box(body))));
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
    g.bench_function("scan_only", |b| {
        b.iter(|| scan_form(black_box(CARD_FORM.as_bytes())))
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
