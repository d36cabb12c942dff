//! `vigiles groups …` and `vigiles products …` end to end.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use cli::{code, stderr};
use e2e::{World, EMAIL};
use vigiles::{dashboard, expect, expect_json, group};

const GROUPS: &str = "/api/v1/vigiles/groups";

#[test]
fn list_and_archived() {
    let w = World::new();
    let g1 = group(&w, "alpha");
    let g2 = group(&w, "beta");
    let out = expect(
        &w,
        &["vigiles", "groups", "list", "-p"],
        "GET",
        GROUPS,
        &[("include_private_workspaces", "True")],
    );
    assert!(out.starts_with("NAME"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("alpha") && l.contains(&g1)),
        "{out}"
    );
    assert!(out.contains("Private Workspace"), "{out}");
    let j = expect_json(
        &w,
        &["vigiles", "groups", "list"],
        "GET",
        GROUPS,
        &[("include_private_workspaces", "False")],
    );
    let typed: Vec<llapi::api::groups::GroupSummary> = llapi::api::parse(&j).unwrap();
    assert_eq!(
        typed.iter().map(|g| g.token.as_str()).collect::<Vec<_>>(),
        [g1.as_str(), g2.as_str()]
    );

    let archive = format!("{GROUPS}/archive");
    let out = expect(
        &w,
        &["vigiles", "groups", "archive", &g1, &g2],
        "PATCH",
        &archive,
        &[("tokens", g1.as_str()), ("tokens", g2.as_str())],
    );
    assert_eq!(out, "2 group(s) archived\n");
    let archived = format!("{GROUPS}/archived");
    let out = expect(
        &w,
        &["vigiles", "groups", "archived"],
        "GET",
        &archived,
        &[],
    );
    assert!(out.contains(&g1) && out.contains(&g2), "{out}");
    let unarchive = format!("{GROUPS}/unarchive");
    let j = expect_json(
        &w,
        &["vigiles", "groups", "unarchive", &g2],
        "PATCH",
        &unarchive,
        &[("tokens", g2.as_str())],
    );
    let typed: llapi::api::Message = llapi::api::parse(&j).unwrap();
    assert_eq!(typed.message, "1 group(s) unarchived");
    let j = expect_json(
        &w,
        &["vigiles", "groups", "archived"],
        "GET",
        &archived,
        &[],
    );
    assert_eq!(j.as_array().unwrap().len(), 1);
    assert_eq!(j[0]["token"], g1.as_str());
}

#[test]
fn create_never_uses_the_dashboard_config_implicitly() {
    let w = World::new();
    let d = dashboard(&w, r#"{"group": "GRP-C", "folder": "FLD-C"}"#);
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "groups",
        "create",
        "team",
        "-d",
        "the team",
    ];
    let out = expect(
        &w,
        &args,
        "POST",
        GROUPS,
        &[("group_name", "team"), ("description", "the team")],
    );
    assert!(
        out.contains("name:") && out.contains("team") && out.contains("token:"),
        "{out}"
    );
    let args = ["vigiles", "groups", "create", "sub", "--parent", "GRP-P"];
    let j = expect_json(
        &w,
        &args,
        "POST",
        GROUPS,
        &[("group_name", "sub"), ("group_token", "GRP-P")],
    );
    assert_eq!(j["name"], "sub");
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "groups",
        "create",
        "sub2",
        "--parent-from-config",
    ];
    expect(
        &w,
        &args,
        "POST",
        GROUPS,
        &[("group_name", "sub2"), ("group_token", "GRP-C")],
    );
}

