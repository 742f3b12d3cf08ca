//! Object operations: PutObject, AppendObject, GetObject, HeadObject, GetObjectMeta,
//! ObjectExists, DeleteObject, PutObjectACL, GetObjectACL.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Operation, Params, with_extras};
use crate::dates;
use crate::error::{ClientError, DecodeError, Error};
use crate::headers::Headers;
use crate::request::{Body, Method, Request};
use crate::response::{RequestResult, ResponseHead};
use crate::server_error::{ErrorCode, ServerError};

/// What the head of an object answer says about the object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    pub result: RequestResult,
    /// `x-oss-object-type`: `Normal`, `Appendable`, `Multipart` or `Symlink`.
    pub object_type: Option<String>,
    /// `Last-Modified`, Unix seconds.
    pub last_modified: Option<i64>,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    /// Without the quotes OSS puts around it.
    pub etag: Option<String>,
    /// `x-oss-hash-crc64ecma` of the whole object.
    pub server_crc: Option<u64>,
    /// `Content-Range` of a ranged GET (`bytes 0-4/11`).
    pub content_range: Option<String>,
    /// `x-oss-storage-class`.
    pub storage_class: Option<String>,
    /// User metadata: the `x-oss-meta-*` headers, names lower-cased without the prefix.
    pub user_meta: Vec<(String, String)>,
}

impl ObjectInfo {
    fn from_head(head: &ResponseHead) -> Result<ObjectInfo, DecodeError> {
        let text = |name: &str| head.header(name).map(str::to_string);
        let user_meta = head
            .headers()
            .filter_map(|(name, value)| {
                let lower = name.to_ascii_lowercase();
                let meta = lower.strip_prefix("x-oss-meta-")?;
                Some((meta.to_string(), value.to_string()))
            })
            .collect();
        Ok(ObjectInfo {
            result: RequestResult::from_head(head),
            object_type: text("x-oss-object-type"),
            last_modified: head
                .header("last-modified")
                .map(dates::http_to_unixtime)
                .transpose()?,
            content_type: text("content-type"),
            content_length: head.number("content-length")?,
            etag: head.etag().map(str::to_string),
            server_crc: head.number("x-oss-hash-crc64ecma")?,
            content_range: text("content-range"),
            storage_class: text("x-oss-storage-class"),
            user_meta,
        })
    }
}

/// What an upload answers: the new ETag and the server's CRC-64 of what it stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutObjectResult {
    pub result: RequestResult,
    pub etag: Option<String>,
    /// `x-oss-hash-crc64ecma`: compare it with the CRC of what was sent
    /// ([`crate::crc64::check_crc64`]); the driver streams the data, so the driver checks.
    pub crc: Option<u64>,
}

impl PutObjectResult {
    fn from_head(head: &ResponseHead) -> Result<PutObjectResult, DecodeError> {
        Ok(PutObjectResult {
            result: RequestResult::from_head(head),
            etag: head.etag().map(str::to_string),
            crc: head.number("x-oss-hash-crc64ecma")?,
        })
    }
}

/// Uploads an object in one request (`Bucket.put_object`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutObject {
    pub bucket: String,
    pub key: String,
    /// Content-Type, Content-MD5, `x-oss-meta-*`, `x-oss-object-acl`, `x-oss-storage-class` …
    pub headers: Headers,
    /// Length of the data the driver will stream (None: unknown, sent chunked).
    pub content_length: Option<u64>,
}

impl PutObject {
    pub fn new(bucket: &str, key: &str, content_length: Option<u64>) -> PutObject {
        PutObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            headers: Headers::new(),
            content_length,
        }
    }
}

impl Operation for PutObject {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        Ok(Request::object(Method::Put, &self.bucket, &self.key)?
            .with_headers(self.headers.clone())
            .with_body(Body::Stream {
                length: self.content_length,
            }))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        Ok(PutObjectResult::from_head(head)?)
    }
}

/// What an append answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppendObjectResult {
    pub result: RequestResult,
    pub etag: Option<String>,
    /// CRC-64 of the whole object after this append.
    pub crc: Option<u64>,
    /// Where the next append must start (`x-oss-next-append-position`).
    pub next_position: u64,
}

/// Appends to an Appendable object at `position` (`Bucket.append_object`). A wrong position is
/// answered with [`ErrorCode::PositionNotEqualToLength`], whose error carries the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendObject {
    pub bucket: String,
    pub key: String,
    pub position: u64,
    pub headers: Headers,
    pub content_length: Option<u64>,
}

