//! Who is asking: V1 and V4 header signatures, V1 and V4 presigned URLs, STS tokens, or nobody
//! (anonymous). The string-to-sign is oss-core's own, so the emulator and the client can only
//! agree if both follow OSS's rules.

use oss_core::Headers;
use oss_core::dates;
use oss_core::dates::V4Timestamp;
use oss_core::request::Method;
use oss_core::sign::{v1, v4};

use crate::error::OssError;

/// OSS refuses requests whose time is more than 15 minutes off its own.
pub const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// An access key the emulator accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    secret: String,
    /// With a token, the key is an STS key: requests must carry the token too.
    pub security_token: Option<String>,
}

impl AccessKey {
    pub fn new(id: &str, secret: &str) -> AccessKey {
        AccessKey {
            id: id.to_string(),
            secret: secret.to_string(),
            security_token: None,
        }
    }

    pub fn sts(id: &str, secret: &str, token: &str) -> AccessKey {
        AccessKey {
            security_token: Some(token.to_string()),
            ..AccessKey::new(id, secret)
        }
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// Signed with this access key id.
    Key(String),
}

/// A request as the signature sees it: decoded bucket, key and query.
#[derive(Debug)]
pub struct Signed<'a> {
    pub method: Method,
    pub bucket: Option<&'a str>,
    pub key: &'a str,
    pub query: &'a [(String, Option<String>)],
    pub headers: &'a [(String, String)],
}

impl Signed<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Checks the request's signature (if any) and says who made it. `region` is the emulator's
/// (V4 signatures are scoped to one).
pub fn authenticate(
    keys: &[AccessKey],
    request: &Signed<'_>,
    now: i64,
    region: &str,
) -> Result<Caller, OssError> {
    if request.param("x-oss-signature-version").is_some() {
        return presigned_v4(keys, request, now, region);
    }
    if let Some(authorization) = request.header("authorization") {
        let invalid = || {
            OssError::invalid_argument("Authorization header is invalid.")
                .field("ArgumentName", "Authorization")
                .field("ArgumentValue", authorization)
        };
        let (scheme, credential) = authorization.split_once(' ').ok_or_else(invalid)?;
        match scheme {
            "OSS" => {}
            v4::ALGORITHM => return header_v4(keys, request, now, region, credential),
            _ => return Err(invalid()),
        }
        let (id, signature) = credential.rsplit_once(':').ok_or_else(invalid)?;
        let key = find_key(keys, id)?;
        check_token(key, request.header("x-oss-security-token"))?;
        let date = request
            .header("x-oss-date")
            .filter(|d| !d.is_empty())
            .or_else(|| request.header("date"));
        let date =
            date.ok_or_else(|| OssError::access_denied("AccessDenied: Date header is missing."))?;
        let time = request_time(date).ok_or_else(|| {
            OssError::access_denied(format!("The Date header {date:?} is not a valid date."))
        })?;
        check_skew(time, date, now)?;
        verify(key, request, date, signature)?;
        return Ok(Caller::Key(key.id.clone()));
    }
    if let Some(id) = request.param("OSSAccessKeyId") {
        let expires = request.param("Expires").unwrap_or("");
        let signature = request.param("Signature").unwrap_or("");
        let key = find_key(keys, id)?;
        check_token(key, request.param("security-token"))?;
        let expiry: i64 = expires.parse().map_err(|_| {
            OssError::access_denied("Expires is not a number.").field("Expires", expires)
        })?;
        if expiry < now {
            return Err(OssError::access_denied("Request has expired.")
                .field("Expires", iso(expiry))
                .field("ServerTime", iso(now)));
        }
        verify(key, request, expires, signature)?;
        return Ok(Caller::Key(key.id.clone()));
    }
    Ok(Caller::Anonymous)
}

fn check_skew(time: i64, date: &str, now: i64) -> Result<(), OssError> {
    if (time - now).abs() <= MAX_SKEW_SECONDS {
        return Ok(());
    }
    Err(OssError::new(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
    )
    .field("RequestTime", date)
    .field("ServerTime", iso(now))
    .field("MaxAllowedSkewMilliseconds", "900000"))
}

/// `Authorization: OSS4-HMAC-SHA256 Credential=…[, AdditionalHeaders=…], Signature=…` (with or
/// without a space after each comma: the SDKs differ).
fn header_v4(
    keys: &[AccessKey],
    request: &Signed<'_>,
    now: i64,
    region: &str,
    parameters: &str,
) -> Result<Caller, OssError> {
    let invalid = || {
        OssError::invalid_argument("Authorization header is invalid.")
            .field("ArgumentName", "Authorization")
            .field("ArgumentValue", parameters)
            .field("EC", "0002-00000213")
    };
    let (mut credential, mut additional, mut signature) = (None, "", None);
    for part in parameters.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("AdditionalHeaders", v)) => additional = v,
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(invalid()),
        }
    }
    let (Some(credential), Some(signature)) = (credential, signature) else {
        return Err(invalid());
    };
    let date = request.header("x-oss-date").unwrap_or("");
    let time = basic_iso8601(date).ok_or_else(|| {
        OssError::access_denied(format!(
            "The x-oss-date header {date:?} is not a valid V4 time (YYYYMMDDTHHMMSSZ)."
        ))
    })?;
    check_skew(time, date, now)?;
    let scope = Credential::parse(credential, "Credential", date, region)?;
    let key = find_key(keys, scope.id)?;
    check_token(key, request.header("x-oss-security-token"))?;
    verify_v4(key, request, &scope, time, additional, signature, |_| true)?;
    Ok(Caller::Key(key.id.clone()))
}

