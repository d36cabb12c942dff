//! `upload [FILE...]`: send manifests to the configured group/folder; keep what fails.

use std::path::PathBuf;

use llapi::upload::report::{self, Counts, FailRule};
use llapi::upload::{Failure, Outcome, Spool, UploadOptions, Uploader};
use llapi::{Error, Result};
use serde_json::{json, Value as Json};

use crate::cli::{GlobalOpts, MessageFormat};
use crate::commands::manifest::ProjectArgs;
use crate::{context, output};

/// Arguments of `upload`.
#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// Manifest files to upload (sent byte for byte); without FILE, the manifest (SBOM) of the
    /// current Cargo project is generated and uploaded
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Without FILE: which packages the generated manifest describes
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Without FILE: format of the generated manifest: cyclonedx, spdx or vigiles
    /// [default: `format` of [workspace.metadata.llapi], else cyclonedx]
    #[arg(long, value_name = "FORMAT", value_parser = crate::commands::manifest::parse_format)]
    pub format: Option<llapi::sbom::Format>,
    /// Manifest name on the dashboard
    #[arg(short = 'n', long)]
    pub name: Option<String>,
    /// Subfolder to create or use under the configured folder [env: VIGILES_SUBFOLDER_NAME]
    #[arg(short = 's', long, value_name = "NAME")]
    pub subfolder: Option<String>,
    /// Upload without generating a report
    #[arg(short = 'o', long)]
    pub upload_only: bool,
    /// Ask for filtered results
    #[arg(short = 'f', long)]
    pub filter_results: bool,
    /// Extra CVE fields, comma-separated (assigner, description, impact, modified, problem_types, published, references)
    #[arg(short = 'e', long, value_delimiter = ',', value_name = "A,B")]
    pub extra_fields: Vec<String>,
    /// Kernel .config to send with the manifest
    #[arg(short = 'k', long, value_name = "FILE")]
    pub kernel_config: Option<PathBuf>,
    /// U-Boot .config to send with the manifest, or a U-Boot build directory: the .config and
    /// include/autoconf.mk files in it and in its per-configuration subdirectories are merged
    #[arg(short = 'u', long, value_name = "FILE|DIR")]
    pub uboot_config: Option<PathBuf>,
    /// Ecosystems to scan: a comma-separated list or `all`
    #[arg(short = 'E', long, value_name = "LIST")]
    pub ecosystems: Option<String>,
    /// Report notifications: none, daily, weekly, monthly
    #[arg(short = 'S', long, value_name = "FREQ")]
    pub subscribe: Option<String>,
    /// Also export the report: pdf, pdfsummary, xlsx, csv, cyclonedx-vex, cyclonedx-sbom-vex
    #[arg(long, value_name = "FORMAT", requires = "export_path")]
    pub export_format: Option<String>,
    /// Where the exported report goes (the extension follows the format)
    #[arg(long, value_name = "PATH", requires = "export_format")]
    pub export_path: Option<PathBuf>,
    /// CycloneDX export file format: json or xml
    #[arg(long, value_name = "FORMAT")]
    pub cyclonedx_format: Option<String>,
    /// CycloneDX export version: 1.4 to 1.7
    #[arg(long, value_name = "VERSION")]
    pub cyclonedx_version: Option<String>,
    /// Upload at most this many files at once
    #[arg(short = 'j', long, default_value_t = 4, value_name = "N")]
    pub jobs: usize,
    /// Exit 3 when findings exceed a limit: unfixed, unapplied or high, optionally =N (repeatable)
    #[arg(long, value_name = "KIND[=N]")]
    pub fail_on: Vec<FailRule>,
    /// Write the full text report here
    #[arg(long, value_name = "PATH")]
    pub report_file: Option<PathBuf>,
    /// Send nothing: queue the uploads in the spool for `spool flush` (and run cargo offline)
    #[arg(long)]
    pub offline: bool,
    /// Spool directory for uploads that fail or are queued [env: LLAPI_SPOOL_DIR]
    #[arg(long, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
    /// Do not keep failed uploads in the spool
    #[arg(long, conflicts_with = "offline")]
    pub no_spool: bool,
    /// With --dry-run: write the would-be request (JSON, signed, without the key) to this file
    #[arg(long, value_name = "FILE")]
    pub request_out: Option<PathBuf>,
}

