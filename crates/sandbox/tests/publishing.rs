//! The publishing flow over real HTTP against an in-process sandbox, with media served from a
//! loopback host. Every error is produced by its real condition, never by a switch.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{account, fixture, token, Graph, MediaHost};
use instapub_sandbox::{NewCatalog, NewCatalogProduct, Sandbox};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn host() -> MediaHost {
    let mut big = fixture("jpeg_square.jpg");
    big.resize(8 * 1024 * 1024 + 1, 0);
    MediaHost::start(vec![
        ("photo.jpg", fixture("jpeg_square.jpg")),
        ("big.jpg", big),
        ("reel.mp4", fixture("mp4_reel_valid.mp4")),
        ("empty.jpg", Vec::new()),
        ("wide.jpg", fixture("jpeg_baseline.jpg")),
        ("photo.png", fixture("png_rgb.png")),
        ("noise.jpg", fixture("unknown.bin")),
        ("movie.mkv", fixture("mkv_h264.mkv")),
        ("short.mp4", fixture("mp4_h264_aac_faststart.mp4")),
    ])
    .await
}

fn graph(sb: &Sandbox) -> Graph {
    Graph::new(sb.base_url(), sb.access_token())
}

/// Another account, with a token that may publish.
async fn other_account(sb: &Sandbox, username: &str) -> (String, String) {
    let (id, _) = account(sb, username).await;
    let t = token(
        sb,
        &id,
        &["instagram_basic", "instagram_content_publish"],
        None,
    )
    .await;
    (id, t)
}

async fn token_for(sb: &Sandbox, permissions: &[&str], expires_in: Option<Duration>) -> String {
    token(sb, sb.user_id(), permissions, expires_in).await
}

async fn create_image(g: &Graph, user: &str, url: &str) -> String {
    let r = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", url), ("caption", "hi")],
        )
        .await;
    r.expect_ok();
    r.id()
}

#[tokio::test]
async fn an_image_is_created_published_and_readable() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let container = create_image(&g, user, &media.url("photo.jpg")).await;
    let s = g
        .get(
            &format!("/{container}"),
            &[("fields", "status_code,status")],
        )
        .await;
    s.expect_ok();
    // Requested fields in order, then id.
    assert!(
        s.text
            .starts_with(r#"{"status_code":"FINISHED","status":"Finished"#),
        "{}",
        s.text
    );
    assert!(
        s.text.ends_with(&format!(r#""id":"{container}"}}"#)),
        "{}",
        s.text
    );
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    p.expect_ok();
    let media_id = p.id();
    let m = g
        .get(
            &format!("/{media_id}"),
            &[(
                "fields",
                "media_type,media_product_type,caption,permalink,media_url",
            )],
        )
        .await;
    m.expect_ok();
    assert_eq!(m.body["media_type"], "IMAGE");
    assert_eq!(m.body["media_product_type"], "FEED");
    assert_eq!(m.body["caption"], "hi");
    // URLs are written with escaped slashes, as Graph does.
    assert!(
        m.text.contains(r#""media_url":"http:\/\/127.0.0.1"#),
        "{}",
        m.text
    );
    let list = g.get(&format!("/{user}/media"), &[]).await;
    assert_eq!(list.body["data"][0]["id"], media_id.as_str());
    let status = g.status_code(&container).await;
    assert_eq!(status, "PUBLISHED");
    let me = g.get("/me", &[("fields", "username,media_count")]).await;
    assert_eq!(me.body["username"], sb.username());
    assert_eq!(me.body["media_count"], 1);
}

#[tokio::test]
async fn a_video_stays_in_progress_until_processed() {
    let media = host().await;
    let sb = Sandbox::builder()
        .video_processing(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let g = graph(&sb);
    let user = sb.user_id();
    let r = g
        .post(
            &format!("/{user}/media"),
            &[
                ("media_type", "REELS"),
                ("video_url", &media.url("reel.mp4")),
            ],
        )
        .await;
    r.expect_ok();
    let container = r.id();
    assert_eq!(g.status_code(&container).await, "IN_PROGRESS");
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &container)],
    )
    .await
    .expect_error(400, 9007, Some(2207027));
    sb.advance_clock(Duration::from_secs(61)).await;
    assert_eq!(g.wait_processed(&container).await, "FINISHED");
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    p.expect_ok();
    let m = g
        .get(
            &format!("/{}", p.id()),
            &[("fields", "media_type,media_product_type")],
        )
        .await;
    assert_eq!(
        (
            m.body["media_type"].as_str(),
            m.body["media_product_type"].as_str()
        ),
        (Some("VIDEO"), Some("REELS"))
    );
}

#[tokio::test]
async fn a_video_that_cannot_be_fetched_ends_in_error_and_publish_returns_it() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let r = g
        .post(
            &format!("/{user}/media"),
            &[("media_type", "REELS"), ("video_url", &media.closing)],
        )
        .await;
    r.expect_ok();
    let container = r.id();
    assert_eq!(g.wait_processed(&container).await, "ERROR");
    let s = g
        .get(&format!("/{container}"), &[("fields", "status")])
        .await;
    let text = s.body["status"].as_str().unwrap();
    assert_eq!(
        text,
        "Error: Media upload has failed with error code 2207052"
    );
    assert_eq!(instapub_errors::parse_status_text(text), Some(2207052));
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    p.expect_error(400, 9004, Some(2207052));
    assert!(p.body["error"]["error_user_msg"]
        .as_str()
        .unwrap()
        .ends_with(&media.closing));
}

