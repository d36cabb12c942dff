//! Package sources and package URLs (`pkg:cargo/NAME@VERSION`, purl spec "cargo" type).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// crates.io's index, as `cargo metadata` names it (git and sparse forms).
const CRATES_IO_SOURCES: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// Where a package comes from, with no local path in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// crates.io.
    CratesIo,
    /// Another registry, by index URL (`sparse+` kept for sparse indexes).
    Registry(String),
    /// A git repository (URL without query or fragment) at a commit.
    Git {
        /// Repository URL.
        url: String,
        /// Locked commit.
        commit: Option<String>,
    },
    /// A local path, relative to the workspace root (`/` separators).
    Path(String),
}

impl Source {
    /// Classifies a `cargo metadata` source id; `None` means a path package, whose directory
    /// relative to the workspace root is `rel_path`.
    pub fn from_cargo(source: Option<&str>, rel_path: impl FnOnce() -> String) -> Source {
        let Some(source) = source else {
            return Source::Path(rel_path());
        };
        if CRATES_IO_SOURCES.contains(&source) {
            return Source::CratesIo;
        }
        if let Some(rest) = source.strip_prefix("git+") {
            let (url, commit) = match rest.split_once('#') {
                Some((url, commit)) => (url, Some(commit.to_owned())),
                None => (rest, None),
            };
            let url = url.split('?').next().unwrap_or(url);
            return Source::Git {
                url: without_userinfo(url),
                commit,
            };
        }
        let url = source.strip_prefix("registry+").unwrap_or(source);
        Source::Registry(without_userinfo(url))
    }

    /// SPDX-style download location: crates.io download URL, `git+URL@commit`, or `NOASSERTION`.
    pub fn download_location(&self, name: &str, version: &str) -> String {
        match self {
            Source::CratesIo => {
                format!("https://crates.io/api/v1/crates/{name}/{version}/download")
            }
            Source::Git {
                url,
                commit: Some(commit),
            } => format!("git+{url}@{commit}"),
            Source::Git { url, commit: None } => format!("git+{url}"),
            Source::Registry(_) | Source::Path(_) => "NOASSERTION".to_owned(),
        }
    }

    /// Short description for messages: `crates.io`, the registry or git URL, or `path`.
    pub fn describe(&self) -> String {
        match self {
            Source::CratesIo => "crates.io".to_owned(),
            Source::Registry(url) => format!("registry {url}"),
            Source::Git { url, .. } => format!("git {url}"),
            Source::Path(path) => format!("path {path}"),
        }
    }
}

/// The URL without `user:password@` (credentials must not end up in an SBOM).
fn without_userinfo(url: &str) -> String {
    let (prefix, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => return url.to_owned(),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{prefix}{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Characters left as they are in purl components (RFC 3986 unreserved).
const PURL_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The package URL: `pkg:cargo/NAME@VERSION`, with `repository_url=` for other registries and
/// `vcs_url=git+URL@COMMIT` for git sources. Path packages get no qualifier (a local path
/// would make the identifier machine-specific).
pub fn purl(name: &str, version: &str, source: &Source) -> String {
    let mut purl = format!(
        "pkg:cargo/{}@{}",
        utf8_percent_encode(name, PURL_SAFE),
        utf8_percent_encode(version, PURL_SAFE)
    );
    let qualifier = match source {
        Source::CratesIo | Source::Path(_) => None,
        Source::Registry(url) => Some(("repository_url", url.clone())),
        Source::Git { .. } => Some(("vcs_url", source.download_location(name, version))),
    };
    if let Some((key, value)) = qualifier {
        purl.push('?');
        purl.push_str(key);
        purl.push('=');
        purl.extend(utf8_percent_encode(&value, PURL_SAFE));
    }
    purl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_path() -> String {
        unreachable!("not a path package")
    }

    #[test]
    fn crates_io_purl() {
        let source = Source::from_cargo(Some(CRATES_IO_SOURCES[0]), no_path);
        assert_eq!(source, Source::CratesIo);
        assert_eq!(purl("serde", "1.0.1", &source), "pkg:cargo/serde@1.0.1");
        assert_eq!(
            purl("wasi", "0.11.0+wasi-snapshot-preview1", &source),
            "pkg:cargo/wasi@0.11.0%2Bwasi-snapshot-preview1"
        );
        let sparse = Source::from_cargo(Some(CRATES_IO_SOURCES[1]), no_path);
        assert_eq!(sparse, Source::CratesIo);
    }

    #[test]
    fn git_purl_names_the_commit() {
        let source = Source::from_cargo(
            Some("git+https://github.com/o/r?branch=main#0123abcd"),
            no_path,
        );
        assert_eq!(
            source,
            Source::Git {
                url: "https://github.com/o/r".into(),
                commit: Some("0123abcd".into())
            }
        );
        assert_eq!(
            purl("r", "0.1.0", &source),
            "pkg:cargo/r@0.1.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fo%2Fr%400123abcd"
        );
    }

    #[test]
    fn credentials_are_dropped() {
        let source = Source::from_cargo(
            Some("git+https://user:secret@git.example.com/r.git#abc"),
            no_path,
        );
        assert_eq!(
            source,
            Source::Git {
                url: "https://git.example.com/r.git".into(),
                commit: Some("abc".into())
            }
        );
        assert_eq!(without_userinfo("ssh://git@host/a@b"), "ssh://host/a@b");
        assert_eq!(without_userinfo("https://host/x"), "https://host/x");
    }

    #[test]
    fn other_registry_and_path() {
        let source = Source::from_cargo(Some("sparse+https://my.example/index/"), no_path);
        assert_eq!(
            purl("x", "1.0.0", &source),
            "pkg:cargo/x@1.0.0?repository_url=sparse%2Bhttps%3A%2F%2Fmy.example%2Findex%2F"
        );
        let path = Source::from_cargo(None, || "crates/x".into());
        assert_eq!(path, Source::Path("crates/x".into()));
        assert_eq!(purl("x", "1.0.0", &path), "pkg:cargo/x@1.0.0");
        assert_eq!(path.download_location("x", "1.0.0"), "NOASSERTION");
    }
}
