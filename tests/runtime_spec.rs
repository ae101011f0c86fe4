//! Issue 17, item 3: a running program learns parameters newer than its spec from a newer
//! Stripe OpenAPI document (`Options::runtime_spec`, `serve --openapi`, `check --openapi`)
//! and checks them as the document states: type, `maxLength`, enum values, an object's
//! parameters, a list's items.
//!
//! The document here is our own, an extract in the shape of Stripe's (the `request` schema
//! of `POST /v1/tokens`) declaring an invented future version, with invented parameters of
//! every kind beside two the bundled spec has (`card[number]`, whose bundled checks stay).

use std::sync::Arc;

use axum::body::Bytes;
use axum::http;
use http_body_util::Full;
use token_validate::runtime_spec::RuntimeSpec;
use token_validate::tower::{PreflightLayer, RUNTIME_PARAMS_HEADER};
use token_validate::{Context, Date, Errors, Input, Options, check_request, validate_request};
use tower::{Layer, Service};

/// A runtime spec document of an invented future version.
const DOC: &str = r#"{
  "source": {"repo": "token-preflight tests", "path": "an extract of our own", "commit": "-", "api_version": "2099-01-01.zeta"},
  "request": {"type": "object", "properties": {
    "card": {"anyOf": [
      {"type": "object", "properties": {
        "number": {"type": "string", "maxLength": 5000},
        "nickname": {"type": "string", "maxLength": 10},
        "wallet_tier": {"type": "string", "maxLength": 5000, "enum": ["gold", "silver"]}
      }},
      {"type": "string", "maxLength": 5000}
    ]},
    "account": {"type": "object", "properties": {
      "company": {"type": "object", "properties": {
        "employee_count": {"type": "integer"},
        "offices": {"type": "array", "items": {"type": "string", "maxLength": 20}},
        "tags": {"type": "object", "additionalProperties": {"type": "string"}},
        "headquarters": {"type": "object", "properties": {
          "city": {"type": "string", "maxLength": 100},
          "open": {"type": "boolean"}
        }}
      }}
    }},
    "loyalty_id": {"type": "string", "maxLength": 12}
  }}
}"#;

fn learned() -> Arc<RuntimeSpec> {
    Arc::new(RuntimeSpec::from_openapi(DOC.as_bytes()).expect("the document reads"))
}

fn ctx() -> Context {
    Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 12, 1).unwrap())
}

fn opts() -> Options {
    Options::new().runtime_spec(learned())
}

const CARD: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
const COMPANY: &str = "account[business_type]=company&account[company][name]=Acme";

fn first(e: &Errors) -> (Option<String>, Option<String>, String) {
    let f = e.first();
    (f.code.clone(), f.param.clone(), f.message.clone())
}

#[test]
fn only_what_the_bundled_spec_lacks_is_learned() {
    let rt = learned();
    assert_eq!(rt.api_version(), "2099-01-01.zeta");
    let mut paths = rt.paths();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "account[company][employee_count]",
            "account[company][headquarters]",
            "account[company][offices]",
            "account[company][tags]",
            "card[nickname]",
            "card[wallet_tier]",
            "loyalty_id",
        ]
    );
    // headquarters and its two parameters count too.
    assert_eq!(rt.len(), 9);
}

#[test]
fn learned_parameters_are_accepted_and_named() {
    let body = format!("{CARD}&card[nickname]=travel&card[wallet_tier]=gold&loyalty_id=L-1234");
    let a = check_request(Input::form(body.as_bytes()), &ctx(), &opts()).unwrap();
    assert_eq!(a.value.as_str(), "card");
    assert_eq!(
        a.runtime_params,
        ["card[nickname]", "card[wallet_tier]", "loyalty_id"]
    );
    // The typed request holds what the bundled spec knows.
    let r = validate_request(Input::form(body.as_bytes()), &ctx(), &opts()).unwrap();
    assert!(!r.value.to_form().contains("nickname"));
    let body = format!(
        "{COMPANY}&account[company][employee_count]=12&account[company][offices][0]=Paris&account[company][offices][1]=Lyon&account[company][tags][sector]=retail&account[company][headquarters][city]=Paris&account[company][headquarters][open]=true"
    );
    let a = check_request(Input::form(body.as_bytes()), &ctx(), &opts()).unwrap();
    assert_eq!(a.value.as_str(), "account");
    assert_eq!(a.runtime_params.len(), 4, "{:?}", a.runtime_params);
    // The same in JSON.
    let json = br#"{"account": {"business_type": "company", "company": {"name": "Acme", "employee_count": 12,
        "offices": ["Paris", "Lyon"], "tags": {"sector": "retail"}, "headquarters": {"city": "Paris", "open": true}}}}"#;
    let a = check_request(Input::json(json), &ctx(), &opts()).unwrap();
    assert_eq!(a.runtime_params.len(), 4, "{:?}", a.runtime_params);
    // Without the runtime spec they are unknown.
    let e = check_request(Input::json(json), &ctx(), &Options::new()).unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("parameter_unknown"));
}

