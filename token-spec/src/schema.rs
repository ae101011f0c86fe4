//! JSON Schema (draft 2020-12) emission, as `schemars::Schema` values.
//!
//! The schemas describe request bodies as this project accepts them in JSON: integers,
//! numbers and booleans may be JSON values or strings (as in the form encoding), `""`
//! unsets where Stripe allows it, and objects admit no other properties. An integer with
//! both bounds is held to them in either form (the string form by a `pattern`).

use schemars::Schema;
use serde_json::{Map, Value, json};

use crate::id::NodeId;
use crate::ir::{ItemTy, Spec, Ty};
use crate::rules::Check;

/// The JSON Schema dialect emitted.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const INTEGER_PATTERN: &str = "^-?[0-9]+$";
const NUMBER_PATTERN: &str = "^-?[0-9]+(\\.[0-9]+)?$";

fn to_schema(v: Value) -> Schema {
    Schema::try_from(v).unwrap_or_default()
}

impl Spec {
    /// A boolean: a JSON boolean, or one of the texts `rules.json` `booleans` accepts.
    fn boolean_value(&self) -> Value {
        let mut values = vec![Value::Bool(true), Value::Bool(false)];
        let b = &self.booleans;
        values.extend(
            b.true_texts
                .iter()
                .chain(&b.false_texts)
                .map(|t| Value::from(t.as_str())),
        );
        json!({ "enum": values })
    }

    /// The schema of one parameter node (without `$schema`): the schema the generated Rust
    /// type of that node reports through `schemars::JsonSchema`.
    pub fn node_schema(&self, id: NodeId) -> Schema {
        to_schema(self.node_value(id))
    }

    fn node_value(&self, id: NodeId) -> Value {
        let node = self.node(id);
        let mut s = match &node.ty {
            Ty::String { max_length, format } => {
                let mut m = obj(json!({"type": "string"}));
                put(&mut m, "maxLength", max_length.map(Value::from));
                put(&mut m, "format", format.clone().map(Value::from));
                Value::Object(m)
            }
            Ty::Integer {
                format,
                min,
                max,
                from_string,
            } => {
                // `minimum`/`maximum` only constrain JSON numbers: the digits of a string
                // get a pattern of the same range.
                let pattern = match (*min, *max) {
                    (Some(lo), Some(hi)) if 0 <= lo && lo <= hi => {
                        range_pattern(lo.unsigned_abs(), hi.unsigned_abs())
                    }
                    _ => INTEGER_PATTERN.to_string(),
                };
                let mut m = obj(json!({"type": ["integer", "string"], "pattern": pattern}));
                put(&mut m, "format", format.clone().map(Value::from));
                put(&mut m, "minimum", min.map(Value::from));
                put(&mut m, "maximum", max.map(Value::from));
                put(&mut m, "maxLength", from_string.flatten().map(Value::from));
                Value::Object(m)
            }
            Ty::Number => json!({"type": ["number", "string"], "pattern": NUMBER_PATTERN}),
            Ty::Boolean => self.boolean_value(),
            Ty::Enum { values, open, .. } => enum_value(values, *open),
            Ty::Array { items } => {
                let mut item = match &items.ty {
                    ItemTy::String { max_length } => {
                        let mut m = obj(json!({"type": "string"}));
                        put(&mut m, "maxLength", max_length.map(Value::from));
                        Value::Object(m)
                    }
                    ItemTy::Integer => {
                        json!({"type": ["integer", "string"], "pattern": INTEGER_PATTERN})
                    }
                    ItemTy::Number => {
                        json!({"type": ["number", "string"], "pattern": NUMBER_PATTERN})
                    }
                    ItemTy::Boolean => self.boolean_value(),
                    ItemTy::Enum { values } => enum_value(values, false),
                };
                if items.unset {
                    item = json!({"anyOf": [item, {"const": ""}]});
                }
                json!({"type": "array", "items": item})
            }
            Ty::Map => {
                // The map's own rules (Stripe's metadata limits) in JSON Schema's words.
                let mut values = obj(json!({"type": "string"}));
                let mut m = obj(json!({"type": "object"}));
                for &r in &node.rules {
                    match self.rules[r].check {
                        Check::MaxEntries { max } => {
                            m.insert("maxProperties".into(), Value::from(max));
                        }
                        Check::MaxKeyLength { max } => {
                            m.insert("propertyNames".into(), json!({ "maxLength": max }));
                        }
                        Check::MaxValueLength { max } => {
                            values.insert("maxLength".into(), Value::from(max));
                        }
                        _ => {}
                    }
                }
                m.insert("additionalProperties".into(), Value::Object(values));
                Value::Object(m)
            }
            Ty::Object { or_id, .. } => {
                let mut props = Map::new();
                let mut required = Vec::new();
                // Today's parameters: those of older API versions only (a version gate's)
                // are not in the schema of the newest version.
                for c in node.children.iter().filter(|&&c| self.is_current(c)) {
                    let child = self.node(*c);
                    props.insert(child.name.clone(), self.node_value(*c));
                    // A parameter that a top-level one can stand in for (`card[number]`,
                    // with `pk_token`) is not required by the schema.
                    if child.required && child.required_unless.is_empty() {
                        required.push(Value::from(child.name.clone()));
                    }
                }
                let mut m = obj(json!({"type": "object", "properties": props}));
                if !required.is_empty() {
                    m.insert("required".into(), Value::Array(required));
                }
                m.insert("additionalProperties".into(), Value::Bool(false));
                match or_id {
                    Some(id) => {
                        let mut ids = obj(json!({"type": "string"}));
                        put(&mut ids, "maxLength", id.max_length.map(Value::from));
                        json!({"anyOf": [Value::Object(m), Value::Object(ids)]})
                    }
                    None => Value::Object(m),
                }
            }
        };
        if node.unset {
            s = json!({"anyOf": [s, {"const": ""}]});
        }
        let description = self.description(id);
        if !description.is_empty()
            && let Value::Object(m) = &mut s
        {
            m.insert("description".into(), Value::from(description));
        }
        s
    }

