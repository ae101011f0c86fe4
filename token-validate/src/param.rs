//! Rust values ⇄ parameter trees: [`ToParam`] turns a field into a tree value (for
//! validation and form encoding), and [`TreeDeserializer`] reads a validated tree into a
//! typed request with serde.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::tree::{Object, Scalar, Value};

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot stand for a Stripe parameter",
    label = "this type has no `ToParam` implementation",
    note = "use a string, integer, number, bool, `Option`, `Vec`, a string map, `MaybeUnset`, or a struct that derives `TokenRequest`"
)]
/// A Rust value that can stand for a parameter: strings, integers, numbers, booleans,
/// `Option` (absent when `None`), `Vec` (arrays), string maps (`metadata`), [`MaybeUnset`],
/// and the structs and enums that derive or generate it.
pub trait ToParam {
    /// The parameter's value, or `None` when the parameter is absent.
    fn to_param(&self) -> Option<Value>;
}

fn text(s: impl Into<String>) -> Option<Value> {
    Some(Value::Scalar(Scalar::new(s)))
}

impl ToParam for String {
    fn to_param(&self) -> Option<Value> {
        text(self.as_str())
    }
}
impl ToParam for str {
    fn to_param(&self) -> Option<Value> {
        text(self)
    }
}
impl ToParam for Cow<'_, str> {
    fn to_param(&self) -> Option<Value> {
        text(self.as_ref())
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Option<Value> {
        (**self).to_param()
    }
}
impl<T: ToParam + ?Sized> ToParam for Box<T> {
    fn to_param(&self) -> Option<Value> {
        (**self).to_param()
    }
}
impl ToParam for bool {
    fn to_param(&self) -> Option<Value> {
        text(if *self { "true" } else { "false" })
    }
}
macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Option<Value> {
                text(self.to_string())
            }
        }
    )*};
}
display_param!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Option<Value> {
        self.as_ref().and_then(ToParam::to_param)
    }
}
impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> Option<Value> {
        self.as_slice().to_param()
    }
}
impl<T: ToParam> ToParam for [T] {
    fn to_param(&self) -> Option<Value> {
        Some(Value::Array(
            self.iter().filter_map(ToParam::to_param).collect(),
        ))
    }
}
impl<K: AsRef<str>, V: ToParam> ToParam for BTreeMap<K, V> {
    fn to_param(&self) -> Option<Value> {
        Some(map_param(self.iter()))
    }
}
impl<K: AsRef<str>, V: ToParam, S> ToParam for HashMap<K, V, S> {
    fn to_param(&self) -> Option<Value> {
        // Sorted, so the form encoding is deterministic.
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        Some(map_param(entries.into_iter()))
    }
}

fn map_param<'a, K: AsRef<str> + 'a, V: ToParam + 'a>(
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) -> Value {
    let mut o = Object::new();
    for (k, v) in entries {
        if let Some(v) = v.to_param() {
            o.insert(k.as_ref().to_string(), v);
        }
    }
    Value::Object(o)
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
    fn to_param(&self) -> Option<Value> {
        match self {
            MaybeUnset::Set(v) => v.to_param(),
            MaybeUnset::Unset => text(""),
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
        // Through the tree's deserializer, so that "12" reads as a number where `T` is one.
        T::deserialize(TreeDeserializer(Value::Scalar(Scalar::new(v))))
            .map(MaybeUnset::Set)
            .map_err(E::custom)
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

impl<'de> Deserialize<'de> for Value {
    /// Reads any self-describing input (JSON) into a tree: numbers and booleans become
    /// their text, as in the form encoding.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a parameter value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v.to_string())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::new(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut o = Object::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            o.insert(k, v);
        }
        Ok(Value::Object(o))
    }
}

/// Why a tree could not be read into a type. After validation this does not happen; it
/// is mapped to an `invalid_request_error` if it ever does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeError(String);

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for TreeError {}
impl de::Error for TreeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TreeError(msg.to_string())
    }
}

/// A serde `Deserializer` that consumes a parameter tree: scalars are read as strings
/// (moved, not copied), or parsed as integers, numbers and booleans where the target type
/// asks for them.
pub struct TreeDeserializer(pub Value);

impl TreeDeserializer {
    fn scalar(self) -> Result<String, TreeError> {
        match self.0 {
            Value::Scalar(s) => Ok(s.text),
            _ => Err(TreeError("expected a single value".into())),
        }
    }
    fn parse<T: std::str::FromStr>(&self) -> Result<T, TreeError> {
        match &self.0 {
            Value::Scalar(s) => s
                .text
                .parse()
                .map_err(|_| TreeError("a value does not fit its type".into())),
            _ => Err(TreeError("expected a single value".into())),
        }
    }
}

macro_rules! de_num {
    ($($m:ident $v:ident $t:ty),*) => {$(
        fn $m<V: Visitor<'de>>(self, v: V) -> Result<V::Value, TreeError> {
            v.$v(self.parse::<$t>()?)
        }
    )*};
}

