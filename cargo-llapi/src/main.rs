//! `cargo llapi` / `cargo-llapi`: the Vigiles LinuxLink API from the command line.
//!
//! The binary is thin: it parses arguments, sets up logging and output, and calls the `llapi`
//! library. Exit codes: 0 success, 1 operation failed, 2 bad usage or input, 3 policy failure.

mod cli;
mod commands;
mod context;
mod logging;
mod output;
mod progress;
mod table;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::parse();
    logging::init(&cli.global);
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::report_error(&err);
            ExitCode::from(err.kind().exit_code() as u8)
        }
    }
}
