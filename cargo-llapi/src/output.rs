//! Printing results and errors.

use std::io::Write;

use llapi::request::Prepared;
use llapi::{Error, Result};

use crate::cli::{GlobalOpts, MessageFormat};

/// Prints an error as one line on stderr.
pub fn report_error(err: &Error) {
    eprintln!("error: {err}");
}

/// Writes to stdout, treating a closed pipe as an I/O error rather than a panic.
pub fn stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("cannot write to standard output", e))
}

/// Prints JSON, pretty, with a final newline.
pub fn json(value: &impl serde::Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).expect("serializable");
    text.push('\n');
    stdout(text.as_bytes())
}

/// Prints the dry-run report of a prepared request in the chosen format, streaming file values.
pub fn dry_run(global: &GlobalOpts, prepared: &Prepared) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match global.message_format {
        MessageFormat::Json => llapi::dry_run::write_json(prepared, &mut out),
        MessageFormat::Human => llapi::dry_run::write_text(prepared, &mut out),
    }
    .and_then(|()| out.flush())
    .map_err(|e| Error::io("cannot write the dry-run report", e))
}
