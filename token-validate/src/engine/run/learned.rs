//! The parameters learned from a newer Stripe OpenAPI document: judged as it states them.

use std::borrow::Cow;

use token_spec::model::TypeName;
use token_spec::{Generic, NodeId};

use crate::error::{Fill, Phase};
use crate::rules::grammar::{is_blank, is_decimal, parse_integer, too_long};
use crate::runtime_spec::RuntimeSpec;
use crate::scan::form::Seg;

use super::record::{LearnTarget, Run, spec, values_text};

impl<'a> Run<'a> {
    /// The learned parameter `name` under the object `parent`, if the run has a runtime
    /// spec that has it: noted as used.
    pub(crate) fn learned_root(
        &mut self,
        parent: NodeId,
        name: &str,
    ) -> Option<(&'a RuntimeSpec, usize)> {
        let rt = self.runtime?;
        let i = rt.root(parent, name)?;
        self.unknown_met += 1;
        let path = &rt.nodes[i].path;
        if !self.runtime_used.iter().any(|p| p == path) {
            self.runtime_used.push(path.clone());
        }
        Some((rt, i))
    }

    /// A form pair the object `parent` does not know, `name` then `rest`: a parameter of
    /// the runtime spec, checked as the document states it; else an unknown parameter
    /// (refused, or let through before a gate, see [`Run::unknown_gated`]).
    pub fn unknown_form(
        &mut self,
        parent: NodeId,
        name: &str,
        rest: &[Seg<'_, '_>],
        value: &str,
        gate: Option<usize>,
    ) {
        let Some((rt, i)) = self.learned_root(parent, name) else {
            return self.unknown_gated(parent, name, gate);
        };
        let mut path = rt.nodes[i].path.clone();
        let mut target = LearnTarget::Node(i);
        for seg in rest {
            let LearnTarget::Node(n) = target else {
                // An item or a map entry with more segments: a dictionary where a single
                // value belongs.
                return self.learned_error(
                    Generic::ParameterInvalidScalar,
                    Phase::Types,
                    &path,
                    None,
                    None,
                );
            };
            let node = &rt.nodes[n];
            match node.ty {
                TypeName::Object => match node.children.get(seg.text) {
                    Some(&c) => {
                        path = token_spec::join_path(&path, seg.text);
                        target = LearnTarget::Node(c);
                    }
                    // A list of objects, or an object the document does not describe.
                    None if node.open => return,
                    None => {
                        let p = token_spec::join_path(&path, seg.text);
                        return self.learned_error(
                            Generic::ParameterUnknown,
                            Phase::Unknown,
                            &p,
                            None,
                            None,
                        );
                    }
                },
                TypeName::Array if seg.text.bytes().all(|b| b.is_ascii_digit()) => {
                    path = format!("{path}[{}]", seg.text);
                    target = LearnTarget::Item(n);
                }
                TypeName::Array => {
                    return self.learned_error(
                        Generic::ParameterInvalidArray,
                        Phase::Types,
                        &path,
                        None,
                        None,
                    );
                }
                TypeName::Map => {
                    path = format!("{path}[{}]", seg.text);
                    target = LearnTarget::Entry;
                }
                _ => {
                    return self.learned_error(
                        Generic::ParameterInvalidScalar,
                        Phase::Types,
                        &path,
                        None,
                        None,
                    );
                }
            }
        }
        self.learned_text(rt, target, &path, value);
    }

    /// One value of a learned parameter (`target`): judged by what the document states.
    pub(crate) fn learned_text(
        &mut self,
        rt: &RuntimeSpec,
        target: LearnTarget,
        path: &str,
        text: &str,
    ) {
        use TypeName as T;
        let (ty, max, values, open, unset, or_id) = match target {
            LearnTarget::Entry => return,
            LearnTarget::Item(n) => {
                let Some(items) = &rt.nodes[n].items else {
                    return;
                };
                (
                    items.ty,
                    items.max_length,
                    &items.values[..],
                    false,
                    items.unset,
                    None,
                )
            }
            LearnTarget::Node(n) => {
                let node = &rt.nodes[n];
                (
                    node.ty,
                    node.max_length,
                    &node.values[..],
                    node.open,
                    node.unset,
                    node.or_id.as_ref(),
                )
            }
        };
        let err = |run: &mut Self, which: Generic, values: Option<String>, limit: Option<u64>| {
            run.learned_error(
                which,
                Phase::Types,
                path,
                values,
                limit.map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
            );
        };
        if text.is_empty() {
            if !unset {
                self.learned_error(
                    Generic::ParameterInvalidEmpty,
                    Phase::Presence,
                    path,
                    None,
                    None,
                );
            }
            return;
        }
        if is_blank(text) {
            return self.learned_error(
                Generic::ParameterInvalidStringBlank,
                Phase::Presence,
                path,
                None,
                None,
            );
        }
        match ty {
            T::String | T::Enum if max.is_some_and(|m| too_long(text, m)) => {
                err(self, Generic::ParameterInvalidStringLength, None, max)
            }
            T::Integer if parse_integer(text).is_none() => {
                err(self, Generic::ParameterInvalidInteger, None, None)
            }
            T::Number if !is_decimal(text) => {
                err(self, Generic::ParameterInvalidNumber, None, None)
            }
            T::Boolean if spec().parse_boolean(text).is_none() => {
                err(self, Generic::ParameterInvalidBoolean, None, None)
            }
            T::Enum if !open && !values.iter().any(|v| v == text) => err(
                self,
                Generic::ParameterInvalidEnum,
                Some(values_text(values)),
                None,
            ),
            T::Object => match or_id {
                Some(id) if id.max_length.is_some_and(|m| too_long(text, m)) => err(
                    self,
                    Generic::ParameterInvalidStringLength,
                    None,
                    id.max_length,
                ),
                Some(_) => {}
                None => err(self, Generic::ParameterInvalidObject, None, None),
            },
            T::Map => err(self, Generic::ParameterInvalidObject, None, None),
            T::Array => err(self, Generic::ParameterInvalidArray, None, None),
            _ => {}
        }
    }

    /// A problem with a learned parameter: a generic error on its path. Its value is never
    /// quoted (whether it is secret is not known).
    pub(crate) fn learned_error(
        &mut self,
        which: Generic,
        phase: Phase,
        path: &str,
        values: Option<String>,
        limit: Option<i64>,
    ) {
        self.push(
            spec().generic(which),
            phase,
            0,
            Fill {
                param: path,
                secret: true,
                values,
                limit,
                definition: Cow::Borrowed(which.name()),
                ..Fill::default()
            },
        );
    }
}
