//! Sending prepared requests over HTTP(S) with reqwest and rustls: certificates verified by
//! default, optional extra CA bundle, proxies from the environment, timeouts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::body_stream::StreamedBody;
use crate::error::{Error, Result};
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

/// An HTTP client for the API: reqwest's async client on a single-threaded runtime of its own
/// (one client and one set of root certificates for small requests and streamed uploads alike;
/// callers stay synchronous).
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

const FORM: &str = "application/x-www-form-urlencoded";

impl Transport {
    /// Builds the client. A bad CA bundle is an input error.
    pub fn new(options: &TransportOptions) -> Result<Transport> {
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout.min(options.timeout))
            .use_rustls_tls()
            .danger_accept_invalid_certs(options.insecure);
        for cert in ca_bundle(options)? {
            builder = builder.add_root_certificate(cert);
        }
        let fail = |e: &dyn std::fmt::Display| {
            Error::Transport(format!("cannot set up the HTTP client: {e}"))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(&e))?;
        let client = builder.build().map_err(|e| fail(&e))?;
        Ok(Transport {
            client,
            runtime: Arc::new(runtime),
        })
    }

    /// Sends one attempt of a prepared request. Bodies up to [`IN_MEMORY_BODY`] are built in
    /// memory; larger ones stream from their files (see [`crate::body_stream`]) and `progress`
    /// hears how much has been sent.
    pub fn send(
        &self,
        prepared: &Prepared,
        progress: Option<&Progress>,
    ) -> std::result::Result<Response, TransportFailure> {
        let mut request = self.client.request(method(prepared), &prepared.url);
        if let Some(signature) = prepared.signature() {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        if let Some(body) = &prepared.body {
            request = request.header(reqwest::header::CONTENT_TYPE, FORM);
            request = if body.len() <= IN_MEMORY_BODY {
                // Built in memory, so connection errors keep their real cause.
                let bytes = body
                    .to_bytes()
                    .map_err(|e| TransportFailure::Other(format!("cannot read the body: {e}")))?;
                request.body(bytes)
            } else {
                let mut streamed = StreamedBody::new(body);
                if let Some(report) = progress {
                    streamed = streamed.with_progress(report.clone());
                }
                request
                    .header(reqwest::header::CONTENT_LENGTH, body.len())
                    .body(reqwest::Body::wrap(streamed))
            };
        }
        self.runtime.block_on(async {
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

/// The certificates of the CA bundle option (none without it).
fn ca_bundle(options: &TransportOptions) -> Result<Vec<reqwest::Certificate>> {
    let Some(path) = &options.ca_bundle else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(path).map_err(|source| Error::ReadFile {
        what: "CA bundle",
        path: path.clone(),
        source,
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
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
    Ok(certs)
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
