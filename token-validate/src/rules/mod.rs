//! The one implementation of each rule of the spec ([`token_spec::Check`]): a function per
//! rule that answers "does the value pass?", with the rule's arguments as the spec gives
//! them. The validators that `token-derive` generates call these, with the arguments read
//! from the spec at build time; nothing here knows a parameter's name.
//!
//! Every function is pure and bounded, and panics on no input. The lower-level checks
//! (Luhn, brands, ABA, IBAN, registries) are in [`crate::checks`].

pub mod checks;
pub mod grammar;

use crate::context::{Date, Mode};
use checks::{BrandTable, CardNumber};
use grammar::parse_integer;

/// `token_kind_required`: the request names a token kind (or `customer`).
#[inline]
pub fn token_kind_required(has_kind: bool) -> bool {
    has_kind
}

/// `one_token_kind`: at most one token kind per request.
#[inline]
pub fn one_token_kind(kinds: usize) -> bool {
    kinds <= 1
}

/// `required_if`: a parameter that is absent passes unless `when` has the value `equals`
/// (ASCII case ignored, as Stripe reads country codes).
#[inline]
pub fn required_if(present: bool, when: Option<&str>, equals: &str) -> bool {
    present || !when.is_some_and(|w| w.eq_ignore_ascii_case(equals))
}

/// `no_unset`: an `""` (unset) value is refused under the rule's object. Called for each
/// unset value found there: it never passes.
#[inline]
pub fn no_unset() -> bool {
    false
}

/// `requires_connect`: a present parameter needs a Connect account.
#[inline]
pub fn requires_connect(present: bool, account: Option<&str>) -> bool {
    !present || account.is_some()
}

/// `id_only_with`: with `with` present, an object-or-id parameter may not be an object.
#[inline]
pub fn id_only_with(is_object: bool, with_present: bool) -> bool {
    !(is_object && with_present)
}

/// `object_only_without`: without `with`, an object-or-id parameter may not be an id.
#[inline]
pub fn object_only_without(is_id: bool, with_present: bool) -> bool {
    !is_id || with_present
}

/// `exclusive`: a present parameter has no present sibling.
#[inline]
pub fn exclusive(present: bool, siblings_present: bool) -> bool {
    !(present && siblings_present)
}

/// `digits`: only ASCII digits once the `strip` characters are removed, `min..=max` of them.
/// Stops counting past `max`, so the work is bounded whatever the input.
pub fn digits(text: &str, min: usize, max: usize, strip: &str) -> bool {
    let b = text.as_bytes();
    // The usual case: digits only.
    if (min..=max).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let mut n = 0usize;
    if strip.is_ascii() {
        // Bytes: a non-ASCII byte is neither a digit nor one of the strip characters.
        let strip = strip.as_bytes();
        for &b in text.as_bytes() {
            if strip.contains(&b) {
                continue;
            }
            if !b.is_ascii_digit() {
                return false;
            }
            n += 1;
            if n > max {
                return false;
            }
        }
        return n >= min;
    }
    for c in text.chars() {
        if strip.contains(c) {
            continue;
        }
        if !c.is_ascii_digit() {
            return false;
        }
        n += 1;
        if n > max {
            return false;
        }
    }
    n >= min
}

/// A card number read once, for the `digits`, `card_length_by_brand` and `luhn` rules of
/// one value to judge together (the `_of` forms below): `None` when it holds a character
/// that is neither a digit nor one of `strip`.
#[inline]
pub fn card_number(text: &str, strip: &str) -> Option<CardNumber> {
    CardNumber::read(text, strip)
}

/// `digits` on a card number already read with the rule's `strip` (see [`card_number`]):
/// the same answer as [`digits`] on its text when `strip` holds no digit.
#[inline]
pub fn digits_of(number: Option<&CardNumber>, min: usize, max: usize) -> bool {
    number.is_some_and(|n| (min..=max).contains(&n.digits))
}

/// `card_length_by_brand`: the number's length (the `strip` characters removed) is one its
/// brand allows in `brands`. A number that holds another character than a digit or one of
/// `strip` fails (the `digits` rule, which runs first, says why).
pub fn card_length_by_brand(text: &str, strip: &str, brands: &BrandTable) -> bool {
    card_length_by_brand_of(CardNumber::read(text, strip).as_ref(), brands)
}

