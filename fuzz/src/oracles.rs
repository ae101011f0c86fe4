//! The oracles of the fuzz targets, and the generators of the two structure-aware ones.
//!
//! One file, shared: the fuzz targets (`fuzz/fuzz_targets/*.rs`) call [`form`], [`json`],
//! [`brackets`] and [`roundtrip`] on libFuzzer's input, and the replay test of the root
//! package (`tests/fuzz_corpus.rs`) includes this file with `#[path]` and calls the same
//! functions on every committed corpus file, so CI on stable runs the very oracles of the
//! campaigns. Only the public API of `token-validate` is used (`validate_form`,
//! `validate_json`, `Request` and the generated types, `TokenRequest`, the value model
//! `tree::parse_form`/`parse_json`, and the bundled spec), so the targets survive a rewrite
//! of the engine.
//!
//! An oracle that fails panics, which libFuzzer reports as a crash and a test as a failure.
//! What they check, for every input and each of two contexts (a test secret key with a
//! Connect account, a live publishable key):
//!
//! 1. no panic;
//! 2. no secret of the input in the `Display`, `Debug` or JSON of any error: no error text
//!    has a run of [`token_validate::quote::MIN_LONG_DIGITS`] digits or more that the spec
//!    did not write (a card, account or id number has at least as many), no error is
//!    longer than [`MAX_MESSAGE_CHARS`], and the markers the generators plant (card numbers,
//!    CVCs, id numbers) never appear, except a short marker sent only as the whole value
//!    of a non-secret parameter, which `token_validate::quote` lets through; and the
//!    `Debug` of the request's `token_validate::Input` shows nothing of its bytes (it is
//!    that of an input of the same lengths);
//! 3. no secret value in the `Debug` of an accepted request: the values of the spec's
//!    secret parameters (those with at least 6 characters and 3 digits that the body does
//!    not also send elsewhere) and the planted markers;
//! 4. an accepted body always converts to its typed request (the validator never answers
//!    that a valid request "does not fit its token type"), and the request built from its
//!    parameter tree with `FromParams` (`validate_form_as::<Request>`) is the same;
//! 5. the differential round trip: an accepted request's `to_form()` and its `serde_json`
//!    validate back to an equal request, its JSON reads back with serde into an equal typed
//!    value, and the derive's `validate` accepts it; and a body built by [`roundtrip`] is
//!    accepted in both formats or refused in both;
//! 6. (JSON) `check_json`'s scanner and `tree::parse_json`'s serde_json agree on the syntax
//!    ([`same_syntax`]).
//!
//! The `serve` target ([`serve`]) drives `token-validate serve` itself, in process, with a
//! whole HTTP/1.1 request whose request line and headers carry planted secrets, and checks
//! what leaves the process about it (the answer, the log line, in mock mode with each log
//! format and in proxy mode): no planted secret's digits, no run of
//! [`token_validate::quote::MIN_LONG_DIGITS`] digits in an error answer or a log line,
//! never the query string, and an answer to every request (hyper's bare errors included).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::LazyLock;

use token_validate::token_spec::model::TypeName;
use token_validate::token_spec::{self, Ty};
use token_validate::tree::{self, Limits, Object, Scalar, Value};
use token_validate::{Context, Date, Errors, Request, TokenRequest, validate_form, validate_json};

// ---- checks ------------------------------------------------------------------------------

/// The longest run of digits an error may show: shorter runs may be the error's own (byte
/// offsets and limits) or quoted from a non-secret value.
pub const OWN_DIGITS: usize = token_validate::quote::MIN_LONG_DIGITS - 1;

/// The longest message an error may have, in characters: the longest message of the spec
/// (about 600 characters) with its quotes at their caps.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// What the validator answers when a valid tree does not read into its typed request,
/// which must never happen (`token-validate/src/request.rs`).
pub const CONVERSION_FAILED: &str = "does not fit its token type";

/// The two contexts every input is validated with.
pub static CONTEXTS: LazyLock<Vec<Context>> = LazyLock::new(|| {
    let today = Date::new(2026, 11, 29).expect("a real date");
    vec![
        Context::from_key("sk_test_fuzz")
            .expect("a test key")
            .with_today(today)
            .with_account("acct_1032D82eZvKYlo2C"),
        Context::from_key("pk_live_fuzz")
            .expect("a live key")
            .with_today(today),
    ]
});

/// A body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
}

fn validate(format: Format, body: &[u8], ctx: &Context) -> Result<Request, Errors> {
    match format {
        Format::Form => validate_form(body, ctx),
        Format::Json => validate_json(body, ctx),
    }
}

fn parse(format: Format, body: &[u8]) -> Option<Object> {
    match format {
        Format::Form => tree::parse_form(body, &Limits::default()).ok(),
        Format::Json => tree::parse_json(body, &Limits::default()).ok(),
    }
}

/// `body`, short and lossy, for panic messages.
fn show(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    s.chars().take(300).collect()
}

/// Pieces of `marker` that identify it: 8-character windows, or itself when shorter.
fn windows(marker: &str) -> Vec<&str> {
    if marker.len() <= 8 {
        return vec![marker];
    }
    (0..=marker.len() - 8).map(|i| &marker[i..i + 8]).collect()
}

