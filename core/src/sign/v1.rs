//! Signature V1: the string-to-sign and its HMAC-SHA1 (oss2-reference §1.1).
//!
//! ```text
//! VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
//! ```
//! Each canonical `x-oss-*` line carries its own `\n`; the resource holds the raw (not
//! percent-encoded) key and the signed sub-resources with raw values.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha1::Sha1;

use crate::headers::Headers;
use crate::request::Method;

/// The query parameter names V1 signs (oss2's `_subresource_key_set`), case-sensitive and
/// sorted by byte order so that membership is a binary search.
pub const SUBRESOURCES: [&str; 86] = [
    "accessPoint",
    "accessPointPolicy",
    "acl",
    "append",
    "asyncFetch",
    "bucketArchiveDirectRead",
    "bucketInfo",
    "callback",
    "callback-var",
    "cname",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "encryption",
    "endTime",
    "group",
    "httpsConfig",
    "inventory",
    "inventoryId",
    "lifecycle",
    "link",
    "live",
    "location",
    "logging",
    "metaQuery",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "policy",
    "position",
    "publicAccessBlock",
    "qos",
    "qosInfo",
    "qosRequester",
    "redundancyTransition",
    "referer",
    "regionList",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "requestPayment",
    "requesterQosInfo",
    "resourceGroup",
    "resourcePool",
    "resourcePoolBuckets",
    "resourcePoolInfo",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "security-token",
    "sequential",
    "startTime",
    "stat",
    "status",
    "style",
    "styleName",
    "symlink",
    "tagging",
    "transferAcceleration",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "worm",
    "wormExtend",
    "wormId",
    "x-oss-ac-forward-allow",
    "x-oss-ac-source-ip",
    "x-oss-ac-subnet-mask",
    "x-oss-ac-vpc-id",
    "x-oss-access-point-name",
    "x-oss-async-process",
    "x-oss-process",
    "x-oss-redundancy-transition-taskid",
    "x-oss-request-payer",
    "x-oss-target-redundancy-type",
    "x-oss-traffic-limit",
    "x-oss-write-get-object-response",
];
/// Whether V1 signs the query parameter `name`.
pub fn is_subresource(name: &str) -> bool {
    SUBRESOURCES.binary_search(&name).is_ok()
}

/// What a V1 signature covers besides the method and headers.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub bucket: Option<&'a str>,
    /// Raw key; `""` for bucket and service requests.
    pub key: &'a str,
}

/// Builds the V1 string-to-sign. `date` is what fills the Date line (the request time, or the
/// expiry of a presigned URL); an `x-oss-date` header in `headers` takes its place.
pub fn string_to_sign<'q>(
    method: Method,
    headers: &Headers,
    date: &str,
    resource: Resource<'_>,
    query: impl Iterator<Item = (&'q str, Option<&'q str>)>,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(method.as_str());
    out.push('\n');
    out.push_str(headers.get("content-md5").unwrap_or(""));
    out.push('\n');
    out.push_str(headers.get("content-type").unwrap_or(""));
    out.push('\n');
    out.push_str(
        headers
            .get("x-oss-date")
            .filter(|d| !d.is_empty())
            .unwrap_or(date),
    );
    out.push('\n');
    push_canonical_headers(&mut out, headers);
    push_canonical_resource(&mut out, resource, query);
    out
}

/// Every header whose lower-cased name starts with `x-oss-`, as `name:value\n`, sorted by the
/// lower-cased name; values verbatim.
fn push_canonical_headers(out: &mut String, headers: &Headers) {
    let mut oss: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(name, _)| name.len() >= 6 && name.as_bytes()[..6].eq_ignore_ascii_case(b"x-oss-"))
        .collect();
    // Header names are ASCII tokens, so comparing lower-cased bytes is Python's lower() order.
    super::insertion_sort_by(&mut oss, |a, b| {
        let a = a.0.bytes().map(|c| c.to_ascii_lowercase());
        let b = b.0.bytes().map(|c| c.to_ascii_lowercase());
        a.lt(b)
    });
    for (name, value) in oss {
        let start = out.len();
        out.push_str(name);
        out[start..].make_ascii_lowercase();
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
}

