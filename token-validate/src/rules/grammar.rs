//! The grammars of values, one place for each: integers, decimals, blank text and length
//! in characters. The rules, the engine's judging of a value's type and the [`Decimal`]
//! type all read these.
//!
//! [`Decimal`]: crate::Decimal

/// Digits allowed in an integer or in each part of a decimal: 18, so any value fits an
/// `i64` and the grammar is the same in both formats.
pub const MAX_DIGITS: usize = 18;

/// Most digits of a decimal before the point (as the validator always allowed).
pub const MAX_INT_DIGITS: usize = MAX_DIGITS;

/// Most digits of a decimal after the point (as the validator always allowed).
pub const MAX_FRAC_DIGITS: usize = MAX_DIGITS;

/// An integer: an optional `-` and 1 to [`MAX_DIGITS`] ASCII digits (leading zeros
/// allowed).
/// Reads the bytes once: at most [`MAX_DIGITS`] digits always fit an `i64`, so the value is
/// folded while the digits are checked, with no second parse.
pub fn parse_integer(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > MAX_DIGITS {
        return None;
    }
    let value = digits.bytes().try_fold(0i64, |acc, b| {
        let d = b.wrapping_sub(b'0');
        (d <= 9).then(|| acc * 10 + i64::from(d))
    })?;
    Some(if negative { -value } else { value })
}

/// Whether `text` follows the grammar of decimals: the one check of `number` parameters.
pub fn is_decimal(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(int, MAX_INT_DIGITS) && frac.is_none_or(|f| digits(f, MAX_FRAC_DIGITS))
}

/// Whether `text` is only white space (Unicode's, as `str::trim` reads it); a first byte
/// that is printable ASCII answers at once.
#[inline]
pub(crate) fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => text.trim().is_empty(),
    }
}

/// Whether `text` has more than `max` characters (counting no further than needed).
#[inline]
pub(crate) fn too_long(text: &str, max: u64) -> bool {
    text.len() as u64 > max && text.chars().take(max as usize + 1).count() as u64 > max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammars() {
        assert_eq!(parse_integer("12"), Some(12));
        assert_eq!(parse_integer("-3"), Some(-3));
        assert_eq!(parse_integer("0012"), Some(12));
        assert_eq!(parse_integer("-0"), Some(0));
        assert_eq!(
            parse_integer("999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        assert_eq!(
            parse_integer("-999999999999999999"),
            Some(-999_999_999_999_999_999)
        );
        for bad in [
            "",
            "-",
            "1.5",
            "abc",
            "1e3",
            "9999999999999999999",
            "--1",
            "1-",
            "١٢",
            "+1",
            " 1",
        ] {
            assert_eq!(parse_integer(bad), None, "{bad}");
        }
        assert!(is_decimal("1.5") && is_decimal("10") && is_decimal("-0.0000001"));
        assert!(is_decimal("999999999999999999.999999999999999999"));
        for bad in ["1.", ".5", "1e-7", "1.5e3", "", "-", "1..2", "1.2.3", "1 "] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
