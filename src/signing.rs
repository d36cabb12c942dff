//! The request signature: `X-Auth-Signature = base64(HMAC-SHA256(key, message))`.
//!
//! The message is `METHOD + resource + pairs`, where pairs are the unescaped `name=value` pairs
//! of every parameter plus `email`, sorted by name in code-point order and joined by `&`; a list
//! expands into one pair per element, the elements sorted (vigiles-llapi.md §3.1).
//!
//! Building the message is pure. Values that live in files ([`Value::File`]) are read in chunks
//! while the HMAC is computed, so a large manifest is never held in memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::form;
use crate::params::{Params, Value};
use crate::secret::ApiKey;

/// The name of the header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Auth-Signature";

/// Size of the chunks in which file values are read.
pub(crate) const CHUNK: usize = 64 * 1024;

/// One piece of the signed message: literal bytes, or the whole content of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    /// Bytes taken as they are.
    Bytes(Cow<'a, [u8]>),
    /// The content of this file.
    File(&'a Path),
}

/// The parameters with `email` set, as the reference client does before signing
/// (an `email` given by the caller is replaced by the key file's).
pub fn with_email(params: &Params, email: &str) -> Params {
    let mut all = params.clone();
    all.set("email", email);
    all
}

/// The message to sign, as pieces, for parameters that already contain `email`. Pure: no I/O.
pub fn message_parts<'a>(method: &'a str, resource: &'a str, params: &'a Params) -> Vec<Part<'a>> {
    let mut sorted: Vec<(&str, &Value)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut parts = vec![Part::Bytes(Cow::Owned(
        [method.as_bytes(), resource.as_bytes()].concat(),
    ))];
    let mut first = true;
    let mut pair = |parts: &mut Vec<Part<'a>>, name: &str, value: Part<'a>| {
        let sep = if first { "" } else { "&" };
        first = false;
        parts.push(Part::Bytes(Cow::Owned(
            format!("{sep}{name}=").into_bytes(),
        )));
        parts.push(value);
    };
    for (name, value) in sorted {
        match value {
            Value::List(items) => {
                let mut items: Vec<&String> = items.iter().collect();
                items.sort();
                for item in items {
                    pair(
                        &mut parts,
                        name,
                        Part::Bytes(Cow::Borrowed(item.as_bytes())),
                    );
                }
            }
            Value::File(path) => pair(&mut parts, name, Part::File(path)),
            scalar => {
                let text = scalar.scalar_text().expect("scalar value");
                pair(
                    &mut parts,
                    name,
                    Part::Bytes(Cow::Owned(text.into_owned().into_bytes())),
                );
            }
        }
    }
    merge_adjacent(parts)
}

