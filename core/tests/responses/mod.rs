//! Per-group mappings from our results to oss2's attribute names (one table per group, as the
//! issue asks), used by `response_vectors.rs`.

pub mod bucket;
pub mod copy;
pub mod delete_objects;
pub mod live_channel;
pub mod multipart;
pub mod object;
pub mod service;
pub mod symlink;

use oss_core::RequestResult;
use serde_json::{Value, json};

/// The fields every oss2 result has, under oss2's names.
pub fn with_result(result: &RequestResult, mut fields: Value) -> Value {
    let map = fields.as_object_mut().expect("an object");
    map.insert("status".into(), json!(result.status));
    map.insert("request_id".into(), json!(result.request_id));
    map.insert("versionid".into(), json!(result.version_id));
    map.insert("delete_marker".into(), json!(result.delete_marker));
    fields
}
