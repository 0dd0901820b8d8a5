//! After publishing: the media as served (bytes at `media_url`), field expansion, paging,
//! comments and insights (issue 14).

#![allow(clippy::unwrap_used)]

use instapub_sandbox::{AccountPatch, MediaPatch, NewComment, NewMedia, Sandbox};
use serde_json::Value;

use crate::common::{admin, fixture, token, Graph, MediaHost, Reply};

/// A square JPEG made distinct by bytes after its end (decoders stop at the end marker).
fn square(tag: &str) -> Vec<u8> {
    let mut b = fixture("jpeg_square.jpg");
    b.extend_from_slice(tag.as_bytes());
    b
}

async fn host() -> MediaHost {
    MediaHost::start(vec![
        ("photo.jpg", fixture("jpeg_square.jpg")),
        ("a.jpg", square("first")),
        ("b.jpg", square("second")),
        ("reel.mp4", fixture("mp4_reel_valid.mp4")),
        ("cover.jpg", fixture("jpeg_progressive.jpg")),
    ])
    .await
}

fn graph(sb: &Sandbox) -> Graph {
    Graph::new(sb.base_url(), sb.access_token())
}

/// Creates and publishes a container; the media id.
async fn publish(g: &Graph, user: &str, params: &[(&str, &str)]) -> String {
    let r = g.post(&format!("/{user}/media"), params).await;
    r.expect_ok();
    let container = r.id();
    assert_eq!(g.wait_processed(&container).await, "FINISHED");
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    p.expect_ok();
    p.id()
}

async fn carousel(g: &Graph, user: &str, host: &MediaHost, items: &[&str]) -> String {
    let mut children = Vec::new();
    for item in items {
        let r = g
            .post(
                &format!("/{user}/media"),
                &[("image_url", &host.url(item)), ("is_carousel_item", "true")],
            )
            .await;
        r.expect_ok();
        children.push(r.id());
    }
    publish(
        g,
        user,
        &[
            ("media_type", "CAROUSEL"),
            ("children", &children.join(",")),
            ("caption", "three in order"),
        ],
    )
    .await
}

async fn bytes_at(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, kind, r.bytes().await.unwrap().to_vec())
}

const ALL_MEDIA_FIELDS: &str = "id,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,caption,username,owner,is_comment_enabled,comments_count,like_count,children";

