//! Mock mode: a strict test double of `POST /v1/tokens`.
//!
//! A request the layer validated gets the token object Stripe's API reference documents
//! for its kind (the shapes, id prefixes and test-card facts are data, with their sources,
//! in `fixtures.json` beside this file):
//!
//! - every token: `id` (`tok_…`, `btok_…`, `cvctok_…`, `pii_…`, `cpt_…`, `ct_…`),
//!   `object: "token"`, `type`, `created` (now), `livemode` (from the key), `used: false`,
//!   `client_ip` (the connecting client's address);
//! - card tokens: a `card` with `brand` from the number, `last4`, `exp_month` and
//!   `exp_year` as integers (two-digit years read as Stripe does), `funding` and `country`
//!   where Stripe's test cards imply them (else `unknown` and `null`), a `fingerprint` that
//!   is stable per number for the life of the process and does not reveal it (HMAC-SHA256
//!   under a key drawn at start), `cvc_check`/`address_line1_check`/`address_zip_check`
//!   `unchecked` when the value was sent, and the name and address fields sent;
//! - bank_account tokens: a `bank_account` with `last4`, `country`, `currency` (the one
//!   sent, else the country's), `routing_number`, `account_holder_*`, `account_type`,
//!   `bank_name` for Stripe's test routing number, a fingerprint as for cards, `status:
//!   "new"`.
//!
//! A card given by id with `customer` (or `customer` alone), and `bank_account[payment_method]`,
//! name objects the mock cannot know: it answers stripe-mock's fixture card or bank
//! account for them.
//!
//! The full card number, the CVC and the account number are never put in an answer or a
//! log. Idempotency follows Stripe (see [`idempotency`]).

pub mod idempotency;

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use ring::hmac;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::checks::{self, CardNumber};
use crate::{CardOrId, Context, Mode, Request};

/// The fixtures: shapes, prefixes and test-card facts, with their sources.
#[derive(Debug, Deserialize)]
pub struct Fixtures {
    /// Where each fixture comes from.
    pub sources: Map<String, Value>,
    /// The token id prefix of each token kind.
    pub id_prefixes: Map<String, Value>,
    /// The id prefix of a token's card.
    pub card_id_prefix: String,
    /// The id prefix of a token's bank account.
    pub bank_account_id_prefix: String,
    /// The card object, every field in Stripe's order.
    pub card: Vec<(String, Value)>,
    /// The bank account object, every field in Stripe's order.
    pub bank_account: Vec<(String, Value)>,
    /// stripe-mock's card, for a saved card the mock cannot know.
    pub saved_card: Vec<(String, Value)>,
    /// stripe-mock's bank account, for a payment method the mock cannot know.
    pub saved_bank_account: Vec<(String, Value)>,
    /// Bank names of Stripe's test routing numbers.
    pub test_routing_numbers: Map<String, Value>,
    /// Stripe's test cards: number, funding, issuing country (or null).
    pub test_cards: Vec<(String, String, Option<String>)>,
}

/// A JSON object that keeps its fields in the order they were set (Stripe's order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered(pub Vec<(String, Field)>);

/// A field of an [`Ordered`] object.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Any JSON value.
    Value(Value),
    /// A nested ordered object.
    Object(Ordered),
}

impl From<Value> for Field {
    fn from(v: Value) -> Field {
        Field::Value(v)
    }
}

impl From<Ordered> for Field {
    fn from(o: Ordered) -> Field {
        Field::Object(o)
    }
}

impl Ordered {
    /// An object with these fields.
    pub fn from_pairs(pairs: &[(String, Value)]) -> Ordered {
        Ordered(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), Field::Value(v.clone())))
                .collect(),
        )
    }
    /// Sets a field: in place if it is there, else at the end.
    pub fn set(&mut self, key: &str, value: impl Into<Field>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_string(), value)),
        }
    }
    /// Whether the field is there.
    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
    /// The JSON text.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(s),
            Field::Object(o) => o.serialize(s),
        }
    }
}

/// The bundled fixtures.
pub fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        serde_json::from_str(include_str!("fixtures.json"))
            .unwrap_or_else(|e| panic!("serve/mock/fixtures.json is invalid (a build bug): {e}"))
    })
}

