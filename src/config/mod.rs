//! Configuration from the build environment, with the origin of every value.
//!
//! Precedence, highest first: command-line flag > environment (`VIGILES_KEY_FILE`,
//! `VIGILES_DASHBOARD_CONFIG`, `VIGILES_SUBFOLDER_NAME`, `LINUXLINK_SERVER`) >
//! `[package.metadata.llapi]` / `[workspace.metadata.llapi]` > the key file's `server_url` >
//! defaults (`~/timesys/linuxlink_key`, `~/timesys/dashboard_config`, `https://vigiles.lynx.com`).

pub mod dashboard;
pub mod keyfile;
pub mod project;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use dashboard::{Dashboard, TokenKind};
pub use keyfile::KeyFile;
pub use project::ProjectSettings;

use crate::endpoint::{BaseUrl, DEFAULT_SERVER};
use crate::error::{Error, Result};

/// Environment variable naming the key file.
pub const ENV_KEY_FILE: &str = "VIGILES_KEY_FILE";
/// Environment variable naming the dashboard config.
pub const ENV_DASHBOARD_CONFIG: &str = "VIGILES_DASHBOARD_CONFIG";
/// Environment variable naming the subfolder for uploads.
pub const ENV_SUBFOLDER: &str = "VIGILES_SUBFOLDER_NAME";
/// Environment variable naming the server URL.
pub const ENV_SERVER: &str = "LINUXLINK_SERVER";
/// Every environment variable the configuration reads.
pub const ENV_VARS: [&str; 4] = [
    ENV_KEY_FILE,
    ENV_DASHBOARD_CONFIG,
    ENV_SUBFOLDER,
    ENV_SERVER,
];

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag or an explicit library argument.
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// A `[*.metadata.llapi]` table of a Cargo.toml.
    CargoMetadata {
        /// The Cargo.toml.
        manifest: PathBuf,
        /// `[package.metadata.llapi]` or `[workspace.metadata.llapi]`.
        table: &'static str,
    },
    /// The key file's `server_url`.
    KeyFile(PathBuf),
    /// The built-in default.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag => f.write_str("command line"),
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::CargoMetadata { manifest, table } => {
                write!(f, "{table} in {}", manifest.display())
            }
            Origin::KeyFile(p) => write!(f, "server_url in key file {}", p.display()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

impl<T> Sourced<T> {
    fn new(value: T, origin: Origin) -> Self {
        Sourced { value, origin }
    }
}

/// Values given explicitly (command-line flags or library arguments); they beat everything.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Key file path.
    pub key_file: Option<PathBuf>,
    /// Dashboard config path.
    pub dashboard_config: Option<PathBuf>,
    /// Subfolder name for uploads.
    pub subfolder: Option<String>,
    /// Server base URL.
    pub url: Option<String>,
}

/// The parts of the process environment configuration reads, captured once (tests build their own).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Variables (only the ones configuration reads need be present).
    pub vars: BTreeMap<String, String>,
    /// The user's home directory, for the default file locations.
    pub home: Option<PathBuf>,
}

