//! Webhooks end to end: subscriptions with Meta's handshake, installs under both logins,
//! deliveries signed over the raw bytes (checked here with an independent HMAC), Meta's
//! escaping, batching, retries on the virtual clock and the automatic unsubscribe.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use hmac::Mac;
use instapub_sandbox::{NewComment, Sandbox};
use serde_json::{json, Value};

use crate::common::{app_token, page_token, Graph, Receiver, Reply};

const VERIFY: &str = "s3cret-verify";

fn hex_hmac_sha256(key: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hex_hmac_sha1(key: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Subscribes the demo app to `fields` of `instagram` at `callback`.
async fn subscribe(sb: &Sandbox, callback: &str, fields: &str) -> Reply {
    Graph::new(sb.base_url(), &app_token(sb))
        .post(
            &format!("/{}/subscriptions", sb.app_id()),
            &[
                ("object", "instagram"),
                ("callback_url", callback),
                ("fields", fields),
                ("verify_token", VERIFY),
            ],
        )
        .await
}

/// The demo account installs the demo app through Instagram Login.
async fn install_instagram(sb: &Sandbox, fields: &str) -> Reply {
    let ig = Graph::new(&sb.host_url("graph.instagram.com"), sb.access_token());
    ig.post("/me/subscribed_apps", &[("subscribed_fields", fields)])
        .await
}

/// A sandbox whose demo app is subscribed to `comments` at a fresh receiver and installed on
/// the demo account through Instagram Login.
async fn instagram_login_stage() -> (Sandbox, Receiver) {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    subscribe(&sb, &hook.url, "comments").await.expect_ok();
    install_instagram(&sb, "comments").await.expect_ok();
    (sb, hook)
}

/// A comment from a fan on the demo account's newest seeded media.
async fn fan_comment(sb: &Sandbox, media: &str, text: &str) -> String {
    sb.create_comment(NewComment {
        media_id: Some(media.to_owned()),
        username: Some("fan_one".into()),
        text: text.into(),
        ..Default::default()
    })
    .await
    .unwrap()[0]
        .id
        .clone()
}

async fn seeded(sb: &Sandbox, user: &str, caption: Option<&str>) -> String {
    sb.create_media(instapub_sandbox::NewMedia {
        user: Some(user.to_owned()),
        caption: caption.map(str::to_owned),
        media_type: "IMAGE".into(),
        media_product_type: "FEED".into(),
        ..Default::default()
    })
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_subscription_verifies_its_callback_and_comments_arrive_signed_over_the_raw_bytes() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    subscribe(&sb, &hook.url, "comments,mentions")
        .await
        .expect_ok();
    // Meta's handshake came first, with the verify token.
    let shakes = hook.handshakes();
    assert_eq!(shakes.len(), 1);
    assert_eq!(shakes[0].query["hub.mode"], "subscribe");
    assert_eq!(shakes[0].query["hub.verify_token"], VERIFY);
    assert!(shakes[0].query["hub.challenge"].parse::<u64>().is_ok());

    let app = Graph::new(sb.base_url(), &app_token(&sb));
    let listed = app
        .get(&format!("/{}/subscriptions", sb.app_id()), &[])
        .await;
    listed.expect_ok();
    assert_eq!(
        listed.body["data"],
        json!([{"object": "instagram", "callback_url": hook.url, "active": true,
                "fields": [{"name": "comments", "version": "v25.0"},
                           {"name": "mentions", "version": "v25.0"}]}])
    );

    install_instagram(&sb, "comments").await.expect_ok();
    let media = seeded(&sb, sb.username(), Some("first post")).await;
    let comment = fan_comment(&sb, &media, "Schön! see https://x.y/z @friend").await;
    let got = hook.wait_for(1).await;
    let d = &got[0];
    assert_eq!(d.header("content-type"), "application/json");
    assert_eq!(d.header("user-agent"), "facebookexternalua");
    assert_eq!(d.header("facebook-api-version"), "v25.0");
    // Both signatures, each an HMAC of the raw bytes under the app secret.
    assert_eq!(
        d.header("x-hub-signature-256"),
        format!("sha256={}", hex_hmac_sha256(sb.app_secret(), &d.body))
    );
    assert_eq!(
        d.header("x-hub-signature"),
        format!("sha1={}", hex_hmac_sha1(sb.app_secret(), &d.body))
    );
    // Escaped as Meta escapes: a handler that re-serialises the JSON signs other bytes.
    let raw = String::from_utf8(d.body.clone()).unwrap();
    assert!(raw.is_ascii(), "{raw}");
    assert!(
        raw.contains(r"Sch\u00f6n! see https:\/\/x.y\/z \u0040friend"),
        "{raw}"
    );
    let reserialised = serde_json::to_vec(&d.json()).unwrap();
    assert_ne!(
        hex_hmac_sha256(sb.app_secret(), &reserialised),
        hex_hmac_sha256(sb.app_secret(), &d.body)
    );
    // The documented shape, entry.id the account, time in seconds.
    let body = d.json();
    assert_eq!(body["object"], "instagram");
    let entry = &body["entry"][0];
    assert_eq!(entry["id"], json!(sb.user_id()));
    let time = entry["time"].as_i64().unwrap();
    assert!((time - sb.now_ms() / 1000).abs() < 60, "{time}");
    assert_eq!(
        entry["changes"],
        json!([{"field": "comments", "value": {
            "id": comment,
            "from": {"id": entry["changes"][0]["value"]["from"]["id"], "username": "fan_one"},
            "text": "Schön! see https://x.y/z @friend",
            "media": {"id": media, "media_product_type": "FEED"},
        }}])
    );
}

#[tokio::test]
async fn a_callback_that_does_not_echo_the_challenge_is_meta_s_2200_and_nothing_is_kept() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start("another-token").await;
    let r = subscribe(&sb, &hook.url, "comments").await;
    r.expect_error(400, 2200, None);
    assert_eq!(
        r.body["error"]["message"],
        "(#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden"
    );
    assert_eq!(r.body["error"]["type"], "OAuthException");
    let listed = Graph::new(sb.base_url(), &app_token(&sb))
        .get(&format!("/{}/subscriptions", sb.app_id()), &[])
        .await;
    assert_eq!(listed.body["data"], json!([]));

    // Nobody listening: the transport failure, in curl's words as Meta reports them.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let r = subscribe(&sb, &url, "comments").await;
    r.expect_error(400, 2200, None);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("HTTP Status Code = 0"), "{message}");

    // Not an address Meta could reach, and not a field Instagram has: refused before any GET.
    // The unspecified address stands for every refused one here (were it let through, it would
    // reach this machine, never the network); link-local, metadata and private addresses are
    // tested as functions in webhooks::send and pipeline::fetch.
    let r = subscribe(&sb, "http://0.0.0.0:9/hook", "comments").await;
    r.expect_error(400, 100, None);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("(#100) Param callback_url must be a URL Meta could reach ("),
        "{message}"
    );
    assert_eq!(
        hook.handshakes().len(),
        1,
        "no request to a refused address"
    );
    let r = subscribe(&sb, &hook.url, "comments,likes").await;
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("(#100) Param fields[1] must be one of {comments, live_comments,"),
        "{}",
        r.text
    );
    // Only the app's own app token subscribes: a user token sees no such edge.
    let user = Graph::new(sb.base_url(), sb.access_token())
        .get(&format!("/{}/subscriptions", sb.app_id()), &[])
        .await;
    user.expect_error(400, 100, Some(33));
}

