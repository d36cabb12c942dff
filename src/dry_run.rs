//! What a dry run reports: the request that would be sent, signed, without sending it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::request::{Method, Prepared};
use crate::signing::SIGNATURE_HEADER;
use crate::transport::USER_AGENT;

/// The would-be request. Holds the signature, never the key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DryRun {
    /// HTTP method.
    pub method: String,
    /// Full URL (with the query string for every method but POST).
    pub url: String,
    /// Headers that would be sent (`X-Auth-Signature` when signed).
    pub headers: BTreeMap<String, String>,
    /// The form body (POST only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The exact signed message.
    pub hmac_msg: String,
    /// Present when no key file was available: the request is shown unsigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsigned: Option<String>,
}

impl DryRun {
    /// The report of a prepared request, with file values read into memory.
    pub fn of(prepared: &Prepared) -> Result<DryRun> {
        let read_err = |e| Error::io("cannot read a parameter file", e);
        let mut headers = BTreeMap::new();
        headers.insert("User-Agent".to_owned(), USER_AGENT.to_owned());
        let unsigned = match prepared.signature() {
            Some(sig) => {
                headers.insert(SIGNATURE_HEADER.to_owned(), sig.to_owned());
                None
            }
            None => Some("no key file: the request is shown unsigned and without email".to_owned()),
        };
        let body = match (&prepared.body, prepared.method) {
            (Some(body), Method::Post) => {
                headers.insert(
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                );
                headers.insert("Content-Length".to_owned(), body.len().to_string());
                Some(String::from_utf8_lossy(&body.to_bytes().map_err(read_err)?).into_owned())
            }
            _ => None,
        };
        let hmac_msg =
            String::from_utf8_lossy(&prepared.hmac_message().map_err(read_err)?).into_owned();
        Ok(DryRun {
            method: prepared.method.as_str().to_owned(),
            url: prepared.url.clone(),
            headers,
            body,
            hmac_msg,
            unsigned,
        })
    }

    /// A human-readable rendering.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str("dry run: nothing was sent\n");
        if let Some(reason) = &self.unsigned {
            out.push_str(&format!("UNSIGNED: {reason}\n"));
        }
        out.push_str(&format!("{} {}\n", self.method, self.url));
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        if let Some(body) = &self.body {
            out.push_str(&format!("\n{body}\n"));
        }
        out.push_str(&format!("\nsigned message: {:?}\n", self.hmac_msg));
        out
    }
}
