//! The checked intermediate representation that every consumer reads: the proc macro, the
//! JSON Schema emitter, the diff and the runtime validator.

use std::collections::{BTreeMap, HashMap};

use crate::id::NodeId;
use crate::model::{
    AcceptedWhat, BooleanDef, Confidence, ErrorDef, HttpErrorDef, IdDef, InferredFact, KeyType,
    Mode, Stage, TypeName,
};
use crate::rules::{BrandTable, Check, RuleName};

/// The type of an array item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemTy {
    /// A string, with its maximum length.
    String {
        /// Maximum length in characters.
        max_length: Option<u64>,
    },
    /// An integer.
    Integer,
    /// A decimal number.
    Number,
    /// A boolean.
    Boolean,
    /// One value of a list.
    Enum {
        /// The allowed values.
        values: Vec<String>,
    },
}

impl ItemTy {
    /// The item's type as a node type (for checks shared with scalar parameters).
    pub fn as_ty(&self) -> Ty {
        match self {
            ItemTy::String { max_length } => Ty::String {
                max_length: *max_length,
                format: None,
            },
            ItemTy::Integer => Ty::Integer {
                format: None,
                min: None,
                max: None,
                from_string: None,
            },
            ItemTy::Number => Ty::Number,
            ItemTy::Boolean => Ty::Boolean,
            ItemTy::Enum { values } => Ty::Enum {
                max_length: None,
                values: values.clone(),
                open: false,
            },
        }
    }
}

/// An array item.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Item {
    /// The item's type.
    pub ty: ItemTy,
    /// Whether an item may be `""`.
    pub unset: bool,
}

/// A node's type, with its limits.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    String {
        /// Maximum length in characters.
        max_length: Option<u64>,
        /// OpenAPI's `format`, e.g. `currency`.
        format: Option<String>,
    },
    /// An integer.
    Integer {
        /// OpenAPI's `format`, e.g. `unix-time`.
        format: Option<String>,
        /// Smallest value (from a refinement).
        min: Option<i64>,
        /// Largest value (from a refinement).
        max: Option<i64>,
        /// The refinement tightened an OpenAPI string: Stripe itself does not reject a
        /// non-integer with `parameter_invalid_integer` here, a semantic rule does.
        /// Holds OpenAPI's `maxLength` of the string.
        from_string: Option<Option<u64>>,
    },
    /// A decimal number.
    Number,
    /// A boolean.
    Boolean,
    /// One string out of a list.
    Enum {
        /// OpenAPI's `maxLength` of the enum's string, if any.
        max_length: Option<u64>,
        /// The values.
        values: Vec<String>,
        /// Unknown values are accepted (`x-stripeBypassValidation`).
        open: bool,
    },
    /// A list of scalars.
    Array {
        /// The item type.
        items: Item,
    },
    /// A string-to-string map.
    Map,
    /// An object.
    Object {
        /// Stripe bypasses validation of the object's fields.
        open: bool,
        /// The object may be given as an id string instead.
        or_id: Option<IdDef>,
    },
}

impl Ty {
    /// The spec's name of the type.
    pub fn name(&self) -> TypeName {
        match self {
            Ty::String { .. } => TypeName::String,
            Ty::Integer { .. } => TypeName::Integer,
            Ty::Number => TypeName::Number,
            Ty::Boolean => TypeName::Boolean,
            Ty::Enum { .. } => TypeName::Enum,
            Ty::Array { .. } => TypeName::Array,
            Ty::Map => TypeName::Map,
            Ty::Object { .. } => TypeName::Object,
        }
    }
}

