//! Check: every mapped field against the spec: known kind and parameter, a type that can
//! hold the parameter's values, required parameters mapped, no parameter mapped twice.

use proc_macro2::Span;
use syn::{GenericArgument, PathArguments, Type};
use token_spec::{NodeId, Spec, Ty};

use super::syntax::{Container, Ctxt, Field};

/// Where a container's fields map.
pub enum Scope {
    /// The whole request body (`body`): fields are top-level parameters.
    Body,
    /// The kind's object: fields are relative to `card[...]`.
    Kind,
    /// A nested object: fields are relative to it.
    Object,
}

/// A field mapped to a parameter.
pub struct Mapped<'a> {
    pub field: &'a Field<'a>,
    /// Path segments relative to the container's base node.
    pub segments: Vec<String>,
    /// The field maps a whole object through a [`TokenObject`] type.
    pub object_path: Option<String>,
}

/// The checked container.
pub struct Checked<'a> {
    pub kind: String,
    pub scope: Scope,
    pub base: NodeId,
    pub fields: Vec<Mapped<'a>>,
}

/// The Rust shape of a field's type, read syntactically.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    Str,
    Int,
    Float,
    Bool,
    Seq(Box<Class>),
    Map,
    /// A type we cannot see into (a nested struct, a generated enum, a newtype).
    Custom,
    /// A type that cannot be a parameter (tuples, functions, …).
    Unsupported,
}

/// The classified type: optional (`Option`), unset-able (`MaybeUnset`).
pub struct FieldType {
    pub class: Class,
    pub optional: bool,
    pub unset: bool,
    /// The innermost type, with `Option`, `MaybeUnset`, `Box` and references removed.
    pub inner: Type,
}

fn single_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

pub fn classify(ty: &Type) -> FieldType {
    let mut out = FieldType {
        class: Class::Custom,
        optional: false,
        unset: false,
        inner: ty.clone(),
    };
    let mut ty = ty;
    loop {
        match ty {
            Type::Reference(r) => ty = &r.elem,
            Type::Paren(p) => ty = &p.elem,
            Type::Group(g) => ty = &g.elem,
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    break;
                };
                let name = last.ident.to_string();
                let wrap = match name.as_str() {
                    "Option" => {
                        out.optional = true;
                        true
                    }
                    "MaybeUnset" => {
                        out.unset = true;
                        true
                    }
                    "Box" => true,
                    _ => false,
                };
                if wrap && let Some(t) = single_arg(&last.arguments) {
                    ty = t;
                    continue;
                }
                out.inner = ty.clone();
                out.class = match name.as_str() {
                    "String" | "str" | "Cow" => Class::Str,
                    "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64"
                    | "isize" => Class::Int,
                    "f32" | "f64" => Class::Float,
                    "bool" => Class::Bool,
                    "Vec" => Class::Seq(Box::new(
                        single_arg(&last.arguments)
                            .map(|t| classify(t).class)
                            .unwrap_or(Class::Custom),
                    )),
                    "BTreeMap" | "HashMap" | "IndexMap" => Class::Map,
                    _ => Class::Custom,
                };
                return out;
            }
            Type::Slice(s) => {
                out.inner = ty.clone();
                out.class = Class::Seq(Box::new(classify(&s.elem).class));
                return out;
            }
            _ => {
                out.inner = ty.clone();
                out.class = Class::Unsupported;
                return out;
            }
        }
    }
    out
}

fn fits(ty: &Ty, class: &Class) -> bool {
    match (ty, class) {
        (_, Class::Unsupported) => false,
        (Ty::Object { or_id, .. }, c) => {
            *c == Class::Custom || (or_id.is_some() && *c == Class::Str)
        }
        (_, Class::Custom) => !matches!(ty, Ty::Object { .. }),
        (Ty::String { .. } | Ty::Enum { .. }, Class::Str) => true,
        (Ty::Integer { .. }, Class::Int | Class::Str) => true,
        (Ty::Number, Class::Float | Class::Int | Class::Str) => true,
        (Ty::Boolean, Class::Bool) => true,
        (Ty::Array { items }, Class::Seq(inner)) => fits(&items.ty.as_ty(), inner),
        (Ty::Map, Class::Map) => true,
        _ => false,
    }
}

