//! `token-validate`: check Stripe `POST /v1/tokens` bodies, print the spec's JSON Schemas,
//! import Stripe's OpenAPI into the spec and diff two specs.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use token_validate::token_spec::{self, Spec, diff, import, model::StructureFile};
use token_validate::{
    Confidence, Context, Date, Error, Input, Options, RuntimeSpec, validate_request,
};

/// Pre-flight validation of Stripe `POST /v1/tokens` requests, with Stripe's own errors.
#[derive(Parser)]
#[command(name = "token-validate", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate request bodies and print one JSON line per body.
    ///
    /// Valid: {"input": "card.form", "valid": true, "kind": "card"}.
    /// Invalid: {"input": "bad.form", "valid": false, "status": 402, "error": {...},
    /// "errors": [...]}. Exit status: 0 when every body is valid, 1 when any is invalid,
    /// 2 on a usage or I/O error (message on stderr).
    ///
    /// The spec is compiled into this binary: after `import-openapi` has updated
    /// token-spec/spec/params.json, rebuild (`cargo build`) to check against it, or give the
    /// newer OpenAPI document to --openapi.
    Check(CheckArgs),
    /// Print the JSON Schema (draft 2020-12) of a token kind's request body, or of the
    /// whole request body when no kind is given.
    Schema {
        /// The token kind (the spec's kinds).
        #[arg(value_parser = kind_names())]
        kind: Option<String>,
    },
    /// List every error definition of the spec (generic errors, rules, key rules, the
    /// HTTP layer's answers and the version gates' errors): its type, code, param form and
    /// message template, where the wording comes from, how sure we are of it (H observed
    /// from Stripe, M seen on a sibling endpoint, L our wording in Stripe's style; `protocol`
    /// for an HTTP answer about the transport, off that scale and given whatever --enforce:
    /// a body over the limit or too slow, a request head the server cannot read), and for
    /// a rule what it checks. Then the parameters Stripe accepts beyond its OpenAPI
    /// (`accepted.json`: client fields, older names, wallet fields, Apple Pay), each with
    /// its source and how sure we are that Stripe accepts it.
    Errors {
        /// Print one JSON object per line instead of text.
        #[arg(long)]
        json: bool,
        /// Only the definitions of this confidence (`protocol`: the HTTP answers off the
        /// confidence scale, given whatever --enforce).
        #[arg(long, value_parser = ["H", "M", "L", "protocol"], ignore_case = true)]
        confidence: Option<String>,
    },
    /// Print what changed between two specs: parameters added and removed, type, limit,
    /// enum and required-ness changes, and documentation and source changes. With
    /// --changelog: what changed for token requests per Stripe API version, from the
    /// bundled spec (each parameter's `since` and the version gates of versions.json).
    ///
    /// Each spec is a structure file (`params.json`) or a Stripe OpenAPI document (JSON or
    /// YAML: `spec3.json`, `latest/openapi.spec3.json`, `spec3.yaml`, or an extract).
    /// Exit status: 0 when the specs are the same, 1 when they differ, 2 on an error
    /// (--changelog: 0).
    Diff {
        /// The old spec (not with --changelog).
        #[arg(required_unless_present = "changelog")]
        old: Option<PathBuf>,
        /// The new spec (not with --changelog).
        #[arg(required_unless_present = "changelog")]
        new: Option<PathBuf>,
        /// Print the bundled spec's changelog per API version instead: the breaking changes
        /// (version gates, with their sources) and the parameters each version added.
        #[arg(long, conflicts_with_all = ["old", "new", "no_docs"])]
        changelog: bool,
        /// With --changelog: only the versions after this one (what a team pinned to it
        /// may not know of).
        #[arg(long, value_name = "VERSION", requires = "changelog")]
        since: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Leave out documentation and source changes (they then do not count for the exit
        /// status either).
        #[arg(long)]
        no_docs: bool,
    },
    /// Import Stripe's OpenAPI document into the structural part of the spec
    /// (`params.json`), check it against the rule layer, and write it.
    ///
    /// The document: `openapi/spec3.json` or `latest/openapi.spec3.json` of Stripe's
    /// repository stripe/openapi, their `.yaml` forms, or an extract with `request`. No
    /// description is copied: each parameter keeps the doc it has in the structure being
    /// replaced (--docs, default OUT, else the bundled params.json), and a new one gets a
    /// link to its entry in Stripe's API reference. Each parameter keeps its `since` (a new
    /// one gets the imported version). Older shapes (2017–2018) are kept as the notes
    /// printed on stderr say. The rule layer and the version gates (versions.json) must
    /// still fit. The spec is compiled into the crates and this binary: rebuild (`cargo
    /// build`, `cargo test`) for `check` and `serve` to use it, or give the document to
    /// their --openapi meanwhile.
    ImportOpenapi {
        /// Stripe's OpenAPI document (JSON or YAML) or an extract with `request`.
        file: PathBuf,
        /// The rule layer to check against. Default: the bundled `rules.json`.
        #[arg(long, value_name = "RULES")]
        rules: Option<PathBuf>,
        /// Where to write the structure. Default: standard output.
        #[arg(long, short, value_name = "OUT")]
        out: Option<PathBuf>,
        /// The structure whose docs are kept. Default: OUT when it exists, else the
        /// bundled params.json.
        #[arg(long, value_name = "PARAMS")]
        docs: Option<PathBuf>,
        /// What to record as the structure's `source` (for example `stripe/openapi
        /// openapi/spec3.json at COMMIT`). Default: the extract's, or the document's file
        /// name and version.
        #[arg(long, value_name = "TEXT")]
        source: Option<String>,
    },
    /// Run the pre-flight proxy (default: in front of https://api.stripe.com) or, with
    /// --mock, a strict test double of POST /v1/tokens. Prints `listening on http://ADDR`;
    /// stops on SIGTERM or Ctrl-C after the requests in flight. A request is validated as
    /// the Stripe API version its Stripe-Version header names (the spec's version gates).
    /// The spec is compiled into this binary: after updating token-spec/spec/params.json,
    /// rebuild to serve it; --openapi FILE checks a newer Stripe OpenAPI's extra parameters
    /// without a rebuild.
    Serve(token_validate::serve::Args),
}

