//! The calls behind the JavaScript methods: read the arguments, build the core's operation,
//! run it through the driver's one generic `execute`, shape the result as ali-oss does.

use std::rc::Rc;

use js_sys::{Array, Object, Uint8Array};
use oss_core::ops::bucket::{
    BucketCors, BucketCreateConfig, CorsRule, CreateBucket, GetBucketCors, PutBucketCors,
};
use oss_core::ops::copy::CopyObject;
use oss_core::ops::delete_objects::BatchDeleteObjects;
use oss_core::ops::multipart::{
    CompleteMultipartUpload, InitMultipartUpload, PartInfo, UploadPart,
};
use oss_core::ops::object::{
    AppendObject, GetObject, GetObjectAcl, GetObjectMeta, HeadObject, PutObject, PutObjectResult,
};
use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::ops::symlink::GetSymlink;
use oss_core::ops::{Operation, Paginated as _};
use oss_core::{Method, Request};
use wasm_bindgen::{JsCast, JsValue};

use crate::driver::{Answer, Driver, Reply, Upload};
use crate::error::Error;
use crate::js::{self, get, number, object, opt, set, string};
use crate::stream;

/// What one call needs: the client's driver and the bucket it was using when the call began.
pub(crate) struct Call {
    pub driver: Rc<Driver>,
    pub bucket: Option<String>,
}

/// `options.signal`, an `AbortSignal` (kept out of the generic `execute`: one copy).
pub(crate) fn signal(options: &JsValue) -> Result<Option<web_sys::AbortSignal>, Error> {
    match get(options, "signal").dyn_into::<web_sys::AbortSignal>() {
        Ok(signal) => Ok(Some(signal)),
        Err(value) if value.is_undefined() || value.is_null() => Ok(None),
        Err(_) => Err(Error::argument("signal must be an AbortSignal")),
    }
}

/// `{res}`, the part every result has.
pub(crate) fn with_res(reply: &Reply) -> Object {
    let result = object();
    set(&result, "res", js::res(&reply.head, &reply.url));
    result
}

/// An ETag as OSS sends it (in quotes), as ali-oss hands it on.
/// `etag` (quoted, as ali-oss gives it) and `crc64` (decimal) of an upload's answer.
pub(crate) fn set_etag_crc(result: &Object, etag: Option<&str>, crc: Option<u64>) {
    set(result, "etag", opt(etag.map(quoted).as_deref()));
    set(result, "crc64", opt(crc.map(|c| c.to_string()).as_deref()));
}

pub(crate) fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// Bytes `start..end` of `data` (a Blob/File is sliced before it is read: only the slice is
/// read), or all of it.
pub(crate) async fn part_bytes(
    data: &JsValue,
    start: Option<f64>,
    end: Option<f64>,
) -> Result<Uint8Array, Error> {
    if let (Some(blob), Some(start)) = (data.dyn_ref::<web_sys::Blob>(), start) {
        let slice = blob
            .slice_with_f64_and_f64(start, end.unwrap_or(blob.size()))
            .map_err(Error::request)?;
        return js::data(&slice.into()).await;
    }
    let bytes = js::data(data).await?;
    if start.is_none() && end.is_none() {
        return Ok(bytes);
    }
    let length = f64::from(bytes.length());
    let start = start.unwrap_or(0.0).clamp(0.0, length) as u32;
    let end = end.unwrap_or(length).clamp(0.0, length) as u32;
    Ok(bytes.subarray(start, end.max(start)))
}

impl Call {
    /// Runs `op` through the driver, with the caller's `options.signal` (an `AbortSignal`) to
    /// cancel it.
    pub(crate) async fn execute<O: Operation>(
        &self,
        op: &O,
        upload: Option<&Upload>,
        answer: Answer,
        options: &JsValue,
    ) -> Result<(O::Output, Reply), Error> {
        let signal = signal(options)?;
        self.driver
            .execute(op, upload, answer, signal.as_ref())
            .await
    }

