//! The control plane's webhook operations, which HTTP (`/_sandbox/webhooks/...`), the
//! `Sandbox` helpers and `instapub listen` / `trigger` share: subscribing the way the App
//! Dashboard does (the same verification request, then the installs in one step), the
//! deliveries log, Redeliver, the Test button, and triggering an event from real state.

use serde::Deserialize;

use super::{emit, payload};
use crate::app::App;
use crate::control::stage::{self, StageError};
use crate::schemas::control as answer;
use crate::store::webhooks::NewDelivery;
use crate::store::webhooks::{self as hooks, Install, Login, SubscribedField, Subscription};
use crate::store::{self, StoreError};

/// The fields the sandbox sends events for, which a control-plane subscription takes by
/// default.
pub const EMITTED_FIELDS: &[&str] = &["comments", "live_comments", "mentions", "story_insights"];

/// How many deliveries the log keeps answering (the newest).
pub const LOG_LIMIT: u32 = 200;

/// A subscription set on the control plane (the App Dashboard's Webhooks product, plus the
/// accounts' installs).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// Where deliveries go; verified with Meta's GET handshake first.
    pub callback_url: String,
    /// Instagram fields (default: every field the sandbox sends: comments, live_comments,
    /// mentions, story_insights).
    pub fields: Option<Vec<String>>,
    /// What the handshake sends as `hub.verify_token` (default: a random one).
    pub verify_token: Option<String>,
    /// `false`: deliveries name the changed fields only.
    pub include_values: Option<bool>,
    /// The app (default: the demo app).
    pub app_id: Option<String>,
    /// The Instagram accounts to install the app on, by id or username (default: the demo
    /// account).
    pub accounts: Option<Vec<String>>,
    /// `facebook` (default: through each account's Page, so every field reaches the app) or
    /// `instagram` (each account's own install: comments and live_comments).
    pub login: Option<Login>,
}

/// The App Dashboard's Test button.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTest {
    /// comments, live_comments, mentions, story_insights or messages.
    pub field: String,
    pub app_id: Option<String>,
}

/// An event to make happen, from real state (`instapub trigger`).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// comments, live_comments, mentions or story_insights.
    pub field: String,
    /// The account the event is about, by id or username (default: the demo account).
    pub account: Option<String>,
    /// comments, live_comments: the media commented on (default: the account's newest, or a
    /// new one); mentions: someone else's media to comment on (default: a new post of
    /// `from` mentioning the account in its caption); story_insights: the story (default:
    /// the account's newest, or a new one).
    pub media_id: Option<String>,
    /// The comment's or caption's text.
    pub text: Option<String>,
    /// Who comments or mentions: a username (default `instapub_fan`, or `instapub_friend`
    /// for mentions, created as an account when needed).
    pub username: Option<String>,
}

fn invalid(reason: impl Into<String>) -> StageError {
    StageError::Invalid(reason.into())
}

