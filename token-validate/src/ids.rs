//! Unique, random-looking ids in Stripe's style: `req_…` request ids and `tok_…`-like
//! object ids.
//!
//! Each id is made from a process-wide counter put through a bijective mix keyed with
//! random bits drawn once per process: two ids of one process never collide, and ids do
//! not look sequential. They are not secrets and must not be used as such.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The characters after `req_` in a request id (Stripe's are 14 long).
pub const REQUEST_ID_CHARS: usize = 14;
/// The characters after the prefix in an object id (Stripe's are 24 long).
pub const OBJECT_ID_CHARS: usize = 24;

fn seeds() -> &'static [u64; 3] {
    static SEEDS: OnceLock<[u64; 3]> = OnceLock::new();
    SEEDS.get_or_init(|| {
        // `RandomState` is keyed from the operating system's random source.
        let s = RandomState::new();
        let draw = |i: u64| {
            let mut h = s.build_hasher();
            h.write_u64(i);
            h.finish()
        };
        [draw(1), draw(2), draw(3)]
    })
}

/// SplitMix64's finalizer: a bijection of `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn push_base62(out: &mut String, mut v: u64, chars: usize) {
    for _ in 0..chars {
        out.push(ALPHABET[(v % 62) as usize] as char);
        v /= 62;
    }
}

/// `prefix` then `chars` characters (at least 11): the first 11 encode a value unique to
/// this call within the process, the rest are filler from the same counter.
fn id(prefix: &str, chars: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let [a, b, c] = *seeds();
    // `n * odd` and `^ a` are bijections, and so is `mix`: distinct `n`, distinct `u`.
    let unique = mix(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ a);
    let mut out = String::with_capacity(prefix.len() + chars);
    out.push_str(prefix);
    push_base62(&mut out, unique, 11);
    let mut filler = mix(n ^ b);
    let mut left = chars.saturating_sub(11);
    while left > 0 {
        let take = left.min(10);
        push_base62(&mut out, filler, take);
        left -= take;
        filler = mix(filler ^ c);
    }
    out
}

/// A new request id: `req_` and 14 letters and digits.
pub fn request_id() -> String {
    id("req_", REQUEST_ID_CHARS)
}

/// A new object id: `prefix` (such as `tok_`) and 24 letters and digits.
pub fn object_id(prefix: &str) -> String {
    id(prefix, OBJECT_ID_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn unique_and_shaped() {
        let ids: HashSet<String> = (0..10_000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        let r = request_id();
        assert!(
            r.starts_with("req_") && r.len() == 4 + REQUEST_ID_CHARS,
            "{r}"
        );
        let t = object_id("tok_");
        assert!(
            t.starts_with("tok_") && t.len() == 4 + OBJECT_ID_CHARS,
            "{t}"
        );
        assert!(t[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
