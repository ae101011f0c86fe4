//! Fuzz target `serve`: see `token_preflight_fuzz::oracles::serve`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::oracles::serve(data);
});
