//! End to end: the example's router (`examples/preflight_server.rs`) on a loopback port,
//! driven with real HTTP requests (hyper-util's client, and raw TCP for the slow and
//! chunked clients). No timing assertions: timeouts only guard against hangs.

#[allow(dead_code)]
#[path = "../examples/preflight_server.rs"]
mod server;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::Request as AxumRequest;
use axum::response::Response;
use http_body_util::{BodyExt, Full};
use hyper::StatusCode;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use token_validate::tower::{MISSING_KEY_MESSAGE, PreflightLayer};
use token_validate::{Context, validate_form, validate_json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SK_TEST: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const SK_LIVE: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
const PK_TEST: &str = "pk_test_TYooMQauvdEDq54NiTphI7jx";

/// Guards every test against a hang; not a timing assertion.
const GUARD: Duration = Duration::from_secs(60);

/// A running server whose handlers echo the request and count their calls.
struct TestServer {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Echoes the body byte for byte, with the token kind the layer found (`x-kind`) and the
/// path (`x-path`).
async fn echo(calls: Arc<AtomicUsize>, req: AxumRequest) -> Response {
    calls.fetch_add(1, Ordering::SeqCst);
    let kind = req
        .extensions()
        .get::<token_validate::Request>()
        .map_or("none", |r| r.kind());
    let path = req.uri().path().to_string();
    let body = match req.into_body().collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::from_static(b"<body error>"),
    };
    Response::builder()
        .header("x-kind", kind)
        .header("x-path", path)
        .body(Body::from(body))
        .unwrap()
}

async fn start_with(layer: PreflightLayer) -> TestServer {
    let calls = Arc::new(AtomicUsize::new(0));
    let (c1, c2) = (calls.clone(), calls.clone());
    let app = server::router_with(
        layer,
        move |req: AxumRequest| echo(c1.clone(), req),
        move |req: AxumRequest| echo(c2.clone(), req),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = Client::builder(TokioExecutor::new()).build_http();
    TestServer {
        addr,
        calls,
        client,
    }
}

/// The layer with a short read timeout, so the slow-client test is quick.
async fn start() -> TestServer {
    start_with(
        PreflightLayer::builder()
            .read_timeout(Duration::from_millis(500))
            .build(),
    )
    .await
}

struct Answer {
    status: StatusCode,
    kind: Option<String>,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl TestServer {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Answer {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Full::new(body.into())).unwrap();
        let res = tokio::time::timeout(GUARD, self.client.request(req))
            .await
            .expect("request hung")
            .expect("request failed");
        let status = res.status();
        let kind = res
            .headers()
            .get("x-kind")
            .map(|v| v.to_str().unwrap().to_string());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Answer { status, kind, body }
    }

    /// `POST /v1/tokens` with a Bearer key and a content type.
    async fn post(&self, key: &str, content_type: &str, body: &str) -> Answer {
        let auth = format!("Bearer {key}");
        self.send(
            "POST",
            "/v1/tokens",
            &[("authorization", &auth), ("content-type", content_type)],
            body.to_string(),
        )
        .await
    }

    async fn form(&self, key: &str, body: &str) -> Answer {
        self.post(key, "application/x-www-form-urlencoded", body)
            .await
    }
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// A card expiry year five years from today: the layer reads today's date from the clock,
/// so the card bodies derive their expiry from it and keep their verdicts whatever the year.
fn exp_year() -> i32 {
    token_validate::Date::today_utc().year + 5
}

/// A valid card body (form).
static CARD_FORM: LazyLock<String> = LazyLock::new(|| {
    format!(
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]={}&card[cvc]=123&card[name]=Jenny+Rosen&card[address_zip]=94107&card[address_country]=US",
        exp_year()
    )
});
/// A valid card body (JSON, the year as a string).
static CARD_JSON: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"{{"card": {{"number": "4000 0566 5566 5556", "exp_month": 3, "exp_year": "{}", "cvc": "314"}}, "expand": ["card"]}}"#,
        exp_year()
    )
});
/// A card body whose only fault is its number's Luhn check.
static BAD_CARD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]={}",
        exp_year()
    )
});

