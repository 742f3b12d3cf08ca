//! Object operations: PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject,
//! AppendObject, Put/GetObjectACL. Data streams through a hashing reader into the store, so an
//! upload of any size needs no buffer of its size here.

use std::io::{self, Read};

use base64::Engine as _;
use md5::{Digest as _, Md5};
use oss_core::crc64::{self, Crc64};
use oss_core::request::Method;

use crate::error::OssError;
use crate::handler::{Access, Context, Emulator, Outcome, authorize, authorize_object};
use crate::http::{Response, ResponseBody};
use crate::store::{BucketMeta, ObjectMeta, ObjectType, StoreError};

/// The object-level sub-resources answered here or by the modules this file hands over to.
const HANDLED: &[&str] = &[
    "acl",
    "append",
    "position",
    "objectMeta",
    "versionId",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "x-oss-traffic-limit",
];

pub(crate) fn handle(emulator: &Emulator, ctx: &Context<'_>, body: &mut dyn Read) -> Outcome {
    let bucket = emulator.existing_bucket(ctx)?;
    crate::handler::refuse_unknown_subresources(ctx, |n| {
        HANDLED.contains(&n)
            || crate::multipart::OBJECT_SUBRESOURCES.contains(&n)
            || crate::copy::OBJECT_SUBRESOURCES.contains(&n)
            || crate::live_channel::OBJECT_SUBRESOURCES.contains(&n)
    })?;
    // Multipart uploads, copies and symlinks, and live channels take their requests first.
    for module in [
        crate::multipart::handle_object,
        crate::copy::handle_object,
        crate::live_channel::handle_object,
    ] {
        if let Some(outcome) = module(emulator, ctx, &bucket, &mut *body) {
            return outcome;
        }
    }
    match ctx.method {
        Method::Put if ctx.has("acl") => put_acl(emulator, ctx, &bucket),
        Method::Get if ctx.has("acl") => get_acl(emulator, ctx, &bucket),
        Method::Put => put(emulator, ctx, &bucket, body),
        Method::Post if ctx.has("append") => append(emulator, ctx, &bucket, body),
        Method::Head if ctx.has("objectMeta") => meta(emulator, ctx, &bucket),
        Method::Get | Method::Head => get(emulator, ctx, &bucket),
        Method::Delete => delete(emulator, ctx, &bucket),
        _ => Err(OssError::new(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        )),
    }
}

/// The object, or `NoSuchKey`.
fn existing(emulator: &Emulator, ctx: &Context<'_>) -> Result<ObjectMeta, OssError> {
    emulator
        .store
        .object(ctx.bucket_name(), &ctx.key)
        .ok_or_else(|| OssError::no_such_key(&ctx.key))
}

pub(crate) fn store_error(e: StoreError, ctx: &Context<'_>) -> OssError {
    match e {
        StoreError::NoSuchBucket => OssError::no_such_bucket(ctx.bucket_name()),
        StoreError::NoSuchKey => OssError::no_such_key(&ctx.key),
        StoreError::BucketNotEmpty => OssError::new(
            409,
            "BucketNotEmpty",
            "The bucket you tried to delete is not empty.",
        )
        .field("BucketName", ctx.bucket_name()),
        StoreError::NoSuchUpload => OssError::new(
            404,
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        ),
        StoreError::PositionNotEqualToLength { length } => OssError::new(
            409,
            "PositionNotEqualToLength",
            "Position is not equal to file length",
        )
        .header("x-oss-next-append-position", length.to_string()),
        StoreError::ObjectNotAppendable => {
            OssError::new(409, "ObjectNotAppendable", "The object is not appendable")
        }
        StoreError::Io(e) => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<BodyProblem>())
        {
            Some(problem) => problem.to_error(),
            None => OssError::new(
                500,
                "InternalError",
                format!("We encountered an internal error: {e}"),
            ),
        },
    }
}

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
    fn to_error(&self) -> OssError {
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

/// Hashes (MD5, CRC-64) and counts the body as the store reads it, and at the end refuses it
/// if it does not match Content-MD5 or Content-Length: the store then keeps nothing.
pub(crate) struct HashingReader<'a> {
    inner: &'a mut dyn Read,
    md5: Md5,
    pub crc: Crc64,
    pub size: u64,
    expected_md5: Option<String>,
    expected_length: Option<u64>,
}