/// `/`, `/bucket/` or `/bucket/key`, then `?` and the signed sub-resources sorted by name,
/// `name=value` or the bare name when the value is empty or absent.
fn push_canonical_resource<'q>(
    out: &mut String,
    resource: Resource<'_>,
    query: impl Iterator<Item = (&'q str, Option<&'q str>)>,
) {
    out.push('/');
    if let Some(bucket) = resource.bucket {
        out.push_str(bucket);
        out.push('/');
        out.push_str(resource.key);
    }
    let mut signed: Vec<(&str, Option<&str>)> =
        query.filter(|(name, _)| is_subresource(name)).collect();
    // Stable, so equal names keep their order, as in oss2's sort.
    super::insertion_sort_by(&mut signed, |a, b| a.0 < b.0);
    for (i, (name, value)) in signed.into_iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out.push('=');
            out.push_str(value);
        }
    }
}

/// The string-to-sign of an RTMP push URL: the expiry, every parameter as `name:value\n`
/// sorted by name, then `/bucket/channel`.
pub fn rtmp_string_to_sign<'q>(
    expiration: &str,
    params: impl Iterator<Item = (&'q str, Option<&'q str>)>,
    bucket: &str,
    channel: &str,
) -> String {
    let mut out = String::with_capacity(128);
    out.push_str(expiration);
    out.push('\n');
    let mut sorted: Vec<(&str, Option<&str>)> = params.collect();
    super::insertion_sort_by(&mut sorted, |a, b| a.0 < b.0);
    for (name, value) in sorted {
        out.push_str(name);
        out.push(':');
        out.push_str(value.unwrap_or(""));
        out.push('\n');
    }
    out.push('/');
    out.push_str(bucket);
    out.push('/');
    out.push_str(channel);
    out
}

/// `base64(HMAC-SHA1(secret, string_to_sign))`.
pub fn signature(key: &Hmac<Sha1>, string_to_sign: &str) -> String {
    let mut out = String::with_capacity(28);
    push_signature(&mut out, key, string_to_sign);
    out
}

/// Appends the signature to `out` (the Authorization value is built in place).
pub fn push_signature(out: &mut String, key: &Hmac<Sha1>, string_to_sign: &str) {
    let mut mac = key.clone();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode_string(mac.finalize().into_bytes(), out);
}

/// The HMAC keyed with the secret, computed once per signer: keying costs two SHA-1 blocks
/// that every signature would otherwise repeat.
pub fn hmac_key(secret: &str) -> Hmac<Sha1> {
    // HMAC accepts keys of any length, so this cannot fail.
    Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subresource_list_is_sorted_and_unique() {
        assert!(SUBRESOURCES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_subresource("uploadId") && is_subresource("x-oss-process"));
        assert!(
            !is_subresource("ACL") && !is_subresource("prefix") && !is_subresource("accessmonitor")
        );
    }

    #[test]
    fn worked_example_obj_put_meta_plain() {
        // oss2-reference §1.1, vector `obj_put_meta_plain`.
        let headers = Headers::new()
            .with("x-oss-storage-class", "IA")
            .and_then(|h| h.with("X-Oss-Meta-Project", "Apollo 11"))
            .and_then(|h| h.with("x-oss-object-acl", "private"))
            .and_then(|h| h.with("x-oss-meta-author", "alice"))
            .and_then(|h| h.with("Content-Type", "text/plain"))
            .unwrap();
        let resource = Resource {
            bucket: Some("my-bucket"),
            key: "dir/sub/file.txt",
        };
        let sts = string_to_sign(
            Method::Put,
            &headers,
            "Thu, 23 Nov 2023 00:13:36 GMT",
            resource,
            core::iter::empty(),
        );
        assert_eq!(
            sts,
            "PUT\n\ntext/plain\nThu, 23 Nov 2023 00:13:36 GMT\nx-oss-meta-author:alice\n\
             x-oss-meta-project:Apollo 11\nx-oss-object-acl:private\nx-oss-storage-class:IA\n\
             /my-bucket/dir/sub/file.txt"
        );
    }
}
