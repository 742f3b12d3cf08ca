//! Server-side copies and links: CopyObject (`x-oss-copy-source`, UpdateObjectMeta being a
//! copy onto itself), UploadPartCopy (for [`crate::multipart`]), PutSymlink/GetSymlink
//! (`?symlink`), GET and HEAD through a symlink, and DeleteMultipleObjects (`POST /?delete`).

use std::io::{self, Read};

use md5::{Digest as _, Md5};
use oss_core::crc64;
use oss_core::encoding::{STRICT, push_encoded};
use oss_core::ops::copy::{COPY_SOURCE, METADATA_DIRECTIVE};
use oss_core::ops::symlink::SYMLINK_TARGET;
use oss_core::request::Method;
use oss_core::xml::push_text_element;

use crate::auth::iso;
use crate::body::{HashingReader, quoted_md5, read_document};
use crate::common::{
    RESPONSE_OVERRIDES, check_conditions, file_already_exists, forbids_overwrite, is_object_header,
    method_not_allowed, push_name, requested_object_acl, store_error, url_encoding,
};
use crate::error::OssError;
use crate::handler::{
    Access, Context, Emulator, Outcome, authorize, authorize_object, percent_decode,
};
use crate::http::Response;
use crate::multipart::store_part;
use crate::object::{new_meta, readable_object};
use crate::store::{BucketMeta, ObjectMeta, ObjectType, StoreError, StoredObject, UploadMeta};

/// Object-level sub-resources this module answers.
pub(crate) const OBJECT_SUBRESOURCES: &[&str] = &["symlink"];
/// Bucket-level sub-resources this module answers.
pub(crate) const BUCKET_SUBRESOURCES: &[&str] = &["delete"];

/// The most objects one DeleteMultipleObjects request names.
const MAX_DELETE_OBJECTS: usize = oss_core::ops::delete_objects::MAX_DELETE_OBJECTS;
/// The largest Delete document taken: 1000 keys of 1023 bytes, escaped.
const MAX_DELETE_DOCUMENT: u64 = 8 << 20;
/// Keys are 1 to 1023 bytes.
const MAX_KEY_LEN: usize = 1023;

/// The object-level requests that are this module's; None: not one of them.
pub(crate) fn handle_object(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    _body: &mut dyn Read,
) -> Option<Outcome> {
    if ctx.has("symlink") {
        return Some(match ctx.method {
            Method::Put => put_symlink(emulator, ctx, bucket),
            Method::Get | Method::Head => get_symlink(emulator, ctx, bucket),
            _ => Err(method_not_allowed()),
        });
    }
    match ctx.method {
        Method::Put if ctx.header(COPY_SOURCE).is_some() && !ctx.has("acl") => {
            Some(copy_object(emulator, ctx, bucket))
        }
        Method::Get | Method::Head if !ctx.has("acl") && !ctx.has("objectMeta") => {
            let object = emulator.store.object(&bucket.name, &ctx.key)?;
            (object.object_type == ObjectType::Symlink)
                .then(|| follow_symlink(emulator, ctx, bucket, object))
        }
        _ => None,
    }
}

/// The bucket-level requests that are this module's; None: not one of them.
pub(crate) fn handle_bucket(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Option<Outcome> {
    if !ctx.has("delete") {
        return None;
    }
    Some(match ctx.method {
        Method::Post => delete_objects(emulator, ctx, bucket, body),
        _ => Err(method_not_allowed()),
    })
}

// ---------------------------------------------------------------------------------------------
// Copy sources

/// The object `x-oss-copy-source` names.
struct CopySource {
    bucket: String,
    key: String,
}

/// `x-oss-copy-source: /bucket/percent-encoded-key[?versionId=…]` (the leading `/` may be
/// missing, as some clients send it). Buckets here have no versions: only `null`, the version
/// of every object of an unversioned bucket, can be named.
fn copy_source(ctx: &Context<'_>) -> Result<CopySource, OssError> {
    let raw = ctx.header(COPY_SOURCE).unwrap_or("").trim();
    let invalid = || {
        OssError::invalid_argument(
            "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
        )
        .field("ArgumentName", COPY_SOURCE)
        .field("ArgumentValue", raw)
    };
    let (path, version_id) = match raw.rfind("?versionId=") {
        Some(at) => (&raw[..at], Some(&raw[at + "?versionId=".len()..])),
        None => (raw, None),
    };
    let path = path.strip_prefix('/').unwrap_or(path);
    let (bucket, key) = path.split_once('/').ok_or_else(invalid)?;
    let key = percent_decode(key, false).ok_or_else(invalid)?;
    if !oss_core::names::is_valid_bucket_name(bucket) || key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(invalid());
    }
    if let Some(version_id) = version_id.filter(|v| *v != "null") {
        return Err(OssError::new(
            404,
            "NoSuchVersion",
            "The specified version does not exist.",
        )
        .field("VersionId", version_id));
    }
    Ok(CopySource {
        bucket: bucket.to_string(),
        key,
    })
}