#[test]
fn info_settings_and_delete() {
    let w = World::new();
    let g = group(&w, "parent");
    let out = vigiles::run(
        &w,
        &["vigiles", "groups", "create", "child", "--parent", &g],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = format!("{GROUPS}/{g}");
    let out = expect(
        &w,
        &["vigiles", "groups", "info", "-g", &g, "-s"],
        "GET",
        &path,
        &[("subgroups", "True")],
    );
    assert!(out.contains("name:") && out.contains("parent"), "{out}");
    assert!(
        out.contains("subgroups:\nNAME") && out.lines().any(|l| l.starts_with("child")),
        "{out}"
    );
    let d = dashboard(&w, &format!(r#"{{"group": "{g}"}}"#));
    let j = expect_json(
        &w,
        &["--dashboard-config", &d, "vigiles", "groups", "info"],
        "GET",
        &path,
        &[("subgroups", "False")],
    );
    assert_eq!(j["token"], g.as_str());

    let settings = format!("{path}/settings");
    let out = expect(
        &w,
        &["vigiles", "groups", "settings", "--group-token", &g],
        "GET",
        &settings,
        &[],
    );
    assert!(
        out.contains("vuln_identifiers:") && out.contains("vuln_strict_match:"),
        "{out}"
    );
    let args = [
        "vigiles",
        "groups",
        "update-settings",
        "-g",
        &g,
        "-i",
        "PURL",
        "CVE Product",
        "-s",
        "on",
        "-d",
        "off",
        "-j",
        "on",
    ];
    let want = [
        ("auto_close_jira_issues", "on"),
        ("report_dep_vulns", "off"),
        ("vuln_identifiers", "PURL"),
        ("vuln_identifiers", "CVE Product"),
        ("vuln_strict_match", "on"),
    ];
    assert_eq!(
        expect(&w, &args, "PATCH", &settings, &want),
        "Settings updated\n"
    );
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "groups",
        "update-settings",
        "--strict-match",
        "off",
    ];
    let j = expect_json(
        &w,
        &args,
        "PATCH",
        &settings,
        &[("vuln_strict_match", "off")],
    );
    assert_eq!(j["status_code"], 200);
    let j = expect_json(
        &w,
        &["--dashboard-config", &d, "vigiles", "groups", "settings"],
        "GET",
        &settings,
        &[],
    );
    assert_eq!(
        j["vuln_identifiers"],
        serde_json::json!(["PURL", "CVE Product"])
    );
    assert_eq!(j["vuln_strict_match"], "off");
    assert_eq!(j["report_dep_vulns"], "off");

    let out = expect(
        &w,
        &["vigiles", "groups", "delete", &g, "-c"],
        "DELETE",
        &path,
        &[],
    );
    assert_eq!(out, format!("Group {g} deleted\n"));
    let other = group(&w, "other");
    let j = expect_json(
        &w,
        &["vigiles", "groups", "delete", &other, "--confirm"],
        "DELETE",
        &format!("{GROUPS}/{other}"),
        &[],
    );
    assert_eq!(j["message"], format!("Group {other} deleted"));
}

#[test]
fn members() {
    let w = World::new();
    let g = group(&w, "team");
    let path = format!("{GROUPS}/{g}/members");
    let args = [
        "vigiles",
        "groups",
        "add-member",
        &g,
        "-e",
        "dev@example.com",
        "-r",
        "user",
        "-a",
    ];
    let want = [
        ("member_email", "dev@example.com"),
        ("role", "user"),
        ("allow_access_to_subgroups", "True"),
    ];
    assert_eq!(
        expect(&w, &args, "POST", &path, &want),
        "dev@example.com added\n"
    );
    let out = expect(&w, &["vigiles", "groups", "members", &g], "GET", &path, &[]);
    assert!(out.contains("group_members:\nEMAIL"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(EMAIL) && l.contains("admin")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("dev@example.com") && l.contains("user") && l.contains("true")),
        "{out}"
    );

    let member = format!("{path}/dev@example.com");
    let args = [
        "vigiles",
        "groups",
        "update-member",
        &g,
        "--email",
        "dev@example.com",
        "--new-role",
        "admin",
    ];
    let j = expect_json(&w, &args, "PUT", &member, &[("new_role", "admin")]);
    assert_eq!(j["message"], "dev@example.com updated");
    let j = expect_json(&w, &["vigiles", "groups", "members", &g], "GET", &path, &[]);
    let typed: llapi::api::groups::Members = llapi::api::parse(&j).unwrap();
    assert_eq!(
        (
            typed.group_members[1].email.as_str(),
            typed.group_members[1].role.as_str()
        ),
        ("dev@example.com", "admin")
    );
    let out = expect(
        &w,
        &[
            "vigiles",
            "groups",
            "remove-member",
            &g,
            "-e",
            "dev@example.com",
        ],
        "DELETE",
        &member,
        &[],
    );
    assert_eq!(out, "dev@example.com removed\n");
    let args = [
        "vigiles",
        "groups",
        "add-member",
        &g,
        "-e",
        "ops@example.com",
        "-r",
        "user",
    ];
    let want = [
        ("member_email", "ops@example.com"),
        ("role", "user"),
        ("allow_access_to_subgroups", "False"),
    ];
    expect_json(&w, &args, "POST", &path, &want);
}

#[test]
fn activity_log_with_explicit_and_configured_tokens() {
    let w = World::new();
    let g = group(&w, "team");
    let d = dashboard(&w, &format!(r#"{{"group": "{g}", "folder": "FLD-C"}}"#));
    let out = w
        .cmd()
        .args([
            "--dashboard-config",
            &d,
            "upload",
            "--message-format",
            "json",
        ])
        .arg(w.manifest("a.json", &e2e::vigiles_manifest("a", true)))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = format!("{GROUPS}/{g}/activity_log");
    let out = expect(
        &w,
        &["vigiles", "groups", "activity-log", &g],
        "GET",
        &path,
        &[("group_token", g.as_str())],
    );
    assert!(
        out.starts_with("DATE") && out.contains("Uploaded a") && out.contains(EMAIL),
        "{out}"
    );
    let args = [
        "vigiles",
        "groups",
        "activity-log",
        &g,
        "-f",
        "F",
        "-s",
        "M",
        "-r",
        "R",
        "-u",
        "u@x.y",
        "-p",
        "openssl",
        "--package-version",
        "3",
        "-i",
        "CVE-1",
        "-t",
        "update_vuln_status",
        "-m",
        "api",
    ];
    let want = [
        ("folder_token", "F"),
        ("group_token", g.as_str()),
        ("log_method", "api"),
        ("log_type", "update_vuln_status"),
        ("manifest_token", "M"),
        ("package_name", "openssl"),
        ("package_version", "3"),
        ("report_token", "R"),
        ("user_email", "u@x.y"),
        ("vuln_id", "CVE-1"),
    ];
    let j = expect_json(&w, &args, "GET", &path, &want);
    assert_eq!(j, serde_json::json!([]), "no upload of manifest M");
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "groups",
        "activity-log",
    ];
    let j = expect_json(
        &w,
        &args,
        "GET",
        &path,
        &[("folder_token", "FLD-C"), ("group_token", g.as_str())],
    );
    assert_eq!(j[0]["message"], "Uploaded a");
}

#[test]
fn products_of_the_older_generation() {
    let w = World::new();
    let path = "/api/v1/vigiles/products";
    let out = expect(
        &w,
        &["vigiles", "products", "create", "prod", "-d", "legacy"],
        "POST",
        path,
        &[("name", "prod"), ("desc", "legacy")],
    );
    assert!(out.contains("prod") && out.contains("token:"), "{out}");
    let j = expect_json(&w, &["vigiles", "products", "list"], "GET", path, &[]);
    let token = j[0]["token"].as_str().unwrap().to_owned();
    let out = expect(&w, &["vigiles", "products", "list"], "GET", path, &[]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("prod") && l.contains(&token) && l.contains("legacy")),
        "{out}"
    );
    let info = format!("{path}/{token}");
    let out = expect(
        &w,
        &["vigiles", "products", "info", "-p", &token],
        "GET",
        &info,
        &[],
    );
    assert!(out.contains("is_default:"), "{out}");
    let d = dashboard(&w, &format!(r#"{{"product": "{token}"}}"#));
    let j = expect_json(
        &w,
        &["--dashboard-config", &d, "vigiles", "products", "info"],
        "GET",
        &info,
        &[],
    );
    assert_eq!(j["name"], "prod");
    let j = expect_json(
        &w,
        &["vigiles", "products", "create", "p2"],
        "POST",
        path,
        &[("name", "p2")],
    );
    assert_eq!(j["description"], "");
}