/// One parameter node.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Node {
    /// The full bracket path, `person[dob][day]`; empty for the root.
    pub path: String,
    /// The last path segment, `day`.
    pub name: String,
    /// The parent node (`None` for the root).
    pub parent: Option<NodeId>,
    /// The children of an object, in spec order.
    pub children: Vec<NodeId>,
    /// The type.
    pub ty: Ty,
    /// Required when the parent is present.
    pub required: bool,
    /// `""` is accepted to unset the value.
    pub unset: bool,
    /// The value is secret and never appears in messages or `Debug` output.
    pub secret: bool,
    /// One-line documentation.
    pub doc: String,
    /// The rules applying to this node, as indices into [`Spec::rules`], in rule order.
    pub rules: Vec<usize>,
    /// For a parameter of `accepted.json` (accepted beyond Stripe's OpenAPI): what it is and
    /// the evidence. `None` for the structure's parameters.
    pub accepted: Option<Accepted>,
    /// The older names Stripe still accepts for this parameter (`pii[personal_id_number]`
    /// for `pii[id_number]`): sibling nodes validated as this one, whose value the typed
    /// request holds here.
    pub aliases: Vec<NodeId>,
    /// Top-level parameters whose presence lifts this one's requirement (`pk_token` for
    /// `card[number]`).
    pub required_unless: Vec<NodeId>,
    /// The first Stripe API version known to have the parameter (`params.json` `since`).
    pub since: Option<String>,
    /// Where the parameter comes from when not the structure's source (a parameter newer
    /// than the public OpenAPI, from Stripe's SDKs), and what is inferred.
    pub source: Option<String>,
    /// The facts of the parameter that no source gives (`max_length`).
    pub inferred: Vec<InferredFact>,
    /// For a parameter of an older API version (a gate's `removed`): the index of that
    /// gate in [`Spec::gates`]. It exists only for requests of a version before the gate.
    pub until: Option<usize>,
    /// For one of today's parameters that came with a breaking change (a gate's `added`):
    /// the index of that gate. A request of an older version that sends it gets the gate's
    /// warning.
    pub added_at: Option<usize>,
    /// A list of objects of an older API version (`account[legal_entity][additional_owners]`),
    /// accepted without checking its elements: no children.
    pub list: bool,
}

/// Where a parameter accepted beyond Stripe's OpenAPI comes from (`accepted.json`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Accepted {
    /// What it is.
    pub what: AcceptedWhat,
    /// For an alias: today's parameter it stands for.
    pub alias_of: Option<NodeId>,
    /// For a top-level parameter of one token kind: that kind's name.
    pub kind: Option<String>,
    /// Who sends it and the evidence that Stripe accepts it.
    pub source: String,
    /// How sure we are that Stripe accepts it.
    pub confidence: Confidence,
}

impl Node {
    /// The node's depth (top-level parameters have depth 1).
    pub fn depth(&self) -> usize {
        if self.path.is_empty() {
            0
        } else {
            1 + self.path.matches('[').count()
        }
    }
}

/// A token kind.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Kind {
    /// The kind's name, `card`.
    pub name: String,
    /// The top-level parameter that selects it.
    pub node: NodeId,
    /// Top-level parameters that make a request this kind when no kind's parameter is sent.
    pub implied_by: Vec<NodeId>,
    /// The kind's fields in the order Stripe checks them (the rest follow in spec order).
    pub order: Vec<NodeId>,
    /// Key types and modes allowed to create it.
    pub keys: BTreeMap<KeyType, Vec<Mode>>,
    /// The error when the key may not.
    pub key_error: Option<ErrorDef>,
}

impl Kind {
    /// Whether a key of this type and mode may create this kind.
    pub fn allows(&self, key: KeyType, mode: Mode) -> bool {
        self.keys.get(&key).is_some_and(|m| m.contains(&mode))
    }
}

/// One named rule of the spec, compiled for one of its target parameters (a rule of
/// `rules.json` with several `params` gives one [`Rule`] per parameter, in order).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rule {
    /// The rule's id in `rules.json`.
    pub id: String,
    /// Which implementation.
    pub rule: RuleName,
    /// The stage.
    pub stage: Stage,
    /// The parameter it applies to ([`NodeId::ROOT`] for rules on the whole request).
    pub target: NodeId,
    /// The object at whose end the rule is judged: the nearest object holding the target
    /// and every node the rule reads (the target itself for rules on an object's parts).
    pub scope: NodeId,
    /// What it checks, with its arguments resolved.
    pub check: Check,
    /// The error produced.
    pub error: ErrorDef,
    /// What it checks, in one line.
    pub doc: String,
}

