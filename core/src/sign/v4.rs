//! Signature V4 (`OSS4-HMAC-SHA256`): the canonical request, the string to sign, the signing
//! key and the signature, as oss2's `AuthV4` and the v2 SDKs compute them (v4-signing.md).
//!
//! Unlike V1 there is no sub-resource list: every query parameter is signed, and so are every
//! `x-oss-*` header, `Content-Type`, `Content-MD5` and the additional headers the caller opts
//! into. The payload is never hashed (`UNSIGNED-PAYLOAD`), so object data can stream.

use alloc::string::String;
use alloc::vec::Vec;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

use crate::dates::V4Timestamp;
use crate::encoding::{SLASH_SAFE, STRICT, push_encoded};
use crate::headers::Headers;
use crate::request::Method;

pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The product of the scope for OSS itself; Cloud Box buckets sign for `oss-cloudbox`.
pub const PRODUCT_OSS: &str = "oss";
pub const PRODUCT_CLOUD_BOX: &str = "oss-cloudbox";
/// The longest a V4 presigned URL may live: seven days.
pub const MAX_EXPIRES: i64 = 7 * 24 * 3600;

/// What a signature covers besides the request: its time and scope.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub timestamp: &'a V4Timestamp,
    pub region: &'a str,
    pub product: &'static str,
}

impl Scope<'_> {
    /// `<AccessKeyId>/<scope>`: what `Credential=` and `x-oss-credential` carry.
    pub fn credential(&self, access_key_id: &str) -> String {
        let mut out = String::with_capacity(access_key_id.len() + 60);
        out.push_str(access_key_id);
        out.push('/');
        self.push(&mut out);
        out
    }

    /// `20231216/cn-hangzhou/oss/aliyun_v4_request`.
    pub fn push(&self, out: &mut String) {
        out.push_str(self.timestamp.day());
        out.push('/');
        out.push_str(self.region);
        out.push('/');
        out.push_str(self.product);
        out.push_str("/aliyun_v4_request");
    }
}

/// A header that V4 signs whatever the caller asks: `x-oss-*`, `Content-Type`, `Content-MD5`.
pub fn is_default_signed(name: &str) -> bool {
    let lower = |prefix: &str| {
        name.len() >= prefix.len()
            && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    lower("x-oss-")
        || name.eq_ignore_ascii_case("content-type")
        || name.eq_ignore_ascii_case("content-md5")
}

/// The additional headers that are really signed: those `wanted` (any case) that `headers`
/// carries with a value and that are not signed anyway; lower-case, sorted, without repeats.
pub fn additional_headers(headers: &Headers, wanted: &[String]) -> Vec<String> {
    let mut names: Vec<String> = wanted
        .iter()
        .filter(|name| !is_default_signed(name))
        .filter(|name| headers.get(name).is_some_and(|v| !v.is_empty()))
        .map(|name| name.to_ascii_lowercase())
        .collect();
    super::insertion_sort_by(&mut names, |a, b| a < b);
    names.dedup();
    names
}

/// The canonical request. `query` is the whole query as sent (presigned URLs: with the
/// `x-oss-*` parameters added, without the signature); `additional` comes from
/// [`additional_headers`].
pub fn canonical_request<'a>(
    method: Method,
    bucket: Option<&str>,
    key: &str,
    query: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    headers: &Headers,
    additional: &[String],
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(method.as_str());
    out.push('\n');

    // The bucket is part of the path whatever the addressing; `/` stays literal.
    out.push('/');
    if let Some(bucket) = bucket {
        push_encoded(&mut out, bucket, SLASH_SAFE);
        out.push('/');
        push_encoded(&mut out, key, SLASH_SAFE);
    }
    out.push('\n');

    // Every parameter, encoded, sorted by encoded name; an empty value leaves the bare name.
    let mut pairs: Vec<(String, String)> = query
        .map(|(name, value)| {
            let mut n = String::with_capacity(name.len());
            push_encoded(&mut n, name, STRICT);
            let mut v = String::new();
            push_encoded(&mut v, value.unwrap_or(""), STRICT);
            (n, v)
        })
        .collect();
    super::insertion_sort_by(&mut pairs, |a, b| a < b);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        if !value.is_empty() {
            out.push('=');
            out.push_str(value);
        }
    }
    out.push('\n');

    // Sorted by lower-cased name without allocating one: names compare byte by byte.
    let mut signed: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(name, _)| {
            is_default_signed(name) || additional.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .collect();
    super::insertion_sort_by(&mut signed, |(a, _), (b, _)| {
        let a = a.bytes().map(|c| c.to_ascii_lowercase());
        a.lt(b.bytes().map(|c| c.to_ascii_lowercase()))
    });
    for (name, value) in &signed {
        out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');

    for (i, name) in additional.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    out.push_str(
        headers
            .get("x-oss-content-sha256")
            .unwrap_or(UNSIGNED_PAYLOAD),
    );
    out
}

/// `OSS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex SHA-256 of the canonical request>`.
pub fn string_to_sign(scope: &Scope<'_>, canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 100);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(scope.timestamp.as_str());
    out.push('\n');
    scope.push(&mut out);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
}

/// HMAC-SHA256 chained over the day, region, product and `aliyun_v4_request`, keyed first by
/// `aliyun_v4` + the secret.
pub fn signing_key(secret: &str, day: &str, region: &str, product: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let mut first = Vec::with_capacity(9 + secret.len());
    first.extend_from_slice(b"aliyun_v4");
    first.extend_from_slice(secret.as_bytes());
    key.copy_from_slice(&hmac(&first, day.as_bytes()));
    for part in [region, product, "aliyun_v4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    key
}

/// Lower-case hex of HMAC-SHA256(signing key, string to sign).
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    signature_with(&keyed(signing_key), string_to_sign)
}

/// An HMAC-SHA256 already keyed (its inner and outer pads hashed): what a signer caches.
pub fn keyed(signing_key: &[u8; 32]) -> Hmac<Sha256> {
    <Hmac<Sha256>>::new_from_slice(signing_key).unwrap_or_else(|_| unreachable!())
}

/// [`signature`] with a key from [`keyed`].
pub fn signature_with(keyed: &Hmac<Sha256>, string_to_sign: &str) -> String {
    let mut mac = keyed.clone();
    mac.update(string_to_sign.as_bytes());
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &mac.finalize().into_bytes());
    out
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    let mut buffer = [0u8; 64];
    let text = base16ct::lower::encode_str(bytes, &mut buffer).unwrap_or_default();
    out.push_str(text);
}