impl AppendObject {
    pub fn new(
        bucket: &str,
        key: &str,
        position: u64,
        content_length: Option<u64>,
    ) -> AppendObject {
        AppendObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            position,
            headers: Headers::new(),
            content_length,
        }
    }
}

impl Operation for AppendObject {
    type Output = AppendObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        Ok(Request::object(Method::Post, &self.bucket, &self.key)?
            .with_query("append", Some(""))
            .with_query("position", Some(&self.position.to_string()))
            .with_headers(self.headers.clone())
            .with_body(Body::Stream {
                length: self.content_length,
            }))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<AppendObjectResult, Error> {
        head.check(body)?;
        let next_position =
            head.number("x-oss-next-append-position")?
                .ok_or_else(|| DecodeError {
                    what: "x-oss-next-append-position".to_string(),
                    reason: "the header is missing".to_string(),
                })?;
        Ok(AppendObjectResult {
            result: RequestResult::from_head(head),
            etag: head.etag().map(str::to_string),
            crc: head.number("x-oss-hash-crc64ecma")?,
            next_position,
        })
    }
}

/// A byte range as oss2 takes it: inclusive `(first, last)`; `(None, Some(n))` is the last `n`
/// bytes, `(Some(n), None)` everything from byte `n`.
pub type ByteRange = (Option<u64>, Option<u64>);

/// `Range` header value for `range`, or None for the whole object.
pub fn range_header(range: ByteRange) -> Result<Option<String>, ClientError> {
    Ok(match range {
        (None, None) => None,
        (Some(first), Some(last)) if first > last => {
            return Err(ClientError::InvalidFormat {
                what: "byte range (first > last)",
                value: alloc::format!("{first}-{last}"),
            });
        }
        (first, last) => {
            let part = |p: Option<u64>| p.map(|n| n.to_string()).unwrap_or_default();
            Some(alloc::format!("bytes={}-{}", part(first), part(last)))
        }
    })
}

/// Downloads an object (`Bucket.get_object`); the body is the driver's to stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetObject {
    pub bucket: String,
    pub key: String,
    pub byte_range: Option<ByteRange>,
    /// `x-oss-process` (image processing and the like).
    pub process: Option<String>,
    /// `versionId`, the `response-*` overrides, `x-oss-traffic-limit` …
    pub params: Params,
    /// Conditional and other request headers (If-Match, If-Modified-Since …).
    pub headers: Headers,
}

impl GetObject {
    pub fn new(bucket: &str, key: &str) -> GetObject {
        GetObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..GetObject::default()
        }
    }
}

impl Operation for GetObject {
    type Output = ObjectInfo;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Get, &self.bucket, &self.key)?;
        let mut request = with_extras(request, &self.params, &self.headers)?;
        if let Some(range) = range_header(self.byte_range.unwrap_or((None, None)))? {
            request = request.with_header("range", &range)?;
        }
        if let Some(process) = &self.process {
            request = request.with_query("x-oss-process", Some(process));
        }
        Ok(request)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ObjectInfo, Error> {
        head.check(body)?;
        Ok(ObjectInfo::from_head(head)?)
    }
}

/// An object's metadata (`Bucket.head_object`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeadObject {
    pub bucket: String,
    pub key: String,
    pub params: Params,
    pub headers: Headers,
}

impl HeadObject {
    pub fn new(bucket: &str, key: &str) -> HeadObject {
        HeadObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..HeadObject::default()
        }
    }
}

impl Operation for HeadObject {
    type Output = ObjectInfo;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Head, &self.bucket, &self.key)?;
        with_extras(request, &self.params, &self.headers)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ObjectInfo, Error> {
        head.check(body)?;
        let mut info = ObjectInfo::from_head(head)?;
        // A HEAD answer has no body whatever Content-Range says.
        info.content_range = None;
        Ok(info)
    }
}

/// The basic metadata of an object, cheaper than HEAD (`Bucket.get_object_meta`, `?objectMeta`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    pub result: RequestResult,
    pub last_modified: Option<i64>,
    pub content_length: Option<u64>,
    pub etag: Option<String>,
    /// `x-oss-last-access-time` (Unix seconds), when access tracking is on.
    pub last_access_time: Option<i64>,
}

/// `Bucket.get_object_meta`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetObjectMeta {
    pub bucket: String,
    pub key: String,
    /// `versionId` and the like.
    pub params: Params,
    pub headers: Headers,
}