/// `card_length_by_brand` on a card number already read with the rule's `strip` (see
/// [`card_number`]).
pub fn card_length_by_brand_of(number: Option<&CardNumber>, brands: &BrandTable) -> bool {
    number.is_some_and(|n| {
        n.brand(brands)
            .is_some_and(|b| b.lengths.iter().any(|l| usize::from(*l) == n.digits))
    })
}

/// `luhn`: the number (the `strip` characters removed) passes the Luhn checksum.
pub fn luhn(text: &str, strip: &str) -> bool {
    checks::luhn_valid_without(text, strip)
}

/// `luhn` on a card number already read with the rule's `strip` (see [`card_number`]).
#[inline]
pub fn luhn_of(number: Option<&CardNumber>) -> bool {
    number.is_some_and(CardNumber::luhn_valid)
}

/// `month`: an integer (ASCII digits, leading zeros allowed, as every integer parameter) in
/// `min..=max`.
pub fn month(text: &str, min: i64, max: i64) -> bool {
    parse_integer(text).is_some_and(|v| (min..=max).contains(&v))
}

/// `expiry_year`: a year of 2 or 4 digits (`34` is 2034) from this year to
/// `max_years_ahead` years ahead.
pub fn expiry_year(text: &str, max_years_ahead: i64, today: Date) -> bool {
    checks::parse_exp_year(text, today.year).is_some_and(|y| {
        i64::from(y) >= i64::from(today.year)
            && i64::from(y) <= i64::from(today.year).saturating_add(max_years_ahead)
    })
}

/// `expiry_not_past`: the month and year together are not before the current month. A
/// month or year that cannot be read passes: their own rules report them.
pub fn expiry_not_past(month: &str, year: Option<&str>, today: Date) -> bool {
    let month = parse_integer(month);
    let year = year.and_then(|y| checks::parse_exp_year(y, today.year));
    match (month, year) {
        // Another year, earlier or later, is the year rule's to judge.
        (Some(m), Some(y)) => y != today.year || m >= i64::from(today.month),
        _ => true,
    }
}

/// `cvc_length_by_brand`: ASCII digits only, as many as `brands` allows for the brand of
/// the card `number` (read with its `strip` characters removed); any brand's lengths when
/// the number is absent (or failed its own rules: the validators then pass `None`).
pub fn cvc_length_by_brand(
    cvc: &str,
    number: Option<&str>,
    strip: &str,
    brands: &BrandTable,
) -> bool {
    let number = number.and_then(|n| CardNumber::read(n, strip));
    cvc_length_by_brand_of(cvc, number.as_ref(), brands)
}

/// `cvc_length_by_brand` on a card number already read with the rule's `strip` (see
/// [`card_number`]; `None` when it is absent, failed its own rules or could not be read).
pub fn cvc_length_by_brand_of(cvc: &str, number: Option<&CardNumber>, brands: &BrandTable) -> bool {
    if !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let len = cvc.len();
    let fits = |lengths: &[u8]| lengths.iter().any(|l| usize::from(*l) == len);
    match number.and_then(|n| n.brand(brands)) {
        Some(brand) => fits(&brand.lengths),
        None => brands.brands.iter().any(|b| fits(&b.lengths)),
    }
}

/// `country_code`: an assigned ISO 3166-1 alpha-2 code.
pub fn country_code(text: &str) -> bool {
    checks::is_country_code(text)
}

/// `currency_code`: an ISO 4217 code (ASCII case ignored).
pub fn currency_code(text: &str) -> bool {
    checks::is_currency_code(text)
}

/// `us_routing_number`: when `country` is `when` (ASCII case ignored), an ABA routing
/// number: 9 digits, and with `check_digit` the ABA check digit.
pub fn us_routing_number(text: &str, country: Option<&str>, when: &str, check_digit: bool) -> bool {
    match country {
        Some(c) if c.eq_ignore_ascii_case(when) => {
            if check_digit {
                checks::aba_routing_valid(text)
            } else {
                checks::is_nine_digits(text)
            }
        }
        _ => true,
    }
}

/// `test_bank_account_number`: in test mode, a bank account number is one of Stripe's
/// documented test numbers for its country (or a documented test IBAN); countries with no
/// documented numbers are not checked, and live mode is never.
pub fn test_bank_account_number(
    text: &str,
    country: Option<&str>,
    known: &checks::TestBankNumbers<'_>,
    mode: Mode,
) -> bool {
    mode != Mode::Test
        || checks::check_test_bank_number(country.unwrap_or(""), text, known)
            != checks::TestBankCheck::NotTest
}

