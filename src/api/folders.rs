//! `timesys.vigiles.folders`: list, create, archive, unarchive.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::request::{Method, Request};

use super::token_list;
use super::{configured_folder, configured_group, configured_group_field, request, required};

/// A folder's place: an explicit group or parent folder, else the configuration's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// `group_token`.
    pub group: Option<String>,
    /// `folder_token` (the parent folder).
    pub folder: Option<String>,
}

impl Place {
    /// The one token to send: an explicit one (never overridden by the configuration), else the
    /// configured folder, else the configured group.
    fn param(&self, config: &Config) -> Result<Option<(&'static str, String)>> {
        Ok(match (&self.group, &self.folder) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "give either a group token or a folder token, not both",
                ))
            }
            (_, Some(f)) => Some(("folder_token", required(f, "folder token")?.to_owned())),
            (Some(g), _) => Some(("group_token", required(g, "group token")?.to_owned())),
            (None, None) => match (configured_folder(config), configured_group(config)) {
                (Some(f), _) => Some(("folder_token", f.to_owned())),
                (None, Some(g)) => Some((configured_group_field(config), g.to_owned())),
                (None, None) => None,
            },
        })
    }
}

/// GET `/folders`: the folders of a group, or the subfolders of a folder; `archived_only` is
/// sent only when true.
pub fn list(config: &Config, place: &Place, archived_only: bool) -> Result<Request> {
    let mut p = Params::new();
    if let Some((field, token)) = place.param(config)? {
        p.set(field, token);
    }
    if archived_only {
        p.set("archived_only", true);
    }
    request(Method::Get, "/folders", p)
}

/// POST `/folders`: a folder in a group or under a folder.
pub fn create(
    config: &Config,
    name: &str,
    description: Option<&str>,
    place: &Place,
) -> Result<Request> {
    let mut p = Params::new().with("folder_name", required(name, "folder name")?);
    p.set_opt("description", description);
    let (field, token) = place.param(config)?.ok_or_else(|| {
        Error::invalid(
            "a folder needs a place: pass --group-token or --folder-token, or configure a dashboard config",
        )
    })?;
    p.set(field, token);
    request(Method::Post, "/folders", p)
}

/// PATCH `/folders/archive` or `/folders/unarchive` with the `tokens` list.
pub fn archive(tokens: &[String], archived: bool) -> Result<Request> {
    let action = if archived { "archive" } else { "unarchive" };
    let p = Params::new().with("tokens", token_list(tokens, "folder token")?);
    request(Method::Patch, &format!("/folders/{action}"), p)
}

/// One folder of a [`list`] answer (and the answer of [`create`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Folder {
    /// The folder's name.
    pub name: String,
    /// The folder token.
    pub token: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// The group it is in.
    #[serde(default)]
    pub group_token: Option<String>,
    /// The folder it is in, if any.
    #[serde(default)]
    pub parent_folder_token: Option<String>,
}
