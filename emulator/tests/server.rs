//! The emulator over a real socket: started in process on port 0, driven by a real HTTP client
//! (ureq) with requests built and signed by oss-core.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use oss_core::crc64;
use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::object::{DeleteObject, GetObject, HeadObject, PutObject};
use oss_core::ops::service::ListObjects;
use oss_core::{Error, ErrorCode};
use oss_emulator::store::DirStore;
use oss_emulator::{Emulator, Server};
use support::{Http, Pattern, Upload, crc_of, server_code};

const BUCKET: &str = "server-bucket";

fn start(emulator: Emulator) -> (Server, Http) {
    let server = Server::start(emulator, "127.0.0.1:0").unwrap();
    assert!(server.addr().ip().is_loopback());
    let http = Http::new(&server.url());
    http.run(&CreateBucket::new(BUCKET), b"").unwrap();
    (server, http)
}

#[test]
fn put_get_head_list_delete() {
    let (_server, http) = start(Emulator::default());
    let data = b"over a real socket";
    let mut put = PutObject::new(BUCKET, "dir/a b+c.txt", Some(data.len() as u64));
    put.headers.insert("Content-Type", "text/plain").unwrap();
    put.headers.insert("x-oss-meta-colour", "blue").unwrap();
    let stored = http.run(&put, data).unwrap();
    assert_eq!(stored.crc, Some(crc64::checksum(data)));
    for key in ["dir/b", "other"] {
        http.run(&PutObject::new(BUCKET, key, Some(1)), b"x")
            .unwrap();
    }

    let get = GetObject::new(BUCKET, "dir/a b+c.txt");
    let (head, body) = http.bytes(get.request().unwrap(), Upload::None);
    assert_eq!(head.status, 200);
    assert_eq!(body, data);
    assert_eq!(head.header("content-length"), Some("18"));
    assert_eq!(head.header("x-oss-meta-colour"), Some("blue"));
    let info = get.parse(&head, &body).unwrap();
    assert_eq!(info.etag, stored.etag);
    crc64::check_crc64(crc64::checksum(&body), head.header("x-oss-hash-crc64ecma")).unwrap();

    let mut ranged = GetObject::new(BUCKET, "dir/a b+c.txt");
    ranged.byte_range = Some((Some(5), Some(10)));
    let (head, body) = http.bytes(ranged.request().unwrap(), Upload::None);
    assert_eq!(head.status, 206);
    assert_eq!(body, b"a real");
    assert_eq!(head.header("content-range"), Some("bytes 5-10/18"));

    // HEAD: the length of the body it does not carry.
    let (head, body) = http.bytes(
        HeadObject::new(BUCKET, "dir/a b+c.txt").request().unwrap(),
        Upload::None,
    );
    assert_eq!((head.status, body.len()), (200, 0));
    assert_eq!(head.header("content-length"), Some("18"));
    assert_eq!(head.header("content-type"), Some("text/plain"));

    let mut list = ListObjects::new(BUCKET);
    list.prefix = "dir/".into();
    let listed = http.run(&list, b"").unwrap();
    let keys: Vec<&str> = listed.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["dir/a b+c.txt", "dir/b"]);
    assert_eq!(listed.objects[0].size, 18);

    http.run(&DeleteObject::new(BUCKET, "dir/a b+c.txt"), b"")
        .unwrap();
    assert_eq!(
        server_code(http.run(&GetObject::new(BUCKET, "dir/a b+c.txt"), b"")),
        ErrorCode::NoSuchKey
    );
}

