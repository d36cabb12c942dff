//! Deterministic synthetic "scan": which packages of a manifest get CVEs, and the report shapes
//! (`counts`, `cves`, exported report) built from those findings.
//!
//! A package is vulnerable when its name contains `openssl` or `busybox`, or equals one of the
//! configured extra names. It then gets three CVEs `CVE-2099-N`, `N+1`, `N+2` (N derived from the
//! name): an `Unfixed` one (CVSS 9.8), an `Unfixed, Patch Available` one (7.5) and a `Fixed` one
//! (5.3). A CVE listed in the package's `patched_cves` becomes `Fixed`; one in `ignore_cves` is
//! left out and counted as whitelisted.

use std::io::Write;

use base64::Engine;
use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// Where a finding counts: root filesystem, kernel or toolchain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Ordinary package.
    Rfs,
    /// The Linux kernel.
    Kernel,
    /// Compiler / C library.
    Toolchain,
}

/// One synthetic CVE of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Package name.
    pub package: String,
    /// Package version.
    pub version: String,
    /// `CVE-2099-NNNNN`.
    pub cve_id: String,
    /// CVSS base score.
    pub cvss: f64,
    /// CVSS vector.
    pub vector: String,
    /// `Unfixed`, `Unfixed, Patch Available` or `Fixed`.
    pub status: &'static str,
    /// Fixing commits / patches.
    pub fixedby: Vec<String>,
    /// Counting area.
    pub area: Area,
}

/// The result of scanning one manifest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// All reported findings.
    pub findings: Vec<Finding>,
    /// CVEs left out because the manifest ignores them.
    pub whitelisted: u64,
}

/// A package as read from a manifest.
pub struct Package {
    /// Name.
    pub name: String,
    /// Version (`cve_version` preferred in the Vigiles format).
    pub version: String,
    patched: Vec<String>,
    ignored: Vec<String>,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A package entry as the scan reads it: names and versions borrowed from the manifest, the
/// CVE lists kept as raw JSON and decoded only for the few packages that get findings, every
/// other field skipped. (A 60,000-package manifest is read in one typed pass, without building
/// a `Value` tree.)
#[derive(serde::Deserialize)]
struct Entry<'a> {
    #[serde(borrow, default, deserialize_with = "lenient_text")]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "lenient_text")]
    cve_version: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "lenient_text")]
    version: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        default,
        rename = "versionInfo",
        deserialize_with = "lenient_text"
    )]
    version_info: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    patched_cves: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ignore_cves: Option<&'a RawValue>,
}

/// A string field; any other JSON value counts as absent (as `Value::as_str` would). Read by a
/// visitor of its own: no buffering of the value, which an untagged enum would do.
fn lenient_text<'de, 'a, D>(de: D) -> Result<Option<Cow<'a, str>>, D::Error>
where
    D: serde::Deserializer<'de>,
    'de: 'a,
{
    use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
    struct Lenient<'a>(std::marker::PhantomData<&'a ()>);
    impl<'de: 'a, 'a> Visitor<'de> for Lenient<'a> {
        type Value = Option<Cow<'a, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    de.deserialize_any(Lenient(std::marker::PhantomData))
}

/// Which package list of a document is read.
#[derive(Clone, Copy, PartialEq)]
enum List {
    /// `packages`: an object of Vigiles packages (keyed by name) or an array of SPDX packages.
    Packages,
    /// `components`: an array of CycloneDX components.
    Components,
}

/// Reads one package list of a document, keeping only the packages `wanted` accepts while it
/// parses: a 60,000-package manifest is never held as a list of entries.
struct ListReader<'w, W> {
    list: List,
    wanted: &'w W,
}

