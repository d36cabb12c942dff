//! Printing results and errors.

/// Prints an error as one line on stderr.
pub fn report_error(err: &llapi::Error) {
    eprintln!("error: {err}");
}
