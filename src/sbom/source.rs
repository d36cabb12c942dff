//! Where the dependency graph comes from: a `cargo metadata` run (through `$CARGO`, with the
//! user's flags forwarded) or a saved `cargo metadata --format-version 1` output.
//!
//! Only the fields the SBOM needs are deserialised (targets, feature tables and dependency
//! requirements are skipped), which keeps parsing of large workspaces fast.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use serde::Deserialize;

use crate::{Error, Result};

/// `cargo metadata` output, reduced to what the SBOM uses.
#[derive(Debug, Deserialize)]
pub struct Metadata {
    /// Every package of the resolve (or of the workspace with `--no-deps`).
    pub packages: Vec<Package>,
    /// Package ids of the workspace members.
    pub workspace_members: Vec<String>,
    /// The resolved dependency graph; absent with `--no-deps`.
    pub resolve: Option<Resolve>,
    /// Absolute path of the workspace root directory.
    pub workspace_root: String,
}

/// One package of `cargo metadata`.
#[derive(Debug, Deserialize)]
pub struct Package {
    /// Crate name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Cargo package id (may contain absolute paths; never written out).
    pub id: String,
    /// `license` field of Cargo.toml.
    #[serde(default)]
    pub license: Option<String>,
    /// `license-file` field of Cargo.toml.
    #[serde(default)]
    pub license_file: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Source id (`registry+URL`, `sparse+URL`, `git+URL#commit`); `None` for path packages.
    #[serde(default)]
    pub source: Option<String>,
    /// Authors (`Name <email>`).
    #[serde(default)]
    pub authors: Vec<String>,
    /// Repository URL.
    #[serde(default)]
    pub repository: Option<String>,
    /// Home page URL.
    #[serde(default)]
    pub homepage: Option<String>,
    /// Documentation URL.
    #[serde(default)]
    pub documentation: Option<String>,
    /// Absolute path of the package's Cargo.toml.
    pub manifest_path: String,
}

/// The `resolve` section.
#[derive(Debug, Deserialize)]
pub struct Resolve {
    /// One node per resolved package.
    pub nodes: Vec<Node>,
    /// The root package, when the manifest is a package (not a virtual workspace).
    #[serde(default)]
    pub root: Option<String>,
}

/// One resolve node: a package and its resolved dependencies.
#[derive(Debug, Deserialize)]
pub struct Node {
    /// Package id.
    pub id: String,
    /// Dependencies with their kinds.
    #[serde(default)]
    pub deps: Vec<NodeDep>,
}

/// One resolved dependency edge.
#[derive(Debug, Deserialize)]
pub struct NodeDep {
    /// Package id of the dependency.
    pub pkg: String,
    /// The ways it is depended on (normal/build/dev, each maybe platform-specific).
    #[serde(default)]
    pub dep_kinds: Vec<DepKindInfo>,
}

/// One kind of dependency edge.
#[derive(Debug, Deserialize)]
pub struct DepKindInfo {
    /// `null` (normal), `"build"` or `"dev"`.
    #[serde(default)]
    pub kind: Option<String>,
    /// `cfg(...)` expression or target triple the edge is limited to.
    #[serde(default)]
    pub target: Option<String>,
}

/// Options forwarded to `cargo metadata`.
#[derive(Debug, Clone, Default)]
pub struct CargoArgs {
    /// `--manifest-path`.
    pub manifest_path: Option<PathBuf>,
    /// `--features` (each entry may itself be comma- or space-separated).
    pub features: Vec<String>,
    /// `--all-features`.
    pub all_features: bool,
    /// `--no-default-features`.
    pub no_default_features: bool,
    /// `--locked`.
    pub locked: bool,
    /// `--offline`.
    pub offline: bool,
    /// `--frozen`.
    pub frozen: bool,
}

/// A running `cargo metadata`. Cargo prints its document some milliseconds before it has
/// exited, so [`MetadataRun::metadata`] parses the output as soon as it is complete, and the
/// caller can use it while cargo ends; [`MetadataRun::finish`] then waits for cargo and fails
/// if cargo did, so nothing made from the output should be published before it.
///
/// Dropping an unfinished run waits for cargo (which may be writing Cargo.lock) without
/// checking its status.
#[derive(Debug)]
pub struct MetadataRun {
    child: Child,
    stdout: Option<ChildStdout>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    outcome: Option<std::result::Result<(), String>>,
}

