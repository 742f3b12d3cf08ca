//! The suite both runners share (Node in `node.rs`, headless Chromium in `browser.rs`): every
//! JavaScript method of the client against the emulator over real HTTP. The emulator's address
//! and key come at build time from scripts/wasm-test.sh (a browser test cannot read the
//! environment when it runs).
//!
//! Three emulators: the main one corrupts object data in GET answers under `corrupt/`
//! (`--faults corrupt=1,prefix=corrupt/`), the flaky one answers 503 to 30 % of the requests
//! under `flaky/`, the slow one waits 3 s before answering requests under `slow/`.

#![allow(dead_code)]

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use oss_wasm::Client;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn config(value: Option<&'static str>, name: &str) -> &'static str {
    value.unwrap_or_else(|| panic!("{name} is set by scripts/wasm-test.sh at build time"))
}

pub fn endpoint() -> &'static str {
    config(
        option_env!("OSS_WASM_TEST_ENDPOINT"),
        "OSS_WASM_TEST_ENDPOINT",
    )
}

pub fn flaky_endpoint() -> &'static str {
    config(
        option_env!("OSS_WASM_TEST_FLAKY_ENDPOINT"),
        "OSS_WASM_TEST_FLAKY_ENDPOINT",
    )
}

pub fn slow_endpoint() -> &'static str {
    config(
        option_env!("OSS_WASM_TEST_SLOW_ENDPOINT"),
        "OSS_WASM_TEST_SLOW_ENDPOINT",
    )
}

fn key_id() -> &'static str {
    config(option_env!("OSS_WASM_TEST_KEY_ID"), "OSS_WASM_TEST_KEY_ID")
}

fn key_secret() -> &'static str {
    config(
        option_env!("OSS_WASM_TEST_KEY_SECRET"),
        "OSS_WASM_TEST_KEY_SECRET",
    )
}

#[wasm_bindgen]
extern "C" {
    /// Plain `fetch`, as a page would use a presigned URL.
    #[wasm_bindgen(js_name = fetch)]
    fn plain_fetch(url: &str, init: &JsValue) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
}

/// `{k: v, …}` from pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

pub fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string: {:?}", get(value, path)))
}

pub fn num(value: &JsValue, path: &str) -> f64 {
    get(value, path)
        .as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number: {:?}", get(value, path)))
}

pub fn bytes(value: &JsValue, path: &str) -> Vec<u8> {
    get(value, path)
        .dyn_into::<Uint8Array>()
        .unwrap_or_else(|_| panic!("{path} is not a Uint8Array"))
        .to_vec()
}

pub fn strings(value: &JsValue) -> Vec<String> {
    Array::from(value)
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect()
}

/// How the suite signs: `OSS_WASM_TEST_SIGNATURE_VERSION` at build time (`v1` or `v4`; unset:
/// as the client decides, which is V1 on the emulator's loopback address).
pub fn signature_version() -> Option<&'static str> {
    option_env!("OSS_WASM_TEST_SIGNATURE_VERSION").filter(|v| !v.is_empty())
}

pub fn client_at(endpoint: &str, bucket: &str, extra: &[(&str, JsValue)]) -> Client {
    let mut options = vec![
        ("accessKeyId", key_id().into()),
        ("accessKeySecret", key_secret().into()),
        ("endpoint", endpoint.into()),
        ("bucket", bucket.into()),
    ];
    if let Some(version) = signature_version() {
        options.push(("signatureVersion", version.into()));
        // The emulator's region.
        options.push(("region", "cn-hangzhou".into()));
    }
    options.extend(extra.iter().cloned());
    Client::new(obj(&options)).unwrap_or_else(|e| panic!("new Client: {e:?}"))
}

pub fn client(bucket: &str) -> Client {
    client_at(endpoint(), bucket, &[])
}

pub async fn ok(promise: Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .unwrap_or_else(|e| panic!("rejected: {} {}", text(&e, "name"), text(&e, "message")))
}

pub async fn err(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(v) => panic!("resolved, expected a rejection: {v:?}"),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            e
        }
    }
}

/// 0, 1, … 255, 0, 1 … — every byte value.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 256) as u8).collect()
}

pub fn u8a(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

pub const NONE: JsValue = JsValue::UNDEFINED;

/// The CORS rule a page needs: everything a client sends, and the headers it must read.
pub fn cors_rules() -> JsValue {
    let expose = Array::of5(
        &"ETag".into(),
        &"x-oss-request-id".into(),
        &"x-oss-hash-crc64ecma".into(),
        &"x-oss-next-append-position".into(),
        &"x-oss-err".into(),
    );
    expose.push(&"x-oss-object-type".into());
    expose.push(&"x-oss-meta-color".into());
    expose.push(&"x-oss-symlink-target".into());
    Array::of1(&obj(&[
        ("allowedOrigin", "*".into()),
        (
            "allowedMethod",
            Array::of5(
                &"GET".into(),
                &"PUT".into(),
                &"POST".into(),
                &"DELETE".into(),
                &"HEAD".into(),
            )
            .into(),
        ),
        ("allowedHeader", "*".into()),
        ("exposeHeader", expose.into()),
        ("maxAgeSeconds", 600.into()),
    ]))
    .into()
}

// ---- the tests ----------------------------------------------------------------------------

/// Each data type goes up and comes back byte for byte; the result carries the CRC-64 the
/// client checked.
pub async fn round_trips(bucket: &str) {
    let c = client(bucket);
    let binary = pattern(70_000);
    let put = ok(c.put("types/u8".into(), u8a(&binary), NONE)).await;
    assert_eq!(num(&put, "res.status"), 200.0);
    assert_eq!(text(&put, "name"), "types/u8");
    assert_eq!(
        text(&put, "crc64"),
        oss_core::crc64::checksum(&binary).to_string()
    );
    assert!(
        text(&put, "etag").starts_with('"'),
        "etag {:?}",
        get(&put, "etag")
    );
    assert_eq!(
        text(&put, "url"),
        format!("{}/{bucket}/types/u8", endpoint())
    );
    let got = ok(c.get("types/u8".into(), NONE)).await;
    assert_eq!(bytes(&got, "content"), binary);
    assert_eq!(num(&got, "res.status"), 200.0);

    let buffer = Uint8Array::from(&b"array buffer"[..]).buffer();
    ok(c.put("types/ab".into(), buffer.into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("types/ab".into(), NONE)).await, "content"),
        b"array buffer"
    );

    let unicode = "héllo, 世界 🌍";
    ok(c.put("types/str".into(), unicode.into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("types/str".into(), NONE)).await, "content"),
        unicode.as_bytes()
    );

    // A view into the middle of a larger buffer: only its bytes.
    let whole = Uint8Array::from(&b"xxABCDyy"[..]);
    let view = js_sys::DataView::new(&whole.buffer(), 2, 4);
    ok(c.put("types/view".into(), view.into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("types/view".into(), NONE)).await, "content"),
        b"ABCD"
    );

    // A Blob (a File is one) made of two parts.
    let parts = Array::of2(&u8a(b"blob "), &"parts".into());
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let put = ok(c.put("types/blob".into(), blob.into(), NONE)).await;
    assert_eq!(
        text(&put, "crc64"),
        oss_core::crc64::checksum(b"blob parts").to_string()
    );
    assert_eq!(
        bytes(&ok(c.get("types/blob".into(), NONE)).await, "content"),
        b"blob parts"
    );

    ok(c.put("types/empty".into(), u8a(&[]), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("types/empty".into(), NONE)).await, "content"),
        b""
    );

    // A range: 206, the bytes asked for, no whole-object CRC to compare.
    let ranged = ok(c.get(
        "types/u8".into(),
        obj(&[("headers", obj(&[("Range", "bytes=10-19".into())]))]),
    ))
    .await;
    assert_eq!(num(&ranged, "res.status"), 206.0);
    assert_eq!(bytes(&ranged, "content"), &binary[10..20]);

    let refused = err(c.put("types/bad".into(), 42.into(), NONE)).await;
    assert_eq!(text(&refused, "name"), "TypeError");
}

/// Content-Type and user metadata go up; head and getObjectMeta read them back.
pub async fn head_and_meta(bucket: &str) {
    let c = client(bucket);
    let options = obj(&[
        ("mime", "text/plain".into()),
        ("meta", obj(&[("color", "blue".into())])),
    ]);
    ok(c.put("meta/a.txt".into(), "twelve bytes".into(), options)).await;
    let head = ok(c.head("meta/a.txt".into(), NONE)).await;
    assert_eq!(num(&head, "status"), 200.0);
    assert_eq!(text(&head, "meta.color"), "blue");
    assert_eq!(text(&head, "res.headers.content-type"), "text/plain");
    assert_eq!(text(&head, "res.headers.content-length"), "12");
    let meta = ok(c.get_object_meta("meta/a.txt".into(), NONE)).await;
    assert_eq!(num(&meta, "status"), 200.0);
    assert_eq!(text(&meta, "res.headers.content-length"), "12");
}