impl UploadArgs {
    fn options(&self) -> UploadOptions {
        UploadOptions {
            name: self.name.clone(),
            subfolder: self.subfolder.clone(),
            upload_only: self.upload_only,
            filter_results: self.filter_results,
            extra_fields: self.extra_fields.clone(),
            kernel_config: self.kernel_config.clone(),
            uboot_config: self.uboot_config.clone(),
            ecosystems: self.ecosystems.clone(),
            subscribe: self.subscribe.clone(),
            export_format: self.export_format.clone(),
            export_path: self.export_path.clone(),
            cyclonedx_format: self.cyclonedx_format.clone(),
            cyclonedx_version: self.cyclonedx_version.clone(),
        }
    }

    fn check(&self, global: &GlobalOpts) -> Result<()> {
        if self.files.len() > 1 && (self.name.is_some() || self.export_path.is_some()) {
            return Err(Error::invalid(
                "--name and --export-path apply to a single FILE",
            ));
        }
        if self.jobs == 0 {
            return Err(Error::invalid("--jobs must be at least 1"));
        }
        if !self.fail_on.is_empty() && self.upload_only {
            return Err(Error::invalid(
                "--fail-on needs a report; it cannot be used with --upload-only",
            ));
        }
        if self.request_out.is_some() && !global.dry_run {
            return Err(Error::invalid("--request-out is for --dry-run"));
        }
        if self.request_out.is_some() && self.files.len() > 1 {
            return Err(Error::invalid("--request-out applies to a single FILE"));
        }
        Ok(())
    }
}

/// Runs `upload`.
pub fn run(global: &GlobalOpts, args: &UploadArgs) -> Result<()> {
    args.check(global)?;
    if args.files.is_empty() {
        return upload_generated(global, args);
    }
    upload_files(global, args, &args.files, None)
}

/// Generates the current project's manifest into a private temporary file and uploads it.
fn upload_generated(global: &GlobalOpts, args: &UploadArgs) -> Result<()> {
    let options = args
        .project
        .options(global, args.name.clone(), args.offline)?;
    let generated = llapi::sbom::generate_for_project(&options, args.format)?;
    log::info!("{}", generated.inventory.summary(generated.format));
    let file = tempfile::Builder::new()
        .prefix(&format!("{}.", generated.name))
        .suffix(&format!(".{}", generated.format.extension()))
        .tempfile()
        .map_err(|e| Error::io("cannot create a temporary file for the manifest", e))?;
    std::fs::write(file.path(), &generated.bytes)
        .map_err(|e| Error::io("cannot write the generated manifest", e))?;
    upload_files(
        global,
        args,
        &[file.path().to_path_buf()],
        Some(generated.name),
    )
}

