//! The file model of the spec: what `spec/params.json` and `spec/rules.json` contain.
//!
//! These types are the on-disk format. They derive `serde` for reading and writing and
//! `schemars::JsonSchema` for the meta-schema (`token_spec::meta_schema`), which editors
//! and the test suite use to check a spec file before it is loaded. Loading
//! ([`crate::Spec::from_files`]) turns them into the checked intermediate representation.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The structural part of the spec, written by the OpenAPI importer.
///
/// One entry per parameter node (objects included), in the order of Stripe's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StructureFile {
    /// The Stripe API version the structure was imported from, e.g. `2026-07-29.dahlia`.
    pub api_version: String,
    /// Where the structure was imported from (free text: repository, file, commit).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Every parameter node, parents before children.
    pub params: Vec<ParamDef>,
}

/// The type names a parameter can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeName {
    /// A string.
    String,
    /// An integer, sent as decimal digits.
    Integer,
    /// A decimal number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One string out of a list.
    Enum,
    /// A list of scalar values.
    Array,
    /// A string-to-string map (`metadata`).
    Map,
    /// A nested object with named children.
    Object,
}

impl TypeName {
    /// The name as written in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::String => "string",
            TypeName::Integer => "integer",
            TypeName::Number => "number",
            TypeName::Boolean => "boolean",
            TypeName::Enum => "enum",
            TypeName::Array => "array",
            TypeName::Map => "map",
            TypeName::Object => "object",
        }
    }
}

/// One parameter node of the structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ParamDef {
    /// The parameter's path in Stripe's bracket notation, e.g. `card[number]`.
    pub path: String,
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Whether the parameter must be sent when its parent is sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Whether the empty string `""` is accepted to unset the value (OpenAPI's
    /// `anyOf: [T, enum [""]]`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unset: bool,
    /// The maximum length of a string value, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// OpenAPI's `format` (for example `unix-time`, `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The values of an `enum` parameter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Whether Stripe bypasses validation of the enum or object
    /// (`x-stripeBypassValidation`): unknown values must not be rejected. The importer also
    /// marks open an object whose parameters Stripe's OpenAPI does not describe (older
    /// versions' `bank_account`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub open: bool,
    /// The item type of an `array` parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<ItemDef>,
    /// For an object that may also be given as an object id (`card=card_123`): the id's limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub or_id: Option<IdDef>,
    /// For an object: it is a list of such objects, sent as `x[0][a]`, `x[1][a]`, …; its
    /// children are one element's (`x[a]` stands for every `x[N][a]`). Only older API
    /// versions have one (`account[legal_entity][additional_owners]`, kept by the importer
    /// for version gates); the loader refuses it until the validators check lists.
    #[serde(default, skip_serializing_if = "is_false")]
    pub list: bool,
    /// Documentation: our own words where we have something to say, and a link to the
    /// parameter's entry in Stripe's API reference (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The first Stripe API version known to have the parameter: the version declared by
    /// the first Stripe source that lists it (a public `spec3` file's `info.version`, the
    /// API version Stripe's SDK pinned when its types first had it). Stripe's public OpenAPI
    /// starts at `2017-08-15`: a parameter older than that says `2017-08-15`. Adding an
    /// optional parameter is not a breaking change, so a parameter is accepted under every
    /// API version whatever its `since` (only the version gates of `versions.json` make an
    /// older version differ); `since` is what `token-validate diff --changelog` groups by.
    /// The importer keeps it from the structure it replaces and gives a new parameter the
    /// imported version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Where this parameter comes from when it is not the structure's `source`: a parameter
    /// Stripe shipped after the newest public OpenAPI, taken from Stripe's SDKs (which are
    /// generated from Stripe's newer OpenAPI). The importer drops it: the OpenAPI then is
    /// the source.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The facts of this entry that no source gives, taken from Stripe's convention for
    /// its siblings (`max_length`), with the reason in `source`. The importer drops it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<InferredFact>,
}

