//! Slots: where a parameter's value waits for the end of the body, and the types the
//! generated code describes its parameters with.

use std::borrow::Cow;
use std::collections::HashSet;

use smallvec::SmallVec;
use token_spec::NodeId;

/// A value as received: borrowed from the body, or owned when it had to be decoded
/// (percent-escapes, `+`, JSON escapes).
pub type Text<'de> = Cow<'de, str>;

/// Why the read of a JSON body stopped.
#[derive(Debug)]
pub enum Stop {
    /// The body is not JSON (serde_json's error, at its offset).
    Syntax(crate::scan::json::Error),
    /// A limit or a malformed key: the body error is in the run.
    Limit,
}

impl From<crate::scan::json::Error> for Stop {
    #[inline]
    fn from(e: crate::scan::json::Error) -> Self {
        Stop::Syntax(e)
    }
}

// ---------------------------------------------------------------------------------------
// Slots: where a parameter's value waits for the end of the body
// ---------------------------------------------------------------------------------------

/// A dictionary or a list sent where something else belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A dictionary (`a[b]=…`, a JSON object).
    Object,
    /// A list (`a[0]=…`, `a[]=…`, a JSON array).
    Array,
}

impl Shape {
    /// The shape a form key's next segment implies when the spec does not say: an index or
    /// `[]` is a list, anything else a dictionary.
    pub(super) fn of_segment(seg: &str) -> Shape {
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            Shape::Array
        } else {
            Shape::Object
        }
    }
}

/// A single-value parameter.
#[derive(Default)]
pub enum Slot<'de> {
    /// Not sent.
    #[default]
    Absent,
    /// `""`, accepted as unsetting the value.
    Unset,
    /// The value as received (its failures are recorded by the [`Run`](super::run::Run)).
    Value(Text<'de>),
    /// A dictionary or a list was sent instead (already reported).
    Shape(Shape),
}

impl<'de> Slot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        !matches!(self, Slot::Absent)
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        matches!(self, Slot::Absent)
    }
    /// The value, when one that is not `""` was sent.
    #[inline]
    pub fn text(&self) -> Option<&str> {
        match self {
            Slot::Value(t) if !t.is_empty() => Some(t),
            _ => None,
        }
    }
    /// Takes the value out (for the typed request).
    #[inline]
    pub fn take(&mut self) -> Slot<'de> {
        std::mem::take(self)
    }
}

/// An object parameter (or an object-or-id union such as `card`).
#[derive(Default)]
pub enum ObjectSlot<'de, S> {
    /// Not sent.
    #[default]
    Absent,
    /// `""`, accepted as unsetting the object.
    Unset,
    /// The object's parameters.
    Object(S),
    /// An id (for an object-or-id union).
    Id(Text<'de>),
    /// A value that is neither (already reported).
    Wrong(Option<Shape>),
}

impl<'de, S> ObjectSlot<'de, S> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        !matches!(self, ObjectSlot::Absent)
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        matches!(self, ObjectSlot::Absent)
    }
    /// The object's state, when it was sent as an object.
    #[inline]
    pub fn object(&self) -> Option<&S> {
        match self {
            ObjectSlot::Object(s) => Some(s),
            _ => None,
        }
    }
    /// The object's state, mutably.
    #[inline]
    pub fn object_mut(&mut self) -> Option<&mut S> {
        match self {
            ObjectSlot::Object(s) => Some(s),
            _ => None,
        }
    }
    /// The id, when one that is not `""` was sent.
    #[inline]
    pub fn text(&self) -> Option<&str> {
        match self {
            ObjectSlot::Id(t) if !t.is_empty() => Some(t),
            _ => None,
        }
    }
    /// Takes the value out (for the typed request).
    #[inline]
    pub fn take(&mut self) -> ObjectSlot<'de, S> {
        std::mem::replace(self, ObjectSlot::Absent)
    }
}

/// A list of objects of an older API version (`account[legal_entity][additional_owners]`):
/// accepted without checking its elements; only whether it was sent is kept.
#[derive(Default)]
pub struct Unchecked(bool);

