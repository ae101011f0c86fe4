//! Writes `BENCHMARKS.md` from the results of `cargo bench --bench validate` (criterion's
//! `target/criterion/<group>/<bench>/new/estimates.json`): a table of medians and ratios,
//! the targets, the machine, the date and the command. Run by `scripts/bench.sh`.
//!
//! ```text
//! cargo run --release --example bench_table -- [--out BENCHMARKS.md] [--command "..."]
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// (group, bench, what it measures).
const ROWS: &[(&str, &str, &str)] = &[
    (
        "card_json",
        "check_json",
        "token-validate `check_json` (verdict and kind, every rule)",
    ),
    (
        "card_json",
        "validate_json",
        "token-validate `validate_json` (the typed request too)",
    ),
    (
        "card_json",
        "jsonschema",
        "serde_json parse + jsonschema `is_valid` (our emitted schema)",
    ),
    (
        "card_json",
        "garde",
        "serde_json parse + garde `validate` (hand-written struct)",
    ),
    (
        "card_json",
        "serde_json_floor",
        "serde_json into `CardTokenRequest`, no checks",
    ),
    (
        "card_json",
        "ignored_any",
        "serde_json into `IgnoredAny` (tokenizing floor)",
    ),
    ("person_json", "check_json", "token-validate `check_json`"),
    (
        "person_json",
        "validate_json",
        "token-validate `validate_json`",
    ),
    (
        "person_json",
        "jsonschema",
        "serde_json parse + jsonschema `is_valid`",
    ),
    (
        "person_json",
        "garde",
        "serde_json parse + garde `validate`",
    ),
    (
        "person_json",
        "serde_json_floor",
        "serde_json into `PersonTokenRequest`, no checks",
    ),
    ("person_json", "ignored_any", "serde_json into `IgnoredAny`"),
    ("card_form", "check_form", "token-validate `check_form`"),
    (
        "card_form",
        "validate_form",
        "token-validate `validate_form`",
    ),
    (
        "card_form",
        "serde_qs",
        "serde_qs into `CardTokenRequest`, no checks",
    ),
    (
        "card_form",
        "form_urlencoded",
        "bare `form_urlencoded::parse` iteration (floor)",
    ),
    (
        "invalid_all_errors",
        "check_json",
        "token-validate, all 3 errors collected",
    ),
    (
        "invalid_all_errors",
        "validate_json",
        "token-validate `validate_json`, all 3 errors",
    ),
    (
        "invalid_all_errors",
        "jsonschema_iter_errors",
        "serde_json parse + jsonschema `iter_errors` collected",
    ),
];

/// The growth patterns and their sizes in KiB: the bench's own (`benches/shared/growth.rs`).
#[path = "../benches/shared/growth.rs"]
mod growth;

/// The first bench of each group is ours: ratios are against it.
fn ours(group: &str) -> &'static str {
    match group {
        "card_form" => "check_form",
        _ => "check_json",
    }
}

