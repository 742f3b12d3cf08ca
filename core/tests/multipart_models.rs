//! Multipart, batch delete, copy and symlink models: XML bodies byte for byte, input checks
//! before I/O, listings page by page through the pager, and `encoding-type=url` decoding.

#![cfg(feature = "std")]

use oss_core::crc64;
use oss_core::error::{Error, InconsistentError};
use oss_core::ops::copy::{CopyObject, UpdateObjectMeta};
use oss_core::ops::delete_objects::{
    BatchDeleteObjects, DeleteObjectVersions, MAX_DELETE_OBJECTS, ObjectVersion,
};
use oss_core::ops::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, InitMultipartUpload, ListMultipartUploads,
    ListParts, ListedPart, PartInfo, UploadPart, UploadPartCopy,
};
use oss_core::ops::symlink::{GetSymlink, PutSymlink};
use oss_core::ops::{Operation, Pager, content_md5};
use oss_core::request::{Body, Method, Request};
use oss_core::{ClientError, Headers, ResponseHead};

fn ok() -> ResponseHead {
    ResponseHead::new(200).with_header("x-oss-request-id", "RID")
}

fn query<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .query()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.unwrap_or(""))
}

fn body_text(request: &Request) -> &str {
    match request.body() {
        Body::Bytes(bytes) => std::str::from_utf8(bytes).unwrap(),
        other => panic!("expected an XML body, have {other:?}"),
    }
}

fn is_client_error<T: std::fmt::Debug>(result: Result<T, ClientError>) -> bool {
    result.is_err()
}

// ---------------------------------------------------------------------------------------------
// CompleteMultipartUpload

#[test]
fn complete_body_sorts_parts_and_quotes_etags() {
    let parts = vec![
        PartInfo::new(3, "C3"),
        PartInfo::new(1, "A&<1>"),
        PartInfo::new(2, "B2"),
    ];
    let complete = CompleteMultipartUpload::new("bucket", "dir/obj", "UP1", parts.clone());
    let request = complete.request().unwrap();
    assert_eq!(request.method(), Method::Post);
    assert_eq!(query(&request, "uploadId"), Some("UP1"));
    let body = body_text(&request);
    assert_eq!(
        body,
        "<CompleteMultipartUpload>\
         <Part><PartNumber>1</PartNumber><ETag>\"A&amp;&lt;1&gt;\"</ETag></Part>\
         <Part><PartNumber>2</PartNumber><ETag>\"B2\"</ETag></Part>\
         <Part><PartNumber>3</PartNumber><ETag>\"C3\"</ETag></Part>\
         </CompleteMultipartUpload>"
    );
    // The caller's list is left in its order.
    assert_eq!(complete.parts.as_ref().unwrap(), &parts);
    // And the body reads back as the sorted parts.
    let root = oss_core::xml::parse(body.as_bytes()).unwrap();
    let back: Vec<(u32, String)> = root
        .children_named("Part")
        .map(|p| {
            (
                p.child_text("PartNumber").unwrap().parse().unwrap(),
                p.child_text("ETag").unwrap().trim_matches('"').to_string(),
            )
        })
        .collect();
    assert_eq!(
        back,
        [(1, "A&<1>".into()), (2, "B2".into()), (3, "C3".into())]
    );
}

#[test]
fn complete_all_sends_no_body_and_mismatched_forms_are_refused() {
    let all = CompleteMultipartUpload::all("bucket", "k", "UP1");
    let request = all.request().unwrap();
    assert_eq!(request.headers().get("x-oss-complete-all"), Some("yes"));
    assert_eq!(request.body(), &Body::Empty);

    // No part list without x-oss-complete-all, none with it, and never an empty one.
    let mut no_parts = CompleteMultipartUpload::all("bucket", "k", "UP1");
    no_parts.headers = Headers::new();
    assert!(is_client_error(no_parts.request()));
    let mut both = CompleteMultipartUpload::all("bucket", "k", "UP1");
    both.parts = Some(vec![PartInfo::new(1, "E")]);
    assert!(is_client_error(both.request()));
    assert!(is_client_error(
        CompleteMultipartUpload::new("bucket", "k", "UP1", vec![]).request()
    ));
}

