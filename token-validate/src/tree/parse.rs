//! Reading bodies into trees: a form body with the validators' tokenizer, the parameters a
//! typed value writes, and a JSON body.

use std::borrow::Cow;

use super::insert::{BObj, KeySeg, Step, finish_obj, insert_pair};
use super::value::{Object, Origin, Scalar, Value};
use crate::engine::form;
use crate::options::Limits;
use crate::param::ParamSink;
use crate::parse_error::{ParseError, ParseErrorKind};

/// `BodyTooLarge`, at the limit's offset, for a body over `limits.max_body_bytes`.
fn within_body_limit(body: &[u8], limits: &Limits) -> Result<(), ParseError> {
    let limit = limits.max_body_bytes;
    if body.len() > limit {
        return Err(ParseError::new(
            ParseErrorKind::BodyTooLarge { limit },
            limit,
            None,
        ));
    }
    Ok(())
}

/// Parses an `application/x-www-form-urlencoded` body in Stripe's bracket notation into a
/// tree: a segment made only of ASCII digits is an array index, `[]` pushes, anything else
/// is an object key; except that under a parameter the bundled spec declares a map
/// (`person[metadata]`), every segment is a key, as the validators read it
/// (`person[metadata][2024]=x` is the key `2024`). Nothing else of the spec is used: unknown
/// parameters are kept, and nothing is validated.
///
/// The same scanner as the validators' (strict percent-decoding, the same limits and the
/// same body errors at the same offsets, as the validators' form reader); conflicts between keys
/// (`a=1&a[b]=2`, `a[0]=x&a[b]=y`, a value given twice, array indexes with a gap) are body
/// errors here too.
pub fn parse_form(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    let limits = &limits.in_force();
    within_body_limit(body, limits)?;
    if let Some(at) = form::json_as_form(body) {
        return Err(ParseError::new(ParseErrorKind::JsonAsForm, at, None));
    }
    let mut root = BObj::default();
    let mut sc = crate::scan::form::Scanner::new(body);
    let mut params = 0;
    while let Some(pair) = sc.next_pair() {
        let key = pair.key(&mut [])?;
        let mut segs = crate::scan::form::Segs::new();
        key.segments(limits.depth(), &mut segs)?;
        let segs = key_segs(&segs, key.as_str(), limits)?;
        let text = pair.value(&key, &mut [])?;
        if params >= limits.max_params {
            return Err(ParseError::new(
                ParseErrorKind::TooManyParams {
                    limit: limits.max_params,
                },
                pair.start,
                Some(key.as_str().to_string()),
            ));
        }
        params += 1;
        let leaf = Scalar {
            text: text.as_str().to_string(),
            span: pair.value_at..pair.value_at + pair.value.len(),
            origin: Origin::Form,
        };
        insert_pair(&mut root, &segs, leaf, pair.start, limits)?;
    }
    finish_obj(root, &mut Vec::new())
}

fn key_segs<'k>(
    segs: &[crate::scan::form::Seg<'k, '_>],
    key: &str,
    limits: &Limits,
) -> Result<Vec<KeySeg<'k>>, ParseError> {
    let mut walk = token_spec::bundled().walk();
    segs.iter()
        .enumerate()
        .map(|(i, s)| {
            let span = s.raw.0 as usize..s.raw.1 as usize;
            // The walk steps over every segment; the first is always a name.
            let seg = if walk.next_is_map_key(s.text) || i == 0 {
                Step::Name(s.text)
            } else if s.text.is_empty() {
                Step::Push
            } else if s.text.bytes().all(|c| c.is_ascii_digit()) {
                match s.text.parse::<usize>() {
                    Ok(n) if n < limits.max_array_len => Step::Index(n),
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::ArrayIndexTooLarge {
                                limit: limits.max_array_len,
                            },
                            s.at as usize,
                            Some(key.to_string()),
                        ));
                    }
                }
            } else {
                Step::Name(s.text)
            };
            Ok(KeySeg { seg, span })
        })
        .collect()
}

/// Builds a tree from the parameters a value writes (`TokenRequest::to_body`): segments
/// made of digits are array indexes, but under a map of the spec (see [`parse_form`]).
#[derive(Default)]
pub(crate) struct TreeBuilder {
    root: BObj,
    failed: bool,
}

