//! Rust values as Stripe parameters: [`ToParam`] writes a value as the `path=value` pairs of
//! Stripe's bracket notation to a [`ParamSink`]. The same pairs feed the generated validators
//! (`TokenRequest::validate`), the form encoder (`TokenRequest::to_form`) and the value model
//! (`TokenRequest::to_body`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The path of the parameter being written: its bracket segments (`card`, `number`).
#[derive(Debug, Default, Clone)]
pub struct ParamPath<'a> {
    segs: Vec<Cow<'a, str>>,
}

impl<'a> ParamPath<'a> {
    /// An empty path: the request body.
    pub fn new() -> Self {
        ParamPath::default()
    }
    /// Goes one level down.
    pub fn push(&mut self, seg: impl Into<Cow<'a, str>>) {
        self.segs.push(seg.into());
    }
    /// Goes down the segments of a path relative to here (`["dob", "day"]`).
    pub fn enter(&mut self, segs: &[&'static str]) {
        self.segs.extend(segs.iter().map(|s| Cow::Borrowed(*s)));
    }
    /// Goes `n` levels up.
    pub fn leave(&mut self, n: usize) {
        let keep = self.segs.len().saturating_sub(n);
        self.segs.truncate(keep);
    }
    /// Goes one level up.
    pub fn pop(&mut self) {
        self.segs.pop();
    }
    /// The segments.
    pub fn segments(&self) -> &[Cow<'a, str>] {
        &self.segs
    }
}

/// Where the pairs of a value go: a form encoder, a validator, a tree.
pub trait ParamSink<'a> {
    /// One parameter: its path's segments and its value (`""` unsets it).
    fn pair(&mut self, path: &[Cow<'a, str>], value: Cow<'a, str>);
}

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot stand for a Stripe parameter",
    label = "this type has no `ToParam` implementation",
    note = "use a string, integer, number, bool, `Option`, `Vec`, a string map, `MaybeUnset`, or a struct that derives `TokenRequest`"
)]
/// A Rust value that can stand for a parameter: strings, integers, numbers, booleans,
/// `Option` (absent when `None`), `Vec` (arrays), string maps (`metadata`), [`MaybeUnset`],
/// and the structs and enums that derive or generate it.
pub trait ToParam {
    /// Writes the value's pairs under `path` (nothing when the parameter is absent).
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>);
}

/// Writes one value at `path`.
fn text<'a>(path: &ParamPath<'a>, out: &mut dyn ParamSink<'a>, value: Cow<'a, str>) {
    out.pair(path.segments(), value);
}

impl ToParam for String {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        text(path, out, Cow::Borrowed(self));
    }
}
impl ToParam for str {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        text(path, out, Cow::Borrowed(self));
    }
}
impl ToParam for Cow<'_, str> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        text(path, out, Cow::Borrowed(self.as_ref()));
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        (**self).to_param(path, out);
    }
}
impl<T: ToParam + ?Sized> ToParam for Box<T> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        (**self).to_param(path, out);
    }
}
impl ToParam for bool {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        text(
            path,
            out,
            Cow::Borrowed(if *self { "true" } else { "false" }),
        );
    }
}
macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
                text(path, out, Cow::Owned(self.to_string()));
            }
        }
    )*};
}
// Floats print in plain decimal notation: `Display` never uses an exponent (which Stripe
// refuses), and gives the shortest text that reads back as the same value.
display_param!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

impl<T: ToParam> ToParam for Option<T> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        if let Some(v) = self {
            v.to_param(path, out);
        }
    }
}
impl<T: ToParam> ToParam for Vec<T> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        self.as_slice().to_param(path, out);
    }
}
impl<T: ToParam> ToParam for [T] {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        for (i, v) in self.iter().enumerate() {
            path.push(i.to_string());
            v.to_param(path, out);
            path.pop();
        }
    }
}
impl<K: AsRef<str>, V: ToParam> ToParam for BTreeMap<K, V> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        map_param(self.iter(), path, out);
    }
}
impl<K: AsRef<str>, V: ToParam, S> ToParam for HashMap<K, V, S> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        // Sorted, so the form encoding is deterministic.
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        map_param(entries.into_iter(), path, out);
    }
}

fn map_param<'a, K: AsRef<str> + 'a, V: ToParam + 'a>(
    entries: impl Iterator<Item = (&'a K, &'a V)>,
    path: &mut ParamPath<'a>,
    out: &mut dyn ParamSink<'a>,
) {
    for (k, v) in entries {
        path.push(k.as_ref());
        v.to_param(path, out);
        path.pop();
    }
}

/// A value, or `""` to unset it, where Stripe's schema allows the empty string
/// (`anyOf: [T, enum [""]]`). Other Stripe crates drop the unset form; here it is explicit.
#[derive(Debug, Clone, PartialEq)]
pub enum MaybeUnset<T> {
    /// A value.
    Set(T),
    /// `""`: unset the value.
    Unset,
}

impl<T: ToParam> ToParam for MaybeUnset<T> {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        match self {
            MaybeUnset::Set(v) => v.to_param(path, out),
            MaybeUnset::Unset => text(path, out, Cow::Borrowed("")),
        }
    }
}

impl<T: Serialize> Serialize for MaybeUnset<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MaybeUnset::Set(v) => v.serialize(s),
            MaybeUnset::Unset => s.serialize_str(""),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MaybeUnset<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UnsetVisitor(PhantomData))
    }
}

