//! One error taxonomy for every layer (DESIGN.md §4).
//!
//! The core raises four of the kinds: `Client` (the caller's input is invalid, raised before any
//! I/O), `Server` (OSS answered with an error), `Decode` (a response could not be understood)
//! and `Inconsistent` (a data check failed). `Request` (transport failures) belongs to the
//! drivers, which wrap this type.

use alloc::string::String;
use core::fmt;

/// Everything an oss-sdk call can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input is invalid; nothing was sent.
    Client(ClientError),
    /// OSS answered with an error (boxed: it is large, and errors travel in every `Result`).
    Server(alloc::boxed::Box<crate::server_error::ServerError>),
    /// A response could not be understood (bad number, malformed header or XML).
    Decode(DecodeError),
    /// A data check failed: what was sent or received is not what the server holds.
    Inconsistent(InconsistentError),
}

impl Error {
    /// Whether sending the same request again could succeed.
    pub fn is_retryable(&self) -> bool {
        // A corrupted transfer may well succeed the second time; bad input and an unreadable
        // answer will not change by themselves; the server error knows its own case.
        match self {
            Error::Server(e) => e.is_retryable(),
            Error::Inconsistent(_) => true,
            Error::Client(_) | Error::Decode(_) => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Client(e) => write!(f, "client error: {e}"),
            Error::Server(e) => write!(f, "server error: {e}"),
            Error::Decode(e) => write!(f, "decode error: {e}"),
            Error::Inconsistent(e) => write!(f, "inconsistent data: {e}"),
        }
    }
}

impl core::error::Error for Error {}

impl From<ClientError> for Error {
    fn from(e: ClientError) -> Self {
        Error::Client(e)
    }
}

impl From<crate::server_error::ServerError> for Error {
    fn from(e: crate::server_error::ServerError) -> Self {
        Error::Server(alloc::boxed::Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

impl From<InconsistentError> for Error {
    fn from(e: InconsistentError) -> Self {
        Error::Inconsistent(e)
    }
}

/// Invalid input, refused before any I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// Not 3–63 characters of `a-z0-9-` starting with a letter or digit and not ending in `-`.
    InvalidBucketName { name: String },
    /// The object key cannot be used (see [`KeyProblem`]).
    InvalidObjectKey { key: String, problem: KeyProblem },
    /// The endpoint is not `[http[s]://]host[:port]` with a host of `[A-Za-z0-9_.-]`.
    InvalidEndpoint {
        endpoint: String,
        reason: &'static str,
    },
    /// A header name or value that cannot be sent (or signed) as it is.
    InvalidHeader { name: String, reason: &'static str },
    /// A live channel name that cannot be placed in an RTMP URL.
    InvalidLiveChannelName { name: String, reason: &'static str },
    /// A presigned URL cannot expire before it was made.
    NegativeExpiry { expires: i64 },
    /// V4 presigned URLs live from 1 second to 7 days.
    ExpiresOutOfRange { expires: i64 },
    /// Signature V4 is scoped to a region, and none was given.
    MissingRegion,
    /// A time outside what the OSS date formats can express.
    TimeOutOfRange { unix: i64 },
    /// A value that does not follow the format it claims (a date, a number …).
    InvalidFormat { what: &'static str, value: String },
}

/// Why an object key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// Object operations need a key.
    Empty,
    /// Only white space (refused by `sign_url`, as oss2 does).
    Blank,
    /// Longer than the 1023 bytes OSS allows.
    TooLong { len: usize },
    /// V1 presigned URLs refuse keys starting with `?` (oss2's strict object-name check).
    StartsWithQuestionMark,
}

/// The longest object key OSS accepts, in UTF-8 bytes.
pub const MAX_KEY_LEN: usize = 1023;

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::InvalidBucketName { name } => write!(
                f,
                "invalid bucket name {name:?}: it must be 3-63 characters of a-z, 0-9 and '-', \
                 start with a letter or digit and not end with '-'"
            ),
            ClientError::InvalidObjectKey { key, problem } => match problem {
                KeyProblem::Empty => f.write_str("the object key must not be empty"),
                KeyProblem::Blank => write!(f, "the object key {key:?} is only white space"),
                KeyProblem::TooLong { len } => write!(
                    f,
                    "the object key is {len} bytes long; OSS allows at most {MAX_KEY_LEN}"
                ),
                KeyProblem::StartsWithQuestionMark => write!(
                    f,
                    "the object key {key:?} starts with '?', which V1 presigned URLs refuse"
                ),
            },
            ClientError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint {endpoint:?}: {reason}")
            }
            ClientError::InvalidHeader { name, reason } => {
                write!(f, "invalid header {name:?}: {reason}")
            }
            ClientError::InvalidLiveChannelName { name, reason } => {
                write!(f, "invalid live channel name {name:?}: it {reason}")
            }
            ClientError::NegativeExpiry { expires } => {
                write!(f, "expiry must be zero or more seconds, got {expires}")
            }
            ClientError::ExpiresOutOfRange { expires } => write!(
                f,
                "a V4 presigned URL lives from 1 to {} seconds (7 days), not {expires}",
                crate::sign::v4::MAX_EXPIRES
            ),
            ClientError::MissingRegion => f.write_str(
                "signature V4 needs the region (such as cn-hangzhou) and none was given",
            ),
            ClientError::TimeOutOfRange { unix } => {
                write!(f, "time {unix} is outside the years 1 to 9999")
            }
            ClientError::InvalidFormat { what, value } => {
                write!(f, "{value:?} is not a valid {what}")
            }
        }
    }
}

impl core::error::Error for ClientError {}

/// A response that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What was being read, e.g. `x-oss-hash-crc64ecma`.
    pub what: String,
    /// Why it could not be read.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.what, self.reason)
    }
}

impl core::error::Error for DecodeError {}

/// A checksum computed on our side differs from the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InconsistentError {
    /// The CRC-64 of the bytes this side sent or received.
    pub client_crc: u64,
    /// The CRC-64 the server reported.
    pub server_crc: u64,
}

impl fmt::Display for InconsistentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CRC-64 mismatch: client computed {}, server reported {}",
            self.client_crc, self.server_crc
        )
    }
}

impl core::error::Error for InconsistentError {}
