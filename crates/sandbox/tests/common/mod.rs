//! Test helpers: a loopback media host and a tiny Graph client.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use instapub_sandbox::{NewAccount, NewMedia, NewPartnershipCode, NewToken, Sandbox};
use serde_json::Value;

/// A fixture file's bytes, from the media crate's committed fixtures.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../media/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Serves files on loopback: `/f/NAME` (the bytes), `/slow/NAME` (after 2 s),
/// `/missing` (404), and a second port that accepts connections and closes them.
pub struct MediaHost {
    pub base: String,
    pub closing: String,
}

impl MediaHost {
    pub async fn start(files: Vec<(&str, Vec<u8>)>) -> MediaHost {
        let files: Arc<HashMap<String, Vec<u8>>> =
            Arc::new(files.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
        async fn serve(
            State(files): State<Arc<HashMap<String, Vec<u8>>>>,
            Path(name): Path<String>,
        ) -> impl IntoResponse {
            match files.get(&name) {
                Some(b) => (StatusCode::OK, b.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        async fn slow(
            state: State<Arc<HashMap<String, Vec<u8>>>>,
            name: Path<String>,
        ) -> impl IntoResponse {
            tokio::time::sleep(Duration::from_secs(2)).await;
            serve(state, name).await
        }
        /// `/hop/N/NAME` redirects N times, then to `/f/NAME`.
        async fn hop(Path((n, name)): Path<(u32, String)>) -> impl IntoResponse {
            let next = if n == 0 {
                format!("/f/{name}")
            } else {
                format!("/hop/{}/{name}", n - 1)
            };
            (StatusCode::FOUND, [(axum::http::header::LOCATION, next)])
        }
        /// A webhook callback that answers Meta's handshake and takes deliveries.
        async fn hook(
            axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
        ) -> String {
            q.get("hub.challenge").cloned().unwrap_or_default()
        }
        let app = Router::new()
            .route("/hook", get(hook).post(|| async { "ok" }))
            .route("/f/{name}", get(serve))
            .route("/slow/{name}", get(slow))
            .route("/hop/{n}/{name}", get(hop))
            .with_state(files);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let closer = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let closing = format!("http://{}/video.mp4", closer.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((socket, _)) = closer.accept().await {
                drop(socket);
            }
        });
        MediaHost { base, closing }
    }

    /// A callback that echoes `hub.challenge` and acknowledges every delivery.
    pub fn hook(&self) -> String {
        format!("{}/hook", self.base)
    }

    pub fn url(&self, name: &str) -> String {
        format!("{}/f/{name}", self.base)
    }

    /// A URL that redirects `n` times before serving `name`.
    pub fn redirected(&self, n: u32, name: &str) -> String {
        format!("{}/hop/{n}/{name}", self.base)
    }

    pub fn slow(&self, name: &str) -> String {
        format!("{}/slow/{name}", self.base)
    }
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Reads a response whole.
    pub async fn read(r: reqwest::Response) -> Reply {
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, body, text }
    }

    /// `(code, subcode)` of an error body.
    pub fn error(&self) -> (i64, Option<i64>) {
        let e = &self.body["error"];
        (e["code"].as_i64().unwrap_or(0), e["error_subcode"].as_i64())
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_default().to_owned()
    }

    #[track_caller]
    pub fn expect_error(&self, status: u16, code: i64, subcode: Option<i64>) -> &Self {
        assert_eq!(
            (self.status, self.error()),
            (status, (code, subcode)),
            "unexpected answer: {}",
            self.text
        );
        assert!(
            instapub_errors::envelope::is_fbtrace_id(
                self.body["error"]["fbtrace_id"].as_str().unwrap_or("")
            ),
            "{}",
            self.text
        );
        self
    }

    #[track_caller]
    pub fn expect_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{}", self.text);
        self
    }
}

/// A minimal Graph client for tests.
#[derive(Clone)]
pub struct Graph {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Graph {
    pub fn new(base: &str, token: &str) -> Graph {
        Graph {
            base: base.to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub fn with_token(&self, token: &str) -> Graph {
        Graph {
            token: token.to_owned(),
            ..self.clone()
        }
    }

    async fn reply(r: reqwest::Response) -> Reply {
        Reply::read(r).await
    }

    /// POST with form parameters (and the token as a parameter).
    pub async fn post(&self, path: &str, params: &[(&str, &str)]) -> Reply {
        let mut form: Vec<(&str, &str)> = params.to_vec();
        form.push(("access_token", &self.token));
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}/v25.0{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        Self::reply(r).await
    }

    /// GET with query parameters and a Bearer token.
    pub async fn get(&self, path: &str, params: &[(&str, &str)]) -> Reply {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let r = self
            .http
            .get(format!("{}{path}?{query}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        Self::reply(r).await
    }

    /// Any request, raw.
    pub async fn raw(&self, req: reqwest::RequestBuilder) -> Reply {
        Self::reply(req.send().await.unwrap()).await
    }

    pub async fn status_code(&self, container: &str) -> String {
        let r = self
            .get(&format!("/{container}"), &[("fields", "status_code")])
            .await;
        r.body["status_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Polls until the container leaves IN_PROGRESS (real time, bounded).
    pub async fn wait_processed(&self, container: &str) -> String {
        for _ in 0..200 {
            let s = self.status_code(container).await;
            if s != "IN_PROGRESS" {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("container {container} stayed IN_PROGRESS");
    }
}

/// A control-plane call with the sandbox's admin key; the answer as JSON.
pub async fn admin(sb: &Sandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("{}/_sandbox{path}", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

/// A new account with a full-permission token: `(id, token)`.
pub async fn account(sb: &Sandbox, username: &str) -> (String, String) {
    let (a, t) = sb
        .create_account(NewAccount {
            username: username.to_owned(),
            ..NewAccount::default()
        })
        .await
        .unwrap();
    (a.id, t.token)
}

/// A token of `user_id` with these permissions, expiring after `expires_in` if given.
pub async fn token(
    sb: &Sandbox,
    user_id: &str,
    permissions: &[&str],
    expires_in: Option<Duration>,
) -> String {
    sb.create_token(NewToken {
        user_id: Some(user_id.to_owned()),
        permissions: Some(permissions.iter().map(|p| p.to_string()).collect()),
        expires_in: expires_in.map(|d| d.as_secs() as i64),
        ..NewToken::default()
    })
    .await
    .unwrap()
    .token
}

/// A media object of `user_id` that was not published through the API (a reel with or
/// without copyrighted music, a photo): its id.
pub async fn seeded_media(
    sb: &Sandbox,
    user_id: &str,
    media_type: &str,
    product_type: &str,
    copyrighted_music: bool,
) -> String {
    sb.create_media(NewMedia {
        user_id: Some(user_id.to_owned()),
        media_type: media_type.to_owned(),
        media_product_type: product_type.to_owned(),
        copyrighted_music,
        ..NewMedia::default()
    })
    .await
    .unwrap()
    .id
}

/// A partnership ad code for a media object, expiring after `expires_in` seconds if given.
pub async fn partnership_code(sb: &Sandbox, media_id: &str, expires_in: Option<i64>) -> String {
    sb.create_partnership_code(NewPartnershipCode {
        media_id: media_id.to_owned(),
        code: None,
        expires_in,
    })
    .await
    .unwrap()
    .code
}

/// A long-lived Facebook Login user token of the demo Facebook user, obtained the way an app
/// does: a code (minted on the control plane), exchanged, then exchanged for a long-lived one.
pub async fn facebook_token(sb: &Sandbox) -> String {
    let code = admin(
        sb,
        reqwest::Method::POST,
        "/oauth/codes",
        serde_json::json!({"login": "facebook", "user_id": sb.facebook_user_id()}),
    )
    .await;
    let http = reqwest::Client::new();
    let short: Value = http
        .get(format!("{}/v25.0/oauth/access_token", sb.base_url()))
        .query(&[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("redirect_uri", code["redirect_uri"].as_str().unwrap()),
            ("code", code["code"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let long: Value = http
        .get(format!("{}/v25.0/oauth/access_token", sb.base_url()))
        .query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("fb_exchange_token", short["access_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    long["access_token"].as_str().unwrap().to_owned()
}

/// An HTTP client that does not follow redirects (the consent page's answer is one).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A consent page's form filled as a person would: its hidden fields, every requested scope
/// checked unless `uncheck` names it, the first account unless `account` picks one, and the
/// decision.
pub fn consent_form(
    html: &str,
    account: Option<&str>,
    uncheck: &[&str],
    decision: &str,
) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = Vec::new();
    let mut first_radio = None;
    for tag in html.split('<').filter(|t| t.starts_with("input")) {
        let attr = |name: &str| -> Option<String> {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            let end = tag[start..].find('"')? + start;
            Some(
                tag[start..end]
                    .replace("&amp;", "&")
                    .replace("&quot;", "\""),
            )
        };
        let (Some(kind), Some(name)) = (attr("type"), attr("name")) else {
            continue;
        };
        let value = attr("value").unwrap_or_default();
        match kind.as_str() {
            "hidden" => form.push((name, value)),
            "radio" if first_radio.is_none() => first_radio = Some(value),
            "checkbox" if !uncheck.iter().any(|u| name == format!("grant_{u}")) => {
                form.push((name, value))
            }
            _ => {}
        }
    }
    let chosen = account.map(str::to_owned).or(first_radio).unwrap();
    form.push(("account".into(), chosen));
    form.push(("decision".into(), decision.into()));
    form
}

/// Fills and submits a consent page the way a person would: every requested scope checked
/// unless `uncheck` names it, the first account unless `account` picks one.
pub async fn consent(
    page_url: &str,
    query: &[(&str, &str)],
    account: Option<&str>,
    uncheck: &[&str],
    decision: &str,
) -> url::Url {
    let http = browser();
    let page = http.get(page_url).query(query).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    let form = consent_form(&html, account, uncheck, decision);
    let answer = http.post(page_url).form(&form).send().await.unwrap();
    assert_eq!(
        answer.status().as_u16(),
        302,
        "{}",
        answer.text().await.unwrap()
    );
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    url::Url::parse(&location).unwrap()
}

/// A Page token of the demo Page, as an app gets one: Facebook Login, then `/me/accounts`.
pub async fn page_token(sb: &Sandbox) -> String {
    let user = facebook_token(sb).await;
    let pages: Value = reqwest::Client::new()
        .get(format!("{}/v25.0/me/accounts", sb.base_url()))
        .query(&[("access_token", user.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    pages["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One request a [`Receiver`] got: its method, query, headers and raw body.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub query: HashMap<String, String>,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on loopback: answers Meta's handshake with the challenge (when the
/// verify token matches), records every request, and answers deliveries with a status that
/// a test can change.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<std::sync::Mutex<Vec<Received>>>,
    arrived: Arc<tokio::sync::Notify>,
    status: Arc<std::sync::atomic::AtomicU16>,
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
    /// Deliveries whose body holds this text are answered 500 whatever `status` says.
    failing: Arc<std::sync::Mutex<Option<String>>>,
}

impl Receiver {
    pub async fn start(verify_token: &str) -> Receiver {
        let r = Receiver {
            url: String::new(),
            got: Arc::default(),
            arrived: Arc::default(),
            status: Arc::new(std::sync::atomic::AtomicU16::new(200)),
            delay_ms: Arc::default(),
            failing: Arc::default(),
        };
        let state = (r.clone(), verify_token.to_owned());
        async fn any(
            State((r, token)): State<(Receiver, String)>,
            method: axum::http::Method,
            axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
            headers: axum::http::HeaderMap,
            body: axum::body::Bytes,
        ) -> axum::response::Response {
            let got = Received {
                method: method.to_string(),
                query: query.clone(),
                headers,
                body: body.to_vec(),
            };
            r.got.lock().unwrap().push(got);
            r.arrived.notify_waiters();
            if method == axum::http::Method::GET {
                return if query.get("hub.verify_token") == Some(&token) {
                    query
                        .get("hub.challenge")
                        .cloned()
                        .unwrap_or_default()
                        .into_response()
                } else {
                    (StatusCode::FORBIDDEN, "Invalid verify token").into_response()
                };
            }
            let delay = r.delay_ms.load(std::sync::atomic::Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            let mut status = r.status.load(std::sync::atomic::Ordering::SeqCst);
            if let Some(text) = r.failing.lock().unwrap().as_deref() {
                if String::from_utf8_lossy(&body).contains(text) {
                    status = 500;
                }
            }
            (StatusCode::from_u16(status).unwrap(), "").into_response()
        }
        let app = Router::new()
            .route("/hook", axum::routing::any(any))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, ..r }
    }

    /// The status deliveries get from now on.
    pub fn answer(&self, status: u16) {
        self.status
            .store(status, std::sync::atomic::Ordering::SeqCst);
    }

    /// Deliveries holding `text` are answered 500 from now on.
    pub fn fail_when(&self, text: &str) {
        *self.failing.lock().unwrap() = Some(text.to_owned());
    }

    /// How long the receiver takes to answer a delivery from now on.
    pub fn delay(&self, d: Duration) {
        self.delay_ms
            .store(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every delivery (POST) so far.
    pub fn deliveries(&self) -> Vec<Received> {
        let got = self.got.lock().unwrap();
        got.iter().filter(|r| r.method == "POST").cloned().collect()
    }

    /// Every handshake (GET) so far.
    pub fn handshakes(&self) -> Vec<Received> {
        let got = self.got.lock().unwrap();
        got.iter().filter(|r| r.method == "GET").cloned().collect()
    }

    /// Waits (10 s at most) until `n` deliveries have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.arrived.notified();
            let got = self.deliveries();
            if got.len() >= n {
                return got;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("{} of {n} deliveries arrived", self.deliveries().len());
            }
        }
    }
}

/// The demo app's access token, `{app-id}|{secret}`.
pub fn app_token(sb: &Sandbox) -> String {
    format!("{}|{}", sb.app_id(), sb.app_secret())
}

/// A Facebook user token with exactly these scopes.
pub async fn facebook_token_with(sb: &Sandbox, scopes: &[&str]) -> String {
    let k = admin(
        sb,
        reqwest::Method::POST,
        "/oauth/codes",
        serde_json::json!({"login": "facebook", "user_id": sb.facebook_user_id(), "scopes": scopes}),
    )
    .await;
    let answer = reqwest::Client::new()
        .get(format!("{}/v25.0/oauth/access_token", sb.base_url()))
        .query(&[
            ("client_id", sb.app_id()),
            ("client_secret", sb.app_secret()),
            ("redirect_uri", k["redirect_uri"].as_str().unwrap()),
            ("code", k["code"].as_str().unwrap()),
        ]);
    let answer = Reply::read(answer.send().await.unwrap()).await;
    answer.body["access_token"].as_str().unwrap().to_owned()
}
