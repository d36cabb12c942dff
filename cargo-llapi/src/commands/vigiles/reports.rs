//! `vigiles reports …`: download, compare.

use clap::{Args, Subcommand};
use llapi::api::reports::{self, Compare, Download};

use super::show::{self, Destination, View};
use crate::cli::GlobalOpts;

/// Report commands.
#[derive(Debug, Args)]
pub struct ReportsArgs {
    #[command(subcommand)]
    pub command: ReportsCommand,
}

/// The report commands.
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Download a report as csv, pdf, pdfsummary, xlsx, cyclonedx-vex or cyclonedx-sbom-vex
    Download {
        /// The format: csv, pdf, pdfsummary, xlsx, cyclonedx-vex, cyclonedx-sbom-vex
        file_type: String,
        /// The report
        report_token: String,
        /// Leave out fixed CVEs
        #[arg(short = 'f', long)]
        filter_results: bool,
        /// CycloneDX file format: json (default) or xml
        #[arg(long, value_name = "FORMAT")]
        cyclonedx_format: Option<String>,
        /// CycloneDX version: 1.4 to 1.7 (default 1.7)
        #[arg(long, value_name = "VERSION")]
        cyclonedx_version: Option<String>,
        #[command(flatten)]
        dest: Destination,
    },
    /// Compare two reports: CVEs resolved and new from the first to the second
    Compare {
        /// The older report
        token_one: String,
        /// The newer report
        token_two: String,
        /// Leave out whitelisted CVEs (deprecated by the service)
        #[arg(short = 'r', long, alias = "remove_whitelist")]
        remove_whitelist: bool,
        /// Leave out fixed CVEs
        #[arg(short = 'f', long, alias = "filter_results")]
        filter_results: bool,
        /// Leave out CVEs marked not affected
        #[arg(short = 'n', long, alias = "remove_not_affected")]
        remove_not_affected: bool,
    },
}

/// Runs a report command.
pub fn run(global: &GlobalOpts, args: &ReportsArgs) -> llapi::Result<()> {
    match &args.command {
        ReportsCommand::Download {
            file_type,
            report_token,
            filter_results,
            cyclonedx_format,
            cyclonedx_version,
            dest,
        } => {
            let d = Download {
                format: file_type.clone(),
                filter_results: *filter_results,
                cyclonedx_format: cyclonedx_format.clone(),
                cyclonedx_version: cyclonedx_version.clone(),
            };
            show::download(global, dest, |_| reports::download(report_token, &d))
        }
        ReportsCommand::Compare {
            token_one,
            token_two,
            remove_whitelist,
            filter_results,
            remove_not_affected,
        } => {
            let c = Compare {
                remove_whitelist: *remove_whitelist,
                remove_not_affected: *remove_not_affected,
                filter_results: *filter_results,
            };
            show::call(global, View::Fields(None), |_| {
                reports::compare(token_one, token_two, &c)
            })
        }
    }
}