#[tokio::test]
async fn containers_expire_after_24_hours() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let container = create_image(&g, user, &media.url("photo.jpg")).await;
    sb.advance_clock(DAY - Duration::from_secs(1)).await;
    assert_eq!(g.status_code(&container).await, "FINISHED");
    sb.advance_clock(Duration::from_secs(1)).await;
    assert_eq!(g.status_code(&container).await, "EXPIRED");
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &container)],
    )
    .await
    .expect_error(400, -2, Some(2207020));
}

#[tokio::test]
async fn unknown_foreign_and_used_containers() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    // Never existed: 2207008, naming the id.
    let r = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", "17880000000999999")],
        )
        .await;
    r.expect_error(400, 24, Some(2207008));
    assert!(
        r.text.contains("creation id = 17880000000999999"),
        "{}",
        r.text
    );
    // Another account's container: 2207006.
    let (other, other_token) = other_account(&sb, "someone_else").await;
    let theirs = create_image(&g.with_token(&other_token), &other, &media.url("photo.jpg")).await;
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &theirs)],
    )
    .await
    .expect_error(400, 24, Some(2207006));
    // ... and it is invisible to us.
    g.get(&format!("/{theirs}"), &[("fields", "status_code")])
        .await
        .expect_error(400, 100, Some(33));
    // Published once; the second time the builder is used up.
    let ours = create_image(&g, user, &media.url("photo.jpg")).await;
    g.post(&format!("/{user}/media_publish"), &[("creation_id", &ours)])
        .await
        .expect_ok();
    g.post(&format!("/{user}/media_publish"), &[("creation_id", &ours)])
        .await
        .expect_error(400, 24, Some(2207008));
}

