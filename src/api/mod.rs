//! The Vigiles API operations beyond upload (vigiles-llapi.md §1.2), one module per group.
//!
//! Each operation is a function that builds a [`Request`] exactly as the reference package
//! sends it: the same resource, parameter names and order, booleans sent always or only when
//! set as the reference does, lists as [`Value::List`](crate::Value::List), path parameters
//! interpolated raw. Arguments are checked first; a bad one is an [`Error::Invalid`] (exit 2).
//! Fallbacks to the configured group or folder token read [`Config::dashboard`] explicitly.
//!
//! Answers are the server's JSON; [`check_answer`] turns an error reported inside a 2xx answer
//! (`"success": false`, `"status_code": 4xx/5xx`) into an error, and [`parse`] reads the
//! answers whose shape is known into the typed values of each module.
//!
//! ```
//! # fn main() -> llapi::Result<()> {
//! use llapi::api::manifests::{self, ListScope};
//! let client = llapi::Client::builder()
//!     .url("https://vigiles.example.com")
//!     .dry_run(true)
//!     .build()?;
//! let scope = ListScope { group: Some("GRP-1".into()), folder: None };
//! let request = manifests::list(client.config(), &scope)?;
//! assert_eq!(request.resource, "/api/v1/vigiles/manifests");
//! match client.call_json(&request)? {
//!     llapi::Reply::Done(json) => {
//!         let list: Vec<manifests::ManifestSummary> = llapi::api::parse(&llapi::api::check_answer(json)?)?;
//!         println!("{} manifests", list.len());
//!     }
//!     llapi::Reply::DryRun(prepared) => assert!(prepared.url.ends_with("group_token=GRP-1")),
//! }
//! # Ok(()) }
//! ```

pub mod about;
pub mod cves;
pub mod folders;
pub mod groups;
pub mod manifests;
pub mod products;
pub mod reports;

use serde_json::Value as Json;

use crate::config::{Config, Dashboard, TokenKind};
use crate::error::{Error, Result};
use crate::params::{Params, Value};
use crate::request::{Method, Request};
use crate::response::ServerError;

pub(crate) use crate::upload::options::one_of;

/// The prefix of every Vigiles resource.
pub const PREFIX: &str = "/api/v1/vigiles";

/// A request for `PREFIX` + `path`.
pub(crate) fn request(method: Method, path: &str, params: Params) -> Result<Request> {
    Request::new(method, format!("{PREFIX}{path}"), params)
}

/// A path parameter (token, e-mail, CVE id), interpolated raw like the reference does; refuses
/// what would change the path (`/`, `?`, `#`, spaces) or an empty value.
pub(crate) fn segment<'a>(value: &'a str, what: &str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    if value.contains(['/', '?', '#', '%']) || value.chars().any(char::is_whitespace) {
        return Err(Error::invalid(format!(
            "{what} {value:?} is not valid: it must not contain '/', '?', '#', '%' or spaces"
        )));
    }
    Ok(value)
}

/// A required, non-empty text argument.
pub(crate) fn required<'a>(value: &'a str, what: &str) -> Result<&'a str> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{what} is required")));
    }
    Ok(value)
}

/// A non-empty list of tokens.
pub(crate) fn token_list(tokens: &[String], what: &str) -> Result<Value> {
    if tokens.is_empty() {
        return Err(Error::invalid(format!("at least one {what} is required")));
    }
    for t in tokens {
        required(t, what)?;
    }
    Ok(Value::List(tokens.to_vec()))
}

/// Every item of `values` checked against `allowed` (see [`one_of`]).
pub(crate) fn all_of(values: &[String], allowed: &[&str], flag: &str) -> Result<Vec<String>> {
    values.iter().map(|v| one_of(v, allowed, flag)).collect()
}

/// The configured dashboard (group or product, and folder), if any.
pub fn dashboard(config: &Config) -> Option<&Dashboard> {
    config.dashboard.as_ref()
}

/// The configured group token, whatever name the dashboard config used for it.
pub fn configured_group(config: &Config) -> Option<&str> {
    dashboard(config).map(|d| d.token.as_str())
}