/// What a parameter is and which Rust types hold it, in words: "a boolean parameter; use
/// `bool`".
fn expected(ty: &Ty) -> String {
    match ty {
        Ty::String { .. } => "a string parameter; use `String`, `&str` or `Cow<str>`".into(),
        Ty::Integer { from_string: Some(_), .. } => {
            "an integer parameter (sent as a string); use an integer type such as `u8` or `u16`, or `String`".into()
        }
        Ty::Integer { .. } => "an integer parameter; use an integer type such as `i64`, or `String`".into(),
        Ty::Number => "a number parameter; use `f64`, an integer type, or `String`".into(),
        Ty::Boolean => "a boolean parameter; use `bool`".into(),
        Ty::Enum { values, .. } => format!(
            "an enum parameter ({}); use `String` or the generated enum type",
            values.join(", ")
        ),
        Ty::Array { items } => format!(
            "an array parameter; use `Vec<T>` where `T` holds {}",
            expected(&items.ty.as_ty())
                .split(';')
                .next()
                .unwrap_or_default()
                .trim_start_matches("a ")
                .trim_start_matches("an ")
                .replace("parameter", "items")
        ),
        Ty::Map => "a map parameter; use `BTreeMap<String, String>` or `HashMap<String, String>`".into(),
        Ty::Object { or_id: Some(_), .. } => {
            "an object parameter (or an id); use a struct deriving `TokenRequest` with `#[token(object = \"...\")]`, or `String` for the id".into()
        }
        Ty::Object { .. } => {
            "an object parameter; use a struct deriving `TokenRequest` with `#[token(object = \"...\")]`, or map its fields one by one with `param = \"a[b]\"`".into()
        }
    }
}

/// The parameter under `base` whose relative path is closest to `rel`, if one is close.
fn did_you_mean(spec: &Spec, base: NodeId, rel: &str) -> Option<(NodeId, String)> {
    let base_path = &spec.node(base).path;
    spec.subtree(base)
        .into_iter()
        .filter(|n| *n != base)
        .map(|n| (n, token_spec::relative_path(base_path, &spec.node(n).path)))
        .map(|(n, r)| (token_spec::strsim_distance(rel, &r), r, n))
        .min()
        .filter(|(d, _, _)| *d <= 3 || *d <= rel.len() / 2)
        .map(|(_, r, n)| (n, r))
}

fn hint(suggestion: &Option<(NodeId, String)>) -> String {
    match suggestion {
        Some((_, r)) => format!("; did you mean `{r}`?"),
        None => String::new(),
    }
}

fn is_below(spec: &Spec, mut n: NodeId, ancestor: NodeId) -> bool {
    while let Some(p) = spec.node(n).parent {
        if p == ancestor {
            return true;
        }
        n = p;
    }
    false
}

