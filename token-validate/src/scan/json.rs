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

use std::fmt;

use super::bytes::{find, first_bad_utf8, utf8};

mod token;
#[doc(inline)]
pub use token::{Error, ErrorCode, Number, Str, Token};
use token::{hex4, serde_offset};

/// The deepest nesting of arrays and objects serde_json accepts (its recursion limit of 128
/// counts down to zero on the 128th): 127.
pub const MAX_DEPTH: usize = 127;

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
        match utf8(body) {
            Some(text) => Ok(Scanner::from_text(text)),
            None => Err(Error {
                code: ErrorCode::InvalidUtf8,
                offset: first_bad_utf8(body),
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
            b'"' => self.string(self.pos).map(Token::Str),
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

    /// The usual value of a member in a compact body, read as [`Scanner::value`] reads it:
    /// the `:` right after the key, then a string with nothing to decode (no `\\`, no
    /// control character) whose text is returned. `None`, with nothing read, for anything
    /// else (white space, another kind of value, an escape, an error), which
    /// [`Scanner::value`] then reads in general.
    #[inline(always)]
    pub fn compact_str_member(&mut self) -> Option<&'de str> {
        let b = self.bytes();
        if self.expect != Expect::Colon
            || b.get(self.pos) != Some(&b':')
            || b.get(self.pos + 1) != Some(&b'"')
        {
            return None;
        }
        let open = self.pos + 1;
        let end = self.plain_string_end(open).ok()?;
        // The quotes are ASCII: the slice is whole characters.
        let text = self.text.get(open + 1..end)?;
        self.pos = end + 1;
        self.expect = Expect::Plain;
        Some(text)
    }

    /// In an object: the next member's key, after its `,` (the `:` is left for
    /// [`Scanner::colon`] or [`Scanner::value`]); `None` at the closing `}`, which is read.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<Str<'de>>, Error> {
        // The usual case, a compact body: the key's quote right here (the first member) or
        // right after the `,`. Anything else (white space, `}`, an error) reads as below.
        let b = self.bytes();
        let quote = match (self.expect, b.get(self.pos)) {
            (Expect::First, Some(b'"')) => self.pos,
            (Expect::Plain, Some(b',')) if b.get(self.pos + 1) == Some(&b'"') => self.pos + 1,
            _ => return self.next_key_spaced(),
        };
        let key = self.string(quote)?;
        self.expect = Expect::Colon;
        Ok(Some(key))
    }

    /// [`Scanner::next_key`] in general: white space, the closing `}`, errors.
    #[inline(never)]
    fn next_key_spaced(&mut self) -> Result<Option<Str<'de>>, Error> {
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
        let key = self.string(self.pos)?;
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

    /// A string whose opening quote is at `start` (not read yet): up to and with its
    /// closing quote, escapes checked (serde_json's `parse_str`, which refuses lone
    /// surrogates). The position is kept in a local and stored once.
    #[inline(always)]
    fn string(&mut self, start: usize) -> Result<Str<'de>, Error> {
        match self.plain_string_end(start) {
            Ok(end) => {
                self.pos = end + 1;
                Ok(Str {
                    raw: self.text.get(start + 1..end).unwrap_or_default(),
                    escaped: false,
                    start,
                })
            }
            Err(at) => {
                self.pos = at;
                self.string_slow(start)
            }
        }
    }

    /// The string whose `"` is at `open`, when nothing in it needs decoding: `Ok` with its
    /// closing quote; else `Err` with its first `\` or control character, or the body's
    /// end. Nothing is read.
    #[inline(always)]
    fn plain_string_end(&self, open: usize) -> Result<usize, usize> {
        let b = self.bytes();
        let end = find(b, open + 1, [b'"', b'\\'], 0x20);
        if b.get(end) == Some(&b'"') {
            Ok(end)
        } else {
            Err(end)
        }
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
