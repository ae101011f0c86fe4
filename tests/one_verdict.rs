//! Issue 16, item 6: one body, one verdict. The generated request types' serde
//! `Deserialize` accepts what `validate_json` accepts, for every parameter, with numbers and
//! booleans as JSON values or as strings, and builds the same typed request.
//!
//! The bodies: every valid example request (`examples/requests/valid`) and every accepted
//! body of the client corpus (`tests/data/client-bodies`), as JSON, with each value written
//! in another of the forms `validate_json` reads (a number as a JSON number or a string, a
//! boolean as a JSON boolean, `"true"` or `"True"`); and, for every single-value parameter of
//! the spec, a body that sets it in each form.

use proptest::prelude::*;
use serde_json::Value;
use token_validate::token_spec::{NodeId, Ty, bundled};
use token_validate::{
    AccountTokenRequest, BankAccountTokenRequest, CardTokenRequest, Context, CvcUpdateTokenRequest,
    Date, PersonTokenRequest, PiiTokenRequest, Request, check_form, check_json, validate_json,
};

fn ctx() -> Context {
    Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

/// Whether serde reads `body` into the same typed request `validate_json` built.
fn same_as_validators(body: &str, request: &Request) -> Result<(), String> {
    fn same<T>(body: &str, want: &T) -> Result<(), String>
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        match serde_json::from_str::<T>(body) {
            Ok(got) if got == *want => Ok(()),
            Ok(got) => Err(format!("serde built {got:?}\nvalidators built {want:?}")),
            Err(e) => Err(format!("serde refused it: {e}")),
        }
    }
    match request {
        Request::Card(r) => same::<CardTokenRequest>(body, r),
        Request::BankAccount(r) => same::<BankAccountTokenRequest>(body, r),
        Request::CvcUpdate(r) => same::<CvcUpdateTokenRequest>(body, r),
        Request::Pii(r) => same::<PiiTokenRequest>(body, r),
        Request::Person(r) => same::<PersonTokenRequest>(body, r),
        Request::Account(r) => same::<AccountTokenRequest>(body, r),
        other => Err(format!("a kind this test does not know: {other:?}")),
    }
}

/// A form body's parameters as a JSON object of strings.
fn form_as_json(form: &[u8]) -> Option<Value> {
    let tree = token_validate::tree::parse_form(form, &Default::default()).ok()?;
    fn val(v: &token_validate::tree::Value) -> Value {
        use token_validate::tree::Value as V;
        match v {
            V::Scalar(s) => Value::String(s.text.clone()),
            V::Array(a) => a.iter().map(val).collect(),
            V::Object(o) => o.iter().map(|(k, v)| (k.to_string(), val(v))).collect(),
        }
    }
    Some(Value::Object(
        tree.iter().map(|(k, v)| (k.to_string(), val(v))).collect(),
    ))
}

/// Valid bodies as JSON: the example requests and the client corpus's accepted bodies
/// (read once).
fn seeds() -> &'static [Value] {
    static SEEDS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<Value> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut add = |v: Value| {
        if validate_json(v.to_string().as_bytes(), &ctx()).is_ok() {
            out.push(v);
        }
    };
    let mut examples: Vec<_> = std::fs::read_dir(root.join("examples/requests/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    examples.sort();
    for p in examples {
        let bytes = std::fs::read(&p).unwrap();
        if p.extension().is_some_and(|e| e == "json") {
            add(serde_json::from_slice(&bytes).unwrap());
        } else if let Some(v) = form_as_json(&bytes) {
            add(v);
        }
    }
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/data/client-bodies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for b in file["bodies"].as_array().unwrap() {
            let form = format!(
                "{}&{}",
                b["body"].as_str().unwrap_or(""),
                b["query"].as_str().unwrap_or("")
            );
            if let Some(v) = form_as_json(form.as_bytes()) {
                add(v);
            }
        }
    }
    out
}

