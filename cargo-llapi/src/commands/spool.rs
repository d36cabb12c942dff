//! `spool list | flush`: uploads kept for later.

use std::path::PathBuf;

use llapi::upload::{self, Spool};
use llapi::{Error, Result};
use serde_json::json;

use crate::cli::{GlobalOpts, MessageFormat};
use crate::{context, output};

/// Arguments of `spool`.
#[derive(Debug, clap::Args)]
pub struct SpoolArgs {
    #[command(subcommand)]
    pub action: SpoolAction,
    /// Spool directory [env: LLAPI_SPOOL_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
}

/// What to do with the spool.
#[derive(Debug, clap::Subcommand)]
pub enum SpoolAction {
    /// List the kept uploads
    List,
    /// Send the kept uploads; each is removed only after the server accepted it
    Flush,
}

/// Runs `spool`.
pub fn run(global: &GlobalOpts, args: &SpoolArgs) -> Result<()> {
    let spool = Spool::locate(args.spool_dir.as_deref())?;
    match args.action {
        SpoolAction::List => list(global, &spool),
        SpoolAction::Flush => flush(global, &spool),
    }
}

fn list(global: &GlobalOpts, spool: &Spool) -> Result<()> {
    let entries = spool.entries()?;
    if global.message_format == MessageFormat::Json {
        let items: Vec<_> = entries
            .iter()
            .map(|e| match e {
                Ok(entry) => entry.to_json(),
                Err((dir, err)) => json!({"path": dir, "error": err.to_string()}),
            })
            .collect();
        return output::json(&json!({"spool": spool.dir(), "entries": items}));
    }
    let mut text = format!(
        "spool {}: {} entr{}\n",
        spool.dir().display(),
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    );
    for e in &entries {
        match e {
            Ok(entry) => text.push_str(&format!(
                "  {}  {}  {} bytes  to {} ({}){}\n",
                entry.id(),
                entry.info.name,
                entry.size(),
                entry.info.url,
                entry.info.target.describe(),
                entry
                    .info
                    .reason
                    .as_ref()
                    .map(|r| format!("\n      kept because: {r}"))
                    .unwrap_or_default()
            )),
            Err((dir, err)) => text.push_str(&format!("  {}  unreadable: {err}\n", dir.display())),
        }
    }
    output::stdout(text.as_bytes())
}

fn flush(global: &GlobalOpts, spool: &Spool) -> Result<()> {
    if global.dry_run {
        return Err(Error::invalid(
            "spool flush sends; use `spool list` to see what it would send",
        ));
    }
    let client = context::client(global, context::overrides(global))?;
    client.config().require_credentials()?;
    let url_override = match client.config().url.origin {
        llapi::config::Origin::Flag | llapi::config::Origin::Env(_) => {
            Some(client.config().url.value.as_str().to_owned())
        }
        _ => None,
    };
    let results = upload::flush(&client, spool, url_override.as_deref())?;
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    let mut items = Vec::new();
    for r in &results {
        match &r.outcome {
            Ok(result) => {
                log::info!(
                    "sent {} ({}): manifest token {}",
                    r.id,
                    r.name,
                    result
                        .get("manifest_token")
                        .and_then(|t| t.as_str())
                        .unwrap_or("?")
                );
                items.push(json!({"id": r.id, "name": r.name, "sent": true, "response": result}));
            }
            Err(e) => {
                log::error!("{} ({}): {e}; kept in the spool", r.id, r.name);
                items.push(
                    json!({"id": r.id, "name": r.name, "sent": false, "error": e.to_string()}),
                );
            }
        }
    }
    if global.message_format == MessageFormat::Json {
        output::json(&json!({"spool": spool.dir(), "entries": items}))?;
    } else if results.is_empty() {
        log::info!("spool {} is empty", spool.dir().display());
    }
    if failed > 0 {
        return Err(Error::Transport(format!(
            "{failed} of {} spool entries could not be sent; they are kept in {}",
            results.len(),
            spool.dir().display()
        )));
    }
    Ok(())
}
