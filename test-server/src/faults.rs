//! Fault injection: an ordered script of steps, each applied to the next request it matches.

use std::path::Path;

use llapi::{Error, Result};
use serde::{Deserialize, Serialize};

/// One scripted fault. Matching: `method` (exact, case-insensitive) and `path` (prefix), both
/// optional. A step is used once unless `repeat` (total uses) or `forever` says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Step {
    /// Only requests with this method match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path starts with this match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Answer with this status (JSON error body unless `body` is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Adds a `Retry-After: N` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Drop the connection without an HTTP response (TCP RST).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    /// Wait this long before answering (normally, unless another action is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// After the delay, close the connection without answering.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hang: bool,
    /// A raw response body (with `status`, default 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Content type of `body` (default: JSON if it starts with `{`/`[`, else `text/html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// How many requests this step applies to (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// Applies to every matching request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub forever: bool,
}

impl Step {
    /// Answer with `status` and a JSON error body.
    pub fn status(status: u16) -> Self {
        Step {
            status: Some(status),
            ..Step::default()
        }
    }

    /// Reset the connection after reading the request.
    pub fn reset() -> Self {
        Step {
            reset: true,
            ..Step::default()
        }
    }

    /// Wait `ms` milliseconds, then answer normally.
    pub fn delay(ms: u64) -> Self {
        Step {
            delay_ms: Some(ms),
            ..Step::default()
        }
    }

    /// Wait `ms` milliseconds, then close the connection without answering.
    pub fn hang(ms: u64) -> Self {
        Step {
            delay_ms: Some(ms),
            hang: true,
            ..Step::default()
        }
    }

    /// Answer 200 with a raw body of the given content type.
    pub fn body(body: &str, content_type: &str) -> Self {
        Step {
            status: Some(200),
            body: Some(body.to_string()),
            content_type: Some(content_type.to_string()),
            ..Step::default()
        }
    }

    /// Restricts the step to a method.
    pub fn on_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    /// Restricts the step to paths starting with `prefix`.
    pub fn on_path(mut self, prefix: &str) -> Self {
        self.path = Some(prefix.to_string());
        self
    }

    /// Adds `Retry-After`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Applies the step `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.repeat = Some(n);
        self
    }

    /// Applies the step to every matching request.
    pub fn always(mut self) -> Self {
        self.forever = true;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }

    /// A short description for the request log (`status 503`, `reset`, `delay 200ms`, ...).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(ms) = self.delay_ms {
            parts.push(format!("delay {ms}ms"));
        }
        if self.reset {
            parts.push("reset".to_string());
        }
        if self.hang {
            parts.push("hang".to_string());
        }
        if let Some(status) = self.status {
            parts.push(format!("status {status}"));
        } else if self.body.is_some() {
            parts.push("status 200".to_string());
        }
        if self.body.is_some() {
            parts.push("raw body".to_string());
        }
        parts.join(", ")
    }
}

/// Parses a script: a JSON array of steps, or an object `{"steps": [...]}`.
pub fn parse_script(text: &str) -> std::result::Result<Vec<Step>, serde_json::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        List(Vec<Step>),
        Object { steps: Vec<Step> },
    }
    Ok(match serde_json::from_str::<Form>(text)? {
        Form::List(steps) | Form::Object { steps } => steps,
    })
}

/// Reads a script file (see [`parse_script`]).
pub fn load_script(path: &Path) -> Result<Vec<Step>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        what: "fault script",
        path: path.to_path_buf(),
        source,
    })?;
    parse_script(&text).map_err(|e| Error::Parse {
        what: "fault script",
        path: path.to_path_buf(),
        format: "JSON",
        detail: e.to_string(),
    })
}

/// The live script with the remaining uses of each step.
#[derive(Debug, Default)]
pub struct Script {
    steps: Vec<(Step, Option<u32>)>,
}

impl Script {
    /// A script from its steps.
    pub fn new(steps: Vec<Step>) -> Self {
        let steps = steps
            .into_iter()
            .map(|s| {
                let uses = if s.forever {
                    None
                } else {
                    Some(s.repeat.unwrap_or(1))
                };
                (s, uses)
            })
            .collect();
        Script { steps }
    }

    /// Appends a step.
    pub fn push(&mut self, step: Step) {
        self.steps.extend(Script::new(vec![step]).steps);
    }

    /// Takes the first unexhausted step matching the request, consuming one use.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Step> {
        let index = self
            .steps
            .iter()
            .position(|(step, uses)| uses.is_none_or(|n| n > 0) && step.matches(method, path))?;
        let (step, uses) = &mut self.steps[index];
        let step = step.clone();
        if let Some(n) = uses {
            *n -= 1;
            if *n == 0 {
                self.steps.remove(index);
            }
        }
        Some(step)
    }

    /// The steps not yet used up.
    pub fn remaining(&self) -> Vec<Step> {
        self.steps.iter().map(|(s, _)| s.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_consumed_in_order_by_matching_requests() {
        let steps = parse_script(
            r#"[{"method": "POST", "path": "/api/v1/vigiles/manifests", "status": 503, "repeat": 2},
                {"reset": true},
                {"path": "/api/v1/vigiles/about", "delay_ms": 5, "forever": true}]"#,
        )
        .unwrap();
        let mut script = Script::new(steps);
        assert!(script.take("GET", "/api/v1/vigiles/about").unwrap().reset);
        assert_eq!(
            script
                .take("post", "/api/v1/vigiles/manifests")
                .unwrap()
                .status,
            Some(503)
        );
        assert_eq!(
            script
                .take("POST", "/api/v1/vigiles/manifests/x")
                .unwrap()
                .status,
            Some(503)
        );
        assert!(script.take("POST", "/api/v1/vigiles/manifests").is_none());
        assert!(script
            .take("GET", "/api/v1/vigiles/about")
            .unwrap()
            .delay_ms
            .is_some());
        assert!(script.take("GET", "/api/v1/vigiles/about").is_some());
        assert_eq!(script.remaining().len(), 1);
    }

    #[test]
    fn object_form_and_unknown_fields() {
        assert_eq!(
            parse_script(r#"{"steps": [{"status": 403}]}"#).unwrap(),
            vec![Step::status(403)]
        );
        assert!(parse_script(r#"[{"stauts": 403}]"#).is_err());
    }
}
