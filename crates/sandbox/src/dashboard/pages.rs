//! The dashboard's pages, as maud templates. Everything said about an error comes from the
//! catalog entry, as `instapub explain` says it.

use instapub_errors::{classify, Id, ENTRIES};
use instapub_rules::{MediaType, ProductType};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::data::{Chrome, PhoneData, PostData, TimelineRow, WebhookView};
use crate::route::FaultTarget;
use crate::runtime::faults::Rule;
use crate::runtime::request_log::Logged;
use crate::schemas::control::WebhookDelivery;

const STYLE: &str = include_str!("style.css");
pub const SCRIPT: &str = include_str!("app.js");

fn layout(chrome: &Chrome, title: &str, body: Markup) -> Markup {
    let tab = |id: &str, href: &str, label: &str| {
        html! { a href=(href) class=[(chrome.current == id).then_some("on")] { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | instapub sandbox" }
                // No /favicon.ico request (it would land in the request log as a Graph call).
                link rel="icon" href="data:,";
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.top {
                    a.brand href="/_sandbox/ui" { "instapub sandbox" }
                    nav aria-label="Pages" {
                        (tab("phone", "/_sandbox/ui", "Phone"))
                        (tab("timeline", "/_sandbox/ui/timeline", "Timeline"))
                        (tab("requests", "/_sandbox/ui/requests", "Requests"))
                        (tab("webhooks", "/_sandbox/ui/webhooks", "Webhooks"))
                        (tab("report", "/_sandbox/ui/report", "Report"))
                        (tab("catalog", "/_sandbox/ui/catalog", "Catalog"))
                    }
                    div.clock {
                        span title="The virtual clock" { "Clock " time { (timestamp(chrome.now_s)) } }
                        button type="button" data-advance="3600" { "+1 h" }
                        button type="button" data-advance="86400" { "+24 h" }
                        form #advance-form .row {
                            label.muted for="advance-seconds" { "seconds" }
                            input #advance-seconds name="seconds" type="number" min="0" value="600" style="width:6rem";
                            button type="submit" { "Advance" }
                        }
                    }
                }
                main {
                    p #notice role="status" {}
                    (body)
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

fn timestamp(s: i64) -> String {
    jiff::Timestamp::from_second(s)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

pub fn login(wrong: bool) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Log in | instapub sandbox" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                form.login method="post" action="/_sandbox/ui/login" {
                    h1 { "instapub sandbox" }
                    p { "The dashboard needs the sandbox's admin key. " code { "instapub serve" } " prints a URL that logs you in." }
                    @if wrong { p.status-bad { "That is not this sandbox's admin key." } }
                    label for="key" { "Admin key" }
                    div.row {
                        input #key name="key" type="password" autocomplete="off" required style="flex:1";
                        button.primary type="submit" { "Log in" }
                    }
                }
            }
        }
    }
}

pub fn not_found(chrome: &Chrome, what: &str) -> Markup {
    layout(
        chrome,
        "Not found",
        html! { h1 { "Nothing here" } p { "The sandbox has no " (what) "." } },
    )
}

/// A caption with its hashtags and mentions marked.
fn caption(text: &str) -> Markup {
    html! {
        @for (i, word) in text.split(' ').enumerate() {
            @if i > 0 { " " }
            @if word.len() > 1 && word.starts_with('#') { span.tag { (word) } }
            @else if word.len() > 1 && word.starts_with('@') { span.mention { (word) } }
            @else { (word) }
        }
    }
}

pub fn phone(chrome: &Chrome, data: &PhoneData) -> Markup {
    layout(
        chrome,
        "Phone",
        html! {
            @if data.accounts.len() > 1 {
                form.row method="get" action="/_sandbox/ui" style="margin-bottom:1rem" {
                    label for="account" { "Account" }
                    select #account name="account" {
                        @for a in &data.accounts {
                            option value=(a.id) selected[data.account.as_ref().is_some_and(|x| x.id == a.id)] { "@" (a.username) }
                        }
                    }
                    button type="submit" { "Show" }
                }
            }
            @match &data.account {
                None => p { "No such account." },
                Some(a) => {
                    div.phone data-live="phone" data-refresh=(format!("/_sandbox/ui/grid?account={}", a.id)) {
                        (grid(data))
                    }
                    (account_controls(a, data))
                }
            }
        },
    )
}