/// `iban`: in an IBAN country, an account number that looks like an IBAN (two letters
/// first) is a valid one (the country's length, mod-97); in test mode too unless
/// `live_only`.
pub fn iban(text: &str, country: Option<&str>, live_only: bool, mode: Mode) -> bool {
    if live_only && mode != Mode::Live {
        return true;
    }
    let looks_like_iban =
        text.len() >= 2 && text.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic);
    match country {
        Some(c) if looks_like_iban && checks::is_iban_country_ignoring_case(c) => {
            checks::iban_valid(text)
        }
        _ => true,
    }
}

/// `calendar_date`: the day, month and year form a real date. A part that is absent or is
/// not an integer passes: its own checks report it.
pub fn calendar_date(day: Option<&str>, month: Option<&str>, year: Option<&str>) -> bool {
    let part = |t: Option<&str>| t.and_then(grammar::parse_integer);
    match (part(year), part(month), part(day)) {
        (Some(y), Some(m), Some(d)) => checks::is_calendar_date(y, m, d),
        _ => true,
    }
}

/// `max_entries`: a map has at most `max` entries.
#[inline]
pub fn max_entries(entries: usize, max: usize) -> bool {
    entries <= max
}

/// `max_key_length` and `max_value_length`: at most `max` characters (Unicode scalar
/// values), counted no further than one past `max`.
#[inline]
pub fn max_chars(text: &str, max: usize) -> bool {
    text.len() <= max || text.chars().nth(max).is_none()
}

/// `email`: an email address.
pub fn email(text: &str) -> bool {
    checks::is_email(text)
}

/// `apple_pay_signed_within`: an Apple Pay payment token (`PKPaymentToken.paymentData`, as
/// text) was not signed certainly more than `hours` hours before `today`. The signing time
/// is the CMS signing-time attribute of its `signature` (base64 DER; the signed attributes
/// are not encrypted, and Apple's Payment Token Format Reference tells merchants to check
/// it). `today` is a date: a token signed on day D is certainly more than 24 hours old from
/// day D + 2 on, so the check never refuses a token that may still be fresh. A token whose
/// signing time cannot be read (not JSON, no signature, the simulator's empty token) passes:
/// other rules, or Stripe, judge it.
pub fn apple_pay_signed_within(text: &str, hours: i64, today: Date) -> bool {
    match checks::apple_pay_signing_date(text) {
        Some(signed) => {
            let days = checks::days_between(signed, today);
            days.saturating_mul(24) <= hours
        }
        None => true,
    }
}

/// `json_object`: the value is the text of a JSON object (an Apple Pay payment token,
/// `PKPaymentToken.paymentData`). Read without building anything.
#[inline]
pub fn json_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

#[cfg(test)]
mod tests {

    /// The `_of` forms on one reading answer as the text forms, on numbers good and bad.
    #[test]
    fn card_rules_on_one_reading_answer_as_on_text() {
        let brands = BrandTable {
            brands: std::borrow::Cow::Owned(vec![
                checks::Brand {
                    name: "Visa".into(),
                    iin: std::borrow::Cow::Owned(vec![checks::IinRange {
                        digits: 1,
                        low: 4,
                        high: 4,
                    }]),
                    lengths: std::borrow::Cow::Owned(vec![13, 16, 19]),
                },
                checks::Brand {
                    name: "Unknown".into(),
                    iin: std::borrow::Cow::Owned(vec![]),
                    lengths: std::borrow::Cow::Owned(vec![12, 14, 15]),
                },
            ]),
        };
        let strip = " -";
        for text in [
            "4242424242424242",
            "4242 4242-4242 4242",
            "4242424242424241",
            "424242424242424",
            "5555555555554444",
            "378282246310005",
            "42424242424242x2",
            "",
            " - ",
            "0",
            "٤٢٤٢",
            "4242424242424242424242",
        ] {
            let n = card_number(text, strip);
            let n = n.as_ref();
            assert_eq!(
                digits_of(n, 12, 19),
                digits(text, 12, 19, strip),
                "{text:?}"
            );
            assert_eq!(
                card_length_by_brand_of(n, &brands),
                card_length_by_brand(text, strip, &brands),
                "{text:?}"
            );
            assert_eq!(luhn_of(n), luhn(text, strip), "{text:?}");
            // The CVC rule on the number's reading (what the generated state keeps).
            for cvc in ["", "12", "123", "1234", "12345", "12a"] {
                assert_eq!(
                    cvc_length_by_brand_of(cvc, n, &brands),
                    cvc_length_by_brand(cvc, Some(text), strip, &brands),
                    "{text:?} {cvc:?}"
                );
            }
        }
    }

