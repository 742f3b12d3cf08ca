//! Bad input is refused with a typed client error before anything could be sent.

use oss_core::error::KeyProblem;
use oss_core::request::{Method, Request};
use oss_core::sign::Signer;
use oss_core::{ClientError, Credentials, Endpoint};

fn signer() -> Signer {
    Signer::v1(
        Credentials::new(
            "LTAI5tFakeAccessKeyId",
            "FakeAccessKeySecretForVectors0123456789",
        )
        .unwrap(),
    )
}

fn endpoint() -> Endpoint {
    Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap()
}

#[test]
fn invalid_bucket_names() {
    let long = "a".repeat(64);
    for name in [
        "",
        "ab",
        long.as_str(),
        "MyBucket",
        "my_bucket",
        "-bucket",
        "bucket-",
        "my.bucket",
        "b ucket",
    ] {
        for result in [
            Request::bucket(Method::Get, name),
            Request::object(Method::Get, name, "k"),
        ] {
            assert_eq!(
                result,
                Err(ClientError::InvalidBucketName {
                    name: name.to_string()
                }),
                "{name:?}"
            );
        }
        let err = signer()
            .sign_rtmp_url(&endpoint(), name, "channel", "", 0, 60)
            .unwrap_err();
        assert!(
            matches!(err, ClientError::InvalidBucketName { .. }),
            "{name:?}"
        );
    }
    assert!(Request::bucket(Method::Get, &"a".repeat(63)).is_ok());
    assert!(Request::bucket(Method::Get, "abc").is_ok());
}

#[test]
fn invalid_object_keys() {
    let err = Request::object(Method::Get, "my-bucket", "").unwrap_err();
    assert_eq!(
        err,
        ClientError::InvalidObjectKey {
            key: String::new(),
            problem: KeyProblem::Empty
        }
    );

    let longest = "k".repeat(1023);
    assert!(Request::object(Method::Put, "my-bucket", &longest).is_ok());
    let too_long = "k".repeat(1024);
    let err = Request::object(Method::Put, "my-bucket", &too_long).unwrap_err();
    assert_eq!(
        err,
        ClientError::InvalidObjectKey {
            key: too_long,
            problem: KeyProblem::TooLong { len: 1024 }
        }
    );
    // Bytes, not characters: 400 two-byte characters are 800 bytes, 600 are 1200.
    assert!(Request::object(Method::Put, "my-bucket", &"é".repeat(400)).is_ok());
    assert!(Request::object(Method::Put, "my-bucket", &"é".repeat(600)).is_err());
}

#[test]
fn presigned_urls_refuse_blank_keys_and_v1_question_marks() {
    let blank = Request::object(Method::Get, "my-bucket", "   ").unwrap();
    let err = signer()
        .presign(blank.clone(), &endpoint(), 1_700_000_000, 60, false)
        .unwrap_err();
    assert!(matches!(
        err,
        ClientError::InvalidObjectKey {
            problem: KeyProblem::Blank,
            ..
        }
    ));
    // A bucket-level request has no key to sign a URL for.
    let bucket = Request::bucket(Method::Get, "my-bucket").unwrap();
    let err = signer()
        .presign(bucket, &endpoint(), 1_700_000_000, 60, false)
        .unwrap_err();
    assert!(matches!(
        err,
        ClientError::InvalidObjectKey {
            problem: KeyProblem::Empty,
            ..
        }
    ));

    let question = Request::object(Method::Get, "my-bucket", "?abc").unwrap();
    let err = signer()
        .presign(question.clone(), &endpoint(), 1_700_000_000, 60, false)
        .unwrap_err();
    assert!(matches!(
        err,
        ClientError::InvalidObjectKey {
            problem: KeyProblem::StartsWithQuestionMark,
            ..
        }
    ));
    // oss2 checks it only for V1 and only when strict; anonymous URLs and opted-out signers pass.
    assert!(
        Signer::anonymous()
            .presign(question.clone(), &endpoint(), 0, 60, false)
            .is_ok()
    );
    let lenient = signer().with_verify_object_strict(false);
    assert!(lenient.presign(question, &endpoint(), 0, 60, false).is_ok());
}

