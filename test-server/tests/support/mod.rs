//! A tiny signing LLAPI client for the server's own tests (reqwest blocking). It signs with the
//! server's verifier module, which the reference vectors prove correct.

#![allow(dead_code)]

use std::time::Duration;

use llapi_test_server::verify::{signature, Pairs, Text};
use llapi_test_server::{ServerConfig, TestServer};
use serde_json::Value;

pub const EMAIL: &str = "user@example.com";
pub const KEY: &str = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==";

/// A server accepting [`EMAIL`]/[`KEY`].
pub fn server() -> TestServer {
    TestServer::start(ServerConfig::with_credential(EMAIL, KEY)).expect("server starts")
}

/// A signing client.
pub struct Client {
    pub base: String,
    pub email: String,
    pub key: String,
    pub http: reqwest::blocking::Client,
}

/// A response: status, headers, body.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self::with_key(base, EMAIL, KEY)
    }

    pub fn with_key(base: &str, email: &str, key: &str) -> Self {
        Client {
            base: base.to_string(),
            email: email.to_string(),
            key: key.to_string(),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap(),
        }
    }

    /// Sends a signed request (params in wire order, `email` appended) or an error.
    pub fn try_send(
        &self,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> reqwest::Result<Reply> {
        let mut pairs: Pairs = params
            .iter()
            .map(|(n, v)| (n.to_string(), Text::from(*v)))
            .collect();
        pairs.push(("email".to_string(), Text::from(self.email.as_str())));
        let sig = signature(self.key.as_bytes(), method, path, &pairs);
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (n, v) in &pairs {
            form.append_pair(n, v);
        }
        let encoded = form.finish();
        let method_value = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let request = if method == "POST" {
            self.http
                .request(method_value, format!("{}{path}", self.base))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded)
        } else {
            self.http
                .request(method_value, format!("{}{path}?{encoded}", self.base))
        };
        let response = request.header("X-Auth-Signature", sig).send()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = response.bytes()?.to_vec();
        Ok(Reply {
            status,
            content_type,
            headers,
            body,
        })
    }

    /// Sends a signed request; panics on transport errors.
    pub fn send(&self, method: &str, path: &str, params: &[(&str, &str)]) -> Reply {
        self.try_send(method, path, params)
            .expect("request delivered")
    }

    /// Sends and expects a 200 JSON answer.
    pub fn ok(&self, method: &str, path: &str, params: &[(&str, &str)]) -> Value {
        let reply = self.send(method, path, params);
        assert_eq!(
            reply.status,
            200,
            "{method} {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()
    }
}

/// A Vigiles-format manifest with the given packages (name, version).
pub fn vigiles_manifest(packages: &[(&str, &str)]) -> String {
    let mut map = serde_json::Map::new();
    for (name, version) in packages {
        map.insert(
            name.to_string(),
            serde_json::json!({"name": name, "version": version}),
        );
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "manifest_version": "1.19", "image": "core-image-test", "packages": map,
    }))
    .unwrap()
}