/// OSS's errors arrive as Error objects with ali-oss's fields, HEAD's (from x-oss-err) too.
pub async fn errors(bucket: &str, in_browser: bool) {
    let c = client(bucket);
    let e = err(c.get("errors/missing".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "NoSuchKeyError");
    assert_eq!(text(&e, "code"), "NoSuchKey");
    assert_eq!(num(&e, "status"), 404.0);
    assert!(!text(&e, "requestId").is_empty(), "no requestId");
    assert!(!text(&e, "hostId").is_empty(), "no hostId");
    assert!(!text(&e, "message").is_empty());

    let e = err(c.head("errors/missing".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "NoSuchKeyError");
    assert_eq!(num(&e, "status"), 404.0);
    assert!(!text(&e, "requestId").is_empty());

    let e = err(client("no-such-bucket-here").list(NONE)).await;
    if in_browser {
        // A bucket that does not exist has no CORS rule: the page sees a network error.
        assert_eq!(text(&e, "name"), "RequestError");
        assert_eq!(num(&e, "status"), -1.0);
    } else {
        assert_eq!(text(&e, "code"), "NoSuchBucket");
    }

    let wrong = client_at(endpoint(), bucket, &[("accessKeySecret", "wrong".into())]);
    let e = err(wrong.get("errors/missing".into(), NONE)).await;
    assert_eq!(text(&e, "code"), "SignatureDoesNotMatch");
    assert_eq!(num(&e, "status"), 403.0);

    // Refused before anything is sent.
    let e = err(c.get("".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "ClientError");
}

/// delete, deleteMulti and list, in ali-oss's shapes.
pub async fn delete_and_list(bucket: &str) {
    let c = client(bucket);
    for key in ["list/a/1", "list/a/2", "list/b", "list/c"] {
        ok(c.put(key.into(), key.into(), NONE)).await;
    }
    let page = ok(c.list(obj(&[
        ("prefix", "list/".into()),
        ("delimiter", "/".into()),
    ])))
    .await;
    let objects = Array::from(&get(&page, "objects"));
    let names: Vec<String> = objects.iter().map(|o| text(&o, "name")).collect();
    assert_eq!(names, ["list/b", "list/c"]);
    assert_eq!(strings(&get(&page, "prefixes")), ["list/a/"]);
    assert_eq!(get(&page, "isTruncated"), JsValue::FALSE);
    let first = objects.get(0);
    assert_eq!(num(&first, "size"), 6.0);
    assert_eq!(text(&first, "type"), "Normal");
    assert!(text(&first, "etag").starts_with('"'));
    assert!(text(&first, "lastModified").ends_with(".000Z"));
    assert_eq!(
        text(&first, "url"),
        format!("{}/{bucket}/list/b", endpoint())
    );

    let page = ok(c.list(obj(&[("prefix", "list/".into()), ("max-keys", 2.into())]))).await;
    assert_eq!(Array::from(&get(&page, "objects")).length(), 2);
    assert_eq!(get(&page, "isTruncated"), JsValue::TRUE);
    let marker = text(&page, "nextMarker");
    let rest = ok(c.list(obj(&[
        ("prefix", "list/".into()),
        ("marker", marker.into()),
    ])))
    .await;
    let names: Vec<String> = Array::from(&get(&rest, "objects"))
        .iter()
        .map(|o| text(&o, "name"))
        .collect();
    assert_eq!(names, ["list/b", "list/c"]);

    // Every page through the async iterator: pages of 2, 2 and 0 … following nextMarker.
    let iterable = c
        .list_pages(obj(&[("prefix", "list/".into()), ("max-keys", 3.into())]))
        .unwrap();
    let make: js_sys::Function = Reflect::get(&iterable, &js_sys::Symbol::async_iterator())
        .unwrap()
        .unchecked_into();
    let iterator = make.call0(&iterable).unwrap();
    let next: js_sys::Function = get(&iterator, "next").unchecked_into();
    let mut pages = Vec::new();
    loop {
        let step = ok(next.call0(&iterator).unwrap().unchecked_into()).await;
        if get(&step, "done").is_truthy() {
            break;
        }
        let page = get(&step, "value");
        let names: Vec<String> = Array::from(&get(&page, "objects"))
            .iter()
            .map(|o| text(&o, "name"))
            .collect();
        pages.push(names);
    }
    assert_eq!(
        pages,
        [vec!["list/a/1", "list/a/2", "list/b"], vec!["list/c"]]
    );

    let names = Array::of2(&"list/a/1".into(), &"list/a/2".into());
    let deleted = ok(c.delete_multi(names.into(), NONE)).await;
    let mut keys: Vec<String> = Array::from(&get(&deleted, "deleted"))
        .iter()
        .map(|d| text(&d, "Key"))
        .collect();
    keys.sort();
    assert_eq!(keys, ["list/a/1", "list/a/2"]);
    let quiet = ok(c.delete_multi(
        Array::of1(&"list/b".into()).into(),
        obj(&[("quiet", true.into())]),
    ))
    .await;
    assert_eq!(Array::from(&get(&quiet, "deleted")).length(), 0);

    let gone = ok(c.delete("list/c".into(), NONE)).await;
    assert_eq!(num(&gone, "res.status"), 204.0);
    let page = ok(c.list(obj(&[("prefix", "list/".into())]))).await;
    assert_eq!(Array::from(&get(&page, "objects")).length(), 0);
    assert_eq!(
        text(&err(c.get("list/c".into(), NONE)).await, "code"),
        "NoSuchKey"
    );
}

/// append continues an Appendable object; the whole object's CRC is checked when the previous
/// one is given; a wrong position is the server's 409.
pub async fn append(bucket: &str) {
    let c = client(bucket);
    ok(c.delete("append/log".into(), NONE)).await;
    let first = ok(c.append("append/log".into(), "abc".into(), NONE)).await;
    assert_eq!(text(&first, "nextAppendPosition"), "3");
    assert_eq!(
        text(&first, "crc64"),
        oss_core::crc64::checksum(b"abc").to_string()
    );
    let options = obj(&[("position", "3".into()), ("initCrc", get(&first, "crc64"))]);
    let second = ok(c.append("append/log".into(), u8a(b"def"), options)).await;
    assert_eq!(text(&second, "nextAppendPosition"), "6");
    assert_eq!(
        text(&second, "crc64"),
        oss_core::crc64::checksum(b"abcdef").to_string()
    );
    // Without initCrc after position 0 nothing can be compared, and the append still works.
    let third = ok(c.append(
        "append/log".into(),
        "g".into(),
        obj(&[("position", 6.into())]),
    ))
    .await;
    assert_eq!(text(&third, "nextAppendPosition"), "7");
    assert_eq!(
        bytes(&ok(c.get("append/log".into(), NONE)).await, "content"),
        b"abcdefg"
    );

    let e = err(c.append(
        "append/log".into(),
        "x".into(),
        obj(&[("position", 1.into())]),
    ))
    .await;
    assert_eq!(text(&e, "code"), "PositionNotEqualToLength");
    assert_eq!(num(&e, "status"), 409.0);

    // A wrong initCrc: the server's CRC of the whole object disagrees.
    let options = obj(&[("position", 7.into()), ("initCrc", "12345".into())]);
    let e = err(c.append("append/log".into(), "h".into(), options)).await;
    assert_eq!(text(&e, "name"), "InconsistentError");
}

/// copy within the bucket, and from "/bucket/key".
pub async fn copy(bucket: &str) {
    let c = client(bucket);
    ok(c.put(
        "copy/src".into(),
        "copied bytes".into(),
        obj(&[("meta", obj(&[("color", "red".into())]))]),
    ))
    .await;
    let copied = ok(c.copy("copy/dst".into(), "copy/src".into(), NONE, NONE)).await;
    assert_eq!(num(&copied, "res.status"), 200.0);
    assert!(text(&copied, "data.etag").starts_with('"'));
    assert_eq!(
        bytes(&ok(c.get("copy/dst".into(), NONE)).await, "content"),
        b"copied bytes"
    );
    let source = format!("/{bucket}/copy/src");
    let options = obj(&[("meta", obj(&[("color", "green".into())]))]);
    ok(c.copy("copy/dst2".into(), source, options, NONE)).await;
    let head = ok(c.head("copy/dst2".into(), NONE)).await;
    assert_eq!(text(&head, "meta.color"), "green");
    ok(c.copy("copy/dst3".into(), "copy/src".into(), bucket.into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("copy/dst3".into(), NONE)).await, "content"),
        b"copied bytes"
    );
}

/// A presigned URL works with plain fetch: GET, and a PUT with its Content-Type.
pub async fn signature_url(bucket: &str) {
    let c = client(bucket);
    ok(c.put("signed/a".into(), "signed content".into(), NONE)).await;
    let url = c
        .signature_url("signed/a".into(), obj(&[("expires", 60.into())]))
        .unwrap();
    // V1 (`Expires`, `Signature`) or V4 (`x-oss-expires`, `x-oss-signature`).
    assert!(
        url.contains("xpires=") && url.contains("ignature="),
        "{url}"
    );
    let response: web_sys::Response = JsFuture::from(plain_fetch(&url, &NONE))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 200);
    let body = JsFuture::from(response.array_buffer().unwrap())
        .await
        .unwrap();
    assert_eq!(Uint8Array::new(&body).to_vec(), b"signed content");

    let options = obj(&[
        ("method", "PUT".into()),
        ("Content-Type", "text/plain".into()),
    ]);
    let url = c.signature_url("signed/b".into(), options).unwrap();
    let init = obj(&[
        ("method", "PUT".into()),
        ("headers", obj(&[("Content-Type", "text/plain".into())])),
        ("body", "put through a URL".into()),
    ]);
    let response: web_sys::Response = JsFuture::from(plain_fetch(&url, &init))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 200);
    let got = ok(c.get("signed/b".into(), NONE)).await;
    assert_eq!(bytes(&got, "content"), b"put through a URL");
    assert_eq!(text(&got, "res.headers.content-type"), "text/plain");

    // Expired: refused.
    let url = c.signature_url("signed/a".into(), obj(&[("expires", (-10).into())]));
    if let Ok(url) = url {
        let response: web_sys::Response = JsFuture::from(plain_fetch(&url, &NONE))
            .await
            .unwrap()
            .unchecked_into();
        assert_eq!(response.status(), 403);
    }
}

