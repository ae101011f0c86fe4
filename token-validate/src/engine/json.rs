//! The JSON driver: a JSON body read in one pass by our own scanner ([`crate::scan::json`]),
//! straight into the generated validators (no `serde_json`, no `Value`, no tree).
//!
//! Each generated object state pulls its own members from the [`Scanner`]: it compares each
//! key's bytes against its parameters' names (by length, then bytes; a key with a `\`
//! escape is decoded into a stack buffer first) and hands each value to the parameter's
//! reader here ([`scalar`], [`object`], [`array`], [`map`], [`skip`]). Strings are borrowed
//! from the body unless they have escapes; numbers and booleans are taken as their exact
//! text, so `0.0000001` stays `0.0000001` and a card number sent as a number keeps every
//! digit. The same parameters as in a form body; numbers and booleans may be JSON values or
//! strings.
//!
//! # Body errors and their offsets
//!
//! The top level must be an object (`JsonNotObject`, at the first non-blank byte); `null` is
//! refused (`JsonNull`, at the end of the `null`); a repeated key is `DuplicateKey` (at the
//! key's closing quote, found in O(1) per key however large the object; not looked for in a
//! value that is skipped, under an unknown parameter or of the wrong shape); an empty key
//! `EmptyKey`; a key with `[` or `]` a `Json` error (it could not be sent as a form
//! parameter). Depth, value-count and list-length limits apply as for forms: `TooDeep` at
//! the `:` before the value, `TooManyParams` at the end of the value over the limit. Every
//! value counts, under known and unknown parameters alike: a string, number or boolean,
//! and an object or array with nothing in it (`{}` and `[]` are values a form body cannot
//! send, but a body of them is no cheaper to read). Invalid UTF-8 anywhere is `InvalidUtf8`
//! at the first bad byte. Syntax errors carry serde_json's words and offsets (the scanner is
//! exactly as strict as serde_json, see [`crate::scan::json`]); a limit judged between two
//! values is placed where serde_json placed it ([`Scanner::stop_offset`]), one judged at a
//! value at its last byte ([`Scanner::last_offset`]).

use std::borrow::Cow;

use token_spec::{Generic, NodeId};

use crate::engine::run::{
    ArraySlot, ArrayTy, LearnTarget, MapSlot, ObjectSlot, ObjectTy, Run, ScalarTy, Shape, Slot,
    State, Text, Unset,
};
use crate::error::Phase;
use crate::parse_error::{ParseErrorKind, quote_key};
use crate::runtime_spec::RuntimeSpec;
pub use crate::scan::json::Scanner;
use crate::scan::json::{Str, Token};

/// Where a JSON value is, for the keys that body errors name.
#[derive(Clone, Copy)]
pub enum JPath<'p> {
    /// A parameter of the spec (the root is the body itself).
    Node(NodeId),
    /// An item of a list.
    Index(&'p JPath<'p>, usize),
    /// A member of an object or an entry of a map.
    Key(&'p JPath<'p>, &'p str),
}

