//! Signing: a pure function of (request, credentials, `now`). The core never reads a clock; the
//! caller passes the time in, in seconds since the Unix epoch.

pub mod v1;

mod presign;

pub use presign::PresignedUrl;

use alloc::string::String;
use core::fmt;

use hmac::Hmac;
use sha1::Sha1;

use crate::credentials::Credentials;
use crate::dates;
use crate::encoding;
use crate::endpoint::Endpoint;
use crate::error::ClientError;
use crate::request::{Parts, Request, SignedRequest};

/// Which header carries the request time in header-signed requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateHeader {
    /// `Date`, as oss2 sends it.
    #[default]
    Date,
    /// `x-oss-date` in the same RFC 1123 form, signed in the Date slot. Browsers forbid
    /// scripts to set `Date`; this is what ali-oss sends from browsers.
    XOssDate,
}

/// Signs requests and presigned URLs with one set of credentials (or none).
#[derive(Clone)]
pub struct Signer {
    auth: Auth,
    date_header: DateHeader,
    verify_object_strict: bool,
}

#[derive(Clone)]
enum Auth {
    Anonymous,
    V1 {
        credentials: Credentials,
        key: Hmac<Sha1>,
    },
}

impl Signer {
    /// No signature at all: public-read and public-read-write buckets.
    pub fn anonymous() -> Signer {
        Signer {
            auth: Auth::Anonymous,
            date_header: DateHeader::Date,
            verify_object_strict: true,
        }
    }

    /// Signature V1 (`Authorization: OSS id:signature`); with an STS token when the credentials
    /// carry one.
    pub fn v1(credentials: Credentials) -> Signer {
        let key = v1::hmac_key(credentials.access_key_secret());
        Signer {
            auth: Auth::V1 { credentials, key },
            date_header: DateHeader::Date,
            verify_object_strict: true,
        }
    }

    /// Chooses the header that carries the request time ([`DateHeader::XOssDate`] in browsers).
    pub fn with_date_header(mut self, date_header: DateHeader) -> Signer {
        self.date_header = date_header;
        self
    }

    /// oss2's `is_verify_object_strict`: V1 presigned URLs refuse keys that start with `?`
    /// (on by default).
    pub fn with_verify_object_strict(mut self, strict: bool) -> Signer {
        self.verify_object_strict = strict;
        self
    }

    pub fn credentials(&self) -> Option<&Credentials> {
        match &self.auth {
            Auth::Anonymous => None,
            Auth::V1 { credentials, .. } => Some(credentials),
        }
    }

    /// Turns `request` into what goes on the wire at time `now` (Unix seconds).
    pub fn sign(
        &self,
        request: Request,
        endpoint: &Endpoint,
        now: i64,
    ) -> Result<SignedRequest, ClientError> {
        let Parts {
            method,
            bucket,
            key,
            query,
            mut headers,
            body,
        } = request.into_parts();
        let key = key.as_deref().unwrap_or("");
        let query = || query.iter().map(|(n, v)| (n.as_str(), v.as_deref()));
        let mut url = String::with_capacity(128);
        endpoint.push_url(&mut url, bucket.as_deref(), key, false);
        encoding::push_query(&mut url, query());

        let Auth::V1 {
            credentials,
            key: hmac,
        } = &self.auth
        else {
            return Ok(SignedRequest {
                method,
                url,
                headers,
                body,
                string_to_sign: None,
            });
        };

        let date = dates::HttpDate::from_unix(now)?;
        // Token, date and authorization: grow once.
        headers.reserve(3);
        let date = date.as_str();
        if let Some(token) = credentials.security_token() {
            headers.set_unchecked("x-oss-security-token", token);
        }
        match self.date_header {
            DateHeader::Date => headers.set_unchecked("date", date),
            DateHeader::XOssDate => {
                headers.remove("date");
                headers.set_unchecked("x-oss-date", date);
            }
        }
        let resource = v1::Resource {
            bucket: bucket.as_deref(),
            key,
        };
        let string_to_sign = v1::string_to_sign(method, &headers, date, resource, query());
        headers.set_owned(
            "authorization",
            authorization(credentials, hmac, &string_to_sign),
        );

        Ok(SignedRequest {
            method,
            url,
            headers,
            body,
            string_to_sign: Some(string_to_sign),
        })
    }
}

/// `OSS <AccessKeyId>:<signature>`.
fn authorization(credentials: &Credentials, hmac: &Hmac<Sha1>, string_to_sign: &str) -> String {
    let id = credentials.access_key_id();
    // A base64 SHA-1 digest is 28 characters.
    let mut value = String::with_capacity(5 + id.len() + 28);
    value.push_str("OSS ");
    value.push_str(id);
    value.push(':');
    v1::push_signature(&mut value, hmac, string_to_sign);
    value
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Signer");
        match &self.auth {
            Auth::Anonymous => s.field("auth", &"anonymous"),
            Auth::V1 { credentials, .. } => {
                s.field("auth", &"v1").field("credentials", credentials)
            }
        };
        s.field("date_header", &self.date_header)
            .field("verify_object_strict", &self.verify_object_strict)
            .finish()
    }
}