/// The generic errors the runtime raises, each defined once in `rules.json` `errors` under
/// its [`Generic::name`]; the loader refuses a rules file that lacks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Generic {
    /// A body that cannot be read (the message is the parser's).
    InvalidBody,
    /// A parameter the spec does not have.
    ParameterUnknown,
    /// A parameter the spec does not have, close to one it has ("Did you mean …?").
    ParameterUnknownSuggestion,
    /// Several parameters the spec does not have, in one error.
    ParametersUnknown,
    /// A required parameter left out.
    ParameterMissing,
    /// `""` where a parameter cannot be unset.
    ParameterInvalidEmpty,
    /// A value of only white space.
    ParameterInvalidStringBlank,
    /// Not an integer.
    ParameterInvalidInteger,
    /// An integer below its range.
    ParameterIntegerTooSmall,
    /// An integer above its range.
    ParameterIntegerTooLarge,
    /// Not a decimal number.
    ParameterInvalidNumber,
    /// Not a boolean.
    ParameterInvalidBoolean,
    /// Not one of an enum's values.
    ParameterInvalidEnum,
    /// A string over its maximum length.
    ParameterInvalidStringLength,
    /// A value where an object (or map) is expected.
    ParameterInvalidObject,
    /// A value where an array is expected.
    ParameterInvalidArray,
    /// An object or array where a single value is expected.
    ParameterInvalidScalar,
}

impl Generic {
    /// Every generic error, in declaration order.
    pub const ALL: [Generic; 17] = [
        Generic::InvalidBody,
        Generic::ParameterUnknown,
        Generic::ParameterUnknownSuggestion,
        Generic::ParametersUnknown,
        Generic::ParameterMissing,
        Generic::ParameterInvalidEmpty,
        Generic::ParameterInvalidStringBlank,
        Generic::ParameterInvalidInteger,
        Generic::ParameterIntegerTooSmall,
        Generic::ParameterIntegerTooLarge,
        Generic::ParameterInvalidNumber,
        Generic::ParameterInvalidBoolean,
        Generic::ParameterInvalidEnum,
        Generic::ParameterInvalidStringLength,
        Generic::ParameterInvalidObject,
        Generic::ParameterInvalidArray,
        Generic::ParameterInvalidScalar,
    ];

    /// The error's name in `rules.json` `errors`.
    pub const fn name(self) -> &'static str {
        match self {
            Generic::InvalidBody => "invalid_body",
            Generic::ParameterUnknown => "parameter_unknown",
            Generic::ParameterUnknownSuggestion => "parameter_unknown_suggestion",
            Generic::ParametersUnknown => "parameters_unknown",
            Generic::ParameterMissing => "parameter_missing",
            Generic::ParameterInvalidEmpty => "parameter_invalid_empty",
            Generic::ParameterInvalidStringBlank => "parameter_invalid_string_blank",
            Generic::ParameterInvalidInteger => "parameter_invalid_integer",
            Generic::ParameterIntegerTooSmall => "parameter_integer_too_small",
            Generic::ParameterIntegerTooLarge => "parameter_integer_too_large",
            Generic::ParameterInvalidNumber => "parameter_invalid_number",
            Generic::ParameterInvalidBoolean => "parameter_invalid_boolean",
            Generic::ParameterInvalidEnum => "parameter_invalid_enum",
            Generic::ParameterInvalidStringLength => "parameter_invalid_string_length",
            Generic::ParameterInvalidObject => "parameter_invalid_object",
            Generic::ParameterInvalidArray => "parameter_invalid_array",
            Generic::ParameterInvalidScalar => "parameter_invalid_scalar",
        }
    }
}

/// The names of the generic errors the runtime needs from `rules.json` `errors`.
pub const GENERIC_ERRORS: &[&str] = &{
    let mut names = [""; Generic::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Generic::ALL[i].name();
        i += 1;
    }
    names
};

/// The answers of the HTTP layer the runtime needs from `rules.json` `http`.
pub const HTTP_ERRORS: &[&str] = &[
    "missing_api_key",
    "invalid_api_key",
    "invalid_account",
    "unsupported_media_type",
    "body_timeout",
    "body_read",
    "upstream_failed",
    "upstream_timeout",
    "idempotency_key_too_long",
    "idempotency_mismatch",
    "not_found",
    "ambiguous_path",
    "idempotency_key_invalid",
    "body_too_large",
    "bad_header",
    "bad_method",
    "bad_uri",
    "bad_version",
    "uri_too_long",
    "too_many_headers",
    "head_too_large",
    "bad_content_length",
    "bad_transfer_encoding",
];

