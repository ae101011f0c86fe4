//! What an answer may repeat of the input: the one rule, in pure functions.
//!
//! Every error that repeats text from the request body goes through this module: parameter
//! paths and keys through [`path`], values through [`value`]. Nothing else of the input is
//! ever quoted (secret parameters' values are not quoted at all), so what these functions
//! let through is all a client, a log line or a `Debug` output can see of a body.
//!
//! # The rule
//!
//! 1. **Capped.** A quoted value keeps at most [`MAX_VALUE_CHARS`] characters and a quoted
//!    path at most [`MAX_PATH_CHARS`]; a longer text is cut and ends with `...`.
//! 2. **Paths keep only parameter names.** A path is split at its brackets; each piece
//!    between brackets (a *segment*) is kept only if it is a well-formed parameter name
//!    ([`is_param_name`]: ASCII letters, digits and `_`, at most [`MAX_SEGMENT_CHARS`]
//!    characters, no run of [`MIN_MASKED_DIGITS`] digits); any other segment is replaced by
//!    [`MASK`]. The brackets stay, so the client still sees where the problem is:
//!    `card[number]=4242…` sent with a stray `]` quotes as `card[number](redacted)`.
//!    Every path of the spec is made of well-formed names, so known parameters always
//!    quote as they are (tested).
//! 3. **No secret-length digit runs.** In a quoted value, every run of
//!    [`MIN_LONG_DIGITS`] or more digits (the length of an SSN, an id, an account or a
//!    card number) is masked digit by digit with `*`. A value that carries a pair
//!    separator (`&`, `=`, `;`, a bracket or a control character) may have another
//!    parameter riding inside it, so in such a value every run of [`MIN_MASKED_DIGITS`]
//!    or more digits (a CVC has three) is masked. A run may be broken by single spaces or
//!    dashes (the separators a card number may carry), so `4242 4242 4242 4242` masks as
//!    `**** **** **** ****`.
//! 4. **One line.** Control characters (and the Unicode bidirectional controls) are
//!    escaped (`\n`, `\u{1b}`), so a quote cannot break a log line or forge one.
//!
//! # What it guarantees, and what it does not
//!
//! Guaranteed, whatever the body: no quote is longer than its cap; no run of nine or more
//! digits of the input appears in a quote, so no card number (12–19 digits), SSN, or
//! numeric account, routing, tax or id number can come through, whether it was sent as a
//! value, a key, an array index or a metadata key; no run of three or more digits appears
//! in a key segment or in a value that carries a pair separator, so a CVC or last 4 sent
//! inside another pair (a body split with newlines or `;` instead of `&`) cannot come
//! through either; no key segment that is not a plain parameter name (anything with
//! punctuation, spaces, quotes, JSON, `=`) is repeated.
//!
//! Not guaranteed: a secret made of letters with at most two digits in a row (say a
//! passport number `c01x00t47`) is repeated if it is sent as a key segment or inside a
//! non-secret value; so are digits broken into pieces of one or two by other characters
//! (`42.42.42.42`), and a short run of digits sent as the whole value of a non-secret
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
//! spec (the longest has 38). 100 characters for a path is the cap parse
//! errors always had: it holds every path of the spec (the longest,
//! `account[individual][verification][additional_document][front]`, has 61 characters)
//! and an unknown segment of up to 37 characters after it.

/// The longest quoted value, in characters; a longer value is cut and ends with `...`.
pub const MAX_VALUE_CHARS: usize = 40;

/// The longest quoted path, in characters; a longer path is cut and ends with `...`.
pub const MAX_PATH_CHARS: usize = 100;

/// The longest path segment quoted as it is; a longer segment is masked.
pub const MAX_SEGMENT_CHARS: usize = 40;

/// In a key segment, or in a value that carries a pair separator, runs of this many digits
/// or more are masked (a CVC has three).
pub const MIN_MASKED_DIGITS: usize = 3;

/// In any quoted value, runs of this many digits or more are masked (an SSN has nine, and
/// every card, account and id number at least as many).
pub const MIN_LONG_DIGITS: usize = 9;

