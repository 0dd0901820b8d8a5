//! # instapub-client: a resilient client for Instagram's Content Publishing API
//!
//! - [`control`]: a typed client for a sandbox's control plane (files, accounts, faults, clock);
//! - [`login`]: both ways into the API (Facebook Login, Instagram Login): consent URL, code
//!   exchange, long-lived token, the Instagram account to publish as;
//! - [`graph`]: one typed call per endpoint, against graph.facebook.com or a sandbox;
//!   failures keep the parsed Graph error and its catalog classification;
//! - [`publish`]: publish an image, reel, story or carousel end to end, recovering exactly as
//!   the catalog's action for each error says, and never publishing twice;
//! - [`webhooks`]: the receiving side: a delivery's signature checked over the raw bytes, its
//!   body read into typed events.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use instapub_client::{Graph, Post, Publisher, Timing};
//!
//! let graph = Arc::new(Graph::new("https://graph.facebook.com/v25.0", "EAA...")?);
//! let publisher = Publisher::new(graph, "17841400000000001", Timing::meta());
//! let done = publisher
//!     .publish(&Post::Image { url: "https://cdn.example.com/p/1.jpg".into() }, Some("Hello"))
//!     .await?;
//! println!("published {:?}", done.media_id);
//! # Ok(()) }
//! ```

pub mod control;
pub mod graph;
pub mod login;
pub mod publish;
pub mod webhooks;

pub use control::Control;
pub use graph::{CallError, Graph, PublishingLimit, Usage, GRAPH_FACEBOOK};
pub use login::{Hosts, Login, Session, Way};
pub use publish::{Attempt, Post, Progress, PublishError, Published, Publisher, Reason, Timing};
