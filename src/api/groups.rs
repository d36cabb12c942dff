//! `timesys.vigiles.groups`: groups, members, settings, activity log.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::params::{Params, Value};
use crate::request::{Method, Request};

use super::{all_of, configured_folder, configured_group, group_or_configured, one_of};
use super::{request, required, segment, token_list};

/// Vulnerability identifiers a group can match on.
pub const VULN_IDENTIFIERS: &[&str] = &["PURL", "CPE", "CVE Product", "Package Name"];
/// Values of the on/off group settings.
pub const SWITCH: &[&str] = &["on", "off"];
/// Activity log types.
pub const LOG_TYPES: &[&str] = &[
    "create_note",
    "delete_note",
    "import_note",
    "update_vuln_status",
    "import_vuln_status",
    "update_custom_score",
    "import_custom_score",
    "create_jira_issue",
    "delete_jira_issue",
];
/// Activity log methods.
pub const LOG_METHODS: &[&str] = &["ui", "api"];

/// GET `/groups` (`include_private_workspaces` always sent).
pub fn list(include_private_workspaces: bool) -> Result<Request> {
    let p = Params::new().with("include_private_workspaces", include_private_workspaces);
    request(Method::Get, "/groups", p)
}

/// GET `/groups/archived`.
pub fn archived() -> Result<Request> {
    request(Method::Get, "/groups/archived", Params::new())
}

/// The parent of a new group. Unlike the reference's `create_group`, the configured group is
/// used only when asked for: a dashboard config never silently turns a group into a subgroup.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Parent {
    /// A top-level group.
    #[default]
    None,
    /// A subgroup of this group.
    Group(String),
    /// A subgroup of the configured group (an error when none is configured).
    Configured,
}

/// POST `/groups`: `group_name`, optional `description` and parent `group_token`.
pub fn create(
    config: &Config,
    name: &str,
    description: Option<&str>,
    parent: &Parent,
) -> Result<Request> {
    let mut p = Params::new().with("group_name", required(name, "group name")?);
    p.set_opt("description", description);
    match parent {
        Parent::None => {}
        Parent::Group(g) => {
            p.set("group_token", required(g, "parent group token")?);
        }
        Parent::Configured => {
            let g = configured_group(config).ok_or_else(|| {
                Error::invalid("--parent-from-config: no group is configured (dashboard config)")
            })?;
            p.set("group_token", g);
        }
    }
    request(Method::Post, "/groups", p)
}

/// GET `/groups/{token}` (token given or configured), `subgroups` always sent.
pub fn info(config: &Config, token: Option<&str>, subgroups: bool) -> Result<Request> {
    let token = group_or_configured(token, config, "group", "--group-token")?;
    let p = Params::new().with("subgroups", subgroups);
    request(Method::Get, &format!("/groups/{token}"), p)
}

/// DELETE `/groups/{token}` (the reference sends no confirmation parameter).
pub fn delete(token: &str) -> Result<Request> {
    let token = segment(token, "group token")?;
    request(Method::Delete, &format!("/groups/{token}"), Params::new())
}

/// PATCH `/groups/archive` or `/groups/unarchive` with the `tokens` list.
pub fn archive(tokens: &[String], archived: bool) -> Result<Request> {
    let action = if archived { "archive" } else { "unarchive" };
    let p = Params::new().with("tokens", token_list(tokens, "group token")?);
    request(Method::Patch, &format!("/groups/{action}"), p)
}

/// GET `/groups/{token}/members`.
pub fn members(token: &str) -> Result<Request> {
    let token = segment(token, "group token")?;
    request(
        Method::Get,
        &format!("/groups/{token}/members"),
        Params::new(),
    )
}

/// POST `/groups/{token}/members`: `member_email`, `role`, `allow_access_to_subgroups`.
pub fn add_member(token: &str, email: &str, role: &str, subgroups: bool) -> Result<Request> {
    let token = segment(token, "group token")?;
    let p = Params::new()
        .with("member_email", required(email, "member e-mail")?)
        .with("role", required(role, "role")?)
        .with("allow_access_to_subgroups", subgroups);
    request(Method::Post, &format!("/groups/{token}/members"), p)
}

/// PUT `/groups/{token}/members/{email}` with `new_role`.
pub fn update_member(token: &str, email: &str, new_role: &str) -> Result<Request> {
    let token = segment(token, "group token")?;
    let email = segment(email, "member e-mail")?;
    let p = Params::new().with("new_role", required(new_role, "new role")?);
    request(Method::Put, &format!("/groups/{token}/members/{email}"), p)
}

/// DELETE `/groups/{token}/members/{email}`.
pub fn remove_member(token: &str, email: &str) -> Result<Request> {
    let token = segment(token, "group token")?;
    let email = segment(email, "member e-mail")?;
    request(
        Method::Delete,
        &format!("/groups/{token}/members/{email}"),
        Params::new(),
    )
}

