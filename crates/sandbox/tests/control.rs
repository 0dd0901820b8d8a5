//! The `/_sandbox` control plane, driven over HTTP only: accounts and their flags, tokens,
//! the clock, files, the request log and reset.

#![allow(clippy::unwrap_used)]

use crate::common::{admin, fixture, Graph, Reply};
use instapub_sandbox::{Profile, Sandbox};
use serde_json::{json, Value};

struct Admin {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl Admin {
    fn of(sb: &Sandbox) -> Admin {
        Admin {
            base: sb.base_url().to_owned(),
            key: sb.admin_key().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}/_sandbox{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

#[tokio::test]
async fn the_admin_key_is_required() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    for auth in [None, Some("Bearer wrong")] {
        let mut req = http
            .post(format!("{}/_sandbox/accounts", sb.base_url()))
            .body("{}");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(v["error"]["code"], 190);
    }
    let admin = Admin::of(&sb);
    admin
        .send(reqwest::Method::GET, "/nothing/here", None)
        .await
        .expect_error(400, 2500, None);
    admin
        .post("/accounts", json!({"username": "x", "colour": "red"}))
        .await
        .expect_error(400, 100, None);
    admin
        .send(
            reqwest::Method::PATCH,
            "/accounts/123",
            Some(json!({"restricted": true})),
        )
        .await
        .expect_error(404, 100, None);
}

#[tokio::test]
async fn restricted_and_spam_flagged_accounts() {
    let sb = Sandbox::start().await;
    let admin = Admin::of(&sb);
    let r = admin
        .http
        .put(format!("{}/_sandbox/files/photo.jpg", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .header("content-type", "image/jpeg")
        .body(fixture("jpeg_square.jpg"))
        .send()
        .await
        .unwrap();
    let file: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let url = file["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{}/_sandbox/files/photo.jpg", sb.base_url()));
    // A file that is not there is an envelope like every other control-plane miss.
    let missing = admin
        .http
        .get(format!("{}/_sandbox/files/nope.jpg", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = serde_json::from_str(&missing.text().await.unwrap()).unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nope.jpg"),
        "{body}"
    );

    let acct = admin
        .post(
            "/accounts",
            json!({"username": "shop.one", "quota_total": 5}),
        )
        .await;
    acct.expect_ok();
    let (id, token) = (
        acct.body["id"].as_str().unwrap().to_owned(),
        acct.body["access_token"].as_str().unwrap().to_owned(),
    );
    admin
        .post("/accounts", json!({"username": "shop.one"}))
        .await
        .expect_error(400, 100, None);
    let g = Graph::new(sb.base_url(), &token);
    let c = g
        .post(&format!("/{id}/media"), &[("image_url", &url)])
        .await;
    c.expect_ok();
    let limit = g
        .get(
            &format!("/{id}/content_publishing_limit"),
            &[("fields", "config")],
        )
        .await;
    assert_eq!(limit.body["data"][0]["config"]["quota_total"], 5);

    // Spam-flagged: publishing is refused with 2207051.
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/accounts/{id}"),
            Some(json!({"spam_flagged": true})),
        )
        .await
        .expect_ok();
    let r = g
        .post(&format!("/{id}/media_publish"), &[("creation_id", &c.id())])
        .await;
    r.expect_error(400, 4, Some(2207051));
    // is_transient comes before code in this family.
    assert!(r.text.find("is_transient").unwrap() < r.text.find("\"code\"").unwrap());

    // Restricted: creating and publishing are refused with 2207050.
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/accounts/{id}"),
            Some(json!({"spam_flagged": false, "restricted": true})),
        )
        .await
        .expect_ok();
    g.post(&format!("/{id}/media"), &[("image_url", &url)])
        .await
        .expect_error(400, 25, Some(2207050));
    g.post(&format!("/{id}/media_publish"), &[("creation_id", &c.id())])
        .await
        .expect_error(400, 25, Some(2207050));
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/accounts/{id}"),
            Some(json!({"restricted": false})),
        )
        .await
        .expect_ok();
    g.post(&format!("/{id}/media_publish"), &[("creation_id", &c.id())])
        .await
        .expect_ok();
}

#[tokio::test]
async fn the_observed_profile_sends_spam_blocks_as_403() {
    let sb = Sandbox::builder()
        .profile(Profile::Observed)
        .start()
        .await
        .unwrap();
    let admin = Admin::of(&sb);
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/accounts/{}", sb.user_id()),
            Some(json!({"spam_flagged": true})),
        )
        .await
        .expect_ok();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let r = g
        .post(
            &format!("/{}/media_publish", sb.user_id()),
            &[("creation_id", "1")],
        )
        .await;
    r.expect_error(403, 4, Some(2207051));
    assert_eq!(r.body["error"]["error_user_title"], "action is blocked");
}

#[tokio::test]
async fn tokens_with_permissions_and_expiry_and_the_clock() {
    let sb = Sandbox::start().await;
    let admin = Admin::of(&sb);
    let user = sb.user_id().to_owned();
    let t = admin
        .post(
            "/tokens",
            json!({"user_id": user, "permissions": ["instagram_basic"], "expires_in": 3600}),
        )
        .await;
    t.expect_ok();
    let token = t.body["access_token"].as_str().unwrap().to_owned();
    let g = Graph::new(sb.base_url(), &token);
    g.get(&format!("/{user}"), &[]).await.expect_ok();
    g.post(&format!("/{user}/media"), &[("image_url", "x")])
        .await
        .expect_error(400, 10, None);
    let before = admin.send(reqwest::Method::GET, "/clock", None).await.body["now"]
        .as_i64()
        .unwrap();
    let after = admin.post("/clock/advance", json!({"seconds": 3600})).await;
    assert!(after.body["now"].as_i64().unwrap() >= before + 3600);
    assert_eq!(after.body["offset_seconds"], 3600);
    g.get(&format!("/{user}"), &[])
        .await
        .expect_error(400, 190, Some(463));
    admin
        .post("/clock/advance", json!({"seconds": -5}))
        .await
        .expect_error(400, 100, None);
    admin
        .post("/tokens", json!({"user_id": "999"}))
        .await
        .expect_error(404, 100, None);
}

#[tokio::test]
async fn the_request_log_and_reset() {
    let sb = Sandbox::start().await;
    let admin = Admin::of(&sb);
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id().to_owned();
    g.get(&format!("/{user}"), &[("fields", "username")])
        .await
        .expect_ok();
    g.post(&format!("/{user}/media_publish"), &[("creation_id", "42")])
        .await;
    let log = admin.send(reqwest::Method::GET, "/requests", None).await;
    let data = log.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["method"], "GET");
    assert_eq!(data[0]["status"], 200);
    assert_eq!(data[1]["path"], format!("/v25.0/{user}/media_publish"));
    assert_eq!(
        (
            data[1]["error_code"].as_i64(),
            data[1]["error_subcode"].as_i64()
        ),
        (Some(24), Some(2207008))
    );

