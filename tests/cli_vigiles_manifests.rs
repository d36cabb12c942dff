//! `vigiles manifests …` end to end: what the server received, exit codes, both output formats.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use cli::{code, stderr};
use e2e::{vigiles_manifest, World};
use vigiles::{dashboard, expect, expect_json, folder, group, token, upload};

const LIST: &str = "/api/v1/vigiles/manifests";

#[test]
fn list_sends_the_explicit_else_configured_folder_else_group() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let out = expect(&w, &["vigiles", "manifests", "list"], "GET", LIST, &[]);
    assert!(out.starts_with("NAME"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("board-a") && l.contains(&m)),
        "{out}"
    );
    let j = expect_json(&w, &["vigiles", "manifests", "list"], "GET", LIST, &[]);
    assert_eq!(j[0]["manifest_token"], m.as_str());
    assert_eq!(j[0]["manifest_name"], "board-a");
    let typed: Vec<llapi::api::manifests::ManifestSummary> = llapi::api::parse(&j).unwrap();
    assert_eq!(typed[0].manifest_token, m);

    let d = dashboard(&w, r#"{"group": "GRP-C", "folder": "FLD-C"}"#);
    let configured = ["--dashboard-config", &d, "vigiles", "manifests", "list"];
    let out = expect(&w, &configured, "GET", LIST, &[("folder_token", "FLD-C")]);
    assert_eq!(out, "(none)\n");
    let mut explicit = configured.to_vec();
    explicit.extend(["-g", "GRP-X"]);
    expect(&w, &explicit, "GET", LIST, &[("group_token", "GRP-X")]);
    let mut folder = configured.to_vec();
    folder.extend(["--folder-token", "FLD-X"]);
    expect(&w, &folder, "GET", LIST, &[("folder_token", "FLD-X")]);

    let d = dashboard(&w, r#"{"group": "GRP-C"}"#);
    let args = ["--dashboard-config", &d, "vigiles", "manifests", "list"];
    expect(&w, &args, "GET", LIST, &[("group_token", "GRP-C")]);
    let d = dashboard(&w, r#"{"product": "PRD-C"}"#);
    let legacy = w.manifest("l.json", &vigiles_manifest("l", false));
    let out = w
        .cmd()
        .args(["--dashboard-config", &d, "upload", "--name", "legacy"])
        .arg(&legacy)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let args = ["--dashboard-config", &d, "vigiles", "manifests", "list"];
    let out = expect(&w, &args, "GET", LIST, &[("product_token", "PRD-C")]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("legacy") && l.contains("PRD-C")),
        "{out}"
    );
}

#[test]
fn info_plain_and_converted() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let path = format!("{LIST}/{m}");
    let out = expect(&w, &["vigiles", "manifests", "info", &m], "GET", &path, &[]);
    assert!(
        out.contains("manifest_name:") && out.contains("board-a"),
        "{out}"
    );
    let j = expect_json(&w, &["vigiles", "manifests", "info", &m], "GET", &path, &[]);
    assert_eq!(j["manifest_token"], m.as_str());
    assert_eq!(j["manifest_data"]["manifest_name"], "board-a");

    let args = [
        "vigiles",
        "manifests",
        "info",
        &m,
        "-f",
        "cyclonedx",
        "-i",
        "json",
        "--sbom-version",
        "1.5",
    ];
    let want = [
        ("file_format", "json"),
        ("sbom_format", "cyclonedx"),
        ("sbom_version", "1.5"),
    ];
    let j = expect_json(&w, &args, "GET", &path, &want);
    assert_eq!(j["manifest_data"]["bomFormat"], "CycloneDX");
    assert_eq!(j["manifest_data"]["specVersion"], "1.5");
}

