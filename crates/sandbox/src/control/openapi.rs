//! `GET /_sandbox/openapi.json`: an OpenAPI 3.0 description of every row of the route table
//! ([`crate::route::ROUTES`]): the Graph routes, the upload host and the control plane. Tools
//! that speak OpenAPI (Prism, schemathesis, client generators) can use it; the sandbox's tests
//! check that it is valid and covers every route. A route's parameters and schemas are in
//! [`detail`], whose `match` has an arm for every route.

use instapub_rules::{MediaType, ProductType};
use serde_json::{json, Map, Value};

use super::stage::{MAX_EXPIRES_IN_S, REVIEW_STATES};
use crate::route::{
    CdnRoute, ControlRoute, FaultTarget, GraphRoute, LoginRoute, Route, Spec, Surface, UploadRoute,
    ROUTES,
};

/// What the route table does not say about a route: its query parameters (name, type,
/// required), its request body schema and its success schema.
struct Detail {
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

/// The rupload host's failure shape (`crate::graph::upload`): the Graph error serialised as a string
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
fn error_response(spec: &Spec) -> Value {
    if spec.surface() == Surface::Upload {
        json!({"description": "The upload host's failure shape, or a Graph error envelope", "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/UploadError"},
            {"$ref": "#/components/schemas/GraphError"}
        ]}}}})
    } else {
        json!({"description": "A Graph error envelope", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GraphError"}}}})
    }
}

/// The login hosts answer HTML pages, redirects, and api.instagram.com's flat errors.
fn login_responses(route: LoginRoute, ok: Value) -> Value {
    let html = json!({"text/html": {"schema": {"type": "string"}}});
    // Facebook's dialog shows an error page; Instagram's answers in api.instagram.com's shape.
    let error = match route {
        LoginRoute::FacebookDialog | LoginRoute::FacebookConsent => {
            json!({"description": "An error page naming the catalog error", "content": html})
        }
        _ => {
            json!({"description": "api.instagram.com's flat error shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InstagramOauthError"}}}})
        }
    };
    match route {
        LoginRoute::FacebookDialog | LoginRoute::InstagramAuthorize => json!({
            "200": {"description": "The consent page", "content": html},
            "default": error,
        }),
        LoginRoute::FacebookConsent | LoginRoute::InstagramConsent => json!({
            "302": {"description": "Back to redirect_uri with code and state, or with the cancel error parameters"},
            "default": error,
        }),
        LoginRoute::InstagramToken => json!({
            "200": {"description": "A short-lived Instagram user token", "content": {"application/json": {"schema": ok}}},
            "default": {"description": "api.instagram.com's flat error shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InstagramOauthError"}}}},
        }),
    }
}

/// The dashboard answers HTML pages (the event stream, `text/event-stream`), a login page
/// without the key, and a redirect that sets the cookie.
fn dashboard_responses(route: ControlRoute) -> Value {
    let html = json!({"text/html": {"schema": {"type": "string"}}});
    let ok = if route == ControlRoute::UiEvents {
        json!({"text/event-stream": {"schema": {"type": "string"}}})
    } else {
        html.clone()
    };
    json!({
        "200": {"description": "The page", "content": ok},
        "303": {"description": "Logged in: the cookie is set, and the page follows"},
        "default": {"description": "The login page (no or a wrong key), or a page saying what is not there", "content": html},
    })
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

fn app_identity() -> Value {
    object(&[
        ("app_id", s()),
        ("app_secret", s()),
        ("name", s()),
        ("redirect_uris", json!({"type": "array", "items": s()})),
    ])
}

fn token_answer() -> Value {
    object(&[
        ("access_token", s()),
        ("token_type", s()),
        ("expires_in", i()),
    ])
}

fn paged_pages() -> Value {
    paged(object(&[
        ("id", s()),
        ("name", s()),
        ("access_token", s()),
        ("instagram_business_account", object(&[("id", s())])),
    ]))
}

/// A count staging accepts.
fn count() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": crate::control::stage::MAX_COUNT})
}

/// Counts by metric name.
fn counts() -> Value {
    json!({"type": "object", "additionalProperties": count()})
}