/// `Visa`, `MasterCard`, … : the `brand` Stripe reports for a card number, from the brand
/// table of the spec's `card_length_by_brand` rule (the card number's); `Unknown` for a
/// number the table cannot read.
pub fn brand_name(number: &str) -> &'static str {
    let spec = crate::token_spec::bundled();
    spec.rules
        .iter()
        .find_map(|r| spec.card_brands(r.target))
        .and_then(|(table, strip)| CardNumber::read(number, strip)?.brand(table))
        .map_or("Unknown", |b| b.name.as_ref())
}

/// What the mock needs besides the request: the fingerprint key and the client.
pub struct Maker {
    key: hmac::Key,
}

impl std::fmt::Debug for Maker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Maker { key: <redacted> }")
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Maker {
    /// A maker with a fresh random fingerprint key.
    pub fn new() -> Result<Maker, ring::error::Unspecified> {
        let rng = ring::rand::SystemRandom::new();
        Ok(Maker {
            key: hmac::Key::generate(hmac::HMAC_SHA256, &rng)?,
        })
    }

    /// A keyed hash of `parts`, in letters and digits (16, as Stripe's fingerprints): the
    /// same input gives the same value for the life of this maker, and it reveals nothing
    /// of the input without the key.
    pub fn fingerprint(&self, parts: &[&str]) -> String {
        let mut ctx = hmac::Context::with_key(&self.key);
        for p in parts {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p.as_bytes());
        }
        let tag = ctx.sign();
        tag.as_ref()
            .iter()
            .take(16)
            .map(|b| BASE62[usize::from(*b) % 62] as char)
            .collect()
    }

    /// A digest of `parts` (each length-prefixed): keyed (HMAC-SHA256) for values that must
    /// not be recoverable, such as an API key, else SHA-256.
    pub fn digest(&self, parts: &[&[u8]], keyed: bool) -> [u8; 32] {
        let mut out = [0u8; 32];
        if keyed {
            let mut ctx = hmac::Context::with_key(&self.key);
            for p in parts {
                ctx.update(&(p.len() as u64).to_be_bytes());
                ctx.update(p);
            }
            out.copy_from_slice(&ctx.sign().as_ref()[..32]);
        } else {
            let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
            for p in parts {
                ctx.update(&(p.len() as u64).to_be_bytes());
                ctx.update(p);
            }
            out.copy_from_slice(&ctx.finish().as_ref()[..32]);
        }
        out
    }

    /// The token object for a validated request, its fields in Stripe's order.
    pub fn token(&self, request: &Request, ctx: &Context, client_ip: Option<IpAddr>) -> Ordered {
        let f = fixtures();
        let kind = request.kind();
        let prefix = f
            .id_prefixes
            .get(kind)
            .and_then(Value::as_str)
            .unwrap_or("tok_");
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut token = Ordered::default();
        token.set("id", json!(crate::ids::object_id(prefix)));
        token.set("object", json!("token"));
        match request {
            Request::Card(r) => {
                // An Apple Pay token: its card number is in the payment Stripe decrypts; in
                // test mode the simulator's stub transaction id carries a test card's.
                let apple_pay = r
                    .pk_token
                    .is_some()
                    .then(|| apple_pay_stub_number(r.pk_token_transaction_id.as_deref()));
                let card = match (&r.card, apple_pay) {
                    (Some(CardOrId::Details(c)), apple_pay) => self.card(Some(c), ctx, apple_pay),
                    (None, Some(apple_pay)) => self.card(None, ctx, Some(apple_pay)),
                    // A customer's saved card: its details are Stripe's to know.
                    (Some(CardOrId::Id(_)) | None, _) => {
                        saved(&f.saved_card, &f.card, &f.card_id_prefix, "card")
                    }
                };
                token.set("card", card);
            }
            Request::BankAccount(r) => {
                token.set("bank_account", self.bank_account(&r.bank_account));
            }
            _ => {}
        }
        token.set(
            "client_ip",
            client_ip.map_or(Value::Null, |ip| json!(ip.to_string())),
        );
        token.set("created", json!(created));
        token.set("livemode", json!(ctx.mode() == Mode::Live));
        token.set("type", json!(kind));
        token.set("used", json!(false));
        token
    }

    /// The card of a card token: from the details sent, and for an Apple Pay token
    /// (`apple_pay`: the digits its test stub carries, if any) `tokenization_method:
    /// "apple_pay"`.
    fn card(&self, c: Option<&crate::Card>, ctx: &Context, apple_pay: Option<String>) -> Ordered {
        let f = fixtures();
        let mut out = Ordered::from_pairs(&f.card);
        // The fields sent that the card object repeats (name, address, currency, networks).
        if let Some(c) = c {
            copy_sent(&mut out, c, "card");
        }
        // The number as validated: its digits, without the spaces and dashes Stripe accepts.
        let sent_digits: Option<String> = c
            .and_then(|c| c.number.as_deref())
            .map(|n| n.chars().filter(char::is_ascii_digit).collect());
        let digits = match (&sent_digits, &apple_pay) {
            (Some(d), _) => d.as_str(),
            (None, Some(stub)) => stub.as_str(),
            (None, None) => "",
        };
        let (funding, country) = f
            .test_cards
            .iter()
            .find(|(n, _, _)| n == digits)
            .map_or(("unknown", None), |(_, fu, co)| {
                (fu.as_str(), co.as_deref())
            });
        let exp_month = c.and_then(|c| c.exp_month);
        let year = c.and_then(|c| c.exp_year).map(|y| {
            checks::parse_exp_year(&y.to_string(), ctx.today().year).unwrap_or(i32::from(y))
        });
        let set = |out: &mut Ordered, k: &str, v: Value| out.set(k, v);
        set(
            &mut out,
            "id",
            json!(crate::ids::object_id(&f.card_id_prefix)),
        );
        set(&mut out, "brand", json!(brand_name(digits)));
        set(&mut out, "country", json!(country));
        set(&mut out, "exp_month", json!(exp_month));
        set(&mut out, "exp_year", json!(year));
        if apple_pay.is_some() {
            set(&mut out, "tokenization_method", json!("apple_pay"));
        }
        // An Apple Pay token without a test stub: the number is not known here.
        let known = !digits.is_empty();
        set(
            &mut out,
            "fingerprint",
            if known {
                json!(self.fingerprint(&["card", digits]))
            } else {
                Value::Null
            },
        );
        set(&mut out, "funding", json!(funding));
        set(
            &mut out,
            "last4",
            if known {
                json!(last4(digits))
            } else {
                Value::Null
            },
        );
        let unchecked = |sent: bool| {
            if sent {
                json!("unchecked")
            } else {
                Value::Null
            }
        };
        set(
            &mut out,
            "cvc_check",
            unchecked(c.is_some_and(|c| c.cvc.is_some())),
        );
        set(
            &mut out,
            "address_line1_check",
            unchecked(c.is_some_and(|c| c.address_line1.is_some())),
        );
        set(
            &mut out,
            "address_zip_check",
            unchecked(c.is_some_and(|c| c.address_zip.is_some())),
        );
        out
    }

    fn bank_account(&self, b: &crate::BankAccount) -> Ordered {
        let f = fixtures();
        if b.payment_method.is_some() {
            // A PaymentMethod's bank details are Stripe's to know.
            return saved(
                &f.saved_bank_account,
                &f.bank_account,
                &f.bank_account_id_prefix,
                "bank_account",
            );
        }
        let mut out = Ordered::from_pairs(&f.bank_account);
        copy_sent(&mut out, b, "bank_account");
        let number = b.account_number.as_deref().unwrap_or("");
        let country = b.country.as_deref().map(str::to_ascii_uppercase);
        let currency = b
            .currency
            .as_deref()
            .map(str::to_ascii_lowercase)
            .or_else(|| country.as_deref().and_then(default_currency));
        let bank_name = b
            .routing_number
            .as_deref()
            .and_then(|r| f.test_routing_numbers.get(r))
            .cloned()
            .unwrap_or(Value::Null);
        out.set(
            "id",
            json!(crate::ids::object_id(&f.bank_account_id_prefix)),
        );
        out.set("bank_name", bank_name);
        out.set("country", json!(country));
        out.set("currency", json!(currency));
        out.set(
            "fingerprint",
            json!(self.fingerprint(&[
                "bank_account",
                number,
                b.routing_number.as_deref().unwrap_or("")
            ])),
        );
        out.set("last4", json!(last4(number)));
        out
    }
}

