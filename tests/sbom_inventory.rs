//! What the SBOM of a Cargo build contains: fixture workspaces (live `cargo metadata --offline`
//! and saved metadata), a hand-made metadata with registry and git packages, and the deno
//! benchmark graph.

#[path = "support/sbom_fixture.rs"]
mod fixture;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use llapi::sbom::{
    self, CargoArgs, Format, Input, Inventory, Reason, Role, Root, SbomOptions, Selection,
    TargetSpec,
};

const EPOCH: i64 = 1_700_000_000;

fn live(root: &Path) -> SbomOptions {
    SbomOptions {
        input: Input::Cargo(CargoArgs {
            manifest_path: Some(root.join("Cargo.toml")),
            offline: true,
            ..CargoArgs::default()
        }),
        timestamp: Some(EPOCH),
        ..SbomOptions::default()
    }
}

fn fixture_dir() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("fixturews");
    std::fs::create_dir(&root).unwrap();
    fixture::create(&root, "");
    (temp, root)
}

/// name@version → role.
fn roles(inv: &Inventory) -> BTreeMap<String, Role> {
    inv.components
        .iter()
        .map(|c| (format!("{}@{}", c.name, c.version), c.role))
        .collect()
}

fn excluded(inv: &Inventory) -> BTreeMap<String, Reason> {
    inv.excluded
        .iter()
        .map(|e| (format!("{}@{}", e.name, e.version), e.reason))
        .collect()
}

