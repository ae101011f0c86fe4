//! Helpers of the tests that run the `token-validate` binary as a user runs it (the `cli`
//! feature builds it): `tests/cli.rs`, `tests/serve_cli.rs` and `tests/serve.rs`.
//!
//! A file of its own, not in `common/mod.rs`: `cli.rs` and `serve_cli.rs` include it alone
//! (`#[path = "common/binary.rs"]`), so they do not compile the in-process `serve` helpers
//! (hyper, rustls) they do not use; `serve.rs` reaches it as `common::binary`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};

/// The `token-validate` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_token-validate");

/// Runs `command` with `input` on its standard input; its status, standard output and
/// standard error.
pub fn with_stdin(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("a piped standard input")
        .write_all(input)
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A fresh directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `dir/spec3.json`, a Stripe-shaped OpenAPI extract of our own (an invented future
/// version, `2099-01-01.zeta`) that adds one parameter, `card[nickname]`, a string of at
/// most 10 characters; returns its path (for `--openapi`).
pub fn newer_openapi(dir: &Path) -> PathBuf {
    let doc = dir.join("spec3.json");
    std::fs::write(
        &doc,
        r#"{"source": {"repo": "tests", "path": "ours", "commit": "-", "api_version": "2099-01-01.zeta"},
            "request": {"type": "object", "properties": {"card": {"type": "object", "properties": {
              "nickname": {"type": "string", "maxLength": 10}}}}}}"#,
    )
    .unwrap();
    doc
}

/// `token-validate serve` running as a child process on a loopback port.
pub struct Serve {
    pub child: Child,
    /// `host:port`, from its first line, `listening on http://host:port`.
    pub addr: String,
    /// The rest of its standard output, held open while it runs.
    _stdout: BufReader<ChildStdout>,
}

impl Serve {
    /// Starts `command` (the binary with `serve` and its flags and environment), its
    /// standard output and error piped, and reads the address it listens on.
    pub fn spawn(command: &mut Command) -> Serve {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Serve {
            child,
            addr,
            _stdout: stdout,
        }
    }

    /// Sends it SIGTERM (a graceful stop) with `kill`; `kill`'s own status.
    pub fn sigterm(&self) -> std::io::Result<ExitStatus> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
    }

    /// All it wrote to its standard error, once it has exited.
    pub fn stderr(&mut self) -> String {
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }
}
