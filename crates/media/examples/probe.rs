//! Probe files and print one JSON line each: `{"file", "bytes_read", "micros", "facts"}` or
//! `{"file", "error"}`. Used by `bench/probe`.
//!
//! Usage: `probe [--repeat N] FILE...` (with `--repeat`, `micros` is the mean of N probes).

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use instapub_media::{probe_read_seek, DEFAULT_CAP};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 1u32;
    if args.first().map(String::as_str) == Some("--repeat") {
        repeat = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
        args.drain(..2.min(args.len()));
    }
    let batch = Instant::now();
    for path in &args {
        let start = Instant::now();
        let mut result = None;
        for _ in 0..repeat {
            result = Some(
                File::open(path)
                    .map_err(instapub_media::ProbeError::from)
                    .and_then(|f| probe_read_seek(BufReader::new(f), DEFAULT_CAP)),
            );
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(repeat);
        let line = match result {
            Some(Ok(p)) => serde_json::json!({
                "file": path, "bytes_read": p.bytes_read, "micros": micros, "facts": p.facts,
            }),
            Some(Err(e)) => {
                serde_json::json!({ "file": path, "error": e.to_string(), "micros": micros })
            }
            None => continue,
        };
        println!("{line}");
    }
    eprintln!(
        "probed {} files in {:.3} ms",
        args.len(),
        batch.elapsed().as_secs_f64() * 1e3
    );
}
