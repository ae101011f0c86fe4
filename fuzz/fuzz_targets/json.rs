//! Fuzz target `json`: see `token_preflight_fuzz::oracles::json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::oracles::json(data);
});
