//! ListBuckets and ListObjects (GetBucket), with OSS's paging: prefix, delimiter (common
//! prefixes count against max-keys), marker, NextMarker, and `encoding-type=url`.

use oss_core::xml::push_text_element;

use crate::auth::iso;
use crate::bucket::OWNER_ID;
use crate::common::{page_size, push_name, store_error, url_encoding};
use crate::error::OssError;
use crate::handler::{Context, Emulator, Outcome};
use crate::http::Response;
use crate::store::BucketMeta;

/// `max-keys` when the request gives none.
const DEFAULT_MAX_KEYS: usize = 100;

pub(crate) fn list_buckets(emulator: &Emulator, ctx: &Context<'_>) -> Outcome {
    if ctx.caller == crate::auth::Caller::Anonymous {
        return Err(OssError::access_denied(
            "Anonymous access is forbidden for this operation.",
        ));
    }
    let prefix = ctx.param("prefix").unwrap_or("");
    let marker = ctx.param("marker").unwrap_or("");
    let limit = page_size(ctx, "max-keys", DEFAULT_MAX_KEYS)?;
    let mut buckets: Vec<BucketMeta> = emulator
        .store
        .buckets()
        .into_iter()
        .filter(|b| b.name.starts_with(prefix) && b.name.as_str() > marker)
        .collect();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    let truncated = buckets.len() > limit;
    buckets.truncate(limit);

    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult>");
    if ctx.has("prefix") || ctx.has("marker") || ctx.has("max-keys") {
        push_text_element(&mut xml, "Prefix", prefix);
        push_text_element(&mut xml, "Marker", marker);
        push_text_element(&mut xml, "MaxKeys", &limit.to_string());
        push_text_element(
            &mut xml,
            "IsTruncated",
            if truncated { "true" } else { "false" },
        );
        if truncated {
            push_text_element(
                &mut xml,
                "NextMarker",
                buckets.last().map_or("", |b| &b.name),
            );
        }
    }
    xml.push_str("<Owner>");
    push_text_element(&mut xml, "ID", OWNER_ID);
    push_text_element(&mut xml, "DisplayName", OWNER_ID);
    xml.push_str("</Owner><Buckets>");
    for bucket in &buckets {
        let region = bucket
            .location
            .strip_prefix("oss-")
            .unwrap_or(&bucket.location);
        xml.push_str("<Bucket>");
        push_text_element(&mut xml, "CreationDate", &iso(bucket.created));
        push_text_element(
            &mut xml,
            "ExtranetEndpoint",
            &format!("{}.aliyuncs.com", bucket.location),
        );
        push_text_element(
            &mut xml,
            "IntranetEndpoint",
            &format!("{}-internal.aliyuncs.com", bucket.location),
        );
        push_text_element(&mut xml, "Location", &bucket.location);
        push_text_element(&mut xml, "Name", &bucket.name);
        push_text_element(&mut xml, "Region", region);
        push_text_element(&mut xml, "StorageClass", &bucket.storage_class);
        xml.push_str("</Bucket>");
    }
    xml.push_str("</Buckets></ListAllMyBucketsResult>");
    Ok(Response::xml(200, xml))
}

/// One entry of a listing page, in key order: an item (an object, an upload), or a common
/// prefix standing for every item under it.
pub(crate) enum Entry<T> {
    Item(T),
    Prefix(String),
}

/// A listing page as OSS makes it (ListObjects, ListMultipartUploads): items come in key
/// order, all after the marker and with the prefix; with a delimiter, those whose key has it
/// after the prefix collapse into one common prefix, which counts once against the limit, and
/// is left out when it is not after `marker` (an earlier page listed it).
pub(crate) struct Page<'a, T> {
    prefix: &'a str,
    delimiter: &'a str,
    marker: &'a str,
    limit: usize,
    pub entries: Vec<Entry<T>>,
    pub truncated: bool,
}

