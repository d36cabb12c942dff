//! Every `vigiles` command and `about`: a server error exits 1 with the server's message, a
//! dry run sends nothing and shows the request, bad arguments exit 2 and send nothing.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;
#[path = "support/vigiles.rs"]
mod vigiles;

use cli::{code, stderr, stdout};
use e2e::{Step, World};

/// Every command once: arguments, method and path.
const ALL: &[(&[&str], &str, &str)] = &[
    (&["about"], "GET", "/api/v1/vigiles/about"),
    (
        &["vigiles", "manifests", "list", "-g", "GRP-1"],
        "GET",
        "/api/v1/vigiles/manifests",
    ),
    (
        &["vigiles", "manifests", "info", "MAN-1"],
        "GET",
        "/api/v1/vigiles/manifests/MAN-1",
    ),
    (
        &["vigiles", "manifests", "download", "MAN-1", "--stdout"],
        "GET",
        "/api/v1/vigiles/manifests/MAN-1",
    ),
    (
        &[
            "vigiles",
            "manifests",
            "download",
            "MAN-1",
            "-o",
            "out.json",
        ],
        "GET",
        "/api/v1/vigiles/manifests/MAN-1",
    ),
    (
        &["vigiles", "manifests", "delete", "MAN-1", "-c"],
        "DELETE",
        "/api/v1/vigiles/manifests/MAN-1",
    ),
    (
        &["vigiles", "manifests", "rescan", "MAN-1"],
        "POST",
        "/api/v1/vigiles/manifests/MAN-1/reports",
    ),
    (
        &["vigiles", "manifests", "reports", "MAN-1"],
        "GET",
        "/api/v1/vigiles/manifests/MAN-1/reports",
    ),
    (
        &["vigiles", "manifests", "latest-report", "MAN-1"],
        "GET",
        "/api/v1/vigiles/manifests/MAN-1/reports/latest",
    ),
    (
        &[
            "vigiles",
            "manifests",
            "custom-score",
            "MAN-1",
            "-p",
            "p",
            "--cve-id",
            "CVE-1",
            "-s",
            "5",
        ],
        "POST",
        "/api/v1/vigiles/manifests/MAN-1/custom_scores",
    ),
    (
        &["vigiles", "manifests", "move", "MAN-1", "-g", "GRP-1"],
        "POST",
        "/api/v1/vigiles/manifests/bulk-options/move",
    ),
    (
        &["vigiles", "manifests", "copy", "MAN-1", "-f", "FLD-1"],
        "POST",
        "/api/v1/vigiles/manifests/bulk-options/move",
    ),
    (
        &["vigiles", "reports", "download", "csv", "RPT-1", "--stdout"],
        "GET",
        "/api/v1/vigiles/reports/RPT-1",
    ),
    (
        &[
            "vigiles",
            "reports",
            "download",
            "cyclonedx-vex",
            "RPT-1",
            "-o",
            "vex.json",
        ],
        "GET",
        "/api/v1/vigiles/reports/RPT-1",
    ),
    (
        &["vigiles", "reports", "compare", "RPT-1", "RPT-2"],
        "GET",
        "/api/v1/vigiles/reports/compare",
    ),
    (
        &["vigiles", "groups", "list"],
        "GET",
        "/api/v1/vigiles/groups",
    ),
    (
        &["vigiles", "groups", "archived"],
        "GET",
        "/api/v1/vigiles/groups/archived",
    ),
    (
        &["vigiles", "groups", "create", "g"],
        "POST",
        "/api/v1/vigiles/groups",
    ),
    (
        &["vigiles", "groups", "info", "-g", "GRP-1"],
        "GET",
        "/api/v1/vigiles/groups/GRP-1",
    ),
    (
        &["vigiles", "groups", "delete", "GRP-1", "-c"],
        "DELETE",
        "/api/v1/vigiles/groups/GRP-1",
    ),
    (
        &["vigiles", "groups", "archive", "GRP-1"],
        "PATCH",
        "/api/v1/vigiles/groups/archive",
    ),
    (
        &["vigiles", "groups", "unarchive", "GRP-1"],
        "PATCH",
        "/api/v1/vigiles/groups/unarchive",
    ),
    (
        &["vigiles", "groups", "members", "GRP-1"],
        "GET",
        "/api/v1/vigiles/groups/GRP-1/members",
    ),
    (
        &[
            "vigiles",
            "groups",
            "add-member",
            "GRP-1",
            "-e",
            "a@b.c",
            "-r",
            "user",
        ],
        "POST",
        "/api/v1/vigiles/groups/GRP-1/members",
    ),
    (
        &[
            "vigiles",
            "groups",
            "update-member",
            "GRP-1",
            "-e",
            "a@b.c",
            "-r",
            "admin",
        ],
        "PUT",
        "/api/v1/vigiles/groups/GRP-1/members/a@b.c",
    ),
    (
        &["vigiles", "groups", "remove-member", "GRP-1", "-e", "a@b.c"],
        "DELETE",
        "/api/v1/vigiles/groups/GRP-1/members/a@b.c",
    ),
    (
        &["vigiles", "groups", "settings", "-g", "GRP-1"],
        "GET",
        "/api/v1/vigiles/groups/GRP-1/settings",
    ),
    (
        &[
            "vigiles",
            "groups",
            "update-settings",
            "-g",
            "GRP-1",
            "-s",
            "on",
        ],
        "PATCH",
        "/api/v1/vigiles/groups/GRP-1/settings",
    ),
    (
        &["vigiles", "groups", "activity-log", "GRP-1"],
        "GET",
        "/api/v1/vigiles/groups/GRP-1/activity_log",
    ),
    (
        &["vigiles", "products", "list"],
        "GET",
        "/api/v1/vigiles/products",
    ),
    (
        &["vigiles", "products", "create", "p"],
        "POST",
        "/api/v1/vigiles/products",
    ),
    (
        &["vigiles", "products", "info", "-p", "PRD-1"],
        "GET",
        "/api/v1/vigiles/products/PRD-1",
    ),
    (
        &["vigiles", "folders", "list", "-g", "GRP-1"],
        "GET",
        "/api/v1/vigiles/folders",
    ),
    (
        &["vigiles", "folders", "create", "f", "-g", "GRP-1"],
        "POST",
        "/api/v1/vigiles/folders",
    ),
    (
        &["vigiles", "folders", "archive", "FLD-1"],
        "PATCH",
        "/api/v1/vigiles/folders/archive",
    ),
    (
        &["vigiles", "folders", "unarchive", "FLD-1"],
        "PATCH",
        "/api/v1/vigiles/folders/unarchive",
    ),
    (
        &["vigiles", "cves", "info", "CVE-1"],
        "GET",
        "/api/v1/vigiles/cves/CVE-1",
    ),
    (
        &["vigiles", "cves", "search", "openssl"],
        "GET",
        "/api/v1/vigiles/cves",
    ),
    (
        &[
            "vigiles",
            "cves",
            "set-status",
            "all",
            "CVE-1",
            "p",
            "resolved",
        ],
        "POST",
        "/api/v1/vigiles/cves/CVE-1/vuln-status",
    ),
    (
        &["vigiles", "cves", "get-status", "CVE-1", "p", "1", "MAN-1"],
        "GET",
        "/api/v1/vigiles/cves/CVE-1/vuln-status",
    ),
];

