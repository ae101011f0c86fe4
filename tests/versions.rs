//! Issue 17: Stripe API versions as Stripe defines them. Every version gate of the spec
//! (`token-spec/spec/versions.json`) is tested with a request of a version on each side,
//! through the library (the version in the `Context`) and through the tower layer (the
//! request's `Stripe-Version` header); optional parameters added later are accepted
//! whatever the version.
//!
//! The bodies are ours, in the shape of the sources the gates cite: the stripe-ios legal
//! entity body recorded under `Stripe-Version: 2015-10-12` (2018-11-25, answered 200) is in
//! `tests/data/client-bodies/stripe-ios.json` and runs through `tests/client_bodies.rs`.

use axum::body::Bytes;
use axum::http;
use http_body_util::{BodyExt, Full};
use token_validate::tower::PreflightLayer;
use token_validate::{
    Accepted, Confidence, Context, Date, Errors, Input, Kind, Options, Request, check_request,
    token_spec, validate_request,
};
use tower::{Layer, Service};

/// A test secret key's context on a fixed day, of the API version `version` (none: the
/// newest).
fn ctx(version: Option<&str>) -> Context {
    let c = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 12, 1).unwrap());
    match version {
        Some(v) => c.with_api_version(v),
        None => c,
    }
}

fn check(body: &str, version: Option<&str>) -> Result<Accepted<Kind>, Errors> {
    check_request(Input::form(body.as_bytes()), &ctx(version), &Options::new())
}

fn first_code(e: &Errors) -> (String, Option<String>, u16) {
    let f = e.first();
    (
        f.code.clone().unwrap_or_default(),
        f.param.clone(),
        e.status(),
    )
}

/// The gate of that version.
fn gate(version: &str) -> &'static token_spec::Gate {
    token_spec::bundled()
        .gates
        .iter()
        .find(|g| g.version == version)
        .unwrap_or_else(|| panic!("no gate {version}"))
}

const CARD: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
const LEGAL_ENTITY: &str =
    "account[legal_entity][first_name]=Legal&account[legal_entity][last_name]=Eagle";

#[test]
fn the_gates_are_the_ones_the_research_found() {
    let versions: Vec<(&str, &str)> = token_spec::bundled()
        .gates
        .iter()
        .map(|g| (g.version.as_str(), g.confidence.as_str()))
        .collect();
    assert_eq!(
        versions,
        [
            ("2011-06-21", "H"),
            ("2015-10-12", "H"),
            ("2019-02-19", "H"),
            ("2019-10-08", "L")
        ]
    );
    for g in &token_spec::bundled().gates {
        assert!(g.source.contains("changelog"), "{}: {}", g.id, g.source);
    }
}

/// 2011-06-21: unknown parameters refused; before, ignored (anywhere in the body).
#[test]
fn gate_2011_06_21_unknown_parameters() {
    gate("2011-06-21");
    let body = format!("{CARD}&colour=red&card[zip]=94107");
    let ok = check(&body, Some("2011-01-01")).unwrap();
    assert_eq!(ok.value, Kind::Card);
    assert!(ok.warnings.is_empty());
    let e = check(&body, Some("2011-06-21")).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
    // Known parameters are still checked before the gate.
    let e = check(
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034&colour=red",
        Some("2011-01-01"),
    )
    .unwrap_err();
    assert_eq!(first_code(&e).0, "incorrect_number");
}

/// 2015-10-12: unknown keys inside card and bank_account ignored before it, and a missing
/// required card parameter a 402; on and after it, 400s.
#[test]
fn gate_2015_10_12_card_and_bank_account() {
    gate("2015-10-12");
    let before = Some("2015-04-07");
    // card[zip] is not a parameter: let through before the gate, refused from it.
    let body = format!("{CARD}&card[zip]=94107");
    assert_eq!(check(&body, before).unwrap().value, Kind::Card);
    let e = check(&body, Some("2015-10-12")).unwrap_err();
    assert_eq!(
        first_code(&e),
        ("parameter_unknown".into(), Some("card[zip]".into()), 400)
    );
    // Only under card and bank_account: a top-level unknown parameter is refused since
    // 2011-06-21.
    let e = check(&format!("{CARD}&amount=100"), before).unwrap_err();
    assert_eq!(
        first_code(&e),
        ("parameter_unknown".into(), Some("amount".into()), 400)
    );
    // bank_account too.
    let bank = "bank_account[country]=US&bank_account[currency]=usd&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789";
    assert!(check(&format!("{bank}&bank_account[colour]=x"), before).is_ok());
    assert!(check(&format!("{bank}&bank_account[colour]=x"), None).is_err());
    // A missing card number: 402 before, 400 parameter_missing from the gate.
    let no_number = "card[exp_month]=12&card[exp_year]=2034";
    let e = check(no_number, before).unwrap_err();
    assert_eq!(e.status(), 402);
    assert_eq!(e.first().error_type, "card_error");
    assert_eq!(e.first().param.as_deref(), Some("number"));
    let e = check(no_number, Some("2015-10-12")).unwrap_err();
    assert_eq!(
        first_code(&e),
        ("parameter_missing".into(), Some("card[number]".into()), 400)
    );
    // The 402's body is our wording (L): under the threshold M it is a warning.
    let opts = Options::new().enforce(Confidence::M);
    let warned = check_request(Input::form(no_number.as_bytes()), &ctx(before), &opts).unwrap();
    assert_eq!(
        warned.warnings.codes(),
        ["parameter_missing"],
        "{:?}",
        warned.warnings
    );
}

