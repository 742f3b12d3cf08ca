//! Symlink operations in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::symlink::{GetSymlink, PutSymlink};
use serde_json::{Value, json};

use super::with_result;

/// Symlink operations, their results under oss2's attribute names; None: not one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = record;
    Some(match operation {
        "Bucket.put_symlink" => PutSymlink::new("b", "target", "link")
            .parse(head, body)
            .map(|r| with_result(&r, json!({}))),
        "Bucket.get_symlink" => GetSymlink::new("b", "link")
            .parse(head, body)
            .map(|r| with_result(&r.result, json!({"target_key": r.target_key}))),
        _ => return None,
    })
}
