//! Building a typed value from a validated body: the reverse of [`ToParam`](crate::ToParam).
//!
//! `#[derive(TokenRequest)]` implements [`FromParam`] for every struct it derives (objects
//! and whole requests) and [`FromParams`] for a request, reading each mapped field from
//! the body's parameter tree ([`tree::Object`]); the built-in types implement it the same
//! way. [`validate_form_as`](crate::validate_form_as), [`validate_json_as`](crate::validate_json_as)
//! and the axum extractor `Preflight<T>` validate a body with the whole spec first (so
//! every error is Stripe's) and then build `T` from it.
//!
//! Building cannot fail on a type whose fields hold every value the spec allows (the
//! derive checks that a field's type fits its parameter). It fails, with a Stripe-shaped
//! error on the parameter, only where a field is narrower than the spec: an integer type
//! too small for the value (`u8` for a year: `parameter_integer_too_large`, limit the
//! type's maximum), or a required field whose parameter the body leaves out although
//! Stripe allows that (`parameter_missing`). Parameters the body has and `T` does not map
//! are left out, as serde leaves out unknown fields. Fields with `#[token(skip)]` get
//! their type's `Default`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;

use token_spec::Generic;

use super::generated::Kind;
use crate::error::{Error, Errors, Fill, Phase};
use crate::param::MaybeUnset;
use crate::request::decimal::Decimal;
use crate::tree::{Object, Value};

/// Where a value is in the body: a parameter path kept as a chain of segments on the
/// stack, turned into a bracket path (`person[dob][day]`) only for an error.
#[derive(Clone, Copy)]
pub struct Loc<'a> {
    parent: Option<&'a Loc<'a>>,
    segment: &'a str,
}

impl<'a> Loc<'a> {
    /// The top of the body (no parameter).
    pub const ROOT: Loc<'static> = Loc {
        parent: None,
        segment: "",
    };

    /// The parameter `segment` inside this one.
    pub fn child(&'a self, segment: &'a str) -> Loc<'a> {
        Loc {
            parent: Some(self),
            segment,
        }
    }

    /// The bracket path: `person[dob][day]`.
    pub fn path(&self) -> String {
        let mut segments = Vec::new();
        let mut at = Some(self);
        while let Some(l) = at {
            if l.parent.is_some() {
                segments.push(l.segment);
            }
            at = l.parent;
        }
        segments.reverse();
        crate::tree::bracket_path(&segments)
    }
}

impl fmt::Debug for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only parameter names: what `quote::path` lets an answer repeat.
        f.write_str(&crate::quote::path(&self.path()))
    }
}

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built from a token request parameter",
    label = "no `FromParam` for this type",
    note = "fields of a struct that derives `TokenRequest` are built with `FromParam`: use `String`, an integer, `f64`, `bool`, `Decimal`, `Vec`, `BTreeMap<String, _>`, `HashMap<String, _>`, `Option`, `MaybeUnset`, a built-in enum, or a struct that derives `TokenRequest` as an object"
)]
/// A value that can be read from one parameter of a validated body.
pub trait FromParam: Sized {
    /// Reads the parameter at `at`, whose value is `value`.
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors>;

    /// The value of a parameter the body leaves out: `None` for an [`Option`], a
    /// `parameter_missing` error for anything else.
    fn from_absent(at: Loc<'_>) -> Result<Self, Errors> {
        Err(generic(Generic::ParameterMissing, &at.path(), None, None))
    }
}

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built from a validated token request",
    label = "not a token request",
    note = "derive it with `#[derive(TokenRequest)]` and `#[token(kind = \"...\")]` (not `object = \"...\"`); a field marked `#[token(skip)]` needs a type that implements `Default`, every other field a type that implements `FromParam`"
)]
/// A whole request that can be built from a validated body: `#[derive(TokenRequest)]`
/// implements it for a struct with `#[token(kind = "...")]`, and [`Request`](crate::Request)
/// implements it for every kind.
pub trait FromParams: Sized {
    /// Builds the request from `body`, a body that validated as a `kind` request.
    ///
    /// A request type of another kind answers with an `invalid_request_error` that names
    /// both kinds.
    fn from_params(body: &Object, kind: Kind) -> Result<Self, Errors>;
}

