//! `token-validate serve` (feature `serve`): a pre-flight proxy for Stripe's API, or a
//! strict test double of `POST /v1/tokens`, for servers written in any language.
//!
//! - **Proxy mode** (`--upstream URL`, default `https://api.stripe.com`): `POST /v1/tokens`
//!   is validated by the [tower layer](crate::tower::PreflightLayer); a valid request is
//!   forwarded with its body byte for byte and its headers, and the upstream's answer is
//!   streamed back unchanged ([`proxy`]). Every other method and path is passed through
//!   untouched, so a client sets one base URL for the whole API.
//! - **Mock mode** (`--mock`): a valid request gets the token object Stripe documents for
//!   its kind, with Stripe's idempotency ([`mock`]); other paths get Stripe's 404.
//!
//! In both modes the answers made here look like Stripe's (`Request-Id`,
//! `Stripe-Should-Retry: false` on a 4xx, `Idempotency-Key` and `Stripe-Version` echoed,
//! `Cache-Control: no-cache, no-store`, `Content-Type: application/json`), the
//! `Stripe-Version` of a request chooses how it is validated ([`api_version`]), and the
//! answer says which policy applied (`Token-Preflight-Version-Policy`). One line per
//! request is logged ([`log`]); `GET /healthz` (a path no Stripe API uses) answers 200;
//! SIGTERM or Ctrl-C stops accepting and finishes the requests in flight. The accept loop
//! is [`listen::serve`]: header-read timeout, connection cap, keep-alive limits, a listen
//! backlog that holds a burst; a request head hyper would refuse gets a Stripe-shaped
//! answer and a log line too ([`head`]). Everything an answer or a log line repeats of a
//! request (the method, the URL path, echoed headers) goes through [`crate::quote`]'s
//! rule. A path is routed, validated and forwarded with its dot segments resolved.
//!
//! [`api_version`]: crate::api_version

pub mod answer;
pub mod head;
pub mod listen;
pub mod log;
pub mod mock;
pub mod proxy;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
#[cfg(feature = "cli")]
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use ::tower::{Layer, Service};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::json;
use tokio::net::TcpListener;

use crate::tower::{
    AnsweredError, PreflightBody, PreflightLayer, REQUEST_ID_HEADER, UnknownVersion,
    VERSION_POLICY_HEADER,
};
use crate::{Confidence, Limits};
use crate::{Context, Request as TokenRequest};
use listen::ServerLimits;
use log::LogFormat;
use mock::idempotency::{self, Cache, Lookup, Saved};
use proxy::{Proxy, ProxyConfig, ServeBody, boxed};

/// The health endpoint: a path no Stripe API uses.
pub const HEALTH_PATH: &str = "/healthz";

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4242";

/// The default upstream.
pub const DEFAULT_UPSTREAM: &str = "https://api.stripe.com";

/// The default enforcement threshold in proxy mode: refuse what the spec is sure of (H and
/// M), forward the rest with a warning header.
pub const DEFAULT_PROXY_ENFORCE: Confidence = Confidence::M;

/// The default enforcement threshold in mock mode: strict (a test double refuses every
/// problem it knows of).
pub const DEFAULT_MOCK_ENFORCE: Confidence = Confidence::L;

/// The default policy for a request of a newer API version than the spec's in mock mode:
/// strict (a test double refuses what it does not know, whatever the version).
pub const DEFAULT_MOCK_UNKNOWN_VERSION: UnknownVersion = UnknownVersion::Strict;

/// The default policy for a request of a newer API version than the spec's in proxy mode:
/// lenient (the newer version may have added parameters; Stripe judges them).
pub const DEFAULT_PROXY_UNKNOWN_VERSION: UnknownVersion = UnknownVersion::Lenient;

/// The default number of idempotency keys remembered in mock mode.
pub const DEFAULT_IDEMPOTENCY_ENTRIES: usize = 10_000;

