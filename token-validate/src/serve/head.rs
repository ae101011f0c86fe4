//! Request heads that hyper would refuse, answered like every other request.
//!
//! hyper answers a request head it cannot parse (a bad header name, a URI over 65,534
//! bytes, more than 100 headers, a head over its buffer, a malformed `Content-Length`) with
//! a bare status line and no body, and never calls the service, so nothing of ours can
//! answer or log it. [`Gate`] reads each head before hyper does, with the same parser
//! (`httparse`, at the version and with the settings hyper uses) and the same checks
//! ([`examine`]); hyper only ever sees a head that passed. A head that fails is replaced
//! by a one-line synthetic request (`GET / HTTP/1.1` with `Connection: close`, or `HEAD`
//! for a `HEAD` request), and what was wrong ([`BadHead`]) goes to the service with it, in
//! the request extensions, so the answer is made, framed and logged like every other:
//! Stripe's `invalid_request_error` JSON with Stripe's headers, 400, 414 or 431, then the
//! connection is closed. A `HEAD` request's answer has no body (HTTP does not allow one);
//! every other carries it.
//!
//! To find where the next head starts, the gate gives hyper exactly one message at a time:
//! the head, then `Content-Length` bytes of body. A request with a chunked body is passed
//! through whole and its connection closed after the answer ([`listen`](super::listen)
//! asks for `Connection: close`), so that no later head on it escapes the gate.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Response, StatusCode};
use http_body_util::Full;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::http_answer::HttpAnswer;

/// The most headers a request may have (hyper's default, `max_headers`); more is a 431.
pub const MAX_HEADERS: usize = 100;

/// The longest request target (hyper's limit); longer is a 414.
pub const MAX_URI_LEN: usize = u16::MAX as usize - 1;

/// The largest request head, in bytes (hyper's default read buffer, `max_buf_size`): a
/// head still incomplete at this size is a 414 if its request line never ended, else a
/// 431.
pub const MAX_HEAD_BYTES: usize = 8192 + 4096 * 100;

/// How long a connection closed after a bad head keeps reading (and dropping) what the
/// client still sends, so that the client sees the answer rather than a reset.
const LINGER: Duration = Duration::from_secs(1);

/// The most bytes read and dropped while lingering.
const LINGER_BYTES: usize = 1 << 20;

/// What is wrong with a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A header line that is not `Name: value` with a token for a name, or a bad line end.
    Header,
    /// A method that is not an HTTP token.
    Method,
    /// A request target that is not a URL path (or absolute URL).
    Uri,
    /// A request line that does not end with `HTTP/1.0` or `HTTP/1.1`.
    Version,
    /// A request target longer than [`MAX_URI_LEN`], or a request line that never ends.
    UriTooLong,
    /// More than [`MAX_HEADERS`] headers.
    TooManyHeaders,
    /// A head longer than [`MAX_HEAD_BYTES`] (or a header name over 64 KiB).
    HeadTooLarge,
    /// A `Content-Length` that is not one decimal number, or several that differ.
    ContentLength,
    /// A `Transfer-Encoding` whose last coding is not `chunked`, or one in HTTP/1.0.
    TransferEncoding,
}

impl Problem {
    /// The spec's definition of the answer (`rules.json` `http`: `bad_header`,
    /// `bad_method`, `bad_uri`, `bad_version`, `uri_too_long`, `too_many_headers`,
    /// `head_too_large`, `bad_content_length`, `bad_transfer_encoding`): status, type and
    /// message, off the confidence scale (`protocol`: given whatever the threshold).
    pub fn answer(self) -> HttpAnswer {
        use crate::http_answers as a;
        match self {
            Problem::Header => a::BAD_HEADER,
            Problem::Method => a::BAD_METHOD,
            Problem::Uri => a::BAD_URI,
            Problem::Version => a::BAD_VERSION,
            Problem::UriTooLong => a::URI_TOO_LONG,
            Problem::TooManyHeaders => a::TOO_MANY_HEADERS,
            Problem::HeadTooLarge => a::HEAD_TOO_LARGE,
            Problem::ContentLength => a::BAD_CONTENT_LENGTH,
            Problem::TransferEncoding => a::BAD_TRANSFER_ENCODING,
        }
    }

    /// The HTTP status answered: 414, 431 or 400 (as hyper's own).
    pub fn status(self) -> StatusCode {
        self.answer().status_code()
    }

