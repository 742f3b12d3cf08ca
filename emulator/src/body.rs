//! Request bodies: hashed (MD5, CRC-64) and counted as they stream into the store, checked
//! against Content-MD5 and Content-Length, and small XML documents read whole with a limit.

use std::io::{self, Read};

use base64::Engine as _;
use md5::{Digest as _, Md5};
use oss_core::crc64::Crc64;

use crate::common::store_error;
use crate::error::OssError;
use crate::handler::Context;
use crate::store::StoreError;

/// Why an upload's body was refused, found once it has been read (before anything is kept).
#[derive(Debug, Clone)]
pub(crate) enum BodyProblem {
    /// Content-MD5 does not match what arrived.
    Digest { expected: String, actual: String },
    /// Fewer or more bytes than Content-Length.
    Length { declared: u64, received: u64 },
}

impl std::fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for BodyProblem {}

impl BodyProblem {
    pub(crate) fn to_error(&self) -> OssError {
        match self {
            BodyProblem::Digest { expected, actual } => OssError::new(
                400,
                "InvalidDigest",
                "The Content-MD5 you specified is not valid.",
            )
            .field("ExpectedContentMD5", expected.clone())
            .field("CalculatedContentMD5", actual.clone()),
            BodyProblem::Length { declared, received } => OssError::new(
                400,
                "IncompleteBody",
                format!(
                    "You did not provide the number of bytes specified by the Content-Length HTTP header: {declared} declared, {received} received."
                ),
            ),
        }
    }
}

/// Hashes (MD5, CRC-64) and counts what the store reads through it. Made with
/// [`HashingReader::checked`], it also refuses at the end a body that does not match the
/// request's Content-MD5 or Content-Length: the store then keeps nothing.
pub(crate) struct HashingReader<R> {
    inner: R,
    md5: Md5,
    pub crc: Crc64,
    pub size: u64,
    expected_md5: Option<String>,
    expected_length: Option<u64>,
}

impl<R: Read> HashingReader<R> {
    /// For bytes that need no check (data copied inside the store).
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader {
            inner,
            md5: Md5::new(),
            crc: Crc64::new(),
            size: 0,
            expected_md5: None,
            expected_length: None,
        }
    }

    /// For the request's body.
    pub fn checked(inner: R, ctx: &Context<'_>) -> HashingReader<R> {
        HashingReader {
            expected_md5: ctx.header("content-md5").map(str::to_string),
            expected_length: ctx
                .header("content-length")
                .and_then(|l| l.trim().parse().ok()),
            ..HashingReader::new(inner)
        }
    }

    /// `"HEX-MD5"`, as OSS writes ETags of simple uploads.
    pub fn etag(&self) -> String {
        quoted_md5(&self.md5.clone().finalize())
    }

    /// The MD5 in base64, as Content-MD5 carries it.
    pub fn content_md5(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.md5.clone().finalize())
    }

    fn check(&self) -> Result<(), BodyProblem> {
        if let Some(declared) = self.expected_length {
            if declared != self.size {
                return Err(BodyProblem::Length {
                    declared,
                    received: self.size,
                });
            }
        }
        if let Some(expected) = &self.expected_md5 {
            let actual = self.content_md5();
            if *expected != actual {
                return Err(BodyProblem::Digest {
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.check()
                .map_err(|problem| io::Error::new(io::ErrorKind::InvalidData, problem))?;
        } else {
            self.md5.update(&buf[..n]);
            self.crc.update(&buf[..n]);
            self.size += n as u64;
        }
        Ok(n)
    }
}

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `"HEX-MD5"` of `digest`, as OSS writes ETags of simple uploads.
pub(crate) fn quoted_md5(digest: &[u8]) -> String {
    format!("\"{}\"", hex_upper(digest))
}

/// Reads a small XML request body whole (configurations, CompleteMultipartUpload,
/// DeleteMultipleObjects …), checking Content-MD5 and Content-Length as uploads are checked;
/// a body over `limit` bytes is refused.
pub(crate) fn read_document(
    ctx: &Context<'_>,
    body: &mut dyn Read,
    limit: u64,
) -> Result<Vec<u8>, OssError> {
    let too_large = || {
        OssError::new(
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size.",
        )
        .field("MaxSizeAllowed", limit.to_string())
    };
    if ctx
        .header("content-length")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .is_some_and(|l| l > limit)
    {
        return Err(too_large());
    }
    let mut reader = HashingReader::checked(body.take(limit + 1), ctx);
    let mut document = Vec::new();
    let read = reader.read_to_end(&mut document);
    if document.len() as u64 > limit {
        return Err(too_large());
    }
    read.map_err(|e| store_error(StoreError::Io(e), ctx))?;
    Ok(document)
}
