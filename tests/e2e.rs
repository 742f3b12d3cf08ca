//! The end-to-end suite: oss-native over real HTTP against the `oss-emulator` binary (one
//! process per test), or against any OSS endpoint given by `OSS_TEST_ENDPOINT`,
//! `OSS_TEST_ACCESS_KEY_ID`, `OSS_TEST_ACCESS_KEY_SECRET` and `OSS_TEST_BUCKET` (see
//! `support`). Every facade method, every data source, progress sequences, CRC checks through
//! injected corruption, retries through injected 503s and resets, clock skew, STS renewal,
//! pagination, cut downloads, timeouts and the User-Agent.

use std::io::{Read, Write as _};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;

use support::{Target, get, on_emulator, pattern, signing, skip_unless_emulator};

use oss_core::ErrorCode;
use oss_core::Headers;
use oss_core::ops::multipart::PartInfo;
use oss_core::request::Method;
use oss_native::{BodySource, Bucket, CHUNK_SIZE, Error, ListEntry, Options, RetryPolicy, Service};

fn server_code<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
    match result {
        Err(e) => e.server_error().expect("a server error").code.clone(),
        Ok(v) => panic!("expected a server error, got {v:?}"),
    }
}

/// A progress callback that records its calls.
type Calls = Arc<Mutex<Vec<(u64, Option<u64>)>>>;

fn recorder() -> (Calls, impl FnMut(u64, Option<u64>) + Send + 'static) {
    let calls = Calls::default();
    let sink = calls.clone();
    (calls, move |done, total| {
        sink.lock().unwrap().push((done, total))
    })
}

/// What a progress sequence must be: one call per CHUNK_SIZE, the last at the total.
fn expected_calls(length: u64, total: Option<u64>) -> Vec<(u64, Option<u64>)> {
    let chunk = CHUNK_SIZE as u64;
    let mut calls: Vec<_> = (1..=length / chunk).map(|i| (i * chunk, total)).collect();
    if length % chunk != 0 || length == 0 {
        calls.push((length, total));
    }
    calls
}

/// Retries often and fast.
fn fast_retries(max_attempts: u32) -> Options {
    Options {
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Options::default()
    }
}

#[test]
fn every_data_source_round_trips() {
    let t = Target::new("sources");
    let (bucket, k) = (&t.bucket, |name: &str| t.key(name));
    let data = pattern(150_000, 0);

    bucket.put_object(&k("slice"), &data[..]).unwrap();
    bucket.put_object(&k("vec-ref"), &data).unwrap();
    bucket.put_object(&k("vec"), data.clone()).unwrap();
    bucket.put_object(&k("str"), "hello, 世界").unwrap();
    bucket
        .put_object(&k("string"), String::from("text"))
        .unwrap();
    bucket.put_object(&k("empty"), ()).unwrap();
    bucket
        .put_object(
            &k("sized-reader"),
            BodySource::reader(&data[..], Some(data.len() as u64)),
        )
        .unwrap();
    // Unknown length: chunked transfer.
    let result = bucket
        .put_object(&k("chunked-reader"), BodySource::reader(&data[..], None))
        .unwrap();
    assert_eq!(result.crc, Some(oss_core::crc64::checksum(&data)));

    let chunks = data.chunks(7000).map(<[u8]>::to_vec);
    bucket
        .put_object(&k("chunks"), BodySource::chunks(chunks, None))
        .unwrap();
    bucket
        .put_object(
            &k("sized-chunks"),
            BodySource::chunks(data.chunks(333), Some(data.len() as u64)),
        )
        .unwrap();
    bucket
        .put_object(
            &k("no-chunks"),
            BodySource::chunks(Vec::<Vec<u8>>::new(), None),
        )
        .unwrap();
    assert_eq!(get(bucket, &k("no-chunks")), b"");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, &data).unwrap();
    bucket
        .put_object(&k("file"), std::fs::File::open(&path).unwrap())
        .unwrap();
    bucket
        .put_object_from_file(&k("from-file"), &path, Headers::new(), None)
        .unwrap();

    for key in [
        "slice",
        "vec-ref",
        "vec",
        "sized-reader",
        "chunked-reader",
        "chunks",
        "sized-chunks",
        "file",
        "from-file",
    ] {
        assert_eq!(get(bucket, &k(key)), data, "{key}");
    }
    assert_eq!(get(bucket, &k("str")), "hello, 世界".as_bytes());
    assert_eq!(get(bucket, &k("string")), b"text");
    assert_eq!(get(bucket, &k("empty")), b"");
}

#[test]
fn a_short_source_fails_before_anything_is_stored() {
    let t = Target::new("short");
    let key = t.key("short");
    let result = t
        .bucket
        .put_object(&key, BodySource::reader(&b"abc"[..], Some(10)));
    // The caller's source fell short: a local failure, not the network's.
    assert!(matches!(result, Err(Error::Io(_))), "{result:?}");
    assert!(!t.bucket.object_exists(&key).unwrap());
}

#[test]
fn object_metadata_and_deletion() {
    let t = Target::new("meta");
    let (bucket, key) = (&t.bucket, t.key("k"));
    let headers = Headers::new()
        .with("x-oss-meta-colour", "blue")
        .unwrap()
        .with("content-type", "text/plain")
        .unwrap();
    let put = bucket
        .put_object_with_headers(&key, "12345", headers)
        .unwrap();

    let head = bucket.head_object(&key).unwrap();
    assert_eq!(head.content_length, Some(5));
    assert_eq!(head.etag, put.etag);
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        head.user_meta,
        vec![("colour".to_string(), "blue".to_string())]
    );
    assert_eq!(head.server_crc, Some(oss_core::crc64::checksum(b"12345")));

    let meta = bucket.get_object_meta(&key).unwrap();
    assert_eq!(meta.content_length, Some(5));
    assert_eq!(meta.etag, put.etag);

    assert!(bucket.object_exists(&key).unwrap());
    bucket.delete_object(&key).unwrap();
    assert!(!bucket.object_exists(&key).unwrap());
    assert_eq!(server_code(bucket.head_object(&key)), ErrorCode::NoSuchKey);
    assert_eq!(server_code(bucket.get_object(&key)), ErrorCode::NoSuchKey);
    // Deleting a missing key succeeds, as on OSS.
    bucket.delete_object(&key).unwrap();
}

