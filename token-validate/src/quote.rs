//! What an answer, a header or a log line may repeat of a request: the one rule, in pure
//! functions.
//!
//! Everything this crate lets out about a request goes through this module: parameter
//! paths and keys through [`path`], values through [`value`], and, in `serve`, the URL path
//! of the request line through [`url_path`], its method through [`method`] and the request
//! headers an answer echoes (`Idempotency-Key`, `Stripe-Version`) through [`echo`]. Nothing
//! else of the input is ever quoted (secret parameters' values are not quoted at all), so
//! what these functions let through is all a client, a log line or a `Debug` output can see
//! of a request.
//!
//! # The rule
//!
//! 1. **Decoded before it is judged.** Percent-escapes that spell a character (`%34`,
//!    `%EF%BC%94`) are judged as that character; the quote shows them as they were sent,
//!    or masked.
//! 2. **Every decimal digit is a digit.** ASCII, fullwidth, Arabic-Indic, Devanagari,
//!    mathematical bold, superscript: any character Unicode calls numeric
//!    ([`char::is_numeric`]) counts.
//! 3. **A run of digits goes on across any separators.** Digits joined by any characters
//!    that are neither letters nor digits (a space, a no-break space, `-`, an en dash,
//!    `.`, `_`, `/`, a zero-width space, a soft hyphen, several of them) are one run:
//!    `4242 4242 4242 4242`, `4242\u{a0}4242…`, `000_12_3456` and `4242..4242//4242` are
//!    runs of 16, 9 and 12 digits. A letter ends a run.
//! 4. **No secret-length digit runs.** In a quoted value or URL path, every digit of a run
//!    of [`MIN_LONG_DIGITS`] or more digits (the length of an SSN, an id, an account or a
//!    card number) is replaced by `*`; the separators stay. A text that carries a pair
//!    separator ([`carries_pairs`]: `&`, `=`, `;`, a bracket, a control character, or
//!    JSON's `"`, `:` and `,`) may have another parameter riding inside it, so in such a
//!    text every run of [`MIN_MASKED_DIGITS`] or more digits (a CVC has three) is masked.
//! 5. **Keys keep only parameter names.** A parameter path is split at its brackets; each
//!    piece between brackets (a *segment*) is kept only if it is a well-formed parameter
//!    name ([`is_param_name`]: ASCII letters, digits and `_`, at most
//!    [`MAX_SEGMENT_CHARS`] characters) with no digit in a run of [`MIN_MASKED_DIGITS`]
//!    digits (runs go on across `_` and brackets, so `expand[1][2][3]` masks all three);
//!    any other segment is replaced by [`MASK`]. The brackets stay, so the client still
//!    sees where the problem is: `card[number]=4242…` sent with a stray `]` quotes as
//!    `card[number](redacted)`. Every path of the spec is made of well-formed names, so
//!    known parameters always quote as they are (tested).
//! 6. **A method is a word or nothing.** A request method is repeated only if it is 1 to
//!    [`MAX_METHOD_CHARS`] ASCII letters; any other is replaced by [`MASK`].
//! 7. **Capped.** A quoted value keeps at most [`MAX_VALUE_CHARS`] characters, a URL path
//!    [`MAX_URL_PATH_CHARS`], an echoed header [`MAX_ECHO_CHARS`] and a parameter path
//!    [`MAX_PATH_CHARS`]; a longer text is cut and ends with `...`. A run of digits that
//!    goes on past the cut is judged whole.
//! 8. **One line.** Control characters (and the Unicode bidirectional controls) are
//!    escaped (`\n`, `\u{1b}`), so a quote cannot break a log line or forge one.
//!
//! # What it guarantees, and what it does not
//!
//! Guaranteed, whatever the request: no quote is longer than its cap; no run of nine or
//! more digits of the input (in any script, percent-encoded or not, whatever separates
//! them) appears in a quote, so no card number (12–19 digits), SSN, or numeric account,
//! routing, tax or id number can come through, whether it was sent as a value, a key, an
//! array index, a metadata key, in the URL path, as the method or in an echoed header;
//! no run of three or more digits appears in a key segment or in a text that carries a
//! pair separator, so a CVC or last 4 sent inside another pair (a body split with
//! newlines or `;` instead of `&`, a pair written like JSON) cannot come through either;
//! no key segment that is not a plain parameter name (anything with punctuation, spaces,
//! quotes, JSON, `=`) is repeated; no method that is not a plain word is repeated.
//!
//! Not guaranteed: a secret made of letters with at most two digits in a row (say a
//! passport number `c01x00t47`) is repeated if it is sent as a key segment, inside a
//! non-secret value or in the URL path; so are digits broken into short pieces by letters
//! (`42a42a42a42`), and a short run of digits sent as the whole value of a non-secret
//! parameter (`person[email]=737` quotes `737`: what the client sent there is an email,
//! and Stripe repeats it the same way). Three digits is the floor because a CVC has
//! three: masking shorter runs would mask the `1` of `line1` and every small number a
//! client needs to see; nine is the floor outside a carrier value because Stripe's own
//! messages repeat short numbers (`Country 840 not supported`, `Invalid email address:
//! jenny9212@example`) and clients need them to see what they sent.
//!
//! Why these caps: 40 characters identifies a value in a message (an email address, a
//! country code, the start of an over-long string), keeps a message on one line, and is
//! what value quotes were always cut at (`Invalid string: aaaa…(40)...; must be at most
//! 5000 characters`). A segment of up to 40 characters holds every parameter name of the
//! spec (the longest has 38). 100 characters for a parameter path is the cap parse
//! errors always had: it holds every path of the spec (the longest,
//! `account[individual][verification][additional_document][front]`, has 61 characters)
//! and an unknown segment of up to 37 characters after it. 200 characters holds every
//! URL path of Stripe's API with its ids; 255 is the longest idempotency key Stripe takes.

