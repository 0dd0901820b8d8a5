//! # instapub-errors: the catalog of Instagram Graph API errors
//!
//! One declarative table ([`catalog`]) holds every error instapub knows: the 37 rows of Meta's
//! Instagram error-codes table, the generic Graph errors around them, and subcodes seen in the
//! wild. Each entry carries its wire strings, what a program should do ([`Action`]), and where
//! the facts come from.
//!
//! Around the table:
//! - [`envelope`]: render an entry with its placeholder values into Meta's exact JSON;
//! - [`parse`]: parse any Graph error body (and container `status` text) received off the wire;
//! - [`classify`]: map (code, subcode) to an entry and an action, never by message text.
//! - [`paste`]: find every error in pasted text (log lines, exception texts, Python, JS and
//!   Ruby renderings, cut bodies, several at once) for `instapub explain`.
//!
//! This crate does no I/O and holds no state; it depends on serde and regex only.
//!
//! ```
//! use instapub_errors::{CatalogError, Id, Profile, placeholder};
//!
//! let err = CatalogError::new(Id::ImageTooLarge).with(placeholder::SIZE, "8 MiB");
//! let body = err.render(Profile::Documented, "A6LJylpZRKw2xKLFsAP-cJh").to_json();
//! assert!(body.starts_with(r#"{"error":{"message":"The image size is too large.","type":"OAuthException","code":36000,"error_subcode":2207004"#));
//!
//! let parsed = instapub_errors::GraphError::parse(Some(400), body.as_bytes()).unwrap();
//! assert_eq!(parsed.classify().id, Some(Id::ImageTooLarge));
//! ```

pub mod catalog;
pub mod classify;
pub mod container;
pub mod entry;
pub mod envelope;
pub mod parse;
pub mod paste;
pub mod template;

pub use catalog::{Entry, Id, ENTRIES};
pub use classify::{classify, lookup, lookup_subcode, Classification, Family, Match};
pub use container::ContainerStatus;
pub use entry::{Action, ErrorType, Host, Observed, OnInstagram, Profile, Source};
pub use envelope::{fbtrace_id, placeholder, CatalogError, Envelope};
pub use parse::{parse_code_number, parse_status_text, GraphError, ParseError};
