//! # instapub-rules: Instagram's publishing rules as pure functions
//!
//! A container request, the media facts the probe found, and the account's products in, and
//! `Ok` or the exact catalog error out, with its placeholders rendered. No I/O: the sandbox and
//! `instapub check` feed it.
//!
//! - [`check`]: the rules in their fixed order ([`check::first`], [`check::check_all`]);
//! - [`limits`]: every number, as data, with Meta's disagreements as options;
//! - [`text`]: how caption characters, hashtags and mentions are counted;
//! - [`render`]: how placeholder values are written;
//! - [`remedy`]: the ffmpeg command that makes a rejected file acceptable;
//! - [`audio`]: the `ig_audio` parameter rules;
//! - [`request`]: the request model;
//! - [`vocabulary`]: what is published, and every wire string that names it.

pub mod audio;
pub mod check;
pub mod limits;
pub mod remedy;
pub mod render;
pub mod request;
pub mod text;
pub mod vocabulary;

pub use check::{check_all, check_media, check_products, check_request, first, kind};
pub use limits::Limits;
pub use request::{KnownProduct, ProductTag, Request};
pub use vocabulary::{Kind, MediaType, ProductType, RequestType};
