//! The `token-validate` command line, run as a user would.
//!
//! The files these tests read are inside this package, so that the published crate's tests
//! run on their own: `tests/data/` mirrors the workspace's layout with symbolic links
//! (`examples/requests`, `token-spec/spec`, `token-spec/tests/data`), which `cargo package`
//! replaces with the files themselves. The commands run from `tests/data/`, so the paths
//! they are given and print are the workspace's own (`examples/requests/valid/card.form`).

use std::process::{Command, Output};

/// Where the commands run: this package's mirror of the workspace's files.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_token-validate"))
        .args(args)
        .current_dir(DATA)
        .output()
        .expect("the binary runs")
}

fn example_requests() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["valid", "invalid"] {
        let path = format!("{DATA}/examples/requests/{dir}");
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| {
                format!(
                    "examples/requests/{dir}/{}",
                    e.unwrap().file_name().to_string_lossy()
                )
            })
            .collect();
        names.sort();
        files.extend(names);
    }
    files
}

#[test]
fn check_prints_one_json_line_per_body() {
    let files = example_requests();
    let mut args = vec!["check", "--now", "2026-11-29"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1), "some bodies are invalid");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(line["input"], file.as_str());
        assert_eq!(line["valid"], file.contains("/valid/"), "{file}: {line}");
    }
    insta::assert_snapshot!("check_examples", stdout);
}

/// The examples do not age: in 2045, and up to the last day before the first of their card
/// expiries (01/2050) runs out, every body gets the answer it gets today.
#[test]
fn the_examples_verdicts_do_not_change_with_the_date() {
    let files = example_requests();
    let check = |now: &str| {
        let mut args = vec!["check", "--now", now];
        args.extend(files.iter().map(String::as_str));
        String::from_utf8(run(&args).stdout).unwrap()
    };
    let today = check("2026-11-29");
    assert_eq!(today.lines().count(), files.len());
    for later in ["2045-01-01", "2050-01-31"] {
        assert_eq!(check(later), today, "--now {later}");
    }
}

/// `check --account` with a value that is not an `acct_…` id: a warning on standard error,
/// the bodies checked as with any account.
#[test]
fn an_account_not_of_stripes_form_gets_a_warning() {
    let customer = "examples/requests/invalid/customer-without-account.form";
    let out = run(&["check", "--account", "bogus", customer]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: --account \"bogus\" is not a connected account id"),
        "{stderr}"
    );
    let out = run(&["check", "--account", "acct_1032D82eZvKYlo2C", customer]);
    assert_eq!((out.status.code(), out.stderr.len()), (Some(0), 0));
}

