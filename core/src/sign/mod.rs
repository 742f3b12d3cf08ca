//! Signing: a pure function of (request, credentials, `now`). The core never reads a clock; the
//! caller passes the time in, in seconds since the Unix epoch.

pub mod post;
pub mod v1;
pub mod v4;

mod presign;

pub use post::{Condition, PostForm, PostPolicy};
pub use presign::PresignedUrl;

use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use hmac::Hmac;
use sha1::Sha1;
use sha2::Sha256;
use spin::mutex::SpinMutex;

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

/// Which signature a [`Signer`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// No signature.
    Anonymous,
    /// `OSS <id>:<HMAC-SHA1>`.
    V1,
    /// `OSS4-HMAC-SHA256`, scoped to a day, a region and a product.
    V4,
}

/// Signs requests and presigned URLs with one set of credentials (or none).
#[derive(Clone)]
pub struct Signer {
    auth: Auth,
    date_header: DateHeader,
    verify_object_strict: bool,
    /// V4: the region of the scope (a bare id such as `cn-hangzhou`).
    region: Option<String>,
    /// V4: a Cloud Box id, which replaces the region in the scope (product `oss-cloudbox`).
    cloud_box_id: Option<String>,
    /// V4: headers the caller asks to sign besides the default ones (opt-in only).
    additional_headers: Vec<String>,
}

#[derive(Clone)]
enum Auth {
    Anonymous,
    V1 {
        credentials: Credentials,
        key: Hmac<Sha1>,
    },
    V4 {
        credentials: Credentials,
        /// The last signing key derived: it changes once a day per region and product, and
        /// deriving it costs four HMACs. Clones share it.
        cache: Arc<SpinMutex<Option<CachedKey>>>,
    },
}

struct CachedKey {
    day: [u8; 8],
    region: String,
    product: &'static str,
    key: Hmac<Sha256>,
}

impl Signer {
    /// No signature at all: public-read and public-read-write buckets.
    pub fn anonymous() -> Signer {
        Signer::with_auth(Auth::Anonymous)
    }

    fn with_auth(auth: Auth) -> Signer {
        Signer {
            auth,
            date_header: DateHeader::Date,
            verify_object_strict: true,
            region: None,
            cloud_box_id: None,
            additional_headers: Vec::new(),
        }
    }

    /// Signature V1 (`Authorization: OSS id:signature`); with an STS token when the credentials
    /// carry one.
    pub fn v1(credentials: Credentials) -> Signer {
        let key = v1::hmac_key(credentials.access_key_secret());
        Signer::with_auth(Auth::V1 { credentials, key })
    }

    /// Signature V4 (`OSS4-HMAC-SHA256`); with an STS token when the credentials carry one.
    /// It needs a region ([`Signer::with_region`]): signing without one is refused.
    pub fn v4(credentials: Credentials) -> Signer {
        Signer::with_auth(Auth::V4 {
            credentials,
            cache: Arc::default(),
        })
    }

    /// The region V4 signatures are scoped to, as OSS names it (`cn-hangzhou`, not
    /// `oss-cn-hangzhou`). V1 and anonymous signers keep it but do not use it.
    pub fn with_region(mut self, region: &str) -> Signer {
        self.region = Some(region.to_string());
        self
    }

    /// Signs for a Cloud Box (product `oss-cloudbox`, the Cloud Box id in place of the region).
    pub fn with_cloud_box_id(mut self, cloud_box_id: &str) -> Signer {
        self.cloud_box_id = Some(cloud_box_id.to_string());
        self
    }

    /// V4: also sign these headers when a request carries them (oss2's `additional_headers`).
    /// Off by default: browsers and proxies may change `Host` or `Content-Length`, and a signed
    /// header that changes on the way breaks the signature.
    pub fn with_additional_headers<S: AsRef<str>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Signer {
        self.additional_headers = names.into_iter().map(|n| n.as_ref().to_string()).collect();
        self
    }

    /// The same credentials and settings, signing with `version` instead. An anonymous signer
    /// stays anonymous (it has no credentials to sign with), whatever `version` says.
    pub fn to_version(&self, version: SignatureVersion) -> Signer {
        let auth = match (&self.auth, version) {
            (Auth::Anonymous, _) | (_, SignatureVersion::Anonymous) => Auth::Anonymous,
            (Auth::V1 { .. }, SignatureVersion::V1) | (Auth::V4 { .. }, SignatureVersion::V4) => {
                self.auth.clone()
            }
            (Auth::V4 { credentials, .. }, SignatureVersion::V1) => Auth::V1 {
                key: v1::hmac_key(credentials.access_key_secret()),
                credentials: credentials.clone(),
            },
            (Auth::V1 { credentials, .. }, SignatureVersion::V4) => Auth::V4 {
                credentials: credentials.clone(),
                cache: Arc::default(),
            },
        };
        Signer {
            auth,
            ..self.clone()
        }
    }

