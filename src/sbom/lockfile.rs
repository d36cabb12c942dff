//! Checksums from `Cargo.lock` (`cargo metadata` carries none). Reads lock file versions 1–4:
//! `checksum` per `[[package]]`, or the `[metadata]` table of version 1.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use serde::Deserialize;

use crate::{Error, Result};

/// A lock file: its packages, and their SHA-256 checksums by name, version and source.
#[derive(Debug, Default)]
pub struct LockFile {
    packages: Vec<LockedPackage>,
    checksums: HashMap<String, String>,
}

/// One `[[package]]` of a Cargo.lock.
#[derive(Debug, Clone, Deserialize)]
pub struct LockedPackage {
    /// Crate name.
    pub name: String,
    /// Exact version.
    pub version: String,
    /// `registry+https://...` or `git+https://...#commit`; absent for workspace members.
    #[serde(default)]
    pub source: Option<String>,
    /// SHA-256 of the `.crate` file (registry crates only; from `[metadata]` in version 1).
    #[serde(default)]
    pub checksum: Option<String>,
    /// `name`, `name version` or `name version (source)` entries.
    #[serde(default)]
    pub dependencies: Vec<String>,
}

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<LockedPackage>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

fn key(name: &str, version: &str, source: &str) -> String {
    format!("{name} {version} {source}")
}

impl LockFile {
    /// Reads the lock file at `path`.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            what: "Cargo.lock",
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|detail| Error::Parse {
            what: "Cargo.lock",
            path: path.to_owned(),
            format: "TOML",
            detail,
        })
    }

    /// Parses lock file text.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let raw: RawLock = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        let mut checksums = HashMap::with_capacity(raw.package.len());
        for pkg in &raw.package {
            if let (Some(source), Some(sum)) = (&pkg.source, &pkg.checksum) {
                checksums.insert(key(&pkg.name, &pkg.version, source), sum.clone());
            }
        }
        // Version 1: `"checksum NAME VERSION (SOURCE)" = "HEX"` (or "<none>").
        for (entry, sum) in raw.metadata {
            let Some(rest) = entry.strip_prefix("checksum ") else {
                continue;
            };
            let mut parts = rest.splitn(3, ' ');
            if let (Some(name), Some(version), Some(source)) =
                (parts.next(), parts.next(), parts.next())
            {
                let source = source.trim_start_matches('(').trim_end_matches(')');
                if sum != "<none>" {
                    checksums.insert(key(name, version, source), sum);
                }
            }
        }
        let mut packages = raw.package;
        for pkg in packages.iter_mut().filter(|p| p.checksum.is_none()) {
            if let Some(source) = &pkg.source {
                pkg.checksum = checksums
                    .get(&key(&pkg.name, &pkg.version, source))
                    .cloned();
            }
        }
        Ok(LockFile {
            packages,
            checksums,
        })
    }

    /// The `[[package]]` entries, in file order.
    pub fn packages(&self) -> &[LockedPackage] {
        &self.packages
    }

    /// The SHA-256 checksum of a registry package, if the lock file has one.
    pub fn checksum(&self, name: &str, version: &str, source: &str) -> Option<&str> {
        self.checksums
            .get(&key(name, version, source))
            .map(String::as_str)
    }

    /// How many packages have a checksum.
    pub fn len(&self) -> usize {
        self.checksums.len()
    }

    /// Whether no package has a checksum.
    pub fn is_empty(&self) -> bool {
        self.checksums.is_empty()
    }
}

/// A Cargo.lock read and parsed on a thread while `cargo metadata` runs, from where the lock
/// file most likely is (cargo reports the workspace root only at the end).
/// [`Prefetch::take`] uses it only if it is the file asked for and its content has not changed
/// since, as cargo may have updated it.
#[derive(Debug)]
pub struct Prefetch {
    path: PathBuf,
    thread: JoinHandle<Option<(Vec<u8>, LockFile)>>,
}

impl Prefetch {
    /// Starts reading the `Cargo.lock` of `dir` or of its nearest ancestor that has one;
    /// `None` when there is none.
    pub fn start(dir: &Path) -> Option<Self> {
        let path = dir
            .ancestors()
            .map(|d| d.join("Cargo.lock"))
            .find(|p| p.is_file())?;
        let thread_path = path.clone();
        let thread = std::thread::spawn(move || {
            let bytes = std::fs::read(&thread_path).ok()?;
            let lock = LockFile::parse(std::str::from_utf8(&bytes).ok()?).ok()?;
            Some((bytes, lock))
        });
        Some(Prefetch { path, thread })
    }

    /// [`Prefetch::start`] from the directory of a Cargo.toml (default: `./Cargo.toml`).
    pub fn for_manifest(manifest_path: Option<&Path>) -> Option<Self> {
        let manifest =
            std::path::absolute(manifest_path.unwrap_or(Path::new("Cargo.toml"))).ok()?;
        Self::start(manifest.parent()?)
    }

