//! CycloneDX 1.6 JSON.
//!
//! `metadata.component` is the root of the selection (not repeated in `components`);
//! build-only and dev packages get `scope: excluded` and a `cargo-llapi:dependency-kind`
//! property; `serialNumber` is derived from the content.

use serde::Serialize;

use super::graph::Role;
use super::license::License;
use super::model::{Component, Inventory, Root, Supplier};
use super::purl::Source;
use super::{time, TOOL_NAME, TOOL_VERSION};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Cdx<'a>>,
    dependencies: Vec<Dependency<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    lifecycles: [Lifecycle; 1],
    tools: Tools,
    component: Cdx<'a>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Lifecycle {
    phase: &'static str,
}

#[derive(Serialize)]
struct Tools {
    components: [Tool; 1],
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cdx<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Entity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Contact<'a>>,
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Entity {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    url: Vec<String>,
}

#[derive(Serialize)]
struct Contact<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
}

#[derive(Serialize)]
struct Hash<'a> {
    alg: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    Expression { expression: &'a str },
    Named { license: NamedLicense<'a> },
}

#[derive(Serialize)]
struct NamedLicense<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct ExternalReference<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    depends_on: Vec<&'a str>,
}

/// The inventory as CycloneDX 1.6 JSON.
pub fn to_json(inv: &Inventory) -> std::io::Result<Vec<u8>> {
    let workspace_ref;
    let (root_component, root_ref, root_deps): (Cdx<'_>, &str, Vec<&str>) = match &inv.root {
        Root::Package(c) => {
            let comp = &inv.components[*c];
            let mut cdx = component(inv, comp);
            cdx.kind = "application";
            cdx.scope = None;
            (cdx, &comp.id, deps_of(inv, comp))
        }
        Root::Workspace {
            name,
            version,
            members,
        } => {
            workspace_ref = format!("workspace:{name}@{version}");
            let cdx = Cdx {
                kind: "application",
                bom_ref: &workspace_ref,
                supplier: Some(entity(inv.project_supplier())),
                authors: Vec::new(),
                name,
                version,
                description: Some("Cargo workspace"),
                scope: None,
                hashes: Vec::new(),
                licenses: Vec::new(),
                purl: None,
                external_references: Vec::new(),
                properties: Vec::new(),
            };
            let deps = members
                .iter()
                .map(|&m| inv.components[m].id.as_str())
                .collect();
            (cdx, &workspace_ref, deps)
        }
    };
    let root_index = match inv.root {
        Root::Package(c) => Some(c),
        Root::Workspace { .. } => None,
    };
    let mut dependencies = vec![Dependency {
        reference: root_ref,
        depends_on: root_deps,
    }];
    let mut components = Vec::with_capacity(inv.components.len());
    for (i, comp) in inv.components.iter().enumerate() {
        if Some(i) == root_index {
            continue;
        }
        components.push(component(inv, comp));
        dependencies.push(Dependency {
            reference: &comp.id,
            depends_on: deps_of(inv, comp),
        });
    }
    let target_property = if inv.target == "all" {
        Property {
            name: "cdx:rustc:sbom:target:all_targets",
            value: "true".to_owned(),
        }
    } else {
        Property {
            name: "cdx:rustc:sbom:target:triple",
            value: inv.target.clone(),
        }
    };
    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", super::PLACEHOLDER_UUID),
        version: 1,
        metadata: Metadata {
            timestamp: format!("{}Z", time::iso8601(inv.timestamp)),
            lifecycles: [Lifecycle { phase: "build" }],
            tools: Tools {
                components: [Tool {
                    kind: "application",
                    name: TOOL_NAME,
                    version: TOOL_VERSION,
                }],
            },
            component: root_component,
            properties: vec![target_property],
        },
        components,
        dependencies,
    };
    super::json_with_content_uuid(&bom)
}

fn deps_of<'a>(inv: &'a Inventory, comp: &Component) -> Vec<&'a str> {
    comp.deps
        .iter()
        .map(|&(d, _)| inv.components[d].id.as_str())
        .collect()
}

fn entity(supplier: Supplier) -> Entity {
    match supplier {
        Supplier::Organization { name, url } => Entity {
            name,
            url: url.into_iter().collect(),
        },
        Supplier::Person(p) => Entity {
            name: p.name,
            url: Vec::new(),
        },
    }
}

fn component<'a>(inv: &'a Inventory, comp: &'a Component) -> Cdx<'a> {
    let licenses = match &comp.license {
        License::Spdx(expression) => vec![LicenseChoice::Expression { expression }],
        License::Named(name) => vec![LicenseChoice::Named {
            license: NamedLicense { name },
        }],
        License::File | License::None => Vec::new(),
    };
    let mut external_references = Vec::new();
    let mut link = |kind, url: Option<&'a str>| {
        if let Some(url) = url.filter(|u| is_url(u)) {
            external_references.push(ExternalReference {
                kind,
                url: url.into(),
            });
        }
    };
    link("vcs", comp.repository.as_deref());
    link("website", comp.homepage.as_deref());
    link("documentation", comp.documentation.as_deref());
    match &comp.source {
        Source::CratesIo | Source::Git { .. } => external_references.push(ExternalReference {
            kind: "distribution",
            url: comp
                .source
                .download_location(&comp.name, &comp.version)
                .into(),
        }),
        Source::Registry(_) | Source::Path(_) => {}
    }
    let (scope, kind_property) = match comp.role {
        Role::Runtime => ("required", None),
        Role::Build => ("excluded", Some("build")),
        Role::Dev => ("excluded", Some("dev")),
    };
    let mut properties = Vec::new();
    if let Some(kind) = kind_property {
        properties.push(Property {
            name: "cargo-llapi:dependency-kind",
            value: kind.to_owned(),
        });
    }
    if let Source::Path(path) = &comp.source {
        properties.push(Property {
            name: "cargo-llapi:path",
            value: path.clone(),
        });
    }
    Cdx {
        kind: "library",
        bom_ref: &comp.id,
        supplier: Some(entity(inv.supplier(comp))),
        authors: comp
            .authors
            .iter()
            .map(|a| Contact {
                name: &a.name,
                email: a.email.as_deref().filter(|e| is_email(e)),
            })
            .collect(),
        name: &comp.name,
        version: &comp.version,
        description: comp.description.as_deref(),
        scope: Some(scope),
        hashes: comp
            .sha256
            .as_deref()
            .map(|content| Hash {
                alg: "SHA-256",
                content,
            })
            .into_iter()
            .collect(),
        licenses,
        purl: Some(&comp.purl),
        external_references,
        properties,
    }
}

/// Whether `text` can be an `iri-reference` (absolute URL without spaces or control characters).
pub(crate) fn is_url(text: &str) -> bool {
    let valid_chars = !text.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '<' | '>' | '"' | '\\' | '{' | '}' | '|' | '^' | '`')
    });
    let scheme = text.split_once("://").map(|(s, _)| s);
    valid_chars
        && scheme.is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Whether `text` looks like an e-mail address (`idn-email` format: one `@`, no spaces).
fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && !domain.is_empty() && !text.contains(char::is_whitespace)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_and_email_checks() {
        assert!(is_url("https://github.com/a/b"));
        assert!(is_url("git+https://x/y@0abc"));
        assert!(!is_url("github.com/a/b"));
        assert!(!is_url("https://a b"));
        assert!(is_email("a@b.c"));
        assert!(!is_email("a at b"));
        assert!(!is_email("a@b@c"));
    }
}
