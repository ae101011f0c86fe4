//! Values: each judged by its type, limit or enum, and put in its slot.

use token_spec::{Generic, NodeId};

use crate::error::Phase;
use crate::rules::grammar::{is_blank, is_decimal, parse_integer, too_long};

use super::record::{At, Extra, Run, Verdict, enum_values, spec};
use crate::engine::slot::{
    ArraySlot, ArrayTy, Item, ListState, MapSlot, MapState, ObjectSlot, ObjectTy, ScalarTy, Shape,
    Slot, Text, Unset,
};

impl<'a> Run<'a> {
    /// Judges one value: `""` (unset, or refused), white space only, then its type, limit or
    /// enum. `Verdict::Pass` lets its rules judge it.
    fn judge(&mut self, at: At<'_>, text: &str, ty: ScalarTy, unset: Unset) -> Verdict {
        // A problem below the enforcement threshold is a warning: the value passes on to
        // the next check and to its rules.
        let fail = |enforced: bool| {
            if enforced {
                Verdict::Fail
            } else {
                Verdict::Pass
            }
        };
        if text.is_empty() {
            return match unset {
                Unset::Accept => Verdict::Unset,
                Unset::Refuse => fail(self.generic(
                    Generic::ParameterInvalidEmpty,
                    Phase::Presence,
                    at,
                    Extra::default(),
                )),
                Unset::Forbid(rule) => {
                    self.rule_with(rule, None, None, Some(at));
                    Verdict::Unset
                }
            };
        }
        if is_blank(text)
            && self.generic(
                Generic::ParameterInvalidStringBlank,
                Phase::Presence,
                at,
                Extra::default(),
            )
        {
            return Verdict::Fail;
        }
        let bad = |run: &mut Self, which: Generic, values: Option<String>, limit: Option<i64>| {
            fail(run.generic(
                which,
                Phase::Types,
                at,
                Extra {
                    value: Some(text),
                    values,
                    limit,
                },
            ))
        };
        match ty {
            ScalarTy::String { max } | ScalarTy::FromString { max } => match max {
                Some(max) if too_long(text, max) => bad(
                    self,
                    Generic::ParameterInvalidStringLength,
                    None,
                    Some(i64::try_from(max).unwrap_or(i64::MAX)),
                ),
                _ => Verdict::Pass,
            },
            ScalarTy::Integer { min, max } => {
                if parse_integer(text).is_none() {
                    return bad(self, Generic::ParameterInvalidInteger, None, None);
                }
                match crate::rules::checks::integer_out_of_range(text, min, max) {
                    Some((bound, limit)) => {
                        let which = match bound {
                            crate::rules::checks::Bound::Min => Generic::ParameterIntegerTooSmall,
                            crate::rules::checks::Bound::Max => Generic::ParameterIntegerTooLarge,
                        };
                        bad(self, which, None, Some(limit))
                    }
                    None => Verdict::Pass,
                }
            }
            ScalarTy::Number if !is_decimal(text) => {
                bad(self, Generic::ParameterInvalidNumber, None, None)
            }
            ScalarTy::Boolean if spec().parse_boolean(text).is_none() => {
                bad(self, Generic::ParameterInvalidBoolean, None, None)
            }
            ScalarTy::Enum(is_value) if !is_value(text) => {
                let values = enum_values(at.node());
                bad(self, Generic::ParameterInvalidEnum, Some(values), None)
            }
            ScalarTy::Number | ScalarTy::Boolean | ScalarTy::Enum(_) | ScalarTy::OpenEnum => {
                Verdict::Pass
            }
        }
    }

