//! Reads Meta's error table (the seed, `../shared/seed/` beside the workspace) at test time and
//! fails on any drift between it and the catalog.
//!
//! Set `INSTAPUB_SEED` to a file path to check another copy of the table.

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

fn seed_path() -> PathBuf {
    if let Ok(p) = std::env::var("INSTAPUB_SEED") {
        return PathBuf::from(p);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the seed folder {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        1,
        "expected exactly one seed table in {}",
        dir.display()
    );
    files.remove(0)
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
