//! The request log: what the server received and how it answered.

use std::time::SystemTime;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::verify::Pairs;

/// Values longer than this are summarised (sha256 + length) in `requests.jsonl`.
pub const LARGE_VALUE: usize = 4096;

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Decoded path without query.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// Decoded parameters in wire order: the form body for POST, the query string otherwise.
    pub pairs: Pairs,
    /// Whether the signature was valid (false when not checked because a fault answered first).
    pub signature_ok: bool,
    /// The response status; `None` when the connection was dropped without a response.
    pub status: Option<u16>,
    /// The fault applied, if any (e.g. `status 503`, `reset`, `delay 200ms`).
    pub fault: Option<String>,
    /// When the request was complete.
    pub time: SystemTime,
}

impl RecordedRequest {
    /// The first value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        crate::verify::first(&self.pairs, name)
    }

    /// All values of a parameter, in wire order.
    pub fn params(&self, name: &str) -> Vec<&str> {
        crate::verify::all(&self.pairs, name)
    }

    /// The log line for `requests.jsonl` (large values replaced by `{"sha256", "len"}`).
    pub fn to_json(&self) -> Value {
        let pairs: Vec<Value> = self
            .pairs
            .iter()
            .map(|(name, value)| {
                let value = if value.len() > LARGE_VALUE {
                    json!({"sha256": sha256_hex(value.as_bytes()), "len": value.len()})
                } else {
                    json!(&**value)
                };
                json!([name, value])
            })
            .collect();
        json!({
            "time": crate::store::timestamp(self.time),
            "method": self.method,
            "path": self.path,
            "pairs": pairs,
            "signature_ok": self.signature_ok,
            "status": self.status,
            "fault": self.fault,
        })
    }
}
