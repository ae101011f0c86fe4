use super::*;
use proptest::prelude::*;

fn form(s: &str) -> Object {
    parse_form(s.as_bytes(), &Limits::default()).expect("parses")
}

fn form_err(s: &[u8], limits: &Limits) -> ParseError {
    match parse_form(s, limits) {
        Ok(_) => panic!("expected an error for {:?}", String::from_utf8_lossy(s)),
        Err(e) => e,
    }
}

fn text<'a>(o: &'a Object, path: &[&str]) -> &'a str {
    let mut v = o.get(path[0]).expect("top key");
    for seg in &path[1..] {
        v = match v {
            Value::Object(o) => o.get(seg).expect("key"),
            Value::Array(a) => &a[seg.parse::<usize>().expect("index")],
            Value::Scalar(_) => panic!("scalar in the middle of a path"),
        };
    }
    v.as_str().expect("scalar")
}

fn s(t: &str) -> Value {
    Value::Scalar(Scalar::new(t))
}

fn obj(pairs: Vec<(&str, Value)>) -> Object {
    let mut o = Object::new();
    for (k, v) in pairs {
        o.insert(k.to_string(), v);
    }
    o
}

// ----- JSON -----

fn json(s: &str) -> Object {
    parse_json(s.as_bytes(), &Limits::default()).expect("parses")
}

fn json_err(s: &str) -> ParseError {
    match parse_json(s.as_bytes(), &Limits::default()) {
        Ok(_) => panic!("expected an error for {s:?}"),
        Err(e) => e,
    }
}

#[test]
fn parse_json_keeps_the_bodys_shape_and_text() {
    let o = json(
        r#"{"card": {"number": "4242", "exp_month": 12, "amount": 1.10, "big": 123456789012345678901234567890, "ok": true, "name": "J\u0052 \"x\"", "tags": ["a", 2, false]}, "b": {}, "a": []}"#,
    );
    // Keys in first-seen order, at every level.
    let top: Vec<&str> = o.iter().map(|(k, _)| k).collect();
    assert_eq!(top, ["card", "b", "a"]);
    let card = o.get("card").and_then(Value::as_object).unwrap();
    let keys: Vec<&str> = card.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        ["number", "exp_month", "amount", "big", "ok", "name", "tags"]
    );
    // Numbers keep the body's exact text; strings are decoded; booleans are their text.
    assert_eq!(text(&o, &["card", "amount"]), "1.10");
    assert_eq!(text(&o, &["card", "big"]), "123456789012345678901234567890");
    assert_eq!(text(&o, &["card", "exp_month"]), "12");
    assert_eq!(text(&o, &["card", "ok"]), "true");
    assert_eq!(text(&o, &["card", "name"]), "JR \"x\"");
    let origin = |path: &[&str]| {
        let mut v = o.get(path[0]).unwrap();
        for seg in &path[1..] {
            v = v.as_object().unwrap().get(seg).unwrap();
        }
        v.as_scalar().unwrap().origin
    };
    assert_eq!(origin(&["card", "number"]), Origin::JsonString);
    assert_eq!(origin(&["card", "amount"]), Origin::JsonNumber);
    // (Booleans were marked as form values before this test.)
    assert_eq!(origin(&["card", "ok"]), Origin::JsonBool);
    let tags = card.get("tags").and_then(Value::as_array).unwrap();
    let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
    assert_eq!(tags, ["a", "2", "false"]);
    // Empty containers stay what they are.
    assert_eq!(
        o.get("b").and_then(Value::as_object).map(Object::len),
        Some(0)
    );
    assert_eq!(
        o.get("a").and_then(Value::as_array).map(<[Value]>::len),
        Some(0)
    );
}