/// A breaking change of Stripe's API that touches `POST /v1/tokens` (`versions.json`): a
/// request whose API version is before it is validated as before it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Gate {
    /// The API version that made the change.
    pub version: String,
    /// The version's release date, `(year, month, day)`: a request is before the gate when
    /// its version's date is earlier.
    pub date: (u16, u8, u8),
    /// The gate's name.
    pub id: String,
    /// What changed, in one line.
    pub change: String,
    /// Where the change is documented or seen.
    pub source: String,
    /// How sure we are that it touches token requests as described.
    pub confidence: Confidence,
    /// Decisions where the sources say nothing.
    pub notes: String,
    /// Objects under which unknown parameters were ignored before it (their nested objects
    /// included; [`NodeId::ROOT`] for the whole body).
    pub unknown_ignored_before: Vec<NodeId>,
    /// The objects whose missing required parameters got another error before it, and
    /// that error.
    pub missing_before: Option<(Vec<NodeId>, ErrorDef)>,
    /// The parameters that existed only before it (every node of their subtrees).
    pub removed: Vec<NodeId>,
    /// Today's parameters that came with it.
    pub added: Vec<NodeId>,
    /// The warning for one of `added` sent under an older version (never a refusal).
    pub added_before: Option<ErrorDef>,
}

/// The whole checked spec.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Spec {
    /// Stripe API version.
    pub api_version: String,
    /// Where the structure was imported from.
    pub source: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) by_path: HashMap<String, NodeId>,
    /// The token kinds, in spec order.
    pub kinds: Vec<Kind>,
    /// The generic errors by name.
    pub errors: BTreeMap<String, ErrorDef>,
    /// The generic errors in [`Generic::ALL`] order (the loader fills every one).
    pub(crate) generics: Vec<ErrorDef>,
    /// The rules, in the order they run within a stage.
    pub rules: Vec<Rule>,
    /// The texts a boolean parameter accepts (`rules.json` `booleans`).
    pub booleans: BooleanDef,
    /// The version gates (`versions.json`), oldest first.
    pub gates: Vec<Gate>,
    /// The answers of the HTTP layer by name (`rules.json` `http`; the loader makes sure
    /// every name of [`crate::HTTP_ERRORS`] is there).
    pub http: BTreeMap<String, HttpErrorDef>,
    /// Each node's name as the set of its bytes (see [`name_mask`]), by node index: what
    /// [`Spec::suggest_child`] compares first.
    pub(crate) name_masks: Vec<u64>,
}

/// Which bytes a name holds, a bit each (`b % 64`): an edit changes at most two bits, so
/// names whose bits differ by more than twice the allowed edits are too far apart, found
/// without computing a distance (ASCII only: an edit of a non-ASCII character changes
/// several bytes).
pub(crate) fn name_mask(s: &str) -> u64 {
    s.bytes().fold(0u64, |m, b| m | 1 << (b % 64))
}

