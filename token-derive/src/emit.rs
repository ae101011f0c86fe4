//! Emit: the `TokenRequest` (and, for objects, `ToParam` and `TokenObject`) impls.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use token_spec::Spec;

use crate::check::{Checked, Scope, classify};
use crate::syntax::Container;

/// The statements that write each mapped field's pairs under `__path` to `__out`.
fn puts(c: &Checked<'_>) -> TokenStream {
    let puts: TokenStream = c
        .fields
        .iter()
        .map(|m| {
            let member = &m.field.member;
            let segs = &m.segments;
            let n = proc_macro2::Literal::usize_unsuffixed(segs.len());
            // Spanned at the field's type: a type without `ToParam` is reported there.
            let value = if m.object_path.is_some() {
                quote_spanned! {m.field.ty.span()=> (&self.#member).__to_param(__path, __out) }
            } else {
                quote_spanned! {m.field.ty.span()=>
                    ::token_validate::ToParam::to_param(&self.#member, __path, __out)
                }
            };
            quote! {
                __path.enter(&[#(#segs),*]);
                #value;
                __path.leave(#n);
            }
        })
        .collect();
    if c.fields.iter().all(|m| m.object_path.is_none()) {
        return puts;
    }
    // The type of an `object` field must implement `TokenObject` (and so `ToParam`); that is
    // checked once, by the assertion next to the impl. Should it not, `__to_param` falls
    // back to nothing (autoref specialization) instead of a second error for `ToParam`.
    quote! {
        #[allow(dead_code)]
        trait __ToParam {
            fn __to_param<'__a>(
                &'__a self,
                path: &mut ::token_validate::ParamPath<'__a>,
                out: &mut dyn ::token_validate::ParamSink<'__a>,
            );
        }
        impl<T: ::token_validate::ToParam + ?::core::marker::Sized> __ToParam for T {
            fn __to_param<'__a>(
                &'__a self,
                path: &mut ::token_validate::ParamPath<'__a>,
                out: &mut dyn ::token_validate::ParamSink<'__a>,
            ) {
                ::token_validate::ToParam::to_param(self, path, out)
            }
        }
        #[allow(dead_code)]
        trait __NoParam {
            fn __to_param<'__a>(
                &self,
                path: &mut ::token_validate::ParamPath<'__a>,
                out: &mut dyn ::token_validate::ParamSink<'__a>,
            );
        }
        impl<T: ?::core::marker::Sized> __NoParam for &T {
            fn __to_param<'__a>(
                &self,
                _: &mut ::token_validate::ParamPath<'__a>,
                _: &mut dyn ::token_validate::ParamSink<'__a>,
            ) {
            }
        }
        #puts
    }
}

/// The name of a type for messages: `Address` for `crate::Address` or `Option<Address>`.
fn type_label(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        _ => String::new(),
    }
}

/// For each field with `object = "..."`: a compile-time check that its type is that object
/// (`TokenObject::PATH`), reported at the type.
fn path_asserts(c: &Checked<'_>) -> TokenStream {
    c.fields
        .iter()
        .filter_map(|m| {
            let path = m.object_path.as_ref()?;
            let inner = classify(m.field.ty).inner;
            let rel = token_spec::relative_path(&c.kind, path);
            let label = match type_label(&inner) {
                l if l.is_empty() => "this field's type".to_string(),
                l => format!("`{l}`"),
            };
            let msg = format!(
                "{label} is not the object `{path}`: a field with `object = \"{rel}\"` needs a type that derives `TokenRequest` with `#[token(kind = \"{}\", object = \"{rel}\")]`",
                c.kind
            );
            Some(quote_spanned! {inner.span()=>
                const _: () = if !::token_validate::__private::str_eq(
                    <#inner as ::token_validate::TokenObject>::PATH,
                    #path,
                ) {
                    ::core::panic!(#msg)
                };
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
            fn to_param<'__a>(
                &'__a self,
                __path: &mut ::token_validate::ParamPath<'__a>,
                __out: &mut dyn ::token_validate::ParamSink<'__a>,
            ) {
                #puts
            }
        }
        impl #impl_g ::token_validate::TokenObject for #ident #ty_g #where_g {
            const PATH: &'static str = #object_path;
        }
    };
    let body = match c.scope {
        Scope::Body => quote! {
            let mut __path = ::token_validate::ParamPath::new();
            let __path = &mut __path;
            #puts
        },
        Scope::Kind => quote! {
            let mut __path = ::token_validate::ParamPath::new();
            __path.push(#kind);
            ::token_validate::ToParam::to_param(self, &mut __path, __out);
        },
        Scope::Object => quote! {},
    };
    let request = match c.scope {
        Scope::Object => quote! {},
        _ => quote! {
            impl #impl_g ::token_validate::TokenRequest for #ident #ty_g #where_g {
                const KIND: &'static str = #kind;
                fn to_params<'__a>(&'__a self, __out: &mut dyn ::token_validate::ParamSink<'__a>) {
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
                fn to_params<'__a>(&'__a self, _: &mut dyn ::token_validate::ParamSink<'__a>) {}
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
                fn to_param<'__a>(
                    &'__a self,
                    _: &mut ::token_validate::ParamPath<'__a>,
                    _: &mut dyn ::token_validate::ParamSink<'__a>,
                ) {
                }
            }
            impl #impl_g ::token_validate::TokenObject for #ident #ty_g #where_g {
                const PATH: &'static str = "";
            }
        }
    };
    quote! { #request #object }
}
