//! Multipart upload: InitMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
//! AbortMultipartUpload, and the listings ListMultipartUploads and ListParts (both
//! [`Paginated`](super::Paginated)).
//!
//! Part data never passes through the core: UploadPart describes a streamed body and the driver
//! checks each part's CRC-64 against the server's. The whole object's CRC follows from the
//! parts' `(size, crc)` without the data ([`crate::crc64::object_crc_from_parts`]), so
//! CompleteMultipartUpload checks it itself when the parts carry them.
//!
//! Operations that write or read XML need the `std` feature (quick-xml).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Operation, Params, with_extras};
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::ops::copy::{COPY_SOURCE, copy_result, copy_source};
use crate::ops::object::{ByteRange, PutObjectResult, range_header};
use crate::request::{Body, Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// Part numbers run from 1 to this.
pub const MAX_PART_NUMBER: u32 = 10_000;

/// The most entries one ListMultipartUploads or ListParts page can hold.
pub const MAX_LIST_PAGE: u32 = 1000;

/// `x-oss-complete-all: yes`: complete with every uploaded part, no part list in the body.
pub const COMPLETE_ALL: &str = "x-oss-complete-all";

/// Refuses a part number outside 1..=10000.
pub fn check_part_number(part_number: u32) -> Result<(), ClientError> {
    if (1..=MAX_PART_NUMBER).contains(&part_number) {
        Ok(())
    } else {
        Err(ClientError::InvalidFormat {
            what: "part number (1 to 10000)",
            value: part_number.to_string(),
        })
    }
}

/// Refuses an empty upload ID: without one, the request would address the object itself
/// (an upload part would become a PUT of the whole object, an abort a DELETE).
pub fn check_upload_id(upload_id: &str) -> Result<(), ClientError> {
    if upload_id.is_empty() {
        Err(ClientError::InvalidFormat {
            what: "upload ID (it must not be empty)",
            value: String::new(),
        })
    } else {
        Ok(())
    }
}

#[cfg(feature = "std")]
fn check_page_size(what: &'static str, max: u32) -> Result<(), ClientError> {
    if (1..=MAX_LIST_PAGE).contains(&max) {
        Ok(())
    } else {
        Err(ClientError::InvalidFormat {
            what,
            value: max.to_string(),
        })
    }
}

/// A request on one multipart upload of `key`: `?uploadId=…` after the caller's extras.
fn upload_request(
    method: Method,
    bucket: &str,
    key: &str,
    upload_id: &str,
    params: &Params,
    headers: &Headers,
) -> Result<Request, ClientError> {
    check_upload_id(upload_id)?;
    let request = Request::object(method, bucket, key)?;
    Ok(with_extras(request, params, headers)?.with_query("uploadId", Some(upload_id)))
}

// ---------------------------------------------------------------------------------------------
// InitMultipartUpload

/// What InitMultipartUpload answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitMultipartUploadResult {
    pub result: RequestResult,
    /// Names the upload in every later request.
    pub upload_id: String,
}

/// Starts a multipart upload (`Bucket.init_multipart_upload`).
///
/// Content-Type, `x-oss-meta-*`, ACL, storage class and encryption of the object to be go in
/// `headers` now: the parts cannot carry them. oss2 guesses a Content-Type from the key's
/// extension; this core does not guess (it has no MIME table), the caller sets it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitMultipartUpload {
    pub bucket: String,
    pub key: String,
    /// `sequential` (parts must come in order, and the object gets a whole-object MD5) …
    pub params: Params,
    pub headers: Headers,
}

impl InitMultipartUpload {
    pub fn new(bucket: &str, key: &str) -> InitMultipartUpload {
        InitMultipartUpload {
            bucket: bucket.to_string(),
            key: key.to_string(),
            ..InitMultipartUpload::default()
        }
    }
}

#[cfg(feature = "std")]
impl Operation for InitMultipartUpload {
    type Output = InitMultipartUploadResult;