    /// The error message (this crate's wording, in Stripe's style), its `{limit}` filled
    /// with the server's limit ([`MAX_URI_LEN`], [`MAX_HEADERS`], [`MAX_HEAD_BYTES`]).
    pub fn message(self) -> String {
        let answer = self.answer();
        match self {
            Problem::UriTooLong => answer.message_with_limit(MAX_URI_LEN),
            Problem::TooManyHeaders => answer.message_with_limit(MAX_HEADERS),
            Problem::HeadTooLarge => answer.message_with_limit(MAX_HEAD_BYTES),
            _ => answer.message.to_string(),
        }
    }
}

/// A request head that failed [`examine`]: what was wrong, and what could be read of its
/// request line (raw: quote it through [`crate::quote`] before it leaves the process; its
/// `Debug` does: the method and path as the log line has them, masked).
#[derive(Clone, PartialEq, Eq)]
pub struct BadHead {
    /// What is wrong.
    pub problem: Problem,
    /// The method, if the request line got that far (raw).
    pub method: Option<String>,
    /// The request target's path, if the request line got that far (raw and whole,
    /// without the query string: a quote judges a run of digits that goes on past its cut
    /// by what follows).
    pub path: Option<String>,
    /// What follows the request target on the request line (raw and whole): judged with
    /// the path, so that a number split by the line's spaces is one run of digits
    /// ([`crate::quote::url_path_in_line`]).
    pub rest: Option<String>,
}

impl std::fmt::Debug for BadHead {
    /// The problem, and the method and path through [`crate::quote`]'s rule (as the log
    /// line quotes them: the path judged with the rest of its request line, which is not
    /// shown itself): never a digit run of the raw request line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let method = self.method.as_deref().unwrap_or("");
        let path = self
            .path
            .as_deref()
            .map(|p| crate::quote::url_path_in_line(method, p, self.rest.as_deref().unwrap_or("")));
        f.debug_struct("BadHead")
            .field("problem", &self.problem)
            .field("method", &self.method.as_deref().map(crate::quote::method))
            .field("path", &path)
            .field(
                "rest",
                &self.rest.as_ref().map(|r| format!("{} bytes", r.len())),
            )
            .finish()
    }
}

impl BadHead {
    /// Whether the request was a `HEAD` (its answer has no body).
    pub fn is_head_request(&self) -> bool {
        self.method.as_deref() == Some("HEAD")
    }

    /// The Stripe-shaped answer: `{"error": {"type": "invalid_request_error", "message":
    /// …}}` with Stripe's headers and `Connection: close`.
    pub fn to_response(&self) -> Response<Full<Bytes>> {
        let mut res = super::answer::error(
            self.problem.answer(),
            &self.problem.message(),
            &HeaderMap::new(),
        );
        res.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
        res
    }
}

/// Where a bad head waits for the service call of its synthetic request (one per
/// connection).
pub(crate) type Slot = Arc<Mutex<Option<BadHead>>>;

/// Takes the bad head of a connection, if any.
pub(crate) fn take(slot: &Slot) -> Option<BadHead> {
    match slot.lock() {
        Ok(mut s) => s.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    }
}

/// How the body after a head is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// This many bytes (0 without `Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// What [`examine`] makes of the bytes at the start of a head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// Not a whole head yet.
    Partial,
    /// A head of this many bytes that hyper will take, and its body's framing.
    Complete(usize, Framing),
    /// A head hyper would refuse.
    Bad(BadHead),
}