/// The spec's generic error `which` on the parameter `path`.
fn generic(which: Generic, path: &str, value: Option<&str>, limit: Option<i64>) -> Errors {
    let spec = token_spec::bundled();
    // A path the spec does not know is treated as secret: its value is not quoted.
    let secret = spec.lookup(path).is_none_or(|id| !spec.quotes_value(id));
    Errors::one(Error::from_def(
        spec.generic(which),
        Phase::Types,
        0,
        Fill {
            param: path,
            value,
            secret,
            limit,
            definition: std::borrow::Cow::Borrowed(which.name()),
            ..Fill::default()
        },
    ))
}

/// The text of a scalar, or the error for an object or array where one value is expected.
fn text<'v>(value: &'v Value, at: Loc<'_>) -> Result<&'v str, Errors> {
    match value {
        Value::Scalar(s) => Ok(&s.text),
        _ => Err(generic(
            Generic::ParameterInvalidScalar,
            &at.path(),
            None,
            None,
        )),
    }
}

impl FromParam for String {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        text(value, at).map(str::to_string)
    }
}

impl FromParam for Cow<'static, str> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        String::from_param(value, at).map(Cow::Owned)
    }
}

impl FromParam for bool {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        let t = text(value, at)?;
        token_spec::bundled()
            .parse_boolean(t)
            .ok_or_else(|| generic(Generic::ParameterInvalidBoolean, &at.path(), Some(t), None))
    }
}

macro_rules! integer_param {
    ($($t:ty),*) => {$(
        impl FromParam for $t {
            fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
                let t = text(value, at)?;
                if let Ok(v) = t.parse::<$t>() {
                    return Ok(v);
                }
                // A valid integer that this type cannot hold: the type's own range.
                let (which, limit) = match t.parse::<i128>() {
                    Ok(v) if v > 0 => (Generic::ParameterIntegerTooLarge, <$t>::MAX as i128),
                    Ok(_) => (Generic::ParameterIntegerTooSmall, <$t>::MIN as i128),
                    Err(_) => (Generic::ParameterInvalidInteger, 0),
                };
                let limit = i64::try_from(limit).ok();
                Err(generic(which, &at.path(), Some(t), limit))
            }
        }
    )*};
}
integer_param!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

macro_rules! float_param {
    ($($t:ty),*) => {$(
        impl FromParam for $t {
            fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
                let t = text(value, at)?;
                t.parse::<$t>()
                    .map_err(|_| generic(Generic::ParameterInvalidNumber, &at.path(), Some(t), None))
            }
        }
    )*};
}
float_param!(f32, f64);

impl FromParam for Decimal {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        let t = text(value, at)?;
        t.parse::<Decimal>()
            .map_err(|_| generic(Generic::ParameterInvalidNumber, &at.path(), Some(t), None))
    }
}

impl<T: FromParam> FromParam for Option<T> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        T::from_param(value, at).map(Some)
    }
    fn from_absent(_: Loc<'_>) -> Result<Self, Errors> {
        Ok(None)
    }
}

impl<T: FromParam> FromParam for Box<T> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        T::from_param(value, at).map(Box::new)
    }
    fn from_absent(at: Loc<'_>) -> Result<Self, Errors> {
        T::from_absent(at).map(Box::new)
    }
}

impl<T: FromParam> FromParam for MaybeUnset<T> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        match value {
            Value::Scalar(s) if s.text.is_empty() => Ok(MaybeUnset::Unset),
            v => T::from_param(v, at).map(MaybeUnset::Set),
        }
    }
    fn from_absent(at: Loc<'_>) -> Result<Self, Errors> {
        T::from_absent(at).map(MaybeUnset::Set)
    }
}

impl<T: FromParam> FromParam for Vec<T> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        let Value::Array(items) = value else {
            return Err(generic(
                Generic::ParameterInvalidArray,
                &at.path(),
                None,
                None,
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let index = i.to_string();
            out.push(T::from_param(item, at.child(&index))?);
        }
        Ok(out)
    }
}

/// The entries of a map parameter, each read with `V`, collected into `M`.
fn entries<V: FromParam, M: FromIterator<(String, V)>>(
    value: &Value,
    at: Loc<'_>,
) -> Result<M, Errors> {
    let Value::Object(o) = value else {
        return Err(generic(
            Generic::ParameterInvalidObject,
            &at.path(),
            None,
            None,
        ));
    };
    o.iter()
        .map(|(k, v)| Ok((k.to_string(), V::from_param(v, at.child(k))?)))
        .collect()
}

impl<V: FromParam> FromParam for BTreeMap<String, V> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        entries(value, at)
    }
}

impl<V: FromParam, S: BuildHasher + Default> FromParam for HashMap<String, V, S> {
    fn from_param(value: &Value, at: Loc<'_>) -> Result<Self, Errors> {
        entries(value, at)
    }
}

