//! Examples and end-to-end tests of the token-preflight crates live in `examples/` and
//! `tests/`; this library is empty on purpose.