#[test]
fn part_numbers_and_upload_ids_are_checked_before_io() {
    for bad in [0, 10_001, u32::MAX] {
        let upload = UploadPart::new("bucket", "k", "UP1", bad, Some(1));
        assert!(
            matches!(upload.request(), Err(ClientError::InvalidFormat { .. })),
            "{bad}"
        );
        let copy = UploadPartCopy::new("src", "s", None, "bucket", "k", "UP1", bad);
        assert!(is_client_error(copy.request()), "{bad}");
        let complete = CompleteMultipartUpload::new(
            "bucket",
            "k",
            "UP1",
            vec![PartInfo::new(1, "A"), PartInfo::new(bad, "B")],
        );
        assert!(is_client_error(complete.request()), "{bad}");
    }
    for good in [1, 10_000] {
        let request = UploadPart::new("bucket", "k", "UP1", good, Some(5))
            .request()
            .unwrap();
        assert_eq!(query(&request, "partNumber"), Some(&*good.to_string()));
        assert_eq!(request.body(), &Body::Stream { length: Some(5) });
    }
    // An empty upload ID would turn each of these into a request on the object itself.
    assert!(is_client_error(
        UploadPart::new("bucket", "k", "", 1, None).request()
    ));
    assert!(is_client_error(
        UploadPartCopy::new("src", "s", None, "bucket", "k", "", 1).request()
    ));
    assert!(is_client_error(
        CompleteMultipartUpload::new("bucket", "k", "", vec![PartInfo::new(1, "E")]).request()
    ));
    assert!(is_client_error(
        CompleteMultipartUpload::all("bucket", "k", "").request()
    ));
    assert!(is_client_error(
        AbortMultipartUpload::new("bucket", "k", "").request()
    ));
    assert!(is_client_error(ListParts::new("bucket", "k", "").request()));
    // Keys and buckets go through the usual checks.
    assert!(is_client_error(
        UploadPart::new("bucket", "", "UP1", 1, None).request()
    ));
    assert!(is_client_error(
        InitMultipartUpload::new("Bad_Bucket", "k").request()
    ));
    // Page sizes.
    let mut list = ListParts::new("bucket", "k", "UP1");
    list.max_parts = 0;
    assert!(is_client_error(list.request()));
    let mut uploads = ListMultipartUploads::new("bucket");
    uploads.max_uploads = 1001;
    assert!(is_client_error(uploads.request()));
}

#[test]
fn complete_checks_the_whole_object_crc_from_the_parts() {
    let (a, b) = (b"first part ".as_slice(), b"second".as_slice());
    let whole = crc64::checksum(&[a, b].concat());
    let part = |number, data: &[u8]| PartInfo {
        size: Some(data.len() as u64),
        part_crc: Some(crc64::checksum(data)),
        ..PartInfo::new(number, "E")
    };
    // Given out of order: the CRC is combined in part-number order.
    let complete = CompleteMultipartUpload::new("bucket", "k", "UP1", vec![part(2, b), part(1, a)]);
    assert_eq!(complete.expected_crc(), Some(whole));

    let answer = |crc: u64| {
        ok().with_header("ETag", "\"X-2\"")
            .with_header("x-oss-hash-crc64ecma", &crc.to_string())
    };
    let result = complete.parse(&answer(whole), b"").unwrap();
    assert_eq!(
        (result.etag.as_deref(), result.crc),
        (Some("X-2"), Some(whole))
    );
    assert_eq!(
        complete.parse(&answer(whole ^ 1), b""),
        Err(Error::Inconsistent(InconsistentError {
            client_crc: whole,
            server_crc: whole ^ 1
        }))
    );
    // No server CRC: nothing to compare. A part without size or CRC: nothing to compare with.
    assert!(complete.parse(&ok(), b"").is_ok());
    let mut unknown = complete.clone();
    unknown.parts.as_mut().unwrap()[0].part_crc = None;
    assert_eq!(unknown.expected_crc(), None);
    assert!(unknown.parse(&answer(whole ^ 1), b"").is_ok());
    // Listed parts carry what the check needs.
    let listed = ListedPart {
        part_number: 1,
        etag: "E".into(),
        size: 11,
        last_modified: 0,
        crc: Some(7),
    };
    assert_eq!(
        PartInfo::from(&listed),
        PartInfo {
            part_number: 1,
            etag: "E".into(),
            size: Some(11),
            part_crc: Some(7)
        }
    );
}

