//! Multipart uploads, copies, symlinks and batch deletes, driven by oss-core's own operations,
//! signed and parsed as a real client does.

use md5::{Digest as _, Md5};
use oss_core::crc64;
use oss_core::ops::bucket::{CreateBucket, PutBucketAcl};
use oss_core::ops::copy::{CopyObject, UpdateObjectMeta};
use oss_core::ops::delete_objects::BatchDeleteObjects;
use oss_core::ops::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, InitMultipartUpload, ListMultipartUploads,
    ListParts, PartInfo, UploadPart, UploadPartCopy,
};
use oss_core::ops::object::{
    DeleteObject, GetObject, HeadObject, ObjectExists, PutObject, PutObjectAcl,
};
use oss_core::ops::symlink::{GetSymlink, PutSymlink};
use oss_core::ops::{Operation, Pager, Paginated};
use oss_core::request::{Body, Method, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, Headers, ResponseHead};
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "mp-bucket";
const OTHER: &str = "mp-other";
/// The smallest size a part other than the last may have.
const MIN_PART: usize = 100 * 1024;

struct Client {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl Client {
    fn with_bucket() -> Client {
        let credentials =
            Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap();
        let client = Client {
            emulator: Emulator::default(),
            signer: Signer::v1(credentials),
            endpoint: Endpoint::parse("http://127.0.0.1:9000").unwrap(),
        };
        client.run(&CreateBucket::new(BUCKET)).unwrap();
        client
    }

    /// Sends `request` with `body` at `now`.
    fn raw_at(&self, request: Request, body: &[u8], now: i64) -> (ResponseHead, Vec<u8>) {
        let signed = self.signer.sign(request, &self.endpoint, now).unwrap();
        let (head, bytes) = self.emulator.send(&signed, body, now);
        assert!(
            head.header("x-oss-request-id")
                .is_some_and(|id| id.len() == 24),
            "{head:?}"
        );
        (head, bytes)
    }

    fn raw(&self, request: Request, body: &[u8]) -> (ResponseHead, Vec<u8>) {
        self.raw_at(request, body, NOW)
    }

    /// Runs `op`, with the body its request describes (XML documents), at `now`.
    fn run_at<O: Operation>(&self, op: &O, data: &[u8], now: i64) -> Result<O::Output, Error> {
        let request = op.request()?;
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.clone(),
            _ => data.to_vec(),
        };
        let (head, bytes) = self.raw_at(request, &body, now);
        op.parse(&head, &bytes)
    }

    fn run<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        self.run_at(op, b"", NOW)
    }

    /// Runs `op` with `data` as its streamed body (UploadPart, PutObject).
    fn send<O: Operation>(&self, op: &O, data: &[u8]) -> Result<O::Output, Error> {
        self.run_at(op, data, NOW)
    }

    fn anonymous<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let signed = Signer::anonymous().sign(op.request()?, &self.endpoint, NOW)?;
        let (head, bytes) = self.emulator.send(&signed, b"", NOW);
        op.parse(&head, &bytes)
    }

    fn put(&self, key: &str, data: &[u8]) -> oss_core::ops::object::PutObjectResult {
        self.put_at(key, data, NOW)
    }

    fn put_at(&self, key: &str, data: &[u8], now: i64) -> oss_core::ops::object::PutObjectResult {
        let mut put = PutObject::new(BUCKET, key, Some(data.len() as u64));
        put.headers.insert("Content-Type", "text/plain").unwrap();
        put.headers.insert("x-oss-meta-origin", "put").unwrap();
        self.run_at(&put, data, now).unwrap()
    }

    /// The whole body of `key`, and the answer's head.
    fn get(&self, key: &str) -> (ResponseHead, Vec<u8>) {
        self.raw(GetObject::new(BUCKET, key).request().unwrap(), b"")
    }

    fn init(&self, key: &str) -> String {
        self.run(&InitMultipartUpload::new(BUCKET, key))
            .unwrap()
            .upload_id
    }

    fn upload_part(&self, key: &str, upload_id: &str, number: u32, data: &[u8]) -> PartInfo {
        let op = UploadPart::new(BUCKET, key, upload_id, number, Some(data.len() as u64));
        let result = self.send(&op, data).unwrap();
        assert_eq!(result.crc, Some(crc64::checksum(data)));
        PartInfo {
            part_number: number,
            etag: result.etag.unwrap(),
            size: Some(data.len() as u64),
            part_crc: result.crc,
        }
    }
}

/// The error code as OSS sent it.
fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Server(e)) => e.raw_code,
        other => panic!("expected a server error, got {other:?}"),
    }
}

