//! `heartbeat`: check connectivity and credentials.

use llapi::Reply;

use crate::cli::{GlobalOpts, MessageFormat};
use crate::{context, output};

/// Arguments of `heartbeat`.
#[derive(Debug, clap::Args)]
pub struct HeartbeatArgs {
    /// Use the retired linuxlink.timesys.com path /api/v1/heartbeat (chosen automatically for that host)
    #[arg(long)]
    pub legacy: bool,
}

/// Runs `heartbeat`: exit 0 when the server answers `{"ok": true}`.
pub fn run(global: &GlobalOpts, args: &HeartbeatArgs) -> llapi::Result<()> {
    let client = context::client(global, context::overrides(global))?;
    let reply = if args.legacy {
        client.heartbeat_at(llapi::client::LEGACY_HEARTBEAT)?
    } else {
        client.heartbeat()?
    };
    match reply {
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