/// A fact of a parameter that no source gives and the spec infers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InferredFact {
    /// The maximum length (`max_length`).
    MaxLength,
}

impl InferredFact {
    /// The name as the file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            InferredFact::MaxLength => "max_length",
        }
    }
}

/// The item type of an array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ItemDef {
    /// The item's type: a scalar type name (`string`, `integer`, `number`, `boolean`, `enum`).
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Maximum length of a string item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Values of an enum item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Whether an item may be `""`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unset: bool,
}

/// The id alternative of an object-or-id union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct IdDef {
    /// Maximum length of the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
}

/// The hand-written layer of the spec: refinements, semantic and context rules, errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RulesFile {
    /// Per-parameter refinements of the imported structure, keyed by bracket path.
    #[serde(default)]
    pub refine: BTreeMap<String, Refinement>,
    /// The token kinds: which top-level parameter selects each, and which keys may create it.
    pub kinds: Vec<KindDef>,
    /// The generic errors (unknown parameter, missing parameter, type errors, …), keyed by name.
    pub errors: BTreeMap<String, ErrorDef>,
    /// The named, parameterised rules beyond the OpenAPI schema, in the order Stripe checks them.
    pub rules: Vec<RuleDef>,
    /// How the text of a boolean parameter is read (`true`, `True`, …).
    #[serde(default)]
    pub booleans: BooleanDef,
    /// The answers of the HTTP layer (the tower layer and `token-validate serve`) that are
    /// not about the body: a missing key, an unsupported `Content-Type`, a body not received
    /// in time, an upstream that fails, idempotency, an unknown URL. Keyed by name; the
    /// loader refuses a rules file that lacks one the runtime answers with.
    #[serde(default)]
    pub http: BTreeMap<String, HttpErrorDef>,
}

/// An answer of the HTTP layer, as Stripe shapes its errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpErrorDef {
    /// The HTTP status (400 to 599).
    pub status: u16,
    /// Stripe's error `type` (`invalid_request_error`, `api_error`, `idempotency_error`).
    #[serde(rename = "type")]
    pub ty: String,
    /// The message; `{value}` is filled in where the answer names something (the
    /// idempotency key, the method and path of an unknown URL), `{limit}` with the limit
    /// it states ([`HttpErrorDef::limit`], or the HTTP server's own limit).
    pub message: String,
    /// Where the wording comes from.
    pub source: String,
    /// How sure we are that Stripe answers exactly this, or `protocol`: an answer about
    /// the transport that no evidence grades (see [`HttpConfidence`]).
    pub confidence: HttpConfidence,
    /// The limit the answer enforces, when it is Stripe's and so the spec's (the length of
    /// an idempotency key): read from here by the runtime and filled in for `{limit}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The top-level body parameter where a client that sends no `Authorization` header
    /// puts the API key (Stripe.js sends its publishable key as `key`): the HTTP layer
    /// reads the key from it before it answers this. It must be a parameter of the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_param: Option<String>,
}

/// How sure we are of an HTTP answer: a [`Confidence`] like every error definition's, for
/// an answer that rests on evidence of what Stripe does (an enforcement threshold grades
/// it), or `protocol`, off that scale: an answer about the transport itself (a body over
/// the limit or not received in time, a request head the HTTP server cannot read, a path
/// that does not name one endpoint, an upstream that failed). No evidence grades those,
/// and they are given whatever the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum HttpConfidence {
    /// Observed or documented for this case.
    H,
    /// The same answer seen on a sibling endpoint or an older API version.
    M,
    /// Inferred; the wording is ours.
    L,
    /// Off the confidence scale: a protocol-level answer, given whatever the threshold.
    #[serde(rename = "protocol")]
    Protocol,
}

