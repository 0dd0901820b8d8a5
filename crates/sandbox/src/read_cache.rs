//! A cache of the lookups every Graph request makes (its token with its account, or the login
//! token and who it speaks for, and the node its path names), checked against the store's write generation: an entry is served
//! only while nothing has been written since it was read, so it is never stale. Under a load
//! of reads (status polls) it answers from memory; any write empties it in effect.
//!
//! Why: the profile of status reads showed SQLite's per-read shared lock (fcntl) and statement
//! work as the largest parts of the request the sandbox itself adds (issue 18).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::{self, Account, LoginToken, Node, Store, StoreError, Token, Who};

/// Entries kept at most; past it the cache starts over (random tokens cannot grow it).
const CAPACITY: usize = 10_000;

type Entries<T> = Mutex<HashMap<String, (u64, T)>>;

/// See the module docs.
#[derive(Default)]
pub struct ReadCache {
    tokens: Entries<Option<(Token, Account)>>,
    logins: Entries<Option<(LoginToken, Who)>>,
    nodes: Entries<Option<Node>>,
}

fn get<T: Clone>(map: &Entries<T>, key: &str, generation: u64) -> Option<T> {
    let map = map.lock().unwrap_or_else(|p| p.into_inner());
    map.get(key)
        .filter(|(g, _)| *g == generation)
        .map(|(_, v)| v.clone())
}

fn put<T>(map: &Entries<T>, key: &str, generation: u64, value: T) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key.to_owned(), (generation, value));
}

impl ReadCache {
    /// A control-plane token and its account.
    pub async fn token(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<(Token, Account)>, StoreError> {
        let generation = store.generation();
        if let Some(hit) = get(&self.tokens, token, generation) {
            return Ok(hit);
        }
        let t = token.to_owned();
        let found = store
            .lookup(move |c| store::token_with_account(c, &t))
            .await?;
        put(&self.tokens, token, generation, found.clone());
        Ok(found)
    }

    /// A token a login flow minted, and who it speaks for. A token that is neither this nor a
    /// control-plane one (a bad token) is remembered as such too.
    pub async fn login(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<(LoginToken, Who)>, StoreError> {
        let generation = store.generation();
        if let Some(hit) = get(&self.logins, token, generation) {
            return Ok(hit);
        }
        let t = token.to_owned();
        let found = store.lookup(move |c| store::login_principal(c, &t)).await?;
        put(&self.logins, token, generation, found.clone());
        Ok(found)
    }

    /// The node an id names.
    pub async fn node(&self, store: &Store, id: &str) -> Result<Option<Node>, StoreError> {
        let generation = store.generation();
        if let Some(hit) = get(&self.nodes, id, generation) {
            return Ok(hit);
        }
        let key = id.to_owned();
        let found = store.lookup(move |c| store::node(c, &key)).await?;
        put(&self.nodes, id, generation, found.clone());
        Ok(found)
    }
}
