//! Building a tree one key at a time: where a pair goes, and the conflicts between keys
//! (`a=1&a[b]=2`, a value given twice, an array with a gap) that make a body error.

use std::collections::BTreeMap;
use std::ops::Range;

use super::value::{Entry, KeyIndex, Object, Scalar, Value, path_string};
use crate::options::Limits;
use crate::parse_error::{ParseError, ParseErrorKind};

/// What a segment is in a tree that knows no spec: digits are an index, `[]` a push.
#[derive(Debug)]
pub(super) enum Step<'k> {
    Name(&'k str),
    Index(usize),
    Push,
}

#[derive(Debug)]
pub(super) struct KeySeg<'k> {
    pub(super) seg: Step<'k>,
    /// Byte range of the segment's text in the body (inside its brackets).
    pub(super) span: Range<usize>,
}

impl Step<'_> {
    fn display(&self) -> String {
        match self {
            Step::Name(s) => s.to_string(),
            Step::Index(i) => i.to_string(),
            Step::Push => String::new(),
        }
    }
}

fn segs_path(segs: &[KeySeg]) -> String {
    let v: Vec<String> = segs.iter().map(|s| s.seg.display()).collect();
    path_string(&v)
}

enum BNode {
    Leaf(Scalar),
    Obj(BObj),
    Arr(BArr),
}

#[derive(Default)]
pub(super) struct BObj {
    entries: Vec<(String, Range<usize>, BNode)>,
    index: KeyIndex,
}

#[derive(Default)]
struct BArr {
    /// index -> (raw offset of the index segment's `[`, node)
    items: BTreeMap<usize, (usize, BNode)>,
    next: usize,
}

#[derive(Clone, Copy)]
enum Want {
    Leaf,
    Obj,
    Arr,
}

impl Want {
    fn new_node(self, leaf: &mut Option<Scalar>) -> BNode {
        match self {
            Want::Leaf => BNode::Leaf(leaf.take().unwrap_or_else(|| Scalar::new(""))),
            Want::Obj => BNode::Obj(BObj::default()),
            Want::Arr => BNode::Arr(BArr::default()),
        }
    }
}

/// Check an existing node against what the current key needs there.
fn compatible(existing: &BNode, want: Want) -> Result<(), ParseErrorKind> {
    match (existing, want) {
        (BNode::Leaf(_), Want::Leaf) => Err(ParseErrorKind::DuplicateKey),
        (BNode::Leaf(_), _) | (_, Want::Leaf) => Err(ParseErrorKind::ValueAndObject),
        (BNode::Obj(_), Want::Arr) | (BNode::Arr(_), Want::Obj) => {
            Err(ParseErrorKind::MixedArrayAndObject)
        }
        _ => Ok(()),
    }
}

enum Cont<'a> {
    Obj(&'a mut BObj),
    Arr(&'a mut BArr),
}

/// Insert one pair's leaf into the builder tree.
pub(super) fn insert_pair(
    root: &mut BObj,
    segs: &[KeySeg],
    leaf: Scalar,
    pair_start: usize,
    limits: &Limits,
) -> Result<(), ParseError> {
    let mut leaf = Some(leaf);
    let mut cur = Cont::Obj(root);
    let n = segs.len();
    for (i, ks) in segs.iter().enumerate() {
        let want = match segs.get(i + 1) {
            None => Want::Leaf,
            Some(KeySeg {
                seg: Step::Name(_), ..
            }) => Want::Obj,
            Some(_) => Want::Arr,
        };
        let fail = |kind| ParseError::new(kind, pair_start, Some(segs_path(&segs[..=i])));
        let slot: &mut BNode = match (cur, &ks.seg) {
            (Cont::Obj(o), Step::Name(name)) => {
                match o.index.find(name, o.entries.iter().map(|e| e.0.as_str())) {
                    Some(j) => {
                        let node = &mut o.entries[j].2;
                        compatible(node, want).map_err(fail)?;
                        node
                    }
                    None => {
                        let j = o.entries.len();
                        o.index.add(name, j, o.entries.iter().map(|e| e.0.as_str()));
                        o.entries.push((
                            (*name).to_string(),
                            ks.span.clone(),
                            want.new_node(&mut leaf),
                        ));
                        &mut o.entries[j].2
                    }
                }
            }
            (Cont::Arr(a), Step::Index(_) | Step::Push) => {
                let idx = match ks.seg {
                    Step::Index(k) => k,
                    _ => a.next,
                };
                if idx >= limits.max_array_len {
                    return Err(fail(ParseErrorKind::ArrayIndexTooLarge {
                        limit: limits.max_array_len,
                    }));
                }
                a.next = a.next.max(idx + 1);
                let offset = ks.span.start.saturating_sub(1);
                let entry = a.items.entry(idx);
                match entry {
                    std::collections::btree_map::Entry::Occupied(o) => {
                        let node = &mut o.into_mut().1;
                        compatible(node, want).map_err(fail)?;
                        node
                    }
                    std::collections::btree_map::Entry::Vacant(v) => {
                        &mut v.insert((offset, want.new_node(&mut leaf))).1
                    }
                }
            }
            // Containers are created to match the next segment, so this
            // cannot happen; report it rather than panic.
            _ => return Err(fail(ParseErrorKind::MixedArrayAndObject)),
        };
        if i + 1 == n {
            break;
        }
        cur = match slot {
            BNode::Obj(o) => Cont::Obj(o),
            BNode::Arr(a) => Cont::Arr(a),
            BNode::Leaf(_) => return Err(fail(ParseErrorKind::ValueAndObject)),
        };
    }
    Ok(())
}

pub(super) fn finish_obj(b: BObj, path: &mut Vec<String>) -> Result<Object, ParseError> {
    let mut entries = Vec::with_capacity(b.entries.len());
    for (key, span, node) in b.entries {
        path.push(key);
        let value = finish_node(node, path)?;
        let key = path.pop().unwrap_or_default();
        entries.push(Entry { key, span, value });
    }
    Ok(Object {
        entries,
        index: b.index,
    })
}

fn finish_node(node: BNode, path: &mut Vec<String>) -> Result<Value, ParseError> {
    Ok(match node {
        BNode::Leaf(s) => Value::Scalar(s),
        BNode::Obj(o) => Value::Object(finish_obj(o, path)?),
        BNode::Arr(a) => {
            let mut out = Vec::with_capacity(a.items.len());
            for (i, (idx, (offset, node))) in a.items.into_iter().enumerate() {
                path.push(idx.to_string());
                if idx != i {
                    return Err(ParseError::new(
                        ParseErrorKind::ArrayIndexGap,
                        offset,
                        Some(path_string(path)),
                    ));
                }
                out.push(finish_node(node, path)?);
                path.pop();
            }
            Value::Array(out)
        }
    })
}
