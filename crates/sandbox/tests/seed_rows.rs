//! End to end: every one of the 37 rows of Meta's error table, triggered through the sandbox
//! over HTTP by its real condition (or, for Instagram's own server failures, by a fault rule),
//! checked for HTTP status, code, subcode and rendered user message against the catalog.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::{admin, fixture, partnership_code, seeded_media, Graph, MediaHost, Reply};
use instapub_errors::{Source, ENTRIES};
use instapub_sandbox::Sandbox;
use serde_json::json;

/// The key of a seed row: `code/subcode`, or `code` for the 403/200 row.
fn key(r: &Reply) -> String {
    let (code, sub) = r.error();
    match sub {
        Some(s) => format!("{code}/{s}"),
        None => code.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_37_seed_rows_through_the_sandbox() {
    let media = MediaHost::start(vec![
        ("photo.jpg", fixture("jpeg_square.jpg")),
        ("wide.jpg", fixture("jpeg_baseline.jpg")),
        ("photo.png", fixture("png_rgb.png")),
        ("reel.mp4", fixture("mp4_reel_valid.mp4")),
        ("movie.mkv", fixture("mkv_h264.mkv")),
        ("big.jpg", {
            let mut b = fixture("jpeg_square.jpg");
            b.resize(8 * 1024 * 1024 + 1, 0);
            b
        }),
    ])
    .await;
    let sb = Sandbox::builder()
        .fetch_timeout(Duration::from_millis(500))
        .quota_total(1)
        .start()
        .await
        .unwrap();
    let user = sb.user_id().to_owned();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let create = format!("/{user}/media");
    let publish = format!("/{user}/media_publish");
    let photo = media.url("photo.jpg");
    let mut seen: BTreeMap<String, Reply> = BTreeMap::new();
    let mut record = |r: Reply| {
        assert!(r.status != 200, "expected an error: {}", r.text);
        seen.insert(key(&r), r);
    };

    // Fetching and probing.
    record(
        g.post(&create, &[("image_url", &media.slow("photo.jpg"))])
            .await,
    );
    record(
        g.post(
            &create,
            &[("image_url", &format!("{}/f/missing.jpg", media.base))],
        )
        .await,
    );
    record(
        g.post(&create, &[("image_url", &media.url("big.jpg"))])
            .await,
    );
    record(
        g.post(&create, &[("image_url", &media.url("photo.png"))])
            .await,
    );
    record(
        g.post(&create, &[("image_url", &media.url("wide.jpg"))])
            .await,
    );
    // The request.
    record(
        g.post(
            &create,
            &[("image_url", &photo), ("media_type", "PANORAMA")],
        )
        .await,
    );
    record(
        g.post(&create, &[("media_type", "CAROUSEL"), ("children", "1")])
            .await,
    );
    record(
        g.post(
            &create,
            &[("image_url", &photo), ("caption", &"x".repeat(2201))],
        )
        .await,
    );
    let mentions: String = (0..21).map(|i| format!("@u{i} ")).collect();
    record(
        g.post(&create, &[("image_url", &photo), ("caption", &mentions)])
            .await,
    );
    // Product tags against a catalog.
    let catalog = admin(
        &sb,
        reqwest::Method::POST,
        "/catalogs",
        json!({"user_id": user, "name": "Main", "products": [{"name": "Mug"}]}),
    )
    .await;
    let mug = catalog["products"][0]["id"].as_str().unwrap().to_owned();
    record(
        g.post(
            &create,
            &[
                ("image_url", &photo),
                ("product_tags", &format!("[{{product_id:'{mug}'}}]")),
            ],
        )
        .await,
    );
    record(
        g.post(
            &create,
            &[
                ("image_url", &photo),
                ("product_tags", "[{product_id:'1',x:0.5,y:0.5}]"),
            ],
        )
        .await,
    );
    record(
        g.post(
            &create,
            &[
                ("media_type", "REELS"),
                ("video_url", &media.url("reel.mp4")),
                (
                    "product_tags",
                    &format!("[{{product_id:'{mug}',x:0.1,y:0.1}}]"),
                ),
            ],
        )
        .await,
    );
    // Videos end in ERROR; publishing says why.
    for (url, thumb) in [
        (media.url("movie.mkv"), None),
        (media.url("reel.mp4"), Some("3500")),
    ] {
        let mut p = vec![("media_type", "REELS"), ("video_url", url.as_str())];
        if let Some(t) = thumb {
            p.push(("thumb_offset", t));
        }
        let c = g.post(&create, &p).await.id();
        assert_eq!(g.wait_processed(&c).await, "ERROR");
        record(g.post(&publish, &[("creation_id", &c)]).await);
    }
    // The container lifecycle.
    record(
        g.post(&publish, &[("creation_id", "17880000000424242")])
            .await,
    );
    let other = admin(
        &sb,
        reqwest::Method::POST,
        "/accounts",
        json!({"username": "other.one"}),
    )
    .await;
    let theirs = Graph::new(sb.base_url(), other["access_token"].as_str().unwrap())
        .post(
            &format!("/{}/media", other["id"].as_str().unwrap()),
            &[("image_url", &photo)],
        )
        .await
        .id();
    record(g.post(&publish, &[("creation_id", &theirs)]).await);
    let slow_sb = Sandbox::builder()
        .video_processing(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let slow = Graph::new(slow_sb.base_url(), slow_sb.access_token());
    let reel = slow
        .post(
            &format!("/{}/media", slow_sb.user_id()),
            &[
                ("media_type", "REELS"),
                ("video_url", &media.url("reel.mp4")),
            ],
        )
        .await
        .id();
    record(
        slow.post(
            &format!("/{}/media_publish", slow_sb.user_id()),
            &[("creation_id", &reel)],
        )
        .await,
    );
    let first = g.post(&create, &[("image_url", &photo)]).await.id();
    let second = g.post(&create, &[("image_url", &photo)]).await.id();
    g.post(&publish, &[("creation_id", &first)])
        .await
        .expect_ok();
    record(g.post(&publish, &[("creation_id", &second)]).await); // quota 1
    sb.advance_clock(Duration::from_secs(24 * 3600)).await;
    record(g.post(&publish, &[("creation_id", &second)]).await); // expired
                                                                 // The account.
    let fresh = g.post(&create, &[("image_url", &photo)]).await.id();
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{user}"),
        json!({"spam_flagged": true}),
    )
    .await;
    record(g.post(&publish, &[("creation_id", &fresh)]).await);
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{user}"),
        json!({"spam_flagged": false, "restricted": true}),
    )
    .await;
    record(g.post(&publish, &[("creation_id", &fresh)]).await);
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("/accounts/{user}"),
        json!({"restricted": false}),
    )
    .await;
    // Instagram's own failures: fault rules with the exact entries.
    for subcode in [2207001, 2207032, 2207053] {
        let rule = admin(&sb, reqwest::Method::POST, "/faults", json!({"match": {"endpoint": "create_media"}, "error": {"subcode": subcode}, "times": 1})).await;
        assert!(rule["id"].is_string(), "{rule}");
        record(g.post(&create, &[("image_url", &photo)]).await);
    }
    // ig_audio: permissions, the gate, then every parameter rule.
    let reel_cr = seeded_media(&sb, &user, "VIDEO", "REELS", true).await;
    let reel_plain = seeded_media(&sb, &user, "VIDEO", "REELS", false).await;
    let image = seeded_media(&sb, &user, "IMAGE", "FEED", false).await;
    let code_other = partnership_code(&sb, &reel_plain, None).await;
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
    let ads = |extra: &[(&'static str, &str)]| {
        let mut p: Vec<(&'static str, String)> = vec![
            ("product", "ADS".into()),
            ("purpose", "AUDIO_COPYRIGHT_REPLACEMENT".into()),
            ("audio_replacement_mode", "auto".into()),
            ("ig_media_id", reel_cr.clone()),
            ("user_id", user.clone()),
        ];
        for (k, v) in extra {
            p.retain(|(name, _)| name != k);
            if !v.is_empty() {
                p.push((k, (*v).to_owned()));
            }
        }
        p
    };
    let ask = |g: Graph, p: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
        g.get("/ig_audio", &pairs).await
    };
    record(ask(g.with_token(&no_ads), ads(&[])).await);
    record(ask(g.clone(), ads(&[])).await);
    admin(
        &sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"ads_audio_swap_enabled": true}),
    )
    .await;
    for extra in [
        vec![("ig_user_id", user.as_str())],
        vec![("purpose", "NOPE")],
        vec![("audio_replacement_mode", "")],
        vec![("audio_replacement_mode", "loud")],
        vec![("audio_replacement_mode", "search")],
        vec![("search_query", "run")],
        vec![("ig_media_id", "")],
        vec![("ig_media_id", image.as_str())],
        vec![("ig_media_id", reel_plain.as_str())],
        vec![("partnership_ad_code", "PAC-nope")],
        vec![("partnership_ad_code", code_other.as_str())],
    ] {
        record(ask(g.clone(), ads(&extra)).await);
    }

    // Every seed row was triggered, and each answer is the catalog's, rendered.
    let seed: Vec<_> = ENTRIES
        .iter()
        .filter(|e| e.source == Source::Seed)
        .collect();
    assert_eq!(seed.len(), 37);
    let mut missing = Vec::new();
    for e in &seed {
        let Some(r) = seen.get(&e.key()) else {
            missing.push(e.key());
            continue;
        };
        assert_eq!(r.status, e.status, "{}: {}", e.id, r.text);
        assert_eq!(r.error(), (e.code, e.subcode), "{}: {}", e.id, r.text);
        let msg = r.body["error"]["error_user_msg"]
            .as_str()
            .map(str::to_owned);
        if let Some(template) = e.user_msg {
            let msg = msg.unwrap_or_else(|| panic!("{}: no user message: {}", e.id, r.text));
            assert!(
                !msg.contains('{'),
                "{}: unrendered placeholder in {msg:?}",
                e.id
            );
            // The fixed parts of the template are all there.
            for part in template
                .split(['{', '}'])
                .step_by(2)
                .filter(|p| p.len() > 3)
            {
                assert!(msg.contains(part), "{}: {msg:?} lacks {part:?}", e.id);
            }
        }
    }
    assert!(missing.is_empty(), "seed rows never triggered: {missing:?}");
    eprintln!("all {} seed rows triggered through the sandbox", seed.len());
}
