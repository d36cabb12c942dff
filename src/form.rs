//! `application/x-www-form-urlencoded` encoding of the parameters, for POST bodies and query
//! strings. Bodies are described as segments so that file values stream from disk.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::byte_table;
use crate::params::{Params, Value};
use crate::signing::CHUNK;

/// Form-encodes bytes (space becomes `+`, everything but `A-Za-z0-9*-._` is percent-encoded),
/// exactly as `application/x-www-form-urlencoded` serializers do.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    encode_into(bytes, &mut out);
    String::from_utf8(out).expect("encoding yields ASCII")
}

/// Appends the form encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_capacity(bytes.len()), 0);
    let written = encode_to_slice(bytes, &mut out[start..]);
    out.truncate(start + written);
}

/// Room [`encode_to_slice`] needs for `len` input bytes.
pub const fn encoded_capacity(len: usize) -> usize {
    byte_table::capacity(len, 3)
}

/// Writes the form encoding of `bytes` at the start of `dst` and returns its length; `dst`
/// must hold [`encoded_capacity`]`(bytes.len())` bytes.
pub fn encode_to_slice(bytes: &[u8], dst: &mut [u8]) -> usize {
    byte_table::translate(bytes, dst, &ENCODED, 3)
}

/// True for bytes that stand for themselves: `A-Za-z0-9*-._` (arithmetic, so loops over it
/// vectorise).
#[inline]
const fn keeps(b: u8) -> bool {
    ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b'*')
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
}

/// Each byte's form encoding.
const ENCODED: byte_table::Table = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if keeps(b) {
            byte_table::entry(&[b])
        } else if b == b' ' {
            byte_table::entry(b"+")
        } else {
            byte_table::entry(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]])
        };
        i += 1;
    }
    t
};

/// Length of [`encode`]`(bytes)` without building it. Additive over chunks.
pub fn encoded_len(bytes: &[u8]) -> u64 {
    let mut escaped = 0u64;
    // Count in u8 lanes over blocks of 255 so the loop vectorises.
    for block in bytes.chunks(255) {
        let mut n = 0u8;
        for &b in block {
            n += !(keeps(b) | (b == b' ')) as u8;
        }
        escaped += u64::from(n);
    }
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

    /// A reader that produces the body, encoding file values as it reads them. It is also a
    /// [`BufRead`]: `fill_buf` hands out whole encoded chunks without copying them.
    pub fn reader(&self) -> FormReader {
        FormReader {
            segments: self.segments.clone().into_iter().collect(),
            current: None,
            raw: Vec::new(),
            encoded: Vec::new(),
            text: Vec::new(),
            from_file: false,
            start: 0,
            end: 0,
        }
    }

    /// The whole body in memory (dry-run reports, small requests).
    pub fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len as usize);
        self.reader().read_to_end(&mut out)?;
        Ok(out)
    }
}

/// Streams a [`FormBody`]: each file is read [`CHUNK`] bytes at a time and encoded into one
/// reused buffer, so memory stays a few hundred KiB whatever the files' sizes.
pub struct FormReader {
    segments: std::collections::VecDeque<Segment>,
    current: Option<std::fs::File>,
    raw: Vec<u8>,
    encoded: Vec<u8>,
    text: Vec<u8>,
    /// Whether `start..end` indexes `encoded` (a file chunk) or `text` (an encoded segment).
    from_file: bool,
    start: usize,
    end: usize,
}

impl FormReader {
    /// Makes the next piece of the body current; false at the end.
    fn advance(&mut self) -> std::io::Result<bool> {
        loop {
            if let Some(file) = self.current.as_mut() {
                if self.raw.is_empty() {
                    self.raw = vec![0u8; CHUNK];
                    self.encoded = vec![0u8; encoded_capacity(CHUNK)];
                }
                let n = file.read(&mut self.raw)?;
                if n == 0 {
                    self.current = None;
                    continue;
                }
                self.from_file = true;
                self.start = 0;
                self.end = encode_to_slice(&self.raw[..n], &mut self.encoded);
                return Ok(true);
            }
            match self.segments.pop_front() {
                None => return Ok(false),
                Some(Segment::Encoded(bytes)) => {
                    self.from_file = false;
                    self.start = 0;
                    self.end = bytes.len();
                    self.text = bytes;
                    return Ok(true);
                }
                Some(Segment::File { path, .. }) => self.current = Some(std::fs::File::open(path)?),
            }
        }
    }
}

impl BufRead for FormReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.start == self.end {
            if !self.advance()? {
                return Ok(&[]);
            }
        }
        let piece = if self.from_file {
            &self.encoded
        } else {
            &self.text
        };
        Ok(&piece[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.end);
    }
}

impl Read for FormReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = buf.len().min(available.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
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
        // Every length: whole 16-byte blocks, remainders, and both together.
        for len in 0..all.len() {
            let part = &all[all.len() - len..];
            let reference: String = form_urlencoded::byte_serialize(part).collect();
            assert_eq!(encode(part), reference, "length {len}");
        }
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
