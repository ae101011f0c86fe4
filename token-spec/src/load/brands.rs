//! Card brand tables: compiled from a rule's arguments, and linked between a card number's
//! rule and its CVC's.

use super::report::Problems;
use crate::id::NodeId;
use crate::ir::{Node, Rule};
use crate::model::BrandDef;
use crate::rules::{Brand, BrandTable, Check, IinRange};

/// Compiles a table of card brands. With `iin`, every brand but one (the brand of every
/// other number) has IIN ranges, and no two brands' ranges overlap; without, no brand has
/// any (a `cvc_length_by_brand` table: its ranges are the card number's). Lengths are
/// sorted; a brand needs at least one, none may be 0.
pub(super) fn brand_table(defs: &[BrandDef], iin: bool) -> Result<BrandTable, String> {
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

/// The placeholder of a rule's `doc` that the loader replaces with its brand table in prose.
pub const BRANDS_PLACEHOLDER: &str = "{brands}";

/// Completes each `cvc_length_by_brand` with the brands of its card number's
/// `card_length_by_brand` rule (their order, IIN ranges and `strip`: one table of ranges in
/// the spec), and writes every brand table into its rule's `doc` where the doc says
/// `{brands}`.
pub(super) fn link_brands(rules: &mut [Rule], nodes: &[Node], rx: &mut Problems<'_>) {
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

/// The id of the `digits` rule on `target`.
fn d_id(rules: &[Rule], target: NodeId) -> &str {
    rules
        .iter()
        .find(|d| d.target == target && matches!(d.check, Check::Digits { .. }))
        .map_or("", |d| d.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Spec, SpecErrors};

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
