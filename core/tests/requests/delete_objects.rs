//! Building DeleteMultipleObjects operations from `signing.json` records: the keys (and
//! versions) are read back from the record's XML body, so the body compared is ours.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::delete_objects::{BatchDeleteObjects, DeleteObjectVersions, ObjectVersion};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, headers, param};

pub const OPERATIONS: &[&str] = &[
    "Bucket.batch_delete_objects",
    "Bucket.delete_object_versions",
];

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    if !OPERATIONS.contains(&op) {
        return None;
    }
    assert_eq!(param(record, "encoding-type"), Some("url"));
    let body = record["body"].as_str().expect("a delete list");
    let root = oss_core::xml::parse(body.as_bytes()).expect("the record's body is XML");
    let quiet = root.child_text("Quiet") == Some("true");
    let objects: Vec<ObjectVersion> = root
        .children_named("Object")
        .map(|o| ObjectVersion::new(o.child_text("Key").unwrap_or(""), o.child_text("VersionId")))
        .collect();
    let mut headers = headers(record);
    headers.remove("Content-MD5");
    Some(if op == "Bucket.batch_delete_objects" {
        assert!(objects.iter().all(|o| o.version_id.is_none()));
        let mut delete = BatchDeleteObjects::new(bucket(record), objects.iter().map(|o| &o.key));
        (delete.quiet, delete.headers) = (quiet, headers);
        delete.request()
    } else {
        let mut delete = DeleteObjectVersions::new(bucket(record), objects);
        (delete.quiet, delete.headers) = (quiet, headers);
        delete.request()
    })
}