/// A V4 presigned URL: `x-oss-credential`, `x-oss-date`, `x-oss-expires` (relative seconds),
/// `x-oss-signature`, and the optional `x-oss-additional-headers` and `x-oss-security-token`.
fn presigned_v4(
    keys: &[AccessKey],
    request: &Signed<'_>,
    now: i64,
    region: &str,
) -> Result<Caller, OssError> {
    let required = |name: &'static str| {
        request.param(name).ok_or_else(|| {
            OssError::invalid_argument(format!("{name} is missing from the V4 presigned URL."))
                .field("ArgumentName", name)
        })
    };
    let version = required("x-oss-signature-version")?;
    if version != v4::ALGORITHM {
        return Err(OssError::invalid_argument("Unsupported signature version.")
            .field("ArgumentName", "x-oss-signature-version")
            .field("ArgumentValue", version));
    }
    let (credential, date, expires, signature) = (
        required("x-oss-credential")?,
        required("x-oss-date")?,
        required("x-oss-expires")?,
        required("x-oss-signature")?,
    );
    let time = basic_iso8601(date).ok_or_else(|| {
        OssError::invalid_argument("x-oss-date is not a valid V4 time (YYYYMMDDTHHMMSSZ).")
            .field("ArgumentName", "x-oss-date")
            .field("ArgumentValue", date)
    })?;
    let lifetime: i64 = expires
        .parse()
        .ok()
        .filter(|e| (1..=v4::MAX_EXPIRES).contains(e))
        .ok_or_else(|| {
            OssError::invalid_argument("x-oss-expires must be 1 to 604800 seconds.")
                .field("ArgumentName", "x-oss-expires")
                .field("ArgumentValue", expires)
        })?;
    if time + lifetime < now {
        return Err(OssError::access_denied("Request has expired.")
            .field("Expires", iso(time + lifetime))
            .field("ServerTime", iso(now)));
    }
    if time - now > MAX_SKEW_SECONDS {
        return Err(OssError::access_denied("Request is not valid yet.")
            .field("RequestTime", iso(time))
            .field("ServerTime", iso(now)));
    }
    let scope = Credential::parse(credential, "x-oss-credential", date, region)?;
    let key = find_key(keys, scope.id)?;
    check_token(key, request.param("x-oss-security-token"))?;
    let additional = request.param("x-oss-additional-headers").unwrap_or("");
    // Every parameter is signed but the signature itself.
    verify_v4(key, request, &scope, time, additional, signature, |name| {
        name != "x-oss-signature"
    })?;
    Ok(Caller::Key(key.id.clone()))
}

/// `<AccessKeyId>/<day>/<region>/<product>/aliyun_v4_request`, checked against the request time
/// and the emulator's region.
pub(crate) struct Credential<'a> {
    pub id: &'a str,
    pub region: &'a str,
    pub product: &'static str,
}

impl<'a> Credential<'a> {
    pub(crate) fn parse(
        text: &'a str,
        argument: &'static str,
        date: &str,
        region: &str,
    ) -> Result<Credential<'a>, OssError> {
        let invalid = |message: &str, ec: &'static str| {
            OssError::invalid_argument(message.to_string())
                .field("ArgumentName", argument)
                .field("ArgumentValue", text)
                .field("EC", ec)
        };
        let mut parts = text.rsplitn(5, '/');
        let (Some("aliyun_v4_request"), Some(product), Some(scope_region), Some(day), Some(id)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid("The credential is invalid.", "0002-00000213"));
        };
        let product = match product {
            v4::PRODUCT_OSS => v4::PRODUCT_OSS,
            v4::PRODUCT_CLOUD_BOX => v4::PRODUCT_CLOUD_BOX,
            _ => {
                return Err(invalid(
                    "The signing product in credential is invalid.",
                    "0002-00000213",
                ));
            }
        };
        if date.get(..8) != Some(day) {
            return Err(invalid(
                "The signing date in credential does not match the request time.",
                "0002-00000213",
            ));
        }
        // A Cloud Box id stands where the region would; the emulator serves any Cloud Box.
        if product == v4::PRODUCT_OSS && scope_region != region {
            return Err(invalid(
                "The signing region in credential is invalid.",
                "0002-00000228",
            ));
        }
        Ok(Credential {
            id,
            region: scope_region,
            product,
        })
    }
}