impl<'de, W: Fn(&str) -> bool> serde::de::DeserializeSeed<'de> for ListReader<'_, W> {
    type Value = Vec<Package>;
    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de, W: Fn(&str) -> bool> serde::de::Visitor<'de> for ListReader<'_, W> {
    type Value = Vec<Package>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self.list {
            List::Packages => f.write_str("an object or an array of packages"),
            List::Components => f.write_str("an array of components"),
        }
    }
    /// `null` stands for an absent list.
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    /// Vigiles packages, keyed by name.
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        if self.list == List::Components {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Map,
                &self,
            ));
        }
        let mut out = Vec::new();
        while let Some((key, pkg)) = map.next_entry::<Cow<'de, str>, Entry<'de>>()? {
            let name = pkg.name.unwrap_or(key);
            if (self.wanted)(&name) {
                out.push(Package {
                    name: name.into_owned(),
                    version: owned(pkg.cve_version.or(pkg.version)),
                    patched: raw_strings(pkg.patched_cves),
                    ignored: raw_strings(pkg.ignore_cves),
                });
            }
        }
        Ok(out)
    }
    /// SPDX packages or CycloneDX components.
    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut out = Vec::new();
        while let Some(pkg) = seq.next_element::<Entry<'de>>()? {
            if (self.wanted)(pkg.name.as_deref().unwrap_or_default()) {
                let version = match self.list {
                    List::Packages => pkg.version_info,
                    List::Components => pkg.version,
                };
                out.push(Package {
                    name: owned(pkg.name),
                    version: owned(version),
                    patched: Vec::new(),
                    ignored: Vec::new(),
                });
            }
        }
        Ok(out)
    }
}

/// Reads a document's `packages` and `components` lists (in that order in the result), skipping
/// every other member.
struct DocumentReader<'w, W> {
    wanted: &'w W,
}

impl<'de, W: Fn(&str) -> bool> serde::de::Visitor<'de> for DocumentReader<'_, W> {
    type Value = Vec<Package>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let (mut packages, mut components) = (None, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let (slot, list) = match key.as_ref() {
                "packages" => (&mut packages, List::Packages),
                "components" => (&mut components, List::Components),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
            };
            if slot.is_some() {
                return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
            }
            let wanted = self.wanted;
            *slot = Some(map.next_value_seed(ListReader { list, wanted })?);
        }
        let mut out = packages.unwrap_or_default();
        out.extend(components.unwrap_or_default());
        Ok(out)
    }

    /// The two lists by position, as a derived `Deserialize` reads a struct from an array.
    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let wanted = self.wanted;
        let list = List::Packages;
        let Some(mut out) = seq.next_element_seed(ListReader { list, wanted })? else {
            return Ok(Vec::new());
        };
        let list = List::Components;
        out.extend(
            seq.next_element_seed(ListReader { list, wanted })?
                .unwrap_or_default(),
        );
        Ok(out)
    }
}

fn raw_strings(raw: Option<&RawValue>) -> Vec<String> {
    let value = raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok());
    strings(value.as_ref())
}

fn owned(text: Option<Cow<'_, str>>) -> String {
    text.map(Cow::into_owned).unwrap_or_default()
}

/// Packages of a Vigiles manifest (`packages` object), CycloneDX (`components`) or SPDX
/// (`packages` array); anything else has none. Only `wanted` packages are kept.
fn read_packages(manifest: &str, wanted: impl Fn(&str) -> bool) -> Vec<Package> {
    use serde::Deserializer;
    let mut de = serde_json::Deserializer::from_str(manifest);
    let read = de.deserialize_any(DocumentReader { wanted: &wanted });
    read.and_then(|packages| de.end().map(|()| packages))
        .unwrap_or_default()
}

/// Packages of a Vigiles manifest (`packages` object), CycloneDX (`components`) or SPDX
/// (`packages` array); anything else has none.
pub fn packages(manifest: &str) -> Vec<Package> {
    read_packages(manifest, |_| true)
}

