//! Building symlink operations from `signing.json` records.

use oss_core::ClientError;
use oss_core::encoding::url_decode;
use oss_core::ops::Operation;
use oss_core::ops::symlink::{GetSymlink, PutSymlink};
use oss_core::request::Request;
use serde_json::Value;

use super::multipart::params_except;
use super::{bucket, header, headers, key};

pub const OPERATIONS: &[&str] = &["Bucket.put_symlink", "Bucket.get_symlink"];

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let (bucket, key) = (bucket(record), key(record));
    Some(match op {
        "Bucket.put_symlink" => {
            let quoted = header(record, "x-oss-symlink-target").expect("a symlink target");
            let target = url_decode(quoted).expect("the target is percent-encoded UTF-8");
            let mut put = PutSymlink::new(bucket, &target, key);
            put.headers = headers(record);
            put.headers.remove("x-oss-symlink-target");
            put.request()
        }
        "Bucket.get_symlink" => {
            let mut get = GetSymlink::new(bucket, key);
            (get.params, get.headers) = (params_except(record, &["symlink"]), headers(record));
            get.request()
        }
        _ => return None,
    })
}
