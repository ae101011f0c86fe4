//! Tests of the form scanner: the same pairs, segments, values and errors as the scanner it
//! replaced (`reference.rs`, `crate::engine::form` before issue 20), on chosen bodies and on generated ones, and the same decoded
//! pairs as `form_urlencoded::parse` (the WHATWG URL Standard's
//! `application/x-www-form-urlencoded` parser) wherever our strict decoding accepts a body.

use proptest::prelude::*;

use super::*;
use crate::Limits;

#[path = "reference.rs"]
mod reference;

/// What a reading of one pair gives: its start, decoded key, segments (text, borrowed or
/// not, `[` offset, raw range) and decoded value, or the first error.
type Read = Result<(usize, String, Vec<(String, bool, u32, (u32, u32))>, String), ParseError>;

fn segs_of(segs: &[Seg<'_, '_>]) -> Vec<(String, bool, u32, (u32, u32))> {
    segs.iter()
        .map(|s| (s.text.to_string(), s.body.is_some(), s.at, s.raw))
        .collect()
}

/// The replaced scanner's reading, pair by pair.
fn old(body: &[u8], depth: usize) -> Vec<Read> {
    let limits = Limits::default().with_max_depth(depth);
    reference::pairs(body)
        .map(|pair| {
            let (key, pos) = reference::decode_key(pair.key, pair.start, None)?;
            let body_key = match &key {
                std::borrow::Cow::Borrowed(k) => Some(*k),
                std::borrow::Cow::Owned(_) => None,
            };
            let segs = reference::parse_key(&key, body_key, &pos, pair.start, &limits)?;
            let value = reference::decode_value(pair.value, pair.value_at, &key, None)?;
            Ok((
                pair.start,
                key.to_string(),
                segs_of(&segs),
                value.to_string(),
            ))
        })
        .collect()
}

/// Ours, with buffers of `buf` bytes.
fn new(body: &[u8], depth: usize, buf: usize) -> Vec<Read> {
    let mut sc = Scanner::new(body);
    let (mut kb, mut vb) = (vec![0u8; buf], vec![0u8; buf]);
    let mut out = Vec::new();
    while let Some(pair) = sc.next_pair() {
        let read = (|| {
            let key = pair.key(&mut kb)?;
            let mut segs = Segs::new();
            key.segments(depth, &mut segs)?;
            let value = pair.value(&key, &mut vb)?;
            Ok((
                pair.start,
                key.as_str().to_string(),
                segs_of(&segs),
                value.to_string(),
            ))
        })();
        out.push(read);
    }
    out
}

/// Bodies chosen for each rule of `crate::engine::form`'s syntax and errors.
const BODIES: &[&[u8]] = &[
    b"",
    b"&",
    b"&&a=1&&",
    b"a",
    b"a=",
    b"=v",
    b"a=1&b=2",
    b"a=1=2",
    b"card[number]=4242&card[exp_month]=12",
    b"card%5Bnumber%5D=4242",
    b"card[name]=Jenny+Rosen",
    b"a+b[c+d]=e+f",
    b"a[]=1&a[]=2",
    b"a[b][c][d][e][f][g][h]=1",
    b"a[b][c][d][e][f][g][h][i]=1",
    b"a[b",
    b"a]b=1",
    b"a[b]c=1",
    b"a[b[c]]=1",
    b"[a]=1",
    b"]=1",
    b"a[b]]=1",
    b"%=1",
    b"a=%",
    b"a=%4",
    b"a=%4g",
    b"a=%41%42",
    b"a=1%",
    b"%zz[x]=1",
    b"a=%C3%A9",
    b"a=%C3",
    b"a=x%FFy",
    b"%FF=1",
    b"a%C3=1",
    b"a=\xff",
    b"\xff=1",
    b"a[\xc3\xa9]=\xc3\xa9",
    b"a=\xc3",
    b"a[%5D=1",
    b"a%5B%5D=1",
    b"a[b%5D=1",
    b"x=1&a=%ZZ&b=\xff",
];

#[test]
fn the_same_as_the_current_scanner_on_chosen_bodies() {
    for body in BODIES {
        for depth in [1, 2, 8] {
            for buf in [0, 3, 64] {
                assert_eq!(
                    new(body, depth, buf),
                    old(body, depth),
                    "{:?} depth {depth} buffer {buf}",
                    String::from_utf8_lossy(body)
                );
            }
        }
    }
}

