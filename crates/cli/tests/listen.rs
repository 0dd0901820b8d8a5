//! `instapub listen` and `instapub trigger` as processes, against a small receiver standing in
//! for an app: every triggered event reaches the app signed over its raw bytes (checked with
//! `instapub_client::webhooks`), and `listen` prints a line per delivery with the app's status.

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};

type Got = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// The "app": records each delivery, answers 200 (or 500 for a body naming "fail").
async fn app() -> (String, Got) {
    let got: Got = Arc::default();
    async fn hook(State(got): State<Got>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let fail = String::from_utf8_lossy(&body).contains("fail");
        got.lock().unwrap().push((headers, body));
        if fail {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::OK
        }
    }
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(Arc::clone(&got));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, got)
}

async fn next_json(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("a line in time")
        .unwrap()
        .expect("listen is still running");
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"))
}

fn trigger(base: &str, key: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_instapub"))
        .arg("trigger")
        .args(args)
        .args(["--base-url", base, "--admin-key", key, "--json"])
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_forwards_every_triggered_event_signed_and_prints_the_app_s_answer() {
    let (url, got) = app().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args([
            "listen",
            "--forward-to",
            &url,
            "--listen",
            "127.0.0.1:0",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = next_json(&mut lines).await;
    assert_eq!(ready["event"], "ready");
    let base = ready["base_url"].as_str().unwrap().to_owned();
    let key = ready["admin_key"].as_str().unwrap().to_owned();
    let secret = ready["app_secret"].as_str().unwrap().to_owned();

    for (i, field) in ["comments", "live-comments", "mentions", "story-insights"]
        .iter()
        .enumerate()
    {
        let out = trigger(&base, &key, &[field]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let done: Value = serde_json::from_slice(&out.stdout).unwrap();
        let line = next_json(&mut lines).await;
        assert_eq!(line["event"], "delivery");
        assert_eq!(line["status"], 200);
        let wire = field.replace('-', "_");
        assert_eq!(line["fields"], serde_json::json!([wire]));
        let (headers, body) = got.lock().unwrap()[i].clone();
        let signature = headers["x-hub-signature-256"].to_str().unwrap();
        instapub_client::webhooks::verify(&secret, &body, signature).unwrap();
        let parsed = instapub_client::webhooks::parse(&body).unwrap();
        assert_eq!(parsed.entry[0].id, done["account_id"].as_str().unwrap());
        assert_eq!(headers["user-agent"], "facebookexternalua");
    }

    // The app's failure goes back to the sandbox, which retries at once.
    let out = trigger(&base, &key, &["comments", "--text", "please fail"]);
    assert!(out.status.success());
    assert_eq!(next_json(&mut lines).await["status"], 500);
    assert_eq!(next_json(&mut lines).await["status"], 500);

    // Without the admin key, trigger says what to do and exits 2.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args(["trigger", "comments", "--base-url", &base])
        .env_remove("INSTAPUB_ADMIN_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--admin-key"));
    child.kill().await.unwrap();
}
