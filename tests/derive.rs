//! Runtime behaviour of user structs deriving `TokenRequest`: validation with Stripe's
//! errors, Stripe's form encoding, and the generated types' redacting `Debug`.

use token_validate::{Context, Date, TokenRequest};

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

fn ctx(key: &str) -> Context {
    Context::from_key(key)
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

fn test_key() -> Context {
    ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
}

fn card() -> CheckoutCard {
    CheckoutCard {
        number: "4242424242424242".into(),
        exp_month: 12,
        exp_year: 2034,
        cvc: Some("123".into()),
        postal_code: Some("94107".into()),
        cart_id: 7,
    }
}

fn person() -> Onboarding {
    Onboarding {
        first_name: "Jenny".into(),
        day: 29,
        month: 2,
        year: 2000,
        street: Some("1 Main St".into()),
    }
}

#[test]
fn kinds() {
    assert_eq!(CheckoutCard::KIND, "card");
    assert_eq!(Onboarding::KIND, "person");
}

#[test]
fn card_validates_and_encodes() {
    let c = card();
    c.validate(&test_key()).unwrap();
    // The skipped `cart_id` is not sent.
    assert_eq!(c.cart_id, 7);
    assert_eq!(
        c.to_form(),
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[address_zip]=94107"
    );
    let bare = CheckoutCard {
        cvc: None,
        postal_code: None,
        ..card()
    };
    bare.validate(&test_key()).unwrap();
    assert_eq!(
        bare.to_form(),
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034"
    );
}

/// Values are encoded as `form_urlencoded` does (application/x-www-form-urlencoded): space
/// as `+`, `*-._` and alphanumerics as they are, every other byte as `%XX`.
#[test]
fn form_values_are_percent_encoded() {
    let c = CheckoutCard {
        postal_code: Some("SW1A 1AA&x=\u{fc}/+*-._~".into()),
        ..card()
    };
    assert_eq!(
        c.to_form(),
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[address_zip]=SW1A+1AA%26x%3D%C3%BC%2F%2B*-._%7E"
    );
}

#[test]
fn luhn_failure_is_a_card_error() {
    let c = CheckoutCard {
        number: "4242424242424241".into(),
        ..card()
    };
    let errors = c.validate(&test_key()).unwrap_err();
    let e = errors.first();
    assert_eq!(e.code.as_deref(), Some("incorrect_number"));
    assert_eq!(e.param.as_deref(), Some("number"));
    assert_eq!(e.status(), 402);
    assert_eq!(errors.status(), 402);
}

#[test]
fn person_validates_and_encodes() {
    let p = person();
    p.validate(&test_key()).unwrap();
    assert_eq!(
        p.to_form(),
        "person[first_name]=Jenny&person[dob][day]=29&person[dob][month]=2&person[dob][year]=2000&person[address][line1]=1+Main+St"
    );
    let no_street = Onboarding {
        street: None,
        ..person()
    };
    assert_eq!(
        no_street.to_form(),
        "person[first_name]=Jenny&person[dob][day]=29&person[dob][month]=2&person[dob][year]=2000"
    );
}

#[test]
fn impossible_dob_is_reported_on_dob() {
    let p = Onboarding {
        day: 30,
        month: 2,
        ..person()
    };
    let errors = p.validate(&test_key()).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.param.as_deref() == Some("person[dob]")),
        "{errors:?}"
    );
}

#[test]
fn person_tokens_need_a_test_secret_key() {
    let errors = person()
        .validate(&ctx("sk_live_4eC39HqLyjWDarjtT1zdp7dc"))
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors.first();
    assert_eq!(e.error_type, "invalid_request_error");
    assert_eq!(
        e.message,
        "You can only create person tokens with your application's publishable key in live mode. You can use your application's secret key to create person tokens only in test mode."
    );
    assert_eq!(e.status(), 400);
    // The same struct with a test secret key passes.
    person().validate(&test_key()).unwrap();
}

#[test]
fn generated_debug_redacts_the_card_number() {
    let body =
        b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123";
    let token_validate::Request::Card(req) =
        token_validate::validate_form(body, &test_key()).unwrap()
    else {
        panic!("not a card request");
    };
    let Some(token_validate::CardOrId::Details(card)) = &req.card else {
        panic!("no card details: {req:?}");
    };
    let debug = format!("{card:?}");
    assert!(!debug.contains("4242424242424242"), "{debug}");
    assert!(!debug.contains("424242"), "{debug}");
    assert!(debug.contains("exp_month"), "{debug}");
    let debug = format!("{req:?}");
    assert!(!debug.contains("4242424242424242"), "{debug}");
}