#[test]
fn init_reads_the_upload_id_and_refuses_answers_without_one() {
    let init = InitMultipartUpload::new("bucket", "k");
    let request = init.request().unwrap();
    assert_eq!(query(&request, "uploads"), Some(""));
    let body = b"<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key>\
                 <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId></InitiateMultipartUploadResult>";
    let result = init.parse(&ok(), body).unwrap();
    assert_eq!(result.upload_id, "0004B9894A22E5B1888A1E29F8236E2D");
    assert_eq!(result.result.request_id, "RID");
    for bad in [
        &b"<InitiateMultipartUploadResult/>"[..],
        b"<InitiateMultipartUploadResult><UploadId/></InitiateMultipartUploadResult>",
        b"<InitiateMultipartUploadResult><UploadId>",
        b"",
    ] {
        assert!(matches!(init.parse(&ok(), bad), Err(Error::Decode(_))));
    }
}

#[test]
fn upload_part_copy_sends_source_and_range() {
    let mut copy = UploadPartCopy::new(
        "src-bucket",
        "dir/a b+c.txt",
        Some((Some(0), Some(1023))),
        "bucket",
        "k",
        "UP1",
        2,
    );
    copy.source_version_id = Some("CAEQ+/=".into());
    let request = copy.request().unwrap();
    assert_eq!(
        request.headers().get("x-oss-copy-source"),
        Some("/src-bucket/dir%2Fa%20b%2Bc.txt?versionId=CAEQ+/=")
    );
    assert_eq!(
        request.headers().get("x-oss-copy-source-range"),
        Some("bytes=0-1023")
    );
    assert_eq!(query(&request, "versionId"), None);
    copy.byte_range = Some((Some(5), Some(4)));
    assert!(is_client_error(copy.request()));
    copy.byte_range = None;
    let request = copy.request().unwrap();
    assert_eq!(request.headers().get("x-oss-copy-source-range"), None);
}

// ---------------------------------------------------------------------------------------------
// Listings through the pager

const PARTS_PAGE_1: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult>\
    <Bucket>bucket</Bucket><Key>k</Key><UploadId>UP1</UploadId>\
    <NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>2</MaxParts>\
    <IsTruncated>true</IsTruncated>\
    <Part><PartNumber>1</PartNumber><LastModified>2012-02-23T07:01:34.000Z</LastModified>\
    <ETag>\"3349DC700140D7F86A0784842780****\"</ETag><HashCrc64ecma>108</HashCrc64ecma>\
    <Size>6291456</Size></Part>\
    <Part><PartNumber>2</PartNumber><LastModified>2012-02-23T07:01:12.123Z</LastModified>\
    <ETag>\"3349DC700140D7F86A0784842780****\"</ETag><Size>6291456</Size></Part>\
    </ListPartsResult>";

const PARTS_PAGE_2: &str = "<ListPartsResult><NextPartNumberMarker>3</NextPartNumberMarker>\
    <IsTruncated>false</IsTruncated>\
    <Part><PartNumber>3</PartNumber><LastModified>2012-02-23T07:02:03Z</LastModified>\
    <ETag>\"7265F4D211B56873A381D321F586****\"</ETag><Size>1024</Size></Part>\
    </ListPartsResult>";

