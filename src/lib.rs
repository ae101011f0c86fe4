//! Examples and end-to-end tests of the token-preflight crates live in `examples/` and
//! `tests/`; this library holds no code. It compiles and runs every Rust block of the
//! README as a doctest, so the README cannot drift from the API.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The code blocks of `token-derive/README.md`, run as doctests here: the derive is used
/// through `token-validate`, which `token-derive` itself cannot depend on.
#[cfg(doctest)]
#[doc = include_str!("../token-derive/README.md")]
pub struct TokenDeriveReadme;
