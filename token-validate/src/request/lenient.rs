//! Serde glue for the generated request types: their `Deserialize` reads each value as
//! [`validate_json`](crate::validate_json) does, so that one body gets one verdict.
//!
//! - numbers and booleans as JSON values or as strings (`"exp_month": "12"` and `12`,
//!   `"owner": "true"`, `"True"` and `true`, with the spellings of the spec's `booleans`);
//! - a JSON number where a string belongs is its exact text (`"number": 4242424242424242`
//!   is `"4242424242424242"`, `1.10` stays `1.10`): with serde_json the value is read
//!   raw, as the validators read it;
//! - `""` unsets a [`MaybeUnset`] value; empty lists and maps are absent, as a form body
//!   cannot send them;
//! - a value that does not fit its type is an error that quotes nothing (and a secret
//!   field's error says nothing else either).
//!
//! The conversion of each text into its type is the one the validators' typed request
//! uses ([`crate::engine::typed`]): a value the validators accept always deserializes, into the
//! same value. `tests/one_verdict.rs` holds the two together.
//!
//! The generated types use [`field`], [`optional`], [`secret_field`] and
//! [`secret_optional`] with `#[serde(deserialize_with = "…")]`; [`Lenient`] is implemented
//! for every type a generated field can have.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::param::MaybeUnset;
use crate::request::decimal::Decimal;

/// serde_json's name for a raw value (`serde_json::value::RawValue`): asked for with it, a
/// serde_json deserializer hands over the value's exact text; any other deserializer reads
/// the value as usual. Checked by a test here: were serde_json to rename it, numbers in
/// text parameters would lose their exact text, and that test would fail.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The message of a value that does not fit its type. It quotes nothing.
const MISFIT: &str = "a value does not fit its parameter's type";

/// A type a generated field can have, read as `validate_json` reads it.
pub trait Lenient: Sized {
    /// The value of a single value's text (a string's content, a number's or a boolean's
    /// JSON text): `None` when it does not fit, or when the type is no single value.
    fn from_text(text: &str) -> Option<Self>;

    /// The value of a dictionary or a list, for the types that are one; by default an
    /// error.
    fn from_container<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let _ = d;
        Err(de::Error::custom(
            "expected a single value, not a dictionary or a list",
        ))
    }

    /// Reads the value: a single value through [`Lenient::from_text`], a dictionary or a
    /// list through [`Lenient::from_container`].
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match probe::<D, Self>(d)? {
            Probed::Text(t) => Self::from_text(&t).ok_or_else(|| de::Error::custom(MISFIT)),
            Probed::Value(v) => Ok(v),
            Probed::EmptyObject => Self::from_container(de::value::MapDeserializer::new(
                std::iter::empty::<(&str, &str)>(),
            )),
            Probed::Null => Err(de::Error::custom("null is not a value here")),
        }
    }

    /// Reads an optional value: as [`Lenient::lenient`], but `null`, an empty dictionary
    /// and an empty list or map are absent (a form body cannot send them).
    fn lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        match probe::<D, Self>(d)? {
            Probed::Text(t) => Self::from_text(&t)
                .map(Some)
                .ok_or_else(|| de::Error::custom(MISFIT)),
            Probed::Value(v) => Ok((!v.is_empty_container()).then_some(v)),
            Probed::EmptyObject | Probed::Null => Ok(None),
        }
    }

    /// Whether the value is an empty list or map, which a field holds as absent.
    fn is_empty_container(&self) -> bool {
        false
    }
}

/// A required field.
pub fn field<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::lenient(d)
}

/// An optional field: `null`, an empty list or an empty map is absent.
pub fn optional<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    struct Opt<T>(PhantomData<T>);
    impl<'de, T: Lenient> Visitor<'de> for Opt<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            T::lenient_opt(d)
        }
    }
    d.deserialize_option(Opt(PhantomData))
}

/// A required secret field: as [`field`], with an error that says nothing of the value.
pub fn secret_field<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    field(d).map_err(|_: D::Error| de::Error::custom(crate::request::secret::SECRET_FIELD_MESSAGE))
}

/// An optional secret field: as [`optional`], with an error that says nothing of the
/// value.
pub fn secret_optional<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    optional(d)
        .map_err(|_: D::Error| de::Error::custom(crate::request::secret::SECRET_FIELD_MESSAGE))
}

