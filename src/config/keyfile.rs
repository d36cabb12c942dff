//! The key file: `{"email": ..., "organization_key" | "key": ..., "server_url"?, "enterprise"?}`.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::secret::ApiKey;

/// The parsed content of a key file.
#[derive(Debug, Clone)]
pub struct KeyFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The account's email address (whitespace-stripped).
    pub email: String,
    /// The secret key: `organization_key` when present, else `key`.
    pub key: ApiKey,
    /// Which field the key came from (`organization_key` or `key`).
    pub key_field: &'static str,
    /// The server URL the file names, trailing `/` removed.
    pub server_url: Option<String>,
    /// The `enterprise` flag, when the file has one.
    pub enterprise: Option<bool>,
}

impl KeyFile {
    /// Reads and validates a key file. Every failure is an input error with a one-line message
    /// that never contains the file's content.
    pub fn load(path: &Path) -> Result<KeyFile> {
        let text = std::fs::read(path).map_err(|source| Error::ReadFile {
            what: "key file",
            path: path.to_path_buf(),
            source,
        })?;
        warn_if_exposed(path);
        Self::parse(path, &text)
    }

    /// Validates the bytes of a key file read from `path`.
    pub fn parse(path: &Path, text: &[u8]) -> Result<KeyFile> {
        let json: Json = serde_json::from_slice(text).map_err(|e| Error::Parse {
            what: "key file",
            path: path.to_path_buf(),
            format: "JSON",
            detail: format!("line {} column {}", e.line(), e.column()),
        })?;
        let obj = json.as_object().ok_or_else(|| {
            Error::invalid(format!(
                "key file {} must hold a JSON object",
                path.display()
            ))
        })?;
        let bad = |what: &str| Error::invalid(format!("key file {}: {what}", path.display()));
        let email = match obj.get("email") {
            None | Some(Json::Null) => return Err(bad("`email` is missing")),
            Some(Json::String(s)) if s.trim().is_empty() => return Err(bad("`email` is empty")),
            Some(Json::String(s)) => s.trim().to_owned(),
            Some(_) => return Err(bad("`email` must be a string")),
        };
        let (key_field, raw_key) = ["organization_key", "key"]
            .into_iter()
            .find_map(|f| match obj.get(f) {
                None | Some(Json::Null) => None,
                Some(v) => Some((f, v)),
            })
            .ok_or_else(|| bad("neither `organization_key` nor `key` is set"))?;
        let key = match raw_key {
            Json::String(s) if s.trim().is_empty() => {
                return Err(bad(&format!("`{key_field}` is empty")))
            }
            Json::String(s) => ApiKey::new(s),
            _ => return Err(bad(&format!("`{key_field}` must be a string"))),
        };
        let server_url = match obj.get("server_url") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) if s.trim().is_empty() => None,
            Some(Json::String(s)) => Some(s.trim().trim_end_matches('/').to_owned()),
            Some(_) => return Err(bad("`server_url` must be a string")),
        };
        let enterprise = match obj.get("enterprise") {
            None | Some(Json::Null) => None,
            Some(Json::Bool(b)) => Some(*b),
            Some(_) => return Err(bad("`enterprise` must be true or false")),
        };
        Ok(KeyFile {
            path: path.to_path_buf(),
            email,
            key,
            key_field,
            server_url,
            enterprise,
        })
    }
}

/// Warns when group or others may read the key file.
#[cfg(unix)]
fn warn_if_exposed(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            log::warn!(
                "key file {} is readable by others (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_exposed(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<KeyFile> {
        KeyFile::parse(Path::new("k.json"), text.as_bytes())
    }

    #[test]
    fn organization_key_wins_and_values_are_stripped() {
        let k = parse(r#"{"email": " a@b.c ", "key": "old", "organization_key": " new\n", "server_url": "https://x.test/"}"#).unwrap();
        assert_eq!(k.email, "a@b.c");
        assert_eq!(k.key, ApiKey::new("new"));
        assert_eq!(k.key_field, "organization_key");
        assert_eq!(k.server_url.as_deref(), Some("https://x.test"));
    }

    #[test]
    fn errors_name_the_field_and_never_the_key() {
        for (text, needle) in [
            ("{", "not valid JSON"),
            ("[]", "JSON object"),
            (r#"{"key": "sekrit"}"#, "`email` is missing"),
            (r#"{"email": "", "key": "sekrit"}"#, "`email` is empty"),
            (
                r#"{"email": 5, "key": "sekrit"}"#,
                "`email` must be a string",
            ),
            (r#"{"email": "a@b"}"#, "neither"),
            (r#"{"email": "a@b", "key": "  "}"#, "`key` is empty"),
            (r#"{"email": "a@b", "key": 7}"#, "`key` must be a string"),
        ] {
            let err = parse(text).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(needle), "{text}: {msg}");
            assert!(!msg.contains("sekrit"));
            assert_eq!(err.kind().exit_code(), 2);
        }
    }
}
