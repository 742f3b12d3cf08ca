//! Signature V4 behaviour the vectors do not cover: refusals before I/O, presigned expiry
//! bounds, the signing-key cache, opt-in additional headers, RTMP URLs, and secrets in `Debug`.

use oss_core::request::{Method, Request};
use oss_core::sign::{DateHeader, SignatureVersion, Signer};
use oss_core::{ClientError, Credentials, Endpoint};

const SECRET: &str = "FakeAccessKeySecretForVectors0123456789";
const TOKEN: &str = "CAIS+AF1q6Ft5B2yfSjIr5bkJoPiqrxU1Z=/+token==";
const NOW: i64 = 1_700_000_000;
const DAY: i64 = 86_400;

fn put() -> Request {
    Request::object(Method::Put, "my-bucket", "dir/photo.jpg")
        .and_then(|r| r.with_header("Content-Type", "image/jpeg"))
        .and_then(|r| r.with_header("Content-Length", "3"))
        .and_then(|r| r.with_header("x-oss-meta-author", "alice"))
        .unwrap()
}

fn endpoint() -> Endpoint {
    Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap()
}

fn v4() -> Signer {
    Signer::v4(Credentials::new("LTAI5tId", SECRET).unwrap()).with_region("cn-hangzhou")
}

fn authorization(signer: &Signer, now: i64) -> String {
    let signed = signer.sign(put(), &endpoint(), now).unwrap();
    signed.headers.get("authorization").unwrap().to_string()
}

#[test]
fn a_missing_region_is_refused_before_anything_is_signed() {
    let signer = Signer::v4(Credentials::new("LTAI5tId", SECRET).unwrap());
    assert_eq!(signer.version(), SignatureVersion::V4);
    assert_eq!(
        signer.sign(put(), &endpoint(), NOW).unwrap_err(),
        ClientError::MissingRegion
    );
    let get = Request::object(Method::Get, "my-bucket", "k").unwrap();
    assert_eq!(
        signer
            .presign(get.clone(), &endpoint(), NOW, 60, false)
            .unwrap_err(),
        ClientError::MissingRegion
    );
    let empty = signer.with_region("");
    assert_eq!(
        empty.presign(get, &endpoint(), NOW, 60, false).unwrap_err(),
        ClientError::MissingRegion
    );
}

#[test]
fn presigned_urls_live_one_second_to_seven_days() {
    let get = || Request::object(Method::Get, "my-bucket", "k").unwrap();
    assert_eq!(
        v4().presign(get(), &endpoint(), NOW, -1, false)
            .unwrap_err(),
        ClientError::NegativeExpiry { expires: -1 }
    );
    for bad in [0, 7 * DAY + 1] {
        assert_eq!(
            v4().presign(get(), &endpoint(), NOW, bad, false)
                .unwrap_err(),
            ClientError::ExpiresOutOfRange { expires: bad },
            "{bad}"
        );
    }
    for good in [1, 7 * DAY] {
        let url = v4().presign(get(), &endpoint(), NOW, good, false).unwrap();
        assert!(
            url.url.contains(&format!("x-oss-expires={good}&")),
            "{}",
            url.url
        );
        assert_eq!(url.expires_at, Some(NOW + good));
    }
}

#[test]
fn the_cached_signing_key_follows_day_region_and_product() {
    let signer = v4();
    let today = authorization(&signer, NOW);
    // Same day, same key: the same signature as a fresh signer's.
    assert_eq!(authorization(&signer, NOW), today);
    assert_eq!(authorization(&v4(), NOW), today);
    // The next day: a new scope and a new key, as a fresh signer computes it.
    let tomorrow = authorization(&signer, NOW + DAY);
    assert_ne!(tomorrow, today);
    assert_eq!(tomorrow, authorization(&v4(), NOW + DAY));
    // A clone shares the cache; another region must not reuse the first region's key.
    let beijing = signer.clone().with_region("cn-beijing");
    let fresh_beijing =
        Signer::v4(Credentials::new("LTAI5tId", SECRET).unwrap()).with_region("cn-beijing");
    assert_eq!(
        authorization(&beijing, NOW),
        authorization(&fresh_beijing, NOW)
    );
    assert!(authorization(&beijing, NOW).contains("/cn-beijing/oss/aliyun_v4_request"));
    // Back to the first region after the clone replaced the cached key.
    assert_eq!(authorization(&signer, NOW), today);
    let cloud_box = signer.clone().with_cloud_box_id("cb-123");
    assert!(authorization(&cloud_box, NOW).contains("/cb-123/oss-cloudbox/aliyun_v4_request"));
}