#[tokio::test]
async fn published_media_is_read_back_and_served_byte_for_byte() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();

    // An image.
    let image = publish(
        &g,
        user,
        &[
            ("image_url", &media.url("photo.jpg")),
            ("caption", "hi #sandbox @friend"),
        ],
    )
    .await;
    let m = g
        .get(&format!("/{image}"), &[("fields", ALL_MEDIA_FIELDS)])
        .await;
    m.expect_ok();
    assert_eq!(m.body["media_type"], "IMAGE");
    assert_eq!(m.body["media_product_type"], "FEED");
    assert_eq!(m.body["caption"], "hi #sandbox @friend");
    assert_eq!(m.body["username"], "instapub_demo");
    assert_eq!(m.body["owner"]["id"], user);
    assert_eq!(m.body["is_comment_enabled"], true);
    assert_eq!(m.body["comments_count"], 0);
    assert_eq!(m.body["like_count"], 0);
    assert!(
        m.body.get("thumbnail_url").is_none(),
        "images have no thumbnail"
    );
    assert!(m.body.get("children").is_none(), "images have no children");
    let ts = m.body["timestamp"].as_str().unwrap();
    assert!(ts.ends_with("+0000") && ts.len() == 24, "{ts}");
    let code = m.body["shortcode"].as_str().unwrap();
    assert_eq!(
        m.body["permalink"],
        format!("https://www.instagram.com/p/{code}/")
    );
    let url = m.body["media_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/scontent.cdninstagram.com/", sb.base_url())),
        "{url}"
    );
    let (status, kind, bytes) = bytes_at(url).await;
    assert_eq!((status, kind.as_deref()), (200, Some("image/jpeg")));
    assert_eq!(bytes, fixture("jpeg_square.jpg"), "the bytes published");

    // A carousel: its children in order, each served; the album's media_url is the first's.
    let album = carousel(&g, user, &media, &["a.jpg", "b.jpg", "photo.jpg"]).await;
    let a = g
        .get(
            &format!("/{album}"),
            &[(
                "fields",
                "media_type,media_url,children{media_type,media_url}",
            )],
        )
        .await;
    a.expect_ok();
    assert_eq!(a.body["media_type"], "CAROUSEL_ALBUM");
    let children = a.body["children"]["data"].as_array().unwrap();
    let expected = [
        square("first"),
        square("second"),
        fixture("jpeg_square.jpg"),
    ];
    assert_eq!(children.len(), 3);
    for (child, want) in children.iter().zip(&expected) {
        assert_eq!(child["media_type"], "IMAGE");
        let (status, _, got) = bytes_at(child["media_url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(&got, want);
    }
    assert_eq!(a.body["media_url"], children[0]["media_url"]);

    // A reel with a cover: the video at media_url (ranges too), the cover at thumbnail_url.
    let reel = publish(
        &g,
        user,
        &[
            ("media_type", "REELS"),
            ("video_url", &media.url("reel.mp4")),
            ("cover_url", &media.url("cover.jpg")),
        ],
    )
    .await;
    let r = g
        .get(&format!("/{reel}"), &[("fields", ALL_MEDIA_FIELDS)])
        .await;
    assert_eq!(r.body["media_type"], "VIDEO");
    assert_eq!(r.body["media_product_type"], "REELS");
    assert!(r.body["permalink"].as_str().unwrap().contains("/reel/"));
    let video_url = r.body["media_url"].as_str().unwrap();
    let (status, kind, got) = bytes_at(video_url).await;
    assert_eq!((status, kind.as_deref()), (200, Some("video/mp4")));
    assert_eq!(got, fixture("mp4_reel_valid.mp4"));
    let (_, kind, thumb) = bytes_at(r.body["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(kind.as_deref(), Some("image/jpeg"));
    assert_eq!(
        thumb,
        fixture("jpeg_progressive.jpg"),
        "the cover is the thumbnail"
    );
    let part = reqwest::Client::new()
        .get(video_url)
        .header("range", "bytes=4-11")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        part.bytes().await.unwrap().to_vec(),
        fixture("mp4_reel_valid.mp4")[4..12].to_vec()
    );

    // Deleted media stop being found and served; the CDN answers with a Graph envelope.
    g.raw(
        g.http
            .delete(format!("{}/v25.0/{image}", sb.base_url()))
            .bearer_auth(sb.access_token()),
    )
    .await
    .expect_ok();
    g.get(&format!("/{image}"), &[])
        .await
        .expect_error(400, 100, Some(33));
    let gone = Reply::read(reqwest::get(url).await.unwrap()).await;
    gone.expect_error(404, 100, None);
    assert!(gone.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("No media bytes"));
    // A child alone cannot be deleted.
    let child = children[0]["id"].as_str().unwrap();
    g.raw(
        g.http
            .delete(format!("{}/v25.0/{child}", sb.base_url()))
            .bearer_auth(sb.access_token()),
    )
    .await
    .expect_error(400, 100, Some(33));
    // A deleted post still counts toward the day's publishing quota.
    let q = g
        .get(&format!("/{user}/content_publishing_limit"), &[])
        .await;
    assert_eq!(q.body["data"][0]["quota_usage"], 3);
}

#[tokio::test]
async fn a_video_without_cover_gets_a_placeholder_thumbnail_and_reset_forgets_the_bytes() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let reel = publish(
        &g,
        user,
        &[
            ("media_type", "REELS"),
            ("video_url", &media.url("reel.mp4")),
        ],
    )
    .await;
    let r = g
        .get(
            &format!("/{reel}"),
            &[("fields", "media_url,thumbnail_url")],
        )
        .await;
    let (status, kind, thumb) = bytes_at(r.body["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_deref()), (200, Some("image/jpeg")));
    assert_eq!(&thumb[..2], &[0xFF, 0xD8], "a JPEG");
    let app = admin(&sb, reqwest::Method::GET, "/app", Value::Null).await;
    let used = app["media_store"]["used_bytes"].as_u64().unwrap();
    assert_eq!(used, fixture("mp4_reel_valid.mp4").len() as u64);
    admin(&sb, reqwest::Method::POST, "/reset", Value::Null).await;
    let (status, _, _) = bytes_at(r.body["media_url"].as_str().unwrap()).await;
    assert_eq!(status, 404);
    let app = admin(&sb, reqwest::Method::GET, "/app", Value::Null).await;
    assert_eq!(app["media_store"]["used_bytes"], 0);
}

#[tokio::test]
async fn a_full_media_store_is_a_clear_temporary_error() {
    let media = host().await;
    let sb = Sandbox::builder()
        .media_store_max_bytes(100)
        .start()
        .await
        .unwrap();
    let g = graph(&sb);
    let user = sb.user_id();
    g.post(
        &format!("/{user}/media"),
        &[("image_url", &media.url("photo.jpg"))],
    )
    .await
    .expect_error(500, 2, None);
    let log = sb.requests();
    let detail = log
        .last()
        .and_then(|r| r.detail.clone())
        .unwrap_or_default();
    assert!(detail.contains("media store is full"), "{detail}");
    assert!(detail.contains("--media-store-max"), "{detail}");
}

#[tokio::test]
async fn field_expansion_reaches_three_levels_and_refuses_what_graph_refuses() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let album = carousel(&g, user, &media, &["photo.jpg", "a.jpg"]).await;
    let single = publish(&g, user, &[("image_url", &media.url("b.jpg"))]).await;
    sb.create_comment(NewComment {
        media_id: Some(album.clone()),
        username: Some("fan.one".into()),
        text: "wow".into(),
        replies: vec![NewComment {
            username: Some("instapub_demo".into()),
            text: "thanks".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
    .await
    .unwrap();

    // user -> media -> children -> fields, and media -> comments -> replies.
    let r = g
        .get(
            &format!("/{user}"),
            &[(
                "fields",
                "username,media.limit(1){caption,children{media_url,media_type},comments{text,username,replies{text}}}",
            )],
        )
        .await;
    r.expect_ok();
    let page = &r.body["media"];
    let items = page["data"].as_array().unwrap();
    assert_eq!(items.len(), 1, "limit(1)");
    assert_eq!(items[0]["id"], single, "newest first");
    // The nested next URL works as given and keeps the subfields.
    let next = page["paging"]["next"].as_str().unwrap();
    let second = Reply::read(
        reqwest::Client::new()
            .get(next)
            .bearer_auth(sb.access_token())
            .send()
            .await
            .unwrap(),
    )
    .await;
    second.expect_ok();
    let item = &second.body["data"][0];
    assert_eq!(item["id"], album);
    assert_eq!(item["caption"], "three in order");
    assert_eq!(item["children"]["data"].as_array().unwrap().len(), 2);
    assert_eq!(item["children"]["data"][0]["media_type"], "IMAGE");
    let comment = &item["comments"]["data"][0];
    assert_eq!(comment["text"], "wow");
    assert_eq!(comment["username"], "fan.one");
    assert_eq!(comment["replies"]["data"][0]["text"], "thanks");

    // owner{...} expands into the user.
    let o = g
        .get(
            &format!("/{single}"),
            &[("fields", "owner{username,media_count}")],
        )
        .await;
    assert_eq!(o.body["owner"]["username"], "instapub_demo");
    assert_eq!(o.body["owner"]["media_count"], 2);

    // Graph's refusals: an unknown nested field, subfields of a plain value, bad syntax.
    let e = g
        .get(&format!("/{user}"), &[("fields", "media{children{nope}}")])
        .await;
    e.expect_error(400, 100, None);
    assert!(e.text.contains("nonexisting field (nope)"), "{}", e.text);
    g.get(&format!("/{single}"), &[("fields", "caption{text}")])
        .await
        .expect_error(400, 100, None);
    let s = g.get(&format!("/{user}"), &[("fields", "media{id")]).await;
    s.expect_error(400, 2500, None);
    assert!(s.text.contains("at character 8"), "{}", s.text);
    g.get(&format!("/{user}"), &[("fields", "id,id")])
        .await
        .expect_error(400, 2500, None);
}

/// Each node type's field list (what is checked before any store read) and its getters agree:
/// every listed field is answered, and anything else is Graph's nonexisting-field error.
#[tokio::test]
async fn every_listed_field_of_each_node_type_is_answered() {
    use instapub_sandbox::internals::{COMMENT_NODE, CONTAINER_NODE, MEDIA_NODE, USER_NODE};
    let sb = Sandbox::start().await;
    let media = host().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let post = publish(&g, user, &[("image_url", &media.url("photo.jpg"))]).await;
    let container = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("photo.jpg"))],
        )
        .await
        .id();
    let comment = g
        .post(&format!("/{post}/comments"), &[("message", "hi")])
        .await
        .id();
    for (id, node_type) in [
        (user.to_owned(), &USER_NODE),
        (post, &MEDIA_NODE),
        (container, &CONTAINER_NODE),
        (comment, &COMMENT_NODE),
    ] {
        // `insights` needs a metric to be answered.
        let all = node_type
            .fields
            .iter()
            .map(|f| match *f {
                "insights" => "insights.metric(reach)",
                f => f,
            })
            .collect::<Vec<_>>()
            .join(",");
        let r = g.get(&format!("/{id}"), &[("fields", &all)]).await;
        r.expect_ok();
        let r = g.get(&format!("/{id}"), &[("fields", "id,nope")]).await;
        assert_eq!(r.body["error"]["code"], 100, "{}", r.body);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("(nope)") && message.contains(node_type.name),
            "{message}"
        );
    }
}

#[tokio::test]
async fn paging_through_250_media_with_only_the_next_urls() {
    let sb = Sandbox::start().await;
    let user = sb.user_id().to_owned();
    let mut ids = Vec::new();
    for i in 0..250 {
        let m = sb
            .create_media(NewMedia {
                user_id: Some(user.clone()),
                media_type: "IMAGE".into(),
                media_product_type: "FEED".into(),
                caption: Some(format!("post {i}")),
                ..NewMedia::default()
            })
            .await
            .unwrap();
        ids.push(m.id);
    }
    let http = reqwest::Client::new();
    let mut url = format!(
        "{}/v25.0/{user}/media?fields=caption&limit=25&access_token={}",
        sb.base_url(),
        sb.access_token()
    );
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = Reply::read(http.get(&url).send().await.unwrap()).await;
        r.expect_ok();
        pages += 1;
        for item in r.body["data"].as_array().unwrap() {
            assert!(item["caption"].is_string(), "fields carried: {item}");
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match r.body["paging"]["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
        assert!(pages <= 11, "paging does not end");
    }
    assert_eq!(pages, 10);
    ids.reverse();
    assert_eq!(seen, ids, "every media once, newest first");
}

#[tokio::test]
async fn comments_round_trip_with_moderation() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let post = publish(&g, user, &[("image_url", &media.url("photo.jpg"))]).await;

    // Someone comments (staged); the account comments and replies over Graph.
    let staged = sb
        .create_comment(NewComment {
            media_id: Some(post.clone()),
            username: Some("fan.one".into()),
            text: "first!".into(),
            like_count: Some(3),
            ..Default::default()
        })
        .await
        .unwrap();
    let theirs = staged[0].id.clone();
    let mine = g
        .post(
            &format!("/{post}/comments"),
            &[("message", "Hello from the shop")],
        )
        .await;
    mine.expect_ok();
    let mine = mine.id();
    let reply = g
        .post(
            &format!("/{theirs}/replies"),
            &[("message", "glad you like it")],
        )
        .await;
    reply.expect_ok();
    // A reply to a reply joins the top-level comment.
    let nested = g
        .post(
            &format!("/{}/replies", reply.id()),
            &[("message", "and again")],
        )
        .await;
    nested.expect_ok();
    let n = g
        .get(
            &format!("/{}", nested.id()),
            &[("fields", "parent_id,text,user,from")],
        )
        .await;
    assert_eq!(n.body["parent_id"], theirs);
    assert_eq!(
        n.body["user"]["id"], user,
        "the app user's own comment names its user"
    );
    assert_eq!(n.body["from"]["username"], "instapub_demo");

    // Listing: top-level only, newest first, default fields timestamp,text,id.
    let list = g.get(&format!("/{post}/comments"), &[]).await;
    list.expect_ok();
    let data = list.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["id"], mine);
    assert_eq!(data[1]["id"], theirs);
    let keys: Vec<&str> = data[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["timestamp", "text", "id"]);
    let replies = g
        .get(&format!("/{theirs}/replies"), &[("fields", "text")])
        .await;
    let texts: Vec<&str> = replies.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["glad you like it", "and again"], "oldest first");
    let counted = g
        .get(&format!("/{post}"), &[("fields", "comments_count")])
        .await;
    assert_eq!(counted.body["comments_count"], 4);
    let c = g
        .get(
            &format!("/{theirs}"),
            &[("fields", "like_count,hidden,media{id}")],
        )
        .await;
    assert_eq!(
        (c.body["like_count"].as_i64(), c.body["hidden"].as_bool()),
        (Some(3), Some(false))
    );
    assert_eq!(c.body["media"]["id"], post);

    // Hide: then no replies to it; unhide.
    g.post(&format!("/{theirs}"), &[("hide", "true")])
        .await
        .expect_ok();
    let h = g.get(&format!("/{theirs}"), &[("fields", "hidden")]).await;
    assert_eq!(h.body["hidden"], true);
    let refused = g
        .post(&format!("/{theirs}/replies"), &[("message", "hello?")])
        .await;
    refused.expect_error(400, 100, None);
    assert!(refused.text.contains("hidden comment"), "{}", refused.text);
    g.post(&format!("/{theirs}"), &[("hide", "false")])
        .await
        .expect_ok();

    // Comments off: no new comments, is_comment_enabled says so.
    g.post(&format!("/{post}"), &[("comment_enabled", "false")])
        .await
        .expect_ok();
    let off = g
        .post(&format!("/{post}/comments"), &[("message", "hi")])
        .await;
    off.expect_error(400, 100, None);
    assert!(off.text.contains("disabled"), "{}", off.text);
    let e = g
        .get(&format!("/{post}"), &[("fields", "is_comment_enabled")])
        .await;
    assert_eq!(e.body["is_comment_enabled"], false);
    g.post(&format!("/{post}"), &[("comment_enabled", "true")])
        .await
        .expect_ok();

    // Too long, and empty.
    let long = "x".repeat(2201);
    g.post(&format!("/{post}/comments"), &[("message", &long)])
        .await
        .expect_error(400, 100, None);
    g.post(&format!("/{post}/comments"), &[("message", "")])
        .await
        .expect_error(400, 100, None);

    // Delete a comment: it and its replies are gone.
    g.raw(
        g.http
            .delete(format!("{}/v25.0/{theirs}", sb.base_url()))
            .bearer_auth(sb.access_token()),
    )
    .await
    .expect_ok();
    g.get(&format!("/{theirs}"), &[])
        .await
        .expect_error(400, 100, Some(33));
    let counted = g
        .get(&format!("/{post}"), &[("fields", "comments_count")])
        .await;
    assert_eq!(counted.body["comments_count"], 1);

    // Without instagram_manage_comments: (#10).
    let basic = token(&sb, user, &["instagram_basic"], None).await;
    g.with_token(&basic)
        .post(&format!("/{post}/comments"), &[("message", "hi")])
        .await
        .expect_error(400, 10, None);
}

