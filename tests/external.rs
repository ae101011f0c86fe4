//! Builds and runs `tests/external-crate`, a crate outside the workspace that depends on
//! `token-validate` only: the derive must expand to paths that resolve there
//! (`::token_validate::...`), with no `token-derive` or `token-spec` dependency.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `<target>/external`, next to the `debug` directory this test runs from
/// (`<target>/debug/deps/external-…`): its own target directory, so it does not wait
/// for the lock of the one `cargo test` holds.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("external")
}

#[test]
fn external_crate_derives_and_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--locked", "--offline", "--manifest-path"])
        .arg(root.join("tests/external-crate/Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
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
