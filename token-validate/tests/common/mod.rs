//! Helpers of the `serve` tests: a running `serve`, a fake upstream (plain or TLS, with a
//! certificate made here), a client, and raw TCP. No timing assertions: timeouts only
//! guard against hangs. [`binary`]: the `token-validate` binary, run as a user runs it.

#![allow(dead_code)]

#[cfg(feature = "cli")]
pub mod binary;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use token_validate::serve::{Config, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Guards every wait against a hang; never a timing assertion.
pub const GUARD: Duration = Duration::from_secs(60);

pub const SK_TEST: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
pub const PK_TEST: &str = "pk_test_TYooMQauvdEDq54NiTphI7jx";
pub const SK_LIVE: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
pub const PK_LIVE: &str = "pk_live_TYooMQauvdEDq54NiTphI7jx";

pub const FORM: &str = "application/x-www-form-urlencoded";

/// A card expiry year five years from today: the server reads today's date from the clock,
/// so a valid card body derives its expiry from it and stays valid whatever the year.
pub fn exp_year() -> i32 {
    token_validate::Date::today_utc().year + 5
}

/// A `serve` running on a loopback port.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    pub async fn start(config: Config) -> Running {
        Running::spawn(config, |server| server).await
    }

    /// [`Running::start`] with its log lines, in `format`, collected.
    pub async fn start_logged(
        config: Config,
        format: token_validate::serve::log::LogFormat,
    ) -> (Running, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let running = Running::spawn(config, move |server| {
            server.log_to(format, move |l: &str| {
                sink.lock().unwrap().push(l.to_string())
            })
        })
        .await;
        (running, lines)
    }

    /// Binds `config` on a free loopback port, lets `setup` finish the server (a log sink),
    /// and runs it until [`Running::stop`].
    async fn spawn(mut config: Config, setup: impl FnOnce(Server) -> Server) -> Running {
        config.listen = "127.0.0.1:0".parse().unwrap();
        let server = setup(Server::bind(config).await.expect("serve starts"));
        let addr = server.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let done = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        Running {
            addr,
            stop: Some(tx),
            done: Some(done),
        }
    }

    /// Asks for a graceful stop and waits for `run` to return.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            tokio::time::timeout(GUARD, done)
                .await
                .expect("serve did not stop")
                .unwrap()
                .unwrap();
        }
    }

    /// Asks for a graceful stop without waiting.
    pub fn begin_stop(&mut self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.done.take().expect("running")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build_http()
}

pub async fn send(
    client: &Client<HttpConnector, Full<Bytes>>,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    let mut b = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b.body(Full::new(body.into())).unwrap();
    let res = tokio::time::timeout(GUARD, client.request(req))
        .await
        .expect("request hung")
        .expect("request failed");
    let status = res.status();
    let headers = res.headers().clone();
    let body = tokio::time::timeout(GUARD, res.into_body().collect())
        .await
        .expect("body hung")
        .expect("body failed")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

/// `POST /v1/tokens` with a Bearer key, form-encoded.
pub async fn post_form(
    client: &Client<HttpConnector, Full<Bytes>>,
    base: &Running,
    key: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> Answer {
    post_form_to(client, &base.url("/v1/tokens"), key, extra, body).await
}

/// [`post_form`] with `query` as the URL's query string: `POST /v1/tokens?{query}`.
pub async fn post_form_query(
    client: &Client<HttpConnector, Full<Bytes>>,
    base: &Running,
    key: &str,
    query: &str,
    body: &str,
) -> Answer {
    let url = base.url(&format!("/v1/tokens?{query}"));
    post_form_to(client, &url, key, &[], body).await
}

async fn post_form_to(
    client: &Client<HttpConnector, Full<Bytes>>,
    url: &str,
    key: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> Answer {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str()), ("content-type", FORM)];
    headers.extend_from_slice(extra);
    send(client, "POST", url, &headers, body.to_string()).await
}

/// One request the fake upstream received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How the fake upstream answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// 200, `{"echo": true}` with a `request-id: req_upstream…` and an `x-upstream` header.
    Echo,
    /// Waits this long before answering as `Echo`.
    Slow(Duration),
    /// 500 with a Stripe `api_error` body.
    Error,
    /// Closes the connection without answering.
    Hangup,
}

/// A fake upstream on a loopback port, counting and recording what reaches it.
pub struct Upstream {
    pub addr: SocketAddr,
    pub calls: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub tls: bool,
}

impl Upstream {
    pub fn count(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request")
    }
    pub fn base(&self) -> String {
        format!(
            "{}://localhost:{}",
            if self.tls { "https" } else { "http" },
            self.addr.port()
        )
    }

    pub async fn start(behaviour: Behaviour) -> Upstream {
        Self::start_inner(behaviour, None).await
    }

    /// A TLS upstream for `localhost` with a certificate made here; returns it and the
    /// PEM of its certificate (to trust with `--upstream-ca`).
    pub async fn start_tls(behaviour: Behaviour) -> (Upstream, String) {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let pem = cert.cert.pem();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(
            rustls_pki_types::PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()),
        );
        // The provider serve's proxy uses (rustls 0.23.48 deprecates it: see serve/proxy.rs).
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        (Self::start_inner(behaviour, Some(acceptor)).await, pem)
    }

    async fn start_inner(behaviour: Behaviour, tls: Option<tokio_rustls::TlsAcceptor>) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (c, s) = (calls.clone(), seen.clone());
        let is_tls = tls.is_some();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (c, s, tls) = (c.clone(), s.clone(), tls.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let (c, s) = (c.clone(), s.clone());
                        async move { upstream_answer(req, behaviour, c, s).await }
                    });
                    let builder = hyper::server::conn::http1::Builder::new();
                    match tls {
                        Some(acceptor) => {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                    }
                });
            }
        });
        Upstream {
            addr,
            calls,
            seen,
            tls: is_tls,
        }
    }
}

async fn upstream_answer(
    req: Request<Incoming>,
    behaviour: Behaviour,
    calls: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let n = calls.fetch_add(1, Ordering::SeqCst);
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or("/".into(), |p| p.to_string()),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    match behaviour {
        Behaviour::Slow(d) => tokio::time::sleep(d).await,
        Behaviour::Hangup => {
            // Never answers: the connection is dropped with the future (see below).
            std::future::pending::<()>().await;
        }
        _ => {}
    }
    let (status, json) = match behaviour {
        Behaviour::Error => (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":{"type":"api_error","message":"upstream broke"}}"#.to_string(),
        ),
        _ => (
            StatusCode::OK,
            format!(r#"{{"echo":true,"n":{n},"body_len":{}}}"#, body.len()),
        ),
    };
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("request-id", format!("req_upstream{n}"))
        .header("x-upstream", "yes")
        .body(Full::new(Bytes::from(json)))
        .unwrap())
}

/// Reads until the peer closes the connection, or `GUARD` runs out (then `None`).
pub async fn read_to_close(tcp: &mut TcpStream) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(GUARD, read).await.ok()?;
    Some(out)
}

/// Sends `bytes` on a new raw connection.
pub async fn raw(addr: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(bytes).await.unwrap();
    tcp
}
