//! The validator: one walk of a parameter tree against the spec, then the spec's rules, each
//! by its one implementation. Generated types, user types and raw bodies all come here.

use token_spec::rules::RuleName;
use token_spec::{ItemTy, Kind, NodeId, Rule, Spec, Ty, join_path};

use crate::checks;
use crate::context::{Context, Mode};
use crate::error::{Error, Errors, Fill, Phase};
use crate::tree::{Object, Value};

/// The outcome of a successful validation: the token kind of the request.
pub(crate) struct Valid<'s> {
    pub kind: &'s Kind,
}

struct Run<'a> {
    spec: &'a Spec,
    ctx: &'a Context,
    errors: Vec<Error>,
    /// Values present in the body, by node (scalars and objects; not array items).
    present: Seen<'a>,
    /// Nodes with an error already: later rules on them are skipped, as Stripe reports one
    /// problem per parameter.
    failed: NodeSet,
    /// `""` values accepted as "unset": (path, node).
    unsets: Vec<(String, NodeId)>,
    /// Objects holding a present parameter that is exclusive with its siblings: their
    /// other parameters are not required.
    alone: Vec<NodeId>,
}

/// A set of nodes: a bit per node, on the stack for specs of up to 512 nodes.
enum NodeSet {
    Inline([u64; 8]),
    Heap(Vec<u64>),
}

impl NodeSet {
    fn new(nodes: usize) -> NodeSet {
        if nodes <= 512 {
            NodeSet::Inline([0; 8])
        } else {
            NodeSet::Heap(vec![0; nodes.div_ceil(64)])
        }
    }
    fn words(&self) -> &[u64] {
        match self {
            NodeSet::Inline(w) => w,
            NodeSet::Heap(w) => w,
        }
    }
    fn contains(&self, id: &NodeId) -> bool {
        let i = id.index();
        self.words()
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn insert(&mut self, id: NodeId) {
        let i = id.index();
        let words = match self {
            NodeSet::Inline(w) => &mut w[..],
            NodeSet::Heap(w) => &mut w[..],
        };
        if let Some(w) = words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
}

/// The values present in the body, by node: a short list (a request sends a few dozen
/// parameters of the spec's hundreds), each node at most once (the parser refuses
/// duplicate keys), and a set for the many lookups of absent nodes.
struct Seen<'a> {
    values: Vec<(NodeId, &'a Value)>,
    set: NodeSet,
}

impl<'a> Seen<'a> {
    fn get(&self, id: NodeId) -> Option<&'a Value> {
        if !self.set.contains(&id) {
            return None;
        }
        self.values.iter().find(|(n, _)| *n == id).map(|(_, v)| *v)
    }
    fn contains(&self, id: NodeId) -> bool {
        self.set.contains(&id)
    }
    fn insert(&mut self, id: NodeId, v: &'a Value) {
        self.values.push((id, v));
        self.set.insert(id);
    }
}

/// Validates a request body tree.
pub(crate) fn validate<'s>(
    spec: &'s Spec,
    body: &Object,
    ctx: &Context,
) -> Result<Valid<'s>, Errors> {
    let mut run = Run {
        spec,
        ctx,
        errors: Vec::new(),
        present: Seen {
            values: Vec::with_capacity(32),
            set: NodeSet::new(spec.nodes().len()),
        },
        failed: NodeSet::new(spec.nodes().len()),
        unsets: Vec::new(),
        alone: Vec::new(),
    };
    run.object(NodeId::ROOT, body, "");
    let kinds: Vec<&Kind> = spec
        .kinds
        .iter()
        .filter(|k| run.present.contains(k.node))
        .collect();
    // `customer` alone is a card token (Stripe clones the customer's default card).
    let kind = kinds.first().copied().or_else(|| {
        spec.lookup("customer")
            .filter(|c| run.present.contains(*c))
            .and_then(|_| spec.kinds.first())
    });
    if let Some(k) = kind
        && !k.allows(ctx.key_type(), ctx.mode())
        && let Some(def) = &k.key_error
    {
        run.errors.push(Error::from_def(
            def,
            Phase::Context,
            Fill {
                param: &spec.node(k.node).path,
                ..Fill::default()
            },
        ));
    }
    for rule in &spec.rules {
        run.rule(rule, &kinds, kind.is_some());
    }
    match Errors::from_vec(run.errors) {
        Some(errors) => Err(errors),
        None => match kind {
            Some(kind) => Ok(Valid { kind }),
            // A spec without a `token_kind_required` rule would get here.
            None => Err(Errors::one(Error::from_def(
                spec.error("parameter_missing"),
                Phase::Presence,
                Fill::default(),
            ))),
        },
    }
}

