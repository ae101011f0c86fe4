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
    }
}
