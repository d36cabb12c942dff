//! Configuration from the build environment: errors (exit 2, one line) and precedence.

#[path = "support/cli.rs"]
mod cli;

use cli::{code, stderr, stdout, Sandbox};
use serde_json::Value as Json;

const KEY: &str = r#"{"email": "dev@example.com", "key": "TOPSECRETKEY"}"#;

fn config_json(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Json {
    let out = sb
        .cmd()
        .arg("config")
        .args(["--message-format", "json"])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stdout(&out).contains("TOPSECRETKEY"));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails_with(sb: &Sandbox, args: &[&str], needle: &str) {
    let out = sb.cmd().args(args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{args:?}: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {err}");
    assert!(
        errors[0].contains(needle),
        "{args:?}: expected {needle:?} in {err}"
    );
    assert!(
        !err.contains("TOPSECRETKEY") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn every_key_file_error_is_one_line_and_exit_2() {
    let sb = Sandbox::new();
    let dir = sb.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("missing.json", None, "cannot read key file"),
        ("a-directory", None, "cannot read key file"),
        (
            "bad.json",
            Some("{\"email\": \"TOPSECRETKEY"),
            "is not valid JSON",
        ),
        (
            "noemail.json",
            Some(r#"{"key": "TOPSECRETKEY"}"#),
            "`email` is missing",
        ),
        (
            "emptyemail.json",
            Some(r#"{"email": " ", "key": "TOPSECRETKEY"}"#),
            "`email` is empty",
        ),
        (
            "numemail.json",
            Some(r#"{"email": 3, "key": "TOPSECRETKEY"}"#),
            "`email` must be a string",
        ),
        (
            "nokey.json",
            Some(r#"{"email": "a@b.c"}"#),
            "neither `organization_key` nor `key`",
        ),
        (
            "emptykey.json",
            Some(r#"{"email": "a@b.c", "key": ""}"#),
            "`key` is empty",
        ),
        (
            "numkey.json",
            Some(r#"{"email": "a@b.c", "organization_key": 12}"#),
            "`organization_key` must be a string",
        ),
    ];
    for (name, content, needle) in cases {
        let path = match content {
            Some(c) => sb.write(name, c),
            None => sb.path(name),
        };
        fails_with(
            &sb,
            &[
                "heartbeat",
                "--dry-run",
                "--key-file",
                path.to_str().unwrap(),
            ],
            needle,
        );
    }
}

#[test]
fn null_token_and_bad_urls_are_exit_2() {
    let sb = Sandbox::new();
    let key = sb.write("key.json", KEY);
    let key = key.to_str().unwrap();
    let dash = sb.write("dash.json", r#"{"group": null}"#);
    fails_with(
        &sb,
        &[
            "heartbeat",
            "--dry-run",
            "--key-file",
            key,
            "--dashboard-config",
            dash.to_str().unwrap(),
        ],
        "`group` is null",
    );
    fails_with(
        &sb,
        &[
            "heartbeat",
            "--dry-run",
            "--key-file",
            key,
            "--url",
            "ftp://vigiles.test",
        ],
        "must start with https://",
    );
    fails_with(
        &sb,
        &[
            "heartbeat",
            "--dry-run",
            "--key-file",
            key,
            "--url",
            "http://vigiles.test",
        ],
        "refusing plain http://",
    );
    fails_with(
        &sb,
        &["heartbeat", "--dry-run", "--key-file", key, "--timeout=-1"],
        "--timeout",
    );
    let url_in_key = sb.write(
        "key2.json",
        r#"{"email": "a@b.c", "key": "k", "server_url": "gopher://x"}"#,
    );
    fails_with(
        &sb,
        &[
            "heartbeat",
            "--dry-run",
            "--key-file",
            url_in_key.to_str().unwrap(),
        ],
        "server_url in key file",
    );
}

#[test]
fn exposed_key_file_warns_and_missing_default_is_unsigned_dry_run() {
    let sb = Sandbox::new();
    let key = sb.write("key.json", KEY);
    cli::set_mode(&key, 0o644);
    let out = sb
        .cmd()
        .args([
            "heartbeat",
            "--dry-run",
            "--key-file",
            key.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("readable by others"),
        "{}",
        stderr(&out)
    );

    let out = sb.cmd().args(["heartbeat", "--dry-run"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("UNSIGNED"), "{}", stdout(&out));
    let out = sb.cmd().args(["heartbeat"]).output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no key file"), "{}", stderr(&out));
}

#[test]
fn dashboard_fallbacks_follow_the_reference() {
    let sb = Sandbox::new();
    let key = sb.write("key.json", KEY);
    let key = key.to_str().unwrap();
    // An explicitly given but missing dashboard config: warning, Private Workspace.
    let out = sb
        .cmd()
        .args([
            "config",
            "--key-file",
            key,
            "--dashboard-config",
            "nope.json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("Private Workspace instead"),
        "{}",
        stderr(&out)
    );
    // Invalid JSON: same.
    let bad = sb.write("bad.json", "{");
    let j = config_json(
        &sb,
        &[
            "--key-file",
            key,
            "--dashboard-config",
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(j["target"], "Private Workspace");
    assert!(j["dashboard_warning"]
        .as_str()
        .unwrap()
        .contains("Unable to parse"));
    // A missing default file is silent.
    let out = sb
        .cmd()
        .args(["config", "--key-file", key])
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "");
    // The name the file used is remembered.
    let product = sb.write(
        "timesys/dashboard_config",
        r#"{"product": "PTOK", "folder": "FTOK"}"#,
    );
    let j = config_json(&sb, &["--key-file", key], &[]);
    assert_eq!(j["target"]["kind"], "product");
    assert_eq!(j["target"]["folder"], "FTOK");
    assert_eq!(j["dashboard_config"]["origin"], "default");
    assert_eq!(j["dashboard_config"]["path"], product.to_str().unwrap());
}

/// A Cargo workspace with `[workspace.metadata.llapi]` and a member with `[package.metadata.llapi]`.
fn project(sb: &Sandbox, package_table: &str, workspace_table: &str) {
    sb.write(
        "proj/Cargo.toml",
        &format!("[workspace]\nmembers = [\"member\"]\n\n[workspace.metadata.llapi]\n{workspace_table}\n"),
    );
    sb.write(
        "proj/member/Cargo.toml",
        &format!("[package]\nname = \"member\"\nversion = \"0.1.0\"\n\n[package.metadata.llapi]\n{package_table}\n"),
    );
}

#[test]
fn precedence_one_test_per_level() {
    let sb = Sandbox::new();
    for name in ["flag", "env", "pkg", "ws", "default"] {
        sb.write(&format!("keys/{name}.json"), &format!(r#"{{"email": "{name}@x.test", "key": "k", "server_url": "https://{name}.keyfile.test"}}"#));
    }
    sb.write(
        "timesys/linuxlink_key",
        r#"{"email": "default@x.test", "key": "k"}"#,
    );
    project(
        &sb,
        "key-file = \"../../keys/pkg.json\"\nsubfolder = \"pkg-sub\"",
        "key-file = \"../keys/ws.json\"\nurl = \"https://ws.metadata.test\"\nsubfolder = \"ws-sub\"",
    );
    let manifest = sb.path("proj/member/Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let flag_key = sb.path("keys/flag.json");
    let env_key = sb.path("keys/env.json");
    let mp = ["--manifest-path", manifest];

    // 1. flag > environment
    let j = config_json(
        &sb,
        &[
            &mp[..],
            &[
                "--key-file",
                flag_key.to_str().unwrap(),
                "--url",
                "https://flag.test",
            ],
        ]
        .concat(),
        &[
            ("VIGILES_KEY_FILE", env_key.to_str().unwrap()),
            ("LINUXLINK_SERVER", "https://env.test"),
        ],
    );
    assert_eq!(j["credentials"]["email"], "flag@x.test");
    assert_eq!(j["key_file"]["origin"], "command line");
    assert_eq!(j["url"]["value"], "https://flag.test");

    // 2. environment > Cargo metadata
    let j = config_json(
        &sb,
        &mp,
        &[
            ("VIGILES_KEY_FILE", env_key.to_str().unwrap()),
            ("LINUXLINK_SERVER", "https://env.test"),
            ("VIGILES_SUBFOLDER_NAME", "env-sub"),
        ],
    );
    assert_eq!(j["credentials"]["email"], "env@x.test");
    assert_eq!(
        j["key_file"]["origin"],
        "environment variable VIGILES_KEY_FILE"
    );
    assert_eq!(j["url"]["value"], "https://env.test");
    assert_eq!(j["subfolder"]["name"], "env-sub");

    // 3. [package.metadata.llapi] > [workspace.metadata.llapi] (paths relative to their Cargo.toml)
    let j = config_json(&sb, &mp, &[]);
    assert_eq!(j["credentials"]["email"], "pkg@x.test");
    assert!(j["key_file"]["origin"]
        .as_str()
        .unwrap()
        .starts_with("[package.metadata.llapi]"));
    assert_eq!(j["subfolder"]["name"], "pkg-sub");
    // ... and the workspace table fills what the package table lacks; it beats the key file's server_url.
    assert_eq!(j["url"]["value"], "https://ws.metadata.test");
    assert!(j["url"]["origin"]
        .as_str()
        .unwrap()
        .starts_with("[workspace.metadata.llapi]"));

    // 4. workspace metadata alone (from the workspace root)
    let root_manifest = sb.path("proj/Cargo.toml");
    let j = config_json(
        &sb,
        &["--manifest-path", root_manifest.to_str().unwrap()],
        &[],
    );
    assert_eq!(j["credentials"]["email"], "ws@x.test");

    // 5. key file's server_url > default URL
    let j = config_json(&sb, &["--key-file", flag_key.to_str().unwrap()], &[]);
    assert_eq!(j["url"]["value"], "https://flag.keyfile.test");
    assert!(j["url"]["origin"]
        .as_str()
        .unwrap()
        .starts_with("server_url in key file"));

    // 6. defaults
    let j = config_json(&sb, &[], &[]);
    assert_eq!(j["credentials"]["email"], "default@x.test");
    assert_eq!(j["key_file"]["origin"], "default");
    assert_eq!(j["url"]["value"], "https://vigiles.lynx.com");
    assert_eq!(j["url"]["origin"], "default");
}

#[test]
fn global_options_work_after_the_command_and_as_cargo_subcommand() {
    let sb = Sandbox::new();
    let key = sb.write("key.json", KEY);
    let before = sb
        .cmd()
        .args([
            "--dry-run",
            "--key-file",
            key.to_str().unwrap(),
            "heartbeat",
        ])
        .output()
        .unwrap();
    let after = sb
        .cmd()
        .args([
            "llapi",
            "heartbeat",
            "--key-file",
            key.to_str().unwrap(),
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&before), 0, "{}", stderr(&before));
    assert_eq!(before.stdout, after.stdout);
    assert!(stdout(&after).contains("X-Auth-Signature: "));
    assert!(!stdout(&after).contains("TOPSECRETKEY"));
    let usage = sb
        .cmd()
        .args(["heartbeat", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(code(&usage), 2);
}