    fn request(&self) -> Result<Request, ClientError> {
        let request = Request::object(Method::Post, &self.bucket, &self.key)?;
        Ok(with_extras(request, &self.params, &self.headers)?.with_query("uploads", Some("")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<InitMultipartUploadResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let upload_id = root.required_text("UploadId")?;
        if upload_id.is_empty() {
            return Err(root.invalid("UploadId", "the upload ID is empty").into());
        }
        Ok(InitMultipartUploadResult {
            result: RequestResult::from_head(head),
            upload_id: upload_id.to_string(),
        })
    }

    /// A second upload started by a retry stays empty and can be aborted (or expires by lifecycle).
    fn retry_safe(&self, _: &Request) -> bool {
        true
    }
}

// ---------------------------------------------------------------------------------------------
// UploadPart

/// Uploads one part (`Bucket.upload_part`); the driver streams the data and compares its
/// CRC-64 with the answer's [`PutObjectResult::crc`]. Uploading a part number again replaces
/// that part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadPart {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    /// 1..=10000; the object is the parts in part-number order.
    pub part_number: u32,
    /// Content-MD5, `x-oss-traffic-limit` …
    pub headers: Headers,
    /// Length of the data the driver will stream (None: unknown, sent chunked).
    pub content_length: Option<u64>,
}

impl UploadPart {
    pub fn new(
        bucket: &str,
        key: &str,
        upload_id: &str,
        part_number: u32,
        content_length: Option<u64>,
    ) -> UploadPart {
        UploadPart {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            part_number,
            headers: Headers::new(),
            content_length,
        }
    }
}

impl Operation for UploadPart {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_part_number(self.part_number)?;
        let request = upload_request(
            Method::Put,
            &self.bucket,
            &self.key,
            &self.upload_id,
            &Params::new(),
            &self.headers,
        )?;
        Ok(request
            .with_query("partNumber", Some(&self.part_number.to_string()))
            .with_body(Body::Stream {
                length: self.content_length,
            }))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        copy_result(head)
    }
}

// ---------------------------------------------------------------------------------------------
// UploadPartCopy

/// Copies a range of an existing object into one part (`Bucket.upload_part_copy`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadPartCopy {
    /// The upload the part belongs to.
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    /// 1..=10000.
    pub part_number: u32,
    pub source_bucket: String,
    pub source_key: String,
    /// Sent inside `x-oss-copy-source` only (oss2 also sends it as a query parameter of the
    /// target, which UploadPartCopy does not take).
    pub source_version_id: Option<String>,
    /// The bytes of the source to copy (`x-oss-copy-source-range`); None: all of it.
    pub byte_range: Option<ByteRange>,
    pub params: Params,
    /// Copy conditions (`x-oss-copy-source-if-match` …).
    pub headers: Headers,
}

impl UploadPartCopy {
    /// oss2's argument order: the source, the range, then the part it becomes.
    pub fn new(
        source_bucket: &str,
        source_key: &str,
        byte_range: Option<ByteRange>,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part_number: u32,
    ) -> UploadPartCopy {
        UploadPartCopy {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            part_number,
            source_bucket: source_bucket.to_string(),
            source_key: source_key.to_string(),
            byte_range,
            ..UploadPartCopy::default()
        }
    }
}

impl Operation for UploadPartCopy {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_part_number(self.part_number)?;
        let source = copy_source(
            &self.source_bucket,
            &self.source_key,
            self.source_version_id.as_deref(),
        )?;
        let mut request = upload_request(
            Method::Put,
            &self.bucket,
            &self.key,
            &self.upload_id,
            &self.params,
            &self.headers,
        )?
        .with_query("partNumber", Some(&self.part_number.to_string()))
        .with_header(COPY_SOURCE, &source)?;
        if let Some(range) = range_header(self.byte_range.unwrap_or((None, None)))? {
            request = request.with_header("x-oss-copy-source-range", &range)?;
        }
        Ok(request)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        copy_result(head)
    }
}

// ---------------------------------------------------------------------------------------------
// CompleteMultipartUpload

/// A part to complete an upload with (oss2's `PartInfo` as an input).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartInfo {
    pub part_number: u32,
    /// The part's ETag, without quotes (as [`PutObjectResult::etag`] holds it).
    pub etag: String,
    /// Size of the part in bytes; with `part_crc`, lets the whole object's CRC be checked.
    pub size: Option<u64>,
    /// CRC-64 of the part (its UploadPart's [`PutObjectResult::crc`]).
    pub part_crc: Option<u64>,
}

impl PartInfo {
    pub fn new(part_number: u32, etag: &str) -> PartInfo {
        PartInfo {
            part_number,
            etag: etag.to_string(),
            size: None,
            part_crc: None,
        }
    }
}

impl From<&ListedPart> for PartInfo {
    /// A part as listed, ready to complete with (resuming an upload).
    fn from(part: &ListedPart) -> PartInfo {
        PartInfo {
            part_number: part.part_number,
            etag: part.etag.clone(),
            size: Some(part.size),
            part_crc: part.crc,
        }
    }
}

