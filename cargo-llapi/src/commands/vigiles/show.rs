//! Running a Vigiles call and printing its answer: the server's JSON unchanged with
//! `--message-format json`, small tables for people otherwise.

use std::path::PathBuf;

use llapi::config::Config;
use llapi::upload::report::{self, Counts};
use llapi::{Reply, Request, Result};
use serde_json::Value as Json;

use crate::cli::{GlobalOpts, MessageFormat};
use crate::table::Table;
use crate::{context, output};

/// Columns of a table: (header, field of each object; `a|b` takes the first field present).
pub type Columns = &'static [(&'static str, &'static str)];

/// How an answer is shown to people.
#[derive(Debug, Clone, Copy)]
pub enum View {
    /// An array of objects as a table.
    Table(Columns),
    /// An object's fields, one per line; the named array field as a table below them.
    Fields(Option<(&'static str, Columns)>),
    /// The answer's `message` (its fields when it has none).
    Message,
    /// An object `{key: value}` as a two-column table, or an array of strings one per line.
    Map(&'static str, &'static str),
    /// A scan result: tokens, report URL, counts and the CVEs per package.
    Scan,
}

/// Builds the request from the resolved configuration, sends it and prints the answer (or the
/// request, in a dry run).
pub fn call(
    global: &GlobalOpts,
    view: View,
    build: impl FnOnce(&Config) -> Result<Request>,
) -> Result<()> {
    let client = context::client(global, context::overrides(global))?;
    let request = build(client.config())?;
    match client.call_json(&request)? {
        Reply::DryRun(prepared) => output::dry_run(global, &prepared),
        Reply::Done(json) => {
            let json = llapi::api::check_answer(json)?;
            match global.message_format {
                MessageFormat::Json => output::json(&json),
                MessageFormat::Human => {
                    let base = client.config().url.value.as_str();
                    output::stdout(render(&json, view, base).as_bytes())
                }
            }
        }
    }
}

/// Where a download goes: exactly one of a file (written atomically) or standard output.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Destination {
    /// Write the file here (atomically: a temporary file renamed into place)
    #[arg(
        short = 'o',
        long = "outfile",
        visible_alias = "output",
        value_name = "FILE"
    )]
    pub outfile: Option<PathBuf>,
    /// Write the bytes to standard output as they came (nothing added)
    #[arg(long)]
    pub stdout: bool,
}

/// Downloads the answer of `build`'s request to `dest` (or prints the request, in a dry run).
pub fn download(
    global: &GlobalOpts,
    dest: &Destination,
    build: impl FnOnce(&Config) -> Result<Request>,
) -> Result<()> {
    let client = context::client(global, context::overrides(global))?;
    let request = build(client.config())?;
    let bytes = match client.call_bytes(&request)? {
        Reply::DryRun(prepared) => return output::dry_run(global, &prepared),
        Reply::Done(bytes) => bytes,
    };
    let Some(path) = &dest.outfile else {
        return output::stdout(&bytes);
    };
    llapi::fsutil::atomic_write(path, |w| w.write_all(&bytes))?;
    match global.message_format {
        MessageFormat::Json => {
            output::json(&serde_json::json!({"path": path, "bytes": bytes.len()}))
        }
        MessageFormat::Human => output::stdout(
            format!("wrote {} bytes to {}\n", bytes.len(), path.display()).as_bytes(),
        ),
    }
}

/// The human rendering of an answer.
pub fn render(json: &Json, view: View, base: &str) -> String {
    match view {
        View::Table(columns) => table(json, columns),
        View::Fields(list) => fields(json, list),
        View::Message => match json.get("message").and_then(Json::as_str) {
            Some(m) => format!("{m}\n"),
            None => fields(json, None),
        },
        View::Map(key, value) => map(json, key, value),
        View::Scan => scan(json, base),
    }
}