impl JPath<'_> {
    fn render(&self, out: &mut String) {
        match self {
            JPath::Node(n) => out.push_str(&token_spec::bundled().node(*n).path),
            JPath::Index(p, i) => {
                p.render(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            JPath::Key(p, k) => {
                p.render(out);
                if out.is_empty() {
                    out.push_str(k);
                } else {
                    out.push('[');
                    out.push_str(k);
                    out.push(']');
                }
            }
        }
    }
    /// The path in bracket notation, `None` for the body itself.
    fn key(&self) -> Option<String> {
        let mut s = String::new();
        self.render(&mut s);
        (!s.is_empty()).then_some(s)
    }
}

pub use crate::engine::run::Stop;

/// Stops the read with a body error judged between two values (a key, the depth before a
/// value, a list's length), inside an object or (`in_array`) a list.
#[cold]
fn stop(
    run: &mut Run<'_>,
    sc: &Scanner<'_>,
    kind: ParseErrorKind,
    at: &JPath<'_>,
    in_array: bool,
) -> Stop {
    run.abort_at(kind, sc.stop_offset(in_array), at.key());
    Stop::Limit
}

/// Stops the read with a body error judged at the value just read (at its last byte).
#[cold]
fn stop_here(run: &mut Run<'_>, sc: &Scanner<'_>, kind: ParseErrorKind, at: &JPath<'_>) -> Stop {
    run.abort_at(kind, sc.last_offset(), at.key());
    Stop::Limit
}

/// Counts the value just read against the parameter limit (past it, the body error at the
/// value's last byte).
#[inline]
fn count(run: &mut Run<'_>, sc: &Scanner<'_>, at: &JPath<'_>) -> Result<(), Stop> {
    if run.count_param(|| (sc.last_offset(), at.key().unwrap_or_default())) {
        Ok(())
    } else {
        Err(Stop::Limit)
    }
}

/// Counts an object or array that turned out to hold nothing (no value was counted inside
/// it since `before`; its closing bracket was just read) as one value: every leaf of a body
/// counts.
#[inline]
fn count_if_empty(
    run: &mut Run<'_>,
    sc: &Scanner<'_>,
    before: usize,
    at: &JPath<'_>,
) -> Result<(), Stop> {
    if run.params() == before {
        count(run, sc, at)
    } else {
        Ok(())
    }
}

/// The depth limit: a value may sit `max_depth` levels deep (judged after the `:` or `,`
/// before it, in an object or, `in_array`, a list).
#[inline]
fn deep(
    run: &mut Run<'_>,
    sc: &Scanner<'_>,
    depth: usize,
    at: &JPath<'_>,
    in_array: bool,
) -> Result<(), Stop> {
    let limit = run.limits().depth();
    if depth > limit {
        return Err(stop(
            run,
            sc,
            ParseErrorKind::TooDeep { limit },
            at,
            in_array,
        ));
    }
    Ok(())
}

/// The `:` of a member and the depth limit of its value.
#[inline]
fn member(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    depth: usize,
    at: &JPath<'_>,
) -> Result<(), Stop> {
    sc.colon()?;
    deep(run, sc, depth, at, false)
}

/// The list-length limit: an index at or over `max_array_len` is refused (checked before
/// the item is read, so an empty list of any length is fine... and a long one is not).
#[inline]
fn index_limit(run: &mut Run<'_>, sc: &Scanner<'_>, i: usize, at: &JPath<'_>) -> Result<(), Stop> {
    let limit = run.limits().max_array_len;
    if i >= limit {
        return Err(stop(
            run,
            sc,
            ParseErrorKind::ArrayIndexTooLarge { limit },
            at,
            true,
        ));
    }
    Ok(())
}

/// Reads a JSON body into the validator of the request body, `root`. A body error stops the
/// read and is left in the run.
pub(crate) fn scan<'de, S: State<'de>>(body: &'de [u8], run: &mut Run<'_>, root: &mut S) {
    let limit = run.limits().max_body_bytes;
    if body.len() > limit {
        run.abort_at(ParseErrorKind::BodyTooLarge { limit }, limit, None);
        return;
    }
    let mut sc = match Scanner::new(body) {
        Ok(sc) => sc,
        Err(e) => return run.set_abort(e.to_parse_error()),
    };
    if let Err(Stop::Syntax(e)) = top(&mut sc, run, root) {
        let e = e.to_parse_error();
        run.abort_at(e.kind, e.offset, None);
    }
}

/// The top level: an object, and nothing after it.
fn top<'de, S: State<'de>>(
    sc: &mut Scanner<'de>,
    run: &mut Run<'_>,
    root: &mut S,
) -> Result<(), Stop> {
    match sc.value()? {
        Token::Object => {
            root.visit_json(run, sc)?;
            sc.end()?;
            Ok(())
        }
        _ => {
            let at = sc
                .text()
                .bytes()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            run.abort_at(ParseErrorKind::JsonNotObject, at, None);
            Err(Stop::Limit)
        }
    }
}

/// A serde_json error as the JSON driver reports a syntax error: the message without its
/// position, and the byte offset in `body` of its line and column (the scanner places its
/// errors there too). The one place that arithmetic lives: the scanner's tests and the fuzz
/// crate's differential oracle compare the scanner against it.
#[doc(hidden)]
pub fn serde_error_at(body: &[u8], e: &serde_json::Error) -> (String, usize) {
    (json_message(e), json_offset(body, e.line(), e.column()))
}

/// Byte offset of a serde_json (1-based) line/column position.
fn json_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    let mut l = 1;
    if line > 1 {
        for (i, &b) in body.iter().enumerate() {
            if b == b'\n' {
                l += 1;
                if l == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(body.len())
}

/// serde_json's message without its " at line L column C" suffix.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

/// A key the object does not know: never empty, never with `[` or `]` (it could not be
/// sent as a form parameter), else a body error.
fn unknown_key(
    run: &mut Run<'_>,
    sc: &Scanner<'_>,
    parent: JPath<'_>,
    key: &str,
) -> Result<(), Stop> {
    if key.is_empty() {
        return Err(stop(run, sc, ParseErrorKind::EmptyKey, &parent, false));
    }
    if key.bytes().any(|b| b == b'[' || b == b']') {
        let msg = format!(
            "object key {} contains '[' or ']', which cannot be sent as a form parameter,",
            quote_key(key)
        );
        return Err(stop(run, sc, ParseErrorKind::Json(msg), &parent, false));
    }
    Ok(())
}

/// A member whose key was seen before in the same object: a body error (the key was just
/// read, its `:` not yet).
#[cold]
pub fn duplicate(run: &mut Run<'_>, sc: &Scanner<'_>, at: JPath<'_>) -> Stop {
    stop(run, sc, ParseErrorKind::DuplicateKey, &at, false)
}

/// A member the object `parent` does not know (its key just read): a parameter of the
/// runtime spec, checked as the document states it ([`crate::runtime_spec`]); else an
/// unknown parameter, refused or, before a version gate (`gate`), let through.
pub fn unknown_member(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    parent: NodeId,
    key: &str,
    depth: usize,
    gate: Option<usize>,
) -> Result<(), Stop> {
    unknown_key(run, sc, JPath::Node(parent), key)?;
    let here = JPath::Node(parent);
    let at = JPath::Key(&here, key);
    if let Some((rt, i)) = run.learned_root(parent, key) {
        let path = rt.nodes[i].path.clone();
        member(run, sc, depth, &at)?;
        return Learn {
            rt,
            target: LearnTarget::Node(i),
            path,
            depth,
        }
        .read(run, sc, at);
    }
    run.unknown_gated(parent, key, gate);
    skip(run, sc, depth, at)
}

// ---------------------------------------------------------------------------------------
// Parameters of the runtime spec
// ---------------------------------------------------------------------------------------

/// A value of a learned parameter, checked as the runtime spec states it.
struct Learn<'a> {
    rt: &'a RuntimeSpec,
    target: LearnTarget,
    path: String,
    depth: usize,
}

impl Learn<'_> {
    /// The learned node this value stands for, when it is a parameter (not an item or an
    /// entry).
    fn node(&self) -> Option<&crate::runtime_spec::Learned> {
        match self.target {
            LearnTarget::Node(i) => Some(&self.rt.nodes[i]),
            _ => None,
        }
    }

    /// The error for a value of the wrong shape.
    fn wrong(&self, run: &mut Run<'_>, shape: Shape) {
        use token_spec::model::TypeName as T;
        let which = match (self.node().map(|n| n.ty), shape) {
            (Some(T::Object | T::Map), Shape::Array) => Generic::ParameterInvalidObject,
            (Some(T::Array), Shape::Object) => Generic::ParameterInvalidArray,
            _ => Generic::ParameterInvalidScalar,
        };
        run.learned_error(which, Phase::Types, &self.path, None, None);
    }

    fn text(
        &self,
        run: &mut Run<'_>,
        sc: &Scanner<'_>,
        at: &JPath<'_>,
        text: &str,
    ) -> Result<(), Stop> {
        count(run, sc, at)?;
        run.learned_text(self.rt, self.target, &self.path, text);
        Ok(())
    }

    /// Reads the value (its `:` or `,` read and its depth judged).
    fn read(self, run: &mut Run<'_>, sc: &mut Scanner<'_>, at: JPath<'_>) -> Result<(), Stop> {
        use token_spec::model::TypeName as T;
        match sc.value()? {
            Token::Str(s) => self.text(run, sc, &at, &s.to_cow()),
            Token::Number(n) => self.text(run, sc, &at, n.text()),
            Token::Bool(b) => self.text(run, sc, &at, bool_text(b)),
            Token::Null => Err(stop_here(run, sc, ParseErrorKind::JsonNull, &at)),
            Token::Array => match (self.node().map(|n| (n.ty, n.open)), self.target) {
                (Some((T::Array, _)), LearnTarget::Node(n)) => {
                    let mut i = 0;
                    loop {
                        let item = JPath::Index(&at, i);
                        index_limit(run, sc, i, &item)?;
                        if !sc.next_item()? {
                            return Ok(());
                        }
                        deep(run, sc, self.depth + 1, &item, true)?;
                        Learn {
                            rt: self.rt,
                            target: LearnTarget::Item(n),
                            path: format!("{}[{i}]", self.path),
                            depth: self.depth + 1,
                        }
                        .read(run, sc, item)?;
                        i += 1;
                    }
                }
                // A list of objects the validators do not check.
                (Some((T::Object, true)), _) => skip_items(run, sc, self.depth, &at),
                _ => {
                    self.wrong(run, Shape::Array);
                    skip_items(run, sc, self.depth, &at)
                }
            },
            Token::Object => {
                let (ty, open) = match self.node() {
                    Some(n) if matches!(n.ty, T::Object | T::Map) => (n.ty, n.open),
                    _ => {
                        self.wrong(run, Shape::Object);
                        return skip_members(run, sc, self.depth, at);
                    }
                };
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = sc.next_key()? {
                    let key = key.to_cow();
                    unknown_key(run, sc, at, &key)?;
                    let here = JPath::Key(&at, &key);
                    if seen.iter().any(|k| *k == *key) {
                        return Err(duplicate(run, sc, here));
                    }
                    seen.push(key.to_string());
                    let path = token_spec::join_path(&self.path, &key);
                    let target = match (ty, self.node().and_then(|n| n.children.get(&*key))) {
                        (T::Map, _) => Some(LearnTarget::Entry),
                        (_, Some(&c)) => Some(LearnTarget::Node(c)),
                        (_, None) => {
                            if !open {
                                run.learned_error(
                                    Generic::ParameterUnknown,
                                    Phase::Unknown,
                                    &path,
                                    None,
                                    None,
                                );
                            }
                            None
                        }
                    };
                    match target {
                        Some(target) => {
                            member(run, sc, self.depth + 1, &here)?;
                            Learn {
                                rt: self.rt,
                                target,
                                path,
                                depth: self.depth + 1,
                            }
                            .read(run, sc, here)?;
                        }
                        None => skip(run, sc, self.depth + 1, here)?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// A boolean's text.
#[inline]
fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

// ---------------------------------------------------------------------------------------
// Single values
// ---------------------------------------------------------------------------------------

/// The JSON value of a single-value parameter.
pub enum JsonScalar<'de> {
    /// A string, number or boolean: its text.
    Text(Text<'de>),
    /// An object or an array.
    Shape(Shape),
}

/// A single-value parameter with no rule of its own (most of them), whose key was just
/// read: the duplicate check, then its value into its slot. The usual member of a compact
/// body, a string with nothing to decode, is read and judged at once
/// ([`Scanner::compact_str_member`], [`Run::scalar_quick`]); any other value goes through
/// [`scalar`] and [`Run::scalar`], with the same verdicts, errors and offsets.
#[inline(always)]
pub fn plain<'de>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    slot: &mut Slot<'de>,
    node: NodeId,
    depth: usize,
    ty: ScalarTy,
    unset: Unset,
) -> Result<(), Stop> {
    if slot.is_present() {
        return Err(duplicate(run, sc, JPath::Node(node)));
    }
    if depth <= run.limits().depth()
        && let Some(text) = sc.compact_str_member()
    {
        count(run, sc, &JPath::Node(node))?;
        run.scalar_quick(slot, node, Text::Borrowed(text), ty, unset);
        return Ok(());
    }
    match scalar(run, sc, depth, JPath::Node(node))? {
        JsonScalar::Text(value) => {
            let _ = run.scalar(slot, node, value, ty, unset);
        }
        JsonScalar::Shape(shape) => run.scalar_shape(slot, node, shape),
    }
    Ok(())
}

/// The value of the single-value parameter at `at`, `depth` levels deep, whose key was just
/// read: a string (borrowed unless it has escapes, which are decoded in one allocation), a
/// boolean, or a number, each as the body has it: a JSON number is taken as its exact text
/// (`0.0000001` stays `0.0000001`, `1.10` stays `1.10`, an integer of any length keeps every
/// digit), whatever the parameter's type, so a text parameter sent as a number reads the
/// same digits a form body would carry. An object or a list is skipped for the limits.
#[inline]
pub fn scalar<'de>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    depth: usize,
    at: JPath<'_>,
) -> Result<JsonScalar<'de>, Stop> {
    member(run, sc, depth, &at)?;
    scalar_value(run, sc, depth, at)
}

/// [`scalar`] once the value's `:` or `,` is read and its depth judged.
#[inline]
fn scalar_value<'de>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    depth: usize,
    at: JPath<'_>,
) -> Result<JsonScalar<'de>, Stop> {
    let text = match sc.value()? {
        Token::Str(s) => str_text(s),
        Token::Number(n) => Cow::Borrowed(n.text()),
        Token::Bool(b) => Cow::Borrowed(bool_text(b)),
        Token::Null => return Err(stop_here(run, sc, ParseErrorKind::JsonNull, &at)),
        // The dictionary or list is wrong here, but its content still meets the limits, as
        // anywhere in a body.
        Token::Object => {
            skip_members(run, sc, depth, at)?;
            return Ok(JsonScalar::Shape(Shape::Object));
        }
        Token::Array => {
            skip_items(run, sc, depth, &at)?;
            return Ok(JsonScalar::Shape(Shape::Array));
        }
    };
    count(run, sc, &at)?;
    Ok(JsonScalar::Text(text))
}

/// A string's text: borrowed from the body, or decoded (one allocation) when it has a `\`.
#[inline]
fn str_text(s: Str<'_>) -> Text<'_> {
    match s.borrowed() {
        Some(t) => Cow::Borrowed(t),
        None => s.to_cow(),
    }
}

/// The text of a single value from its raw JSON text (serde_json's `RawValue`, for the
/// generated types' serde impls), as the validators read it: a string's content (borrowed
/// unless it has escapes), a number's or a boolean's exact text; `Ok(None)` for `null`,
/// `Err(())` for an object or an array. A string the scanner refuses (a lone surrogate,
/// which `RawValue` lets through) reads as the empty string.
pub(crate) fn raw_scalar(raw: &str) -> Result<Option<Cow<'_, str>>, ()> {
    match raw.as_bytes().first() {
        Some(b'"') => Ok(Some(match Scanner::from_text(raw).value() {
            Ok(Token::Str(s)) => str_text(s),
            _ => Cow::Borrowed(""),
        })),
        Some(b'n') => Ok(None),
        Some(b'{') | Some(b'[') => Err(()),
        _ => Ok(Some(Cow::Borrowed(raw))),
    }
}

/// serde_json's message of an error, without its position.
pub(crate) fn message_of(e: &serde_json::Error) -> String {
    json_message(e)
}

// ---------------------------------------------------------------------------------------
// Values the spec does not know (or that are of the wrong shape): checked for the limits
// and skipped
// ---------------------------------------------------------------------------------------

/// Skips the value of a member at `at`, `depth` levels deep, whose key was just read: read
/// only for the limits (depth, count, list length, `null`, keys).
#[inline]
pub fn skip(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    depth: usize,
    at: JPath<'_>,
) -> Result<(), Stop> {
    member(run, sc, depth, &at)?;
    skip_value(run, sc, depth, at)
}

/// Any value (its `:` or `,` read and its depth judged), read only for the limits.
fn skip_value(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    depth: usize,
    at: JPath<'_>,
) -> Result<(), Stop> {
    match sc.value()? {
        Token::Null => Err(stop_here(run, sc, ParseErrorKind::JsonNull, &at)),
        Token::Object => skip_members(run, sc, depth, at),
        Token::Array => skip_items(run, sc, depth, &at),
        _ => count(run, sc, &at),
    }
}

/// Skips a list's items (its `[` was read), for the limits.
fn skip_items(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    depth: usize,
    at: &JPath<'_>,
) -> Result<(), Stop> {
    let before = run.params();
    let mut i = 0;
    loop {
        let item = JPath::Index(at, i);
        index_limit(run, sc, i, &item)?;
        if !sc.next_item()? {
            return count_if_empty(run, sc, before, at);
        }
        deep(run, sc, depth + 1, &item, true)?;
        skip_value(run, sc, depth + 1, item)?;
        i += 1;
    }
}

/// Skips an object's members (its `{` was read): each key checked (not empty, no bracket),
/// each value counted. Repeated keys are not looked for here: the object is refused (an
/// unknown parameter, a value of the wrong shape) or let through unread (an unknown
/// parameter under `UnknownParams::Ignore`), so no meaning rests on them, and keeping its
/// keys would cost memory in proportion to the object (issue 18, finding 5).
fn skip_members(
    run: &mut Run<'_>,
    sc: &mut Scanner<'_>,
    depth: usize,
    at: JPath<'_>,
) -> Result<(), Stop> {
    let before = run.params();
    while let Some(key) = sc.next_key()? {
        let key = key.to_cow();
        unknown_key(run, sc, at, &key)?;
        skip(run, sc, depth + 1, JPath::Key(&at, &key))?;
    }
    count_if_empty(run, sc, before, &at)
}

// ---------------------------------------------------------------------------------------
// Objects, lists and maps of the spec
// ---------------------------------------------------------------------------------------

/// An object parameter whose key was just read: its members go to its validator `S`; a
/// string is the id of an object-or-id union, anything else an error.
pub fn object<'de, S: State<'de>>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    slot: &mut ObjectSlot<'de, S>,
    ty: &'static ObjectTy,
    depth: usize,
) -> Result<(), Stop> {
    let at = JPath::Node(ty.node);
    member(run, sc, depth, &at)?;
    let text = match sc.value()? {
        Token::Object => {
            *slot = ObjectSlot::Object(S::default());
            let unknown = run.unknown_met();
            let before = run.params();
            if let ObjectSlot::Object(state) = slot {
                state.visit_json(run, sc)?;
                count_if_empty(run, sc, before, &at)?;
                // A form body cannot send an object that holds nothing: such a JSON object
                // stands for nothing sent (`{"person": {}}` is an empty body), unless it has
                // required parameters (`{"cvc_update": {}}` misses `cvc_update[cvc]`).
                if !S::REQUIRED && state.is_empty() && run.unknown_met() == unknown {
                    *slot = ObjectSlot::Absent;
                }
            }
            return Ok(());
        }
        Token::Array => {
            run.object_shape(slot, ty.node);
            return skip_items(run, sc, depth, &at);
        }
        Token::Null => return Err(stop_here(run, sc, ParseErrorKind::JsonNull, &at)),
        Token::Str(s) => str_text(s),
        Token::Number(n) => Cow::Borrowed(n.text()),
        Token::Bool(b) => Cow::Borrowed(bool_text(b)),
    };
    count(run, sc, &at)?;
    run.object_value(slot, ty, text);
    Ok(())
}

/// A single value sent for a list or a map (its text, counted), or `None` for a container
/// or `null` (returned to the caller as the token).
#[inline]
fn container_text<'de>(
    run: &mut Run<'_>,
    sc: &Scanner<'de>,
    token: Token<'de>,
    at: &JPath<'_>,
) -> Result<Option<Text<'de>>, Stop> {
    let text = match token {
        Token::Str(s) => str_text(s),
        Token::Number(n) => Cow::Borrowed(n.text()),
        Token::Bool(b) => Cow::Borrowed(bool_text(b)),
        Token::Null => return Err(stop_here(run, sc, ParseErrorKind::JsonNull, at)),
        Token::Object | Token::Array => return Ok(None),
    };
    count(run, sc, at)?;
    Ok(Some(text))
}

