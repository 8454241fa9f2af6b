//! The layering rule: a module names only the modules beneath it, so data flows one way.
//!
//! The compiler allows any module to import any other, so the direction is kept
//! here: every `crate::…` path, and every `super::…` chain that climbs to the
//! crate root, is read from `src/**/*.rs` and checked against [`ALLOWED`].
//! Comments and string literals are blanked first, so prose cannot trip it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Each top-level module and the paths of ours it may name; `*` is anything.
///
/// An entry allows that path and everything under it: `wecom::types` allows
/// `crate::wecom::types::status`, not `crate::wecom::Client`.
const ALLOWED: &[(&str, &[&str])] = &[
    // The bottom: the term's days, the WeCom API, exit codes.
    ("calendar", &[]),
    ("wecom", &[]),
    ("exit_codes", &[]),
    ("ledger", &["wecom::types"]),
    ("schedule", &["calendar", "wecom::types", "wecom::limits"]),
    // Planning is plain synchronous code: WeCom's shapes and limits, never its client.
    (
        "plan",
        &[
            "schedule",
            "calendar",
            "ledger",
            "wecom::types",
            "wecom::limits",
        ],
    ),
    // Logging knows whether stderr takes colour.
    ("logging", &[]),
    // The progress bar hands itself to the logger so log lines print above it.
    (
        "apply",
        &[
            "plan",
            "ledger",
            "wecom",
            "schedule",
            "logging",
            "exit_codes",
        ],
    ),
    // Attendance reads lives through the executor's gate and lays what it read over the
    // plan and the classes' learners.
    (
        "attendance",
        &["apply", "plan", "ledger", "schedule", "wecom"],
    ),
    // The simulator speaks the API from the other side: shapes, errcodes, limits.
    ("sim", &["wecom::types", "wecom::errcode", "wecom::limits"]),
    // A run against WeCom: the ledger, the executor, the client, the sandbox's simulator.
    (
        "remote",
        &["apply", "ledger", "wecom", "sim", "config", "error"],
    ),
    // The one error type of a command, and the one place that renders errors and problems.
    (
        "error",
        &["ledger", "sim", "wecom", "exit_codes", "attendance"],
    ),
    (
        "diagnostics",
        &["schedule", "error", "exit_codes", "logging"],
    ),
    // The top, where a command line meets the engine.
    ("commands", &["*"]),
    ("cli", &["*"]),
    ("config", &["*"]),
];

/// One path from one module into another top-level module.
#[derive(Debug)]
struct Edge {
    file: PathBuf,
    line: usize,
    /// The path as written after `crate::`, or as resolved from `super::`.
    target: String,
}

#[test]
fn modules_import_only_downwards() {
    let edges = scan_src();
    let mut wrong = String::new();
    for (from, edges) in &edges {
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| m == from) else {
            writeln!(
                wrong,
                "`{from}` is not in `ALLOWED`: give it a place in the layers"
            )
            .unwrap();
            continue;
        };
        for e in edges {
            if !allows(allowed, &e.target) {
                writeln!(
                    wrong,
                    "{}:{}: `{from}` names `crate::{}`; it may name only {allowed:?}",
                    e.file.display(),
                    e.line,
                    e.target,
                )
                .unwrap();
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{wrong}\nall edges:\n{}",
        summary(&edges)
    );
}

/// A scan that finds nothing would pass; this edge is known to exist.
#[test]
fn the_scan_sees_the_plan_reading_the_schedule() {
    let edges = scan_src();
    let plan = edges.get("plan").expect("plan has edges");
    assert!(
        plan.iter().any(|e| e.target.starts_with("schedule")),
        "{}",
        summary(&edges)
    );
}

#[test]
fn paths_are_read_through_groups_supers_and_inline_modules() {
    let src = r#"
        use crate::{plan::{Plan, changes}, wecom::types::status};
        // crate::sim in a comment
        const S: &str = "crate::apply";
        const C: char = '{';
        use crate::{calendar::Term as T, schedule};
        fn f<'a>(x: &'a str) -> crate::ledger::Record { todo!() }
        mod tests {
            use super::super::schedule::Term;
            use super::*;
        }
    "#;
    let found = paths(src, &["commands".into()]);
    let targets: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        targets,
        [
            "plan::Plan",
            "plan::changes",
            "wecom::types::status",
            "calendar::Term",
            "schedule",
            "ledger::Record",
            "schedule::Term"
        ]
    );
    assert_eq!(found[5].0, 7);
}

fn allows(allowed: &[&str], target: &str) -> bool {
    allowed.iter().any(|a| {
        *a == "*" || target == *a || target.strip_prefix(a).is_some_and(|r| r.starts_with("::"))
    })
}

/// Edges out of each top-level module, by module; edges within a module are left out.
fn scan_src() -> BTreeMap<String, Vec<Edge>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut edges: BTreeMap<String, Vec<Edge>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&root).expect("under src");
        let module = module_path(rel);
        // The crate root declares the modules and the binary uses them all.
        let Some(top) = module.first().cloned() else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("read source");
        let out = edges.entry(top.clone()).or_default();
        for (line, target) in paths(&text, &module) {
            if target.split("::").next() != Some(top.as_str()) {
                out.push(Edge {
                    file: Path::new("src").join(rel),
                    line,
                    target,
                });
            }
        }
    }
    edges
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `plan/render/html.rs` is `plan::render::html`; `lib.rs` and `main.rs` are the root.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod")) {
        parts.pop();
    }
    if matches!(parts.as_slice(), [one] if one == "lib" || one == "main") {
        parts.clear();
    }
    parts
}

