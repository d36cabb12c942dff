//! Where an upload goes: the dashboard config's group/product and folder, or the Private
//! Workspace, with the reference client's warnings.

use serde::{Deserialize, Serialize};

use crate::config::{Config, TokenKind};

/// The upload target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// `group` or `product`, as the dashboard config named it; `None` = Private Workspace.
    pub kind: Option<TokenKind>,
    /// The group/product token.
    pub token: Option<String>,
    /// The folder token.
    pub folder: Option<String>,
    /// The subfolder name.
    pub subfolder: Option<String>,
}

impl Target {
    /// The target of the configuration, with a subfolder. Logs the reference's warnings when
    /// the target is the Private Workspace (and drops a folder or subfolder there).
    pub fn resolve(config: &Config, subfolder: Option<String>) -> Target {
        match &config.dashboard {
            Some(d) => Target {
                kind: Some(d.kind),
                token: Some(d.token.clone()),
                folder: d.folder.clone(),
                subfolder,
            },
            None => {
                log::warn!(
                    "No group token is configured. Upload target will be \"Private Workspace\""
                );
                if subfolder.is_some() {
                    log::warn!(
                        "\"Private Workspace\" does not support folders. Since a group token is not configured, the folder_token and subfolder_name arguments will be ignored."
                    );
                }
                Target {
                    kind: None,
                    token: None,
                    folder: None,
                    subfolder: None,
                }
            }
        }
    }

    /// The form field and value of the group/product token, if any.
    pub fn token_field(&self) -> Option<(&'static str, String)> {
        Some((self.kind?.field(), self.token.clone()?))
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match (&self.kind, &self.token) {
            (Some(kind), Some(token)) => {
                let mut s = format!("{} {token}", kind.field());
                if let Some(f) = &self.folder {
                    s.push_str(&format!(", folder {f}"));
                }
                if let Some(sf) = &self.subfolder {
                    s.push_str(&format!(", subfolder {sf:?}"));
                }
                s
            }
            _ => "Private Workspace".to_owned(),
        }
    }
}
