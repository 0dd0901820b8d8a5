//! Fuzz target: the `fields` parameter's field-expansion syntax. Any text parses or is refused
//! (never a panic, never deeper or longer than the caps), and every `{...}` kept for a
//! `paging.next` URL parses back to the same subfields.
#![no_main]

use instapub_sandbox::internals::{parse_fields, Field, MAX_DEPTH, MAX_FIELDS};
use libfuzzer_sys::fuzz_target;

fn check(fields: &[Field], depth: usize, count: &mut usize) {
    assert!(depth < MAX_DEPTH, "nested deeper than the cap");
    for f in fields {
        *count += 1;
        if let Some((sub, text)) = &f.sub {
            let again = parse_fields(text).unwrap_or_else(|_| panic!("{text:?} does not re-parse"));
            assert_eq!(&again, sub, "{text:?}");
            check(sub, depth + 1, count);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(fields) = parse_fields(&text) {
        let mut count = 0;
        check(&fields, 0, &mut count);
        assert!(count <= MAX_FIELDS, "more names than the cap");
    }
});