/// How long an idempotency key is remembered in mock mode: 24 hours, as Stripe.
pub const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// `token-validate serve`'s flags; each can also be set by its environment variable
/// (feature `cli`: the command-line parser is clap's, which a library user of `serve` does
/// not compile; build a [`Config`] instead).
#[cfg(feature = "cli")]
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The address to listen on (port 0: any free port; the address is printed).
    #[arg(long, value_name = "ADDR", env = "TOKEN_VALIDATE_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Proxy mode: the Stripe API to forward to (ignored with --mock).
    #[arg(long, value_name = "URL", env = "TOKEN_VALIDATE_UPSTREAM", default_value = DEFAULT_UPSTREAM)]
    pub upstream: String,
    /// Mock mode: answer `POST /v1/tokens` like Stripe's test mode, forward nothing. From
    /// the environment: 1, true, yes or on (0, false, no or off for the proxy).
    #[arg(
        long,
        env = "TOKEN_VALIDATE_MOCK",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub mock: bool,
    /// PEM file of certificates to trust for the upstream, besides the webpki roots.
    #[arg(long, value_name = "FILE", env = "TOKEN_VALIDATE_UPSTREAM_CA")]
    pub upstream_ca: Option<PathBuf>,
    /// Largest `POST /v1/tokens` body accepted, in bytes (413 beyond it; at most 16777216,
    /// 16 MiB: a larger value is held to it).
    #[arg(long, value_name = "BYTES", env = "TOKEN_VALIDATE_MAX_BODY", default_value_t = 64 * 1024)]
    pub max_body: usize,
    /// Time allowed to read a request body, and to wait for the upstream's answer and each
    /// read of its body: `10s`, `500ms` or seconds.
    #[arg(long, value_name = "DURATION", env = "TOKEN_VALIDATE_READ_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub read_timeout: Duration,
    /// Time allowed to connect to the upstream.
    #[arg(long, value_name = "DURATION", env = "TOKEN_VALIDATE_CONNECT_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// Time a client has to send a request's headers; also how long an idle keep-alive
    /// connection is kept.
    #[arg(long, value_name = "DURATION", env = "TOKEN_VALIDATE_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// The most client connections served at once; more wait in the listen backlog
    /// (--backlog) until one closes.
    #[arg(
        long,
        value_name = "N",
        env = "TOKEN_VALIDATE_MAX_CONNECTIONS",
        default_value_t = 1024
    )]
    pub max_connections: usize,
    /// The listen backlog: connections the kernel queues until they are accepted (capped
    /// by net.core.somaxconn on Linux); a burst beyond it has its SYNs dropped and retried
    /// a second later.
    #[arg(
        long,
        value_name = "N",
        env = "TOKEN_VALIDATE_BACKLOG",
        default_value_t = listen::DEFAULT_BACKLOG
    )]
    pub backlog: u32,
    /// Requests served on one keep-alive connection before it is closed.
    #[arg(
        long,
        value_name = "N",
        env = "TOKEN_VALIDATE_MAX_REQUESTS_PER_CONNECTION",
        default_value_t = 1000
    )]
    pub max_requests_per_connection: usize,
    /// How validation treats a request for an API version newer than the spec's (the
    /// bundled one, or --openapi's): `strict` refuses parameters the spec does not know
    /// (their message says how to relax it), `lenient` lets them through and checks the
    /// rest, `pass` forwards the request unvalidated (proxy mode only). Default: `strict`
    /// with --mock (a test double refuses what it does not know, whatever the version),
    /// `lenient` in proxy mode. A request of the spec's version or an older one is always
    /// validated strictly, as that version (its version gates).
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        env = "TOKEN_VALIDATE_UNKNOWN_VERSION"
    )]
    pub unknown_version: Option<VersionPolicyArg>,
    /// A Stripe OpenAPI document newer than the bundled spec (`spec3.json`,
    /// `latest/openapi.spec3.json`, their YAML forms, or an extract): its parameters that
    /// the bundled spec lacks are checked as it states them (type, maxLength, enum) and
    /// accepted, and named in the answer's Token-Preflight-Runtime-Params header; no
    /// rebuild needed.
    #[arg(long, value_name = "FILE", env = "TOKEN_VALIDATE_OPENAPI")]
    pub openapi: Option<PathBuf>,
    /// The format of the one log line per request, on standard error.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        env = "TOKEN_VALIDATE_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// Mock mode: the most idempotency keys remembered (each for 24 hours).
    #[arg(long, value_name = "N", env = "TOKEN_VALIDATE_IDEMPOTENCY_ENTRIES", default_value_t = DEFAULT_IDEMPOTENCY_ENTRIES)]
    pub idempotency_entries: usize,
    /// The enforcement threshold: a problem whose error definition's confidence is below it
    /// is a warning, and the request goes on (to Stripe, with a `Token-Preflight-Warnings`
    /// header on the answer). `H` rejects only what is observed, `M` also what is seen on
    /// sibling endpoints, `L` everything. Default: `M` in proxy mode, `L` (strict) with
    /// --mock.
    #[arg(long, value_name = "H|M|L", env = "TOKEN_VALIDATE_ENFORCE", value_parser = parse_confidence)]
    pub enforce: Option<Confidence>,
}

