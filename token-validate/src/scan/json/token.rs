//! The pieces a JSON body is read into: its errors ([`Error`], [`ErrorCode`]), strings
//! ([`Str`], checked when read and decoded on demand), numbers ([`Number`], their text) and
//! [`Token`]s. The [`Scanner`](super::Scanner) of the parent module produces them; this
//! module knows nothing of it.

use std::borrow::Cow;
use std::fmt;

use crate::parse_error::{ParseError, ParseErrorKind};
use crate::scan::bytes::Decoded;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// What is wrong with a JSON body: serde_json's error codes for syntax, and invalid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The body is not UTF-8 (found before anything else is read).
    InvalidUtf8,
    /// `EOF while parsing a list`.
    EofWhileParsingList,
    /// `EOF while parsing an object`.
    EofWhileParsingObject,
    /// `EOF while parsing a string`.
    EofWhileParsingString,
    /// `EOF while parsing a value`.
    EofWhileParsingValue,
    /// ``expected `:` ``.
    ExpectedColon,
    /// ``expected `,` or `]` ``.
    ExpectedListCommaOrEnd,
    /// ``expected `,` or `}` ``.
    ExpectedObjectCommaOrEnd,
    /// `expected ident` (a broken `true`, `false` or `null`).
    ExpectedSomeIdent,
    /// `expected value`.
    ExpectedSomeValue,
    /// `invalid escape`.
    InvalidEscape,
    /// `invalid number`.
    InvalidNumber,
    /// `control character (\u0000-\u001F) found while parsing a string`.
    ControlCharacterWhileParsingString,
    /// `key must be a string`.
    KeyMustBeAString,
    /// `lone leading surrogate in hex escape` (serde_json's words, also for a lone trailing
    /// one).
    LoneLeadingSurrogateInHexEscape,
    /// `trailing comma`.
    TrailingComma,
    /// `trailing characters`.
    TrailingCharacters,
    /// `unexpected end of hex escape` (a leading surrogate not followed by `\u`).
    UnexpectedEndOfHexEscape,
    /// `recursion limit exceeded` (more than [`MAX_DEPTH`](super::MAX_DEPTH) levels, or the scanner's own
    /// limit).
    RecursionLimitExceeded,
}

impl fmt::Display for ErrorCode {
    /// serde_json's message for the same error (`invalid UTF-8` for ours).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorCode::InvalidUtf8 => "invalid UTF-8",
            ErrorCode::EofWhileParsingList => "EOF while parsing a list",
            ErrorCode::EofWhileParsingObject => "EOF while parsing an object",
            ErrorCode::EofWhileParsingString => "EOF while parsing a string",
            ErrorCode::EofWhileParsingValue => "EOF while parsing a value",
            ErrorCode::ExpectedColon => "expected `:`",
            ErrorCode::ExpectedListCommaOrEnd => "expected `,` or `]`",
            ErrorCode::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            ErrorCode::ExpectedSomeIdent => "expected ident",
            ErrorCode::ExpectedSomeValue => "expected value",
            ErrorCode::InvalidEscape => "invalid escape",
            ErrorCode::InvalidNumber => "invalid number",
            ErrorCode::ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            ErrorCode::KeyMustBeAString => "key must be a string",
            ErrorCode::LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            ErrorCode::TrailingComma => "trailing comma",
            ErrorCode::TrailingCharacters => "trailing characters",
            ErrorCode::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            ErrorCode::RecursionLimitExceeded => "recursion limit exceeded",
        })
    }
}

/// A JSON body refused: what and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    /// What is wrong.
    pub code: ErrorCode,
    /// The byte offset the JSON driver reports: the first bad byte for invalid UTF-8; else
    /// serde_json's position turned into an offset as `crate::engine::json` does (the byte serde_json
    /// last read or peeked at, or the start of the line when that position is the start of
    /// a line).
    pub offset: usize,
}

impl Error {
    /// The body error the driver reports for it: `InvalidUtf8`, or `Json` with serde_json's
    /// message.
    pub fn to_parse_error(self) -> ParseError {
        let kind = match self.code {
            ErrorCode::InvalidUtf8 => ParseErrorKind::InvalidUtf8,
            code => ParseErrorKind::Json(code.to_string()),
        };
        ParseError::new(kind, self.offset, None)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.code, self.offset)
    }
}

impl std::error::Error for Error {}

/// The offset `crate::engine::json` reports for serde_json's position `index` (the number of bytes
/// read): serde_json says line and column, with the column counting the bytes read on the
/// line, and the driver turns that back into `line start + column - 1`.
pub(super) fn serde_offset(bytes: &[u8], index: usize) -> usize {
    let index = index.min(bytes.len());
    if index == 0 || bytes[index - 1] == b'\n' {
        index
    } else {
        index - 1
    }
}

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------

/// A string of the body: its raw text between the quotes, checked, decoded on demand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Str<'de> {
    pub(super) raw: &'de str,
    pub(super) escaped: bool,
    pub(super) start: usize,
}

