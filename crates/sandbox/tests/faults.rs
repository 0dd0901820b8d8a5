//! Fault injection and rate-limit headers, over HTTP: one test per fault kind.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use crate::common::{admin, fixture, Graph, MediaHost};
use instapub_sandbox::Sandbox;
use serde_json::{json, Value};

async fn fault(sb: &Sandbox, rule: Value) -> String {
    let v = admin(sb, reqwest::Method::POST, "/faults", rule).await;
    v["id"].as_str().unwrap().to_owned()
}

async fn setup() -> (Sandbox, Graph, MediaHost) {
    let media = MediaHost::start(vec![
        ("photo.jpg", fixture("jpeg_square.jpg")),
        ("reel.mp4", fixture("mp4_reel_valid.mp4")),
    ])
    .await;
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    (sb, g, media)
}

async fn container(g: &Graph, sb: &Sandbox, media: &MediaHost) -> String {
    let r = g
        .post(
            &format!("/{}/media", sb.user_id()),
            &[("image_url", &media.url("photo.jpg"))],
        )
        .await;
    r.expect_ok();
    r.id()
}

#[tokio::test]
async fn an_error_fault_fires_a_number_of_times() {
    let (sb, g, media) = setup().await;
    let c = container(&g, &sb, &media).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207001}, "times": 2}),
    )
    .await;
    let path = format!("/{}/media_publish", sb.user_id());
    let params = [("creation_id", c.as_str())];
    g.post(&path, &params)
        .await
        .expect_error(400, -1, Some(2207001));
    g.post(&path, &params)
        .await
        .expect_error(400, -1, Some(2207001));
    g.post(&path, &params).await.expect_ok();
    let rules = admin(&sb, reqwest::Method::GET, "/faults", json!({})).await;
    assert_eq!(rules["data"][0]["hits"], 2);
    assert_eq!(rules["data"][0]["entry"], "ServerError");
}

#[tokio::test]
async fn a_code_fault_gives_the_outage_envelope_as_http_500() {
    let (sb, g, _) = setup().await;
    fault(
        &sb,
        json!({"match": {"endpoint": "user_read"}, "error": {"code": 2}}),
    )
    .await;
    let r = g.get(&format!("/{}", sb.user_id()), &[]).await;
    r.expect_error(500, 2, None);
    assert!(r.text.starts_with(r#"{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"#));
}

#[tokio::test]
async fn faults_match_by_media_type_and_account() {
    let (sb, g, media) = setup().await;
    fault(&sb, json!({"match": {"endpoint": "create_media", "media_type": "REELS"}, "error": {"subcode": 2207053}})).await;
    fault(
        &sb,
        json!({"match": {"user_id": "17841400000009999"}, "error": {"subcode": 2207032}}),
    )
    .await;
    container(&g, &sb, &media).await;
    g.post(
        &format!("/{}/media", sb.user_id()),
        &[
            ("media_type", "REELS"),
            ("video_url", &media.url("reel.mp4")),
        ],
    )
    .await
    .expect_error(400, -1, Some(2207053));
}

#[tokio::test]
async fn probability_zero_never_fires_and_rules_can_be_deleted() {
    let (sb, g, _) = setup().await;
    let never = fault(
        &sb,
        json!({"error": {"subcode": 2207001}, "probability": 0.0}),
    )
    .await;
    for _ in 0..20 {
        g.get(&format!("/{}", sb.user_id()), &[]).await.expect_ok();
    }
    let always = fault(&sb, json!({"error": {"subcode": 2207001}})).await;
    g.get(&format!("/{}", sb.user_id()), &[])
        .await
        .expect_error(400, -1, Some(2207001));
    for id in [never, always] {
        admin(
            &sb,
            reqwest::Method::DELETE,
            &format!("/faults/{id}"),
            json!({}),
        )
        .await;
    }
    g.get(&format!("/{}", sb.user_id()), &[]).await.expect_ok();
    let bad = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .body(r#"{"error":{"subcode":12345}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn latency_is_added() {
    let (sb, g, _) = setup().await;
    fault(
        &sb,
        json!({"match": {"endpoint": "user_read"}, "latency_ms": 400}),
    )
    .await;
    let started = Instant::now();
    g.get(&format!("/{}", sb.user_id()), &[]).await.expect_ok();
    assert!(started.elapsed() >= Duration::from_millis(400));
}

async fn publish_raw(g: &Graph, sb: &Sandbox, c: &str) -> Result<String, reqwest::Error> {
    let r = reqwest::Client::new()
        .post(format!("{}/{}/media_publish", sb.base_url(), sb.user_id()))
        .body(format!("creation_id={c}&access_token={}", g.token))
        .send()
        .await?;
    r.text().await
}

#[tokio::test]
async fn a_reset_loses_the_answer_but_not_the_publish() {
    let (sb, g, media) = setup().await;
    let c = container(&g, &sb, &media).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "network": "reset", "times": 1}),
    )
    .await;
    assert!(
        publish_raw(&g, &sb, &c).await.is_err(),
        "the client sees a broken response"
    );
    // The publish happened: the container says so, and a retry would be refused.
    assert_eq!(g.status_code(&c).await, "PUBLISHED");
    g.post(
        &format!("/{}/media_publish", sb.user_id()),
        &[("creation_id", &c)],
    )
    .await
    .expect_error(400, 24, Some(2207008));
}

