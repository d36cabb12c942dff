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

/// Standard output for large streamed reports, with a large buffer. On Unix it is a duplicate
/// of the descriptor, which skips the line buffering of [`std::io::Stdout`] (a scan for
/// newlines over every byte of a 50 MB report).
fn bulk_stdout() -> std::io::BufWriter<Box<dyn Write>> {
    const BUFFER: usize = 256 * 1024;
    #[cfg(unix)]
    let raw: Option<Box<dyn Write>> = {
        use std::os::fd::AsFd;
        let _ = std::io::stdout().flush();
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(|fd| Box::new(std::fs::File::from(fd)) as Box<dyn Write>)
    };
    #[cfg(not(unix))]
    let raw: Option<Box<dyn Write>> = None;
    let out = raw.unwrap_or_else(|| Box::new(std::io::stdout().lock()));
    std::io::BufWriter::with_capacity(BUFFER, out)
}

/// Prints the dry-run report of a prepared request in the chosen format, streaming file values.
pub fn dry_run(global: &GlobalOpts, prepared: &Prepared) -> Result<()> {
    let mut out = bulk_stdout();
    match global.message_format {
        MessageFormat::Json => llapi::dry_run::write_json(prepared, &mut out),
        MessageFormat::Human => llapi::dry_run::write_text(prepared, &mut out),
    }
    .and_then(|()| out.flush())
    .map_err(|e| Error::io("cannot write the dry-run report", e))
}
