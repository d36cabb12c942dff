//! End-to-end fixtures: the project's test server in-process on 127.0.0.1, a key file it
//! accepts, and the binary pointed at it.

#![allow(dead_code, unused_imports)]

use std::path::PathBuf;
use std::process::Command;

pub use llapi_test_server::{ServerConfig, Step, TestServer};

use super::cli::Sandbox;

pub const EMAIL: &str = "builder@example.com";
pub const KEY: &str = "K3Y-never-to-be-printed-7f3a";

/// A server, a sandbox with a matching key file (0600), and helpers to run the binary.
pub struct World {
    pub server: TestServer,
    pub sb: Sandbox,
    pub key_file: PathBuf,
}

impl World {
    pub fn new() -> World {
        Self::with_config(ServerConfig::with_credential(EMAIL, KEY))
    }

    pub fn with_config(config: ServerConfig) -> World {
        let server = TestServer::start(config).expect("test server starts");
        let sb = Sandbox::new();
        let key_file = sb.write(
            "keys/linuxlink_key",
            &format!(r#"{{"email": "{EMAIL}", "organization_key": "{KEY}"}}"#),
        );
        World {
            server,
            sb,
            key_file,
        }
    }

    /// The binary with `--key-file` and `--url` of this world, a fast retry delay and a spool
    /// inside the sandbox.
    pub fn cmd(&self) -> Command {
        let mut c = self.sb.cmd();
        c.arg("--key-file")
            .arg(&self.key_file)
            .args(["--url", &self.server.url(), "--retry-delay", "0.05"])
            .env("LLAPI_SPOOL_DIR", self.spool_dir());
        c
    }

    pub fn spool_dir(&self) -> PathBuf {
        self.sb.path("spool")
    }

    /// Spool entries (directories) currently present.
    pub fn spool_entries(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.spool_dir()) {
            Ok(r) => {
                let mut v: Vec<PathBuf> = r
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
                    .collect();
                v.sort();
                v
            }
            Err(_) => Vec::new(),
        }
    }

    /// A manifest file in the sandbox.
    pub fn manifest(&self, name: &str, content: &str) -> PathBuf {
        self.sb.write(name, content)
    }

    /// Every file under the sandbox, concatenated, to check the key never lands anywhere but
    /// the key file.
    pub fn all_files_except_key(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in walk(self.sb.dir.path()) {
            if entry != self.key_file {
                all.extend(std::fs::read(&entry).unwrap_or_default());
            }
        }
        all
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(r) = std::fs::read_dir(dir) {
        for e in r.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A small Vigiles-format manifest; `vulnerable` adds a package the test server reports CVEs for.
pub fn vigiles_manifest(name: &str, vulnerable: bool) -> String {
    let extra = if vulnerable {
        r#", "openssl": {"name": "openssl", "version": "3.0.2", "cve_product": "openssl", "cve_version": "3.0.2", "license": "Apache-2.0"}"#
    } else {
        ""
    };
    format!(
        "{{\n  \"manifest_name\": \"{name}\",\n  \"manifest_version\": \"1.19\",\n  \"packages\": {{\n    \"zlib\": {{\"name\": \"zlib\", \"version\": \"1.3.1\", \"license\": \"Zlib\"}}{extra}\n  }}\n}}\n"
    )
}
