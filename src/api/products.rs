//! `timesys.vigiles.products`: the group API of the older ("product") server generation.

use crate::config::Config;
use crate::error::Result;
use crate::params::Params;
use crate::request::{Method, Request};

use super::{group_or_configured, request, required};

/// GET `/products`.
pub fn list() -> Result<Request> {
    request(Method::Get, "/products", Params::new())
}

/// POST `/products`: `name`, optional `desc`.
pub fn create(name: &str, description: Option<&str>) -> Result<Request> {
    let mut p = Params::new().with("name", required(name, "product name")?);
    p.set_opt("desc", description);
    request(Method::Post, "/products", p)
}

/// GET `/products/{token}` (token given or configured).
pub fn info(config: &Config, token: Option<&str>) -> Result<Request> {
    let token = group_or_configured(token, config, "product", "--product-token")?;
    request(Method::Get, &format!("/products/{token}"), Params::new())
}
