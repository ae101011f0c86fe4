//! The context a request is validated in: the API key's type and mode, the Connect
//! account, today's date and the Stripe API version the request names.

use std::fmt;

pub use token_spec::model::{KeyType, Mode};

/// A calendar date (proleptic Gregorian), used for card expiry checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// A date, if it is a real calendar date.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        crate::checks::is_calendar_date(i64::from(year), i64::from(month), i64::from(day))
            .then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today_utc() -> Date {
        Date::from_time(time::OffsetDateTime::now_utc().date())
    }

    /// The date `days` days after 1970-01-01 (before it for negative `days`), saturating at
    /// the years -9999 and 9999.
    pub fn from_unix_days(days: i64) -> Date {
        // 1970-01-01 is Julian day 2 440 588.
        let jd = (days.saturating_add(2_440_588)).clamp(
            i64::from(time::Date::MIN.to_julian_day()),
            i64::from(time::Date::MAX.to_julian_day()),
        );
        let date = i32::try_from(jd)
            .ok()
            .and_then(|jd| time::Date::from_julian_day(jd).ok())
            .unwrap_or(time::Date::MIN);
        Date::from_time(date)
    }

    fn from_time(d: time::Date) -> Date {
        Date {
            year: d.year(),
            month: u8::from(d.month()),
            day: d.day(),
        }
    }

    /// Parses `YYYY-MM-DD` (exactly four, two and two digits).
    pub fn parse(s: &str) -> Option<Date> {
        // `[year]` alone would also take a sign and more digits.
        if s.len() != 10 || !s.is_char_boundary(4) {
            return None;
        }
        let format = time::format_description::parse_borrowed::<2>(
            "[year repr:full sign:automatic]-[month]-[day]",
        )
        .ok()?;
        let d = time::Date::parse(s, &format).ok()?;
        Date::new(d.year(), u8::from(d.month()), d.day())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The longest API key [`Context::from_key`] takes, in characters (Stripe's are about 30 to
/// 110 long); a longer "key" is refused unread.
pub const MAX_API_KEY_LEN: usize = 255;

/// Why [`Context::from_key`] refused an API key: what is wrong with it, never the key or
/// any of its characters (its `Display` and `Debug` say the same).
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is empty.
    Empty,
    /// The key has more than [`MAX_API_KEY_LEN`] characters.
    TooLong {
        /// How many characters it has.
        chars: usize,
    },
    /// The key does not start with `sk_`, `pk_` or `rk_`.
    UnknownType,
    /// After its type the key does not say `test_` or `live_`.
    UnknownMode,
    /// Nothing follows the key's type and mode (`sk_test_`).
    NoSecret,
    /// A character other than an ASCII letter or digit follows the type and mode (a
    /// placeholder such as `sk_test_...`, a space, a quote).
    InvalidCharacter {
        /// Its position in the key, in characters, from 1.
        position: usize,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid API Key provided: ")?;
        match self {
            KeyError::Empty => f.write_str(
                "the key is empty; a Stripe API key looks like sk_test_ followed by letters and digits.",
            ),
            KeyError::TooLong { chars } => write!(
                f,
                "the key has {chars} characters, and a Stripe API key has at most {MAX_API_KEY_LEN}."
            ),
            KeyError::UnknownType => f.write_str(
                "a Stripe API key starts with sk_ (secret), pk_ (publishable) or rk_ (restricted).",
            ),
            KeyError::UnknownMode => f.write_str(
                "after sk_, pk_ or rk_ a Stripe API key says its mode: test_ or live_.",
            ),
            KeyError::NoSecret => f.write_str(
                "the key ends after its type and mode; a Stripe API key has letters and digits after them (sk_test_4eC3...).",
            ),
            KeyError::InvalidCharacter { position } => write!(
                f,
                "character {position} of the key is not an ASCII letter or digit; a Stripe API key has only letters and digits after its type and mode (a placeholder such as sk_test_... is not a key: use a key from your Stripe dashboard)."
            ),
        }
    }
}

impl fmt::Debug for KeyError {
    // What `main` prints for `Err(e)`: the message, which says what to fix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyError({self})")
    }
}

impl std::error::Error for KeyError {}

/// The context of one request.
#[derive(Clone, PartialEq, Eq)]
pub struct Context {
    key_type: KeyType,
    mode: Mode,
    account: Option<String>,
    today: Date,
    api_version: Option<String>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key itself is never kept, so it cannot leak here.
        f.debug_struct("Context")
            .field("key_type", &self.key_type)
            .field("mode", &self.mode)
            .field("account", &self.account)
            .field("today", &self.today)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl Context {
    /// A context from an API key (`sk_test_…`, `sk_live_…`, `pk_test_…`, `pk_live_…`,
    /// `rk_test_…`, `rk_live_…`), with no Connect account and today's date (UTC). The key
    /// itself is not kept.
    pub fn from_key(key: &str) -> Result<Context, KeyError> {
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        let chars = key.chars().count();
        if chars > MAX_API_KEY_LEN {
            return Err(KeyError::TooLong { chars });
        }
        let (key_type, rest) = if let Some(r) = key.strip_prefix("sk_") {
            (KeyType::Secret, r)
        } else if let Some(r) = key.strip_prefix("pk_") {
            (KeyType::Publishable, r)
        } else if let Some(r) = key.strip_prefix("rk_") {
            (KeyType::Restricted, r)
        } else {
            return Err(KeyError::UnknownType);
        };
        let (mode, tail) = if let Some(t) = rest.strip_prefix("test_") {
            (Mode::Test, t)
        } else if let Some(t) = rest.strip_prefix("live_") {
            (Mode::Live, t)
        } else {
            return Err(KeyError::UnknownMode);
        };
        if tail.is_empty() {
            return Err(KeyError::NoSecret);
        }
        // `sk_test_` is 8 ASCII characters.
        let head = key.len() - tail.len();
        if let Some(i) = tail.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(KeyError::InvalidCharacter {
                position: head + i + 1,
            });
        }
        Ok(Context::new(key_type, mode))
    }

