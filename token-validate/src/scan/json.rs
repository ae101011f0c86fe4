//! A JSON scanner of our own: a pull cursor over the body's bytes, one pass, no tree.
//!
//! # How a validator drives it
//!
//! The cursor is serde's `MapAccess`/`SeqAccess` protocol without serde: the caller knows
//! what it expects and asks for it, so each generated object state reads its own members:
//!
//! ```
//! use token_validate::scan::json::{Scanner, Token};
//!
//! let body = br#"{"card": {"number": "4242424242424242", "exp_month": 12}}"#;
//! let mut sc = Scanner::new(body)?;
//! assert!(matches!(sc.value()?, Token::Object));
//! while let Some(key) = sc.next_key()? {
//!     // A generated matcher compares raw bytes: by length, then bytes.
//!     match key.as_bytes() {
//!         b"card" => {
//!             sc.colon()?; // the depth limit is judged here, at the `:`
//!             assert!(matches!(sc.value()?, Token::Object));
//!             while let Some(key) = sc.next_key()? {
//!                 match (key.as_bytes(), sc.value()?) {
//!                     (b"number", Token::Str(s)) => assert_eq!(s.borrowed(), Some("4242424242424242")),
//!                     (b"exp_month", Token::Number(n)) => assert_eq!(n.text(), "12"),
//!                     _ => unreachable!(),
//!                 }
//!             }
//!         }
//!         _ => sc.skip()?, // an unknown member: its value skipped, still checked
//!     }
//! }
//! sc.end()?;
//! # Ok::<(), token_validate::scan::json::Error>(())
//! ```
//!
//! - [`Scanner::value`] reads the value that starts here: a scalar whole ([`Token::Str`],
//!   [`Token::Number`], [`Token::Bool`], [`Token::Null`]), or the opening bracket of an
//!   object or array ([`Token::Object`], [`Token::Array`]) whose contents follow.
//! - In an object, [`Scanner::next_key`] reads the `,` before a member and its key (or the
//!   closing `}`: `None`); the value follows, read by [`Scanner::value`] or skipped by
//!   [`Scanner::skip`], either of which reads the `:` first unless [`Scanner::colon`] did.
//! - In an array, [`Scanner::next_item`] reads the `,` before an item (or the closing `]`:
//!   `false`); the item follows.
//! - [`Scanner::end`]: nothing but white space may follow the top-level value.
//!
//! The points where the driver (`crate::engine::json`) judges its limits are points between these
//! calls: a duplicate or malformed key after [`Scanner::next_key`], the depth limit after
//! [`Scanner::colon`] or [`Scanner::next_item`], the value count after a scalar, `null`, the
//! array length before [`Scanner::next_item`]. The driver's offsets are the scanner's: a
//! scalar's last byte ([`Str::end`], [`Number::end`], [`Scanner::last_offset`] after it), and
//! for a limit judged between calls, [`Scanner::stop_offset`] (serde_json reads on to the
//! container's end check before it places such an error). An unknown subtree is skipped with
//! [`Scanner::skip`] (no limits: nothing is looked at but the syntax) or
//! [`Scanner::skip_with`], which calls a [`Walk`] at each of those points.
//!
//! # Exactly as strict as serde_json
//!
//! A body is accepted exactly when `serde_json::from_slice::<serde_json::Value>` accepts it,
//! except that a number is never out of range (its text is kept, as serde_json's `RawValue`
//! and `IgnoredAny` keep or skip it; `Value` refuses `1e400`): the same white space (space,
//! `\t`, `\n`, `\r`), number grammar (no leading zeros, no `+`, no `.5`, no `1.`, a digit
//! after `e`), escapes (the eight short ones and `\u` with four hex digits), no control
//! character in a string, `\u` surrogates paired (a lone one is refused, as serde_json does
//! for every string it reads as a `str`; `IgnoredAny` and `RawValue` skip them unchecked),
//! UTF-8 everywhere, no trailing comma, nothing after the value, and at most [`MAX_DEPTH`]
//! nested arrays and objects. A refused body gets `Value`'s message ([`ErrorCode`]'s
//! `Display`) at the byte offset the driver reports for it ([`Error::offset`]), except that
//! invalid UTF-8 is found first, anywhere in the body. (Before issue 20 the driver read a
//! parameter's value as a `RawValue`, where serde_json words one case differently: a number
//! cut short by the end of the body, `{"a":1.`, was "invalid number" there and is "EOF while
//! parsing a value" here and in `Value`; and a lone surrogate in such a value, which
//! `RawValue` lets through, is refused here as everywhere else.) The `json_differential`
//! fuzz target checks all of this against serde_json.
//!
//! Strings are checked when they are read and decoded only on demand ([`Str::decode`]); a
//! number's text is exactly what serde_json's `RawValue` holds.