/// The emulator flips a byte of every object answer under corrupt/: the CRC-64 check fires.
pub async fn crc_mismatch(bucket: &str) {
    let c = client_at(endpoint(), bucket, &[("retryMax", 0.into())]);
    ok(c.put("corrupt/object".into(), u8a(&pattern(4096)), NONE)).await;
    let e = err(c.get("corrupt/object".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "InconsistentError");
    assert_eq!(num(&e, "status"), 200.0);
    assert!(!text(&e, "requestId").is_empty());
    assert_ne!(text(&e, "clientCrc"), text(&e, "serverCrc"));
    assert_eq!(
        text(&e, "serverCrc"),
        oss_core::crc64::checksum(&pattern(4096)).to_string()
    );
}

/// A clock an hour slow: the first answer is RequestTimeTooSkewed, the client learns OSS's
/// time from it and the retried request goes through; later requests and presigned URLs use
/// the offset (before it is learned, a URL for 60 s is already an hour expired).
pub async fn clock_skew(bucket: &str) {
    ok(client(bucket).put("skew/a".into(), "on time".into(), NONE)).await;
    let slow = [
        ("amendTimeSkewed", JsValue::from(-3_600_000)),
        ("retryMax", 0.into()),
    ];
    let c = client_at(endpoint(), bucket, &slow);
    assert_eq!(c.amend_time_skewed(), -3_600_000.0);
    let status = |url: String| async move {
        let response: web_sys::Response = JsFuture::from(plain_fetch(&url, &NONE))
            .await
            .unwrap()
            .unchecked_into();
        response.status()
    };
    let expires = obj(&[("expires", 60.into())]);
    let early = c.signature_url("skew/a".into(), expires.clone()).unwrap();
    assert_eq!(
        status(early).await,
        403,
        "an hour-slow clock signs expired URLs"
    );

    ok(c.put("skew/b".into(), "learned".into(), NONE)).await;
    assert!(
        c.amend_time_skewed().abs() < 5_000.0,
        "offset {}",
        c.amend_time_skewed()
    );
    let later = c.signature_url("skew/a".into(), expires).unwrap();
    assert_eq!(status(later).await, 200);
    assert_eq!(
        bytes(&ok(c.get("skew/b".into(), NONE)).await, "content"),
        b"learned"
    );
}

/// 30 % of the answers under flaky/ are 503: retries carry every call through; without
/// retries some fail with OSS's error.
pub async fn retries(bucket: &str, expect_503: bool) {
    let c = client_at(flaky_endpoint(), bucket, &[("retryMax", 10.into())]);
    for i in 0..8 {
        let key = format!("flaky/{i}");
        let data = pattern(1000 + i);
        ok(c.put(key.clone(), u8a(&data), NONE)).await;
        assert_eq!(bytes(&ok(c.get(key, NONE)).await, "content"), data);
    }
    let once = client_at(flaky_endpoint(), bucket, &[("retryMax", 0.into())]);
    let mut failures = Vec::new();
    for _ in 0..30 {
        if let Err(e) = JsFuture::from(once.get("flaky/0".into(), NONE)).await {
            failures.push((text(&e, "name"), num(&e, "status")));
        }
    }
    assert!(
        !failures.is_empty(),
        "30 requests at 30 % failure and none failed"
    );
    if expect_503 {
        assert!(
            failures
                .iter()
                .all(|f| *f == ("ServiceUnavailableError".to_string(), 503.0)),
            "{failures:?}"
        );
    }
}

/// Creates `bucket` (if needed) with the CORS rule browsers need, through the API.
pub async fn create_with_cors(endpoint: &str, bucket: &str) {
    let c = client_at(endpoint, bucket, &[]);
    if let Err(e) = JsFuture::from(c.put_bucket(bucket.into(), NONE)).await {
        assert_eq!(text(&e, "code"), "BucketAlreadyExists");
    }
    let set = ok(c.put_bucket_cors(bucket.into(), cors_rules())).await;
    assert_eq!(num(&set, "res.status"), 200.0);
    let got = ok(c.get_bucket_cors(bucket.into())).await;
    let rules = Array::from(&get(&got, "rules"));
    assert_eq!(rules.length(), 1);
    let rule = rules.get(0);
    assert_eq!(strings(&get(&rule, "AllowedOrigin")), ["*"]);
    assert_eq!(
        strings(&get(&rule, "AllowedMethod")),
        ["GET", "PUT", "POST", "DELETE", "HEAD"]
    );
    assert_eq!(strings(&get(&rule, "ExposeHeader"))[0], "ETag");
    assert_eq!(text(&rule, "MaxAgeSeconds"), "600");
}

/// The emulator waits 3 s under slow/: a 300 ms timeout aborts the request (AbortSignal), and
/// the call rejects with ConnectionTimeoutError; retried, each attempt times out again.
pub async fn timeout(bucket: &str) {
    let c = client_at(
        slow_endpoint(),
        bucket,
        &[("timeout", 300.into()), ("retryMax", 1.into())],
    );
    let started = js_sys::Date::now();
    let e = err(c.get("slow/anything".into(), NONE)).await;
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(text(&e, "name"), "ConnectionTimeoutError");
    assert_eq!(num(&e, "status"), -1.0);
    // Two attempts of 300 ms and a pause below 100 ms: well under the emulator's 3 s.
    assert!((550.0..2_500.0).contains(&elapsed), "took {elapsed} ms");
    // The caller's signal: aborted after 200 ms, the call rejects then, with no retry.
    let c = client_at(slow_endpoint(), bucket, &[("retryMax", 3.into())]);
    let controller = web_sys::AbortController::new().unwrap();
    let abort = Closure::once_into_js({
        let controller = controller.clone();
        move || controller.abort()
    });
    set_timeout(&abort, 200);
    let started = js_sys::Date::now();
    let options = obj(&[("signal", controller.signal().into())]);
    let e = err(c.get("slow/anything".into(), options)).await;
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(text(&e, "name"), "AbortError");
    assert!((150.0..1_500.0).contains(&elapsed), "took {elapsed} ms");
    // An aborted signal refuses at once.
    let options = obj(&[("signal", controller.signal().into())]);
    let e = err(c.put("fast/b".into(), "never".into(), options)).await;
    assert_eq!(text(&e, "name"), "AbortError");
    assert_eq!(
        text(&err(c.get("fast/b".into(), NONE)).await, "code"),
        "NoSuchKey"
    );

    // Outside slow/ the same client is fast.
    ok(c.put("fast/a".into(), "quick".into(), NONE)).await;
}

/// STS credentials: the token travels in `x-oss-security-token` (a header the CORS rule must
/// allow) and as `security-token` in presigned URLs; a wrong token is refused.
pub async fn sts(bucket: &str) {
    let sts = [
        ("accessKeyId", JsValue::from("STS.wasm-test")),
        ("accessKeySecret", "wasm-sts-secret".into()),
        ("stsToken", "wasm-sts-token".into()),
    ];
    let c = client_at(endpoint(), bucket, &sts);
    ok(c.put("sts/a".into(), "via STS".into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("sts/a".into(), NONE)).await, "content"),
        b"via STS"
    );
    let url = c.signature_url("sts/a".into(), NONE).unwrap();
    assert!(url.contains("security-token=wasm-sts-token"), "{url}");
    let response: web_sys::Response = JsFuture::from(plain_fetch(&url, &NONE))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 200);

    let mut wrong = sts.to_vec();
    wrong.push(("stsToken", "not-the-token".into()));
    let e = err(client_at(endpoint(), bucket, &wrong).get("sts/a".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "InvalidSecurityTokenError");
    assert_eq!(num(&e, "status"), 403.0);
}

/// putACL/getACL and putSymlink/getSymlink.
pub async fn acl_and_symlink(bucket: &str) {
    let c = client(bucket);
    ok(c.put("acl/a".into(), "target data".into(), NONE)).await;
    assert_eq!(
        text(&ok(c.get_acl("acl/a".into(), NONE)).await, "acl"),
        "default"
    );
    ok(c.put_acl("acl/a".into(), "public-read".into(), NONE)).await;
    assert_eq!(
        text(&ok(c.get_acl("acl/a".into(), NONE)).await, "acl"),
        "public-read"
    );
    let e = err(c.put_acl("acl/a".into(), "everyone".into(), NONE)).await;
    assert_eq!(text(&e, "name"), "ClientError");

    ok(c.put_symlink("acl/link".into(), "acl/a".into(), NONE)).await;
    let link = ok(c.get_symlink("acl/link".into(), NONE)).await;
    assert_eq!(text(&link, "targetName"), "acl/a");
    // GET on the link answers with the target's data.
    assert_eq!(
        bytes(&ok(c.get("acl/link".into(), NONE)).await, "content"),
        b"target data"
    );
}

/// A `refreshSTSToken` that counts its calls and resolves 50 ms later (long enough for
/// concurrent requests to find it in flight) with the emulator's STS key.
fn refresher(calls: std::rc::Rc<std::cell::Cell<u32>>) -> JsValue {
    let closure = Closure::<dyn FnMut() -> Promise>::new(move || {
        calls.set(calls.get() + 1);
        let credentials = obj(&[
            ("accessKeyId", "STS.wasm-test".into()),
            ("accessKeySecret", "wasm-sts-secret".into()),
            ("stsToken", "wasm-sts-token".into()),
        ]);
        Promise::new(&mut |resolve, _| {
            set_timeout(&resolve.bind1(&JsValue::NULL, &credentials).into(), 50);
        })
    });
    closure.into_js_value()
}

