//! Issue 16: what Stripe accepts beyond its OpenAPI (`token-spec/spec/accepted.json`), the
//! URL query read with the body, and the enforcement threshold, through the library.
//! The bodies are the issue's (as stripe-android 20.x, stripe-ios 23.x, ActiveMerchant and
//! Odoo send them, `tests/data/client-bodies`); the error codes are the spec's.

use token_validate::{
    CardOrId, Confidence, Context, Date, Input, Options, Request, check_form, check_form_with,
    check_request, validate_form, validate_json, validate_request,
};

fn ctx(key: &str) -> Context {
    Context::from_key(key)
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

fn pk_test() -> Context {
    ctx("pk_test_TYooMQauvdEDq54NiTphI7jx")
}

const CARD: &str =
    "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123";
const FRAUD: &str = "guid=0f6f1c2e-4b7d-4a4e-9b1a-2d3c4e5f6a7b&muid=6c1d2e3f-7a8b-4c9d-8e0f-1a2b3c4d5e6f&sid=9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b&payment_user_agent=stripe-android%2F20.19.3";

#[test]
fn client_fields_are_accepted_on_every_kind() {
    for body in [
        CARD,
        "bank_account[country]=US&bank_account[currency]=usd&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789",
        "cvc_update[cvc]=123",
        "pii[id_number]=000000000",
        "person[first_name]=Jenny",
        "account[business_type]=individual&account[tos_shown_and_accepted]=true",
    ] {
        let with = format!(
            "{body}&{FRAUD}&time_on_page=12345&referrer=https%3A%2F%2Fexample.com%2Fcheckout&key=pk_test_TYooMQauvdEDq54NiTphI7jx&pasted_fields=number"
        );
        let r =
            validate_form(with.as_bytes(), &pk_test()).unwrap_or_else(|e| panic!("{with}: {e}"));
        let typed = validate_form(body.as_bytes(), &pk_test()).unwrap();
        assert_eq!(r.kind(), typed.kind());
        // The typed request holds them.
        let form = r.to_form();
        assert!(form.contains("muid=6c1d2e3f"), "{form}");
        assert!(
            form.contains("payment_user_agent=stripe-android%2F20.19.3"),
            "{form}"
        );
        // The key sent in the body is secret: not in Debug.
        assert!(!format!("{r:?}").contains("TYooMQ"), "{r:?}");
    }
}

/// stripe-android 20.x: the client fields no longer hide the card's own error.
#[test]
fn a_bad_card_behind_client_fields_gets_the_card_error() {
    let body = format!(
        "{FRAUD}&{}",
        CARD.replace("4242424242424242", "4242424242424241")
    );
    let e = validate_form(body.as_bytes(), &pk_test()).unwrap_err();
    assert_eq!(e.status(), 402);
    assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
    assert_eq!(e.len(), 1, "{e:?}");
}

/// Their values are never quoted, even where the parameter's error would quote one.
#[test]
fn accepted_values_are_never_echoed() {
    let long = "SECRETREFERRER".repeat(3000);
    let body = format!(
        "{CARD}&referrer={long}&payment_user_agent={}",
        "UA".repeat(3000)
    );
    let e = validate_form(body.as_bytes(), &pk_test()).unwrap_err();
    let text = format!("{e:?} {}", e.to_stripe_json());
    assert!(
        !text.contains("SECRETREFERRER") && !text.contains("UAUA"),
        "{text}"
    );
    assert!(e.iter().any(|x| x.param.as_deref() == Some("referrer")));
    assert!(
        e.iter()
            .any(|x| x.param.as_deref() == Some("payment_user_agent"))
    );
    // A wallet cryptogram is secret.
    let body = format!(
        "{CARD}&card[tokenization_method]=android_pay&card[eci]=05&card[cryptogram]=SECRETCRYPTOGRAM{}",
        "A".repeat(6000)
    );
    if let Err(e) = validate_form(body.as_bytes(), &pk_test()) {
        assert!(!format!("{e:?} {}", e.to_stripe_json()).contains("SECRETCRYPTOGRAM"));
    }
    let ok = format!(
        "{CARD}&card[tokenization_method]=android_pay&card[eci]=05&card[cryptogram]=SECRETCRYPTOGRAM"
    );
    let r = validate_form(ok.as_bytes(), &pk_test()).unwrap();
    assert!(!format!("{r:?}").contains("SECRETCRYPTOGRAM"));
}

/// The older name of `pii[id_number]` is validated as it is, and held under today's name.
#[test]
fn older_names_are_aliases() {
    let r = validate_form(b"pii[personal_id_number]=000000000", &pk_test()).unwrap();
    let today = validate_form(b"pii[id_number]=000000000", &pk_test()).unwrap();
    assert_eq!(r, today);
    assert_eq!(r.to_form(), "pii[id_number]=000000000");
    // Its errors name what was sent.
    let e = validate_form(b"pii[personal_id_number]=", &pk_test()).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_invalid_empty"));
    assert_eq!(e.first().param.as_deref(), Some("pii[personal_id_number]"));
    let e = validate_form(
        format!("pii[personal_id_number]={}", "9".repeat(5001)).as_bytes(),
        &pk_test(),
    )
    .unwrap_err();
    assert_eq!(e.first().param.as_deref(), Some("pii[personal_id_number]"));
    // JSON too; today's name wins when both are sent.
    let r = validate_json(br#"{"pii":{"personal_id_number":"000000000"}}"#, &pk_test()).unwrap();
    assert_eq!(r, today);
    let both = validate_form(
        b"pii[id_number]=000000000&pii[personal_id_number]=111111111",
        &pk_test(),
    )
    .unwrap();
    assert_eq!(both, today);
    // bank_account[name] stands for account_holder_name.
    let Request::BankAccount(b) = validate_form(
        b"bank_account[country]=US&bank_account[currency]=usd&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789&bank_account[name]=Jim+Smith",
        &pk_test(),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        b.bank_account.account_holder_name.as_deref(),
        Some("Jim Smith")
    );
    // The suggestion for a misspelt name is today's, never an older one.
    let e = validate_form(b"pii[personal_number]=000000000", &pk_test()).unwrap_err();
    assert_eq!(
        e.first().message,
        "Received unknown parameter: pii[personal_number]"
    );
}

/// A JSON body of an Apple Pay payment token, made here in the shape of PassKit's.
fn apple_pay_token() -> String {
    r#"{"version":"EC_v1","data":"ZmFrZQ==","signature":"ZmFrZQ==","header":{"transactionId":"ab"}}"#
        .to_string()
}

fn form_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// stripe-ios: `pk_token` and its companions make a card token, with the billing contact in
/// `card[...]` and no card number.
#[test]
fn apple_pay_tokens_are_card_tokens() {
    let token = form_value(&apple_pay_token());
    let body = format!(
        "card[name]=Jenny+Rosen&card[address_zip]=94103&pk_token={token}&pk_token_instrument_name=Visa+0000&pk_token_payment_network=PKPaymentNetwork%28_rawValue%3A+MasterCard%29&pk_token_transaction_id=0123abcd&muid=5C3C1B26"
    );
    let Request::Card(r) = validate_form(body.as_bytes(), &pk_test()).unwrap() else {
        panic!("a card token")
    };
    let Some(CardOrId::Details(card)) = &r.card else {
        panic!("{r:?}")
    };
    assert_eq!(card.name.as_deref(), Some("Jenny Rosen"));
    assert_eq!(card.number, None);
    assert!(r.pk_token.is_some());
    // Alone, without the billing contact; and the simulator's empty token in test mode.
    assert_eq!(
        check_form(format!("pk_token={token}").as_bytes(), &pk_test())
            .unwrap()
            .as_str(),
        "card"
    );
    assert_eq!(
        check_form(
            b"pk_token=&pk_token_transaction_id=ApplePayStubs~4242424242424242~0~USD~6F1D3B2A",
            &pk_test()
        )
        .unwrap()
        .as_str(),
        "card"
    );
    // Without pk_token, the card needs its number.
    let e = validate_form(b"card[name]=Jenny", &pk_test()).unwrap_err();
    assert_eq!(e.first().param.as_deref(), Some("card[number]"));
    // A token that is no JSON object: the spec's L error, a warning under M.
    let e = validate_form(b"pk_token=not-json", &pk_test()).unwrap_err();
    assert_eq!(e.first().param.as_deref(), Some("pk_token"));
    assert_eq!(e.first().confidence(), Confidence::L);
    let a = check_request(
        Input::form(b"pk_token=not-json"),
        &pk_test(),
        &Options::new().enforce(Confidence::M),
    )
    .unwrap();
    assert_eq!(a.warnings.codes(), ["pk_token_json"]);
    // With another kind, it is a second token kind.
    let e = validate_form(
        format!("person[first_name]=Jenny&pk_token={token}").as_bytes(),
        &pk_test(),
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameters_exclusive"));
}

/// ActiveMerchant's Google Pay and Apple Pay wallet cards, and Stripe's recorded answer to a
/// Google Pay card without its cryptogram.
#[test]
fn wallet_cards() {
    let wallet = "card[number]=4242424242424242&card[exp_month]=9&card[exp_year]=2030&card[tokenization_method]=android_pay&card[eci]=05";
    let e = validate_form(wallet.as_bytes(), &pk_test()).unwrap_err();
    assert_eq!(
        e.first().message,
        "Cards using 'tokenization_method=android_pay' require the 'cryptogram' field to be set."
    );
    assert_eq!(e.status(), 400);
    let ok = format!("{wallet}&card[cryptogram]=dGVzdA%3D%3D");
    let Request::Card(r) = validate_form(ok.as_bytes(), &pk_test()).unwrap() else {
        panic!()
    };
    let Some(CardOrId::Details(card)) = r.card else {
        panic!()
    };
    assert_eq!(card.tokenization_method.as_deref(), Some("android_pay"));
    assert_eq!(card.cryptogram.as_deref(), Some("dGVzdA=="));
    // Apple Pay needs no cryptogram by the recorded evidence.
    assert!(
        validate_form(
            wallet.replace("android_pay", "apple_pay").as_bytes(),
            &pk_test()
        )
        .is_ok()
    );
}

/// ActiveMerchant and Odoo: the parameters in the URL query, the body empty.
#[test]
fn the_query_string_is_read_with_the_body() {
    let query = "card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=02&card%5Bexp_year%5D=27&card%5Bcvc%5D=111";
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    let opts = Options::new();
    let a = validate_request(Input::form(b"").with_query(query.as_bytes()), &sk, &opts).unwrap();
    assert_eq!(a.value.kind(), "card");
    // The same as the body.
    let body = validate_form(query.as_bytes(), &sk).unwrap();
    assert_eq!(a.value, body);
    // Split between the two: one set of parameters.
    let a = validate_request(
        Input::form(b"card[exp_month]=02&card[exp_year]=27")
            .with_query(b"card[number]=4242424242424242"),
        &sk,
        &opts,
    )
    .unwrap();
    assert_eq!(
        a.value,
        validate_form(
            b"card[number]=4242424242424242&card[exp_month]=02&card[exp_year]=27",
            &sk
        )
        .unwrap()
    );
    // A parameter in both: the body's value wins (Rack's GET.merge(POST)).
    let bad = query.replace("4242424242424242", "4242424242424241");
    let good_body = "card[number]=4242424242424242";
    let a = validate_request(
        Input::form(good_body.as_bytes()).with_query(bad.as_bytes()),
        &sk,
        &opts,
    );
    assert!(a.is_ok(), "{a:?}");
    let e = validate_request(
        Input::form(b"card[number]=4242424242424241").with_query(query.as_bytes()),
        &sk,
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
    // A query parameter that conflicts with the body's shape is ignored too.
    let a = validate_request(
        Input::form(CARD.as_bytes()).with_query(b"card=card_123"),
        &sk,
        &opts,
    );
    assert!(a.is_ok(), "{a:?}");
    // Lists merge.
    let Request::Card(r) = validate_request(
        Input::form(format!("{CARD}&expand[]=card").as_bytes()).with_query(b"expand[]=card.brand"),
        &sk,
        &opts,
    )
    .unwrap()
    .value
    else {
        panic!()
    };
    assert_eq!(r.expand, Some(vec!["card".into(), "card.brand".into()]));
    // Within the query, a form body's rules: a key sent twice is an error, said of the query.
    let e = validate_request(
        Input::form(b"").with_query(format!("{query}&card%5Bcvc%5D=222").as_bytes()),
        &sk,
        &opts,
    )
    .unwrap_err();
    assert!(
        e.first().message.starts_with("Invalid query string: "),
        "{}",
        e.first().message
    );
    // An unknown parameter in the query is Stripe's error like any other.
    let e = validate_request(
        Input::form(CARD.as_bytes()).with_query(b"colour=red"),
        &sk,
        &opts,
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
    // With a JSON body.
    let a = validate_request(
        Input::json(br#"{"card":{"number":"4242424242424242","exp_month":2}}"#)
            .with_query(b"card[exp_year]=2027"),
        &sk,
        &opts,
    );
    assert!(a.is_ok(), "{a:?}");
    // validate_*_as builds from both too.
    let a: token_validate::Accepted<Request> = token_validate::validate_request_as(
        Input::form(b"card[exp_month]=02&card[exp_year]=27")
            .with_query(b"card[number]=4242424242424242"),
        &sk,
        &opts,
    )
    .unwrap();
    assert_eq!(a.value.kind(), "card");
}

/// The enforcement threshold: problems whose error definition is below it are warnings,
/// beside an accepted verdict; the default is strict.
#[test]
fn problems_below_the_threshold_are_warnings() {
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    // A past month of this year: `card_expiry_not_past`, L.
    let past = "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2026";
    let e = validate_form(past.as_bytes(), &sk).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("invalid_expiry_month"));
    assert_eq!(e.first().confidence(), Confidence::L);
    let m = Options::new().enforce(Confidence::M);
    let a = validate_request(Input::form(past.as_bytes()), &sk, &m).unwrap();
    assert_eq!(a.value.kind(), "card");
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.warnings.codes(), ["invalid_expiry_month"]);
    assert_eq!(
        a.warnings.iter().next().unwrap().definition(),
        "card_expiry_not_past"
    );
    // The `_with` functions accept it too (without the warnings).
    assert!(check_form_with(past.as_bytes(), &sk, &m).is_ok());
    // An H problem still refuses; the L one is then no error at all.
    let both = format!("{past}&card[colour]=red");
    let e = validate_request(Input::form(both.as_bytes()), &sk, &m).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
    // A warning does not stop the value's next rules: a number of the wrong length for its
    // brand (L) that fails Luhn (H) is refused on Luhn.
    let spec = token_validate::token_spec::bundled();
    let (brands, strip) = spec
        .card_brands(spec.lookup("card[number]").unwrap())
        .unwrap();
    let number = (0..10u8)
        .map(|d| format!("37828224631000{d}0"))
        .find(|n| {
            !token_validate::rules::card_length_by_brand(n, strip, brands)
                && !token_validate::rules::luhn(n, strip)
        })
        .unwrap();
    let body = format!("card[number]={number}&card[exp_month]=12&card[exp_year]=2034");
    let e = validate_form(body.as_bytes(), &sk).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("invalid_number"));
    let e = validate_request(Input::form(body.as_bytes()), &sk, &m).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
    // Under H, M problems are warnings too: an email without a dot in its domain (M).
    let email = "person[email]=test@test";
    assert!(validate_form(email.as_bytes(), &sk).is_err());
    assert!(check_request(Input::form(email.as_bytes()), &sk, &m).is_err());
    let h = Options::new().enforce(Confidence::H);
    let a = check_request(Input::form(email.as_bytes()), &sk, &h).unwrap();
    assert_eq!(a.warnings.codes(), ["email_invalid"]);
    // A value the typed request cannot hold (an enum value the spec does not list, L): the
    // verdict accepts it with its warning; the typed request cannot, and says why.
    let holder = "bank_account[country]=US&bank_account[currency]=usd&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789&bank_account[account_holder_type]=person";
    let a = check_request(Input::form(holder.as_bytes()), &sk, &m).unwrap();
    assert_eq!(a.warnings.codes(), ["parameter_invalid_enum"]);
    let e = validate_request(Input::form(holder.as_bytes()), &sk, &m).unwrap_err();
    assert_eq!(
        e.first().param.as_deref(),
        Some("bank_account[account_holder_type]")
    );
    // No warning on a clean body.
    let a = check_request(Input::form(CARD.as_bytes()), &sk, &m).unwrap();
    assert!(a.warnings.is_empty());
}

/// The issue's Bacs Direct Debit test numbers pass the test-number rule in test mode.
#[test]
fn bacs_test_numbers() {
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    for n in [
        "90012345", "93333335", "92222227", "55555559", "00033333", "34343434", "12121212",
    ] {
        let body = format!(
            "bank_account[country]=GB&bank_account[currency]=gbp&bank_account[routing_number]=108800&bank_account[account_number]={n}"
        );
        assert!(validate_form(body.as_bytes(), &sk).is_ok(), "{n}");
    }
}

/// The README says how many parameters accepted.json adds: counted from the spec.
#[test]
fn the_readme_counts_the_accepted_parameters() {
    let spec = token_validate::token_spec::bundled();
    let n = spec.nodes().iter().filter(|n| n.accepted.is_some()).count();
    let readme = include_str!("../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let want = format!("and the {n} that Stripe's own clients send beyond its OpenAPI");
    assert!(readme.contains(&want), "README.md should say: {want}");
}

/// The code of the first error (its definition's name when Stripe gives none).
fn code<T: std::fmt::Debug>(r: Result<T, token_validate::Errors>) -> String {
    let e = r.unwrap_err();
    e.first()
        .code
        .clone()
        .unwrap_or_else(|| e.first().definition().to_string())
}

/// Review 1, H1: a body error below the threshold (`invalid_body` is L) does not hide the
/// enforced errors found with it. A pair's own error (a bad escape, a key sent twice)
/// leaves that pair out and the rest is still judged; an error on a key sent twice is not
/// Stripe's answer (it may read the other value), so it is dropped, never guessed.
#[test]
fn a_body_error_below_the_threshold_does_not_hide_enforced_errors() {
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    let m = Options::new().enforce(Confidence::M);
    let luhn = "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034";
    let check = |input: Input<'_>, opts: &Options| code(check_request(input, &sk, opts));
    let typed = |input: Input<'_>, opts: &Options| code(validate_request(input, &sk, opts));
    for body in [
        format!("{luhn}&x=%ZZ"),
        format!("x=%ZZ&{luhn}"),
        format!("{luhn}&card[name]=a&card[name]=b"),
        format!("card[name]=a&card[name]=b&{luhn}"),
        format!("{luhn}&card[address_line1]=a&card[address_line1][x]=b"),
    ] {
        let input = Input::form(body.as_bytes());
        assert_eq!(check(input, &m), "incorrect_number", "{body}");
        assert_eq!(typed(input, &m), "incorrect_number", "{body}");
        // Strict (the default): the body error is enforced, and it is the answer.
        assert_eq!(check(input, &Options::new()), "invalid_body", "{body}");
    }
    // The same in the URL query, with an empty body or a clean one.
    let query = format!("{luhn}&a=%ZZ");
    let input = Input::form(b"").with_query(query.as_bytes());
    assert_eq!(check(input, &m), "incorrect_number");
    let input = Input::form(b"card[name]=a").with_query(query.as_bytes());
    assert_eq!(check(input, &m), "incorrect_number");
    // A number sent twice: Stripe may read the valid one, so neither value's error is
    // the answer; the body error is (and a proxy forwards it with its warning).
    let twice = format!("{luhn}&card[number]=4242424242424242");
    assert_eq!(check(Input::form(twice.as_bytes()), &m), "invalid_body");
    let json = br#"{"card":{"number":"4242424242424241","number":"4242424242424242","exp_month":12,"exp_year":2034}}"#;
    assert_eq!(check(Input::json(json), &m), "invalid_body");
    // A clean card with a body error: the body error alone.
    let clean = format!("{CARD}&x=%ZZ");
    assert_eq!(check(Input::form(clean.as_bytes()), &m), "invalid_body");
}

/// Review 1, H1 and L9: a URL query over the size limit is refused as a body over it is,
/// unread (whatever the threshold), and the message says it is the query.
#[test]
fn a_query_over_the_limit_is_refused_like_a_body_over_it() {
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    let limit = CARD.len() - 1;
    let limits = token_validate::Limits::default().with_max_body_bytes(limit);
    for enforce in [Confidence::L, Confidence::M, Confidence::H] {
        let opts = Options::new().limits(limits.clone()).enforce(enforce);
        // A body with an H error and a query over the limit: the limit is the answer.
        let input = Input::form(b"card[number]=4242424242424241").with_query(CARD.as_bytes());
        let e = check_request(input, &sk, &opts).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e.first().definition(), "invalid_body");
        assert_eq!(
            e.first().message,
            format!(
                "Invalid query string: the query string is longer than the limit of {limit} bytes."
            )
        );
        // The same bytes as the body: the same definition and limit.
        let e = check_request(Input::form(CARD.as_bytes()), &sk, &opts).unwrap_err();
        assert_eq!(e.first().definition(), "invalid_body");
        assert!(
            e.first()
                .message
                .contains(&format!("limit of {limit} bytes"))
        );
    }
}

/// Review 1, M3: a typed request holds one token kind. Below the threshold, a body that
/// sends a second kind (`parameters_exclusive`, L) is accepted by the verdict, which
/// forwards the body as it came, but the typed paths refuse it rather than drop the second
/// kind's parameters.
#[test]
fn the_typed_paths_refuse_a_second_token_kind_below_the_threshold() {
    let sk = ctx("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    let m = Options::new().enforce(Confidence::M);
    let body = format!("{CARD}&pii[id_number]=000000000");
    let input = Input::form(body.as_bytes());
    let a = check_request(input, &sk, &m).unwrap();
    assert_eq!(a.warnings.codes(), ["parameters_exclusive"]);
    assert_eq!(
        code(validate_request(input, &sk, &m)),
        "parameters_exclusive"
    );
    let e = token_validate::validate_request_as::<Request>(input, &sk, &m).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameters_exclusive"));
    // One kind: the typed request, with its own warnings.
    let past = "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2026";
    assert!(validate_request(Input::form(past.as_bytes()), &sk, &m).is_ok());
    assert!(validate_request(Input::form(CARD.as_bytes()), &sk, &m).is_ok());
}