impl Spec {
    /// Every node; index 0 is the root (the request body).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// One node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }
    /// The node at a bracket path.
    pub fn lookup(&self, path: &str) -> Option<NodeId> {
        self.by_path.get(path).copied()
    }
    /// The child of `parent` named `name`.
    pub fn child(&self, parent: NodeId, name: &str) -> Option<NodeId> {
        self.node(parent)
            .children
            .iter()
            .copied()
            .find(|c| self.node(*c).name == name)
    }
    /// The name of the child of `parent` that an unknown segment most likely misspells,
    /// for Stripe's "Did you mean address_city?" (the suggestion names only the leaf).
    ///
    /// The distance is Levenshtein's (as the derive's hints, bounded:
    /// [`distance_within`](crate::suggest::distance_within)), and a name qualifies when it is at most one edit per four
    /// characters of the segment away, with at least 1 and at most 3 edits: Stripe's
    /// observed suggestions (`adress_city` → `address_city`, `unit_amout` → `unit_amount`,
    /// `paynebt_method_types` → `payment_method_types`) are 1 or 2 edits away, while a
    /// short unrelated word (`foo`, `type`, `currency`) is never close enough to a real name.
    /// The closest name wins; on a tie, the first in spec order. Names whose length differs
    /// from the segment's by more than the allowed edits are not compared, so the work is
    /// bounded by the spec's name lengths whatever the segment.
    pub fn suggest_child(&self, parent: NodeId, segment: &str) -> Option<&str> {
        let len = segment.chars().count();
        let allowed = (len / 4).clamp(1, 3);
        // The names' byte sets ([`name_mask`]) rule most siblings out before a distance.
        let seg_mask = segment.is_ascii().then(|| name_mask(segment));
        let mut table = [0; 128];
        let pattern = crate::suggest::Pattern::new(segment, &mut table);
        let mut best: Option<(usize, &str)> = None;
        for &c in &self.node(parent).children {
            // A closer name than the best so far, or nothing.
            let within = best.map_or(allowed, |(d, _)| d - 1);
            if within == 0 {
                // Distance 1 is the closest a different name can be: the first one wins.
                break;
            }
            let name = self.node(c).name.as_str();
            // Today's names only: an older name (an alias) is never suggested.
            if name.len().abs_diff(len) > within || self.is_alias(c) {
                continue;
            }
            if let Some(m) = seg_mask
                && name.is_ascii()
                && (m ^ self.name_masks[c.index()]).count_ones() as usize > 2 * within
            {
                continue;
            }
            let Some(d) = pattern.distance_within(name, within) else {
                continue;
            };
            if d > 0 {
                best = Some((d, name));
            }
        }
        best.map(|(_, name)| name)
    }

    /// Reads the text of a boolean parameter: `Some(true)` or `Some(false)` for the
    /// spellings `rules.json` accepts (`true`, `True`, …), `None` for anything else.
    pub fn parse_boolean(&self, text: &str) -> Option<bool> {
        if self.booleans.true_texts.iter().any(|t| t == text) {
            Some(true)
        } else if self.booleans.false_texts.iter().any(|t| t == text) {
            Some(false)
        } else {
            None
        }
    }

    /// Whether the node has an `exclusive` rule: when present, it replaces its siblings,
    /// which are then not required (`bank_account[payment_method]`).
    pub fn is_exclusive(&self, id: NodeId) -> bool {
        self.node(id)
            .rules
            .iter()
            .any(|&r| self.rules[r].check == Check::Exclusive)
    }

    /// Whether an object has a child that can replace the others ([`Spec::is_exclusive`]):
    /// then its required children are required only without that child.
    pub fn has_exclusive_child(&self, id: NodeId) -> bool {
        self.node(id).children.iter().any(|&c| self.is_exclusive(c))
    }

    /// The brand table of the `card_length_by_brand` rule on a card number, with the
    /// characters that rule removes from the number (`" -"`): which brand a number is, as
    /// Stripe names it in `card.brand`. `None` when the parameter has no such rule.
    pub fn card_brands(&self, number: NodeId) -> Option<(&BrandTable, &str)> {
        self.node(number)
            .rules
            .iter()
            .find_map(|&r| match &self.rules[r].check {
                Check::CardLengthByBrand { brands, strip } => Some((brands, strip.as_str())),
                _ => None,
            })
    }

    /// The token kind of that name.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }
    /// A generic error. The loader guarantees every one is defined.
    pub fn generic(&self, which: Generic) -> &ErrorDef {
        &self.generics[which as usize]
    }
    /// The number of today's leaf parameters under a node (not those of older API versions
    /// only): every non-object node counts one, and an object-or-id union counts one more
    /// for its id form.
    pub fn leaf_count(&self, id: NodeId) -> usize {
        let node = self.node(id);
        match &node.ty {
            Ty::Object { or_id, .. } => {
                usize::from(or_id.is_some() && id != NodeId::ROOT)
                    + node
                        .children
                        .iter()
                        .filter(|&&c| self.is_current(c))
                        .map(|c| self.leaf_count(*c))
                        .sum::<usize>()
            }
            _ => 1,
        }
    }
    /// The top-level parameters that are common to every kind (`customer`, `expand`, and
    /// the client fields of `accepted.json`), in spec order.
    pub fn common_params(&self) -> Vec<NodeId> {
        self.node(NodeId::ROOT)
            .children
            .iter()
            .copied()
            .filter(|c| !self.kinds.iter().any(|k| k.node == *c))
            .filter(|c| self.only_kind(*c).is_none())
            .collect()
    }

