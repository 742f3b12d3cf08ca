//! Multipart upload operations in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, InitMultipartUpload, ListMultipartUploads,
    ListParts, UploadPart, UploadPartCopy,
};
use serde_json::{Value, json};

use super::with_result;

/// Multipart operations, their results under oss2's attribute names; None: not one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = record;
    let (bucket, key, upload_id) = ("b", "k", "U");
    let put_result = |r: oss_core::ops::object::PutObjectResult| {
        with_result(&r.result, json!({"etag": r.etag, "crc": r.crc}))
    };
    Some(match operation {
        "Bucket.init_multipart_upload" => InitMultipartUpload::new(bucket, key)
            .parse(head, body)
            .map(|r| with_result(&r.result, json!({"upload_id": r.upload_id}))),
        "Bucket.upload_part" => UploadPart::new(bucket, key, upload_id, 1, None)
            .parse(head, body)
            .map(put_result),
        "Bucket.upload_part_copy" => {
            UploadPartCopy::new("src", "s", None, bucket, key, upload_id, 1)
                .parse(head, body)
                .map(put_result)
        }
        // The records' parts carry no size and CRC: oss2 computes no object CRC, nor do we.
        "Bucket.complete_multipart_upload" => CompleteMultipartUpload::all(bucket, key, upload_id)
            .parse(head, body)
            .map(put_result),
        "Bucket.abort_multipart_upload" => AbortMultipartUpload::new(bucket, key, upload_id)
            .parse(head, body)
            .map(|r| with_result(&r, json!({}))),
        "Bucket.list_multipart_uploads" => {
            ListMultipartUploads::new(bucket)
                .parse(head, body)
                .map(|r| {
                    let uploads: Vec<Value> = r
                        .uploads
                        .iter()
                        .map(|u| {
                            json!({
                                "key": u.key,
                                "upload_id": u.upload_id,
                                "initiation_date": u.initiation_date,
                            })
                        })
                        .collect();
                    with_result(
                        &r.result,
                        json!({
                            "is_truncated": r.is_truncated,
                            "next_key_marker": r.next_key_marker,
                            "next_upload_id_marker": r.next_upload_id_marker,
                            "upload_list": uploads,
                            "prefix_list": r.prefixes,
                        }),
                    )
                })
        }
        "Bucket.list_parts" => ListParts::new(bucket, key, upload_id)
            .parse(head, body)
            .map(|r| {
                let parts: Vec<Value> = r
                    .parts
                    .iter()
                    .map(|p| {
                        json!({
                            "part_number": p.part_number,
                            "etag": p.etag,
                            "size": p.size,
                            "last_modified": p.last_modified,
                            // oss2 ignores the listed HashCrc64ecma; ours is `p.crc`.
                            "part_crc": null,
                        })
                    })
                    .collect();
                with_result(
                    &r.result,
                    json!({
                        "is_truncated": r.is_truncated,
                        "next_marker": r.next_marker,
                        "parts": parts,
                    }),
                )
            }),
        _ => return None,
    })
}
