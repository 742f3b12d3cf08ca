//! Building multipart operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::request::Request;
use serde_json::Value;

pub const OPERATIONS: &[&str] = &[];

/// None: not one of this group's operations (or not built yet).
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let _ = (op, record);
    None
}
