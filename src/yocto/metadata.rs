//! The metadata file `llapi.bbclass` writes for one image: the image itself and one entry per
//! recipe whose packages the image installs (format `llapi-yocto-metadata`, version 1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Result};

/// The value of the `format` field.
pub const FORMAT: &str = "llapi-yocto-metadata";
/// The only `version` this module reads.
pub const VERSION: u32 = 1;

/// The whole metadata file.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The image.
    pub image: ImageInfo,
    /// The recipes whose packages the image installs.
    #[serde(default)]
    pub recipes: Vec<Recipe>,
}

/// What the manifest says about the image.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImageInfo {
    /// Manifest name (`LLAPI_MANIFEST_NAME`).
    pub name: String,
    /// `IMAGE_BASENAME`.
    #[serde(default)]
    pub image: String,
    /// `MACHINE`.
    #[serde(default)]
    pub machine: String,
    /// `DISTRO_CODENAME` (or `DISTRO`).
    #[serde(default)]
    pub distro: String,
    /// `DISTRO_VERSION`.
    #[serde(default)]
    pub distro_version: String,
    /// When the metadata was collected (UTC ISO-8601).
    #[serde(default)]
    pub date: Option<String>,
    /// Layers by collection name.
    #[serde(default)]
    pub layers: BTreeMap<String, LayerInfo>,
}

/// One layer of the build.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LayerInfo {
    /// Where the layer is.
    #[serde(default)]
    pub path: String,
}

/// The metadata of one recipe.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Recipe {
    /// `PN`.
    pub pn: String,
    /// `PV`.
    #[serde(default)]
    pub pv: String,
    /// `CVE_VERSION` (defaults to `PV`).
    #[serde(default)]
    pub cve_version: String,
    /// `CVE_PRODUCT` (defaults to `BPN`); may name several products.
    #[serde(default)]
    pub cve_product: String,
    /// `LICENSE`.
    #[serde(default)]
    pub license: String,
    /// `SUMMARY`.
    #[serde(default)]
    pub summary: String,
    /// `HOMEPAGE`.
    #[serde(default)]
    pub homepage: String,
    /// Recipe file name.
    #[serde(default)]
    pub recipe: String,
    /// Layer collection holding the recipe.
    #[serde(default)]
    pub layer: String,
    /// `SRC_URI` entries.
    #[serde(default)]
    pub src_uri: Vec<String>,
    /// Checksums given for the sources.
    #[serde(default)]
    pub checksums: Vec<SourceChecksum>,
    /// Patches applied, with the CVEs each fixes.
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// `CVE_STATUS` decisions.
    #[serde(default)]
    pub cve_status: Vec<CveStatus>,
    /// `DEPENDS` (recipe names).
    #[serde(default)]
    pub depends: Vec<String>,
    /// Runtime dependencies (recipe names where known).
    #[serde(default)]
    pub rdepends: Vec<String>,
    /// For recipes that inherit cargo: their Cargo.lock (relative paths are relative to the
    /// metadata file).
    #[serde(default)]
    pub cargo_lock: Option<PathBuf>,
}

/// A checksum of a source.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceChecksum {
    /// `SHA256`, `MD5`, ...
    pub algorithm: String,
    /// Hex digest.
    pub value: String,
}

/// A patch and the CVEs it fixes (`CVE:` tags and file name).
#[derive(Debug, Clone, Deserialize)]
pub struct Patch {
    /// File name of the patch.
    pub name: String,
    /// CVE ids.
    #[serde(default)]
    pub cves: Vec<String>,
}

/// One `CVE_STATUS[<id>] = "<detail>: <description>"` decision.
#[derive(Debug, Clone, Deserialize)]
pub struct CveStatus {
    /// The CVE id.
    pub id: String,
    /// The status detail (`fixed-version`, `not-applicable-config`, ...).
    pub detail: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

impl Metadata {
    /// Reads and checks a metadata file; relative Cargo.lock paths become relative to its directory.
    pub fn read(path: &Path) -> Result<Metadata> {
        let text = std::fs::read(path).map_err(|source| Error::ReadFile {
            what: "Yocto metadata",
            path: path.to_owned(),
            source,
        })?;
        let mut metadata: Metadata = serde_json::from_slice(&text).map_err(|e| Error::Parse {
            what: "Yocto metadata",
            path: path.to_owned(),
            format: "JSON",
            detail: e.to_string(),
        })?;
        if metadata.format != FORMAT || metadata.version != VERSION {
            return Err(Error::invalid(format!(
                "{} is not {FORMAT} version {VERSION} (format {:?}, version {})",
                path.display(),
                metadata.format,
                metadata.version
            )));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        for recipe in &mut metadata.recipes {
            if let Some(lock) = &recipe.cargo_lock {
                if lock.is_relative() {
                    recipe.cargo_lock = Some(base.join(lock));
                }
            }
        }
        Ok(metadata)
    }
}
