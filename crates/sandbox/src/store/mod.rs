//! State: accounts, tokens, containers, published media, in SQLite (a WAL file, or memory).
//! One file per aggregate; [`conn`] holds the connection machinery they all use (and says how
//! writes are serialised, reads run beside them and commits survive a kill), [`schema`] the
//! tables.

mod accounts;
pub mod blobs;
mod comments;
mod conn;
mod containers;
mod files;
mod identity;
mod insights;
mod media;
mod nodes;
mod quota;
mod schema;
mod settings;
mod shop;
pub mod webhooks;

pub use accounts::{
    account, account_by_username, accounts, first_account, insert_account, insert_token,
    long_lived_token, profile, reset, token, token_with_account, update_account, update_profile,
    upgrade_permissions, Account, Profile, Token,
};
pub use comments::{
    comment, comments_count, comments_page, delete_comment, insert_comment, set_comment_hidden,
    Comment, NewComment, MAX_COMMENT_CHARS,
};
pub use conn::{Store, StoreError};
pub use containers::{
    account_containers, append_chunk, complete_upload, container, finish_processing,
    insert_container, unprocessed_containers, upload_from_url, upload_piece, upload_received,
    Container, NewContainer, Processed, State,
};
pub use files::{file, put_file};
pub use identity::{
    admin_pages, app, apps, business, business_pages, businesses_of, code, fb_user, fb_users,
    first_app, first_fb_user, granted_scopes, insert_app, insert_business, insert_code,
    insert_fb_user, insert_login_token, insert_page, login_principal, login_token, page,
    pages_of_account, revoke_tokens, use_code, Business, Code, FbUser, Login, LoginToken, MetaApp,
    Page, TokenKind, Who,
};
pub use insights::{insights, set_insights, MEDIA_METRICS, USER_METRICS};
pub use media::{
    account_media, account_media_page, account_stories, child_media, delete_media,
    insert_partnership_code, insert_seeded_media, media, media_count, partnership_code, publish,
    quota_usage, set_comment_enabled, set_like_count, Media, PageFrom, PublishRefusal,
};
pub use nodes::{node, Node, NodeKind};
pub use quota::QuotaIndex;
pub use settings::{
    admin_key, ads_audio_swap_enabled, clock_offset, default_version, require_appsecret_proof,
    scenario_applied, set_admin_key, set_ads_audio_swap_enabled, set_clock_offset,
    set_default_version, set_require_appsecret_proof, set_scenario_applied,
};
pub use shop::{catalogs, insert_catalog, Catalog, NewProduct, Product};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Db;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lookup_waits_for_a_reader_when_all_are_taken() {
        let dir = std::env::temp_dir().join(format!("instapub-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("lookup.db");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&Db::File(path.clone())).unwrap_or_else(|e| panic!("{e}"));
        store
            .write(|c| insert_account(c, "someone", 100, 0).map(drop))
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        // Every reader taken: the lookup cannot run inline and must wait on the blocking pool.
        let held = store.take_all_readers();
        let s = store.clone();
        let pending =
            tokio::spawn(async move { s.lookup(|c| account_by_username(c, "someone")).await });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!pending.is_finished(), "ran without a reader");
        drop(held);
        let found = pending.await.unwrap_or_else(|e| panic!("{e}"));
        let account = found.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(account.map(|a| a.username).as_deref(), Some("someone"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_database_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("instapub-perm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("secret.db");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&Db::File(path.clone())).unwrap_or_else(|e| panic!("{e}"));
        store
            .write(|c| insert_account(c, "someone", 100, 0).map(drop))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for file in [path.clone(), dir.join("secret.db-wal")] {
            let mode = std::fs::metadata(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", file.display());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_database_from_before_carousel_children_gains_their_column() {
        let dir = std::env::temp_dir().join(format!("instapub-migrate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("old.db");
        let _ = std::fs::remove_file(&path);
        {
            let old = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
            old.execute_batch(
                "CREATE TABLE media (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, container_id TEXT UNIQUE, media_type TEXT NOT NULL, media_product_type TEXT NOT NULL, caption TEXT, media_url TEXT, children TEXT NOT NULL DEFAULT '[]', via_api INTEGER NOT NULL DEFAULT 1, copyrighted_music INTEGER NOT NULL DEFAULT 0, published_at INTEGER NOT NULL);
                 INSERT INTO media(id, account_id, media_type, media_product_type, published_at) VALUES ('1', 'a', 'IMAGE', 'FEED', 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let store = Store::open(&Db::File(path.clone())).unwrap_or_else(|e| panic!("{e}"));
        let found = store
            .write(|c| media(c, "1"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.map(|m| m.parent_id), Some(None));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
