//! Emit: the `TokenRequest` (and, for objects, `ToParam` and `TokenObject`) impls.

use proc_macro2::TokenStream;
use quote::quote;
use token_spec::Spec;

use crate::check::{Checked, Scope, classify};
use crate::syntax::Container;

fn puts(c: &Checked<'_>) -> TokenStream {
    c.fields
        .iter()
        .map(|m| {
            let member = &m.field.member;
            let segs = &m.segments;
            quote! {
                ::token_validate::__private::put(
                    &mut __o,
                    &[#(#segs),*],
                    ::token_validate::ToParam::to_param(&self.#member),
                );
            }
        })
        .collect()
}

fn path_asserts(c: &Checked<'_>) -> TokenStream {
    c.fields
        .iter()
        .filter_map(|m| {
            let path = m.object_path.as_ref()?;
            let inner = classify(m.field.ty).inner;
            let msg = format!("the type of this field must be the object `{path}`");
            Some(quote! {
                const _: () = ::core::assert!(
                    ::token_validate::__private::str_eq(
                        <#inner as ::token_validate::TokenObject>::PATH,
                        #path,
                    ),
                    #msg
                );
            })
        })
        .collect()
}

pub fn emit(spec: &Spec, cont: &Container<'_>, c: &Checked<'_>) -> TokenStream {
    let ident = &cont.input.ident;
    let (impl_g, ty_g, where_g) = cont.input.generics.split_for_impl();
    let kind = &c.kind;
    let puts = puts(c);
    let asserts = path_asserts(c);
    let object_path = spec.node(c.base).path.clone();
    let to_param = quote! {
        impl #impl_g ::token_validate::ToParam for #ident #ty_g #where_g {
            fn to_param(&self) -> ::core::option::Option<::token_validate::__private::Value> {
                let mut __o = ::token_validate::__private::Object::new();
                #puts
                ::core::option::Option::Some(::token_validate::__private::Value::Object(__o))
            }
        }
        impl #impl_g ::token_validate::TokenObject for #ident #ty_g #where_g {
            const PATH: &'static str = #object_path;
        }
    };
    let body = match c.scope {
        Scope::Body => quote! {
            let mut __o = ::token_validate::__private::Object::new();
            #puts
            __o
        },
        Scope::Kind => quote! {
            let mut __o = ::token_validate::__private::Object::new();
            ::token_validate::__private::put(
                &mut __o,
                &[#kind],
                ::token_validate::ToParam::to_param(self),
            );
            __o
        },
        Scope::Object => quote! {},
    };
    let request = match c.scope {
        Scope::Object => quote! {},
        _ => quote! {
            impl #impl_g ::token_validate::TokenRequest for #ident #ty_g #where_g {
                const KIND: &'static str = #kind;
                fn to_body(&self) -> ::token_validate::__private::Object {
                    #body
                }
            }
        },
    };
    let objects = match c.scope {
        Scope::Body => quote! {},
        _ => to_param,
    };
    quote! {
        #asserts
        #request
        #objects
    }
}

/// What is emitted when checking failed: impls that compile, so that the user sees only the
/// real errors and not a cascade of "trait not implemented".
pub fn fallback(cont: &Container<'_>) -> TokenStream {
    let ident = &cont.input.ident;
    let (impl_g, ty_g, where_g) = cont.input.generics.split_for_impl();
    let kind = cont.kind.as_ref().map(|k| k.value()).unwrap_or_default();
    let request = if cont.object.is_none() {
        quote! {
            impl #impl_g ::token_validate::TokenRequest for #ident #ty_g #where_g {
                const KIND: &'static str = #kind;
                fn to_body(&self) -> ::token_validate::__private::Object {
                    ::token_validate::__private::Object::new()
                }
            }
        }
    } else {
        quote! {}
    };
    let object = if cont.body {
        quote! {}
    } else {
        quote! {
            impl #impl_g ::token_validate::ToParam for #ident #ty_g #where_g {
                fn to_param(&self) -> ::core::option::Option<::token_validate::__private::Value> {
                    ::core::option::Option::None
                }
            }
            impl #impl_g ::token_validate::TokenObject for #ident #ty_g #where_g {
                const PATH: &'static str = "";
            }
        }
    };
    quote! { #request #object }
}