/// What stands for a masked path segment, and for a secret parameter's value.
pub const MASK: &str = "(redacted)";

/// What ends a quote that was cut at its cap.
const CUT: &str = "...";

/// Whether `segment` is a well-formed parameter name that a path may quote as it is: one to
/// [`MAX_SEGMENT_CHARS`] ASCII letters, digits and `_`, with no run of
/// [`MIN_MASKED_DIGITS`] digits.
///
/// Array indexes below 100 (`0` to `99`) are well-formed too; larger ones are masked.
pub fn is_param_name(segment: &str) -> bool {
    is_name_bytes(segment.as_bytes())
}

/// [`is_param_name`] on bytes.
fn is_name_bytes(segment: &[u8]) -> bool {
    let mut digits = 0;
    !segment.is_empty()
        && segment.len() <= MAX_SEGMENT_CHARS
        && segment.iter().all(|&b| {
            digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
            (b.is_ascii_alphanumeric() || b == b'_') && digits < MIN_MASKED_DIGITS
        })
}

/// A parameter path or key from the input, as an answer may quote it: each segment that is
/// not a well-formed parameter name replaced by [`MASK`], brackets kept, at most
/// [`MAX_PATH_CHARS`] characters.
///
/// ```
/// use token_validate::quote::path;
/// assert_eq!(path("card[address_c]"), "card[address_c]");
/// assert_eq!(path("card[number]4000056655665556"), "card[number](redacted)");
/// assert_eq!(path(r#"{"card":{"number":"4000056655665556"}}"#), "(redacted)");
/// assert_eq!(path("expand[737]"), "expand[(redacted)]");
/// ```
pub fn path(key: &str) -> String {
    // The common case: every segment is a parameter name and the path is within its cap,
    // so it is quoted as it is.
    if key.len() <= MAX_PATH_CHARS
        && key
            .as_bytes()
            .split(|&b| b == b'[' || b == b']')
            .all(|s| s.is_empty() || is_name_bytes(s))
    {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len().min(MAX_PATH_CHARS + CUT.len()));
    let mut chars = 0;
    let mut rest = key;
    while !rest.is_empty() {
        // Brackets are ASCII, so a byte position is a character boundary.
        let (piece, len) = match rest.bytes().position(|b| b == b'[' || b == b']') {
            Some(0) => (&rest[..1], 1),
            Some(i) => (&rest[..i], i),
            None => (rest, rest.len()),
        };
        let shown = if piece == "[" || piece == "]" || is_param_name(piece) {
            piece
        } else {
            MASK
        };
        // Every character of `shown` is ASCII.
        if chars + shown.len() > MAX_PATH_CHARS {
            out.push_str(&shown[..MAX_PATH_CHARS - chars]);
            out.push_str(CUT);
            return out;
        }
        out.push_str(shown);
        chars += shown.len();
        rest = &rest[len..];
    }
    out
}

/// A non-secret value from the input, as an error message may quote it: runs of
/// [`MIN_LONG_DIGITS`] or more digits masked with `*` (runs of [`MIN_MASKED_DIGITS`] or
/// more if the value carries a pair separator, see [`carries_pairs`]), control characters
/// escaped, at most [`MAX_VALUE_CHARS`] characters of the value.
///
/// ```
/// use token_validate::quote::value;
/// assert_eq!(value("jenny.rosen"), "jenny.rosen");
/// assert_eq!(value("1.5"), "1.5");
/// assert_eq!(value("jenny9212@example"), "jenny9212@example");
/// assert_eq!(value("jenny\ncard[cvc]=737"), "jenny\\ncard[cvc]=***");
/// assert_eq!(value("4242 4242-4242 4242"), "**** ****-**** ****");
/// ```
pub fn value(text: &str) -> String {
    plain_value(text).unwrap_or_else(|| masked_value(text))
}

