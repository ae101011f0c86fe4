//! Snapshots of the expanded code (`cargo insta review` after a change), and a timing of the
//! expansion (`cargo test -p token-derive --release -- --ignored --nocapture expansion_time`).

use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{DeriveInput, Item, parse_quote};

use crate::derive::expand as expand_derive;
use crate::generate;

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
        Item::Const(c) => c.ident.to_string(),
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
    generated_state(|name| name.starts_with(prefix))
}

/// The items of the generated `state` module whose names `keep`.
fn generated_state(keep: impl Fn(&str) -> bool) -> String {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let mut out = TokenStream::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "state" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            if keep(&item_name(item)) {
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

/// The validators of the bank account kind.
#[test]
fn generated_bank_account_validators() {
    insta::assert_snapshot!(generated_validators("BankAccount"));
}

/// The validators of the CVC update kind.
#[test]
fn generated_cvc_update_validators() {
    insta::assert_snapshot!(generated_validators("CvcUpdate"));
}

/// The validators of the PII kind.
#[test]
fn generated_pii_validators() {
    insta::assert_snapshot!(generated_validators("Pii"));
}

/// The validators of the person kind (`person`, its addresses, dob, documents, …).
#[test]
fn generated_person_validators() {
    insta::assert_snapshot!(generated_validators("Person"));
}

/// The validators of the account kind (`account`, its company, individual, …); the
/// prefix does not take `BankAccount…`.
#[test]
fn generated_account_validators() {
    insta::assert_snapshot!(generated_validators("Account"));
}

/// The request-level state: `RequestState` (the body's top-level parameters), its `State`
/// impl, the kind logic (`present`, `kind_index`, `kind`, `KIND_NAMES`) and building the
/// typed request.
#[test]
fn generated_request_state() {
    let text = generated_state(|name| name.starts_with("Request") || name == "KIND_NAMES");
    assert!(text.contains("pub struct RequestState"), "{text}");
    assert!(text.contains("const KIND_NAMES"), "{text}");
    insta::assert_snapshot!(text);
}

/// Every kind's validators are in a snapshot: each state of the generated `state` module
/// is named for an object of one of the six kinds or the request.
#[test]
fn every_state_is_in_a_snapshot() {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let prefixes = [
        "Card",
        "BankAccount",
        "CvcUpdate",
        "Pii",
        "Person",
        "Account",
        "Request",
    ];
    let kinds = token_spec::bundled().kinds.len();
    assert_eq!(prefixes.len(), kinds + 1, "a kind without its snapshot");
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "state" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let name = item_name(item);
            if matches!(item, Item::Struct(_)) {
                assert!(
                    prefixes.iter().any(|p| name.starts_with(p)),
                    "`{name}` is in no validators snapshot"
                );
            }
        }
    }
}

/// Every number in `text` after `NodeId(` or `= ` replaced by `_`: the constants' values are
/// positions in the spec files, which a new parameter shifts.
fn redact_positions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = ["NodeId(", "= "]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| i + p.len()))
        .min()
    {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // prettyplease may wrap a long line inside `NodeId(…)`: `(\n    38,\n)`.
        let t = rest.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            out.push('_');
            rest = &t[digits..];
            if let Some(after) = rest.strip_prefix(',')
                && after.trim_start().starts_with(')')
            {
                rest = after.trim_start();
            }
        }
    }
    out.push_str(rest);
    out
}

/// The named constants the generated code refers to the spec by (`node::CARD__EXP_MONTH`,
/// `rule::CARD_EXP_MONTH`, `kind::CARD`, `gate::…`), their values redacted: a new Stripe
/// parameter adds one line here and changes none.
#[test]
fn generated_ids() {
    let file: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    let mut out = TokenStream::new();
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "state" {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            if let Item::Mod(ids) = item
                && ["node", "rule", "kind", "gate"].contains(&ids.ident.to_string().as_str())
            {
                item.to_tokens(&mut out);
            }
        }
    }
    let text = redact_positions(&pretty(out));
    assert!(
        text.contains("pub const CARD__EXP_MONTH: NodeId = NodeId(_);"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn redaction_replaces_positions_only() {
    assert_eq!(
        redact_positions(
            "pub const A: NodeId = NodeId(160);\npub const B: usize = 12;\n(\"a\", A)\nNodeId(\n    38,\n);"
        ),
        "pub const A: NodeId = NodeId(_);\npub const B: usize = _;\n(\"a\", A)\nNodeId(_);"
    );
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

// ---------------------------------------------------------------------------------------
// The spec update procedure, through to the validators

/// A file of the team's reference folder (`../shared/reference/` above this package, or
/// `$STRIPE_REFERENCE_DIR`), parsed (gunzipped first for `.gz`); `None`, said in the test
/// output, where absent.
fn reference_doc(name: &str, test: &str) -> Option<serde_json::Value> {
    use std::io::{Read, Write};
    let dir = match std::env::var_os("STRIPE_REFERENCE_DIR") {
        Some(d) => Some(std::path::PathBuf::from(d)),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|a| a.join("shared/reference"))
            .find(|d| d.is_dir()),
    };
    let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.is_file()) else {
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: Stripe's `{name}` is not here (../shared/reference/)"
        );
        return None;
    };
    let mut bytes = std::fs::read(&path).unwrap();
    if name.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        bytes = out;
    }
    Some(token_spec::import::parse_document(&bytes).unwrap())
}