/// A page of an edge: `data` and cursor `paging`.
fn paged(item: Value) -> Value {
    let mut page = data_of(item);
    page["properties"]["paging"] = object(&[
        ("cursors", object(&[("before", s()), ("after", s())])),
        ("next", s()),
        ("previous", s()),
    ]);
    page
}

fn comment() -> Value {
    object(&[
        ("id", s()),
        ("text", s()),
        ("timestamp", s()),
        ("username", s()),
        ("hidden", b()),
        ("like_count", i()),
    ])
}

fn insight() -> Value {
    object(&[
        ("name", s()),
        ("period", s()),
        ("title", s()),
        ("description", s()),
        ("id", s()),
        (
            "values",
            json!({"type": "array", "items": {"type": "object"}}),
        ),
        ("total_value", object(&[("value", i())])),
    ])
}

fn detail(route: Route) -> Detail {
    let none = |ok: Value| Detail {
        params: &[],
        body: None,
        ok,
    };
    let with_body = |body: Value, ok: Value| Detail {
        params: &[],
        body: Some(body),
        ok,
    };
    let user_fields = || [("user_id", s()), ("user", s())];
    match route {
        Route::Graph(g) => match g {
            GraphRoute::CreateMedia => Detail {
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
            GraphRoute::UserMedia => Detail {
                params: &[
                    ("fields", "string", false),
                    ("limit", "integer", false),
                    ("after", "string", false),
                    ("before", "string", false),
                ],
                body: None,
                ok: paged(id_only()),
            },
            GraphRoute::MediaPublish => Detail {
                params: &[("creation_id", "string", true)],
                body: None,
                ok: id_only(),
            },
            GraphRoute::ContentPublishingLimit => Detail {
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
            GraphRoute::AvailableCatalogs => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: data_of(object(&[
                    ("catalog_id", s()),
                    ("catalog_name", s()),
                    ("shop_name", s()),
                    ("product_count", i()),
                ])),
            },
            GraphRoute::CatalogProductSearch => Detail {
                params: &[("catalog_id", "string", true), ("q", "string", false)],
                body: None,
                ok: data_of(object(&[
                    ("product_id", i()),
                    ("retailer_id", s()),
                    ("product_name", s()),
                    ("review_status", s()),
                ])),
            },
            GraphRoute::UserStories => Detail {
                params: &[
                    ("fields", "string", false),
                    ("limit", "integer", false),
                    ("after", "string", false),
                ],
                body: None,
                ok: data_of(object(&[
                    ("id", s()),
                    ("media_type", s()),
                    ("timestamp", s()),
                ])),
            },
            GraphRoute::MediaChildren => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: data_of(object(&[
                    ("id", s()),
                    ("media_type", s()),
                    ("media_url", s()),
                ])),
            },
            GraphRoute::UserRead | GraphRoute::ContainerRead | GraphRoute::MediaRead => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: object(&[("id", s()), ("status_code", s()), ("status", s())]),
            },
            GraphRoute::OauthAccessToken => Detail {
                params: &[
                    ("client_id", "string", true),
                    ("client_secret", "string", true),
                    ("redirect_uri", "string", false),
                    ("code", "string", false),
                    ("grant_type", "string", false),
                    ("fb_exchange_token", "string", false),
                ],
                body: None,
                ok: token_answer(),
            },
            GraphRoute::DebugToken => Detail {
                params: &[
                    ("input_token", "string", true),
                    ("access_token", "string", true),
                ],
                body: None,
                ok: object(&[("data", json!({"type": "object"}))]),
            },
            GraphRoute::IgAccessToken => Detail {
                params: &[
                    ("grant_type", "string", true),
                    ("client_secret", "string", true),
                    ("access_token", "string", true),
                ],
                body: None,
                ok: token_answer(),
            },
            GraphRoute::IgRefreshToken => Detail {
                params: &[
                    ("grant_type", "string", true),
                    ("access_token", "string", true),
                ],
                body: None,
                ok: token_answer(),
            },
            GraphRoute::FbUserRead | GraphRoute::PageRead | GraphRoute::BusinessRead => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: object(&[("id", s()), ("name", s())]),
            },
            GraphRoute::FbUserAccounts => Detail {
                params: &[
                    ("fields", "string", false),
                    ("limit", "integer", false),
                    ("after", "string", false),
                ],
                body: None,
                ok: paged_pages(),
            },
            GraphRoute::FbUserBusinesses => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: data_of(object(&[("id", s()), ("name", s())])),
            },
            GraphRoute::BusinessOwnedPages | GraphRoute::BusinessClientPages => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: paged_pages(),
            },
            GraphRoute::FbUserPermissions => Detail {
                params: &[],
                body: None,
                ok: data_of(object(&[("permission", s()), ("status", s())])),
            },
            GraphRoute::RevokePermissions => Detail {
                params: &[],
                body: None,
                ok: object(&[("success", b())]),
            },
            GraphRoute::CommentRead => Detail {
                params: &[("fields", "string", false)],
                body: None,
                ok: comment(),
            },
            GraphRoute::MediaComments | GraphRoute::CommentReplies => Detail {
                params: &[
                    ("fields", "string", false),
                    ("limit", "integer", false),
                    ("after", "string", false),
                ],
                body: None,
                ok: paged(comment()),
            },
            GraphRoute::CreateComment | GraphRoute::CreateReply => Detail {
                params: &[("message", "string", true)],
                body: None,
                ok: id_only(),
            },
            GraphRoute::HideComment => Detail {
                params: &[("hide", "boolean", true)],
                body: None,
                ok: object(&[("success", b())]),
            },
            GraphRoute::UpdateMedia => Detail {
                params: &[("comment_enabled", "boolean", true)],
                body: None,
                ok: object(&[("success", b())]),
            },
            GraphRoute::DeleteComment | GraphRoute::DeleteMedia => Detail {
                params: &[],
                body: None,
                ok: object(&[("success", b())]),
            },
            GraphRoute::MediaInsights => Detail {
                params: &[("metric", "string", true), ("period", "string", false)],
                body: None,
                ok: data_of(insight()),
            },
            GraphRoute::UserInsights => Detail {
                params: &[
                    ("metric", "string", true),
                    ("period", "string", true),
                    ("metric_type", "string", false),
                    ("since", "integer", false),
                    ("until", "integer", false),
                    ("breakdown", "string", false),
                    ("timeframe", "string", false),
                ],
                body: None,
                ok: {
                    let mut page = data_of(insight());
                    page["properties"]["paging"] = object(&[("next", s()), ("previous", s())]);
                    page
                },
            },
            GraphRoute::IgAudio => Detail {
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
        },
        Route::Upload(UploadRoute::Bytes) => with_body(
            json!({"type": "string", "format": "binary"}),
            object(&[("success", b()), ("message", s())]),
        ),
        Route::Cdn(CdnRoute::Media) => none(json!({"type": "string", "format": "binary"})),
        Route::Login(LoginRoute::FacebookDialog | LoginRoute::InstagramAuthorize) => Detail {
            params: &[
                ("client_id", "string", true),
                ("redirect_uri", "string", true),
                ("scope", "string", false),
                ("state", "string", false),
                ("response_type", "string", false),
            ],
            body: None,
            ok: json!({"type": "string", "format": "html"}),
        },
        Route::Login(LoginRoute::FacebookConsent | LoginRoute::InstagramConsent) => Detail {
            params: &[],
            body: Some(object(&[
                ("client_id", s()),
                ("redirect_uri", s()),
                ("scope", s()),
                ("state", s()),
                ("account", s()),
                (
                    "decision",
                    json!({"type": "string", "enum": ["allow", "cancel"]}),
                ),
            ])),
            ok: json!({"type": "string", "format": "html"}),
        },
        Route::Login(LoginRoute::InstagramToken) => Detail {
            params: &[],
            body: Some(object(&[
                ("client_id", s()),
                ("client_secret", s()),
                ("grant_type", s()),
                ("redirect_uri", s()),
                ("code", s()),
            ])),
            ok: object(&[
                ("access_token", s()),
                ("user_id", i()),
                ("permissions", json!({"type": "array", "items": s()})),
            ]),
        },
        Route::Upload(UploadRoute::Status) => none(object(&[
            ("id", s()),
            ("offset", i()),
            ("upload_complete", b()),
        ])),
        Route::Control(c) => match c {
            ControlRoute::CreateAccount => with_body(
                strict(
                    &[
                        ("username", s()),
                        ("restricted", b()),
                        ("spam_flagged", b()),
                        ("quota_total", u32_()),
                        ("shopping_eligible", b()),
                        ("access_token", s()),
                        ("name", s()),
                        ("biography", s()),
                        ("website", s()),
                        ("profile_picture_url", s()),
                        ("followers_count", count()),
                        ("follows_count", count()),
                        ("insights", counts()),
                    ],
                    &["username"],
                ),
                object(&[("id", s()), ("username", s()), ("access_token", s())]),
            ),
            ControlRoute::ListAccounts => none(data_of(object(&[("id", s()), ("username", s())]))),
            ControlRoute::PatchAccount => with_body(
                strict(
                    &[
                        ("restricted", b()),
                        ("spam_flagged", b()),
                        ("quota_total", u32_()),
                        ("shopping_eligible", b()),
                        ("name", s()),
                        ("biography", s()),
                        ("website", s()),
                        ("profile_picture_url", s()),
                        ("followers_count", count()),
                        ("follows_count", count()),
                        ("insights", counts()),
                    ],
                    &[],
                ),
                object(&[("id", s())]),
            ),
            ControlRoute::CreateToken => {
                let [uid, user] = user_fields();
                with_body(
                    strict(
                        &[
                            uid,
                            user,
                            ("access_token", s()),
                            (
                                "permissions",
                                json!({"type": "array", "items": {"type": "string"}}),
                            ),
                            ("expires_in", expires_in()),
                        ],
                        &[],
                    ),
                    object(&[("access_token", s()), ("user_id", s())]),
                )
            }
            ControlRoute::CreateCatalog => {
                let [uid, user] = user_fields();
                with_body(
                    strict(
                        &[
                            uid,
                            user,
                            ("name", s()),
                            (
                                "products",
                                json!({"type": "array", "items": strict(&[
                                    ("retailer_id", s()),
                                    ("name", s()),
                                    ("review_status", json!({"type": "string", "enum": REVIEW_STATES})),
                                ], &["name"])}),
                            ),
                        ],
                        &["name"],
                    ),
                    object(&[("id", s()), ("name", s())]),
                )
            }
            ControlRoute::CreateMedia => {
                let [uid, user] = user_fields();
                with_body(
                    strict(
                        &[
                            uid,
                            user,
                            (
                                "media_type",
                                json!({"type": "string", "enum": MediaType::names()}),
                            ),
                            (
                                "media_product_type",
                                json!({"type": "string", "enum": ProductType::names()}),
                            ),
                            ("caption", s()),
                            ("copyrighted_music", b()),
                            ("like_count", count()),
                            ("insights", counts()),
                            (
                                "comments",
                                json!({"type": "array", "items": {"type": "object"}}),
                            ),
                        ],
                        &["media_type", "media_product_type"],
                    ),
                    id_only(),
                )
            }
            ControlRoute::PatchMedia => with_body(
                strict(
                    &[
                        ("like_count", count()),
                        ("comment_enabled", b()),
                        ("insights", counts()),
                    ],
                    &[],
                ),
                object(&[("id", s()), ("like_count", i()), ("comment_enabled", b())]),
            ),
            ControlRoute::CreateComment => with_body(
                strict(
                    &[
                        ("media_id", s()),
                        ("parent_id", s()),
                        ("username", s()),
                        (
                            "text",
                            json!({"type": "string", "minLength": 1, "maxLength": 2200}),
                        ),
                        ("like_count", count()),
                        ("hidden", b()),
                        (
                            "replies",
                            json!({"type": "array", "items": {"type": "object"}}),
                        ),
                    ],
                    &["text"],
                ),
                object(&[("id", s()), ("ids", json!({"type": "array", "items": s()}))]),
            ),
            ControlRoute::CreateApp => with_body(
                strict(
                    &[
                        ("name", s()),
                        ("app_id", s()),
                        ("app_secret", s()),
                        (
                            "redirect_uris",
                            json!({"type": "array", "items": s(), "minItems": 1}),
                        ),
                    ],
                    &["redirect_uris"],
                ),
                app_identity(),
            ),
            ControlRoute::ListApps => none(data_of(app_identity())),
            ControlRoute::CreateFacebookUser => with_body(
                strict(&[("name", s())], &["name"]),
                object(&[("id", s()), ("name", s())]),
            ),
            ControlRoute::CreatePage => with_body(
                strict(
                    &[
                        ("name", s()),
                        ("admin_id", s()),
                        ("instagram_user_id", s()),
                        ("instagram_user", s()),
                        ("business_id", s()),
                        ("client", b()),
                    ],
                    &["name", "admin_id"],
                ),
                object(&[("id", s()), ("name", s()), ("admin_id", s())]),
            ),
            ControlRoute::CreateBusiness => with_body(
                strict(&[("name", s()), ("owner_id", s())], &["name", "owner_id"]),
                object(&[("id", s()), ("name", s()), ("owner_id", s())]),
            ),
            ControlRoute::CreateOauthCode => with_body(
                strict(
                    &[
                        (
                            "login",
                            json!({"type": "string", "enum": ["facebook", "instagram"]}),
                        ),
                        ("user_id", s()),
                        ("app_id", s()),
                        ("scopes", json!({"type": "array", "items": s()})),
                        ("declined", json!({"type": "array", "items": s()})),
                        ("redirect_uri", s()),
                    ],
                    &["login", "user_id"],
                ),
                object(&[
                    ("code", s()),
                    ("app_id", s()),
                    ("user_id", s()),
                    ("redirect_uri", s()),
                    ("expires_in", i()),
                ]),
            ),
            ControlRoute::CreatePartnershipCode => with_body(
                strict(
                    &[
                        ("media_id", s()),
                        ("code", s()),
                        ("expires_in", expires_in()),
                    ],
                    &["media_id"],
                ),
                object(&[("code", s())]),
            ),
            ControlRoute::GetApp => none(object(&[
                ("ads_audio_swap_enabled", b()),
                ("app_calls_per_hour", i()),
                (
                    "media_store",
                    object(&[("used_bytes", i()), ("max_bytes", i())]),
                ),
            ])),
            ControlRoute::PatchApp => with_body(
                strict(
                    &[
                        ("ads_audio_swap_enabled", b()),
                        ("app_calls_per_hour", positive_u32()),
                        ("account_calls_per_hour", positive_u32()),
                    ],
                    &[],
                ),
                object(&[("ads_audio_swap_enabled", b())]),
            ),
            ControlRoute::AddFault => with_body(
                strict(
                    &[
                        (
                            "match",
                            strict(
                                &[
                                    (
                                        "endpoint",
                                        json!({"type": "string", "enum": FaultTarget::all()}),
                                    ),
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
                ),
                object(&[("id", s()), ("hits", i())]),
            ),
            ControlRoute::ListFaults => none(data_of(object(&[("id", s())]))),
            ControlRoute::DeleteFault | ControlRoute::Reset => none(object(&[("success", b())])),
            ControlRoute::AdvanceClock => with_body(
                strict(
                    &[("seconds", json!({"type": "integer", "minimum": 0}))],
                    &["seconds"],
                ),
                object(&[("now", i()), ("offset_seconds", i())]),
            ),
            ControlRoute::GetClock => none(object(&[("now", i()), ("offset_seconds", i())])),
            ControlRoute::Requests => none(data_of(object(&[
                ("seq", i()),
                ("method", s()),
                ("path", s()),
                ("status", i()),
            ]))),
            ControlRoute::PutFile => with_body(
                json!({"type": "string", "format": "binary"}),
                object(&[("name", s()), ("size", i()), ("url", s())]),
            ),
            ControlRoute::GetFile => none(json!({"type": "string", "format": "binary"})),
            ControlRoute::OpenApi => none(json!({"type": "object"})),
            ControlRoute::UiHome
            | ControlRoute::UiPost
            | ControlRoute::UiPage
            | ControlRoute::UiEvents => Detail {
                params: &[("key", "string", false)],
                body: None,
                ok: json!({"type": "string", "format": "html"}),
            },
            ControlRoute::UiLogin => Detail {
                params: &[],
                body: Some(object(&[("key", s())])),
                ok: json!({"type": "string", "format": "html"}),
            },
        },
    }
}

fn expires_in() -> Value {
    json!({"type": "integer", "minimum": -MAX_EXPIRES_IN_S, "maximum": MAX_EXPIRES_IN_S})
}

fn positive_u32() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": u32::MAX})
}

fn tag(spec: &Spec) -> &'static str {
    match spec.surface() {
        Surface::Graph => "Graph",
        Surface::Upload => "Resumable upload",
        Surface::Cdn => "CDN",
        Surface::Login => "Login",
        Surface::Control => "Control plane",
    }
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
    for spec in ROUTES {
        let method = spec.method.as_str().to_ascii_lowercase();
        if paths
            .get(spec.path)
            .and_then(|item| item.get(&method))
            .is_some()
        {
            // One path template serves several rows (`GET /{node-id}` reads a user, a
            // container or a media object): the first row documents it, the others add their
            // summaries.
            if let Some(op) = paths
                .get_mut(spec.path)
                .and_then(|item| item.get_mut(&method))
            {
                let joined = format!("{}; {}", op["summary"].as_str().unwrap_or(""), spec.summary);
                op["summary"] = json!(joined);
            }
            continue;
        }
        let op = detail(spec.route);
        let mut parameters: Vec<Value> = path_params(spec.path)
            .into_iter()
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        for (name, ty, required) in op.params {
            parameters.push(
                json!({"name": name, "in": "query", "required": required, "schema": {"type": ty}}),
            );
        }
        let security = match spec.surface() {
            _ if spec.is_public() => json!([]),
            Surface::Control => json!([{"adminKey": []}]),
            Surface::Upload => json!([{"uploadToken": []}]),
            Surface::Cdn | Surface::Login => json!([]),
            Surface::Graph => json!([{"bearerToken": []}, {"queryToken": []}]),
        };
        // A binary answer (a hosted file) comes with the content type it was stored with.
        let ok_media = if op.ok.get("format").is_some() {
            "*/*"
        } else {
            "application/json"
        };
        let mut operation = json!({
            "summary": spec.summary,
            "tags": [tag(spec)],
            "operationId": format!("{}_{}", method, spec.path.replace(['/', '{', '}', '.', '-'], "_").trim_matches('_')),
            "parameters": parameters,
            "security": security,
            "responses": {
                "200": {"description": "Success", "content": {ok_media: {"schema": op.ok}}},
                "default": error_response(spec)
            }
        });
        if let Route::Login(login) = spec.route {
            operation["responses"] = login_responses(login, op.ok.clone());
        }
        if let Route::Control(c) = spec.route {
            if c.is_dashboard() {
                operation["responses"] = dashboard_responses(c);
            }
        }
        if let Some(body) = op.body {
            let media = if body.get("format").is_some() {
                "application/octet-stream"
            } else if spec.surface() == Surface::Login {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            operation["requestBody"] =
                json!({"required": false, "content": {media: {"schema": body}}});
        }
        let item = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| json!({}));
        item[method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "instapub sandbox",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A stateful local emulator of Instagram's Content Publishing API (Graph routes, with or without a /vNN.0 prefix) and its /_sandbox control plane. Every error is a Graph envelope."
        },
        "servers": [{"url": base_url}, {"url": format!("{base_url}/{}", crate::hosts::GRAPH_VERSION)}],
        "tags": [
            {"name": "Graph"}, {"name": "Resumable upload"}, {"name": "CDN"}, {"name": "Login"}, {"name": "Control plane"}
        ],
        "paths": Value::Object(paths),
        "components": {
            "schemas": {
                "GraphError": graph_error_schema(),
                "UploadError": upload_error_schema(),
                "InstagramOauthError": {
                    "type": "object",
                    "required": ["error_type", "code", "error_message"],
                    "properties": {
                        "error_type": {"type": "string"},
                        "code": {"type": "integer"},
                        "error_message": {"type": "string"}
                    }
                }
            },
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "An access token"},
                "queryToken": {"type": "apiKey", "in": "query", "name": "access_token"},
                "uploadToken": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "OAuth <access token>"},
                "adminKey": {"type": "http", "scheme": "bearer", "description": "The sandbox admin key"}
            }
        }
    })
}