/// Completes a multipart upload (`Bucket.complete_multipart_upload`): the object becomes the
/// listed parts in part-number order (the list is sorted; the caller's is left as it is).
///
/// `parts: None` sends no body: that is for `x-oss-complete-all: yes` (see
/// [`CompleteMultipartUpload::all`]), which OSS requires then, and refuses with a part list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompleteMultipartUpload {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub parts: Option<Vec<PartInfo>>,
    /// `x-oss-object-acl`, `x-oss-forbid-overwrite`, `x-oss-callback` …
    pub headers: Headers,
}

impl CompleteMultipartUpload {
    pub fn new(
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: Vec<PartInfo>,
    ) -> CompleteMultipartUpload {
        CompleteMultipartUpload {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            parts: Some(parts),
            headers: Headers::new(),
        }
    }

    /// Completes with every part uploaded so far: `x-oss-complete-all: yes`, no body.
    pub fn all(bucket: &str, key: &str, upload_id: &str) -> CompleteMultipartUpload {
        let mut headers = Headers::new();
        headers.set_unchecked(COMPLETE_ALL, "yes");
        CompleteMultipartUpload {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            parts: None,
            headers,
        }
    }

    /// The parts in the order they form the object (a stable sort, as oss2's `sorted`).
    pub fn sorted_parts(&self) -> Vec<&PartInfo> {
        let mut parts: Vec<&PartInfo> = self.parts.iter().flatten().collect();
        parts.sort_by_key(|part| part.part_number);
        parts
    }

    /// The CRC-64 the completed object must have, when every part carries its size and CRC
    /// (None otherwise, and for `parts: None`: then there is nothing to check against).
    pub fn expected_crc(&self) -> Option<u64> {
        self.parts.as_ref()?;
        crate::crc64::object_crc_from_parts(
            self.sorted_parts()
                .into_iter()
                .map(|part| Some((part.size?, part.part_crc?)))
                .collect::<Option<Vec<_>>>()?,
        )
    }

    /// The XML body oss2 sends: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>
    /// <ETag>"…"</ETag></Part>…</CompleteMultipartUpload>`, parts sorted, no whitespace.
    #[cfg(feature = "std")]
    pub fn body(&self) -> Option<String> {
        let parts = self.parts.as_ref()?;
        let mut xml = String::with_capacity(64 + parts.len() * 96);
        xml.push_str("<CompleteMultipartUpload>");
        for part in self.sorted_parts() {
            xml.push_str("<Part>");
            crate::xml::push_number_element(&mut xml, "PartNumber", part.part_number);
            crate::xml::push_text_element(&mut xml, "ETag", &alloc::format!("\"{}\"", part.etag));
            xml.push_str("</Part>");
        }
        xml.push_str("</CompleteMultipartUpload>");
        Some(xml)
    }

