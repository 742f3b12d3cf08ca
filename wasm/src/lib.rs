//! oss-wasm: oss-sdk for browsers, Web Workers and Node — a `fetch` driver over the sans-IO
//! core and a JavaScript API in ali-oss's vocabulary (camelCase methods, Promises, the same
//! option and result shapes), built into the npm package `oss-wasm`.
//!
//! Each JavaScript method is one line here: it hands its arguments to [`api`], which builds the
//! core's operation and runs it through the driver's one generic `execute`.

/// Talc instead of the default dlmalloc: a smaller allocator for single-threaded WASM.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod api;
mod bucket_config;
mod credentials;
mod driver;
mod error;
mod js;
mod live_channel;
mod multipart_list;
mod pages;
mod stream;
mod upload;
mod xmljs;

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use js_sys::Promise;
use oss_core::sign::Signer;
use oss_core::{Addressing, Endpoint};
use wasm_bindgen::prelude::*;

use oss_core::ops::bucket::DeleteBucket;
use oss_core::ops::multipart::AbortMultipartUpload;
use oss_core::ops::object::{DeleteObject, PutObjectAcl};
use oss_core::ops::symlink::PutSymlink;

use crate::api::Call;
use crate::driver::Driver;
use crate::error::Error;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Object data: bytes, or text sent as UTF-8. */
export type Data = Uint8Array | ArrayBuffer | ArrayBufferView | Blob | string;

export interface ClientOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** STS security token (with STS credentials). */
  stsToken?: string;
  /**
   * Renews STS credentials: called before the first request when no keys are given, every
   * refreshSTSTokenInterval, and once when OSS refuses the token; concurrent requests share
   * one call in flight. signatureUrl never calls it.
   */
  refreshSTSToken?: () => Promise<{ accessKeyId: string; accessKeySecret: string; stsToken?: string }>;
  /** Milliseconds between renewals (default 300000). */
  refreshSTSTokenInterval?: number;
  /** The bucket methods act on (see useBucket). */
  bucket?: string;
  /** `host[:port]` or a URL (`http://127.0.0.1:9000`); the scheme follows `secure` when absent. */
  endpoint?: string;
  /**
   * `oss-cn-hangzhou` (or `cn-hangzhou`): the endpoint `oss-cn-hangzhou.aliyuncs.com` when no
   * endpoint is given, and the region of V4 signatures.
   */
  region?: string;
  /**
   * `'v4'` (OSS4-HMAC-SHA256) or `'v1'`. By default V4 when the region is known (from `region`
   * or a standard endpoint), V1 otherwise.
   */
  signatureVersion?: 'v1' | 'v4';
  /** ali-oss's switch for V4: the same as `signatureVersion: 'v4'` (true) or `'v1'` (false). */
  authorizationV4?: boolean;
  /** https (default true) when the endpoint gives no scheme. */
  secure?: boolean;
  /** The endpoint is the bucket's own domain. */
  cname?: boolean;
  /** `host/bucket/key` instead of `bucket.host/key`. */
  pathStyle?: boolean;
  /** Milliseconds per attempt (default 60000). */
  timeout?: number;
  /** Retries of idempotent requests after network errors, 5xx and 429 (default 2). */
  retryMax?: number;
  /** Milliseconds added to the local clock (learned by itself from RequestTimeTooSkewed). */
  amendTimeSkewed?: number;
}

/** The HTTP answer, as ali-oss's `res`. */
export interface ResponseInfo {
  status: number;
  /** Header names in lower case; in a browser only the headers CORS exposes. */
  headers: Record<string, string>;
  requestUrls: string[];
}

/** What every failed call rejects with. */
export interface OssError extends Error {
  /** `NoSuchKeyError`, `RequestError`, `ConnectionTimeoutError`, `InconsistentError`, … */
  name: string;
  /** OSS's error code (`NoSuchKey`), or the name for errors on this side. */
  code: string;
  /** The HTTP status, -1 when there was no answer. */
  status: number;
  requestId: string;
  hostId: string;
  ec: string;
  /** CRC-64 of the data on this side and on the server's (InconsistentError only). */
  clientCrc?: string;
  serverCrc?: string;
}