#[test]
fn decoding_uses_the_buffer_when_it_fits() {
    let body = b"card[name]=Jenny+Rosen&k%5Bx%5D=%C3%A9t%C3%A9";
    let mut sc = Scanner::new(body);
    let mut kb = [0u8; 32];
    let mut vb = [0u8; 32];
    let pair = sc.next_pair().unwrap();
    assert!(!pair.key_has_escape() && pair.value_has_escape());
    let key = pair.key(&mut kb).unwrap();
    assert!(key.decoded().is_borrowed());
    assert_eq!(
        pair.value(&key, &mut vb).unwrap(),
        Decoded::Buf("Jenny Rosen")
    );
    assert_eq!(
        pair.value(&key, &mut [0u8; 4]).unwrap(),
        Decoded::Heap("Jenny Rosen".into())
    );
    let pair = sc.next_pair().unwrap();
    let key = pair.key(&mut kb).unwrap();
    assert_eq!(key.decoded(), &Decoded::Buf("k[x]"));
    let mut segs = Segs::new();
    key.segments(8, &mut segs).unwrap();
    // The segment's `[` was `%5B` at body offset 24.
    assert_eq!((segs[1].text, segs[1].body, segs[1].at), ("x", None, 24));
    assert_eq!(key.offset_of(4), body.len() - "=%C3%A9t%C3%A9".len());
    assert_eq!(&*pair.value(&key, &mut vb).unwrap(), "été");
}

#[test]
fn nothing_secret_in_debug() {
    let body = b"card[number]=4242424242424242";
    let mut sc = Scanner::new(body);
    let pair = sc.next_pair().unwrap();
    let (mut kb, mut vb) = ([0u8; 32], [0u8; 32]);
    let key = pair.key(&mut kb).unwrap();
    let shown = format!("{sc:?}{pair:?}{:?}", pair.value(&key, &mut vb).unwrap());
    assert!(!shown.contains("4242"), "{shown}");
}

/// The pieces generated bodies are made of: every character the syntax gives a meaning to,
/// escapes good and bad, UTF-8 good and bad.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(vec![
            &b"a"[..], b"b", b"card", b"0", b"7", b"&", b"=", b"[", b"]", b"+", b"%", b" ",
        ]),
        2 => prop::sample::select(vec![
            &b"%41"[..], b"%5B", b"%5D", b"%26", b"%3D", b"%2B", b"%20", b"%C3%A9", b"%C3",
            b"%A9", b"%FF", b"%4", b"%G1", b"%%", b"\xc3\xa9", b"\xff", b"\xe2\x82", b"\x00",
        ]),
    ]
    .prop_map(<[u8]>::to_vec)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The same readings as the replaced scanner, whatever the buffers' sizes.
    #[test]
    fn the_same_as_the_current_scanner(body in body(), depth in 1usize..5, buf in 0usize..24) {
        prop_assert_eq!(new(&body, depth, buf), old(&body, depth));
    }

    /// Where our strict decoding accepts every pair, the pairs are `form_urlencoded`'s; where
    /// it refuses one, the refusal is real: a `%` without two hex digits at the offset given,
    /// or decoded bytes (by the `percent-encoding` crate) that are not UTF-8.
    #[test]
    fn the_same_pairs_as_form_urlencoded(body in body()) {
        let ours = new(&body, 64, 64);
        if ours.iter().all(Result::is_ok) {
            let theirs: Vec<(String, String)> = form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let ours: Vec<(String, String)> = ours
                .into_iter()
                .filter_map(Result::ok)
                .map(|(_, k, _, v)| (k, v))
                .collect();
            prop_assert_eq!(ours, theirs);
        }
        let mut sc = Scanner::new(&body);
        while let Some(pair) = sc.next_pair() {
            for (raw, base) in [(pair.key, pair.start), (pair.value, pair.value_at)] {
                let strict = decode(raw, std::str::from_utf8(raw).ok(), base, &mut [], None);
                let bad_escape = (0..raw.len()).find(|&i| {
                    raw[i] == b'%'
                        && !(raw.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                            && raw.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
                });
                let plus: Vec<u8> = raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
                let decoded: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
                match (&strict, bad_escape) {
                    (Err(e), Some(_)) => {
                        prop_assert_eq!(&e.kind, &ParseErrorKind::BadPercentEscape);
                        prop_assert_eq!(raw[e.offset - base], b'%');
                    }
                    (Err(e), None) => {
                        prop_assert_eq!(&e.kind, &ParseErrorKind::InvalidUtf8);
                        prop_assert!(std::str::from_utf8(&decoded).is_err());
                    }
                    (Ok(s), None) => prop_assert_eq!(s.as_bytes(), &decoded[..]),
                    (Ok(_), Some(i)) => prop_assert!(false, "bad escape at {} accepted", i),
                }
            }
        }
    }
}
