//! Rust names for the spec's parameters: type, field, enum and state names.

use proc_macro2::{Ident, Span};
use quote::format_ident;
use token_spec::{NodeId, Spec};

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

pub(super) fn camel(s: &str) -> String {
    s.split(['_', '[', ']', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The Rust type name of a node: `person[dob]` → `PersonDob`.
pub fn type_name(path: &str) -> Ident {
    format_ident!("{}", camel(path))
}

pub fn field_ident(name: &str) -> Ident {
    if RUST_KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub fn item_enum_name(path: &str) -> Ident {
    format_ident!("{}Item", camel(path))
}

pub fn or_id_name(path: &str) -> Ident {
    format_ident!("{}OrId", camel(path))
}

/// The name of a node's state type: `CardState`, `RequestState` for the body.
pub fn state_name(spec: &Spec, id: NodeId) -> proc_macro2::Ident {
    if id == NodeId::ROOT {
        format_ident!("RequestState")
    } else {
        format_ident!("{}State", type_name(&spec.node(id).path))
    }
}

/// How a rule judged at the end of its scope reads a node of that scope.
pub(super) fn field(spec: &Spec, id: NodeId) -> proc_macro2::Ident {
    field_ident(&spec.node(id).name)
}