/// Parses `H`, `M` or `L` (feature `cli`).
#[cfg(feature = "cli")]
fn parse_confidence(s: &str) -> Result<Confidence, String> {
    s.parse()
        .map_err(|_| format!("{s:?}: the threshold is H, M or L"))
}

/// `--unknown-version` (feature `cli`).
#[cfg(feature = "cli")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VersionPolicyArg {
    /// Validate as the bundled version.
    Strict,
    /// Let unknown parameters through, check the rest.
    Lenient,
    /// Do not validate (proxy mode only).
    Pass,
}

#[cfg(feature = "cli")]
impl From<VersionPolicyArg> for UnknownVersion {
    fn from(a: VersionPolicyArg) -> Self {
        match a {
            VersionPolicyArg::Strict => UnknownVersion::Strict,
            VersionPolicyArg::Lenient => UnknownVersion::Lenient,
            VersionPolicyArg::Pass => UnknownVersion::Pass,
        }
    }
}

/// Parses `10s`, `500ms`, `2m` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration such as 10s, 500ms or 2m"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("{s:?}: the unit must be ms, s or m")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{s:?} is out of range"))
}

/// What `serve` forwards to, or that it answers itself.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Forward to an upstream.
    Proxy(ProxyConfig),
    /// Answer as a test double.
    Mock,
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// Proxy or mock.
    pub mode: Mode,
    /// The body limit and read timeout of `POST /v1/tokens`.
    pub max_body: usize,
    /// Time allowed to read a body.
    pub read_timeout: Duration,
    /// The policy for newer API versions.
    pub unknown_version: UnknownVersion,
    /// The accept loop's limits.
    pub server: ServerLimits,
    /// The log format, or no log.
    pub log: Option<LogFormat>,
    /// Mock mode: the most idempotency keys remembered.
    pub idempotency_entries: usize,
    /// The enforcement threshold ([`DEFAULT_PROXY_ENFORCE`] in proxy mode,
    /// [`DEFAULT_MOCK_ENFORCE`] in mock mode).
    pub enforce: Confidence,
    /// Today's date for the checks that read it, instead of the system clock's (to replay
    /// recorded requests as of their day, or in tests); `None`: the clock.
    pub today: Option<crate::Date>,
    /// Parameters learned from a Stripe OpenAPI document newer than the bundled spec
    /// (`--openapi FILE`).
    pub runtime_spec: Option<Arc<crate::RuntimeSpec>>,
}

/// What `serve` adds to the message of an unknown parameter it refuses in a request that
/// names a newer API version than the spec's (`{version}`: the spec's version).
pub const UNKNOWN_HINT: &str = "(token-validate serve validates against Stripe API version {version}; the request names a newer version, which may have added it: run serve with --unknown-version lenient to let such parameters through, or with --openapi FILE and Stripe's newer spec3.json to check them.)";

