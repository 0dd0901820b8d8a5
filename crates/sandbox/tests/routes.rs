//! The route table's contracts, checked from outside: `docs/ROUTES.md` is generated from it,
//! every fault-rule name it declares fires on a live sandbox, and every route, called once,
//! answers what the OpenAPI document derived from it says.

#![allow(clippy::unwrap_used)]

use crate::common::{
    admin, browser, consent, consent_form, facebook_token, fixture, seeded_media, MediaHost,
};
use instapub_sandbox::internals::{
    APP_NODE, BUSINESS_NODE, COMMENT_NODE, CONTAINER_NODE, FB_USER_NODE, MEDIA_NODE, PAGE_NODE,
    USER_NODE,
};
use instapub_sandbox::routes::{
    answer_schema, CdnRoute, ControlRoute, DashboardRoute, FaultTarget, GraphRoute, Host,
    LoginRoute, NodeKind, Route, Spec, Token, UploadRoute, ROUTES,
};
use instapub_sandbox::{NewComment, Sandbox};
use serde_json::{json, Value};

#[test]
fn docs_routes_md_is_current() {
    let generated = instapub_sandbox::routes::markdown();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ROUTES.md");
    if std::env::var_os("INSTAPUB_BLESS").is_some() {
        std::fs::write(path, &generated).expect("write docs/ROUTES.md");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/ROUTES.md is stale: run `INSTAPUB_BLESS=1 cargo test -p instapub-sandbox --test sandbox docs_routes_md_is_current`"
    );
}

/// A response's body as JSON (`null` when it is not).
async fn json_of(r: reqwest::Response) -> Value {
    serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or(Value::Null)
}

/// A sandbox with one of everything a Graph path can name, and a token of every kind.
struct Stage {
    sb: Sandbox,
    _media_host: MediaHost,
    container: String,
    resumable: String,
    media: String,
    comment: String,
    business: String,
    user_token: String,
    page_token: String,
    /// `{app-id}|{app-secret}`, the app access token anyone holding the secret can write.
    app_token: String,
}

