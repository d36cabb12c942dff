//! `config` command.

use crate::cli::GlobalOpts;

/// Arguments of `config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {}

/// Runs `config`.
pub fn run(_global: &GlobalOpts, _args: &ConfigArgs) -> llapi::Result<()> {
    Err(llapi::Error::invalid("not implemented yet"))
}
