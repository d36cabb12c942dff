//! Incremental decoding of `application/x-www-form-urlencoded` data (form bodies and query
//! strings) into name/value pairs, with exactly the results of `form_urlencoded::parse`: empty
//! pieces skipped, `+` is a space, invalid percent escapes kept literally, invalid UTF-8 replaced.
//!
//! The decoder is fed the body piece by piece while it arrives, so a large upload is decoded
//! while the client is still sending and its encoded form is never held whole.

use crate::verify::{Pairs, Text};

/// Decodes complete form data (a query string or a whole body) into pairs in wire order.
pub fn decode_pairs(data: &[u8]) -> Pairs {
    let mut decoder = FormDecoder::default();
    decoder.feed(data);
    decoder.finish()
}

/// A form decoder that accepts its input in arbitrary pieces: a `%XX` escape, a `&` or a `=`
/// may fall on either side of a piece boundary.
#[derive(Debug, Default)]
pub struct FormDecoder {
    pairs: Pairs,
    name: Vec<u8>,
    value: Vec<u8>,
    /// Whether the current piece has passed its first `=`.
    in_value: bool,
    /// Whether the current piece has any byte (empty pieces are skipped).
    started: bool,
    /// An escape cut by the end of the last piece: `%`, or `%` and one hex digit.
    partial: [u8; 2],
    partial_len: usize,
}

const INVALID: u8 = 0xff;

/// The value of each hexadecimal digit, [`INVALID`] for other bytes.
const HEX_VALUE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => INVALID,
        };
        i += 1;
    }
    t
};

/// Why [`decode_run`] stopped.
enum Stop {
    /// The input is used up.
    End,
    /// At a separator (`&`, or `=` in a name), which is not consumed.
    Separator,
    /// At a `%` followed only by hex digits up to the end of the input (not consumed).
    CutEscape,
}

/// Each byte as it decodes when it is not `%`: `+` is a space, the rest stand for themselves.
const PLAIN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as u8;
        i += 1;
    }
    t[b'+' as usize] = b' ';
    t
};

/// Whether a byte needs more than [`PLAIN`]: `%`, `&` and `=` (a separator in names only).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'%' as usize] = true;
    t[b'&' as usize] = true;
    t[b'=' as usize] = true;
    t
};

