//! `heartbeat`: check connectivity and credentials.

use llapi::Reply;

use crate::cli::{GlobalOpts, MessageFormat};
use crate::{context, output};

/// Arguments of `heartbeat`.
#[derive(Debug, clap::Args)]
pub struct HeartbeatArgs {}

/// Runs `heartbeat`: exit 0 when the server answers `{"ok": true}`.
pub fn run(global: &GlobalOpts, _args: &HeartbeatArgs) -> llapi::Result<()> {
    let client = context::client(global, context::overrides(global))?;
    match client.heartbeat()? {
        Reply::DryRun(prepared) => output::dry_run(global, &prepared),
        Reply::Done(()) => {
            let url = &client.config().url.value;
            match global.message_format {
                MessageFormat::Json => {
                    output::json(&serde_json::json!({"ok": true, "url": url.as_str()}))
                }
                MessageFormat::Human if global.quiet > 0 => Ok(()),
                MessageFormat::Human => output::stdout(format!("heartbeat ok: {url}\n").as_bytes()),
            }
        }
    }
}