impl HttpConfidence {
    /// The confidence of an evidence-graded answer; `None` for a protocol-level one.
    pub fn graded(self) -> Option<Confidence> {
        match self {
            HttpConfidence::H => Some(Confidence::H),
            HttpConfidence::M => Some(Confidence::M),
            HttpConfidence::L => Some(Confidence::L),
            HttpConfidence::Protocol => None,
        }
    }

    /// As the spec writes it: `H`, `M`, `L` or `protocol`.
    pub fn as_str(self) -> &'static str {
        match self.graded() {
            Some(c) => c.as_str(),
            None => "protocol",
        }
    }
}

/// The texts a boolean parameter accepts. Any other text is Stripe's "Invalid boolean".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BooleanDef {
    /// The texts read as `true`.
    #[serde(rename = "true")]
    pub true_texts: Vec<String>,
    /// The texts read as `false`.
    #[serde(rename = "false")]
    pub false_texts: Vec<String>,
    /// Where the spellings come from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl Default for BooleanDef {
    /// Only `true` and `false`.
    fn default() -> Self {
        BooleanDef {
            true_texts: vec!["true".into()],
            false_texts: vec!["false".into()],
            source: String::new(),
        }
    }
}

/// A refinement of one imported parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Refinement {
    /// The value is secret (card number, CVC, account number, id numbers): it never appears
    /// in an error message, a `Debug` output or a log line.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
    /// A tighter type than OpenAPI's (for example `integer` for `card[exp_month]`, which
    /// OpenAPI types as a string). Only `string` → `integer` is allowed.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeName>,
    /// Smallest value of an integer parameter, or of a string refined into an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest value of an integer parameter, or of a string refined into an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Why the refinement is there (reviewers read it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// The key types of Stripe API keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyType {
    /// `pk_…`
    Publishable,
    /// `sk_…`
    Secret,
    /// `rk_…`
    Restricted,
}

/// The modes of Stripe API keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// `…_test_…`
    Test,
    /// `…_live_…`
    Live,
}

/// One token kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct KindDef {
    /// The kind's name (`card`, `bank_account`, `cvc_update`, `pii`, `person`, `account`).
    pub name: String,
    /// The top-level parameter that selects the kind (same as the name for all of Stripe's kinds).
    pub param: String,
    /// Top-level parameters that make a request this kind when no kind's parameter is sent
    /// (`customer` alone is a card token: Stripe clones the customer's default card).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implied_by: Vec<String>,
    /// The order in which Stripe checks the kind's fields (for the order of errors); fields
    /// not listed come after, in spec order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    /// Where the order comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub order_source: String,
    /// Which key types may create this kind, and in which modes.
    pub keys: BTreeMap<KeyType, Vec<Mode>>,
    /// The error for a key that may not create this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_error: Option<ErrorDef>,
    /// Where the key rule comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// Stripe's error types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorType {
    /// HTTP 400.
    InvalidRequestError,
    /// HTTP 402.
    CardError,
}

impl ErrorType {
    /// The type Stripe names `name` (`"card_error"`), if it is one of these.
    pub fn from_name(name: &str) -> Option<ErrorType> {
        [ErrorType::InvalidRequestError, ErrorType::CardError]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
    /// The name Stripe uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequestError => "invalid_request_error",
            ErrorType::CardError => "card_error",
        }
    }
    /// The HTTP status Stripe answers with.
    pub fn status(self) -> u16 {
        match self {
            ErrorType::InvalidRequestError => 400,
            ErrorType::CardError => 402,
        }
    }
}

/// How an error's `param` is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParamForm {
    /// The full bracket path, `person[dob][month]` (request errors).
    #[default]
    Path,
    /// The bare field name, `exp_month` (card errors).
    Field,
    /// No `param`.
    None,
}

/// How sure we are that Stripe answers exactly this (for an error definition), or that
/// Stripe accepts a parameter (for an entry of `accepted.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Confidence {
    /// Observed or documented for this case.
    H,
    /// The same code seen on a sibling endpoint or an older API version.
    M,
    /// Inferred; the wording is ours.
    L,
}