/// Paths that leave `module` for the crate root, as `(line, path from the root)`.
fn paths(src: &str, module: &[String]) -> Vec<(usize, String)> {
    let tokens = tokens(&blank(src));
    let mut found = Vec::new();
    // Inline `mod name { … }` blocks: `super` in them climbs from there.
    let mut blocks: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (line, tok) = (tokens[i].0, tokens[i].1.as_str());
        let prev = i.checked_sub(1).map(|p| tokens[p].1.as_str());
        match tok {
            "{" => {
                let inline = (i >= 2 && tokens[i - 2].1 == "mod").then(|| tokens[i - 1].1.clone());
                blocks.push(inline);
            }
            "}" => {
                blocks.pop();
            }
            "crate" if next_is(&tokens, i, "::") && prev != Some("::") && prev != Some("$") => {
                let mut targets = Vec::new();
                read_tree(&tokens, i + 2, String::new(), &mut targets);
                found.extend(targets.into_iter().map(|t| (line, t)));
            }
            "super" if next_is(&tokens, i, "::") && prev != Some("::") => {
                let mut here: Vec<String> = module.to_vec();
                here.extend(blocks.iter().flatten().cloned());
                let mut j = i;
                while tokens.get(j).is_some_and(|t| t.1 == "super") && next_is(&tokens, j, "::") {
                    here.pop();
                    j += 2;
                }
                if here.is_empty() {
                    let mut targets = Vec::new();
                    read_tree(&tokens, j, String::new(), &mut targets);
                    found.extend(targets.into_iter().map(|t| (line, t)));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn next_is(tokens: &[(usize, String)], i: usize, what: &str) -> bool {
    tokens.get(i + 1).is_some_and(|t| t.1 == what)
}

/// Reads `a::b::{c, d::e}` from `at`, pushing one path per leaf; returns where it stopped.
fn read_tree(
    tokens: &[(usize, String)],
    mut at: usize,
    mut prefix: String,
    out: &mut Vec<String>,
) -> usize {
    loop {
        match tokens.get(at).map(|t| t.1.as_str()) {
            Some("{") => {
                at += 1;
                loop {
                    match tokens.get(at).map(|t| t.1.as_str()) {
                        Some("}") => return at + 1,
                        Some(",") => at += 1,
                        Some(_) => at = read_tree(tokens, at, prefix.clone(), out),
                        None => return at,
                    }
                }
            }
            Some(t) if is_ident(t) => {
                if !prefix.is_empty() {
                    prefix.push_str("::");
                }
                prefix.push_str(t);
                if next_is(tokens, at, "::") {
                    at += 2;
                } else {
                    at += 1;
                    break;
                }
            }
            _ => break,
        }
    }
    if !prefix.is_empty() && prefix != "self" {
        out.push(prefix);
    }
    // In a group, `as name` would otherwise be read as the next path.
    if tokens.get(at).is_some_and(|t| t.1 == "as") {
        at += 2;
    }
    at
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
        && t != "as"
}

/// Identifiers, `::` and single punctuation, each with its line.
fn tokens(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = code.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '\n' {
            line += 1;
        } else if c == '_' || c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                if n == '_' || n.is_alphanumeric() {
                    end = i + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push((line, code[start..end].to_string()));
        } else if c == ':' && chars.peek().is_some_and(|&(_, n)| n == ':') {
            chars.next();
            out.push((line, "::".to_string()));
        } else if !c.is_whitespace() {
            out.push((line, c.to_string()));
        }
    }
    out
}

/// The source with comments, strings and character literals replaced by spaces; newlines kept.
fn blank(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    // Everything from `from` to `to` becomes spaces, except line breaks.
    let skip = |out: &mut Vec<u8>, from: usize, to: usize| {
        out.extend(
            b[from..to]
                .iter()
                .map(|&c| if c == b'\n' { b'\n' } else { b' ' }),
        );
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            block_comment_end(b, i)
        } else if let Some(end) = raw_string_end(b, i) {
            end
        } else if rest[0] == b'"' {
            quoted_end(b, i, b'"')
        } else if rest[0] == b'\'' {
            match char_literal_end(b, i) {
                Some(end) => end,
                None => {
                    out.push(b'\'');
                    i += 1;
                    continue;
                }
            }
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        skip(&mut out, i, end);
        i = end;
    }
    String::from_utf8(out).expect("blanking keeps UTF-8 outside literals")
}

fn ident_byte_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1] == b'_' || b[i - 1].is_ascii_alphanumeric())
}

fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// `r"…"`, `r#"…"#`, `br#"…"#`: the end, if a raw string starts at `i`.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    if ident_byte_before(b, i) {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let mut close = vec![b'"'];
    close.extend(std::iter::repeat_n(b'#', hashes));
    let body = j + 1;
    let at = b[body..]
        .windows(close.len())
        .position(|w| w == close.as_slice())?;
    Some(body + at + close.len())
}

/// The end of a literal opened by `quote` at `open`, honouring backslash escapes.
fn quoted_end(b: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// `'x'`, `'\n'`, `'{'`: the end, if a character literal (not a lifetime) starts at `i`.
fn char_literal_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        return Some(quoted_end(b, i, b'\''));
    }
    let ch = std::str::from_utf8(&b[i + 1..]).ok()?.chars().next()?;
    let after = i + 1 + ch.len_utf8();
    (b.get(after) == Some(&b'\'')).then_some(after + 1)
}

fn summary(edges: &BTreeMap<String, Vec<Edge>>) -> String {
    let mut s = String::new();
    for (from, edges) in edges {
        let mut to: BTreeMap<&str, usize> = BTreeMap::new();
        for e in edges {
            *to.entry(e.target.split("::").next().unwrap_or(""))
                .or_default() += 1;
        }
        for (to, n) in to {
            writeln!(s, "{from} -> {to} ({n})").unwrap();
        }
    }
    s
}