/// An account's gauges and controls (each a control-plane call).
fn account_controls(a: &crate::store::Account, data: &PhoneData) -> Markup {
    let (app_calls, my_calls) = data.calls;
    html! {
        section.panel aria-label="Account controls" {
            h2 { "@" (a.username) " " span.muted { code { (a.id) } } }
            div.gauges {
                label { "Publishing quota: " b #quota-usage { (data.quota_usage) } " of " (a.quota_total) " posts in 24 h"
                    meter min="0" max=(a.quota_total) value=(data.quota_usage) {} }
                label { "Account calls this hour: " (my_calls) " of " (data.limits.account_calls_per_hour)
                    meter min="0" max=(data.limits.account_calls_per_hour) value=(my_calls) {} }
                label { "App calls this hour: " (app_calls) " of " (data.limits.app_calls_per_hour)
                    meter min="0" max=(data.limits.app_calls_per_hour) value=(app_calls) {} }
            }
            form.inline data-control=(format!("PATCH /accounts/{}", a.id)) data-reload="1" aria-label="Account flags" {
                label.check { input type="checkbox" name="restricted" checked[a.restricted]; " restricted" }
                label.check { input type="checkbox" name="spam_flagged" checked[a.spam_flagged]; " spam-flagged" }
                label.check { input type="checkbox" name="shopping_eligible" checked[a.shopping_eligible]; " shopping" }
                label { "quota (posts / 24 h)" input name="quota_total" type="number" min="0" value=(a.quota_total) style="width:6rem"; }
                button.primary type="submit" { "Save" }
            }
            div.row {
                button type="button" data-mint-token=(a.id) { "Mint a token" }
                button type="button" data-oauth-user=(a.id) { "Mint an Instagram Login code" }
                button type="button" data-reset="1" { "Reset the sandbox" }
            }
            form.inline data-control="PATCH /app" data-reload="1" aria-label="App settings" style="margin-top:1rem" {
                label.check title="Meta's Require App Secret: Graph calls with a user, Page or Instagram token must carry appsecret_proof" {
                    input type="checkbox" name="require_appsecret_proof" checked[data.switches.require_appsecret_proof];
                    " Require App Secret"
                }
                label { "Default Graph version "
                    select name="default_version" {
                        @for v in crate::versions::VERSIONS.iter() {
                            option value=(v.name) selected[v.name == data.switches.default_version] { (v.name) }
                        }
                    }
                }
                button type="submit" { "Save app settings" }
            }
            form.inline data-control="POST /accounts" data-reload="1" aria-label="New account" style="margin-top:1rem" {
                label { "New account" input name="username" required placeholder="username" pattern="[A-Za-z0-9_.]{1,30}"; }
                button type="submit" { "Create" }
            }
        }
    }
}

/// The phone's content: profile, stories, grid (also served alone, for live refreshes).
pub fn grid(data: &PhoneData) -> Markup {
    let Some(a) = &data.account else {
        return html! {};
    };
    let avatar = data
        .profile
        .profile_picture_url
        .clone()
        .unwrap_or_else(|| crate::hosts::avatar_url(&data.base, &a.id));
    html! {
        section.profile aria-label="Profile" {
            img.avatar src=(avatar) alt=(format!("@{}", a.username));
            div {
                h1 style="margin:0 0 .4rem" { (a.username) }
                div.counts {
                    div { b #post-count { (data.media_count) } "posts" }
                    div { b { (data.profile.followers_count.unwrap_or(0)) } "followers" }
                    div { b { (data.profile.follows_count.unwrap_or(0)) } "following" }
                }
            }
        }
        div.bio {
            div.name { (data.profile.name.clone().unwrap_or_else(|| a.username.clone())) }
            @if let Some(b) = &data.profile.biography { div { (b) } }
            @if let Some(w) = &data.profile.website {
                // Only web links are links: a `javascript:` website stays text.
                @if crate::guard::linkable(w) { a href=(w) rel="noopener noreferrer" { (w) } }
                @else { span.website { (w) } }
            }
        }
        @if !data.stories.is_empty() {
            div.stories aria-label="Stories of the last 24 hours" {
                @for (m, p) in &data.stories {
                    a.story href=(format!("/_sandbox/ui/post/{}", m.id)) {
                        @if let Some(p) = p { img src=(p) alt="story"; } @else { span { "story" } }
                        div { "story" }
                    }
                }
            }
        }
        div.grid #grid aria-label="Posts" {
            @for (m, p) in &data.posts {
                a.tile href=(format!("/_sandbox/ui/post/{}", m.id)) data-media=(m.id) {
                    @match p {
                        Some(p) => img src=(p) alt=(m.caption.clone().unwrap_or_else(|| "post".into())) loading="lazy";,
                        None => div.empty { (m.media_type.as_str()) " (no stored bytes)" },
                    }
                    @if m.media_type == MediaType::CarouselAlbum { span.badge { "▦ " (m.children.len()) } }
                    @else if m.media_product_type == ProductType::Reels { span.badge { "▶ reel" } }
                    @else if m.media_type == MediaType::Video { span.badge { "▶" } }
                }
            }
        }
        @if data.posts.is_empty() { p.more.muted { "No posts yet: publish one over the Graph API and it appears here." } }
        @if let Some(more) = &data.more { a.more href=(more) { "Older posts" } }
    }
}