#[test]
fn error_documents_and_head_errors() {
    let (server, http) = start(Emulator::default());
    // GET: the error XML in the body.
    let (head, body) = http.bytes(
        GetObject::new(BUCKET, "missing").request().unwrap(),
        Upload::None,
    );
    assert_eq!(head.status, 404);
    assert_eq!(head.header("content-type"), Some("application/xml"));
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("<Code>NoSuchKey</Code>"), "{text}");
    assert!(text.contains("<Key>missing</Key>"), "{text}");
    assert!(text.contains(&format!(
        "<RequestId>{}</RequestId>",
        head.header("x-oss-request-id").unwrap()
    )));

    // HEAD: no body, the same document base64-encoded in x-oss-err.
    let head_op = HeadObject::new(BUCKET, "missing");
    let (head, body) = http.bytes(head_op.request().unwrap(), Upload::None);
    assert_eq!((head.status, body.len()), (404, 0));
    assert!(head.header("x-oss-err").is_some());
    match head_op.parse(&head, &body) {
        Err(Error::Server(e)) => {
            assert_eq!(e.code, ErrorCode::NoSuchKey);
            assert_eq!(e.request_id, head.header("x-oss-request-id").unwrap());
        }
        other => panic!("{other:?}"),
    }

    let wrong = Http::with_secret(&server.url(), "not-the-secret");
    match wrong.run(&GetObject::new(BUCKET, "missing"), b"") {
        Err(Error::Server(e)) => {
            assert_eq!(e.code, ErrorCode::SignatureDoesNotMatch);
            assert!(e.details.iter().any(|(tag, _)| tag == "StringToSign"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_20_mib_object_streams_both_ways() {
    const SIZE: u64 = 20 << 20;
    let dir = tempfile::tempdir().unwrap();
    let (_server, http) = start(Emulator::new(DirStore::open(dir.path()).unwrap()));
    let put = PutObject::new(BUCKET, "big", Some(SIZE));
    let (head, body) = http.bytes(
        put.request().unwrap(),
        Upload::Reader(
            Box::new(Pattern {
                offset: 0,
                length: SIZE,
            }),
            SIZE,
        ),
    );
    let stored = put.parse(&head, &body).unwrap();
    let expected = Pattern::crc(SIZE);
    assert_eq!(stored.crc, Some(expected));

    let (head, body) = http
        .send(
            GetObject::new(BUCKET, "big").request().unwrap(),
            Upload::None,
        )
        .unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(SIZE.to_string().as_str())
    );
    let (crc, length) = crc_of(body.into_reader()).unwrap();
    assert_eq!((crc, length), (expected, SIZE));
    crc64::check_crc64(crc, head.header("x-oss-hash-crc64ecma")).unwrap();
}

#[test]
fn a_refused_upload_gets_its_error_document() {
    let (_server, http) = start(Emulator::default());
    // No such bucket: refused before the body is read; the server reads (and drops) the 4 MiB
    // the client sends anyway, so the client sees the error, not a broken pipe.
    let put = PutObject::new("no-such-bucket", "k", Some(4 << 20));
    let (head, body) = http.bytes(
        put.request().unwrap(),
        Upload::Reader(
            Box::new(Pattern {
                offset: 0,
                length: 4 << 20,
            }),
            4 << 20,
        ),
    );
    assert_eq!(
        server_code(put.parse(&head, &body)),
        ErrorCode::NoSuchBucket
    );
    // The server still answers afterwards.
    http.run(&PutObject::new(BUCKET, "k", Some(1)), b"k")
        .unwrap();
}

/// Two requests on one connection: keep-alive works, and each answer says how long it is.
#[test]
fn keep_alive_serves_several_requests_per_connection() {
    let (server, _http) = start(Emulator::default());
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let request = format!(
        "GET /{BUCKET}/missing HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr()
    );
    let mut answers = String::new();
    for round in 1..=2 {
        stream.write_all(request.as_bytes()).unwrap();
        // Read until this round's answer is complete (it may come in several pieces).
        let mut buffer = vec![0u8; 4096];
        while answers.matches("</Error>").count() < round {
            let n = stream.read(&mut buffer).unwrap();
            assert!(
                n > 0,
                "the connection closed after {round} requests: {answers}"
            );
            answers.push_str(std::str::from_utf8(&buffer[..n]).unwrap());
        }
    }
    // Anonymous GET of a private bucket's object.
    assert_eq!(
        answers.matches("HTTP/1.1 403 Forbidden").count(),
        2,
        "{answers}"
    );
    assert_eq!(
        answers.matches("<Code>AccessDenied</Code>").count(),
        2,
        "{answers}"
    );
    assert!(answers.to_ascii_lowercase().contains("content-length: "));
}

#[test]
fn the_server_stops_when_dropped() {
    let server = Server::start(Emulator::default(), "127.0.0.1:0").unwrap();
    let addr = server.addr();
    assert!(TcpStream::connect(addr).is_ok());
    drop(server);
    assert!(TcpStream::connect(addr).is_err());
}

/// The binary: keys from the command line and from a config file (with an STS key), the
/// banner naming them, and no default key once keys are given.
#[test]
fn the_binary_takes_keys_from_flags_and_a_config_file() {
    use oss_core::Credentials;
    use oss_core::sign::Signer;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("keys.json");
    std::fs::write(
        &config,
        r#"{"access_keys": [{"id": "STS.tmp", "secret": "sts-secret", "security_token": "tok"}]}"#,
    )
    .unwrap();
    let process = support::Process::start(&[
        "--access-key-id",
        "my-id",
        "--access-key-secret",
        "my-secret",
        "--config",
        config.to_str().unwrap(),
        "--region",
        "cn-shanghai",
    ]);
    assert_eq!(
        process.banner[1..],
        ["access key id: my-id", "access key id: STS.tmp"]
    );
    let mine = Http::with_signer(
        &process.url,
        Signer::v1(Credentials::new("my-id", "my-secret").unwrap()),
    );
    mine.run(&CreateBucket::new(BUCKET), b"").unwrap();
    let location = mine
        .run(&oss_core::ops::bucket::GetBucketLocation::new(BUCKET), b"")
        .unwrap();
    assert_eq!(location.location, "oss-cn-shanghai");
    let sts = Http::with_signer(
        &process.url,
        Signer::v1(Credentials::sts("STS.tmp", "sts-secret", "tok").unwrap()),
    );
    sts.run(&PutObject::new(BUCKET, "k", Some(1)), b"k")
        .unwrap();
    let default = Http::new(&process.url);
    match default.run(&GetObject::new(BUCKET, "k"), b"") {
        Err(Error::Server(e)) => assert_eq!(e.raw_code, "InvalidAccessKeyId"),
        other => panic!("{other:?}"),
    }
}
