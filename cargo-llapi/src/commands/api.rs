//! `api` command.

use crate::cli::GlobalOpts;

/// Arguments of `api`.
#[derive(Debug, clap::Args)]
pub struct ApiArgs {}

/// Runs `api`.
pub fn run(_global: &GlobalOpts, _args: &ApiArgs) -> llapi::Result<()> {
    Err(llapi::Error::invalid("not implemented yet"))
}