/// Five requests at once, all resolved.
async fn five_at_once(c: &Client, bucket_key: &str) -> Vec<JsValue> {
    let calls: Array = (0..5)
        .map(|i| JsValue::from(c.put(format!("{bucket_key}/{i}"), format!("n{i}").into(), NONE)))
        .collect();
    let all = ok(Promise::all(&calls)).await;
    Array::from(&all).iter().collect()
}

/// STS refresh without races: five concurrent requests with no credentials yet share one
/// refreshSTSToken() call; so do five concurrent requests whose token OSS refuses.
pub async fn sts_refresh(bucket: &str) {
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    // No keys at all: the first requests wait for the refresh.
    let options = obj(&[
        ("endpoint", endpoint().into()),
        ("bucket", bucket.into()),
        ("refreshSTSToken", refresher(calls.clone())),
    ]);
    let c = Client::new(options).unwrap();
    let results = five_at_once(&c, "refresh/first").await;
    assert_eq!(results.len(), 5);
    assert_eq!(calls.get(), 1, "one refresh for five requests");
    ok(c.get("refresh/first/0".into(), NONE)).await;
    assert_eq!(calls.get(), 1, "the interval has not passed");

    let stale = std::rc::Rc::new(std::cell::Cell::new(0));
    let options = [
        ("accessKeyId", JsValue::from("STS.wasm-test")),
        ("accessKeySecret", "wasm-sts-secret".into()),
        ("stsToken", "an-expired-token".into()),
        ("refreshSTSToken", refresher(stale.clone())),
    ];
    let c = client_at(endpoint(), bucket, &options);
    five_at_once(&c, "refresh/stale").await;
    assert_eq!(stale.get(), 1, "one refresh for five refused requests");
    let got = ok(c.get("refresh/stale/4".into(), NONE)).await;
    assert_eq!(bytes(&got, "content"), b"n4");
    assert_eq!(stale.get(), 1);

    // Without refreshSTSToken a refused token is the caller's error.
    let without = [
        ("accessKeyId", JsValue::from("STS.wasm-test")),
        ("accessKeySecret", "wasm-sts-secret".into()),
        ("stsToken", "an-expired-token".into()),
    ];
    let e = err(client_at(endpoint(), bucket, &without).get("refresh/stale/4".into(), NONE)).await;
    assert_eq!(text(&e, "code"), "InvalidSecurityToken");
}

/// The multipart calls by hand, as ali-oss users write them: parts read from slices of one
/// Blob (never the whole of it), each part's CRC-64 checked, completed, read back whole.
pub async fn multipart_calls(bucket: &str) {
    let c = client(bucket);
    let data = pattern(250_000);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&u8a(&data))).unwrap();
    let init = ok(c.init_multipart_upload("multipart/a".into(), NONE)).await;
    let upload_id = text(&init, "uploadId");
    assert!(!upload_id.is_empty());
    // OSS refuses parts below 100 KiB but the last.
    let size = 100 * 1024;
    let parts = Array::new();
    for (i, start) in (0..data.len()).step_by(size).enumerate() {
        let end = (start + size).min(data.len());
        let part = ok(c.upload_part(
            "multipart/a".into(),
            upload_id.clone(),
            i as u32 + 1,
            blob.clone().into(),
            Some(start as f64),
            Some(end as f64),
            NONE,
        ))
        .await;
        assert_eq!(
            text(&part, "crc64"),
            oss_core::crc64::checksum(&data[start..end]).to_string()
        );
        parts.push(&obj(&[
            ("number", (i as u32 + 1).into()),
            ("etag", get(&part, "etag")),
        ]));
    }
    let done =
        ok(c.complete_multipart_upload("multipart/a".into(), upload_id, parts.into(), NONE)).await;
    assert_eq!(
        text(&done, "crc64"),
        oss_core::crc64::checksum(&data).to_string()
    );
    assert_eq!(
        bytes(&ok(c.get("multipart/a".into(), NONE)).await, "content"),
        data
    );

    // Bytes sliced the same way, then abandoned.
    let init = ok(c.init_multipart_upload("multipart/b".into(), NONE)).await;
    let upload_id = text(&init, "uploadId");
    let part = ok(c.upload_part(
        "multipart/b".into(),
        upload_id.clone(),
        1,
        u8a(&data),
        Some(10.0),
        Some(20.0),
        NONE,
    ))
    .await;
    assert_eq!(
        text(&part, "crc64"),
        oss_core::crc64::checksum(&data[10..20]).to_string()
    );
    ok(c.abort_multipart_upload("multipart/b".into(), upload_id.clone(), NONE)).await;
    let gone = Array::of1(&obj(&[("number", 1.into()), ("etag", get(&part, "etag"))]));
    let e =
        err(c.complete_multipart_upload("multipart/b".into(), upload_id, gone.into(), NONE)).await;
    assert_eq!(text(&e, "code"), "NoSuchUpload");
}

#[wasm_bindgen]
extern "C" {
    type FormData;
    #[wasm_bindgen(constructor)]
    fn new() -> FormData;
    #[wasm_bindgen(method)]
    fn append(this: &FormData, name: &str, value: &JsValue);
    #[wasm_bindgen(method, js_name = append)]
    fn append_file(this: &FormData, name: &str, value: &JsValue, filename: &str);

    type Blob;
    #[wasm_bindgen(constructor)]
    fn new(parts: &Array) -> Blob;
}

/// `fetch(url, init)` answered: status and body text.
async fn fetch_text(url: &str, init: &JsValue) -> (u16, String) {
    let response: web_sys::Response = JsFuture::from(plain_fetch(url, init))
        .await
        .unwrap()
        .unchecked_into();
    let text = JsFuture::from(response.text().unwrap()).await.unwrap();
    (response.status(), text.as_string().unwrap_or_default())
}

/// A region makes the client sign V4 by default; signatureUrl follows the client's version and
/// signatureUrlV4 always signs V4, with the additional headers it names, which the user of
/// the URL must then send unchanged.
pub async fn signature_v4(bucket: &str) {
    let c = client_at(endpoint(), bucket, &[("region", "oss-cn-hangzhou".into())]);
    ok(c.put("v4/a".into(), "v4 content".into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("v4/a".into(), NONE)).await, "content"),
        b"v4 content"
    );
    let url = c
        .signature_url("v4/a".into(), obj(&[("expires", 60.into())]))
        .unwrap();
    assert!(
        url.contains("x-oss-signature-version=OSS4-HMAC-SHA256"),
        "{url}"
    );
    assert_eq!(fetch_text(&url, &NONE).await, (200, "v4 content".into()));

    let request = obj(&[("headers", obj(&[("x-oss-meta-asked", "yes".into())]))]);
    let signed = ["x-oss-meta-asked"]
        .iter()
        .map(|h| JsValue::from(*h))
        .collect::<Array>();
    let url = c
        .signature_url_v4("GET".into(), 60.0, request, "v4/a".into(), signed.into())
        .unwrap();
    assert!(url.contains("x-oss-credential="), "{url}");
    let with = |value: &str| obj(&[("headers", obj(&[("x-oss-meta-asked", value.into())]))]);
    assert_eq!(fetch_text(&url, &with("yes")).await.0, 200);
    // A signed header sent with another value breaks the signature.
    let (status, body) = fetch_text(&url, &with("no")).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    // Choosing V4 without a region is refused when the client is made.
    let refused = Client::new(obj(&[
        ("endpoint", endpoint().into()),
        ("accessKeyId", key_id().into()),
        ("accessKeySecret", key_secret().into()),
        ("signatureVersion", "v4".into()),
    ]));
    assert!(refused.is_err());
}

/// A browser form (PostObject) with a V4 policy made by postObjectForm uploads; what the policy
/// forbids is refused with OSS's errors.
pub async fn post_object(bucket: &str) {
    let c = client_at(
        endpoint(),
        bucket,
        &[
            ("signatureVersion", "v4".into()),
            ("region", "cn-hangzhou".into()),
        ],
    );
    let in_ten_minutes = js_sys::Date::new(&(js_sys::Date::now() + 600_000.0).into());
    let conditions = Array::of2(
        &Array::of3(&"starts-with".into(), &"$key".into(), &"form/".into()),
        &Array::of3(&"content-length-range".into(), &1.into(), &100.into()),
    );
    let policy = obj(&[
        ("expiration", in_ten_minutes.into()),
        ("conditions", conditions.clone().into()),
    ]);
    let form = c.post_object_form(policy).unwrap();
    assert_eq!(
        text(&form, "fields.x-oss-signature-version"),
        "OSS4-HMAC-SHA256"
    );
    let post = |form: JsValue, key: &'static str, data: &'static str| async move {
        let body = FormData::new();
        body.append("key", &key.into());
        for entry in js_sys::Object::entries(&get(&form, "fields").unchecked_into()).iter() {
            let pair = Array::from(&entry);
            body.append(&pair.get(0).as_string().unwrap(), &pair.get(1));
        }
        body.append_file(
            "file",
            &Blob::new(&Array::of1(&data.into())).into(),
            "f.txt",
        );
        let init = obj(&[("method", "POST".into()), ("body", body.into())]);
        fetch_text(&text(&form, "url"), &init).await
    };
    assert_eq!(post(form.clone(), "form/a.txt", "from a form").await.0, 204);
    assert_eq!(
        bytes(&ok(c.get("form/a.txt".into(), NONE)).await, "content"),
        b"from a form"
    );
    let (status, body) = post(form.clone(), "elsewhere/a.txt", "x").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Policy Condition failed"), "{body}");
    let big: &'static str = Box::leak("x".repeat(101).into_boxed_str());
    let (status, body) = post(form.clone(), "form/big.txt", big).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");
    // Signed by a client whose clock is an hour slow: valid by its clock, expired by OSS's.
    let slow = client_at(
        endpoint(),
        bucket,
        &[
            ("signatureVersion", "v4".into()),
            ("region", "cn-hangzhou".into()),
            ("amendTimeSkewed", (-3_600_000).into()),
        ],
    );
    let a_minute_ago = js_sys::Date::new(&(js_sys::Date::now() - 60_000.0).into());
    let policy = obj(&[
        ("expiration", a_minute_ago.into()),
        ("conditions", conditions.into()),
    ]);
    let (status, body) = post(slow.post_object_form(policy).unwrap(), "form/late.txt", "x").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Policy expired"), "{body}");
}

