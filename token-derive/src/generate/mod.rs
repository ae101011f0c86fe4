//! The request types of all six token kinds and their validators, generated from the spec
//! (`token_derive::generate_requests!()`, expanded once inside `token_validate`).
//!
//! - [`types`]: one struct per object, enums, `…OrId`s, the body struct per kind. Each struct
//!   derives `TokenRequest` itself, so built-in and user types share one code path.
//! - [`validators`]: one state type per object of the spec (the request body, `card`,
//!   `person[dob]`, …) whose code matches the object's keys with a `match`, checks each
//!   parameter's type, limit and enum inline, and calls the one implementation of each of its
//!   rules in `token_validate::rules` ([`rule_calls`]) with the rule's arguments written in as
//!   constants; the rules that read several parameters are judged at the object's end. The
//!   same state reads form pairs, JSON members and the pairs a typed value writes, and
//!   builds the typed request once the body is valid ([`typed`]).
//! - [`names`] and [`ids`]: the Rust names of parameters, the runtime's path and the spec's
//!   positions as the generated code spells them.

mod ids;
mod names;
mod rule_calls;
mod typed;
mod types;
mod validators;
use names::camel;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use token_spec::{NodeId, Spec, Ty};
use typed::{build_impl, request_build};
use types::{body_struct, doc_text, object_struct, or_id_enum};
use validators::{kind_methods, state};
/// Every generated item, and the `Request` enum over the six kinds.
pub fn generate(spec: &Spec) -> TokenStream {
    let rt = crate::runtime::private();
    let mut out = Vec::new();
    let mut variants = Vec::new();
    for kind in &spec.kinds {
        object_struct(spec, kind.node, &kind.name, &mut out);
        if matches!(spec.node(kind.node).ty, Ty::Object { or_id: Some(_), .. }) {
            out.push(or_id_enum(spec, kind.node));
        }
        let (name, body) = body_struct(spec, kind);
        out.push(body);
        variants.push((
            format_ident!("{}", camel(&kind.name)),
            name,
            kind.name.clone(),
        ));
    }
    let vnames: Vec<&Ident> = variants.iter().map(|v| &v.0).collect();
    let tnames: Vec<&Ident> = variants.iter().map(|v| &v.1).collect();
    let knames: Vec<&String> = variants.iter().map(|v| &v.2).collect();
    let vdocs: Vec<String> = knames
        .iter()
        .map(|k| doc_text(&format!("A {k} token request.")))
        .collect();
    let kdocs: Vec<String> = knames
        .iter()
        .map(|k| doc_text(&format!("`{k}`.")))
        .collect();
    let kinds: Vec<(Ident, Ident, NodeId)> = variants
        .iter()
        .zip(&spec.kinds)
        .map(|(v, k)| (v.0.clone(), v.1.clone(), k.node))
        .collect();
    let validators = validators(spec, &kinds);
    // The HTTP layer's messages (`rules.json` `http`), as constants: read from the spec
    // once, when this crate is built.
    let http: Vec<TokenStream> = spec
        .http
        .iter()
        .map(|(name, def)| {
            let id = format_ident!("{}", name.to_ascii_uppercase());
            let message = &def.message;
            let doc = doc_text(&format!(
                "`{name}`: the message of the HTTP {} answer ({}; confidence {:?}: {}).",
                def.status, def.ty, def.confidence, def.source
            ));
            quote! { #[doc = #doc] pub const #id: &str = #message; }
        })
        .collect();
    // Beside each message, the whole answer as typed values (status, type, confidence,
    // limit): what the HTTP layer answers with, so no status or type is written in code.
    let answers: Vec<TokenStream> = spec
        .http
        .iter()
        .map(|(name, def)| {
            let id = format_ident!("{}", name.to_ascii_uppercase());
            let (status, ty) = (def.status, &def.ty);
            let confidence = format_ident!("{}", format!("{:?}", def.confidence));
            let limit = match def.limit {
                Some(l) => quote! { ::core::option::Option::Some(#l) },
                None => quote! { ::core::option::Option::None },
            };
            let key_param = match &def.key_param {
                Some(k) => quote! { ::core::option::Option::Some(#k) },
                None => quote! { ::core::option::Option::None },
            };
            let doc = doc_text(&format!("`{name}`: the HTTP {status} answer."));
            quote! {
                #[doc = #doc]
                pub const #id: crate::http_answer::HttpAnswer = crate::http_answer::HttpAnswer {
                    name: #name,
                    status: #status,
                    error_type: #ty,
                    message: super::http_messages::#id,
                    confidence: crate::token_spec::model::HttpConfidence::#confidence,
                    limit: #limit,
                    key_param: #key_param,
                };
            }
        })
        .collect();
    quote! {
        #(#out)*

        /// The messages of the HTTP layer's own answers, from the spec's `rules.json`
        /// `http` (the tower layer and `serve` answer with them; their public names are the
        /// constants of `tower` and `serve`).
        #[doc(hidden)]
        pub mod http_messages {
            #(#http)*
        }

        /// The HTTP layer's own answers, from the spec's `rules.json` `http`, as typed
        /// values beside their messages.
        #[doc(hidden)]
        pub mod http_answers {
            #(#answers)*
        }

        /// A token kind: which of Stripe's token types a request creates.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Kind {
            #( #[doc = #kdocs] #vnames, )*
        }

        impl Kind {
            /// Every kind, in spec order.
            pub const ALL: &'static [Kind] = &[#( Kind::#vnames ),*];
            /// The kind's name, as Stripe spells it (`card`, `bank_account`, …).
            pub fn as_str(self) -> &'static str {
                match self {
                    #( Kind::#vnames => #knames, )*
                }
            }
        }

        impl ::core::fmt::Display for Kind {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for Kind {
            type Err = ::token_validate::UnknownKind;
            fn from_str(s: &str) -> ::core::result::Result<Kind, ::token_validate::UnknownKind> {
                match s {
                    #( #knames => ::core::result::Result::Ok(Kind::#vnames), )*
                    _ => ::core::result::Result::Err(::token_validate::UnknownKind),
                }
            }
        }

        /// A validated request, by token kind: what [`validate_form`](crate::validate_form) and
        /// [`validate_json`](crate::validate_json) return.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Request {
            #( #[doc = #vdocs] #vnames(#tnames), )*
        }

        impl ::token_validate::FromParams for Request {
            fn from_params(
                body: &#rt::Object,
                kind: Kind,
            ) -> ::core::result::Result<Self, ::token_validate::Errors> {
                match kind {
                    #( Kind::#vnames => <#tnames as ::token_validate::FromParams>::from_params(body, kind).map(Request::#vnames), )*
                }
            }
        }

        impl Request {
            /// The token kind's name (`card`, …).
            pub fn kind(&self) -> &'static str {
                self.token_kind().as_str()
            }
            /// The token kind.
            pub fn token_kind(&self) -> Kind {
                match self {
                    #( Request::#vnames(_) => Kind::#vnames, )*
                }
            }
            /// The request body as a parameter tree.
            pub fn to_body(&self) -> #rt::Object {
                match self {
                    #( Request::#vnames(r) => ::token_validate::TokenRequest::to_body(r), )*
                }
            }
            /// Stripe's form encoding of the request.
            pub fn to_form(&self) -> ::std::string::String {
                match self {
                    #( Request::#vnames(r) => ::token_validate::TokenRequest::to_form(r), )*
                }
            }
        }

        #validators
    }
}
/// The states of every object of the spec, their builders, and the body's kind logic.
pub fn validators(
    spec: &Spec,
    kinds: &[(proc_macro2::Ident, proc_macro2::Ident, NodeId)],
) -> TokenStream {
    let objects: Vec<NodeId> = spec
        .nodes()
        .iter()
        .enumerate()
        // A list of objects of an older version is accepted unchecked: no state of its own.
        .filter(|(_, n)| matches!(n.ty, Ty::Object { .. }) && !n.list)
        .map(|(i, _)| NodeId(i as u32))
        .collect();
    let states: Vec<TokenStream> = objects.iter().map(|&id| state(spec, id)).collect();
    let builds: Vec<TokenStream> = objects
        .iter()
        .filter(|&&id| id != NodeId::ROOT)
        .map(|&id| build_impl(spec, id))
        .collect();
    let request = request_build(spec, kinds);
    let kind = kind_methods(spec, kinds);
    let ids = ids::id_modules(spec);
    quote! {
        /// The validators the spec compiles to: one state per object. Used by
        /// `check_*`/`validate_*`; not a public interface.
        #[doc(hidden)]
        pub mod state {
            #![allow(unused_imports)]
            use super::*;

            #ids
            #(#states)*
            #(#builds)*
            #request
            #kind
        }
    }
}
