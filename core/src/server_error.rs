//! Errors OSS answers with: the `<Error>` body (or the base64 `x-oss-err` header of a HEAD
//! response), mapped to a kind by the exact (HTTP status, `<Code>`) pair as oss2 does.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;

use crate::response::ResponseHead;

/// Only the start of an error body is read: an error document is small, and a proxy's HTML page
/// or a misrouted download must not be buffered whole (oss2 reads 4096 bytes too).
pub const MAX_ERROR_BODY: usize = 4096;

/// The error kinds oss2 distinguishes (its `ServerError` subclasses), chosen by the exact
/// (status, code) pair; any other pair is [`ErrorCode::Other`] with the code as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 404 without a code (HEAD responses carry no body).
    NotFound,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    NoSuchWebsiteConfiguration,
    NoSuchLifecycle,
    NoSuchCorsConfiguration,
    NoSuchLiveChannel,
    NoSuchBucketPolicy,
    NoSuchInventory,
    NoSuchReplicationRule,
    NoSuchServerSideEncryptionRule,
    NoSuchWormConfiguration,
    NoSuchTransferAccelerationConfiguration,
    /// 409 without a code.
    Conflict,
    BucketNotEmpty,
    PositionNotEqualToLength,
    ObjectNotAppendable,
    ChannelStillLive,
    LiveChannelDisabled,
    RestoreAlreadyInProgress,
    /// 304 without a code (a conditional GET/HEAD matched).
    NotModified,
    PreconditionFailed,
    AccessDenied,
    SignatureDoesNotMatch,
    WormConfigurationLocked,
    MalformedXml,
    InvalidRequest,
    OperationNotSupported,
    InvalidArgument,
    InvalidDigest,
    InvalidObjectName,
    NotImplemented,
    InvalidEncryptionRequest,
    BucketReplicationAlreadyExist,
    InvalidEncryptionAlgorithmError,
    ObjectAlreadyExists,
    PartNotSequential,
    InvalidWormConfiguration,
    /// A pair oss2 has no class for (`InternalError`, `RequestTimeTooSkewed`, `NoSuchKey` with a
    /// status other than 404 …): the code as OSS sent it.
    Other(String),
}

/// (status, code as sent, kind): oss2's `_OSS_ERROR_TO_EXCEPTION`.
const KNOWN: &[(u16, &str, ErrorCode)] = &[
    (404, "", ErrorCode::NotFound),
    (404, "NoSuchBucket", ErrorCode::NoSuchBucket),
    (404, "NoSuchKey", ErrorCode::NoSuchKey),
    (404, "NoSuchUpload", ErrorCode::NoSuchUpload),
    (
        404,
        "NoSuchWebsiteConfiguration",
        ErrorCode::NoSuchWebsiteConfiguration,
    ),
    (404, "NoSuchLifecycle", ErrorCode::NoSuchLifecycle),
    (
        404,
        "NoSuchCORSConfiguration",
        ErrorCode::NoSuchCorsConfiguration,
    ),
    (404, "NoSuchLiveChannel", ErrorCode::NoSuchLiveChannel),
    (404, "NoSuchBucketPolicy", ErrorCode::NoSuchBucketPolicy),
    (404, "NoSuchInventory", ErrorCode::NoSuchInventory),
    (
        404,
        "NoSuchReplicationRule",
        ErrorCode::NoSuchReplicationRule,
    ),
    (
        404,
        "NoSuchServerSideEncryptionRule",
        ErrorCode::NoSuchServerSideEncryptionRule,
    ),
    (
        404,
        "NoSuchWORMConfiguration",
        ErrorCode::NoSuchWormConfiguration,
    ),
    (
        404,
        "NoSuchTransferAccelerationConfiguration",
        ErrorCode::NoSuchTransferAccelerationConfiguration,
    ),
    (409, "", ErrorCode::Conflict),
    (409, "BucketNotEmpty", ErrorCode::BucketNotEmpty),
    (
        409,
        "PositionNotEqualToLength",
        ErrorCode::PositionNotEqualToLength,
    ),
    (409, "ObjectNotAppendable", ErrorCode::ObjectNotAppendable),
    (409, "ChannelStillLive", ErrorCode::ChannelStillLive),
    (409, "LiveChannelDisabled", ErrorCode::LiveChannelDisabled),
    (
        409,
        "RestoreAlreadyInProgress",
        ErrorCode::RestoreAlreadyInProgress,
    ),
    (304, "", ErrorCode::NotModified),
    (412, "PreconditionFailed", ErrorCode::PreconditionFailed),
    (403, "AccessDenied", ErrorCode::AccessDenied),
    (
        403,
        "SignatureDoesNotMatch",
        ErrorCode::SignatureDoesNotMatch,
    ),
    (
        403,
        "WORMConfigurationLocked",
        ErrorCode::WormConfigurationLocked,
    ),
    (400, "MalformedXML", ErrorCode::MalformedXml),
    (400, "InvalidRequest", ErrorCode::InvalidRequest),
    (
        400,
        "OperationNotSupported",
        ErrorCode::OperationNotSupported,
    ),
    (400, "InvalidArgument", ErrorCode::InvalidArgument),
    (400, "InvalidDigest", ErrorCode::InvalidDigest),
    (400, "InvalidObjectName", ErrorCode::InvalidObjectName),
    (400, "NotImplemented", ErrorCode::NotImplemented),
    (
        400,
        "InvalidEncryptionRequest",
        ErrorCode::InvalidEncryptionRequest,
    ),
    (
        400,
        "BucketReplicationAlreadyExist",
        ErrorCode::BucketReplicationAlreadyExist,
    ),
    (
        400,
        "InvalidEncryptionAlgorithmError",
        ErrorCode::InvalidEncryptionAlgorithmError,
    ),
    (400, "ObjectAlreadyExists", ErrorCode::ObjectAlreadyExists),
    (400, "PartNotSequential", ErrorCode::PartNotSequential),
    (
        400,
        "InvalidWORMConfiguration",
        ErrorCode::InvalidWormConfiguration,
    ),
];

