//! Access logging: PutBucketLogging, GetBucketLogging, DeleteBucketLogging.

use alloc::string::{String, ToString};

use super::{parse_empty, subresource};
use crate::error::{ClientError, Error};
use crate::names;
use crate::ops::Operation;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// Where a bucket writes its access logs (oss2's `BucketLogging`). An empty `target_bucket`
/// means logging is off: that is what OSS reports then, and what PutBucketLogging sends to turn
/// it off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketLogging {
    pub target_bucket: String,
    /// Prefix of the log objects' keys.
    pub target_prefix: String,
}

impl BucketLogging {
    pub fn new(target_bucket: &str, target_prefix: &str) -> BucketLogging {
        BucketLogging {
            target_bucket: target_bucket.to_string(),
            target_prefix: target_prefix.to_string(),
        }
    }

    /// The target bucket, when there is one, must be a valid bucket name; a prefix without a
    /// target bucket would be dropped silently (logging off), so it is refused.
    pub fn validate(&self) -> Result<(), ClientError> {
        if !self.target_bucket.is_empty() {
            names::check_bucket_name(&self.target_bucket)
        } else if !self.target_prefix.is_empty() {
            Err(ClientError::InvalidFormat {
                what: "logging target prefix without a target bucket",
                value: self.target_prefix.clone(),
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(feature = "std")]
impl BucketLogging {
    /// `<BucketLoggingStatus>`, as oss2 writes it: `LoggingEnabled` only with a target bucket.
    pub fn to_xml(&self) -> String {
        use super::xml_out::{element, text};
        let mut out = String::new();
        element(&mut out, "BucketLoggingStatus", |out| {
            if !self.target_bucket.is_empty() {
                element(out, "LoggingEnabled", |out| {
                    text(out, "TargetBucket", &self.target_bucket);
                    text(out, "TargetPrefix", &self.target_prefix);
                });
            }
        });
        out
    }

    /// Reads a `<BucketLoggingStatus>`; without `LoggingEnabled`, both fields are "". A
    /// `LoggingEnabled` must name its target bucket (found by fuzzing: a lone TargetPrefix was
    /// read, then lost when written back).
    pub fn from_xml(body: &[u8]) -> Result<BucketLogging, crate::error::DecodeError> {
        let root = super::xml_in::root(body, "BucketLoggingStatus")?;
        let enabled = root.child("LoggingEnabled");
        if let Some(enabled) = enabled {
            if enabled
                .child_text("TargetBucket")
                .unwrap_or_default()
                .is_empty()
            {
                return Err(
                    enabled.invalid("TargetBucket", "logging is enabled without a target bucket")
                );
            }
        }
        let field = |name| {
            enabled
                .and_then(|e| e.child_text(name))
                .unwrap_or_default()
                .to_string()
        };
        Ok(BucketLogging {
            target_bucket: field("TargetBucket"),
            target_prefix: field("TargetPrefix"),
        })
    }
}

/// Turns access logging on (or off, with an empty target bucket) (`Bucket.put_bucket_logging`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketLogging {
    pub bucket: String,
    pub logging: BucketLogging,
}

impl PutBucketLogging {
    pub fn new(bucket: &str, logging: BucketLogging) -> PutBucketLogging {
        PutBucketLogging {
            bucket: bucket.to_string(),
            logging,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for PutBucketLogging {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        self.logging.validate()?;
        // oss2 sends no Content-MD5 with this body.
        let body = self.logging.to_xml().into_bytes();
        Ok(subresource(Method::Put, &self.bucket, "logging")?
            .with_body(crate::request::Body::Bytes(body)))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's logging settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLoggingResult {
    pub result: RequestResult,
    pub logging: BucketLogging,
}

/// Reads a bucket's logging settings (`Bucket.get_bucket_logging`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLogging {
    pub bucket: String,
}

impl GetBucketLogging {
    pub fn new(bucket: &str) -> GetBucketLogging {
        GetBucketLogging {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketLogging {
    type Output = GetBucketLoggingResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "logging")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketLoggingResult, Error> {
        head.check(body)?;
        Ok(GetBucketLoggingResult {
            result: RequestResult::from_head(head),
            logging: BucketLogging::from_xml(body)?,
        })
    }
}

/// Turns access logging off (`Bucket.delete_bucket_logging`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteBucketLogging {
    pub bucket: String,
}

impl DeleteBucketLogging {
    pub fn new(bucket: &str) -> DeleteBucketLogging {
        DeleteBucketLogging {
            bucket: bucket.to_string(),
        }
    }
}

impl Operation for DeleteBucketLogging {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Delete, &self.bucket, "logging")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}