    pub(crate) fn bucket(&self) -> Result<&str, Error> {
        self.bucket.as_deref().ok_or_else(|| {
            Error::argument("no bucket: pass `bucket` to the Client or call useBucket()")
        })
    }

    /// The URL of an object (ali-oss's `url` in put results and listings).
    fn object_url(&self, bucket: &str, key: &str) -> String {
        let mut url = String::new();
        self.driver
            .endpoint
            .push_url(&mut url, Some(bucket), key, true);
        url
    }

    pub(crate) async fn put(
        self,
        name: String,
        data: JsValue,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let upload = Upload::new(js::data(&data).await?);
        let progress = stream::progress(&options)?;
        let bucket = self.bucket()?;
        let mut op = PutObject::new(bucket, &name, Some(upload.len()));
        op.headers = js::request_headers(&options)?;
        let (output, reply) = self
            .execute(&op, Some(&upload), Answer::Xml, &options)
            .await?;
        let sent = upload.len() as f64;
        stream::report(progress.as_ref(), sent, sent);
        let result = with_res(&reply);
        set(&result, "name", name.as_str());
        set(&result, "url", self.object_url(bucket, &name));
        set_etag_crc(&result, output.etag.as_deref(), output.crc);
        Ok(result.into())
    }

    pub(crate) async fn append(
        self,
        name: String,
        data: JsValue,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let mut upload = Upload::new(js::data(&data).await?);
        let position = number(&options, "position")?.unwrap_or(0.0);
        if position < 0.0 || position.fract() != 0.0 {
            return Err(Error::argument("position must be a whole number of bytes"));
        }
        // The object's CRC before this append: known for a new object, from the caller after.
        upload.crc_init = match string(&options, "initCrc")? {
            Some(crc) => Some(
                crc.trim()
                    .parse()
                    .map_err(|_| Error::argument("initCrc must be a decimal CRC-64"))?,
            ),
            None => (position == 0.0).then_some(0),
        };
        let bucket = self.bucket()?;
        let mut op = AppendObject::new(bucket, &name, position as u64, Some(upload.len()));
        op.headers = js::request_headers(&options)?;
        let progress = stream::progress(&options)?;
        let (output, reply) = self
            .execute(&op, Some(&upload), Answer::Xml, &options)
            .await?;
        let sent = upload.len() as f64;
        stream::report(progress.as_ref(), sent, sent);
        let result = with_res(&reply);
        set(&result, "name", name.as_str());
        set(&result, "url", self.object_url(bucket, &name));
        set_etag_crc(&result, output.etag.as_deref(), output.crc);
        set(
            &result,
            "nextAppendPosition",
            output.next_position.to_string(),
        );
        Ok(result.into())
    }

    /// GetObject as `get` and `getStream` take it.
    fn get_object(&self, name: &str, options: &JsValue) -> Result<GetObject, Error> {
        let mut op = GetObject::new(self.bucket()?, name);
        op.headers = js::request_headers(options)?;
        op.process = string(options, "process")?;
        if let Some(version) = string(options, "versionId")? {
            op.params.push(("versionId".into(), Some(version)));
        }
        Ok(op)
    }

    pub(crate) async fn get(self, name: String, options: JsValue) -> Result<JsValue, Error> {
        let op = self.get_object(&name, &options)?;
        // With progress, the data is read chunk by chunk (stream.rs); without, in one piece.
        let progress = stream::progress(&options)?;
        let answer = match progress {
            Some(_) => Answer::Stream,
            None => Answer::Data,
        };
        let (_, reply) = self.execute(&op, None, answer, &options).await?;
        let content = match (progress, &reply.data) {
            (Some(progress), _) => {
                stream::read_all(&reply, Some(progress), signal(&options)?.as_ref()).await?
            }
            (None, Some(data)) => data.clone(),
            (None, None) => Uint8Array::new_with_length(0),
        };
        let result = with_res(&reply);
        set(&result, "content", content);
        Ok(result.into())
    }