impl ErrorCode {
    /// The kind of the pair (`status`, `code`), exactly as oss2 chooses its exception class.
    pub fn of(status: u16, code: &str) -> ErrorCode {
        KNOWN
            .iter()
            .find(|(s, c, _)| *s == status && *c == code)
            .map_or_else(
                || ErrorCode::Other(code.to_string()),
                |(_, _, kind)| kind.clone(),
            )
    }

    /// Whether oss2 makes this a `NotFound` (the object, bucket, upload … does not exist).
    /// The WORM and transfer-acceleration 404s are not among them, as in oss2.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            ErrorCode::NotFound
                | ErrorCode::NoSuchBucket
                | ErrorCode::NoSuchKey
                | ErrorCode::NoSuchUpload
                | ErrorCode::NoSuchWebsiteConfiguration
                | ErrorCode::NoSuchLifecycle
                | ErrorCode::NoSuchCorsConfiguration
                | ErrorCode::NoSuchLiveChannel
                | ErrorCode::NoSuchBucketPolicy
                | ErrorCode::NoSuchInventory
                | ErrorCode::NoSuchReplicationRule
                | ErrorCode::NoSuchServerSideEncryptionRule
        )
    }

    /// Whether oss2 makes this a `Conflict` (409 family).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            ErrorCode::Conflict
                | ErrorCode::BucketNotEmpty
                | ErrorCode::PositionNotEqualToLength
                | ErrorCode::ObjectNotAppendable
                | ErrorCode::ChannelStillLive
                | ErrorCode::LiveChannelDisabled
        )
    }
}

/// An error answer from OSS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    pub status: u16,
    pub code: ErrorCode,
    /// `<Code>` as sent ("" when there was none).
    pub raw_code: String,
    /// `<Message>` ("" when absent or empty).
    pub message: String,
    /// `x-oss-request-id` ("" when absent): what OSS support asks for.
    pub request_id: String,
    /// `<HostId>`.
    pub host_id: String,
    /// `<EC>`, OSS's finer error code, when sent.
    pub ec: String,
    /// Every direct child of `<Error>` as (tag, text), in document order.
    pub details: Vec<(String, String)>,
    /// `x-oss-next-append-position` of a `PositionNotEqualToLength` answer: where the append
    /// must continue.
    pub next_position: Option<u64>,
}

impl ServerError {
    /// Reads the error of a non-2xx response from its head and the start of its body (see
    /// [`MAX_ERROR_BODY`]; longer bodies are cut there, as oss2 does).
    pub fn parse(head: &ResponseHead, body: &[u8]) -> ServerError {
        let body = &body[..body.len().min(MAX_ERROR_BODY)];
        let details = match head.header("x-oss-err") {
            // HEAD answers have no body; OSS sends the error document base64-encoded instead.
            Some(encoded) if body.is_empty() => base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map(|xml| error_details(&xml))
                .unwrap_or_default(),
            _ => error_details(body),
        };
        let detail = |tag: &str| {
            details
                .iter()
                .find(|(t, _)| t == tag)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let raw_code = detail("Code");
        let code = ErrorCode::of(head.status, &raw_code);
        // oss2 falls back to a plain ServerError when the position header is missing; we keep
        // the kind and leave the position unknown.
        let next_position = (code == ErrorCode::PositionNotEqualToLength)
            .then(|| {
                head.header("x-oss-next-append-position")?
                    .trim()
                    .parse()
                    .ok()
            })
            .flatten();
        ServerError {
            status: head.status,
            message: detail("Message"),
            request_id: head.request_id().to_string(),
            host_id: detail("HostId"),
            ec: detail("EC"),
            raw_code,
            code,
            details,
            next_position,
        }
    }

    /// The value of `<tag>` among the details.
    pub fn detail(&self, tag: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.as_str())
    }

    /// OSS's clock, from the `<ServerTime>` of a `RequestTimeTooSkewed` answer (Unix seconds):
    /// what a driver uses to correct its clock offset before retrying. None when absent or
    /// unreadable (the answer's `Date` header says the same, to the second).
    pub fn server_time(&self) -> Option<i64> {
        crate::dates::iso8601_to_unixtime_lenient(self.detail("ServerTime")?.trim()).ok()
    }