/// [`value`] character by character: masks, escapes and cuts.
fn masked_value(text: &str) -> String {
    let chars: Vec<char> = text.chars().take(MAX_VALUE_CHARS + 1).collect();
    let cut = chars.len() > MAX_VALUE_CHARS;
    let shown = &chars[..chars.len().min(MAX_VALUE_CHARS)];
    // Whether each shown character is a digit of a long run. A run that goes on past the
    // cut is judged by what follows too: look ahead as far as needed, no further.
    let lookahead: Vec<char> = if cut {
        text.chars()
            .skip(MAX_VALUE_CHARS)
            .take(2 * MIN_LONG_DIGITS)
            .collect()
    } else {
        Vec::new()
    };
    let all: Vec<char> = shown.iter().chain(lookahead.iter()).copied().collect();
    let min = if carries_pairs(text) {
        MIN_MASKED_DIGITS
    } else {
        MIN_LONG_DIGITS
    };
    let masked = digit_run_mask(&all, min);
    let mut out = String::with_capacity(shown.len() + 8);
    for (i, &c) in shown.iter().enumerate() {
        if masked[i] {
            out.push('*');
        } else if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if cut {
        out.push_str(CUT);
    }
    out
}

/// [`value`] for the common case, without a character buffer: the shown characters and
/// the look-ahead are printable ASCII with fewer digits than a masked run needs, so nothing
/// is masked or escaped and the quote is the text, cut at the cap. `None` otherwise.
fn plain_value(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let window = &bytes[..bytes.len().min(MAX_VALUE_CHARS + 2 * MIN_LONG_DIGITS)];
    if !window.iter().all(|b| (b' '..=b'~').contains(b)) {
        return None;
    }
    let min = if carries_pairs(text) {
        MIN_MASKED_DIGITS
    } else {
        MIN_LONG_DIGITS
    };
    if window.iter().filter(|b| b.is_ascii_digit()).count() >= min {
        return None;
    }
    if bytes.len() <= MAX_VALUE_CHARS {
        return Some(text.to_owned());
    }
    // The window is ASCII and longer than the cap, so the cap is a character boundary.
    let mut out = String::with_capacity(MAX_VALUE_CHARS + CUT.len());
    out.push_str(&text[..MAX_VALUE_CHARS]);
    out.push_str(CUT);
    Some(out)
}

/// Whether a value may carry another parameter inside it: it holds a pair separator (`&`,
/// `=`, `;`), a bracket, or a control character (a body split with newlines).
pub fn carries_pairs(text: &str) -> bool {
    if text.is_ascii() {
        // For ASCII, `needs_escape` is `is_ascii_control`.
        return text
            .bytes()
            .any(|b| matches!(b, b'&' | b'=' | b';' | b'[' | b']') || b.is_ascii_control());
    }
    text.chars()
        .any(|c| matches!(c, '&' | '=' | ';' | '[' | ']') || needs_escape(c))
}

/// For each character, whether it is a digit in a run of `min` or more digits, where a
/// single space or `-` between two digits does not break the run.
fn digit_run_mask(cs: &[char], min: usize) -> Vec<bool> {
    let mut mask = vec![false; cs.len()];
    let mut i = 0;
    while i < cs.len() {
        if !cs[i].is_numeric() {
            i += 1;
            continue;
        }
        // A run starts at `i`: extend it over digits and single separators between digits.
        let start = i;
        let mut end = i + 1;
        let mut digits = 1;
        loop {
            if end < cs.len() && cs[end].is_numeric() {
                digits += 1;
                end += 1;
            } else if end + 1 < cs.len() && matches!(cs[end], ' ' | '-') && cs[end + 1].is_numeric()
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= min {
            for (m, c) in mask[start..end].iter_mut().zip(&cs[start..end]) {
                *m = c.is_numeric();
            }
        }
        i = end;
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
        assert_eq!(value("x=1990.5"), "x=****.5");
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

    proptest::proptest! {
        /// The fast path, where it answers, answers what the character-by-character path
        /// does: texts around the cap, with digits, separators, pair characters and some
        /// non-ASCII and control characters.
        #[test]
        fn plain_value_agrees(text in "(1{1,12}|[ \\-]|a{1,20}|[=;é\n]){0,15}") {
            if let Some(plain) = plain_value(&text) {
                proptest::prop_assert_eq!(plain, masked_value(&text));
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
