//! Upload settings from `[package.metadata.llapi]` / `[workspace.metadata.llapi]`; flags win.
//!
//! Keys: `upload-only`, `filter-results` (booleans), `extra-fields`, `fail-on` (arrays or
//! comma-separated strings), `ecosystems`, `subscribe` (strings), `spool-dir` (a path).

use std::path::PathBuf;

use crate::config::ProjectSettings;
use crate::error::Result;

use super::report::FailRule;
use super::UploadOptions;

/// Settings of the Cargo project that are not upload options proper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectUploadSettings {
    /// `fail-on` rules.
    pub fail_on: Vec<FailRule>,
    /// `spool-dir`, relative to its Cargo.toml.
    pub spool_dir: Option<PathBuf>,
}

/// Fills what the command line left unset from the project's settings.
pub fn apply(
    project: &ProjectSettings,
    options: &mut UploadOptions,
) -> Result<ProjectUploadSettings> {
    if !options.upload_only {
        options.upload_only = project
            .boolean(&["upload-only", "upload_only"])?
            .unwrap_or(false);
    }
    if !options.filter_results {
        options.filter_results = project
            .boolean(&["filter-results", "filter_results"])?
            .unwrap_or(false);
    }
    if options.extra_fields.is_empty() {
        options.extra_fields = project
            .strings(&["extra-fields", "extra_fields"])?
            .unwrap_or_default();
    }
    if options.ecosystems.is_none() {
        options.ecosystems = project.string(&["ecosystems"])?.map(|(s, _)| s);
    }
    if options.subscribe.is_none() {
        options.subscribe = project.string(&["subscribe"])?.map(|(s, _)| s);
    }
    let fail_on = project
        .strings(&["fail-on", "fail_on"])?
        .unwrap_or_default()
        .iter()
        .map(|r| r.parse())
        .collect::<Result<Vec<FailRule>>>()?;
    let spool_dir = project.path(&["spool-dir", "spool_dir"])?.map(|(p, _)| p);
    Ok(ProjectUploadSettings { fail_on, spool_dir })
}