impl GetObjectMeta {
    pub fn new(bucket: &str, key: &str) -> GetObjectMeta {
        GetObjectMeta {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..GetObjectMeta::default()
        }
    }
}

impl Operation for GetObjectMeta {
    type Output = ObjectMeta;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Head, &self.bucket, &self.key)?;
        Ok(with_extras(request, &self.params, &self.headers)?.with_query("objectMeta", Some("")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ObjectMeta, Error> {
        head.check(body)?;
        let date = |name: &str| head.header(name).map(dates::http_to_unixtime).transpose();
        Ok(ObjectMeta {
            result: RequestResult::from_head(head),
            last_modified: date("last-modified")?,
            content_length: head.number("content-length")?,
            etag: head.etag().map(str::to_string),
            last_access_time: date("x-oss-last-access-time")?,
        })
    }
}

/// Whether an object exists (`Bucket.object_exists`): a `?objectMeta` HEAD where "no such key"
/// is `false`; every other error, a missing bucket included, stays an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectExists(pub GetObjectMeta);

impl ObjectExists {
    pub fn new(bucket: &str, key: &str) -> ObjectExists {
        ObjectExists(GetObjectMeta::new(bucket, key))
    }
}

impl Operation for ObjectExists {
    type Output = bool;

    fn request(&self) -> Result<Request, ClientError> {
        self.0.request()
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<bool, Error> {
        if head.is_success() {
            return Ok(true);
        }
        let error = ServerError::parse(head, body);
        match error.code {
            ErrorCode::NoSuchKey | ErrorCode::NotFound => Ok(false),
            _ => Err(error.into()),
        }
    }
}

/// Deletes an object (`Bucket.delete_object`); deleting a missing key succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteObject {
    pub bucket: String,
    pub key: String,
    /// `versionId` and the like.
    pub params: Params,
    pub headers: Headers,
}

impl DeleteObject {
    pub fn new(bucket: &str, key: &str) -> DeleteObject {
        DeleteObject {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..DeleteObject::default()
        }
    }
}

impl Operation for DeleteObject {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Delete, &self.bucket, &self.key)?;
        with_extras(request, &self.params, &self.headers)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

/// The ACLs an object can have; `default` follows the bucket's.
pub const OBJECT_ACLS: [&str; 4] = ["default", "private", "public-read", "public-read-write"];

/// Sets an object's ACL (`Bucket.put_object_acl`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutObjectAcl {
    pub bucket: String,
    pub key: String,
    /// One of [`OBJECT_ACLS`].
    pub acl: String,
    pub params: Params,
    pub headers: Headers,
}

impl PutObjectAcl {
    pub fn new(bucket: &str, key: &str, acl: &str) -> PutObjectAcl {
        PutObjectAcl {
            bucket: bucket.to_string(),
            key: key.to_string(),
            acl: acl.to_string(),
            ..PutObjectAcl::default()
        }
    }
}

impl Operation for PutObjectAcl {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        if !OBJECT_ACLS.contains(&self.acl.as_str()) {
            return Err(ClientError::InvalidFormat {
                what: "object ACL",
                value: self.acl.clone(),
            });
        }
        let request = Request::object(Method::Put, &self.bucket, &self.key)?;
        with_extras(request, &self.params, &self.headers)?
            .with_query("acl", Some(""))
            .with_header("x-oss-object-acl", &self.acl)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

/// An object's ACL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetObjectAclResult {
    pub result: RequestResult,
    /// `default`, `private`, `public-read` or `public-read-write`.
    pub acl: String,
}

/// Reads an object's ACL (`Bucket.get_object_acl`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetObjectAcl {
    pub bucket: String,
    pub key: String,
    pub params: Params,
    pub headers: Headers,
}

impl GetObjectAcl {
    pub fn new(bucket: &str, key: &str) -> GetObjectAcl {
        GetObjectAcl {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..GetObjectAcl::default()
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetObjectAcl {
    type Output = GetObjectAclResult;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Get, &self.bucket, &self.key)?;
        Ok(with_extras(request, &self.params, &self.headers)?.with_query("acl", Some("")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetObjectAclResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let acl = root
            .child("AccessControlList")
            .and_then(|list| list.child_text("Grant"))
            .ok_or_else(|| DecodeError {
                what: "AccessControlPolicy".to_string(),
                reason: "no AccessControlList/Grant".to_string(),
            })?;
        Ok(GetObjectAclResult {
            result: RequestResult::from_head(head),
            acl: acl.to_string(),
        })
    }
}
