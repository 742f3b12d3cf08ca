//! Building bucket operations from `signing.json` records. A record's XML body is read back
//! into our model, which the operation then writes again: the comparison checks the bytes.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::bucket::{
    BucketCors, BucketCreateConfig, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite,
    CreateBucket, DeleteBucket, DeleteBucketCors, DeleteBucketLifecycle, DeleteBucketLogging,
    DeleteBucketWebsite, GetBucketAcl, GetBucketCors, GetBucketLifecycle, GetBucketLocation,
    GetBucketLogging, GetBucketReferer, GetBucketWebsite, PutBucketAcl, PutBucketCors,
    PutBucketLifecycle, PutBucketLogging, PutBucketReferer, PutBucketWebsite,
};
use oss_core::request::Request;
use serde_json::Value;

use super::{bucket, header, headers};

pub const OPERATIONS: &[&str] = &[
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
];

/// The record's body, which a configuration PUT must have.
fn body(record: &Value) -> &[u8] {
    record["body"]
        .as_str()
        .expect("a configuration record has a body")
        .as_bytes()
}

/// A configuration read back from a record's body, which must read.
fn config<T>(what: &str, parsed: Result<T, oss_core::error::DecodeError>) -> T {
    parsed.unwrap_or_else(|e| panic!("the record's {what} body does not read back: {e}"))
}

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    let bucket = bucket(record);
    Some(match op {
        "Bucket.create_bucket" => {
            let mut create = CreateBucket::new(bucket);
            create.acl = header(record, "x-oss-acl").map(str::to_string);
            create.config = record["body"]
                .as_str()
                .map(|xml| config("create", BucketCreateConfig::from_xml(xml.as_bytes())));
            create.headers = headers(record);
            create.headers.remove("x-oss-acl");
            create.request()
        }
        "Bucket.delete_bucket" => DeleteBucket::new(bucket).request(),
        "Bucket.get_bucket_location" => GetBucketLocation::new(bucket).request(),
        "Bucket.put_bucket_acl" => {
            PutBucketAcl::new(bucket, header(record, "x-oss-acl").unwrap_or("")).request()
        }
        "Bucket.get_bucket_acl" => GetBucketAcl::new(bucket).request(),
        "Bucket.put_bucket_cors" => {
            let cors = config("CORS", BucketCors::from_xml(body(record)));
            PutBucketCors::new(bucket, cors).request()
        }
        "Bucket.get_bucket_cors" => GetBucketCors::new(bucket).request(),
        "Bucket.delete_bucket_cors" => DeleteBucketCors::new(bucket).request(),
        "Bucket.put_bucket_lifecycle" => {
            let lifecycle = config("lifecycle", BucketLifecycle::from_xml(body(record)));
            let mut put = PutBucketLifecycle::new(bucket, lifecycle);
            put.headers = headers(record);
            put.request()
        }
        "Bucket.get_bucket_lifecycle" => GetBucketLifecycle::new(bucket).request(),
        "Bucket.delete_bucket_lifecycle" => DeleteBucketLifecycle::new(bucket).request(),
        "Bucket.put_bucket_logging" => {
            let logging = config("logging", BucketLogging::from_xml(body(record)));
            PutBucketLogging::new(bucket, logging).request()
        }
        "Bucket.get_bucket_logging" => GetBucketLogging::new(bucket).request(),
        "Bucket.delete_bucket_logging" => DeleteBucketLogging::new(bucket).request(),
        "Bucket.put_bucket_referer" => {
            let referer = config("referer", BucketReferer::from_xml(body(record)));
            PutBucketReferer::new(bucket, referer).request()
        }
        "Bucket.get_bucket_referer" => GetBucketReferer::new(bucket).request(),
        "Bucket.put_bucket_website" => {
            // The Content-MD5 in the record is oss2's; the operation computes its own.
            let website = config("website", BucketWebsite::from_xml(body(record)));
            PutBucketWebsite::new(bucket, website).request()
        }
        "Bucket.get_bucket_website" => GetBucketWebsite::new(bucket).request(),
        "Bucket.delete_bucket_website" => DeleteBucketWebsite::new(bucket).request(),
        _ => return None,
    })
}
