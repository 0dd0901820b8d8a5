//! Fuzz target: a webhook delivery as an app receives it (`instapub_client::webhooks`). Any
//! bytes, with a signature header taken from their start: verified or refused, parsed or
//! refused, never a panic; a body past the cap is refused before it is parsed; and a body
//! signed with the key verifies while the same body with one byte changed does not.
#![no_main]

use instapub_client::webhooks::{parse, sign, verify, MAX_BODY_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(0);
    let (header, body) = data.split_at(split);
    let header = String::from_utf8_lossy(header);
    let _ = verify("secret", body, &header);
    let signed = format!("sha256={}", sign("secret", body));
    assert!(verify("secret", body, &signed).is_ok());
    if let Some((first, rest)) = body.split_first() {
        let mut changed = vec![first.wrapping_add(1)];
        changed.extend_from_slice(rest);
        assert!(verify("secret", &changed, &signed).is_err());
    }
    if let Ok(n) = parse(body) {
        assert!(body.len() <= MAX_BODY_BYTES);
        for entry in &n.entry {
            let _ = entry.changes.len();
        }
    }
});
