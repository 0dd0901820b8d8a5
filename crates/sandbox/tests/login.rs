//! The whole integration, both ways in (issue 13): consent, code exchange, long-lived tokens,
//! permissions, account discovery, publishing with the discovered account, and the errors of
//! each step. The sequences follow gitroomhq/postiz-app's Instagram providers (its Facebook
//! Login provider and its standalone Instagram Login provider), call for call where it matters.

#![allow(clippy::unwrap_used)]

use instapub_sandbox::{NewAccount, Sandbox};
use serde_json::{json, Value};

use crate::common::{admin, browser, consent, fixture, MediaHost, Reply};

async fn host() -> MediaHost {
    MediaHost::start(vec![
        ("photo.jpg", fixture("jpeg_square.jpg")),
        ("a.jpg", {
            let mut b = fixture("jpeg_square.jpg");
            b.extend_from_slice(b"a");
            b
        }),
        ("reel.mp4", fixture("mp4_reel_valid.mp4")),
    ])
    .await
}

async fn get(url: &str, query: &[(&str, &str)]) -> Reply {
    Reply::read(
        reqwest::Client::new()
            .get(url)
            .query(query)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn mint_code(sb: &Sandbox, body: Value) -> Value {
    admin(sb, reqwest::Method::POST, "/oauth/codes", body).await
}

/// Publishes like postiz: every parameter in the URL of a POST with an empty body, carousel
/// children created concurrently, status polled with `fields=status_code,status`,
/// `media_publish` with a stray `field=id`, then the permalink.
async fn publish_like_postiz(
    graph: &str,
    user: &str,
    token: &str,
    kind: &str,
    media: &MediaHost,
) -> String {
    let http = reqwest::Client::new();
    let post = |path: String, query: Vec<(String, String)>| {
        let http = http.clone();
        async move {
            let mut url = url::Url::parse(&format!("{graph}{path}")).unwrap();
            url.query_pairs_mut().extend_pairs(&query);
            Reply::read(http.post(url).send().await.unwrap()).await
        }
    };
    let t = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let container = match kind {
        "image" => {
            post(
                format!("/{user}/media"),
                vec![
                    t("image_url", &media.url("photo.jpg")),
                    t("caption", "from postiz's sequence #one"),
                    t("access_token", token),
                ],
            )
            .await
        }
        "reel" => {
            post(
                format!("/{user}/media"),
                vec![
                    t("media_type", "REELS"),
                    t("video_url", &media.url("reel.mp4")),
                    t("access_token", token),
                ],
            )
            .await
        }
        _ => {
            let (a, b) = tokio::join!(
                post(
                    format!("/{user}/media"),
                    vec![
                        t("image_url", &media.url("photo.jpg")),
                        t("is_carousel_item", "true"),
                        t("access_token", token)
                    ]
                ),
                post(
                    format!("/{user}/media"),
                    vec![
                        t("image_url", &media.url("a.jpg")),
                        t("is_carousel_item", "true"),
                        t("access_token", token)
                    ]
                ),
            );
            a.expect_ok();
            b.expect_ok();
            post(
                format!("/{user}/media"),
                vec![
                    t("media_type", "CAROUSEL"),
                    t("children", &format!("{},{}", a.id(), b.id())),
                    t("access_token", token),
                ],
            )
            .await
        }
    };
    container.expect_ok();
    let id = container.id();
    for _ in 0..200 {
        let s = get(
            &format!("{graph}/{id}"),
            &[("fields", "status_code,status"), ("access_token", token)],
        )
        .await;
        s.expect_ok();
        if s.body["status_code"] != "IN_PROGRESS" {
            assert_eq!(s.body["status_code"], "FINISHED", "{}", s.text);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let published = post(
        format!("/{user}/media_publish"),
        vec![
            t("creation_id", &id),
            t("field", "id"),
            t("access_token", token),
        ],
    )
    .await;
    published.expect_ok();
    let media_id = published.id();
    let p = get(
        &format!("{graph}/{media_id}"),
        &[("fields", "permalink"), ("access_token", token)],
    )
    .await;
    p.expect_ok();
    let permalink = p.body["permalink"].as_str().unwrap().to_owned();
    assert!(
        permalink.starts_with("https://www.instagram.com/"),
        "{permalink}"
    );
    permalink
}

#[tokio::test]
async fn facebook_login_for_business_the_whole_sequence() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let base = sb.base_url().to_owned();
    let graph = format!("{}/v25.0", sb.host_url("graph.facebook.com"));
    let me_user = sb.facebook_user_id().to_owned();
    // More to discover: a Page without Instagram, a Business owning a Page linked to another
    // account and managing a client's Page.
    let (second, _) = sb
        .create_account(NewAccount {
            username: "agency.client".into(),
            ..NewAccount::default()
        })
        .await
        .unwrap();
    admin(
        &sb,
        reqwest::Method::POST,
        "/pages",
        json!({"name": "Blog without Instagram", "admin_id": me_user}),
    )
    .await;
    let business = admin(
        &sb,
        reqwest::Method::POST,
        "/businesses",
        json!({"name": "Agency", "owner_id": me_user}),
    )
    .await;
    let business = business["id"].as_str().unwrap().to_owned();
    let owned = admin(
        &sb,
        reqwest::Method::POST,
        "/pages",
        json!({"name": "Agency Page", "admin_id": me_user, "business_id": business, "instagram_user": "agency.client"}),
    )
    .await;
    assert!(owned["id"].is_string(), "{owned}");
    let other = admin(
        &sb,
        reqwest::Method::POST,
        "/facebook_users",
        json!({"name": "Client Owner"}),
    )
    .await;
    admin(
        &sb,
        reqwest::Method::POST,
        "/pages",
        json!({"name": "Client Page", "admin_id": other["id"], "business_id": business, "client": true}),
    )
    .await;

    // 1. Consent, once through the HTML page, with state.
    let scope = "instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement,business_management";
    let redirect = "https://app.example/integrations/social/instagram";
    let back = consent(
        &format!("{}/v25.0/dialog/oauth", sb.host_url("www.facebook.com")),
        &[
            ("client_id", sb.app_id()),
            ("redirect_uri", redirect),
            ("state", "xyz"),
            ("scope", scope),
            ("response_type", "code"),
        ],
        Some(&me_user),
        &[],
        "allow",
    )
    .await;
    assert_eq!(back.fragment(), Some("_=_"));
    assert_eq!(param(&back, "state").as_deref(), Some("xyz"));
    let code = param(&back, "code").unwrap();

    // 2. Code exchange; the code works once.
    let exchange = |code: String, redirect: String| {
        let (graph, id, secret) = (
            graph.clone(),
            sb.app_id().to_owned(),
            sb.app_secret().to_owned(),
        );
        async move {
            get(
                &format!("{graph}/oauth/access_token"),
                &[
                    ("client_id", &id),
                    ("redirect_uri", &redirect),
                    ("client_secret", &secret),
                    ("code", &code),
                ],
            )
            .await
        }
    };
    let short = exchange(code.clone(), redirect.into()).await;
    short.expect_ok();
    assert_eq!(short.body["token_type"], "bearer");
    let short = short.body["access_token"].as_str().unwrap().to_owned();
    exchange(code, redirect.into())
        .await
        .expect_error(400, 100, Some(36009));
    // A code for one redirect URI is refused with another; an old one has expired.
    let other_code = mint_code(
        &sb,
        json!({"login": "facebook", "user_id": me_user, "redirect_uri": redirect}),
    )
    .await;
    exchange(
        other_code["code"].as_str().unwrap().into(),
        "https://elsewhere.example/cb".into(),
    )
    .await
    .expect_error(400, 100, None);
    let late = mint_code(&sb, json!({"login": "facebook", "user_id": me_user})).await;
    sb.advance_clock(std::time::Duration::from_secs(601)).await;
    exchange(
        late["code"].as_str().unwrap().into(),
        late["redirect_uri"].as_str().unwrap().into(),
    )
    .await
    .expect_error(400, 100, Some(36007));
    let bad_secret = get(
        &format!("{graph}/oauth/access_token"),
        &[
            ("client_id", sb.app_id()),
            ("client_secret", "nope"),
            ("code", "x"),
            ("redirect_uri", redirect),
        ],
    )
    .await;
    bad_secret.expect_error(400, 1, None);

    // 3. Long-lived token.
    let long = get(
        &format!("{graph}/oauth/access_token"),
        &[
            ("grant_type", "fb_exchange_token"),
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("fb_exchange_token", &short),
        ],
    )
    .await;
    long.expect_ok();
    assert_eq!(long.body["expires_in"], 5_183_944);
    let token = long.body["access_token"].as_str().unwrap().to_owned();

    // 4. Permissions: every requested scope granted.
    let perms = get(
        &format!("{graph}/me/permissions"),
        &[("access_token", &token)],
    )
    .await;
    perms.expect_ok();
    for s in scope.split(',') {
        assert!(
            perms.body["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["permission"] == s && p["status"] == "granted"),
            "{s}: {}",
            perms.text
        );
    }

    // 5. Who am I, with a picture the sandbox serves.
    let me = get(
        &format!("{graph}/me"),
        &[("fields", "id,name,picture"), ("access_token", &token)],
    )
    .await;
    me.expect_ok();
    assert_eq!(me.body["id"], me_user.as_str());
    assert_eq!(me.body["picture"]["data"]["width"], 50);
    let picture = reqwest::get(me.body["picture"]["data"]["url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(picture.headers()["content-type"], "image/jpeg");

    // 6. Pages, paged one at a time with the next URLs, then Businesses' Pages.
    let mut url = format!(
        "{graph}/me/accounts?fields=id,instagram_business_account,username,name,picture.type(large)&limit=1&access_token={token}"
    );
    // postiz asks for `username` on Pages, a field of Meta's Page reference: answered.
    let asked = Reply::read(reqwest::get(&url).await.unwrap()).await;
    asked.expect_ok();
    assert!(
        asked.body["data"][0]["username"].is_string(),
        "{}",
        asked.text
    );
    url = url.replace(",username", "");
    let mut pages = Vec::new();
    loop {
        let r = Reply::read(reqwest::get(&url).await.unwrap()).await;
        r.expect_ok();
        pages.extend(r.body["data"].as_array().unwrap().iter().cloned());
        match r.body["paging"]["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages.len(), 3, "the demo Page, the blog, the Agency Page");
    assert_eq!(
        pages[0]["picture"]["data"]["width"], 200,
        "picture.type(large)"
    );
    let linked: Vec<&Value> = pages
        .iter()
        .filter(|p| p.get("instagram_business_account").is_some())
        .collect();
    assert_eq!(linked.len(), 2);
    let ig_user = linked[0]["instagram_business_account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(ig_user, sb.user_id());
    let businesses = get(
        &format!("{graph}/me/businesses"),
        &[("access_token", &token)],
    )
    .await;
    assert_eq!(businesses.body["data"][0]["id"], business.as_str());
    let owned_pages = get(
        &format!("{graph}/{business}/owned_pages"),
        &[
            ("fields", "id,name,instagram_business_account"),
            ("access_token", &token),
        ],
    )
    .await;
    assert_eq!(
        owned_pages.body["data"][0]["instagram_business_account"]["id"],
        second.id.as_str()
    );
    let client_pages = get(
        &format!("{graph}/{business}/client_pages"),
        &[("fields", "name"), ("access_token", &token)],
    )
    .await;
    assert_eq!(client_pages.body["data"][0]["name"], "Client Page");

    // 7. The account and the Page as postiz reads them.
    let account = get(
        &format!("{graph}/{ig_user}"),
        &[
            ("fields", "username,name,profile_picture_url"),
            ("access_token", &token),
        ],
    )
    .await;
    account.expect_ok();
    assert_eq!(account.body["username"], "instapub_demo");
    let page_id = sb.page_id();
    let page = get(
        &format!("{graph}/{page_id}"),
        &[
            ("fields", "access_token,name,picture.type(large)"),
            ("access_token", &token),
        ],
    )
    .await;
    page.expect_ok();
    let page_token = page.body["access_token"].as_str().unwrap().to_owned();
    let again = get(
        &format!("{graph}/{page_id}"),
        &[("fields", "access_token"), ("access_token", &token)],
    )
    .await;
    assert_eq!(
        again.body["access_token"],
        page_token.as_str(),
        "the same Page token each time"
    );

    // 8. Publish an image, a reel and a carousel with the discovered account, with the user
    // token and with the Page token.
    for kind in ["image", "reel", "carousel"] {
        publish_like_postiz(&graph, &ig_user, &token, kind, &media).await;
    }
    publish_like_postiz(&graph, &ig_user, &page_token, "image", &media).await;
    // The user token cannot reach an account none of its Pages links to.
    let stranger = sb
        .create_account(NewAccount {
            username: "stranger".into(),
            ..NewAccount::default()
        })
        .await
        .unwrap()
        .0;
    get(
        &format!("{graph}/{}", stranger.id),
        &[("access_token", &token)],
    )
    .await
    .expect_error(400, 100, Some(33));

    // 9. debug_token with the app token.
    let debug = get(
        &format!("{graph}/debug_token"),
        &[
            ("input_token", &token),
            (
                "access_token",
                &format!("{}|{}", sb.app_id(), sb.app_secret()),
            ),
        ],
    )
    .await;
    debug.expect_ok();
    assert_eq!(debug.body["data"]["type"], "USER");
    assert_eq!(debug.body["data"]["is_valid"], true);
    assert_eq!(debug.body["data"]["app_id"], sb.app_id());
    assert_eq!(debug.body["data"]["user_id"], me_user.as_str());
    let page_debug = get(
        &format!("{graph}/debug_token"),
        &[
            ("input_token", &page_token),
            (
                "access_token",
                &format!("{}|{}", sb.app_id(), sb.app_secret()),
            ),
        ],
    )
    .await;
    assert_eq!(page_debug.body["data"]["type"], "PAGE");
    assert_eq!(
        page_debug.body["data"]["expires_at"], 0,
        "from a long-lived user token: never"
    );

    // 10. A Facebook token on graph.instagram.com is not parsed there.
    get(
        &format!("{}/me", sb.host_url("graph.instagram.com")),
        &[("access_token", &token)],
    )
    .await
    .expect_error(400, 190, None);

    // 11. Revoking the app kills the user token and the Page tokens derived from it.
    let revoked = Reply::read(
        reqwest::Client::new()
            .delete(format!("{graph}/me/permissions"))
            .query(&[("access_token", &token)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    revoked.expect_ok();
    assert_eq!(revoked.body["success"], true);
    let dead = get(&format!("{graph}/me"), &[("access_token", &token)]).await;
    dead.expect_error(400, 190, Some(458));
    assert!(
        dead.text
            .contains(&format!("has not authorized application {}", sb.app_id())),
        "{}",
        dead.text
    );
    get(&format!("{graph}/me"), &[("access_token", &page_token)])
        .await
        .expect_error(400, 190, Some(458));
    let _ = base;
}

#[tokio::test]
async fn instagram_login_the_whole_sequence() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let ig_graph = sb.host_url("graph.instagram.com");
    let redirect = "https://app.example/integrations/social/instagram-standalone";
    let scope = "instagram_business_basic,instagram_business_content_publish,instagram_business_manage_comments,instagram_business_manage_insights";

    // 1. Consent on www.instagram.com/oauth/authorize.
    let back = consent(
        &format!("{}/oauth/authorize", sb.host_url("www.instagram.com")),
        &[
            ("client_id", sb.app_id()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "s1"),
        ],
        Some(sb.user_id()),
        &[],
        "allow",
    )
    .await;
    assert_eq!(back.fragment(), Some("_"));
    let code = param(&back, "code").unwrap();

    // 2. The code exchange on api.instagram.com, multipart as postiz sends it.
    let exchange = |code: String| {
        let (url, id, secret) = (
            format!("{}/oauth/access_token", sb.host_url("api.instagram.com")),
            sb.app_id().to_owned(),
            sb.app_secret().to_owned(),
        );
        async move {
            let form = reqwest::multipart::Form::new()
                .text("client_id", id)
                .text("client_secret", secret)
                .text("grant_type", "authorization_code")
                .text("redirect_uri", redirect)
                .text("code", code);
            Reply::read(
                reqwest::Client::new()
                    .post(url)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let short = exchange(code.clone()).await;
    short.expect_ok();
    assert!(
        short.body["user_id"].is_u64(),
        "a JSON number: {}",
        short.text
    );
    assert_eq!(
        short.body["user_id"].as_u64().unwrap().to_string(),
        sb.user_id()
    );
    assert_eq!(
        short.body["permissions"][1],
        "instagram_business_content_publish"
    );
    let short = short.body["access_token"].as_str().unwrap().to_owned();
    assert!(short.starts_with("IGAA"));
    // Reused: api.instagram.com's own flat shape.
    let reused = exchange(code).await;
    assert_eq!(reused.status, 400);
    assert_eq!(
        reused.body,
        json!({"error_type": "OAuthException", "code": 400, "error_message": "Matching code was not found or was already used"})
    );

    // 3. Long-lived token.
    let long = get(
        &format!("{ig_graph}/access_token"),
        &[
            ("grant_type", "ig_exchange_token"),
            ("client_secret", sb.app_secret()),
            ("access_token", &short),
        ],
    )
    .await;
    long.expect_ok();
    assert_eq!(long.body["expires_in"], 5_183_944);
    let token = long.body["access_token"].as_str().unwrap().to_owned();

    // 4. /me is the Instagram account.
    let me = get(
        &format!("{ig_graph}/me"),
        &[("fields", "user_id,username,name,profile_picture_url,account_type,followers_count,media_count"), ("access_token", &token)],
    )
    .await;
    me.expect_ok();
    assert_eq!(me.body["user_id"], sb.user_id());
    assert_eq!(me.body["username"], "instapub_demo");
    assert_eq!(me.body["account_type"], "BUSINESS");
    let picture = reqwest::get(me.body["profile_picture_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(picture.status().as_u16(), 200);

    // 5. Publish on graph.instagram.com.
    let user = me.body["user_id"].as_str().unwrap().to_owned();
    for kind in ["image", "reel", "carousel"] {
        publish_like_postiz(&ig_graph, &user, &token, kind, &media).await;
    }
    // graph.instagram.com has no media deletion: an unsupported request there.
    let post = crate::common::seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
    Reply::read(
        reqwest::Client::new()
            .delete(format!("{ig_graph}/v25.0/{post}"))
            .query(&[("access_token", &token)])
            .send()
            .await
            .unwrap(),
    )
    .await
    .expect_error(400, 100, Some(33));
    // The Instagram token is not parsed on graph.facebook.com.
    get(
        &format!("{}/v25.0/me", sb.base_url()),
        &[("access_token", &token)],
    )
    .await
    .expect_error(400, 190, None);

    // 6. Refresh: too early at first, fine after a day.
    let refresh_url = format!("{ig_graph}/refresh_access_token");
    let refresh_query = [
        ("grant_type", "ig_refresh_token"),
        ("access_token", token.as_str()),
    ];
    get(&refresh_url, &refresh_query)
        .await
        .expect_error(400, 100, None);
    sb.advance_clock(std::time::Duration::from_secs(25 * 3600))
        .await;
    let refreshed = get(&refresh_url, &refresh_query).await;
    refreshed.expect_ok();
    assert_ne!(refreshed.body["access_token"], token.as_str());
    // The short-lived token expired long ago.
    get(&format!("{ig_graph}/me"), &[("access_token", &short)])
        .await
        .expect_error(400, 190, Some(463));
}

#[tokio::test]
async fn declined_scopes_and_cancelled_consent() {
    let media = host().await;
    let sb = Sandbox::start().await;
    let graph = format!("{}/v25.0", sb.base_url());
    let redirect = "http://localhost:3000/callback";
    // Cancel: back with Meta's error parameters and the state.
    let cancelled = consent(
        &format!("{}/dialog/oauth", sb.host_url("www.facebook.com")),
        &[
            ("client_id", sb.app_id()),
            ("redirect_uri", redirect),
            ("state", "st"),
        ],
        None,
        &[],
        "cancel",
    )
    .await;
    assert_eq!(param(&cancelled, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&cancelled, "error_reason").as_deref(),
        Some("user_denied")
    );
    assert_eq!(param(&cancelled, "error_code").as_deref(), Some("200"));
    assert_eq!(param(&cancelled, "state").as_deref(), Some("st"));
    assert!(param(&cancelled, "code").is_none());
    let ig_cancel = consent(
        &format!("{}/oauth/authorize", sb.host_url("www.instagram.com")),
        &[
            ("client_id", sb.app_id()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
        ],
        None,
        &[],
        "cancel",
    )
    .await;
    assert_eq!(
        param(&ig_cancel, "error_description").as_deref(),
        Some("The user denied your request")
    );

    // Allowed with content publishing unchecked: declined, and publishing is refused.
    let back = consent(
        &format!("{}/dialog/oauth", sb.host_url("www.facebook.com")),
        &[
            ("client_id", sb.app_id()),
            ("redirect_uri", redirect),
            (
                "scope",
                "instagram_basic,instagram_content_publish,pages_show_list",
            ),
        ],
        Some(sb.facebook_user_id()),
        &["instagram_content_publish"],
        "allow",
    )
    .await;
    let short = get(
        &format!("{graph}/oauth/access_token"),
        &[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("redirect_uri", redirect),
            ("code", &param(&back, "code").unwrap()),
        ],
    )
    .await;
    let token = short.body["access_token"].as_str().unwrap().to_owned();
    let perms = get(
        &format!("{graph}/me/permissions"),
        &[("access_token", &token)],
    )
    .await;
    let declined: Vec<&str> = perms.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "declined")
        .map(|p| p["permission"].as_str().unwrap())
        .collect();
    assert_eq!(declined, ["instagram_content_publish"]);
    let refused = Reply::read(
        reqwest::Client::new()
            .post(format!("{graph}/{}/media", sb.user_id()))
            .query(&[
                ("image_url", media.url("photo.jpg").as_str()),
                ("access_token", &token),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    refused.expect_error(400, 10, None);
    assert!(
        refused.text.contains("instagram_content_publish"),
        "{}",
        refused.text
    );
    // The short-lived user token expires after an hour of the virtual clock.
    sb.advance_clock(std::time::Duration::from_secs(3601)).await;
    get(&format!("{graph}/me"), &[("access_token", &token)])
        .await
        .expect_error(400, 190, Some(463));
}

#[tokio::test]
async fn consent_pages_check_the_app_first() {
    let sb = Sandbox::start().await;
    let app = admin(
        &sb,
        reqwest::Method::POST,
        "/apps",
        json!({"name": "Scheduler", "redirect_uris": ["https://scheduler.example/cb"]}),
    )
    .await;
    let app_id = app["app_id"].as_str().unwrap();
    let fb = format!("{}/v25.0/dialog/oauth", sb.host_url("www.facebook.com"));
    let page = browser()
        .get(&fb)
        .query(&[
            ("client_id", "999"),
            ("redirect_uri", "https://scheduler.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Invalid application ID"));
    let page = browser()
        .get(&fb)
        .query(&[
            ("client_id", app_id),
            ("redirect_uri", "https://evil.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Given URL is not allowed"));
    let ok = browser()
        .get(&fb)
        .query(&[
            ("client_id", app_id),
            ("redirect_uri", "https://scheduler.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert!(ok
        .text()
        .await
        .unwrap()
        .contains("Scheduler wants to use your Facebook account"));

    let ig = format!("{}/oauth/authorize", sb.host_url("www.instagram.com"));
    let r = get(
        &ig,
        &[
            ("client_id", "999"),
            ("redirect_uri", "https://scheduler.example/cb"),
            ("response_type", "code"),
        ],
    )
    .await;
    assert_eq!(r.body["error_message"], "Invalid platform app");
    let r = get(
        &ig,
        &[
            ("client_id", app_id),
            ("redirect_uri", "https://scheduler.example/cb"),
        ],
    )
    .await;
    assert_eq!(
        r.body["error_message"],
        "Only response type \"code\" and \"token\" is allowed"
    );
    // The control plane refuses a code for a redirect URI the app does not list.
    let refused = admin(
        &sb,
        reqwest::Method::POST,
        "/oauth/codes",
        json!({"login": "facebook", "user_id": sb.facebook_user_id(), "app_id": app_id, "redirect_uri": "https://evil.example/cb"}),
    )
    .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not one of app"),
        "{refused}"
    );
}
