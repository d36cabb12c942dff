//! Generated benchmark inputs: large Vigiles manifests and synthetic `cargo metadata` graphs.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// Writes the manifest `../shared/bench/make-big-manifest.py N` prints, byte for byte (60,000
/// packages make 19.6 MB), about a hundred times faster than the script.
pub fn write_manifest(out: &mut impl Write, packages: usize) -> io::Result<()> {
    out.write_all(
        b"{\n  \"manifest_version\": \"1.19\",\n  \"image\": \"big-image\",\n  \"packages\": {",
    )?;
    for i in 0..packages {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(
            out,
            "\n    \"pkg{i}\": {{\n      \"name\": \"pkg{i}\",\n      \"version\": \"{i}.0.{minor}\",\n      \
             \"license\": \"MIT OR Apache-2.0 & GPL-2.0+\",\n      \"cve_product\": \"vendor{i}:pkg{i}\",\n      \
             \"patched_cves\": [\n        \"CVE-2023-{i:05}\",\n        \"CVE-2024-{i:05}\"\n      ],\n      \
             \"summary\": \"A package with some text & symbols = + % / \\u00fc\"\n    }}",
            minor = i % 7
        )?;
    }
    out.write_all(if packages == 0 { b"}\n}" } else { b"\n  }\n}" })
}

/// Writes [`write_manifest`]`(packages)` to `path` and returns its size in bytes.
pub fn manifest_file(path: &Path, packages: usize) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write_manifest(&mut out, packages)?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(std::fs::metadata(path)?.len())
}

/// A synthetic Cargo workspace description: `cargo metadata --format-version 1` output and the
/// matching Cargo.lock.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The metadata JSON file.
    pub metadata: PathBuf,
    /// The lock file.
    pub lockfile: PathBuf,
}

const REGISTRY: &str = "registry+https://github.com/rust-lang/crates.io-index";
const LICENSES: [&str; 5] = [
    "MIT",
    "MIT OR Apache-2.0",
    "Apache-2.0",
    "BSD-3-Clause",
    "Apache-2.0 WITH LLVM-exception",
];

fn crate_name(i: usize) -> String {
    format!("crate-{i}")
}

fn crate_version(i: usize) -> String {
    format!("{}.{}.{}", 1 + i % 3, i % 10, i % 7)
}

fn crate_id(i: usize) -> String {
    format!("{REGISTRY}#{}@{}", crate_name(i), crate_version(i))
}

/// The registry packages `i` depends on: a tree rooted at 0 plus cross edges, all in range.
fn children(i: usize, n: usize) -> Vec<usize> {
    let mut c: Vec<usize> = [2 * i + 1, 2 * i + 2, 3 * i + 5]
        .into_iter()
        .filter(|&j| j < n)
        .collect();
    c.dedup();
    c
}

fn dependency(name: &str, source: Option<&str>, req: &str) -> Value {
    json!({
        "name": name, "source": source, "req": req, "kind": null, "rename": null,
        "optional": false, "uses_default_features": true, "features": [], "target": null,
        "registry": null
    })
}

fn package(
    name: &str,
    version: &str,
    id: &str,
    source: Option<&str>,
    dir: &str,
    deps: Vec<Value>,
    license: &str,
) -> Value {
    json!({
        "name": name, "version": version, "id": id, "license": license, "license_file": null,
        "description": format!("Synthetic package {name}, generated for the llapi benchmarks: a description about as long as a real crate's, so that the metadata has a realistic size per package."),
        "source": source, "dependencies": deps,
        "targets": [{
            "kind": ["lib"], "crate_types": ["lib"], "name": name.replace('-', "_"),
            "src_path": format!("{dir}/src/lib.rs"), "edition": "2021", "doc": true,
            "doctest": true, "test": true
        }],
        "features": {"default": ["std"], "std": []},
        "manifest_path": format!("{dir}/Cargo.toml"), "metadata": null, "publish": null,
        "authors": ["Bench Author <bench@example.com>"], "categories": ["development-tools"],
        "keywords": ["bench", "synthetic"], "readme": "README.md",
        "repository": format!("https://example.com/{name}"), "homepage": null,
        "documentation": format!("https://docs.rs/{name}"), "edition": "2021", "links": null,
        "default_run": null, "rust_version": null
    })
}

fn node(id: &str, deps: &[(String, String)]) -> Value {
    json!({
        "id": id,
        "dependencies": deps.iter().map(|(_, id)| id).collect::<Vec<_>>(),
        "deps": deps.iter().map(|(name, id)| json!({
            "name": name.replace('-', "_"), "pkg": id,
            "dep_kinds": [{"kind": null, "target": null}]
        })).collect::<Vec<_>>(),
        "features": ["default", "std"]
    })
}

/// One `[[package]]` of the lock file.
struct LockEntry {
    name: String,
    version: String,
    checksum: Option<String>,
    deps: Vec<(String, String)>,
}

