//! Multipart uploads: InitiateMultipartUpload, UploadPart (and UploadPartCopy),
//! CompleteMultipartUpload, AbortMultipartUpload, ListParts (object level) and
//! ListMultipartUploads (bucket level).
//!
//! Parts stream through [`crate::body::HashingReader`] into the store, like simple uploads; completing an
//! upload never reads part data here: the object's ETag follows from the parts' MD5s and its
//! CRC-64 from the parts' CRCs ([`oss_core::crc64::combine`]), as OSS computes them.

use std::io::Read;

use md5::{Digest as _, Md5};
use oss_core::encoding::push_encoded;
use oss_core::request::Method;
use oss_core::xml::{push_bool_element, push_number_element, push_text_element};

use crate::auth::iso;
use crate::body::{HashingReader, hex_upper, read_document};
use crate::common::{
    file_already_exists, forbids_overwrite, method_not_allowed, page_size, push_name, store_error,
    url_encoding,
};
use crate::error::OssError;
use crate::handler::{Access, Context, Emulator, Outcome, authorize};
use crate::http::Response;
use crate::listing::{Entry, Page};
use crate::object::new_meta;
use crate::store::{BucketMeta, ObjectType, PartMeta, StoreError, UploadMeta};

/// Object-level sub-resources this module answers.
pub(crate) const OBJECT_SUBRESOURCES: &[&str] = &["uploads", "uploadId", "partNumber"];
/// Bucket-level sub-resources this module answers.
pub(crate) const BUCKET_SUBRESOURCES: &[&str] = &["uploads"];

/// Every part but the last must be at least this big when the upload is completed.
pub(crate) const MIN_PART_SIZE: u64 = 100 * 1024;
/// Part numbers run from 1 to this.
const MAX_PART_NUMBER: u32 = oss_core::ops::multipart::MAX_PART_NUMBER;
/// The most entries of one ListParts or ListMultipartUploads page, and the default.
const MAX_PAGE: usize = oss_core::ops::multipart::MAX_LIST_PAGE as usize;
/// The largest CompleteMultipartUpload document taken (10000 parts need about 1 MiB).
const MAX_COMPLETE_DOCUMENT: u64 = 4 << 20;

