//! Every rule of `token-spec/spec/rules.json`, every generic error and every key rule of
//! a token kind, driven through `validate_form` as a user would, with public test vectors.
//! Each row cites where its vector (and, for the expected error, its wording) comes from.
//!
//! Sources named in short form:
//! - S-TEST: https://docs.stripe.com/testing (test cards, `4242424242424241` fails Luhn)
//! - S-CTEST: https://docs.stripe.com/connect/testing (test bank numbers, `110000000`)
//! - ISO-IBAN: ISO 13616 / https://en.wikipedia.org/wiki/International_Bank_Account_Number
//!   (`GB82WEST12345698765432`)
//! - ABA: https://en.wikipedia.org/wiki/ABA_routing_transit_number (`110000000` valid,
//!   `111000000` fails the check digit; stripe-rules.md 6.4)
//! - RULES: docs/reference/stripe-rules.md, section given.
//! - OBS row N: row N of docs/reference/stripe-errors-observed.md (what Stripe
//!   really answered, from public material); every change made for issue 10 names its row.

use std::collections::BTreeSet;

use token_validate::{Context, Date, Error, Errors, Request, validate_form, validate_tree};

const TODAY: (i32, u8, u8) = (2026, 11, 29);

fn ctx_key(key: &str) -> Context {
    Context::from_key(key)
        .unwrap()
        .with_today(Date::new(TODAY.0, TODAY.1, TODAY.2).unwrap())
}

fn ctx() -> Context {
    ctx_key("sk_test_x1")
}

/// The context a row runs in.
#[derive(Clone, Copy, Debug)]
enum Ctx {
    SkTest,
    SkLive,
    PkTest,
    PkLive,
    RkLive,
    /// `sk_test` with a `Stripe-Account` header.
    Connect,
}

impl Ctx {
    fn get(self) -> Context {
        match self {
            Ctx::SkTest => ctx(),
            Ctx::SkLive => ctx_key("sk_live_x1"),
            Ctx::PkTest => ctx_key("pk_test_x1"),
            Ctx::PkLive => ctx_key("pk_live_x1"),
            Ctx::RkLive => ctx_key("rk_live_x1"),
            Ctx::Connect => ctx().with_account("acct_1032D82eZvKYlo2C"),
        }
    }
}

/// One expected first error.
struct Row {
    /// The rule id in rules.json, the generic error name, or `key:<kind>` for a key rule.
    covers: &'static str,
    body: &'static str,
    ctx: Ctx,
    ty: &'static str,
    code: Option<&'static str>,
    param: Option<&'static str>,
    /// The exact message, or a prefix ending in `…`.
    message: &'static str,
}

const CARD_OK: &str = "card[exp_month]=12&card[exp_year]=2034";

const EMPTY_MSG_NUMBER: &str = "You passed an empty string for 'card[number]'. We assume empty values are an attempt to unset a parameter; however 'card[number]' cannot be unset. You should remove 'card[number]' from your request or supply a non-empty value.";

const R1: &str = "You must supply either a card, customer, PII data, bank account, or account legal entity to create a token. If you're making this request with a library, be sure to pass all of the required parameters for creating a token. If you're making this request manually, be sure your POST parameters begin with the token type. For example, a PII token would require `pii[personal_id_number]`, while an account token would require a parameter beginning with `account[legal_entity]`. See the API reference for more information: https://stripe.com/docs/api#token_object";

const PERSON_KEY: &str = "You can only create person tokens with your application's publishable key in live mode. You can use your application's secret key to create person tokens only in test mode.";
const ACCOUNT_KEY: &str = "In live mode, you can only create account tokens with your application's publishable key. In test mode, you can create account tokens with your secret key or publishable key.";

// OBS row 18: invalid_number for `4444` on /v1/tokens (2023) and `123`.
const CARD_NUMBER_INVALID: &str = "The card number is not a valid credit card number.";
const CARD_NUMBER_INCORRECT: &str = "Your card number is incorrect.";
const EXP_MONTH_INVALID: &str = "Your card's expiration month is invalid.";
const EXP_YEAR_INVALID: &str = "Your card's expiration year is invalid.";
const CVC_INVALID: &str = "Your card's security code is invalid.";

const TEST_BANK_NUMBER: &str = "You must use a test bank account number in test mode. Try 000123456789 or see more options at https://stripe.com/docs/connect/testing#account-numbers.";

const IRE: &str = "invalid_request_error";
const CE: &str = "card_error";

/// A body of `map` with `keys` entries, each key `key_len` characters long (`k…k` and its
/// number) and each value `value_len` characters; for a `person[…]` map, a person token,
/// else an account token.
fn metadata_body(map: &str, keys: usize, key_len: usize, value_len: usize) -> String {
    let kind = if map.starts_with("person") {
        "person[first_name]=Jenny"
    } else if map.starts_with("card") {
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034"
    } else {
        "account[business_type]=individual"
    };
    let mut body = kind.to_string();
    for i in 0..keys {
        let n = i.to_string();
        let key = format!("{}{n}", "k".repeat(key_len.saturating_sub(n.len())));
        body.push_str(&format!("&{map}[{key}]={}", "v".repeat(value_len)));
    }
    body
}