impl Config {
    /// The configuration of the command-line flags (feature `cli`).
    #[cfg(feature = "cli")]
    pub fn from_args(a: &Args) -> Config {
        let mode = if a.mock {
            Mode::Mock
        } else {
            Mode::Proxy(ProxyConfig {
                upstream: a.upstream.clone(),
                upstream_ca: a.upstream_ca.clone(),
                connect_timeout: a.connect_timeout,
                read_timeout: a.read_timeout,
            })
        };
        let enforce = a.enforce.unwrap_or(match mode {
            Mode::Mock => DEFAULT_MOCK_ENFORCE,
            Mode::Proxy(_) => DEFAULT_PROXY_ENFORCE,
        });
        let unknown_version = match (a.unknown_version, &mode) {
            (Some(v), _) => v.into(),
            (None, Mode::Mock) => DEFAULT_MOCK_UNKNOWN_VERSION,
            (None, Mode::Proxy(_)) => DEFAULT_PROXY_UNKNOWN_VERSION,
        };
        Config {
            listen: a.listen,
            enforce,
            today: None,
            mode,
            max_body: a.max_body,
            read_timeout: a.read_timeout,
            unknown_version,
            runtime_spec: None,
            server: ServerLimits {
                header_read_timeout: a.header_timeout,
                max_connections: a.max_connections,
                backlog: a.backlog,
                max_requests_per_connection: a.max_requests_per_connection,
                ..ServerLimits::default()
            },
            log: Some(a.log_format),
            idempotency_entries: a.idempotency_entries,
        }
    }

    /// Mock mode with the defaults, listening on `listen`, no log.
    pub fn mock(listen: SocketAddr) -> Config {
        Config {
            listen,
            mode: Mode::Mock,
            max_body: 64 * 1024,
            read_timeout: Duration::from_secs(10),
            unknown_version: DEFAULT_MOCK_UNKNOWN_VERSION,
            server: ServerLimits::default(),
            log: None,
            idempotency_entries: DEFAULT_IDEMPOTENCY_ENTRIES,
            enforce: DEFAULT_MOCK_ENFORCE,
            today: None,
            runtime_spec: None,
        }
    }

    /// Proxy mode to `upstream` with the defaults, listening on `listen`, no log.
    pub fn proxy(listen: SocketAddr, upstream: &str) -> Config {
        Config {
            mode: Mode::Proxy(ProxyConfig {
                upstream: upstream.to_string(),
                upstream_ca: None,
                connect_timeout: Duration::from_secs(5),
                read_timeout: Duration::from_secs(10),
            }),
            enforce: DEFAULT_PROXY_ENFORCE,
            unknown_version: DEFAULT_PROXY_UNKNOWN_VERSION,
            ..Config::mock(listen)
        }
    }
}

/// Why `serve` cannot start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

enum Backend {
    Proxy(Proxy),
    Mock(MockState),
}

struct MockState {
    maker: mock::Maker,
    cache: Mutex<Cache>,
}

/// Where log lines go: standard error, or a function of each line.
type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The log format (none: no log) and where the lines go (none: standard error).
#[derive(Clone, Default)]
struct LogTarget {
    format: Option<LogFormat>,
    sink: Option<LogSink>,
}

struct App {
    backend: Backend,
    layer: PreflightLayer,
    mode_name: &'static str,
}

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    app: Arc<App>,
    listener: TcpListener,
    limits: ServerLimits,
    log: LogTarget,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.listener.local_addr().ok())
            .field("mode", &self.app.mode_name)
            .finish()
    }
}