fn server_error<T: std::fmt::Debug>(result: Result<T, Error>) -> oss_core::ServerError {
    match result {
        Err(Error::Server(e)) => *e,
        other => panic!("expected a server error, got {other:?}"),
    }
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// Deterministic bytes that differ from part to part.
fn data(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Multipart uploads

#[test]
fn multipart_upload_parts_in_any_order_with_etag_and_crc() {
    let client = Client::with_bucket();
    let key = "big/object name+1.bin";
    let mut init = InitMultipartUpload::new(BUCKET, key);
    init.headers.insert("Content-Type", "video/mp4").unwrap();
    init.headers.insert("x-oss-meta-author", "tester").unwrap();
    init.headers
        .insert("x-oss-object-acl", "public-read")
        .unwrap();
    let upload_id = client.run(&init).unwrap().upload_id;
    assert_eq!(upload_id.len(), 32);
    assert!(
        upload_id
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    );
    assert_ne!(upload_id, client.init(key), "upload ids are unique");

    let parts_data = [data(1, MIN_PART), data(2, MIN_PART + 7), data(3, 1000)];
    // Parts may come in any order; uploading one again replaces it.
    let third = client.upload_part(key, &upload_id, 3, &parts_data[2]);
    let _ = client.upload_part(key, &upload_id, 1, b"to be replaced");
    let first = client.upload_part(key, &upload_id, 1, &parts_data[0]);
    let second = client.upload_part(key, &upload_id, 2, &parts_data[1]);
    assert_eq!(first.etag, md5_hex(&parts_data[0]));

    // ListParts one part a page, through the pager.
    let mut list = ListParts::new(BUCKET, key, &upload_id);
    list.max_parts = 1;
    let mut pager = Pager::new(list);
    let mut listed = Vec::new();
    let mut pages = 0;
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap(), b"");
        let page = pager.handle_response(&head, &body).unwrap();
        pages += 1;
        listed.extend(page.parts);
    }
    assert_eq!(pages, 3);
    assert_eq!(
        listed.iter().map(|p| p.part_number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(listed[1].size, parts_data[1].len() as u64);
    assert_eq!(listed[1].etag, second.etag);
    assert_eq!(listed[1].crc, second.part_crc);
    assert_eq!(listed[0].last_modified, NOW);
    // A resumed upload completes from the listing; the CRC of the whole is checked.
    let from_listing: Vec<PartInfo> = listed.iter().map(PartInfo::from).collect();
    assert_eq!(from_listing, [first.clone(), second.clone(), third.clone()]);

    // The caller's order does not matter: the body lists the parts sorted.
    let complete = CompleteMultipartUpload::new(
        BUCKET,
        key,
        &upload_id,
        vec![third.clone(), first.clone(), second.clone()],
    );
    assert!(complete.expected_crc().is_some());
    let done = client.run(&complete).unwrap();
    let whole: Vec<u8> = parts_data.concat();
    assert_eq!(done.crc, Some(crc64::checksum(&whole)));
    // "<MD5 of the binary part MD5s>-<N>".
    let mut md5 = Md5::new();
    for part in &parts_data {
        md5.update(Md5::digest(part));
    }
    let expected_etag = format!(
        "{}-3",
        md5.finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    );
    assert_eq!(done.etag.as_deref(), Some(expected_etag.as_str()));

    let (head, body) = client.get(key);
    assert_eq!(head.status, 200);
    assert_eq!(body, whole);
    let info = GetObject::new(BUCKET, key).parse(&head, &body).unwrap();
    assert_eq!(info.object_type.as_deref(), Some("Multipart"));
    assert_eq!(info.etag.as_deref(), Some(expected_etag.as_str()));
    assert_eq!(info.server_crc, Some(crc64::checksum(&whole)));
    assert_eq!(info.content_type.as_deref(), Some("video/mp4"));
    assert_eq!(
        info.user_meta,
        [("author".to_string(), "tester".to_string())]
    );
    // The ACL given at initiation is the object's.
    assert!(client.anonymous(&HeadObject::new(BUCKET, key)).is_ok());

    // The upload is over.
    assert_eq!(
        server_error(client.run(&ListParts::new(BUCKET, key, &upload_id))).code,
        ErrorCode::NoSuchUpload
    );
}

#[test]
fn complete_answers_with_its_document_and_a_wrong_crc_is_caught() {
    let client = Client::with_bucket();
    let key = "doc";
    let upload_id = client.init(key);
    let part = client.upload_part(key, &upload_id, 1, b"only part");
    let request = CompleteMultipartUpload::new(BUCKET, key, &upload_id, vec![part.clone()])
        .request()
        .unwrap()
        .with_query("encoding-type", Some("url"));
    let body = match request.body() {
        Body::Bytes(bytes) => bytes.clone(),
        other => panic!("{other:?}"),
    };
    let (head, xml) = client.raw(request, &body);
    assert_eq!(head.status, 200);
    let root = oss_core::xml::parse(&xml).unwrap();
    assert_eq!(root.name, "CompleteMultipartUploadResult");
    assert_eq!(root.child_text("EncodingType"), Some("url"));
    assert_eq!(root.child_text("Bucket"), Some(BUCKET));
    assert_eq!(root.child_text("Key"), Some(key));
    assert_eq!(
        root.child_text("Location"),
        Some("http://127.0.0.1:9000/mp-bucket/doc")
    );
    assert_eq!(root.child_text("ETag"), head.header("etag"));

    // A client that recorded a wrong CRC for a part learns that the object differs.
    let upload_id = client.init(key);
    let mut part = client.upload_part(key, &upload_id, 1, b"only part");
    part.part_crc = part.part_crc.map(|crc| crc ^ 1);
    let complete = CompleteMultipartUpload::new(BUCKET, key, &upload_id, vec![part]);
    assert!(matches!(client.run(&complete), Err(Error::Inconsistent(_))));
}

#[test]
fn complete_all_uses_every_uploaded_part() {
    let client = Client::with_bucket();
    let key = "all";
    let upload_id = client.init(key);
    let a = data(7, MIN_PART);
    client.upload_part(key, &upload_id, 2, b"tail");
    client.upload_part(key, &upload_id, 1, &a);
    let done = client
        .run(&CompleteMultipartUpload::all(BUCKET, key, &upload_id))
        .unwrap();
    let whole = [a.as_slice(), b"tail"].concat();
    assert_eq!(done.crc, Some(crc64::checksum(&whole)));
    assert_eq!(client.get(key).1, whole);

    // x-oss-forbid-overwrite is honoured when the upload starts and when it completes.
    let mut init = InitMultipartUpload::new(BUCKET, key);
    init.headers
        .insert("x-oss-forbid-overwrite", "true")
        .unwrap();
    assert_eq!(code(client.run(&init)), "FileAlreadyExists");
    let upload_id = client.init(key);
    client.upload_part(key, &upload_id, 1, b"x");
    let mut complete = CompleteMultipartUpload::all(BUCKET, key, &upload_id);
    complete
        .headers
        .insert("x-oss-forbid-overwrite", "true")
        .unwrap();
    assert_eq!(code(client.run(&complete)), "FileAlreadyExists");
    assert_eq!(client.get(key).1, whole);

    // With complete-all, a part list is refused.
    let upload_id = client.init(key);
    let part = client.upload_part(key, &upload_id, 1, b"x");
    let request = CompleteMultipartUpload::new(BUCKET, key, &upload_id, vec![part])
        .request()
        .unwrap()
        .with_header("x-oss-complete-all", "yes")
        .unwrap();
    let body = match request.body() {
        Body::Bytes(bytes) => bytes.clone(),
        other => panic!("{other:?}"),
    };
    let (head, xml) = client.raw(request, &body);
    assert_eq!(
        code(PutObject::new(BUCKET, key, None).parse(&head, &xml)),
        "InvalidArgument"
    );
}

#[test]
fn complete_refuses_bad_part_lists() {
    let client = Client::with_bucket();
    let key = "k";
    let upload_id = client.init(key);
    let one = client.upload_part(key, &upload_id, 1, &data(1, MIN_PART));
    let two = client.upload_part(key, &upload_id, 2, &data(2, 10));
    let three = client.upload_part(key, &upload_id, 3, &data(3, 10));

    let complete = |parts: Vec<PartInfo>| {
        client.run(&CompleteMultipartUpload::new(
            BUCKET, key, &upload_id, parts,
        ))
    };
    // The same part twice is not ascending.
    assert_eq!(
        code(complete(vec![one.clone(), one.clone()])),
        "InvalidPartOrder"
    );
    // Descending, as a hand-written document.
    let xml = format!(
        "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>\"{}\"</ETag></Part><Part><PartNumber>1</PartNumber><ETag>\"{}\"</ETag></Part></CompleteMultipartUpload>",
        two.etag, one.etag
    );
    let request = Request::object(Method::Post, BUCKET, key)
        .unwrap()
        .with_query("uploadId", Some(&upload_id));
    let (head, body) = client.raw(request, xml.as_bytes());
    let error = server_error(PutObject::new(BUCKET, key, None).parse(&head, &body));
    assert_eq!(
        (error.status, error.raw_code.as_str()),
        (400, "InvalidPartOrder")
    );

    // A part never uploaded, or a wrong ETag.
    let missing = PartInfo::new(4, &two.etag);
    assert_eq!(code(complete(vec![one.clone(), missing])), "InvalidPart");
    let wrong = PartInfo::new(2, &one.etag);
    let error = server_error(complete(vec![one.clone(), wrong]));
    assert_eq!(
        (error.status, error.raw_code.as_str()),
        (400, "InvalidPart")
    );
    assert_eq!(error.detail("PartNumber"), Some("2"));

    // Every part but the last must be 100 KiB or more.
    let error = server_error(complete(vec![one.clone(), two.clone(), three.clone()]));
    assert_eq!(error.raw_code, "EntityTooSmall");
    assert_eq!(error.detail("PartNumber"), Some("2"));
    // Not ascending, but a document at all.
    let request = Request::object(Method::Post, BUCKET, key)
        .unwrap()
        .with_query("uploadId", Some(&upload_id));
    let (head, body) = client.raw(request, b"<CompleteMultipartUpload>");
    assert_eq!(
        code(PutObject::new(BUCKET, key, None).parse(&head, &body)),
        "MalformedXML"
    );

    // Nothing was made of the failures; a good list still completes.
    assert!(!client.run(&ObjectExists::new(BUCKET, key)).unwrap());
    complete(vec![one, three]).unwrap();
    assert_eq!(client.get(key).1, [data(1, MIN_PART), data(3, 10)].concat());
}

#[test]
fn part_numbers_and_upload_ids_are_checked() {
    let client = Client::with_bucket();
    let upload_id = client.init("k");
    for number in ["0", "10001", "x"] {
        let request = Request::object(Method::Put, BUCKET, "k")
            .unwrap()
            .with_query("partNumber", Some(number))
            .with_query("uploadId", Some(&upload_id));
        let (head, body) = client.raw(request, b"data");
        let error = server_error(PutObject::new(BUCKET, "k", None).parse(&head, &body));
        assert_eq!(error.raw_code, "InvalidArgument", "{number}");
        assert_eq!(error.detail("ArgumentName"), Some("partNumber"));
    }
    client.upload_part("k", &upload_id, 10000, b"last possible part");

    // Unknown upload ids, and another object's upload id.
    let bogus = "0123456789ABCDEF0123456789ABCDEF";
    let op = UploadPart::new(BUCKET, "k", bogus, 1, Some(1));
    assert_eq!(
        server_error(client.send(&op, b"x")).code,
        ErrorCode::NoSuchUpload
    );
    let op = UploadPart::new(BUCKET, "other-key", &upload_id, 1, Some(1));
    assert_eq!(
        server_error(client.send(&op, b"x")).code,
        ErrorCode::NoSuchUpload
    );
    let complete = CompleteMultipartUpload::new(BUCKET, "k", bogus, vec![PartInfo::new(1, "A")]);
    assert_eq!(
        server_error(client.run(&complete)).code,
        ErrorCode::NoSuchUpload
    );
    assert_eq!(
        server_error(client.run(&AbortMultipartUpload::new(BUCKET, "k", bogus))).code,
        ErrorCode::NoSuchUpload
    );
    assert_eq!(
        server_error(client.run(&ListParts::new(BUCKET, "k", bogus))).code,
        ErrorCode::NoSuchUpload
    );

    // A part number without an upload id never reaches the object.
    let request = Request::object(Method::Put, BUCKET, "k")
        .unwrap()
        .with_query("partNumber", Some("1"));
    let (head, body) = client.raw(request, b"data");
    assert_eq!(
        code(PutObject::new(BUCKET, "k", None).parse(&head, &body)),
        "InvalidArgument"
    );
    assert!(!client.run(&ObjectExists::new(BUCKET, "k")).unwrap());

    // A Content-MD5 that does not match refuses the part.
    let mut op = UploadPart::new(BUCKET, "k", &upload_id, 2, Some(3));
    op.headers
        .insert("Content-MD5", &oss_core::ops::content_md5(b"xyz"))
        .unwrap();
    assert_eq!(code(client.send(&op, b"abc")), "InvalidDigest");
}

#[test]
fn abort_ends_an_upload() {
    let client = Client::with_bucket();
    let upload_id = client.init("k");
    client.upload_part("k", &upload_id, 1, b"part");
    let (head, _) = client.raw(
        AbortMultipartUpload::new(BUCKET, "k", &upload_id)
            .request()
            .unwrap(),
        b"",
    );
    assert_eq!(head.status, 204);
    let op = UploadPart::new(BUCKET, "k", &upload_id, 2, Some(1));
    assert_eq!(
        server_error(client.send(&op, b"x")).code,
        ErrorCode::NoSuchUpload
    );
    assert!(
        client
            .run(&ListMultipartUploads::new(BUCKET))
            .unwrap()
            .uploads
            .is_empty()
    );
    // The bucket can go once no upload is left in it.
    client
        .run(&oss_core::ops::bucket::DeleteBucket::new(BUCKET))
        .unwrap();
}

#[test]
fn list_multipart_uploads_pages_prefixes_and_url_encoding() {
    let client = Client::with_bucket();
    let mut expected = Vec::new();
    for (i, key) in [
        "a/1",
        "b c+d",
        "b c+d",
        "dir/x/1",
        "dir/y/2",
        "dir/z",
        "中文\u{1}键",
    ]
    .into_iter()
    .enumerate()
    {
        let upload_id = client
            .run_at(&InitMultipartUpload::new(BUCKET, key), b"", NOW + i as i64)
            .unwrap()
            .upload_id;
        expected.push((key.to_string(), upload_id, NOW + i as i64));
    }

    // Two a page: the two uploads of "b c+d" are split across pages, in start order.
    let mut list = ListMultipartUploads::new(BUCKET);
    list.max_uploads = 2;
    let mut pager = Pager::new(list);
    let mut listed = Vec::new();
    let mut pages = 0;
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap(), b"");
        let page = pager.handle_response(&head, &body).unwrap();
        pages += 1;
        listed.extend(
            page.uploads
                .into_iter()
                .map(|u| (u.key, u.upload_id, u.initiation_date)),
        );
    }
    assert_eq!(pages, 4);
    assert_eq!(listed, expected);

    // Delimiters: common prefixes count against max-uploads and can end a page.
    let mut list = ListMultipartUploads::new(BUCKET);
    list.prefix = "dir/".into();
    list.delimiter = "/".into();
    let page = client.run(&list).unwrap();
    assert_eq!(page.prefixes, ["dir/x/", "dir/y/"]);
    assert_eq!(
        page.uploads
            .iter()
            .map(|u| u.key.as_str())
            .collect::<Vec<_>>(),
        ["dir/z"]
    );
    let mut list = ListMultipartUploads::new(BUCKET);
    list.delimiter = "/".into();
    list.max_uploads = 1;
    let page = client.run(&list).unwrap();
    assert_eq!(page.prefixes, ["a/"]);
    assert!(page.is_truncated);
    let page = client.run(&list.next_page(&page).unwrap()).unwrap();
    assert_eq!(
        page.uploads
            .iter()
            .map(|u| u.key.as_str())
            .collect::<Vec<_>>(),
        ["b c+d"]
    );
    let mut all = Vec::new();
    let mut pager = Pager::new(list);
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap(), b"");
        let page = pager.handle_response(&head, &body).unwrap();
        all.extend(page.prefixes);
        all.extend(page.uploads.into_iter().map(|u| u.key));
    }
    assert_eq!(all, ["a/", "b c+d", "b c+d", "dir/", "中文\u{1}键"]);

    // A page size out of range is refused by the server too.
    let request = Request::bucket(Method::Get, BUCKET)
        .unwrap()
        .with_query("uploads", None)
        .with_query("max-uploads", Some("1001"));
    let (head, body) = client.raw(request, b"");
    assert_eq!(
        code(ListMultipartUploads::new(BUCKET).parse(&head, &body)),
        "InvalidArgument"
    );
}

