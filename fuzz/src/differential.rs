//! The differential oracles of our own scanners (`token_validate::scan`), against the crates
//! a user would otherwise pick: serde_json for JSON, `form_urlencoded` for forms.
//!
//! Shared like `oracles.rs`: the fuzz targets `json_differential` and `form_differential`
//! call [`json`] and [`form`], and `tests/fuzz_corpus.rs` includes this file and replays the
//! committed corpora through them on stable.
//!
//! # JSON: what is compared, and why that comparison is exact
//!
//! serde_json has several strictness levels (`token_validate::scan::json`'s tests pin them):
//! `IgnoredAny` checks neither surrogates nor UTF-8 inside strings and has no nesting limit;
//! `RawValue` checks UTF-8 but not surrogates; `Value` checks both and has a nesting limit
//! of 127, but refuses numbers outside f64's range (`1e400`) and reads a number into an f64,
//! losing its text. Our scanner is meant to be `Value` without the number range, keeping
//! every number's text as `RawValue` does. So the reference is a tree built by serde_json
//! from `RawValue`s: each value is taken as a `RawValue` (its exact text), an object's keys
//! and a string's text are read as `String`s (serde_json's strict string path: surrogates,
//! escapes, UTF-8), and nesting deeper than `Value`'s limit is refused. Then, for every
//! input:
//!
//! 1. we accept exactly when the reference does, with the same tree: the same keys in the
//!    same order, the same decoded strings, the same number texts;
//! 2. where `Value` refuses with a syntax error other than a number out of range (and the
//!    body is UTF-8, which we check first), we refuse with its message at its position (as
//!    the driver turns it into a byte offset); where `Value` accepts, so do we; where we
//!    accept, so does `IgnoredAny`;
//! 3. the spans are the body's bytes, decoding into a buffer gives what decoding on the heap
//!    gives, and skipping the whole body ([`Scanner::skip`], [`Scanner::skip_with`]) gives
//!    the same verdict and error as reading it, and sees every value.
//!
//! # Forms
//!
//! Where our strict decoding accepts every pair of a body, the pairs are exactly those of
//! `form_urlencoded::parse`; where it refuses a key or value, the refusal is real: a `%`
//! without two hex digits at the offset given, or percent-decoded bytes (by the
//! `percent-encoding` crate) that are not UTF-8. (The equality with the form scanner it replaced,
//! error for error, is a property test inside `token-validate`.)

#![allow(dead_code)]

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use token_validate::scan::json::{self, ErrorCode, MAX_DEPTH, Scanner, Token, Walk};

/// A JSON value as both sides read it: numbers as their text, objects as their members in
/// order (duplicates kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// An object's members, in order.
    Object(Vec<(String, Tree)>),
    /// An array's items.
    Array(Vec<Tree>),
    /// A string, decoded.
    Str(String),
    /// A number's text.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

// ---- ours ----------------------------------------------------------------------------------

/// The body read with our scanner.
pub fn ours(data: &[u8]) -> Result<Tree, json::Error> {
    let mut sc = Scanner::new(data)?;
    let tree = read(&mut sc, data)?;
    sc.end()?;
    Ok(tree)
}

fn read(sc: &mut Scanner<'_>, data: &[u8]) -> Result<Tree, json::Error> {
    Ok(match sc.value()? {
        Token::Object => {
            let mut members = Vec::new();
            while let Some(key) = sc.next_key()? {
                let key = text(key, data);
                members.push((key, read(sc, data)?));
            }
            Tree::Object(members)
        }
        Token::Array => {
            let mut items = Vec::new();
            while sc.next_item()? {
                items.push(read(sc, data)?);
            }
            Tree::Array(items)
        }
        Token::Str(s) => Tree::Str(text(s, data)),
        Token::Number(n) => {
            assert_eq!(
                n.text().as_bytes(),
                &data[n.start()..n.end()],
                "a number's span"
            );
            Tree::Number(n.text().to_string())
        }
        Token::Bool(b) => Tree::Bool(b),
        Token::Null => Tree::Null,
    })
}