impl Stage {
    async fn new() -> Stage {
        let media_host = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
        let sb = Sandbox::start().await;
        let http = reqwest::Client::new();
        let create = |params: Vec<(&'static str, String)>| {
            let url = format!("{}/v25.0/{}/media", sb.base_url(), sb.user_id());
            let req = http.post(url).form(&params).bearer_auth(sb.access_token());
            async move {
                let v = json_of(req.send().await.unwrap()).await;
                v["id"].as_str().unwrap().to_owned()
            }
        };
        let container = create(vec![("image_url", media_host.url("photo.jpg"))]).await;
        let resumable = create(vec![
            ("media_type", "REELS".into()),
            ("upload_type", "resumable".into()),
        ])
        .await;
        let media = seeded_media(&sb, sb.user_id(), "IMAGE", "FEED", false).await;
        let comments = sb
            .create_comment(NewComment {
                media_id: Some(media.clone()),
                text: "nice".into(),
                ..NewComment::default()
            })
            .await
            .unwrap();
        let comment = comments[0].id.clone();
        let business = admin(
            &sb,
            reqwest::Method::POST,
            "/businesses",
            json!({"name": "Agency", "owner_id": sb.facebook_user_id()}),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let user_token = facebook_token(&sb).await;
        let pages = json_of(
            http.get(format!("{}/v25.0/me/accounts", sb.base_url()))
                .query(&[("access_token", &user_token)])
                .send()
                .await
                .unwrap(),
        )
        .await;
        let page_token = pages["data"][0]["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let app_token = format!("{}|{}", sb.app_id(), sb.app_secret());
        Stage {
            app_token,
            sb,
            _media_host: media_host,
            container,
            resumable,
            media,
            comment,
            business,
            user_token,
            page_token,
        }
    }

    /// The route's documented path with every `{parameter}` filled from the stage.
    fn path(&self, spec: &Spec) -> String {
        let node = spec.node.map(|(kind, _)| kind);
        let segments: Vec<String> = spec
            .path
            .split('/')
            .map(|seg| {
                let id = match (seg, node) {
                    ("{version}", _) => "v25.0",
                    ("{ig-user-id}", _) | ("{node-id}", Some(NodeKind::User)) => self.sb.user_id(),
                    ("{container-id}", _) => &self.resumable,
                    ("{node-id}", Some(NodeKind::Container)) => &self.container,
                    ("{ig-media-id}", _) | ("{node-id}", Some(NodeKind::Media)) => &self.media,
                    ("{ig-comment-id}", _) | ("{node-id}", Some(NodeKind::Comment)) => {
                        &self.comment
                    }
                    ("{facebook-user-id}", _) | ("{node-id}", Some(NodeKind::FbUser)) => {
                        self.sb.facebook_user_id()
                    }
                    ("{node-id}", Some(NodeKind::Page)) => self.sb.page_id(),
                    ("{node-id}", Some(NodeKind::App)) | ("{app-id}", _) => self.sb.app_id(),
                    ("{page-id}", _) => self.sb.page_id(),
                    ("{business-id}", _) | ("{node-id}", Some(NodeKind::Business)) => {
                        &self.business
                    }
                    (other, _) => other,
                };
                id.to_owned()
            })
            .collect();
        let path = segments.join("/");
        match spec.hosts.first() {
            Some(Host::Instagram) => format!("/graph.instagram.com{path}"),
            _ => path,
        }
    }

    /// One request of the route by its first method, with a credential of the first kind it
    /// takes.
    fn request(&self, spec: &Spec) -> reqwest::RequestBuilder {
        self.request_by(spec, &spec.methods[0])
    }

    /// The same by `method`: the app's own credentials go in the query of a GET and as HTTP
    /// Basic with any other method, as OAuth 2 clients send them.
    fn request_by(&self, spec: &Spec, method: &reqwest::Method) -> reqwest::RequestBuilder {
        let url = format!("{}{}", self.sb.base_url(), self.path(spec));
        let req = reqwest::Client::new().request(method.clone(), url);
        let token = match spec.tokens.first() {
            Some(Token::Instagram) => Some(self.sb.access_token()),
            Some(Token::FacebookUser) => Some(self.user_token.as_str()),
            Some(Token::Page) => Some(self.page_token.as_str()),
            Some(Token::Admin) => Some(self.sb.admin_key()),
            // A route the pipeline authenticates takes an app access token.
            Some(Token::App) if !spec.is_public() => Some(self.app_token.as_str()),
            _ => None,
        };
        match token {
            // The upload host takes `Authorization: OAuth`, Graph a bearer token too.
            Some(t) => req.header("authorization", format!("OAuth {t}")),
            None if *method == reqwest::Method::GET => req.query(&[
                ("client_id", self.sb.app_id()),
                ("client_secret", self.sb.app_secret()),
            ]),
            None => req.basic_auth(self.sb.app_id(), Some(self.sb.app_secret())),
        }
    }
}

/// Parameters where a client sends them by `method`: the query of a GET, a form body otherwise.
fn with_params(
    req: reqwest::RequestBuilder,
    method: &reqwest::Method,
    pairs: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    if *method == reqwest::Method::GET {
        req.query(pairs)
    } else {
        req.form(pairs)
    }
}

#[tokio::test]
async fn every_fault_name_fires_on_its_routes() {
    let stage = Stage::new().await;
    let targets = FaultTarget::all();
    assert!(targets.contains(&FaultTarget::Upload));
    for target in targets {
        let spec = ROUTES.iter().find(|s| s.fault == Some(target)).unwrap();
        let rule = admin(
            &stage.sb,
            reqwest::Method::POST,
            "/faults",
            json!({"match": {"endpoint": target.as_str()}, "error": {"code": 1}, "times": 1}),
        )
        .await;
        assert!(rule["id"].is_string(), "{target:?}: {rule}");
        let r = stage.request(spec).send().await.unwrap();
        let status = r.status();
        let body = json_of(r).await;
        let fired = body["error"]["code"] == json!(1)
            || body["debug_info"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("An unknown error occurred"));
        assert!(
            fired,
            "a rule for {target:?} did not fire on {} {}: {status} {body}",
            spec.methods[0], spec.path
        );
        // The rule is spent: the same request now reaches the handler.
        let again = json_of(stage.request(spec).send().await.unwrap()).await;
        assert_ne!(again["error"]["code"], json!(1), "{target:?}: {again}");
    }
}

/// What the answer test learns from one call and needs for a later one.
#[derive(Default)]
struct Learned {
    published: Option<String>,
    fault: Option<String>,
    instagram_long_lived: Option<String>,
}

/// Routes whose call changes what the others answer: they run last, in this order (the clock
/// moves a day for the token refresh; deletes and the revocation remove the others' subjects).
fn late(route: Route) -> Option<usize> {
    [
        Route::Control(ControlRoute::AdvanceClock),
        Route::Graph(GraphRoute::IgRefreshToken),
        Route::Graph(GraphRoute::DeleteComment),
        Route::Graph(GraphRoute::DeleteMedia),
        Route::Graph(GraphRoute::RevokePermissions),
        Route::Control(ControlRoute::DeleteFault),
        Route::Control(ControlRoute::Reset),
    ]
    .iter()
    .position(|r| *r == route)
}

/// Every field a node type has, as one `fields` value (insights with a metric, as Graph
/// requires).
fn all_fields(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| {
            if *f == "insights" {
                "insights.metric(reach)"
            } else {
                f
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Stage {
    /// An Instagram Login token of the demo account, short-lived, as api.instagram.com answers
    /// a code.
    async fn instagram_short_lived(&self) -> String {
        let code = admin(
            &self.sb,
            reqwest::Method::POST,
            "/oauth/codes",
            json!({"login": "instagram", "user_id": self.sb.user_id()}),
        )
        .await;
        let answer = json_of(
            reqwest::Client::new()
                .post(format!(
                    "{}/oauth/access_token",
                    self.sb.host_url("api.instagram.com")
                ))
                .form(&[
                    ("client_id", self.sb.app_id()),
                    ("client_secret", self.sb.app_secret()),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", code["redirect_uri"].as_str().unwrap()),
                    ("code", code["code"].as_str().unwrap()),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        answer["access_token"].as_str().unwrap().to_owned()
    }

    /// One call of a route that should succeed, built from the stage and what earlier calls
    /// taught. The `match` is exhaustive: a new route does not compile here until it has an
    /// example.
    async fn example(
        &self,
        spec: &Spec,
        method: &reqwest::Method,
        learned: &mut Learned,
    ) -> reqwest::RequestBuilder {
        let sb = &self.sb;
        let base = sb.base_url();
        let req = self.request_by(spec, method);
        let admin_json = |body: Value| {
            reqwest::Client::new()
                .request(spec.methods[0].clone(), format!("{base}{}", spec.path))
                .header("authorization", format!("Bearer {}", sb.admin_key()))
                .header("content-type", "application/json")
                .body(body.to_string())
        };
        match spec.route {
            Route::Graph(g) => match g {
                GraphRoute::CreateMedia => {
                    req.form(&[("image_url", self._media_host.url("photo.jpg"))])
                }
                GraphRoute::MediaPublish => req.form(&[("creation_id", &self.container)]),
                GraphRoute::UserMedia | GraphRoute::UserStories | GraphRoute::MediaChildren => {
                    req.query(&[("fields", all_fields(MEDIA_NODE.fields))])
                }
                GraphRoute::UserRead => req.query(&[("fields", all_fields(USER_NODE.fields))]),
                GraphRoute::ContainerRead => {
                    req.query(&[("fields", all_fields(CONTAINER_NODE.fields))])
                }
                GraphRoute::MediaRead => req.query(&[("fields", all_fields(MEDIA_NODE.fields))]),
                GraphRoute::CommentRead
                | GraphRoute::MediaComments
                | GraphRoute::CommentReplies => {
                    req.query(&[("fields", all_fields(COMMENT_NODE.fields))])
                }
                GraphRoute::ContentPublishingLimit => {
                    req.query(&[("fields", "quota_usage,config")])
                }
                GraphRoute::AvailableCatalogs => req,
                GraphRoute::CatalogProductSearch => {
                    let catalogs = json_of(
                        self.request(&ROUTES[route_index(GraphRoute::AvailableCatalogs)])
                            .send()
                            .await
                            .unwrap(),
                    )
                    .await;
                    let id = catalogs["data"][0]["catalog_id"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    req.query(&[("catalog_id", id.as_str()), ("q", "mug")])
                }
                GraphRoute::UserInsights => {
                    req.query(&[("metric", "reach,follower_count"), ("period", "day")])
                }
                GraphRoute::MediaInsights => req.query(&[("metric", "reach,likes")]),
                GraphRoute::UpdateMedia => req.form(&[("comment_enabled", "true")]),
                GraphRoute::CreateComment | GraphRoute::CreateReply => {
                    req.form(&[("message", "thanks!")])
                }
                GraphRoute::HideComment => req.form(&[("hide", "false")]),
                GraphRoute::DeleteMedia
                | GraphRoute::DeleteComment
                | GraphRoute::FbUserPermissions
                | GraphRoute::RevokePermissions => req,
                GraphRoute::OauthAccessToken => {
                    let code = admin(
                        sb,
                        reqwest::Method::POST,
                        "/oauth/codes",
                        json!({"login": "facebook", "user_id": sb.facebook_user_id()}),
                    )
                    .await;
                    with_params(
                        req,
                        method,
                        &[
                            ("redirect_uri", code["redirect_uri"].as_str().unwrap()),
                            ("code", code["code"].as_str().unwrap()),
                        ],
                    )
                }
                GraphRoute::DebugToken => req.query(&[
                    ("input_token", self.page_token.clone()),
                    (
                        "access_token",
                        format!("{}|{}", sb.app_id(), sb.app_secret()),
                    ),
                ]),
                GraphRoute::IgAccessToken => {
                    let short = self.instagram_short_lived().await;
                    with_params(
                        req,
                        method,
                        &[
                            ("grant_type", "ig_exchange_token"),
                            ("access_token", short.as_str()),
                        ],
                    )
                }
                GraphRoute::IgRefreshToken => {
                    let long = learned.instagram_long_lived.clone().unwrap();
                    with_params(
                        req,
                        method,
                        &[("grant_type", "ig_refresh_token"), ("access_token", &long)],
                    )
                }
                GraphRoute::FbUserRead => req.query(&[("fields", all_fields(FB_USER_NODE.fields))]),
                GraphRoute::FbUserAccounts
                | GraphRoute::BusinessOwnedPages
                | GraphRoute::BusinessClientPages
                | GraphRoute::PageRead => req.query(&[("fields", all_fields(PAGE_NODE.fields))]),
                GraphRoute::FbUserBusinesses | GraphRoute::BusinessRead => {
                    req.query(&[("fields", all_fields(BUSINESS_NODE.fields))])
                }
                GraphRoute::Ids => req
                    .query(&[
                        ("ids", format!("{},{}", sb.user_id(), self.media)),
                        ("fields", "id".into()),
                    ])
                    .bearer_auth(sb.access_token()),
                GraphRoute::Batch => req.form(&[
                    ("access_token", sb.access_token().to_owned()),
                    (
                        "batch",
                        json!([
                            {"method": "GET", "relative_url": format!("{}?fields=username", sb.user_id())},
                            {"method": "GET", "relative_url": "1"},
                        ])
                        .to_string(),
                    ),
                ]),
                GraphRoute::AppRead => req.query(&[("fields", all_fields(APP_NODE.fields))]),
                GraphRoute::AppSubscriptions
                | GraphRoute::Unsubscribe
                | GraphRoute::PageSubscribedApps
                | GraphRoute::PageUninstall
                | GraphRoute::IgSubscribedApps
                | GraphRoute::IgUninstall => req,
                GraphRoute::Subscribe => req.form(&[
                    ("object", "instagram".to_owned()),
                    ("callback_url", self._media_host.hook()),
                    ("fields", "comments".to_owned()),
                    ("verify_token", "routes".to_owned()),
                ]),
                GraphRoute::PageInstall => req.form(&[("subscribed_fields", "feed")]),
                GraphRoute::IgInstall => req.form(&[("subscribed_fields", "comments")]),
                GraphRoute::IgAudio => {
                    req.query(&[("audio_type", "music"), ("user_id", sb.user_id())])
                }
            },
            Route::Upload(u) => match u {
                UploadRoute::Bytes => {
                    let bytes = fixture("mp4_reel_valid.mp4");
                    req.header("offset", "0")
                        .header("file_size", bytes.len().to_string())
                        .body(bytes)
                }
                UploadRoute::Status => req,
            },
            Route::Login(l) => {
                let (page, query) = match l {
                    LoginRoute::FacebookDialog | LoginRoute::FacebookConsent => (
                        format!("{}/v25.0/dialog/oauth", sb.host_url("www.facebook.com")),
                        "pages_show_list,instagram_basic",
                    ),
                    LoginRoute::InstagramAuthorizeApiHost => (
                        format!("{}/oauth/authorize", sb.host_url("api.instagram.com")),
                        "instagram_business_basic",
                    ),
                    LoginRoute::InstagramAuthorize | LoginRoute::InstagramConsent => (
                        format!("{}/oauth/authorize", sb.host_url("www.instagram.com")),
                        "instagram_business_basic",
                    ),
                    LoginRoute::InstagramToken => {
                        let code = admin(
                            sb,
                            reqwest::Method::POST,
                            "/oauth/codes",
                            json!({"login": "instagram", "user_id": sb.user_id()}),
                        )
                        .await;
                        return with_params(
                            reqwest::Client::new()
                                .request(method.clone(), format!("{base}{}", spec.path)),
                            method,
                            &[
                                ("client_id", sb.app_id()),
                                ("client_secret", sb.app_secret()),
                                ("grant_type", "authorization_code"),
                                ("redirect_uri", code["redirect_uri"].as_str().unwrap()),
                                ("code", code["code"].as_str().unwrap()),
                            ],
                        );
                    }
                };
                let query = [
                    ("client_id", sb.app_id()),
                    ("redirect_uri", "http://localhost/callback"),
                    ("scope", query),
                    ("state", "s1"),
                    ("response_type", "code"),
                ];
                match l {
                    LoginRoute::FacebookConsent | LoginRoute::InstagramConsent => {
                        // The consent page's own form, filled as a person would; the answer
                        // test then repeats its last step.
                        let location = consent(&page, &query, None, &[], "allow").await;
                        assert!(
                            location.query().unwrap_or("").contains("code="),
                            "{location}"
                        );
                        let page_html = browser()
                            .get(&page)
                            .query(&query)
                            .send()
                            .await
                            .unwrap()
                            .text()
                            .await
                            .unwrap();
                        let form = consent_form(&page_html, None, &[], "allow");
                        browser().post(&page).form(&form)
                    }
                    _ => browser().get(&page).query(&query),
                }
            }
            Route::Cdn(CdnRoute::Media) => {
                let id = learned.published.clone().unwrap();
                let media = json_of(
                    reqwest::Client::new()
                        .get(format!("{base}/v25.0/{id}"))
                        .query(&[("fields", "media_url"), ("access_token", sb.access_token())])
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                reqwest::Client::new().get(media["media_url"].as_str().unwrap())
            }
            Route::Control(c) => {
                let user = sb.user_id();
                let fb_user = sb.facebook_user_id();
                let control = |path: String| {
                    reqwest::Client::new()
                        .request(spec.methods[0].clone(), format!("{base}{path}"))
                        .header("authorization", format!("Bearer {}", sb.admin_key()))
                };
                match c {
                    ControlRoute::CreateAccount => admin_json(json!({"username": "schema_check"})),
                    ControlRoute::PatchAccount => control(format!("/_sandbox/accounts/{user}"))
                        .body(json!({"biography": "Checked against the document"}).to_string()),
                    ControlRoute::CreateToken => {
                        admin_json(json!({"user_id": user, "expires_in": 3600}))
                    }
                    ControlRoute::CreateCatalog => admin_json(json!({
                        "user_id": user, "name": "Shop",
                        "products": [{"name": "Mug", "retailer_id": "mug-1"}],
                    })),
                    ControlRoute::CreateMedia => admin_json(json!({
                        "user_id": user, "media_type": "IMAGE", "media_product_type": "FEED",
                    })),
                    ControlRoute::PatchMedia => control(format!("/_sandbox/media/{}", self.media))
                        .body(json!({"like_count": 3}).to_string()),
                    ControlRoute::CreateComment => {
                        admin_json(json!({"media_id": self.media, "text": "hey"}))
                    }
                    ControlRoute::CreatePartnershipCode => {
                        admin_json(json!({"media_id": self.media}))
                    }
                    ControlRoute::CreateApp => {
                        admin_json(json!({"redirect_uris": ["http://localhost/cb"]}))
                    }
                    ControlRoute::CreateFacebookUser => admin_json(json!({"name": "Ann"})),
                    ControlRoute::CreatePage => admin_json(json!({
                        "name": "Ann's Page", "admin_id": fb_user, "business_id": self.business,
                    })),
                    ControlRoute::CreateBusiness => {
                        admin_json(json!({"name": "Studio", "owner_id": fb_user}))
                    }
                    ControlRoute::CreateOauthCode => {
                        admin_json(json!({"login": "facebook", "user_id": fb_user}))
                    }
                    ControlRoute::PatchApp => admin_json(json!({"ads_audio_swap_enabled": true})),
                    ControlRoute::AddFault => admin_json(json!({
                        "match": {"endpoint": "ig_audio", "user_id": "nobody"}, "error": {"code": 1},
                    })),
                    ControlRoute::DeleteFault => control(format!(
                        "/_sandbox/faults/{}",
                        learned.fault.clone().unwrap()
                    )),
                    ControlRoute::AdvanceClock => admin_json(json!({"seconds": 90_000})),
                    ControlRoute::SubscribeWebhooks => admin_json(json!({
                        "callback_url": self._media_host.hook(), "verify_token": "routes",
                    })),
                    ControlRoute::TestWebhook => admin_json(json!({"field": "comments"})),
                    ControlRoute::TriggerWebhook => admin_json(json!({"field": "mentions"})),
                    ControlRoute::WebhookDeliveries => control(spec.path.into()),
                    ControlRoute::RedeliverWebhook => {
                        let log = json_of(
                            reqwest::Client::new()
                                .get(format!("{base}/_sandbox/webhooks/deliveries"))
                                .bearer_auth(sb.admin_key())
                                .send()
                                .await
                                .unwrap(),
                        )
                        .await;
                        let id = log["data"][0]["id"].as_str().unwrap().to_owned();
                        control(format!("/_sandbox/webhooks/deliveries/{id}/redeliver"))
                    }
                    ControlRoute::PutFile => control("/_sandbox/files/schema.txt".into())
                        .header("content-type", "text/plain")
                        .body("checked"),
                    ControlRoute::GetFile => {
                        reqwest::Client::new().get(format!("{base}/_sandbox/files/schema.txt"))
                    }
                    ControlRoute::ListAccounts
                    | ControlRoute::ListApps
                    | ControlRoute::GetApp
                    | ControlRoute::ListFaults
                    | ControlRoute::GetClock
                    | ControlRoute::Reset
                    | ControlRoute::Requests
                    | ControlRoute::Report
                    | ControlRoute::ResetReport
                    | ControlRoute::OpenApi => control(spec.path.into()),
                }
            }
            Route::Dashboard(d) => {
                let cookie = |path: String| {
                    browser()
                        .get(format!("{base}{path}"))
                        .header("cookie", format!("instapub_admin={}", sb.admin_key()))
                };
                match d {
                    DashboardRoute::Home | DashboardRoute::Events => cookie(spec.path.into()),
                    DashboardRoute::Post => cookie(format!("/_sandbox/ui/post/{}", self.media)),
                    DashboardRoute::Page => cookie("/_sandbox/ui/timeline".into()),
                    DashboardRoute::SignIn => browser()
                        .post(format!("{base}{}", spec.path))
                        .form(&[("key", sb.admin_key())]),
                }
            }
        }
    }
}

fn route_index(g: GraphRoute) -> usize {
    ROUTES
        .iter()
        .position(|s| s.route == Route::Graph(g))
        .unwrap()
}

/// OpenAPI 3.0's `nullable` in JSON Schema's words, so a validator of JSON Schema reads it.
fn json_schema(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.remove("nullable") == Some(json!(true)) {
                if let Some(Value::String(t)) = m.get("type").cloned() {
                    m.insert("type".into(), json!([t, "null"]));
                }
            }
            m.values_mut().for_each(json_schema);
        }
        Value::Array(a) => a.iter_mut().for_each(json_schema),
        _ => {}
    }
}

#[tokio::test]
async fn every_route_answers_as_documented() {
    let stage = Stage::new().await;
    let sb = &stage.sb;
    let doc: Value = json_of(
        reqwest::get(format!("{}/_sandbox/openapi.json", sb.base_url()))
            .await
            .unwrap(),
    )
    .await;
    let mut components = doc["components"].clone();
    json_schema(&mut components);
    // The stage's image container is processed before it is published.
    for _ in 0..100 {
        let status = json_of(
            reqwest::Client::new()
                .get(format!("{}/v25.0/{}", sb.base_url(), stage.container))
                .query(&[
                    ("fields", "status_code"),
                    ("access_token", sb.access_token()),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        if status["status_code"] == "FINISHED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    admin(
        sb,
        reqwest::Method::POST,
        "/catalogs",
        json!({"user_id": sb.user_id(), "name": "Mugs", "products": [{"name": "Blue mug", "retailer_id": "mug-1"}]}),
    )
    .await;

    let mut order: Vec<&Spec> = ROUTES.iter().collect();
    order.sort_by_key(|s| late(s.route));
    let mut learned = Learned::default();
    let mut checked = 0;
    let calls = order
        .into_iter()
        .flat_map(|spec| spec.methods.iter().map(move |m| (spec, m)));
    for (spec, method) in calls {
        let what = format!("{method} {} ({:?})", spec.path, spec.route);
        let operation = &doc["paths"][spec.path][method.as_str().to_ascii_lowercase()];
        assert!(operation.is_object(), "{what} is not in the document");
        let r = stage
            .example(spec, method, &mut learned)
            .await
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if spec.route == Route::Dashboard(DashboardRoute::Events) {
            // The stream never ends: its head is the answer.
            assert_eq!(
                (status, content_type.as_str()),
                (200, "text/event-stream"),
                "{what}"
            );
            checked += 1;
            continue;
        }
        let text = r.text().await.unwrap();
        let Some(schema) = answer_schema(spec.route) else {
            let declared: Vec<&String> =
                operation["responses"].as_object().unwrap().keys().collect();
            assert!(
                declared.iter().any(|k| k.as_str() == status.to_string()),
                "{what}: {status} is not a declared answer ({declared:?}): {text}"
            );
            assert!(status < 400, "{what}: {status} {text}");
            if status == 200 {
                let media = operation["responses"]["200"]["content"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone();
                assert!(
                    media == "*/*" || content_type.starts_with(&media),
                    "{what}: {content_type}, documented {media}"
                );
            }
            checked += 1;
            continue;
        };
        assert_eq!(status, 200, "{what}: {text}");
        assert!(
            content_type.starts_with("application/json"),
            "{what}: {content_type}"
        );
        // The document's operation answers this schema (alone, or as one of a shared path's).
        let documented = &operation["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(
            *documented == schema
                || documented["anyOf"]
                    .as_array()
                    .is_some_and(|a| a.contains(&schema)),
            "{what}: the document says {documented}, the route's row {schema}"
        );
        let answer: Value = serde_json::from_str(&text).unwrap();
        let mut root = schema.clone();
        root["components"] = components.clone();
        let validator = jsonschema::validator_for(&root)
            .unwrap_or_else(|e| panic!("{what}: the schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&answer)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} answered outside its schema {schema}:\n{}\n{answer}",
            errors.join("\n")
        );
        match spec.route {
            Route::Graph(GraphRoute::MediaPublish) => {
                learned.published = answer["id"].as_str().map(str::to_owned)
            }
            // The long-lived token to refresh (by GET, then by POST: a refresh leaves the
            // token it was given working).
            Route::Graph(GraphRoute::IgAccessToken) => {
                learned.instagram_long_lived = answer["access_token"].as_str().map(str::to_owned)
            }
            Route::Control(ControlRoute::AddFault) => {
                learned.fault = answer["id"].as_str().map(str::to_owned)
            }
            _ => {}
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        ROUTES.iter().map(|s| s.methods.len()).sum::<usize>()
    );
}

/// The node answer types list exactly the fields the node types serve (and refuse others
/// with), so the document and `fields=` agree.
#[tokio::test]
async fn node_schemas_have_the_node_types_fields() {
    let sb = Sandbox::start().await;
    let doc = json_of(
        reqwest::get(format!("{}/_sandbox/openapi.json", sb.base_url()))
            .await
            .unwrap(),
    )
    .await;
    for (schema, node) in [
        ("IgUser", &USER_NODE),
        ("IgMedia", &MEDIA_NODE),
        ("IgContainer", &CONTAINER_NODE),
        ("IgComment", &COMMENT_NODE),
        ("FacebookUser", &FB_USER_NODE),
        ("FacebookPage", &PAGE_NODE),
        ("FacebookBusiness", &BUSINESS_NODE),
        ("FacebookApp", &APP_NODE),
    ] {
        let mut documented: Vec<&str> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut served = node.fields.to_vec();
        documented.sort_unstable();
        served.sort_unstable();
        assert_eq!(documented, served, "{schema} vs {}", node.name);
    }
}
