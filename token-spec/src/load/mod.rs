//! Loading: parse the spec files, check them, and build the [`Spec`]. Every problem is
//! collected and reported at once, each naming the file and the place in it.

mod accepted;
mod brands;
mod compile;
mod error_defs;
mod kinds;
mod refine;
mod report;
mod structure;
mod versions;

use std::collections::HashSet;

use crate::ir::Spec;
use crate::model::{AcceptedFile, RulesFile, StructureFile, VersionsFile};
use report::{Problems, parse_json};

pub use report::{SpecError, SpecErrors};

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
        // The steps run in this order, and each file's problems are reported in it.
        let mut sx = Problems::new(names.0);
        let (mut nodes, mut by_path) = structure::nodes(structure, &mut sx);

        let mut rx = Problems::new(names.1);
        refine::refine(rules, &by_path, &mut nodes, &mut rx);
        error_defs::generic_errors(rules, &mut rx);
        let mut kinds = kinds::kinds(rules, &by_path, &nodes, &mut rx);
        let mut out_rules = Vec::new();
        let mut seen_ids = HashSet::new();
        compile::compile_rules(
            &mut rx,
            &rules.rules,
            "rules",
            &mut nodes,
            &by_path,
            &mut out_rules,
            &mut seen_ids,
        );

        // What Stripe accepts beyond its OpenAPI.
        let mut ax = Problems::new(names.2);
        if let Some(accepted) = accepted {
            accepted::add_accepted(
                &mut ax,
                accepted,
                &mut nodes,
                &mut by_path,
                &mut kinds,
                &mut out_rules,
                &mut seen_ids,
            );
        }

        brands::link_brands(&mut out_rules, &nodes, &mut rx);
        // The version gates.
        let mut vx = Problems::new(names.3);
        let gates = match versions {
            Some(v) => {
                versions::add_gates(&mut vx, v, &structure.api_version, &mut nodes, &mut by_path)
            }
            None => Vec::new(),
        };

        refine::booleans(rules, &mut rx);
        error_defs::http_errors(rules, accepted.is_some(), &by_path, &mut rx);
        let generics = error_defs::generics(rules);

        let mut errors = sx.errors;
        errors.extend(rx.errors);
        errors.extend(ax.errors);
        errors.extend(vx.errors);
        if !errors.is_empty() {
            return Err(SpecErrors(errors));
        }
        let name_masks = nodes
            .iter()
            .map(|n| crate::ir::name_mask(&n.name))
            .collect();
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
            name_masks,
        })
    }
}
