//! Building multipart operations from `signing.json` records. CompleteMultipartUpload's part
//! list is read back from the record's XML body, so the body compared is ours.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, InitMultipartUpload, ListMultipartUploads,
    ListParts, PartInfo, UploadPart, UploadPartCopy,
};
use oss_core::ops::object::ByteRange;
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, header, headers, key, param};
// symlink.rs takes it from here.
pub use super::params_except;

pub const OPERATIONS: &[&str] = &[
    "Bucket.init_multipart_upload",
    "Bucket.upload_part",
    "Bucket.upload_part_copy",
    "Bucket.complete_multipart_upload",
    "Bucket.abort_multipart_upload",
    "Bucket.list_multipart_uploads",
    "Bucket.list_parts",
];

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let (bucket, key) = (bucket(record), key(record));
    let upload_id = param(record, "uploadId").unwrap_or("");
    let part_number = || {
        param(record, "partNumber")
            .and_then(|n| n.parse().ok())
            .expect("a part number")
    };
    Some(match op {
        "Bucket.init_multipart_upload" => {
            let mut init = InitMultipartUpload::new(bucket, key);
            (init.params, init.headers) = (params_except(record, &["uploads"]), headers(record));
            init.request()
        }
        "Bucket.upload_part" => {
            let mut upload = UploadPart::new(bucket, key, upload_id, part_number(), None);
            upload.headers = headers(record);
            upload.request()
        }
        "Bucket.upload_part_copy" => {
            let (source_bucket, source_key, version) =
                super::copy::copy_source(record).expect("copy records name their source");
            let range = header(record, "x-oss-copy-source-range").map(parse_range);
            let mut copy = UploadPartCopy::new(
                &source_bucket,
                &source_key,
                range,
                bucket,
                key,
                upload_id,
                part_number(),
            );
            copy.source_version_id = version;
            copy.params = params_except(record, &["uploadId", "partNumber"]);
            copy.headers = headers(record);
            copy.headers.remove("x-oss-copy-source");
            copy.headers.remove("x-oss-copy-source-range");
            copy.request()
        }
        "Bucket.complete_multipart_upload" => {
            let mut complete = match record["body"].as_str() {
                // Reversed: the operation must sort the parts itself.
                Some(body) => {
                    let mut parts = parts(body);
                    parts.reverse();
                    CompleteMultipartUpload::new(bucket, key, upload_id, parts)
                }
                None => CompleteMultipartUpload::all(bucket, key, upload_id),
            };
            complete.headers = headers(record);
            complete.request()
        }
        "Bucket.abort_multipart_upload" => {
            let mut abort = AbortMultipartUpload::new(bucket, key, upload_id);
            abort.headers = headers(record);
            abort.request()
        }
        "Bucket.list_multipart_uploads" => {
            let text = |name| param(record, name).unwrap_or("").to_string();
            let mut list = ListMultipartUploads::new(bucket);
            list.prefix = text("prefix");
            list.delimiter = text("delimiter");
            list.key_marker = text("key-marker");
            list.upload_id_marker = text("upload-id-marker");
            list.max_uploads = text("max-uploads").parse().expect("max-uploads");
            list.headers = headers(record);
            list.request()
        }
        "Bucket.list_parts" => {
            let mut list = ListParts::new(bucket, key, upload_id);
            list.marker = param(record, "part-number-marker")
                .unwrap_or("")
                .to_string();
            list.max_parts = param(record, "max-parts")
                .and_then(|n| n.parse().ok())
                .expect("max-parts");
            list.headers = headers(record);
            list.request()
        }
        _ => return None,
    })
}

/// The parts of a `<CompleteMultipartUpload>` body, in body order, ETags unquoted.
fn parts(body: &str) -> Vec<PartInfo> {
    let root = oss_core::xml::parse(body.as_bytes()).expect("the record's body is XML");
    root.children_named("Part")
        .map(|part| {
            let number = part.child_text("PartNumber").expect("PartNumber");
            let etag = part.child_text("ETag").expect("ETag");
            PartInfo::new(number.parse().expect("a number"), etag.trim_matches('"'))
        })
        .collect()
}

/// `bytes=a-b` back into a `ByteRange`.
fn parse_range(header: &str) -> ByteRange {
    let (first, last) = header
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .expect("a byte range");
    let number = |s: &str| (!s.is_empty()).then(|| s.parse().expect("a number"));
    (number(first), number(last))
}
