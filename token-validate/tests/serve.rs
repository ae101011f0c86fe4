//! `token-validate serve` end to end, in process: real HTTP on loopback, a fake upstream
//! started here (plain and TLS with a certificate made here), raw TCP for slow and
//! misbehaving clients. No timing assertions: timeouts only guard against hangs.

#![cfg(feature = "serve")]

mod common;

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use common::*;
use http::StatusCode;
use serde_json::Value;
use token_validate::serve::{Config, Mode};
use token_validate::tower::UnknownVersion;
use tokio::io::AsyncWriteExt;

/// A valid card body, its expiry derived from today's date ([`exp_year`]).
static CARD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={}&card[cvc]=123",
        exp_year()
    )
});
/// A card body that fails the Luhn check (and only that).
static BAD_CARD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]={}",
        exp_year()
    )
});

fn proxy_config(upstream: &Upstream, ca: Option<&std::path::Path>) -> Config {
    let mut c = Config::proxy("127.0.0.1:0".parse().unwrap(), &upstream.base());
    if let Mode::Proxy(p) = &mut c.mode {
        p.upstream_ca = ca.map(|p| p.to_path_buf());
        p.read_timeout = Duration::from_millis(500);
        p.connect_timeout = Duration::from_secs(2);
    }
    c
}

fn write_ca(pem: &str) -> (tempdir::Dir, std::path::PathBuf) {
    let dir = tempdir::Dir::new();
    let path = dir.path().join("upstream-ca.pem");
    std::fs::write(&path, pem).unwrap();
    (dir, path)
}