/// Subscribes an app and installs it on accounts, after Meta's verification request.
pub async fn subscribe(
    app: &App,
    s: NewSubscription,
) -> Result<answer::WebhookSubscription, StageError> {
    let fields: Vec<String> = match s.fields {
        Some(f) if f.is_empty() => return Err(invalid("fields must name at least one field")),
        Some(f) => f,
        None => EMITTED_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    };
    if let Some(bad) = fields
        .iter()
        .find(|f| !payload::INSTAGRAM_FIELDS.contains(&f.as_str()))
    {
        return Err(invalid(format!(
            "{bad:?} is not an Instagram webhook field; fields must be {}",
            payload::one_of(payload::INSTAGRAM_FIELDS)
        )));
    }
    let callback = app
        .webhooks
        .check_callback(&s.callback_url)
        .map_err(|why| invalid(format!("callback_url must be {why}")))?;
    let verify_token = s
        .verify_token
        .unwrap_or_else(|| crate::identity::credentials::random_hex(16));
    app.webhooks
        .verify(&callback, &verify_token)
        .await
        .map_err(|reason| invalid(format!("callback verification failed: {reason}")))?;
    let login = s.login.unwrap_or(Login::Facebook);
    let version = app.switches.default_version().to_owned();
    let now = app.clock.now_ms();
    let demo_app = app.demo.app.id.clone();
    let wanted = s.accounts;
    app.store
        .transact(move |c| {
            let app_id = s.app_id.unwrap_or(demo_app);
            if store::app(c, &app_id)?.is_none() {
                return Err(StageError::NotFound {
                    kind: "app",
                    id: app_id,
                });
            }
            let mut accounts = Vec::new();
            for name in wanted.unwrap_or_default() {
                accounts.push(account(c, Some(&name))?);
            }
            if accounts.is_empty() {
                accounts.push(account(c, None)?);
            }
            let sub = Subscription {
                app_id: app_id.clone(),
                object: emit::OBJECT.to_owned(),
                callback_url: s.callback_url,
                verify_token,
                include_values: s.include_values.unwrap_or(true),
                active: true,
                fields: fields
                    .iter()
                    .map(|f| SubscribedField {
                        name: f.clone(),
                        version: version.clone(),
                    })
                    .collect(),
            };
            hooks::put_subscription(c, &sub)?;
            for a in &accounts {
                let node_id = match login {
                    Login::Instagram => a.id.clone(),
                    Login::Facebook => store::pages_of_account(c, &a.id)?
                        .into_iter()
                        .next()
                        .map(|p| p.id)
                        .ok_or_else(|| {
                            invalid(format!(
                                "account {} has no Page to install the app on; link one \
                                 (POST /_sandbox/pages) or subscribe with login \"instagram\"",
                                a.username
                            ))
                        })?,
                };
                let subscribed_fields = match login {
                    Login::Instagram => fields.clone(),
                    Login::Facebook => vec!["feed".to_owned()],
                };
                hooks::put_install(
                    c,
                    &Install {
                        app_id: app_id.clone(),
                        node_id,
                        login,
                        subscribed_fields,
                    },
                    now,
                )?;
            }
            Ok(answer::WebhookSubscription {
                app_id,
                object: sub.object,
                callback_url: sub.callback_url,
                verify_token: sub.verify_token,
                active: sub.active,
                fields: sub
                    .fields
                    .into_iter()
                    .map(|f| answer::WebhookField {
                        name: f.name,
                        version: f.version,
                    })
                    .collect(),
                login: login.as_str().to_owned(),
                accounts: accounts.into_iter().map(|a| a.id).collect(),
            })
        })
        .await
}

/// An account by id or username; the demo account (the first) for `None`.
fn account(c: &rusqlite::Connection, name: Option<&str>) -> Result<store::Account, StageError> {
    let found = match name {
        None => store::first_account(c)?,
        Some(n) => match store::account(c, n)? {
            Some(a) => Some(a),
            None => store::account_by_username(c, n)?,
        },
    };
    found.ok_or_else(|| StageError::NotFound {
        kind: "account",
        id: name.unwrap_or_default().to_owned(),
    })
}

/// The newest deliveries, each with its attempts.
pub async fn deliveries(app: &App) -> Result<Vec<answer::WebhookDelivery>, StoreError> {
    app.store
        .read(|c| {
            let mut out = Vec::new();
            for d in hooks::deliveries(c, LOG_LIMIT)? {
                let attempts = hooks::attempts(c, d.id)?;
                out.push(delivery_answer(d, attempts));
            }
            Ok(out)
        })
        .await
}

/// One delivery with its attempts.
pub async fn delivery(app: &App, id: i64) -> Result<Option<answer::WebhookDelivery>, StoreError> {
    app.store
        .read(move |c| {
            let Some(d) = hooks::delivery(c, id)? else {
                return Ok(None);
            };
            let attempts = hooks::attempts(c, d.id)?;
            Ok(Some(delivery_answer(d, attempts)))
        })
        .await
}

fn headers(h: Vec<(String, String)>) -> Vec<answer::Header> {
    h.into_iter()
        .map(|(name, value)| answer::Header { name, value })
        .collect()
}

fn delivery_answer(d: hooks::Delivery, attempts: Vec<hooks::Attempt>) -> answer::WebhookDelivery {
    answer::WebhookDelivery {
        id: d.id.to_string(),
        app_id: d.app_id,
        callback_url: d.callback_url,
        version: d.version,
        fields: d.fields,
        state: d.state.as_str().to_owned(),
        created_at: d.created_at,
        next_attempt_at: d
            .next_attempt_at
            .filter(|_| d.state == hooks::DeliveryState::Pending),
        redelivery_of: d.redelivery_of.map(|r| r.to_string()),
        test: d.test,
        body: d.body,
        attempts: attempts
            .into_iter()
            .map(|a| answer::WebhookAttempt {
                n: a.n,
                at: a.at,
                url: a.url,
                request_headers: headers(a.request_headers),
                status: a.status,
                latency_ms: a.latency_ms,
                response_headers: headers(a.response_headers),
                response_body: a.response_body,
                error: a.error,
            })
            .collect(),
    }
}