/// The longest run of digits in `text` that is not one of the spec's own: the digits a
/// message template writes (the test bank number "Try 000123456789") come from the spec,
/// not from the input.
fn longest_digit_run(text: &str) -> usize {
    let own = spec_digit_runs();
    let (mut best, mut start) = (0, None);
    let bytes = text.as_bytes();
    for i in 0..=bytes.len() {
        match (bytes.get(i).is_some_and(u8::is_ascii_digit), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if !own.contains(&text[s..i]) {
                    best = best.max(i - s);
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

/// The runs of digits of the spec's message templates.
fn spec_digit_runs() -> &'static BTreeSet<String> {
    static RUNS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| {
        let spec = token_spec::bundled();
        let messages = spec
            .errors
            .values()
            .map(|e| e.message.as_str())
            .chain(spec.rules.iter().map(|r| r.error.message.as_str()))
            .chain(
                spec.kinds
                    .iter()
                    .filter_map(|k| k.key_error.as_ref().map(|e| e.message.as_str())),
            );
        let mut runs = BTreeSet::new();
        for m in messages {
            let mut run = String::new();
            for c in m.chars().chain(std::iter::once(' ')) {
                if c.is_ascii_digit() {
                    run.push(c);
                } else if !run.is_empty() {
                    runs.insert(std::mem::take(&mut run));
                }
            }
        }
        runs
    })
}

/// Oracles 2 and 4 on the errors of one body.
pub fn check_errors(what: &str, errors: &Errors, markers: &[&str]) {
    let mut texts = vec![
        errors.to_string(),
        format!("{errors:?}"),
        format!("{errors:#?}"),
        errors.to_stripe_json().to_string(),
    ];
    for e in errors {
        // That error quotes nothing and names no parameter (a quoted value may hold the
        // words, which libFuzzer learns from this very comparison).
        assert!(
            !(e.param.is_none() && e.code.is_none() && e.message.contains(CONVERSION_FAILED)),
            "{what}: a valid request did not convert to its type: {e:?}"
        );
        assert!(
            e.message.chars().count() <= MAX_MESSAGE_CHARS,
            "{what}: a message of {} characters",
            e.message.chars().count()
        );
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        texts.push(serde_json::to_string(e).expect("an error serializes"));
    }
    for t in &texts {
        assert!(
            longest_digit_run(t) <= OWN_DIGITS,
            "{what}: a run of digits from the input in an error: {t}"
        );
        for m in markers {
            for w in windows(m) {
                assert!(!t.contains(w), "{what}: {w:?} of {m:?} in an error: {t}");
            }
        }
    }
}

/// The values of the spec's secret parameters in `tree` that identify a secret: at least
/// 6 characters and 3 digits, and sent nowhere else in the body (not as another value, nor
/// inside a key).
pub fn secret_values(tree: &Object) -> Vec<String> {
    let spec = token_spec::bundled();
    let secret_paths: BTreeSet<&str> = spec
        .nodes()
        .iter()
        .filter(|n| n.secret)
        .map(|n| n.path.as_str())
        .collect();
    let (mut secrets, mut others) = (Vec::new(), Vec::new());
    fn walk<'t>(
        v: &'t Value,
        path: &str,
        secret: &BTreeSet<&str>,
        secrets: &mut Vec<&'t str>,
        others: &mut Vec<&'t str>,
    ) {
        match v {
            Value::Scalar(s) if secret.contains(path) => secrets.push(&s.text),
            Value::Scalar(s) => others.push(&s.text),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(
                        item,
                        &token_spec::join_path(path, &i.to_string()),
                        secret,
                        secrets,
                        others,
                    );
                }
            }
            Value::Object(o) => {
                for (k, v) in o.iter() {
                    others.push(k);
                    walk(v, &token_spec::join_path(path, k), secret, secrets, others);
                }
            }
        }
    }
    for (k, v) in tree.iter() {
        others.push(k);
        walk(v, k, &secret_paths, &mut secrets, &mut others);
    }
    secrets
        .into_iter()
        .filter(|s| s.len() >= 6 && s.bytes().filter(u8::is_ascii_digit).count() >= 3)
        .filter(|s| !others.iter().any(|o| o.contains(*s)))
        .map(str::to_string)
        .collect()
}

/// Oracle 3 on an accepted request.
pub fn check_request(what: &str, req: &Request, secrets: &[String], markers: &[&str]) {
    let debug = format!("{req:?} {req:#?}");
    for s in secrets {
        assert!(
            !contains_token(&debug, s),
            "{what}: a secret value in {debug}"
        );
    }
    for m in markers {
        for w in windows(m) {
            assert!(!debug.contains(w), "{what}: {w:?} of {m:?} in {debug}");
        }
    }
}

/// The `Debug` of the request's `Input` (plain and pretty) is that of any input of the same
/// lengths and format: nothing of its bytes shows, in any rendering (text, or the numbers a
/// derived `Debug` of `&[u8]` prints).
fn check_input_debug(what: &str, input: token_validate::Input<'_>) {
    let body = vec![b'x'; input.body.len()];
    let query = vec![b'x'; input.query.len()];
    let blank = token_validate::Input {
        body: &body,
        query: &query,
        ..input
    };
    for (got, want) in [
        (format!("{input:?}"), format!("{blank:?}")),
        (format!("{input:#?}"), format!("{blank:#?}")),
    ] {
        assert_eq!(got, want, "{what}: the Debug of its Input shows its bytes");
    }
}

/// Whether `needle` occurs in `hay` with no ASCII letter or digit right before or after it
/// (a secret `000000000` is not in the decimal `0.000000000000000001`).
fn contains_token(hay: &str, needle: &str) -> bool {
    let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    hay.match_indices(needle).any(|(i, _)| {
        let bytes = hay.as_bytes();
        !alnum(i.checked_sub(1).and_then(|j| bytes.get(j))) && !alnum(bytes.get(i + needle.len()))
    })
}

/// The request's typed value as JSON.
pub fn request_json(req: &Request) -> Vec<u8> {
    let r = match req {
        Request::Card(x) => serde_json::to_vec(x),
        Request::BankAccount(x) => serde_json::to_vec(x),
        Request::CvcUpdate(x) => serde_json::to_vec(x),
        Request::Pii(x) => serde_json::to_vec(x),
        Request::Person(x) => serde_json::to_vec(x),
        Request::Account(x) => serde_json::to_vec(x),
        // `Request` is non-exhaustive: a kind added to the spec lands here until listed.
        other => panic!("request_json does not know the {} kind yet", other.kind()),
    };
    r.expect("a typed request serializes")
}

/// The request's JSON read back with the generated types' own serde.
fn request_from_json(req: &Request, json: &[u8]) -> Result<Request, serde_json::Error> {
    Ok(match req {
        Request::Card(_) => Request::Card(serde_json::from_slice(json)?),
        Request::BankAccount(_) => Request::BankAccount(serde_json::from_slice(json)?),
        Request::CvcUpdate(_) => Request::CvcUpdate(serde_json::from_slice(json)?),
        Request::Pii(_) => Request::Pii(serde_json::from_slice(json)?),
        Request::Person(_) => Request::Person(serde_json::from_slice(json)?),
        Request::Account(_) => Request::Account(serde_json::from_slice(json)?),
        other => panic!(
            "request_from_json does not know the {} kind yet",
            other.kind()
        ),
    })
}

fn typed_validate(req: &Request, ctx: &Context) -> Result<(), Errors> {
    match req {
        Request::Card(x) => x.validate(ctx),
        Request::BankAccount(x) => x.validate(ctx),
        Request::CvcUpdate(x) => x.validate(ctx),
        Request::Pii(x) => x.validate(ctx),
        Request::Person(x) => x.validate(ctx),
        Request::Account(x) => x.validate(ctx),
        other => panic!("typed_validate does not know the {} kind yet", other.kind()),
    }
}