/// A temporary directory, removed on drop (no extra dependency).
mod tempdir {
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let p = std::env::temp_dir()
                .join(format!("token-validate-serve-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

// ---------------------------------------------------------------- proxy mode

#[tokio::test]
async fn valid_bodies_reach_a_tls_upstream_byte_for_byte_with_their_headers() {
    let (up, pem) = Upstream::start_tls(Behaviour::Echo).await;
    let (_dir, ca) = write_ca(&pem);
    let serve = Running::start(proxy_config(&up, Some(&ca))).await;
    let client = client();
    let bodies: [(&str, &str, &str); 3] = [
        (FORM, &CARD, "card"),
        (
            "application/json",
            r#"{"pii": {"id_number": "000000000"}}"#,
            "pii",
        ),
        (
            FORM,
            "bank_account[country]=US&bank_account[currency]=usd&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789",
            "bank_account",
        ),
    ];
    for (i, (ct, body, _kind)) in bodies.iter().enumerate() {
        let a = send(
            &client,
            "POST",
            &serve.url("/v1/tokens?expand[]=card"),
            &[
                ("authorization", &format!("Bearer {SK_TEST}")),
                ("content-type", ct),
                ("stripe-version", bundled_version()),
                ("stripe-account", "acct_1032D82eZvKYlo2C"),
                ("idempotency-key", "key-123"),
                ("user-agent", "Stripe/v1 PythonBindings/16.1.0"),
                ("x-stripe-client-user-agent", "{\"lang\":\"python\"}"),
            ],
            body.to_string(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        // The upstream's answer, unchanged, plus the policy headers.
        assert_eq!(a.header("x-upstream"), Some("yes"));
        assert_eq!(
            a.header("request-id"),
            Some(format!("req_upstream{i}").as_str())
        );
        assert_eq!(a.json()["echo"], true);
        assert_eq!(a.header("token-preflight-version-policy"), Some("bundled"));
        let seen = up.last();
        assert_eq!(seen.method, "POST");
        assert_eq!(seen.path_and_query, "/v1/tokens?expand[]=card");
        assert_eq!(&seen.body[..], body.as_bytes(), "body changed");
        for (k, v) in [
            ("authorization", format!("Bearer {SK_TEST}")),
            ("content-type", ct.to_string()),
            ("stripe-version", bundled_version().into()),
            ("stripe-account", "acct_1032D82eZvKYlo2C".into()),
            ("idempotency-key", "key-123".into()),
            ("user-agent", "Stripe/v1 PythonBindings/16.1.0".into()),
            ("x-stripe-client-user-agent", "{\"lang\":\"python\"}".into()),
            ("content-length", body.len().to_string()),
        ] {
            assert_eq!(seen.headers.get(k).unwrap().to_str().unwrap(), v, "{k}");
        }
        assert_eq!(
            seen.headers.get("host").unwrap(),
            &format!("localhost:{}", up.addr.port()),
            "Host is the upstream's"
        );
    }
    assert_eq!(up.count(), bodies.len());
    serve.stop().await;
}

#[tokio::test]
async fn an_untrusted_tls_upstream_is_a_502() {
    let (up, _pem) = Upstream::start_tls(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = post_form(&client(), &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.text());
    assert_eq!(a.json()["error"]["type"], "api_error");
    assert_eq!(
        up.count(),
        0,
        "no request is sent over an unverified TLS connection"
    );
    serve.stop().await;
}

#[tokio::test]
async fn invalid_bodies_never_reach_the_upstream() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    // (A live secret key making a person token is refused under `--enforce L` only: its
    // rule is L, see `problems_below_the_threshold_reach_the_upstream_with_a_warning`.)
    let cases: [(&str, &str, u16, &str); 5] = [
        (SK_TEST, &BAD_CARD, 402, "incorrect_number"),
        (
            SK_TEST,
            "card[number]=4242424242424242",
            400,
            "parameter_missing",
        ),
        (SK_TEST, "card[colour]=red", 400, "parameter_unknown"),
        (SK_TEST, "", 400, "parameter_missing"),
        // serve's 401 says what is wrong with the key as the library does: character 12,
        // the `-`, is not a letter or digit (KeyError's text; the key is never quoted).
        (
            "sk_test_BAD-KEY!",
            &CARD,
            401,
            "Invalid API Key provided: character 12 of the key is not an ASCII letter or digit",
        ),
    ];
    for (key, body, status, needle) in cases {
        let a = post_form(&client, &serve, key, &[("idempotency-key", "k1")], body).await;
        assert_eq!(a.status.as_u16(), status, "{body}: {}", a.text());
        assert!(a.text().contains(needle), "{body}: {}", a.text());
        assert!(!a.text().contains("4242424242424241") && !a.text().contains("BAD-KEY"));
        // Stripe's headers on our own answers.
        assert!(a.header("request-id").unwrap().starts_with("req_"));
        assert_eq!(a.header("stripe-should-retry"), Some("false"));
        assert_eq!(a.header("idempotency-key"), Some("k1"));
        assert_eq!(a.header("cache-control"), Some("no-cache, no-store"));
        assert_eq!(a.header("content-type"), Some("application/json"));
        assert_eq!(a.header("stripe-version"), Some(bundled_version()));
    }
    assert_eq!(up.count(), 0, "an invalid request reached the upstream");
    serve.stop().await;
}

/// Issue 16: the proxy's enforcement threshold is M by default. A problem the spec only
/// infers (L) goes on to Stripe, with its code in `Token-Preflight-Warnings`; what the spec
/// is sure of is refused; `enforce: L` (`--enforce L`) refuses both.
#[tokio::test]
async fn problems_below_the_threshold_reach_the_upstream_with_a_warning() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    // A live secret key making a person token: the documented rule, worded by us (L).
    let person = "person[first_name]=Jenny";
    let a = post_form(&client, &serve, SK_LIVE, &[], person).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.header("x-upstream"), Some("yes"));
    assert_eq!(a.header("token-preflight-warnings"), Some("key:person"));
    assert_eq!(&up.last().body[..], person.as_bytes());
    // A past month of this year (L) and an unknown parameter (H): refused on the H one.
    let both =
        "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2026&card[colour]=red";
    let a = post_form(&client, &serve, SK_TEST, &[], both).await;
    assert_eq!(a.status.as_u16(), 400, "{}", a.text());
    assert!(a.text().contains("parameter_unknown"));
    // A body that cannot be read at all (invalid_body, L): Stripe answers it.
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[],
        &format!("{}&card[name]=a&card[name]=b", *CARD),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.header("token-preflight-warnings"), Some("invalid_body"));
    // Valid: no warning header.
    let a = post_form(&client, &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("token-preflight-warnings"), None);
    assert_eq!(up.count(), 3);
    serve.stop().await;

    let mut strict = proxy_config(&up, None);
    strict.enforce = token_validate::Confidence::L;
    let serve = Running::start(strict).await;
    let a = post_form(&client, &serve, SK_LIVE, &[], person).await;
    assert_eq!(a.status.as_u16(), 400, "{}", a.text());
    assert!(a.text().contains("person tokens"), "{}", a.text());
    assert_eq!(up.count(), 3);
    serve.stop().await;
}

/// Issue 16: the URL query of `POST /v1/tokens` is read with the body (ActiveMerchant and
/// Odoo post the card there with an empty body), validated, and forwarded unchanged.
#[tokio::test]
async fn the_query_string_is_validated_and_forwarded_unchanged() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    let query = format!(
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={}",
        exp_year()
    );
    let a = post_form_query(&client, &serve, SK_TEST, &query, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(up.last().path_and_query, format!("/v1/tokens?{query}"));
    assert!(up.last().body.is_empty());
    // A bad card in the query is Stripe's error, and never leaves.
    let bad = query.replace("4242424242424242", "4242424242424241");
    let a = post_form_query(&client, &serve, SK_TEST, &bad, "").await;
    assert_eq!(a.status.as_u16(), 402, "{}", a.text());
    assert!(a.text().contains("incorrect_number"));
    assert!(!a.text().contains("4242424242424241"));
    // Query and body together: the body's value wins where both send one.
    let a = post_form_query(&client, &serve, SK_TEST, &bad, &CARD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(up.count(), 2);
    serve.stop().await;
}

/// Review 1, H1: at the proxy's default threshold (M), a body error below it (a bad escape,
/// a key sent twice: `invalid_body`, L) does not hide the enforced errors found with it. A
/// card that fails Luhn beside `x=%ZZ`, in the body or in the query, is Stripe's 402 and
/// never reaches the upstream; a query over `--max-body` is a 413, as a body over it is.
/// `check --enforce M` gives the same body the same verdict.
#[tokio::test]
async fn an_unreadable_pair_does_not_hide_an_enforced_error() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    let bodies = [
        format!("{}&x=%ZZ", *BAD_CARD),
        format!("x=%ZZ&{}", *BAD_CARD),
        format!("{}&card[name]=a&card[name]=b", *BAD_CARD),
    ];
    for body in &bodies {
        let a = post_form(&client, &serve, SK_TEST, &[], body).await;
        assert_eq!(a.status.as_u16(), 402, "{body}: {}", a.text());
        assert_eq!(a.json()["error"]["code"], "incorrect_number", "{body}");
        assert_eq!(a.header("token-preflight-warnings"), None);
        assert!(!a.text().contains("4242424242424241"));
    }
    let query = format!("{}&a=%ZZ", *BAD_CARD)
        .replace('[', "%5B")
        .replace(']', "%5D");
    let a = post_form_query(&client, &serve, SK_TEST, &query, "").await;
    assert_eq!(a.status.as_u16(), 402, "{}", a.text());
    assert_eq!(a.json()["error"]["code"], "incorrect_number");
    assert_eq!(up.count(), 0, "a card that fails Luhn reached the upstream");
    serve.stop().await;

    // A query over the limit: 413, as the same bytes in the body.
    let mut small = proxy_config(&up, None);
    small.max_body = BAD_CARD.len() - 1;
    let serve = Running::start(small).await;
    let a = post_form_query(&client, &serve, SK_TEST, &BAD_CARD, "").await;
    assert_eq!(a.status.as_u16(), 413, "{}", a.text());
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("the query string is longer than"),
        "{message}"
    );
    let a = post_form(&client, &serve, SK_TEST, &[], &BAD_CARD).await;
    assert_eq!(a.status.as_u16(), 413, "{}", a.text());
    assert_eq!(up.count(), 0);
    serve.stop().await;

    // `check --enforce M` agrees (the binary, as a user runs it, when it is built).
    #[cfg(feature = "cli")]
    for body in &bodies {
        let out = binary::with_stdin(
            std::process::Command::new(binary::BIN).args(["check", "--enforce", "M", "-"]),
            body.as_bytes(),
        );
        let line: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(line["valid"], false, "{body}: {line}");
        assert_eq!(
            (line["status"].as_u64(), line["error"]["code"].as_str()),
            (Some(402), Some("incorrect_number")),
            "{body}: {line}"
        );
    }
}

#[tokio::test]
async fn other_paths_and_methods_pass_through_untouched() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    let junk = "card[number=1&&%zz";
    for (method, path, body) in [
        ("GET", "/v1/customers?limit=3&email=a%40b.c", ""),
        ("POST", "/v1/charges", junk),
        ("DELETE", "/v1/customers/cus_123", ""),
        ("GET", "/v1/tokens/tok_123", ""),
        ("GET", "/v1/tokens", ""),
        ("POST", "/v2/core/accounts", "{\"x\":1}"),
    ] {
        let a = send(
            &client,
            method,
            &serve.url(path),
            &[("content-type", "text/plain"), ("x-custom", "kept")],
            body.to_string(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}");
        assert_eq!(a.header("x-upstream"), Some("yes"));
        assert_eq!(
            a.header("token-preflight-version-policy"),
            None,
            "not validated"
        );
        let seen = up.last();
        assert_eq!(
            (seen.method.as_str(), seen.path_and_query.as_str()),
            (method, path)
        );
        assert_eq!(&seen.body[..], body.as_bytes());
        assert_eq!(seen.headers.get("x-custom").unwrap(), "kept");
    }
    serve.stop().await;
}

#[tokio::test]
async fn upstream_down_slow_erroring_or_hanging_up() {
    let client = client();
    // Down: a port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut c = Config::proxy(
        "127.0.0.1:0".parse().unwrap(),
        &format!("http://127.0.0.1:{port}"),
    );
    if let Mode::Proxy(p) = &mut c.mode {
        p.read_timeout = Duration::from_millis(500);
    }
    let serve = Running::start(c).await;
    let a = post_form(&client, &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert_eq!(a.json()["error"]["type"], "api_error");
    assert!(a.header("request-id").unwrap().starts_with("req_"));
    let a = send(&client, "GET", &serve.url("/v1/balance"), &[], "").await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    serve.stop().await;

    // Slow: no answer within the read timeout (500 ms here) is a 504; not retried.
    let up = Upstream::start(Behaviour::Slow(Duration::from_secs(3))).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = post_form(&client, &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::GATEWAY_TIMEOUT, "{}", a.text());
    assert_eq!(a.json()["error"]["type"], "api_error");
    assert_eq!(up.count(), 1, "not retried");
    serve.stop().await;

    // Erroring: Stripe's own 500 comes back unchanged.
    let up = Upstream::start(Behaviour::Error).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = post_form(&client, &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(a.json()["error"]["message"], "upstream broke");
    assert_eq!(a.header("request-id"), Some("req_upstream0"));
    assert_eq!(up.count(), 1);
    serve.stop().await;

    // Hanging up (never answering): a 504, and the proxy keeps serving.
    let up = Upstream::start(Behaviour::Hangup).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = post_form(&client, &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::GATEWAY_TIMEOUT);
    let a = post_form(&client, &serve, SK_TEST, &[], &BAD_CARD).await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED);
    serve.stop().await;
}

#[tokio::test]
async fn a_client_that_goes_away_does_not_disturb_the_others() {
    let up = Upstream::start(Behaviour::Slow(Duration::from_millis(300))).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    // Clients that send a request and leave before the answer.
    for _ in 0..20 {
        let head = format!(
            "POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\n\r\n{}",
            CARD.len(),
            *CARD
        );
        let tcp = raw(serve.addr, head.as_bytes()).await;
        drop(tcp);
        // And one that leaves half-way through its body.
        let mut tcp = raw(
            serve.addr,
            format!("POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-length: 500\r\n\r\ncard[num").as_bytes(),
        )
        .await;
        let _ = tcp.shutdown().await;
    }
    let a = post_form(&client(), &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    serve.stop().await;
}

#[tokio::test]
async fn thousands_of_concurrent_requests_none_lost() {
    let up = Upstream::start(Behaviour::Echo).await;
    let mut config = proxy_config(&up, None);
    if let Mode::Proxy(p) = &mut config.mode {
        p.read_timeout = Duration::from_secs(30);
    }
    let serve = Arc::new(Running::start(config).await);
    let client = client();
    let limit = Arc::new(tokio::sync::Semaphore::new(200));
    let mut set = tokio::task::JoinSet::new();
    let n: usize = 3000;
    for i in 0..n {
        let (serve, client, limit) = (serve.clone(), client.clone(), limit.clone());
        set.spawn(async move {
            let _p = limit.acquire_owned().await.unwrap();
            if i % 3 == 0 {
                let a = post_form(&client, &serve, SK_TEST, &[], &BAD_CARD).await;
                assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED);
                assert_eq!(a.json()["error"]["code"], "incorrect_number");
                0
            } else {
                let body = format!("{}&card[name]=n{i}", *CARD);
                let a = post_form(&client, &serve, SK_TEST, &[], &body).await;
                assert_eq!(a.status, StatusCode::OK, "{}", a.text());
                assert_eq!(a.json()["body_len"], body.len());
                1
            }
        });
    }
    let forwarded = tokio::time::timeout(GUARD, async {
        let mut k = 0;
        while let Some(r) = set.join_next().await {
            k += r.expect("a request task failed");
        }
        k
    })
    .await
    .expect("the requests did not all finish");
    assert_eq!(forwarded, n - n.div_ceil(3));
    assert_eq!(up.count(), forwarded, "every valid request forwarded once");
    // Every forwarded body arrived whole and once.
    let mut names: Vec<String> = up
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| {
            String::from_utf8_lossy(&s.body)
                .rsplit('=')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), forwarded);
    Arc::try_unwrap(serve).ok().unwrap().stop().await;
}

