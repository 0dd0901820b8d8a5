//! The media pipeline: download ([`fetch`]), probe and judge ([`inspect`]), and the background
//! processing of video containers ([`processing`]). Graph handlers and the upload host call
//! into it; it calls the store and the rules, never a handler.

pub mod fetch;
pub mod inspect;
pub mod processing;
