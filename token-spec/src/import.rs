//! The OpenAPI importer: Stripe's request schema for `POST /v1/tokens` → the structural part
//! of the spec ([`StructureFile`]).
//!
//! It reads a whole Stripe OpenAPI document (`openapi/spec3.json`, `latest/openapi.spec3.json`
//! or their YAML forms, see [`parse_document`]): it finds the operation and resolves `$ref`s
//! into `components/schemas`. It also reads an extract with the request schema under
//! `request` and its origin under `source` (`repo`, `path`, `commit`, `api_version`).
//!
//! It copies no descriptions: every parameter's `doc` is a link to its entry in Stripe's API
//! reference ([`link_doc`]); [`carry_docs`] then puts back the words we wrote for the
//! parameters a previous structure already had, and [`carry_since`] their `since` (a new
//! parameter's is the imported version).
//!
//! # Shapes
//!
//! Every public `spec3` since 2017 is read. The shapes of today's files map one to one:
//! objects, `T`-or-`""` unions (`unset`), object-or-id unions (`or_id`), string maps,
//! arrays of scalars, enums and `x-stripeBypassValidation` (`open`). Older files use shapes
//! the validators do not have; the importer keeps them as follows, and reports each place
//! as an [`ImportNote`]:
//!
//! - **Object unions** (2017–2018 `card`: the card's fields, Apple Pay, encrypted and swipe
//!   forms, plus the card's id): one object whose children are the union of the
//!   alternatives' children; a child is required only when every object alternative
//!   requires it; a child the alternatives define differently is itself read as the union
//!   of those definitions.
//! - **Lists of objects** (`account[legal_entity][additional_owners]`: in 2017 an object with
//!   the properties `0` to `30`, each the same owner object; in 2018 an owner object keyed by
//!   index or an array of them): an object with `list: true`, whose children are those of
//!   one element (`additional_owners[first_name]` stands for `additional_owners[0][first_name]`,
//!   `additional_owners[1][first_name]`, …).
//! - **Free-form objects** (`type: object` with neither `properties` nor
//!   `additionalProperties`: 2017–2018 `bank_account`, 2017 `card[metadata]`): an `open`
//!   object with no children.
//! - **Scalar unions of several types**: the most lenient reading, a string without limits
//!   (never stricter than Stripe); strings of several limits: the largest limit.
//!
//! Every old parameter keeps its path (`account[legal_entity][first_name]`) and its type and
//! limits as that version stated them, so that a structure imported from an old file says
//! what Stripe accepted under that API version.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{IdDef, ItemDef, ParamDef, StructureFile, TypeName};

/// Why an OpenAPI document could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportError {
    /// The JSON pointer of the place concerned (empty for the document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

fn err(pointer: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

/// A place where the importer kept an older or unusual shape in a form the spec can hold
/// (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportNote {
    /// The parameter's bracket path.
    pub path: String,
    /// What the document says there and how it was kept.
    pub message: String,
}

impl std::fmt::Display for ImportNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// An imported structure and the notes on the shapes kept along the way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Import {
    /// The structure.
    pub structure: StructureFile,
    /// The places where an older or unusual shape was kept (empty for today's files).
    pub notes: Vec<ImportNote>,
}

/// The most `$ref` hops followed from one schema before giving up (guards against cycles).
const MAX_REF_HOPS: usize = 32;
/// The deepest parameter nesting accepted.
const MAX_DEPTH: usize = 16;
/// The deepest nesting of a YAML document (as `serde_json`'s recursion limit for JSON).
#[cfg(feature = "yaml")]
const MAX_YAML_DEPTH: usize = 128;

/// Where the request schema of `POST /v1/tokens` is in a whole OpenAPI document.
const REQUEST_POINTER: &str =
    "/paths/~1v1~1tokens/post/requestBody/content/application~1x-www-form-urlencoded/schema";

/// Reads an OpenAPI document: JSON, or YAML (with the `yaml` feature) when the text does not
/// start with `{`. Stripe publishes both (`spec3.json`, `spec3.yaml`); the public history
/// has some versions only as YAML.
pub fn parse_document(bytes: &[u8]) -> Result<Value, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| err("", format!("not UTF-8 text: {e}")))?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| err("", format!("not JSON: {e}")));
    }
    parse_yaml(text)
}

