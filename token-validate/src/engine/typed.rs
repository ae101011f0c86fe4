//! The typed request built from the slots of a valid body: what the generated `build`
//! methods call. A valid body always builds; a slot that does not fit its type (which
//! validation rules out) is a [`BuildError`], never a panic.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::engine::run::{ArraySlot, Item, MapSlot, ObjectSlot, Slot, Text};
use crate::param::MaybeUnset;

/// A validated body that does not fit its typed request (a spec out of step with the build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildError;

/// A required parameter's value.
#[inline]
pub fn required<T>(v: Result<Option<T>, BuildError>) -> Result<T, BuildError> {
    v?.ok_or(BuildError)
}

/// A value sent under today's name or under an older one (an alias): today's name wins.
#[inline]
pub fn either<T>(
    today: Result<Option<T>, BuildError>,
    alias: Result<Option<T>, BuildError>,
) -> Result<Option<T>, BuildError> {
    match today? {
        Some(v) => Ok(Some(v)),
        None => alias,
    }
}

/// A string.
#[inline]
pub fn string(t: Text<'_>) -> Option<String> {
    Some(t.into_owned())
}

/// A number (integers with leading zeros read as their value).
#[inline]
pub fn parse<T: FromStr>(t: Text<'_>) -> Option<T> {
    t.parse().ok()
}

/// A boolean, in one of the spellings the spec accepts (`true`, `True`, …).
#[inline]
pub fn boolean(t: Text<'_>) -> Option<bool> {
    token_spec::bundled().parse_boolean(&t)
}

/// A single value.
#[inline]
pub fn scalar<'de, T>(
    slot: &mut Slot<'de>,
    f: impl FnOnce(Text<'de>) -> Option<T>,
) -> Result<Option<T>, BuildError> {
    match slot.take() {
        Slot::Absent => Ok(None),
        Slot::Value(t) => f(t).map(Some).ok_or(BuildError),
        Slot::Unset | Slot::Shape(_) => Err(BuildError),
    }
}

/// A single value that `""` may unset.
#[inline]
pub fn scalar_unset<'de, T>(
    slot: &mut Slot<'de>,
    f: impl FnOnce(Text<'de>) -> Option<T>,
) -> Result<Option<MaybeUnset<T>>, BuildError> {
    match slot.take() {
        Slot::Absent => Ok(None),
        Slot::Unset => Ok(Some(MaybeUnset::Unset)),
        Slot::Value(t) => f(t).map(|v| Some(MaybeUnset::Set(v))).ok_or(BuildError),
        Slot::Shape(_) => Err(BuildError),
    }
}

/// A list's item.
#[inline]
pub fn item<'de, T>(item: Item<'de>, f: impl FnOnce(Text<'de>) -> Option<T>) -> Option<T> {
    match item {
        Item::Value(t) => f(t),
        Item::Unset | Item::Shape => None,
    }
}

/// A list's item that `""` may unset.
#[inline]
pub fn item_unset<'de, T>(
    item: Item<'de>,
    f: impl FnOnce(Text<'de>) -> Option<T>,
) -> Option<MaybeUnset<T>> {
    match item {
        Item::Value(t) => f(t).map(MaybeUnset::Set),
        Item::Unset => Some(MaybeUnset::Unset),
        Item::Shape => None,
    }
}

fn items<'de, T>(
    slot: &mut ArraySlot<'de>,
    f: impl FnMut(Item<'de>) -> Option<T>,
) -> Result<Vec<T>, BuildError> {
    slot.take_items()
        .into_iter()
        .map(f)
        .collect::<Option<Vec<T>>>()
        .ok_or(BuildError)
}

/// A list.
pub fn list<'de, T>(
    slot: &mut ArraySlot<'de>,
    f: impl FnMut(Item<'de>) -> Option<T>,
) -> Result<Option<Vec<T>>, BuildError> {
    if slot.is_absent() {
        return Ok(None);
    }
    if slot.is_unset() {
        return Err(BuildError);
    }
    items(slot, f).map(Some)
}

/// A list that `""` may unset.
pub fn list_unset<'de, T>(
    slot: &mut ArraySlot<'de>,
    f: impl FnMut(Item<'de>) -> Option<T>,
) -> Result<Option<MaybeUnset<Vec<T>>>, BuildError> {
    if slot.is_absent() {
        return Ok(None);
    }
    if slot.is_unset() {
        return Ok(Some(MaybeUnset::Unset));
    }
    items(slot, f).map(|v| Some(MaybeUnset::Set(v)))
}

fn entries(slot: &mut MapSlot<'_>) -> Result<BTreeMap<String, String>, BuildError> {
    slot.take_entries()
        .into_iter()
        .map(|(k, v)| v.map(|v| (k.into_owned(), v.into_owned())))
        .collect::<Option<BTreeMap<_, _>>>()
        .ok_or(BuildError)
}

/// A map.
pub fn map(slot: &mut MapSlot<'_>) -> Result<Option<BTreeMap<String, String>>, BuildError> {
    if slot.is_absent() {
        return Ok(None);
    }
    if slot.is_unset() {
        return Err(BuildError);
    }
    entries(slot).map(Some)
}

/// A map that `""` may unset.
pub fn map_unset(
    slot: &mut MapSlot<'_>,
) -> Result<Option<MaybeUnset<BTreeMap<String, String>>>, BuildError> {
    if slot.is_absent() {
        return Ok(None);
    }
    if slot.is_unset() {
        return Ok(Some(MaybeUnset::Unset));
    }
    entries(slot).map(|m| Some(MaybeUnset::Set(m)))
}

/// A nested object.
pub fn object<S, T>(
    slot: &mut ObjectSlot<'_, S>,
    f: impl FnOnce(&mut S) -> Result<T, BuildError>,
) -> Result<Option<T>, BuildError> {
    match slot {
        ObjectSlot::Absent => Ok(None),
        ObjectSlot::Object(s) => f(s).map(Some),
        _ => Err(BuildError),
    }
}

/// A nested object that `""` may unset.
pub fn object_unset<S, T>(
    slot: &mut ObjectSlot<'_, S>,
    f: impl FnOnce(&mut S) -> Result<T, BuildError>,
) -> Result<Option<MaybeUnset<T>>, BuildError> {
    match slot {
        ObjectSlot::Absent => Ok(None),
        ObjectSlot::Unset => Ok(Some(MaybeUnset::Unset)),
        ObjectSlot::Object(s) => f(s).map(|v| Some(MaybeUnset::Set(v))),
        _ => Err(BuildError),
    }
}

/// An object-or-id union: the id, or the object.
pub fn or_id<S, T>(
    slot: &mut ObjectSlot<'_, S>,
    id: impl FnOnce(String) -> T,
    details: impl FnOnce(&mut S) -> Result<T, BuildError>,
) -> Result<Option<T>, BuildError> {
    match slot {
        ObjectSlot::Absent => Ok(None),
        ObjectSlot::Id(t) => Ok(Some(id(std::mem::take(t).into_owned()))),
        ObjectSlot::Object(s) => details(s).map(Some),
        ObjectSlot::Unset | ObjectSlot::Wrong(_) => Err(BuildError),
    }
}
