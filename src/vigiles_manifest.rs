//! The Vigiles manifest (meta-timesys format, `manifest_version` 1.19), shared by the Cargo SBOM
//! generator and the Yocto layer.
//!
//! The model follows spec §6.1: a top-level [`Manifest`] with a `packages` map keyed by a unique
//! package key (the Yocto PN, or the crate name / `name@version` for Cargo), each [`Package`] with
//! name, version, CVE product/version, license, download location, checksums, component type and
//! `dependencies {build, runtime}` listing other package keys.
//!
//! Output is deterministic: [`write_json`] writes every object with its keys sorted, indented by
//! four spaces (as Python's `json.dump(..., indent=4, sort_keys=True)` does), ending with a newline.
//! Optional fields left `None` are not written. Fields this model does not know are kept in the
//! `extra` maps, so a manifest read and written again loses nothing.
//!
//! Stable API (reused by other modules; extend by adding optional fields only):
//! [`Manifest`], [`Package`], [`Checksum`], [`Dependencies`], [`ComponentType`], [`Annotation`],
//! [`Layer`], [`MANIFEST_VERSION`], [`write_json`], [`to_json_bytes`], [`Manifest::new`],
//! [`Manifest::write_json`], [`Package::new`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `manifest_version` written by default (meta-timesys 2.34.0 writes "1.19").
pub const MANIFEST_VERSION: &str = "1.19";

/// A whole Vigiles manifest. Field order here is alphabetical, matching the sorted output; the
/// fields holding JSON of any shape, and each package, serialise with their keys sorted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Extra licenses (`additional_licenses`), passed through unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted"
    )]
    pub additional_licenses: Option<Value>,
    /// Extra packages (`additional_packages`), passed through unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted"
    )]
    pub additional_packages: Option<Value>,
    /// Extra package information (`additional_packages_info`), passed through unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted"
    )]
    pub additional_packages_info: Option<Value>,
    /// When the manifest was made: UTC ISO-8601 with offset, e.g. `2026-04-15T10:12:33+00:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Distribution code name (Yocto `DISTRO_CODENAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<String>,
    /// Distribution version (Yocto `DISTRO_VERSION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro_version: Option<String>,
    /// Image name (Yocto `IMAGE_BASENAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Layers by collection name (Yocto only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<BTreeMap<String, Layer>>,
    /// Machine (Yocto `MACHINE`; for Cargo the target triple when there is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// Manifest name shown by Vigiles (at most 256 characters).
    pub manifest_name: String,
    /// Manifest schema version, [`MANIFEST_VERSION`] unless the writer says otherwise.
    pub manifest_version: String,
    /// Packages by unique key.
    #[serde(serialize_with = "sorted_values")]
    pub packages: BTreeMap<String, Package>,
    /// Vulnerability statements (CVE analysis), passed through unchanged.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted"
    )]
    pub vulnerabilities: Option<Vec<Value>>,
    /// Top-level fields this model does not name.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// One layer of a Yocto build (`layers.<collection>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// Checked-out branch.
    #[serde(default)]
    pub branch: String,
    /// Commit of HEAD.
    #[serde(default)]
    pub head: String,
    /// Path of the layer, relative to the build's top directory.
    #[serde(default)]
    pub path: String,
    /// Git remote name.
    #[serde(default)]
    pub remote: String,
    /// Upstream branch.
    #[serde(default)]
    pub upstream: String,
    /// Remote URL.
    #[serde(default)]
    pub url: String,
}

/// One package of the manifest (spec §6.1 per-package fields). Alphabetical field order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// SPDX-style annotations, e.g. `{"annotationType": "OTHER", "comment": "isNative", ...}`.
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// Checksums of the downloaded source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksums: Option<Vec<Checksum>>,
    /// Free comment (meta-timesys writes one for dependency-only packages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Roles of the package: a sorted subset of component, build, runtime.
    #[serde(default)]
    pub component_type: BTreeSet<ComponentType>,
    /// CPE 2.3 identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpe_id: Option<Vec<String>>,
    /// Product name used to match CVEs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cve_product: Option<String>,
    /// Version used to match CVEs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cve_version: Option<String>,
    /// Keys of the packages this one depends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Dependencies>,
    /// Where the source comes from (URL, `git+URL@commit`, or `NOASSERTION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    /// End-of-life date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<String>,
    /// Project home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Layer (collection) providing the recipe (Yocto only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Level of support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_of_support: Option<String>,
    /// License expression (SPDX for Cargo; Yocto's `&`/`|` form for Yocto).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Package name.
    pub name: String,
    /// Supplier, e.g. `Organization: OpenEmbedded ()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_supplier: Option<String>,
    /// CVE id → patch files fixing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patched_cves: Option<BTreeMap<String, Vec<String>>>,
    /// Patch files applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patches: Option<Vec<String>>,
    /// Recipe file, relative to its layer (Yocto only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    /// Release date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    /// Source revision (git commit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srcrev: Option<String>,
    /// One-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Package version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Per-package fields this model does not name.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A checksum: `{"algorithm": "SHA256", "checksum_value": "<hex>"}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Checksum {
    /// Algorithm name as SPDX spells it (`SHA256`, `SHA1`, `MD5`, ...).
    pub algorithm: String,
    /// Lower-case hex digest.
    pub checksum_value: String,
}

