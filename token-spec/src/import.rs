//! The OpenAPI importer: Stripe's request schema for `POST /v1/tokens` → the structural part
//! of the spec ([`StructureFile`]).
//!
//! It reads either a whole `spec3.json` (it finds the operation and resolves `$ref`s into
//! `components/schemas`) or an extract in the format of the project's `tests/data/`
//! (`request`, and `request_sdk` for nested descriptions).

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

/// The most `$ref` hops followed from one schema before giving up (guards against cycles).
const MAX_REF_HOPS: usize = 32;
/// The deepest parameter nesting accepted.
const MAX_DEPTH: usize = 16;

struct Importer<'a> {
    doc: &'a Value,
    out: Vec<ParamDef>,
}

/// Imports the structure from an OpenAPI document (whole `spec3.json` or an extract).
pub fn import_openapi(doc: &Value) -> Result<StructureFile, ImportError> {
    let (request, sdk, pointer, version, source) = if let Some(req) =
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
        (
            req,
            doc.get("request_sdk"),
            "/request".to_string(),
            version,
            source,
        )
    } else {
        let pointer = "/paths/~1v1~1tokens/post/requestBody/content/application~1x-www-form-urlencoded/schema";
        let req = doc.pointer(pointer).ok_or_else(|| {
                err(
                    "",
                    "not a Stripe OpenAPI document: neither an extract with `request` nor a spec with `POST /v1/tokens` (form-encoded request body)",
                )
            })?;
        let version = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        (
            req,
            None,
            pointer.to_string(),
            version,
            "spec3.json".to_string(),
        )
    };
    if version.is_empty() {
        return Err(err("", "the document does not say its API version"));
    }
    let mut imp = Importer {
        doc,
        out: Vec::new(),
    };
    let request = imp.resolve(request, &pointer)?;
    let sdk = match sdk {
        Some(s) => Some(imp.resolve(s, "/request_sdk")?),
        None => None,
    };
    let props = request
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| err(&pointer, "the request schema has no `properties`"))?;
    imp.object_children(props, request, sdk, "", &pointer, 0)?;
    Ok(StructureFile {
        api_version: version.to_string(),
        source,
        params: imp.out,
    })
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// One line of documentation out of an OpenAPI description: HTML tags and Markdown links
/// removed, white space folded, cut after the first sentence.
pub fn one_line(desc: &str) -> String {
    let mut text = String::with_capacity(desc.len());
    let mut in_tag = false;
    for c in desc.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    // [label](url) → label
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        }) {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = folded
        .match_indices(". ")
        .next()
        .map(|(i, _)| &folded[..=i])
        .unwrap_or(&folded);
    cut.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn is_empty_string_enum(s: &Value) -> bool {
    s.get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.len() == 1 && e[0] == "")
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

    fn object_children(
        &mut self,
        props: &'a Map<String, Value>,
        schema: &'a Value,
        sdk: Option<&'a Value>,
        path: &str,
        pointer: &str,
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_DEPTH {
            return Err(err(pointer, "parameters nested too deep"));
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, child) in props {
            let sdk_child = sdk
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(name));
            let ptr = format!("{pointer}/properties/{}", escape_pointer(name));
            self.param(
                child,
                sdk_child,
                &crate::join_path(path, name),
                required.contains(&name.as_str()),
                &ptr,
                depth + 1,
            )?;
        }
        Ok(())
    }

    fn param(
        &mut self,
        schema: &'a Value,
        sdk: Option<&'a Value>,
        path: &str,
        required: bool,
        pointer: &str,
        depth: usize,
    ) -> Result<(), ImportError> {
        let schema = self.resolve(schema, pointer)?;
        let sdk = match sdk {
            Some(s) => Some(self.resolve(s, pointer)?),
            None => None,
        };
        let doc = sdk
            .and_then(|s| s.get("description"))
            .or_else(|| schema.get("description"))
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        let bypass = schema
            .get("x-stripeBypassValidation")
            .and_then(Value::as_bool)
            .unwrap_or(false);
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
            doc,
        };
        // Unions: value-or-"" and object-or-id.
        let mut body = schema;
        let mut body_sdk = sdk;
        if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
            let mut main = Vec::new();
            for (i, a) in alts.iter().enumerate() {
                let a = self.resolve(a, &format!("{pointer}/anyOf/{i}"))?;
                if is_empty_string_enum(a) {
                    def.unset = true;
                } else {
                    main.push((i, a));
                }
            }
            let sdk_alt = |i: usize| {
                sdk.and_then(|s| s.get("anyOf"))
                    .and_then(Value::as_array)
                    .and_then(|a| a.get(i))
            };
            match main.as_slice() {
                [(i, one)] => {
                    body = one;
                    body_sdk = sdk_alt(*i);
                }
                [(i, obj), (_, id)] | [(_, id), (i, obj)]
                    if obj.get("type") == Some(&Value::from("object"))
                        && id.get("type") == Some(&Value::from("string")) =>
                {
                    body = obj;
                    body_sdk = sdk_alt(*i);
                    def.or_id = Some(IdDef {
                        max_length: id.get("maxLength").and_then(Value::as_u64),
                    });
                }
                _ => {
                    return Err(err(
                        pointer,
                        format!("unsupported union at `{path}`: only T-or-\"\" and object-or-id"),
                    ));
                }
            }
        }
        let ty = body.get("type").and_then(Value::as_str).unwrap_or("");
        match ty {
            "object" => {
                if let Some(props) = body.get("properties").and_then(Value::as_object) {
                    def.ty = TypeName::Object;
                    def.open = bypass;
                    self.out.push(def);
                    return self.object_children(props, body, body_sdk, path, pointer, depth);
                }
                if body.get("additionalProperties").is_some() {
                    def.ty = TypeName::Map;
                } else {
                    return Err(err(pointer, format!("object `{path}` has no properties")));
                }
            }
            "array" => {
                let items = body
                    .get("items")
                    .ok_or_else(|| err(pointer, format!("array `{path}` has no items")))?;
                def.ty = TypeName::Array;
                def.items = Some(self.item(items, path, &format!("{pointer}/items"))?);
            }
            "string" => {
                def.max_length = body.get("maxLength").and_then(Value::as_u64);
                def.format = body.get("format").and_then(Value::as_str).map(String::from);
                if let Some(values) = body.get("enum").and_then(Value::as_array) {
                    def.ty = TypeName::Enum;
                    for v in values.iter().filter_map(Value::as_str) {
                        if v.is_empty() {
                            def.unset = true;
                        } else {
                            def.values.push(v.to_string());
                        }
                    }
                    def.open = bypass;
                }
            }
            "integer" => {
                def.ty = TypeName::Integer;
                def.format = body.get("format").and_then(Value::as_str).map(String::from);
            }
            "number" => def.ty = TypeName::Number,
            "boolean" => def.ty = TypeName::Boolean,
            other => {
                return Err(err(
                    pointer,
                    format!("unsupported type `{other}` at `{path}`"),
                ));
            }
        }
        self.out.push(def);
        Ok(())
    }

    fn item(&self, items: &'a Value, path: &str, pointer: &str) -> Result<ItemDef, ImportError> {
        let items = self.resolve(items, pointer)?;
        let mut unset = false;
        let mut body = items;
        if let Some(alts) = items.get("anyOf").and_then(Value::as_array) {
            let main: Vec<&Value> = alts.iter().filter(|a| !is_empty_string_enum(a)).collect();
            unset = main.len() < alts.len();
            match main.as_slice() {
                [one] => body = self.resolve(one, pointer)?,
                _ => return Err(err(pointer, format!("unsupported item union at `{path}`"))),
            }
        }
        let mut def = ItemDef {
            ty: TypeName::String,
            max_length: None,
            values: Vec::new(),
            unset,
        };
        match body.get("type").and_then(Value::as_str).unwrap_or("") {
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
                return Err(err(
                    pointer,
                    format!("unsupported array item type `{other}` at `{path}`"),
                ));
            }
        }
        Ok(def)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_strips_markup() {
        assert_eq!(
            one_line("The <code>id</code> of the [card](https://x). More text."),
            "The id of the card."
        );
        assert_eq!(one_line("  a\n b "), "a b");
    }

    #[test]
    fn rejects_non_stripe_documents() {
        let e = import_openapi(&serde_json::json!({"openapi": "3.0.0"})).unwrap_err();
        assert!(e.message.contains("not a Stripe OpenAPI document"));
    }

    #[test]
    fn resolves_refs_in_a_whole_spec() {
        let doc = serde_json::json!({
            "info": {"version": "2099-01-01.test"},
            "paths": {"/v1/tokens": {"post": {"requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/req"}}}}}}},
            "components": {"schemas": {
                "req": {"type": "object", "properties": {"pii": {"$ref": "#/components/schemas/pii"}}},
                "pii": {"type": "object", "required": ["id_number"],
                        "properties": {"id_number": {"type": "string", "maxLength": 5000}}}
            }}
        });
        let s = import_openapi(&doc).unwrap();
        assert_eq!(s.api_version, "2099-01-01.test");
        assert_eq!(s.params.len(), 2);
        assert!(s.params[1].required);
        assert_eq!(s.params[1].max_length, Some(5000));
    }

    #[test]
    fn ref_cycles_end() {
        let doc = serde_json::json!({
            "info": {"version": "x"},
            "paths": {"/v1/tokens": {"post": {"requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/a"}}}}}}},
            "components": {"schemas": {"a": {"$ref": "#/components/schemas/a"}}}
        });
        assert!(import_openapi(&doc).unwrap_err().message.contains("cycle"));
    }
}