/// Oracle 5: the accepted `req` re-encodes, in both formats, to a request that validates
/// to an equal value.
pub fn round_trip(what: &str, req: &Request, ctx: &Context) {
    let form = req.to_form();
    match validate_form(form.as_bytes(), ctx) {
        Ok(back) => assert_eq!(&back, req, "{what}: to_form() {form}"),
        Err(e) => panic!("{what}: its to_form() {form} is refused: {e:?}"),
    }
    let json = request_json(req);
    match validate_json(&json, ctx) {
        Ok(back) => assert_eq!(&back, req, "{what}: its JSON {}", show(&json)),
        Err(e) => panic!("{what}: its JSON {} is refused: {e:?}", show(&json)),
    }
    match request_from_json(req, &json) {
        Ok(back) => assert_eq!(&back, req, "{what}: serde of its JSON {}", show(&json)),
        Err(e) => panic!("{what}: serde refuses its JSON {}: {e}", show(&json)),
    }
    if let Err(e) = typed_validate(req, ctx) {
        panic!("{what}: TokenRequest::validate refuses it: {e:?}");
    }
}

/// Every oracle on one body, in each context. Returns how many contexts accepted it.
pub fn check_body(
    what: &str,
    format: Format,
    body: &[u8],
    error_markers: &[&str],
    request_markers: &[&str],
) -> usize {
    let secrets = parse(format, body)
        .map(|t| secret_values(&t))
        .unwrap_or_default();
    // Oracle 2 on the request's `Input` too: its `Debug` shows lengths, not the bytes.
    let input = match format {
        Format::Form => token_validate::Input::form(body),
        Format::Json => token_validate::Input::json(body),
    }
    .with_query(body);
    check_input_debug(what, input);
    let mut accepted = 0;
    // Oracle 3's `Debug` check depends only on the request: once per distinct request.
    let mut checked: Vec<Request> = Vec::new();
    for ctx in CONTEXTS.iter() {
        match validate(format, body, ctx) {
            Ok(req) => {
                accepted += 1;
                if !checked.contains(&req) {
                    check_request(what, &req, &secrets, request_markers);
                    checked.push(req.clone());
                }
                round_trip(what, &req, ctx);
                // The request built from the parameter tree (`FromParams`, what the axum
                // extractor and `validate_*_as` use) is the validators' own.
                let built = match format {
                    Format::Form => token_validate::validate_form_as::<Request>(body, ctx),
                    Format::Json => token_validate::validate_json_as::<Request>(body, ctx),
                };
                assert_eq!(built.as_ref(), Ok(&req), "{what}: FromParams differs");
            }
            Err(e) => check_errors(what, &e, error_markers),
        }
    }
    accepted
}

// ---- the four targets --------------------------------------------------------------------

/// Target `form`: the input is a form body.
pub fn form(data: &[u8]) {
    check_body(
        &format!("form {}", show(data)),
        Format::Form,
        data,
        &[],
        &[],
    );
}

/// Target `json`: the input is a JSON body.
pub fn json(data: &[u8]) {
    check_body(
        &format!("json {}", show(data)),
        Format::Json,
        data,
        &[],
        &[],
    );
    same_syntax(data);
}

/// Oracle 6: the validators' JSON scanner (`check_json`, issue 20) and the value model's
/// serde_json reading (`tree::parse_json`) agree on the syntax: a body `check_json` accepts
/// parses into a tree, and a body either refuses as malformed JSON (a `Json` error: serde_json's
/// words, or a key a form could not send) the other refuses as a body error too.
pub fn same_syntax(data: &[u8]) {
    use token_validate::ParseErrorKind;
    let limits = Limits::default();
    let tree = tree::parse_json(data, &limits);
    for ctx in CONTEXTS.iter() {
        let checked = token_validate::check_json(data, ctx);
        let first = checked.as_ref().err().map(|e| e.first().message.clone());
        let body_error = first.as_deref().is_some_and(|m| {
            m.starts_with("Invalid JSON body") || m.starts_with("Invalid request body")
        });
        if checked.is_ok() {
            assert!(
                tree.is_ok(),
                "check_json accepts, parse_json refuses {}: {tree:?}",
                show(data)
            );
        }
        if let Err(e) = &tree
            && matches!(
                e.kind,
                ParseErrorKind::Json(_) | ParseErrorKind::InvalidUtf8
            )
        {
            assert!(
                body_error,
                "parse_json refuses {} ({e}), check_json says {first:?}",
                show(data)
            );
        }
        if let Some(m) = &first
            && m.starts_with("Invalid JSON body: ")
            && !m.contains("top-level value")
            && !m.contains("null is not allowed")
            && !m.contains("which cannot be sent as a form parameter")
        {
            assert!(
                tree.is_err(),
                "check_json refuses {} ({m}), parse_json accepts",
                show(data)
            );
        }
    }
}

/// Target `brackets`: the input chooses a bracket body (see [`brackets_body`]) with
/// secrets planted as values, keys, indexes, inside other pairs and in broken pairs.
pub fn brackets(data: &[u8]) {
    let g = brackets_body(data);
    let what = format!("brackets {}", show(g.body.as_bytes()));
    check_body(
        &what,
        Format::Form,
        g.body.as_bytes(),
        &g.error_markers(),
        &g.request_markers(),
    );
}

/// Target `roundtrip`: the input chooses a mostly valid request (see [`roundtrip_tree`]),
/// sent as form and as JSON: both are accepted to equal requests or both refused, and
/// every accepted one round-trips.
pub fn roundtrip(data: &[u8]) {
    let tree = roundtrip_tree(data);
    let form = tree.form();
    let json = tree.json();
    let what = format!("roundtrip form {form} json {json}");
    // The `Debug` check of oracle 3 depends only on the request: once per distinct request
    // (the contexts that accept a body mostly accept it as the same request).
    let mut checked: Vec<Request> = Vec::new();
    for ctx in CONTEXTS.iter() {
        let f = validate_form(form.as_bytes(), ctx);
        let j = validate_json(json.as_bytes(), ctx);
        for (r, format) in [(&f, Format::Form), (&j, Format::Json)] {
            match r {
                Ok(req) => {
                    if !checked.contains(req) {
                        let body = if format == Format::Form { &form } else { &json };
                        let secrets = parse(format, body.as_bytes())
                            .map(|t| secret_values(&t))
                            .unwrap_or_default();
                        check_request(&what, req, &secrets, &[]);
                        checked.push(req.clone());
                    }
                    round_trip(&what, req, ctx);
                }
                Err(e) => check_errors(&what, e, &[]),
            }
        }
        if has_required_empty(&tree) {
            // JSON can send `{"cvc_update": {}}` (missing `cvc_update[cvc]`), the form
            // cannot: the two bodies are different requests.
            continue;
        }
        match (&f, &j) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: form and JSON differ"),
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => panic!("{what}: the form is accepted, the JSON refused: {e:?}"),
            (Err(e), Ok(_)) => panic!("{what}: the JSON is accepted, the form refused: {e:?}"),
        }
    }
}

