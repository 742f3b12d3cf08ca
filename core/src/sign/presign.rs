//! Presigned URLs (oss2's `Bucket.sign_url`, oss2-reference §1.4) and the RTMP push URL of a
//! live channel (`Bucket.sign_rtmp_url`, §1.5).
//!
//! V1 puts the absolute expiry time in the Date slot and appends `OSSAccessKeyId`, `Expires`
//! and `Signature` after the caller's parameters; STS adds `security-token` as a parameter.
//! Headers given with the request are signed but are not in the URL: whoever uses the URL must
//! send exactly those headers.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{Auth, Signer, v1, v4};
use crate::credentials::Credentials;
use crate::dates::V4Timestamp;
use crate::encoding::{self, STRICT};
use crate::endpoint::Endpoint;
use crate::error::{ClientError, KeyProblem};
use crate::headers::Headers;
use crate::names;
use crate::request::{Parts, Request, set_param};

/// A presigned URL and the headers its user must send with it.
///
/// `Debug` hides the signed query: the URL is a bearer credential until it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    pub url: String,
    /// The headers that were signed (Content-Type, Content-MD5, `x-oss-*` …); a request made
    /// with the URL must carry them unchanged or OSS refuses the signature.
    pub headers: Headers,
    /// Unix time after which OSS refuses the URL (None for anonymous URLs, which never expire).
    pub expires_at: Option<i64>,
    /// What was signed (None for anonymous URLs).
    pub string_to_sign: Option<String>,
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.url.split('?').next().unwrap_or("");
        f.debug_struct("PresignedUrl")
            .field("url", &format_args!("{base}?<signed query redacted>"))
            .field("headers", &self.headers)
            .field("expires_at", &self.expires_at)
            .field(
                "string_to_sign",
                &self.string_to_sign.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

type Query = Vec<(String, Option<String>)>;

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
            mut query,
            mut headers,
            ..
        } = request.into_parts();
        // Object requests always have both; anything else has no key to sign a URL for.
        let (Some(bucket), Some(key)) = (bucket, key) else {
            return Err(ClientError::InvalidObjectKey {
                key: String::new(),
                problem: KeyProblem::Empty,
            });
        };
        if is_blank(&key) {
            return Err(ClientError::InvalidObjectKey {
                key,
                problem: KeyProblem::Blank,
            });
        }
        let expiration = expiration(now, expires)?;
        let mut url = String::with_capacity(256);
        endpoint.push_url(&mut url, Some(&bucket), &key, slash_safe);

        if let Auth::V4 { credentials, .. } = &self.auth {
            if !(1..=v4::MAX_EXPIRES).contains(&expires) {
                return Err(ClientError::ExpiresOutOfRange { expires });
            }
            let timestamp = V4Timestamp::from_unix(now)?;
            let scope = self.scope(&timestamp)?;
            let credential = scope.credential(credentials.access_key_id());
            let additional = v4::additional_headers(&headers, &self.additional_headers);
            // oss2's order, after the caller's parameters; all of them are signed.
            if let Some(token) = credentials.security_token() {
                set_param(&mut query, "x-oss-security-token", Some(token.to_string()));
            }
            set_param(
                &mut query,
                "x-oss-date",
                Some(timestamp.as_str().to_string()),
            );
            set_param(&mut query, "x-oss-expires", Some(expires.to_string()));
            set_param(
                &mut query,
                "x-oss-signature-version",
                Some(v4::ALGORITHM.to_string()),
            );
            set_param(&mut query, "x-oss-credential", Some(credential));
            if !additional.is_empty() {
                set_param(
                    &mut query,
                    "x-oss-additional-headers",
                    Some(additional.join(";")),
                );
            }
            let canonical = v4::canonical_request(
                method,
                Some(&bucket),
                &key,
                pairs(&query),
                &headers,
                &additional,
            );
            let string_to_sign = v4::string_to_sign(&scope, &canonical);
            let signature = v4::signature_with(&self.signing_key(&scope)?, &string_to_sign);
            set_param(&mut query, "x-oss-signature", Some(signature));
            encoding::push_query(&mut url, pairs(&query));
            return Ok(PresignedUrl {
                url,
                headers,
                expires_at: Some(expiration),
                string_to_sign: Some(string_to_sign),
            });
        }

        let Auth::V1 {
            credentials,
            key: hmac,
        } = &self.auth
        else {
            return Ok(unsigned(url, &query, headers));
        };
        if self.verify_object_strict && key.starts_with('?') {
            return Err(ClientError::InvalidObjectKey {
                key,
                problem: KeyProblem::StartsWithQuestionMark,
            });
        }
        if let Some(token) = credentials.security_token() {
            set_param(&mut query, "security-token", Some(token.to_string()));
        }
        let expiration_text = expiration.to_string();
        // A caller's Date is replaced by the expiry; an x-oss-date header would still win.
        headers.remove("date");
        let resource = v1::Resource {
            bucket: Some(&bucket),
            key: &key,
        };
        let string_to_sign =
            v1::string_to_sign(method, &headers, &expiration_text, resource, pairs(&query));
        let signature = v1::signature(hmac, &string_to_sign);
        push_signed_query(&mut url, query, credentials, expiration_text, signature);
        Ok(PresignedUrl {
            url,
            headers,
            expires_at: Some(expiration),
            string_to_sign: Some(string_to_sign),
        })
    }

    /// The RTMP URL that pushes a stream into live channel `channel` of `bucket`, valid until
    /// `now + expires`. `playlist` names the m3u8 playlist (empty: the channel's default).
    ///
    /// Unlike oss2, which appends the channel name raw, the name is percent-encoded in the URL
    /// path (the server decodes it; the signature covers the raw name either way).
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

        let mut query = Query::new();
        if !playlist.is_empty() {
            set_param(&mut query, "playlistName", Some(playlist.to_string()));
        }
        // RTMP URLs have one signature, the V1 one: oss2's V4 auth inherits it too.
        let (credentials, hmac) = match &self.auth {
            Auth::Anonymous => return Ok(unsigned(url, &query, Headers::new())),
            Auth::V1 { credentials, key } => (credentials, key.clone()),
            Auth::V4 { credentials, .. } => {
                (credentials, v1::hmac_key(credentials.access_key_secret()))
            }
        };
        if let Some(token) = credentials.security_token() {
            set_param(&mut query, "security-token", Some(token.to_string()));
        }
        let expiration_text = expiration.to_string();
        let string_to_sign =
            v1::rtmp_string_to_sign(&expiration_text, pairs(&query), bucket, channel);
        let signature = v1::signature(&hmac, &string_to_sign);
        push_signed_query(&mut url, query, credentials, expiration_text, signature);
        Ok(PresignedUrl {
            url,
            headers: Headers::new(),
            expires_at: Some(expiration),
            string_to_sign: Some(string_to_sign),
        })
    }
}

