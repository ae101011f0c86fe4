//! Loading: parse the two spec files, check them, and build the [`Spec`]. Every problem is
//! collected and reported at once, each naming the file and the place in it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crate::history::release_date;
use crate::id::NodeId;
use crate::ir::{
    Accepted, GENERIC_ERRORS, Gate, Generic, HTTP_ERRORS, Item, ItemTy, Kind, Node, Rule, Spec, Ty,
};
use crate::model::{
    AcceptedDef, AcceptedFile, AcceptedWhat, ArgValue, BrandDef, ErrorDef, InferredFact, ParamDef,
    RuleDef, RulesFile, StructureFile, TypeName, VersionsFile,
};
use crate::path::split_path;
use crate::rules::{ArgKind, Brand, BrandTable, CALENDAR_PARTS, Check, IinRange, RuleName, Target};
use crate::suggest::strsim_distance;

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

/// Compiles a table of card brands. With `iin`, every brand but one (the brand of every
/// other number) has IIN ranges, and no two brands' ranges overlap; without, no brand has
/// any (a `cvc_length_by_brand` table: its ranges are the card number's). Lengths are
/// sorted; a brand needs at least one, none may be 0.
fn brand_table(defs: &[BrandDef], iin: bool) -> Result<BrandTable, String> {
    if defs.is_empty() {
        return Err("a brand table needs at least one brand".into());
    }
    let mut brands: Vec<Brand> = Vec::new();
    for d in defs {
        let name = d.brand.trim();
        if name.is_empty() {
            return Err("a brand needs a name".into());
        }
        if brands.iter().any(|b| b.name == name) {
            return Err(format!("brand `{name}` is listed twice"));
        }
        let mut lengths = d.lengths.clone();
        lengths.sort_unstable();
        lengths.dedup();
        if lengths.is_empty() || lengths[0] == 0 {
            return Err(format!(
                "brand `{name}`: `lengths` needs at least one length above 0"
            ));
        }
        if !iin && !d.iin.is_empty() {
            return Err(format!(
                "brand `{name}`: no `iin` here: the brands and their ranges are the card number's"
            ));
        }
        let mut ranges = Vec::new();
        for text in &d.iin {
            let r = IinRange::parse(text).ok_or_else(|| {
                format!(
                    "brand `{name}`: `{text}` is not an IIN prefix (`34`) or range (`2221-2720`) of at most {} digits",
                    IinRange::MAX_DIGITS
                )
            })?;
            ranges.push(r);
        }
        brands.push(Brand {
            name: name.to_string().into(),
            iin: ranges.into(),
            lengths: lengths.into(),
        });
    }
    if iin {
        let others: Vec<&str> = brands
            .iter()
            .filter(|b| b.iin.is_empty())
            .map(|b| b.name.as_ref())
            .collect();
        if others.len() != 1 {
            return Err(format!(
                "exactly one brand has no `iin` (the brand of every other number, `Unknown`); here {}",
                if others.is_empty() {
                    "none has".to_string()
                } else {
                    format!("{} have: {}", others.len(), others.join(", "))
                }
            ));
        }
        let all: Vec<(&str, IinRange)> = brands
            .iter()
            .flat_map(|b| b.iin.iter().map(move |r| (b.name.as_ref(), *r)))
            .collect();
        let width = IinRange::MAX_DIGITS;
        for (i, (a, ra)) in all.iter().enumerate() {
            for (b, rb) in &all[i + 1..] {
                let ((a0, a1), (b0, b1)) = (ra.span(width), rb.span(width));
                if a0 <= b1 && b0 <= a1 {
                    return Err(format!(
                        "the IIN ranges {} ({a}) and {} ({b}) overlap: a number would have two brands",
                        ra.text(),
                        rb.text()
                    ));
                }
            }
        }
    }
    Ok(BrandTable {
        brands: brands.into(),
    })
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

/// One problem found while loading a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecError {
    /// The file (as given to the loader).
    pub file: String,
    /// The place in the file: a line and column for syntax errors, else the entry, such as
    /// `params[12] (card[number])` or `rules[3] (id "luhn")`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.place, self.message)
    }
}

/// Every problem found while loading a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the spec has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

struct Ctx<'a> {
    errors: Vec<SpecError>,
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            place: place.into(),
            message: message.into(),
        });
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, SpecError> {
    serde_json::from_str(text).map_err(|e| SpecError {
        file: file.to_string(),
        place: format!("line {}, column {}", e.line(), e.column()),
        message: e.to_string(),
    })
}

impl Spec {
    /// Loads a spec from the text of its two files, without parameters accepted beyond
    /// Stripe's OpenAPI (see [`Spec::from_all_texts`]). `names` are the file names used in
    /// error reports.
    pub fn from_texts(
        structure: &str,
        rules: &str,
        names: (&str, &str),
    ) -> Result<Spec, SpecErrors> {
        let s = parse_json::<StructureFile>(names.0, structure);
        let r = parse_json::<RulesFile>(names.1, rules);
        match (s, r) {
            (Ok(s), Ok(r)) => Spec::from_files(&s, &r, names),
            (s, r) => Err(SpecErrors(
                s.err().into_iter().chain(r.err()).collect::<Vec<_>>(),
            )),
        }
    }

    /// Loads a spec from the text of its three files: the structure, the rules, and what
    /// Stripe accepts beyond its OpenAPI (`accepted.json`). `names` are the file names used
    /// in error reports.
    pub fn from_all_texts(
        structure: &str,
        rules: &str,
        accepted: &str,
        names: (&str, &str, &str),
    ) -> Result<Spec, SpecErrors> {
        let s = parse_json::<StructureFile>(names.0, structure);
        let r = parse_json::<RulesFile>(names.1, rules);
        let a = parse_json::<AcceptedFile>(names.2, accepted);
        match (s, r, a) {
            (Ok(s), Ok(r), Ok(a)) => Spec::from_all_files(&s, &r, &a, names),
            (s, r, a) => Err(SpecErrors(
                s.err()
                    .into_iter()
                    .chain(r.err())
                    .chain(a.err())
                    .collect::<Vec<_>>(),
            )),
        }
    }