#[test]
fn append_checks_position_and_crc() {
    let t = Target::new("append");
    let (bucket, key) = (&t.bucket, t.key("log"));
    let first = bucket.append_object(&key, 0, "hello ", Some(0)).unwrap();
    assert_eq!(first.next_position, 6);
    let second = bucket
        .append_object(&key, first.next_position, "world", first.crc)
        .unwrap();
    assert_eq!(second.next_position, 11);
    assert_eq!(second.crc, Some(oss_core::crc64::checksum(b"hello world")));
    assert_eq!(get(bucket, &key), b"hello world");

    let wrong = bucket.append_object(&key, 3, "x", None);
    assert_eq!(server_code(wrong), ErrorCode::PositionNotEqualToLength);
    // A wrong init_crc makes the server's answer disagree with ours.
    let mismatch = bucket
        .append_object(&key, 11, "!", Some(12345))
        .unwrap_err();
    assert!(mismatch.is_inconsistent(), "{mismatch:?}");
}

#[test]
fn copy_update_meta_acl_and_symlink() {
    let t = Target::new("copies");
    let (bucket, k) = (&t.bucket, |name: &str| t.key(name));
    bucket.put_object(&k("source"), "payload").unwrap();
    let copy = bucket
        .copy_object(&t.bucket_name, &k("source"), &k("target"), Headers::new())
        .unwrap();
    assert_eq!(copy.crc, Some(oss_core::crc64::checksum(b"payload")));
    assert_eq!(get(bucket, &k("target")), b"payload");

    let headers = Headers::new().with("x-oss-meta-state", "new").unwrap();
    bucket.update_object_meta(&k("target"), headers).unwrap();
    let head = bucket.head_object(&k("target")).unwrap();
    assert_eq!(
        head.user_meta,
        vec![("state".to_string(), "new".to_string())]
    );

    assert_eq!(bucket.get_object_acl(&k("target")).unwrap().acl, "default");
    bucket.put_object_acl(&k("target"), "public-read").unwrap();
    assert_eq!(
        bucket.get_object_acl(&k("target")).unwrap().acl,
        "public-read"
    );

    bucket.put_symlink(&k("source"), &k("link")).unwrap();
    assert_eq!(
        bucket.get_symlink(&k("link")).unwrap().target_key,
        k("source")
    );
    assert_eq!(get(bucket, &k("link")), b"payload");
}

#[test]
fn bucket_acl_location_and_service_listing() {
    let t = Target::new("first-bucket");
    let bucket = &t.bucket;
    assert_eq!(bucket.bucket_name(), t.bucket_name);
    assert!(!bucket.get_bucket_location().unwrap().location.is_empty());
    let acl = bucket.get_bucket_acl().unwrap().acl;
    bucket.put_bucket_acl("public-read").unwrap();
    assert_eq!(bucket.get_bucket_acl().unwrap().acl, "public-read");
    bucket.put_bucket_acl(&acl).unwrap();
    assert_eq!(bucket.get_bucket_acl().unwrap().acl, acl);

    let service = Service::with_options(t.signer(), &t.url, &signing(Options::default())).unwrap();
    let page = service.list_buckets(&t.bucket_name, "", 1).unwrap();
    assert_eq!(page.buckets[0].name, t.bucket_name);
    if skip_unless_emulator(
        "bucket_acl_location_and_service_listing",
        "buckets to create",
    ) {
        // On OSS the account's own buckets: the test bucket is among them.
        let names: Vec<String> = service
            .bucket_iter("", 2)
            .map(|b| b.unwrap().name)
            .collect();
        assert!(names.contains(&t.bucket_name), "{names:?}");
        return;
    }
    for name in ["second-bucket", "third-bucket"] {
        t.other_bucket(name)
            .create_bucket(Some("private"), None)
            .unwrap();
    }
    assert_eq!(acl, "private");
    let page = service.list_buckets("", "", 1).unwrap();
    assert_eq!(page.buckets.len(), 1);
    assert!(page.is_truncated);
    // One bucket per request: the iterator follows the markers.
    let names: Vec<String> = service
        .bucket_iter("", 1)
        .map(|b| b.unwrap().name)
        .collect();
    assert_eq!(names, ["first-bucket", "second-bucket", "third-bucket"]);
    let thirds: Vec<String> = service
        .bucket_iter("th", 1)
        .map(|b| b.unwrap().name)
        .collect();
    assert_eq!(thirds, ["third-bucket"]);

    let third = t.other_bucket("third-bucket");
    third.put_object("k", "v").unwrap();
    assert_eq!(
        server_code(third.delete_bucket()),
        ErrorCode::BucketNotEmpty
    );
    third.delete_object("k").unwrap();
    third.delete_bucket().unwrap();
    assert_eq!(server_code(third.get_bucket_acl()), ErrorCode::NoSuchBucket);
}

#[test]
fn listing_pages_through_small_pages() {
    let t = Target::new("listing");
    let (bucket, p) = (&t.bucket, &t.prefix);
    let keys = ["a/1", "a/2", "a/3", "b", "c/1", "d", "e"];
    for key in keys {
        bucket.put_object(&t.key(key), key).unwrap();
    }
    let page = bucket.list_objects(p, "", "", 2).unwrap();
    assert_eq!(page.objects.len(), 2);
    assert!(page.is_truncated);
    let second = bucket.list_objects(p, "", &page.next_marker, 2).unwrap();
    assert_eq!(second.objects[0].key, t.key("a/3"));

    let strip = |key: &str| key.strip_prefix(p.as_str()).unwrap().to_string();
    let all: Vec<String> = bucket
        .object_iter(p, "", "", 2)
        .map(|e| strip(e.unwrap().key()))
        .collect();
    assert_eq!(all, keys);

    let grouped: Vec<ListEntry> = bucket
        .object_iter(p, "/", "", 2)
        .map(Result::unwrap)
        .collect();
    let shown: Vec<(String, bool)> = grouped
        .iter()
        .map(|e| (strip(e.key()), e.is_prefix()))
        .collect();
    assert_eq!(
        shown,
        [
            ("a/".into(), true),
            ("b".into(), false),
            ("c/".into(), true),
            ("d".into(), false),
            ("e".into(), false)
        ]
    );
    let after: Vec<String> = bucket
        .object_iter(p, "", &t.key("c/1"), 1)
        .map(|e| strip(e.unwrap().key()))
        .collect();
    assert_eq!(after, ["d", "e"]);

    let deleted = bucket
        .batch_delete_objects([t.key("a/1"), t.key("a/2")])
        .unwrap();
    assert_eq!(deleted.deleted.len(), 2);
    assert_eq!(bucket.object_iter(&t.key("a/"), "", "", 10).count(), 1);
}

#[test]
fn ranged_download_as_oss2_defines_it() {
    let t = Target::new("ranges");
    let (bucket, key) = (&t.bucket, t.key("k"));
    bucket.put_object(&key, "0123456789").unwrap();
    let read = |range| {
        let mut out = String::new();
        bucket
            .get_object_with(&key, Some(range), Headers::new(), None)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    };
    assert_eq!(read((Some(2), Some(5))), "2345");
    assert_eq!(read((None, Some(3))), "789");
    assert_eq!(read((Some(7), None)), "789");
    assert!(
        bucket
            .get_object_with(&key, Some((Some(5), Some(2))), Headers::new(), None)
            .is_err()
    );
    // A range to a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part");
    bucket
        .get_object_to_file(&key, &path, Some((Some(1), Some(3))), None)
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"123");
}