impl Server {
    /// Checks the configuration and binds the listen address.
    pub async fn bind(config: Config) -> Result<Server, StartError> {
        let (backend, mode_name) = match &config.mode {
            Mode::Proxy(p) => (
                Backend::Proxy(Proxy::new(p).map_err(|e| StartError(e.0))?),
                "proxy",
            ),
            Mode::Mock => {
                if config.unknown_version == UnknownVersion::Pass {
                    return Err(StartError(
                        "--unknown-version pass forwards requests unvalidated, which a mock cannot do: use strict or lenient with --mock".into(),
                    ));
                }
                let maker = mock::Maker::new()
                    .map_err(|_| StartError("no random source for the fingerprint key".into()))?;
                (
                    Backend::Mock(MockState {
                        maker,
                        cache: Mutex::new(Cache::new(config.idempotency_entries, IDEMPOTENCY_TTL)),
                    }),
                    "mock",
                )
            }
        };
        let mut builder = PreflightLayer::builder();
        if let Some(today) = config.today {
            builder = builder.today(today);
        }
        if let Some(rt) = &config.runtime_spec {
            builder = builder.runtime_spec(Arc::clone(rt));
        }
        let layer = builder
            .unknown_hint(UNKNOWN_HINT)
            .limits(Limits {
                max_body_bytes: config.max_body,
                ..Limits::default()
            })
            .read_timeout(config.read_timeout)
            .unknown_version(config.unknown_version)
            .stripe_headers(true)
            // The proxy forwards the body as it came: the verdict is enough. The mock builds
            // its token from the typed request.
            .typed_request(matches!(backend, Backend::Mock(_)))
            .enforce(config.enforce)
            .build();
        let listener = listen::bind(config.listen, config.server.backlog)
            .map_err(|e| StartError(format!("cannot listen on {}: {e}", config.listen)))?;
        Ok(Server {
            app: Arc::new(App {
                backend,
                layer,
                mode_name,
            }),
            listener,
            limits: config.server,
            log: LogTarget {
                format: config.log,
                sink: None,
            },
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Logs each request in `format` to `sink` (one line, without its newline, per call)
    /// instead of standard error: to collect the lines in a test, or to hand them to a
    /// logging library.
    pub fn log_to(
        mut self,
        format: LogFormat,
        sink: impl Fn(&str) + Send + Sync + 'static,
    ) -> Server {
        self.log = LogTarget {
            format: Some(format),
            sink: Some(Arc::new(sink)),
        };
        self
    }

    /// Serves one client connection over `io` (any byte stream: an in-memory pipe, a Unix
    /// socket) as if it had been accepted from `peer`, exactly as [`run`](Server::run)
    /// serves each TCP connection (the head gate, the per-connection limits, the header
    /// timeout; not the connection cap), until the connection ends.
    pub async fn serve_io<IO>(&self, io: IO, peer: SocketAddr)
    where
        IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let conn = Conn {
            app: Arc::clone(&self.app),
            peer,
            log: self.log.clone(),
        };
        let _ = listen::connection(io, conn, &self.limits, listen::BadHeads::Pass).await;
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let app = self.app;
        let log = self.log;
        listen::serve_with(
            self.listener,
            move |peer| Conn {
                app: Arc::clone(&app),
                peer,
                log: log.clone(),
            },
            &self.limits,
            shutdown,
            listen::BadHeads::Pass,
        )
        .await
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// `token-validate serve` (feature `cli`): [`run`] with the configuration of the flags
/// (and the runtime spec of `--openapi FILE`, read here: exit status 2 when it cannot be).
#[cfg(feature = "cli")]
pub fn main(args: &Args) -> ExitCode {
    let mut config = Config::from_args(args);
    if let Some(path) = &args.openapi {
        match crate::RuntimeSpec::from_path(path) {
            Ok(rt) => config.runtime_spec = Some(Arc::new(rt)),
            Err(e) => {
                eprintln!("token-validate serve: --openapi: {e}");
                return ExitCode::from(2);
            }
        }
    }
    run(config)
}

/// What `token-validate serve` does once its flags are read: starts a multi-threaded
/// runtime, binds, prints `listening on http://ADDR`, serves until SIGTERM or Ctrl-C.
/// Exit status 0 after a graceful stop, 2 when it cannot start.
pub fn run(config: Config) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("token-validate serve: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let unknown = config.unknown_version;
        let enforce = config.enforce;
        let learned = config.runtime_spec.as_ref().map(|rt| {
            format!(
                "; runtime spec {} ({}): {} parameter(s) beyond the bundled spec{}{}",
                rt.api_version(),
                rt.source(),
                rt.len(),
                if rt.is_empty() { "" } else { ": " },
                rt.paths().join(", ")
            )
        });
        let mode = match &config.mode {
            Mode::Mock => "mock (test double)".to_string(),
            Mode::Proxy(p) => format!("proxy to {}", p.upstream),
        };
        let server = match Server::bind(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("token-validate serve: {e}");
                return ExitCode::from(2);
            }
        };
        let addr = match server.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("token-validate serve: {e}");
                return ExitCode::from(2);
            }
        };
        println!("listening on http://{addr}");
        eprintln!(
            "token-validate serve: {mode}; spec {}{}; newer API versions: {unknown}; enforce: {enforce}; health: GET {HEALTH_PATH}",
            crate::token_spec::bundled().api_version,
            learned.unwrap_or_default()
        );
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        match server.run(shutdown_signal()).await {
            Ok(()) => {
                eprintln!("token-validate serve: stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("token-validate serve: {e}");
                ExitCode::from(1)
            }
        }
    })
}