// ---- input decoding ------------------------------------------------------------------------

/// Choices read from fuzz input; zeros once it runs out, so every input is a valid program.
pub struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Choices<'a> {
    /// Choices from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, pos: 0 }
    }
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    /// A number below `n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        let v = usize::from(self.byte()) << 8 | usize::from(self.byte());
        v % n.max(1)
    }
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: u8) -> bool {
        self.byte().is_multiple_of(one_in.max(1))
    }
    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
}

/// A parameter that takes a value: path, type, enum values, secret.
type Leaf = (String, TypeName, Vec<String>, bool);

/// The spec's parameters that take a value (not objects), by path.
fn leaves() -> &'static [Leaf] {
    static LEAVES: LazyLock<Vec<Leaf>> = LazyLock::new(|| {
        token_spec::bundled()
            .nodes()
            .iter()
            // Today's parameters (a version gate's older ones are unknown without a version).
            .filter(|n| !n.path.is_empty() && !matches!(n.ty, Ty::Object { .. }))
            .filter(|n| n.until.is_none())
            .map(|n| {
                let values = match &n.ty {
                    Ty::Enum { values, .. } => values.clone(),
                    _ => Vec::new(),
                };
                (n.path.clone(), n.ty.name(), values, n.secret)
            })
            .collect()
    });
    &LEAVES
}

// ---- target `brackets` ---------------------------------------------------------------------

/// Secrets made of digits: masked wherever they are planted (a short one but as the whole value
/// of a non-secret parameter, see [`Place::WholeValue`]). Public test values: Stripe
/// test cards (docs.stripe.com/testing), an IBAN of the ISO 13616 examples, a 4-digit CVC
/// and SSN-shaped numbers chosen to appear nowhere else.
pub const DIGIT_MARKERS: &[&str] = &[
    "4000056655665556",
    "378282246310005",
    "DE89370400440532013000",
    "918273645",
    "000987654321",
    "7373",
    "8642",
];

/// Secrets of letters and few digits: guaranteed only as values of secret parameters (see
/// `token_validate::quote`).
pub const LETTER_MARKERS: &[&str] = &["SECRETPASSPORTX", "sekritvatidq"];

/// Where a marker was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// As the value of a secret parameter.
    SecretValue,
    /// As the whole value of a non-secret parameter: an error may quote a short marker
    /// there (what the client sent as, say, a boolean is not a CVC).
    WholeValue,
    /// Anywhere else.
    Elsewhere,
}