export interface RequestOptions {
  /** Extra request headers (conditions, Range, x-oss-*). */
  headers?: Record<string, string>;
  /** Cancels the call (the request in flight and its retries): it rejects with an AbortError. */
  signal?: AbortSignal;
}

/**
 * Called as data moves: the bytes done so far and the total. Downloads (`get`, `getStream`)
 * call it once per chunk received, the total being the answer's Content-Length (NaN without
 * one), the last call at exactly the total; uploads (`put`, `append`, `uploadPart`) once when
 * the request has succeeded — fetch has no upload progress events in most browsers. What it
 * throws is ignored. With `progress`, `get` reads as `getStream` does: its `timeout` ends when
 * the answer's head has come.
 */
export type Progress = (bytesDone: number, totalBytes: number) => void;

export interface ProgressOptions {
  progress?: Progress;
}

export interface PutOptions extends RequestOptions {
  /** Content-Type. */
  mime?: string;
  /** User metadata, sent as x-oss-meta-*. */
  meta?: Record<string, string>;
}

export interface PutResult {
  name: string;
  url: string;
  /** In quotes, as OSS sends it. */
  etag?: string;
  /** The server's CRC-64 of the object (checked against what was sent). */
  crc64?: string;
  res: ResponseInfo;
}

export interface AppendOptions extends PutOptions, ProgressOptions {
  /** Where this data goes: the object's length (0 creates it). */
  position?: number | string;
  /** The object's CRC-64 before this append (a previous result's crc64), to check the new one. */
  initCrc?: string;
}

export interface AppendResult extends PutResult {
  nextAppendPosition: string;
}

export interface GetOptions extends RequestOptions, ProgressOptions {
  /** x-oss-process (image processing). */
  process?: string;
  versionId?: string;
}

export interface GetResult {
  /** The object data (CRC-64 checked for whole objects). */
  content: Uint8Array;
  res: ResponseInfo;
}

export interface GetStreamResult {
  /**
   * The object data as it arrives, never held whole. A whole object's CRC-64 is checked at the
   * end: on a mismatch the stream errors (`read()` rejects with an InconsistentError). The
   * client's `timeout` ends when the answer's head has come: the body then goes at the
   * reader's pace. Cancel the stream (or the call's `signal`) to stop the download.
   */
  stream: ReadableStream<Uint8Array>;
  res: ResponseInfo;
}

export interface HeadResult {
  status: number;
  /** User metadata (x-oss-meta-* without the prefix). */
  meta: Record<string, string>;
  res: ResponseInfo;
}

export interface StatusResult {
  status: number;
  res: ResponseInfo;
}

export interface DeleteResult {
  res: ResponseInfo;
}

export interface GetAclResult {
  /** default, private, public-read or public-read-write. */
  acl: string;
  res: ResponseInfo;
}

export interface GetSymlinkResult {
  targetName: string;
  res: ResponseInfo;
}

export interface InitMultipartUploadResult {
  bucket: string;
  name: string;
  uploadId: string;
  res: ResponseInfo;
}

export interface UploadPartResult {
  name: string;
  etag?: string;
  /** The server's CRC-64 of the part (checked against what was sent). */
  crc64?: string;
  res: ResponseInfo;
}

export interface CompletedPart {
  number: number;
  etag: string;
}

export interface CompleteMultipartUploadResult {
  bucket: string;
  name: string;
  etag?: string;
  crc64?: string;
  res: ResponseInfo;
}

/**
 * Where a multipart upload stands, to resume it: plain data that survives JSON.stringify/parse
 * (and a page reload; pick the same file again and pass it back as `checkpoint`).
 */
export interface Checkpoint {
  /** The file uploaded: its size, and for a File its name and lastModified. */
  file: { name?: string; size: number; lastModified?: number };
  /** The object's name. */
  name: string;
  fileSize: number;
  partSize: number;
  uploadId: string;
  /** The parts on the server, by number; `etag` in quotes, `crc64` in decimal. */
  doneParts: Array<{ number: number; etag: string; size: number; crc64: string }>;
}