/// Recomputes a V4 signature over the request (the query parameters `signed_param` keeps) and
/// compares; a mismatch answers with the canonical request and string to sign, as OSS does.
fn verify_v4(
    key: &AccessKey,
    request: &Signed<'_>,
    scope: &Credential<'_>,
    time: i64,
    additional: &str,
    provided: &str,
    signed_param: impl Fn(&str) -> bool,
) -> Result<(), OssError> {
    let headers = client_headers(request);
    let wanted: Vec<String> = additional
        .split(';')
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let additional = v4::additional_headers(&headers, &wanted);
    let query = request
        .query
        .iter()
        .filter(|(n, _)| signed_param(n))
        .map(|(n, v)| (n.as_str(), v.as_deref()));
    let canonical = v4::canonical_request(
        request.method,
        request.bucket,
        request.key,
        query,
        &headers,
        &additional,
    );
    let timestamp = V4Timestamp::from_unix(time)
        .map_err(|_| OssError::access_denied("The request time is out of range."))?;
    let v4_scope = v4::Scope {
        timestamp: &timestamp,
        region: scope.region,
        product: scope.product,
    };
    let string_to_sign = v4::string_to_sign(&v4_scope, &canonical);
    let signing_key = v4::signing_key(key.secret(), timestamp.day(), scope.region, scope.product);
    let expected = v4::signature(&signing_key, &string_to_sign);
    if constant_time_eq(expected.as_bytes(), provided.as_bytes()) {
        return Ok(());
    }
    Err(OssError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
    .field("CanonicalRequest", canonical)
    .field("StringToSign", string_to_sign)
    .field("SignatureProvided", provided)
    .field("OSSAccessKeyId", key.id.clone()))
}

/// The request's headers as oss-core's signer sees them.
fn client_headers(request: &Signed<'_>) -> Headers {
    let mut headers = Headers::new();
    for (name, value) in request.headers {
        // Headers a client could not have sent cannot have been signed; skip rather than fail.
        let _ = headers.insert(name, value);
    }
    headers
}

pub(crate) fn find_key<'k>(keys: &'k [AccessKey], id: &str) -> Result<&'k AccessKey, OssError> {
    keys.iter().find(|k| k.id == id).ok_or_else(|| {
        OssError::new(
            403,
            "InvalidAccessKeyId",
            "The OSS Access Key Id you provided does not exist in our records.",
        )
        .field("OSSAccessKeyId", id)
    })
}

pub(crate) fn check_token(key: &AccessKey, given: Option<&str>) -> Result<(), OssError> {
    match (&key.security_token, given) {
        (None, _) => Ok(()),
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            Ok(())
        }
        (Some(_), _) => Err(OssError::new(
            403,
            "InvalidSecurityToken",
            "The security token you provided is invalid.",
        )),
    }
}

/// Recomputes the signature and compares; on a mismatch the error carries the server's
/// string-to-sign, as OSS's does, so a client can see what differs.
fn verify(
    key: &AccessKey,
    request: &Signed<'_>,
    date: &str,
    provided: &str,
) -> Result<(), OssError> {
    let headers = client_headers(request);
    let resource = v1::Resource {
        bucket: request.bucket,
        key: request.key,
    };
    let query = request
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_deref()));
    let string_to_sign = v1::string_to_sign(request.method, &headers, date, resource, query);
    let expected = v1::signature(&v1::hmac_key(key.secret()), &string_to_sign);
    if constant_time_eq(expected.as_bytes(), provided.as_bytes()) {
        return Ok(());
    }
    let bytes: Vec<String> = string_to_sign.bytes().map(|b| format!("{b:02x}")).collect();
    Err(OssError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
    .field("StringToSign", string_to_sign.clone())
    .field("SignatureProvided", provided)
    .field("StringToSignBytes", bytes.join(" "))
    .field("OSSAccessKeyId", key.id.clone()))
}

/// A request time in any form OSS accepts: RFC 1123, ISO 8601, or the V4 basic form.
pub fn request_time(text: &str) -> Option<i64> {
    let text = text.trim();
    dates::http_to_unixtime(text)
        .or_else(|_| dates::iso8601_to_unixtime_lenient(text))
        .ok()
        .or_else(|| basic_iso8601(text))
}

/// `20231206T041401Z`.
fn basic_iso8601(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let extended = format!(
        "{}-{}-{}T{}:{}:{}Z",
        text.get(0..4)?,
        text.get(4..6)?,
        text.get(6..8)?,
        text.get(9..11)?,
        text.get(11..13)?,
        text.get(13..15)?
    );
    dates::iso8601_to_unixtime_lenient(&extended).ok()
}

pub fn iso(unix: i64) -> String {
    dates::unixtime_to_iso8601(unix).unwrap_or_default()
}

/// Compares without stopping at the first difference, so timing tells nothing about a secret.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