#[test]
fn download_to_a_file_or_stdout_byte_for_byte() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let content = vigiles_manifest("board-a", true);
    let path = format!("{LIST}/{m}");
    let file = w.sb.path("out/board-a.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let f = file.to_str().unwrap();
    let out = expect(
        &w,
        &["vigiles", "manifests", "download", &m, "-o", f],
        "GET",
        &path,
        &[("send_file", "True")],
    );
    assert_eq!(out, format!("wrote {} bytes to {f}\n", content.len()));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), content);
    std::fs::remove_file(&file).unwrap();
    let j = expect_json(
        &w,
        &["vigiles", "manifests", "download", &m, "--outfile", f],
        "GET",
        &path,
        &[("send_file", "True")],
    );
    assert_eq!(j["bytes"], content.len());
    assert_eq!(j["path"], f);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), content);

    for format in ["human", "json"] {
        let args = [
            "vigiles",
            "manifests",
            "download",
            &m,
            "--stdout",
            "--message-format",
            format,
        ];
        let out = expect(&w, &args, "GET", &path, &[("send_file", "True")]);
        assert_eq!(out, content, "raw bytes, nothing added");
    }
    let args = [
        "vigiles",
        "manifests",
        "download",
        &m,
        "--stdout",
        "--sbom-format",
        "spdx",
    ];
    let out = expect(
        &w,
        &args,
        "GET",
        &path,
        &[("sbom_format", "spdx"), ("send_file", "True")],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc["spdxVersion"].is_string(), "{out}");
}

#[test]
fn delete_sends_confirmed_and_an_unconfirmed_delete_fails() {
    let w = World::new();
    let m1 = token(&upload(&w, "one"), "manifest_token");
    let m2 = token(&upload(&w, "two"), "manifest_token");
    let m3 = token(&upload(&w, "three"), "manifest_token");
    let out = expect(
        &w,
        &["vigiles", "manifests", "delete", &m1, "-c"],
        "DELETE",
        &format!("{LIST}/{m1}"),
        &[("confirmed", "True")],
    );
    assert_eq!(out, format!("Manifest {m1} deleted\n"));
    let j = expect_json(
        &w,
        &["vigiles", "manifests", "delete", &m2, "--confirm"],
        "DELETE",
        &format!("{LIST}/{m2}"),
        &[("confirmed", "True")],
    );
    let outcome: llapi::api::Outcome = llapi::api::parse(&j).unwrap();
    assert!(outcome.success, "{outcome:?}");
    let left: Vec<String> = w.server.manifests().into_iter().map(|m| m.token).collect();
    assert_eq!(left, std::slice::from_ref(&m3));

    w.server.clear_requests();
    let out = vigiles::run(&w, &["vigiles", "manifests", "delete", &m3]);
    assert_eq!(
        code(&out),
        1,
        "the server did not delete: an operation failure"
    );
    assert!(
        stderr(&out).contains("Deletion not confirmed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        vigiles::params(&w.server.requests()[0]),
        [("confirmed".to_string(), "False".to_string())]
    );
    assert_eq!(w.server.manifests().len(), 1);
}

#[test]
fn rescan_reports_and_latest_report() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let reports = format!("{LIST}/{m}/reports");
    let args = [
        "vigiles",
        "manifests",
        "rescan",
        &m,
        "-e",
        "description,impact",
        "-f",
        "-o",
    ];
    let want = [
        ("manifest", m.as_str()),
        ("rescan_only", "True"),
        ("filtered", "True"),
        ("with_field", "description"),
        ("with_field", "impact"),
    ];
    let out = expect(&w, &args, "POST", &reports, &want);
    assert!(
        out.contains(&format!("manifest_token: {m}")) && out.contains("report_token: RPT-"),
        "{out}"
    );
    let want = [
        ("manifest", m.as_str()),
        ("rescan_only", "False"),
        ("filtered", "False"),
    ];
    let j = expect_json(
        &w,
        &["vigiles", "manifests", "rescan", &m],
        "POST",
        &reports,
        &want,
    );
    assert_eq!(j["counts"]["unfixed"], 1);
    let out = expect(
        &w,
        &["vigiles", "manifests", "rescan", &m],
        "POST",
        &reports,
        &want,
    );
    assert!(
        out.contains("Unfixed: 1 (1 RFS, 0 Kernel, 0 Toolchain)"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("openssl") && l.contains("CVE-2099-") && l.contains("Fixed")),
        "{out}"
    );

    let out = expect(
        &w,
        &["vigiles", "manifests", "reports", &m],
        "GET",
        &reports,
        &[],
    );
    assert!(out.contains("reports:\nREPORT"), "{out}");
    assert_eq!(out.matches("RPT-").count(), 4, "upload + 3 rescans: {out}");
    let j = expect_json(
        &w,
        &["vigiles", "manifests", "reports", &m],
        "GET",
        &reports,
        &[],
    );
    let typed: llapi::api::manifests::ReportList = llapi::api::parse(&j).unwrap();
    assert_eq!(typed.reports.len(), 4);
    assert_eq!(typed.manifest_token, m);

    let latest = format!("{reports}/latest");
    let args = [
        "vigiles",
        "manifests",
        "latest-report",
        &m,
        "--filter-results",
        "--extra-fields",
        "description",
    ];
    let want = [("filtered", "True"), ("with_field", "description")];
    let out = expect(&w, &args, "GET", &latest, &want);
    assert!(out.contains("High CVSS: 2"), "{out}");
    assert!(
        !out.contains("  Fixed"),
        "filtered: no fixed CVE rows: {out}"
    );
    let j = expect_json(
        &w,
        &["vigiles", "manifests", "latest-report", &m],
        "GET",
        &latest,
        &[("filtered", "False")],
    );
    assert!(j["group_path"].is_string(), "{j}");
    assert_eq!(j["manifest_token"], m.as_str());
}

