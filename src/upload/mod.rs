//! Manifest uploads that never lose a manifest: send with retries, or keep it in the spool.

pub mod ecosystems;
pub mod export;
pub mod options;
pub mod report;
pub mod settings;
pub mod spool;
pub mod target;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

pub use options::UploadOptions;
pub use spool::Spool;
pub use target::Target;

use crate::client::{parse_json, Client};
use crate::error::{Error, ErrorKind, Result};
use crate::request::{Method, Prepared, Request};

/// The upload resource.
pub const MANIFESTS: &str = "/api/v1/vigiles/manifests";

/// What became of one manifest.
#[derive(Debug)]
pub enum Outcome {
    /// The server accepted it; its answer (without `exported_report`) and the exported report file.
    Uploaded {
        /// The scan result.
        result: Json,
        /// Where the exported report was written.
        exported: Option<PathBuf>,
    },
    /// Dry run: the signed request that would have been sent.
    DryRun(Box<Prepared>),
    /// Queued in the spool with `--offline`.
    Queued(PathBuf),
}

/// A failed upload: the error and, when the manifest was kept, the spool entry.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub error: Error,
    /// The spool entry holding the request, if it could be kept.
    pub spooled: Option<PathBuf>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            spooled: None,
        }
    }
}

/// Uploads manifests with one client, one set of options and one target.
pub struct Uploader<'a> {
    client: &'a Client,
    options: UploadOptions,
    target: Target,
    spool: Option<Spool>,
    offline: bool,
    progress: Option<FileProgress>,
}

impl std::fmt::Debug for Uploader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploader")
            .field("options", &self.options)
            .field("target", &self.target)
            .field("spool", &self.spool)
            .field("offline", &self.offline)
            .finish_non_exhaustive()
    }
}

/// Called with (file, bytes sent, total) while a large manifest streams to the server.
pub type FileProgress = std::sync::Arc<dyn Fn(&Path, u64, u64) + Send + Sync>;

impl<'a> Uploader<'a> {
    /// Checks the options and resolves the target (warning once about the Private Workspace).
    /// `spool` keeps failed uploads; `offline` queues every upload there without sending.
    pub fn new(
        client: &'a Client,
        options: UploadOptions,
        spool: Option<Spool>,
        offline: bool,
    ) -> Result<Self> {
        options.validate()?;
        if offline && spool.is_none() {
            return Err(Error::invalid("--offline needs a spool directory"));
        }
        let subfolder = options.effective_subfolder(client.config());
        let target = Target::resolve(client.config(), subfolder);
        Ok(Uploader {
            client,
            options,
            target,
            spool,
            offline,
            progress: None,
        })
    }