impl<'a> Run<'a> {
    fn generic(&mut self, name: &str, phase: Phase, id: Option<NodeId>, fill: Fill<'_>) {
        let def = self.spec.error(name);
        self.errors.push(Error::from_def(def, phase, fill));
        if let Some(id) = id {
            self.failed.insert(id);
        }
    }

    fn object(&mut self, id: NodeId, obj: &'a Object, path: &str) {
        let spec = self.spec;
        for (key, value) in obj.iter() {
            match spec.child(id, key) {
                // A node's path is its parent's path joined with its name.
                Some(child) => self.value(child, value, &spec.node(child).path),
                None => self.error_at(
                    "parameter_unknown",
                    Phase::Unknown,
                    None,
                    &join_path(path, key),
                ),
            }
        }
        // A present parameter that is exclusive with its siblings stands alone: they are
        // not required then (`bank_account[payment_method]` replaces the bank details).
        if self.has_exclusive_child(id, obj) {
            self.alone.push(id);
            return;
        }
        // Missing fields in the order Stripe checks them (card: number, exp_month, …).
        let order: &[NodeId] = spec
            .kinds
            .iter()
            .find(|k| k.node == id)
            .map_or(&[], |k| k.order.as_slice());
        let children = &spec.node(id).children;
        let in_order = order
            .iter()
            .chain(children.iter().filter(|c| !order.contains(c)));
        for &child in in_order {
            let node = spec.node(child);
            if node.required && obj.get(&node.name).is_none() {
                self.error_at(
                    "parameter_missing",
                    Phase::Presence,
                    Some(child),
                    &node.path,
                );
            }
        }
    }

    fn has_exclusive_child(&self, id: NodeId, obj: &Object) -> bool {
        let spec = self.spec;
        spec.node(id)
            .children
            .iter()
            .any(|&c| spec.is_exclusive(c) && obj.get(&spec.node(c).name).is_some())
    }

    /// A generic error on one parameter, with nothing but its path to quote.
    fn error_at(&mut self, name: &str, phase: Phase, id: Option<NodeId>, path: &str) {
        self.generic(
            name,
            phase,
            id,
            Fill {
                param: path,
                ..Fill::default()
            },
        );
    }

    fn empty(&mut self, id: NodeId, path: &str) {
        self.error_at("parameter_invalid_empty", Phase::Presence, Some(id), path);
    }

    fn blank(&mut self, id: NodeId, path: &str) {
        self.error_at(
            "parameter_invalid_string_blank",
            Phase::Presence,
            Some(id),
            path,
        );
    }