/// Judges the head at the start of `buf` as hyper 1.x's HTTP/1 server does (its parser,
/// `httparse`, with the default settings, then its own checks of the method, the request
/// target, header names and the body's framing), without its size limit, which the caller
/// applies ([`MAX_HEAD_BYTES`]).
pub fn examine(buf: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let parsed = req.parse(buf);
    let bad = |problem, req: &httparse::Request<'_, '_>| {
        // What follows the path on the request line: from the end of the path (a slice of
        // `buf`) to the end of the line.
        let rest = req.path.map(|p| {
            let end = (p.as_ptr() as usize - buf.as_ptr() as usize) + p.len();
            let tail = &buf[end.min(buf.len())..];
            let line = tail.split(|&b| b == b'\n').next().unwrap_or_default();
            text(line)
        });
        Head::Bad(BadHead {
            problem,
            method: req.method.map(str::to_string),
            path: req
                .path
                .map(|p| text(p.split('?').next().unwrap_or(p).as_bytes())),
            rest,
        })
    };
    let len = match parsed {
        Ok(httparse::Status::Partial) => return Head::Partial,
        Ok(httparse::Status::Complete(len)) => len,
        Err(e) => {
            let problem = match e {
                httparse::Error::TooManyHeaders => Problem::TooManyHeaders,
                httparse::Error::Version => Problem::Version,
                // As hyper: a bad token before the method is read is the method's, before
                // the path the path's.
                httparse::Error::Token if req.method.is_none() => Problem::Method,
                httparse::Error::Token if req.path.is_none() => Problem::Uri,
                _ => Problem::Header,
            };
            return bad(problem, &req);
        }
    };
    let (Some(method), Some(path), Some(version)) = (req.method, req.path, req.version) else {
        return bad(Problem::Header, &req);
    };
    if path.len() > MAX_URI_LEN {
        return bad(Problem::UriTooLong, &req);
    }
    if http::Method::from_bytes(method.as_bytes()).is_err() {
        return bad(Problem::Method, &req);
    }
    if http::Uri::try_from(path).is_err() {
        return bad(Problem::Uri, &req);
    }
    let http11 = version == 1;
    let (mut te, mut chunked, mut length) = (false, false, None);
    for h in req.headers.iter() {
        if h.name.len() >= 1 << 16 {
            return bad(Problem::HeadTooLarge, &req);
        }
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if !http11 {
                return bad(Problem::TransferEncoding, &req);
            }
            te = true;
            length = None;
            // The last coding must be chunked (hyper's `is_chunked_`).
            chunked = std::str::from_utf8(h.value).is_ok_and(|v| {
                v.rsplit(',')
                    .next()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"))
            });
        } else if h.name.eq_ignore_ascii_case("content-length") {
            if te {
                continue;
            }
            let Some(n) = decimal(h.value).filter(|n| *n <= u64::MAX - 2) else {
                return bad(Problem::ContentLength, &req);
            };
            if length.is_some_and(|prev| prev != n) {
                return bad(Problem::ContentLength, &req);
            }
            length = Some(n);
        }
    }
    if te && !chunked {
        return bad(Problem::TransferEncoding, &req);
    }
    let framing = if te {
        Framing::Chunked
    } else {
        Framing::Length(length.unwrap_or(0))
    };
    Head::Complete(len, framing)
}

/// A decimal number of ASCII digits only (no sign, no space), as hyper reads a
/// `Content-Length`.
fn decimal(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// The synthetic request that stands for a bad head.
const SYNTHETIC_GET: &[u8] = b"GET / HTTP/1.1\r\nconnection: close\r\n\r\n";
/// The same for a `HEAD` request, whose answer has no body.
const SYNTHETIC_HEAD: &[u8] = b"HEAD / HTTP/1.1\r\nconnection: close\r\n\r\n";

/// Where the gate is in the stream of requests.
#[derive(Debug)]
enum State {
    /// At the start of a head: read it whole and judge it before hyper sees any of it.
    Head,
    /// Within a message: hyper may read this many more bytes before the next head.
    Message(u64),
    /// Past a head whose body is chunked, or that the client ended half-way: everything
    /// goes to hyper unjudged (the connection closes after this request).
    Open,
    /// Feeding the synthetic request of a bad head, from this offset.
    Synthetic(&'static [u8], usize),
    /// After the synthetic request: nothing to read, ever (not an end of stream, which
    /// hyper would take for a client gone before its answer).
    Parked,
    /// The end of the stream.
    Eof,
}

/// A connection's stream, through which hyper reads only heads that [`examine`] passed
/// (see the [module docs](self)).
pub struct Gate<IO> {
    inner: IO,
    /// Bytes read from the connection that hyper has not had yet.
    buf: Vec<u8>,
    state: State,
    slot: Slot,
    /// After a bad head: read and drop what the client still sends when closing.
    linger: Option<(Pin<Box<tokio::time::Sleep>>, usize)>,
    answered_bad_head: bool,
}

impl<IO> std::fmt::Debug for Gate<IO> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("buffered", &self.buf.len())
            .field("state", &self.state)
            .finish()
    }
}

impl<IO> Gate<IO> {
    /// A gate over `inner` that leaves the bad head it finds in `slot`.
    pub(crate) fn new(inner: IO, slot: Slot) -> Self {
        Gate {
            inner,
            buf: Vec::new(),
            state: State::Head,
            slot,
            linger: None,
            answered_bad_head: false,
        }
    }
}

