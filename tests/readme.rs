//! What the READMEs say, checked against what the code does: the flags of `serve` with their
//! environment variables and defaults (the flag table of README.md), the body limits and
//! their ceilings (README.md and token-validate/README.md), and how many client bodies of
//! how many clients `tests/data/client-bodies/` holds (counted here). The READMEs' Rust
//! blocks run as doctests (src/lib.rs and each crate's docs); their other figures are
//! checked where they are produced, each counted from the spec: tests/rules.rs
//! `confidence_counts_in_the_readme` (the error definitions by confidence),
//! tests/versions.rs `the_readme_says_what_the_spec_counts` (the leaf parameters at the
//! bundled API version, and the parameters added since 2023-08-16) and tests/accepted.rs
//! `the_readme_counts_the_accepted_parameters` (what `accepted.json` adds).

use token_validate::{
    HARD_MAX_ARRAY_LEN, HARD_MAX_BODY_BYTES, HARD_MAX_DEPTH, HARD_MAX_PARAMS, Limits,
};

const README: &str = include_str!("../README.md");
const VALIDATE_README: &str = include_str!("../token-validate/README.md");

/// The text with its line breaks and runs of spaces made single spaces (prose wraps).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `1024` or `65,536`, as the READMEs write numbers.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    if digits.len() <= 4 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_limits_and_their_ceilings_are_the_codes() {
    let d = Limits::default();
    assert_eq!(
        HARD_MAX_ARRAY_LEN, HARD_MAX_PARAMS,
        "the READMEs give one figure for both"
    );
    let defaults = format!(
        "{} KiB, depth {}, {} values, array indexes below {}",
        d.max_body_bytes / 1024,
        d.max_depth,
        thousands(d.max_params),
        d.max_array_len
    );
    let ceilings = format!(
        "{} MiB, depth {}, {} values and indexes",
        HARD_MAX_BODY_BYTES / (1024 * 1024),
        HARD_MAX_DEPTH,
        thousands(HARD_MAX_PARAMS)
    );
    for (name, text) in [
        ("README.md", README),
        ("token-validate/README.md", VALIDATE_README),
    ] {
        let text = flat(text);
        assert!(text.contains(&defaults), "{name} should say: {defaults}");
        assert!(text.contains(&ceilings), "{name} should say: {ceilings}");
    }
    let flat_readme = flat(README);
    assert!(
        flat_readme.contains(&format!("(413 beyond; at most {HARD_MAX_BODY_BYTES})")),
        "README.md: the --max-body ceiling"
    );
    assert!(flat_readme.contains(&format!(
        "up to the limit ({} KiB)",
        d.max_body_bytes / 1024
    )));
}

/// One row of README.md's flag table: the flag as written, the variable, the default column.
struct Row {
    flag: String,
    env: String,
    default: String,
}

fn flag_table() -> Vec<Row> {
    README
        .lines()
        .filter(|l| l.starts_with("| `--"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let code = |c: &str| c.split('`').nth(1).unwrap_or_default().to_string();
            Row {
                flag: code(cells[0]),
                env: code(cells[1]),
                default: cells.get(2).map(|c| c.to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

#[test]
fn the_serve_flag_table_is_the_clis() {
    let command =
        <token_validate::serve::Args as clap::Args>::augment_args(clap::Command::new("serve"));
    let rows = flag_table();
    let mut seen = 0;
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        seen += 1;
        let row = rows
            .iter()
            .find(|r| r.flag.split([' ', '=']).next() == Some(&format!("--{long}")))
            .unwrap_or_else(|| panic!("README.md's flag table has no row for --{long}"));
        if arg.get_action().takes_values() {
            let value = arg.get_value_names().and_then(|v| v.first()).unwrap();
            assert!(
                row.flag.ends_with(value.as_str()) || row.flag.contains('|'),
                "--{long}: README writes `{}`, the CLI `<{value}>`",
                row.flag
            );
        }
        let env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
        assert_eq!(Some(row.env.clone()), env, "--{long}'s variable");
        match arg.get_default_values().first() {
            Some(default) => {
                let default = default.to_string_lossy();
                assert!(
                    row.default.starts_with(&format!("`{default}`"))
                        || row.default.starts_with(&*default),
                    "--{long}: README's default is {:?}, the CLI's {default}",
                    row.default
                );
            }
            None if long == "mock" => assert_eq!(row.default, "off"),
            // No default of clap's: none, or one that depends on other flags (`--enforce`),
            // which the row says in words.
            None => assert!(!row.default.is_empty(), "--{long}"),
        }
    }
    assert_eq!(
        seen,
        rows.len(),
        "README.md's flag table has rows the CLI does not know"
    );
}

/// README.md says how many bodies of how many clients `tests/data/client-bodies/` holds:
/// counted from the files (one file per client, each body in its `bodies`).
#[test]
fn the_readme_counts_the_client_bodies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/client-bodies");
    let mut clients = std::collections::BTreeSet::new();
    let mut bodies = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        clients.insert(file["client"].as_str().unwrap().to_string());
        bodies += file["bodies"].as_array().unwrap().len();
    }
    assert!(bodies > 0);
    let want = format!(
        "`tests/data/client-bodies/` the {bodies} bodies of {} clients",
        clients.len()
    );
    assert!(flat(README).contains(&want), "README.md should say: {want}");
}

/// token-spec's README (its crate docs) names the API version of the bundled spec in its
/// first sentence; its doctest does not repeat it (it would break on the next update).
#[test]
fn the_spec_readme_names_the_bundled_version() {
    let spec = token_validate::token_spec::bundled();
    let want = format!("(API version `{}`", spec.api_version);
    let text = flat(include_str!("../token-spec/README.md"));
    assert!(
        text.contains(&want),
        "token-spec/README.md should say: {want}"
    );
}
