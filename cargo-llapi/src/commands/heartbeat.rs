//! `heartbeat` command.

use crate::cli::GlobalOpts;

/// Arguments of `heartbeat`.
#[derive(Debug, clap::Args)]
pub struct HeartbeatArgs {}

/// Runs `heartbeat`.
pub fn run(_global: &GlobalOpts, _args: &HeartbeatArgs) -> llapi::Result<()> {
    Err(llapi::Error::invalid("not implemented yet"))
}