    let other = admin.post("/accounts", json!({"username": "temp"})).await;
    let other_id = other.body["id"].as_str().unwrap().to_owned();
    admin
        .post("/clock/advance", json!({"seconds": 100}))
        .await
        .expect_ok();
    admin.post("/reset", json!({})).await.expect_ok();
    assert_eq!(
        admin.send(reqwest::Method::GET, "/clock", None).await.body["offset_seconds"],
        0
    );
    g.get(&format!("/{other_id}"), &[])
        .await
        .expect_error(400, 100, Some(33));
    // The demo account and its token survive.
    g.get(&format!("/{user}"), &[]).await.expect_ok();
    let accounts = admin.send(reqwest::Method::GET, "/accounts", None).await;
    assert_eq!(accounts.body["data"].as_array().unwrap().len(), 1);
    // The log was cleared, then recorded the two calls above.
    let log = admin.send(reqwest::Method::GET, "/requests", None).await;
    assert_eq!(log.body["data"].as_array().unwrap().len(), 2);
}

/// Scenario files and the control plane stage objects through the same validated operations,
/// so what one refuses the other refuses too.
#[tokio::test]
async fn scenario_files_and_the_control_plane_refuse_the_same_input() {
    use instapub_sandbox::{Scenario, ScenarioError, StartError};
    let cases = [
        (
            "/accounts",
            json!({"username": "has space"}),
            r#"{accounts: [{username: "has space"}]}"#,
        ),
        (
            "/media",
            json!({"user": "instapub_demo", "media_type": "GIF", "media_product_type": "FEED"}),
            r#"{media: [{user: "instapub_demo", media_type: "GIF", media_product_type: "FEED"}]}"#,
        ),
        (
            "/media",
            json!({"user": "instapub_demo", "media_type": "IMAGE", "media_product_type": "TIMELINE"}),
            r#"{media: [{user: "instapub_demo", media_type: "IMAGE", media_product_type: "TIMELINE"}]}"#,
        ),
        (
            "/tokens",
            json!({"user": "instapub_demo", "expires_in": 9_000_000_000_i64}),
            r#"{tokens: [{user: "instapub_demo", expires_in: 9000000000}]}"#,
        ),
        (
            "/catalogs",
            json!({"user": "instapub_demo", "name": "Main", "products": [{"name": "Mug", "review_status": "great"}]}),
            r#"{catalogs: [{user: "instapub_demo", name: "Main", products: [{name: "Mug", review_status: "great"}]}]}"#,
        ),
    ];
    let invalid = instapub_errors::Id::ControlInvalid.entry().code;
    for (path, body, scenario) in cases {
        let sb = Sandbox::start().await;
        let answer = crate::common::admin(&sb, reqwest::Method::POST, path, body.clone()).await;
        assert_eq!(answer["error"]["code"], invalid, "{path} {body}: {answer}");
        let started = Sandbox::builder()
            .scenario(Scenario::parse(scenario).unwrap())
            .start()
            .await;
        assert!(
            matches!(
                started,
                Err(StartError::Scenario(ScenarioError::Invalid(_)))
            ),
            "{scenario} was not refused"
        );
    }
}

