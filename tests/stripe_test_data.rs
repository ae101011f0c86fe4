//! Stripe's documented test data keeps passing: every test card, test bank account number
//! (with its routing number) and test IBAN of `tests/data/stripe-test-data.json`, each row
//! with the page it comes from (`sources` in that file), is accepted in test mode, and the
//! test numbers the spec's rule `test_bank_account_number` knows are exactly the
//! documented ones (issue 10, item 8; stripe-errors-observed.md row 31).

use std::collections::BTreeSet;

use serde_json::Value;
use token_validate::token_spec::rules::{Check, RuleName};
use token_validate::{Context, Date, Errors, Request, validate_form};

const DATA: &str = include_str!("data/stripe-test-data.json");

fn data() -> Value {
    serde_json::from_str(DATA).expect("tests/data/stripe-test-data.json is JSON")
}

fn ctx(key: &str) -> Context {
    Context::from_key(key)
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

/// Test-mode keys (the rule applies to both, OBS row 31: pk_test in 2017 and 2020) and
/// a live key.
const TEST_KEYS: &[&str] = &["sk_test_x1", "pk_test_x1"];

fn rows<'a>(d: &'a Value, table: &str) -> &'a [Value] {
    d[table].as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn text<'a>(row: &'a Value, field: &str) -> &'a str {
    row[field].as_str().unwrap_or_default()
}

fn kind_of(body: &str, key: &str) -> Result<&'static str, Errors> {
    validate_form(body.as_bytes(), &ctx(key)).map(|r: Request| r.kind())
}

/// Adds to `failures` each of `keys` with which `body` is not a valid request of `kind`.
fn expect_kind<'k>(
    body: &str,
    keys: impl IntoIterator<Item = &'k &'k str>,
    kind: &str,
    failures: &mut Vec<String>,
) {
    for key in keys {
        match kind_of(body, key) {
            Ok(k) if k == kind => {}
            other => failures.push(format!("{body} ({key}): {other:?}")),
        }
    }
}

/// `digits` in groups of four joined by `+` (a form-encoded space), as people write them.
fn in_fours(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("+")
}

#[test]
fn every_row_names_a_known_source() {
    let d = data();
    let sources = d["sources"].as_object().unwrap();
    let mut used = BTreeSet::new();
    let mut count = 0;
    for table in ["cards", "bank_accounts", "any_country_ibans", "ibans"] {
        assert!(!rows(&d, table).is_empty(), "{table} is empty");
        for row in rows(&d, table) {
            let source = text(row, "source");
            assert!(
                sources.get(source).and_then(Value::as_str).is_some(),
                "{table}: {row} names no known source"
            );
            used.insert(source);
            count += 1;
        }
    }
    // Every source is used, and none is a bare id.
    for (id, what) in sources {
        assert!(used.contains(id.as_str()), "source {id} is not used");
        assert!(
            what.as_str().unwrap().contains("http")
                || what.as_str().unwrap().contains("stripe-rules.md")
        );
    }
    assert!(count > 200, "{count} rows");
}