#[test]
fn list_parts_pages_until_the_last() {
    let mut first = ListParts::new("bucket", "k", "UP1");
    first.max_parts = 2;
    let mut pager = Pager::new(first);

    let request = pager.next_operation().unwrap().request().unwrap();
    assert_eq!(query(&request, "uploadId"), Some("UP1"));
    assert_eq!(query(&request, "part-number-marker"), Some(""));
    assert_eq!(query(&request, "max-parts"), Some("2"));
    let page = pager
        .handle_response(&ok(), PARTS_PAGE_1.as_bytes())
        .unwrap();
    assert!(page.is_truncated);
    assert_eq!(page.next_marker, "2");
    assert_eq!(
        page.parts[0],
        ListedPart {
            part_number: 1,
            etag: "3349DC700140D7F86A0784842780****".into(),
            size: 6291456,
            last_modified: 1329980494,
            crc: Some(108),
        }
    );
    // Milliseconds other than .000 are read (oss2 refuses them).
    assert_eq!(page.parts[1].last_modified, 1329980472);
    assert_eq!(page.parts[1].crc, None);

    let request = pager.next_operation().unwrap().request().unwrap();
    assert_eq!(query(&request, "part-number-marker"), Some("2"));
    assert_eq!(query(&request, "max-parts"), Some("2"));
    // A failed answer leaves the pager where it was.
    let denied = ResponseHead::new(403);
    assert!(matches!(
        pager.handle_response(&denied, b""),
        Err(Error::Server(_))
    ));
    assert!(!pager.is_done());
    let page = pager
        .handle_response(&ok(), PARTS_PAGE_2.as_bytes())
        .unwrap();
    assert!(!page.is_truncated);
    assert_eq!(page.parts.len(), 1);
    assert!(pager.is_done());
    assert!(pager.next_operation().is_none());
}

#[test]
fn list_parts_refuses_hostile_pages() {
    let list = ListParts::new("bucket", "k", "UP1");
    let page = |inner: &str| format!("<ListPartsResult>{inner}</ListPartsResult>");
    let part = "<Part><PartNumber>1</PartNumber><LastModified>2012-02-23T07:01:34.000Z\
                </LastModified><ETag>E</ETag><Size>1</Size></Part>";
    let marker = "<NextPartNumberMarker>1</NextPartNumberMarker>";
    for bad in [
        page(&format!("<IsTruncated>True</IsTruncated>{marker}")),
        page(&format!("<IsTruncated>1</IsTruncated>{marker}")),
        page(marker),
        page("<IsTruncated>false</IsTruncated>"),
        page(&format!(
            "<IsTruncated>false</IsTruncated>{marker}{}",
            part.replace("<PartNumber>1", "<PartNumber>+1")
        )),
        page(&format!(
            "<IsTruncated>false</IsTruncated>{marker}{}",
            part.replace("<Size>1", "<Size>-1")
        )),
        page(&format!(
            "<IsTruncated>false</IsTruncated>{marker}{}",
            part.replace("<PartNumber>1", "<PartNumber>99999999999")
        )),
        page(&format!(
            "<IsTruncated>false</IsTruncated>{marker}{}",
            part.replace("2012-02-23T07:01:34.000Z", "yesterday")
        )),
        page(&format!(
            "<IsTruncated>false</IsTruncated>{marker}{}",
            part.replace("<ETag>E</ETag>", "")
        )),
        // Truncated, but the next marker is the one asked with: a pager would loop for ever.
        page("<IsTruncated>true</IsTruncated><NextPartNumberMarker></NextPartNumberMarker>"),
        "<ListPartsResult>".to_string(),
        "not xml".to_string(),
    ] {
        assert!(
            matches!(list.parse(&ok(), bad.as_bytes()), Err(Error::Decode(_))),
            "{bad}"
        );
    }
    let fine = page(&format!("<IsTruncated>false</IsTruncated>{marker}{part}"));
    assert_eq!(list.parse(&ok(), fine.as_bytes()).unwrap().parts.len(), 1);
}

