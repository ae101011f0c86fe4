//! The bodies, the context and the competitors' calls that `benches/validate.rs` times,
//! shared with `examples/profile.rs` so that callgrind counts the instructions of the very
//! same calls on the same bodies (`scripts/instructions.sh`): jsonschema with our emitted
//! JSON Schema, garde on hand-written equivalent structs, and the form-reading floor.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::hint::black_box;

use serde::Deserialize;
use token_validate::scan::{form, json};
use token_validate::{Context, Date};

/// A card body with every card field (~280 bytes).
pub const CARD_JSON: &str = r#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123","name":"Jenny Rosen","address_line1":"1 Main St","address_line2":"Apt 2","address_city":"San Francisco","address_state":"CA","address_zip":"94107","address_country":"US","currency":"usd","networks":{"preferred":"visa"}}}"#;

/// The same card, form-encoded.
pub const CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny+Rosen&card[address_line1]=1+Main+St&card[address_line2]=Apt+2&card[address_city]=San+Francisco&card[address_state]=CA&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa";

/// A person body with ~20 fields.
pub const PERSON_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","maiden_name":"Doe","email":"jenny.rosen@example.com","phone":"+14155550123","gender":"female","nationality":"US","id_number":"000000000","ssn_last_4":"0000","political_exposure":"none","dob":{"day":1,"month":2,"year":1990},"address":{"line1":"1 Main St","line2":"Apt 2","city":"San Francisco","state":"CA","postal_code":"94107","country":"US"},"metadata":{"ref":"42"}}}"#;

/// A person body with three errors: an unknown parameter, a value outside its enum and a
/// city over 100 characters.
pub const PERSON_INVALID_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","favourite_colour":"blue","political_exposure":"maybe","address":{"line1":"1 Main St","city":"Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochllanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch","country":"GB"}}}"#;

/// A test-mode secret key on a fixed day, so that expiry checks do not drift.
pub fn ctx() -> Context {
    Context::test_secret().with_today(Date::new(2026, 11, 29).expect("a date"))
}

/// jsonschema's validator of our emitted JSON Schema for one kind, compiled once (outside
/// any timed loop).
pub fn schema_validator(kind: &str) -> jsonschema::Validator {
    let schema = token_validate::token_spec::bundled()
        .kind_schema(kind)
        .expect("a kind schema");
    jsonschema::validator_for(schema.as_value()).expect("our schema compiles")
}

// ---------------------------------------------------------------------------------------
// garde: hand-written structs with rules equivalent to the spec's
// ---------------------------------------------------------------------------------------

pub mod garde_model {
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
pub fn schema_is_valid(v: &jsonschema::Validator, body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|j| v.is_valid(&j))
}

/// serde_json parse, then every error of jsonschema's `iter_errors`.
pub fn schema_errors(v: &jsonschema::Validator, body: &[u8]) -> usize {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(j) => v.iter_errors(&j).collect::<Vec<_>>().len(),
        Err(_) => 1,
    }
}

/// A bare iteration over a form body's decoded pairs: the form-reading floor.
pub fn form_floor(body: &[u8]) -> usize {
    form_urlencoded::parse(body)
        .map(|(k, v)| black_box(k.len() + v.len()))
        .sum()
}

/// Every key and value of a JSON body through the JSON scanner: the bytes it hands over.
pub fn scan_json(body: &[u8]) -> usize {
    fn value(sc: &mut json::Scanner<'_>) -> Result<usize, json::Error> {
        Ok(match sc.value()? {
            json::Token::Object => {
                let mut n = 0;
                while let Some(key) = sc.next_key()? {
                    n += key.as_bytes().len() + value(sc)?;
                }
                n
            }
            json::Token::Array => {
                let mut n = 0;
                while sc.next_item()? {
                    n += value(sc)?;
                }
                n
            }
            json::Token::Str(s) => black_box(s.as_bytes()).len(),
            json::Token::Number(n) => black_box(n.text()).len(),
            json::Token::Bool(_) | json::Token::Null => 1,
        })
    }
    let read = json::Scanner::new(body).and_then(|mut sc| {
        let n = value(&mut sc)?;
        sc.end().map(|()| n)
    });
    read.unwrap_or(0)
}

/// Every pair of a form body through the form scanner: key, segments, value (decoded into
/// stack buffers where they hold `%` or `+`).
pub fn scan_form(body: &[u8]) -> usize {
    let mut sc = form::Scanner::new(body);
    let (mut kb, mut vb) = ([0u8; 128], [0u8; 128]);
    let mut n = 0;
    while let Some(pair) = sc.next_pair() {
        let Ok(key) = pair.key(&mut kb) else {
            return 0;
        };
        let mut segs = form::Segs::new();
        if key.segments(8, &mut segs).is_err() {
            return 0;
        }
        let Ok(value) = pair.value(&key, &mut vb) else {
            return 0;
        };
        n += black_box(&segs).len() + black_box(value.as_str()).len();
    }
    n
}