impl Unchecked {
    /// It was sent.
    #[inline]
    pub fn sent(&mut self) {
        self.0 = true;
    }
    /// Whether it was sent.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.0
    }
    /// Whether it was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        !self.0
    }
}

/// One item of a list parameter.
pub enum Item<'de> {
    /// `""`, where the list's items may be unset.
    Unset,
    /// The item as received.
    Value(Text<'de>),
    /// A dictionary or list where a single value belongs (already reported).
    Shape,
}

/// Which indexes of a list were sent: a bit each, inline for the usual limit of 256. An
/// index at or over the array limit in force is refused before it gets here, so the bitmap
/// never grows past that limit: at most [`crate::HARD_MAX_ARRAY_LEN`] bits (8 KiB) per list,
/// whatever the limits are set to.
#[derive(Default)]
pub(super) struct IndexSet {
    pub(super) inline: [u64; 4],
    pub(super) more: Vec<u64>,
}

impl IndexSet {
    /// Marks `i`; `false` when it was already there.
    pub(super) fn insert(&mut self, i: usize) -> bool {
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let word = if w < self.inline.len() {
            &mut self.inline[w]
        } else {
            let k = w - self.inline.len();
            if self.more.len() <= k {
                self.more.resize(k + 1, 0);
            }
            &mut self.more[k]
        };
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }
    /// The first index not sent, and the first one sent after it: a gap, if any.
    pub(super) fn gap(&self, len: usize) -> Option<usize> {
        let words = self.inline.iter().chain(self.more.iter());
        // Dense when as many indexes are set as the list is long.
        if words
            .clone()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>()
            == len
        {
            return None;
        }
        let mut hole = None;
        for (w, word) in words.enumerate() {
            for b in 0..64 {
                let set = word & (1 << b) != 0;
                match (hole, set) {
                    (None, false) => hole = Some(w * 64 + b),
                    (Some(_), true) => return Some(w * 64 + b),
                    _ => {}
                }
            }
        }
        None
    }
}

/// What a list parameter holds.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListState {
    #[default]
    Absent,
    Unset,
    Items,
    /// A single value or a dictionary (already reported).
    Wrong(Option<Shape>),
}

/// A list parameter (`expand`, `full_name_aliases`).
#[derive(Default)]
pub struct ArraySlot<'de> {
    pub(super) state: ListState,
    pub(super) items: SmallVec<[(usize, Item<'de>); 4]>,
    pub(super) seen: IndexSet,
    pub(super) next: usize,
}

impl<'de> ArraySlot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.state != ListState::Absent
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        self.state == ListState::Absent
    }
    /// Whether `""` unset the list.
    pub fn is_unset(&self) -> bool {
        self.state == ListState::Unset
    }
    /// The items in index order (for the typed request).
    pub fn take_items(&mut self) -> Vec<Item<'de>> {
        let mut items: Vec<(usize, Item<'de>)> = std::mem::take(&mut self.items).into_vec();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, item)| item).collect()
    }
}

/// What a map parameter holds.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum MapState {
    #[default]
    Absent,
    Unset,
    Entries,
    Wrong(Option<Shape>),
}

/// A string-to-string map parameter (`metadata`): any key, whatever it looks like.
#[derive(Default)]
pub struct MapSlot<'de> {
    pub(super) state: MapState,
    pub(super) entries: SmallVec<[(Text<'de>, Option<Text<'de>>); 4]>,
    pub(super) keys: Option<HashSet<String>>,
}

/// Maps with more entries than this look keys up in a hash set.
const MAP_LINEAR_MAX: usize = 16;

/// A set of keys seen so far (of one JSON object, or the unknown parameters of a body): a
/// short list, then a hash set once it holds more than [`MAP_LINEAR_MAX`] keys, so that an
/// insertion costs O(1) however many keys there are. Keys borrowed from the body stay
/// borrowed: nothing is allocated for them.
#[derive(Default)]
pub(crate) struct KeySet<'k> {
    pub(super) list: Vec<Cow<'k, str>>,
    pub(super) set: Option<HashSet<Cow<'k, str>>>,
}