impl<'de> Str<'de> {
    /// The raw text between the quotes (escapes not decoded).
    #[inline]
    pub fn raw(&self) -> &'de str {
        self.raw
    }

    /// The raw bytes between the quotes: what a generated matcher compares when
    /// [`Str::has_escape`] is false (by length, then bytes).
    #[inline]
    pub fn as_bytes(&self) -> &'de [u8] {
        self.raw.as_bytes()
    }

    /// Whether the string holds a `\` escape (its text must then be decoded).
    #[inline]
    pub fn has_escape(&self) -> bool {
        self.escaped
    }

    /// The text, when it needs no decoding: borrowed from the body.
    #[inline]
    pub fn borrowed(&self) -> Option<&'de str> {
        (!self.escaped).then_some(self.raw)
    }

    /// The byte offset of the opening quote.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// The byte offset just past the closing quote.
    #[inline]
    pub fn end(&self) -> usize {
        self.start + self.raw.len() + 2
    }

    /// The decoded text: the body's own when it has no escape; else decoded into `buf` when
    /// it is at least as long as the raw text (decoding never lengthens a string), else onto
    /// the heap.
    #[inline]
    pub fn decode<'b>(&self, buf: &'b mut [u8]) -> Decoded<'de, 'b> {
        if !self.escaped {
            return Decoded::Body(self.raw);
        }
        self.decode_escaped(buf)
    }

    #[cold]
    fn decode_escaped<'b>(&self, buf: &'b mut [u8]) -> Decoded<'de, 'b> {
        let mut n = 0;
        let mut fits = buf.len() >= self.raw.len();
        if fits {
            unescape(self.raw, |piece| match buf.get_mut(n..n + piece.len()) {
                Some(dst) => {
                    dst.copy_from_slice(piece.as_bytes());
                    n += piece.len();
                }
                None => fits = false,
            });
        }
        if fits {
            // The pieces are whole characters: always UTF-8.
            if let Ok(s) = std::str::from_utf8(&buf[..n]) {
                return Decoded::Buf(s);
            }
        }
        Decoded::Heap(self.decoded_string())
    }

    /// The decoded text, borrowed from the body when it has no escape, else owned.
    pub fn to_cow(&self) -> Cow<'de, str> {
        match self.borrowed() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(self.decoded_string()),
        }
    }

    fn decoded_string(self) -> String {
        let mut out = String::with_capacity(self.raw.len());
        unescape(self.raw, |piece| out.push_str(piece));
        out
    }
}

impl fmt::Debug for Str<'_> {
    /// Where and how long, never the text (it may be a secret).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Str")
            .field("start", &self.start)
            .field("len", &self.raw.len())
            .field("escaped", &self.escaped)
            .finish()
    }
}

/// Decodes the escapes of `raw`, a string the scanner checked, handing `out` the decoded
/// text piece by piece (runs of raw text and single characters).
pub(super) fn unescape(raw: &str, mut out: impl FnMut(&str)) {
    let b = raw.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out(raw.get(run..i).unwrap_or_default());
        let mut ch = [0u8; 4];
        let c = match b.get(i + 1) {
            Some(b'b') => '\x08',
            Some(b'f') => '\x0c',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = hex4(b, i + 2).unwrap_or(0xFFFD);
                let (code, len) = if (0xD800..0xDC00).contains(&hi) {
                    let lo = hex4(b, i + 8).unwrap_or(0xDC00);
                    (
                        0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                        12,
                    )
                } else {
                    (hi, 6)
                };
                i += len;
                run = i;
                out(char::from_u32(code)
                    .unwrap_or('\u{FFFD}')
                    .encode_utf8(&mut ch));
                continue;
            }
            // `"`, `\` and `/` stand for themselves.
            Some(&c) => c as char,
            // A checked string does not end with a lone `\`.
            None => {
                run = i;
                break;
            }
        };
        out(c.encode_utf8(&mut ch));
        i += 2;
        run = i;
    }
    out(raw.get(run..).unwrap_or_default());
}

/// The value of four hex digits at `b[at..at + 4]`.
#[inline]
pub(super) fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    let mut n = 0;
    for &d in digits {
        n = n * 16 + (d as char).to_digit(16)?;
    }
    Some(n)
}

/// A number of the body: its exact text, as serde_json's `RawValue` holds it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Number<'de> {
    pub(super) text: &'de str,
    pub(super) start: usize,
}

impl<'de> Number<'de> {
    /// The number's text (`12`, `-0.0000001`, `1E+400`, 300 digits: as sent).
    #[inline]
    pub fn text(&self) -> &'de str {
        self.text
    }
    /// The byte offset of its first character.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }
    /// The byte offset just past it.
    #[inline]
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

impl fmt::Debug for Number<'_> {
    /// Where and how long, never the text (a card number may be sent as a number).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Number")
            .field("start", &self.start)
            .field("len", &self.text.len())
            .finish()
    }
}

/// What [`Scanner::value`](super::Scanner::value) read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'de> {
    /// `{`: the members follow ([`Scanner::next_key`](super::Scanner::next_key)).
    Object,
    /// `[`: the items follow ([`Scanner::next_item`](super::Scanner::next_item)).
    Array,
    /// A string.
    Str(Str<'de>),
    /// A number.
    Number(Number<'de>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Token<'_> {
    /// Whether it opened an object or an array.
    #[inline]
    pub fn is_container(&self) -> bool {
        matches!(self, Token::Object | Token::Array)
    }
}