/// The longest quoted value, in characters; a longer value is cut and ends with `...`.
pub const MAX_VALUE_CHARS: usize = 40;

/// The longest quoted parameter path, in characters; a longer path is cut and ends with
/// `...`.
pub const MAX_PATH_CHARS: usize = 100;

/// The longest quoted URL path (of a request line), in characters.
pub const MAX_URL_PATH_CHARS: usize = 200;

/// The longest request header value echoed in an answer, in characters (Stripe takes
/// idempotency keys of up to 255).
pub const MAX_ECHO_CHARS: usize = 255;

/// The longest method repeated, in letters.
pub const MAX_METHOD_CHARS: usize = 20;

/// The longest path segment quoted as it is; a longer segment is masked.
pub const MAX_SEGMENT_CHARS: usize = 40;

/// In a key, or in a text that carries a pair separator, runs of this many digits or more
/// are masked (a CVC has three).
pub const MIN_MASKED_DIGITS: usize = 3;

/// In any quoted text, runs of this many digits or more are masked (an SSN has nine, and
/// every card, account and id number at least as many).
pub const MIN_LONG_DIGITS: usize = 9;

/// What stands for a masked path segment or method, and for a secret parameter's value.
pub const MASK: &str = "(redacted)";

/// What ends a quote that was cut at its cap.
const CUT: &str = "...";

/// Whether a character counts as a digit: any character Unicode calls numeric (every
/// decimal digit of every script, and superscripts, circled and other numeral forms).
#[inline]
pub fn is_digit(c: char) -> bool {
    c.is_numeric()
}

/// Whether `segment` is a well-formed parameter name that a path may quote as it is: one to
/// [`MAX_SEGMENT_CHARS`] ASCII letters, digits and `_`, with no run of
/// [`MIN_MASKED_DIGITS`] digits (a run goes on across `_`: `a_1_2_3` has one of three).
///
/// Array indexes below 100 (`0` to `99`) are well-formed too; larger ones are masked.
pub fn is_param_name(segment: &str) -> bool {
    is_name_bytes(segment.as_bytes())
}

/// [`is_param_name`] on bytes.
fn is_name_bytes(segment: &[u8]) -> bool {
    !segment.is_empty()
        && segment.len() <= MAX_SEGMENT_CHARS
        && segment
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && !has_long_run(segment, MIN_MASKED_DIGITS)
}

/// Whether ASCII `bytes` hold a run of `min` or more digits, where anything but a letter
/// goes on with a run (rule 3 on bytes: a non-ASCII byte is not a letter).
fn has_long_run(bytes: &[u8], min: usize) -> bool {
    let mut digits = 0;
    for &b in bytes {
        if b.is_ascii_digit() {
            digits += 1;
            if digits >= min {
                return true;
            }
        } else if b.is_ascii_alphabetic() {
            digits = 0;
        }
    }
    false
}

/// A parameter path or key from the input, as an answer may quote it: each segment that is
/// not a well-formed parameter name, or holds a digit of a run of [`MIN_MASKED_DIGITS`]
/// (across segments too), replaced by [`MASK`], brackets kept, at most [`MAX_PATH_CHARS`]
/// characters.
///
/// ```
/// use token_validate::quote::path;
/// assert_eq!(path("card[address_c]"), "card[address_c]");
/// assert_eq!(path("card[number]4000056655665556"), "card[number](redacted)");
/// assert_eq!(path(r#"{"card":{"number":"4000056655665556"}}"#), "(redacted)");
/// assert_eq!(path("expand[737]"), "expand[(redacted)]");
/// assert_eq!(path("expand[7][3][7]"), "expand[(redacted)][(redacted)][(redacted)]");
/// ```
pub fn path(key: &str) -> String {
    // The common case: every segment is a parameter name, no run of digits goes across
    // them, and the path is within its cap, so it is quoted as it is.
    if plain_path(key.as_bytes()) {
        return key.to_owned();
    }
    if key.is_ascii() {
        return masked_ascii_path(key);
    }
    path_by_chars(key)
}