#[test]
fn download_to_file_and_from_file() {
    let t = Target::new("files");
    let (bucket, key) = (&t.bucket, t.key("k"));
    let data = pattern(300_000, 0);
    bucket.put_object(&key, &data).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.bin");
    let info = bucket.get_object_to_file(&key, &path, None, None).unwrap();
    assert_eq!(info.content_length, Some(data.len() as u64));
    assert_eq!(std::fs::read(&path).unwrap(), data);
    // Only the target is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let missing = bucket.get_object_to_file(
        &t.key("missing"),
        dir.path().join("missing.bin"),
        None,
        None,
    );
    assert_eq!(server_code(missing), ErrorCode::NoSuchKey);
    assert!(!dir.path().join("missing.bin").exists());
}

#[test]
fn upload_progress_is_one_call_per_chunk_ending_at_the_total() {
    let t = Target::new("progress-up");
    let (bucket, k) = (&t.bucket, |name: &str| t.key(name));
    let length = 3 * CHUNK_SIZE + 1234;
    let data = pattern(length, 0);
    let sized = expected_calls(length as u64, Some(length as u64));

    let (calls, callback) = recorder();
    bucket
        .put_object(&k("sized"), BodySource::from(&data).with_progress(callback))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), sized);

    let (calls, callback) = recorder();
    bucket
        .put_object(
            &k("unsized"),
            BodySource::reader(&data[..], None).with_progress(callback),
        )
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), expected_calls(length as u64, None));

    // A reader that hands out a few bytes at a time still reports whole chunks.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = out.len().min(1000).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let (calls, callback) = recorder();
    bucket
        .put_object(
            &k("trickle"),
            BodySource::reader(Trickle(&data), Some(length as u64)).with_progress(callback),
        )
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), sized);

    // An iterator of chunks of odd sizes, sized and not.
    let (calls, callback) = recorder();
    bucket
        .put_object(
            &k("chunks"),
            BodySource::chunks(data.chunks(5000), None).with_progress(callback),
        )
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), expected_calls(length as u64, None));

    let (calls, callback) = recorder();
    bucket
        .put_object(&k("empty"), BodySource::from("").with_progress(callback))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), [(0, Some(0))]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, &data).unwrap();
    let (calls, callback) = recorder();
    bucket
        .put_object_from_file(&k("file"), &path, Headers::new(), Some(Box::new(callback)))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), sized);
    assert_eq!(get(bucket, &k("file")), data);

    // Appends and parts report too.
    let (calls, callback) = recorder();
    bucket
        .append_object(
            &k("appended"),
            0,
            BodySource::from(&data).with_progress(callback),
            Some(0),
        )
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), sized);
}

#[test]
fn download_progress_is_one_call_per_chunk_ending_at_the_total() {
    let t = Target::new("progress-down");
    let (bucket, key) = (&t.bucket, t.key("k"));
    let length = 2 * CHUNK_SIZE as u64 + 10;
    bucket
        .put_object(&key, pattern(length as usize, 0))
        .unwrap();

    let (calls, callback) = recorder();
    let mut result = bucket
        .get_object_with(&key, None, Headers::new(), Some(Box::new(callback)))
        .unwrap();
    // Small reads on the caller's side do not change the steps.
    let mut small = [0u8; 100];
    while result.read(&mut small).unwrap() > 0 {}
    assert_eq!(*calls.lock().unwrap(), expected_calls(length, Some(length)));

    let dir = tempfile::tempdir().unwrap();
    let (calls, callback) = recorder();
    bucket
        .get_object_to_file(&key, dir.path().join("k"), None, Some(Box::new(callback)))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), expected_calls(length, Some(length)));

    // A range reports against the range's length.
    let (calls, callback) = recorder();
    let mut result = bucket
        .get_object_with(
            &key,
            Some((Some(10), None)),
            Headers::new(),
            Some(Box::new(callback)),
        )
        .unwrap();
    std::io::copy(&mut result, &mut std::io::sink()).unwrap();
    let range = length - 10;
    assert_eq!(*calls.lock().unwrap(), expected_calls(range, Some(range)));
}

#[test]
fn corrupted_download_is_inconsistent_and_writes_nothing() {
    let Some(t) = Target::with_faults("corrupt", "seed=1,corrupt=1") else {
        return;
    };
    let (bucket, key) = (&t.bucket, t.key("k"));
    let data = pattern(200_000, 0);
    // Corruption damages answers with object data only: the upload goes through.
    bucket.put_object(&key, &data).unwrap();

    let mut bytes = Vec::new();
    let mut result = bucket.get_object(&key).unwrap();
    let error = Error::from_io(result.read_to_end(&mut bytes).unwrap_err());
    // Reading on after the error does not turn it into a clean end.
    assert!(Error::from_io(result.read(&mut [0u8; 16]).unwrap_err()).is_inconsistent());
    assert!(error.is_inconsistent(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(bytes.len(), data.len());
    assert_ne!(bytes, data);
    // Exactly one byte differs.
    let differ = bytes.iter().zip(&data).filter(|(a, b)| a != b).count();
    assert_eq!(differ, 1);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("target.bin");
    let error = bucket
        .get_object_to_file(&key, &path, None, None)
        .unwrap_err();
    assert!(error.is_inconsistent(), "{error:?}");
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file is left"
    );

    // An existing target stays as it was.
    std::fs::File::create(&path)
        .unwrap()
        .write_all(b"before")
        .unwrap();
    assert!(
        bucket
            .get_object_to_file(&key, &path, None, None)
            .unwrap_err()
            .is_inconsistent()
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"before");

    // With CRC checks off, the damaged bytes come through unchecked (oss2's enable_crc=False).
    let unchecked = t.bucket_with(&Options {
        enable_crc: false,
        ..Options::default()
    });
    let mut bytes = Vec::new();
    unchecked
        .get_object(&key)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes.len(), data.len());
    assert_ne!(bytes, data);
}

