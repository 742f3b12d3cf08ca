//! oss-native against the emulator over real HTTP: every facade method, every data source,
//! progress sequences, CRC checks through injected corruption, pagination.

use std::io::{Read, Write as _};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;

use support::{get, pattern, signer};

use oss_core::ErrorCode;
use oss_core::Headers;
use oss_core::ops::multipart::PartInfo;
use oss_core::request::Method;
use oss_emulator::store::MemoryStore;
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Faults, Server};
use oss_native::{BodySource, Bucket, CHUNK_SIZE, Error, ListEntry, Options, RetryPolicy, Service};

struct Setup {
    server: Server,
    bucket: Bucket,
}

/// An emulator on a free loopback port with `name` created; faults, when given, start off.
fn setup_with(name: &str, faults: Option<&str>) -> Setup {
    let mut emulator = Emulator::new(MemoryStore::new());
    if let Some(spec) = faults {
        let faults = Faults::parse(spec).unwrap();
        faults.set_enabled(false);
        emulator = emulator.with_faults(faults);
    }
    let server = Server::start(emulator, "127.0.0.1:0").unwrap();
    let bucket = Bucket::new(signer(), &server.url(), name).unwrap();
    bucket.create_bucket(None, None).unwrap();
    Setup { server, bucket }
}

fn setup(name: &str) -> Setup {
    setup_with(name, None)
}

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

#[test]
fn every_data_source_round_trips() {
    let Setup {
        server: _server,
        bucket,
    } = setup("sources");
    let data = pattern(150_000, 0);

    bucket.put_object("slice", &data[..]).unwrap();
    bucket.put_object("vec-ref", &data).unwrap();
    bucket.put_object("vec", data.clone()).unwrap();
    bucket.put_object("str", "hello, 世界").unwrap();
    bucket.put_object("string", String::from("text")).unwrap();
    bucket.put_object("empty", ()).unwrap();
    bucket
        .put_object(
            "sized-reader",
            BodySource::reader(&data[..], Some(data.len() as u64)),
        )
        .unwrap();
    // Unknown length: chunked transfer.
    let result = bucket
        .put_object("chunked-reader", BodySource::reader(&data[..], None))
        .unwrap();
    assert_eq!(result.crc, Some(oss_core::crc64::checksum(&data)));

    let chunks = data.chunks(7000).map(<[u8]>::to_vec);
    bucket
        .put_object("chunks", BodySource::chunks(chunks, None))
        .unwrap();
    bucket
        .put_object(
            "sized-chunks",
            BodySource::chunks(data.chunks(333), Some(data.len() as u64)),
        )
        .unwrap();
    bucket
        .put_object("no-chunks", BodySource::chunks(Vec::<Vec<u8>>::new(), None))
        .unwrap();
    assert_eq!(get(&bucket, "no-chunks"), b"");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, &data).unwrap();
    bucket
        .put_object("file", std::fs::File::open(&path).unwrap())
        .unwrap();
    bucket
        .put_object_from_file("from-file", &path, Headers::new(), None)
        .unwrap();

    for key in [
        "slice",
        "vec-ref",
        "vec",
        "sized-reader",
        "chunked-reader",
        "file",
        "from-file",
    ] {
        assert_eq!(get(&bucket, key), data, "{key}");
    }
    assert_eq!(get(&bucket, "str"), "hello, 世界".as_bytes());
    assert_eq!(get(&bucket, "string"), b"text");
    assert_eq!(get(&bucket, "empty"), b"");
}

#[test]
fn a_short_source_fails_before_anything_is_stored() {
    let Setup {
        server: _server,
        bucket,
    } = setup("short");
    let result = bucket.put_object("short", BodySource::reader(&b"abc"[..], Some(10)));
    // The caller's source fell short: a local failure, not the network's.
    assert!(matches!(result, Err(Error::Io(_))), "{result:?}");
    assert!(!bucket.object_exists("short").unwrap());
}