/// Uploads `files`; `generated_name` names a generated manifest (sent as `manifest_name`).
fn upload_files(
    global: &GlobalOpts,
    args: &UploadArgs,
    files: &[PathBuf],
    generated_name: Option<String>,
) -> Result<()> {
    let mut overrides = context::overrides(global);
    overrides.subfolder = args.subfolder.clone();
    let client = context::client(global, overrides)?;
    let mut options = args.options();
    if options.name.is_none() {
        options.name = generated_name;
    }
    let project = llapi::upload::settings::apply(&context::project(global)?, &mut options)?;
    let fail_on = if args.fail_on.is_empty() {
        project.fail_on
    } else {
        args.fail_on.clone()
    };
    if !fail_on.is_empty() && options.upload_only {
        return Err(Error::invalid(
            "--fail-on needs a report; it cannot be used with --upload-only",
        ));
    }
    let spool_dir = args.spool_dir.clone().or(project.spool_dir);
    let spool = match (args.no_spool, global.dry_run) {
        (false, false) => Some(Spool::locate(spool_dir.as_deref())?),
        _ => None,
    };
    let mut uploader = Uploader::new(&client, options, spool, args.offline)?;
    if let Some(progress) = crate::progress::for_uploads(global) {
        uploader = uploader.with_progress(progress);
    }
    let base = client.config().url.value.as_str().to_owned();
    let outcomes = uploader.upload_all(files, args.jobs);

    let mut json_out = Vec::new();
    let mut reports = String::new();
    let mut failures: Vec<Error> = Vec::new();
    let mut policy: Vec<String> = Vec::new();
    for (file, outcome) in files.iter().zip(outcomes) {
        let name = uploader.display_name(file);
        let ours = json!({"file": file, "target": uploader.target()});
        match outcome {
            Ok(Outcome::DryRun(prepared)) => {
                if let Some(path) = &args.request_out {
                    llapi::fsutil::write_private_output(path, |w| {
                        llapi::dry_run::write_json(&prepared, w)
                    })?;
                    log::info!(
                        "dry run: the request for {} is in {}",
                        file.display(),
                        path.display()
                    );
                } else {
                    output::dry_run(global, &prepared)?;
                }
            }
            Ok(Outcome::Queued(entry)) => {
                log::info!(
                    "queued {} in the spool: {}",
                    file.display(),
                    entry.display()
                );
                json_out.push(merge(json!({"queued": true}), &ours, Some(&entry)));
            }
            Ok(Outcome::Uploaded { result, exported }) => {
                if global.message_format == MessageFormat::Human && global.quiet == 0 {
                    output::stdout(
                        report::summary(&base, &name, &result, global.verbose > 0).as_bytes(),
                    )?;
                    if let Some(p) = &exported {
                        output::stdout(format!("  Exported report: {}\n", p.display()).as_bytes())?;
                    }
                }
                if args.report_file.is_some() {
                    reports.push_str(&report::full_report(&base, &name, &result));
                }
                if let Some(counts) = Counts::of(&result) {
                    for f in report::policy_failures(&fail_on, &counts) {
                        policy.push(format!("{name}: {f}"));
                    }
                }
                let mut j = merge(result, &ours, None);
                j["exported_report_path"] = json!(exported);
                json_out.push(j);
            }
            Err(Failure { error, spooled }) => {
                let kept = match &spooled {
                    Some(dir) => format!("; the manifest was kept in {} (send it later with `cargo llapi spool flush`)", dir.display()),
                    None => String::new(),
                };
                json_out.push(merge(
                    json!({"error": error.to_string()}),
                    &ours,
                    spooled.as_deref(),
                ));
                if files.len() > 1 {
                    log::error!("{}: {error}{kept}", file.display());
                    failures.push(error);
                } else {
                    failures.push(with_note(error, &kept));
                }
            }
        }
    }
    if let Some(path) = &args.report_file {
        if !reports.is_empty() {
            llapi::fsutil::atomic_write_private(path, |w| w.write_all(reports.as_bytes()))?;
        }
    }
    if global.message_format == MessageFormat::Json && !global.dry_run {
        match json_out.len() {
            1 => output::json(&json_out[0])?,
            _ => output::json(&json_out)?,
        }
    }
    finish(failures, policy, files.len())
}

/// The error with `note` appended to its message, keeping its kind.
fn with_note(error: Error, note: &str) -> Error {
    if note.is_empty() {
        return error;
    }
    let message = format!("{error}{note}");
    match error.kind() {
        llapi::ErrorKind::Input => Error::invalid(message),
        llapi::ErrorKind::Operation => Error::Transport(message),
        llapi::ErrorKind::Policy => Error::Policy(message),
    }
}

fn merge(mut server: Json, ours: &Json, spool: Option<&std::path::Path>) -> Json {
    if !server.is_object() {
        server = json!({"response": server});
    }
    let obj = server.as_object_mut().expect("object");
    for (k, v) in ours.as_object().expect("object") {
        obj.insert(k.clone(), v.clone());
    }
    obj.insert("spool".into(), json!(spool));
    server
}

/// The exit status: the first failure (input errors win), else a policy failure, else success.
fn finish(mut failures: Vec<Error>, policy: Vec<String>, total: usize) -> Result<()> {
    if !failures.is_empty() {
        failures.sort_by_key(|e| e.kind().exit_code() != 2);
        let n = failures.len();
        let first = failures.swap_remove(0);
        if total == 1 {
            return Err(first);
        }
        return Err(with_note(
            first,
            &format!(" ({n} of {total} uploads failed)"),
        ));
    }
    if !policy.is_empty() {
        return Err(Error::Policy(format!(
            "policy failed: {}",
            policy.join("; ")
        )));
    }
    Ok(())
}