impl<'a, T> Page<'a, T> {
    pub fn new(prefix: &'a str, delimiter: &'a str, marker: &'a str, limit: usize) -> Self {
        Page {
            prefix,
            delimiter,
            marker,
            limit,
            entries: Vec::new(),
            truncated: false,
        }
    }

    /// Adds the next item, whose key is `key`; false once the page is full (it is then
    /// truncated, and `item` is not on it).
    pub fn push(&mut self, key: &str, item: T) -> bool {
        let rest = key.get(self.prefix.len()..).unwrap_or("");
        let common = (!self.delimiter.is_empty())
            .then(|| {
                rest.find(self.delimiter)
                    .map(|at| format!("{}{}", self.prefix, &rest[..at + self.delimiter.len()]))
            })
            .flatten();
        if let Some(common) = &common {
            if matches!(self.entries.last(), Some(Entry::Prefix(p)) if p == common)
                || common.as_str() <= self.marker
            {
                return true;
            }
        }
        if self.entries.len() == self.limit {
            self.truncated = true;
            return false;
        }
        self.entries.push(match common {
            Some(common) => Entry::Prefix(common),
            None => Entry::Item(item),
        });
        true
    }
}

pub(crate) fn list_objects(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let prefix = ctx.param("prefix").unwrap_or("");
    let delimiter = ctx.param("delimiter").unwrap_or("");
    let marker = ctx.param("marker").unwrap_or("");
    let limit = page_size(ctx, "max-keys", DEFAULT_MAX_KEYS)?;
    let url = url_encoding(ctx)?;

    let mut page = Page::new(prefix, delimiter, marker, limit);
    let mut after = marker.to_string();
    'pages: loop {
        let objects = emulator
            .store
            .list_objects(&bucket.name, prefix, &after, 1000)
            .map_err(|e| store_error(e, ctx))?;
        let Some(last) = objects.last() else { break };
        after = last.key.clone();
        for object in objects {
            if !page.push(&object.key.clone(), object) {
                break 'pages;
            }
        }
    }
    let (entries, truncated) = (page.entries, page.truncated);

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>");
    let text = |xml: &mut String, name: &str, value: &str| push_name(xml, name, value, url);
    push_text_element(&mut xml, "Name", &bucket.name);
    text(&mut xml, "Prefix", prefix);
    text(&mut xml, "Marker", marker);
    push_text_element(&mut xml, "MaxKeys", &limit.to_string());
    text(&mut xml, "Delimiter", delimiter);
    if url {
        push_text_element(&mut xml, "EncodingType", "url");
    }
    push_text_element(
        &mut xml,
        "IsTruncated",
        if truncated { "true" } else { "false" },
    );
    if truncated {
        let next = match entries.last() {
            Some(Entry::Item(object)) => object.key.as_str(),
            Some(Entry::Prefix(prefix)) => prefix.as_str(),
            None => "",
        };
        text(&mut xml, "NextMarker", next);
    }
    for entry in &entries {
        match entry {
            Entry::Item(object) => {
                xml.push_str("<Contents>");
                text(&mut xml, "Key", &object.key);
                push_text_element(&mut xml, "LastModified", &iso(object.last_modified));
                push_text_element(&mut xml, "ETag", &object.etag);
                push_text_element(&mut xml, "Type", object.object_type.as_str());
                push_text_element(&mut xml, "Size", &object.size.to_string());
                push_text_element(&mut xml, "StorageClass", &object.storage_class);
                xml.push_str("<Owner>");
                push_text_element(&mut xml, "ID", OWNER_ID);
                push_text_element(&mut xml, "DisplayName", OWNER_ID);
                xml.push_str("</Owner></Contents>");
            }
            Entry::Prefix(common) => {
                xml.push_str("<CommonPrefixes>");
                text(&mut xml, "Prefix", common);
                xml.push_str("</CommonPrefixes>");
            }
        }
    }
    xml.push_str("</ListBucketResult>");
    Ok(Response::xml(200, xml))
}