/// GET `/groups/{token}/settings` (token given or configured).
pub fn settings(config: &Config, token: Option<&str>) -> Result<Request> {
    let token = group_or_configured(token, config, "group", "--group-token")?;
    request(
        Method::Get,
        &format!("/groups/{token}/settings"),
        Params::new(),
    )
}

/// New group settings; only what is set is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `vuln_identifiers` (see [`VULN_IDENTIFIERS`]).
    pub vuln_identifiers: Vec<String>,
    /// `vuln_strict_match`: on / off.
    pub vuln_strict_match: Option<String>,
    /// `report_dep_vulns`: on / off.
    pub report_dep_vulns: Option<String>,
    /// `auto_close_jira_issues`: on / off.
    pub auto_close_jira_issues: Option<String>,
}

/// PATCH `/groups/{token}/settings` (token given or configured); at least one setting.
pub fn update_settings(config: &Config, token: Option<&str>, s: &Settings) -> Result<Request> {
    let mut p = Params::new();
    if !s.vuln_identifiers.is_empty() {
        let ids = all_of(&s.vuln_identifiers, VULN_IDENTIFIERS, "--vuln-identifiers")?;
        p.set("vuln_identifiers", Value::List(ids));
    }
    for (name, value, flag) in [
        ("vuln_strict_match", &s.vuln_strict_match, "--strict-match"),
        (
            "report_dep_vulns",
            &s.report_dep_vulns,
            "--dependency-vulns",
        ),
        (
            "auto_close_jira_issues",
            &s.auto_close_jira_issues,
            "--jira-auto-close",
        ),
    ] {
        if let Some(v) = value {
            p.set(name, one_of(v, SWITCH, flag)?);
        }
    }
    if p.is_empty() {
        return Err(Error::invalid(
            "nothing to update: give at least one setting",
        ));
    }
    let token = group_or_configured(token, config, "group", "--group-token")?;
    request(Method::Patch, &format!("/groups/{token}/settings"), p)
}

/// Filters of an activity-log search; only what is set is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// `folder_token` (falls back to the configured folder).
    pub folder: Option<String>,
    /// `manifest_token`.
    pub manifest: Option<String>,
    /// `report_token`.
    pub report: Option<String>,
    /// `user_email`.
    pub user_email: Option<String>,
    /// `package_name`.
    pub package_name: Option<String>,
    /// `package_version`.
    pub package_version: Option<String>,
    /// `vuln_id`.
    pub vuln_id: Option<String>,
    /// `log_type` (see [`LOG_TYPES`]).
    pub log_type: Option<String>,
    /// `log_method`: ui / api.
    pub log_method: Option<String>,
}

/// GET `/groups/{token}/activity_log` (token given or configured, also sent as `group_token`).
pub fn activity_log(config: &Config, token: Option<&str>, f: &ActivityFilter) -> Result<Request> {
    let token = group_or_configured(token, config, "group", "GROUP_TOKEN")?;
    let mut p = Params::new().with("group_token", token);
    let log_type = f
        .log_type
        .as_deref()
        .map(|t| one_of(t, LOG_TYPES, "--log-type"));
    p.set_opt("log_type", log_type.transpose()?);
    let method = f
        .log_method
        .as_deref()
        .map(|m| one_of(m, LOG_METHODS, "--log-method"));
    p.set_opt("log_method", method.transpose()?);
    let folder = f.folder.as_deref().or_else(|| configured_folder(config));
    for (name, value) in [
        ("folder_token", folder),
        ("manifest_token", f.manifest.as_deref()),
        ("report_token", f.report.as_deref()),
        ("user_email", f.user_email.as_deref()),
        ("package_name", f.package_name.as_deref()),
        ("package_version", f.package_version.as_deref()),
        ("vuln_id", f.vuln_id.as_deref()),
    ] {
        p.set_opt(name, value.filter(|v| !v.is_empty()));
    }
    request(Method::Get, &format!("/groups/{token}/activity_log"), p)
}

/// One group of a [`list`] / [`archived`] answer (and the answer of [`create`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct GroupSummary {
    /// The group's name.
    pub name: String,
    /// The group token.
    pub token: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// enterprise, private, ...
    #[serde(default)]
    pub group_type: Option<String>,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Member {
    /// The member's e-mail.
    pub email: String,
    /// The member's role.
    pub role: String,
    /// Whether the member can see subgroups.
    #[serde(default)]
    pub allow_access_to_subgroups: Option<bool>,
}

/// The answer of [`members`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Members {
    /// The group token.
    pub token: String,
    /// The group's name.
    #[serde(default)]
    pub group_name: Option<String>,
    /// The members.
    pub group_members: Vec<Member>,
}