    /// A single value for `slot`: judged, kept, and handed back when it passed, for the
    /// parameter's rules.
    pub fn scalar<'s, 'de>(
        &mut self,
        slot: &'s mut Slot<'de>,
        node: NodeId,
        value: Text<'de>,
        ty: ScalarTy,
        unset: Unset,
    ) -> Option<&'s str> {
        let verdict = self.judge(At::Node(node), &value, ty, unset);
        *slot = match verdict {
            Verdict::Unset => Slot::Unset,
            _ => Slot::Value(value),
        };
        match (verdict, &*slot) {
            (Verdict::Pass, Slot::Value(t)) => Some(t),
            _ => None,
        }
    }

    /// [`Run::scalar`] for a parameter with no rule of its own: the usual verdict, a text
    /// that is not empty, not blank and within its type (length under the limit in bytes, so
    /// in characters too; a listed enum value), is reached here without the general
    /// judgement, which takes every other text (a text over the limit in bytes has its
    /// characters counted there, once).
    #[inline(always)]
    pub fn scalar_quick<'de>(
        &mut self,
        slot: &mut Slot<'de>,
        node: NodeId,
        value: Text<'de>,
        ty: ScalarTy,
        unset: Unset,
    ) {
        let text: &str = &value;
        let passes = !text.is_empty()
            && !is_blank(text)
            && match ty {
                ScalarTy::String { max } | ScalarTy::FromString { max } => {
                    max.is_none_or(|max| text.len() as u64 <= max)
                }
                ScalarTy::Enum(is_value) => is_value(text),
                ScalarTy::OpenEnum => true,
                ScalarTy::Integer { .. } | ScalarTy::Number | ScalarTy::Boolean => false,
            };
        if passes {
            *slot = Slot::Value(value);
        } else {
            let _ = self.scalar(slot, node, value, ty, unset);
        }
    }

    /// A dictionary or list sent for a single-value parameter.
    pub fn scalar_shape(&mut self, slot: &mut Slot<'_>, node: NodeId, shape: Shape) {
        *slot = Slot::Shape(shape);
        self.not_scalar(At::Node(node));
    }

    /// One item of a list.
    pub fn item<'de>(
        &mut self,
        slot: &mut ArraySlot<'de>,
        ty: &ArrayTy,
        index: usize,
        value: Text<'de>,
    ) {
        let item = match self.judge(At::Item(ty.node, index), &value, ty.item, ty.item_unset) {
            Verdict::Unset => Item::Unset,
            _ => Item::Value(value),
        };
        slot.state = ListState::Items;
        slot.items.push((index, item));
    }

    /// A dictionary or list sent as an item of a list.
    pub fn item_shape(&mut self, slot: &mut ArraySlot<'_>, node: NodeId, index: usize) {
        slot.state = ListState::Items;
        slot.items.push((index, Item::Shape));
        self.not_scalar(At::Item(node, index));
    }

    /// A map sent as a dictionary (its entries follow).
    pub fn map_open(&mut self, slot: &mut MapSlot<'_>) {
        slot.state = MapState::Entries;
    }

    /// A list sent as a list (its items follow).
    pub fn array_open(&mut self, slot: &mut ArraySlot<'_>) {
        slot.state = ListState::Items;
    }

    /// A JSON `[]`: a form body cannot send an empty list, so nothing was sent.
    pub(crate) fn array_close(&mut self, slot: &mut ArraySlot<'_>) {
        if slot.state == ListState::Items && slot.items.is_empty() {
            slot.state = ListState::Absent;
        }
    }

    /// A JSON `{}` for a map: a form body cannot send an empty map, so nothing was sent.
    pub(crate) fn map_close(&mut self, slot: &mut MapSlot<'_>) {
        if slot.state == MapState::Entries && slot.entries.is_empty() {
            slot.state = MapState::Absent;
        }
    }

    /// One entry of a map (its value needs no check: any string).
    pub fn entry<'de>(
        &mut self,
        slot: &mut MapSlot<'de>,
        key: Text<'de>,
        value: Option<Text<'de>>,
        node: NodeId,
    ) {
        slot.state = MapState::Entries;
        if value.is_none() {
            self.not_scalar(At::Entry(node, &key));
        }
        slot.entries.push((key, value));
    }

    /// `""` or a single value sent for an object, a list or a map: unset, refused as empty or
    /// blank, or (for an object-or-id union) the id. Returns whether it was a usable value
    /// that the caller must now judge by its shape.
    fn container_scalar(&mut self, node: NodeId, text: &str, unset: Unset) -> Option<Verdict> {
        if text.is_empty() || is_blank(text) {
            return Some(self.judge(At::Node(node), text, ScalarTy::OpenEnum, unset));
        }
        None
    }

    /// A single value sent for an object (the id of an object-or-id union, or an error).
    pub fn object_value<'de, S>(
        &mut self,
        slot: &mut ObjectSlot<'de, S>,
        ty: &ObjectTy,
        value: Text<'de>,
    ) {
        match self.container_scalar(ty.node, &value, ty.unset) {
            Some(Verdict::Unset) => *slot = ObjectSlot::Unset,
            Some(_) => *slot = ObjectSlot::Wrong(None),
            None => match ty.id {
                Some(max) => {
                    // The id's own limit; it is kept either way (the object was sent).
                    self.judge(
                        At::Node(ty.node),
                        &value,
                        ScalarTy::String { max },
                        Unset::Refuse,
                    );
                    *slot = ObjectSlot::Id(value);
                }
                None => {
                    *slot = ObjectSlot::Wrong(None);
                    self.not_object(ty.node);
                }
            },
        }
    }

    /// A list sent for an object.
    pub fn object_shape<S>(&mut self, slot: &mut ObjectSlot<'_, S>, node: NodeId) {
        *slot = ObjectSlot::Wrong(Some(Shape::Array));
        self.not_object(node);
    }

    /// A single value sent for a list.
    pub fn array_value(&mut self, slot: &mut ArraySlot<'_>, ty: &ArrayTy, value: &str) {
        match self.container_scalar(ty.node, value, ty.unset) {
            Some(Verdict::Unset) => slot.state = ListState::Unset,
            Some(_) => slot.state = ListState::Wrong(None),
            None => {
                slot.state = ListState::Wrong(None);
                self.not_array(ty.node);
            }
        }
    }

    /// A dictionary sent for a list.
    pub fn array_shape(&mut self, slot: &mut ArraySlot<'_>, node: NodeId) {
        slot.state = ListState::Wrong(Some(Shape::Object));
        self.not_array(node);
    }

    /// A single value sent for a map.
    pub fn map_value(&mut self, slot: &mut MapSlot<'_>, node: NodeId, unset: Unset, value: &str) {
        match self.container_scalar(node, value, unset) {
            Some(Verdict::Unset) => slot.state = MapState::Unset,
            Some(_) => slot.state = MapState::Wrong(None),
            None => {
                slot.state = MapState::Wrong(None);
                self.not_object(node);
            }
        }
    }

    /// A list sent for a map.
    pub fn map_shape(&mut self, slot: &mut MapSlot<'_>, node: NodeId) {
        slot.state = MapState::Wrong(Some(Shape::Array));
        self.not_object(node);
    }
}
