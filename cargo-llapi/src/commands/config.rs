//! `config`: the resolved configuration and the origin of every value; never the key.

use serde_json::json;

use crate::cli::{GlobalOpts, MessageFormat};
use crate::{context, output};

/// Arguments of `config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {}

/// Runs `config`.
pub fn run(global: &GlobalOpts, _args: &ConfigArgs) -> llapi::Result<()> {
    let client = context::client(&reporting_only(global), context::overrides(global))?;
    let c = client.config();
    let key = c.credentials.as_ref().map(|k| {
        json!({
            "email": k.email,
            "key": format!("set (from `{}`)", k.key_field),
            "enterprise": k.enterprise,
        })
    });
    let target = match &c.dashboard {
        Some(d) => json!({
            "kind": d.kind,
            "token": d.token,
            "folder": d.folder,
        }),
        None => json!("Private Workspace"),
    };
    let report = json!({
        "key_file": {"path": c.key_file.value, "origin": c.key_file.origin.to_string(),
                     "exists": c.credentials.is_some()},
        "credentials": key,
        "dashboard_config": c.dashboard_path.as_ref().map(|p| json!({
            "path": p.value, "origin": p.origin.to_string()})),
        "target": target,
        "dashboard_warning": c.dashboard_warning,
        "subfolder": c.subfolder.as_ref().map(|s| json!({"name": s.value, "origin": s.origin.to_string()})),
        "url": {"value": c.url.value.as_str(), "origin": c.url.origin.to_string()},
    });
    if global.message_format == MessageFormat::Json {
        return output::json(&report);
    }
    let mut text = String::new();
    let line = |text: &mut String, label: &str, value: String| {
        text.push_str(&format!("{label:<18}{value}\n"));
    };
    line(
        &mut text,
        "key file:",
        format!("{} ({})", c.key_file.value.display(), c.key_file.origin),
    );
    match &c.credentials {
        Some(k) => line(
            &mut text,
            "credentials:",
            format!("{} / key set (from `{}`)", k.email, k.key_field),
        ),
        None => line(
            &mut text,
            "credentials:",
            "none (the key file does not exist)".into(),
        ),
    }
    match &c.dashboard_path {
        Some(p) => line(
            &mut text,
            "dashboard config:",
            format!("{} ({})", p.value.display(), p.origin),
        ),
        None => line(&mut text, "dashboard config:", "none".into()),
    }
    match &c.dashboard {
        Some(d) => line(
            &mut text,
            "upload target:",
            format!(
                "{} {}{}",
                d.kind.field(),
                d.token,
                d.folder
                    .as_ref()
                    .map(|f| format!(", folder_token {f}"))
                    .unwrap_or_default()
            ),
        ),
        None => line(&mut text, "upload target:", "Private Workspace".into()),
    }
    if let Some(s) = &c.subfolder {
        line(
            &mut text,
            "subfolder:",
            format!("{} ({})", s.value, s.origin),
        );
    }
    line(
        &mut text,
        "server:",
        format!("{} ({})", c.url.value, c.url.origin),
    );
    output::stdout(text.as_bytes())
}

/// `config` only reports: it must work without a key file, like a dry run.
fn reporting_only(global: &GlobalOpts) -> GlobalOpts {
    GlobalOpts {
        dry_run: true,
        ..global.clone()
    }
}
