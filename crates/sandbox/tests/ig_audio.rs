//! `GET /ig_audio` over HTTP: the search, and one case per ads-discovery rule (9050-9064,
//! 403/200, 403/10/9053), in the documented order.

#![allow(clippy::unwrap_used)]

use crate::common::{admin, partnership_code, seeded_media, Graph};
use instapub_sandbox::Sandbox;
use serde_json::json;

#[tokio::test]
async fn the_audio_search() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id();
    let r = g
        .get("/ig_audio", &[("audio_type", "music"), ("user_id", user)])
        .await;
    r.expect_ok();
    let audio = r.body["audio"].as_array().unwrap();
    assert!(audio.len() >= 3);
    assert!(audio
        .iter()
        .all(|a| a["audio_type"] == "music" && a["display_artist"].is_string()));
    let r = g
        .get(
            "/ig_audio",
            &[
                ("audio_type", "music"),
                ("user_id", user),
                ("search_query", "harbour"),
            ],
        )
        .await;
    assert_eq!(r.body["audio"].as_array().unwrap().len(), 1);
    let r = g
        .get(
            "/ig_audio",
            &[("audio_type", "original_sound"), ("user_id", user)],
        )
        .await;
    assert!(r.body["audio"][0]["ig_username"].is_string());
    g.get("/ig_audio", &[("user_id", user)])
        .await
        .expect_error(400, 100, None);
    g.get("/ig_audio", &[("audio_type", "music")])
        .await
        .expect_error(400, 100, None);
}

/// Parameters to replace (`Some`) or remove (`None`) in the base request.
type Changes<'a> = Vec<(&'static str, Option<&'a str>)>;

#[tokio::test]
async fn every_ads_discovery_rule_in_order() {
    let sb = Sandbox::start().await;
    let user = sb.user_id().to_owned();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let reel = seeded_media(&sb, &user, "VIDEO", "REELS", true).await;
    let clean_reel = seeded_media(&sb, &user, "VIDEO", "REELS", false).await;
    let photo = seeded_media(&sb, &user, "IMAGE", "FEED", false).await;
    let code = partnership_code(&sb, &reel, None).await;
    let other_code = partnership_code(&sb, &clean_reel, None).await;
    let expiring = partnership_code(&sb, &reel, Some(60)).await;
    let no_ads = admin(
        &sb,
        reqwest::Method::POST,
        "/tokens",
        json!({"user_id": user, "permissions": ["instagram_basic", "instagram_content_publish"]}),
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let base: Vec<(&str, String)> = vec![
        ("product", "ADS".into()),
        ("purpose", "AUDIO_COPYRIGHT_REPLACEMENT".into()),
        ("audio_replacement_mode", "auto".into()),
        ("ig_media_id", reel.clone()),
        ("user_id", user.clone()),
    ];
    // Builds a request from the base, with some parameters replaced or removed.
    let with = |changes: &[(&'static str, Option<&str>)]| {
        let mut p: Vec<(&str, String)> = base.clone();
        for (k, v) in changes {
            p.retain(|(name, _)| name != k);
            if let Some(v) = v {
                p.push((k, (*v).to_owned()));
            }
        }
        p
    };
    let ask = |g: Graph, p: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
        g.get("/ig_audio", &pairs).await
    };

    // The feature gate comes before parameter checks but after purpose and permission.
    ask(g.clone(), with(&[]))
        .await
        .expect_error(403, 10, Some(9053));
    ask(g.with_token(&no_ads), with(&[]))
        .await
        .expect_error(403, 200, None);
    ask(g.clone(), with(&[("purpose", Some("OTHER"))]))
        .await
        .expect_error(400, 100, Some(9052));
    ask(g.clone(), with(&[("ig_user_id", Some(&user))]))
        .await
        .expect_error(400, 100, Some(9050));
    admin(
        &sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"ads_audio_swap_enabled": true}),
    )
    .await;

    let cases: Vec<(Changes, i64)> = vec![
        (vec![("audio_replacement_mode", None)], 9056),
        (vec![("audio_replacement_mode", Some("loud"))], 9057),
        (vec![("audio_replacement_mode", Some("Search"))], 9058),
        (vec![("search_query", Some("run"))], 9060),
        (vec![("ig_media_id", None)], 9054),
        (vec![("ig_media_id", Some(&photo))], 9062),
        (vec![("ig_media_id", Some(&clean_reel))], 9055),
        (vec![("partnership_ad_code", Some("PAC-nope"))], 9063),
        (vec![("partnership_ad_code", Some(&other_code))], 9064),
    ];
    for (changes, subcode) in cases {
        let r = ask(g.clone(), with(&changes)).await;
        r.expect_error(400, 100, Some(subcode));
        assert!(r.body["error"]["error_user_msg"].is_string(), "{}", r.text);
    }
    // An expired code is invalid too.
    sb.advance_clock(std::time::Duration::from_secs(61)).await;
    ask(g.clone(), with(&[("partnership_ad_code", Some(&expiring))]))
        .await
        .expect_error(400, 100, Some(9063));

    // Success: replacement candidates, in the search's shape.
    let r = ask(g.clone(), with(&[("partnership_ad_code", Some(&code))])).await;
    r.expect_ok();
    assert!(!r.body["audio"].as_array().unwrap().is_empty());
    let r = ask(
        g.clone(),
        with(&[
            ("audio_replacement_mode", Some("search")),
            ("search_query", Some("summer")),
        ]),
    )
    .await;
    assert_eq!(r.body["audio"][0]["title"], "Summer Loop");
}
