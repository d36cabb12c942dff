//! `cargo llapi manifest` end to end on a fixture workspace: formats, output, settings,
//! reproducibility, errors, and validation of the output with the official tools
//! (tests/sbom/validate.py).

#[path = "support/sbom_fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-llapi"));
    cmd.env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("RUST_LOG");
    cmd
}

fn run(args: &[&str], root: &Path) -> Output {
    let mut cmd = bin();
    cmd.arg("manifest")
        .args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
    cmd.output().unwrap()
}

fn fixture(extra_toml: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("fixturews");
    std::fs::create_dir(&root).unwrap();
    fixture::create(&root, extra_toml);
    (temp, root)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn writes_each_format_to_stdout_reproducibly() {
    let (_temp, root) = fixture("");
    for (format, marker) in [
        ("cyclonedx", "\"specVersion\": \"1.6\""),
        ("spdx", "\"spdxVersion\": \"SPDX-2.3\""),
        ("vigiles", "\"manifest_version\": \"1.19\""),
    ] {
        let first = run(&["--format", format], &root);
        assert!(first.status.success(), "{format}: {}", stderr(&first));
        let text = String::from_utf8(first.stdout.clone()).unwrap();
        assert!(text.contains(marker), "{format}: {text}");
        assert!(
            text.contains("2023-11-14T22:13:20"),
            "{format}: SOURCE_DATE_EPOCH not used"
        );
        assert!(
            stderr(&first).contains("left out: 1 dev-only"),
            "summary: {}",
            stderr(&first)
        );
        let second = run(&["--format", format], &root);
        assert!(first.stdout == second.stdout, "{format}: runs differ");
    }
}

#[test]
fn output_file_default_format_setting_and_name() {
    let (temp, root) = fixture("[workspace.metadata.llapi]\nformat = \"spdx\"\n");
    let out = temp.path().join("out/sbom.json");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    let result = run(
        &[
            "-p",
            "app",
            "-o",
            out.to_str().unwrap(),
            "--name",
            "my-product",
        ],
        &root,
    );
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(result.stdout.is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        doc["spdxVersion"], "SPDX-2.3",
        "format from [workspace.metadata.llapi]"
    );
    assert_eq!(doc["name"], "my-product");
    // --format wins over the setting; the default name is the root package's.
    let result = run(&["-p", "app", "--format", "vigiles"], &root);
    let doc: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(doc["manifest_name"], "app-1.2.0");
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn bad_input_is_one_line_with_exit_code_2() {
    let (temp, root) = fixture("");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--format".into(), "xml".into()], "xml"),
        (vec!["-p".into(), "nope".into()], "`nope` is not a member"),
        (
            vec![
                "--metadata-json".into(),
                temp.path().join("missing.json").to_str().unwrap().into(),
            ],
            "metadata file",
        ),
        (
            vec![
                "--metadata-json".into(),
                "m.json".into(),
                "--all-features".into(),
            ],
            "--all-features applies to a cargo run",
        ),
        (
            vec![
                "--output".into(),
                temp.path()
                    .join("no/such/dir/sbom.json")
                    .to_str()
                    .unwrap()
                    .into(),
            ],
            "no/such/dir does not exist",
        ),
    ];
    for (args, needle) in cases {
        let mut cmd = bin();
        cmd.arg("manifest").args(&args);
        if !args.contains(&"--metadata-json".to_owned()) {
            cmd.arg("--offline")
                .arg("--manifest-path")
                .arg(root.join("Cargo.toml"));
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("error: ") && first.contains(needle),
            "{args:?}: {err}"
        );
        if args[0] != "--format" {
            // Library errors are one line; clap adds its usage hint after its own.
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        }
    }
    // A broken Cargo.toml: cargo's own error, in one line.
    std::fs::write(root.join("Cargo.toml"), "[workspace\n").unwrap();
    let out = run(&[], &root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cargo metadata failed:"),
        "{}",
        stderr(&out)
    );
    // A saved metadata without a lock file says how to make one.
    let saved = temp.path().join("meta.json");
    let (_t2, good) = fixture("");
    fixture::save_metadata(&good, &saved);
    std::fs::remove_file(good.join("Cargo.lock")).unwrap();
    let out = bin()
        .args(["manifest", "--metadata-json", saved.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cargo generate-lockfile"),
        "{}",
        stderr(&out)
    );
}

/// `$CARGO` as a script that runs the real cargo after 300 kB of warnings on stderr (more than a
/// pipe holds); with `SPLIT_OUTPUT` set it prints the document's `{` on a line of its own and
/// the rest a moment later, and with `FAIL_AFTER` set it fails after printing its output.
#[cfg(unix)]
fn chatty_cargo(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let script = dir.join("chatty-cargo");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nyes 'warning: noise' | head -n 20000 >&2\n\
             out=$('{real}' \"$@\") || exit $?\n\
             if [ -n \"$SPLIT_OUTPUT\" ]; then\n\
             printf '{{\\n'; sleep 0.2; printf '%s\\n' \"$out\" | cut -c2-\n\
             else printf '%s\\n' \"$out\"; fi\n\
             [ -z \"$FAIL_AFTER\" ] || {{ echo 'error: failed after printing' >&2; exit 101; }}\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[cfg(unix)]
#[test]
fn cargo_failing_after_printing_its_output_leaves_no_file() {
    let (temp, root) = fixture("");
    let cargo = chatty_cargo(temp.path());
    let out_dir = temp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("app.cdx.json");
    let manifest = |env: Option<&str>, output: Option<&Path>| {
        let mut cmd = bin();
        cmd.env("CARGO", &cargo)
            .arg("manifest")
            .arg("--offline")
            .arg("--manifest-path")
            .arg(root.join("Cargo.toml"));
        if let Some(var) = env {
            cmd.env(var, "1");
        }
        if let Some(path) = output {
            cmd.arg("--output").arg(path);
        }
        cmd.output().unwrap()
    };
    // Its error output does not block it, and a line break in its output does not end it.
    let ok = manifest(None, Some(&target));
    assert!(ok.status.success(), "{}", stderr(&ok));
    let printed = manifest(None, None);
    let split = manifest(Some("SPLIT_OUTPUT"), None);
    assert!(split.status.success(), "{}", stderr(&split));
    assert_eq!(split.stdout, printed.stdout);
    assert_eq!(printed.stdout, std::fs::read(&target).unwrap());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("CycloneDX"));
    std::fs::write(&target, "old").unwrap();
    for output in [Some(target.as_path()), None] {
        let out = manifest(Some("FAIL_AFTER"), output);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(
            stderr(&out).trim_end(),
            "error: cargo metadata failed: failed after printing"
        );
        assert!(out.stdout.is_empty(), "{output:?}: something was printed");
        assert_eq!(std::fs::read(&target).unwrap(), b"old", "file replaced");
        assert_eq!(
            std::fs::read_dir(&out_dir).unwrap().count(),
            1,
            "temp file left"
        );
    }
    // A cargo that fails outright writes no file either.
    std::fs::write(root.join("Cargo.toml"), "[workspace\n").unwrap();
    let fresh = out_dir.join("new.cdx.json");
    let out = manifest(None, Some(&fresh));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: cargo metadata failed:"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!fresh.exists());
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);
}

/// The Python interpreter that has the validators: $LLAPI_PYTHON, the repository's .venv, or
/// python3 on PATH; `None` (with the reason) when the tools are not importable.
fn validator_python() -> Result<PathBuf, String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let candidates: Vec<PathBuf> = match std::env::var_os("LLAPI_PYTHON") {
        Some(p) => vec![p.into()],
        None => vec![repo.join(".venv/bin/python"), "python3".into()],
    };
    for python in &candidates {
        let ok = Command::new(python)
            .args([
                "-c",
                "import cyclonedx.validation.json, spdx_tools, ntia_conformance_checker",
            ])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Ok(python.clone());
        }
    }
    Err(format!(
        "no Python with the SBOM validators among {candidates:?}; \
         install them with `pip install -r tests/requirements.txt`"
    ))
}

#[test]
fn fixture_manifests_pass_the_official_validators() {
    let python = match validator_python() {
        Ok(p) => p,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => panic!("{why}"),
        Err(why) => {
            eprintln!("SKIPPED fixture_manifests_pass_the_official_validators: {why}");
            return;
        }
    };
    let (temp, root) = fixture("");
    let mut files = Vec::new();
    for (format, args) in [
        ("cyclonedx", vec![]),
        ("spdx", vec![]),
        ("cyclonedx", vec!["-p", "app", "--include-dev"]),
        ("spdx", vec!["-p", "app", "--include-dev"]),
        ("spdx", vec!["--target", "all", "--all-features"]),
    ] {
        let path = temp.path().join(format!("{}-{format}.json", files.len()));
        let mut all = vec!["--format", format, "-o", path.to_str().unwrap()];
        all.extend(args);
        let out = run(&all, &root);
        assert!(out.status.success(), "{}", stderr(&out));
        files.push(path);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sbom/validate.py");
    let out = Command::new(&python)
        .arg(script)
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "validation failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.matches(": valid").count(), files.len(), "{report}");
}
