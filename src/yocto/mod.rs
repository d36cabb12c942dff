//! Yocto support: turns the per-recipe metadata that `meta-llapi/classes/llapi.bbclass` collects
//! for an image into a Vigiles manifest ([`crate::vigiles_manifest`]).
//!
//! Each recipe becomes a package keyed by its PN. For recipes built with `inherit cargo`, every
//! crate of their Cargo.lock becomes a package too (key: the crate name, or `name@version` when
//! that name is taken), listed in the recipe's build dependencies. Build dependencies that are not
//! in the image appear as dependency-only packages, as meta-timesys writes them. Patches with
//! `CVE:` tags and `CVE_STATUS` decisions become vulnerability statements; `CVE_PRODUCT` and
//! `CVE_VERSION` give the CPE ids.

pub mod cargo_lock;
pub mod cpe;
pub mod metadata;
pub mod uboot_config;
pub mod vulnerabilities;

use std::collections::BTreeMap;

use crate::vigiles_manifest::{Checksum, ComponentType, Dependencies, Layer, Manifest, Package};
use crate::Result;

pub use metadata::{Metadata, Recipe};

/// The manifest of an image; `name` overrides the manifest name of the metadata.
pub fn manifest(metadata: &Metadata, name: Option<&str>) -> Result<Manifest> {
    let image = &metadata.image;
    let manifest_name: String = name.unwrap_or(&image.name).chars().take(256).collect();
    let mut manifest = Manifest::new(manifest_name, image.date.clone());
    manifest.image = non_empty(&image.image);
    manifest.machine = non_empty(&image.machine);
    manifest.distro = non_empty(&image.distro);
    manifest.distro_version = non_empty(&image.distro_version);
    manifest.layers = Some(
        image
            .layers
            .iter()
            .map(|(name, layer)| {
                let layer = Layer {
                    path: layer.path.clone(),
                    ..Layer::default()
                };
                (name.clone(), layer)
            })
            .collect(),
    );
    let mut vulnerabilities = Vec::new();
    for recipe in &metadata.recipes {
        manifest
            .packages
            .insert(recipe.pn.clone(), recipe_package(recipe));
        vulnerabilities.extend(vulnerabilities::statements(recipe));
    }
    for recipe in &metadata.recipes {
        if let Some(lock) = &recipe.cargo_lock {
            add_crates(&mut manifest.packages, recipe, &cargo_lock::read(lock)?);
        }
    }
    add_dependency_only(&mut manifest.packages);
    if !vulnerabilities.is_empty() {
        manifest.vulnerabilities = Some(vulnerabilities);
    }
    Ok(manifest)
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// The package of one recipe.
pub fn recipe_package(recipe: &Recipe) -> Package {
    let version = if recipe.pv.is_empty() {
        "unset"
    } else {
        &recipe.pv
    };
    let mut package = Package::new(&recipe.pn, version);
    if !recipe.cve_product.is_empty() {
        package.cve_product = Some(recipe.cve_product.clone());
    }
    let cve_version = if recipe.cve_version.is_empty() {
        version
    } else {
        &recipe.cve_version
    };
    package.cve_version = Some(cpe::normalized_version(cve_version));
    let product = package.cve_product.as_deref().unwrap_or(&recipe.pn);
    let cpe_ids = cpe::cpe_ids(product, cve_version);
    if !cpe_ids.is_empty() {
        package.cpe_id = Some(cpe_ids);
    }
    package.license = Some(if recipe.license.is_empty() {
        "unknown".into()
    } else {
        recipe.license.clone()
    });
    package.summary = non_empty(&recipe.summary);
    package.homepage = non_empty(&recipe.homepage);
    package.layer = non_empty(&recipe.layer);
    package.recipe = non_empty(&recipe.recipe);
    package.download_location = Some(
        recipe
            .src_uri
            .iter()
            .find(|uri| !uri.starts_with("file://"))
            .cloned()
            .unwrap_or_else(|| "UNKNOWN".into()),
    );
    package.checksums = Some(
        recipe
            .checksums
            .iter()
            .map(|sum| Checksum {
                algorithm: sum.algorithm.clone(),
                checksum_value: sum.value.clone(),
            })
            .collect(),
    );
    let mut patches: Vec<String> = recipe.patches.iter().map(|p| p.name.clone()).collect();
    patches.sort();
    if !patches.is_empty() {
        package.patches = Some(patches);
    }
    let patched = vulnerabilities::patched_cves(recipe);
    if !patched.is_empty() {
        package.patched_cves = Some(patched);
    }
    package.component_type = [ComponentType::Component].into();
    package.dependencies = Some(Dependencies {
        build: recipe.depends.iter().cloned().collect(),
        runtime: recipe
            .rdepends
            .iter()
            .filter(|dep| **dep != recipe.pn)
            .cloned()
            .collect(),
    });
    package
}

/// Adds the crates of a cargo recipe's Cargo.lock and lists them as the recipe's build dependencies.
fn add_crates(
    packages: &mut BTreeMap<String, Package>,
    recipe: &Recipe,
    locked: &[cargo_lock::LockedPackage],
) {
    let comment = format!("Rust crate built into {} (from its Cargo.lock)", recipe.pn);
    let taken = |key: &str, version: &str| {
        packages.get(key).is_some_and(|p| {
            p.version.as_deref() != Some(version) || p.comment.as_deref() != Some(comment.as_str())
        })
    };
    let same_name_twice = |name: &str| {
        locked
            .iter()
            .filter(|p| p.name == name && p.source.is_some())
            .count()
            > 1
    };
    let crates = cargo_lock::crate_packages(locked, &comment, |p| {
        if taken(&p.name, &p.version) || same_name_twice(&p.name) {
            format!("{}@{}", p.name, p.version)
        } else {
            p.name.clone()
        }
    });
    if let Some(Some(deps)) = packages
        .get_mut(&recipe.pn)
        .map(|p| p.dependencies.as_mut())
    {
        deps.build.extend(crates.keys().cloned());
    }
    packages.extend(crates);
}

/// Adds a dependency-only package for every dependency that is not a package of the manifest.
fn add_dependency_only(packages: &mut BTreeMap<String, Package>) {
    let mut missing: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for package in packages.values() {
        if let Some(deps) = &package.dependencies {
            for dep in deps.build.iter().filter(|d| !packages.contains_key(*d)) {
                missing.entry(dep.clone()).or_default().0 = true;
            }
            for dep in deps.runtime.iter().filter(|d| !packages.contains_key(*d)) {
                missing.entry(dep.clone()).or_default().1 = true;
            }
        }
    }
    for (name, (build, runtime)) in missing {
        let (kind, types) = match (build, runtime) {
            (true, true) => (
                "build and runtime",
                vec![ComponentType::Build, ComponentType::Runtime],
            ),
            (true, false) => ("build", vec![ComponentType::Build]),
            _ => ("runtime", vec![ComponentType::Runtime]),
        };
        let package = Package {
            name: name.clone(),
            component_type: types.into_iter().collect(),
            comment: Some(format!(
                "Dependency Only; This component was identified as a {kind} dependency by llapi"
            )),
            ..Package::default()
        };
        packages.insert(name, package);
    }
}