impl Confidence {
    /// Every confidence, from the highest.
    pub const ALL: [Confidence; 3] = [Confidence::H, Confidence::M, Confidence::L];

    /// The letter, as the spec writes it: `H`, `M` or `L`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::H => "H",
            Confidence::M => "M",
            Confidence::L => "L",
        }
    }

    /// 3 for H, 2 for M, 1 for L.
    fn rank(self) -> u8 {
        match self {
            Confidence::H => 3,
            Confidence::M => 2,
            Confidence::L => 1,
        }
    }

    /// Whether a problem of this confidence is enforced (a rejection) under the enforcement
    /// threshold `threshold`, rather than a warning: it is unless it is below the threshold.
    /// Under `L` (strict) every problem is enforced; under `M`, H and M problems are; under
    /// `H`, only H problems.
    pub fn meets(self, threshold: Confidence) -> bool {
        self.rank() >= threshold.rank()
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not `H`, `M` or `L`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownConfidence;

impl std::fmt::Display for UnknownConfidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a confidence is H, M or L")
    }
}

impl std::error::Error for UnknownConfidence {}

impl std::str::FromStr for Confidence {
    type Err = UnknownConfidence;
    /// `H`, `M` or `L` (either case).
    fn from_str(s: &str) -> Result<Confidence, UnknownConfidence> {
        match s.trim() {
            "H" | "h" => Ok(Confidence::H),
            "M" | "m" => Ok(Confidence::M),
            "L" | "l" => Ok(Confidence::L),
            _ => Err(UnknownConfidence),
        }
    }
}

/// The error a rule produces, as Stripe shapes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ErrorDef {
    /// Stripe's error `type`.
    #[serde(rename = "type")]
    pub ty: ErrorType,
    /// Stripe's error `code`, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How `param` is written.
    #[serde(default)]
    pub param: ParamForm,
    /// The message template. Placeholders: `{param}` (the full path), `{value}` (the value;
    /// never filled in for a secret parameter), `{values}` (an enum's values, or the names
    /// of several unknown parameters), `{limit}`, `{suggestion}` (the name a misspelt
    /// parameter most likely means).
    pub message: String,
    /// Where the code and wording come from.
    pub source: String,
    /// How sure we are of the code and wording.
    pub confidence: Confidence,
}

/// The stage a rule runs in; errors are reported stage by stage, in this order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Missing and empty parameters.
    Presence,
    /// Context rules: key type and mode, Connect account, token kinds.
    Context,
    /// Semantic rules: card checks, checksums, code lists.
    Semantic,
}

/// An argument of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ArgValue {
    /// A number.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// A string (a parameter path for parameter-valued arguments).
    Str(String),
    /// A list of strings.
    List(Vec<String>),
    /// A table of card brands (`card_length_by_brand`'s `brands`, `cvc_length_by_brand`'s
    /// `lengths`).
    Brands(Vec<BrandDef>),
}

/// One card brand of a brand table: which card numbers are of the brand and the lengths
/// allowed for it (card-number lengths in `card_length_by_brand`, security-code lengths in
/// `cvc_length_by_brand`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BrandDef {
    /// The brand as Stripe names it in `card.brand` (`Visa`, `American Express`, …).
    pub brand: String,
    /// Its IIN ranges, as leading digits: a prefix (`"4"`, `"34"`) or an inclusive range of
    /// prefixes of the same length (`"2221-2720"`). A card number whose leading digits fall
    /// in one of them is of this brand. In `card_length_by_brand`, exactly one brand has
    /// none: it is the brand of every other number (`Unknown`). In `cvc_length_by_brand`
    /// no brand has any: the brands are those of the card number's `card_length_by_brand`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iin: Vec<String>,
    /// The lengths allowed, in digits.
    pub lengths: Vec<u8>,
    /// Where the ranges and lengths come from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// One named, parameterised rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleDef {
    /// A unique id for this use of the rule.
    pub id: String,
    /// The rule's name (its one implementation in the runtime), e.g. `luhn`.
    pub rule: String,
    /// The stage the rule runs in.
    pub stage: Stage,
    /// The parameters the rule applies to (bracket paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
    /// The rule's arguments.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, ArgValue>,
    /// The error the rule produces.
    pub error: ErrorDef,
    /// What the rule checks, in one line.
    pub doc: String,
}