impl<'k> KeySet<'k> {
    /// Adds `key`; `false` when it was already there.
    pub(crate) fn insert(&mut self, key: Cow<'k, str>) -> bool {
        if let Some(set) = &mut self.set {
            return set.insert(key);
        }
        if self.list.contains(&key) {
            return false;
        }
        self.list.push(key);
        if self.list.len() > MAP_LINEAR_MAX {
            self.set = Some(std::mem::take(&mut self.list).into_iter().collect());
        }
        true
    }
}

impl<'de> MapSlot<'de> {
    /// Whether the parameter was sent at all.
    #[inline]
    pub fn is_present(&self) -> bool {
        self.state != MapState::Absent
    }
    /// Whether the parameter was not sent.
    #[inline]
    pub fn is_absent(&self) -> bool {
        self.state == MapState::Absent
    }
    /// Whether `""` unset the map.
    pub fn is_unset(&self) -> bool {
        self.state == MapState::Unset
    }
    /// How many entries were sent.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether no entry was sent.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The keys, in the order sent.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }
    /// The values sent as values (not dictionaries or lists, which were reported), in order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter_map(|(_, v)| v.as_deref())
    }
    /// The entries (for the typed request); `None` values were reported.
    pub fn take_entries(&mut self) -> Vec<(Text<'de>, Option<Text<'de>>)> {
        std::mem::take(&mut self.entries).into_vec()
    }
    /// Records a key; `false` when it was already there.
    pub(super) fn add_key(&mut self, key: &str) -> bool {
        if let Some(keys) = &mut self.keys {
            return keys.insert(key.to_string());
        }
        if self.entries.iter().any(|(k, _)| k == key) {
            return false;
        }
        if self.entries.len() >= MAP_LINEAR_MAX {
            let mut keys: HashSet<String> =
                self.entries.iter().map(|(k, _)| k.to_string()).collect();
            keys.insert(key.to_string());
            self.keys = Some(keys);
        }
        true
    }
}

// ---------------------------------------------------------------------------------------
// What the generated code tells the run about a parameter
// ---------------------------------------------------------------------------------------

/// A single value's type, limit or enum, as the spec gives it.
#[derive(Clone, Copy)]
pub enum ScalarTy {
    /// A string of at most `max` characters.
    String {
        /// OpenAPI's `maxLength`.
        max: Option<u64>,
    },
    /// An integer, within its range when the spec gives one.
    Integer {
        /// Smallest value.
        min: Option<i64>,
        /// Largest value.
        max: Option<i64>,
    },
    /// A string the spec refines into an integer: only its length here; its rule judges the
    /// value (Stripe answers a bad `exp_month` with a card error, not a type error).
    FromString {
        /// OpenAPI's `maxLength` of the string.
        max: Option<u64>,
    },
    /// A decimal number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of an enum's values (the generated code matches them).
    Enum(fn(&str) -> bool),
    /// An enum whose unknown values Stripe accepts.
    OpenEnum,
}

/// What `""` means for a parameter.
#[derive(Clone, Copy)]
pub enum Unset {
    /// It cannot be unset: `parameter_invalid_empty`.
    Refuse,
    /// It unsets the value.
    Accept,
    /// The spec allows unsetting it, but the rule of this index forbids it here (`no_unset`).
    Forbid(usize),
}

/// An object parameter, as the generated code describes it.
pub struct ObjectTy {
    /// The object's node.
    pub node: NodeId,
    /// For an object-or-id union: the id's maximum length.
    pub id: Option<Option<u64>>,
    /// What `""` means.
    pub unset: Unset,
}

/// A list parameter, as the generated code describes it.
pub struct ArrayTy {
    /// The list's node.
    pub node: NodeId,
    /// What `""` means for the list.
    pub unset: Unset,
    /// The items' type.
    pub item: ScalarTy,
    /// What `""` means for an item.
    pub item_unset: Unset,
}