export interface MultipartUploadOptions extends PutOptions {
  /** Parts in flight at once (default 5). */
  parallel?: number;
  /**
   * Bytes per part (default 1 MiB, at least 100 KiB, grown so that there are at most 10000
   * parts). Data of at most one part goes up in one PutObject instead.
   */
  partSize?: number;
  /**
   * Called after each part with the fraction of the bytes uploaded (it only grows) and the
   * checkpoint to resume from, and once with exactly 1 and `null` when the object exists
   * (after CompleteMultipartUpload). A returned Promise is waited for; what it throws fails
   * the upload.
   */
  progress?: (p: number, checkpoint: Checkpoint | null, res: ResponseInfo) => void | Promise<void>;
  /**
   * Resumes the upload of a checkpoint: only the parts the server does not hold (with the
   * checkpoint's ETag) are sent. A checkpoint of another object, another size, or (for a
   * File) another name or lastModified is refused (TypeError, code InvalidArgument); an
   * upload the server no longer has starts over.
   */
  checkpoint?: Checkpoint;
  /**
   * Cancels this upload only: its parts in flight are aborted and it rejects with an Error
   * named 'cancel'. The upload stays on the server: resume it from `error.checkpoint`.
   */
  signal?: AbortSignal;
}

export interface MultipartUploadResult {
  bucket: string;
  name: string;
  etag?: string;
  /** The object's CRC-64, checked against the one combined from the parts'. */
  crc64?: string;
  res: ResponseInfo;
}

/** What multipartUpload rejects with: `name` 'cancel' after its signal fired. */
export interface MultipartUploadError extends OssError {
  /** Where the upload stands, to resume it (absent when it failed before it began). */
  checkpoint?: Checkpoint;
}

export interface DeleteMultiOptions extends RequestOptions {
  /** Ask OSS not to list what it deleted. */
  quiet?: boolean;
}

export interface DeletedObject {
  Key: string;
  VersionId?: string;
  DeleteMarker?: boolean;
  DeleteMarkerVersionId?: string;
}

export interface DeleteMultiResult {
  deleted: DeletedObject[];
  res: ResponseInfo;
}

export interface ListQuery {
  prefix?: string;
  marker?: string;
  delimiter?: string;
  /** 1 to 1000 (default 100). */
  'max-keys'?: number | string;
}

export interface Owner {
  id: string;
  displayName: string;
}

export interface ObjectSummary {
  name: string;
  url: string;
  /** ISO 8601. */
  lastModified: string;
  etag: string;
  /** Normal, Appendable, Multipart or Symlink. */
  type: string;
  size: number;
  storageClass: string;
  owner: Owner | null;
}

export interface ListResult {
  objects: ObjectSummary[];
  prefixes: string[];
  isTruncated: boolean;
  nextMarker?: string;
  res: ResponseInfo;
}

export interface CopyOptions extends PutOptions {}

export interface CopyResult {
  data: { etag?: string };
  res: ResponseInfo;
}

export interface PutBucketOptions extends RequestOptions {
  acl?: 'private' | 'public-read' | 'public-read-write';
  storageClass?: string;
  dataRedundancyType?: 'LRS' | 'ZRS';
}

export interface PutBucketResult {
  bucket: string;
  res: ResponseInfo;
}

export interface BucketSummary {
  name: string;
  region: string;
  creationDate: string;
  storageClass: string;
  StorageClass: string;
}

export interface ListBucketsResult {
  buckets: BucketSummary[];
  owner: Owner | null;
  isTruncated: boolean;
  nextMarker?: string;
  res: ResponseInfo;
}

export interface CorsRuleInput {
  allowedOrigin: string | string[];
  allowedMethod: string | string[];
  allowedHeader?: string | string[];
  exposeHeader?: string | string[];
  maxAgeSeconds?: number | string;
}

export interface CorsRule {
  AllowedOrigin: string[];
  AllowedMethod: string[];
  AllowedHeader: string[];
  ExposeHeader: string[];
  MaxAgeSeconds?: string;
}

export interface GetBucketCorsResult {
  rules: CorsRule[];
  res: ResponseInfo;
}

/** What a V4 presigned URL signs besides the method and the object (ali-oss's `request`). */
export interface SignatureUrlV4Request {
  headers?: Record<string, string>;
  queries?: Record<string, string>;
}

