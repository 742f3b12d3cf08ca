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

/// One entry of a listing page, in key order.
enum Entry {
    Object(crate::store::ObjectMeta),
    Prefix(String),
}

pub(crate) fn list_objects(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    let prefix = ctx.param("prefix").unwrap_or("");
    let delimiter = ctx.param("delimiter").unwrap_or("");
    let marker = ctx.param("marker").unwrap_or("");
    let limit = page_size(ctx, "max-keys", DEFAULT_MAX_KEYS)?;
    let url = url_encoding(ctx)?;

    let mut entries: Vec<Entry> = Vec::new();
    let mut truncated = false;
    let mut after = marker.to_string();
    'pages: loop {
        let page = emulator
            .store
            .list_objects(&bucket.name, prefix, &after, 1000)
            .map_err(|e| store_error(e, ctx))?;
        let Some(last) = page.last() else { break };
        after = last.key.clone();
        for object in page {
            let rest = &object.key[prefix.len()..];
            let common = (!delimiter.is_empty())
                .then(|| {
                    rest.find(delimiter)
                        .map(|at| format!("{prefix}{}", &rest[..at + delimiter.len()]))
                })
                .flatten();
            if let Some(common) = &common {
                // Keys under a common prefix already listed collapse into it.
                if matches!(entries.last(), Some(Entry::Prefix(p)) if p == common)
                    || common.as_str() <= marker
                {
                    continue;
                }
            }
            if entries.len() == limit {
                truncated = true;
                break 'pages;
            }
            entries.push(match common {
                Some(common) => Entry::Prefix(common),
                None => Entry::Object(object),
            });
        }
    }

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
            Some(Entry::Object(object)) => object.key.as_str(),
            Some(Entry::Prefix(prefix)) => prefix.as_str(),
            None => "",
        };
        text(&mut xml, "NextMarker", next);
    }
    for entry in &entries {
        match entry {
            Entry::Object(object) => {
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