// ---- streaming downloads and progress ------------------------------------------------------

/// The `(bytesDone, totalBytes)` of each progress call.
pub type ProgressCalls = std::rc::Rc<std::cell::RefCell<Vec<(f64, f64)>>>;

/// A `progress` callback for options, and what it was called with.
pub fn progress_recorder() -> (JsValue, ProgressCalls) {
    let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = calls.clone();
    let callback = Closure::<dyn FnMut(f64, f64)>::new(move |done, total| {
        seen.borrow_mut().push((done, total));
    });
    (callback.into_js_value(), calls)
}

/// Reads a `ReadableStream<Uint8Array>` to its end: the bytes and the number of chunks, or
/// what a `read()` rejected with.
pub async fn read_stream(stream: &JsValue) -> Result<(Vec<u8>, usize), JsValue> {
    let stream: web_sys::ReadableStream = stream
        .clone()
        .dyn_into()
        .expect("stream is a ReadableStream");
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let (mut data, mut chunks) = (Vec::new(), 0);
    loop {
        let next = JsFuture::from(reader.read()).await?;
        if get(&next, "done").is_truthy() {
            return Ok((data, chunks));
        }
        let chunk: Uint8Array = get(&next, "value").dyn_into().expect("a Uint8Array chunk");
        data.extend(chunk.to_vec());
        chunks += 1;
    }
}

/// Per-chunk download progress: one call per chunk, bytes done rising strictly, the total
/// the object's size throughout, the last call at exactly the total.
fn assert_download_progress(calls: &[(f64, f64)], size: usize, chunks: Option<usize>) {
    assert!(calls.len() > 1, "one call per chunk, got {calls:?}");
    if let Some(chunks) = chunks {
        assert_eq!(calls.len(), chunks, "one call per chunk");
    }
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "bytes done rise: {calls:?}"
    );
    assert!(calls.iter().all(|&(_, total)| total == size as f64));
    assert_eq!(calls.last().unwrap().0, size as f64);
}

/// getStream of a 3 MiB object: the bytes exactly, in more than one chunk, each chunk
/// reported as it arrives.
pub async fn get_stream(bucket: &str) {
    let c = client(bucket);
    let data = pattern(3 << 20);
    ok(c.put("stream/3mib".into(), u8a(&data), NONE)).await;
    let (progress, calls) = progress_recorder();
    let got = ok(c.get_stream("stream/3mib".into(), obj(&[("progress", progress)]))).await;
    assert_eq!(num(&got, "res.status"), 200.0);
    assert_eq!(
        text(&got, "res.headers.x-oss-hash-crc64ecma"),
        oss_core::crc64::checksum(&data).to_string()
    );
    let (read, chunks) = read_stream(&get(&got, "stream"))
        .await
        .unwrap_or_else(|e| panic!("read: {e:?}"));
    assert!(read == data, "the bytes differ");
    assert!(chunks > 1, "{chunks} chunk(s)");
    assert_download_progress(&calls.borrow(), data.len(), Some(chunks));

    // An empty object: no chunk, one call at 0 of 0.
    ok(c.put("stream/empty".into(), u8a(&[]), NONE)).await;
    let (progress, calls) = progress_recorder();
    let got = ok(c.get_stream("stream/empty".into(), obj(&[("progress", progress)]))).await;
    assert_eq!(
        read_stream(&get(&got, "stream")).await.unwrap(),
        (vec![], 0)
    );
    assert_eq!(*calls.borrow(), [(0.0, 0.0)]);
}

/// A corrupted answer (the emulator flips a byte under corrupt/): the stream errors at its
/// end with an InconsistentError; a ranged getStream is not checked (the server's CRC-64 is
/// the whole object's).
pub async fn get_stream_corrupt(bucket: &str) {
    let c = client_at(endpoint(), bucket, &[("retryMax", 0.into())]);
    let data = pattern(300_000);
    ok(c.put("corrupt/stream".into(), u8a(&data), NONE)).await;
    let got = ok(c.get_stream("corrupt/stream".into(), NONE)).await;
    assert_eq!(num(&got, "res.status"), 200.0);
    let e = read_stream(&get(&got, "stream"))
        .await
        .expect_err("a corrupted stream must error");
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(text(&e, "name"), "InconsistentError");
    assert_eq!(num(&e, "status"), 200.0);
    assert!(!text(&e, "requestId").is_empty());
    assert_eq!(
        text(&e, "serverCrc"),
        oss_core::crc64::checksum(&data).to_string()
    );
    assert_ne!(text(&e, "clientCrc"), text(&e, "serverCrc"));

    let range = obj(&[("Range", "bytes=1000-200999".into())]);
    let got = ok(c.get_stream("corrupt/stream".into(), obj(&[("headers", range)]))).await;
    assert_eq!(num(&got, "res.status"), 206.0);
    let (read, _) = read_stream(&get(&got, "stream"))
        .await
        .unwrap_or_else(|e| panic!("a range is not checked: {e:?}"));
    assert_eq!(read.len(), 200_000);

    // get with progress reads through the same path: the same check.
    let (progress, _) = progress_recorder();
    let e = err(c.get("corrupt/stream".into(), obj(&[("progress", progress)]))).await;
    assert_eq!(text(&e, "name"), "InconsistentError");
}

/// get with progress: the same per-chunk sequence, the content in one Uint8Array; uploads
/// report once, at the end of their request.
pub async fn get_and_put_progress(bucket: &str) {
    let c = client(bucket);
    let data = pattern(3 << 20);
    let (progress, calls) = progress_recorder();
    let options = obj(&[("progress", progress)]);
    ok(c.put("progress/3mib".into(), u8a(&data), options)).await;
    let size = data.len() as f64;
    assert_eq!(*calls.borrow(), [(size, size)]);

    let (progress, calls) = progress_recorder();
    let got = ok(c.get("progress/3mib".into(), obj(&[("progress", progress)]))).await;
    assert!(bytes(&got, "content") == data, "the bytes differ");
    assert_download_progress(&calls.borrow(), data.len(), None);

    // Position 0 creates the object: not there yet (the suite runs twice on one emulator).
    ok(c.delete("progress/log".into(), NONE)).await;
    let (progress, calls) = progress_recorder();
    let options = obj(&[("position", 0.into()), ("progress", progress)]);
    ok(c.append("progress/log".into(), "12345".into(), options)).await;
    assert_eq!(*calls.borrow(), [(5.0, 5.0)]);

    let init = ok(c.init_multipart_upload("progress/parts".into(), NONE)).await;
    let (progress, calls) = progress_recorder();
    let part = c.upload_part(
        "progress/parts".into(),
        text(&init, "uploadId"),
        1,
        u8a(&data),
        Some(10.0),
        Some(1010.0),
        obj(&[("progress", progress)]),
    );
    ok(part).await;
    assert_eq!(*calls.borrow(), [(1000.0, 1000.0)]);
    ok(c.abort_multipart_upload("progress/parts".into(), text(&init, "uploadId"), NONE)).await;

    let e = err(c.get("progress/3mib".into(), obj(&[("progress", 1.into())]))).await;
    assert_eq!(text(&e, "name"), "TypeError");
}

// ---- bucket configurations, live channels, multipart listings, putMeta ---------------------

/// `JSON.stringify(value)`: results compared whole, key order included.
pub fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).unwrap().as_string().unwrap()
}

/// `JSON.parse(text)`: inputs written as ali-oss users write them.
pub fn from_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

/// The `code` and `status` a call rejects with.
pub async fn rejection(promise: Promise) -> (String, f64) {
    let e = err(promise).await;
    (text(&e, "code"), num(&e, "status"))
}

