//! `GET /_sandbox/openapi.json`: an OpenAPI 3.0 description of everything the sandbox serves,
//! the Graph routes and the control plane. Tools that speak OpenAPI (Prism, schemathesis, client
//! generators) can use it; `tests/openapi.rs` checks that it is valid and covers every route.

use crate::faults::Endpoint;
use serde_json::{json, Map, Value};

/// One operation: method, path, summary, tag, parameters, request body schema, success schema.
struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    tag: &'static str,
    params: &'static [(&'static str, &'static str, bool)],
    body: Option<Value>,
    ok: Value,
}

fn graph_error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["message", "type", "code", "fbtrace_id"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "code": {"type": "integer"},
                "error_subcode": {"type": "integer"},
                "is_transient": {"type": "boolean"},
                "error_user_title": {"type": "string"},
                "error_user_msg": {"type": "string"},
                "fbtrace_id": {"type": "string", "pattern": "^A[A-Za-z0-9_-]{22}$"}
            }
        }}
    })
}

/// The rupload host's failure shape (`crate::upload`): the Graph error serialised as a string
/// inside `debug_info.message`.
fn upload_error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["debug_info"],
        "properties": {"debug_info": {
            "type": "object",
            "required": ["retriable", "type", "message"],
            "properties": {
                "retriable": {"type": "boolean"},
                "type": {"type": "string"},
                "message": {"type": "string"}
            }
        }}
    })
}

/// Errors of a path: Graph envelopes, and on the upload host its own shape too (a body over
/// the size limit is refused before the upload handler, with a Graph envelope).
fn error_response(path: &str) -> Value {
    if path.starts_with("/ig-api-upload") {
        json!({"description": "The upload host's failure shape, or a Graph error envelope", "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/UploadError"},
            {"$ref": "#/components/schemas/GraphError"}
        ]}}}})
    } else {
        json!({"description": "A Graph error envelope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GraphError"}}}})
    }
}

/// A control-plane request body: the server refuses fields it does not know.
fn strict(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut v = object(props);
    v["additionalProperties"] = json!(false);
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    v
}

fn u32_() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
}

fn object(props: &[(&str, Value)]) -> Value {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert((*k).to_owned(), v.clone());
    }
    json!({"type": "object", "properties": Value::Object(p)})
}

fn s() -> Value {
    json!({"type": "string"})
}
fn i() -> Value {
    json!({"type": "integer"})
}
fn b() -> Value {
    json!({"type": "boolean"})
}
fn id_only() -> Value {
    object(&[("id", s())])
}
fn data_of(item: Value) -> Value {
    object(&[("data", json!({"type": "array", "items": item}))])
}

