//! The rule compiler: a rule of `rules.json` (or `accepted.json`) checked against its
//! signature and compiled into a [`Check`] per target parameter.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::brands::brand_table;
use super::error_defs::check_template;
use super::report::{Problems, unknown_param};
use crate::id::NodeId;
use crate::ir::{Node, Rule, Ty};
use crate::model::{ArgValue, BrandDef, RuleDef};
use crate::rules::{ArgKind, CALENDAR_PARTS, Check, RuleName, Target};

/// A rule argument as written, checked against the rule's signature.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    /// A parameter.
    Param(NodeId),
    /// An integer.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// A string.
    Str(String),
    /// A list of strings (data tables such as Stripe's documented test numbers).
    List(Vec<String>),
    /// A table of card brands, as written.
    Brands(Vec<BrandDef>),
}

/// Compiles one use of a rule on one target into its [`Check`] and the object it is judged
/// at. Every argument has been checked against the signature; what is left to check is what
/// the rule needs of the nodes it reads.
fn compile(
    rule: RuleName,
    args: &BTreeMap<String, Arg>,
    target: NodeId,
    nodes: &[Node],
) -> Result<(Check, NodeId), String> {
    let node = &nodes[target.index()];
    let parent = node.parent.unwrap_or(NodeId::ROOT);
    let missing = |name: &str| format!("rule `{}` needs the argument `{name}`", rule.name());
    let param = |name: &str| match args.get(name) {
        Some(Arg::Param(id)) => Ok(*id),
        _ => Err(missing(name)),
    };
    // A parameter a rule reads beside its target is one of the target's siblings: the rule
    // is judged at the end of their object.
    let sibling = |name: &str| -> Result<NodeId, String> {
        let id = param(name)?;
        if nodes[id.index()].parent == node.parent && id != target {
            Ok(id)
        } else {
            Err(format!(
                "argument `{name}` of rule `{}`: `{}` must be a sibling of `{}`",
                rule.name(),
                nodes[id.index()].path,
                node.path
            ))
        }
    };
    let int = |name: &str| match args.get(name) {
        Some(Arg::Int(v)) => Ok(*v),
        _ => Err(missing(name)),
    };
    let string = |name: &str| match args.get(name) {
        Some(Arg::Str(v)) => Ok(v.clone()),
        _ => Err(missing(name)),
    };
    let flag = |name: &str| match args.get(name) {
        Some(Arg::Bool(v)) => Ok(*v),
        _ => Err(missing(name)),
    };
    let list = |name: &str| match args.get(name) {
        Some(Arg::List(v)) => Ok(v.clone()),
        _ => Err(missing(name)),
    };
    let text = |name: &str| match args.get(name) {
        Some(Arg::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let brands = |name: &str, iin: bool| match args.get(name) {
        Some(Arg::Brands(defs)) => {
            brand_table(defs, iin).map_err(|e| format!("argument `{name}`: {e}"))
        }
        _ => Err(missing(name)),
    };
    let size = |name: &str| {
        int(name).and_then(|v| {
            usize::try_from(v).map_err(|_| format!("argument `{name}` must not be negative"))
        })
    };
    let check = match rule {
        RuleName::TokenKindRequired => return Ok((Check::TokenKindRequired, NodeId::ROOT)),
        RuleName::OneTokenKind => return Ok((Check::OneTokenKind, NodeId::ROOT)),
        RuleName::NoUnset => return Ok((Check::NoUnset, target)),
        RuleName::CalendarDate => {
            let [day, month, year] = CALENDAR_PARTS.map(|name| {
                node.children
                    .iter()
                    .copied()
                    .find(|c| nodes[c.index()].name == name)
            });
            match (day, month, year) {
                (Some(day), Some(month), Some(year)) => {
                    return Ok((Check::CalendarDate { day, month, year }, target));
                }
                _ => {
                    return Err(format!(
                        "rule `calendar_date` needs an object with the parameters {}; `{}` lacks some",
                        CALENDAR_PARTS.join(", "),
                        node.path
                    ));
                }
            }
        }
        RuleName::RequiredIf => Check::RequiredIf {
            when: sibling("if")?,
            equals: string("equals")?,
        },
        RuleName::RequiresConnect => Check::RequiresConnect,
        RuleName::IdOnlyWith => Check::IdOnlyWith {
            with: sibling("with")?,
        },
        RuleName::ObjectOnlyWithout => Check::ObjectOnlyWithout {
            with: sibling("with")?,
        },
        RuleName::Exclusive => Check::Exclusive,
        RuleName::Digits => Check::Digits {
            min: size("min")?,
            max: size("max")?,
            strip: text("strip"),
        },
        RuleName::CardLengthByBrand => Check::CardLengthByBrand {
            brands: brands("brands", true)?,
            strip: text("strip"),
        },
        RuleName::Luhn => Check::Luhn {
            strip: text("strip"),
        },
        RuleName::Month => match &node.ty {
            Ty::Integer {
                min: Some(min),
                max: Some(max),
                from_string: Some(_),
                ..
            } => Check::Month {
                min: *min,
                max: *max,
            },
            _ => {
                return Err(format!(
                    "rule `month` reads its range from the refinement: `{}` needs `refine` with `type: integer`, `min` and `max`",
                    node.path
                ));
            }
        },
        RuleName::ExpiryYear => Check::ExpiryYear {
            max_years_ahead: int("max_years_ahead")?,
        },
        RuleName::ExpiryNotPast => Check::ExpiryNotPast {
            year: sibling("year")?,
        },
        // The IIN ranges and `strip` are the number's: filled in once every rule is compiled
        // (`link_brands`).
        RuleName::CvcLengthByBrand => Check::CvcLengthByBrand {
            number: sibling("number")?,
            brands: brands("lengths", false)?,
            strip: String::new(),
        },
        RuleName::CountryCode => Check::CountryCode,
        RuleName::CurrencyCode => Check::CurrencyCode,
        RuleName::UsRoutingNumber => Check::UsRoutingNumber {
            country: sibling("country")?,
            when: string("when")?,
            check_digit: flag("check_digit")?,
        },
        RuleName::Iban => Check::Iban {
            country: sibling("country")?,
            live_only: flag("live_only")?,
        },
        RuleName::Email => Check::Email,
        RuleName::JsonObject => Check::JsonObject,
        RuleName::ApplePaySignedWithin => Check::ApplePaySignedWithin {
            hours: int("hours")?,
        },
        RuleName::MaxEntries => Check::MaxEntries { max: size("max")? },
        RuleName::MaxKeyLength => Check::MaxKeyLength { max: size("max")? },
        RuleName::MaxValueLength => Check::MaxValueLength { max: size("max")? },
        RuleName::TestBankAccountNumber => Check::TestBankAccountNumber {
            country: sibling("country")?,
            numbers: list("numbers")?,
            ibans: list("ibans")?,
            any_country_ibans: list("any_country_ibans")?,
        },
    };
    Ok((check, parent))
}

/// Checks and compiles rule definitions (of `rules.json`, or of `accepted.json` once its
/// parameters are there) into `out`, each for each of its target parameters.
pub(super) fn compile_rules(
    rx: &mut Problems<'_>,
    defs: &[RuleDef],
    section: &str,
    nodes: &mut [Node],
    by_path: &HashMap<String, NodeId>,
    out_rules: &mut Vec<Rule>,
    seen_ids: &mut HashSet<String>,
) {
    for (i, r) in defs.iter().enumerate() {
        let place = format!("{section}[{i}] (id \"{}\")", r.id);
        if !seen_ids.insert(r.id.clone()) {
            rx.err(&place, format!("duplicate rule id `{}`", r.id));
        }
        let Some(sig) = RuleName::signature_of(&r.rule) else {
            let known: Vec<_> = crate::rules::SIGNATURES.iter().map(|s| s.name).collect();
            rx.err(
                &place,
                format!("unknown rule `{}` (known: {})", r.rule, known.join(", ")),
            );
            continue;
        };
        if sig.stage != r.stage {
            rx.err(
                &place,
                format!(
                    "rule `{}` runs in stage {:?}, not {:?}",
                    r.rule, sig.stage, r.stage
                ),
            );
        }
        let mut params = Vec::new();
        let mut ok = true;
        if sig.target == Target::Request && !r.params.is_empty() {
            rx.err(&place, format!("rule `{}` takes no `params`", r.rule));
            ok = false;
        }
        if sig.target != Target::Request && r.params.is_empty() {
            rx.err(&place, format!("rule `{}` needs `params`", r.rule));
            ok = false;
        }
        let mut any_secret = false;
        for p in &r.params {
            let Some(id) = by_path.get(p) else {
                rx.err(&place, format!("rule on {}", unknown_param(p, by_path)));
                ok = false;
                continue;
            };
            let ty = &nodes[id.index()].ty;
            let fits = match sig.target {
                Target::Request => false,
                Target::Any => true,
                Target::Object => matches!(ty, Ty::Object { .. }),
                Target::Map => matches!(ty, Ty::Map),
                Target::Scalar => {
                    matches!(ty, Ty::String { .. } | Ty::Integer { .. } | Ty::Enum { .. })
                }
            };
            if !fits {
                rx.err(
                    &place,
                    format!(
                        "rule `{}` does not apply to `{p}`, a {}",
                        r.rule,
                        ty.name().as_str()
                    ),
                );
                ok = false;
            }
            // No value of a secret or accepted parameter is ever quoted.
            any_secret |= nodes[id.index()].secret || nodes[id.index()].accepted.is_some();
            params.push(*id);
        }
        let mut args = BTreeMap::new();
        for (name, value) in &r.args {
            let Some((_, kind, _)) = sig.args.iter().find(|(n, _, _)| n == name) else {
                rx.err(
                    &place,
                    format!("rule `{}` has no argument `{name}`", r.rule),
                );
                ok = false;
                continue;
            };
            let arg = match (kind, value) {
                (ArgKind::Param, ArgValue::Str(p)) => match by_path.get(p) {
                    Some(id) => Some(Arg::Param(*id)),
                    None => {
                        rx.err(
                            &place,
                            format!("argument `{name}`: {}", unknown_param(p, by_path)),
                        );
                        None
                    }
                },
                (ArgKind::Int, ArgValue::Int(v)) => Some(Arg::Int(*v)),
                (ArgKind::Bool, ArgValue::Bool(v)) => Some(Arg::Bool(*v)),
                (ArgKind::Str, ArgValue::Str(v)) => Some(Arg::Str(v.clone())),
                (ArgKind::List, ArgValue::List(v)) => Some(Arg::List(v.clone())),
                (ArgKind::Brands, ArgValue::Brands(v)) => Some(Arg::Brands(v.clone())),
                (k, _) => {
                    rx.err(&place, format!("argument `{name}` must be a {k:?}"));
                    None
                }
            };
            match arg {
                Some(a) => {
                    args.insert(name.clone(), a);
                }
                None => ok = false,
            }
        }
        for (name, _, required) in sig.args {
            if *required && !r.args.contains_key(*name) {
                rx.err(
                    &place,
                    format!("rule `{}` needs the argument `{name}`", r.rule),
                );
                ok = false;
            }
        }
        if let (Some(Arg::Int(min)), Some(Arg::Int(max))) = (args.get("min"), args.get("max"))
            && (min > max || *min < 0)
        {
            rx.err(&place, format!("impossible limit: min {min}, max {max}"));
            ok = false;
        }
        check_template(rx, &place, &r.error, any_secret);
        if !ok {
            continue;
        }
        let targets = if params.is_empty() {
            vec![NodeId::ROOT]
        } else {
            params
        };
        for target in targets {
            match compile(sig.rule, &args, target, nodes) {
                Ok((check, scope)) => {
                    let idx = out_rules.len();
                    if target != NodeId::ROOT {
                        nodes[target.index()].rules.push(idx);
                    }
                    out_rules.push(Rule {
                        id: r.id.clone(),
                        rule: sig.rule,
                        stage: r.stage,
                        target,
                        scope,
                        check,
                        error: r.error.clone(),
                        doc: r.doc.clone(),
                    });
                }
                Err(message) => rx.err(&place, message),
            }
        }
    }
}