impl<IO: AsyncRead + Unpin> Gate<IO> {
    /// Reads more of the connection into `buf`: the number of bytes read (0 at its end).
    fn fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut chunk = [0u8; 8192];
        let mut rb = ReadBuf::new(&mut chunk);
        ready!(Pin::new(&mut self.inner).poll_read(cx, &mut rb))?;
        let n = rb.filled().len();
        self.buf.extend_from_slice(rb.filled());
        Poll::Ready(Ok(n))
    }

    /// Moves up to `limit` buffered bytes into `out`.
    fn give(&mut self, out: &mut ReadBuf<'_>, limit: u64) -> usize {
        let n = out
            .remaining()
            .min(self.buf.len())
            .min(usize::try_from(limit).unwrap_or(usize::MAX));
        out.put_slice(&self.buf[..n]);
        self.buf.drain(..n);
        n
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Gate<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match this.state {
                State::Eof => return Poll::Ready(Ok(())),
                State::Parked => return Poll::Pending,
                State::Synthetic(bytes, at) => {
                    let n = out.remaining().min(bytes.len() - at);
                    out.put_slice(&bytes[at..at + n]);
                    this.state = if at + n == bytes.len() {
                        State::Parked
                    } else {
                        State::Synthetic(bytes, at + n)
                    };
                    return Poll::Ready(Ok(()));
                }
                State::Open => {
                    if this.buf.is_empty() {
                        return Pin::new(&mut this.inner).poll_read(cx, out);
                    }
                    this.give(out, u64::MAX);
                    return Poll::Ready(Ok(()));
                }
                State::Message(0) => this.state = State::Head,
                State::Message(left) => {
                    if this.buf.is_empty() && ready!(this.fill(cx))? == 0 {
                        // The client ended within the message: hyper sees the end.
                        this.state = State::Eof;
                        return Poll::Ready(Ok(()));
                    }
                    let n = this.give(out, left);
                    this.state = State::Message(left - n as u64);
                    return Poll::Ready(Ok(()));
                }
                State::Head => match examine(&this.buf) {
                    Head::Complete(len, Framing::Length(body)) => {
                        this.state = State::Message(len as u64 + body);
                    }
                    Head::Complete(_, Framing::Chunked) => this.state = State::Open,
                    Head::Bad(bad) => this.refuse(bad),
                    Head::Partial if this.buf.len() >= MAX_HEAD_BYTES => {
                        let line_ended = this.buf.contains(&b'\n');
                        let problem = if line_ended {
                            Problem::HeadTooLarge
                        } else {
                            Problem::UriTooLong
                        };
                        let bad = BadHead {
                            problem,
                            ..request_line(&this.buf)
                        };
                        this.refuse(bad);
                    }
                    Head::Partial => {
                        if ready!(this.fill(cx))? == 0 {
                            // The client ended before a whole head: hyper sees what came
                            // (and closes without an answer, as for any cut head).
                            this.state = if this.buf.is_empty() {
                                State::Eof
                            } else {
                                State::Open
                            };
                        }
                    }
                },
            }
        }
    }
}

impl<IO> Gate<IO> {
    /// Replaces the bad head with its synthetic request, and leaves it for the service.
    fn refuse(&mut self, bad: BadHead) {
        let synthetic = if bad.is_head_request() {
            SYNTHETIC_HEAD
        } else {
            SYNTHETIC_GET
        };
        match self.slot.lock() {
            Ok(mut s) => *s = Some(bad),
            Err(poisoned) => *poisoned.into_inner() = Some(bad),
        }
        self.buf = Vec::new();
        self.state = State::Synthetic(synthetic, 0);
        self.answered_bad_head = true;
    }
}