/// A value as a table cell: strings as they are, null and empty as `-`, the rest as compact JSON.
pub fn cell(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => "-".into(),
        Some(Json::String(s)) if s.is_empty() => "-".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn table(json: &Json, columns: Columns) -> String {
    let Some(items) = json.as_array() else {
        return fields(json, None);
    };
    if items.is_empty() {
        return "(none)\n".into();
    }
    let mut t = Table::new(columns.iter().map(|(h, _)| *h));
    for item in items {
        let field = |f: &str| f.split('|').find_map(|name| item.get(name));
        t.push(columns.iter().map(|(_, f)| cell(field(f))).collect());
    }
    t.render()
}

fn fields(json: &Json, list: Option<(&str, Columns)>) -> String {
    let Some(object) = json.as_object() else {
        return match json {
            Json::Array(_) => map(json, "VALUE", ""),
            other => format!("{}\n", cell(Some(other))),
        };
    };
    let mut t = Table::new(["FIELD", "VALUE"]);
    for (k, v) in object {
        if list.is_none_or(|(name, _)| name != k) {
            t.push(vec![format!("{k}:"), cell(Some(v))]);
        }
    }
    let mut out: String = t
        .render()
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    if let Some((name, columns)) = list {
        out.push_str(&format!("\n{name}:\n"));
        out.push_str(&table(
            json.get(name).unwrap_or(&Json::Array(vec![])),
            columns,
        ));
    }
    out
}

fn map(json: &Json, key: &str, value: &str) -> String {
    match json {
        Json::Object(o) if o.is_empty() => "(none)\n".into(),
        Json::Object(o) => {
            let mut t = Table::new([key, value]);
            for (k, v) in o {
                t.push(vec![k.clone(), cell(Some(v))]);
            }
            t.render()
        }
        Json::Array(a) if a.is_empty() => "(none)\n".into(),
        Json::Array(a) => a.iter().map(|v| format!("{}\n", cell(Some(v)))).collect(),
        other => format!("{}\n", cell(Some(other))),
    }
}

fn scan(json: &Json, base: &str) -> String {
    let mut out = String::new();
    for key in ["manifest_token", "report_token"] {
        if let Some(v) = json.get(key) {
            out.push_str(&format!("{key}: {}\n", cell(Some(v))));
        }
    }
    if let Some(url) = report::report_url(base, json) {
        out.push_str(&format!("report: {url}\n"));
    }
    if let Some(c) = Counts::of(json) {
        for (label, s) in [
            ("Unfixed", c.unfixed),
            ("Unfixed, Patch Available", c.unapplied),
            ("Fixed", c.fixed),
            ("High CVSS", c.high),
        ] {
            out.push_str(&format!(
                "{label}: {} ({} RFS, {} Kernel, {} Toolchain)\n",
                s.total,
                s.rfs(),
                s.kernel,
                s.toolchain
            ));
        }
    }
    let mut t = Table::new(["PACKAGE", "CVE", "CVSS", "STATUS"]);
    if let Some(packages) = json.get("cves").and_then(Json::as_object) {
        for (package, cves) in packages {
            for cve in cves.as_array().into_iter().flatten() {
                let id = cve.get("cve_id").or_else(|| cve.get("id"));
                t.push(vec![
                    package.clone(),
                    cell(id),
                    cell(cve.get("cvss")),
                    cell(cve.get("status")),
                ]);
            }
        }
    }
    if !t.is_empty() {
        out.push('\n');
        out.push_str(&t.render());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn views() {
        let list = json!([{"name": "a", "token": "T1", "x": 1}, {"name": "bb", "old": ""}]);
        assert_eq!(
            render(
                &list,
                View::Table(&[("NAME", "name"), ("TOKEN", "token|old")]),
                ""
            ),
            "NAME  TOKEN\na     T1\nbb    -\n"
        );
        assert_eq!(
            render(&json!([]), View::Table(&[("N", "n")]), ""),
            "(none)\n"
        );
        let obj = json!({"name": "g", "members": [{"email": "e"}]});
        assert_eq!(
            render(
                &obj,
                View::Fields(Some(("members", &[("EMAIL", "email")]))),
                ""
            ),
            "name:  g\n\nmembers:\nEMAIL\ne\n"
        );
        assert_eq!(
            render(&json!({"message": "done"}), View::Message, ""),
            "done\n"
        );
        assert_eq!(
            render(&json!({"CVE-1": "d"}), View::Map("ID", "DESCRIPTION"), ""),
            "ID     DESCRIPTION\nCVE-1  d\n"
        );
        assert_eq!(
            render(&json!(["A", "B"]), View::Map("ID", "D"), ""),
            "A\nB\n"
        );
    }
}
