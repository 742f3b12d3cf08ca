//! DeleteMultipleObjects (batch_delete_objects, delete_object_versions) in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::delete_objects::{BatchDeleteObjects, DeleteObjectVersions, ObjectVersion};
use serde_json::{Value, json};

use super::with_result;

/// Batch deletes, their results under oss2's attribute names; None: not one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = record;
    let parsed = match operation {
        "Bucket.batch_delete_objects" => BatchDeleteObjects::new("b", ["k"]).parse(head, body),
        "Bucket.delete_object_versions" => {
            DeleteObjectVersions::new("b", vec![ObjectVersion::new("k", Some("v"))])
                .parse(head, body)
        }
        _ => return None,
    };
    Some(parsed.map(|r| {
        // oss2's BatchDeleteObjectVersionResult writes an absent version as "".
        let versions: Vec<Value> = r
            .deleted
            .iter()
            .map(|d| {
                json!({
                    "key": d.key,
                    "versionid": d.version_id.as_deref().unwrap_or(""),
                    "delete_marker": d.delete_marker,
                    "delete_marker_versionid": d.delete_marker_version_id.as_deref().unwrap_or(""),
                })
            })
            .collect();
        with_result(
            &r.result,
            json!({
                "deleted_keys": r.deleted_keys().collect::<Vec<_>>(),
                "delete_versions": versions,
            }),
        )
    }))
}