/// [`metadata_body`] as JSON.
fn metadata_json(map: &str, keys: usize, key_len: usize, value_len: usize) -> String {
    let mut entries = serde_json::Map::new();
    for i in 0..keys {
        let n = i.to_string();
        let key = format!("{}{n}", "k".repeat(key_len.saturating_sub(n.len())));
        entries.insert(key, serde_json::Value::from("v".repeat(value_len)));
    }
    let metadata = serde_json::Value::Object(entries);
    let body = if map.starts_with("person") {
        serde_json::json!({"person": {"first_name": "Jenny", "metadata": metadata}})
    } else if map.starts_with("card") {
        serde_json::json!({"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "metadata": metadata}})
    } else {
        serde_json::json!({"account": {"business_type": "individual", "individual": {"metadata": metadata}}})
    };
    body.to_string()
}

/// A body made at run time, for a row's `&'static str`.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Ctx::*;
    vec![
        // ---- R1: no token kind (stripe-rules.md 3.1, observed wording).
        Row { covers: "token_kind_required", body: "", ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: None, message: R1 },
        // `expand` alone is no token kind either.
        Row { covers: "token_kind_required", body: "expand[0]=card", ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: None, message: R1 },
        // OBS row 10 (ezet/stripe-sdk #21, 2020): no token kind, only unknown top-level keys
        // (an account token's fields sent without `account[...]`): R1 comes first.
        Row { covers: "token_kind_required", body: "business_type=individual&individual[first_name]=Jenny&tos_shown_and_accepted=true", ctx: PkTest, ty: IRE, code: Some("parameter_missing"), param: None, message: R1 },
        // ---- R2: unknown parameter (RULES 2.1, "Received unknown parameter: card[address_c]").
        Row { covers: "parameter_unknown", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[foo]=x", ctx: SkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("card[foo]"), message: "Received unknown parameter: card[foo]" },
        // `pii[personal_id_number]` is the pre-2019 name, which Stripe still accepts
        // (accepted.json); `pii[tax_id]`, which Stripe's spec3 listed until 2018 and no
        // client sends, is unknown.
        Row { covers: "parameter_unknown", body: "pii[tax_id]=000000000", ctx: SkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("pii[tax_id]"), message: "Received unknown parameter: pii[tax_id]" },
        // OBS row 1 (2013, exact) and row 2 (2019, exact): no suggestion for these.
        Row { covers: "parameter_unknown", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&currency=usd", ctx: SkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("currency"), message: "Received unknown parameter: currency" },
        Row { covers: "parameter_unknown", body: "account[legal_entity][type]=individual", ctx: PkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("account[legal_entity]"), message: "Received unknown parameter: account[legal_entity]" },
        // OBS row 5: a misspelt name close to a sibling gets ". Did you mean <leaf>?".
        Row { covers: "parameter_unknown_suggestion", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[adress_city]=Berlin", ctx: SkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("card[adress_city]"), message: "Received unknown parameter: card[adress_city]. Did you mean address_city?" },
        // OBS row 3's camelCase key, two edits from the real name.
        Row { covers: "parameter_unknown_suggestion", body: "account[individual][verification][additionalDocument][front]=file_1", ctx: PkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("account[individual][verification][additionalDocument]"), message: "Received unknown parameter: account[individual][verification][additionalDocument]. Did you mean additional_document?" },
        // OBS row 4 (2026, on /v1/tokens): two unknown parameters make one error.
        Row { covers: "parameters_unknown", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&type=card&billing_details[name]=Jenny", ctx: SkTest, ty: IRE, code: Some("parameter_unknown"), param: Some("billing_details"), message: "Received unknown parameters: billing_details, type" },
        // ---- R3: missing required param (stripe-react-native #951 wording, RULES 2.1).
        Row { covers: "parameter_missing", body: CARD_OK, ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: Some("card[number]"), message: "Missing required param: card[number]." },
        // S-TEST card 4242424242424242 without its expiry year.
        Row { covers: "parameter_missing", body: "card[number]=4242424242424242&card[exp_month]=12", ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: Some("card[exp_year]"), message: "Missing required param: card[exp_year]." },
        // S-CTEST account number 000123456789 without its country.
        Row { covers: "parameter_missing", body: "bank_account[account_number]=000123456789", ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: Some("bank_account[country]"), message: "Missing required param: bank_account[country]." },
        // ---- R4: empty string on a required param (hyperswitch / stripe-java tests, RULES 2.1).
        Row { covers: "parameter_invalid_empty", body: "card[number]=&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("card[number]"), message: EMPTY_MSG_NUMBER },
        // R6 (stripe-rules.md 3.2): a value of only white space; code from S-CODES, wording ours.
        Row { covers: "parameter_invalid_string_blank", body: "person[first_name]=+++", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_string_blank"), param: Some("person[first_name]"), message: "Invalid person[first_name]: the value is only white space. Remove person[first_name] from your request or supply a value that is not blank." },
        Row { covers: "parameter_invalid_string_blank", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[name]=%20", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_string_blank"), param: Some("card[name]"), message: "Invalid card[name]: the value is only white space. Remove card[name] from your request or supply a value that is not blank." },
        // ---- R5: not an integer (RULES 3.2: `person[dob][day]=abc` → "Invalid integer: abc").
        Row { covers: "parameter_invalid_integer", body: "person[dob][day]=abc&person[dob][month]=1&person[dob][year]=1901", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_integer"), param: Some("person[dob][day]"), message: "Invalid integer: abc" },
        // A unix time that is not an integer.
        Row { covers: "parameter_invalid_integer", body: "person[additional_tos_acceptances][account][date]=1.5", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_integer"), param: Some("person[additional_tos_acceptances][account][date]"), message: "Invalid integer: 1.5" },
        // Date parts out of their documented range (API reference "between 1 and 12"), in
        // the wording Stripe uses for integer ranges (RULES 3.2; stripe-php #943, a sibling
        // endpoint): an error on the part (issue 10, item 11).
        Row { covers: "parameter_integer_too_large", body: "person[dob][day]=1&person[dob][month]=13&person[dob][year]=1990", ctx: SkTest, ty: IRE, code: None, param: Some("person[dob][month]"), message: "This value must be less than or equal to 12." },
        Row { covers: "parameter_integer_too_large", body: "account[company][registration_date][day]=32&account[company][registration_date][month]=1&account[company][registration_date][year]=2020", ctx: SkTest, ty: IRE, code: None, param: Some("account[company][registration_date][day]"), message: "This value must be less than or equal to 31." },
        Row { covers: "parameter_integer_too_small", body: "account[individual][dob][day]=0&account[individual][dob][month]=1&account[individual][dob][year]=1990", ctx: SkTest, ty: IRE, code: None, param: Some("account[individual][dob][day]"), message: "This value must be greater than or equal to 1." },
        // "The four-digit year of birth": 90 is not one.
        Row { covers: "parameter_integer_too_small", body: "person[dob][day]=1&person[dob][month]=1&person[dob][year]=90", ctx: SkTest, ty: IRE, code: None, param: Some("person[dob][year]"), message: "This value must be greater than or equal to 1000." },
        // ---- Decimal, boolean, enum, length, object, array, scalar: the project's wording
        // (confidence L/M in rules.json).
        Row { covers: "parameter_invalid_number", body: "person[relationship][percent_ownership]=abc", ctx: SkTest, ty: IRE, code: None, param: Some("person[relationship][percent_ownership]"), message: "Invalid decimal: abc" },
        Row { covers: "parameter_invalid_boolean", body: "person[relationship][owner]=yes", ctx: SkTest, ty: IRE, code: None, param: Some("person[relationship][owner]"), message: "Invalid boolean: yes" },
        // OBS row 13: "Invalid boolean: 1", no code.
        Row { covers: "parameter_invalid_boolean", body: "account[tos_shown_and_accepted]=1", ctx: SkTest, ty: IRE, code: None, param: Some("account[tos_shown_and_accepted]"), message: "Invalid boolean: 1" },
        // OBS row 12 accepts `True`/`False`, not every capitalisation.
        Row { covers: "parameter_invalid_boolean", body: "account[tos_shown_and_accepted]=TRUE", ctx: SkTest, ty: IRE, code: None, param: Some("account[tos_shown_and_accepted]"), message: "Invalid boolean: TRUE" },
        // Closed enum (RULES 8.2 political_exposure is `existing` / `none`).
        Row { covers: "parameter_invalid_enum", body: "person[political_exposure]=maybe", ctx: SkTest, ty: IRE, code: None, param: Some("person[political_exposure]"), message: "Invalid person[political_exposure]: must be one of existing or none" },
        // RULES 6.1 account_holder_type is `individual` or `company`.
        Row { covers: "parameter_invalid_enum", body: "bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000&bank_account[account_holder_type]=robot", ctx: SkTest, ty: IRE, code: None, param: Some("bank_account[account_holder_type]"), message: "Invalid bank_account[account_holder_type]: must be one of company or individual" },
        // RULES 4.1 card[networks][preferred] is cartes_bancaires, mastercard or visa.
        Row { covers: "parameter_invalid_enum", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[networks][preferred]=amex", ctx: SkTest, ty: IRE, code: None, param: Some("card[networks][preferred]"), message: "Invalid card[networks][preferred]: must be one of cartes_bancaires, mastercard, or visa" },
        // An item of an enum array.
        Row { covers: "parameter_invalid_enum", body: "person[us_cfpb_data][race_details][race][0]=martian", ctx: SkTest, ty: IRE, code: None, param: Some("person[us_cfpb_data][race_details][race][0]"), message: "Invalid person[us_cfpb_data][race_details][race][0]: must be one of african_american, american_indian_or_alaska_native, asian, …" },
        // OBS row 16: "Invalid hash" (an account token's dob sent as a non-hash, 2019).
        Row { covers: "parameter_invalid_object", body: "person[metadata]=x", ctx: SkTest, ty: IRE, code: None, param: Some("person[metadata]"), message: "Invalid hash" },
        Row { covers: "parameter_invalid_object", body: "person[address]=Main+Street", ctx: SkTest, ty: IRE, code: None, param: Some("person[address]"), message: "Invalid hash" },
        Row { covers: "parameter_invalid_object", body: "account[individual][dob]=1990-01-01", ctx: PkTest, ty: IRE, code: None, param: Some("account[individual][dob]"), message: "Invalid hash" },
        // OBS row 15: {"message":"Invalid array","param":"expand"} for expand=foo.
        Row { covers: "parameter_invalid_array", body: "expand=card&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: IRE, code: None, param: Some("expand"), message: "Invalid array" },
        Row { covers: "parameter_invalid_scalar", body: "card[number][x]=4242424242424242&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: IRE, code: None, param: Some("card[number]"), message: "Invalid value for card[number]: expected a single value, not a dictionary or a list." },
        Row { covers: "parameter_invalid_scalar", body: "person[metadata][a][b]=1", ctx: SkTest, ty: IRE, code: None, param: Some("person[metadata][a]"), message: "Invalid value for person[metadata][a]: expected a single value, not a dictionary or a list." },
        Row { covers: "parameter_invalid_scalar", body: "expand[0][a]=card&customer=cus_1", ctx: Connect, ty: IRE, code: None, param: Some("expand[0]"), message: "Invalid value for expand[0]: expected a single value, not a dictionary or a list." },
        // A 5001-character string where OpenAPI's maxLength is 5000 (quoted up to 40 characters).
        Row { covers: "parameter_invalid_string_length", body: "__LONG_NAME__", ctx: SkTest, ty: IRE, code: None, param: Some("card[name]"), message: "Invalid string: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...; must be at most 5000 characters" },
        // A malformed body: one invalid_request_error, no param.
        Row { covers: "invalid_body", body: "card[number=4242", ctx: SkTest, ty: IRE, code: None, param: None, message: "Invalid form body: unbalanced '[' or ']' in key 'card[number' at byte 4." },
        // ---- Presence rules.
        // A US bank account needs its routing number (stripe-go bankaccount.go, RULES 6.1);
        // account number from S-CTEST.
        Row { covers: "us_routing_required", body: "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_number]=000123456789", ctx: SkTest, ty: IRE, code: Some("parameter_missing"), param: Some("bank_account[routing_number]"), message: "Missing required param: bank_account[routing_number]." },
        // Account and person tokens cannot unset (S-ACCTOK "You cannot unset an existing value").
        Row { covers: "account_token_no_unset", body: "account[individual][metadata]=", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("account[individual][metadata]"), message: "You passed an empty string for 'account[individual][metadata]'. We assume empty values are an attempt to unset a parameter; however 'account[individual][metadata]' cannot be unset. You should remove 'account[individual][metadata]' from your request or supply a non-empty value." },
        Row { covers: "account_token_no_unset", body: "account[company][structure]=", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("account[company][structure]"), message: "You passed an empty string for 'account[company][structure]'. We assume empty values are an attempt to unset a parameter; however 'account[company][structure]' cannot be unset. You should remove 'account[company][structure]' from your request or supply a non-empty value." },
        Row { covers: "person_token_no_unset", body: "person[dob]=", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("person[dob]"), message: "You passed an empty string for 'person[dob]'. We assume empty values are an attempt to unset a parameter; however 'person[dob]' cannot be unset. You should remove 'person[dob]' from your request or supply a non-empty value." },
        // (`person[full_name_aliases]=` is an empty list, as stripe-go sends one: accepted.)
        Row { covers: "person_token_no_unset", body: "person[metadata]=", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("person[metadata]"), message: "You passed an empty string for 'person[metadata]'. We assume empty values are an attempt to unset a parameter; however 'person[metadata]' cannot be unset. You should remove 'person[metadata]' from your request or supply a non-empty value." },
        // ---- Context rules.
        // Two kinds (RULES 3.1 / R7, code per S-CODES, wording ours); S-TEST card + S-CTEST bank.
        Row { covers: "one_token_kind", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000", ctx: SkTest, ty: IRE, code: Some("parameters_exclusive"), param: None, message: "You may only specify one of these parameters: card, bank_account." },
        Row { covers: "one_token_kind", body: "pii[id_number]=000000000&cvc_update[cvc]=123", ctx: SkTest, ty: IRE, code: Some("parameters_exclusive"), param: None, message: "You may only specify one of these parameters: cvc_update, pii." },
        // `customer` needs Connect (stripe-go token.go, RULES 3.3).
        Row { covers: "customer_needs_connect", body: "customer=cus_4QFJOjw2pOmAGJ", ctx: SkTest, ty: IRE, code: None, param: Some("customer"), message: "You can only use `customer` with an OAuth access token or a Stripe-Account header: it creates a token for a customer of the platform, for a connected account." },
        // With `customer`, card is an id (stripe-go token.go).
        Row { covers: "card_id_with_customer", body: "customer=cus_4QFJOjw2pOmAGJ&card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034", ctx: Connect, ty: IRE, code: None, param: Some("card"), message: "When you pass `customer`, `card` must be the ID of a card belonging to that customer, not a dictionary of card details." },
        Row { covers: "card_object_without_customer", body: "card=card_1MvoiELkdIwHu7ixOeFGbN9D", ctx: SkTest, ty: IRE, code: None, param: Some("card"), message: "A card ID needs `customer`: without it, `card` must be a dictionary of card details such as card[number]." },
        // stripe-go bankaccount.go: payment_method "is exclusive with respect to all other parameters".
        Row { covers: "bank_payment_method_exclusive", body: "bank_account[payment_method]=pm_1Q0PsIJvEtkwdCNYMSaVuRz6&bank_account[country]=US", ctx: SkTest, ty: IRE, code: Some("parameters_exclusive"), param: Some("bank_account[payment_method]"), message: "`bank_account[payment_method]` is exclusive with respect to all other parameters in the `bank_account` hash." },
        // Key rules (S-TOK-person / S-TOK-account; wording ours, RULES 3.4 / K1).
        Row { covers: "key:person", body: "person[first_name]=Jenny", ctx: SkLive, ty: IRE, code: None, param: None, message: PERSON_KEY },
        Row { covers: "key:person", body: "person[first_name]=Jenny", ctx: RkLive, ty: IRE, code: None, param: None, message: PERSON_KEY },
        Row { covers: "key:account", body: "account[business_type]=individual", ctx: SkLive, ty: IRE, code: None, param: None, message: ACCOUNT_KEY },
        Row { covers: "key:account", body: "account[tos_shown_and_accepted]=true", ctx: RkLive, ty: IRE, code: None, param: None, message: ACCOUNT_KEY },
        // ---- Card checks (S-TEST numbers).
        Row { covers: "card_number_digits", body: "card[number]=42424242424242a2&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        Row { covers: "card_number_digits", body: "card[number]=42424242424&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        Row { covers: "card_number_digits", body: "card[number]=42424242424242424242&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        // OBS row 18: `4444` (on /v1/tokens, 2023) and `123`; row 19: `-1`.
        Row { covers: "card_number_digits", body: "card[number]=4444&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        Row { covers: "card_number_digits", body: "card[number]=123&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        Row { covers: "card_number_digits", body: "card[number]=-1&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        // Amex 378282246310005 (S-TEST) with a digit too many: Amex is 15 (RULES 4.2 / C7).
        Row { covers: "card_number_brand_length", body: "card[number]=3782822463100050&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_number"), param: Some("number"), message: CARD_NUMBER_INVALID },
        // S-TEST: 4242424242424241 "incorrect_number (Luhn check fails)".
        Row { covers: "card_number_luhn", body: "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("incorrect_number"), param: Some("number"), message: CARD_NUMBER_INCORRECT },
        // S-TEST "Use an invalid month, such as 13"; hyperswitch observed the message.
        Row { covers: "card_exp_month", body: "card[number]=4242424242424242&card[exp_month]=13&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_expiry_month"), param: Some("exp_month"), message: EXP_MONTH_INVALID },
        Row { covers: "card_exp_month", body: "card[number]=4242424242424242&card[exp_month]=0&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_expiry_month"), param: Some("exp_month"), message: EXP_MONTH_INVALID },
        // A non-number month is the month rule's, not parameter_invalid_integer (rules.json refine).
        Row { covers: "card_exp_month", body: "card[number]=4242424242424242&card[exp_month]=ab&card[exp_year]=2034", ctx: SkTest, ty: CE, code: Some("invalid_expiry_month"), param: Some("exp_month"), message: EXP_MONTH_INVALID },
        // S-TEST "Use a year up to 50 years in the past, such as 95"; hyperswitch: 2022.
        Row { covers: "card_exp_year", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2022", ctx: SkTest, ty: CE, code: Some("invalid_expiry_year"), param: Some("exp_year"), message: EXP_YEAR_INVALID },
        Row { covers: "card_exp_year", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=95", ctx: SkTest, ty: CE, code: Some("invalid_expiry_year"), param: Some("exp_year"), message: EXP_YEAR_INVALID },
        // More than 50 years ahead (stripe-ios PR #3545).
        Row { covers: "card_exp_year", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2077", ctx: SkTest, ty: CE, code: Some("invalid_expiry_year"), param: Some("exp_year"), message: EXP_YEAR_INVALID },
        Row { covers: "card_exp_year", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=203", ctx: SkTest, ty: CE, code: Some("invalid_expiry_year"), param: Some("exp_year"), message: EXP_YEAR_INVALID },
        // A month before the current one (today 2026-11): RULES C5, code inferred.
        Row { covers: "card_expiry_not_past", body: "card[number]=4242424242424242&card[exp_month]=10&card[exp_year]=2026", ctx: SkTest, ty: CE, code: Some("invalid_expiry_month"), param: Some("exp_month"), message: EXP_MONTH_INVALID },
        Row { covers: "card_expiry_not_past", body: "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=26", ctx: SkTest, ty: CE, code: Some("invalid_expiry_month"), param: Some("exp_month"), message: EXP_MONTH_INVALID },
        // hyperswitch: cvc 12 → invalid_cvc; S-TEST "Use a two-digit number, such as 99".
        Row { covers: "card_cvc", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=12", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "card_cvc", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=99", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        // OBS row 24: Amex takes 3 or 4 digits (see `valid_vectors_pass`), not 2 or 5 or letters.
        Row { covers: "card_cvc", body: "card[number]=378282246310005&card[exp_month]=12&card[exp_year]=2034&card[cvc]=12", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "card_cvc", body: "card[number]=378282246310005&card[exp_month]=12&card[exp_year]=2034&card[cvc]=12345", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "card_cvc", body: "card[number]=371449635398431&card[exp_month]=12&card[exp_year]=2034&card[cvc]=22a", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        // Visa 4242424242424242 takes three digits, not four.
        Row { covers: "card_cvc", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=1234", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "card_cvc", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=12a", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        // CVC update: 3 or 4 digits (stripe-android CvcTokenParams, RULES V2).
        Row { covers: "cvc_update_cvc", body: "cvc_update[cvc]=12", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "cvc_update_cvc", body: "cvc_update[cvc]=12345", ctx: SkTest, ty: CE, code: Some("invalid_cvc"), param: Some("cvc"), message: CVC_INVALID },
        Row { covers: "parameter_missing", body: "cvc_update[cvc]", ctx: SkTest, ty: IRE, code: Some("parameter_invalid_empty"), param: Some("cvc_update[cvc]"), message: "You passed an empty string for 'cvc_update[cvc]'. We assume empty values are an attempt to unset a parameter; however 'cvc_update[cvc]' cannot be unset. You should remove 'cvc_update[cvc]' from your request or supply a non-empty value." },
        // ---- Bank checks.
        // OBS row 28 (Stripe.js bank token, 2022): no code.
        Row { covers: "bank_country", body: "bank_account[country]=840&bank_account[account_number]=000123456789", ctx: PkTest, ty: IRE, code: None, param: Some("bank_account[country]"), message: "Country 840 not supported (you should use the 2-letter country code, e.g. US)." },
        Row { covers: "bank_country", body: "bank_account[country]=ZZ&bank_account[account_number]=000123456789", ctx: SkTest, ty: IRE, code: None, param: Some("bank_account[country]"), message: "Country ZZ not supported (you should use the 2-letter country code, e.g. US)." },
        Row { covers: "bank_country", body: "bank_account[country]=USA&bank_account[account_number]=000123456789", ctx: SkTest, ty: IRE, code: None, param: Some("bank_account[country]"), message: "Country USA not supported (you should use the 2-letter country code, e.g. US)." },
        Row { covers: "bank_currency", body: "bank_account[country]=US&bank_account[currency]=xyz&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000", ctx: SkTest, ty: IRE, code: None, param: Some("bank_account[currency]"), message: "Invalid currency: xyz. Use a three-letter ISO 4217 currency code, such as usd." },
        // ABA: 111000000 (the S-PAYOUTS example) fails the check digit.
        Row { covers: "us_routing_check_digit", body: "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_number]=000123456789&bank_account[routing_number]=111000000", ctx: SkTest, ty: IRE, code: Some("routing_number_invalid"), param: Some("bank_account[routing_number]"), message: "Routing number must have a valid check digit." },
        // "Routing number must have 9 digits" (code-corps #933).
        // OBS row 27 (2017) is this message; its param `bank_account` and missing code are
        // kept as ours (rules.json says why).
        Row { covers: "us_routing_number", body: "bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=11000000", ctx: SkTest, ty: IRE, code: Some("routing_number_invalid"), param: Some("bank_account[routing_number]"), message: "Routing number must have 9 digits" },
        Row { covers: "us_routing_number", body: "bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=11000000a", ctx: SkTest, ty: IRE, code: Some("routing_number_invalid"), param: Some("bank_account[routing_number]"), message: "Routing number must have 9 digits" },
        // IBAN (live mode only): Stripe's DE test IBAN with the last digit changed fails mod-97.
        Row { covers: "iban", body: "bank_account[country]=DE&bank_account[currency]=eur&bank_account[account_number]=DE89370400440532013001", ctx: SkLive, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: "The bank account number you provided is not a valid IBAN for this country." },
        // ISO-IBAN example with one check digit changed; pk_live may create bank tokens.
        Row { covers: "iban", body: "bank_account[country]=GB&bank_account[currency]=gbp&bank_account[account_number]=GB83WEST12345698765432", ctx: PkLive, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: "The bank account number you provided is not a valid IBAN for this country." },
        // ---- Test bank account numbers in test mode (OBS row 31; S-CTEST).
        // ezet/stripe-sdk #107 (pk_test, 2020): 000123456789 sent as an integer lost its zeros.
        Row { covers: "test_bank_account_number", body: "bank_account[country]=US&bank_account[account_number]=123456789&bank_account[routing_number]=110000000", ctx: PkTest, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: TEST_BANK_NUMBER },
        // The project's own row 31 probe: a made-up US number with sk_test.
        Row { covers: "test_bank_account_number", body: "bank_account[country]=US&bank_account[account_number]=1112121234&bank_account[routing_number]=110000000", ctx: SkTest, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: TEST_BANK_NUMBER },
        // A real-looking IBAN of an IBAN country (tipsi-stripe #216: an ES IBAN, 2017).
        Row { covers: "test_bank_account_number", body: "bank_account[country]=ES&bank_account[currency]=eur&bank_account[account_number]=ES7921000813610123456789", ctx: PkTest, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: TEST_BANK_NUMBER },
        Row { covers: "test_bank_account_number", body: "bank_account[country]=GB&bank_account[currency]=gbp&bank_account[routing_number]=108800&bank_account[account_number]=12345678", ctx: Connect, ty: IRE, code: Some("account_number_invalid"), param: Some("bank_account[account_number]"), message: TEST_BANK_NUMBER },
        // ---- Dates (stripe-go person.go ranges; wording ours).
        Row { covers: "person_dob_calendar", body: "person[dob][day]=30&person[dob][month]=2&person[dob][year]=1990", ctx: SkTest, ty: IRE, code: None, param: Some("person[dob]"), message: "Invalid person[dob]: the day, month and year must form a real calendar date." },
        // 1900 is not a leap year.
        Row { covers: "account_individual_dob_calendar", body: "account[individual][dob][day]=29&account[individual][dob][month]=2&account[individual][dob][year]=1900", ctx: SkTest, ty: IRE, code: None, param: Some("account[individual][dob]"), message: "Invalid account[individual][dob]: the day, month and year must form a real calendar date." },
        Row { covers: "account_company_registration_date_calendar", body: "account[company][registration_date][day]=31&account[company][registration_date][month]=4&account[company][registration_date][year]=2020", ctx: SkTest, ty: IRE, code: None, param: Some("account[company][registration_date]"), message: "Invalid account[company][registration_date]: the day, month and year must form a real calendar date." },
        // 31 February: every part is in range, the date does not exist (OBS row 34, L).
        Row { covers: "person_dob_calendar", body: "person[dob][day]=31&person[dob][month]=2&person[dob][year]=1990", ctx: SkTest, ty: IRE, code: None, param: Some("person[dob]"), message: "Invalid person[dob]: the day, month and year must form a real calendar date." },
        // ---- Apple Pay (accepted.json): a token that is no JSON object (wording ours, L).
        Row { covers: "pk_token_json", body: "pk_token=not-json&pk_token_transaction_id=x", ctx: PkTest, ty: IRE, code: None, param: Some("pk_token"), message: "Invalid pk_token: send the Apple Pay payment token's paymentData (PKPaymentToken.paymentData, a JSON object) as text." },
        Row { covers: "pk_token_json", body: "pk_token=%5B1%5D", ctx: SkTest, ty: IRE, code: None, param: Some("pk_token"), message: "Invalid pk_token: send the Apple Pay payment token's paymentData (PKPaymentToken.paymentData, a JSON object) as text." },
        // An Apple Pay token whose signature was signed on 2018-11-25 (a DER signing-time
        // attribute made here): stale long before today, as stripe-ios' recorded fixture was.
        Row { covers: "pk_token_not_stale", body: "pk_token=%7B%22version%22%3A%22EC_v1%22%2C%22data%22%3A%22ZmFrZQ%3D%3D%22%2C%22signature%22%3A%22MBwGCSqGSIb3DQEJBTEPFw0xODExMjUxMjAwMDBa%22%2C%22header%22%3A%7B%22transactionId%22%3A%22ab%22%7D%7D&card[name]=Jenny", ctx: PkTest, ty: IRE, code: None, param: None, message: "It's been too long since the user approved this payment in your app. You have to create a token within 24 hours of their in-app approval." },
        // ---- Wallet cards (accepted.json): android_pay needs its cryptogram (OBS row 6).
        Row { covers: "wallet_cryptogram_required", body: "card[number]=4242424242424242&card[exp_month]=9&card[exp_year]=2030&card[tokenization_method]=android_pay&card[eci]=05", ctx: SkTest, ty: IRE, code: None, param: Some("card[cryptogram]"), message: "Cards using 'tokenization_method=android_pay' require the 'cryptogram' field to be set." },
        // ---- Email (S-CODES email_invalid; "Invalid email address: …" on customers, RULES P2).
        // ---- Stripe's metadata limits (https://docs.stripe.com/api/metadata; messages as
        // Stripe answers them on other endpoints, rules.json).
        Row { covers: "metadata_keys", body: leak(metadata_body("person[metadata]", 51, 1, 1)), ctx: SkTest, ty: IRE, code: None, param: Some("person[metadata]"), message: "Metadata can have up to 50 keys, but you've set 51. Email us at support+metadata@stripe.com for more information." },
        Row { covers: "metadata_key_length", body: leak(metadata_body("account[individual][metadata]", 1, 41, 1)), ctx: SkTest, ty: IRE, code: None, param: Some("account[individual][metadata]"), message: "Invalid key: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk... must be a string under 40 characters" },
        Row { covers: "metadata_value_length", body: leak(metadata_body("person[metadata]", 2, 1, 501)), ctx: SkTest, ty: IRE, code: None, param: Some("person[metadata]"), message: "Invalid val: …" },
        // card[metadata] is accepted (accepted.json): the same limits, no value quoted.
        Row { covers: "card_metadata_keys", body: leak(metadata_body("card[metadata]", 51, 1, 1)), ctx: SkTest, ty: IRE, code: None, param: Some("card[metadata]"), message: "Metadata can have up to 50 keys. Email us at support+metadata@stripe.com for more information." },
        Row { covers: "card_metadata_key_length", body: leak(metadata_body("card[metadata]", 1, 41, 1)), ctx: SkTest, ty: IRE, code: None, param: Some("card[metadata]"), message: "Invalid key: the keys of card[metadata] must be strings under 40 characters" },
        Row { covers: "card_metadata_value_length", body: leak(metadata_body("card[metadata]", 1, 1, 501)), ctx: SkTest, ty: IRE, code: None, param: Some("card[metadata]"), message: "Invalid val: the values of card[metadata] must be strings under 500 characters" },
        Row { covers: "email", body: "person[email]=jenny.rosen", ctx: SkTest, ty: IRE, code: Some("email_invalid"), param: Some("person[email]"), message: "Invalid email address: jenny.rosen" },
        Row { covers: "email", body: "account[individual][email]=jenny@@example.com", ctx: SkTest, ty: IRE, code: Some("email_invalid"), param: Some("account[individual][email]"), message: "Invalid email address: jenny@@example.com" },
        // OBS row 32: Stripe refuses a domain without a dot; row 33: one that starts with one.
        Row { covers: "email", body: "person[email]=test@test", ctx: SkTest, ty: IRE, code: Some("email_invalid"), param: Some("person[email]"), message: "Invalid email address: test@test" },
        Row { covers: "email", body: "person[email]=mehmetakdemir9212@gmail", ctx: SkTest, ty: IRE, code: Some("email_invalid"), param: Some("person[email]"), message: "Invalid email address: mehmetakdemir9212@gmail" },
        Row { covers: "email", body: "account[individual][email]=x@.maie.com", ctx: SkTest, ty: IRE, code: Some("email_invalid"), param: Some("account[individual][email]"), message: "Invalid email address: x@.maie.com" },
    ]
}

fn body_of(row: &Row) -> String {
    if row.body == "__LONG_NAME__" {
        format!(
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[name]={}",
            "a".repeat(5001)
        )
    } else {
        row.body.to_string()
    }
}

fn errors_of(body: &str, ctx: &Context) -> Errors {
    match validate_form(body.as_bytes(), ctx) {
        Ok(r) => panic!("{body:?} passed as {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn first_error_of_every_rule() {
    let mut failures = Vec::new();
    for row in rows() {
        let body = body_of(&row);
        let errors = errors_of(&body, &row.ctx.get());
        let e = errors.first();
        let status = if row.ty == CE { 402 } else { 400 };
        // A message ending in `…` is a prefix (long lists of enum values).
        let msg_ok = match row.message.strip_suffix('…') {
            Some(prefix) => e.message.starts_with(prefix),
            None => e.message == row.message,
        };
        if e.error_type != row.ty
            || e.code.as_deref() != row.code
            || e.param.as_deref() != row.param
            || !msg_ok
            || e.status() != status
            || errors.status() != status
        {
            failures.push(format!(
                "{} {:?} ({:?}):\n    got {e:?}",
                row.covers, row.body, row.ctx
            ));
        }
        // doc_url follows the code.
        assert_eq!(
            e.doc_url,
            e.code.as_ref().map(|c| format!(
                "https://stripe.com/docs/error-codes/{}",
                c.replace('_', "-")
            ))
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_and_generic_error_is_covered() {
    let spec = token_validate::token_spec::bundled();
    let covered: BTreeSet<&str> = rows().iter().map(|r| r.covers).collect();
    for rule in &spec.rules {
        assert!(
            covered.contains(rule.id.as_str()),
            "rule {} has no row",
            rule.id
        );
    }
    for name in spec.errors.keys() {
        assert!(
            covered.contains(name.as_str()),
            "generic error {name} has no row"
        );
    }
    for kind in &spec.kinds {
        if kind.key_error.is_some() {
            let k = format!("key:{}", kind.name);
            assert!(
                covered.contains(k.as_str()),
                "key rule of {} has no row",
                kind.name
            );
        }
    }
}

/// Bodies that must pass, each with the kind it gives.
#[test]
fn valid_vectors_pass() {
    use Ctx::*;
    let cases: &[(&str, Ctx, &str)] = &[
        // S-TEST success cards, by brand, with a valid CVC for the brand.
        (
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123",
            SkTest,
            "card",
        ),
        (
            "card[number]=4000056655665556&card[exp_month]=12&card[exp_year]=34&card[cvc]=123",
            SkTest,
            "card",
        ),
        (
            "card[number]=5555555555554444&card[exp_month]=01&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=2223003122003222&card[exp_month]=1&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=378282246310005&card[exp_month]=12&card[exp_year]=2034&card[cvc]=1234",
            SkTest,
            "card",
        ),
        (
            "card[number]=371449635398431&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        // OBS row 24: `371449635398431` with CVC `222` answered 200 on /v1/tokens (2014).
        (
            "card[number]=371449635398431&card[exp_month]=12&card[exp_year]=2034&card[cvc]=222",
            PkTest,
            "card",
        ),
        (
            "card[number]=378282246310005&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123",
            SkTest,
            "card",
        ),
        (
            "card[number]=6011111111111117&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123",
            SkTest,
            "card",
        ),
        (
            "card[number]=3056930009020004&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=36227206271667&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=3566002020360505&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=6200000000000005&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=6205500000000000004&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        // With spaces and dashes (GR cassettes: the API accepted "4242 4242 4242 4242").
        (
            "card[number]=4242+4242+4242+4242&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        (
            "card[number]=4242-4242-4242-4242&card[exp_month]=12&card[exp_year]=2034",
            SkTest,
            "card",
        ),
        // The current month still is valid; 50 years ahead is the last valid year.
        (
            "card[number]=4242424242424242&card[exp_month]=11&card[exp_year]=2026",
            SkTest,
            "card",
        ),
        (
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2076",
            SkTest,
            "card",
        ),
        // Card tokens with any key.
        (
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
            PkLive,
            "card",
        ),
        (
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
            SkLive,
            "card",
        ),
        // `customer` with Connect: alone, or with a card id.
        ("customer=cus_4QFJOjw2pOmAGJ", Connect, "card"),
        (
            "customer=cus_4QFJOjw2pOmAGJ&card=card_1MvoiELkdIwHu7ixOeFGbN9D",
            Connect,
            "card",
        ),
        // S-CTEST bank numbers.
        (
            "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000",
            SkTest,
            "bank_account",
        ),
        (
            "bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=111000025",
            SkLive,
            "bank_account",
        ),
        // The routing number is checked in the US only: a GB sort code (S-CTEST 108800).
        (
            "bank_account[country]=GB&bank_account[currency]=gbp&bank_account[account_number]=00012345&bank_account[routing_number]=108800",
            SkLive,
            "bank_account",
        ),
        // Stripe's test IBAN DE89370400440532013000 (S-CTEST) and the ISO-IBAN example, in live mode.
        (
            "bank_account[country]=DE&bank_account[currency]=eur&bank_account[account_number]=DE89370400440532013000",
            SkLive,
            "bank_account",
        ),
        (
            "bank_account[country]=GB&bank_account[currency]=gbp&bank_account[account_number]=GB82WEST12345698765432",
            PkLive,
            "bank_account",
        ),
        // In test mode IBANs are not checked: GR's NL89370400440532013000 fails mod-97 (RULES 6.4).
        (
            "bank_account[country]=NL&bank_account[currency]=eur&bank_account[account_number]=NL89370400440532013000",
            SkTest,
            "bank_account",
        ),
        (
            "bank_account[country]=DE&bank_account[account_number]=DE89370400440532013001",
            PkTest,
            "bank_account",
        ),
        // A number that is no test number is fine in live mode (OBS row 31 is test mode only),
        // and in a country with no documented test numbers (rules.json numbers).
        (
            "bank_account[country]=US&bank_account[account_number]=1112121234&bank_account[routing_number]=110000000",
            SkLive,
            "bank_account",
        ),
        (
            "bank_account[country]=NZ&bank_account[currency]=nzd&bank_account[account_number]=1234567890123456",
            SkTest,
            "bank_account",
        ),
        // payment_method stands alone (stripe-go bankaccount.go).
        // PII, CVC update.
        ("pii[id_number]=000000000", SkLive, "pii"),
        ("cvc_update[cvc]=123", PkLive, "cvc_update"),
        ("cvc_update[cvc]=1234", SkTest, "cvc_update"),
        // Person token: sk_test and pk_live (S-TOK-person); S-CTEST dob 1901-01-01, id 000000000.
        (
            "person[first_name]=Jenny&person[dob][day]=1&person[dob][month]=1&person[dob][year]=1901&person[id_number]=000000000&person[email]=jenny@example.com",
            SkTest,
            "person",
        ),
        (
            "person[first_name]=Jenny&person[dob][day]=29&person[dob][month]=2&person[dob][year]=2000",
            PkLive,
            "person",
        ),
        (
            "person[relationship][percent_ownership]=12.5&person[relationship][owner]=true",
            SkTest,
            "person",
        ),
        // OBS row 12: v1 reads `True` and `False` as booleans.
        (
            "person[relationship][owner]=True&person[relationship][director]=False",
            SkTest,
            "person",
        ),
        (
            "account[business_type]=individual&account[tos_shown_and_accepted]=True",
            PkLive,
            "account",
        ),
        // Date parts at the ends of their ranges.
        (
            "person[dob][day]=31&person[dob][month]=12&person[dob][year]=9999",
            SkTest,
            "person",
        ),
        (
            "account[company][registration_date][day]=01&account[company][registration_date][month]=01&account[company][registration_date][year]=1000",
            SkTest,
            "account",
        ),
        // Account token: the open enum `business_type` takes values the spec does not list.
        (
            "account[business_type]=individual&account[tos_shown_and_accepted]=true",
            PkLive,
            "account",
        ),
        (
            "account[business_type]=sole_trader_of_the_future",
            SkTest,
            "account",
        ),
        (
            "account[company][structure]=some_new_structure&account[company][tax_id]=000000000",
            SkTest,
            "account",
        ),
        (
            "account[individual][email]=jenny@example.com",
            PkLive,
            "account",
        ),
    ];
    for (body, c, kind) in cases {
        match validate_form(body.as_bytes(), &c.get()) {
            Ok(r) => assert_eq!(r.kind(), *kind, "{body}"),
            Err(e) => panic!("{body} ({c:?}) failed: {e:?}"),
        }
    }
}

/// `bank_account[payment_method]` is exclusive with every other bank field, so it stands
/// alone: the fields OpenAPI marks required are not required with it.
#[test]
fn payment_method_alone() {
    let body = token_validate::tree::parse_form(
        b"bank_account[payment_method]=pm_1Q0PsIJvEtkwdCNYMSaVuRz6",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(validate_tree(&body, &ctx()), Ok("bank_account"));
    // With the country US, the routing number is not required either: the one error is the
    // exclusivity.
    let errors = errors_of(
        "bank_account[payment_method]=pm_1Q0PsIJvEtkwdCNYMSaVuRz6&bank_account[country]=US",
        &ctx(),
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors.first().code.as_deref(), Some("parameters_exclusive"));
}

/// Person and account tokens: sk_live and rk_live are refused, pk_live and every test key
/// pass (S-TOK-person, S-TOK-account).
#[test]
fn key_rules_by_kind() {
    let bodies = [
        ("person", "person[first_name]=Jenny"),
        ("account", "account[business_type]=company"),
    ];
    for (kind, body) in bodies {
        for key in ["sk_test_x1", "pk_test_x1", "rk_test_x1", "pk_live_x1"] {
            let r = validate_form(body.as_bytes(), &ctx_key(key));
            assert_eq!(r.map(|r| r.kind()), Ok(kind), "{key}");
        }
        for key in ["sk_live_x1", "rk_live_x1"] {
            let e = errors_of(body, &ctx_key(key));
            assert_eq!(e.len(), 1);
            assert_eq!(e.status(), 400);
            assert_eq!(e.first().param, None);
        }
    }
    // Every other kind may be created with any key.
    for body in [
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
        "bank_account[country]=US&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000",
        "pii[id_number]=000000000",
        "cvc_update[cvc]=123",
    ] {
        for key in [
            "sk_test_x1",
            "sk_live_x1",
            "pk_test_x1",
            "pk_live_x1",
            "rk_test_x1",
            "rk_live_x1",
        ] {
            assert!(
                validate_form(body.as_bytes(), &ctx_key(key)).is_ok(),
                "{key} {body}"
            );
        }
    }
}

/// RULES 5 / V1: `cvc_update` without its `cvc` (an empty object can only be sent as JSON).
#[test]
fn cvc_update_without_cvc() {
    let e = token_validate::validate_json(br#"{"cvc_update": {}}"#, &ctx()).unwrap_err();
    assert_eq!(e.len(), 1);
    let e = e.first();
    assert_eq!(
        (
            e.error_type,
            e.code.as_deref(),
            e.param.as_deref(),
            e.message.as_str(),
            e.status()
        ),
        (
            "invalid_request_error",
            Some("parameter_missing"),
            Some("cvc_update[cvc]"),
            "Missing required param: cvc_update[cvc].",
            400
        )
    );
}

/// A typed result matches what was sent.
#[test]
fn customer_with_card_id_is_typed() {
    let r = validate_form(
        b"customer=cus_4QFJOjw2pOmAGJ&card=card_1MvoiELkdIwHu7ixOeFGbN9D",
        &Ctx::Connect.get(),
    )
    .unwrap();
    let Request::Card(card) = r else { panic!() };
    assert_eq!(card.customer.as_deref(), Some("cus_4QFJOjw2pOmAGJ"));
    assert_eq!(
        card.card,
        Some(token_validate::CardOrId::Id(
            "card_1MvoiELkdIwHu7ixOeFGbN9D".into()
        ))
    );
}

fn table(errors: &Errors) -> serde_json::Value {
    errors
        .iter()
        .map(|e: &Error| {
            let mut v = serde_json::to_value(e).unwrap();
            v["status"] = e.status().into();
            v.as_object_mut().unwrap().remove("doc_url");
            v
        })
        .collect()
}

/// Errors come in Stripe's order: unknown, missing/empty, types, context, semantic; the
/// card checks in the order number, exp_month, exp_year, cvc.
#[test]
fn order_of_errors() {
    let seq = |body: &str, c: &Context| -> Vec<(String, Option<String>)> {
        errors_of(body, c)
            .iter()
            .map(|e| (e.code.clone().unwrap_or_default(), e.param.clone()))
            .collect()
    };
    let s = |a: &str, b: &str| (a.to_string(), Some(b.to_string()));

    // Luhn failure first in the body, then a missing param, then an unknown one last.
    assert_eq!(
        seq(
            "card[number]=4242424242424241&card[exp_month]=12&card[foo]=1",
            &ctx()
        ),
        vec![
            s("parameter_unknown", "card[foo]"),
            s("parameter_missing", "card[exp_year]"),
            // exp_year failed, so no expiry checks; the number is still checked.
            s("incorrect_number", "number"),
        ]
    );
    // All four card checks fail: S-TEST 4242424242424241, month 13, year 2020, cvc 1.
    assert_eq!(
        seq(
            "card[cvc]=1&card[exp_year]=2020&card[exp_month]=13&card[number]=4242424242424241",
            &ctx()
        ),
        vec![
            s("incorrect_number", "number"),
            s("invalid_expiry_month", "exp_month"),
            s("invalid_expiry_year", "exp_year"),
            s("invalid_cvc", "cvc"),
        ]
    );
    // Types before context before semantic.
    assert_eq!(
        seq(
            "person[email]=nope&person[dob][day]=31&person[dob][month]=4&person[dob][year]=1990&person[relationship][owner]=maybe",
            &ctx_key("sk_live_x1")
        ),
        vec![
            s("", "person[relationship][owner]"),
            (String::new(), None),
            // Semantic rules run in rules.json order: dates before email.
            s("", "person[dob]"),
            s("email_invalid", "person[email]"),
        ]
    );
    insta::assert_json_snapshot!(
        "order_unknown_missing_types_context_semantic",
        table(&errors_of(
            "zzz=1&card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034&card[cvc]=12&card[name]=&card[networks][preferred]=amex&customer=cus_1",
            &ctx()
        ))
    );
    insta::assert_json_snapshot!(
        "order_bank",
        table(&errors_of(
            "bank_account[country]=us&bank_account[currency]=dollars&bank_account[routing_number]=111000000&bank_account[account_holder_type]=robot&bank_account[extra]=1",
            &ctx()
        ))
    );
}

/// One problem per parameter: a parameter that failed an earlier check is not checked
/// again (a non-digit number is not also a Luhn failure; a bad number leaves the CVC
/// judged as 3 or 4 digits).
#[test]
fn one_error_per_parameter() {
    let e = errors_of(
        "card[number]=4242a&card[exp_month]=12&card[exp_year]=2034&card[cvc]=1234",
        &ctx(),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e.first().code.as_deref(), Some("invalid_number"));
    // A bad year: no "month in the past" on top.
    let e = errors_of(
        "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=20",
        &ctx(),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e.first().code.as_deref(), Some("invalid_expiry_year"));
}

/// Errors serialize as Stripe's `{"error": {...}}` with the first error.
#[test]
fn stripe_json_shape() {
    let e = errors_of(
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034",
        &ctx(),
    );
    assert_eq!(
        e.to_stripe_json(),
        serde_json::json!({"error": {
            "type": "card_error",
            "code": "incorrect_number",
            "param": "number",
            "message": "Your card number is incorrect.",
            "doc_url": "https://stripe.com/docs/error-codes/incorrect-number",
        }})
    );
    assert_eq!(
        e.to_string(),
        "card_error (incorrect_number) on number: Your card number is incorrect."
    );
}

#[test]
fn payment_method_alone_is_typed() {
    let r = validate_form(
        b"bank_account[payment_method]=pm_1Q0PsIJvEtkwdCNYMSaVuRz6",
        &ctx(),
    );
    assert_eq!(r.map(|r| r.kind()), Ok("bank_account"));
}

/// Missing card fields come in the order Stripe checks card fields (number, exp_month,
/// exp_year, cvc), not in the spec's alphabetical order.
#[test]
fn missing_card_fields_in_card_order() {
    let errors = validate_form(b"card[cvc]=123", &ctx()).unwrap_err();
    let params: Vec<_> = errors.iter().map(|e| e.param.as_deref()).collect();
    assert_eq!(
        params,
        [
            Some("card[number]"),
            Some("card[exp_month]"),
            Some("card[exp_year]")
        ]
    );
}

/// OBS row 4: several unknown parameters are one error, "Received unknown parameters:
/// billing_details, type" (names sorted, `param` the first); behind it, one singular
/// error per parameter, so each can still be shown; `len` counts them all.
#[test]
fn several_unknown_parameters_make_one_error() {
    let e = errors_of(
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&type=card&billing_details[name]=Jenny",
        &ctx(),
    );
    let seq: Vec<(Option<&str>, &str)> = e
        .iter()
        .map(|e| (e.param.as_deref(), e.message.as_str()))
        .collect();
    assert_eq!(
        seq,
        [
            (
                Some("billing_details"),
                "Received unknown parameters: billing_details, type"
            ),
            (
                Some("billing_details"),
                "Received unknown parameter: billing_details"
            ),
            (Some("type"), "Received unknown parameter: type"),
        ]
    );
    assert_eq!(e.len(), 3);
    assert!(
        e.iter()
            .all(|e| e.code.as_deref() == Some("parameter_unknown") && e.status() == 400)
    );
    // The singular ones keep their "Did you mean", and the merge comes before the
    // errors of later phases.
    let e = errors_of(
        "card[numbr]=4242424242424242&card[exp_month]=13&card[exp_year]=2034&card[foo]=1",
        &ctx(),
    );
    let seq: Vec<(Option<&str>, &str)> = e
        .iter()
        .map(|e| (e.param.as_deref(), e.message.as_str()))
        .collect();
    assert_eq!(
        seq,
        [
            (
                Some("card[foo]"),
                "Received unknown parameters: card[foo], card[numbr]"
            ),
            (Some("card[foo]"), "Received unknown parameter: card[foo]"),
            (
                Some("card[numbr]"),
                "Received unknown parameter: card[numbr]. Did you mean number?"
            ),
            (
                Some("card[number]"),
                "Missing required param: card[number]."
            ),
            (
                Some("exp_month"),
                "Your card's expiration month is invalid."
            ),
        ]
    );
    // One unknown parameter stays singular.
    let e = errors_of(
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&type=card",
        &ctx(),
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e.first().message, "Received unknown parameter: type");
}

/// OBS row 10: with no token kind at all, R1 comes before the unknown parameters; with a
/// kind, unknown parameters come first as before (rows 1-3).
#[test]
fn no_token_kind_comes_before_unknown_parameters() {
    let e = errors_of(
        "business_type=individual&individual[first_name]=Jenny&tos_shown_and_accepted=true",
        &Ctx::PkTest.get(),
    );
    let codes: Vec<(Option<&str>, Option<&str>)> = e
        .iter()
        .map(|e| (e.code.as_deref(), e.param.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [
            (Some("parameter_missing"), None),
            (Some("parameter_unknown"), Some("business_type")),
            (Some("parameter_unknown"), Some("business_type")),
            (Some("parameter_unknown"), Some("individual")),
            (Some("parameter_unknown"), Some("tos_shown_and_accepted")),
        ]
    );
    assert_eq!(e.first().message, R1);
    assert_eq!(
        e.iter().nth(1).unwrap().message,
        "Received unknown parameters: business_type, individual, tos_shown_and_accepted"
    );
    // `expand` alone is no kind either: R1 before the shape error.
    let e = errors_of("expand=card", &ctx());
    assert_eq!(e.first().message, R1);
    assert_eq!(e.iter().nth(1).unwrap().message, "Invalid array");
    // With a kind: the unknown parameter first, as before.
    let e = errors_of("card[number]=4242424242424242&currency=usd", &ctx());
    assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
}

/// Item 11 of issue 10: every date object of the spec (the objects its `calendar_date`
/// rules judge) has day 1-31, month 1-12 and a four-digit year, read from rules.json; a
/// part out of range is an error on the part and the date is not judged on top of it;
/// a date that does not exist stays an error on the date.
#[test]
fn date_parts_have_their_ranges() {
    let spec = token_validate::token_spec::bundled();
    let dates: Vec<&str> = spec
        .rules
        .iter()
        .filter(|r| r.rule == token_validate::token_spec::rules::RuleName::CalendarDate)
        .map(|r| spec.node(r.target).path.as_str())
        .collect();
    assert_eq!(
        dates.len(),
        3,
        "person[dob], account[individual][dob], account[company][registration_date]: {dates:?}"
    );
    for date in dates {
        let id = spec.lookup(date).unwrap();
        for (part, lo, hi) in [("day", 1, 31), ("month", 1, 12), ("year", 1000, 9999)] {
            let child = spec.child(id, part).unwrap();
            match &spec.node(child).ty {
                token_validate::token_spec::Ty::Integer { min, max, .. } => {
                    assert_eq!((*min, *max), (Some(lo), Some(hi)), "{date}[{part}]")
                }
                other => panic!("{date}[{part}] is {other:?}"),
            }
        }
        let kind = &date[..date.find('[').unwrap()];
        let c = if kind == "account" {
            Ctx::PkTest.get()
        } else {
            ctx()
        };
        let body = |d: &str, m: &str, y: &str| {
            format!("{date}[day]={d}&{date}[month]={m}&{date}[year]={y}")
        };
        for (d, m, y, part, msg) in [
            (
                "0",
                "1",
                "1990",
                "day",
                "This value must be greater than or equal to 1.",
            ),
            (
                "32",
                "1",
                "1990",
                "day",
                "This value must be less than or equal to 31.",
            ),
            (
                "1",
                "0",
                "1990",
                "month",
                "This value must be greater than or equal to 1.",
            ),
            (
                "1",
                "13",
                "1990",
                "month",
                "This value must be less than or equal to 12.",
            ),
            (
                "1",
                "1",
                "999",
                "year",
                "This value must be greater than or equal to 1000.",
            ),
            (
                "1",
                "1",
                "10000",
                "year",
                "This value must be less than or equal to 9999.",
            ),
        ] {
            let e = errors_of(&body(d, m, y), &c);
            assert_eq!(e.len(), 1, "{e:?}");
            let want = format!("{date}[{part}]");
            assert_eq!(e.first().param.as_deref(), Some(want.as_str()));
            assert_eq!(e.first().message, msg);
            assert_eq!(e.first().code, None);
        }
        // 31 April: each part in range, the date does not exist.
        let e = errors_of(&body("31", "4", "1990"), &c);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e.first().param.as_deref(), Some(date));
        // The same through JSON, numbers as JSON numbers.
        let mut json = serde_json::json!({"day": 1, "month": 13, "year": 1990});
        for seg in token_validate::token_spec::split_path(date)
            .unwrap()
            .iter()
            .rev()
        {
            json = serde_json::json!({ *seg: json });
        }
        let e = token_validate::validate_json(json.to_string().as_bytes(), &c).unwrap_err();
        assert_eq!(
            e.first().param.as_deref(),
            Some(format!("{date}[month]").as_str())
        );
    }
}

/// Item 1 of issue 10 (map parameters take any key), for every map parameter of the spec:
/// `metadata[2024]=x` is what Stripe's Python and Node SDKs send for a numeric key. The
/// keys below look like array indexes (out of order, with gaps, `0`) and must be taken as
/// keys, through the form and JSON, and kept in the typed request.
#[test]
fn map_parameters_take_any_key() {
    use token_validate::token_spec::{Ty, split_path};
    let spec = token_validate::token_spec::bundled();
    let maps: Vec<&str> = spec
        .nodes()
        .iter()
        .filter(|n| matches!(n.ty, Ty::Map))
        .map(|n| n.path.as_str())
        .collect();
    assert!(!maps.is_empty(), "the spec has map parameters");
    let key_sets: &[&[&str]] = &[
        &["2024", "7", "0", "999"],
        // Index-like keys out of order and with gaps.
        &["5", "2", "9"],
        &["1", "0"],
        &["0", "order_id", "3"],
    ];
    let mut failures = Vec::new();
    for map in &maps {
        let segs = split_path(map).unwrap();
        let kind = segs[0];
        // A card needs its number and expiry beside its metadata (accepted.json).
        let base = if kind == "card" {
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&"
        } else {
            ""
        };
        // Account tokens need a test or publishable key; every kind takes pk_test.
        let c = ctx_key("pk_test_x1");
        for keys in key_sets {
            let form: String = base.to_string()
                + &keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| format!("{map}[{k}]=v{i}"))
                    .collect::<Vec<_>>()
                    .join("&");
            let mut inner = serde_json::Map::new();
            for (i, k) in keys.iter().enumerate() {
                inner.insert(k.to_string(), serde_json::Value::from(format!("v{i}")));
            }
            let mut json = serde_json::Value::Object(inner);
            for seg in segs.iter().rev() {
                json = serde_json::json!({ *seg: json });
            }
            if kind == "card" {
                json["card"]["number"] = "4242424242424242".into();
                json["card"]["exp_month"] = 12.into();
                json["card"]["exp_year"] = 2034.into();
            }
            let results = [
                ("form", token_validate::validate_form(form.as_bytes(), &c)),
                (
                    "json",
                    token_validate::validate_json(json.to_string().as_bytes(), &c),
                ),
            ];
            for (how, result) in results {
                let request = match result {
                    Ok(r) => r,
                    Err(e) => {
                        failures.push(format!("{how} {form}: {}", e.first()));
                        continue;
                    }
                };
                if request.kind() != kind {
                    failures.push(format!("{how} {form}: kind {}", request.kind()));
                    continue;
                }
                // The typed request holds every key with its value.
                let typed = typed_json(&request);
                let mut at = &typed;
                for seg in &segs {
                    at = &at[*seg];
                }
                for (i, k) in keys.iter().enumerate() {
                    if at[*k] != format!("v{i}") {
                        failures.push(format!("{how} {form}: the typed request has {at}"));
                        break;
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures over {} map parameters:\n{}",
        failures.len(),
        maps.len(),
        failures.join("\n")
    );
}

/// A typed request as its JSON (the generated types serialize as Stripe's parameters).
fn typed_json(r: &Request) -> serde_json::Value {
    match r {
        Request::Card(x) => serde_json::to_value(x),
        Request::BankAccount(x) => serde_json::to_value(x),
        Request::CvcUpdate(x) => serde_json::to_value(x),
        Request::Pii(x) => serde_json::to_value(x),
        Request::Person(x) => serde_json::to_value(x),
        Request::Account(x) => serde_json::to_value(x),
        // `Request` is non-exhaustive: a kind added to the spec lands here until listed.
        other => panic!("typed_json does not know the {} kind yet", other.kind()),
    }
    .unwrap()
}

/// The README's "What Stripe's errors look like here" states how many error definitions
/// are H, M and L: counted here from the bundled spec, so the sentence cannot go stale.
#[test]
fn confidence_counts_in_the_readme() {
    use token_validate::token_spec::model::Confidence;
    let spec = token_validate::token_spec::bundled();
    // A rule with several parameters is compiled once per parameter: count its one
    // definition (its first use).
    let rules = spec
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| spec.rules[..*i].iter().all(|o| o.id != r.id))
        .map(|(_, r)| &r.error);
    let defs = spec
        .errors
        .values()
        .chain(rules)
        .chain(spec.kinds.iter().filter_map(|k| k.key_error.as_ref()));
    // An HTTP answer off the confidence scale (`protocol`) is counted apart.
    let http = spec.http.values().map(|d| d.confidence.graded());
    let (mut h, mut m, mut l, mut p) = (0, 0, 0, 0);
    for confidence in defs.map(|d| Some(d.confidence)).chain(http) {
        match confidence {
            Some(Confidence::H) => h += 1,
            Some(Confidence::M) => m += 1,
            Some(Confidence::L) => l += 1,
            None => p += 1,
        }
    }
    let readme = include_str!("../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let want = format!(
        "`rules.json` and `accepted.json` hold {} error definitions (generic errors, rules, key rules and the HTTP layer's answers): {h} H, {m} M and {l} L, and {p} protocol-level HTTP answers off that scale",
        h + m + l + p
    );
    assert!(readme.contains(&want), "README.md should say: {want}");
}

/// Stripe's metadata limits on every metadata parameter, at their boundaries, in form and
/// JSON: 50 keys, keys of 40 characters and values of 500 pass; one more fails.
#[test]
fn metadata_limits_at_their_boundaries() {
    let ctx = Ctx::SkTest.get();
    let spec = token_validate::token_spec::bundled();
    let maps: Vec<&str> = spec
        .nodes()
        .iter()
        .filter(|n| matches!(n.ty, token_validate::token_spec::Ty::Map))
        .map(|n| n.path.as_str())
        .collect();
    assert_eq!(
        maps,
        [
            "account[individual][metadata]",
            "person[metadata]",
            "card[metadata]"
        ]
    );
    for map in maps {
        // card[metadata] is accepted beyond the OpenAPI (accepted.json): its rules are its own.
        let id = |rule: &str| {
            if map.starts_with("card") {
                format!("card_{rule}")
            } else {
                rule.to_string()
            }
        };
        for (keys, key_len, value_len, fails) in [
            (50, 2, 1, None),
            (51, 2, 1, Some("metadata_keys")),
            (1, 40, 1, None),
            (1, 41, 1, Some("metadata_key_length")),
            (1, 1, 500, None),
            (1, 1, 501, Some("metadata_value_length")),
            (0, 0, 0, None),
        ] {
            let body = metadata_body(map, keys, key_len, value_len);
            let form = token_validate::validate_form(body.as_bytes(), &ctx);
            let json = metadata_json(map, keys, key_len, value_len);
            let from_json = token_validate::validate_json(json.as_bytes(), &ctx);
            for (format, r) in [("form", &form), ("json", &from_json)] {
                let first = r.as_ref().err().map(|e| e.first().message.clone());
                match fails {
                    None => assert!(
                        r.is_ok(),
                        "{map} {keys}x{key_len}x{value_len} {format}: {first:?}"
                    ),
                    Some(rule_id) => {
                        let id = id(rule_id);
                        let rule = spec.rules.iter().find(|r| r.id == id).unwrap();
                        let prefix = rule.error.message.split('{').next().unwrap();
                        let first = first.unwrap_or_default();
                        assert!(first.starts_with(prefix), "{map} {id} {format}: {first}");
                    }
                }
            }
        }
        // Two-byte characters count once each.
        let wide = format!("{}[{}]=v", map, "é".repeat(40));
        let body = format!("{}&{wide}", metadata_body(map, 0, 0, 0));
        assert!(
            token_validate::validate_form(body.as_bytes(), &ctx).is_ok(),
            "{body}"
        );
    }
}
