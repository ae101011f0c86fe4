//! The catalogue of rule names the spec may use, with the signature the loader checks each
//! use against, and [`Check`]: a rule compiled for one parameter, with its arguments and the
//! nodes it reads resolved. Every consumer (the validators `token-derive` generates, the
//! runtime's one implementation of each rule) matches on [`Check`] without a wildcard arm, so
//! a rule without an implementation does not compile.

use std::borrow::Cow;

use crate::id::NodeId;
use crate::model::Stage;

/// A rule the runtime implements. The spec names it in `rules[].rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleName {
    /// No token kind in the request (and no `customer`).
    TokenKindRequired,
    /// The parameter is required when another parameter has a given value.
    RequiredIf,
    /// No `""` (unset) value anywhere under the object: tokens cannot unset values.
    NoUnset,
    /// At most one token kind per request.
    OneTokenKind,
    /// The parameter needs a Connect account (`Stripe-Account` header).
    RequiresConnect,
    /// With the `with` parameter present, the object-or-id parameter must be an id.
    IdOnlyWith,
    /// Without the `with` parameter, the object-or-id parameter must be an object.
    ObjectOnlyWithout,
    /// The parameter excludes every sibling in its object.
    Exclusive,
    /// ASCII digits only (after removing the `strip` characters), length `min..=max`.
    Digits,
    /// A card number's length (once the `strip` characters are removed) is one its brand
    /// allows: the brand is the one of `brands` whose IIN ranges hold the number's leading
    /// digits.
    CardLengthByBrand,
    /// A card number (once the `strip` characters are removed) passes the Luhn checksum.
    Luhn,
    /// An integer sent as a string, within the range its refinement gives (`min`, `max`).
    Month,
    /// An expiry year of 2 or 4 digits, not before this year, at most `max_years_ahead` ahead.
    ExpiryYear,
    /// The expiry month and `year` together are not before the current month.
    ExpiryNotPast,
    /// A CVC of digits whose length is one `lengths` gives for the brand of the card
    /// `number` (the brands of the number's `card_length_by_brand` rule).
    CvcLengthByBrand,
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode,
    /// An ISO 4217 currency code.
    CurrencyCode,
    /// A US ABA routing number when `country` is `when`: 9 digits, and with `check_digit`
    /// the ABA check digit.
    UsRoutingNumber,
    /// An IBAN (length for its country, mod-97) when `country` uses IBANs.
    Iban,
    /// An object of `day`, `month`, `year` that is a real calendar date.
    CalendarDate,
    /// An email address.
    Email,
    /// In test mode, a bank account number is one of Stripe's documented test numbers for
    /// its `country` (`numbers`, written `CC:number`), a documented test IBAN (`ibans`), or
    /// a test IBAN that takes any IBAN country's prefix (`any_country_ibans`). Countries
    /// with no documented numbers and no IBAN format are not checked.
    TestBankAccountNumber,
    /// A value that is the text of a JSON object (an Apple Pay payment token).
    JsonObject,
    /// An Apple Pay payment token signed at most `hours` hours ago, when that can be told
    /// from its signature's signing time at a date's precision.
    ApplePaySignedWithin,
    /// A map (`metadata`) has at most `max` entries.
    MaxEntries,
    /// Each key of a map has at most `max` characters.
    MaxKeyLength,
    /// Each value of a map has at most `max` characters.
    MaxValueLength,
}

/// The parameters of the object a `calendar_date` rule applies to, in the order day, month,
/// year: the rule's contract with the spec (the loader refuses an object without them).
pub const CALENDAR_PARTS: [&str; 3] = ["day", "month", "year"];

/// What a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The request as a whole: no `params`.
    Request,
    /// String or integer leaves.
    Scalar,
    /// Objects.
    Object,
    /// Maps (`metadata`).
    Map,
    /// Any node.
    Any,
}

/// The kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A parameter path that must exist in the spec.
    Param,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A list of strings.
    List,
    /// A table of card brands ([`crate::model::BrandDef`]).
    Brands,
}

/// A rule's signature.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// The rule.
    pub rule: RuleName,
    /// Its name in the spec.
    pub name: &'static str,
    /// What it applies to.
    pub target: Target,
    /// The stage it belongs in.
    pub stage: Stage,
    /// Its arguments: name, kind, required.
    pub args: &'static [(&'static str, ArgKind, bool)],
}

use ArgKind::*;
use Target::*;