/// A string's text, decoded three ways that must agree; its span checked.
fn text(s: json::Str<'_>, data: &[u8]) -> String {
    assert_eq!(data[s.start()], b'"', "a string's span");
    assert_eq!(data[s.end() - 1], b'"', "a string's span");
    assert_eq!(
        s.as_bytes(),
        &data[s.start() + 1..s.end() - 1],
        "a string's span"
    );
    assert_eq!(s.has_escape(), s.as_bytes().contains(&b'\\'));
    let heap = s.to_cow().into_owned();
    let mut small = [0u8; 16];
    assert_eq!(&*s.decode(&mut small), heap, "decoding into a buffer");
    let mut big = vec![0u8; s.as_bytes().len()];
    let decoded = s.decode(&mut big);
    assert_eq!(&*decoded, heap, "decoding into a buffer");
    assert!(
        !matches!(decoded, token_validate::scan::Decoded::Heap(_)),
        "a buffer that fits"
    );
    heap
}

/// Counts what a walk sees.
#[derive(Default)]
struct Count {
    scalars: usize,
    keys: usize,
    containers: usize,
}

impl<'de> Walk<'de> for Count {
    type Stop = ();
    fn scalar(&mut self, _: &Scanner<'de>, _: usize, _: &Token<'de>) -> Result<(), ()> {
        self.scalars += 1;
        Ok(())
    }
    fn key(&mut self, _: &Scanner<'de>, _: usize, _: &json::Str<'de>) -> Result<(), ()> {
        self.keys += 1;
        Ok(())
    }
    fn open(&mut self, _: &Scanner<'de>, _: usize, _: bool) -> Result<(), ()> {
        self.containers += 1;
        Ok(())
    }
}

impl Tree {
    fn count(&self, c: &mut Count) {
        match self {
            Tree::Object(m) => {
                c.containers += 1;
                for (_, v) in m {
                    c.keys += 1;
                    v.count(c);
                }
            }
            Tree::Array(items) => {
                c.containers += 1;
                items.iter().for_each(|v| v.count(c));
            }
            _ => c.scalars += 1,
        }
    }
}

// ---- serde_json ----------------------------------------------------------------------------

/// The reference: serde_json's reading, numbers as `RawValue` text, nesting limited as
/// `Value`'s is.
pub fn reference(data: &[u8]) -> Result<Tree, String> {
    let raw: &RawValue = serde_json::from_slice(data).map_err(|e| e.to_string())?;
    from_raw(raw, 0)
}

fn from_raw(raw: &RawValue, depth: usize) -> Result<Tree, String> {
    let text = raw.get();
    let e = |e: serde_json::Error| e.to_string();
    Ok(match text.as_bytes().first() {
        Some(b'{' | b'[') if depth >= MAX_DEPTH => return Err("recursion limit".into()),
        Some(b'{') => {
            let Members(members) = serde_json::from_str(text).map_err(e)?;
            let mut out = Vec::with_capacity(members.len());
            for (k, v) in members {
                out.push((k, from_raw(v, depth + 1)?));
            }
            Tree::Object(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(e)?;
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push(from_raw(v, depth + 1)?);
            }
            Tree::Array(out)
        }
        Some(b'"') => Tree::Str(serde_json::from_str(text).map_err(e)?),
        Some(b't') => Tree::Bool(true),
        Some(b'f') => Tree::Bool(false),
        Some(b'n') => Tree::Null,
        _ => Tree::Number(text.to_string()),
    })
}

/// An object's members in order, keys read as `String`s (serde_json's strict path), values
/// as `RawValue`s.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn show(data: &[u8]) -> String {
    String::from_utf8_lossy(data).chars().take(300).collect()
}

// ---- the oracles ---------------------------------------------------------------------------

