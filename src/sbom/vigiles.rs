//! The Vigiles manifest of a Cargo build (spec §6.1), using the shared
//! [`crate::vigiles_manifest`] model. Packages are keyed by crate name; a crate present in
//! several versions is keyed `NAME@VERSION` for each of them.

use std::collections::HashMap;

use super::graph::{EdgeKind, Role};
use super::license::License;
use super::model::{unique, Inventory};
use super::purl::Source;
use super::time;
use crate::vigiles_manifest::{Checksum, ComponentType, Dependencies, Manifest, Package};

/// Builds the Vigiles manifest of the inventory.
pub fn manifest(inv: &Inventory) -> Manifest {
    let keys = package_keys(inv);
    let mut manifest = Manifest::new(
        inv.name.chars().take(256).collect::<String>(),
        Some(format!("{}+00:00", time::iso8601(inv.timestamp))),
    );
    if inv.target != "all" {
        manifest.machine = Some(inv.target.clone());
    }
    for (i, comp) in inv.components.iter().enumerate() {
        let mut pkg = Package::new(&comp.name, &comp.version);
        pkg.license = Some(match &comp.license {
            License::Spdx(expr) => expr.clone(),
            License::Named(text) => text.clone(),
            License::File | License::None => "NOASSERTION".to_owned(),
        });
        pkg.checksums = Some(comp.sha256.iter().map(Checksum::sha256).collect());
        pkg.download_location = Some(comp.source.download_location(&comp.name, &comp.version));
        pkg.homepage = comp.homepage.clone().or_else(|| comp.repository.clone());
        pkg.summary = comp
            .description
            .as_deref()
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
        pkg.package_supplier = Some(inv.supplier(comp).spdx());
        if let Source::Git {
            commit: Some(commit),
            ..
        } = &comp.source
        {
            pkg.srcrev = Some(commit.clone());
        }
        pkg.component_type = match comp.role {
            Role::Runtime => [ComponentType::Component, ComponentType::Runtime].into(),
            Role::Build | Role::Dev => [ComponentType::Build].into(),
        };
        pkg.comment = match comp.role {
            Role::Runtime => None,
            Role::Build => Some("Build dependency only".to_owned()),
            Role::Dev => {
                Some("Development dependency only (tests, examples, benchmarks)".to_owned())
            }
        };
        let mut deps = Dependencies::default();
        for &(d, kind) in &comp.deps {
            let set = match kind {
                EdgeKind::Normal => &mut deps.runtime,
                EdgeKind::Build | EdgeKind::Dev => &mut deps.build,
            };
            set.insert(keys[d].clone());
        }
        pkg.dependencies = Some(deps);
        manifest.packages.insert(keys[i].clone(), pkg);
    }
    manifest
}

/// Unique package keys: the name, or `NAME@VERSION` when several versions are shipped.
fn package_keys(inv: &Inventory) -> Vec<String> {
    let mut versions: HashMap<&str, usize> = HashMap::new();
    for comp in &inv.components {
        *versions.entry(&comp.name).or_insert(0) += 1;
    }
    let raw: Vec<String> = inv
        .components
        .iter()
        .map(|c| {
            if versions[c.name.as_str()] > 1 {
                format!("{}@{}", c.name, c.version)
            } else {
                c.name.clone()
            }
        })
        .collect();
    unique(&raw, "#")
}
