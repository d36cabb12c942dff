//! Which packages a build of the selected workspace members ships: selection of the roots, and a
//! reachability walk over the resolve graph by dependency kind and target platform.
//!
//! A package is *runtime* if reachable from a root through normal edges only, *build* if
//! reachable through normal and build edges (a build script's dependencies), *dev* if reachable
//! only through a root's dev-dependencies. Everything else in the resolve is left out with a
//! [`Reason`]. Each pass is a linear breadth-first walk.

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;

use cargo_platform::{Cfg, Platform};

use super::source::Metadata;
use crate::{Error, Result};

/// Target triple and `cfg` values of the platform this library was built for.
const HOST_TRIPLE: &str = env!("LLAPI_HOST_TRIPLE");
const HOST_CFG: &str = include_str!(concat!(env!("OUT_DIR"), "/host_cfg.txt"));

/// The platform whose dependencies count.
#[derive(Debug, Clone)]
pub enum TargetPlatform {
    /// Every platform (`--target all`), or a graph that cargo already filtered.
    Any,
    /// One target: its triple and `cfg` values (as `rustc --print cfg` lists them).
    Target {
        /// Target triple.
        triple: String,
        /// Its `cfg` values.
        cfgs: Vec<Cfg>,
    },
}

impl TargetPlatform {
    /// The platform this program was built for.
    pub fn host() -> TargetPlatform {
        TargetPlatform::from_cfg_text(HOST_TRIPLE, HOST_CFG)
            .expect("build script writes valid cfg lines")
    }

    /// The host triple this program was built for.
    pub fn host_triple() -> &'static str {
        HOST_TRIPLE
    }

    /// A target from `rustc --print cfg` output.
    pub fn from_cfg_text(triple: &str, text: &str) -> Result<TargetPlatform> {
        let cfgs = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                Cfg::from_str(l)
                    .map_err(|e| Error::invalid(format!("bad cfg line `{l}` for {triple}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TargetPlatform::Target {
            triple: triple.to_owned(),
            cfgs,
        })
    }

    /// Asks `rustc --print cfg --target TRIPLE` ($RUSTC, else `rustc`) for a target's values.
    pub fn from_rustc(triple: &str) -> Result<TargetPlatform> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = std::process::Command::new(&rustc)
            .args(["--print", "cfg", "--target", triple])
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| Error::io("cannot run rustc --print cfg", e))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let line = stderr.lines().next().unwrap_or("").trim();
            return Err(Error::invalid(format!(
                "rustc does not know target `{triple}`: {line}"
            )));
        }
        TargetPlatform::from_cfg_text(triple, &String::from_utf8_lossy(&output.stdout))
    }

    /// Whether an edge limited to `target` (a triple or `cfg(..)`; `None` = all) applies.
    fn matches(&self, target: Option<&str>) -> bool {
        let (TargetPlatform::Target { triple, cfgs }, Some(target)) = (self, target) else {
            return true;
        };
        match Platform::from_str(target) {
            Ok(platform) => platform.matches(triple, cfgs),
            Err(e) => {
                log::warn!("cannot parse dependency target `{target}` ({e}); counting it in");
                true
            }
        }
    }
}

/// Which workspace members are the roots.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `-p/--package` specs (`NAME` or `NAME@VERSION`); empty = the whole workspace.
    pub packages: Vec<String>,
    /// `--exclude` specs (with the whole workspace).
    pub exclude: Vec<String>,
}

/// How a shipped package is reached from the roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Linked into what is built (normal dependencies all the way).
    Runtime,
    /// Used only while building (build scripts and their dependencies).
    Build,
    /// Used only by tests, examples and benchmarks of the roots (`--include-dev`).
    Dev,
}

/// Why a package of the resolve graph is not in the SBOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Reached only through dev-dependencies.
    DevOnly,
    /// Reached only through dependencies for other target platforms.
    OtherPlatform,
    /// Not reachable from the selected packages at all.
    NotSelected,
}

impl Reason {
    /// Short text: "dev-only", "other platform", "not selected".
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::DevOnly => "dev-only",
            Reason::OtherPlatform => "other platform",
            Reason::NotSelected => "not reachable from the selected packages",
        }
    }
}

/// The kind of a dependency edge between two shipped packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// `[dependencies]`.
    Normal,
    /// `[build-dependencies]`.
    Build,
    /// `[dev-dependencies]`.
    Dev,
}