#[cfg(not(feature = "yaml"))]
fn parse_yaml(_text: &str) -> Result<Value, ImportError> {
    Err(err(
        "",
        "not JSON (it does not start with `{`), and this build reads no YAML: enable token-spec's `yaml` feature",
    ))
}

/// YAML → JSON value, from the parser's events (no intermediate tree; nesting bounded).
/// Plain scalars are typed as YAML 1.2's core schema types them; keys become strings.
#[cfg(feature = "yaml")]
fn parse_yaml(text: &str) -> Result<Value, ImportError> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;
    use yaml_rust2::yaml::Yaml;

    enum Open {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let yaml_err = |m: yaml_rust2::scanner::Marker, msg: &str| {
        err(
            "",
            format!(
                "not YAML: {msg} at line {}, column {}",
                m.line(),
                m.col() + 1
            ),
        )
    };
    let scalar = |v: String, style: TScalarStyle| -> Value {
        if style != TScalarStyle::Plain {
            return Value::String(v);
        }
        match Yaml::from_str(&v) {
            Yaml::Integer(i) => Value::from(i),
            Yaml::Real(r) => r
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::String(r), Value::Number),
            Yaml::Boolean(b) => Value::Bool(b),
            Yaml::Null => Value::Null,
            _ => Value::String(v),
        }
    };
    // A key as JSON has it: a string (YAML allows any scalar).
    let key_of = |v: Value| match v {
        Value::String(s) => Ok(s),
        Value::Null => Ok("null".to_string()),
        Value::Bool(_) | Value::Number(_) => Ok(v.to_string()),
        _ => Err(()),
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| yaml_err(*e.marker(), e.info()))?;
        let value = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                continue;
            }
            Event::Alias(_) => {
                return Err(yaml_err(mark, "aliases (`*name`) are not supported"));
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(yaml_err(
                        mark,
                        &format!("nested more than {MAX_YAML_DEPTH} levels"),
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(Vec::new())
                } else {
                    Open::Map(Map::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items)) => Value::Array(items),
                Some(Open::Map(map, _)) => Value::Object(map),
                None => return Err(yaml_err(mark, "unbalanced collection end")),
            },
            Event::Scalar(v, style, _, _) => scalar(v, style),
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return Err(yaml_err(mark, "more than one document"));
                }
                root = Some(value);
            }
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(map, key)) => match key.take() {
                None => {
                    *key = Some(
                        key_of(value)
                            .map_err(|()| yaml_err(mark, "a mapping key must be a scalar"))?,
                    );
                }
                Some(k) => {
                    if map.insert(k.clone(), value).is_some() {
                        return Err(yaml_err(mark, &format!("duplicate key `{k}`")));
                    }
                }
            },
        }
    }
    root.ok_or_else(|| err("", "not YAML: the document is empty"))
}

/// Imports the structure from an OpenAPI document (whole spec or extract).
pub fn import_openapi(doc: &Value) -> Result<StructureFile, ImportError> {
    import(doc).map(|i| i.structure)
}

