//! Helpers for the `vigiles` end-to-end tests: run a command against the test server and check
//! exactly what the server received.

#![allow(dead_code)]

use std::process::Output;

use serde_json::Value as Json;

use super::cli::{code, stderr, stdout};
use super::e2e::{vigiles_manifest, World};
pub use llapi_test_server::RecordedRequest;

/// The parameters a request carried, in wire order, without the implicit `email`.
pub fn params(r: &RecordedRequest) -> Vec<(String, String)> {
    r.pairs
        .iter()
        .filter(|(n, _)| n != "email")
        .map(|(n, v)| (n.clone(), v.to_string()))
        .collect()
}

/// Runs the binary with `args`, without touching the recorded requests.
pub fn run(w: &World, args: &[&str]) -> Output {
    w.cmd().args(args).output().unwrap()
}

/// Runs `args` after forgetting earlier requests; expects exit 0 and exactly one request,
/// signed correctly, with this method, path and parameters (wire order, without `email`).
/// Returns stdout.
pub fn expect(
    w: &World,
    args: &[&str],
    method: &str,
    path: &str,
    pairs: &[(&str, &str)],
) -> String {
    w.server.clear_requests();
    let out = run(w, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    let requests = w.server.requests();
    assert_eq!(requests.len(), 1, "{args:?}: one request");
    let r = &requests[0];
    assert!(r.signature_ok, "{args:?}: signature accepted");
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        (method, path),
        "{args:?}"
    );
    let want: Vec<(String, String)> = pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(params(r), want, "{args:?}: parameters");
    assert_eq!(r.param("email"), Some(super::e2e::EMAIL));
    stdout(&out)
}

/// [`expect`] with `--message-format json`; returns the parsed stdout.
pub fn expect_json(
    w: &World,
    args: &[&str],
    method: &str,
    path: &str,
    pairs: &[(&str, &str)],
) -> Json {
    let mut all = args.to_vec();
    all.extend(["--message-format", "json"]);
    let text = expect(w, &all, method, path, pairs);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
}

/// Uploads a manifest (with a vulnerable package) and returns the server's answer.
pub fn upload(w: &World, name: &str) -> Json {
    let file = w.manifest(&format!("{name}.json"), &vigiles_manifest(name, true));
    let out = w
        .cmd()
        .args(["upload", "--message-format", "json", "--name", name])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Creates a group with the binary and returns its token.
pub fn group(w: &World, name: &str) -> String {
    let out = run(
        w,
        &[
            "vigiles",
            "groups",
            "create",
            name,
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    j["token"].as_str().unwrap().to_owned()
}

/// Creates a folder in `group` with the binary and returns its token.
pub fn folder(w: &World, group: &str, name: &str) -> String {
    let out = run(
        w,
        &[
            "vigiles",
            "folders",
            "create",
            name,
            "-g",
            group,
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j: Json = serde_json::from_slice(&out.stdout).unwrap();
    j["token"].as_str().unwrap().to_owned()
}

/// A dashboard config in the sandbox; returns its path as text.
pub fn dashboard(w: &World, json: &str) -> String {
    w.sb.write("dashboard_config", json).display().to_string()
}

/// The manifest token of an upload answer.
pub fn token(answer: &Json, field: &str) -> String {
    answer[field].as_str().unwrap().to_owned()
}
