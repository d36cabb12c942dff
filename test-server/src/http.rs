//! Minimal HTTP/1.1 on a blocking socket: reading a request (head via `httparse`, body by
//! `Content-Length` or chunked, decoded into form pairs while it arrives), writing a response.

use std::io::{self, BufRead, Read, Write};

use crate::urlencoded::{decode_pairs, FormDecoder};
use crate::verify::Pairs;

/// Largest accepted request head.
const MAX_HEAD: usize = 64 * 1024;
/// Largest accepted request body (1 GiB).
pub const MAX_BODY: u64 = 1 << 30;

/// One parsed HTTP request.
#[derive(Debug)]
pub struct Request {
    /// Upper-case method as sent.
    pub method: String,
    /// Percent-decoded path, without the query.
    pub path: String,
    /// The raw query string (without `?`), empty when absent.
    pub query: String,
    /// Header names (lower-case) and raw values.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The request's parameters in wire order: the decoded form body of a POST (none when the
    /// body is not a form), the decoded query string otherwise. The body itself is not kept.
    pub pairs: Pairs,
    /// Whether the connection may be reused after the response.
    pub keep_alive: bool,
}

impl Request {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The socket failed or closed mid-request.
    Io,
    /// The request is malformed; answer with this status and message, then close.
    Bad(u16, String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

fn bad(status: u16, message: impl Into<String>) -> ReadError {
    ReadError::Bad(status, message.into())
}

/// Reads the next request; `Ok(None)` when the peer closed the connection between requests.
/// `interim` receives `100 Continue` when the client asked for it.
pub fn read_request<R: BufRead, W: Write>(
    reader: &mut R,
    interim: &mut W,
) -> Result<Option<Request>, ReadError> {
    let mut head = Vec::with_capacity(1024);
    loop {
        let before = head.len();
        let n = reader
            .by_ref()
            .take((MAX_HEAD + 1 - before) as u64)
            .read_until(b'\n', &mut head)?;
        if n == 0 {
            if head.is_empty() {
                return Ok(None);
            }
            return Err(ReadError::Io);
        }
        if head.len() > MAX_HEAD {
            return Err(bad(431, "request head too large"));
        }
        if head == b"\r\n" || head == b"\n" {
            head.clear(); // tolerate stray empty lines between requests
            continue;
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
    }
    let mut header_buf = [httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut header_buf);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(bad(400, "incomplete request head")),
        Err(e) => return Err(bad(400, format!("malformed request head: {e}"))),
    }
    let method = parsed.method.unwrap_or("").to_string();
    let target = parsed.path.unwrap_or("/");
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8_lossy()
        .into_owned();
    let version = parsed.version.unwrap_or(1);
    let headers: Vec<(String, Vec<u8>)> = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
        .collect();
    let mut request = Request {
        method,
        path,
        query: query.to_string(),
        headers,
        pairs: Pairs::new(),
        keep_alive: false,
    };
    let connection = request
        .header("connection")
        .map(|v| String::from_utf8_lossy(v).to_ascii_lowercase())
        .unwrap_or_default();
    request.keep_alive = if version == 0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let chunked = request.header("transfer-encoding").is_some_and(|v| {
        String::from_utf8_lossy(v)
            .to_ascii_lowercase()
            .contains("chunked")
    });
    let length = match request.header("content-length") {
        Some(v) => Some(
            std::str::from_utf8(v)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .ok_or_else(|| bad(400, "invalid Content-Length"))?,
        ),
        None => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(bad(413, "request body too large"));
    }
    let expects_continue = request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"100-continue"));
    if expects_continue && (chunked || length.is_some_and(|n| n > 0)) {
        interim.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        interim.flush()?;
    }
    // A POST's parameters are its form body, decoded while it arrives; any other body is
    // read and dropped.
    let mut form = (request.method == "POST" && is_form(&request)).then(FormDecoder::default);
    let mut sink = |data: &[u8]| {
        if let Some(decoder) = form.as_mut() {
            decoder.feed(data);
        }
    };
    if chunked {
        read_chunked(reader, &mut sink)?;
    } else if let Some(n) = length {
        pump(reader, n, &mut sink)?;
    }
    request.pairs = match form {
        Some(decoder) => decoder.finish(),
        None if request.method == "POST" => Pairs::new(),
        None => decode_pairs(request.query.as_bytes()),
    };
    Ok(Some(request))
}

/// Whether a request's body is form data (no Content-Type counts as form data).
fn is_form(request: &Request) -> bool {
    request.header("content-type").is_none_or(|ct| {
        String::from_utf8_lossy(ct)
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    })
}

/// Passes the next `n` bytes of `reader` to `sink`, as they arrive.
fn pump<R: BufRead>(reader: &mut R, mut n: u64, sink: &mut impl FnMut(&[u8])) -> io::Result<()> {
    while n > 0 {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let take = available
            .len()
            .min(usize::try_from(n).unwrap_or(usize::MAX));
        sink(&available[..take]);
        reader.consume(take);
        n -= take as u64;
    }
    Ok(())
}

