//! `instapub trigger`: make a webhook event happen in a running sandbox, from real state (a
//! comment staged, a mention posted, a story's insights sent), as Stripe's `trigger` does.

use serde_json::json;

use crate::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Field {
    /// A comment from another user on the account's newest post (or --media).
    Comments,
    /// A comment on a live broadcast.
    LiveComments,
    /// A post whose caption @mentions the account (or, with --media, a comment on that media).
    Mentions,
    /// A story's insights (the account's newest story, or --media, or a new one).
    StoryInsights,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Field::Comments => "comments",
            Field::LiveComments => "live_comments",
            Field::Mentions => "mentions",
            Field::StoryInsights => "story_insights",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event: comments, live-comments, mentions or story-insights.
    #[arg(value_enum)]
    field: Field,
    /// The media to comment on, or the story whose insights to send.
    #[arg(long)]
    media: Option<String>,
    /// The comment's or caption's text.
    #[arg(long)]
    text: Option<String>,
    /// Who comments or mentions (a username).
    #[arg(long = "from")]
    from: Option<String>,
    /// The account the event is about, by id or username (default: the demo account).
    #[arg(long)]
    account: Option<String>,
    #[command(flatten)]
    sandbox: crate::sandbox_args::SandboxArgs,
    /// Print the answer as one JSON line.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let control = args.sandbox.control("trigger")?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Failure {
        status: 1,
        message: format!("cannot start the async runtime: {e}"),
    })?;
    runtime.block_on(async move {
        let mut body = json!({ "field": args.field.as_str() });
        for (name, value) in [
            ("media_id", &args.media),
            ("text", &args.text),
            ("username", &args.from),
            ("account", &args.account),
        ] {
            if let Some(v) = value {
                body[name] = json!(v);
            }
        }
        let done = control.trigger_webhook(body).await.map_err(|e| Failure {
            status: 1,
            message: format!(
                "the sandbox at {} refused the trigger: {e}",
                args.sandbox.base_url
            ),
        })?;
        if args.json {
            println!("{done}");
        } else {
            let comment = done["comment_id"]
                .as_str()
                .map(|c| format!(", comment {c}"))
                .unwrap_or_default();
            println!(
                "Triggered {} for account {} (media {}{comment}); the delivery follows at once.",
                done["field"].as_str().unwrap_or_default(),
                done["account_id"].as_str().unwrap_or_default(),
                done["media_id"].as_str().unwrap_or_default(),
            );
        }
        Ok(0)
    })
}
