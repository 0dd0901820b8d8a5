//! The OpenAPI document is valid OpenAPI 3.0 (parsed by the `openapiv3` crate), every `$ref`
//! resolves, and it covers every route the sandbox serves: each documented operation is called
//! on a live sandbox and must not be an unknown route.

#![allow(clippy::unwrap_used)]

use instapub_sandbox::Sandbox;
use serde_json::Value;

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_valid_and_covers_every_route() {
    let sb = Sandbox::start().await;
    let text = reqwest::get(format!("{}/_sandbox/openapi.json", sb.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: openapiv3::OpenAPI = serde_json::from_str(&text).expect("valid OpenAPI 3.0");
    assert_eq!(doc.openapi, "3.0.3");
    let raw: Value = serde_json::from_str(&text).unwrap();
    let mut all = Vec::new();
    refs(&raw, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').expect("local ref");
        assert!(raw.pointer(pointer).is_some(), "dangling {r}");
    }

    // Every route the sandbox serves is documented...
    let expected = [
        ("get", "/{ig-media-id}/children"),
        ("get", "/{ig-user-id}/stories"),
        ("post", "/{ig-user-id}/media"),
        ("get", "/{ig-user-id}/media"),
        ("post", "/{ig-user-id}/media_publish"),
        ("get", "/{ig-user-id}/content_publishing_limit"),
        ("get", "/{ig-user-id}/available_catalogs"),
        ("get", "/{ig-user-id}/catalog_product_search"),
        ("get", "/{node-id}"),
        ("get", "/{ig-user-id}/insights"),
        ("post", "/{ig-media-id}"),
        ("delete", "/{ig-media-id}"),
        ("get", "/{ig-media-id}/comments"),
        ("post", "/{ig-media-id}/comments"),
        ("get", "/{ig-media-id}/insights"),
        ("post", "/{ig-comment-id}"),
        ("delete", "/{ig-comment-id}"),
        ("get", "/{ig-comment-id}/replies"),
        ("post", "/{ig-comment-id}/replies"),
        ("get", "/oauth/access_token"),
        ("get", "/debug_token"),
        ("get", "/access_token"),
        ("get", "/refresh_access_token"),
        ("get", "/{facebook-user-id}/accounts"),
        ("get", "/{facebook-user-id}/businesses"),
        ("get", "/{facebook-user-id}/permissions"),
        ("delete", "/{facebook-user-id}/permissions"),
        ("get", "/{business-id}/owned_pages"),
        ("get", "/{business-id}/client_pages"),
        ("get", "/ig_audio"),
        ("get", "/www.facebook.com/{version}/dialog/oauth"),
        ("post", "/www.facebook.com/{version}/dialog/oauth"),
        ("get", "/www.instagram.com/oauth/authorize"),
        ("post", "/www.instagram.com/oauth/authorize"),
        ("post", "/api.instagram.com/oauth/access_token"),
        ("get", "/scontent.cdninstagram.com/v/t51.2885-15/{file}"),
        ("post", "/ig-api-upload/{version}/{container-id}"),
        ("get", "/ig-api-upload/{version}/{container-id}"),
        ("post", "/_sandbox/accounts"),
        ("get", "/_sandbox/accounts"),
        ("patch", "/_sandbox/accounts/{id}"),
        ("post", "/_sandbox/tokens"),
        ("post", "/_sandbox/catalogs"),
        ("post", "/_sandbox/media"),
        ("patch", "/_sandbox/media/{id}"),
        ("post", "/_sandbox/comments"),
        ("post", "/_sandbox/partnership_ad_codes"),
        ("post", "/_sandbox/apps"),
        ("get", "/_sandbox/apps"),
        ("post", "/_sandbox/facebook_users"),
        ("post", "/_sandbox/pages"),
        ("post", "/_sandbox/businesses"),
        ("post", "/_sandbox/oauth/codes"),
        ("get", "/_sandbox/ui"),
        ("post", "/_sandbox/ui/login"),
        ("get", "/_sandbox/ui/events"),
        ("get", "/_sandbox/ui/post/{id}"),
        ("get", "/_sandbox/ui/{page}"),
        ("get", "/_sandbox/app"),
        ("patch", "/_sandbox/app"),
        ("post", "/_sandbox/faults"),
        ("get", "/_sandbox/faults"),
        ("delete", "/_sandbox/faults/{id}"),
        ("post", "/_sandbox/clock/advance"),
        ("get", "/_sandbox/clock"),
        ("post", "/_sandbox/reset"),
        ("get", "/_sandbox/requests"),
        ("put", "/_sandbox/files/{name}"),
        ("get", "/_sandbox/files/{name}"),
        ("get", "/_sandbox/openapi.json"),
    ];
    let paths = raw["paths"].as_object().unwrap();
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "documented operations vs served routes"
    );
    for (method, path) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} undocumented"
        );
    }

    // ...and every documented Graph operation is a route the sandbox knows.
    let http = reqwest::Client::new();
    let user = sb.user_id();
    let media = crate::common::seeded_media(&sb, user, "CAROUSEL_ALBUM", "FEED", false).await;
    let comment = sb
        .create_comment(instapub_sandbox::NewComment {
            media_id: Some(media.clone()),
            text: "first".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0)
        .id;
    // Facebook users and Businesses are read with a Facebook Login token.
    let fb_token = crate::common::facebook_token(&sb).await;
    let business = crate::common::admin(
        &sb,
        reqwest::Method::POST,
        "/businesses",
        serde_json::json!({"name": "Agency", "owner_id": sb.facebook_user_id()}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Deletes last: the nodes they remove are the other calls' subjects. The login hosts
    // answer HTML and redirects; `login` tests them.
    let mut graph: Vec<_> = expected
        .iter()
        .filter(|(_, p)| {
            !p.starts_with("/_sandbox")
                && !p.starts_with("/ig-api")
                && !p.starts_with("/www.")
                && !p.starts_with("/api.instagram.com")
        })
        .collect();
    graph.sort_by_key(|(m, _)| *m == "delete");
    for (method, path) in graph {
        // Instagram Login's token routes live on graph.instagram.com.
        let host = if matches!(*path, "/access_token" | "/refresh_access_token") {
            "/graph.instagram.com"
        } else {
            ""
        };
        let url = format!(
            "{}{host}{}",
            sb.base_url(),
            path.replace("{ig-user-id}", user)
                .replace("{node-id}", user)
                .replace("{ig-media-id}", &media)
                .replace("{facebook-user-id}", sb.facebook_user_id())
                .replace("{business-id}", &business)
                .replace("{ig-comment-id}", &comment)
        );
        let req = match *method {
            "get" => http.get(&url),
            "delete" => http.delete(&url),
            _ => http.post(&url),
        };
        let token = if path.contains("{facebook-user-id}") || path.contains("{business-id}") {
            &fb_token
        } else {
            sb.access_token()
        };
        let r = req.bearer_auth(token).send().await.unwrap();
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        let code = v["error"]["code"].as_i64();
        assert!(code != Some(2500), "{method} {path}: {v}");
        assert!(
            !(code == Some(100) && v["error"]["error_subcode"] == 33),
            "{method} {path}: {v}"
        );
    }
}