/// The `json_differential` oracle (see the module docs).
pub fn json(data: &[u8]) {
    let ours = ours(data);
    let reference = reference(data);
    match (&ours, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "a different reading of {:?}", show(data)),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "we say {ours:?}, serde_json says {reference:?}, on {:?}",
            show(data)
        ),
    }
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(_) => assert!(ours.is_ok(), "serde_json's Value accepts {:?}", show(data)),
        Err(e)
            if e.classify() != serde_json::error::Category::Data
                && !e.to_string().starts_with("number out of range")
                && std::str::from_utf8(data).is_ok() =>
        {
            let (message, offset) = token_validate::json::serde_error_at(data, &e);
            match &ours {
                Err(o) => assert_eq!(
                    (o.code.to_string(), o.offset),
                    (message, offset),
                    "not serde_json's error on {:?}",
                    show(data)
                ),
                Ok(_) => panic!("serde_json's Value refuses {:?}: {e}", show(data)),
            }
        }
        Err(_) => {}
    }
    if ours.is_ok() {
        assert!(serde_json::from_slice::<IgnoredAny>(data).is_ok());
    }
    if let Err(e) = &ours
        && e.code == ErrorCode::InvalidUtf8
    {
        assert_eq!(
            e.offset,
            std::str::from_utf8(data).unwrap_err().valid_up_to()
        );
    }
    // Skipping the body: the same verdict, the same error, every value seen.
    if let Ok(mut sc) = Scanner::new(data) {
        let skipped = sc.skip().and_then(|()| sc.end());
        assert_eq!(
            skipped.err(),
            ours.as_ref().err().copied(),
            "skip on {:?}",
            show(data)
        );
        let mut sc = Scanner::new(data).expect("UTF-8");
        let mut seen = Count::default();
        let walked = sc.skip_with(&mut seen, 0);
        if let Ok(tree) = &ours {
            assert!(walked.is_ok());
            let mut want = Count::default();
            tree.count(&mut want);
            assert_eq!(
                (seen.scalars, seen.keys, seen.containers),
                (want.scalars, want.keys, want.containers)
            );
        }
    }
}

/// The `form_differential` oracle (see the module docs).
pub fn form(data: &[u8]) {
    use token_validate::scan::form::Scanner;
    use token_validate::{ParseError, ParseErrorKind};

    let mut sc = Scanner::new(data);
    let (mut kb, mut vb) = ([0u8; 16], [0u8; 16]);
    let mut pairs = Vec::new();
    let mut all_ok = true;
    while let Some(pair) = sc.next_pair() {
        let key = pair.key(&mut kb);
        let value = key
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|k| pair.value(k, &mut vb).map(|v| v.to_string()));
        // Each refusal is real.
        let check = |raw: &[u8], base: usize, result: Result<String, ParseError>| {
            let bad_escape = (0..raw.len()).find(|&i| {
                raw[i] == b'%'
                    && !(raw.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && raw.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            });
            let plus: Vec<u8> = raw
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect();
            let decoded: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
            match (result, bad_escape) {
                (Err(e), Some(i)) => {
                    assert_eq!(e.kind, ParseErrorKind::BadPercentEscape);
                    assert_eq!(e.offset, base + i, "the first bad escape");
                }
                (Err(e), None) => {
                    assert_eq!(e.kind, ParseErrorKind::InvalidUtf8);
                    assert!(std::str::from_utf8(&decoded).is_err());
                }
                (Ok(s), None) => assert_eq!(s.as_bytes(), &decoded[..]),
                (Ok(_), Some(i)) => panic!("a bad escape at {i} accepted in {:?}", show(data)),
            }
        };
        let key_text = key
            .as_ref()
            .map(|k| k.as_str().to_string())
            .map_err(Clone::clone);
        check(pair.key, pair.start, key_text.clone());
        if let Ok(k) = &key_text {
            check(pair.value, pair.value_at, value.clone());
            if let Ok(v) = value {
                pairs.push((k.clone(), v));
                continue;
            }
        }
        all_ok = false;
    }
    if all_ok {
        let theirs: Vec<(String, String)> = form_urlencoded::parse(data)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            theirs,
            "not form_urlencoded's pairs for {:?}",
            show(data)
        );
    }
}
