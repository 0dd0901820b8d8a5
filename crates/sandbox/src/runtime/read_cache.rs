//! A cache of the lookups every Graph request makes (its token and who it speaks for, and the
//! node its path names), checked against the store's write generation: an entry is served only
//! while nothing has been written since it was read, so it is never stale. Under a load of
//! reads (status polls) it answers from memory; any write empties it in effect.
//!
//! Why: the profile of status reads showed SQLite's per-read shared lock (fcntl) and statement
//! work as the largest parts of the request the sandbox itself adds (issue 18). Entries are
//! shared (`Arc`), not copied out: copying a token's permissions and a container's texts for
//! every request showed in the next profile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::store::{self, Account, LoginToken, MetaApp, Node, Store, StoreError, Who};

/// Entries kept at most; past it the cache starts over (random tokens cannot grow it).
const CAPACITY: usize = 10_000;

type Entries<T> = Mutex<HashMap<String, (u64, Option<Arc<T>>)>>;

/// An access token as requests use it, with the app it belongs to (whose secret signs its
/// `appsecret_proof`).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // always behind an `Arc`
pub enum Resolved {
    /// A control-plane token, bound to one account; the demo app's.
    Control {
        permissions: Arc<[String]>,
        /// Virtual-clock ms; `None` never expires.
        expires_at: Option<i64>,
        account: Account,
        app: Arc<MetaApp>,
    },
    /// A token a login flow minted, and who it speaks for.
    Login {
        login: LoginToken,
        permissions: Arc<[String]>,
        who: Who,
        app: Arc<MetaApp>,
    },
    /// An app access token: `{app-id}|{app-secret}` or the one `client_credentials` answers.
    App { app: Arc<MetaApp> },
}

/// See the module docs.
#[derive(Default)]
pub struct ReadCache {
    tokens: Entries<Resolved>,
    nodes: Entries<Node>,
}

/// The entry for `key` if it was read at `generation` (`Some(None)`: known not to exist).
fn get<T>(map: &Entries<T>, key: &str, generation: u64) -> Option<Option<Arc<T>>> {
    let map = map.lock().unwrap_or_else(|p| p.into_inner());
    map.get(key)
        .filter(|(g, _)| *g == generation)
        .map(|(_, v)| v.clone())
}

fn put<T>(map: &Entries<T>, key: &str, generation: u64, value: Option<Arc<T>>) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key.to_owned(), (generation, value));
}

impl ReadCache {
    /// What an access token is: a control-plane token, a login token, or neither (a bad
    /// token, remembered as such too).
    /// `demo_app` is the app control-plane tokens belong to.
    pub async fn token(
        &self,
        store: &Store,
        token: &str,
        demo_app: &Arc<MetaApp>,
    ) -> Result<Option<Arc<Resolved>>, StoreError> {
        let generation = store.generation();
        if let Some(hit) = get(&self.tokens, token, generation) {
            return Ok(hit);
        }
        let t = token.to_owned();
        let demo = Arc::clone(demo_app);
        let found = store
            .lookup(move |c| resolve(c, &t, Arc::clone(&demo)))
            .await?;
        let found = found.map(Arc::new);
        put(&self.tokens, token, generation, found.clone());
        Ok(found)
    }

    /// The node an id names.
    pub async fn node(&self, store: &Store, id: &str) -> Result<Option<Arc<Node>>, StoreError> {
        let generation = store.generation();
        if let Some(hit) = get(&self.nodes, id, generation) {
            return Ok(hit);
        }
        let key = id.to_owned();
        let found = store
            .lookup(move |c| store::node(c, &key))
            .await?
            .map(Arc::new);
        put(&self.nodes, id, generation, found.clone());
        Ok(found)
    }
}

/// What a token is, read from the store (the cache's miss path).
fn resolve(
    c: &rusqlite::Connection,
    token: &str,
    demo_app: Arc<MetaApp>,
) -> Result<Option<Resolved>, StoreError> {
    if let Some((token, account)) = store::token_with_account(c, token)? {
        return Ok(Some(Resolved::Control {
            permissions: token.permissions.into(),
            expires_at: token.expires_at,
            account,
            app: demo_app,
        }));
    }
    if let Some((login, who)) = store::login_principal(c, token)? {
        let Some(app) = store::app(c, &login.app_id)? else {
            return Ok(None);
        };
        return Ok(Some(Resolved::Login {
            permissions: login.scopes.as_slice().into(),
            login,
            who,
            app: Arc::new(app),
        }));
    }
    // `{app-id}|...`: an app token when the app exists and the rest is its secret or proof.
    if let Some((id, _)) = token.split_once('|') {
        if let Some(app) = store::app(c, id)? {
            if crate::identity::credentials::is_app_token(token, &app.id, &app.secret) {
                return Ok(Some(Resolved::App { app: Arc::new(app) }));
            }
        }
    }
    Ok(None)
}