/// One valid body of every kind, with the key it needs: (kind, key, content type, body).
fn valid_bodies() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    vec![
        ("card", PK_TEST, FORM, CARD_FORM.as_str()),
        ("card", SK_TEST, JSON, CARD_JSON.as_str()),
        (
            "bank_account",
            SK_TEST,
            FORM,
            "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_holder_name]=Jenny%20Rosen&bank_account[account_holder_type]=individual&bank_account[routing_number]=110000000&bank_account[account_number]=000123456789",
        ),
        ("cvc_update", PK_TEST, FORM, "cvc_update[cvc]=123"),
        ("pii", SK_TEST, FORM, "pii[id_number]=000000000"),
        (
            "pii",
            PK_TEST,
            "application/json; charset=utf-8",
            r#"{"pii":{"id_number":"000000000"}}"#,
        ),
        (
            "person",
            SK_TEST,
            FORM,
            "person[first_name]=Jenny&person[last_name]=Rosen&person[email]=jenny%40example.com&person[dob][day]=1&person[dob][month]=2&person[dob][year]=1990&person[address][line1]=1+Main+St&person[address][city]=Town&person[address][country]=US",
        ),
        (
            "account",
            SK_TEST,
            FORM,
            "account[business_type]=individual&account[individual][first_name]=Jenny&account[individual][last_name]=Rosen&account[tos_shown_and_accepted]=true",
        ),
        (
            "account",
            SK_TEST,
            JSON,
            r#"{"account": {"business_type": "individual", "individual": {"first_name": "Jenny"}, "tos_shown_and_accepted": true}}"#,
        ),
    ]
}

#[tokio::test]
async fn valid_bodies_of_every_kind_reach_the_handler_byte_for_byte() {
    let s = start().await;
    let bodies = valid_bodies();
    for (i, (kind, key, ct, body)) in bodies.iter().enumerate() {
        let a = s.post(key, ct, body).await;
        assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.text());
        assert_eq!(a.kind.as_deref(), Some(*kind));
        assert_eq!(&a.body[..], body.as_bytes(), "{kind}: body changed");
        assert_eq!(s.calls(), i + 1);
    }
}