/// A file whose extension is neither `.json` nor `.form` is read by its first character, as
/// `--help` says: JSON in a `.txt` file is JSON.
#[test]
fn other_extensions_are_read_by_their_first_character() {
    let dir = std::env::temp_dir().join(format!("token-validate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("body.txt");
    std::fs::write(&json, br#" {"pii": {"id_number": "000000000"}}"#).unwrap();
    let form = dir.join("body");
    std::fs::write(&form, b"pii[id_number]=000000000").unwrap();
    for f in [&json, &form] {
        let out = run(&["check", f.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `check` with no file, on a terminal, says that it reads standard input (run under
/// `script`, util-linux's, which gives it a terminal); from a pipe it says nothing.
#[cfg(unix)]
#[test]
fn check_on_a_terminal_says_it_reads_standard_input() {
    use std::io::Write as _;
    let bin = env!("CARGO_BIN_EXE_token-validate");
    let mut child = Command::new("script")
        .args(["-qec", &format!("{bin} check"), "/dev/null"])
        .current_dir(DATA)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"pii[id_number]=000000000\n\x04").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reading a request body from standard input"),
        "{text}"
    );
    assert!(text.contains(r#""valid":true,"kind":"pii""#), "{text}");
    // From a pipe: the body, no notice.
    let mut child = Command::new(bin)
        .arg("check")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"pii[id_number]=000000000")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!((out.status.code(), out.stderr.len()), (Some(0), 0));
}

/// `check --help` and `serve --help` give the body-size ceiling the library applies.
#[test]
fn help_gives_the_body_ceiling() {
    let ceiling = token_validate::HARD_MAX_BODY_BYTES.to_string();
    for cmd in ["check", "serve"] {
        let out = run(&[cmd, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains(&format!("at most {ceiling}")),
            "{cmd} --help:\n{help}"
        );
    }
}

#[test]
fn exit_status_is_0_when_all_are_valid() {
    let out = run(&[
        "check",
        "--now",
        "2026-11-29",
        "examples/requests/valid/card.form",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"input\":\"examples/requests/valid/card.form\",\"valid\":true,\"kind\":\"card\"}\n"
    );
}

#[test]
fn key_and_account_make_the_context() {
    let person = "examples/requests/valid/person.form";
    let live_secret = run(&["check", "--key", "sk_live_abc", person]);
    assert_eq!(live_secret.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&live_secret.stdout).contains("person tokens"));
    let live_publishable = run(&["check", "--key", "pk_live_abc", person]);
    assert_eq!(live_publishable.status.code(), Some(0));
    let customer = "examples/requests/invalid/customer-without-account.form";
    assert_eq!(run(&["check", customer]).status.code(), Some(1));
    assert_eq!(
        run(&["check", "--account", "acct_123", customer])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_and_io_errors_exit_2_without_echoing_the_key() {
    let out = run(&[
        "check",
        "--key",
        "sk_prod_TOPSECRET",
        "examples/requests/valid/card.form",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--key") && !stderr.contains("TOPSECRET"),
        "{stderr}"
    );
    let out = run(&["check", "does/not/exist.form"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does/not/exist.form"));
    assert_eq!(
        run(&["check", "--now", "2026-13-01"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(run(&["schema", "bitcoin"]).status.code(), Some(2));
    // The largest --max-body is no overflow: the file is read whole and is valid.
    let huge = u64::MAX.to_string();
    let out = run(&[
        "check",
        "--max-body",
        &huge,
        "--now",
        "2026-11-29",
        "examples/requests/valid/card.form",
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn stdin_is_read_when_no_file_is_given() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_token-validate"))
        .args(["check", "--now", "2026-11-29"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"pii\": {\"id_number\": \"000000000\"}}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"input\":\"-\",\"valid\":true,\"kind\":\"pii\"}\n"
    );
}

#[test]
fn schema_prints_each_kind() {
    for kind in [
        "card",
        "bank_account",
        "cvc_update",
        "pii",
        "person",
        "account",
    ] {
        let out = run(&["schema", kind]);
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(schema["properties"][kind].is_object(), "{kind}");
    }
    let out = run(&["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["properties"].as_object().unwrap().len(), 8);
}

#[test]
fn diff_and_import() {
    let older = "token-spec/tests/data/stripe-openapi-tokens.older.json";
    let current = "token-spec/spec/params.json";
    let out = run(&["diff", older, current]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("39 parameters added"), "{text}");
    let out = run(&["diff", "--json", older, current]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["added"].as_array().unwrap().len(), 39);
    // Importing the vendored extract reproduces the bundled structure byte for byte.
    let out = run(&[
        "import-openapi",
        "token-spec/tests/data/stripe-openapi-tokens.json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        token_validate::token_spec::BUNDLED_STRUCTURE
    );
    // The 2023 structure lacks parameters the rule layer names: the import says so.
    let out = run(&["import-openapi", older]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not fit the rule layer"));
}

#[test]
fn schema_lists_its_kinds_in_help() {
    let out = run(&["schema", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    let kinds: Vec<&str> = token_validate::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert!(
        help.contains(&format!("[possible values: {}]", kinds.join(", "))),
        "{help}"
    );
}

#[test]
fn errors_lists_every_definition_with_its_source_and_confidence() {
    let spec = token_validate::token_spec::bundled();
    let rule_ids: std::collections::BTreeSet<&str> =
        spec.rules.iter().map(|r| r.id.as_str()).collect();
    let keys = spec.kinds.iter().filter(|k| k.key_error.is_some()).count();
    let want = spec.errors.len() + rule_ids.len() + keys + spec.http.len();

    let out = run(&["errors", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), want);
    for l in &lines {
        for field in ["origin", "name", "type", "param", "message", "source"] {
            assert!(
                l[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {l}"
            );
        }
        assert!(
            matches!(l["confidence"].as_str(), Some("H" | "M" | "L")),
            "{l}"
        );
    }
    // Every rule id is listed once, with the spec's message.
    for r in &spec.rules {
        let line = lines
            .iter()
            .find(|l| l["origin"] == "rule" && l["name"] == r.id.as_str())
            .expect("the rule is listed");
        assert_eq!(line["message"], r.error.message.as_str());
        assert_eq!(line["checks"], r.doc.as_str());
    }
    // The card rules say what they check with the spec's brand tables.
    let cvc = lines.iter().find(|l| l["name"] == "card_cvc").unwrap();
    assert!(
        cvc["checks"]
            .as_str()
            .unwrap()
            .contains("American Express 3 or 4"),
        "{cvc}"
    );
    // The filter keeps one confidence, and the three add up.
    let count = |c: &str| {
        let out = run(&["errors", "--json", "--confidence", c]);
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(count("H") + count("M") + count("L"), want);
    // The text form names each definition.
    let text = String::from_utf8_lossy(&run(&["errors"]).stdout).into_owned();
    assert!(
        text.contains("luhn") || text.contains("incorrect_number"),
        "{text}"
    );
    assert_eq!(run(&["errors", "--confidence", "X"]).status.code(), Some(2));
}
