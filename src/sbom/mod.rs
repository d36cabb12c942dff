//! Build manifests (SBOMs) of Cargo projects: what a build of the selected workspace members
//! ships, as CycloneDX 1.6 JSON, SPDX 2.3 JSON or a Vigiles manifest.
//!
//! Flow: [`collect`] gets the graph (a `cargo metadata` run or a saved output), walks it from the
//! selected members ([`graph`]), adds Cargo.lock checksums ([`lockfile`]) and builds an
//! [`Inventory`]; [`render`] writes it in a [`Format`]. With a `cargo metadata` run, the
//! `*_pending` variants return a [`Pending`] result as soon as cargo has printed the graph, so
//! that the manifest is made while cargo is still exiting. The same input and timestamp always
//! give the same bytes: every list is sorted, identifiers carry no local path, and the time comes
//! from `SOURCE_DATE_EPOCH` when it is set.

pub mod cyclonedx;
pub mod graph;
pub mod license;
pub mod lockfile;
pub mod model;
pub mod purl;
pub mod source;
pub mod spdx;
mod time;
pub mod vigiles;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use graph::{Reason, Role, Selection, TargetPlatform};
pub use model::{Component, Excluded, Inventory, Root};
pub use source::CargoArgs;

use crate::{Error, Result};

/// Name and version of this tool, as SBOMs credit it.
pub const TOOL_NAME: &str = "cargo-llapi";
/// Version of this tool.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output format of a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// CycloneDX 1.6 JSON.
    #[default]
    CycloneDx,
    /// SPDX 2.3 JSON.
    Spdx,
    /// Vigiles manifest (meta-timesys format 1.19).
    Vigiles,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 3] = [Format::CycloneDx, Format::Spdx, Format::Vigiles];

    /// File-name suffix conventionally used for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::CycloneDx => "cdx.json",
            Format::Spdx => "spdx.json",
            Format::Vigiles => "vigiles.json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Vigiles => "vigiles",
        })
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cyclonedx" | "cdx" => Ok(Format::CycloneDx),
            "spdx" => Ok(Format::Spdx),
            "vigiles" => Ok(Format::Vigiles),
            other => Err(Error::invalid(format!(
                "unknown manifest format `{other}` (expected cyclonedx, spdx or vigiles)"
            ))),
        }
    }
}

/// Where the dependency graph comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// Run `cargo metadata` with these flags.
    Cargo(CargoArgs),
    /// A saved `cargo metadata --format-version 1` output, with its lock file
    /// (default: `Cargo.lock` in the metadata's workspace root).
    Saved {
        /// The saved metadata.
        metadata_json: PathBuf,
        /// The lock file.
        lockfile: Option<PathBuf>,
    },
}

impl Default for Input {
    fn default() -> Self {
        Input::Cargo(CargoArgs::default())
    }
}

/// Which platform's dependencies count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TargetSpec {
    /// The host, as `cargo build` (honours `CARGO_BUILD_TARGET`).
    #[default]
    Host,
    /// One target triple.
    Triple(String),
    /// Every platform.
    All,
}

impl FromStr for TargetSpec {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "" => Err(Error::invalid("--target needs a triple or `all`")),
            "all" => Ok(TargetSpec::All),
            triple => Ok(TargetSpec::Triple(triple.to_owned())),
        }
    }
}

/// What to describe and how.
#[derive(Debug, Clone, Default)]
pub struct SbomOptions {
    /// Graph source.
    pub input: Input,
    /// Selected members.
    pub selection: Selection,
    /// Target platform.
    pub target: TargetSpec,
    /// Keep the selected members' dev-dependencies (marked as such).
    pub include_dev: bool,
    /// Manifest name (default: root package `NAME-VERSION`, or the workspace directory name).
    pub name: Option<String>,
    /// Creation time in seconds since the epoch (default: `SOURCE_DATE_EPOCH`, else now).
    pub timestamp: Option<i64>,
}

/// A result made from a `cargo metadata` output while cargo may still be exiting:
/// [`Pending::finish`] waits for cargo and fails if cargo did, so publish the result only after
/// it. A result of saved metadata is final at once.
#[derive(Debug)]
pub struct Pending<T> {
    value: T,
    cargo: Option<source::MetadataRun>,
}

impl<T> Pending<T> {
    /// Waits for cargo and returns the result if cargo succeeded.
    pub fn finish(self) -> Result<T> {
        if let Some(cargo) = self.cargo {
            cargo.finish()?;
        }
        Ok(self.value)
    }
}

/// Builds the inventory of what the selection ships.
pub fn collect(opts: &SbomOptions) -> Result<Inventory> {
    collect_pending(opts)?.finish()
}

