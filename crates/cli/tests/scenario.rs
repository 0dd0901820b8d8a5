//! Drives `instapub serve --scenario` only through the scenario file and HTTP, never through
//! the sandbox's internals.

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

async fn call(req: reqwest::RequestBuilder) -> (u16, Value) {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_scenario_file_sets_the_stage() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/shop.json5");
    let mut child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--json",
            "--db",
            ":memory:",
            "--scenario",
            scenario,
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
    let info: Value = serde_json::from_str(&line).unwrap();
    let base = info["base_url"].as_str().unwrap();
    let shop = info["scenario"]["accounts"]["shop.one"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blocked = info["scenario"]["accounts"]["blocked.one"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let photo = info["scenario"]["files"]["photo.jpg"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        info["scenario"]["accounts"]["shop.one"]["access_token"],
        "EAAshopOneFixedToken"
    );
    // The login side: the app with its fixed credentials, the user's Pages and Business.
    assert_eq!(
        info["scenario"]["apps"]["Scheduler"]["app_id"],
        "4242424242"
    );
    assert!(info["scenario"]["facebook_users"]["Shop Owner"].is_string());
    assert!(info["scenario"]["pages"]["Blocked Page"].is_string());
    assert!(info["scenario"]["businesses"]["Agency"].is_string());
    for key in ["app_id", "app_secret", "facebook_user_id", "page_id"] {
        assert!(info[key].is_string(), "{key}: {info}");
    }
    assert!(info["hosts"]["graph.instagram.com"]
        .as_str()
        .unwrap()
        .ends_with("/graph.instagram.com"));
    let http = reqwest::Client::new();
    let form = |pairs: &[(&str, &str)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };

    // The hosted file, the fixed token and the one-shot fault.
    let (s, created) = call(http.post(format!("{base}/{shop}/media")).body(form(&[
        ("image_url", &photo),
        ("access_token", "EAAshopOneFixedToken"),
    ])))
    .await;
    assert_eq!(s, 200, "{created}");
    let c = created["id"].as_str().unwrap();
    let publish = || {
        http.post(format!("{base}/{shop}/media_publish"))
            .body(form(&[
                ("creation_id", c),
                ("access_token", "EAAshopOneFixedToken"),
            ]))
    };
    let (s, v) = call(publish()).await;
    assert_eq!(
        (s, v["error"]["error_subcode"].as_i64()),
        (400, Some(2207001))
    );
    let (s, v) = call(publish()).await;
    assert_eq!(s, 200, "{v}");
    // quota_total 2 from the scenario.
    let (_, v) = call(
        http.get(format!(
            "{base}/{shop}/content_publishing_limit?fields=config"
        ))
        .bearer_auth("EAAshopOneFixedToken"),
    )
    .await;
    assert_eq!(v["data"][0]["config"]["quota_total"], 2);
    // The read-only token cannot publish.
    let (s, v) = call(http.post(format!("{base}/{shop}/media")).body(form(&[
        ("image_url", &photo),
        ("access_token", "EAAshopReadOnly"),
    ])))
    .await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(10)));
    // The restricted account.
    let (s, v) = call(http.post(format!("{base}/{blocked}/media")).body(form(&[
        ("image_url", &photo),
        ("access_token", "EAAblockedFixedToken"),
    ])))
    .await;
    assert_eq!(
        (s, v["error"]["error_subcode"].as_i64()),
        (400, Some(2207050))
    );
    // The catalog and its review states.
    let catalog = info["scenario"]["catalogs"]["Main"]["id"].as_str().unwrap();
    let (_, v) = call(
        http.get(format!(
            "{base}/{shop}/catalog_product_search?catalog_id={catalog}"
        ))
        .bearer_auth("EAAshopOneFixedToken"),
    )
    .await;
    let states: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["review_status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["approved", "rejected"]);
    // The seeded reel is readable, and counts as media of the account.
    let reel = info["scenario"]["media"]["reel"].as_str().unwrap();
    let (_, v) = call(
        http.get(format!("{base}/{reel}?fields=media_product_type"))
            .bearer_auth("EAAshopOneFixedToken"),
    )
    .await;
    assert_eq!(v["media_product_type"], "REELS");
    assert_eq!(info["scenario"]["partnership_ad_codes"][0], "PAC424242");
}

/// Runs `serve` with a scenario that must be refused; a server that starts anyway is killed
/// after a while and fails the test instead of hanging it.
async fn refused(scenario: &std::path::Path) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--scenario",
        ])
        .arg(scenario)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("serve refused the scenario instead of starting")
        .unwrap()
}

#[tokio::test]
async fn a_broken_scenario_is_refused_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("instapub-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json5");
    std::fs::write(&bad, "{ tokens: [{ user: \"nobody\" }] }").unwrap();
    let out = refused(&bad).await;
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown account \"nobody\""), "{err}");
    std::fs::write(&bad, "{ accounts: [ {username: 1} ] ").unwrap();
    let out = refused(&bad).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON5"));
    let _ = std::fs::remove_dir_all(dir);
}
