//! One structured line per request on standard error: method, path, status, duration,
//! error code, request id, version policy, and the codes of the warnings the enforcement
//! threshold let through. Never a body, a query string, a header value or a key; the
//! method and the path only as [`crate::quote`] lets them through ([`safe_method`],
//! [`safe_path`]).

use std::io::Write;
use std::time::{Duration, SystemTime};

/// The format of the log lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LogFormat {
    /// `2026-11-29T10:00:00.123Z POST /v1/tokens 402 0.412ms code=incorrect_number
    /// request_id=req_…`
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The longest path logged or quoted, in characters.
pub const MAX_PATH_CHARS: usize = crate::quote::MAX_URL_PATH_CHARS;

/// What is logged of one request.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// The HTTP method, already passed through [`safe_method`].
    pub method: &'a str,
    /// The path, already passed through [`safe_path`].
    pub path: &'a str,
    /// The status answered.
    pub status: u16,
    /// Time from the request head to the response head.
    pub duration: Duration,
    /// Stripe's error code of an answer made here, if any.
    pub error_code: Option<&'a str>,
    /// The answer's `Request-Id` (ours, or the upstream's).
    pub request_id: Option<&'a str>,
    /// The version policy that applied to a validated request.
    pub policy: Option<&'a str>,
    /// The codes of the problems the threshold let through (the answer's
    /// `Token-Preflight-Warnings`, comma-separated: codes only), if any.
    pub warnings: Option<&'a str>,
}

/// The path as it may be logged or quoted: [`crate::quote::url_path`] (percent-escapes
/// judged decoded, every run of 9 or more digits of any script masked whatever separates
/// them, 3 or more in a path that carries a pair separator, control characters escaped, at
/// most [`MAX_PATH_CHARS`] characters). The query string is never part of it.
pub fn safe_path(path: &str) -> String {
    crate::quote::url_path(path)
}

/// The path of a request line as it may be logged or quoted: [`safe_path`], judged with
/// the method before it and `rest` (what follows it on the line) around it
/// ([`crate::quote::url_path_in_line`]), so that a number split by the line's spaces is
/// still one run of digits.
pub fn safe_path_in_line(method: &str, path: &str, rest: &str) -> String {
    crate::quote::url_path_in_line(method, path, rest)
}

/// The method as it may be logged or quoted: [`crate::quote::method`] (a word of ASCII
/// letters, or `(redacted)`).
pub fn safe_method(method: &str) -> &str {
    crate::quote::method(method)
}

/// The UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, always three digits of
/// milliseconds, so lines stay aligned).
pub fn timestamp(t: SystemTime) -> String {
    use time::format_description::BorrowedFormatItem;
    static FORMAT: std::sync::OnceLock<Vec<BorrowedFormatItem<'static>>> =
        std::sync::OnceLock::new();
    let format = FORMAT.get_or_init(|| {
        time::format_description::parse_borrowed::<2>(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z",
        )
        .unwrap_or_default()
    });
    time::OffsetDateTime::from(t)
        .format(format.as_slice())
        .unwrap_or_default()
}

/// The line of a record, without the newline.
pub fn line(format: LogFormat, at: SystemTime, r: &Record<'_>) -> String {
    let ms = r.duration.as_secs_f64() * 1000.0;
    match format {
        LogFormat::Json => {
            /// The JSON line, its fields in this order.
            #[derive(serde::Serialize)]
            struct Json<'a> {
                ts: String,
                method: &'a str,
                path: &'a str,
                status: u16,
                duration_ms: f64,
                error_code: Option<&'a str>,
                request_id: Option<&'a str>,
                policy: Option<&'a str>,
                warnings: Vec<&'a str>,
            }
            serde_json::to_string(&Json {
                ts: timestamp(at),
                method: r.method,
                path: r.path,
                status: r.status,
                duration_ms: (ms * 1000.0).round() / 1000.0,
                error_code: r.error_code,
                request_id: r.request_id,
                policy: r.policy,
                warnings: r.warnings.map_or_else(Vec::new, |w| w.split(',').collect()),
            })
            .unwrap_or_default()
        }
        LogFormat::Text => format!(
            "{} {} {} {} {ms:.3}ms code={} request_id={} policy={} warnings={}",
            timestamp(at),
            r.method,
            r.path,
            r.status,
            r.error_code.unwrap_or("-"),
            r.request_id.unwrap_or("-"),
            r.policy.unwrap_or("-"),
            r.warnings.unwrap_or("-"),
        ),
    }
}