/** A PostObject policy as OSS writes it. */
export interface PostPolicy {
  /** `2024-01-02T03:04:05.000Z`, or a Date. */
  expiration: string | Date;
  /** `{bucket: 'b'}`, `['starts-with', '$key', 'user/']`, `['content-length-range', 1, 1048576]`, `['eq', '$x', 'v']`, `['in', '$content-type', ['image/png']]`. */
  conditions?: Array<Record<string, string> | Array<string | number | string[]>>;
}

/** Where to post a browser form, and the fields to send before the file. */
export interface PostObjectForm {
  /** The bucket's URL (`POST /`). */
  url: string;
  /** `policy` and the signature fields (V1: OSSAccessKeyId, Signature; V4: x-oss-credential, x-oss-date, x-oss-signature …). */
  fields: Record<string, string>;
}

export interface SignatureUrlOptions {
  /** Seconds the URL lives (default 1800). */
  expires?: number;
  /** GET (default), PUT, DELETE, HEAD, POST. */
  method?: string;
  /** A Content-Type the user of a PUT URL must send. */
  'Content-Type'?: string;
  process?: string;
  /** response-* overrides: {'content-disposition': ...}. */
  response?: Record<string, string>;
}
"#;

/// An OSS client: a bucket, credentials, an endpoint and a clock offset (ali-oss's `OSS`).
#[wasm_bindgen]
pub struct Client {
    driver: Rc<Driver>,
    bucket: Option<String>,
}

