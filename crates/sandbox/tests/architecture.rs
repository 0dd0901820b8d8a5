//! The architecture, checked: inside `crates/sandbox/src` and `crates/errors/src` no module
//! imports, directly or through others, a module that imports it back; and no crate but the
//! catalog writes an error code or subcode as a number.
//!
//! Both read the source as text (comments and `#[cfg(test)]` sections left out), so a
//! violation fails here with the files named, not in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file: comments removed, and nothing from the first `#[cfg(test)]` on.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = match line.find("//") {
            // Not inside a string literal: good enough for this code base, whose strings hold
            // URLs (`http://`) only where a quote comes first.
            Some(i) if line[..i].matches('"').count() % 2 == 0 => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// A file's module path within its crate (`src/graph/mod.rs` -> `["graph"]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn ident_chain(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

/// File-level import graph of one crate: module path -> module paths it refers to.
fn import_graph(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(src, f)).collect();
    // The longest prefix of `path` that is a file of the crate.
    let resolve = |path: Vec<String>| -> Vec<String> {
        let mut p = path;
        while !p.is_empty() && !modules.contains(&p) {
            p.pop();
        }
        p
    };
    let mut graph = BTreeMap::new();
    for file in &files {
        let me = module_path(src, file);
        let code = code_of(&std::fs::read_to_string(file).unwrap_or_default());
        let children: Vec<String> = modules
            .iter()
            .filter(|m| m.len() == me.len() + 1 && m.starts_with(&me))
            .filter_map(|m| m.last().cloned())
            .collect();
        let mut edges = BTreeSet::new();
        let bytes = code.as_bytes();
        for (i, _) in code.match_indices("::") {
            // The whole path this `::` belongs to, from its first segment.
            let mut start = i;
            while start > 0 {
                let c = bytes[start - 1];
                if c.is_ascii_alphanumeric() || c == b'_' || c == b':' {
                    start -= 1;
                } else {
                    break;
                }
            }
            if start > 0 && bytes[start - 1] == b'$' {
                continue;
            }
            let chain = ident_chain(&code[start..]);
            // Each path once: only at its first `::`.
            if chain.first().map(|f| start + f.len()) != Some(i) {
                continue;
            }
            let target = match chain.first().copied() {
                Some("crate") => chain[1..].iter().map(|s| s.to_string()).collect(),
                Some("super") => {
                    let mut base = me.clone();
                    let mut rest = &chain[..];
                    while rest.first() == Some(&"super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().map(|s| s.to_string()));
                    base
                }
                Some(first) if children.iter().any(|c| c == first) => {
                    let mut base = me.clone();
                    base.extend(chain.iter().map(|s| s.to_string()));
                    base
                }
                _ => continue,
            };
            let target = resolve(target);
            if target != me {
                edges.insert(target);
            }
        }
        graph.insert(me, edges);
    }
    graph
}

/// A cycle in the graph, as a list of modules, if there is one.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        n: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|x| x == m).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|p| format!("crate::{}", p.join("::")))
                        .collect();
                    cycle.push(format!("crate::{}", m.join("::")));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, graph, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn sandbox_and_catalog_modules_import_one_way() {
    for krate in ["sandbox", "errors"] {
        let src = crates_dir().join(krate).join("src");
        let graph = import_graph(&src);
        assert!(graph.len() > 5, "read {} modules of {krate}", graph.len());
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{krate}: modules import each other: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let m = |s: &str| vec![s.to_owned()];
    let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    g.insert(m("a"), [m("b")].into());
    g.insert(m("b"), [m("c")].into());
    g.insert(m("c"), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
    g.insert(m("c"), [m("a")].into());
    assert!(find_cycle(&g).is_some());
}

/// Error codes and subcodes distinctive enough to find as numbers (every subcode from 100 up,
/// every code from 100 up but 100 and 200, which are also HTTP statuses and quotas).
fn distinctive_codes() -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    for e in instapub_errors::ENTRIES {
        for n in [Some(e.code), e.subcode].into_iter().flatten() {
            let n = n.abs();
            // Small codes, and the HTTP statuses that are codes too (api.instagram.com's
            // `code` is its status, 400), are too common to tell apart from other numbers.
            if n > 100 && n != 200 && n != 400 {
                out.insert(n);
            }
        }
    }
    out
}

/// Integer literals of a text (underscores removed), skipping parts of identifiers and floats.
fn integer_literals(code: &str) -> Vec<i64> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
            j += 1;
        }
        let float_or_ident = j < b.len() && (b[j] == b'.' || b[j].is_ascii_alphabetic());
        if !float_or_ident {
            let digits: String = code[i..j].chars().filter(|c| *c != '_').collect();
            if let Ok(n) = digits.parse() {
                out.push(n);
            }
        }
        i = j;
    }
    out
}

#[test]
fn only_the_catalog_writes_error_codes() {
    let codes = distinctive_codes();
    assert!(codes.contains(&2_207_042) && codes.contains(&190));
    let mut found = Vec::new();
    for krate in ["sandbox", "client", "cli", "rules", "media"] {
        let mut files = Vec::new();
        rust_files(&crates_dir().join(krate).join("src"), &mut files);
        for file in files {
            let code = code_of(&std::fs::read_to_string(&file).unwrap_or_default());
            for n in integer_literals(&code) {
                if codes.contains(&n) {
                    found.push(format!("{}: {n}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "error codes written outside the catalog (name the entry instead): {found:#?}"
    );
    assert_eq!(
        integer_literals("x(9, 2207042) 1_000 v25.0 a1 2.5"),
        vec![9, 2207042, 1000]
    );
}
