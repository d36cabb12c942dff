//! The endpoint catalogue: maps an authenticated request to a response on the store.

mod cves;
mod folders;
mod groups;
pub(crate) mod manifests;
mod reports;

use std::time::SystemTime;

use serde_json::json;

use crate::http::Response;
use crate::persist::Persist;
use crate::scan::Scan;
use crate::store::Store;
use crate::verify::{Pairs, Text};

/// A handler's result: `Err` carries an error response so `?` can short-circuit.
pub type Answer = Result<Response, Response>;

/// What a handler may use.
pub struct Ctx<'a> {
    /// Request method.
    pub method: &'a str,
    /// Request parameters in wire order.
    pub pairs: &'a Pairs,
    /// Server state.
    pub store: &'a mut Store,
    /// State directory, if any.
    pub persist: Option<&'a Persist>,
    /// Extra package names that get synthetic CVEs.
    pub vulnerable: &'a [String],
    /// The request time.
    pub now: SystemTime,
    /// A scan of an upload's manifest made ahead, while the signature was checked (see
    /// [`manifests::manifest_to_scan`]).
    pub scanned: Option<(Text, Scan)>,
}

impl Ctx<'_> {
    /// First value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        crate::verify::first(self.pairs, name)
    }

    /// First value of a parameter, shared (no copy).
    pub fn value(&self, name: &str) -> Option<Text> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// First non-empty value of a parameter.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.param(name).filter(|v| !v.is_empty())
    }

    /// All values of a repeated parameter.
    pub fn list(&self, name: &str) -> Vec<&str> {
        crate::verify::all(self.pairs, name)
    }

    /// The non-empty `tokens` list of a bulk archive/unarchive, else 400.
    pub fn tokens(&self) -> Result<Vec<String>, Response> {
        let tokens: Vec<String> = self.list("tokens").iter().map(|s| s.to_string()).collect();
        if tokens.is_empty() {
            return Err(Response::error(400, "tokens is required"));
        }
        Ok(tokens)
    }

    /// A boolean parameter (`True`/`true`/`1`/`on`).
    pub fn flag(&self, name: &str) -> bool {
        flag(self.pairs, name)
    }

    /// A required non-empty parameter, else 400 `<name> is required`.
    pub fn required(&self, name: &str) -> Result<&str, Response> {
        self.non_empty(name)
            .ok_or_else(|| Response::error(400, &format!("{name} is required")))
    }

    /// The request's email.
    pub fn email(&self) -> String {
        self.param("email").unwrap_or_default().to_string()
    }
}

/// A boolean parameter of `pairs` (`True`/`true`/`1`/`on`).
fn flag(pairs: &Pairs, name: &str) -> bool {
    crate::verify::first(pairs, name)
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "on" | "yes"))
}

/// The non-empty segments of a request path.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// 200 with a JSON value.
pub fn ok(value: serde_json::Value) -> Answer {
    Ok(Response::json(200, &value))
}

/// The answer of a bulk archive/unarchive of `count` `kind`s.
pub fn archived(kind: &str, count: usize, archived: bool) -> Answer {
    let verb = if archived { "archived" } else { "unarchived" };
    ok(json!({"message": format!("{count} {kind}(s) {verb}"), "status_code": 200}))
}

/// 404 with the given message.
pub fn not_found(what: &str) -> Response {
    Response::error(404, what)
}

/// Answers an authenticated request.
pub fn route(ctx: &mut Ctx, path: &str) -> Response {
    let answer = match (ctx.method, segments(path).as_slice()) {
        ("POST", ["api", "v1", "heartbeat"] | ["api", "v1", "vigiles", "heartbeat"]) => {
            Some(ok(json!({"ok": true})))
        }
        ("GET", ["api", "v1", "vigiles", "about"]) => Some(ok(json!({
            "app_version": concat!("llapi-test-server ", env!("CARGO_PKG_VERSION")),
            "database_version": "synthetic-1",
        }))),
        (_, ["api", "v1", "vigiles", "manifests", rest @ ..]) => manifests::route(ctx, rest),
        (_, ["api", "v1", "vigiles", "groups", rest @ ..]) => groups::route(ctx, rest),
        (_, ["api", "v1", "vigiles", "products", rest @ ..]) => groups::products(ctx, rest),
        (_, ["api", "v1", "vigiles", "folders", rest @ ..]) => folders::route(ctx, rest),
        (_, ["api", "v1", "vigiles", "cves", rest @ ..]) => cves::route(ctx, rest),
        (_, ["api", "v1", "vigiles", "reports", rest @ ..]) => reports::route(ctx, rest),
        _ => None,
    };
    match answer {
        Some(Ok(response) | Err(response)) => response,
        None => not_found(&format!(
            "The requested URL {} {path} was not found",
            ctx.method
        )),
    }
}
