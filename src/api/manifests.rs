//! `timesys.vigiles.manifests` (everything but upload, which is [`crate::upload`]).

use crate::config::Config;
use crate::error::{Error, Result};
use crate::params::{Params, Value};
use crate::request::{Method, Request};
use crate::upload::options::EXTRA_FIELDS;

use super::{all_of, configured_folder, configured_group, configured_group_field, one_of};
use super::{request, required, segment, token_list};

/// SBOM formats a manifest can be converted to on info / download.
pub const SBOM_FORMATS: &[&str] = &["spdx", "spdx-lite", "cyclonedx"];

/// Which manifests to list: an explicit group or folder, else the configuration's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListScope {
    /// List the manifests of this group.
    pub group: Option<String>,
    /// List the manifests of this folder.
    pub folder: Option<String>,
}

/// GET `/manifests`: `folder_token` if given or configured, else the group token (`group_token`,
/// or `product_token` for a product-generation dashboard config). An explicit group is never
/// overridden by a configured folder.
pub fn list(config: &Config, scope: &ListScope) -> Result<Request> {
    let mut p = Params::new();
    match (&scope.folder, &scope.group) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "give either a group token or a folder token, not both",
            ))
        }
        (Some(f), None) => {
            p.set("folder_token", required(f, "folder token")?);
        }
        (None, Some(g)) => {
            p.set("group_token", required(g, "group token")?);
        }
        (None, None) => match (configured_folder(config), configured_group(config)) {
            (Some(f), _) => {
                p.set("folder_token", f);
            }
            (None, Some(g)) => {
                p.set(configured_group_field(config), g);
            }
            (None, None) => {}
        },
    }
    request(Method::Get, "/manifests", p)
}

/// The conversion options of manifest info / download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SbomOptions {
    /// `sbom_format`: spdx, spdx-lite or cyclonedx.
    pub sbom_format: Option<String>,
    /// `file_format` of the converted document (e.g. json, xml, tag).
    pub file_format: Option<String>,
    /// `sbom_version` of the converted document.
    pub sbom_version: Option<String>,
}

impl SbomOptions {
    fn apply(&self, p: &mut Params) -> Result<()> {
        if self.sbom_format.is_none() && (self.file_format.is_some() || self.sbom_version.is_some())
        {
            return Err(Error::invalid(
                "--file-format and --sbom-version need --sbom-format",
            ));
        }
        let format = self
            .sbom_format
            .as_deref()
            .map(|f| one_of(f, SBOM_FORMATS, "--sbom-format"))
            .transpose()?;
        p.set_opt("sbom_format", format);
        p.set_opt(
            "file_format",
            self.file_format.clone().filter(|s| !s.is_empty()),
        );
        p.set_opt(
            "sbom_version",
            self.sbom_version.clone().filter(|s| !s.is_empty()),
        );
        Ok(())
    }
}

/// GET `/manifests/{token}`: the manifest's details and data.
pub fn info(token: &str, options: &SbomOptions) -> Result<Request> {
    let mut p = Params::new();
    options.apply(&mut p)?;
    request(
        Method::Get,
        &format!("/manifests/{}", segment(token, "manifest token")?),
        p,
    )
}

/// GET `/manifests/{token}` with `send_file=True`: the manifest file itself (raw bytes).
pub fn download(token: &str, options: &SbomOptions) -> Result<Request> {
    let mut p = Params::new().with("send_file", true);
    options.apply(&mut p)?;
    request(
        Method::Get,
        &format!("/manifests/{}", segment(token, "manifest token")?),
        p,
    )
}

/// DELETE `/manifests/{token}` with `confirmed` (the server deletes only when it is True).
pub fn delete(token: &str, confirmed: bool) -> Result<Request> {
    request(
        Method::Delete,
        &format!("/manifests/{}", segment(token, "manifest token")?),
        Params::new().with("confirmed", confirmed),
    )
}

/// Options of a rescan or a latest-report query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// `filtered`: leave out fixed CVEs.
    pub filter_results: bool,
    /// `with_field`: extra CVE fields (see [`EXTRA_FIELDS`]).
    pub extra_fields: Vec<String>,
}

impl ScanOptions {
    fn with_fields(&self, p: &mut Params) -> Result<()> {
        if !self.extra_fields.is_empty() {
            let fields = all_of(&self.extra_fields, EXTRA_FIELDS, "--extra-fields")?;
            p.set("with_field", Value::List(fields));
        }
        Ok(())
    }
}

