//! Client for the LinuxLink API (LLAPI) of the Vigiles vulnerability-management service.

// `Error::Server` carries the whole server answer (128 bytes); errors are rare and not on hot
// paths, so a large `Err` is fine. (Lead: drop this if `Error` gets boxed.)
#![allow(clippy::result_large_err)]

pub mod error;
pub mod form;
pub mod fsutil;
pub mod params;
pub mod response;
pub mod secret;
pub mod signing;
pub mod vigiles_manifest;
pub mod yocto;

pub use error::{Error, ErrorKind, Result};
pub use params::{Params, Value};
pub use secret::ApiKey;