/// The configured folder token.
pub fn configured_folder(config: &Config) -> Option<&str> {
    dashboard(config).and_then(|d| d.folder.as_deref())
}

/// The field the configured token travels in: `group_token`, or `product_token` for a
/// dashboard config of the product generation.
pub fn configured_group_field(config: &Config) -> &'static str {
    dashboard(config)
        .map_or(TokenKind::Group, |d| d.kind)
        .field()
}

/// `explicit`, else the configured group (or product) token, else an input error explaining
/// both; `what` is "group" or "product".
pub(crate) fn group_or_configured<'a>(
    explicit: Option<&'a str>,
    config: &'a Config,
    what: &str,
    flag: &str,
) -> Result<&'a str> {
    let token = explicit
        .or_else(|| configured_group(config))
        .ok_or_else(|| {
            Error::invalid(format!(
                "a {what} token is required: pass {flag} or configure a dashboard config with a {what}"
            ))
        })?;
    segment(token, &format!("{what} token"))
}

/// The answer as a typed value; an answer of another shape is an operation error that says
/// what did not fit.
pub fn parse<T: serde::de::DeserializeOwned>(json: &Json) -> Result<T> {
    T::deserialize(json).map_err(|e| {
        let mut error = ServerError::from_status(200, b"");
        error.malformed = Some(format!(
            "the server's answer does not have the expected shape: {e}"
        ));
        error.into()
    })
}

/// The `{success, message}` answer of deletes, custom scores, status changes and bulk moves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Outcome {
    /// Whether the server did it.
    pub success: bool,
    /// What the server says.
    #[serde(default)]
    pub message: String,
}

/// The `{message, status_code}` answer of group and folder changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Message {
    /// What the server says.
    pub message: String,
    /// The status the server reports.
    #[serde(default)]
    pub status_code: Option<u16>,
}

/// Checks a 2xx answer for an error the server reported inside it: `"success": false` or a
/// `status_code` of 400 or more. Such an answer is an operation failure with the server's message.
pub fn check_answer(json: Json) -> Result<Json> {
    let failed = json.get("success") == Some(&Json::Bool(false))
        || json
            .get("status_code")
            .and_then(Json::as_u64)
            .is_some_and(|s| s >= 400);
    if !failed {
        return Ok(json);
    }
    let status = json
        .get("status_code")
        .and_then(Json::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200);
    let body = serde_json::to_vec(&json).unwrap_or_default();
    Err(ServerError::from_status(status, &body).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_refuse_what_changes_the_path() {
        assert_eq!(segment("a@b.c", "e-mail").unwrap(), "a@b.c");
        for bad in ["", "a/b", "a?b", "a b", "a#b", "%2F"] {
            let e = segment(bad, "token").unwrap_err();
            assert_eq!(e.kind().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn typed_answers_and_misfits() {
        let o: Outcome =
            parse(&serde_json::json!({"success": true, "message": "ok", "x": 1})).unwrap();
        assert!(o.success);
        let e = parse::<Outcome>(&serde_json::json!({"message": "no success field"})).unwrap_err();
        assert_eq!(e.kind().exit_code(), 1);
        assert!(
            e.to_string().contains("expected shape") && e.to_string().contains("success"),
            "{e}"
        );
    }

    #[test]
    fn errors_inside_ok_answers_are_failures() {
        let ok = serde_json::json!({"success": true, "message": "done"});
        assert_eq!(check_answer(ok.clone()).unwrap(), ok);
        let list = serde_json::json!([{"status_code": 500}]);
        assert!(check_answer(list).is_ok(), "only the top level counts");
        let e = check_answer(serde_json::json!({"success": false, "message": "not confirmed"}))
            .unwrap_err();
        assert_eq!(e.kind().exit_code(), 1);
        assert!(e.to_string().contains("not confirmed"), "{e}");
        let e =
            check_answer(serde_json::json!({"status_code": 404, "message": "gone"})).unwrap_err();
        assert!(
            e.to_string().contains("404") && e.to_string().contains("gone"),
            "{e}"
        );
    }
}