/// What the derive's generated code calls.
#[doc(hidden)]
pub mod derive {
    use super::*;

    /// Compile-time string equality, for the derive's checks of nested object paths.
    pub const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// The object of a struct that derives `TokenRequest`, or the error for a value that
    /// is not one.
    pub fn object<'v>(value: &'v Value, at: Loc<'_>) -> Result<&'v Object, Errors> {
        match value {
            Value::Object(o) => Ok(o),
            _ => Err(generic(
                Generic::ParameterInvalidObject,
                &at.path(),
                None,
                None,
            )),
        }
    }

    /// The field at `segments` below `object` (at `at`).
    pub fn field<T: FromParam>(
        object: &Object,
        segments: &[&str],
        at: Loc<'_>,
    ) -> Result<T, Errors> {
        let Some((first, rest)) = segments.split_first() else {
            return T::from_absent(at);
        };
        let here = at.child(first);
        match object.get(first) {
            // As the validators read it: what holds nothing was not sent.
            None => absent(&here, rest),
            Some(v) if holds_nothing(v) => absent(&here, rest),
            Some(v) if rest.is_empty() => T::from_param(v, here),
            Some(v) => field(object_of(v, here)?, rest, here),
        }
    }

    /// The field at `segments` below `object`, or where it was sent under an older name
    /// (an alias, `aliases`: `pii[personal_id_number]` for `pii[id_number]`) when it was not
    /// sent under today's, as the validators build it.
    pub fn field_or<T: FromParam>(
        object: &Object,
        segments: &[&str],
        aliases: &[&[&str]],
        at: Loc<'_>,
    ) -> Result<T, Errors> {
        let sent = |segs: &[&str]| {
            let mut o = object;
            for (i, s) in segs.iter().enumerate() {
                match o.get(s) {
                    None => return false,
                    Some(v) if holds_nothing(v) => return false,
                    Some(_) if i + 1 == segs.len() => return true,
                    Some(Value::Object(inner)) => o = inner,
                    Some(_) => return true,
                }
            }
            false
        };
        if !sent(segments)
            && let Some(alias) = aliases.iter().find(|a| sent(a))
        {
            return field(object, alias, at);
        }
        field(object, segments, at)
    }

    /// Whether a value stands for nothing sent: an empty list, or an object or map whose
    /// members all hold nothing (JSON's `[]`, `{}`, `{"metadata": {}}`). A form body cannot
    /// send these, so the validators read them as absent; a body that validated with one
    /// builds the same value as without it.
    fn holds_nothing(value: &Value) -> bool {
        match value {
            Value::Scalar(_) => false,
            Value::Array(items) => items.is_empty(),
            Value::Object(o) => o.iter().all(|(_, v)| holds_nothing(v)),
        }
    }

    fn object_of<'v>(value: &'v Value, at: Loc<'_>) -> Result<&'v Object, Errors> {
        object(value, at)
    }

    /// A field whose parent object is left out: absent too, at its own path.
    fn absent<T: FromParam>(at: &Loc<'_>, rest: &[&str]) -> Result<T, Errors> {
        match rest.split_first() {
            None => T::from_absent(*at),
            Some((first, rest)) => absent(&at.child(first), rest),
        }
    }

    /// The body of a request of `kind`, checked against the type's kind.
    pub fn kind_of(kind: Kind, expected: &str) -> Result<(), Errors> {
        if kind.as_str() == expected {
            Ok(())
        } else {
            Err(Errors::invalid_body(format!(
                "Invalid request body: this endpoint takes {expected} token requests, and the body is a {kind} token request."
            )))
        }
    }