/// [`collect`] without waiting for `cargo metadata` to exit once it has printed the graph.
pub fn collect_pending(opts: &SbomOptions) -> Result<Pending<Inventory>> {
    let timestamp = match opts.timestamp {
        Some(t) => t,
        None => time::source_date_epoch()?,
    };
    // With a cargo run: the run, and the lock file read ahead while it goes.
    let mut cargo = None;
    let mut prefetch = None;
    // A lock file given with saved metadata is read first: the memory its parse uses for a
    // moment is then reused for the metadata instead of coming on top of it.
    let mut lock = None;
    let (meta, platform, target_label, lock_path) = match &opts.input {
        Input::Cargo(args) => {
            let (filter, label) = match &opts.target {
                TargetSpec::All => (None, "all".to_owned()),
                TargetSpec::Triple(t) => (Some(t.clone()), t.clone()),
                TargetSpec::Host => match std::env::var("CARGO_BUILD_TARGET") {
                    Ok(t) if !t.is_empty() => (Some(t.clone()), t),
                    _ => (
                        Some("host-tuple".to_owned()),
                        TargetPlatform::host_triple().to_owned(),
                    ),
                },
            };
            let run = cargo.insert(source::MetadataRun::start(args, filter.as_deref())?);
            prefetch = lockfile::Prefetch::for_manifest(args.manifest_path.as_deref());
            let meta = run.metadata()?;
            let lock = Path::new(&meta.workspace_root).join("Cargo.lock");
            (meta, TargetPlatform::Any, label, lock)
        }
        Input::Saved {
            metadata_json,
            lockfile,
        } => {
            if let Some(path) = lockfile {
                lock = Some(read_lockfile(path, None)?);
            }
            let meta = source::read_saved_metadata(metadata_json)?;
            let platform = match &opts.target {
                TargetSpec::All => TargetPlatform::Any,
                TargetSpec::Host => TargetPlatform::host(),
                TargetSpec::Triple(t) if t == TargetPlatform::host_triple() => {
                    TargetPlatform::host()
                }
                TargetSpec::Triple(t) => TargetPlatform::from_rustc(t)?,
            };
            let label = match &platform {
                TargetPlatform::Any => "all".to_owned(),
                TargetPlatform::Target { triple, .. } => triple.clone(),
            };
            let lock = lockfile
                .clone()
                .unwrap_or_else(|| Path::new(&meta.workspace_root).join("Cargo.lock"));
            (meta, platform, label, lock)
        }
    };
    let walk = graph::walk(&meta, &opts.selection, &platform, opts.include_dev)?;
    let lock = match lock {
        Some(lock) => lock,
        None => read_lockfile(&lock_path, prefetch)?,
    };
    let inventory = Inventory::build(
        &meta,
        &walk,
        &lock,
        target_label,
        timestamp,
        opts.name.clone(),
    );
    let missing = inventory
        .components
        .iter()
        .filter(|c| matches!(c.source, purl::Source::CratesIo | purl::Source::Registry(_)))
        .filter(|c| c.sha256.is_none())
        .count();
    if missing > 0 {
        log::warn!(
            "{missing} registry package(s) have no checksum in {} (is it up to date?)",
            lock_path.display()
        );
    }
    Ok(Pending {
        value: inventory,
        cargo,
    })
}

/// Reads the lock file at `path` (or takes it from `prefetch` when that read the same file),
/// saying how to make one when there is none.
fn read_lockfile(path: &Path, prefetch: Option<lockfile::Prefetch>) -> Result<lockfile::LockFile> {
    if !path.exists() {
        return Err(Error::invalid(format!(
            "no lock file at {}: checksums come from Cargo.lock; create it with \
             `cargo generate-lockfile` (or any cargo build), or pass --lockfile FILE",
            path.display()
        )));
    }
    match prefetch {
        Some(prefetch) => prefetch.take(path),
        None => lockfile::LockFile::read(path),
    }
}

/// Writes the inventory in a format.
pub fn render(inventory: &Inventory, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(&render_bytes(inventory, format)?)
}

/// The inventory in a format, as bytes.
pub fn render_bytes(inventory: &Inventory, format: Format) -> std::io::Result<Vec<u8>> {
    match format {
        Format::CycloneDx => cyclonedx::to_json(inventory),
        Format::Spdx => spdx::to_json(inventory),
        Format::Vigiles => {
            let mut bytes = Vec::new();
            vigiles::manifest(inventory).write_json(&mut bytes)?;
            Ok(bytes)
        }
    }
}

/// [`collect`] then [`render`]; returns the inventory for reporting.
pub fn generate(opts: &SbomOptions, format: Format, out: &mut dyn Write) -> Result<Inventory> {
    let inventory = collect(opts)?;
    render(&inventory, format, out).map_err(|e| Error::io("cannot write the manifest", e))?;
    Ok(inventory)
}