/// The object-level requests that are this module's; None: not one of them.
pub(crate) fn handle_object(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Option<Outcome> {
    let outcome = match ctx.method {
        Method::Post if ctx.has("uploads") => initiate(emulator, ctx, bucket),
        Method::Post if ctx.has("uploadId") => complete(emulator, ctx, bucket, body),
        Method::Put if ctx.has("uploadId") => upload_part(emulator, ctx, bucket, body),
        Method::Delete if ctx.has("uploadId") => abort(emulator, ctx, bucket),
        Method::Get if ctx.has("uploadId") => list_parts(emulator, ctx, bucket),
        _ if ctx.has("uploads") || ctx.has("uploadId") => Err(method_not_allowed()),
        // A part number names a part of an upload; without one, a PUT would replace the object.
        _ if ctx.has("partNumber") => Err(OssError::invalid_argument(
            "partNumber is only taken together with uploadId.",
        )
        .field("ArgumentName", "uploadId")),
        _ => return None,
    };
    Some(outcome)
}

/// The bucket-level requests that are this module's; None: not one of them.
pub(crate) fn handle_bucket(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    _body: &mut dyn Read,
) -> Option<Outcome> {
    if !ctx.has("uploads") {
        return None;
    }
    Some(match ctx.method {
        Method::Get => list_uploads(emulator, ctx, bucket),
        _ => Err(method_not_allowed()),
    })
}

fn no_such_upload(upload_id: &str) -> OssError {
    OssError::new(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
    .field("UploadId", upload_id)
}

/// The upload `uploadId` names, which must be one of this object's.
fn existing_upload(emulator: &Emulator, ctx: &Context<'_>) -> Result<UploadMeta, OssError> {
    let upload_id = ctx.param("uploadId").unwrap_or("");
    emulator
        .store
        .upload(ctx.bucket_name(), upload_id)
        .filter(|upload| upload.key == ctx.key)
        .ok_or_else(|| no_such_upload(upload_id))
}

/// The store's answer, with `NoSuchUpload` naming the upload.
fn upload_error(e: StoreError, ctx: &Context<'_>) -> OssError {
    match e {
        StoreError::NoSuchUpload => no_such_upload(ctx.param("uploadId").unwrap_or("")),
        other => store_error(other, ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// InitiateMultipartUpload

/// Upload IDs are 32 upper-case hex digits, like OSS's: an MD5 of what makes them unique (the
/// bucket, key, time and the emulator's upload count), checked against the store's uploads
/// (a directory store may hold uploads of an earlier run). The same requests at the same
/// times get the same IDs.
fn new_upload_id(emulator: &Emulator, bucket: &str, key: &str, now: i64) -> String {
    loop {
        let n = emulator.next_upload_number();
        let mut md5 = Md5::new();
        md5.update(format!("{bucket}\n{key}\n{now}\n{n}").as_bytes());
        let id = hex_upper(&md5.finalize());
        if emulator.store.upload(bucket, &id).is_none() {
            return id;
        }
    }
}

fn initiate(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Write)?;
    let url = url_encoding(ctx)?;
    if forbids_overwrite(ctx) && emulator.store.object(&bucket.name, &ctx.key).is_some() {
        return Err(file_already_exists());
    }
    // Headers, ACL and storage class of the object to be: the parts cannot carry them.
    let object = new_meta(ctx, &ctx.key, ObjectType::Multipart)?;
    let upload_id = new_upload_id(emulator, &bucket.name, &ctx.key, ctx.now);
    emulator
        .store
        .create_upload(
            &bucket.name,
            UploadMeta {
                upload_id: upload_id.clone(),
                key: ctx.key.clone(),
                initiated: ctx.now,
                object,
            },
        )
        .map_err(|e| store_error(e, ctx))?;
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult>");
    push_text_element(&mut xml, "Bucket", &bucket.name);
    push_name(&mut xml, "Key", &ctx.key, url);
    push_text_element(&mut xml, "UploadId", &upload_id);
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    xml.push_str("</InitiateMultipartUploadResult>");
    Ok(Response::xml(200, xml))
}

// ---------------------------------------------------------------------------------------------
// UploadPart

/// `partNumber`: 1..=10000.
fn part_number(ctx: &Context<'_>) -> Result<u32, OssError> {
    let text = ctx.param("partNumber").unwrap_or("");
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_PART_NUMBER).contains(n))
        .ok_or_else(|| {
            OssError::invalid_argument(
                "Part number must be an integer between 1 and 10000, inclusive.",
            )
            .field("ArgumentName", "partNumber")
            .field("ArgumentValue", text)
        })
}

fn upload_part(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Write)?;
    let number = part_number(ctx)?;
    let upload = existing_upload(emulator, ctx)?;
    if ctx.header(oss_core::ops::copy::COPY_SOURCE).is_some() {
        return crate::copy::upload_part_copy(emulator, ctx, bucket, &upload, number);
    }
    let reader = HashingReader::checked(body, ctx);
    let part = store_part(emulator, ctx, bucket, &upload, number, reader, |_| Ok(()))?;
    Ok(Response::new(200)
        .with_header("ETag", part.etag)
        .with_header("x-oss-hash-crc64ecma", part.crc64.to_string()))
}

/// Stages what `reader` gives as part `number` of `upload`, and commits it (UploadPart,
/// UploadPartCopy); `check` may refuse the bytes once they are read, and nothing is kept.
pub(crate) fn store_part<R: Read>(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    upload: &UploadMeta,
    number: u32,
    mut reader: HashingReader<R>,
    check: impl FnOnce(&HashingReader<R>) -> Result<(), OssError>,
) -> Result<PartMeta, OssError> {
    let staged = emulator
        .store
        .stage(&bucket.name, &mut reader)
        .map_err(|e| store_error(e, ctx))?;
    check(&reader)?;
    let part = PartMeta {
        part_number: number,
        size: reader.size,
        etag: reader.etag(),
        crc64: reader.crc.value(),
        last_modified: ctx.now,
    };
    emulator
        .store
        .commit_part(&bucket.name, &upload.upload_id, staged, part.clone())
        .map_err(|e| upload_error(e, ctx))?;
    Ok(part)
}

// ---------------------------------------------------------------------------------------------
// CompleteMultipartUpload

/// The part list of a CompleteMultipartUpload document: (part number, ETag without quotes).
fn parse_part_list(document: &[u8]) -> Result<Vec<(u32, String)>, OssError> {
    let root = oss_core::xml::parse(document).map_err(|_| OssError::malformed_xml())?;
    if root.name != "CompleteMultipartUpload" {
        return Err(OssError::malformed_xml());
    }
    let parts = root
        .children_named("Part")
        .map(|part| {
            let number = part
                .required_unsigned::<u32>("PartNumber")
                .map_err(|_| OssError::malformed_xml())?;
            let etag = part
                .required_text("ETag")
                .map_err(|_| OssError::malformed_xml())?;
            Ok((number, oss_core::response::strip_quotes(etag).to_string()))
        })
        .collect::<Result<Vec<_>, OssError>>()?;
    if parts.is_empty() {
        return Err(OssError::malformed_xml());
    }
    Ok(parts)
}

/// The 16 bytes of an ETag of a simple upload (`"HEX"`); None for any other form.
fn etag_digest(etag: &str) -> Option<[u8; 16]> {
    let hex = etag.trim().trim_matches('"');
    if hex.len() != 32 {
        return None;
    }
    let mut digest = [0u8; 16];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(digest)
}

/// `"<MD5 of the parts' binary MD5s, in order>-<number of parts>"`, as OSS writes the ETag
/// of a multipart object.
fn multipart_etag(parts: &[&PartMeta]) -> String {
    let mut md5 = Md5::new();
    for part in parts {
        match etag_digest(&part.etag) {
            Some(digest) => md5.update(digest),
            // Not an MD5 (a store that kept something else): its text still identifies it.
            None => md5.update(part.etag.as_bytes()),
        }
    }
    format!("\"{}-{}\"", hex_upper(&md5.finalize()), parts.len())
}

fn complete(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Write)?;
    let url = url_encoding(ctx)?;
    let upload = existing_upload(emulator, ctx)?;
    let document = read_document(ctx, body, MAX_COMPLETE_DOCUMENT)?;
    let stored = emulator
        .store
        .parts(&bucket.name, &upload.upload_id)
        .map_err(|e| upload_error(e, ctx))?;
    let complete_all = ctx.header(oss_core::ops::multipart::COMPLETE_ALL);
    let parts: Vec<&PartMeta> = match complete_all {
        Some(value) if value.trim().eq_ignore_ascii_case("yes") => {
            if !document.iter().all(u8::is_ascii_whitespace) {
                return Err(OssError::invalid_argument(
                    "The part list must be empty when x-oss-complete-all is yes.",
                )
                .field("ArgumentName", oss_core::ops::multipart::COMPLETE_ALL));
            }
            if stored.is_empty() {
                return Err(OssError::invalid_argument(
                    "The upload has no parts to complete with.",
                )
                .field("UploadId", upload.upload_id.clone()));
            }
            stored.iter().collect()
        }
        Some(other) => {
            return Err(
                OssError::invalid_argument("x-oss-complete-all must be yes.")
                    .field("ArgumentName", oss_core::ops::multipart::COMPLETE_ALL)
                    .field("ArgumentValue", other),
            );
        }
        None => {
            let listed = parse_part_list(&document)?;
            if listed.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
                return Err(OssError::new(
                    400,
                    "InvalidPartOrder",
                    "The list of parts was not in ascending order. Parts list must be specified in order by part number.",
                )
                .field("UploadId", upload.upload_id.clone()));
            }
            listed
                .iter()
                .map(|(number, etag)| {
                    stored
                        .iter()
                        .find(|part| part.part_number == *number)
                        .filter(|part| part.etag.trim_matches('"').eq_ignore_ascii_case(etag))
                        .ok_or_else(|| {
                            OssError::new(
                                400,
                                "InvalidPart",
                                "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
                            )
                            .field("UploadId", upload.upload_id.clone())
                            .field("PartNumber", number.to_string())
                            .field("ETag", etag.clone())
                        })
                })
                .collect::<Result<_, _>>()?
        }
    };
    if let Some(small) = parts[..parts.len() - 1]
        .iter()
        .find(|part| part.size < MIN_PART_SIZE)
    {
        return Err(OssError::new(
            400,
            "EntityTooSmall",
            "Your proposed upload smaller than the minimum allowed object size.",
        )
        .field("MinSizeAllowed", MIN_PART_SIZE.to_string())
        .field("ProposedSize", small.size.to_string())
        .field("PartNumber", small.part_number.to_string()));
    }
    if forbids_overwrite(ctx) && emulator.store.object(&bucket.name, &ctx.key).is_some() {
        return Err(file_already_exists());
    }

    let mut meta = upload.object.clone();
    if ctx.header("x-oss-object-acl").is_some() {
        // Given again at completion, the ACL (checked as uploads check it) replaces the one
        // given at initiation.
        meta.acl = new_meta(ctx, &ctx.key, ObjectType::Multipart)?.acl;
    }
    meta.key = ctx.key.clone();
    meta.object_type = ObjectType::Multipart;
    meta.last_modified = ctx.now;
    meta.size = parts.iter().map(|part| part.size).sum();
    meta.crc64 = parts.iter().fold(0, |crc, part| {
        oss_core::crc64::combine(crc, part.crc64, part.size)
    });
    meta.etag = multipart_etag(&parts);
    let numbers: Vec<u32> = parts.iter().map(|part| part.part_number).collect();
    let meta = emulator
        .store
        .complete_upload(&bucket.name, &upload.upload_id, &numbers, meta)
        .map_err(|e| upload_error(e, ctx))?;

    let host = ctx.header("host").unwrap_or("localhost");
    let mut encoded_key = String::with_capacity(ctx.key.len() * 3);
    push_encoded(&mut encoded_key, &ctx.key, oss_core::encoding::SLASH_SAFE);
    let location = if host.starts_with(&format!("{}.", bucket.name)) {
        format!("http://{host}/{encoded_key}")
    } else {
        format!("http://{host}/{}/{encoded_key}", bucket.name)
    };
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult>");
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    push_text_element(&mut xml, "Location", &location);
    push_text_element(&mut xml, "Bucket", &bucket.name);
    push_name(&mut xml, "Key", &ctx.key, url);
    push_text_element(&mut xml, "ETag", &meta.etag);
    xml.push_str("</CompleteMultipartUploadResult>");
    Ok(Response::xml(200, xml)
        .with_header("ETag", meta.etag.clone())
        .with_header("x-oss-hash-crc64ecma", meta.crc64.to_string()))
}

