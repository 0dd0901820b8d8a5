//! Fuzz target: a batch request's `batch` parameter. Any text is parsed as the parameter parser
//! reads it, then planned (operations, dependencies, references) and resolved against answers
//! for every name it uses: refused or planned, never a panic, never more operations than the
//! cap, and the JSONPaths in references never run away (their length and nesting are capped).
#![no_main]

use std::collections::HashMap;

use instapub_sandbox::internals::{parse_relaxed_json, BatchPlan, MAX_OPERATIONS};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(value) = parse_relaxed_json(&text) else {
        return;
    };
    let Ok(plan) = BatchPlan::parse(value) else {
        return;
    };
    let answer = (true, json!({"id": "1", "data": [{"id": "2"}, {"id": 3}]}));
    let names: Vec<String> = text
        .split("name")
        .map(|s| s.chars().take(12).collect())
        .collect();
    let answers: HashMap<&str, (bool, serde_json::Value)> = names
        .iter()
        .map(|n| (n.as_str(), answer.clone()))
        .collect();
    let resolved = plan.resolved(&answers);
    assert!(resolved.len() <= MAX_OPERATIONS);
});