/// `check`'s flags and files.
#[derive(clap::Args)]
struct CheckArgs {
    /// The API key the request is made with (its type and mode matter: person and
    /// account tokens need a publishable key in live mode). Default: a test secret key.
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
    /// The Connect account (`Stripe-Account` header), e.g. acct_1032D82eZvKYlo2C. One not
    /// of that form (acct_ and letters and digits) gets a warning on standard error.
    #[arg(long, value_name = "ACCT")]
    account: Option<String>,
    /// The body format. Default: from the file extension (.json, .form); for any other
    /// file and standard input, from the first character that is not white space (`{` or
    /// `[` is JSON, anything else a form).
    #[arg(long, value_enum, ignore_case = true)]
    format: Option<Format>,
    /// Today's date for expiry checks, YYYY-MM-DD. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    now: Option<String>,
    /// Largest body accepted, in bytes (at most 16777216, 16 MiB: a larger value is held
    /// to it).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    max_body: usize,
    /// The enforcement threshold: a problem whose error definition's confidence is below
    /// it is a warning, printed in the body's line (`"warnings": [...]`), and the body is
    /// valid. Default: L (every problem is an error).
    #[arg(long, value_name = "H|M|L", value_parser = parse_confidence, default_value = "L")]
    enforce: Confidence,
    /// The URL query string sent with every body (`card[number]=...&...`): Stripe reads
    /// its parameters with the body's.
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// The Stripe API version the requests name (their `Stripe-Version`): a version
    /// before one of the spec's version gates is validated as before it (for example
    /// `2015-10-12` takes `account[legal_entity]`). Default: none, the newest version.
    #[arg(long, value_name = "VERSION")]
    stripe_version: Option<String>,
    /// A Stripe OpenAPI document newer than the bundled spec (spec3.json, its YAML
    /// form, or an extract): its parameters that the bundled spec lacks are checked as it
    /// states them and accepted, listed in the body's line (`"runtime_params"`), without
    /// a rebuild.
    #[arg(long, value_name = "FILE")]
    openapi: Option<PathBuf>,
    /// Files to check; `-` (or none) reads standard input (on a terminal, after saying so
    /// on standard error).
    #[arg(value_name = "FILE|-")]
    files: Vec<PathBuf>,
}

/// The spec's token kinds, the closed set of values of `schema KIND` (listed by `--help`).
fn kind_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(token_validate::Kind::ALL.iter().map(|k| k.as_str()))
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `application/x-www-form-urlencoded` in Stripe's bracket notation.
    Form,
    /// JSON with the same parameters.
    Json,
}

