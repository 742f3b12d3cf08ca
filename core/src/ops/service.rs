//! Listings of the service and of a bucket: ListBuckets (`GET /`) and ListObjects
//! (`GET /?prefix=…`), each a [`Paginated`] operation.
//!
//! ListObjects asks for `encoding-type=url` so that any key can travel in XML; what comes back
//! is decoded only when the answer says `<EncodingType>url</EncodingType>`, with `+` left as
//! `+` (oss2 uses `unquote`, not `unquote_plus`).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Operation, Paginated, Params, with_extras};
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// Owner of a bucket or object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub id: String,
    pub display_name: String,
}

/// A bucket in a ListBuckets page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketSummary {
    pub name: String,
    /// `oss-cn-hangzhou` and the like.
    pub location: String,
    /// Unix seconds.
    pub creation_date: i64,
    pub extranet_endpoint: String,
    pub intranet_endpoint: String,
    pub storage_class: String,
    pub region: Option<String>,
    pub resource_group_id: Option<String>,
}

/// One page of ListBuckets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListBucketsResult {
    pub result: RequestResult,
    pub buckets: Vec<BucketSummary>,
    pub owner: Owner,
    pub is_truncated: bool,
    /// Where the next page starts ("" on the last page).
    pub next_marker: String,
}

/// Lists the buckets of the account (`Service.list_buckets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListBuckets {
    pub prefix: String,
    pub marker: String,
    /// 1..=1000.
    pub max_keys: u32,
    /// Filters such as `tag-key`/`tag-value`, `resource-group-id`.
    pub params: Params,
    pub headers: Headers,
}

impl Default for ListBuckets {
    fn default() -> ListBuckets {
        ListBuckets {
            prefix: String::new(),
            marker: String::new(),
            max_keys: 100,
            params: Params::new(),
            headers: Headers::new(),
        }
    }
}

impl ListBuckets {
    pub fn new() -> ListBuckets {
        ListBuckets::default()
    }
}

fn check_max(what: &'static str, max: u32) -> Result<(), ClientError> {
    if (1..=1000).contains(&max) {
        Ok(())
    } else {
        Err(ClientError::InvalidFormat {
            what,
            value: max.to_string(),
        })
    }
}

#[cfg(feature = "std")]
impl Operation for ListBuckets {
    type Output = ListBucketsResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_max("max_keys (1 to 1000)", self.max_keys)?;
        let request = Request::service(Method::Get)
            .with_query("prefix", Some(&self.prefix))
            .with_query("marker", Some(&self.marker))
            .with_query("max-keys", Some(&self.max_keys.to_string()));
        with_extras(request, &self.params, &self.headers)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ListBucketsResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let mut page = ListBucketsResult {
            result: RequestResult::from_head(head),
            ..ListBucketsResult::default()
        };
        // A missing IsTruncated means one page (oss2 does the same).
        page.is_truncated = match root.child("IsTruncated") {
            None => false,
            Some(_) => listing::flag(&root, "IsTruncated")?,
        };
        if page.is_truncated {
            page.next_marker = listing::text(&root, "NextMarker")?.to_string();
        }
        if let Some(owner) = root.child("Owner") {
            page.owner = listing::owner(owner);
        }
        for bucket in root
            .child("Buckets")
            .into_iter()
            .flat_map(|b| b.children_named("Bucket"))
        {
            page.buckets.push(BucketSummary {
                name: listing::text(bucket, "Name")?.to_string(),
                location: listing::text(bucket, "Location")?.to_string(),
                creation_date: listing::time(bucket, "CreationDate")?,
                extranet_endpoint: listing::text(bucket, "ExtranetEndpoint")?.to_string(),
                intranet_endpoint: listing::text(bucket, "IntranetEndpoint")?.to_string(),
                storage_class: listing::text(bucket, "StorageClass")?.to_string(),
                region: bucket.child_text("Region").map(str::to_string),
                resource_group_id: bucket.child_text("ResourceGroupId").map(str::to_string),
            });
        }
        Ok(page)
    }
}

#[cfg(feature = "std")]
impl Paginated for ListBuckets {
    fn next_page(&self, page: &ListBucketsResult) -> Option<ListBuckets> {
        page.is_truncated.then(|| ListBuckets {
            marker: page.next_marker.clone(),
            ..self.clone()
        })
    }
}

/// An object in a ListObjects page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectSummary {
    pub key: String,
    /// Unix seconds.
    pub last_modified: i64,
    /// Without quotes.
    pub etag: String,
    /// `Normal`, `Appendable`, `Multipart` or `Symlink`.
    pub object_type: String,
    pub size: u64,
    pub storage_class: String,
    pub owner: Option<Owner>,
    /// `RestoreInfo` of archived objects being or having been restored.
    pub restore_info: Option<String>,
}

/// One page of ListObjects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListObjectsResult {
    pub result: RequestResult,
    pub objects: Vec<ObjectSummary>,
    /// Common prefixes ("directories") when a delimiter was given.
    pub prefixes: Vec<String>,
    pub is_truncated: bool,
    /// Where the next page starts ("" on the last page).
    pub next_marker: String,
}