/// What Stripe accepts on `POST /v1/tokens` beyond its public OpenAPI (`spec/accepted.json`):
/// the fields Stripe's own clients send, legacy names, wallet fields and Apple Pay. Written
/// by hand with the evidence for each entry; the OpenAPI importer never writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcceptedFile {
    /// What the file is, for a reader.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub about: String,
    /// The accepted parameters, parents before children.
    pub params: Vec<AcceptedDef>,
    /// Rules on the accepted parameters (as `rules.json` writes them, with their errors'
    /// sources and confidence), after the rules of `rules.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDef>,
}

/// What an accepted parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AcceptedWhat {
    /// A field Stripe's clients add to every request (`guid`, `muid`, `payment_user_agent`,
    /// …): accepted on every token kind.
    ClientField,
    /// An older name of a parameter of today's spec (`pii[personal_id_number]` for
    /// `pii[id_number]`), validated exactly as that parameter.
    Alias,
    /// A field of a card from a wallet (`card[tokenization_method]`, `card[cryptogram]`, …).
    Wallet,
    /// The Apple Pay payment token and its companions: a way to make a card token.
    ApplePay,
    /// A parameter Stripe's OpenAPI listed before and that Stripe's own clients still send
    /// (`card[metadata]`, `pii[ssn_last_4]`), under no other name today.
    Legacy,
}

impl AcceptedWhat {
    /// The name as the file writes it (`client_field`, `alias`, `wallet`, `apple_pay`).
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptedWhat::ClientField => "client_field",
            AcceptedWhat::Alias => "alias",
            AcceptedWhat::Wallet => "wallet",
            AcceptedWhat::ApplePay => "apple_pay",
            AcceptedWhat::Legacy => "legacy",
        }
    }
}

/// One parameter Stripe accepts beyond its OpenAPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AcceptedDef {
    /// The parameter's path in bracket notation (`guid`, `card[cryptogram]`). Its parent is
    /// the request body or an object of the structure; the path itself is not in the
    /// structure (a parameter Stripe starts to document moves there).
    pub path: String,
    /// What it is.
    pub what: AcceptedWhat,
    /// Its type: `string` (the default), `integer`, `boolean` or `map`. An alias has no type
    /// of its own: it is its parameter's.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeName>,
    /// The longest value accepted, in characters, where the evidence gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// For an alias: the path of today's parameter it stands for (a sibling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
    /// The value is secret (a wallet cryptogram): never in an error, a `Debug` output or a
    /// log line. (No accepted parameter's value is ever quoted in an error.)
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
    /// `""` is accepted (sent by a client for "none", such as an empty Apple Pay token from
    /// the iOS simulator in test mode).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unset: bool,
    /// For a top-level parameter: the token kind whose requests it belongs to (`card` for
    /// the Apple Pay fields); without it, every kind's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For a top-level parameter with `kind`: it makes the request that kind when no kind's
    /// parameter is sent (`pk_token` alone is a card token).
    #[serde(default, skip_serializing_if = "is_false")]
    pub selects_kind: bool,
    /// For a top-level parameter: the required parameters it stands in for, which are then
    /// not required (`pk_token` replaces `card[number]`, `card[exp_month]`, `card[exp_year]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// Who sends it and what shows that Stripe accepts it (repository, commit, path; a
    /// recorded answer; Stripe's own documents).
    pub source: String,
    /// How sure we are that Stripe accepts it: H a recorded 2xx answer or Stripe's own
    /// document lists it, M sent by Stripe's own SDKs (no recorded answer at hand), L
    /// inferred.
    pub confidence: Confidence,
    /// What it is, in one line (the generated field's documentation).
    pub doc: String,
}

