//! Edit distances for did-you-mean hints: the loader's (an unknown parameter in a spec
//! file) and the runtime's (an unknown parameter in a request).

/// Levenshtein distance (small inputs: spec paths and names), for did-you-mean hints: the
/// `strsim` crate's.
pub fn strsim_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The Levenshtein distance of `a` and `b` when it is at most `max`, else `None`; without
/// allocating, in a band of `2 * max + 1` cells per row that stops as soon as every cell of
/// a row is over `max`. For the hints a request's unknown parameter gets, where an unknown
/// name is compared with every sibling (`strsim`'s full matrix, with its allocation per
/// pair, made the invalid-body benchmark five times slower). Names of more than 64
/// characters are not compared (`None`).
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        banded(a.as_bytes(), b.as_bytes(), max)
    } else {
        const N: usize = 64;
        let mut ac = ['\0'; N];
        let mut bc = ['\0'; N];
        let mut n = 0;
        for c in a.chars() {
            *ac.get_mut(n)? = c;
            n += 1;
        }
        let mut m = 0;
        for c in b.chars() {
            *bc.get_mut(m)? = c;
            m += 1;
        }
        banded(&ac[..n], &bc[..m], max)
    }
}

/// [`distance_within`] on two sequences of at most 64 items, with distances in bytes.
fn banded<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    const N: usize = 64;
    let (n, m) = (a.len(), b.len());
    if n > N || m > N || n.abs_diff(m) > max {
        return None;
    }
    // Cells over `max` are all "too far": a byte holds every distance that matters.
    let cap = u8::try_from(max.min(250) + 1).unwrap_or(u8::MAX);
    let mut prev = [cap; N + 1];
    let mut cur = [cap; N + 1];
    for (j, p) in prev.iter_mut().enumerate().take(m.min(max) + 1) {
        *p = u8::try_from(j).unwrap_or(cap);
    }
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        cur[lo - 1] = if lo == 1 {
            u8::try_from(i).unwrap_or(cap).min(cap)
        } else {
            cap
        };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let v = prev[j - 1]
                .saturating_add(cost)
                .min(prev[j].saturating_add(1))
                .min(cur[j - 1].saturating_add(1))
                .min(cap);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = cap;
        }
        if usize::from(row_min) > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = usize::from(prev[m]);
    (d <= max).then_some(d)
}

/// One name compared with many others (an unknown segment with every sibling), prepared
/// once: for an ASCII name of at most 64 bytes, the positions of each byte as bit masks, so
/// that each comparison is Hyyrö's bit-parallel Levenshtein distance (one pass over the
/// other name, a few word operations per byte) instead of a table. Any other name is
/// compared by [`distance_within`].
pub(crate) struct Pattern<'a> {
    text: &'a str,
    /// The bit mask of each ASCII byte's positions in `text`; `None` when `text` is not
    /// ASCII or is longer than 64 bytes.
    peq: Option<&'a [u64; 128]>,
}

impl<'a> Pattern<'a> {
    /// `text` prepared in `table` (the caller's, so that the 1 KiB table is written in
    /// place rather than moved).
    pub(crate) fn new(text: &'a str, table: &'a mut [u64; 128]) -> Self {
        let peq = (text.is_ascii() && text.len() <= 64).then(|| {
            *table = [0; 128];
            for (i, b) in text.bytes().enumerate() {
                table[usize::from(b)] |= 1 << i;
            }
            &*table
        });
        Pattern { text, peq }
    }

    /// [`distance_within`] of the prepared name and `other`: the same answer.
    pub(crate) fn distance_within(&self, other: &str, max: usize) -> Option<usize> {
        let (Some(peq), true) = (self.peq, other.is_ascii()) else {
            return distance_within(self.text, other, max);
        };
        let (m, n) = (self.text.len(), other.len());
        if n > 64 || m.abs_diff(n) > max {
            return None;
        }
        let d = if m == 0 {
            n
        } else {
            bit_parallel(peq, m, other.as_bytes())
        };
        (d <= max).then_some(d)
    }
}

/// The Levenshtein distance of a pattern of `m` (1 to 64) ASCII bytes, given by the masks
/// of its bytes' positions, and the ASCII `text` (Hyyrö 2003, the global form: the top row
/// grows by one per byte of `text`). The vertical deltas of the current column are `pv`
/// (+1) and `mv` (-1); `score` follows the last row.
fn bit_parallel(peq: &[u64; 128], m: usize, text: &[u8]) -> usize {
    let last = 1u64 << (m - 1);
    let mut pv = u64::MAX;
    let mut mv = 0u64;
    let mut score = m;
    for &c in text {
        let eq = peq[usize::from(c & 0x7f)];
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let mut ph = mv | !(xh | pv);
        let mut mh = pv & xh;
        if ph & last != 0 {
            score += 1;
        } else if mh & last != 0 {
            score -= 1;
        }
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(strsim_distance("card[numbr]", "card[number]"), 1);
        assert_eq!(strsim_distance("", "abc"), 3);
    }

    #[test]
    fn bounded_distance_agrees_with_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "number",
            "numbr",
            "nmbr",
            "address_city",
            "adress_city",
            "additionalDocument",
            "additional_document",
            "exp_month",
            "exp_mnth",
            "card",
            "cards",
            "currency",
            "type",
            "zzz",
            "Number",
            "ünïcödé",
            "unicode",
        ];
        for a in words {
            for b in words {
                let d = strsim_distance(a, b);
                for max in 0..5 {
                    let want = (d <= max).then_some(d);
                    assert_eq!(distance_within(a, b, max), want, "{a:?} {b:?} {max}");
                }
            }
        }
        assert_eq!(distance_within(&"a".repeat(65), "a", 3), None);
        for a in words {
            let mut table = [0; 128];
            let p = Pattern::new(a, &mut table);
            for b in words {
                for max in 0..5 {
                    assert_eq!(
                        p.distance_within(b, max),
                        distance_within(a, b, max),
                        "{a:?} {b:?} {max}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The prepared pattern answers what the banded table does, on ASCII names of
        /// up to 70 bytes (past the 64 that either compares), any `max`.
        #[test]
        fn pattern_agrees(
            a in "[a-e_\\[\\]]{0,70}",
            b in "[a-e_\\[\\]]{0,70}",
            max in 0usize..70,
        ) {
            let mut table = [0; 128];
            proptest::prop_assert_eq!(Pattern::new(&a, &mut table).distance_within(&b, max), distance_within(&a, &b, max));
        }

        /// And Levenshtein's distance itself (strsim's), within 64 bytes.
        #[test]
        fn pattern_is_levenshtein(a in "[a-d]{0,64}", b in "[a-d]{0,64}") {
            let d = strsim_distance(&a, &b);
            let mut table = [0; 128];
            proptest::prop_assert_eq!(Pattern::new(&a, &mut table).distance_within(&b, 64), Some(d));
        }
    }
}