#[tokio::test]
async fn the_quota_is_a_moving_24_hour_window() {
    let media = host().await;
    let sb = Sandbox::builder().quota_total(3).start().await.unwrap();
    let g = graph(&sb);
    let user = sb.user_id();
    let limit = |g: Graph| async move {
        g.get(
            &format!("/{}/content_publishing_limit", user),
            &[("fields", "quota_usage,config")],
        )
        .await
    };
    for i in 0..3 {
        let c = create_image(&g, user, &media.url("photo.jpg")).await;
        g.post(&format!("/{user}/media_publish"), &[("creation_id", &c)])
            .await
            .expect_ok();
        if i == 0 {
            sb.advance_clock(Duration::from_secs(3600)).await;
        }
    }
    let l = limit(g.clone()).await;
    assert_eq!(
        l.text,
        r#"{"data":[{"quota_usage":3,"config":{"quota_total":3,"quota_duration":86400}}]}"#
    );
    let c = create_image(&g, user, &media.url("photo.jpg")).await;
    g.post(&format!("/{user}/media_publish"), &[("creation_id", &c)])
        .await
        .expect_error(400, 9, Some(2207042));
    // 23 h later the first post leaves the window (it was an hour older than the others).
    sb.advance_clock(Duration::from_secs(23 * 3600)).await;
    assert_eq!(limit(g.clone()).await.body["data"][0]["quota_usage"], 2);
    g.post(&format!("/{user}/media_publish"), &[("creation_id", &c)])
        .await
        .expect_ok();
}

#[tokio::test]
async fn fetch_failures_are_instagrams_errors() {
    let media = host().await;
    let sb = Sandbox::builder()
        .fetch_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let g = graph(&sb);
    let path = format!("/{}/media", sb.user_id());
    let missing = format!("{}/f/nothing.jpg", media.base);
    let r = g.post(&path, &[("image_url", &missing)]).await;
    r.expect_error(400, 9004, Some(2207052));
    assert_eq!(
        r.body["error"]["error_user_msg"],
        format!("The media could not be fetched from this uri: {missing}")
    );
    g.post(&path, &[("image_url", &media.closing)])
        .await
        .expect_error(400, 9004, Some(2207052));
    g.post(&path, &[("image_url", &media.slow("photo.jpg"))])
        .await
        .expect_error(400, -2, Some(2207003));
    let big = g.post(&path, &[("image_url", &media.url("big.jpg"))]).await;
    big.expect_error(400, 36000, Some(2207004));
    assert_eq!(
        big.body["error"]["error_user_msg"],
        "The image is too large to download. It should be less than 8 MiB."
    );
    for refused in [
        "file:///etc/passwd",
        // Refused by the address rules (tested as functions in pipeline::fetch); the
        // unspecified address would reach only this machine, were it let through.
        "http://0.0.0.0:9/latest/meta-data/",
        "ftp://127.0.0.1/x.jpg",
    ] {
        g.post(&path, &[("image_url", refused)])
            .await
            .expect_error(400, 9004, Some(2207052));
    }
    g.post(&path, &[("image_url", &media.url("empty.jpg"))])
        .await
        .expect_error(400, 9004, Some(2207052));
}

#[tokio::test]
async fn tokens_permissions_and_ownership() {
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let path = format!("/{}/media", sb.user_id());
    let base = sb.base_url().to_owned();
    // No token at all.
    let r = g
        .raw(
            reqwest::Client::new()
                .post(format!("{base}{path}"))
                .form(&[("image_url", "x")]),
        )
        .await;
    r.expect_error(400, 104, None);
    // A token nobody issued.
    g.with_token("EAAgarbage")
        .post(&path, &[("image_url", "x")])
        .await
        .expect_error(400, 190, None);
    // An expired one, with Meta's message.
    let expiring = token_for(
        &sb,
        &["instagram_content_publish"],
        Some(Duration::from_secs(60)),
    )
    .await;
    sb.advance_clock(Duration::from_secs(61)).await;
    let r = g
        .with_token(&expiring)
        .post(&path, &[("image_url", "x")])
        .await;
    r.expect_error(400, 190, Some(463));
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Error validating access token: Session has expired on "),
        "{msg}"
    );
    assert!(
        msg.contains(". The current time is ")
            && (msg.ends_with(" PST.") || msg.ends_with(" PDT.")),
        "{msg}"
    );
    assert!(
        r.body["error"].get("is_transient").is_none(),
        "190 carries no is_transient"
    );
    // Missing instagram_content_publish.
    let basic = token_for(&sb, &["instagram_basic"], None).await;
    g.with_token(&basic)
        .post(&path, &[("image_url", "x")])
        .await
        .expect_error(400, 10, None);
    // Someone else's user id.
    let (other, _) = other_account(&sb, "another").await;
    let r = g
        .post(&format!("/{other}/media"), &[("image_url", "x")])
        .await;
    r.expect_error(400, 100, Some(33));
    assert_eq!(r.body["error"]["type"], "GraphMethodException");
    assert!(r.text.contains(&format!(
        "Unsupported post request. Object with ID '{other}' does not exist"
    )));
}

