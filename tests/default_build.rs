//! A library user's build of `token-validate` (default features, or `serve`) compiles no
//! command-line dependency: no clap. The default build has no HTTP or async stack either
//! (hyper, tokio, rustls, ring, tower, axum): those come with the features that need them.
//! Checked on `cargo tree` of the locked workspace, which resolves features the way a
//! dependent's build does.

use std::path::Path;
use std::process::Command;

/// The crates (`name`) a build of token-validate with these cargo arguments compiles
/// (normal dependencies, with proc macros; not build scripts' dependencies).
fn crates(features: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--locked", "-p", "token-validate"])
        .args(["-e", "normal", "--prefix", "none", "--format", "{p}"])
        .args(features)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree {features:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn has(crates: &[String], prefix: &str) -> bool {
    crates.iter().any(|c| {
        c == prefix || c.starts_with(&format!("{prefix}_")) || c.starts_with(&format!("{prefix}-"))
    })
}

const CLI: &[&str] = &["clap"];
const RUNTIME: &[&str] = &["hyper", "tokio", "rustls", "ring", "tower", "axum", "http"];

#[test]
fn the_default_build_has_no_cli_or_server_dependency() {
    let default = crates(&[]);
    // What a library user needs is there: the check sees the tree.
    for needed in ["token-validate", "token-derive", "token-spec", "serde_json"] {
        assert!(has(&default, needed), "{needed} missing from {default:?}");
    }
    for unwanted in CLI.iter().chain(RUNTIME) {
        assert!(
            !has(&default, unwanted),
            "the default build compiles {unwanted}: {default:?}"
        );
    }
    println!("token-validate, default features: {} crates", default.len());
}

#[test]
fn serve_without_cli_compiles_no_clap() {
    let serve = crates(&["--features", "serve"]);
    for needed in ["hyper", "tokio", "rustls"] {
        assert!(has(&serve, needed), "{needed} missing from {serve:?}");
    }
    for unwanted in CLI {
        assert!(
            !has(&serve, unwanted),
            "feature serve compiles {unwanted}: {serve:?}"
        );
    }
    println!("token-validate, feature serve: {} crates", serve.len());
}

#[test]
fn the_cli_feature_brings_clap() {
    let cli = crates(&["--features", "cli"]);
    assert!(has(&cli, "clap"), "{cli:?}");
    println!("token-validate, feature cli: {} crates", cli.len());
}
