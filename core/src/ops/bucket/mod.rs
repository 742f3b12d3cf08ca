//! Bucket operations: create and delete, location, ACL (here), and the CORS, lifecycle,
//! logging, referer and website configurations (one module each).
//!
//! Each configuration is a plain model that writes the XML body oss2 writes (byte for byte,
//! see each module for the few deliberate departures) and reads OSS's answer back. Bodies and
//! answers are XML, so the operations that carry or read one need the `std` feature.

pub mod cors;
pub mod lifecycle;
pub mod logging;
pub mod referer;
pub mod website;

pub use cors::{
    BucketCors, CorsRule, DeleteBucketCors, GetBucketCors, GetBucketCorsResult, PutBucketCors,
};
pub use lifecycle::{
    BucketLifecycle, DeleteBucketLifecycle, FilterNot, GetBucketLifecycle,
    GetBucketLifecycleResult, LifecycleAge, LifecycleExpiration, LifecycleFilter, LifecycleRule,
    LifecycleTag, NoncurrentVersionExpiration, NoncurrentVersionStorageTransition,
    PutBucketLifecycle, StorageTransition,
};
pub use logging::{
    BucketLogging, DeleteBucketLogging, GetBucketLogging, GetBucketLoggingResult, PutBucketLogging,
};
pub use referer::{BucketReferer, GetBucketReferer, GetBucketRefererResult, PutBucketReferer};
pub use website::{
    BucketWebsite, Condition, ConditionIncludeHeader, DeleteBucketWebsite, GetBucketWebsite,
    GetBucketWebsiteResult, MirrorHeadersSet, PutBucketWebsite, Redirect, RedirectMirrorHeaders,
    RoutingRule,
};

use alloc::string::{String, ToString};

use super::Operation;
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// The ACLs a bucket can have (oss2's `BUCKET_ACL_*`).
pub const BUCKET_ACLS: [&str; 3] = ["private", "public-read", "public-read-write"];

/// oss2's `BUCKET_STORAGE_CLASS_*`: what [`BucketCreateConfig::storage_class`] and lifecycle
/// transitions name. Not checked here: OSS adds classes, and it answers for itself.
pub const STORAGE_CLASSES: [&str; 5] = [
    "Standard",
    "IA",
    "Archive",
    "ColdArchive",
    "DeepColdArchive",
];

fn check_acl(acl: &str) -> Result<(), ClientError> {
    if BUCKET_ACLS.contains(&acl) {
        Ok(())
    } else {
        Err(ClientError::InvalidFormat {
            what: "bucket ACL (private, public-read or public-read-write)",
            value: acl.to_string(),
        })
    }
}

/// A request on `bucket` with the sub-resource `name` (`?cors`, `?lifecycle` …).
fn subresource(method: Method, bucket: &str, name: &str) -> Result<Request, ClientError> {
    Ok(Request::bucket(method, bucket)?.with_query(name, Some("")))
}

/// The answer of an operation that answers with nothing but its head.
fn parse_empty(head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
    head.check(body)?;
    Ok(RequestResult::from_head(head))
}

/// How a new bucket stores its data (oss2's `BucketCreateConfig`): the body of CreateBucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketCreateConfig {
    /// `Standard`, `IA`, `Archive`, `ColdArchive` … (see [`STORAGE_CLASSES`]).
    pub storage_class: String,
    /// `LRS` or `ZRS`; None leaves it to OSS.
    pub data_redundancy_type: Option<String>,
}

impl BucketCreateConfig {
    pub fn new(storage_class: &str) -> BucketCreateConfig {
        BucketCreateConfig {
            storage_class: storage_class.to_string(),
            data_redundancy_type: None,
        }
    }
}

#[cfg(feature = "std")]
impl BucketCreateConfig {
    /// `<CreateBucketConfiguration>`, as oss2 writes it.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        xml_out::element(&mut out, "CreateBucketConfiguration", |out| {
            xml_out::text(out, "StorageClass", &self.storage_class);
            if let Some(redundancy) = &self.data_redundancy_type {
                xml_out::text(out, "DataRedundancyType", redundancy);
            }
        });
        out
    }

    /// Reads a `<CreateBucketConfiguration>` (what the emulator receives).
    pub fn from_xml(body: &[u8]) -> Result<BucketCreateConfig, crate::error::DecodeError> {
        let root = xml_in::root(body, "CreateBucketConfiguration")?;
        Ok(BucketCreateConfig {
            storage_class: root
                .child_text("StorageClass")
                .unwrap_or_default()
                .to_string(),
            data_redundancy_type: root.child_text("DataRedundancyType").map(str::to_string),
        })
    }
}

/// Creates a bucket (`Bucket.create_bucket`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateBucket {
    pub bucket: String,
    /// `x-oss-acl`: one of [`BUCKET_ACLS`]; None leaves it to OSS (private).
    pub acl: Option<String>,
    /// Storage class and redundancy; None sends no body.
    pub config: Option<BucketCreateConfig>,
    /// Other request headers (oss2's `headers=`), e.g. `x-oss-resource-group-id`.
    pub headers: Headers,
}

impl CreateBucket {
    pub fn new(bucket: &str) -> CreateBucket {
        CreateBucket {
            bucket: bucket.to_string(),
            ..CreateBucket::default()
        }
    }
}

#[cfg(feature = "std")]
impl Operation for CreateBucket {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        let mut request =
            Request::bucket(Method::Put, &self.bucket)?.with_headers(self.headers.clone());
        if let Some(acl) = &self.acl {
            check_acl(acl)?;
            request = request.with_header("x-oss-acl", acl)?;
        }
        if let Some(config) = &self.config {
            let body = config.to_xml().into_bytes();
            request = request.with_body(crate::request::Body::Bytes(body));
        }
        Ok(request)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// Deletes an empty bucket (`Bucket.delete_bucket`); OSS answers `BucketNotEmpty` otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteBucket {
    pub bucket: String,
}