impl LockEntry {
    fn write(&self, lock: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(
            lock,
            "\n[[package]]\nname = \"{}\"\nversion = \"{}\"\n",
            self.name, self.version
        );
        if let Some(sum) = &self.checksum {
            let _ = write!(lock, "source = \"{REGISTRY}\"\nchecksum = \"{sum}\"\n");
        }
        if !self.deps.is_empty() {
            lock.push_str("dependencies = [\n");
            for (name, _) in &self.deps {
                let _ = writeln!(lock, " \"{name}\",");
            }
            lock.push_str("]\n");
        }
    }
}

/// Writes `metadata.json` and `Cargo.lock` for a workspace of one member (`app`, under `dir`)
/// whose resolved graph holds `packages` registry packages.
pub fn graph(dir: &Path, packages: usize) -> io::Result<Graph> {
    let root = dir.join("ws");
    let root_s = root.display().to_string();
    let registry_dir = "/home/builder/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f";
    let app_id = format!("path+file://{root_s}#app@0.1.0");
    let edges = |list: Vec<usize>| -> Vec<(String, String)> {
        list.into_iter()
            .map(|j| (crate_name(j), crate_id(j)))
            .collect()
    };
    let metadata = dir.join(format!("metadata-{packages}.json"));
    let lockfile = dir.join(format!("Cargo-{packages}.lock"));
    // Written package by package: the harness stays small, and so does the peak RSS children
    // inherit from it at spawn time.
    let mut out = BufWriter::new(std::fs::File::create(&metadata)?);
    out.write_all(b"{\"packages\":[")?;
    let app_deps = edges(if packages > 0 { vec![0] } else { vec![] });
    let app = package(
        "app",
        "0.1.0",
        &app_id,
        None,
        &format!("{root_s}/app"),
        app_deps
            .iter()
            .map(|(n, _)| dependency(n, Some(REGISTRY), "^1"))
            .collect(),
        "MIT",
    );
    serde_json::to_writer(&mut out, &app)?;
    let mut nodes = vec![node(&app_id, &app_deps).to_string()];
    let mut entries = vec![LockEntry {
        name: "app".into(),
        version: "0.1.0".into(),
        checksum: None,
        deps: app_deps,
    }];
    for i in 0..packages {
        let (name, version, id) = (crate_name(i), crate_version(i), crate_id(i));
        let deps = edges(children(i, packages));
        let p = package(
            &name,
            &version,
            &id,
            Some(REGISTRY),
            &format!("{registry_dir}/{name}-{version}"),
            deps.iter()
                .map(|(n, _)| dependency(n, Some(REGISTRY), "^1"))
                .collect(),
            LICENSES[i % LICENSES.len()],
        );
        out.write_all(b",")?;
        serde_json::to_writer(&mut out, &p)?;
        nodes.push(node(&id, &deps).to_string());
        let checksum = format!(
            "{:064x}",
            (i as u128 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
        );
        entries.push(LockEntry {
            name,
            version,
            checksum: Some(checksum),
            deps,
        });
    }
    let app_id_json = Value::from(app_id.as_str()).to_string();
    write!(
        out,
        "],\"workspace_members\":[{app_id_json}],\"workspace_default_members\":[{app_id_json}],\"resolve\":{{\"nodes\":[{}],\"root\":{app_id_json}}},",
        nodes.join(",")
    )?;
    let tail = json!({
        "target_directory": format!("{root_s}/target"),
        "build_directory": format!("{root_s}/target"),
        "version": 1,
        "workspace_root": root_s,
        "metadata": null
    })
    .to_string();
    out.write_all(&tail.as_bytes()[1..])?; // the members of `tail`, after the comma
    out.flush()?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let mut lock = String::from("# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n");
    for entry in &entries {
        entry.write(&mut lock);
    }
    std::fs::write(&lockfile, lock)?;
    Ok(Graph { metadata, lockfile })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_byte_identical_to_the_python_script() {
        for n in [0usize, 1, 123] {
            let script = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/bench/make-big-manifest.py"
            );
            let python = std::process::Command::new("python3")
                .arg(script)
                .arg(n.to_string())
                .output()
                .expect("python3 runs");
            assert!(python.status.success());
            let mut ours = Vec::new();
            write_manifest(&mut ours, n).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(python.stdout).unwrap(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn graph_is_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let g = graph(dir.path(), 100).unwrap();
        let doc: Value = serde_json::from_slice(&std::fs::read(&g.metadata).unwrap()).unwrap();
        let ids: std::collections::HashSet<&str> = doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 101);
        // Every edge points at a package, and every package is reachable from the root.
        let nodes = doc["resolve"]["nodes"].as_array().unwrap();
        let mut reached = std::collections::HashSet::new();
        let mut todo = vec![doc["resolve"]["root"].as_str().unwrap()];
        while let Some(id) = todo.pop() {
            if reached.insert(id) {
                let node = nodes.iter().find(|n| n["id"] == id).unwrap();
                for d in node["dependencies"].as_array().unwrap() {
                    assert!(ids.contains(d.as_str().unwrap()));
                    todo.push(d.as_str().unwrap());
                }
            }
        }
        assert_eq!(reached.len(), 101);
        let lock = std::fs::read_to_string(&g.lockfile).unwrap();
        assert_eq!(lock.matches("[[package]]").count(), 101);
        assert_eq!(lock.matches("checksum = ").count(), 100);
    }
}
