//! `instapub login` against a sandbox, both ways in: the consent page is driven over HTTP as a
//! browser would, the redirect reaches the CLI's loopback port, the session is saved, and
//! `instapub publish --session` publishes with it.

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_instapub");

/// The child's first line of output; the rest is read (and dropped) so it can keep printing.
async fn first_line(child: &mut Child) -> String {
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), reader.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    tokio::spawn(async move {
        let mut rest = String::new();
        while reader.read_line(&mut rest).await.is_ok_and(|n| n > 0) {
            rest.clear();
        }
    });
    line
}

async fn sandbox() -> (Child, Value) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--json",
            "--db",
            ":memory:",
            "--video-processing-ms",
            "0",
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let info = serde_json::from_str(&first_line(&mut child).await).unwrap();
    (child, info)
}

/// Logs in through `instapub login`, allowing on the consent page as `account`.
async fn login(info: &Value, instagram: bool, account: &str, save: &std::path::Path) {
    let mut args = vec![
        "login",
        "--sandbox",
        info["base_url"].as_str().unwrap(),
        "--app-id",
        info["app_id"].as_str().unwrap(),
        "--app-secret",
        info["app_secret"].as_str().unwrap(),
        "--no-browser",
        "--timeout",
        "30",
        "--save",
        save.to_str().unwrap(),
    ];
    if instagram {
        args.push("--instagram");
    }
    let mut cli = Command::new(BIN)
        .args(&args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let line = first_line(&mut cli).await;
    let url = line
        .trim()
        .strip_prefix("Open this URL to log in: ")
        .unwrap()
        .to_owned();
    let consent = url::Url::parse(&url).unwrap();
    let q = |name: &str| {
        consent
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    // The page, then its form submitted with every scope checked.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser.get(&url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let dtsg = form_token(&page.text().await.unwrap());
    let mut form = vec![
        ("fb_dtsg".to_owned(), dtsg),
        ("client_id".to_owned(), q("client_id")),
        ("redirect_uri".to_owned(), q("redirect_uri")),
        ("state".to_owned(), q("state")),
        ("scope".to_owned(), q("scope")),
        ("response_type".to_owned(), q("response_type")),
        ("account".to_owned(), account.to_owned()),
        ("decision".to_owned(), "allow".to_owned()),
    ];
    for scope in q("scope").split(',') {
        form.push((format!("grant_{scope}"), "on".to_owned()));
    }
    let target = url.split('?').next().unwrap().to_owned();
    let answer = browser.post(&target).form(&form).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("http://127.0.0.1:"), "{back}");
    // The browser follows the redirect to the CLI's loopback port.
    let landed = reqwest::get(back.split('#').next().unwrap()).await.unwrap();
    assert!(landed.text().await.unwrap().contains("Logged in"));
    let status = tokio::time::timeout(Duration::from_secs(30), cli.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

async fn publish_with(session: &std::path::Path, info: &Value) -> std::process::Output {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../media/tests/fixtures/jpeg_square.jpg"
    );
    Command::new(BIN)
        .args([
            "publish",
            "--session",
            session.to_str().unwrap(),
            "--admin-key",
            info["admin_key"].as_str().unwrap(),
            fixture,
        ])
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_then_publish_both_ways() {
    let (_server, info) = sandbox().await;
    let dir = std::env::temp_dir().join(format!("instapub-login-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (instagram, account) in [
        (false, info["facebook_user_id"].as_str().unwrap()),
        (true, info["user_id"].as_str().unwrap()),
    ] {
        let save = dir.join(if instagram { "ig.json" } else { "fb.json" });
        login(&info, instagram, account, &save).await;
        let session: Value =
            serde_json::from_str(&std::fs::read_to_string(&save).unwrap()).unwrap();
        assert_eq!(session["ig_user_id"], info["user_id"]);
        assert_eq!(
            session["way"],
            if instagram { "instagram" } else { "facebook" }
        );
        let host = if instagram {
            "graph.instagram.com"
        } else {
            "graph.facebook.com"
        };
        assert!(session["graph_base"].as_str().unwrap().contains(host));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&save).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "a token file is its owner's only");
        }
        let out = publish_with(&save, &info).await;
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("published media"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_cancelled_login_says_so_and_saves_nothing() {
    let (_server, info) = sandbox().await;
    let save = std::env::temp_dir().join(format!("instapub-cancel-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&save);
    let mut cli = Command::new(BIN)
        .args([
            "login",
            "--sandbox",
            info["base_url"].as_str().unwrap(),
            "--app-id",
            info["app_id"].as_str().unwrap(),
            "--app-secret",
            info["app_secret"].as_str().unwrap(),
            "--no-browser",
            "--save",
            save.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let line = first_line(&mut cli).await;
    let url = url::Url::parse(
        line.trim()
            .strip_prefix("Open this URL to log in: ")
            .unwrap(),
    )
    .unwrap();
    let q = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let target = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap(),
        url.path()
    );
    let target = target.replacen(
        url.host_str().unwrap(),
        &format!("{}:{}", url.host_str().unwrap(), url.port().unwrap()),
        1,
    );
    // The page first (its form token), then Cancel.
    let page = reqwest::get(url.as_str())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(target)
        .form(&[
            ("fb_dtsg", form_token(&page)),
            ("scope", hidden(&page, "scope")),
            ("client_id", q("client_id")),
            ("redirect_uri", q("redirect_uri")),
            ("state", q("state")),
            ("decision", "cancel".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    reqwest::get(back.split('#').next().unwrap()).await.unwrap();
    let out = cli.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Permissions error"));
    assert!(!save.exists());
}

/// The consent form's token (`fb_dtsg`), read from the page as a browser would submit it.
fn form_token(html: &str) -> String {
    hidden(html, "fb_dtsg")
}

/// A hidden field's value on a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).expect("the form has the field") + marker.len();
    html[at..].split('"').next().unwrap().replace("&amp;", "&")
}