use std::borrow::Cow;
use std::fmt;

use super::{Decoded, find};
use crate::parse_error::{ParseError, ParseErrorKind};

/// The deepest nesting of arrays and objects serde_json accepts (its recursion limit of 128
/// counts down to zero on the 128th): 127.
pub const MAX_DEPTH: usize = 127;

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
    /// `recursion limit exceeded` (more than [`MAX_DEPTH`] levels, or the scanner's own
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
fn serde_offset(bytes: &[u8], index: usize) -> usize {
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
    raw: &'de str,
    escaped: bool,
    start: usize,
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
fn unescape(raw: &str, mut out: impl FnMut(&str)) {
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
fn hex4(b: &[u8], at: usize) -> Option<u32> {
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
    text: &'de str,
    start: usize,
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

/// What [`Scanner::value`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'de> {
    /// `{`: the members follow ([`Scanner::next_key`]).
    Object,
    /// `[`: the items follow ([`Scanner::next_item`]).
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

// ---------------------------------------------------------------------------------------
// The scanner
// ---------------------------------------------------------------------------------------

/// What the scanner reads next, beyond what the caller asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Nothing special.
    Plain,
    /// An object or array was just opened: its first member or item takes no `,`.
    First,
    /// A key was read: its `:` comes before the value.
    Colon,
}

/// A pull cursor over one JSON body (see the [module docs](self)).
#[derive(Clone)]
pub struct Scanner<'de> {
    text: &'de str,
    pos: usize,
    depth: usize,
    max_depth: usize,
    expect: Expect,
}

impl fmt::Debug for Scanner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field("len", &self.text.len())
            .field("pos", &self.pos)
            .field("depth", &self.depth)
            .finish()
    }
}

/// serde_json's white space.
#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

impl<'de> Scanner<'de> {
    /// A scanner over `body`, which is checked to be UTF-8 first (`InvalidUtf8` at the first
    /// bad byte).
    #[inline]
    pub fn new(body: &'de [u8]) -> Result<Self, Error> {
        match std::str::from_utf8(body) {
            Ok(text) => Ok(Scanner::from_text(text)),
            Err(e) => Err(Error {
                code: ErrorCode::InvalidUtf8,
                offset: e.valid_up_to(),
            }),
        }
    }

    /// A scanner over a body already known to be UTF-8.
    #[inline]
    pub fn from_text(text: &'de str) -> Self {
        Scanner {
            text,
            pos: 0,
            depth: 0,
            max_depth: MAX_DEPTH,
            expect: Expect::Plain,
        }
    }