/// [`path`] for an ASCII key that is not quoted as it is, in one pass over its bytes (a
/// second one over each run of digits, to count it when its first digit is met).
fn masked_ascii_path(key: &str) -> String {
    let b = key.as_bytes();
    let mut out = String::with_capacity(MAX_PATH_CHARS + CUT.len());
    // The run of digits last counted ends before `stop` (a letter, or the end); `long`:
    // it has a masked run's digits.
    let (mut stop, mut long) = (0, false);
    // The piece between brackets being read, and whether it is shown so far: a parameter
    // name with no digit of a masked run (a run within the piece is one across pieces).
    let (mut from, mut show) = (0, true);
    for (p, &c) in b.iter().enumerate() {
        match c {
            b'[' | b']' => {
                let piece = if show { &key[from..p] } else { MASK };
                if p > from && !push_capped(&mut out, piece) || !push_capped(&mut out, &key[p..=p])
                {
                    return out;
                }
                (from, show) = (p + 1, true);
                continue;
            }
            b'0'..=b'9' => {
                if p >= stop {
                    // A run starts here (the first digit after a letter): up to the next
                    // letter.
                    stop = b[p..]
                        .iter()
                        .position(u8::is_ascii_alphabetic)
                        .map_or(b.len(), |s| p + s);
                    let digits = b[p..stop].iter().filter(|c| c.is_ascii_digit()).count();
                    long = digits >= MIN_MASKED_DIGITS;
                }
                show &= !long;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {}
            _ => show = false,
        }
        if p - from >= MAX_SEGMENT_CHARS {
            show = false;
        }
    }
    if b.len() > from {
        push_capped(&mut out, if show { &key[from..] } else { MASK });
    }
    out
}

/// Pushes a piece of a path onto `out` (every character of both is ASCII), or what fits
/// of it and [`CUT`] when it goes past [`MAX_PATH_CHARS`] (then `false`).
#[inline]
fn push_capped(out: &mut String, shown: &str) -> bool {
    if out.len() + shown.len() > MAX_PATH_CHARS {
        out.push_str(&shown[..MAX_PATH_CHARS - out.len()]);
        out.push_str(CUT);
        return false;
    }
    out.push_str(shown);
    true
}

/// [`path`] character by character, whatever the key.
fn path_by_chars(key: &str) -> String {
    let cs: Vec<char> = key.chars().collect();
    let masked = digit_run_mask(&cs, MIN_MASKED_DIGITS, 0, 0);
    let mut out = String::with_capacity(MAX_PATH_CHARS + CUT.len());
    let mut i = 0;
    while i < cs.len() {
        // A bracket, or the piece up to the next one.
        let end = if matches!(cs[i], '[' | ']') {
            i + 1
        } else {
            cs[i..]
                .iter()
                .position(|&c| c == '[' || c == ']')
                .map_or(cs.len(), |p| i + p)
        };
        let piece: String = cs[i..end].iter().collect();
        let bracket = piece == "[" || piece == "]";
        let shown = if bracket || (is_param_name(&piece) && !masked[i..end].contains(&true)) {
            piece.as_str()
        } else {
            MASK
        };
        if !push_capped(&mut out, shown) {
            return out;
        }
        i = end;
    }
    out
}

/// Whether a path is quoted as it is: at most [`MAX_PATH_CHARS`] bytes, every segment
/// between brackets empty or a parameter name ([`is_param_name`]), and no run of
/// [`MIN_MASKED_DIGITS`] digits across them (a run goes on across `_` and brackets). One
/// pass over the bytes.
fn plain_path(b: &[u8]) -> bool {
    if b.len() > MAX_PATH_CHARS {
        return false;
    }
    let (mut segment, mut digits) = (0usize, 0usize);
    for &c in b {
        match c {
            b'[' | b']' => {
                segment = 0;
                continue;
            }
            b'0'..=b'9' => {
                digits += 1;
                if digits >= MIN_MASKED_DIGITS {
                    return false;
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' => digits = 0,
            b'_' => {}
            _ => return false,
        }
        segment += 1;
        if segment > MAX_SEGMENT_CHARS {
            return false;
        }
    }
    true
}

/// A non-secret value from the input, as an error message may quote it: the rule of the
/// [module](self), at most [`MAX_VALUE_CHARS`] characters of the value.
///
/// ```
/// use token_validate::quote::value;
/// assert_eq!(value("jenny.rosen"), "jenny.rosen");
/// assert_eq!(value("1.5"), "1.5");
/// assert_eq!(value("jenny9212@example"), "jenny9212@example");
/// assert_eq!(value("jenny\ncard[cvc]=737"), "jenny\\ncard[cvc]=***");
/// assert_eq!(value("4242 4242-4242 4242"), "**** ****-**** ****");
/// assert_eq!(value("4242\u{a0}4242\u{2013}4242__4242"), "****\u{a0}****\u{2013}****__****");
/// assert_eq!(value("%34%32%34%32%34%32%34%32%34"), "*********");
/// assert_eq!(value(r#"jenny","ssn_last_4":"1234"#), r#"jenny","ssn_last_*":"****"#);
/// ```
pub fn value(text: &str) -> String {
    quote_text(text, MAX_VALUE_CHARS)
}

/// The URL path of a request line, as an answer or a log line may repeat it: the rule of
/// the [module](self), at most [`MAX_URL_PATH_CHARS`] characters (the query string is
/// never given to it).
///
/// ```
/// use token_validate::quote::url_path;
/// assert_eq!(url_path("/v1/customers/cus_123"), "/v1/customers/cus_123");
/// assert_eq!(url_path("/v1/customers/000-12-3456"), "/v1/customers/***-**-****");
/// assert_eq!(url_path("/v1/tokens/%34%32%34%32%34%32%34%32%34"), "/v1/tokens/*********");
/// ```
pub fn url_path(path: &str) -> String {
    quote_text(path, MAX_URL_PATH_CHARS)
}

/// The URL path of a request line judged with the line around it: a run of digits that
/// the line's spaces split between the method, the path and what follows the path (the
/// version, or anything a malformed line holds) is one run, so `40000566 /55665556
/// HTTP/1.1` masks the path's digits. `method` and `rest` are not quoted here (the method
/// through [`method`]; the rest never).
///
/// ```
/// use token_validate::quote::url_path_in_line;
/// assert_eq!(url_path_in_line("POST", "/v1/tokens", " HTTP/1.1"), "/v1/tokens");
/// assert_eq!(url_path_in_line("40000566", "/55665556", " HTTP/1.1"), "/********");
/// assert_eq!(url_path_in_line("GET", "/4000", " 0566 5566 5556"), "/****");
/// ```
pub fn url_path_in_line(method: &str, path: &str, rest: &str) -> String {
    let before = {
        let units: Vec<Unit<'_>> = units(method).collect();
        edge_digits(units.iter().rev().map(|u| u.ch))
    };
    let after = edge_digits(units(rest).map(|u| u.ch));
    if before == 0 && after == 0 {
        return quote_text(path, MAX_URL_PATH_CHARS);
    }
    masked_text(path, MAX_URL_PATH_CHARS, before, after)
}

/// The digits at the start of `chars` (up to its first letter): how many a run that
/// reaches that edge goes on with.
fn edge_digits(chars: impl Iterator<Item = char>) -> usize {
    let mut n = 0;
    for c in chars {
        if is_digit(c) {
            n += 1;
        } else if c.is_alphanumeric() {
            break;
        }
    }
    n
}

/// A request header's value as an answer may echo it (`Idempotency-Key`,
/// `Stripe-Version`): the rule of the [module](self), at most [`MAX_ECHO_CHARS`]
/// characters.
pub fn echo(text: &str) -> String {
    quote_text(text, MAX_ECHO_CHARS)
}

/// A request method as an answer or a log line may repeat it: itself if it is 1 to
/// [`MAX_METHOD_CHARS`] ASCII letters, else [`MASK`].
///
/// ```
/// use token_validate::quote::method;
/// assert_eq!(method("POST"), "POST");
/// assert_eq!(method("4242424242424242"), "(redacted)");
/// assert_eq!(method("X4242"), "(redacted)");
/// ```
pub fn method(method: &str) -> &str {
    if !method.is_empty()
        && method.len() <= MAX_METHOD_CHARS
        && method.bytes().all(|b| b.is_ascii_alphabetic())
    {
        method
    } else {
        MASK
    }
}

/// One character of a text as it is judged (`ch`, percent-escapes decoded) and as it was
/// written (`src`: itself, or its escapes).
#[derive(Clone, Copy)]
struct Unit<'a> {
    ch: char,
    src: &'a str,
}

/// The characters of `text`, with the percent-escapes of one UTF-8 character decoded.
fn units(text: &str) -> impl Iterator<Item = Unit<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let (ch, len) = match c {
            '%' => decode_escape(rest.as_bytes()).unwrap_or(('%', 1)),
            _ => (c, c.len_utf8()),
        };
        // An escape is ASCII, so `len` is a character boundary.
        let unit = Unit {
            ch,
            src: &rest[..len],
        };
        rest = &rest[len..];
        Some(unit)
    })
}