/// Lists the objects of a bucket (`Bucket.list_objects`, GetBucket V1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListObjects {
    pub bucket: String,
    pub prefix: String,
    pub delimiter: String,
    pub marker: String,
    /// 1..=1000.
    pub max_keys: u32,
    pub headers: Headers,
}

impl ListObjects {
    pub fn new(bucket: &str) -> ListObjects {
        ListObjects {
            bucket: bucket.to_string(),
            prefix: String::new(),
            delimiter: String::new(),
            marker: String::new(),
            max_keys: 100,
            headers: Headers::new(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for ListObjects {
    type Output = ListObjectsResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_max("max_keys (1 to 1000)", self.max_keys)?;
        let request = Request::bucket(Method::Get, &self.bucket)?
            .with_query("prefix", Some(&self.prefix))
            .with_query("delimiter", Some(&self.delimiter))
            .with_query("marker", Some(&self.marker))
            .with_query("max-keys", Some(&self.max_keys.to_string()))
            .with_query("encoding-type", Some("url"));
        with_extras(request, &Params::new(), &self.headers)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ListObjectsResult, Error> {
        head.check(body)?;
        listing::list_objects(head, body)
    }
}

#[cfg(feature = "std")]
impl Paginated for ListObjects {
    fn next_page(&self, page: &ListObjectsResult) -> Option<ListObjects> {
        page.is_truncated.then(|| ListObjects {
            marker: page.next_marker.clone(),
            ..self.clone()
        })
    }
}

/// Reading listing documents.
#[cfg(feature = "std")]
mod listing {
    use alloc::string::{String, ToString};

    use super::{ListObjectsResult, ObjectSummary, Owner};
    use crate::dates;
    use crate::encoding::url_decode;
    use crate::error::{DecodeError, Error};
    use crate::response::{RequestResult, ResponseHead, strip_quotes};
    use crate::xml::Element;

    fn missing(parent: &Element, name: &str) -> DecodeError {
        DecodeError {
            what: alloc::format!("{}/{name}", parent.name),
            reason: "the element is missing".to_string(),
        }
    }

    pub fn text<'a>(parent: &'a Element, name: &str) -> Result<&'a str, DecodeError> {
        parent.child_text(name).ok_or_else(|| missing(parent, name))
    }

    /// `true` or `false`, nothing else (as oss2).
    pub fn flag(parent: &Element, name: &str) -> Result<bool, DecodeError> {
        match text(parent, name)? {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(DecodeError {
                what: alloc::format!("{}/{name}", parent.name),
                reason: alloc::format!("{other:?} is neither true nor false"),
            }),
        }
    }

    /// An ISO 8601 time; any fraction of a second is accepted (oss2 refuses all but `.000`).
    pub fn time(parent: &Element, name: &str) -> Result<i64, DecodeError> {
        dates::iso8601_to_unixtime_lenient(text(parent, name)?)
    }

    pub fn number(parent: &Element, name: &str) -> Result<u64, DecodeError> {
        let value = text(parent, name)?;
        value.trim().parse().map_err(|_| DecodeError {
            what: alloc::format!("{}/{name}", parent.name),
            reason: alloc::format!("{value:?} is not an unsigned number"),
        })
    }

    pub fn owner(node: &Element) -> Owner {
        Owner {
            id: node.child_text("ID").unwrap_or_default().to_string(),
            display_name: node
                .child_text("DisplayName")
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// A key, prefix or marker: url-decoded when the listing says it is url-encoded.
    pub fn object_name(
        parent: &Element,
        name: &str,
        url_encoded: bool,
    ) -> Result<String, DecodeError> {
        let raw = text(parent, name)?;
        if url_encoded {
            url_decode(raw)
        } else {
            Ok(raw.to_string())
        }
    }

    pub fn list_objects(head: &ResponseHead, body: &[u8]) -> Result<ListObjectsResult, Error> {
        let root = crate::xml::parse(body)?;
        let url_encoded = root.child_text("EncodingType") == Some("url");
        let mut page = ListObjectsResult {
            result: RequestResult::from_head(head),
            ..ListObjectsResult::default()
        };
        page.is_truncated = flag(&root, "IsTruncated")?;
        if page.is_truncated {
            page.next_marker = object_name(&root, "NextMarker", url_encoded)?;
        }
        for contents in root.children_named("Contents") {
            page.objects.push(ObjectSummary {
                key: object_name(contents, "Key", url_encoded)?,
                last_modified: time(contents, "LastModified")?,
                etag: strip_quotes(text(contents, "ETag")?).to_string(),
                object_type: text(contents, "Type")?.to_string(),
                size: number(contents, "Size")?,
                storage_class: text(contents, "StorageClass")?.to_string(),
                owner: contents.child("Owner").map(owner),
                restore_info: contents.child_text("RestoreInfo").map(str::to_string),
            });
        }
        for prefixes in root.children_named("CommonPrefixes") {
            page.prefixes
                .push(object_name(prefixes, "Prefix", url_encoded)?);
        }
        Ok(page)
    }
}
