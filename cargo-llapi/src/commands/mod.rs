//! One module per command; each has its clap `Args` and a `run` function.

pub mod about;
pub mod api;
pub mod config;
pub mod heartbeat;
pub mod manifest;
pub mod spool;
pub mod upload;
pub mod vigiles;
pub mod yocto_manifest;

use crate::cli::{Cli, Command};

/// Runs the parsed command.
pub fn run(cli: &Cli) -> llapi::Result<()> {
    let global = &cli.global;
    match &cli.command {
        Command::Heartbeat(args) => heartbeat::run(global, args),
        Command::Config(args) => config::run(global, args),
        Command::Api(args) => api::run(global, args),
        Command::Upload(args) => upload::run(global, args),
        Command::Spool(args) => spool::run(global, args),
        Command::Vigiles(args) => vigiles::run(global, args),
        Command::About(args) => about::run(global, args),
        Command::YoctoManifest(args) => yocto_manifest::run(global, args),
        Command::Manifest(args) => manifest::run(global, args),
    }
}
