//! Signature V4 at the emulator: header-signed requests and presigned URLs from oss-core's V4
//! signer are accepted; wrong keys, regions, days, expired URLs and tampered requests are
//! refused with OSS's error codes.

use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::object::{GetObject, PutObject};
use oss_core::ops::service::ListObjects;
use oss_core::request::{Body, Method, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, ResponseHead, ServerError};
use oss_emulator::http::Request as RawRequest;
use oss_emulator::{AccessKey, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "v4-bucket";

fn endpoint() -> Endpoint {
    Endpoint::parse("http://127.0.0.1:9000").unwrap()
}

fn v4(secret: &str) -> Signer {
    Signer::v4(Credentials::new(DEFAULT_ACCESS_KEY_ID, secret).unwrap()).with_region("cn-hangzhou")
}

fn send(
    emulator: &Emulator,
    signer: &Signer,
    request: Request,
    body: &[u8],
    now: i64,
) -> (ResponseHead, Vec<u8>) {
    let signed = signer.sign(request, &endpoint(), now).unwrap();
    emulator.send(&signed, body, now)
}

fn error(head: &ResponseHead, body: &[u8]) -> ServerError {
    assert!(head.status >= 400, "expected an error, got {}", head.status);
    ServerError::parse(head, body)
}

/// An emulator with a bucket holding `hello.txt`, written with V4.
fn with_object() -> Emulator {
    let emulator = Emulator::default();
    let signer = v4(DEFAULT_ACCESS_KEY_SECRET);
    let (head, _) = send(
        &emulator,
        &signer,
        CreateBucket::new(BUCKET).request().unwrap(),
        b"",
        NOW,
    );
    assert_eq!(head.status, 200);
    let put = PutObject::new(BUCKET, "dir/hello world+.txt", Some(5))
        .request()
        .unwrap();
    let put = put.with_query("x-oss-traffic-limit", Some("819200"));
    let (head, body) = send(
        &emulator,
        &signer,
        put.with_body(Body::Stream { length: Some(5) }),
        b"hello",
        NOW,
    );
    assert_eq!(head.status, 200, "{}", String::from_utf8_lossy(&body));
    emulator
}

#[test]
fn header_signed_requests_are_accepted() {
    let emulator = with_object();
    let signer = v4(DEFAULT_ACCESS_KEY_SECRET);
    let get = GetObject::new(BUCKET, "dir/hello world+.txt")
        .request()
        .unwrap();
    let (head, body) = send(&emulator, &signer, get, b"", NOW);
    assert_eq!((head.status, body.as_slice()), (200, &b"hello"[..]));
    // A listing: a bucket-level canonical URI and several query parameters.
    let list = ListObjects {
        prefix: "dir/".into(),
        ..ListObjects::new(BUCKET)
    };
    let (head, body) = send(&emulator, &signer, list.request().unwrap(), b"", NOW);
    assert_eq!(head.status, 200);
    assert_eq!(list.parse(&head, &body).unwrap().objects.len(), 1);
    // STS with V4.
    let sts =
        Emulator::default().with_keys(vec![AccessKey::sts("STS.id", "sts-secret", "token-1")]);
    let signer = Signer::v4(Credentials::sts("STS.id", "sts-secret", "token-1").unwrap())
        .with_region("cn-hangzhou");
    let (head, _) = send(
        &sts,
        &signer,
        CreateBucket::new(BUCKET).request().unwrap(),
        b"",
        NOW,
    );
    assert_eq!(head.status, 200);
    let wrong = Signer::v4(Credentials::sts("STS.id", "sts-secret", "token-2").unwrap())
        .with_region("cn-hangzhou");
    let (head, body) = send(
        &sts,
        &wrong,
        Request::bucket(Method::Get, BUCKET).unwrap(),
        b"",
        NOW,
    );
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "InvalidSecurityToken"
    );
}