/// Every rule the runtime implements.
pub const SIGNATURES: &[Signature] = &[
    sig(
        RuleName::TokenKindRequired,
        "token_kind_required",
        Request,
        Stage::Presence,
        &[],
    ),
    sig(
        RuleName::RequiredIf,
        "required_if",
        Any,
        Stage::Presence,
        &[("if", Param, true), ("equals", Str, true)],
    ),
    sig(RuleName::NoUnset, "no_unset", Object, Stage::Presence, &[]),
    sig(
        RuleName::OneTokenKind,
        "one_token_kind",
        Request,
        Stage::Context,
        &[],
    ),
    sig(
        RuleName::RequiresConnect,
        "requires_connect",
        Any,
        Stage::Context,
        &[],
    ),
    sig(
        RuleName::IdOnlyWith,
        "id_only_with",
        Object,
        Stage::Context,
        &[("with", Param, true)],
    ),
    sig(
        RuleName::ObjectOnlyWithout,
        "object_only_without",
        Object,
        Stage::Context,
        &[("with", Param, true)],
    ),
    sig(RuleName::Exclusive, "exclusive", Any, Stage::Context, &[]),
    sig(
        RuleName::Digits,
        "digits",
        Scalar,
        Stage::Semantic,
        &[
            ("min", Int, true),
            ("max", Int, true),
            ("strip", Str, false),
        ],
    ),
    sig(
        RuleName::CardLengthByBrand,
        "card_length_by_brand",
        Scalar,
        Stage::Semantic,
        &[("brands", Brands, true), ("strip", Str, false)],
    ),
    sig(
        RuleName::Luhn,
        "luhn",
        Scalar,
        Stage::Semantic,
        &[("strip", Str, false)],
    ),
    sig(RuleName::Month, "month", Scalar, Stage::Semantic, &[]),
    sig(
        RuleName::ExpiryYear,
        "expiry_year",
        Scalar,
        Stage::Semantic,
        &[("max_years_ahead", Int, true)],
    ),
    sig(
        RuleName::ExpiryNotPast,
        "expiry_not_past",
        Scalar,
        Stage::Semantic,
        &[("year", Param, true)],
    ),
    sig(
        RuleName::CvcLengthByBrand,
        "cvc_length_by_brand",
        Scalar,
        Stage::Semantic,
        &[("number", Param, true), ("lengths", Brands, true)],
    ),
    sig(
        RuleName::CountryCode,
        "country_code",
        Scalar,
        Stage::Semantic,
        &[],
    ),
    sig(
        RuleName::CurrencyCode,
        "currency_code",
        Scalar,
        Stage::Semantic,
        &[],
    ),
    sig(
        RuleName::UsRoutingNumber,
        "us_routing_number",
        Scalar,
        Stage::Semantic,
        &[
            ("country", Param, true),
            ("when", Str, true),
            ("check_digit", Bool, true),
        ],
    ),
    sig(
        RuleName::Iban,
        "iban",
        Scalar,
        Stage::Semantic,
        &[("country", Param, true), ("live_only", Bool, true)],
    ),
    sig(
        RuleName::CalendarDate,
        "calendar_date",
        Object,
        Stage::Semantic,
        &[],
    ),
    sig(RuleName::Email, "email", Scalar, Stage::Semantic, &[]),
    sig(
        RuleName::TestBankAccountNumber,
        "test_bank_account_number",
        Scalar,
        Stage::Semantic,
        &[
            ("country", Param, true),
            ("numbers", List, true),
            ("ibans", List, true),
            ("any_country_ibans", List, true),
        ],
    ),
    sig(
        RuleName::JsonObject,
        "json_object",
        Scalar,
        Stage::Semantic,
        &[],
    ),
    sig(
        RuleName::ApplePaySignedWithin,
        "apple_pay_signed_within",
        Scalar,
        Stage::Semantic,
        &[("hours", Int, true)],
    ),
    sig(
        RuleName::MaxEntries,
        "max_entries",
        Map,
        Stage::Semantic,
        &[("max", Int, true)],
    ),
    sig(
        RuleName::MaxKeyLength,
        "max_key_length",
        Map,
        Stage::Semantic,
        &[("max", Int, true)],
    ),
    sig(
        RuleName::MaxValueLength,
        "max_value_length",
        Map,
        Stage::Semantic,
        &[("max", Int, true)],
    ),
];

