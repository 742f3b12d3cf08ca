//! Object operations: PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject,
//! AppendObject, Put/GetObjectACL. Data streams through a hashing reader into the store, so an
//! upload of any size needs no buffer of its size here.

use std::io::Read;

use oss_core::crc64;
use oss_core::request::Method;

use crate::body::HashingReader;
use crate::common::{
    RESPONSE_OVERRIDES, file_already_exists, forbids_overwrite, invalid_object_acl,
    is_object_header, method_not_allowed, requested_object_acl, store_error,
};
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
    "x-oss-traffic-limit",
];

pub(crate) fn handle(emulator: &Emulator, ctx: &Context<'_>, body: &mut dyn Read) -> Outcome {
    let bucket = emulator.existing_bucket(ctx)?;
    crate::handler::refuse_unknown_subresources(ctx, |n| {
        HANDLED.contains(&n)
            || RESPONSE_OVERRIDES.iter().any(|(param, _)| *param == n)
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
        _ => Err(method_not_allowed()),
    }
}

/// The object, once its ACL (or its bucket's) lets the caller read it; else AccessDenied, or
/// `NoSuchKey` (only to callers who may read the bucket, so that it says nothing to others).
pub(crate) fn readable_object(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
) -> Result<ObjectMeta, OssError> {
    let object = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, object.as_ref(), Access::Read)?;
    object.ok_or_else(|| OssError::no_such_key(&ctx.key))
}

/// The object, or `NoSuchKey`.
fn existing(emulator: &Emulator, ctx: &Context<'_>) -> Result<ObjectMeta, OssError> {
    emulator
        .store
        .object(ctx.bucket_name(), &ctx.key)
        .ok_or_else(|| OssError::no_such_key(&ctx.key))
}

/// A new object's metadata from the upload request (size, ETag and CRC come later).
pub(crate) fn new_meta(
    ctx: &Context<'_>,
    key: &str,
    object_type: ObjectType,
) -> Result<ObjectMeta, OssError> {
    let acl = requested_object_acl(ctx)?.unwrap_or("default").to_string();
    let mut headers: Vec<(String, String)> = ctx
        .request
        .headers
        .iter()
        .filter(|(n, _)| is_object_header(n))
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

pub(crate) fn put(
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
    if existing.is_some() && forbids_overwrite(ctx) {
        return Err(file_already_exists());
    }
    let mut meta = new_meta(ctx, &ctx.key, ObjectType::Normal)?;
    let mut reader = HashingReader::checked(body, ctx);
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
        .with_header("Content-MD5", reader.content_md5()))
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
    let mut reader = HashingReader::checked(body, ctx);
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
    for (param, header) in RESPONSE_OVERRIDES {
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
    let object = readable_object(emulator, ctx, bucket)?;
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
    let acl = requested_object_acl(ctx)?.ok_or_else(|| invalid_object_acl(""))?;
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