#[tokio::test]
async fn a_page_install_takes_page_fields_and_brings_mentions_under_facebook_login() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    subscribe(&sb, &hook.url, "comments,mentions")
        .await
        .expect_ok();
    let page = Graph::new(sb.base_url(), &page_token(&sb).await);
    let path = format!("/{}/subscribed_apps", sb.page_id());
    let missing = page.post(&path, &[]).await;
    missing.expect_error(400, 100, None);
    assert_eq!(
        missing.body["error"]["message"],
        "(#100) The parameter subscribed_fields is required"
    );
    let wrong = page
        .post(&path, &[("subscribed_fields", "feed,comments")])
        .await;
    let message = wrong.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("(#100) Param subscribed_fields[1] must be one of {feed, mention, name, picture, category, description, conversations,"),
        "{message}"
    );
    page.post(&path, &[("subscribed_fields", "feed")])
        .await
        .expect_ok();
    let listed = page.get(&path, &[]).await;
    assert_eq!(listed.body["data"][0]["id"], json!(sb.app_id()));
    assert_eq!(listed.body["data"][0]["subscribed_fields"], json!(["feed"]));

    // Another account mentions the demo account, in a comment on its own media and in a
    // caption: `mentions` changes for the demo account, none for the other.
    sb.create_account(instapub_sandbox::NewAccount {
        username: "other_brand".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let theirs = seeded(
        &sb,
        "other_brand",
        Some(&format!("with @{}", sb.username())),
    )
    .await;
    let comment = fan_comment(&sb, &theirs, &format!("@{} look", sb.username())).await;
    // One delivery or two: the worker batches what is waiting when it looks.
    let mut got = hook.wait_for(1).await;
    for _ in 0..100 {
        let n: usize = got
            .iter()
            .map(|d| d.json()["entry"][0]["changes"].as_array().unwrap().len())
            .sum();
        if n >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        got = hook.deliveries();
    }
    let changes: Vec<Value> = got
        .iter()
        .flat_map(|d| d.json()["entry"].as_array().unwrap().clone())
        .inspect(|e| assert_eq!(e["id"], json!(sb.user_id())))
        .flat_map(|e| e["changes"].as_array().unwrap().clone())
        .collect();
    assert_eq!(
        changes,
        [
            json!({"field": "mentions", "value": {"media_id": theirs}}),
            json!({"field": "mentions", "value": {"comment_id": comment, "media_id": theirs}}),
        ]
    );
    // Uninstalled: nothing more arrives.
    Graph::new(sb.base_url(), &page_token(&sb).await)
        .raw(
            reqwest::Client::new()
                .delete(format!("{}/v25.0{path}", sb.base_url()))
                .query(&[("access_token", page_token(&sb).await)]),
        )
        .await
        .expect_ok();
    let listed = page.get(&path, &[]).await;
    assert_eq!(listed.body["data"], json!([]));
}

#[tokio::test]
async fn changes_of_one_write_arrive_in_one_delivery() {
    let (sb, hook) = instagram_login_stage().await;
    let media = seeded(&sb, sb.username(), None).await;
    let thread = NewComment {
        media_id: Some(media),
        text: "first".into(),
        replies: vec![
            NewComment {
                text: "a reply".into(),
                ..Default::default()
            },
            NewComment {
                text: "another".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let ids: Vec<String> = sb
        .create_comment(thread)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    let got = hook.wait_for(1).await;
    let changes = got[0].json()["entry"][0]["changes"].clone();
    let sent: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["value"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ids);
    assert_eq!(changes[1]["value"]["parent_id"], json!(ids[0]));
    // A comment the account makes itself through the API is a change too.
    let own = Graph::new(sb.base_url(), sb.access_token())
        .post(&format!("/{}/replies", ids[0]), &[("message", "thanks")])
        .await;
    own.expect_ok();
    let got = hook.wait_for(2).await;
    assert_eq!(
        got[1].json()["entry"][0]["changes"][0]["value"]["id"],
        own.body["id"]
    );
}

#[tokio::test]
async fn failures_are_retried_on_the_virtual_clock_and_an_hour_of_them_unsubscribes_the_app() {
    let (sb, hook) = instagram_login_stage().await;
    hook.answer(500);
    let media = seeded(&sb, sb.username(), None).await;
    fan_comment(&sb, &media, "one").await;
    // The first attempt and the immediate retry.
    let got = hook.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body, "a retry sends the same bytes");
    log_with_attempts(&sb, 2).await;
    assert_eq!(hook.deliveries().len(), 2, "the next retry waits a minute");
    sb.advance_clock(Duration::from_secs(61)).await;
    hook.wait_for(3).await;
    log_with_attempts(&sb, 3).await;
    // An hour of failures: the next attempt fails and the app is unsubscribed.
    sb.advance_clock(Duration::from_secs(3600)).await;
    hook.wait_for(4).await;
    let ig = Graph::new(&sb.host_url("graph.instagram.com"), sb.access_token());
    let mut installs = Value::Null;
    for _ in 0..200 {
        installs = ig.get("/me/subscribed_apps", &[]).await.body;
        if installs["data"] == json!([]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(installs["data"], json!([]), "{installs}");
    // Nothing more is sent, even once the callback works again.
    hook.answer(200);
    fan_comment(&sb, &media, "two").await;
    sb.advance_clock(Duration::from_secs(36 * 3600)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.deliveries().len(), 4);
}

#[tokio::test]
async fn a_failure_then_success_is_delivered_once_acknowledged() {
    let (sb, hook) = instagram_login_stage().await;
    hook.answer(503);
    let media = seeded(&sb, sb.username(), None).await;
    fan_comment(&sb, &media, "hello").await;
    hook.wait_for(2).await;
    hook.answer(200);
    log_with_attempts(&sb, 2).await;
    sb.advance_clock(Duration::from_secs(60)).await;
    hook.wait_for(3).await;
    log_with_attempts(&sb, 3).await;
    // Acknowledged: no more attempts however far the clock goes.
    sb.advance_clock(Duration::from_secs(3 * 3600)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(hook.deliveries().len(), 3);
}

/// Subscribes the demo app on the control plane, as the App Dashboard does (every field the
/// sandbox sends, installed through the demo Page).
async fn dashboard_subscribe(sb: &Sandbox, hook: &Receiver) {
    sb.subscribe_webhooks(instapub_sandbox::NewWebhookSubscription {
        callback_url: hook.url.clone(),
        fields: None,
        verify_token: Some(VERIFY.into()),
        include_values: None,
        app_id: None,
        accounts: None,
        login: None,
    })
    .await
    .unwrap();
}

fn trigger(field: &str) -> instapub_sandbox::WebhookTrigger {
    instapub_sandbox::WebhookTrigger {
        field: field.into(),
        ..Default::default()
    }
}

/// The deliveries log once `done` holds of it (5 s at most; the log is printed if never).
async fn log_until(
    sb: &Sandbox,
    done: impl Fn(&[instapub_sandbox::WebhookDelivery]) -> bool,
) -> Vec<instapub_sandbox::WebhookDelivery> {
    // A generous deadline: the worker logs an attempt only after the app answered and the
    // store took the write, which a loaded machine can take a while to get to.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while tokio::time::Instant::now() < deadline {
        let log = sb.webhook_deliveries().await.unwrap();
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{:#?}", sb.webhook_deliveries().await.unwrap());
}

/// The deliveries log once no pending delivery is due on the virtual clock: every attempt
/// due by now has been made.
async fn settled(sb: &Sandbox) -> Vec<instapub_sandbox::WebhookDelivery> {
    log_until(sb, |log| {
        let now = sb.now_ms();
        log.iter()
            .filter(|d| d.state == "pending")
            .all(|d| d.next_attempt_at.is_some_and(|at| at > now))
    })
    .await
}

/// The deliveries log once a delivery of `field` is held back by a fault rule: pending, its
/// next attempt further off than the worker's lease (21 s) reaches.
async fn held(sb: &Sandbox, field: &str) -> Vec<instapub_sandbox::WebhookDelivery> {
    log_until(sb, |log| {
        let now = sb.now_ms();
        log.iter().any(|d| {
            d.state == "pending"
                && d.fields == [field]
                && d.next_attempt_at.is_some_and(|at| at > now + 30_000)
        })
    })
    .await
}

/// The deliveries log once `n` attempts are recorded in all.
async fn log_with_attempts(sb: &Sandbox, n: usize) -> Vec<instapub_sandbox::WebhookDelivery> {
    log_until(sb, |log| {
        log.iter().map(|d| d.attempts.len()).sum::<usize>() >= n
    })
    .await
}

#[tokio::test]
async fn every_event_type_is_triggered_from_real_state_and_logged_with_its_attempts() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    dashboard_subscribe(&sb, &hook).await;
    let mut seen = Vec::new();
    for (i, field) in ["comments", "live_comments", "mentions", "story_insights"]
        .into_iter()
        .enumerate()
    {
        let t = sb.trigger_webhook(trigger(field)).await.unwrap();
        assert_eq!(t.account_id, sb.user_id());
        let got = hook.wait_for(i + 1).await;
        let d = &got[i];
        assert_eq!(
            d.header("x-hub-signature-256"),
            format!("sha256={}", hex_hmac_sha256(sb.app_secret(), &d.body))
        );
        let body = d.json();
        let entry = &body["entry"][0];
        assert_eq!(entry["id"], json!(sb.user_id()));
        let change = &entry["changes"][0];
        assert_eq!(change["field"], field, "{body}");
        match field {
            "comments" | "live_comments" => {
                assert_eq!(change["value"]["id"], json!(t.comment_id.unwrap()));
                assert_eq!(change["value"]["from"]["username"], "instapub_fan");
                assert_eq!(change["value"]["media"]["id"], json!(t.media_id));
            }
            "mentions" => {
                assert_eq!(change["value"], json!({"media_id": t.media_id}));
            }
            _ => {
                let v = &change["value"];
                assert_eq!(v["media_id"], json!(t.media_id));
                // Staged reach 17 is sent; replies 2 is under five, sent as -1.
                assert_eq!(v["reach"], 17);
                assert_eq!(v["replies"], -1);
            }
        }
        seen.push(field);
    }
    assert_eq!(seen.len(), 4);

    // The log: newest first, each attempt with what was sent and what came back.
    let log = log_with_attempts(&sb, 4).await;
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].fields, ["story_insights"]);
    let first = log.last().unwrap();
    assert_eq!(first.state, "delivered");
    let a = &first.attempts[0];
    assert_eq!(a.status, Some(200));
    assert_eq!(a.url, hook.url);
    assert!(a
        .request_headers
        .iter()
        .any(|h| h.name == "X-Hub-Signature-256" && h.value.starts_with("sha256=")));
    assert_eq!(first.body.as_bytes(), hook.deliveries()[0].body.as_slice());

    // Redeliver: the same bytes again, as a new delivery.
    let again = sb.redeliver_webhook(&first.id).await.unwrap();
    assert_eq!(again.redelivery_of.as_deref(), Some(first.id.as_str()));
    let got = hook.wait_for(5).await;
    assert_eq!(got[4].body, got[0].body);
}

#[tokio::test]
async fn a_story_s_insights_are_sent_an_hour_after_it_ends_on_the_virtual_clock() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    dashboard_subscribe(&sb, &hook).await;
    let story = sb
        .create_media(instapub_sandbox::NewMedia {
            user: Some(sb.username().to_owned()),
            media_type: "IMAGE".into(),
            media_product_type: "STORY".into(),
            insights: Some(
                [("reach".to_owned(), 40), ("replies".to_owned(), 3)]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        })
        .await
        .unwrap();
    sb.advance_clock(Duration::from_secs(24 * 3600)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(hook.deliveries().is_empty(), "sent before its hour");
    sb.advance_clock(Duration::from_secs(3600)).await;
    let got = hook.wait_for(1).await;
    assert_eq!(
        got[0].json()["entry"][0]["changes"][0],
        json!({"field": "story_insights", "value": {
            "media_id": story.id, "exits": -1, "replies": -1, "reach": 40,
            "taps_forward": -1, "taps_back": -1, "impressions": -1,
        }})
    );
    // Once only.
    sb.advance_clock(Duration::from_secs(3600)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hook.deliveries().len(), 1);
}

#[tokio::test]
async fn the_test_button_sends_meta_s_sample_shape_not_a_real_event() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    dashboard_subscribe(&sb, &hook).await;
    let d = sb
        .test_webhook(instapub_sandbox::NewWebhookTest {
            field: "comments".into(),
            app_id: None,
        })
        .await
        .unwrap();
    assert!(d.test);
    let got = hook.wait_for(1).await;
    let body = got[0].json();
    assert_eq!(body["entry"][0]["id"], "0");
    assert_eq!(
        body["entry"][0]["changes"][0]["value"]["from"],
        json!({"id": "232323232", "username": "test"})
    );
    // Messages come inside `changes` in the sample, unlike real ones.
    sb.test_webhook(instapub_sandbox::NewWebhookTest {
        field: "messages".into(),
        app_id: None,
    })
    .await
    .unwrap();
    let got = hook.wait_for(2).await;
    assert_eq!(
        got[1].json()["entry"][0]["changes"][0]["value"]["message"]["mid"],
        "random_mid"
    );
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart_of_a_file_database() {
    let dir = std::env::temp_dir().join(format!("instapub-webhooks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = instapub_sandbox::Db::File(dir.join("sandbox.db"));
    let hook = Receiver::start(VERIFY).await;
    hook.answer(500);
    let sb = Sandbox::builder().db(db.clone()).start().await.unwrap();
    dashboard_subscribe(&sb, &hook).await;
    let t = sb.trigger_webhook(trigger("comments")).await.unwrap();
    hook.wait_for(2).await;
    log_with_attempts(&sb, 2).await;
    sb.shutdown().await;

    hook.answer(200);
    let mut started = None;
    for _ in 0..100 {
        match Sandbox::builder().db(db.clone()).start().await {
            Ok(sb) => {
                started = Some(sb);
                break;
            }
            // The old sandbox's last tasks may still hold the database for a moment.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let sb = started.expect("the sandbox restarts on its database");
    sb.advance_clock(Duration::from_secs(61)).await;
    let got = hook.wait_for(3).await;
    assert_eq!(
        got[2].json()["entry"][0]["changes"][0]["value"]["id"],
        json!(t.comment_id.unwrap())
    );
    let log = log_until(&sb, |log| log[0].state == "delivered").await;
    assert_eq!(log[0].attempts.len(), 3, "{log:#?}");
    drop(sb);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn fault_rules_duplicate_reorder_delay_missign_drop_and_time_out_deliveries() {
    let sb = Sandbox::start().await;
    let hook = Receiver::start(VERIFY).await;
    dashboard_subscribe(&sb, &hook).await;
    let add = |rule: Value| sb.add_fault(serde_json::from_value(rule).unwrap()).unwrap();
    let settle = || tokio::time::sleep(Duration::from_millis(300));

    // Duplicate: the same bytes twice.
    add(json!({"match": {"field": "comments"}, "webhook": "duplicate", "times": 1}));
    sb.trigger_webhook(trigger("comments")).await.unwrap();
    let got = hook.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body);

    // A wrong signature: an honest receiver refuses it.
    add(json!({"webhook": "bad_signature", "times": 1}));
    sb.trigger_webhook(trigger("comments")).await.unwrap();
    let got = hook.wait_for(3).await;
    assert_ne!(
        got[2].header("x-hub-signature-256"),
        format!("sha256={}", hex_hmac_sha256(sb.app_secret(), &got[2].body))
    );
    log_with_attempts(&sb, 3).await;

    // Dropped: never sent, never retried, and the log says so.
    add(json!({"webhook": "drop", "times": 1}));
    sb.trigger_webhook(trigger("comments")).await.unwrap();
    let log = log_with_attempts(&sb, 4).await;
    assert_eq!(log[0].state, "dropped");
    assert!(log[0].attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("dropped"));
    settle().await;
    assert_eq!(hook.deliveries().len(), 3);

    // Timed out: the app got it, Meta did not hear back, so it comes again.
    add(json!({"webhook": "timeout", "times": 1}));
    let t = sb.trigger_webhook(trigger("comments")).await.unwrap();
    let got = hook.wait_for(5).await;
    assert_eq!(got[3].body, got[4].body);
    assert_eq!(
        got[4].json()["entry"][0]["changes"][0]["value"]["id"],
        json!(t.comment_id.unwrap())
    );

    // Delayed on the virtual clock.
    add(json!({"webhook": "delay", "latency_ms": 120_000, "times": 1}));
    sb.trigger_webhook(trigger("comments")).await.unwrap();
    // The hold is measured from when the worker takes the delivery: wait for it before
    // moving the clock.
    held(&sb, "comments").await;
    assert_eq!(hook.deliveries().len(), 5);
    sb.advance_clock(Duration::from_secs(121)).await;
    hook.wait_for(6).await;

    // Out of order: a held mention is overtaken by a later comment.
    add(json!({"match": {"field": "mentions"}, "webhook": "out_of_order", "times": 1}));
    sb.trigger_webhook(trigger("mentions")).await.unwrap();
    // Held in a delivery of its own before the comment is made (else both would share one).
    held(&sb, "mentions").await;
    sb.trigger_webhook(trigger("comments")).await.unwrap();
    let got = hook.wait_for(7).await;
    assert_eq!(got[6].json()["entry"][0]["changes"][0]["field"], "comments");
    sb.advance_clock(Duration::from_secs(61)).await;
    let got = hook.wait_for(8).await;
    assert_eq!(got[7].json()["entry"][0]["changes"][0]["field"], "mentions");

    // A webhook rule never touches requests, and a request rule never deliveries.
    let bad = sb.add_fault(
        serde_json::from_value(json!({"match": {"field": "comments"}, "error": {"code": 2}}))
            .unwrap(),
    );
    assert!(bad.is_err());
}

#[tokio::test]
async fn a_delivery_still_failing_36_hours_after_it_was_made_is_dropped() {
    let (sb, hook) = instagram_login_stage().await;
    hook.fail_when("doomed");
    let media = seeded(&sb, sb.username(), None).await;
    fan_comment(&sb, &media, "doomed").await;
    hook.wait_for(2).await;
    log_with_attempts(&sb, 2).await;
    // Other deliveries keep succeeding (so the app is never an hour without one, and is not
    // unsubscribed) while the doomed one is retried, less and less often, until 36 hours.
    let mut sent = 2;
    for step in 0..(37 * 3) {
        sb.advance_clock(Duration::from_secs(20 * 60)).await;
        fan_comment(&sb, &media, &format!("fine {step}")).await;
        sent += 1;
        let got = hook.wait_for(sent).await;
        sent = got.len();
        // Let every attempt that is due by now be made before the clock moves again, so an
        // attempt is late by at most one step however slowly this machine runs.
        settled(&sb).await;
    }
    let log = log_until(&sb, |log| log.iter().all(|d| d.state != "pending")).await;
    let doomed = log
        .iter()
        .find(|d| d.body.contains("doomed"))
        .expect("the doomed delivery is in the log");
    assert_eq!(doomed.state, "dropped", "{doomed:#?}");
    // At once, after 1, 5, 15, 30 minutes, 1, 2, 4, 8 hours, then every 12 hours: 11 attempts
    // fit in 36 hours (the clock moves in 20-minute steps, so an attempt is made at the first
    // step after it is due: up to a step late, which shortens the gap after it by as much).
    assert!((9..=11).contains(&doomed.attempts.len()), "{doomed:#?}");
    let gaps: Vec<i64> = doomed
        .attempts
        .windows(2)
        .map(|w| w[1].at - w[0].at)
        .collect();
    assert!(
        gaps.windows(2).all(|g| g[0] <= g[1] + 45 * 60_000),
        "{gaps:?}"
    );
    assert!(log
        .iter()
        .filter(|d| !d.body.contains("doomed"))
        .all(|d| d.state == "delivered"));
    // Dropped is final.
    let before = hook.deliveries().len();
    sb.advance_clock(Duration::from_secs(24 * 3600)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hook.deliveries().len(), before);
}

#[tokio::test]
async fn a_scenario_file_subscribes_webhooks_and_a_webhook_fault_at_start() {
    let hook = Receiver::start(VERIFY).await;
    let scenario = instapub_sandbox::Scenario::parse(&format!(
        r#"{{
            accounts: [{{ username: "brand_b" }}],
            webhooks: [{{ callback_url: "{}", verify_token: "{VERIFY}", fields: ["comments"],
                          login: "instagram", accounts: ["brand_b"] }}],
            faults: [{{ match: {{ field: "comments" }}, webhook: "duplicate", times: 1 }}],
        }}"#,
        hook.url
    ))
    .unwrap();
    let sb = Sandbox::builder().scenario(scenario).start().await.unwrap();
    assert_eq!(hook.handshakes().len(), 1);
    let t = sb
        .trigger_webhook(instapub_sandbox::WebhookTrigger {
            field: "comments".into(),
            account: Some("brand_b".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let got = hook.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body, "the scenario's duplicate fault");
    assert_eq!(got[0].json()["entry"][0]["id"], json!(t.account_id));
    // A scenario whose callback does not answer the handshake does not start.
    let bad = instapub_sandbox::Scenario::parse(
        r#"{ webhooks: [{ callback_url: "http://127.0.0.1:9/hook" }] }"#,
    )
    .unwrap();
    let err = Sandbox::builder()
        .scenario(bad)
        .start()
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("callback verification failed"),
        "{err}"
    );
}
