//! Signing behaviour the vectors do not cover: the browser's `x-oss-date` mode, anonymous
//! requests, and keeping secrets out of `Debug`.

use oss_core::dates::http_date;
use oss_core::request::{Method, Request};
use oss_core::sign::{DateHeader, Signer};
use oss_core::{Credentials, Endpoint};

const SECRET: &str = "FakeAccessKeySecretForVectors0123456789";
const TOKEN: &str = "CAIS+AF1q6Ft5B2yfSjIr5bkJoPiqrxU1Z=/+token==";
const NOW: i64 = 1_700_000_000;

fn put() -> Request {
    Request::object(Method::Put, "my-bucket", "dir/photo.jpg")
        .and_then(|r| r.with_header("Content-Type", "image/jpeg"))
        .and_then(|r| r.with_header("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="))
        .and_then(|r| r.with_header("x-oss-meta-author", "alice"))
        .and_then(|r| r.with_header("Date", "Thu, 01 Jan 1970 00:00:00 GMT"))
        .unwrap()
}

fn endpoint() -> Endpoint {
    Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap()
}

#[test]
fn browser_mode_sends_x_oss_date_signed_in_the_date_slot() {
    let creds = Credentials::sts("STS.id", SECRET, TOKEN).unwrap();
    let browser = Signer::v1(creds.clone()).with_date_header(DateHeader::XOssDate);
    let signed = browser.sign(put(), &endpoint(), NOW).unwrap();
    let date = http_date(NOW).unwrap();

    assert_eq!(
        signed.headers.get("date"),
        None,
        "browsers cannot send Date"
    );
    assert_eq!(signed.headers.get("x-oss-date"), Some(date.as_str()));
    assert_eq!(signed.headers.get("x-oss-security-token"), Some(TOKEN));
    let string_to_sign = signed.string_to_sign.as_deref().unwrap();
    assert_eq!(
        string_to_sign,
        format!(
            "PUT\neB5eJF1ptWaXm4bijSPyxw==\nimage/jpeg\n{date}\nx-oss-date:{date}\nx-oss-meta-author:alice\n\
             x-oss-security-token:{TOKEN}\n/my-bucket/dir/photo.jpg"
        )
    );

    // What OSS checks is the same as for a server-side client that sends the same x-oss-date.
    let explicit = put().with_header("x-oss-date", &date).unwrap();
    let server_side = Signer::v1(creds).sign(explicit, &endpoint(), NOW).unwrap();
    assert_eq!(
        server_side.headers.get("authorization"),
        signed.headers.get("authorization")
    );
    assert_eq!(server_side.string_to_sign, signed.string_to_sign);
}

#[test]
fn header_mode_overwrites_a_stale_caller_date() {
    let signed = Signer::v1(Credentials::new("id", SECRET).unwrap())
        .sign(put(), &endpoint(), NOW)
        .unwrap();
    assert_eq!(
        signed.headers.get("date"),
        Some("Tue, 14 Nov 2023 22:13:20 GMT")
    );
    assert_eq!(
        signed
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("date"))
            .count(),
        1
    );
}

#[test]
fn anonymous_requests_carry_neither_date_nor_authorization() {
    let request = Request::object(Method::Get, "my-bucket", "a b").unwrap();
    let signed = Signer::anonymous().sign(request, &endpoint(), NOW).unwrap();
    assert_eq!(
        signed.url,
        "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/a%20b"
    );
    assert!(signed.headers.is_empty());
    assert_eq!(signed.string_to_sign, None);
}

#[test]
fn presigned_urls_return_the_headers_to_send() {
    let signer = Signer::v1(Credentials::new("id", SECRET).unwrap());
    let presigned = signer.presign(put(), &endpoint(), NOW, 300, false).unwrap();
    assert_eq!(presigned.expires_at, Some(NOW + 300));
    let names: Vec<&str> = presigned.headers.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["Content-Type", "Content-MD5", "x-oss-meta-author"],
        "Date is replaced by Expires"
    );
    assert!(
        presigned
            .url
            .starts_with("https://my-bucket.oss-cn-hangzhou.aliyuncs.com/dir%2Fphoto.jpg?")
    );
}

#[test]
fn secrets_never_show_in_debug() {
    let creds = Credentials::sts("STS.id", SECRET, TOKEN).unwrap();
    let signer = Signer::v1(creds);
    let signed = signer.sign(put(), &endpoint(), NOW).unwrap();
    let presigned = signer.presign(put(), &endpoint(), NOW, 60, false).unwrap();
    let rtmp = signer
        .sign_rtmp_url(&endpoint(), "my-bucket", "chan", "p.m3u8", NOW, 60)
        .unwrap();
    let signature = signed
        .headers
        .get("authorization")
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    for shown in [
        format!("{signer:?}"),
        format!("{signer:#?}"),
        format!("{signed:?}"),
        format!("{presigned:?}"),
        format!("{rtmp:?}"),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("CAIS"), "{shown}");
        assert!(!shown.contains(&signature), "{shown}");
        assert!(!shown.contains("Signature="), "{shown}");
    }
    // What is not secret stays visible, so the output is still useful.
    assert!(format!("{signed:?}").contains("x-oss-meta-author"));
    assert!(format!("{signer:?}").contains("STS.id"));
}