#[test]
fn multipart_upload_in_parts() {
    let t = Target::new("multipart");
    let (bucket, k) = (&t.bucket, |name: &str| t.key(name));
    let data = pattern(250_000, 0);
    let (first, second) = data.split_at(150_000);
    let upload = bucket
        .init_multipart_upload(&k("big"), Headers::new())
        .unwrap();
    let mut parts = Vec::new();
    for (number, part) in [(1u32, first), (2, second)] {
        let result = bucket
            .upload_part(&k("big"), &upload.upload_id, number, part)
            .unwrap();
        parts.push(PartInfo {
            size: Some(part.len() as u64),
            part_crc: result.crc,
            ..PartInfo::new(number, result.etag.as_deref().unwrap())
        });
    }
    assert_eq!(
        bucket
            .list_parts(&k("big"), &upload.upload_id)
            .unwrap()
            .parts
            .len(),
        2
    );
    let uploads = bucket.list_multipart_uploads(&t.prefix).unwrap().uploads;
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].key, k("big"));
    let complete = bucket
        .complete_multipart_upload(&k("big"), &upload.upload_id, parts)
        .unwrap();
    assert_eq!(complete.crc, Some(oss_core::crc64::checksum(&data)));
    assert_eq!(get(bucket, &k("big")), data);

    let aborted = bucket
        .init_multipart_upload(&k("gone"), Headers::new())
        .unwrap();
    bucket
        .abort_multipart_upload(&k("gone"), &aborted.upload_id)
        .unwrap();
    assert!(
        bucket
            .list_multipart_uploads(&t.prefix)
            .unwrap()
            .uploads
            .is_empty()
    );
}

#[test]
fn presigned_urls_work_without_credentials() {
    let t = Target::new("presigned");
    let (bucket, key) = (&t.bucket, t.key("k"));
    bucket.put_object(&key, "secret").unwrap();
    let url = bucket
        .sign_url(Method::Get, &key, 60, Headers::new(), Vec::new(), false)
        .unwrap();
    let body = ureq::get(&url.url)
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert_eq!(body, "secret");

    // A presigned PUT, with the content type it was signed with.
    let headers = Headers::new().with("content-type", "text/plain").unwrap();
    let put = bucket
        .sign_url(Method::Put, &t.key("put"), 60, headers, Vec::new(), false)
        .unwrap();
    let status = ureq::put(&put.url)
        .header("content-type", "text/plain")
        .send("uploaded")
        .unwrap()
        .status();
    assert_eq!(status, 200);
    assert_eq!(get(bucket, &t.key("put")), b"uploaded");

    // Without credentials the same object is refused (the bucket is private).
    let anonymous = Bucket::new(oss_native::anonymous_auth(), &t.url, &t.bucket_name).unwrap();
    assert_eq!(
        server_code(anonymous.get_object(&key)),
        ErrorCode::AccessDenied
    );
}

#[test]
fn bad_input_is_refused_before_sending() {
    let t = Target::new("refused");
    assert!(matches!(
        t.bucket.put_object("", "x"),
        Err(Error::Oss(oss_core::Error::Client(_)))
    ));
    assert!(matches!(
        t.other_bucket("Bad_Name").get_bucket_acl(),
        Err(Error::Oss(oss_core::Error::Client(_)))
    ));
    assert!(Bucket::new(t.signer(), "ftp://nowhere", "bbb").is_err());
    // A closed port is a transport failure, which a retry may cure.
    let closed = Bucket::new(t.signer(), "http://127.0.0.1:9", "bbb").unwrap();
    let error = closed.get_bucket_acl().unwrap_err();
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[test]
fn a_skewed_clock_is_corrected_from_the_servers_answer() {
    let t = Target::new("skew");
    let bucket = &t.bucket;
    // An hour behind: OSS allows 15 minutes. The refused request is sent again at once with
    // the corrected clock.
    bucket.client().set_clock_offset(-3600);
    bucket.get_bucket_acl().unwrap();
    assert!(
        bucket.client().clock_offset().abs() <= 2,
        "{}",
        bucket.client().clock_offset()
    );

    // Without retries the error shows, and the next request is signed with the corrected clock.
    let once = t.bucket_with(&Options {
        retry: RetryPolicy::none(),
        ..Options::default()
    });
    once.client().set_clock_offset(-3600);
    let error = once.get_bucket_acl().unwrap_err();
    assert_eq!(
        error.server_error().unwrap().raw_code,
        "RequestTimeTooSkewed"
    );
    assert!(error.is_retryable());
    assert!(
        once.client().clock_offset().abs() <= 2,
        "{}",
        once.client().clock_offset()
    );
    once.get_bucket_acl().unwrap();

    // The emulator's skew fault: a clock that is right but refused now and then.
    let Some(t) = Target::with_faults("skew-fault", "seed=4,skew=0.5") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(8));
    for i in 0..10 {
        let key = t.key(&format!("k{i}"));
        bucket.put_object(&key, "v").unwrap();
        assert_eq!(get(&bucket, &key), b"v");
    }
}

#[test]
fn retries_ride_out_injected_503s_and_resets() {
    let Some(t) = Target::with_faults("flaky", "seed=5,error503=0.3,reset_after=100:0.2") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(12));
    let data = pattern(50_000, 0);
    for i in 0..10 {
        let key = t.key(&format!("k{i}"));
        // Bytes can be sent again, so every upload completes, through 503s and uploads cut
        // after 100 bytes.
        bucket.put_object(&key, &data[..]).unwrap();
        assert!(bucket.object_exists(&key).unwrap());
    }
    // Listings are retried page by page.
    let keys = bucket
        .object_iter(&t.prefix, "", "", 3)
        .map(|e| e.map(|e| e.key().to_string()));
    assert_eq!(keys.collect::<Result<Vec<_>, _>>().unwrap().len(), 10);
    // Downloads: 503s retried, and a body cut after 100 bytes picks up where it stopped.
    for i in 0..10 {
        assert_eq!(get(&bucket, &t.key(&format!("k{i}"))), data);
    }
}

#[test]
fn files_are_sent_again_from_where_they_stood() {
    use std::io::{Seek as _, SeekFrom};
    let Some(t) = Target::with_faults("files-retry", "seed=2,error503=0.5") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(12));
    let data = pattern(3 * CHUNK_SIZE, 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, &data).unwrap();
    for i in 0..6 {
        let (calls, callback) = recorder();
        let key = t.key(&format!("whole{i}"));
        bucket
            .put_object_from_file(&key, &path, Headers::new(), Some(Box::new(callback)))
            .unwrap();
        // Retried or not, progress never goes back and ends at the total once.
        let calls = calls.lock().unwrap().clone();
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
        assert_eq!(
            calls.last(),
            Some(&(data.len() as u64, Some(data.len() as u64)))
        );
    }
    let mut file = std::fs::File::open(&path).unwrap();
    file.seek(SeekFrom::Start(1000)).unwrap();
    bucket.put_object(&t.key("tail"), file).unwrap();

    for i in 0..6 {
        assert_eq!(get(&bucket, &t.key(&format!("whole{i}"))), data);
    }
    assert_eq!(get(&bucket, &t.key("tail")), &data[1000..]);
}

