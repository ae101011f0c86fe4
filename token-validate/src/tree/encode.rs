//! Writing a tree back as a form body.

use super::value::Object;
use crate::param::FormEncoder;

/// Encodes a tree the way Stripe's libraries send it: nested keys as `a[b][c]=v`, arrays as
/// `a[0]=v`, key order kept; key segments and values percent-encoded as
/// `application/x-www-form-urlencoded` (space as `+`), brackets literal. An empty array or
/// object encodes as nothing; an empty string as `k=`.
///
/// `parse_form(encode_form(t))` gives back `t` for every tree `parse_form` can produce.
/// Trees built in code round-trip too unless they hold empty containers, empty keys, keys
/// containing `[` or `]`, or nested object keys made only of digits (they read back as array
/// indexes).
pub fn encode_form(obj: &Object) -> String {
    let mut e = FormEncoder::new();
    obj.to_params(&mut e);
    e.finish()
}