fn delivery_id(id: &str) -> Result<i64, StageError> {
    id.parse().map_err(|_| StageError::NotFound {
        kind: "delivery",
        id: id.to_owned(),
    })
}

/// Sends a delivery's body again, as a new delivery to the app's callback now.
pub async fn redeliver(app: &App, id: &str) -> Result<answer::WebhookDelivery, StageError> {
    let old = delivery_id(id)?;
    let now = app.clock.now_ms();
    let new = app
        .store
        .transact(move |c| redeliver_in(c, old, now))
        .await?
        .ok_or_else(|| StageError::NotFound {
            kind: "delivery",
            id: id.to_owned(),
        })?;
    found(app, new).await
}

async fn found(app: &App, id: i64) -> Result<answer::WebhookDelivery, StageError> {
    delivery(app, id)
        .await?
        .ok_or_else(|| StageError::NotFound {
            kind: "delivery",
            id: id.to_string(),
        })
}

/// The Test button: a sample of the field, in the dashboard's shape, to the app's callback.
pub async fn test(app: &App, t: NewTest) -> Result<answer::WebhookDelivery, StageError> {
    if payload::test_sample(&t.field).is_none() {
        return Err(invalid(
            "field must be comments, live_comments, mentions, story_insights or messages",
        ));
    }
    let now = app.clock.now_ms();
    let app_id = t.app_id.unwrap_or_else(|| app.demo.app.id.clone());
    let field = t.field;
    let id = app
        .store
        .transact(move |c| test_in(c, &app_id, &field, now))
        .await?
        .ok_or_else(|| {
            invalid("the app has no instagram subscription: subscribe it first (POST /_sandbox/webhooks/subscriptions)")
        })?;
    found(app, id).await
}

/// Makes an event happen from real state: a comment staged, a mention posted, a story's
/// insights sent.
pub async fn trigger(app: &App, t: Trigger) -> Result<answer::Triggered, StageError> {
    let now = app.clock.now_ms();
    let quota = app.config.quota_total;
    app.store
        .transact(move |c| {
            let target = account(c, t.account.as_deref())?;
            match t.field.as_str() {
                "comments" | "live_comments" => {
                    let media_id = match t.media_id {
                        Some(m) => m,
                        None => newest_or_new(c, &target, false, now)?,
                    };
                    let text = t.text.unwrap_or_else(|| "Love this! 😍".to_owned());
                    let live = t.field == "live_comments";
                    let comment_id = comment(c, &media_id, t.username, text, live, now)?;
                    Ok(answer::Triggered {
                        field: t.field,
                        account_id: target.id,
                        media_id,
                        comment_id,
                    })
                }
                "mentions" => {
                    let from = t.username.unwrap_or_else(|| "instapub_friend".to_owned());
                    let text = format!(
                        "@{} {}",
                        target.username,
                        t.text.unwrap_or_else(|| "you have to see this".to_owned())
                    );
                    match t.media_id {
                        Some(media_id) => {
                            let comment_id = comment(c, &media_id, Some(from), text, false, now)?;
                            Ok(answer::Triggered {
                                field: t.field,
                                account_id: target.id,
                                media_id,
                                comment_id,
                            })
                        }
                        None => {
                            let author = match store::account_by_username(c, &from)? {
                                Some(a) => a,
                                None => {
                                    stage::create_account(
                                        c,
                                        &stage::NewAccount {
                                            username: from.clone(),
                                            ..Default::default()
                                        },
                                        quota,
                                        now,
                                    )?
                                    .0
                                }
                            };
                            if author.id == target.id {
                                return Err(invalid(
                                    "a mention comes from another account: give another username",
                                ));
                            }
                            let media = stage::create_media(
                                c,
                                &stage::NewMedia {
                                    user_id: Some(author.id),
                                    caption: Some(text),
                                    media_type: "IMAGE".into(),
                                    media_product_type: "FEED".into(),
                                    ..Default::default()
                                },
                                now,
                            )?;
                            Ok(answer::Triggered {
                                field: t.field,
                                account_id: target.id,
                                media_id: media.id,
                                comment_id: None,
                            })
                        }
                    }
                }
                "story_insights" => {
                    let media_id = match t.media_id {
                        Some(m) => m,
                        None => newest_or_new(c, &target, true, now)?,
                    };
                    let media = store::media(c, &media_id)?.ok_or_else(|| StageError::NotFound {
                        kind: "media",
                        id: media_id.clone(),
                    })?;
                    if media.media_product_type != instapub_rules::ProductType::Story {
                        return Err(invalid(format!("media {media_id} is not a story")));
                    }
                    let mut values: Vec<(String, i64)> =
                        store::insights(c, &media_id)?.into_iter().collect();
                    values.sort();
                    hooks::mark_story_sent(c, &media_id)?;
                    emit::story_insights(c, &media, &values, now)?;
                    Ok(answer::Triggered {
                        field: t.field,
                        account_id: target.id,
                        media_id,
                        comment_id: None,
                    })
                }
                other => Err(invalid(format!(
                    "field {other:?} cannot be triggered: comments, live_comments, mentions or story_insights"
                ))),
            }
        })
        .await
}

