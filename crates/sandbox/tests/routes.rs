//! The route table's contracts, checked from outside: `docs/ROUTES.md` is generated from it,
//! and every fault-rule name it declares fires on a live sandbox.

#![allow(clippy::unwrap_used)]

use crate::common::{admin, facebook_token, fixture, seeded_media, MediaHost};
use instapub_sandbox::routes::{FaultTarget, Host, NodeKind, Spec, Token, ROUTES};
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
        Stage {
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

    /// One request of the route, with a credential of the first kind it takes.
    fn request(&self, spec: &Spec) -> reqwest::RequestBuilder {
        let url = format!("{}{}", self.sb.base_url(), self.path(spec));
        let req = reqwest::Client::new().request(spec.method.clone(), url);
        let token = match spec.tokens.first() {
            Some(Token::Instagram) => Some(self.sb.access_token()),
            Some(Token::FacebookUser) => Some(self.user_token.as_str()),
            Some(Token::Page) => Some(self.page_token.as_str()),
            Some(Token::Admin) => Some(self.sb.admin_key()),
            _ => None,
        };
        match token {
            // The upload host takes `Authorization: OAuth`, Graph a bearer token too.
            Some(t) => req.header("authorization", format!("OAuth {t}")),
            None => req.query(&[
                ("client_id", self.sb.app_id()),
                ("client_secret", self.sb.app_secret()),
            ]),
        }
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
            spec.method, spec.path
        );
        // The rule is spent: the same request now reaches the handler.
        let again = json_of(stage.request(spec).send().await.unwrap()).await;
        assert_ne!(again["error"]["code"], json!(1), "{target:?}: {again}");
    }
}
