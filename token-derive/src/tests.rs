//! Snapshots of the expanded code (`cargo insta review` after a change), and a timing of the
//! expansion (`cargo test -p token-derive --release -- --ignored --nocapture expansion_time`).

use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{DeriveInput, Item, parse_quote};

use crate::{expand_derive, generate};

fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens.clone()) {
        Ok(f) => f,
        Err(e) => panic!("the expansion does not parse as a file: {e}\n{tokens}"),
    };
    prettyplease::unparse(&file)
}

/// Whether a struct derives `TokenRequest` (the generated ones say `::token_validate::TokenRequest`).
fn derives_token_request(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive") && a.to_token_stream().to_string().contains("TokenRequest")
    })
}

/// The name an item is about: a struct's or enum's, or the type of an impl.
fn item_name(item: &Item) -> String {
    match item {
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The generated items of one kind (names starting with `prefix`, and not another kind's
/// whose name merely starts the same), each struct followed by its derive's expansion.
fn generated_kind(prefix: &str) -> String {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let mut out = TokenStream::new();
    for item in &file.items {
        if !item_name(item).starts_with(prefix) {
            continue;
        }
        item.to_tokens(&mut out);
        if let Item::Struct(s) = item
            && derives_token_request(&s.attrs)
        {
            let input: DeriveInput = syn::parse2(s.to_token_stream()).unwrap();
            out.extend(expand_derive(input));
        }
    }
    pretty(out)
}

/// The generated validators (the `state` module) of one kind's objects.
fn generated_validators(prefix: &str) -> String {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let mut out = TokenStream::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "state" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            if item_name(item).starts_with(prefix) {
                item.to_tokens(&mut out);
            }
        }
    }
    pretty(out)
}

/// The validators of the card kind: keys matched by `match`, each parameter's type and
/// limits inline, the rules called with their arguments from the spec.
#[test]
fn generated_card_validators() {
    insta::assert_snapshot!(generated_validators("Card"));
}

#[test]
fn checkout_card() {
    let input: DeriveInput = parse_quote! {
        #[derive(TokenRequest)]
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
    };
    insta::assert_snapshot!(pretty(expand_derive(input)));
}

#[test]
fn onboarding() {
    let input: DeriveInput = parse_quote! {
        #[derive(TokenRequest)]
        #[token(kind = "person")]
        struct Onboarding {
            first_name: String,
            #[token(param = "dob[day]")]
            day: u8,
            #[token(param = "dob[month]")]
            month: u8,
            #[token(param = "dob[year]")]
            year: u16,
            #[token(param = "address[line1]")]
            street: Option<String>,
        }
    };
    insta::assert_snapshot!(pretty(expand_derive(input)));
}

#[test]
fn nested_object() {
    let input: DeriveInput = parse_quote! {
        #[derive(TokenRequest)]
        #[token(kind = "person")]
        struct Person {
            first_name: String,
            #[token(object = "address")]
            home: Address,
            #[token(object = "address_kana")]
            kana: Option<KanaAddress>,
        }
    };
    insta::assert_snapshot!(pretty(expand_derive(input)));
}

#[test]
fn errors_and_fallback() {
    let input: DeriveInput = parse_quote! {
        #[derive(TokenRequest)]
        #[token(kind = "card")]
        struct Card {
            numbr: String,
            exp_month: Vec<bool>,
        }
    };
    insta::assert_snapshot!(pretty(expand_derive(input)));
}

#[test]
fn generated_card() {
    // `Card…` and `CardTokenRequest`, not `CvcUpdate…`.
    insta::assert_snapshot!(generated_kind("Card"));
}

#[test]
fn generated_person() {
    insta::assert_snapshot!(generated_kind("Person"));
}

/// Every generated struct derives `TokenRequest`, and its expansion has no error.
#[test]
fn generated_types_expand_cleanly() {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let mut structs = 0;
    for item in &file.items {
        if let Item::Struct(s) = item {
            assert!(derives_token_request(&s.attrs), "{}", s.ident);
            let input: DeriveInput = syn::parse2(s.to_token_stream()).unwrap();
            let out = expand_derive(input).to_string();
            assert!(!out.contains("compile_error"), "{}: {out}", s.ident);
            structs += 1;
        }
    }
    assert!(structs > 50, "{structs}");
}

/// How long `generate_requests!()` and the derives of the generated structs take: what
/// building `token_validate` spends in this crate. Prints timings; asserts nothing.
#[test]
#[ignore = "a timing, run it with --ignored --nocapture (and --release for the real cost)"]
fn expansion_time() {
    const RUNS: u32 = 20;
    // Once per rustc process (a static): parsing and checking the bundled spec. Only the
    // first call in this test binary pays it, so run this test alone.
    let t = Instant::now();
    let spec = token_spec::bundled();
    println!("token_spec::bundled() (first call): {:?}", t.elapsed());
    let mut generate_total = Duration::ZERO;
    let mut derive_total = Duration::ZERO;
    let mut structs = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let tokens = generate::generate(spec);
        generate_total += t.elapsed();
        let file: syn::File = syn::parse2(tokens).unwrap();
        let inputs: Vec<DeriveInput> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Struct(s) => Some(syn::parse2(s.to_token_stream()).unwrap()),
                _ => None,
            })
            .collect();
        structs = inputs.len();
        let t = Instant::now();
        for input in inputs {
            std::hint::black_box(expand_derive(input));
        }
        derive_total += t.elapsed();
    }
    println!(
        "generate::generate(bundled()): {:?} per run; expand_derive of its {structs} structs: {:?} per run; total {:?} per run ({RUNS} runs)",
        generate_total / RUNS,
        derive_total / RUNS,
        (generate_total + derive_total) / RUNS,
    );
}
