//! The body scanners of our own: bytes in, the pieces the generated validators read out, in
//! one pass, borrowing from the body and allocating nothing on a well-formed body.
//!
//! - [`json`]: a pull cursor over a JSON body ([`json::Scanner`]), exactly as strict as
//!   `serde_json` (proved by the `json_differential` fuzz target), numbers kept as their
//!   text, keys as raw bytes a generated `match` compares without building a `&str`.
//! - [`form`]: an `application/x-www-form-urlencoded` body in Stripe's bracket notation
//!   ([`form::Scanner`]): pairs and bracket segments split with byte searches, keys and values
//!   percent-decoded only when they hold `%` or `+`.
//!
//! Both hand strings over as [`Decoded`]: borrowed from the body when they needed no
//! decoding, else decoded into a buffer the caller gives (a stack array sized for the
//! spec's values), and onto the heap only when that buffer is too small.
//!
//! These modules are `#[doc(hidden)]` plumbing for the generated validators and the fuzz
//! targets, not a stable API.

mod bytes;
pub mod form;
pub mod json;

pub use bytes::Decoded;
#[cfg(test)]
use bytes::find;

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn find_finds_the_first_match_at_every_alignment() {
        let naive = |b: &[u8], from: usize| {
            b[from..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(b.len(), |p| from + p)
        };
        // Every position of every kind of match (and none), behind every other kind, so a
        // borrow from one byte into the next is exercised too.
        let specials = [b'"', b'\\', 0x00, 0x1f, 0x0a];
        let fillers = [
            b'a',
            0x20,
            0x21,
            0x7f,
            0x80,
            0xa0,
            0xff,
            b'"' + 1,
            b'\\' - 1,
        ];
        for len in 0..24 {
            for filler in fillers {
                let mut body = vec![filler; len];
                assert_eq!(find(&body, 0, [b'"', b'\\'], 0x20), naive(&body, 0));
                for at in 0..len {
                    for s in specials {
                        body[at] = s;
                        for from in 0..=at {
                            assert_eq!(
                                find(&body, from, [b'"', b'\\'], 0x20),
                                naive(&body, from),
                                "{body:?} from {from}"
                            );
                        }
                        if at + 1 < len {
                            body[at + 1] = b'"';
                            assert_eq!(find(&body, 0, [b'"', b'\\'], 0x20), naive(&body, 0));
                            body[at + 1] = filler;
                        }
                        body[at] = filler;
                    }
                }
            }
        }
    }

    #[test]
    fn decoded_hides_its_text_in_debug() {
        let d = Decoded::Body("4242424242424242");
        assert_eq!(format!("{d:?}"), "Decoded::Body(16 bytes)");
        assert_eq!(&*d, "4242424242424242");
        assert!(matches!(Decoded::Buf("x").into_cow(), Cow::Owned(_)));
    }
}
