//! Errors of the library and how each maps to a process exit code.

use std::path::PathBuf;

/// What kind of failure an [`Error`] is; decides the exit code of the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad usage, configuration or input (exit code 2).
    Input,
    /// The operation failed: refused by the server, network failure, I/O while sending (exit code 1).
    Operation,
    /// The operation worked, but its findings break the user's policy (exit code 3).
    Policy,
}

impl ErrorKind {
    /// The process exit code for this kind of failure.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Operation => 1,
            ErrorKind::Input => 2,
            ErrorKind::Policy => 3,
        }
    }
}

/// Every failure of the library, each with a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration file could not be read.
    #[error("cannot read {what} {}: {source}", path.display())]
    ReadFile {
        /// What the file is ("key file", "manifest", ...).
        what: &'static str,
        /// The path that was tried.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A configuration file is not valid JSON / TOML.
    #[error("{what} {} is not valid {format}: {detail}", path.display())]
    Parse {
        /// What the file is.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// "JSON" or "TOML".
        format: &'static str,
        /// Where the parser stopped (never the file's content).
        detail: String,
    },
    /// Bad configuration or input, with a ready message.
    #[error("{0}")]
    Invalid(String),
    /// The server answered with an error status.
    #[error("{0}")]
    Server(Box<crate::response::ServerError>),
    /// The request could not be delivered (connection, TLS, timeout).
    #[error("{0}")]
    Transport(String),
    /// Local I/O failed while doing the operation.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The findings break the user's policy (e.g. `--fail-on`).
    #[error("{0}")]
    Policy(String),
}

impl Error {
    /// The kind of this error, which decides the exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::ReadFile { .. } | Error::Parse { .. } | Error::Invalid(_) => ErrorKind::Input,
            Error::Server(_) | Error::Transport(_) | Error::Io { .. } => ErrorKind::Operation,
            Error::Policy(_) => ErrorKind::Policy,
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<crate::response::ServerError> for Error {
    fn from(e: crate::response::ServerError) -> Self {
        Error::Server(Box::new(e))
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
