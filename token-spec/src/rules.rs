//! The catalogue of rule names the spec may use, with the signature the loader checks each
//! use against, and [`Check`]: a rule compiled for one parameter, with its arguments and the
//! nodes it reads resolved. Every consumer (the validators `token-derive` generates, the
//! runtime's one implementation of each rule) matches on [`Check`] without a wildcard arm, so
//! a rule without an implementation does not compile.

use crate::ir::NodeId;
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
    /// A card number's length fits its brand (Amex 15, Visa 13/16/19, …).
    CardLengthByBrand,
    /// A card number passes the Luhn checksum.
    Luhn,
    /// An integer sent as a string, within the range its refinement gives (`min`, `max`).
    Month,
    /// An expiry year of 2 or 4 digits, not before this year, at most `max_years_ahead` ahead.
    ExpiryYear,
    /// The expiry month and `year` together are not before the current month.
    ExpiryNotPast,
    /// A CVC whose length fits the brand of the card `number` (4 for Amex, 3 otherwise).
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
        &[],
    ),
    sig(RuleName::Luhn, "luhn", Scalar, Stage::Semantic, &[]),
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
        &[("number", Param, true)],
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
];

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
    /// Looks a rule up by its spec name.
    pub fn signature_of(name: &str) -> Option<&'static Signature> {
        SIGNATURES.iter().find(|s| s.name == name)
    }

    /// The rule's signature.
    pub fn signature(self) -> &'static Signature {
        SIGNATURES
            .iter()
            .find(|s| s.rule == self)
            .unwrap_or(&SIGNATURES[0])
    }

    /// The rule's spec name.
    pub fn name(self) -> &'static str {
        self.signature().name
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
    /// A card number's length fits its brand.
    CardLengthByBrand,
    /// A card number passes the Luhn checksum.
    Luhn,
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
    /// A CVC whose length fits the brand of the card `number`.
    CvcLengthByBrand {
        /// The card number parameter.
        number: NodeId,
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
}

impl Check {
    /// The nodes the check reads besides its target.
    pub fn reads(&self) -> Vec<NodeId> {
        match self {
            Check::RequiredIf { when, .. } => vec![*when],
            Check::IdOnlyWith { with } | Check::ObjectOnlyWithout { with } => vec![*with],
            Check::ExpiryNotPast { year } => vec![*year],
            Check::CvcLengthByBrand { number } => vec![*number],
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
            | Check::CardLengthByBrand
            | Check::Luhn
            | Check::Month { .. }
            | Check::ExpiryYear { .. }
            | Check::CountryCode
            | Check::CurrencyCode
            | Check::Email
            | Check::JsonObject
            | Check::ApplePaySignedWithin { .. } => Vec::new(),
        }
    }

    /// Whether the check judges one value on its own, as soon as it is read (the rest are
    /// judged at the end of their scope object).
    pub fn is_local(&self) -> bool {
        match self {
            Check::Digits { .. }
            | Check::CardLengthByBrand
            | Check::Luhn
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
            | Check::CalendarDate { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_one_signature() {
        for s in SIGNATURES {
            assert_eq!(s.rule.signature().name, s.name);
            assert_eq!(RuleName::signature_of(s.name).map(|x| x.rule), Some(s.rule));
        }
    }
}
