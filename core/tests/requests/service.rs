//! Building service and listing operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, headers, param};

pub const OPERATIONS: &[&str] = &["Service.list_buckets", "Bucket.list_objects"];

/// The record's params other than the listing's own (extra filters).
fn extra_params(record: &Value, own: &[&str]) -> oss_core::ops::Params {
    record["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| !own.contains(&p[0].as_str().unwrap_or("")))
        .map(|p| {
            (
                p[0].as_str().unwrap_or("").to_string(),
                p[1].as_str().map(str::to_string),
            )
        })
        .collect()
}

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
            list.params = extra_params(record, &["prefix", "marker", "max-keys"]);
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
