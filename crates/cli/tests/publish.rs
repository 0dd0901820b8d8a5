//! `instapub publish` as a process, against `instapub serve` as a process.

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn fixture(name: &str) -> String {
    format!(
        "{}/../media/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

async fn serve() -> (Child, Value) {
    serve_with("0").await
}

async fn serve_with(video_processing_ms: &str) -> (Child, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--json",
            "--db",
            ":memory:",
            "--video-processing-ms",
            video_processing_ms,
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line),
    )
    .await
    .unwrap()
    .unwrap();
    (child, serde_json::from_str(&line).unwrap())
}

async fn publish(info: &Value, args: &[&str], with_key: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_instapub"));
    cmd.arg("publish")
        .args(args)
        .env("INSTAPUB_BASE_URL", info["base_url"].as_str().unwrap())
        .env("INSTAPUB_TOKEN", info["access_token"].as_str().unwrap())
        .env("INSTAPUB_USER", info["user_id"].as_str().unwrap());
    if with_key {
        cmd.env("INSTAPUB_ADMIN_KEY", info["admin_key"].as_str().unwrap());
    } else {
        cmd.env_remove("INSTAPUB_ADMIN_KEY");
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn local_files_are_uploaded_then_published() {
    let (_server, info) = serve().await;
    let o = publish(
        &info,
        &[&fixture("jpeg_square.jpg"), "--caption", "hello"],
        true,
    )
    .await;
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("published media 179"), "{out}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("instapub: publish:"),
        "progress on stderr"
    );
    let o = publish(
        &info,
        &[
            &fixture("jpeg_square.jpg"),
            &fixture("mp4_reel_valid.mp4"),
            "--as",
            "carousel",
        ],
        true,
    )
    .await;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[tokio::test]
async fn refusals_are_explained_and_unusable_input_is_status_2() {
    let (_server, info) = serve().await;
    let o = publish(&info, &[&fixture("png_rgb.png")], true).await;
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("code 36001, subcode 2207005"), "{err}");
    assert!(err.contains("UnsupportedImageFormat"), "{err}");
    assert!(err.contains("What to do: fix the request"), "{err}");
    // Issue 16, defect 4: what Instagram said, with its values, and no debug text.
    let o = publish(&info, &[&fixture("jpeg_baseline.jpg")], true).await;
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("with aspect ratio 2"), "{err}");
    assert!(err.contains("code 36003, subcode 2207009"), "{err}");
    for debug in ["{submitted-ratio}", "Some(", "None"] {
        assert!(!err.contains(debug), "{debug} in {err}");
    }
    // A local file without a sandbox to upload it to.
    let o = publish(&info, &[&fixture("jpeg_square.jpg")], false).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Instagram fetches media by URL"));
}

/// Newcomer friction (issue 16): polling a reel shows one progress line per change, not a
/// line per poll.
#[tokio::test]
async fn polling_progress_is_not_repeated() {
    let (_server, info) = serve_with("1500").await;
    let o = publish(
        &info,
        &[&fixture("mp4_reel_valid.mp4"), "--as", "reel"],
        true,
    )
    .await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("still processing").count(), 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.windows(2).all(|w| w[0] != w[1]), "{err}");
}

async fn report(info: &Value, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_instapub"));
    cmd.arg("report")
        .args(args)
        .env("INSTAPUB_BASE_URL", info["base_url"].as_str().unwrap())
        .env("INSTAPUB_ADMIN_KEY", info["admin_key"].as_str().unwrap());
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_report_after_a_publish_names_what_was_used_and_what_was_never_met() {
    let (_server, info) = serve().await;
    let o = publish(&info, &[&fixture("jpeg_square.jpg")], true).await;
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = report(&info, &["--json"]).await;
    // Findings (errors the run never met) make the exit status 1, as a linter's do.
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["schema"], "instapub.report/1");
    let app = r["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["app_id"].is_string())
        .unwrap();
    let used = &app["permissions"]["used"][0];
    assert_eq!(used["permission"], "instagram_content_publish");
    assert!(used["calls"].as_u64().unwrap() >= 2, "{used}");
    assert!(app["errors_not_met"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["entry"] == "NotReady"));

    let dir = std::env::temp_dir().join(format!("instapub-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("report.xml");
    let o = report(&info, &["--junit", junit.to_str().unwrap()]).await;
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Never met") && text.contains("instagram_content_publish"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testcase classname=\"errors\" name=\"NotReady\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"The tests never met NotReady"),
        "{xml}"
    );
    let failures = r["findings"].as_array().unwrap().len();
    assert!(xml.contains(&format!("failures=\"{failures}\"")), "{xml}");
    let _ = std::fs::remove_dir_all(dir);

    // Without the key: a message a person can act on, exit 2.
    let o = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .arg("report")
        .env_remove("INSTAPUB_ADMIN_KEY")
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--admin-key"));
}