/// S-TEST cards by brand, declines, co-branded, 3D Secure and Connect debit cards: valid
/// with a future expiry and a CVC of the brand's length (3 or 4 for American Express, OBS
/// row 24), written plain or in groups of four.
#[test]
fn documented_test_cards_pass() {
    let d = data();
    let mut failures = Vec::new();
    for row in rows(&d, "cards") {
        let number = text(row, "number");
        let amex = number.starts_with("34") || number.starts_with("37");
        let cvcs: &[&str] = if amex { &["1234", "123"] } else { &["123"] };
        let grouped = in_fours(number);
        for n in [number, grouped.as_str()] {
            for cvc in cvcs {
                let body = format!(
                    "card[number]={n}&card[exp_month]=12&card[exp_year]=2034&card[cvc]={cvc}"
                );
                expect_kind(
                    &body,
                    TEST_KEYS.iter().chain(&["pk_live_x1"]),
                    "card",
                    &mut failures,
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The brand table of `card[number]` (rules.json, rule `card_number_brand_length`) and the
/// CVC lengths of `card[cvc]` (rule `card_cvc`), as the loaded spec has them.
fn brand_tables() -> (
    &'static token_validate::token_spec::rules::BrandTable,
    &'static token_validate::token_spec::rules::BrandTable,
) {
    let spec = token_validate::token_spec::bundled();
    let number = spec.lookup("card[number]").unwrap();
    let (pan, _) = spec
        .card_brands(number)
        .expect("card[number] has its brand table");
    let cvc = spec
        .node(spec.lookup("card[cvc]").unwrap())
        .rules
        .iter()
        .find_map(|&r| match &spec.rules[r].check {
            Check::CvcLengthByBrand { brands, .. } => Some(brands),
            _ => None,
        })
        .expect("card[cvc] has its rule");
    (pan, cvc)
}

/// Each brand's IIN ranges and card-number lengths, pinned to where they come from (the
/// `source` of each brand in rules.json says the same). A change to the table that its
/// sources do not back fails here.
///
/// - "IIN table": the card networks' IIN ranges and lengths as the "Payment card number"
///   article tabulates them (Visa 4: 13, 16, 19; Mastercard 2221-2720 and 51-55: 16;
///   American Express 34, 37: 15; Discover 6011, 644-649, 65; JCB 3528-3589: 16; UnionPay
///   62: 16-19; Diners Club International 36 and 300-305, 3095, 38-39).
/// - "android": stripe-android's `DefaultStaticCardAccountRanges` (Stripe's own client):
///   Discover, JCB 16; UnionPay 81; Diners Club 36 14 digits, 300-305, 3095, 38-39 16.
/// - "S-TEST": the test cards of https://docs.stripe.com/testing (tests/data).
///
/// Where the sources differ, the table allows every length any of them gives (never
/// stricter than Stripe without evidence; issue 21 for Diners Club 36 at 16 digits).
const PUBLISHED: &[(&str, &[&str], &[u8])] = &[
    // IIN table, S-TEST 4242424242424242 (16), stripe-ios 13-digit Visa BINs.
    ("Visa", &["4"], &[13, 16, 19]),
    // IIN table and android; S-TEST 5555555555554444, 2223003122003222.
    ("MasterCard", &["2221-2720", "51-55"], &[16]),
    // IIN table and android; S-TEST 378282246310005.
    ("American Express", &["34", "37"], &[15]),
    // IIN table (ranges), android (16); S-TEST 6011111111111117, 6555900000604105.
    ("Discover", &["6011", "644-649", "65"], &[16]),
    // IIN table and android; S-TEST 3566002020360505.
    ("JCB", &["3528-3589"], &[16]),
    // android (62, 81; 16 and 19), IIN table (16-19); S-TEST 6205500000000000004 (19).
    ("UnionPay", &["62", "81"], &[16, 17, 18, 19]),
    // android (ranges; 14 for 36, 16 for the rest), IIN table (14-19); S-TEST
    // 3056930009020004 (16), 36227206271667 (14).
    (
        "Diners Club",
        &["300-305", "3095", "36", "38-39"],
        &[14, 15, 16, 17, 18, 19],
    ),
    // Every other number: Stripe answers brand `Unknown` rather than refusing it (stripe-go
    // card.go); any length of the `card_number_digits` rule.
    ("Unknown", &[], &[12, 13, 14, 15, 16, 17, 18, 19]),
];

/// CVC lengths per brand, pinned to their sources: "Use any three-digit CVC (four digits for
/// American Express cards)" (https://docs.stripe.com/testing); an American Express card
/// with a 3-digit CVC accepted by `POST /v1/tokens` (stripe-errors-observed.md row 24, 2014,
/// and Stripe staff, 2019); 3 or 4 when the brand is not known, as Stripe's SDKs (stripe-
/// android `CardBrand.Unknown`, stripe-ios `STPCardValidator`).
const CVC_PUBLISHED: &[(&str, &[u8])] = &[
    ("Visa", &[3]),
    ("MasterCard", &[3]),
    ("American Express", &[3, 4]),
    ("Discover", &[3]),
    ("JCB", &[3]),
    ("UnionPay", &[3]),
    ("Diners Club", &[3]),
    ("Unknown", &[3, 4]),
];

#[test]
fn card_brand_tables_are_their_sources() {
    let (pan, cvc) = brand_tables();
    let have: Vec<(String, Vec<String>, Vec<u8>)> = pan
        .brands
        .iter()
        .map(|b| {
            (
                b.name.to_string(),
                b.iin.iter().map(|r| r.text()).collect(),
                b.lengths.to_vec(),
            )
        })
        .collect();
    let want: Vec<(String, Vec<String>, Vec<u8>)> = PUBLISHED
        .iter()
        .map(|(n, iin, l)| {
            (
                n.to_string(),
                iin.iter().map(|s| s.to_string()).collect(),
                l.to_vec(),
            )
        })
        .collect();
    assert_eq!(have, want);
    let have: Vec<(&str, &[u8])> = cvc
        .brands
        .iter()
        .map(|b| (b.name.as_ref(), b.lengths.as_ref()))
        .collect();
    assert_eq!(have, CVC_PUBLISHED);
    // The CVC rule reads the number's brands: the same ranges.
    for (p, c) in pan.brands.iter().zip(cvc.brands.iter()) {
        assert_eq!(p.iin, c.iin, "{}", p.name);
    }
}

/// Stripe's test cards by brand get the brand Stripe's page names them by (its labels, as
/// Stripe's `card.brand` writes them), with a length the table allows for it.
#[test]
fn stripe_test_cards_have_their_documented_brand() {
    let d = data();
    let mut checked = 0;
    for row in rows(&d, "cards") {
        let (number, label) = (text(row, "number"), text(row, "what"));
        let brand = [
            ("Visa", "Visa"),
            ("Mastercard", "MasterCard"),
            ("American Express", "American Express"),
            ("Discover", "Discover"),
            ("Diners Club", "Diners Club"),
            ("JCB", "JCB"),
            ("UnionPay", "UnionPay"),
        ]
        .iter()
        .find(|(doc, _)| label.starts_with(doc) && text(row, "source") == "S-TEST")
        .map(|(_, api)| *api);
        let Some(brand) = brand else { continue };
        let body =
            format!("card[number]={number}&card[exp_month]=12&card[exp_year]=2034&card[cvc]=1234");
        // Four CVC digits are refused for every brand but American Express: the number's
        // brand, as the table reads it, decides.
        let four_ok = kind_of(&body, "sk_test_x1").is_ok();
        assert_eq!(four_ok, brand == "American Express", "{number} ({label})");
        let (pan, _) = brand_tables();
        let found = pan
            .brands
            .iter()
            .find(|b| {
                b.iin.iter().any(|r| {
                    let d = usize::from(r.digits);
                    number[..d]
                        .parse::<u32>()
                        .is_ok_and(|p| (r.low..=r.high).contains(&p))
                })
            })
            .map(|b| b.name.as_ref());
        assert_eq!(found, Some(brand), "{number} ({label})");
        checked += 1;
    }
    assert_eq!(checked, 17, "the S-TEST cards by brand");
}

/// Every documented test bank account, with its routing number when it has one, is a valid
/// bank account token in test mode (and in live mode, where test numbers are not judged).
#[test]
fn documented_test_bank_accounts_pass() {
    let d = data();
    let mut failures = Vec::new();
    for row in rows(&d, "bank_accounts") {
        let mut body = format!(
            "bank_account[country]={}&bank_account[account_number]={}",
            text(row, "country"),
            text(row, "account_number")
        );
        if let Some(r) = row["routing_number"].as_str() {
            body.push_str(&format!("&bank_account[routing_number]={r}"));
        }
        expect_kind(
            &body,
            TEST_KEYS.iter().chain(&["sk_live_x1"]),
            "bank_account",
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The SEPA Direct Debit test IBANs, with their own country: valid in test mode, and in
/// live mode too (they are real IBANs: length and mod-97 hold).
#[test]
fn documented_test_ibans_pass() {
    let d = data();
    let mut failures = Vec::new();
    for row in rows(&d, "ibans") {
        let iban = text(row, "iban");
        assert_eq!(&iban[..2], text(row, "country"), "{row}");
        let body = format!(
            "bank_account[country]={}&bank_account[currency]=eur&bank_account[account_number]={iban}",
            text(row, "country")
        );
        expect_kind(
            &body,
            TEST_KEYS.iter().chain(&["sk_live_x1"]),
            "bank_account",
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Connect test IBANs with any IBAN country's prefix (S-CTEST-IBAN): valid in test
/// mode with that country, grouped in fours or not.
#[test]
fn documented_any_country_test_ibans_pass() {
    let d = data();
    let mut failures = Vec::new();
    for row in rows(&d, "any_country_ibans") {
        let iban = text(row, "iban");
        let grouped = in_fours(iban);
        for n in [iban, grouped.as_str()] {
            let body = format!(
                "bank_account[country]={}&bank_account[account_number]={n}",
                text(row, "country")
            );
            expect_kind(&body, TEST_KEYS, "bank_account", &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The spec's lists are the documented data: every number rules.json accepts has a row
/// with its source here, and every documented number of a country the rule checks is in
/// rules.json. Countries whose numbers only the reference lists (NZ, SG, IN, TH) are not
/// checked by the rule, so nothing documented there is refused.
#[test]
fn the_rule_knows_exactly_the_documented_numbers() {
    let d = data();
    let spec = token_validate::token_spec::bundled();
    let rule = spec
        .rules
        .iter()
        .find(|r| r.rule == RuleName::TestBankAccountNumber)
        .expect("rules.json has the rule test_bank_account_number");
    let Check::TestBankAccountNumber {
        numbers,
        ibans,
        any_country_ibans,
        ..
    } = &rule.check
    else {
        panic!("the rule compiles to its check");
    };
    let listed: BTreeSet<&str> = numbers.iter().map(String::as_str).collect();
    let checked: BTreeSet<&str> = listed
        .iter()
        .filter_map(|n| n.split_once(':').map(|(c, _)| c))
        .collect();
    let documented: BTreeSet<String> = rows(&d, "bank_accounts")
        .iter()
        .filter(|r| checked.contains(text(r, "country")))
        .map(|r| format!("{}:{}", text(r, "country"), text(r, "account_number")))
        .collect();
    let listed_owned: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed_owned, documented);
    assert_eq!(
        checked,
        ["AU", "BR", "CA", "GB", "HK", "JP", "MX", "US"]
            .into_iter()
            .collect()
    );
    let ibans: BTreeSet<&str> = ibans.iter().map(String::as_str).collect();
    let documented: BTreeSet<&str> = rows(&d, "ibans").iter().map(|r| text(r, "iban")).collect();
    assert_eq!(ibans, documented);
    let any: BTreeSet<&str> = any_country_ibans.iter().map(String::as_str).collect();
    let documented: BTreeSet<&str> = rows(&d, "any_country_ibans")
        .iter()
        .filter(|r| text(r, "source") == "S-CTEST-IBAN")
        .map(|r| text(r, "iban"))
        .collect();
    assert_eq!(any, documented);
}

/// The rule does refuse: for each country it checks, a number next to a documented one
/// (last digit changed) is refused in test mode with OBS row 31's error, and passes in
/// live mode. So the passing tables above cannot pass by the rule doing nothing.
#[test]
fn near_misses_of_test_numbers_are_refused_in_test_mode() {
    let d = data();
    let mut checked = BTreeSet::new();
    for row in rows(&d, "bank_accounts") {
        let country = text(row, "country");
        if ["NZ", "SG", "IN", "TH"].contains(&country) || !checked.insert(country) {
            continue;
        }
        let number = text(row, "account_number");
        let last = number.as_bytes()[number.len() - 1];
        let changed = format!(
            "{}{}",
            &number[..number.len() - 1],
            if last == b'9' {
                '8'
            } else {
                (last + 1) as char
            }
        );
        let mut body =
            format!("bank_account[country]={country}&bank_account[account_number]={changed}");
        if let Some(r) = row["routing_number"].as_str() {
            body.push_str(&format!("&bank_account[routing_number]={r}"));
        }
        for key in TEST_KEYS {
            let e = validate_form(body.as_bytes(), &ctx(key)).unwrap_err();
            assert_eq!(e.len(), 1, "{body}: {e:?}");
            let e = e.first();
            assert_eq!(e.code.as_deref(), Some("account_number_invalid"), "{body}");
            assert_eq!(e.param.as_deref(), Some("bank_account[account_number]"));
            assert_eq!(
                e.message,
                "You must use a test bank account number in test mode. Try 000123456789 or see more options at https://stripe.com/docs/connect/testing#account-numbers."
            );
        }
        assert_eq!(kind_of(&body, "sk_live_x1"), Ok("bank_account"), "{body}");
    }
    assert_eq!(checked.len(), 8, "{checked:?}");
    // An IBAN country: a valid IBAN that is no test IBAN (the ISO 13616 example
    // GB82WEST12345698765432 is a test IBAN, so another valid one: DE's with other digits).
    for (country, iban) in [
        ("DE", "DE02120300000000202051"),
        ("FR", "FR7630006000011234567890189"),
    ] {
        let body = format!("bank_account[country]={country}&bank_account[account_number]={iban}");
        let e = validate_form(body.as_bytes(), &ctx("pk_test_x1")).unwrap_err();
        assert_eq!(e.first().code.as_deref(), Some("account_number_invalid"));
        assert_eq!(kind_of(&body, "pk_live_x1"), Ok("bank_account"), "{body}");
    }
}

/// S-TEST's incorrect_number card stays refused (Luhn), and the SEPA IBANs really are
/// valid IBANs: a mistyped copy would fail mod-97 here.
#[test]
fn controls() {
    let e = validate_form(
        b"card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034",
        &ctx("sk_test_x1"),
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
    let d = data();
    for row in rows(&d, "ibans") {
        assert!(
            token_validate::checks::iban_valid(text(row, "iban")),
            "{row}"
        );
    }
}