/// The last four characters (all of a shorter text).
fn last4(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

/// The fixture of an object the mock cannot know, in the template's field order, with a
/// new id.
fn saved(
    fixture: &[(String, Value)],
    template: &[(String, Value)],
    id_prefix: &str,
    object: &str,
) -> Ordered {
    let mut out = Ordered::from_pairs(template);
    for (k, v) in fixture {
        out.set(k, v.clone());
    }
    out.set("id", json!(crate::ids::object_id(id_prefix)));
    out.set("object", json!(object));
    out
}

/// Copies into `out` every field of the template that was sent in the object at `path`,
/// except the spec's secret parameters (never echoed, whatever the template says).
fn copy_sent<T: serde::Serialize>(out: &mut Ordered, sent: &T, path: &str) {
    let spec = crate::token_spec::bundled();
    let Ok(Value::Object(sent)) = serde_json::to_value(sent) else {
        return;
    };
    for (k, v) in sent {
        let secret = spec
            .lookup(&crate::token_spec::join_path(path, &k))
            .is_none_or(|id| spec.node(id).secret);
        if !secret && out.contains(&k) {
            out.set(&k, v);
        }
    }
}

/// The card number an Apple Pay test stub carries: stripe-ios sends the iOS simulator's
/// payments with the transaction id `ApplePayStubs~<card number>~<amount>~<currency>~<uuid>`
/// (PKPayment+Stripe), which Stripe's test mode reads; any other transaction id carries
/// none (the number is in the payment, which only Stripe decrypts).
pub fn apple_pay_stub_number(transaction_id: Option<&str>) -> String {
    let mut parts = transaction_id.unwrap_or("").split('~');
    match (parts.next(), parts.next()) {
        (Some("ApplePayStubs"), Some(n)) if n.bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
        _ => String::new(),
    }
}

/// The lowercase ISO 4217 code of a country's currency (`US` → `usd`).
pub fn default_currency(country: &str) -> Option<String> {
    let c: iso_currency::Country = country.parse().ok()?;
    iso_currency::Currency::from_country(c)
        .first()
        .map(|cur| cur.code().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_load_and_test_cards_pass_luhn() {
        let f = fixtures();
        assert_eq!(
            f.id_prefixes.len(),
            crate::token_spec::bundled().kinds.len()
        );
        for (n, funding, _) in &f.test_cards {
            assert!(checks::luhn_valid(n), "{n}");
            assert!(["credit", "debit", "prepaid"].contains(&funding.as_str()));
        }
        for (k, v) in &f.saved_card {
            assert!(f.card.iter().any(|(c, _)| c == k), "{k}");
            assert!(!v.to_string().contains("4242424242424242"));
        }
    }

    #[test]
    fn fingerprints_are_stable_and_keyed() {
        let a = Maker::new().unwrap();
        let b = Maker::new().unwrap();
        let fa = a.fingerprint(&["card", "4242424242424242"]);
        assert_eq!(fa, a.fingerprint(&["card", "4242424242424242"]));
        assert_ne!(fa, a.fingerprint(&["card", "4000056655665556"]));
        assert_ne!(fa, b.fingerprint(&["card", "4242424242424242"]));
        assert_eq!(fa.len(), 16);
        assert!(!fa.contains("4242"));
    }

    #[test]
    fn currencies_and_last4() {
        assert_eq!(default_currency("US").as_deref(), Some("usd"));
        assert_eq!(default_currency("DE").as_deref(), Some("eur"));
        assert_eq!(default_currency("ZZ"), None);
        assert_eq!(last4("000123456789"), "6789");
        assert_eq!(last4("12"), "12");
    }
}
