//! PostObject at the emulator: forms signed by oss-core's `Signer::post_form` (V1 and V4) upload
//! their file; expired policies, violated conditions, wrong signatures and regions are refused
//! with OSS's errors.

use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::request::{Method, Request};
use oss_core::sign::{Condition, PostForm, PostPolicy, Signer};
use oss_core::{Credentials, Endpoint, ResponseHead, ServerError};
use oss_emulator::http::Request as RawRequest;
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "form-bucket";
const BOUNDARY: &str = "----oss-sdk-form-boundary-7MA4YWxkTrZu0gW";

fn endpoint() -> Endpoint {
    Endpoint::parse("http://127.0.0.1:9000").unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap()
}

fn v1() -> Signer {
    Signer::v1(credentials())
}

fn v4() -> Signer {
    Signer::v4(credentials()).with_region("cn-hangzhou")
}

fn emulator() -> Emulator {
    let emulator = Emulator::default();
    let signed = v1()
        .sign(
            CreateBucket::new(BUCKET).request().unwrap(),
            &endpoint(),
            NOW,
        )
        .unwrap();
    assert_eq!(emulator.send(&signed, b"", NOW).0.status, 200);
    emulator
}

fn policy() -> PostPolicy {
    PostPolicy::new(NOW + 600)
        .with(Condition::Bucket(BUCKET.into()))
        .with(Condition::key_starts_with("user/"))
        .with(Condition::ContentLengthRange { min: 1, max: 1024 })
}