    /// With a lower nesting limit than serde_json's ([`MAX_DEPTH`], which is also the
    /// highest): a deeper array or object is `RecursionLimitExceeded` at its bracket.
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.min(MAX_DEPTH);
        self
    }

    /// The body.
    #[inline]
    pub fn text(&self) -> &'de str {
        self.text
    }

    /// How many bytes have been read.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// How many arrays and objects are open.
    #[inline]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The offset the JSON driver gives a body error judged here (serde_json's position
    /// turned into an offset): the last byte read, or the start of a line.
    #[inline]
    pub fn last_offset(&self) -> usize {
        serde_offset(self.text.as_bytes(), self.pos)
    }

    /// The offset the JSON driver gives a limit it judges here, inside an object or (when
    /// `in_array`) an array, between two of the cursor's calls (a key, the depth before a
    /// value, the array length; not a scalar's own count or `null`, which are placed at the
    /// scalar: [`Scanner::last_offset`]): serde_json places such an error only after its
    /// container's end check (`end_map`, `end_seq`) has read on, over white space and a
    /// closing `}` or `]`, or, in an array, a `,` and the white space after it.
    pub fn stop_offset(&self, in_array: bool) -> usize {
        let b = self.bytes();
        let mut pos = self.pos;
        let ws = |mut pos: usize| {
            while b.get(pos).is_some_and(|&c| is_ws(c)) {
                pos += 1;
            }
            pos
        };
        pos = ws(pos);
        match (b.get(pos), in_array) {
            (Some(b'}'), false) | (Some(b']'), true) => pos += 1,
            (Some(b','), true) => pos = ws(pos + 1),
            _ => {}
        }
        serde_offset(b, pos)
    }

    #[inline(always)]
    fn bytes(&self) -> &'de [u8] {
        self.text.as_bytes()
    }

    /// An error caused by the byte just read (serde_json's `error`): position `pos`.
    #[cold]
    #[inline(never)]
    fn err_read(&self, code: ErrorCode) -> Error {
        Error {
            code,
            offset: serde_offset(self.bytes(), self.pos),
        }
    }

    /// An error caused by the byte at `pos`, not read (serde_json's `peek_error`).
    #[cold]
    #[inline(never)]
    fn err_peek(&self, code: ErrorCode) -> Error {
        Error {
            code,
            offset: serde_offset(self.bytes(), self.pos + 1),
        }
    }

    /// Skips white space; the next byte, not read.
    #[inline(always)]
    fn peek_ws(&mut self) -> Option<u8> {
        match self.bytes().get(self.pos) {
            // No white space (the usual case: a compact body), in one test.
            Some(&c) if c > b' ' => Some(c),
            _ => self.peek_ws_slow(),
        }
    }

    #[inline(never)]
    fn peek_ws_slow(&mut self) -> Option<u8> {
        let b = self.bytes();
        loop {
            match b.get(self.pos) {
                Some(&c) if is_ws(c) => self.pos += 1,
                Some(&c) => return Some(c),
                None => return None,
            }
        }
    }

    /// The `:` after a key (read by [`Scanner::value`] and [`Scanner::skip`] when the caller
    /// did not): the place where the depth limit of the value is judged.
    #[inline]
    pub fn colon(&mut self) -> Result<(), Error> {
        if self.expect != Expect::Colon {
            return Ok(());
        }
        self.expect = Expect::Plain;
        match self.peek_ws() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.err_peek(ErrorCode::ExpectedColon)),
            None => Err(self.err_peek(ErrorCode::EofWhileParsingObject)),
        }
    }

    /// Reads the value that starts here (after white space): a scalar whole, or the opening
    /// bracket of an object or array.
    #[inline]
    pub fn value(&mut self) -> Result<Token<'de>, Error> {
        self.colon()?;
        let Some(c) = self.peek_ws() else {
            return Err(self.err_peek(ErrorCode::EofWhileParsingValue));
        };
        match c {
            b'"' => {
                let start = self.pos;
                self.pos += 1;
                self.string(start).map(Token::Str)
            }
            b'{' | b'[' => {
                if self.depth >= self.max_depth {
                    return Err(self.err_peek(ErrorCode::RecursionLimitExceeded));
                }
                self.pos += 1;
                self.depth += 1;
                self.expect = Expect::First;
                Ok(if c == b'{' {
                    Token::Object
                } else {
                    Token::Array
                })
            }
            b'-' | b'0'..=b'9' => self.number().map(Token::Number),
            b't' => self.ident(b"true").map(|()| Token::Bool(true)),
            b'f' => self.ident(b"false").map(|()| Token::Bool(false)),
            b'n' => self.ident(b"null").map(|()| Token::Null),
            _ => Err(self.err_peek(ErrorCode::ExpectedSomeValue)),
        }
    }

    /// In an object: the next member's key, after its `,` (the `:` is left for
    /// [`Scanner::colon`] or [`Scanner::value`]); `None` at the closing `}`, which is read.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<Str<'de>>, Error> {
        let Some(c) = self.peek_ws() else {
            return Err(self.err_peek(ErrorCode::EofWhileParsingObject));
        };
        if c == b'}' {
            self.close();
            return Ok(None);
        }
        if self.expect == Expect::First {
            if c != b'"' {
                return Err(self.err_peek(ErrorCode::KeyMustBeAString));
            }
        } else if c == b',' {
            self.pos += 1;
            match self.peek_ws() {
                Some(b'"') => {}
                Some(b'}') => return Err(self.err_peek(ErrorCode::TrailingComma)),
                Some(_) => return Err(self.err_peek(ErrorCode::KeyMustBeAString)),
                None => return Err(self.err_peek(ErrorCode::EofWhileParsingValue)),
            }
        } else {
            return Err(self.err_peek(ErrorCode::ExpectedObjectCommaOrEnd));
        }
        let start = self.pos;
        self.pos += 1;
        let key = self.string(start)?;
        self.expect = Expect::Colon;
        Ok(Some(key))
    }

    /// In an array: whether another item follows (after its `,`, and the white space before
    /// it); `false` at the closing `]`, which is read.
    #[inline]
    pub fn next_item(&mut self) -> Result<bool, Error> {
        let Some(c) = self.peek_ws() else {
            return Err(self.err_peek(ErrorCode::EofWhileParsingList));
        };
        if c == b']' {
            self.close();
            return Ok(false);
        }
        if self.expect == Expect::First {
            self.expect = Expect::Plain;
            return Ok(true);
        }
        if c != b',' {
            return Err(self.err_peek(ErrorCode::ExpectedListCommaOrEnd));
        }
        self.pos += 1;
        match self.peek_ws() {
            Some(b']') => Err(self.err_peek(ErrorCode::TrailingComma)),
            Some(_) => Ok(true),
            None => Err(self.err_peek(ErrorCode::EofWhileParsingValue)),
        }
    }

    /// Reads the closing `}` or `]` at `pos`.
    #[inline(always)]
    fn close(&mut self) {
        self.pos += 1;
        self.depth = self.depth.saturating_sub(1);
        self.expect = Expect::Plain;
    }

    /// After the top-level value: nothing but white space.
    #[inline]
    pub fn end(&mut self) -> Result<(), Error> {
        match self.peek_ws() {
            None => Ok(()),
            Some(_) => Err(self.err_peek(ErrorCode::TrailingCharacters)),
        }
    }

    /// Skips the value that starts here (after its `:` if the caller did not read it),
    /// checking its syntax as [`Scanner::value`] would, without looking at anything else.
    #[inline]
    pub fn skip(&mut self) -> Result<(), Error> {
        match self.skip_with(&mut NoWalk, 0) {
            Ok(()) => Ok(()),
            Err(WalkError::Syntax(e)) => Err(e),
            Err(WalkError::Stop(never)) => match never {},
        }
    }

    /// Skips the value that starts here, which sits `depth` levels deep (the caller's count:
    /// its members and items are one deeper), calling `walk` at each point where a limit is
    /// judged. Nothing is allocated; the nesting is bounded by the scanner's depth limit.
    pub fn skip_with<W: Walk<'de>>(
        &mut self,
        walk: &mut W,
        depth: usize,
    ) -> Result<(), WalkError<W::Stop>> {
        // A bit per open level (1: an array) and each array's next index.
        let mut arrays: u128 = 0;
        let mut index = [0u32; MAX_DEPTH + 1];
        let mut open = 0usize;
        self.colon()?;
        walk.value(self, depth).map_err(WalkError::Stop)?;
        loop {
            let d = depth + open;
            match self.value()? {
                Token::Object => {
                    open += 1;
                    arrays &= !(1 << open);
                    walk.open(self, d, false).map_err(WalkError::Stop)?;
                }
                Token::Array => {
                    open += 1;
                    arrays |= 1 << open;
                    index[open] = 0;
                    walk.open(self, d, true).map_err(WalkError::Stop)?;
                }
                scalar => walk.scalar(self, d, &scalar).map_err(WalkError::Stop)?,
            }
            // The next value to read, closing what ends before it.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let d = depth + open;
                if arrays & (1 << open) != 0 {
                    let i = index[open] as usize;
                    walk.item(self, d, i).map_err(WalkError::Stop)?;
                    if self.next_item()? {
                        index[open] += 1;
                        walk.value(self, d).map_err(WalkError::Stop)?;
                        break;
                    }
                } else if let Some(key) = self.next_key()? {
                    walk.key(self, d, &key).map_err(WalkError::Stop)?;
                    self.colon()?;
                    walk.value(self, d).map_err(WalkError::Stop)?;
                    break;
                }
                open -= 1;
                walk.close(self, d - 1).map_err(WalkError::Stop)?;
            }
        }
    }

    /// `true`, `false` or `null`, whose first byte is at `pos`.
    #[inline]
    fn ident(&mut self, word: &[u8]) -> Result<(), Error> {
        let b = self.bytes();
        if b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            return Ok(());
        }
        self.ident_error(word)
    }

    #[cold]
    fn ident_error(&mut self, word: &[u8]) -> Result<(), Error> {
        let b = self.bytes();
        self.pos += 1;
        for &want in &word[1..] {
            match b.get(self.pos) {
                None => return Err(self.err_read(ErrorCode::EofWhileParsingValue)),
                Some(&c) => {
                    self.pos += 1;
                    if c != want {
                        return Err(self.err_read(ErrorCode::ExpectedSomeIdent));
                    }
                }
            }
        }
        Ok(())
    }

    /// A number, whose first byte (`-` or a digit) is at `pos`: serde_json's grammar and
    /// errors (`Deserializer::parse_integer` and what follows it).
    #[inline]
    fn number(&mut self) -> Result<Number<'de>, Error> {
        let b = self.bytes();
        let start = self.pos;
        if b[start] == b'-' {
            self.pos += 1;
        }
        let Some(&first) = b.get(self.pos) else {
            return Err(self.err_read(ErrorCode::EofWhileParsingValue));
        };
        self.pos += 1;
        match first {
            b'0' => {
                if b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    return Err(self.err_peek(ErrorCode::InvalidNumber));
                }
            }
            b'1'..=b'9' => self.digits(),
            _ => return Err(self.err_read(ErrorCode::InvalidNumber)),
        }
        match b.get(self.pos) {
            Some(b'.') => {
                self.pos += 1;
                let from = self.pos;
                self.digits();
                if self.pos == from {
                    let code = if self.pos < b.len() {
                        ErrorCode::InvalidNumber
                    } else {
                        ErrorCode::EofWhileParsingValue
                    };
                    return Err(self.err_peek(code));
                }
                if let Some(b'e' | b'E') = b.get(self.pos) {
                    self.exponent()?;
                }
            }
            Some(b'e' | b'E') => self.exponent()?,
            _ => {}
        }
        Ok(Number {
            text: &self.text[start..self.pos],
            start,
        })
    }

    #[inline(always)]
    fn digits(&mut self) {
        let b = self.bytes();
        while b.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    /// The exponent, from its `e` at `pos`.
    fn exponent(&mut self) -> Result<(), Error> {
        let b = self.bytes();
        self.pos += 1;
        if let Some(b'+' | b'-') = b.get(self.pos) {
            self.pos += 1;
        }
        let Some(&c) = b.get(self.pos) else {
            return Err(self.err_read(ErrorCode::EofWhileParsingValue));
        };
        self.pos += 1;
        if !c.is_ascii_digit() {
            return Err(self.err_read(ErrorCode::InvalidNumber));
        }
        self.digits();
        Ok(())
    }

    /// A string whose opening quote is at `start` and was read: up to and with its closing
    /// quote, escapes checked (serde_json's `parse_str`, which refuses lone surrogates).
    #[inline(always)]
    fn string(&mut self, start: usize) -> Result<Str<'de>, Error> {
        let b = self.bytes();
        self.pos = find(b, self.pos, [b'"', b'\\'], 0x20);
        if b.get(self.pos) == Some(&b'"') {
            self.pos += 1;
            return Ok(Str {
                raw: self.text.get(start + 1..self.pos - 1).unwrap_or_default(),
                escaped: false,
                start,
            });
        }
        self.string_slow(start)
    }

    /// The rest of a string that holds an escape (or is broken), from its first `\`,
    /// control character or end of body at `pos`.
    #[inline(never)]
    fn string_slow(&mut self, start: usize) -> Result<Str<'de>, Error> {
        let b = self.bytes();
        let mut escaped = false;
        loop {
            match b.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Str {
                        raw: self.text.get(start + 1..self.pos - 1).unwrap_or_default(),
                        escaped,
                        start,
                    });
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 1;
                    self.escape()?;
                }
                Some(_) => {
                    self.pos += 1;
                    return Err(self.err_read(ErrorCode::ControlCharacterWhileParsingString));
                }
                None => return Err(self.err_read(ErrorCode::EofWhileParsingString)),
            }
            self.pos = find(b, self.pos, [b'"', b'\\'], 0x20);
        }
    }

    /// The escape after a `\` (read): serde_json's `parse_escape` when it validates.
    fn escape(&mut self) -> Result<(), Error> {
        let b = self.bytes();
        let Some(&c) = b.get(self.pos) else {
            return Err(self.err_read(ErrorCode::EofWhileParsingString));
        };
        self.pos += 1;
        match c {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(()),
            b'u' => self.unicode_escape(),
            _ => Err(self.err_read(ErrorCode::InvalidEscape)),
        }
    }

    /// The four hex digits after `\u`, and the second half of a surrogate pair.
    fn unicode_escape(&mut self) -> Result<(), Error> {
        let n = self.hex_escape()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.err_read(ErrorCode::LoneLeadingSurrogateInHexEscape));
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return Ok(());
        }
        // A leading surrogate: `\u` and a trailing one must follow.
        for want in [b'\\', b'u'] {
            match self.bytes().get(self.pos) {
                None => return Err(self.err_read(ErrorCode::EofWhileParsingString)),
                Some(&c) => {
                    self.pos += 1;
                    if c != want {
                        return Err(self.err_read(ErrorCode::UnexpectedEndOfHexEscape));
                    }
                }
            }
        }
        let n2 = self.hex_escape()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.err_read(ErrorCode::LoneLeadingSurrogateInHexEscape));
        }
        Ok(())
    }

    /// Four hex digits (serde_json's `decode_hex_escape`: all four are read first).
    fn hex_escape(&mut self) -> Result<u32, Error> {
        let b = self.bytes();
        if self.pos + 4 > b.len() {
            self.pos = b.len();
            return Err(self.err_read(ErrorCode::EofWhileParsingString));
        }
        let n = hex4(b, self.pos);
        self.pos += 4;
        n.ok_or_else(|| self.err_read(ErrorCode::InvalidEscape))
    }
}