    /// A context of a key type and mode.
    pub fn new(key_type: KeyType, mode: Mode) -> Context {
        Context {
            key_type,
            mode,
            account: None,
            today: Date::today_utc(),
            api_version: None,
        }
    }

    /// A test-mode secret key's context (`sk_test_…`).
    pub fn test_secret() -> Context {
        Context::new(KeyType::Secret, Mode::Test)
    }

    /// A test-mode publishable key's context (`pk_test_…`).
    pub fn test_publishable() -> Context {
        Context::new(KeyType::Publishable, Mode::Test)
    }

    /// Whether `account` is a connected account id as Stripe gives them: `acct_` followed
    /// by ASCII letters and digits (`acct_1032D82eZvKYlo2C`). No Stripe account has another
    /// form, so a `Stripe-Account` header or `--account` that is not one gets a warning
    /// (the CLI, the tower layer and `serve` all judge it here).
    pub fn is_account_id(account: &str) -> bool {
        account
            .strip_prefix("acct_")
            .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()))
    }

    /// With a Connect account (the `Stripe-Account` header).
    pub fn with_account(mut self, account: impl Into<String>) -> Context {
        self.account = Some(account.into());
        self
    }

    /// With the date used for expiry checks (tests use a fixed date).
    pub fn with_today(mut self, today: Date) -> Context {
        self.today = today;
        self
    }

    /// With the Stripe API version the request names (its `Stripe-Version` header, such as
    /// `2015-10-12` or `2026-11-18.endive`): a version before one of the spec's version gates
    /// is validated as Stripe did before it (`token_spec::Spec::gates`: for example
    /// `account[legal_entity]` is an account token before `2019-02-19`). Without one, or
    /// with a version the spec cannot read, the request is validated as the newest version.
    /// A text longer than [`api_version::MAX_VERSION_LEN`](crate::api_version::MAX_VERSION_LEN)
    /// is not kept.
    pub fn with_api_version(mut self, version: &str) -> Context {
        let v = version.trim();
        self.api_version = (!v.is_empty() && v.len() <= crate::api_version::MAX_VERSION_LEN)
            .then(|| v.to_string());
        self
    }

    /// The Stripe API version the request names, if any.
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }
    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// The Connect account, if any.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }
    /// The date used for expiry checks.
    pub fn today(&self) -> Date {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let c = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc").unwrap();
        assert_eq!((c.key_type(), c.mode()), (KeyType::Secret, Mode::Test));
        let c = Context::from_key("pk_live_abc").unwrap();
        assert_eq!((c.key_type(), c.mode()), (KeyType::Publishable, Mode::Live));
        let c = Context::from_key("rk_live_abc").unwrap();
        assert_eq!(c.key_type(), KeyType::Restricted);
        let long = format!("sk_test_{}", "SECRET".repeat(50));
        for (bad, why) in [
            ("", KeyError::Empty),
            ("sk_", KeyError::UnknownMode),
            ("sk_test_", KeyError::NoSecret),
            ("sk_prod_SECRETVALUE", KeyError::UnknownMode),
            ("uk_test_SECRETVALUE", KeyError::UnknownType),
            (
                "sk_test_SECRET VALUE",
                KeyError::InvalidCharacter { position: 15 },
            ),
            (
                "sk_test_SECRETVALUE\u{e9}",
                KeyError::InvalidCharacter { position: 20 },
            ),
            ("sk_test_...", KeyError::InvalidCharacter { position: 9 }),
            (long.as_str(), KeyError::TooLong { chars: 308 }),
        ] {
            let e = Context::from_key(bad).unwrap_err();
            assert_eq!(e, why, "{bad}");
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(!shown.contains("SECRET"), "{bad}: {shown}");
                assert!(
                    shown.starts_with("Invalid API Key provided: ")
                        || shown.starts_with("KeyError(Invalid API Key provided: "),
                    "{shown}"
                );
            }
        }
        assert!(
            KeyError::InvalidCharacter { position: 9 }
                .to_string()
                .contains("placeholder")
        );
        assert!(Context::from_key(&format!("sk_test_{}", "a".repeat(MAX_API_KEY_LEN - 8))).is_ok());
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::from_unix_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        // 2026-11-29 is day 20_786 since the epoch.
        assert_eq!(
            Date::from_unix_days(20_786),
            Date::parse("2026-11-29").unwrap()
        );
        assert_eq!(
            Date::from_unix_days(11_016),
            Date::parse("2000-02-29").unwrap()
        );
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("26-1-1").is_none());
        assert_eq!(Date::parse("2026-11-29").unwrap().to_string(), "2026-11-29");
    }
}
