//! The format-neutral inventory: the shipped packages with everything an SBOM states about
//! them, in a stable order, with no local path in any identifier. Every format renders from it.

use std::collections::HashMap;
use std::path::{Component as PathPart, Path};

use super::graph::{EdgeKind, Reason, Role, Walk};
use super::license::License;
use super::lockfile::LockFile;
use super::purl::{purl, Source};
use super::source::{Metadata, Package};

/// A person from a Cargo `authors` entry (`Name <email>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Name.
    pub name: String,
    /// E-mail address, if given.
    pub email: Option<String>,
}

impl Person {
    /// Parses `Name <email>`; text without `<` is all name.
    pub fn parse(text: &str) -> Option<Person> {
        let (name, email) = match text.split_once('<') {
            Some((name, rest)) => (name, rest.split('>').next().map(str::trim)),
            None => (text, None),
        };
        let name = name.trim();
        let email = email.filter(|e| !e.is_empty()).map(str::to_owned);
        match (name.is_empty(), &email) {
            (true, None) => None,
            (true, Some(e)) => Some(Person {
                name: e.clone(),
                email,
            }),
            (false, _) => Some(Person {
                name: name.to_owned(),
                email,
            }),
        }
    }
}

/// One shipped package.
#[derive(Debug, Clone)]
pub struct Component {
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Where it comes from.
    pub source: Source,
    /// Package URL.
    pub purl: String,
    /// Identifier unique in this inventory (the purl, suffixed `#2`.. on a clash).
    pub id: String,
    /// SHA-256 of the `.crate` file, from Cargo.lock (registry packages).
    pub sha256: Option<String>,
    /// License.
    pub license: License,
    /// Authors.
    pub authors: Vec<Person>,
    /// Description (trimmed).
    pub description: Option<String>,
    /// Repository URL.
    pub repository: Option<String>,
    /// Home page URL.
    pub homepage: Option<String>,
    /// Documentation URL.
    pub documentation: Option<String>,
    /// How it is reached from the selected packages.
    pub role: Role,
    /// Whether it is a workspace member.
    pub member: bool,
    /// Dependencies: (component index, edge kind), sorted.
    pub deps: Vec<(usize, EdgeKind)>,
}

/// A package of the resolve graph that is not shipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Excluded {
    /// Why it is left out.
    pub reason: Reason,
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Where it comes from.
    pub source: Source,
}

/// What the SBOM describes at its top.
#[derive(Debug, Clone)]
pub enum Root {
    /// A single selected package (component index).
    Package(usize),
    /// Several selected members, described as their workspace.
    Workspace {
        /// The root package's name (workspace with a root package), else the workspace
        /// directory name.
        name: String,
        /// The root package's version, else the members' version when they all share one,
        /// else `0.0.0`.
        version: String,
        /// Component indices of the selected members.
        members: Vec<usize>,
    },
}

/// Everything a build of the selection ships.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// Manifest (document) name.
    pub name: String,
    /// The root of the selection.
    pub root: Root,
    /// Shipped packages, sorted by name, version and source.
    pub components: Vec<Component>,
    /// Packages of the resolve left out, sorted by reason, name, version.
    pub excluded: Vec<Excluded>,
    /// Target triple, or `all`.
    pub target: String,
    /// Creation time, seconds since the Unix epoch.
    pub timestamp: i64,
    /// Workspace root directory (for reading settings; never written out).
    pub(crate) workspace_root: String,
}

