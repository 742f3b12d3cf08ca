//! Building object operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::object::{
    AppendObject, ByteRange, DeleteObject, GetObject, GetObjectAcl, GetObjectMeta, HeadObject,
    ObjectExists, PutObject, PutObjectAcl,
};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, header, headers, key, param, params_except};

pub const OPERATIONS: &[&str] = &[
    "Bucket.put_object",
    "Bucket.append_object",
    "Bucket.get_object",
    "Bucket.head_object",
    "Bucket.get_object_meta",
    "Bucket.object_exists",
    "Bucket.delete_object",
    "Bucket.put_object_acl",
    "Bucket.get_object_acl",
];

/// None: not one of this group's operations (or not built yet).
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let (bucket, key) = (bucket(record), key(record));
    Some(match op {
        "Bucket.put_object" => {
            let mut put = PutObject::new(bucket, key, None);
            put.headers = headers(record);
            put.request()
        }
        "Bucket.append_object" => {
            let position = param(record, "position")
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let mut append = AppendObject::new(bucket, key, position, None);
            append.headers = headers(record);
            append.request()
        }
        "Bucket.get_object" => {
            let mut get = GetObject::new(bucket, key);
            get.byte_range = header(record, "range").and_then(parse_range);
            get.process = param(record, "x-oss-process").map(str::to_string);
            get.params = params_except(record, &["x-oss-process"]);
            get.headers = headers(record);
            get.headers.remove("range");
            get.request()
        }
        "Bucket.head_object" => {
            let mut head = HeadObject::new(bucket, key);
            (head.params, head.headers) = (params_except(record, &[]), headers(record));
            head.request()
        }
        "Bucket.get_object_meta" | "Bucket.object_exists" => {
            let mut meta = GetObjectMeta::new(bucket, key);
            (meta.params, meta.headers) = (params_except(record, &["objectMeta"]), headers(record));
            if op == "Bucket.object_exists" {
                ObjectExists(meta).request()
            } else {
                meta.request()
            }
        }
        "Bucket.delete_object" => {
            let mut delete = DeleteObject::new(bucket, key);
            (delete.params, delete.headers) = (params_except(record, &[]), headers(record));
            delete.request()
        }
        "Bucket.put_object_acl" => {
            let mut put = PutObjectAcl::new(
                bucket,
                key,
                header(record, "x-oss-object-acl").unwrap_or(""),
            );
            (put.params, put.headers) = (params_except(record, &["acl"]), headers(record));
            put.headers.remove("x-oss-object-acl");
            put.request()
        }
        "Bucket.get_object_acl" => {
            let mut get = GetObjectAcl::new(bucket, key);
            (get.params, get.headers) = (params_except(record, &["acl"]), headers(record));
            get.request()
        }
        _ => return None,
    })
}

/// `bytes=a-b` back into oss2's `byte_range` argument.
fn parse_range(header: &str) -> Option<ByteRange> {
    let (first, last) = header.strip_prefix("bytes=")?.split_once('-')?;
    let number = |s: &str| {
        if s.is_empty() {
            Some(None)
        } else {
            s.parse().ok().map(Some)
        }
    };
    Some((number(first)?, number(last)?))
}