impl TreeBuilder {
    /// The tree (empty if the parameters conflicted, which typed values cannot do).
    pub(crate) fn finish(self) -> Object {
        if self.failed {
            return Object::new();
        }
        finish_obj(self.root, &mut Vec::new()).unwrap_or_default()
    }
}

impl<'a> ParamSink<'a> for TreeBuilder {
    fn pair(&mut self, path: &[Cow<'a, str>], value: Cow<'a, str>) {
        let limits = Limits {
            max_array_len: usize::MAX,
            max_params: usize::MAX,
            ..Limits::default()
        };
        let mut walk = token_spec::bundled().walk();
        let segs: Vec<KeySeg<'_>> = path
            .iter()
            .enumerate()
            .map(|(i, s)| KeySeg {
                // The walk steps over every segment; the first is always a name.
                seg: if walk.next_is_map_key(s) || i == 0 {
                    Step::Name(s)
                } else if s.is_empty() {
                    Step::Push
                } else {
                    match s.parse::<usize>() {
                        Ok(n) if s.bytes().all(|c| c.is_ascii_digit()) => Step::Index(n),
                        _ => Step::Name(s),
                    }
                },
                span: 0..0,
            })
            .collect();
        if segs.is_empty()
            || insert_pair(
                &mut self.root,
                &segs,
                Scalar::new(value.into_owned()),
                0,
                &limits,
            )
            .is_err()
        {
            self.failed = true;
        }
    }
}

/// Parses a JSON body into a tree, knowing nothing of Stripe's parameters: objects are
/// objects, arrays arrays, and strings, numbers and booleans become [`Scalar`]s of their
/// text (numbers as the body has them: `1.10` stays `1.10`). The top level must be an object; `null` and
/// bodies over [`Limits::max_body_bytes`] are refused. For code that wants to look at a JSON
/// body generically: the validators read JSON directly ([`crate::validate_json`]).
pub fn parse_json(body: &[u8], limits: &Limits) -> Result<Object, ParseError> {
    let limits = &limits.in_force();
    within_body_limit(body, limits)?;
    let node: JsonNode = serde_json::from_slice(body).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let msg = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        ParseError::new(ParseErrorKind::Json(msg), 0, None)
    })?;
    match node.0 {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ParseError::new(ParseErrorKind::JsonNotObject, 0, None)),
        Err(kind) => Err(ParseError::new(kind, 0, None)),
    }
}

/// One JSON value read into the tree, as the body has it: a number keeps its exact text
/// (`0.0000001`, `1.10`, an integer of any length), as the validators read it
/// ([`crate::engine::json`]); objects keep their keys in first-seen order. `null` anywhere is an
/// error, kept here and returned once the whole value is read.
struct JsonNode(Result<Value, ParseErrorKind>);

impl<'de> serde::Deserialize<'de> for JsonNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw: &'de serde_json::value::RawValue = serde::Deserialize::deserialize(d)?;
        let text = raw.get();
        let scalar = |text: String, origin| {
            Ok(Value::Scalar(Scalar {
                text,
                span: 0..0,
                origin,
            }))
        };
        let value = match text.as_bytes().first() {
            // Read again from its own text (it is valid JSON: serde_json just checked it).
            Some(b'{') | Some(b'[') => serde::Deserializer::deserialize_any(
                &mut serde_json::Deserializer::from_str(text),
                Containers,
            )
            .map_err(D::Error::custom)?,
            Some(b'"') => scalar(
                serde_json::from_str(text).map_err(D::Error::custom)?,
                Origin::JsonString,
            ),
            Some(b't') | Some(b'f') => scalar(text.to_string(), Origin::JsonBool),
            Some(b'n') => Err(ParseErrorKind::JsonNull),
            _ => scalar(text.to_string(), Origin::JsonNumber),
        };
        Ok(JsonNode(value))
    }
}

/// The objects and arrays of [`JsonNode`].
struct Containers;

impl<'de> serde::de::Visitor<'de> for Containers {
    type Value = Result<Value, ParseErrorKind>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object or an array")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut o = Object::new();
        let mut failed = None;
        while let Some(key) = map.next_key::<String>()? {
            match map.next_value::<JsonNode>()?.0 {
                Ok(v) => o.insert(key, v),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        Ok(failed.map_or(Ok(Value::Object(o)), Err))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut failed = None;
        while let Some(item) = seq.next_element::<JsonNode>()? {
            match item.0 {
                Ok(v) => items.push(v),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        Ok(failed.map_or(Ok(Value::Array(items)), Err))
    }
}