/// The service of one client connection.
#[derive(Clone)]
struct Conn {
    app: Arc<App>,
    peer: SocketAddr,
    log: LogTarget,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl hyper::service::Service<Request<Incoming>> for Conn {
    type Response = Response<ServeBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<ServeBody>, Infallible>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let app = Arc::clone(&self.app);
        let peer = self.peer;
        let log = self.log.clone();
        Box::pin(async move { Ok(handle(app, peer, &log, req).await) })
    }
}

async fn handle(
    app: Arc<App>,
    peer: SocketAddr,
    log: &LogTarget,
    req: Request<Incoming>,
) -> Response<ServeBody> {
    let start = Instant::now();
    // A head hyper would have refused (see `head`) stands behind a synthetic request: its
    // answer, and its own request line in the log.
    let bad = req.extensions().get::<head::BadHead>().cloned();
    // The method and path as the log line quotes them: masked, and only when there is a log.
    let logged = log.format.map(|_| match &bad {
        Some(b) => {
            let m = b.method.as_deref().unwrap_or("");
            let p = b.path.as_deref().unwrap_or("");
            let rest = b.rest.as_deref().unwrap_or("");
            (
                log::safe_method(m).to_string(),
                log::safe_path_in_line(m, p, rest),
            )
        }
        None => (
            log::safe_method(req.method().as_str()).to_string(),
            log::safe_path_in_line(req.method().as_str(), req.uri().path(), ""),
        ),
    });
    let res = match (bad, route(req, app.layer.validated_path())) {
        (Some(bad), _) => boxed(bad.to_response()),
        (None, Err(refused)) => boxed(*refused),
        (None, Ok(req)) => answer(&app, peer, req).await,
    };
    if let (Some(format), Some((method, path))) = (log.format, logged) {
        let header = |n: &http::HeaderName| res.headers().get(n).and_then(|v| v.to_str().ok());
        let code = res
            .extensions()
            .get::<AnsweredError>()
            .map(|e| e.code.as_deref().unwrap_or(e.error_type));
        log::write_to(
            log.sink.as_deref(),
            format,
            &log::Record {
                method: &method,
                path: &path,
                status: res.status().as_u16(),
                duration: start.elapsed(),
                error_code: code,
                request_id: header(&REQUEST_ID_HEADER),
                policy: header(&VERSION_POLICY_HEADER),
                warnings: header(&crate::tower::WARNINGS_HEADER),
            },
        );
    }
    res
}

/// The request as it is routed, validated and forwarded: its path with dot segments
/// resolved (RFC 3986, percent-encoded dots too), so that the layer decides on the path
/// the upstream gets. A `POST` whose path only a lenient reader (one that decodes `%2F` or
/// reads `\` as `/`) would route to the validated path, or only a strict one, is refused
/// with a Stripe-shaped 400: no one path can be both validated and forwarded for it. So
/// is a `POST` whose path, cut at a `;` (path parameters, which some servers strip) or a
/// NUL (where C-string readers stop), plain or percent-encoded, is the validated path:
/// `/v1/tokens;x`, `/v1/tokens%3Bx`, `/v1/tokens%00`.
fn route<B>(
    mut req: Request<B>,
    validated: &crate::tower::ValidatedPath,
) -> Result<Request<B>, Box<Refused>> {
    if let Some(resolved) = crate::tower::remove_dot_segments(req.uri().path()) {
        let sent = SentPath(req.uri().path().to_string());
        req.extensions_mut().insert(sent);
        let pq = match req.uri().query() {
            Some(q) => format!("{resolved}?{q}"),
            None => resolved,
        };
        let mut parts = req.uri().clone().into_parts();
        match pq.parse() {
            Ok(p) => parts.path_and_query = Some(p),
            Err(_) => return Err(Box::new(answer::ambiguous_path(req.headers()))),
        }
        match http::Uri::from_parts(parts) {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return Err(Box::new(answer::ambiguous_path(req.headers()))),
        }
    }
    let path = req.uri().path();
    if req.method() == http::Method::POST {
        let lenient = crate::tower::normalize_path(path) == validated.lenient;
        let strict = crate::tower::segment_path(path) == validated.strict;
        if lenient != strict || cut_is(path, validated) {
            return Err(Box::new(answer::ambiguous_path(req.headers())));
        }
    }
    Ok(req)
}