// ---------------------------------------------------------------------------------------------
// AbortMultipartUpload

fn abort(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Write)?;
    let upload = existing_upload(emulator, ctx)?;
    emulator
        .store
        .abort_upload(&bucket.name, &upload.upload_id)
        .map_err(|e| upload_error(e, ctx))?;
    Ok(Response::new(204))
}

// ---------------------------------------------------------------------------------------------
// ListParts

fn list_parts(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Read)?;
    let url = url_encoding(ctx)?;
    let limit = page_size(ctx, "max-parts", MAX_PAGE)?;
    let marker_text = ctx.param("part-number-marker").unwrap_or("");
    let marker: u32 = if marker_text.is_empty() {
        0
    } else {
        marker_text.parse().map_err(|_| {
            OssError::invalid_argument("Argument part-number-marker must be an integer.")
                .field("ArgumentName", "part-number-marker")
                .field("ArgumentValue", marker_text)
        })?
    };
    let upload = existing_upload(emulator, ctx)?;
    let mut parts = emulator
        .store
        .parts(&bucket.name, &upload.upload_id)
        .map_err(|e| upload_error(e, ctx))?;
    parts.sort_by_key(|part| part.part_number);
    let mut page: Vec<&PartMeta> = parts
        .iter()
        .filter(|part| part.part_number > marker)
        .collect();
    let truncated = page.len() > limit;
    page.truncate(limit);
    let next_marker = page.last().map_or(marker, |part| part.part_number);

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult>");
    push_text_element(&mut xml, "Bucket", &bucket.name);
    push_name(&mut xml, "Key", &ctx.key, url);
    push_text_element(&mut xml, "UploadId", &upload.upload_id);
    push_text_element(&mut xml, "StorageClass", &upload.object.storage_class);
    push_number_element(&mut xml, "PartNumberMarker", marker);
    push_number_element(&mut xml, "NextPartNumberMarker", next_marker);
    push_number_element(&mut xml, "MaxParts", limit);
    push_bool_element(&mut xml, "IsTruncated", truncated);
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    for part in page {
        xml.push_str("<Part>");
        push_number_element(&mut xml, "PartNumber", part.part_number);
        push_text_element(&mut xml, "LastModified", &iso(part.last_modified));
        push_text_element(&mut xml, "ETag", &part.etag);
        push_number_element(&mut xml, "HashCrc64ecma", part.crc64);
        push_number_element(&mut xml, "Size", part.size);
        xml.push_str("</Part>");
    }
    xml.push_str("</ListPartsResult>");
    Ok(Response::xml(200, xml))
}

