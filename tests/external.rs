//! Builds and runs `tests/external-crate`, a crate outside the workspace that depends on
//! `token-validate` only: the derive must expand to paths that resolve there
//! (`::token_validate::...`), with no `token-derive` or `token-spec` dependency.
//!
//! Its dependency tree (token-validate without default features) is exactly the one
//! trybuild builds for the compile-fail cases (`tests/compile-fail`, whose only dependency
//! is token-validate without default features), so it is built the way trybuild builds
//! it, in trybuild's target directory: whichever of the two tests runs first compiles the
//! tree, the other reuses it. The settings below are trybuild 1.0.122's (`src/cargo.rs`,
//! `src/rustflags.rs`: `CARGO_TARGET_DIR`, `--target`, `CARGO_INCREMENTAL=0`, the
//! `rustflags`, the default `dev` profile). Should trybuild change them, this test still
//! builds and checks the same thing; it only compiles the tree a second time. The external
//! crate's own `Cargo.lock` must pin the versions of the workspace's `Cargo.lock` (which
//! trybuild copies): `external_lock_pins_the_workspace_versions` checks it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `<target>/tests/trybuild`, where trybuild builds its cases (`<target>` is the directory
/// this test runs from: `<target>/debug/deps/external-…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("tests").join("trybuild")
}

/// The `rustflags` trybuild 1.0.122 builds with (`--cfg trybuild --verbose -A dead_code`),
/// as a TOML array for `--config`.
const TRYBUILD_RUSTFLAGS: &str = r#"["--cfg", "trybuild", "--verbose", "-A", "dead_code"]"#;

#[test]
fn external_crate_derives_and_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--locked", "--offline", "--manifest-path"])
        .arg(root.join("tests/external-crate/Cargo.toml"))
        .args(["--target", target_tuple::TARGET])
        .arg(format!("--config=build.rustflags={TRYBUILD_RUSTFLAGS}"))
        .arg(format!(
            "--config=target.{}.rustflags={TRYBUILD_RUSTFLAGS}",
            target_tuple::TARGET
        ))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_INCREMENTAL", "0")
        // Not the flags this test was built with (coverage, sanitizers).
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the external crate failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    assert_eq!(
        stdout,
        "\
cart 7
card (card): ok card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[address_zip]=94107
bad card (card): 402 card_error code=incorrect_number param=number: Your card number is incorrect.
person (person): ok person[first_name]=Jenny&person[dob][day]=29&person[dob][month]=2&person[dob][year]=2000&person[address][line1]=1+Main+St
person, live key (person): 400 invalid_request_error code=- param=-: You can only create person tokens with your application's publishable key in live mode. You can use your application's secret key to create person tokens only in test mode.
"
    );
}

/// `(name, version)` of every package of a `Cargo.lock`.
fn locked_packages(lock: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            out.push((n, v.trim_matches('"').to_string()));
        }
    }
    out
}

/// The external crate's dependencies are locked at the workspace's versions: what the
/// workspace tests is what the external crate uses, and its build is trybuild's (above).
/// After a change to the workspace's lock, do what trybuild does: copy it over the external
/// crate's and let cargo trim it (`cp Cargo.lock tests/external-crate/ && cargo metadata
/// --offline --format-version 1 --manifest-path tests/external-crate/Cargo.toml >
/// /dev/null`).
#[test]
fn external_lock_pins_the_workspace_versions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect(p);
    let workspace = locked_packages(&read("Cargo.lock"));
    let external = locked_packages(&read("tests/external-crate/Cargo.lock"));
    assert!(external.len() > 10, "{external:?}");
    for (name, version) in external.iter().filter(|(n, _)| n != "token-external") {
        assert!(
            workspace.iter().any(|(n, v)| n == name && v == version),
            "tests/external-crate/Cargo.lock has {name} {version}, which the workspace's \
             Cargo.lock does not: run `cp Cargo.lock tests/external-crate/ && cargo metadata \
             --offline --format-version 1 --manifest-path tests/external-crate/Cargo.toml \
             > /dev/null`"
        );
    }
}
