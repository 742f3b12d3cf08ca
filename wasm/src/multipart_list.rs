//! The rest of the multipart calls and metadata in ali-oss's vocabulary: listParts,
//! listUploads, uploadPartCopy and putMeta (UpdateObjectMeta).

use js_sys::{Array, Promise};
use oss_core::ops::copy::UpdateObjectMeta;
use oss_core::ops::multipart::{ListMultipartUploads, ListParts, UploadPartCopy};
use wasm_bindgen::prelude::*;

use crate::Client;
use crate::error::Error;
use crate::js::{self, number, object, set, string};
use crate::xmljs::{document, job, list, step, text};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
export interface ListPartsQuery {
  /** 1 to 1000 (default 1000). */
  'max-parts'?: number | string;
  /** List the parts after this part number. */
  'part-number-marker'?: number | string;
}

/** A part as OSS lists it. */
export interface ListedPart {
  PartNumber: string;
  LastModified: string;
  /** In quotes. */
  ETag: string;
  Size: string;
  HashCrc64ecma?: string;
}

export interface ListPartsResult {
  uploadId: string;
  bucket: string;
  name: string;
  partNumberMarker: string;
  nextPartNumberMarker: string;
  maxParts: string;
  isTruncated: boolean;
  parts: ListedPart[];
  res: ResponseInfo;
}

export interface ListUploadsQuery {
  prefix?: string;
  delimiter?: string;
  'key-marker'?: string;
  'upload-id-marker'?: string;
  /** 1 to 1000 (default 1000). */
  'max-uploads'?: number | string;
}

export interface UploadSummary {
  name: string;
  uploadId: string;
  /** ISO 8601. */
  initiated: string;
}

export interface ListUploadsResult {
  uploads: UploadSummary[];
  /** Common prefixes, with a delimiter. */
  prefixes: string[];
  bucket: string;
  nextKeyMarker: string;
  nextUploadIdMarker: string;
  isTruncated: boolean;
  res: ResponseInfo;
}

/** The object a part is copied from. */
export interface UploadPartCopySource {
  sourceKey: string;
  /** Default: the client's bucket. */
  sourceBucketName?: string;
}

export interface UploadPartCopyOptions extends RequestOptions {
  /** The source's version. */
  versionId?: string;
}
"#;