/// What a value turned out to be.
pub enum Probed<'de, T> {
    /// A single value: a string's content, or the JSON text of a number or a boolean.
    Text(Cow<'de, str>),
    /// A dictionary or a list, read as `T`.
    Value(T),
    /// `{}`.
    EmptyObject,
    /// `null`.
    Null,
}

/// Reads one value: its text when it is a single value, else `T` from the dictionary or
/// list. With serde_json the value is read raw, so a number keeps its exact text.
pub fn probe<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Probed<'de, T>, D::Error> {
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, Probe(PhantomData))
}

struct Probe<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for Probe<T> {
    type Value = Probed<'de, T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    // Not serde_json: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        })))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Probed::Text(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Probed::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Probed::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_container(de::value::SeqAccessDeserializer::new(seq)).map(Probed::Value)
    }
    // serde_json hands a raw value over as a map of one entry: the token, then the text.
    // Any other map is a dictionary (its first key already read, handed on first).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let first: Option<Cow<'de, str>> = map.next_key_seed(CowSeed)?;
        match first {
            Some(k) if k == RAW_VALUE_TOKEN => {
                let raw: Cow<'de, str> = map.next_value_seed(CowSeed)?;
                from_raw::<A::Error, T>(raw)
            }
            None => Ok(Probed::EmptyObject),
            first => T::from_container(de::value::MapAccessDeserializer::new(Prefixed {
                first,
                rest: map,
            }))
            .map(Probed::Value),
        }
    }
}

/// A value from its raw JSON text.
fn from_raw<'de, E: de::Error, T: Lenient>(raw: Cow<'de, str>) -> Result<Probed<'de, T>, E> {
    let scalar = |r: &str| crate::engine::json::raw_scalar(r).map(|s| s.map(|t| t.into_owned()));
    match raw {
        Cow::Borrowed(r) => match crate::engine::json::raw_scalar(r) {
            Ok(Some(t)) => Ok(Probed::Text(t)),
            Ok(None) => Ok(Probed::Null),
            Err(()) => container(r),
        },
        Cow::Owned(r) => match scalar(&r) {
            Ok(Some(t)) => Ok(Probed::Text(Cow::Owned(t))),
            Ok(None) => Ok(Probed::Null),
            Err(()) => container(&r),
        },
    }
}

/// A dictionary or list from its raw JSON text (read again by serde_json, which just
/// checked it).
fn container<'de, E: de::Error, T: Lenient>(raw: &str) -> Result<Probed<'de, T>, E> {
    if raw
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|inner| inner.trim().is_empty())
    {
        return Ok(Probed::EmptyObject);
    }
    let mut d = serde_json::Deserializer::from_str(raw);
    T::from_container(&mut d)
        .map(Probed::Value)
        .map_err(|e| E::custom(crate::engine::json::message_of(&e)))
}

/// A string key or value, borrowed when it can be.
struct CowSeed;

impl<'de> DeserializeSeed<'de> for CowSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// A map whose first key was already read: that key, then the rest.
struct Prefixed<'de, A> {
    first: Option<Cow<'de, str>>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prefixed<'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(Cow::Borrowed(k)) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(k))
                .map(Some),
            Some(Cow::Owned(k)) => seed
                .deserialize(de::value::StringDeserializer::new(k))
                .map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

impl Lenient for String {
    fn from_text(text: &str) -> Option<Self> {
        crate::engine::typed::string(Cow::Borrowed(text))
    }
}

macro_rules! lenient_parse {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn from_text(text: &str) -> Option<Self> {
                crate::engine::typed::parse(Cow::Borrowed(text))
            }
        }
    )*};
}

lenient_parse!(u8, u16, u32, u64, i8, i16, i32, i64, Decimal);

impl Lenient for bool {
    fn from_text(text: &str) -> Option<Self> {
        crate::engine::typed::boolean(Cow::Borrowed(text))
    }
}

