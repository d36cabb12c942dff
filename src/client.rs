//! The API client: configuration + signing + transport + retries.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::config::{Config, Environment, Overrides, ProjectSettings};
#[cfg(doc)]
use crate::dry_run::DryRun;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::request::{Method, Prepared, Request};
use crate::response::ServerError;
use crate::retry::RetryPolicy;
use crate::transport::{Progress, Response, Transport, TransportFailure, TransportOptions};

/// Heartbeat of the current service.
pub const HEARTBEAT: &str = "/api/v1/vigiles/heartbeat";
/// Heartbeat of the retired linuxlink.timesys.com server generation.
pub const LEGACY_HEARTBEAT: &str = "/api/v1/heartbeat";

/// The result of a call: the answer, or in dry-run mode the request that would have been sent.
#[derive(Debug, Clone)]
pub enum Reply<T> {
    /// The server's answer.
    Done(T),
    /// Dry run: nothing was sent; this is the signed request that would have been
    /// ([`DryRun::of`] renders it).
    DryRun(Box<Prepared>),
}

/// A configured LinuxLink API client.
///
/// ```
/// # fn main() -> llapi::Result<()> {
/// # let dir = tempfile::tempdir().unwrap();
/// # let key_file = dir.path().join("linuxlink_key");
/// # std::fs::write(&key_file, r#"{"email": "me@example.com", "key": "secret"}"#).unwrap();
/// let client = llapi::Client::builder()
///     .key_file(&key_file)
///     .url("https://vigiles.example.com")
///     .dry_run(true)
///     .build()?;
/// match client.heartbeat()? {
///     llapi::Reply::DryRun(request) => {
///         let report = llapi::DryRun::of(&request)?;
///         assert_eq!(report.url, "https://vigiles.example.com/api/v1/vigiles/heartbeat");
///         assert!(report.headers.contains_key("X-Auth-Signature"));
///     }
///     llapi::Reply::Done(()) => unreachable!("a dry run sends nothing"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Client {
    config: Config,
    options: TransportOptions,
    retry: RetryPolicy,
    dry_run: bool,
    transport: OnceLock<Transport>,
}

/// Builds a [`Client`]. Only what is set explicitly is used, unless [`ClientBuilder::environment`]
/// and [`ClientBuilder::project`] bring in the environment and the Cargo project's settings.
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    overrides: Overrides,
    env: Environment,
    project: ProjectSettings,
    options: TransportOptions,
    retry: Option<RetryPolicy>,
    dry_run: bool,
}

impl ClientBuilder {
    /// The key file (JSON with `email` and `key` / `organization_key`).
    pub fn key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.overrides.key_file = Some(path.into());
        self
    }
    /// The dashboard config naming the upload target.
    pub fn dashboard_config(mut self, path: impl Into<PathBuf>) -> Self {
        self.overrides.dashboard_config = Some(path.into());
        self
    }
    /// The subfolder for uploads.
    pub fn subfolder(mut self, name: impl Into<String>) -> Self {
        self.overrides.subfolder = Some(name.into());
        self
    }
    /// The server base URL.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.overrides.url = Some(url.into());
        self
    }
    /// All explicit values at once.
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }
    /// Use this environment (e.g. [`Environment::from_process`]) below the explicit values.
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }
    /// Use these Cargo project settings below the environment.
    pub fn project(mut self, project: ProjectSettings) -> Self {
        self.project = project;
        self
    }
    /// Skip TLS certificate verification.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.options.insecure = insecure;
        self
    }
    /// Trust the certificates of this PEM file too.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.ca_bundle = Some(path.into());
        self
    }
    /// Whole-request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }
    /// Retry policy (default for the library: a single attempt).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }
    /// Build and sign requests but send nothing.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
    /// Resolves the configuration and builds the client. The HTTP client itself is created on
    /// first use, so dry runs never set up TLS.
    pub fn build(self) -> Result<Client> {
        let config = Config::resolve(&self.overrides, &self.env, &self.project)?;
        if !self.dry_run && config.credentials.is_none() {
            config.require_credentials()?;
        }
        if self.options.insecure {
            log::warn!("TLS certificate verification is disabled (--insecure)");
        }
        Ok(Client {
            config,
            options: self.options,
            retry: self.retry.unwrap_or_else(RetryPolicy::none),
            dry_run: self.dry_run,
            transport: OnceLock::new(),
        })
    }
}

impl Client {
    /// A builder with nothing set.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// True in dry-run mode.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Signs and lays out a request (unsigned only in dry-run mode without a key file).
    pub fn prepare(&self, request: &Request) -> Result<Prepared> {
        let credentials = match &self.config.credentials {
            Some(k) => Some(k),
            None if self.dry_run => None,
            None => Some(self.config.require_credentials()?),
        };
        let sign = || request.prepare(&self.config.url.value, credentials);
        if self.dry_run || self.transport.get().is_some() {
            return sign();
        }
        // The request will be sent: set up the HTTP client (root certificates, runtime) while
        // the signing pass reads the files. A set-up error shows again when sending.
        std::thread::scope(|scope| {
            scope.spawn(|| self.transport().map(drop));
            sign()
        })
    }

