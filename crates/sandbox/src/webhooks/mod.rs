//! Webhooks: the sandbox calls the app back, as Meta does.
//!
//! The flow is one way. A write that Instagram would notify about (a comment, a mention, a
//! story's end) calls [`emit`] inside its own transaction, which finds the apps subscribed to
//! that field whose install reaches the account and puts one change per app in the store's
//! outbox (`store::webhooks`). The store wakes the [`worker`] once the write is done; the
//! worker batches waiting changes into deliveries ([`payload`]: Meta's body, escaped as Meta
//! escapes it), signs and POSTs them ([`send`]) and retries failures on the virtual clock by
//! [`policy`], which also says when Meta gives up and unsubscribes the app. Subscriptions
//! themselves are Graph endpoints (`graph::subscriptions`), whose verification request is
//! [`send::Sender::verify`].

pub mod control;
pub mod emit;
pub mod payload;
pub mod policy;
pub mod send;
pub mod worker;