#[tokio::test]
async fn comment_paging_follows_next_urls() {
    let sb = Sandbox::start().await;
    let user = sb.user_id().to_owned();
    let post = crate::common::seeded_media(&sb, &user, "IMAGE", "FEED", false).await;
    for i in 0..60 {
        sb.create_comment(NewComment {
            media_id: Some(post.clone()),
            text: format!("c{i}"),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let g = graph(&sb);
    let first = g
        .get(
            &format!("/{post}/comments"),
            &[("limit", "500"), ("fields", "text")],
        )
        .await;
    assert_eq!(
        first.body["data"].as_array().unwrap().len(),
        50,
        "at most 50 a page"
    );
    let next = first.body["paging"]["next"].as_str().unwrap();
    let rest = Reply::read(
        reqwest::Client::new()
            .get(next)
            .bearer_auth(sb.access_token())
            .send()
            .await
            .unwrap(),
    )
    .await;
    let rest = rest.body["data"].as_array().unwrap();
    assert_eq!(rest.len(), 10);
    assert_eq!(rest.last().unwrap()["text"], "c0", "the oldest last");
}

async fn insights(g: &Graph, id: &str, metric: &str) -> Reply {
    g.get(&format!("/{id}/insights"), &[("metric", metric)])
        .await
}

#[tokio::test]
async fn insights_for_each_media_type_with_the_errors_graph_gives() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let image = publish(&g, user, &[("image_url", &media.url("photo.jpg"))]).await;
    let album = carousel(&g, user, &media, &["photo.jpg", "a.jpg"]).await;
    let reel = publish(
        &g,
        user,
        &[
            ("media_type", "REELS"),
            ("video_url", &media.url("reel.mp4")),
        ],
    )
    .await;
    let story = publish(
        &g,
        user,
        &[
            ("media_type", "STORIES"),
            ("image_url", &media.url("photo.jpg")),
        ],
    )
    .await;

    // Staged values and counted ones.
    sb.update_media(
        &image,
        MediaPatch {
            like_count: Some(7),
            insights: Some(
                [
                    ("reach".to_owned(), 120),
                    ("saved".to_owned(), 4),
                    ("shares".to_owned(), 2),
                ]
                .into(),
            ),
            ..MediaPatch::default()
        },
    )
    .await
    .unwrap();
    g.post(&format!("/{image}/comments"), &[("message", "one")])
        .await
        .expect_ok();
    let r = insights(
        &g,
        &image,
        "reach,likes,comments,saved,total_interactions,views",
    )
    .await;
    r.expect_ok();
    let values: Vec<(String, i64)> = r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["period"], "lifetime");
            assert_eq!(
                m["id"],
                format!("{image}/insights/{}/lifetime", m["name"].as_str().unwrap())
            );
            (
                m["name"].as_str().unwrap().to_owned(),
                m["values"][0]["value"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            ("reach".to_owned(), 120),
            ("likes".to_owned(), 7),
            ("comments".to_owned(), 1),
            ("saved".to_owned(), 4),
            ("total_interactions".to_owned(), 14),
            ("views".to_owned(), 0),
        ]
    );
    // The metric list may come as a JSON array (Meta's Python SDK sends it so).
    insights(&g, &album, r#"["reach","saved"]"#)
        .await
        .expect_ok();
    let reel_r = insights(&g, &reel, "ig_reels_avg_watch_time,reach").await;
    reel_r.expect_ok();
    assert_eq!(reel_r.body["data"][1]["title"], "Accounts reached");

    // Unsupported for the product type, retired, unknown.
    let e = insights(&g, &image, "reach,ig_reels_avg_watch_time").await;
    e.expect_error(400, 100, None);
    assert!(
        e.text
            .contains("does not support the ig_reels_avg_watch_time metric"),
        "{}",
        e.text
    );
    insights(&g, &reel, "navigation")
        .await
        .expect_error(400, 100, None);
    let e = insights(&g, &image, "impressions").await;
    assert!(e.text.contains("Starting from version v22.0"), "{}", e.text);
    let e = insights(&g, &reel, "impressions").await;
    assert!(
        e.text.contains("does not support the impressions metric"),
        "{}",
        e.text
    );
    let e = insights(&g, &image, "reach,engagement").await;
    e.expect_error(400, 100, None);
    assert!(
        e.text
            .contains("metric[1] must be one of the following values: impressions, reach"),
        "{}",
        e.text
    );
    g.get(&format!("/{image}/insights"), &[])
        .await
        .expect_error(400, 100, None);

    // A story needs five viewers; a carousel child has none of its own.
    insights(&g, &story, "reach,navigation")
        .await
        .expect_error(400, 10, None);
    sb.update_media(
        &story,
        MediaPatch {
            insights: Some([("reach".to_owned(), 5), ("navigation".to_owned(), 9)].into()),
            ..MediaPatch::default()
        },
    )
    .await
    .unwrap();
    let s = insights(&g, &story, "reach,navigation").await;
    s.expect_ok();
    assert_eq!(s.body["data"][1]["values"][0]["value"], 9);
    let kids = g.get(&format!("/{album}/children"), &[]).await;
    let child = kids.body["data"][0]["id"].as_str().unwrap();
    insights(&g, child, "reach")
        .await
        .expect_error(400, 100, None);

    // As a field: insights.metric(...) inside fields.
    let f = g
        .get(
            &format!("/{image}"),
            &[("fields", "insights.metric(reach,likes)")],
        )
        .await;
    assert_eq!(f.body["insights"]["data"][0]["values"][0]["value"], 120);

    // Without instagram_manage_insights: (#10).
    let basic = token(&sb, user, &["instagram_basic"], None).await;
    insights(&g.with_token(&basic), &image, "reach")
        .await
        .expect_error(400, 10, None);
}

#[tokio::test]
async fn account_profile_and_insights_are_staged_and_read() {
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id().to_owned();
    sb.update_account(
        &user,
        AccountPatch {
            name: Some("Demo Shop".into()),
            biography: Some("We sell mugs".into()),
            website: Some("https://example.com".into()),
            profile_picture_url: Some("https://example.com/me.jpg".into()),
            followers_count: Some(1234),
            follows_count: Some(56),
            insights: Some(
                [
                    ("reach".to_owned(), 10),
                    ("likes".to_owned(), 3),
                    ("follower_count".to_owned(), 2),
                ]
                .into(),
            ),
            ..AccountPatch::default()
        },
    )
    .await
    .unwrap();
    let u = g
        .get(
            &format!("/{user}"),
            &[("fields", "username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count")],
        )
        .await;
    u.expect_ok();
    assert_eq!(u.body["name"], "Demo Shop");
    assert_eq!(u.body["biography"], "We sell mugs");
    assert_eq!(u.body["website"], "https://example.com");
    assert_eq!(u.body["followers_count"], 1234);
    assert_eq!(u.body["follows_count"], 56);
    assert_eq!(u.body["media_count"], 0);

    let now = sb.now_ms() / 1000;
    let week = (now - 7 * 86_400).to_string();
    let until = now.to_string();
    let ts = g
        .get(
            &format!("/{user}/insights"),
            &[
                ("metric", "reach,follower_count"),
                ("period", "day"),
                ("since", &week),
                ("until", &until),
            ],
        )
        .await;
    ts.expect_ok();
    let reach = ts.body["data"][0]["values"].as_array().unwrap();
    assert_eq!(reach.len(), 7, "one value a day");
    assert!(reach.iter().all(|v| v["value"] == 10));
    assert!(reach[0]["end_time"]
        .as_str()
        .unwrap()
        .ends_with("T07:00:00+0000"));
    assert_eq!(ts.body["data"][1]["title"], "Follower Count");
    assert!(ts.body["paging"]["next"]
        .as_str()
        .unwrap()
        .contains(&format!("since={until}")));

    let total = g
        .get(
            &format!("/{user}/insights"),
            &[
                ("metric", "likes"),
                ("period", "day"),
                ("metric_type", "total_value"),
                ("since", &week),
                ("until", &until),
            ],
        )
        .await;
    assert_eq!(total.body["data"][0]["total_value"]["value"], 21);

    let need = g
        .get(
            &format!("/{user}/insights"),
            &[("metric", "likes,views"), ("period", "day")],
        )
        .await;
    need.expect_error(400, 100, None);
    assert!(
        need.text
            .contains("(likes, views) should be specified with parameter metric_type=total_value"),
        "{}",
        need.text
    );
    let period = g
        .get(
            &format!("/{user}/insights"),
            &[("metric", "online_followers"), ("period", "week")],
        )
        .await;
    assert!(
        period.text.contains(
            "The following periods (week) are incompatible with the metric (online_followers)"
        ),
        "{}",
        period.text
    );
    let long = (now - 31 * 86_400).to_string();
    let range = g
        .get(
            &format!("/{user}/insights"),
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("since", &long),
                ("until", &until),
            ],
        )
        .await;
    assert!(
        range.text.contains("more than 30 days (2592000 s)"),
        "{}",
        range.text
    );
    g.get(&format!("/{user}/insights"), &[("metric", "reach")])
        .await
        .expect_error(400, 100, None);
}

#[tokio::test]
async fn stories_page_with_cursors() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let g = graph(&sb);
    let user = sb.user_id();
    let mut published = Vec::new();
    for name in ["photo.jpg", "a.jpg", "b.jpg"] {
        let id = publish(
            &g,
            user,
            &[("media_type", "STORIES"), ("image_url", &media.url(name))],
        )
        .await;
        published.push(id);
    }
    published.reverse();
    let first = g
        .get(
            &format!("/{user}/stories"),
            &[("limit", "2"), ("fields", "media_product_type")],
        )
        .await;
    first.expect_ok();
    let ids = |r: &Reply| -> Vec<String> {
        r.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), published[..2]);
    assert_eq!(first.body["data"][0]["media_product_type"], "STORY");
    let next = first.body["paging"]["next"].as_str().unwrap();
    let second = g.raw(g.http.get(next).bearer_auth(sb.access_token())).await;
    second.expect_ok();
    assert_eq!(ids(&second), published[2..]);
    assert!(second.body["paging"].get("next").is_none(), "the last page");
}
