//! Turning the global options into a configured library client.

use std::time::Duration;

use llapi::config::{Environment, Overrides, ProjectSettings};
use llapi::{Client, Error, Result, RetryPolicy};

use crate::cli::GlobalOpts;

/// The Cargo project settings for these options (`--manifest-path`, else the current directory).
pub fn project(global: &GlobalOpts) -> Result<ProjectSettings> {
    let cwd =
        std::env::current_dir().map_err(|e| Error::io("cannot read the current directory", e))?;
    ProjectSettings::discover(global.manifest_path.as_deref(), &cwd)
}

/// The explicit values of the global options.
pub fn overrides(global: &GlobalOpts) -> Overrides {
    Overrides {
        key_file: global.key_file.clone(),
        dashboard_config: global.dashboard_config.clone(),
        subfolder: None,
        url: global.url.clone(),
    }
}

/// A positive, finite number of seconds.
pub fn seconds(value: f64, flag: &str) -> Result<Duration> {
    if (0.0..1e9).contains(&value) {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::invalid(format!(
            "{flag} must be a number of seconds, not {value}"
        )))
    }
}

/// The retry policy of the global options (CLI default: 4 retries, 2 s first delay).
pub fn retry_policy(global: &GlobalOpts) -> Result<RetryPolicy> {
    let mut policy = RetryPolicy::default();
    if let Some(n) = global.retries {
        policy.retries = n;
    }
    if let Some(d) = global.retry_delay {
        policy.delay = seconds(d, "--retry-delay")?;
    }
    Ok(policy)
}

/// A client configured from flags, environment and the Cargo project.
pub fn client(global: &GlobalOpts, overrides: Overrides) -> Result<Client> {
    let mut builder = Client::builder()
        .overrides(overrides)
        .environment(Environment::from_process())
        .project(project(global)?)
        .insecure(global.insecure)
        .retry(retry_policy(global)?)
        .dry_run(global.dry_run);
    if let Some(path) = &global.ca_bundle {
        builder = builder.ca_bundle(path);
    }
    if let Some(t) = global.timeout {
        let t = seconds(t, "--timeout")?;
        if t.is_zero() {
            return Err(Error::invalid("--timeout must be more than 0 seconds"));
        }
        builder = builder.timeout(t);
    }
    builder.build()
}
