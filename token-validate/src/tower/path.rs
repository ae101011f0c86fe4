//! Which requests the layer validates: the path as configured and as lenient and strict
//! readers route it.

use http::Method;

/// The validated path as the layer compares request paths with it: as configured, and
/// normalized once (not per request) as a lenient and as a strict reader route it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidatedPath {
    /// As configured.
    pub raw: String,
    /// [`normalize_path`] of it.
    pub lenient: String,
    /// [`segment_path`] of it.
    pub strict: String,
}

impl ValidatedPath {
    pub(crate) fn new(path: &str) -> ValidatedPath {
        ValidatedPath {
            raw: path.to_string(),
            lenient: normalize_path(path),
            strict: segment_path(path),
        }
    }
}

/// Whether the layer validates a request with this method and path. Spellings of the
/// path that a server or proxy behind the layer may treat as the same (a trailing `/`,
/// repeated `/`, percent-escapes, encoded `/`, `\\`, dot segments, another case) are
/// validated too, so that none of them slips past unvalidated.
pub(crate) fn applies(validated: &ValidatedPath, method: &Method, path: &str) -> bool {
    method == Method::POST && (path == validated.raw || normalize_path(path) == validated.lenient)
}

/// A path as the most lenient reader would route it: percent-decoded (`%2F` too), `\\`
/// read as `/`, dot segments resolved, repeated and trailing `/` removed, in ASCII
/// lowercase.
pub(crate) fn normalize_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    canonical(decoded.split(['/', '\\']).map(std::borrow::Cow::Borrowed))
}

/// A path as a reader that follows RFC 3986 routes it: split at its `/` (an encoded `%2F`
/// stays inside its segment), each segment percent-decoded, dot segments resolved,
/// repeated and trailing `/` removed, in ASCII lowercase.
pub(crate) fn segment_path(path: &str) -> String {
    canonical(
        path.split('/')
            .map(|seg| percent_encoding::percent_decode_str(seg).decode_utf8_lossy()),
    )
}

/// `/`-joined lowercase segments, without empty ones, `.` and `..` resolved.
pub(super) fn canonical<'a>(segments: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut kept: Vec<String> = Vec::new();
    for seg in segments {
        match &*seg {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            s => kept.push(s.to_ascii_lowercase()),
        }
    }
    let mut out = String::new();
    for seg in kept {
        out.push('/');
        out.push_str(&seg);
    }
    out
}

/// Whether a segment of a raw path is `.` or `..` (dots plain or percent-encoded,
/// `%2E`): 1 or 2, else 0.
#[cfg(any(test, feature = "serve"))]
pub(super) fn dot_segment(seg: &str) -> usize {
    let mut dots = 0;
    let mut rest = seg.as_bytes();
    while !rest.is_empty() {
        match rest {
            [b'.', tail @ ..] => rest = tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => rest = tail,
            _ => return 0,
        }
        dots += 1;
    }
    if dots <= 2 { dots } else { 0 }
}

/// RFC 3986's `remove_dot_segments` (section 5.2.4) on a raw absolute path, with
/// percent-encoded dots (`%2E`) read as dots: `/v1/x/../tokens` and `/v1/%2E/tokens` are
/// `/v1/tokens`, `/v1/tokens/.` is `/v1/tokens/`. Other segments stay as they were sent.
/// `None` when the path has no dot segment. (`serve`'s routing: the layer itself judges
/// the path with [`normalize_path`] and [`segment_path`].)
#[cfg(any(test, feature = "serve"))]
pub(crate) fn remove_dot_segments(path: &str) -> Option<String> {
    if !path.split('/').any(|seg| dot_segment(seg) > 0) {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let mut segments = path.split('/').peekable();
    // An absolute path starts with its empty first segment.
    let absolute = path.starts_with('/');
    if absolute {
        segments.next();
    }
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        match dot_segment(seg) {
            1 => {}
            2 => {
                out.pop();
            }
            _ => {
                out.push(seg);
                continue;
            }
        }
        // A dot segment at the end leaves the path ending with `/`.
        if last {
            out.push("");
        }
    }
    let mut s = String::with_capacity(path.len());
    for (i, seg) in out.iter().enumerate() {
        if absolute || i > 0 {
            s.push('/');
        }
        s.push_str(seg);
    }
    if s.is_empty() {
        s.push('/');
    }
    Some(s)
}
