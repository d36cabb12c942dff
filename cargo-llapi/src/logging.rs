//! Log output of the binary: `-v`/`-q`/`--log-level`, and `RUST_LOG` when set. Messages go to
//! stderr as `warning: ...` lines, like cargo's.

use std::io::Write;

use crate::cli::GlobalOpts;

/// Installs the logger for this process.
pub fn init(global: &GlobalOpts) {
    let level = global
        .log_level
        .unwrap_or(match (global.verbose, global.quiet) {
            (0, 0) => log::LevelFilter::Info,
            (_, 1) => log::LevelFilter::Warn,
            (_, q) if q >= 2 => log::LevelFilter::Error,
            (1, _) => log::LevelFilter::Debug,
            _ => log::LevelFilter::Trace,
        });
    let mut builder = env_logger::Builder::new();
    builder.filter_level(level);
    if global.log_level.is_none() {
        if let Ok(spec) = std::env::var("RUST_LOG") {
            builder.parse_filters(&spec);
        }
    }
    builder.format(|buf, record| {
        let label = match record.level() {
            log::Level::Error => "error",
            log::Level::Warn => "warning",
            log::Level::Info => "info",
            log::Level::Debug => "debug",
            log::Level::Trace => "trace",
        };
        if record.level() == log::Level::Info {
            writeln!(buf, "{}", record.args())
        } else {
            writeln!(buf, "{label}: {}", record.args())
        }
    });
    builder.target(env_logger::Target::Stderr);
    let _ = builder.try_init();
}
