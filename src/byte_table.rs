//! Table-driven byte translation (form encoding, JSON escaping): the hot loops of a large
//! upload or dry run.
//!
//! Each input byte stores its translation (up to 7 bytes) as one 8-byte word from a table and
//! advances by the translation's length, branch-free; one bounds check covers a block of 16
//! input bytes.

/// A translation table: entry `b` holds the bytes `b` becomes in its low bytes
/// (little-endian) and their count in its top byte.
pub(crate) type Table = [u64; 256];

/// A table entry for a translation of at most 7 bytes.
pub(crate) const fn entry(code: &[u8]) -> u64 {
    assert!(code.len() < 8, "a translation has at most 7 bytes");
    let mut word = (code.len() as u64) << 56;
    let mut i = 0;
    while i < code.len() {
        word |= (code[i] as u64) << (8 * i);
        i += 1;
    }
    word
}

/// Room [`translate`] needs in its output for `len` input bytes when no translation is longer
/// than `longest`: the worst case plus the bytes a last 8-byte store runs past it.
pub(crate) const fn capacity(len: usize, longest: usize) -> usize {
    longest * len + 8
}

/// Writes the translation of `bytes` at the start of `dst` and returns its length. `dst` must
/// hold [`capacity`]`(bytes.len(), longest)` bytes, `longest` being the table's longest entry.
#[inline]
pub(crate) fn translate(bytes: &[u8], dst: &mut [u8], table: &Table, longest: usize) -> usize {
    const BLOCK: usize = 16;
    assert!(
        dst.len() >= capacity(bytes.len(), longest),
        "translate: output too small"
    );
    let mut pos = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        let window = &mut dst[pos..pos + capacity(BLOCK, longest)];
        let mut at = 0;
        for &b in block {
            let word = table[b as usize];
            window[at..at + 8].copy_from_slice(&word.to_le_bytes());
            at += (word >> 56) as usize;
        }
        pos += at;
    }
    for &b in blocks.remainder() {
        let word = table[b as usize];
        dst[pos..pos + 8].copy_from_slice(&word.to_le_bytes());
        pos += (word >> 56) as usize;
    }
    pos
}
