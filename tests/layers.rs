//! The layer order of the three library crates (issue 19): every source file imports only
//! its own layer and the layers below it, no two files import each other (directly or in a
//! loop), `lib.rs` is a map that defines nothing, a folder's `mod.rs` is the top of its
//! folder (its children never import it), and no file has more than 1,000 lines before its
//! tests.
//!
//! The layers are the `layers` block of `ARCHITECTURE.md`: one line per crate, layers lowest
//! first, separated by `|`; a name is a top-level module (a file at the crate root or a
//! folder). `lib` (the crate root) sits above every layer.
//!
//! While the refactor runs, [`ALLOWED`] lists the violations that are known today. The test
//! fails on a violation that is not listed *and* on a listed one that no longer exists, so a
//! commit that fixes one deletes its line, and nothing (a merge included) adds a new one.
//!
//! How a file's imports are read (std only, no parser): comments, strings and char
//! literals are blanked; so are `#[cfg(test)]` modules (and the files they name), the
//! bodies of `quote!`/`quote_spanned!`/`parse_quote!` (what a proc macro emits names the
//! crate it expands in, not the macro crate), and `token-validate/src/bin/` (a separate
//! crate on the public API). An import is a `use` path or a path in code starting with
//! `crate::`, `super::`, `self::` or a child module's name; it lands in the longest module
//! of the path that is a file. A name that `lib.rs` re-exports (`pub use x::Y`) resolves to
//! the module that defines it; a name `lib.rs` neither defines nor re-exports resolves to
//! the module it glob-re-exports (the generated request types). `pub use` lines of `lib.rs`,
//! `private.rs` and a `mod.rs` are a map, not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers: the ```` ```layers ```` block of `ARCHITECTURE.md`, so that the document
/// and the check cannot drift.
fn layers_table() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (it holds the layers block)", path.display()));
    layers_block(&doc).unwrap_or_else(|| {
        panic!(
            "{}: no ```layers block (one line per crate, layers lowest first, `|` between them)",
            path.display()
        )
    })
}

/// The text of the first ```` ```layers ```` fenced block.
fn layers_block(doc: &str) -> Option<String> {
    let start = doc.find("```layers\n")? + "```layers\n".len();
    let len = doc[start..].find("```")?;
    Some(doc[start..start + len].to_string())
}

/// Today's known violations; each fixing commit deletes its line. Empty at the end of issue
/// 19, when this mechanism goes.
const ALLOWED: &[&str] = &[
    // None left in any crate: a new violation is fixed, not listed.
];

/// The longest a file may be before its `#[cfg(test)]` module.
const MAX_LINES: usize = 1000;

const CRATES: &[&str] = &["token-validate", "token-derive", "token-spec"];

