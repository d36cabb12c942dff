//! SPDX 2.3 JSON, meeting the NTIA minimum elements: every package has a name, version, unique
//! SPDXID and supplier; the document has creators and a creation time; every package is
//! reachable from the document through `DESCRIBES`, `CONTAINS`, `DEPENDS_ON`,
//! `BUILD_DEPENDENCY_OF` / `DEV_DEPENDENCY_OF` relationships.

use std::collections::BTreeMap;

use serde::Serialize;

use super::graph::{EdgeKind, Role};
use super::license::License;
use super::model::{unique, Component, Inventory, Root};
use super::purl::Source;
use super::{time, TOOL_NAME, TOOL_VERSION};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: &'a str,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<Package<'a>>,
    relationships: Vec<Relationship<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    extracted_text: String,
    name: String,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: &'a str,
    name: &'a str,
    version_info: &'a str,
    supplier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    originator: Option<String>,
    download_location: String,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef<'a>>,
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum<'a> {
    algorithm: &'static str,
    checksum_value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef<'a> {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship<'a> {
    spdx_element_id: &'a str,
    relationship_type: &'static str,
    related_spdx_element: &'a str,
}

const NOASSERTION: &str = "NOASSERTION";

/// An SPDX id from free text: `SPDXRef-` + letters, digits, `.` and `-`.
fn spdx_id(kind: &str, name: &str, version: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("SPDXRef-{kind}-{}-{}", clean(name), clean(version))
}

/// The inventory as SPDX 2.3 JSON.
pub fn to_json(inv: &Inventory) -> std::io::Result<Vec<u8>> {
    let raw: Vec<String> = inv
        .components
        .iter()
        .map(|c| spdx_id("Package", &c.name, &c.version))
        .collect();
    let ids = unique(&raw, "-");
    let (root_name, root_version) = inv.root_name_version();
    let workspace_id = spdx_id("Workspace", root_name, root_version);
    let mut packages: Vec<Package<'_>> = Vec::with_capacity(inv.components.len() + 1);
    let mut relationships = Vec::new();
    let mut or_later = BTreeMap::new();
    let root_id: &str = match &inv.root {
        Root::Package(c) => &ids[*c],
        Root::Workspace { members, .. } => {
            packages.push(Package {
                spdx_id: &workspace_id,
                name: root_name,
                version_info: root_version,
                supplier: inv.project_supplier().spdx(),
                originator: None,
                download_location: NOASSERTION.to_owned(),
                files_analyzed: false,
                checksums: Vec::new(),
                homepage: None,
                source_info: Some("Cargo workspace".to_owned()),
                license_concluded: NOASSERTION,
                license_declared: NOASSERTION.to_owned(),
                license_comments: None,
                copyright_text: NOASSERTION,
                description: None,
                comment: Some("The selected workspace members"),
                external_refs: Vec::new(),
                primary_package_purpose: "APPLICATION",
            });
            for &m in members {
                relationships.push(Relationship {
                    spdx_element_id: &workspace_id,
                    relationship_type: "CONTAINS",
                    related_spdx_element: &ids[m],
                });
            }
            &workspace_id
        }
    };
    let root_index = match inv.root {
        Root::Package(c) => Some(c),
        Root::Workspace { .. } => None,
    };
    for (i, comp) in inv.components.iter().enumerate() {
        packages.push(package(
            inv,
            comp,
            &ids[i],
            Some(i) == root_index,
            &mut or_later,
        ));
        for &(d, kind) in &comp.deps {
            // Every edge is a DEPENDS_ON from the dependent, so the whole graph is reachable
            // from the document; build and dev edges also get their specific (reverse) type.
            relationships.push(Relationship {
                spdx_element_id: &ids[i],
                relationship_type: "DEPENDS_ON",
                related_spdx_element: &ids[d],
            });
            let specific = match kind {
                EdgeKind::Normal => None,
                EdgeKind::Build => Some("BUILD_DEPENDENCY_OF"),
                EdgeKind::Dev => Some("DEV_DEPENDENCY_OF"),
            };
            if let Some(relationship_type) = specific {
                relationships.push(Relationship {
                    spdx_element_id: &ids[d],
                    relationship_type,
                    related_spdx_element: &ids[i],
                });
            }
        }
    }
    relationships.insert(
        0,
        Relationship {
            spdx_element_id: "SPDXRef-DOCUMENT",
            relationship_type: "DESCRIBES",
            related_spdx_element: root_id,
        },
    );
    let namespace_name: String = inv
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let doc = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: &inv.name,
        document_namespace: format!(
            "https://spdx.org/spdxdocs/{namespace_name}-{}",
            super::PLACEHOLDER_UUID
        ),
        creation_info: CreationInfo {
            created: format!("{}Z", time::iso8601(inv.timestamp)),
            creators: vec![
                format!("Tool: {TOOL_NAME}-{TOOL_VERSION}"),
                inv.project_supplier().spdx(),
            ],
        },
        packages,
        relationships,
        has_extracted_licensing_infos: or_later
            .into_iter()
            .map(|(license_id, id)| ExtractedLicense {
                extracted_text: format!(
                    "{id} or (at your option) any later version, declared as the SPDX \
                     expression `{id}+` in Cargo.toml"
                ),
                name: format!("{id} or later"),
                license_id,
            })
            .collect(),
    };
    super::json_with_content_uuid(&doc)
}

