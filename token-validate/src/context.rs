//! The context a request is validated in: the API key's type and mode, the Connect
//! account, and today's date.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

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
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_unix_days((secs / 86_400) as i64)
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Why an API key was refused. It never contains the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError;

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "Invalid API Key provided: a Stripe API key starts with sk_test_, sk_live_, pk_test_, pk_live_, rk_test_ or rk_live_ followed by the key's characters.",
        )
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
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key itself is never kept, so it cannot leak here.
        f.debug_struct("Context")
            .field("key_type", &self.key_type)
            .field("mode", &self.mode)
            .field("account", &self.account)
            .field("today", &self.today)
            .finish()
    }
}

impl Context {
    /// A context from an API key (`sk_test_…`, `sk_live_…`, `pk_test_…`, `pk_live_…`,
    /// `rk_test_…`, `rk_live_…`), with no Connect account and today's date (UTC). The key
    /// itself is not kept.
    pub fn from_key(key: &str) -> Result<Context, KeyError> {
        let (key_type, rest) = if let Some(r) = key.strip_prefix("sk_") {
            (KeyType::Secret, r)
        } else if let Some(r) = key.strip_prefix("pk_") {
            (KeyType::Publishable, r)
        } else if let Some(r) = key.strip_prefix("rk_") {
            (KeyType::Restricted, r)
        } else {
            return Err(KeyError);
        };
        let (mode, tail) = if let Some(t) = rest.strip_prefix("test_") {
            (Mode::Test, t)
        } else if let Some(t) = rest.strip_prefix("live_") {
            (Mode::Live, t)
        } else {
            return Err(KeyError);
        };
        if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(KeyError);
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
        for bad in [
            "",
            "sk_",
            "sk_test_",
            "sk_prod_SECRETVALUE",
            "uk_test_SECRETVALUE",
            "sk_test_SECRET VALUE",
            "sk_test_SECRETVALUE\u{e9}",
        ] {
            let e = Context::from_key(bad).unwrap_err();
            assert!(!e.to_string().contains("SECRET"), "{bad}");
            assert!(!format!("{e:?}").contains("SECRET"), "{bad}");
        }
        assert!(!KeyError.to_string().contains("4eC39"));
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
