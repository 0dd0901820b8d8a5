//! Every action class against an in-process sandbox with fault rules, asserting the requests
//! the sandbox saw (its request log), not only the outcome.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use instapub_client::{Graph, Post, Publisher, Reason, Timing};
use instapub_errors::{Action, Id};
use instapub_sandbox::Sandbox;
use serde_json::{json, Value};

struct Env {
    sb: Sandbox,
    photo: String,
    reel: String,
    movie: String,
}

async fn admin(sb: &Sandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("{}/_sandbox{path}", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

async fn host(sb: &Sandbox, name: &str, fixture: &str) -> String {
    let bytes = std::fs::read(format!(
        "{}/../media/tests/fixtures/{fixture}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let r = reqwest::Client::new()
        .put(format!("{}/_sandbox/files/{name}", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .body(bytes)
        .send()
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    v["url"].as_str().unwrap().to_owned()
}

async fn env() -> Env {
    let sb = Sandbox::start().await;
    let photo = host(&sb, "photo.jpg", "jpeg_square.jpg").await;
    let reel = host(&sb, "reel.mp4", "mp4_reel_valid.mp4").await;
    let movie = host(&sb, "movie.mkv", "mkv_h264.mkv").await;
    Env {
        sb,
        photo,
        reel,
        movie,
    }
}

fn publisher(e: &Env) -> Publisher {
    let graph = Arc::new(Graph::new(e.sb.base_url(), e.sb.access_token()).unwrap());
    Publisher::new(graph, e.sb.user_id(), Timing::fast())
}

async fn fault(e: &Env, rule: Value) {
    let r = admin(&e.sb, reqwest::Method::POST, "/faults", rule).await;
    assert!(r["id"].is_string(), "{r}");
}

/// `(method, last path segment, status)` of every Graph request the sandbox saw.
async fn log(e: &Env) -> Vec<(String, String, u16)> {
    let v = admin(&e.sb, reqwest::Method::GET, "/requests", json!({})).await;
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap();
            let last = path.rsplit('/').next().unwrap_or("").to_owned();
            let edge = if last.chars().all(|c| c.is_ascii_digit()) {
                "node".to_owned()
            } else {
                last
            };
            (
                r["method"].as_str().unwrap().to_owned(),
                edge,
                r["status"].as_u64().unwrap() as u16,
            )
        })
        .collect()
}

fn count(log: &[(String, String, u16)], method: &str, edge: &str) -> usize {
    log.iter()
        .filter(|(m, e, _)| m == method && e == edge)
        .count()
}

fn image(e: &Env) -> Post {
    Post::Image {
        url: e.photo.clone(),
    }
}

#[tokio::test]
async fn a_transient_fault_twice_then_success() {
    let e = env().await;
    fault(
        &e,
        json!({"match": {"endpoint": "create_media"}, "error": {"subcode": 2207001}, "times": 2}),
    )
    .await;
    let done = publisher(&e).publish(&image(&e), Some("hi")).await.unwrap();
    assert!(done.media_id.is_some());
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media"), 3, "{l:?}");
    assert_eq!(count(&l, "POST", "media_publish"), 1);
}

#[tokio::test]
async fn builder_not_found_once_then_success() {
    let e = env().await;
    fault(
        &e,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207008}, "times": 1}),
    )
    .await;
    publisher(&e).publish(&image(&e), None).await.unwrap();
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media"), 1, "{l:?}");
    assert_eq!(count(&l, "POST", "media_publish"), 2);
}

#[tokio::test]
async fn builder_not_found_past_the_budget_recreates_the_container() {
    let e = env().await;
    // Action::RetryThenRecreate allows 2 retries: the first publish and 2 retries fail.
    fault(
        &e,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207008}, "times": 3}),
    )
    .await;
    let done = publisher(&e).publish(&image(&e), None).await.unwrap();
    assert!(done.media_id.is_some());
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media"), 2, "a new container: {l:?}");
    assert_eq!(count(&l, "POST", "media_publish"), 4);
    // Before re-creating, it looked whether the first container was published after all.
    assert!(done.attempts.iter().any(|a| a.step == "check"));
}