/// A comment staged on a media (its webhook changes written with it); its id.
fn comment(
    c: &rusqlite::Connection,
    media_id: &str,
    username: Option<String>,
    text: String,
    live: bool,
    now: i64,
) -> Result<Option<String>, StageError> {
    let created = stage::create_comment(
        c,
        &stage::NewComment {
            media_id: Some(media_id.to_owned()),
            username,
            text,
            live,
            ..Default::default()
        },
        now,
    )?;
    Ok(created.into_iter().next().map(|k| k.id))
}

/// The account's newest post (or story), or a new one when it has none.
fn newest_or_new(
    c: &rusqlite::Connection,
    account: &store::Account,
    story: bool,
    now: i64,
) -> Result<String, StageError> {
    let kind = if story {
        instapub_rules::ProductType::Story
    } else {
        instapub_rules::ProductType::Feed
    };
    let existing = if story {
        store::account_stories(c, &account.id, now)?
    } else {
        store::account_media(c, &account.id, 1)?
    };
    if let Some(m) = existing.into_iter().next() {
        return Ok(m.id);
    }
    let media = stage::create_media(
        c,
        &stage::NewMedia {
            user_id: Some(account.id.clone()),
            caption: (!story).then(|| "A post for webhooks".to_owned()),
            media_type: "IMAGE".into(),
            media_product_type: kind.as_str().to_owned(),
            insights: story.then(|| {
                [("reach", 17), ("replies", 2), ("impressions", 28)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect()
            }),
            ..Default::default()
        },
        now,
    )?;
    Ok(media.id)
}

/// A new delivery of an earlier one's body, to the app's callback now; its id.
fn redeliver_in(c: &rusqlite::Connection, id: i64, now: i64) -> Result<Option<i64>, StageError> {
    let Some(d) = hooks::delivery(c, id)? else {
        return Ok(None);
    };
    let callback = hooks::subscription(c, &d.app_id, &d.object)?
        .map(|s| s.callback_url)
        .unwrap_or(d.callback_url);
    let new = hooks::insert_delivery(
        c,
        &NewDelivery {
            app_id: d.app_id,
            object: d.object,
            callback_url: callback,
            version: d.version,
            body: d.body,
            fields: d.fields,
            created_at: now,
            redelivery_of: Some(d.id),
            test: d.test,
        },
    )?;
    Ok(Some(new))
}

/// A Test-button sample of `field` to the app's `instagram` callback; the delivery's id, or
/// `None` when the app has no such subscription.
fn test_in(
    c: &rusqlite::Connection,
    app_id: &str,
    field: &str,
    now: i64,
) -> Result<Option<i64>, StageError> {
    let Some(sub) = hooks::subscription(c, app_id, emit::OBJECT)? else {
        return Ok(None);
    };
    let Some(sample) = payload::test_sample(field) else {
        return Ok(None);
    };
    let version = sub.field(field).map_or_else(
        || crate::hosts::GRAPH_VERSION.to_owned(),
        |f| f.version.clone(),
    );
    let id = hooks::insert_delivery(
        c,
        &NewDelivery {
            app_id: app_id.to_owned(),
            object: sub.object.clone(),
            callback_url: sub.callback_url.clone(),
            version,
            body: payload::test_body(field, sample, now.div_euclid(1000)),
            fields: vec![field.to_owned()],
            created_at: now,
            redelivery_of: None,
            test: true,
        },
    )?;
    Ok(Some(id))
}