/// Issue 16, defect 1: durations from outside are range-checked, and no sequence of clock
/// moves wraps time around (expired tokens stay expired, timestamps stay dates).
#[tokio::test]
async fn the_clock_and_expiries_cannot_overflow() {
    let sb = Sandbox::start().await;
    let before = admin(&sb, reqwest::Method::GET, "/clock", json!(null)).await;
    let invalid = instapub_errors::Id::ControlInvalid.entry().code;
    for seconds in [
        json!(10_000_000_000_000_000_i64),
        json!(i64::MAX),
        json!(-1),
        json!(40_000_000_000_i64),
    ] {
        let r = admin(
            &sb,
            reqwest::Method::POST,
            "/clock/advance",
            json!({ "seconds": seconds }),
        )
        .await;
        assert_eq!(r["error"]["code"], invalid, "{seconds}: {r}");
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("1,000 years"),
            "{r}"
        );
    }
    let after = admin(&sb, reqwest::Method::GET, "/clock", json!(null)).await;
    assert_eq!(before["offset_seconds"], after["offset_seconds"]);

    // Many large moves stop at the limit instead of wrapping.
    let year = 365 * 24 * 3600_i64;
    let mut refused = 0;
    for _ in 0..12 {
        let r = admin(
            &sb,
            reqwest::Method::POST,
            "/clock/advance",
            json!({ "seconds": 100 * year }),
        )
        .await;
        if r["error"].is_object() {
            refused += 1;
        }
    }
    assert_eq!(
        refused, 2,
        "ten moves of 100 years fit in 1,000 years, the rest do not"
    );
    let clock = admin(&sb, reqwest::Method::GET, "/clock", json!(null)).await;
    assert!(clock["now"].as_i64().unwrap() > 1000 * year);

    // Token and partnership-code lifetimes are range-checked the same way.
    for body in [
        json!({"user_id": sb.user_id(), "expires_in": i64::MAX}),
        json!({"user_id": sb.user_id(), "expires_in": i64::MIN}),
    ] {
        let r = admin(&sb, reqwest::Method::POST, "/tokens", body).await;
        assert_eq!(r["error"]["code"], invalid, "{r}");
    }
    // An expired token stays expired after the clock moved as far as it can.
    let short = admin(
        &sb,
        reqwest::Method::POST,
        "/tokens",
        json!({"user_id": sb.user_id(), "expires_in": -1}),
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let g = Graph::new(sb.base_url(), &short);
    g.get(&format!("/{}", sb.user_id()), &[("fields", "username")])
        .await
        .expect_error(400, 190, Some(463));
}

