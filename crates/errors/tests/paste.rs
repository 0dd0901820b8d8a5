//! Pasted errors as people paste them: every fixture is a real paste from a public thread
//! (its source beside it), read into its shape and format and placed on its catalog entry.
#![allow(clippy::unwrap_used)]

use instapub_errors::paste::{read, Finding};
use serde_json::Value;

fn name<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn check(fixture: &Value) -> Result<(), String> {
    let paste = fixture["paste"].as_str().unwrap();
    let want = &fixture["expect"];
    let found: Vec<Finding> = read(paste);
    let count = want["findings"].as_u64().unwrap() as usize;
    if found.len() != count {
        return Err(format!(
            "{} findings, expected {count}: {found:#?}",
            found.len()
        ));
    }
    let f = &found[0];
    let c = f.classify();
    let got = serde_json::json!({
        "shape": name(f.shape),
        "format": name(f.format),
        "entry": c.id.map(|id| id.name()),
        "code": f.error.code,
        "subcode": f.error.subcode,
        "http_status": f.http_status.as_ref().map(|e| e.value),
        "cut": f.cut,
    });
    for key in [
        "shape",
        "format",
        "entry",
        "code",
        "subcode",
        "http_status",
        "cut",
    ] {
        if got[key] != want[key] {
            return Err(format!(
                "{key}: got {} expected {}\n{f:#?}",
                got[key], want[key]
            ));
        }
    }
    Ok(())
}

#[test]
fn every_real_paste_is_read_and_placed() {
    let fixtures: Vec<Value> = serde_json::from_str(include_str!("fixtures/pastes.json")).unwrap();
    assert!(fixtures.len() >= 40);
    let mut failures = Vec::new();
    for f in &fixtures {
        assert!(f["source"].as_str().is_some_and(|s| !s.is_empty()));
        if let Err(e) = check(f) {
            failures.push(format!("{}: {e}", f["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{} of {} failed",
        failures.join("\n\n"),
        failures.len(),
        fixtures.len()
    );
}
