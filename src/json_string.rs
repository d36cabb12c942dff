//! A JSON string written from byte chunks, for streaming large values (a dry run's signed
//! message) without holding them.

use std::io::Write;

use crate::byte_table;

/// Writes a JSON string from byte chunks: escapes as it goes, keeps a UTF-8 sequence that a
/// chunk boundary split for the next chunk, and replaces invalid UTF-8 with U+FFFD.
pub(crate) struct JsonString<'w> {
    out: &'w mut dyn Write,
    carry: Vec<u8>,
    buf: Vec<u8>,
}

/// Input escaped per call to [`byte_table::translate`], bounding the escape buffer.
const PIECE: usize = 64 * 1024;

impl<'w> JsonString<'w> {
    /// Writes the opening quote.
    pub(crate) fn start(out: &'w mut dyn Write) -> std::io::Result<Self> {
        out.write_all(b"\"")?;
        Ok(JsonString {
            out,
            carry: Vec::new(),
            buf: Vec::new(),
        })
    }

    /// Appends the next chunk of the value.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        let joined;
        let mut bytes = if self.carry.is_empty() {
            chunk
        } else {
            joined = [std::mem::take(&mut self.carry).as_slice(), chunk].concat();
            &joined[..]
        };
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => return self.escape(text),
                Err(e) => {
                    let (valid, rest) = bytes.split_at(e.valid_up_to());
                    self.escape(std::str::from_utf8(valid).expect("valid prefix"))?;
                    match e.error_len() {
                        Some(bad) => {
                            self.escape("\u{FFFD}")?;
                            bytes = &rest[bad..];
                        }
                        None => {
                            self.carry = rest.to_vec();
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    /// Escapes `text` into a reused buffer and writes it in pieces of at most [`PIECE`] input
    /// bytes (a manifest has a quote or newline every few bytes: one write per run of plain
    /// characters would be millions of calls).
    fn escape(&mut self, text: &str) -> std::io::Result<()> {
        for piece in text.as_bytes().chunks(PIECE) {
            let needed = byte_table::capacity(piece.len(), LONGEST);
            if self.buf.len() < needed {
                self.buf.resize(needed, 0);
            }
            let n = byte_table::translate(piece, &mut self.buf, &ESCAPED, LONGEST);
            self.out.write_all(&self.buf[..n])?;
        }
        Ok(())
    }

    /// Closes the string (an incomplete UTF-8 sequence left at the end becomes U+FFFD).
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        if !self.carry.is_empty() {
            self.escape("\u{FFFD}")?;
        }
        self.out.write_all(b"\"")
    }
}

/// The longest escape (`\u00XX`).
const LONGEST: usize = 6;

/// Each byte's JSON escape. Bytes from 0x20 up (UTF-8 sequences included) stand for
/// themselves but for `"` and `\`; control characters use the short forms serde_json uses or
/// `\u00XX`.
const ESCAPED: byte_table::Table = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'"' => byte_table::entry(b"\\\""),
            b'\\' => byte_table::entry(b"\\\\"),
            b'\n' => byte_table::entry(b"\\n"),
            b'\r' => byte_table::entry(b"\\r"),
            b'\t' => byte_table::entry(b"\\t"),
            0x08 => byte_table::entry(b"\\b"),
            0x0c => byte_table::entry(b"\\f"),
            0..=0x1f => byte_table::entry(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]),
            _ => byte_table::entry(&[b]),
        };
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(chunks: &[&[u8]]) -> String {
        let mut out = Vec::new();
        let mut s = JsonString::start(&mut out).unwrap();
        for chunk in chunks {
            s.push(chunk).unwrap();
        }
        s.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_character_escapes_as_serde_json_does() {
        let text: String = (0u32..0x800)
            .chain([0xFFFD, 0x1F980])
            .filter_map(char::from_u32)
            .collect::<String>()
            .repeat(3);
        let expected = serde_json::to_string(&text).unwrap();
        assert_eq!(streamed(&[text.as_bytes()]), expected);
        // Split at every position of a short mixed sample, including inside UTF-8 sequences.
        let sample = "a\"\\\n\u{1}é🦀\u{7f}z".repeat(3);
        let expected = serde_json::to_string(&sample).unwrap();
        for cut in 0..=sample.len() {
            let (a, b) = sample.as_bytes().split_at(cut);
            assert_eq!(streamed(&[a, b]), expected, "cut at {cut}");
        }
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(
            streamed(&[b"x\xffy", b"\xe2\x82"]),
            serde_json::to_string("x\u{FFFD}y\u{FFFD}").unwrap()
        );
    }
}
