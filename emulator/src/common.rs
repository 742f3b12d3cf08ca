//! What several operations share: the checks and answers that OSS gives alike wherever they
//! apply.

use crate::error::OssError;
use crate::handler::Context;

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