/// Decodes `input` into `out` up to the first `&` (and the first `=` when `name`), the end, or an
/// escape cut by the end; returns the bytes consumed and why it stopped.
///
/// This loop is the server's hottest while a large upload arrives: bytes are written by index
/// into room made up front (decoding never grows the data), and all but `%`, `&` and `=` go
/// through one table.
fn decode_run(input: &[u8], out: &mut Vec<u8>, name: bool) -> (usize, Stop) {
    let start = out.len();
    out.resize(start + input.len(), 0);
    let dst = &mut out[start..];
    let (mut i, mut o) = (0, 0);
    let stop = loop {
        let Some(&b) = input.get(i) else {
            break Stop::End;
        };
        dst[o] = if !SPECIAL[b as usize] {
            PLAIN[b as usize]
        } else if b == b'%' {
            let hi = input.get(i + 1).map(|&h| HEX_VALUE[h as usize]);
            let lo = input.get(i + 2).map(|&l| HEX_VALUE[l as usize]);
            match (hi, lo) {
                (Some(hi), Some(lo)) if hi != INVALID && lo != INVALID => {
                    i += 2;
                    hi << 4 | lo
                }
                (None, _) | (Some(_), None) if hi != Some(INVALID) => break Stop::CutEscape,
                _ => b'%',
            }
        } else if b == b'&' || name {
            break Stop::Separator;
        } else {
            b'='
        };
        o += 1;
        i += 1;
    };
    out.truncate(start + o);
    (i, stop)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl FormDecoder {
    /// Decodes the next piece of the data.
    pub fn feed(&mut self, mut input: &[u8]) {
        while self.partial_len > 0 && !input.is_empty() {
            // Complete the cut escape with the first bytes of this piece, then decode it on
            // its own (it may turn out invalid, or leave a new cut escape behind).
            let take = (3 - self.partial_len).min(input.len());
            let mut joined = [0u8; 3];
            joined[..self.partial_len].copy_from_slice(&self.partial[..self.partial_len]);
            joined[self.partial_len..self.partial_len + take].copy_from_slice(&input[..take]);
            let len = self.partial_len + take;
            self.partial_len = 0;
            input = &input[take..];
            self.decode(&joined[..len]);
        }
        self.decode(input);
    }

    /// Finishes the data and returns its pairs.
    pub fn finish(mut self) -> Pairs {
        let partial = self.partial;
        let cut = self.partial_len;
        self.current().extend_from_slice(&partial[..cut]);
        self.end_piece();
        self.pairs
    }

    fn current(&mut self) -> &mut Vec<u8> {
        if self.in_value {
            &mut self.value
        } else {
            &mut self.name
        }
    }

    fn decode(&mut self, mut input: &[u8]) {
        while !input.is_empty() {
            let name = !self.in_value;
            let (used, stop) = decode_run(input, self.current(), name);
            if used > 0 {
                self.started = true;
            }
            input = &input[used..];
            match stop {
                Stop::End => {}
                Stop::CutEscape => {
                    self.started = true;
                    self.partial_len = input.len();
                    self.partial[..input.len()].copy_from_slice(input);
                    return;
                }
                Stop::Separator => {
                    if input[0] == b'=' {
                        self.in_value = true;
                        self.started = true;
                    } else {
                        self.end_piece();
                    }
                    input = &input[1..];
                }
            }
        }
    }

    fn end_piece(&mut self) {
        if self.started {
            let name = text(std::mem::take(&mut self.name));
            let value = text(std::mem::take(&mut self.value));
            self.pairs.push((name, Text::from(value)));
        }
        self.name.clear();
        self.value.clear();
        self.in_value = false;
        self.started = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(data: &[u8]) -> Pairs {
        form_urlencoded::parse(data)
            .map(|(n, v)| (n.into_owned(), Text::from(v.into_owned())))
            .collect()
    }

    fn cases() -> Vec<Vec<u8>> {
        let mut cases: Vec<Vec<u8>> = [
            &b""[..],
            b"&&",
            b"=",
            b"a",
            b"a=",
            b"=b",
            b"a=b=c",
            b"a=%",
            b"a=%4",
            b"%4=1&%%41=%4&",
            b"a=%zz%41%4a%4A+%2B&&b%3D=%e2%82%ac%ff%C3",
            b"name+x=%00%0a%%41",
        ]
        .iter()
        .map(|c| c.to_vec())
        .collect();
        // Pseudo-random data over the bytes that matter to the decoder.
        let alphabet = b"ab=&+%0Af\xff\xc3\xa9 ";
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let data = (0..len % 40)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            cases.push(data);
        }
        cases
    }

    #[test]
    fn whole_data_decodes_as_form_urlencoded() {
        for case in cases() {
            assert_eq!(
                decode_pairs(&case),
                expected(&case),
                "{:?}",
                String::from_utf8_lossy(&case)
            );
        }
    }

    #[test]
    fn data_cut_anywhere_decodes_as_form_urlencoded() {
        for case in cases() {
            let want = expected(&case);
            for cut in 0..=case.len() {
                let mut decoder = FormDecoder::default();
                decoder.feed(&case[..cut]);
                decoder.feed(&case[cut..]);
                assert_eq!(
                    decoder.finish(),
                    want,
                    "{:?} cut at {cut}",
                    String::from_utf8_lossy(&case)
                );
            }
            // One byte at a time: every boundary at once.
            let mut decoder = FormDecoder::default();
            for byte in &case {
                decoder.feed(std::slice::from_ref(byte));
            }
            assert_eq!(
                decoder.finish(),
                want,
                "{:?}",
                String::from_utf8_lossy(&case)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn pieces_of_any_data_decode_as_form_urlencoded(
            data in proptest::collection::vec(
                proptest::sample::select(b"a=&+%0Fz\xff\xc3\xa9 ".to_vec()), 0..64),
            cuts in proptest::collection::vec(0usize..64, 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut decoder = FormDecoder::default();
            let mut start = 0;
            for cut in cuts.into_iter().chain([data.len()]) {
                decoder.feed(&data[start..cut]);
                start = cut;
            }
            proptest::prop_assert_eq!(decoder.finish(), expected(&data));
        }
    }
}