/// A usage or I/O problem: exit status 2.
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Schema { kind } => schema(kind.as_deref()),
        Command::Errors { json, confidence } => errors_cmd(json, confidence.as_deref()),
        Command::Diff {
            old,
            new,
            changelog,
            since,
            json,
            no_docs,
        } => match (changelog, old, new) {
            (true, _, _) => changelog_cmd(since.as_deref(), json),
            (false, Some(old), Some(new)) => diff_cmd(&old, &new, json, no_docs),
            _ => Err(Fatal("diff needs OLD and NEW, or --changelog".into())),
        },
        Command::ImportOpenapi {
            file,
            rules,
            out,
            docs,
            source,
        } => import_cmd(
            &file,
            rules.as_deref(),
            out.as_deref(),
            docs.as_deref(),
            source,
        ),
        Command::Serve(args) => return token_validate::serve::main(&args),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("token-validate: {msg}");
            ExitCode::from(2)
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Line<'a> {
    Valid {
        input: &'a str,
        valid: bool,
        kind: &'a str,
        /// Problems below the enforcement threshold (`--enforce`); left out when none.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<&'a Error>,
        /// Parameters checked from `--openapi`'s document; left out when none.
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        runtime_params: &'a [String],
    },
    Invalid {
        input: &'a str,
        valid: bool,
        status: u16,
        error: &'a Error,
        errors: Vec<&'a Error>,
    },
}

fn read_limited(mut r: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    // One byte over the limit is enough to report the body as too large.
    let mut buf = Vec::new();
    r.by_ref()
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// The format of a body: `.json` is JSON and `.form` a form; any other file (`.txt`, no
/// extension, standard input) is JSON when its first character that is not white space is
/// `{` or `[`, else a form.
fn detect(path: &Path, body: &[u8]) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("form") => Format::Form,
        _ => match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | Some(b'[') => Format::Json,
            _ => Format::Form,
        },
    }
}

/// What `check` says on standard error before it waits for a body on a terminal: without
/// it, a user who gave no file sees nothing happen.
const STDIN_NOTICE: &str = "token-validate: reading a request body from standard input (end it with Ctrl-D, or give files to check: token-validate check FILE...)";

/// What `check` says on standard error about a `--account` that is not a connected account
/// id (`acct_` and letters and digits, the only form Stripe gives them): Stripe would refuse
/// the request for that account. The body is still checked; `None` for a well-formed id.
fn account_warning(account: &str) -> Option<String> {
    (!Context::is_account_id(account)).then(|| {
        format!(
            "token-validate: warning: --account {:?} is not a connected account id (acct_ followed by letters and digits, such as acct_1032D82eZvKYlo2C); Stripe would refuse a request for it. The bodies are checked with a Connect account all the same.",
            token_validate::quote::value(account)
        )
    })
}

/// Parses `H`, `M` or `L`.
fn parse_confidence(s: &str) -> Result<Confidence, String> {
    s.parse()
        .map_err(|_| format!("{s:?}: the threshold is H, M or L"))
}