    /// A node's description: its own doc, then what the rules of `rules.json` on it check
    /// (their `doc`s, with the data they read, such as the brand tables of the card rules).
    fn description(&self, id: NodeId) -> String {
        let node = self.node(id);
        let rules: Vec<&str> = node
            .rules
            .iter()
            .map(|&r| self.rules[r].doc.as_str())
            .filter(|d| !d.is_empty())
            .collect();
        match (node.doc.is_empty(), rules.is_empty()) {
            (_, true) => node.doc.clone(),
            (true, false) => format!("Checked: {}", rules.join(" ")),
            (false, false) => format!("{} Checked: {}", node.doc, rules.join(" ")),
        }
    }

    /// The schema of a request body of one token kind: the kind's parameter plus the common
    /// parameters (`customer`, `expand`, the client fields of `accepted.json`) and those of
    /// this kind alone (`pk_token` for `card`), nothing else. `None` for an unknown kind.
    pub fn kind_schema(&self, kind: &str) -> Option<Schema> {
        let k = self.kind(kind)?;
        let mut props = Map::new();
        let kn = self.node(k.node);
        for c in self.body_params(k) {
            props.insert(self.node(c).name.clone(), self.node_value(c));
        }
        // A parameter that implies the kind may stand for it (`customer` alone selects a card
        // token: Stripe clones the customer's default card).
        let required = if k.implied_by.is_empty() {
            json!({"required": [kn.name]})
        } else {
            let mut any = vec![json!({"required": [kn.name]})];
            any.extend(
                k.implied_by
                    .iter()
                    .map(|p| json!({"required": [self.node(*p).name]})),
            );
            json!({ "anyOf": any })
        };
        let mut m = obj(json!({
            "$schema": DIALECT,
            "title": format!("POST /v1/tokens: {kind} token ({})", self.api_version),
            "type": "object",
            "properties": props,
            "additionalProperties": false,
        }));
        if let Value::Object(r) = required {
            m.extend(r);
        }
        let lifted = self.lifted_requirements(&self.body_params(k));
        if !lifted.is_empty() {
            m.insert("allOf".into(), Value::Array(lifted));
        }
        Some(to_schema(Value::Object(m)))
    }