#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        Client::from_options(&options).map_err(Error::into_js)
    }

    /// Acts on another bucket from now on.
    #[wasm_bindgen(js_name = useBucket)]
    pub fn use_bucket(&mut self, name: String) {
        self.bucket = Some(name);
    }

    /// The correction applied to the local clock, in milliseconds.
    #[wasm_bindgen(getter, js_name = amendTimeSkewed)]
    pub fn amend_time_skewed(&self) -> f64 {
        self.driver.clock_offset_ms.get()
    }

    /// Uploads an object in one request; its CRC-64 is checked against the server's.
    #[wasm_bindgen(unchecked_return_type = "Promise<PutResult>")]
    pub fn put(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Data")] data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PutOptions & ProgressOptions")]
        options: JsValue,
    ) -> Promise {
        self.call(|c| c.put(name, data, options))
    }

    /// Appends to an Appendable object (created by the append at position 0).
    #[wasm_bindgen(unchecked_return_type = "Promise<AppendResult>")]
    pub fn append(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Data")] data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AppendOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.append(name, data, options))
    }

    /// Downloads an object; a whole object's CRC-64 is checked.
    #[wasm_bindgen(unchecked_return_type = "Promise<GetResult>")]
    pub fn get(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "GetOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.get(name, options))
    }

    /// ali-oss's `getStream`: the object data as a `ReadableStream` as it arrives, with
    /// per-chunk progress; a whole object's CRC-64 is checked at the end of the stream.
    #[wasm_bindgen(js_name = getStream, unchecked_return_type = "Promise<GetStreamResult>")]
    pub fn get_stream(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "GetOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.get_stream(name, options))
    }

    /// An object's headers and user metadata.
    #[wasm_bindgen(unchecked_return_type = "Promise<HeadResult>")]
    pub fn head(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.head(name, options))
    }

    /// An object's basic metadata (cheaper than head).
    #[wasm_bindgen(js_name = getObjectMeta, unchecked_return_type = "Promise<StatusResult>")]
    pub fn get_object_meta(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.get_object_meta(name, options))
    }

    /// Deletes an object (a missing one too).
    #[wasm_bindgen(unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.start(
            xmljs::step(|| {
                let mut op = DeleteObject::new(self.in_bucket()?, &name);
                op.headers = js::request_headers(&options)?;
                xmljs::plain(op)
            }),
            &options,
        )
    }

    /// Starts a multipart upload.
    #[wasm_bindgen(
        js_name = initMultipartUpload,
        unchecked_return_type = "Promise<InitMultipartUploadResult>"
    )]
    pub fn init_multipart_upload(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "PutOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.init_multipart_upload(name, options))
    }

    /// Uploads part `partNo` from bytes `start..end` of `file` (a Blob is sliced, never read
    /// whole).
    #[wasm_bindgen(js_name = uploadPart, unchecked_return_type = "Promise<UploadPartResult>")]
    // ali-oss's argument list.
    #[allow(clippy::too_many_arguments)]
    pub fn upload_part(
        &self,
        name: String,
        #[wasm_bindgen(js_name = uploadId)] upload_id: String,
        #[wasm_bindgen(js_name = partNo)] part_no: u32,
        #[wasm_bindgen(unchecked_param_type = "Data")] file: JsValue,
        start: Option<f64>,
        end: Option<f64>,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions & ProgressOptions")]
        options: JsValue,
    ) -> Promise {
        self.call(|c| c.upload_part(name, upload_id, part_no, file, start, end, options))
    }

    /// Completes a multipart upload from its parts.
    #[wasm_bindgen(
        js_name = completeMultipartUpload,
        unchecked_return_type = "Promise<CompleteMultipartUploadResult>"
    )]
    pub fn complete_multipart_upload(
        &self,
        name: String,
        #[wasm_bindgen(js_name = uploadId)] upload_id: String,
        #[wasm_bindgen(unchecked_param_type = "CompletedPart[]")] parts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.complete_multipart_upload(name, upload_id, parts, options))
    }

    /// Abandons a multipart upload and its parts.
    #[wasm_bindgen(
        js_name = abortMultipartUpload,
        unchecked_return_type = "Promise<DeleteResult>"
    )]
    pub fn abort_multipart_upload(
        &self,
        name: String,
        #[wasm_bindgen(js_name = uploadId)] upload_id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.start(
            xmljs::step(|| {
                let mut op = AbortMultipartUpload::new(self.in_bucket()?, &name, &upload_id);
                op.headers = js::request_headers(&options)?;
                xmljs::plain(op)
            }),
            &options,
        )
    }

    /// ali-oss's `multipartUpload`: a Blob/File (read a part at a time) or bytes in parts,
    /// `parallel` at a time, with progress and a checkpoint to resume from; see
    /// MultipartUploadOptions.
    #[wasm_bindgen(
        js_name = multipartUpload,
        unchecked_return_type = "Promise<MultipartUploadResult>"
    )]
    pub fn multipart_upload(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Data")] file: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MultipartUploadOptions")] options: JsValue,
    ) -> Promise {
        wasm_bindgen_futures::future_to_promise(upload::multipart_upload(
            self.context(),
            name,
            file,
            options,
        ))
    }

    /// Sets an object's ACL (`default`, `private`, `public-read`, `public-read-write`).
    #[wasm_bindgen(js_name = putACL, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_acl(
        &self,
        name: String,
        acl: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.start(
            xmljs::step(|| {
                let mut op = PutObjectAcl::new(self.in_bucket()?, &name, &acl);
                op.headers = js::request_headers(&options)?;
                xmljs::plain(op)
            }),
            &options,
        )
    }

    /// An object's ACL.
    #[wasm_bindgen(js_name = getACL, unchecked_return_type = "Promise<GetAclResult>")]
    pub fn get_acl(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.get_acl(name, options))
    }

    /// Makes `name` a symbolic link to `targetName`.
    #[wasm_bindgen(js_name = putSymlink, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_symlink(
        &self,
        name: String,
        #[wasm_bindgen(js_name = targetName)] target_name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "PutOptions")] options: JsValue,
    ) -> Promise {
        self.start(
            xmljs::step(|| {
                let mut op = PutSymlink::new(self.in_bucket()?, &target_name, &name);
                op.headers = js::request_headers(&options)?;
                xmljs::plain(op)
            }),
            &options,
        )
    }

    /// The target of a symbolic link.
    #[wasm_bindgen(js_name = getSymlink, unchecked_return_type = "Promise<GetSymlinkResult>")]
    pub fn get_symlink(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.get_symlink(name, options))
    }

    /// Deletes up to 1000 objects.
    #[wasm_bindgen(js_name = deleteMulti, unchecked_return_type = "Promise<DeleteMultiResult>")]
    pub fn delete_multi(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] names: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DeleteMultiOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.delete_multi(names, options))
    }

    /// One page of the bucket's objects.
    #[wasm_bindgen(unchecked_return_type = "Promise<ListResult>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListQuery")] query: JsValue,
    ) -> Promise {
        self.call(|c| c.list(query))
    }

    /// Every page of a listing, as an async iterator (`for await (const page of …)`),
    /// following `nextMarker` until the last page.
    #[wasm_bindgen(
        js_name = listPages,
        unchecked_return_type = "AsyncIterableIterator<ListResult>"
    )]
    pub fn list_pages(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let call = self.context();
        let first = call.list_objects(&query).map_err(Error::into_js)?;
        Ok(pages::list_objects(call, first))
    }

    /// Copies `sourceName` ("key" in `sourceBucket` or this bucket, or "/bucket/key") to `name`.
    #[wasm_bindgen(unchecked_return_type = "Promise<CopyResult>")]
    pub fn copy(
        &self,
        name: String,
        #[wasm_bindgen(js_name = sourceName)] source_name: String,
        #[wasm_bindgen(
            js_name = sourceBucket,
            unchecked_optional_param_type = "string | CopyOptions"
        )]
        source_bucket: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CopyOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.copy(name, source_name, source_bucket, options))
    }

    /// Creates a bucket.
    #[wasm_bindgen(js_name = putBucket, unchecked_return_type = "Promise<PutBucketResult>")]
    pub fn put_bucket(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "PutBucketOptions")] options: JsValue,
    ) -> Promise {
        self.call(|c| c.put_bucket(name, options))
    }

    /// Deletes an empty bucket.
    #[wasm_bindgen(js_name = deleteBucket, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_bucket(&self, name: String) -> Promise {
        self.start(xmljs::plain(DeleteBucket::new(&name)), &JsValue::UNDEFINED)
    }

    /// The account's buckets (not from a browser page: OSS sends no CORS headers for it).
    #[wasm_bindgen(js_name = listBuckets, unchecked_return_type = "Promise<ListBucketsResult>")]
    pub fn list_buckets(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListQuery")] query: JsValue,
    ) -> Promise {
        self.call(|c| c.list_buckets(query))
    }

    /// Sets a bucket's CORS rules.
    #[wasm_bindgen(js_name = putBucketCORS, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_cors(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "CorsRuleInput[]")] rules: JsValue,
    ) -> Promise {
        self.call(|c| c.put_bucket_cors(name, rules))
    }

    /// A bucket's CORS rules.
    #[wasm_bindgen(js_name = getBucketCORS, unchecked_return_type = "Promise<GetBucketCorsResult>")]
    pub fn get_bucket_cors(&self, name: String) -> Promise {
        self.call(|c| c.get_bucket_cors(name))
    }

    /// ali-oss's `signatureUrlV4`: a V4 presigned URL (1 s to 7 days), whatever the client
    /// signs with; `additionalHeaders` names headers of `request.headers` to sign too.
    #[wasm_bindgen(js_name = signatureUrlV4)]
    pub fn signature_url_v4(
        &self,
        method: String,
        expires: f64,
        #[wasm_bindgen(unchecked_param_type = "SignatureUrlV4Request | undefined")]
        request: JsValue,
        object_name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "string[]")] additional_headers: JsValue,
    ) -> Result<String, JsValue> {
        self.context()
            .signature_url_v4(
                &method,
                expires,
                &request,
                &object_name,
                &additional_headers,
            )
            .map_err(Error::into_js)
    }

    /// A browser form upload (PostObject): the bucket's URL and the signed fields to post
    /// before the file, under `policy`.
    #[wasm_bindgen(js_name = postObjectForm, unchecked_return_type = "PostObjectForm")]
    pub fn post_object_form(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PostPolicy")] policy: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.context()
            .post_object_form(&policy)
            .map_err(Error::into_js)
    }

    /// A URL that performs one request on an object without credentials until it expires.
    #[wasm_bindgen(js_name = signatureUrl)]
    pub fn signature_url(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "SignatureUrlOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        self.context()
            .signature_url(&name, &options)
            .map_err(Error::into_js)
    }
}