/// ACL, location, lifecycle, logging, referer and website of `bucket`: every put is read back
/// exactly, every delete leaves the error OSS answers then.
pub async fn bucket_configs(bucket: &str) {
    let c = client(bucket);
    let b = || bucket.to_string();

    let set = ok(c.put_bucket_acl(b(), "public-read".into())).await;
    assert_eq!(num(&set, "res.status"), 200.0);
    let acl = ok(c.get_bucket_acl(b())).await;
    assert_eq!(text(&acl, "acl"), "public-read");
    assert_eq!(
        json(&get(&acl, "owner")),
        r#"{"id":"1047205513514293","displayName":"1047205513514293"}"#
    );
    ok(c.put_bucket_acl(b(), "private".into())).await;
    assert_eq!(text(&ok(c.get_bucket_acl(b())).await, "acl"), "private");
    let e = rejection(c.put_bucket_acl(b(), "public".into())).await;
    assert_eq!(e, ("ClientError".into(), -1.0), "refused before sending");

    let location = ok(c.get_bucket_location(b())).await;
    assert_eq!(text(&location, "location"), "oss-cn-hangzhou");
    assert_eq!(num(&location, "res.status"), 200.0);

    // Lifecycle: ali-oss's rules in, ali-oss's rules out (values as text, tag as an array).
    let rules = from_json(
        r#"[{"id":"logs","prefix":"logs/","status":"Enabled","expiration":{"days":30}},
            {"prefix":"cold/","status":"Disabled",
             "transition":{"days":10,"storageClass":"IA"},"tag":{"key":"k","value":"v"}},
            {"id":"old","prefix":"","status":"Enabled",
             "expiration":{"createdBeforeDate":"2030-01-01T00:00:00.000Z"},
             "abortMultipartUpload":{"days":"2"}}]"#,
    );
    let put = ok(c.put_bucket_lifecycle(b(), rules)).await;
    assert_eq!(num(&put, "res.status"), 200.0);
    let got = ok(c.get_bucket_lifecycle(b())).await;
    assert_eq!(
        json(&get(&got, "rules")),
        concat!(
            r#"[{"id":"logs","prefix":"logs/","status":"Enabled","expiration":{"days":"30"}},"#,
            r#"{"id":"","prefix":"cold/","status":"Disabled","#,
            r#""transition":{"storageClass":"IA","days":"10"},"tag":[{"key":"k","value":"v"}]},"#,
            r#"{"id":"old","prefix":"","status":"Enabled","#,
            r#""expiration":{"createdBeforeDate":"2030-01-01T00:00:00.000Z"},"#,
            r#""abortMultipartUpload":{"days":"2"}}]"#
        )
    );
    // The core checks rules before sending: a status OSS would refuse.
    let bad = from_json(r#"[{"prefix":"","status":"On","expiration":{"days":1}}]"#);
    assert_eq!(
        rejection(c.put_bucket_lifecycle(b(), bad)).await,
        ("ClientError".into(), -1.0)
    );
    ok(c.delete_bucket_lifecycle(b())).await;
    assert_eq!(
        rejection(c.get_bucket_lifecycle(b())).await,
        ("NoSuchLifecycle".into(), 404.0)
    );

    // Logging into the bucket itself.
    ok(c.put_bucket_logging(b(), Some("access/".into()))).await;
    let logging = ok(c.get_bucket_logging(b())).await;
    assert_eq!(get(&logging, "enable"), JsValue::TRUE);
    assert_eq!(text(&logging, "prefix"), "access/");
    ok(c.delete_bucket_logging(b())).await;
    let logging = ok(c.get_bucket_logging(b())).await;
    assert_eq!(get(&logging, "enable"), JsValue::FALSE);
    assert_eq!(get(&logging, "prefix"), JsValue::NULL);

    // Referer.
    let referers = Array::of2(&"https://*.example.com".into(), &"https://a.test".into());
    ok(c.put_bucket_referer(b(), false, referers.into())).await;
    let got = ok(c.get_bucket_referer(b())).await;
    assert_eq!(get(&got, "allowEmpty"), JsValue::FALSE);
    assert_eq!(
        strings(&get(&got, "referers")),
        ["https://*.example.com", "https://a.test"]
    );
    ok(c.put_bucket_referer(b(), true, JsValue::NULL)).await;
    let got = ok(c.get_bucket_referer(b())).await;
    assert_eq!(get(&got, "allowEmpty"), JsValue::TRUE);
    assert_eq!(get(&got, "referers"), JsValue::NULL);

    // Website, with a routing rule written as OSS's XML names it.
    let website = from_json(
        r#"{"index":"home.html","error":"404.html","routingRules":[{"RuleNumber":1,
            "Condition":{"KeyPrefixEquals":"old/","HttpErrorCodeReturnedEquals":404},
            "Redirect":{"RedirectType":"External","Protocol":"https","HostName":"example.com",
                        "HttpRedirectCode":301,"ReplaceKeyPrefixWith":"new/"}}]}"#,
    );
    ok(c.put_bucket_website(b(), website)).await;
    let got = ok(c.get_bucket_website(b())).await;
    assert_eq!(text(&got, "index"), "home.html");
    assert_eq!(text(&got, "error"), "404.html");
    assert_eq!(
        json(&get(&got, "routingRules")),
        concat!(
            r#"[{"RuleNumber":"1","Condition":{"KeyPrefixEquals":"old/","#,
            r#""HttpErrorCodeReturnedEquals":"404"},"Redirect":{"RedirectType":"External","#,
            r#""Protocol":"https","HostName":"example.com","HttpRedirectCode":"301","#,
            r#""ReplaceKeyPrefixWith":"new/"}}]"#
        )
    );
    ok(c.put_bucket_website(b(), from_json("{}"))).await;
    let got = ok(c.get_bucket_website(b())).await;
    assert_eq!(text(&got, "index"), "index.html");
    assert_eq!(get(&got, "error"), JsValue::NULL);
    assert_eq!(json(&get(&got, "routingRules")), "[]");
    ok(c.delete_bucket_website(b())).await;
    assert_eq!(
        rejection(c.get_bucket_website(b())).await,
        ("NoSuchWebsiteConfiguration".into(), 404.0)
    );
}

