//! Building service and listing operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, headers, param, params_except};

pub const OPERATIONS: &[&str] = &["Service.list_buckets", "Bucket.list_objects"];

fn max_keys(record: &Value) -> u32 {
    param(record, "max-keys")
        .and_then(|m| m.parse().ok())
        .unwrap_or(100)
}

/// None: not one of this group's operations (or not built yet).
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    Some(match op {
        "Service.list_buckets" => {
            let mut list = ListBuckets::new();
            list.prefix = param(record, "prefix").unwrap_or("").to_string();
            list.marker = param(record, "marker").unwrap_or("").to_string();
            list.max_keys = max_keys(record);
            list.params = params_except(record, &["prefix", "marker", "max-keys"]);
            list.headers = headers(record);
            list.request()
        }
        "Bucket.list_objects" => {
            let mut list = ListObjects::new(bucket(record));
            list.prefix = param(record, "prefix").unwrap_or("").to_string();
            list.delimiter = param(record, "delimiter").unwrap_or("").to_string();
            list.marker = param(record, "marker").unwrap_or("").to_string();
            list.max_keys = max_keys(record);
            list.headers = headers(record);
            list.request()
        }
        _ => return None,
    })
}