    /// The value of the kind's parameter in a body (`card`): an empty object when the body
    /// leaves it out, so that the fields are absent one by one.
    pub fn kind_value<'v>(body: &'v Object, kind: &str) -> &'v Value {
        static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        body.get(kind)
            .unwrap_or_else(|| EMPTY.get_or_init(|| Value::Object(Object::new())))
    }

    /// The text of a single value.
    pub fn text<'v>(value: &'v Value, at: Loc<'_>) -> Result<&'v str, Errors> {
        super::text(value, at)
    }

    /// A value that is not one of an enum's.
    pub fn invalid_enum(value: &str, at: Loc<'_>) -> Errors {
        let path = at.path();
        let spec = token_spec::bundled();
        let values = spec.lookup(&path).map(crate::engine::run::enum_values);
        let secret = spec.lookup(&path).is_none_or(|id| !spec.quotes_value(id));
        Errors::one(Error::from_def(
            spec.generic(Generic::ParameterInvalidEnum),
            Phase::Types,
            0,
            Fill {
                param: &path,
                value: Some(value),
                secret,
                values,
                definition: std::borrow::Cow::Borrowed(Generic::ParameterInvalidEnum.name()),
                ..Fill::default()
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Scalar;

    fn scalar(t: &str) -> Value {
        Value::Scalar(Scalar::new(t))
    }

    fn at<'a>(root: &'a Loc<'a>, seg: &'a str) -> Loc<'a> {
        root.child(seg)
    }

    #[test]
    fn paths() {
        let card = Loc::ROOT.child("card");
        assert_eq!(card.path(), "card");
        let n = at(&card, "networks");
        assert_eq!(at(&n, "preferred").path(), "card[networks][preferred]");
        assert_eq!(Loc::ROOT.path(), "");
        assert_eq!(
            format!("{:?}", at(&card, "4242424242424242")),
            "card[(redacted)]"
        );
    }

    #[test]
    fn scalars() {
        let x = Loc::ROOT.child("card");
        let y = at(&x, "exp_year");
        assert_eq!(u16::from_param(&scalar("2034"), y).unwrap(), 2034);
        let e = u8::from_param(&scalar("2034"), y).unwrap_err();
        assert_eq!(
            e.first().message,
            "This value must be less than or equal to 255."
        );
        assert_eq!(e.first().param.as_deref(), Some("card[exp_year]"));
        let e = u8::from_param(&scalar("-1"), y).unwrap_err();
        assert_eq!(
            e.first().message,
            "This value must be greater than or equal to 0."
        );
        assert!(u8::from_param(&scalar("x"), y).is_err());
        assert!(bool::from_param(&scalar("true"), y).unwrap());
        assert!(!bool::from_param(&scalar("false"), y).unwrap());
        assert!(bool::from_param(&scalar("yes"), y).is_err());
        assert_eq!(f64::from_param(&scalar("1.5"), y).unwrap(), 1.5);
        assert_eq!(
            Decimal::from_param(&scalar("0.000000000000000001"), y)
                .unwrap()
                .as_str(),
            "0.000000000000000001"
        );
        assert_eq!(String::from_param(&scalar("a b"), y).unwrap(), "a b");
        let e = String::from_param(&Value::Object(Object::new()), y).unwrap_err();
        assert_eq!(e.first().param.as_deref(), Some("card[exp_year]"));
    }

    #[test]
    fn absent_and_unset() {
        let x = Loc::ROOT.child("person");
        let d = at(&x, "dob");
        assert_eq!(Option::<String>::from_absent(d).unwrap(), None);
        let e = String::from_absent(d).unwrap_err();
        assert_eq!(e.first().code.as_deref(), Some("parameter_missing"));
        assert_eq!(e.first().param.as_deref(), Some("person[dob]"));
        assert_eq!(
            MaybeUnset::<String>::from_param(&scalar(""), d).unwrap(),
            MaybeUnset::Unset
        );
        assert_eq!(
            MaybeUnset::<String>::from_param(&scalar("x"), d).unwrap(),
            MaybeUnset::Set("x".to_string())
        );
    }

    #[test]
    fn arrays_and_maps() {
        let x = Loc::ROOT.child("expand");
        let v = Value::Array(vec![scalar("a"), scalar("b")]);
        assert_eq!(Vec::<String>::from_param(&v, x).unwrap(), ["a", "b"]);
        let e =
            Vec::<u8>::from_param(&Value::Array(vec![scalar("1"), scalar("300")]), x).unwrap_err();
        assert_eq!(e.first().param.as_deref(), Some("expand[1]"));
        assert!(Vec::<String>::from_param(&scalar("a"), x).is_err());
        let mut o = Object::new();
        o.insert("k".into(), scalar("v"));
        let m = BTreeMap::<String, String>::from_param(&Value::Object(o.clone()), x).unwrap();
        assert_eq!(m.get("k").map(String::as_str), Some("v"));
        let h: HashMap<String, String> = FromParam::from_param(&Value::Object(o), x).unwrap();
        assert_eq!(h.len(), 1);
        assert!(BTreeMap::<String, String>::from_param(&scalar("a"), x).is_err());
    }

    #[test]
    fn other_kinds_are_named() {
        let e = derive::kind_of(Kind::Card, "person").unwrap_err();
        assert!(e.first().message.contains("person token requests"));
        assert!(e.first().message.contains("a card token request"));
        assert!(derive::kind_of(Kind::Card, "card").is_ok());
    }
}