impl<'a> HashingReader<'a> {
    pub fn new(inner: &'a mut dyn Read, ctx: &Context<'_>) -> HashingReader<'a> {
        HashingReader {
            inner,
            md5: Md5::new(),
            crc: Crc64::new(),
            size: 0,
            expected_md5: ctx.header("content-md5").map(str::to_string),
            expected_length: ctx
                .header("content-length")
                .and_then(|l| l.trim().parse().ok()),
        }
    }

    /// `"HEX-MD5"`, as OSS writes ETags of simple uploads.
    pub fn etag(&self) -> String {
        format!("\"{}\"", hex_upper(&self.md5.clone().finalize()))
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
            let actual =
                base64::engine::general_purpose::STANDARD.encode(self.md5.clone().finalize());
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

impl Read for HashingReader<'_> {
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

/// The headers an object keeps from its upload.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "expires",
    "content-language",
];

/// A new object's metadata from the upload request (size, ETag and CRC come later).
pub(crate) fn new_meta(
    ctx: &Context<'_>,
    key: &str,
    object_type: ObjectType,
) -> Result<ObjectMeta, OssError> {
    let acl = ctx
        .header("x-oss-object-acl")
        .unwrap_or("default")
        .to_string();
    if !oss_core::ops::object::OBJECT_ACLS.contains(&acl.as_str()) {
        return Err(
            OssError::invalid_argument("no such object access control exists")
                .field("ArgumentName", "x-oss-object-acl")
                .field("ArgumentValue", acl),
        );
    }
    let mut headers: Vec<(String, String)> = ctx
        .request
        .headers
        .iter()
        .filter(|(n, _)| {
            let n = n.to_ascii_lowercase();
            KEPT_HEADERS.contains(&n.as_str()) || n.starts_with("x-oss-meta-")
        })
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    if !headers.iter().any(|(n, _)| n == "content-type") {
        headers.push(("content-type".into(), "application/octet-stream".into()));
    }
    Ok(ObjectMeta {
        key: key.to_string(),
        size: 0,
        etag: String::new(),
        crc64: 0,
        last_modified: ctx.now,
        object_type,
        storage_class: ctx
            .header("x-oss-storage-class")
            .unwrap_or("Standard")
            .to_string(),
        acl,
        headers,
        symlink_target: None,
    })
}

fn put(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    if ctx.header("x-oss-copy-source").is_some() {
        // A copy that reached here was not understood: storing the empty body would be wrong.
        return Err(OssError::not_implemented("CopyObject"));
    }
    let existing = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, existing.as_ref(), Access::Write)?;
    if existing.is_some()
        && ctx
            .header("x-oss-forbid-overwrite")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Err(OssError::new(
            409,
            "FileAlreadyExists",
            "The object you specified already exists and can not be overwritten.",
        ));
    }
    let mut meta = new_meta(ctx, &ctx.key, ObjectType::Normal)?;
    let mut reader = HashingReader::new(body, ctx);
    let staged = emulator
        .store
        .stage(&bucket.name, &mut reader)
        .map_err(|e| store_error(e, ctx))?;
    (meta.size, meta.etag, meta.crc64) = (reader.size, reader.etag(), reader.crc.value());
    emulator
        .store
        .commit_object(&bucket.name, staged, meta.clone())
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(200)
        .with_header("ETag", meta.etag)
        .with_header("x-oss-hash-crc64ecma", meta.crc64.to_string())
        .with_header(
            "Content-MD5",
            base64::engine::general_purpose::STANDARD.encode(reader.md5.clone().finalize()),
        ))
}