    /// For the top-level parameters `params` of a body: the requirements that a top-level
    /// parameter lifts (`card[number]`, unless `pk_token` is sent), each as
    /// `{"if": {"not": {"required": [lifter]}}, "then": {…"required": [the lifted]}}`.
    fn lifted_requirements(&self, params: &[NodeId]) -> Vec<Value> {
        let mut out = Vec::new();
        for lifter in self.requirement_lifters() {
            if !params.contains(&lifter) {
                continue;
            }
            // The parameters it lifts, by their parent object.
            let mut parents: Vec<(NodeId, Vec<Value>)> = Vec::new();
            for (i, n) in self.nodes.iter().enumerate() {
                if !n.required_unless.contains(&lifter) {
                    continue;
                }
                let Some(parent) = n.parent else { continue };
                let _ = i;
                match parents.iter_mut().find(|(p, _)| *p == parent) {
                    Some((_, names)) => names.push(Value::from(n.name.clone())),
                    None => parents.push((parent, vec![Value::from(n.name.clone())])),
                }
            }
            for (parent, mut names) in parents {
                let top = crate::path::split_path(&self.node(parent).path)
                    .and_then(|s| self.lookup(s[0]));
                if top.is_none_or(|t| !params.contains(&t)) {
                    continue;
                }
                names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                // `required` holds only for an object: the id form of an object-or-id
                // parameter passes it.
                let mut then = json!({ "required": names });
                let segs = crate::path::split_path(&self.node(parent).path).unwrap_or_default();
                for seg in segs.iter().rev() {
                    then = json!({ "properties": { *seg: then } });
                }
                out.push(json!({
                    "if": { "not": { "required": [self.node(lifter).name] } },
                    "then": then,
                }));
            }
        }
        out
    }

    /// The schema of the whole request body: every parameter, and at least one token kind
    /// (or a parameter that implies one, `customer`). That only one kind may be sent is left to the validator.
    pub fn request_schema(&self) -> Schema {
        let mut props = Map::new();
        for c in self
            .node(NodeId::ROOT)
            .children
            .iter()
            .filter(|&&c| self.is_current(c))
        {
            props.insert(self.node(*c).name.clone(), self.node_value(*c));
        }
        let mut any: Vec<Value> = self
            .kinds
            .iter()
            .map(|k| json!({"required": [self.node(k.node).name]}))
            .collect();
        for k in &self.kinds {
            for p in &k.implied_by {
                any.push(json!({"required": [self.node(*p).name]}));
            }
        }
        let mut m = obj(json!({
            "$schema": DIALECT,
            "title": format!("POST /v1/tokens request body ({})", self.api_version),
            "type": "object",
            "properties": props,
            "additionalProperties": false,
            "anyOf": any,
        }));
        let lifted = self.lifted_requirements(&self.node(NodeId::ROOT).children);
        if !lifted.is_empty() {
            m.insert("allOf".into(), Value::Array(lifted));
        }
        to_schema(Value::Object(m))
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.into(), v);
    }
}

fn enum_value(values: &[String], open: bool) -> Value {
    if open {
        // Stripe bypasses validation: the listed values are known, any string is accepted.
        json!({"type": "string", "anyOf": [{"enum": values}, {"type": "string"}], "x-stripeBypassValidation": true})
    } else {
        json!({"type": "string", "enum": values})
    }
}

