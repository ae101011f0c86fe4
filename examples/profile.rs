//! A loop over one body, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `cargo build --release --example profile && valgrind --tool=callgrind
//! target/release/examples/profile card_json 20000`.
//!
//! The bodies and the competitors' calls are `benches/validate.rs`' own
//! (`benches/shared/calls.rs`): `jsonschema`, `garde`, `serde_qs` and their `_person` and
//! invalid-body cases count what the bench times for those alternatives.
//!
//! `growth:NAME:KIB` is the growth benchmark's body `NAME` of `KIB` KiB
//! (`benches/shared/growth.rs`), checked with its roomy limits
//! (`scripts/growth-instructions.sh`).

use std::hint::black_box;

use calls::{
    CARD_FORM, CARD_JSON, PERSON_INVALID_JSON, PERSON_JSON, ctx, form_floor, garde_model,
    scan_form, scan_json, schema_errors, schema_is_valid, schema_validator,
};
use token_validate::scan::json;
use token_validate::{
    check_form, check_form_with, check_json, check_json_with, validate_form, validate_json,
};

#[path = "../benches/shared/calls.rs"]
mod calls;
#[path = "../benches/shared/growth.rs"]
mod growth;

/// A bank account form body (`bank_form`; not one of the bench's bodies).
const BANK_FORM: &str = "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000&bank_account[account_holder_type]=individual";

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "card_json".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let ctx = ctx();
    if let Some(shape) = which.strip_prefix("growth:") {
        let (name, kib) = shape.split_once(':').unwrap_or((shape, "64"));
        let json = growth::SHAPES
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, json, _)| *json)
            .unwrap_or_else(|| {
                eprintln!("unknown growth shape {name}");
                std::process::exit(2);
            });
        let body = growth::body(name, kib.parse::<usize>().unwrap_or(64) * 1024);
        let opts = growth::roomy();
        let mut errors = 0usize;
        for _ in 0..n {
            let r = if json {
                check_json_with(black_box(&body), &ctx, &opts)
            } else {
                check_form_with(black_box(&body), &ctx, &opts)
            };
            errors += r.map_or_else(|e| e.len(), |_| 0);
        }
        println!("{which}: {} bytes, {errors} errors", body.len());
        return;
    }
    // jsonschema's validators, compiled once outside the loop as the bench does (start-up,
    // which scripts/instructions.sh's difference of two runs cancels out).
    let (card_schema, person_schema) = (schema_validator("card"), schema_validator("person"));
    let mut ok = 0usize;
    for _ in 0..n {
        ok += match which.as_str() {
            "card_json" => usize::from(check_json(black_box(CARD_JSON.as_bytes()), &ctx).is_ok()),
            "card_json_typed" => {
                usize::from(validate_json(black_box(CARD_JSON.as_bytes()), &ctx).is_ok())
            }
            "card_form" => usize::from(check_form(black_box(CARD_FORM.as_bytes()), &ctx).is_ok()),
            "bank_form" => usize::from(check_form(black_box(BANK_FORM.as_bytes()), &ctx).is_ok()),
            "card_form_typed" => {
                usize::from(validate_form(black_box(CARD_FORM.as_bytes()), &ctx).is_ok())
            }
            "ignored_any" => usize::from(
                serde_json::from_slice::<serde::de::IgnoredAny>(black_box(CARD_JSON.as_bytes()))
                    .is_ok(),
            ),
            "serde_floor" => usize::from(
                serde_json::from_slice::<token_validate::CardTokenRequest>(black_box(
                    CARD_JSON.as_bytes(),
                ))
                .is_ok(),
            ),
            "person_json" => {
                usize::from(check_json(black_box(PERSON_JSON.as_bytes()), &ctx).is_ok())
            }
            "person_json_typed" => {
                usize::from(validate_json(black_box(PERSON_JSON.as_bytes()), &ctx).is_ok())
            }
            "serde_floor_person" => usize::from(
                serde_json::from_slice::<token_validate::PersonTokenRequest>(black_box(
                    PERSON_JSON.as_bytes(),
                ))
                .is_ok(),
            ),
            "ignored_any_person" => usize::from(
                serde_json::from_slice::<serde::de::IgnoredAny>(black_box(PERSON_JSON.as_bytes()))
                    .is_ok(),
            ),
            // The scanners of our own alone (what check_json and check_form read with),
            // reading every key and value of the same bodies.
            "scan_card_json" => scan_json(black_box(CARD_JSON.as_bytes())),
            "scan_person_json" => scan_json(black_box(PERSON_JSON.as_bytes())),
            "skip_card_json" => {
                let mut sc = json::Scanner::new(black_box(CARD_JSON.as_bytes())).expect("UTF-8");
                usize::from(sc.skip().and_then(|()| sc.end()).is_ok())
            }
            "scan_card_form" => scan_form(black_box(CARD_FORM.as_bytes())),
            "form_floor" => form_floor(black_box(CARD_FORM.as_bytes())),
            // The alternatives a user would pick, as benches/validate.rs times them.
            "jsonschema" => usize::from(schema_is_valid(
                &card_schema,
                black_box(CARD_JSON.as_bytes()),
            )),
            "jsonschema_person" => usize::from(schema_is_valid(
                &person_schema,
                black_box(PERSON_JSON.as_bytes()),
            )),
            "jsonschema_iter_errors" => {
                schema_errors(&person_schema, black_box(PERSON_INVALID_JSON.as_bytes()))
            }
            "garde" => usize::from(garde_model::card(black_box(CARD_JSON.as_bytes()))),
            "garde_person" => usize::from(garde_model::person(black_box(PERSON_JSON.as_bytes()))),
            "serde_qs" => usize::from(
                serde_qs::from_bytes::<token_validate::CardTokenRequest>(black_box(
                    CARD_FORM.as_bytes(),
                ))
                .is_ok(),
            ),
            "invalid" => check_json(black_box(PERSON_INVALID_JSON.as_bytes()), &ctx)
                .map_or_else(|e| e.len(), |_| 0),
            "invalid_typed" => validate_json(black_box(PERSON_INVALID_JSON.as_bytes()), &ctx)
                .map_or_else(|e| e.len(), |_| 0),
            "sizes" => {
                sizes();
                eprintln!(
                    "request state {}",
                    std::mem::size_of::<token_validate::state::RequestState<'static>>()
                );
                eprintln!(
                    "person state {}",
                    std::mem::size_of::<token_validate::state::PersonState<'static>>()
                );
                eprintln!(
                    "card state {}",
                    std::mem::size_of::<token_validate::state::CardState<'static>>()
                );
                eprintln!(
                    "array slot {}, map slot {}",
                    std::mem::size_of::<token_validate::__private_0_2::v::ArraySlot<'static>>(),
                    std::mem::size_of::<token_validate::__private_0_2::v::MapSlot<'static>>()
                );
                return;
            }
            other => {
                eprintln!(
                    "unknown body {other}: card_json, card_json_typed, person_json, person_json_typed, serde_floor_person, bank_form, card_form, card_form_typed, ignored_any, ignored_any_person, serde_floor, form_floor, jsonschema, jsonschema_person, jsonschema_iter_errors, garde, garde_person, serde_qs, scan_card_json, scan_person_json, skip_card_json, scan_card_form, invalid, invalid_typed, sizes"
                );
                std::process::exit(2);
            }
        };
    }
    println!("{which}: {ok}");
}

#[allow(dead_code)]
fn sizes() {
    use token_validate::__private_0_2::v::Slot;
    eprintln!("slot {}", std::mem::size_of::<Slot<'static>>());
    eprintln!(
        "request {}, accepted request {}, result {}",
        std::mem::size_of::<token_validate::Request>(),
        std::mem::size_of::<token_validate::Accepted<token_validate::Request>>(),
        std::mem::size_of::<
            Result<token_validate::Accepted<token_validate::Request>, token_validate::Errors>,
        >()
    );
}