impl DeleteBucket {
    pub fn new(bucket: &str) -> DeleteBucket {
        DeleteBucket {
            bucket: bucket.to_string(),
        }
    }
}

impl Operation for DeleteBucket {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        Request::bucket(Method::Delete, &self.bucket)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// Where a bucket lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLocationResult {
    pub result: RequestResult,
    /// The region, e.g. `oss-cn-hangzhou`.
    pub location: String,
}

/// Reads a bucket's region (`Bucket.get_bucket_location`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLocation {
    pub bucket: String,
}

impl GetBucketLocation {
    pub fn new(bucket: &str) -> GetBucketLocation {
        GetBucketLocation {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketLocation {
    type Output = GetBucketLocationResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "location")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketLocationResult, Error> {
        head.check(body)?;
        // `<LocationConstraint>oss-cn-hangzhou</LocationConstraint>`: the root's own text.
        let root = crate::xml::parse(body)?;
        Ok(GetBucketLocationResult {
            result: RequestResult::from_head(head),
            location: root.text,
        })
    }
}

/// Sets a bucket's ACL (`Bucket.put_bucket_acl`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketAcl {
    pub bucket: String,
    /// One of [`BUCKET_ACLS`].
    pub acl: String,
}

impl PutBucketAcl {
    pub fn new(bucket: &str, acl: &str) -> PutBucketAcl {
        PutBucketAcl {
            bucket: bucket.to_string(),
            acl: acl.to_string(),
        }
    }
}

impl Operation for PutBucketAcl {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_acl(&self.acl)?;
        subresource(Method::Put, &self.bucket, "acl")?.with_header("x-oss-acl", &self.acl)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's ACL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketAclResult {
    pub result: RequestResult,
    /// `private`, `public-read` or `public-read-write`.
    pub acl: String,
}

/// Reads a bucket's ACL (`Bucket.get_bucket_acl`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketAcl {
    pub bucket: String,
}

impl GetBucketAcl {
    pub fn new(bucket: &str) -> GetBucketAcl {
        GetBucketAcl {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketAcl {
    type Output = GetBucketAclResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "acl")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketAclResult, Error> {
        head.check(body)?;
        let root = xml_in::root(body, "AccessControlPolicy")?;
        Ok(GetBucketAclResult {
            result: RequestResult::from_head(head),
            acl: root.required_text("AccessControlList/Grant")?.to_string(),
        })
    }
}

/// Writing configuration bodies the way ElementTree writes them: no declaration, no
/// whitespace, `<Tag />` for an element with neither text nor children.
#[cfg(feature = "std")]
pub(crate) mod xml_out {
    use alloc::string::String;

    pub use crate::xml::{
        push_bool_element as boolean, push_number_element as number, push_text_element as text,
    };

    /// `<name>…</name>` around what `children` writes, or `<name />` when it writes nothing.
    pub fn element(out: &mut String, name: &str, children: impl FnOnce(&mut String)) {
        let start = out.len();
        out.push('<');
        out.push_str(name);
        out.push('>');
        let inner = out.len();
        children(out);
        if out.len() == inner {
            out.truncate(start);
            out.push('<');
            out.push_str(name);
            out.push_str(" />");
        } else {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// Reading OSS's configuration answers: the root and dates. Elements, numbers and booleans are
/// read with [`crate::xml::Element`]'s `required_*` and `optional_*` methods (booleans in any
/// letter case, `required_bool_any_case`), each a [`DecodeError`] naming the element when it is
/// missing or unreadable.
#[cfg(feature = "std")]
pub(crate) mod xml_in {
    use alloc::format;
    use alloc::string::ToString;

    use crate::dates::{self, Date};
    use crate::error::DecodeError;
    use crate::xml::Element;

    pub fn error(what: &str, reason: impl ToString) -> DecodeError {
        DecodeError {
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }

    /// The document's root element, which must be named `name`.
    pub fn root(body: &[u8], name: &str) -> Result<Element, DecodeError> {
        let root = crate::xml::parse(body)?;
        if root.name != name {
            return Err(error(name, format!("the root element is <{}>", root.name)));
        }
        Ok(root)
    }

    /// The calendar date of an ISO 8601 time (`2015-12-25T00:00:00.000Z`), any fraction of a
    /// second accepted (oss2 takes `.000` only).
    pub fn date(parent: &Element, name: &str) -> Result<Date, DecodeError> {
        let text = parent.required_text(name)?;
        let bad = || parent.invalid(name, format!("{text:?} is not an ISO 8601 time"));
        dates::iso8601_to_unixtime_lenient(text).map_err(|_| bad())?;
        // Checked above: `YEAR-MM-DDT…` with a real date, so only the date part is left to read.
        let (day, _) = text.split_once('T').ok_or_else(bad)?;
        let mut parts = day.splitn(3, '-');
        let mut next = || parts.next().and_then(|p| p.parse::<u32>().ok());
        let (year, month, day) = (next(), next(), next());
        match (year, month, day) {
            (Some(y), Some(m), Some(d)) => {
                let (y, m, d) = (
                    i32::try_from(y).map_err(|_| bad())?,
                    u8::try_from(m).map_err(|_| bad())?,
                    u8::try_from(d).map_err(|_| bad())?,
                );
                Date::new(y, m, d).map_err(|_| bad())
            }
            _ => Err(bad()),
        }
    }
}