/// 2019-02-19: `account[legal_entity]` is an account token before it, refused from it.
#[test]
fn gate_2019_02_19_legal_entity() {
    gate("2019-02-19");
    // The stripe-ios body of 2018, recorded under 2015-10-12 (answered 200).
    let ok = check(LEGAL_ENTITY, Some("2015-10-12")).unwrap();
    assert_eq!(ok.value, Kind::Account);
    assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);
    assert!(check(LEGAL_ENTITY, Some("2018-11-08")).is_ok());
    for today in [Some("2019-02-19"), Some("2026-11-18.endive"), None] {
        let e = check(LEGAL_ENTITY, today).unwrap_err();
        assert_eq!(
            first_code(&e),
            (
                "parameter_unknown".into(),
                Some("account[legal_entity]".into()),
                400
            ),
            "{today:?}"
        );
    }
    // The typed request holds it.
    let r = validate_request(
        Input::form(LEGAL_ENTITY.as_bytes()),
        &ctx(Some("2015-10-12")),
        &Options::new(),
    )
    .unwrap()
    .value;
    let Request::Account(a) = r else {
        panic!("{r:?}")
    };
    let le = a.account.legal_entity.expect("legal_entity");
    assert_eq!(
        (le.first_name.as_deref(), le.last_name.as_deref()),
        (Some("Legal"), Some("Eagle"))
    );
}

/// The old shape is checked with its old limits and types; secrets are not quoted.
#[test]
fn legal_entity_is_checked_with_its_old_shape() {
    let old = Some("2015-10-12");
    let long = "x".repeat(101);
    let e = check(&format!("account[legal_entity][first_name]={long}"), old).unwrap_err();
    assert_eq!(
        e.first().param.as_deref(),
        Some("account[legal_entity][first_name]")
    );
    assert!(
        e.first()
            .message
            .ends_with("must be at most 100 characters"),
        "{}",
        e.first().message
    );
    // Within the old limit: accepted.
    assert!(
        check(
            &format!("account[legal_entity][first_name]={}", &long[1..]),
            old
        )
        .is_ok()
    );
    let e = check(
        "account[legal_entity][dob][day]=x&account[legal_entity][dob][month]=1&account[legal_entity][dob][year]=1980",
        old,
    )
    .unwrap_err();
    assert_eq!(first_code(&e).0, "parameter_invalid_integer");
    let e = check("account[legal_entity][dob][day]=1", old).unwrap_err();
    assert_eq!(
        first_code(&e),
        (
            "parameter_missing".into(),
            Some("account[legal_entity][dob][month]".into()),
            400
        )
    );
    let e = check("account[legal_entity][colour]=1", old).unwrap_err();
    assert_eq!(first_code(&e).0, "parameter_unknown");
    // A secret of the old shape is never quoted.
    let secret = format!("123456789{}", "9".repeat(5000));
    let e = check(
        &format!("account[legal_entity][personal_id_number]={secret}"),
        old,
    )
    .unwrap_err();
    let text = e.to_stripe_json().to_string();
    assert!(!text.contains("123456789"), "{text}");
    // additional_owners: a list of owner objects, accepted without checking its elements.
    for body in [
        "account[legal_entity][additional_owners][0][first_name]=Ann&account[legal_entity][additional_owners][0][dob][day]=1",
        "account[legal_entity][additional_owners]=",
    ] {
        assert_eq!(
            check(body, Some("2018-11-08")).unwrap().value,
            Kind::Account
        );
        assert!(check(body, None).is_err());
    }
    let json = br#"{"account": {"legal_entity": {"type": "company", "additional_owners": [{"first_name": "Ann"}, {"last_name": "B"}]}}}"#;
    let a = check_request(Input::json(json), &ctx(Some("2018-11-08")), &Options::new()).unwrap();
    assert_eq!(a.value, Kind::Account);
}

