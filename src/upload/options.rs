//! The options of a manifest upload and the form fields they become (vigiles-llapi.md §1.3).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::params::{Params, Value};
use crate::yocto::uboot_config;

use super::ecosystems;
use super::target::Target;

/// Report formats the service can export with an upload.
pub const EXPORT_FORMATS: &[&str] = &[
    "pdf",
    "pdfsummary",
    "xlsx",
    "csv",
    "cyclonedx-vex",
    "cyclonedx-sbom-vex",
];
/// File formats of a CycloneDX export.
pub const CYCLONEDX_FORMATS: &[&str] = &["json", "xml"];
/// Versions of a CycloneDX export.
pub const CYCLONEDX_VERSIONS: &[&str] = &["1.4", "1.5", "1.6", "1.7"];
/// Notification frequencies.
pub const SUBSCRIBE: &[&str] = &["none", "daily", "weekly", "monthly"];
/// Extra CVE fields the report can carry.
pub const EXTRA_FIELDS: &[&str] = &[
    "assigner",
    "description",
    "impact",
    "modified",
    "problem_types",
    "published",
    "references",
];

/// Everything an upload can ask of the service, besides the manifest itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadOptions {
    /// `manifest_name`: the name shown on the dashboard.
    pub name: Option<String>,
    /// `subfolder_name`: created or used under the configured folder (overrides the config).
    pub subfolder: Option<String>,
    /// Upload without generating a report.
    pub upload_only: bool,
    /// Ask for filtered results.
    pub filter_results: bool,
    /// `with_field`: extra CVE fields in the answer.
    pub extra_fields: Vec<String>,
    /// Kernel `.config` whose content is sent as `kernel_config`.
    pub kernel_config: Option<PathBuf>,
    /// U-Boot `.config` whose content is sent as `uboot_config`, or a U-Boot build directory
    /// whose configuration files are merged ([`uboot_config::merge_build_dir`]).
    pub uboot_config: Option<PathBuf>,
    /// Ecosystems to scan: a comma-separated list or `all`.
    pub ecosystems: Option<String>,
    /// Report notifications: none, daily, weekly, monthly.
    pub subscribe: Option<String>,
    /// Export the report in this format too.
    pub export_format: Option<String>,
    /// Where the exported report goes (its extension follows the format).
    pub export_path: Option<PathBuf>,
    /// CycloneDX export file format (json, xml).
    pub cyclonedx_format: Option<String>,
    /// CycloneDX export version (1.4 to 1.7).
    pub cyclonedx_version: Option<String>,
}

/// `value` (case-insensitive, trimmed) as spelled in `allowed`, else an input error naming `flag`.
pub(crate) fn one_of(value: &str, allowed: &[&str], flag: &str) -> Result<String> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()))
        .map(|a| (*a).to_owned())
        .ok_or_else(|| {
            Error::invalid(format!(
                "{flag} {value:?} is not one of {}",
                allowed.join(", ")
            ))
        })
}

impl UploadOptions {
    /// Checks the options before anything is read or sent.
    pub fn validate(&self) -> Result<()> {
        self.check_fields()?;
        self.config_files().map(drop)
    }

    /// The checks of [`UploadOptions::validate`] but for the config files.
    fn check_fields(&self) -> Result<()> {
        if self.export_format.is_some() != self.export_path.is_some() {
            return Err(Error::invalid(
                "--export-format and --export-path must be used together",
            ));
        }
        if let Some(f) = &self.export_format {
            let f = one_of(f, EXPORT_FORMATS, "--export-format")?;
            if !f.starts_with("cyclonedx")
                && (self.cyclonedx_format.is_some() || self.cyclonedx_version.is_some())
            {
                return Err(Error::invalid(
                    "--cyclonedx-format and --cyclonedx-version apply only to the cyclonedx-vex and cyclonedx-sbom-vex exports",
                ));
            }
        } else if self.cyclonedx_format.is_some() || self.cyclonedx_version.is_some() {
            return Err(Error::invalid(
                "--cyclonedx-format and --cyclonedx-version need --export-format",
            ));
        }
        if let Some(p) = &self.export_path {
            if p.is_dir() {
                return Err(Error::invalid(format!(
                    "export path {} is an existing directory, not a file path",
                    p.display()
                )));
            }
        }
        if self.upload_only && self.export_format.is_some() {
            return Err(Error::invalid(
                "--export-format needs a report; it cannot be used with --upload-only",
            ));
        }
        for f in &self.extra_fields {
            one_of(f, EXTRA_FIELDS, "--extra-fields")?;
        }
        if let Some(f) = &self.cyclonedx_format {
            one_of(f, CYCLONEDX_FORMATS, "--cyclonedx-format")?;
        }
        if let Some(v) = &self.cyclonedx_version {
            one_of(v, CYCLONEDX_VERSIONS, "--cyclonedx-version")?;
        }
        if let Some(s) = &self.subscribe {
            one_of(s, SUBSCRIBE, "--subscribe")?;
        }
        if let Some(e) = &self.ecosystems {
            ecosystems::normalize(e)?;
        }
        Ok(())
    }