/// Reads `""` as [`MaybeUnset::Unset`] and anything else as the value, in one pass (no copy
/// of the input).
struct UnsetVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for UnsetVisitor<T> {
    type Value = MaybeUnset<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, or \"\" to unset it")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(MaybeUnset::Unset);
        }
        // Through a text deserializer, so that "12" reads as a number where `T` is one.
        T::deserialize(TextDeserializer::<E>(v, PhantomData)).map(MaybeUnset::Set)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(MaybeUnset::Set)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(MaybeUnset::Set)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(MaybeUnset::Set)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(MaybeUnset::Set)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(MaybeUnset::Set)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(MaybeUnset::Set)
    }
}

/// A deserializer of one text that parses it as a number or a boolean where the target
/// type asks for one. Its errors never quote the text.
struct TextDeserializer<'a, E>(&'a str, PhantomData<E>);

impl<'a, E: de::Error> TextDeserializer<'a, E> {
    fn parse<T: std::str::FromStr>(&self) -> Result<T, E> {
        self.0
            .parse()
            .map_err(|_| E::custom("a value does not fit its type"))
    }
}

macro_rules! de_num {
    ($($m:ident $v:ident $t:ty),*) => {$(
        fn $m<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
            v.$v(self.parse::<$t>()?)
        }
    )*};
}

impl<'de, E: de::Error> Deserializer<'de> for TextDeserializer<'_, E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_str(self.0)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        // The spellings the spec accepts (`true`, `True`, …; rules.json `booleans`).
        match token_spec::bundled().parse_boolean(self.0) {
            Some(b) => v.visit_bool(b),
            None => Err(E::custom("expected true or false")),
        }
    }
    de_num!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64, deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64);
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_enum(self.0.into_deserializer())
    }
    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any i128 u128
    }
}

/// Reads an object-or-id union in one pass: a string is the id (`Ok`), a dictionary the
/// details (`Err`). Used by the generated `…OrId` types.
#[doc(hidden)]
pub fn deserialize_or_id<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Result<String, T>, D::Error> {
    struct OrId<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for OrId<T> {
        type Value = Result<String, T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id or a dictionary of parameters")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Ok(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Ok(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Err)
        }
    }
    d.deserialize_any(OrId(PhantomData))
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for MaybeUnset<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("MaybeUnset_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = generator.subschema_for::<T>();
        schemars::json_schema!({"anyOf": [inner, {"const": ""}]})
    }
}

/// Stripe's form encoding of pairs: `card[number]=4242&card[exp_month]=12`. Key segments and
/// values are percent-encoded as `application/x-www-form-urlencoded` (space as `+`); the
/// brackets stay literal.
#[derive(Debug, Default)]
pub struct FormEncoder {
    out: String,
}

impl FormEncoder {
    /// An empty body.
    pub fn new() -> Self {
        FormEncoder::default()
    }
    /// The body.
    pub fn finish(self) -> String {
        self.out
    }
}

impl<'a> ParamSink<'a> for FormEncoder {
    fn pair(&mut self, path: &[Cow<'a, str>], value: Cow<'a, str>) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        for (i, seg) in path.iter().enumerate() {
            if i > 0 {
                self.out.push('[');
            }
            self.out
                .extend(form_urlencoded::byte_serialize(seg.as_bytes()));
            if i > 0 {
                self.out.push(']');
            }
        }
        self.out.push('=');
        self.out
            .extend(form_urlencoded::byte_serialize(value.as_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects pairs as `path=value` strings.
    #[derive(Default)]
    struct Pairs(Vec<String>);

    impl<'a> ParamSink<'a> for Pairs {
        fn pair(&mut self, path: &[Cow<'a, str>], value: Cow<'a, str>) {
            self.0.push(format!("{}={value}", path.join("/")));
        }
    }

    fn pairs<T: ToParam>(v: &T) -> Vec<String> {
        let mut out = Pairs::default();
        let mut path = ParamPath::new();
        path.push("p");
        v.to_param(&mut path, &mut out);
        out.0
    }

    #[test]
    fn values_write_their_pairs() {
        assert_eq!(pairs(&"x".to_string()), ["p=x"]);
        assert_eq!(pairs(&12u8), ["p=12"]);
        assert_eq!(pairs(&true), ["p=true"]);
        assert_eq!(pairs(&0.0000001f64), ["p=0.0000001"]);
        assert!(pairs(&None::<String>).is_empty());
        assert_eq!(pairs(&vec!["a", "b"]), ["p/0=a", "p/1=b"]);
        let mut m = BTreeMap::new();
        m.insert("2024", "x");
        assert_eq!(pairs(&m), ["p/2024=x"]);
        assert_eq!(pairs(&MaybeUnset::<String>::Unset), ["p="]);
        assert!(pairs(&Vec::<String>::new()).is_empty());
    }

    #[test]
    fn form_encoding() {
        let mut e = FormEncoder::new();
        e.pair(&["card".into(), "name".into()], "J&J=1 [x]".into());
        e.pair(&["expand".into(), "0".into()], "card".into());
        assert_eq!(e.finish(), "card[name]=J%26J%3D1+%5Bx%5D&expand[0]=card");
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct P {
        dob: Option<MaybeUnset<u8>>,
    }

    #[test]
    fn unset_reads_back_and_numbers_read_from_text() {
        let p: P = serde_json::from_str(r#"{"dob": ""}"#).unwrap();
        assert_eq!(p.dob, Some(MaybeUnset::Unset));
        let p: P = serde_json::from_str(r#"{"dob": "12"}"#).unwrap();
        assert_eq!(p.dob, Some(MaybeUnset::Set(12)));
        let e = serde_json::from_str::<P>(r#"{"dob": "SECRET"}"#).unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
    }
}
