//! Server configuration: accepted credentials, fault script, state directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use llapi::{Error, Result};

use crate::faults::Step;

/// One accepted credential: the `email` of a key file and its secret key.
#[derive(Clone)]
pub struct Credential {
    /// The account email the client sends as parameter `email`.
    pub email: String,
    /// The HMAC key (already whitespace-stripped).
    pub key: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("email", &self.email)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Credential {
    /// A credential from an email and a key; both are whitespace-stripped like the client does.
    pub fn new(email: impl AsRef<str>, key: impl AsRef<str>) -> Self {
        Credential {
            email: email.as_ref().trim().to_string(),
            key: key.as_ref().trim().to_string(),
        }
    }

    /// Reads a key file (JSON with `email` and `organization_key` or `key`; `organization_key`
    /// wins when both are present).
    pub fn from_key_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            what: "key file",
            path: path.to_path_buf(),
            source,
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Parse {
            what: "key file",
            path: path.to_path_buf(),
            format: "JSON",
            detail: format!("line {} column {}", e.line(), e.column()),
        })?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str());
        let email = field("email").ok_or_else(|| {
            Error::invalid(format!("key file {} has no string `email`", path.display()))
        })?;
        let key = field("organization_key")
            .or_else(|| field("key"))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "key file {} has neither `organization_key` nor `key`",
                    path.display()
                ))
            })?;
        Ok(Credential::new(email, key))
    }
}

/// Everything [`crate::TestServer::start`] needs.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Accepted credentials (a request whose `email` is not listed gets 403).
    pub credentials: Vec<Credential>,
    /// The port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The initial fault script.
    pub script: Vec<Step>,
    /// When set, uploads and the request log are persisted there.
    pub state_dir: Option<PathBuf>,
    /// Extra package names (exact match) that get synthetic CVEs, besides any name containing
    /// `openssl` or `busybox`.
    pub vulnerable_packages: Vec<String>,
}

impl ServerConfig {
    /// A configuration accepting one credential.
    pub fn with_credential(email: &str, key: &str) -> Self {
        ServerConfig {
            credentials: vec![Credential::new(email, key)],
            ..ServerConfig::default()
        }
    }

    /// Adds the credential of a key file.
    pub fn key_file(mut self, path: &Path) -> Result<Self> {
        self.credentials.push(Credential::from_key_file(path)?);
        Ok(self)
    }

    /// Sets the fault script.
    pub fn script(mut self, script: Vec<Step>) -> Self {
        self.script = script;
        self
    }

    /// Adds a package name that gets synthetic CVEs.
    pub fn vulnerable(mut self, package: &str) -> Self {
        self.vulnerable_packages.push(package.to_string());
        self
    }

    /// Sets the state directory.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// The key of each accepted email (a later entry for the same email wins).
    pub(crate) fn key_map(&self) -> BTreeMap<String, Vec<u8>> {
        self.credentials
            .iter()
            .map(|c| (c.email.clone(), c.key.as_bytes().to_vec()))
            .collect()
    }
}