    #[cfg(feature = "std")]
    fn check(&self) -> Result<(), ClientError> {
        let complete_all = self
            .headers
            .get(COMPLETE_ALL)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("yes"));
        match &self.parts {
            None if !complete_all => Err(ClientError::InvalidFormat {
                what: "part list (None needs x-oss-complete-all: yes)",
                value: String::new(),
            }),
            Some(_) if complete_all => Err(ClientError::InvalidFormat {
                what: "part list (x-oss-complete-all: yes takes none)",
                value: String::new(),
            }),
            Some(parts) if parts.is_empty() => Err(ClientError::InvalidFormat {
                what: "part list (it must not be empty)",
                value: String::new(),
            }),
            Some(parts) => parts
                .iter()
                .try_for_each(|part| check_part_number(part.part_number)),
            None => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for CompleteMultipartUpload {
    type Output = PutObjectResult;

    fn request(&self) -> Result<Request, ClientError> {
        self.check()?;
        let request = upload_request(
            Method::Post,
            &self.bucket,
            &self.key,
            &self.upload_id,
            &Params::new(),
            &self.headers,
        )?;
        Ok(match self.body() {
            Some(xml) => request.with_body(Body::Bytes(xml.into_bytes())),
            None => request,
        })
    }

    /// Checks the object's CRC-64 against [`CompleteMultipartUpload::expected_crc`] when both
    /// are known ([`Error::Inconsistent`] if they differ). OSS's XML body (location, bucket,
    /// key, ETag) is not read, as oss2 does not: the ETag header says the same.
    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<PutObjectResult, Error> {
        head.check(body)?;
        let result = copy_result(head)?;
        if let Some(expected) = self.expected_crc() {
            crate::crc64::check_crc64(expected, head.header("x-oss-hash-crc64ecma"))?;
        }
        Ok(result)
    }

    /// If the first attempt completed the object, the retry answers `NoSuchUpload`: the caller can then check the object (resumable uploads do).
    fn retry_safe(&self, _: &Request) -> bool {
        true
    }
}

// ---------------------------------------------------------------------------------------------
// AbortMultipartUpload

/// Abandons a multipart upload and frees its parts (`Bucket.abort_multipart_upload`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AbortMultipartUpload {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub headers: Headers,
}

impl AbortMultipartUpload {
    pub fn new(bucket: &str, key: &str, upload_id: &str) -> AbortMultipartUpload {
        AbortMultipartUpload {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            headers: Headers::new(),
        }
    }
}

impl Operation for AbortMultipartUpload {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        upload_request(
            Method::Delete,
            &self.bucket,
            &self.key,
            &self.upload_id,
            &Params::new(),
            &self.headers,
        )
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

// ---------------------------------------------------------------------------------------------
// ListMultipartUploads

/// An upload in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MultipartUploadInfo {
    pub key: String,
    pub upload_id: String,
    /// When it was started (`Initiated`), Unix seconds.
    pub initiation_date: i64,
    pub storage_class: Option<String>,
}

/// One page of ListMultipartUploads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListMultipartUploadsResult {
    pub result: RequestResult,
    pub is_truncated: bool,
    /// Where the next page starts: the next request's `key_marker` …
    pub next_key_marker: String,
    /// … and `upload_id_marker`.
    pub next_upload_id_marker: String,
    pub uploads: Vec<MultipartUploadInfo>,
    /// Common prefixes ("directories") when a delimiter was given.
    pub prefixes: Vec<String>,
}

/// Lists the multipart uploads in progress in a bucket (`Bucket.list_multipart_uploads`),
/// ordered by key, then by start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMultipartUploads {
    pub bucket: String,
    pub prefix: String,
    pub delimiter: String,
    pub key_marker: String,
    pub upload_id_marker: String,
    /// 1..=1000.
    pub max_uploads: u32,
    pub headers: Headers,
}