impl Environment {
    /// Captures the current process environment.
    pub fn from_process() -> Environment {
        let vars = ENV_VARS
            .into_iter()
            .filter_map(|n| std::env::var(n).ok().map(|v| (n.to_owned(), v)))
            .collect();
        Environment {
            vars,
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    /// A non-empty variable (an empty one counts as unset, as in the build integrations).
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn default_path(&self, file: &str) -> PathBuf {
        self.home
            .clone()
            .unwrap_or_else(|| PathBuf::from("~"))
            .join("timesys")
            .join(file)
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The key file path and its origin.
    pub key_file: Sourced<PathBuf>,
    /// Its content; `None` only when the *default* key file does not exist (a dry run then
    /// reports an unsigned request; sending refuses).
    pub credentials: Option<KeyFile>,
    /// The dashboard config path, when one was configured or the default exists.
    pub dashboard_path: Option<Sourced<PathBuf>>,
    /// The upload target; `None` means the Private Workspace.
    pub dashboard: Option<Dashboard>,
    /// Why a configured dashboard config was not used (already logged as a warning).
    pub dashboard_warning: Option<String>,
    /// Subfolder for uploads.
    pub subfolder: Option<Sourced<String>>,
    /// The server base URL.
    pub url: Sourced<BaseUrl>,
}

impl Config {
    /// Resolves the configuration from explicit values, the environment and the Cargo project.
    pub fn resolve(
        overrides: &Overrides,
        env: &Environment,
        project: &ProjectSettings,
    ) -> Result<Config> {
        let key_file = pick_path(
            overrides.key_file.clone(),
            env,
            ENV_KEY_FILE,
            project,
            &["key-file", "key_file"],
        )?
        .unwrap_or_else(|| Sourced::new(env.default_path("linuxlink_key"), Origin::Default));
        let credentials = if key_file.origin == Origin::Default && !key_file.value.exists() {
            log::debug!("no key file at the default {}", key_file.value.display());
            None
        } else {
            Some(KeyFile::load(&key_file.value)?)
        };

        let dashboard_path = pick_path(
            overrides.dashboard_config.clone(),
            env,
            ENV_DASHBOARD_CONFIG,
            project,
            &["dashboard-config", "dashboard_config"],
        )?
        .or_else(|| {
            let default = env.default_path("dashboard_config");
            default
                .exists()
                .then(|| Sourced::new(default, Origin::Default))
        });
        let (dashboard, dashboard_warning) = match &dashboard_path {
            None => (None, None),
            Some(p) => match Dashboard::load(&p.value)? {
                Ok(d) => (Some(d), None),
                Err(unusable) => {
                    let warning = unusable.warning();
                    log::warn!("{warning}");
                    (None, Some(warning))
                }
            },
        };

        let subfolder = match (&overrides.subfolder, env.get(ENV_SUBFOLDER)) {
            (Some(s), _) => Some(Sourced::new(s.clone(), Origin::Flag)),
            (None, Some(s)) => Some(Sourced::new(s.to_owned(), Origin::Env(ENV_SUBFOLDER))),
            (None, None) => project
                .string(&["subfolder", "subfolder-name", "subfolder_name"])?
                .map(|(s, f)| Sourced::new(s, metadata_origin(&f))),
        }
        .filter(|s| !s.value.trim().is_empty());

        let url_text = match (&overrides.url, env.get(ENV_SERVER)) {
            (Some(u), _) => Sourced::new(u.clone(), Origin::Flag),
            (None, Some(u)) => Sourced::new(u.to_owned(), Origin::Env(ENV_SERVER)),
            (None, None) => match project.string(&["url", "server-url", "server_url"])? {
                Some((u, f)) => Sourced::new(u, metadata_origin(&f)),
                None => match credentials.as_ref().and_then(|k| k.server_url.clone()) {
                    Some(u) => Sourced::new(u, Origin::KeyFile(key_file.value.clone())),
                    None => Sourced::new(DEFAULT_SERVER.to_owned(), Origin::Default),
                },
            },
        };
        let url = Sourced::new(
            BaseUrl::parse(&url_text.value)
                .map_err(|e| Error::invalid(format!("{e} (from {})", url_text.origin)))?,
            url_text.origin,
        );

        Ok(Config {
            key_file,
            credentials,
            dashboard_path,
            dashboard,
            dashboard_warning,
            subfolder,
            url,
        })
    }

    /// The credentials, or an input error saying how to provide them.
    pub fn require_credentials(&self) -> Result<&KeyFile> {
        self.credentials.as_ref().ok_or_else(|| {
            Error::invalid(format!(
                "no key file: {} does not exist; download your API key file from the Vigiles dashboard and pass it with --key-file or {ENV_KEY_FILE}",
                self.key_file.value.display()
            ))
        })
    }
}

fn metadata_origin(found: &project::Found<'_>) -> Origin {
    Origin::CargoMetadata {
        manifest: found.manifest.to_path_buf(),
        table: found.table.name(),
    }
}

fn pick_path(
    flag: Option<PathBuf>,
    env: &Environment,
    var: &'static str,
    project: &ProjectSettings,
    names: &[&str],
) -> Result<Option<Sourced<PathBuf>>> {
    if let Some(p) = flag {
        return Ok(Some(Sourced::new(p, Origin::Flag)));
    }
    if let Some(v) = env.get(var) {
        return Ok(Some(Sourced::new(
            project::expand_home(v),
            Origin::Env(var),
        )));
    }
    Ok(project
        .path(names)?
        .map(|(p, f)| Sourced::new(p, metadata_origin(&f))))
}
