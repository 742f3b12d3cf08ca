//! What a driver hands back: the status and headers of a response. Bodies are byte slices
//! given to each operation's parser (small XML), or streamed by the driver (object data).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{DecodeError, Error};
use crate::server_error::ServerError;

/// Status and headers of a response, headers in arrival order, names case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    headers: Vec<(String, String)>,
}

impl ResponseHead {
    pub fn new(status: u16) -> ResponseHead {
        ResponseHead {
            status,
            headers: Vec::new(),
        }
    }

    /// Adds a header as received (values are not checked: they come from the network).
    pub fn with_header(mut self, name: &str, value: &str) -> ResponseHead {
        self.push_header(name, value);
        self
    }

    pub fn push_header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// The first value of `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// `x-oss-request-id`, or "" when the answer did not come from OSS.
    pub fn request_id(&self) -> &str {
        self.header("x-oss-request-id").unwrap_or("")
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Ok(())` for a 2xx answer, otherwise the server error read from `body`.
    pub fn check(&self, body: &[u8]) -> Result<(), Error> {
        if self.is_success() {
            Ok(())
        } else {
            Err(ServerError::parse(self, body).into())
        }
    }

    /// A header that must be there, as text.
    pub fn required(&self, name: &str) -> Result<&str, DecodeError> {
        self.header(name).ok_or_else(|| DecodeError {
            what: name.to_string(),
            reason: "the header is missing".to_string(),
        })
    }

    /// An optional header holding an unsigned decimal number.
    pub fn number(&self, name: &str) -> Result<Option<u64>, DecodeError> {
        self.header(name)
            .map(|value| {
                value.trim().parse::<u64>().map_err(|_| DecodeError {
                    what: name.to_string(),
                    reason: alloc::format!("{value:?} is not an unsigned number"),
                })
            })
            .transpose()
    }

    /// The ETag without its surrounding quotes (oss2 strips them too).
    pub fn etag(&self) -> Option<&str> {
        self.header("etag").map(strip_quotes)
    }
}

/// `"ABC"` → `ABC`.
pub fn strip_quotes(s: &str) -> &str {
    s.trim().trim_matches('"')
}

/// What every result carries (oss2's `RequestResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestResult {
    pub status: u16,
    /// `x-oss-request-id` ("" when absent).
    pub request_id: String,
    /// `x-oss-version-id`, on versioned buckets.
    pub version_id: Option<String>,
    /// `x-oss-delete-marker`: `Some(true)` only for the value `true` (oss2 takes any value,
    /// `false` included, as true).
    pub delete_marker: Option<bool>,
}

impl RequestResult {
    pub fn from_head(head: &ResponseHead) -> RequestResult {
        RequestResult {
            status: head.status,
            request_id: head.request_id().to_string(),
            version_id: head.header("x-oss-version-id").map(str::to_string),
            delete_marker: head
                .header("x-oss-delete-marker")
                .map(|v| v.trim().eq_ignore_ascii_case("true")),
        }
    }
}