const NORMAL: u8 = 1;
const BUILD: u8 = 2;
const DEV: u8 = 4;

/// The result of the walk, indexed like `Metadata::packages`.
#[derive(Debug)]
pub struct Walk {
    /// Package indices of the selected roots, in workspace order.
    pub roots: Vec<usize>,
    /// Role of each package that is shipped.
    pub role: Vec<Option<Role>>,
    /// Why each package of the resolve that is not shipped was left out.
    pub reason: Vec<Option<Reason>>,
    /// Edges between shipped packages, sorted, with the strongest kind of each.
    pub edges: Vec<Vec<(usize, EdgeKind)>>,
}

/// Selects the roots and walks the resolve graph.
pub fn walk(
    meta: &Metadata,
    selection: &Selection,
    platform: &TargetPlatform,
    include_dev: bool,
) -> Result<Walk> {
    let resolve = meta.resolve.as_ref().ok_or_else(|| {
        Error::invalid("the cargo metadata has no resolve graph (was it made with --no-deps?)")
    })?;
    let n = meta.packages.len();
    let index: HashMap<&str, usize> = meta
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let lookup = |id: &str| {
        index.get(id).copied().ok_or_else(|| {
            Error::invalid(format!(
                "the cargo metadata is inconsistent: resolve names unknown package {id}"
            ))
        })
    };
    // Adjacency with kind bits, for this platform and for any platform.
    let mut matched: HashMap<&str, bool> = HashMap::new();
    let mut on_platform: Vec<Vec<(usize, u8)>> = vec![Vec::new(); n];
    let mut any_platform: Vec<Vec<(usize, u8)>> = vec![Vec::new(); n];
    let mut in_resolve = vec![false; n];
    for node in &resolve.nodes {
        let from = lookup(&node.id)?;
        in_resolve[from] = true;
        for dep in &node.deps {
            let to = lookup(&dep.pkg)?;
            let (mut here, mut anywhere) = (0u8, 0u8);
            if dep.dep_kinds.is_empty() {
                (here, anywhere) = (NORMAL, NORMAL);
            }
            for kind in &dep.dep_kinds {
                let bit = match kind.kind.as_deref() {
                    Some("build") => BUILD,
                    Some("dev") => DEV,
                    _ => NORMAL,
                };
                anywhere |= bit;
                let applies = match kind.target.as_deref() {
                    None => true,
                    Some(t) => *matched
                        .entry(t)
                        .or_insert_with(|| platform.matches(Some(t))),
                };
                if applies {
                    here |= bit;
                }
            }
            if here != 0 {
                on_platform[from].push((to, here));
            }
            any_platform[from].push((to, anywhere));
        }
    }
    let roots = select_roots(meta, selection, &index)?;

    let runtime = reach(&on_platform, &roots, NORMAL);
    let shipped = reach(&on_platform, &roots, NORMAL | BUILD);
    let with_dev = reach_with_dev(&on_platform, &roots);
    let anywhere = reach_with_dev(&any_platform, &roots);

    let mut role = vec![None; n];
    let mut reason = vec![None; n];
    for i in 0..n {
        role[i] = if runtime[i] {
            Some(Role::Runtime)
        } else if shipped[i] {
            Some(Role::Build)
        } else if with_dev[i] && include_dev {
            Some(Role::Dev)
        } else {
            None
        };
        if role[i].is_none() && in_resolve[i] {
            reason[i] = Some(if with_dev[i] {
                Reason::DevOnly
            } else if anywhere[i] {
                Reason::OtherPlatform
            } else {
                Reason::NotSelected
            });
        }
    }
    let is_root = {
        let mut v = vec![false; n];
        roots.iter().for_each(|&r| v[r] = true);
        v
    };
    let edges = (0..n)
        .map(|from| {
            if role[from].is_none() {
                return Vec::new();
            }
            let mut out: Vec<(usize, EdgeKind)> = on_platform[from]
                .iter()
                .filter(|&&(to, _)| role[to].is_some())
                .filter_map(|&(to, bits)| {
                    let kind = if bits & NORMAL != 0 {
                        EdgeKind::Normal
                    } else if bits & BUILD != 0 {
                        EdgeKind::Build
                    } else if include_dev && is_root[from] {
                        EdgeKind::Dev
                    } else {
                        return None;
                    };
                    Some((to, kind))
                })
                .collect();
            out.sort();
            out
        })
        .collect();
    Ok(Walk {
        roots,
        role,
        reason,
        edges,
    })
}

