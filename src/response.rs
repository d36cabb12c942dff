//! What the server answered: JSON on success, a [`ServerError`] otherwise.

use serde_json::Value as Json;

/// The server answered with an error status, or with a body that is not what the API returns.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerError {
    /// HTTP status code.
    pub status: u16,
    /// The server's own message, when its body carried one.
    pub message: Option<String>,
    /// The body as JSON, when it was JSON.
    pub body: Option<Json>,
    /// Set when the status was fine but the body was not JSON.
    pub malformed: Option<String>,
}

impl ServerError {
    /// The error for an HTTP status and body.
    pub fn from_status(status: u16, body: &[u8]) -> Self {
        let json: Option<Json> = serde_json::from_slice(body).ok();
        let message = json.as_ref().and_then(server_message).or_else(|| {
            let text = String::from_utf8_lossy(body);
            let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
            (!looks_like_markup(line)).then(|| truncate(line, 200))
        });
        ServerError {
            status,
            message,
            body: json,
            malformed: None,
        }
    }

    /// The error for a success status whose body is not JSON.
    pub fn malformed(status: u16, content_type: Option<&str>, body: &[u8]) -> Self {
        let kind = content_type.unwrap_or("no content type");
        let preview =
            String::from_utf8_lossy(&body[..body.len().min(60)]).replace(['\r', '\n'], " ");
        ServerError {
            status,
            message: None,
            body: None,
            malformed: Some(format!(
                "the server's answer is not JSON ({kind}, {} bytes, starting {preview:?}); is the URL a Vigiles server?",
                body.len()
            )),
        }
    }

    /// True for statuses worth retrying (5xx); 4xx never are.
    pub fn is_retryable(&self) -> bool {
        self.malformed.is_none() && self.status >= 500
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(m) = &self.malformed {
            return write!(f, "{m}");
        }
        write!(
            f,
            "the Vigiles server returned {} ({})",
            self.status,
            reason(self.status)
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServerError {}

/// The server's message in an error body: `message`, `error`, `detail` or `msg`.
fn server_message(json: &Json) -> Option<String> {
    ["message", "error", "detail", "msg"]
        .iter()
        .find_map(|k| json.get(k))
        .map(|v| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .map(|s| truncate(&s, 300))
}

fn looks_like_markup(line: &str) -> bool {
    line.starts_with('<')
}

/// `s` cut to `max` characters, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// What a status means for a Vigiles request (the reference clients' reason table).
pub fn reason(status: u16) -> &'static str {
    match status {
        400 => "the request was empty or insufficient",
        401 | 403 => "invalid credentials: check the key file's email and key",
        404 => "the URL does not exist on this server",
        405 => "an incorrect Vigiles URL was used",
        412 => "the manifest is malformed or missing fields",
        413 => "the request is too large for the server",
        429 => "too many requests",
        500 => "the service could not handle the request",
        502 => "bad gateway",
        503 => "the service is currently unavailable",
        504 => "the service timed out on the request",
        _ if status >= 500 => "server error",
        _ => "request refused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_from_json_body() {
        let e = ServerError::from_status(403, br#"{"message": "Invalid credentials"}"#);
        assert_eq!(e.message.as_deref(), Some("Invalid credentials"));
        assert!(e.to_string().contains("403"));
        assert!(!e.is_retryable());
    }

    #[test]
    fn html_bodies_are_not_quoted() {
        let e = ServerError::from_status(503, b"<html><body>down</body></html>");
        assert_eq!(e.message, None);
        assert!(e.is_retryable());
    }
}
