//! `#[derive(TokenRequest)]`'s compile errors, pinned with trybuild: every file in
//! `tests/ui/` must fail to build with exactly its `.stderr`, and every file in
//! `tests/ui/pass/` must build and run.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p token-compile-fail
//! --test compile_fail`, then read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