    /// The Cloud Box id, if one was given.
    pub fn cloud_box_id(&self) -> Option<&str> {
        self.cloud_box_id.as_deref()
    }

    pub fn version(&self) -> SignatureVersion {
        match self.auth {
            Auth::Anonymous => SignatureVersion::Anonymous,
            Auth::V1 { .. } => SignatureVersion::V1,
            Auth::V4 { .. } => SignatureVersion::V4,
        }
    }

    /// The V4 region, if one was given.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
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
            Auth::V1 { credentials, .. } | Auth::V4 { credentials, .. } => Some(credentials),
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

        if let Auth::V4 { credentials, .. } = &self.auth {
            let timestamp = dates::V4Timestamp::from_unix(now)?;
            headers.reserve(4);
            if let Some(token) = credentials.security_token() {
                headers.set_unchecked("x-oss-security-token", token);
            }
            // V4 never sends Date; browsers could not send a caller's Date anyway.
            if self.date_header == DateHeader::XOssDate {
                headers.remove("date");
            }
            headers.set_unchecked("x-oss-date", timestamp.as_str());
            headers.set_unchecked("x-oss-content-sha256", v4::UNSIGNED_PAYLOAD);
            let additional = v4::additional_headers(&headers, &self.additional_headers);
            let canonical = v4::canonical_request(
                method,
                bucket.as_deref(),
                key,
                query(),
                &headers,
                &additional,
            );
            let scope = self.scope(&timestamp)?;
            let string_to_sign = v4::string_to_sign(&scope, &canonical);
            let signature = v4::signature_with(&self.signing_key(&scope)?, &string_to_sign);
            let mut authorization = String::with_capacity(200);
            authorization.push_str(v4::ALGORITHM);
            authorization.push_str(" Credential=");
            authorization.push_str(&scope.credential(credentials.access_key_id()));
            if !additional.is_empty() {
                authorization.push_str(", AdditionalHeaders=");
                authorization.push_str(&additional.join(";"));
            }
            authorization.push_str(", Signature=");
            authorization.push_str(&signature);
            headers.set_owned("authorization", authorization);
            return Ok(SignedRequest {
                method,
                url,
                headers,
                body,
                string_to_sign: Some(string_to_sign),
            });
        }

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

impl Signer {
    /// The region of a V4 scope: the Cloud Box id, or the region, which must be given.
    fn scope_region(&self) -> Result<&str, ClientError> {
        self.cloud_box_id
            .as_deref()
            .or(self.region.as_deref())
            .filter(|r| !r.is_empty())
            .ok_or(ClientError::MissingRegion)
    }

    /// The V4 scope of a signature made at `timestamp`.
    fn scope<'a>(
        &'a self,
        timestamp: &'a dates::V4Timestamp,
    ) -> Result<v4::Scope<'a>, ClientError> {
        Ok(v4::Scope {
            timestamp,
            region: self.scope_region()?,
            product: self.product(),
        })
    }

    fn product(&self) -> &'static str {
        if self.cloud_box_id.is_some() {
            v4::PRODUCT_CLOUD_BOX
        } else {
            v4::PRODUCT_OSS
        }
    }

    /// The V4 signing key of `scope`, keyed into an HMAC, derived once per day, region and
    /// product.
    fn signing_key(&self, scope: &v4::Scope<'_>) -> Result<Hmac<Sha256>, ClientError> {
        let Auth::V4 { credentials, cache } = &self.auth else {
            return Err(ClientError::MissingRegion);
        };
        let day: [u8; 8] = scope
            .timestamp
            .day()
            .as_bytes()
            .try_into()
            .unwrap_or_default();
        let mut cached = cache.lock();
        if let Some(c) = cached.as_ref() {
            if c.day == day && c.region == scope.region && c.product == scope.product {
                return Ok(c.key.clone());
            }
        }
        let key = v4::keyed(&v4::signing_key(
            credentials.access_key_secret(),
            scope.timestamp.day(),
            scope.region,
            scope.product,
        ));
        *cached = Some(CachedKey {
            day,
            region: scope.region.to_string(),
            product: scope.product,
            key: key.clone(),
        });
        Ok(key)
    }
}

/// A stable insertion sort. The lists signers sort hold a few items (headers, sub-resources,
/// query parameters), and the standard library's sorts cost several KB of code per instance in
/// size-bound builds (the oss-wasm package).
pub(crate) fn insertion_sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
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
            Auth::V4 { credentials, .. } => {
                s.field("auth", &"v4").field("credentials", credentials)
            }
        };
        s.field("region", &self.region)
            .field("cloud_box_id", &self.cloud_box_id)
            .field("additional_headers", &self.additional_headers)
            .field("date_header", &self.date_header)
            .field("verify_object_strict", &self.verify_object_strict)
            .finish()
    }
}
