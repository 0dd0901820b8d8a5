//! Fuzz target: the EBML parser (Matroska and WebM; input prefixed with the EBML signature),
//! one-shot and push-style in uneven chunks.
#![no_main]

use instapub_media::{probe_bytes, Prober, Step};
use libfuzzer_sys::fuzz_target;

const SIGNATURE: &[u8] = b"\x1A\x45\xDF\xA3";

fuzz_target!(|data: &[u8]| {
    let mut input = SIGNATURE.to_vec();
    input.extend_from_slice(data);
    let whole = probe_bytes(&input);
    let chunk = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut p = Prober::new(1 << 20);
    let mut pushed = None;
    for c in input.chunks(chunk) {
        match p.feed(c) {
            Step::NeedMore => {}
            Step::Done(probe) => {
                pushed = Some(Ok(probe.facts));
                break;
            }
            Step::Error(e) => {
                pushed = Some(Err(e));
                break;
            }
        }
    }
    let pushed = pushed.unwrap_or_else(|| match p.finish() {
        Step::Done(probe) => Ok(probe.facts),
        Step::Error(e) => Err(e),
        Step::NeedMore => panic!("NeedMore after finish"),
    });
    if let (Ok(a), Ok(b)) = (&whole, &pushed) {
        assert_eq!(&a.facts, b);
    }
});
