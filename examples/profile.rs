//! A loop over one body, for profilers (`valgrind --tool=callgrind`, `perf`):
//! `cargo build --release --example profile && valgrind --tool=callgrind
//! target/release/examples/profile card_json 20000`.
//!
//! `growth:NAME:KIB` is the growth benchmark's body `NAME` of `KIB` KiB
//! (`benches/shared/growth.rs`), checked with its roomy limits
//! (`scripts/growth-instructions.sh`).

use std::hint::black_box;

use token_validate::{
    Context, Date, check_form, check_form_with, check_json, check_json_with, validate_form,
    validate_json,
};

#[path = "../benches/shared/growth.rs"]
mod growth;

const CARD_JSON: &str = r#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123","name":"Jenny Rosen","address_line1":"1 Main St","address_line2":"Apt 2","address_city":"San Francisco","address_state":"CA","address_zip":"94107","address_country":"US","currency":"usd","networks":{"preferred":"visa"}}}"#;
const CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny+Rosen&card[address_line1]=1+Main+St&card[address_line2]=Apt+2&card[address_city]=San+Francisco&card[address_state]=CA&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa";
const PERSON_INVALID_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","favourite_colour":"blue","political_exposure":"maybe","address":{"line1":"1 Main St","city":"Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochllanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch","country":"GB"}}}"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "card_json".into());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let ctx = Context::test_secret().with_today(Date::new(2026, 11, 29).expect("a date"));
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
    let mut ok = 0usize;
    for _ in 0..n {
        ok += match which.as_str() {
            "card_json" => usize::from(check_json(black_box(CARD_JSON.as_bytes()), &ctx).is_ok()),
            "card_json_typed" => {
                usize::from(validate_json(black_box(CARD_JSON.as_bytes()), &ctx).is_ok())
            }
            "card_form" => usize::from(check_form(black_box(CARD_FORM.as_bytes()), &ctx).is_ok()),
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
            "form_floor" => form_urlencoded::parse(black_box(CARD_FORM.as_bytes()))
                .map(|(k, v)| black_box(k.len() + v.len()))
                .sum::<usize>(),
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
                    std::mem::size_of::<token_validate::__private::v::ArraySlot<'static>>(),
                    std::mem::size_of::<token_validate::__private::v::MapSlot<'static>>()
                );
                return;
            }
            other => {
                eprintln!(
                    "unknown body {other}: card_json, card_json_typed, card_form, card_form_typed, ignored_any, serde_floor, form_floor, invalid, invalid_typed, sizes"
                );
                std::process::exit(2);
            }
        };
    }
    println!("{which}: {ok}");
}

#[allow(dead_code)]
fn sizes() {
    use token_validate::__private::v::Slot;
    eprintln!("slot {}", std::mem::size_of::<Slot<'static>>());
}
