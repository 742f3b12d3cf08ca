//! The emulator driven by oss-core's own operations, signed and parsed as a real client does.

use oss_core::crc64;
use oss_core::ops::Operation;
use oss_core::ops::bucket::{
    BucketCors, CorsRule, CreateBucket, DeleteBucket, GetBucketAcl, GetBucketCors,
    GetBucketLocation, PutBucketAcl, PutBucketCors,
};
use oss_core::ops::object::{
    AppendObject, DeleteObject, GetObject, GetObjectAcl, GetObjectMeta, HeadObject, ObjectExists,
    PutObject, PutObjectAcl,
};
use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::ops::{Pager, Paginated};
use oss_core::request::{Body, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, ResponseHead};
use oss_emulator::{AccessKey, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "emulator-bucket";

struct Client {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl Client {
    fn new() -> Client {
        Client::with(Emulator::default(), DEFAULT_ACCESS_KEY_SECRET)
    }

    fn with(emulator: Emulator, secret: &str) -> Client {
        let credentials = Credentials::new(DEFAULT_ACCESS_KEY_ID, secret).unwrap();
        Client {
            emulator,
            signer: Signer::v1(credentials),
            endpoint: Endpoint::parse("http://127.0.0.1:9000").unwrap(),
        }
    }

    fn raw(&self, request: Request, body: &[u8], now: i64) -> (ResponseHead, Vec<u8>) {
        let signed = self.signer.sign(request, &self.endpoint, now).unwrap();
        self.emulator.send(&signed, body, now)
    }

    fn run<O: Operation>(&self, op: &O, body: &[u8]) -> Result<O::Output, Error> {
        let (head, bytes) = self.raw(op.request()?, body, NOW);
        assert!(
            head.header("x-oss-request-id")
                .is_some_and(|id| id.len() == 24),
            "{head:?}"
        );
        op.parse(&head, &bytes)
    }

    fn anonymous<O: Operation>(&self, op: &O, body: &[u8]) -> Result<O::Output, Error> {
        let signed = Signer::anonymous().sign(op.request()?, &self.endpoint, NOW)?;
        let (head, bytes) = self.emulator.send(&signed, body, NOW);
        op.parse(&head, &bytes)
    }

    fn with_bucket() -> Client {
        let client = Client::new();
        client.run(&CreateBucket::new(BUCKET), b"").unwrap();
        client
    }

    fn put(&self, key: &str, data: &[u8]) -> oss_core::ops::object::PutObjectResult {
        let mut put = PutObject::new(BUCKET, key, Some(data.len() as u64));
        put.headers.insert("Content-Type", "text/plain").unwrap();
        self.run(&put, data).unwrap()
    }
}

fn base64_to_hex(text: &str) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn server_code(result: Result<impl std::fmt::Debug, Error>) -> ErrorCode {
    match result {
        Err(Error::Server(e)) => e.code.clone(),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[test]
fn put_get_head_delete_with_etag_and_crc() {
    let client = Client::with_bucket();
    let data = b"hello, emulated world";
    let put = client.put("dir/a b+c.txt", data);
    // A simple upload's ETag is the upper-case hex MD5 of the data.
    let md5 = oss_core::ops::content_md5(data);
    let md5 = base64_to_hex(&md5);
    assert_eq!(put.etag.as_deref(), Some(md5.as_str()));
    assert_eq!(put.crc, Some(crc64::checksum(data)));
    assert_eq!(put.etag.as_deref().map(str::len), Some(32));

    let info = client
        .run(&GetObject::new(BUCKET, "dir/a b+c.txt"), b"")
        .unwrap();
    assert_eq!(info.content_length, Some(data.len() as u64));
    assert_eq!(info.server_crc, Some(crc64::checksum(data)));
    assert_eq!(info.etag, put.etag);
    assert_eq!(info.content_type.as_deref(), Some("text/plain"));
    assert_eq!(info.object_type.as_deref(), Some("Normal"));
    assert_eq!(info.last_modified, Some(NOW));

    let (_, body) = client.raw(
        GetObject::new(BUCKET, "dir/a b+c.txt").request().unwrap(),
        b"",
        NOW,
    );
    assert_eq!(body, data);

    let mut ranged = GetObject::new(BUCKET, "dir/a b+c.txt");
    ranged.byte_range = Some((Some(7), Some(14)));
    let (head, body) = client.raw(ranged.request().unwrap(), b"", NOW);
    assert_eq!(head.status, 206);
    assert_eq!(body, b"emulated");
    assert_eq!(head.header("content-range"), Some("bytes 7-14/21"));

    let head = client
        .run(&HeadObject::new(BUCKET, "dir/a b+c.txt"), b"")
        .unwrap();
    assert_eq!(head.content_length, Some(21));
    let meta = client
        .run(&GetObjectMeta::new(BUCKET, "dir/a b+c.txt"), b"")
        .unwrap();
    assert_eq!(meta.etag, put.etag);

    assert!(
        client
            .run(&ObjectExists::new(BUCKET, "dir/a b+c.txt"), b"")
            .unwrap()
    );
    client
        .run(&DeleteObject::new(BUCKET, "dir/a b+c.txt"), b"")
        .unwrap();
    assert!(
        !client
            .run(&ObjectExists::new(BUCKET, "dir/a b+c.txt"), b"")
            .unwrap()
    );
    assert_eq!(
        server_code(client.run(&HeadObject::new(BUCKET, "dir/a b+c.txt"), b"")),
        ErrorCode::NoSuchKey
    );
    assert_eq!(
        server_code(client.run(&GetObject::new(BUCKET, "nope"), b"")),
        ErrorCode::NoSuchKey
    );
    // A missing bucket stays an error for object_exists.
    assert_eq!(
        server_code(client.run(&ObjectExists::new("no-such-bucket", "k"), b"")),
        ErrorCode::NoSuchBucket
    );
}

#[test]
fn content_md5_and_length_are_checked_before_anything_is_kept() {
    let client = Client::with_bucket();
    let mut put = PutObject::new(BUCKET, "k", Some(3));
    put.headers
        .insert("Content-MD5", &oss_core::ops::content_md5(b"abc"))
        .unwrap();
    client.run(&put, b"abc").unwrap();
    let mut bad = PutObject::new(BUCKET, "k", Some(3));
    bad.headers
        .insert("Content-MD5", &oss_core::ops::content_md5(b"xyz"))
        .unwrap();
    assert_eq!(
        server_code(client.run(&bad, b"abc")),
        ErrorCode::InvalidDigest
    );
    // The first version is still there.
    let (_, body) = client.raw(GetObject::new(BUCKET, "k").request().unwrap(), b"", NOW);
    assert_eq!(body, b"abc");
}

#[test]
fn append_positions_and_crc() {
    let client = Client::with_bucket();
    let first = client
        .run(&AppendObject::new(BUCKET, "log", 0, None), b"12345")
        .unwrap();
    assert_eq!(first.next_position, 5);
    let second = client
        .run(&AppendObject::new(BUCKET, "log", 5, None), b"6789")
        .unwrap();
    assert_eq!(second.next_position, 9);
    assert_eq!(second.crc, Some(crc64::checksum(b"123456789")));
    match client.run(&AppendObject::new(BUCKET, "log", 3, None), b"x") {
        Err(Error::Server(e)) => {
            assert_eq!(e.code, ErrorCode::PositionNotEqualToLength);
            assert_eq!(e.next_position, Some(9));
        }
        other => panic!("{other:?}"),
    }
    client.put("normal", b"x");
    assert_eq!(
        server_code(client.run(&AppendObject::new(BUCKET, "normal", 1, None), b"y")),
        ErrorCode::ObjectNotAppendable
    );
}

#[test]
fn listing_pages_prefixes_and_url_encoding() {
    let client = Client::with_bucket();
    for key in [
        "a/1",
        "a/2",
        "b+c d",
        "dir/x/1",
        "dir/y/2",
        "dir/z",
        "中文/键",
    ] {
        client.put(key, key.as_bytes());
    }
    let mut list = ListObjects::new(BUCKET);
    list.max_keys = 2;
    let mut pager = Pager::new(list);
    let mut keys = Vec::new();
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap(), b"", NOW);
        keys.extend(
            pager
                .handle_response(&head, &body)
                .unwrap()
                .objects
                .into_iter()
                .map(|o| o.key),
        );
    }
    assert_eq!(
        keys,
        [
            "a/1",
            "a/2",
            "b+c d",
            "dir/x/1",
            "dir/y/2",
            "dir/z",
            "中文/键"
        ]
    );

    let mut list = ListObjects::new(BUCKET);
    list.prefix = "dir/".into();
    list.delimiter = "/".into();
    let page = client.run(&list, b"").unwrap();
    assert_eq!(page.prefixes, ["dir/x/", "dir/y/"]);
    assert_eq!(
        page.objects
            .iter()
            .map(|o| o.key.as_str())
            .collect::<Vec<_>>(),
        ["dir/z"]
    );

    // Common prefixes count against max-keys and can end a page.
    let mut list = ListObjects::new(BUCKET);
    list.delimiter = "/".into();
    list.max_keys = 2;
    let page = client.run(&list, b"").unwrap();
    assert_eq!(page.prefixes, ["a/"]);
    assert!(page.is_truncated);
    assert_eq!(
        page.objects
            .iter()
            .map(|o| o.key.as_str())
            .collect::<Vec<_>>(),
        ["b+c d"]
    );
    let next = list.next_page(&page).unwrap();
    let page = client.run(&next, b"").unwrap();
    assert_eq!(page.prefixes, ["dir/", "中文/"]);
    assert!(page.objects.is_empty() && !page.is_truncated);
}

#[test]
fn buckets_acl_location_and_not_empty() {
    let client = Client::with_bucket();
    let buckets = client.run(&ListBuckets::new(), b"").unwrap();
    assert_eq!(
        buckets
            .buckets
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>(),
        [BUCKET]
    );
    assert_eq!(buckets.buckets[0].location, "oss-cn-hangzhou");
    assert_eq!(
        client
            .run(&GetBucketLocation::new(BUCKET), b"")
            .unwrap()
            .location,
        "oss-cn-hangzhou"
    );
    assert_eq!(
        client.run(&GetBucketAcl::new(BUCKET), b"").unwrap().acl,
        "private"
    );
    client.put("k", b"v");
    assert_eq!(
        server_code(client.run(&DeleteBucket::new(BUCKET), b"")),
        ErrorCode::BucketNotEmpty
    );
    client.run(&DeleteObject::new(BUCKET, "k"), b"").unwrap();
    client.run(&DeleteBucket::new(BUCKET), b"").unwrap();
    assert_eq!(
        server_code(client.run(&GetBucketAcl::new(BUCKET), b"")),
        ErrorCode::NoSuchBucket
    );
    let _ = PutBucketAcl::new(BUCKET, "private");
}

#[test]
fn anonymous_access_follows_bucket_and_object_acls() {
    let client = Client::with_bucket();
    client.put("k", b"secret");
    assert_eq!(
        server_code(client.anonymous(&GetObject::new(BUCKET, "k"), b"")),
        ErrorCode::AccessDenied
    );
    client
        .run(&PutObjectAcl::new(BUCKET, "k", "public-read"), b"")
        .unwrap();
    assert_eq!(
        client
            .run(&GetObjectAcl::new(BUCKET, "k"), b"")
            .unwrap()
            .acl,
        "public-read"
    );
    assert!(client.anonymous(&GetObject::new(BUCKET, "k"), b"").is_ok());
    assert_eq!(
        server_code(client.anonymous(&PutObject::new(BUCKET, "k2", Some(1)), b"x")),
        ErrorCode::AccessDenied
    );
    client
        .run(&PutBucketAcl::new(BUCKET, "public-read-write"), b"")
        .unwrap();
    assert!(
        client
            .anonymous(&PutObject::new(BUCKET, "k2", Some(1)), b"x")
            .is_ok()
    );
    // Configuration stays the owner's.
    assert_eq!(
        server_code(client.anonymous(&GetBucketAcl::new(BUCKET), b"")),
        ErrorCode::AccessDenied
    );
}

#[test]
fn wrong_secret_gets_signature_does_not_match_with_the_string_to_sign() {
    let good = Client::with_bucket();
    let bad = Client::with(good.emulator, "not-the-secret");
    let request = PutObject::new(BUCKET, "k", Some(1)).request().unwrap();
    let signed = bad.signer.sign(request, &bad.endpoint, NOW).unwrap();
    let (head, body) = bad.emulator.send(&signed, b"x", NOW);
    let error = match PutObject::new(BUCKET, "k", Some(1)).parse(&head, &body) {
        Err(Error::Server(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(error.code, ErrorCode::SignatureDoesNotMatch);
    // What the server signed is exactly what the client signed: only the key differs.
    assert_eq!(
        error.detail("StringToSign"),
        signed.string_to_sign.as_deref()
    );
}

#[test]
fn clock_skew_and_unknown_keys_are_refused() {
    let client = Client::with_bucket();
    let request = GetBucketAcl::new(BUCKET).request().unwrap();
    let signed = client
        .signer
        .sign(request, &client.endpoint, NOW - 16 * 60)
        .unwrap();
    let (head, body) = client.emulator.send(&signed, b"", NOW);
    match GetBucketAcl::new(BUCKET).parse(&head, &body) {
        Err(Error::Server(e)) => {
            assert_eq!(e.raw_code, "RequestTimeTooSkewed");
            assert_eq!(e.server_time(), Some(NOW));
            assert!(e.is_retryable());
        }
        other => panic!("{other:?}"),
    }
    let stranger = Signer::v1(Credentials::new("LTAIstranger", "whatever").unwrap());
    let signed = stranger
        .sign(
            GetBucketAcl::new(BUCKET).request().unwrap(),
            &client.endpoint,
            NOW,
        )
        .unwrap();
    let (head, body) = client.emulator.send(&signed, b"", NOW);
    assert_eq!(
        server_code(GetBucketAcl::new(BUCKET).parse(&head, &body)),
        ErrorCode::Other("InvalidAccessKeyId".into())
    );
}

#[test]
fn sts_tokens_must_match() {
    let emulator =
        Emulator::default().with_keys(vec![AccessKey::sts("STS.id", "sts-secret", "token-1")]);
    let endpoint = Endpoint::parse("http://localhost:9000").unwrap();
    let run = |token: &str| {
        let signer = Signer::v1(Credentials::sts("STS.id", "sts-secret", token).unwrap());
        let signed = signer
            .sign(CreateBucket::new(BUCKET).request().unwrap(), &endpoint, NOW)
            .unwrap();
        let (head, body) = emulator.send(&signed, b"", NOW);
        CreateBucket::new(BUCKET).parse(&head, &body)
    };
    assert!(run("token-1").is_ok());
    assert_eq!(
        server_code(run("token-2")),
        ErrorCode::Other("InvalidSecurityToken".into())
    );
}

#[test]
fn presigned_urls_work_until_they_expire() {
    let client = Client::with_bucket();
    client.put("shared.txt", b"for everyone");
    let request = Request::object(oss_core::Method::Get, BUCKET, "shared.txt").unwrap();
    let url = client
        .signer
        .presign(request, &client.endpoint, NOW, 60, false)
        .unwrap()
        .url;
    let (host, target) = oss_emulator::split_url(&url);
    let plain = oss_emulator::http::Request::new("GET", target).with_header("Host", host);
    let (head, body) = client.emulator.send_request(&plain, b"", NOW + 30);
    assert_eq!((head.status, body.as_slice()), (200, &b"for everyone"[..]));
    let (head, body) = client.emulator.send_request(&plain, b"", NOW + 61);
    assert_eq!(head.status, 403);
    assert!(String::from_utf8_lossy(&body).contains("Request has expired"));
}

#[test]
fn configurations_are_kept_and_removed() {
    let client = Client::with_bucket();
    assert_eq!(
        server_code(client.run(&GetBucketCors::new(BUCKET), b"")),
        ErrorCode::NoSuchCorsConfiguration
    );
    let rule = CorsRule {
        allowed_origins: vec!["https://example.com".into()],
        allowed_methods: vec!["GET".into(), "PUT".into()],
        max_age_seconds: Some(600),
        ..CorsRule::default()
    };
    let cors = BucketCors::new(vec![rule]);
    let put = PutBucketCors::new(BUCKET, cors.clone());
    let body = match put.request().unwrap().body() {
        Body::Bytes(bytes) => bytes.clone(),
        other => panic!("{other:?}"),
    };
    client.run(&put, &body).unwrap();
    assert_eq!(
        client.run(&GetBucketCors::new(BUCKET), b"").unwrap().cors,
        cors
    );
    let (head, _) = client.raw(
        Request::bucket(oss_core::Method::Put, BUCKET)
            .unwrap()
            .with_query("cors", None),
        b"<CORSConfiguration><CORSRule></CORSConfiguration>",
        NOW,
    );
    assert_eq!(head.status, 400);
}

#[test]
fn list_buckets_pages_with_small_pages() {
    let client = Client::new();
    for name in ["bucket-a", "bucket-b", "bucket-c"] {
        client.run(&CreateBucket::new(name), b"").unwrap();
    }
    let mut first = ListBuckets::new();
    first.max_keys = 2;
    let mut pager = Pager::new(first);
    let mut names = Vec::new();
    let mut pages = 0;
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap(), b"", NOW);
        names.extend(
            pager
                .handle_response(&head, &body)
                .unwrap()
                .buckets
                .into_iter()
                .map(|b| b.name),
        );
        pages += 1;
    }
    assert_eq!(names, ["bucket-a", "bucket-b", "bucket-c"]);
    assert_eq!(pages, 2);
}

#[test]
fn x_oss_date_in_iso_8601_is_accepted_and_checked_for_skew() {
    let client = Client::with_bucket();
    let signed_at = |date: &str, now: i64| {
        let request = GetBucketAcl::new(BUCKET)
            .request()
            .unwrap()
            .with_header("x-oss-date", date)
            .unwrap();
        let signed = client.signer.sign(request, &client.endpoint, now).unwrap();
        let (head, body) = client.emulator.send(&signed, b"", NOW);
        GetBucketAcl::new(BUCKET).parse(&head, &body)
    };
    // x-oss-date takes the Date slot; OSS reads it in RFC 1123 or ISO 8601.
    assert!(signed_at("2023-11-14T22:13:20Z", NOW).is_ok());
    assert!(signed_at("20231114T221320Z", NOW).is_ok());
    match signed_at("2023-11-14T21:00:00Z", NOW) {
        Err(Error::Server(e)) => assert_eq!(e.raw_code, "RequestTimeTooSkewed"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_configurations_have_their_own_errors() {
    use oss_core::ops::bucket::{
        GetBucketLifecycle, GetBucketLogging, GetBucketReferer, GetBucketWebsite,
    };
    let client = Client::with_bucket();
    assert_eq!(
        server_code(client.run(&GetBucketLifecycle::new(BUCKET), b"")),
        ErrorCode::NoSuchLifecycle
    );
    assert_eq!(
        server_code(client.run(&GetBucketWebsite::new(BUCKET), b"")),
        ErrorCode::NoSuchWebsiteConfiguration
    );
    // Logging is off and referers are open until configured.
    assert_eq!(
        client
            .run(&GetBucketLogging::new(BUCKET), b"")
            .unwrap()
            .logging
            .target_bucket,
        ""
    );
    assert!(
        client
            .run(&GetBucketReferer::new(BUCKET), b"")
            .unwrap()
            .referer
            .allow_empty_referer
    );
}