impl Inventory {
    /// Builds the inventory from the metadata, the walk and the lock file.
    pub(crate) fn build(
        meta: &Metadata,
        walk: &Walk,
        lock: &LockFile,
        target: String,
        timestamp: i64,
        name: Option<String>,
    ) -> Inventory {
        let root_dir = Path::new(&meta.workspace_root);
        let members: Vec<bool> = {
            let ids: std::collections::HashSet<&str> =
                meta.workspace_members.iter().map(String::as_str).collect();
            meta.packages
                .iter()
                .map(|p| ids.contains(p.id.as_str()))
                .collect()
        };
        let source_of = |p: &Package| {
            Source::from_cargo(p.source.as_deref(), || {
                relative_dir(root_dir, Path::new(&p.manifest_path))
            })
        };
        // Shipped packages in output order.
        let mut shipped: Vec<(usize, Source)> = (0..meta.packages.len())
            .filter(|&i| walk.role[i].is_some())
            .map(|i| (i, source_of(&meta.packages[i])))
            .collect();
        shipped.sort_by(|(a, sa), (b, sb)| {
            let (pa, pb) = (&meta.packages[*a], &meta.packages[*b]);
            (&pa.name, &pa.version, sa).cmp(&(&pb.name, &pb.version, sb))
        });
        let position: HashMap<usize, usize> = shipped
            .iter()
            .enumerate()
            .map(|(c, &(p, _))| (p, c))
            .collect();
        let purls: Vec<String> = shipped
            .iter()
            .map(|(i, s)| purl(&meta.packages[*i].name, &meta.packages[*i].version, s))
            .collect();
        let ids = unique(&purls, "#");
        let components: Vec<Component> = shipped
            .into_iter()
            .zip(purls.into_iter().zip(ids))
            .map(|((i, source), (purl, id))| {
                let p = &meta.packages[i];
                let sha256 = p
                    .source
                    .as_deref()
                    .and_then(|s| lock.checksum(&p.name, &p.version, s))
                    .map(str::to_owned);
                let mut deps: Vec<(usize, EdgeKind)> = walk.edges[i]
                    .iter()
                    .map(|&(to, kind)| (position[&to], kind))
                    .collect();
                deps.sort();
                Component {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    purl,
                    id,
                    sha256,
                    license: License::from_cargo(p.license.as_deref(), p.license_file.as_deref()),
                    authors: p.authors.iter().filter_map(|a| Person::parse(a)).collect(),
                    description: text(&p.description),
                    repository: text(&p.repository),
                    homepage: text(&p.homepage),
                    documentation: text(&p.documentation),
                    role: walk.role[i].expect("shipped packages have a role"),
                    member: members[i],
                    deps,
                    source,
                }
            })
            .collect();
        let mut excluded: Vec<Excluded> = (0..meta.packages.len())
            .filter_map(|i| {
                let p = &meta.packages[i];
                walk.reason[i].map(|reason| Excluded {
                    reason,
                    name: p.name.clone(),
                    version: p.version.clone(),
                    source: source_of(p),
                })
            })
            .collect();
        excluded.sort();
        // The package of the manifest cargo ran on (absent for virtual workspaces).
        let root_package = meta
            .resolve
            .as_ref()
            .and_then(|r| r.root.as_deref())
            .and_then(|id| meta.packages.iter().find(|p| p.id == id));
        let root = match walk.roots.as_slice() {
            [one] => Root::Package(position[one]),
            roots => {
                let members: Vec<usize> = roots.iter().map(|r| position[r]).collect();
                let (name, version) = match root_package {
                    Some(p) => (p.name.clone(), p.version.clone()),
                    None => {
                        let first = &components[members[0]].version;
                        let same = members.iter().all(|&m| &components[m].version == first);
                        let version = if same {
                            first.clone()
                        } else {
                            "0.0.0".to_owned()
                        };
                        let dir = root_dir.file_name().map(|n| n.to_string_lossy());
                        (dir.map_or("workspace".into(), |d| d.into_owned()), version)
                    }
                };
                Root::Workspace {
                    name,
                    version,
                    members,
                }
            }
        };
        let name = name.unwrap_or_else(|| match (&root, root_package) {
            (Root::Package(c), _) => {
                format!("{}-{}", components[*c].name, components[*c].version)
            }
            (Root::Workspace { .. }, Some(p)) => format!("{}-{}", p.name, p.version),
            (Root::Workspace { name, .. }, None) => name.clone(),
        });
        Inventory {
            name,
            root,
            components,
            excluded,
            target,
            timestamp,
            workspace_root: meta.workspace_root.clone(),
        }
    }

    /// Name and version of the root.
    pub fn root_name_version(&self) -> (&str, &str) {
        match &self.root {
            Root::Package(c) => (&self.components[*c].name, &self.components[*c].version),
            Root::Workspace { name, version, .. } => (name, version),
        }
    }

    /// The supplier of path packages: the root package's first author, else the root's name.
    pub fn project_supplier(&self) -> Supplier {
        if let Root::Package(c) = self.root {
            if let Some(author) = self.components[c].authors.first() {
                return Supplier::Person(author.clone());
            }
        }
        Supplier::Organization {
            name: self.root_name_version().0.to_owned(),
            url: None,
        }
    }

    /// Who distributes a component: the registry, the git host, or (path packages) the project.
    pub fn supplier(&self, component: &Component) -> Supplier {
        match &component.source {
            Source::CratesIo => Supplier::Organization {
                name: "crates.io".to_owned(),
                url: Some("https://crates.io".to_owned()),
            },
            Source::Registry(url) | Source::Git { url, .. } => Supplier::Organization {
                name: host_of(url).to_owned(),
                url: None,
            },
            Source::Path(_) => match component.authors.first() {
                Some(author) => Supplier::Person(author.clone()),
                None => self.project_supplier(),
            },
        }
    }

