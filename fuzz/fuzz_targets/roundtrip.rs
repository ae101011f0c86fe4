//! Fuzz target `roundtrip`: see `token_preflight_fuzz::oracles::roundtrip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::oracles::roundtrip(data);
});
