//! The spool: uploads that could not be sent (or were queued with `--offline`), kept as
//! self-describing entries until `spool flush` sends them.
//!
//! An entry is a directory `<spool>/<id>/` holding `request.json` (method, resource, server URL,
//! every parameter, the target; never the key or the email, which are applied when the entry is
//! sent) and one file per file-valued parameter (`manifest`, `kernel_config`, ...), copied byte
//! for byte. It is assembled in `<spool>/.tmp-<id>` and renamed into place, so a crash never
//! leaves a partial entry. Directories are mode 0700 and files 0600.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::params::{Params, Value};
use crate::request::{Method, Request};

use super::target::Target;

/// Environment variable naming the spool directory.
pub const ENV_SPOOL_DIR: &str = "LLAPI_SPOOL_DIR";
const FORMAT: &str = "llapi-spool/1";
const REQUEST_FILE: &str = "request.json";

/// A spool directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spool {
    dir: PathBuf,
}

/// One parameter as stored in an entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum StoredValue {
    Text(String),
    Bool(bool),
    Int(i64),
    List(Vec<String>),
    /// A file of the entry, by name.
    File(String),
}

/// The description of an entry (`request.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EntryInfo {
    /// Always `llapi-spool/1`.
    pub format: String,
    /// When it was spooled (seconds since the Unix epoch).
    pub created_unix: u64,
    /// The server it was meant for.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Resource path.
    pub resource: String,
    /// The manifest name shown in listings.
    pub name: String,
    /// The file the manifest was read from.
    pub source: PathBuf,
    /// The upload target.
    pub target: Target,
    /// Why it was spooled (the last error), if it was not `--offline`.
    pub reason: Option<String>,
    params: Vec<(String, StoredValue)>,
}

/// An entry found in the spool.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its directory.
    pub dir: PathBuf,
    /// Its description.
    pub info: EntryInfo,
}

impl Spool {
    /// The spool at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Spool {
        Spool { dir: dir.into() }
    }

    /// `--spool-dir`, else `$LLAPI_SPOOL_DIR`, else `$XDG_STATE_HOME/llapi/spool`, else
    /// `~/.local/state/llapi/spool`.
    pub fn locate(flag: Option<&Path>) -> Result<Spool> {
        if let Some(dir) = flag {
            return Ok(Spool::new(dir));
        }
        if let Some(dir) = std::env::var_os(ENV_SPOOL_DIR).filter(|d| !d.is_empty()) {
            return Ok(Spool::new(dir));
        }
        let state = std::env::var_os("XDG_STATE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
            .ok_or_else(|| {
                Error::invalid("no spool directory: set --spool-dir or LLAPI_SPOOL_DIR")
            })?;
        Ok(Spool::new(state.join("llapi").join("spool")))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores a request as a new entry and returns its directory.
    pub fn store(
        &self,
        url: &str,
        request: &Request,
        name: &str,
        source: &Path,
        target: &Target,
        reason: Option<String>,
    ) -> Result<PathBuf> {
        fsutil::create_private_dir(&self.dir)?;
        let created_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let id = format!("{created_unix}-{}-{:08x}", slug(name), fastrand::u32(..));
        let tmp = self.dir.join(format!(".tmp-{id}"));
        let info = EntryInfo {
            format: FORMAT.into(),
            created_unix,
            url: url.into(),
            method: request.method.as_str().into(),
            resource: request.resource.clone(),
            name: name.into(),
            source: source.to_path_buf(),
            target: target.clone(),
            reason,
            params: Vec::new(),
        };
        if let Err(e) = write_entry(&tmp, request, info) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let dir = self.dir.join(&id);
        std::fs::rename(&tmp, &dir)
            .map_err(|e| Error::io(format!("cannot move spool entry into {}", dir.display()), e))?;
        sync_dir(&self.dir);
        Ok(dir)
    }

    /// The entries, oldest first. Unreadable entries are reported as errors in the list.
    pub fn entries(&self) -> Result<Vec<std::result::Result<Entry, (PathBuf, Error)>>> {
        self.release_abandoned_claims();
        let read = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::io(
                    format!("cannot read spool {}", self.dir.display()),
                    e,
                ))
            }
        };
        let mut dirs: Vec<PathBuf> = read
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir() && !file_name(p).starts_with('.'))
            .collect();
        dirs.sort();
        // An entry that vanished since the directory was read was taken (claimed or sent) by
        // a concurrent flush: it is no longer this listing's business.
        Ok(dirs
            .into_iter()
            .filter_map(|d| match Entry::load(&d) {
                Ok(entry) => Some(Ok(entry)),
                Err(_) if !d.exists() => None,
                Err(e) => Some(Err((d, e))),
            })
            .collect())
    }
}

impl Spool {
    /// Gives back entries claimed by a `spool flush` that is no longer running (it crashed or
    /// was killed while sending), so that they are sent again.
    fn release_abandoned_claims(&self) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for path in read.filter_map(|e| e.ok()).map(|e| e.path()) {
            let name = file_name(&path);
            let Some((id, pid)) = name
                .strip_prefix(CLAIM_PREFIX)
                .and_then(|rest| rest.rsplit_once('.'))
            else {
                continue;
            };
            let alive = pid
                .parse::<u32>()
                .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                let _ = std::fs::rename(&path, self.dir.join(id));
            }
        }
    }
}

