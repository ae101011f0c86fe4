//! Parameters learned at run time from a Stripe OpenAPI document newer than the spec the
//! program was built with ([`RuntimeSpec`]), as stripe-mock's `-spec` does: `serve
//! --openapi FILE`, `check --openapi FILE`, [`Options::runtime_spec`](crate::Options::runtime_spec).
//!
//! The validators are generated from the bundled spec at compile time; a parameter Stripe
//! added since reaches them as an unknown parameter. With a runtime spec, such a parameter
//! is looked up there before it is refused: a parameter the document has and the bundled
//! spec does not is checked as the document states it (its type, `maxLength`, enum values,
//! `""` where it may be unset, its own parameters for an object, its items for a list) and
//! accepted; the accepted request says which it was ([`Accepted::runtime_params`](crate::Accepted::runtime_params),
//! and `serve`'s `Token-Preflight-Runtime-Params` header). Everything the bundled spec knows
//! keeps its bundled checks and rules; a learned parameter has no rule beyond its type
//! (nor is its requirement checked: a learned object's required parameters are not
//! enforced), and its value is never quoted in an error (whether it is secret is not known).
//!
//! ```
//! use std::sync::Arc;
//! use token_validate::runtime_spec::RuntimeSpec;
//! use token_validate::{Context, Input, Options, check_request};
//!
//! // A Stripe OpenAPI extract (or a whole spec3.json) newer than the bundled spec, with a
//! // parameter it lacks. (An invented one: the document is this example's.)
//! let doc = br#"{
//!   "source": {"repo": "example", "path": "spec3.json", "commit": "x", "api_version": "2099-01-01.zeta"},
//!   "request": {"type": "object", "properties": {
//!     "card": {"type": "object", "properties": {
//!       "number": {"type": "string", "maxLength": 5000},
//!       "exp_month": {"type": "integer"}, "exp_year": {"type": "integer"},
//!       "nickname": {"type": "string", "maxLength": 10}}}}}
//! }"#;
//! let learned = Arc::new(RuntimeSpec::from_openapi(doc)?);
//! assert_eq!(learned.paths(), ["card[nickname]"]);
//! let ctx = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")?;
//! let opts = Options::new().runtime_spec(learned);
//! let card = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[nickname]=travel";
//! let accepted = check_request(Input::form(card), &ctx, &opts)?;
//! assert_eq!(accepted.runtime_params, ["card[nickname]"]);
//! let long = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[nickname]=a+long+nickname";
//! assert!(check_request(Input::form(long), &ctx, &opts).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use token_spec::history::release_date;
use token_spec::model::{IdDef, ItemDef, StructureFile, TypeName};
use token_spec::{NodeId, Ty};

/// Why a document could not be read as a runtime spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuntimeSpecError(pub String);

impl fmt::Display for RuntimeSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuntimeSpecError {}

/// One learned parameter: what the document states of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Learned {
    /// The bracket path.
    pub path: String,
    pub ty: TypeName,
    pub max_length: Option<u64>,
    pub values: Vec<String>,
    /// Unknown values or children are accepted (`x-stripeBypassValidation`, or an object
    /// whose parameters the document does not describe, or a list of objects).
    pub open: bool,
    pub unset: bool,
    pub items: Option<ItemDef>,
    pub or_id: Option<IdDef>,
    /// Its parameters, by name (an object's).
    pub children: HashMap<String, usize>,
}

/// The parameters of a Stripe OpenAPI document that the bundled spec does not have, with
/// the checks the document states for them. Built once at start
/// ([`RuntimeSpec::from_openapi`]) and shared by every request
/// ([`Options::runtime_spec`](crate::Options::runtime_spec)).
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeSpec {
    api_version: String,
    source: String,
    pub(crate) nodes: Vec<Learned>,
    /// The learned parameters whose parent is an object of the bundled spec: by that
    /// object, then their name.
    roots: HashMap<u32, HashMap<String, usize>>,
}

// No floating point anywhere: equality is total (as [`crate::Options`] needs).
impl Eq for RuntimeSpec {}