impl Checksum {
    /// A SHA-256 checksum from its hex digest.
    pub fn sha256(hex: impl Into<String>) -> Self {
        Checksum {
            algorithm: "SHA256".to_owned(),
            checksum_value: hex.into(),
        }
    }
}

/// Dependencies of a package, as keys of other packages in the same manifest (sorted sets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependencies {
    /// Needed to build the package.
    #[serde(default)]
    pub build: BTreeSet<String>,
    /// Needed at run time.
    #[serde(default)]
    pub runtime: BTreeSet<String>,
}

/// The role of a package in the product (`component_type` entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentType {
    /// Part of the product as shipped.
    Component,
    /// Used only to build the product.
    Build,
    /// Needed at run time.
    Runtime,
}

/// An SPDX-style annotation on a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// When, ISO-8601.
    #[serde(rename = "annotationDate")]
    pub annotation_date: String,
    /// `OTHER` or `REVIEW`.
    #[serde(rename = "annotationType")]
    pub annotation_type: String,
    /// Who, e.g. `Tool: meta-timesys - 2.34.0`.
    pub annotator: String,
    /// The annotation text.
    pub comment: String,
}

impl Manifest {
    /// An empty manifest with the given name, [`MANIFEST_VERSION`] and date.
    pub fn new(manifest_name: impl Into<String>, date: Option<String>) -> Self {
        Manifest {
            manifest_name: manifest_name.into(),
            manifest_version: MANIFEST_VERSION.to_owned(),
            date,
            ..Manifest::default()
        }
    }

    /// Writes this manifest as sorted, indented JSON (see [`write_json`]). Unless it has
    /// top-level fields this model does not name, it is written as it serialises (already in
    /// key order): the sorted tree of the whole manifest is never built, only one package's
    /// at a time.
    pub fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        if !self.extra.is_empty() {
            return write_json(self, out);
        }
        write_pretty(self, out)
    }
}

impl Package {
    /// A package with a name and version, its CVE product/version set to the same.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        let name = name.into();
        let version = version.into();
        Package {
            cve_product: Some(name.clone()),
            cve_version: Some(version.clone()),
            name,
            version: Some(version),
            ..Package::default()
        }
    }
}

/// Writes any serialisable value as JSON with every object's keys sorted (at every depth,
/// including maps held as [`serde_json::Value`]), indented by four spaces, with a final newline.
/// The same value always gives the same bytes.
pub fn write_json<T: Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> std::io::Result<()> {
    write_pretty(&sorted_tree(value).map_err(std::io::Error::other)?, out)
}

/// Writes `value` as serde serialises it, indented by four spaces, with a final newline.
fn write_pretty<T: Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> std::io::Result<()> {
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, formatter);
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// `value` as a JSON tree with every object's keys sorted.
fn sorted_tree<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Value> {
    let mut tree = serde_json::to_value(value)?;
    sort_keys(&mut tree);
    Ok(tree)
}

/// Serialises a field with every object's keys sorted.
fn sorted<T: Serialize, S: serde::Serializer>(value: &T, ser: S) -> Result<S::Ok, S::Error> {
    sorted_tree(value)
        .map_err(serde::ser::Error::custom)?
        .serialize(ser)
}

/// Serialises a map (in its key order) whose values each have every object's keys sorted.
fn sorted_values<T: Serialize, S: serde::Serializer>(
    map: &BTreeMap<String, T>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    struct Sorted<'a, T>(&'a T);
    impl<T: Serialize> Serialize for Sorted<'_, T> {
        fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
            sorted(self.0, ser)
        }
    }
    ser.collect_map(map.iter().map(|(key, value)| (key, Sorted(value))))
}