fn check(args: CheckArgs) -> Result<ExitCode, Fatal> {
    let CheckArgs {
        key,
        account,
        format,
        now,
        max_body,
        enforce,
        query,
        stripe_version,
        openapi,
        files,
    } = args;
    let query = query.unwrap_or_default();
    let mut ctx = match key {
        Some(k) => Context::from_key(&k).map_err(|e| Fatal(format!("--key: {e}")))?,
        None => Context::test_secret(),
    };
    if let Some(a) = account {
        if let Some(warning) = account_warning(&a) {
            eprintln!("{warning}");
        }
        ctx = ctx.with_account(a);
    }
    if let Some(n) = now {
        let d = Date::parse(&n)
            .ok_or_else(|| Fatal(format!("--now: `{n}` is not a date of the form YYYY-MM-DD")))?;
        ctx = ctx.with_today(d);
    }
    if let Some(v) = stripe_version {
        ctx = ctx.with_api_version(&v);
    }
    let mut opts = Options::default().enforce(enforce);
    opts.limits.max_body_bytes = max_body;
    if let Some(p) = openapi {
        let rt = RuntimeSpec::from_path(&p).map_err(|e| Fatal(format!("--openapi: {e}")))?;
        opts = opts.runtime_spec(std::sync::Arc::new(rt));
    }
    // Read no more than the limit in force (at most HARD_MAX_BODY_BYTES), and one byte more
    // to tell a body over it.
    let max_body = opts.limits.in_force().max_body_bytes;
    let files = if files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        files
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut any_invalid = false;
    let mut io_error = false;
    for path in &files {
        let name = path.to_string_lossy();
        let body = if name == "-" {
            if io::stdin().is_terminal() {
                eprintln!("{STDIN_NOTICE}");
            }
            read_limited(io::stdin().lock(), max_body)
        } else {
            std::fs::File::open(path).and_then(|f| read_limited(f, max_body))
        };
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                eprintln!("token-validate: {name}: {e}");
                io_error = true;
                continue;
            }
        };
        let input = match format.unwrap_or_else(|| detect(path, &body)) {
            Format::Form => Input::form(&body),
            Format::Json => Input::json(&body),
        }
        .with_query(query.as_bytes());
        let result = validate_request(input, &ctx, &opts);
        let line = match &result {
            Ok(accepted) => Line::Valid {
                input: &name,
                valid: true,
                kind: accepted.value.kind(),
                warnings: accepted.warnings.iter().collect(),
                runtime_params: &accepted.runtime_params,
            },
            Err(errors) => {
                any_invalid = true;
                Line::Invalid {
                    input: &name,
                    valid: false,
                    status: errors.status(),
                    error: errors.first(),
                    errors: errors.iter().collect(),
                }
            }
        };
        let text = serde_json::to_string(&line).map_err(|e| Fatal(e.to_string()))?;
        writeln!(out, "{text}").map_err(|e| Fatal(format!("stdout: {e}")))?;
    }
    Ok(if io_error {
        ExitCode::from(2)
    } else if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_json(v: &impl Serialize) -> Result<ExitCode, Fatal> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Fatal(e.to_string()))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn schema(kind: Option<&str>) -> Result<ExitCode, Fatal> {
    let spec = token_spec::bundled();
    match kind {
        None => print_json(&spec.request_schema()),
        Some(k) => match spec.kind_schema(k) {
            Some(s) => print_json(&s),
            None => {
                let kinds: Vec<&str> = spec.kinds.iter().map(|k| k.name.as_str()).collect();
                Err(Fatal(format!(
                    "unknown token kind `{k}`: expected one of {}",
                    kinds.join(", ")
                )))
            }
        },
    }
}

/// One error definition of the spec, as `errors` prints it.
#[derive(Serialize)]
struct ErrorLine<'a> {
    /// `generic`, `rule`, `key`, `http` or `gate`.
    origin: &'static str,
    /// The generic error's name, the rule's id, the token kind of a key rule, the HTTP
    /// answer's name, or the version gate's id.
    name: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    code: Option<&'a str>,
    param: String,
    message: &'a str,
    source: &'a str,
    confidence: String,
    /// For a rule: what it checks (its `doc`, with the data it reads, such as the card brand
    /// tables).
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<&'a str>,
}

/// A parameter Stripe accepts beyond its OpenAPI, as `errors` prints it.
#[derive(Serialize)]
struct AcceptedLine<'a> {
    /// `accepted`.
    origin: &'static str,
    /// The parameter's path.
    name: &'a str,
    /// `client_field`, `alias`, `wallet`, `apple_pay` or `legacy`.
    what: &'static str,
    /// For an alias: today's parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    alias_of: Option<&'a str>,
    /// For a top-level parameter of one kind: the kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    /// Never in an error, a log or `Debug` output.
    secret: bool,
    source: &'a str,
    confidence: &'static str,
}

/// What `errors` says under an HTTP answer that is off the confidence scale.
const PROTOCOL_NOTE: &str = "  off the confidence scale: a protocol-level answer (the transport, not evidence of what Stripe answers), given whatever --enforce\n";