/// The source of a copy, once the caller may read it and the copy conditions hold.
fn readable_source(
    emulator: &Emulator,
    ctx: &Context<'_>,
    source: &CopySource,
) -> Result<StoredObject, OssError> {
    let bucket = emulator
        .store
        .bucket(&source.bucket)
        .ok_or_else(|| OssError::no_such_bucket(&source.bucket))?;
    let object = emulator.store.read_object(&source.bucket, &source.key);
    let meta = object.as_ref().ok().map(|object| &object.meta);
    authorize_object(ctx, &bucket, meta, Access::Read)?;
    let object = object.map_err(|e| match e {
        StoreError::NoSuchKey => OssError::no_such_key(&source.key),
        StoreError::NoSuchBucket => OssError::no_such_bucket(&source.bucket),
        other => store_error(other, ctx),
    })?;
    check_conditions(
        ctx,
        "x-oss-copy-source-",
        &object.meta.etag,
        object.meta.last_modified,
    )?;
    Ok(object)
}

/// Bytes read from the store that do not match their metadata: its disk is damaged (a copy
/// reads the version its metadata describes, so a concurrent change cannot cause this).
fn damaged(key: &str) -> OssError {
    OssError::new(
        500,
        "InternalError",
        format!(
            "We encountered an internal error: the stored bytes of {key:?} do not match its metadata."
        ),
    )
}

/// `<name><ETag>…</ETag><LastModified>…</LastModified></name>`: what copies answer.
fn copy_result(name: &str, etag: &str, last_modified: i64) -> String {
    let mut xml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{name}>");
    push_text_element(&mut xml, "ETag", etag);
    push_text_element(&mut xml, "LastModified", &iso(last_modified));
    xml.push_str(&format!("</{name}>"));
    xml
}

// ---------------------------------------------------------------------------------------------
// CopyObject

fn copy_object(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let destination = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, destination.as_ref(), Access::Write)?;
    let source = copy_source(ctx)?;
    let replace = match ctx.header(METADATA_DIRECTIVE).map(str::trim) {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(other) => {
            return Err(OssError::invalid_argument(
                "x-oss-metadata-directive must be COPY or REPLACE.",
            )
            .field("ArgumentName", METADATA_DIRECTIVE)
            .field("ArgumentValue", other));
        }
    };
    let StoredObject { meta: src, data } = readable_source(emulator, ctx, &source)?;
    let onto_itself = source.bucket == bucket.name && source.key == ctx.key;
    let overwrites = onto_itself || destination.is_some();
    if overwrites && forbids_overwrite(ctx) {
        return Err(file_already_exists());
    }
    let acl = requested_object_acl(ctx)?.map(str::to_string);
    let storage_class = ctx.header("x-oss-storage-class").map(str::to_string);

    // The data, its ETag and CRC are the source's; the metadata is the source's (COPY) or
    // this request's (REPLACE). A copy of a symlink is the link, not its target.
    let mut meta = if replace {
        let mut meta = new_meta(ctx, &ctx.key, src.object_type)?;
        (meta.size, meta.etag, meta.crc64) = (src.size, src.etag.clone(), src.crc64);
        meta.symlink_target = src.symlink_target.clone();
        meta
    } else {
        ObjectMeta {
            key: ctx.key.clone(),
            ..src.clone()
        }
    };
    meta.last_modified = ctx.now;
    meta.storage_class = storage_class.unwrap_or_else(|| src.storage_class.clone());
    // An ACL is not metadata: a copy gets the one asked for, or follows its bucket; an object
    // copied onto itself keeps its own.
    meta.acl = acl.unwrap_or_else(|| {
        if onto_itself {
            src.acl.clone()
        } else {
            "default".to_string()
        }
    });

    if onto_itself {
        // Same bucket, same key: OSS changes the metadata only, without copying the data.
        emulator
            .store
            .update_object(&bucket.name, meta.clone())
            .map_err(|e| store_error(e, ctx))?;
    } else {
        let mut reader = HashingReader::new(data);
        let staged = emulator
            .store
            .stage(&bucket.name, &mut reader)
            .map_err(|e| store_error(e, ctx))?;
        if reader.size != src.size || reader.crc.value() != src.crc64 {
            // Keep nothing (the staged bytes go with `staged`).
            return Err(damaged(&source.key));
        }
        emulator
            .store
            .commit_object(&bucket.name, staged, meta.clone())
            .map_err(|e| store_error(e, ctx))?;
    }
    Ok(Response::xml(
        200,
        copy_result("CopyObjectResult", &meta.etag, meta.last_modified),
    )
    .with_header("ETag", meta.etag.clone())
    .with_header("x-oss-hash-crc64ecma", meta.crc64.to_string()))
}