#[tokio::test]
async fn the_example_handler_answers_a_token() {
    let s = start().await;
    let app = server::router(PreflightLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = TestServer {
        addr,
        calls: Arc::new(AtomicUsize::new(0)),
        client: s.client.clone(),
    };
    for (kind, key, ct, body) in valid_bodies() {
        let a = base.post(key, ct, body).await;
        assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.text());
        let v = a.json();
        assert_eq!(v["object"], "token");
        assert_eq!(v["type"], kind);
        assert!(v["id"].as_str().unwrap().starts_with("tok_"), "{v}");
    }
    let a = base
        .send(
            "POST",
            "/v1/charges",
            &[("authorization", "Bearer sk_test_x")],
            "",
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn invalid_bodies_get_stripes_status_and_json() {
    let s = start().await;
    let ctx = |key: &str| Context::from_key(key).unwrap();
    let cases: Vec<(&str, &str, &str, u16, &str)> = vec![
        // (key, content type, body, status, code or message fragment)
        (SK_TEST, FORM, BAD_CARD.as_str(), 402, "incorrect_number"),
        (
            SK_TEST,
            FORM,
            "card[number]=4242424242424242&card[exp_year]=2034",
            400,
            "parameter_missing",
        ),
        (
            SK_TEST,
            FORM,
            "card[number]=4242424242424242&card[exp_month]=13&card[exp_year]=2034",
            402,
            "invalid_expiry_month",
        ),
        (SK_TEST, FORM, "cvc_update[cvc]=12345", 402, "invalid_cvc"),
        (SK_TEST, FORM, "card[colour]=red", 400, "parameter_unknown"),
        (SK_TEST, FORM, "", 400, "parameter_missing"),
        (
            SK_LIVE,
            FORM,
            "person[first_name]=Jenny",
            400,
            "person tokens",
        ),
        (SK_TEST, FORM, "customer=cus_123", 400, "customer"),
        (
            SK_TEST,
            JSON,
            r#"{"card": {"number": "4242424242424241", "exp_month": 12, "exp_year": 2034}}"#,
            402,
            "incorrect_number",
        ),
        (
            SK_TEST,
            JSON,
            r#"{"pii": {"id_number": null}}"#,
            400,
            "null",
        ),
    ];
    for (key, ct, body, status, needle) in cases {
        let before = s.calls();
        let a = s.post(key, ct, body).await;
        assert_eq!(a.status.as_u16(), status, "{body}: {}", a.text());
        assert!(a.text().contains(needle), "{body}: {}", a.text());
        let expected = if ct == JSON {
            validate_json(body.as_bytes(), &ctx(key))
        } else {
            validate_form(body.as_bytes(), &ctx(key))
        }
        .unwrap_err();
        assert_eq!(a.json(), expected.to_stripe_json(), "{body}");
        assert_eq!(a.status.as_u16(), expected.status());
        assert!(
            !a.text().contains("4242424242424241"),
            "a card number leaked"
        );
        assert_eq!(s.calls(), before, "the handler ran for {body}");
    }
}

#[tokio::test]
async fn stripe_account_header_gives_the_connect_account() {
    let s = start().await;
    let body = "customer=cus_123&card=card_123";
    let a = s.form(SK_TEST, body).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    let a = s
        .send(
            "POST",
            "/v1/tokens",
            &[
                ("authorization", &format!("Bearer {SK_TEST}")),
                ("stripe-account", "acct_1032D82eZvKYlo2C"),
            ],
            body,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.kind.as_deref(), Some("card"));
    assert_eq!(&a.body[..], body.as_bytes());
}

#[tokio::test]
async fn malformed_bodies_and_wrong_content_types_never_reach_the_handler() {
    let s = start().await;
    for (ct, body) in [
        (FORM, "card[number=4242424242424242"),
        (FORM, "card]number[=1"),
        (FORM, "card[number]=%zz"),
        (FORM, "card[number]=1&card[number]=2"),
        (JSON, r#"{"card": "#),
        (JSON, "[1, 2]"),
        (JSON, "not json"),
    ] {
        let a = s.post(SK_TEST, ct, body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}: {}", a.text());
        let v = a.json();
        assert_eq!(v["error"]["type"], "invalid_request_error", "{body}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid")
        );
    }
    for ct in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
    ] {
        let a = s.post(SK_TEST, ct, "card[number]=4242424242424242").await;
        assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        assert_eq!(a.json()["error"]["type"], "invalid_request_error");
    }
    assert_eq!(s.calls(), 0);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let s = start().await;
    // With a Content-Length over the limit.
    let big = format!("card[name]={}", "a".repeat(70 * 1024));
    let a = s.form(SK_TEST, &big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["error"]["type"], "invalid_request_error");

    // Chunked, so the limit is found while reading.
    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /v1/tokens HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ntransfer-encoding: chunked\r\n\r\n",
        s.addr
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    for _ in 0..5 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        // The server may answer and close before all is sent.
        if tcp.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let answer = read_answer(&mut tcp).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(s.calls(), 0);
}

/// Reads what the server sends until it closes or stops sending (guarded, no assertion
/// on time).
async fn read_answer(tcp: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                if out.windows(4).any(|w| w == b"\r\n\r\n") && out.ends_with(b"}") {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_stalled_body_is_answered_with_408() {
    let s = start().await;
    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /v1/tokens HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {SK_TEST}\r\ncontent-type: {FORM}\r\ncontent-length: 100\r\n\r\ncard[number]=42",
        s.addr
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    // Then nothing: the layer's read timeout (500 ms here) must end it.
    let answer = tokio::time::timeout(GUARD, read_answer_until_close(&mut tcp))
        .await
        .expect("the server never answered nor closed");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    if !answer.is_empty() {
        assert!(answer.contains("invalid_request_error"), "{answer}");
    }
    assert_eq!(s.calls(), 0);
}

/// Reads until the server closes the connection or has sent a whole JSON answer.
async fn read_answer_until_close(tcp: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                if out.windows(4).any(|w| w == b"\r\n\r\n") && out.ends_with(b"}") {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn missing_or_malformed_authorization_gets_401_without_the_key() {
    let s = start().await;
    let body = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
    let a = s
        .send("POST", "/v1/tokens", &[("content-type", FORM)], body)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.json(),
        serde_json::json!({"error": {"type": "invalid_request_error", "message": MISSING_KEY_MESSAGE}})
    );
    for auth in [
        "Bearer sk_test_SUPERSECRET!!",
        "Bearer xk_test_SUPERSECRET",
        "Bearer ",
        "Token sk_test_SUPERSECRET",
        "SUPERSECRET",
        "Basic %%%SUPERSECRET",
    ] {
        let a = s
            .send("POST", "/v1/tokens", &[("authorization", auth)], body)
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{auth}");
        let v = a.json();
        assert_eq!(v["error"]["type"], "invalid_request_error");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.starts_with("Invalid API Key provided: "), "{msg}");
        assert!(!a.text().contains("SUPERSECRET"), "the key was echoed");
    }
    assert_eq!(s.calls(), 0);
}

#[tokio::test]
async fn other_paths_and_methods_pass_through_untouched() {
    let s = start().await;
    // Not validated: no key, a body that is not a valid form, any content type.
    let junk = "card[number=1&&%zz\u{0}";
    let a = s
        .send(
            "POST",
            "/v1/charges",
            &[("content-type", "text/plain")],
            junk,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.kind.as_deref(), Some("none"));
    assert_eq!(&a.body[..], junk.as_bytes());
    let a = s.send("PUT", "/v1/tokens/tok_123", &[], junk).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(&a.body[..], junk.as_bytes());
    assert_eq!(s.calls(), 2);
    // `GET /v1/tokens` passes the layer (no 401) and gets the router's 405.
    let a = s.send("GET", "/v1/tokens", &[], "").await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(s.calls(), 2);
}

#[tokio::test]
async fn hundreds_of_concurrent_requests_are_all_answered_correctly() {
    let s = Arc::new(start().await);
    let bodies = valid_bodies();
    let bad = BAD_CARD.as_str();
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    let mut set = tokio::task::JoinSet::new();
    let n = 300;
    for i in 0..n {
        let s = s.clone();
        let limit = limit.clone();
        let (kind, key, ct, body) = bodies[i % bodies.len()];
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            if i % 3 == 0 {
                let a = s.form(SK_TEST, bad).await;
                assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED);
                assert_eq!(a.json()["error"]["code"], "incorrect_number");
                0
            } else {
                let a = s.post(key, ct, body).await;
                assert_eq!(a.status, StatusCode::OK, "{}", a.text());
                assert_eq!(a.kind.as_deref(), Some(kind));
                assert_eq!(&a.body[..], body.as_bytes());
                1
            }
        });
    }
    let passed = tokio::time::timeout(GUARD, async {
        let mut passed = 0;
        while let Some(r) = set.join_next().await {
            passed += r.expect("a request task failed");
        }
        passed
    })
    .await
    .expect("the requests did not all finish");
    assert_eq!(passed, n - n.div_ceil(3));
    assert_eq!(s.calls(), passed);
}