#[test]
fn custom_score() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let path = format!("{LIST}/{m}/custom_scores");
    let args = [
        "vigiles",
        "manifests",
        "custom-score",
        &m,
        "-p",
        "openssl",
        "--cve-id",
        "CVE-2099-1",
        "-s",
        "7.5",
        "--package-version",
        "3.0.2",
    ];
    let want = [
        ("package_name", "openssl"),
        ("cve_id", "CVE-2099-1"),
        ("custom_score", "7.5"),
        ("package_version", "3.0.2"),
    ];
    assert_eq!(
        expect(&w, &args, "POST", &path, &want),
        "Custom score set\n"
    );
    let args = [
        "vigiles",
        "manifests",
        "custom-score",
        &m,
        "--product",
        "openssl",
        "--cve-id",
        "CVE-2099-1",
        "--score",
        "0",
        "--verison",
        "1",
    ];
    let want = [
        ("package_name", "openssl"),
        ("cve_id", "CVE-2099-1"),
        ("custom_score", "0"),
        ("package_version", "1"),
    ];
    let j = expect_json(&w, &args, "POST", &path, &want);
    assert_eq!(j["success"], true);
}

#[test]
fn move_and_copy() {
    let w = World::new();
    let m1 = token(&upload(&w, "one"), "manifest_token");
    let m2 = token(&upload(&w, "two"), "manifest_token");
    let g = group(&w, "team");
    let f = folder(&w, &g, "nightly");
    let path = "/api/v1/vigiles/manifests/bulk-options/move";
    let args = ["vigiles", "manifests", "move", &m1, &m2, "-f", &f, "-i"];
    let want = [
        ("sbom_tokens", m1.as_str()),
        ("sbom_tokens", m2.as_str()),
        ("copy", "False"),
        ("include_history", "True"),
        ("target_folder_token", f.as_str()),
    ];
    assert_eq!(
        expect(&w, &args, "POST", path, &want),
        "2 manifest(s) moved\n"
    );
    assert!(w
        .server
        .manifests()
        .iter()
        .all(|m| m.folder_token == f && m.group_token == g));

    let args = [
        "vigiles",
        "manifests",
        "copy",
        &m1,
        "--group-token",
        "GRP-OTHER",
    ];
    let want = [
        ("sbom_tokens", m1.as_str()),
        ("copy", "True"),
        ("include_history", "False"),
        ("target_group_token", "GRP-OTHER"),
    ];
    let j = expect_json(&w, &args, "POST", path, &want);
    let copy = j["manifest_tokens"][0].as_str().unwrap();
    assert_ne!(copy, m1);
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 3);
    assert_eq!(
        stored.iter().find(|m| m.token == copy).unwrap().group_token,
        "GRP-OTHER"
    );
}