#[test]
fn object_metadata_and_deletion() {
    let Setup {
        server: _server,
        bucket,
    } = setup("meta");
    let headers = Headers::new()
        .with("x-oss-meta-colour", "blue")
        .unwrap()
        .with("content-type", "text/plain")
        .unwrap();
    let put = bucket
        .put_object_with_headers("k", "12345", headers)
        .unwrap();

    let head = bucket.head_object("k").unwrap();
    assert_eq!(head.content_length, Some(5));
    assert_eq!(head.etag, put.etag);
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        head.user_meta,
        vec![("colour".to_string(), "blue".to_string())]
    );
    assert_eq!(head.server_crc, Some(oss_core::crc64::checksum(b"12345")));

    let meta = bucket.get_object_meta("k").unwrap();
    assert_eq!(meta.content_length, Some(5));
    assert_eq!(meta.etag, put.etag);

    assert!(bucket.object_exists("k").unwrap());
    bucket.delete_object("k").unwrap();
    assert!(!bucket.object_exists("k").unwrap());
    assert_eq!(server_code(bucket.head_object("k")), ErrorCode::NoSuchKey);
    assert_eq!(server_code(bucket.get_object("k")), ErrorCode::NoSuchKey);
    // Deleting a missing key succeeds, as on OSS.
    bucket.delete_object("k").unwrap();
}

#[test]
fn append_checks_position_and_crc() {
    let Setup {
        server: _server,
        bucket,
    } = setup("append");
    let first = bucket.append_object("log", 0, "hello ", Some(0)).unwrap();
    assert_eq!(first.next_position, 6);
    let second = bucket
        .append_object("log", first.next_position, "world", first.crc)
        .unwrap();
    assert_eq!(second.next_position, 11);
    assert_eq!(second.crc, Some(oss_core::crc64::checksum(b"hello world")));
    assert_eq!(get(&bucket, "log"), b"hello world");

    let wrong = bucket.append_object("log", 3, "x", None);
    assert_eq!(server_code(wrong), ErrorCode::PositionNotEqualToLength);
    // A wrong init_crc makes the server's answer disagree with ours.
    let mismatch = bucket
        .append_object("log", 11, "!", Some(12345))
        .unwrap_err();
    assert!(mismatch.is_inconsistent(), "{mismatch:?}");
}

#[test]
fn copy_update_meta_acl_and_symlink() {
    let Setup {
        server: _server,
        bucket,
    } = setup("copies");
    bucket.put_object("source", "payload").unwrap();
    let copy = bucket
        .copy_object("copies", "source", "target", Headers::new())
        .unwrap();
    assert_eq!(copy.crc, Some(oss_core::crc64::checksum(b"payload")));
    assert_eq!(get(&bucket, "target"), b"payload");

    let headers = Headers::new().with("x-oss-meta-state", "new").unwrap();
    bucket.update_object_meta("target", headers).unwrap();
    let head = bucket.head_object("target").unwrap();
    assert_eq!(
        head.user_meta,
        vec![("state".to_string(), "new".to_string())]
    );

    assert_eq!(bucket.get_object_acl("target").unwrap().acl, "default");
    bucket.put_object_acl("target", "public-read").unwrap();
    assert_eq!(bucket.get_object_acl("target").unwrap().acl, "public-read");

    bucket.put_symlink("source", "link").unwrap();
    assert_eq!(bucket.get_symlink("link").unwrap().target_key, "source");
    assert_eq!(get(&bucket, "link"), b"payload");
}

#[test]
fn bucket_lifecycle_acl_and_service_listing() {
    let Setup { server, bucket } = setup("first-bucket");
    assert_eq!(bucket.get_bucket_acl().unwrap().acl, "private");
    bucket.put_bucket_acl("public-read").unwrap();
    assert_eq!(bucket.get_bucket_acl().unwrap().acl, "public-read");
    assert!(!bucket.get_bucket_location().unwrap().location.is_empty());

    for name in ["second-bucket", "third-bucket"] {
        Bucket::new(signer(), &server.url(), name)
            .unwrap()
            .create_bucket(Some("private"), None)
            .unwrap();
    }
    let service = Service::new(signer(), &server.url()).unwrap();
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

    let third = Bucket::new(signer(), &server.url(), "third-bucket").unwrap();
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
    let Setup {
        server: _server,
        bucket,
    } = setup("listing");
    let keys = ["a/1", "a/2", "a/3", "b", "c/1", "d", "e"];
    for key in keys {
        bucket.put_object(key, key).unwrap();
    }
    let page = bucket.list_objects("", "", "", 2).unwrap();
    assert_eq!(page.objects.len(), 2);
    assert!(page.is_truncated);

    let all: Vec<String> = bucket
        .object_iter("", "", "", 2)
        .map(|e| e.unwrap().key().to_string())
        .collect();
    assert_eq!(all, keys);

    let grouped: Vec<ListEntry> = bucket
        .object_iter("", "/", "", 2)
        .map(Result::unwrap)
        .collect();
    let shown: Vec<(String, bool)> = grouped
        .iter()
        .map(|e| (e.key().to_string(), e.is_prefix()))
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
        .object_iter("", "", "c/1", 1)
        .map(|e| e.unwrap().key().to_string())
        .collect();
    assert_eq!(after, ["d", "e"]);

    let deleted = bucket.batch_delete_objects(["a/1", "a/2"]).unwrap();
    assert_eq!(deleted.deleted.len(), 2);
    assert_eq!(bucket.object_iter("a/", "", "", 10).count(), 1);
}