impl<T: Lenient> Lenient for MaybeUnset<T> {
    fn from_text(text: &str) -> Option<Self> {
        if text.is_empty() {
            Some(MaybeUnset::Unset)
        } else {
            T::from_text(text).map(MaybeUnset::Set)
        }
    }
    fn from_container<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::from_container(d).map(MaybeUnset::Set)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn from_text(_: &str) -> Option<Self> {
        None
    }
    fn from_container<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for Items<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element_seed(Item::<T>(PhantomData))? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Items(PhantomData))
    }
    fn is_empty_container(&self) -> bool {
        self.is_empty()
    }
}

/// One item of a list, or one value of a map.
struct Item<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Item<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::lenient(d)
    }
}

impl Lenient for BTreeMap<String, String> {
    fn from_text(_: &str) -> Option<Self> {
        None
    }
    fn from_container<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = BTreeMap<String, String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(k) = map.next_key_seed(CowSeed)? {
                    let v = map.next_value_seed(Item::<String>(PhantomData))?;
                    if out.insert(k.into_owned(), v).is_some() {
                        return Err(de::Error::custom("a key given twice"));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Entries)
    }
    fn is_empty_container(&self) -> bool {
        self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct S {
        #[serde(deserialize_with = "field")]
        text: String,
        #[serde(default, deserialize_with = "optional")]
        month: Option<u8>,
        #[serde(default, deserialize_with = "optional")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "optional")]
        list: Option<Vec<String>>,
        #[serde(default, deserialize_with = "optional")]
        map: Option<BTreeMap<String, String>>,
        #[serde(default, deserialize_with = "optional")]
        unset: Option<MaybeUnset<u16>>,
        #[serde(default, deserialize_with = "optional")]
        amount: Option<Decimal>,
    }

    fn s(json: &str) -> Result<S, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn values_as_json_values_or_strings() {
        let a = s(r#"{"text":"x","month":12,"flag":true,"unset":2034,"amount":12.5}"#).unwrap();
        let b =
            s(r#"{"text":"x","month":"12","flag":"True","unset":"2034","amount":"12.5"}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.month, Some(12));
        assert_eq!(a.flag, Some(true));
        assert_eq!(
            s(r#"{"text":"x","unset":""}"#).unwrap().unset,
            Some(MaybeUnset::Unset)
        );
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        // The raw-value token still names serde_json's raw values: a number where a string
        // belongs keeps every digit and its trailing zero.
        assert_eq!(
            s(r#"{"text":4242424242424242}"#).unwrap().text,
            "4242424242424242"
        );
        assert_eq!(s(r#"{"text":1.10}"#).unwrap().text, "1.10");
        let long = "1".repeat(40);
        assert_eq!(s(&format!(r#"{{"text":{long}}}"#)).unwrap().text, long);
        assert_eq!(s(r#"{"text":"a\"b"}"#).unwrap().text, "a\"b");
        // Inside a list and a map too.
        let v = s(r#"{"text":"x","list":[1.50,"b"],"map":{"k":0.10}}"#).unwrap();
        assert_eq!(v.list, Some(vec!["1.50".to_string(), "b".to_string()]));
        assert_eq!(v.map.unwrap()["k"], "0.10");
        // From a reader (owned raw text) as well.
        let r: S = serde_json::from_reader(&br#"{"text":1.10}"#[..]).unwrap();
        assert_eq!(r.text, "1.10");
    }

    #[test]
    fn empty_containers_and_null_are_absent() {
        let v = s(r#"{"text":"x","list":[],"map":{},"month":null,"unset":{}}"#);
        assert!(v.is_ok(), "{v:?}");
        let v = v.unwrap();
        assert_eq!((v.list, v.map, v.month), (None, None, None));
    }

    #[test]
    fn misfits_are_errors_that_quote_nothing() {
        for bad in [
            r#"{"text":"x","month":"SECRET"}"#,
            r#"{"text":"x","month":1.5}"#,
            r#"{"text":"x","flag":"1"}"#,
            r#"{"text":{"SECRET":1}}"#,
            r#"{"text":["SECRET"]}"#,
            r#"{"text":null}"#,
        ] {
            let e = s(bad).unwrap_err();
            assert!(!e.contains("SECRET"), "{bad}: {e}");
        }
    }

    #[test]
    fn other_deserializers_read_values_as_usual() {
        let v: S = serde_json::from_value(serde_json::json!({"text": 12, "month": "7"})).unwrap();
        assert_eq!((v.text.as_str(), v.month), ("12", Some(7)));
    }
}
