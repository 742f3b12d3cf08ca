//! Symbolic links: PutSymlink and GetSymlink.
//!
//! The target travels in the `x-oss-symlink-target` header, percent-encoded with
//! `quote(target, safe='')` both ways, so any key fits in a header.

use alloc::string::{String, ToString};

use super::{Operation, Params, with_extras};
use crate::encoding::{STRICT, push_encoded, url_decode};
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::names;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// The header that names a symlink's target.
pub const SYMLINK_TARGET: &str = "x-oss-symlink-target";

/// Creates (or replaces) the symlink `key` pointing at `target_key` (`Bucket.put_symlink`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutSymlink {
    pub bucket: String,
    /// The symlink itself.
    pub key: String,
    /// The object it points to, in the same bucket (it need not exist).
    pub target_key: String,
    /// `x-oss-meta-*`, `x-oss-object-acl`, `x-oss-storage-class`, `x-oss-forbid-overwrite` …
    pub headers: Headers,
}

impl PutSymlink {
    /// oss2's argument order: `put_symlink(target_key, symlink_key)`.
    pub fn new(bucket: &str, target_key: &str, key: &str) -> PutSymlink {
        PutSymlink {
            bucket: bucket.to_string(),
            key: key.to_string(),
            target_key: target_key.to_string(),
            headers: Headers::new(),
        }
    }
}

impl Operation for PutSymlink {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        names::check_object_key(&self.target_key)?;
        let mut target = String::with_capacity(3 * self.target_key.len());
        push_encoded(&mut target, &self.target_key, STRICT);
        Request::object(Method::Put, &self.bucket, &self.key)?
            .with_headers(self.headers.clone())
            .with_header(SYMLINK_TARGET, &target)
            .map(|request| request.with_query("symlink", Some("")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

/// Where a symlink points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetSymlinkResult {
    pub result: RequestResult,
    /// The target key, percent-decoded (`+` stays `+`, as oss2's `unquote`).
    pub target_key: String,
}

/// Reads a symlink's target (`Bucket.get_symlink`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetSymlink {
    pub bucket: String,
    pub key: String,
    /// `versionId` and the like.
    pub params: Params,
    pub headers: Headers,
}

impl GetSymlink {
    pub fn new(bucket: &str, key: &str) -> GetSymlink {
        GetSymlink {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..GetSymlink::default()
        }
    }
}

impl Operation for GetSymlink {
    type Output = GetSymlinkResult;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Get, &self.bucket, &self.key)?;
        Ok(with_extras(request, &self.params, &self.headers)?.with_query("symlink", Some("")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetSymlinkResult, Error> {
        head.check(body)?;
        let target = head.required(SYMLINK_TARGET)?;
        Ok(GetSymlinkResult {
            result: RequestResult::from_head(head),
            target_key: url_decode(target)?,
        })
    }
}