#[tokio::test]
async fn api_versions_choose_the_policy() {
    let up = Upstream::start(Behaviour::Echo).await;
    let client = client();
    // A version after the spec's (an invented one) and a parameter it may have added, next
    // to a valid account token.
    let newer = "2099-01-01.zeta";
    let body = "account[business_type]=company&account[company][name]=Acme&account[company][future_address][line1]=1+Main+St";
    for (policy, status, header, forwarded) in [
        (UnknownVersion::Lenient, 200, "lenient", true),
        (UnknownVersion::Strict, 400, "strict", false),
        (UnknownVersion::Pass, 200, "pass", true),
    ] {
        let mut c = proxy_config(&up, None);
        c.unknown_version = policy;
        let serve = Running::start(c).await;
        let before = up.count();
        let a = post_form(&client, &serve, SK_TEST, &[("stripe-version", newer)], body).await;
        assert_eq!(a.status.as_u16(), status, "{policy:?}: {}", a.text());
        assert_eq!(a.header("token-preflight-version-policy"), Some(header));
        assert_eq!(
            a.header("token-preflight-spec-version"),
            Some(token_validate::token_spec::bundled().api_version.as_str())
        );
        assert_eq!(up.count() - before, usize::from(forwarded));
        if forwarded {
            assert_eq!(&up.last().body[..], body.as_bytes());
        } else {
            assert_eq!(a.json()["error"]["code"], "parameter_unknown");
            assert_eq!(a.header("stripe-version"), Some(newer), "echoed");
            // The message says which version the spec is, and how to relax it.
            let message = a.json()["error"]["message"].as_str().unwrap().to_string();
            assert!(
                message.starts_with("Received unknown parameter: account[company][future_address]")
                    && message.contains(bundled_version())
                    && message.contains("--unknown-version lenient"),
                "{message}"
            );
        }
        // Known parameters are still checked under lenient; pass checks nothing.
        let a = post_form(
            &client,
            &serve,
            SK_TEST,
            &[("stripe-version", newer)],
            &BAD_CARD,
        )
        .await;
        let want = if policy == UnknownVersion::Pass {
            200
        } else {
            402
        };
        assert_eq!(a.status.as_u16(), want, "{policy:?}");
        // The bundled version and older ones are validated as always (older ones as their
        // version), whatever the policy for newer ones; their error is Stripe's alone.
        for v in [bundled_version(), "2026-07-29.dahlia", "2024-06-20"] {
            let a = post_form(&client, &serve, SK_TEST, &[("stripe-version", v)], body).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{v}");
            let h = if v == bundled_version() {
                "bundled"
            } else {
                "older"
            };
            assert_eq!(a.header("token-preflight-version-policy"), Some(h));
            assert_eq!(
                a.json()["error"]["message"],
                "Received unknown parameter: account[company][future_address]"
            );
        }
        serve.stop().await;
    }
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight() {
    let up = Upstream::start(Behaviour::Slow(Duration::from_millis(500))).await;
    let mut c = proxy_config(&up, None);
    if let Mode::Proxy(p) = &mut c.mode {
        p.read_timeout = Duration::from_secs(30);
    }
    let mut serve = Running::start(c).await;
    let client = client();
    let url = serve.url("/v1/tokens");
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move {
            send(
                &client,
                "POST",
                &url,
                &[
                    ("authorization", &format!("Bearer {SK_TEST}")),
                    ("content-type", FORM),
                ],
                CARD.as_str(),
            )
            .await
        }
    });
    // Once the upstream has the request, ask the server to stop.
    tokio::time::timeout(GUARD, async {
        while up.count() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    let done = serve.begin_stop();
    let a = tokio::time::timeout(GUARD, in_flight)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        a.status,
        StatusCode::OK,
        "the request in flight was finished"
    );
    tokio::time::timeout(GUARD, done)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // And nothing listens any more.
    assert!(tokio::net::TcpStream::connect(serve.addr).await.is_err());
}