/// The body size criterion recorded for a growth bench (its throughput, in bytes).
fn bytes_of(criterion: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = criterion.join(group).join(bench).join("new/benchmark.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["throughput"]["Bytes"].as_f64()
}

fn median_ns(criterion: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = criterion.join(group).join(bench).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn human(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn command_output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = token_validate::Date::from_unix_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!(
        "{date} {:02}:{:02}:{:02} UTC",
        t / 3600,
        (t / 60) % 60,
        t % 60
    )
}

fn main() {
    let mut out = PathBuf::from("BENCHMARKS.md");
    let mut command = "cargo bench --bench validate".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            "--command" => command = args.next().unwrap_or(command),
            other => {
                eprintln!("unknown argument {other:?}");
                std::process::exit(2);
            }
        }
    }
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let criterion = Path::new(&target).join("criterion");

    let get = |g: &str, b: &str| median_ns(&criterion, g, b);
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by `scripts/bench.sh` (`examples/bench_table.rs`) from criterion's results; do not edit by hand.\n"
    );
    let _ = writeln!(md, "- Command: `{command}`");
    let _ = writeln!(md, "- Date: {}", now_utc());
    let _ = writeln!(
        md,
        "- Machine: {} CPUs (`nproc`), {}",
        command_output("nproc", &[]),
        cpu_model()
    );
    let _ = writeln!(md, "- Compiler: {}", command_output("rustc", &["-V"]));
    let _ = writeln!(
        md,
        "- Criterion: sample size 50, 1 s warm-up, 3 s measurement; the median of the samples.\n"
    );
    let _ = writeln!(md, "## Medians\n");
    let _ = writeln!(
        md,
        "Ratio: the competitor's median over ours (above 1: we are faster).\n"
    );
    let _ = writeln!(md, "| group | bench | what | median | ratio |");
    let _ = writeln!(md, "|---|---|---|---:|---:|");
    let mut missing = Vec::new();
    for (g, b, what) in ROWS {
        let (median, ratio) = match (get(g, b), get(g, ours(g))) {
            (Some(m), Some(o)) => (human(m), format!("{:.2}x", m / o)),
            (Some(m), None) => (human(m), "–".into()),
            _ => {
                missing.push(format!("{g}/{b}"));
                ("–".into(), "–".into())
            }
        };
        let _ = writeln!(md, "| {g} | {b} | {what} | {median} | {ratio} |");
    }
    let _ = writeln!(md, "\n## Growth\n");
    let _ = writeln!(
        md,
        "`check_*` on pathological bodies (limits raised so that every value is read), time per byte; the ratio is the largest size's over the smallest's.\n"
    );
    let sizes = growth::LARGE;
    let head: Vec<String> = sizes.iter().map(|k| format!("{k} KiB")).collect();
    let _ = writeln!(md, "| pattern | {} | largest / 1 KiB |", head.join(" | "));
    let _ = writeln!(md, "|---|{}---:|", "---:|".repeat(sizes.len()));
    let mut worst_growth: Option<f64> = None;
    for (p, _, measured) in growth::SHAPES {
        let per_byte: Vec<Option<f64>> = sizes
            .iter()
            .map(|kib| {
                if !measured.contains(kib) {
                    return None;
                }
                let bench = format!("{p}/{kib}");
                Some(get("growth", &bench)? / bytes_of(&criterion, "growth", &bench)?)
            })
            .collect();
        let cells: Vec<String> = per_byte
            .iter()
            .map(|v| v.map_or("–".into(), |v| format!("{v:.2} ns/B")))
            .collect();
        let first = per_byte.first().copied().flatten();
        let last = per_byte.iter().rev().find_map(|v| *v);
        let ratio = match (first, last) {
            (Some(a), Some(b))
                if per_byte.iter().filter(|v| v.is_some()).count() == measured.len() =>
            {
                worst_growth = Some(worst_growth.map_or(b / a, |w: f64| w.max(b / a)));
                format!("{:.2}x", b / a)
            }
            _ => {
                missing.push(format!("growth/{p}"));
                "–".into()
            }
        };
        let _ = writeln!(md, "| {p} | {} | {ratio} |", cells.join(" | "));
    }
    let _ = writeln!(md, "\n## Targets\n");
    let _ = writeln!(md, "| target | measured | met |");
    let _ = writeln!(md, "|---|---:|:---:|");
    let mut target = |name: &str, value: Option<f64>, ok: fn(f64) -> bool| {
        let (v, met) = match value {
            Some(v) => (format!("{v:.2}x"), if ok(v) { "yes" } else { "**no**" }),
            None => ("–".into(), "–"),
        };
        let _ = writeln!(md, "| {name} | {v} | {met} |");
    };
    let ratio = |a: (&str, &str), b: (&str, &str)| Some(get(a.0, a.1)? / get(b.0, b.1)?);
    for kind in ["card", "person"] {
        let g = format!("{kind}_json");
        let g = g.as_str();
        target(
            &format!("{kind} JSON: `check_json` ≥ 3x faster than jsonschema parse + `is_valid`"),
            ratio((g, "jsonschema"), (g, "check_json")),
            |v| v >= 3.0,
        );
        target(
            &format!("{kind} JSON: `check_json` ≤ 2x `IgnoredAny` (tokenizing floor)"),
            ratio((g, "check_json"), (g, "ignored_any")),
            |v| v <= 2.0,
        );
        target(
            &format!("{kind} JSON: `validate_json` ≤ 1.3x serde_json into the generated type"),
            ratio((g, "validate_json"), (g, "serde_json_floor")),
            |v| v <= 1.3,
        );
    }
    target(
        "card form: `check_form` ≥ 4x faster than serde_qs",
        ratio(("card_form", "serde_qs"), ("card_form", "check_form")),
        |v| v >= 4.0,
    );
    target(
        "card form: `check_form` ≤ 1.5x a bare `form_urlencoded::parse` iteration",
        ratio(
            ("card_form", "check_form"),
            ("card_form", "form_urlencoded"),
        ),
        |v| v <= 1.5,
    );
    target(
        "invalid body, 3 errors: `check_json` ≥ 2x faster than jsonschema `iter_errors`",
        ratio(
            ("invalid_all_errors", "jsonschema_iter_errors"),
            ("invalid_all_errors", "check_json"),
        ),
        |v| v >= 2.0,
    );
    target(
        "growth: time per byte at the largest size (64 KiB, 2 MiB) ≤ 1.5x that at 1 KiB (worst pattern)",
        worst_growth,
        |v| v <= 1.5,
    );
    let _ = writeln!(md, "\n## Notes\n");
    let _ = writeln!(
        md,
        "- Every competitor is checked, before timing, to accept the valid bodies and to reject the invalid one (`sanity` in `benches/validate.rs`); `serde_qs` parses the generated `CardTokenRequest` directly.\n\
         - `check_*` and `validate_*` do more than the competitors: every rule of the spec (Luhn, brand lengths, expiry against today, CVC by brand, …), the context rules (key type and mode), Stripe's error order; `validate_*` also returns the typed request. Both read the body once, with the validators `token-derive` generates from the spec.\n\
         - The jsonschema competitor uses the JSON Schema that `token-spec` emits (`kind_schema`), which cannot express the semantic rules; the garde structs carry length/range/Luhn/enum rules equivalent to ours.\n\
         - This machine is a 2-core VM whose timings drift between runs; compare the ratios within one run, and rerun `scripts/bench.sh` before drawing conclusions."
    );
    if !missing.is_empty() {
        let _ = writeln!(md, "\nMissing results: {}.", missing.join(", "));
    }
    if let Err(e) = std::fs::write(&out, md) {
        eprintln!("cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
    println!("wrote {}", out.display());
}