#[tokio::test]
async fn malformed_requests_get_envelopes() {
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let base = sb.base_url().to_owned();
    let user = sb.user_id().to_owned();
    let http = reqwest::Client::new();
    let tok = sb.access_token().to_owned();
    g.get("/v25.0/424242", &[])
        .await
        .expect_error(400, 100, Some(33));
    g.get(&format!("/{user}/stories_of_nothing"), &[])
        .await
        .expect_error(400, 2500, None);
    g.get(&format!("/{user}/media/a/b"), &[])
        .await
        .expect_error(400, 2500, None);
    g.get(
        &format!("/{user}"),
        &[("fields", "username,favourite_colour")],
    )
    .await
    .expect_error(400, 100, None);
    g.raw(http.delete(format!("{base}/{user}")).bearer_auth(&tok))
        .await
        .expect_error(400, 100, Some(33));
    g.raw(
        http.post(format!("{base}/{user}/media"))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body("{\"image_url\": "),
    )
    .await
    .expect_error(400, 100, None);
    let huge = "x".repeat(2 * 1024 * 1024);
    let r = g
        .raw(
            http.post(format!("{base}/{user}/media"))
                .bearer_auth(&tok)
                .body(huge),
        )
        .await;
    r.expect_error(413, 1, None);
    g.post(
        &format!("/{user}/media"),
        &[("media_type", "SLIDESHOW"), ("image_url", "x")],
    )
    .await
    .expect_error(400, 100, Some(2207023));
    g.post(&format!("/{user}/media"), &[])
        .await
        .expect_error(400, 100, None);
    g.post(
        &format!("/{user}/media"),
        &[("media_type", "CAROUSEL"), ("children", "1")],
    )
    .await
    .expect_error(400, 100, Some(2207028));
    g.post(&format!("/{user}/media_publish"), &[])
        .await
        .expect_error(400, 100, None);
}

