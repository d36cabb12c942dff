//! `vigiles folders …` end to end.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use e2e::World;
use vigiles::{dashboard, expect, expect_json, group};

const FOLDERS: &str = "/api/v1/vigiles/folders";

#[test]
fn create_in_a_group_under_a_folder_and_from_the_configuration() {
    let w = World::new();
    let g = group(&w, "team");
    let args = [
        "vigiles",
        "folders",
        "create",
        "nightly",
        "-d",
        "nightly builds",
        "-g",
        &g,
    ];
    let want = [
        ("folder_name", "nightly"),
        ("description", "nightly builds"),
        ("group_token", g.as_str()),
    ];
    let out = expect(&w, &args, "POST", FOLDERS, &want);
    assert!(
        out.contains("nightly builds") && out.contains("token:"),
        "{out}"
    );
    let j = expect_json(
        &w,
        &["vigiles", "folders", "list", "-g", &g],
        "GET",
        FOLDERS,
        &[("group_token", g.as_str())],
    );
    let f = j[0]["token"].as_str().unwrap().to_owned();

    let args = ["vigiles", "folders", "create", "sub", "--folder-token", &f];
    let j = expect_json(
        &w,
        &args,
        "POST",
        FOLDERS,
        &[("folder_name", "sub"), ("folder_token", f.as_str())],
    );
    assert_eq!(j["parent_folder_token"], f.as_str());
    assert_eq!(j["group_token"], g.as_str());

    let d = dashboard(&w, &format!(r#"{{"group": "{g}"}}"#));
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "folders",
        "create",
        "cfg",
    ];
    expect(
        &w,
        &args,
        "POST",
        FOLDERS,
        &[("folder_name", "cfg"), ("group_token", g.as_str())],
    );
    let d = dashboard(&w, &format!(r#"{{"group": "{g}", "folder": "{f}"}}"#));
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "folders",
        "create",
        "cfg2",
    ];
    expect(
        &w,
        &args,
        "POST",
        FOLDERS,
        &[("folder_name", "cfg2"), ("folder_token", f.as_str())],
    );
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "folders",
        "create",
        "top",
        "-g",
        &g,
    ];
    expect(
        &w,
        &args,
        "POST",
        FOLDERS,
        &[("folder_name", "top"), ("group_token", g.as_str())],
    );
}

#[test]
fn list_archive_unarchive() {
    let w = World::new();
    let g = group(&w, "team");
    let f1 = vigiles::folder(&w, &g, "one");
    let f2 = vigiles::folder(&w, &g, "two");
    let out = expect(
        &w,
        &["vigiles", "folders", "list", "--group-token", &g],
        "GET",
        FOLDERS,
        &[("group_token", g.as_str())],
    );
    assert!(out.starts_with("NAME"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("one") && l.contains(&f1) && l.contains(&g)),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("two") && l.contains(&f2)),
        "{out}"
    );

    let archive = format!("{FOLDERS}/archive");
    let out = expect(
        &w,
        &["vigiles", "folders", "archive", &f1, &f2],
        "PATCH",
        &archive,
        &[("tokens", f1.as_str()), ("tokens", f2.as_str())],
    );
    assert_eq!(out, "2 folder(s) archived\n");
    let args = ["vigiles", "folders", "list", "-g", &g, "-a"];
    let j = expect_json(
        &w,
        &args,
        "GET",
        FOLDERS,
        &[("archived_only", "True"), ("group_token", g.as_str())],
    );
    let typed: Vec<llapi::api::folders::Folder> = llapi::api::parse(&j).unwrap();
    assert_eq!(typed.len(), 2);
    assert!(typed
        .iter()
        .all(|f| f.group_token.as_deref() == Some(g.as_str())));
    let unarchive = format!("{FOLDERS}/unarchive");
    let j = expect_json(
        &w,
        &["vigiles", "folders", "unarchive", &f2],
        "PATCH",
        &unarchive,
        &[("tokens", f2.as_str())],
    );
    assert_eq!(j["message"], "1 folder(s) unarchived");

    let d = dashboard(&w, &format!(r#"{{"group": "{g}"}}"#));
    let j = expect_json(
        &w,
        &["--dashboard-config", &d, "vigiles", "folders", "list"],
        "GET",
        FOLDERS,
        &[("group_token", g.as_str())],
    );
    assert_eq!(j.as_array().unwrap().len(), 1, "only the active folder");
    assert_eq!(j[0]["token"], f2.as_str());
    let d = dashboard(&w, &format!(r#"{{"group": "{g}", "folder": "{f2}"}}"#));
    let out = expect(
        &w,
        &["--dashboard-config", &d, "vigiles", "folders", "list"],
        "GET",
        FOLDERS,
        &[("folder_token", f2.as_str())],
    );
    assert_eq!(out, "(none)\n");
    let args = [
        "--dashboard-config",
        &d,
        "vigiles",
        "folders",
        "list",
        "-g",
        &g,
    ];
    expect(&w, &args, "GET", FOLDERS, &[("group_token", g.as_str())]);
}