#[test]
fn additional_headers_are_opt_in() {
    // By default Content-Length is not signed: a browser or proxy may change it.
    let plain = v4().sign(put(), &endpoint(), NOW).unwrap();
    assert!(
        !plain
            .headers
            .get("authorization")
            .unwrap()
            .contains("AdditionalHeaders")
    );
    let opted = v4().with_additional_headers(["Content-Length", "x-absent", "x-oss-meta-author"]);
    // Only the present, not-default-signed names are listed.
    let auth = opted.sign(put(), &endpoint(), NOW).unwrap();
    let auth = auth.headers.get("authorization").unwrap();
    assert!(
        auth.contains(", AdditionalHeaders=content-length, Signature="),
        "{auth}"
    );
    assert_ne!(auth, plain.headers.get("authorization").unwrap());
}

#[test]
fn headers_and_authorization_have_oss2s_shape() {
    let creds = Credentials::sts("STS.id", SECRET, TOKEN).unwrap();
    let signed = Signer::v4(creds)
        .with_region("cn-hangzhou")
        .sign(put(), &endpoint(), NOW)
        .unwrap();
    assert_eq!(signed.headers.get("x-oss-date"), Some("20231114T221320Z"));
    assert_eq!(
        signed.headers.get("x-oss-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(signed.headers.get("x-oss-security-token"), Some(TOKEN));
    assert_eq!(signed.headers.get("date"), None, "V4 sends no Date");
    let auth = signed.headers.get("authorization").unwrap();
    assert!(
        auth.starts_with(
            "OSS4-HMAC-SHA256 Credential=STS.id/20231114/cn-hangzhou/oss/aliyun_v4_request, Signature="
        ),
        "{auth}"
    );
    let signature = auth.rsplit_once("Signature=").unwrap().1;
    assert_eq!(signature.len(), 64);
    assert!(
        signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

#[test]
fn browser_mode_drops_a_callers_date() {
    let with_date = put()
        .with_header("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
        .unwrap();
    let signed = v4()
        .with_date_header(DateHeader::XOssDate)
        .sign(with_date, &endpoint(), NOW)
        .unwrap();
    assert_eq!(signed.headers.get("date"), None);
    assert_eq!(signed.headers.get("x-oss-date"), Some("20231114T221320Z"));
}

#[test]
fn rtmp_urls_keep_the_v1_signature_as_oss2_does() {
    let creds = Credentials::new("LTAI5tId", SECRET).unwrap();
    let rtmp = |signer: Signer| {
        signer
            .sign_rtmp_url(&endpoint(), "my-bucket", "chan", "p.m3u8", NOW, 60)
            .unwrap()
            .url
    };
    let v4_url = rtmp(Signer::v4(creds.clone()).with_region("cn-hangzhou"));
    assert_eq!(v4_url, rtmp(Signer::v1(creds)));
    assert!(v4_url.contains("Signature="));
}

#[test]
fn secrets_never_show_in_debug() {
    let creds = Credentials::sts("STS.id", SECRET, TOKEN).unwrap();
    let signer = Signer::v4(creds).with_region("cn-hangzhou");
    let signed = signer.sign(put(), &endpoint(), NOW).unwrap();
    let get = Request::object(Method::Get, "my-bucket", "k").unwrap();
    let presigned = signer.presign(get, &endpoint(), NOW, 60, false).unwrap();
    let header_signature = signed
        .headers
        .get("authorization")
        .unwrap()
        .rsplit_once("Signature=")
        .unwrap()
        .1
        .to_string();
    let url_signature = presigned
        .url
        .rsplit_once("x-oss-signature=")
        .unwrap()
        .1
        .to_string();
    for shown in [
        format!("{signer:?}"),
        format!("{signed:?}"),
        format!("{presigned:?}"),
    ] {
        for secret in [SECRET, TOKEN, &header_signature, &url_signature] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    assert!(format!("{signer:?}").contains("cn-hangzhou"));
}

#[test]
fn post_forms_name_their_v4_fields_in_the_policy() {
    use base64::Engine as _;
    use oss_core::sign::{Condition, PostPolicy};
    let creds = Credentials::sts("STS.id", SECRET, TOKEN).unwrap();
    let signer = Signer::v4(creds).with_region("cn-hangzhou");
    let policy = PostPolicy::new(NOW + 3600).with(Condition::key_starts_with("user/"));
    let form = signer
        .post_form(&endpoint(), "my-bucket", &policy, NOW)
        .unwrap();
    assert_eq!(form.url, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/");
    let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "policy",
            "x-oss-signature-version",
            "x-oss-credential",
            "x-oss-date",
            "x-oss-security-token",
            "x-oss-signature"
        ]
    );
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(form.field("policy").unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), form.policy);
    assert_eq!(
        form.policy,
        format!(
            "{{\"expiration\":\"2023-11-14T23:13:20.000Z\",\"conditions\":[[\"starts-with\",\"$key\",\"user/\"],\
             {{\"x-oss-signature-version\":\"OSS4-HMAC-SHA256\"}},\
             {{\"x-oss-credential\":\"STS.id/20231114/cn-hangzhou/oss/aliyun_v4_request\"}},\
             {{\"x-oss-date\":\"20231114T221320Z\"}},{{\"x-oss-security-token\":\"{TOKEN}\"}}]}}"
        )
    );
    // The signature is the V4 signature of the base64 policy, with the day's key.
    let key = oss_core::sign::v4::signing_key(SECRET, "20231114", "cn-hangzhou", "oss");
    assert_eq!(
        form.field("x-oss-signature"),
        Some(oss_core::sign::v4::signature(&key, form.field("policy").unwrap()).as_str())
    );
    let shown = format!("{form:?}");
    assert!(
        !shown.contains(form.field("x-oss-signature").unwrap()),
        "{shown}"
    );
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains(form.field("policy").unwrap()), "{shown}");
    assert!(shown.contains("starts-with"), "{shown}");
}

#[test]
fn post_policies_must_expire_in_the_future_and_within_seven_days_for_v4() {
    use oss_core::sign::PostPolicy;
    for (expiration, ok) in [
        (NOW, false),
        (NOW - 1, false),
        (NOW + 1, true),
        (NOW + 7 * DAY, true),
        (NOW + 7 * DAY + 1, false),
    ] {
        let result = v4().post_form(&endpoint(), "my-bucket", &PostPolicy::new(expiration), NOW);
        assert_eq!(result.is_ok(), ok, "{expiration}: {result:?}");
    }
    // V1 forms have no seven-day limit.
    let v1 = Signer::v1(Credentials::new("LTAI5tId", SECRET).unwrap());
    assert!(
        v1.post_form(
            &endpoint(),
            "my-bucket",
            &PostPolicy::new(NOW + 30 * DAY),
            NOW
        )
        .is_ok()
    );
}

#[test]
fn a_signer_changes_version_keeping_its_credentials_and_settings() {
    let v1 = Signer::v1(Credentials::new("LTAI5tId", SECRET).unwrap()).with_region("cn-hangzhou");
    let v4_from_v1 = v1.to_version(SignatureVersion::V4);
    assert_eq!(v4_from_v1.version(), SignatureVersion::V4);
    assert_eq!(authorization(&v4_from_v1, NOW), authorization(&v4(), NOW));
    let back = v4_from_v1.to_version(SignatureVersion::V1);
    assert_eq!(authorization(&back, NOW), authorization(&v1, NOW));
    assert!(authorization(&back, NOW).starts_with("OSS LTAI5tId:"));
    let anonymous = Signer::anonymous().to_version(SignatureVersion::V4);
    assert_eq!(anonymous.version(), SignatureVersion::Anonymous);
}
