//! The paths and names the generated code refers to the runtime and the spec by.
//!
//! Positions in the spec files (a node's index, a rule's, a kind's, a version gate's) are
//! written once, as constants in the `node`, `rule`, `kind` and `gate` modules of the
//! generated `state` module ([`id_modules`]); every call site names the constant
//! (`node::CARD__EXP_MONTH`, `rule::CARD_EXP_MONTH`, `kind::CARD`), so a new Stripe
//! parameter adds its lines and renumbers no call site.

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use token_spec::{NodeId, Spec};

/// The runtime module the generated validators call (`__private_X_Y::v`).
pub(super) fn v() -> TokenStream {
    let rt = crate::runtime::private();
    quote!(#rt::v)
}

/// `node::CARD__EXP_MONTH`: the constant of a node.
pub(super) fn node_const(spec: &Spec, id: NodeId) -> TokenStream {
    let name = ident(&node_name(spec, id));
    quote!(node::#name)
}

/// `rule::CARD_EXP_MONTH`: the constant of a compiled rule (an index into `Spec::rules`).
pub(super) fn rule_const(spec: &Spec, index: usize) -> TokenStream {
    let name = ident(&rule_name(spec, index));
    quote!(rule::#name)
}

/// `kind::CARD`: the constant of a kind (an index into `Spec::kinds`).
pub(super) fn kind_const(spec: &Spec, index: usize) -> TokenStream {
    let name = ident(&kind_name(spec, index));
    quote!(kind::#name)
}

/// `gate::LEGAL_ENTITY_REPLACED`: the constant of a version gate (an index into
/// `Spec::gates`).
pub(super) fn gate_const(spec: &Spec, index: usize) -> TokenStream {
    let name = ident(&upper(&spec.gates[index].id));
    quote!(gate::#name)
}

/// An integer literal without a suffix.
pub(super) fn lit_usize(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// A node's constant: its path's segments upper-cased and joined by `__`
/// (`card[exp_month]` → `CARD__EXP_MONTH`); the body is `ROOT`.
pub(super) fn node_name(spec: &Spec, id: NodeId) -> String {
    let path = &spec.node(id).path;
    if path.is_empty() {
        return "ROOT".into();
    }
    match token_spec::split_path(path) {
        Some(segs) => segs.iter().map(|s| upper(s)).collect::<Vec<_>>().join("__"),
        None => upper(path),
    }
}

/// A rule's constant: its id upper-cased (`card_exp_month` → `CARD_EXP_MONTH`); a rule
/// compiled for several parameters (one id, several targets) adds its target's node name
/// (`EMAIL__PERSON__EMAIL`).
pub(super) fn rule_name(spec: &Spec, index: usize) -> String {
    let r = &spec.rules[index];
    let shared = spec.rules.iter().filter(|o| o.id == r.id).count() > 1;
    if shared {
        format!("{}__{}", upper(&r.id), node_name(spec, r.target))
    } else {
        upper(&r.id)
    }
}

/// A kind's constant: its name upper-cased (`bank_account` → `BANK_ACCOUNT`).
pub(super) fn kind_name(spec: &Spec, index: usize) -> String {
    upper(&spec.kinds[index].name)
}

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Whether `name` is a plain Rust identifier (ASCII letters, digits and `_`, not starting
/// with a digit) that the constant can be named by.
fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The constants' names of one module, checked: each a plain identifier, no two alike.
/// Every problem is one `compile_error!` naming what the names come from.
fn checked(module: &str, entries: &[(String, String)], errors: &mut Vec<TokenStream>) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (name, from) in entries {
        if !is_ident(name) {
            let msg = format!(
                "token-derive: `{from}` gives the constant `{module}::{name}`, which is not a Rust identifier; name it in generate/ids.rs"
            );
            errors.push(quote!(::core::compile_error!(#msg);));
        } else if let Some(other) = seen.insert(name, from) {
            let msg = format!(
                "token-derive: `{other}` and `{from}` both give the constant `{module}::{name}`; name them apart in generate/ids.rs"
            );
            errors.push(quote!(::core::compile_error!(#msg);));
        }
    }
}

/// The `node`, `rule`, `kind` and `gate` modules: one constant per node, compiled rule,
/// kind and version gate, with its value in the spec; each module's `ALL` lists them with
/// what they stand for (a node's path; a rule's id and target path; a kind's name; a gate's
/// id), for the runtime's test that they match the spec.
pub(super) fn id_modules(spec: &Spec) -> TokenStream {
    let v = v();
    let mut errors = Vec::new();

    let nodes: Vec<(String, String)> = (0..spec.nodes().len())
        .map(|i| {
            let id = NodeId(i as u32);
            (node_name(spec, id), spec.node(id).path.clone())
        })
        .collect();
    checked("node", &nodes, &mut errors);
    let rules: Vec<(String, String)> = (0..spec.rules.len())
        .map(|i| (rule_name(spec, i), spec.rules[i].id.clone()))
        .collect();
    checked("rule", &rules, &mut errors);
    let kinds: Vec<(String, String)> = (0..spec.kinds.len())
        .map(|i| (kind_name(spec, i), spec.kinds[i].name.clone()))
        .collect();
    checked("kind", &kinds, &mut errors);
    let gates: Vec<(String, String)> = spec
        .gates
        .iter()
        .map(|g| (upper(&g.id), g.id.clone()))
        .collect();
    checked("gate", &gates, &mut errors);
    if !errors.is_empty() {
        return quote!(#(#errors)*);
    }

    let node_consts = nodes.iter().enumerate().map(|(i, (name, path))| {
        let name = ident(name);
        let n = Literal::u32_unsuffixed(i as u32);
        let doc = if path.is_empty() {
            "The request body.".to_string()
        } else {
            format!("`{path}`")
        };
        quote! {
            #[doc = #doc]
            pub const #name: NodeId = NodeId(#n);
        }
    });
    let node_all = nodes.iter().map(|(name, path)| {
        let name = ident(name);
        quote!((#path, #name))
    });

    let rule_consts = rules.iter().enumerate().map(|(i, (name, id))| {
        let name = ident(name);
        let n = lit_usize(i);
        let target = &spec.node(spec.rules[i].target).path;
        let doc = if target.is_empty() {
            format!("`{id}` on the request body")
        } else {
            format!("`{id}` on `{target}`")
        };
        quote! {
            #[doc = #doc]
            pub const #name: usize = #n;
        }
    });
    let rule_all = rules.iter().enumerate().map(|(i, (name, id))| {
        let name = ident(name);
        let target = &spec.node(spec.rules[i].target).path;
        quote!((#id, #target, #name))
    });

    let kind_consts = kinds.iter().enumerate().map(|(i, (name, k))| {
        let name = ident(name);
        let n = lit_usize(i);
        let doc = format!("The `{k}` kind.");
        quote! {
            #[doc = #doc]
            pub const #name: usize = #n;
        }
    });
    let kind_all = kinds.iter().map(|(name, k)| {
        let name = ident(name);
        quote!((#k, #name))
    });

    let gate_consts = gates.iter().enumerate().map(|(i, (name, id))| {
        let name = ident(name);
        let n = lit_usize(i);
        let doc = format!("The version gate `{id}`.");
        quote! {
            #[doc = #doc]
            pub const #name: usize = #n;
        }
    });
    let gate_all = gates.iter().map(|(name, id)| {
        let name = ident(name);
        quote!((#id, #name))
    });

    quote! {
        /// The nodes of the spec, named for their paths.
        pub mod node {
            use #v::NodeId;
            #(#node_consts)*
            /// Every node's constant with its path.
            pub const ALL: &[(&str, NodeId)] = &[#(#node_all),*];
        }
        /// The compiled rules of the spec (indexes into `Spec::rules`), named for their ids.
        pub mod rule {
            #(#rule_consts)*
            /// Every rule's constant with its id and target path.
            pub const ALL: &[(&str, &str, usize)] = &[#(#rule_all),*];
        }
        /// The kinds of the spec (indexes into `Spec::kinds`).
        pub mod kind {
            #(#kind_consts)*
            /// Every kind's constant with its name.
            pub const ALL: &[(&str, usize)] = &[#(#kind_all),*];
        }
        /// The version gates of the spec (indexes into `Spec::gates`).
        pub mod gate {
            #(#gate_consts)*
            /// Every gate's constant with its id.
            pub const ALL: &[(&str, usize)] = &[#(#gate_all),*];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec() {
        let spec = token_spec::bundled();
        let exp = spec.lookup("card[exp_month]").unwrap();
        assert_eq!(node_name(spec, exp), "CARD__EXP_MONTH");
        assert_eq!(node_name(spec, NodeId::ROOT), "ROOT");
        let r = spec
            .rules
            .iter()
            .position(|r| r.id == "card_exp_month")
            .unwrap();
        assert_eq!(rule_name(spec, r), "CARD_EXP_MONTH");
        let bank = spec
            .kinds
            .iter()
            .position(|k| k.name == "bank_account")
            .unwrap();
        assert_eq!(kind_name(spec, bank), "BANK_ACCOUNT");
        // A rule with several targets names each.
        let emails: Vec<String> = (0..spec.rules.len())
            .filter(|&i| spec.rules[i].id == "email")
            .map(|i| rule_name(spec, i))
            .collect();
        assert!(
            emails.contains(&"EMAIL__PERSON__EMAIL".to_string()),
            "{emails:?}"
        );
    }

    #[test]
    fn the_bundled_spec_names_every_constant() {
        let out = id_modules(token_spec::bundled()).to_string();
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn bad_names_are_compile_errors() {
        let mut errors = Vec::new();
        let entries = [
            ("A".to_string(), "a".to_string()),
            ("A".to_string(), "b".to_string()),
            ("1X".to_string(), "1x".to_string()),
        ];
        checked("node", &entries, &mut errors);
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].contains("`a` and `b` both give"), "{}", text[0]);
        assert!(text[1].contains("not a Rust identifier"), "{}", text[1]);
    }
}