/// Passes the data of a chunked body to `sink`, as it arrives.
fn read_chunked<R: BufRead>(reader: &mut R, sink: &mut impl FnMut(&[u8])) -> Result<(), ReadError> {
    let mut total = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        reader.by_ref().take(1024).read_until(b'\n', &mut line)?;
        let text = String::from_utf8_lossy(&line);
        let size_text = text.trim().split(';').next().unwrap_or("");
        let size = u64::from_str_radix(size_text, 16).map_err(|_| bad(400, "bad chunk size"))?;
        total = total.saturating_add(size);
        if total > MAX_BODY {
            return Err(bad(413, "request body too large"));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                line.clear();
                reader.by_ref().take(8192).read_until(b'\n', &mut line)?;
                if line.is_empty() || line == b"\r\n" || line == b"\n" {
                    return Ok(());
                }
            }
        }
        pump(reader, size, sink)?;
        line.clear();
        reader.by_ref().take(2).read_until(b'\n', &mut line)?;
    }
}

/// An HTTP response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Content-Type header value.
    pub content_type: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            content_type: "application/json".to_string(),
            headers: Vec::new(),
            body: serde_json::to_vec(value).expect("JSON values serialize"),
        }
    }

    /// The service's error shape: `{"status_code": N, "message": "..."}`.
    pub fn error(status: u16, message: &str) -> Self {
        Response::json(
            status,
            &serde_json::json!({"status_code": status, "message": message}),
        )
    }

    /// A raw body with the given content type.
    pub fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type: content_type.to_string(),
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: String) -> Self {
        self.headers.push((name.to_string(), value));
        self
    }
}

/// The standard reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a complete response (head and body).
pub fn write_response<W: Write>(
    out: &mut W,
    response: &Response,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(&response.body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Text;

    fn read(raw: &[u8]) -> Result<Option<Request>, ReadError> {
        let mut reader = io::BufReader::new(raw);
        read_request(&mut reader, &mut Vec::new())
    }

    fn pair(name: &str, value: &str) -> (String, Text) {
        (name.to_string(), Text::from(value))
    }

    #[test]
    fn parses_head_query_and_body() {
        let raw =
            b"POST /api/v1/x%40y?a=1&b=%40 HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\nk=v+w&z";
        let r = read(raw).unwrap().unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/api/v1/x@y");
        assert_eq!(r.query, "a=1&b=%40");
        assert!(r.keep_alive);
        assert_eq!(r.pairs, [pair("k", "v w"), pair("z", "")]);
    }

    #[test]
    fn get_pairs_come_from_the_query_and_non_form_bodies_give_none() {
        let raw = b"GET /x?a=%41&b HTTP/1.1\r\nContent-Length: 3\r\n\r\nc=1";
        assert_eq!(
            read(raw).unwrap().unwrap().pairs,
            [pair("a", "A"), pair("b", "")]
        );
        let raw = b"POST /x?a=1 HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}GET / HTTP/1.1\r\n\r\n";
        let mut reader = io::BufReader::new(&raw[..]);
        let first = read_request(&mut reader, &mut Vec::new()).unwrap().unwrap();
        assert!(first.pairs.is_empty());
        // The dropped body was read in full: the next request follows it.
        let second = read_request(&mut reader, &mut Vec::new()).unwrap().unwrap();
        assert_eq!((second.method.as_str(), second.path.as_str()), ("GET", "/"));
    }

    #[test]
    fn body_arriving_in_small_reads_decodes_whole() {
        // A buffer of 2 bytes cuts escapes and separators across reads.
        let raw = b"POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 21\r\n\r\nm=%7B%22a%22%3A1%7D&e";
        let mut reader = io::BufReader::with_capacity(2, &raw[..]);
        let r = read_request(&mut reader, &mut Vec::new()).unwrap().unwrap();
        assert_eq!(r.pairs, [pair("m", "{\"a\":1}"), pair("e", "")]);
    }

    #[test]
    fn short_body_is_an_io_error_and_expect_gets_100_continue() {
        let raw = b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\na=1";
        let mut interim = Vec::new();
        let mut reader = io::BufReader::new(&raw[..]);
        assert!(matches!(
            read_request(&mut reader, &mut interim),
            Err(ReadError::Io)
        ));
        assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn decodes_chunked_body_and_connection_close() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\na=b\r\n2;x=y\r\n%4\r\n1\r\n1\r\n0\r\n\r\n";
        let r = read(raw).unwrap().unwrap();
        assert_eq!(r.pairs, [pair("a", "bA")]);
        assert!(!r.keep_alive);
    }

    #[test]
    fn oversized_bodies_are_413() {
        let raw = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert!(matches!(read(raw.as_bytes()), Err(ReadError::Bad(413, _))));
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
        assert!(matches!(read(raw), Err(ReadError::Bad(413, _))));
    }

    #[test]
    fn eof_between_requests_is_none_and_garbage_is_400() {
        assert!(read(b"").unwrap().is_none());
        assert!(matches!(
            read(b"\x01\x02 nonsense\r\n\r\n"),
            Err(ReadError::Bad(400, _))
        ));
        assert!(matches!(
            read(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            Err(ReadError::Bad(400, _))
        ));
    }
}