#[test]
fn what_cannot_be_replayed_is_not_retried() {
    let Some(t) = Target::with_faults("no-replay", "seed=1,error503=1") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(5));
    let key = t.key("k");
    // A reader is consumed by the first attempt: its failure is reported as it is.
    let error = bucket
        .put_object(&key, BodySource::reader(&b"data"[..], Some(4)))
        .unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);
    // POST is not idempotent: an append is never sent twice.
    let error = bucket
        .append_object(&t.key("log"), 0, "x", None)
        .unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);
    // Idempotent requests with replayable data give up after max_attempts.
    let error = bucket.put_object(&key, "data").unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);

    // A reader cut off on the way is a transport failure, reported, not sent again.
    let Some(t) = Target::with_faults("no-replay-reset", "reset_after=100:1") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(5));
    let data = pattern(50_000, 1);
    let error = bucket
        .put_object(&t.key("k"), BodySource::reader(&data[..], None))
        .unwrap_err();
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    assert!(!t.bucket.object_exists(&t.key("k")).unwrap_or(true));
}

#[test]
fn part_copy_and_upload_and_part_iterators() {
    let t = Target::new("parts");
    let (bucket, k) = (&t.bucket, |name: &str| t.key(name));
    // Every part but the last must be at least 100 KiB.
    let data = pattern(250_000, 0);
    bucket.put_object(&k("source"), &data).unwrap();
    let upload = bucket
        .init_multipart_upload(&k("target"), Headers::new())
        .unwrap();
    let mut parts = Vec::new();
    for (number, range) in [
        (1u32, (Some(0), Some(119_999))),
        (2, (Some(120_000), Some(239_999))),
    ] {
        let result = bucket
            .upload_part_copy(
                &t.bucket_name,
                &k("source"),
                Some(range),
                &k("target"),
                &upload.upload_id,
                number,
            )
            .unwrap();
        parts.push(PartInfo::new(number, result.etag.as_deref().unwrap()));
    }
    // A third part uploaded, so that parts come one page at a time.
    bucket
        .upload_part(&k("target"), &upload.upload_id, 3, "tail")
        .unwrap();
    parts.push(PartInfo::new(
        3,
        bucket
            .list_parts(&k("target"), &upload.upload_id)
            .unwrap()
            .parts[2]
            .etag
            .as_str(),
    ));
    let numbers: Vec<u32> = bucket
        .part_iter(&k("target"), &upload.upload_id, 1)
        .map(|p| p.unwrap().part_number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);

    let other = bucket
        .init_multipart_upload(&k("other"), Headers::new())
        .unwrap();
    let keys: Vec<String> = bucket
        .multipart_upload_iter(&t.prefix, 1)
        .map(|u| u.unwrap().key)
        .collect();
    assert_eq!(keys, [k("other"), k("target")]);
    bucket
        .abort_multipart_upload(&k("other"), &other.upload_id)
        .unwrap();

    bucket
        .complete_multipart_upload(&k("target"), &upload.upload_id, parts)
        .unwrap();
    let mut expected = data[..240_000].to_vec();
    expected.extend_from_slice(b"tail");
    assert_eq!(get(bucket, &k("target")), expected);
}

/// Against OSS these change the test bucket's configurations, and delete them at the end.
#[test]
fn bucket_configurations_round_trip() {
    use oss_core::ops::bucket::{
        BucketCors, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite, CorsRule,
        LifecycleExpiration, LifecycleRule,
    };
    let t = Target::new("configs");
    let bucket = &t.bucket;

    let rule = CorsRule {
        allowed_origins: vec!["https://example.com".into()],
        allowed_methods: vec!["GET".into()],
        max_age_seconds: Some(60),
        ..CorsRule::default()
    };
    bucket
        .put_bucket_cors(BucketCors::new(vec![rule.clone()]))
        .unwrap();
    assert_eq!(bucket.get_bucket_cors().unwrap().cors.rules, vec![rule]);
    bucket.delete_bucket_cors().unwrap();
    assert!(bucket.get_bucket_cors().is_err());

    let referer = BucketReferer::new(false, vec!["https://example.com".into()]);
    bucket.put_bucket_referer(referer.clone()).unwrap();
    assert_eq!(bucket.get_bucket_referer().unwrap().referer, referer);
    bucket
        .put_bucket_referer(BucketReferer::new(true, Vec::new()))
        .unwrap();

    let logging = BucketLogging::new(&t.bucket_name, &t.key("logs/"));
    bucket.put_bucket_logging(logging.clone()).unwrap();
    assert_eq!(bucket.get_bucket_logging().unwrap().logging, logging);
    bucket.delete_bucket_logging().unwrap();

    let website = BucketWebsite::new("index.html", "error.html");
    bucket.put_bucket_website(website.clone()).unwrap();
    assert_eq!(bucket.get_bucket_website().unwrap().website, website);
    bucket.delete_bucket_website().unwrap();
    assert!(bucket.get_bucket_website().is_err());

    let rule = LifecycleRule {
        expiration: Some(LifecycleExpiration::Days(30)),
        ..LifecycleRule::new("expire-logs", &t.key("logs/"))
    };
    bucket
        .put_bucket_lifecycle(BucketLifecycle::new(vec![rule.clone()]))
        .unwrap();
    assert_eq!(
        bucket.get_bucket_lifecycle().unwrap().lifecycle.rules,
        vec![rule]
    );
    bucket.delete_bucket_lifecycle().unwrap();
    assert!(bucket.get_bucket_lifecycle().is_err());
}

#[test]
fn live_channels() {
    use oss_core::ops::live_channel::LiveChannelConfiguration;
    let t = Target::new("live");
    let bucket = &t.bucket;
    // Channel names cannot hold a slash: the run's prefix, flattened.
    let prefix = t.prefix.replace('/', "-");
    let name = |n: &str| format!("{prefix}{n}");
    for n in ["ch1", "ch2", "ch3"] {
        let created = bucket
            .create_live_channel(&name(n), LiveChannelConfiguration::default())
            .unwrap();
        assert!(created.publish_url.contains(&name(n)), "{created:?}");
    }
    let names: Vec<String> = bucket
        .live_channel_iter(&prefix, 1)
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(names, [name("ch1"), name("ch2"), name("ch3")]);
    let page = bucket.list_live_channel(&prefix, "", 2).unwrap();
    assert_eq!(page.channels.len(), 2);
    assert_eq!(
        bucket
            .list_live_channel(&prefix, &name("ch2"), 2)
            .unwrap()
            .channels
            .len(),
        1
    );

    bucket
        .put_live_channel_status(&name("ch1"), "disabled")
        .unwrap();
    assert_eq!(
        bucket
            .get_live_channel(&name("ch1"))
            .unwrap()
            .configuration
            .status,
        "disabled"
    );
    let stat = bucket.get_live_channel_stat(&name("ch2")).unwrap();
    assert_eq!(stat.status, "Idle");
    let history = bucket.get_live_channel_history(&name("ch2")).unwrap();
    assert!(history.records.is_empty());
    // Nothing was recorded: the emulator answers empty playlists (OSS may refuse instead, so
    // against OSS only the clean-up counts).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let posted = bucket.post_vod_playlist(&name("ch2"), "list.m3u8", now - 3600, now);
    let fetched = bucket.get_vod_playlist(&name("ch2"), now - 3600, now);
    let stored = format!("{}/list.m3u8", name("ch2"));
    if on_emulator() {
        posted.unwrap();
        assert!(get(bucket, &stored).starts_with(b"#EXTM3U"));
        assert!(fetched.unwrap().playlist.starts_with("#EXTM3U"));
    }
    // The playlist object lies under the channel's name, outside the test's prefix.
    bucket.delete_object(&stored).unwrap();
    for n in ["ch1", "ch2", "ch3"] {
        bucket.delete_live_channel(&name(n)).unwrap();
    }
    assert!(bucket.get_live_channel(&name("ch3")).is_err());
}

