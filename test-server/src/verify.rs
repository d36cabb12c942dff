//! Request-signature verification, written independently of the client's signing code so the
//! server can act as an oracle.
//!
//! The service rebuilds the signed message from the parameters it received: repeated names form
//! a list whose values are sorted, names are sorted in code-point order, each pair is written
//! unescaped as `name=value`, pairs are joined by `&`, and the whole is prefixed by the method and
//! the path (without query). The signature is base64(HMAC-SHA256(key, message)).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Name/value pairs as decoded from a query string or form body, in wire order.
pub type Pairs = Vec<(String, Text)>;

/// A decoded parameter value, shared without copying: a large manifest is decoded once, into
/// the buffer that the request log and the stored manifest then share.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<String>);

impl Text {
    /// Whether both are the very same value (not merely equal).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Arc::new(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Arc::new(text.to_string()))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// The first value of `name` in `pairs`.
pub fn first<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| &**v)
}

/// Every value of `name` in `pairs`, in wire order.
pub fn all<'a>(pairs: &'a Pairs, name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| &**v)
        .collect()
}

/// The outcome of checking a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The signature matches the key of the received email.
    Valid,
    /// No `X-Auth-Signature` header.
    MissingHeader,
    /// No `email` parameter, or one the server does not know.
    UnknownEmail,
    /// The header does not match (or is not base64).
    BadSignature,
}

/// Calls `sink` with the consecutive pieces of the signed message, without copying values.
/// (Values are any string type: the server's [`Text`], or e.g. `Arc<str>` in other tests.)
pub fn message_pieces<'a, V: AsRef<str>>(
    method: &'a str,
    path: &'a str,
    pairs: &'a [(String, V)],
    mut sink: impl FnMut(&'a [u8]),
) {
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        grouped
            .entry(name.as_str())
            .or_default()
            .push(value.as_ref());
    }
    sink(method.as_bytes());
    sink(path.as_bytes());
    let mut first = true;
    for (name, mut values) in grouped {
        values.sort_unstable();
        for value in values {
            if !first {
                sink(b"&");
            }
            first = false;
            sink(name.as_bytes());
            sink(b"=");
            sink(value.as_bytes());
        }
    }
}

/// The signed message as one string (for diagnostics and tests; verification streams instead).
pub fn message<V: AsRef<str>>(method: &str, path: &str, pairs: &[(String, V)]) -> String {
    let mut out = Vec::new();
    message_pieces(method, path, pairs, |piece| out.extend_from_slice(piece));
    String::from_utf8_lossy(&out).into_owned()
}

/// The base64 signature of a request under `key`.
pub fn signature<V: AsRef<str>>(
    key: &[u8],
    method: &str,
    path: &str,
    pairs: &[(String, V)],
) -> String {
    let mac = mac_of(key, method, path, pairs);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn mac_of<V: AsRef<str>>(
    key: &[u8],
    method: &str,
    path: &str,
    pairs: &[(String, V)],
) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    message_pieces(method, path, pairs, |piece| mac.update(piece));
    mac
}

/// Checks the request's `X-Auth-Signature` header against the key of its `email` parameter
/// (constant-time comparison).
pub fn verify<V: AsRef<str>>(
    keys: &BTreeMap<String, Vec<u8>>,
    method: &str,
    path: &str,
    pairs: &[(String, V)],
    header: Option<&[u8]>,
) -> Verdict {
    let Some(header) = header else {
        return Verdict::MissingHeader;
    };
    let email = pairs.iter().find(|(name, _)| name == "email");
    let Some(key) = email.and_then(|(_, email)| keys.get(email.as_ref())) else {
        return Verdict::UnknownEmail;
    };
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(header.trim_ascii()) else {
        return Verdict::BadSignature;
    };
    match mac_of(key, method, path, pairs).verify_slice(&expected) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::BadSignature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urlencoded::decode_pairs;

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/llapi-auth-vectors.json"
        );
        let text = std::fs::read_to_string(path).expect("vectors file readable");
        serde_json::from_str(&text).expect("vectors are JSON")
    }

    #[test]
    fn accepts_every_reference_vector() {
        let vectors = vectors();
        let cases = vectors["cases"].as_array().expect("cases");
        assert!(
            cases.len() >= 50,
            "expected the full vector set, got {}",
            cases.len()
        );
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let method = case["method"].as_str().unwrap();
            let resource = case["resource"].as_str().unwrap();
            let email = case["email"].as_str().unwrap();
            let key = case["key"].as_str().unwrap().trim();
            let expect = &case["expect"];
            let wire = if method == "POST" {
                expect["body"].as_str().unwrap().to_string()
            } else {
                let url = expect["url"].as_str().unwrap();
                url.split_once('?')
                    .map(|(_, q)| q.to_string())
                    .unwrap_or_default()
            };
            let pairs = decode_pairs(wire.as_bytes());
            assert_eq!(
                message(method, resource, &pairs),
                expect["hmac_msg"].as_str().unwrap(),
                "{name}"
            );
            let keys = BTreeMap::from([(email.to_string(), key.as_bytes().to_vec())]);
            let header = expect["signature"].as_str().unwrap();
            assert_eq!(
                verify(&keys, method, resource, &pairs, Some(header.as_bytes())),
                Verdict::Valid,
                "{name}"
            );
            assert_eq!(
                signature(key.as_bytes(), method, resource, &pairs),
                header,
                "{name}"
            );
        }
    }

    #[test]
    fn rejects_tampering_missing_header_and_unknown_email() {
        let keys = BTreeMap::from([("a@b.c".to_string(), b"k".to_vec())]);
        let pairs: Pairs = vec![("email".into(), "a@b.c".into()), ("x".into(), "1".into())];
        let good = signature(b"k", "GET", "/p", &pairs);
        assert_eq!(
            verify(&keys, "GET", "/p", &pairs, Some(good.as_bytes())),
            Verdict::Valid
        );
        assert_eq!(
            verify(&keys, "GET", "/q", &pairs, Some(good.as_bytes())),
            Verdict::BadSignature
        );
        assert_eq!(
            verify(&keys, "POST", "/p", &pairs, Some(good.as_bytes())),
            Verdict::BadSignature
        );
        assert_eq!(
            verify(&keys, "GET", "/p", &pairs, Some(b"not base64!")),
            Verdict::BadSignature
        );
        assert_eq!(
            verify(&keys, "GET", "/p", &pairs, None),
            Verdict::MissingHeader
        );
        let stranger: Pairs = vec![("email".into(), "x@y.z".into())];
        let sig = signature(b"k", "GET", "/p", &stranger);
        assert_eq!(
            verify(&keys, "GET", "/p", &stranger, Some(sig.as_bytes())),
            Verdict::UnknownEmail
        );
    }

    #[test]
    fn repeated_names_are_sorted_values_in_name_order() {
        let pairs: Pairs = vec![
            ("tokens".into(), "t2".into()),
            ("email".into(), "u@e".into()),
            ("tokens".into(), "t1".into()),
        ];
        assert_eq!(
            message("PATCH", "/f", &pairs),
            "PATCH/femail=u@e&tokens=t1&tokens=t2"
        );
    }
}
