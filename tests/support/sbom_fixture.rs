//! A fixture Cargo workspace for SBOM tests, with path dependencies only (so `cargo metadata
//! --offline` works without network):
//!
//! * members `app` (1.2.0, binary), `lib-a` (0.3.0), `lib-b` (0.3.0);
//! * `app` depends on `lib-a`, `lib-b`, `dup` 0.2.0 and, renamed as `old_dup`, `dup` 0.1.0
//!   (one crate in two versions), and has the dev-dependency `testhelper`;
//! * `lib-a` has the build-dependency `buildhelper`, which depends on `buildinner`;
//! * `lib-b` has `winonly` for `cfg(windows)`, `unixonly` for `cfg(unix)`, and the optional
//!   `featdep` behind its feature `extra`.
//!
//! Non-member crates live under `vendor/` (excluded from the workspace).

#![allow(dead_code)]

use std::path::Path;

/// The non-member crates: (directory under vendor/, name, version, dependencies section).
const VENDOR: [(&str, &str, &str, &str); 8] = [
    ("dup-0.1", "dup", "0.1.0", ""),
    ("dup-0.2", "dup", "0.2.0", ""),
    (
        "buildhelper",
        "buildhelper",
        "0.1.0",
        "[dependencies]\nbuildinner = { path = \"../buildinner\" }\n",
    ),
    ("buildinner", "buildinner", "0.1.0", ""),
    ("testhelper", "testhelper", "0.1.0", ""),
    ("featdep", "featdep", "0.1.0", ""),
    ("winonly", "winonly", "0.1.0", ""),
    ("unixonly", "unixonly", "0.1.0", ""),
];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes the fixture workspace into `root` (which should exist); `extra_root_toml` is
/// appended to the workspace Cargo.toml (e.g. a `[workspace.metadata.llapi]` table).
pub fn create(root: &Path, extra_root_toml: &str) {
    write(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nmembers = [\"app\", \"lib-a\", \"lib-b\"]\nexclude = [\"vendor\"]\n\
             resolver = \"2\"\n{extra_root_toml}"
        ),
    );
    write(
        &root.join("app/Cargo.toml"),
        r#"[package]
name = "app"
version = "1.2.0"
edition = "2021"
authors = ["Ann Author <ann@example.com>"]
license = "MIT/Apache-2.0"
description = "The fixture application"
repository = "https://example.com/fixture/app"

[dependencies]
lib-a = { path = "../lib-a" }
lib-b = { path = "../lib-b" }
dup = { path = "../vendor/dup-0.2" }
old_dup = { package = "dup", path = "../vendor/dup-0.1" }

[dev-dependencies]
testhelper = { path = "../vendor/testhelper" }
"#,
    );
    write(&root.join("app/src/main.rs"), "fn main() {}\n");
    write(
        &root.join("lib-a/Cargo.toml"),
        r#"[package]
name = "lib-a"
version = "0.3.0"
edition = "2021"
license = "Apache-2.0"

[build-dependencies]
buildhelper = { path = "../vendor/buildhelper" }
"#,
    );
    write(&root.join("lib-a/src/lib.rs"), "");
    write(&root.join("lib-a/build.rs"), "fn main() {}\n");
    write(
        &root.join("lib-b/Cargo.toml"),
        r#"[package]
name = "lib-b"
version = "0.3.0"
edition = "2021"
license = "GPL-2.0+"

[features]
extra = ["dep:featdep"]

[dependencies]
featdep = { path = "../vendor/featdep", optional = true }

[target.'cfg(windows)'.dependencies]
winonly = { path = "../vendor/winonly" }

[target.'cfg(unix)'.dependencies]
unixonly = { path = "../vendor/unixonly" }
"#,
    );
    write(&root.join("lib-b/src/lib.rs"), "");
    for (dir, name, version, deps) in VENDOR {
        write(
            &root.join("vendor").join(dir).join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
                 license = \"MIT\"\n\n{deps}"
            ),
        );
        write(&root.join("vendor").join(dir).join("src/lib.rs"), "");
    }
}

/// Runs `cargo metadata --format-version 1 --offline` (all platforms) in `root` and saves
/// the output to `out`, as a user would for `--metadata-json`.
pub fn save_metadata(root: &Path, out: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out, output.stdout).unwrap();
}

/// Path of the shared benchmark inputs (`../shared/bench` from the repository root).
pub fn bench_dir() -> std::path::PathBuf {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo_root = if repo_root.join("src/sbom").is_dir() {
        repo_root.to_path_buf()
    } else {
        repo_root.parent().unwrap().to_path_buf()
    };
    repo_root.join("../shared/bench")
}