/// Bytes made as they are read: a large upload without a large buffer.
struct Generated {
    offset: u64,
    length: u64,
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min((self.length - self.offset) as usize);
        for (i, b) in out[..n].iter_mut().enumerate() {
            *b = ((self.offset + i as u64).wrapping_mul(2_654_435_761) >> 13) as u8;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[test]
fn large_objects_stream_both_ways() {
    let t = Target::new("large");
    let bucket = &t.bucket;
    let length = 24 * 1024 * 1024 + 17;
    let mut expected = oss_core::crc64::Crc64::new();
    std::io::copy(
        &mut Generated { offset: 0, length },
        &mut CrcSink(&mut expected),
    )
    .unwrap();

    for (name, announced) in [("sized", Some(length)), ("chunked", None)] {
        let key = t.key(name);
        let source = BodySource::reader(Generated { offset: 0, length }, announced);
        let put = bucket.put_object(&key, source).unwrap();
        assert_eq!(put.crc, Some(expected.value()), "{key}");

        let mut result = bucket.get_object(&key).unwrap();
        assert_eq!(result.info.content_length, Some(length));
        let mut crc = oss_core::crc64::Crc64::new();
        let copied = std::io::copy(&mut result, &mut CrcSink(&mut crc)).unwrap();
        assert_eq!((copied, crc.value()), (length, expected.value()), "{key}");
        assert_eq!(result.stream.crc(), expected.value());
    }
}

struct CrcSink<'a>(&'a mut oss_core::crc64::Crc64);

impl std::io::Write for CrcSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn handles_cross_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_and_sync::<Bucket>();
    send_and_sync::<Service>();
    send::<oss_native::GetObjectResult>();
    send::<Error>();
}

#[test]
fn sts_credentials_are_renewed_before_they_expire() {
    use oss_native::{Client, StsCredentials};
    // The emulator accepts made-up STS keys from its configuration file.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("keys.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"access_keys": [
                {{"id": "{}", "secret": "{}"}},
                {{"id": "STS.first", "secret": "first-secret", "security_token": "first-token"}},
                {{"id": "STS.second", "secret": "second-secret", "security_token": "second-token"}}
            ]}}"#,
            support::EMULATOR_KEY_ID,
            support::EMULATOR_KEY_SECRET
        ),
    )
    .unwrap();
    let Some(t) = Target::emulator_with(
        "sts",
        &["--config", config.to_str().unwrap()],
        "made-up STS keys",
    ) else {
        return;
    };

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let refreshes = Arc::new(Mutex::new(0));
    let counter = refreshes.clone();
    let provider = StsCredentials::new(move || {
        let mut n = counter.lock().unwrap();
        *n += 1;
        // The first key expires within the five-minute margin: it is used once, then renewed.
        let (id, secret, token, lifetime) = match *n {
            1 => ("STS.first", "first-secret", "first-token", 60),
            _ => ("STS.second", "second-secret", "second-token", 3600),
        };
        Ok((
            oss_native::Credentials::sts(id, secret, token)?,
            now + lifetime,
        ))
    });
    let client =
        Client::with_provider(Arc::new(provider), &t.url, &signing(Options::default())).unwrap();
    let bucket = Bucket::with_client(client, &t.bucket_name);
    let key = t.key("k");
    bucket.put_object(&key, "v").unwrap();
    assert_eq!(*refreshes.lock().unwrap(), 1);
    bucket.put_object(&key, "w").unwrap();
    assert_eq!(get(&bucket, &key), b"w");
    assert_eq!(*refreshes.lock().unwrap(), 2, "renewed once, then kept");

    // The static STS signer (oss2's StsAuth) works the same.
    let sts = Bucket::with_options(
        oss_native::sts_auth("STS.second", "second-secret", "second-token").unwrap(),
        &t.url,
        &t.bucket_name,
        &signing(Options::default()),
    )
    .unwrap();
    assert_eq!(get(&sts, &key), b"w");
    // A wrong token is refused.
    let wrong = Bucket::with_options(
        oss_native::sts_auth("STS.second", "second-secret", "other-token").unwrap(),
        &t.url,
        &t.bucket_name,
        &signing(Options::default()),
    )
    .unwrap();
    assert!(wrong.get_object(&key).unwrap_err().server_error().is_some());

    // A provider that fails stops the request before anything is sent.
    let failing = StsCredentials::new(|| Err(Error::Io(std::io::Error::other("no STS today"))));
    let client =
        Client::with_provider(Arc::new(failing), &t.url, &signing(Options::default())).unwrap();
    let error = Bucket::with_client(client, &t.bucket_name)
        .get_object(&key)
        .unwrap_err();
    assert!(matches!(error, Error::Io(_)), "{error:?}");
}

