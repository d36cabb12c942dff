//! The server base URL and the rule that a signature never travels in clear text off the machine.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// The default Vigiles server.
pub const DEFAULT_SERVER: &str = "https://vigiles.lynx.com";

/// A checked server base URL: http(s) only; plain `http://` only for loopback hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks `raw` (trailing `/` removed). Refuses other schemes, URLs with a query or fragment,
    /// and plain http to a host that is not loopback (a signature is a replayable credential).
    pub fn parse(raw: &str) -> Result<BaseUrl> {
        let trimmed = raw.trim().trim_end_matches('/');
        let url = reqwest::Url::parse(trimmed).map_err(|e| {
            Error::invalid(format!("server URL {trimmed:?} is not a valid URL: {e}"))
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::invalid(format!(
                    "refusing plain http:// to {}: signed requests may only go over https, or http to a loopback address",
                    url.host_str().unwrap_or("?")
                )))
            }
            other => {
                return Err(Error::invalid(format!(
                    "server URL {trimmed:?} must start with https:// (scheme {other:?} is not supported)"
                )))
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::invalid(format!(
                "server URL {trimmed:?} has no host"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(format!(
                "server URL {trimmed:?} must not have a query or fragment"
            )));
        }
        Ok(BaseUrl(trimmed.to_owned()))
    }

    /// The URL as text, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The full URL of an API resource (`/api/v1/...`).
    pub fn join(&self, resource: &str) -> String {
        format!("{}{resource}", self.0)
    }

    /// The host name, for choosing the legacy heartbeat path.
    pub fn host(&self) -> Option<String> {
        reqwest::Url::parse(&self.0)
            .ok()?
            .host_str()
            .map(str::to_owned)
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for ok in [
            "https://vigiles.lynx.com/",
            "https://example.test/prefix",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:1",
            "http://[::1]:99",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            BaseUrl::parse("https://a.test/").unwrap().join("/api"),
            "https://a.test/api"
        );
    }

    #[test]
    fn refuses_clear_text_and_other_schemes() {
        for (bad, needle) in [
            ("http://vigiles.lynx.com", "refusing plain http"),
            ("http://10.0.0.1", "refusing plain http"),
            ("http://localhost.evil.test", "refusing plain http"),
            ("ftp://x.test", "must start with https"),
            ("vigiles.lynx.com", "not a valid URL"),
            ("https://x.test/?a=b", "query"),
        ] {
            let err = BaseUrl::parse(bad).unwrap_err();
            assert!(err.to_string().contains(needle), "{bad}: {err}");
            assert_eq!(err.kind().exit_code(), 2);
        }
    }
}
