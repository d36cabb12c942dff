//! `application/x-www-form-urlencoded` encoding of the parameters, for POST bodies and query
//! strings. Bodies are described as segments so that file values stream from disk.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::params::{Params, Value};
use crate::signing::CHUNK;

/// Form-encodes bytes (space becomes `+`, everything but `A-Za-z0-9*-._` is percent-encoded),
/// exactly as `application/x-www-form-urlencoded` serializers do.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    encode_into(bytes, &mut out);
    String::from_utf8(out).expect("encoding yields ASCII")
}

/// Appends the form encoding of `bytes` to `out` (table-driven: this is the hot loop of a
/// large upload).
pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() + bytes.len() / 2);
    for &b in bytes {
        if KEEP[b as usize] {
            out.push(b);
        } else if b == b' ' {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
    }
}

/// Bytes that stand for themselves.
const KEEP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_');
        i += 1;
    }
    t
};

/// Length of [`encode`]`(bytes)` without building it. Additive over chunks.
pub fn encoded_len(bytes: &[u8]) -> u64 {
    let escaped = bytes
        .iter()
        .filter(|&&b| !KEEP[b as usize] && b != b' ')
        .count() as u64;
    bytes.len() as u64 + 2 * escaped
}

/// Decodes a form-encoded string into its pairs (for checks and the dry-run report).
pub fn decode(encoded: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded).into_owned().collect()
}

/// One value on the wire: text, or a file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireValue<'a> {
    /// Text, encoded when written.
    Text(std::borrow::Cow<'a, str>),
    /// A file's content, encoded while streamed.
    File(&'a Path),
}

/// The wire pairs of a request whose parameters already contain `email`.
/// POST keeps the caller's order with `email` last, as the reference client sends it; other
/// methods sort by name (list elements keep their order), as the reference's query string does.
pub fn wire_pairs<'a>(method: &str, params: &'a Params) -> Vec<(&'a str, WireValue<'a>)> {
    let mut named: Vec<(&str, &Value)> = params.iter().collect();
    if method == "POST" {
        if let Some(i) = named.iter().position(|(n, _)| *n == "email") {
            let email = named.remove(i);
            named.push(email);
        }
    } else {
        named.sort_by(|a, b| a.0.cmp(b.0));
    }
    let mut out = Vec::new();
    for (name, value) in named {
        match value {
            Value::List(items) => {
                out.extend(
                    items
                        .iter()
                        .map(|item| (name, WireValue::Text(item.as_str().into()))),
                );
            }
            Value::File(path) => out.push((name, WireValue::File(path))),
            scalar => out.push((name, WireValue::Text(scalar.scalar_text().expect("scalar")))),
        }
    }
    out
}

/// One segment of an encoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Encoded(Vec<u8>),
    File { path: PathBuf, encoded_len: u64 },
}

/// An encoded form body whose file values are read and encoded only while it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormBody {
    segments: Vec<Segment>,
    len: u64,
}

impl FormBody {
    /// Plans the body of `pairs`; `file_len` gives the encoded length of each file value
    /// (measured while signing, see [`crate::signing::digest`]).
    pub fn plan(pairs: &[(&str, WireValue<'_>)], file_len: impl Fn(&Path) -> u64) -> Self {
        let mut segments = Vec::new();
        let mut pending = Vec::new();
        for (i, (name, value)) in pairs.iter().enumerate() {
            if i > 0 {
                pending.push(b'&');
            }
            pending.extend_from_slice(encode(name.as_bytes()).as_bytes());
            pending.push(b'=');
            match value {
                WireValue::Text(text) => {
                    pending.extend_from_slice(encode(text.as_bytes()).as_bytes())
                }
                WireValue::File(path) => {
                    segments.push(Segment::Encoded(std::mem::take(&mut pending)));
                    segments.push(Segment::File {
                        path: path.to_path_buf(),
                        encoded_len: file_len(path),
                    });
                }
            }
        }
        segments.push(Segment::Encoded(pending));
        segments.retain(|s| !matches!(s, Segment::Encoded(b) if b.is_empty()));
        let len = segments
            .iter()
            .map(|s| match s {
                Segment::Encoded(b) => b.len() as u64,
                Segment::File { encoded_len, .. } => *encoded_len,
            })
            .sum();
        FormBody { segments, len }
    }

    /// The exact number of bytes the body has (its `Content-Length`).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty body.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A reader that produces the body, encoding file values as it reads them.
    pub fn reader(&self) -> FormReader {
        FormReader {
            segments: self.segments.clone().into_iter().collect(),
            current: None,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
        }
    }

    /// The whole body in memory (dry-run reports, small requests).
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len as usize);
        self.reader().read_to_end(&mut out)?;
        Ok(out)
    }
}

/// Streams a [`FormBody`].
pub struct FormReader {
    segments: std::collections::VecDeque<Segment>,
    current: Option<std::fs::File>,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
}

impl Read for FormReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.pos);
                buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            self.out.clear();
            self.pos = 0;
            if let Some(file) = self.current.as_mut() {
                if self.raw.is_empty() {
                    self.raw = vec![0u8; CHUNK];
                }
                let n = file.read(&mut self.raw)?;
                if n == 0 {
                    self.current = None;
                } else {
                    encode_into(&self.raw[..n], &mut self.out);
                }
                continue;
            }
            match self.segments.pop_front() {
                None => return Ok(0),
                Some(Segment::Encoded(bytes)) => self.out = bytes,
                Some(Segment::File { path, .. }) => self.current = Some(std::fs::File::open(path)?),
            }
        }
    }
}

/// The query string of `pairs` (file values read into memory: queries carry no large values).
pub fn query_string(pairs: &[(&str, WireValue<'_>)]) -> std::io::Result<String> {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(name.as_bytes()));
        out.push('=');
        match value {
            WireValue::Text(text) => out.push_str(&encode(text.as_bytes())),
            WireValue::File(path) => out.push_str(&encode(&std::fs::read(path)?)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_matches_the_reference_serializer() {
        let all: Vec<u8> = (0..=255u8).chain(b"a b+c&d=e%".iter().copied()).collect();
        let reference: String = form_urlencoded::byte_serialize(&all).collect();
        assert_eq!(encode(&all), reference);
        assert_eq!(encoded_len(&all), reference.len() as u64);
    }

    #[test]
    fn streamed_body_equals_in_memory_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let pairs = vec![
            ("a b", WireValue::Text("x&y".into())),
            ("manifest", WireValue::File(&path)),
            ("email", WireValue::Text("u@x".into())),
        ];
        let body = FormBody::plan(&pairs, |_| encoded_len(&content));
        let bytes = body.to_bytes().unwrap();
        assert_eq!(bytes.len() as u64, body.len());
        let expected = format!("a+b=x%26y&manifest={}&email=u%40x", encode(&content));
        assert_eq!(bytes, expected.as_bytes());
    }
}
