//! The `token-validate` command line, run as a user would.
//!
//! The files these tests read are inside this package, so that the published crate's tests
//! run on their own: `tests/data/` mirrors the workspace's layout with symbolic links
//! (`examples/requests`, `token-spec/spec`), which `cargo package` replaces with the files
//! themselves. The commands run from `tests/data/`, so the paths they are given and print
//! are the workspace's own (`examples/requests/valid/card.form`). Stripe's own OpenAPI files
//! are not in the repository: the spec update tests read them from the team's reference
//! folder (`../shared/reference/`, or `$STRIPE_REFERENCE_DIR`) and say so when it is absent.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use binary::{BIN, newer_openapi, scratch, with_stdin};

#[path = "common/binary.rs"]
mod binary;

/// Where the commands run: this package's mirror of the workspace's files.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
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
    let mut child = Command::new("script")
        .args(["-qec", &format!("{BIN} check"), "/dev/null"])
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
    let out = with_stdin(Command::new(BIN).arg("check"), b"pii[id_number]=000000000");
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
    // Review 1 L3: value names in any case (`--format FORM`, `errors --confidence h`).
    let out = run(&[
        "check",
        "--now",
        "2026-11-29",
        "--format",
        "FORM",
        "examples/requests/valid/card.form",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lower = run(&["errors", "--json", "--confidence", "h"]);
    let upper = run(&["errors", "--json", "--confidence", "H"]);
    assert_eq!(lower.status.code(), Some(0));
    assert!(!lower.stdout.is_empty());
    assert_eq!(lower.stdout, upper.stdout);
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
    let out = with_stdin(
        Command::new(BIN).args(["check", "--now", "2026-11-29"]),
        b"{\"pii\": {\"id_number\": \"000000000\"}}",
    );
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
    // Stripe's 8 top-level parameters, and those of accepted.json (client fields, Apple
    // Pay).
    let spec = token_validate::token_spec::bundled();
    let top = spec.nodes()[0].children.len();
    assert_eq!(schema["properties"].as_object().unwrap().len(), top);
    let accepted = spec.nodes()[0]
        .children
        .iter()
        .filter(|c| spec.is_accepted(**c))
        .count();
    assert_eq!(top - accepted, 8);
}

/// Says that (part of) a test is skipped, past the harness's capture.
fn skip(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}

/// A file of the reference folder (`../shared/reference/` above this package, or
/// `$STRIPE_REFERENCE_DIR`), gunzipped when it ends in `.gz`; `None` where absent.
fn reference(name: &str, test: &str) -> Option<Vec<u8>> {
    let dir = match std::env::var_os("STRIPE_REFERENCE_DIR") {
        Some(d) => Some(PathBuf::from(d)),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|a| a.join("shared/reference"))
            .find(|d| d.is_dir()),
    };
    let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.is_file()) else {
        skip(
            test,
            &format!("Stripe's `{name}` is not here (../shared/reference/)"),
        );
        return None;
    };
    let raw = std::fs::read(&path).unwrap();
    if !name.ends_with(".gz") {
        return Some(raw);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .unwrap();
    Some(out)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `diff` exits 0 when the specs are the same, 1 when they differ (documentation included,
/// unless `--no-docs`), 2 on an error.
#[test]
fn diff_exit_status_says_whether_the_specs_differ() {
    let dir = scratch("diff_exit_status");
    let params = "token-spec/spec/params.json";
    let out = run(&["diff", params, params]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let version = token_validate::token_spec::bundled().api_version.clone();
    assert_eq!(
        text(&out).0,
        format!("Spec diff: {version} -> {version}\n0 parameters added, 0 removed; 0 changes\n")
    );
    // One doc changed: the specs differ, unless docs are left out.
    let mut s: serde_json::Value =
        serde_json::from_str(token_validate::token_spec::BUNDLED_STRUCTURE).unwrap();
    s["params"][0]["doc"] = "Other words.".into();
    let changed = dir.join("params.json");
    std::fs::write(&changed, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    let changed = changed.to_str().unwrap();
    let out = run(&["diff", params, changed]);
    assert_eq!(out.status.code(), Some(1));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("0 changes; 1 doc change\n"), "{stdout}");
    assert!(stdout.contains("      + Other words.\n"), "{stdout}");
    assert_eq!(
        run(&["diff", "--no-docs", params, changed]).status.code(),
        Some(0)
    );
    let out = run(&["diff", "--json", params, changed]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["docs"][0]["to"], "Other words.");
    // Errors: a missing file, a file that is neither a spec nor Stripe's OpenAPI.
    let out = run(&["diff", params, "does/not/exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("does/not/exist.json"));
    let out = run(&["diff", params, "examples/requests/valid/card.form"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("examples/requests/valid/card.form"),
        "{:?}",
        text(&out)
    );
}

/// The rule layer without what names a parameter `structure` lacks: the README's "update the
/// rules first", done by machine for a test.
fn rules_fitting(structure: &serde_json::Value) -> serde_json::Value {
    let paths: Vec<&str> = structure["params"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["path"].as_str())
        .collect();
    let known = |v: &serde_json::Value| match v.as_str() {
        Some(p) if p.contains('[') => paths.contains(&p),
        _ => true,
    };
    let mut rules: serde_json::Value =
        serde_json::from_str(token_validate::token_spec::BUNDLED_RULES).unwrap();
    rules["refine"]
        .as_object_mut()
        .unwrap()
        .retain(|path, _| paths.contains(&path.as_str()));
    rules["rules"].as_array_mut().unwrap().retain(|r| {
        let params = r["params"].as_array().into_iter().flatten();
        let args = r["args"].as_object().into_iter().flat_map(|a| a.values());
        params.chain(args).all(known)
    });
    rules
}

/// The README's update procedure, with the commands a maintainer runs, on Stripe's real
/// files: the 2026 extract (the bundled version: nothing changes) and the 2023 YAML of the
/// public history (an older version: the rule layer must be fitted first, then the diff
/// shows what 2023 lacks). Loading the result and generating its validators is
/// token-derive's `update_procedure_*` test.
#[test]
fn update_procedure_on_stripe_files() {
    let test = "update_procedure_on_stripe_files";
    let (Some(extract), Some(yaml)) = (
        reference("stripe-openapi-tokens.json", test),
        reference("openapi-history/spec3-2023-09-12-63a67463.yaml.gz", test),
    ) else {
        return;
    };
    let dir = scratch(test);
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(path("stripe-openapi-tokens.json"), &extract).unwrap();
    std::fs::write(path("spec3.yaml"), &yaml).unwrap();
    // The repository's params.json, in a copy the test may overwrite.
    std::fs::write(
        path("params.json"),
        token_validate::token_spec::BUNDLED_STRUCTURE,
    )
    .unwrap();
    let bundled_version = token_validate::token_spec::bundled().api_version.clone();

    // 1. Keep OLD. 2. Import over params.json. 3. Diff OLD NEW.
    std::fs::copy(path("params.json"), path("params.old.json")).unwrap();
    let out = run(&[
        "import-openapi",
        &path("stripe-openapi-tokens.json"),
        "-o",
        &path("params.json"),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("rebuild for check and serve"), "{stderr}");
    let same_version = serde_json::from_slice::<serde_json::Value>(&extract).unwrap()["source"]["api_version"]
        == bundled_version.as_str();
    let out = run(&["diff", &path("params.old.json"), &path("params.json")]);
    if same_version {
        // The extract of the bundled version gives the bundled structure, docs and all.
        assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
        assert!(stderr.contains(" 0 new parameters"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(path("params.json")).unwrap(),
            token_validate::token_spec::BUNDLED_STRUCTURE
        );
    } else {
        assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    }

    // The 2023 YAML: today's rule layer names parameters 2023 lacks. The import says which
    // and leaves params.json as it was.
    let before = std::fs::read_to_string(path("params.json")).unwrap();
    std::fs::copy(path("params.json"), path("params.old.json")).unwrap();
    let out = run(&[
        "import-openapi",
        &path("spec3.yaml"),
        "-o",
        &path("params.json"),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not fit the rule layer"), "{stderr}");
    assert!(stderr.contains("bank_account[payment_method]"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(path("params.json")).unwrap(),
        before
    );
    // With the rules fitted, it imports.
    let structure_2023 = {
        let doc = token_validate::token_spec::import::parse_document(&yaml).unwrap();
        serde_json::to_value(token_validate::token_spec::import::import_openapi(&doc).unwrap())
            .unwrap()
    };
    std::fs::write(
        path("rules.json"),
        rules_fitting(&structure_2023).to_string(),
    )
    .unwrap();
    let out = run(&[
        "import-openapi",
        &path("spec3.yaml"),
        "--rules",
        &path("rules.json"),
        "-o",
        &path("params.json"),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("note:"),
        "today's shapes need no note: {stderr}"
    );
    let out = run(&["diff", &path("params.old.json"), &path("params.json")]);
    assert_eq!(out.status.code(), Some(1));
    let (stdout, _) = text(&out);
    // OLD is what the first import wrote: the extract's version.
    let extract_version = serde_json::from_slice::<serde_json::Value>(&extract).unwrap()["source"]
        ["api_version"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        stdout.starts_with(&format!("Spec diff: {extract_version} -> 2023-08-16\n")),
        "{stdout}"
    );
    if same_version {
        assert!(
            stdout.contains(
                "0 parameters added, 39 removed; 0 objects added, 12 removed; 3 changes\n"
            ),
            "{stdout}"
        );
    }
    // Our docs are kept for every parameter 2023 has: no doc changes.
    assert!(!stdout.contains("Documentation changed"), "{stdout}");
    assert!(stdout.contains("Source: "), "{stdout}");
    // The JSON form says the same, and --no-docs leaves out the source.
    let out = run(&[
        "diff",
        "--json",
        "--no-docs",
        &path("params.old.json"),
        &path("params.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["source"].is_null() && json["docs"].as_array().unwrap().is_empty());
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
    let gates: usize = spec
        .gates
        .iter()
        .map(|g| usize::from(g.missing_before.is_some()) + usize::from(g.added_before.is_some()))
        .sum();
    let want = spec.errors.len() + rule_ids.len() + keys + spec.http.len() + gates;

    let out = run(&["errors", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let all: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    // After the error definitions, the parameters accepted beyond Stripe's OpenAPI, each
    // with its source and confidence.
    let (accepted, lines): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|l| l["origin"] == "accepted");
    let want_accepted = spec.nodes().iter().filter(|n| n.accepted.is_some()).count();
    assert_eq!(accepted.len(), want_accepted);
    for l in &accepted {
        for field in ["name", "what", "source"] {
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
    let alias = accepted
        .iter()
        .find(|l| l["name"] == "pii[personal_id_number]")
        .expect("the alias is listed");
    assert_eq!(alias["alias_of"], "pii[id_number]");
    assert_eq!(lines.len(), want);
    for l in &lines {
        for field in ["origin", "name", "type", "param", "message", "source"] {
            assert!(
                l[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {l}"
            );
        }
        // An HTTP answer about the transport is off the scale, and says so.
        match l["confidence"].as_str() {
            Some("H" | "M" | "L") => {}
            Some("protocol") => assert_eq!(l["origin"], "http", "{l}"),
            _ => panic!("{l}"),
        }
    }
    let protocol = spec
        .http
        .values()
        .filter(|d| d.confidence.graded().is_none())
        .count();
    assert!(protocol > 0);
    // The head answers, the 413 and the 408 are among them.
    for name in [
        "bad_header",
        "uri_too_long",
        "body_too_large",
        "body_timeout",
    ] {
        let line = lines
            .iter()
            .find(|l| l["origin"] == "http" && l["name"] == name)
            .expect("the answer is listed");
        assert_eq!(line["confidence"], "protocol", "{line}");
    }
    let out = run(&["errors", "--confidence", "protocol"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("off the confidence scale: a protocol-level answer")
            .count(),
        protocol,
        "{text}"
    );
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
    // The filter keeps one confidence, and the three and the protocol-level answers add up.
    let count = |c: &str| {
        let out = run(&["errors", "--json", "--confidence", c]);
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(count("protocol"), protocol);
    assert_eq!(
        count("H") + count("M") + count("L") + count("protocol"),
        want + want_accepted
    );
    // The text form names each definition.
    let text = String::from_utf8_lossy(&run(&["errors"]).stdout).into_owned();
    assert!(
        text.contains("luhn") || text.contains("incorrect_number"),
        "{text}"
    );
    assert!(
        text.contains("pii[personal_id_number] [accepted] alias of pii[id_number]"),
        "{text}"
    );
    assert_eq!(run(&["errors", "--confidence", "X"]).status.code(), Some(2));
}

/// Issue 16: `check --enforce` makes problems below the threshold warnings, printed in the
/// body's line; `--query` sends a URL query with the bodies.
#[test]
fn check_enforce_and_query() {
    let check = |args: &[&str], body: &str| {
        let out = with_stdin(
            Command::new(BIN)
                .args(["check", "--now", "2026-11-29", "--format", "form"])
                .args(args)
                .arg("-")
                .current_dir(DATA),
            body.as_bytes(),
        );
        let line: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code(), line)
    };
    // A past month of this year: an L problem.
    let past = "card[number]=4242424242424242&card[exp_month]=1&card[exp_year]=2026";
    let (code, line) = check(&[], past);
    assert_eq!((code, &line["valid"]), (Some(1), &serde_json::json!(false)));
    let (code, line) = check(&["--enforce", "M"], past);
    assert_eq!(code, Some(0), "{line}");
    assert_eq!(line["valid"], true);
    assert_eq!(line["warnings"][0]["code"], "invalid_expiry_month");
    // No warnings: no `warnings` key (the line is unchanged).
    let (_, line) = check(&["--enforce", "M"], "cvc_update[cvc]=123");
    assert!(line.get("warnings").is_none(), "{line}");
    assert_eq!(check(&["--enforce", "X"], "").0, Some(2));
    // The query string.
    let (code, line) = check(
        &[
            "--query",
            "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034",
        ],
        "",
    );
    assert_eq!((code, &line["kind"]), (Some(0), &serde_json::json!("card")));
}

/// `check --stripe-version`: the request is validated as that API version (its version
/// gates); `diff --changelog` prints the spec's changelog per version.
#[test]
fn check_as_a_version_and_the_changelog() {
    let dir = scratch("check_as_a_version_and_the_changelog");
    let body = dir.join("legal_entity.form");
    std::fs::write(
        &body,
        "account[legal_entity][first_name]=Legal&account[legal_entity][last_name]=Eagle",
    )
    .unwrap();
    let body = body.to_string_lossy().into_owned();
    let out = run(&["check", "--stripe-version", "2015-10-12", &body]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains(r#""kind":"account""#));
    let out = run(&["check", &body]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).0.contains(r#""param":"account[legal_entity]""#));

    let out = run(&["diff", "--changelog"]);
    assert_eq!(out.status.code(), Some(0));
    let spec = token_validate::token_spec::bundled();
    assert_eq!(
        text(&out).0,
        token_validate::token_spec::history::changelog(spec).to_string()
    );
    let out = run(&["diff", "--changelog", "--since", "2023-08-16", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions: Vec<&str> = json["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions.first(), Some(&"2023-10-16"), "{versions:?}");
    assert_eq!(versions.last(), Some(&"2026-10-28.endive"), "{versions:?}");
    let out = run(&["diff", "--changelog", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["diff"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `check --openapi FILE`: a Stripe OpenAPI document newer than the bundled spec teaches
/// its extra parameters, checked as it states them and listed in the body's line. The
/// document is our own (an invented future version and parameter).
#[test]
fn check_learns_from_a_newer_openapi() {
    let dir = scratch("check_learns_from_a_newer_openapi");
    let doc = newer_openapi(&dir);
    let ok = dir.join("ok.form");
    std::fs::write(
        &ok,
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[nickname]=travel",
    )
    .unwrap();
    let long = dir.join("long.form");
    std::fs::write(
        &long,
        "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[nickname]=far+too+long",
    )
    .unwrap();
    let (doc, ok, long) = (
        doc.to_string_lossy().into_owned(),
        ok.to_string_lossy().into_owned(),
        long.to_string_lossy().into_owned(),
    );
    let out = run(&["check", "--openapi", &doc, &ok, &long]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let lines: Vec<serde_json::Value> = text(&out)
        .0
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(
        lines[0]["runtime_params"],
        serde_json::json!(["card[nickname]"])
    );
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["error"]["param"], "card[nickname]");
    // Without it: unknown.
    let out = run(&["check", &ok]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).0.contains("parameter_unknown"));
    // A document that is not one: exit 2, saying why.
    let out = run(&["check", "--openapi", &ok, &ok]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("--openapi"), "{:?}", text(&out));
}