/// V4 when `signatureVersion: 'v4'` (or ali-oss's `authorizationV4: true`) asks for it, or when
/// the region is known — from `region` (`oss-cn-hangzhou` or `cn-hangzhou`) or a standard
/// endpoint; V1 otherwise. V4 without a region is refused here, before any request.
fn signing(options: &JsValue, endpoint: &Endpoint) -> Result<credentials::Signing, Error> {
    use crate::js::{flag, string};
    use oss_core::sign::SignatureVersion;
    let region = string(options, "region")?
        .map(|r| {
            let r = r.trim();
            let r = r.strip_prefix("oss-").unwrap_or(r);
            r.strip_suffix("-internal").unwrap_or(r).to_string()
        })
        .filter(|r| !r.is_empty())
        .or_else(|| endpoint.region().map(str::to_string));
    let version = match (
        string(options, "signatureVersion")?.as_deref(),
        flag(options, "authorizationV4"),
    ) {
        (Some("v4"), _) | (None, Some(true)) => SignatureVersion::V4,
        (Some("v1"), _) | (None, Some(false)) => SignatureVersion::V1,
        (Some(_), _) => return Err(Error::argument("signatureVersion is 'v1' or 'v4'")),
        (None, None) if region.is_some() => SignatureVersion::V4,
        (None, None) => SignatureVersion::V1,
    };
    if version == SignatureVersion::V4 && region.is_none() {
        return Err(Error::argument(
            "signature V4 needs the region (region: 'oss-cn-hangzhou'), or a standard endpoint",
        ));
    }
    Ok(credentials::Signing { version, region })
}