    fn value(&mut self, id: NodeId, value: &'a Value, path: &str) {
        let spec = self.spec;
        let node = spec.node(id);
        self.present.insert(id, value);
        // `""`: an attempt to unset.
        if let Value::Scalar(s) = value
            && s.text.is_empty()
        {
            if node.unset {
                self.unsets.push((path.to_string(), id));
            } else {
                self.empty(id, path);
            }
            return;
        }
        if let Value::Scalar(s) = value
            && s.text.trim().is_empty()
        {
            self.blank(id, path);
            return;
        }
        let wrong = |run: &mut Self, name: &str| run.error_at(name, Phase::Types, Some(id), path);
        match (&node.ty, value) {
            (Ty::Object { .. }, Value::Object(o)) => self.object(id, o, path),
            (
                Ty::Object {
                    or_id: Some(idd), ..
                },
                Value::Scalar(s),
            ) => {
                if let Some(max) = idd.max_length {
                    self.max_length(id, path, &s.text, max, node.secret);
                }
            }
            (Ty::Map, Value::Object(o)) => {
                for (k, v) in o.iter() {
                    if !matches!(v, Value::Scalar(_)) {
                        let p = join_path(path, k);
                        self.error_at("parameter_invalid_scalar", Phase::Types, Some(id), &p);
                    }
                }
            }
            (Ty::Object { .. } | Ty::Map, _) => wrong(self, "parameter_invalid_object"),
            (Ty::Array { items }, Value::Array(vs)) => {
                for (i, v) in vs.iter().enumerate() {
                    let p = join_path(path, &i.to_string());
                    match v {
                        Value::Scalar(s) if s.text.is_empty() => {
                            if items.unset {
                                self.unsets.push((p, id));
                            } else {
                                self.empty(id, &p);
                            }
                        }
                        Value::Scalar(s) if s.text.trim().is_empty() => self.blank(id, &p),
                        Value::Scalar(s) => {
                            self.item(id, &items.ty, &s.text, &p, node.secret);
                        }
                        _ => self.error_at("parameter_invalid_scalar", Phase::Types, Some(id), &p),
                    }
                }
            }
            (Ty::Array { .. }, _) => wrong(self, "parameter_invalid_array"),
            (_, Value::Scalar(s)) => self.scalar(id, &node.ty, &s.text, path, node.secret),
            (_, _) => wrong(self, "parameter_invalid_scalar"),
        }
    }

    fn max_length(&mut self, id: NodeId, path: &str, text: &str, max: u64, secret: bool) {
        // Count characters only as far as the limit: bounded work on any input.
        if text.len() as u64 > max && text.chars().take(max as usize + 1).count() as u64 > max {
            self.generic(
                "parameter_invalid_string_length",
                Phase::Types,
                Some(id),
                Fill {
                    param: path,
                    value: Some(text),
                    secret,
                    limit: Some(max),
                    ..Fill::default()
                },
            );
        }
    }

    fn scalar(&mut self, id: NodeId, ty: &Ty, text: &str, path: &str, secret: bool) {
        let bad = |run: &mut Self, name: &str, values: Option<String>| {
            run.generic(
                name,
                Phase::Types,
                Some(id),
                Fill {
                    param: path,
                    value: Some(text),
                    secret,
                    values,
                    ..Fill::default()
                },
            )
        };
        match ty {
            Ty::String { max_length, .. } => {
                if let Some(max) = max_length {
                    self.max_length(id, path, text, *max, secret);
                }
            }
            Ty::Integer {
                from_string: Some(max),
                ..
            } => {
                // Stripe types it as a string: its semantic rule judges the value.
                if let Some(max) = max {
                    self.max_length(id, path, text, *max, secret);
                }
            }
            Ty::Integer { .. } => {
                if !is_integer(text) {
                    bad(self, "parameter_invalid_integer", None);
                }
            }
            Ty::Number => {
                // The one grammar of decimals, also `Decimal`'s.
                if !crate::decimal::is_decimal(text) {
                    bad(self, "parameter_invalid_number", None);
                }
            }
            Ty::Boolean => {
                if text != "true" && text != "false" {
                    bad(self, "parameter_invalid_boolean", None);
                }
            }
            Ty::Enum { values, open, .. } => {
                if !*open && !values.iter().any(|v| v == text) {
                    bad(self, "parameter_invalid_enum", Some(one_of(values)));
                }
            }
            Ty::Array { .. } | Ty::Map | Ty::Object { .. } => {}
        }
    }

    fn item(&mut self, id: NodeId, ty: &ItemTy, text: &str, path: &str, secret: bool) {
        self.scalar(id, &ty.as_ty(), text, path, secret);
    }