/// Posts `form` plus `extra` fields, then the file, as a browser does.
fn post(
    emulator: &Emulator,
    form: &PostForm,
    extra: &[(&str, &str)],
    file: &[u8],
    now: i64,
) -> (ResponseHead, Vec<u8>) {
    let mut body = Vec::new();
    let mut part = |name: &str, value: &[u8], filename: Option<&str>| {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(filename) = filename {
            body.extend_from_slice(
                format!("; filename=\"{filename}\"\r\nContent-Type: text/plain").as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    for (name, value) in extra {
        part(name, value.as_bytes(), None);
    }
    for (name, value) in &form.fields {
        part(name, value.as_bytes(), None);
    }
    part("file", file, Some("notes.txt"));
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let (authority, target) = oss_emulator::split_url(&form.url);
    let request = RawRequest::new("POST", target)
        .with_header("Host", authority)
        .with_header(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .with_header("Content-Length", &body.len().to_string());
    emulator.send_request(&request, &body, now)
}

fn get(emulator: &Emulator, key: &str) -> (ResponseHead, Vec<u8>) {
    let signed = v1()
        .sign(
            Request::object(Method::Get, BUCKET, key).unwrap(),
            &endpoint(),
            NOW,
        )
        .unwrap();
    emulator.send(&signed, b"", NOW)
}

fn refused(head: &ResponseHead, body: &[u8]) -> ServerError {
    assert!(
        head.status >= 400,
        "expected a refusal, got {}",
        head.status
    );
    ServerError::parse(head, body)
}

#[test]
fn v1_and_v4_forms_upload_their_file() {
    let emulator = emulator();
    for (signer, key) in [(v1(), "user/v1.txt"), (v4(), "user/v4.txt")] {
        let form = signer
            .post_form(&endpoint(), BUCKET, &policy(), NOW)
            .unwrap();
        let (head, body) = post(
            &emulator,
            &form,
            &[
                ("key", key),
                ("Content-Type", "text/markdown"),
                ("x-oss-meta-from", "form"),
            ],
            b"# hello",
            NOW,
        );
        assert_eq!(head.status, 204, "{}", String::from_utf8_lossy(&body));
        assert!(head.header("etag").is_some());
        let (head, body) = get(&emulator, key);
        assert_eq!((head.status, body.as_slice()), (200, &b"# hello"[..]));
        assert_eq!(head.header("content-type"), Some("text/markdown"));
        assert_eq!(head.header("x-oss-meta-from"), Some("form"));
    }
}

#[test]
fn success_action_status_and_filename_substitution() {
    let emulator = emulator();
    let form = v4().post_form(&endpoint(), BUCKET, &policy(), NOW).unwrap();
    let (head, body) = post(
        &emulator,
        &form,
        &[
            ("key", "user/${filename}"),
            ("success_action_status", "201"),
        ],
        b"abc",
        NOW,
    );
    assert_eq!(head.status, 201);
    let xml = String::from_utf8(body).unwrap();
    assert!(xml.contains("<Key>user/notes.txt</Key>"), "{xml}");
    assert!(xml.contains("<Bucket>form-bucket</Bucket>"), "{xml}");
    let (head, body) = get(&emulator, "user/notes.txt");
    assert_eq!((head.status, body.as_slice()), (200, &b"abc"[..]));
    // Without a Content-Type field the file part's type is kept.
    assert_eq!(head.header("content-type"), Some("text/plain"));
}

#[test]
fn policy_violations_are_refused() {
    let emulator = emulator();
    for signer in [v1(), v4()] {
        let form = signer
            .post_form(&endpoint(), BUCKET, &policy(), NOW)
            .unwrap();
        // Too large.
        let (head, body) = post(&emulator, &form, &[("key", "user/big")], &[b'x'; 1025], NOW);
        let e = refused(&head, &body);
        assert_eq!((head.status, e.raw_code.as_str()), (400, "EntityTooLarge"));
        // Too small.
        let (head, body) = post(&emulator, &form, &[("key", "user/empty")], b"", NOW);
        assert_eq!(refused(&head, &body).raw_code, "EntityTooSmall");
        // Outside the allowed prefix.
        let (head, body) = post(&emulator, &form, &[("key", "admin/x")], b"x", NOW);
        let e = refused(&head, &body);
        assert_eq!((head.status, e.raw_code.as_str()), (403, "AccessDenied"));
        assert!(
            e.message.contains("Policy Condition failed"),
            "{}",
            e.message
        );
        assert!(e.message.contains("starts-with"), "{}", e.message);
        // Expired.
        let (head, body) = post(&emulator, &form, &[("key", "user/late")], b"x", NOW + 601);
        let e = refused(&head, &body);
        assert_eq!(e.raw_code, "AccessDenied");
        assert!(e.message.contains("Policy expired"), "{}", e.message);
        // Nothing was stored by the refused forms.
        for key in ["user/big", "user/empty", "admin/x", "user/late"] {
            assert_eq!(get(&emulator, key).0.status, 404, "{key}");
        }
    }
}

#[test]
fn forged_forms_are_refused() {
    let emulator = emulator();
    // A policy edited after signing.
    let mut form = v4().post_form(&endpoint(), BUCKET, &policy(), NOW).unwrap();
    let wider = v4()
        .post_form(&endpoint(), BUCKET, &PostPolicy::new(NOW + 600), NOW)
        .unwrap();
    let at = form.fields.iter().position(|(n, _)| n == "policy").unwrap();
    form.fields[at].1 = wider.field("policy").unwrap().to_string();
    let (head, body) = post(&emulator, &form, &[("key", "anything")], b"x", NOW);
    assert_eq!(refused(&head, &body).raw_code, "SignatureDoesNotMatch");
    // The wrong secret (V1).
    let wrong = Signer::v1(Credentials::new(DEFAULT_ACCESS_KEY_ID, "not-the-secret").unwrap());
    let form = wrong
        .post_form(&endpoint(), BUCKET, &policy(), NOW)
        .unwrap();
    let (head, body) = post(&emulator, &form, &[("key", "user/x")], b"x", NOW);
    assert_eq!(refused(&head, &body).raw_code, "SignatureDoesNotMatch");
    // Another region (V4).
    let form = v4()
        .with_region("cn-beijing")
        .post_form(&endpoint(), BUCKET, &policy(), NOW)
        .unwrap();
    let (head, body) = post(&emulator, &form, &[("key", "user/x")], b"x", NOW);
    let e = refused(&head, &body);
    assert_eq!(
        (e.raw_code.as_str(), e.ec.as_str()),
        ("InvalidArgument", "0002-00000228")
    );
    // No signature at all, on a private bucket.
    let form = Signer::anonymous()
        .post_form(&endpoint(), BUCKET, &policy(), NOW)
        .unwrap();
    let (head, body) = post(&emulator, &form, &[("key", "user/x")], b"x", NOW);
    assert_eq!(refused(&head, &body).raw_code, "AccessDenied");
}
