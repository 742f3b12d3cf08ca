//! The directory store through the `oss-emulator` binary: what was acknowledged survives a
//! SIGKILL, and an upload cut by one leaves nothing behind.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use oss_core::ErrorCode;
use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::object::{AppendObject, GetObject, HeadObject, PutObject, PutObjectAcl};
use oss_core::ops::service::ListObjects;
use support::{Http, Pattern, Process, Upload, crc_of, server_code};

const BUCKET: &str = "durable";

fn start(dir: &Path) -> (Process, Http) {
    let process = Process::start(&["--data-dir", dir.to_str().unwrap()]);
    let http = Http::new(&process.url);
    (process, http)
}

/// (etag, crc, size) as HEAD reports them, and the CRC of the bytes GET returns.
fn describe(http: &Http, key: &str) -> (String, u64, u64, u64) {
    let info = http.run(&HeadObject::new(BUCKET, key), b"").unwrap();
    let (head, body) = http
        .send(GetObject::new(BUCKET, key).request().unwrap(), Upload::None)
        .unwrap();
    assert_eq!(head.status, 200);
    let (crc, length) = crc_of(body.into_reader()).unwrap();
    assert_eq!(Some(length), info.content_length);
    (
        info.etag.unwrap(),
        info.server_crc.unwrap(),
        info.content_length.unwrap(),
        crc,
    )
}

fn keys(http: &Http) -> Vec<String> {
    let mut list = ListObjects::new(BUCKET);
    list.max_keys = 1000;
    let listed = http.run(&list, b"").unwrap();
    listed.objects.into_iter().map(|o| o.key).collect()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.display().to_string());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn acknowledged_objects_survive_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (process, http) = start(dir.path());
    assert_eq!(process.banner.len(), 3, "{:?}", process.banner);
    assert!(process.banner[1].starts_with("access key id: "));
    http.run(&CreateBucket::new(BUCKET), b"").unwrap();
    let mut written = Vec::new();
    for (i, size) in [0u64, 1, 100, 65_536, 3 << 20].into_iter().enumerate() {
        let key = format!("dir/object-{i}");
        let put = PutObject::new(BUCKET, &key, Some(size));
        let (head, body) = http.bytes(
            put.request().unwrap(),
            Upload::Reader(
                Box::new(Pattern {
                    offset: 0,
                    length: size,
                }),
                size,
            ),
        );
        let stored = put.parse(&head, &body).unwrap();
        assert_eq!(stored.crc, Some(Pattern::crc(size)));
        written.push(key);
    }
    // Replaced, appended to, and re-described objects too.
    http.run(&PutObject::new(BUCKET, "dir/object-1", Some(3)), b"new")
        .unwrap();
    for (position, chunk) in [(0, &b"log line 1\n"[..]), (11, b"log line 2\n")] {
        http.run(
            &AppendObject::new(BUCKET, "log", position, Some(chunk.len() as u64)),
            chunk,
        )
        .unwrap();
    }
    written.push("log".into());
    http.run(&PutObjectAcl::new(BUCKET, "log", "public-read"), b"")
        .unwrap();
    written.sort();
    let before: Vec<_> = written.iter().map(|k| describe(&http, k)).collect();
    for (etag, crc, _, body_crc) in &before {
        assert_eq!(crc, body_crc);
        assert!(!etag.is_empty());
    }

    process.kill();
    let (_process, http) = start(dir.path());
    assert_eq!(keys(&http), written);
    let after: Vec<_> = written.iter().map(|k| describe(&http, k)).collect();
    assert_eq!(after, before);
    assert_eq!(describe(&http, "dir/object-1").2, 3);
    // The ACL survived: anonymous reads of the public object work, of the others do not.
    let anonymous = Http::with_signer(&_process.url, oss_core::sign::Signer::anonymous());
    assert!(anonymous.run(&GetObject::new(BUCKET, "log"), b"").is_ok());
    assert_eq!(
        server_code(anonymous.run(&GetObject::new(BUCKET, "dir/object-2"), b"")),
        ErrorCode::AccessDenied
    );
}

/// Sends the head and the first `sent` bytes of a PUT of `length` bytes, and stops there.
fn start_upload(http: &Http, url: &str, key: &str, length: u64, sent: u64) -> TcpStream {
    let put = PutObject::new(BUCKET, key, Some(length));
    let signed = http
        .signer
        .sign(put.request().unwrap(), &http.endpoint, support::now())
        .unwrap();
    let (authority, target) = oss_emulator::split_url(&signed.url);
    let mut head =
        format!("PUT {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {length}\r\n");
    for (name, value) in signed.headers.iter() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    assert!(url.ends_with(authority));
    let mut stream = TcpStream::connect(authority).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    std::io::copy(
        &mut Pattern {
            offset: 0,
            length: sent,
        },
        &mut stream,
    )
    .unwrap();
    stream.flush().unwrap();
    stream
}

/// Waits until the store has received `bytes` of uploads (into its temporary files).
fn wait_for_staged_bytes(dir: &Path, bytes: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let staged: u64 = std::fs::read_dir(dir.join("tmp"))
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        if staged >= bytes {
            return;
        }
        assert!(Instant::now() < deadline, "only {staged} bytes staged");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_upload_killed_midway_leaves_the_old_object_and_no_partial_one() {
    let dir = tempfile::tempdir().unwrap();
    let (process, http) = start(dir.path());
    http.run(&CreateBucket::new(BUCKET), b"").unwrap();
    let old = b"the old version";
    http.run(
        &PutObject::new(BUCKET, "replaced", Some(old.len() as u64)),
        old,
    )
    .unwrap();
    let before = describe(&http, "replaced");

    // Two uploads of 64 MiB, 8 MiB into each: one replacing an object, one new.
    let total = 64 << 20;
    let _a = start_upload(&http, &process.url, "replaced", total, 8 << 20);
    let _b = start_upload(&http, &process.url, "fresh", total, 8 << 20);
    wait_for_staged_bytes(dir.path(), 12 << 20);
    process.kill();
    let leftovers = files_under(&dir.path().join("tmp"));
    assert!(!leftovers.is_empty(), "the uploads were in progress");

    let (_process, http) = start(dir.path());
    assert_eq!(describe(&http, "replaced"), before);
    assert_eq!(
        server_code(http.run(&GetObject::new(BUCKET, "fresh"), b"")),
        ErrorCode::NoSuchKey
    );
    assert_eq!(keys(&http), ["replaced"]);
    // Nothing of the cut uploads is left on disk: the bucket's metadata, the one object's
    // metadata and data file.
    let files = files_under(dir.path());
    assert_eq!(files.len(), 3, "{files:#?}");
    let data_bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    assert!(data_bytes < 4096, "{data_bytes} bytes left on disk");
}
