//! `llapi-test-server`: runs the test server until killed, printing
//! `listening on http://127.0.0.1:PORT` as its first stdout line.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use llapi_test_server::{load_script, ServerConfig, TestServer};

/// Vigiles-compatible LLAPI server for end-to-end tests.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Key file whose credential is accepted (JSON: email + organization_key or key); repeatable.
    #[arg(long = "key-file", required = true)]
    key_files: Vec<PathBuf>,
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Fault script (JSON list of steps, see README).
    #[arg(long)]
    script: Option<PathBuf>,
    /// Directory where uploads and the request log are persisted.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Extra package name that gets synthetic CVEs; repeatable.
    #[arg(long = "vulnerable")]
    vulnerable: Vec<String>,
}

fn run(args: Args) -> llapi::Result<TestServer> {
    let mut config = ServerConfig {
        port: args.port,
        vulnerable_packages: args.vulnerable,
        ..ServerConfig::default()
    };
    for path in &args.key_files {
        config = config.key_file(path)?;
    }
    if let Some(path) = &args.script {
        config.script = load_script(path)?;
    }
    config.state_dir = args.state_dir;
    TestServer::start(config)
}

fn main() {
    let args = Args::parse();
    match run(args) {
        Ok(server) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on {}", server.url());
            let _ = out.flush();
            drop(out);
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("llapi-test-server: {e}");
            std::process::exit(e.kind().exit_code());
        }
    }
}