#[test]
fn parse_json_refuses_what_a_body_cannot_be() {
    assert_eq!(json_err("[1, 2]").kind, ParseErrorKind::JsonNotObject);
    assert_eq!(json_err("\"text\"").kind, ParseErrorKind::JsonNotObject);
    assert_eq!(json_err("null").kind, ParseErrorKind::JsonNull);
    // `null` anywhere, however deep, once the whole body is read.
    assert_eq!(
        json_err(r#"{"a": {"b": [1, null]}}"#).kind,
        ParseErrorKind::JsonNull
    );
    assert_eq!(
        json_err(r#"{"a": null, "b": 1}"#).kind,
        ParseErrorKind::JsonNull
    );
    // Not JSON: serde_json's reason, without its line and column.
    let e = json_err(r#"{"a": 1"#);
    match &e.kind {
        ParseErrorKind::Json(msg) => assert!(!msg.contains(" at line "), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert!(
        e.message().starts_with("Invalid JSON body: "),
        "{}",
        e.message()
    );
    // Over the body limit, refused unread (the offset is the limit).
    let small = Limits::default().with_max_body_bytes(4);
    let e = parse_json(br#"{"a": 1}"#, &small).unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (ParseErrorKind::BodyTooLarge { limit: 4 }, 4)
    );
    // A body over the hard ceiling, whatever the limit says.
    let roomy = Limits::default().with_max_body_bytes(usize::MAX);
    let huge = vec![b' '; crate::HARD_MAX_BODY_BYTES + 1];
    assert_eq!(
        parse_json(&huge, &roomy).unwrap_err().kind,
        ParseErrorKind::BodyTooLarge {
            limit: crate::HARD_MAX_BODY_BYTES
        }
    );
}

// ----- form syntax -----

#[test]
fn flat_pairs_and_spans() {
    let o = form("a=1&bb=hello");
    assert_eq!(o.len(), 2);
    assert_eq!(text(&o, &["a"]), "1");
    let b = o.get("bb").and_then(Value::as_scalar).unwrap();
    assert_eq!(b.text, "hello");
    assert_eq!(b.span, 7..12);
    assert_eq!(b.origin, Origin::Form);
    assert_eq!(o.key_span("bb"), Some(4..6));
    assert_eq!(o.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "bb"]);
}

#[test]
fn nested_objects() {
    let o = form("card[number]=4242424242424242&card[exp_month]=12&card[address][city]=Paris");
    assert_eq!(text(&o, &["card", "number"]), "4242424242424242");
    assert_eq!(text(&o, &["card", "exp_month"]), "12");
    assert_eq!(text(&o, &["card", "address", "city"]), "Paris");
    let card = o.get("card").and_then(Value::as_object).unwrap();
    assert_eq!(card.key_span("number"), Some(5..11));
    assert_eq!(
        card.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        ["number", "exp_month", "address"]
    );
}

#[test]
fn push_arrays() {
    let o = form("a[]=x&a[]=y&b[][k]=1&b[][k]=2");
    assert_eq!(
        o,
        obj(vec![
            ("a", Value::Array(vec![s("x"), s("y")])),
            (
                "b",
                Value::Array(vec![
                    Value::Object(obj(vec![("k", s("1"))])),
                    Value::Object(obj(vec![("k", s("2"))])),
                ])
            ),
        ])
    );
}

#[test]
fn indexed_arrays_any_order() {
    let o = form("a[2]=z&a[0]=x&a[1]=y");
    assert_eq!(
        o.get("a"),
        Some(&Value::Array(vec![s("x"), s("y"), s("z")]))
    );
    // a push after indexes goes after the largest index
    let o = form("a[1]=y&a[0]=x&a[]=z");
    assert_eq!(
        o.get("a"),
        Some(&Value::Array(vec![s("x"), s("y"), s("z")]))
    );
}

#[test]
fn arrays_of_objects_and_arrays() {
    let o = form("a[1][k]=3&a[0][k]=1&a[0][j]=2&m[0][0]=p");
    assert_eq!(text(&o, &["a", "0", "k"]), "1");
    assert_eq!(text(&o, &["a", "0", "j"]), "2");
    assert_eq!(text(&o, &["a", "1", "k"]), "3");
    assert_eq!(text(&o, &["m", "0", "0"]), "p");
}

#[test]
fn plus_and_percent_decoding() {
    let o = form("card%5Bnumber%5D=42+42%21&x+y=%E2%82%AC");
    assert_eq!(text(&o, &["card", "number"]), "42 42!");
    assert_eq!(text(&o, &["x y"]), "€");
    assert_eq!(text(&form("a=%2B1+2%20"), &["a"]), "+1 2 ");
    let card = o.get("card").and_then(Value::as_object).unwrap();
    assert_eq!(card.key_span("number"), Some(7..13));
}

#[test]
fn key_without_equals_and_empty_pairs() {
    let o = form("flag&a=1&&b=2&");
    assert_eq!(o.len(), 3);
    let f = o.get("flag").and_then(Value::as_scalar).unwrap();
    assert_eq!(f.text, "");
    assert_eq!(f.span, 4..4);
    assert_eq!(text(&o, &["b"]), "2");
    assert!(form("").is_empty());
    assert!(form("&&&").is_empty());
    assert_eq!(text(&form("a=b=c"), &["a"]), "b=c");
    assert_eq!(text(&form("a="), &["a"]), "");
}

#[test]
fn bracket_path_joins() {
    assert_eq!(bracket_path(&["card", "number"]), "card[number]");
    assert_eq!(bracket_path(&["a", "0", "k"]), "a[0][k]");
    assert_eq!(bracket_path(&["a"]), "a");
    assert_eq!(bracket_path(&[]), "");
    assert_eq!(bracket_path(&["a", ""]), "a[]");
}

#[test]
fn object_api() {
    let mut o = Object::new();
    assert!(o.is_empty());
    o.insert("a".into(), s("1"));
    o.insert("b".into(), s("2"));
    o.insert("a".into(), s("3"));
    assert_eq!(o.len(), 2);
    assert_eq!(o.get("a").and_then(Value::as_str), Some("3"));
    assert_eq!(o.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(o.get("zz"), None);
    assert_eq!(o.key_span("a"), Some(0..0));
    assert_eq!(o.key_span("zz"), None);
}

#[test]
fn debug_redacts_values() {
    let o = form("card[number]=4242424242424242");
    let dbg = format!("{o:?}");
    assert!(!dbg.contains("4242"), "{dbg}");
    assert!(dbg.contains("number"));
}

// ----- form errors -----

fn kind_at(body: &str, kind: ParseErrorKind, offset: usize, key: Option<&str>) {
    let e = form_err(body.as_bytes(), &Limits::default());
    assert_eq!(e.kind, kind, "{body}");
    assert_eq!(e.offset, offset, "{body}");
    assert_eq!(e.key.as_deref(), key, "{body}");
}

#[test]
fn body_too_large() {
    let limits = Limits {
        max_body_bytes: 4,
        ..Limits::default()
    };
    let e = form_err(b"a=12345", &limits);
    assert_eq!(e.kind, ParseErrorKind::BodyTooLarge { limit: 4 });
    assert_eq!(e.offset, 4);
    assert!(parse_form(b"a=12", &limits).is_ok());
}

#[test]
fn invalid_utf8() {
    use ParseErrorKind::InvalidUtf8;
    kind_at("a=%C3%28", InvalidUtf8, 2, Some("a"));
    kind_at("a=ok%E9", InvalidUtf8, 4, Some("a"));
    kind_at("x=1&%FF=1", InvalidUtf8, 4, None);
    kind_at("ab%C3=1", InvalidUtf8, 2, None);
    let e = form_err(b"ab=c\xff", &Limits::default());
    assert_eq!((e.kind, e.offset), (InvalidUtf8, 4));
}

#[test]
fn bad_percent_escape() {
    use ParseErrorKind::BadPercentEscape;
    kind_at("a=1&b=%2", BadPercentEscape, 6, Some("b"));
    kind_at("a=%zz", BadPercentEscape, 2, Some("a"));
    kind_at("a=%", BadPercentEscape, 2, Some("a"));
    kind_at("a=%%41", BadPercentEscape, 2, Some("a"));
    kind_at("a%=1", BadPercentEscape, 1, None);
    kind_at("a%4=1", BadPercentEscape, 1, None);
}

#[test]
fn unbalanced_bracket() {
    use ParseErrorKind::UnbalancedBracket;
    kind_at("a[b=1", UnbalancedBracket, 1, Some("a[b"));
    kind_at("a]=1", UnbalancedBracket, 1, Some("a]"));
    kind_at("a[b]c=1", UnbalancedBracket, 4, Some("a[b]c"));
    kind_at("a[b[c]]=1", UnbalancedBracket, 3, Some("a[b[c]]"));
    kind_at("x=1&a[b]]=1", UnbalancedBracket, 8, Some("a[b]]"));
    // encoded brackets count as brackets; the offset is the raw '%'
    kind_at("a%5Bb=1", UnbalancedBracket, 1, Some("a[b"));
    let e = form_err(b"x=1&card[number=4242", &Limits::default());
    assert_eq!(
        e.message(),
        "Invalid form body: unbalanced '[' or ']' in key 'card[number' at byte 8."
    );
}

#[test]
fn empty_key() {
    use ParseErrorKind::EmptyKey;
    kind_at("a=1&=2", EmptyKey, 4, None);
    kind_at("[a]=1", EmptyKey, 0, None);
    kind_at("a=1&=", EmptyKey, 4, None);
}

#[test]
fn too_deep() {
    // 8 levels are fine, the 9th is refused at its '['.
    let ok = "a[b][c][d][e][f][g][h]=1";
    assert_eq!(
        text(&form(ok), &["a", "b", "c", "d", "e", "f", "g", "h"]),
        "1"
    );
    kind_at(
        "a[b][c][d][e][f][g][h][i]=1",
        ParseErrorKind::TooDeep { limit: 8 },
        22,
        Some("a[b][c][d][e][f][g][h][i]"),
    );
}

#[test]
fn too_many_params() {
    let limits = Limits {
        max_params: 2,
        ..Limits::default()
    };
    let e = form_err(b"a=1&b=2&c=3", &limits);
    assert_eq!(e.kind, ParseErrorKind::TooManyParams { limit: 2 });
    assert_eq!(e.offset, 8);
    assert_eq!(e.key.as_deref(), Some("c"));
    assert!(parse_form(b"a=1&&b=2&", &limits).is_ok());
}

/// Under a map of the spec every segment is a key, as the validators read it; elsewhere
/// digits are an index.
#[test]
fn map_keys_of_the_spec_are_keys() {
    let o = form("person[metadata][4000056655665556]=a&person[metadata][0]=b&expand[0]=c");
    let meta = o
        .get("person")
        .and_then(Value::as_object)
        .and_then(|p| p.get("metadata"))
        .and_then(Value::as_object)
        .expect("metadata is an object");
    assert_eq!(
        meta.get("4000056655665556").and_then(Value::as_str),
        Some("a")
    );
    assert_eq!(meta.get("0").and_then(Value::as_str), Some("b"));
    assert!(o.get("expand").and_then(Value::as_array).is_some());
    // The same through the builder of `to_body`.
    let mut b = TreeBuilder::default();
    o.to_params(&mut b);
    assert_eq!(b.finish(), o);
}

#[test]
fn array_index_too_large() {
    let limit = ParseErrorKind::ArrayIndexTooLarge { limit: 256 };
    kind_at("x=1&a[256]=x", limit.clone(), 5, Some("a[(redacted)]"));
    kind_at(
        "a[99999999999999999999999]=x",
        limit.clone(),
        1,
        Some("a[(redacted)]"),
    );
    // a[255] alone is a valid index but leaves a gap
    kind_at(
        "a[255]=x",
        ParseErrorKind::ArrayIndexGap,
        1,
        Some("a[(redacted)]"),
    );
    let limits = Limits {
        max_array_len: 2,
        ..Limits::default()
    };
    let e = form_err(b"a[]=1&a[]=2&a[]=3", &limits);
    assert_eq!(e.kind, ParseErrorKind::ArrayIndexTooLarge { limit: 2 });
    assert_eq!(e.offset, 12);
    assert_eq!(e.key.as_deref(), Some("a[]"));
}

#[test]
fn array_index_gap() {
    use ParseErrorKind::ArrayIndexGap;
    kind_at("a[0]=x&a[2]=y", ArrayIndexGap, 8, Some("a[2]"));
    kind_at("a[5]=", ArrayIndexGap, 1, Some("a[5]"));
    kind_at("o[k][1][x]=1", ArrayIndexGap, 4, Some("o[k][1]"));
}

#[test]
fn value_and_object() {
    use ParseErrorKind::ValueAndObject;
    kind_at("a=1&a[b]=2", ValueAndObject, 4, Some("a"));
    kind_at("a[b]=2&a=1", ValueAndObject, 7, Some("a"));
    kind_at("a[0]=2&a=1", ValueAndObject, 7, Some("a"));
    kind_at("a[b]=1&a[b][c]=2", ValueAndObject, 7, Some("a[b]"));
    kind_at("a[0][k]=1&a[0]=2", ValueAndObject, 10, Some("a[0]"));
}

#[test]
fn duplicate_key() {
    use ParseErrorKind::DuplicateKey;
    kind_at("a=1&a=2", DuplicateKey, 4, Some("a"));
    kind_at(
        "card[cvc]=1&card[cvc]=2",
        DuplicateKey,
        12,
        Some("card[cvc]"),
    );
    kind_at("a[0]=1&a[0]=2", DuplicateKey, 7, Some("a[0]"));
    kind_at("a[]=1&a[0]=2", DuplicateKey, 6, Some("a[0]"));
}

#[test]
fn mixed_array_and_object() {
    use ParseErrorKind::MixedArrayAndObject;
    kind_at("a[0]=x&a[b]=y", MixedArrayAndObject, 7, Some("a"));
    kind_at("a[b]=y&a[]=x", MixedArrayAndObject, 7, Some("a"));
}

#[test]
fn messages_never_leak_values() {
    let secret = "4242424242424242";
    let bodies = [
        format!("card[number]={secret}&card[number]={secret}"),
        format!("card[number]={secret}%ZZ"),
        format!("card[number]={secret}%FF"),
        format!("card={secret}&card[number]={secret}"),
        format!("x={secret}&a[3]={secret}"),
        format!("x={secret}&a[b={secret}"),
    ];
    for b in &bodies {
        let e = form_err(b.as_bytes(), &Limits::default());
        let m = e.message();
        assert!(!m.contains(secret), "{m}");
        assert!(m.ends_with('.'), "{m}");
        assert_eq!(m, e.to_string());
    }
    // keys are quoted with every segment that is not a parameter name masked
    let e = form_err(b"a%0A[=1", &Limits::default());
    assert!(e.message().contains("'(redacted)['"), "{}", e.message());
}

// ----- JSON -----

// ----- encoding and round trips -----

#[test]
fn encode_basics() {
    let mut card = Object::new();
    card.insert("number".into(), s("4242 4242"));
    card.insert("name".into(), s("J&J=1 [x]"));
    let t = obj(vec![
        ("card", Value::Object(card)),
        ("empty", s("")),
        ("none", Value::Array(vec![])),
        (
            "list",
            Value::Array(vec![s("a"), Value::Object(obj(vec![("k", s("v"))]))]),
        ),
    ]);
    assert_eq!(
        encode_form(&t),
        "card[number]=4242+4242&card[name]=J%26J%3D1+%5Bx%5D&empty=&list[0]=a&list[1][k]=v"
    );
    assert_eq!(encode_form(&Object::new()), "");
}

#[test]
fn round_trips() {
    for body in [
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123",
        "a[0][k]=1&a[0][j]=2&a[1][k]=3",
        "name=Jane+Doe&email=j%40example.com&note=%E2%82%AC+%26+%3D",
        "m[0][0]=x&m[0][1]=y&m[1][0]=z",
        "flag=&x=1",
    ] {
        assert_eq!(encode_form(&form(body)), body);
    }
    // non-canonical inputs encode canonically and parse back to the same tree
    for (body, canon) in [
        ("a[1]=y&a[0]=x", "a[0]=x&a[1]=y"),
        ("a[]=x&a[]=y", "a[0]=x&a[1]=y"),
        ("card%5Bnumber%5D=4242&flag", "card[number]=4242&flag="),
        ("x=%7e&&", "x=%7E"),
    ] {
        let t = form(body);
        assert_eq!(encode_form(&t), canon);
        assert_eq!(form(canon), t);
    }
}

// ----- adversarial -----

#[test]
fn adversarial_deep_key() {
    let mut body = String::from("a");
    while body.len() < 64 * 1024 - 10 {
        body.push_str("[b]");
    }
    body.push_str("=1");
    let e = form_err(body.as_bytes(), &Limits::default());
    assert_eq!(e.kind, ParseErrorKind::TooDeep { limit: 8 });
    assert_eq!(e.offset, 22);
    // absurd caller limits are clamped, so recursion stays shallow
    let huge = Limits {
        max_depth: usize::MAX,
        max_params: usize::MAX,
        max_array_len: usize::MAX,
        max_body_bytes: usize::MAX,
    };
    let e = form_err(body.as_bytes(), &huge);
    assert_eq!(
        e.kind,
        ParseErrorKind::TooDeep {
            limit: HARD_MAX_DEPTH
        }
    );
}

#[test]
fn adversarial_many_keys() {
    let top: Vec<String> = (0..1000).map(|i| format!("key{i}=v{i}")).collect();
    let o = form(&top.join("&"));
    assert_eq!(o.len(), 1000);
    assert_eq!(text(&o, &["key999"]), "v999");
    let nested: Vec<String> = (0..1000).map(|i| format!("m[key{i}]=v")).collect();
    let body = nested.join("&");
    let o = form(&body);
    assert_eq!(
        o.get("m").and_then(Value::as_object).map(Object::len),
        Some(1000)
    );
    assert_eq!(encode_form(&o), body);
    // ~64 KiB of distinct keys hits the parameter limit
    let many: Vec<String> = (0..12000).map(|i| format!("k{i}=")).collect();
    let body = many.join("&");
    let body = &body[..body[..64 * 1024].rfind('&').unwrap_or(0)];
    let e = form_err(body.as_bytes(), &Limits::default());
    assert_eq!(e.kind, ParseErrorKind::TooManyParams { limit: 1024 });
    // the key is quoted as a parameter name: a three-digit run is masked
    assert_eq!(e.key.as_deref(), Some("(redacted)"));
    // the same body is fine when the limit allows it
    let roomy = Limits {
        max_params: 100_000,
        ..Limits::default()
    };
    assert!(parse_form(body.as_bytes(), &roomy).unwrap().len() > 5000);
}

// ----- property tests -----

fn leaf() -> impl Strategy<Value = Value> {
    any::<String>().prop_map(|t| Value::Scalar(Scalar::new(t)))
}

fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_ .&=%+é-]{0,6}"
}

fn node() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 1..4).prop_map(|kvs| {
                let mut o = Object::new();
                for (k, v) in kvs {
                    o.insert(k, v);
                }
                Value::Object(o)
            }),
        ]
    })
}

