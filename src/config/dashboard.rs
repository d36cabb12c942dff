//! The dashboard config downloaded from the Vigiles UI: `{"group" | "product": token, "folder"?: token}`.

use std::path::Path;

use serde_json::Value as Json;

use crate::error::{Error, Result};

/// The name a dashboard config used for its token; uploads send it back as `<name>_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// `group` (current service).
    Group,
    /// `product` (older service generation).
    Product,
}

impl TokenKind {
    /// The form field that carries this token (`group_token` / `product_token`).
    pub fn field(self) -> &'static str {
        match self {
            TokenKind::Group => "group_token",
            TokenKind::Product => "product_token",
        }
    }
}

/// Where uploads go: a group (or product) and optionally a folder in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dashboard {
    /// The group or product token.
    pub token: String,
    /// Which name the file used.
    pub kind: TokenKind,
    /// The folder token, if any.
    pub folder: Option<String>,
}

/// Why a dashboard config could not be used (the upload then goes to the Private Workspace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// The file does not exist or cannot be read.
    Unreadable(String),
    /// The file is not JSON or holds no group/product token.
    Invalid(String),
}

impl Dashboard {
    /// Reads a dashboard config. `Ok(Err(..))` is a file the reference treats as unusable
    /// (warning + Private Workspace); `Err(..)` is an outright error (a `null` token).
    pub fn load(path: &Path) -> Result<std::result::Result<Dashboard, Unusable>> {
        match std::fs::read(path) {
            Ok(bytes) => Self::parse(path, &bytes),
            Err(e) => Ok(Err(Unusable::Unreadable(format!(
                "Dashboard config doesn't exist or can't be read at {}: {e}.",
                path.display()
            )))),
        }
    }

    /// Parses the bytes of a dashboard config (see [`Dashboard::load`]).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<std::result::Result<Dashboard, Unusable>> {
        let json: Json = match serde_json::from_slice(bytes) {
            Ok(j) => j,
            Err(e) => {
                return Ok(Err(Unusable::Invalid(format!(
                    "Unable to parse Dashboard config {}: line {} column {}.",
                    path.display(),
                    e.line(),
                    e.column()
                ))))
            }
        };
        let Some(obj) = json.as_object() else {
            return Ok(Err(Unusable::Invalid(format!(
                "Invalid Dashboard Config {}: not a JSON object.",
                path.display()
            ))));
        };
        let field = |name: &str| -> Result<Option<String>> {
            match obj.get(name) {
                None => Ok(None),
                Some(Json::Null) => Err(Error::invalid(format!(
                    "dashboard config {}: `{name}` is null; download the file again from the Vigiles dashboard",
                    path.display()
                ))),
                Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.trim().to_owned())),
                Some(_) => Err(Error::invalid(format!(
                    "dashboard config {}: `{name}` must be a string",
                    path.display()
                ))),
            }
        };
        let group = field("group")?;
        let product = field("product")?;
        let folder = field("folder")?;
        let (token, kind) = match (group, product) {
            (Some(t), _) => (t, TokenKind::Group),
            (None, Some(t)) => (t, TokenKind::Product),
            (None, None) => {
                return Ok(Err(Unusable::Invalid(format!(
                    "Invalid Dashboard Config {}: no `group` or `product` token.",
                    path.display()
                ))))
            }
        };
        Ok(Ok(Dashboard {
            token,
            kind,
            folder,
        }))
    }
}

impl Unusable {
    /// The warning the reference prints for this case.
    pub fn warning(&self) -> String {
        let text = match self {
            Unusable::Unreadable(t) | Unusable::Invalid(t) => t,
        };
        format!("{text} Report will be generated in Private Workspace instead.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<std::result::Result<Dashboard, Unusable>> {
        Dashboard::parse(Path::new("d.json"), text.as_bytes())
    }

    #[test]
    fn group_preferred_over_product() {
        let d = parse(r#"{"product": "P", "group": "G", "folder": "F"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (d.token.as_str(), d.kind, d.folder.as_deref()),
            ("G", TokenKind::Group, Some("F"))
        );
        let d = parse(r#"{"product": "P"}"#).unwrap().unwrap();
        assert_eq!(
            (d.kind, d.kind.field()),
            (TokenKind::Product, "product_token")
        );
    }

    #[test]
    fn unusable_files_fall_back_and_null_is_an_error() {
        assert!(matches!(parse("nope").unwrap(), Err(Unusable::Invalid(_))));
        assert!(matches!(
            parse(r#"{"folder": "F"}"#).unwrap(),
            Err(Unusable::Invalid(_))
        ));
        let err = parse(r#"{"group": null}"#).unwrap_err();
        assert_eq!(err.kind().exit_code(), 2);
        assert!(err.to_string().contains("`group` is null"));
    }
}