    /// ali-oss's `getStream`: `{stream, res}`, the data as a `ReadableStream` as it arrives.
    pub(crate) async fn get_stream(self, name: String, options: JsValue) -> Result<JsValue, Error> {
        let op = self.get_object(&name, &options)?;
        let progress = stream::progress(&options)?;
        let (_, reply) = self.execute(&op, None, Answer::Stream, &options).await?;
        let result = with_res(&reply);
        set(&result, "stream", stream::readable(&reply, progress)?);
        Ok(result.into())
    }

    pub(crate) async fn head(self, name: String, options: JsValue) -> Result<JsValue, Error> {
        let mut op = HeadObject::new(self.bucket()?, &name);
        op.headers = js::request_headers(&options)?;
        let (info, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let meta = object();
        for (name, value) in &info.user_meta {
            set(&meta, name, value.as_str());
        }
        let result = with_res(&reply);
        set(&result, "status", reply.head.status);
        set(&result, "meta", meta);
        Ok(result.into())
    }

    pub(crate) async fn get_object_meta(
        self,
        name: String,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let mut op = GetObjectMeta::new(self.bucket()?, &name);
        op.headers = js::request_headers(&options)?;
        let (_, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "status", reply.head.status);
        Ok(result.into())
    }

    pub(crate) async fn init_multipart_upload(
        self,
        name: String,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let bucket = self.bucket()?;
        let mut op = InitMultipartUpload::new(bucket, &name);
        op.headers = js::request_headers(&options)?;
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "bucket", bucket);
        set(&result, "name", name.as_str());
        set(&result, "uploadId", output.upload_id.as_str());
        Ok(result.into())
    }