/// listParts and listUploads after initMultipartUpload/uploadPart; uploadPartCopy then
/// completeMultipartUpload gives the source's bytes; putMeta replaces the metadata.
pub async fn multipart_lists(bucket: &str) {
    let c = client(bucket);
    let data = pattern(150 * 1024);
    let init = ok(c.init_multipart_upload("mpl/a".into(), NONE)).await;
    let id = text(&init, "uploadId");
    let mut etags = Vec::new();
    for (number, range) in [(1u32, 0..100 * 1024), (2, 100 * 1024..data.len())] {
        let part = ok(c.upload_part(
            "mpl/a".into(),
            id.clone(),
            number,
            u8a(&data[range]),
            None,
            None,
            NONE,
        ))
        .await;
        etags.push(text(&part, "etag"));
    }
    let listed = ok(c.list_parts("mpl/a".into(), id.clone(), NONE, NONE)).await;
    assert_eq!(text(&listed, "uploadId"), id);
    assert_eq!(text(&listed, "bucket"), bucket);
    assert_eq!(text(&listed, "name"), "mpl/a");
    assert_eq!(get(&listed, "isTruncated"), JsValue::FALSE);
    let parts = Array::from(&get(&listed, "parts"));
    assert_eq!(parts.length(), 2);
    for (i, size) in [(0u32, 100 * 1024), (1, data.len() - 100 * 1024)] {
        let part = parts.get(i);
        assert_eq!(text(&part, "PartNumber"), (i + 1).to_string());
        assert_eq!(text(&part, "ETag"), etags[i as usize]);
        assert_eq!(text(&part, "Size"), size.to_string());
    }
    // A page of one part, after part 1.
    let page = ok(c.list_parts(
        "mpl/a".into(),
        id.clone(),
        obj(&[("max-parts", 1.into()), ("part-number-marker", 1.into())]),
        NONE,
    ))
    .await;
    let parts = Array::from(&get(&page, "parts"));
    assert_eq!(parts.length(), 1);
    assert_eq!(text(&parts.get(0), "PartNumber"), "2");

    let uploads = ok(c.list_uploads(obj(&[("prefix", "mpl/".into())]), NONE)).await;
    let found = Array::from(&get(&uploads, "uploads"));
    assert_eq!(found.length(), 1);
    assert_eq!(text(&found.get(0), "name"), "mpl/a");
    assert_eq!(text(&found.get(0), "uploadId"), id);
    let initiated = text(&found.get(0), "initiated");
    assert!(
        initiated.ends_with(".000Z") && initiated.len() == 24,
        "{initiated}"
    );
    assert_eq!(text(&uploads, "bucket"), bucket);
    assert_eq!(get(&uploads, "isTruncated"), JsValue::FALSE);
    ok(c.abort_multipart_upload("mpl/a".into(), id.clone(), NONE)).await;
    let uploads = ok(c.list_uploads(obj(&[("prefix", "mpl/".into())]), NONE)).await;
    assert_eq!(Array::from(&get(&uploads, "uploads")).length(), 0);
    assert_eq!(
        rejection(c.list_parts("mpl/a".into(), id, NONE, NONE)).await,
        ("NoSuchUpload".into(), 404.0)
    );

    // uploadPartCopy: two ranges of a source, completed, are its bytes.
    ok(c.put("mpl/source".into(), u8a(&data), NONE)).await;
    let init = ok(c.init_multipart_upload("mpl/copy".into(), NONE)).await;
    let id = text(&init, "uploadId");
    let source = obj(&[
        ("sourceKey", "mpl/source".into()),
        ("sourceBucketName", bucket.into()),
    ]);
    let parts = Array::new();
    for (number, range) in [(1u32, "0-102399"), (2, "102400-")] {
        let part = ok(c.upload_part_copy(
            "mpl/copy".into(),
            id.clone(),
            number,
            Some(range.into()),
            source.clone(),
            NONE,
        ))
        .await;
        assert_eq!(text(&part, "name"), "mpl/copy");
        assert_eq!(num(&part, "res.status"), 200.0);
        parts.push(&obj(&[
            ("number", number.into()),
            ("etag", get(&part, "etag")),
        ]));
    }
    let e = rejection(c.upload_part_copy(
        "mpl/copy".into(),
        id.clone(),
        3,
        Some("ten-twenty".into()),
        source.clone(),
        NONE,
    ))
    .await;
    assert_eq!(e, ("InvalidArgument".into(), -1.0));
    ok(c.complete_multipart_upload("mpl/copy".into(), id, parts.into(), NONE)).await;
    assert_eq!(
        bytes(&ok(c.get("mpl/copy".into(), NONE)).await, "content"),
        data
    );

    // putMeta: the metadata is replaced, the data kept.
    let meta = obj(&[("color", "red".into())]);
    ok(c.put("mpl/meta".into(), u8a(b"kept"), obj(&[("meta", meta)]))).await;
    let blue = obj(&[("color", "blue".into())]);
    let done = ok(c.put_meta("mpl/meta".into(), blue, NONE)).await;
    assert_eq!(num(&done, "res.status"), 200.0);
    assert!(text(&done, "data.etag").starts_with('"'));
    let head = ok(c.head("mpl/meta".into(), NONE)).await;
    assert_eq!(json(&get(&head, "meta")), r#"{"color":"blue"}"#);
    assert_eq!(
        bytes(&ok(c.get("mpl/meta".into(), NONE)).await, "content"),
        b"kept"
    );
}

/// A live channel from creation to deletion: configuration, status, listing, history, a VOD
/// playlist and the signed RTMP URL.
pub async fn live_channels(bucket: &str) {
    let c = client(bucket);
    let conf = from_json(
        r#"{"Description":"channel one","Status":"enabled",
            "Target":{"Type":"HLS","FragDuration":"10","FragCount":5,"PlaylistName":"one.m3u8"}}"#,
    );
    let made = ok(c.put_channel("ch-one".into(), conf)).await;
    let host = endpoint().split_once("://").unwrap().1;
    assert_eq!(
        strings(&get(&made, "publishUrls")),
        [format!("rtmp://{bucket}.{host}/live/ch-one")]
    );
    assert_eq!(
        strings(&get(&made, "playUrls")),
        [format!("http://{bucket}.{host}/ch-one/one.m3u8")]
    );
    let got = ok(c.get_channel("ch-one".into())).await;
    assert_eq!(
        json(&get(&got, "data")),
        concat!(
            r#"{"Description":"channel one","Status":"enabled","Target":{"Type":"HLS","#,
            r#""FragDuration":"10","FragCount":"5","PlaylistName":"one.m3u8"}}"#
        )
    );
    // Defaults for what is left out; the core refuses what OSS would.
    ok(c.put_channel("ch-two".into(), from_json("{}"))).await;
    let got = ok(c.get_channel("ch-two".into())).await;
    assert_eq!(text(&got, "data.Target.FragDuration"), "5");
    assert_eq!(text(&got, "data.Target.FragCount"), "3");
    assert_eq!(text(&got, "data.Status"), "enabled");
    let bad = from_json(r#"{"Target":{"FragCount":101}}"#);
    assert_eq!(
        rejection(c.put_channel("ch-three".into(), bad)).await,
        ("ClientError".into(), -1.0)
    );

    let status = ok(c.get_channel_status("ch-one".into())).await;
    assert_eq!(json(&get(&status, "data")), r#"{"Status":"Idle"}"#);
    ok(c.put_channel_status("ch-one".into(), "disabled".into())).await;
    let status = ok(c.get_channel_status("ch-one".into())).await;
    assert_eq!(json(&get(&status, "data")), r#"{"Status":"Disabled"}"#);

    let listed = ok(c.list_channels(obj(&[("prefix", "ch-".into())]))).await;
    let channels = Array::from(&get(&listed, "channels"));
    let names: Vec<String> = channels.iter().map(|ch| text(&ch, "Name")).collect();
    assert_eq!(names, ["ch-one", "ch-two"]);
    let one = channels.get(0);
    assert_eq!(text(&one, "Description"), "channel one");
    assert_eq!(text(&one, "Status"), "disabled");
    assert_eq!(
        strings(&get(&one, "PublishUrls")),
        [format!("rtmp://{bucket}.{host}/live/ch-one")]
    );
    assert_eq!(
        strings(&get(&one, "PlayUrls")),
        [format!("http://{bucket}.{host}/ch-one/one.m3u8")]
    );
    assert_eq!(get(&listed, "isTruncated"), JsValue::FALSE);
    assert_eq!(get(&listed, "nextMarker"), JsValue::NULL);
    let page = ok(c.list_channels(obj(&[("prefix", "ch-".into()), ("max-keys", 1.into())]))).await;
    assert_eq!(Array::from(&get(&page, "channels")).length(), 1);
    assert_eq!(get(&page, "isTruncated"), JsValue::TRUE);
    assert_eq!(text(&page, "nextMarker"), "ch-one");

    let history = ok(c.get_channel_history("ch-one".into())).await;
    assert_eq!(json(&get(&history, "records")), "[]");

    let now = (js_sys::Date::now() / 1000.0).floor();
    let time = obj(&[("startTime", (now - 60.0).into()), ("endTime", now.into())]);
    let vod = ok(c.create_vod("ch-one".into(), "vod.m3u8".into(), time)).await;
    assert_eq!(num(&vod, "res.status"), 200.0);
    let too_long = obj(&[("startTime", 0.into()), ("endTime", 86_401.into())]);
    assert_eq!(
        rejection(c.create_vod("ch-one".into(), "vod.m3u8".into(), too_long)).await,
        ("ClientError".into(), -1.0)
    );

    // The RTMP URL, exactly as the core signs it for the same expiry.
    let options = obj(&[
        ("expires", 600.into()),
        ("params", obj(&[("playlistName", "one.m3u8".into())])),
    ]);
    let url = c.get_rtmp_url("ch-one".into(), options).unwrap();
    let expires: i64 = url
        .split("Expires=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .parse()
        .unwrap();
    let signer =
        oss_core::sign::Signer::v1(oss_core::Credentials::new(key_id(), key_secret()).unwrap());
    let expected = signer
        .sign_rtmp_url(
            &oss_core::Endpoint::parse(endpoint()).unwrap(),
            bucket,
            "ch-one",
            "one.m3u8",
            expires - 600,
            600,
        )
        .unwrap();
    assert_eq!(url, expected.url);
    let signed = format!(
        "rtmp://{host}/{bucket}/live/ch-one?playlistName=one.m3u8&OSSAccessKeyId={}&Expires={expires}&Signature=",
        key_id()
    );
    assert!(url.starts_with(&signed), "{url}");

    ok(c.delete_channel("ch-one".into())).await;
    ok(c.delete_channel("ch-two".into())).await;
    assert_eq!(
        rejection(c.get_channel("ch-one".into())).await,
        ("NoSuchLiveChannel".into(), 404.0)
    );
}

/// deleteBucketCORS, on a bucket of its own (a page would lose access to it).
pub async fn delete_bucket_cors(bucket: &str) {
    create_with_cors(endpoint(), bucket).await;
    let c = client(bucket);
    let gone = ok(c.delete_bucket_cors(bucket.into())).await;
    assert_eq!(num(&gone, "res.status"), 204.0);
    assert_eq!(
        rejection(c.get_bucket_cors(bucket.into())).await,
        ("NoSuchCORSConfiguration".into(), 404.0)
    );
}

/// A stream outlives the client's `timeout`: the timeout ends when the head has come, then
/// the body goes at the reader's pace (here: nobody reads for longer than the timeout).
pub async fn get_stream_slow_reader(bucket: &str) {
    let data = pattern(3 << 20);
    ok(client(bucket).put("stream/slow-reader".into(), u8a(&data), NONE)).await;
    let c = client_at(endpoint(), bucket, &[("timeout", 1000.into())]);
    let got = ok(c.get_stream("stream/slow-reader".into(), NONE)).await;
    JsFuture::from(Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, 1500);
    }))
    .await
    .unwrap();
    let (read, _) = read_stream(&get(&got, "stream"))
        .await
        .unwrap_or_else(|e| panic!("the stream outlives the timeout: {e:?}"));
    assert!(read == data, "the bytes differ");
}

// ---- multipartUpload -------------------------------------------------------------------------

/// What a multipartUpload `progress` was called with: `p`, and the checkpoint as JSON (null
/// once the object exists).
type UploadCalls = std::rc::Rc<std::cell::RefCell<Vec<(f64, JsValue)>>>;

/// A multipartUpload `progress` recording its calls; `then(call number)` runs after each.
fn upload_recorder(mut then: impl FnMut(usize) + 'static) -> (JsValue, UploadCalls) {
    let calls: UploadCalls = Default::default();
    let seen = calls.clone();
    let callback = Closure::<dyn FnMut(f64, JsValue, JsValue)>::new(
        move |p: f64, checkpoint: JsValue, res: JsValue| {
            assert!(
                num(&res, "status") == 200.0,
                "res is the part's ResponseInfo"
            );
            let json = if checkpoint.is_null() {
                JsValue::NULL
            } else {
                js_sys::JSON::stringify(&checkpoint).unwrap().into()
            };
            let count = {
                let mut calls = seen.borrow_mut();
                calls.push((p, json));
                calls.len()
            };
            then(count);
        },
    );
    (callback.into_js_value(), calls)
}

fn blob(data: &[u8]) -> JsValue {
    web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&u8a(data)))
        .unwrap()
        .into()
}