#[test]
fn upload_part_copy_takes_a_range_of_another_object() {
    let client = Client::with_bucket();
    let source = data(9, MIN_PART + 100);
    client.put("source", &source);
    let upload_id = client.init("assembled");
    let copied = client
        .run(&UploadPartCopy::new(
            BUCKET,
            "source",
            Some((Some(0), Some(MIN_PART as u64 - 1))),
            BUCKET,
            "assembled",
            &upload_id,
            1,
        ))
        .unwrap();
    assert_eq!(copied.etag, Some(md5_hex(&source[..MIN_PART])));
    assert_eq!(copied.crc, Some(crc64::checksum(&source[..MIN_PART])));
    let tail = client.upload_part("assembled", &upload_id, 2, b"!");
    let first = PartInfo {
        part_number: 1,
        etag: copied.etag.unwrap(),
        size: Some(MIN_PART as u64),
        part_crc: copied.crc,
    };
    client
        .run(&CompleteMultipartUpload::new(
            BUCKET,
            "assembled",
            &upload_id,
            vec![first, tail],
        ))
        .unwrap();
    assert_eq!(
        client.get("assembled").1,
        [&source[..MIN_PART], b"!"].concat()
    );
    // A range past the end of the source.
    let op = UploadPartCopy::new(
        BUCKET,
        "source",
        Some((Some(0), Some(source.len() as u64))),
        BUCKET,
        "assembled",
        &client.init("assembled"),
        1,
    );
    assert_eq!(code(client.run(&op)), "InvalidArgument");
}

