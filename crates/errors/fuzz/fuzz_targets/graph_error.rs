//! Fuzz target: a Graph answer as the client reads it (any status, any body), classified
//! against the catalog; and the container status texts and code numbers it parses.
//!
//! Input: two bytes of HTTP status, then the body.
#![no_main]

use instapub_errors::{parse_code_number, parse_status_text, GraphError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (Some(u16::from_be_bytes([*a, *b]) % 1000), rest),
        _ => (None, data),
    };
    if let Ok(error) = GraphError::parse(status, body) {
        let class = error.classify();
        // A classification names a catalog entry only for codes the catalog has.
        if let Some(entry) = class.entry() {
            assert!(error.code.is_some() || error.subcode.is_some(), "{entry:?}");
        }
    }
    let text = String::from_utf8_lossy(body);
    let _ = parse_status_text(&text);
    let _ = parse_code_number(&text);
});