    /// Loads a spec from the text of its four files: the structure, the rules, what Stripe
    /// accepts beyond its OpenAPI (`accepted.json`) and the version gates
    /// (`versions.json`). `names` are the file names used in error reports.
    pub fn from_versioned_texts(
        structure: &str,
        rules: &str,
        accepted: &str,
        versions: &str,
        names: (&str, &str, &str, &str),
    ) -> Result<Spec, SpecErrors> {
        let s = parse_json::<StructureFile>(names.0, structure);
        let r = parse_json::<RulesFile>(names.1, rules);
        let a = parse_json::<AcceptedFile>(names.2, accepted);
        let v = parse_json::<VersionsFile>(names.3, versions);
        match (s, r, a, v) {
            (Ok(s), Ok(r), Ok(a), Ok(v)) => Spec::load(&s, &r, Some(&a), Some(&v), names),
            (s, r, a, v) => Err(SpecErrors(
                s.err()
                    .into_iter()
                    .chain(r.err())
                    .chain(a.err())
                    .chain(v.err())
                    .collect::<Vec<_>>(),
            )),
        }
    }

    /// Loads a spec from its two parsed files, checking everything (no parameters accepted
    /// beyond Stripe's OpenAPI, no version gates: see [`Spec::from_versioned_files`]).
    pub fn from_files(
        structure: &StructureFile,
        rules: &RulesFile,
        names: (&str, &str),
    ) -> Result<Spec, SpecErrors> {
        Spec::load(structure, rules, None, None, (names.0, names.1, "", ""))
    }

    /// Loads a spec from its three parsed files, checking everything (no version gates:
    /// see [`Spec::from_versioned_files`]).
    pub fn from_all_files(
        structure: &StructureFile,
        rules: &RulesFile,
        accepted: &AcceptedFile,
        names: (&str, &str, &str),
    ) -> Result<Spec, SpecErrors> {
        Spec::load(
            structure,
            rules,
            Some(accepted),
            None,
            (names.0, names.1, names.2, ""),
        )
    }

    /// Loads a spec from its four parsed files, checking everything.
    pub fn from_versioned_files(
        structure: &StructureFile,
        rules: &RulesFile,
        accepted: &AcceptedFile,
        versions: &VersionsFile,
        names: (&str, &str, &str, &str),
    ) -> Result<Spec, SpecErrors> {
        Spec::load(structure, rules, Some(accepted), Some(versions), names)
    }