impl ListMultipartUploads {
    pub fn new(bucket: &str) -> ListMultipartUploads {
        ListMultipartUploads {
            bucket: bucket.to_string(),
            prefix: String::new(),
            delimiter: String::new(),
            key_marker: String::new(),
            upload_id_marker: String::new(),
            max_uploads: MAX_LIST_PAGE,
            headers: Headers::new(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for ListMultipartUploads {
    type Output = ListMultipartUploadsResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_page_size("max_uploads (1 to 1000)", self.max_uploads)?;
        let request = Request::bucket(Method::Get, &self.bucket)?;
        Ok(with_extras(request, &Params::new(), &self.headers)?
            .with_query("uploads", Some(""))
            .with_query("prefix", Some(&self.prefix))
            .with_query("delimiter", Some(&self.delimiter))
            .with_query("key-marker", Some(&self.key_marker))
            .with_query("upload-id-marker", Some(&self.upload_id_marker))
            .with_query("max-uploads", Some(&self.max_uploads.to_string()))
            .with_query("encoding-type", Some("url")))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ListMultipartUploadsResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let url_encoded = read::is_url_encoded(&root);
        let mut page = ListMultipartUploadsResult {
            result: RequestResult::from_head(head),
            is_truncated: root.required_flag("IsTruncated")?,
            // oss2 requires both markers, truncated or not.
            next_key_marker: read::name(&root, "NextKeyMarker", url_encoded)?,
            next_upload_id_marker: root.required_text("NextUploadIdMarker")?.to_string(),
            ..ListMultipartUploadsResult::default()
        };
        if page.is_truncated
            && page.next_key_marker == self.key_marker
            && page.next_upload_id_marker == self.upload_id_marker
        {
            return Err(root.invalid("NextKeyMarker", read::STUCK).into());
        }
        for upload in root.children_named("Upload") {
            page.uploads.push(MultipartUploadInfo {
                key: read::name(upload, "Key", url_encoded)?,
                upload_id: upload.required_text("UploadId")?.to_string(),
                initiation_date: upload.required_time("Initiated")?,
                storage_class: upload.child_text("StorageClass").map(str::to_string),
            });
        }
        for prefixes in root.children_named("CommonPrefixes") {
            page.prefixes
                .push(read::name(prefixes, "Prefix", url_encoded)?);
        }
        Ok(page)
    }
}

#[cfg(feature = "std")]
impl super::Paginated for ListMultipartUploads {
    fn next_page(&self, page: &ListMultipartUploadsResult) -> Option<ListMultipartUploads> {
        page.is_truncated.then(|| ListMultipartUploads {
            key_marker: page.next_key_marker.clone(),
            upload_id_marker: page.next_upload_id_marker.clone(),
            ..self.clone()
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ListParts

/// A part as ListParts shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedPart {
    pub part_number: u32,
    /// Without quotes.
    pub etag: String,
    pub size: u64,
    /// Unix seconds.
    pub last_modified: i64,
    /// `HashCrc64ecma` of the part, when OSS sends it (oss2 ignores it): with `size`, what the
    /// whole object's CRC is computed from when an upload is resumed.
    pub crc: Option<u64>,
}

/// One page of ListParts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPartsResult {
    pub result: RequestResult,
    pub is_truncated: bool,
    /// `NextPartNumberMarker`: the next request's `marker`.
    pub next_marker: String,
    pub parts: Vec<ListedPart>,
}

/// Lists the parts uploaded so far (`Bucket.list_parts`), by part number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParts {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    /// List the parts after this part number ("" from the first).
    pub marker: String,
    /// 1..=1000.
    pub max_parts: u32,
    pub headers: Headers,
}

impl ListParts {
    pub fn new(bucket: &str, key: &str, upload_id: &str) -> ListParts {
        ListParts {
            bucket: bucket.to_string(),
            key: key.to_string(),
            upload_id: upload_id.to_string(),
            marker: String::new(),
            max_parts: MAX_LIST_PAGE,
            headers: Headers::new(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for ListParts {
    type Output = ListPartsResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_page_size("max_parts (1 to 1000)", self.max_parts)?;
        Ok(upload_request(
            Method::Get,
            &self.bucket,
            &self.key,
            &self.upload_id,
            &Params::new(),
            &self.headers,
        )?
        .with_query("part-number-marker", Some(&self.marker))
        .with_query("max-parts", Some(&self.max_parts.to_string())))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ListPartsResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let mut page = ListPartsResult {
            result: RequestResult::from_head(head),
            is_truncated: root.required_flag("IsTruncated")?,
            next_marker: root.required_text("NextPartNumberMarker")?.to_string(),
            parts: Vec::new(),
        };
        if page.is_truncated && page.next_marker == self.marker {
            return Err(root.invalid("NextPartNumberMarker", read::STUCK).into());
        }
        for part in root.children_named("Part") {
            page.parts.push(ListedPart {
                part_number: part.required_unsigned("PartNumber")?,
                etag: crate::response::strip_quotes(part.required_text("ETag")?).to_string(),
                size: part.required_unsigned("Size")?,
                last_modified: part.required_time("LastModified")?,
                crc: part.optional_unsigned("HashCrc64ecma")?,
            });
        }
        Ok(page)
    }
}

#[cfg(feature = "std")]
impl super::Paginated for ListParts {
    fn next_page(&self, page: &ListPartsResult) -> Option<ListParts> {
        page.is_truncated.then(|| ListParts {
            marker: page.next_marker.clone(),
            ..self.clone()
        })
    }
}

/// Reading the keys of listing answers (also used by [`super::delete_objects`]); the elements
/// themselves are read with [`crate::xml::Element`]'s `required_*` methods.
#[cfg(feature = "std")]
pub(crate) mod read {
    use alloc::string::{String, ToString};

    use crate::encoding::url_decode;
    use crate::error::DecodeError;
    use crate::xml::Element;

    /// Why a truncated page whose next marker is the one just asked with is refused: a pager
    /// would ask for the same page for ever.
    pub const STUCK: &str = "a truncated page's next marker equals the one it was asked with";

    /// Whether the answer says `<EncodingType>url</EncodingType>`: only then are keys,
    /// prefixes and key markers percent-decoded.
    pub fn is_url_encoded(root: &Element) -> bool {
        root.child_text("EncodingType") == Some("url")
    }

    /// A key, prefix or key marker, percent-decoded when `url_encoded` (`unquote`: `+` stays).
    pub fn name(parent: &Element, name: &str, url_encoded: bool) -> Result<String, DecodeError> {
        let raw = parent.required_text(name)?;
        if url_encoded {
            url_decode(raw).map_err(|e| parent.invalid(name, e.reason))
        } else {
            Ok(raw.to_string())
        }
    }
}
