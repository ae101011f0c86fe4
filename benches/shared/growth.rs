//! The pathological bodies of the growth benchmark (`benches/validate.rs`, group `growth`),
//! shared with `examples/profile.rs` so that callgrind counts the instructions of the very
//! same bodies (`scripts/growth-instructions.sh`).

#![allow(dead_code)]

use token_validate::{Limits, Options};

/// The patterns: name, whether JSON, and the sizes measured, in KiB.
pub const SHAPES: &[(&str, bool, &[usize])] = &[
    ("form_many_keys", false, SMALL),
    ("form_unknown_keys", false, SMALL),
    ("form_deep_brackets", false, SMALL),
    ("form_long_escapes", false, SMALL),
    ("json_many_keys", true, SMALL),
    ("json_unknown_keys", true, SMALL),
    ("json_long_escapes", true, SMALL),
    // Issue 18, finding 5: many keys holding `{}` under an unknown parameter (quadratic
    // before: the empty objects did not count and duplicate keys were looked up in a list).
    ("json_empty_objects", true, LARGE),
];

/// Up to the default body limit.
const SMALL: &[usize] = &[1, 8, 64];

/// Up to 2 MiB: what an operator who raises `--max-body` may meet.
pub const LARGE: &[usize] = &[1, 8, 64, 512, 2048];

/// Limits that let every value of every body through (up to 4 MiB), so the whole body is
/// read.
pub fn roomy() -> Options {
    Options::new().limits(
        Limits::default()
            .with_max_params(1 << 24)
            .with_max_array_len(1 << 20)
            .with_max_body_bytes(4 << 20),
    )
}

/// A body of about `size` bytes of the pattern `name`.
pub fn body(name: &str, size: usize) -> Vec<u8> {
    let mut out = String::new();
    let mut i = 0usize;
    let pair = |i: usize| -> String {
        match name {
            // Metadata entries: a map of thousands of distinct keys.
            "form_many_keys" => format!("person[metadata][k{i}]=v{i}"),
            // Parameters the spec does not have, each reported once.
            "form_unknown_keys" => format!("person[zz{i}]=v"),
            // Keys at the depth limit under unknown parameters.
            "form_deep_brackets" => format!("person[address][z{i}][a][b][c][d][e]=1"),
            _ => String::new(),
        }
    };
    let entries = |out: &mut String, open: &str, close: &str, entry: &dyn Fn(usize) -> String| {
        out.push_str(open);
        let mut i = 0;
        loop {
            let e = entry(i);
            if out.len() + e.len() + close.len() > size {
                break;
            }
            out.push_str(&e);
            i += 1;
        }
        out.pop();
        out.push_str(close);
    };
    match name {
        "form_long_escapes" => {
            out.push_str("person[first_name]=");
            while out.len() + 3 <= size {
                out.push_str("%41");
            }
        }
        "json_many_keys" => entries(&mut out, r#"{"person":{"metadata":{"#, "}}}", &|i| {
            format!(r#""k{i}":"v{i}","#)
        }),
        "json_unknown_keys" => entries(&mut out, r#"{"person":{"#, "}}", &|i| {
            format!(r#""k{i}":"v{i}","#)
        }),
        "json_empty_objects" => entries(&mut out, r#"{"person":{"zzz":{"#, "}}}", &|i| {
            format!(r#""k{i}":{{}},"#)
        }),
        "json_long_escapes" => {
            out.push_str(r#"{"person":{"first_name":""#);
            while out.len() + 6 + 3 <= size {
                out.push_str("\\u0041");
            }
            out.push_str(r#""}}"#);
        }
        _ => loop {
            let p = pair(i);
            if out.len() + p.len() + 1 > size {
                break;
            }
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(&p);
            i += 1;
        },
    }
    out.into_bytes()
}
