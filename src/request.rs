//! A request before and after signing: method, resource, parameters → URL, body, signature.

use crate::config::KeyFile;
use crate::endpoint::BaseUrl;
use crate::error::{Error, Result};
use crate::form::{self, FormBody};
use crate::params::Params;
use crate::signing::{self, Digest};

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (parameters in the query string)
    Get,
    /// POST (parameters in a form body)
    Post,
    /// PUT (parameters in the query string)
    Put,
    /// PATCH (parameters in the query string)
    Patch,
    /// DELETE (parameters in the query string)
    Delete,
}

impl Method {
    /// The upper-case name, as signed and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = Error;
    fn from_str(s: &str) -> Result<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            "PUT" => Ok(Method::Put),
            "PATCH" => Ok(Method::Patch),
            "DELETE" => Ok(Method::Delete),
            _ => Err(Error::invalid(format!(
                "unsupported method {s:?}: use GET, POST, PUT, PATCH or DELETE"
            ))),
        }
    }
}

/// An API call: method, resource path (`/api/v1/...`) and parameters (without `email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The resource path, signed as it is.
    pub resource: String,
    /// The parameters, in the caller's order.
    pub params: Params,
}

impl Request {
    /// A request; the resource must be a path starting with `/` without query or fragment.
    pub fn new(method: Method, resource: impl Into<String>, params: Params) -> Result<Request> {
        let resource = resource.into();
        if !resource.starts_with('/')
            || resource.contains(['?', '#'])
            || resource.chars().any(char::is_whitespace)
        {
            return Err(Error::invalid(format!(
                "resource {resource:?} must be a path like /api/v1/vigiles/heartbeat (no query, fragment or spaces)"
            )));
        }
        Ok(Request {
            method,
            resource,
            params,
        })
    }

    /// Signs the request (when credentials are given) and lays out its URL and body, reading
    /// file values once, in chunks.
    pub fn prepare(&self, base: &BaseUrl, credentials: Option<&KeyFile>) -> Result<Prepared> {
        let params = match credentials {
            Some(k) => signing::with_email(&self.params, &k.email),
            None => self.params.clone(),
        };
        let parts = signing::message_parts(self.method.as_str(), &self.resource, &params);
        let digest = signing::digest(credentials.map(|k| &k.key), &parts)
            .map_err(|e| Error::io("cannot read a parameter file", e))?;
        let pairs = form::wire_pairs(self.method.as_str(), &params);
        let (url, body) = if self.method == Method::Post {
            let body = FormBody::plan(&pairs, |p| digest.encoded_file_lengths[p]);
            (base.join(&self.resource), Some(body))
        } else {
            let query = form::query_string(&pairs)
                .map_err(|e| Error::io("cannot read a parameter file", e))?;
            let url = if query.is_empty() {
                base.join(&self.resource)
            } else {
                format!("{}?{query}", base.join(&self.resource))
            };
            (url, None)
        };
        Ok(Prepared {
            method: self.method,
            resource: self.resource.clone(),
            url,
            body,
            params,
            digest,
        })
    }
}

/// A request ready to send (or to report in a dry run).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The method.
    pub method: Method,
    /// The resource path.
    pub resource: String,
    /// The full URL, with the query string for every method but POST.
    pub url: String,
    /// The form body (POST only), streamed from files when it has file values.
    pub body: Option<FormBody>,
    /// The parameters as signed (with `email` when signed).
    pub params: Params,
    /// The signature and file measurements.
    pub digest: Digest,
}

impl Prepared {
    /// `X-Auth-Signature`, or `None` for an unsigned request.
    pub fn signature(&self) -> Option<&str> {
        self.digest.signature.as_deref()
    }

    /// The exact signed message (file values read into memory).
    pub fn hmac_message(&self) -> std::io::Result<Vec<u8>> {
        let parts = signing::message_parts(self.method.as_str(), &self.resource, &self.params);
        signing::message_bytes(&parts)
    }
}
