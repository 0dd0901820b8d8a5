//! The dashboard in a real browser (issue 15): headless Chromium driven over WebDriver
//! (chromedriver, fantoccini). Logs in with the printed URL, sees a carousel published over the
//! Graph API appear in the phone view without a reload, opens it and checks its slides' order,
//! adds a fault from the form and sees the next call fail with it and the inspector explain it,
//! and advances the clock 24 h to see a container expire. Screenshots go to
//! `target/ui-screenshots/` (CI keeps them).
//!
//! Needs Debian's `chromium` and `chromium-driver`: `scripts/test-ui` installs them and runs
//! these tests (they are ignored by a plain `cargo test`, which must pass without a browser).

#![allow(clippy::unwrap_used)]

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use instapub_sandbox::Sandbox;
use serde_json::{json, Value};

use crate::common::{fixture, Graph, MediaHost};

/// A chromedriver on a free port, killed on drop.
struct Driver {
    child: std::process::Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = std::process::Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary}: {e} (scripts/test-ui installs it)"));
    Driver { child, port }
}

async fn browser(driver: &Driver) -> Client {
    // Two TLS backends are linked (reqwest's and fantoccini's): name the one to use.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1100,1200"]
        }),
    );
    for _ in 0..50 {
        let attempt = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await;
        if let Ok(client) = attempt {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not accept a session");
}

async fn shot(client: &Client, name: &str) {
    let dir = format!("{}/../../target/ui-screenshots", env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
}

/// Waits until `css` matches an element whose text contains `text`.
async fn wait_for(client: &Client, css: &str, text: &str) {
    for _ in 0..100 {
        for e in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
            if e.text().await.unwrap_or_default().contains(text) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let html = client.source().await.unwrap_or_default();
    panic!(
        "no {css} with {text:?} appeared:\n{}",
        &html[..html.len().min(4000)]
    );
}

async fn script(client: &Client, js: &str) -> Value {
    client.execute(js, vec![]).await.unwrap()
}

/// Fills the inspector's fault form (an endpoint, and `choice`, a script setting the error or
/// the network fault on `f`), submits it, and waits for the rule to be listed.
async fn add_fault_from_form(client: &Client, endpoint: &str, choice: &str) {
    script(
        client,
        &format!(
            "const f = document.getElementById('fault-form'); f.endpoint.value = '{endpoint}'; {choice} return true;"
        ),
    )
    .await;
    client
        .find(Locator::Css("#fault-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(client, "td", &format!("endpoint = {endpoint}")).await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: scripts/test-ui installs them and runs this"]
async fn the_dashboard_shows_what_the_integration_did() {
    let media = MediaHost::start(vec![
        ("a.jpg", fixture("jpeg_square.jpg")),
        ("b.jpg", {
            let mut b = fixture("jpeg_square.jpg");
            b.extend_from_slice(b"b");
            b
        }),
        ("c.jpg", {
            let mut b = fixture("jpeg_square.jpg");
            b.extend_from_slice(b"c");
            b
        }),
    ])
    .await;
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id().to_owned();
    let driver = chromedriver();
    let client = browser(&driver).await;

    // 1. The printed URL logs the browser in; the phone view of the demo account.
    client.goto(&sb.dashboard_url()).await.unwrap();
    wait_for(&client, ".profile h1", "instapub_demo").await;
    let url = client.current_url().await.unwrap();
    assert!(
        !url.as_str().contains("key="),
        "the key leaves the address bar: {url}"
    );
    let paint = script(
        &client,
        "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint'); \
         const n = performance.getEntriesByType('navigation')[0]; \
         return [p ? p.startTime : n.domContentLoadedEventEnd, document.documentElement.outerHTML.length];",
    )
    .await;
    println!(
        "phone view: first contentful paint {} ms, {} bytes of HTML",
        paint[0], paint[1]
    );
    assert!(paint[1].as_u64().unwrap() < 64 * 1024, "a light page");
    shot(&client, "1-phone-empty").await;

    // 2. A carousel published over the Graph API appears without a reload.
    let mut children = Vec::new();
    for name in ["a.jpg", "b.jpg", "c.jpg"] {
        let r = g
            .post(
                &format!("/{user}/media"),
                &[
                    ("image_url", &media.url(name)),
                    ("is_carousel_item", "true"),
                ],
            )
            .await;
        r.expect_ok();
        children.push(r.id());
    }
    let album = g
        .post(
            &format!("/{user}/media"),
            &[
                ("media_type", "CAROUSEL"),
                ("children", &children.join(",")),
                ("caption", "Three in order #sandbox"),
            ],
        )
        .await;
    album.expect_ok();
    let published = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &album.id())],
        )
        .await;
    published.expect_ok();
    let media_id = published.id();
    wait_for(&client, ".tile .badge", "3").await;
    shot(&client, "2-phone-carousel").await;

    // 3. Opened: the slides in the order they were given.
    client
        .find(Locator::Css(&format!("a.tile[data-media='{media_id}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, ".caption", "Three in order").await;
    let shown: Vec<String> = {
        let mut ids = Vec::new();
        for e in client.find_all(Locator::Css(".slide")).await.unwrap() {
            ids.push(e.attr("data-child").await.unwrap().unwrap());
        }
        ids
    };
    let listed = g.get(&format!("/{media_id}/children"), &[]).await;
    let expected: Vec<String> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, expected);
    shot(&client, "3-post").await;

    // 4. A fault from the form: the next publish fails with it, and the inspector explains it.
    client
        .goto(&format!("{}/_sandbox/ui/requests", sb.base_url()))
        .await
        .unwrap();
    wait_for(&client, "h1", "Requests").await;
    add_fault_from_form(&client, "media_publish", "f.error.value = '9/2207042';").await;
    let photo = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("a.jpg"))],
        )
        .await;
    photo.expect_ok();
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &photo.id())],
    )
    .await
    .expect_error(400, 9, Some(2_207_042));
    wait_for(&client, "#requests-body .explain", "PublishingQuotaReached").await;
    wait_for(&client, "#requests-body .explain", "What to do").await;
    shot(&client, "4-inspector").await;
    // A network fault from the same form: the answer never arrives whole.
    client.refresh().await.unwrap();
    wait_for(&client, "h1", "Requests").await;
    add_fault_from_form(&client, "user_read", "f.network.value = 'reset';").await;
    let broken = reqwest::Client::new()
        .get(format!("{}/v25.0/{user}?fields=username", sb.base_url()))
        .bearer_auth(sb.access_token())
        .send()
        .await;
    let failed = match broken {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the reset fault broke the answer");

    // 5. The clock: 24 hours later the unpublished container has expired.
    let waiting = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("b.jpg"))],
        )
        .await;
    waiting.expect_ok();
    client
        .goto(&format!("{}/_sandbox/ui/timeline", sb.base_url()))
        .await
        .unwrap();
    wait_for(
        &client,
        &format!("tr[data-container='{}'] .state", waiting.id()),
        "FINISHED",
    )
    .await;
    client
        .find(Locator::Css("[data-advance='86400']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &client,
        &format!("tr[data-container='{}'] .state", waiting.id()),
        "EXPIRED",
    )
    .await;
    shot(&client, "5-timeline-expired").await;

    // 6. The catalog: searchable, linked to the log.
    client
        .goto(&format!("{}/_sandbox/ui/catalog", sb.base_url()))
        .await
        .unwrap();
    client
        .find(Locator::Css("#catalog-search"))
        .await
        .unwrap()
        .send_keys("2207042")
        .await
        .unwrap();
    let visible = script(
        &client,
        "return [...document.querySelectorAll('#catalog-body tr')].filter(r => !r.hidden).map(r => r.id);",
    )
    .await;
    assert_eq!(visible, json!(["PublishingQuotaReached"]));
    shot(&client, "6-catalog").await;
    // No script error on any page.
    for page in ["", "/requests", "/timeline", "/catalog"] {
        client
            .goto(&format!("{}/_sandbox/ui{page}", sb.base_url()))
            .await
            .unwrap();
        let errors = script(&client, "return window.__errors;").await;
        assert_eq!(errors, json!([]), "{page}");
    }

    // The account controls: restrict the account from the form, see Graph refuse it.
    client.goto(&sb.dashboard_url()).await.unwrap();
    client
        .find(Locator::Css(
            "form[data-control^='PATCH'] input[name=restricted]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "form[data-control^='PATCH'] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#notice", "Done").await;
    g.post(
        &format!("/{user}/media"),
        &[("image_url", &media.url("c.jpg"))],
    )
    .await
    .expect_error(400, 25, Some(2_207_050));

    // The app settings: Require App Secret from the form, and Graph asks for the proof.
    client.goto(&sb.dashboard_url()).await.unwrap();
    client
        .find(Locator::Css(
            "form[data-control='PATCH /app'] input[name=require_appsecret_proof]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "form[data-control='PATCH /app'] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#notice", "Done").await;
    shot(&client, "6b-app-settings").await;
    g.get(&format!("/{user}"), &[("fields", "username")])
        .await
        .expect_error(400, 100, None);
    sb.set_app(instapub_sandbox::AppSettings {
        require_appsecret_proof: Some(false),
        ..Default::default()
    })
    .await
    .unwrap();

    // At a phone's width.
    client.set_window_size(390, 844).await.unwrap();
    client.goto(&sb.dashboard_url()).await.unwrap();
    wait_for(&client, ".profile h1", "instapub_demo").await;
    shot(&client, "7-phone-width").await;

    // 10,000 requests in the log and 1,000 posts: the pages stay light (paged), and their
    // first render (first contentful paint, or DOMContentLoaded when the browser reports no
    // paint) is measured and printed; speed is for benchmarks, not assertions.
    for i in 0..1000 {
        sb.create_media(instapub_sandbox::NewMedia {
            user_id: Some(user.clone()),
            media_type: "IMAGE".into(),
            media_product_type: "FEED".into(),
            caption: Some(format!("post {i}")),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let http = reqwest::Client::new();
    for _ in 0..10_000 {
        http.get(format!("{}/v25.0/{user}?fields=username", sb.base_url()))
            .bearer_auth(sb.access_token())
            .send()
            .await
            .unwrap();
    }
    client.set_window_size(1100, 1200).await.unwrap();
    for page in ["", "/requests"] {
        client
            .goto(&format!("{}/_sandbox/ui{page}", sb.base_url()))
            .await
            .unwrap();
        let measured = script(
            &client,
            "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint'); \
             const n = performance.getEntriesByType('navigation')[0]; \
             return [p ? p.startTime : n.domContentLoadedEventEnd, document.documentElement.outerHTML.length, \
                     document.querySelectorAll('.tile, #requests-body tr').length];",
        )
        .await;
        println!(
            "with 10,000 requests and 1,000 posts, {}: first render {} ms, {} bytes of HTML, {} items",
            if page.is_empty() { "the phone" } else { "the inspector" },
            measured[0],
            measured[1],
            measured[2]
        );
        assert!(
            measured[1].as_u64().unwrap() < 1 << 20,
            "paged, not all at once"
        );
        assert!(measured[2].as_u64().unwrap() <= 200);
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn without_the_key_the_dashboard_asks_for_it() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{}/_sandbox/ui", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 401);
    assert!(page.text().await.unwrap().contains("admin key"));
    let wrong = http
        .get(format!("{}/_sandbox/ui?key=nope", sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let login = http.get(sb.dashboard_url()).send().await.unwrap();
    assert_eq!(login.status().as_u16(), 303);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    // With the cookie: the pages, and the control plane (what the page's buttons call).
    for page in [
        "/_sandbox/ui",
        "/_sandbox/ui/requests",
        "/_sandbox/ui/timeline",
        "/_sandbox/ui/catalog",
    ] {
        let r = http
            .get(format!("{}{page}", sb.base_url()))
            .header("cookie", &pair)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{page}");
    }
    let clock: Value = serde_json::from_str(
        &http
            .post(format!("{}/_sandbox/clock/advance", sb.base_url()))
            .header("cookie", &pair)
            .header("content-type", "application/json")
            .body(r#"{"seconds": 60}"#)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(clock["now"].is_i64(), "{clock}");
}

#[tokio::test]
async fn a_post_page_shows_its_caption_and_product_tags() {
    let media = MediaHost::start(vec![("a.jpg", fixture("jpeg_square.jpg"))]).await;
    let sb = Sandbox::start().await;
    let user = sb.user_id().to_owned();
    sb.update_account(
        &user,
        instapub_sandbox::AccountPatch {
            shopping_eligible: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let catalog = sb
        .create_catalog(instapub_sandbox::NewCatalog {
            user_id: Some(user.clone()),
            name: "Main".into(),
            products: vec![instapub_sandbox::NewCatalogProduct {
                name: "Blue mug".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let mug = catalog.products[0].id.clone();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let c = g
        .post(
            &format!("/{user}/media"),
            &[
                ("image_url", &media.url("a.jpg")),
                ("caption", "Our #mug with @friend"),
                (
                    "product_tags",
                    &format!("[{{product_id:'{mug}',x:0.5,y:0.5}}]"),
                ),
            ],
        )
        .await;
    c.expect_ok();
    let p = g
        .post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &c.id())],
        )
        .await;
    p.expect_ok();
    let page = reqwest::Client::new()
        .get(format!("{}/_sandbox/ui/post/{}", sb.base_url(), p.id()))
        .bearer_auth(sb.admin_key())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Blue mug"), "the tagged product by name");
    assert!(
        page.contains(r#"<span class="tag">#mug</span>"#),
        "hashtags marked"
    );
    assert!(
        page.contains(r#"<span class="mention">@friend</span>"#),
        "mentions marked"
    );
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: scripts/test-ui installs them and runs this"]
async fn the_webhooks_page_subscribes_triggers_shows_deliveries_and_redelivers() {
    const VERIFY: &str = "ui-verify";
    let sb = Sandbox::start().await;
    let hook = crate::common::Receiver::start(VERIFY).await;
    let driver = chromedriver();
    let client = browser(&driver).await;
    client.goto(&sb.dashboard_url()).await.unwrap();
    wait_for(&client, ".profile h1", "instapub_demo").await;
    client
        .goto(&format!("{}/_sandbox/ui/webhooks", sb.base_url()))
        .await
        .unwrap();
    wait_for(&client, "main p", "No subscription yet").await;

    // Subscribe from the form: the receiver answers the verification request.
    script(
        &client,
        &format!(
            "const f = document.getElementById('webhook-form'); f.callback_url.value = '{}'; f.verify_token.value = '{VERIFY}'; return true;",
            hook.url
        ),
    )
    .await;
    client
        .find(Locator::Css("#webhook-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "#notice", "Subscribed").await;
    wait_for(&client, "main p", "Installed on instapub_demo").await;
    assert_eq!(hook.handshakes().len(), 1);

    // Trigger a comment; a failing callback for a mention.
    client
        .find(Locator::Css(
            "form[data-control='POST /webhooks/trigger'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "details.delivery summary", "comments").await;
    hook.wait_for(1).await;
    hook.answer(500);
    sb.trigger_webhook(instapub_sandbox::WebhookTrigger {
        field: "mentions".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    hook.wait_for(3).await;
    // The retry is logged once the app's answer is in: wait for it before the page is read.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !sb
        .webhook_deliveries()
        .await
        .unwrap()
        .iter()
        .any(|d| d.fields == ["mentions"] && d.attempts.len() >= 2)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the retry was never logged"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    client.refresh().await.unwrap();
    wait_for(&client, "details.delivery summary", "mentions").await;
    wait_for(&client, "details.delivery summary", "500").await;
    shot(&client, "9-webhook-deliveries").await;
    // Open the failed delivery: both attempts, the request's signature, the payload.
    script(
        &client,
        "document.querySelector('details.delivery').open = true; return true;",
    )
    .await;
    wait_for(&client, "details.delivery h3", "Attempt 2").await;
    wait_for(
        &client,
        "details.delivery pre",
        "X-Hub-Signature-256: sha256=",
    )
    .await;
    assert_eq!(
        script(&client, "return window.__errors.length;").await,
        json!(0)
    );
    shot(&client, "9b-webhook-delivery").await;

    // Redeliver the comment's delivery once the app is fixed.
    hook.answer(200);
    script(
        &client,
        "const all = document.querySelectorAll('[data-redeliver]'); all[all.length - 1].click(); return true;",
    )
    .await;
    wait_for(&client, "#notice", "Redelivered as").await;
    wait_for(&client, "details.delivery summary", "redelivery of #").await;
    let got = hook.wait_for(4).await;
    assert_eq!(got[3].body, got[0].body);
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: scripts/test-ui installs them and runs this"]
async fn the_report_page_shows_what_the_app_met_missed_and_how_it_reacted() {
    let media = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id().to_owned();
    // 2207027 at publish time, then the same publish sent again at once, unpolled.
    crate::common::admin(
        &sb,
        reqwest::Method::POST,
        "/faults",
        json!({"match": {"endpoint": "media_publish"}, "error": {"subcode": 2207027}, "times": 1}),
    )
    .await;
    let created = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("photo.jpg"))],
        )
        .await;
    let container = created.body["id"].as_str().unwrap().to_owned();
    g.wait_processed(&container).await;
    for _ in 0..2 {
        g.post(
            &format!("/{user}/media_publish"),
            &[("creation_id", &container)],
        )
        .await;
    }
    let driver = chromedriver();
    let client = browser(&driver).await;
    client.goto(&sb.dashboard_url()).await.unwrap();
    wait_for(&client, ".profile h1", "instapub_demo").await;
    client
        .goto(&format!("{}/_sandbox/ui/report", sb.base_url()))
        .await
        .unwrap();
    wait_for(&client, "main h3", "Errors met").await;
    wait_for(&client, "main table td", "NotReady").await;
    wait_for(
        &client,
        "ul.reactions li",
        "without reading its status_code",
    )
    .await;
    wait_for(&client, "main td code", "sb.add_fault(").await;
    assert_eq!(
        script(&client, "return window.__errors.length;").await,
        json!(0)
    );
    shot(&client, "10-report").await;
    // A reaction's request opens on the Requests page.
    script(
        &client,
        "document.querySelector('ul.reactions a').click(); return true;",
    )
    .await;
    wait_for(&client, "main h1", "Requests").await;
    assert!(client
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/_sandbox/ui/requests#r"));
    // Start afresh.
    client
        .goto(&format!("{}/_sandbox/ui/report", sb.base_url()))
        .await
        .unwrap();
    client
        .find(Locator::Css(
            "form[data-control='POST /report/reset'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&client, "main p", "Nothing recorded yet").await;
    client.close().await.unwrap();
}
