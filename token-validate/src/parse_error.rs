//! Body errors: what stops a request before any parameter is judged (a malformed form or
//! JSON body, a limit exceeded), with the byte offset and the key concerned.
//!
//! A [`ParseError`]'s message names keys and offsets, never a value from the body.

use std::fmt;

/// What went wrong while parsing a body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is over [`Limits::max_body_bytes`](crate::Limits::max_body_bytes); checked
    /// before parsing.
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The URL query string is over [`Limits::max_body_bytes`](crate::Limits::max_body_bytes)
    /// (the query and the body are capped separately); checked before parsing either.
    QueryTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A form body that looks like JSON (`{…}` or `[…]` after optional whitespace, see
    /// [`crate::quote::looks_like_json`]): JSON sent without
    /// `Content-Type: application/json`. Checked before parsing; nothing is quoted.
    JsonAsForm,
    /// Bytes that are not UTF-8 (after percent-decoding, for form bodies).
    InvalidUtf8,
    /// A `%` not followed by two hex digits.
    BadPercentEscape,
    /// A `[` without its `]`, a `]` without its `[`, or text after a `]`
    /// that is not another `[`.
    UnbalancedBracket,
    /// A parameter with an empty name (`=v`, `[a]=v`, or a JSON key `""`).
    EmptyKey,
    /// A path deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    TooDeep {
        /// The depth limit in force.
        limit: usize,
    },
    /// More leaf values than [`Limits::max_params`](crate::Limits::max_params).
    TooManyParams {
        /// The limit.
        limit: usize,
    },
    /// An array index (or array length) at or over [`Limits::max_array_len`](crate::Limits::max_array_len).
    ArrayIndexTooLarge {
        /// The limit: indexes must be below it.
        limit: usize,
    },
    /// Array indexes that do not end up dense, e.g. `a[5]=` with no `a[0..4]`.
    ArrayIndexGap,
    /// A key that is both a value and an object or array, e.g. `a=1&a[b]=2`.
    ValueAndObject,
    /// A value given twice, e.g. `a=1&a=2` or a repeated JSON key.
    DuplicateKey,
    /// A key used both as an array and as an object, e.g. `a[0]=x&a[b]=y`.
    MixedArrayAndObject,
    /// Invalid or truncated JSON: serde_json's message without its position
    /// (or this module's, for a JSON key containing `[` or `]`).
    Json(String),
    /// The top-level JSON value is not an object.
    JsonNotObject,
    /// A JSON `null` value.
    JsonNull,
}

impl ParseErrorKind {
    /// An error of one form pair alone (its escapes, its key, a key sent before): the pair
    /// can be left out and the rest of the body read. Limits and errors of the body as a
    /// whole are not.
    pub(crate) fn is_pair_level(&self) -> bool {
        use ParseErrorKind::*;
        matches!(
            self,
            InvalidUtf8
                | BadPercentEscape
                | UnbalancedBracket
                | EmptyKey
                | ValueAndObject
                | DuplicateKey
                | MixedArrayAndObject
        )
    }

    /// A key that conflicts with one sent before (sent twice, or as a value and as an
    /// object or list).
    pub(crate) fn is_conflict(&self) -> bool {
        use ParseErrorKind::*;
        matches!(self, ValueAndObject | DuplicateKey | MixedArrayAndObject)
    }
}

/// A parse failure: what, where (byte offset in the body), and which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the body where the problem is (see [`crate::tree::parse_form`] and
    /// [`crate::tree::parse_json`] for what each kind points at).
    pub offset: usize,
    /// The bracket path concerned, like `card[number]`, when there is one, as
    /// [`crate::quote::path`] lets it through: a segment that is not a parameter name is
    /// `(redacted)`, and the path is at most 100 characters.
    pub key: Option<String>,
}

/// Quote a key for a message: the key as [`crate::quote::path`] lets it through (segments
/// that are not parameter names masked, at most 100 characters), in single quotes.
pub(crate) fn quote_key(key: &str) -> String {
    format!("'{}'", crate::quote::path(key))
}

impl ParseError {
    /// The key is kept only as [`crate::quote::path`] lets it through, so that neither the
    /// message nor the `Debug` of the error can carry a secret sent inside a key.
    pub(crate) fn new(kind: ParseErrorKind, offset: usize, key: Option<String>) -> Self {
        let key = key.map(|k| crate::quote::path(&k));
        ParseError { kind, offset, key }
    }

    /// Clear English in Stripe's style saying what and where, e.g.
    /// `Invalid form body: unbalanced '[' or ']' in key 'card[number' at byte 12.`
    /// Never includes a value from the body, only keys.
    pub fn message(&self) -> String {
        use ParseErrorKind::*;
        let at = self.offset;
        // The key is already quoted (see `new`).
        let k = self.key.as_deref().map(|k| format!("'{k}'"));
        let in_param = k
            .as_ref()
            .map(|k| format!(" in parameter {k}"))
            .unwrap_or_default();
        let param = k.clone().unwrap_or_else(|| "a parameter".to_string());
        match &self.kind {
            BodyTooLarge { limit } => {
                format!("Invalid request body: the body is larger than the limit of {limit} bytes.")
            }
            QueryTooLong { limit } => format!(
                "Invalid query string: the query string is longer than the limit of {limit} bytes."
            ),
            JsonAsForm => "Invalid form body: the body looks like JSON. To send JSON, set the header `Content-Type: application/json`; to send a form, encode the parameters as card[number]=...&card[exp_month]=... pairs.".to_string(),
            InvalidUtf8 => format!("Invalid request body: invalid UTF-8{in_param} at byte {at}."),
            BadPercentEscape => format!(
                "Invalid form body: malformed percent-escape ('%' must be followed by two hex digits){in_param} at byte {at}."
            ),
            UnbalancedBracket => match &k {
                Some(k) => {
                    format!("Invalid form body: unbalanced '[' or ']' in key {k} at byte {at}.")
                }
                None => format!("Invalid form body: unbalanced '[' or ']' in key at byte {at}."),
            },
            EmptyKey => format!("Invalid request body: empty parameter name at byte {at}."),
            TooDeep { limit } => format!(
                "Invalid request body: {param} is nested too deeply (at most {limit} levels are allowed) at byte {at}."
            ),
            TooManyParams { limit } => format!(
                "Invalid request body: too many parameters (at most {limit} values are allowed); {param} at byte {at} is over the limit."
            ),
            ArrayIndexTooLarge { limit } => format!(
                "Invalid request body: array index too large{in_param} (indexes must be below {limit}) at byte {at}."
            ),
            ArrayIndexGap => format!(
                "Invalid form body: array index {param} at byte {at} leaves a gap; array indexes must run from 0 without skipping."
            ),
            ValueAndObject => format!(
                "Invalid form body: {param} is given both as a value and as an object or array, at byte {at}."
            ),
            DuplicateKey => {
                format!("Invalid request body: {param} is given more than once, at byte {at}.")
            }
            MixedArrayAndObject => format!(
                "Invalid form body: {param} is used both as an array and as an object, at byte {at}."
            ),
            Json(msg) => format!("Invalid JSON body: {msg} at byte {at}."),
            JsonNotObject => {
                format!("Invalid JSON body: the top-level value must be an object, at byte {at}.")
            }
            JsonNull => format!(
                "Invalid JSON body: null is not allowed for {param} (omit the parameter instead), at byte {at}."
            ),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ParseError {}
