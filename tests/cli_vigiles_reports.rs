//! `vigiles reports …` end to end: download in every format family, compare.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use cli::{code, stderr};
use e2e::{vigiles_manifest, World};
use vigiles::{expect, expect_json, token, upload};

#[test]
fn download_csv_to_a_file_and_other_formats_to_stdout() {
    let w = World::new();
    let r = token(&upload(&w, "board-a"), "report_token");
    let path = format!("/api/v1/vigiles/reports/{r}");
    let file = w.sb.path("report.csv");
    let f = file.to_str().unwrap();
    let want = [("filtered", "False"), ("format", "csv")];
    let out = expect(
        &w,
        &["vigiles", "reports", "download", "csv", &r, "-o", f],
        "GET",
        &path,
        &want,
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.contains("CVE-2099-"), "{csv}");
    assert_eq!(out, format!("wrote {} bytes to {f}\n", csv.len()));
    let j = expect_json(
        &w,
        &["vigiles", "reports", "download", "csv", &r, "-o", f],
        "GET",
        &path,
        &want,
    );
    assert_eq!(j["bytes"], csv.len());

    let want = [("filtered", "True"), ("format", "pdf")];
    let out = expect(
        &w,
        &[
            "vigiles", "reports", "download", "pdf", &r, "--stdout", "-f",
        ],
        "GET",
        &path,
        &want,
    );
    assert!(out.starts_with("%PDF") && out.ends_with("%%EOF\n"), "{out}");

    let args = [
        "vigiles",
        "reports",
        "download",
        "cyclonedx-vex",
        &r,
        "--stdout",
        "--cyclonedx-format",
        "xml",
        "--cyclonedx-version",
        "1.5",
    ];
    let want = [
        ("filtered", "False"),
        ("format", "cyclonedx-vex"),
        ("sbom_format", "xml"),
        ("sbom_version", "1.5"),
    ];
    let out = expect(&w, &args, "GET", &path, &want);
    assert!(out.starts_with("<?xml") && out.contains("bom/1.5"), "{out}");

    let args = [
        "vigiles",
        "reports",
        "download",
        "cyclonedx-sbom-vex",
        &r,
        "--stdout",
        "--message-format",
        "json",
    ];
    let want = [
        ("filtered", "False"),
        ("format", "cyclonedx-sbom-vex"),
        ("sbom_format", "json"),
        ("sbom_version", "1.7"),
    ];
    let out = expect(&w, &args, "GET", &path, &want);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.7");
}

#[test]
fn compare_two_reports() {
    let w = World::new();
    let vulnerable = token(&upload(&w, "board-a"), "report_token");
    let clean = w.manifest("clean.json", &vigiles_manifest("clean", false));
    let out = w
        .cmd()
        .args(["upload", "--message-format", "json"])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let clean: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let clean = token(&clean, "report_token");
    let path = "/api/v1/vigiles/reports/compare";
    let args = [
        "vigiles",
        "reports",
        "compare",
        &vulnerable,
        &clean,
        "-r",
        "-f",
        "-n",
    ];
    let want = [
        ("filtered", "True"),
        ("remove_not_affected", "True"),
        ("remove_whitelist", "True"),
        ("token_one", vulnerable.as_str()),
        ("token_two", clean.as_str()),
    ];
    let out = expect(&w, &args, "GET", path, &want);
    assert!(
        out.contains("resolved:") && out.contains("CVE-2099-") && out.contains("new:       []"),
        "{out}"
    );
    let args = [
        "vigiles",
        "reports",
        "compare",
        &clean,
        &vulnerable,
        "--remove_whitelist",
    ];
    let want = [
        ("filtered", "False"),
        ("remove_not_affected", "False"),
        ("remove_whitelist", "True"),
        ("token_one", clean.as_str()),
        ("token_two", vulnerable.as_str()),
    ];
    let j = expect_json(&w, &args, "GET", path, &want);
    let typed: llapi::api::reports::Comparison = llapi::api::parse(&j).unwrap();
    assert_eq!(typed.new.len(), 3);
    assert!(typed.resolved.is_empty());
}