fn operations() -> Vec<Op> {
    let graph = "Graph";
    let control = "Control plane";
    let upload = "Resumable upload";
    vec![
        Op {
            method: "post",
            path: "/{ig-user-id}/media",
            summary:
                "Create a media container (image, REELS, STORIES, CAROUSEL, VIDEO carousel item)",
            tag: graph,
            params: &[
                ("image_url", "string", false),
                ("video_url", "string", false),
                ("media_type", "string", false),
                ("is_carousel_item", "boolean", false),
                ("children", "string", false),
                ("caption", "string", false),
                ("alt_text", "string", false),
                ("user_tags", "string", false),
                ("product_tags", "string", false),
                ("collaborators", "string", false),
                ("location_id", "string", false),
                ("cover_url", "string", false),
                ("thumb_offset", "integer", false),
                ("share_to_feed", "boolean", false),
                ("audio_name", "string", false),
                ("upload_type", "string", false),
            ],
            body: None,
            ok: object(&[("id", s()), ("uri", s())]),
        },
        Op {
            method: "get",
            path: "/{ig-user-id}/media",
            summary: "List the account's media (newest first, stories excluded)",
            tag: graph,
            params: &[("fields", "string", false), ("limit", "integer", false)],
            body: None,
            ok: data_of(id_only()),
        },
        Op {
            method: "post",
            path: "/{ig-user-id}/media_publish",
            summary: "Publish a FINISHED container",
            tag: graph,
            params: &[("creation_id", "string", true)],
            body: None,
            ok: id_only(),
        },
        Op {
            method: "get",
            path: "/{ig-user-id}/content_publishing_limit",
            summary: "The account's 24 h publishing quota and usage",
            tag: graph,
            params: &[("fields", "string", false), ("since", "integer", false)],
            body: None,
            ok: data_of(object(&[
                ("quota_usage", i()),
                (
                    "config",
                    object(&[("quota_total", i()), ("quota_duration", i())]),
                ),
            ])),
        },
        Op {
            method: "get",
            path: "/{ig-user-id}/available_catalogs",
            summary: "Product catalogs the account can tag from",
            tag: graph,
            params: &[("fields", "string", false)],
            body: None,
            ok: data_of(object(&[
                ("catalog_id", s()),
                ("catalog_name", s()),
                ("shop_name", s()),
                ("product_count", i()),
            ])),
        },
        Op {
            method: "get",
            path: "/{ig-user-id}/catalog_product_search",
            summary: "Products of a catalog, with their review status",
            tag: graph,
            params: &[("catalog_id", "string", true), ("q", "string", false)],
            body: None,
            ok: data_of(object(&[
                ("product_id", i()),
                ("retailer_id", s()),
                ("product_name", s()),
                ("review_status", s()),
            ])),
        },
        Op {
            method: "get",
            path: "/{node-id}",
            summary: "Read an IG user, a container (status_code, status) or a media object",
            tag: graph,
            params: &[("fields", "string", false)],
            body: None,
            ok: object(&[("id", s()), ("status_code", s()), ("status", s())]),
        },
        Op {
            method: "get",
            path: "/ig_audio",
            summary: "Audio search, or ads audio-swap discovery with product=ADS",
            tag: graph,
            params: &[
                ("audio_type", "string", false),
                ("user_id", "string", false),
                ("ig_user_id", "string", false),
                ("search_query", "string", false),
                ("product", "string", false),
                ("purpose", "string", false),
                ("audio_replacement_mode", "string", false),
                ("ig_media_id", "string", false),
                ("partnership_ad_code", "string", false),
            ],
            body: None,
            ok: object(&[(
                "audio",
                json!({"type": "array", "items": object(&[("audio_id", s()), ("title", s()), ("audio_type", s()), ("duration_in_ms", i())])}),
            )]),
        },
        Op {
            method: "post",
            path: "/ig-api-upload/{version}/{container-id}",
            summary:
                "Upload bytes (offset, file_size headers) or a file_url for a resumable container",
            tag: upload,
            params: &[],
            body: Some(json!({"type": "string", "format": "binary"})),
            ok: object(&[("success", b()), ("message", s())]),
        },
        Op {
            method: "get",
            path: "/ig-api-upload/{version}/{container-id}",
            summary: "How far a resumable upload got (sandbox addition)",
            tag: upload,
            params: &[],
            body: None,
            ok: object(&[("id", s()), ("offset", i()), ("upload_complete", b())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/accounts",
            summary: "Create an account (answers with a full-permission token)",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("username", s()),
                    ("restricted", b()),
                    ("spam_flagged", b()),
                    ("quota_total", u32_()),
                    ("shopping_eligible", b()),
                ],
                &[],
            )),
            ok: object(&[("id", s()), ("username", s()), ("access_token", s())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/accounts",
            summary: "List accounts",
            tag: control,
            params: &[],
            body: None,
            ok: data_of(object(&[("id", s()), ("username", s())])),
        },
        Op {
            method: "patch",
            path: "/_sandbox/accounts/{id}",
            summary: "Change an account's flags or quota",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("restricted", b()),
                    ("spam_flagged", b()),
                    ("quota_total", u32_()),
                    ("shopping_eligible", b()),
                ],
                &[],
            )),
            ok: object(&[("id", s())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/tokens",
            summary: "Create a token with permissions and expiry",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("user_id", s()),
                    (
                        "permissions",
                        json!({"type": "array", "items": {"type": "string"}}),
                    ),
                    ("expires_in", i()),
                ],
                &["user_id"],
            )),
            ok: object(&[("access_token", s()), ("user_id", s())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/catalogs",
            summary: "Create a product catalog",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("user_id", s()),
                    ("name", s()),
                    (
                        "products",
                        json!({"type": "array", "items": strict(&[
                            ("retailer_id", s()),
                            ("name", s()),
                            ("review_status", json!({"type": "string", "enum": crate::control::REVIEW_STATES})),
                        ], &["name"])}),
                    ),
                ],
                &["user_id", "name"],
            )),
            ok: object(&[("id", s()), ("name", s())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/media",
            summary: "Seed an existing media object (e.g. a reel with copyrighted music)",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("user_id", s()),
                    ("media_type", s()),
                    ("media_product_type", s()),
                    ("caption", s()),
                    ("copyrighted_music", b()),
                ],
                &["user_id", "media_type", "media_product_type"],
            )),
            ok: id_only(),
        },
        Op {
            method: "post",
            path: "/_sandbox/partnership_ad_codes",
            summary: "Create a partnership ad code for a media",
            tag: control,
            params: &[],
            body: Some(strict(
                &[("media_id", s()), ("expires_in", i())],
                &["media_id"],
            )),
            ok: object(&[("code", s())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/app",
            summary: "App settings",
            tag: control,
            params: &[],
            body: None,
            ok: object(&[("ads_audio_swap_enabled", b()), ("app_calls_per_hour", i())]),
        },
        Op {
            method: "patch",
            path: "/_sandbox/app",
            summary: "Change app settings (call limits, ads audio swap)",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    ("ads_audio_swap_enabled", b()),
                    ("app_calls_per_hour", u32_()),
                    ("account_calls_per_hour", u32_()),
                ],
                &[],
            )),
            ok: object(&[("ads_audio_swap_enabled", b())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/faults",
            summary: "Add a fault rule",
            tag: control,
            params: &[],
            body: Some(strict(
                &[
                    (
                        "match",
                        strict(
                            &[
                                ("endpoint", json!({"type": "string", "enum": Endpoint::ALL})),
                                ("user_id", s()),
                                ("media_type", s()),
                            ],
                            &[],
                        ),
                    ),
                    ("error", strict(&[("subcode", i()), ("code", i())], &[])),
                    (
                        "network",
                        json!({"type": "string", "enum": ["reset", "truncate", "slow_body"]}),
                    ),
                    ("times", u32_()),
                    (
                        "probability",
                        json!({"type": "number", "minimum": 0, "maximum": 1}),
                    ),
                    ("latency_ms", json!({"type": "integer", "minimum": 0})),
                ],
                &[],
            )),
            ok: object(&[("id", s()), ("hits", i())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/faults",
            summary: "List fault rules",
            tag: control,
            params: &[],
            body: None,
            ok: data_of(object(&[("id", s())])),
        },
        Op {
            method: "delete",
            path: "/_sandbox/faults/{id}",
            summary: "Remove a fault rule",
            tag: control,
            params: &[],
            body: None,
            ok: object(&[("success", b())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/clock/advance",
            summary: "Move the virtual clock forward",
            tag: control,
            params: &[],
            body: Some(strict(
                &[("seconds", json!({"type": "integer", "minimum": 0}))],
                &["seconds"],
            )),
            ok: object(&[("now", i()), ("offset_seconds", i())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/clock",
            summary: "The virtual clock",
            tag: control,
            params: &[],
            body: None,
            ok: object(&[("now", i()), ("offset_seconds", i())]),
        },
        Op {
            method: "post",
            path: "/_sandbox/reset",
            summary: "Back to the first-start state",
            tag: control,
            params: &[],
            body: None,
            ok: object(&[("success", b())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/requests",
            summary: "Recent Graph requests and their answers",
            tag: control,
            params: &[],
            body: None,
            ok: data_of(object(&[
                ("seq", i()),
                ("method", s()),
                ("path", s()),
                ("status", i()),
            ])),
        },
        Op {
            method: "put",
            path: "/_sandbox/files/{name}",
            summary: "Host a file on the sandbox",
            tag: control,
            params: &[],
            body: Some(json!({"type": "string", "format": "binary"})),
            ok: object(&[("name", s()), ("size", i()), ("url", s())]),
        },
        Op {
            method: "get",
            path: "/_sandbox/files/{name}",
            summary: "A hosted file (no credentials needed)",
            tag: control,
            params: &[],
            body: None,
            ok: json!({"type": "string", "format": "binary"}),
        },
        Op {
            method: "get",
            path: "/_sandbox/openapi.json",
            summary: "This document",
            tag: control,
            params: &[],
            body: None,
            ok: json!({"type": "object"}),
        },
    ]
}

/// Path parameters named in a template, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// The whole document. `base_url` becomes the server URL.
pub fn document(base_url: &str) -> Value {
    let mut paths = Map::new();
    for op in operations() {
        let mut parameters: Vec<Value> = path_params(op.path)
            .into_iter()
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        for (name, ty, required) in op.params {
            parameters.push(
                json!({"name": name, "in": "query", "required": required, "schema": {"type": ty}}),
            );
        }
        let control = op.path.starts_with("/_sandbox");
        let public = op.path == "/_sandbox/files/{name}" || op.path == "/_sandbox/openapi.json";
        let security = if public {
            json!([])
        } else if control {
            json!([{"adminKey": []}])
        } else if op.path.starts_with("/ig-api-upload") {
            json!([{"uploadToken": []}])
        } else {
            json!([{"bearerToken": []}, {"queryToken": []}])
        };
        // A binary answer (a hosted file) comes with the content type it was stored with.
        let ok_media = if op.ok.get("format").is_some() {
            "*/*"
        } else {
            "application/json"
        };
        let mut operation = json!({
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": format!("{}_{}", op.method, op.path.replace(['/', '{', '}', '.', '-'], "_").trim_matches('_')),
            "parameters": parameters,
            "security": security,
            "responses": {
                "200": {"description": "Success", "content": {ok_media: {"schema": op.ok}}},
                "default": error_response(op.path)
            }
        });
        if let Some(body) = op.body {
            let media = if body.get("format").is_some() {
                "application/octet-stream"
            } else {
                "application/json"
            };
            operation["requestBody"] =
                json!({"required": false, "content": {media: {"schema": body}}});
        }
        let item = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        item[op.method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "instapub sandbox",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A stateful local emulator of Instagram's Content Publishing API (Graph routes, with or without a /vNN.0 prefix) and its /_sandbox control plane. Every error is a Graph envelope."
        },
        "servers": [{"url": base_url}, {"url": format!("{base_url}/v25.0")}],
        "tags": [
            {"name": "Graph"}, {"name": "Resumable upload"}, {"name": "Control plane"}
        ],
        "paths": Value::Object(paths),
        "components": {
            "schemas": {"GraphError": graph_error_schema(), "UploadError": upload_error_schema()},
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "An access token"},
                "queryToken": {"type": "apiKey", "in": "query", "name": "access_token"},
                "uploadToken": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "OAuth <access token>"},
                "adminKey": {"type": "http", "scheme": "bearer", "description": "The sandbox admin key"}
            }
        }
    })
}