/// A field's name for messages: `number`, or `0` for a tuple field.
fn field_name(f: &Field<'_>) -> String {
    match &f.member {
        syn::Member::Named(id) => id.to_string().trim_start_matches("r#").to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// Objects of a kind that a struct can stand for, for messages: `address`, `dob`, …
fn object_names(spec: &Spec, kind: NodeId) -> String {
    let names: Vec<String> = spec
        .node(kind)
        .children
        .iter()
        .filter(|c| matches!(spec.node(**c).ty, Ty::Object { .. }))
        .map(|c| format!("`{}`", spec.node(*c).name))
        .collect();
    match names.len() {
        0 => "none".into(),
        n if n > 6 => format!("{}, …", names[..6].join(", ")),
        _ => names.join(", "),
    }
}

/// One field that maps a parameter, as recorded for the clash and required checks.
struct Seen {
    node: NodeId,
    span: Span,
    field: String,
}

pub fn check<'a>(cx: &mut Ctxt, spec: &Spec, c: &'a Container<'a>) -> Option<Checked<'a>> {
    let kind_lit = c.kind.as_ref()?;
    let kind_name = kind_lit.value();
    let Some(kind) = spec.kind(&kind_name) else {
        let names: Vec<&str> = spec.kinds.iter().map(|k| k.name.as_str()).collect();
        let best = names
            .iter()
            .map(|n| (token_spec::strsim_distance(&kind_name, n), *n))
            .min()
            .filter(|(d, _)| *d <= 3)
            .map(|(_, n)| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        cx.error(
            kind_lit.span(),
            format!(
                "unknown token kind `{kind_name}`: expected one of {}{best}",
                names.join(", ")
            ),
        );
        return None;
    };
    let (scope, base) = if c.body {
        (Scope::Body, NodeId::ROOT)
    } else if let Some(obj) = &c.object {
        let full = token_spec::join_path(&kind_name, &obj.value());
        match spec.lookup(&full) {
            Some(id) if matches!(spec.node(id).ty, Ty::Object { .. }) => (Scope::Object, id),
            Some(id) => {
                let what = expected(&spec.node(id).ty);
                let what = what.split(';').next().unwrap_or_default();
                cx.error(
                    obj.span(),
                    format!(
                        "`{full}` is {what}, not an object: `object = \"...\"` names an object of {kind_name} tokens ({}); map `{}` with a field instead",
                        object_names(spec, kind.node),
                        obj.value()
                    ),
                );
                return None;
            }
            None => {
                cx.error(
                    obj.span(),
                    format!(
                        "unknown object `{}` in {kind_name} tokens{}",
                        obj.value(),
                        hint(&did_you_mean(spec, kind.node, &obj.value()))
                    ),
                );
                return None;
            }
        }
    } else {
        (Scope::Kind, kind.node)
    };
    // The struct's own attributes were wrong: where its fields go is a guess, so checking
    // them would only add follow-up errors.
    if c.attr_error {
        return None;
    }
    let base_path = spec.node(base).path.clone();
    let mut mapped: Vec<Mapped<'a>> = Vec::new();
    let mut seen: Vec<Seen> = Vec::new();
    // Required parameters not to report as missing: a misspelt field probably meant them.
    let mut meant: Vec<NodeId> = Vec::new();
    // A field could not be read: any required parameter may be the one it meant.
    let mut unreadable = false;
    for f in &c.fields {
        if f.attr_error {
            unreadable = true;
            continue;
        }
        if f.skip {
            continue;
        }
        let (rel, rel_span) = match (&f.param, &f.object, f.ident) {
            (Some(p), _, _) => (p.value(), p.span()),
            (None, Some(o), _) => (o.value(), o.span()),
            (None, None, Some(id)) => (
                id.to_string().trim_start_matches("r#").to_string(),
                id.span(),
            ),
            (None, None, None) => {
                cx.error_spanned(
                    f.ty,
                    "a tuple field needs `#[token(param = \"...\")]` or `#[token(skip)]`",
                );
                unreadable = true;
                continue;
            }
        };
        let full = token_spec::join_path(&base_path, &rel);
        let Some(node) = token_spec::split_path(&full).and_then(|_| spec.lookup(&full)) else {
            let where_ = if base_path.is_empty() {
                "the request body".to_string()
            } else {
                format!("`{base_path}`")
            };
            let suggestion = did_you_mean(spec, base, &rel);
            cx.error(
                rel_span,
                format!(
                    "unknown parameter `{full}`: {where_} has no parameter `{rel}`{}",
                    hint(&suggestion)
                ),
            );
            match suggestion {
                Some((n, _)) => meant.push(n),
                None => unreadable = true,
            }
            continue;
        };
        let n = spec.node(node);
        let ft = classify(f.ty);
        if f.object.is_some() && !matches!(n.ty, Ty::Object { .. }) {
            cx.error(
                rel_span,
                format!("`{full}` is not an object: use `param = \"{rel}\"` instead of `object`"),
            );
        } else if !fits(&n.ty, &ft.class) {
            cx.error_spanned(
                f.ty,
                format!("wrong type for `{full}`: it is {}", expected(&n.ty)),
            );
        } else if ft.unset && !n.unset {
            cx.error_spanned(
                f.ty,
                format!(
                    "`{full}` cannot be unset with \"\" (Stripe's schema has no empty-string form for it): drop `MaybeUnset`"
                ),
            );
        }
        // Two fields on one parameter, or on a parameter and an object holding it.
        let clash = seen.iter().find(|s| {
            s.node == node || is_below(spec, s.node, node) || is_below(spec, node, s.node)
        });
        if let Some(other) = clash {
            let other_path = &spec.node(other.node).path;
            let msg = if other.node == node {
                format!(
                    "`{full}` is mapped twice: field `{}` already maps it",
                    other.field
                )
            } else if is_below(spec, node, other.node) {
                format!(
                    "`{full}` is mapped twice: field `{}` already maps the object `{other_path}` that holds it",
                    other.field
                )
            } else {
                format!(
                    "`{full}` is mapped twice: field `{}` already maps `{other_path}`, which is inside it",
                    other.field
                )
            };
            cx.error(rel_span, msg);
            continue;
        }
        seen.push(Seen {
            node,
            span: rel_span,
            field: field_name(f),
        });
        let segments = token_spec::split_path(&full)
            .map(|s| s.iter().map(|x| x.to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        let skip = token_spec::split_path(&base_path).map_or(0, |s| s.len());
        mapped.push(Mapped {
            field: f,
            segments: segments[skip..].to_vec(),
            object_path: f.object.as_ref().map(|_| full.clone()),
        });
    }
    if !unreadable {
        check_required(cx, spec, c, kind, base, &seen, &meant);
    }
    Some(Checked {
        kind: kind_name,
        scope,
        base,
        fields: mapped,
    })
}

/// Required parameters: those of the base, and of every object on the way down to a mapped
/// parameter (mapping `dob[day]` sends `dob`, so `dob[year]` is required too).
fn check_required(
    cx: &mut Ctxt,
    spec: &Spec,
    c: &Container<'_>,
    kind: &token_spec::Kind,
    base: NodeId,
    seen: &[Seen],
    meant: &[NodeId],
) {
    let base_path = &spec.node(base).path;
    let covered = |n: NodeId| {
        seen.iter()
            .map(|s| s.node)
            .chain(meant.iter().copied())
            .any(|m| m == n || is_below(spec, m, n) || is_below(spec, n, m))
    };
    let mut objects = vec![base];
    for s in seen {
        let mut p = spec.node(s.node).parent;
        while let Some(id) = p {
            if id == base || !is_below(spec, id, base) {
                break;
            }
            if !objects.contains(&id) {
                objects.push(id);
            }
            p = spec.node(id).parent;
        }
    }
    objects.sort();
    for obj in objects {
        // The body has no required parameters of its own (the kind is).
        let mut required: Vec<NodeId> = spec
            .node(obj)
            .children
            .iter()
            .copied()
            .filter(|ch| spec.node(*ch).required)
            .collect();
        // The kind's parameter is required unless another parameter can imply the kind.
        if obj == NodeId::ROOT && kind.implied_by.is_empty() {
            required.push(kind.node);
        }
        // A mapped child that replaces its siblings (`bank_account[payment_method]`) makes
        // them optional.
        let alone = spec
            .node(obj)
            .children
            .iter()
            .any(|&c| spec.is_exclusive(c) && covered(c));
        for r in required {
            // Or a mapped top-level parameter stands in for it (`pk_token` for
            // `card[number]`).
            let lifted = spec.node(r).required_unless.iter().any(|&l| covered(l));
            if covered(r) || lifted || (alone && r != kind.node) {
                continue;
            }
            let rn = spec.node(r);
            let rel = token_spec::relative_path(base_path, &rn.path);
            let (span, why) = match seen
                .iter()
                .find(|s| obj != base && is_below(spec, s.node, obj))
            {
                Some(s) => (
                    s.span,
                    format!(
                        " (`{}` is mapped, so the object `{}` is sent, and it needs `{}`)",
                        spec.node(s.node).path,
                        spec.node(obj).path,
                        rn.name
                    ),
                ),
                None => (c.input.ident.span(), String::new()),
            };
            let fix = if rel.contains('[') {
                format!("add a field with `#[token(param = \"{rel}\")]`")
            } else {
                format!("add a field `{rel}` or one with `#[token(param = \"{rel}\")]`")
            };
            cx.error(
                span,
                format!("missing required parameter `{}`{why}: {fix}", rn.path),
            );
        }
    }
}