#[test]
fn learned_parameters_are_checked_as_the_document_states() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        // (body after the kind's own, param, code, message fragment): the spec's generic
        // errors (rules.json `errors`).
        (
            "card[nickname]=a+long+nickname",
            "card[nickname]",
            None,
            "must be at most 10 characters",
        ),
        (
            "card[wallet_tier]=bronze",
            "card[wallet_tier]",
            None,
            "must be one of gold or silver",
        ),
        (
            "account[company][employee_count]=many",
            "account[company][employee_count]",
            Some("parameter_invalid_integer"),
            "",
        ),
        (
            "account[company][offices][0]=a+very+long+office+name+indeed",
            "account[company][offices][0]",
            None,
            "must be at most 20 characters",
        ),
        (
            "account[company][offices]=Paris",
            "account[company][offices]",
            None,
            "",
        ),
        (
            "account[company][headquarters][open]=maybe",
            "account[company][headquarters][open]",
            None,
            "Invalid boolean",
        ),
        (
            "account[company][headquarters][zip]=1",
            "account[company][headquarters][zip]",
            Some("parameter_unknown"),
            "Received unknown parameter",
        ),
        (
            "account[company][headquarters]=Paris",
            "account[company][headquarters]",
            None,
            "",
        ),
        (
            "loyalty_id=LOYALTY-ID-TOO-LONG",
            "loyalty_id",
            None,
            "12 characters",
        ),
    ];
    for (extra, param, code, fragment) in cases {
        let base = if extra.starts_with("card") || extra.starts_with("loyalty") {
            CARD
        } else {
            COMPANY
        };
        let body = format!("{base}&{extra}");
        let e = check_request(Input::form(body.as_bytes()), &ctx(), &opts()).expect_err(&body);
        let (c, p, message) = first(&e);
        assert_eq!(p.as_deref(), Some(*param), "{body}: {message}");
        if let Some(code) = code {
            assert_eq!(c.as_deref(), Some(*code), "{body}: {message}");
        }
        assert!(message.contains(fragment), "{body}: {message}");
        // The value sent is never quoted: whether it is secret is not known.
        let value = extra.rsplit('=').next().unwrap().replace('+', " ");
        assert!(!message.contains(&value), "{body}: {message}");
    }
    // JSON: the wrong shapes.
    for (json, param) in [
        (
            r#"{"account": {"business_type": "company", "company": {"offices": {"a": "b"}}}}"#,
            "account[company][offices]",
        ),
        (
            r#"{"account": {"business_type": "company", "company": {"headquarters": ["Paris"]}}}"#,
            "account[company][headquarters]",
        ),
        (
            r#"{"account": {"business_type": "company", "company": {"employee_count": {"n": 1}}}}"#,
            "account[company][employee_count]",
        ),
        (
            r#"{"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "nickname": "far too long a name"}}"#,
            "card[nickname]",
        ),
    ] {
        let e = check_request(Input::json(json.as_bytes()), &ctx(), &opts()).expect_err(json);
        assert_eq!(e.first().param.as_deref(), Some(param), "{json}: {e:?}");
    }
}

#[test]
fn what_the_bundled_spec_knows_keeps_its_checks() {
    // card[number] is in the document too: the bundled rules (Luhn) still judge it.
    let e = check_request(
        Input::form(b"card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034"),
        &ctx(),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.first().code.as_deref(), Some("incorrect_number"));
}

#[test]
fn an_older_document_is_refused() {
    let older = DOC.replace("2099-01-01.zeta", "2020-08-27");
    let e = RuntimeSpec::from_openapi(older.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("older than the spec"), "{e}");
    assert!(RuntimeSpec::from_openapi(b"{}").is_err());
    assert!(RuntimeSpec::from_openapi(b"not json").is_err());
}

/// The tower layer: the learned parameters are named in the answer's header, and a request
/// of a version up to the document's is no longer "newer" (unknown parameters refused
/// whatever the unknown-version policy).
#[tokio::test]
async fn the_layer_names_them_in_a_header() {
    let layer = PreflightLayer::builder()
        .runtime_spec(learned())
        .unknown_version(token_validate::tower::UnknownVersion::Lenient)
        .today(Date::new(2026, 12, 1).unwrap())
        .stripe_headers(true)
        .build();
    let mut svc = layer.layer(tower::service_fn(|_req| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from("ok"))))
    }));
    let send = |body: String, version: &'static str| {
        http::Request::post("/v1/tokens")
            .header("authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("stripe-version", version)
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    };
    let res = svc
        .call(send(format!("{CARD}&card[nickname]=travel"), "2030-01-01"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let header = |res: &http::Response<_>, name: &http::HeaderName| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(
        header(&res, &RUNTIME_PARAMS_HEADER).as_deref(),
        Some("card[nickname]")
    );
    assert_eq!(
        header(&res, &token_validate::tower::VERSION_POLICY_HEADER).as_deref(),
        Some("runtime")
    );
    // An unknown parameter at a version the document covers: refused, lenient or not.
    let res = svc
        .call(send(format!("{CARD}&card[zip]=1"), "2030-01-01"))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // Beyond the document's version, lenient applies.
    let res = svc
        .call(send(format!("{CARD}&card[zip]=1"), "2100-01-01"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, &token_validate::tower::VERSION_POLICY_HEADER).as_deref(),
        Some("lenient")
    );
}
