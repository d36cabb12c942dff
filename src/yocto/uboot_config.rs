//! U-Boot configuration as Vigiles gets it from meta-timesys: the `.config` and
//! `include/autoconf.mk` of a U-Boot build directory, and of its per-configuration
//! subdirectories (`${B}/<config>` for each `UBOOT_MACHINE` entry), merged into one sorted list
//! of the enabled options under the first `.config`'s header comment.
//!
//! Options that only exist in a board header reach the build as `include/autoconf.mk` lines,
//! not in `.config`: the merge is what lets the service see them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The files of one build directory that hold options, in the order they are read.
const SOURCES: [&str; 2] = [".config", "include/autoconf.mk"];

/// Header lines kept from the first `.config` (meta-timesys keeps its first three).
const HEADER_LINES: usize = 3;

/// The merged configuration of the U-Boot build directory `dir`: the leading comments among the
/// first `.config`'s first three lines, then every `CONFIG_…=y` line of the `.config` and
/// `include/autoconf.mk` of `dir` and of each subdirectory that has a `.config`, once each, in
/// byte order.
pub fn merge_build_dir(dir: &Path) -> Result<String> {
    let files = source_files(dir)?;
    if files.is_empty() {
        return Err(Error::invalid(format!(
            "U-Boot build directory {} has no .config (nor a subdirectory with one)",
            dir.display()
        )));
    }
    let mut header: Option<Vec<String>> = None;
    let mut enabled = BTreeSet::new();
    for file in &files {
        let text = std::fs::read(file).map_err(|source| Error::ReadFile {
            what: "U-Boot config",
            path: file.clone(),
            source,
        })?;
        let text = String::from_utf8_lossy(&text);
        if header.is_none() && file.ends_with(".config") {
            header = Some(
                text.lines()
                    .take(HEADER_LINES)
                    .take_while(|line| line.starts_with('#'))
                    .map(str::to_owned)
                    .collect(),
            );
        }
        enabled.extend(
            text.lines()
                .map(str::trim)
                .filter(|line| line.starts_with("CONFIG_") && line.ends_with("=y"))
                .map(str::to_owned),
        );
    }
    let mut merged = String::new();
    for line in header.iter().flatten().chain(&enabled) {
        merged.push_str(line);
        merged.push('\n');
    }
    Ok(merged)
}

/// The option files of `dir` and of its subdirectories that have a `.config` (by name).
fn source_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::ReadFile {
        what: "U-Boot build directory",
        path: dir.to_owned(),
        source,
    })?;
    let mut configs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join(".config").is_file())
        .collect();
    configs.sort();
    let mut files = Vec::new();
    for build in std::iter::once(dir.to_owned()).chain(configs) {
        files.extend(
            SOURCES
                .iter()
                .map(|name| build.join(name))
                .filter(|path| path.is_file()),
        );
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn merges_config_and_autoconf_of_the_directory_and_each_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path();
        write(
            &b.join("a_defconfig/.config"),
            "#\n# Automatically generated file; DO NOT EDIT.\n# U-Boot 2024.01 Configuration\n\
             #\nCONFIG_ZED=y\nCONFIG_SYS_ARCH=\"arm\"\n# CONFIG_OFF is not set\nCONFIG_CMD_BOOTZ=y\n",
        );
        write(
            &b.join("a_defconfig/include/autoconf.mk"),
            "CONFIG_BOARD_ONLY=y\nCONFIG_SYS_HZ=1000\n",
        );
        write(
            &b.join("b_defconfig/.config"),
            "CONFIG_CMD_BOOTZ=y\nCONFIG_B=y\n",
        );
        write(&b.join("include/not-a-config/.keep"), "");
        assert_eq!(
            merge_build_dir(b).unwrap(),
            "#\n# Automatically generated file; DO NOT EDIT.\n# U-Boot 2024.01 Configuration\n\
             CONFIG_B=y\nCONFIG_BOARD_ONLY=y\nCONFIG_CMD_BOOTZ=y\nCONFIG_ZED=y\n"
        );
        // The directory's own files come first: its header wins.
        write(&b.join(".config"), "# top\nCONFIG_TOP=y\n");
        let merged = merge_build_dir(b).unwrap();
        assert!(merged.starts_with("# top\nCONFIG_B=y\n"), "{merged}");
        assert!(merged.contains("CONFIG_TOP=y\n") && merged.contains("CONFIG_ZED=y\n"));
    }

    #[test]
    fn a_directory_without_config_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("include")).unwrap();
        let err = merge_build_dir(dir.path()).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::Input);
        assert!(err.to_string().contains("has no .config"), "{err}");
        let missing = merge_build_dir(&dir.path().join("missing")).unwrap_err();
        assert_eq!(missing.kind(), crate::error::ErrorKind::Input);
    }
}
