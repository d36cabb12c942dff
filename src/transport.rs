//! Sending prepared requests over HTTP(S) with reqwest and rustls: certificates verified by
//! default, optional extra CA bundle, proxies from the environment, timeouts.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::body_stream::StreamedBody;
use crate::error::{Error, Result};
use crate::form::FormBody;
use crate::request::{Method, Prepared};
use crate::signing::SIGNATURE_HEADER;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("cargo-llapi/", env!("CARGO_PKG_VERSION"));

/// Bodies up to this size are built in memory before sending; larger ones are streamed
/// (in [`crate::body_stream::CHUNK`] pieces, never whole).
const IN_MEMORY_BODY: u64 = 4 * 1024 * 1024;

/// Called with (bytes sent, total) while a large body streams.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Connection and TLS settings.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    /// Whole-request timeout (default 60 s).
    pub timeout: Duration,
    /// Connect timeout (default 15 s, never above `timeout`).
    pub connect_timeout: Duration,
    /// Extra CA certificates (PEM file), trusted in addition to the built-in roots.
    pub ca_bundle: Option<PathBuf>,
    /// Skip certificate verification (the caller warns).
    pub insecure: bool,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            ca_bundle: None,
            insecure: false,
        }
    }
}

/// What came back for one attempt.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// `Retry-After` in seconds, if the server sent one.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why an attempt did not get an HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// Could not connect (refused, DNS, unreachable, TLS handshake).
    Connect(String),
    /// No complete answer in time.
    Timeout(String),
    /// The connection broke (reset, closed early).
    Broken(String),
    /// Anything else (e.g. a local file could not be read for the body).
    Other(String),
}

impl TransportFailure {
    /// True when another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, TransportFailure::Other(_))
    }
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportFailure::Connect(m) => write!(f, "cannot connect to the Vigiles server: {m}"),
            TransportFailure::Timeout(m) => {
                write!(f, "the Vigiles server did not answer in time: {m}")
            }
            TransportFailure::Broken(m) => {
                write!(f, "the connection to the Vigiles server broke: {m}")
            }
            TransportFailure::Other(m) => write!(f, "request failed: {m}"),
        }
    }
}

/// An HTTP client for the API.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::blocking::Client,
    settings: Arc<Settings>,
    streamer: Arc<OnceLock<Streamer>>,
}

/// What both clients are built from.
struct Settings {
    options: TransportOptions,
    certs: Vec<reqwest::Certificate>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("options", &self.options)
            .field("certs", &self.certs.len())
            .finish()
    }
}

/// reqwest's async client on a runtime of its own, for bodies streamed from files
/// (see [`crate::body_stream`]); built on the first large upload.
struct Streamer {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl std::fmt::Debug for Streamer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Streamer")
    }
}

/// Applies the settings to a blocking or async client builder (same methods, distinct types).
macro_rules! configured {
    ($builder:expr, $settings:expr) => {{
        let s: &Settings = $settings;
        let mut builder = $builder
            .user_agent(USER_AGENT)
            .timeout(s.options.timeout)
            .connect_timeout(s.options.connect_timeout.min(s.options.timeout))
            .use_rustls_tls()
            .danger_accept_invalid_certs(s.options.insecure);
        for cert in &s.certs {
            builder = builder.add_root_certificate(cert.clone());
        }
        builder
    }};
}

const FORM: &str = "application/x-www-form-urlencoded";