impl RuntimeSpec {
    /// Reads a Stripe OpenAPI document (`openapi/spec3.json`, `latest/openapi.spec3.json`,
    /// an extract with `request`; JSON, or YAML with the `yaml` feature) and keeps the
    /// parameters of `POST /v1/tokens` that the bundled spec does not have. A document of
    /// an API version older than the bundled spec's is refused: it would teach parameters
    /// Stripe has since removed.
    pub fn from_openapi(bytes: &[u8]) -> Result<RuntimeSpec, RuntimeSpecError> {
        let doc = token_spec::import::parse_document(bytes)
            .map_err(|e| RuntimeSpecError(e.to_string()))?;
        let structure = token_spec::import::import_openapi(&doc)
            .map_err(|e| RuntimeSpecError(e.to_string()))?;
        RuntimeSpec::from_structure(&structure)
    }

    /// [`RuntimeSpec::from_openapi`] of a file (its name in the error).
    pub fn from_path(path: &std::path::Path) -> Result<RuntimeSpec, RuntimeSpecError> {
        let bytes = std::fs::read(path)
            .map_err(|e| RuntimeSpecError(format!("{}: {e}", path.display())))?;
        RuntimeSpec::from_openapi(&bytes)
            .map_err(|e| RuntimeSpecError(format!("{}: {e}", path.display())))
    }

    /// The parameters of an imported structure that the bundled spec does not have (see
    /// [`RuntimeSpec::from_openapi`]).
    pub fn from_structure(structure: &StructureFile) -> Result<RuntimeSpec, RuntimeSpecError> {
        let spec = token_spec::bundled();
        let (Some(theirs), Some(ours)) = (
            release_date(&structure.api_version),
            release_date(&spec.api_version),
        ) else {
            return Err(RuntimeSpecError(format!(
                "the document's API version `{}` cannot be read",
                structure.api_version
            )));
        };
        if theirs < ours {
            return Err(RuntimeSpecError(format!(
                "the document is of Stripe API version {}, older than the spec this program was built with ({}): it would teach parameters Stripe has since removed; give a newer spec3.json",
                structure.api_version, spec.api_version
            )));
        }
        let mut out = RuntimeSpec {
            api_version: structure.api_version.clone(),
            source: structure.source.clone(),
            nodes: Vec::new(),
            roots: HashMap::new(),
        };
        let mut by_path: HashMap<&str, usize> = HashMap::new();
        for p in &structure.params {
            if spec.lookup(&p.path).is_some_and(|id| spec.is_current(id)) {
                continue;
            }
            let Some(segs) = token_spec::split_path(&p.path) else {
                continue;
            };
            let name = segs[segs.len() - 1].to_string();
            let parent_path = &p.path[..p.path.rfind('[').unwrap_or(0)];
            let learned = Learned {
                path: p.path.clone(),
                ty: p.ty,
                max_length: p.max_length,
                values: p.values.clone(),
                open: p.open || p.list,
                unset: p.unset,
                items: p.items.clone(),
                or_id: p.or_id.clone(),
                children: HashMap::new(),
            };
            let index = out.nodes.len();
            if segs.len() == 1 {
                out.roots
                    .entry(NodeId::ROOT.0)
                    .or_default()
                    .insert(name, index);
            } else if let Some(&parent) = by_path.get(parent_path) {
                out.nodes[parent].children.insert(name, index);
            } else {
                match spec.lookup(parent_path) {
                    Some(id)
                        if spec.is_current(id) && matches!(spec.node(id).ty, Ty::Object { .. }) =>
                    {
                        out.roots.entry(id.0).or_default().insert(name, index);
                    }
                    // Under a parameter the bundled spec has as something else: the bundled
                    // checks stand.
                    _ => continue,
                }
            }
            by_path.insert(&p.path, index);
            out.nodes.push(learned);
        }
        Ok(out)
    }

    /// The API version of the document.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Where the document comes from (as the importer reads it).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The paths of the parameters learned (the top-most: an object stands for its
    /// parameters), in the document's order.
    pub fn paths(&self) -> Vec<&str> {
        let mut roots: Vec<usize> = self
            .roots
            .values()
            .flat_map(|m| m.values().copied())
            .collect();
        roots.sort_unstable();
        roots.iter().map(|&i| self.nodes[i].path.as_str()).collect()
    }

    /// How many parameters were learned (objects and their parameters).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether nothing was learned (the document has nothing the bundled spec lacks).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The learned parameter `name` under the bundled spec's object `parent`.
    pub(crate) fn root(&self, parent: NodeId, name: &str) -> Option<usize> {
        self.roots.get(&parent.0)?.get(name).copied()
    }
}
