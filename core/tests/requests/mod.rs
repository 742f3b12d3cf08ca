//! Building typed operations from `signing.json` request records, one file per group.

pub mod bucket;
pub mod copy;
pub mod delete_objects;
pub mod live_channel;
pub mod multipart;
pub mod object;
pub mod service;
pub mod symlink;

use oss_core::ClientError;
use oss_core::ops::Params;
use oss_core::request::Request;
use serde_json::Value;

/// The operations of the seed list (issue 3), as oss2 names them.
pub const SEED_OPERATIONS: &[&str] = &[
    "Service.list_buckets",
    "Bucket.put_object",
    "Bucket.append_object",
    "Bucket.get_object",
    "Bucket.delete_object",
    "Bucket.batch_delete_objects",
    "Bucket.list_objects",
    "Bucket.head_object",
    "Bucket.get_object_meta",
    "Bucket.object_exists",
    "Bucket.put_object_acl",
    "Bucket.get_object_acl",
    "Bucket.update_object_meta",
    "Bucket.copy_object",
    "Bucket.init_multipart_upload",
    "Bucket.upload_part",
    "Bucket.complete_multipart_upload",
    "Bucket.abort_multipart_upload",
    "Bucket.list_multipart_uploads",
    "Bucket.list_parts",
    "Bucket.put_symlink",
    "Bucket.get_symlink",
    "Bucket.create_bucket",
    "Bucket.delete_bucket",
    "Bucket.get_bucket_location",
    "Bucket.put_bucket_acl",
    "Bucket.get_bucket_acl",
    "Bucket.put_bucket_cors",
    "Bucket.get_bucket_cors",
    "Bucket.delete_bucket_cors",
    "Bucket.put_bucket_lifecycle",
    "Bucket.get_bucket_lifecycle",
    "Bucket.delete_bucket_lifecycle",
    "Bucket.put_bucket_logging",
    "Bucket.get_bucket_logging",
    "Bucket.delete_bucket_logging",
    "Bucket.put_bucket_referer",
    "Bucket.get_bucket_referer",
    "Bucket.put_bucket_website",
    "Bucket.get_bucket_website",
    "Bucket.delete_bucket_website",
    "Bucket.create_live_channel",
    "Bucket.delete_live_channel",
    "Bucket.get_live_channel",
    "Bucket.list_live_channel",
    "Bucket.get_live_channel_stat",
    "Bucket.put_live_channel_status",
    "Bucket.get_live_channel_history",
    "Bucket.post_vod_playlist",
];

/// The operations the group files below can build so far.
pub fn built_operations() -> impl Iterator<Item = &'static str> {
    [
        object::OPERATIONS,
        service::OPERATIONS,
        multipart::OPERATIONS,
        symlink::OPERATIONS,
        copy::OPERATIONS,
        delete_objects::OPERATIONS,
        bucket::OPERATIONS,
        live_channel::OPERATIONS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// The typed operation's request for `op`, from the record; None: not built (yet).
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    object::build(op, record)
        .or_else(|| service::build(op, record))
        .or_else(|| multipart::build(op, record))
        .or_else(|| symlink::build(op, record))
        .or_else(|| copy::build(op, record))
        .or_else(|| delete_objects::build(op, record))
        .or_else(|| bucket::build(op, record))
        .or_else(|| live_channel::build(op, record))
}

/// Why a record's refusal is intended (a stricter check than oss2's, on purpose), if it is.
pub fn refused_by_design(op: &str, record: &Value, error: &ClientError) -> Option<&'static str> {
    live_channel::refused_by_design(op, record, error)
}

/// The record's `params` value of `name` (None when absent or null).
pub fn param<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["params"].as_array()?.iter().find(|p| p[0] == name)?[1].as_str()
}

/// The record's params other than those the operation sets itself (`own`): extra params and
/// filters the caller passes through.
pub fn params_except(record: &Value, own: &[&str]) -> Params {
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

/// The record's header `name` (any case).
pub fn header<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["headers"]
        .as_object()?
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))?
        .1
        .as_str()
}

/// The record's headers other than those the signer sets, as a `Headers` value.
pub fn headers(record: &Value) -> oss_core::Headers {
    let mut headers = oss_core::Headers::new();
    for (name, value) in record["headers"].as_object().into_iter().flatten() {
        if !["date", "authorization"].contains(&name.to_ascii_lowercase().as_str()) {
            headers
                .insert(name, value.as_str().unwrap_or(""))
                .expect("vector headers are valid");
        }
    }
    headers
}

pub fn bucket(record: &Value) -> &str {
    record["bucket"].as_str().unwrap_or("")
}

pub fn key(record: &Value) -> &str {
    record["key"].as_str().unwrap_or("")
}
