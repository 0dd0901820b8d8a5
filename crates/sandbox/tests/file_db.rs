//! A file database reads through separate read-only connections (and point lookups run on the
//! async threads). These tests hold that to read-your-writes: whatever one request was told
//! is stored, the next request sees, from whichever connection serves it.

#![allow(clippy::unwrap_used)]

use crate::common::{fixture, token, Graph, MediaHost};
use instapub_sandbox::Db;
use instapub_sandbox::Sandbox;

fn db_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("instapub-file-db-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sandbox.db")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_is_read_back_at_once() {
    let media = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let path = db_path("ryw");
    let sb = Sandbox::builder()
        .db(Db::File(path.clone()))
        .start()
        .await
        .unwrap();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id().to_owned();
    let url = media.url("photo.jpg");

    // Concurrent writers, each reading its own write straight back.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (g, user, url) = (g.clone(), user.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..5 {
                let r = g
                    .post(&format!("/{user}/media"), &[("image_url", url.as_str())])
                    .await;
                r.expect_ok();
                let id = r.id();
                assert_eq!(g.status_code(&id).await, "FINISHED", "container {id}");
                let published = g
                    .post(
                        &format!("/{user}/media_publish"),
                        &[("creation_id", id.as_str())],
                    )
                    .await;
                published.expect_ok();
                g.get(&format!("/{}", published.id()), &[("fields", "id")])
                    .await
                    .expect_ok();
                ids.push(id);
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all.len(), 80);

    // A token written by the control side authenticates on the very next request.
    let fresh = token(&sb, &user, &["instagram_basic"], None).await;
    g.with_token(&fresh)
        .get(&format!("/{user}"), &[("fields", "username")])
        .await
        .expect_ok();
    drop(sb);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

/// The token and node lookups are served from memory while nothing is written
/// (`src/runtime/read_cache.rs`): a write, from the control plane or from Graph, is seen at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_lookups_never_outlive_a_write() {
    let media = MediaHost::start(vec![("photo.jpg", fixture("jpeg_square.jpg"))]).await;
    let path = db_path("cache");
    let sb = Sandbox::builder()
        .db(Db::File(path.clone()))
        .start()
        .await
        .unwrap();
    let g = Graph::new(sb.base_url(), sb.access_token());
    let user = sb.user_id().to_owned();
    let c = g
        .post(
            &format!("/{user}/media"),
            &[("image_url", &media.url("photo.jpg"))],
        )
        .await;
    c.expect_ok();
    let container = c.id();
    // Read the token and the container several times (cached after the first)...
    for _ in 0..5 {
        assert_eq!(g.status_code(&container).await, "FINISHED");
    }
    // ...a publish (a write through Graph) changes the container: the next read sees it.
    g.post(
        &format!("/{user}/media_publish"),
        &[("creation_id", &container)],
    )
    .await
    .expect_ok();
    assert_eq!(g.status_code(&container).await, "PUBLISHED");
    // A control-plane write to the account: the cached token's account is not served stale.
    sb.update_account(
        &user,
        instapub_sandbox::AccountPatch {
            restricted: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    g.post(
        &format!("/{user}/media"),
        &[("image_url", &media.url("photo.jpg"))],
    )
    .await
    .expect_error(400, 25, Some(2_207_050));
    // A token created now (a write) works at once.
    let fresh = token(&sb, &user, &["instagram_basic"], None).await;
    g.with_token(&fresh)
        .get(&format!("/{user}"), &[("fields", "username")])
        .await
        .expect_ok();
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