/// Whether a package name gets synthetic CVEs.
pub fn is_vulnerable(name: &str, extra: &[String]) -> bool {
    // Case-insensitive, without a lower-case copy: called for every package of a manifest.
    let contains = |word: &str| {
        name.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    contains("openssl") || contains("busybox") || extra.iter().any(|e| e == name)
}

/// The first synthetic CVE number of a package (FNV-1a of its name, 10000..=89999).
pub fn base_number(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    10_000 + hash % 80_000
}

fn area_of(name: &str) -> Area {
    let lower = name.to_ascii_lowercase();
    if lower == "linux_kernel" || lower.starts_with("linux-") || lower == "linux" {
        Area::Kernel
    } else if ["gcc", "glibc", "binutils", "libgcc", "gcc-runtime", "musl"]
        .contains(&lower.as_str())
    {
        Area::Toolchain
    } else {
        Area::Rfs
    }
}

/// Scans a manifest.
pub fn scan(manifest: &str, extra: &[String]) -> Scan {
    const TEMPLATES: [(f64, &str, &str); 3] = [
        (
            9.8,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "Unfixed",
        ),
        (
            7.5,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
            "Unfixed, Patch Available",
        ),
        (5.3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "Fixed"),
    ];
    let mut result = Scan::default();
    for pkg in read_packages(manifest, |name| is_vulnerable(name, extra)) {
        let base = base_number(&pkg.name);
        for (i, (cvss, vector, status)) in TEMPLATES.iter().enumerate() {
            let cve_id = format!("CVE-2099-{}", base + i as u64);
            if pkg.ignored.contains(&cve_id) {
                result.whitelisted += 1;
                continue;
            }
            let (status, fixedby) = if pkg.patched.contains(&cve_id) {
                ("Fixed", vec![format!("{cve_id}.patch")])
            } else if *status == "Unfixed" {
                (*status, Vec::new())
            } else {
                (*status, vec![format!("commit-{:x}", base * 31 + i as u64)])
            };
            result.findings.push(Finding {
                package: pkg.name.clone(),
                version: pkg.version.clone(),
                cve_id,
                cvss: *cvss,
                vector: vector.to_string(),
                status,
                fixedby,
                area: area_of(&pkg.name),
            });
        }
    }
    result
}

fn tally<'a>(findings: impl Iterator<Item = &'a Finding> + Clone) -> Value {
    let count = |status: &str| findings.clone().filter(|f| f.status == status).count();
    json!({"unfixed": count("Unfixed"), "unapplied": count("Unfixed, Patch Available"), "fixed": count("Fixed")})
}

fn high<'a>(findings: impl Iterator<Item = &'a Finding> + Clone) -> Value {
    let high = findings.filter(|f| f.cvss >= 7.0);
    let unfixed = high.clone().filter(|f| f.status != "Fixed").count();
    let fixed = high.filter(|f| f.status == "Fixed").count();
    json!({"unfixed": unfixed, "fixed": fixed})
}

impl Scan {
    /// The `counts` object of a scan result.
    pub fn counts(&self) -> Value {
        let all = self.findings.iter();
        let kernel = self.findings.iter().filter(|f| f.area == Area::Kernel);
        let toolchain = self.findings.iter().filter(|f| f.area == Area::Toolchain);
        let mut counts = tally(all.clone());
        let unapplied = counts["unapplied"].clone();
        let map = counts.as_object_mut().expect("tally is an object");
        map.insert("upgradable".into(), unapplied);
        map.insert("whitelisted".into(), json!(self.whitelisted));
        map.insert("kernel".into(), tally(kernel.clone()));
        map.insert("toolchain".into(), tally(toolchain.clone()));
        map.insert(
            "cvss_counts".into(),
            json!({"high": high(all), "kernel": {"high": high(kernel)}, "toolchain": {"high": high(toolchain)}}),
        );
        counts
    }

    /// The `cves` object: `{package: [{cve_id, version, cvss, vector, status, fixedby, ...}]}`.
    /// `filtered` leaves out fixed CVEs; `extra_fields` adds synthetic values for those fields.
    pub fn cves(&self, filtered: bool, extra_fields: &[&str]) -> Value {
        let mut out = Map::new();
        for f in &self.findings {
            if filtered && f.status == "Fixed" {
                continue;
            }
            let mut entry = json!({
                "cve_id": f.cve_id, "version": f.version, "cvss": f.cvss,
                "vector": f.vector, "status": f.status, "fixedby": f.fixedby,
            });
            for field in extra_fields {
                entry[*field] = json!(format!("synthetic {field} of {}", f.cve_id));
            }
            let list = out.entry(f.package.clone()).or_insert_with(|| json!([]));
            list.as_array_mut().expect("list").push(entry);
        }
        Value::Object(out)
    }

    /// A CSV report of the findings.
    pub fn csv(&self) -> String {
        let mut out = String::from("package,version,cve_id,cvss,status\n");
        for f in &self.findings {
            out.push_str(&format!(
                "{},{},{},{},\"{}\"\n",
                f.package, f.version, f.cve_id, f.cvss, f.status
            ));
        }
        out
    }