impl MetadataRun {
    /// Starts `cargo metadata --format-version 1` through `$CARGO` (else `cargo`) with the
    /// forwarded flags, and `--filter-platform` when `filter_platform` is given. Its error output
    /// is collected on a thread, so a chatty cargo cannot block on a full pipe.
    pub fn start(args: &CargoArgs, filter_platform: Option<&str>) -> Result<Self> {
        let mut process = cargo_command(args, filter_platform);
        log::debug!("running {process:?}");
        let mut child = process
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::io("cannot run cargo metadata (is cargo installed?)", e))?;
        let stdout = child.stdout.take();
        #[cfg(target_os = "linux")]
        if let Some(pipe) = &stdout {
            // Room for a whole workspace's document, so that cargo writes it without waiting
            // for us; at worst (a lower system limit) the pipe stays as it was.
            let _ = rustix::pipe::fcntl_setpipe_size(pipe, PIPE_SIZE);
        }
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                // A read error only shortens the message; the exit status still tells.
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        });
        Ok(MetadataRun {
            child,
            stdout,
            stderr,
            outcome: None,
        })
    }

    /// Reads cargo's output until the JSON document is complete (cargo prints it on one line,
    /// then a newline) and parses it, without waiting for cargo to exit (nor for the end of its
    /// output when it is laid out otherwise). When there is no valid document, waits for cargo
    /// and reports its failure if it failed. To be called once.
    pub fn metadata(&mut self) -> Result<Metadata> {
        let mut bytes = Vec::with_capacity(1 << 20);
        let read_error = loop {
            let Some(stdout) = self.stdout.as_mut() else {
                break None;
            };
            let start = bytes.len();
            bytes.resize(start + CHUNK, 0);
            let read = stdout.read(&mut bytes[start..]);
            bytes.truncate(start + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => break None,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Some(e),
            }
            // Cargo prints the document on one line, then a newline and nothing more: a read
            // that ends a line may have completed it (if not, the document goes on).
            if bytes.last() == Some(&b'\n') {
                match serde_json::from_slice(&bytes) {
                    Ok(metadata) => return Ok(metadata),
                    Err(e) if e.is_eof() => {}
                    Err(e) => return Err(self.failure_or(invalid_json(&e))),
                }
            }
        };
        let problem = match read_error {
            Some(e) => Error::io("cannot read the output of cargo metadata", e),
            None => match serde_json::from_slice::<Metadata>(&bytes) {
                Ok(metadata) => return Ok(metadata),
                Err(e) => invalid_json(&e),
            },
        };
        Err(self.failure_or(problem))
    }

    /// Waits for cargo to exit; fails with the most telling line of its error output if it
    /// did not succeed.
    pub fn finish(mut self) -> Result<()> {
        self.wait().map_err(Error::invalid)
    }

    /// Cargo's failure if it failed, else `problem`.
    fn failure_or(&mut self, problem: Error) -> Error {
        match self.wait() {
            Err(failure) => Error::invalid(failure),
            Ok(()) => problem,
        }
    }

    /// Reads the rest of cargo's output, waits for it and keeps the outcome.
    fn wait(&mut self) -> std::result::Result<(), String> {
        if let Some(outcome) = &self.outcome {
            return outcome.clone();
        }
        if let Some(mut stdout) = self.stdout.take() {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        }
        let stderr = self
            .stderr
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default();
        let outcome = match self.child.wait() {
            Ok(status) if status.success() => Ok(()),
            Ok(_) => Err(format!(
                "cargo metadata failed: {}",
                first_error_line(&String::from_utf8_lossy(&stderr))
            )),
            Err(e) => Err(format!("cannot wait for cargo metadata: {e}")),
        };
        self.outcome = Some(outcome.clone());
        outcome
    }
}

impl Drop for MetadataRun {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

/// Size asked for the pipe of cargo's output (Linux's default limit for a user).
#[cfg(target_os = "linux")]
const PIPE_SIZE: usize = 1 << 20;

/// Bytes read from cargo at a time.
const CHUNK: usize = 64 * 1024;

fn invalid_json(e: &serde_json::Error) -> Error {
    Error::invalid(format!("cargo metadata printed invalid JSON: {e}"))
}

/// The `cargo metadata` command line for these flags.
fn cargo_command(args: &CargoArgs, filter_platform: Option<&str>) -> Command {
    let mut command = cargo_metadata::MetadataCommand::new();
    if let Some(path) = &args.manifest_path {
        command.manifest_path(path);
    }
    let features: Vec<String> = args
        .features
        .iter()
        .flat_map(|f| f.split([',', ' ']))
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    if !features.is_empty() {
        command.features(cargo_metadata::CargoOpt::SomeFeatures(features));
    }
    if args.all_features {
        command.features(cargo_metadata::CargoOpt::AllFeatures);
    }
    if args.no_default_features {
        command.features(cargo_metadata::CargoOpt::NoDefaultFeatures);
    }
    let mut other = Vec::new();
    for (on, flag) in [
        (args.locked, "--locked"),
        (args.offline, "--offline"),
        (args.frozen, "--frozen"),
    ] {
        if on {
            other.push(flag.to_owned());
        }
    }
    if let Some(platform) = filter_platform {
        other.push("--filter-platform".to_owned());
        other.push(platform.to_owned());
    }
    command.other_options(other);
    command.cargo_command()
}

/// Reads a saved `cargo metadata --format-version 1` output.
pub fn read_saved_metadata(path: &Path) -> Result<Metadata> {
    let bytes = std::fs::read(path).map_err(|source| Error::ReadFile {
        what: "metadata file",
        path: path.to_owned(),
        source,
    })?;

    serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
        what: "metadata file",
        path: path.to_owned(),
        format: "cargo metadata JSON",
        detail: e.to_string(),
    })
}

/// The most telling line of cargo's error output, for a one-line message.
fn first_error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.iter().position(|l| l.starts_with("error")) {
        Some(i) => {
            let head = lines[i].trim_start_matches("error:").trim();
            match lines.get(i + 1) {
                Some(next) if head.ends_with(':') || head.is_empty() => format!("{head} {next}"),
                _ => head.to_owned(),
            }
        }
        None => lines
            .last()
            .copied()
            .unwrap_or("no error output")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_line_is_picked_from_cargo_output() {
        let out = "    Updating index\nerror: failed to parse manifest at `/x/Cargo.toml`\n\nCaused by:\n  bad";
        assert_eq!(
            first_error_line(out),
            "failed to parse manifest at `/x/Cargo.toml`"
        );
        assert_eq!(
            first_error_line(
                "error: the lock file needs to be updated but --locked was passed:\n  detail"
            ),
            "the lock file needs to be updated but --locked was passed: detail"
        );
        assert_eq!(first_error_line(""), "no error output");
    }
}