#[test]
fn a_download_cut_midway_picks_up_where_it_stopped() {
    // Every answer breaks off after 70,000 bytes of data: 200,000 bytes take three requests,
    // the later ones ranged from where the previous one stopped.
    let Some(t) = Target::with_faults("cut", "reset_after=70000:1") else {
        return;
    };
    let bucket = t.bucket_with(&fast_retries(3));
    let key = t.key("k");
    let length = 200_000u64;
    let data = pattern(length as usize, 3);
    // An upload would be cut too: the data goes in outside the faults' prefix, and is copied
    // in (the copy's answer is short).
    bucket.put_object("outside", &data).unwrap();
    bucket
        .copy_object(&t.bucket_name, "outside", &key, Headers::new())
        .unwrap();

    // The stream reads as one, CRC-64 checked at the end, progress one call per chunk.
    let (calls, callback) = recorder();
    let mut bytes = Vec::new();
    let mut result = bucket
        .get_object_with(&key, None, Headers::new(), Some(Box::new(callback)))
        .unwrap();
    result.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, data);
    assert_eq!(result.stream.crc(), oss_core::crc64::checksum(&data));
    assert_eq!(*calls.lock().unwrap(), expected_calls(length, Some(length)));

    // A range is resumed within the range.
    let mut part = Vec::new();
    bucket
        .get_object_with(
            &key,
            Some((Some(1000), Some(150_999))),
            Headers::new(),
            None,
        )
        .unwrap()
        .read_to_end(&mut part)
        .unwrap();
    assert_eq!(part, &data[1000..151_000]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out");
    bucket.get_object_to_file(&key, &path, None, None).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), data);

    // Without retries the cut is the caller's to see: a transport failure, nothing written.
    let once = t.bucket_with(&Options {
        retry: RetryPolicy::none(),
        ..Options::default()
    });
    let mut bytes = Vec::new();
    let error = once
        .get_object(&key)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap_err();
    assert!(matches!(Error::from_io(error), Error::Request(_)));
    // What was handed out before the cut is the object's start (whole chunks of it).
    assert!(
        bytes.len() < 70_000 && bytes[..] == data[..bytes.len()],
        "{}",
        bytes.len()
    );
    let target = dir.path().join("once");
    let error = once
        .get_object_to_file(&key, &target, None, None)
        .unwrap_err();
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    assert!(!target.exists());

    // The object replaced between the cut and the rest: the rest is refused (If-Match), never
    // spliced from two versions.
    let mut result = bucket.get_object(&key).unwrap();
    let mut first = vec![0u8; 1000];
    result.read_exact(&mut first).unwrap();
    bucket.put_object(&key, "another version").unwrap();
    let error = Error::from_io(result.read_to_end(&mut Vec::new()).unwrap_err());
    assert_eq!(
        error.server_error().map(|e| e.status),
        Some(412),
        "{error:?}"
    );
}

/// A listener on a free loopback port: each connection's request head is sent to the
/// returned channel, then `answer` is written back (None: the connection is kept open and
/// never answered).
fn fake_server(answer: Option<&'static str>) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut silent = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            if heads.send(head).is_err() {
                break;
            }
            match answer {
                Some(answer) => {
                    let _ = stream.write_all(answer.as_bytes());
                }
                None => silent.push(stream),
            }
        }
    });
    (url, received)
}

#[test]
fn the_user_agent_carries_the_app_name() {
    let (url, heads) = fake_server(Some(
        "HTTP/1.1 204 No Content\r\nx-oss-request-id: 0123456789ABCDEF01234567\r\nconnection: close\r\n\r\n",
    ));
    let options = Options {
        app_name: "my-app/2.1".to_string(),
        ..Options::default()
    };
    let bucket =
        Bucket::with_options(oss_native::anonymous_auth(), &url, "ua-bucket", &options).unwrap();
    bucket.delete_object("k").unwrap();
    let head = heads.recv().unwrap().to_ascii_lowercase();
    let agent = head
        .lines()
        .find_map(|l| l.strip_prefix("user-agent: "))
        .unwrap_or_else(|| panic!("no User-Agent in {head:?}"));
    assert_eq!(
        agent.trim(),
        format!("oss-sdk-rust/{}/my-app/2.1", env!("CARGO_PKG_VERSION"))
    );
    assert!(head.starts_with("delete /ua-bucket/k http/1.1"), "{head}");

    // The service's requests too (the fake answer is no bucket listing: only the head counts).
    let service = Service::with_options(oss_native::anonymous_auth(), &url, &options).unwrap();
    assert_eq!(
        service.client().endpoint().host(),
        bucket.client().endpoint().host()
    );
    let _ = service.list_buckets("", "", 10);
    let head = heads.recv().unwrap().to_ascii_lowercase();
    assert!(head.starts_with("get /?"), "{head}");
    assert!(head.contains("/my-app/2.1\r\n"), "{head}");
}