/// The history of `POST /v1/tokens` across Stripe API versions (`spec/versions.json`): the
/// breaking changes that touch it, each a **version gate** with its source. Written by hand
/// with the evidence for each gate; the OpenAPI importer never writes it.
///
/// Stripe's versioning (its "API upgrades" page): a request is handled as the API version
/// its `Stripe-Version` header names (none: the account's); adding an optional parameter is
/// backwards-compatible and reaches every version, so only breaking changes get a new
/// dated version. A request whose version is before a gate is validated as Stripe did
/// then: the gate's older parameters (`removed`) are accepted with their old shape, and
/// what the gate changed (`unknown_ignored_before`, `missing_before`, `added`) applies the
/// old way. A request on or after the gate's version, or without a version, is validated
/// as today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VersionsFile {
    /// What the file is, for a reader.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub about: String,
    /// How the `since` of each parameter of `params.json` was established (the sources).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub since: String,
    /// The version gates, oldest first.
    pub gates: Vec<GateDef>,
}

/// One breaking change of Stripe's API that touches `POST /v1/tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GateDef {
    /// The API version that made the change (`2019-02-19`, `2024-09-30.acacia`): requests
    /// of an older version are validated as before it.
    pub version: String,
    /// A unique name for the gate (`legal_entity_replaced`), used in warnings.
    pub id: String,
    /// What changed, in one line (the changelog prints it).
    pub change: String,
    /// Where the change is documented or seen (Stripe's changelog entry, recorded answers).
    pub source: String,
    /// How sure we are that the change touches token requests as described.
    pub confidence: Confidence,
    /// What was decided where the sources say nothing, and why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Objects (bracket paths; `""` for the request body) under which Stripe ignored
    /// parameters it did not know before this version, instead of refusing them (their
    /// nested objects included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_ignored_before: Vec<String>,
    /// The error Stripe gave before this version for a required parameter left out, under
    /// some objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_before: Option<MissingBefore>,
    /// The parameters that existed before this version and not since, with their shape then
    /// (as `params.json` writes parameters), parents before children. An object with `list:
    /// true` (a list of objects) is accepted without checking its elements: the validators
    /// do not check lists of objects; its children are kept here as the record of one
    /// element's shape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<ParamDef>,
    /// Which of `removed` are secret (never in an error, a `Debug` output or a log line).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret: Vec<String>,
    /// Today's parameters that came with this version (paths of `params.json`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// What a request of an older version that sends one of `added` gets: always a warning
    /// beside the verdict, never a refusal (whether Stripe accepted it then is not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_before: Option<ErrorDef>,
}

/// The error for a required parameter left out, before a version gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MissingBefore {
    /// The objects whose required parameters it concerns (their nested objects included).
    #[serde(rename = "in")]
    pub within: Vec<String>,
    /// The error.
    pub error: ErrorDef,
}

/// The meta-schema of the two spec files, derived from the file model with `schemars`:
/// `(structure, rules)`.
pub fn meta_schemas() -> (schemars::Schema, schemars::Schema) {
    (
        schemars::schema_for!(StructureFile),
        schemars::schema_for!(RulesFile),
    )
}

/// The meta-schema of `spec/accepted.json` ([`AcceptedFile`]), derived with
/// `schemars`.
pub fn accepted_meta_schema() -> schemars::Schema {
    schemars::schema_for!(AcceptedFile)
}

/// The meta-schema of `spec/versions.json` ([`VersionsFile`]), derived with
/// `schemars`.
pub fn versions_meta_schema() -> schemars::Schema {
    schemars::schema_for!(VersionsFile)
}
