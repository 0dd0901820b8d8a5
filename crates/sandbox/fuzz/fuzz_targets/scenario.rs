//! Fuzz target: a scenario file (JSON5) as `instapub serve --scenario` reads it. Parsing and
//! validation only; applying a scenario needs a store.
#![no_main]

use instapub_sandbox::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Scenario::parse(text);
    }
});
