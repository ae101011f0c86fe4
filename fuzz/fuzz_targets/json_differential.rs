//! Fuzz target `json_differential`: our JSON scanner against serde_json, see
//! `token_preflight_fuzz::differential::json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::differential::json(data);
});
