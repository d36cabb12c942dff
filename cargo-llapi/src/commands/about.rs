//! `about`: the service's application and database versions (GET /api/v1/vigiles/about).

use crate::cli::GlobalOpts;
use crate::commands::vigiles::show::{self, View};

/// Arguments of `about`.
#[derive(Debug, clap::Args)]
pub struct AboutArgs {}

/// Runs `about`.
pub fn run(global: &GlobalOpts, _args: &AboutArgs) -> llapi::Result<()> {
    show::call(global, View::Fields(None), |_| llapi::api::about::about())
}