    #[test]
    fn apple_pay_tokens_are_stale_only_when_certainly_so() {
        use base64::Engine as _;
        let token = |yymmdd: &str| {
            let oid = [
                0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05,
            ];
            let mut der = vec![0x30, 28];
            der.extend(oid);
            der.extend([0x31, 15, 0x17, 13]);
            der.extend(format!("{yymmdd}235959Z").as_bytes());
            let sig = base64::engine::general_purpose::STANDARD.encode(der);
            format!(r#"{{"version":"EC_v1","signature":"{sig}"}}"#)
        };
        let today = Date::new(2026, 11, 29).unwrap();
        // Signed yesterday at 23:59:59: perhaps less than 24 hours ago.
        assert!(apple_pay_signed_within(&token("261128"), 24, today));
        assert!(apple_pay_signed_within(&token("261129"), 24, today));
        // Two days ago: certainly more than 24 hours.
        assert!(!apple_pay_signed_within(&token("261127"), 24, today));
        assert!(!apple_pay_signed_within(&token("181125"), 24, today));
        // Nothing to read: passes (the simulator's empty token, a fake one).
        for t in ["", "{}", r#"{"signature":"RkFLRQ=="}"#] {
            assert!(apple_pay_signed_within(t, 24, today), "{t}");
        }
        assert!(json_object(&token("181125")));
        assert!(!json_object("[1]") && !json_object("") && !json_object("{"));
    }
    use super::*;

    fn day(y: i32, m: u8) -> Date {
        Date::new(y, m, 1).unwrap()
    }

    #[test]
    fn expiry() {
        let today = day(2026, 11);
        assert!(expiry_not_past("11", Some("2026"), today));
        assert!(expiry_not_past("12", Some("26"), today));
        assert!(!expiry_not_past("10", Some("2026"), today));
        assert!(!expiry_not_past("1", Some("26"), today));
        assert!(expiry_not_past("1", Some("2027"), today));
        // An unreadable year or month is its own rule's to report.
        assert!(expiry_not_past("10", Some("20x6"), today));
        assert!(expiry_not_past("1x", Some("2026"), today));
        assert!(expiry_not_past("10", None, today));
        assert!(expiry_year("2076", 50, today) && !expiry_year("2077", 50, today));
        assert!(!expiry_year("2025", 50, today) && !expiry_year("203", 50, today));
    }

    #[test]
    fn month_range_comes_from_the_arguments() {
        assert!(month("12", 1, 12) && month("01", 1, 12) && month("0012", 1, 12));
        assert!(!month("13", 1, 12) && !month("0", 1, 12) && !month("ab", 1, 12));
        assert!(month("13", 1, 13));
    }

    #[test]
    fn digits_are_bounded() {
        assert!(digits("4242 4242-4242 4242", 12, 19, " -"));
        assert!(!digits("4242 4242", 12, 19, ""));
        assert!(!digits(&"4".repeat(1 << 20), 12, 19, ""));
        assert!(!digits("12a", 1, 5, ""));
    }

    /// Card numbers through the validators, so through the spec's `digits`,
    /// `card_length_by_brand` and `luhn` rules with the spec's own arguments: the code of
    /// the first error, or `None` for a valid number.
    #[test]
    fn card_number_table() {
        let ctx = crate::Context::test_secret().with_today(day(2026, 11));
        let code = |number: &str| {
            let body = format!(
                r#"{{"card":{{"number":{},"exp_month":12,"exp_year":2034,"cvc":"123"}}}}"#,
                serde_json::to_string(number).unwrap()
            );
            crate::check_json(body.as_bytes(), &ctx)
                .err()
                .and_then(|e| e.first().code.clone())
        };
        let (incorrect, invalid) = (Some("incorrect_number"), Some("invalid_number"));
        let cases: &[(&str, Option<&str>)] = &[
            // https://docs.stripe.com/testing: 4242... with the last digit changed fails
            // Luhn (Stripe's `incorrect_number`).
            ("4242424242424241", incorrect),
            // Stripe accepts spaces (https://docs.stripe.com/testing shows
            // "4242 4242 4242 4242"); hyphens are stripped the same way.
            ("4242 4242 4242 4242", None),
            ("4242-4242-4242-4242", None),
            (" 4242424242424242 ", None),
            // Empty and blank: the generic errors, before any card rule.
            ("", Some("parameter_invalid_empty")),
            ("   ", Some("parameter_invalid_string_blank")),
            // Non-digits and other whitespace.
            ("4242a42424242424", invalid),
            ("4242\t4242424242424242", invalid),
            ("４２４２４２４２４２４２４２４２", invalid), // full-width digits
            // Length outside 12..=19.
            ("42424242424", invalid),
            ("42424242424242424242", invalid),
            // Wrong length for a known brand (stripe-android
            // DefaultStaticCardAccountRanges): Visa 15, Amex 16, MC 15.
            ("424242424242426", invalid),
            ("3782822463100005", invalid),
            ("555555555555444", invalid),
            // Unknown IIN: any length 12..=19, only Luhn matters.
            ("990000000002", None),
            ("990000000003", incorrect),
            // Visa 13 digits (classic Visa length), Luhn-valid.
            ("4222222222222", None),
            // Diners Club 36 with 16 digits: accepted, as every Diners length 14 to 19 is
            // (rules.json `card_number_brand_length`: no evidence that Stripe refuses it;
            // issue 21). 14 digits too (Stripe's test card).
            ("3600000000000008", None),
            ("36227206271667", None),
            // Discover is 16 digits: 17 is refused.
            ("60110000000000001", invalid),
        ];
        for &(number, expected) in cases {
            assert_eq!(code(number).as_deref(), expected, "{number:?}");
        }
    }

    /// CVCs through the validators, with the CVC lengths per brand of rules.json's
    /// `card_cvc` and the brand of the card number beside them.
    #[test]
    fn cvc_table() {
        let ctx = crate::Context::test_secret().with_today(day(2026, 11));
        let code = |number: Option<&str>, cvc: &str| {
            let number = number.map_or(String::new(), |n| format!("card[number]={n}&"));
            let body = format!("{number}card[exp_month]=12&card[exp_year]=2034&card[cvc]={cvc}");
            crate::check_form(body.as_bytes(), &ctx)
                .err()
                .and_then(|e| {
                    e.iter()
                        .find_map(|e| e.code.clone().filter(|c| c == "invalid_cvc"))
                })
        };
        let bad = Some("invalid_cvc");
        let amex = Some("378282246310005");
        let visa = Some("4242424242424242");
        let unknown = Some("9900000000000000");
        let cases: &[(Option<&str>, &str, Option<&str>)] = &[
            // https://docs.stripe.com/testing: three digits, four for American Express.
            (visa, "123", None),
            (visa, "1234", bad),
            (amex, "1234", None),
            // stripe-errors-observed.md row 24: Stripe accepts 3 digits for American Express.
            (amex, "123", None),
            (amex, "12345", bad),
            (amex, "12", bad),
            // A brand no range names: 3 or 4.
            (unknown, "123", None),
            (unknown, "1234", None),
            (unknown, "12", bad),
            // Not digits.
            (visa, "12a", bad),
            (visa, "١٢٣", bad),
            // Grouped numbers are read as the number's rules read them.
            (Some("3782+822463+10005"), "1234", None),
        ];
        for &(number, cvc, expected) in cases {
            assert_eq!(code(number, cvc).as_deref(), expected, "{number:?} {cvc:?}");
        }
        // No number (it is missing: its own error): any brand's length.
        assert_eq!(code(None, "1234"), None);
        assert_eq!(code(None, "12345").as_deref(), bad);
    }

    #[test]
    fn presence_rules() {
        assert!(!required_if(false, Some("us"), "US"));
        assert!(required_if(true, Some("US"), "US") && required_if(false, Some("GB"), "US"));
        assert!(required_if(false, None, "US"));
        assert!(!requires_connect(true, None) && requires_connect(true, Some("acct_1")));
        assert!(!id_only_with(true, true) && id_only_with(false, true));
        assert!(!object_only_without(true, false) && object_only_without(true, true));
        assert!(!exclusive(true, true) && exclusive(true, false));
        assert!(!one_token_kind(2) && one_token_kind(1));
    }
}
