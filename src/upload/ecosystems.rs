//! The ecosystems the service scans besides CVEs (vigiles-llapi.md §1.3), and their validation.

use crate::error::{Error, Result};

/// Every ecosystem name the service accepts.
pub fn all() -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    let mut family = |name: &str, versions: &[&str]| {
        list.push(name.to_owned());
        list.extend(versions.iter().map(|v| format!("{name}:{v}")));
    };
    family("AlmaLinux", &["8", "9"]);
    let alpine: Vec<String> = (2..=20).map(|m| format!("v3.{m}")).collect();
    family(
        "Alpine",
        &alpine.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    family(
        "Debian",
        &[
            "3.0", "3.1", "4.0", "5.0", "6.0", "7", "8", "9", "10", "11", "12", "13",
        ],
    );
    family("Rocky Linux", &["8", "9"]);
    family(
        "Ubuntu",
        &[
            "14.04:LTS",
            "16.04:LTS",
            "18.04:LTS",
            "20.04:LTS",
            "22.04:LTS",
            "23.10",
            "24.04:LTS",
            "Pro:14.04:LTS",
            "Pro:16.04:LTS",
            "Pro:18.04:LTS",
            "Pro:20.04:LTS",
            "Pro:22.04:LTS",
            "Pro:24.04:LTS",
        ],
    );
    for single in [
        "Android",
        "Bitnami",
        "CRAN",
        "GIT",
        "GSD",
        "GitHub Actions",
        "Go",
        "Hackage",
        "Hex",
        "Linux",
        "Maven",
        "NuGet",
        "OSS-Fuzz",
        "Packagist",
        "Pub",
        "PyPI",
        "RubyGems",
        "SwiftURL",
        "UVI",
        "crates.io",
        "npm",
    ] {
        list.push(single.to_owned());
    }
    list
}

/// Checks a comma-separated list (or `all`) and returns the value to send: the names in the
/// service's spelling, joined by `,`. Unknown names are an input error listing them.
pub fn normalize(spec: &str) -> Result<String> {
    let known = all();
    if spec.trim().eq_ignore_ascii_case("all") {
        return Ok(known.join(","));
    }
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            Some(k) if !chosen.contains(k) => chosen.push(k.clone()),
            Some(_) => {}
            None => unknown.push(name.to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::invalid(format!(
            "unknown ecosystem(s): {}; valid: all, or a comma-separated list of {}",
            unknown.join(", "),
            known.join(", ")
        )));
    }
    if chosen.is_empty() {
        return Err(Error::invalid("--ecosystems is empty"));
    }
    Ok(chosen.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_canonicalised() {
        assert_eq!(
            normalize(" crates.io, pypi ,Debian:12").unwrap(),
            "crates.io,PyPI,Debian:12"
        );
        assert!(normalize("all").unwrap().contains("Alpine:v3.20,Debian"));
        let err = normalize("crates.io,cargo").unwrap_err();
        assert!(err.to_string().contains("unknown ecosystem(s): cargo"));
        assert_eq!(err.kind().exit_code(), 2);
    }
}
