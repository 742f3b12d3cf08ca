//! Cross-origin resource sharing: PutBucketCors, GetBucketCors, DeleteBucketCors.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{parse_empty, subresource};
use crate::error::{ClientError, Error};
use crate::ops::Operation;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// The methods a CORS rule may allow (OSS refuses any other).
pub const CORS_METHODS: [&str; 5] = ["GET", "PUT", "DELETE", "POST", "HEAD"];

/// One CORS rule (oss2's `CorsRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsRule {
    /// Origins allowed to send cross-origin requests; `*` is any.
    pub allowed_origins: Vec<String>,
    /// Among [`CORS_METHODS`].
    pub allowed_methods: Vec<String>,
    /// Headers a preflight may ask for (`Access-Control-Request-Headers`).
    pub allowed_headers: Vec<String>,
    /// Response headers a browser script may read.
    pub expose_headers: Vec<String>,
    /// How long a browser may cache the preflight answer.
    pub max_age_seconds: Option<u64>,
}

/// A bucket's CORS configuration (oss2's `BucketCors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketCors {
    pub rules: Vec<CorsRule>,
    /// Whether OSS answers with `Vary: Origin`; None leaves it as it is.
    pub response_vary: Option<bool>,
}

impl BucketCors {
    pub fn new(rules: Vec<CorsRule>) -> BucketCors {
        BucketCors {
            rules,
            response_vary: None,
        }
    }

    /// What OSS would refuse anyway: no rule, a rule without origin or method, a method
    /// outside [`CORS_METHODS`].
    pub fn validate(&self) -> Result<(), ClientError> {
        let invalid = |what, value: &str| {
            Err(ClientError::InvalidFormat {
                what,
                value: value.to_string(),
            })
        };
        if self.rules.is_empty() {
            return invalid("CORS configuration: it needs at least one rule", "");
        }
        for rule in &self.rules {
            if rule.allowed_origins.is_empty() {
                return invalid("CORS rule: it needs at least one allowed origin", "");
            }
            if rule.allowed_methods.is_empty() {
                return invalid("CORS rule: it needs at least one allowed method", "");
            }
            if let Some(method) = rule
                .allowed_methods
                .iter()
                .find(|m| !CORS_METHODS.contains(&m.as_str()))
            {
                return invalid("CORS method (GET, PUT, DELETE, POST or HEAD)", method);
            }
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl BucketCors {
    /// `<CORSConfiguration>`, as oss2 writes it.
    pub fn to_xml(&self) -> String {
        use super::xml_out::{boolean, element, number, text};
        let mut out = String::new();
        element(&mut out, "CORSConfiguration", |out| {
            for rule in &self.rules {
                element(out, "CORSRule", |out| {
                    let lists = [
                        ("AllowedOrigin", &rule.allowed_origins),
                        ("AllowedMethod", &rule.allowed_methods),
                        ("AllowedHeader", &rule.allowed_headers),
                        ("ExposeHeader", &rule.expose_headers),
                    ];
                    for (name, values) in lists {
                        for value in values {
                            text(out, name, value);
                        }
                    }
                    if let Some(max_age) = rule.max_age_seconds {
                        number(out, "MaxAgeSeconds", max_age);
                    }
                });
            }
            if let Some(vary) = self.response_vary {
                boolean(out, "ResponseVary", vary);
            }
        });
        out
    }

    /// Reads a `<CORSConfiguration>`.
    pub fn from_xml(body: &[u8]) -> Result<BucketCors, crate::error::DecodeError> {
        use super::xml_in;
        let root = xml_in::root(body, "CORSConfiguration")?;
        let all = |rule: &crate::xml::Element, name| {
            rule.children_named(name)
                .map(|e| e.text.clone())
                .collect::<Vec<_>>()
        };
        let mut rules = Vec::new();
        for rule in root.children_named("CORSRule") {
            rules.push(CorsRule {
                allowed_origins: all(rule, "AllowedOrigin"),
                allowed_methods: all(rule, "AllowedMethod"),
                allowed_headers: all(rule, "AllowedHeader"),
                expose_headers: all(rule, "ExposeHeader"),
                max_age_seconds: rule.optional_number("MaxAgeSeconds")?,
            });
        }
        Ok(BucketCors {
            rules,
            response_vary: root.optional_bool_any_case("ResponseVary")?,
        })
    }
}

/// Sets a bucket's CORS rules, replacing the old ones (`Bucket.put_bucket_cors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketCors {
    pub bucket: String,
    pub cors: BucketCors,
}

impl PutBucketCors {
    pub fn new(bucket: &str, cors: BucketCors) -> PutBucketCors {
        PutBucketCors {
            bucket: bucket.to_string(),
            cors,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for PutBucketCors {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        self.cors.validate()?;
        // oss2 sends no Content-MD5 with this body.
        let body = self.cors.to_xml().into_bytes();
        Ok(subresource(Method::Put, &self.bucket, "cors")?
            .with_body(crate::request::Body::Bytes(body)))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's CORS rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketCorsResult {
    pub result: RequestResult,
    pub cors: BucketCors,
}

/// Reads a bucket's CORS rules (`Bucket.get_bucket_cors`); OSS answers
/// `NoSuchCORSConfiguration` when there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketCors {
    pub bucket: String,
}

impl GetBucketCors {
    pub fn new(bucket: &str) -> GetBucketCors {
        GetBucketCors {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketCors {
    type Output = GetBucketCorsResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "cors")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketCorsResult, Error> {
        head.check(body)?;
        Ok(GetBucketCorsResult {
            result: RequestResult::from_head(head),
            cors: BucketCors::from_xml(body)?,
        })
    }
}

/// Removes a bucket's CORS rules (`Bucket.delete_bucket_cors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteBucketCors {
    pub bucket: String,
}

impl DeleteBucketCors {
    pub fn new(bucket: &str) -> DeleteBucketCors {
        DeleteBucketCors {
            bucket: bucket.to_string(),
        }
    }
}

impl Operation for DeleteBucketCors {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Delete, &self.bucket, "cors")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}