    fn load(
        structure: &StructureFile,
        rules: &RulesFile,
        accepted: Option<&AcceptedFile>,
        versions: Option<&VersionsFile>,
        names: (&str, &str, &str, &str),
    ) -> Result<Spec, SpecErrors> {
        let mut sx = Ctx {
            errors: Vec::new(),
            file: names.0,
        };
        let mut nodes = vec![Node {
            path: String::new(),
            name: String::new(),
            parent: None,
            children: Vec::new(),
            ty: Ty::Object {
                open: false,
                or_id: None,
            },
            required: false,
            unset: false,
            secret: false,
            doc: "The request body.".into(),
            rules: Vec::new(),
            accepted: None,
            aliases: Vec::new(),
            required_unless: Vec::new(),
            since: None,
            source: None,
            inferred: Vec::new(),
            until: None,
            added_at: None,
            list: false,
        }];
        let mut by_path: HashMap<String, NodeId> = HashMap::new();
        let mut seen_paths = HashSet::new();
        for (i, p) in structure.params.iter().enumerate() {
            let place = format!("params[{i}] ({})", p.path);
            let Some(segs) = split_path(&p.path) else {
                sx.err(
                    place,
                    format!("`{}` is not a bracket path like `a[b][c]`", p.path),
                );
                continue;
            };
            if !seen_paths.insert(p.path.as_str()) {
                sx.err(place, format!("duplicate parameter `{}`", p.path));
                continue;
            }
            let parent = if segs.len() == 1 {
                NodeId::ROOT
            } else {
                let parent_path = &p.path[..p.path.rfind('[').unwrap_or(0)];
                match by_path.get(parent_path) {
                    Some(id) if matches!(nodes[id.index()].ty, Ty::Object { .. }) => *id,
                    Some(_) => {
                        sx.err(place, format!("parent `{parent_path}` is not an object"));
                        continue;
                    }
                    None => {
                        sx.err(
                            place,
                            format!("parent `{parent_path}` is not declared before it"),
                        );
                        continue;
                    }
                }
            };
            // Refused, but the node is kept so that its children are not reported as
            // orphans: only a version gate's older parameters may be lists of objects.
            if p.list {
                sx.err(
                    &place,
                    "`list` (a list of objects, kept from an older API version by the importer) is not checked by the validators: such a parameter of an older version belongs to a version gate's `removed` (versions.json), where it is accepted unchecked",
                );
            }
            let Some(ty) = check_param(&mut sx, &place, p) else {
                continue;
            };
            check_history(
                &mut sx,
                &place,
                p,
                &structure.api_version,
                nodes[parent.index()].since.as_deref(),
            );
            let id = NodeId(nodes.len() as u32);
            nodes[parent.index()].children.push(id);
            by_path.insert(p.path.clone(), id);
            nodes.push(param_node(p, segs[segs.len() - 1], parent, ty));
        }

        let mut rx = Ctx {
            errors: Vec::new(),
            file: names.1,
        };
        // Refinements.
        for (path, refine) in &rules.refine {
            let place = format!("refine[\"{path}\"]");
            let Some(id) = by_path.get(path) else {
                rx.err(place, unknown_param(path, &by_path));
                continue;
            };
            let node = &mut nodes[id.index()];
            node.secret |= refine.secret;
            if let Some(min_max) = refine.min.zip(refine.max)
                && min_max.0 > min_max.1
            {
                rx.err(
                    &place,
                    format!("impossible limit: min {} > max {}", min_max.0, min_max.1),
                );
            }
            match (refine.ty, &mut node.ty) {
                // An integer parameter takes a range as it is (`dob[month]` 1 to 12).
                (None | Some(TypeName::Integer), Ty::Integer { min, max, .. }) => {
                    if refine.min.is_some() {
                        *min = refine.min;
                    }
                    if refine.max.is_some() {
                        *max = refine.max;
                    }
                }
                (None, ty) => {
                    if refine.min.is_some() || refine.max.is_some() {
                        rx.err(
                            &place,
                            format!(
                                "`min`/`max` apply to integer parameters, not to one of type {} (a string can be refined with `type: integer` first)",
                                ty.name().as_str()
                            ),
                        );
                    }
                }
                (Some(TypeName::Integer), Ty::String { max_length, .. }) => {
                    let max_length = *max_length;
                    node.ty = Ty::Integer {
                        format: None,
                        min: refine.min,
                        max: refine.max,
                        from_string: Some(max_length),
                    };
                }
                (Some(t), ty) => rx.err(
                    &place,
                    format!(
                        "cannot refine a {} into a {}: only string into integer",
                        ty.name().as_str(),
                        t.as_str()
                    ),
                ),
            }
        }
        // Generic errors.
        for name in GENERIC_ERRORS {
            if !rules.errors.contains_key(*name) {
                rx.err("errors", format!("missing the generic error `{name}`"));
            }
        }
        for (name, e) in &rules.errors {
            if !GENERIC_ERRORS.contains(&name.as_str()) {
                rx.err(
                    format!("errors[\"{name}\"]"),
                    format!(
                        "unknown generic error `{name}` (known: {})",
                        GENERIC_ERRORS.join(", ")
                    ),
                );
            }
            check_template(&mut rx, &format!("errors[\"{name}\"]"), e, false);
        }
        // Kinds.
        let mut kinds = Vec::new();
        let mut seen_kinds = HashSet::new();
        for (i, k) in rules.kinds.iter().enumerate() {
            let place = format!("kinds[{i}] ({})", k.name);
            if !seen_kinds.insert(k.name.clone()) {
                rx.err(&place, format!("duplicate kind `{}`", k.name));
            }
            match by_path.get(&k.param) {
                Some(id) if nodes[id.index()].parent == Some(NodeId::ROOT) => {
                    if !matches!(nodes[id.index()].ty, Ty::Object { .. }) {
                        rx.err(&place, format!("`{}` is not an object", k.param));
                    }
                    if let Some(e) = &k.key_error {
                        check_template(&mut rx, &place, e, false);
                    }
                    let mut order = Vec::new();
                    for name in &k.order {
                        let child = nodes[id.index()]
                            .children
                            .iter()
                            .copied()
                            .find(|c| nodes[c.index()].name == *name);
                        match child {
                            Some(c) => order.push(c),
                            None => rx.err(
                                &place,
                                format!(
                                    "`order` names `{name}`, which is not a parameter of `{}`",
                                    k.param
                                ),
                            ),
                        }
                    }
                    let mut implied_by = Vec::new();
                    for p in &k.implied_by {
                        match by_path.get(p) {
                            Some(i) if nodes[i.index()].parent == Some(NodeId::ROOT) => {
                                implied_by.push(*i)
                            }
                            Some(_) => rx.err(
                                &place,
                                format!(
                                    "`implied_by` names `{p}`, which is not a top-level parameter"
                                ),
                            ),
                            None => rx.err(
                                &place,
                                format!("`implied_by`: {}", unknown_param(p, &by_path)),
                            ),
                        }
                    }
                    kinds.push(Kind {
                        name: k.name.clone(),
                        node: *id,
                        implied_by,
                        order,
                        keys: k.keys.clone(),
                        key_error: k.key_error.clone(),
                    });
                }
                Some(_) => rx.err(
                    &place,
                    format!("`{}` is not a top-level parameter", k.param),
                ),
                None => rx.err(&place, unknown_param(&k.param, &by_path)),
            }
        }
        // Rules.
        let mut out_rules = Vec::new();
        let mut seen_ids = HashSet::new();
        compile_rules(
            &mut rx,
            &rules.rules,
            "rules",
            &mut nodes,
            &by_path,
            &mut out_rules,
            &mut seen_ids,
        );

        // What Stripe accepts beyond its OpenAPI.
        let mut ax = Ctx {
            errors: Vec::new(),
            file: names.2,
        };
        if let Some(accepted) = accepted {
            add_accepted(
                &mut ax,
                accepted,
                &mut nodes,
                &mut by_path,
                &mut kinds,
                &mut out_rules,
                &mut seen_ids,
            );
        }

        link_brands(&mut out_rules, &nodes, &mut rx);
        // The version gates.
        let mut vx = Ctx {
            errors: Vec::new(),
            file: names.3,
        };
        let gates = match versions {
            Some(v) => add_gates(&mut vx, v, &structure.api_version, &mut nodes, &mut by_path),
            None => Vec::new(),
        };

        // Booleans: each spelling reads as one value.
        let b = &rules.booleans;
        if b.true_texts.is_empty() || b.false_texts.is_empty() {
            rx.err(
                "booleans",
                "needs at least one text for `true` and one for `false`",
            );
        }
        for t in &b.true_texts {
            if b.false_texts.contains(t) {
                rx.err(
                    "booleans",
                    format!("`{t}` is read both as true and as false"),
                );
            }
        }

        // The HTTP layer's answers.
        for name in HTTP_ERRORS {
            if !rules.http.contains_key(*name) {
                rx.err("http", format!("missing the HTTP answer `{name}`"));
            }
        }
        for (name, e) in &rules.http {
            let place = format!("http[\"{name}\"]");
            if !HTTP_ERRORS.contains(&name.as_str()) {
                rx.err(
                    &place,
                    format!(
                        "unknown HTTP answer `{name}` (known: {})",
                        HTTP_ERRORS.join(", ")
                    ),
                );
            }
            if !(400..=599).contains(&e.status) {
                rx.err(
                    &place,
                    format!("status {} is not an error status", e.status),
                );
            }
            let mut rest = e.message.as_str();
            while let Some(i) = rest.find('{') {
                let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
                if &rest[i..end] != "{value}" {
                    rx.err(&place, "the message's only placeholder is `{value}`");
                    break;
                }
                rest = &rest[end..];
            }
        }

        let mut generics = Vec::new();
        for g in Generic::ALL {
            if let Some(def) = rules.errors.get(g.name()) {
                generics.push(def.clone());
            }
        }
        let mut errors = sx.errors;
        errors.extend(rx.errors);
        errors.extend(ax.errors);
        errors.extend(vx.errors);
        if !errors.is_empty() {
            return Err(SpecErrors(errors));
        }
        Ok(Spec {
            api_version: structure.api_version.clone(),
            source: structure.source.clone(),
            nodes,
            by_path,
            kinds,
            errors: rules.errors.clone(),
            generics,
            rules: out_rules,
            booleans: rules.booleans.clone(),
            gates,
            http: rules.http.clone(),
        })
    }
}

