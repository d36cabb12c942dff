//! The reference client's signing vectors (`../shared/vectors/llapi-auth-vectors.json`).

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value as Json;

/// Path of the vectors file, relative to the repository root.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|d| d.join("Cargo.lock").exists())
        .expect("repository root")
        .join("../shared/vectors/llapi-auth-vectors.json")
}

/// One case of the file.
pub struct Case {
    pub name: String,
    pub method: String,
    pub resource: String,
    pub email: String,
    pub key: String,
    pub params: Vec<(String, Json)>,
    pub hmac_msg: String,
    pub signature: String,
    pub url: String,
    pub body: Option<String>,
}

/// All cases; fails loudly if the file is missing or has fewer than 57.
pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(path()).expect("vectors file");
    let doc: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format"], "llapi-auth-vectors/1");
    let cases: Vec<Case> = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().into(),
            method: c["method"].as_str().unwrap().into(),
            resource: c["resource"].as_str().unwrap().into(),
            email: c["email"].as_str().unwrap().into(),
            key: c["key"].as_str().unwrap().into(),
            params: c["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].clone()))
                .collect(),
            hmac_msg: c["expect"]["hmac_msg"].as_str().unwrap().into(),
            signature: c["expect"]["signature"].as_str().unwrap().into(),
            url: c["expect"]["url"].as_str().unwrap().into(),
            body: c["expect"]["body"].as_str().map(Into::into),
        })
        .collect();
    assert_eq!(cases.len(), 57, "the vectors file has 57 cases");
    cases
}

/// The key file of a case, as JSON text.
pub fn key_file_json(case: &Case) -> String {
    serde_json::json!({"email": case.email, "key": case.key}).to_string()
}

/// Splits a URL into path and decoded query pairs.
pub fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    match url.split_once('?') {
        Some((base, query)) => (base.to_owned(), decode(query)),
        None => (url.to_owned(), Vec::new()),
    }
}

/// Decodes a form-encoded string into pairs.
pub fn decode(s: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(s.as_bytes()).into_owned().collect()
}
