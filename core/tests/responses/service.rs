//! Service and listing operations in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::service::{ListBuckets, ListObjects, Owner};
use serde_json::{Value, json};

use super::with_result;

fn owner(owner: &Owner) -> Value {
    json!({"id": owner.id, "display_name": owner.display_name})
}

/// None: not one of this group's operations (or not implemented yet).
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    _record: &Value,
) -> Option<Result<Value, Error>> {
    Some(match operation {
        "Service.list_buckets" => ListBuckets::new().parse(head, body).map(|page| {
            let buckets: Vec<Value> = page
                .buckets
                .iter()
                .map(|b| {
                    json!({
                        "name": b.name,
                        "location": b.location,
                        "creation_date": b.creation_date,
                        "extranet_endpoint": b.extranet_endpoint,
                        "intranet_endpoint": b.intranet_endpoint,
                        "storage_class": b.storage_class,
                        "region": b.region,
                        "resource_group_id": b.resource_group_id,
                    })
                })
                .collect();
            with_result(
                &page.result,
                json!({
                    "is_truncated": page.is_truncated,
                    "next_marker": page.next_marker,
                    "buckets": buckets,
                    "owner": owner(&page.owner),
                }),
            )
        }),
        "Bucket.list_objects" => ListObjects::new("b").parse(head, body).map(|page| {
            let objects: Vec<Value> = page
                .objects
                .iter()
                .map(|o| {
                    json!({
                        "key": o.key,
                        "last_modified": o.last_modified,
                        "etag": o.etag,
                        "type": o.object_type,
                        "size": o.size,
                        "storage_class": o.storage_class,
                        "owner": o.owner.as_ref().map(owner),
                        "restore_info": o.restore_info,
                    })
                })
                .collect();
            with_result(
                &page.result,
                json!({
                    "is_truncated": page.is_truncated,
                    "next_marker": page.next_marker,
                    "object_list": objects,
                    "prefix_list": page.prefixes,
                }),
            )
        }),
        _ => return None,
    })
}
