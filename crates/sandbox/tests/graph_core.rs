//! Graph's general machinery, which third-party clients rely on whatever the route: the token
//! endpoints by GET and by POST (a form, multipart or JSON; client credentials in HTTP Basic as
//! RFC 6749 2.3.1 has them), and the `method` parameter Meta's older SDKs send every call with.

#![allow(clippy::unwrap_used)]

use crate::common::{admin, browser, facebook_token_with, seeded_media, Reply};
use instapub_sandbox::{NewComment, Sandbox};
use serde_json::{json, Value};

async fn code(sb: &Sandbox, login: &str) -> Value {
    let user = if login == "facebook" {
        sb.facebook_user_id()
    } else {
        sb.user_id()
    };
    admin(
        sb,
        reqwest::Method::POST,
        "/oauth/codes",
        json!({"login": login, "user_id": user}),
    )
    .await
}

#[tokio::test]
async fn the_code_exchange_takes_a_post_as_oauth_clients_send_it() {
    let sb = Sandbox::start().await;
    let url = format!("{}/v25.0/oauth/access_token", sb.base_url());
    let http = reqwest::Client::new();

    // A form, credentials in HTTP Basic: what an OAuth 2 library sends by default.
    let k = code(&sb, "facebook").await;
    let form = http
        .post(&url)
        .basic_auth(sb.app_id(), Some(sb.app_secret()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("redirect_uri", k["redirect_uri"].as_str().unwrap()),
            ("code", k["code"].as_str().unwrap()),
        ]);
    let answer = Reply::read(form.send().await.unwrap()).await;
    answer.expect_ok();
    assert!(answer.body["access_token"]
        .as_str()
        .unwrap()
        .starts_with("EAA"));
    assert_eq!(answer.body["token_type"], "bearer");

    // JSON, credentials in the body.
    let k = code(&sb, "facebook").await;
    let json_body = http
        .post(&url)
        .header("content-type", "application/json")
        .body(
            json!({
                "client_id": sb.app_id(),
                "client_secret": sb.app_secret(),
                "redirect_uri": k["redirect_uri"],
                "code": k["code"],
            })
            .to_string(),
        );
    Reply::read(json_body.send().await.unwrap())
        .await
        .expect_ok();

    // Multipart.
    let k = code(&sb, "facebook").await;
    let multipart = reqwest::multipart::Form::new()
        .text("client_id", sb.app_id().to_owned())
        .text("client_secret", sb.app_secret().to_owned())
        .text(
            "redirect_uri",
            k["redirect_uri"].as_str().unwrap().to_owned(),
        )
        .text("code", k["code"].as_str().unwrap().to_owned());
    Reply::read(http.post(&url).multipart(multipart).send().await.unwrap())
        .await
        .expect_ok();

    // A wrong secret in Basic is a wrong secret.
    let k = code(&sb, "facebook").await;
    let wrong = http
        .post(&url)
        .basic_auth(sb.app_id(), Some("not-the-secret"))
        .form(&[
            ("redirect_uri", k["redirect_uri"].as_str().unwrap()),
            ("code", k["code"].as_str().unwrap()),
        ]);
    let refused = Reply::read(wrong.send().await.unwrap()).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.body["error"]["type"], "OAuthException");
}

