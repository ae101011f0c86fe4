//! [`Decimal`]: the value of a `number` parameter, exactly as the client sent it.
//!
//! One grammar holds for both body formats and for the type: an optional `-`, one to
//! [`MAX_INT_DIGITS`] ASCII digits, and optionally a `.` followed by one to
//! [`MAX_FRAC_DIGITS`] digits. No exponent, no `+`, no leading or trailing `.`, in a form
//! body as in JSON: `validate_json` reads a JSON number's own text, so JSON `0.0000001` and form `0.0000001` are
//! the same value, and JSON `1e-7` is refused as form `1e-7` is.
//!
//! The text is kept, not an `f64`: `999999999999999999` and `0.000000000000000001` come
//! back from [`Display`](std::fmt::Display), `to_form()` and `serde_json` as they came in.
//! Equality is on the value (`1.50 == 1.5`, `-0 == 0`).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::param::{ParamPath, ParamSink, ToParam};
pub use crate::rules::grammar::{MAX_FRAC_DIGITS, MAX_INT_DIGITS, is_decimal};

/// A decimal number as the client sent it: the text of a `number` parameter, checked
/// against the one grammar of decimals (see the [module docs](self)).
///
/// It serializes as a JSON string (`"12.5"`), which `validate_json` and the JSON Schema of
/// the request types accept, because a JSON number written by `serde_json` goes through
/// `f64` and may come out with an exponent (`1e-7`) or rounded. It deserializes from a
/// string or a JSON number; a number read straight by `serde_json` (not through
/// `validate_json`, which reads its text) has passed through `f64`, so it is exact up to
/// 15 significant digits: send longer decimals as strings.
///
/// ```
/// use token_validate::Decimal;
/// let d: Decimal = "0.000000000000000001".parse().unwrap();
/// assert_eq!(d.to_string(), "0.000000000000000001");
/// assert_eq!("12.50".parse::<Decimal>().unwrap(), "12.5".parse::<Decimal>().unwrap());
/// assert!("1e-7".parse::<Decimal>().is_err());
/// assert_eq!(serde_json::to_string(&d).unwrap(), r#""0.000000000000000001""#);
/// ```
#[derive(Clone)]
pub struct Decimal(Box<str>);

/// Why a text is not a [`Decimal`]. It does not repeat the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError;

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a decimal: write an optional '-', 1 to {MAX_INT_DIGITS} digits, and optionally \
             '.' and 1 to {MAX_FRAC_DIGITS} digits, like 12.5 (no exponent)"
        )
    }
}

impl std::error::Error for DecimalError {}

impl Decimal {
    /// The decimal as it was sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        // The grammar is a subset of Rust's float syntax.
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// The value in a canonical form: `(negative, integer digits, fraction digits)` without
    /// leading zeros in the integer part nor trailing zeros in the fraction; zero is never
    /// negative.
    fn canonical(&self) -> (bool, &str, &str) {
        let (neg, body) = match self.0.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, &*self.0),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        (neg && !(int.is_empty() && frac.is_empty()), int, frac)
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Self, DecimalError> {
        if is_decimal(s) {
            Ok(Decimal(s.into()))
        } else {
            Err(DecimalError)
        }
    }
}

impl TryFrom<f64> for Decimal {
    type Error = DecimalError;
    /// The shortest decimal that reads back as `v` (Rust's `Display` of `f64`, which never
    /// writes an exponent), if it fits the grammar.
    fn try_from(v: f64) -> Result<Self, DecimalError> {
        if !v.is_finite() {
            return Err(DecimalError);
        }
        v.to_string().parse()
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(v: $t) -> Decimal {
                // At most 11 characters: always within the grammar.
                Decimal(v.to_string().into())
            }
        }
    )*};
}
from_int!(u8, u16, u32, i8, i16, i32);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl PartialEq for Decimal {
    /// Equal values: `1.50 == 1.5`, `007 == 7`, `-0 == 0`.
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl ToParam for Decimal {
    fn to_param<'a>(&'a self, path: &mut ParamPath<'a>, out: &mut dyn ParamSink<'a>) {
        out.pair(path.segments(), std::borrow::Cow::Borrowed(self.as_str()));
    }
}

impl Serialize for Decimal {
    /// A string: exact whatever the serializer does with numbers.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal, as a number or a string like \"12.5\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse().map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Decimal::try_from(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        for ok in [
            "0",
            "-0",
            "12.5",
            "007.50",
            "999999999999999999",
            "0.000000000000000001",
            "-1.0",
        ] {
            assert!(is_decimal(ok), "{ok}");
            assert_eq!(ok.parse::<Decimal>().unwrap().to_string(), ok);
        }
        for bad in [
            "",
            "-",
            ".5",
            "1.",
            "+1",
            "1e-7",
            "1E3",
            "0x10",
            " 1",
            "1 ",
            "1.2.3",
            "١",
            "9999999999999999999",
            "0.0000000000000000001",
            "NaN",
            "inf",
        ] {
            assert!(!is_decimal(bad), "{bad}");
            assert_eq!(bad.parse::<Decimal>(), Err(DecimalError));
        }
    }

    #[test]
    fn equality_is_on_the_value() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(d("1.50"), d("1.5"));
        assert_eq!(d("007"), d("7.000"));
        assert_eq!(d("-0.0"), d("0"));
        assert_ne!(d("-1"), d("1"));
        assert_ne!(d("0.1"), d("0.01"));
        assert_ne!(d("10"), d("1"));
        let h = |x: &Decimal| {
            use std::collections::hash_map::DefaultHasher;
            let mut s = DefaultHasher::new();
            x.hash(&mut s);
            s.finish()
        };
        assert_eq!(h(&d("1.50")), h(&d("1.5")));
    }

    #[test]
    fn serde() {
        let d: Decimal = serde_json::from_str("\"0.0000001\"").unwrap();
        assert_eq!(d.as_str(), "0.0000001");
        let d: Decimal = serde_json::from_str("0.0000001").unwrap();
        assert_eq!(d.as_str(), "0.0000001");
        let d: Decimal = serde_json::from_str("25").unwrap();
        assert_eq!(d.as_str(), "25");
        let d: Decimal = serde_json::from_str("12.50").unwrap();
        assert_eq!(d.as_str(), "12.5");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"12.5\"");
        assert!(serde_json::from_str::<Decimal>("1e300").is_err());
        assert!(serde_json::from_str::<Decimal>("\"1e-7\"").is_err());
        assert!(serde_json::from_str::<Decimal>("true").is_err());
        // f64 that print without an exponent.
        assert_eq!(Decimal::try_from(1e-7).unwrap().as_str(), "0.0000001");
        assert!(Decimal::try_from(f64::NAN).is_err());
        assert_eq!(Decimal::from(-3i8).as_str(), "-3");
        assert_eq!(Decimal::from(u32::MAX).as_str(), "4294967295");
    }
}
