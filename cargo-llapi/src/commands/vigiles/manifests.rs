//! `vigiles manifests …`: list, info, download, delete, rescan, reports, latest-report,
//! custom-score, move, copy.

use clap::{Args, Subcommand};
use llapi::api::manifests::{self, BulkTarget, CustomScore, ListScope, SbomOptions, ScanOptions};

use super::show::{self, Columns, Destination, View};
use crate::cli::GlobalOpts;

const LIST: Columns = &[
    ("NAME", "manifest_name"),
    ("TOKEN", "manifest_token"),
    ("GROUP", "group_token|product_token"),
    ("FOLDER", "folder_token"),
    ("UPLOADED", "upload_date"),
];
const REPORTS: Columns = &[
    ("REPORT", "report_token"),
    ("CREATED", "created_date"),
    ("VERSION", "manifest_version"),
];

/// Manifest (SBOM) commands.
#[derive(Debug, Args)]
pub struct ManifestsArgs {
    #[command(subcommand)]
    pub command: ManifestsCommand,
}

/// The manifest commands.
#[derive(Debug, Subcommand)]
pub enum ManifestsCommand {
    /// List manifests of a folder or group (default: the configured folder, else group)
    List {
        /// The group to list
        #[arg(
            short = 'g',
            long,
            value_name = "TOKEN",
            conflicts_with = "folder_token"
        )]
        group_token: Option<String>,
        /// The folder to list
        #[arg(short = 'f', long, value_name = "TOKEN")]
        folder_token: Option<String>,
    },
    /// Show a manifest's details and data (optionally converted)
    Info {
        /// The manifest
        manifest_token: String,
        #[command(flatten)]
        sbom: SbomArgs,
    },
    /// Download a manifest file (optionally converted) to -o FILE or --stdout
    Download {
        /// The manifest
        manifest_token: String,
        #[command(flatten)]
        sbom: SbomArgs,
        #[command(flatten)]
        dest: Destination,
    },
    /// Delete a manifest (the server deletes only with --confirm)
    Delete {
        /// The manifest
        manifest_token: String,
        /// Confirm the deletion (sent as confirmed=True)
        #[arg(short = 'c', long)]
        confirm: bool,
    },
    /// Scan a manifest again
    Rescan {
        /// The manifest
        manifest_token: String,
        #[command(flatten)]
        scan: ScanArgs,
        /// Only start the scan; do not return its result
        #[arg(short = 'o', long)]
        rescan_only: bool,
    },
    /// List a manifest's reports
    Reports {
        /// The manifest
        manifest_token: String,
    },
    /// Show the latest report of a manifest
    LatestReport {
        /// The manifest
        manifest_token: String,
        #[command(flatten)]
        scan: ScanArgs,
    },
    /// Set a custom CVSS score for a CVE of a package in a manifest
    CustomScore {
        /// The manifest
        manifest_token: String,
        /// Package name
        #[arg(
            short = 'p',
            long = "product",
            visible_alias = "package",
            value_name = "NAME"
        )]
        package: String,
        /// CVE id
        #[arg(long, value_name = "ID")]
        cve_id: String,
        /// The score, 0 to 10
        #[arg(short = 's', long, value_name = "SCORE")]
        score: String,
        /// Package version (the reference spells it --verison)
        #[arg(long, alias = "verison", value_name = "VERSION")]
        package_version: Option<String>,
    },
    /// Move manifests to a group or folder
    Move(BulkArgs),
    /// Copy manifests to a group or folder
    Copy(BulkArgs),
}

/// Conversion options of info and download.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// Convert to this SBOM format: spdx, spdx-lite or cyclonedx
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub sbom_format: Option<String>,
    /// File format of the converted document (e.g. json, xml)
    #[arg(short = 'i', long, value_name = "FORMAT")]
    pub file_format: Option<String>,
    /// Spec version of the converted document
    #[arg(long, value_name = "VERSION")]
    pub sbom_version: Option<String>,
}

impl SbomArgs {
    fn options(&self) -> SbomOptions {
        SbomOptions {
            sbom_format: self.sbom_format.clone(),
            file_format: self.file_format.clone(),
            sbom_version: self.sbom_version.clone(),
        }
    }
}

/// Options of rescan and latest-report.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Extra CVE fields, comma-separated
    #[arg(short = 'e', long, value_delimiter = ',', value_name = "A,B")]
    pub extra_fields: Vec<String>,
    /// Leave out fixed CVEs
    #[arg(short = 'f', long)]
    pub filter_results: bool,
}

impl ScanArgs {
    fn options(&self) -> ScanOptions {
        ScanOptions {
            filter_results: self.filter_results,
            extra_fields: self.extra_fields.clone(),
        }
    }
}

/// Arguments of move and copy.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// The manifests
    #[arg(required = true, value_name = "MANIFEST_TOKEN")]
    pub tokens: Vec<String>,
    /// Target group
    #[arg(
        short = 'g',
        long,
        value_name = "TOKEN",
        required_unless_present = "folder_token",
        conflicts_with = "folder_token"
    )]
    pub group_token: Option<String>,
    /// Target folder
    #[arg(short = 'f', long, value_name = "TOKEN")]
    pub folder_token: Option<String>,
    /// Take the reports along
    #[arg(short = 'i', long)]
    pub include_history: bool,
}

fn bulk(global: &GlobalOpts, args: &BulkArgs, copy: bool) -> llapi::Result<()> {
    let target = BulkTarget {
        group: args.group_token.clone(),
        folder: args.folder_token.clone(),
        include_history: args.include_history,
    };
    show::call(global, View::Message, |_| {
        manifests::bulk_move(&args.tokens, &target, copy)
    })
}

/// Runs a manifest command.
pub fn run(global: &GlobalOpts, args: &ManifestsArgs) -> llapi::Result<()> {
    use ManifestsCommand as C;
    match &args.command {
        C::List {
            group_token,
            folder_token,
        } => {
            let scope = ListScope {
                group: group_token.clone(),
                folder: folder_token.clone(),
            };
            show::call(global, View::Table(LIST), |c| manifests::list(c, &scope))
        }
        C::Info {
            manifest_token,
            sbom,
        } => show::call(global, View::Fields(None), |_| {
            manifests::info(manifest_token, &sbom.options())
        }),
        C::Download {
            manifest_token,
            sbom,
            dest,
        } => show::download(global, dest, |_| {
            manifests::download(manifest_token, &sbom.options())
        }),
        C::Delete {
            manifest_token,
            confirm,
        } => show::call(global, View::Message, |_| {
            manifests::delete(manifest_token, *confirm)
        }),
        C::Rescan {
            manifest_token,
            scan,
            rescan_only,
        } => show::call(global, View::Scan, |_| {
            manifests::rescan(manifest_token, *rescan_only, &scan.options())
        }),
        C::Reports { manifest_token } => {
            show::call(global, View::Fields(Some(("reports", REPORTS))), |_| {
                manifests::reports(manifest_token)
            })
        }
        C::LatestReport {
            manifest_token,
            scan,
        } => show::call(global, View::Scan, |_| {
            manifests::latest_report(manifest_token, &scan.options())
        }),
        C::CustomScore {
            manifest_token,
            package,
            cve_id,
            score,
            package_version,
        } => {
            let score = CustomScore {
                package: package.clone(),
                package_version: package_version.clone(),
                cve_id: cve_id.clone(),
                score: score.clone(),
            };
            show::call(global, View::Message, |_| {
                manifests::custom_score(manifest_token, &score)
            })
        }
        C::Move(a) => bulk(global, a, false),
        C::Copy(a) => bulk(global, a, true),
    }
}