#[test]
fn ranged_download_as_oss2_defines_it() {
    let Setup {
        server: _server,
        bucket,
    } = setup("ranges");
    bucket.put_object("k", "0123456789").unwrap();
    let read = |range| {
        let mut out = String::new();
        bucket
            .get_object_with("k", Some(range), Headers::new(), None)
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
            .get_object_with("k", Some((Some(5), Some(2))), Headers::new(), None)
            .is_err()
    );
}

#[test]
fn download_to_file_and_from_file() {
    let Setup {
        server: _server,
        bucket,
    } = setup("files");
    let data = pattern(300_000, 0);
    bucket.put_object("k", &data).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.bin");
    let info = bucket.get_object_to_file("k", &path, None, None).unwrap();
    assert_eq!(info.content_length, Some(data.len() as u64));
    assert_eq!(std::fs::read(&path).unwrap(), data);
    // Only the target is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let missing = bucket.get_object_to_file("missing", dir.path().join("missing.bin"), None, None);
    assert_eq!(server_code(missing), ErrorCode::NoSuchKey);
    assert!(!dir.path().join("missing.bin").exists());
}

#[test]
fn upload_progress_is_one_call_per_chunk_ending_at_the_total() {
    let Setup {
        server: _server,
        bucket,
    } = setup("progress-up");
    let length = 3 * CHUNK_SIZE + 1234;
    let data = pattern(length, 0);

    let (calls, callback) = recorder();
    bucket
        .put_object("sized", BodySource::from(&data).with_progress(callback))
        .unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        expected_calls(length as u64, Some(length as u64))
    );

    let (calls, callback) = recorder();
    bucket
        .put_object(
            "unsized",
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
            "trickle",
            BodySource::reader(Trickle(&data), Some(length as u64)).with_progress(callback),
        )
        .unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        expected_calls(length as u64, Some(length as u64))
    );

    let (calls, callback) = recorder();
    bucket
        .put_object("empty", BodySource::from("").with_progress(callback))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), [(0, Some(0))]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, &data).unwrap();
    let (calls, callback) = recorder();
    bucket
        .put_object_from_file("file", &path, Headers::new(), Some(Box::new(callback)))
        .unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        expected_calls(length as u64, Some(length as u64))
    );
    assert_eq!(get(&bucket, "file"), data);
}

#[test]
fn download_progress_is_one_call_per_chunk_ending_at_the_total() {
    let Setup {
        server: _server,
        bucket,
    } = setup("progress-down");
    let length = 2 * CHUNK_SIZE as u64;
    bucket.put_object("k", pattern(length as usize, 0)).unwrap();

    let (calls, callback) = recorder();
    let mut result = bucket
        .get_object_with("k", None, Headers::new(), Some(Box::new(callback)))
        .unwrap();
    // Small reads on the caller's side do not change the steps.
    let mut small = [0u8; 100];
    while result.read(&mut small).unwrap() > 0 {}
    assert_eq!(*calls.lock().unwrap(), expected_calls(length, Some(length)));

    let dir = tempfile::tempdir().unwrap();
    let (calls, callback) = recorder();
    bucket
        .get_object_to_file("k", dir.path().join("k"), None, Some(Box::new(callback)))
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), expected_calls(length, Some(length)));
}