#[test]
fn a_server_that_never_answers_times_out_per_attempt() {
    let (url, heads) = fake_server(None);
    let read_timeout = Duration::from_millis(200);
    let options = Options {
        read_timeout: Some(read_timeout),
        ..fast_retries(3)
    };
    let bucket =
        Bucket::with_options(oss_native::anonymous_auth(), &url, "slow", &options).unwrap();
    let started = std::time::Instant::now();
    let error = bucket.get_bucket_acl().unwrap_err();
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    // Three attempts, each given up after the read timeout.
    assert_eq!(heads.try_iter().count(), 3);
    assert!(elapsed >= 3 * read_timeout, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn resumable_transfers_through_the_facade() {
    use oss_native::{
        ResumableDownloadOptions, ResumableOptions, determine_part_size, resumable_download,
        resumable_upload,
    };
    const MIB: u64 = 1024 * 1024;
    // `attempts`: calls allowed, as a user would call again after a failure.
    let run = |t: &Target, bucket: &Bucket, attempts: usize| {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(3 * MIB as usize + 123, 7);
        let length = data.len() as u64;
        let source = dir.path().join("source");
        std::fs::write(&source, &data).unwrap();
        let key = t.key("big");
        let part_size = determine_part_size(length, MIB);
        assert_eq!(part_size, MIB);

        let (calls, callback) = recorder();
        let mut callback = Some(callback);
        let uploaded = (0..attempts)
            .find_map(|_| {
                let options = ResumableOptions {
                    multipart_threshold: MIB,
                    part_size,
                    num_threads: 3,
                    checkpoint_dir: Some(dir.path().join("checkpoints")),
                    progress: callback.take().map(|c| Box::new(c) as _),
                    ..ResumableOptions::default()
                };
                resumable_upload(bucket, &key, &source, options).ok()
            })
            .expect("the upload never completed");
        assert_eq!(uploaded.parts_uploaded + uploaded.parts_reused, 4);
        assert_eq!(uploaded.result.crc, Some(oss_core::crc64::checksum(&data)));
        if attempts == 1 {
            assert_eq!(uploaded.parts_reused, 0);
            let calls = calls.lock().unwrap().clone();
            assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
            assert_eq!(calls.last(), Some(&(length, Some(length))));
        }

        let target = dir.path().join("target");
        let (calls, callback) = recorder();
        let mut callback = Some(callback);
        let downloaded = (0..attempts)
            .find_map(|_| {
                let options = ResumableDownloadOptions {
                    multiget_threshold: MIB,
                    part_size: MIB,
                    num_threads: 3,
                    checkpoint_dir: Some(dir.path().join("checkpoints")),
                    progress: callback.take().map(|c| Box::new(c) as _),
                };
                resumable_download(bucket, &key, &target, options).ok()
            })
            .expect("the download never completed");
        assert_eq!(downloaded.parts_downloaded + downloaded.parts_reused, 4);
        assert_eq!(downloaded.crc, oss_core::crc64::checksum(&data));
        assert_eq!(std::fs::read(&target).unwrap(), data);
        if attempts == 1 {
            assert_eq!(calls.lock().unwrap().last(), Some(&(length, Some(length))));
        }
        // Nothing is left but the source and the target.
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["checkpoints", "source", "target"]);
        let checkpoints = std::fs::read_dir(dir.path().join("checkpoints")).unwrap();
        assert_eq!(checkpoints.count(), 0);
        let uploads = bucket.list_multipart_uploads(&t.prefix).unwrap().uploads;
        assert!(uploads.is_empty(), "{uploads:?}");
    };
    let t = Target::new("resumable");
    run(&t, &t.bucket, 1);

    // Through 503s and connections cut in parts and ranges alike, in one call: the driver
    // retries InitMultipartUpload and CompleteMultipartUpload too (POSTs that say they are
    // retry-safe), and a Complete retried after it went through is recognised by the
    // object's size and CRC-64.
    let Some(t) = Target::with_faults(
        "resumable-flaky",
        "seed=6,error503=0.15,reset_after=300000:0.15",
    ) else {
        return;
    };
    run(&t, &t.bucket_with(&fast_retries(10)), 1);
    // Every request of this seed's first upload meets a 503 at least once, Init and Complete
    // included.
    let Some(t) = Target::with_faults("resumable-503", "seed=1,error503=0.5") else {
        return;
    };
    run(&t, &t.bucket_with(&fast_retries(12)), 1);
}

#[test]
fn content_type_is_guessed_from_the_file_or_the_key() {
    let t = Target::new("content-type");
    let bucket = &t.bucket;
    let type_of = |key: &str| bucket.head_object(key).unwrap().content_type;
    bucket.put_object(&t.key("page.html"), "<p>hi</p>").unwrap();
    assert_eq!(type_of(&t.key("page.html")).as_deref(), Some("text/html"));
    // A type given by the caller wins.
    let headers = Headers::new().with("Content-Type", "text/plain").unwrap();
    bucket
        .put_object_with_headers(&t.key("raw.html"), "<p>", headers)
        .unwrap();
    assert_eq!(type_of(&t.key("raw.html")).as_deref(), Some("text/plain"));
    // From a file, the file's name first (oss2 does the same).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.png");
    std::fs::write(&path, b"\x89PNG").unwrap();
    bucket
        .put_object_from_file(&t.key("no-extension"), &path, Headers::new(), None)
        .unwrap();
    assert_eq!(
        type_of(&t.key("no-extension")).as_deref(),
        Some("image/png")
    );
    // Appends and multipart uploads too.
    bucket
        .append_object(&t.key("log.json"), 0, "{}", None)
        .unwrap();
    assert_eq!(
        type_of(&t.key("log.json")).as_deref(),
        Some("application/json")
    );
    let upload = bucket
        .init_multipart_upload(&t.key("movie.mp4"), Headers::new())
        .unwrap();
    bucket
        .upload_part(&t.key("movie.mp4"), &upload.upload_id, 1, "frames")
        .unwrap();
    let parts = bucket
        .list_parts(&t.key("movie.mp4"), &upload.upload_id)
        .unwrap();
    let parts = parts
        .parts
        .iter()
        .map(|p| PartInfo::new(p.part_number, &p.etag))
        .collect();
    bucket
        .complete_multipart_upload(&t.key("movie.mp4"), &upload.upload_id, parts)
        .unwrap();
    assert_eq!(type_of(&t.key("movie.mp4")).as_deref(), Some("video/mp4"));
}

#[test]
fn the_signature_version_follows_the_region_and_the_choice() {
    use oss_native::SignatureVersion;
    let signer = || oss_native::auth("LTAI5tId", "secret").unwrap();
    let version = |endpoint: &str, options: &Options| {
        Bucket::with_options(signer(), endpoint, "bbb", options)
            .map(|b| b.client().signature_version())
    };
    let defaults = Options::default();
    // A standard endpoint tells its region: V4.
    assert_eq!(
        version("https://oss-cn-hangzhou.aliyuncs.com", &defaults).unwrap(),
        SignatureVersion::V4
    );
    // An IP address does not: V1, unless a region is given.
    assert_eq!(
        version("http://127.0.0.1:9000", &defaults).unwrap(),
        SignatureVersion::V1
    );
    let region = Options {
        region: Some("cn-hangzhou".into()),
        ..Options::default()
    };
    assert_eq!(
        version("http://127.0.0.1:9000", &region).unwrap(),
        SignatureVersion::V4
    );
    // An explicit choice wins; V4 without a region is refused before any request.
    let v1 = Options {
        signature_version: Some(SignatureVersion::V1),
        ..Options::default()
    };
    assert_eq!(
        version("https://oss-cn-hangzhou.aliyuncs.com", &v1).unwrap(),
        SignatureVersion::V1
    );
    let v4 = Options {
        signature_version: Some(SignatureVersion::V4),
        ..Options::default()
    };
    let refused = version("http://127.0.0.1:9000", &v4).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Oss(oss_core::Error::Client(
                oss_core::ClientError::MissingRegion
            ))
        ),
        "{refused:?}"
    );
    // And this run of the suite signs as it was asked to.
    let t = Target::new("signature-version");
    if let Some(wanted) = support::signature_version() {
        assert_eq!(t.bucket.client().signature_version(), wanted);
    }
    t.bucket.put_object(&t.key("signed"), "x").unwrap();
    assert_eq!(get(&t.bucket, &t.key("signed")), b"x");
}

#[test]
fn a_browser_form_made_by_post_form_uploads() {
    use oss_native::{Condition, PostPolicy};
    let t = Target::new("post-form");
    let now = t.bucket.client().now();
    let policy = PostPolicy::new(now + 600)
        .with(Condition::key_starts_with(&t.prefix))
        .with(Condition::ContentLengthRange { min: 1, max: 100 });
    let form = t.bucket.post_form(&policy).unwrap();
    let post = |key: &str, file: &[u8]| {
        let boundary = "oss-sdk-e2e-boundary";
        let mut body = Vec::new();
        let mut fields = form.fields.clone();
        fields.insert(0, ("key".to_string(), key.to_string()));
        for (name, value) in &fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(&form.url)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, body) = post(&t.key("form.txt"), b"from a form");
    assert_eq!(status, 204, "{body}");
    assert_eq!(get(&t.bucket, &t.key("form.txt")), b"from a form");
    // Outside the policy: another prefix, or too large.
    let (status, body) = post("elsewhere/form.txt", b"x");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Policy Condition failed"), "{body}");
    let (status, body) = post(&t.key("big.txt"), &[b'x'; 101]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");
}