    /// One-line summary: format, package counts by role, left-out counts by reason.
    pub fn summary(&self, format: super::Format) -> String {
        let count = |role| self.components.iter().filter(|c| c.role == role).count();
        let mut text = format!(
            "{format} manifest `{}` for {}: {} packages ({} build-only, {} dev)",
            self.name,
            self.target,
            self.components.len(),
            count(Role::Build),
            count(Role::Dev)
        );
        let counts = self.excluded_counts();
        if !counts.is_empty() {
            let parts: Vec<String> = counts
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.as_str()))
                .collect();
            text.push_str(&format!("; left out: {}", parts.join(", ")));
        }
        text
    }

    /// Counts of left-out packages by reason, in reason order.
    pub fn excluded_counts(&self) -> Vec<(Reason, usize)> {
        let mut counts: Vec<(Reason, usize)> = Vec::new();
        for e in &self.excluded {
            match counts.last_mut() {
                Some((r, n)) if *r == e.reason => *n += 1,
                _ => counts.push((e.reason, 1)),
            }
        }
        counts
    }
}

/// The supplier of a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supplier {
    /// An organisation (registry, git host, project).
    Organization {
        /// Name.
        name: String,
        /// Web address.
        url: Option<String>,
    },
    /// A person.
    Person(Person),
}

impl Supplier {
    /// SPDX form: `Organization: NAME` or `Person: NAME (EMAIL)`.
    pub fn spdx(&self) -> String {
        let clean = |s: &str| s.replace(['(', ')'], "");
        match self {
            Supplier::Organization { name, .. } => format!("Organization: {}", clean(name)),
            Supplier::Person(Person { name, email }) => match email {
                Some(email) => format!("Person: {} ({})", clean(name), clean(email)),
                None => format!("Person: {}", clean(name)),
            },
        }
    }

    /// The name alone.
    pub fn name(&self) -> &str {
        match self {
            Supplier::Organization { name, .. } => name,
            Supplier::Person(p) => &p.name,
        }
    }
}

/// Trimmed non-empty text.
fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The host part of a URL (`https://host/...` → `host`), else the whole text.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Makes every string unique by suffixing `SEP2`, `SEP3`, ... to later repeats.
pub(crate) fn unique(items: &[String], sep: &str) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let count = seen.entry(item.as_str()).or_insert(0);
        *count += 1;
        out.push(if *count == 1 {
            item.clone()
        } else {
            format!("{item}{sep}{count}")
        });
    }
    // A generated name could equal a later original; resolve rare clashes by counting on.
    let mut all: std::collections::HashSet<String> = std::collections::HashSet::new();
    for entry in out.iter_mut() {
        let mut n = 1;
        let base = entry.clone();
        while !all.insert(entry.clone()) {
            n += 1;
            *entry = format!("{base}{sep}x{n}");
        }
    }
    out
}

/// The directory of `manifest` relative to `root`, with `/` separators (`.` for the root
/// itself, `../x` outside it). Never absolute.
fn relative_dir(root: &Path, manifest: &Path) -> String {
    let dir = manifest.parent().unwrap_or(manifest);
    let root_parts: Vec<PathPart> = root.components().collect();
    let dir_parts: Vec<PathPart> = dir.components().collect();
    let common = root_parts
        .iter()
        .zip(&dir_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_owned(); root_parts.len() - common];
    parts.extend(
        dir_parts[common..]
            .iter()
            .map(|p| p.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_parse() {
        assert_eq!(
            Person::parse("Josh Teeter<josh@example.com>"),
            Some(Person {
                name: "Josh Teeter".into(),
                email: Some("josh@example.com".into())
            })
        );
        assert_eq!(
            Person::parse("The Rust Project Developers").unwrap().email,
            None
        );
        assert_eq!(Person::parse("  "), None);
    }

    #[test]
    fn relative_dirs_are_never_absolute() {
        let root = Path::new("/home/u/ws");
        assert_eq!(relative_dir(root, Path::new("/home/u/ws/Cargo.toml")), ".");
        assert_eq!(
            relative_dir(root, Path::new("/home/u/ws/crates/a/Cargo.toml")),
            "crates/a"
        );
        assert_eq!(
            relative_dir(root, Path::new("/home/u/other/b/Cargo.toml")),
            "../other/b"
        );
    }

    #[test]
    fn unique_suffixes_repeats() {
        let items = [
            "a".to_owned(),
            "b".to_owned(),
            "a".to_owned(),
            "a#2".to_owned(),
        ];
        let out = unique(&items, "#");
        assert_eq!(out, ["a", "b", "a#2", "a#2#x2"]);
    }

    #[test]
    fn supplier_text() {
        let org = Supplier::Organization {
            name: "crates.io".into(),
            url: None,
        };
        assert_eq!(org.spdx(), "Organization: crates.io");
        let person = Supplier::Person(Person {
            name: "A (B)".into(),
            email: Some("a@b".into()),
        });
        assert_eq!(person.spdx(), "Person: A B (a@b)");
    }
}