/// The `%XX` escapes at the start of `bytes` that spell one UTF-8 character: the character
/// and how many bytes the escapes take.
fn decode_escape(bytes: &[u8]) -> Option<(char, usize)> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let byte_at = |i: usize| -> Option<u8> {
        match bytes.get(3 * i..3 * i + 3)? {
            [b'%', h, l] => u8::try_from(hex(*h)? << 4 | hex(*l)?).ok(),
            _ => None,
        }
    };
    let first = byte_at(0)?;
    let len = match first {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let mut buf = [first, 0, 0, 0];
    for (i, b) in buf.iter_mut().enumerate().take(len).skip(1) {
        *b = byte_at(i)?;
    }
    let ch = std::str::from_utf8(&buf[..len]).ok()?.chars().next()?;
    Some((ch, 3 * len))
}

/// The rule, capped at `cap` characters.
fn quote_text(text: &str, cap: usize) -> String {
    plain_text(text, cap).unwrap_or_else(|| masked_text(text, cap, 0, 0))
}

/// [`quote_text`] character by character: decodes, masks, escapes and cuts; a run at the
/// start of the text goes on with `before` digits before it, one at its end with `after`.
fn masked_text(text: &str, cap: usize, before: usize, after: usize) -> String {
    let min = if carries_pairs(text) {
        MIN_MASKED_DIGITS
    } else {
        MIN_LONG_DIGITS
    };
    // The characters shown (and one more, to know whether the text is cut); past them, only
    // the digits of a run that reaches the cut (up to the next letter) are counted: a run
    // cut by the cap is judged whole.
    let mut rest = units(text);
    let all: Vec<Unit<'_>> = rest.by_ref().take(cap + 1).collect();
    let cut = all.len() > cap;
    let mut more = 0;
    let mut to_end = true;
    if cut {
        for u in rest {
            if is_digit(u.ch) {
                more += 1;
            } else if u.ch.is_alphanumeric() {
                to_end = false;
                break;
            }
        }
    }
    if to_end {
        more += after;
    }
    let cs: Vec<char> = all.iter().map(|u| u.ch).collect();
    let masked = digit_run_mask(&cs, min, before, more);
    let mut out = String::with_capacity(cap.min(all.len()) + 8);
    for (u, &m) in all.iter().zip(&masked).take(cap) {
        if m {
            out.push('*');
        } else if needs_escape(u.ch) && u.src.len() == u.ch.len_utf8() {
            out.extend(u.ch.escape_default());
        } else {
            out.push_str(u.src);
        }
    }
    if cut {
        out.push_str(CUT);
    }
    out
}

