//! `instapub`: the one binary (logs to stderr; `INSTAPUB_LOG=info` for more). Each subcommand lives in its own module and only wires
//! library crates to the terminal; no error code, message or rule is written here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: a sandbox request makes a few dozen small allocations,
/// and under load on two threads glibc's malloc and free (arena locks, consolidation) were a
/// tenth of the server's time (issue 18's profile). bench/sandbox's bare yardstick uses the same
/// allocator, so the comparison stays one of the work done.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod codes;
mod explain;
mod listen;
mod login;
mod publish;
mod report;
mod sandbox_args;
mod serve;
mod trigger;

/// What to publish inputs as (`--as`), for `check` and `publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum As {
    Image,
    Reel,
    Story,
    Carousel,
}

impl As {
    /// What `--as` means when not given: a reel for a video, an image otherwise.
    fn or_default(given: Option<As>, video: bool) -> As {
        given.unwrap_or(if video { As::Reel } else { As::Image })
    }

    /// The container one input becomes (`video`: the input is a video).
    fn kind(self, video: bool) -> instapub_rules::Kind {
        use instapub_rules::Kind;
        match (self, video) {
            (As::Image, _) => Kind::Image,
            (As::Reel, _) => Kind::Reel,
            (As::Story, true) => Kind::StoryVideo,
            (As::Story, false) => Kind::StoryImage,
            (As::Carousel, true) => Kind::CarouselVideo,
            (As::Carousel, false) => Kind::CarouselImage,
        }
    }
}

/// Which wire variant to emit or show where Meta's documentation and real traffic differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProfileArg {
    /// Meta's error table, as documented (the default).
    Documented,
    /// What real traffic was seen to send (e.g. 2207051 as HTTP 403).
    Observed,
}

impl From<ProfileArg> for instapub_errors::Profile {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Documented => instapub_errors::Profile::Documented,
            ProfileArg::Observed => instapub_errors::Profile::Observed,
        }
    }
}

/// Tools for publishing to Instagram through Meta's Graph API.
#[derive(Debug, Parser)]
#[command(name = "instapub", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain an error: a subcode, CODE/SUBCODE, a code, an entry name, or whatever your logs
    /// show (an error body in any shape, a log line, an exception, an HTTP response; text, a
    /// file, or - for stdin).
    ///
    /// Exit status: 0 known, 1 not in the catalog, 2 input that cannot be read.
    Explain(explain::Args),
    /// List the error catalog.
    Codes(codes::Args),
    /// Run the sandbox: a local, stateful emulator of the Content Publishing API.
    Serve(serve::Args),
    /// Preflight: probe files or URLs and report every rule Instagram would reject them by.
    ///
    /// Exit status: 0 all accepted, 1 something rejected, 2 an input could not be used.
    Check(check::Args),
    /// Publish files or URLs as an image, reel, story or carousel, recovering from errors the
    /// way the catalog says. Exit status: 0 published, 1 refused, 2 unusable input.
    Publish(publish::Args),
    /// Log in with Facebook Login (or --instagram), receive the redirect on a loopback port,
    /// and save the long-lived token and Instagram account for `publish`.
    Login(login::Args),
    /// Receive a sandbox's webhook deliveries and forward them to your app, signed as Meta
    /// signs them; one line per delivery with your app's status and latency.
    Listen(listen::Args),
    /// Make a webhook event happen in a running sandbox: comments, live-comments, mentions,
    /// story-insights.
    Trigger(trigger::Args),
    /// The integration report of a running sandbox: which of Instagram's errors your tests
    /// met and which they never did (with the fault rule for each), and the permissions your
    /// logins ask for against those your calls used. Exit status: 0 no findings, 1 findings,
    /// 2 unreadable.
    Report(report::Args),
}

/// A failure the CLI reports to a person: a message and an exit status.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: 2,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("INSTAPUB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let result = match cli.command {
        Command::Explain(args) => explain::run(args),
        Command::Codes(args) => codes::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Login(args) => login::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Trigger(args) => trigger::run(args),
        Command::Report(args) => report::run(args),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            eprintln!("instapub: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}
