//! `llapi-bench`: times cargo-llapi's release binaries against their anchors and checks the
//! targets of issue 7. Run `cargo build --release --workspace` first; see PERFORMANCE.md.

mod cases;
mod env;
mod report;

use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: llapi-bench [--runs N] [--quick] [--only upload|heartbeat|sbom]\n\
     \n\
     Runs the release binaries next to this one (cargo build --release --workspace first).\n\
     --runs N   runs per case (median reported; default 5, heartbeat 6x as many)\n\
     --quick    fewer runs and no 200 MB manifest / 5,000-package graph\n\
     --only X   one group of cases"
}

/// Command-line options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Runs per case.
    pub runs: usize,
    /// Skip the largest inputs.
    pub quick: bool,
    /// Only this group.
    pub only: Option<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        runs: 5,
        quick: false,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            "--quick" => {
                options.quick = true;
                options.runs = options.runs.min(3);
            }
            "--only" => {
                let group = args.next().ok_or("--only needs a group")?;
                if !["upload", "heartbeat", "sbom"].contains(&group.as_str()) {
                    return Err(format!("unknown group {group:?}"));
                }
                options.only = Some(group);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("llapi-bench: {e}");
            }
            eprintln!("{}", usage());
            return ExitCode::from(2);
        }
    };
    let env = match env::Env::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("llapi-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let mut report = report::Report::new(&env);
    let wanted = |g: &str| options.only.as_deref().is_none_or(|o| o == g);
    let result = (|| {
        if wanted("heartbeat") {
            cases::heartbeat(&env, &options, &mut report)?;
        }
        if wanted("upload") {
            cases::upload(&env, &options, &mut report)?;
        }
        if wanted("sbom") {
            cases::sbom(&env, &options, &mut report)?;
        }
        Ok::<(), String>(())
    })();
    report.print();
    match result {
        Err(e) => {
            eprintln!("llapi-bench: {e}");
            ExitCode::from(1)
        }
        Ok(()) if report.all_passed() => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(3),
    }
}