    /// The lock file at `path`: the prefetched one when it is that file and still holds what
    /// was parsed, else [`LockFile::read`] now (which also reports any error).
    pub fn take(self, path: &Path) -> Result<LockFile> {
        if self.path == path {
            if let Ok(Some((bytes, lock))) = self.thread.join() {
                if std::fs::read(path).is_ok_and(|now| now == bytes) {
                    return Ok(lock);
                }
            }
        }
        LockFile::read(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

    #[test]
    fn reads_v4_checksums() {
        let lock = LockFile::parse(
            r#"version = 4
[[package]]
name = "a"
version = "0.1.0"

[[package]]
name = "itoa"
version = "1.0.15"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "4a5f13b858c8d314ee3e8f639011f7ccefe71f97f96e50151fb991f267928e2c"
"#,
        )
        .unwrap();
        assert_eq!(lock.len(), 1);
        assert_eq!(
            lock.checksum("itoa", "1.0.15", CRATES_IO),
            Some("4a5f13b858c8d314ee3e8f639011f7ccefe71f97f96e50151fb991f267928e2c")
        );
        assert_eq!(lock.checksum("itoa", "1.0.14", CRATES_IO), None);
    }

    #[test]
    fn reads_v1_metadata_table() {
        let lock = LockFile::parse(
            r#"[[package]]
name = "libc"
version = "0.2.1"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum libc 0.2.1 (registry+https://github.com/rust-lang/crates.io-index)" = "abcd"
"checksum gone 0.1.0 (registry+https://github.com/rust-lang/crates.io-index)" = "<none>"
"#,
        )
        .unwrap();
        assert_eq!(lock.checksum("libc", "0.2.1", CRATES_IO), Some("abcd"));
        assert_eq!(lock.len(), 1);
    }

    #[test]
    fn missing_lock_file_is_an_input_error() {
        let err = LockFile::read(Path::new("/nonexistent/Cargo.lock")).unwrap_err();
        assert!(err.to_string().contains("cannot read Cargo.lock"), "{err}");
        assert_eq!(err.kind(), crate::ErrorKind::Input);
    }

    #[test]
    fn packages_keep_dependencies_and_version_1_checksums() {
        let lock = LockFile::parse(
            "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"b 2.0.0 (registry+https://github.com/rust-lang/crates.io-index)\"]\n\n\
             [[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
             [metadata]\n\"checksum b 2.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"beef\"\n",
        )
        .unwrap();
        let packages = lock.packages();
        assert_eq!(packages[0].dependencies.len(), 1);
        assert_eq!(packages[1].checksum.as_deref(), Some("beef"));
    }

    #[test]
    fn prefetch_is_used_only_for_the_same_unchanged_file() {
        let dir = tempfile::tempdir().unwrap();
        let lock_of = |sum: &str| {
            format!(
                "version = 4\n[[package]]\nname = \"itoa\"\nversion = \"1.0.15\"\n\
                 source = \"{CRATES_IO}\"\nchecksum = \"{sum}\"\n"
            )
        };
        let path = dir.path().join("Cargo.lock");
        std::fs::write(&path, lock_of("aa")).unwrap();
        let member = dir.path().join("crates/member");
        std::fs::create_dir_all(&member).unwrap();
        let sum = |lock: &LockFile| {
            lock.checksum("itoa", "1.0.15", CRATES_IO)
                .map(str::to_owned)
        };

        let found = Prefetch::start(&member).unwrap();
        assert_eq!(sum(&found.take(&path).unwrap()).as_deref(), Some("aa"));

        // Updated after the prefetch (as cargo may do): the new content counts.
        let stale = Prefetch::start(&member).unwrap();
        while !stale.thread.is_finished() {
            std::thread::yield_now();
        }
        std::fs::write(&path, lock_of("bb")).unwrap();
        assert_eq!(sum(&stale.take(&path).unwrap()).as_deref(), Some("bb"));

        // Another lock file is asked for: that one is read.
        let other = dir.path().join("other.lock");
        std::fs::write(&other, lock_of("cc")).unwrap();
        let wrong = Prefetch::start(dir.path()).unwrap();
        assert_eq!(sum(&wrong.take(&other).unwrap()).as_deref(), Some("cc"));

        // Errors come from the real read.
        let broken = Prefetch::start(dir.path()).unwrap();
        std::fs::write(&path, "[[package]\n").unwrap();
        assert_eq!(
            broken.take(&path).unwrap_err().kind(),
            crate::ErrorKind::Input
        );
        assert!(Prefetch::start(Path::new("/nonexistent-dir/x")).is_none());
    }
}
