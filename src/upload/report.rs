//! The scan result of an upload: the summary meta-timesys prints, the full text report, and
//! the `--fail-on` policy (vigiles-llapi.md §6.4).

use serde_json::Value as Json;

use crate::error::{Error, Result};

/// One count split the way the console summary shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    /// All of them.
    pub total: u64,
    /// In the kernel.
    pub kernel: u64,
    /// In the toolchain.
    pub toolchain: u64,
}

impl Split {
    /// The root file system's share: total − kernel − toolchain.
    pub fn rfs(&self) -> u64 {
        self.total.saturating_sub(self.kernel + self.toolchain)
    }
}

/// The counts of a scan result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Unfixed CVEs.
    pub unfixed: Split,
    /// Unfixed, but a patch is available.
    pub unapplied: Split,
    /// Fixed CVEs.
    pub fixed: Split,
    /// High-CVSS CVEs, unfixed plus fixed.
    pub high: Split,
    /// High-CVSS CVEs that are unfixed.
    pub high_unfixed: u64,
}

/// A number at `path`, or the sum of the numbers in an object there (the service is not
/// consistent about nesting); missing is 0.
fn number(json: &Json, path: &[&str]) -> u64 {
    let mut v = json;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return 0,
        }
    }
    match v {
        Json::Number(n) => n.as_u64().unwrap_or(0),
        Json::Object(map) => map.values().map(|x| number(x, &[])).sum(),
        Json::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

impl Counts {
    /// The counts of a scan result, or `None` when it has none (upload-only).
    pub fn of(result: &Json) -> Option<Counts> {
        let c = result.get("counts")?;
        let split = |key: &str| Split {
            total: number(c, &[key]),
            kernel: number(c, &["kernel", key]),
            toolchain: number(c, &["toolchain", key]),
        };
        let high_unfixed = number(c, &["cvss_counts", "high", "unfixed"]);
        let high_total = high_unfixed + number(c, &["cvss_counts", "high", "fixed"]);
        Some(Counts {
            unfixed: split("unfixed"),
            unapplied: split("unapplied"),
            fixed: split("fixed"),
            high: Split {
                total: high_total,
                kernel: number(c, &["cvss_counts", "kernel", "high"]),
                toolchain: number(c, &["cvss_counts", "toolchain", "high"]),
            },
            high_unfixed,
        })
    }
}

/// The link to the online report: server base + `report_path`.
pub fn report_url(base: &str, result: &Json) -> Option<String> {
    let path = result.get("report_path")?.as_str()?;
    Some(format!(
        "{base}{}{path}",
        if path.starts_with('/') { "" } else { "/" }
    ))
}

/// The console summary; `verbose` adds the per-package CVE list.
pub fn summary(base: &str, name: &str, result: &Json, verbose: bool) -> String {
    let mut out = String::new();
    let token = result
        .get("manifest_token")
        .and_then(Json::as_str)
        .unwrap_or("?");
    out.push_str(&format!(
        "Vigiles: {name} uploaded (manifest token {token})\n"
    ));
    match (report_url(base, result), Counts::of(result)) {
        (url, Some(c)) => {
            if let Some(url) = url {
                out.push_str(&format!("  Report: {url}\n"));
            }
            let line = |label: &str, s: Split| {
                format!(
                    "  {label}: {} ({} RFS, {} Kernel, {} Toolchain)\n",
                    s.total,
                    s.rfs(),
                    s.kernel,
                    s.toolchain
                )
            };
            out.push_str(&line("Unfixed", c.unfixed));
            out.push_str(&line("Unfixed, Patch Available", c.unapplied));
            out.push_str(&line("Fixed", c.fixed));
            out.push_str(&line("High CVSS", c.high));
        }
        (Some(url), None) => out.push_str(&format!("  Report: {url}\n")),
        (None, None) => {
            out.push_str("  SBOM uploaded successfully (upload only: no report was generated).\n")
        }
    }
    if verbose {
        out.push_str(&cve_list(result));
    }
    out
}

/// The full text report: the summary plus every CVE per package.
pub fn full_report(base: &str, name: &str, result: &Json) -> String {
    let mut out = String::from("-- Vigiles CVE Report --\n\n");
    out.push_str(&summary(base, name, result, false));
    out.push('\n');
    out.push_str(&cve_list(result));
    out
}

/// The per-package CVE list of `cves` (sorted by package for stable output).
fn cve_list(result: &Json) -> String {
    let Some(cves) = result.get("cves").and_then(Json::as_object) else {
        return String::new();
    };
    let mut packages: Vec<_> = cves.iter().collect();
    packages.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (package, list) in packages {
        let Some(list) = list.as_array() else {
            continue;
        };
        out.push_str(&format!("  {package}:\n"));
        for cve in list {
            let field = |k: &str| match cve.get(k) {
                Some(Json::String(s)) => s.clone(),
                Some(Json::Null) | None => "-".into(),
                Some(other) => other.to_string(),
            };
            let id = cve
                .get("cve_id")
                .or_else(|| cve.get("id"))
                .and_then(Json::as_str)
                .unwrap_or("?");
            out.push_str(&format!(
                "    {id}  CVSS {}  {}  (version {})\n",
                field("cvss"),
                field("status"),
                field("version")
            ));
        }
    }
    out
}

/// What `--fail-on` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Unfixed CVEs.
    Unfixed,
    /// Unfixed CVEs with a patch available.
    Unapplied,
    /// Unfixed CVEs with a high CVSS score.
    High,
}