/// Whether `path`, percent-decoded and cut at its first `;` or NUL, is the validated path
/// (as a lenient reader routes it), while `path` holds such a character.
fn cut_is(path: &str, validated: &crate::tower::ValidatedPath) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    match decoded.find([';', '\0']) {
        Some(i) => crate::tower::normalize_path(&decoded[..i]) == validated.lenient,
        None => false,
    }
}

/// The answer to a request refused before it is routed.
type Refused = Response<http_body_util::Full<Bytes>>;

/// The path of a request as the client sent it, before its dot segments were resolved (in
/// the extensions of a request whose path was).
#[derive(Debug, Clone)]
struct SentPath(String);

/// The answer to a routed request: the health endpoint, or the layer in front of the
/// backend.
async fn answer(app: &Arc<App>, peer: SocketAddr, req: Request<Incoming>) -> Response<ServeBody> {
    if req.uri().path() == HEALTH_PATH {
        boxed(health(app, &req))
    } else {
        let mut svc = app.layer.layer(Inner {
            app: Arc::clone(app),
            peer,
        });
        // The inner service is always ready.
        let ready = std::future::poll_fn(|cx| svc.poll_ready(cx)).await;
        match ready {
            Ok(()) => match svc.call(req).await {
                Ok(res) => res.map(|b| b.boxed_unsync()),
                Err(never) => match never {},
            },
            Err(never) => match never {},
        }
    }
}

fn health(app: &App, req: &Request<Incoming>) -> Response<http_body_util::Full<Bytes>> {
    answer::json(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "mode": app.mode_name,
            "api_version": crate::token_spec::bundled().api_version,
        }),
        req.headers(),
    )
}

/// Behind the layer: the upstream, or the mock.
#[derive(Clone)]
struct Inner {
    app: Arc<App>,
    peer: SocketAddr,
}

impl Service<Request<PreflightBody<Incoming>>> for Inner {
    type Response = Response<ServeBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<ServeBody>, Infallible>>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<PreflightBody<Incoming>>) -> Self::Future {
        let app = Arc::clone(&self.app);
        let peer = self.peer;
        Box::pin(async move {
            Ok(match &app.backend {
                Backend::Proxy(p) => p.forward(req).await,
                Backend::Mock(m) => m.answer(req, peer).await,
            })
        })
    }
}