/// Import → keep our docs → diff against the bundled structure → load with a rule layer →
/// generate the request types and validators, which must parse as Rust.
fn update(
    doc: &serde_json::Value,
    rules: &token_spec::model::RulesFile,
) -> (token_spec::diff::SpecDiff, token_spec::Spec, syn::File) {
    use token_spec::model::StructureFile;
    let bundled: StructureFile = serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
    let mut structure = token_spec::import::import_openapi(doc).unwrap();
    token_spec::import::carry_docs(&mut structure, &bundled);
    token_spec::import::carry_since(&mut structure, &bundled);
    let d = token_spec::diff::diff(&bundled, &structure);
    // What Stripe accepts beyond its OpenAPI (accepted.json) and the version gates
    // (versions.json) are never imported: they are loaded beside the new structure as they
    // are beside the bundled one.
    let accepted: token_spec::model::AcceptedFile =
        serde_json::from_str(token_spec::BUNDLED_ACCEPTED).unwrap();
    let versions: token_spec::model::VersionsFile =
        serde_json::from_str(token_spec::BUNDLED_VERSIONS).unwrap();
    let spec = token_spec::Spec::from_versioned_files(
        &structure,
        rules,
        &accepted,
        &versions,
        (
            "params.json",
            "rules.json",
            "accepted.json",
            "versions.json",
        ),
    )
    .unwrap_or_else(|e| panic!("the imported spec does not load:\n{e}"));
    let file: syn::File = syn::parse2(generate::generate(&spec))
        .unwrap_or_else(|e| panic!("the generated validators do not parse: {e}"));
    (d, spec, file)
}

/// Stripe's 2026-07-29 extract: the update reproduces the bundled spec and the validators
/// generated from it, token for token, when the spec is of its version; when the spec is
/// newer (built on it, with parameters from Stripe's SDKs), the update removes exactly those.
#[test]
fn update_procedure_on_the_2026_extract() {
    let test = "update_procedure_on_the_2026_extract";
    let Some(doc) = reference_doc("stripe-openapi-tokens.json", test) else {
        return;
    };
    let rules: token_spec::model::RulesFile =
        serde_json::from_str(token_spec::BUNDLED_RULES).unwrap();
    let (d, spec, file) = update(&doc, &rules);
    if spec.api_version != token_spec::bundled().api_version {
        // The bundled spec is built on this extract: it adds only parameters that name a
        // source of their own (newer than the public OpenAPI). The update takes exactly
        // those away, and changes nothing else but the version and the source.
        let bundled: token_spec::model::StructureFile =
            serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
        let newer: Vec<&str> = bundled
            .params
            .iter()
            .filter(|p| !p.source.is_empty())
            .map(|p| p.path.as_str())
            .collect();
        let mut removed: Vec<&str> = d
            .removed
            .iter()
            .chain(&d.removed_objects)
            .map(|p| p.path.as_str())
            .collect();
        removed.sort_unstable();
        let mut want = newer.clone();
        want.sort_unstable();
        assert!(
            !newer.is_empty(),
            "{test}: the extract is not the bundled spec's base"
        );
        assert_eq!(removed, want, "{d}");
        assert!(
            d.added.is_empty() && d.added_objects.is_empty() && d.changed.is_empty(),
            "{d}"
        );
        assert!(d.docs.is_empty(), "{d}");
        return;
    }
    assert!(d.is_empty(), "{d}");
    let shipped: syn::File = syn::parse2(generate::generate(token_spec::bundled())).unwrap();
    assert_eq!(
        file.to_token_stream().to_string(),
        shipped.to_token_stream().to_string()
    );
}

/// Stripe's 2023-08-16 YAML: the rule layer is fitted first (what names a parameter 2023
/// lacks is left out), then the spec loads and its validators generate, without the
/// parameters 2023 lacks.
#[test]
fn update_procedure_on_the_2023_yaml() {
    let test = "update_procedure_on_the_2023_yaml";
    let Some(doc) = reference_doc("openapi-history/spec3-2023-09-12-63a67463.yaml.gz", test) else {
        return;
    };
    let structure = token_spec::import::import_openapi(&doc).unwrap();
    let known = |p: &str| structure.params.iter().any(|q| q.path == p);
    let mut rules: token_spec::model::RulesFile =
        serde_json::from_str(token_spec::BUNDLED_RULES).unwrap();
    let before = (rules.refine.len(), rules.rules.len());
    rules.refine.retain(|path, _| known(path));
    rules.rules.retain(|r| {
        r.params.iter().all(|p| known(p))
            && r.args.values().all(|a| match a {
                token_spec::model::ArgValue::Str(p) if p.contains('[') => known(p),
                _ => true,
            })
    });
    assert!(
        (rules.refine.len(), rules.rules.len()) < before,
        "the 2023 structure lacks parameters the rules name"
    );
    let (d, spec, file) = update(&doc, &rules);
    assert_eq!(spec.api_version, "2023-08-16");
    assert!(!d.removed.is_empty() && d.added.is_empty(), "{d}");
    assert!(spec.lookup("bank_account[payment_method]").is_none());
    let code = file.to_token_stream().to_string();
    assert!(code.contains("account_number") && !code.contains("payment_method"));
}