#[wasm_bindgen]
impl Client {
    /// One page of the parts uploaded so far.
    #[wasm_bindgen(js_name = listParts, unchecked_return_type = "Promise<ListPartsResult>")]
    pub fn list_parts(
        &self,
        name: String,
        #[wasm_bindgen(js_name = uploadId)] upload_id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "ListPartsQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let step = step(|| {
            let mut op = ListParts::new(self.in_bucket()?, &name, &upload_id);
            op.headers = js::request_headers(&options)?;
            if let Some(max) = number(&query, "max-parts")? {
                op.max_parts = max as u32;
            }
            if let Some(marker) = number(&query, "part-number-marker")? {
                op.marker = (marker as u32).to_string();
            }
            job(op, |output, reply, result| {
                let root = document(reply)?;
                for (key, path) in [
                    ("uploadId", "UploadId"),
                    ("bucket", "Bucket"),
                    ("name", "Key"),
                    ("partNumberMarker", "PartNumberMarker"),
                    ("nextPartNumberMarker", "NextPartNumberMarker"),
                    ("maxParts", "MaxParts"),
                ] {
                    set(result, key, text(&root, path));
                }
                set(result, "isTruncated", output.is_truncated);
                set(result, "parts", list(&root, "Part", false));
                Ok(())
            })
        });
        self.start(step, &options)
    }

    /// One page of the bucket's unfinished multipart uploads.
    #[wasm_bindgen(js_name = listUploads, unchecked_return_type = "Promise<ListUploadsResult>")]
    pub fn list_uploads(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListUploadsQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let step = step(|| {
            let bucket = self.in_bucket()?.to_string();
            let mut op = ListMultipartUploads::new(&bucket);
            op.headers = js::request_headers(&options)?;
            let text = |key| Ok::<_, Error>(string(&query, key)?.unwrap_or_default());
            op.prefix = text("prefix")?;
            op.delimiter = text("delimiter")?;
            op.key_marker = text("key-marker")?;
            op.upload_id_marker = text("upload-id-marker")?;
            if let Some(max) = number(&query, "max-uploads")? {
                op.max_uploads = max as u32;
            }
            job(op, move |page, _, result| {
                let uploads: Array = page
                    .uploads
                    .iter()
                    .map(|u| {
                        let item = object();
                        set(&item, "name", u.key.as_str());
                        set(&item, "uploadId", u.upload_id.as_str());
                        let initiated = oss_core::dates::unixtime_to_iso8601(u.initiation_date);
                        set(&item, "initiated", initiated.unwrap_or_default());
                        JsValue::from(item)
                    })
                    .collect();
                set(result, "uploads", uploads);
                let prefixes = js::array(page.prefixes.iter().map(String::as_str));
                set(result, "prefixes", prefixes);
                set(result, "bucket", bucket);
                set(result, "nextKeyMarker", page.next_key_marker);
                set(result, "nextUploadIdMarker", page.next_upload_id_marker);
                set(result, "isTruncated", page.is_truncated);
                Ok(())
            })
        });
        self.start(step, &options)
    }

    /// Copies bytes `range` (`"first-last"`, either end open; empty: all) of an object into
    /// part `partNo` of an upload.
    #[wasm_bindgen(js_name = uploadPartCopy, unchecked_return_type = "Promise<UploadPartResult>")]
    pub fn upload_part_copy(
        &self,
        name: String,
        #[wasm_bindgen(js_name = uploadId)] upload_id: String,
        #[wasm_bindgen(js_name = partNo)] part_no: u32,
        range: Option<String>,
        #[wasm_bindgen(js_name = sourceData, unchecked_param_type = "UploadPartCopySource")]
        source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadPartCopyOptions")] options: JsValue,
    ) -> Promise {
        let step = step(|| {
            let bucket = self.in_bucket()?;
            let key = string(&source, "sourceKey")?
                .ok_or_else(|| Error::argument("sourceData.sourceKey is required"))?;
            let source_bucket = string(&source, "sourceBucketName")?;
            let range = match range.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                None => None,
                Some(range) => {
                    let (first, last) = range.split_once('-').ok_or_else(bad_range)?;
                    Some((range_end(first)?, range_end(last)?))
                }
            };
            let mut op = UploadPartCopy::new(
                source_bucket.as_deref().unwrap_or(bucket),
                &key,
                range,
                bucket,
                &name,
                &upload_id,
                part_no,
            );
            op.source_version_id = string(&options, "versionId")?;
            op.headers = js::request_headers(&options)?;
            job(op, move |output, _, result| {
                set(result, "name", name);
                set(result, "etag", etag(output.etag));
                Ok(())
            })
        });
        self.start(step, &options)
    }

    /// Replaces an object's user metadata (and, with `options.headers`/`mime`, its HTTP
    /// headers): a copy onto itself.
    #[wasm_bindgen(js_name = putMeta, unchecked_return_type = "Promise<CopyResult>")]
    pub fn put_meta(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string> | null")] meta: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PutOptions")] options: JsValue,
    ) -> Promise {
        let step = step(|| {
            let mut headers = js::request_headers(&options)?;
            for (key, value) in js::string_entries(&meta, "meta")? {
                headers.insert(&format!("x-oss-meta-{key}"), &value)?;
            }
            let op = UpdateObjectMeta::new(self.in_bucket()?, &name, headers);
            job(op, |output, _, result| {
                let data = object();
                set(&data, "etag", etag(output.etag));
                set(result, "data", data);
                Ok(())
            })
        });
        self.start(step, &options)
    }
}

/// An ETag in quotes, as OSS sends it and ali-oss hands it on.
fn etag(etag: Option<String>) -> JsValue {
    etag.map_or(JsValue::UNDEFINED, |e| format!("\"{e}\"").into())
}

/// One end of a `"first-last"` range: empty is open.
fn range_end(end: &str) -> Result<Option<u64>, Error> {
    match end.trim() {
        "" => Ok(None),
        end => end.parse().map(Some).map_err(|_| bad_range()),
    }
}

fn bad_range() -> Error {
    Error::argument("range is \"first-last\" (bytes, either end may be left out)")
}