#[test]
fn ports_from_args_and_env() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(server::port_from(&args(&[]), None), Ok(4242));
    assert_eq!(server::port_from(&args(&[]), Some("8080".into())), Ok(8080));
    assert_eq!(
        server::port_from(&args(&["--port", "9000"]), Some("8080".into())),
        Ok(9000)
    );
    assert_eq!(server::port_from(&args(&["--port=9001"]), None), Ok(9001));
    assert!(server::port_from(&args(&["--port"]), None).is_err());
    assert!(server::port_from(&args(&["--port", "x"]), None).is_err());
    assert!(server::port_from(&args(&["--bogus"]), None).is_err());
    assert!(server::token_id().starts_with("tok_"));
    assert_ne!(server::token_id(), server::token_id());
}

/// The example's own accept loop (`serve_app`): slow-header clients are closed, a normal
/// client is still answered, and a 100 KiB `Authorization` header is not taken for a key.
#[tokio::test]
async fn the_example_server_closes_slow_clients_and_refuses_huge_keys() {
    use token_validate::serve::listen::ServerLimits;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        let limits = ServerLimits {
            header_read_timeout: Duration::from_millis(300),
            max_connections: 16,
            ..ServerLimits::default()
        };
        server::serve_app(
            listener,
            server::router(PreflightLayer::new()),
            &limits,
            async {
                let _ = stopped.await;
            },
        )
        .await
    });
    // More slow clients than connection slots, each stuck in its request head.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"POST /v1/tokens HTTP/1.1\r\nhost: x\r\nx-slow: a")
            .await
            .unwrap();
        slow.push(tcp);
    }
    // Each must be closed by the server: read them all at once, under one guard.
    let mut reads = tokio::task::JoinSet::new();
    for mut tcp in slow {
        reads.spawn(async move { read_answer_until_close(&mut tcp).await });
    }
    let closer = tokio::spawn(async move {
        let mut closed = 0;
        while let Some(r) = reads.join_next().await {
            r.unwrap();
            closed += 1;
        }
        closed
    });
    // A new connection for each request: the server closes an idle keep-alive connection
    // after `header_read_timeout`, and a request sent on a pooled connection just as it
    // closes fails with `IncompleteMessage` (a race of the test, not an answer).
    let base = TestServer {
        addr,
        calls: Arc::new(AtomicUsize::new(0)),
        client: Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http(),
    };
    let (kind, key, ct, body) = valid_bodies()[0];
    let a = base.post(key, ct, body).await;
    assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.text());
    assert_eq!(
        tokio::time::timeout(GUARD, closer).await.unwrap().unwrap(),
        40
    );
    let huge = format!("Bearer sk_test_{}", "A".repeat(100 * 1024));
    let a = base
        .send("POST", "/v1/tokens", &[("authorization", &huge)], body)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(!a.text().contains("AAAA"), "the key was echoed");
    let _ = stop.send(());
    tokio::time::timeout(GUARD, served)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