// `RuleName::signature` indexes `SIGNATURES` by the variant: each entry must sit at its
// variant's index, in the order of `RuleName::ALL` (a mismatch does not compile).
const _: () = {
    assert!(SIGNATURES.len() == RuleName::ALL.len());
    let mut i = 0;
    while i < SIGNATURES.len() {
        assert!(SIGNATURES[i].rule as usize == i && RuleName::ALL[i] as usize == i);
        i += 1;
    }
};

const fn sig(
    rule: RuleName,
    name: &'static str,
    target: Target,
    stage: Stage,
    args: &'static [(&'static str, ArgKind, bool)],
) -> Signature {
    Signature {
        rule,
        name,
        target,
        stage,
        args,
    }
}

impl RuleName {
    /// Every rule, in the order of [`SIGNATURES`].
    pub const ALL: [RuleName; 27] = [
        RuleName::TokenKindRequired,
        RuleName::RequiredIf,
        RuleName::NoUnset,
        RuleName::OneTokenKind,
        RuleName::RequiresConnect,
        RuleName::IdOnlyWith,
        RuleName::ObjectOnlyWithout,
        RuleName::Exclusive,
        RuleName::Digits,
        RuleName::CardLengthByBrand,
        RuleName::Luhn,
        RuleName::Month,
        RuleName::ExpiryYear,
        RuleName::ExpiryNotPast,
        RuleName::CvcLengthByBrand,
        RuleName::CountryCode,
        RuleName::CurrencyCode,
        RuleName::UsRoutingNumber,
        RuleName::Iban,
        RuleName::CalendarDate,
        RuleName::Email,
        RuleName::TestBankAccountNumber,
        RuleName::JsonObject,
        RuleName::ApplePaySignedWithin,
        RuleName::MaxEntries,
        RuleName::MaxKeyLength,
        RuleName::MaxValueLength,
    ];

    /// Looks a rule up by its spec name.
    pub fn signature_of(name: &str) -> Option<&'static Signature> {
        SIGNATURES.iter().find(|s| s.name == name)
    }

    /// The rule's signature: the entry of [`SIGNATURES`] at the rule's own index (a test
    /// checks that every rule's entry is there, in the order of [`RuleName::ALL`]).
    pub const fn signature(self) -> &'static Signature {
        &SIGNATURES[self as usize]
    }

    /// The rule's spec name.
    pub fn name(self) -> &'static str {
        self.signature().name
    }
}

/// A table of card brands, compiled from a rule's [`crate::model::BrandDef`]s: each brand's
/// IIN ranges and the lengths allowed for it. The brands' ranges do not overlap, and exactly
/// one brand has none (`Unknown`): it is the brand of every number no range holds.
///
/// The fields are `Cow`s so that the validators `token-derive` generates can hold the table
/// in a `static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandTable {
    /// The brands, in spec order.
    pub brands: Cow<'static, [Brand]>,
}

/// One brand of a [`BrandTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// The brand as Stripe names it in `card.brand`.
    pub name: Cow<'static, str>,
    /// Its IIN ranges; none for the brand of every other number.
    pub iin: Cow<'static, [IinRange]>,
    /// The lengths allowed, in digits, ascending.
    pub lengths: Cow<'static, [u8]>,
}

/// An IIN range: the card numbers whose first `digits` digits, read as a number, lie in
/// `low..=high` (`4` is `{1, 4, 4}`, `2221-2720` is `{4, 2221, 2720}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IinRange {
    /// How many leading digits the range reads (1 to [`IinRange::MAX_DIGITS`]).
    pub digits: u8,
    /// The smallest prefix.
    pub low: u32,
    /// The largest prefix.
    pub high: u32,
}

impl IinRange {
    /// The most leading digits a range may read: nine fit a `u32` (IINs have six or eight).
    pub const MAX_DIGITS: u8 = 9;

    /// Parses `"34"` or `"2221-2720"` (both ends with the same number of digits).
    pub fn parse(text: &str) -> Option<IinRange> {
        let (lo, hi) = text.split_once('-').unwrap_or((text, text));
        let digits = lo.len();
        let ok = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !ok(lo) || !ok(hi) || hi.len() != digits || digits > usize::from(Self::MAX_DIGITS) {
            return None;
        }
        let (low, high) = (lo.parse().ok()?, hi.parse().ok()?);
        (low <= high).then_some(IinRange {
            digits: digits as u8,
            low,
            high,
        })
    }

