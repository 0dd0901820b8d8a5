//! The arguments every command that drives a running sandbox's control plane takes.

use crate::Failure;

/// `--base-url` and `--admin-key`, from the command line or the environment.
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxArgs {
    /// The sandbox's base URL (`instapub serve` and `instapub listen` print it).
    #[arg(
        long,
        env = "INSTAPUB_BASE_URL",
        hide_env_values = true,
        default_value = "http://127.0.0.1:8000"
    )]
    pub base_url: String,
    /// The sandbox's admin key (`instapub serve` and `instapub listen` print it).
    #[arg(long, env = "INSTAPUB_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
}

impl SandboxArgs {
    /// A control-plane client, or a message naming what `command` is missing.
    pub fn control(&self, command: &str) -> Result<instapub_client::Control, Failure> {
        let Some(key) = &self.admin_key else {
            return Err(Failure::usage(format!(
                "{command} needs the sandbox's admin key: pass --admin-key or set INSTAPUB_ADMIN_KEY (instapub serve and instapub listen print it)"
            )));
        };
        instapub_client::Control::new(&self.base_url, key)
            .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))
    }
}
