//! Reads Meta's error table at test time and fails on any drift between it and the catalog.
//!
//! The table is kept in the repository (`tests/fixtures/meta-error-table.txt`), so a fresh
//! clone with nothing beside it runs every check. Where the project's seed folder is beside
//! the workspace (`../shared/seed/`, as in CI), [`the_kept_table_is_the_seed`] checks that the
//! kept copy is the seed byte for byte; without it that one check says it was skipped (and
//! fails under `CI=true`, where the seed must be present). Set `INSTAPUB_SEED` to a file path
//! to check another copy of the table.

use std::path::PathBuf;

use instapub_errors::{Source, ENTRIES};

#[derive(Debug)]
struct SeedRow {
    line: usize,
    status: u16,
    code: i64,
    subcode_column: String,
    user_message: String,
    solution: String,
}

/// The copy of Meta's table kept in the repository.
fn kept_table() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/meta-error-table.txt")
}

/// The seed table beside the workspace, if the seed folder is there.
fn shared_seed() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(
        files.len() <= 1,
        "expected one seed table in {}, found {}",
        dir.display(),
        files.len()
    );
    files.pop()
}

/// The table the checks read: `INSTAPUB_SEED`, else the kept copy.
fn seed_path() -> PathBuf {
    match std::env::var("INSTAPUB_SEED") {
        Ok(p) => PathBuf::from(p),
        Err(_) => kept_table(),
    }
}

#[test]
fn the_kept_table_is_the_seed() {
    let Some(seed) = shared_seed() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with the seed folder beside the checkout (../shared/seed), and it is missing"
        );
        // Written to the process's stderr itself, past libtest's capture of `eprintln!`, so the
        // skip shows in a plain `cargo test` run.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "SKIPPED the_kept_table_is_the_seed: no ../shared/seed beside the workspace; \
             the catalog was checked against the kept copy only"
        );
        return;
    };
    let kept = std::fs::read(kept_table()).expect("the kept table");
    let real = std::fs::read(&seed).expect("the seed table");
    assert!(
        kept == real,
        "{} differs from the seed {}: copy the seed over it, then fix the catalog",
        kept_table().display(),
        seed.display()
    );
}

/// Table rows look like `400 | -2 | 2207003 | user message | solution |`.
fn seed_rows() -> Vec<SeedRow> {
    let path = seed_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split(" | ").map(str::trim).collect();
        let Some(status) = cols.first().and_then(|c| c.parse::<u16>().ok()) else {
            continue;
        };
        assert!(cols.len() >= 5, "line {}: too few columns: {line}", i + 1);
        rows.push(SeedRow {
            line: i + 1,
            status,
            code: cols[1].parse().expect("code column is a number"),
            subcode_column: cols[2].to_owned(),
            user_message: cols[3].to_owned(),
            solution: cols[4].trim_end_matches('|').trim().to_owned(),
        });
    }
    rows
}

#[test]
fn the_seed_has_37_rows() {
    assert_eq!(seed_rows().len(), 37);
}

#[test]
fn every_seed_row_is_in_the_catalog_unchanged() {
    for row in seed_rows() {
        match row.subcode_column.parse::<i64>() {
            Ok(subcode) => {
                let entry = ENTRIES
                    .iter()
                    .find(|e| e.code == row.code && e.subcode == Some(subcode))
                    .unwrap_or_else(|| {
                        panic!("seed line {}: {}/{subcode} missing", row.line, row.code)
                    });
                assert_eq!(entry.source, Source::Seed, "{}", entry.id);
                assert_eq!(entry.status, row.status, "{} status", entry.id);
                assert_eq!(
                    entry.user_msg,
                    Some(row.user_message.as_str()),
                    "{} user message",
                    entry.id
                );
                let solution = (!row.solution.is_empty()).then_some(row.solution.as_str());
                assert_eq!(entry.meta_solution, solution, "{} solution", entry.id);
            }
            // The shifted 403/200 row: message in the subcode column, solution in the
            // user-message column, no subcode at all.
            Err(_) => {
                let entry = ENTRIES
                    .iter()
                    .find(|e| e.code == row.code && e.subcode.is_none() && e.source == Source::Seed)
                    .unwrap_or_else(|| panic!("seed line {}: code {} missing", row.line, row.code));
                assert_eq!(entry.status, row.status, "{} status", entry.id);
                assert_eq!(entry.message, row.subcode_column, "{} message", entry.id);
                assert_eq!(
                    entry.meta_solution,
                    Some(row.user_message.as_str()),
                    "{} solution",
                    entry.id
                );
                assert!(
                    entry.note.is_some_and(|n| n.contains("shifted")),
                    "{} must note the seed's slip",
                    entry.id
                );
            }
        }
    }
}

#[test]
fn every_seed_entry_has_a_seed_row() {
    let rows = seed_rows();
    for entry in ENTRIES.iter().filter(|e| e.source == Source::Seed) {
        let found = rows.iter().any(|r| {
            r.code == entry.code
                && match entry.subcode {
                    Some(s) => r.subcode_column == s.to_string(),
                    None => r.subcode_column.parse::<i64>().is_err(),
                }
        });
        assert!(
            found,
            "{} claims to be a seed row but is not in the seed",
            entry.id
        );
    }
}

#[test]
fn the_sample_response_renders_byte_for_byte() {
    let text = std::fs::read_to_string(seed_path()).expect("seed readable");
    let start = text.find("{ \"error\"").expect("sample response present");
    let end = text[start..].find("} }").expect("sample response ends") + start + 3;
    let sample = &text[start..end];
    let parsed = instapub_errors::GraphError::parse(Some(400), sample.as_bytes()).expect("parses");
    assert_eq!(
        parsed.classify().id,
        Some(instapub_errors::Id::ImageTooLarge)
    );
    let ours = instapub_errors::CatalogError::new(instapub_errors::Id::ImageTooLarge)
        .with(instapub_errors::placeholder::SIZE, "8 MiB")
        .render(
            instapub_errors::Profile::Documented,
            parsed.fbtrace_id.clone().expect("sample has a trace id"),
        )
        .to_json();
    assert_eq!(ours, compact(sample));
}

/// Removes whitespace outside JSON strings.
fn compact(json: &str) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}