#[test]
fn unknown_multipart_sub_resources_are_refused() {
    let client = Client::with_bucket();
    let mut init = InitMultipartUpload::new(BUCKET, "k");
    init.params.push(("sequential".into(), None));
    assert_eq!(code(client.run(&init)), "NotImplemented");
}

// ---------------------------------------------------------------------------------------------
// Copies

#[test]
fn copy_object_keeps_data_etag_crc_and_metadata() {
    let client = Client::with_bucket();
    client.run(&CreateBucket::new(OTHER)).unwrap();
    let source_key = "dir/a b+c?.txt";
    let put = client.put(source_key, b"copied bytes");

    for (bucket, key) in [(BUCKET, "copy"), (OTHER, "dir/copy")] {
        let copy = client
            .run(&CopyObject::new(BUCKET, source_key, bucket, key))
            .unwrap();
        assert_eq!(copy.etag, put.etag);
        assert_eq!(copy.crc, put.crc);
        let (head, body) = client.raw(GetObject::new(bucket, key).request().unwrap(), b"");
        assert_eq!(body, b"copied bytes");
        let info = GetObject::new(bucket, key).parse(&head, &body).unwrap();
        assert_eq!(info.content_type.as_deref(), Some("text/plain"));
        assert_eq!(info.user_meta, [("origin".to_string(), "put".to_string())]);
        assert_eq!(info.server_crc, put.crc);
    }

    // The answer carries CopyObjectResult with the ETag and the time.
    let request = CopyObject::new(BUCKET, source_key, BUCKET, "copy2")
        .request()
        .unwrap();
    let (head, xml) = client.raw_at(request, b"", NOW + 5);
    assert_eq!(head.status, 200);
    let root = oss_core::xml::parse(&xml).unwrap();
    assert_eq!(root.name, "CopyObjectResult");
    assert_eq!(
        root.child_text("ETag")
            .map(oss_core::response::strip_quotes),
        put.etag.as_deref()
    );
    assert_eq!(root.required_time("LastModified").unwrap(), NOW + 5);

    // REPLACE takes the metadata from the request.
    let mut replace = CopyObject::new(BUCKET, source_key, BUCKET, "replaced");
    replace
        .headers
        .insert("x-oss-metadata-directive", "REPLACE")
        .unwrap();
    replace.headers.insert("Content-Type", "image/png").unwrap();
    replace.headers.insert("x-oss-meta-new", "yes").unwrap();
    client.run(&replace).unwrap();
    let info = client.run(&HeadObject::new(BUCKET, "replaced")).unwrap();
    assert_eq!(info.content_type.as_deref(), Some("image/png"));
    assert_eq!(info.user_meta, [("new".to_string(), "yes".to_string())]);
    assert_eq!(info.etag, put.etag);

    // A copy of a multipart object stays one.
    let upload_id = client.init("mp");
    let part = client.upload_part("mp", &upload_id, 1, b"multi");
    let done = client
        .run(&CompleteMultipartUpload::new(
            BUCKET,
            "mp",
            &upload_id,
            vec![part],
        ))
        .unwrap();
    let copy = client
        .run(&CopyObject::new(BUCKET, "mp", OTHER, "mp"))
        .unwrap();
    assert_eq!(copy.etag, done.etag);
    let info = client.run(&HeadObject::new(OTHER, "mp")).unwrap();
    assert_eq!(info.object_type.as_deref(), Some("Multipart"));
}

