//! `api METHOD RESOURCE [-F name=value]... [--field-file name=PATH]...`: any signed call.

use std::path::PathBuf;

use llapi::{Error, Method, Params, Reply, Request, Value};

use crate::cli::GlobalOpts;
use crate::{context, output};

/// Arguments of `api`.
#[derive(Debug, clap::Args)]
pub struct ApiArgs {
    /// HTTP method: GET, POST, PUT, PATCH or DELETE
    pub method: String,
    /// Resource path, e.g. /api/v1/vigiles/manifests
    pub resource: String,
    /// A parameter; a repeated name becomes a list parameter
    #[arg(short = 'F', long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    /// A parameter whose value is the content of a file
    #[arg(long = "field-file", value_name = "NAME=PATH")]
    pub field_files: Vec<String>,
    /// Print the answer as it came (for downloads) instead of parsing it as JSON
    #[arg(long)]
    pub raw: bool,
}

/// Runs `api`.
pub fn run(global: &GlobalOpts, args: &ApiArgs) -> llapi::Result<()> {
    let method: Method = args.method.parse()?;
    let params = params(&args.fields, &args.field_files)?;
    let request = Request::new(method, args.resource.clone(), params)?;
    let client = context::client(global, context::overrides(global))?;
    if args.raw {
        return match client.call_bytes(&request)? {
            Reply::DryRun(prepared) => output::dry_run(global, &prepared),
            Reply::Done(bytes) => output::stdout(&bytes),
        };
    }
    match client.call_json(&request)? {
        Reply::DryRun(prepared) => output::dry_run(global, &prepared),
        Reply::Done(json) => output::json(&json),
    }
}

/// Builds the parameters: repeated names become lists, in the order given.
fn params(fields: &[String], files: &[String]) -> llapi::Result<Params> {
    let mut params = Params::new();
    for field in fields {
        let (name, value) = split(field, "-F")?;
        match params.get_mut(name) {
            None => {
                params.set(name, value);
            }
            Some(Value::List(items)) => items.push(value.to_owned()),
            Some(slot) => {
                let first = slot.scalar_text().unwrap_or_default().into_owned();
                *slot = Value::List(vec![first, value.to_owned()]);
            }
        }
    }
    for file in files {
        let (name, path) = split(file, "--field-file")?;
        if params.get(name).is_some() {
            return Err(Error::invalid(format!(
                "parameter {name:?} is given both by -F and by --field-file"
            )));
        }
        let path = PathBuf::from(path);
        std::fs::metadata(&path).map_err(|source| Error::ReadFile {
            what: "field file",
            path: path.clone(),
            source,
        })?;
        params.set(name, Value::File(path));
    }
    Ok(params)
}

fn split<'a>(arg: &'a str, flag: &str) -> llapi::Result<(&'a str, &'a str)> {
    match arg.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name, value)),
        _ => Err(Error::invalid(format!(
            "{flag} expects NAME=VALUE, got {arg:?}"
        ))),
    }
}