#[test]
fn wrong_secret_region_and_skew_are_refused() {
    let emulator = with_object();
    let get = || {
        GetObject::new(BUCKET, "dir/hello world+.txt")
            .request()
            .unwrap()
    };

    let (head, body) = send(&emulator, &v4("not-the-secret"), get(), b"", NOW);
    let e = error(&head, &body);
    assert_eq!(
        (head.status, e.raw_code.as_str()),
        (403, "SignatureDoesNotMatch")
    );
    let canonical = e
        .details
        .iter()
        .find(|(n, _)| n == "CanonicalRequest")
        .map(|(_, v)| v.as_str());
    assert!(
        canonical.is_some_and(|c| c.starts_with("GET\n/v4-bucket/dir/hello%20world%2B.txt\n")),
        "{canonical:?}"
    );

    let beijing = v4(DEFAULT_ACCESS_KEY_SECRET).with_region("cn-beijing");
    let (head, body) = send(&emulator, &beijing, get(), b"", NOW);
    let e = error(&head, &body);
    assert_eq!((head.status, e.raw_code.as_str()), (400, "InvalidArgument"));
    assert_eq!(e.ec, "0002-00000228");

    // Signed now, arriving an hour later.
    let signed = v4(DEFAULT_ACCESS_KEY_SECRET)
        .sign(get(), &endpoint(), NOW)
        .unwrap();
    let (head, body) = emulator.send(&signed, b"", NOW + 3600);
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "RequestTimeTooSkewed"
    );
}

#[test]
fn a_tampered_request_is_refused() {
    let emulator = with_object();
    let signed = v4(DEFAULT_ACCESS_KEY_SECRET)
        .sign(
            GetObject::new(BUCKET, "dir/hello world+.txt")
                .request()
                .unwrap(),
            &endpoint(),
            NOW,
        )
        .unwrap();
    // Another key under the same signature.
    let mut moved = signed.clone();
    moved.url = moved.url.replace("hello%20world", "hello%20there");
    let (head, body) = emulator.send(&moved, b"", NOW);
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "SignatureDoesNotMatch"
    );
    // A signed header changed on the way.
    let mut changed = signed;
    changed
        .headers
        .insert("x-oss-date", "20231114T221321Z")
        .unwrap();
    let (head, body) = emulator.send(&changed, b"", NOW);
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "SignatureDoesNotMatch"
    );
}

fn fetch(
    emulator: &Emulator,
    url: &str,
    headers: &[(&str, &str)],
    now: i64,
) -> (ResponseHead, Vec<u8>) {
    let (authority, target) = oss_emulator::split_url(url);
    let mut request = RawRequest::new("GET", target).with_header("Host", authority);
    for (name, value) in headers {
        request = request.with_header(name, value);
    }
    emulator.send_request(&request, b"", now)
}

#[test]
fn presigned_urls_work_until_they_expire() {
    let emulator = with_object();
    let signer = v4(DEFAULT_ACCESS_KEY_SECRET);
    let get = Request::object(Method::Get, BUCKET, "dir/hello world+.txt").unwrap();
    let url = signer
        .presign(get.clone(), &endpoint(), NOW, 600, false)
        .unwrap()
        .url;
    let (head, body) = fetch(&emulator, &url, &[], NOW + 599);
    assert_eq!((head.status, body.as_slice()), (200, &b"hello"[..]));
    let (head, body) = fetch(&emulator, &url, &[], NOW + 601);
    let e = error(&head, &body);
    assert_eq!((head.status, e.raw_code.as_str()), (403, "AccessDenied"));
    assert!(e.message.contains("expired"), "{}", e.message);

    // A signed header must come with the URL, unchanged.
    let ranged = get.with_header("Range", "bytes=0-1").unwrap();
    let url = signer
        .clone()
        .with_additional_headers(["range"])
        .presign(ranged, &endpoint(), NOW, 600, false)
        .unwrap()
        .url;
    assert!(url.contains("x-oss-additional-headers=range"), "{url}");
    let (head, body) = fetch(&emulator, &url, &[("Range", "bytes=0-1")], NOW);
    assert_eq!((head.status, body.as_slice()), (206, &b"he"[..]));
    let (head, body) = fetch(&emulator, &url, &[("Range", "bytes=0-3")], NOW);
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "SignatureDoesNotMatch"
    );
    // A parameter added to the URL is signed too (V4 signs every parameter).
    let (head, body) = fetch(
        &emulator,
        &format!("{url}&response-content-type=text%2Fhtml"),
        &[("Range", "bytes=0-1")],
        NOW,
    );
    assert_eq!(
        error(&head, &body).raw_code.as_str(),
        "SignatureDoesNotMatch"
    );
}