impl<'de> Deserializer<'de> for TreeDeserializer {
    type Error = TreeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, TreeError> {
        match self.0 {
            Value::Scalar(s) => v.visit_string(s.text),
            Value::Object(o) => ObjectDeserializer(o).deserialize_any(v),
            Value::Array(a) => v.visit_seq(SeqAcc {
                iter: a.into_iter(),
            }),
        }
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, TreeError> {
        // The spellings the spec accepts (`true`, `True`, …; rules.json `booleans`).
        let parsed = match &self.0 {
            Value::Scalar(s) => token_spec::bundled().parse_boolean(&s.text),
            _ => None,
        };
        match parsed {
            Some(b) => v.visit_bool(b),
            None => Err(TreeError("expected true or false".into())),
        }
    }
    de_num!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64, deserialize_f32 visit_f32 f32,
        deserialize_f64 visit_f64 f64);
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, TreeError> {
        v.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, TreeError> {
        v.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, TreeError> {
        v.visit_enum(self.scalar()?.into_deserializer())
    }
    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any i128 u128
    }
}

struct ObjAccess<I> {
    iter: I,
    next: Option<Value>,
}

impl<'de, I: Iterator<Item = (String, Value)>> MapAccess<'de> for ObjAccess<I> {
    type Error = TreeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TreeError> {
        match self.iter.next() {
            Some((k, v)) => {
                self.next = Some(v);
                seed.deserialize(k.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, TreeError> {
        match self.next.take() {
            Some(v) => seed.deserialize(TreeDeserializer(v)),
            None => Err(TreeError("a value without a key".into())),
        }
    }
}

struct SeqAcc<I> {
    iter: I,
}

impl<'de, I: Iterator<Item = Value>> SeqAccess<'de> for SeqAcc<I> {
    type Error = TreeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TreeError> {
        match self.iter.next() {
            Some(v) => seed.deserialize(TreeDeserializer(v)).map(Some),
            None => Ok(None),
        }
    }
}

/// A serde `Deserializer` that consumes a whole parameter tree (the request body).
pub struct ObjectDeserializer(pub Object);

impl<'de> Deserializer<'de> for ObjectDeserializer {
    type Error = TreeError;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, TreeError> {
        v.visit_map(ObjAccess {
            iter: self.0.into_iter(),
            next: None,
        })
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// Puts a value at a path under an object, creating the objects on the way. Used by the
/// code that `#[derive(TokenRequest)]` generates.
#[doc(hidden)]
pub fn put(obj: &mut Object, path: &[&str], value: Option<Value>) {
    let Some(value) = value else { return };
    match path {
        [] => {}
        [last] => obj.insert((*last).to_string(), value),
        [first, rest @ ..] => {
            let mut child = match obj.get(first) {
                Some(Value::Object(o)) => o.clone(),
                _ => Object::new(),
            };
            put(&mut child, rest, Some(value));
            obj.insert((*first).to_string(), Value::Object(child));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Dob {
        day: u8,
        month: u8,
        year: u16,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct P {
        name: Option<String>,
        dob: Option<MaybeUnset<Dob>>,
        flags: Vec<bool>,
        meta: BTreeMap<String, String>,
    }

    #[test]
    fn reads_a_tree() {
        let mut o = Object::new();
        put(&mut o, &["dob", "day"], 2u8.to_param());
        put(&mut o, &["dob", "month"], 3u8.to_param());
        put(&mut o, &["dob", "year"], 1990u16.to_param());
        put(&mut o, &["flags"], vec![true, false].to_param());
        let mut m = BTreeMap::new();
        m.insert("k".to_string(), "v".to_string());
        put(&mut o, &["meta"], m.to_param());
        let p = P::deserialize(TreeDeserializer(Value::Object(o))).unwrap();
        assert_eq!(
            p.dob,
            Some(MaybeUnset::Set(Dob {
                day: 2,
                month: 3,
                year: 1990
            }))
        );
        assert_eq!(p.flags, vec![true, false]);
        assert_eq!(p.name, None);
        assert_eq!(p.meta["k"], "v");
    }

    #[test]
    fn unset_reads_back() {
        let mut o = Object::new();
        put(&mut o, &["dob"], MaybeUnset::<String>::Unset.to_param());
        put(&mut o, &["flags"], Vec::<bool>::new().to_param());
        put(
            &mut o,
            &["meta"],
            BTreeMap::<String, String>::new().to_param(),
        );
        let p = P::deserialize(TreeDeserializer(Value::Object(o))).unwrap();
        assert_eq!(p.dob, Some(MaybeUnset::Unset));
    }

    #[test]
    fn bad_numbers_are_errors_not_panics() {
        let v = Value::Scalar(Scalar::new("300"));
        assert!(u8::deserialize(TreeDeserializer(v)).is_err());
        let v = Value::Object(Object::new());
        assert!(u8::deserialize(TreeDeserializer(v)).is_err());
    }
}