/// [`quote_text`] for the common case, without a character buffer: printable ASCII without
/// `%`, with fewer digits in all than a masked run needs, so nothing is decoded, masked or
/// escaped and the quote is the text, cut at the cap. `None` otherwise.
fn plain_text(text: &str, cap: usize) -> Option<String> {
    // One pass: printable ASCII without `%` (so `carries_pairs` is a byte test), whether it
    // carries a pair separator, and how many digits it holds; each byte's class from a table.
    const OTHER: u8 = 0;
    const DIGIT: u8 = 1;
    const PAIR: u8 = 2;
    const STOP: u8 = 3;
    const CLASS: [u8; 256] = {
        let mut t = [STOP; 256];
        let mut b = b' ';
        while b <= b'~' {
            t[b as usize] = if b.is_ascii_digit() {
                DIGIT
            } else if is_pair(b as char) {
                PAIR
            } else {
                OTHER
            };
            b += 1;
        }
        t[b'%' as usize] = STOP;
        t
    };
    let (mut digits, mut carries) = (0usize, false);
    for &b in text.as_bytes() {
        match CLASS[usize::from(b)] {
            OTHER => {}
            DIGIT => digits += 1,
            PAIR => carries = true,
            _ => return None,
        }
    }
    let min = if carries {
        MIN_MASKED_DIGITS
    } else {
        MIN_LONG_DIGITS
    };
    if digits >= min {
        return None;
    }
    if text.len() <= cap {
        return Some(text.to_owned());
    }
    // The text is ASCII and longer than the cap, so the cap is a character boundary.
    let mut out = String::with_capacity(cap + CUT.len());
    out.push_str(&text[..cap]);
    out.push_str(CUT);
    Some(out)
}

/// Whether a text may carry another parameter inside it: it holds (percent-encoded or
/// not) a pair separator (`&`, `=`, `;`), a bracket, a control character (a body split
/// with newlines), or JSON's `"`, `:` and `,` (a pair written like JSON,
/// `jenny","ssn_last_4":"1234`).
pub fn carries_pairs(text: &str) -> bool {
    let pair = is_pair;
    if text.is_ascii() && !text.contains('%') {
        // For ASCII, `needs_escape` is `is_ascii_control`.
        return text
            .bytes()
            .any(|b| pair(char::from(b)) || b.is_ascii_control());
    }
    units(text).any(|u| pair(u.ch) || needs_escape(u.ch))
}

/// A pair separator, a bracket, or JSON's `"`, `:` and `,` (see [`carries_pairs`]).
const fn is_pair(c: char) -> bool {
    matches!(c, '&' | '=' | ';' | '[' | ']' | '"' | ':' | ',')
}

