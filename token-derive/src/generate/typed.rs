//! Building the typed request from a valid body's slots.

use proc_macro2::TokenStream;
use quote::quote;
use token_spec::{ItemTy, NodeId, Spec, Ty};

use super::ids::v;
use super::names::{field, item_enum_name, or_id_name, state_name, type_name};
use super::types::{body_field_required, int_type};

/// The conversion of one value text into the node's Rust type (without `MaybeUnset`), as a
/// closure `|t: Text| -> Option<T>`.
pub(super) fn from_text(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    match &node.ty {
        Ty::String { .. } => quote!(#v::typed::string),
        Ty::Integer { min, max, .. } => {
            let t = int_type(*min, *max);
            quote!(#v::typed::parse::<#t>)
        }
        Ty::Number => quote!(#v::typed::parse::<::token_validate::Decimal>),
        Ty::Boolean => quote!(#v::typed::boolean),
        Ty::Enum { .. } => {
            let n = type_name(&node.path);
            quote!(#n::__from_text)
        }
        Ty::Array { .. } | Ty::Map | Ty::Object { .. } => quote!(#v::typed::string),
    }
}

/// An expression of type `Result<Option<T>, BuildError>` taking the node's value out of
/// `self.<field>`, where `T` is the node's Rust type (`value_type`).
fn build_expr(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let f = field(spec, id);
    let unset = node.unset;
    match &node.ty {
        Ty::Array { items } => {
            let item_conv = match &items.ty {
                ItemTy::Enum { .. } => {
                    let n = item_enum_name(&node.path);
                    quote!(#n::__from_text)
                }
                ItemTy::String { .. } => quote!(#v::typed::string),
                ItemTy::Integer => quote!(#v::typed::parse::<i64>),
                ItemTy::Number => quote!(#v::typed::parse::<::token_validate::Decimal>),
                ItemTy::Boolean => quote!(#v::typed::boolean),
            };
            let item = if items.unset {
                quote!(|i| #v::typed::item_unset(i, #item_conv))
            } else {
                quote!(|i| #v::typed::item(i, #item_conv))
            };
            if unset {
                quote!(#v::typed::list_unset(&mut self.#f, #item))
            } else {
                quote!(#v::typed::list(&mut self.#f, #item))
            }
        }
        Ty::Map => {
            if unset {
                quote!(#v::typed::map_unset(&mut self.#f))
            } else {
                quote!(#v::typed::map(&mut self.#f))
            }
        }
        Ty::Object { or_id, .. } => {
            let details = type_name(&node.path);
            let inner = quote!(|s| s.build());
            match or_id {
                Some(_) => {
                    let en = or_id_name(&node.path);
                    quote!(#v::typed::or_id(&mut self.#f, #en::Id, |s| s.build().map(#en::Details)))
                }
                None if unset => {
                    quote!(#v::typed::object_unset::<_, #details>(&mut self.#f, #inner))
                }
                None => quote!(#v::typed::object::<_, #details>(&mut self.#f, #inner)),
            }
        }
        _ => {
            let conv = from_text(spec, id);
            if unset {
                quote!(#v::typed::scalar_unset(&mut self.#f, #conv))
            } else {
                quote!(#v::typed::scalar(&mut self.#f, #conv))
            }
        }
    }
}

/// `fn build(&mut self) -> Result<T, BuildError>` of an object's state (not the root's).
pub(super) fn build_impl(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let name = state_name(spec, id);
    let ty = type_name(&node.path);
    let fields: Vec<TokenStream> = node
        .children
        .iter()
        // A list of objects of an older version is not held (its elements are not checked).
        .filter(|&&c| !spec.is_alias(c) && !spec.node(c).list)
        .map(|&c| {
            let f = field(spec, c);
            // A parameter sent under an older name (an alias) is held under today's.
            let e = spec
                .node(c)
                .aliases
                .iter()
                .fold(build_expr(spec, c), |e, &a| {
                    let alias = build_expr(spec, a);
                    quote!(#v::typed::either(#e, #alias))
                });
            if spec.always_required(c) {
                quote!(#f: #v::typed::required(#e)?,)
            } else {
                quote!(#f: #e?,)
            }
        })
        .collect();
    quote! {
        impl<'de> #name<'de> {
            #[doc(hidden)]
            pub fn build(&mut self) -> ::core::result::Result<super::#ty, #v::typed::BuildError> {
                ::core::result::Result::Ok(super::#ty {
                    #(#fields)*
                })
            }
        }
    }
}

/// The root's `into_request`: the typed request of the kind found.
pub(super) fn request_build(
    spec: &Spec,
    kinds: &[(proc_macro2::Ident, proc_macro2::Ident, NodeId)],
) -> TokenStream {
    let v = v();
    let arms: Vec<TokenStream> = kinds
        .iter()
        .map(|(variant, body, knode)| {
            let params = spec
                .kinds
                .iter()
                .find(|k| k.node == *knode)
                .map(|k| spec.body_params(k))
                .unwrap_or_default();
            let fields: Vec<TokenStream> = params
                .iter()
                .map(|&p| {
                    let f = field(spec, p);
                    let e = build_expr(spec, p);
                    if body_field_required(spec, *knode, p) {
                        quote!(#f: #v::typed::required(#e).map_err(&mut fail)?,)
                    } else {
                        quote!(#f: #e.map_err(&mut fail)?,)
                    }
                })
                .collect();
            quote! {
                super::Kind::#variant => super::Request::#variant(super::#body { #(#fields)* }),
            }
        })
        .collect();
    quote! {
        impl<'de> RequestState<'de> {
            /// The typed request of a valid body of this kind, or `fail`'s error. Built in
            /// the caller's result: a request is a few KiB, which a conversion of the result
            /// afterwards would copy.
            #[doc(hidden)]
            pub fn into_request<E>(
                &mut self,
                kind: super::Kind,
                mut fail: impl ::core::ops::FnMut(#v::typed::BuildError) -> E,
            ) -> ::core::result::Result<super::Request, E> {
                ::core::result::Result::Ok(match kind {
                    #(#arms)*
                })
            }
        }
    }
}
