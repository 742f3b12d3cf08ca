//! What several operations share: the checks, parameters and answers that OSS gives alike
//! wherever they apply.

use oss_core::encoding::{STRICT, push_encoded};
use oss_core::xml::push_text_element;

use crate::body::BodyProblem;
use crate::error::OssError;
use crate::handler::Context;
use crate::store::StoreError;

/// The headers an object keeps from its upload, besides `x-oss-meta-*` (names lower-cased).
const OBJECT_HEADERS: &[&str] = &[
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "expires",
    "content-language",
];

/// Whether an object keeps the header `name` from its upload (and a symlink shows its own
/// when it is read through).
pub(crate) fn is_object_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    OBJECT_HEADERS.contains(&name.as_str()) || name.starts_with("x-oss-meta-")
}

/// The `response-*` query parameters a GET may override headers with.
pub(crate) const RESPONSE_OVERRIDES: &[(&str, &str)] = &[
    ("response-content-type", "Content-Type"),
    ("response-content-language", "Content-Language"),
    ("response-expires", "Expires"),
    ("response-cache-control", "Cache-Control"),
    ("response-content-disposition", "Content-Disposition"),
    ("response-content-encoding", "Content-Encoding"),
];

/// The most entries of a listing page (objects, buckets, parts, uploads, channels).
const MAX_PAGE: usize = 1000;

/// The store's refusal as OSS words it.
pub(crate) fn store_error(e: StoreError, ctx: &Context<'_>) -> OssError {
    match e {
        StoreError::NoSuchBucket => OssError::no_such_bucket(ctx.bucket_name()),
        StoreError::NoSuchKey => OssError::no_such_key(&ctx.key),
        StoreError::BucketNotEmpty => OssError::new(
            409,
            "BucketNotEmpty",
            "The bucket you tried to delete is not empty.",
        )
        .field("BucketName", ctx.bucket_name()),
        StoreError::NoSuchUpload => OssError::new(
            404,
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        ),
        StoreError::PositionNotEqualToLength { length } => OssError::new(
            409,
            "PositionNotEqualToLength",
            "Position is not equal to file length",
        )
        .header("x-oss-next-append-position", length.to_string()),
        StoreError::ObjectNotAppendable => {
            OssError::new(409, "ObjectNotAppendable", "The object is not appendable")
        }
        StoreError::Io(e) => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<BodyProblem>())
        {
            Some(problem) => problem.to_error(),
            None => OssError::new(
                500,
                "InternalError",
                format!("We encountered an internal error: {e}"),
            ),
        },
    }
}

pub(crate) fn method_not_allowed() -> OssError {
    OssError::new(
        405,
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
    )
}

/// `x-oss-forbid-overwrite: true`.
pub(crate) fn forbids_overwrite(ctx: &Context<'_>) -> bool {
    ctx.header("x-oss-forbid-overwrite")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

pub(crate) fn file_already_exists() -> OssError {
    OssError::new(
        409,
        "FileAlreadyExists",
        "The object you specified already exists and can not be overwritten.",
    )
}

/// `x-oss-object-acl`, checked; None when absent.
pub(crate) fn requested_object_acl<'a>(ctx: &'a Context<'_>) -> Result<Option<&'a str>, OssError> {
    match ctx.header("x-oss-object-acl") {
        None => Ok(None),
        Some(acl) if oss_core::ops::object::OBJECT_ACLS.contains(&acl) => Ok(Some(acl)),
        Some(acl) => Err(invalid_object_acl(acl)),
    }
}

pub(crate) fn invalid_object_acl(acl: &str) -> OssError {
    OssError::invalid_argument("no such object access control exists")
        .field("ArgumentName", "x-oss-object-acl")
        .field("ArgumentValue", acl)
}

/// `encoding-type`: absent, or `url` (keys, prefixes and markers of the answer are
/// percent-encoded); anything else is refused.
pub(crate) fn url_encoding(ctx: &Context<'_>) -> Result<bool, OssError> {
    match ctx.param("encoding-type") {
        None | Some("") => Ok(false),
        Some("url") => Ok(true),
        Some(other) => Err(OssError::invalid_argument("The encoding type is invalid.")
            .field("ArgumentName", "encoding-type")
            .field("ArgumentValue", other)),
    }
}

/// Appends `<name>text</name>`, the text percent-encoded when `url` (as oss2's `quote`).
pub(crate) fn push_name(xml: &mut String, name: &str, text: &str, url: bool) {
    if url {
        let mut encoded = String::with_capacity(text.len() * 3);
        push_encoded(&mut encoded, text, STRICT);
        push_text_element(xml, name, &encoded);
    } else {
        push_text_element(xml, name, text);
    }
}

/// A page size parameter (`max-keys`, `max-parts`, `max-uploads`): 1..=1000, `default` when
/// absent.
pub(crate) fn page_size(
    ctx: &Context<'_>,
    name: &'static str,
    default: usize,
) -> Result<usize, OssError> {
    match ctx.param(name) {
        None | Some("") => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                OssError::invalid_argument(format!(
                    "Argument {name} must be an integer between 1 and {MAX_PAGE}."
                ))
                .field("ArgumentName", name)
                .field("ArgumentValue", text)
            }),
    }
}

/// If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since, each name after
/// `prefix` (`""` for a GET, `x-oss-copy-source-` for a copy), against `etag` and
/// `last_modified`. As for GET: a failed If-Match or If-Unmodified-Since is 412
/// PreconditionFailed, a failed If-None-Match or If-Modified-Since 304; a date condition is
/// ignored when the ETag condition of its kind is there (RFC 7232 §6).
pub(crate) fn check_conditions(
    ctx: &Context<'_>,
    prefix: &str,
    etag: &str,
    last_modified: i64,
) -> Result<(), OssError> {
    let header = |name: &str| ctx.header(&format!("{prefix}{name}"));
    let date = |name: &str| header(name).and_then(|d| oss_core::dates::http_to_unixtime(d).ok());
    let matches = |given: &str| {
        given
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
            .any(|tag| tag == "*" || tag.eq_ignore_ascii_case(etag.trim_matches('"')))
    };
    let precondition = |condition: &str| {
        OssError::new(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold.",
        )
        .field("Condition", format!("{prefix}{condition}"))
    };
    match header("if-match") {
        Some(given) if !matches(given) => return Err(precondition("If-Match")),
        Some(_) => {}
        None => {
            if date("if-unmodified-since").is_some_and(|since| last_modified > since) {
                return Err(precondition("If-Unmodified-Since"));
            }
        }
    }
    let not_modified = match header("if-none-match") {
        Some(given) => matches(given),
        None => date("if-modified-since").is_some_and(|since| last_modified <= since),
    };
    if not_modified {
        // Which version the client has: the answer a 200 would have carried, without body.
        return Err(OssError::new(304, "NotModified", "")
            .header("ETag", etag.to_string())
            .header(
                "Last-Modified",
                oss_core::dates::http_date(last_modified).unwrap_or_default(),
            ));
    }
    Ok(())
}