// ---------------------------------------------------------------------------------------------
// UploadPartCopy

/// `x-oss-copy-source-range: bytes=first-last` of an object of `size` bytes; absent: all of it.
fn copy_range(ctx: &Context<'_>, size: u64) -> Result<std::ops::Range<u64>, OssError> {
    let Some(text) = ctx.header("x-oss-copy-source-range") else {
        return Ok(0..size);
    };
    let invalid = || {
        OssError::invalid_argument("The x-oss-copy-source-range you specified is not valid.")
            .field("ArgumentName", "x-oss-copy-source-range")
            .field("ArgumentValue", text)
            .field("ActualObjectSize", size.to_string())
    };
    let (first, last) = text
        .trim()
        .strip_prefix("bytes=")
        .and_then(|spec| spec.split_once('-'))
        .ok_or_else(invalid)?;
    let first: u64 = first.trim().parse().map_err(|_| invalid())?;
    let last: u64 = match last.trim() {
        "" => size.checked_sub(1).ok_or_else(invalid)?,
        last => last.parse().map_err(|_| invalid())?,
    };
    if first > last || last >= size {
        return Err(invalid());
    }
    Ok(first..last + 1)
}

/// UploadPartCopy: part `number` of `upload` becomes a range of another object. Called by
/// [`crate::multipart`] once the upload and the part number are known good.
pub(crate) fn upload_part_copy(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    upload: &UploadMeta,
    number: u32,
) -> Outcome {
    let source = copy_source(ctx)?;
    let src = readable_source(emulator, ctx, &source)?;
    let range = copy_range(ctx, src.meta.size)?;
    let length = range.end - range.start;
    let data = src
        .range(range)
        .map_err(|e| store_error(StoreError::Io(e), ctx))?;
    let reader = HashingReader::new(data);
    let part = store_part(emulator, ctx, bucket, upload, number, reader, |reader| {
        if reader.size == length {
            Ok(())
        } else {
            Err(damaged(&source.key))
        }
    })?;
    Ok(Response::xml(
        200,
        copy_result("CopyPartResult", &part.etag, part.last_modified),
    )
    .with_header("ETag", part.etag)
    .with_header("x-oss-hash-crc64ecma", part.crc64.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Symlinks

/// PutSymlink. The link is an object of type Symlink whose data is its target's name (what
/// OSS bills it for); the target need not exist.
fn put_symlink(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let existing = emulator.store.object(&bucket.name, &ctx.key);
    authorize_object(ctx, bucket, existing.as_ref(), Access::Write)?;
    let raw = ctx.header(SYMLINK_TARGET).ok_or_else(|| {
        OssError::new(400, "MissingArgument", "Missing Some Required Arguments.")
            .field("ArgumentName", SYMLINK_TARGET)
    })?;
    let invalid = || {
        OssError::invalid_argument("The symlink target is not a valid object name.")
            .field("ArgumentName", SYMLINK_TARGET)
            .field("ArgumentValue", raw)
    };
    let target = percent_decode(raw, false).ok_or_else(invalid)?;
    if target.is_empty() || target.len() > MAX_KEY_LEN {
        return Err(invalid());
    }
    if forbids_overwrite(ctx) && existing.is_some() {
        return Err(file_already_exists());
    }
    let mut meta = new_meta(ctx, &ctx.key, ObjectType::Symlink)?;
    let data = target.as_bytes();
    meta.size = data.len() as u64;
    meta.etag = quoted_md5(&Md5::digest(data));
    meta.crc64 = crc64::checksum(data);
    meta.symlink_target = Some(target.clone());
    let staged = emulator
        .store
        .stage(&bucket.name, &mut &data[..])
        .map_err(|e| store_error(e, ctx))?;
    emulator
        .store
        .commit_object(&bucket.name, staged, meta.clone())
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(200).with_header("ETag", meta.etag))
}

/// GetSymlink: the target in `x-oss-symlink-target`, percent-encoded as OSS sends it (oss2
/// unquotes it), with the link's own ETag, Last-Modified and metadata.
fn get_symlink(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let object = readable_object(emulator, ctx, bucket)?;
    let Some(target) = object
        .symlink_target
        .as_deref()
        .filter(|_| object.object_type == ObjectType::Symlink)
    else {
        return Err(
            OssError::new(400, "NotSymlink", "The specified object is not a symlink.")
                .field("Key", ctx.key.clone()),
        );
    };
    let mut encoded = String::with_capacity(target.len() * 3);
    push_encoded(&mut encoded, target, STRICT);
    let mut response = Response::new(200);
    for (name, value) in &object.headers {
        response.set_header(name, value.clone());
    }
    response.set_header(SYMLINK_TARGET, encoded);
    response.set_header("ETag", object.etag.clone());
    response.set_header(
        "Last-Modified",
        oss_core::dates::http_date(object.last_modified).unwrap_or_default(),
    );
    Ok(response)
}

/// GET or HEAD of a symlink: the target's data, answered as OSS answers it. Content-Length,
/// ETag, storage class and CRC-64 are the target's (they describe the data); Last-Modified is
/// the later of the link's and the target's; everything else (Content-Type, `x-oss-meta-*`,
/// the object type `Symlink`) is the link's. Both ACLs must let the caller read. A missing
/// target is 404 `SymlinkTargetNotExist`, a target that is itself a link 400
/// `InvalidTargetType`.
fn follow_symlink(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    link: ObjectMeta,
) -> Outcome {
    authorize_object(ctx, bucket, Some(&link), Access::Read)?;
    let target_key = link.symlink_target.clone().unwrap_or_default();
    let target = emulator
        .store
        .object(&bucket.name, &target_key)
        .ok_or_else(|| {
            OssError::new(
                404,
                "SymlinkTargetNotExist",
                "The symlink target object does not exist.",
            )
            .field("Key", ctx.key.clone())
            .field("SymlinkTarget", target_key.clone())
        })?;
    if target.object_type == ObjectType::Symlink {
        return Err(OssError::new(
            400,
            "InvalidTargetType",
            "The symlink target object type is not supported: it is a symlink too.",
        )
        .field("Key", ctx.key.clone())
        .field("SymlinkTarget", target_key));
    }
    let last_modified = link.last_modified.max(target.last_modified);
    check_conditions(ctx, "", &target.etag, last_modified)?;

    // The target answers (its ACL, ranges, the body), without the conditions decided above.
    let mut request = ctx.request.clone();
    request.headers.retain(|(name, _)| {
        ![
            "if-match",
            "if-none-match",
            "if-modified-since",
            "if-unmodified-since",
        ]
        .iter()
        .any(|condition| name.eq_ignore_ascii_case(condition))
    });
    let target_ctx = Context {
        method: ctx.method,
        bucket: ctx.bucket.clone(),
        key: target_key,
        query: ctx.query.clone(),
        request: &request,
        caller: ctx.caller.clone(),
        now: ctx.now,
    };
    let mut response = crate::object::handle(emulator, &target_ctx, &mut io::empty())?;
    response.headers.retain(|(name, _)| !is_object_header(name));
    for (name, value) in &link.headers {
        response.set_header(name, value.clone());
    }
    for (param, header) in RESPONSE_OVERRIDES {
        if let Some(value) = ctx.param(param) {
            response.set_header(header, value);
        }
    }
    response.set_header(
        "Last-Modified",
        oss_core::dates::http_date(last_modified).unwrap_or_default(),
    );
    response.set_header("x-oss-object-type", ObjectType::Symlink.as_str());
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// DeleteMultipleObjects

/// An object the Delete document names: key, and version when one is given.
type Named = (String, Option<String>);

/// The `<Delete>` document: Quiet (default false) and 1 to 1000 objects.
fn parse_delete(document: &[u8]) -> Result<(bool, Vec<Named>), OssError> {
    let root = oss_core::xml::parse(document).map_err(|_| OssError::malformed_xml())?;
    if root.name != "Delete" {
        return Err(OssError::malformed_xml());
    }
    let quiet = root
        .optional_bool_any_case("Quiet")
        .map_err(|_| OssError::malformed_xml())?
        .unwrap_or(false);
    let objects = root
        .children_named("Object")
        .map(|object| {
            let key = object
                .required_text("Key")
                .map_err(|_| OssError::malformed_xml())?;
            if key.is_empty() || key.len() > MAX_KEY_LEN {
                return Err(OssError::malformed_xml());
            }
            let version_id = object.child_text("VersionId").map(str::to_string);
            Ok((key.to_string(), version_id))
        })
        .collect::<Result<Vec<_>, OssError>>()?;
    if objects.is_empty() || objects.len() > MAX_DELETE_OBJECTS {
        return Err(OssError::new(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema: a Delete request names 1 to 1000 objects.",
        ));
    }
    Ok((quiet, objects))
}

/// DeleteMultipleObjects. Content-MD5 is required (400 MissingArgument without it) and
/// checked (InvalidDigest); keys that do not exist count as deleted, as OSS counts them. In
/// quiet mode a fully successful request answers with no body.
fn delete_objects(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Write)?;
    let url = url_encoding(ctx)?;
    if ctx.header("content-md5").is_none() {
        return Err(
            OssError::new(400, "MissingArgument", "Missing Some Required Arguments.")
                .field("ArgumentName", "Content-MD5"),
        );
    }
    let document = read_document(ctx, body, MAX_DELETE_DOCUMENT)?;
    let (quiet, objects) = parse_delete(&document)?;
    for (key, version_id) in &objects {
        // Objects here have one version, `null`; another version of a key does not exist,
        // and deleting what does not exist succeeds.
        if version_id
            .as_deref()
            .is_none_or(|v| v.is_empty() || v == "null")
        {
            emulator
                .store
                .delete_object(&bucket.name, key)
                .map_err(|e| store_error(e, ctx))?;
        }
    }
    if quiet {
        return Ok(Response::new(200));
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult>");
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    for (key, version_id) in &objects {
        xml.push_str("<Deleted>");
        push_name(&mut xml, "Key", key, url);
        if let Some(version_id) = version_id.as_deref().filter(|v| !v.is_empty()) {
            push_text_element(&mut xml, "VersionId", version_id);
        }
        xml.push_str("</Deleted>");
    }
    xml.push_str("</DeleteResult>");
    Ok(Response::xml(200, xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_documents() {
        let (quiet, objects) = parse_delete(
            b"<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>null</VersionId></Object></Delete>",
        )
        .unwrap();
        assert!(quiet);
        assert_eq!(
            objects,
            [
                ("a&b".to_string(), None),
                ("c".to_string(), Some("null".to_string()))
            ]
        );
        for bad in [
            &b"<Delete><Quiet>false</Quiet></Delete>"[..],
            b"<Delete><Object><VersionId>v</VersionId></Object></Delete>",
            b"<Delete><Quiet>maybe</Quiet><Object><Key>k</Key></Object></Delete>",
            b"<Other><Object><Key>k</Key></Object></Other>",
            b"<Delete><Object><Key>k</Key>",
        ] {
            assert_eq!(parse_delete(bad).unwrap_err().code, "MalformedXML");
        }
    }
}