#[tokio::test]
async fn api_instagram_com_exchanges_a_code_by_get_too() {
    let sb = Sandbox::start().await;
    let k = code(&sb, "instagram").await;
    let answer = Reply::read(
        reqwest::Client::new()
            .get(format!(
                "{}/oauth/access_token",
                sb.host_url("api.instagram.com")
            ))
            .query(&[
                ("client_id", sb.app_id()),
                ("client_secret", sb.app_secret()),
                ("grant_type", "authorization_code"),
                ("redirect_uri", k["redirect_uri"].as_str().unwrap()),
                ("code", k["code"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    answer.expect_ok();
    assert!(answer.body["access_token"]
        .as_str()
        .unwrap()
        .starts_with("IGAA"));
}

#[tokio::test]
async fn the_method_parameter_routes_a_post_as_that_method() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let graph = format!("{}/v25.0", sb.base_url());
    let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;

    // A read sent as a POST with method=GET (on a fixed route and on a node).
    let audio = http
        .post(format!("{graph}/ig_audio"))
        .bearer_auth(sb.access_token())
        .form(&[
            ("method", "GET"),
            ("audio_type", "music"),
            ("user_id", sb.user_id()),
        ]);
    let audio = Reply::read(audio.send().await.unwrap()).await;
    audio.expect_ok();
    assert!(audio.body["audio"].is_array());
    let read = http
        .post(format!("{graph}/{media}"))
        .query(&[("method", "get"), ("fields", "media_type")])
        .bearer_auth(sb.access_token());
    let read = Reply::read(read.send().await.unwrap()).await;
    read.expect_ok();
    assert_eq!(read.body, json!({"media_type": "IMAGE", "id": media}));

    // A delete sent as a POST with method=DELETE.
    let comment = sb
        .create_comment(NewComment {
            media_id: Some(media.clone()),
            text: "bye".into(),
            ..NewComment::default()
        })
        .await
        .unwrap()
        .remove(0)
        .id;
    let delete = http
        .post(format!("{graph}/{comment}"))
        .bearer_auth(sb.access_token())
        .form(&[("method", "DELETE")]);
    let deleted = Reply::read(delete.send().await.unwrap()).await;
    deleted.expect_ok();
    assert_eq!(deleted.body, json!({"success": true}));
    let gone = http
        .get(format!("{graph}/{comment}"))
        .bearer_auth(sb.access_token());
    let gone = Reply::read(gone.send().await.unwrap()).await;
    assert_eq!(gone.status, 400, "{}", gone.text);

    // Without it, a POST to a read-only route is still refused as Graph refuses it.
    let refused = http
        .post(format!("{graph}/ig_audio"))
        .bearer_auth(sb.access_token())
        .form(&[("audio_type", "music")]);
    let refused = Reply::read(refused.send().await.unwrap()).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
}

#[tokio::test]
async fn the_older_authorize_address_leads_to_instagrams_consent_page() {
    let sb = Sandbox::start().await;
    let query = [
        ("client_id", sb.app_id()),
        ("redirect_uri", "http://localhost/callback"),
        (
            "scope",
            "instagram_business_basic,instagram_business_content_publish",
        ),
        ("response_type", "code"),
        ("state", "s 1"),
    ];
    let old = format!("{}/oauth/authorize", sb.host_url("api.instagram.com"));
    let hop = browser().get(&old).query(&query).send().await.unwrap();
    assert_eq!(hop.status().as_u16(), 302);
    let location = hop.headers()["location"].to_str().unwrap().to_owned();
    let page = format!("{}/oauth/authorize?", sb.host_url("www.instagram.com"));
    assert!(location.starts_with(&page), "{location}");
    let kept = url::Url::parse(&location).unwrap();
    let kept: Vec<(String, String)> = kept.query_pairs().into_owned().collect();
    for (k, v) in query {
        assert!(
            kept.contains(&(k.to_owned(), v.to_owned())),
            "{k} lost: {kept:?}"
        );
    }
    // Followed, it is the consent page itself.
    let consent = reqwest::get(&location).await.unwrap();
    assert_eq!(consent.status().as_u16(), 200);
    assert!(consent.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(consent
        .text()
        .await
        .unwrap()
        .contains("instagram_business_content_publish"));
}

#[tokio::test]
async fn client_credentials_give_an_app_token_that_debug_token_takes_and_describes() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let graph = format!("{}/v25.0", sb.base_url());
    let grant = http
        .post(format!("{graph}/oauth/access_token"))
        .basic_auth(sb.app_id(), Some(sb.app_secret()))
        .form(&[("grant_type", "client_credentials")]);
    let grant = Reply::read(grant.send().await.unwrap()).await;
    grant.expect_ok();
    let app_token = grant.body["access_token"].as_str().unwrap().to_owned();
    assert!(
        app_token.starts_with(&format!("{}|", sb.app_id())),
        "{app_token}"
    );
    assert!(
        !app_token.contains(sb.app_secret()),
        "the token shows the secret"
    );
    assert_eq!(grant.body["token_type"], "bearer");
    assert!(grant.body.get("expires_in").is_none(), "{}", grant.text);

    let debug = |input: String, auth: String| {
        let req = http
            .get(format!("{graph}/debug_token"))
            .query(&[("input_token", input), ("access_token", auth)]);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    // The app token authenticates debug_token, as `{app-id}|{app-secret}` does...
    let user = debug(sb.access_token().to_owned(), app_token.clone()).await;
    user.expect_ok();
    assert_eq!(user.body["data"]["type"], "USER");
    // ...and is described as an app's.
    let described = debug(app_token.clone(), app_token.clone()).await;
    described.expect_ok();
    assert_eq!(described.body["data"]["type"], "APP");
    assert_eq!(described.body["data"]["app_id"], json!(sb.app_id()));
    assert_eq!(described.body["data"]["is_valid"], true);
    let plain = format!("{}|{}", sb.app_id(), sb.app_secret());
    assert_eq!(
        debug(plain.clone(), plain).await.body["data"]["type"],
        "APP"
    );

    // A made-up proof is no app token.
    let forged = format!("{}|not-the-proof", sb.app_id());
    let refused = debug(sb.access_token().to_owned(), forged).await;
    assert_eq!(refused.error().0, 190, "{}", refused.text);
}

#[tokio::test]
async fn every_answer_names_the_version_that_answered() {
    let sb = Sandbox::start().await;
    let get = |path: String| {
        let req = reqwest::Client::new()
            .get(format!("{}{path}", sb.base_url()))
            .query(&[("fields", "username")])
            .bearer_auth(sb.access_token());
        async move {
            let r = req.send().await.unwrap();
            let version = r
                .headers()
                .get("facebook-api-version")
                .map(|v| v.to_str().unwrap().to_owned());
            (version, Reply::read(r).await)
        }
    };
    let user = sb.user_id();
    // A live version answers as itself; no version, the default.
    let (v, ok) = get(format!("/v22.0/{user}")).await;
    ok.expect_ok();
    assert_eq!(v.as_deref(), Some("v22.0"));
    let (v, _) = get(format!("/{user}")).await;
    assert_eq!(v.as_deref(), Some("v25.0"));
    // An expired one (v19.0 ended 2026-05-21) by the oldest live one, silently.
    let (v, ok) = get(format!("/v19.0/{user}")).await;
    ok.expect_ok();
    assert_eq!(v.as_deref(), Some("v21.0"));
    // Errors carry it too.
    let (v, refused) = get("/v24.0/1".into()).await;
    assert_eq!(refused.status, 400);
    assert_eq!(v.as_deref(), Some("v24.0"));
    // A version Graph never had is a path it does not know.
    let (_, unknown) = get(format!("/v99.0/{user}")).await;
    unknown.expect_error(400, 2500, None);
    assert_eq!(
        unknown.body["error"]["message"],
        json!(format!("Unknown path components: /v99.0/{user}"))
    );
    // The clock moves on: on 2027-06-01 v21.0 and v22.0 have ended too, and v23.0 answers.
    let target: jiff::Timestamp = "2027-06-01T00:00:00Z".parse().unwrap();
    let ahead = target.as_second() - sb.now_ms() / 1000;
    sb.advance_clock(std::time::Duration::from_secs(ahead.max(0) as u64))
        .await;
    let (v, _) = get(format!("/v19.0/{user}")).await;
    assert_eq!(v.as_deref(), Some("v23.0"));
}

/// Hex HMAC-SHA256, as every SDK computes `appsecret_proof`.
fn hmac_hex(key: &str, message: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn appsecret_proof_is_checked_when_sent_and_required_when_the_app_says_so() {
    use instapub_errors::Id;
    let sb = Sandbox::start().await;
    let read = |extra: Vec<(&'static str, String)>| {
        let mut query = vec![("fields", "username".to_owned())];
        query.extend(extra);
        let req = reqwest::Client::new()
            .get(format!("{}/v25.0/{}", sb.base_url(), sb.user_id()))
            .bearer_auth(sb.access_token())
            .query(&query);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    let proof = hmac_hex(sb.app_secret(), sb.access_token());
    read(vec![("appsecret_proof", proof.clone())])
        .await
        .expect_ok();
    // Upper-case hex is the same proof.
    read(vec![("appsecret_proof", proof.to_uppercase())])
        .await
        .expect_ok();
    // Another secret's proof, as Meta answers it.
    let wrong = read(vec![(
        "appsecret_proof",
        hmac_hex("not-the-secret", sb.access_token()),
    )])
    .await;
    wrong.expect_error(400, 100, None);
    assert_eq!(wrong.body["error"]["type"], "GraphMethodException");
    assert_eq!(
        wrong.body["error"]["message"],
        Id::InvalidAppsecretProof.entry().message
    );

    // A time-bound proof: HMAC of `{token}|{appsecret_time}`, the time near now.
    let now = sb.now_ms() / 1000;
    let timed = |time: i64| {
        vec![
            (
                "appsecret_proof",
                hmac_hex(sb.app_secret(), &format!("{}|{time}", sb.access_token())),
            ),
            ("appsecret_time", time.to_string()),
        ]
    };
    read(timed(now)).await.expect_ok();
    read(timed(now - 3600)).await.expect_error(400, 100, None);
    // The plain proof with a time the HMAC did not cover.
    read(vec![
        ("appsecret_proof", proof.clone()),
        ("appsecret_time", now.to_string()),
    ])
    .await
    .expect_error(400, 100, None);

    // Require App Secret: no proof, no call; an app token holds the secret and needs none.
    sb.set_app(instapub_sandbox::AppSettings {
        require_appsecret_proof: Some(true),
        ..Default::default()
    })
    .await
    .unwrap();
    let missing = read(vec![]).await;
    missing.expect_error(400, 100, None);
    assert_eq!(
        missing.body["error"]["message"],
        Id::AppsecretProofRequired.entry().message
    );
    read(vec![("appsecret_proof", proof.clone())])
        .await
        .expect_ok();
    let app_node = reqwest::Client::new()
        .get(format!("{}/v25.0/{}", sb.base_url(), sb.app_id()))
        .bearer_auth(format!("{}|{}", sb.app_id(), sb.app_secret()));
    Reply::read(app_node.send().await.unwrap())
        .await
        .expect_ok();
    // The control plane reports the switch, and a reset turns it off.
    let state = admin(&sb, reqwest::Method::GET, "/app", Value::Null).await;
    assert_eq!(state["require_appsecret_proof"], true);
    sb.reset().await.unwrap();
    read(vec![]).await.expect_ok();
}

#[tokio::test]
async fn app_tokens_read_the_app_node_and_have_no_current_user() {
    use instapub_errors::Id;
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let grant = http
        .get(format!("{}/v25.0/oauth/access_token", sb.base_url()))
        .query(&[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("grant_type", "client_credentials"),
        ]);
    let grant = Reply::read(grant.send().await.unwrap()).await;
    let app_token = grant.body["access_token"].as_str().unwrap().to_owned();
    let get = |path: String, token: String| {
        let req = http
            .get(format!("{}/v25.0{path}", sb.base_url()))
            .query(&[("access_token", token)]);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    let app = get(format!("/{}", sb.app_id()), app_token.clone()).await;
    app.expect_ok();
    assert_eq!(app.body["id"], json!(sb.app_id()));
    assert_eq!(app.body["name"], "instapub demo app");
    // Any user token reads an app's public fields too; fields it has no value for are left out.
    let by_user = get(
        format!("/{}?fields=name,link,category", sb.app_id()),
        sb.access_token().to_owned(),
    )
    .await;
    by_user.expect_ok();
    assert!(by_user.body["link"]
        .as_str()
        .unwrap()
        .ends_with(sb.app_id()));
    assert!(by_user.body.get("category").is_none(), "{}", by_user.text);
    // `/me` names a user, and an app token has none.
    let me = get("/me".into(), app_token.clone()).await;
    me.expect_error(400, 2500, None);
    assert_eq!(
        me.body["error"]["message"],
        Id::MeNeedsUserToken.entry().message
    );
    // An Instagram account is not the app's to read.
    get(format!("/{}", sb.user_id()), app_token.clone())
        .await
        .expect_error(400, 100, Some(33));
    // `{app-id}|{app-secret}` is the same app token; a wrong secret is no token.
    get("/me".into(), format!("{}|{}", sb.app_id(), sb.app_secret()))
        .await
        .expect_error(400, 2500, None);
    get("/me".into(), format!("{}|guess", sb.app_id()))
        .await
        .expect_error(400, 190, None);
}

#[tokio::test]
async fn calls_without_a_version_use_the_apps_default_version() {
    let sb = Sandbox::start().await;
    let version = || async {
        let r = reqwest::Client::new()
            .get(format!("{}/{}", sb.base_url(), sb.user_id()))
            .bearer_auth(sb.access_token())
            .send()
            .await
            .unwrap();
        r.headers()["facebook-api-version"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(version().await, "v25.0");
    let set = admin(
        &sb,
        reqwest::Method::PATCH,
        "/app",
        json!({"default_version": "v22.0"}),
    )
    .await;
    assert_eq!(set["default_version"], "v22.0", "{set}");
    assert_eq!(version().await, "v22.0");
    // A version the sandbox does not know is refused, and nothing changes.
    let refused = reqwest::Client::new()
        .patch(format!("{}/_sandbox/app", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .header("content-type", "application/json")
        .body(json!({"default_version": "v99.0"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("v99.0"));
    assert_eq!(version().await, "v22.0");
}

#[tokio::test]
async fn ids_reads_several_nodes_each_counted_as_its_own_call() {
    let sb = Sandbox::start().await;
    let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
    let get = |query: Vec<(&'static str, String)>| {
        let req = reqwest::Client::new()
            .get(format!("{}/v25.0/", sb.base_url()))
            .bearer_auth(sb.access_token())
            .query(&query);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    let both = get(vec![
        ("ids", format!("{},{media},me", sb.user_id())),
        ("fields", "id".into()),
    ])
    .await;
    both.expect_ok();
    let keys: Vec<&String> = both.body.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{}", both.text);
    assert_eq!(both.body[sb.user_id()]["id"], json!(sb.user_id()));
    assert_eq!(both.body[&media]["id"], json!(media));
    // `me` is keyed as asked, and names the token's account.
    assert_eq!(both.body["me"]["id"], json!(sb.user_id()));
    // Fields apply to every node: a field one node type lacks fails the whole call.
    get(vec![
        ("ids", format!("{},{media}", sb.user_id())),
        ("fields", "followers_count".into()),
    ])
    .await
    .expect_error(400, 100, None);
    // A JSON array says the same.
    get(vec![("ids", json!([sb.user_id(), media]).to_string())])
        .await
        .expect_ok();
    // Ids that do not exist fail the call (no partial answer), all of them named.
    let missing = get(vec![("ids", format!("{},1234,5678", sb.user_id()))]).await;
    missing.expect_error(400, 803, None);
    assert_eq!(
        missing.body["error"]["message"],
        "(#803) Some of the aliases you requested do not exist: 1234,5678"
    );
    // Too many ids.
    let many = (0..54).map(|_| sb.user_id()).collect::<Vec<_>>().join(",");
    let too_many = get(vec![("ids", many)]).await;
    too_many.expect_error(400, 100, None);
    assert_eq!(
        too_many.body["error"]["message"],
        "(#100) Too many IDs. Maximum: 50. Provided: 54."
    );
    // v26.0 removed root ids= reads.
    let removed = reqwest::Client::new()
        .get(format!("{}/v26.0/", sb.base_url()))
        .bearer_auth(sb.access_token())
        .query(&[("ids", sb.user_id())]);
    Reply::read(removed.send().await.unwrap())
        .await
        .expect_error(400, 12, None);
    // Without ids, the root names no node.
    get(vec![]).await.expect_error(400, 100, Some(33));

    // Each id is a call against the account's limit: three ids spend a limit of three.
    let fresh = Sandbox::start().await;
    fresh
        .set_app(instapub_sandbox::AppSettings {
            account_calls_per_hour: Some(3),
            ..Default::default()
        })
        .await
        .unwrap();
    let ids = |list: String| {
        let req = reqwest::Client::new()
            .get(format!("{}/v25.0/", fresh.base_url()))
            .bearer_auth(fresh.access_token())
            .query(&[("ids", list)]);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    ids(format!("{0},{0},{0}", fresh.user_id()))
        .await
        .expect_ok();
    let over = ids(fresh.user_id().to_owned()).await;
    assert_eq!(over.error().0, 80002, "{}", over.text);
}

#[tokio::test]
async fn me_is_the_tokens_own_node_for_every_kind_of_token() {
    let sb = Sandbox::start().await;
    let user_token = crate::common::facebook_token(&sb).await;
    let me = |token: String, fields: &'static str| {
        let req = reqwest::Client::new()
            .get(format!("{}/v25.0/me", sb.base_url()))
            .query(&[("access_token", token.as_str()), ("fields", fields)]);
        async move { Reply::read(req.send().await.unwrap()).await }
    };
    // An Instagram account's token: the IG user.
    let ig = me(sb.access_token().to_owned(), "username").await;
    ig.expect_ok();
    assert_eq!(ig.body["id"], json!(sb.user_id()));
    assert!(ig.body["username"].is_string());
    // A Facebook user token: the Facebook user.
    let fb = me(user_token.clone(), "name").await;
    fb.expect_ok();
    assert_eq!(fb.body["id"], json!(sb.facebook_user_id()));
    // A Page token: the Page.
    let accounts = reqwest::Client::new()
        .get(format!("{}/v25.0/me/accounts", sb.base_url()))
        .query(&[("access_token", user_token)]);
    let accounts = Reply::read(accounts.send().await.unwrap()).await;
    let page_token = accounts.body["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = me(page_token, "name").await;
    page.expect_ok();
    assert_eq!(page.body["id"], json!(sb.page_id()));
}

/// A batch request's answer, each operation's body parsed.
async fn batch(sb: &Sandbox, form: Vec<(&str, String)>) -> (Reply, Vec<Value>) {
    let r = reqwest::Client::new()
        .post(format!("{}/v25.0/", sb.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let reply = Reply::read(r).await;
    let bodies = reply
        .body
        .as_array()
        .map(|ops| {
            ops.iter()
                .map(|op| match op["body"].as_str() {
                    Some(text) => serde_json::from_str(text).unwrap(),
                    None => Value::Null,
                })
                .collect()
        })
        .unwrap_or_default();
    (reply, bodies)
}

#[tokio::test]
async fn a_batch_runs_each_operation_as_a_call_of_its_own() {
    let sb = Sandbox::start().await;
    let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
    let user = sb.user_id().to_owned();
    let (reply, bodies) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            (
                "batch",
                json!([
                    {"method": "GET", "relative_url": format!("{user}?fields=username")},
                    {"method": "GET", "relative_url": "v25.0/1234?fields=id"},
                    {"method": "POST", "relative_url": format!("{media}/comments"), "body": "message=from+a+batch"},
                    {"method": "GET", "relative_url": format!("{user}?fields=id"), "omit_response_on_success": true},
                ])
                .to_string(),
            ),
        ],
    )
    .await;
    reply.expect_ok();
    let ops = reply.body.as_array().unwrap();
    assert_eq!(ops.len(), 4, "{}", reply.text);
    // Each answer is the call's own: code, headers, body as a JSON string.
    assert_eq!(ops[0]["code"], 200);
    assert!(bodies[0]["username"].is_string(), "{}", reply.text);
    let headers = ops[0]["headers"].as_array().unwrap();
    assert!(headers
        .iter()
        .any(|h| h["name"] == "facebook-api-version" && h["value"] == "v25.0"));
    // A failing operation fails alone, with Graph's envelope.
    assert_eq!(ops[1]["code"], 400);
    assert_eq!(bodies[1]["error"]["error_subcode"], 33);
    // A write through the batch happened.
    assert_eq!(ops[2]["code"], 200, "{}", reply.text);
    let read = reqwest::Client::new()
        .get(format!("{}/v25.0/{media}/comments", sb.base_url()))
        .query(&[("fields", "text")])
        .bearer_auth(sb.access_token());
    let read = Reply::read(read.send().await.unwrap()).await;
    assert_eq!(read.body["data"][0]["id"], bodies[2]["id"], "{}", read.text);
    assert_eq!(read.body["data"][0]["text"], "from a batch");
    // Asked to be omitted on success: null.
    assert!(ops[3].is_null());
    // Each operation is in the request log as a call of its own.
    let log = admin(&sb, reqwest::Method::GET, "/requests", Value::Null).await;
    let entries = log["data"].as_array().unwrap();
    let one = entries
        .iter()
        .find(|e| e["path"] == "/v25.0/1234")
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!(
        (one["status"].clone(), one["error_subcode"].clone()),
        (json!(400), json!(33))
    );
    assert!(entries
        .iter()
        .any(|e| e["path"] == "/v25.0/" && e["method"] == "POST"));

    // include_headers=false leaves the headers out.
    let (plain, _) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            ("include_headers", "false".into()),
            (
                "batch",
                json!([{"method": "GET", "relative_url": user}]).to_string(),
            ),
        ],
    )
    .await;
    assert!(plain.body[0].get("headers").is_none(), "{}", plain.text);
}

#[tokio::test]
async fn batch_operations_use_earlier_answers_and_their_own_tokens() {
    let sb = Sandbox::start().await;
    let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
    let user = sb.user_id().to_owned();
    let user_token = crate::common::facebook_token(&sb).await;
    let (reply, bodies) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            (
                "batch",
                json!([
                    // Referred to by the next: omitted by default.
                    {"method": "GET", "name": "list", "relative_url": format!("{user}/media?fields=id")},
                    {"method": "GET", "relative_url": "?ids={result=list:$.data.*.id}&fields=id"},
                    // Its own token: a Facebook user's.
                    {"method": "GET", "relative_url": format!("me?fields=name&access_token={user_token}")},
                    // Depends on an operation that fails: not run.
                    {"method": "GET", "name": "bad", "relative_url": "1234"},
                    {"method": "GET", "depends_on": "bad", "relative_url": user},
                    // Referred to, and asked to be kept.
                    {"method": "GET", "name": "me", "relative_url": "me?fields=id", "omit_response_on_success": false},
                    {"method": "GET", "relative_url": "{result=me:$.id}?fields=username"},
                ])
                .to_string(),
            ),
        ],
    )
    .await;
    reply.expect_ok();
    let ops = reply.body.as_array().unwrap();
    assert!(ops[0].is_null(), "{}", reply.text);
    assert_eq!(bodies[1][&media]["id"], json!(media), "{}", reply.text);
    assert_eq!(bodies[2]["id"], json!(sb.facebook_user_id()));
    assert_eq!(ops[3]["code"], 400);
    assert!(ops[4].is_null());
    assert_eq!(bodies[5]["id"], json!(user));
    assert!(bodies[6]["username"].is_string(), "{}", reply.text);

    // A name no earlier operation has refuses the whole batch.
    let (unresolved, _) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            (
                "batch",
                json!([{"method": "GET", "relative_url": "{result=later:$.id}"},
                       {"method": "GET", "name": "later", "relative_url": "me"}])
                .to_string(),
            ),
        ],
    )
    .await;
    unresolved.expect_error(400, 100, None);
    assert_eq!(unresolved.body["error"]["type"], "GraphBatchException");
    // More than 50 operations are refused whole.
    let many: Vec<Value> = (0..51)
        .map(|_| json!({"method": "GET", "relative_url": "me"}))
        .collect();
    let (too_many, _) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            ("batch", Value::Array(many).to_string()),
        ],
    )
    .await;
    too_many.expect_error(400, 100, None);
    assert_eq!(
        too_many.body["error"]["message"],
        "Too many requests in batch message. Maximum batch size is 50"
    );
    // Each operation counts against the account's calls: a limit of two and a batch of three.
    sb.set_app(instapub_sandbox::AppSettings {
        account_calls_per_hour: Some(2),
        ..Default::default()
    })
    .await
    .unwrap();
    sb.reset().await.unwrap();
    sb.set_app(instapub_sandbox::AppSettings {
        account_calls_per_hour: Some(2),
        ..Default::default()
    })
    .await
    .unwrap();
    let (limited, bodies) = batch(
        &sb,
        vec![
            ("access_token", sb.access_token().to_owned()),
            (
                "batch",
                json!([{"method": "GET", "relative_url": "me"},
                       {"method": "GET", "relative_url": "me"},
                       {"method": "GET", "relative_url": "me"}])
                .to_string(),
            ),
        ],
    )
    .await;
    limited.expect_ok();
    assert_eq!(bodies[2]["error"]["code"], 80002, "{}", limited.text);
}

/// A short-lived Instagram Login token of the demo account.
async fn instagram_token(sb: &Sandbox) -> String {
    let k = code(sb, "instagram").await;
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/oauth/access_token",
            sb.host_url("api.instagram.com")
        ))
        .form(&[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", k["redirect_uri"].as_str().unwrap()),
            ("code", k["code"].as_str().unwrap()),
        ]);
    let answer = Reply::read(answer.send().await.unwrap()).await;
    answer.body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn graph_instagram_com_answers_generic_errors_in_its_own_dialect() {
    use crate::common::{fixture, MediaHost};
    let host = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let sb = Sandbox::start().await;
    let token = instagram_token(&sb).await;
    let ig = format!("{}/v25.0", sb.host_url("graph.instagram.com"));
    let http = reqwest::Client::new();
    let call =
        |req: reqwest::RequestBuilder| async move { Reply::read(req.send().await.unwrap()).await };

    // A generic error: IGApiException, and no "(#100) " before the text.
    let field = call(
        http.get(format!("{ig}/{}", sb.user_id()))
            .query(&[("fields", "nope"), ("access_token", &token)]),
    )
    .await;
    field.expect_error(400, 100, None);
    assert_eq!(field.body["error"]["type"], "IGApiException");
    assert_eq!(
        field.body["error"]["message"],
        "Tried accessing nonexisting field (nope) on node type (ShadowIGUser)"
    );
    // The same call on graph.facebook.com, in Graph's own words.
    let on_facebook = call(
        http.get(format!("{}/v25.0/{}", sb.base_url(), sb.user_id()))
            .query(&[("fields", "nope")])
            .bearer_auth(sb.access_token()),
    )
    .await;
    assert_eq!(on_facebook.body["error"]["type"], "OAuthException");
    assert!(on_facebook.body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("(#100) "));
    let missing = call(
        http.post(format!("{ig}/{}/media", sb.user_id()))
            .form(&[("access_token", token.as_str())]),
    )
    .await;
    assert_eq!(
        missing.body["error"]["type"], "IGApiException",
        "{}",
        missing.text
    );
    assert!(!missing.text.contains("(#100)"), "{}", missing.text);

    // Where traffic showed this host's own text: a node nobody has, without Graph's pointer
    // to its documentation.
    let nobody = call(
        http.get(format!("{ig}/1234"))
            .query(&[("access_token", &token)]),
    )
    .await;
    nobody.expect_error(400, 100, Some(33));
    assert_eq!(nobody.body["error"]["type"], "IGApiException");
    assert_eq!(
        nobody.body["error"]["message"],
        "Unsupported get request. Object with ID '1234' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
    );

    // A publishing error keeps Graph's envelope on this host too.
    let made = call(http.post(format!("{ig}/{}/media", sb.user_id())).form(&[
        ("image_url", host.url("photo.jpg")),
        ("access_token", token.clone()),
    ]))
    .await;
    made.expect_ok();
    let publish = || {
        http.post(format!("{ig}/{}/media_publish", sb.user_id()))
            .form(&[("creation_id", made.id()), ("access_token", token.clone())])
    };
    call(publish()).await.expect_ok();
    let again = call(publish()).await;
    again.expect_error(400, 24, Some(2207008));
    assert_eq!(again.body["error"]["type"], "OAuthException");

    // A Facebook-style token here gets graph.facebook.com's 190, as traffic showed.
    let foreign = call(
        http.get(format!("{ig}/me"))
            .query(&[("access_token", crate::common::facebook_token(&sb).await)]),
    )
    .await;
    foreign.expect_error(400, 190, None);
    assert_eq!(foreign.body["error"]["type"], "OAuthException");
}

#[tokio::test]
async fn nodes_answer_the_fields_metas_reference_lists() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let get = |path: String, token: String, fields: &'static str| {
        let req = http
            .get(format!("{}/v25.0/{path}", sb.base_url()))
            .query(&[("fields", fields), ("access_token", token.as_str())]);
        async move {
            let r = Reply::read(req.send().await.unwrap()).await;
            r.expect_ok();
            r.body
        }
    };
    // The Facebook user: the name in its parts; email only with the email permission.
    let fields = "first_name,last_name,middle_name,short_name,name_format,email";
    let with_email =
        facebook_token_with(&sb, &["public_profile", "email", "pages_show_list"]).await;
    let me = get("me".into(), with_email, fields).await;
    assert_eq!(
        (&me["first_name"], &me["middle_name"], &me["last_name"]),
        (&json!("instapub"), &json!("Demo"), &json!("User")),
        "{me}"
    );
    assert_eq!(me["short_name"], "instapub");
    assert_eq!(me["name_format"], "{first} {last}");
    assert!(
        me["email"].as_str().unwrap().ends_with("@example.com"),
        "{me}"
    );
    let without = facebook_token_with(&sb, &["public_profile", "pages_show_list"]).await;
    let me = get("me".into(), without.clone(), fields).await;
    assert!(me.get("email").is_none(), "left out, not refused: {me}");
    assert_eq!(me["first_name"], "instapub");
    // picture modifiers in Graph's shape.
    let large = get("me".into(), without.clone(), "picture.type(large)").await;
    assert_eq!(large["picture"]["data"]["width"], 200);
    let sized = get("me".into(), without.clone(), "picture.width(320)").await;
    assert_eq!(
        (
            &sized["picture"]["data"]["width"],
            &sized["picture"]["data"]["height"]
        ),
        (&json!(320), &json!(320))
    );
    // The Page.
    let page = get(
        sb.page_id().to_owned(),
        without,
        "username,category,category_list,link,fan_count,followers_count,about",
    )
    .await;
    assert_eq!(page["username"], "instapubdemopage", "{page}");
    assert_eq!(page["category_list"][0]["name"], page["category"]);
    assert!(page["link"].as_str().unwrap().ends_with(sb.page_id()));
    assert_eq!(page["fan_count"], 0);
    assert!(page.get("about").is_none());
    // IG media, comments and containers.
    let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
    let m = get(media.clone(), sb.access_token().into(), "ig_id").await;
    assert!(m["ig_id"].as_str().unwrap().len() >= 15, "{m}");
    let comment = sb
        .create_comment(NewComment {
            media_id: Some(media.clone()),
            text: "hello".into(),
            ..NewComment::default()
        })
        .await
        .unwrap();
    let k = get(
        comment[0].id.clone(),
        sb.access_token().into(),
        "legacy_instagram_comment_id",
    )
    .await;
    assert!(k["legacy_instagram_comment_id"].is_string(), "{k}");
}

#[tokio::test]
async fn a_scenario_file_sets_require_app_secret_and_the_default_version() {
    let scenario = r#"{app: {require_appsecret_proof: true, default_version: "v22.0"}}"#;
    let sb = Sandbox::builder()
        .scenario(instapub_sandbox::Scenario::parse(scenario).unwrap())
        .start()
        .await
        .unwrap();
    let read = |proof: Option<String>| {
        let mut req = reqwest::Client::new()
            .get(format!("{}/{}", sb.base_url(), sb.user_id()))
            .bearer_auth(sb.access_token());
        if let Some(p) = proof {
            req = req.query(&[("appsecret_proof", p)]);
        }
        async move {
            let r = req.send().await.unwrap();
            let version = r.headers()["facebook-api-version"]
                .to_str()
                .unwrap()
                .to_owned();
            (version, Reply::read(r).await)
        }
    };
    let (_, refused) = read(None).await;
    refused.expect_error(400, 100, None);
    let (version, ok) = read(Some(hmac_hex(sb.app_secret(), sb.access_token()))).await;
    ok.expect_ok();
    assert_eq!(version, "v22.0");
}