/// A generated bracket body and where its markers are.
pub struct Generated {
    /// The form body.
    pub body: String,
    /// Each marker planted, and where.
    pub planted: Vec<(&'static str, Place)>,
}

impl Generated {
    /// Markers no error may show: every digit marker (but a short one planted only as whole
    /// values or secret values), and the letter markers planted only as secret values.
    ///
    /// A short digit marker planted as the whole value of a non-secret parameter may be
    /// quoted from there (`Country 8642 not supported`), and a quote does not say which
    /// occurrence it comes from: such a marker is checked only where it is planted nowhere
    /// as a whole value.
    pub fn error_markers(&self) -> Vec<&'static str> {
        let short = |m: &str| m.len() < token_validate::quote::MIN_LONG_DIGITS;
        let planted_as =
            |m: &str, place: Place| self.planted.iter().any(|(n, p)| *n == m && *p == place);
        let mut v: Vec<&'static str> = self
            .planted
            .iter()
            .filter(|(m, _)| DIGIT_MARKERS.contains(m))
            .filter(|(m, _)| {
                !short(m) || (planted_as(m, Place::Elsewhere) && !planted_as(m, Place::WholeValue))
            })
            .map(|(m, _)| *m)
            .collect();
        v.extend(self.request_markers());
        v.sort_unstable();
        v.dedup();
        v
    }
    /// Markers no accepted request's `Debug` may show: those planted only as secret values.
    pub fn request_markers(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self
            .planted
            .iter()
            .filter(|(m, _)| {
                self.planted
                    .iter()
                    .all(|(n, p)| n != m || *p == Place::SecretValue)
            })
            .map(|(m, _)| *m)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Values of each type, valid and not.
fn value_for(c: &mut Choices<'_>, ty: TypeName, values: &[String]) -> String {
    const STRINGS: &[&str] = &[
        "Jenny Rosen",
        "",
        " ",
        "x",
        "jenny@example.com",
        "jenny@",
        "US",
        "usd",
        "a&b=c",
        "%zz",
        "é€",
        "110000000",
        "000123456789",
        "4242424242424242",
        "12",
        "2034",
    ];
    let v = match ty {
        TypeName::Integer => c.pick_str(&["12", "1", "2034", "34", "0", "-1", "1.5", "abc", "007"]),
        TypeName::Number => c.pick_str(&[
            "12.5",
            "0",
            "100",
            "0.0000001",
            "999999999999999999",
            "0.000000000000000001",
            "1e-7",
            "1.",
            "-0",
        ]),
        TypeName::Boolean => c.pick_str(&["true", "false", "yes", "1"]),
        TypeName::Enum if !values.is_empty() && !c.chance(4) => c.pick(values).as_str(),
        _ => *c.pick(STRINGS),
    };
    if c.chance(16) {
        return "a".repeat(5001);
    }
    v.to_string()
}

/// Reads a bracket body from fuzz input: pairs on spec paths with values of their type,
/// and markers planted at secret values, unknown keys, metadata keys, array indexes, pairs
/// inside other values (joined with a newline or `;`), pairs without `=` and pairs
/// percent-encoded whole. The body stays under 7000 bytes, so no byte offset can spell a
/// 4-digit marker.
pub fn brackets_body(data: &[u8]) -> Generated {
    let mut c = Choices::new(data);
    let leaves = leaves();
    let mut body = String::new();
    let mut planted = Vec::new();
    let pairs = 1 + c.below(10);
    for i in 0..pairs {
        if body.len() > 1500 {
            break;
        }
        let before = planted.len();
        let (path, ty, values, secret) = c.pick(leaves);
        let marker = if c.chance(2) {
            Some(if c.chance(4) {
                *c.pick(LETTER_MARKERS)
            } else {
                *c.pick(DIGIT_MARKERS)
            })
        } else {
            None
        };
        let value = value_for(&mut c, *ty, values);
        let mut key = match ty {
            TypeName::Map => format!("{path}[{}]", c.pick_str(&["internal_id", "k", "a b"])),
            TypeName::Array => format!("{path}[{}]", c.pick_str(&["", "0", "1"])),
            _ => path.clone(),
        };
        let mut value = value;
        if let Some(m) = marker {
            let place = match c.below(9) {
                0 | 1 => {
                    value = m.to_string();
                    if *secret {
                        Place::SecretValue
                    } else {
                        Place::WholeValue
                    }
                }
                2 => {
                    key = format!("{path}[{m}]");
                    Place::Elsewhere
                }
                3 => {
                    key = format!("{}[{m}]", parent(path));
                    Place::Elsewhere
                }
                4 => {
                    key = format!("person[metadata][{m}]{}", c.pick_str(&["", "[x]"]));
                    Place::Elsewhere
                }
                5 => {
                    key = format!("expand[{m}]");
                    Place::Elsewhere
                }
                6 => {
                    // The next pair inside this value.
                    let sep = c.pick_str(&["\n", "\r\n", ";", "%0A", "%3B", "\t"]);
                    let (p2, _, _, _) = c.pick(leaves);
                    value = format!("{value}{sep}{p2}={m}");
                    Place::Elsewhere
                }
                7 => {
                    // A pair without its `=`.
                    let glue = c.pick_str(&["", ":", " ", "%20", "]", "[", "=="]);
                    value = String::new();
                    key = format!("{key}{glue}{m}");
                    Place::Elsewhere
                }
                _ => {
                    // The pair percent-encoded whole.
                    key = percent_all(&format!("{key}={m}"));
                    value = String::new();
                    Place::Elsewhere
                }
            };
            planted.push((m, place));
        }
        if i > 0 {
            let sep = c.pick_str(&["&", "&", "&", "&&", "\n", ";"]);
            if !sep.starts_with('&') {
                // Not a pair separator: this pair is inside the previous value.
                for p in planted.iter_mut().skip(before) {
                    p.1 = Place::Elsewhere;
                }
            }
            body.push_str(sep);
        }
        body.push_str(&key);
        if !value.is_empty() || !c.chance(3) {
            body.push('=');
            body.push_str(&value);
        }
        if c.done() {
            break;
        }
    }
    if c.chance(32) {
        // JSON sent as a form.
        let m = *c.pick(DIGIT_MARKERS);
        body = format!(r#"{{"card":{{"number":"{m}","cvc":"7373"}}}}"#);
        planted.push((m, Place::Elsewhere));
        planted.push(("7373", Place::Elsewhere));
    }
    Generated { body, planted }
}

fn parent(path: &str) -> &str {
    match path.rfind('[') {
        Some(i) => &path[..i],
        None => "zzz",
    }
}

fn percent_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

// ---- target `roundtrip` --------------------------------------------------------------------

/// Valid bodies to start from: the examples (examples/requests/valid/).
const BASES: &[(Format, &str)] = &[
    (
        Format::Json,
        include_str!("../../examples/requests/valid/account-company.json"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/account.form"),
    ),
    (
        Format::Json,
        include_str!("../../examples/requests/valid/bank-account-de.json"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/bank-account-us.form"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/card-amex-percent-encoded.form"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/card.form"),
    ),
    (
        Format::Json,
        include_str!("../../examples/requests/valid/card.json"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/cvc-update.form"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/person.form"),
    ),
    (
        Format::Json,
        include_str!("../../examples/requests/valid/person.json"),
    ),
    (
        Format::Form,
        include_str!("../../examples/requests/valid/pii.form"),
    ),
];

/// A body tree that can be written as a form or as JSON (with numbers as JSON numbers).
#[derive(Debug, Clone)]
pub enum J {
    /// An object, keys in order.
    Obj(Vec<(String, J)>),
    /// An array.
    Arr(Vec<J>),
    /// A string.
    Str(String),
    /// A JSON number or boolean, written as is (a string in a form).
    Raw(String),
}

impl J {
    fn from_value(v: &Value) -> J {
        match v {
            Value::Scalar(s) => J::Str(s.text.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (k.to_string(), J::from_value(v)))
                    .collect(),
            ),
        }
    }
    fn to_value(&self) -> Value {
        match self {
            J::Str(s) | J::Raw(s) => Value::Scalar(Scalar::new(s.clone())),
            J::Arr(a) => Value::Array(a.iter().map(J::to_value).collect()),
            J::Obj(entries) => {
                let mut o = Object::new();
                for (k, v) in entries {
                    o.insert(k.clone(), v.to_value());
                }
                Value::Object(o)
            }
        }
    }
    /// The body as a form (Stripe's bracket encoding).
    pub fn form(&self) -> String {
        match self.to_value() {
            Value::Object(o) => tree::encode_form(&o),
            _ => String::new(),
        }
    }
    /// The body as JSON.
    pub fn json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
    fn write_json(&self, out: &mut String) {
        match self {
            J::Str(s) => out.push_str(&serde_json::to_string(s).expect("a string")),
            J::Raw(s) => out.push_str(s),
            J::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            J::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).expect("a string"));
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
    /// Sets `value` at `path` (segments), creating objects on the way and replacing what is
    /// in the way.
    fn set(&mut self, path: &[&str], value: J) {
        let J::Obj(entries) = self else {
            *self = J::Obj(Vec::new());
            return self.set(path, value);
        };
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let slot = match entries.iter().position(|(k, _)| k == first) {
            Some(i) => &mut entries[i].1,
            None => {
                entries.push(((*first).to_string(), J::Obj(Vec::new())));
                &mut entries.last_mut().expect("just pushed").1
            }
        };
        if rest.is_empty() {
            *slot = value;
        } else {
            slot.set(rest, value);
        }
    }
}

/// A value of the parameter's type, meant to be valid (the point is to reach the round
/// trip), with the edge cases of exactness: decimals with many digits, trailing zeros and
/// no exponent, strings with the characters the form encoding escapes, empty containers.
fn valid_value(c: &mut Choices<'_>, ty: TypeName, values: &[String], unset: bool) -> J {
    if unset && c.chance(8) {
        return J::Str(String::new());
    }
    let raw = c.chance(2);
    // A JSON number where the text is one (`007.50` is not).
    let num = |s: &str| {
        if raw && serde_json::from_str::<serde_json::Value>(s).is_ok() {
            J::Raw(s.to_string())
        } else {
            J::Str(s.to_string())
        }
    };
    match ty {
        TypeName::String => J::Str(
            c.pick_str(&[
                "Jenny Rosen",
                "a&b=c+d",
                "100% [x]",
                "é€ 😀",
                " padded ",
                "line\nbreak",
                "\"quoted\"",
                "0",
                "12.50",
                "x",
            ])
            .to_string(),
        ),
        TypeName::Integer => num(c.pick_str(&["1", "12", "2034", "0", "28"])),
        TypeName::Number => num(c.pick_str(&[
            "0",
            "12.5",
            "12.50",
            "100",
            "0.0000001",
            "999999999999999999",
            "0.000000000000000001",
            "4242424242424242",
            "-0",
            "007.50",
            "33.333333333333333333",
        ])),
        TypeName::Boolean => {
            if raw {
                J::Raw(c.pick_str(&["true", "false"]).to_string())
            } else {
                J::Str(c.pick_str(&["true", "false"]).to_string())
            }
        }
        TypeName::Enum if !values.is_empty() => J::Str(c.pick(values).clone()),
        TypeName::Enum => J::Str("other_value".to_string()),
        TypeName::Map => {
            let n = c.below(3);
            J::Obj(
                (0..n)
                    .map(|i| {
                        let k =
                            c.pick_str(&["internal_id", "a b", "k", "x-y", "é", "order_7", "123"]);
                        (format!("{k}{}", "_".repeat(i)), J::Str("v".to_string()))
                    })
                    .collect(),
            )
        }
        TypeName::Array => J::Arr(
            (0..c.below(3))
                .map(|_| J::Str(c.pick_str(&["card", "Jen Rosen", "x"]).to_string()))
                .collect(),
        ),
        TypeName::Object => J::Obj(Vec::new()),
    }
}

/// Reads a request from fuzz input: one of the valid examples, with up to six parameters of
/// its kind (or `expand`) set to values of their type, or emptied.
pub fn roundtrip_tree(data: &[u8]) -> J {
    let mut c = Choices::new(data);
    let spec = token_spec::bundled();
    let (format, text) = *c.pick(BASES);
    let base = parse(format, text.trim().as_bytes()).expect("the examples parse");
    let mut tree = J::from_value(&Value::Object(base));
    let kind = match &tree {
        J::Obj(entries) => entries.first().map(|(k, _)| k.clone()).unwrap_or_default(),
        _ => String::new(),
    };
    let nodes: Vec<&token_spec::Node> = spec
        .nodes()
        .iter()
        .filter(|n| n.path.starts_with(&format!("{kind}[")) || n.path == "expand")
        // Today's parameters (a version gate's older ones are unknown without a version).
        .filter(|n| n.until.is_none())
        .collect();
    for _ in 0..c.below(7) {
        let n = *c.pick(&nodes);
        let values = match &n.ty {
            Ty::Enum { values, .. } => values.clone(),
            _ => Vec::new(),
        };
        let value = if let Ty::Array { items } = &n.ty {
            let ty = items.ty.as_ty();
            J::Arr(
                (0..c.below(3))
                    .map(|_| match &ty {
                        Ty::Enum { values, .. } => J::Str(c.pick(values).clone()),
                        t => valid_value(&mut c, t.name(), &[], false),
                    })
                    .collect(),
            )
        } else {
            valid_value(&mut c, n.ty.name(), &values, n.unset)
        };
        let segs: Vec<&str> = n.path.split(['[', ']']).filter(|s| !s.is_empty()).collect();
        tree.set(&segs, value);
    }
    tree
}

/// Whether the tree has an empty object at a parameter with required parameters, which
/// JSON sends (and is refused for) and the form encoding cannot send.
fn has_required_empty(tree: &J) -> bool {
    let spec = token_spec::bundled();
    fn walk(spec: &token_spec::Spec, id: token_spec::NodeId, j: &J) -> bool {
        let J::Obj(entries) = j else { return false };
        if entries.is_empty() {
            return spec
                .node(id)
                .children
                .iter()
                .any(|&c| spec.node(c).required);
        }
        entries
            .iter()
            .any(|(k, v)| spec.child(id, k).is_some_and(|c| walk(spec, c, v)))
    }
    walk(spec, token_spec::NodeId::ROOT, tree)
}

/// Dictionaries for the `form` and `json` targets, made from the spec: every parameter
/// path and name, every enum value, and the syntax of each format.
pub fn dictionaries() -> Vec<(&'static str, String)> {
    let spec = token_spec::bundled();
    let mut form = BTreeSet::new();
    let mut json = BTreeSet::new();
    for n in spec.nodes().iter().filter(|n| !n.path.is_empty()) {
        form.insert(format!("{}=", n.path));
        form.insert(format!("[{}]", n.name));
        json.insert(format!("\"{}\":", n.name));
        if let Ty::Enum { values, .. } = &n.ty {
            for v in values {
                form.insert(format!("={v}"));
                json.insert(format!("\"{v}\""));
            }
        }
    }
    for s in [
        "&",
        "=",
        "[]",
        "[0]",
        "%5B",
        "%5D",
        "%3D",
        "%26",
        "+",
        "%",
        "\n",
        ";",
        "true",
        "false",
        "4242424242424242",
        "12.5",
        "0.0000001",
    ] {
        form.insert(s.to_string());
    }
    for s in [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "true",
        "false",
        "null",
        "\"\"",
        "{}",
        "[]",
        "0.0000001",
        "1e-7",
        "12.50",
        "4242424242424242",
        "\"\\u0000\"",
    ] {
        json.insert(s.to_string());
    }
    let render = |set: BTreeSet<String>, what: &str| {
        let mut out = format!(
            "# libFuzzer dictionary for the `{what}` target, made from the bundled spec by\n\
             # tests/fuzz_corpus.rs (FUZZ_DICT_WRITE=1 cargo test --test fuzz_corpus). Do not edit.\n"
        );
        for s in set {
            out.push('"');
            for b in s.bytes() {
                match b {
                    b'"' | b'\\' => {
                        out.push('\\');
                        out.push(char::from(b));
                    }
                    0x20..=0x7e => out.push(char::from(b)),
                    _ => out.push_str(&format!("\\x{b:02X}")),
                }
            }
            out.push_str("\"\n");
        }
        out
    };
    vec![
        ("form.dict", render(form, "form")),
        ("json.dict", render(json, "json")),
    ]
}

// ---- target `serve` ------------------------------------------------------------------------

/// Digit scripts the `serve` generator writes secrets in: ASCII, fullwidth, Arabic-Indic,
/// Devanagari, mathematical bold (the first code point of each Unicode decimal digit block).
pub const DIGIT_SCRIPTS: [u32; 5] = [0x30, 0xff10, 0x660, 0x966, 0x1d7ce];

/// Separators between a secret's groups, one of each class: a space, two, a no-break
/// space, `-`, an en dash, `.`, `_`, `/`, a zero-width space, a soft hyphen, a mixed run.
pub const SEPARATORS: [&str; 11] = [
    " ", "  ", "\u{a0}", "-", "\u{2013}", ".", "_", "/", "\u{200b}", "\u{ad}", " -/ ",
];

/// The value of a digit of one of [`DIGIT_SCRIPTS`]; 10 for any other numeric character.
fn digit_value(c: char) -> Option<u32> {
    DIGIT_SCRIPTS
        .iter()
        .find_map(|&zero| {
            let d = (c as u32).checked_sub(zero)?;
            (d < 10).then_some(d)
        })
        .or_else(|| c.is_numeric().then_some(10))
}

/// `text` with `%XX` escapes decoded (lossy UTF-8).
pub fn percent_decoded(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (x, _) => {
                out.push(x);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The runs of digits of `text` as `token_validate::quote` sees them (percent-escapes
/// decoded; any characters that are not letters or digits go on with a run), folded to
/// ASCII (`?` for a digit of a script not in [`DIGIT_SCRIPTS`]).
pub fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = vec![String::new()];
    for c in percent_decoded(text).chars() {
        match digit_value(c) {
            Some(d) => runs
                .last_mut()
                .expect("never empty")
                .push(char::from_digit(d, 10).unwrap_or('?')),
            None if c.is_alphanumeric() => runs.push(String::new()),
            None => {}
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Whether `text` shows 5 digits in a row of `secret`'s (any script, any separators,
/// percent-encoded or not).
pub fn shows_digits_of(text: &str, secret: &str) -> bool {
    let digits: Vec<u8> = secret.bytes().filter(u8::is_ascii_digit).collect();
    digit_runs(text).iter().any(|run| {
        digits
            .windows(5)
            .any(|w| run.contains(std::str::from_utf8(w).expect("ASCII digits")))
    })
}

/// The longest run of digits of `text`, as [`digit_runs`] counts them.
pub fn longest_run(text: &str) -> usize {
    digit_runs(text)
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0)
}

/// `secret`'s digits in the digit script starting at `zero`, in groups of the sizes of
/// `groups` (the last size repeated) joined by `sep`; letters stay as they are.
pub fn write_secret(secret: &str, groups: &[usize], sep: &str, zero: u32) -> String {
    let mut out = String::new();
    let (mut group, mut in_group) = (0, 0);
    for c in secret.chars() {
        match c.to_digit(10) {
            Some(d) => {
                let size = groups
                    .get(group)
                    .or(groups.last())
                    .copied()
                    .unwrap_or(usize::MAX);
                if in_group == size {
                    out.push_str(sep);
                    group += 1;
                    in_group = 0;
                }
                out.push(char::from_u32(zero + d).unwrap_or(c));
                in_group += 1;
            }
            None => out.push(c),
        }
    }
    out
}

/// Every byte of `s` that is not an unreserved URL character percent-encoded (`all`: every
/// byte).
pub fn url_encoded(s: &str, all: bool) -> String {
    s.bytes()
        .map(|b| {
            if !all && (b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A generated HTTP/1.1 request and the secrets planted in it.
pub struct Exchange {
    /// The request, as bytes on the wire.
    pub bytes: Vec<u8>,
    /// The secrets planted (digit markers of at least [`token_validate::quote::MIN_LONG_DIGITS`]
    /// digits: a shorter one may be quoted as it is, as a path's or a value's short number).
    pub planted: Vec<&'static str>,
    /// A marker sent in the query string only, which nothing may repeat.
    pub query: Option<&'static str>,
}

/// Reads a request from fuzz input: a method, a path and headers chosen from Stripe's and
/// from broken ones, with digit markers planted in the method, the path (plain, with
/// separators, in other scripts, percent-encoded, among dot segments), the query string,
/// echoed and other headers, and header lines hyper refuses. Every request ends with
/// `Connection: close` and its `Content-Length`.
pub fn serve_request(data: &[u8]) -> Exchange {
    let mut c = Choices::new(data);
    let long: Vec<&'static str> = DIGIT_MARKERS
        .iter()
        .copied()
        .filter(|m| m.len() >= token_validate::quote::MIN_LONG_DIGITS)
        .collect();
    let mut planted = Vec::new();
    let written = |c: &mut Choices<'_>, planted: &mut Vec<&'static str>| -> String {
        let m = *c.pick(&long);
        planted.push(m);
        let sep = if c.chance(3) {
            ""
        } else {
            c.pick_str(&SEPARATORS)
        };
        let group = 1 + c.below(5);
        let zero = *c.pick(&DIGIT_SCRIPTS);
        write_secret(m, &[group], sep, zero)
    };
    let method = match c.below(6) {
        0 => "GET".to_string(),
        1 => "DELETE".to_string(),
        2 => {
            let m = *c.pick(&long);
            planted.push(m);
            format!("{}{m}", c.pick_str(&["", "X", "get_"]))
        }
        3 => written(&mut c, &mut planted),
        _ => "POST".to_string(),
    };
    let mut path = c
        .pick_str(&[
            "/v1/tokens",
            "/v1/customers/",
            "/v1/accounts/acct_",
            "/healthz",
            "/v1/tokens/",
            "/",
        ])
        .to_string();
    if c.chance(2) {
        let s = written(&mut c, &mut planted);
        let encoded = match c.below(4) {
            0 => url_encoded(&s, true),
            1 => s.chars().filter(|ch| !ch.is_whitespace()).collect(),
            _ => url_encoded(&s, false),
        };
        path.push_str(c.pick_str(&["", "/", "/x/../", "/./", "/%2E%2E/", ";", "/a="]));
        path.push_str(&encoded);
        if c.chance(3) {
            path.push_str(c.pick_str(&["/..", "/.", "/", "/%2e"]));
        }
    }
    let query = if c.chance(4) {
        let m = *c.pick(&long);
        path.push_str("?q=");
        path.push_str(m);
        Some(m)
    } else {
        None
    };
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: api.stripe.com\r\n");
    let key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    let headers = 1 + c.below(5);
    for _ in 0..headers {
        let line = match c.below(8) {
            0 => format!("authorization: Bearer {key}"),
            1 => format!("idempotency-key: {}", written(&mut c, &mut planted)),
            2 => format!("stripe-version: {}", written(&mut c, &mut planted)),
            3 => format!("stripe-account: acct_{}", written(&mut c, &mut planted)),
            4 => format!("x-{}: 1", written(&mut c, &mut planted)),
            5 => format!("{}: 1", written(&mut c, &mut planted)),
            6 => format!(
                "authorization: Bearer sk_test_{}",
                written(&mut c, &mut planted)
            ),
            _ => "content-type: application/x-www-form-urlencoded".to_string(),
        };
        head.push_str(&line);
        head.push_str("\r\n");
    }
    let body = c.pick_str(&[
        "",
        "card[number]=4242424242424241&card[exp_month]=12&card[exp_year]=2034",
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
    ]);
    if c.chance(8) {
        // A header line hyper refuses, with a secret in it.
        let s = written(&mut c, &mut planted);
        let name = c.pick_str(&["bad header", "(x)", "", "x\u{7f}"]);
        head.push_str(&format!("{name}: {s}\r\n"));
    }
    let mut bytes = head.into_bytes();
    match c.below(10) {
        0 => bytes.extend_from_slice(b"content-length: 1x\r\n"),
        1 => bytes.extend_from_slice(b"content-length: 5\r\ncontent-length: 6\r\n"),
        _ => bytes.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes()),
    }
    bytes.extend_from_slice(b"connection: close\r\n\r\n");
    bytes.extend_from_slice(body.as_bytes());
    planted.sort_unstable();
    planted.dedup();
    Exchange {
        bytes,
        planted,
        query,
    }
}

/// `serve` in process, in each mode and log format, with its log lines collected.
pub mod served {
    use std::sync::{Arc, LazyLock, Mutex};
    use std::time::Duration;

    use token_validate::serve::log::LogFormat;
    use token_validate::serve::{Config, Server};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// One server and where its log lines go.
    pub struct Served {
        /// Its mode and log format, for messages.
        pub name: &'static str,
        server: Server,
        lines: Arc<Mutex<Vec<String>>>,
        format: LogFormat,
    }

    /// A runtime and the servers: mock mode in each log format, proxy mode in front of an
    /// upstream that is down (so every forwarded request is a 502, logged all the same).
    pub static SERVED: LazyLock<(tokio::runtime::Runtime, Vec<Served>)> = LazyLock::new(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let servers = rt.block_on(async {
            let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
            let down = format!(
                "http://127.0.0.1:{}",
                closed.local_addr().expect("an address").port()
            );
            drop(closed);
            let any = "127.0.0.1:0".parse().expect("an address");
            let mut out = Vec::new();
            for (name, mut config, format) in [
                ("mock, json log", Config::mock(any), LogFormat::Json),
                ("mock, text log", Config::mock(any), LogFormat::Text),
                (
                    "proxy, text log",
                    Config::proxy(any, &down),
                    LogFormat::Text,
                ),
            ] {
                // Short waits: a request that never ends costs little.
                config.server.header_read_timeout = Duration::from_millis(50);
                config.read_timeout = Duration::from_millis(50);
                let lines = Arc::new(Mutex::new(Vec::new()));
                let sink = Arc::clone(&lines);
                let server = Server::bind(config)
                    .await
                    .expect("serve binds")
                    .log_to(format, move |l: &str| {
                        sink.lock().expect("not poisoned").push(l.to_string())
                    });
                out.push(Served {
                    name,
                    server,
                    lines,
                    format,
                });
            }
            out
        });
        (rt, servers)
    });

    impl Served {
        /// Sends `raw` on a new in-memory connection: the whole answer, and the log lines it
        /// made, each without the fields that vary by run (the time, the duration, the
        /// request id, the date).
        pub async fn exchange(&self, raw: &[u8]) -> (String, Vec<String>) {
            self.lines.lock().expect("not poisoned").clear();
            let (mut client, io) = tokio::io::duplex(1 << 16);
            let peer = "127.0.0.1:5555".parse().expect("an address");
            let raw = raw.to_vec();
            let talk = async move {
                let _ = client.write_all(&raw).await;
                let mut out = Vec::new();
                let _ = client.read_to_end(&mut out).await;
                out
            };
            let ((), answer) = tokio::time::timeout(Duration::from_secs(60), async {
                tokio::join!(self.server.serve_io(io, peer), talk)
            })
            .await
            .expect("an exchange hung");
            let answer = String::from_utf8_lossy(&answer)
                .split("\r\n")
                .filter(|l| {
                    let l = l.to_ascii_lowercase();
                    !["request-id:", "original-request:", "date:"]
                        .iter()
                        .any(|h| l.starts_with(h))
                })
                .collect::<Vec<_>>()
                .join("\r\n");
            let lines = self
                .lines
                .lock()
                .expect("not poisoned")
                .iter()
                .map(|l| match self.format {
                    LogFormat::Json => {
                        let mut v: serde_json::Value =
                            serde_json::from_str(l).expect("a JSON log line");
                        if let Some(o) = v.as_object_mut() {
                            for k in ["ts", "duration_ms", "request_id"] {
                                o.remove(k);
                            }
                        }
                        v.to_string()
                    }
                    _ => l
                        .split(' ')
                        .skip(1)
                        .filter(|t| !t.ends_with("ms") && !t.starts_with("request_id="))
                        .collect::<Vec<_>>()
                        .join(" "),
                })
                .collect();
            (answer, lines)
        }
    }
}

/// Target `serve`: the input chooses a request (see [`serve_request`]) that goes to
/// `serve` in mock mode (each log format) and proxy mode; what comes out about it never
/// shows a planted secret's digits nor the query string, an error answer and a log line
/// never a run of 9 digits, and every request gets an answer and one log line.
pub fn serve(data: &[u8]) {
    let x = serve_request(data);
    let (rt, servers) = &*served::SERVED;
    rt.block_on(async {
        for s in servers {
            let (answer, lines) = s.exchange(&x.bytes).await;
            let what = format!("serve ({}) {}", s.name, show(&x.bytes));
            assert!(
                answer.starts_with("HTTP/1.1 "),
                "{what}: no answer: {answer}"
            );
            assert_eq!(lines.len(), 1, "{what}: log lines {lines:?}");
            let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
            // A token object (a 2xx answer's body) has its own long numbers (`created`).
            let success = answer.starts_with("HTTP/1.1 2");
            let mut texts: Vec<(&str, bool)> = lines.iter().map(|l| (l.as_str(), true)).collect();
            texts.push((head, true));
            texts.push((body, !success));
            for (t, no_long_runs) in texts {
                for m in &x.planted {
                    assert!(!shows_digits_of(t, m), "{what}: digits of {m} in {t}");
                }
                if let Some(q) = x.query {
                    assert!(!t.contains(q), "{what}: the query string in {t}");
                }
                assert!(
                    !no_long_runs || longest_run(t) < token_validate::quote::MIN_LONG_DIGITS,
                    "{what}: a run of digits in {t}"
                );
            }
        }
    });
}
