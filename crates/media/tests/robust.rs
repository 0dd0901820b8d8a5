//! Robustness: random, signature-prefixed and mutated bytes never panic, and the push-style
//! prober agrees with the one-shot probe whatever the chunking.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use instapub_media::{
    probe_bytes, probe_read, probe_read_seek, MediaFacts, ProbeError, Prober, Step,
};
use proptest::prelude::*;

const CAP: u64 = 1 << 20;

fn fixtures() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

const SIGNATURES: &[&[u8]] = &[
    b"\xFF\xD8\xFF",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8X",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x00\x00\x00\x00WEBPVP8L",
    b"RIFF\x00\x00\x00\x00AVI ",
    b"II*\x00",
    b"MM\x00*",
    b"BM\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00",
    b"\x00\x00\x00\x18ftypisom",
    b"\x00\x00\x00\x18ftypheic",
    b"\x00\x00\x00\x18ftypavif",
    b"\x00\x00\x00\x08moov",
    b"\x00\x00\x00\x01mdat",
    b"\x1A\x45\xDF\xA3",
    b"FLV\x01",
    b"OggS\x00",
    b"\x47",
];

fn push(data: &[u8], chunk: usize) -> Result<instapub_media::MediaFacts, String> {
    let mut p = Prober::new(CAP);
    for c in data.chunks(chunk.max(1)) {
        match p.feed(c) {
            Step::NeedMore => {}
            Step::Done(probe) => {
                assert!(probe.bytes_read <= data.len() as u64);
                return Ok(probe.facts);
            }
            Step::Error(e) => return Err(e.to_string()),
        }
    }
    match p.finish() {
        Step::Done(probe) => Ok(probe.facts),
        Step::Error(e) => Err(e.to_string()),
        Step::NeedMore => panic!("NeedMore after finish"),
    }
}

fn check(data: &[u8], chunk: usize) {
    let whole = probe_bytes(data);
    let pushed = push(data, chunk);
    match (&whole, &pushed) {
        (Ok(a), Ok(b)) => assert_eq!(&a.facts, b),
        (Err(_), Err(_)) => {}
        // probe_bytes cannot read through an mdat it does not hold; both are honest.
        (Err(ProbeError::NeedsSeek { .. }), Ok(_)) => {}
        _ => panic!("probe_bytes {whole:?} vs prober {pushed:?}"),
    }
    // Reading through skipped boxes with a small buffer must agree whenever it answers.
    let mut p = Prober::new(256).read_through(u64::MAX);
    let mut through = None;
    for c in data.chunks(chunk.max(1)) {
        match p.feed(c) {
            Step::NeedMore => {}
            other => {
                through = Some(other);
                break;
            }
        }
    }
    let through = through.unwrap_or_else(|| p.finish());
    // (Images may answer differently under a 256-byte cap: PNG answers without later chunks.)
    if let (Ok(a), Step::Done(b)) = (&whole, &through) {
        if matches!(a.facts, MediaFacts::Video(_)) {
            assert_eq!(a.facts, b.facts);
        }
    }
    let _ = probe_read(Cursor::new(data), CAP);
    let _ = probe_read_seek(Cursor::new(data), CAP);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..4096), chunk in 1usize..600) {
        check(&data, chunk);
    }

    #[test]
    fn signature_then_random(sig in 0..SIGNATURES.len(),
                             tail in proptest::collection::vec(any::<u8>(), 0..2048),
                             chunk in 1usize..600) {
        let mut data = SIGNATURES.get(sig).unwrap().to_vec();
        data.extend_from_slice(&tail);
        check(&data, chunk);
    }

    #[test]
    fn mutated_fixtures(which in any::<prop::sample::Index>(),
                        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
                        cut in any::<prop::sample::Index>(),
                        truncate in any::<bool>(),
                        chunk in 1usize..4096) {
        let all = fixtures();
        let mut data = which.get(&all).clone();
        if !data.is_empty() {
            for (at, byte) in &edits {
                let i = at.index(data.len());
                if let Some(b) = data.get_mut(i) {
                    *b = *byte;
                }
            }
            if truncate {
                data.truncate(cut.index(data.len()));
            }
        }
        check(&data, chunk);
    }

    #[test]
    fn hostile_box_lengths(size in any::<u32>(), large in any::<u64>(), kind in 0usize..4) {
        let kinds: [&[u8; 4]; 4] = [b"moov", b"mdat", b"meta", b"free"];
        let mut data = b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00".to_vec();
        data.extend_from_slice(&size.to_be_bytes());
        data.extend_from_slice(kinds.get(kind).unwrap().as_slice());
        if size == 1 {
            data.extend_from_slice(&large.to_be_bytes());
        }
        data.extend_from_slice(&[0u8; 64]);
        check(&data, 17);
    }
}

/// Inputs the fuzzers once failed on (`tests/regressions/`), replayed the way the fuzz target
/// that found them runs: two control bytes (cap, chunk), then the body after an `ftyp`.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (cap, chunk, body) = match data.as_slice() {
            [a, b, rest @ ..] => (u64::from(*a) * 16 + 16, usize::from(*b).max(1), rest),
            _ => continue,
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
            assert_eq!(whole.facts, pushed.facts);
        }
        check(&input, chunk);
    }
}
