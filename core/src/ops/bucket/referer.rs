//! Hotlink protection: PutBucketReferer, GetBucketReferer.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::response::RequestResult;
#[cfg(feature = "std")]
use {
    super::{parse_empty, subresource},
    crate::error::{ClientError, Error},
    crate::ops::Operation,
    crate::request::{Method, Request},
    crate::response::ResponseHead,
};

/// Which `Referer` headers a bucket accepts (oss2's `BucketReferer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketReferer {
    /// Whether a request without `Referer` is allowed.
    pub allow_empty_referer: bool,
    /// Allowed referers; `*` and `?` are wildcards. Empty: every referer is allowed.
    pub referers: Vec<String>,
    /// Whether the query string is cut off before matching; None leaves it to OSS.
    pub allow_truncate_query_string: Option<bool>,
    /// Referers refused even when `referers` matches.
    pub black_referers: Vec<String>,
}

impl BucketReferer {
    pub fn new(allow_empty_referer: bool, referers: Vec<String>) -> BucketReferer {
        BucketReferer {
            allow_empty_referer,
            referers,
            ..BucketReferer::default()
        }
    }
}

#[cfg(feature = "std")]
impl BucketReferer {
    /// `<RefererConfiguration>`, as oss2 writes it.
    pub fn to_xml(&self) -> String {
        use super::xml_out::{boolean, element, text};
        let mut out = String::new();
        element(&mut out, "RefererConfiguration", |out| {
            boolean(out, "AllowEmptyReferer", self.allow_empty_referer);
            element(out, "RefererList", |out| {
                for referer in &self.referers {
                    text(out, "Referer", referer);
                }
            });
            if let Some(truncate) = self.allow_truncate_query_string {
                boolean(out, "AllowTruncateQueryString", truncate);
            }
            if !self.black_referers.is_empty() {
                element(out, "RefererBlacklist", |out| {
                    for referer in &self.black_referers {
                        text(out, "Referer", referer);
                    }
                });
            }
        });
        out
    }

    /// Reads a `<RefererConfiguration>`; `AllowEmptyReferer` is required.
    pub fn from_xml(body: &[u8]) -> Result<BucketReferer, crate::error::DecodeError> {
        use super::xml_in;
        let root = xml_in::root(body, "RefererConfiguration")?;
        let list = |name| {
            root.child(name)
                .into_iter()
                .flat_map(|list| list.children_named("Referer"))
                .map(|r| r.text.clone())
                .collect()
        };
        Ok(BucketReferer {
            allow_empty_referer: root.required_bool_any_case("AllowEmptyReferer")?,
            referers: list("RefererList"),
            allow_truncate_query_string: root.optional_bool_any_case("AllowTruncateQueryString")?,
            black_referers: list("RefererBlacklist"),
        })
    }
}

/// Sets a bucket's referer rules (`Bucket.put_bucket_referer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketReferer {
    pub bucket: String,
    pub referer: BucketReferer,
}

impl PutBucketReferer {
    pub fn new(bucket: &str, referer: BucketReferer) -> PutBucketReferer {
        PutBucketReferer {
            bucket: bucket.to_string(),
            referer,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for PutBucketReferer {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        // oss2 sends no Content-MD5 with this body.
        let body = self.referer.to_xml().into_bytes();
        Ok(subresource(Method::Put, &self.bucket, "referer")?
            .with_body(crate::request::Body::Bytes(body)))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's referer rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketRefererResult {
    pub result: RequestResult,
    pub referer: BucketReferer,
}

/// Reads a bucket's referer rules (`Bucket.get_bucket_referer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketReferer {
    pub bucket: String,
}

impl GetBucketReferer {
    pub fn new(bucket: &str) -> GetBucketReferer {
        GetBucketReferer {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketReferer {
    type Output = GetBucketRefererResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "referer")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketRefererResult, Error> {
        head.check(body)?;
        Ok(GetBucketRefererResult {
            result: RequestResult::from_head(head),
            referer: BucketReferer::from_xml(body)?,
        })
    }
}
