//! Idempotent requests, as Stripe does them (<https://docs.stripe.com/api/idempotent_requests>):
//! the first answer to a key is saved, and a request with the same key and the same
//! parameters gets it again; the same key with other parameters gets Stripe's
//! `idempotency_error` (400). As Stripe, only a request that got as far as creating the
//! token is saved: one that failed validation can be retried with its key.
//!
//! Keys are scoped to the API key and `Stripe-Account` that sent them (kept as keyed
//! hashes, never in clear). Memory is bounded: at most [`Cache::capacity`] entries (the
//! oldest is dropped first), each kept at most [`Cache::ttl`] (Stripe keeps keys 24 hours).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// Stripe's longest idempotency key, in characters (`rules.json` `http`
/// `idempotency_key_too_long`'s `limit`).
pub const MAX_KEY_LEN: usize = match crate::http_answers::IDEMPOTENCY_KEY_TOO_LONG.limit {
    Some(l) => l as usize,
    None => 0,
};

/// Stripe's message for a key reused with other parameters (`rules.json` `http`
/// `idempotency_mismatch`: observed, e.g. in stripe-ruby users' reports,
/// `Stripe::IdempotencyError`). The key is quoted through [`crate::quote::echo`].
pub fn mismatch_message(key: &str) -> String {
    crate::http_messages::IDEMPOTENCY_MISMATCH.replace("{value}", &crate::quote::echo(key))
}

/// The message for a key over [`MAX_KEY_LEN`] characters (`rules.json` `http`
/// `idempotency_key_too_long`: this crate's wording, the limit filled in).
pub fn key_too_long_message() -> String {
    crate::http_answers::IDEMPOTENCY_KEY_TOO_LONG
        .filled_message()
        .into_owned()
}

/// The message for an empty key or one that is not printable ASCII (`rules.json` `http`
/// `idempotency_key_invalid`: this crate's wording, the limit filled in).
pub fn key_invalid_message() -> String {
    crate::http_answers::IDEMPOTENCY_KEY_INVALID
        .filled_message()
        .into_owned()
}

/// A saved answer.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The digest of the request it answered.
    pub request: [u8; 32],
    /// Its status.
    pub status: u16,
    /// Its body.
    pub body: Bytes,
    /// Its `Request-Id`.
    pub request_id: String,
}

/// What a lookup found.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// Nothing saved under the key.
    Miss,
    /// The same request: replay this answer.
    Replay(Saved),
    /// Another request used the key first.
    Conflict,
}

/// The bounded store of saved answers.
#[derive(Debug)]
pub struct Cache {
    capacity: usize,
    ttl: Duration,
    map: HashMap<([u8; 32], String), (Instant, Saved)>,
    order: VecDeque<(Instant, ([u8; 32], String))>,
}

impl Cache {
    /// A cache of at most `capacity` entries, each kept `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Cache {
        Cache {
            capacity: capacity.max(1),
            ttl,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How long an entry is kept.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn expire(&mut self, now: Instant) {
        while let Some((at, _)) = self.order.front() {
            if now.duration_since(*at) < self.ttl && self.map.len() <= self.capacity {
                break;
            }
            if let Some((at, key)) = self.order.pop_front() {
                // Only drop the entry this queue slot was made for.
                if self.map.get(&key).is_some_and(|(t, _)| *t == at) {
                    self.map.remove(&key);
                }
            }
        }
    }

    /// What is saved under `key` (in `scope`) for a request with digest `request`.
    pub fn lookup(
        &mut self,
        scope: [u8; 32],
        key: &str,
        request: &[u8; 32],
        now: Instant,
    ) -> Lookup {
        self.expire(now);
        match self.map.get(&(scope, key.to_string())) {
            None => Lookup::Miss,
            Some((_, saved)) if &saved.request == request => Lookup::Replay(saved.clone()),
            Some(_) => Lookup::Conflict,
        }
    }

    /// Saves the answer to `key` (in `scope`).
    pub fn save(&mut self, scope: [u8; 32], key: &str, saved: Saved, now: Instant) {
        let k = (scope, key.to_string());
        self.order.push_back((now, k.clone()));
        self.map.insert(k, (now, saved));
        self.expire(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(d: u8) -> Saved {
        Saved {
            request: [d; 32],
            status: 200,
            body: Bytes::from_static(b"{}"),
            request_id: "req_1".into(),
        }
    }

    #[test]
    fn replay_conflict_bounds() {
        let t0 = Instant::now();
        let mut c = Cache::new(2, Duration::from_secs(60));
        let s = [7; 32];
        assert!(matches!(c.lookup(s, "a", &[1; 32], t0), Lookup::Miss));
        c.save(s, "a", saved(1), t0);
        assert!(matches!(c.lookup(s, "a", &[1; 32], t0), Lookup::Replay(_)));
        assert!(matches!(c.lookup(s, "a", &[2; 32], t0), Lookup::Conflict));
        // Another scope (API key) does not see it.
        assert!(matches!(c.lookup([8; 32], "a", &[2; 32], t0), Lookup::Miss));
        c.save(s, "b", saved(2), t0);
        c.save(s, "c", saved(3), t0);
        assert_eq!(c.len(), 2, "capacity");
        assert!(
            matches!(c.lookup(s, "a", &[1; 32], t0), Lookup::Miss),
            "oldest dropped"
        );
        let later = t0 + Duration::from_secs(61);
        assert!(
            matches!(c.lookup(s, "c", &[3; 32], later), Lookup::Miss),
            "expired"
        );
        assert!(c.is_empty());
    }
}
