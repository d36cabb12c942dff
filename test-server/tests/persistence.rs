//! The state directory and the binary.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use llapi_test_server::{ServerConfig, TestServer};
use serde_json::Value;
use support::{vigiles_manifest, Client, EMAIL, KEY};

#[test]
fn state_dir_holds_manifests_metadata_and_request_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig::with_credential(EMAIL, KEY).state_dir(dir.path());
    let server = TestServer::start(config).unwrap();
    let client = Client::new(&server.url());
    let manifest = vigiles_manifest(&[("busybox", "1")]) + &" ".repeat(5000);
    let result = client.ok(
        "POST",
        "/api/v1/vigiles/manifests",
        &[
            ("manifest", &manifest),
            ("group_token", "G1"),
            ("upload_only", "True"),
        ],
    );
    let token = result["manifest_token"].as_str().unwrap();
    let gone = client.ok("POST", "/api/v1/vigiles/manifests", &[("manifest", "{}")]);
    let gone = gone["manifest_token"].as_str().unwrap();
    client.ok(
        "DELETE",
        &format!("/api/v1/vigiles/manifests/{gone}"),
        &[("confirmed", "True")],
    );
    drop(server);

    let manifests = dir.path().join("manifests");
    assert_eq!(
        std::fs::read(manifests.join(format!("{token}.manifest"))).unwrap(),
        manifest.as_bytes()
    );
    let meta: Value =
        serde_json::from_slice(&std::fs::read(manifests.join(format!("{token}.json"))).unwrap())
            .unwrap();
    assert_eq!(meta["manifest_token"], token);
    assert_eq!(meta["group_token"], "G1");
    assert_eq!(meta["manifest_len"], manifest.len());
    let params: Vec<(String, String)> = serde_json::from_value(meta["params"].clone()).unwrap();
    assert!(params.contains(&("upload_only".into(), "True".into())));
    assert!(params.contains(&("email".into(), EMAIL.into())));
    let mut names: Vec<_> = std::fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [format!("{token}.json"), format!("{token}.manifest")],
        "deleted and temp files are gone"
    );

    let log = std::fs::read_to_string(dir.path().join("requests.jsonl")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["method"], "POST");
    assert_eq!(lines[0]["path"], "/api/v1/vigiles/manifests");
    assert_eq!(lines[0]["signature_ok"], true);
    assert_eq!(lines[0]["status"], 200);
    let first_pair = &lines[0]["pairs"][0];
    assert_eq!(first_pair[0], "manifest");
    assert_eq!(first_pair[1]["len"], manifest.len());
    assert_eq!(first_pair[1]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(lines[2]["method"], "DELETE");
}

#[test]
fn binary_prints_its_address_serves_and_runs_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("linuxlink_key");
    std::fs::write(
        &key_file,
        format!(r#"{{"email": "{EMAIL}", "organization_key": "  {KEY}\n"}}"#),
    )
    .unwrap();
    let script = dir.path().join("script.json");
    std::fs::write(
        &script,
        r#"[{"path": "/api/v1/vigiles/heartbeat", "status": 503, "retry_after": 2}]"#,
    )
    .unwrap();
    let state = dir.path().join("state");
    let mut child = Command::new(env!("CARGO_BIN_EXE_llapi-test-server"))
        .args([
            "--key-file".as_ref(),
            key_file.as_os_str(),
            "--script".as_ref(),
            script.as_os_str(),
        ])
        .args(["--state-dir".as_ref(), state.as_os_str()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim_end()
        .strip_prefix("listening on ")
        .expect("first line announces the URL")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let _guard = KillOnDrop(child);
    let client = Client::new(&url);
    let faulted = client.send("POST", "/api/v1/vigiles/heartbeat", &[]);
    assert_eq!(
        (
            faulted.status,
            faulted.headers["retry-after"].to_str().unwrap()
        ),
        (503, "2")
    );
    assert_eq!(
        client.send("POST", "/api/v1/vigiles/heartbeat", &[]).status,
        200
    );
    let log = std::fs::read_to_string(state.join("requests.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 2);
}

/// Kills the spawned server even when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_rejects_a_bad_key_file_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, r#"{"email": "a@b.c"}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_llapi-test-server"))
        .arg("--key-file")
        .arg(&key_file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("neither `organization_key` nor `key`"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
