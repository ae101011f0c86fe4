//! Proxy mode: forwards a request to the upstream (Stripe) unchanged and streams its answer
//! back unchanged.
//!
//! Only the hop-by-hop headers (RFC 9110 §7.6.1: `Connection` and the headers it names,
//! `Keep-Alive`, `Proxy-*`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) and `Host`
//! (set from the upstream URL) are not passed on; the body goes byte for byte. Connections
//! to the upstream are pooled; TLS is rustls with the webpki (Mozilla) roots plus the
//! certificates of `--upstream-ca`. A connect failure is a 502, no response head within
//! the read timeout a 504 (Stripe-shaped `api_error`s); nothing is retried here. After
//! the head, a body that stalls for longer than the read timeout is cut off.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONNECTION, HOST};
use http::{HeaderMap, HeaderName, Request, Response, Uri};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::answer;
use super::listen::BoxError;

/// The body of everything `serve` answers.
pub type ServeBody = UnsyncBoxBody<Bytes, BoxError>;

/// Why the upstream settings are unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError(pub String);

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UpstreamError {}

/// Where and how requests are forwarded.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// The upstream base URL: `https://api.stripe.com`, or `http(s)://host:port[/prefix]`.
    pub upstream: String,
    /// PEM certificates to trust besides the webpki roots (a test upstream's).
    pub upstream_ca: Option<std::path::PathBuf>,
    /// Time allowed to open a TCP connection to the upstream.
    pub connect_timeout: Duration,
    /// Time allowed for the upstream's response head, and for each later read of its body.
    pub read_timeout: Duration,
}

/// The forwarding client.
#[derive(Clone)]
pub struct Proxy {
    client: Client<HttpsConnector<HttpConnector>, ServeBody>,
    scheme: String,
    authority: String,
    prefix: String,
    read_timeout: Duration,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field(
                "upstream",
                &format_args!("{}://{}{}", self.scheme, self.authority, self.prefix),
            )
            .finish()
    }
}

impl Proxy {
    /// A client for `config`, or what is wrong with it (the URL, the CA file).
    pub fn new(config: &ProxyConfig) -> Result<Proxy, UpstreamError> {
        let uri: Uri = config.upstream.parse().map_err(|e| {
            UpstreamError(format!(
                "--upstream {:?} is not a URL: {e}",
                config.upstream
            ))
        })?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_string(),
            _ => {
                return Err(UpstreamError(format!(
                    "--upstream {:?} must start with https:// (or http:// for a local test upstream)",
                    config.upstream
                )));
            }
        };
        let authority = uri.authority().map(|a| a.to_string()).ok_or_else(|| {
            UpstreamError(format!("--upstream {:?} has no host", config.upstream))
        })?;
        if uri.query().is_some() {
            return Err(UpstreamError(format!(
                "--upstream {:?} must not have a query string",
                config.upstream
            )));
        }
        let prefix = uri.path().trim_end_matches('/').to_string();

        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = &config.upstream_ca {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| UpstreamError(format!("--upstream-ca {}: {e}", path.display())))?
                .collect::<Result<_, _>>()
                .map_err(|e| UpstreamError(format!("--upstream-ca {}: {e}", path.display())))?;
            if certs.is_empty() {
                return Err(UpstreamError(format!(
                    "--upstream-ca {}: no PEM certificate in the file",
                    path.display()
                )));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| UpstreamError(format!("--upstream-ca {}: {e}", path.display())))?;
            }
        }
        // rustls 0.23.48 deprecates its ring provider ("no support for post-quantum
        // algorithms"): the key exchange with the upstream is classical (X25519, P-256),
        // as it was before. The provider that has them, aws-lc-rs, builds a C library;
        // until rustls' ring provider gains them, ring is kept and the deprecation is
        // acknowledged here, so that no build of this crate (a path or git dependency
        // included, which cargo does not silence) prints a warning.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| UpstreamError(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(config.connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .retry_canceled_requests(false)
            .build(https);
        Ok(Proxy {
            client,
            scheme,
            authority,
            prefix,
            read_timeout: config.read_timeout,
        })
    }

    /// Forwards `req` and returns the upstream's answer (status, headers less hop-by-hop,
    /// body streamed), or a 502/504 `api_error`.
    pub async fn forward<B>(&self, req: Request<B>) -> Response<ServeBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let (mut parts, body) = req.into_parts();
        let request_headers = parts.headers.clone();
        let pq = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let uri = match format!("{}://{}{}{}", self.scheme, self.authority, self.prefix, pq)
            .parse::<Uri>()
        {
            Ok(u) => u,
            Err(_) => return boxed(answer::upstream_error(false, &request_headers)),
        };
        parts.uri = uri;
        parts.version = http::Version::HTTP_11;
        strip_hop_by_hop(&mut parts.headers);
        parts.headers.remove(HOST);
        let body = IdleTimeout::new(body.map_err(Into::into).boxed_unsync(), self.read_timeout);
        let upstream_req = Request::from_parts(parts, body.boxed_unsync());
        let sent = tokio::time::timeout(self.read_timeout, self.client.request(upstream_req)).await;
        match sent {
            Err(_elapsed) => boxed(answer::upstream_error(true, &request_headers)),
            Ok(Err(_e)) => boxed(answer::upstream_error(false, &request_headers)),
            Ok(Ok(res)) => {
                let (mut parts, body) = res.into_parts();
                strip_hop_by_hop(&mut parts.headers);
                let body = IdleTimeout::new(
                    body.map_err(|e| -> BoxError { Box::new(e) }).boxed_unsync(),
                    self.read_timeout,
                );
                Response::from_parts(parts, body.boxed_unsync())
            }
        }
    }
}

/// A response of ours as a [`ServeBody`] response.
pub fn boxed<B>(res: Response<B>) -> Response<ServeBody>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    res.map(|b| b.map_err(Into::into).boxed_unsync())
}

const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
];

/// Removes the hop-by-hop headers, and those that `Connection` names.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok())
        .collect();
    for n in named {
        headers.remove(n);
    }
    for h in HOP_BY_HOP {
        headers.remove(h);
    }
    headers.remove(http::header::UPGRADE);
}

/// A body that fails when no frame arrives for `timeout`.
pub struct IdleTimeout<B> {
    inner: B,
    timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl<B> IdleTimeout<B> {
    /// Wraps `inner`.
    pub fn new(inner: B, timeout: Duration) -> Self {
        IdleTimeout {
            inner,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

/// The error of a body that stalled.
#[derive(Debug)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the body stalled for longer than the read timeout")
    }
}

impl std::error::Error for BodyTimeout {}

impl<B> Body for IdleTimeout<B>
where
    B: Body + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(r) => {
                let deadline = tokio::time::Instant::now() + this.timeout;
                this.sleep.as_mut().reset(deadline);
                Poll::Ready(r.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match this.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
