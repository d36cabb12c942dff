//! The crates of a `Cargo.lock`, as packages of a Vigiles manifest.

use std::collections::BTreeMap;
use std::path::Path;

use crate::sbom::purl::{purl, Source};
use crate::vigiles_manifest::{Checksum, ComponentType, Dependencies, Package};
use crate::Result;

pub use crate::sbom::lockfile::LockedPackage;

/// Reads the `[[package]]` entries of a Cargo.lock (versions 1 to 4).
pub fn read(path: &Path) -> Result<Vec<LockedPackage>> {
    Ok(crate::sbom::lockfile::LockFile::read(path)?
        .packages()
        .to_vec())
}

/// The package URL of a locked crate (`pkg:cargo/NAME@VERSION`, with `vcs_url` for git
/// sources), used as its download location.
pub fn download_location(package: &LockedPackage) -> String {
    let source = Source::from_cargo(package.source.as_deref(), String::new);
    purl(&package.name, &package.version, &source)
}

/// The crates of one Cargo.lock (workspace members left out), keyed by `key_of` — the manifest
/// key each crate gets. Each crate's dependencies name the keys of the crates it needs.
pub fn crate_packages(
    locked: &[LockedPackage],
    comment: &str,
    key_of: impl Fn(&LockedPackage) -> String,
) -> BTreeMap<String, Package> {
    let external: Vec<&LockedPackage> = locked.iter().filter(|p| p.source.is_some()).collect();
    let keys: BTreeMap<(&str, &str), String> = external
        .iter()
        .map(|p| ((p.name.as_str(), p.version.as_str()), key_of(p)))
        .collect();
    let mut packages = BTreeMap::new();
    for locked_package in &external {
        let mut package = Package::new(&locked_package.name, &locked_package.version);
        package.download_location = Some(download_location(locked_package));
        package.checksums = Some(
            locked_package
                .checksum
                .iter()
                .map(|sum| Checksum::sha256(sum.clone()))
                .collect(),
        );
        package.component_type = [ComponentType::Component].into();
        package.comment = Some(comment.to_owned());
        let build = locked_package
            .dependencies
            .iter()
            .filter_map(|dep| resolve_dependency(dep, &external, &keys))
            .collect();
        package.dependencies = Some(Dependencies {
            build,
            runtime: Default::default(),
        });
        packages.insert(
            keys[&(
                locked_package.name.as_str(),
                locked_package.version.as_str(),
            )]
                .clone(),
            package,
        );
    }
    packages
}

/// Finds the key of a `dependencies` entry (`name`, `name version`, `name version (source)`);
/// None for workspace members.
fn resolve_dependency(
    entry: &str,
    external: &[&LockedPackage],
    keys: &BTreeMap<(&str, &str), String>,
) -> Option<String> {
    let mut words = entry.split_whitespace();
    let name = words.next()?;
    let version = words.next();
    external
        .iter()
        .find(|p| p.name == name && version.is_none_or(|v| p.version == v))
        .map(|p| keys[&(p.name.as_str(), p.version.as_str())].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["itoa", "serde 1.0.200"]

[[package]]
name = "itoa"
version = "1.0.11"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"
dependencies = ["itoa"]

[[package]]
name = "gitdep"
version = "0.2.0"
source = "git+https://example.org/gitdep.git?branch=main#0123abcd"
"#;

    fn locked() -> Vec<LockedPackage> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.lock");
        std::fs::write(&path, LOCK).unwrap();
        read(&path).unwrap()
    }

    #[test]
    fn registry_and_git_crates_become_packages() {
        let packages = crate_packages(&locked(), "from app", |p| p.name.clone());
        assert_eq!(
            packages.keys().collect::<Vec<_>>(),
            ["gitdep", "itoa", "serde"]
        );
        let serde = &packages["serde"];
        assert_eq!(serde.cve_product.as_deref(), Some("serde"));
        assert_eq!(
            serde.download_location.as_deref(),
            Some("pkg:cargo/serde@1.0.200")
        );
        assert_eq!(
            serde.checksums.as_ref().unwrap()[0].checksum_value,
            "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"
        );
        assert_eq!(
            serde.dependencies.as_ref().unwrap().build,
            ["itoa".to_owned()].into()
        );
        assert_eq!(
            packages["gitdep"].download_location.as_deref(),
            Some("pkg:cargo/gitdep@0.2.0?vcs_url=git%2Bhttps%3A%2F%2Fexample.org%2Fgitdep.git%400123abcd")
        );
        assert_eq!(packages["gitdep"].checksums.as_ref().unwrap().len(), 0);
    }

    #[test]
    fn bad_lock_file_is_a_parse_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.lock");
        std::fs::write(&path, "[[package]\nname=").unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Input);
        assert!(err.to_string().contains("is not valid TOML"), "{err}");
    }
}
