//! The request types: a struct per object, an enum per closed enum, an `…OrId` per
//! object-or-id parameter, the body struct per kind, with their docs and JSON Schemas.

use super::names::{camel, field_ident, item_enum_name, or_id_name, type_name};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use token_spec::{ItemTy, NodeId, Spec, Ty};
/// A doc comment's text as `///` writes it: with a leading space, so that the expanded code
/// reads `/// The card number` (rustdoc strips it).
pub(super) fn doc_text(s: &str) -> String {
    format!(" {s}")
}
pub fn int_type(min: Option<i64>, max: Option<i64>) -> TokenStream {
    match (min, max) {
        (Some(lo), Some(hi)) if lo >= 0 && hi <= i64::from(u8::MAX) => quote!(u8),
        (Some(lo), Some(hi)) if lo >= 0 && hi <= i64::from(u16::MAX) => quote!(u16),
        _ => quote!(i64),
    }
}
/// The Rust type of a node's value, without `Option`.
pub fn value_type(spec: &Spec, id: NodeId) -> TokenStream {
    let node = spec.node(id);
    let base = match &node.ty {
        Ty::String { .. } => quote!(::std::string::String),
        Ty::Integer { min, max, .. } => int_type(*min, *max),
        Ty::Number => quote!(::token_validate::Decimal),
        Ty::Boolean => quote!(bool),
        Ty::Enum { .. } => {
            let n = type_name(&node.path);
            quote!(#n)
        }
        Ty::Array { items } => {
            let item = match &items.ty {
                ItemTy::String { .. } => quote!(::std::string::String),
                ItemTy::Integer => quote!(i64),
                ItemTy::Number => quote!(::token_validate::Decimal),
                ItemTy::Boolean => quote!(bool),
                ItemTy::Enum { .. } => {
                    let n = item_enum_name(&node.path);
                    quote!(#n)
                }
            };
            let item = if items.unset {
                quote!(::token_validate::MaybeUnset<#item>)
            } else {
                item
            };
            quote!(::std::vec::Vec<#item>)
        }
        Ty::Map => {
            quote!(::std::collections::BTreeMap<::std::string::String, ::std::string::String>)
        }
        Ty::Object { or_id: Some(_), .. } => {
            let n = or_id_name(&node.path);
            quote!(#n)
        }
        Ty::Object { .. } => {
            let n = type_name(&node.path);
            quote!(#n)
        }
    };
    if node.unset {
        quote!(::token_validate::MaybeUnset<#base>)
    } else {
        base
    }
}
fn schema_impl(name: &Ident, lookup: TokenStream) -> TokenStream {
    let rt = crate::runtime::private();
    let name_str = name.to_string();
    quote! {
        impl #rt::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }
            fn json_schema(
                _: &mut #rt::schemars::SchemaGenerator,
            ) -> #rt::schemars::Schema {
                let spec = ::token_validate::token_spec::bundled();
                #lookup
            }
        }
    }
}
fn node_schema_impl(name: &Ident, path: &str) -> TokenStream {
    schema_impl(
        name,
        quote! {
            match spec.lookup(#path) {
                ::core::option::Option::Some(id) => spec.node_schema(id),
                ::core::option::Option::None => ::core::default::Default::default(),
            }
        },
    )
}
fn enum_type(
    name: &Ident,
    values: &[String],
    open: bool,
    doc: &str,
    schema: TokenStream,
) -> TokenStream {
    let rt = crate::runtime::private();
    let variants: Vec<Ident> = values
        .iter()
        .map(|v| format_ident!("{}", camel(v)))
        .collect();
    let doc = doc_text(doc);
    let docs: Vec<String> = values.iter().map(|v| doc_text(&format!("`{v}`"))).collect();
    let other_variant = if open {
        quote! {
            /// A value this version of the spec does not list: Stripe bypasses validation of
            /// this enum (`x-stripeBypassValidation`), so unknown values are kept.
            Other(::std::string::String),
        }
    } else {
        quote! {}
    };
    let other_str = if open {
        quote! { #name::Other(s) => s.as_str(), }
    } else {
        quote! {}
    };
    let parse_other = if open {
        quote! { ::core::result::Result::Ok(#name::Other(s)) }
    } else {
        let list = values.join(", ");
        quote! {
            ::core::result::Result::Err(<D::Error as #rt::serde::de::Error>::custom(
                ::std::format!("unknown value, expected one of {}", #list),
            ))
        }
    };
    let from_other = if open {
        quote! { ::core::option::Option::Some(#name::Other(t.into_owned())) }
    } else {
        quote! { ::core::option::Option::None }
    };
    let param_other = if open {
        quote! { ::core::result::Result::Ok(#name::Other(::std::string::ToString::to_string(t))) }
    } else {
        quote! { ::core::result::Result::Err(#rt::from::invalid_enum(t, at)) }
    };
    let derives = if open {
        quote!(#[derive(Debug, Clone, PartialEq, Eq, Hash)])
    } else {
        quote!(#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)])
    };
    quote! {
        #[doc = #doc]
        #derives
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #variants, )*
            #other_variant
        }
        impl #name {
            /// The value as Stripe spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #values, )*
                    #other_str
                }
            }
        }
        impl #name {
            /// The value of a validated text.
            #[doc(hidden)]
            pub fn __from_text(t: #rt::v::Text<'_>) -> ::core::option::Option<Self> {
                match &*t {
                    #( #values => ::core::option::Option::Some(#name::#variants), )*
                    _ => #from_other,
                }
            }
        }
        impl ::token_validate::ToParam for #name {
            fn to_param<'__a>(
                &'__a self,
                path: &mut ::token_validate::ParamPath<'__a>,
                out: &mut dyn ::token_validate::ParamSink<'__a>,
            ) {
                ::token_validate::ToParam::to_param(self.as_str(), path, out)
            }
        }
        impl ::token_validate::FromParam for #name {
            fn from_param(
                v: &#rt::Value,
                at: ::token_validate::Loc<'_>,
            ) -> ::core::result::Result<Self, ::token_validate::Errors> {
                let t = #rt::from::text(v, at)?;
                match t {
                    #( #values => ::core::result::Result::Ok(#name::#variants), )*
                    _ => #param_other,
                }
            }
        }
        impl #rt::serde::Serialize for #name {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> #rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let s = <::std::string::String as #rt::serde::Deserialize>::deserialize(d)?;
                match s.as_str() {
                    #( #values => ::core::result::Result::Ok(#name::#variants), )*
                    _ => #parse_other,
                }
            }
        }
        impl #rt::de::Lenient for #name {
            fn from_text(t: &str) -> ::core::option::Option<Self> {
                #name::__from_text(::std::borrow::Cow::Borrowed(t))
            }
        }
        #schema
    }
}
/// A field's documentation: the spec's, and where it comes from when Stripe's OpenAPI does
/// not list it (`accepted.json`), and the older names it is also accepted under.
fn field_doc(spec: &Spec, id: NodeId) -> String {
    let node = spec.node(id);
    let mut doc = if node.doc.is_empty() {
        format!("`{}`.", node.path)
    } else {
        node.doc.clone()
    };
    if let Some(a) = &node.accepted {
        doc.push_str(&format!(
            " Not in Stripe's OpenAPI; Stripe accepts it ({}, confidence {}; the evidence is in `token-spec/spec/accepted.json`, and `token-validate errors` lists it).",
            a.what.as_str().replace('_', " "),
            a.confidence.as_str(),
        ));
    }
    if let Some(g) = node.until.and_then(|g| spec.gates.get(g)) {
        doc.push_str(&format!(
            " Only for requests of a Stripe API version before `{}` ({}): refused as unknown since.",
            g.version, g.id
        ));
    }
    if let Some(g) = node.added_at.and_then(|g| spec.gates.get(g)) {
        doc.push_str(&format!(
            " Came with Stripe API version `{}` ({}): a request of an older version that sends it gets a warning.",
            g.version, g.id
        ));
    }
    if !node.inferred.is_empty() {
        let facts: Vec<&str> = node.inferred.iter().map(|f| f.as_str()).collect();
        doc.push_str(&format!(
            " Newer than Stripe's public OpenAPI; inferred from Stripe's convention: {} (see `source` in `params.json`).",
            facts.join(", ")
        ));
    }
    for &alias in &node.aliases {
        doc.push_str(&format!(
            " Also accepted under its older name `{}`, validated as this one; the value is held here.",
            spec.node(alias).path
        ));
    }
    doc
}
/// One field of a generated struct (its attributes, its type: `Option` unless required) and
/// its part of the struct's `Debug` (a secret field shows `<redacted>`).
///
/// Every field is deserialized leniently (`__private_X_Y::de`), so that serde reads each value
/// as `validate_json` does: numbers and booleans as JSON values or as strings, a JSON number
/// as its exact text where a string belongs, empty lists and maps as absent. A secret
/// field's errors never quote its value.
fn struct_field(spec: &Spec, id: NodeId, required: bool, doc: &str) -> (TokenStream, TokenStream) {
    let rt = crate::runtime::private();
    let node = spec.node(id);
    let f = field_ident(&node.name);
    let fname = &node.name;
    let vt = value_type(spec, id);
    let de = match (required, node.secret) {
        (true, false) => "de::field",
        (false, false) => "de::optional",
        (true, true) => "de::secret_field",
        (false, true) => "de::secret_optional",
    };
    let de = crate::runtime::private_str(de);
    // Its older names (aliases), which serde reads as this field too.
    let aliases: Vec<TokenStream> = node
        .aliases
        .iter()
        .map(|&a| {
            let name = &spec.node(a).name;
            quote!(#[serde(alias = #name)])
        })
        .collect();
    let field = if required {
        quote! {
            #[doc = #doc]
            #[serde(deserialize_with = #de)]
            #(#aliases)*
            pub #f: #vt,
        }
    } else {
        quote! {
            #[doc = #doc]
            #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = #de)]
            #(#aliases)*
            pub #f: ::core::option::Option<#vt>,
        }
    };
    let debug = match (node.secret, required) {
        (true, true) => quote!(.field(#fname, &#rt::Redacted)),
        (true, false) => {
            quote!(.field(#fname, &self.#f.as_ref().map(|_| #rt::Redacted)))
        }
        (false, _) => quote!(.field(#fname, &self.#f)),
    };
    (field, debug)
}
pub(super) fn object_struct(spec: &Spec, id: NodeId, kind: &str, out: &mut Vec<TokenStream>) {
    let rt = crate::runtime::private();
    let serde_crate = crate::runtime::private_str("serde");
    let node = spec.node(id);
    let name = type_name(&node.path);
    let doc = doc_text(&if node.doc.is_empty() {
        format!("`{}`.", node.path)
    } else {
        format!("`{}`: {}", node.path, node.doc)
    });
    let object_attr = if node.path == kind {
        quote!(#[token(kind = #kind)])
    } else {
        // Relative to the kind: `person[dob]` → `dob`, `account[individual][dob]` → `individual[dob]`.
        let rel = token_spec::relative_path(kind, &node.path);
        quote!(#[token(kind = #kind, object = #rel)])
    };
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    // An alias (an older name) is no field of its own: its value is its parameter's. A
    // list of objects of an older API version is accepted unchecked and not held.
    for &c in node
        .children
        .iter()
        .filter(|&&c| !spec.is_alias(c) && !spec.node(c).list)
    {
        let child = spec.node(c);
        let fdoc = doc_text(&field_doc(spec, c));
        // A child that a sibling (`exclusive`) or a top-level parameter (`pk_token`) can
        // stand in for is optional in the type.
        let required = spec.always_required(c);
        let (field, debug) = struct_field(spec, c, required, &fdoc);
        fields.push(field);
        debug_fields.push(debug);
        match &child.ty {
            Ty::Object { or_id, .. } => {
                object_struct(spec, c, kind, out);
                if or_id.is_some() {
                    out.push(or_id_enum(spec, c));
                }
            }
            Ty::Enum { values, open, .. } => {
                let en = type_name(&child.path);
                out.push(enum_type(
                    &en,
                    values,
                    *open,
                    &format!("The values of `{}`.", child.path),
                    node_schema_impl(&en, &child.path),
                ));
            }
            Ty::Array { items } => {
                if let ItemTy::Enum { values } = &items.ty {
                    let en = item_enum_name(&child.path);
                    let path = &child.path;
                    out.push(enum_type(
                        &en,
                        values,
                        false,
                        &format!("The values of the items of `{}`.", child.path),
                        schema_impl(
                            &en,
                            quote! {
                                let array = match spec.lookup(#path) {
                                    ::core::option::Option::Some(id) => spec.node_schema(id),
                                    ::core::option::Option::None => return ::core::default::Default::default(),
                                };
                                array
                                    .get("items")
                                    .cloned()
                                    .and_then(|v| #rt::schemars::Schema::try_from(v).ok())
                                    .unwrap_or_default()
                            },
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    let name_str = name.to_string();
    let schema = node_schema_impl(&name, &node.path);
    out.push(quote! {
        #[doc = #doc]
        #[derive(Clone, PartialEq, ::token_validate::TokenRequest, #rt::serde::Serialize, #rt::serde::Deserialize)]
        #[serde(deny_unknown_fields, crate = #serde_crate)]
        #object_attr
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name_str) #(#debug_fields)* .finish()
            }
        }
        impl #rt::de::Lenient for #name {
            fn from_text(_: &str) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn from_container<'de, D: #rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                <Self as #rt::serde::Deserialize>::deserialize(d)
            }
        }
        #schema
    });
}
pub(super) fn or_id_enum(spec: &Spec, id: NodeId) -> TokenStream {
    let rt = crate::runtime::private();
    let node = spec.node(id);
    let name = or_id_name(&node.path);
    let details = type_name(&node.path);
    let doc = doc_text(&format!(
        "`{}`: an id (such as a saved card's, with `customer`) or the details.",
        node.path
    ));
    let schema = node_schema_impl(&name, &node.path);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            /// The id of an existing object.
            Id(::std::string::String),
            /// The details.
            Details(#details),
        }
        impl ::token_validate::ToParam for #name {
            fn to_param<'__a>(
                &'__a self,
                path: &mut ::token_validate::ParamPath<'__a>,
                out: &mut dyn ::token_validate::ParamSink<'__a>,
            ) {
                match self {
                    #name::Id(id) => ::token_validate::ToParam::to_param(id, path, out),
                    #name::Details(d) => ::token_validate::ToParam::to_param(d, path, out),
                }
            }
        }
        impl ::token_validate::FromParam for #name {
            fn from_param(
                v: &#rt::Value,
                at: ::token_validate::Loc<'_>,
            ) -> ::core::result::Result<Self, ::token_validate::Errors> {
                match v {
                    #rt::Value::Object(_) => {
                        <#details as ::token_validate::FromParam>::from_param(v, at).map(#name::Details)
                    }
                    _ => <::std::string::String as ::token_validate::FromParam>::from_param(v, at).map(#name::Id),
                }
            }
        }
        impl #rt::serde::Serialize for #name {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    #name::Id(id) => s.serialize_str(id),
                    #name::Details(d) => #rt::serde::Serialize::serialize(d, s),
                }
            }
        }
        impl<'de> #rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(
                    match ::token_validate::param::deserialize_or_id::<D, #details>(d)? {
                        ::core::result::Result::Ok(id) => #name::Id(id),
                        ::core::result::Result::Err(details) => #name::Details(details),
                    },
                )
            }
        }
        impl #rt::de::Lenient for #name {
            fn from_text(t: &str) -> ::core::option::Option<Self> {
                ::core::option::Option::Some(#name::Id(::std::string::ToString::to_string(t)))
            }
            fn from_container<'de, D: #rt::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                <#details as #rt::serde::Deserialize>::deserialize(d).map(#name::Details)
            }
        }
        #schema
    }
}
/// Whether a field of a kind's request body is required: the kind's own parameter is, unless
/// another parameter can imply the kind (`customer` alone is a card token).
pub fn body_field_required(spec: &Spec, kind: NodeId, p: NodeId) -> bool {
    p == kind
        && spec
            .kinds
            .iter()
            .any(|k| k.node == kind && k.implied_by.is_empty())
}
pub(super) fn body_struct(spec: &Spec, kind: &token_spec::Kind) -> (Ident, TokenStream) {
    let rt = crate::runtime::private();
    let serde_crate = crate::runtime::private_str("serde");
    let name = format_ident!("{}TokenRequest", camel(&kind.name));
    let kname = &kind.name;
    let doc = doc_text(&format!(
        "A `POST /v1/tokens` request for a {kname} token: the `{}` parameter plus `customer`, `expand` and the fields Stripe's clients add (`accepted.json`).",
        spec.node(kind.node).path
    ));
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    for p in spec.body_params(kind) {
        let fdoc = doc_text(&field_doc(spec, p));
        let required = body_field_required(spec, kind.node, p);
        let (field, debug) = struct_field(spec, p, required, &fdoc);
        fields.push(field);
        debug_fields.push(debug);
    }
    let name_str = name.to_string();
    let schema = schema_impl(
        &name,
        quote! { spec.kind_schema(#kname).unwrap_or_default() },
    );
    (
        name.clone(),
        quote! {
            #[doc = #doc]
            #[derive(Clone, PartialEq, ::token_validate::TokenRequest, #rt::serde::Serialize, #rt::serde::Deserialize)]
            #[serde(deny_unknown_fields, crate = #serde_crate)]
            #[token(kind = #kname, body)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#name_str) #(#debug_fields)* .finish()
                }
            }
            #schema
        },
    )
}
