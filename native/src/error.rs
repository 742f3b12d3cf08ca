//! The driver's error: the core's taxonomy plus the two failures only a driver meets.

use std::fmt;
use std::io;

/// Everything an oss-native call can fail with (DESIGN.md §4).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Client, server, decode and inconsistent errors, as the core defines them.
    Oss(oss_core::Error),
    /// The transport failed: DNS, connect, reset, timeout, a body cut short.
    Request(Box<dyn std::error::Error + Send + Sync>),
    /// A local file or the caller's reader failed (not the network).
    Io(io::Error),
}

impl Error {
    /// Whether sending the same request again could succeed. Transport failures can; a local
    /// file that cannot be read will not heal by itself.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Oss(e) => e.is_retryable(),
            Error::Request(_) => true,
            Error::Io(_) => false,
        }
    }

    /// Whether the transport gave up waiting (connect or read timeout).
    pub fn is_timeout(&self) -> bool {
        let Error::Request(e) = self else {
            return false;
        };
        if let Some(ureq::Error::Timeout(_)) = e.downcast_ref::<ureq::Error>() {
            return true;
        }
        let io = match e.downcast_ref::<ureq::Error>() {
            Some(ureq::Error::Io(io)) => Some(io),
            _ => e.downcast_ref::<io::Error>(),
        };
        io.is_some_and(|io| {
            matches!(
                io.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            )
        })
    }

    /// The server error, when OSS answered with one.
    pub fn server_error(&self) -> Option<&oss_core::ServerError> {
        match self {
            Error::Oss(oss_core::Error::Server(e)) => Some(e),
            _ => None,
        }
    }

    /// Whether a data check (CRC-64) failed.
    pub fn is_inconsistent(&self) -> bool {
        matches!(self, Error::Oss(oss_core::Error::Inconsistent(_)))
    }

    /// An [`ObjectReader`](crate::ObjectReader) reports through `io::Error`; this takes the
    /// driver error back out of it (a CRC mismatch stays an inconsistent error).
    pub fn from_io(e: io::Error) -> Error {
        if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            match e.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(inner)) => return *inner,
                _ => unreachable!("checked above"),
            }
        }
        Error::Io(e)
    }

    /// Wraps this error so that it can travel through `Read`; [`Error::from_io`] undoes it.
    pub(crate) fn into_io(self) -> io::Error {
        match self {
            Error::Io(e) => e,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Oss(e) => e.fmt(f),
            Error::Request(e) => write!(f, "request failed: {e}"),
            Error::Io(e) => write!(f, "local I/O failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Oss(e) => Some(e),
            Error::Request(e) => Some(&**e),
            Error::Io(e) => Some(e),
        }
    }
}

impl From<oss_core::Error> for Error {
    fn from(e: oss_core::Error) -> Self {
        Error::Oss(e)
    }
}

impl From<oss_core::ClientError> for Error {
    fn from(e: oss_core::ClientError) -> Self {
        Error::Oss(e.into())
    }
}

impl From<ureq::Error> for Error {
    fn from(e: ureq::Error) -> Self {
        // ureq reports failures of the body we hand it as Io: they are the caller's reader's,
        // unless they are ours (an inconsistent upload) wrapped on the way.
        match e {
            ureq::Error::Io(io) => match Error::from_io(io) {
                Error::Io(io) => Error::Request(Box::new(io)),
                other => other,
            },
            other => Error::Request(Box::new(other)),
        }
    }
}