/// [`write_json`] into a byte vector.
pub fn to_json_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_json(value, &mut bytes).expect("writing JSON to memory cannot fail");
    bytes
}

/// Re-inserts every object's entries in key order (serde_json keeps insertion order here).
fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, mut item) in entries {
                sort_keys(&mut item);
                map.insert(key, item);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut manifest = Manifest::new("demo-1.0", Some("2023-11-14T22:13:20+00:00".into()));
        let mut pkg = Package::new("serde", "1.0.0");
        pkg.license = Some("MIT OR Apache-2.0".into());
        pkg.checksums = Some(vec![Checksum::sha256("ab12")]);
        pkg.component_type = [ComponentType::Runtime, ComponentType::Component].into();
        pkg.dependencies = Some(Dependencies {
            build: ["cc".to_owned()].into(),
            runtime: ["serde_derive".to_owned(), "itoa".to_owned()].into(),
        });
        pkg.extra
            .insert("zz_vendor".into(), serde_json::json!({"b": 1, "a": 2}));
        manifest.packages.insert("serde".into(), pkg);
        manifest
    }

    #[test]
    fn output_is_sorted_and_indented() {
        let text = String::from_utf8(to_json_bytes(&sample())).unwrap();
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
            .collect();
        assert_eq!(
            keys,
            [
                "    \"date\": \"2023-11-14T22:13:20+00:00\",",
                "    \"manifest_name\": \"demo-1.0\",",
                "    \"manifest_version\": \"1.19\",",
                "    \"packages\": {"
            ]
        );
        assert!(text.contains("\"component_type\": [\n                \"component\",\n                \"runtime\"\n            ]"));
        assert!(text.find("\"a\": 2").unwrap() < text.find("\"b\": 1").unwrap());
        assert!(text.find("\"itoa\"").unwrap() < text.find("\"serde_derive\"").unwrap());
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn manifest_is_written_as_its_sorted_tree() {
        let unsorted = || serde_json::json!({"z": [{"y": 1, "b": 2}], "a": {"d": 3, "c": 4}});
        let mut manifest = sample();
        manifest.additional_licenses = Some(unsorted());
        manifest.additional_packages = Some(unsorted());
        manifest.additional_packages_info = Some(unsorted());
        manifest.distro = Some("poky".into());
        manifest.distro_version = Some("5.0".into());
        manifest.image = Some("core-image-minimal".into());
        manifest.layers = Some([("core".to_owned(), Layer::default())].into());
        manifest.machine = Some("qemux86-64".into());
        manifest.vulnerabilities = Some(vec![unsorted()]);
        let mut other = Package::new("a-first", "2");
        other.patched_cves = Some([("CVE-1".to_owned(), vec!["x.patch".to_owned()])].into());
        other.extra.insert("b".into(), unsorted());
        other.extra.insert("a".into(), unsorted());
        manifest.packages.insert("a-first".into(), other);
        let tree = |m: &Manifest| {
            let mut bytes = Vec::new();
            write_json(m, &mut bytes).unwrap();
            bytes
        };
        let streamed = |m: &Manifest| {
            let mut bytes = Vec::new();
            m.write_json(&mut bytes).unwrap();
            bytes
        };
        assert_eq!(
            String::from_utf8(streamed(&manifest)).unwrap(),
            String::from_utf8(tree(&manifest)).unwrap()
        );
        // With top-level fields of its own, the whole tree is sorted.
        manifest.extra.insert("aaa".into(), unsorted());
        manifest.extra.insert("zzz".into(), unsorted());
        let text = String::from_utf8(streamed(&manifest)).unwrap();
        assert!(text.find("\"aaa\"").unwrap() < text.find("\"additional_licenses\"").unwrap());
        assert_eq!(text.into_bytes(), tree(&manifest));
    }

    #[test]
    fn round_trip_keeps_unknown_fields() {
        let bytes = to_json_bytes(&sample());
        let back: Manifest = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, sample());
        assert_eq!(to_json_bytes(&back), bytes);
    }

    #[test]
    fn dependency_only_package_reads() {
        let text = r#"{"manifest_name": "img", "manifest_version": "1.19", "packages": {
            "quilt-native": {"name": "quilt-native", "component_type": ["build"],
             "comment": "Dependency Only", "annotations": []}}}"#;
        let manifest: Manifest = serde_json::from_str(text).unwrap();
        let pkg = &manifest.packages["quilt-native"];
        assert_eq!(pkg.component_type, [ComponentType::Build].into());
        assert_eq!(pkg.version, None);
    }
}