pub fn post(chrome: &Chrome, data: &PostData) -> Markup {
    let m = &data.media;
    layout(
        chrome,
        "Post",
        html! {
            p { a href=(format!("/_sandbox/ui?account={}", m.account_id)) { "← @" (data.username) } }
            article.post {
                div {
                    div.slides aria-label="Slides" {
                        @for (i, (s, url)) in data.slides.iter().enumerate() {
                            div.slide data-child=(s.id) {
                                @if data.slides.len() > 1 { span.n { (i + 1) "/" (data.slides.len()) } }
                                @match (url, s.media_type) {
                                    (Some(u), MediaType::Video) => video src=(u) controls muted playsinline poster=[crate::hosts::thumbnail_url(&data.base, s)] {},
                                    (Some(u), _) => img src=(u) alt=(format!("slide {}", i + 1));,
                                    (None, _) => div.empty style="padding:3rem;color:#fff" { "no stored bytes" },
                                }
                            }
                        }
                    }
                    @if data.slides.len() > 1 {
                        div.dots aria-hidden="true" { @for _ in &data.slides { span {} } }
                    }
                }
                div.side {
                    div.row { b { "@" (data.username) } span.muted { (m.media_product_type.as_str()) " · " (m.media_type.as_str()) } }
                    @if let Some(c) = &m.caption { p.caption { (caption(c)) } }
                    div.stats {
                        span { "♥ " (m.like_count) " likes" }
                        span { (data.comments_count) " comments" }
                        @if !m.comment_enabled { span { "comments off" } }
                        span { time { (timestamp(m.published_at / 1000)) } }
                    }
                    @if !data.products.is_empty() {
                        div { b { "Products " } @for (id, name) in &data.products { span.product { (name.clone().unwrap_or_else(|| id.clone())) } " " } }
                    }
                    @if !data.insights.is_empty() {
                        div { b { "Insights " } @for (k, v) in &data.insights { span.muted { (k) " " (v) "  " } } }
                    }
                    ul.comments {
                        @for (k, replies) in &data.comments {
                            li.comment.hidden[k.hidden] {
                                b { (k.username) } " " (caption(&k.text))
                                @if k.hidden { span.muted { " (hidden)" } }
                                @if !replies.is_empty() {
                                    ul { @for r in replies { li.comment { b { (r.username) } " " (caption(&r.text)) } } }
                                }
                            }
                        }
                    }
                    p.muted { "Media id " code { (m.id) } }
                }
            }
        },
    )
}