/// A list parameter whose key was just read.
pub fn array<'de>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    slot: &mut ArraySlot<'de>,
    ty: &'static ArrayTy,
    depth: usize,
) -> Result<(), Stop> {
    let at = JPath::Node(ty.node);
    member(run, sc, depth, &at)?;
    match sc.value()? {
        Token::Array => {
            let before = run.params();
            run.array_open(slot);
            let mut i = 0;
            loop {
                let item = JPath::Index(&at, i);
                index_limit(run, sc, i, &item)?;
                if !sc.next_item()? {
                    count_if_empty(run, sc, before, &at)?;
                    run.array_close(slot);
                    return Ok(());
                }
                deep(run, sc, depth + 1, &item, true)?;
                match scalar_value(run, sc, depth + 1, item)? {
                    JsonScalar::Text(v) => run.item(slot, ty, i, v),
                    JsonScalar::Shape(_) => run.item_shape(slot, ty.node, i),
                }
                i += 1;
            }
        }
        Token::Object => {
            run.array_shape(slot, ty.node);
            skip_members(run, sc, depth, at)
        }
        token => {
            if let Some(text) = container_text(run, sc, token, &at)? {
                run.array_value(slot, ty, &text);
            }
            Ok(())
        }
    }
}

/// A map parameter whose key was just read: any key, single values.
pub fn map<'de>(
    run: &mut Run<'_>,
    sc: &mut Scanner<'de>,
    slot: &mut MapSlot<'de>,
    node: NodeId,
    unset: Unset,
    depth: usize,
) -> Result<(), Stop> {
    let at = JPath::Node(node);
    member(run, sc, depth, &at)?;
    match sc.value()? {
        Token::Object => {
            let before = run.params();
            run.map_open(slot);
            while let Some(key) = sc.next_key()? {
                let key = str_text(key);
                // Any key is a map's, but it must be one a form body could send.
                unknown_key(run, sc, at, &key)?;
                let here = JPath::Key(&at, &key);
                if run.map_key_taken(slot, &key) {
                    return Err(duplicate(run, sc, here));
                }
                let value = match scalar(run, sc, depth + 1, here)? {
                    JsonScalar::Text(v) => Some(v),
                    JsonScalar::Shape(_) => None,
                };
                run.entry(slot, key, value, node);
            }
            count_if_empty(run, sc, before, &at)?;
            run.map_close(slot);
            Ok(())
        }
        Token::Array => {
            run.map_shape(slot, node);
            skip_items(run, sc, depth, &at)
        }
        token => {
            if let Some(text) = container_text(run, sc, token, &at)? {
                run.map_value(slot, node, unset, &text);
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::raw_scalar;
    use crate::{Context, check_json};

    /// The two syntax errors whose words or verdict changed when the scanner replaced
    /// serde_json's `RawValue` for parameters' values (issue 20): serde_json's `Value` words,
    /// the same shape of message as every other malformed body.
    #[test]
    fn values_are_as_strict_as_serde_jsons_value() {
        let ctx = Context::test_secret();
        let first = |body: &[u8]| check_json(body, &ctx).unwrap_err().first().message.clone();
        // A lone surrogate in a value: refused (a `RawValue` let it through, read as "").
        let body = br#"{"card":{"name":"\ud800"}}"#;
        assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
        assert_eq!(
            first(body),
            "Invalid JSON body: unexpected end of hex escape at byte 23."
        );
        assert_eq!(
            first(br#"{"card":{"name":"\udc00"}}"#),
            "Invalid JSON body: lone leading surrogate in hex escape at byte 22."
        );
        // A number cut short by the end of the body ("invalid number" from a `RawValue`).
        assert_eq!(
            first(br#"{"card":{"exp_month":1."#),
            "Invalid JSON body: EOF while parsing a value at byte 22."
        );
    }

    #[test]
    fn raw_values_read_as_the_validators_read_them() {
        assert_eq!(raw_scalar(r#""plain""#).unwrap().as_deref(), Some("plain"));
        assert_eq!(
            raw_scalar(r#""J\u0052osen\n""#).unwrap().as_deref(),
            Some("JRosen\n")
        );
        assert_eq!(raw_scalar("1.10").unwrap().as_deref(), Some("1.10"));
        assert_eq!(raw_scalar("true").unwrap().as_deref(), Some("true"));
        assert_eq!(raw_scalar("null").unwrap(), None);
        assert!(raw_scalar("{}").is_err() && raw_scalar("[1]").is_err());
        // A lone surrogate (RawValue lets it through): the empty string, as before.
        assert_eq!(raw_scalar(r#""\ud800""#).unwrap().as_deref(), Some(""));
    }
}