/// Issue 16, defect 8: the request log keeps enough of a token to tell requests apart, never
/// the token itself, whether it came in the query, a form body or a JSON body.
#[tokio::test]
async fn the_request_log_masks_tokens() {
    let sb = Sandbox::start().await;
    let token = sb.access_token().to_owned();
    let http = reqwest::Client::new();
    let user = sb.user_id();
    http.get(format!(
        "{}/v25.0/{user}?fields=username&access_token={token}",
        sb.base_url()
    ))
    .send()
    .await
    .unwrap();
    http.post(format!("{}/v25.0/{user}/media_publish", sb.base_url()))
        .form(&[("creation_id", "1"), ("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    http.post(format!("{}/v25.0/{user}/media_publish", sb.base_url()))
        .header("content-type", "application/json")
        .body(json!({"creation_id": "1", "access_token": token}).to_string())
        .send()
        .await
        .unwrap();
    let log = admin(&sb, reqwest::Method::GET, "/requests", json!(null)).await;
    let text = log.to_string();
    assert!(!text.contains(&token), "a token in the log: {text}");
    let shown = format!("{}…{}", &token[..6], &token[token.len() - 4..]);
    assert_eq!(text.matches(&shown).count(), 3, "{text}");
}

/// Issue 16, defect 11: hosted files honour `Range` (video players need it), a trailing slash
/// is not the file, and the media edge's `limit` means what it says.
#[tokio::test]
async fn hosted_files_serve_ranges_and_exact_paths() {
    let sb = Sandbox::start().await;
    let bytes: Vec<u8> = (0..100).collect();
    let url = sb
        .put_file("clip.bin", "video/mp4", bytes.clone())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |range: Option<&'static str>| {
        let mut r = http.get(&url);
        if let Some(v) = range {
            r = r.header("range", v);
        }
        r.send()
    };
    let full = get(None).await.unwrap();
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    for (range, want, content_range) in [
        ("bytes=10-19", &bytes[10..20], "bytes 10-19/100"),
        ("bytes=90-", &bytes[90..], "bytes 90-99/100"),
        ("bytes=-5", &bytes[95..], "bytes 95-99/100"),
        ("bytes=95-500", &bytes[95..], "bytes 95-99/100"),
    ] {
        let r = get(Some(range)).await.unwrap();
        assert_eq!(r.status(), 206, "{range}");
        assert_eq!(r.headers()["content-range"], content_range, "{range}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), want, "{range}");
    }
    let r = get(Some("bytes=100-")).await.unwrap();
    assert_eq!(r.status(), 416);
    assert_eq!(r.headers()["content-range"], "bytes */100");
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], 100, "{body}");
    // Syntax a server may ignore: the whole file.
    assert_eq!(get(Some("bytes=5-1")).await.unwrap().status(), 200);
    assert_eq!(get(Some("bytes=0-1,5-6")).await.unwrap().status(), 200);

    let slash = http.get(format!("{url}/")).send().await.unwrap();
    assert_ne!(slash.status(), 200);
    let body: Value = serde_json::from_str(&slash.text().await.unwrap()).unwrap();
    assert!(body["error"]["code"].is_number(), "{body}");

    let g = Graph::new(sb.base_url(), sb.access_token());
    sb.create_media(instapub_sandbox::NewMedia {
        user_id: Some(sb.user_id().to_owned()),
        media_type: "IMAGE".into(),
        media_product_type: "FEED".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    let media = format!("/{}/media", sb.user_id());
    let zero = g.get(&media, &[("limit", "0")]).await;
    zero.expect_ok();
    assert_eq!(zero.body["data"].as_array().map(Vec::len), Some(0));
    g.get(&media, &[("limit", "-1")])
        .await
        .expect_error(400, 100, None);
    let one = g.get(&media, &[("limit", "1")]).await;
    assert_eq!(one.body["data"].as_array().map(Vec::len), Some(1));
}

/// The Rust handle has every staging operation the control plane has (the ones the Python
/// and Node packages have too), and they answer what the HTTP routes answer.
#[tokio::test]
async fn the_rust_handle_has_every_staging_operation() {
    use instapub_sandbox::{
        NewAccount, NewApp, NewBusiness, NewFacebookUser, NewFault, NewOauthCode, NewPage,
    };
    let sb = Sandbox::start().await;
    let (account, _) = sb
        .create_account(NewAccount {
            username: "helpers_rs".into(),
            ..NewAccount::default()
        })
        .await
        .unwrap();
    let listed = sb.list_accounts().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].username, "helpers_rs");

    let app = sb
        .create_app(NewApp {
            redirect_uris: vec!["https://example.test/callback".into()],
            ..NewApp::default()
        })
        .await
        .unwrap();
    let over_http = admin(&sb, reqwest::Method::GET, "/apps", Value::Null).await;
    assert_eq!(over_http["data"][1]["app_secret"], json!(app.app_secret));
    assert_eq!(sb.list_apps().await.unwrap()[1].app_id, app.app_id);

    let user = sb
        .create_facebook_user(NewFacebookUser { name: "Ann".into() })
        .await
        .unwrap();
    let business = sb
        .create_business(NewBusiness {
            name: "Studio".into(),
            owner_id: user.id.clone(),
        })
        .await
        .unwrap();
    let page = sb
        .create_page(NewPage {
            name: "Ann's Page".into(),
            admin_id: user.id.clone(),
            instagram_user_id: Some(account.id.clone()),
            business_id: Some(business.id.clone()),
            ..NewPage::default()
        })
        .await
        .unwrap();
    assert_eq!(page.ig_account_id.as_deref(), Some(account.id.as_str()));

    let code = sb
        .oauth_code(NewOauthCode {
            login: "facebook".into(),
            user_id: user.id.clone(),
            ..NewOauthCode::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (code.login.as_str(), code.user_id.as_str()),
        ("facebook", user.id.as_str())
    );
    let token = Graph::new(sb.base_url(), "")
        .get(
            "/oauth/access_token",
            &[
                ("client_id", sb.app_id()),
                ("client_secret", sb.app_secret()),
                ("redirect_uri", &code.redirect_uri),
                ("code", &code.code),
            ],
        )
        .await;
    token.expect_ok();

    let settings = sb.app_settings().await.unwrap();
    let over_http = admin(&sb, reqwest::Method::GET, "/app", Value::Null).await;
    assert_eq!(over_http, serde_json::to_value(&settings).unwrap());

    let rule = sb
        .add_fault(serde_json::from_value::<NewFault>(json!({"error": {"code": 2}})).unwrap())
        .unwrap();
    assert!(sb.remove_fault(&rule.id));
    assert!(!sb.remove_fault(&rule.id));

    let before = sb.now();
    sb.advance_clock(std::time::Duration::from_secs(90)).await;
    assert!(sb.now() >= before + 90);
    sb.reset().await.unwrap();
    assert_eq!(sb.list_accounts().await.unwrap().len(), 1);
    assert!(sb.now() < before + 90);
}