// ---------------------------------------------------------------- mock mode

async fn mock() -> Running {
    Running::start(Config::mock("127.0.0.1:0".parse().unwrap())).await
}

fn card_body(number: &str, extra: &str) -> String {
    let year = exp_year();
    format!("card[number]={number}&card[exp_month]=12&card[exp_year]={year}&card[cvc]=123{extra}")
}

#[tokio::test]
async fn mock_card_tokens_look_like_stripes() {
    let serve = mock().await;
    let client = client();
    for (number, brand, funding, country) in [
        ("4242424242424242", "Visa", "credit", Some("US")),
        ("4000056655665556", "Visa", "debit", Some("US")),
        ("5555555555554444", "MasterCard", "credit", Some("US")),
        ("5105105105105100", "MasterCard", "prepaid", Some("US")),
        ("378282246310005", "American Express", "credit", Some("US")),
        ("6011111111111117", "Discover", "credit", Some("US")),
        ("3056930009020004", "Diners Club", "credit", Some("US")),
        ("3566002020360505", "JCB", "credit", None),
        ("6200000000000005", "UnionPay", "credit", None),
        ("4000000760000002", "Visa", "credit", Some("BR")),
        ("4000002760000016", "Visa", "credit", Some("DE")),
        // Luhn-valid, not a Stripe test card: nothing implied.
        ("4111111111111111", "Visa", "unknown", None),
    ] {
        let cvc = if brand == "American Express" {
            "1234"
        } else {
            "123"
        };
        let body = card_body(number, "&card[name]=Jenny+Rosen&card[address_line1]=1+Main&card[address_zip]=94107&card[address_country]=US")
            .replace("card[cvc]=123", &format!("card[cvc]={cvc}"));
        let a = post_form(&client, &serve, SK_TEST, &[], &body).await;
        assert_eq!(a.status, StatusCode::OK, "{number}: {}", a.text());
        let t = a.json();
        assert!(t["id"].as_str().unwrap().starts_with("tok_"), "{t}");
        assert_eq!(t["id"].as_str().unwrap().len(), 28);
        assert_eq!(
            (t["object"].as_str(), t["type"].as_str()),
            (Some("token"), Some("card"))
        );
        assert_eq!(
            (t["livemode"].as_bool(), t["used"].as_bool()),
            (Some(false), Some(false))
        );
        assert_eq!(t["client_ip"], "127.0.0.1");
        assert!(t["created"].as_u64().unwrap() > 1_700_000_000);
        let c = &t["card"];
        assert!(c["id"].as_str().unwrap().starts_with("card_"));
        assert_eq!(c["object"], "card");
        assert_eq!(c["brand"], brand, "{number}");
        assert_eq!(c["funding"], funding, "{number}");
        assert_eq!(c["country"].as_str(), country, "{number}");
        assert_eq!(c["last4"], &number[number.len() - 4..]);
        assert_eq!(
            (c["exp_month"].as_u64(), c["exp_year"].as_u64()),
            (Some(12), Some(exp_year() as u64))
        );
        assert_eq!(c["name"], "Jenny Rosen");
        assert_eq!(c["address_line1"], "1 Main");
        assert_eq!(c["address_zip"], "94107");
        assert_eq!(c["address_country"], "US");
        assert_eq!(c["address_city"], Value::Null);
        assert_eq!(c["cvc_check"], "unchecked");
        assert_eq!(c["address_zip_check"], "unchecked");
        let fp = c["fingerprint"].as_str().unwrap();
        assert_eq!(fp.len(), 16);
        // Secrets never in the answer.
        let text = a.text();
        assert!(
            !text.contains(number) && !text.contains(&format!("\"{cvc}\"")),
            "{text}"
        );
        // Same number, same fingerprint; the field order is Stripe's.
        let b = post_form(&client, &serve, SK_TEST, &[], &body).await.json();
        assert_eq!(b["card"]["fingerprint"], fp);
        assert_ne!(b["id"], t["id"]);
        assert!(text.starts_with("{\"id\":\"tok_"), "{text}");
    }
    serve.stop().await;
}

#[tokio::test]
async fn mock_tokens_of_every_other_kind() {
    let serve = mock().await;
    let client = client();
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            SK_TEST,
            "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_holder_name]=Jenny+Rosen&bank_account[account_holder_type]=individual&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789",
            "bank_account",
            "btok_",
        ),
        (PK_TEST, "cvc_update[cvc]=123", "cvc_update", "cvctok_"),
        (PK_LIVE, "pii[id_number]=000000000", "pii", "pii_"),
        (
            SK_TEST,
            "person[first_name]=Jane&person[last_name]=Doe&person[relationship][owner]=true",
            "person",
            "cpt_",
        ),
        (
            SK_TEST,
            "account[business_type]=individual&account[individual][first_name]=Jane&account[individual][last_name]=Doe&account[tos_shown_and_accepted]=true",
            "account",
            "ct_",
        ),
        (
            PK_LIVE,
            "account[business_type]=company&account[company][name]=Acme",
            "account",
            "ct_",
        ),
    ];
    for (key, body, kind, prefix) in cases {
        let a = post_form(&client, &serve, key, &[], body).await;
        assert_eq!(a.status, StatusCode::OK, "{body}: {}", a.text());
        let t = a.json();
        assert!(t["id"].as_str().unwrap().starts_with(prefix), "{t}");
        assert_eq!(t["type"], kind);
        assert_eq!(t["object"], "token");
        assert_eq!(t["livemode"], key.contains("_live_"), "{t}");
        assert_eq!(t["used"], false);
        assert_eq!(t["client_ip"], "127.0.0.1");
        assert_eq!(t.get("card").is_some(), kind == "card");
        assert_eq!(t.get("bank_account").is_some(), kind == "bank_account");
        for secret in ["000123456789", "000000000\"", "\"123\""] {
            assert!(!a.text().contains(secret), "{secret} in {}", a.text());
        }
        if kind == "bank_account" {
            let b = &t["bank_account"];
            assert!(b["id"].as_str().unwrap().starts_with("ba_"));
            for (k, v) in [
                ("object", "bank_account"),
                ("last4", "6789"),
                ("country", "US"),
                ("currency", "usd"),
                ("routing_number", "110000000"),
                ("account_holder_name", "Jenny Rosen"),
                ("account_holder_type", "individual"),
                ("bank_name", "STRIPE TEST BANK"),
                ("status", "new"),
            ] {
                assert_eq!(b[k], v, "{k}");
            }
        }
    }
    // A German IBAN: the currency is the country's when not sent.
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[],
        "bank_account[country]=DE&bank_account[account_number]=DE89370400440532013000",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let b = &a.json()["bank_account"];
    assert_eq!(
        (b["currency"].as_str(), b["last4"].as_str()),
        (Some("eur"), Some("3000"))
    );
    assert_eq!(b["routing_number"], Value::Null);
    // A customer's saved card (Connect): the fixture card.
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[("stripe-account", "acct_1032D82eZvKYlo2C")],
        "customer=cus_123&card=card_123",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["card"]["last4"], "4242");
    serve.stop().await;
}