/// The placeholder of a rule's `doc` that the loader replaces with its brand table in prose.
pub const BRANDS_PLACEHOLDER: &str = "{brands}";

/// Completes each `cvc_length_by_brand` with the brands of its card number's
/// `card_length_by_brand` rule (their order, IIN ranges and `strip`: one table of ranges in
/// the spec), and writes every brand table into its rule's `doc` where the doc says
/// `{brands}`.
fn link_brands(rules: &mut [Rule], nodes: &[Node], rx: &mut Ctx<'_>) {
    let numbers: Vec<(NodeId, BrandTable, String)> = rules
        .iter()
        .filter_map(|r| match &r.check {
            Check::CardLengthByBrand { brands, strip } => {
                Some((r.target, brands.clone(), strip.clone()))
            }
            _ => None,
        })
        .collect();
    // A length the number's `digits` rule refuses could never pass: a table that says one
    // contradicts the spec.
    for r in rules.iter() {
        let Check::CardLengthByBrand { brands, .. } = &r.check else {
            continue;
        };
        let digits = rules.iter().find_map(|d| match &d.check {
            Check::Digits { min, max, .. } if d.target == r.target => Some((*min, *max)),
            _ => None,
        });
        if let Some((min, max)) = digits {
            for b in brands.brands.iter() {
                if let Some(l) = b
                    .lengths
                    .iter()
                    .find(|l| !(min..=max).contains(&usize::from(**l)))
                {
                    rx.err(
                        format!("rule `{}`", r.id),
                        format!(
                            "brand `{}`: length {l} is outside the {min} to {max} digits of rule `{}`, so no number could have it",
                            b.name, d_id(rules, r.target)
                        ),
                    );
                }
            }
        }
    }
    for r in rules.iter_mut() {
        let place = format!("rule `{}`", r.id);
        let table = match &mut r.check {
            Check::CvcLengthByBrand {
                number,
                brands,
                strip,
            } => {
                let path = &nodes[number.index()].path;
                let Some((_, of_number, number_strip)) =
                    numbers.iter().find(|(n, _, _)| n == number)
                else {
                    rx.err(
                        &place,
                        format!(
                            "rule `cvc_length_by_brand` reads the brands of `{path}`, which has no `card_length_by_brand` rule"
                        ),
                    );
                    continue;
                };
                let names = |t: &BrandTable| {
                    let mut n: Vec<String> = t.brands.iter().map(|b| b.name.to_string()).collect();
                    n.sort();
                    n
                };
                if names(brands) != names(of_number) {
                    rx.err(
                        &place,
                        format!(
                            "argument `lengths` must give the CVC lengths of exactly the brands of `{path}`'s `card_length_by_brand` rule ({})",
                            names(of_number).join(", ")
                        ),
                    );
                    continue;
                }
                let linked: Vec<Brand> = of_number
                    .brands
                    .iter()
                    .map(|b| Brand {
                        lengths: brands
                            .brands
                            .iter()
                            .find(|c| c.name == b.name)
                            .map(|c| c.lengths.clone())
                            .unwrap_or_default(),
                        ..b.clone()
                    })
                    .collect();
                *brands = BrandTable {
                    brands: linked.into(),
                };
                *strip = number_strip.clone();
                Some(brands.describe(false))
            }
            Check::CardLengthByBrand { brands, .. } => Some(brands.describe(true)),
            _ => None,
        };
        match table {
            Some(prose) => r.doc = r.doc.replace(BRANDS_PLACEHOLDER, &prose),
            None if r.doc.contains(BRANDS_PLACEHOLDER) => rx.err(
                &place,
                format!("`doc` says {BRANDS_PLACEHOLDER}, but the rule has no brand table"),
            ),
            None => {}
        }
    }
}