    /// The `kernel_config` and `uboot_config` fields, checked: a file's content, or for
    /// U-Boot also the merged configuration of a build directory
    /// ([`uboot_config::merge_build_dir`]).
    fn config_files(&self) -> Result<(Option<Value>, Option<Value>)> {
        let kernel = match &self.kernel_config {
            Some(file) => {
                check_readable(file, "kernel config")?;
                Some(Value::File(file.clone()))
            }
            None => None,
        };
        let uboot = match &self.uboot_config {
            Some(dir) if dir.is_dir() => Some(Value::Text(uboot_config::merge_build_dir(dir)?)),
            Some(file) => {
                check_readable(file, "U-Boot config")?;
                Some(Value::File(file.clone()))
            }
            None => None,
        };
        Ok((kernel, uboot))
    }

    /// The form fields of an upload of `manifest` to `target`, under the reference's names.
    pub fn params(&self, manifest: &Path, target: &Target) -> Result<Params> {
        self.check_fields()?;
        let (kernel_config, uboot_config) = self.config_files()?;
        let mut p = Params::new();
        p.set("manifest", Value::File(manifest.to_path_buf()));
        p.set("filter_results", self.filter_results);
        p.set("upload_only", self.upload_only);
        p.set_opt("kernel_config", kernel_config);
        p.set_opt("uboot_config", uboot_config);
        p.set_opt("manifest_name", self.name.clone());
        if !self.extra_fields.is_empty() {
            let fields = self
                .extra_fields
                .iter()
                .map(|f| one_of(f, EXTRA_FIELDS, "--extra-fields"));
            p.set("with_field", Value::List(fields.collect::<Result<_>>()?));
        }
        p.set_opt(
            "ecosystems",
            self.ecosystems
                .as_deref()
                .map(ecosystems::normalize)
                .transpose()?,
        );
        p.set_opt(
            "subscribe",
            self.subscribe
                .as_deref()
                .map(|s| one_of(s, SUBSCRIBE, "--subscribe"))
                .transpose()?,
        );
        if let Some((field, token)) = target.token_field() {
            p.set(field, token);
        }
        p.set_opt("folder_token", target.folder.clone());
        p.set_opt("subfolder_name", target.subfolder.clone());
        if let Some(f) = &self.export_format {
            let f = one_of(f, EXPORT_FORMATS, "--export-format")?;
            if f.starts_with("cyclonedx") {
                p.set(
                    "cyclonedx_format",
                    self.cyclonedx_format
                        .clone()
                        .unwrap_or_else(|| "json".into()),
                );
                p.set(
                    "cyclonedx_version",
                    self.cyclonedx_version
                        .clone()
                        .unwrap_or_else(|| "1.7".into()),
                );
            }
            p.set("export_format", f);
        }
        Ok(p)
    }

    /// The subfolder: this option, else the configuration's.
    pub fn effective_subfolder(&self, config: &Config) -> Option<String> {
        self.subfolder
            .clone()
            .or_else(|| config.subfolder.as_ref().map(|s| s.value.clone()))
    }
}

fn check_readable(path: &Path, what: &'static str) -> Result<()> {
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{what} {} is a directory, not a file",
            path.display()
        )));
    }
    std::fs::File::open(path)
        .map(drop)
        .map_err(|source| Error::ReadFile {
            what,
            path: path.to_path_buf(),
            source,
        })
}