fn merge_adjacent(parts: Vec<Part<'_>>) -> Vec<Part<'_>> {
    let mut out: Vec<Part<'_>> = Vec::with_capacity(parts.len());
    for part in parts {
        match (out.last_mut(), part) {
            (Some(Part::Bytes(prev)), Part::Bytes(next)) => prev.to_mut().extend_from_slice(&next),
            (_, part) => out.push(part),
        }
    }
    out
}

/// Feeds every byte of the message to `sink`, reading file parts in chunks.
/// `sink` gets the file the bytes come from, if any.
pub(crate) fn for_each_chunk(
    parts: &[Part<'_>],
    mut sink: impl FnMut(&[u8], Option<&Path>),
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for part in parts {
        match part {
            Part::Bytes(bytes) => sink(bytes, None),
            Part::File(path) => {
                if buf.is_empty() {
                    buf = vec![0u8; CHUNK];
                }
                let mut file = std::fs::File::open(path)?;
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    sink(&buf[..n], Some(path));
                }
            }
        }
    }
    Ok(())
}

/// The length of the message and its first `max` bytes, reading no more of the files than
/// that (their lengths come from the file system). For dry-run summaries.
pub fn message_len_and_head(parts: &[Part<'_>], max: usize) -> std::io::Result<(u64, Vec<u8>)> {
    let (mut len, mut head) = (0u64, Vec::new());
    for part in parts {
        let room = max.saturating_sub(head.len());
        match part {
            Part::Bytes(bytes) => {
                len += bytes.len() as u64;
                head.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            Part::File(path) => {
                let file = std::fs::File::open(path)?;
                len += file.metadata()?.len();
                file.take(room as u64).read_to_end(&mut head)?;
            }
        }
    }
    Ok((len, head))
}

/// The whole message as bytes (file parts read into memory). For dry-run reports and tests.
pub fn message_bytes(parts: &[Part<'_>]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for_each_chunk(parts, |bytes, _| out.extend_from_slice(bytes))?;
    Ok(out)
}

/// base64(HMAC-SHA256(key, message)) of an in-memory message. Pure.
pub fn signature_of(key: &ApiKey, message: &[u8]) -> String {
    let mut mac = new_mac(key);
    mac.update(message);
    encode_mac(mac)
}

fn new_mac(key: &ApiKey) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key.expose()).expect("HMAC accepts keys of any length")
}

fn encode_mac(mac: Hmac<Sha256>) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The outcome of one pass over the message: its signature (when a key was given) and the
/// form-encoded length of each file value, so a body can be streamed with a known length.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    /// `X-Auth-Signature`, or `None` for an unsigned (key-less) dry run.
    pub signature: Option<String>,
    /// Form-encoded length of the content of each file value.
    pub encoded_file_lengths: BTreeMap<PathBuf, u64>,
}

/// Signs the message in one streaming pass, measuring the encoded length of file values too.
pub fn digest(key: Option<&ApiKey>, parts: &[Part<'_>]) -> std::io::Result<Digest> {
    let mut mac = key.map(new_mac);
    let mut lengths: BTreeMap<PathBuf, u64> = BTreeMap::new();
    for part in parts {
        if let Part::File(path) = part {
            lengths.insert(path.to_path_buf(), 0);
        }
    }
    for_each_chunk(parts, |bytes, file| {
        if let Some(mac) = mac.as_mut() {
            mac.update(bytes);
        }
        if let Some(path) = file {
            if let Some(len) = lengths.get_mut(path) {
                *len += form::encoded_len(bytes);
            }
        }
    })?;
    Ok(Digest {
        signature: mac.map(encode_mac),
        encoded_file_lengths: lengths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(method: &str, resource: &str, params: &Params) -> String {
        String::from_utf8(message_bytes(&message_parts(method, resource, params)).unwrap()).unwrap()
    }

    #[test]
    fn heartbeat_matches_reference_table() {
        let params = with_email(&Params::new(), "user@example.com");
        let m = msg("POST", "/api/v1/vigiles/heartbeat", &params);
        assert_eq!(m, "POST/api/v1/vigiles/heartbeatemail=user@example.com");
        assert_eq!(
            signature_of(&ApiKey::new("secretkey"), m.as_bytes()),
            "KG3USl0PiYcVWuGSAuQSo+fTWM/eCO81vCvEmCpltnY="
        );
    }

    #[test]
    fn lists_are_sorted_and_expanded() {
        let params = with_email(
            &Params::new().with("tokens", vec!["t2".to_string(), "t1".to_string()]),
            "user@example.com",
        );
        let m = msg("PATCH", "/api/v1/vigiles/folders/archive", &params);
        assert_eq!(
            m,
            "PATCH/api/v1/vigiles/folders/archiveemail=user@example.com&tokens=t1&tokens=t2"
        );
        assert_eq!(
            signature_of(&ApiKey::new("secretkey"), m.as_bytes()),
            "7N/d7P9DmY71a0Q8yCnJzkmt+BHApvvojAQUn+L6vr0="
        );
    }

    #[test]
    fn file_values_stream_into_the_same_signature() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let content = "{\"a\": \"b+c&d=e\"}".repeat(10_000);
        std::fs::write(&path, &content).unwrap();
        let inline = with_email(&Params::new().with("manifest", content.as_str()), "u@x");
        let filed = with_email(
            &Params::new().with("manifest", Value::File(path.clone())),
            "u@x",
        );
        let key = ApiKey::new("k");
        let a = digest(Some(&key), &message_parts("POST", "/r", &inline)).unwrap();
        let b = digest(Some(&key), &message_parts("POST", "/r", &filed)).unwrap();
        assert_eq!(a.signature, b.signature);
        assert_eq!(
            b.encoded_file_lengths[&path],
            form::encode(content.as_bytes()).len() as u64
        );
        let parts = message_parts("POST", "/r", &filed);
        let whole = message_bytes(&parts).unwrap();
        for max in [0, 10, 30, 100, whole.len() + 5] {
            let (len, head) = message_len_and_head(&parts, max).unwrap();
            assert_eq!(len, whole.len() as u64);
            assert_eq!(head, whole[..max.min(whole.len())]);
        }
    }
}
