//! Fuzz target: the push-style prober reading through skipped boxes without buffering them
//! (`Prober::read_through`), with a small buffer cap and uneven chunks; whenever it and the
//! one-shot probe both find a movie, they must agree.
#![no_main]

use instapub_media::{probe_bytes, MediaFacts, Prober, Step};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (cap, chunk, body) = match data {
        [a, b, rest @ ..] => (u64::from(*a) * 16 + 16, usize::from(*b).max(1), rest),
        _ => return,
    };
    let mut input = b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00".to_vec();
    input.extend_from_slice(body);
    let mut p = Prober::new(cap).read_through(u64::MAX);
    let mut step = None;
    for c in input.chunks(chunk) {
        match p.feed(c) {
            Step::NeedMore => {}
            other => {
                step = Some(other);
                break;
            }
        }
    }
    let step = step.unwrap_or_else(|| p.finish());
    if let (Ok(whole), Step::Done(pushed)) = (probe_bytes(&input), &step) {
        if matches!(whole.facts, MediaFacts::Video(_)) {
            assert_eq!(whole.facts, pushed.facts);
        }
    }
});
