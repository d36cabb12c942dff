//! `vigiles cves …` and `about` end to end.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use e2e::World;
use vigiles::{dashboard, expect, expect_json, token, upload};

#[test]
fn info_with_and_without_fields() {
    let w = World::new();
    let path = "/api/v1/vigiles/cves/CVE-2099-7";
    let out = expect(
        &w,
        &["vigiles", "cves", "info", "CVE-2099-7"],
        "GET",
        path,
        &[],
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("description:")
                && l.contains("Synthetic vulnerability CVE-2099-7")),
        "{out}"
    );
    let args = [
        "vigiles",
        "cves",
        "info",
        "CVE-2099-7",
        "-f",
        "description,epss",
    ];
    let j = expect_json(
        &w,
        &args,
        "GET",
        path,
        &[("fields", "description"), ("fields", "epss")],
    );
    assert_eq!(
        j,
        serde_json::json!({"identifier": "CVE-2099-7", "description": "Synthetic vulnerability CVE-2099-7", "epss": {"score": 0.01}})
    );
}

#[test]
fn search_by_product() {
    let w = World::new();
    let args = [
        "vigiles",
        "cves",
        "search",
        "openssl",
        "--product-version",
        "3.0.2",
        "-i",
    ];
    let out = expect(
        &w,
        &args,
        "GET",
        "/api/v1/vigiles/cves",
        &[
            ("ids_only", "True"),
            ("product", "openssl"),
            ("version", "3.0.2"),
        ],
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().all(|l| l.starts_with("CVE-2099-")), "{out}");
    let out = expect(
        &w,
        &["vigiles", "cves", "search", "openssl"],
        "GET",
        "/api/v1/vigiles/cves",
        &[
            ("ids_only", "False"),
            ("product", "openssl"),
            ("version", ""),
        ],
    );
    assert!(
        out.starts_with("CVE ") && out.contains("DESCRIPTION") && out.contains("in openssl"),
        "{out}"
    );
    let j = expect_json(
        &w,
        &["vigiles", "cves", "search", "zlib"],
        "GET",
        "/api/v1/vigiles/cves",
        &[("ids_only", "False"), ("product", "zlib"), ("version", "")],
    );
    assert_eq!(j, serde_json::json!({}));
}

#[test]
fn set_and_get_status() {
    let w = World::new();
    let m = token(&upload(&w, "board-a"), "manifest_token");
    let path = "/api/v1/vigiles/cves/CVE-2099-1/vuln-status";
    let args = [
        "vigiles",
        "cves",
        "set-status",
        "manifest",
        "CVE-2099-1",
        "openssl",
        "not_affected",
        "-j",
        "code_not_present",
        "-d",
        "not built",
        "--package-version",
        "3.0.2",
        "-m",
        &m,
    ];
    let want = [
        ("scope", "manifest"),
        ("package", "openssl"),
        ("status", "not_affected"),
        ("justification", "code_not_present"),
        ("package_version", "3.0.2"),
        ("justification_detail", "not built"),
        ("manifest_tokens", m.as_str()),
    ];
    assert_eq!(
        expect(&w, &args, "POST", path, &want),
        "Status of CVE-2099-1 set to not_affected\n"
    );

    let args = [
        "vigiles",
        "cves",
        "get-status",
        "CVE-2099-1",
        "openssl",
        "3.0.2",
        &m,
    ];
    let want = [
        ("manifest_token", m.as_str()),
        ("package_name", "openssl"),
        ("package_version", "3.0.2"),
    ];
    let out = expect(&w, &args, "GET", path, &want);
    assert!(
        out.lines()
            .any(|l| l.starts_with("status:") && l.ends_with("not_affected")),
        "{out}"
    );
    let j = expect_json(&w, &args, "GET", path, &want);
    assert_eq!(j["justification"], "code_not_present");

    let args = [
        "vigiles",
        "cves",
        "set-status",
        "group",
        "CVE-2099-1",
        "openssl",
        "resolved",
        "-g",
        "G1",
        "G2",
    ];
    let want = [
        ("scope", "group"),
        ("package", "openssl"),
        ("status", "resolved"),
        ("group_tokens", "G1"),
        ("group_tokens", "G2"),
    ];
    let j = expect_json(&w, &args, "POST", path, &want);
    assert_eq!(j["success"], true);
    let d = dashboard(&w, r#"{"group": "GRP-C"}"#);
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "cves",
        "set-status",
        "group",
        "CVE-2099-1",
        "openssl",
        "in_triage",
    ];
    let want = [
        ("scope", "group"),
        ("package", "openssl"),
        ("status", "in_triage"),
        ("group_tokens", "GRP-C"),
    ];
    expect(&w, &args, "POST", path, &want);
    let args = [
        "vigiles",
        "cves",
        "set-status",
        "all",
        "CVE-2099-1",
        "openssl",
        "exploitable",
    ];
    expect(
        &w,
        &args,
        "POST",
        path,
        &[
            ("scope", "all"),
            ("package", "openssl"),
            ("status", "exploitable"),
        ],
    );
}

#[test]
fn about() {
    let w = World::new();
    let out = expect(&w, &["about"], "GET", "/api/v1/vigiles/about", &[]);
    assert!(
        out.contains("app_version:")
            && out.contains("llapi-test-server")
            && out.contains("database_version:  synthetic-1"),
        "{out}"
    );
    let j = expect_json(&w, &["about"], "GET", "/api/v1/vigiles/about", &[]);
    let about: llapi::api::about::About = serde_json::from_value(j).unwrap();
    assert_eq!(about.database_version, "synthetic-1");
}
