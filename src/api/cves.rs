//! `timesys.vigiles.cves`: CVE info, search by product, vulnerability status.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::params::{Params, Value};
use crate::request::{Method, Request};

use super::{all_of, configured_group, one_of, request, required, segment};

/// Fields `cves info --fields` can ask for.
pub const FIELDS: &[&str] = &[
    "affected_configurations",
    "assigner",
    "description",
    "identifier",
    "impact",
    "modified",
    "problem_types",
    "published",
    "references",
    "nvd_status",
    "cisa",
    "epss",
];
/// Scopes of a status.
pub const SCOPES: &[&str] = &["manifest", "group", "all"];
/// Vulnerability statuses.
pub const STATUSES: &[&str] = &[
    "resolved",
    "resolved_with_pedigree",
    "exploitable",
    "in_triage",
    "false_positive",
    "not_affected",
];
/// Justifications of a `not_affected` status.
pub const JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

/// GET `/cves/{id}`, optionally only some `fields`.
pub fn info(cve_id: &str, fields: &[String]) -> Result<Request> {
    let mut p = Params::new();
    if !fields.is_empty() {
        p.set("fields", Value::List(all_of(fields, FIELDS, "--fields")?));
    }
    request(
        Method::Get,
        &format!("/cves/{}", segment(cve_id, "CVE id")?),
        p,
    )
}

/// GET `/cves`: `product`, `version` (always, may be empty), `ids_only` (always).
pub fn search(product: &str, version: &str, ids_only: bool) -> Result<Request> {
    let p = Params::new()
        .with("product", required(product, "product")?)
        .with("version", version)
        .with("ids_only", ids_only);
    request(Method::Get, "/cves", p)
}

/// A vulnerability status to set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// `scope`: manifest, group or all.
    pub scope: String,
    /// `package`.
    pub package: String,
    /// `status` (see [`STATUSES`]).
    pub status: String,
    /// `justification` (see [`JUSTIFICATIONS`]).
    pub justification: Option<String>,
    /// `justification_detail`.
    pub justification_detail: Option<String>,
    /// `package_version`.
    pub package_version: Option<String>,
    /// `manifest_tokens`.
    pub manifest_tokens: Vec<String>,
    /// `group_tokens`; for scope `group`, empty means the configured group.
    pub group_tokens: Vec<String>,
}

/// POST `/cves/{id}/vuln-status`. With scope `group` and no group tokens, the configured group
/// is used (as the reference does); with none configured that is an input error.
pub fn set_status(config: &Config, cve_id: &str, s: &Status) -> Result<Request> {
    let cve = segment(cve_id, "CVE id")?;
    let scope = one_of(&s.scope, SCOPES, "scope")?;
    let mut p = Params::new()
        .with("scope", scope.as_str())
        .with("package", required(&s.package, "package")?)
        .with("status", one_of(&s.status, STATUSES, "status")?);
    let justification = s
        .justification
        .as_deref()
        .map(|j| one_of(j, JUSTIFICATIONS, "--justification"));
    p.set_opt("justification", justification.transpose()?);
    p.set_opt("package_version", s.package_version.clone());
    p.set_opt("justification_detail", s.justification_detail.clone());
    if scope == "manifest" && s.manifest_tokens.is_empty() {
        return Err(Error::invalid("scope manifest needs --manifest-tokens"));
    }
    if !s.manifest_tokens.is_empty() {
        p.set("manifest_tokens", Value::List(s.manifest_tokens.clone()));
    }
    let groups = match (scope.as_str(), s.group_tokens.is_empty()) {
        ("group", true) => vec![configured_group(config)
            .ok_or_else(|| {
                Error::invalid(
                    "scope group needs --group-tokens or a dashboard config with a group",
                )
            })?
            .to_owned()],
        _ => s.group_tokens.clone(),
    };
    if !groups.is_empty() {
        p.set("group_tokens", Value::List(groups));
    }
    request(Method::Post, &format!("/cves/{cve}/vuln-status"), p)
}

/// GET `/cves/{id}/vuln-status`: the status of a CVE for a package version in a manifest.
pub fn get_status(
    cve_id: &str,
    package_name: &str,
    package_version: &str,
    manifest_token: &str,
) -> Result<Request> {
    let cve = segment(cve_id, "CVE id")?;
    let p = Params::new()
        .with(
            "manifest_token",
            required(manifest_token, "manifest token")?,
        )
        .with("package_name", required(package_name, "package name")?)
        .with(
            "package_version",
            required(package_version, "package version")?,
        );
    request(Method::Get, &format!("/cves/{cve}/vuln-status"), p)
}
