//! Server-side copies: CopyObject, and UpdateObjectMeta (a copy onto itself).
//!
//! The source travels in `x-oss-copy-source: /bucket/key`, the key quoted with `quote(key,
//! safe='')` (`/` becomes `%2F`) and a source version as `?versionId=…`. OSS answers with the
//! new ETag (and its CRC-64) in the headers; like oss2 we read those and not the
//! `<CopyObjectResult>` body.

use alloc::string::{String, ToString};

use super::Operation;
use crate::encoding::{STRICT, push_encoded};
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::names;
use crate::ops::object::PutObjectResult;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// `x-oss-copy-source`: the source object, as CopyObject and UploadPartCopy send it.
pub const COPY_SOURCE: &str = "x-oss-copy-source";

/// `x-oss-metadata-directive`: `COPY` (keep the source's metadata, the default) or `REPLACE`
/// (take it from this request's headers).
pub const METADATA_DIRECTIVE: &str = "x-oss-metadata-directive";

/// The value of `x-oss-copy-source` for `bucket`/`key` (at `version_id`), after checking both
/// names: `/bucket/quoted-key[?versionId=…]`.
pub fn copy_source(
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<String, ClientError> {
    names::check_bucket_name(bucket)?;
    names::check_object_key(key)?;
    let mut value = String::with_capacity(2 + bucket.len() + 3 * key.len());
    value.push('/');
    value.push_str(bucket);
    value.push('/');
    push_encoded(&mut value, key, STRICT);
    if let Some(version_id) = version_id {
        // oss2 appends the version as it is; the header check refuses what cannot be sent.
        value.push_str("?versionId=");
        value.push_str(version_id);
    }
    Ok(value)
}

/// The head of a copy answer: ETag and CRC-64 of the new object (oss2's `PutObjectResult`).
pub(crate) fn copy_result(head: &ResponseHead) -> Result<PutObjectResult, Error> {
    Ok(PutObjectResult {
        result: RequestResult::from_head(head),
        etag: head.etag().map(str::to_string),
        crc: head.number("x-oss-hash-crc64ecma")?,
    })
}

/// Copies an object into this bucket (`Bucket.copy_object`).
///
/// Copy conditions (`x-oss-copy-source-if-match`, `-if-none-match`, `-if-modified-since`,
/// `-if-unmodified-since`), the metadata directive, ACL, storage class and encryption of the
/// new object go in `headers`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyObject {
    /// Where the copy goes.
    pub bucket: String,
    pub key: String,
    pub source_bucket: String,
    pub source_key: String,
    /// A version of the source on a versioned bucket (oss2 takes it from `params['versionId']`
    /// and sends it only inside `x-oss-copy-source`).
    pub source_version_id: Option<String>,
    pub headers: Headers,
}

impl CopyObject {
    pub fn new(source_bucket: &str, source_key: &str, bucket: &str, key: &str) -> CopyObject {
        CopyObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            source_bucket: source_bucket.to_string(),
            source_key: source_key.to_string(),
            ..CopyObject::default()
        }
    }
}

impl Operation for CopyObject {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        let source = copy_source(
            &self.source_bucket,
            &self.source_key,
            self.source_version_id.as_deref(),
        )?;
        Request::object(Method::Put, &self.bucket, &self.key)?
            .with_headers(self.headers.clone())
            .with_header(COPY_SOURCE, &source)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        copy_result(head)
    }
}

/// Replaces an object's metadata (`Bucket.update_object_meta`): a copy onto itself with
/// `x-oss-metadata-directive: REPLACE`, so `headers` (Content-Type, `x-oss-meta-*` …) become
/// the object's whole metadata. Unlike oss2, the caller's headers are not modified.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateObjectMeta {
    pub bucket: String,
    pub key: String,
    pub headers: Headers,
}

impl UpdateObjectMeta {
    pub fn new(bucket: &str, key: &str, headers: Headers) -> UpdateObjectMeta {
        UpdateObjectMeta {
            bucket: bucket.to_string(),
            key: key.to_string(),
            headers,
        }
    }
}

impl Operation for UpdateObjectMeta {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        let mut headers = self.headers.clone();
        headers.insert(METADATA_DIRECTIVE, "REPLACE")?;
        CopyObject {
            headers,
            ..CopyObject::new(&self.bucket, &self.key, &self.bucket, &self.key)
        }
        .request()
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        copy_result(head)
    }
}