#[test]
fn copy_errors_and_conditions() {
    let client = Client::with_bucket();
    let put = client.put_at("src", b"source", NOW - 100);
    let etag = put.etag.unwrap();
    let copy = |headers: &[(&str, &str)]| {
        let mut op = CopyObject::new(BUCKET, "src", BUCKET, "dst");
        for (name, value) in headers {
            op.headers.insert(name, value).unwrap();
        }
        client.run(&op)
    };
    let before = oss_core::dates::http_date(NOW - 200).unwrap();
    let after = oss_core::dates::http_date(NOW - 50).unwrap();

    assert!(copy(&[("x-oss-copy-source-if-match", &format!("\"{etag}\""))]).is_ok());
    assert_eq!(
        server_error(copy(&[("x-oss-copy-source-if-match", "\"0000\"")])).status,
        412
    );
    assert_eq!(
        code(copy(&[("x-oss-copy-source-if-unmodified-since", &before)])),
        "PreconditionFailed"
    );
    assert!(copy(&[("x-oss-copy-source-if-unmodified-since", &after)]).is_ok());
    // As OSS documents it, the "none-match" and "modified-since" conditions answer 304.
    assert_eq!(
        server_error(copy(&[("x-oss-copy-source-if-none-match", &etag)])).code,
        ErrorCode::NotModified
    );
    assert_eq!(
        server_error(copy(&[("x-oss-copy-source-if-modified-since", &after)])).code,
        ErrorCode::NotModified
    );
    assert!(copy(&[("x-oss-copy-source-if-modified-since", &before)]).is_ok());
    assert_eq!(
        code(copy(&[("x-oss-metadata-directive", "MOVE")])),
        "InvalidArgument"
    );
    assert_eq!(
        code(copy(&[("x-oss-forbid-overwrite", "true")])),
        "FileAlreadyExists"
    );

    assert_eq!(
        server_error(client.run(&CopyObject::new(BUCKET, "missing", BUCKET, "dst"))).code,
        ErrorCode::NoSuchKey
    );
    assert_eq!(
        server_error(client.run(&CopyObject::new("no-such-bucket", "src", BUCKET, "dst"))).code,
        ErrorCode::NoSuchBucket
    );
    let mut versioned = CopyObject::new(BUCKET, "src", BUCKET, "dst");
    versioned.source_version_id = Some("CAEQNhiBgMDJgZCA0BYiIDc4".into());
    assert_eq!(code(client.run(&versioned)), "NoSuchVersion");
    versioned.source_version_id = Some("null".into());
    assert!(client.run(&versioned).is_ok());
    let request = Request::object(Method::Put, BUCKET, "dst")
        .unwrap()
        .with_header("x-oss-copy-source", "no-slash")
        .unwrap();
    let (head, body) = client.raw(request, b"");
    assert_eq!(
        code(PutObject::new(BUCKET, "dst", None).parse(&head, &body)),
        "InvalidArgument"
    );

    // The caller must be able to read the source and write the destination.
    client.run(&CreateBucket::new(OTHER)).unwrap();
    client
        .run(&PutBucketAcl::new(OTHER, "public-read-write"))
        .unwrap();
    assert_eq!(
        server_error(client.anonymous(&CopyObject::new(BUCKET, "src", OTHER, "k"))).code,
        ErrorCode::AccessDenied
    );
    client
        .run(&PutObjectAcl::new(BUCKET, "src", "public-read"))
        .unwrap();
    assert!(
        client
            .anonymous(&CopyObject::new(BUCKET, "src", OTHER, "k"))
            .is_ok()
    );
    assert_eq!(
        server_error(client.anonymous(&CopyObject::new(OTHER, "k", BUCKET, "k"))).code,
        ErrorCode::AccessDenied
    );
}

