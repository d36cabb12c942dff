//! `timesys.vigiles.reports`: download a report in a format, compare two reports.

use crate::error::{Error, Result};
use crate::params::Params;
use crate::request::{Method, Request};
use crate::upload::options::{CYCLONEDX_FORMATS, CYCLONEDX_VERSIONS, EXPORT_FORMATS};

use super::{one_of, request, segment};

/// A report download: the format and its options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Download {
    /// `format`: one of [`EXPORT_FORMATS`].
    pub format: String,
    /// `filtered`: leave out fixed CVEs.
    pub filter_results: bool,
    /// `sbom_format` of a CycloneDX report (json, xml; default json).
    pub cyclonedx_format: Option<String>,
    /// `sbom_version` of a CycloneDX report (1.4 to 1.7; default 1.7).
    pub cyclonedx_version: Option<String>,
}

/// GET `/reports/{token}`: the report file (raw bytes).
pub fn download(token: &str, d: &Download) -> Result<Request> {
    let token = segment(token, "report token")?;
    let format = one_of(&d.format, EXPORT_FORMATS, "report format")?;
    let mut p = Params::new()
        .with("filtered", d.filter_results)
        .with("format", format.as_str());
    if format.starts_with("cyclonedx") {
        let f = d.cyclonedx_format.as_deref().unwrap_or("json");
        let v = d.cyclonedx_version.as_deref().unwrap_or("1.7");
        p.set(
            "sbom_format",
            one_of(f, CYCLONEDX_FORMATS, "--cyclonedx-format")?,
        );
        p.set(
            "sbom_version",
            one_of(v, CYCLONEDX_VERSIONS, "--cyclonedx-version")?,
        );
    } else if d.cyclonedx_format.is_some() || d.cyclonedx_version.is_some() {
        return Err(Error::invalid(
            "--cyclonedx-format and --cyclonedx-version apply only to cyclonedx-vex and cyclonedx-sbom-vex",
        ));
    }
    request(Method::Get, &format!("/reports/{token}"), p)
}

/// What a comparison leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compare {
    /// `remove_whitelist` (deprecated by the service in favour of `remove_not_affected`).
    pub remove_whitelist: bool,
    /// `remove_not_affected`.
    pub remove_not_affected: bool,
    /// `filtered`.
    pub filter_results: bool,
}

/// GET `/reports/compare`: `{resolved: [...], new: [...]}` from report one to report two.
pub fn compare(token_one: &str, token_two: &str, c: &Compare) -> Result<Request> {
    let p = Params::new()
        .with("token_one", segment(token_one, "report token")?)
        .with("token_two", segment(token_two, "report token")?)
        .with("remove_whitelist", c.remove_whitelist)
        .with("remove_not_affected", c.remove_not_affected)
        .with("filtered", c.filter_results);
    request(Method::Get, "/reports/compare", p)
}

/// The answer of [`compare`]: CVE ids resolved and new from report one to report two.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Comparison {
    /// In report one, not in report two.
    pub resolved: Vec<String>,
    /// In report two, not in report one.
    pub new: Vec<String>,
}