fn append(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    let current = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, current.as_ref(), Access::Write)?;
    let position: u64 = ctx
        .param("position")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| {
            OssError::invalid_argument("Position is not a number.")
                .field("ArgumentName", "position")
        })?;
    let template = new_meta(ctx, &ctx.key, ObjectType::Appendable)?;
    // Checked before the body is read, so that a wrong position costs no upload; the store
    // checks again when it commits, where two appends at one position cannot both pass.
    crate::store::appended(current.as_ref(), position, &|current| {
        grown(current, &template, 0, 0, ctx.now)
    })
    .map_err(|e| store_error(e, ctx))?;
    let mut reader = HashingReader::new(body, ctx);
    let staged = emulator
        .store
        .stage(&bucket.name, &mut reader)
        .map_err(|e| store_error(e, ctx))?;
    let (size, crc) = (reader.size, reader.crc.value());
    let meta = emulator
        .store
        .commit_append(&bucket.name, &ctx.key, staged, position, &|current| {
            grown(current, &template, size, crc, ctx.now)
        })
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(200)
        .with_header("ETag", meta.etag)
        .with_header("x-oss-next-append-position", meta.size.to_string())
        .with_header("x-oss-hash-crc64ecma", meta.crc64.to_string()))
}

/// An appendable object after `size` more bytes whose CRC-64 is `crc`: `current` grown, or
/// `template` for a new object.
fn grown(
    current: Option<&ObjectMeta>,
    template: &ObjectMeta,
    size: u64,
    crc: u64,
    now: i64,
) -> Result<ObjectMeta, StoreError> {
    let mut meta = match current {
        Some(object) if object.object_type != ObjectType::Appendable => {
            return Err(StoreError::ObjectNotAppendable);
        }
        Some(object) => object.clone(),
        None => template.clone(),
    };
    let length = current.map_or(0, |object| object.size);
    meta.crc64 = crc64::combine(meta.crc64, crc, size);
    meta.size = length + size;
    meta.last_modified = now;
    // Appendable objects have no MD5 of the whole; OSS's ETag changes with every append.
    meta.etag = format!("\"{:016X}{:016X}\"", meta.crc64, meta.size);
    Ok(meta)
}

/// The headers that describe an object in GET and HEAD answers.
fn describe(response: &mut Response, object: &ObjectMeta) {
    for (name, value) in &object.headers {
        response.set_header(name, value.clone());
    }
    response.set_header("ETag", object.etag.clone());
    response.set_header(
        "Last-Modified",
        oss_core::dates::http_date(object.last_modified).unwrap_or_default(),
    );
    response.set_header("x-oss-object-type", object.object_type.as_str());
    response.set_header("x-oss-storage-class", object.storage_class.clone());
    response.set_header("x-oss-hash-crc64ecma", object.crc64.to_string());
    response.set_header("Accept-Ranges", "bytes");
}

fn get(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    // Metadata and bytes of one version: the answer's ETag, CRC and length are the body's.
    let stored = emulator.store.read_object(&bucket.name, &ctx.key);
    let meta = stored.as_ref().ok().map(|stored| &stored.meta);
    authorize_object(ctx, bucket, meta, Access::Read)?;
    let stored = stored.map_err(|e| store_error(e, ctx))?;
    let object = &stored.meta;
    crate::common::check_conditions(ctx, "", &object.etag, object.last_modified)?;
    let size = object.size;
    let mut response = Response::new(200);
    describe(&mut response, object);
    let standard = ctx
        .header("x-oss-range-behavior")
        .is_some_and(|b| b.trim().eq_ignore_ascii_case("standard"));
    let ranged = ctx
        .header("range")
        .map_or(Ranged::Whole, |r| parse_range(r, size, standard));
    let range = match ranged {
        Ranged::Whole => 0..size,
        Ranged::Part(range) => {
            response.status = 206;
            // A part is never empty: its last byte is one before its end.
            response.set_header(
                "Content-Range",
                format!("bytes {}-{}/{size}", range.start, range.end - 1),
            );
            range
        }
        Ranged::Unsatisfiable => {
            return Err(OssError::new(
                416,
                "InvalidRange",
                "The requested range cannot be satisfied.",
            )
            .field(
                "RangeRequested",
                ctx.header("range").unwrap_or("").to_string(),
            )
            .field("ActualObjectSize", size.to_string()));
        }
    };
    for (param, header) in [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
    ] {
        if let Some(value) = ctx.param(param) {
            response.set_header(header, value);
        }
    }
    let length = range.end - range.start;
    response.set_header("Content-Length", length.to_string());
    if ctx.method == Method::Get {
        let reader = stored
            .range(range)
            .map_err(|e| store_error(StoreError::Io(e), ctx))?;
        response.body = ResponseBody::Reader { reader, length };
    }
    Ok(response)
}