// ---------------------------------------------------------------------------------------------
// ListMultipartUploads

fn list_uploads(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Read)?;
    let url = url_encoding(ctx)?;
    let limit = page_size(ctx, "max-uploads", MAX_PAGE)?;
    let prefix = ctx.param("prefix").unwrap_or("");
    let delimiter = ctx.param("delimiter").unwrap_or("");
    let key_marker = ctx.param("key-marker").unwrap_or("");
    let upload_id_marker = ctx.param("upload-id-marker").unwrap_or("");

    // By key, then by start time (OSS's order); the upload ID breaks ties.
    let mut uploads = emulator
        .store
        .uploads(&bucket.name)
        .map_err(|e| store_error(e, ctx))?;
    uploads.retain(|upload| upload.key.starts_with(prefix));
    uploads.sort_by(|a, b| {
        (&a.key, a.initiated, &a.upload_id).cmp(&(&b.key, b.initiated, &b.upload_id))
    });
    // With an upload ID marker, the uploads of the key marker after that upload come first;
    // without one, the listing starts after the key marker.
    let marker_upload = (!upload_id_marker.is_empty())
        .then(|| {
            uploads
                .iter()
                .find(|u| u.key == key_marker && u.upload_id == upload_id_marker)
                .map(|u| (u.initiated, u.upload_id.clone()))
        })
        .flatten();
    let after_marker = |upload: &UploadMeta| -> bool {
        if upload.key.as_str() != key_marker {
            return upload.key.as_str() > key_marker;
        }
        if upload_id_marker.is_empty() {
            return false;
        }
        match &marker_upload {
            Some((initiated, id)) => (upload.initiated, &upload.upload_id) > (*initiated, id),
            None => upload.upload_id.as_str() > upload_id_marker,
        }
    };

    // Uploads under a common prefix already listed (on this page or, as the key marker, on
    // an earlier one) collapse into it.
    let mut page = Page::new(prefix, delimiter, key_marker, limit);
    for upload in uploads.iter().filter(|u| after_marker(u)) {
        if !page.push(&upload.key, upload) {
            break;
        }
    }
    let (entries, truncated) = (page.entries, page.truncated);
    let (next_key_marker, next_upload_id_marker) = match entries.last() {
        Some(Entry::Item(upload)) => (upload.key.as_str(), upload.upload_id.as_str()),
        Some(Entry::Prefix(common)) => (common.as_str(), ""),
        None => ("", ""),
    };

    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListMultipartUploadsResult>");
    push_text_element(&mut xml, "Bucket", &bucket.name);
    push_name(&mut xml, "KeyMarker", key_marker, url);
    push_text_element(&mut xml, "UploadIdMarker", upload_id_marker);
    push_name(&mut xml, "NextKeyMarker", next_key_marker, url);
    push_text_element(&mut xml, "NextUploadIdMarker", next_upload_id_marker);
    push_name(&mut xml, "Delimiter", delimiter, url);
    push_name(&mut xml, "Prefix", prefix, url);
    push_number_element(&mut xml, "MaxUploads", limit);
    push_bool_element(&mut xml, "IsTruncated", truncated);
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    for entry in &entries {
        match entry {
            Entry::Item(upload) => {
                xml.push_str("<Upload>");
                push_name(&mut xml, "Key", &upload.key, url);
                push_text_element(&mut xml, "UploadId", &upload.upload_id);
                push_text_element(&mut xml, "StorageClass", &upload.object.storage_class);
                push_text_element(&mut xml, "Initiated", &iso(upload.initiated));
                xml.push_str("</Upload>");
            }
            Entry::Prefix(common) => {
                xml.push_str("<CommonPrefixes>");
                push_name(&mut xml, "Prefix", common, url);
                xml.push_str("</CommonPrefixes>");
            }
        }
    }
    xml.push_str("</ListMultipartUploadsResult>");
    Ok(Response::xml(200, xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_etags_hash_the_binary_part_md5s() {
        let part = |etag: &str| PartMeta {
            part_number: 1,
            size: 1,
            etag: etag.to_string(),
            crc64: 0,
            last_modified: 0,
        };
        // MD5("a") and MD5("b"), as simple-upload ETags.
        let a = part("\"0CC175B9C0F1B6A831C399E269772661\"");
        let b = part("\"92EB5FFEE6AE2FEC3AD71C777531578F\"");
        let mut md5 = Md5::new();
        md5.update(etag_digest(&a.etag).unwrap());
        md5.update(etag_digest(&b.etag).unwrap());
        let expected = format!("\"{}-2\"", hex_upper(&md5.finalize()));
        assert_eq!(multipart_etag(&[&a, &b]), expected);
        assert_eq!(etag_digest("\"xyz\""), None);
    }
}