/// Nodes reachable from `roots` through edges with any of the `mask` kinds.
fn reach(adj: &[Vec<(usize, u8)>], roots: &[usize], mask: u8) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &r in roots {
        if !seen[r] {
            seen[r] = true;
            queue.push_back(r);
        }
    }
    while let Some(node) = queue.pop_front() {
        for &(to, bits) in &adj[node] {
            if bits & mask != 0 && !seen[to] {
                seen[to] = true;
                queue.push_back(to);
            }
        }
    }
    seen
}

/// Nodes reachable from the roots and the roots' dev-dependencies through normal and build
/// edges (cargo builds only the selected packages' dev-dependencies).
fn reach_with_dev(adj: &[Vec<(usize, u8)>], roots: &[usize]) -> Vec<bool> {
    let mut starts = roots.to_vec();
    for &r in roots {
        starts.extend(
            adj[r]
                .iter()
                .filter(|(_, b)| b & DEV != 0)
                .map(|&(to, _)| to),
        );
    }
    reach(adj, &starts, NORMAL | BUILD)
}

/// The selected workspace members, in workspace order.
fn select_roots(
    meta: &Metadata,
    selection: &Selection,
    index: &HashMap<&str, usize>,
) -> Result<Vec<usize>> {
    let members: Vec<usize> = meta
        .workspace_members
        .iter()
        .map(|id| {
            index.get(id.as_str()).copied().ok_or_else(|| {
                Error::invalid(format!(
                    "the cargo metadata is inconsistent: unknown workspace member {id}"
                ))
            })
        })
        .collect::<Result<_>>()?;
    let find = |spec: &str| -> Result<usize> {
        let (name, version) = match spec.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (spec, None),
        };
        let found: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&m| {
                let p = &meta.packages[m];
                p.name == name && version.is_none_or(|v| p.version == v)
            })
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::invalid(format!(
                "package `{spec}` is not a member of the workspace"
            ))),
            _ => Err(Error::invalid(format!(
                "package spec `{spec}` is ambiguous; use NAME@VERSION"
            ))),
        }
    };
    if !selection.packages.is_empty() {
        if !selection.exclude.is_empty() {
            return Err(Error::invalid(
                "--exclude can only be used with the whole workspace, not with --package",
            ));
        }
        let mut roots = selection
            .packages
            .iter()
            .map(|s| find(s))
            .collect::<Result<Vec<_>>>()?;
        roots.sort_by_key(|r| members.iter().position(|m| m == r));
        roots.dedup();
        return Ok(roots);
    }
    let excluded = selection
        .exclude
        .iter()
        .map(|s| find(s))
        .collect::<Result<Vec<_>>>()?;
    let roots: Vec<usize> = members
        .into_iter()
        .filter(|m| !excluded.contains(m))
        .collect();
    if roots.is_empty() {
        return Err(Error::invalid("--exclude leaves no package selected"));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_platform_knows_its_os() {
        let host = TargetPlatform::host();
        assert!(host.matches(None));
        let os = std::env::consts::OS;
        assert!(host.matches(Some(&format!("cfg(target_os = \"{os}\")"))));
        assert!(!host.matches(Some("cfg(target_os = \"no-such-os\")")));
        assert!(host.matches(Some(HOST_TRIPLE)));
        assert!(!host.matches(Some("cfg(any())")));
        assert_eq!(
            host.matches(Some("cfg(unix)")),
            cfg!(unix),
            "unix cfg follows the build host"
        );
    }

    #[test]
    fn host_cfg_list_is_what_rustc_prints() {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let out = std::process::Command::new(rustc)
            .args(["--print", "cfg"])
            .output()
            .expect("rustc runs where the tests were built");
        let mut printed: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
        let mut ours: Vec<&str> = HOST_CFG.lines().collect();
        printed.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, printed);
    }

    #[test]
    fn any_platform_matches_everything() {
        assert!(TargetPlatform::Any.matches(Some("cfg(windows)")));
    }

    #[test]
    fn bad_cfg_text_is_an_input_error() {
        let err = TargetPlatform::from_cfg_text("x", "target_os=").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Input);
    }
}
