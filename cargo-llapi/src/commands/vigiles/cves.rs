//! `vigiles cves …`: info, search, set-status, get-status.

use clap::{Args, Subcommand};
use llapi::api::cves::{self, Status};

use super::show::{self, View};
use crate::cli::GlobalOpts;

/// CVE commands.
#[derive(Debug, Args)]
pub struct CvesArgs {
    #[command(subcommand)]
    pub command: CvesCommand,
}

/// The CVE commands.
#[derive(Debug, Subcommand)]
pub enum CvesCommand {
    /// Show a CVE
    Info {
        /// The CVE id
        cve_id: String,
        /// Only these fields, comma-separated
        #[arg(short = 'f', long, value_delimiter = ',', value_name = "A,B")]
        fields: Vec<String>,
    },
    /// Search CVEs by CPE product (and version)
    Search {
        /// The CPE product name
        product: String,
        /// The product version (--version of the reference CLI)
        #[arg(long, default_value = "", value_name = "VERSION")]
        product_version: String,
        /// Only the CVE ids
        #[arg(short = 'i', long, alias = "ids_only")]
        ids_only: bool,
    },
    /// Set the vulnerability status of a CVE for a package (scope group with no --group-tokens
    /// uses the configured group)
    SetStatus {
        /// manifest, group or all
        scope: String,
        /// The CVE id
        cve_id: String,
        /// The package name
        package: String,
        /// resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected
        status: String,
        /// Justification (e.g. code_not_present, requires_configuration)
        #[arg(short = 'j', long)]
        justification: Option<String>,
        /// Justification detail
        #[arg(short = 'd', long, value_name = "TEXT")]
        justification_detail: Option<String>,
        /// Package version
        #[arg(long, value_name = "VERSION")]
        package_version: Option<String>,
        /// Groups the status applies to (scope group)
        #[arg(short = 'g', long, num_args = 1.., value_name = "TOKEN")]
        group_tokens: Vec<String>,
        /// Manifests the status applies to (scope manifest)
        #[arg(short = 'm', long, num_args = 1.., value_name = "TOKEN")]
        manifest_tokens: Vec<String>,
    },
    /// Show the vulnerability status of a CVE for a package version in a manifest
    GetStatus {
        /// The CVE id
        cve_id: String,
        /// The package name
        package_name: String,
        /// The package version
        package_version: String,
        /// The manifest
        manifest_token: String,
    },
}

/// Runs a CVE command.
pub fn run(global: &GlobalOpts, args: &CvesArgs) -> llapi::Result<()> {
    match &args.command {
        CvesCommand::Info { cve_id, fields } => {
            show::call(global, View::Fields(None), |_| cves::info(cve_id, fields))
        }
        CvesCommand::Search {
            product,
            product_version,
            ids_only,
        } => show::call(global, View::Map("CVE", "DESCRIPTION"), |_| {
            cves::search(product, product_version, *ids_only)
        }),
        CvesCommand::SetStatus {
            scope,
            cve_id,
            package,
            status,
            justification,
            justification_detail,
            package_version,
            group_tokens,
            manifest_tokens,
        } => {
            let s = Status {
                scope: scope.clone(),
                package: package.clone(),
                status: status.clone(),
                justification: justification.clone(),
                justification_detail: justification_detail.clone(),
                package_version: package_version.clone(),
                manifest_tokens: manifest_tokens.clone(),
                group_tokens: group_tokens.clone(),
            };
            show::call(global, View::Message, |c| cves::set_status(c, cve_id, &s))
        }
        CvesCommand::GetStatus {
            cve_id,
            package_name,
            package_version,
            manifest_token,
        } => show::call(global, View::Fields(None), |_| {
            cves::get_status(cve_id, package_name, package_version, manifest_token)
        }),
    }
}
