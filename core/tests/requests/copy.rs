//! Building copy operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::encoding::url_decode;
use oss_core::ops::Operation;
use oss_core::ops::copy::{CopyObject, UpdateObjectMeta};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, header, headers, key};

pub const OPERATIONS: &[&str] = &["Bucket.copy_object", "Bucket.update_object_meta"];

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let (bucket, key) = (bucket(record), key(record));
    let mut headers = headers(record);
    headers.remove("x-oss-copy-source");
    Some(match op {
        "Bucket.copy_object" => {
            let (source_bucket, source_key, version) =
                copy_source(record).expect("copy records name their source");
            let mut copy = CopyObject::new(&source_bucket, &source_key, bucket, key);
            copy.source_version_id = version;
            copy.headers = headers;
            copy.request()
        }
        "Bucket.update_object_meta" => {
            // The operation adds the directive itself.
            assert_eq!(header(record, "x-oss-metadata-directive"), Some("REPLACE"));
            headers.remove("x-oss-metadata-directive");
            UpdateObjectMeta::new(bucket, key, headers).request()
        }
        _ => return None,
    })
}

/// The record's `x-oss-copy-source` taken apart: bucket, decoded key, version.
pub fn copy_source(record: &Value) -> Option<(String, String, Option<String>)> {
    let value = header(record, "x-oss-copy-source")?.strip_prefix('/')?;
    let (source, version) = match value.split_once("?versionId=") {
        Some((source, version)) => (source, Some(version.to_string())),
        None => (value, None),
    };
    let (bucket, quoted_key) = source.split_once('/')?;
    Some((bucket.to_string(), url_decode(quoted_key).ok()?, version))
}