/// Writes a record to standard error (errors writing are ignored).
pub fn write(format: LogFormat, r: &Record<'_>) {
    write_to(None, format, r);
}

/// Writes a record's line to `sink`, or to standard error.
pub(crate) fn write_to(
    sink: Option<&(dyn Fn(&str) + Send + Sync)>,
    format: LogFormat,
    r: &Record<'_>,
) {
    let mut text = line(format, SystemTime::now(), r);
    match sink {
        Some(sink) => sink(&text),
        None => {
            text.push('\n');
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_masked_and_capped() {
        assert_eq!(safe_path("/v1/tokens"), "/v1/tokens");
        assert_eq!(
            safe_path("/v1/tokens/4242424242424242"),
            "/v1/tokens/****************"
        );
        assert_eq!(safe_path("/v1/x/12345678"), "/v1/x/12345678");
        assert_eq!(safe_path("/v1/x/123456789"), "/v1/x/*********");
        assert_eq!(
            safe_path("/v1/x/4242.4242.4242.4242"),
            "/v1/x/****.****.****.****"
        );
        assert_eq!(safe_path("/a\nb"), "/a\\nb");
        assert_eq!(safe_path(&"a".repeat(1000)).len(), MAX_PATH_CHARS + 3);
        assert_eq!(safe_method("POST"), "POST");
        assert_eq!(safe_method("4242424242424242"), "(redacted)");
    }

    #[test]
    fn lines() {
        let r = Record {
            method: "POST",
            path: "/v1/tokens",
            status: 402,
            duration: Duration::from_micros(412),
            error_code: Some("incorrect_number"),
            request_id: Some("req_abc"),
            policy: Some("bundled"),
            warnings: None,
        };
        // 1795000000 s is 2026-11-18 11:06:40 UTC (Python: datetime.utcfromtimestamp).
        let at = std::time::UNIX_EPOCH + Duration::from_millis(1_795_000_000_123);
        assert_eq!(
            line(LogFormat::Text, at, &r),
            "2026-11-18T11:06:40.123Z POST /v1/tokens 402 0.412ms code=incorrect_number request_id=req_abc policy=bundled warnings=-"
        );
        // Whole seconds keep their three digits.
        let whole = std::time::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(timestamp(whole), "2026-11-18T11:06:40.000Z");
        let text = line(LogFormat::Json, at, &r);
        assert!(
            text.starts_with("{\"ts\":\"2026-11-18T11:06:40.123Z\",\"method\":\"POST\""),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["status"], 402);
        assert_eq!(v["error_code"], "incorrect_number");
        assert_eq!(v["duration_ms"], 0.412);
        assert_eq!(v["warnings"], serde_json::json!([]));
        // Review 1 L1: what the threshold let through, codes only, in both formats.
        let warned = Record {
            status: 200,
            error_code: None,
            warnings: Some("invalid_expiry_month,invalid_account"),
            ..r
        };
        assert!(
            line(LogFormat::Text, at, &warned)
                .ends_with(" policy=bundled warnings=invalid_expiry_month,invalid_account"),
        );
        let v: serde_json::Value =
            serde_json::from_str(&line(LogFormat::Json, at, &warned)).unwrap();
        assert_eq!(
            v["warnings"],
            serde_json::json!(["invalid_expiry_month", "invalid_account"])
        );
    }
}