#[test]
fn layers_run_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates: Vec<Crate> = CRATES
        .iter()
        .map(|name| Crate {
            name: name.to_string(),
            files: read_tree(&root.join(name).join("src")),
        })
        .collect();
    let found = check(&crates, &layers_table());
    if std::env::var_os("LAYERS_GRAPH").is_some() {
        for c in &crates {
            for (from, to, items) in graph(c).edges {
                println!(
                    "{}: {} -> {} [{}]",
                    c.name,
                    show(&from),
                    show(&to),
                    items.join(", ")
                );
            }
        }
    }
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    for v in &found {
        if !allowed.contains(v.key.as_str()) {
            problems.push(format!("{}\n    {}", v.key, v.detail));
        }
    }
    let keys: BTreeSet<&str> = found.iter().map(|v| v.key.as_str()).collect();
    for a in &allowed {
        if !keys.contains(a) {
            problems.push(format!(
                "{a}\n    fixed: delete this line from ALLOWED in tests/layers.rs"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the layer rules (tests/layers.rs):\n{}",
        problems.join("\n")
    );
}

/// The checker can fail: a file importing a higher layer, a two-file cycle, a child
/// importing its folder, a file the table does not list, a `lib.rs` that defines a function
/// and an oversized file are each reported, and imports that are not edges (test modules,
/// comments, strings, `quote!` bodies, a map's `pub use`) are not.
#[test]
fn the_checker_finds_each_kind_of_violation() {
    let long = "fn f() {}\n".repeat(MAX_LINES + 1);
    let files = [
        (
            "lib.rs",
            "//! docs\nmod a;\nmod b;\nmod c;\nmod d;\nmod z;\nmod private;\npub use a::A;\npub fn helper() {}\n",
        ),
        ("private.rs", "pub mod v {\n    pub struct X;\n}\n"),
        (
            "a.rs",
            "use crate::b::B;\npub struct A;\n// use crate::c::C;\nconst S: &str = \"crate::c::C\";\n#[cfg(test)]\nmod tests { use crate::c::C; }\n",
        ),
        (
            "b.rs",
            "pub struct B;\nfn f() { let _ = quote::quote! { crate::c::C }; }\n",
        ),
        ("c.rs", "pub struct C;\nfn f() -> crate::d::D { todo!() }\n"),
        ("d.rs", "pub struct D;\nuse super::c::C;\n"),
        ("z.rs", "pub struct Z;\n"),
        ("f/mod.rs", "mod g;\npub use g::G;\npub struct F;\n"),
        ("f/g.rs", "use super::F;\npub struct G;\n"),
        ("big.rs", long.as_str()),
    ];
    let krate = Crate {
        name: "demo".to_string(),
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    };
    let layers = "demo: a | b | c d f big private";
    let keys: BTreeSet<String> = check(&[krate], layers).into_iter().map(|v| v.key).collect();
    let want: BTreeSet<String> = [
        "demo: upward a -> b",
        "demo: cycle c, d",
        "demo: folder f::g -> f",
        "demo: unlisted z",
        "demo: defines lib.rs",
        "demo: defines private.rs",
        "demo: oversized big.rs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(keys, want);
}

#[test]
fn the_layers_block_is_read() {
    let doc = "# Title\n\n```layers\na: x | y\nb: z\n```\n\n```layers\nc: w\n```\n";
    assert_eq!(layers_block(doc).as_deref(), Some("a: x | y\nb: z\n"));
    assert_eq!(layers_block("no block"), None);
    let table = parse_layers(&layers_table());
    for c in CRATES {
        assert!(
            table.contains_key(*c),
            "ARCHITECTURE.md's layers block lacks {c}"
        );
    }
}

/// The `proc_macro` functions a proc-macro crate's `lib.rs` must define are allowed there;
/// anything else is not; a `#[path]` module is read from its file.
#[test]
fn lib_rs_may_hold_proc_macro_functions_and_path_modules() {
    let files = [
        (
            "lib.rs",
            "mod a;\n#[doc(hidden)]\n#[path = \"private.rs\"]\npub mod __private_0_2;\n/// Docs.\n#[proc_macro]\npub fn gen(i: TokenStream) -> TokenStream { a::go(i) }\n",
        ),
        ("a.rs", "pub fn go() {}\n"),
        (
            "private.rs",
            "pub use crate::a::go;\n/// Docs.\npub mod v {\n    pub use crate::a::go;\n}\n",
        ),
    ];
    let krate = Crate {
        name: "demo".to_string(),
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    };
    let found = check(&[krate], "demo: a | __private_0_2");
    assert!(found.is_empty(), "{found:?}");
}

// ---------------------------------------------------------------------------------------
// The checker.

/// One crate's source files: path relative to `src/`, text.
struct Crate {
    name: String,
    files: Vec<(String, String)>,
}

/// A broken rule: `key` is what `ALLOWED` lists, `detail` says what to do.
#[derive(Debug)]
struct Violation {
    key: String,
    detail: String,
}

fn read_tree(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(src).expect("under src").to_string_lossy();
                let rel = rel.replace('\\', "/");
                let text = std::fs::read_to_string(&p).expect("a source file");
                out.push((rel, text));
            }
        }
    }
    out
}

/// A module path as it is shown: `lib` for the crate root.
fn show(m: &str) -> &str {
    if m.is_empty() { "lib" } else { m }
}

fn top(m: &str) -> &str {
    m.split("::").next().unwrap_or(m)
}