#[tokio::test]
async fn carousels_publish_once_and_their_items_never_alone() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let mut children = Vec::new();
    for _ in 0..3 {
        let r = g
            .post(
                &format!("/{user}/media"),
                &[
                    ("image_url", &media.url("photo.jpg")),
                    ("is_carousel_item", "true"),
                ],
            )
            .await;
        r.expect_ok();
        children.push(r.id());
    }
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &children[0])],
    )
    .await
    .expect_error(400, 100, Some(2207089));
    // A JSON array in a JSON body.
    let r = g
        .raw(
            g.http
                .post(format!("{}/{user}/media", sb.base_url()))
                .bearer_auth(sb.access_token())
                .header("content-type", "application/json")
                .body(serde_json::json!({"media_type": "CAROUSEL", "children": children, "caption": "three"}).to_string()),
        )
        .await;
    r.expect_ok();
    let carousel = r.id();
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &carousel)],
        )
        .await;
    p.expect_ok();
    let m = g
        .get(
            &format!("/{}", p.id()),
            &[("fields", "media_type,children")],
        )
        .await;
    assert_eq!(m.body["media_type"], "CAROUSEL_ALBUM");
    assert_eq!(m.body["children"]["data"].as_array().unwrap().len(), 3);
    // The children are media of their own, in the order given: the field, the edge and each
    // child's node agree, and only the album is listed on the account.
    let listed: Vec<String> = m.body["children"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let edge = g
        .get(
            &format!("/{}/children", p.id()),
            &[("fields", "id,media_type,media_url")],
        )
        .await;
    edge.expect_ok();
    let edge_ids: Vec<String> = edge.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(edge_ids, listed);
    for (i, child) in edge.body["data"].as_array().unwrap().iter().enumerate() {
        assert_eq!(child["media_type"], "IMAGE", "{child}");
        assert!(child["media_url"].as_str().is_some(), "{child}");
        let container = g
            .get(&format!("/{}", children[i]), &[("fields", "status_code")])
            .await;
        assert_eq!(container.body["status_code"], "PUBLISHED", "child {i}");
    }
    let account = g.get(&format!("/{user}/media"), &[]).await;
    let ids: Vec<&str> = account.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![p.id().as_str()],
        "children are not listed on the account"
    );
    let l = g
        .get(&format!("/{user}/content_publishing_limit"), &[])
        .await;
    assert_eq!(
        l.text, r#"{"data":[{"quota_usage":1}]}"#,
        "a carousel counts once"
    );
    // A comma list naming an unknown child.
    g.post(
        &format!("/{user}/media"),
        &[
            ("media_type", "CAROUSEL"),
            ("children", &format!("{},17880000009999999", children[1])),
        ],
    )
    .await
    .expect_error(400, 24, Some(2207006));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_publishes_against_quota_100() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id().to_owned();
    let mut containers = Vec::new();
    for _ in 0..200 {
        containers.push(create_image(&g, &user, &media.url("photo.jpg")).await);
    }
    let tasks: Vec<_> = containers
        .into_iter()
        .map(|c| {
            let g = g.clone();
            let user = user.clone();
            tokio::spawn(async move {
                g.post(&format!("/{user}/media_publish"), &[("creation_id", &c)])
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    let mut quota = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match (r.status, r.error()) {
            (200, _) => ok += 1,
            (400, (9, Some(2207042))) => quota += 1,
            other => panic!("unexpected {other:?}: {}", r.text),
        }
    }
    assert_eq!((ok, quota), (100, 100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_publishes_of_one_container_make_one_media() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id().to_owned();
    let c = create_image(&g, &user, &media.url("photo.jpg")).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (g, user, c) = (g.clone(), user.clone(), c.clone());
            tokio::spawn(async move {
                g.post(&format!("/{user}/media_publish"), &[("creation_id", &c)])
                    .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status == 200 {
            ids.push(r.id());
        } else {
            r.expect_error(400, 24, Some(2207008));
        }
    }
    assert_eq!(ids.len(), 1);
    let list = g.get(&format!("/{user}/media"), &[]).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_publishing_rules_answer_like_instagram() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let path = format!("/{}/media", sb.user_id());
    // Images are checked during the request.
    let r = g
        .post(&path, &[("image_url", &media.url("photo.png"))])
        .await;
    r.expect_error(400, 36001, Some(2207005));
    assert_eq!(
        r.body["error"]["error_user_msg"],
        "The image format png is not supported. Supported formats are: JPEG."
    );
    let r = g
        .post(&path, &[("image_url", &media.url("noise.jpg"))])
        .await;
    r.expect_error(400, 36001, Some(2207005));
    assert!(
        r.text.contains("The image format unknown is not supported"),
        "{}",
        r.text
    );
    let r = g
        .post(&path, &[("image_url", &media.url("wide.jpg"))])
        .await;
    r.expect_error(400, 36003, Some(2207009));
    assert!(
        r.text.contains("aspect ratio 2\\/1 cannot be published"),
        "{}",
        r.text
    );
    let caption = "x".repeat(2201);
    g.post(
        &path,
        &[
            ("image_url", &media.url("photo.jpg")),
            ("caption", &caption),
        ],
    )
    .await
    .expect_error(400, 36004, Some(2207010));
    let mentions: String = (0..21).map(|i| format!("@user{i} ")).collect();
    g.post(
        &path,
        &[
            ("image_url", &media.url("photo.jpg")),
            ("caption", &mentions),
        ],
    )
    .await
    .expect_error(400, 100, Some(2207040));
    // Videos are checked in processing: the container ends in ERROR and publishing says why.
    let cases = [
        (media.url("movie.mkv"), None, 352, 2207026, "container"),
        (media.url("short.mp4"), None, 352, 2207026, "frame_rate"),
        (media.url("reel.mp4"), Some("3500"), 1, 2207057, "3500"),
    ];
    for (url, thumb, code, subcode, detail) in cases {
        let mut params = vec![("media_type", "REELS"), ("video_url", url.as_str())];
        if let Some(t) = thumb {
            params.push(("thumb_offset", t));
        }
        let r = g.post(&path, &params).await;
        r.expect_ok();
        let c = r.id();
        assert_eq!(g.wait_processed(&c).await, "ERROR");
        let s = g.get(&format!("/{c}"), &[("fields", "status")]).await;
        assert_eq!(
            s.body["status"],
            format!("Error: Media upload has failed with error code {subcode}")
        );
        let p = g
            .post(
                &format!("/{}/media_publish", sb.user_id()),
                &[("creation_id", &c)],
            )
            .await;
        p.expect_error(400, code, Some(subcode));
        assert!(
            p.body["error"]["error_user_msg"]
                .as_str()
                .unwrap()
                .contains(detail),
            "{}",
            p.text
        );
    }
}

#[tokio::test]
async fn product_tags_are_checked_against_the_catalog() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id().to_owned();
    let catalog = sb
        .create_catalog(NewCatalog {
            user_id: Some(user),
            name: "Main".into(),
            products: vec![
                NewCatalogProduct {
                    name: "Mug".into(),
                    ..NewCatalogProduct::default()
                },
                NewCatalogProduct {
                    name: "Hat".into(),
                    review_status: Some("rejected".into()),
                    ..NewCatalogProduct::default()
                },
            ],
            ..NewCatalog::default()
        })
        .await
        .unwrap();
    let (mug, hat) = (
        catalog.products[0].id.clone(),
        catalog.products[1].id.clone(),
    );
    let path = format!("/{}/media", sb.user_id());
    let photo = media.url("photo.jpg");
    let tags = |id: &str, xy: bool| {
        if xy {
            format!("[{{product_id:'{id}',x:0.5,y:0.5}}]")
        } else {
            format!("[{{product_id:'{id}'}}]")
        }
    };
    g.post(
        &path,
        &[("image_url", &photo), ("product_tags", &tags(&mug, true))],
    )
    .await
    .expect_ok();
    g.post(
        &path,
        &[("image_url", &photo), ("product_tags", &tags(&mug, false))],
    )
    .await
    .expect_error(400, 100, Some(2207036));
    g.post(
        &path,
        &[("image_url", &photo), ("product_tags", &tags(&hat, true))],
    )
    .await
    .expect_error(400, 100, Some(2207037));
    g.post(
        &path,
        &[
            ("image_url", &photo),
            ("product_tags", &tags("424242", true)),
        ],
    )
    .await
    .expect_error(400, 100, Some(2207037));
    g.post(
        &path,
        &[
            ("media_type", "REELS"),
            ("video_url", &media.url("reel.mp4")),
            ("product_tags", &tags(&mug, true)),
        ],
    )
    .await
    .expect_error(400, 100, Some(2207035));
}

#[tokio::test]
async fn redirects_are_followed_up_to_a_limit() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let path = format!("/{}/media", sb.user_id());
    let max = instapub_sandbox::MAX_REDIRECTS as u32;
    // `/hop/N/...` takes N + 1 redirects.
    g.post(
        &path,
        &[("image_url", &media.redirected(max - 1, "photo.jpg"))],
    )
    .await
    .expect_ok();
    g.post(&path, &[("image_url", &media.redirected(max, "photo.jpg"))])
        .await
        .expect_error(400, 9004, Some(2207052));
}

/// Issue 16, defect 3: a sandbox listening on all interfaces advertises an address its own
/// fetcher accepts, and one behind a proxy (a public URL) fetches the files it hosts itself.
#[tokio::test]
async fn a_sandbox_on_all_interfaces_or_behind_a_proxy_fetches_its_own_files() {
    for public in [None, Some("http://sandbox.invalid:9/")] {
        let mut builder = Sandbox::builder().listen("0.0.0.0:0".parse().unwrap());
        if let Some(p) = public {
            builder = builder.public_url(p);
        }
        let sb = builder.start().await.unwrap();
        match public {
            None => assert!(
                sb.base_url().starts_with("http://127.0.0.1:"),
                "{}",
                sb.base_url()
            ),
            Some(_) => assert_eq!(sb.base_url(), "http://sandbox.invalid:9"),
        }
        let url = sb
            .put_file("photo.jpg", "image/jpeg", fixture("jpeg_square.jpg"))
            .await
            .unwrap();
        assert!(url.starts_with(sb.base_url()), "{url}");
        let g = Graph::new(sb.local_url(), sb.access_token());
        g.post(&format!("/{}/media", sb.user_id()), &[("image_url", &url)])
            .await
            .expect_ok();
    }
    let bad = Sandbox::builder().public_url("sandbox:9").start().await;
    assert!(matches!(
        bad,
        Err(instapub_sandbox::StartError::PublicUrl(_))
    ));
}

/// Issue 16, defect 10: the envelope stays Meta's 2207052, and the request log says why each
/// fetch failed (also for a video processed in the background, when its error is answered).
#[tokio::test]
async fn failed_fetches_say_why_in_the_request_log() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let path = format!("/{}/media", sb.user_id());
    let missing = format!("{}/f/nothing.jpg", media.base);
    let cases = [
        (missing.as_str(), "404"),
        (media.closing.as_str(), "error sending request"),
        ("http://0.0.0.0:9/latest/meta-data/", "not allowed"),
        ("ftp://127.0.0.1/x.jpg", "not http or https"),
    ];
    for (url, _) in cases {
        g.post(&path, &[("image_url", url)])
            .await
            .expect_error(400, 9004, Some(2207052));
    }
    let reel = g
        .post(
            &path,
            &[("media_type", "REELS"), ("video_url", &media.closing)],
        )
        .await
        .id();
    assert_eq!(g.wait_processed(&reel).await, "ERROR");
    g.post(
        &format!("/{}/media_publish", sb.user_id()),
        &[("creation_id", &reel)],
    )
    .await
    .expect_error(400, 9004, Some(2207052));

    let details: Vec<String> = sb
        .requests()
        .into_iter()
        .filter(|r| r.error_subcode == Some(2207052))
        .map(|r| r.detail.unwrap_or_default())
        .collect();
    assert_eq!(details.len(), cases.len() + 1, "{details:#?}");
    for ((url, why), detail) in cases.iter().zip(&details) {
        assert!(
            detail.contains(url) && detail.contains(why),
            "{url}: {detail}"
        );
    }
    assert!(
        details[cases.len()].contains(&media.closing),
        "{details:#?}"
    );
}

/// Issue 16, defect 5: a `multipart/form-data` body (curl -F, JS FormData) is read like a
/// form: the container is created from its fields.
#[tokio::test]
async fn multipart_bodies_create_containers() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let boundary = "----instapubBoundary7MA4YWxk";
    let mut body = String::new();
    for (name, value) in [
        ("image_url", media.url("photo.jpg")),
        ("caption", "From FormData 🎉".to_owned()),
        ("access_token", sb.access_token().to_owned()),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let r = crate::common::Reply::read(
        reqwest::Client::new()
            .post(format!("{}/v25.0/{}/media", sb.base_url(), sb.user_id()))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.expect_ok();
    let g = graph(&sb);
    let published = g
        .post(
            &format!("/{}/media_publish", sb.user_id()),
            &[("creation_id", &r.id())],
        )
        .await;
    published.expect_ok();
    let m = g
        .get(&format!("/{}", published.id()), &[("fields", "caption")])
        .await;
    assert_eq!(m.body["caption"], "From FormData 🎉");
}

/// The media edge pages with cursors (issue 14's paging, first part): `limit`, `after` and
/// `before`, and `paging.next` / `paging.previous` URLs that work as given.
#[tokio::test]
async fn the_media_edge_pages_with_cursors() {
    let sb = Sandbox::start().await;
    let user = sb.user_id().to_owned();
    let mut made = Vec::new();
    for _ in 0..60 {
        made.push(crate::common::seeded_media(&sb, &user, "IMAGE", "FEED", false).await);
    }
    made.reverse(); // newest first
    let http = reqwest::Client::new();
    let get = |url: String| {
        let http = http.clone();
        let token = sb.access_token().to_owned();
        async move {
            crate::common::Reply::read(http.get(url).bearer_auth(token).send().await.unwrap()).await
        }
    };
    let mut url = format!(
        "{}/v25.0/{user}/media?fields=id,caption&limit=25",
        sb.base_url()
    );
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    loop {
        let page = get(url.clone()).await;
        page.expect_ok();
        let ids: Vec<String> = page.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        seen.extend(ids);
        pages.push(page.body.clone());
        match page.body["paging"]["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, made, "every media once, newest first");
    assert_eq!(pages.len(), 3);
    assert!(pages[0]["paging"]["previous"].is_null());
    // Back from the second page is the first page.
    let back = get(pages[1]["paging"]["previous"].as_str().unwrap().to_owned()).await;
    assert_eq!(back.body["data"], pages[0]["data"]);
    // A cursor that is not one is a parameter error.
    let bad = get(format!("{}/v25.0/{user}/media?after=zz", sb.base_url())).await;
    bad.expect_error(400, 100, None);
}

/// Stories show on `/{ig-user-id}/stories` for 24 hours of the virtual clock, never on
/// `/{ig-user-id}/media` (issue 14's stories expiry).
#[tokio::test]
async fn stories_disappear_after_24_hours() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id().to_owned();
    let publish = |params: Vec<(&'static str, String)>| {
        let g = g.clone();
        let user = user.clone();
        async move {
            let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let c = g.post(&format!("/{user}/media"), &pairs).await;
            c.expect_ok();
            let p = g
                .post(
                    &format!("/{user}/media_publish"),
                    &[("creation_id", &c.id())],
                )
                .await;
            p.expect_ok();
            p.id()
        }
    };
    let story = publish(vec![
        ("media_type", "STORIES".into()),
        ("image_url", media.url("photo.jpg")),
    ])
    .await;
    let post = publish(vec![("image_url", media.url("photo.jpg"))]).await;
    let ids = |r: &crate::common::Reply| -> Vec<String> {
        r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let stories = g
        .get(
            &format!("/{user}/stories"),
            &[("fields", "id,media_product_type")],
        )
        .await;
    stories.expect_ok();
    assert_eq!(ids(&stories), vec![story.clone()]);
    assert_eq!(stories.body["data"][0]["media_product_type"], "STORY");
    assert_eq!(
        ids(&g.get(&format!("/{user}/media"), &[]).await),
        vec![post]
    );
    sb.advance_clock(Duration::from_secs(23 * 3600)).await;
    assert_eq!(
        ids(&g.get(&format!("/{user}/stories"), &[]).await),
        vec![story.clone()]
    );
    sb.advance_clock(Duration::from_secs(3600)).await;
    assert!(ids(&g.get(&format!("/{user}/stories"), &[]).await).is_empty());
    // The story itself can still be read by id.
    g.get(&format!("/{story}"), &[("fields", "media_type")])
        .await
        .expect_ok();
}