#[test]
fn endpoints_oss2_refuses() {
    for bad in [
        "",
        "   ",
        "http://",
        "https://:8080",
        "http://bad host.com",
        "http://bad*host.com",
        "http://bad%host.com",
        "http://[::1]:8080",
        "http://host.com:abc",
        "http://host.com:99999",
        "http://host.com:0",
        "ftp://host.com",
    ] {
        let err = Endpoint::parse(bad).unwrap_err();
        assert!(
            matches!(err, ClientError::InvalidEndpoint { .. }),
            "{bad:?}: {err:?}"
        );
    }
    for good in [
        "oss-cn-hangzhou.aliyuncs.com",
        "http://127.0.0.1:8080",
        "https://cdn.example.com:8443/path",
    ] {
        assert!(Endpoint::parse(good).is_ok(), "{good:?}");
    }
}

#[test]
fn header_values_with_newlines_or_non_ascii() {
    let request = || Request::object(Method::Put, "my-bucket", "k").unwrap();
    for value in [
        "a\nb",
        "a\r\nx-oss-object-acl: public-read-write",
        "a\rb",
        "café",
        "中文",
        "\u{0}",
    ] {
        let err = request().with_header("x-oss-meta-note", value).unwrap_err();
        assert!(
            matches!(err, ClientError::InvalidHeader { .. }),
            "{value:?}"
        );
    }
    for name in ["", "x oss", "x-oss-meta-é", "bad:name", "line\nbreak"] {
        let err = request().with_header(name, "v").unwrap_err();
        assert!(matches!(err, ClientError::InvalidHeader { .. }), "{name:?}");
    }
    assert!(
        request()
            .with_header("x-oss-meta-spaces", " a  b\t")
            .is_ok()
    );
    assert!(Credentials::sts("id", "secret", "token\nx").is_err());
}

#[test]
fn negative_expiry_is_refused_zero_is_not() {
    let request = Request::object(Method::Get, "my-bucket", "k").unwrap();
    let err = signer()
        .presign(request.clone(), &endpoint(), 1_700_000_000, -1, false)
        .unwrap_err();
    assert_eq!(err, ClientError::NegativeExpiry { expires: -1 });
    let url = signer()
        .presign(request, &endpoint(), 1_700_000_000, 0, false)
        .unwrap();
    assert_eq!(url.expires_at, Some(1_700_000_000));
    assert!(url.url.contains("Expires=1700000000"));

    let err = signer()
        .sign_rtmp_url(&endpoint(), "my-bucket", "chan", "", 0, -5)
        .unwrap_err();
    assert_eq!(err, ClientError::NegativeExpiry { expires: -5 });
}

#[test]
fn times_the_date_header_cannot_express() {
    let request = Request::object(Method::Get, "my-bucket", "k").unwrap();
    for now in [i64::MIN, -62_135_596_801, 253_402_300_800, i64::MAX] {
        let err = signer()
            .sign(request.clone(), &endpoint(), now)
            .unwrap_err();
        assert!(
            matches!(err, ClientError::TimeOutOfRange { .. }),
            "{now}: {err:?}"
        );
    }
    let err = signer()
        .presign(request, &endpoint(), i64::MAX, 10, false)
        .unwrap_err();
    assert!(matches!(err, ClientError::TimeOutOfRange { .. }));
}

#[test]
fn live_channel_names() {
    for bad in ["", "a/b", &"c".repeat(1024)] {
        let err = signer()
            .sign_rtmp_url(&endpoint(), "my-bucket", bad, "", 0, 60)
            .unwrap_err();
        assert!(
            matches!(err, ClientError::InvalidLiveChannelName { .. }),
            "{bad:?}"
        );
    }
}

#[test]
fn errors_say_what_is_wrong() {
    let err = Request::object(Method::Get, "My_Bucket", "k").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("My_Bucket") && text.contains("3-63"),
        "{text}"
    );
    let err = oss_core::Error::from(err);
    assert!(err.to_string().starts_with("client error:"));
    assert!(!err.is_retryable());
}