    /// Checks connectivity and credentials: POST heartbeat, expecting `{"ok": true}`.
    pub fn heartbeat(&self) -> Result<Reply<()>> {
        self.heartbeat_at(self.heartbeat_resource())
    }

    /// Heartbeat at an explicit path ([`HEARTBEAT`] or [`LEGACY_HEARTBEAT`]).
    pub fn heartbeat_at(&self, resource: &str) -> Result<Reply<()>> {
        let request = Request::new(Method::Post, resource, Params::new())?;
        match self.call_json(&request)? {
            Reply::DryRun(d) => Ok(Reply::DryRun(d)),
            Reply::Done(json) if json.get("ok") == Some(&Json::Bool(true)) => Ok(Reply::Done(())),
            Reply::Done(json) => Err(Error::Transport(format!(
                "the heartbeat answer is not {{\"ok\": true}}: {}",
                truncate_json(&json)
            ))),
        }
    }

    /// The heartbeat path for the configured server (legacy path for linuxlink.timesys.com).
    pub fn heartbeat_resource(&self) -> &'static str {
        match self.config.url.value.host() {
            Some(h) if h.eq_ignore_ascii_case("linuxlink.timesys.com") => LEGACY_HEARTBEAT,
            _ => HEARTBEAT,
        }
    }

    /// Makes a call whose answer is JSON.
    pub fn call_json(&self, request: &Request) -> Result<Reply<Json>> {
        let prepared = self.prepare(request)?;
        if self.dry_run {
            return Ok(Reply::DryRun(Box::new(prepared)));
        }
        let response = self.execute(&prepared)?;
        parse_json(&response).map(Reply::Done)
    }

    /// Makes a call whose answer is a file (downloads); the bytes are returned as they came.
    pub fn call_bytes(&self, request: &Request) -> Result<Reply<Vec<u8>>> {
        let prepared = self.prepare(request)?;
        if self.dry_run {
            return Ok(Reply::DryRun(Box::new(prepared)));
        }
        Ok(Reply::Done(self.execute(&prepared)?.body))
    }

    /// Sends a prepared request with the retry policy. Success is a 2xx answer; anything else
    /// is an error that says what happened on the last attempt.
    pub fn execute(&self, prepared: &Prepared) -> Result<Response> {
        self.execute_with_progress(prepared, None)
    }

    /// [`Client::execute`], reporting (bytes sent, total) while a large body streams.
    pub fn execute_with_progress(
        &self,
        prepared: &Prepared,
        progress: Option<&Progress>,
    ) -> Result<Response> {
        let transport = self.transport()?;
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let attempts = self.retry.attempts();
        for attempt in 1.. {
            let outcome = transport.send(prepared, progress);
            let (retryable, retry_after, error) = match outcome {
                Ok(r) if (200..300).contains(&r.status) => return Ok(r),
                Ok(r) => {
                    let e = ServerError::from_status(r.status, &r.body);
                    (e.is_retryable(), r.retry_after, Error::from(e))
                }
                Err(TransportFailure::Other(m)) => return Err(Error::Transport(m)),
                Err(f) => (f.is_retryable(), None, Error::Transport(f.to_string())),
            };
            let wait = retryable
                .then(|| self.retry.wait_before(attempt + 1, retry_after, waited))
                .flatten();
            let Some(wait) = wait else {
                if attempt > 1 {
                    log::debug!(
                        "gave up after {attempt} attempts in {:.1?}",
                        started.elapsed()
                    );
                }
                return Err(with_attempts(error, attempt));
            };
            log::warn!(
                "(attempt {attempt} of {attempts}) {error}; retrying in {:.1} s",
                wait.as_secs_f64()
            );
            std::thread::sleep(wait);
            waited += wait;
        }
        unreachable!("the loop returns")
    }

    fn transport(&self) -> Result<&Transport> {
        if let Some(t) = self.transport.get() {
            return Ok(t);
        }
        let t = Transport::new(&self.options)?;
        Ok(self.transport.get_or_init(|| t))
    }
}

fn with_attempts(error: Error, attempts: u32) -> Error {
    match (error, attempts) {
        (e, 1) => e,
        (Error::Transport(m), n) => Error::Transport(format!("{m} (after {n} attempts)")),
        (e, _) => e,
    }
}

/// The JSON of a 2xx answer; a body that is not JSON is an operation error.
pub fn parse_json(response: &Response) -> Result<Json> {
    serde_json::from_slice(&response.body).map_err(|_| {
        Error::from(ServerError::malformed(
            response.status,
            response.content_type.as_deref(),
            &response.body,
        ))
    })
}

fn truncate_json(json: &Json) -> String {
    crate::response::truncate(&json.to_string(), 200)
}
