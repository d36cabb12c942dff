//! heartbeat and api against the test server, which checks signatures from what it received.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;

use cli::{code, stderr, stdout};
use e2e::World;

#[test]
fn heartbeat_ok_with_the_right_key() {
    let w = World::new();
    let out = w.cmd().arg("heartbeat").output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("heartbeat ok"));
    let reqs = w.server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("POST", "/api/v1/vigiles/heartbeat")
    );
    assert!(reqs[0].signature_ok);
    assert_eq!(reqs[0].param("email"), Some(e2e::EMAIL));
}

#[test]
fn wrong_key_is_403_and_exit_1() {
    let w = World::new();
    let bad = w.sb.write(
        "keys/bad",
        &format!(r#"{{"email": "{}", "key": "not-the-key"}}"#, e2e::EMAIL),
    );
    let out =
        w.sb.cmd()
            .arg("heartbeat")
            .arg("--key-file")
            .arg(&bad)
            .args(["--url", &w.server.url()])
            .output()
            .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("403"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Invalid credentials"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.server.requests().len(), 1, "4xx is never retried");
}

#[test]
fn legacy_heartbeat_path_for_the_retired_server_generation() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "api",
            "POST",
            "/api/v1/heartbeat",
            "--message-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["ok"], true);
}

#[test]
fn api_get_with_list_parameters_verifies() {
    let w = World::new();
    let out = w
        .cmd()
        .args([
            "api",
            "GET",
            "/api/v1/vigiles/cves/CVE-2023-0286",
            "-F",
            "fields=impact",
            "-F",
            "fields=description",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let reqs = w.server.requests();
    assert!(reqs[0].signature_ok);
    assert_eq!(
        reqs[0].params("fields"),
        vec!["impact", "description"],
        "list elements keep the caller's order on the wire"
    );
}

#[test]
fn dry_run_sends_nothing() {
    let w = World::new();
    let out = w.cmd().args(["heartbeat", "--dry-run"]).output().unwrap();
    assert_eq!(code(&out), 0);
    assert!(w.server.requests().is_empty());
    assert!(!stdout(&out).contains(e2e::KEY));
}

#[test]
fn heartbeat_legacy_flag_uses_the_old_path() {
    let w = World::new();
    let out = w.cmd().args(["heartbeat", "--legacy"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(w.server.requests()[0].path, "/api/v1/heartbeat");
}