fn render_all(inv: &Inventory) -> Vec<(Format, Vec<u8>)> {
    Format::ALL
        .iter()
        .map(|&f| {
            let mut bytes = Vec::new();
            sbom::render(inv, f, &mut bytes).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn workspace_build_ships_normal_and_build_dependencies_for_the_host() {
    let (_temp, root) = fixture_dir();
    let inv = sbom::collect(&live(&root)).unwrap();
    let r = roles(&inv);
    let expected: BTreeMap<String, Role> = [
        ("app@1.2.0", Role::Runtime),
        ("lib-a@0.3.0", Role::Runtime),
        ("lib-b@0.3.0", Role::Runtime),
        ("dup@0.1.0", Role::Runtime),
        ("dup@0.2.0", Role::Runtime),
        ("buildhelper@0.1.0", Role::Build),
        ("buildinner@0.1.0", Role::Build),
        (
            if cfg!(windows) {
                "winonly@0.1.0"
            } else {
                "unixonly@0.1.0"
            },
            Role::Runtime,
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(r, expected);
    assert_eq!(
        excluded(&inv),
        [("testhelper@0.1.0".to_owned(), Reason::DevOnly)].into()
    );
    // Three members selected: the root is the workspace, named after its directory.
    match &inv.root {
        Root::Workspace { name, members, .. } => {
            assert_eq!(name, "fixturews");
            assert_eq!(members.len(), 3);
        }
        other => panic!("expected a workspace root, got {other:?}"),
    }
    assert_eq!(inv.name, "fixturews");
    // The renamed dependency is an edge to dup 0.1.0; both versions have distinct ids.
    let app = inv.components.iter().find(|c| c.name == "app").unwrap();
    let dep_names: Vec<String> = app
        .deps
        .iter()
        .map(|&(d, _)| format!("{}@{}", inv.components[d].name, inv.components[d].version))
        .collect();
    assert_eq!(
        dep_names,
        ["dup@0.1.0", "dup@0.2.0", "lib-a@0.3.0", "lib-b@0.3.0"]
    );
    let ids: std::collections::BTreeSet<&str> =
        inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), inv.components.len());
    // Metadata of the packages.
    assert_eq!(app.license.spdx(), Some("MIT OR Apache-2.0"));
    assert_eq!(app.authors[0].email.as_deref(), Some("ann@example.com"));
    assert_eq!(app.purl, "pkg:cargo/app@1.2.0");
    let lib_b = inv.components.iter().find(|c| c.name == "lib-b").unwrap();
    assert_eq!(lib_b.license.spdx(), Some("GPL-2.0-or-later"));
}

#[test]
fn selection_features_dev_and_all_targets() {
    let (_temp, root) = fixture_dir();
    // -p lib-b --features lib-b/extra --target all
    let mut opts = live(&root);
    opts.selection = Selection {
        packages: vec!["lib-b".into()],
        exclude: vec![],
    };
    opts.target = TargetSpec::All;
    if let Input::Cargo(args) = &mut opts.input {
        args.features = vec!["lib-b/extra".into()];
    }
    let inv = sbom::collect(&opts).unwrap();
    assert_eq!(
        roles(&inv).keys().cloned().collect::<Vec<_>>(),
        [
            "featdep@0.1.0",
            "lib-b@0.3.0",
            "unixonly@0.1.0",
            "winonly@0.1.0"
        ]
    );
    assert!(matches!(inv.root, Root::Package(_)));
    assert_eq!(inv.name, "lib-b-0.3.0");
    assert_eq!(inv.target, "all");
    // The other members are not reachable from lib-b.
    let ex = excluded(&inv);
    assert_eq!(ex["app@1.2.0"], Reason::NotSelected);
    assert_eq!(ex["testhelper@0.1.0"], Reason::NotSelected);

    // --include-dev keeps app's dev-dependency, marked dev; --exclude drops lib-b as a root.
    let mut opts = live(&root);
    opts.include_dev = true;
    opts.selection.exclude = vec!["lib-b".into()];
    let inv = sbom::collect(&opts).unwrap();
    let r = roles(&inv);
    assert_eq!(r["testhelper@0.1.0"], Role::Dev);
    assert_eq!(r["lib-b@0.3.0"], Role::Runtime, "still a dependency of app");
    assert!(inv.excluded.is_empty(), "{:?}", inv.excluded);

    // Bad selections are input errors with the spec named.
    let mut opts = live(&root);
    opts.selection.packages = vec!["nope".into()];
    let err = sbom::collect(&opts).unwrap_err();
    assert_eq!(err.kind(), llapi::ErrorKind::Input);
    assert!(err.to_string().contains("`nope`"), "{err}");
}

#[test]
fn saved_metadata_states_other_platform_and_matches_a_live_run() {
    let (temp, root) = fixture_dir();
    let saved = temp.path().join("metadata.json");
    fixture::save_metadata(&root, &saved);
    let opts = SbomOptions {
        input: Input::Saved {
            metadata_json: saved,
            lockfile: None,
        },
        timestamp: Some(EPOCH),
        ..SbomOptions::default()
    };
    let inv = sbom::collect(&opts).unwrap();
    let ex = excluded(&inv);
    let other = if cfg!(windows) {
        "unixonly@0.1.0"
    } else {
        "winonly@0.1.0"
    };
    assert_eq!(ex[other], Reason::OtherPlatform);
    assert_eq!(ex["testhelper@0.1.0"], Reason::DevOnly);
    // Same packages and bytes as with cargo's own platform filter.
    let live_inv = sbom::collect(&live(&root)).unwrap();
    assert_eq!(roles(&inv), roles(&live_inv));
    for ((f, a), (_, b)) in render_all(&inv).into_iter().zip(render_all(&live_inv)) {
        assert!(a == b, "{f} differs between saved and live metadata");
    }
}

#[test]
fn output_is_reproducible_and_free_of_local_paths() {
    let (temp_a, root_a) = fixture_dir();
    let (temp_b, root_b) = fixture_dir();
    let a = sbom::collect(&live(&root_a)).unwrap();
    let a_again = sbom::collect(&live(&root_a)).unwrap();
    let b = sbom::collect(&live(&root_b)).unwrap();
    for (((format, bytes_a), (_, bytes_again)), (_, bytes_b)) in render_all(&a)
        .into_iter()
        .zip(render_all(&a_again))
        .zip(render_all(&b))
    {
        assert!(bytes_a == bytes_again, "{format}: two runs differ");
        assert!(bytes_a == bytes_b, "{format}: two checkouts differ");
        let text = String::from_utf8(bytes_a).unwrap();
        for temp in [temp_a.path(), temp_b.path()] {
            let temp = temp.to_str().unwrap();
            assert!(!text.contains(temp), "{format} contains {temp}");
        }
        assert!(!text.contains("file://"), "{format} contains a file URL");
        assert!(
            text.contains("2023-11-14T22:13:20"),
            "{format} lacks the timestamp"
        );
    }
    // A different timestamp changes the CycloneDX serial number.
    let mut later = a.clone();
    later.timestamp += 1;
    let serial = |inv: &Inventory| {
        let mut bytes = Vec::new();
        sbom::render(inv, Format::CycloneDx, &mut bytes).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        doc["serialNumber"].as_str().unwrap().to_owned()
    };
    assert_ne!(serial(&a), serial(&later));
    assert!(serial(&a).starts_with("urn:uuid:"));
}

#[test]
fn formats_carry_roles_edges_and_two_versions() {
    let (_temp, root) = fixture_dir();
    let inv = sbom::collect(&live(&root)).unwrap();
    let outputs: BTreeMap<String, serde_json::Value> = render_all(&inv)
        .into_iter()
        .map(|(f, b)| (f.to_string(), serde_json::from_slice(&b).unwrap()))
        .collect();

    let cdx = &outputs["cyclonedx"];
    assert_eq!(cdx["specVersion"], "1.6");
    assert_eq!(
        cdx["metadata"]["tools"]["components"][0]["name"],
        "cargo-llapi"
    );
    assert_eq!(cdx["metadata"]["component"]["name"], "fixturews");
    let helper = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "buildhelper")
        .unwrap();
    assert_eq!(helper["scope"], "excluded");
    assert_eq!(helper["properties"][0]["value"], "build");
    let refs: Vec<&str> = cdx["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ref"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&"pkg:cargo/dup@0.1.0") && refs.contains(&"pkg:cargo/dup@0.2.0"));

    let spdx = &outputs["spdx"];
    let rels = spdx["relationships"].as_array().unwrap();
    assert!(rels
        .iter()
        .any(|r| r["relationshipType"] == "BUILD_DEPENDENCY_OF"
            && r["spdxElementId"] == "SPDXRef-Package-buildhelper-0.1.0"
            && r["relatedSpdxElement"] == "SPDXRef-Package-lib-a-0.3.0"));
    assert_eq!(rels[0]["relationshipType"], "DESCRIBES");

    let vigiles = &outputs["vigiles"];
    assert_eq!(vigiles["manifest_version"], "1.19");
    let packages = vigiles["packages"].as_object().unwrap();
    assert!(packages.contains_key("dup@0.1.0") && packages.contains_key("dup@0.2.0"));
    assert!(!packages.contains_key("dup"));
    assert_eq!(
        packages["app"]["dependencies"]["runtime"],
        serde_json::json!(["dup@0.1.0", "dup@0.2.0", "lib-a", "lib-b"])
    );
    assert_eq!(
        packages["lib-a"]["dependencies"]["build"],
        serde_json::json!(["buildhelper"])
    );
    assert_eq!(
        packages["buildinner"]["component_type"],
        serde_json::json!(["build"])
    );
    assert_eq!(
        packages["lib-b"]["component_type"],
        serde_json::json!(["component", "runtime"])
    );
}

/// A hand-made `cargo metadata` with a crates.io, a git and an other-registry package.
fn remote_sources_metadata(dir: &Path) -> PathBuf {
    let ws = "/home/someone/proj";
    let cio = "registry+https://github.com/rust-lang/crates.io-index";
    let git =
        "git+https://github.com/o/gitdep?branch=main#0123456789abcdef0123456789abcdef01234567";
    let reg = "sparse+https://registry.example.com/index/";
    let package = |name: &str, version: &str, source: Option<&str>, id: &str, license: &str| {
        serde_json::json!({"name": name, "version": version, "id": id, "source": source,
            "license": license, "license_file": null, "description": null, "authors": [],
            "repository": null, "homepage": null, "documentation": null,
            "manifest_path": format!("{ws}/x/{name}/Cargo.toml"), "targets": [], "features": {}})
    };
    let root_id = format!("path+file://{ws}#root@1.0.0");
    let itoa_id = format!("{cio}#itoa@1.0.15");
    let git_id = format!("{git}#gitdep@0.5.0");
    let reg_id = format!("{reg}#private@2.0.0");
    let dep = |id: &str| serde_json::json!({"name": "x", "pkg": id, "dep_kinds": [{"kind": null, "target": null}]});
    let metadata = serde_json::json!({
        "packages": [
            {"name": "root", "version": "1.0.0", "id": root_id, "source": null,
             "license": "Apache-2.0/MIT", "authors": ["Root Dev <root@example.com>"],
             "manifest_path": format!("{ws}/Cargo.toml")},
            package("itoa", "1.0.15", Some(cio), &itoa_id, "MIT OR Apache-2.0"),
            package("gitdep", "0.5.0", Some(git), &git_id, "MPL-2.0+"),
            package("private", "2.0.0", Some(reg), &reg_id, "Proprietary licence"),
        ],
        "workspace_members": [root_id],
        "resolve": {"root": root_id, "nodes": [
            {"id": root_id, "deps": [dep(&itoa_id), dep(&git_id), dep(&reg_id)]},
            {"id": itoa_id, "deps": []},
            {"id": git_id, "deps": []},
            {"id": reg_id, "deps": []},
        ]},
        "workspace_root": ws,
        "target_directory": format!("{ws}/target"),
        "version": 1
    });
    let path = dir.join("metadata.json");
    std::fs::write(&path, serde_json::to_vec(&metadata).unwrap()).unwrap();
    std::fs::write(
        dir.join("Cargo.lock"),
        format!(
            "version = 4\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.15\"\nsource = \"{cio}\"\n\
             checksum = \"4a5f13b858c8d314ee3e8f639011f7ccefe71f97f96e50151fb991f267928e2c\"\n\n\
             [[package]]\nname = \"private\"\nversion = \"2.0.0\"\nsource = \"{reg}\"\n\
             checksum = \"{}\"\n",
            "ab".repeat(32)
        ),
    )
    .unwrap();
    path
}

#[test]
fn registry_and_git_sources_get_checksums_purls_and_locations() {
    let temp = tempfile::tempdir().unwrap();
    let metadata_json = remote_sources_metadata(temp.path());
    let opts = SbomOptions {
        input: Input::Saved {
            metadata_json,
            lockfile: Some(temp.path().join("Cargo.lock")),
        },
        timestamp: Some(EPOCH),
        ..SbomOptions::default()
    };
    let inv = sbom::collect(&opts).unwrap();
    let by_name = |n: &str| inv.components.iter().find(|c| c.name == n).unwrap();
    let itoa = by_name("itoa");
    assert_eq!(
        itoa.sha256.as_deref(),
        Some("4a5f13b858c8d314ee3e8f639011f7ccefe71f97f96e50151fb991f267928e2c")
    );
    assert_eq!(itoa.purl, "pkg:cargo/itoa@1.0.15");
    let git = by_name("gitdep");
    assert_eq!(git.sha256, None);
    assert_eq!(
        git.purl,
        "pkg:cargo/gitdep@0.5.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fo%2Fgitdep%400123456789abcdef0123456789abcdef01234567"
    );
    let private = by_name("private");
    assert_eq!(private.sha256.as_deref(), Some("ab".repeat(32).as_str()));
    assert!(private
        .purl
        .contains("?repository_url=sparse%2Bhttps%3A%2F%2Fregistry.example.com"));
    assert_eq!(inv.name, "root-1.0.0");

    let mut vig = Vec::new();
    sbom::render(&inv, Format::Vigiles, &mut vig).unwrap();
    let vig: serde_json::Value = serde_json::from_slice(&vig).unwrap();
    assert_eq!(
        vig["packages"]["gitdep"]["download_location"],
        "git+https://github.com/o/gitdep@0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(
        vig["packages"]["gitdep"]["srcrev"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(
        vig["packages"]["itoa"]["checksums"],
        serde_json::json!([{"algorithm": "SHA256",
            "checksum_value": "4a5f13b858c8d314ee3e8f639011f7ccefe71f97f96e50151fb991f267928e2c"}])
    );
    assert_eq!(vig["packages"]["root"]["license"], "Apache-2.0 OR MIT");
    assert_eq!(vig["packages"]["private"]["license"], "Proprietary licence");
    for (_, bytes) in render_all(&inv) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("/home/someone"), "local path leaked");
    }

    // Without the lock file the error says how to make one.
    let opts = SbomOptions {
        input: Input::Saved {
            metadata_json: temp.path().join("metadata.json"),
            lockfile: None,
        },
        ..SbomOptions::default()
    };
    let err = sbom::collect(&opts).unwrap_err();
    assert!(err.to_string().contains("generate-lockfile"), "{err}");
}

#[test]
fn deno_every_resolve_node_is_shipped_or_left_out_for_a_reason() {
    let bench = fixture::bench_dir();
    let metadata_json = bench.join("deno-metadata.json");
    let lockfile = bench.join("deno-Cargo.lock");
    assert!(
        metadata_json.is_file(),
        "missing {}",
        metadata_json.display()
    );
    let opts = SbomOptions {
        input: Input::Saved {
            metadata_json: metadata_json.clone(),
            lockfile: Some(lockfile.clone()),
        },
        target: TargetSpec::Triple("x86_64-unknown-linux-gnu".into()),
        timestamp: Some(EPOCH),
        ..SbomOptions::default()
    };
    let inv = sbom::collect(&opts).unwrap();

    // Independent reading of the inputs.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&metadata_json).unwrap()).unwrap();
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1113);
    let mut resolve: Vec<(String, String, Option<String>)> = nodes
        .iter()
        .map(|n| {
            let id = n["id"].as_str().unwrap();
            let p = meta["packages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == id)
                .unwrap();
            (
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                p["source"].as_str().map(str::to_owned),
            )
        })
        .collect();
    resolve.sort();
    let mut accounted: Vec<(String, String)> = inv
        .components
        .iter()
        .map(|c| (c.name.clone(), c.version.clone()))
        .chain(
            inv.excluded
                .iter()
                .map(|e| (e.name.clone(), e.version.clone())),
        )
        .collect();
    accounted.sort();
    let expected: Vec<(String, String)> = resolve
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    assert_eq!(accounted, expected, "each node exactly once");
    assert!(inv
        .excluded
        .iter()
        .all(|e| matches!(e.reason, Reason::DevOnly | Reason::OtherPlatform)));
    let counts = inv.excluded_counts();
    assert!(counts.iter().any(|(r, n)| *r == Reason::DevOnly && *n > 0));
    assert!(counts
        .iter()
        .any(|(r, n)| *r == Reason::OtherPlatform && *n > 0));
    // Windows-only crates are left out for Linux.
    assert!(inv
        .excluded
        .iter()
        .any(|e| e.name == "windows-sys" && e.reason == Reason::OtherPlatform));

    // Every registry crate carries the lock file's checksum.
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(&lockfile).unwrap()).unwrap();
    let sums: BTreeMap<(String, String), String> = lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            Some((
                (
                    p["name"].as_str()?.to_owned(),
                    p["version"].as_str()?.to_owned(),
                ),
                p.get("checksum")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    let registry: Vec<_> = inv
        .components
        .iter()
        .filter(|c| c.purl.starts_with("pkg:cargo/") && !c.member && c.sha256.is_some())
        .collect();
    let without: Vec<String> = inv
        .components
        .iter()
        .filter(|c| matches!(c.source, llapi::sbom::purl::Source::CratesIo))
        .filter(|c| {
            c.sha256.as_deref()
                != sums
                    .get(&(c.name.clone(), c.version.clone()))
                    .map(String::as_str)
        })
        .map(|c| format!("{}@{}", c.name, c.version))
        .collect();
    assert!(
        without.is_empty(),
        "wrong or missing checksums: {without:?}"
    );
    assert!(registry.len() > 800, "{} registry crates", registry.len());
    println!("deno: {}", inv.summary(Format::CycloneDx));
}

#[test]
fn a_workspace_with_a_root_package_is_named_after_it() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("checkout-dir");
    std::fs::create_dir(&root).unwrap();
    fixture::create(
        &root,
        "\n[package]\nname = \"top\"\nversion = \"2.0.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n",
    );
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(root.join("src/lib.rs"), "").unwrap();
    let inv = sbom::collect(&live(&root)).unwrap();
    assert_eq!(inv.name, "top-2.0.0");
    match &inv.root {
        Root::Workspace {
            name,
            version,
            members,
        } => {
            assert_eq!((name.as_str(), version.as_str()), ("top", "2.0.0"));
            assert_eq!(members.len(), 4);
        }
        other => panic!("expected a workspace root, got {other:?}"),
    }
    let mut bytes = Vec::new();
    sbom::render(&inv, Format::CycloneDx, &mut bytes).unwrap();
    assert!(!String::from_utf8(bytes).unwrap().contains("checkout-dir"));
}

#[test]
fn another_target_triple_selects_its_platform_dependencies() {
    let (temp, root) = fixture_dir();
    let windows = TargetSpec::Triple("x86_64-pc-windows-msvc".into());
    // Live: cargo's --filter-platform.
    let mut opts = live(&root);
    opts.target = windows.clone();
    let live_inv = sbom::collect(&opts).unwrap();
    let r = roles(&live_inv);
    assert!(r.contains_key("winonly@0.1.0") && !r.contains_key("unixonly@0.1.0"));
    assert_eq!(live_inv.target, "x86_64-pc-windows-msvc");
    // Saved metadata: the target's cfg values from rustc.
    let saved = temp.path().join("metadata.json");
    fixture::save_metadata(&root, &saved);
    let opts = SbomOptions {
        input: Input::Saved {
            metadata_json: saved,
            lockfile: None,
        },
        target: windows,
        timestamp: Some(EPOCH),
        ..SbomOptions::default()
    };
    let inv = sbom::collect(&opts).unwrap();
    assert_eq!(roles(&inv), r);
    assert_eq!(excluded(&inv)["unixonly@0.1.0"], Reason::OtherPlatform);
}
