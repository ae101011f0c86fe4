//! Emit: the `TokenRequest` (and, for objects, `ToParam` and `TokenObject`) impls, and the
//! reverse: `FromParam` (objects) and `FromParams` (whole requests).

use super::check::{Checked, Scope, classify};
use super::syntax::Container;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use token_spec::Spec;
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
    let rt = crate::runtime::private();
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
                const _: () = if !#rt::str_eq(
                    <#inner as ::token_validate::TokenObject>::PATH,
                    #path,
                ) {
                    ::core::panic!(#msg)
                };
            })
        })
        .collect()
}
/// The struct literal's fields built from the object `__o` at `__at`: each mapped field
/// read with `FromParam` (under today's name, else under an older one the spec accepts),
/// each skipped one its `Default`.
fn from_inits(spec: &Spec, cont: &Container<'_>, c: &Checked<'_>) -> TokenStream {
    let rt = crate::runtime::private();
    let base_path = &spec.node(c.base).path;
    cont.fields
        .iter()
        .map(|f| {
            let member = &f.member;
            match c.fields.iter().find(|m| m.field.member == *member) {
                Some(m) => {
                    let segs = &m.segments;
                    let rel = segs.iter().fold(String::new(), |p, s| {
                        if p.is_empty() {
                            s.clone()
                        } else {
                            format!("{p}[{s}]")
                        }
                    });
                    let aliases: Vec<TokenStream> = spec
                        .lookup(&token_spec::join_path(base_path, &rel))
                        .map(|id| spec.node(id).aliases.clone())
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|a| {
                            let rel = token_spec::relative_path(base_path, &spec.node(a).path);
                            let segs = token_spec::split_path(&rel)?;
                            Some(quote!(&[#(#segs),*]))
                        })
                        .collect();
                    if aliases.is_empty() {
                        quote_spanned! {f.ty.span()=>
                            #member: #rt::from::field(__o, &[#(#segs),*], __at)?,
                        }
                    } else {
                        quote_spanned! {f.ty.span()=>
                            #member: #rt::from::field_or(__o, &[#(#segs),*], &[#(#aliases),*], __at)?,
                        }
                    }
                }
                None => quote_spanned! {f.ty.span()=>
                    #member: ::core::default::Default::default(),
                },
            }
        })
        .collect()
}
/// The where clause of the `FromParam`/`FromParams` impls: the struct's own predicates, and
/// that each mapped field's type implements `FromParam` and each skipped one `Default`.
/// The bounds are under `for<'__token_p>`, so a struct with a field that does not meet them
/// still compiles (and only building it from a body, as the axum extractor does, reports
/// the unmet bound), as serde's derive does for `#[serde(skip)]`.
fn from_where(cont: &Container<'_>, c: &Checked<'_>) -> TokenStream {
    let own = cont
        .input
        .generics
        .where_clause
        .as_ref()
        .map(|w| {
            let p = w.predicates.iter();
            quote!(#(#p,)*)
        })
        .unwrap_or_default();
    // One bound per distinct type and trait.
    let mut seen = std::collections::BTreeSet::new();
    let bounds = cont.fields.iter().filter_map(|f| {
        let ty = f.ty;
        let mapped = c.fields.iter().any(|m| m.field.member == f.member);
        if !seen.insert((mapped, quote!(#ty).to_string())) {
            return None;
        }
        Some(if mapped {
            quote!(for<'__token_p> #ty: ::token_validate::FromParam,)
        } else {
            quote!(for<'__token_p> #ty: ::core::default::Default,)
        })
    });
    let bounds: Vec<TokenStream> = bounds.collect();
    quote!(where #own #(#bounds)*)
}
/// `FromParam` for an object (and a kind's struct), `FromParams` for a whole request.
fn from_params(spec: &Spec, cont: &Container<'_>, c: &Checked<'_>) -> TokenStream {
    let rt = crate::runtime::private();
    let ident = &cont.input.ident;
    let (impl_g, ty_g, _) = cont.input.generics.split_for_impl();
    let kind = &c.kind;
    let inits = from_inits(spec, cont, c);
    let where_c = from_where(cont, c);
    let result = quote!(::core::result::Result<Self, ::token_validate::Errors>);
    let from_param = quote! {
        impl #impl_g ::token_validate::FromParam for #ident #ty_g #where_c {
            fn from_param(
                __v: &#rt::Value,
                __at: ::token_validate::Loc<'_>,
            ) -> #result {
                let __o = #rt::from::object(__v, __at)?;
                ::core::result::Result::Ok(Self { #inits })
            }
        }
    };
    let from_params = |body: TokenStream| {
        quote! {
            impl #impl_g ::token_validate::FromParams for #ident #ty_g #where_c {
                fn from_params(
                    __body: &#rt::Object,
                    __kind: ::token_validate::Kind,
                ) -> #result {
                    #rt::from::kind_of(__kind, #kind)?;
                    #body
                }
            }
        }
    };
    match c.scope {
        Scope::Object => from_param,
        Scope::Kind => {
            let params = from_params(quote! {
                <Self as ::token_validate::FromParam>::from_param(
                    #rt::from::kind_value(__body, #kind),
                    ::token_validate::Loc::ROOT.child(#kind),
                )
            });
            quote!(#from_param #params)
        }
        Scope::Body => from_params(quote! {
            let __o = __body;
            let __at = ::token_validate::Loc::ROOT;
            ::core::result::Result::Ok(Self { #inits })
        }),
    }
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
    let from = from_params(spec, cont, c);
    quote! {
        #asserts
        #request
        #objects
        #from
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
