//! Uploads end to end against the test server: retries, faults, spool, options, policy, jobs.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cli::{code, stderr, stdout};
use e2e::{vigiles_manifest, Step, World};
use serde_json::Value as Json;

fn has_key(bytes: &[u8]) -> bool {
    bytes
        .windows(e2e::KEY.len())
        .any(|w| w == e2e::KEY.as_bytes())
}

#[test]
fn two_503s_then_ok_stores_exactly_one_identical_manifest() {
    let w = World::new();
    w.server.set_script(vec![Step::status(503).times(2)]);
    let content = vigiles_manifest("img", false);
    let file = w.manifest("img.json", &content);
    let out = w.cmd().arg("upload").arg(&file).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].bytes(),
        content.as_bytes(),
        "byte-identical, whitespace kept"
    );
    assert_eq!(w.server.requests().len(), 3);
    assert!(
        stderr(&out).contains("(attempt 1 of 5)"),
        "{}",
        stderr(&out)
    );
    assert!(w.spool_entries().is_empty());
}

#[test]
fn connection_reset_then_ok() {
    let w = World::new();
    w.server.set_script(vec![Step::reset()]);
    let file = w.manifest("img.json", &vigiles_manifest("img", false));
    let out = w.cmd().arg("upload").arg(&file).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(w.server.manifests().len(), 1);
}

#[test]
fn forbidden_is_one_request_and_exit_1_naming_the_cause() {
    let w = World::new();
    w.server.set_script(vec![Step::status(403)]);
    let file = w.manifest("img.json", &vigiles_manifest("img", false));
    let out = w.cmd().arg("upload").arg(&file).output().unwrap();
    assert_eq!(code(&out), 1);
    assert_eq!(w.server.requests().len(), 1);
    let err = stderr(&out);
    assert!(
        err.contains("403") && err.contains("invalid credentials"),
        "{err}"
    );
    assert!(w.server.manifests().is_empty());
}

