//! Fuzz target: `instapub explain`'s reader of pasted text (any bytes as text), with every
//! finding classified.
#![no_main]

use instapub_errors::paste::{read, MAX_FINDINGS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = read(&text);
    assert!(found.len() <= MAX_FINDINGS);
    for f in &found {
        let c = f.classify();
        assert!(f.error.raw.len() <= 4096, "raw text is capped");
        if let Some(id) = c.id {
            // A named entry is reached only with something to name it by.
            assert!(
                f.error.code.is_some()
                    || f.error.subcode.is_some()
                    || f.error.message.is_some()
                    || f.www_authenticate.is_some()
                    || f.code_in_message.is_some(),
                "{id:?}"
            );
        }
    }
});
