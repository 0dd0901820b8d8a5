//! The yardstick of `bench/sandbox`: the sandbox's HTTP stack (hyper's HTTP/1 server with the
//! sandbox's settings, on tokio) answering canned responses, with no routing, parameters,
//! authentication, store, usage accounting or request log. What the sandbox does on top of
//! this is what it costs.
//!
//! Reads from stdin a JSON list of canned answers
//! `[{"method": "GET", "path": "/v25.0/1788...", "auth": "Bearer EAA...", "status": 200,
//!    "headers": [["content-type", "..."], ...], "body": "..."}]` (`path` matches the request
//! path's end, `auth` the Authorization header when given; the first match answers, no match
//! is a 404), prints `{"base_url": "http://127.0.0.1:PORT"}` and serves until killed.
//!
//! Run: `cargo run --release -p instapub-sandbox --example bare < answers.json`

use std::convert::Infallible;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::Value;

/// The allocator `instapub serve` uses (crates/cli/src/main.rs), so that the yardstick differs
/// from the sandbox only in the sandbox's work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Canned {
    method: String,
    path: String,
    auth: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

fn load() -> Result<Vec<Canned>, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    let list: Vec<Value> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    list.iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().map(str::to_owned);
            Ok(Canned {
                method: s("method").ok_or("method")?,
                path: s("path").ok_or("path")?,
                auth: s("auth"),
                status: v["status"]
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or("status")?,
                headers: v["headers"]
                    .as_array()
                    .map(|hs| {
                        hs.iter()
                            .filter_map(|h| {
                                Some((h[0].as_str()?.to_owned(), h[1].as_str()?.to_owned()))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                body: Bytes::from(s("body").ok_or("body")?),
            })
        })
        .collect::<Result<_, &str>>()
        .map_err(|field| format!("an answer lacks {field}"))
}

fn answer(canned: &[Canned], req: &Request<Incoming>) -> Response<http_body_util::Full<Bytes>> {
    let auth = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let found = canned.iter().find(|c| {
        c.method == req.method().as_str()
            && req.uri().path().ends_with(&c.path)
            && c.auth.as_deref().is_none_or(|a| Some(a) == auth)
    });
    let mut builder = Response::builder();
    let body = match found {
        Some(c) => {
            builder = builder.status(c.status);
            for (k, v) in &c.headers {
                builder = builder.header(k, v);
            }
            c.body.clone()
        }
        None => {
            builder = builder.status(404);
            Bytes::new()
        }
    };
    builder
        .body(http_body_util::Full::new(body))
        .unwrap_or_else(|_| Response::new(http_body_util::Full::new(Bytes::new())))
}

#[tokio::main]
async fn main() {
    let canned = match load() {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("bare: cannot read the canned answers on stdin: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bare: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({ "base_url": format!("http://127.0.0.1:{port}") })
    );
    // The sandbox's connection settings (crates/sandbox/src/server.rs).
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .max_headers(128)
        .max_buf_size(1024 * 1024);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let canned = canned.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let response = answer(&canned, &req);
            async move { Ok::<_, Infallible>(response) }
        });
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}
