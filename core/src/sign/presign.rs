//! Presigned URLs (oss2's `Bucket.sign_url`, oss2-reference §1.4) and the RTMP push URL of a
//! live channel (`Bucket.sign_rtmp_url`, §1.5).
//!
//! V1 puts the absolute expiry time in the Date slot and appends `OSSAccessKeyId`, `Expires`
//! and `Signature` after the caller's parameters; STS adds `security-token` as a parameter.
//! Headers given with the request are signed but are not in the URL: whoever uses the URL must
//! send exactly those headers.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{Auth, Signer, v1};
use crate::credentials::Credentials;
use crate::encoding::{self, STRICT};
use crate::endpoint::Endpoint;
use crate::error::{ClientError, KeyProblem};
use crate::names;
use crate::request::{Parts, Request, is_sensitive_header};

/// A presigned URL and the headers its user must send with it.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    pub url: String,
    /// The headers that were signed (Content-Type, Content-MD5, `x-oss-*` …); a request made
    /// with the URL must carry them unchanged or OSS refuses the signature.
    pub headers: Vec<(String, String)>,
    /// Unix time after which OSS refuses the URL (None for anonymous URLs, which never expire).
    pub expires_at: Option<i64>,
    /// What was signed (None for anonymous URLs).
    pub string_to_sign: Option<String>,
}

impl fmt::Debug for PresignedUrl {
    // The query carries the signature and, with STS, the security token: the URL is a bearer
    // credential until it expires.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.url.split('?').next().unwrap_or("");
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str(),
                    if is_sensitive_header(n) {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("PresignedUrl")
            .field("url", &format_args!("{base}?<signed query redacted>"))
            .field("headers", &headers)
            .field("expires_at", &self.expires_at)
            .field(
                "string_to_sign",
                &self.string_to_sign.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Ordered query parameters with dict semantics: setting a name that exists replaces its value
/// where it stands (oss2 keeps parameters in a dict).
struct Params<'a>(Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>);

impl<'a> Params<'a> {
    fn set(&mut self, name: &'a str, value: String) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = Some(Cow::Owned(value)),
            None => self.0.push((Cow::Borrowed(name), Some(Cow::Owned(value)))),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.0.iter().map(|(n, v)| (n.as_ref(), v.as_deref()))
    }

    /// Appends `OSSAccessKeyId`, `Expires` and `Signature` after the other parameters, in that
    /// order, and writes the query into `url`.
    fn push_signed(
        mut self,
        url: &mut String,
        credentials: &'a Credentials,
        expiration: String,
        signature: String,
    ) {
        self.set("OSSAccessKeyId", credentials.access_key_id().to_string());
        self.set("Expires", expiration);
        self.set("Signature", signature);
        encoding::push_query(url, self.iter());
    }
}

/// The absolute expiry, `now + expires`; a URL cannot expire before it was made.
fn expiration(now: i64, expires: i64) -> Result<i64, ClientError> {
    if expires < 0 {
        return Err(ClientError::NegativeExpiry { expires });
    }
    now.checked_add(expires)
        .ok_or(ClientError::TimeOutOfRange { unix: now })
}

impl Signer {
    /// A URL that performs `request` without credentials until `now + expires` (seconds).
    /// `slash_safe` keeps `/` in the key literal instead of `%2F`.
    pub fn presign(
        &self,
        request: Request,
        endpoint: &Endpoint,
        now: i64,
        expires: i64,
        slash_safe: bool,
    ) -> Result<PresignedUrl, ClientError> {
        let Parts {
            method,
            bucket,
            key,
            query,
            mut headers,
            ..
        } = request.into_parts();
        let key = key.unwrap_or_default();
        if key.trim().is_empty() {
            let problem = if key.is_empty() {
                KeyProblem::Empty
            } else {
                KeyProblem::Blank
            };
            return Err(ClientError::InvalidObjectKey { key, problem });
        }
        let expiration = expiration(now, expires)?;
        let bucket = bucket.ok_or(ClientError::MissingBucket)?;

        let mut url = String::with_capacity(256);
        endpoint.push_url(&mut url, Some(&bucket), &key, slash_safe);
        let mut params = Params(
            query
                .iter()
                .map(|(n, v)| (Cow::Borrowed(n.as_str()), v.as_deref().map(Cow::Borrowed)))
                .collect(),
        );

        let Auth::V1 {
            credentials,
            key: hmac,
        } = &self.auth
        else {
            encoding::push_query(&mut url, params.iter());
            let headers = headers.into_vec();
            return Ok(PresignedUrl {
                url,
                headers,
                expires_at: None,
                string_to_sign: None,
            });
        };
        if self.verify_object_strict && key.starts_with('?') {
            return Err(ClientError::InvalidObjectKey {
                key,
                problem: KeyProblem::StartsWithQuestionMark,
            });
        }
        let expiration_text = expiration.to_string();

        if let Some(token) = credentials.security_token() {
            params.set("security-token", token.to_string());
        }
        // A caller's Date is replaced by the expiry; an x-oss-date header would still win.
        headers.remove("date");
        let resource = v1::Resource {
            bucket: Some(&bucket),
            key: &key,
        };
        let string_to_sign =
            v1::string_to_sign(method, &headers, &expiration_text, resource, params.iter());
        let signature = v1::signature(hmac, &string_to_sign);
        params.push_signed(&mut url, credentials, expiration_text, signature);
        Ok(PresignedUrl {
            url,
            headers: headers.into_vec(),
            expires_at: Some(expiration),
            string_to_sign: Some(string_to_sign),
        })
    }

    /// The RTMP URL that pushes a stream into live channel `channel` of `bucket`, valid until
    /// `now + expires`. `playlist` names the m3u8 playlist (empty: the channel's default).
    pub fn sign_rtmp_url(
        &self,
        endpoint: &Endpoint,
        bucket: &str,
        channel: &str,
        playlist: &str,
        now: i64,
        expires: i64,
    ) -> Result<PresignedUrl, ClientError> {
        names::check_bucket_name(bucket)?;
        names::check_live_channel_name(channel)?;
        let expiration = expiration(now, expires)?;
        // `rtmp://` + what the HTTP URL of `live` would be, then `/channel`.
        let mut http = String::with_capacity(128);
        endpoint.push_url(&mut http, Some(bucket), "live", false);
        let after_scheme = http.split_once("://").map_or("", |(_, rest)| rest);
        let mut url = String::with_capacity(256);
        url.push_str("rtmp://");
        url.push_str(after_scheme);
        url.push('/');
        encoding::push_encoded(&mut url, channel, STRICT);

        let mut params = Params(Vec::new());
        if !playlist.is_empty() {
            params.set("playlistName", playlist.to_string());
        }
        let Auth::V1 {
            credentials,
            key: hmac,
        } = &self.auth
        else {
            encoding::push_query(&mut url, params.iter());
            return Ok(PresignedUrl {
                url,
                headers: Vec::new(),
                expires_at: None,
                string_to_sign: None,
            });
        };
        if let Some(token) = credentials.security_token() {
            params.set("security-token", token.to_string());
        }
        let expiration_text = expiration.to_string();
        let string_to_sign =
            v1::rtmp_string_to_sign(&expiration_text, params.iter(), bucket, channel);
        let signature = v1::signature(hmac, &string_to_sign);
        params.push_signed(&mut url, credentials, expiration_text, signature);
        Ok(PresignedUrl {
            url,
            headers: Vec::new(),
            expires_at: Some(expiration),
            string_to_sign: Some(string_to_sign),
        })
    }
}
