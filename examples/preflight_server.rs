//! A pre-flight server: `PreflightLayer` in front of a handler that stands in for Stripe's
//! `POST /v1/tokens`.
//!
//! ```text
//! cargo run --example preflight_server -- --port 4242     # or PORT=4242
//! curl -s http://127.0.0.1:4242/v1/tokens -u sk_test_abc: \
//!     -d 'card[number]=4242424242424242' -d 'card[exp_month]=12' -d 'card[exp_year]=2050'
//! ```
//!
//! A valid request reaches the stand-in, which answers `{"id": "tok_...", "object": "token",
//! "type": KIND}`; an invalid one is answered by the layer with Stripe's error. The server
//! only listens on `127.0.0.1`, through the hardened accept loop of
//! `token_validate::serve::listen` (header-read timeout, connection cap, keep-alive limits:
//! `axum::serve` has no header-read timeout, so slow clients could hold it). For a
//! ready-made proxy or test double, run `token-validate serve` instead.
//!
//! `tests/server.rs` includes this file (`#[path]`) and builds the same router with
//! [`router_with`] and its own handlers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::json;
use token_validate::axum::Preflight;
use token_validate::serve::listen::{ServerLimits, serve_tower};
use token_validate::tower::PreflightLayer;

/// The default port.
pub const DEFAULT_PORT: u16 = 4242;

/// The router: `tokens` handles `POST /v1/tokens` (behind the layer), `fallback` every other
/// request (the layer passes those through untouched).
pub fn router_with<H, T, F, U>(layer: PreflightLayer, tokens: H, fallback: F) -> Router
where
    H: Handler<T, ()>,
    F: Handler<U, ()>,
    T: 'static,
    U: 'static,
{
    Router::new()
        .route("/v1/tokens", post(tokens))
        .fallback(fallback)
        .layer(layer)
}

/// The example's router: the stand-in token handler and a Stripe-style 404.
pub fn router(layer: PreflightLayer) -> Router {
    router_with(layer, create_token, not_found)
}

/// The stand-in for Stripe: a token object of the request's kind.
pub async fn create_token(Preflight(request): Preflight) -> Json<serde_json::Value> {
    Json(json!({
        "id": token_id(),
        "object": "token",
        "type": request.kind(),
    }))
}

/// Stripe's answer to an unknown URL (commonly seen wording, unverified).
pub async fn not_found(method: Method, uri: Uri) -> impl IntoResponse {
    let message = format!(
        "Unrecognized request URL ({method}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
        uri.path()
    );
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": {"type": "invalid_request_error", "message": message}})),
    )
}

/// A random-looking token id from the clock and a counter: `tok_` and 24 hex digits.
pub fn token_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // SplitMix64 scrambles the bits so ids do not look sequential.
    let mut z = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    format!("tok_{z:016x}{:08x}", (n as u32) ^ (nanos as u32))
}

/// The port from `--port N` / `--port=N`, else `PORT`, else 4242.
pub fn port_from(args: &[String], env: Option<String>) -> Result<u16, String> {
    const USAGE: &str = "usage: preflight_server [--port PORT]   (or the PORT variable)";
    let value = match args {
        [] => None,
        [flag, v] if flag == "--port" => Some(v.clone()),
        [flag] if flag == "--port" => return Err("--port needs a value".into()),
        [a] if a.starts_with("--port=") => Some(a["--port=".len()..].to_string()),
        [a] if a == "-h" || a == "--help" => return Err(USAGE.into()),
        _ => return Err(format!("unexpected arguments {args:?}; {USAGE}")),
    };
    match value {
        Some(v) => v.parse().map_err(|_| format!("invalid port {v:?}")),
        None => match env {
            Some(v) => v.parse().map_err(|_| format!("invalid PORT {v:?}")),
            None => Ok(DEFAULT_PORT),
        },
    }
}

/// Serves `app` on `listener` with `limits` until `shutdown`, finishing the requests in
/// flight.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &ServerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    serve_tower(listener, app, limits, shutdown).await
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match port_from(&args, std::env::var("PORT").ok()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let listener =
        match tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
                std::process::exit(1);
            }
        };
    let port = listener.local_addr().map_or(port, |a| a.port());
    println!("listening on http://127.0.0.1:{port}");
    let app = router(PreflightLayer::new());
    // Ctrl-C or SIGTERM: stop accepting, finish the requests in flight.
    let shutdown = token_validate::serve::shutdown_signal();
    if let Err(e) = serve_app(listener, app, &ServerLimits::default(), shutdown).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}