#[test]
fn persistent_503_is_spooled_without_the_key_then_flushed() {
    let w = World::new();
    w.server.set_script(vec![Step::status(503).always()]);
    let content = vigiles_manifest("img", true);
    let file = w.manifest("img.json", &content);
    let out = w
        .cmd()
        .args(["upload", "--retries", "2", "--name", "nightly"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(w.server.requests().len(), 3, "exactly 3 attempts");
    let entries = w.spool_entries();
    assert_eq!(entries.len(), 1);
    assert!(
        stderr(&out).contains(&entries[0].display().to_string()),
        "the failing command says where the manifest is kept"
    );
    assert!(!has_key(&w.all_files_except_key()), "no file holds the key");
    assert!(!has_key(&out.stdout) && !has_key(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&w.spool_dir()), 0o700);
        assert_eq!(mode(&entries[0]), 0o700);
        for f in std::fs::read_dir(&entries[0]).unwrap() {
            assert_eq!(mode(&f.unwrap().path()), 0o600);
        }
    }
    let list = w
        .cmd()
        .args(["spool", "list", "--message-format", "json"])
        .output()
        .unwrap();
    let j: Json = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(j["entries"][0]["name"], "nightly");

    // The original file can go away: the entry is self-contained.
    std::fs::remove_file(&file).unwrap();
    w.server.set_script(vec![]);
    let out = w.cmd().args(["spool", "flush"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes(), content.as_bytes());
    assert_eq!(stored[0].param("manifest_name"), Some("nightly"));
    assert!(w.spool_entries().is_empty());
}

#[test]
fn flush_keeps_entries_the_server_refuses() {
    let w = World::new();
    let file = w.manifest("img.json", &vigiles_manifest("img", false));
    let out = w
        .cmd()
        .args(["upload", "--offline"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(w.server.requests().is_empty(), "--offline sends nothing");
    w.server.set_script(vec![Step::status(500).always()]);
    let out = w
        .cmd()
        .args(["spool", "flush", "--retries", "0"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    assert_eq!(w.spool_entries().len(), 1);
}

#[test]
fn html_answer_and_hanging_server_fail_clearly() {
    let w = World::new();
    w.server.set_script(vec![Step::body(
        "<html><body>Login</body></html>",
        "text/html",
    )]);
    let file = w.manifest("img.json", &vigiles_manifest("img", false));
    let out = w.cmd().arg("upload").arg(&file).output().unwrap();
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));

    w.server.set_script(vec![Step::delay(20_000).always()]);
    let started = Instant::now();
    let out = w
        .cmd()
        .args(["upload", "--timeout", "1", "--retries", "1", "--no-spool"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "gave up in {:?}",
        started.elapsed()
    );
    assert!(stderr(&out).contains("in time"), "{}", stderr(&out));
}

#[test]
fn every_option_reaches_the_server_under_the_reference_names() {
    let w = World::new();
    let dash =
        w.sb.write("dash.json", r#"{"group": "GTOK", "folder": "FTOK"}"#);
    let kconf = w.sb.write("kernel.config", "CONFIG_A=y\n");
    let uconf = w.sb.write("uboot.config", "CONFIG_B=y\n");
    let file = w.manifest("img.json", &vigiles_manifest("img", true));
    let export = w.sb.path("out/report.txt");
    std::fs::create_dir_all(export.parent().unwrap()).unwrap();
    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .arg("--dashboard-config")
        .arg(&dash)
        .args([
            "--name",
            "board-a",
            "--subfolder",
            "nightly",
            "--filter-results",
        ])
        .args([
            "--extra-fields",
            "impact,description",
            "--ecosystems",
            "crates.io,pypi",
        ])
        .args(["--subscribe", "weekly", "--export-format", "csv"])
        .arg("--kernel-config")
        .arg(&kconf)
        .arg("--uboot-config")
        .arg(&uconf)
        .arg("--export-path")
        .arg(&export)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = &w.server.manifests()[0];
    assert_eq!(m.param("manifest_name"), Some("board-a"));
    assert_eq!(m.param("subfolder_name"), Some("nightly"));
    assert_eq!(m.param("group_token"), Some("GTOK"));
    assert_eq!(m.param("folder_token"), Some("FTOK"));
    assert_eq!(m.param("filter_results"), Some("True"));
    assert_eq!(m.param("upload_only"), Some("False"));
    assert_eq!(m.param("kernel_config"), Some("CONFIG_A=y\n"));
    assert_eq!(m.param("uboot_config"), Some("CONFIG_B=y\n"));
    assert_eq!(m.param("ecosystems"), Some("crates.io,PyPI"));
    assert_eq!(m.param("subscribe"), Some("weekly"));
    assert_eq!(m.param("export_format"), Some("csv"));
    let req = w
        .server
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v1/vigiles/manifests")
        .unwrap();
    assert_eq!(req.params("with_field"), vec!["impact", "description"]);
    let csv = w.sb.path("out/report.csv");
    assert!(
        std::fs::read_to_string(&csv).unwrap().contains("CVE-"),
        "exported report written"
    );
    let text = stdout(&out);
    assert!(text.contains("Report: http://127.0.0.1:"), "{text}");
    assert!(text.contains("Unfixed: "), "{text}");
}

#[test]
fn a_uboot_build_directory_is_sent_merged_and_a_kernel_config_directory_is_refused() {
    let w = World::new();
    w.sb.write(
        "u-boot/a_defconfig/.config",
        "#\n# U-Boot 2024.01 Configuration\n#\nCONFIG_Z=y\n# CONFIG_OFF is not set\nCONFIG_N=42\n",
    );
    w.sb.write("u-boot/a_defconfig/include/autoconf.mk", "CONFIG_BOARD=y\n");
    w.sb.write("u-boot/b_defconfig/.config", "CONFIG_Z=y\nCONFIG_A=y\n");
    let file = w.manifest("img.json", &vigiles_manifest("img", true));
    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .arg("--uboot-config")
        .arg(w.sb.path("u-boot"))
        .arg("--upload-only")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = &w.server.manifests()[0];
    assert_eq!(
        m.param("uboot_config"),
        Some("#\n# U-Boot 2024.01 Configuration\n#\nCONFIG_A=y\nCONFIG_BOARD=y\nCONFIG_Z=y\n")
    );
    for (flag, needle) in [
        ("--kernel-config", "is a directory"),
        ("--uboot-config", "has no .config"),
    ] {
        let out = w
            .cmd()
            .arg("upload")
            .arg(&file)
            .arg(flag)
            .arg(w.sb.path("u-boot/a_defconfig/include"))
            .output()
            .unwrap();
        assert_eq!(code(&out), 2, "{flag}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{flag}: {}", stderr(&out));
    }
    assert_eq!(
        w.server.manifests().len(),
        1,
        "refused uploads send nothing"
    );
}

#[test]
fn product_dashboards_send_product_token_and_private_workspace_warns() {
    let w = World::new();
    let dash = w.sb.write("dash.json", r#"{"product": "PTOK"}"#);
    let file = w.manifest("img.json", &vigiles_manifest("img", false));
    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .arg("--dashboard-config")
        .arg(&dash)
        .arg("--upload-only")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = &w.server.manifests()[0];
    assert_eq!(m.param("product_token"), Some("PTOK"));
    assert_eq!(m.param("group_token"), None);
    assert_eq!(m.param("upload_only"), Some("True"));

    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .args(["--subfolder", "x"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Upload target will be \"Private Workspace\""),
        "{err}"
    );
    assert!(err.contains("does not support folders"), "{err}");
    let m = &w.server.manifests()[1];
    assert_eq!(
        (m.param("subfolder_name"), m.param("folder_token")),
        (None, None)
    );
}

#[test]
fn fail_on_gives_exit_3_only_when_counts_exceed_the_limit() {
    let w = World::new();
    let vulnerable = w.manifest("v.json", &vigiles_manifest("v", true));
    let clean = w.manifest("c.json", &vigiles_manifest("c", false));
    let upload = |rule: &str, file: &std::path::Path| {
        w.cmd()
            .args(["upload", "--fail-on", rule])
            .arg(file)
            .output()
            .unwrap()
    };
    let out = upload("unfixed", &vulnerable);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("policy failed"), "{}", stderr(&out));
    let out = upload("unfixed=1000", &vulnerable);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = upload("high", &clean);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(code(&upload("purple", &clean)), 2);
}

/// `count` manifests `PREFIX00.json`, `PREFIX01.json`, ... named `PREFIX00`, `PREFIX01`, ...
fn numbered_manifests(w: &World, prefix: &str, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let name = format!("{prefix}{i:02}");
            w.manifest(&format!("{name}.json"), &vigiles_manifest(&name, false))
        })
        .collect()
}

#[test]
fn twenty_files_four_jobs_each_stored_once() {
    let w = World::new();
    let files = numbered_manifests(&w, "m", 20);
    let out = w
        .cmd()
        .args(["upload", "--jobs", "4", "--message-format", "json"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 20);
    let mut names: Vec<String> = stored
        .iter()
        .map(|m| String::from_utf8_lossy(m.bytes()).into_owned())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 20, "none twice");
    let results: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.as_array().unwrap().len(), 20);
    assert!(results[0]["manifest_token"].is_string() && results[0]["file"].is_string());
}

#[test]
fn one_failure_among_several_fails_the_command() {
    let w = World::new();
    let good = w.manifest("good.json", &vigiles_manifest("g", false));
    let missing = w.sb.path("missing.json");
    let out = w
        .cmd()
        .arg("upload")
        .arg(&good)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(w.server.manifests().len(), 1);
}

#[test]
fn json_output_and_report_file_never_hold_the_key() {
    let w = World::new();
    let file = w.manifest("img.json", &vigiles_manifest("img", true));
    let report = w.sb.path("report.txt");
    let out = w
        .cmd()
        .args(["upload", "--message-format", "json", "-v"])
        .arg("--report-file")
        .arg(&report)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["manifest_token"].is_string());
    assert!(j["counts"].is_object());
    assert_eq!(j["target"]["kind"], Json::Null);
    assert_eq!(j["spool"], Json::Null);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("Unfixed") && text.contains("openssl"),
        "{text}"
    );
    let dry = w.sb.path("request.json");
    let out = w
        .cmd()
        .args(["upload", "--dry-run", "--request-out"])
        .arg(&dry)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let req: Json = serde_json::from_slice(&std::fs::read(&dry).unwrap()).unwrap();
    assert!(req["headers"]["X-Auth-Signature"].is_string());
    assert!(!has_key(&w.all_files_except_key()));
    assert!(!has_key(&out.stdout) && !has_key(&out.stderr));
}

#[test]
fn workspace_metadata_settings_apply_and_flags_win() {
    let w = World::new();
    w.sb.write(
        "proj/Cargo.toml",
        "[workspace]\nmembers = []\n\n[workspace.metadata.llapi]\nfilter-results = true\nextra-fields = [\"impact\"]\nsubscribe = \"daily\"\nfail-on = \"unfixed\"\nspool-dir = \"kept\"\n",
    );
    let file = w.manifest("proj/v.json", &vigiles_manifest("v", true));
    let run = |extra: &[&str]| {
        w.cmd()
            .current_dir(w.sb.path("proj"))
            .env_remove("LLAPI_SPOOL_DIR")
            .arg("upload")
            .arg(&file)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(
        code(&out),
        3,
        "fail-on from the workspace: {}",
        stderr(&out)
    );
    let m = &w.server.manifests()[0];
    assert_eq!(m.param("filter_results"), Some("True"));
    assert_eq!(m.param("subscribe"), Some("daily"));
    let out = run(&["--fail-on", "unfixed=99", "--subscribe", "monthly"]);
    assert_eq!(code(&out), 0, "flags win: {}", stderr(&out));
    assert_eq!(w.server.manifests()[1].param("subscribe"), Some("monthly"));
    w.server.set_script(vec![Step::status(500).always()]);
    let out = run(&["--retries", "0"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        std::fs::read_dir(w.sb.path("proj/kept")).unwrap().count(),
        1,
        "spool-dir from the workspace"
    );
}

/// A one-crate Cargo project with a path dependency (works offline).
fn fixture_project(w: &World) -> std::path::PathBuf {
    w.sb.write(
        "demo/Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"1.2.3\"\nedition = \"2021\"\nlicense = \"MIT/Apache-2.0\"\n\n[dependencies]\nhelper = { path = \"helper\" }\n\n[workspace]\n\n[workspace.metadata.llapi]\nformat = \"vigiles\"\n",
    );
    w.sb.write("demo/src/lib.rs", "");
    w.sb.write(
        "demo/helper/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"0.4.0\"\nedition = \"2021\"\n",
    );
    w.sb.write("demo/helper/src/lib.rs", "");
    w.sb.path("demo")
}

#[test]
fn without_file_the_project_manifest_is_generated_and_uploaded() {
    let w = World::new();
    let project = fixture_project(&w);
    let out = w
        .cmd()
        .current_dir(&project)
        .args(["upload", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "unknown flags are usage errors");
    let out = w
        .cmd()
        .current_dir(&project)
        .args(["upload", "--format", "cyclonedx"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = &w.server.manifests()[0];
    assert_eq!(m.param("manifest_name"), Some("demo-1.2.3"));
    let bom: Json = serde_json::from_slice(m.bytes()).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["metadata"]["component"]["name"], "demo");
    assert!(bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "helper"));

    // The workspace's `format` applies when --format is not given.
    let out = w
        .cmd()
        .current_dir(&project)
        .arg("upload")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let vigiles: Json = serde_json::from_slice(w.server.manifests()[1].bytes()).unwrap();
    assert!(vigiles["packages"]["helper"].is_object(), "{vigiles}");
}

#[test]
fn main_job_dry_run_needs_no_key_and_no_server() {
    let w = World::new();
    let project = fixture_project(&w);
    let out =
        w.sb.cmd()
            .current_dir(&project)
            .args(["upload", "--dry-run", "--url", &w.server.url()])
            .output()
            .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("UNSIGNED"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("manifest_name = \"demo-1.2.3\""),
        "{}",
        stdout(&out)
    );
    assert!(w.server.requests().is_empty());
}

#[test]
fn cyclonedx_export_options_reach_the_server_and_the_file_gets_their_extension() {
    let w = World::new();
    let file = w.manifest("img.json", &vigiles_manifest("img", true));
    let export = w.sb.path("vex.out");
    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .args([
            "--export-format",
            "cyclonedx-vex",
            "--cyclonedx-format",
            "xml",
            "--cyclonedx-version",
            "1.6",
        ])
        .arg("--export-path")
        .arg(&export)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = &w.server.manifests()[0];
    assert_eq!(m.param("export_format"), Some("cyclonedx-vex"));
    assert_eq!(m.param("cyclonedx_format"), Some("xml"));
    assert_eq!(m.param("cyclonedx_version"), Some("1.6"));
    assert!(w.sb.path("vex.xml").is_file());
    let bad = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .args(["--export-format", "csv", "--cyclonedx-format", "xml"])
        .arg("--export-path")
        .arg(&export)
        .output()
        .unwrap();
    assert_eq!(code(&bad), 2, "{}", stderr(&bad));
    let bad = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .args(["--ecosystems", "cargo"])
        .output()
        .unwrap();
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("unknown ecosystem"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn concurrent_flushes_send_each_entry_once_and_abandoned_claims_return() {
    let w = World::new();
    let files = numbered_manifests(&w, "q", 12);
    let out = w
        .cmd()
        .args(["upload", "--offline"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(w.spool_entries().len(), 12);
    // An entry claimed by a flush that died (no such process) is sent again.
    let first = w.spool_entries()[0].clone();
    let id = first.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::rename(
        &first,
        w.spool_dir().join(format!(".sending-{id}.4000000000")),
    )
    .unwrap();

    let flushes: Vec<_> = (0..2)
        .map(|_| w.cmd().args(["spool", "flush"]).spawn().unwrap())
        .collect();
    for mut f in flushes {
        assert!(f.wait().unwrap().success());
    }
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 12, "each entry sent exactly once");
    let mut names: Vec<_> = stored.iter().map(|m| m.bytes().to_vec()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 12);
    assert!(w.spool_entries().is_empty());
    assert_eq!(
        std::fs::read_dir(w.spool_dir()).unwrap().count(),
        0,
        "no claims left behind"
    );
}
