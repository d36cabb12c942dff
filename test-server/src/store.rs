//! In-memory state of the server: manifests, reports, groups, folders and small annotations.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::scan::Scan;
use crate::verify::{Pairs, Text};

/// Formats a time as RFC 3339 with seconds (`2026-12-04T19:57:53Z`).
pub fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// An uploaded manifest.
#[derive(Debug, Clone)]
pub struct StoredManifest {
    /// The manifest token the server assigned.
    pub token: String,
    /// The name, worked out on first use (see [`StoredManifest::name`]): reading it from a
    /// large manifest is not on the upload's path.
    pub(crate) name: Arc<std::sync::OnceLock<String>>,
    /// Group (or product) token, empty for the Private Workspace.
    pub group_token: String,
    /// Which name the client used for the group token: `group_token` or `product_token`.
    pub group_field: String,
    /// Folder token, possibly empty.
    pub folder_token: String,
    /// The `manifest` parameter, verbatim.
    pub manifest: Text,
    /// Every other parameter of the upload, in wire order (including `email`).
    pub params: Pairs,
    /// When it was uploaded.
    pub uploaded: SystemTime,
}

impl StoredManifest {
    /// `manifest_name` if sent, else the manifest's `manifest_name`/`image`/CycloneDX
    /// component/`name`, else "manifest".
    pub fn name(&self) -> &str {
        self.name.get_or_init(
            || match self.param("manifest_name").filter(|n| !n.is_empty()) {
                Some(name) => name.to_string(),
                None => crate::routes::manifests::name_in(&self.manifest),
            },
        )
    }

    /// The manifest bytes, verbatim.
    pub fn bytes(&self) -> &[u8] {
        self.manifest.as_bytes()
    }

    /// The first value of an upload parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        crate::verify::first(&self.params, name)
    }

    /// The upload date as RFC 3339.
    pub fn upload_date(&self) -> String {
        timestamp(self.uploaded)
    }
}

/// A scan report of a manifest.
#[derive(Debug, Clone)]
pub struct Report {
    /// The report token.
    pub token: String,
    /// The scanned manifest.
    pub manifest_token: String,
    /// When it was made.
    pub created: SystemTime,
    /// The findings.
    pub scan: Scan,
}

/// A group (enterprise workspace) or legacy product.
#[derive(Debug, Clone)]
pub struct Group {
    /// Token.
    pub token: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parent group, if a subgroup.
    pub parent: Option<String>,
    /// Archived?
    pub archived: bool,
    /// Members: `{email, role, allow_access_to_subgroups}`.
    pub members: Vec<Value>,
    /// Settings object.
    pub settings: serde_json::Map<String, Value>,
    /// Creation time.
    pub created: SystemTime,
}

/// A folder inside a group (or another folder).
#[derive(Debug, Clone)]
pub struct Folder {
    /// Token.
    pub token: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Owning group token.
    pub group_token: String,
    /// Parent folder, if nested.
    pub parent: Option<String>,
    /// Archived?
    pub archived: bool,
}

/// All mutable server state.
#[derive(Debug)]
pub struct Store {
    instance: String,
    counter: u64,
    /// Manifests in upload order.
    pub manifests: Vec<StoredManifest>,
    /// Reports in creation order.
    pub reports: Vec<Report>,
    /// Groups in creation order.
    pub groups: Vec<Group>,
    /// Folders in creation order.
    pub folders: Vec<Folder>,
    /// Custom scores and vulnerability statuses set by clients.
    pub annotations: Vec<Value>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    /// An empty store whose tokens are unique to this server instance.
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mix = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
        Store {
            instance: format!("{:06x}", mix.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40),
            counter: 0,
            manifests: Vec::new(),
            reports: Vec::new(),
            groups: Vec::new(),
            folders: Vec::new(),
            annotations: Vec::new(),
        }
    }

    /// A fresh token `<prefix>-<instance>-<n>` (letters, digits and `-` only).
    pub fn new_token(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}-{:05}", self.instance, self.counter)
    }

    /// A manifest by token.
    pub fn manifest(&self, token: &str) -> Option<&StoredManifest> {
        self.manifests.iter().find(|m| m.token == token)
    }

    /// A report by token.
    pub fn report(&self, token: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.token == token)
    }

    /// A group by token.
    pub fn group_mut(&mut self, token: &str) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.token == token)
    }

    /// Scans a stored manifest and keeps the new report.
    pub fn add_report(
        &mut self,
        manifest_token: &str,
        vulnerable: &[String],
        now: SystemTime,
    ) -> Option<Report> {
        let scan = crate::scan::scan(&self.manifest(manifest_token)?.manifest, vulnerable);
        Some(self.keep_report(manifest_token, scan, now))
    }

    /// Keeps a new report of a stored manifest's scan.
    pub fn keep_report(&mut self, manifest_token: &str, scan: Scan, now: SystemTime) -> Report {
        let report = Report {
            token: self.new_token("RPT"),
            manifest_token: manifest_token.to_string(),
            created: now,
            scan,
        };
        self.reports.push(report.clone());
        report
    }

    /// The newest report of a manifest.
    pub fn latest_report(&self, manifest_token: &str) -> Option<&Report> {
        self.reports
            .iter()
            .rev()
            .find(|r| r.manifest_token == manifest_token)
    }
}
