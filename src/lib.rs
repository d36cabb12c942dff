//! Client for the LinuxLink API (LLAPI) of the Vigiles vulnerability-management service.

pub mod error;
pub mod form;
pub mod fsutil;
pub mod params;
pub mod response;
pub mod secret;
pub mod signing;
pub mod vigiles_manifest;

pub use error::{Error, ErrorKind, Result};
pub use params::{Params, Value};
pub use secret::ApiKey;