/// The pattern of the decimal strings of the integers in `min..=max`, leading zeros
/// allowed: `1..=12` gives `^0*([1-9]|1[0-2])$`.
fn range_pattern(min: u64, max: u64) -> String {
    let mut alts = Vec::new();
    let mut lo = min;
    loop {
        // The numbers from `lo` that have as many digits as it.
        let digits = lo.to_string().len() as u32;
        let hi = 10u64
            .checked_pow(digits)
            .map_or(u64::MAX, |p| p - 1)
            .min(max);
        alts.extend(same_length(
            lo.to_string().as_bytes(),
            hi.to_string().as_bytes(),
        ));
        if hi >= max {
            break;
        }
        lo = hi + 1;
    }
    format!("^0*({})$", alts.join("|"))
}

/// Patterns matching the digit strings from `lo` to `hi`, both of the same length.
fn same_length(lo: &[u8], hi: &[u8]) -> Vec<String> {
    let (Some((&l, lo_rest)), Some((&h, hi_rest))) = (lo.split_first(), hi.split_first()) else {
        return vec![String::new()];
    };
    let prefixed = |d: u8, pats: Vec<String>| -> Vec<String> {
        pats.into_iter()
            .map(|p| format!("{}{p}", d as char))
            .collect()
    };
    if l == h {
        return prefixed(l, same_length(lo_rest, hi_rest));
    }
    // `l < h`: the numbers from `lo` to `l99…`, from `(l+1)00…` to `(h-1)99…`, and from
    // `h00…` to `hi`; the first and last merge into the middle when they are whole.
    let n = lo_rest.len();
    let (mut first, mut last) = (l, h);
    let mut out = Vec::new();
    if lo_rest.iter().any(|&d| d != b'0') {
        out.extend(prefixed(l, same_length(lo_rest, &vec![b'9'; n])));
        first += 1;
    }
    let upper = if hi_rest.iter().any(|&d| d != b'9') {
        last -= 1;
        prefixed(h, same_length(&vec![b'0'; n], hi_rest))
    } else {
        Vec::new()
    };
    if first <= last {
        let class = if first == last {
            (first as char).to_string()
        } else {
            format!("[{}-{}]", first as char, last as char)
        };
        let rest = match n {
            0 => String::new(),
            1 => "[0-9]".into(),
            n => format!("[0-9]{{{n}}}"),
        };
        out.push(class + &rest);
    }
    out.extend(upper);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_patterns() {
        assert_eq!(range_pattern(1, 12), "^0*([1-9]|1[0-2])$");
        assert_eq!(range_pattern(1, 31), "^0*([1-9]|[1-2][0-9]|3[0-1])$");
        assert_eq!(
            range_pattern(0, 9999),
            "^0*([0-9]|[1-9][0-9]|[1-9][0-9]{2}|[1-9][0-9]{3})$"
        );
        assert_eq!(range_pattern(7, 7), "^0*(7)$");
    }

    #[test]
    fn range_patterns_match_exactly_their_range() {
        let ranges = [
            (0, 0),
            (0, 9),
            (1, 12),
            (0, 9999),
            (7, 345),
            (19, 2001),
            (100, 100),
            (99, 100),
            (1900, 2100),
            (123, 4567),
        ];
        for (min, max) in ranges {
            let schema = json!({"type": "string", "pattern": range_pattern(min, max)});
            let v = jsonschema::validator_for(&schema).unwrap();
            for n in 0..=11_000u64 {
                let want = (min..=max).contains(&n);
                assert_eq!(
                    v.is_valid(&json!(n.to_string())),
                    want,
                    "{n} in {min}..={max}"
                );
                assert_eq!(
                    v.is_valid(&json!(format!("00{n}"))),
                    want,
                    "00{n} in {min}..={max}"
                );
            }
            for bad in ["", "-1", "1.0", " 1", "1a", "+1"] {
                assert!(!v.is_valid(&json!(bad)), "{bad:?} in {min}..={max}");
            }
        }
    }
}