/// White space as Python's `str.strip` sees it, which oss2 uses to refuse blank keys: Unicode
/// white space plus the information separators U+001C–U+001F.
fn is_blank(key: &str) -> bool {
    key.chars()
        .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// The absolute expiry, `now + expires`; a URL cannot expire before it was made.
fn expiration(now: i64, expires: i64) -> Result<i64, ClientError> {
    if expires < 0 {
        return Err(ClientError::NegativeExpiry { expires });
    }
    now.checked_add(expires)
        .ok_or(ClientError::TimeOutOfRange { unix: now })
}

fn pairs(query: &Query) -> impl Iterator<Item = (&str, Option<&str>)> {
    query.iter().map(|(n, v)| (n.as_str(), v.as_deref()))
}

/// An anonymous URL: the caller's parameters only, no expiry.
fn unsigned(mut url: String, query: &Query, headers: Headers) -> PresignedUrl {
    encoding::push_query(&mut url, pairs(query));
    PresignedUrl {
        url,
        headers,
        expires_at: None,
        string_to_sign: None,
    }
}

/// Appends `OSSAccessKeyId`, `Expires` and `Signature` after the other parameters, in that
/// order, and writes the query into `url`.
fn push_signed_query(
    url: &mut String,
    mut query: Query,
    credentials: &Credentials,
    expiration: String,
    signature: String,
) {
    set_param(
        &mut query,
        "OSSAccessKeyId",
        Some(credentials.access_key_id().to_string()),
    );
    set_param(&mut query, "Expires", Some(expiration));
    set_param(&mut query, "Signature", Some(signature));
    encoding::push_query(url, pairs(&query));
}