/// POST `/manifests/{token}/reports`: scan the manifest again.
pub fn rescan(token: &str, rescan_only: bool, options: &ScanOptions) -> Result<Request> {
    let token = segment(token, "manifest token")?;
    let mut p = Params::new()
        .with("manifest", token)
        .with("rescan_only", rescan_only)
        .with("filtered", options.filter_results);
    options.with_fields(&mut p)?;
    request(Method::Post, &format!("/manifests/{token}/reports"), p)
}

/// GET `/manifests/{token}/reports`: the manifest's report tokens.
pub fn reports(token: &str) -> Result<Request> {
    request(
        Method::Get,
        &format!("/manifests/{}/reports", segment(token, "manifest token")?),
        Params::new(),
    )
}

/// GET `/manifests/{token}/reports/latest`: the latest scan result.
pub fn latest_report(token: &str, options: &ScanOptions) -> Result<Request> {
    let mut p = Params::new().with("filtered", options.filter_results);
    options.with_fields(&mut p)?;
    request(
        Method::Get,
        &format!(
            "/manifests/{}/reports/latest",
            segment(token, "manifest token")?
        ),
        p,
    )
}

/// A custom CVSS score for one CVE of one package in a manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomScore {
    /// `package_name`.
    pub package: String,
    /// `package_version` (optional).
    pub package_version: Option<String>,
    /// `cve_id`.
    pub cve_id: String,
    /// `custom_score`: a number from 0 to 10.
    pub score: String,
}

/// POST `/manifests/{token}/custom_scores`.
pub fn custom_score(token: &str, score: &CustomScore) -> Result<Request> {
    let token = segment(token, "manifest token")?;
    let value = score.score.trim();
    if !value
        .parse::<f64>()
        .is_ok_and(|s| (0.0..=10.0).contains(&s))
    {
        return Err(Error::invalid(format!(
            "--score {value:?} must be a number from 0 to 10"
        )));
    }
    let mut p = Params::new()
        .with("package_name", required(&score.package, "package name")?)
        .with("cve_id", required(&score.cve_id, "CVE id")?)
        .with("custom_score", value);
    p.set_opt("package_version", score.package_version.clone());
    request(
        Method::Post,
        &format!("/manifests/{token}/custom_scores"),
        p,
    )
}

/// Where a bulk move or copy goes: exactly one of a group or a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkTarget {
    /// `target_group_token`.
    pub group: Option<String>,
    /// `target_folder_token`.
    pub folder: Option<String>,
    /// `include_history`: take the reports along.
    pub include_history: bool,
}

/// POST `/manifests/bulk-options/move`: move (`copy=False`) or copy (`copy=True`) manifests.
pub fn bulk_move(tokens: &[String], target: &BulkTarget, copy: bool) -> Result<Request> {
    let mut p = Params::new()
        .with("sbom_tokens", token_list(tokens, "manifest token")?)
        .with("copy", copy)
        .with("include_history", target.include_history);
    match (&target.group, &target.folder) {
        (None, None) | (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "give exactly one target: a group token or a folder token",
            ))
        }
        (None, Some(f)) => p.set("target_folder_token", required(f, "folder token")?),
        (Some(g), None) => p.set("target_group_token", required(g, "group token")?),
    };
    request(Method::Post, "/manifests/bulk-options/move", p)
}

/// One manifest of a [`list`] answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ManifestSummary {
    /// The name shown on the dashboard.
    pub manifest_name: String,
    /// The manifest token.
    pub manifest_token: String,
    /// The group token (`product_token` on older servers).
    #[serde(default, alias = "product_token")]
    pub group_token: Option<String>,
    /// The folder token.
    #[serde(default)]
    pub folder_token: Option<String>,
    /// When it was uploaded.
    #[serde(default)]
    pub upload_date: Option<String>,
}

/// One report of a [`reports`] answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ReportEntry {
    /// The report token.
    pub report_token: String,
    /// When it was created.
    #[serde(default)]
    pub created_date: Option<String>,
    /// The manifest it belongs to.
    #[serde(default)]
    pub manifest_token: Option<String>,
}

/// The answer of [`reports`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ReportList {
    /// The manifest token.
    pub manifest_token: String,
    /// The manifest name.
    #[serde(default)]
    pub manifest_name: Option<String>,
    /// Its reports.
    pub reports: Vec<ReportEntry>,
}
