//! A hardened HTTP/1.1 accept loop for any hyper service: a header-read timeout, a cap on
//! concurrent connections, keep-alive limits, and graceful shutdown.
//!
//! `axum::serve` has no header-read timeout: a client that sends one byte a second holds
//! its connection (and a file descriptor) forever. [`serve`] closes a connection whose
//! request head has not arrived within [`ServerLimits::header_read_timeout`], which is
//! also how long an idle keep-alive connection is kept; it serves at most
//! [`ServerLimits::max_connections`] connections at once (further clients wait in the
//! listen backlog until one closes: bind with [`bind`] for a backlog that holds a burst);
//! and it closes a connection after
//! [`ServerLimits::max_requests_per_connection`] requests. On shutdown it stops
//! accepting, lets every connection finish the request in flight, and waits at most
//! [`ServerLimits::drain_timeout`] for them.
//!
//! A tower service such as an axum `Router` is served with [`serve_tower`]:
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use token_validate::serve::listen::{ServerLimits, serve_tower};
//!
//! let app = axum::Router::new();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:4242").await?;
//! let shutdown = async { let _ = tokio::signal::ctrl_c().await; };
//! serve_tower(listener, app, &ServerLimits::default(), shutdown).await
//! # }
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONNECTION, TRANSFER_ENCODING};
use http::{HeaderValue, Request, Response};
use http_body::Body;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::head;

/// The default listen backlog: connections the kernel completes and queues until they are
/// accepted (stripe-mock's figure; Linux caps it at `net.core.somaxconn`, 4096 by default
/// since Linux 5.4).
pub const DEFAULT_BACKLOG: u32 = 4096;

/// Binds `addr` with a listen backlog of `backlog` connections (through
/// [`tokio::net::TcpSocket`]; tokio's `TcpListener::bind`, like std's, always asks for
/// 128, too few for a burst of clients, whose extra SYNs are dropped and retried a second
/// later). `SO_REUSEADDR` is set, as `TcpListener::bind` does on Unix, so a restarted
/// server can bind while old connections are in `TIME_WAIT`.
pub fn bind(addr: SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog.max(1))
}

/// The limits of [`serve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// How long a client has to send a whole request head (request line and headers),
    /// from the connection's start or the end of its previous request; a connection that
    /// is idle or slower is closed. Default 10 s.
    pub header_read_timeout: Duration,
    /// The most connections served at once; further clients wait in the listen backlog
    /// ([`ServerLimits::backlog`]). Default 1024.
    pub max_connections: usize,
    /// The listen backlog that `serve`'s [`Server::bind`](crate::serve::Server::bind) asks
    /// for ([`bind`]): how many connections the kernel completes and queues before they
    /// are accepted, beyond which a client's SYN is dropped (and retried a second later).
    /// Default [`DEFAULT_BACKLOG`].
    pub backlog: u32,
    /// Requests served on one connection before it is closed (`Connection: close` on the
    /// last answer). Default 1000.
    pub max_requests_per_connection: usize,
    /// How long shutdown waits for the requests in flight. Default 30 s.
    pub drain_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            backlog: DEFAULT_BACKLOG,
            max_requests_per_connection: 1000,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// The boxed error of a response body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves `listener` until `shutdown` completes, then drains (see the [module
/// docs](self)). `make` builds the service of one connection from the client's address.
///
/// A request head that hyper would refuse (a bad header, a URI over 65,534 bytes, more than
/// 100 headers, a bad `Content-Length`: see [`head`]) is answered here with
/// Stripe's `invalid_request_error` JSON ([`BadHead::to_response`](head::BadHead::to_response)), and the connection
/// closed; the service never sees it.
///
/// Errors accepting a connection (such as running out of file descriptors) do not stop
/// the loop: it waits a moment and accepts again.
pub async fn serve<M, S, B>(
    listener: TcpListener,
    make: M,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    M: Fn(SocketAddr) -> S,
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    serve_with(listener, make, limits, shutdown, BadHeads::Answer).await
}

/// Who answers a bad request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadHeads {
    /// The accept loop, with [`BadHead::to_response`](head::BadHead::to_response).
    Answer,
    /// The service: its synthetic request carries the [`BadHead`](head::BadHead) in its
    /// extensions.
    Pass,
}

/// [`serve`], with the choice of who answers bad heads.
pub(crate) async fn serve_with<M, S, B>(
    listener: TcpListener,
    make: M,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()>,
    bad_heads: BadHeads,
) -> std::io::Result<()>
where
    M: Fn(SocketAddr) -> S,
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(_) => {
                    // EMFILE and the like: give connections time to close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let conn = graceful.watch(connection(stream, make(peer), limits, bad_heads));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain_timeout) => {}
    }
    Ok(())
}

/// One connection over `io`, as [`serve_with`] serves it: hyper's HTTP/1.1 with the
/// header-read timeout, behind the [`Gate`](head::Gate), with the per-connection limits.
pub(crate) fn connection<IO, S, B>(
    io: IO,
    service: S,
    limits: &ServerLimits,
    bad_heads: BadHeads,
) -> http1::Connection<TokioIo<head::Gate<IO>>, Limited<S>>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let slot = head::Slot::default();
    let service = Limited {
        inner: service,
        served: Arc::new(AtomicUsize::new(0)),
        max: limits.max_requests_per_connection.max(1),
        slot: Arc::clone(&slot),
        bad_heads,
    };
    http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(head::Gate::new(io, slot)), service)
}

/// [`serve`] for a tower service (an axum `Router`, a service behind
/// [`PreflightLayer`](crate::tower::PreflightLayer)), cloned for each connection.
pub async fn serve_tower<S, B>(
    listener: TcpListener,
    service: S,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: ::tower::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    serve(
        listener,
        move |_peer| hyper_util::service::TowerToHyperService::new(service.clone()),
        limits,
        shutdown,
    )
    .await
}

/// Counts the requests of one connection and asks to close it after the last one (and
/// after a request with a chunked body, whose end the [`Gate`](head::Gate) does not
/// track); hands a bad head's synthetic request its [`BadHead`](head::BadHead), or
/// answers it.
pub(crate) struct Limited<S> {
    inner: S,
    served: Arc<AtomicUsize>,
    max: usize,
    slot: head::Slot,
    bad_heads: BadHeads,
}

/// The body of an answer of the accept loop (`Left`) or of the service (`Right`).
type LimitedBody<B> = Either<Full<Bytes>, B>;

impl<S, B> Service<Request<Incoming>> for Limited<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<LimitedBody<B>>;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<Response<LimitedBody<B>>, S::Error>> + Send + 'static>,
    >;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        let n = self.served.fetch_add(1, Ordering::Relaxed) + 1;
        let last = n >= self.max || req.headers().contains_key(TRANSFER_ENCODING);
        if let Some(bad) = head::take(&self.slot) {
            if self.bad_heads == BadHeads::Answer {
                let res = bad.to_response().map(Either::Left);
                return Box::pin(async move { Ok(res) });
            }
            req.extensions_mut().insert(bad);
        }
        let fut = self.inner.call(req);
        Box::pin(async move {
            let mut res = fut.await?.map(Either::Right);
            if last {
                res.headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(res)
        })
    }
}