/// A manifest made for upload.
#[derive(Debug, Clone)]
pub struct GeneratedManifest {
    /// Manifest name (for `manifest_name` of the upload).
    pub name: String,
    /// Its format.
    pub format: Format,
    /// The manifest itself.
    pub bytes: Vec<u8>,
    /// What it describes (for summaries and reports).
    pub inventory: Inventory,
}

/// Makes the manifest of the current project for `cargo llapi upload` without FILE. The format
/// is `format` if given, else `format` of `[workspace.metadata.llapi]` in the workspace's
/// Cargo.toml, else CycloneDX.
pub fn generate_for_project(
    opts: &SbomOptions,
    format: Option<Format>,
) -> Result<GeneratedManifest> {
    generate_pending(opts, format)?.finish()
}

/// [`generate_for_project`] without waiting for `cargo metadata` to exit once it has printed
/// the graph.
pub fn generate_pending(
    opts: &SbomOptions,
    format: Option<Format>,
) -> Result<Pending<GeneratedManifest>> {
    let Pending {
        value: inventory,
        cargo,
    } = collect_pending(opts)?;
    let format = match format {
        Some(f) => f,
        None => configured_format(&Path::new(&inventory.workspace_root).join("Cargo.toml"))?
            .unwrap_or_default(),
    };
    let bytes =
        render_bytes(&inventory, format).map_err(|e| Error::io("cannot make the manifest", e))?;
    Ok(Pending {
        value: GeneratedManifest {
            name: inventory.name.clone(),
            format,
            bytes,
            inventory,
        },
        cargo,
    })
}

impl Pending<GeneratedManifest> {
    /// Writes the manifest to `path` atomically: the file is written and synced while cargo
    /// ends, and takes its place only once cargo has succeeded.
    pub fn write_to(self, path: &Path) -> Result<GeneratedManifest> {
        let staged = crate::fsutil::stage(path, |w| w.write_all(&self.value.bytes))?;
        let manifest = self.finish()?;
        staged.commit()?;
        Ok(manifest)
    }
}

/// `format` of `[workspace.metadata.llapi]` (or `[package.metadata.llapi]`) in a Cargo.toml;
/// `None` when the file or the key is absent.
pub fn configured_format(cargo_toml: &Path) -> Result<Option<Format>> {
    if !cargo_toml.is_file() {
        return Ok(None);
    }
    let dir = cargo_toml.parent().unwrap_or(Path::new("."));
    let project = crate::config::ProjectSettings::discover(Some(cargo_toml), dir)?;
    match project.string(&["format"])? {
        None => Ok(None),
        Some((text, found)) => text.parse().map(Some).map_err(|e: Error| {
            Error::invalid(format!(
                "{} in {}: format: {e}",
                found.table.name(),
                found.manifest.display()
            ))
        }),
    }
}

/// Stand-in for a content-derived UUID while the document is serialised.
const PLACEHOLDER_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// Serialises `doc` (pretty JSON, final newline), in which [`PLACEHOLDER_UUID`] stands for the
/// document's identifier, with the placeholder replaced by a UUID (version-5 layout) made from
/// the SHA-256 of the serialised content: same content, same identifier.
fn json_with_content_uuid(doc: &impl serde::Serialize) -> std::io::Result<Vec<u8>> {
    use sha2::Digest;
    let mut bytes = serde_json::to_vec_pretty(doc).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    let hash = sha2::Sha256::digest(&bytes);
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    let placeholder = PLACEHOLDER_UUID.as_bytes();
    if let Some(at) = bytes
        .windows(placeholder.len())
        .position(|w| w == placeholder)
    {
        bytes[at..at + placeholder.len()].copy_from_slice(uuid.as_bytes());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
        assert_eq!("CDX".parse::<Format>().unwrap(), Format::CycloneDx);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Input);
    }

    #[test]
    fn target_spec_parses() {
        assert_eq!("all".parse::<TargetSpec>().unwrap(), TargetSpec::All);
        assert_eq!(
            "x86_64-unknown-linux-gnu".parse::<TargetSpec>().unwrap(),
            TargetSpec::Triple("x86_64-unknown-linux-gnu".into())
        );
        assert!("".parse::<TargetSpec>().is_err());
    }

    #[test]
    fn format_setting_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        assert_eq!(configured_format(&path).unwrap(), None);
        std::fs::write(
            &path,
            "[workspace]\n[workspace.metadata.llapi]\nformat = \"spdx\"\n",
        )
        .unwrap();
        assert_eq!(configured_format(&path).unwrap(), Some(Format::Spdx));
        std::fs::write(&path, "[workspace.metadata.llapi]\nformat = \"xml\"\n").unwrap();
        assert!(configured_format(&path)
            .unwrap_err()
            .to_string()
            .contains("xml"));
        std::fs::write(&path, "[package\n").unwrap();
        assert_eq!(
            configured_format(&path).unwrap_err().kind(),
            crate::ErrorKind::Input
        );
    }
}