impl MockState {
    async fn answer(
        &self,
        req: Request<PreflightBody<Incoming>>,
        peer: SocketAddr,
    ) -> Response<ServeBody> {
        let Some(request) = req.extensions().get::<TokenRequest>().cloned() else {
            // The path as the client sent it: quoted whole, as the log line has it (what
            // resolving dot segments leaves of it may hold part of a secret that the
            // whole would mask).
            let sent = req.extensions().get::<SentPath>();
            return boxed(answer::not_found(
                req.method(),
                sent.map_or(req.uri().path(), |p| p.0.as_str()),
                req.headers(),
            ));
        };
        let ctx = req
            .extensions()
            .get::<Context>()
            .cloned()
            .unwrap_or_else(Context::test_secret);
        let (parts, body) = req.into_parts();
        let headers = parts.headers;
        let key = match headers.get("idempotency-key") {
            None => None,
            Some(v) => match v.to_str() {
                Ok(k) if k.chars().count() > idempotency::MAX_KEY_LEN => {
                    return boxed(answer::error(
                        crate::http_answers::IDEMPOTENCY_KEY_TOO_LONG,
                        &idempotency::key_too_long_message(),
                        &headers,
                    ));
                }
                Ok(k) if !k.is_empty() => Some(k.to_string()),
                // Empty, or not printable ASCII (what `to_str` refuses).
                _ => {
                    return boxed(answer::error(
                        crate::http_answers::IDEMPOTENCY_KEY_INVALID,
                        &idempotency::key_invalid_message(),
                        &headers,
                    ));
                }
            },
        };
        let create = || -> Bytes {
            let token = self.maker.token(&request, &ctx, Some(peer.ip()));
            Bytes::from(token.to_json())
        };
        let Some(key) = key else {
            return boxed(answer::json_bytes(StatusCode::OK, create(), &headers));
        };
        // The validated body is buffered: this does not wait on the client.
        let body = body
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        let text = |n: &str| headers.get(n).map_or(&b""[..], |v| v.as_bytes());
        let scope = self
            .maker
            .digest(&[text("authorization"), text("stripe-account")], true);
        let digest = self.maker.digest(
            &[
                parts.method.as_str().as_bytes(),
                parts.uri.path().as_bytes(),
                parts.uri.query().unwrap_or("").as_bytes(),
                text("content-type"),
                &body,
            ],
            false,
        );
        let now = Instant::now();
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        match cache.lookup(scope, &key, &digest, now) {
            Lookup::Replay(saved) => {
                let mut res = Response::new(http_body_util::Full::new(saved.body.clone()));
                *res.status_mut() = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
                let status = res.status();
                crate::tower::add_stripe_headers(res.headers_mut(), &headers, status);
                if let Ok(v) = HeaderValue::from_str(&saved.request_id) {
                    res.headers_mut().insert("original-request", v);
                }
                res.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                boxed(res)
            }
            Lookup::Conflict => boxed(answer::error(
                crate::http_answers::IDEMPOTENCY_MISMATCH,
                &idempotency::mismatch_message(&key),
                &headers,
            )),
            Lookup::Miss => {
                let bytes = create();
                let res = answer::json_bytes(StatusCode::OK, bytes.clone(), &headers);
                let request_id = res
                    .headers()
                    .get(REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                cache.save(
                    scope,
                    &key,
                    Saved {
                        request: digest,
                        status: res.status().as_u16(),
                        body: bytes,
                        request_id,
                    },
                    now,
                );
                drop(cache);
                boxed(res)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serve's own answers are the spec's (`rules.json` `http`): status, type, message.
    #[test]
    fn answers_are_the_specs() {
        use http_body_util::BodyExt as _;
        let spec = crate::token_spec::bundled();
        let headers = http::HeaderMap::new();
        let body = |res: Response<http_body_util::Full<Bytes>>| {
            let status = res.status().as_u16();
            let Ok(collected) = futures_lite(res.into_body().collect());
            let bytes = collected.to_bytes();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            (status, v)
        };
        let cases = [
            (
                answer::upstream_error(false, &headers),
                "upstream_failed",
                None,
            ),
            (
                answer::upstream_error(true, &headers),
                "upstream_timeout",
                None,
            ),
            (
                answer::not_found(&http::Method::GET, "/v1/nothing", &headers),
                "not_found",
                Some("GET: /v1/nothing"),
            ),
            (answer::ambiguous_path(&headers), "ambiguous_path", None),
        ];
        for (res, name, value) in cases {
            let def = &spec.http[name];
            let (status, v) = body(res);
            assert_eq!(status, def.status, "{name}");
            assert_eq!(v["error"]["type"], def.ty.as_str(), "{name}");
            let want = def.message.replace("{value}", value.unwrap_or(""));
            assert_eq!(v["error"]["message"], want.as_str(), "{name}");
        }
        let def = &spec.http["idempotency_mismatch"];
        assert_eq!(
            mock::idempotency::mismatch_message("k-1"),
            def.message.replace("{value}", "k-1")
        );
        let def = &spec.http["idempotency_key_too_long"];
        let limit = def.limit.unwrap().to_string();
        assert_eq!(limit, mock::idempotency::MAX_KEY_LEN.to_string());
        assert_eq!(
            mock::idempotency::key_too_long_message(),
            def.message.replace("{limit}", &limit)
        );
        assert!(mock::idempotency::key_too_long_message().contains("up to 255 characters"));
        let def = &spec.http["idempotency_key_invalid"];
        assert_eq!(
            mock::idempotency::key_invalid_message(),
            def.message.replace("{limit}", &limit)
        );
    }

    /// The value of a future that is ready at once (an in-memory body).
    fn futures_lite<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let waker = std::task::Waker::noop();
        match f.as_mut().poll(&mut TaskContext::from_waker(waker)) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("an in-memory body is ready at once"),
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("x").is_err() && parse_duration("5h").is_err());
    }
}
