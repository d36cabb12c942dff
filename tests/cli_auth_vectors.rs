//! The same 57 vectors through the binary: `api ... --dry-run --message-format json`.

#[path = "support/vectors.rs"]
mod vectors;

use std::process::Command;

use serde_json::Value as Json;

fn field_args(case: &vectors::Case) -> Vec<String> {
    let mut args = Vec::new();
    for (name, value) in &case.params {
        let texts: Vec<String> = match value {
            Json::String(s) => vec![s.clone()],
            Json::Bool(true) => vec!["True".into()],
            Json::Bool(false) => vec!["False".into()],
            Json::Number(n) => vec![n.to_string()],
            Json::Array(items) => items
                .iter()
                .map(|i| i.as_str().unwrap().to_owned())
                .collect(),
            other => panic!("unexpected {other}"),
        };
        args.extend(texts.into_iter().map(|t| format!("--field={name}={t}")));
    }
    args
}

#[test]
fn all_57_vectors_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    for (i, case) in vectors::cases().iter().enumerate() {
        let key_file = dir.path().join(format!("key{i}.json"));
        std::fs::write(&key_file, vectors::key_file_json(case)).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-llapi"))
            .args(["api", &case.method, &case.resource])
            .args(field_args(case))
            .args([
                "--dry-run",
                "--message-format",
                "json",
                "--url",
                "https://vigiles.example.test",
            ])
            .arg("--key-file")
            .arg(&key_file)
            .env_remove("VIGILES_KEY_FILE")
            .env_remove("LINUXLINK_SERVER")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: stdout is one JSON object: {e}", case.name));
        assert_eq!(report["method"], case.method.as_str());
        assert_eq!(report["hmac_msg"], case.hmac_msg.as_str(), "{}", case.name);
        assert_eq!(
            report["headers"]["X-Auth-Signature"],
            case.signature.as_str(),
            "{}",
            case.name
        );
        let (path, query) = vectors::split_url(report["url"].as_str().unwrap());
        let (want_path, want_query) = vectors::split_url(&case.url);
        assert_eq!((path, query), (want_path, want_query), "{}: url", case.name);
        match &case.body {
            Some(want) => assert_eq!(
                vectors::decode(report["body"].as_str().unwrap()),
                vectors::decode(want),
                "{}: body",
                case.name
            ),
            None => assert!(report.get("body").is_none(), "{}: no body", case.name),
        }
    }
}