const UPLOADS_PAGE_1: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
    <ListMultipartUploadsResult>\
    <EncodingType>url</EncodingType><Bucket>bucket</Bucket>\
    <KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>\
    <NextKeyMarker>dir%2Fa%2Bb%20c+d.zip</NextKeyMarker>\
    <NextUploadIdMarker>UPLOAD%2B2</NextUploadIdMarker>\
    <Delimiter>%2F</Delimiter><Prefix></Prefix><MaxUploads>2</MaxUploads>\
    <IsTruncated>true</IsTruncated>\
    <Upload><Key>dir%2F%E6%96%87%E4%BB%B6.zip</Key><UploadId>UPLOAD%2B1</UploadId>\
    <StorageClass>Standard</StorageClass><Initiated>2012-02-23T04:18:23.000Z</Initiated></Upload>\
    <Upload><Key>dir%2Fa%2Bb%20c+d.zip</Key><UploadId>UPLOAD%2B2</UploadId>\
    <Initiated>2012-02-23T06:14:27.000Z</Initiated></Upload>\
    <CommonPrefixes><Prefix>tmp%2F</Prefix></CommonPrefixes>\
    </ListMultipartUploadsResult>";

const UPLOADS_PAGE_2: &str = "<ListMultipartUploadsResult>\
    <NextKeyMarker>z</NextKeyMarker><NextUploadIdMarker>UP3</NextUploadIdMarker>\
    <IsTruncated>false</IsTruncated>\
    <Upload><Key>z%20z</Key><UploadId>UP3</UploadId>\
    <Initiated>2012-02-23T06:14:27.000Z</Initiated></Upload>\
    </ListMultipartUploadsResult>";

#[test]
fn list_multipart_uploads_pages_with_both_markers() {
    let mut first = ListMultipartUploads::new("bucket");
    first.prefix = "dir/".into();
    first.delimiter = "/".into();
    first.max_uploads = 2;
    let mut pager = Pager::new(first);

    let request = pager.next_operation().unwrap().request().unwrap();
    assert_eq!(request.key(), None);
    for (name, value) in [
        ("uploads", ""),
        ("prefix", "dir/"),
        ("delimiter", "/"),
        ("key-marker", ""),
        ("upload-id-marker", ""),
        ("max-uploads", "2"),
        ("encoding-type", "url"),
    ] {
        assert_eq!(query(&request, name), Some(value), "{name}");
    }
    let page = pager
        .handle_response(&ok(), UPLOADS_PAGE_1.as_bytes())
        .unwrap();
    assert!(page.is_truncated);
    // Keys, prefixes and the key marker are decoded (`+` stays `+`); upload IDs never are.
    assert_eq!(page.next_key_marker, "dir/a+b c+d.zip");
    assert_eq!(page.next_upload_id_marker, "UPLOAD%2B2");
    let keys: Vec<(&str, &str, i64)> = page
        .uploads
        .iter()
        .map(|u| (u.key.as_str(), u.upload_id.as_str(), u.initiation_date))
        .collect();
    assert_eq!(
        keys,
        [
            ("dir/文件.zip", "UPLOAD%2B1", 1329970703),
            ("dir/a+b c+d.zip", "UPLOAD%2B2", 1329977667)
        ]
    );
    assert_eq!(page.uploads[0].storage_class.as_deref(), Some("Standard"));
    assert_eq!(page.uploads[1].storage_class, None);
    assert_eq!(page.prefixes, ["tmp/"]);

    let request = pager.next_operation().unwrap().request().unwrap();
    assert_eq!(query(&request, "key-marker"), Some("dir/a+b c+d.zip"));
    assert_eq!(query(&request, "upload-id-marker"), Some("UPLOAD%2B2"));
    assert_eq!(query(&request, "prefix"), Some("dir/"));
    assert_eq!(query(&request, "max-uploads"), Some("2"));
    let page = pager
        .handle_response(&ok(), UPLOADS_PAGE_2.as_bytes())
        .unwrap();
    // No <EncodingType>url</EncodingType>: nothing is decoded.
    assert_eq!(page.uploads[0].key, "z%20z");
    assert!(pager.is_done());
}

