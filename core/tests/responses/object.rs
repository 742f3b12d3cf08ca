//! Object operations in `responses.json`.

use oss_core::ResponseHead;
use oss_core::crc64::check_crc64;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::object::{
    AppendObject, DeleteObject, GetObject, GetObjectAcl, GetObjectMeta, HeadObject, ObjectExists,
    PutObject, PutObjectAcl,
};
use serde_json::{Value, json};

use super::with_result;

/// Object operations, their results under oss2's attribute names; None: not an object operation.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let (head, body) = (head.clone(), body);
    let key = "k";
    let produced: Result<Value, Error> = match operation {
        "Bucket.put_object" => PutObject::new("b", key, None).parse(&head, body).and_then(|r| {
            // The driver checks the CRC of what it streamed; the record gives oss2's client CRC.
            if let Some(client) = client_crc_of(record) {
                check_crc64(client, head.header("x-oss-hash-crc64ecma"))?;
            }
            Ok(with_result(&r.result, json!({"etag": r.etag, "crc": r.crc})))
        }),
        "Bucket.append_object" => AppendObject::new("b", key, 0, None).parse(&head, body).map(|r| {
            with_result(&r.result, json!({"etag": r.etag, "crc": r.crc, "next_position": r.next_position}))
        }),
        "Bucket.get_object" | "Bucket.head_object" => {
            let parsed = if operation == "Bucket.get_object" {
                GetObject::new("b", key).parse(&head, body)
            } else {
                HeadObject::new("b", key).parse(&head, body)
            };
            parsed.map(|r| {
                with_result(
                    &r.result,
                    json!({
                        "object_type": r.object_type,
                        "last_modified": r.last_modified,
                        "content_type": r.content_type,
                        "content_length": r.content_length,
                        "etag": r.etag,
                        "server_crc": r.server_crc,
                        "content_range": r.content_range,
                    }),
                )
            })
        }
        "Bucket.get_object_meta" => GetObjectMeta::new("b", key).parse(&head, body).map(|r| {
            with_result(
                &r.result,
                json!({"last_modified": r.last_modified, "content_length": r.content_length, "etag": r.etag}),
            )
        }),
        "Bucket.object_exists" => ObjectExists::new("b", key).parse(&head, body).map(|exists| json!(exists)),
        "Bucket.delete_object" => DeleteObject::new("b", key).parse(&head, body).map(|r| with_result(&r, json!({}))),
        "Bucket.put_object_acl" => {
            let op = PutObjectAcl::new("b", key, "private");
            op.parse(&head, body).map(|r| with_result(&r, json!({})))
        }
        "Bucket.get_object_acl" => {
            let op = GetObjectAcl::new("b", key);
            op.parse(&head, body).map(|r| with_result(&r.result, json!({"acl": r.acl})))
        }
        _ => return None,
    };
    Some(produced)
}

/// oss2's client-side CRC of a mismatch record, from its message (the data itself is not kept).
fn client_crc_of(record: &Value) -> Option<u64> {
    let body = record["expected"]["error"]["body"].as_str()?;
    let after = body.split("CRC checksum of client: ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}
