//! What a dry run reports: the request that would be sent, signed, without sending it.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::json_string::JsonString;
use crate::params::Value;
use crate::request::{Method, Prepared};
use crate::response::truncate;
use crate::signing::{self, SIGNATURE_HEADER};
use crate::transport::USER_AGENT;

/// The headers a prepared request would carry.
pub fn headers(prepared: &Prepared) -> BTreeMap<String, String> {
    let mut headers = BTreeMap::new();
    headers.insert("User-Agent".to_owned(), USER_AGENT.to_owned());
    if let Some(sig) = prepared.signature() {
        headers.insert(SIGNATURE_HEADER.to_owned(), sig.to_owned());
    }
    if let Some(body) = &prepared.body {
        headers.insert(
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        );
        headers.insert("Content-Length".to_owned(), body.len().to_string());
    }
    headers
}

fn unsigned_reason(prepared: &Prepared) -> Option<&'static str> {
    prepared
        .signature()
        .is_none()
        .then_some("no key file: the request is shown unsigned and without email")
}

/// Writes the dry-run report of `prepared` as JSON (the fields of [`DryRun`]) without holding
/// the body or the message in memory: file values stream from disk.
pub fn write_json(prepared: &Prepared, out: &mut dyn Write) -> std::io::Result<()> {
    let text = |v: &str| serde_json::to_string(v).expect("string");
    write!(
        out,
        "{{\n  \"method\": {},\n",
        text(prepared.method.as_str())
    )?;
    writeln!(out, "  \"url\": {},", text(&prepared.url))?;
    let headers = serde_json::to_string(&headers(prepared)).expect("map");
    writeln!(out, "  \"headers\": {headers},")?;
    if let Some(body) = &prepared.body {
        // A form-encoded body is plain ASCII without `"`, `\\` or control characters
        // (only `A-Za-z0-9*-._+%` and `=&`), so it is a JSON string as it is.
        out.write_all(b"  \"body\": \"")?;
        let mut reader = body.reader();
        loop {
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            out.write_all(chunk)?;
            let n = chunk.len();
            reader.consume(n);
        }
        out.write_all(b"\",\n")?;
    }
    out.write_all(b"  \"hmac_msg\": ")?;
    let mut s = JsonString::start(&mut *out)?;
    let mut failed = None;
    let parts = signing::message_parts(
        prepared.method.as_str(),
        &prepared.resource,
        &prepared.params,
    );
    signing::for_each_chunk(&parts, |chunk, _| {
        if failed.is_none() {
            failed = s.push(chunk).err();
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    s.finish()?;
    if let Some(reason) = unsigned_reason(prepared) {
        write!(out, ",\n  \"unsigned\": {}", text(reason))?;
    }
    out.write_all(b"\n}\n")
}

/// Writes the dry-run report of `prepared` for people: parameters one per line, file values
/// summarised (never read into memory), the signed message in full when it is short.
pub fn write_text(prepared: &Prepared, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "dry run: nothing was sent")?;
    if let Some(reason) = unsigned_reason(prepared) {
        writeln!(out, "UNSIGNED: {reason}")?;
    }
    writeln!(out, "{} {}", prepared.method.as_str(), prepared.url)?;
    for (k, v) in headers(prepared) {
        writeln!(out, "  {k}: {v}")?;
    }
    if prepared.method == Method::Post && !prepared.params.is_empty() {
        writeln!(out, "form fields:")?;
        for (name, value) in prepared.params.iter() {
            let shown = match value {
                Value::File(path) => {
                    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                    format!("<{len} bytes from {}>", path.display())
                }
                Value::List(items) => format!("{items:?}"),
                scalar => format!(
                    "{:?}",
                    truncate(&scalar.scalar_text().unwrap_or_default(), 200)
                ),
            };
            writeln!(out, "  {name} = {shown}")?;
        }
    }
    let parts = signing::message_parts(
        prepared.method.as_str(),
        &prepared.resource,
        &prepared.params,
    );
    // The signing pass already read the files; only the start of the message is read again.
    let (len, head) = signing::message_len_and_head(&parts, MESSAGE_SHOWN)?;
    let head = String::from_utf8_lossy(&head);
    if len as usize <= MESSAGE_SHOWN {
        writeln!(out, "signed message: {head:?}")
    } else {
        writeln!(
            out,
            "signed message: {len} bytes, starting {:?}",
            truncate(&head, 120)
        )
    }
}

const MESSAGE_SHOWN: usize = 2000;

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
        let body = match &prepared.body {
            Some(body) if prepared.method == Method::Post => {
                Some(String::from_utf8_lossy(&body.to_bytes().map_err(read_err)?).into_owned())
            }
            _ => None,
        };
        let hmac_msg =
            String::from_utf8_lossy(&prepared.hmac_message().map_err(read_err)?).into_owned();
        Ok(DryRun {
            method: prepared.method.as_str().to_owned(),
            url: prepared.url.clone(),
            headers: headers(prepared),
            body,
            hmac_msg,
            unsigned: unsigned_reason(prepared).map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyFile;
    use crate::endpoint::BaseUrl;
    use crate::params::Params;
    use crate::request::Request;

    #[test]
    fn streamed_json_equals_the_in_memory_report() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.json");
        // Multi-byte characters across 64 KiB chunk boundaries, quotes, controls, invalid UTF-8.
        let mut content = "é\"\\\u{1}🦀\n".repeat(20_000).into_bytes();
        content.extend_from_slice(&[0xff, b'x', 0xe2, 0x82]);
        std::fs::write(&file, &content).unwrap();
        let key =
            KeyFile::parse(std::path::Path::new("k"), br#"{"email":"a@b.c","key":"k"}"#).unwrap();
        let params = Params::new()
            .with("manifest", Value::File(file))
            .with("upload_only", true);
        let request = Request::new(Method::Post, "/api/v1/vigiles/manifests", params).unwrap();
        let prepared = request
            .prepare(&BaseUrl::parse("https://v.test").unwrap(), Some(&key))
            .unwrap();
        let mut streamed = Vec::new();
        write_json(&prepared, &mut streamed).unwrap();
        let streamed: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        let in_memory = serde_json::to_value(DryRun::of(&prepared).unwrap()).unwrap();
        assert_eq!(streamed, in_memory);
    }
}
