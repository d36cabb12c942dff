//! Where the binaries are, a scratch directory with a key file, and clean child commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use llapi_bench::measure::{self, Summary};

/// The email and key the benchmarks sign with (a throw-away credential for the test server).
pub const EMAIL: &str = "bench@example.com";
/// The throw-away key (also given to openssl, the anchor).
pub const KEY: &str = "bench-key-not-secret";

/// The benchmark environment.
pub struct Env {
    /// Directory of the release binaries.
    pub bin_dir: PathBuf,
    /// Scratch directory (HOME and working directory of the children).
    pub tmp: tempfile::TempDir,
    /// A key file for `KEY`.
    pub key_file: PathBuf,
    /// The user's HOME (cargo run through rustup needs it to find the toolchain).
    pub user_home: Option<std::ffi::OsString>,
}

impl Env {
    /// Finds the binaries next to this one and prepares the scratch directory.
    pub fn new() -> Result<Env, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot locate myself: {e}"))?;
        let bin_dir = exe.parent().expect("a file has a parent").to_path_buf();
        for name in ["cargo-llapi", "llapi-test-server"] {
            if !bin_dir.join(name).is_file() {
                return Err(format!(
                    "{} is missing: run `cargo build --release --workspace` first",
                    bin_dir.join(name).display()
                ));
            }
        }
        if bin_dir.file_name().is_some_and(|n| n != "release") {
            eprintln!(
                "llapi-bench: warning: {} is not a release build; figures will be slow",
                bin_dir.display()
            );
        }
        let tmp = tempfile::Builder::new()
            .prefix("llapi-bench")
            .tempdir()
            .map_err(|e| format!("cannot create a scratch directory: {e}"))?;
        let key_file = tmp.path().join("linuxlink_key");
        std::fs::write(
            &key_file,
            format!(r#"{{"email": "{EMAIL}", "organization_key": "{KEY}"}}"#),
        )
        .map_err(|e| format!("cannot write the key file: {e}"))?;
        set_private(&key_file);
        Ok(Env {
            bin_dir,
            tmp,
            key_file,
            user_home: std::env::var_os("HOME"),
        })
    }

    /// A scratch path.
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `cargo-llapi` with HOME and the working directory in the scratch directory, no
    /// inherited Vigiles settings, output discarded.
    pub fn llapi(&self) -> Command {
        let mut c = self.tool(&self.bin_dir.join("cargo-llapi"));
        let settings = llapi::config::ENV_VARS.into_iter();
        for var in settings.chain([llapi::upload::spool::ENV_SPOOL_DIR, "RUST_LOG"]) {
            c.env_remove(var);
        }
        c.arg("--key-file").arg(&self.key_file);
        c
    }

    /// `cmd` with the user's HOME back (for anything that runs cargo).
    pub fn with_user_home<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        match &self.user_home {
            Some(home) => cmd.env("HOME", home),
            None => cmd.env_remove("HOME"),
        }
    }

    /// Any program, run in the scratch directory with its output discarded.
    pub fn tool(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("HOME", self.tmp.path())
            .current_dir(self.tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    /// Runs `make()` `runs` times; every run must exit 0 (else its stderr is the error).
    pub fn bench(&self, runs: usize, make: impl Fn() -> Command) -> Result<Summary, String> {
        let samples = (0..runs)
            .map(|_| self.run_once(&make))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Summary::of(&samples))
    }

    /// Like [`Env::bench`] for two commands whose times are compared, alternating their runs so
    /// that both see the same load on a shared machine.
    pub fn bench_pair(
        &self,
        runs: usize,
        first: impl Fn() -> Command,
        second: impl Fn() -> Command,
    ) -> Result<(Summary, Summary), String> {
        let mut samples = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        for _ in 0..runs {
            samples.0.push(self.run_once(&first)?);
            samples.1.push(self.run_once(&second)?);
        }
        Ok((Summary::of(&samples.0), Summary::of(&samples.1)))
    }

    /// One run of `make()`, which must exit 0 (else its stderr is the error).
    fn run_once(&self, make: impl Fn() -> Command) -> Result<measure::Sample, String> {
        let mut cmd = make();
        let stderr = self.path("stderr.txt");
        let file = std::fs::File::create(&stderr).map_err(|e| e.to_string())?;
        cmd.stderr(file);
        let sample = measure::run(&mut cmd)
            .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
        if sample.exit_code != Some(0) {
            let text = std::fs::read_to_string(&stderr).unwrap_or_default();
            return Err(format!(
                "{cmd:?} failed ({:?}): {}",
                sample.exit_code,
                text.trim()
            ));
        }
        Ok(sample)
    }
}

fn set_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}
