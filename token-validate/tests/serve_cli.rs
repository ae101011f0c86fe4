//! `token-validate serve` as a user runs it: the binary, configured from environment
//! variables, answering on loopback, logging one line per request, stopping on SIGTERM.
//! No timing assertions: waits are guarded.

#![cfg(all(feature = "cli", unix))]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use binary::{BIN, Serve, newer_openapi, scratch};

#[path = "common/binary.rs"]
mod binary;

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const NUMBER: &str = "4242424242424242";

/// One HTTP/1.1 request with `Connection: close`; the whole answer.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    tcp.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    tcp.read_to_string(&mut out).unwrap();
    out
}

/// `POST /v1/tokens` with the test key and a form body, `headers` after those two.
fn post_form(addr: &str, headers: &[(&str, &str)], body: &str) -> String {
    let auth = format!("Bearer {KEY}");
    let mut all = vec![
        ("authorization", auth.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    all.extend_from_slice(headers);
    http(addr, "POST", "/v1/tokens", &all, body)
}

#[test]
fn serve_from_env_answers_logs_and_stops_on_sigterm() {
    let mut serve = Serve::spawn(
        Command::new(BIN)
            .args(["serve", "--log-format", "json"])
            .env("TOKEN_VALIDATE_MOCK", "true")
            .env("TOKEN_VALIDATE_LISTEN", "127.0.0.1:0")
            .env("TOKEN_VALIDATE_UNKNOWN_VERSION", "strict"),
    );
    let addr = serve.addr.clone();

    // The server reads today's date from the clock: the card's expiry is derived from it.
    let year = token_validate::Date::today_utc().year + 5;
    let ok = post_form(
        &addr,
        &[],
        &format!("card[number]={NUMBER}&card[exp_month]=12&card[exp_year]={year}&card[cvc]=123"),
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(
        ok.contains("\"last4\":\"4242\"") && !ok.contains(NUMBER),
        "{ok}"
    );
    let bad = post_form(
        &addr,
        &[],
        &format!("card[number]=4242424242424241&card[exp_month]=12&card[exp_year]={year}"),
    );
    assert!(bad.starts_with("HTTP/1.1 402"), "{bad}");
    // --unknown-version strict from the environment: a newer version's unknown parameter
    // is refused.
    let strict = post_form(
        &addr,
        &[("stripe-version", "2099-01-01.zeta")],
        "pii[id_number]=000000000&pii[new_field]=1",
    );
    assert!(strict.starts_with("HTTP/1.1 400"), "{strict}");
    assert!(
        strict
            .to_ascii_lowercase()
            .contains("token-preflight-version-policy: strict")
    );
    let health = http(&addr, "GET", "/healthz", &[], "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let status = serve.sigterm().unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(s) = serve.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(exit.code(), Some(0), "a graceful stop exits 0");
    let err = serve.stderr();
    let logs: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(logs.len(), 4, "one line per request: {err}");
    let statuses: Vec<u64> = logs.iter().map(|l| l["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [200, 402, 400, 200]);
    assert_eq!(logs[1]["error_code"], "incorrect_number");
    assert_eq!(logs[2]["policy"], "strict");
    for l in &logs {
        assert!(l["request_id"].as_str().unwrap().starts_with("req_"), "{l}");
        assert!(l["duration_ms"].as_f64().is_some());
        assert!(l["method"].is_string() && l["path"].is_string());
    }
    assert!(
        !err.contains(NUMBER) && !err.contains(KEY) && !err.contains("000000000"),
        "{err}"
    );
}

#[test]
fn serve_help_names_every_flag_and_its_variable() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    // Every flag `serve` has (clap's own list of them, so a new flag is checked too): in the
    // help with its value name, its environment variable and its default.
    let command =
        <token_validate::serve::Args as clap::Args>::augment_args(clap::Command::new("serve"));
    let mut flags = 0;
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        flags += 1;
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .filter(|_| arg.get_action().takes_values())
            .map(|v| format!(" <{v}>"))
            .unwrap_or_default();
        let name = format!("--{long}{value}");
        assert!(help.contains(&name), "{name} missing from:\n{help}");
        let env = arg
            .get_env()
            .unwrap_or_else(|| panic!("--{long} has no environment variable"));
        let env = format!("[env: {}=", env.to_string_lossy());
        assert!(help.contains(&env), "{env} missing from:\n{help}");
        for default in arg.get_default_values() {
            let default = format!("[default: {}]", default.to_string_lossy());
            assert!(help.contains(&default), "{default} missing from:\n{help}");
        }
    }
    assert_eq!(flags, 16, "serve's flags");
    // The default of --unknown-version depends on the mode, and the help says which.
    for words in ["`strict` with --mock", "`lenient` in proxy mode"] {
        assert!(help.contains(words), "{words} missing from:\n{help}");
    }
    // A usage error exits 2 and says why.
    let out = Command::new(BIN)
        .args([
            "serve",
            "--mock",
            "--unknown-version",
            "pass",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unknown-version pass"));
    // Review 1 L3: environment values are taken as users type them, in any case: the
    // parse succeeds (no clap "invalid value"), and serve stops at the same mock/pass
    // refusal.
    let out = Command::new(BIN)
        .args(["serve", "--mock", "--listen", "127.0.0.1:0"])
        .env("TOKEN_VALIDATE_LOG_FORMAT", "JSON")
        .env("TOKEN_VALIDATE_UNKNOWN_VERSION", "Pass")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("invalid value"), "{stderr}");
    assert!(stderr.contains("--unknown-version pass"), "{stderr}");
}

/// `serve --mock` refuses unknown parameters whatever the request's version (a test double
/// is strict by default), and for a version newer than the spec's the message names the
/// spec's version and how to relax it; `--openapi FILE` teaches a newer document's
/// parameters, named in the answer's `Token-Preflight-Runtime-Params`.
#[test]
fn mock_is_strict_by_default_and_learns_from_openapi() {
    let doc = newer_openapi(&scratch("serve_openapi"));
    let mut serve = Serve::spawn(
        Command::new(BIN)
            .args(["serve", "--mock", "--listen", "127.0.0.1:0", "--openapi"])
            .arg(&doc)
            .env_remove("TOKEN_VALIDATE_UNKNOWN_VERSION"),
    );
    let addr = serve.addr.clone();
    let post = |version: &str, body: &str| post_form(&addr, &[("stripe-version", version)], body);
    let card = format!("card[number]={NUMBER}&card[exp_month]=12&card[exp_year]=2034");
    let bundled = token_validate::token_spec::bundled().api_version.as_str();
    // Learned from the document.
    let ok = post(bundled, &format!("{card}&card[nickname]=travel"));
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(
        ok.to_ascii_lowercase()
            .contains("token-preflight-runtime-params: card[nickname]"),
        "{ok}"
    );
    // Unknown at the spec's version: Stripe's message alone.
    let zip = post(bundled, &format!("{card}&card[zip]=94107"));
    assert!(zip.starts_with("HTTP/1.1 400"), "{zip}");
    assert!(
        zip.contains(r#""message":"Received unknown parameter: card[zip]""#),
        "{zip}"
    );
    // Newer than every spec it knows: still refused (strict), saying how to relax it.
    let newer = post("2100-01-01.omega", &format!("{card}&card[zip]=94107"));
    assert!(newer.starts_with("HTTP/1.1 400"), "{newer}");
    assert!(
        newer.contains("2099-01-01.zeta") && newer.contains("--unknown-version lenient"),
        "{newer}"
    );
    let _ = serve.sigterm();
    let _ = serve.child.wait();
    let err = serve.stderr();
    assert!(
        err.contains("runtime spec 2099-01-01.zeta") && err.contains("newer API versions: strict"),
        "{err}"
    );
}
