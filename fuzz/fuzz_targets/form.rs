//! Fuzz target `form`: see `token_preflight_fuzz::oracles::form`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::oracles::form(data);
});
