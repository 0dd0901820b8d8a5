//! Who is calling: credential shapes and every secret ([`credentials`]), what a token speaks
//! for ([`principal`]), issuing and redeeming codes and tokens for both logins ([`grants`]),
//! and the login hosts themselves: the consent pages and api.instagram.com's code exchange
//! ([`login`]). The Graph token endpoints and Facebook account discovery are Graph routes, in
//! `graph/oauth.rs` and `graph/accounts.rs`.

pub mod credentials;
pub mod grants;
pub mod login;
pub mod principal;
