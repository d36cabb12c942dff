//! `timesys.utilities.about`: the service's application and database versions.

use crate::error::Result;
use crate::params::Params;
use crate::request::{Method, Request};

use super::request;

/// GET `/about`: `{app_version, database_version}`.
pub fn about() -> Result<Request> {
    request(Method::Get, "/about", Params::new())
}

/// The answer of [`about`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct About {
    /// Version of the Vigiles application.
    pub app_version: String,
    /// Version of the vulnerability database.
    pub database_version: String,
}
