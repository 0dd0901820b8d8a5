//! Nodes: what an id in a Graph path names. One model for the whole sandbox: [`Node`] is the
//! object, [`NodeKind`] its kind (what route rows name: `on Media / "comments"`), and
//! [`node`] finds the object an id names, whichever table holds it.

use rusqlite::Connection;

use super::accounts::{account, Account};
use super::comments::{comment, Comment};
use super::conn::{StoreResult, ACCOUNT_BASE, COMMENT_BASE, CONTAINER_BASE, MEDIA_BASE};
use super::containers::{container, Container};
use super::identity::{app, business, fb_user, page, Business, FbUser, MetaApp, Page};
use super::identity::{APP_BASE, BUSINESS_BASE, FB_USER_BASE, PAGE_BASE};
use super::media::{media, Media};

/// The kinds of node Graph paths name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An Instagram professional account.
    User,
    Container,
    Media,
    Comment,
    FbUser,
    Page,
    Business,
    /// A Meta app (Graph's Application node).
    App,
}

/// The object an id names.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Account(Account),
    Container(Container),
    Media(Media),
    Comment(Comment),
    FbUser(FbUser),
    Page(Page),
    Business(Business),
    App(MetaApp),
}

impl Node {
    pub fn kind(&self) -> NodeKind {
        match self {
            Node::Account(_) => NodeKind::User,
            Node::Container(_) => NodeKind::Container,
            Node::Media(_) => NodeKind::Media,
            Node::Comment(_) => NodeKind::Comment,
            Node::FbUser(_) => NodeKind::FbUser,
            Node::Page(_) => NodeKind::Page,
            Node::Business(_) => NodeKind::Business,
            Node::App(_) => NodeKind::App,
        }
    }

    /// The Instagram account it belongs to (none for Facebook users, Pages, Businesses, apps).
    pub fn owner(&self) -> Option<&str> {
        match self {
            Node::Account(a) => Some(&a.id),
            Node::Container(c) => Some(&c.account_id),
            Node::Media(m) => Some(&m.account_id),
            Node::Comment(k) => Some(&k.account_id),
            Node::FbUser(_) | Node::Page(_) | Node::Business(_) | Node::App(_) => None,
        }
    }
}

/// The node an id names, if any.
pub fn node(c: &Connection, id: &str) -> StoreResult<Option<Node>> {
    // Ids are handed out in ranges, so the likely table is asked first; the others are still
    // asked, so ids from elsewhere (a scenario, an older database) are found too.
    let n: i64 = id.parse().unwrap_or(0);
    use NodeKind::{
        App as X, Business as B, Comment as K, Container as C, FbUser as F, Media as M, Page as P,
        User as A,
    };
    let order: [NodeKind; 8] = if n >= COMMENT_BASE {
        [K, M, C, A, F, P, B, X]
    } else if n >= MEDIA_BASE {
        [M, C, A, K, F, P, B, X]
    } else if n >= CONTAINER_BASE {
        [C, M, A, K, F, P, B, X]
    } else if n >= ACCOUNT_BASE {
        [A, C, M, K, F, P, B, X]
    } else if n >= APP_BASE {
        [X, B, P, F, A, C, M, K]
    } else if n >= BUSINESS_BASE {
        [B, P, F, X, A, C, M, K]
    } else if n >= PAGE_BASE {
        [P, F, B, X, A, C, M, K]
    } else if n >= FB_USER_BASE {
        [F, P, B, X, A, C, M, K]
    } else {
        [A, C, M, K, F, P, B, X]
    };
    for kind in order {
        let found = match kind {
            NodeKind::User => account(c, id)?.map(Node::Account),
            NodeKind::Container => container(c, id)?.map(Node::Container),
            NodeKind::Media => media(c, id)?.map(Node::Media),
            NodeKind::Comment => comment(c, id)?.map(Node::Comment),
            NodeKind::FbUser => fb_user(c, id)?.map(Node::FbUser),
            NodeKind::Page => page(c, id)?.map(Node::Page),
            NodeKind::Business => business(c, id)?.map(Node::Business),
            NodeKind::App => app(c, id)?.map(Node::App),
        };
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}
