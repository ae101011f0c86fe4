//! Fuzz target `form_differential`: our form scanner against `form_urlencoded`, see
//! `token_preflight_fuzz::differential::form`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    token_preflight_fuzz::differential::form(data);
});
