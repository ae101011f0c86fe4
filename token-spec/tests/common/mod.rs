//! Stripe's files that tests hold the spec against are not in this repository: they are
//! read from the team's reference folder, `../shared/reference/` beside the repository
//! (looked for above this package, so that a worktree or an unpacked crate finds it too), or
//! from `$STRIPE_REFERENCE_DIR`. Where it is absent, as for a user of the packaged crate,
//! the tests that need it say so and pass.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

/// Says that (part of) a test is skipped, in the test run's output: straight to the
/// process's standard error, which the test harness does not capture.
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}

/// The reference folder, if there is one.
pub fn reference_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STRIPE_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/reference"))
        .find(|d| d.join("stripe-openapi-tokens.json").is_file())
}

/// A file of the reference folder, gunzipped if its name ends in `.gz`; `None`, with a line
/// saying the test is skipped, where it is absent.
pub fn reference_bytes(name: &str, test: &str) -> Option<Vec<u8>> {
    let Some(path) = reference_dir()
        .map(|d| d.join(name))
        .filter(|p| p.is_file())
    else {
        skip(
            test,
            &format!(
                "Stripe's `{name}` is not here (../shared/reference/ or $STRIPE_REFERENCE_DIR)"
            ),
        );
        return None;
    };
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !name.ends_with(".gz") {
        return Some(raw);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(out)
}

/// A reference document, parsed (JSON or YAML).
pub fn reference_doc(name: &str, test: &str) -> Option<serde_json::Value> {
    reference_bytes(name, test)
        .map(|b| token_spec::import::parse_document(&b).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// The names of Stripe's spec3 files of 2017 to 2023 in `openapi-history/`, oldest first.
pub fn history_files() -> Vec<String> {
    let Some(dir) = reference_dir().map(|d| d.join("openapi-history")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("spec3-") && n.ends_with(".gz"))
                .map(|n| format!("openapi-history/{n}"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