#[tokio::test]
async fn mock_errors_are_stripes_with_stripes_headers() {
    let serve = mock().await;
    let client = client();
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[("stripe-version", "2026-07-29.dahlia")],
        &BAD_CARD,
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED);
    let e = &a.json()["error"];
    assert_eq!(
        (e["type"].as_str(), e["code"].as_str(), e["param"].as_str()),
        (Some("card_error"), Some("incorrect_number"), Some("number"))
    );
    assert_eq!(a.header("stripe-should-retry"), Some("false"));
    assert_eq!(a.header("stripe-version"), Some("2026-07-29.dahlia"));
    let ids: std::collections::HashSet<String> = {
        let mut s = std::collections::HashSet::new();
        for _ in 0..50 {
            let a = post_form(&client, &serve, SK_TEST, &[], &BAD_CARD).await;
            s.insert(a.header("request-id").unwrap().to_string());
        }
        s
    };
    assert_eq!(ids.len(), 50, "request ids are unique");
    // Other paths: Stripe's 404, quoting the path without a long digit run.
    let a = send(
        &client,
        "GET",
        &serve.url("/v1/tokens/4242424242424242"),
        &[],
        "",
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Unrecognized request URL (GET: /v1/tokens/****")
    );
    assert!(!a.text().contains("4242424242424242"));
    // The health endpoint.
    let a = send(&client, "GET", &serve.url("/healthz"), &[], "").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "ok");
    serve.stop().await;
}

#[tokio::test]
async fn mock_idempotency_replays_and_conflicts() {
    let serve = mock().await;
    let client = client();
    let body = card_body("4242424242424242", "");
    let key = [("idempotency-key", "order-1")];
    let first = post_form(&client, &serve, SK_TEST, &key, &body).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("idempotency-key"), Some("order-1"));
    let again = post_form(&client, &serve, SK_TEST, &key, &body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, first.body, "the first answer, replayed");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("original-request"), first.header("request-id"));
    assert_ne!(again.header("request-id"), first.header("request-id"));
    // The same key with other parameters.
    let other = post_form(
        &client,
        &serve,
        SK_TEST,
        &key,
        &card_body("5555555555554444", ""),
    )
    .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    let e = &other.json()["error"];
    assert_eq!(e["type"], "idempotency_error");
    assert_eq!(
        e["message"],
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'order-1' if you meant to execute a different request."
    );
    assert_eq!(other.header("stripe-should-retry"), Some("false"));
    // Another API key does not see the first one's keys.
    let mine = post_form(
        &client,
        &serve,
        PK_TEST,
        &key,
        &card_body("5555555555554444", ""),
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK);
    // A request that failed validation is not saved: the key can be used after it.
    let k2 = [("idempotency-key", "order-2")];
    let bad = post_form(&client, &serve, SK_TEST, &k2, &BAD_CARD).await;
    assert_eq!(bad.status, StatusCode::PAYMENT_REQUIRED);
    let good = post_form(&client, &serve, SK_TEST, &k2, &body).await;
    assert_eq!(good.status, StatusCode::OK);
    // A key over 255 characters.
    let long = "k".repeat(256);
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[("idempotency-key", &long)],
        &body,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.header("idempotency-key"), None, "not echoed");
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("up to 255 characters"),
        "{}",
        a.text()
    );
    // Review 1 L10: an empty key, or one that is not printable ASCII, has its own message
    // (not "up to 255 characters").
    for key in [&b""[..], "cl\u{e9}".as_bytes()] {
        let mut raw = format!(
            "POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\nconnection: close\r\nidempotency-key: ",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(key);
        raw.extend_from_slice(b"\r\n\r\n");
        raw.extend_from_slice(body.as_bytes());
        let answer = raw_exchange(serve.addr, &raw).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(
            answer.contains(&token_validate::serve::mock::idempotency::key_invalid_message()),
            "{answer}"
        );
    }
    serve.stop().await;
}

#[tokio::test]
async fn mock_idempotency_memory_is_bounded() {
    let mut c = Config::mock("127.0.0.1:0".parse().unwrap());
    c.idempotency_entries = 3;
    let serve = Running::start(c).await;
    let client = client();
    let body = card_body("4242424242424242", "");
    let first = post_form(
        &client,
        &serve,
        SK_TEST,
        &[("idempotency-key", "k0")],
        &body,
    )
    .await;
    for i in 1..=3 {
        let k = format!("k{i}");
        post_form(&client, &serve, SK_TEST, &[("idempotency-key", &k)], &body).await;
    }
    // k0 was dropped (the oldest of 4 with room for 3): a new token, not a replay.
    let again = post_form(
        &client,
        &serve,
        SK_TEST,
        &[("idempotency-key", "k0")],
        &body,
    )
    .await;
    assert_eq!(again.header("idempotent-replayed"), None);
    assert_ne!(again.json()["id"], first.json()["id"]);
    serve.stop().await;
}

#[tokio::test]
async fn mock_refuses_pass() {
    let mut c = Config::mock("127.0.0.1:0".parse().unwrap());
    c.unknown_version = UnknownVersion::Pass;
    let e = token_validate::serve::Server::bind(c).await.unwrap_err();
    assert!(e.to_string().contains("--unknown-version pass"), "{e}");
    let c = Config::proxy("127.0.0.1:0".parse().unwrap(), "ftp://example.invalid");
    assert!(token_validate::serve::Server::bind(c).await.is_err());
    let mut c = Config::proxy("127.0.0.1:0".parse().unwrap(), "https://api.stripe.com");
    if let Mode::Proxy(p) = &mut c.mode {
        p.upstream_ca = Some("/nonexistent/ca.pem".into());
    }
    let e = token_validate::serve::Server::bind(c).await.unwrap_err();
    assert!(e.to_string().contains("--upstream-ca"), "{e}");
}

// ---------------------------------------------------------------- hardening

/// Review 1, M3: the mock builds the typed request, which holds one token kind. Under
/// `--enforce M` a body with a card and `pii` (`parameters_exclusive`, L) is refused, not
/// turned into a card token with the `pii` dropped.
#[tokio::test]
async fn mock_under_a_threshold_mints_no_token_from_two_kinds() {
    let mut c = Config::mock("127.0.0.1:0".parse().unwrap());
    c.enforce = token_validate::Confidence::M;
    let serve = Running::start(c).await;
    let client = client();
    let two = card_body("4242424242424242", "&pii[id_number]=000000000");
    let a = post_form(&client, &serve, SK_TEST, &[], &two).await;
    assert_eq!(a.status.as_u16(), 400, "{}", a.text());
    assert_eq!(a.json()["error"]["code"], "parameters_exclusive");
    assert!(!a.text().contains("tok_") && !a.text().contains("000000000"));
    // The card alone: a token.
    let a = post_form(
        &client,
        &serve,
        SK_TEST,
        &[],
        &card_body("4242424242424242", ""),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(a.json()["id"].as_str().unwrap().starts_with("tok_"));
    serve.stop().await;
}

fn hardened(header_timeout: Duration, max_connections: usize) -> Config {
    let mut c = Config::mock("127.0.0.1:0".parse().unwrap());
    c.server.header_read_timeout = header_timeout;
    c.server.max_connections = max_connections;
    c.server.max_requests_per_connection = 3;
    c
}

#[tokio::test]
async fn slow_header_clients_are_closed_and_the_server_keeps_answering() {
    let serve = mock_with(hardened(Duration::from_millis(300), 16)).await;
    // More slow-loris clients than connection slots: each sends a partial request head,
    // then one byte now and then, never the end of the head.
    let mut slow = Vec::new();
    for _ in 0..40 {
        slow.push(
            raw(
                serve.addr,
                b"POST /v1/tokens HTTP/1.1\r\nhost: x\r\nx-slow: ",
            )
            .await,
        );
    }
    // The server must close each one (header-read timeout): read until EOF, all at once,
    // under one guard.
    let mut reads = tokio::task::JoinSet::new();
    for mut tcp in slow {
        reads.spawn(async move {
            let _ = tcp.write_all(b"a").await;
            read_to_close(&mut tcp).await.is_some()
        });
    }
    let drip = tokio::spawn(async move {
        let mut closed = 0;
        while let Some(r) = reads.join_next().await {
            closed += usize::from(r.unwrap());
        }
        closed
    });
    // Meanwhile a normal client is answered (once slots free up).
    let a = post_form(&client(), &serve, SK_TEST, &[], &CARD).await;
    assert_eq!(a.status, StatusCode::OK);
    let closed = tokio::time::timeout(GUARD, drip).await.unwrap().unwrap();
    assert_eq!(closed, 40, "every slow client was closed");
    serve.stop().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_and_requests_per_connection_capped() {
    let serve = mock_with(hardened(Duration::from_millis(300), 64)).await;
    // An idle connection that never sends anything is closed.
    let mut idle = raw(serve.addr, b"").await;
    assert!(
        read_to_close(&mut idle).await.is_some(),
        "idle connection kept open"
    );
    // After 3 requests on one connection, the server closes it.
    let one = format!(
        "POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\n\r\n{}",
        CARD.len(),
        *CARD
    );
    let mut tcp = raw(serve.addr, one.repeat(5).as_bytes()).await;
    let all = read_to_close(&mut tcp).await.expect("closed after the cap");
    let text = String::from_utf8_lossy(&all);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 3, "{text}");
    assert!(text.to_ascii_lowercase().contains("connection: close"));
    serve.stop().await;
}

#[tokio::test]
async fn a_huge_authorization_header_is_not_a_key() {
    let serve = mock().await;
    let client = client();
    let huge = format!("Bearer sk_test_{}", "A".repeat(100 * 1024));
    let a = send(
        &client,
        "POST",
        &serve.url("/v1/tokens"),
        &[("authorization", &huge), ("content-type", FORM)],
        CARD.as_str(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(
        a.text().len() < 1000 && !a.text().contains("AAAA"),
        "echoed"
    );
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid API Key provided")
    );
    // 300 characters is still too long for a key.
    let long = format!("Bearer sk_test_{}", "A".repeat(300));
    let a = send(
        &client,
        "POST",
        &serve.url("/v1/tokens"),
        &[("authorization", &long)],
        CARD.as_str(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    serve.stop().await;
}

async fn mock_with(c: Config) -> Running {
    Running::start(c).await
}

// ---------------------------------------------------------------- issue 18

/// Finding 4: a path with dot segments (plain or percent-encoded) is resolved before it is
/// routed, so the layer decides on the path the upstream gets: an invalid body never
/// reaches the upstream, a valid one arrives with the resolved path; a path that only a
/// lenient reader (one that decodes `%2F` or reads `\` as `/`) routes to `/v1/tokens` is
/// refused with a Stripe-shaped 400.
#[tokio::test]
async fn dot_segments_are_resolved_before_routing_and_forwarded_as_validated() {
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let client = client();
    let auth = format!("Bearer {SK_TEST}");
    let headers = [("authorization", auth.as_str()), ("content-type", FORM)];
    for (path, resolved) in [
        ("/v1/x/../tokens", "/v1/tokens"),
        ("/v1/./tokens", "/v1/tokens"),
        ("/v1/tokens/.", "/v1/tokens/"),
        ("/v1/%2E/tokens", "/v1/tokens"),
        ("/v1/%2e%2E/v1/tokens", "/v1/tokens"),
        ("/v1/x/.%2e/tokens", "/v1/tokens"),
        ("/../v1/tokens", "/v1/tokens"),
        ("/v1/tokens/tok_1/..", "/v1/tokens/"),
        ("/v1/x/../tokens?expand[]=card", "/v1/tokens?expand[]=card"),
    ] {
        let before = up.count();
        let a = send(
            &client,
            "POST",
            &serve.url(path),
            &headers,
            BAD_CARD.as_str(),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::PAYMENT_REQUIRED,
            "{path}: {}",
            a.text()
        );
        assert_eq!(a.json()["error"]["code"], "incorrect_number", "{path}");
        assert_eq!(
            up.count(),
            before,
            "{path}: an invalid body reached the upstream"
        );
        let a = send(&client, "POST", &serve.url(path), &headers, CARD.as_str()).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
        assert_eq!(up.count(), before + 1, "{path}");
        let seen = up.last();
        assert_eq!(
            seen.path_and_query, resolved,
            "{path}: forwarded as another path"
        );
        assert_eq!(&seen.body[..], CARD.as_bytes());
    }
    // Other paths are forwarded resolved too.
    let a = send(
        &client,
        "GET",
        &serve.url("/v1/customers/x/../cus_1"),
        &[],
        "",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(up.last().path_and_query, "/v1/customers/cus_1");
    // Only a lenient reader sees /v1/tokens: refused, not forwarded.
    let before = up.count();
    for path in [
        "/v1/x%2F..%2Ftokens",
        "/v1/x/%2e%2e%2Ftokens",
        "/v1/x%2F%2E%2E%2Ftokens",
        "/v1/x%5C..%5Ctokens",
    ] {
        for body in [CARD.as_str(), BAD_CARD.as_str()] {
            let a = send(&client, "POST", &serve.url(path), &headers, body).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text());
            assert_eq!(a.json()["error"]["type"], "invalid_request_error");
            assert!(
                a.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Invalid request URL"),
                "{path}: {}",
                a.text()
            );
            assert!(a.header("request-id").unwrap().starts_with("req_"));
        }
    }
    assert_eq!(up.count(), before, "an ambiguous path reached the upstream");
    // Review 1 L2: cut at a `;` or a NUL, plain or encoded, the path is /v1/tokens: refused
    // with the same 400, not forwarded unvalidated.
    for path in [
        "/v1/tokens;x",
        "/v1/tokens%3Bx",
        "/v1/tokens%3bx",
        "/v1/tokens%00",
        "/v1/tokens/;x",
        "/V1/Tokens;jsessionid=1",
    ] {
        let a = send(&client, "POST", &serve.url(path), &headers, CARD.as_str()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text());
        assert_eq!(
            a.json()["error"]["message"],
            token_validate::serve::answer::AMBIGUOUS_PATH_MESSAGE,
            "{path}"
        );
    }
    assert_eq!(up.count(), before, "a ;-path reached the upstream");
    // Another endpoint's `;` path, and a GET, are passed through as before.
    for (method, path) in [("POST", "/v1/customers;x"), ("GET", "/v1/tokens;x")] {
        let a = send(&client, method, &serve.url(path), &headers, "").await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.text());
    }
    serve.stop().await;
}

/// One request over a new raw connection; the whole answer (the server closes: each head
/// is bad or asks for `Connection: close`).
async fn raw_exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer before it has read everything (a head too large): write and
    // read at once.
    let (mut r, mut w) = tcp.split();
    let write = async {
        let _ = w.write_all(bytes).await;
    };
    let read = async {
        let mut out = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut r, &mut out).await;
        out
    };
    let ((), out) = tokio::time::timeout(GUARD, async { tokio::join!(write, read) })
        .await
        .expect("the exchange hung");
    String::from_utf8_lossy(&out).into_owned()
}

/// The status line and the JSON body of an answer read from a raw connection.
fn status_and_json(answer: &str) -> (u16, Option<Value>) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).ok())
}

/// Finding 6: the heads hyper refuses (a bad header name, a URI over its limit, too many
/// headers, a head over its buffer, a malformed `Content-Length`, a bad method) get
/// Stripe's `invalid_request_error` JSON with Stripe's headers, and a log line, like every
/// other request; a `HEAD` request's answer has no body, as HTTP requires.
#[tokio::test]
async fn heads_hyper_refuses_get_stripe_shaped_answers_and_log_lines() {
    use token_validate::serve::log::LogFormat;
    let (serve, lines) = Running::start_logged(
        Config::mock("127.0.0.1:0".parse().unwrap()),
        LogFormat::Json,
    )
    .await;
    let long_uri = format!("GET /v1/{} HTTP/1.1\r\n\r\n", "a".repeat(70_000));
    let endless_line = format!("GET /v1/{}", "a".repeat(500_000));
    let many = format!("GET /v1/x HTTP/1.1\r\n{}\r\n", "x-a: b\r\n".repeat(101));
    let huge = format!(
        "GET /v1/x HTTP/1.1\r\nx-big: {}\r\n\r\n",
        "b".repeat(500_000)
    );
    let cases: Vec<(String, u16, &str)> = vec![
        (
            "GET /v1/x HTTP/1.1\r\nbad header: x\r\n\r\n".into(),
            400,
            "header line",
        ),
        (
            "GET /v1/x HTTP/1.1\r\n(x): y\r\n\r\n".into(),
            400,
            "header line",
        ),
        (
            "POST /v1/tokens HTTP/1.1\r\ncontent-length: 1x\r\n\r\n".into(),
            400,
            "Content-Length",
        ),
        (
            "POST /v1/tokens HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd".into(),
            400,
            "Content-Length",
        ),
        (
            "POST /v1/tokens HTTP/1.1\r\ncontent-length: -1\r\n\r\n".into(),
            400,
            "Content-Length",
        ),
        (
            "POST /v1/tokens HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n".into(),
            400,
            "Transfer-Encoding",
        ),
        ("G(T /v1/x HTTP/1.1\r\n\r\n".into(), 400, "method"),
        (
            "GET /v1/x HTTP/3.0\r\n\r\n".into(),
            400,
            "HTTP/1.0 or HTTP/1.1",
        ),
        (long_uri, 414, "65534"),
        (endless_line, 414, "65534"),
        (many, 431, "at most 100"),
        (huge, 431, "417792"),
    ];
    for (raw, status, needle) in &cases {
        let answer = raw_exchange(serve.addr, raw.as_bytes()).await;
        let what = &raw[..raw.len().min(60)];
        let (got, json) = status_and_json(&answer);
        assert_eq!(got, *status, "{what}: {answer:.300}");
        let json = json.unwrap_or_else(|| panic!("{what}: not JSON: {answer:.300}"));
        assert_eq!(json["error"]["type"], "invalid_request_error", "{what}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{what}: {message}");
        let head = answer.to_ascii_lowercase();
        for h in [
            "request-id: req_",
            "content-type: application/json",
            "cache-control: no-cache, no-store",
            "stripe-should-retry: false",
            "connection: close",
        ] {
            assert!(head.contains(h), "{what}: no {h} in {answer:.400}");
        }
    }
    // Logged, one line each, with the status and what could be read of the request line.
    let logged: Vec<Value> = lines
        .lock()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(logged.len(), cases.len(), "{logged:?}");
    for (l, (_, status, _)) in logged.iter().zip(&cases) {
        assert_eq!(l["status"], *status, "{l}");
        assert_eq!(l["error_code"], "invalid_request_error", "{l}");
        assert!(l["request_id"].as_str().unwrap().starts_with("req_"));
    }
    assert_eq!(logged[0]["method"], "GET");
    assert_eq!(logged[0]["path"], "/v1/x");
    assert_eq!(logged[6]["method"], "(redacted)");
    // HEAD: the status and headers, no body.
    let answer = raw_exchange(serve.addr, b"HEAD /v1/x HTTP/1.1\r\nbad header: x\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.ends_with("\r\n\r\n"),
        "a body after a HEAD answer: {answer}"
    );
    // On a keep-alive connection: two good requests, then a bad head.
    let one = format!(
        "POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\n\r\n{card}",
        CARD.len(),
        card = CARD.as_str()
    );
    let answer = raw_exchange(
        serve.addr,
        format!("{one}{one}GET /v1/x HTTP/1.1\r\nbad header: x\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
    assert!(answer.contains("HTTP/1.1 400 Bad Request"), "{answer}");
    // A chunked request's connection is closed after its answer (the gate does not read
    // chunks), so a head after it is never read unchecked.
    let chunked = format!(
        "POST /v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{card}\r\n0\r\n\r\nGET /v1/x HTTP/1.1\r\nbad header: x\r\n\r\n",
        CARD.len(),
        card = CARD.as_str()
    );
    let answer = raw_exchange(serve.addr, chunked.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert_eq!(answer.matches("HTTP/1.1").count(), 1, "{answer}");
    serve.stop().await;
}

/// Finding 7: `serve` listens with a backlog that holds a burst (4096 by default, capped by
/// the kernel's `net.core.somaxconn`; `ServerLimits::backlog` sets it), and a burst of
/// simultaneous connections is answered whole.
#[tokio::test]
async fn the_listen_backlog_holds_a_burst() {
    let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u32::MAX);
    for backlog in [None, Some(2000)] {
        let mut c = Config::mock("127.0.0.1:0".parse().unwrap());
        if let Some(b) = backlog {
            c.server.backlog = b;
        }
        let serve = Running::start(c).await;
        let want = backlog
            .unwrap_or(token_validate::serve::listen::DEFAULT_BACKLOG)
            .min(somaxconn);
        // `ss` reports a listening socket's backlog as its Send-Q.
        match std::process::Command::new("ss")
            .args(["-ltnH", &format!("sport = :{}", serve.addr.port())])
            .output()
        {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                let send_q: u32 = text
                    .split_whitespace()
                    .nth(2)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("unexpected ss output {text:?}"));
                assert_eq!(send_q, want, "{text}");
            }
            _ => eprintln!("note: `ss` is not available; the backlog itself is not checked"),
        }
        // A burst: 400 clients connect at once, each sends a request; every one is answered.
        let mut set = tokio::task::JoinSet::new();
        let addr = serve.addr;
        for _ in 0..400 {
            set.spawn(async move {
                let raw = format!(
                    "POST /v1/tokens HTTP/1.1\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{bad_card}",
                    BAD_CARD.len(),
                    bad_card = BAD_CARD.as_str()
                );
                raw_exchange(addr, raw.as_bytes()).await
            });
        }
        let mut answered = 0;
        while let Some(a) = tokio::time::timeout(GUARD, set.join_next()).await.unwrap() {
            answered += usize::from(a.unwrap().starts_with("HTTP/1.1 402"));
        }
        assert_eq!(answered, 400);
        serve.stop().await;
    }
}

/// The bundled spec's API version.
fn bundled_version() -> &'static str {
    token_validate::token_spec::bundled().api_version.as_str()
}

// ------------------------------------------------ review 1 H2: keys, media types, accounts

/// A Stripe.js-style body: the publishable key as `key`, the client fields Stripe.js adds,
/// and no `Authorization` header.
fn stripe_js_body() -> String {
    format!(
        "{}&key={PK_TEST}&payment_user_agent=stripe.js%2F78ef418&muid=x&guid=y&sid=z",
        *CARD
    )
}

#[tokio::test]
async fn a_stripe_js_body_without_authorization_is_validated_with_its_key() {
    let client = client();
    // Mock: the token, made with the body's publishable key (test mode).
    let mock = mock().await;
    let a = send(
        &client,
        "POST",
        &mock.url("/v1/tokens"),
        &[("content-type", FORM)],
        stripe_js_body(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["object"], "token");
    assert_eq!(a.json()["livemode"], false);
    assert!(a.header("token-preflight-warnings").is_none());
    // A body with a Luhn-failing card is still judged (the key built the context).
    let bad = stripe_js_body().replace("4242424242424242", "4242424242424241");
    let a = send(&client, "POST", &mock.url("/v1/tokens"), &[], bad).await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{}", a.text());
    // No key anywhere: Stripe's 401.
    let a = send(&client, "POST", &mock.url("/v1/tokens"), &[], CARD.clone()).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.text());
    mock.stop().await;

    // Proxy: forwarded as sent, no Authorization added.
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = send(
        &client,
        "POST",
        &serve.url("/v1/tokens"),
        &[("content-type", FORM)],
        stripe_js_body(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["echo"], true);
    assert!(a.header("token-preflight-warnings").is_none());
    let seen = up.last();
    assert_eq!(&seen.body[..], stripe_js_body().as_bytes());
    assert!(seen.headers.get("authorization").is_none());
    // No key anywhere: refused at M (the 401 is M: recorded on a sibling endpoint).
    let before = up.count();
    let a = send(&client, "POST", &serve.url("/v1/tokens"), &[], CARD.clone()).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.text());
    assert_eq!(up.count(), before);
    serve.stop().await;
}

#[tokio::test]
async fn multipart_is_forwarded_with_a_warning_at_m_and_refused_by_the_mock() {
    let client = client();
    let boundary = "multipart/form-data; boundary=XyZ";
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"card[number]\"\r\n\r\n4242424242424242\r\n--XyZ--\r\n";
    let auth = format!("Bearer {SK_TEST}");
    let headers = [("authorization", auth.as_str()), ("content-type", boundary)];
    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = send(&client, "POST", &serve.url("/v1/tokens"), &headers, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["echo"], true);
    assert_eq!(
        a.header("token-preflight-warnings"),
        Some("unsupported_media_type")
    );
    assert_eq!(&up.last().body[..], body.as_bytes());
    serve.stop().await;

    let mock = mock().await;
    let a = send(&client, "POST", &mock.url("/v1/tokens"), &headers, body).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.text());
    assert_eq!(
        a.json()["error"]["message"],
        token_validate::tower::UNSUPPORTED_MEDIA_TYPE_MESSAGE
    );
    mock.stop().await;
}

#[tokio::test]
async fn a_stripe_account_that_is_not_an_account_id_is_a_warning() {
    let client = client();
    let bogus = [("stripe-account", "bogus")];
    let mock = mock().await;
    let a = post_form(&client, &mock, SK_TEST, &bogus, &CARD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["object"], "token");
    assert_eq!(
        a.header("token-preflight-warnings"),
        Some("invalid_account")
    );
    mock.stop().await;

    let up = Upstream::start(Behaviour::Echo).await;
    let serve = Running::start(proxy_config(&up, None)).await;
    let a = post_form(&client, &serve, SK_TEST, &bogus, &CARD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        a.header("token-preflight-warnings"),
        Some("invalid_account")
    );
    assert_eq!(up.last().headers["stripe-account"], "bogus");
    // The body is still judged.
    let a = post_form(&client, &serve, SK_TEST, &bogus, &BAD_CARD).await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{}", a.text());
    serve.stop().await;
}
