//! Resumable upload (`upload_type=resumable` + `/ig-api-upload/...`) and the catalog lookups,
//! over HTTP.

#![allow(clippy::unwrap_used)]

use crate::common::{fixture, Graph, MediaHost, Reply};
use instapub_sandbox::Sandbox;
use serde_json::{json, Value};

async fn rupload(uri: &str, token: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
    let mut req = reqwest::Client::new()
        .post(uri)
        .header("authorization", format!("OAuth {token}"));
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let r = req.body(body).send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

async fn resumable(g: &Graph, sb: &Sandbox) -> (String, String) {
    let r = g
        .post(
            &format!("/{}/media", sb.user_id()),
            &[("media_type", "REELS"), ("upload_type", "resumable")],
        )
        .await;
    r.expect_ok();
    let uri = r.body["uri"].as_str().unwrap().to_owned();
    assert_eq!(
        uri,
        format!("{}/ig-api-upload/v25.0/{}", sb.base_url(), r.id())
    );
    (r.id(), uri)
}

#[tokio::test]
async fn a_chunked_upload_resumes_and_then_publishes() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let (id, uri) = resumable(&g, &sb).await;
    assert_eq!(g.status_code(&id).await, "IN_PROGRESS");
    g.post(
        &format!("/{}/media_publish", sb.user_id()),
        &[("creation_id", &id)],
    )
    .await
    .expect_error(400, 9007, Some(2207027));
    let video = fixture("mp4_reel_valid.mp4");
    let size = video.len().to_string();
    let (first, second) = video.split_at(1000);
    let ok = rupload(
        &uri,
        sb.access_token(),
        &[("offset", "0".into()), ("file_size", size.clone())],
        first.to_vec(),
    )
    .await;
    assert_eq!(
        ok.text,
        r#"{"success":true,"message":"Upload successful."}"#
    );
    // A client that lost track asks where to resume.
    let at: Value = serde_json::from_str(
        &reqwest::Client::new()
            .get(&uri)
            .header("authorization", format!("OAuth {}", sb.access_token()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(at["offset"], 1000);
    // A wrong offset is refused in Meta's rupload shape.
    let bad = rupload(
        &uri,
        sb.access_token(),
        &[("offset", "0".into()), ("file_size", size.clone())],
        second.to_vec(),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["debug_info"]["type"], "ProcessingFailedError");
    assert!(
        bad.text
            .contains("offset 0 does not match the 1000 bytes received"),
        "{}",
        bad.text
    );
    rupload(
        &uri,
        sb.access_token(),
        &[("offset", "1000".into()), ("file_size", size)],
        second.to_vec(),
    )
    .await
    .expect_ok();
    assert_eq!(g.wait_processed(&id).await, "FINISHED");
    let p = g
        .post(
            &format!("/{}/media_publish", sb.user_id()),
            &[("creation_id", &id)],
        )
        .await;
    p.expect_ok();
    // The upload is complete; another one is refused.
    let again = rupload(
        &uri,
        sb.access_token(),
        &[("offset", "0".into()), ("file_size", "1".into())],
        vec![0],
    )
    .await;
    assert!(
        again.text.contains("is not waiting for an upload"),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn an_upload_by_file_url_and_the_unauthorized_case() {
    let media = MediaHost::start(vec![("reel.mp4", fixture("mp4_reel_valid.mp4"))]).await;
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let (id, uri) = resumable(&g, &sb).await;
    let denied = rupload(
        &uri,
        "EAAnobody",
        &[("file_url", media.url("reel.mp4"))],
        Vec::new(),
    )
    .await;
    assert_eq!(
        denied.text,
        r#"{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}}"#
    );
    rupload(
        &uri,
        sb.access_token(),
        &[("file_url", media.url("reel.mp4"))],
        Vec::new(),
    )
    .await
    .expect_ok();
    assert_eq!(g.wait_processed(&id).await, "FINISHED");
}

#[tokio::test]
async fn an_uploaded_file_that_is_not_a_video_ends_in_error() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let (id, uri) = resumable(&g, &sb).await;
    let junk = vec![7u8; 300];
    rupload(
        &uri,
        sb.access_token(),
        &[("file_size", "300".into())],
        junk,
    )
    .await
    .expect_ok();
    assert_eq!(g.wait_processed(&id).await, "ERROR");
    g.post(
        &format!("/{}/media_publish", sb.user_id()),
        &[("creation_id", &id)],
    )
    .await
    .expect_error(400, 352, Some(2207026));
}

#[tokio::test]
async fn catalogs_and_product_search() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let created: Value = serde_json::from_str(
        &reqwest::Client::new()
            .post(format!("{}/_sandbox/catalogs", sb.base_url()))
            .bearer_auth(sb.admin_key())
            .body(
                json!({"user_id": sb.user_id(), "name": "Main", "products": [
                    {"retailer_id": "mug-1", "name": "Blue mug"},
                    {"name": "Red mug", "review_status": "rejected"},
                    {"name": "Hat", "review_status": "pending"}
                ]})
                .to_string(),
            )
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let catalog = created["id"].as_str().unwrap().to_owned();
    let list = g
        .get(&format!("/{}/available_catalogs", sb.user_id()), &[])
        .await;
    list.expect_ok();
    assert_eq!(list.body["data"][0]["catalog_id"], catalog.as_str());
    assert_eq!(list.body["data"][0]["product_count"], 3);
    let found = g
        .get(
            &format!("/{}/catalog_product_search", sb.user_id()),
            &[("catalog_id", &catalog), ("q", "mug")],
        )
        .await;
    let data = found.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["retailer_id"], "mug-1");
    assert_eq!(data[1]["review_status"], "rejected");
    g.get(&format!("/{}/catalog_product_search", sb.user_id()), &[])
        .await
        .expect_error(400, 100, None);
    g.get(
        &format!("/{}/catalog_product_search", sb.user_id()),
        &[("catalog_id", "123")],
    )
    .await
    .expect_error(400, 100, Some(33));
}
