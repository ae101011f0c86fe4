//! Form pairs, one at a time: duplicates, conflicts and dictionaries where a value belongs.

use std::borrow::Cow;

use token_spec::NodeId;

use crate::parse_error::ParseErrorKind;
use crate::scan::form::Seg;

use super::record::{Run, spec};
use crate::engine::slot::{
    ArraySlot, ArrayTy, Item, ListState, MapSlot, MapState, ObjectSlot, ObjectTy, Shape, Slot,
    Text, Unset,
};

impl<'a> Run<'a> {
    /// A form pair for a single-value parameter, `rest` being its key's segments after the
    /// parameter's own: the value to judge, or `None` when the pair was a duplicate, a
    /// conflict (a body error) or a dictionary (reported).
    pub fn form_scalar<'de>(
        &mut self,
        slot: &mut Slot<'de>,
        node: NodeId,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) -> Option<Text<'de>> {
        let path = || Cow::Borrowed(spec().node(node).path.as_str());
        match (rest.first(), &*slot) {
            (None, Slot::Absent) => {
                self.touch(node);
                Some(value)
            }
            (None, Slot::Shape(_)) | (Some(_), Slot::Value(_) | Slot::Unset) => {
                self.conflict(node, ParseErrorKind::ValueAndObject, path());
                None
            }
            (None, _) => {
                self.conflict(node, ParseErrorKind::DuplicateKey, path());
                None
            }
            (Some(seg), Slot::Shape(s)) => {
                if *s != Shape::of_segment(seg.text) {
                    self.conflict(node, ParseErrorKind::MixedArrayAndObject, path());
                }
                None
            }
            (Some(seg), Slot::Absent) => {
                self.touch(node);
                self.scalar_shape(slot, node, Shape::of_segment(seg.text));
                None
            }
        }
    }

    /// A form pair for an object: the object's state to dispatch the rest of the key to, or
    /// `None` when the pair was the object's own value, a duplicate or a conflict.
    pub fn form_object<'s, 'de, S: Default>(
        &mut self,
        slot: &'s mut ObjectSlot<'de, S>,
        ty: &ObjectTy,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) -> Option<(&'s mut S, Text<'de>)> {
        let path = || Cow::Borrowed(spec().node(ty.node).path.as_str());
        if rest.is_empty() {
            match slot {
                ObjectSlot::Absent => {
                    self.touch(ty.node);
                    self.object_value(slot, ty, value)
                }
                ObjectSlot::Object(_) | ObjectSlot::Wrong(Some(_)) => {
                    self.conflict(ty.node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(ty.node, ParseErrorKind::DuplicateKey, path()),
            }
            return None;
        }
        match slot {
            ObjectSlot::Absent => *slot = ObjectSlot::Object(S::default()),
            ObjectSlot::Object(_) => {}
            ObjectSlot::Wrong(Some(_)) => return None,
            _ => {
                self.conflict(ty.node, ParseErrorKind::ValueAndObject, path());
                return None;
            }
        }
        self.touch(ty.node);
        match slot {
            ObjectSlot::Object(s) => Some((s, value)),
            _ => None,
        }
    }

    /// A form pair for a list: `name=v` (a single value), `name[i]=v` or `name[]=v` (an item),
    /// `name[k]=v` (a dictionary).
    pub fn form_array<'de>(
        &mut self,
        slot: &mut ArraySlot<'de>,
        ty: &ArrayTy,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) {
        let path = || Cow::Borrowed(spec().node(ty.node).path.as_str());
        let Some(seg) = rest.first() else {
            match slot.state {
                ListState::Absent => {
                    self.touch(ty.node);
                    self.array_value(slot, ty, &value)
                }
                ListState::Items | ListState::Wrong(Some(_)) => {
                    self.conflict(ty.node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(ty.node, ParseErrorKind::DuplicateKey, path()),
            }
            return;
        };
        match slot.state {
            ListState::Unset | ListState::Wrong(None) => {
                return self.conflict(ty.node, ParseErrorKind::ValueAndObject, path());
            }
            _ => {}
        }
        let is_index = seg.text.bytes().all(|b| b.is_ascii_digit());
        if !is_index {
            match slot.state {
                ListState::Items => {
                    self.conflict(ty.node, ParseErrorKind::MixedArrayAndObject, path())
                }
                ListState::Absent => {
                    self.touch(ty.node);
                    self.array_shape(slot, ty.node)
                }
                _ => {}
            }
            return;
        }
        if slot.state == ListState::Wrong(Some(Shape::Object)) {
            return self.conflict(ty.node, ParseErrorKind::MixedArrayAndObject, path());
        }
        let max = self.limits.max_array_len;
        let index = if seg.text.is_empty() {
            slot.next
        } else {
            match seg.text.parse::<usize>() {
                Ok(i) => i,
                Err(_) => max,
            }
        };
        if index >= max {
            let key = if seg.text.is_empty() {
                format!("{}[]", path())
            } else {
                format!("{}[{}]", path(), seg.text)
            };
            let offset = if seg.text.is_empty() {
                self.pair
            } else {
                seg.at as usize
            };
            self.abort_at(
                ParseErrorKind::ArrayIndexTooLarge { limit: max },
                offset,
                Some(key),
            );
            return;
        }
        slot.next = slot.next.max(index + 1);
        if !slot.seen.insert(index) {
            let was_shape = matches!(
                slot.items.iter().find(|(i, _)| *i == index),
                Some((_, Item::Shape))
            );
            let kind = match (was_shape, rest.len() > 1) {
                // More keys of the same dictionary item: already reported.
                (true, true) => return,
                (false, false) => ParseErrorKind::DuplicateKey,
                _ => ParseErrorKind::ValueAndObject,
            };
            self.conflict(ty.node, kind, Cow::Owned(format!("{}[{index}]", path())));
            return;
        }
        self.touch(ty.node);
        if rest.len() > 1 {
            self.item_shape(slot, ty.node, index);
        } else {
            self.item(slot, ty, index, value);
        }
    }

    /// A form pair for a map: `name=v` (a single value) or `name[key]=v` (an entry).
    pub fn form_map<'de>(
        &mut self,
        slot: &mut MapSlot<'de>,
        node: NodeId,
        unset: Unset,
        rest: &[Seg<'_, 'de>],
        value: Text<'de>,
    ) {
        let path = || Cow::Borrowed(spec().node(node).path.as_str());
        let Some(seg) = rest.first() else {
            match slot.state {
                MapState::Absent => {
                    self.touch(node);
                    self.map_value(slot, node, unset, &value)
                }
                MapState::Entries | MapState::Wrong(Some(_)) => {
                    self.conflict(node, ParseErrorKind::ValueAndObject, path())
                }
                _ => self.conflict(node, ParseErrorKind::DuplicateKey, path()),
            }
            return;
        };
        match slot.state {
            MapState::Unset | MapState::Wrong(None) => {
                return self.conflict(node, ParseErrorKind::ValueAndObject, path());
            }
            MapState::Wrong(Some(_)) => return,
            _ => {}
        }
        if seg.text.is_empty() {
            // `metadata[]=v`: a list, not a map.
            self.touch(node);
            return self.map_shape(slot, node);
        }
        if !slot.add_key(seg.text) {
            let was_shape = matches!(
                slot.entries.iter().find(|(k, _)| k == seg.text),
                Some((_, None))
            );
            let kind = match (was_shape, rest.len() > 1) {
                // More keys of the same dictionary entry: already reported.
                (true, true) => return,
                (false, false) => ParseErrorKind::DuplicateKey,
                _ => ParseErrorKind::ValueAndObject,
            };
            let key = format!("{}[{}]", path(), seg.text);
            return self.conflict(node, kind, Cow::Owned(key));
        }
        self.touch(node);
        let key = seg.owned();
        let value = (rest.len() == 1).then_some(value);
        self.entry(slot, key, value, node);
    }

    /// The end of the body: a list whose indexes leave a gap is a body error.
    pub fn array_gaps(
        &mut self,
        slot: &ArraySlot<'_>,
        node: NodeId,
        offset_of: impl FnOnce(&str) -> usize,
    ) {
        if let Some(index) = slot.seen.gap(slot.next) {
            let key = format!("{}[{index}]", spec().node(node).path);
            let offset = offset_of(&key);
            self.abort_at(ParseErrorKind::ArrayIndexGap, offset, Some(key));
        }
    }

    /// A JSON entry key already seen in a map.
    pub fn map_key_taken(&mut self, slot: &mut MapSlot<'_>, key: &str) -> bool {
        !slot.add_key(key)
    }
}
