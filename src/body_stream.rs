//! A form body streamed from its files in large chunks, for reqwest's async client.
//!
//! reqwest's blocking client moves a reader body 8 KiB at a time through a rendezvous channel
//! to its runtime thread; for a 50 MB upload that is thousands of thread hand-offs and small
//! writes. This body hands hyper [`CHUNK`]-sized frames read and encoded on demand, so the
//! memory held stays a few chunks whatever the file's size.

use std::io::BufRead;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::form::{FormBody, FormReader};
use crate::transport::Progress;

/// Size of the frames handed to hyper.
pub const CHUNK: usize = 256 * 1024;

/// A [`FormBody`] as an [`http_body::Body`] with an exact length.
pub struct StreamedBody {
    reader: FormReader,
    remaining: u64,
    total: u64,
    progress: Option<Progress>,
}

impl StreamedBody {
    /// The body of `form`, read from its files as hyper asks for it.
    pub fn new(form: &FormBody) -> Self {
        StreamedBody {
            reader: form.reader(),
            remaining: form.len(),
            total: form.len(),
            progress: None,
        }
    }

    /// Reports (bytes handed to hyper, total) after every frame.
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The next frame: up to [`CHUNK`] bytes, `None` at the end.
    fn next_chunk(&mut self) -> std::io::Result<Option<Bytes>> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let want = CHUNK.min(usize::try_from(self.remaining).unwrap_or(CHUNK));
        let mut buf = Vec::with_capacity(want);
        while buf.len() < want {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let n = available.len().min(want - buf.len());
            buf.extend_from_slice(&available[..n]);
            self.reader.consume(n);
        }
        let filled = buf.len();
        if filled == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "a file of the body ended {} bytes early (changed while sending?)",
                    self.remaining
                ),
            ));
        }
        self.remaining -= filled as u64;
        if let Some(report) = &self.progress {
            report(self.total - self.remaining, self.total);
        }
        Ok(Some(Bytes::from(buf)))
    }
}

impl Body for StreamedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        // Local file reads: short enough to do inline on the runtime thread.
        Poll::Ready(
            self.get_mut()
                .next_chunk()
                .transpose()
                .map(|r| r.map(Frame::data)),
        )
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{encoded_len, WireValue};

    fn body_of(content: &[u8], dir: &std::path::Path) -> FormBody {
        let path = dir.join("f");
        std::fs::write(&path, content).unwrap();
        let pairs = vec![
            ("manifest", WireValue::File(&path)),
            ("email", WireValue::Text("u@x".into())),
        ];
        FormBody::plan(&pairs, |_| encoded_len(content))
    }

    #[test]
    fn frames_concatenate_to_the_body() {
        let dir = tempfile::tempdir().unwrap();
        let content: Vec<u8> = (0..700_000u32).map(|i| (i % 253) as u8).collect();
        let form = body_of(&content, dir.path());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let mut body =
            StreamedBody::new(&form).with_progress(std::sync::Arc::new(move |sent, total| {
                log.lock().unwrap().push((sent, total))
            }));
        assert_eq!(body.size_hint().exact(), Some(form.len()));
        let mut all = Vec::new();
        let mut frames = 0;
        while let Some(chunk) = body.next_chunk().unwrap() {
            assert!(chunk.len() <= CHUNK);
            all.extend_from_slice(&chunk);
            frames += 1;
        }
        assert!(body.is_end_stream());
        assert_eq!(all, form.to_bytes().unwrap());
        assert_eq!(frames as u64, form.len().div_ceil(CHUNK as u64));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), frames);
        assert_eq!(seen.last(), Some(&(form.len(), form.len())));
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_file_that_shrank_is_an_error_not_a_short_body() {
        let dir = tempfile::tempdir().unwrap();
        let form = body_of(&[b'%'; 400_000], dir.path());
        std::fs::write(dir.path().join("f"), b"short").unwrap();
        let mut body = StreamedBody::new(&form);
        let err = loop {
            match body.next_chunk() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("a short body ended without error"),
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }
}
