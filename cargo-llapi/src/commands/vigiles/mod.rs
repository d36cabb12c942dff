//! `vigiles …`: every Vigiles API operation, grouped like the reference package.

pub mod cves;
pub mod folders;
pub mod groups;
pub mod manifests;
pub mod products;
pub mod reports;
pub mod show;

use clap::{Args, Subcommand};

use crate::cli::GlobalOpts;

/// Arguments of `vigiles`.
#[derive(Debug, Args)]
pub struct VigilesArgs {
    #[command(subcommand)]
    pub command: VigilesCommand,
}

/// The API groups.
#[derive(Debug, Subcommand)]
pub enum VigilesCommand {
    /// Manifests (SBOMs): list, info, download, delete, rescan, reports, move, copy, ...
    Manifests(manifests::ManifestsArgs),
    /// Reports: download, compare
    Reports(reports::ReportsArgs),
    /// Groups: list, create, info, members, settings, activity log, ...
    Groups(groups::GroupsArgs),
    /// Products (older servers with product tokens): list, create, info
    Products(products::ProductsArgs),
    /// Folders: list, create, archive, unarchive
    Folders(folders::FoldersArgs),
    /// CVEs: info, search, set-status, get-status
    Cves(cves::CvesArgs),
}

/// Runs a `vigiles` command.
pub fn run(global: &GlobalOpts, args: &VigilesArgs) -> llapi::Result<()> {
    match &args.command {
        VigilesCommand::Manifests(a) => manifests::run(global, a),
        VigilesCommand::Reports(a) => reports::run(global, a),
        VigilesCommand::Groups(a) => groups::run(global, a),
        VigilesCommand::Products(a) => products::run(global, a),
        VigilesCommand::Folders(a) => folders::run(global, a),
        VigilesCommand::Cves(a) => cves::run(global, a),
    }
}
