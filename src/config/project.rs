//! Settings from the Cargo project: `[package.metadata.llapi]` beats `[workspace.metadata.llapi]`.
//! Read with `toml` from the Cargo.toml files themselves (no `cargo` run).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The `llapi` metadata tables of a Cargo project.
#[derive(Debug, Clone, Default)]
pub struct ProjectSettings {
    /// `[package.metadata.llapi]` of the nearest Cargo.toml, with that file's path.
    pub package: Option<(PathBuf, toml::Table)>,
    /// `[workspace.metadata.llapi]` of the workspace root, with that file's path.
    pub workspace: Option<(PathBuf, toml::Table)>,
}

/// Which table a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `[package.metadata.llapi]`
    Package,
    /// `[workspace.metadata.llapi]`
    Workspace,
}

impl Table {
    /// The table's name as written in Cargo.toml.
    pub fn name(self) -> &'static str {
        match self {
            Table::Package => "[package.metadata.llapi]",
            Table::Workspace => "[workspace.metadata.llapi]",
        }
    }
}

/// A setting's value and where it was found.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    /// The TOML value.
    pub value: &'a toml::Value,
    /// The Cargo.toml holding it.
    pub manifest: &'a Path,
    /// The table holding it.
    pub table: Table,
}

impl ProjectSettings {
    /// Finds the project of `manifest_path` (when given) or of the nearest Cargo.toml above `cwd`.
    /// No Cargo.toml at all is not an error: there are simply no project settings.
    pub fn discover(manifest_path: Option<&Path>, cwd: &Path) -> Result<ProjectSettings> {
        let nearest = match manifest_path {
            Some(p) => {
                if !p.is_file() {
                    return Err(Error::invalid(format!(
                        "manifest path {} does not exist",
                        p.display()
                    )));
                }
                Some(p.to_path_buf())
            }
            None => cwd
                .ancestors()
                .map(|d| d.join("Cargo.toml"))
                .find(|p| p.is_file()),
        };
        let Some(nearest) = nearest else {
            return Ok(ProjectSettings::default());
        };
        let doc = read_toml(&nearest)?;
        let mut settings = ProjectSettings {
            package: llapi_table(&doc, "package").map(|t| (nearest.clone(), t)),
            workspace: None,
        };
        if doc.contains_key("workspace") {
            settings.workspace = llapi_table(&doc, "workspace").map(|t| (nearest.clone(), t));
            return Ok(settings);
        }
        let above = nearest.parent().and_then(Path::parent);
        for dir in above.into_iter().flat_map(Path::ancestors) {
            let candidate = dir.join("Cargo.toml");
            if candidate.is_file() {
                let doc = read_toml(&candidate)?;
                if doc.contains_key("workspace") {
                    settings.workspace = llapi_table(&doc, "workspace").map(|t| (candidate, t));
                    break;
                }
            }
        }
        Ok(settings)
    }

    /// The first of `names` set in the package table, else in the workspace table.
    pub fn get(&self, names: &[&str]) -> Option<Found<'_>> {
        [
            (Table::Package, &self.package),
            (Table::Workspace, &self.workspace),
        ]
        .into_iter()
        .find_map(|(table, entry)| {
            let (manifest, t) = entry.as_ref()?;
            names.iter().find_map(|n| t.get(*n)).map(|value| Found {
                value,
                manifest,
                table,
            })
        })
    }

    /// A string setting; a value of another type is an input error.
    pub fn string(&self, names: &[&str]) -> Result<Option<(String, Found<'_>)>> {
        match self.get(names) {
            None => Ok(None),
            Some(found) => match found.value.as_str() {
                Some(s) => Ok(Some((s.to_owned(), found))),
                None => Err(Error::invalid(format!(
                    "{} in {}: `{}` must be a string",
                    found.table.name(),
                    found.manifest.display(),
                    names[0]
                ))),
            },
        }
    }

    /// A boolean setting.
    pub fn boolean(&self, names: &[&str]) -> Result<Option<bool>> {
        match self.get(names) {
            None => Ok(None),
            Some(found) => found.value.as_bool().map(Some).ok_or_else(|| {
                Error::invalid(format!(
                    "{} in {}: `{}` must be true or false",
                    found.table.name(),
                    found.manifest.display(),
                    names[0]
                ))
            }),
        }
    }

    /// A list of strings, written as a TOML array or as one comma-separated string.
    pub fn strings(&self, names: &[&str]) -> Result<Option<Vec<String>>> {
        let Some(found) = self.get(names) else {
            return Ok(None);
        };
        let bad = || {
            Error::invalid(format!(
                "{} in {}: `{}` must be a string or an array of strings",
                found.table.name(),
                found.manifest.display(),
                names[0]
            ))
        };
        match found.value {
            toml::Value::String(s) => Ok(Some(
                s.split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )),
            toml::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned).ok_or_else(bad))
                .collect::<Result<Vec<_>>>()
                .map(Some),
            _ => Err(bad()),
        }
    }

    /// A path setting, resolved against the directory of the Cargo.toml that sets it.
    pub fn path(&self, names: &[&str]) -> Result<Option<(PathBuf, Found<'_>)>> {
        Ok(self.string(names)?.map(|(s, found)| {
            let base = found.manifest.parent().unwrap_or(Path::new("."));
            (base.join(expand_home(&s)), found)
        }))
    }
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(s),
    }
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        what: "Cargo manifest",
        path: path.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>().map_err(|e| Error::Parse {
        what: "Cargo manifest",
        path: path.to_path_buf(),
        format: "TOML",
        detail: e.message().to_owned(),
    })
}

fn llapi_table(doc: &toml::Table, section: &str) -> Option<toml::Table> {
    doc.get(section)?
        .get("metadata")?
        .get("llapi")?
        .as_table()
        .cloned()
}
