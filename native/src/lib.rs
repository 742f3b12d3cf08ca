//! oss-native: the std driver of oss-sdk, with oss2's `Service` and `Bucket`.
//!
//! Every operation runs through one generic path, [`Client::execute`]: the core builds and
//! signs the request, this crate sends it over ureq (connection pool, rustls), and the core
//! parses the answer. Object data never passes through the core and is never buffered whole:
//! uploads stream from the caller's source and downloads come back as a [`ObjectReader`],
//! both in chunks of [`CHUNK_SIZE`] bytes, with CRC-64 checked on the way.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

mod bucket;
mod client;
mod credentials;
mod error;
mod iter;
mod resumable;
mod service;
mod transfer;

pub use bucket::{Bucket, GetObjectResult};
pub use client::{BodySource, Client, Options, RetryPolicy, Session};
pub use credentials::{CredentialsProvider, StaticCredentials, StsCredentials};
pub use error::Error;
pub use iter::{ListEntry, Pages};
pub use resumable::{
    DEFAULT_MULTIGET_THRESHOLD, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE, MAX_PART_COUNT,
    MIN_PART_SIZE, ResumableDownloadOptions, ResumableDownloadResult, ResumableOptions,
    ResumableUploadResult, determine_part_size, resumable_download, resumable_upload,
};
pub use service::Service;
pub use transfer::{CHUNK_SIZE, ObjectReader, Progress};

pub use oss_core;
pub use oss_core::sign::{Condition, PostForm, PostPolicy, SignatureVersion, Signer};
pub use oss_core::{Credentials, Headers};

/// oss2's `Auth(access_key_id, access_key_secret)`: a long-term key. Signed with V4 when the
/// client knows a region (given in [`Options::region`] or derived from a standard endpoint),
/// V1 otherwise; [`Options::signature_version`] chooses explicitly.
pub fn auth(access_key_id: &str, access_key_secret: &str) -> Result<Signer, Error> {
    Ok(Signer::v1(Credentials::new(
        access_key_id,
        access_key_secret,
    )?))
}

/// oss2's `AuthV4(access_key_id, access_key_secret)`: V4 signatures; the region comes from
/// [`Options::region`] or the endpoint. (Any signer is turned into a V4 one when a region is
/// known, unless [`Options::signature_version`] says otherwise.)
pub fn auth_v4(access_key_id: &str, access_key_secret: &str) -> Result<Signer, Error> {
    Ok(Signer::v4(Credentials::new(
        access_key_id,
        access_key_secret,
    )?))
}

/// oss2's `StsAuth`: a temporary key and its security token (V4 or V1 as for [`auth`]).
pub fn sts_auth(
    access_key_id: &str,
    access_key_secret: &str,
    security_token: &str,
) -> Result<Signer, Error> {
    Ok(Signer::v1(Credentials::sts(
        access_key_id,
        access_key_secret,
        security_token,
    )?))
}

/// oss2's `AnonymousAuth`: no signature (public-read buckets).
pub fn anonymous_auth() -> Signer {
    Signer::anonymous()
}