/// Today's account parameters under a version before 2019-02-19: whether Stripe took them
/// is not known, so a warning, never a refusal (even strict).
#[test]
fn todays_account_parameters_before_2019_02_19_warn() {
    let body = "account[business_type]=company&account[company][name]=Acme";
    let a = check(body, Some("2015-10-12")).unwrap();
    assert_eq!(a.value, Kind::Account);
    // One warning per parameter (business_type and company), one code.
    assert_eq!(a.warnings.codes(), ["gate:legal_entity_replaced"]);
    let params: Vec<&str> = a
        .warnings
        .iter()
        .filter_map(|w| w.param.as_deref())
        .collect();
    assert_eq!(params, ["account[business_type]", "account[company]"]);
    let w = a.warnings.iter().next().unwrap();
    assert!(w.message.contains("2019-02-19"), "{}", w.message);
    // From the gate: nothing to say.
    assert!(check(body, Some("2019-02-19")).unwrap().warnings.is_empty());
    assert!(check(body, None).unwrap().warnings.is_empty());
}

/// 2019-10-08 (L for tokens): person[relationship][account_opener] before it,
/// person[relationship][representative] from it.
#[test]
fn gate_2019_10_08_account_opener() {
    gate("2019-10-08");
    let opener = "person[first_name]=Jane&person[relationship][account_opener]=true";
    let a = check(opener, Some("2019-05-16")).unwrap();
    assert_eq!(a.value, Kind::Person);
    let e = check(opener, Some("2019-10-08")).unwrap_err();
    assert_eq!(
        first_code(&e),
        (
            "parameter_unknown".into(),
            Some("person[relationship][account_opener]".into()),
            400
        )
    );
    let rep = "person[first_name]=Jane&person[relationship][representative]=true";
    assert_eq!(
        check(rep, Some("2019-05-16")).unwrap().warnings.codes(),
        ["gate:account_opener_renamed"]
    );
    assert!(check(rep, Some("2019-10-08")).unwrap().warnings.is_empty());
}

/// Optional parameters added later reach every version (Stripe's policy): a 2023
/// parameter under 2015-10-12, the 2026 endive one under 2020-08-27.
#[test]
fn optional_parameters_added_later_are_accepted_whatever_the_version() {
    let spec = token_spec::bundled();
    let since = |p: &str| spec.node(spec.lookup(p).unwrap()).since.clone();
    assert_eq!(
        since("card[networks][preferred]").as_deref(),
        Some("2023-10-16")
    );
    assert_eq!(
        since("account[company][physical_address][line1]").as_deref(),
        Some("2026-10-28.endive")
    );
    let networks = format!("{CARD}&card[networks][preferred]=visa");
    for v in [Some("2015-10-12"), Some("2020-08-27"), None] {
        let a = check(&networks, v).unwrap();
        assert!(a.warnings.is_empty(), "{v:?}");
    }
    let physical =
        "account[business_type]=company&account[company][physical_address][line1]=1+Main+St";
    for v in [Some("2020-08-27"), Some("2026-07-29.dahlia"), None] {
        let a = check(physical, v).unwrap();
        assert!(a.warnings.is_empty(), "{v:?}");
    }
}

/// Through the tower layer, the request's `Stripe-Version` header picks the gates.
#[tokio::test]
async fn the_layer_reads_the_version_from_the_header() {
    async fn status(body: &str, version: Option<&str>) -> (u16, String) {
        let layer = PreflightLayer::builder().build();
        let mut svc = layer.layer(tower::service_fn(|_req| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from("ok"))))
        }));
        let mut b = http::Request::post("/v1/tokens")
            .header("authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(v) = version {
            b = b.header("stripe-version", v);
        }
        let res = svc
            .call(b.body(Full::new(Bytes::from(body.to_string()))).unwrap())
            .await
            .unwrap();
        let s = res.status().as_u16();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (s, String::from_utf8_lossy(&body).into_owned())
    }
    assert_eq!(status(LEGAL_ENTITY, Some("2015-10-12")).await.0, 200);
    let (s, body) = status(LEGAL_ENTITY, None).await;
    assert_eq!(s, 400);
    assert!(body.contains("account[legal_entity]"), "{body}");
    assert_eq!(
        status("card[exp_month]=12&card[exp_year]=2034", Some("2014-12-22"))
            .await
            .0,
        402
    );
}

/// The README says the spec's version, how many of today's parameters it has, and how many
/// Stripe added since 2023-08-16: counted from the spec.
#[test]
fn the_readme_says_what_the_spec_counts() {
    let spec = token_spec::bundled();
    let accepted = spec.nodes().iter().filter(|n| n.accepted.is_some()).count();
    let leaves = spec.leaf_count(token_spec::NodeId::ROOT) - accepted;
    let readme = include_str!("../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let want = format!(
        "({leaves} leaf parameters at Stripe API version `{}`,",
        spec.api_version
    );
    assert!(readme.contains(&want), "README.md should say: {want}");
    let since: usize = token_spec::history::changelog(spec)
        .after("2023-08-16")
        .versions
        .iter()
        .flat_map(|v| &v.added)
        .map(|a| a.parameters.unwrap_or(1))
        .sum();
    let want = format!("Stripe added {since} token parameters and no breaking change");
    assert!(readme.contains(&want), "README.md should say: {want}");
}