// ---------------------------------------------------------------------------------------
// Skipping with limits
// ---------------------------------------------------------------------------------------

/// What [`Scanner::skip_with`] calls while it skips a subtree: the points where the JSON
/// driver judges its limits (`crate::engine::json::Skip`), each with the scanner (for
/// [`Scanner::last_offset`]) and the depth of what is judged. Every method but
/// [`Walk::scalar`] does nothing by default.
pub trait Walk<'de> {
    /// Why the walk stopped (a limit exceeded).
    type Stop;

    /// A value is about to be read at `depth` (after its `:`, `,` or `[`): the depth limit.
    fn value(&mut self, sc: &Scanner<'de>, depth: usize) -> Result<(), Self::Stop> {
        let _ = (sc, depth);
        Ok(())
    }

    /// A string, number, boolean or `null` at `depth` was read: the value count, `null`.
    fn scalar(
        &mut self,
        sc: &Scanner<'de>,
        depth: usize,
        token: &Token<'de>,
    ) -> Result<(), Self::Stop>;

    /// An object (or an array, when `array`) at `depth` was opened.
    fn open(&mut self, sc: &Scanner<'de>, depth: usize, array: bool) -> Result<(), Self::Stop> {
        let _ = (sc, depth, array);
        Ok(())
    }

    /// A key of a member at `depth` was read (its `:` was not): empty keys, keys a form
    /// could not send, duplicates.
    fn key(&mut self, sc: &Scanner<'de>, depth: usize, key: &Str<'de>) -> Result<(), Self::Stop> {
        let _ = (sc, depth, key);
        Ok(())
    }

    /// Item `index` of an array, at `depth`, may follow (judged before the `,` or `]` is
    /// read, as the driver judges the array length).
    fn item(&mut self, sc: &Scanner<'de>, depth: usize, index: usize) -> Result<(), Self::Stop> {
        let _ = (sc, depth, index);
        Ok(())
    }

    /// The object or array at `depth` was closed.
    fn close(&mut self, sc: &Scanner<'de>, depth: usize) -> Result<(), Self::Stop> {
        let _ = (sc, depth);
        Ok(())
    }
}

/// Why [`Scanner::skip_with`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkError<S> {
    /// The body is not JSON.
    Syntax(Error),
    /// The walk stopped it.
    Stop(S),
}

impl<S> From<Error> for WalkError<S> {
    fn from(e: Error) -> Self {
        WalkError::Syntax(e)
    }
}

/// The walk of [`Scanner::skip`]: nothing to judge.
struct NoWalk;

impl<'de> Walk<'de> for NoWalk {
    type Stop = std::convert::Infallible;
    #[inline(always)]
    fn scalar(&mut self, _: &Scanner<'de>, _: usize, _: &Token<'de>) -> Result<(), Self::Stop> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