impl Transport {
    /// Builds the client. A bad CA bundle is an input error.
    pub fn new(options: &TransportOptions) -> Result<Transport> {
        let mut certs = Vec::new();
        if let Some(path) = &options.ca_bundle {
            let pem = std::fs::read(path).map_err(|source| Error::ReadFile {
                what: "CA bundle",
                path: path.clone(),
                source,
            })?;
            certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::invalid(format!(
                    "CA bundle {} is not PEM certificates: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(Error::invalid(format!(
                    "CA bundle {} holds no certificate",
                    path.display()
                )));
            }
        }
        let settings = Arc::new(Settings {
            options: options.clone(),
            certs,
        });
        let client = configured!(reqwest::blocking::Client::builder(), &settings)
            .build()
            .map_err(|e| Error::Transport(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Transport {
            client,
            settings,
            streamer: Arc::new(OnceLock::new()),
        })
    }

    fn streamer(&self) -> std::result::Result<&Streamer, TransportFailure> {
        if let Some(s) = self.streamer.get() {
            return Ok(s);
        }
        let fail = |e: &dyn std::fmt::Display| {
            TransportFailure::Other(format!("cannot set up the HTTP client: {e}"))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(&e))?;
        let client = configured!(reqwest::Client::builder(), &self.settings)
            .build()
            .map_err(|e| fail(&e))?;
        Ok(self.streamer.get_or_init(|| Streamer { runtime, client }))
    }

    /// Sends one attempt of a prepared request; `progress` hears how much of a large
    /// (streamed) body has been sent.
    pub fn send(
        &self,
        prepared: &Prepared,
        progress: Option<&Progress>,
    ) -> std::result::Result<Response, TransportFailure> {
        match &prepared.body {
            Some(body) if body.len() > IN_MEMORY_BODY => {
                self.send_streamed(prepared, body, progress)
            }
            _ => self.send_in_memory(prepared),
        }
    }

    /// Small requests: the blocking client, the body built in memory (so connection errors
    /// keep their real cause).
    fn send_in_memory(
        &self,
        prepared: &Prepared,
    ) -> std::result::Result<Response, TransportFailure> {
        let mut request = self.client.request(method(prepared), &prepared.url);
        if let Some(signature) = prepared.signature() {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        if let Some(body) = &prepared.body {
            let bytes = body
                .to_bytes()
                .map_err(|e| TransportFailure::Other(format!("cannot read the body: {e}")))?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, FORM)
                .body(bytes);
        }
        let response = request.send().map_err(classify)?;
        let status = response.status().as_u16();
        let (content_type, retry_after) = head(response.headers());
        let body = response.bytes().map_err(classify)?.to_vec();
        Ok(Response {
            status,
            content_type,
            retry_after,
            body,
        })
    }

    /// Large bodies: streamed from their files with a known length, in large chunks.
    fn send_streamed(
        &self,
        prepared: &Prepared,
        body: &FormBody,
        progress: Option<&Progress>,
    ) -> std::result::Result<Response, TransportFailure> {
        let streamer = self.streamer()?;
        let mut streamed = StreamedBody::new(body);
        if let Some(report) = progress {
            streamed = streamed.with_progress(report.clone());
        }
        let mut request = streamer
            .client
            .request(method(prepared), &prepared.url)
            .header(reqwest::header::CONTENT_TYPE, FORM)
            .header(reqwest::header::CONTENT_LENGTH, body.len())
            .body(reqwest::Body::wrap(streamed));
        if let Some(signature) = prepared.signature() {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        streamer.runtime.block_on(async {
            let response = request.send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let (content_type, retry_after) = head(response.headers());
            let body = response.bytes().await.map_err(classify)?.to_vec();
            Ok(Response {
                status,
                content_type,
                retry_after,
                body,
            })
        })
    }
}

fn method(prepared: &Prepared) -> reqwest::Method {
    match prepared.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// `Content-Type` and `Retry-After` (seconds) of a response.
fn head(headers: &reqwest::header::HeaderMap) -> (Option<String>, Option<Duration>) {
    let header = |name: reqwest::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    (header(reqwest::header::CONTENT_TYPE), retry_after)
}

/// Sorts a reqwest error into what it means for retrying, with its root cause as text.
fn classify(err: reqwest::Error) -> TransportFailure {
    log::trace!("transport error chain: {err:?}");
    let mut cause = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let local = is_local_body_error(&err);
    let abandoned = is_stream_abandoned(&err);
    let (timeout, connect) = (err.is_timeout(), err.is_connect());
    let text = format!("{} ({cause})", err.without_url());
    if timeout {
        TransportFailure::Timeout(text)
    } else if connect {
        TransportFailure::Connect(text)
    } else if local {
        TransportFailure::Other(text)
    } else if abandoned {
        TransportFailure::Broken(format!(
            "the connection failed while the upload was streaming (refused, reset or closed): {text}"
        ))
    } else {
        TransportFailure::Broken(text)
    }
}

/// reqwest reports a failed connection during a streamed body only as "receiver is gone".
fn is_stream_abandoned(err: &reqwest::Error) -> bool {
    err.is_body() && format!("{err:?}").contains("Disconnected")
}

fn is_local_body_error(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
            );
        }
        source = s.source();
    }
    false
}
