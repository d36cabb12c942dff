//! Client for the LinuxLink API (LLAPI) of the Vigiles vulnerability-management service.
//!
//! It reads the API key file and the dashboard config from the build environment, signs
//! requests exactly as the reference client does (HMAC-SHA256), checks connectivity with
//! `heartbeat`, and uploads build manifests (SBOMs), with a dry-run mode for offline builds.
//!
//! # Getting started
//!
//! ```no_run
//! # fn main() -> llapi::Result<()> {
//! let client = llapi::Client::builder()
//!     .key_file("/home/me/timesys/linuxlink_key")
//!     .dashboard_config("/home/me/timesys/dashboard_config")
//!     .build()?;
//! client.heartbeat()?;
//! # Ok(()) }
//! ```
//!
//! The library logs through the [`log`] facade and installs no logger.

pub mod api;
pub mod body_stream;
mod byte_table;
pub mod client;
pub mod config;
pub mod dry_run;
pub mod endpoint;
pub mod error;
pub mod form;
pub mod fsutil;
mod json_string;
pub mod params;
pub mod request;
pub mod response;
pub mod retry;
pub mod sbom;
pub mod secret;
pub mod signing;
pub mod transport;
pub mod upload;
pub mod vigiles_manifest;
pub mod yocto;

pub use client::{Client, ClientBuilder, Reply};
pub use config::Config;
pub use dry_run::DryRun;
pub use error::{Error, ErrorKind, Result};
pub use params::{Params, Value};
pub use request::{Method, Prepared, Request};
pub use retry::RetryPolicy;
pub use secret::ApiKey;
