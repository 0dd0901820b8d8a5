//! The OpenAPI document is valid OpenAPI 3.0 (parsed by the `openapiv3` crate), every `$ref`
//! resolves, and it documents exactly the rows of the route table.

#![allow(clippy::unwrap_used)]

use instapub_sandbox::routes::ROUTES;
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

    // Every row of the route table is documented, and nothing else: a path and method per
    // row (rows that share both, like `GET /{node-id}`, share an operation). That each
    // operation answers as documented is `routes::every_route_answers_as_documented`.
    let paths = raw["paths"].as_object().unwrap();
    let mut rows: Vec<(String, &str)> = ROUTES
        .iter()
        .flat_map(|s| {
            s.methods
                .iter()
                .map(move |m| (m.as_str().to_ascii_lowercase(), s.path))
        })
        .collect();
    rows.sort();
    rows.dedup();
    let mut documented: Vec<(String, &str)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.as_str()))
        })
        .collect();
    documented.sort();
    assert_eq!(documented, rows);
    // Two types of one name would be told apart by a number (`FbUser2`): names are unique.
    for name in raw["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "{name}: two schema types share a name"
        );
    }
}
