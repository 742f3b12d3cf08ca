//! Listings of the service and of a bucket: ListBuckets (`GET /`) and ListObjects
//! (`GET /?prefix=…`), each a [`Paginated`] operation.
//!
//! ListObjects asks for `encoding-type=url` so that any key can travel in XML; what comes back
//! is decoded only when the answer says `<EncodingType>url</EncodingType>`, with `+` left as
//! `+` (oss2 uses `unquote`, not `unquote_plus`).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::Params;
use crate::headers::Headers;
use crate::response::RequestResult;
// Reading listings needs XML, which needs std.
#[cfg(feature = "std")]
use super::{Operation, Paginated, with_extras};
#[cfg(feature = "std")]
use crate::error::{ClientError, Error};
#[cfg(feature = "std")]
use crate::request::{Method, Request};
#[cfg(feature = "std")]
use crate::response::ResponseHead;

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

#[cfg(feature = "std")]
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
        page.is_truncated = root.optional_flag("IsTruncated")?.unwrap_or(false);
        if page.is_truncated {
            page.next_marker = root.required_text("NextMarker")?.to_string();
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
                name: bucket.required_text("Name")?.to_string(),
                location: bucket.required_text("Location")?.to_string(),
                creation_date: bucket.required_time("CreationDate")?,
                extranet_endpoint: bucket.required_text("ExtranetEndpoint")?.to_string(),
                intranet_endpoint: bucket.required_text("IntranetEndpoint")?.to_string(),
                storage_class: bucket.required_text("StorageClass")?.to_string(),
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
    use alloc::vec::Vec;

    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::{ListObjectsResult, ObjectSummary, Owner};
    use crate::dates;
    use crate::encoding::url_decode;
    use crate::error::{DecodeError, Error};
    use crate::response::{RequestResult, ResponseHead, strip_quotes};
    use crate::xml::Element;

    pub fn owner(node: &Element) -> Owner {
        Owner {
            id: node.child_text("ID").unwrap_or_default().to_string(),
            display_name: node
                .child_text("DisplayName")
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// Reads a ListBucketResult in one pass over the XML events, without building a tree: a
    /// page of 1000 keys is the largest document OSS sends often, and listing speed is the
    /// client's speed on big buckets.
    pub fn list_objects(head: &ResponseHead, body: &[u8]) -> Result<ListObjectsResult, Error> {
        let text =
            core::str::from_utf8(body).map_err(|e| malformed(alloc::format!("not UTF-8: {e}")))?;
        let mut reader = Reader::from_str(text);
        let mut page = ListObjectsResult {
            result: RequestResult::from_head(head),
            ..ListObjectsResult::default()
        };
        let (mut encoding_type, mut is_truncated, mut next_marker) = (None, None, None);
        // Elements from the root down, and the text of the innermost one.
        let mut path: Vec<Tag> = Vec::with_capacity(8);
        let mut value = String::new();
        let mut object = PartialObject::default();
        let mut owner: Option<Owner> = None;
        let mut seen_root = false;
        loop {
            match reader.read_event().map_err(malformed)? {
                Event::Start(start) => {
                    if path.len() >= crate::xml::MAX_DEPTH || (path.is_empty() && seen_root) {
                        return Err(malformed("unexpected element").into());
                    }
                    seen_root = true;
                    let name = Tag::of(start.name().into_inner());
                    match (path.as_slice(), name) {
                        ([_], Tag::Contents) => object = PartialObject::default(),
                        ([_, Tag::Contents], Tag::Owner) => owner = Some(Owner::default()),
                        _ => {}
                    }
                    path.push(name);
                    value.clear();
                }
                Event::Empty(start) => {
                    // `<Tag/>`: an element with empty text.
                    let name = Tag::of(start.name().into_inner());
                    path.push(name);
                    value.clear();
                    end_element(
                        &path,
                        &mut value,
                        &mut object,
                        &mut owner,
                        &mut page,
                        &mut encoding_type,
                        &mut is_truncated,
                        &mut next_marker,
                    )?;
                    path.pop();
                }
                Event::End(_) => {
                    end_element(
                        &path,
                        &mut value,
                        &mut object,
                        &mut owner,
                        &mut page,
                        &mut encoding_type,
                        &mut is_truncated,
                        &mut next_marker,
                    )?;
                    path.pop();
                }
                // Outside the root only white space may stand, as for the element tree.
                Event::Text(t) if path.is_empty() => {
                    if !t.trim_ascii().is_empty() {
                        return Err(malformed("text outside the root element").into());
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) if path.is_empty() => {
                    return Err(malformed("content outside the root element").into());
                }
                Event::Text(t) => value.push_str(&t.xml10_content()),
                Event::CData(t) => value.push_str(&t),
                Event::GeneralRef(r) => value.push_str(&crate::xml::resolve_reference(&r)?),
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if !path.is_empty() || !seen_root {
            return Err(malformed("the document ends inside an element").into());
        }
        let root_missing = |name: &str| DecodeError {
            what: alloc::format!("ListBucketResult/{name}"),
            reason: "the element is missing".to_string(),
        };
        page.is_truncated = match is_truncated
            .ok_or_else(|| root_missing("IsTruncated"))?
            .as_str()
        {
            "true" => true,
            "false" => false,
            other => {
                return Err(DecodeError {
                    what: "ListBucketResult/IsTruncated".to_string(),
                    reason: alloc::format!("{other:?} is neither true nor false"),
                }
                .into());
            }
        };
        // Keys can only be decoded once the whole page says whether they are encoded.
        if encoding_type.as_deref() == Some("url") {
            for object in &mut page.objects {
                object.key = url_decode(&object.key)?;
            }
            for prefix in &mut page.prefixes {
                *prefix = url_decode(prefix)?;
            }
        }
        if page.is_truncated {
            let marker = next_marker.ok_or_else(|| root_missing("NextMarker"))?;
            page.next_marker = if encoding_type.as_deref() == Some("url") {
                url_decode(&marker)?
            } else {
                marker
            };
        }
        Ok(page)
    }

    /// The elements of a listing this parser reads; anything else is `Other` and ignored.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Tag {
        EncodingType,
        IsTruncated,
        NextMarker,
        CommonPrefixes,
        Prefix,
        Contents,
        Key,
        LastModified,
        Etag,
        Type,
        Size,
        StorageClass,
        RestoreInfo,
        Owner,
        Id,
        DisplayName,
        Other,
    }

    impl Tag {
        fn of(name: &str) -> Tag {
            match name {
                "EncodingType" => Tag::EncodingType,
                "IsTruncated" => Tag::IsTruncated,
                "NextMarker" => Tag::NextMarker,
                "CommonPrefixes" => Tag::CommonPrefixes,
                "Prefix" => Tag::Prefix,
                "Contents" => Tag::Contents,
                "Key" => Tag::Key,
                "LastModified" => Tag::LastModified,
                "ETag" => Tag::Etag,
                "Type" => Tag::Type,
                "Size" => Tag::Size,
                "StorageClass" => Tag::StorageClass,
                "RestoreInfo" => Tag::RestoreInfo,
                "Owner" => Tag::Owner,
                "ID" => Tag::Id,
                "DisplayName" => Tag::DisplayName,
                _ => Tag::Other,
            }
        }
    }

    /// The fields of a `<Contents>` read so far.
    #[derive(Default)]
    struct PartialObject {
        key: Option<String>,
        last_modified: Option<i64>,
        etag: Option<String>,
        object_type: Option<String>,
        size: Option<u64>,
        storage_class: Option<String>,
        restore_info: Option<String>,
    }

    fn malformed(reason: impl core::fmt::Display) -> DecodeError {
        DecodeError {
            what: "ListBucketResult".to_string(),
            reason: reason.to_string(),
        }
    }

    /// Files the text of the element that just ended under its place in the document.
    #[allow(clippy::too_many_arguments)]
    fn end_element(
        path: &[Tag],
        value: &mut String,
        object: &mut PartialObject,
        owner: &mut Option<Owner>,
        page: &mut ListObjectsResult,
        encoding_type: &mut Option<String>,
        is_truncated: &mut Option<String>,
        next_marker: &mut Option<String>,
    ) -> Result<(), DecodeError> {
        let take = |value: &mut String| core::mem::take(value);
        match path {
            [_, Tag::EncodingType] => *encoding_type = Some(take(value)),
            [_, Tag::IsTruncated] => *is_truncated = Some(take(value)),
            [_, Tag::NextMarker] => *next_marker = Some(take(value)),
            [_, Tag::CommonPrefixes, Tag::Prefix] => page.prefixes.push(take(value)),
            [_, Tag::Contents, field] => match *field {
                Tag::Key => object.key = Some(take(value)),
                Tag::LastModified => {
                    object.last_modified = Some(dates::iso8601_to_unixtime_lenient(value)?)
                }
                Tag::Etag => object.etag = Some(strip_quotes(value).to_string()),
                Tag::Type => object.object_type = Some(take(value)),
                Tag::Size => {
                    object.size = Some(value.trim().parse().map_err(|_| DecodeError {
                        what: "Contents/Size".to_string(),
                        reason: alloc::format!("{value:?} is not an unsigned number"),
                    })?)
                }
                Tag::StorageClass => object.storage_class = Some(take(value)),
                Tag::RestoreInfo => object.restore_info = Some(take(value)),
                _ => {}
            },
            [_, Tag::Contents, Tag::Owner, Tag::Id] => {
                if let Some(owner) = owner {
                    owner.id = take(value);
                }
            }
            [_, Tag::Contents, Tag::Owner, Tag::DisplayName] => {
                if let Some(owner) = owner {
                    owner.display_name = take(value);
                }
            }
            [_, Tag::Contents] => {
                let object = core::mem::take(object);
                let missing = |name: &str| DecodeError {
                    what: alloc::format!("Contents/{name}"),
                    reason: "the element is missing".to_string(),
                };
                page.objects.push(ObjectSummary {
                    key: object.key.ok_or_else(|| missing("Key"))?,
                    last_modified: object
                        .last_modified
                        .ok_or_else(|| missing("LastModified"))?,
                    etag: object.etag.ok_or_else(|| missing("ETag"))?,
                    object_type: object.object_type.ok_or_else(|| missing("Type"))?,
                    size: object.size.ok_or_else(|| missing("Size"))?,
                    storage_class: object
                        .storage_class
                        .ok_or_else(|| missing("StorageClass"))?,
                    owner: owner.take(),
                    restore_info: object.restore_info,
                });
            }
            _ => {}
        }
        value.clear();
        Ok(())
    }
}