impl Client {
    fn from_options(options: &JsValue) -> Result<Client, Error> {
        use crate::js::{flag, number, string};
        let secure = flag(options, "secure").unwrap_or(true);
        let scheme = if secure { "https://" } else { "http://" };
        let endpoint = match (string(options, "endpoint")?, string(options, "region")?) {
            (Some(endpoint), _) if endpoint.contains("://") => endpoint,
            (Some(endpoint), _) => format!("{scheme}{endpoint}"),
            (None, Some(region)) => {
                let region = region.trim();
                let oss = if region.starts_with("oss-") {
                    ""
                } else {
                    "oss-"
                };
                format!("{scheme}{oss}{region}.aliyuncs.com")
            }
            (None, None) => return Err(Error::argument("endpoint or region is required")),
        };
        let mut endpoint = Endpoint::parse(&endpoint)?;
        if flag(options, "cname") == Some(true) {
            endpoint = endpoint.with_addressing(Addressing::Cname);
        } else if flag(options, "pathStyle") == Some(true) {
            endpoint = endpoint.with_addressing(Addressing::PathStyle);
        }
        let signing = signing(options, &endpoint)?;
        let signer = match (
            string(options, "accessKeyId")?,
            string(options, "accessKeySecret")?,
        ) {
            (Some(id), Some(secret)) => {
                signing.signer(&id, &secret, string(options, "stsToken")?.as_deref())?
            }
            (None, None) => Signer::anonymous(),
            _ => {
                return Err(Error::argument(
                    "accessKeyId and accessKeySecret go together",
                ));
            }
        };
        let refresh = js::get(options, "refreshSTSToken");
        let refresh = match refresh.dyn_into::<js_sys::Function>() {
            Ok(function) => Some(function),
            Err(value) if value.is_undefined() || value.is_null() => None,
            Err(_) => return Err(Error::argument("refreshSTSToken must be a function")),
        };
        let interval = number(options, "refreshSTSTokenInterval")?.unwrap_or(300_000.0);
        let timeout_ms = number(options, "timeout")?.unwrap_or(60_000.0);
        let retry_max = number(options, "retryMax")?.unwrap_or(2.0);
        Ok(Client {
            driver: Rc::new(Driver {
                endpoint,
                auth: credentials::Auth::new(signer, signing, refresh, interval),
                timeout_ms,
                retry_max: retry_max.max(0.0) as u32,
                clock_offset_ms: Cell::new(number(options, "amendTimeSkewed")?.unwrap_or(0.0)),
            }),
            bucket: string(options, "bucket")?,
        })
    }

    fn context(&self) -> Call {
        Call {
            driver: self.driver.clone(),
            bucket: self.bucket.clone(),
        }
    }

    /// Runs one call as a Promise; its errors become JavaScript `Error` objects.
    fn call<F>(&self, work: impl FnOnce(Call) -> F) -> Promise
    where
        F: Future<Output = Result<JsValue, Error>> + 'static,
    {
        let future = work(self.context());
        wasm_bindgen_futures::future_to_promise(async move { future.await.map_err(Error::into_js) })
    }
}