/// Raw bytes as text, whole: a quote judges a run of digits that goes on past its cut by
/// what follows (at most a head's worth: [`MAX_HEAD_BYTES`]).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The method, path and rest of a request line that may be incomplete or too long (for the
/// log line of a head too large to parse).
fn request_line(buf: &[u8]) -> BadHead {
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut parts = line.splitn(3, |&b| b == b' ');
    let method = parts.next().filter(|m| !m.is_empty()).map(text);
    let path = parts
        .next()
        .map(|p| text(p.split(|&b| b == b'?').next().unwrap_or_default()));
    let rest = parts.next().map(text);
    BadHead {
        problem: Problem::HeadTooLarge,
        method,
        path,
        rest,
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Gate<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    /// Shuts the writing side; after a bad head, then reads and drops what the client still
    /// sends (at most 1 MiB, for at most a second), so that closing with
    /// unread data does not reset the connection before the client reads the answer.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
        if !this.answered_bad_head {
            return Poll::Ready(Ok(()));
        }
        let (sleep, dropped) = this
            .linger
            .get_or_insert_with(|| (Box::pin(tokio::time::sleep(LINGER)), 0));
        let mut chunk = [0u8; 8192];
        loop {
            if *dropped >= LINGER_BYTES || sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            let mut rb = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut rb) {
                Poll::Ready(Ok(())) if !rb.filled().is_empty() => *dropped += rb.filled().len(),
                Poll::Ready(_) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(head: &[u8]) -> Option<Problem> {
        match examine(head) {
            Head::Bad(b) => Some(b.problem),
            _ => None,
        }
    }

    #[test]
    fn heads_hyper_takes() {
        assert_eq!(
            examine(b"GET /v1/x HTTP/1.1\r\nhost: a\r\n\r\nrest"),
            Head::Complete(31, Framing::Length(0))
        );
        assert_eq!(
            examine(b"POST / HTTP/1.1\r\ncontent-length: 12\r\ncontent-length: 12\r\n\r\n"),
            Head::Complete(59, Framing::Length(12))
        );
        assert_eq!(
            examine(
                b"POST / HTTP/1.1\r\ntransfer-encoding: gzip, chunked\r\ncontent-length: x\r\n\r\n"
            ),
            Head::Complete(72, Framing::Chunked)
        );
        assert_eq!(examine(b"GET / HTTP/1.1\r\nhost: a\r\n"), Head::Partial);
        assert_eq!(examine(b""), Head::Partial);
    }

    #[test]
    fn heads_hyper_refuses() {
        for (head, want) in [
            (
                &b"GET / HTTP/1.1\r\nbad header: x\r\n\r\n"[..],
                Problem::Header,
            ),
            (b"GET / HTTP/1.1\r\n(x): y\r\n\r\n", Problem::Header),
            (b"G(T / HTTP/1.1\r\n\r\n", Problem::Method),
            (b"GET /a\x01b HTTP/1.1\r\n\r\n", Problem::Uri),
            (b"GET / HTTP/2.0\r\n\r\n", Problem::Version),
            (
                b"POST / HTTP/1.1\r\ncontent-length: 1x\r\n\r\n",
                Problem::ContentLength,
            ),
            (
                b"POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n",
                Problem::ContentLength,
            ),
            (
                b"POST / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
                Problem::ContentLength,
            ),
            (
                b"POST / HTTP/1.1\r\ncontent-length: 99999999999999999999\r\n\r\n",
                Problem::ContentLength,
            ),
            (
                b"POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n",
                Problem::TransferEncoding,
            ),
            (
                b"POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n",
                Problem::TransferEncoding,
            ),
        ] {
            assert_eq!(
                problem(head),
                Some(want),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "a: b\r\n".repeat(101));
        assert_eq!(problem(many.as_bytes()), Some(Problem::TooManyHeaders));
        let just = format!("GET / HTTP/1.1\r\n{}\r\n", "a: b\r\n".repeat(100));
        assert!(matches!(examine(just.as_bytes()), Head::Complete(..)));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_URI_LEN));
        assert_eq!(problem(long.as_bytes()), Some(Problem::UriTooLong));
        // What the request line had is kept for the log.
        match examine(b"4242424242424242 /v1/tokens?x=1 HTTP/1.1\r\nbad header: x\r\n\r\n") {
            Head::Bad(b) => {
                assert_eq!(b.method.as_deref(), Some("4242424242424242"));
                assert_eq!(b.path.as_deref(), Some("/v1/tokens"));
                assert_eq!(b.rest.as_deref(), Some(" HTTP/1.1\r"));
            }
            other => panic!("{other:?}"),
        }
    }

    /// Review 1 M1: the `Debug` of a bad head masks what its request line may carry.
    #[test]
    fn debug_masks_the_request_line() {
        match examine(
            b"4242424242424242 /v1/tokens/4242424242424242 HTTP/1.1\r\nbad header: x\r\n\r\n",
        ) {
            Head::Bad(b) => {
                let shown = format!("{b:?}");
                assert!(!shown.contains("4242"), "{shown}");
                assert!(shown.contains("(redacted)"), "{shown}");
                assert!(shown.contains("/v1/tokens/****"), "{shown}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_are_stripe_shaped() {
        for p in [
            Problem::Header,
            Problem::UriTooLong,
            Problem::TooManyHeaders,
        ] {
            let res = BadHead {
                problem: p,
                method: None,
                path: None,
                rest: None,
            }
            .to_response();
            assert_eq!(res.status(), p.status());
            assert!(
                res.headers()["request-id"]
                    .to_str()
                    .unwrap()
                    .starts_with("req_")
            );
            assert_eq!(res.headers()["connection"], "close");
            assert_eq!(res.headers()["content-type"], "application/json");
        }
    }
}
