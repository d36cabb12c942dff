//! Running the binary in a controlled environment: its own HOME, no inherited Vigiles variables.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A sandbox: a temporary HOME and working directory for one test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating directories), mode 0600 on unix.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        set_mode(&p, 0o600);
        p
    }

    /// The binary with HOME and the working directory inside the sandbox.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-llapi"));
        c.env("HOME", self.dir.path()).current_dir(self.dir.path());
        let settings = llapi::config::ENV_VARS.into_iter();
        for var in settings.chain([llapi::upload::spool::ENV_SPOOL_DIR, "RUST_LOG"]) {
            c.env_remove(var);
        }
        c
    }
}

pub fn set_mode(p: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code (panics on a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}
