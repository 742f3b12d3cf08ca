//! DeleteMultipleObjects (batch_delete_objects) in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use serde_json::Value;

/// None: not one of this group's operations (or not implemented yet).
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = (operation, head, body, record);
    None
}