#[tokio::test]
async fn an_expired_container_is_recreated() {
    let e = env().await;
    fault(
        &e,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207020}, "times": 1}),
    )
    .await;
    let done = publisher(&e).publish(&image(&e), None).await.unwrap();
    assert!(done.media_id.is_some());
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media"), 2, "{l:?}");
    assert!(done
        .attempts
        .iter()
        .any(|a| a.entry == Some(Id::ContainerExpired)));
}

#[tokio::test]
async fn an_error_video_container_is_reported_with_its_action() {
    let e = env().await;
    let err = publisher(&e)
        .publish(
            &Post::Reel {
                url: e.movie.clone(),
                thumb_offset: None,
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.entry, Some(Id::UnsupportedVideoFormat));
    assert!(matches!(err.action, Some(Action::FixRequest { .. })));
    assert_eq!(err.reason, Reason::Refused);
    assert!(
        err.message
            .starts_with("The video format is not supported."),
        "{}",
        err.message
    );
    let l = log(&e).await;
    assert_eq!(
        count(&l, "POST", "media"),
        1,
        "no pointless re-creation: {l:?}"
    );
    assert_eq!(count(&l, "POST", "media_publish"), 0);
}

#[tokio::test]
async fn a_reel_is_polled_until_finished() {
    let sb = Sandbox::builder()
        .video_processing(std::time::Duration::from_millis(0))
        .start()
        .await
        .unwrap();
    let reel = host(&sb, "reel.mp4", "mp4_reel_valid.mp4").await;
    let graph = Arc::new(Graph::new(sb.base_url(), sb.access_token()).unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let done = Publisher::new(graph, sb.user_id(), Timing::fast())
        .on_progress(move |p| s2.lock().unwrap().push(p.step))
        .publish(
            &Post::Reel {
                url: reel,
                thumb_offset: Some(1000),
            },
            Some("reel"),
        )
        .await
        .unwrap();
    assert!(done.media_id.is_some());
    assert!(seen.lock().unwrap().contains(&"publish"));
    assert!(done
        .attempts
        .iter()
        .any(|a| a.step == "poll" && a.outcome == "FINISHED"));
}

#[tokio::test]
async fn a_carousel_creates_children_first() {
    let e = env().await;
    let items = vec![
        (e.photo.clone(), false),
        (e.reel.clone(), true),
        (e.photo.clone(), false),
    ];
    let done = publisher(&e)
        .publish(&Post::Carousel { items }, Some("three"))
        .await
        .unwrap();
    let id = done.media_id.unwrap();
    let m = e.sb.media(&id).await.unwrap().unwrap();
    assert_eq!(m.media_type, instapub_rules::MediaType::CarouselAlbum);
    assert_eq!(m.children.len(), 3);
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media"), 4, "{l:?}");
}

#[tokio::test]
async fn quota_exhausted_is_known_before_publishing() {
    let e = env().await;
    admin(
        &e.sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{}", e.sb.user_id()),
        json!({"quota_total": 0}),
    )
    .await;
    let err = publisher(&e).publish(&image(&e), None).await.unwrap_err();
    assert_eq!(
        err.reason,
        Reason::QuotaExhausted {
            usage: 0,
            total: 0,
            frees_at: None
        }
    );
    assert_eq!(err.entry, Some(Id::PublishingQuotaReached));
    let l = log(&e).await;
    assert_eq!(count(&l, "GET", "content_publishing_limit"), 1);
    assert_eq!(
        count(&l, "POST", "media_publish"),
        0,
        "no call that must fail: {l:?}"
    );
}

#[tokio::test]
async fn a_restricted_account_stops_at_once() {
    let e = env().await;
    admin(
        &e.sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{}", e.sb.user_id()),
        json!({"restricted": true}),
    )
    .await;
    let err = publisher(&e).publish(&image(&e), None).await.unwrap_err();
    assert_eq!(err.entry, Some(Id::AccountRestricted));
    assert_eq!(err.action, Some(Action::UserMustActInApp));
    assert_eq!(err.message, "The Instagram account is restricted.");
    assert_eq!(count(&log(&e).await, "POST", "media"), 1, "no retries");
    assert_eq!(err.attempts.len(), 1);
}

#[tokio::test]
async fn a_lost_publish_answer_is_not_published_twice() {
    let e = env().await;
    fault(
        &e,
        json!({"match": {"endpoint": "media_publish"}, "network": "reset", "times": 1}),
    )
    .await;
    let done = publisher(&e).publish(&image(&e), None).await.unwrap();
    // The sandbox published it; the client learned so from the container and stopped.
    assert_eq!(done.media_id, None);
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media_publish"), 1, "{l:?}");
    let media = e.sb.account_media(e.sb.user_id(), 10).await.unwrap();
    assert_eq!(media.len(), 1);
}

#[tokio::test]
async fn an_outage_on_publish_checks_before_retrying() {
    let e = env().await;
    fault(
        &e,
        json!({"match": {"endpoint": "media_publish"}, "error": {"code": 2}, "times": 1}),
    )
    .await;
    let done = publisher(&e).publish(&image(&e), None).await.unwrap();
    assert!(done.media_id.is_some());
    let l = log(&e).await;
    assert_eq!(count(&l, "POST", "media_publish"), 2, "{l:?}");
    assert!(done
        .attempts
        .iter()
        .any(|a| a.step == "check" && a.outcome == "FINISHED"));
}

#[tokio::test]
async fn quota_exhausted_until_the_oldest_post_leaves_the_window() {
    let e = env().await;
    admin(
        &e.sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{}", e.sb.user_id()),
        json!({"quota_total": 1}),
    )
    .await;
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    publisher(&e).publish(&image(&e), None).await.unwrap();
    let err = publisher(&e).publish(&image(&e), None).await.unwrap_err();
    let Reason::QuotaExhausted {
        usage,
        total,
        frees_at: Some(t),
    } = err.reason
    else {
        panic!("{:?}", err.reason);
    };
    assert_eq!((usage, total), (1, 1));
    // The first post was published just now: a slot frees 24 h later, to the minute.
    assert!(
        t >= before + 86_400 - 60 && t <= before + 86_400 + 120,
        "{t} vs {before}"
    );
    assert_eq!(count(&log(&e).await, "POST", "media_publish"), 1);
}

#[tokio::test]
async fn the_other_typed_calls() {
    let e = env().await;
    let graph = Graph::new(e.sb.base_url(), e.sb.access_token()).unwrap();
    let user = e.sb.user_id();
    admin(
        &e.sb,
        reqwest::Method::POST,
        "/catalogs",
        json!({"user_id": user, "name": "Main", "products": [{"retailer_id": "mug-1", "name": "Mug"}]}),
    )
    .await;
    let catalogs = graph.available_catalogs(user).await.unwrap();
    let catalog = catalogs[0]["catalog_id"].as_str().unwrap().to_owned();
    let products = graph
        .catalog_product_search(user, &catalog, Some("mug"))
        .await
        .unwrap();
    assert_eq!(products[0]["retailer_id"], "mug-1");
    let audio = graph
        .ig_audio(&[("audio_type", "music"), ("user_id", user)])
        .await
        .unwrap();
    assert!(!audio.is_empty());
    // Resumable upload in two chunks (a wrong offset is refused), then the normal flow.
    let bytes = std::fs::read(format!(
        "{}/../media/tests/fixtures/mp4_reel_valid.mp4",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let (id, uri) = graph
        .create_resumable(user, &vec![("media_type".into(), "REELS".into())])
        .await
        .unwrap();
    let size = bytes.len() as u64;
    graph
        .upload(&uri, bytes[..100].to_vec(), 0, size)
        .await
        .unwrap();
    assert!(graph
        .upload(&uri, bytes[100..].to_vec(), 0, size)
        .await
        .is_err());
    graph
        .upload(&uri, bytes[100..].to_vec(), 100, size)
        .await
        .unwrap();
    // The sandbox probes the upload in the background: wait against a deadline.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut state = None;
    while std::time::Instant::now() < deadline {
        state = graph.container_status(&id).await.unwrap().state();
        if state == Some(instapub_errors::ContainerStatus::Finished) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(state, Some(instapub_errors::ContainerStatus::Finished));
    assert!(graph.publish(user, &id).await.is_ok());
    assert_eq!(graph.publishing_limit(user).await.unwrap().quota_usage, 1);
    assert!(graph.usage().app_call_count > 0, "usage headers were read");
}

#[tokio::test]
async fn usage_near_the_limit_slows_the_client_down() {
    let e = env().await;
    admin(
        &e.sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"account_calls_per_hour": 8}),
    )
    .await;
    let graph = Arc::new(Graph::new(e.sb.base_url(), e.sb.access_token()).unwrap());
    let timing = Timing {
        slow_down_at: 30,
        ..Timing::fast()
    };
    let steps = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s2 = steps.clone();
    Publisher::new(graph, e.sb.user_id(), timing)
        .on_progress(move |p| s2.lock().unwrap().push(p.step))
        .publish(&image(&e), None)
        .await
        .unwrap();
    // create, poll and quota calls used 3 of 8 (38%), then more: the publish waited first.
    assert!(
        steps.lock().unwrap().contains(&"pace"),
        "{:?}",
        steps.lock().unwrap()
    );
}

/// The project's own client, through a fault for every error it handles, gets a clean report:
/// every error met, every reaction the one the catalog's action asks for.
#[tokio::test]
async fn the_clients_reactions_to_every_error_it_handles_are_clean_in_the_report() {
    let e = env().await;
    // The client's delays are the catalog's scaled by Timing::fast's factor; so are the
    // report's judgements.
    e.sb.set_report_time_scale(Timing::fast().scale);
    let cases = [
        ("create_media", json!({"subcode": 2207001}), 2),
        ("media_publish", json!({"subcode": 2207008}), 1),
        ("media_publish", json!({"subcode": 2207008}), 3),
        ("media_publish", json!({"subcode": 2207020}), 1),
        ("media_publish", json!({"subcode": 2207027}), 1),
        ("media_publish", json!({"subcode": 2207053}), 1),
        ("media_publish", json!({"code": 2}), 1),
    ];
    let p = publisher(&e);
    for (endpoint, error, times) in &cases {
        fault(
            &e,
            json!({"match": {"endpoint": endpoint}, "error": error, "times": times}),
        )
        .await;
        let done = p.publish(&image(&e), None).await;
        assert!(done.is_ok(), "{endpoint} {error}: {done:?}");
    }
    let report = e.sb.report().await.unwrap();
    let app = report
        .apps
        .iter()
        .find(|a| a.app_id.as_deref() == Some(e.sb.app_id()))
        .unwrap();
    let met: Vec<&str> = app.errors_met.iter().map(|m| m.entry.as_str()).collect();
    for id in [
        Id::ServerError,
        Id::BuilderNotFound,
        Id::ContainerExpired,
        Id::NotReady,
        Id::UnknownUploadError,
        Id::ServiceUnavailable,
    ] {
        assert!(met.contains(&id.name()), "{id} met: {met:?}");
    }
    let bad: Vec<_> = app.reactions.iter().filter(|r| !r.good).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // And the good ones were seen: re-created after 2207020, polled after 2207027.
    let kinds: Vec<String> = app
        .reactions
        .iter()
        .map(|r| {
            serde_json::to_value(r.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(kinds.contains(&"recreated".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"polled".to_owned()), "{kinds:?}");
    assert!(
        report
            .findings
            .iter()
            .all(|f| !matches!(f.kind, instapub_sandbox::FindingKind::Reaction)),
        "{:#?}",
        report.findings
    );
}