/// What a GET answers for its Range header.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ranged {
    /// No range, or one that is ignored: the whole object (200).
    Whole,
    /// These bytes, never none (206).
    Part(std::ops::Range<u64>),
    /// 416 InvalidRange.
    Unsatisfiable,
}

/// `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` on an object of `size` bytes, as OSS documents
/// it. By default a range that cannot be served as asked (malformed, several ranges, a byte
/// past the end, any range of an empty object) is ignored: the whole object is sent. With
/// `x-oss-range-behavior: standard` (`standard`), a range that runs past the end is cut
/// short and one that starts past it (any range of an empty object) is 416.
fn parse_range(header: &str, size: u64, standard: bool) -> Ranged {
    let Some((first, last)) = header
        .trim()
        .strip_prefix("bytes=")
        .filter(|spec| !spec.contains(','))
        .and_then(|spec| spec.split_once('-'))
    else {
        return Ranged::Whole;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    // Start and end (exclusive) of what is asked, or None for a malformed range.
    let asked = match (first.trim().is_empty(), last.trim().is_empty()) {
        // The last n bytes.
        (true, false) => number(last)
            .filter(|n| standard || *n <= size)
            .map(|n| (size.saturating_sub(n), size)),
        (false, true) => number(first).map(|a| (a, size)),
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b && (standard || b < size) => {
                Some((a, b.saturating_add(1).min(size)))
            }
            _ => None,
        },
        (true, true) => None,
    };
    match asked {
        None => Ranged::Whole,
        Some((start, _)) if start >= size => {
            if standard {
                Ranged::Unsatisfiable
            } else {
                Ranged::Whole
            }
        }
        Some((start, end)) => Ranged::Part(start..end),
    }
}

fn meta(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let object = existing(emulator, ctx);
    authorize_object(ctx, bucket, object.as_ref().ok(), Access::Read)?;
    let object = object?;
    Ok(Response::new(200)
        .with_header("ETag", object.etag)
        .with_header("Content-Length", object.size.to_string())
        .with_header(
            "Last-Modified",
            oss_core::dates::http_date(object.last_modified).unwrap_or_default(),
        )
        .with_header("x-oss-hash-crc64ecma", object.crc64.to_string()))
}

fn delete(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let object = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, object.as_ref(), Access::Write)?;
    emulator
        .store
        .delete_object(&bucket.name, &ctx.key)
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(204))
}

fn put_acl(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Owner)?;
    let mut object = existing(emulator, ctx)?;
    let acl = ctx.header("x-oss-object-acl").unwrap_or("");
    if !oss_core::ops::object::OBJECT_ACLS.contains(&acl) {
        return Err(
            OssError::invalid_argument("no such object access control exists")
                .field("ArgumentName", "x-oss-object-acl")
                .field("ArgumentValue", acl),
        );
    }
    object.acl = acl.to_string();
    emulator
        .store
        .update_object(&bucket.name, object)
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(200))
}

fn get_acl(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Owner)?;
    let object = existing(emulator, ctx)?;
    Ok(Response::xml(
        200,
        crate::bucket::access_control_policy(&object.acl),
    ))
}