pub fn timeline(chrome: &Chrome, account: &str, rows: &[TimelineRow]) -> Markup {
    layout(
        chrome,
        "Timeline",
        html! {
            h1 { "Containers of " code { (account) } }
            p.muted { "Each container's state at the virtual clock's now: created, IN_PROGRESS, FINISHED or ERROR, then PUBLISHED, or EXPIRED 24 hours after creation." }
            div data-live="timeline" data-refresh=(format!("/_sandbox/ui/timeline?account={account}")) {
                table {
                    thead { tr { th { "Container" } th { "Kind" } th { "Life" } th { "State now" } th { "Media" } th.hide-sm { "Requests" } } }
                    tbody #timeline-body {
                        @for r in rows {
                            tr data-container=(r.container.id) {
                                td.num { code { (r.container.id) } }
                                td { (r.container.kind.as_str()) }
                                td.num {
                                    div { "created " (timestamp(r.container.created_at / 1000)) }
                                    @if r.container.ready_at > r.container.created_at {
                                        div.muted { "processed until " (timestamp(r.container.ready_at / 1000)) }
                                    }
                                    @if r.container.media_id.is_none() {
                                        div.muted { "expires " (timestamp(r.container.created_at / 1000 + 86_400)) }
                                    }
                                }
                                td { span class=(format!("state {}", r.status)) { (r.status) } }
                                td { @if let Some(m) = &r.container.media_id { a href=(format!("/_sandbox/ui/post/{m}")) { (m) } } }
                                td.hide-sm { @for seq in &r.touched { a href=(format!("/_sandbox/ui/requests#r{seq}")) { "#" (seq) } " " } }
                            }
                        }
                    }
                }
                @if rows.is_empty() { p.muted { "No containers yet." } }
            }
        },
    )
}

/// What the catalog says about an error answer, inline.
fn explanation(code: i64, subcode: Option<i64>) -> Markup {
    let c = classify(Some(code), subcode);
    let Some(id) = c.id else {
        return html! { div.explain { p { "Not in the catalog: code " (code) } } };
    };
    let e = id.entry();
    html! {
        div.explain {
            p { b { (e.id.name()) } " (" (e.key()) ")" }
            p { (e.summary) }
            p { b { "What to do: " } (e.solution) }
            p.muted { "The program's action: " (e.action.describe()) @if e.source == instapub_errors::Source::Seed { ". A row of Meta's error table." } }
            p.muted { a href=(format!("/_sandbox/ui/catalog#{}", e.id.name())) { "In the catalog" } " · " code { "instapub explain " (e.id.name()) } }
        }
    }
}

/// One row of the request inspector (also sent live).
pub fn request_row(e: &Logged) -> Markup {
    let ok = (200..300).contains(&e.status);
    html! {
        tr id=(format!("r{}", e.seq)) {
            td.num { (e.seq) }
            td.num.hide-sm { (timestamp(e.at)) }
            td { b { (e.method) } }
            td {
                details {
                    summary { code { (e.path) } @if let Some(q) = e.query.as_ref().filter(|q| !q.is_empty()) { span.muted { "?" (q) } } }
                    @if !e.body.is_empty() { div.muted { "Body" } pre { (e.body) } }
                    div.muted { "Answer" } pre { (e.response) }
                    @if let Some(d) = &e.detail { p { b { "What happened: " } (d) } }
                }
                @if let Some(code) = e.error_code { (explanation(code, e.error_subcode)) }
            }
            td.num class=(if ok { "status-ok" } else { "status-bad" }) { (e.status) }
        }
    }
}

pub fn requests(
    chrome: &Chrome,
    rows: &[Logged],
    total: usize,
    newest: u64,
    faults: &[Rule],
    filtered: bool,
) -> Markup {
    layout(
        chrome,
        "Requests",
        html! {
            h1 { "Requests " span.muted { "(" span #request-count { (total) } " in the log, newest first; new ones appear as they come)" } }
            form.inline #fault-form aria-label="Add a fault rule" {
                label { "Fail the next call to"
                    select name="endpoint" {
                        option value="" { "any endpoint" }
                        @for ep in FaultTarget::all() {
                            @let name = serde_json::to_value(ep).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                            option value=(name) { (name) }
                        }
                    }
                }
                label { "with"
                    select name="error" {
                        @for e in ENTRIES {
                            option value=(e.subcode.map_or(e.code.to_string(), |s| format!("{}/{s}", e.code))) selected[e.id == Id::ContainerExpired] {
                                (e.id.name()) " (" (e.key()) ")"
                            }
                        }
                    }
                }
                label { "or break the answer"
                    select name="network" {
                        option value="" { "no: answer with the error" }
                        option value="reset" { "reset the connection" }
                        option value="truncate" { "cut the body short" }
                        option value="slow_body" { "send the body slowly" }
                    }
                }
                label { "times" input name="times" type="number" min="1" value="1" style="width:5rem"; }
                button.primary type="submit" { "Add fault" }
            }
            @if !faults.is_empty() {
                h2 { "Fault rules" }
                table {
                    thead { tr { th { "Rule" } th { "Matches" } th { "Fired" } th {} } }
                    tbody {
                        @for f in faults {
                            tr {
                                td { code { (f.id) } }
                                td { (matcher_text(&f.matcher)) }
                                td.num { (f.hits) @if let Some(t) = f.times { " of " (t) } }
                                td { button type="button" data-remove-fault=(f.id) { "Delete" } }
                            }
                        }
                    }
                }
            }
            @if filtered { p { a href="/_sandbox/ui/requests" { "Show all requests" } } }
            table data-live=(if filtered { "off" } else { "requests" }) data-after=(newest) {
                thead { tr { th { "#" } th.hide-sm { "Time" } th { "Method" } th { "Path, and what the catalog says" } th { "Status" } } }
                tbody #requests-body {
                    @for e in rows { (request_row(e)) }
                }
            }
        },
    )
}

