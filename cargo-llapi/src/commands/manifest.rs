//! `manifest` command: writes the build manifest (SBOM) of the Cargo project.

use std::path::PathBuf;

use llapi::sbom::{self, CargoArgs, Format, Input, SbomOptions, Selection, TargetSpec};

use crate::cli::GlobalOpts;

/// Which packages to describe and where their graph comes from; shared with `upload`.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Package selection and graph source")]
pub struct ProjectArgs {
    /// Describe only these workspace members (NAME or NAME@VERSION; repeatable)
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Describe every workspace member (the default)
    #[arg(long, conflicts_with = "packages")]
    pub workspace: bool,
    /// Leave these members out of the selection (repeatable)
    #[arg(long, value_name = "SPEC", conflicts_with = "packages")]
    pub exclude: Vec<String>,
    /// Features to activate (comma- or space-separated; repeatable)
    #[arg(short = 'F', long, value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Activate all features
    #[arg(long)]
    pub all_features: bool,
    /// Do not activate the `default` feature
    #[arg(long)]
    pub no_default_features: bool,
    /// Target triple whose dependencies count, or `all` [default: the host, as cargo build]
    #[arg(long, value_name = "TRIPLE|all")]
    pub target: Option<String>,
    /// Require Cargo.lock to be up to date
    #[arg(long)]
    pub locked: bool,
    /// Both --locked and --offline
    #[arg(long)]
    pub frozen: bool,
    /// Use this saved `cargo metadata --format-version 1` output instead of running cargo
    /// (the feature and lock flags then do not apply)
    #[arg(long, value_name = "FILE")]
    pub metadata_json: Option<PathBuf>,
    /// Lock file for the checksums with --metadata-json [default: the workspace's Cargo.lock]
    #[arg(long, value_name = "FILE", requires = "metadata_json")]
    pub lockfile: Option<PathBuf>,
    /// Keep the selected members' dev-dependencies (marked as such)
    #[arg(long)]
    pub include_dev: bool,
}

impl ProjectArgs {
    /// The library options these flags (and the global `--manifest-path`) ask for; `name` and
    /// `offline` come from the command, whose own flags they are.
    pub fn options(
        &self,
        global: &GlobalOpts,
        name: Option<String>,
        offline: bool,
    ) -> llapi::Result<SbomOptions> {
        let input = match &self.metadata_json {
            Some(metadata_json) => {
                let cargo_only = [
                    (!self.features.is_empty(), "--features"),
                    (self.all_features, "--all-features"),
                    (self.no_default_features, "--no-default-features"),
                    (self.locked, "--locked"),
                    (offline, "--offline"),
                    (self.frozen, "--frozen"),
                ];
                if let Some((_, flag)) = cargo_only.iter().find(|(on, _)| *on) {
                    return Err(llapi::Error::invalid(format!(
                        "{flag} applies to a cargo run and cannot be used with --metadata-json"
                    )));
                }
                Input::Saved {
                    metadata_json: metadata_json.clone(),
                    lockfile: self.lockfile.clone(),
                }
            }
            None => Input::Cargo(CargoArgs {
                manifest_path: global.manifest_path.clone(),
                features: self.features.clone(),
                all_features: self.all_features,
                no_default_features: self.no_default_features,
                locked: self.locked,
                offline,
                frozen: self.frozen,
            }),
        };
        Ok(SbomOptions {
            input,
            selection: Selection {
                packages: self.packages.clone(),
                exclude: self.exclude.clone(),
            },
            target: match &self.target {
                Some(t) => t.parse()?,
                None => TargetSpec::Host,
            },
            include_dev: self.include_dev,
            name,
            timestamp: None,
        })
    }
}

/// Arguments of `manifest`.
#[derive(Debug, clap::Args)]
pub struct ManifestArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Manifest name [default: root package NAME-VERSION, or the workspace directory name]
    #[arg(
        long,
        value_name = "NAME",
        help_heading = "Package selection and graph source"
    )]
    pub name: Option<String>,
    /// Run cargo without accessing the network
    #[arg(long, help_heading = "Package selection and graph source")]
    pub offline: bool,
    /// cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON) or vigiles
    /// [default: `format` of [workspace.metadata.llapi], else cyclonedx]
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

/// Parses `--format`.
pub fn parse_format(text: &str) -> Result<Format, String> {
    text.parse().map_err(|e: llapi::Error| e.to_string())
}

/// Runs `manifest`.
pub fn run(global: &GlobalOpts, args: &ManifestArgs) -> llapi::Result<()> {
    let options = args
        .project
        .options(global, args.name.clone(), args.offline)?;
    let pending = sbom::generate_pending(&options, args.format)?;
    let generated = match &args.output {
        Some(path) => pending.write_to(path)?,
        None => {
            // Nothing on stdout before cargo has succeeded.
            let generated = pending.finish()?;
            crate::output::stdout(&generated.bytes)?;
            generated
        }
    };
    log::info!("{}", generated.inventory.summary(generated.format));
    for excluded in &generated.inventory.excluded {
        log::debug!(
            "left out {} {} ({}): {}",
            excluded.name,
            excluded.version,
            excluded.source.describe(),
            excluded.reason.as_str()
        );
    }
    Ok(())
}