/// Imports the structure from an OpenAPI document (whole spec or extract), with the notes on
/// the older shapes kept (see the module documentation).
pub fn import(doc: &Value) -> Result<Import, ImportError> {
    let (request, pointer, version, source) = if let Some(req) =
        doc.get("request").filter(|v| v.is_object())
    {
        let src = doc.get("source");
        let version = src
            .and_then(|s| s.get("api_version"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let source = src
            .map(|s| {
                let field = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("?");
                format!("{} {} at {}", field("repo"), field("path"), field("commit"))
            })
            .unwrap_or_default();
        (req, "/request", version, source)
    } else {
        let req = doc.pointer(REQUEST_POINTER).ok_or_else(|| {
                err(
                    "",
                    "not a Stripe OpenAPI document: neither an extract with `request` nor a spec with `POST /v1/tokens` (form-encoded request body)",
                )
            })?;
        let version = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let file = doc
            .pointer("/info/x-stripeSpecFilename")
            .and_then(Value::as_str)
            .unwrap_or("spec3");
        (
            req,
            REQUEST_POINTER,
            version,
            format!("Stripe OpenAPI {file} {version}"),
        )
    };
    if version.is_empty() {
        return Err(err("", "the document does not say its API version"));
    }
    let mut imp = Importer {
        doc,
        out: Vec::new(),
        notes: Vec::new(),
    };
    let request = imp.resolve(request, pointer)?;
    let props = request
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| err(pointer, "the request schema has no `properties`"))?;
    let children = props
        .iter()
        .map(|(name, s)| (name.as_str(), vec![s]))
        .collect::<Vec<_>>();
    imp.children(&children, &required_of(request), "", pointer, 0)?;
    let mut structure = StructureFile {
        api_version: version.to_string(),
        source,
        params: imp.out,
    };
    // The kinds' pages: the top-level parameters that are objects.
    let kinds: Vec<String> = structure
        .params
        .iter()
        .filter(|p| p.ty == TypeName::Object && !p.path.contains('['))
        .map(|p| p.path.clone())
        .collect();
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    for p in &mut structure.params {
        p.doc = link_doc(&p.path, &kinds);
    }
    Ok(Import {
        structure,
        notes: imp.notes,
    })
}

/// The doc of a parameter we have no words for: `[Stripe API reference](URL)`.
pub fn link_doc(path: &str, kinds: &[&str]) -> String {
    format!("[Stripe API reference]({})", reference_link(path, kinds))
}

/// The address of a parameter's entry in Stripe's API reference.
///
/// Stripe's reference has one page per token kind, `https://docs.stripe.com/api/tokens/create_KIND`,
/// with an anchor per parameter made of the operation's id and the path's segments joined by
/// `-`: `card[networks][preferred]` → `…/create_card#create_card_token-card-networks-preferred`
/// (the form Stripe's own Android and iOS SDKs link to). A top-level parameter that is not a
/// kind (`customer`, `expand`) is listed on the card token's page. `kinds` are the top-level
/// parameters that have a page of their own.
pub fn reference_link(path: &str, kinds: &[&str]) -> String {
    let segs = crate::path::split_path(path).unwrap_or_else(|| vec![path]);
    let page = if kinds.contains(&segs[0]) {
        segs[0]
    } else {
        "card"
    };
    format!(
        "https://docs.stripe.com/api/tokens/create_{page}#create_{page}_token-{}",
        segs.join("-")
    )
}

/// Puts back the docs of `from` (the structure being replaced, with the words we wrote) on
/// the parameters of `into` that it has at the same path; the others keep what they have.
/// Returns how many docs were carried over.
pub fn carry_docs(into: &mut StructureFile, from: &StructureFile) -> usize {
    let docs: BTreeMap<&str, &str> = from
        .params
        .iter()
        .filter(|p| !p.doc.is_empty())
        .map(|p| (p.path.as_str(), p.doc.as_str()))
        .collect();
    let mut carried = 0;
    for p in &mut into.params {
        if let Some(doc) = docs.get(p.path.as_str()) {
            p.doc = (*doc).to_string();
            carried += 1;
        }
    }
    carried
}

/// Puts back the `since` of `from` (the structure being replaced) on the parameters of
/// `into` that it has at the same path, and gives the others the version being imported
/// (the first source we know that lists them). Returns how many were carried over.
pub fn carry_since(into: &mut StructureFile, from: &StructureFile) -> usize {
    let since: BTreeMap<&str, &str> = from
        .params
        .iter()
        .filter_map(|p| Some((p.path.as_str(), p.since.as_deref()?)))
        .collect();
    let mut carried = 0;
    for p in &mut into.params {
        match since.get(p.path.as_str()) {
            Some(s) => {
                p.since = Some((*s).to_string());
                carried += 1;
            }
            None => p.since = Some(into.api_version.clone()),
        }
    }
    carried
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn required_of(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn type_of(s: &Value) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or("")
}

fn is_empty_string_enum(s: &Value) -> bool {
    s.get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.len() == 1 && e[0] == "")
}

/// What one alternative of a union (or a plain schema) is.
enum Alt<'a> {
    /// `enum: [""]`: the value may be unset.
    Unset,
    /// An object with named children.
    Object(&'a Value),
    /// A list of objects: the element's schema.
    List(&'a Value),
    /// A string-keyed map of scalars.
    Map,
    /// An object whose children the document does not describe.
    Free,
    /// A string without enum (an object's id when beside an object).
    Str(&'a Value),
    /// Any other scalar or an array of scalars.
    Scalar(&'a Value),
}

struct Importer<'a> {
    doc: &'a Value,
    out: Vec<ParamDef>,
    notes: Vec<ImportNote>,
}

impl<'a> Importer<'a> {
    fn resolve(&self, mut s: &'a Value, pointer: &str) -> Result<&'a Value, ImportError> {
        for _ in 0..MAX_REF_HOPS {
            match s.get("$ref").and_then(Value::as_str) {
                None => return Ok(s),
                Some(r) => {
                    let target = r.strip_prefix('#').ok_or_else(|| {
                        err(
                            pointer,
                            format!("only local `$ref`s are supported, not `{r}`"),
                        )
                    })?;
                    s = self
                        .doc
                        .pointer(target)
                        .ok_or_else(|| err(pointer, format!("unresolved `$ref` `{r}`")))?;
                }
            }
        }
        Err(err(pointer, "`$ref` chain too long (a cycle?)"))
    }

    fn note(&mut self, path: &str, message: impl Into<String>) {
        self.notes.push(ImportNote {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The alternatives of a node: its schemas with `anyOf`s flattened and `$ref`s resolved.
    fn flatten(
        &self,
        schemas: &[&'a Value],
        pointer: &str,
        out: &mut Vec<&'a Value>,
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_DEPTH {
            return Err(err(pointer, "unions nested too deep"));
        }
        for s in schemas {
            let s = self.resolve(s, pointer)?;
            match s.get("anyOf").and_then(Value::as_array) {
                Some(alts) => {
                    let alts: Vec<&Value> = alts.iter().collect();
                    self.flatten(&alts, &format!("{pointer}/anyOf"), out, depth + 1)?;
                }
                None => out.push(s),
            }
        }
        Ok(())
    }

    fn classify(&self, s: &'a Value, pointer: &str) -> Result<Alt<'a>, ImportError> {
        if is_empty_string_enum(s) {
            return Ok(Alt::Unset);
        }
        Ok(match type_of(s) {
            "object" => {
                if let Some(props) = s.get("properties").and_then(Value::as_object) {
                    match self.indexed_element(props, pointer)? {
                        Some(element) => Alt::List(element),
                        None => Alt::Object(s),
                    }
                } else {
                    match s.get("additionalProperties") {
                        Some(ap) if ap.is_object() => {
                            let ap = self.resolve(ap, pointer)?;
                            if type_of(ap) == "object" || ap.get("properties").is_some() {
                                Alt::List(ap)
                            } else {
                                Alt::Map
                            }
                        }
                        Some(_) => Alt::Map,
                        None => Alt::Free,
                    }
                }
            }
            "array" => match s.get("items") {
                Some(items) => {
                    let items = self.resolve(items, pointer)?;
                    if type_of(items) == "object" || items.get("properties").is_some() {
                        Alt::List(items)
                    } else {
                        Alt::Scalar(s)
                    }
                }
                None => Alt::Scalar(s),
            },
            "string" if s.get("enum").is_none() => Alt::Str(s),
            _ => Alt::Scalar(s),
        })
    }

    /// Stripe's 2017 way of writing a list of objects: properties `0`, `1`, … `n`, each the
    /// same object. Returns the element's schema.
    fn indexed_element(
        &self,
        props: &'a Map<String, Value>,
        pointer: &str,
    ) -> Result<Option<&'a Value>, ImportError> {
        if props.is_empty() || !props.keys().all(|k| k.parse::<usize>().is_ok()) {
            return Ok(None);
        }
        let mut indices: Vec<usize> = props.keys().filter_map(|k| k.parse().ok()).collect();
        indices.sort_unstable();
        if indices.iter().enumerate().any(|(i, k)| i != *k) {
            return Ok(None);
        }
        let mut element = None;
        for s in props.values() {
            let s = self.resolve(s, pointer)?;
            match element {
                None => element = Some(s),
                Some(e) if e == s => {}
                Some(_) => return Ok(None),
            }
        }
        Ok(element.filter(|e| type_of(e) == "object"))
    }

    /// Imports the children of an object: each name with the schemas its alternatives give it.
    fn children(
        &mut self,
        children: &[(&'a str, Vec<&'a Value>)],
        required: &[&str],
        path: &str,
        pointer: &str,
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_DEPTH {
            return Err(err(pointer, "parameters nested too deep"));
        }
        for (name, schemas) in children {
            let ptr = format!("{pointer}/properties/{}", escape_pointer(name));
            self.param(
                schemas,
                &crate::path::join_path(path, name),
                required.contains(name),
                &ptr,
                depth + 1,
            )?;
        }
        Ok(())
    }

    /// The children of several object alternatives, merged: names in the order first seen,
    /// each with every definition the alternatives give it (equal ones once); required when
    /// every alternative requires it.
    #[allow(clippy::type_complexity)]
    fn merged_children(objects: &[&'a Value]) -> (Vec<(&'a str, Vec<&'a Value>)>, Vec<&'a str>) {
        let mut children: Vec<(&'a str, Vec<&'a Value>)> = Vec::new();
        for o in objects {
            for (name, s) in o
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                match children.iter_mut().find(|(n, _)| n == name) {
                    Some((_, defs)) => {
                        if !defs.contains(&s) {
                            defs.push(s);
                        }
                    }
                    None => children.push((name.as_str(), vec![s])),
                }
            }
        }
        let required = children
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| objects.iter().all(|o| required_of(o).contains(n)))
            .collect();
        (children, required)
    }

    fn param(
        &mut self,
        schemas: &[&'a Value],
        path: &str,
        required: bool,
        pointer: &str,
        depth: usize,
    ) -> Result<(), ImportError> {
        let mut flat = Vec::new();
        self.flatten(schemas, pointer, &mut flat, 0)?;
        // `x-stripeBypassValidation` on the node or on one of its alternatives.
        let bypass = schemas
            .iter()
            .map(|s| self.resolve(s, pointer))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .chain(flat.iter().copied())
            .any(|s| {
                s.get("x-stripeBypassValidation")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            });
        let mut def = ParamDef {
            path: path.to_string(),
            ty: TypeName::String,
            required,
            unset: false,
            max_length: None,
            format: None,
            values: Vec::new(),
            open: false,
            items: None,
            or_id: None,
            list: false,
            doc: String::new(),
            since: None,
            source: String::new(),
            inferred: Vec::new(),
        };
        let (mut objects, mut lists, mut strs, mut scalars) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut maps, mut free) = (0, 0);
        for s in &flat {
            match self.classify(s, pointer)? {
                Alt::Unset => def.unset = true,
                Alt::Object(o) => objects.push(o),
                Alt::List(e) => lists.push(e),
                Alt::Map => maps += 1,
                Alt::Free => free += 1,
                Alt::Str(s) => strs.push(s),
                Alt::Scalar(s) => scalars.push(s),
            }
        }
        let structured = objects.len() + lists.len() + maps + free;
        if structured > 0 {
            // An object (or list, map) with perhaps an id form beside it.
            if let Some(id) = strs.first() {
                def.or_id = Some(IdDef {
                    max_length: id.get("maxLength").and_then(Value::as_u64),
                });
            }
            if strs.len() > 1 || !scalars.is_empty() {
                self.note(
                    path,
                    "beside its object form, a union of several scalar forms: only the id form (a string) is kept",
                );
            }
            if maps > 0 && objects.is_empty() && lists.is_empty() && free == 0 {
                def.ty = TypeName::Map;
                if def.or_id.take().is_some() {
                    self.note(path, "a map or an id: kept as a map");
                }
                self.out.push(def);
                return Ok(());
            }
            def.ty = TypeName::Object;
            def.open = bypass;
            let elements: Vec<&Value> = if lists.is_empty() {
                objects.clone()
            } else {
                lists.clone()
            };
            if !lists.is_empty() {
                def.list = true;
                self.note(
                    path,
                    "a list of objects (indexed properties, an index-keyed map or an array): kept as `list: true` with one element's parameters",
                );
                if !objects.is_empty() {
                    self.note(path, "a list or a single object: kept as the list");
                }
            } else if objects.len() > 1 {
                self.note(
                    path,
                    format!(
                        "a union of {} object forms: kept as one object with the union of their parameters, required only where every form requires them",
                        objects.len()
                    ),
                );
            }
            if free > 0 || maps > 0 {
                if elements.is_empty() {
                    self.note(
                        path,
                        "an object whose parameters the document does not describe: kept as an open object with none",
                    );
                } else {
                    self.note(
                        path,
                        "an object form beside a free-form one: kept open with the described parameters",
                    );
                }
                def.open = true;
            }
            self.out.push(def);
            let (children, required) = Self::merged_children(&elements);
            return self.children(&children, &required, path, pointer, depth);
        }
        let leaves: Vec<&Value> = strs.iter().chain(&scalars).copied().collect();
        let body = match leaves.as_slice() {
            [] => {
                self.note(path, "no type: kept as a string without limits (any value)");
                self.out.push(def);
                return Ok(());
            }
            [one] => *one,
            several => match self.scalar_union(several, path) {
                Some(merged) => {
                    def.max_length = merged;
                    self.out.push(def);
                    return Ok(());
                }
                None => several[0],
            },
        };
        match type_of(body) {
            "array" => {
                def.ty = TypeName::Array;
                def.items =
                    Some(self.item(body.get("items"), path, &format!("{pointer}/items"))?);
            }
            "string" => {
                def.max_length = body.get("maxLength").and_then(Value::as_u64);
                def.format = body.get("format").and_then(Value::as_str).map(String::from);
                if let Some(values) = body.get("enum").and_then(Value::as_array) {
                    def.ty = TypeName::Enum;
                    for v in values.iter().filter_map(Value::as_str) {
                        if v.is_empty() {
                            def.unset = true;
                        } else if !def.values.iter().any(|have| have == v) {
                            def.values.push(v.to_string());
                        }
                    }
                    def.open = bypass;
                    if def.values.is_empty() {
                        // `enum: [""]` only, with a maxLength: the value may only be unset.
                        def.ty = TypeName::String;
                    }
                }
            }
            "integer" => {
                def.ty = TypeName::Integer;
                def.format = body.get("format").and_then(Value::as_str).map(String::from);
            }
            "number" => def.ty = TypeName::Number,
            "boolean" => def.ty = TypeName::Boolean,
            other => {
                self.note(
                    path,
                    format!("type `{other}`: kept as a string without limits (any value)"),
                );
            }
        }
        self.out.push(def);
        Ok(())
    }

    /// Several scalar forms of one parameter. Strings (no enum) of several limits: `Some`
    /// with the largest limit (`None` inside: no limit). Forms of the same type and limits
    /// in another order: `None`, the first is read. Anything else: a string without limits,
    /// with a note.
    fn scalar_union(&mut self, forms: &[&Value], path: &str) -> Option<Option<u64>> {
        if forms.iter().all(|f| *f == forms[0]) {
            return None;
        }
        let strings = forms
            .iter()
            .all(|f| type_of(f) == "string" && f.get("enum").is_none());
        if !strings {
            let types: Vec<&str> = forms.iter().map(|f| type_of(f)).collect();
            self.note(
                path,
                format!(
                    "a union of {}: kept as a string without limits (any value)",
                    types.join(", ")
                ),
            );
            return Some(None);
        }
        let limits: Option<Vec<u64>> = forms
            .iter()
            .map(|f| f.get("maxLength").and_then(Value::as_u64))
            .collect();
        Some(limits.and_then(|l| l.into_iter().max()))
    }

    fn item(
        &mut self,
        items: Option<&'a Value>,
        path: &str,
        pointer: &str,
    ) -> Result<ItemDef, ImportError> {
        let mut def = ItemDef {
            ty: TypeName::String,
            max_length: None,
            values: Vec::new(),
            unset: false,
        };
        let Some(items) = items else {
            self.note(path, "an array without `items`: items kept as strings");
            return Ok(def);
        };
        let mut flat = Vec::new();
        self.flatten(&[items], pointer, &mut flat, 0)?;
        let main: Vec<&Value> = flat
            .iter()
            .copied()
            .filter(|a| !is_empty_string_enum(a))
            .collect();
        def.unset = main.len() < flat.len();
        let body = match main.as_slice() {
            [one] => *one,
            _ => {
                self.note(
                    path,
                    "array items of several forms: kept as strings without limits",
                );
                return Ok(def);
            }
        };
        match type_of(body) {
            "string" => {
                if let Some(values) = body.get("enum").and_then(Value::as_array) {
                    def.ty = TypeName::Enum;
                    def.values = values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect();
                } else {
                    def.max_length = body.get("maxLength").and_then(Value::as_u64);
                }
            }
            "integer" => def.ty = TypeName::Integer,
            "number" => def.ty = TypeName::Number,
            "boolean" => def.ty = TypeName::Boolean,
            other => {
                self.note(
                    path,
                    format!("array items of type `{other}`: kept as strings"),
                );
            }
        }
        Ok(def)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A whole-spec document whose token request is `request`, with `schemas`.
    fn spec(request: Value, schemas: Value) -> Value {
        json!({
            "info": {"version": "2099-01-01.test"},
            "paths": {"/v1/tokens": {"post": {"requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": request}}}}}},
            "components": {"schemas": schemas}
        })
    }

    fn find<'a>(s: &'a StructureFile, path: &str) -> &'a ParamDef {
        s.params.iter().find(|p| p.path == path).unwrap()
    }

    #[test]
    fn rejects_non_stripe_documents() {
        let e = import_openapi(&json!({"openapi": "3.0.0"})).unwrap_err();
        assert!(e.message.contains("not a Stripe OpenAPI document"));
        let e = import_openapi(
            &json!({"paths": {"/v1/tokens": {"post": {"requestBody": {"content": {
            "application/x-www-form-urlencoded": {"schema": {"properties": {}}}}}}}}}),
        )
        .unwrap_err();
        assert!(e.message.contains("API version"), "{e}");
    }

    #[test]
    fn resolves_refs_in_a_whole_spec() {
        let doc = spec(
            json!({"$ref": "#/components/schemas/req"}),
            json!({
                "req": {"type": "object", "properties": {"pii": {"$ref": "#/components/schemas/pii"}}},
                "pii": {"type": "object", "required": ["id_number"],
                        "properties": {"id_number": {"type": "string", "maxLength": 5000,
                                                     "description": "Stripe's words."}}}
            }),
        );
        let s = import_openapi(&doc).unwrap();
        assert_eq!(s.api_version, "2099-01-01.test");
        assert_eq!(s.source, "Stripe OpenAPI spec3 2099-01-01.test");
        assert_eq!(s.params.len(), 2);
        assert!(s.params[1].required);
        assert_eq!(s.params[1].max_length, Some(5000));
        // No description is copied: the doc is the link to Stripe's reference.
        assert_eq!(
            s.params[1].doc,
            "[Stripe API reference](https://docs.stripe.com/api/tokens/create_pii#create_pii_token-pii-id_number)"
        );
    }

    #[test]
    fn ref_cycles_end() {
        let doc = spec(
            json!({"$ref": "#/components/schemas/a"}),
            json!({"a": {"$ref": "#/components/schemas/a"}}),
        );
        assert!(import_openapi(&doc).unwrap_err().message.contains("cycle"));
    }

    #[test]
    fn links_follow_stripe_anchors() {
        let kinds = ["card", "person"];
        assert_eq!(
            reference_link("person[dob][day]", &kinds),
            "https://docs.stripe.com/api/tokens/create_person#create_person_token-person-dob-day"
        );
        // A top-level parameter that is no kind is on the card token's page.
        assert_eq!(
            reference_link("customer", &kinds),
            "https://docs.stripe.com/api/tokens/create_card#create_card_token-customer"
        );
    }

    #[test]
    fn carry_docs_keeps_our_words_where_the_path_stays() {
        let mut new = import_openapi(&spec(
            json!({"type": "object", "properties": {
                "card": {"type": "object", "properties": {"cvc": {"type": "string"}, "zip": {"type": "string"}}}}}),
            json!({}),
        ))
        .unwrap();
        let mut old = new.clone();
        old.params.retain(|p| p.path != "card[zip]");
        old.params[1].doc = "Our words.".into();
        assert_eq!(carry_docs(&mut new, &old), 2);
        assert_eq!(new.params[1].doc, "Our words.");
        assert!(new.params[2].doc.starts_with("[Stripe API reference]("));
    }

    #[test]
    fn older_shapes_are_kept() {
        let owner = json!({"type": "object", "required": ["first_name"],
                           "properties": {"first_name": {"type": "string", "maxLength": 100}}});
        let doc = spec(
            json!({"type": "object", "properties": {
                // 2017: a list as indexed properties.
                "a": {"type": "object", "properties": {"0": owner, "1": owner}},
                // 2018: an index-keyed map or an array.
                "b": {"anyOf": [{"type": "object", "additionalProperties": owner},
                                {"type": "array", "items": owner}]},
                // Several object forms and an id.
                "card": {"anyOf": [
                    {"type": "object", "required": ["pk_token"], "properties": {"pk_token": {"type": "string"}, "name": {"type": "string", "maxLength": 10}}},
                    {"type": "object", "required": ["number"], "properties": {"number": {"type": "string"}, "name": {"type": "string", "maxLength": 20}}},
                    {"type": "string", "maxLength": 5000}]},
                // Free-form or id.
                "bank_account": {"anyOf": [{"type": "object"}, {"type": "string"}]},
                // Two scalar types.
                "mixed": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]}
            }}),
            json!({}),
        );
        let imp = import(&doc).unwrap();
        let s = &imp.structure;
        for list in ["a", "b"] {
            let p = find(s, list);
            assert!(p.list && p.ty == TypeName::Object, "{p:?}");
            let name = find(s, &format!("{list}[first_name]"));
            assert!(name.required && name.max_length == Some(100));
        }
        let card = find(s, "card");
        assert_eq!(
            card.or_id,
            Some(IdDef {
                max_length: Some(5000)
            })
        );
        assert!(!find(s, "card[pk_token]").required && !find(s, "card[number]").required);
        // Defined twice with two limits: the larger.
        assert_eq!(find(s, "card[name]").max_length, Some(20));
        let bank = find(s, "bank_account");
        assert!(bank.open && bank.or_id.is_some());
        let mixed = find(s, "mixed");
        assert_eq!((mixed.ty, mixed.max_length), (TypeName::String, None));
        let noted: Vec<&str> = imp.notes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(noted, ["a", "b", "bank_account", "card", "mixed"]);
    }

    #[test]
    fn documents_are_json_or_yaml() {
        assert_eq!(parse_document(b" {\"a\": 1}").unwrap(), json!({"a": 1}));
        let e = parse_document(b"{\"a\": ").unwrap_err();
        assert!(e.message.starts_with("not JSON"), "{e}");
        assert!(
            parse_document(&[0xff, 0xfe])
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
    }

    #[cfg(feature = "yaml")]
    #[test]
    fn yaml_reads_as_json_would() {
        let yaml = "info:\n  version: 2023-08-16\nenum:\n  - ''\n  - on\n  - no\nmax: 5000\n'200': {a: [1.5, true, null]}\n";
        assert_eq!(
            parse_document(yaml.as_bytes()).unwrap(),
            json!({"info": {"version": "2023-08-16"}, "enum": ["", "on", "no"], "max": 5000,
                   "200": {"a": [1.5, true, null]}})
        );
        for (bad, why) in [
            ("a: &x 1\nb: *x\n", "aliases"),
            ("a: 1\na: 2\n", "duplicate key"),
            ("a: [1\n", "not YAML"),
            ("", "empty"),
        ] {
            let e = parse_document(bad.as_bytes()).unwrap_err();
            assert!(e.message.contains(why), "{bad:?}: {e}");
        }
        let deep = "[".repeat(100_000);
        assert!(
            parse_document(deep.as_bytes())
                .unwrap_err()
                .message
                .contains("not YAML")
        );
    }
}