/// A rule's match, without the fields it leaves open (`any call` when it names none).
fn matcher_text(m: &crate::runtime::faults::Match) -> String {
    let value = serde_json::to_value(m).unwrap_or_default();
    let parts: Vec<String> = value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            format!(
                "{k} = {}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    if parts.is_empty() {
        "any call".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The webhooks page, in the manner of GitHub's webhook deliveries page: the subscription,
/// buttons to trigger an event or send the Test button's sample, and every delivery with its
/// request and response and a Redeliver button.
pub fn webhooks(
    chrome: &Chrome,
    subscription: Option<&WebhookView>,
    deliveries: &[WebhookDelivery],
) -> Markup {
    const FIELDS: &[&str] = &["comments", "live_comments", "mentions", "story_insights"];
    layout(
        chrome,
        "Webhooks",
        html! {
            h1 { "Webhooks" }
            @match subscription {
                Some(s) => {
                    p {
                        "Deliveries of " b { (s.fields.join(", ")) } " go to " code { (s.callback_url) }
                        @if !s.active { " " span.state.ERROR { "inactive" } }
                        ", signed with the app's secret (" code { "X-Hub-Signature-256" } "). "
                        @if s.installs.is_empty() {
                            span.status-bad { "No account has the app installed: nothing is sent (an hour of failures unsubscribes it)." }
                        } @else {
                            "Installed on " (s.installs.join(", ")) "."
                        }
                    }
                }
                None => p.muted { "No subscription yet: subscribe a callback URL below (the sandbox sends Meta's verification request to it first)." }
            }
            form.inline #webhook-form aria-label="Subscribe a callback" {
                label { "Callback URL" input name="callback_url" type="url" required placeholder="http://localhost:3000/webhooks" style="width:18rem" value=[subscription.map(|s| s.callback_url.as_str())]; }
                label { "Verify token" input name="verify_token" placeholder="(random)" style="width:8rem"; }
                @for f in FIELDS {
                    label.check { input type="checkbox" name="field" value=(f) checked; (f) }
                }
                label { "Login"
                    select name="login" {
                        option value="facebook" { "Facebook Login (a Page)" }
                        option value="instagram" { "Instagram Login" }
                    }
                }
                button.primary type="submit" { "Subscribe" }
            }
            form.inline data-control="POST /webhooks/trigger" data-reload="1" aria-label="Trigger an event" {
                label { "Trigger"
                    select name="field" { @for f in FIELDS { option value=(f) { (f) } } }
                }
                label { "text" input name="text" placeholder="(default)" style="width:12rem"; }
                label { "from" input name="username" placeholder="instapub_fan" style="width:9rem"; }
                button type="submit" { "Trigger" }
            }
            form.inline data-control="POST /webhooks/test" data-reload="1" aria-label="Send a test sample" {
                label { "Test button sample"
                    select name="field" { @for f in FIELDS.iter().chain(&["messages"]) { option value=(f) { (f) } } }
                }
                button type="submit" { "Send test" }
                span.muted { "Meta's fixed sample values, entry.id \"0\": not the shape of real events." }
            }
            h2 { "Recent deliveries " a href="/_sandbox/ui/webhooks" { "(refresh)" } }
            @if deliveries.is_empty() { p.muted { "None yet." } }
            @for d in deliveries { (delivery(d)) }
        },
    )
}

fn delivery(d: &WebhookDelivery) -> Markup {
    let last = d.attempts.last();
    let (mark, class) = match d.state.as_str() {
        "delivered" => ("\u{2714}", "status-ok"),
        "pending" if d.attempts.is_empty() => ("\u{2026}", "muted"),
        _ => ("\u{2716}", "status-bad"),
    };
    html! {
        details.delivery id=(format!("d{}", d.id)) {
            summary {
                span class=(class) aria-label=(d.state) { (mark) } " "
                code { "#" (d.id) } " "
                b { (d.fields.join(", ")) }
                @if d.test { " " span.state { "test" } }
                @if let Some(r) = &d.redelivery_of { " " span.muted { "redelivery of #" (r) } }
                " " span.muted { (timestamp(d.created_at / 1000)) }
                " " span.state { (d.state) }
                @if let Some(a) = last {
                    " " span class=(if a.status.is_some_and(|s| (200..300).contains(&s)) { "status-ok" } else { "status-bad" }) {
                        @match a.status { Some(s) => { (s) } None => { "no answer" } }
                    }
                    " " span.muted { (a.latency_ms) " ms" }
                }
                @if let (Some(at), "pending") = (d.next_attempt_at, d.state.as_str()) {
                    " " span.muted { "next attempt " (timestamp(at / 1000)) }
                }
            }
            div.delivery-body {
                p { button type="button" data-redeliver=(d.id) { "Redeliver" } }
                @for a in d.attempts.iter().rev() {
                    h3 { "Attempt " (a.n) " " span.muted { (timestamp(a.at / 1000)) " \u{2192} " code { (a.url) } } }
                    @if let Some(e) = &a.error { p.status-bad { (e) } }
                    div.two {
                        div {
                            div.muted { "Request headers" }
                            pre { @for h in &a.request_headers { (h.name) ": " (h.value) "\n" } }
                        }
                        div {
                            div.muted { "Response " @if let Some(s) = a.status { (s) } " (" (a.latency_ms) " ms)" }
                            pre { @for h in &a.response_headers { (h.name) ": " (h.value) "\n" } "\n" (a.response_body) }
                        }
                    }
                }
                div.muted { "Payload (the bytes signed and sent)" }
                pre { (d.body) }
            }
        }
    }
}

/// Links to the Requests page, one per sequence number.
fn request_links(seqs: &[u64]) -> Markup {
    html! {
        @for seq in seqs { a href=(format!("/_sandbox/ui/requests#r{seq}")) { "#" (seq) } " " }
    }
}

/// The integration report: per app, errors met and never met, reactions, versions, permissions.
pub fn report(chrome: &Chrome, r: &crate::runtime::report::Report) -> Markup {
    use crate::runtime::report::VersionState;
    layout(
        chrome,
        "Report",
        html! {
            h1 { "Integration report " span.muted { "(" (r.findings.len()) " findings)" } }
            p.muted { "What your tests made your app meet, how it reacted (judged by the catalog's action), and what App Review will ask about its permissions. " code { "instapub report --junit FILE" } " puts each finding in CI." }
            form.inline data-control="POST /report/reset" data-reload="1" aria-label="Start the report afresh" {
                button type="submit" { "Start afresh" }
                span.muted { "The state and the request log are kept." }
            }
            @if r.apps.is_empty() { p.muted { "Nothing recorded yet: run your tests against this sandbox." } }
            @for app in &r.apps {
                section.report-app {
                    h2 { @match &app.app_id { Some(id) => { "App " code { (id) } }, None => "Calls whose token named no app" } }
                    h3 { "Errors met " span.muted { "(" (app.errors_met.len()) ")" } }
                    @if app.errors_met.is_empty() { p.muted { "None." } } @else {
                        table {
                            thead { tr { th { "Entry" } th { "Code" } th.num { "Times" } th.num { "Fault rule" } th.num { "Real condition" } th { "Where" } } }
                            tbody {
                                @for e in &app.errors_met {
                                    tr {
                                        td { a href=(format!("/_sandbox/ui/catalog#{}", e.entry)) { (e.entry) } }
                                        td.num { (e.key) }
                                        td.num { (e.count) }
                                        td.num { (e.from_faults) }
                                        td.num { (e.from_conditions) }
                                        td { (e.endpoints.join(", ")) }
                                    }
                                }
                            }
                        }
                    }
                    @if !app.reactions.is_empty() {
                        h3 { "Reactions" }
                        ul.reactions {
                            @for x in &app.reactions {
                                li {
                                    @if x.good { span.status-ok { "✓ " } } @else { span.status-bad { "✗ " } }
                                    (x.message) " " span.muted { "requests " (request_links(&x.requests)) }
                                }
                            }
                        }
                    }
                    @if !app.errors_not_met.is_empty() {
                        h3 { "Never met " span.muted { "(" (app.errors_not_met.len()) "): a fault rule makes each happen in a test" } }
                        table {
                            thead { tr { th { "Entry" } th { "Code" } th { "Fault rule (Python)" } } }
                            tbody {
                                @for e in &app.errors_not_met {
                                    tr {
                                        td { a href=(format!("/_sandbox/ui/catalog#{}", e.entry)) { (e.entry) } br; span.muted { (e.summary) } }
                                        td.num { (e.key) }
                                        td { code { (e.python) } }
                                    }
                                }
                            }
                        }
                    }
                    @if !app.versions.is_empty() {
                        h3 { "Graph versions" }
                        ul {
                            @for v in &app.versions {
                                li {
                                    @match v.state {
                                        VersionState::Current => span.status-ok { "✓ " },
                                        _ => span.status-bad { "✗ " },
                                    }
                                    b { (v.version) } " " (v.calls) " call(s)"
                                    @if let Some(u) = &v.until { span.muted { ", served until " (u) } }
                                    @match v.state {
                                        VersionState::Retired => " (no longer served: answered by the oldest live version)",
                                        VersionState::SunsetSoon => " (ends within 90 days)",
                                        VersionState::Current => "",
                                    }
                                }
                            }
                        }
                    }
                    @if app.older_authorize_logins > 0 {
                        p { span.status-bad { "✗ " } (app.older_authorize_logins) " login(s) opened the older authorize address " code { "api.instagram.com/oauth/authorize" } "; open " code { "www.instagram.com/oauth/authorize" } "." }
                    }
                    h3 { "Permissions " span.muted { "(what App Review asks about)" } }
                    ul {
                        @for u in &app.permissions.used {
                            li { span.status-ok { "✓ " } b { (u.permission) } " used by " (u.calls) " call(s): " (u.endpoints.join(", ")) }
                        }
                        @for p in &app.permissions.requested_not_used {
                            li { span.status-bad { "✗ " } b { (p) } " requested at login, never used: App Review rejects permissions an app does not use" }
                        }
                        @for u in &app.permissions.used_not_requested {
                            li { span.status-bad { "✗ " } b { (u.permission) } " needed by " (u.calls) " call(s) and not granted: " (u.endpoints.join(", ")) }
                        }
                        @if app.permissions.used.is_empty() && app.permissions.requested_not_used.is_empty() && app.permissions.used_not_requested.is_empty() {
                            li.muted { "No permission-gated call yet." }
                        }
                    }
                    @if !app.permissions.granted.is_empty() {
                        p.muted { "Granted at login: " (app.permissions.granted.join(", ")) }
                    }
                }
            }
        },
    )
}

pub fn catalog(chrome: &Chrome) -> Markup {
    layout(
        chrome,
        "Catalog",
        html! {
            h1 { "The error catalog " span.muted { "(" (ENTRIES.len()) " entries)" } }
            label for="catalog-search" { "Search by code, subcode or text " }
            input #catalog-search type="search" placeholder="a code, a subcode, or words: expired, rate limit..." style="width:100%;margin:.3rem 0 1rem";
            table {
                thead { tr { th { "Entry" } th { "Code" } th { "What happened, and what to do" } th { "Requests" } } }
                tbody #catalog-body {
                    @for e in ENTRIES {
                        tr id=(e.id.name()) {
                            td { b { (e.id.name()) } }
                            td.num { (e.key()) br; span.muted { "HTTP " (e.status) } }
                            td { (e.summary) br; span.muted { (e.solution) } }
                            td { a href=(match e.subcode { Some(s) => format!("/_sandbox/ui/requests?code={}&subcode={s}", e.code), None => format!("/_sandbox/ui/requests?code={}", e.code) }) { "in the log" } }
                        }
                    }
                }
            }
        },
    )
}