    fn text(&self, id: NodeId) -> Option<&'a str> {
        match self.present.get(id) {
            Some(Value::Scalar(s)) if !s.text.is_empty() => Some(&s.text),
            _ => None,
        }
    }

    fn rule(&mut self, rule: &Rule, kinds: &[&Kind], has_kind: bool) {
        let spec = self.spec;
        if rule.params.iter().any(|p| self.failed.contains(p)) {
            return;
        }
        // Most rules judge a value that is there: skip them when none of their parameters is.
        let needs_presence = !matches!(
            rule.rule,
            RuleName::TokenKindRequired
                | RuleName::OneTokenKind
                | RuleName::NoUnset
                | RuleName::RequiredIf
        );
        if needs_presence && !rule.params.iter().any(|p| self.present.contains(*p)) {
            return;
        }
        match rule.rule {
            RuleName::TokenKindRequired => {
                if !has_kind {
                    self.emit(rule, None, "", None, None);
                }
            }
            RuleName::OneTokenKind => {
                if kinds.len() > 1 {
                    let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
                    self.emit(rule, None, "", None, Some(names.join(", ")));
                }
            }
            RuleName::NoUnset => {
                let targets = rule.params.clone();
                let hits: Vec<(String, NodeId)> = self
                    .unsets
                    .iter()
                    .filter(|(_, n)| targets.iter().any(|t| is_within(spec, *n, *t)))
                    .cloned()
                    .collect();
                for (path, n) in hits {
                    self.emit(rule, Some(n), &path, None, None);
                }
            }
            _ => {
                for &target in &rule.params {
                    self.rule_on(rule, target);
                }
            }
        }
    }

    fn emit(
        &mut self,
        rule: &Rule,
        id: Option<NodeId>,
        path: &str,
        value: Option<&str>,
        values: Option<String>,
    ) {
        let secret = id.is_some_and(|i| self.spec.node(i).secret);
        self.errors.push(Error::from_def(
            &rule.error,
            Phase::from(rule.stage),
            Fill {
                param: path,
                value,
                secret,
                values,
                limit: None,
            },
        ));
        if let Some(id) = id {
            self.failed.insert(id);
        }
    }

    fn rule_on(&mut self, rule: &Rule, target: NodeId) {
        let spec = self.spec;
        let node = spec.node(target);
        let path = node.path.as_str();
        let present = self.present.get(target);
        let text = self.text(target);
        let fail = match rule.rule {
            RuleName::RequiredIf => {
                let parent_present = node.parent.is_some_and(|p| {
                    (p == NodeId::ROOT || self.present.contains(p)) && !self.alone.contains(&p)
                });
                parent_present
                    && present.is_none()
                    && rule.str_arg("equals").is_some_and(|want| {
                        self.arg_text(rule, "if")
                            .is_some_and(|v| v.eq_ignore_ascii_case(want))
                    })
            }
            RuleName::RequiresConnect => present.is_some() && self.ctx.account().is_none(),
            RuleName::IdOnlyWith => {
                matches!(present, Some(Value::Object(_)))
                    && rule
                        .param_arg("with")
                        .is_some_and(|w| self.present.contains(w))
            }
            RuleName::ObjectOnlyWithout => {
                text.is_some()
                    && rule
                        .param_arg("with")
                        .is_some_and(|w| !self.present.contains(w))
            }
            RuleName::Exclusive => {
                present.is_some()
                    && node.parent.is_some_and(|p| {
                        spec.node(p)
                            .children
                            .iter()
                            .any(|c| *c != target && self.present.contains(*c))
                    })
            }
            RuleName::CalendarDate => match present {
                Some(Value::Object(o)) => {
                    let part = |k: &str| {
                        o.get(k)
                            .and_then(Value::as_str)
                            .and_then(|t| t.parse::<i64>().ok())
                    };
                    match (part("year"), part("month"), part("day")) {
                        (Some(y), Some(m), Some(d)) => !checks::is_calendar_date(y, m, d),
                        _ => false,
                    }
                }
                _ => false,
            },
            _ => match text {
                None => false,
                Some(t) => !self.scalar_rule(rule, t),
            },
        };
        if fail {
            self.emit(rule, Some(target), path, text, None);
        }
    }

    /// The present, non-empty value of a rule's parameter-valued argument.
    fn arg_text(&self, rule: &Rule, name: &str) -> Option<&'a str> {
        rule.param_arg(name).and_then(|p| self.text(p))
    }

    /// Whether a rule's parameter-valued argument is free of errors so far.
    fn arg_ok(&self, rule: &Rule, name: &str) -> bool {
        rule.param_arg(name)
            .is_some_and(|p| !self.failed.contains(&p))
    }

    /// A semantic rule on a present scalar value: `true` when the value passes.
    fn scalar_rule(&self, rule: &Rule, t: &str) -> bool {
        let today = self.ctx.today();
        match rule.rule {
            RuleName::Digits => {
                let strip = rule.str_arg("strip").unwrap_or("");
                let (min, max) = (
                    rule.int_arg("min").unwrap_or(0),
                    rule.int_arg("max").unwrap_or(i64::MAX),
                );
                let mut n: i64 = 0;
                for c in t.chars() {
                    if strip.contains(c) {
                        continue;
                    }
                    if !c.is_ascii_digit() {
                        return false;
                    }
                    n += 1;
                    if n > max {
                        return false;
                    }
                }
                n >= min
            }
            RuleName::CardLengthByBrand => {
                let digits = checks::card_digits(t);
                checks::CardBrand::from_digits(digits.as_str())
                    .pan_lengths()
                    .contains(&digits.len())
            }
            RuleName::Luhn => checks::luhn_valid(checks::card_digits(t).as_str()),
            RuleName::Month => checks::parse_exp_month(t).is_some(),
            RuleName::ExpiryYear => {
                let ahead = rule.int_arg("max_years_ahead").unwrap_or(50);
                checks::parse_exp_year(t, today.year).is_some_and(|y| {
                    y >= today.year && i64::from(y) <= i64::from(today.year) + ahead
                })
            }
            RuleName::ExpiryNotPast => {
                if !self.arg_ok(rule, "year") {
                    return true;
                }
                match (
                    checks::parse_exp_month(t),
                    self.arg_text(rule, "year")
                        .and_then(|y| checks::parse_exp_year(y, today.year)),
                ) {
                    (Some(m), Some(y)) => !matches!(
                        checks::check_expiry(m, y, today.year, today.month),
                        checks::ExpiryCheck::MonthInPast
                    ),
                    _ => true,
                }
            }
            RuleName::CvcLengthByBrand => {
                let brand = if self.arg_ok(rule, "number") {
                    self.arg_text(rule, "number")
                        .map(|n| checks::CardBrand::from_digits(checks::card_digits(n).as_str()))
                } else {
                    None
                };
                checks::check_cvc(t, brand)
            }
            RuleName::CountryCode => checks::is_country_code(t),
            RuleName::CurrencyCode => checks::is_currency_code(t),
            RuleName::UsRoutingNumber => {
                let when = rule.str_arg("when").unwrap_or("US");
                match self.arg_text(rule, "country") {
                    Some(c) if c.eq_ignore_ascii_case(when) => checks::aba_routing_valid(t),
                    _ => true,
                }
            }
            RuleName::Iban => {
                let live_only = rule.bool_arg("live_only").unwrap_or(true);
                if live_only && self.ctx.mode() != Mode::Live {
                    return true;
                }
                let looks_like_iban =
                    t.len() >= 2 && t.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic);
                match self.arg_text(rule, "country") {
                    Some(c)
                        if looks_like_iban && checks::is_iban_country(&c.to_ascii_uppercase()) =>
                    {
                        checks::iban_valid(t)
                    }
                    _ => true,
                }
            }
            RuleName::Email => checks::is_email(t),
            _ => true,
        }
    }
}

fn is_within(spec: &Spec, mut n: NodeId, ancestor: NodeId) -> bool {
    loop {
        if n == ancestor {
            return true;
        }
        match spec.node(n).parent {
            Some(p) => n = p,
            None => return false,
        }
    }
}

fn is_integer(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn one_of(values: &[String]) -> String {
    match values {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_integer("12") && is_integer("-3") && !is_integer("1.5") && !is_integer(""));
        assert!(!is_integer("abc") && !is_integer("1e3") && !is_integer("9999999999999999999"));
        assert_eq!(one_of(&["a".into(), "b".into(), "c".into()]), "a, b, or c");
    }
}