fn check(crates: &[Crate], layers: &str) -> Vec<Violation> {
    let table = parse_layers(layers);
    let mut out = Vec::new();
    for c in crates {
        let Some(order) = table.get(&c.name) else {
            out.push(Violation {
                key: format!("{}: unlisted crate", c.name),
                detail: "add the crate to the layers table".into(),
            });
            continue;
        };
        let g = graph(c);
        let v = |key: String, detail: String| Violation {
            key: format!("{}: {key}", c.name),
            detail,
        };
        // Every top-level module in the table.
        let tops: BTreeSet<&str> = g
            .files
            .keys()
            .map(|m| top(m))
            .filter(|t| !t.is_empty())
            .collect();
        for t in tops {
            if !order.contains_key(t) {
                out.push(v(
                    format!("unlisted {t}"),
                    "add the module to its layer in the layers table".into(),
                ));
            }
        }
        let mut upward: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (from, to, items) in &g.edges {
            if from.is_empty() || to.is_empty() {
                continue;
            }
            if from.starts_with(&format!("{to}::")) {
                out.push(v(
                    format!("folder {from} -> {to}"),
                    format!(
                        "{} imports [{}] from its folder's mod.rs: a mod.rs is the top of its folder; move the items into a sibling and import `super::sibling::…`",
                        g.files[from].path,
                        items.join(", ")
                    ),
                ));
                continue;
            }
            let (ft, tt) = (top(from), top(to));
            if ft == tt {
                continue;
            }
            if let (Some(a), Some(b)) = (order.get(ft), order.get(tt))
                && b > a
            {
                upward
                    .entry((from.clone(), to.clone()))
                    .or_default()
                    .extend(items.iter().cloned());
            }
        }
        for ((from, to), items) in upward {
            out.push(v(
                format!("upward {from} -> {to}"),
                format!(
                    "{} imports [{}] from {}: {} is below {} — move the items down or invert the edge",
                    g.files[&from].path,
                    items.join(", "),
                    g.files[&to].path,
                    top(&from),
                    top(&to)
                ),
            ));
        }
        for comp in sccs(&g) {
            let names: Vec<&str> = comp.iter().map(|m| show(m)).collect();
            let inner: Vec<String> = g
                .edges
                .iter()
                .filter(|(a, b, _)| comp.contains(a) && comp.contains(b))
                .map(|(a, b, items)| format!("{} -> {} [{}]", show(a), show(b), items.join(", ")))
                .collect();
            out.push(v(
                format!("cycle {}", names.join(", ")),
                format!("these files import each other: {}", inner.join("; ")),
            ));
        }
        for (m, f) in &g.files {
            if f.defines_items {
                out.push(v(
                    format!("defines {}", f.path),
                    format!(
                        "{} ({}) defines items: a crate root or private.rs only declares modules and re-exports; move them into a module named for them",
                        f.path,
                        show(m)
                    ),
                ));
            }
            if f.code_lines > MAX_LINES {
                out.push(v(
                    format!("oversized {}", f.path),
                    format!(
                        "{} has {} lines before its tests (at most {MAX_LINES}): split it by concern",
                        f.path, f.code_lines
                    ),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// `crate: a b | c` lines → crate → module → layer index.
fn parse_layers(text: &str) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (krate, rest) = line.split_once(':').expect("`crate: layers`");
        let mut order = BTreeMap::new();
        for (i, layer) in rest.split('|').enumerate() {
            for m in layer.split_whitespace() {
                order.insert(m.to_string(), i);
            }
        }
        out.insert(krate.trim().to_string(), order);
    }
    out
}

struct FileInfo {
    /// Path relative to the crate's `src/`.
    path: String,
    code_lines: usize,
    defines_items: bool,
}

struct Graph {
    /// Module path (`""` for the root) → file.
    files: BTreeMap<String, FileInfo>,
    /// (from, to, items), sorted, one per pair.
    edges: Vec<(String, String, Vec<String>)>,
}

/// One stripped source file.
struct Src {
    path: String,
    module: String,
    toks: Vec<Tok>,
    code_lines: usize,
    is_map: bool,
}

fn graph(c: &Crate) -> Graph {
    // Module paths, honouring `#[path = "…"] mod x;`.
    let mut by_path: BTreeMap<String, String> = BTreeMap::new();
    for (p, _) in &c.files {
        if let Some(m) = module_of(p) {
            by_path.insert(p.clone(), m);
        }
    }
    let mut excluded: BTreeSet<String> = BTreeSet::new();
    let mut stripped = Vec::new();
    for (p, text) in &c.files {
        let Some(module) = by_path.get(p).cloned() else {
            continue;
        };
        let dir = p
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default();
        for (file, name) in path_attrs(text) {
            let target = format!("{dir}{file}");
            let m = if module.is_empty() {
                name
            } else {
                format!("{module}::{name}")
            };
            by_path.insert(target, m);
        }
        let code = strip(text);
        let (code, test_mods) = blank_tests(&code);
        for name in test_mods {
            excluded.insert(if module.is_empty() {
                name
            } else {
                format!("{module}::{name}")
            });
        }
        let code_lines = first_test_line(text).unwrap_or_else(|| text.lines().count());
        let code = blank_quotes(&code);
        stripped.push((p.clone(), code, code_lines));
    }
    let mut srcs: Vec<Src> = Vec::new();
    for (p, code, code_lines) in stripped {
        let module = by_path[&p].clone();
        if excluded
            .iter()
            .any(|e| module == *e || module.starts_with(&format!("{e}::")))
        {
            continue;
        }
        let is_map = p == "lib.rs" || p == "private.rs" || p.ends_with("/mod.rs") || p == "mod.rs";
        srcs.push(Src {
            path: p,
            module,
            toks: tokenize(&code),
            code_lines,
            is_map,
        });
    }
    let mods: BTreeSet<String> = srcs.iter().map(|s| s.module.clone()).collect();

    // What the root defines and re-exports.
    let mut root_defines = BTreeSet::new();
    let mut root_reexports: BTreeMap<String, String> = BTreeMap::new();
    let mut root_glob: Option<String> = None;
    if let Some(root) = srcs.iter().find(|s| s.module.is_empty()) {
        root_defines = top_level_names(&root.toks);
        for u in uses(&root.toks).into_iter().filter(|u| u.public) {
            let mut segs = u.path.clone();
            if segs.first().is_some_and(|s| s == "crate") {
                segs.remove(0);
            }
            if segs.first().is_none_or(|s| !mods.contains(s)) {
                continue;
            }
            let to = longest_module(&mods, &[], &segs);
            if segs.last().is_some_and(|s| s == "*") {
                root_glob = Some(to);
            } else {
                root_reexports.insert(u.alias.clone(), to);
            }
        }
    }

    let mut files = BTreeMap::new();
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for s in &srcs {
        files.insert(
            s.module.clone(),
            FileInfo {
                path: s.path.clone(),
                code_lines: s.code_lines,
                defines_items: (s.path == "lib.rs" || s.path == "private.rs")
                    && defines_items(&s.toks),
            },
        );
        let base: Vec<String> = if s.module.is_empty() {
            Vec::new()
        } else {
            s.module.split("::").map(String::from).collect()
        };
        let inline = inline_mods(&s.toks);
        let is_child = |seg: &str| {
            let mut m = base.clone();
            m.push(seg.to_string());
            mods.contains(&m.join("::"))
        };
        let mut refs: Vec<(usize, Vec<String>)> = Vec::new();
        for u in uses(&s.toks) {
            if u.public && s.is_map {
                continue;
            }
            refs.push((u.at, u.path));
        }
        for (at, path) in code_paths(&s.toks) {
            refs.push((at, path));
        }
        for (at, path) in refs {
            let first = path[0].as_str();
            // The module this reference is made from: the file, plus inline modules around it.
            let mut here = base.clone();
            let depth = inline.iter().filter(|(a, b)| *a <= at && at < *b).count();
            for _ in 0..depth {
                here.push("<inline>".into());
            }
            let (start, rest): (Vec<String>, &[String]) = match first {
                "crate" => (Vec::new(), &path[1..]),
                "super" | "self" => {
                    let mut h = here.clone();
                    let mut i = 0;
                    while i < path.len() && (path[i] == "super" || path[i] == "self") {
                        if path[i] == "super" {
                            h.pop();
                        }
                        i += 1;
                    }
                    (h, &path[i..])
                }
                _ if depth == 0 && is_child(first) => (base.clone(), &path[..]),
                _ => continue,
            };
            let start: Vec<String> = start.into_iter().filter(|s| s != "<inline>").collect();
            let mut to = longest_module(&mods, &start, rest);
            let used = to.split("::").filter(|s| !s.is_empty()).count();
            let item = rest
                .get(used.saturating_sub(start.len()))
                .cloned()
                .unwrap_or_else(|| "self".into());
            if to.is_empty() {
                if item == "self" || item == "*" || root_defines.contains(&item) {
                    // the root itself
                } else if let Some(m) = root_reexports.get(&item) {
                    to = m.clone();
                } else if let Some(g) = &root_glob {
                    to = g.clone();
                }
            }
            if to == s.module {
                continue;
            }
            edges
                .entry((s.module.clone(), to))
                .or_default()
                .insert(item);
        }
    }
    Graph {
        files,
        edges: edges
            .into_iter()
            .map(|((a, b), items)| (a, b, items.into_iter().collect()))
            .collect(),
    }
}

/// `lib.rs` → root, `a/mod.rs` → `a`, `a/b.rs` → `a::b`; `bin/` is not part of the library.
fn module_of(path: &str) -> Option<String> {
    if path.starts_with("bin/") || path == "main.rs" {
        return None;
    }
    let stem = path.strip_suffix(".rs")?;
    let mut parts: Vec<&str> = stem.split('/').collect();
    if parts == ["lib"] {
        return Some(String::new());
    }
    if parts.last() == Some(&"mod") {
        parts.pop();
    }
    Some(parts.join("::"))
}

fn longest_module(mods: &BTreeSet<String>, start: &[String], rest: &[String]) -> String {
    let mut acc: Vec<String> = start.to_vec();
    let mut best = acc.join("::");
    for s in rest {
        acc.push(s.clone());
        let cand = acc.join("::");
        if mods.contains(&cand) {
            best = cand;
        } else {
            break;
        }
    }
    best
}

/// Strongly connected components with more than one file, each sorted.
fn sccs(g: &Graph) -> Vec<Vec<String>> {
    let nodes: Vec<&String> = g.files.keys().collect();
    let idx: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut adj = vec![Vec::new(); nodes.len()];
    for (a, b, _) in &g.edges {
        if let (Some(&i), Some(&j)) = (idx.get(a), idx.get(b)) {
            adj[i].push(j);
        }
    }
    // Tarjan, iterative.
    let n = nodes.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let (mut on, mut stack, mut out) = (vec![false; n], Vec::new(), Vec::new());
    let mut counter = 0;
    for s in 0..n {
        if index[s] != usize::MAX {
            continue;
        }
        let mut work = vec![(s, 0usize)];
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if *next == 0 && index[v] == usize::MAX {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on[v] = true;
            }
            if *next < adj[v].len() {
                let w = adj[v][*next];
                *next += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                loop {
                    let w = stack.pop().expect("on the stack");
                    on[w] = false;
                    comp.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort_by(|a, b| show(a).cmp(show(b)));
                    out.push(comp);
                }
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------
// Reading Rust text, roughly.

/// Comments, string, byte-string, raw-string and char literals blanked; newlines kept.
fn strip(src: &str) -> String {
    let s: Vec<char> = src.chars().collect();
    let n = s.len();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, seg: &[char]| {
        for &c in seg {
            out.push(if c == '\n' { '\n' } else { ' ' });
        }
    };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < n {
        let c = s[i];
        if c == '/' && s.get(i + 1) == Some(&'/') {
            let mut j = i;
            while j < n && s[j] != '\n' {
                j += 1;
            }
            blank(&mut out, &s[i..j]);
            i = j;
        } else if c == '/' && s.get(i + 1) == Some(&'*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < n && depth > 0 {
                if s[j] == '/' && s.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if s[j] == '*' && s.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &s[i..j.min(n)]);
            i = j.min(n);
        } else if c == 'r'
            && (i == 0 || !ident(s[i - 1]) || (s[i - 1] == 'b' && (i < 2 || !ident(s[i - 2]))))
            && matches!(s.get(i + 1), Some('"') | Some('#'))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while j < n && s[j] == '#' {
                hashes += 1;
                j += 1;
            }
            if j >= n || s[j] != '"' {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= n {
                    break;
                }
                if s[j] == '"' && (0..hashes).all(|k| s.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            blank(&mut out, &s[i..j.min(n)]);
            i = j.min(n);
        } else if c == '"' {
            let mut j = i + 1;
            while j < n && s[j] != '"' {
                j += if s[j] == '\\' { 2 } else { 1 };
            }
            let j = (j + 1).min(n);
            blank(&mut out, &s[i..j]);
            i = j;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let end = if s.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < n && s[j] != '\'' && s[j] != '\n' {
                    j += 1;
                }
                (s.get(j) == Some(&'\'')).then_some(j + 1)
            } else if s.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(j) => {
                    blank(&mut out, &s[i..j]);
                    i = j;
                }
                None => {
                    out.push(' ');
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `#[path = "file.rs"] mod name;` declarations: (file, name). Read from the raw text,
/// since the file name is a string.
fn path_attrs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[path") {
        rest = &rest[at + 6..];
        let Some(q) = rest.find('"') else { break };
        let after = &rest[q + 1..];
        let Some(e) = after.find('"') else { break };
        let file = after[..e].to_string();
        let tail = &after[e + 1..];
        if let Some(m) = tail.find("mod ") {
            let name: String = tail[m + 4..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push((file, name));
        }
        rest = tail;
    }
    out
}

/// The 1-based line of the first `#[cfg(test)]` module, minus one: the lines before tests.
fn first_test_line(text: &str) -> Option<usize> {
    let code = strip(text);
    let lines: Vec<&str> = code.lines().collect();
    (0..lines.len()).find_map(|i| {
        let l = lines[i].trim();
        if l.starts_with("#[cfg(test)]") {
            let next = lines[i..]
                .iter()
                .map(|l| l.trim_start_matches("#[cfg(test)]").trim())
                .find(|l| !l.is_empty())?;
            let next = next.strip_prefix("pub ").unwrap_or(next);
            next.starts_with("mod ").then_some(i)
        } else {
            None
        }
    })
}

/// `#[cfg(test)] mod x { … }` and `#[cfg(test)] mod x;` blanked; the names of the latter
/// (files that are tests) returned.
fn blank_tests(code: &str) -> (String, Vec<String>) {
    let mut out: Vec<char> = code.chars().collect();
    let mut files = Vec::new();
    let chars = out.clone();
    let text: String = chars.iter().collect();
    let mut search = 0;
    while let Some(off) = text[search..].find("#[cfg(test)]") {
        let start_byte = search + off;
        search = start_byte + 1;
        let after = &text[start_byte + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let trimmed = trimmed
            .strip_prefix("pub ")
            .map(str::trim_start)
            .unwrap_or(trimmed);
        let Some(m) = trimmed.strip_prefix("mod ") else {
            continue;
        };
        let name: String = m
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after_name = m.trim_start()[name.len()..].trim_start();
        let start = text[..start_byte].chars().count();
        if after_name.starts_with(';') {
            files.push(name);
            continue;
        }
        if !after_name.starts_with('{') {
            continue;
        }
        let open_byte = text.len() - after_name.len();
        let open = text[..open_byte].chars().count();
        let mut depth = 0usize;
        let mut end = open;
        for (k, &ch) in chars.iter().enumerate().skip(open) {
            if ch == '{' {
                depth += 1;
            } else if ch == '}' {
                depth -= 1;
                if depth == 0 {
                    end = k + 1;
                    break;
                }
            }
        }
        for ch in &mut out[start..end] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
    }
    (out.into_iter().collect(), files)
}

/// The bodies of `quote!`, `quote_spanned!` and `parse_quote!` blanked.
fn blank_quotes(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let n = out.len();
    let mut i = 0;
    while i < n {
        let is_start = i == 0 || !(out[i - 1].is_alphanumeric() || out[i - 1] == '_');
        let word: String = out[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if !is_start || word.is_empty() {
            i += 1;
            continue;
        }
        let mut j = i + word.chars().count();
        if matches!(word.as_str(), "quote" | "quote_spanned" | "parse_quote")
            && out.get(j) == Some(&'!')
        {
            j += 1;
            while j < n && out[j].is_whitespace() {
                j += 1;
            }
            let (open, close) = match out.get(j) {
                Some('(') => ('(', ')'),
                Some('{') => ('{', '}'),
                Some('[') => ('[', ']'),
                _ => {
                    i = j;
                    continue;
                }
            };
            let mut depth = 0usize;
            let mut k = j;
            while k < n {
                if out[k] == open {
                    depth += 1;
                } else if out[k] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                k += 1;
            }
            for ch in &mut out[j + 1..k.min(n)] {
                if *ch != '\n' {
                    *ch = ' ';
                }
            }
            i = k;
        } else {
            i = j;
        }
    }
    out.into_iter().collect()
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

fn tokenize(code: &str) -> Vec<Tok> {
    let s: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < s.len() && (s[j].is_alphanumeric() || s[j] == '_') {
                j += 1;
            }
            let w: String = s[i..j].iter().collect();
            out.push(Tok::Ident(w.strip_prefix("r#").unwrap_or(&w).to_string()));
            i = j;
        } else if c.is_ascii_digit() {
            while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                i += 1;
            }
            out.push(Tok::Punct('0'));
        } else if c == ':' && s.get(i + 1) == Some(&':') {
            out.push(Tok::Sep);
            i += 2;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

fn is_ident(t: Option<&Tok>, w: &str) -> bool {
    matches!(t, Some(Tok::Ident(x)) if x == w)
}

/// One path of a `use` tree.
struct Use {
    /// Token index of the `use`.
    at: usize,
    public: bool,
    path: Vec<String>,
    /// The name it binds (the last segment, or its `as` name).
    alias: String,
}

fn uses(toks: &[Tok]) -> Vec<Use> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if !is_ident(toks.get(i), "use") {
            continue;
        }
        // `pub use`, `pub(crate) use`
        let public = is_ident(toks.get(i.wrapping_sub(1)), "pub")
            || (toks.get(i.wrapping_sub(1)) == Some(&Tok::Punct(')'))
                && (2..6).any(|k| is_ident(toks.get(i.wrapping_sub(k)), "pub")));
        let mut pos = i + 1;
        if toks.get(pos) == Some(&Tok::Sep) {
            continue; // `use ::extern_crate::…`
        }
        let mut paths = Vec::new();
        use_tree(toks, &mut pos, Vec::new(), &mut paths);
        for (path, alias) in paths {
            out.push(Use {
                at: i,
                public,
                path,
                alias,
            });
        }
    }
    out
}

fn use_tree(
    toks: &[Tok],
    pos: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    let mut segs = prefix;
    loop {
        match toks.get(*pos) {
            Some(Tok::Ident(w)) => {
                segs.push(w.clone());
                *pos += 1;
                match toks.get(*pos) {
                    Some(Tok::Sep) => *pos += 1,
                    _ => {
                        let mut alias = w.clone();
                        if is_ident(toks.get(*pos), "as") {
                            if let Some(Tok::Ident(a)) = toks.get(*pos + 1) {
                                alias = a.clone();
                            }
                            *pos += 2;
                        }
                        if w == "self" {
                            segs.pop();
                            alias = segs.last().cloned().unwrap_or_default();
                        }
                        if !segs.is_empty() {
                            out.push((segs, alias));
                        }
                        return;
                    }
                }
            }
            Some(Tok::Punct('*')) => {
                *pos += 1;
                segs.push("*".into());
                out.push((segs, "*".into()));
                return;
            }
            Some(Tok::Punct('{')) => {
                *pos += 1;
                loop {
                    match toks.get(*pos) {
                        Some(Tok::Punct('}')) => {
                            *pos += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *pos += 1,
                        None => return,
                        _ => {
                            let before = *pos;
                            use_tree(toks, pos, segs.clone(), out);
                            if *pos == before {
                                *pos += 1;
                            }
                        }
                    }
                }
            }
            _ => return,
        }
    }
}

/// Paths in code (outside `use` items): `a::b::c` sequences, with the token index of their
/// start. A path after `::` is part of a longer one; a `use` item is skipped.
fn code_paths(toks: &[Tok]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_ident(toks.get(i), "use") {
            while i < toks.len() && toks[i] != Tok::Punct(';') {
                i += 1;
            }
            continue;
        }
        if let Tok::Ident(w) = &toks[i]
            && (i == 0 || toks[i - 1] != Tok::Sep)
            && toks.get(i + 1) == Some(&Tok::Sep)
        {
            let start = i;
            let mut path = vec![w.clone()];
            let mut j = i + 1;
            while toks.get(j) == Some(&Tok::Sep) {
                match toks.get(j + 1) {
                    Some(Tok::Ident(x)) => {
                        path.push(x.clone());
                        j += 2;
                    }
                    _ => break,
                }
            }
            out.push((start, path));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Token ranges of inline `mod x { … }` bodies.
fn inline_mods(toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if is_ident(toks.get(i), "mod")
            && matches!(toks.get(i + 1), Some(Tok::Ident(_)))
            && toks.get(i + 2) == Some(&Tok::Punct('{'))
        {
            let mut depth = 0usize;
            for (k, t) in toks.iter().enumerate().skip(i + 2) {
                match t {
                    Tok::Punct('{') => depth += 1,
                    Tok::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            out.push((i + 2, k));
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// The index of the bracket closing the one at `open` (or the end).
fn closing(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct('}' | ')' | ']') => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

const ITEM_KEYWORDS: &[&str] = &[
    "fn",
    "struct",
    "enum",
    "trait",
    "type",
    "const",
    "static",
    "impl",
    "union",
    "macro_rules",
];

/// Names of the items defined at a file's top level.
fn top_level_names(toks: &[Tok]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct('}' | ')' | ']') => depth -= 1,
            Tok::Ident(w) if depth == 0 && (ITEM_KEYWORDS.contains(&w.as_str()) || w == "mod") => {
                if let Some(Tok::Ident(name)) = toks.get(i + 1) {
                    out.insert(name.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a map file defines anything: an item other than `mod x;`, `use`, `extern crate`
/// and attributes, or a macro invocation, at its top level. A function carrying a
/// `#[proc_macro…]` attribute is allowed (a proc-macro crate must define those in its root).
fn defines_items(toks: &[Tok]) -> bool {
    let mut depth = 0i32;
    let mut since_item = 0usize; // token index where the current item's attributes begin
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('{' | '(' | '[') => depth += 1,
            Tok::Punct('}' | ')' | ']') => {
                depth -= 1;
                if depth == 0 && *t == Tok::Punct('}') {
                    since_item = i + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => since_item = i + 1,
            Tok::Ident(w) if depth == 0 => {
                let w = w.as_str();
                if w == "fn" {
                    let proc_macro = toks[since_item..i]
                        .iter()
                        .any(|t| matches!(t, Tok::Ident(a) if a.starts_with("proc_macro")));
                    if !proc_macro {
                        return true;
                    }
                } else {
                    let item = ITEM_KEYWORDS.contains(&w);
                    // An inline module is a map too when it only re-exports.
                    let inline_mod = w == "mod"
                        && toks.get(i + 2) == Some(&Tok::Punct('{'))
                        && defines_items(&toks[i + 3..closing(toks, i + 2)]);
                    let macro_call = toks.get(i + 1) == Some(&Tok::Punct('!'))
                        && i > 0
                        && toks[i - 1] != Tok::Punct('#');
                    if item || inline_mod || macro_call {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}