    /// The CVE ids, for report comparison.
    pub fn ids(&self) -> Vec<String> {
        self.findings.iter().map(|f| f.cve_id.clone()).collect()
    }
}

/// `exported_report`: base64 of the gzip of `content`.
pub fn gzip_base64(content: &[u8]) -> String {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(content).expect("writing to memory");
    let gz = encoder.finish().expect("writing to memory");
    base64::engine::general_purpose::STANDARD.encode(gz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vigiles_manifest_findings_follow_patched_and_ignored_cves() {
        let base = base_number("busybox");
        let manifest = format!(
            r#"{{"packages": {{"busybox": {{"name": "busybox", "version": "1.36.1",
                "patched_cves": ["CVE-2099-{}"], "ignore_cves": "CVE-2099-{}"}},
                "zlib": {{"name": "zlib", "version": "1.3"}}}}}}"#,
            base,
            base + 2
        );
        let scan = scan(&manifest, &[]);
        let statuses: Vec<_> = scan.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, ["Fixed", "Unfixed, Patch Available"]);
        assert_eq!(scan.whitelisted, 1);
        let counts = scan.counts();
        assert_eq!(counts["fixed"], 1);
        assert_eq!(counts["unapplied"], 1);
        assert_eq!(counts["unfixed"], 0);
        assert_eq!(
            counts["cvss_counts"]["high"],
            json!({"unfixed": 1, "fixed": 1})
        );
        assert_eq!(scan.cves(true, &[])["busybox"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn sbom_formats_and_extra_names() {
        let cdx = r#"{"components": [{"name": "openssl", "version": "3.0"}, {"name": "linux-yocto", "version": "6.6"}]}"#;
        assert_eq!(scan(cdx, &[]).findings.len(), 3);
        let kernel = scan(cdx, &["linux-yocto".to_string()]);
        assert_eq!(kernel.counts()["kernel"]["unfixed"], 1);
        let spdx = r#"{"packages": [{"name": "libopenssl3", "versionInfo": "3.1"}]}"#;
        assert_eq!(scan(spdx, &[]).findings[0].version, "3.1");
        assert!(scan("not json", &[]).findings.is_empty());
    }

    #[test]
    fn package_lists_are_read_in_document_order_only_when_the_whole_document_is_valid() {
        let both = r#"{"components": [{"name": "busybox", "version": "1"}], "x": {"packages": 1},
            "packages": {"openssl": {"version": "3"}, "zlib": {}}}"#;
        let names: Vec<String> = scan(both, &[])
            .findings
            .iter()
            .map(|f| f.package.clone())
            .collect();
        assert_eq!(
            names,
            ["openssl", "openssl", "openssl", "busybox", "busybox", "busybox"]
        );
        assert!(scan(r#"{"packages": null, "components": null}"#, &[])
            .findings
            .is_empty());
        // An array is read as the two lists by position (as the derived reader did).
        let by_position = scan(r#"[{"openssl": {}}, [{"name": "busybox"}]]"#, &[]);
        assert_eq!(by_position.findings.len(), 6);
        for bad in [
            r#"{"packages": {"openssl": {}}, "packages": {}}"#,
            r#"{"packages": {"openssl": {}}, "components": {"busybox": {}}}"#,
            r#"{"packages": {"openssl": {}}, "components": 3}"#,
            r#"{"packages": {"openssl": {}}} trailing"#,
            r#"{"packages": {"openssl": {"name": "openssl", "name": "x"}}}"#,
            r#"[{"openssl": {}}, [], null]"#,
        ] {
            assert!(scan(bad, &[]).findings.is_empty(), "{bad}");
        }
    }

    #[test]
    fn vulnerable_names_match_case_insensitively_or_exactly() {
        assert!(is_vulnerable("LibOpenSSL3", &[]) && is_vulnerable("BusyBox-static", &[]));
        assert!(!is_vulnerable("openss", &[]) && !is_vulnerable("", &[]));
        let extra = ["zlib".to_string()];
        assert!(is_vulnerable("zlib", &extra) && !is_vulnerable("ZLIB", &extra));
    }
}