/// Prefix of an entry being sent: `.sending-<id>.<pid>`.
const CLAIM_PREFIX: &str = ".sending-";

impl Entry {
    /// Claims the entry for sending, so that a concurrent `spool flush` skips it. `None` when
    /// another process claimed or removed it first.
    pub fn claim(self) -> Result<Option<Entry>> {
        let id = self.id();
        let parent = self.dir.parent().unwrap_or(Path::new("."));
        let claimed = parent.join(format!("{CLAIM_PREFIX}{id}.{}", std::process::id()));
        match std::fs::rename(&self.dir, &claimed) {
            Ok(()) => Ok(Some(Entry {
                dir: claimed,
                info: self.info,
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot claim spool entry {id}"), e)),
        }
    }

    /// Gives a claimed entry back to the spool (it could not be sent).
    pub fn release(self) -> Result<()> {
        let parent = self.dir.parent().unwrap_or(Path::new("."));
        let id = self.id();
        std::fs::rename(&self.dir, parent.join(&id))
            .map_err(|e| Error::io(format!("cannot return spool entry {id}"), e))
    }

    /// Reads an entry's description.
    pub fn load(dir: &Path) -> Result<Entry> {
        let path = dir.join(REQUEST_FILE);
        let bytes = std::fs::read(&path).map_err(|source| Error::ReadFile {
            what: "spool entry",
            path: path.clone(),
            source,
        })?;
        let info: EntryInfo = serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
            what: "spool entry",
            path: path.clone(),
            format: "JSON",
            detail: e.to_string(),
        })?;
        if info.format != FORMAT {
            return Err(Error::invalid(format!(
                "spool entry {} has format {:?}, expected {FORMAT}",
                path.display(),
                info.format
            )));
        }
        Ok(Entry {
            dir: dir.to_path_buf(),
            info,
        })
    }

    /// The entry's id (its directory name, without a claim's prefix and process id).
    pub fn id(&self) -> String {
        let name = file_name(&self.dir);
        match name
            .strip_prefix(CLAIM_PREFIX)
            .and_then(|r| r.rsplit_once('.'))
        {
            Some((id, _)) => id.to_owned(),
            None => name,
        }
    }

    /// The request to send (file values point into the entry).
    pub fn request(&self) -> Result<Request> {
        let mut params = Params::new();
        for (name, value) in &self.info.params {
            let v = match value {
                StoredValue::Text(s) => Value::Text(s.clone()),
                StoredValue::Bool(b) => Value::Bool(*b),
                StoredValue::Int(i) => Value::Int(*i),
                StoredValue::List(l) => Value::List(l.clone()),
                StoredValue::File(f) => Value::File(self.dir.join(f)),
            };
            params.set(name.clone(), v);
        }
        Request::new(
            self.info.method.parse::<Method>()?,
            self.info.resource.clone(),
            params,
        )
    }

    /// Size of the entry's files in bytes.
    pub fn size(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|r| {
                r.filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Removes the entry (after the server accepted it).
    pub fn remove(self) -> Result<()> {
        std::fs::remove_dir_all(&self.dir).map_err(|e| {
            Error::io(
                format!("cannot remove spool entry {}", self.dir.display()),
                e,
            )
        })
    }

    /// A JSON description for listings.
    pub fn to_json(&self) -> Json {
        serde_json::json!({
            "id": self.id(),
            "path": self.dir,
            "name": self.info.name,
            "created_unix": self.info.created_unix,
            "url": self.info.url,
            "source": self.info.source,
            "target": self.info.target,
            "reason": self.info.reason,
            "bytes": self.size(),
        })
    }
}

/// Fills `dir` with the request's files and `request.json` (its parameters recorded in `info`).
fn write_entry(dir: &Path, request: &Request, mut info: EntryInfo) -> Result<()> {
    fsutil::create_private_dir(dir)?;
    for (name, value) in request.params.iter() {
        let stored = match value {
            Value::Text(s) => StoredValue::Text(s.clone()),
            Value::Bool(b) => StoredValue::Bool(*b),
            Value::Int(i) => StoredValue::Int(*i),
            Value::List(l) => StoredValue::List(l.clone()),
            Value::File(path) => {
                let file_name = format!("param-{}", slug(name));
                copy_private(path, &dir.join(&file_name))?;
                StoredValue::File(file_name)
            }
        };
        info.params.push((name.to_owned(), stored));
    }
    let json = serde_json::to_vec_pretty(&info).expect("serializable");
    fsutil::atomic_write_private(&dir.join(REQUEST_FILE), |w| w.write_all(&json))
}

fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(|source| Error::ReadFile {
        what: "file",
        path: from.to_path_buf(),
        source,
    })?;
    fsutil::atomic_write_private(to, |w| std::io::copy(&mut src, w).map(drop))
}

fn slug(s: &str) -> String {
    let slug: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if slug.is_empty() {
        "manifest".into()
    } else {
        slug
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
