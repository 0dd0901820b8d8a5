//! The integration report: a careless app's run, and what the report says about it.

#![allow(clippy::unwrap_used)]

use instapub_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::common::{admin, facebook_token_with, fixture, seeded_media, Graph, MediaHost};

fn app_section<'a>(report: &'a Value, app_id: Option<&str>) -> &'a Value {
    report["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["app_id"].as_str() == app_id)
        .unwrap_or_else(|| panic!("no section for {app_id:?}: {report:#}"))
}

fn entry<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|e| e["entry"] == name)
}

#[tokio::test]
async fn a_careless_apps_run_shows_what_it_met_missed_and_asked_for() {
    let media = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let sb = Sandbox::start().await;
    // The app asks for insights it never reads, and not for comments it does read.
    let token = facebook_token_with(
        &sb,
        &[
            "instagram_basic",
            "instagram_content_publish",
            "instagram_manage_insights",
            "pages_show_list",
            "pages_read_engagement",
        ],
    )
    .await;
    let g = Graph::new(sb.base_url(), &token);
    let token_used = token.clone();
    let user = sb.user_id().to_owned();
    // A spent quota, from a fault rule, at publish time.
    admin(
        &sb,
        reqwest::Method::POST,
        "/faults",
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207042}, "times": 1}),
    )
    .await;
    let created = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("photo.jpg"))],
        )
        .await;
    created.expect_ok();
    let container = created.body["id"].as_str().unwrap().to_owned();
    g.wait_processed(&container).await;
    let refused = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    assert_eq!(refused.body["error"]["error_subcode"], 2207042);
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &container)],
    )
    .await
    .expect_ok();
    // A status read on a version Meta no longer serves.
    g.get(&format!("/v19.0/{container}"), &[("fields", "status_code")])
        .await
        .expect_ok();
    // A real condition: a field the account does not have.
    let field = g
        .get(&format!("/v25.0/{user}"), &[("fields", "no_such_field")])
        .await;
    assert_eq!(field.body["error"]["code"], 100);
    // Commenting without the permission.
    let post = seeded_media(&sb, &user, "IMAGE", "FEED", false).await;
    let comments = g
        .post(&format!("/{post}/comments"), &[("message", "nice")])
        .await;
    assert_eq!(comments.body["error"]["code"], 10, "{}", comments.body);
    // A token nobody issued.
    g.with_token("not-a-token")
        .get(&format!("/v25.0/{user}"), &[])
        .await;

    let report = admin(&sb, reqwest::Method::GET, "/report", json!({})).await;
    assert_eq!(report["schema"], "instapub.report/1");
    let app = app_section(&report, Some(sb.app_id()));
    let met = &app["errors_met"];
    let quota = entry(met, "PublishingQuotaReached").expect("the quota was met");
    assert_eq!(
        (
            &quota["count"],
            &quota["from_faults"],
            &quota["from_conditions"]
        ),
        (&json!(1), &json!(1), &json!(0))
    );
    assert_eq!(quota["endpoints"], json!(["/{ig-user-id}/media_publish"]));
    assert_eq!(quota["accounts"], json!([user]));
    let unknown_field = met
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "100")
        .expect("the unknown field, code 100");
    assert_eq!(unknown_field["from_conditions"], 1);
    // Never met: the container not ready at publish time, with the rule that makes it happen.
    let not_ready = entry(&app["errors_not_met"], "NotReady").expect("2207027 never met");
    assert_eq!(
        not_ready["fault_rule"],
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207027}, "times": 1})
    );
    assert_eq!(
        not_ready["python"],
        "sb.add_fault({\"endpoint\": \"media_publish\"}, error={\"subcode\": 2207027}, times=1)"
    );
    assert!(entry(&app["errors_not_met"], "PublishingQuotaReached").is_none());
    // Audio errors belong to an endpoint the app never called.
    assert!(entry(&app["errors_not_met"], "AudioBothUserIds").is_none());
    // Permissions.
    let p = &app["permissions"];
    assert!(p["granted"]
        .as_array()
        .unwrap()
        .contains(&json!("instagram_manage_insights")));
    assert_eq!(
        p["requested_not_used"],
        json!(["instagram_manage_insights"])
    );
    let publish = &p["used"][0];
    assert_eq!(publish["permission"], "instagram_content_publish");
    assert_eq!(
        publish["calls"], 2,
        "create and the publish that went through"
    );
    assert_eq!(
        p["used_not_requested"][0]["permission"],
        "instagram_manage_comments"
    );
    assert_eq!(
        p["used_not_requested"][0]["endpoints"],
        json!(["/{ig-media-id}/comments"])
    );
    // Versions: the retired one asked for is a finding; the current one is not.
    let versions = app["versions"].as_array().unwrap();
    let v19 = versions.iter().find(|v| v["version"] == "v19.0").unwrap();
    assert_eq!(
        (&v19["state"], &v19["until"]),
        (&json!("retired"), &json!("2026-05-21"))
    );
    assert_eq!(v19["calls"], 1);
    assert!(versions.iter().any(|v| v["version"] == "v25.0"));
    let version_findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "version")
        .collect();
    assert_eq!(version_findings.len(), 1, "{version_findings:?}");
    assert!(version_findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("v19.0"));
    // The quota ran out without content_publishing_limit read first.
    let unchecked: Vec<&Value> = app["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "quota_not_checked")
        .collect();
    assert_eq!(unchecked.len(), 1, "{:#}", app["reactions"]);
    assert_eq!(unchecked[0]["entry"], "PublishingQuotaReached");
    // A short-lived token used and never exchanged: not refreshed.
    let token = app["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "token_not_refreshed")
        .unwrap_or_else(|| panic!("{:#}", app["reactions"]));
    assert_eq!(token["good"], false);
    // The older authorize address, and a dialog on a retired version.
    let browser = crate::common::browser();
    for path in [
        "/api.instagram.com/oauth/authorize",
        "/www.facebook.com/v19.0/dialog/oauth",
    ] {
        browser
            .get(format!("{}{path}", sb.base_url()))
            .query(&[
                ("client_id", sb.app_id()),
                ("redirect_uri", "https://example.test/cb"),
                ("response_type", "code"),
                ("scope", "instagram_business_basic"),
            ])
            .send()
            .await
            .unwrap();
    }
    let again = admin(&sb, reqwest::Method::GET, "/report", json!({})).await;
    let after = app_section(&again, Some(sb.app_id()));
    assert_eq!(after["older_authorize_logins"], 1);
    let v19 = after["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "v19.0")
        .unwrap();
    assert_eq!(v19["calls"], 2, "the status read and the dialog");
    assert!(again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("older authorize address")));
    // Exchanging the token for a long-lived one is the refresh the reaction asks for.
    let exchanged: Value = reqwest::Client::new()
        .get(format!("{}/v25.0/oauth/access_token", sb.base_url()))
        .query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("fb_exchange_token", token_used.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert!(exchanged["access_token"].is_string(), "{exchanged}");
    let refreshed = admin(&sb, reqwest::Method::GET, "/report", json!({})).await;
    assert!(app_section(&refreshed, Some(sb.app_id()))["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["kind"] == "token_refreshed" && r["good"] == true));
    // The call with a token nobody issued: no app to name.
    let nobody = app_section(&report, None);
    assert!(
        entry(&nobody["errors_met"], "InvalidAccessToken").is_some(),
        "{nobody:#}"
    );
    assert_eq!(nobody["errors_not_met"], json!([]));
    // Findings, flat, one per thing to act on.
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["app_id"] == sb.app_id())
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"error_not_met"));
    assert!(kinds.contains(&"permission_not_used"));
    assert!(kinds.contains(&"permission_not_requested"));

    // The Rust helper says the same; a reset starts afresh.
    let direct = sb.report().await.unwrap();
    assert_eq!(direct.apps.len(), report["apps"].as_array().unwrap().len());
    admin(&sb, reqwest::Method::POST, "/report/reset", json!({})).await;
    let after = admin(&sb, reqwest::Method::GET, "/report", json!({})).await;
    assert_eq!(
        app_section(&after, Some(sb.app_id()))["errors_met"],
        json!([])
    );
}

async fn fault(sb: &Sandbox, rule: Value) {
    admin(sb, reqwest::Method::POST, "/faults", rule).await;
}

/// Creates an image container and waits until it is processed; its id.
async fn container(g: &Graph, user: &str, url: &str) -> String {
    let created = g
        .post(&format!("/{user}/media"), &[("image_url", url)])
        .await;
    created.expect_ok();
    let id = created.body["id"].as_str().unwrap().to_owned();
    g.wait_processed(&id).await;
    id
}

fn reactions<'a>(report: &'a Value, app_id: &str, kind: &str) -> Vec<&'a Value> {
    app_section(report, Some(app_id))["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

#[tokio::test]
async fn reactions_are_graded_by_the_catalogs_action() {
    let media = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let sb = Sandbox::start().await;
    let token = facebook_token_with(&sb, &["instagram_basic", "instagram_content_publish"]).await;
    let g = Graph::new(sb.base_url(), &token);
    let user = sb.user_id().to_owned();
    let url = media.url("photo.jpg");
    let publish = |id: String| {
        let g = g.clone();
        let user = user.clone();
        async move {
            g.post(&format!("/{user}/media_publish"), &[("creation_id", &id)])
                .await
        }
    };

    // 2207027, then published again without reading the status.
    let b = container(&g, &user, &url).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207027}, "times": 1}),
    )
    .await;
    publish(b.clone()).await;
    publish(b.clone()).await.expect_ok();
    // The same container published again.
    publish(b.clone()).await;
    // A refused image format, sent again unchanged.
    fault(
        &sb,
        json!({"match": {"endpoint": "create_media"}, "error": {"subcode": 2207005}, "times": 2}),
    )
    .await;
    for _ in 0..2 {
        let r = g
            .post(&format!("/{user}/media"), &[("image_url", &url)])
            .await;
        assert_eq!(r.body["error"]["error_subcode"], 2207005);
    }
    // An expired container, then a new one (what the action asks).
    let c = container(&g, &user, &url).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207020}, "times": 1}),
    )
    .await;
    publish(c).await;
    let d = container(&g, &user, &url).await;
    publish(d).await.expect_ok();
    // A rate limit, and a call right after it.
    fault(&sb, json!({"match": {"endpoint": "content_publishing_limit"}, "error": {"code": 4}, "times": 1})).await;
    g.get(&format!("/v25.0/{user}/content_publishing_limit"), &[])
        .await;
    g.get(&format!("/v25.0/{user}/content_publishing_limit"), &[])
        .await
        .expect_ok();

    // 2207008 four times in a row, at once, and no new container after: too often, too soon, and
    // never re-created.
    let a = container(&g, &user, &url).await;
    fault(
        &sb,
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207008}, "times": 4}),
    )
    .await;
    for _ in 0..4 {
        assert_eq!(
            publish(a.clone()).await.body["error"]["error_subcode"],
            2207008
        );
    }
    let report = admin(&sb, reqwest::Method::GET, "/report", json!({})).await;
    let app = sb.app_id();
    for kind in ["retried_too_often", "retried_too_soon", "never_recreated"] {
        let r = reactions(&report, app, kind);
        assert_eq!(r.len(), 1, "{kind}: {report:#}");
        assert_eq!(r[0]["entry"], "BuilderNotFound");
        assert_eq!(r[0]["good"], false);
    }
    let too_often = reactions(&report, app, "retried_too_often")[0];
    assert_eq!(
        too_often["requests"].as_array().unwrap().len(),
        4,
        "the error and 3 retries"
    );
    let unpolled = reactions(&report, app, "published_without_polling");
    assert_eq!(unpolled.len(), 1);
    assert_eq!(unpolled[0]["entry"], "NotReady");
    let twice = reactions(&report, app, "published_twice");
    assert_eq!(twice.len(), 1, "{report:#}");
    let unchanged = reactions(&report, app, "retried_unchanged");
    assert_eq!(unchanged.len(), 1, "{report:#}");
    assert_eq!(unchanged[0]["entry"], "UnsupportedImageFormat");
    let recreated = reactions(&report, app, "recreated");
    assert_eq!(recreated.len(), 1);
    assert_eq!(
        (&recreated[0]["entry"], &recreated[0]["good"]),
        (&json!("ContainerExpired"), &json!(true))
    );
    let throttle = reactions(&report, app, "ignored_throttle");
    assert_eq!(throttle.len(), 1, "{report:#}");
    // The requests named are the log's: the first is the error's.
    let logged = admin(&sb, reqwest::Method::GET, "/requests", json!({})).await;
    let first = throttle[0]["requests"][0].as_u64().unwrap();
    let entry = logged["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["seq"] == first)
        .unwrap();
    assert_eq!(entry["error_code"], 4);
    // Every bad reaction is a finding too.
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "reaction")
        .count();
    // The seven above, and the short-lived token never exchanged.
    assert_eq!(reactions(&report, app, "token_not_refreshed").len(), 1);
    assert_eq!(findings, 8, "{report:#}");
}
