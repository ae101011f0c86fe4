//! Parse: the derive input and its `#[token(...)]` attributes, with every error collected.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

/// Collects errors so that all of them are reported in one build (as serde_derive's `Ctxt`).
#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    pub fn error(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, msg));
    }
    /// An error spanning all of `tokens` (a whole type such as `Vec<bool>`, not only its
    /// first token).
    pub fn error_spanned(&mut self, tokens: impl quote::ToTokens, msg: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, msg));
    }
    pub fn push(&mut self, e: syn::Error) {
        self.errors.push(e);
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    pub fn into_compile_errors(self) -> proc_macro2::TokenStream {
        self.errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}

/// Attribute symbols.
pub const TOKEN: &str = "token";
pub const KIND: &str = "kind";
pub const BODY: &str = "body";
pub const OBJECT: &str = "object";
pub const PARAM: &str = "param";
pub const SKIP: &str = "skip";

/// The container: `#[token(kind = "...", object = "...")]` or `#[token(kind = "...", body)]`.
pub struct Container<'a> {
    pub input: &'a DeriveInput,
    pub kind: Option<LitStr>,
    pub body: bool,
    pub object: Option<LitStr>,
    pub fields: Vec<Field<'a>>,
    /// The struct's own `#[token(...)]` had errors: its fields cannot be placed reliably.
    pub attr_error: bool,
}

/// One field and its attributes.
pub struct Field<'a> {
    pub member: syn::Member,
    pub ident: Option<&'a Ident>,
    pub ty: &'a Type,
    pub param: Option<LitStr>,
    pub object: Option<LitStr>,
    pub skip: bool,
    /// The field's `#[token(...)]` had errors: it is not checked further.
    pub attr_error: bool,
}

/// Parses every `#[token(...)]` of `attrs`; returns whether any had errors.
fn parse_attrs(
    cx: &mut Ctxt,
    attrs: &[syn::Attribute],
    mut each: impl FnMut(&mut Ctxt, syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) -> bool {
    let before = cx.errors.len();
    for attr in attrs {
        if !attr.path().is_ident(TOKEN) {
            continue;
        }
        let mut local = Ctxt::default();
        if let Err(e) = attr.parse_nested_meta(|meta| each(&mut local, meta)) {
            cx.push(e);
        }
        cx.errors.extend(local.errors);
    }
    cx.errors.len() > before
}

impl<'a> Container<'a> {
    pub fn parse(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Container<'a>> {
        let mut kind = None;
        let mut body = false;
        let mut object = None;
        let attr_error = parse_attrs(cx, &input.attrs, |cx, meta| {
            if meta.path.is_ident(KIND) {
                kind = Some(meta.value()?.parse::<LitStr>()?);
            } else if meta.path.is_ident(BODY) {
                body = true;
            } else if meta.path.is_ident(OBJECT) {
                object = Some(meta.value()?.parse::<LitStr>()?);
            } else {
                cx.error(
                    meta.path.span(),
                    "unknown `token` attribute on a struct: expected `kind = \"...\"`, `object = \"...\"` or `body`",
                );
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
            }
            Ok(())
        });
        let fields = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(f) => &f.named,
                Fields::Unnamed(f) => &f.unnamed,
                Fields::Unit => {
                    cx.error(
                        input.ident.span(),
                        "#[derive(TokenRequest)] needs a struct with fields",
                    );
                    return None;
                }
            },
            _ => {
                cx.error(
                    input.ident.span(),
                    "#[derive(TokenRequest)] works on structs only",
                );
                return None;
            }
        };
        let mut out = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let mut param = None;
            let mut fobject = None;
            let mut skip = false;
            let mut attr_error = parse_attrs(cx, &f.attrs, |cx, meta| {
                if meta.path.is_ident(PARAM) {
                    param = Some(meta.value()?.parse::<LitStr>()?);
                } else if meta.path.is_ident(OBJECT) {
                    fobject = Some(meta.value()?.parse::<LitStr>()?);
                } else if meta.path.is_ident(SKIP) {
                    skip = true;
                } else {
                    cx.error(
                        meta.path.span(),
                        "unknown `token` attribute on a field: expected `param = \"...\"`, `object = \"...\"` or `skip`",
                    );
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::Expr = meta.value()?.parse()?;
                    }
                }
                Ok(())
            });
            if let (Some(p), Some(_)) = (&param, &fobject) {
                cx.error(
                    p.span(),
                    "use either `param` or `object` on a field, not both",
                );
                attr_error = true;
            }
            if skip && (param.is_some() || fobject.is_some()) {
                cx.error(
                    f.ident.as_ref().map_or_else(|| f.ty.span(), |i| i.span()),
                    "a `skip`ped field is not sent: drop `param`/`object`, or drop `skip`",
                );
                attr_error = true;
            }
            let member = match &f.ident {
                Some(id) => syn::Member::Named(id.clone()),
                None => syn::Member::Unnamed(syn::Index::from(i)),
            };
            out.push(Field {
                member,
                ident: f.ident.as_ref(),
                ty: &f.ty,
                param,
                object: fobject,
                skip,
                attr_error,
            });
        }
        if kind.is_none() {
            cx.error(
                input.ident.span(),
                "missing `#[token(kind = \"...\")]`: one of card, bank_account, cvc_update, pii, person, account",
            );
        }
        let mut attr_error = attr_error;
        if body && object.is_some() {
            cx.error(
                input.ident.span(),
                "`body` and `object` exclude each other: a struct is either the whole request body or one object",
            );
            attr_error = true;
        }
        Some(Container {
            input,
            kind,
            body,
            object,
            fields: out,
            attr_error,
        })
    }
}
