//! Fuzz target `brackets`: see `token_preflight_fuzz::oracles::brackets`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::oracles::brackets(data);
});