#[test]
fn the_table_covers_every_command() {
    let mut groups: Vec<String> = ALL
        .iter()
        .map(|(a, _, _)| a[..a.len().min(3)].join(" "))
        .collect();
    groups.dedup();
    let help = |sub: &str| {
        let out = cli::Sandbox::new()
            .cmd()
            .args(["vigiles", sub, "--help"])
            .output()
            .unwrap();
        stdout(&out)
    };
    let mut found = 0;
    for sub in [
        "manifests",
        "reports",
        "groups",
        "products",
        "folders",
        "cves",
    ] {
        let text = help(sub);
        let commands = text
            .split("Commands:")
            .nth(1)
            .unwrap()
            .split("Options:")
            .next()
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help");
        for c in commands {
            let name = format!("vigiles {sub} {c}");
            assert!(groups.contains(&name), "{name} is missing from ALL");
            found += 1;
        }
    }
    assert_eq!(
        found, 37,
        "10 manifests, 2 reports, 14 groups, 3 products, 4 folders, 4 cves commands"
    );
}

#[test]
fn a_server_error_on_every_command_exits_1_with_its_message() {
    let w = World::new();
    let mut step = Step::status(500).always();
    step.body =
        Some(r#"{"status_code": 500, "message": "the vulnerability database is offline"}"#.into());
    w.server.set_script(vec![step]);
    for (args, method, path) in ALL {
        for format in ["human", "json"] {
            w.server.clear_requests();
            let out = w
                .cmd()
                .args(*args)
                .args(["--retries", "0", "--message-format", format])
                .output()
                .unwrap();
            assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(
                err.contains("500") && err.contains("the vulnerability database is offline"),
                "{args:?}: {err}"
            );
            assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
            assert!(!err.contains(e2e::KEY), "{args:?}: the key is never shown");
            let requests = w.server.requests();
            assert_eq!(requests.len(), 1, "{args:?}");
            assert_eq!(
                (requests[0].method.as_str(), requests[0].path.as_str()),
                (*method, *path)
            );
        }
    }
    assert!(
        !w.sb.path("out.json").exists() && !w.sb.path("vex.json").exists(),
        "failed downloads write no file"
    );
}

#[test]
fn not_found_is_exit_1_with_the_servers_message() {
    let w = World::new();
    for (args, needle) in [
        (
            &["vigiles", "manifests", "info", "MAN-404"][..],
            "Manifest MAN-404 not found",
        ),
        (
            &[
                "vigiles", "reports", "download", "csv", "RPT-404", "--stdout",
            ],
            "Report RPT-404 not found",
        ),
        (
            &["vigiles", "groups", "members", "GRP-404"],
            "Group GRP-404 not found",
        ),
        (
            &["vigiles", "folders", "archive", "FLD-404"],
            "Folder FLD-404 not found",
        ),
    ] {
        let out = w.cmd().args(args).output().unwrap();
        assert_eq!(code(&out), 1, "{args:?}");
        assert!(
            stderr(&out).contains("404") && stderr(&out).contains(needle),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_dry_run_of_every_command_sends_nothing_and_shows_the_request() {
    let w = World::new();
    for (args, method, path) in ALL {
        let out = w.cmd().arg("--dry-run").args(*args).output().unwrap();
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.starts_with("dry run: nothing was sent"),
            "{args:?}: {text}"
        );
        let url = format!("{method} {}{path}", w.server.url());
        assert!(text.contains(&url), "{args:?}: {url} in {text}");
        assert!(text.contains("X-Auth-Signature"), "{args:?}: signed");
        assert!(!text.contains(e2e::KEY), "{args:?}: the key is never shown");

        let out = w
            .cmd()
            .arg("--dry-run")
            .args(*args)
            .args(["--message-format", "json"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["method"], *method, "{args:?}: {j}");
        assert!(j["url"].as_str().unwrap().contains(path), "{args:?}: {j}");
    }
    assert!(w.server.requests().is_empty(), "a dry run sends nothing");

    // Without any key file a dry run still shows the request, marked unsigned.
    let bare = cli::Sandbox::new()
        .cmd()
        .args([
            "--dry-run",
            "--url",
            &w.server.url(),
            "vigiles",
            "reports",
            "download",
            "pdf",
            "RPT-1",
            "--stdout",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&bare), 0, "{}", stderr(&bare));
    assert!(
        stdout(&bare).contains("UNSIGNED")
            && stdout(&bare).contains("/api/v1/vigiles/reports/RPT-1?"),
        "{}",
        stdout(&bare)
    );
    assert!(w.server.requests().is_empty());
    assert!(
        !w.sb.path("out.json").exists() && !w.sb.path("vex.json").exists(),
        "a dry run writes no download"
    );
}

#[test]
fn bad_arguments_exit_2_and_send_nothing() {
    let w = World::new();
    let no_config: &[(&[&str], &str)] = &[
        (&["vigiles", "manifests", "download", "MAN-1"], "--stdout"),
        (
            &[
                "vigiles",
                "manifests",
                "download",
                "MAN-1",
                "-o",
                "x",
                "--stdout",
            ],
            "cannot be used with",
        ),
        (
            &["vigiles", "manifests", "info", "MAN-1", "-f", "docx"],
            "--sbom-format \"docx\" is not one of spdx, spdx-lite, cyclonedx",
        ),
        (
            &[
                "vigiles",
                "manifests",
                "info",
                "MAN-1",
                "--file-format",
                "json",
            ],
            "need --sbom-format",
        ),
        (
            &["vigiles", "manifests", "info", "a/b"],
            "must not contain '/'",
        ),
        (
            &["vigiles", "manifests", "list", "-g", "G", "-f", "F"],
            "cannot be used with",
        ),
        (
            &["vigiles", "manifests", "rescan", "MAN-1", "-e", "bogus"],
            "--extra-fields \"bogus\" is not one of",
        ),
        (
            &[
                "vigiles",
                "manifests",
                "custom-score",
                "MAN-1",
                "-p",
                "p",
                "--cve-id",
                "C",
                "-s",
                "11",
            ],
            "from 0 to 10",
        ),
        (
            &[
                "vigiles",
                "manifests",
                "custom-score",
                "MAN-1",
                "-p",
                "p",
                "-s",
                "1",
            ],
            "--cve-id",
        ),
        (&["vigiles", "manifests", "move", "MAN-1"], "--group-token"),
        (
            &["vigiles", "manifests", "copy", "-g", "G"],
            "MANIFEST_TOKEN",
        ),
        (
            &[
                "vigiles", "reports", "download", "docx", "RPT-1", "--stdout",
            ],
            "report format \"docx\" is not one of pdf",
        ),
        (
            &[
                "vigiles",
                "reports",
                "download",
                "csv",
                "RPT-1",
                "--stdout",
                "--cyclonedx-format",
                "xml",
            ],
            "apply only to cyclonedx",
        ),
        (
            &[
                "vigiles",
                "reports",
                "download",
                "cyclonedx-vex",
                "RPT-1",
                "--stdout",
                "--cyclonedx-version",
                "2.0",
            ],
            "--cyclonedx-version \"2.0\" is not one of",
        ),
        (&["vigiles", "reports", "compare", "RPT-1"], "TOKEN_TWO"),
        (
            &["vigiles", "groups", "create", "g", "--parent-from-config"],
            "no group is configured",
        ),
        (
            &[
                "vigiles",
                "groups",
                "create",
                "g",
                "--parent",
                "P",
                "--parent-from-config",
            ],
            "cannot be used with",
        ),
        (
            &["vigiles", "groups", "delete", "GRP-1"],
            "without --confirm",
        ),
        (&["vigiles", "groups", "info"], "a group token is required"),
        (
            &["vigiles", "groups", "settings"],
            "a group token is required",
        ),
        (
            &["vigiles", "groups", "activity-log"],
            "a group token is required",
        ),
        (
            &["vigiles", "groups", "activity-log", "G", "-t", "bogus"],
            "--log-type \"bogus\" is not one of",
        ),
        (
            &["vigiles", "groups", "activity-log", "G", "-m", "web"],
            "--log-method \"web\" is not one of ui, api",
        ),
        (
            &["vigiles", "groups", "update-settings", "-g", "G"],
            "nothing to update",
        ),
        (
            &[
                "vigiles",
                "groups",
                "update-settings",
                "-g",
                "G",
                "-s",
                "maybe",
            ],
            "--strict-match \"maybe\" is not one of on, off",
        ),
        (
            &[
                "vigiles",
                "groups",
                "update-settings",
                "-g",
                "G",
                "-i",
                "SWID",
            ],
            "--vuln-identifiers \"SWID\" is not one of",
        ),
        (
            &[
                "vigiles",
                "groups",
                "update-member",
                "G",
                "-e",
                "a b",
                "-r",
                "x",
            ],
            "must not contain",
        ),
        (
            &["vigiles", "groups", "add-member", "G", "-e", "a@b.c"],
            "--role",
        ),
        (&["vigiles", "groups", "archive"], "GROUP_TOKEN"),
        (
            &["vigiles", "products", "info"],
            "a product token is required: pass --product-token",
        ),
        (
            &["vigiles", "folders", "create", "f"],
            "a folder needs a place",
        ),
        (&["vigiles", "folders", "unarchive"], "FOLDER_TOKEN"),
        (
            &["vigiles", "cves", "info", "CVE-1", "-f", "bogus"],
            "--fields \"bogus\" is not one of",
        ),
        (
            &[
                "vigiles",
                "cves",
                "set-status",
                "everyone",
                "CVE-1",
                "p",
                "resolved",
            ],
            "scope \"everyone\" is not one of manifest, group, all",
        ),
        (
            &[
                "vigiles",
                "cves",
                "set-status",
                "all",
                "CVE-1",
                "p",
                "fixed",
            ],
            "status \"fixed\" is not one of",
        ),
        (
            &[
                "vigiles",
                "cves",
                "set-status",
                "all",
                "CVE-1",
                "p",
                "not_affected",
                "-j",
                "because",
            ],
            "--justification \"because\" is not one of",
        ),
        (
            &[
                "vigiles",
                "cves",
                "set-status",
                "group",
                "CVE-1",
                "p",
                "resolved",
            ],
            "scope group needs --group-tokens",
        ),
        (
            &[
                "vigiles",
                "cves",
                "set-status",
                "manifest",
                "CVE-1",
                "p",
                "resolved",
            ],
            "scope manifest needs --manifest-tokens",
        ),
        (
            &["vigiles", "cves", "get-status", "CVE-1", "p", "1"],
            "MANIFEST_TOKEN",
        ),
        (&["vigiles", "nope"], "unrecognized subcommand"),
    ];
    for (args, needle) in no_config {
        let out = w.cmd().args(*args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(needle),
            "{args:?}: {needle:?} in {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let dry = w.cmd().arg("--dry-run").args(*args).output().unwrap();
        assert_eq!(code(&dry), 2, "{args:?} --dry-run: {}", stderr(&dry));
    }
    assert!(w.server.requests().is_empty());
}
