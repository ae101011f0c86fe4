//! Serde glue for secret fields of the generated request types: their `Deserialize` errors
//! never contain the value.
//!
//! serde's own messages quote what they refuse ("invalid type: integer
//! `4000056655665556`, expected a string"); a secret field (card number, CVC, account or id
//! number) is read through [`deserialize`] instead, which drops the deserializer's error and
//! reports one that names nothing from the input. The generated types use it with
//! `#[serde(deserialize_with = "::token_validate::__private_0_2::deserialize_secret")]`;
//! their `Debug` prints [`Redacted`] in its place.

use serde::de::{Deserialize, Deserializer, Error};

/// The message of a secret field's deserialization error.
pub const SECRET_FIELD_MESSAGE: &str =
    "invalid value for a secret parameter (not repeated here): send it as a string";

/// Deserializes `T` (a secret field's type: `String`, `Option<String>`, …), replacing any
/// error with one that names nothing from the input ("invalid value for a secret parameter
/// (not repeated here): send it as a string").
pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize(d).map_err(|_| D::Error::custom(SECRET_FIELD_MESSAGE))
}

/// Stands for a secret value in `Debug` output.
pub struct Redacted;

impl core::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct S {
        #[serde(deserialize_with = "super::deserialize")]
        number: String,
        #[serde(default, deserialize_with = "super::deserialize")]
        cvc: Option<String>,
    }

    #[test]
    fn errors_do_not_repeat_the_value() {
        for body in [
            r#"{"number": 4000056655665556}"#,
            r#"{"number": "4242424242424242", "cvc": 7373}"#,
            r#"{"number": ["4000056655665556"]}"#,
            r#"{"number": {"x": "4000056655665556"}}"#,
            r#"{"number": "4242424242424242", "cvc": {"7373": 1}}"#,
        ] {
            let e = serde_json::from_str::<S>(body).unwrap_err().to_string();
            assert!(e.starts_with(super::SECRET_FIELD_MESSAGE), "{e}");
            assert!(
                !e.contains("4000056655665556") && !e.contains("7373"),
                "{e}"
            );
        }
        let s: S = serde_json::from_str(r#"{"number": "4242", "cvc": null}"#).unwrap();
        assert_eq!((s.number.as_str(), s.cvc), ("4242", None));
        let s: S = serde_json::from_str(r#"{"number": "4242", "cvc": "123"}"#).unwrap();
        assert_eq!(s.cvc.as_deref(), Some("123"));
    }
}