    /// Reports the progress of large uploads.
    pub fn with_progress(mut self, progress: FileProgress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The upload request of `file` (its content is sent byte for byte, streamed).
    pub fn request(&self, file: &Path) -> Result<Request> {
        check_manifest(file)?;
        Request::new(
            Method::Post,
            MANIFESTS,
            self.options.params(file, &self.target)?,
        )
    }

    /// Uploads one manifest. An input error (bad file, bad option) is returned as is; an
    /// operation failure keeps the request in the spool when there is one.
    pub fn upload(&self, file: &Path) -> std::result::Result<Outcome, Failure> {
        let request = self.request(file)?;
        let url = self.client.config().url.value.as_str().to_owned();
        let name = self.display_name(file);
        if self.offline {
            let spool = self.spool.as_ref().expect("checked in new");
            let entry = spool.store(&url, &request, &name, file, &self.target, None)?;
            return Ok(Outcome::Queued(entry));
        }
        let prepared = self.client.prepare(&request)?;
        if self.client.is_dry_run() {
            return Ok(Outcome::DryRun(Box::new(prepared)));
        }
        let progress = self.progress.clone().map(|report| {
            let file = file.to_path_buf();
            std::sync::Arc::new(move |sent, total| report(&file, sent, total))
                as crate::transport::Progress
        });
        let sent = self
            .client
            .execute_with_progress(&prepared, progress.as_ref())
            .and_then(|response| parse_json(&response));
        match sent {
            Ok(mut result) => {
                let exported = match (&self.options.export_format, &self.options.export_path) {
                    (Some(format), Some(path)) => {
                        let ext =
                            export::extension(format, self.options.cyclonedx_format.as_deref());
                        export::save(&mut result, path, &ext)?
                    }
                    _ => None,
                };
                Ok(Outcome::Uploaded { result, exported })
            }
            Err(error) if error.kind() == ErrorKind::Operation => {
                let spooled = match &self.spool {
                    Some(spool) => match spool.store(
                        &url,
                        &request,
                        &name,
                        file,
                        &self.target,
                        Some(error.to_string()),
                    ) {
                        Ok(dir) => Some(dir),
                        Err(e) => {
                            log::error!("could not keep the manifest in the spool: {e}");
                            None
                        }
                    },
                    None => None,
                };
                Err(Failure { error, spooled })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Uploads several manifests, at most `jobs` at a time; results in the order of `files`.
    pub fn upload_all(
        &self,
        files: &[PathBuf],
        jobs: usize,
    ) -> Vec<std::result::Result<Outcome, Failure>> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<std::result::Result<Outcome, Failure>>>> =
            files.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..jobs.clamp(1, files.len().max(1)) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let outcome = self.upload(file);
                    *results[i].lock().expect("not poisoned") = Some(outcome);
                });
            }
        });
        results
            .into_iter()
            .map(|m| {
                m.into_inner()
                    .expect("not poisoned")
                    .expect("every file was uploaded")
            })
            .collect()
    }

    /// The name shown for a file: `--name`, else the file name.
    pub fn display_name(&self, file: &Path) -> String {
        self.options.name.clone().unwrap_or_else(|| {
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string())
        })
    }
}

/// A manifest must be a readable, non-empty regular file.
fn check_manifest(file: &Path) -> Result<()> {
    let meta = std::fs::metadata(file).map_err(|source| Error::ReadFile {
        what: "manifest",
        path: file.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::invalid(format!(
            "manifest {} is not a file",
            file.display()
        )));
    }
    if meta.len() == 0 {
        return Err(Error::invalid(format!(
            "manifest {} is empty",
            file.display()
        )));
    }
    std::fs::File::open(file).map_err(|source| Error::ReadFile {
        what: "manifest",
        path: file.to_path_buf(),
        source,
    })?;
    Ok(())
}

/// Sends the spool's entries, oldest first, with the client's retry policy; removes each only
/// after the server accepted it. Returns one result per entry.
pub fn flush(
    client: &Client,
    spool: &Spool,
    url_override: Option<&str>,
) -> Result<Vec<FlushResult>> {
    let mut results = Vec::new();
    for entry in spool.entries()? {
        let entry = match entry {
            Ok(e) => e,
            Err((dir, error)) => {
                results.push(FlushResult {
                    id: dir.display().to_string(),
                    name: String::new(),
                    outcome: Err(error),
                });
                continue;
            }
        };
        let id = entry.id();
        let name = entry.info.name.clone();
        let Some(entry) = entry.claim()? else {
            log::debug!("spool entry {id} is being sent by another process");
            continue;
        };
        let outcome = match send_entry(client, &entry, url_override) {
            Ok(result) => entry.remove().map(|()| result),
            Err(error) => {
                if let Err(e) = entry.release() {
                    log::error!("{e}");
                }
                Err(error)
            }
        };
        results.push(FlushResult { id, name, outcome });
    }
    Ok(results)
}

fn send_entry(client: &Client, entry: &spool::Entry, url_override: Option<&str>) -> Result<Json> {
    let request = entry.request()?;
    let base = match url_override {
        Some(u) => crate::endpoint::BaseUrl::parse(u)?,
        None => crate::endpoint::BaseUrl::parse(&entry.info.url)?,
    };
    let credentials = client.config().require_credentials()?;
    let prepared = request.prepare(&base, Some(credentials))?;
    let response = client.execute(&prepared)?;
    parse_json(&response)
}

/// The result of sending one spool entry.
#[derive(Debug)]
pub struct FlushResult {
    /// The entry's id.
    pub id: String,
    /// The manifest name.
    pub name: String,
    /// The server's answer, or why it failed (the entry is then kept).
    pub outcome: Result<Json>,
}