#[test]
fn update_object_meta_is_a_copy_onto_itself() {
    let client = Client::with_bucket();
    let put = client.put_at("k", b"unchanged data", NOW - 10);
    let mut headers = Headers::new();
    headers.insert("Content-Type", "application/json").unwrap();
    headers.insert("x-oss-meta-version", "2").unwrap();
    let updated = client
        .run(&UpdateObjectMeta::new(BUCKET, "k", headers))
        .unwrap();
    assert_eq!(updated.etag, put.etag);
    assert_eq!(updated.crc, put.crc);
    let (head, body) = client.get("k");
    assert_eq!(body, b"unchanged data");
    let info = GetObject::new(BUCKET, "k").parse(&head, &body).unwrap();
    assert_eq!(info.content_type.as_deref(), Some("application/json"));
    assert_eq!(info.user_meta, [("version".to_string(), "2".to_string())]);
    assert_eq!(info.last_modified, Some(NOW));

    // With COPY, OSS keeps the metadata (and may change the storage class or ACL): no error.
    client
        .run(&PutObjectAcl::new(BUCKET, "k", "public-read"))
        .unwrap();
    let mut same = CopyObject::new(BUCKET, "k", BUCKET, "k");
    same.headers.insert("x-oss-storage-class", "IA").unwrap();
    client.run(&same).unwrap();
    let info = client.run(&HeadObject::new(BUCKET, "k")).unwrap();
    assert_eq!(info.content_type.as_deref(), Some("application/json"));
    assert_eq!(info.storage_class.as_deref(), Some("IA"));
    assert!(client.anonymous(&HeadObject::new(BUCKET, "k")).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Symlinks

#[test]
fn symlinks_point_and_gets_follow_them() {
    let client = Client::with_bucket();
    let target = "dir/tar get+1?.txt";
    let put = client.put_at(target, b"0123456789", NOW - 100);
    let mut link = PutSymlink::new(BUCKET, target, "link");
    link.headers.insert("Content-Type", "text/html").unwrap();
    link.headers.insert("x-oss-meta-kind", "link").unwrap();
    client.run(&link).unwrap();

    let got = client.run(&GetSymlink::new(BUCKET, "link")).unwrap();
    assert_eq!(got.target_key, target);
    let (head, _) = client.raw(GetSymlink::new(BUCKET, "link").request().unwrap(), b"");
    assert_eq!(
        head.header("x-oss-symlink-target"),
        Some("dir%2Ftar%20get%2B1%3F.txt")
    );

    // GET through the link: the target's data, ETag, length and CRC; the link's own type,
    // Content-Type and metadata; the later of the two times.
    let (head, body) = client.get("link");
    assert_eq!(body, b"0123456789");
    let info = GetObject::new(BUCKET, "link").parse(&head, &body).unwrap();
    assert_eq!(info.object_type.as_deref(), Some("Symlink"));
    assert_eq!(info.etag, put.etag);
    assert_eq!(info.server_crc, put.crc);
    assert_eq!(info.content_length, Some(10));
    assert_eq!(info.content_type.as_deref(), Some("text/html"));
    assert_eq!(info.user_meta, [("kind".to_string(), "link".to_string())]);
    assert_eq!(info.last_modified, Some(NOW));

    let mut ranged = GetObject::new(BUCKET, "link");
    ranged.byte_range = Some((Some(2), Some(4)));
    let (head, body) = client.raw(ranged.request().unwrap(), b"");
    assert_eq!((head.status, body.as_slice()), (206, &b"234"[..]));
    let info = client.run(&HeadObject::new(BUCKET, "link")).unwrap();
    assert_eq!(info.content_length, Some(10));
    assert_eq!(info.object_type.as_deref(), Some("Symlink"));
    let mut conditional = GetObject::new(BUCKET, "link");
    conditional
        .headers
        .insert(
            "If-None-Match",
            &format!("\"{}\"", put.etag.clone().unwrap()),
        )
        .unwrap();
    assert_eq!(
        server_error(client.run(&conditional)).code,
        ErrorCode::NotModified
    );

    // Errors: not a link, no such key, a link to a link, a target that is gone.
    assert_eq!(
        code(client.run(&GetSymlink::new(BUCKET, target))),
        "NotSymlink"
    );
    assert_eq!(
        server_error(client.run(&GetSymlink::new(BUCKET, "nothing"))).code,
        ErrorCode::NoSuchKey
    );
    client
        .run(&PutSymlink::new(BUCKET, "link", "link-to-link"))
        .unwrap();
    assert_eq!(
        code(client.run(&GetObject::new(BUCKET, "link-to-link"))),
        "InvalidTargetType"
    );
    client.run(&DeleteObject::new(BUCKET, target)).unwrap();
    let error = server_error(client.run(&GetObject::new(BUCKET, "link")));
    assert_eq!(
        (error.status, error.raw_code.as_str()),
        (404, "SymlinkTargetNotExist")
    );
    // The link itself is still there.
    assert_eq!(
        client
            .run(&GetSymlink::new(BUCKET, "link"))
            .unwrap()
            .target_key,
        target
    );

    // PutSymlink needs a target, and honours x-oss-forbid-overwrite.
    let request = Request::object(Method::Put, BUCKET, "bad")
        .unwrap()
        .with_query("symlink", None);
    let (head, body) = client.raw(request, b"");
    assert_eq!(
        code(GetSymlink::new(BUCKET, "bad").parse(&head, &body)),
        "MissingArgument"
    );
    let mut again = PutSymlink::new(BUCKET, "elsewhere", "link");
    again
        .headers
        .insert("x-oss-forbid-overwrite", "true")
        .unwrap();
    assert_eq!(code(client.run(&again)), "FileAlreadyExists");
}

#[test]
fn reading_through_a_symlink_needs_both_acls() {
    let client = Client::with_bucket();
    client.put("private-target", b"secret");
    let mut link = PutSymlink::new(BUCKET, "private-target", "public-link");
    link.headers
        .insert("x-oss-object-acl", "public-read")
        .unwrap();
    client.run(&link).unwrap();
    assert!(
        client
            .anonymous(&GetSymlink::new(BUCKET, "public-link"))
            .is_ok()
    );
    assert_eq!(
        server_error(client.anonymous(&GetObject::new(BUCKET, "public-link"))).code,
        ErrorCode::AccessDenied
    );
    client
        .run(&PutObjectAcl::new(BUCKET, "private-target", "public-read"))
        .unwrap();
    assert!(
        client
            .anonymous(&GetObject::new(BUCKET, "public-link"))
            .is_ok()
    );
    // A private link to a public target stays private.
    client
        .run(&PutSymlink::new(BUCKET, "private-target", "private-link"))
        .unwrap();
    assert_eq!(
        server_error(client.anonymous(&GetObject::new(BUCKET, "private-link"))).code,
        ErrorCode::AccessDenied
    );
}

// ---------------------------------------------------------------------------------------------
// DeleteMultipleObjects

#[test]
fn batch_delete_lists_what_it_deleted_unless_quiet() {
    let client = Client::with_bucket();
    let keys = ["a", "dir/b c", "x+y&z<", "中文"];
    for key in keys {
        client.put(key, b"v");
    }
    let mut names: Vec<&str> = keys[..2].to_vec();
    names.push("never-existed");
    let result = client
        .run(&BatchDeleteObjects::new(BUCKET, names.clone()))
        .unwrap();
    assert_eq!(result.deleted_keys().collect::<Vec<_>>(), names);
    for key in &keys[..2] {
        assert!(!client.run(&ObjectExists::new(BUCKET, key)).unwrap());
    }

    let mut quiet = BatchDeleteObjects::new(BUCKET, &keys[2..]);
    quiet.quiet = true;
    let (head, body) = client.raw(quiet.request().unwrap(), &delete_body(&quiet));
    assert_eq!((head.status, body.len()), (200, 0));
    assert!(quiet.parse(&head, &body).unwrap().deleted.is_empty());
    for key in &keys[2..] {
        assert!(!client.run(&ObjectExists::new(BUCKET, key)).unwrap());
    }

    // Without encoding-type=url the keys come back as they are.
    client.put("plain & simple", b"v");
    let request = BatchDeleteObjects::new(BUCKET, ["plain & simple"])
        .request()
        .unwrap();
    let body = match request.body() {
        Body::Bytes(bytes) => bytes.clone(),
        other => panic!("{other:?}"),
    };
    let mut without_encoding = Request::bucket(Method::Post, BUCKET)
        .unwrap()
        .with_query("delete", None)
        .with_body(Body::Bytes(body.clone()));
    without_encoding = without_encoding
        .with_header("Content-MD5", &oss_core::ops::content_md5(&body))
        .unwrap();
    let (head, xml) = client.raw(without_encoding, &body);
    assert_eq!(head.status, 200);
    let root = oss_core::xml::parse(&xml).unwrap();
    assert_eq!(root.child_text("EncodingType"), None);
    assert_eq!(
        root.child("Deleted").and_then(|d| d.child_text("Key")),
        Some("plain & simple")
    );
}

fn delete_body(op: &BatchDeleteObjects) -> Vec<u8> {
    match op.request().unwrap().body() {
        Body::Bytes(bytes) => bytes.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn batch_delete_requires_a_matching_content_md5_and_a_document() {
    let client = Client::with_bucket();
    client.put("keep", b"v");
    let xml = b"<Delete><Quiet>false</Quiet><Object><Key>keep</Key></Object></Delete>";
    let request = || {
        Request::bucket(Method::Post, BUCKET)
            .unwrap()
            .with_query("delete", None)
    };
    let parse = |(head, body): (ResponseHead, Vec<u8>)| {
        BatchDeleteObjects::new(BUCKET, ["keep"]).parse(&head, &body)
    };

    let error = server_error(parse(client.raw(request(), xml)));
    assert_eq!(
        (error.status, error.raw_code.as_str()),
        (400, "MissingArgument")
    );
    assert_eq!(error.detail("ArgumentName"), Some("Content-MD5"));
    let wrong = request()
        .with_header("Content-MD5", &oss_core::ops::content_md5(b"other"))
        .unwrap();
    assert_eq!(
        server_error(parse(client.raw(wrong, xml))).code,
        ErrorCode::InvalidDigest
    );
    assert!(client.run(&ObjectExists::new(BUCKET, "keep")).unwrap());

    for bad in [
        &b"<Delete><Quiet>false</Quiet></Delete>"[..],
        b"<Delete><Object><Key>keep</Key></Object>",
        b"not xml",
    ] {
        let signed = request()
            .with_header("Content-MD5", &oss_core::ops::content_md5(bad))
            .unwrap();
        assert_eq!(
            server_error(parse(client.raw(signed, bad))).code,
            ErrorCode::MalformedXml
        );
    }
    // 1001 objects are too many.
    let mut many = String::from("<Delete>");
    for i in 0..1001 {
        many.push_str(&format!("<Object><Key>k{i}</Key></Object>"));
    }
    many.push_str("</Delete>");
    let signed = request()
        .with_header("Content-MD5", &oss_core::ops::content_md5(many.as_bytes()))
        .unwrap();
    assert_eq!(
        server_error(parse(client.raw(signed, many.as_bytes()))).code,
        ErrorCode::MalformedXml
    );
    assert!(client.run(&ObjectExists::new(BUCKET, "keep")).unwrap());

    // Anonymous callers need a public-read-write bucket.
    assert_eq!(
        server_error(client.anonymous(&BatchDeleteObjects::new(BUCKET, ["keep"]))).code,
        ErrorCode::AccessDenied
    );
}