    /// ali-oss's `uploadPart(name, uploadId, partNo, file, start, end)`: only bytes
    /// `start..end` of the data are read (a Blob/File is sliced before reading); the part's
    /// CRC-64 is checked against the server's.
    // ali-oss's argument list, passed through.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn upload_part(
        self,
        name: String,
        upload_id: String,
        part_number: u32,
        data: JsValue,
        start: Option<f64>,
        end: Option<f64>,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let upload = Upload::new(part_bytes(&data, start, end).await?);
        let progress = stream::progress(&options)?;
        let (output, reply) = self
            .send_part(&name, &upload_id, part_number, &upload, &options)
            .await?;
        let sent = upload.len() as f64;
        stream::report(progress.as_ref(), sent, sent);
        let result = with_res(&reply);
        set(&result, "name", name.as_str());
        set_etag_crc(&result, output.etag.as_deref(), output.crc);
        Ok(result.into())
    }

    /// UploadPart of `upload` (the path `uploadPart` and `multipartUpload` share).
    pub(crate) async fn send_part(
        &self,
        name: &str,
        upload_id: &str,
        part_number: u32,
        upload: &Upload,
        options: &JsValue,
    ) -> Result<(PutObjectResult, Reply), Error> {
        let mut op = UploadPart::new(
            self.bucket()?,
            name,
            upload_id,
            part_number,
            Some(upload.len()),
        );
        op.headers = js::request_headers(options)?;
        self.execute(&op, Some(upload), Answer::Xml, options).await
    }

    /// `parts`: `[{number, etag}]` as ali-oss takes them.
    pub(crate) async fn complete_multipart_upload(
        self,
        name: String,
        upload_id: String,
        parts: JsValue,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        if !Array::is_array(&parts) {
            return Err(Error::argument("parts must be an array of {number, etag}"));
        }
        let parts = Array::from(&parts)
            .iter()
            .map(|part| {
                let number = number(&part, "number")?
                    .ok_or_else(|| Error::argument("a part needs its number"))?;
                let etag = string(&part, "etag")?
                    .ok_or_else(|| Error::argument("a part needs its etag"))?;
                Ok(PartInfo::new(number as u32, etag.trim_matches('"')))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let bucket = self.bucket()?;
        let mut op = CompleteMultipartUpload::new(bucket, &name, &upload_id, parts);
        op.headers = js::request_headers(&options)?;
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "bucket", bucket);
        set(&result, "name", name.as_str());
        set_etag_crc(&result, output.etag.as_deref(), output.crc);
        Ok(result.into())
    }

    pub(crate) async fn get_acl(self, name: String, options: JsValue) -> Result<JsValue, Error> {
        let mut op = GetObjectAcl::new(self.bucket()?, &name);
        op.headers = js::request_headers(&options)?;
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "acl", output.acl.as_str());
        Ok(result.into())
    }

    pub(crate) async fn get_symlink(
        self,
        name: String,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let mut op = GetSymlink::new(self.bucket()?, &name);
        op.headers = js::request_headers(&options)?;
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "targetName", output.target_key.as_str());
        Ok(result.into())
    }

    pub(crate) async fn delete_multi(
        self,
        names: JsValue,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        let names = js::strings(&names, "names")?;
        let mut op = BatchDeleteObjects::new(self.bucket()?, &names);
        op.quiet = js::flag(&options, "quiet").unwrap_or(false);
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let deleted: Array = output
            .deleted
            .iter()
            .map(|d| {
                let item = object();
                set(&item, "Key", d.key.as_str());
                if let Some(version) = &d.version_id {
                    set(&item, "VersionId", version.as_str());
                }
                if d.delete_marker {
                    set(&item, "DeleteMarker", true);
                    set(
                        &item,
                        "DeleteMarkerVersionId",
                        opt(d.delete_marker_version_id.as_deref()),
                    );
                }
                JsValue::from(item)
            })
            .collect();
        let result = with_res(&reply);
        set(&result, "deleted", deleted);
        Ok(result.into())
    }

    /// The ListObjects operation of ali-oss's `list(query)`.
    pub(crate) fn list_objects(&self, query: &JsValue) -> Result<ListObjects, Error> {
        let mut op = ListObjects::new(self.bucket()?);
        op.prefix = string(query, "prefix")?.unwrap_or_default();
        op.marker = string(query, "marker")?.unwrap_or_default();
        op.delimiter = string(query, "delimiter")?.unwrap_or_default();
        if let Some(max) = number(query, "max-keys")? {
            op.max_keys = max as u32;
        }
        Ok(op)
    }

    pub(crate) async fn list(self, query: JsValue) -> Result<JsValue, Error> {
        let op = self.list_objects(&query)?;
        Ok(self.list_page(&op).await?.0)
    }

    /// One page of `op` as ali-oss shapes it, and the operation of the page after it.
    pub(crate) async fn list_page(
        &self,
        op: &ListObjects,
    ) -> Result<(JsValue, Option<ListObjects>), Error> {
        let bucket = op.bucket.as_str();
        let (page, reply) = self
            .execute(op, None, Answer::Xml, &JsValue::UNDEFINED)
            .await?;
        // The core's pagination: what the next page is, if any.
        let next = op.next_page(&page);
        let objects: Array = page
            .objects
            .iter()
            .map(|o| {
                let item = object();
                set(&item, "name", o.key.as_str());
                set(&item, "url", self.object_url(bucket, &o.key));
                set(&item, "lastModified", iso(o.last_modified));
                set(&item, "etag", quoted(&o.etag));
                set(&item, "type", o.object_type.as_str());
                set(&item, "size", o.size as f64);
                set(&item, "storageClass", o.storage_class.as_str());
                set(&item, "owner", owner(o.owner.as_ref()));
                JsValue::from(item)
            })
            .collect();
        let result = with_res(&reply);
        set(&result, "objects", objects);
        set(
            &result,
            "prefixes",
            js::array(page.prefixes.iter().map(String::as_str)),
        );
        set(&result, "isTruncated", page.is_truncated);
        set(
            &result,
            "nextMarker",
            opt(Some(page.next_marker.as_str()).filter(|m| !m.is_empty())),
        );
        Ok((result.into(), next))
    }

    pub(crate) async fn copy(
        self,
        name: String,
        source: String,
        source_bucket: JsValue,
        options: JsValue,
    ) -> Result<JsValue, Error> {
        // ali-oss: copy(name, sourceName[, sourceBucket][, options]); "/bucket/key" names both.
        let (source_bucket, options) = match source_bucket.as_string() {
            Some(b) => (Some(b), options),
            None => (None, source_bucket),
        };
        let bucket = self.bucket()?;
        let (source_bucket, source_key) = match (source_bucket, source.strip_prefix('/')) {
            (Some(b), _) => (b, source),
            (None, Some(rest)) => match rest.split_once('/') {
                Some((b, k)) => (b.to_string(), k.to_string()),
                None => return Err(Error::argument("sourceName \"/bucket/key\" needs a key")),
            },
            (None, None) => (bucket.to_string(), source),
        };
        let mut op = CopyObject::new(&source_bucket, &source_key, bucket, &name);
        op.headers = js::request_headers(&options)?;
        if !get(&options, "meta").is_undefined() {
            op.headers.insert("x-oss-metadata-directive", "REPLACE")?;
        }
        let (output, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let data = object();
        set(
            &data,
            "etag",
            opt(output.etag.map(|e| quoted(&e)).as_deref()),
        );
        let result = with_res(&reply);
        set(&result, "data", data);
        Ok(result.into())
    }

    pub(crate) async fn put_bucket(self, name: String, options: JsValue) -> Result<JsValue, Error> {
        let mut op = CreateBucket::new(&name);
        op.acl = string(&options, "acl")?;
        let storage_class = string(&options, "storageClass")?;
        let redundancy = string(&options, "dataRedundancyType")?;
        if storage_class.is_some() || redundancy.is_some() {
            let mut config =
                BucketCreateConfig::new(storage_class.as_deref().unwrap_or("Standard"));
            config.data_redundancy_type = redundancy;
            op.config = Some(config);
        }
        let (_, reply) = self.execute(&op, None, Answer::Xml, &options).await?;
        let result = with_res(&reply);
        set(&result, "bucket", name.as_str());
        Ok(result.into())
    }

    pub(crate) async fn list_buckets(self, query: JsValue) -> Result<JsValue, Error> {
        let mut op = ListBuckets::new();
        op.prefix = string(&query, "prefix")?.unwrap_or_default();
        op.marker = string(&query, "marker")?.unwrap_or_default();
        if let Some(max) = number(&query, "max-keys")? {
            op.max_keys = max as u32;
        }
        let (page, reply) = self
            .execute(&op, None, Answer::Xml, &JsValue::UNDEFINED)
            .await?;
        let buckets: Array = page
            .buckets
            .iter()
            .map(|b| {
                let item = object();
                set(&item, "name", b.name.as_str());
                set(&item, "region", b.location.as_str());
                set(&item, "creationDate", iso(b.creation_date));
                set(&item, "storageClass", b.storage_class.as_str());
                set(&item, "StorageClass", b.storage_class.as_str());
                JsValue::from(item)
            })
            .collect();
        let result = with_res(&reply);
        set(&result, "buckets", buckets);
        set(&result, "owner", owner(Some(&page.owner)));
        set(&result, "isTruncated", page.is_truncated);
        set(
            &result,
            "nextMarker",
            opt(Some(page.next_marker.as_str()).filter(|m| !m.is_empty())),
        );
        Ok(result.into())
    }

    pub(crate) async fn put_bucket_cors(
        self,
        name: String,
        rules: JsValue,
    ) -> Result<JsValue, Error> {
        if !Array::is_array(&rules) {
            return Err(Error::argument("rules must be an array"));
        }
        let rules = Array::from(&rules)
            .iter()
            .map(|rule| {
                let list = |key| js::strings(&get(&rule, key), key);
                Ok(CorsRule {
                    allowed_origins: list("allowedOrigin")?,
                    allowed_methods: list("allowedMethod")?,
                    allowed_headers: list("allowedHeader")?,
                    expose_headers: list("exposeHeader")?,
                    max_age_seconds: number(&rule, "maxAgeSeconds")?.map(|n| n as u64),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let op = PutBucketCors::new(&name, BucketCors::new(rules));
        let (_, reply) = self
            .execute(&op, None, Answer::Xml, &JsValue::UNDEFINED)
            .await?;
        Ok(with_res(&reply).into())
    }

    pub(crate) async fn get_bucket_cors(self, name: String) -> Result<JsValue, Error> {
        let (output, reply) = self
            .execute(
                &GetBucketCors::new(&name),
                None,
                Answer::Xml,
                &JsValue::UNDEFINED,
            )
            .await?;
        let rules: Array = output
            .cors
            .rules
            .iter()
            .map(|rule| {
                let item = object();
                let list = |v: &Vec<String>| js::array(v.iter().map(String::as_str));
                set(&item, "AllowedOrigin", list(&rule.allowed_origins));
                set(&item, "AllowedMethod", list(&rule.allowed_methods));
                set(&item, "AllowedHeader", list(&rule.allowed_headers));
                set(&item, "ExposeHeader", list(&rule.expose_headers));
                if let Some(age) = rule.max_age_seconds {
                    set(&item, "MaxAgeSeconds", age.to_string());
                }
                JsValue::from(item)
            })
            .collect();
        let result = with_res(&reply);
        set(&result, "rules", rules);
        Ok(result.into())
    }

    /// A presigned URL (V1), with the clock offset applied: a URL made on a skewed machine
    /// still lives as long as asked.
    pub(crate) fn signature_url(&self, name: &str, options: &JsValue) -> Result<String, Error> {
        let method = string(options, "method")?.unwrap_or_else(|| "GET".into());
        let method = Method::parse(&method.to_ascii_uppercase())?;
        let mut request = Request::object(method, self.bucket()?, name)?;
        if let Some(content_type) = string(options, "Content-Type")? {
            request = request.with_header("content-type", &content_type)?;
        }
        if let Some(process) = string(options, "process")? {
            request = request.with_query("x-oss-process", Some(&process));
        }
        for (key, value) in js::string_entries(&get(options, "response"), "response")? {
            request = request.with_query(
                &format!("response-{}", key.to_ascii_lowercase()),
                Some(&value),
            );
        }
        let expires = number(options, "expires")?.unwrap_or(1800.0) as i64;
        let driver = &self.driver;
        let url = driver.auth.current().presign(
            request,
            &driver.endpoint,
            driver.now(),
            expires,
            true,
        )?;
        Ok(url.url)
    }
}

impl Call {
    /// ali-oss's `signatureUrlV4(method, expires, request, objectName, additionalHeaders)`: a V4
    /// URL whatever the client signs with (the region must be known), signing `request.headers`
    /// (x-oss-*, Content-Type, Content-MD5 and the `additionalHeaders` named) and every query.
    pub(crate) fn signature_url_v4(
        &self,
        method: &str,
        expires: f64,
        request: &JsValue,
        name: &str,
        additional: &JsValue,
    ) -> Result<String, Error> {
        use oss_core::sign::SignatureVersion;
        let method = Method::parse(&method.to_ascii_uppercase())?;
        let mut presigned = Request::object(method, self.bucket()?, name)?;
        for (key, value) in js::string_entries(&get(request, "headers"), "headers")? {
            presigned = presigned.with_header(&key, &value)?;
        }
        for (key, value) in js::string_entries(&get(request, "queries"), "queries")? {
            presigned = presigned.with_query(&key, Some(&value));
        }
        let driver = &self.driver;
        let signer = driver
            .auth
            .current()
            .to_version(SignatureVersion::V4)
            .with_additional_headers(js::strings(additional, "additionalHeaders")?);
        let url = signer.presign(
            presigned,
            &driver.endpoint,
            driver.now(),
            expires as i64,
            true,
        )?;
        Ok(url.url)
    }

    /// `{url, fields}` of a browser form upload (PostObject) under `policy`
    /// (`{expiration, conditions}` as OSS writes policies), signed with the client's version.
    pub(crate) fn post_object_form(&self, policy: &JsValue) -> Result<JsValue, Error> {
        let policy = post_policy(policy)?;
        let driver = &self.driver;
        let form = driver.auth.current().post_form(
            &driver.endpoint,
            self.bucket()?,
            &policy,
            driver.now(),
        )?;
        let fields = object();
        for (name, value) in &form.fields {
            set(&fields, name, value.as_str());
        }
        let result = object();
        set(&result, "url", form.url.as_str());
        set(&result, "fields", fields);
        Ok(result.into())
    }
}

/// A policy object (`{expiration: '2024-…Z' | Date, conditions: [...]}`) as the core's.
fn post_policy(value: &JsValue) -> Result<oss_core::sign::PostPolicy, Error> {
    use oss_core::sign::{Condition, PostPolicy};
    let expiration = get(value, "expiration");
    let expiration = if let Some(date) = expiration.dyn_ref::<js_sys::Date>() {
        (date.get_time() / 1000.0).floor() as i64
    } else {
        let text = expiration.as_string().ok_or_else(|| {
            Error::argument("policy.expiration must be an ISO 8601 string or a Date")
        })?;
        oss_core::dates::iso8601_to_unixtime_lenient(&text).map_err(|_| {
            Error::argument("policy.expiration must be an ISO 8601 string or a Date")
        })?
    };
    let mut policy = PostPolicy::new(expiration);
    let conditions = get(value, "conditions");
    let conditions: js_sys::Array = if conditions.is_undefined() {
        js_sys::Array::new()
    } else {
        conditions
            .dyn_into()
            .map_err(|_| Error::argument("policy.conditions must be an array"))?
    };
    let bad = || Error::argument("a policy condition is {field: value} or [op, '$field', value]");
    for condition in conditions.iter() {
        if let Some(parts) = condition.dyn_ref::<js_sys::Array>() {
            let text = |i: u32| parts.get(i).as_string();
            let op = text(0).ok_or_else(bad)?.to_ascii_lowercase();
            if op == "content-length-range" {
                let bound = |i: u32| parts.get(i).as_f64().filter(|n| *n >= 0.0).ok_or_else(bad);
                policy = policy.with(Condition::ContentLengthRange {
                    min: bound(1)? as u64,
                    max: bound(2)? as u64,
                });
                continue;
            }
            let field = text(1).ok_or_else(bad)?;
            let field = field.strip_prefix('$').unwrap_or(&field).to_string();
            policy = policy.with(match op.as_str() {
                "eq" => Condition::Equals {
                    field,
                    value: text(2).ok_or_else(bad)?,
                },
                "starts-with" => Condition::StartsWith {
                    field,
                    prefix: text(2).ok_or_else(bad)?,
                },
                "in" | "not-in" => {
                    let values = js::strings(&parts.get(2), "policy values")?;
                    if op == "in" {
                        Condition::In { field, values }
                    } else {
                        Condition::NotIn { field, values }
                    }
                }
                _ => return Err(bad()),
            });
        } else {
            for (field, value) in js::string_entries(&condition, "policy condition")? {
                policy = policy.with(if field == "bucket" {
                    Condition::Bucket(value)
                } else {
                    Condition::Equals { field, value }
                });
            }
        }
    }
    Ok(policy)
}

fn owner(owner: Option<&oss_core::ops::service::Owner>) -> JsValue {
    match owner {
        Some(o) => {
            let item = object();
            set(&item, "id", o.id.as_str());
            set(&item, "displayName", o.display_name.as_str());
            item.into()
        }
        None => JsValue::NULL,
    }
}

/// Unix seconds as OSS writes times in XML (`2024-01-02T03:04:05.000Z`).
fn iso(unix: i64) -> JsValue {
    oss_core::dates::unixtime_to_iso8601(unix)
        .map(JsValue::from)
        .unwrap_or(JsValue::NULL)
}
