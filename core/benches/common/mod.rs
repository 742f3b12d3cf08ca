//! What the signing benchmarks share: the request they sign.

use oss_core::request::{Body, Method, Request};

/// A PutObject request with Content-Type, Content-MD5 and three `x-oss-*` headers.
pub fn put_object() -> Request {
    Request::object(Method::Put, "my-bucket", "photos/2024/holiday.jpg")
        .and_then(|r| r.with_header("Content-Type", "image/jpeg"))
        .and_then(|r| r.with_header("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="))
        .and_then(|r| r.with_header("x-oss-object-acl", "private"))
        .and_then(|r| r.with_header("x-oss-storage-class", "Standard"))
        .and_then(|r| r.with_header("x-oss-meta-author", "alice"))
        .map(|r| {
            r.with_body(Body::Stream {
                length: Some(1_048_576),
            })
        })
        .unwrap()
}
