//! Command-line grammar. Works as `cargo llapi <command>` and as `cargo-llapi <command>`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

/// Vigiles LinuxLink API client: heartbeat, signed calls, manifest (SBOM) uploads.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-llapi",
    bin_name = "cargo llapi",
    version,
    about,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after the command name.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalOpts {
    /// Key file (JSON with email and key) [env: VIGILES_KEY_FILE]
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Dashboard config (JSON with group/product and folder tokens) [env: VIGILES_DASHBOARD_CONFIG]
    #[arg(long, global = true, value_name = "PATH")]
    pub dashboard_config: Option<PathBuf>,
    /// Server base URL [env: LINUXLINK_SERVER]
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Build and sign the request, send nothing, report what would be sent
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Do not verify the server's TLS certificate (warns)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Extra CA certificates (PEM) to trust
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_bundle: Option<PathBuf>,
    /// Request timeout in seconds
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Retries after a failed attempt (connection errors, timeouts, 5xx; never 4xx)
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,
    /// First retry delay in seconds; doubles each retry, with jitter
    #[arg(long, global = true, value_name = "SECS")]
    pub retry_delay: Option<f64>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// More output (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Less output (repeat for less)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// Log level (error, warn, info, debug, trace); overrides -v/-q. RUST_LOG is honoured too.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<log::LevelFilter>,
    /// Path to Cargo.toml whose [package.metadata.llapi] / [workspace.metadata.llapi] apply
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MessageFormat {
    /// Text for people.
    #[default]
    Human,
    /// JSON for programs.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check connectivity and credentials (POST /api/v1/vigiles/heartbeat)
    Heartbeat(commands::heartbeat::HeartbeatArgs),
    /// Show the resolved configuration and where each value comes from
    Config(commands::config::ConfigArgs),
    /// Make any signed API call and print the response
    Api(commands::api::ApiArgs),
    /// Write the build manifest (SBOM) of the Cargo project: CycloneDX, SPDX or Vigiles
    Manifest(commands::manifest::ManifestArgs),
    /// Upload manifests (SBOMs) to the configured group or folder
    Upload(Box<commands::upload::UploadArgs>),
    /// List or send uploads kept in the spool
    Spool(commands::spool::SpoolArgs),
    /// Every Vigiles API operation: manifests, reports, groups, products, folders, cves
    Vigiles(commands::vigiles::VigilesArgs),
    /// Show the service's application and database versions
    About(commands::about::AboutArgs),
    /// Build the Vigiles manifest of a Yocto image from llapi.bbclass metadata
    YoctoManifest(commands::yocto_manifest::YoctoManifestArgs),
}

/// Parses the process arguments, dropping the `llapi` that cargo inserts when run as `cargo llapi`.
pub fn parse() -> Cli {
    Cli::parse_from(strip_cargo_subcommand(std::env::args_os()))
}

/// `cargo llapi heartbeat` runs `cargo-llapi llapi heartbeat`; drop that `llapi`.
pub fn strip_cargo_subcommand(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "llapi") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn cargo_inserted_name_is_dropped() {
        let args =
            strip_cargo_subcommand(["cargo-llapi", "llapi", "heartbeat"].map(OsString::from));
        assert_eq!(args, ["cargo-llapi", "heartbeat"].map(OsString::from));
        let direct = strip_cargo_subcommand(["cargo-llapi", "heartbeat"].map(OsString::from));
        assert_eq!(direct.len(), 2);
    }
}