/// One `--fail-on KIND[=N]` rule: fail when the count exceeds N (default 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailRule {
    /// What is counted.
    pub kind: FailOn,
    /// The largest acceptable count.
    pub max: u64,
}

impl std::str::FromStr for FailRule {
    type Err = Error;
    fn from_str(s: &str) -> Result<FailRule> {
        let (kind, max) = match s.split_once('=') {
            Some((k, n)) => (
                k,
                n.trim().parse().map_err(|_| {
                    Error::invalid(format!(
                        "--fail-on {s:?}: the limit after = must be a whole number"
                    ))
                })?,
            ),
            None => (s, 0),
        };
        let kind = match kind.trim().to_ascii_lowercase().as_str() {
            "unfixed" => FailOn::Unfixed,
            "unapplied" | "patch-available" => FailOn::Unapplied,
            "high" | "high-cvss" => FailOn::High,
            _ => {
                return Err(Error::invalid(format!(
                    "--fail-on {s:?}: use unfixed, unapplied (patch-available) or high, optionally with =N"
                )))
            }
        };
        Ok(FailRule { kind, max })
    }
}

impl FailRule {
    /// The count this rule looks at.
    pub fn count(&self, c: &Counts) -> u64 {
        match self.kind {
            FailOn::Unfixed => c.unfixed.total,
            FailOn::Unapplied => c.unapplied.total,
            FailOn::High => c.high_unfixed,
        }
    }
}

/// The policy failures of a result: one message per broken rule.
pub fn policy_failures(rules: &[FailRule], counts: &Counts) -> Vec<String> {
    rules
        .iter()
        .filter(|r| r.count(counts) > r.max)
        .map(|r| {
            let what = match r.kind {
                FailOn::Unfixed => "unfixed CVEs",
                FailOn::Unapplied => "unfixed CVEs with a patch available",
                FailOn::High => "unfixed high-CVSS CVEs",
            };
            format!("{} {what} (limit {})", r.count(counts), r.max)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> Json {
        serde_json::json!({
            "manifest_token": "M1", "report_path": "/cves/reports/R1",
            "counts": {"unfixed": 7, "unapplied": 2, "fixed": 3,
                "kernel": {"unfixed": 4, "unapplied": 1, "fixed": 0},
                "toolchain": {"unfixed": 1, "unapplied": 0, "fixed": 1},
                "cvss_counts": {"high": {"unfixed": 2, "fixed": 1},
                                "kernel": {"high": {"unfixed": 1, "fixed": 0}},
                                "toolchain": {"high": 0}}},
            "cves": {"openssl": [{"cve_id": "CVE-2024-1", "cvss": 9.8, "status": "Unfixed", "version": "3.0"}]}
        })
    }

    #[test]
    fn summary_lines_like_meta_timesys() {
        let s = summary("https://v.test", "img", &result(), true);
        assert!(s.contains("Report: https://v.test/cves/reports/R1"));
        assert!(s.contains("Unfixed: 7 (2 RFS, 4 Kernel, 1 Toolchain)"));
        assert!(s.contains("Unfixed, Patch Available: 2 (1 RFS, 1 Kernel, 0 Toolchain)"));
        assert!(s.contains("High CVSS: 3 (2 RFS, 1 Kernel, 0 Toolchain)"));
        assert!(s.contains("CVE-2024-1  CVSS 9.8  Unfixed"));
    }

    #[test]
    fn fail_on_rules() {
        let c = Counts::of(&result()).unwrap();
        let rules: Vec<FailRule> = ["unfixed=7", "high=1"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(
            policy_failures(&rules, &c),
            vec!["2 unfixed high-CVSS CVEs (limit 1)"]
        );
        assert!("bogus".parse::<FailRule>().is_err());
        assert!("high=x".parse::<FailRule>().is_err());
    }
}