#[test]
fn list_multipart_uploads_refuses_hostile_pages() {
    let list = ListMultipartUploads::new("bucket");
    let markers = "<NextKeyMarker>a</NextKeyMarker><NextUploadIdMarker>u</NextUploadIdMarker>";
    for bad in [
        // oss2 requires both markers, truncated or not.
        "<R><IsTruncated>false</IsTruncated><NextKeyMarker/></R>".to_string(),
        "<R><IsTruncated>false</IsTruncated><NextUploadIdMarker/></R>".to_string(),
        format!("<R><IsTruncated>yes</IsTruncated>{markers}</R>"),
        format!("<R>{markers}</R>"),
        format!(
            "<R><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>{markers}\
             <Upload><Key>%FF</Key><UploadId>u</UploadId>\
             <Initiated>2012-02-23T06:14:27.000Z</Initiated></Upload></R>"
        ),
        format!(
            "<R><IsTruncated>false</IsTruncated>{markers}<Upload><Key>k</Key>\
             <Initiated>2012-02-23T06:14:27.000Z</Initiated></Upload></R>"
        ),
        format!("<R><IsTruncated>false</IsTruncated>{markers}<CommonPrefixes/></R>"),
        "<R><IsTruncated>true</IsTruncated><NextKeyMarker></NextKeyMarker>\
         <NextUploadIdMarker></NextUploadIdMarker></R>"
            .to_string(),
    ] {
        assert!(
            matches!(list.parse(&ok(), bad.as_bytes()), Err(Error::Decode(_))),
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Batch delete

#[test]
fn delete_body_escapes_keys_like_element_tree() {
    let keys = [
        "a&b",
        "<tag>",
        "quote\"s'",
        "中文/😀 +%20.txt",
        "line\nfeed\ttab",
    ];
    let delete = BatchDeleteObjects::new("bucket", keys);
    let request = delete.request().unwrap();
    assert_eq!(request.method(), Method::Post);
    assert_eq!(request.key(), None);
    assert_eq!(query(&request, "delete"), Some(""));
    assert_eq!(query(&request, "encoding-type"), Some("url"));
    let body = body_text(&request);
    assert_eq!(
        body,
        "<Delete><Quiet>false</Quiet>\
         <Object><Key>a&amp;b</Key></Object>\
         <Object><Key>&lt;tag&gt;</Key></Object>\
         <Object><Key>quote\"s'</Key></Object>\
         <Object><Key>中文/😀 +%20.txt</Key></Object>\
         <Object><Key>line\nfeed\ttab</Key></Object>\
         </Delete>"
    );
    assert_eq!(
        request.headers().get("Content-MD5"),
        Some(content_md5(body.as_bytes()).as_str())
    );
    // Round trip: the keys read back unchanged (not URL-encoded, whatever encoding-type says).
    let root = oss_core::xml::parse(body.as_bytes()).unwrap();
    let back: Vec<&str> = root
        .children_named("Object")
        .map(|o| o.child_text("Key").unwrap())
        .collect();
    assert_eq!(back, keys);
}

#[test]
fn delete_body_quiet_versions_and_carriage_returns() {
    let mut delete = DeleteObjectVersions::new(
        "bucket",
        vec![
            ObjectVersion::new("v.txt", Some("CAEQ+/==")),
            ObjectVersion::new("current", None),
            ObjectVersion::new("also current", Some("")),
            ObjectVersion::new("cr\rkey", None),
        ],
    );
    delete.quiet = true;
    let request = delete.request().unwrap();
    let body = body_text(&request);
    assert_eq!(
        body,
        "<Delete><Quiet>true</Quiet>\
         <Object><Key>v.txt</Key><VersionId>CAEQ+/==</VersionId></Object>\
         <Object><Key>current</Key></Object>\
         <Object><Key>also current</Key></Object>\
         <Object><Key>cr&#13;key</Key></Object>\
         </Delete>"
    );
    // A raw carriage return would reach the server as a line feed; the reference does not.
    let root = oss_core::xml::parse(body.as_bytes()).unwrap();
    assert_eq!(
        root.children_named("Object")
            .nth(3)
            .unwrap()
            .child_text("Key"),
        Some("cr\rkey")
    );
}

#[test]
fn delete_lists_are_checked_before_io() {
    let none: [&str; 0] = [];
    assert!(is_client_error(
        BatchDeleteObjects::new("bucket", none).request()
    ));
    let too_many: Vec<String> = (0..=MAX_DELETE_OBJECTS).map(|i| format!("k{i}")).collect();
    assert!(is_client_error(
        BatchDeleteObjects::new("bucket", &too_many).request()
    ));
    assert!(
        BatchDeleteObjects::new("bucket", &too_many[..MAX_DELETE_OBJECTS])
            .request()
            .is_ok()
    );
    for bad in ["", "nul\0", "bell\u{7}", "\u{ffff}", &"k".repeat(1024)] {
        assert!(
            is_client_error(BatchDeleteObjects::new("bucket", ["ok", bad]).request()),
            "{bad:?}"
        );
    }
    assert!(is_client_error(
        BatchDeleteObjects::new("Bad_Bucket", ["k"]).request()
    ));
    assert!(is_client_error(
        DeleteObjectVersions::new("bucket", vec![]).request()
    ));
    assert!(is_client_error(
        DeleteObjectVersions::new("bucket", vec![ObjectVersion::new("k", Some("v\u{1}"))])
            .request()
    ));
}

#[test]
fn deleted_keys_are_decoded_only_when_the_answer_says_url() {
    let delete = BatchDeleteObjects::new("bucket", ["x"]);
    let encoded = b"<DeleteResult><EncodingType>url</EncodingType>\
        <Deleted><Key>a+b%2Bc%20d%25e%2F%E4%B8%AD</Key></Deleted>\
        <Deleted><Key>v</Key><VersionId>CAEQ%2B</VersionId><DeleteMarker>true</DeleteMarker>\
        <DeleteMarkerVersionId>DM1</DeleteMarkerVersionId></Deleted></DeleteResult>";
    let result = delete.parse(&ok(), encoded).unwrap();
    assert_eq!(
        result.deleted_keys().collect::<Vec<_>>(),
        ["a+b+c d%e/中", "v"]
    );
    let marker = &result.deleted[1];
    assert_eq!(marker.version_id.as_deref(), Some("CAEQ%2B"));
    assert!(marker.delete_marker);
    assert_eq!(marker.delete_marker_version_id.as_deref(), Some("DM1"));
    assert_eq!(result.deleted[0].version_id, None);
    assert!(!result.deleted[0].delete_marker);

    let plain = b"<DeleteResult><Deleted><Key>a%20b+c</Key></Deleted></DeleteResult>";
    let result = delete.parse(&ok(), plain).unwrap();
    assert_eq!(result.deleted_keys().collect::<Vec<_>>(), ["a%20b+c"]);
    let other = b"<DeleteResult><EncodingType>none</EncodingType>\
        <Deleted><Key>a%20b</Key></Deleted></DeleteResult>";
    assert_eq!(delete.parse(&ok(), other).unwrap().deleted[0].key, "a%20b");

    // Quiet mode may answer with no body at all.
    assert!(delete.parse(&ok(), b"").unwrap().deleted.is_empty());
    for bad in [
        &b"<DeleteResult><Deleted/></DeleteResult>"[..],
        b"<DeleteResult><EncodingType>url</EncodingType><Deleted><Key>%C3</Key></Deleted></DeleteResult>",
        b"<DeleteResult><Deleted><Key>k</Key><DeleteMarker>yes</DeleteMarker></Deleted></DeleteResult>",
        b"<DeleteResult>",
    ] {
        assert!(
            matches!(delete.parse(&ok(), bad), Err(Error::Decode(_))),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Symlinks and copies

#[test]
fn symlink_target_is_quoted_and_unquoted() {
    let mut put = PutSymlink::new("bucket", "a b/c+d?.txt", "link");
    put.headers.insert("x-oss-meta-type", "link").unwrap();
    let request = put.request().unwrap();
    assert_eq!(request.method(), Method::Put);
    assert_eq!(request.key(), Some("link"));
    assert_eq!(query(&request, "symlink"), Some(""));
    assert_eq!(
        request.headers().get("x-oss-symlink-target"),
        Some("a%20b%2Fc%2Bd%3F.txt")
    );
    assert_eq!(request.headers().get("x-oss-meta-type"), Some("link"));
    assert!(is_client_error(
        PutSymlink::new("bucket", "", "link").request()
    ));

    let get = GetSymlink::new("bucket", "link");
    assert_eq!(query(&get.request().unwrap(), "symlink"), Some(""));
    let head = ok().with_header("x-oss-symlink-target", "a+b%2Bc%20d%2F%E4%B8%AD");
    assert_eq!(get.parse(&head, b"").unwrap().target_key, "a+b+c d/中");
    assert!(matches!(get.parse(&ok(), b""), Err(Error::Decode(_))));
    let bad = ok().with_header("x-oss-symlink-target", "%FF");
    assert!(matches!(get.parse(&bad, b""), Err(Error::Decode(_))));
}

#[test]
fn copy_names_its_source_and_update_meta_replaces() {
    let mut copy = CopyObject::new("src-bucket", "dir/a b", "bucket", "dst");
    copy.headers
        .insert("x-oss-copy-source-if-match", "\"E\"")
        .unwrap();
    let request = copy.request().unwrap();
    assert_eq!(
        (request.method(), request.key()),
        (Method::Put, Some("dst"))
    );
    assert_eq!(
        request.headers().get("x-oss-copy-source"),
        Some("/src-bucket/dir%2Fa%20b")
    );
    assert_eq!(
        request.headers().get("x-oss-copy-source-if-match"),
        Some("\"E\"")
    );
    assert_eq!(request.query().count(), 0);
    copy.source_version_id = Some("V1".into());
    assert_eq!(
        copy.request().unwrap().headers().get("x-oss-copy-source"),
        Some("/src-bucket/dir%2Fa%20b?versionId=V1")
    );
    copy.source_bucket = "Bad".into();
    assert!(is_client_error(copy.request()));
    assert!(is_client_error(
        CopyObject::new("src-bucket", "", "bucket", "dst").request()
    ));

    let headers = Headers::new()
        .with("Content-Type", "text/plain")
        .unwrap()
        .with("x-oss-meta-a", "1")
        .unwrap();
    let update = UpdateObjectMeta::new("bucket", "dir/obj.txt", headers.clone());
    let request = update.request().unwrap();
    assert_eq!(
        request.headers().get("x-oss-metadata-directive"),
        Some("REPLACE")
    );
    assert_eq!(
        request.headers().get("x-oss-copy-source"),
        Some("/bucket/dir%2Fobj.txt")
    );
    assert_eq!(request.key(), Some("dir/obj.txt"));
    assert_eq!(request.headers().get("x-oss-meta-a"), Some("1"));
    // The caller's headers are not touched (oss2 writes the directive into them).
    assert_eq!(update.headers, headers);

    let answer = ok()
        .with_header("ETag", "\"ABC\"")
        .with_header("x-oss-hash-crc64ecma", "42");
    let result = update.parse(&answer, b"<CopyObjectResult/>").unwrap();
    assert_eq!(
        (result.etag.as_deref(), result.crc),
        (Some("ABC"), Some(42))
    );
    let bad = ok().with_header("x-oss-hash-crc64ecma", "forty-two");
    assert!(matches!(copy.parse(&bad, b""), Err(Error::Decode(_))));
}
