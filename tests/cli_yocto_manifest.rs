//! `cargo-llapi yocto-manifest`: metadata from llapi.bbclass in, Vigiles manifest out; bad input
//! is one line and exit code 2.

#[path = "support/cli.rs"]
mod cli;

use cli::{code, stderr, Sandbox};

const METADATA: &str = r#"{
  "format": "llapi-yocto-metadata", "version": 1,
  "image": {"name": "img", "image": "core-image-minimal", "machine": "qemux86-64",
            "distro": "wrynose", "distro_version": "6.0", "date": "2026-01-02T03:04:05+00:00",
            "layers": {"core": {"path": "/layers/meta"}}},
  "recipes": [
    {"pn": "busybox", "pv": "1.36.1", "cve_version": "1.36.1", "cve_product": "busybox",
     "license": "GPL-2.0-only", "src_uri": ["file://defconfig", "https://busybox.net/busybox-1.36.1.tar.bz2"],
     "patches": [{"name": "CVE-2022-48174.patch", "cves": ["CVE-2022-48174"]}],
     "cve_status": [], "depends": ["virtual/libc"], "rdepends": [], "cargo_lock": null},
    {"pn": "app", "pv": "0.1", "depends": [], "rdepends": ["busybox"], "cargo_lock": "app.Cargo.lock"}
  ]
}"#;

const LOCK: &str = r#"
version = 4
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["busybox"]
[[package]]
name = "busybox"
version = "0.2.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "abcd"
"#;

#[test]
fn writes_the_manifest() {
    let sandbox = Sandbox::new();
    let metadata = sandbox.write("meta/metadata.json", METADATA);
    sandbox.write("meta/app.Cargo.lock", LOCK);
    let output = sandbox.path("out/img.json");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let run = sandbox
        .cmd()
        .args(["yocto-manifest", "--metadata"])
        .arg(&metadata)
        .arg("--output")
        .arg(&output)
        .args(["--name", "renamed"])
        .output()
        .unwrap();
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    assert_eq!(manifest["manifest_name"], "renamed");
    assert_eq!(manifest["date"], "2026-01-02T03:04:05+00:00");
    let packages = manifest["packages"].as_object().unwrap();
    // The crate named like a recipe gets a name@version key instead of replacing the recipe.
    let mut keys: Vec<&str> = packages.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["app", "busybox", "busybox@0.2.0", "virtual/libc"]);
    assert_eq!(
        packages["busybox"]["download_location"],
        "https://busybox.net/busybox-1.36.1.tar.bz2"
    );
    assert_eq!(packages["busybox@0.2.0"]["cve_product"], "busybox");
    assert_eq!(
        packages["app"]["dependencies"]["build"],
        serde_json::json!(["busybox@0.2.0"])
    );
    assert_eq!(
        packages["app"]["dependencies"]["runtime"],
        serde_json::json!(["busybox"])
    );
    assert_eq!(manifest["vulnerabilities"][0]["id"], "CVE-2022-48174");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let sandbox = Sandbox::new();
    let out = sandbox.path("out.json");
    let cases = [
        ("missing.json", None, "cannot read Yocto metadata"),
        ("bad.json", Some("{not json"), "is not valid JSON"),
        (
            "other.json",
            Some(r#"{"format": "x", "version": 1, "image": {"name": "i"}}"#),
            "is not llapi-yocto-metadata",
        ),
        (
            "nolock.json",
            Some(
                r#"{"format": "llapi-yocto-metadata", "version": 1, "image": {"name": "i"}, "recipes": [{"pn": "a", "cargo_lock": "none.lock"}]}"#,
            ),
            "cannot read Cargo.lock",
        ),
    ];
    for (name, content, message) in cases {
        let path = match content {
            Some(text) => sandbox.write(name, text),
            None => sandbox.path(name),
        };
        let run = sandbox
            .cmd()
            .args(["yocto-manifest", "--metadata"])
            .arg(&path)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        let err = stderr(&run);
        assert_eq!(code(&run), 2, "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(!out.exists(), "{name}");
    }
}
