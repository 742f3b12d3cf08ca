//! CopyObject and UpdateObjectMeta in `responses.json`.

use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::copy::{CopyObject, UpdateObjectMeta};
use oss_core::{Headers, ResponseHead};
use serde_json::{Value, json};

use super::with_result;

/// Copy operations, their results under oss2's attribute names (`PutObjectResult`); None: not
/// one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = record;
    let parsed = match operation {
        "Bucket.copy_object" => CopyObject::new("src", "s", "b", "k").parse(head, body),
        "Bucket.update_object_meta" => {
            UpdateObjectMeta::new("b", "k", Headers::new()).parse(head, body)
        }
        _ => return None,
    };
    Some(parsed.map(|r| with_result(&r.result, json!({"etag": r.etag, "crc": r.crc}))))
}