fn parsed(json: &JsValue) -> JsValue {
    js_sys::JSON::parse(&json.as_string().expect("a checkpoint")).unwrap()
}

fn done_parts(checkpoint: &JsValue) -> u32 {
    Array::from(&get(checkpoint, "doneParts")).length()
}

/// An 8 MiB Blob in 1 MiB parts, 3 in flight: progress rises to exactly 1 (after the object
/// exists, with no checkpoint), each part's call carries a JSON checkpoint; the bytes come
/// back exact. Data of one part or less goes in one PutObject.
pub async fn multipart_upload_blob(bucket: &str) {
    let c = client(bucket);
    let data = pattern(8 << 20);
    let (progress, calls) = upload_recorder(|_| {});
    let options = obj(&[
        ("partSize", (1 << 20).into()),
        ("parallel", 3.into()),
        ("progress", progress),
        ("mime", "application/x-test".into()),
    ]);
    let done = ok(c.multipart_upload("mpu/8mib".into(), blob(&data), options)).await;
    assert_eq!(text(&done, "name"), "mpu/8mib");
    assert_eq!(text(&done, "bucket"), bucket);
    assert!(text(&done, "etag").starts_with('"'));
    assert_eq!(
        text(&done, "crc64"),
        oss_core::crc64::checksum(&data).to_string()
    );
    let calls = calls.borrow().clone();
    // One call per part (the last part's is the final 1).
    assert_eq!(calls.len(), 8, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
    assert_eq!(calls.last().unwrap().0, 1.0);
    assert!(calls.last().unwrap().1.is_null());
    for (i, (p, json)) in calls[..7].iter().enumerate() {
        let checkpoint = parsed(json);
        assert_eq!(done_parts(&checkpoint), i as u32 + 1);
        assert_eq!(*p, f64::from(i as u32 + 1) / 8.0);
        assert_eq!(num(&checkpoint, "fileSize"), data.len() as f64);
        assert_eq!(num(&checkpoint, "partSize"), (1 << 20) as f64);
        assert_eq!(text(&checkpoint, "name"), "mpu/8mib");
    }
    let got = ok(c.get("mpu/8mib".into(), NONE)).await;
    assert!(bytes(&got, "content") == data, "the bytes differ");
    assert_eq!(text(&got, "res.headers.content-type"), "application/x-test");

    // At most one part: one PutObject, one progress call at 1.
    let small = pattern(1000);
    let (progress, calls) = upload_recorder(|_| {});
    let done = ok(c.multipart_upload(
        "mpu/small".into(),
        u8a(&small),
        obj(&[("progress", progress)]),
    ))
    .await;
    assert_eq!(text(&done, "bucket"), bucket);
    assert!(text(&done, "etag").starts_with('"'));
    assert_eq!(calls.borrow().len(), 1);
    assert_eq!(calls.borrow()[0].0, 1.0);
    let got = ok(c.get("mpu/small".into(), NONE)).await;
    assert_eq!(bytes(&got, "content"), small);
}

/// Cancelled through its signal from the progress callback after 3 parts, it rejects with
/// 'cancel'; resumed from the last checkpoint (through JSON), only the missing parts are sent.
pub async fn multipart_upload_resume(bucket: &str) {
    let c = client(bucket);
    // The suite runs twice on one emulator (V1, then V4).
    ok(c.delete("mpu/resume".into(), NONE)).await;
    let size = 100 * 1024;
    let data = pattern(10 * size + 123);
    let controller = web_sys::AbortController::new().unwrap();
    let abort = controller.clone();
    let (progress, calls) = upload_recorder(move |count| {
        if count == 3 {
            abort.abort();
        }
    });
    let options = obj(&[
        ("partSize", size.into()),
        ("parallel", 2.into()),
        ("progress", progress),
        ("signal", controller.signal().into()),
    ]);
    let e = err(c.multipart_upload("mpu/resume".into(), blob(&data), options)).await;
    assert_eq!(text(&e, "name"), "cancel");
    assert!(done_parts(&get(&e, "checkpoint")) >= 3);
    assert_eq!(calls.borrow().len(), 3, "no progress after the cancel");
    // Not completed.
    let missing = err(c.head("mpu/resume".into(), NONE)).await;
    assert_eq!(num(&missing, "status"), 404.0);

    let checkpoint = parsed(&calls.borrow()[2].1);
    assert_eq!(done_parts(&checkpoint), 3);
    let upload_id = text(&checkpoint, "uploadId");
    let (progress, calls) = upload_recorder(|_| {});
    let options = obj(&[
        ("checkpoint", checkpoint),
        ("parallel", 3.into()),
        ("progress", progress),
    ]);
    // The same bytes picked again (another Blob).
    let done = ok(c.multipart_upload("mpu/resume".into(), blob(&data), options)).await;
    let calls = calls.borrow().clone();
    // 11 parts, 3 on the server: 8 sent, one call each.
    assert_eq!(calls.len(), 8, "{calls:?}");
    for (i, (_, json)) in calls[..7].iter().enumerate() {
        let checkpoint = parsed(json);
        assert_eq!(text(&checkpoint, "uploadId"), upload_id);
        assert_eq!(done_parts(&checkpoint), 3 + i as u32 + 1);
    }
    assert!(calls[0].0 > 3.0 / 11.0);
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
    assert_eq!(calls.last().unwrap().0, 1.0);
    assert_eq!(
        text(&done, "crc64"),
        oss_core::crc64::checksum(&data).to_string()
    );
    let got = ok(c.get("mpu/resume".into(), NONE)).await;
    assert!(bytes(&got, "content") == data, "the bytes differ");
}

/// Two uploads on one client; one is cancelled through its signal while parts are in
/// flight: it rejects with 'cancel', the other completes with its bytes exact.
pub async fn multipart_upload_cancel_one(bucket: &str) {
    let c = client(bucket);
    ok(c.delete("mpu/cancelled".into(), NONE)).await;
    let size = 256 * 1024;
    let a = pattern(8 * size);
    let b: Vec<u8> = pattern(8 * size + 1).into_iter().rev().collect();
    let controller = web_sys::AbortController::new().unwrap();
    let abort = controller.clone();
    let (progress, _) = upload_recorder(move |count| {
        if count == 2 {
            abort.abort();
        }
    });
    let cancelled = c.multipart_upload(
        "mpu/cancelled".into(),
        blob(&a),
        obj(&[
            ("partSize", size.into()),
            ("parallel", 2.into()),
            ("progress", progress),
            ("signal", controller.signal().into()),
        ]),
    );
    let (progress, calls) = upload_recorder(|_| {});
    let other = c.multipart_upload(
        "mpu/other".into(),
        blob(&b),
        obj(&[
            ("partSize", size.into()),
            ("parallel", 2.into()),
            ("progress", progress),
        ]),
    );
    let e = err(cancelled).await;
    assert_eq!(text(&e, "name"), "cancel");
    assert_eq!(num(&e, "status"), 0.0);
    assert!(
        calls.borrow().len() < 9,
        "the other upload was still running"
    );
    let done = ok(other).await;
    assert_eq!(calls.borrow().len(), 9);
    assert_eq!(text(&done, "name"), "mpu/other");
    let got = ok(c.get("mpu/other".into(), NONE)).await;
    assert!(bytes(&got, "content") == b, "the bytes differ");
    let missing = err(c.head("mpu/cancelled".into(), NONE)).await;
    assert_eq!(num(&missing, "status"), 404.0);
}

/// A checkpoint for another size or another object is refused (TypeError, InvalidArgument);
/// one whose upload the server no longer has starts over.
pub async fn multipart_upload_wrong_checkpoint(bucket: &str) {
    let c = client(bucket);
    let data = pattern(300 * 1024);
    let checkpoint = |size: usize, name: &str, upload_id: &str| {
        js_sys::JSON::parse(&format!(
            r#"{{"file":{{"size":{size}}},"name":"{name}","fileSize":{size},"partSize":102400,"uploadId":"{upload_id}","doneParts":[{{"number":1,"etag":"\"00\"","size":102400,"crc64":"1"}}]}}"#
        ))
        .unwrap()
    };
    let init = ok(c.init_multipart_upload("mpu/wrong".into(), NONE)).await;
    let upload_id = text(&init, "uploadId");
    for wrong in [
        checkpoint(data.len() + 1, "mpu/wrong", &upload_id),
        checkpoint(data.len(), "mpu/other-name", &upload_id),
    ] {
        let options = obj(&[("checkpoint", wrong)]);
        let e = err(c.multipart_upload("mpu/wrong".into(), blob(&data), options)).await;
        assert_eq!(text(&e, "name"), "TypeError");
        assert_eq!(text(&e, "code"), "InvalidArgument");
        assert!(text(&e, "message").contains("checkpoint"));
    }
    // The right file, but the upload was aborted: a new one, every part sent.
    ok(c.abort_multipart_upload("mpu/wrong".into(), upload_id.clone(), NONE)).await;
    let (progress, calls) = upload_recorder(|_| {});
    let options = obj(&[
        (
            "checkpoint",
            checkpoint(data.len(), "mpu/wrong", &upload_id),
        ),
        ("progress", progress),
    ]);
    ok(c.multipart_upload("mpu/wrong".into(), blob(&data), options)).await;
    let calls = calls.borrow().clone();
    assert_eq!(calls.len(), 3);
    assert_ne!(text(&parsed(&calls[0].1), "uploadId"), upload_id);
    let got = ok(c.get("mpu/wrong".into(), NONE)).await;
    assert!(bytes(&got, "content") == data, "the bytes differ");
}
