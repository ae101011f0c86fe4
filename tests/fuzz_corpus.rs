//! The fuzz targets' bounded smoke on stable: every committed corpus file of each target
//! (`fuzz/corpus/<target>/`) goes through the target's own oracles
//! (`fuzz/src/oracles.rs` and `fuzz/src/differential.rs`, included here as they are), and
//! the dictionaries (`fuzz/dict/*.dict`) are what the spec makes.
//!
//! Campaigns (cargo-fuzz, see the README's "Fuzzing") add the inputs they find to the
//! corpora; committing them makes CI replay them.

#[path = "../fuzz/src/oracles.rs"]
mod oracles;

#[path = "../fuzz/src/differential.rs"]
mod differential;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, oracle: fn(&[u8])) -> usize {
    let files = corpus(target);
    for f in &files {
        let data = std::fs::read(f).expect("a corpus file");
        let result = std::panic::catch_unwind(|| oracle(&data));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{target}: {} fails: {msg}", f.display());
        }
    }
    files.len()
}

/// How many files each committed corpus holds (at the last count): a corpus that lost any
/// fails, so a lost or truncated corpus does not pass unnoticed. Campaigns add files; raise
/// the count when committing them.
const COMMITTED: [(&str, usize); 7] = [
    ("form", 2109),
    ("json", 1757),
    ("brackets", 1692),
    ("roundtrip", 1247),
    ("form_differential", 366),
    ("json_differential", 1048),
    ("serve", 11),
];

fn replay_all(target: &str, oracle: fn(&[u8])) {
    let (_, want) = COMMITTED.iter().find(|(t, _)| *t == target).unwrap();
    let n = replay(target, oracle);
    assert!(
        n >= *want,
        "fuzz/corpus/{target} holds {n} files, the committed corpus {want}"
    );
}

#[test]
fn form_corpus() {
    replay_all("form", oracles::form);
}

#[test]
fn json_corpus() {
    replay_all("json", oracles::json);
}

#[test]
fn brackets_corpus() {
    replay_all("brackets", oracles::brackets);
}

/// The JSON differential target's corpus (what its campaigns found beyond the `json`
/// corpus, which seeds them), and every file of the `json` corpus, through the differential
/// oracle (`fuzz/src/differential.rs`).
#[test]
fn json_differential_corpus() {
    replay_all("json_differential", differential::json);
    replay_all("json", differential::json);
}

/// The form differential target's corpus (beyond the `form` corpus, which seeds it), and
/// every file of the `form` corpus, through the differential oracle.
#[test]
fn form_differential_corpus() {
    replay_all("form_differential", differential::form);
    replay_all("form", differential::form);
}

#[test]
fn roundtrip_corpus() {
    replay_all("roundtrip", oracles::roundtrip);
}

#[test]
fn serve_corpus() {
    replay_all("serve", oracles::serve);
}

/// The seed corpora hold the example requests (examples/requests/), as the README says.
#[test]
fn seeds_are_the_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["valid", "invalid"] {
        for e in std::fs::read_dir(root.join("examples/requests").join(dir)).unwrap() {
            let p = e.unwrap().path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or_default();
            let target = if ext == "json" { "json" } else { "form" };
            let name = format!("example-{dir}-{}", p.file_name().unwrap().to_str().unwrap());
            let seed = root.join("fuzz/corpus").join(target).join(&name);
            assert_eq!(
                std::fs::read(&seed).unwrap_or_else(|e| panic!("{}: {e}", seed.display())),
                std::fs::read(&p).unwrap(),
                "{} is not the seed of {}",
                p.display(),
                seed.display()
            );
        }
    }
}

/// `fuzz/dict/*.dict` are made from the spec; `FUZZ_DICT_WRITE=1` rewrites them.
#[test]
fn dictionaries_are_made_from_the_spec() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/dict");
    for (name, text) in oracles::dictionaries() {
        let path = dir.join(name);
        if std::env::var_os("FUZZ_DICT_WRITE").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is not what the spec makes: run FUZZ_DICT_WRITE=1 cargo test --test fuzz_corpus",
            path.display()
        );
    }
}

/// The structure-aware generators do reach what they are for: planted secrets, and
/// accepted requests in both formats.
#[test]
fn generators_reach_their_cases() {
    let mut planted = 0;
    let mut accepted = 0;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                // xorshift64: deterministic, no dependency.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    };
    for _ in 0..300 {
        let data = bytes(64);
        let g = oracles::brackets_body(&data);
        planted += g.planted.len();
        oracles::brackets(&data);
        let data = bytes(48);
        let tree = oracles::roundtrip_tree(&data);
        let ctx = &oracles::CONTEXTS[0];
        if token_validate::validate_form(tree.form().as_bytes(), ctx).is_ok() {
            accepted += 1;
        }
        oracles::roundtrip(&data);
    }
    assert!(planted > 300, "{planted} markers planted");
    // The serve generator plants secrets in the request line and headers, and some of its
    // requests are heads hyper refuses.
    let (mut planted, mut bad_heads) = (0, 0);
    for _ in 0..200 {
        let data = bytes(40);
        let x = oracles::serve_request(&data);
        planted += x.planted.len();
        let text = String::from_utf8_lossy(&x.bytes).into_owned();
        bad_heads += usize::from(text.contains("bad header:") || text.contains("(x):"));
        oracles::serve(&data);
    }
    assert!(planted > 200, "{planted} secrets planted in requests");
    assert!(bad_heads > 5, "{bad_heads} bad heads");
    assert!(
        accepted > 60,
        "{accepted} of 300 round-trip bodies accepted"
    );
}
