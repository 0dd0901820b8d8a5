//! `instapub serve` as a process: startup output, clean shutdown, and durability under SIGKILL.

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

struct Running {
    child: Child,
    info: Value,
}

async fn start(db: &str) -> Running {
    start_with(db, &[]).await
}

/// `start` with environment variables set for the server.
async fn start_with(db: &str, env: &[(&str, &str)]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args(["serve", "--listen", "127.0.0.1:0", "--json", "--db", db])
        .envs(env.iter().copied())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("startup line in time")
    .unwrap();
    let info: Value = serde_json::from_str(&line).expect("startup line is JSON");
    Running { child, info }
}

impl Running {
    fn s(&self, key: &str) -> String {
        self.info[key].as_str().unwrap().to_owned()
    }
}

/// Serves the JPEG fixture on loopback.
async fn media_host() -> String {
    let photo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../media/tests/fixtures/jpeg_square.jpg"
    ))
    .unwrap();
    let app = axum::Router::new().route(
        "/photo.jpg",
        axum::routing::get(move || {
            let p = photo.clone();
            async move { p }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/photo.jpg", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("instapub-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sandbox.db").display().to_string()
}

#[tokio::test]
async fn startup_prints_json_and_sigterm_shuts_down_cleanly() {
    let db = temp_db("term");
    let mut run = start(&db).await;
    for key in [
        "base_url",
        "user_id",
        "username",
        "access_token",
        "admin_key",
        "db",
    ] {
        assert!(
            run.info[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}: {}",
            run.info
        );
    }
    assert_eq!(run.info["db"], db);
    let pid = run.child.id().unwrap();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(10), run.child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert_eq!(exit.code(), Some(0));
    // The same database gives back the same demo account and token.
    let again = start(&db).await;
    assert_eq!(again.s("user_id"), run.s("user_id"));
    assert_eq!(again.s("access_token"), run.s("access_token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_under_load_loses_no_acknowledged_write() {
    let photo = media_host().await;
    let db = temp_db("kill");
    let mut run = start(&db).await;
    let (base, token, user) = (run.s("base_url"), run.s("access_token"), run.s("user_id"));
    let created: Arc<Mutex<Vec<String>>> = Arc::default();
    let published: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let http = reqwest::Client::new();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (http, base, token, user, photo) = (
            http.clone(),
            base.clone(),
            token.clone(),
            user.clone(),
            photo.clone(),
        );
        let (created, published) = (created.clone(), published.clone());
        workers.push(tokio::spawn(async move {
            for _ in 0..10_000 {
                let body = format!("image_url={photo}&access_token={token}");
                let Ok(r) = http
                    .post(format!("{base}/{user}/media"))
                    .body(body)
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(v) = r.json_value().await else { return };
                let Some(c) = v["id"].as_str().map(str::to_owned) else {
                    continue;
                };
                created.lock().unwrap().push(c.clone());
                let body = format!("creation_id={c}&access_token={token}");
                let Ok(r) = http
                    .post(format!("{base}/{user}/media_publish"))
                    .body(body)
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(v) = r.json_value().await else { return };
                if let Some(m) = v["id"].as_str() {
                    published.lock().unwrap().push((c, m.to_owned()));
                }
            }
        }));
    }
    // Let the load run, then kill without warning.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    run.child.start_kill().unwrap();
    run.child.wait().await.unwrap();
    for w in workers {
        let _ = w.await;
    }
    let created = created.lock().unwrap().clone();
    let published = published.lock().unwrap().clone();
    assert!(
        created.len() > 20,
        "the load ran ({} containers)",
        created.len()
    );

    let run = start(&db).await;
    let base = run.s("base_url");
    let get = |path: String| {
        let http = http.clone();
        let token = token.clone();
        async move {
            let r = http.get(path).bearer_auth(token).send().await.unwrap();
            r.json_value().await.unwrap()
        }
    };
    for c in &created {
        let v = get(format!("{base}/{c}?fields=status_code")).await;
        let s = v["status_code"]
            .as_str()
            .unwrap_or_else(|| panic!("container {c} lost: {v}"));
        assert!(matches!(s, "FINISHED" | "PUBLISHED"), "{c}: {s}");
    }
    for (c, m) in &published {
        let v = get(format!("{base}/{c}?fields=status_code")).await;
        assert_eq!(v["status_code"], "PUBLISHED", "{c}");
        let v = get(format!("{base}/{m}?fields=media_type")).await;
        assert_eq!(v["id"], m.as_str(), "media {m} lost: {v}");
    }
    eprintln!(
        "SIGKILL under load: {} containers and {} publishes acknowledged, all present after restart",
        created.len(),
        published.len()
    );
}

trait JsonValue {
    async fn json_value(self) -> Result<Value, reqwest::Error>;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Result<Value, reqwest::Error> {
        let text = self.text().await?;
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Probe row 110: a second `serve` on the same database started silently and the two then
/// disagreed. It now refuses to start, saying why; once the first is gone it starts.
#[tokio::test]
async fn a_second_server_on_one_database_refuses_to_start() {
    let db = temp_db("locked");
    let mut first = start(&db).await;
    let second = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args(["serve", "--listen", "127.0.0.1:0", "--json", "--db", &db])
        .kill_on_drop(true)
        .output();
    let second = tokio::time::timeout(Duration::from_secs(20), second)
        .await
        .expect("the second server exits by itself")
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("another instapub sandbox is already serving"),
        "{stderr}"
    );
    // The first keeps serving; killed, it lets go of the lock (no stale lock after a crash).
    let base = first.s("base_url");
    assert!(reqwest::get(format!("{base}/_sandbox/openapi.json"))
        .await
        .unwrap()
        .status()
        .is_success());
    first.child.kill().await.unwrap();
    let again = start(&db).await;
    assert_eq!(again.s("admin_key"), first.s("admin_key"));
    // Media bytes beside a file database are the owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(format!("{db}.media"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}

/// Probe row 51: `HTTP_PROXY` / `ALL_PROXY` sent media fetches through a proxy, around the
/// address guard. The fetcher ignores them: a proxy on loopback sees no connection, and the
/// media is fetched directly.
#[tokio::test]
async fn proxy_variables_do_not_reach_the_media_fetcher() {
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let hits = Arc::new(Mutex::new(0u32));
    let counted = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((socket, _)) = proxy.accept().await {
            *counted.lock().unwrap() += 1;
            drop(socket);
        }
    });
    let photo = media_host().await;
    let proxied: Vec<(&str, &str)> = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .map(|name| (name, proxy_url.as_str()))
        .collect();
    let mut server = start_with(":memory:", &proxied).await;
    let s = |k: &str| server.info[k].as_str().unwrap().to_owned();
    let created = reqwest::Client::new()
        .post(format!("{}/v25.0/{}/media", s("base_url"), s("user_id")))
        .form(&[
            ("image_url", photo.as_str()),
            ("access_token", &s("access_token")),
        ])
        .send()
        .await
        .unwrap();
    let status = created.status();
    let text = created.text().await.unwrap();
    assert!(status.is_success(), "{text}");
    assert_eq!(*hits.lock().unwrap(), 0, "the proxy was used");
    server.child.kill().await.unwrap();
}