/// Checks and compiles rule definitions (of `rules.json`, or of `accepted.json` once its
/// parameters are there) into `out`, each for each of its target parameters.
fn compile_rules(
    rx: &mut Ctx<'_>,
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

/// The id of the `digits` rule on `target`.
fn d_id(rules: &[Rule], target: NodeId) -> &str {
    rules
        .iter()
        .find(|d| d.target == target && matches!(d.check, Check::Digits { .. }))
        .map_or("", |d| d.id.as_str())
}

/// Adds the parameters of `accepted.json` to the tree (each checked: a new path under an
/// object of the structure, a type the evidence gives, its kind and what it stands in for),
/// then their rules; an alias takes its parameter's type, secrecy and rules.
fn add_accepted(
    ax: &mut Ctx<'_>,
    accepted: &AcceptedFile,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
    kinds: &mut [Kind],
    out_rules: &mut Vec<Rule>,
    seen_ids: &mut HashSet<String>,
) {
    let mut aliases = Vec::new();
    for (i, a) in accepted.params.iter().enumerate() {
        let place = format!("params[{i}] ({})", a.path);
        if let Some(id) = accepted_node(ax, &place, a, nodes, by_path, kinds)
            && nodes[id.index()]
                .accepted
                .as_ref()
                .is_some_and(|x| x.alias_of.is_some())
        {
            aliases.push(id);
        }
    }
    compile_rules(
        ax,
        &accepted.rules,
        "rules",
        nodes,
        by_path,
        out_rules,
        seen_ids,
    );
    // An alias is judged by its parameter's rules (those of rules.json and of this file).
    for alias in aliases {
        let Some(target) = nodes[alias.index()]
            .accepted
            .as_ref()
            .and_then(|a| a.alias_of)
        else {
            continue;
        };
        for r in nodes[target.index()].rules.clone() {
            let mut copy = out_rules[r].clone();
            copy.target = alias;
            nodes[alias.index()].rules.push(out_rules.len());
            out_rules.push(copy);
        }
    }
}

/// Checks one entry of `accepted.json` and adds its node; `None` (and errors) when it does
/// not fit.
fn accepted_node(
    ax: &mut Ctx<'_>,
    place: &str,
    a: &AcceptedDef,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
    kinds: &mut [Kind],
) -> Option<NodeId> {
    let Some(segs) = split_path(&a.path) else {
        ax.err(
            place,
            format!("`{}` is not a bracket path like `a[b][c]`", a.path),
        );
        return None;
    };
    if by_path.contains_key(&a.path) {
        ax.err(
            place,
            format!(
                "`{}` is already a parameter (Stripe's OpenAPI has it now, or it is listed twice): remove this entry",
                a.path
            ),
        );
        return None;
    }
    let parent = if segs.len() == 1 {
        NodeId::ROOT
    } else {
        let parent_path = &a.path[..a.path.rfind('[').unwrap_or(0)];
        match by_path.get(parent_path) {
            Some(id) if matches!(nodes[id.index()].ty, Ty::Object { .. }) => *id,
            Some(_) => {
                ax.err(place, format!("parent `{parent_path}` is not an object"));
                return None;
            }
            None => {
                ax.err(place, unknown_param(parent_path, by_path));
                return None;
            }
        }
    };
    let top_level = parent == NodeId::ROOT;
    let mut ok = true;
    // The type: an alias's is its parameter's; otherwise what the entry says (a string by
    // default), one of the types a client field can have.
    let (ty, alias_of, target_secret, target_unset) = match &a.alias_of {
        Some(target_path) => {
            let target = match by_path.get(target_path) {
                Some(t) => *t,
                None => {
                    ax.err(
                        place,
                        format!("`alias_of`: {}", unknown_param(target_path, by_path)),
                    );
                    return None;
                }
            };
            let t = &nodes[target.index()];
            if t.parent != Some(parent) || t.accepted.is_some() {
                ax.err(
                    place,
                    format!("`alias_of` must name a sibling of the structure, not `{target_path}`"),
                );
                return None;
            }
            if matches!(t.ty, Ty::Object { .. } | Ty::Array { .. } | Ty::Map) {
                ax.err(
                    place,
                    format!("`alias_of`: `{target_path}` is not a single value"),
                );
                return None;
            }
            if a.ty.is_some() || a.max_length.is_some() {
                ax.err(
                    place,
                    "an alias takes its parameter's type and limits: remove `type` and `max_length`",
                );
                ok = false;
            }
            (t.ty.clone(), Some(target), t.secret, t.unset)
        }
        None => {
            let ty = match a.ty.unwrap_or(TypeName::String) {
                TypeName::String => Ty::String {
                    max_length: a.max_length,
                    format: None,
                },
                TypeName::Integer => Ty::Integer {
                    format: None,
                    min: None,
                    max: None,
                    from_string: None,
                },
                TypeName::Boolean => Ty::Boolean,
                TypeName::Map => Ty::Map,
                other => {
                    ax.err(
                        place,
                        format!(
                            "an accepted parameter is a string, integer, boolean or map, not {}",
                            other.as_str()
                        ),
                    );
                    return None;
                }
            };
            if a.max_length.is_some() && !matches!(ty, Ty::String { .. }) {
                ax.err(place, "`max_length` applies to a string");
                ok = false;
            }
            if a.max_length == Some(0) {
                ax.err(place, "impossible limit: max_length 0 admits no value");
                ok = false;
            }
            (ty, None, false, false)
        }
    };
    if (a.what == AcceptedWhat::Alias) != alias_of.is_some() {
        ax.err(
            place,
            "an alias (`what: alias`) and only an alias has `alias_of`",
        );
        ok = false;
    }
    if let Some(k) = &a.kind
        && (!top_level || !kinds.iter().any(|x| x.name == *k))
    {
        ax.err(
            place,
            format!("`kind` names a token kind (not `{k}`), on a top-level parameter"),
        );
        ok = false;
    }
    if a.selects_kind && a.kind.is_none() {
        ax.err(place, "`selects_kind` needs `kind`");
        ok = false;
    }
    let mut replaced = Vec::new();
    for r in &a.replaces {
        match by_path.get(r) {
            Some(id) if top_level && nodes[id.index()].required => replaced.push(*id),
            Some(_) => {
                ax.err(
                    place,
                    format!(
                        "`replaces` names required parameters, on a top-level parameter (`{r}`)"
                    ),
                );
                ok = false;
            }
            None => {
                ax.err(place, format!("`replaces`: {}", unknown_param(r, by_path)));
                ok = false;
            }
        }
    }
    if a.source.trim().is_empty() {
        ax.err(place, "every entry needs its `source`");
        ok = false;
    }
    if !ok {
        return None;
    }
    let id = NodeId(nodes.len() as u32);
    nodes[parent.index()].children.push(id);
    by_path.insert(a.path.clone(), id);
    nodes.push(Node {
        path: a.path.clone(),
        name: segs[segs.len() - 1].to_string(),
        parent: Some(parent),
        children: Vec::new(),
        ty,
        required: false,
        unset: a.unset || target_unset,
        secret: a.secret || target_secret,
        doc: a.doc.clone(),
        rules: Vec::new(),
        accepted: Some(Accepted {
            what: a.what,
            alias_of,
            kind: a.kind.clone(),
            source: a.source.clone(),
            confidence: a.confidence,
        }),
        aliases: Vec::new(),
        required_unless: Vec::new(),
        since: None,
        source: None,
        inferred: Vec::new(),
        until: None,
        added_at: None,
        list: false,
    });
    if let Some(target) = alias_of {
        nodes[target.index()].aliases.push(id);
    }
    for r in replaced {
        nodes[r.index()].required_unless.push(id);
    }
    if a.selects_kind
        && let Some(k) = kinds.iter_mut().find(|k| Some(&k.name) == a.kind.as_ref())
    {
        k.implied_by.push(id);
    }
    Some(id)
}

/// The node of a parameter definition (of the structure, or of a version gate).
fn param_node(p: &ParamDef, name: &str, parent: NodeId, ty: Ty) -> Node {
    Node {
        path: p.path.clone(),
        name: name.to_string(),
        parent: Some(parent),
        children: Vec::new(),
        ty,
        required: p.required,
        unset: p.unset,
        secret: false,
        doc: p.doc.clone(),
        rules: Vec::new(),
        accepted: None,
        aliases: Vec::new(),
        required_unless: Vec::new(),
        since: p.since.clone(),
        source: (!p.source.is_empty()).then(|| p.source.clone()),
        inferred: p.inferred.clone(),
        until: None,
        added_at: None,
        list: p.list,
    }
}

/// Checks a parameter's `since`, `source` and `inferred`: a version no later than the
/// structure's and no earlier than its parent's; an inferred fact that the entry has, and a
/// source that says why.
fn check_history(
    cx: &mut Ctx<'_>,
    place: &str,
    p: &ParamDef,
    api_version: &str,
    parent_since: Option<&str>,
) {
    if let Some(since) = &p.since {
        match release_date(since) {
            None => cx.err(
                place,
                format!("`since` `{since}` is not an API version (YYYY-MM-DD or YYYY-MM-DD.name)"),
            ),
            Some(d) => {
                if release_date(api_version).is_some_and(|v| d > v) {
                    cx.err(
                        place,
                        format!(
                            "`since` `{since}` is after the structure's API version `{api_version}`"
                        ),
                    );
                }
                if let Some(ps) = parent_since.and_then(release_date)
                    && d < ps
                {
                    cx.err(
                        place,
                        format!(
                            "`since` `{since}` is before its parent's ({})",
                            parent_since.unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
    for fact in &p.inferred {
        let has = match fact {
            InferredFact::MaxLength => p.max_length.is_some(),
        };
        if !has {
            cx.err(
                place,
                format!(
                    "`inferred` names `{}`, which the entry does not give",
                    fact.as_str()
                ),
            );
        }
    }
    if !p.inferred.is_empty() && p.source.trim().is_empty() {
        cx.err(
            place,
            "an entry with `inferred` facts needs its `source` (where it comes from, and why the facts are inferred)",
        );
    }
}

/// Checks the version gates of `versions.json` and compiles them: each gate's older
/// parameters become nodes that exist only before it, and today's parameters that came
/// with it are marked.
fn add_gates(
    vx: &mut Ctx<'_>,
    versions: &VersionsFile,
    api_version: &str,
    nodes: &mut Vec<Node>,
    by_path: &mut HashMap<String, NodeId>,
) -> Vec<Gate> {
    let mut gates = Vec::new();
    let mut ids = HashSet::new();
    // A request's place among the gates is a bit each (`u64`).
    if versions.gates.len() > 64 {
        vx.err("gates", "at most 64 version gates");
        return gates;
    }
    let mut last: Option<(u16, u8, u8)> = None;
    for (gi, g) in versions.gates.iter().enumerate() {
        let place = format!("gates[{gi}] ({})", g.version);
        let Some(date) = release_date(&g.version) else {
            vx.err(
                &place,
                format!(
                    "`{}` is not an API version (YYYY-MM-DD or YYYY-MM-DD.name)",
                    g.version
                ),
            );
            continue;
        };
        if last.is_some_and(|l| date <= l) {
            vx.err(&place, "gates are listed oldest first, one per version");
        }
        last = Some(date);
        if release_date(api_version).is_some_and(|v| date > v) {
            vx.err(
                &place,
                format!("the gate is after the structure's API version `{api_version}`"),
            );
        }
        if g.id.trim().is_empty() || !ids.insert(g.id.clone()) {
            vx.err(
                &place,
                format!("`id` must be unique and not empty (`{}`)", g.id),
            );
        }
        for (field, text) in [("change", &g.change), ("source", &g.source)] {
            if text.trim().is_empty() {
                vx.err(&place, format!("every gate needs its `{field}`"));
            }
        }
        let index = gates.len();
        // Objects of today's structure (or the body).
        let objects = |vx: &mut Ctx<'_>, field: &str, paths: &[String]| -> Vec<NodeId> {
            let mut out = Vec::new();
            for p in paths {
                if p.is_empty() {
                    out.push(NodeId::ROOT);
                    continue;
                }
                match by_path.get(p) {
                    Some(id)
                        if matches!(nodes[id.index()].ty, Ty::Object { .. })
                            && nodes[id.index()].until.is_none() =>
                    {
                        out.push(*id)
                    }
                    Some(_) => vx.err(
                        &place,
                        format!("`{field}`: `{p}` is not an object of today's spec"),
                    ),
                    None => vx.err(&place, format!("`{field}`: {}", unknown_param(p, by_path))),
                }
            }
            out
        };
        let unknown_ignored_before =
            objects(vx, "unknown_ignored_before", &g.unknown_ignored_before);
        let missing_before = g.missing_before.as_ref().map(|m| {
            check_template(vx, &place, &m.error, true);
            (objects(vx, "missing_before", &m.within), m.error.clone())
        });
        // The older parameters.
        let mut removed = Vec::new();
        let mut skipped: Vec<&str> = Vec::new();
        for (i, p) in g.removed.iter().enumerate() {
            let place = format!("{place} removed[{i}] ({})", p.path);
            let Some(segs) = split_path(&p.path) else {
                vx.err(
                    &place,
                    format!("`{}` is not a bracket path like `a[b][c]`", p.path),
                );
                continue;
            };
            let parent_path = &p.path[..p.path.rfind('[').unwrap_or(0)];
            // One element of a list of objects: the record of its shape, not checked.
            if skipped.contains(&parent_path) {
                skipped.push(&p.path);
                continue;
            }
            if by_path.contains_key(&p.path) {
                vx.err(&place, format!("`{}` is already a parameter", p.path));
                continue;
            }
            let parent = if segs.len() == 1 {
                NodeId::ROOT
            } else {
                match by_path.get(parent_path) {
                    Some(id) if matches!(nodes[id.index()].ty, Ty::Object { .. }) => *id,
                    Some(_) => {
                        vx.err(&place, format!("parent `{parent_path}` is not an object"));
                        continue;
                    }
                    None => {
                        vx.err(
                            &place,
                            format!("parent `{parent_path}` is not declared before it"),
                        );
                        continue;
                    }
                }
            };
            let Some(ty) = check_param(vx, &place, p) else {
                continue;
            };
            check_history(vx, &place, p, api_version, None);
            let id = NodeId(nodes.len() as u32);
            nodes[parent.index()].children.push(id);
            by_path.insert(p.path.clone(), id);
            let mut node = param_node(p, segs[segs.len() - 1], parent, ty);
            node.until = Some(index);
            nodes.push(node);
            removed.push(id);
            if p.list {
                skipped.push(&p.path);
            }
        }
        for p in &g.secret {
            match by_path.get(p) {
                Some(id)
                    if removed.contains(id)
                        && !matches!(nodes[id.index()].ty, Ty::Object { .. }) =>
                {
                    nodes[id.index()].secret = true
                }
                _ => vx.err(
                    &place,
                    format!(
                        "`secret`: `{p}` is not a single-value parameter of this gate's `removed`"
                    ),
                ),
            }
        }
        // Today's parameters that came with it.
        let mut added = Vec::new();
        for p in &g.added {
            match by_path.get(p) {
                Some(id)
                    if nodes[id.index()].until.is_none()
                        && nodes[id.index()].accepted.is_none() =>
                {
                    if nodes[id.index()].added_at.is_some() {
                        vx.err(
                            &place,
                            format!("`added`: `{p}` came with another gate already"),
                        );
                    }
                    nodes[id.index()].added_at = Some(index);
                    added.push(*id);
                }
                Some(_) => vx.err(
                    &place,
                    format!("`added`: `{p}` is not a parameter of today's structure"),
                ),
                None => vx.err(&place, format!("`added`: {}", unknown_param(p, by_path))),
            }
        }
        match (&g.added_before, added.is_empty()) {
            (Some(e), _) => check_template(vx, &place, e, true),
            (None, false) => vx.err(&place, "a gate with `added` needs `added_before`, the warning for them under an older version"),
            (None, true) => {}
        }
        gates.push(Gate {
            version: g.version.clone(),
            date,
            id: g.id.clone(),
            change: g.change.clone(),
            source: g.source.clone(),
            confidence: g.confidence,
            notes: g.notes.clone(),
            unknown_ignored_before,
            missing_before,
            removed,
            added,
            added_before: g.added_before.clone(),
        });
    }
    gates
}

fn unknown_param(path: &str, known: &HashMap<String, NodeId>) -> String {
    let best = known
        .keys()
        .map(|k| (strsim_distance(path, k), k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    format!("unknown parameter `{path}`{best}")
}

fn check_template(cx: &mut Ctx<'_>, place: &str, e: &ErrorDef, secret: bool) {
    let mut rest = e.message.as_str();
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            cx.err(place, "message has an unclosed `{`");
            return;
        };
        let name = &rest[i + 1..i + j];
        if !["param", "value", "values", "limit", "suggestion"].contains(&name) {
            cx.err(
                place,
                format!("message has an unknown placeholder `{{{name}}}`"),
            );
        }
        if name == "value" && secret {
            cx.err(
                place,
                "message puts `{value}` of a secret parameter into the error",
            );
        }
        rest = &rest[i + j + 1..];
    }
}

fn check_param(cx: &mut Ctx<'_>, place: &str, p: &ParamDef) -> Option<Ty> {
    let mut ok = true;
    let mut misuse = |cx: &mut Ctx<'_>, field: &str, present: bool, allowed: bool| {
        if present && !allowed {
            cx.err(
                place,
                format!(
                    "`{field}` does not apply to a parameter of type {}",
                    p.ty.as_str()
                ),
            );
            ok = false;
        }
    };
    let t = p.ty;
    misuse(
        cx,
        "max_length",
        p.max_length.is_some(),
        t == TypeName::String || t == TypeName::Enum,
    );
    misuse(cx, "values", !p.values.is_empty(), t == TypeName::Enum);
    misuse(cx, "items", p.items.is_some(), t == TypeName::Array);
    misuse(cx, "or_id", p.or_id.is_some(), t == TypeName::Object);
    misuse(cx, "list", p.list, t == TypeName::Object);
    misuse(
        cx,
        "open",
        p.open,
        t == TypeName::Enum || t == TypeName::Object,
    );
    misuse(
        cx,
        "format",
        p.format.is_some(),
        t == TypeName::String || t == TypeName::Integer,
    );
    if p.max_length == Some(0) || p.or_id.as_ref().and_then(|i| i.max_length) == Some(0) {
        cx.err(place, "impossible limit: max_length 0 admits no value");
        ok = false;
    }
    if t == TypeName::Enum {
        if p.values.is_empty() {
            cx.err(place, "an enum needs `values`");
            ok = false;
        }
        let mut seen = HashSet::new();
        for v in &p.values {
            if !seen.insert(v) {
                cx.err(place, format!("duplicate enum value `{v}`"));
                ok = false;
            }
        }
    }
    let items = if t == TypeName::Array {
        match &p.items {
            None => {
                cx.err(place, "an array needs `items`");
                ok = false;
                None
            }
            Some(it) => {
                let ty = match it.ty {
                    TypeName::String => Some(ItemTy::String {
                        max_length: it.max_length,
                    }),
                    TypeName::Integer => Some(ItemTy::Integer),
                    TypeName::Number => Some(ItemTy::Number),
                    TypeName::Boolean => Some(ItemTy::Boolean),
                    TypeName::Enum if !it.values.is_empty() => Some(ItemTy::Enum {
                        values: it.values.clone(),
                    }),
                    other => {
                        cx.err(
                            place,
                            format!(
                                "array items must be scalars with their values, not {}",
                                other.as_str()
                            ),
                        );
                        ok = false;
                        None
                    }
                };
                if it.max_length == Some(0) {
                    cx.err(
                        place,
                        "impossible limit: items max_length 0 admits no value",
                    );
                    ok = false;
                }
                ty.map(|ty| Item {
                    ty,
                    unset: it.unset,
                })
            }
        }
    } else {
        None
    };
    if !ok {
        return None;
    }
    Some(match t {
        TypeName::String => Ty::String {
            max_length: p.max_length,
            format: p.format.clone(),
        },
        TypeName::Integer => Ty::Integer {
            format: p.format.clone(),
            min: None,
            max: None,
            from_string: None,
        },
        TypeName::Number => Ty::Number,
        TypeName::Boolean => Ty::Boolean,
        TypeName::Enum => Ty::Enum {
            max_length: p.max_length,
            values: p.values.clone(),
            open: p.open,
        },
        TypeName::Array => Ty::Array { items: items? },
        TypeName::Map => Ty::Map,
        TypeName::Object => Ty::Object {
            open: p.open,
            or_id: p.or_id.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(brand: &str, iin: &[&str], lengths: &[u8]) -> BrandDef {
        BrandDef {
            brand: brand.into(),
            iin: iin.iter().map(|s| s.to_string()).collect(),
            lengths: lengths.to_vec(),
            source: String::new(),
        }
    }

    #[test]
    fn brand_tables_are_checked() {
        let ok = [
            def("Visa", &["4"], &[16, 13]),
            def("Unknown", &[], &[12, 19]),
        ];
        let t = brand_table(&ok, true).unwrap();
        assert_eq!(t.brands[0].lengths.as_ref(), &[13, 16], "sorted");
        assert_eq!(
            t.describe(true),
            "Visa (4) 13 or 16; Unknown (any other number) 12 or 19"
        );
        for (defs, iin, wants) in [
            (vec![], true, "at least one brand"),
            (vec![def("Visa", &["4"], &[16])], true, "none has"),
            (
                vec![def("A", &[], &[16]), def("B", &[], &[16])],
                true,
                "2 have: A, B",
            ),
            (
                vec![def("A", &["4"], &[16]), def("A", &[], &[16])],
                true,
                "listed twice",
            ),
            (
                vec![def("A", &["4"], &[]), def("U", &[], &[1])],
                true,
                "at least one length",
            ),
            (
                vec![def("A", &["4"], &[0]), def("U", &[], &[1])],
                true,
                "above 0",
            ),
            (
                vec![def("A", &["4x"], &[1]), def("U", &[], &[1])],
                true,
                "not an IIN",
            ),
            (
                vec![
                    def("A", &["34-37"], &[15]),
                    def("B", &["3600-3799"], &[16]),
                    def("U", &[], &[1]),
                ],
                true,
                "overlap",
            ),
            (vec![def("A", &["4"], &[3])], false, "no `iin` here"),
        ] {
            let e = brand_table(&defs, iin).unwrap_err();
            assert!(e.contains(wants), "{e}");
        }
    }

    /// The bundled rules with one rule's arguments or doc changed.
    fn with_rule(id: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Result<Spec, SpecErrors> {
        let mut rules: serde_json::Value = serde_json::from_str(crate::BUNDLED_RULES).unwrap();
        let rule = rules["rules"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|r| r["id"] == id)
            .unwrap();
        edit(rule);
        Spec::from_texts(
            crate::BUNDLED_STRUCTURE,
            &rules.to_string(),
            ("params.json", "rules.json"),
        )
    }

    #[test]
    fn the_cvc_table_is_linked_to_the_numbers() {
        let spec = crate::bundled();
        let cvc = spec.lookup("card[cvc]").unwrap();
        let rule = &spec.rules[spec.node(cvc).rules[0]];
        let Check::CvcLengthByBrand { brands, strip, .. } = &rule.check else {
            panic!("card[cvc]'s rule");
        };
        let (number, nstrip) = spec
            .card_brands(spec.lookup("card[number]").unwrap())
            .unwrap();
        assert_eq!(strip, nstrip);
        let names = |t: &BrandTable| t.brands.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(brands), names(number));
        assert!(!rule.doc.contains(BRANDS_PLACEHOLDER), "{}", rule.doc);
        assert!(rule.doc.contains("American Express 3 or 4"), "{}", rule.doc);
        // A brand missing from the CVC table, or a brand the number does not have.
        let e = with_rule("card_cvc", |r| {
            r["args"]["lengths"].as_array_mut().unwrap().pop();
        })
        .unwrap_err();
        assert!(e.to_string().contains("exactly the brands"), "{e}");
        // A doc that asks for a table the rule does not have.
        let e = with_rule("card_number_luhn", |r| r["doc"] = "Luhn: {brands}".into()).unwrap_err();
        assert!(e.to_string().contains("no brand table"), "{e}");
        // A length the number's `digits` rule refuses.
        let e = with_rule("card_number_brand_length", |r| {
            r["args"]["brands"][0]["lengths"] = serde_json::json!([11, 16]);
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("length 11 is outside the 12 to 19 digits"),
            "{e}"
        );
    }
}