/// For each character, whether it is a digit of a run of `min` or more digits, where any
/// characters that are neither letters nor digits between two digits go on with the run.
/// A run with no letter before it in `cs` has `before` digits before it; one that reaches
/// the end of `cs` has `more` digits after it (beyond a cut, or around the text).
fn digit_run_mask(cs: &[char], min: usize, before: usize, more: usize) -> Vec<bool> {
    let mut mask = vec![false; cs.len()];
    let mut carry = before;
    let mut i = 0;
    while i < cs.len() {
        if !is_digit(cs[i]) {
            if cs[i].is_alphanumeric() {
                carry = 0;
            }
            i += 1;
            continue;
        }
        // A run starts at `i`: extend it over digits and separators; it ends after its last
        // digit, and the scan goes on from the letter (or the end) that stopped it.
        let start = i;
        let mut end = i;
        let mut digits = std::mem::take(&mut carry);
        let mut j = i;
        while j < cs.len() {
            if is_digit(cs[j]) {
                digits += 1;
                j += 1;
                end = j;
            } else if !cs[j].is_alphanumeric() {
                j += 1;
            } else {
                break;
            }
        }
        if j == cs.len() {
            digits += more;
        }
        if digits >= min {
            for (m, c) in mask[start..end].iter_mut().zip(&cs[start..end]) {
                *m = is_digit(*c);
            }
        }
        i = j;
    }
    mask
}