/// The forms `validate_json` reads a single value's text in.
fn forms_of(text: &str) -> Vec<Value> {
    let mut out = vec![Value::String(text.to_string())];
    // A JSON number, where the text is one (as written: `007` is not).
    if let Ok(n @ Value::Number(_)) = serde_json::from_str::<Value>(text)
        && serde_json::to_string(&n).is_ok_and(|written| written == text)
    {
        out.push(n);
    }
    match text {
        "true" => out.extend([Value::Bool(true), Value::String("True".into())]),
        "false" => out.extend([Value::Bool(false), Value::String("False".into())]),
        _ => {}
    }
    out
}

/// `v` with each single value written in the form `pick` chooses.
fn rewrite(v: &Value, pick: &mut impl FnMut(usize) -> usize) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), rewrite(x, pick)))
                .collect(),
        ),
        Value::Array(a) => a.iter().map(|x| rewrite(x, pick)).collect(),
        Value::String(s) => {
            let forms = forms_of(s);
            forms[pick(forms.len())].clone()
        }
        other => other.clone(),
    }
}

#[test]
fn there_are_seeds_of_every_kind() {
    let kinds: std::collections::BTreeSet<&str> = seeds()
        .iter()
        .map(|s| {
            validate_json(s.to_string().as_bytes(), &ctx())
                .unwrap()
                .kind()
        })
        .collect();
    assert_eq!(kinds.len(), token_validate::Kind::ALL.len(), "{kinds:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A valid body, its values rewritten in other forms: `validate_json` and serde agree.
    #[test]
    fn serde_reads_what_validate_json_reads(
        seed in any::<prop::sample::Index>(),
        choices in proptest::collection::vec(any::<prop::sample::Index>(), 64),
    ) {
        let seeds = seeds();
        let seed = &seeds[seed.index(seeds.len())];
        let mut i = 0;
        let body = rewrite(seed, &mut |n| {
            i += 1;
            choices[i % choices.len()].index(n)
        })
        .to_string();
        // The rewritten forms read as the same texts: still valid.
        let request = validate_json(body.as_bytes(), &ctx())
            .map_err(|e| TestCaseError::fail(format!("{body}: {e}")))?;
        prop_assert!(same_as_validators(&body, &request).is_ok(), "{}: {:?}", body, same_as_validators(&body, &request));
    }
}

/// A seed of the parameter's kind (a top-level parameter: the first seed) with the
/// parameter set to `value`, without the parameter's older or newer names (which serde reads
/// as the same field); `None` when no seed is of its kind.
fn with_param(seeds: &[Value], id: NodeId, value: Value) -> Option<Value> {
    let spec = bundled();
    let node = spec.node(id);
    let segs = token_validate::token_spec::split_path(&node.path).unwrap();
    let seed = seeds
        .iter()
        .find(|s| segs.len() == 1 || s.get(segs[0]).is_some_and(|k| k.is_object()))?;
    let mut body = seed.clone();
    let mut at = &mut body;
    for s in &segs[..segs.len() - 1] {
        if !at[*s].is_object() {
            at[*s] = Value::Object(Default::default());
        }
        at = &mut at[*s];
    }
    at[segs[segs.len() - 1]] = value;
    for name in spec
        .node(node.parent.unwrap())
        .children
        .iter()
        .filter(|&&c| spec.node(c).aliases.contains(&id) || node.aliases.contains(&c))
        .map(|&c| spec.node(c).name.clone())
    {
        if let Value::Object(o) = at {
            o.remove(&name);
        }
    }
    Some(body)
}

/// Issue 20: the JSON driver reads the usual member of a compact body (`"key":"text"`, no
/// escape) of a parameter with no rule of its own and judges it at once, and leaves every
/// other member to the general path. For every single-value parameter of the spec and texts
/// at the edges of that quick verdict (empty, blank, at and past the length limit in bytes
/// and in characters, an enum's value and not, numbers and booleans as strings, an escape),
/// the compact body and the same body written with a space after each `:` (which the quick
/// read leaves to the general path) get the same answer from `check_json`: the same kind, or
/// the same errors in the same order; the same typed request from `validate_json`; and the
/// same body as a form the same answer from `check_form`.
#[test]
fn compact_and_spaced_bodies_agree() {
    let spec = bundled();
    let seeds = seeds();
    let mut compared = 0;
    let mut failures = Vec::new();
    for (i, node) in spec.nodes().iter().enumerate() {
        let id = NodeId(i as u32);
        let mut texts: Vec<String> = ["", " ", "\t", " x", "x", "Jenny", "4242", "12", "true"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        texts.push("a\"b".to_string());
        let max = match &node.ty {
            Ty::String { max_length, .. } => *max_length,
            Ty::Enum {
                max_length, values, ..
            } => {
                texts.extend(values.iter().take(2).cloned());
                texts.push("not_one_of_them".to_string());
                *max_length
            }
            Ty::Integer { from_string, .. } => from_string.flatten(),
            Ty::Number | Ty::Boolean => None,
            _ => continue,
        };
        if let Some(max) = max.and_then(|m| usize::try_from(m).ok()) {
            texts.push("a".repeat(max));
            texts.push("a".repeat(max + 1));
            // More bytes than the limit, no more characters: only the general path counts
            // characters.
            texts.push("é".repeat(max));
            texts.push("é".repeat(max + 1));
        }
        for text in &texts {
            let Some(body) = with_param(seeds, id, Value::String(text.clone())) else {
                continue;
            };
            let compact = body.to_string();
            let spaced = serde_json::to_string_pretty(&body).unwrap();
            assert!(spaced.contains("\": "), "{spaced}");
            let (a, b) = (
                check_json(compact.as_bytes(), &ctx()),
                check_json(spaced.as_bytes(), &ctx()),
            );
            if a != b {
                failures.push(format!("{} = {text:?}: {a:?} against {b:?}", node.path));
            }
            let (a, b) = (
                validate_json(compact.as_bytes(), &ctx()),
                validate_json(spaced.as_bytes(), &ctx()),
            );
            if a != b {
                failures.push(format!(
                    "{} = {text:?} (typed): {a:?} against {b:?}",
                    node.path
                ));
            }
            // A form body's value takes the same quick verdict (after its decoding): the
            // form answers as the spaced JSON body.
            let form = form_of(&body);
            let (a, b) = (
                check_form(form.as_bytes(), &ctx()),
                check_json(spaced.as_bytes(), &ctx()),
            );
            if a != b {
                failures.push(format!(
                    "{} = {text:?} (form {form}): {a:?} against {b:?}",
                    node.path
                ));
            }
            compared += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{compared} bodies compared");
    assert!(compared > 2000, "{compared} bodies compared");
}

/// A JSON body of objects, lists and single values as a form body (Stripe's bracket
/// notation, values percent-encoded).
fn form_of(body: &Value) -> String {
    fn add(out: &mut Vec<String>, key: &str, v: &Value) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    add(out, &format!("{key}[{k}]"), x);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    add(out, &format!("{key}[{i}]"), x);
                }
            }
            Value::String(s) => out.push(format!(
                "{key}={}",
                form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
            )),
            Value::Null => {}
            other => out.push(format!("{key}={other}")),
        }
    }
    let mut out = Vec::new();
    if let Value::Object(o) = body {
        for (k, v) in o {
            add(&mut out, k, v);
        }
    }
    out.join("&")
}

/// Every single-value parameter of the spec, alone beside a valid body of its kind, in each
/// form of a value of its type: when `validate_json` accepts the body, serde reads it into
/// the same request.
#[test]
fn every_parameter_in_every_form() {
    let spec = bundled();
    let seeds = seeds();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (i, node) in spec.nodes().iter().enumerate() {
        let id = NodeId(i as u32);
        let texts: &[&str] = match &node.ty {
            Ty::Integer { .. } => &["12", "0012", "2034", "1"],
            Ty::Number => &["12.5", "12.50", "0", "100"],
            Ty::Boolean => &["true", "false"],
            Ty::String { .. } => &["4242", "1.10", "true", "Jenny"],
            _ => continue,
        };
        for text in texts {
            for form in forms_of(text) {
                let Some(body) = with_param(seeds, id, form) else {
                    continue;
                };
                let body = body.to_string();
                if let Ok(request) = validate_json(body.as_bytes(), &ctx()) {
                    checked += 1;
                    if let Err(e) = same_as_validators(&body, &request) {
                        failures.push(format!("{}: {body}\n{e}", node.path));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!("{checked} bodies checked");
    assert!(checked > 500, "{checked} bodies checked");
}