#[test]
fn corrupted_download_is_inconsistent_and_writes_nothing() {
    let Setup { server, bucket } = setup_with("corrupt", Some("seed=1,corrupt=1"));
    let data = pattern(200_000, 0);
    bucket.put_object("k", &data).unwrap();
    server.emulator().faults().unwrap().set_enabled(true);

    let mut bytes = Vec::new();
    let mut result = bucket.get_object("k").unwrap();
    let error = Error::from_io(result.read_to_end(&mut bytes).unwrap_err());
    // Reading on after the error does not turn it into a clean end.
    assert!(Error::from_io(result.read(&mut [0u8; 16]).unwrap_err()).is_inconsistent());
    assert!(error.is_inconsistent(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(bytes.len(), data.len());
    assert_ne!(bytes, data);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("target.bin");
    let error = bucket
        .get_object_to_file("k", &path, None, None)
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
            .get_object_to_file("k", &path, None, None)
            .unwrap_err()
            .is_inconsistent()
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"before");

    // With CRC checks off, the damaged bytes come through unchecked (oss2's enable_crc=False).
    let options = oss_native::Options {
        enable_crc: false,
        ..Default::default()
    };
    let unchecked = Bucket::with_options(signer(), &server.url(), "corrupt", &options).unwrap();
    let mut bytes = Vec::new();
    unchecked
        .get_object("k")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_ne!(bytes, data);
}

#[test]
fn multipart_upload_in_parts() {
    let Setup {
        server: _server,
        bucket,
    } = setup("multipart");
    let data = pattern(250_000, 0);
    let (first, second) = data.split_at(150_000);
    let upload = bucket.init_multipart_upload("big", Headers::new()).unwrap();
    let mut parts = Vec::new();
    for (number, part) in [(1u32, first), (2, second)] {
        let result = bucket
            .upload_part("big", &upload.upload_id, number, part)
            .unwrap();
        parts.push(PartInfo {
            size: Some(part.len() as u64),
            part_crc: result.crc,
            ..PartInfo::new(number, result.etag.as_deref().unwrap())
        });
    }
    assert_eq!(
        bucket
            .list_parts("big", &upload.upload_id)
            .unwrap()
            .parts
            .len(),
        2
    );
    assert_eq!(bucket.list_multipart_uploads("").unwrap().uploads.len(), 1);
    let complete = bucket
        .complete_multipart_upload("big", &upload.upload_id, parts)
        .unwrap();
    assert_eq!(complete.crc, Some(oss_core::crc64::checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);

    let aborted = bucket
        .init_multipart_upload("gone", Headers::new())
        .unwrap();
    bucket
        .abort_multipart_upload("gone", &aborted.upload_id)
        .unwrap();
    assert!(
        bucket
            .list_multipart_uploads("")
            .unwrap()
            .uploads
            .is_empty()
    );
}

#[test]
fn presigned_urls_work_without_credentials() {
    let Setup {
        server: _server,
        bucket,
    } = setup("presigned");
    bucket.put_object("k", "secret").unwrap();
    let url = bucket
        .sign_url(Method::Get, "k", 60, Headers::new(), Vec::new(), false)
        .unwrap();
    let body = ureq::get(&url.url)
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert_eq!(body, "secret");

    // Without credentials the same object is refused (the bucket is private).
    let anonymous = Bucket::new(oss_native::anonymous_auth(), &_server.url(), "presigned").unwrap();
    assert_eq!(
        server_code(anonymous.get_object("k")),
        ErrorCode::AccessDenied
    );
}

#[test]
fn bad_input_is_refused_before_sending() {
    let Setup { server, bucket } = setup("refused");
    assert!(matches!(
        bucket.put_object("", "x"),
        Err(Error::Oss(oss_core::Error::Client(_)))
    ));
    assert!(
        Bucket::new(signer(), &server.url(), "Bad_Name")
            .unwrap()
            .get_bucket_acl()
            .is_err()
    );
    assert!(Bucket::new(signer(), "ftp://nowhere", "bbb").is_err());
    // A closed port is a transport failure, which a retry may cure.
    let closed = Bucket::new(signer(), "http://127.0.0.1:9", "bbb").unwrap();
    let error = closed.get_bucket_acl().unwrap_err();
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[test]
fn a_skewed_clock_is_corrected_from_the_servers_answer() {
    let Setup { server, bucket } = setup("skew");
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
    let options = Options {
        retry: RetryPolicy::none(),
        ..Options::default()
    };
    let once = Bucket::with_options(signer(), &server.url(), "skew", &options).unwrap();
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
}

/// A bucket that retries often and fast, over an emulator injecting `faults` once set up.
fn retrying(name: &str, faults: &str, max_attempts: u32) -> (Server, Bucket) {
    let Setup { server, .. } = setup_with(name, Some(faults));
    let options = Options {
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Options::default()
    };
    let bucket = Bucket::with_options(signer(), &server.url(), name, &options).unwrap();
    server.emulator().faults().unwrap().set_enabled(true);
    (server, bucket)
}

#[test]
fn retries_ride_out_injected_503s_and_resets() {
    let (server, bucket) = retrying("flaky", "seed=5,error503=0.3,reset_after=100:0.2", 12);
    let data = pattern(50_000, 0);
    for i in 0..10 {
        let key = format!("k{i}");
        // Bytes can be sent again, so every upload completes, through 503s and uploads cut
        // after 100 bytes.
        bucket.put_object(&key, &data[..]).unwrap();
        assert!(bucket.object_exists(&key).unwrap());
    }
    let keys = bucket
        .object_iter("", "", "", 3)
        .map(|e| e.map(|e| e.key().to_string()));
    assert_eq!(keys.collect::<Result<Vec<_>, _>>().unwrap().len(), 10);

    // A download cut in the middle of its data is not retried here (that is a resumable
    // download's job), so the data is checked with resets off and 503s on.
    server.emulator().faults().unwrap().set_enabled(false);
    let (_server, reader) = retrying("flaky-get", "seed=9,error503=0.4", 12);
    reader.put_object("k", &data[..]).unwrap();
    for _ in 0..10 {
        assert_eq!(get(&reader, "k"), data);
    }
}

#[test]
fn files_are_sent_again_from_where_they_stood() {
    use std::io::{Seek as _, SeekFrom};
    let (server, bucket) = retrying("files-retry", "seed=2,error503=0.5", 12);
    let data = pattern(3 * CHUNK_SIZE, 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, &data).unwrap();
    for i in 0..6 {
        let (calls, callback) = recorder();
        let key = format!("whole{i}");
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
    bucket.put_object("tail", file).unwrap();

    server.emulator().faults().unwrap().set_enabled(false);
    for i in 0..6 {
        assert_eq!(get(&bucket, &format!("whole{i}")), data);
    }
    assert_eq!(get(&bucket, "tail"), &data[1000..]);
}

#[test]
fn what_cannot_be_replayed_is_not_retried() {
    let (_server, bucket) = retrying("no-replay", "seed=1,error503=1", 5);
    // A reader is consumed by the first attempt: its failure is reported as it is.
    let error = bucket
        .put_object("k", BodySource::reader(&b"data"[..], Some(4)))
        .unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);
    // POST is not idempotent: an append is never sent twice.
    let error = bucket.append_object("log", 0, "x", None).unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);
    // Idempotent requests with replayable data give up after max_attempts.
    let error = bucket.put_object("k", "data").unwrap_err();
    assert_eq!(error.server_error().unwrap().status, 503);
}

#[test]
fn part_copy_and_upload_and_part_iterators() {
    let Setup {
        server: _server,
        bucket,
    } = setup("parts");
    // Every part but the last must be at least 100 KiB.
    let data = pattern(250_000, 0);
    bucket.put_object("source", &data).unwrap();
    let upload = bucket
        .init_multipart_upload("target", Headers::new())
        .unwrap();
    let mut parts = Vec::new();
    for (number, range) in [
        (1u32, (Some(0), Some(119_999))),
        (2, (Some(120_000), Some(239_999))),
    ] {
        let result = bucket
            .upload_part_copy(
                "parts",
                "source",
                Some(range),
                "target",
                &upload.upload_id,
                number,
            )
            .unwrap();
        parts.push(PartInfo::new(number, result.etag.as_deref().unwrap()));
    }
    // A third part uploaded, so that parts come one page at a time.
    bucket
        .upload_part("target", &upload.upload_id, 3, "tail")
        .unwrap();
    parts.push(PartInfo::new(
        3,
        bucket
            .list_parts("target", &upload.upload_id)
            .unwrap()
            .parts[2]
            .etag
            .as_str(),
    ));
    let numbers: Vec<u32> = bucket
        .part_iter("target", &upload.upload_id, 1)
        .map(|p| p.unwrap().part_number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);

    let other = bucket
        .init_multipart_upload("other", Headers::new())
        .unwrap();
    let keys: Vec<String> = bucket
        .multipart_upload_iter("", 1)
        .map(|u| u.unwrap().key)
        .collect();
    assert_eq!(keys, ["other", "target"]);
    bucket
        .abort_multipart_upload("other", &other.upload_id)
        .unwrap();

    bucket
        .complete_multipart_upload("target", &upload.upload_id, parts)
        .unwrap();
    let mut expected = data[..240_000].to_vec();
    expected.extend_from_slice(b"tail");
    assert_eq!(get(&bucket, "target"), expected);
}

#[test]
fn bucket_configurations_round_trip() {
    use oss_core::ops::bucket::{
        BucketCors, BucketLogging, BucketReferer, BucketWebsite, CorsRule,
    };
    let Setup {
        server: _server,
        bucket,
    } = setup("configs");

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

    let logging = BucketLogging::new("configs", "logs/");
    bucket.put_bucket_logging(logging.clone()).unwrap();
    assert_eq!(bucket.get_bucket_logging().unwrap().logging, logging);
    bucket.delete_bucket_logging().unwrap();

    let website = BucketWebsite::new("index.html", "error.html");
    bucket.put_bucket_website(website.clone()).unwrap();
    assert_eq!(bucket.get_bucket_website().unwrap().website, website);
    bucket.delete_bucket_website().unwrap();
    assert!(bucket.get_bucket_website().is_err());

    use oss_core::ops::bucket::{BucketLifecycle, LifecycleExpiration, LifecycleRule};
    let rule = LifecycleRule {
        expiration: Some(LifecycleExpiration::Days(30)),
        ..LifecycleRule::new("expire-logs", "logs/")
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
    let Setup {
        server: _server,
        bucket,
    } = setup("live");
    for name in ["ch1", "ch2", "ch3"] {
        let created = bucket
            .create_live_channel(name, LiveChannelConfiguration::default())
            .unwrap();
        assert!(created.publish_url.contains(name), "{created:?}");
    }
    let names: Vec<String> = bucket
        .live_channel_iter("", 1)
        .map(|c| c.unwrap().name)
        .collect();
    assert_eq!(names, ["ch1", "ch2", "ch3"]);
    assert_eq!(
        bucket.list_live_channel("", "", 2).unwrap().channels.len(),
        2
    );

    bucket.put_live_channel_status("ch1", "disabled").unwrap();
    assert_eq!(
        bucket.get_live_channel("ch1").unwrap().configuration.status,
        "disabled"
    );
    bucket.get_live_channel_stat("ch2").unwrap();
    bucket.get_live_channel_history("ch2").unwrap();
    bucket.delete_live_channel("ch3").unwrap();
    assert!(bucket.get_live_channel("ch3").is_err());
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
    let Setup {
        server: _server,
        bucket,
    } = setup("large");
    let length = 24 * 1024 * 1024 + 17;
    let mut expected = oss_core::crc64::Crc64::new();
    std::io::copy(
        &mut Generated { offset: 0, length },
        &mut CrcSink(&mut expected),
    )
    .unwrap();

    for (key, announced) in [("sized", Some(length)), ("chunked", None)] {
        let source = BodySource::reader(Generated { offset: 0, length }, announced);
        let put = bucket.put_object(key, source).unwrap();
        assert_eq!(put.crc, Some(expected.value()), "{key}");

        let mut result = bucket.get_object(key).unwrap();
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
    use oss_emulator::AccessKey;
    use oss_native::{Client, StsCredentials};
    let keys = vec![
        AccessKey::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        AccessKey::sts("STS.first", "first-secret", "first-token"),
        AccessKey::sts("STS.second", "second-secret", "second-token"),
    ];
    let server = Server::start(
        Emulator::new(MemoryStore::new()).with_keys(keys),
        "127.0.0.1:0",
    )
    .unwrap();
    Bucket::new(signer(), &server.url(), "sts")
        .unwrap()
        .create_bucket(None, None)
        .unwrap();

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
        Client::with_provider(Arc::new(provider), &server.url(), &Options::default()).unwrap();
    let bucket = Bucket::with_client(client, "sts");
    bucket.put_object("k", "v").unwrap();
    assert_eq!(*refreshes.lock().unwrap(), 1);
    bucket.put_object("k", "w").unwrap();
    assert_eq!(get(&bucket, "k"), b"w");
    assert_eq!(*refreshes.lock().unwrap(), 2, "renewed once, then kept");

    // A provider that fails stops the request before anything is sent.
    let failing = StsCredentials::new(|| Err(Error::Io(std::io::Error::other("no STS today"))));
    let client =
        Client::with_provider(Arc::new(failing), &server.url(), &Options::default()).unwrap();
    let error = Bucket::with_client(client, "sts")
        .get_object("k")
        .unwrap_err();
    assert!(matches!(error, Error::Io(_)), "{error:?}");
}