    /// The top-level parameters of a request of one kind: the kind's own, then the common
    /// ones and those that belong to this kind alone (`pk_token` and its companions for
    /// `card`), in spec order.
    pub fn body_params(&self, kind: &Kind) -> Vec<NodeId> {
        let mut out = vec![kind.node];
        out.extend(
            self.node(NodeId::ROOT)
                .children
                .iter()
                .copied()
                .filter(|c| !self.kinds.iter().any(|k| k.node == *c))
                .filter(|c| self.only_kind(*c).is_none_or(|k| k == kind.name)),
        );
        out
    }

    /// The kind a top-level parameter of `accepted.json` belongs to, if it belongs to one.
    pub fn only_kind(&self, id: NodeId) -> Option<&str> {
        self.node(id).accepted.as_ref()?.kind.as_deref()
    }

    /// Whether an error may quote the parameter's value: not for a secret parameter, nor
    /// for one accepted beyond Stripe's OpenAPI (`accepted.json`: client fields, wallet
    /// fields, Apple Pay, older names), whose values are never echoed.
    pub fn quotes_value(&self, id: NodeId) -> bool {
        let node = self.node(id);
        !node.secret && node.accepted.is_none()
    }

    /// Whether the parameter comes from `accepted.json` (accepted beyond Stripe's OpenAPI).
    pub fn is_accepted(&self, id: NodeId) -> bool {
        self.node(id).accepted.is_some()
    }

    /// Whether the parameter is an alias (an older name) of another.
    pub fn is_alias(&self, id: NodeId) -> bool {
        self.node(id)
            .accepted
            .as_ref()
            .is_some_and(|a| a.alias_of.is_some())
    }

    /// The top-level parameters whose presence lifts another parameter's requirement
    /// ([`Node::required_unless`]), in spec order.
    pub fn requirement_lifters(&self) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = self
            .nodes
            .iter()
            .flat_map(|n| n.required_unless.iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether a node is required in the generated types and schemas: required by the
    /// structure, and no sibling (`exclusive`) or top-level parameter (`pk_token`) can stand
    /// in for it.
    pub fn always_required(&self, id: NodeId) -> bool {
        let node = self.node(id);
        node.required
            && node.required_unless.is_empty()
            && !node.parent.is_some_and(|p| self.has_exclusive_child(p))
    }
    /// Whether the parameter is one of today's: not a parameter of an older API version
    /// only (a gate's `removed`).
    pub fn is_current(&self, id: NodeId) -> bool {
        self.node(id).until.is_none()
    }

    /// The gate before whose version unknown parameters under `object` were ignored: the
    /// newest of the gates whose `unknown_ignored_before` holds the object or one of its
    /// ancestors.
    pub fn unknown_gate(&self, object: NodeId) -> Option<usize> {
        self.gates
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.unknown_ignored_before
                    .iter()
                    .any(|&o| self.is_within(object, o))
            })
            .map(|(i, _)| i)
            .next_back()
    }

    /// The gate before whose version a missing `node` got that gate's error instead of
    /// `parameter_missing`: the newest of the gates whose `missing_before` holds one of the
    /// node's ancestors.
    pub fn missing_gate(&self, node: NodeId) -> Option<usize> {
        let parent = self.node(node).parent?;
        self.gates
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.missing_before
                    .as_ref()
                    .is_some_and(|(within, _)| within.iter().any(|&o| self.is_within(parent, o)))
            })
            .map(|(i, _)| i)
            .next_back()
    }

    /// Whether `n` is `ancestor` or under it.
    pub fn is_within(&self, mut n: NodeId, ancestor: NodeId) -> bool {
        loop {
            if n == ancestor {
                return true;
            }
            match self.node(n).parent {
                Some(p) => n = p,
                None => return false,
            }
        }
    }

    /// The ids of every node under `id` (itself included), depth first, in spec order.
    pub fn subtree(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let n = out[i];
            i += 1;
            out.extend(self.node(n).children.iter().copied());
        }
        out.sort();
        out
    }
}
