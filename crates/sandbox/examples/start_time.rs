//! The Rust side of `bench/packages`: how long `Sandbox::start()` takes, N times (the argument,
//! default 20), each sandbox dropped before the next. Prints one JSON line with every
//! duration in milliseconds, for the bench to set beside the Python and Node packages' starts.
//!
//! Run: `cargo run --release -p instapub-sandbox --example start_time -- 20`

use std::time::Instant;

use instapub_sandbox::Sandbox;

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let mut ms = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let sandbox = Sandbox::start().await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(sandbox);
    }
    println!("{}", serde_json::json!({ "start_ms": ms }));
}