fn tree() -> impl Strategy<Value = Object> {
    prop::collection::vec((key(), node()), 0..5).prop_map(|kvs| {
        let mut o = Object::new();
        for (k, v) in kvs {
            o.insert(k, v);
        }
        o
    })
}

proptest! {
    #[test]
    fn parse_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_form(&body, &Limits::default());
    }

    #[test]
    fn parse_never_panics_on_formish(body in "[ab0-2\\[\\]=&%+5BDcfF]{0,60}") {
        let small = Limits { max_depth: 3, max_params: 5, max_array_len: 3, max_body_bytes: 50 };
        for limits in [Limits::default(), small] {
            if let Ok(t) = parse_form(body.as_bytes(), &limits) {
                // whatever parses re-encodes to an equal tree
                let again = parse_form(encode_form(&t).as_bytes(), &Limits::default());
                prop_assert_eq!(again.ok(), Some(t));
            } else if let Err(e) = parse_form(body.as_bytes(), &limits) {
                prop_assert!(e.offset <= body.len().max(limits.max_body_bytes));
                let _ = e.message();
            }
        }
    }

    #[test]
    fn encode_then_parse_round_trips(t in tree()) {
        let body = encode_form(&t);
        let back = parse_form(body.as_bytes(), &Limits::default());
        prop_assert_eq!(back.ok(), Some(t));
    }
}