    /// Whether sending the request again can succeed: OSS-side failures (5xx), throttling, and
    /// a skewed clock (the driver corrects its offset from the answer's `Date` first).
    pub fn is_retryable(&self) -> bool {
        self.status >= 500
            || self.status == 429
            || self.status == 408
            || self.raw_code == "RequestTimeTooSkewed"
            || self.raw_code == "RequestTimeout"
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OSS answered {}", self.status)?;
        if !self.raw_code.is_empty() {
            write!(f, " {}", self.raw_code)?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if !self.request_id.is_empty() {
            write!(f, " (request id {})", self.request_id)?;
        }
        Ok(())
    }
}

impl core::error::Error for ServerError {}

/// The direct children of an `<Error>` root; when the document is not well-formed, `<Code>` and
/// `<Message>` found by a plain text search between `<Error>` and `</Error>` (oss2's fallback).
fn error_details(body: &[u8]) -> Vec<(String, String)> {
    #[cfg(feature = "std")]
    if let Ok(root) = crate::xml::parse(body) {
        if root.name != "Error" {
            return Vec::new();
        }
        return root
            .children
            .into_iter()
            .map(|c| (c.name, c.text))
            .collect();
    }
    guess_details(&String::from_utf8_lossy(body))
}

fn guess_details(text: &str) -> Vec<(String, String)> {
    if !text.contains("<Error>") || !text.contains("</Error>") {
        return Vec::new();
    }
    ["Code", "Message"]
        .into_iter()
        .filter_map(|tag| Some((tag.to_string(), find_on_one_line(text, tag)?.to_string())))
        .collect()
}

/// `<tag>(.*)</tag>` as Python's `re.search` finds it: the first opening tag whose line holds a
/// closing one, up to the last closing tag on that line.
fn find_on_one_line<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let open = alloc::format!("<{tag}>");
    let close = alloc::format!("</{tag}>");
    let mut from = 0;
    while let Some(at) = text[from..].find(&open) {
        let start = from + at + open.len();
        let line = text[start..].split('\n').next().unwrap_or("");
        if let Some(end) = line.rfind(&close) {
            return Some(&line[..end]);
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16) -> ResponseHead {
        ResponseHead::new(status).with_header("x-oss-request-id", "RID")
    }

    #[test]
    fn kinds_follow_the_exact_pair() {
        assert_eq!(ErrorCode::of(404, "NoSuchKey"), ErrorCode::NoSuchKey);
        assert_eq!(
            ErrorCode::of(400, "NoSuchKey"),
            ErrorCode::Other("NoSuchKey".into())
        );
        assert_eq!(ErrorCode::of(404, ""), ErrorCode::NotFound);
        assert!(ErrorCode::NoSuchKey.is_not_found());
        assert!(!ErrorCode::NoSuchWormConfiguration.is_not_found());
        assert!(ErrorCode::BucketNotEmpty.is_conflict());
    }

    #[test]
    fn position_not_equal_to_length_carries_the_next_position() {
        let body = b"<Error><Code>PositionNotEqualToLength</Code><Message>m</Message></Error>";
        let e = ServerError::parse(
            &head(409).with_header("x-oss-next-append-position", "1717"),
            body,
        );
        assert_eq!(e.code, ErrorCode::PositionNotEqualToLength);
        assert_eq!(e.next_position, Some(1717));
        assert!(e.code.is_conflict() && !e.is_retryable());
    }

    #[test]
    fn request_time_too_skewed_carries_the_server_time() {
        let body = b"<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message>\
            <RequestTime>2015-12-11T13:01:41.000Z</RequestTime><ServerTime>2015-12-11T13:21:41.123Z</ServerTime>\
            <MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>";
        let e = ServerError::parse(&head(403), body);
        assert_eq!(e.code, ErrorCode::Other("RequestTimeTooSkewed".into()));
        assert_eq!(e.server_time(), Some(1_449_840_101));
        assert!(e.is_retryable());
        assert_eq!(
            ServerError::parse(&head(403), b"<Error><Code>AccessDenied</Code></Error>")
                .server_time(),
            None
        );
    }

    #[test]
    fn fallback_and_truncation() {
        let e = ServerError::parse(
            &head(403),
            b"junk <Error><Code>AccessDenied</Code><Message>a & b</Message></Error>",
        );
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::AccessDenied, "a & b")
        );
        let long = alloc::format!(
            "<Error><Code>X</Code><Message>{}</Message></Error>",
            "m".repeat(5000)
        );
        let e = ServerError::parse(&head(400), long.as_bytes());
        assert_eq!(
            e.code,
            ErrorCode::Other(String::new()),
            "cut at 4096 bytes: no </Error> left"
        );
        let e = ServerError::parse(&head(503), b"<html>Bad Gateway</html>");
        assert!(e.details.is_empty() && e.is_retryable());
        assert_eq!(e.to_string(), "OSS answered 503 (request id RID)");
    }
}