#[tokio::test]
async fn a_truncated_body_is_an_error_for_the_client() {
    let (sb, g, media) = setup().await;
    let c = container(&g, &sb, &media).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "network": "truncate"}),
    )
    .await;
    assert!(publish_raw(&g, &sb, &c).await.is_err());
}

#[tokio::test]
async fn a_slow_body_arrives_whole_but_late() {
    let (sb, g, _) = setup().await;
    fault(
        &sb,
        json!({"match": {"endpoint": "user_read"}, "network": "slow_body"}),
    )
    .await;
    let started = Instant::now();
    let r = g
        .get(&format!("/{}", sb.user_id()), &[("fields", "username")])
        .await;
    r.expect_ok();
    assert_eq!(r.body["username"], sb.username());
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn usage_headers_count_real_calls_and_throttle() {
    let (sb, g, _) = setup().await;
    admin(
        &sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"account_calls_per_hour": 4, "app_calls_per_hour": 100}),
    )
    .await;
    let http = reqwest::Client::new();
    let get = || {
        http.get(format!("{}/{}", sb.base_url(), sb.user_id()))
            .bearer_auth(&g.token)
            .send()
    };
    let mut last = Value::Null;
    for i in 1..=4u64 {
        let r = get().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let app: Value =
            serde_json::from_str(r.headers()["x-app-usage"].to_str().unwrap()).unwrap();
        assert_eq!(app["call_count"], i);
        last = serde_json::from_str(r.headers()["x-business-use-case-usage"].to_str().unwrap())
            .unwrap();
    }
    assert_eq!(last[sb.user_id()][0]["call_count"], 100);
    assert_eq!(last[sb.user_id()][0]["type"], "instagram");
    let r = get().await.unwrap();
    let headers = r.headers().clone();
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["error"]["code"], 80002);
    let buc: Value =
        serde_json::from_str(headers["x-business-use-case-usage"].to_str().unwrap()).unwrap();
    assert_eq!(buc[sb.user_id()][0]["estimated_time_to_regain_access"], 60);
    // The app limit: code 4, and no X-App-Usage on it, as Meta does.
    admin(
        &sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"account_calls_per_hour": 1000, "app_calls_per_hour": 4}),
    )
    .await;
    let r = get().await.unwrap();
    assert!(r.headers().get("x-app-usage").is_none());
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["error"]["code"], 4);
    // An hour later the window is empty again.
    sb.advance_clock(Duration::from_secs(3600)).await;
    assert_eq!(get().await.unwrap().status().as_u16(), 200);
}