fn package<'a>(
    inv: &Inventory,
    comp: &'a Component,
    id: &'a str,
    is_root: bool,
    or_later: &mut BTreeMap<String, String>,
) -> Package<'a> {
    let (license_declared, license_comments) = match &comp.license {
        License::Spdx(expr) => (without_plus(expr, or_later), None),
        License::Named(text) => (
            NOASSERTION.to_owned(),
            Some(format!("Cargo.toml license: {text}")),
        ),
        License::File => (
            NOASSERTION.to_owned(),
            Some("Cargo.toml names a license file only".to_owned()),
        ),
        License::None => (NOASSERTION.to_owned(), None),
    };
    let source_info = match &comp.source {
        Source::CratesIo => "crates.io".to_owned(),
        Source::Registry(url) => format!("registry {url}"),
        Source::Git { url, .. } => format!("git repository {url}"),
        Source::Path(path) if comp.member => format!("workspace member at {path}"),
        Source::Path(path) => format!("path dependency at {path}"),
    };
    Package {
        spdx_id: id,
        name: &comp.name,
        version_info: &comp.version,
        supplier: inv.supplier(comp).spdx(),
        originator: comp
            .authors
            .first()
            .map(|a| super::model::Supplier::Person(a.clone()).spdx()),
        download_location: comp.source.download_location(&comp.name, &comp.version),
        files_analyzed: false,
        checksums: comp
            .sha256
            .as_deref()
            .map(|checksum_value| Checksum {
                algorithm: "SHA256",
                checksum_value,
            })
            .into_iter()
            .collect(),
        homepage: comp
            .homepage
            .as_deref()
            .or(comp.repository.as_deref())
            .filter(|u| super::cyclonedx::is_url(u)),
        source_info: Some(source_info),
        license_concluded: NOASSERTION,
        license_declared,
        license_comments,
        copyright_text: NOASSERTION,
        description: comp.description.as_deref(),
        comment: match comp.role {
            Role::Runtime => None,
            Role::Build => Some("Build-time dependency only (build scripts, proc-macros' builds)"),
            Role::Dev => Some("Development dependency only (tests, examples, benchmarks)"),
        },
        external_refs: vec![ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: &comp.purl,
        }],
        primary_package_purpose: if is_root { "APPLICATION" } else { "LIBRARY" },
    }
}

/// SPDX tools (pyspdxtools' license list) accept the `+` operator only on GNU ids, so `ID+`
/// becomes `LicenseRef-ID-or-later`, recorded in `or_later` to be defined in the document.
fn without_plus(expr: &str, or_later: &mut BTreeMap<String, String>) -> String {
    let tokens: Vec<String> = expr
        .split(' ')
        .map(|token| {
            let core = token.trim_start_matches('(').trim_end_matches(')');
            match core.strip_suffix('+') {
                Some(id) => {
                    let reference = format!("LicenseRef-{id}-or-later");
                    or_later.insert(reference.clone(), id.to_owned());
                    token.replace(core, &reference)
                }
                None => token.to_owned(),
            }
        })
        .collect();
    tokens.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_becomes_a_defined_reference() {
        let mut refs = BTreeMap::new();
        assert_eq!(
            without_plus("(MPL-2.0+ OR MIT) AND Zlib", &mut refs),
            "(LicenseRef-MPL-2.0-or-later OR MIT) AND Zlib"
        );
        assert_eq!(
            without_plus("GPL-2.0-or-later", &mut refs),
            "GPL-2.0-or-later"
        );
        assert_eq!(refs.len(), 1);
    }

    #[test]
    fn ids_use_allowed_characters_only() {
        assert_eq!(
            spdx_id("Package", "serde_json", "1.0.0+wasi"),
            "SPDXRef-Package-serde-json-1.0.0-wasi"
        );
    }
}