    /// The range written as the spec writes it: `34`, `2221-2720`.
    pub fn text(&self) -> String {
        let w = usize::from(self.digits);
        if self.low == self.high {
            format!("{:0w$}", self.low)
        } else {
            format!("{:0w$}-{:0w$}", self.low, self.high)
        }
    }

    /// The range widened to `digits` leading digits (at least its own), as an inclusive
    /// span: to compare ranges of different lengths.
    pub fn span(&self, digits: u8) -> (u64, u64) {
        let scale = 10u64.pow(u32::from(digits.saturating_sub(self.digits)));
        (
            u64::from(self.low) * scale,
            (u64::from(self.high) + 1) * scale - 1,
        )
    }
}

impl BrandTable {
    /// The most leading digits any range reads: how much of a number decides its brand.
    pub fn iin_digits(&self) -> u8 {
        self.brands
            .iter()
            .flat_map(|b| b.iin.iter())
            .map(|r| r.digits)
            .max()
            .unwrap_or(0)
    }

    /// The lengths of every brand together, ascending: what is allowed when the brand is not
    /// known.
    pub fn any_lengths(&self) -> Vec<u8> {
        let mut all: Vec<u8> = self
            .brands
            .iter()
            .flat_map(|b| b.lengths.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The table in one line of prose, for the rule's documentation: each brand with its
    /// ranges and lengths, `Visa (4): 13, 16 or 19; …; Unknown (any other number): 12 to 19`.
    /// With `ranges` false, the ranges are left out.
    pub fn describe(&self, ranges: bool) -> String {
        let parts: Vec<String> = self
            .brands
            .iter()
            .map(|b| {
                let lengths = describe_lengths(&b.lengths);
                if !ranges {
                    return format!("{} {lengths}", b.name);
                }
                let iin = if b.iin.is_empty() {
                    "any other number".to_string()
                } else {
                    let r: Vec<String> = b.iin.iter().map(IinRange::text).collect();
                    r.join(", ")
                };
                format!("{} ({iin}) {lengths}", b.name)
            })
            .collect();
        parts.join("; ")
    }
}

/// `13, 16 or 19`; a run of three or more is `12 to 19`.
fn describe_lengths(lengths: &[u8]) -> String {
    let run = lengths.len() >= 3 && lengths.windows(2).all(|w| w[1] == w[0] + 1);
    match lengths {
        [] => "none".to_string(),
        [one] => one.to_string(),
        [first, .., last] if run => format!("{first} to {last}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(u8::to_string).collect();
            format!("{} or {last}", init.join(", "))
        }
    }
}

/// A rule compiled for one target parameter: what it checks, with every argument and every
/// node it reads resolved at load time (no lookup by name, no default in code).
///
/// The target itself is [`crate::Rule::target`]; the object at whose end the rule is judged
/// (the nearest object holding the target and every node the rule reads) is
/// [`crate::Rule::scope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The request carries no token kind and no `customer`.
    TokenKindRequired,
    /// The target is missing although `when` has the value `equals` (ASCII case ignored).
    RequiredIf {
        /// The parameter whose value decides.
        when: NodeId,
        /// The value that makes the target required.
        equals: String,
    },
    /// No `""` (unset) value anywhere under the target object.
    NoUnset,
    /// More than one token kind in the request.
    OneTokenKind,
    /// The target needs a Connect account (`Stripe-Account`).
    RequiresConnect,
    /// With `with` present, the object-or-id target must be an id.
    IdOnlyWith {
        /// The parameter whose presence decides.
        with: NodeId,
    },
    /// Without `with`, the object-or-id target must be an object.
    ObjectOnlyWithout {
        /// The parameter whose absence decides.
        with: NodeId,
    },
    /// The target excludes every sibling in its object.
    Exclusive,
    /// ASCII digits only once the `strip` characters are removed, `min..=max` of them.
    Digits {
        /// Fewest digits.
        min: usize,
        /// Most digits.
        max: usize,
        /// Characters removed before counting (`" -"` for card numbers).
        strip: String,
    },
    /// A card number's length (the `strip` characters removed) is one its brand allows.
    CardLengthByBrand {
        /// The brands, their IIN ranges and their card-number lengths.
        brands: BrandTable,
        /// Characters removed before counting (`" -"`).
        strip: String,
    },
    /// A card number (the `strip` characters removed) passes the Luhn checksum.
    Luhn {
        /// Characters removed first (`" -"`).
        strip: String,
    },
    /// An integer sent as a string in `min..=max` (the target's refinement).
    Month {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// An expiry year of 2 or 4 digits, not before this year, at most `max_years_ahead` ahead.
    ExpiryYear {
        /// How many years ahead a year may be.
        max_years_ahead: i64,
    },
    /// The expiry month (the target) and `year` together are not before the current month.
    ExpiryNotPast {
        /// The expiry year parameter.
        year: NodeId,
    },
    /// A CVC of digits whose length is one its card's brand allows (any brand's, when the
    /// number is absent or failed its own rules).
    CvcLengthByBrand {
        /// The card number parameter.
        number: NodeId,
        /// The brands of the number's `card_length_by_brand` rule (the same names, in the
        /// same order, with the same IIN ranges), each with its CVC lengths.
        brands: BrandTable,
        /// The characters the number's rule removes from it (`" -"`).
        strip: String,
    },
    /// An ISO 3166-1 alpha-2 country code.
    CountryCode,
    /// An ISO 4217 currency code.
    CurrencyCode,
    /// A US ABA routing number when `country` is `when` (ASCII case ignored): 9 digits,
    /// and with `check_digit` the ABA check digit.
    UsRoutingNumber {
        /// The country parameter.
        country: NodeId,
        /// The country whose routing numbers are ABA numbers.
        when: String,
        /// Whether this use checks the check digit (else only the 9 digits).
        check_digit: bool,
    },
    /// An IBAN (length for its country, mod-97) when `country` uses IBANs.
    Iban {
        /// The country parameter.
        country: NodeId,
        /// Only in live mode (Stripe's test IBANs fail the check).
        live_only: bool,
    },
    /// The target object's `day`, `month` and `year` form a real calendar date.
    CalendarDate {
        /// The day parameter.
        day: NodeId,
        /// The month parameter.
        month: NodeId,
        /// The year parameter.
        year: NodeId,
    },
    /// An email address.
    Email,
    /// In test mode, a bank account number is one of Stripe's documented test numbers for
    /// its `country`, or a documented test IBAN.
    TestBankAccountNumber {
        /// The country parameter.
        country: NodeId,
        /// Documented test numbers, written `CC:number`.
        numbers: Vec<String>,
        /// Documented test IBANs, exactly as written.
        ibans: Vec<String>,
        /// Documented test IBANs that take any IBAN country's prefix.
        any_country_ibans: Vec<String>,
    },
    /// The value is the text of a JSON object.
    JsonObject,
    /// An Apple Pay payment token (the JSON of `PKPaymentToken.paymentData`) whose
    /// signature's signing time is not certainly more than `hours` hours before today.
    ApplePaySignedWithin {
        /// How many hours after the user's approval a token may be made.
        hours: i64,
    },
    /// The target map has at most `max` entries.
    MaxEntries {
        /// The most entries.
        max: usize,
    },
    /// Each key of the target map has at most `max` characters.
    MaxKeyLength {
        /// The most characters.
        max: usize,
    },
    /// Each value of the target map has at most `max` characters.
    MaxValueLength {
        /// The most characters.
        max: usize,
    },
}

impl Check {
    /// The nodes the check reads besides its target.
    pub fn reads(&self) -> Vec<NodeId> {
        match self {
            Check::RequiredIf { when, .. } => vec![*when],
            Check::IdOnlyWith { with } | Check::ObjectOnlyWithout { with } => vec![*with],
            Check::ExpiryNotPast { year } => vec![*year],
            Check::CvcLengthByBrand { number, .. } => vec![*number],
            Check::UsRoutingNumber { country, .. }
            | Check::Iban { country, .. }
            | Check::TestBankAccountNumber { country, .. } => vec![*country],
            Check::CalendarDate { day, month, year } => vec![*day, *month, *year],
            Check::TokenKindRequired
            | Check::NoUnset
            | Check::OneTokenKind
            | Check::RequiresConnect
            | Check::Exclusive
            | Check::Digits { .. }
            | Check::CardLengthByBrand { .. }
            | Check::Luhn { .. }
            | Check::Month { .. }
            | Check::ExpiryYear { .. }
            | Check::CountryCode
            | Check::CurrencyCode
            | Check::Email
            | Check::JsonObject
            | Check::ApplePaySignedWithin { .. }
            | Check::MaxEntries { .. }
            | Check::MaxKeyLength { .. }
            | Check::MaxValueLength { .. } => Vec::new(),
        }
    }

    /// Whether the check judges one value on its own, as soon as it is read (the rest are
    /// judged at the end of their scope object).
    pub fn is_local(&self) -> bool {
        match self {
            Check::Digits { .. }
            | Check::CardLengthByBrand { .. }
            | Check::Luhn { .. }
            | Check::Month { .. }
            | Check::ExpiryYear { .. }
            | Check::CountryCode
            | Check::CurrencyCode
            | Check::Email
            | Check::JsonObject
            | Check::ApplePaySignedWithin { .. } => true,
            Check::TokenKindRequired
            | Check::RequiredIf { .. }
            | Check::NoUnset
            | Check::OneTokenKind
            | Check::RequiresConnect
            | Check::IdOnlyWith { .. }
            | Check::ObjectOnlyWithout { .. }
            | Check::Exclusive
            | Check::ExpiryNotPast { .. }
            | Check::CvcLengthByBrand { .. }
            | Check::UsRoutingNumber { .. }
            | Check::Iban { .. }
            | Check::TestBankAccountNumber { .. }
            | Check::CalendarDate { .. }
            // A map's entries are judged together, at the end of the object that holds it.
            | Check::MaxEntries { .. }
            | Check::MaxKeyLength { .. }
            | Check::MaxValueLength { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_signature() {
        // Every variant, in the order of `SIGNATURES`: a variant's `signature()` is its own
        // entry, which a missing or misplaced entry would break.
        assert_eq!(RuleName::ALL.len(), SIGNATURES.len());
        for (i, rule) in RuleName::ALL.into_iter().enumerate() {
            let sig = rule.signature();
            assert_eq!(sig.rule, rule, "{rule:?}");
            assert_eq!(rule as usize, i, "{rule:?}");
            assert_eq!(RuleName::signature_of(sig.name).map(|x| x.rule), Some(rule));
            assert_eq!(
                SIGNATURES.iter().filter(|s| s.name == sig.name).count(),
                1,
                "{}",
                sig.name
            );
        }
        // Without a wildcard: a new variant does not compile until it has an arm here, which
        // makes one look at `ALL` and `SIGNATURES` (whose lengths are compared above).
        for rule in RuleName::ALL {
            match rule {
                RuleName::TokenKindRequired
                | RuleName::RequiredIf
                | RuleName::NoUnset
                | RuleName::OneTokenKind
                | RuleName::RequiresConnect
                | RuleName::IdOnlyWith
                | RuleName::ObjectOnlyWithout
                | RuleName::Exclusive
                | RuleName::Digits
                | RuleName::CardLengthByBrand
                | RuleName::Luhn
                | RuleName::Month
                | RuleName::ExpiryYear
                | RuleName::ExpiryNotPast
                | RuleName::CvcLengthByBrand
                | RuleName::CountryCode
                | RuleName::CurrencyCode
                | RuleName::UsRoutingNumber
                | RuleName::Iban
                | RuleName::CalendarDate
                | RuleName::Email
                | RuleName::TestBankAccountNumber
                | RuleName::JsonObject
                | RuleName::ApplePaySignedWithin
                | RuleName::MaxEntries
                | RuleName::MaxKeyLength
                | RuleName::MaxValueLength => {}
            }
        }
    }

    #[test]
    fn iin_ranges_and_prose() {
        assert_eq!(
            IinRange::parse("2221-2720"),
            Some(IinRange {
                digits: 4,
                low: 2221,
                high: 2720
            })
        );
        assert_eq!(IinRange::parse("4").map(|r| r.text()), Some("4".into()));
        assert_eq!(
            IinRange::parse("0300-0305").map(|r| r.text()),
            Some("0300-0305".into())
        );
        for bad in ["", "4-", "-4", "45-4", "4-45", "x", "1234567890", "4 "] {
            assert_eq!(IinRange::parse(bad), None, "{bad:?}");
        }
        assert_eq!(IinRange::parse("34").unwrap().span(4), (3400, 3499));
        assert_eq!(describe_lengths(&[13, 16, 19]), "13, 16 or 19");
        assert_eq!(describe_lengths(&[12, 13, 14, 15]), "12 to 15");
        assert_eq!(describe_lengths(&[3, 4]), "3 or 4");
        assert_eq!(describe_lengths(&[15]), "15");
    }
}