fn errors_cmd(json: bool, confidence: Option<&str>) -> Result<ExitCode, Fatal> {
    use token_spec::model::ErrorDef;
    use token_spec::model::HttpConfidence;
    let spec = token_spec::bundled();
    // The spec's own serialized names (`path`, `H`): one spelling, the spec's.
    let label = |v: serde_json::Result<serde_json::Value>| match v {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    };
    let line = |origin, name, def: &'static ErrorDef| ErrorLine {
        origin,
        name,
        ty: def.ty.as_str(),
        code: def.code.as_deref(),
        param: label(serde_json::to_value(def.param)),
        message: &def.message,
        source: &def.source,
        confidence: label(serde_json::to_value(def.confidence)),
        checks: None,
    };
    let mut lines: Vec<ErrorLine<'_>> = spec
        .errors
        .iter()
        .map(|(name, def)| line("generic", name.as_str(), def))
        .collect();
    // A rule is expanded once per target: list each rule id once.
    let mut seen = std::collections::BTreeSet::new();
    for r in &spec.rules {
        if seen.insert(r.id.as_str()) {
            lines.push(ErrorLine {
                checks: Some(&r.doc),
                ..line("rule", &r.id, &r.error)
            });
        }
    }
    for k in &spec.kinds {
        if let Some(def) = &k.key_error {
            lines.push(line("key", &k.name, def));
        }
    }
    // The HTTP layer's own answers (the tower layer and serve).
    for (name, def) in &spec.http {
        lines.push(ErrorLine {
            origin: "http",
            name,
            ty: &def.ty,
            code: None,
            param: "none".to_string(),
            message: &def.message,
            source: &def.source,
            confidence: label(serde_json::to_value(def.confidence)),
            checks: None,
        });
    }
    // The errors of the version gates: before a gate, a missing card or bank parameter's
    // (refused, by the threshold) and the warning for today's parameters it brought.
    for g in &spec.gates {
        if let Some((_, def)) = &g.missing_before {
            lines.push(line("gate", &g.id, def));
        }
        if let Some(def) = &g.added_before {
            lines.push(line("gate", &g.id, def));
        }
    }
    lines.retain(|l| confidence.is_none_or(|c| l.confidence.eq_ignore_ascii_case(c)));
    // The parameters accepted beyond Stripe's OpenAPI, with their evidence.
    let accepted: Vec<AcceptedLine<'_>> = spec
        .nodes()
        .iter()
        .filter_map(|n| {
            let a = n.accepted.as_ref()?;
            Some(AcceptedLine {
                origin: "accepted",
                name: &n.path,
                what: a.what.as_str(),
                alias_of: a.alias_of.map(|t| spec.node(t).path.as_str()),
                kind: a.kind.as_deref(),
                secret: n.secret,
                source: &a.source,
                confidence: a.confidence.as_str(),
            })
        })
        .filter(|l| confidence.is_none_or(|c| l.confidence.eq_ignore_ascii_case(c)))
        .collect();
    let mut out = io::stdout().lock();
    let written: io::Result<()> = lines.iter().try_for_each(|l| {
        if json {
            let text = serde_json::to_string(l).map_err(io::Error::other)?;
            writeln!(out, "{text}")
        } else {
            writeln!(
                out,
                "{} {} [{}] {}{} (param: {})\n  {}\n  source: {}\n{}{}",
                l.confidence,
                l.name,
                l.origin,
                l.ty,
                l.code.map(|c| format!(" {c}")).unwrap_or_default(),
                l.param,
                l.message,
                l.source,
                l.checks
                    .map(|c| format!("  checks: {c}\n"))
                    .unwrap_or_default(),
                if l.confidence == HttpConfidence::Protocol.as_str() {
                    PROTOCOL_NOTE
                } else {
                    ""
                }
            )
        }
    });
    let written = written.and_then(|()| {
        accepted.iter().try_for_each(|l| {
            if json {
                let text = serde_json::to_string(l).map_err(io::Error::other)?;
                writeln!(out, "{text}")
            } else {
                let what = match l.alias_of {
                    Some(t) => format!("alias of {t}"),
                    None => l.what.replace('_', " "),
                };
                let kind = l.kind.map(|k| format!(", {k} tokens")).unwrap_or_default();
                writeln!(
                    out,
                    "{} {} [accepted] {what}{kind}\n  source: {}\n",
                    l.confidence, l.name, l.source
                )
            }
        })
    });
    match written {
        // `token-validate errors | head`: the reader has what it wanted.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("writing to standard output: {e}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Reads a structure file (`params.json`) or a Stripe OpenAPI document (JSON or YAML).
fn read_document(path: &Path) -> Result<serde_json::Value, Fatal> {
    let bytes = std::fs::read(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    import::parse_document(&bytes).map_err(|e| Fatal(format!("{}: {e}", path.display())))
}

/// Reads a structure file or an OpenAPI document into a structure.
fn read_structure(path: &Path) -> Result<StructureFile, Fatal> {
    let value = read_document(path)?;
    if value.get("params").is_some() {
        serde_json::from_value(value).map_err(|e| {
            Fatal(format!(
                "{}: not a spec structure file: {e}",
                path.display()
            ))
        })
    } else {
        import::import_openapi(&value).map_err(|e| Fatal(format!("{}: {e}", path.display())))
    }
}

fn diff_cmd(old: &Path, new: &Path, json: bool, no_docs: bool) -> Result<ExitCode, Fatal> {
    let mut d = diff::diff(&read_structure(old)?, &read_structure(new)?);
    if no_docs {
        d = d.without_docs();
    }
    let text = if json {
        serde_json::to_string_pretty(&d).map_err(|e| Fatal(e.to_string()))? + "\n"
    } else {
        d.to_string()
    };
    match io::stdout().lock().write_all(text.as_bytes()) {
        // `token-validate diff OLD NEW | head`: the reader has what it wanted.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            return Err(Fatal(format!("writing to standard output: {e}")));
        }
        _ => {}
    }
    Ok(if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn changelog_cmd(since: Option<&str>, json: bool) -> Result<ExitCode, Fatal> {
    let mut log = token_spec::history::changelog(token_spec::bundled());
    if let Some(v) = since {
        if token_spec::history::release_date(v).is_none() {
            return Err(Fatal(format!(
                "--since: `{v}` is not a Stripe API version (YYYY-MM-DD or YYYY-MM-DD.name)"
            )));
        }
        log = log.after(v);
    }
    let text = if json {
        serde_json::to_string_pretty(&log).map_err(|e| Fatal(e.to_string()))? + "\n"
    } else {
        log.to_string()
    };
    match io::stdout().lock().write_all(text.as_bytes()) {
        // `token-validate diff --changelog | head`: the reader has what it wanted.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("writing to standard output: {e}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn import_cmd(
    file: &Path,
    rules: Option<&Path>,
    out: Option<&Path>,
    docs: Option<&Path>,
    source: Option<String>,
) -> Result<ExitCode, Fatal> {
    let doc = read_document(file)?;
    let imported = import::import(&doc).map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    let mut structure = imported.structure;
    if let Some(s) = source {
        structure.source = s;
    }
    // The docs we wrote: from --docs, else from the file being replaced, else the bundled.
    let previous = match docs.or(out.filter(|p| p.exists())) {
        Some(p) => read_structure(p)?,
        None => serde_json::from_str(token_spec::BUNDLED_STRUCTURE)
            .map_err(|e| Fatal(format!("the bundled params.json: {e}")))?,
    };
    let carried = import::carry_docs(&mut structure, &previous);
    import::carry_since(&mut structure, &previous);
    let (rules_text, rules_name) = match rules {
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
            p.display().to_string(),
        ),
        None => (
            token_spec::BUNDLED_RULES.to_string(),
            "rules.json (bundled)".to_string(),
        ),
    };
    let structure_text =
        serde_json::to_string_pretty(&structure).map_err(|e| Fatal(e.to_string()))? + "\n";
    // The rule layer must still fit: a rule (or a version gate) on a parameter that no
    // longer exists fails here.
    if let Err(errors) = Spec::from_versioned_texts(
        &structure_text,
        &rules_text,
        token_spec::BUNDLED_ACCEPTED,
        token_spec::BUNDLED_VERSIONS,
        (
            "imported structure",
            &rules_name,
            "accepted.json (bundled)",
            "versions.json (bundled)",
        ),
    ) {
        return Err(Fatal(format!(
            "the imported structure does not fit the rule layer; update the rules first:\n{errors}"
        )));
    }
    match out {
        Some(p) => std::fs::write(p, &structure_text)
            .map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
        None => print!("{structure_text}"),
    }
    eprintln!(
        "imported {} parameters at API version {} ({carried} docs kept, {} new parameters linked to Stripe's API reference); rebuild for check and serve to use it",
        structure.params.len(),
        structure.api_version,
        structure.params.len() - carried,
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_the_extension_else_the_first_character() {
        let json = br#" {"pii": {}}"#;
        let form = b"pii[id_number]=1";
        assert!(detect(Path::new("a.json"), form) == Format::Json);
        assert!(detect(Path::new("a.form"), json) == Format::Form);
        for name in ["a.txt", "a", "-", "a.body"] {
            assert!(detect(Path::new(name), json) == Format::Json, "{name}");
            assert!(detect(Path::new(name), b"[1]") == Format::Json, "{name}");
            assert!(detect(Path::new(name), form) == Format::Form, "{name}");
        }
    }

    #[test]
    fn accounts_not_of_stripes_form_get_a_warning() {
        for ok in ["acct_1032D82eZvKYlo2C", "acct_123"] {
            assert_eq!(account_warning(ok), None, "{ok}");
        }
        for bad in ["bogus", "acct_", "acct_12 3", "cus_123", "", "ACCT_123"] {
            let w = account_warning(bad).expect(bad);
            assert!(w.contains("not a connected account id"), "{w}");
        }
        assert!(STDIN_NOTICE.contains("standard input"));
    }
}