/// Characters escaped in a quote: controls, and the bidirectional controls that could
/// reorder what a reader sees.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether a body sent as a form looks like JSON: `{…}` or `[…]` after optional ASCII
/// whitespace (and before optional whitespace), which no valid form body is (no parameter
/// name starts with `{` or `[`). Such a body is what `curl -d '{…}'` or a missing
/// `Content-Type` sends; it gets one error that asks for `Content-Type: application/json`
/// and quotes nothing.
pub fn looks_like_json(body: &[u8]) -> bool {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let last = body.iter().rev().find(|b| !b.is_ascii_whitespace());
    matches!(
        (first, last),
        (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']'))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "card",
            "number",
            "line1",
            "ssn_last_4",
            "address_c",
            "0",
            "99",
            "Foo",
        ] {
            assert!(is_param_name(ok), "{ok}");
        }
        for bad in [
            "",
            "100",
            "737",
            "a737",
            "card number",
            "x=1",
            "4000056655665556",
            "é",
            "a-b",
            "a_1_2_3",
            "x1_23",
            &"a".repeat(41),
        ] {
            assert!(!is_param_name(bad), "{bad}");
        }
        assert!(is_param_name(&"a".repeat(40)));
    }

    #[test]
    fn every_spec_path_quotes_as_it_is() {
        let spec = token_spec::bundled();
        for n in spec.nodes() {
            assert_eq!(path(&n.path), n.path);
            assert!(n.path.chars().count() <= 61, "{}", n.path);
        }
    }

    #[test]
    fn paths() {
        assert_eq!(path("card[foo]"), "card[foo]");
        assert_eq!(path("a[]"), "a[]");
        assert_eq!(path("a[0][b]"), "a[0][b]");
        assert_eq!(path("a\n["), "(redacted)[");
        assert_eq!(path("card[number]:4000…"), "card[number](redacted)");
        assert_eq!(
            path("card[number]=4000056655665556"),
            "card[number](redacted)"
        );
        assert_eq!(path("card[4000 0566 5566 5556]"), "card[(redacted)]");
        assert_eq!(
            path("person[metadata][k737]"),
            "person[metadata][(redacted)]"
        );
        assert_eq!(path("]][["), "]][[");
        // Runs of digits go on across brackets and `_`.
        assert_eq!(path("a[12][3]"), "a[(redacted)][(redacted)]");
        assert_eq!(path("a[1][b][2]"), "a[1][b][2]");
        assert_eq!(path("card[x_7_3_7]"), "card[(redacted)]");
        assert_eq!(path("person[ssn_last_4]"), "person[ssn_last_4]");
        let long = format!("a{}", "[b]".repeat(100));
        let q = path(&long);
        assert_eq!(q.len(), MAX_PATH_CHARS + CUT.len());
        assert!(q.ends_with("..."));
        assert_eq!(path(&"x".repeat(60_000)), MASK);
    }

    #[test]
    fn values() {
        assert_eq!(value("abc"), "abc");
        assert_eq!(value("12"), "12");
        assert_eq!(value("840"), "840");
        assert_eq!(value("12345678"), "12345678");
        assert_eq!(value("123456789"), "*********");
        assert_eq!(value("mehmetakdemir9212@gmail"), "mehmetakdemir9212@gmail");
        assert_eq!(value("12.5"), "12.5");
        assert_eq!(value("a 1 2 b"), "a 1 2 b");
        assert_eq!(value("1  2  3"), "1  2  3");
        assert_eq!(value("4242 4242 4242 4242"), "**** **** **** ****");
        assert_eq!(value("42 42 42 42 42"), "** ** ** ** **");
        assert_eq!(value("000-12-3456"), "***-**-****");
        assert_eq!(value("tab\there"), "tab\\there");
        assert_eq!(value("\u{202e}x"), "\\u{202e}x");
        // A value that carries pairs masks every run of three.
        assert_eq!(value("jenny;card[cvc]=737"), "jenny;card[cvc]=***");
        assert_eq!(value("jenny&card[cvc]=737"), "jenny&card[cvc]=***");
        assert_eq!(value("jenny\ncvc 737"), "jenny\\ncvc ***");
        assert_eq!(value("x=1 2-3 b"), "x=* *-* b");
        assert_eq!(value("x=1990.5"), "x=****.*");
        assert_eq!(value("x=12"), "x=12");
        let long = "a".repeat(60);
        assert_eq!(value(&long), format!("{}...", "a".repeat(40)));
        assert_eq!(value(&"a".repeat(41)), format!("{}...", "a".repeat(40)));
        assert_eq!(value(&"a".repeat(40)), "a".repeat(40));
        // A run cut by the cap is still judged whole.
        let edge = format!("{}123456789", "a".repeat(38));
        assert_eq!(value(&edge), format!("{}**...", "a".repeat(38)));
        let edge = format!("{}1 2345 6789", "a".repeat(39));
        assert_eq!(value(&edge), format!("{}*...", "a".repeat(39)));
        let edge = format!("{}1 2345678", "a".repeat(39));
        assert_eq!(value(&edge), format!("{}1...", "a".repeat(39)));
        let edge = format!("=;{}12345", "a".repeat(36));
        assert_eq!(value(&edge), format!("=;{}**...", "a".repeat(36)));
        // Other scripts' digits are digits too.
        assert_eq!(value("٤٢٤٢٤٢٤٢٤"), "*********");
        assert_eq!(value("=٤٢٤"), "=***");
    }

    #[test]
    fn separators_of_every_kind_go_on_with_a_run() {
        for sep in [
            " ", "-", "\u{a0}", "\u{2013}", ".", "_", "/", "  ", "\u{200b}", "\u{ad}", "--", " / ",
        ] {
            let card = ["4000", "0566", "5566", "5556"].join(sep);
            let ssn = ["000", "12", "3456"].join(sep);
            for secret in [&card, &ssn] {
                for q in [
                    value(secret),
                    url_path(&format!("/v/x/{secret}")),
                    echo(secret),
                ] {
                    assert!(!q.chars().any(is_digit), "{sep:?}: {q}");
                }
            }
        }
        // A letter ends a run.
        assert_eq!(value("4000a0566b5566c5556"), "4000a0566b5566c5556");
    }

    #[test]
    fn percent_escapes_are_judged_decoded() {
        assert_eq!(value("%34%30%30%30%30%35%36%36%35"), "*********");
        // Fullwidth digits, percent-encoded.
        let fw = "%EF%BC%94".repeat(9);
        assert_eq!(
            url_path(&format!("/v1/tokens/{fw}")),
            "/v1/tokens/*********"
        );
        // A newline sent as `%0A` makes the text a carrier; it is shown as sent.
        assert_eq!(value("jenny%0Acvc 737"), "jenny%0Acvc ***");
        assert!(carries_pairs("a%3Db"));
        // Not an escape, or not a whole character: itself.
        assert_eq!(value("50%"), "50%");
        assert_eq!(value("%zz%E2%82"), "%zz%E2%82");
        assert_eq!(value("%41"), "%41");
    }

    #[test]
    fn json_pairs_carry() {
        assert_eq!(
            value(r#"jenny","ssn_last_4":"1234"#),
            r#"jenny","ssn_last_*":"****"#
        );
        assert_eq!(value(r#"737","cvc":"737"#), r#"***","cvc":"***"#);
        assert!(carries_pairs("a:b") && carries_pairs("a,b") && carries_pairs("a\"b"));
    }

    #[test]
    fn methods_and_paths() {
        assert_eq!(method("GET"), "GET");
        assert_eq!(method("get"), "get");
        for bad in [
            "",
            "4242424242424242",
            "X4242",
            "GE T",
            "P-OST",
            &"A".repeat(21),
        ] {
            assert_eq!(method(bad), MASK, "{bad:?}");
        }
        assert_eq!(url_path("/v1/tokens"), "/v1/tokens");
        assert_eq!(
            url_path("/v1/customers/123456789"),
            "/v1/customers/*********"
        );
        assert_eq!(
            url_path("/v1/accounts/12345678901"),
            "/v1/accounts/***********"
        );
        assert_eq!(url_path("/v1/x/12345678"), "/v1/x/12345678");
        assert_eq!(url_path("/a\nb"), "/a\\nb");
        assert_eq!(
            url_path(&"a".repeat(1000)).len(),
            MAX_URL_PATH_CHARS + CUT.len()
        );
        // `;` makes a path a carrier.
        assert_eq!(url_path("/v1/tokens;cvc=737"), "/v1/tokens;cvc=***");
    }

    /// A digit of `script` (its zero's code point) with value `d`.
    fn in_script(zero: u32, d: u32) -> char {
        char::from_u32(zero + d).unwrap()
    }

    /// Decimal digit scripts: ASCII, fullwidth, Arabic-Indic, extended Arabic-Indic,
    /// Devanagari, Bengali, Thai, mathematical bold and monospace (Unicode's Nd blocks).
    const SCRIPTS: [u32; 9] = [
        0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1d7ce, 0x1d7f6,
    ];

    /// Separators, one of each class: space, no-break space, dashes, dot, underscore,
    /// slash, zero-width space, soft hyphen, a run of several.
    const SEPARATORS: [&str; 11] = [
        " ", "\u{a0}", "-", "\u{2013}", ".", "_", "/", "\u{200b}", "\u{ad}", "  ", " -/ ",
    ];

    proptest::proptest! {
        /// The byte paths of [`path`] (a plain path quoted as it is, an ASCII key masked
        /// byte by byte) answer what the character-by-character path does: lower and upper
        /// case, digits across brackets and underscores, pair characters, `%`, `-`, `~`,
        /// control characters, DEL, and non-ASCII letters and digits (which take the
        /// character path).
        #[test]
        fn path_agrees(
            key in "([a-z]{1,45}|[A-Z]{1,8}|[0-9]{1,4}|[\\[\\]_= .%~&;\"-]|[\\x00-\\x1f\\x7f]|é|٣|３|²){0,30}"
        ) {
            proptest::prop_assert_eq!(path(&key), path_by_chars(&key));
        }

        /// The same on any ASCII text up to 140 characters (past the quote's cap).
        #[test]
        fn path_agrees_on_any_ascii(key in "[\\x00-\\x7f]{0,140}") {
            proptest::prop_assert_eq!(path(&key), path_by_chars(&key));
        }

        /// The fast path, where it answers, answers what the character-by-character path
        /// does: texts around the cap, with every digit, separators, every pair character
        /// (`=`, `;`, `&`, brackets, JSON's `"`, `:` and `,`), non-ASCII letters and digits,
        /// and control characters.
        #[test]
        fn plain_text_agrees(
            text in "([0-9]{1,12}|[ \\-_./]|[a-zA-Z]{1,20}|[=;&\\[\\]\",é٣\n\t\\x00\\x7f%:]){0,15}"
        ) {
            if let Some(plain) = plain_text(&text, MAX_VALUE_CHARS) {
                proptest::prop_assert_eq!(plain, masked_text(&text, MAX_VALUE_CHARS, 0, 0));
            }
        }

        /// A secret of 9 to 19 digits in any script, its groups split by any separator
        /// (percent-encoded or not), with text around it: none of its digits is in the
        /// quote of a value, a URL path or an echoed header, nor in the key that holds it.
        #[test]
        fn secrets_never_come_through(
            digits in proptest::collection::vec(0u32..10, 9..20),
            script in 0..SCRIPTS.len(),
            sep in 0..SEPARATORS.len(),
            group in 1usize..5,
            encode in proptest::bool::ANY,
            before in "[a-z @.]{0,50}",
            after in "[a-z @.]{0,10}",
        ) {
            let mut secret = String::new();
            for (i, d) in digits.iter().enumerate() {
                if i > 0 && i % group == 0 {
                    secret.push_str(SEPARATORS[sep]);
                }
                secret.push(in_script(SCRIPTS[script], *d));
            }
            if encode {
                secret = percent_encoding::utf8_percent_encode(
                    &secret,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string();
            }
            let text = format!("{before}{secret}{after}");
            for q in [
                value(&text),
                url_path(&format!("/v/tokens/{text}")),
                echo(&text),
                path(&format!("card[{text}]")),
            ] {
                let shown: Vec<char> = units(&q).map(|u| u.ch).filter(|c| is_digit(*c)).collect();
                proptest::prop_assert!(
                    shown.is_empty(),
                    "{:?} comes through in {:?}", shown, q
                );
            }
        }
    }

    #[test]
    fn json_sniffing() {
        assert!(looks_like_json(b"{\"card\":{}}"));
        assert!(looks_like_json(b" \n\t[1]"));
        assert!(looks_like_json(b"{}\n"));
        assert!(!looks_like_json(b"{"));
        assert!(!looks_like_json(b"}"));
        assert!(!looks_like_json(b"[a]=1"));
        assert!(!looks_like_json(b"{\"card\": {\"number\": \"4242"));
        assert!(!looks_like_json(b"card[number]=1"));
        assert!(!looks_like_json(b""));
        assert!(!looks_like_json(b"  "));
        assert!(!looks_like_json(b"%7B"));
    }
}
