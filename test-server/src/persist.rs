//! Optional persistence into a state directory, written so readers never see torn files:
//! `manifests/<token>.manifest` (verbatim), `manifests/<token>.json` (metadata and other
//! parameters) via temp file + rename, and `requests.jsonl` by appending whole lines.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use llapi::{Error, Result};
use serde_json::json;

use crate::record::{sha256_hex, RecordedRequest};
use crate::store::StoredManifest;

/// A state directory opened for writing.
#[derive(Debug)]
pub struct Persist {
    dir: PathBuf,
    log: Mutex<File>,
}

impl Persist {
    /// Creates `dir/manifests` and opens `dir/requests.jsonl` for appending.
    pub fn open(dir: &Path) -> Result<Self> {
        let manifests = dir.join("manifests");
        fs::create_dir_all(&manifests).map_err(|e| {
            Error::io(
                format!("cannot create state dir {}", manifests.display()),
                e,
            )
        })?;
        let log_path = dir.join("requests.jsonl");
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| Error::io(format!("cannot open {}", log_path.display()), e))?;
        Ok(Persist {
            dir: dir.to_path_buf(),
            log: Mutex::new(log),
        })
    }

    fn manifest_path(&self, token: &str, ext: &str) -> PathBuf {
        self.dir.join("manifests").join(format!("{token}.{ext}"))
    }

    fn write_atomic(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        let tmp = path.with_extension(format!(
            "{}.tmp",
            path.extension().and_then(|e| e.to_str()).unwrap_or("")
        ));
        let mut file = File::create(&tmp)?;
        file.write_all(data)?;
        file.sync_data()?;
        drop(file);
        fs::rename(&tmp, path)
    }

    /// Writes the manifest (first) and its metadata (last, so a present `.json` means complete).
    pub fn save_manifest(&self, m: &StoredManifest) -> std::io::Result<()> {
        self.write_atomic(&self.manifest_path(&m.token, "manifest"), m.bytes())?;
        let params: Vec<_> = m.params.iter().map(|(n, v)| json!([n, &**v])).collect();
        let meta = json!({
            "manifest_token": m.token,
            "manifest_name": m.name(),
            "group_token": m.group_token,
            "group_field": m.group_field,
            "folder_token": m.folder_token,
            "upload_date": m.upload_date(),
            "manifest_len": m.manifest.len(),
            "manifest_sha256": sha256_hex(m.bytes()),
            "params": params,
        });
        let mut text = serde_json::to_vec_pretty(&meta).expect("JSON values serialize");
        text.push(b'\n');
        self.write_atomic(&self.manifest_path(&m.token, "json"), &text)
    }

    /// Removes a deleted manifest's files.
    pub fn remove_manifest(&self, token: &str) {
        for ext in ["json", "manifest"] {
            let _ = fs::remove_file(self.manifest_path(token, ext));
        }
    }

    /// Appends one line to `requests.jsonl` with a single write.
    pub fn log_request(&self, request: &RecordedRequest) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&request.to_json()).expect("JSON values serialize");
        line.push(b'\n');
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.write_all(&line)?;
        log.flush()
    }
}
