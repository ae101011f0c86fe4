//! The text of each number of a JSON document, in document order.
//!
//! serde_json hands a visitor a number only as `u64`, `i64` or `f64` (without its
//! `arbitrary_precision` feature, which would change every `serde_json::Value` in the
//! program): `0.0000001` arrives as `1e-7`, `1.50` as `1.5`, and `12345678901234567890123`
//! rounded. The JSON parser of this crate wants the number exactly as the client wrote it,
//! so that a decimal keeps its digits and JSON and form bodies share one grammar. serde_json
//! visits the values of a document in order, so the `n`-th number it visits is the `n`-th
//! number literal of the text: [`NumberLiterals`] finds those with a scan that only has to
//! tell strings from the rest (serde_json checks the syntax).

/// An iterator over the number literals of a JSON text (outside strings), in order.
pub(crate) struct NumberLiterals<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> NumberLiterals<'t> {
    /// The number literals of `text`.
    pub(crate) fn new(text: &'t str) -> Self {
        NumberLiterals { text, pos: 0 }
    }
}

impl<'t> Iterator for NumberLiterals<'t> {
    type Item = &'t str;
    fn next(&mut self) -> Option<&'t str> {
        let b = self.text.as_bytes();
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    // Skip the string, escapes included.
                    i += 1;
                    while i < b.len() {
                        match b[i] {
                            b'\\' => i += 2,
                            b'"' => {
                                i += 1;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let start = i;
                    while i < b.len()
                        && matches!(b[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                    {
                        i += 1;
                    }
                    self.pos = i;
                    // The bytes are ASCII: `start..i` is on char boundaries.
                    return self.text.get(start..i);
                }
                _ => i += 1,
            }
        }
        self.pos = b.len();
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_numbers_outside_strings() {
        let t = r#"{"a1": 0.0000001, "b": "12 \" 34", "c": [1.50, -2e3, {"d": 12345678901234567890123}], "e": true, "\\": 7}"#;
        let v: Vec<&str> = NumberLiterals::new(t).collect();
        assert_eq!(
            v,
            ["0.0000001", "1.50", "-2e3", "12345678901234567890123", "7"]
        );
        assert_eq!(NumberLiterals::new("").count(), 0);
        assert_eq!(NumberLiterals::new(r#""unterminated \"#).count(), 0);
    }
}
