//! What an independent review of the emulator found, each case as a test: races between
//! concurrent requests, requests that used to panic or be misread, and OSS rules that were
//! missing (STS presigned URLs, conditional GETs, object ACLs on writes, body limits).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Barrier;

use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::copy::CopyObject;
use oss_core::ops::object::{AppendObject, GetObject, HeadObject, PutObject};
use oss_core::request::Request;
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, ResponseHead, SignedRequest};
use oss_emulator::store::{
    BucketMeta, DirStore, MemoryStore, ObjectMeta, ObjectType, PartMeta, Staged, Store, StoreError,
    UploadMeta,
};
use oss_emulator::{AccessKey, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "review-bucket";

/// oss-core's operations, signed with the default key, through the in-process driver.
struct Client {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl Client {
    fn new(emulator: Emulator) -> Client {
        Client::at(emulator, "http://127.0.0.1:9000")
    }

    fn at(emulator: Emulator, endpoint: &str) -> Client {
        let credentials =
            Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap();
        Client {
            emulator,
            signer: Signer::v1(credentials),
            endpoint: Endpoint::parse(endpoint).unwrap(),
        }
    }

    fn with_bucket(emulator: Emulator) -> Client {
        let client = Client::new(emulator);
        client.run(&CreateBucket::new(BUCKET), b"").unwrap();
        client
    }

    fn sign(&self, request: Request) -> SignedRequest {
        self.signer.sign(request, &self.endpoint, NOW).unwrap()
    }

    fn raw(&self, request: Request, body: &[u8]) -> (ResponseHead, Vec<u8>) {
        self.emulator.send(&self.sign(request), body, NOW)
    }

    /// `request` signed for another endpoint (`http://emu.test:9000`: virtual-hosted URLs).
    fn raw_via(&self, endpoint: &str, request: Request, body: &[u8]) -> (ResponseHead, Vec<u8>) {
        let endpoint = Endpoint::parse(endpoint).unwrap();
        let signed = self.signer.sign(request, &endpoint, NOW).unwrap();
        self.emulator.send(&signed, body, NOW)
    }

    fn run<O: Operation>(&self, op: &O, body: &[u8]) -> Result<O::Output, Error> {
        let (head, bytes) = self.raw(op.request()?, body);
        op.parse(&head, &bytes)
    }

    fn put(&self, key: &str, data: &[u8]) {
        self.run(&PutObject::new(BUCKET, key, Some(data.len() as u64)), data)
            .unwrap();
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, Error> {
        let get = GetObject::new(BUCKET, key);
        let (head, bytes) = self.raw(get.request()?, b"");
        get.parse(&head, &bytes)?;
        Ok(bytes)
    }
}

/// The request the in-process driver would send for `signed` with a body of `length` bytes.
fn wire_request(signed: &SignedRequest, length: usize) -> oss_emulator::http::Request {
    let (authority, target) = oss_emulator::split_url(&signed.url);
    let mut request = oss_emulator::http::Request::new(signed.method.as_str(), target)
        .with_header("Host", authority)
        .with_header("Content-Length", &length.to_string());
    for (name, value) in signed.headers.iter() {
        request = request.with_header(name, value);
    }
    request
}

/// A body that waits, at its first read, until every other request holding the same barrier
/// has begun reading its body too: by then all of them are past their checks of the request
/// head, and their commits race.
struct Together<'a> {
    barrier: &'a Barrier,
    data: &'a [u8],
    started: bool,
}

impl Read for Together<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            self.barrier.wait();
        }
        self.data.read(buf)
    }
}

/// The files in `dir` (none if it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir).map_or_else(
        |_| Vec::new(),
        |entries| entries.map(|e| e.unwrap().path()).collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Staged uploads are removed when they are not committed

#[test]
fn a_refused_copy_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::with_bucket(Emulator::new(DirStore::open(dir.path()).unwrap()));
    client.put("source", &[7u8; 1000]);
    // The source's data file loses its tail (a damaged disk): the copy reads fewer bytes
    // than the metadata promises, and must refuse after staging what it read.
    let objects = dir.path().join("buckets").join(BUCKET).join("objects");
    let data_file = files_in(&objects)
        .into_iter()
        .find(|p| p.extension().is_none_or(|e| e != "json"))
        .unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&data_file)
        .unwrap()
        .set_len(10)
        .unwrap();
    let copy = CopyObject::new(BUCKET, "source", BUCKET, "copy");
    assert!(client.run(&copy, b"").is_err());
    assert!(client.get("copy").is_err());
    assert_eq!(files_in(&dir.path().join("tmp")), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------------------
// Concurrent appends at one position: one wins, the others learn the new length

/// Two appends at `position` of `key`, whose bodies are read at the same time; the answers.
fn racing_appends(
    client: &Client,
    key: &str,
    position: u64,
) -> Vec<Result<u64, (ErrorCode, Option<u64>)>> {
    let barrier = Barrier::new(2);
    let bodies = [vec![b'a'; 100_000], vec![b'b'; 100_000]];
    std::thread::scope(|scope| {
        let threads: Vec<_> = bodies
            .iter()
            .map(|data| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let append = AppendObject::new(BUCKET, key, position, Some(data.len() as u64));
                    let request = wire_request(&client.sign(append.request().unwrap()), data.len());
                    let mut body = Together {
                        barrier,
                        data,
                        started: false,
                    };
                    let response = client.emulator.handle(&request, &mut body, NOW);
                    let mut head = ResponseHead::new(response.status);
                    for (name, value) in &response.headers {
                        head.push_header(name, value);
                    }
                    let bytes = response.into_bytes().unwrap();
                    match append.parse(&head, &bytes) {
                        Ok(result) => Ok(result.next_position),
                        Err(Error::Server(e)) => Err((e.code, e.next_position)),
                        Err(other) => panic!("{other:?}"),
                    }
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

fn check_append_race(client: &Client) {
    // A new object, both at 0; then an existing one, both at its length.
    for (key, start) in [("new", &b""[..]), ("existing", b"start")] {
        if !start.is_empty() {
            client
                .run(&AppendObject::new(BUCKET, key, 0, None), start)
                .unwrap();
        }
        let position = start.len() as u64;
        let answers = racing_appends(client, key, position);
        let length = position + 100_000;
        let won: Vec<_> = answers.iter().filter(|a| a.is_ok()).collect();
        assert_eq!(won, [&Ok(length)], "{key}: {answers:?}");
        assert!(
            answers.contains(&Err((ErrorCode::PositionNotEqualToLength, Some(length)))),
            "{key}: {answers:?}"
        );
        let data = client.get(key).unwrap();
        assert_eq!(data.len() as u64, length, "{key}");
        let tail = &data[start.len()..];
        assert!(
            tail.iter().all(|b| *b == tail[0]),
            "{key}: two bodies mixed"
        );
        let head = client.run(&HeadObject::new(BUCKET, key), b"").unwrap();
        assert_eq!(
            head.server_crc,
            Some(oss_core::crc64::checksum(&data)),
            "{key}"
        );
    }
}

#[test]
fn concurrent_appends_at_one_position_in_memory() {
    check_append_race(&Client::with_bucket(Emulator::new(MemoryStore::new())));
}

#[test]
fn concurrent_appends_at_one_position_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    check_append_race(&Client::with_bucket(Emulator::new(
        DirStore::open(dir.path()).unwrap(),
    )));
    // The refused append's staged bytes are gone.
    assert_eq!(files_in(&dir.path().join("tmp")), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------------------
// Presigned URLs of STS credentials carry `security-token`, a signed sub-resource

#[test]
fn sts_presigned_urls_are_served() {
    let emulator = Emulator::default().with_keys(vec![
        AccessKey::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        AccessKey::sts("STS.id", "sts-secret", "token-1"),
    ]);
    let client = Client::with_bucket(emulator);
    client.put("shared.txt", b"for the holder of the token");
    let sts = Signer::v1(Credentials::sts("STS.id", "sts-secret", "token-1").unwrap());
    let presign = |params: &[(&str, &str)]| {
        let mut request = Request::object(oss_core::Method::Get, BUCKET, "shared.txt").unwrap();
        for (name, value) in params {
            request = request.with_query(name, Some(value));
        }
        let url = sts
            .presign(request, &client.endpoint, NOW, 60, false)
            .unwrap()
            .url;
        assert!(url.contains("security-token=token-1"), "{url}");
        let (host, target) = oss_emulator::split_url(&url);
        let plain = oss_emulator::http::Request::new("GET", target).with_header("Host", host);
        client.emulator.send_request(&plain, b"", NOW + 1)
    };
    let (head, body) = presign(&[]);
    assert_eq!(
        (head.status, body.as_slice()),
        (200, &b"for the holder of the token"[..]),
        "{}",
        String::from_utf8_lossy(&body)
    );
    // With a response header override as well.
    let (head, _) = presign(&[("response-content-type", "text/x-test")]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/x-test"));
}

// ---------------------------------------------------------------------------------------------
// Ranges: OSS ignores one it cannot serve, unless `x-oss-range-behavior: standard`

/// GET `key` with `headers`: status, Content-Range, body.
fn get_with(
    client: &Client,
    key: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, Vec<u8>) {
    let mut request = Request::object(oss_core::Method::Get, BUCKET, key).unwrap();
    for (name, value) in headers {
        request = request.with_header(name, value).unwrap();
    }
    let (head, body) = client.raw(request, b"");
    let range = head.header("content-range").map(str::to_string);
    (head.status, range, body)
}

#[test]
fn ranges_of_an_empty_object_are_ignored_or_unsatisfiable() {
    let client = Client::with_bucket(Emulator::default());
    client.put("empty", b"");
    for range in [
        "bytes=0-",
        "bytes=-5",
        "bytes=0-0",
        "bytes=0-18446744073709551615",
    ] {
        assert_eq!(
            get_with(&client, "empty", &[("Range", range)]),
            (200, None, Vec::new()),
            "{range}"
        );
        let (status, _, body) = get_with(
            &client,
            "empty",
            &[("Range", range), ("x-oss-range-behavior", "standard")],
        );
        assert_eq!(status, 416, "{range}");
        assert!(String::from_utf8_lossy(&body).contains("InvalidRange"));
    }
}

#[test]
fn ranges_follow_the_range_behavior() {
    let client = Client::with_bucket(Emulator::default());
    client.put("ten", b"0123456789");
    let whole = (200, None, b"0123456789".to_vec());
    let part = |first: u64, last: u64| {
        (
            206,
            Some(format!("bytes {first}-{last}/10")),
            b"0123456789"[first as usize..=last as usize].to_vec(),
        )
    };
    // (Range, without x-oss-range-behavior, with `standard`); None: 416.
    let cases = [
        ("bytes=2-4", Some(part(2, 4)), Some(part(2, 4))),
        ("bytes=5-", Some(part(5, 9)), Some(part(5, 9))),
        ("bytes=-3", Some(part(7, 9)), Some(part(7, 9))),
        (
            "bytes=0-18446744073709551615",
            Some(whole.clone()),
            Some(part(0, 9)),
        ),
        ("bytes=8-30", Some(whole.clone()), Some(part(8, 9))),
        ("bytes=-20", Some(whole.clone()), Some(part(0, 9))),
        ("bytes=20-30", Some(whole.clone()), None),
        ("bytes=10-", Some(whole.clone()), None),
        ("bytes=18446744073709551615-", Some(whole.clone()), None),
        ("bytes=4-2", Some(whole.clone()), Some(whole.clone())),
        ("bytes=x-2", Some(whole.clone()), Some(whole.clone())),
        ("byte=0-2", Some(whole.clone()), Some(whole.clone())),
    ];
    for (range, default, standard) in cases {
        assert_eq!(
            Some(get_with(&client, "ten", &[("Range", range)])),
            default,
            "{range}"
        );
        let answer = get_with(
            &client,
            "ten",
            &[("Range", range), ("x-oss-range-behavior", "standard")],
        );
        match standard {
            Some(expected) => assert_eq!(answer, expected, "{range} standard"),
            None => assert_eq!(answer.0, 416, "{range} standard"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `Host: bucket.<domain>` with a path that starts with the bucket's name again

/// GET with a Host and a target of the caller's choosing, signed (for the resource
/// `/BUCKET/signed_key`) or anonymous: status and body.
fn get_as(client: &Client, host: &str, target: &str, signed_key: Option<&str>) -> (u16, Vec<u8>) {
    let mut request = oss_emulator::http::Request::new("GET", target).with_header("Host", host);
    if let Some(key) = signed_key {
        let signed = client.sign(Request::object(oss_core::Method::Get, BUCKET, key).unwrap());
        for (name, value) in signed.headers.iter() {
            request = request.with_header(name, value);
        }
    }
    let (head, body) = client.emulator.send_request(&request, b"", NOW);
    (head.status, body)
}

#[test]
fn virtual_hosted_keys_may_start_with_the_bucket_name() {
    let client = Client::with_bucket(Emulator::default().with_domain("emu.test"));
    let vhost = "http://emu.test:9000";
    for key in [format!("{BUCKET}/inner"), BUCKET.to_string()] {
        let data = format!("the object {key}");
        let put = PutObject::new(BUCKET, &key, Some(data.len() as u64));
        let (head, body) = client.raw_via(vhost, put.request().unwrap(), data.as_bytes());
        assert_eq!(
            head.status,
            200,
            "{key}: {}",
            String::from_utf8_lossy(&body)
        );
        let get = GetObject::new(BUCKET, &key);
        let (head, body) = client.raw_via(vhost, get.request().unwrap(), b"");
        assert_eq!(
            (head.status, body),
            (200, data.clone().into_bytes()),
            "{key}"
        );
        // The same object, path-style.
        assert_eq!(client.get(&key).unwrap(), data.into_bytes());
    }
    client.put("plain", b"path-style");
    let host = format!("{BUCKET}.emu.test:9000");
    // Signed, each reading is taken when its signature verifies: the JavaScript client's
    // form (path-style behind a virtual-hosted Host) as well.
    assert_eq!(
        get_as(&client, &host, &format!("/{BUCKET}/plain"), Some("plain")),
        (200, b"path-style".to_vec())
    );
    assert_eq!(
        get_as(
            &client,
            &host,
            &format!("/{BUCKET}/inner"),
            Some(&format!("{BUCKET}/inner"))
        ),
        (200, format!("the object {BUCKET}/inner").into_bytes())
    );
    // Anonymous: virtual-hosted, unless the Host is an OSS endpoint (where only the
    // JavaScript client's form puts the bucket in both).
    let acl = oss_core::ops::bucket::PutBucketAcl::new(BUCKET, "public-read");
    client.run(&acl, b"").unwrap();
    assert_eq!(
        get_as(&client, &host, &format!("/{BUCKET}/inner"), None),
        (200, format!("the object {BUCKET}/inner").into_bytes())
    );
    let oss_host = format!("{BUCKET}.oss-cn-hangzhou.aliyuncs.com");
    assert_eq!(
        get_as(&client, &oss_host, &format!("/{BUCKET}/plain"), None),
        (200, b"path-style".to_vec())
    );
}

// ---------------------------------------------------------------------------------------------
// Conditional GETs follow RFC 7232, as copies and symlinks already did

#[test]
fn conditional_gets() {
    let client = Client::with_bucket(Emulator::default());
    client.put("c.txt", b"0123456789");
    let etag = format!("\"{}\"", {
        use md5::Digest as _;
        md5::Md5::digest(b"0123456789")
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    });
    let date = |t: i64| oss_core::dates::http_date(t).unwrap();
    let (before, after) = (date(NOW - 3600), date(NOW + 3600));
    let other = "\"0123456789ABCDEF0123456789ABCDEF\"";
    let either = format!("{other}, {etag}");
    let weak = format!("W/{etag}");
    let cases: [(&[(&str, &str)], u16); 14] = [
        (&[("If-Match", &etag)], 200),
        (&[("If-Match", other)], 412),
        (&[("If-Match", &either)], 200),
        (&[("If-Match", "*")], 200),
        (&[("If-None-Match", &etag)], 304),
        (&[("If-None-Match", &either)], 304),
        (&[("If-None-Match", &weak)], 304),
        (&[("If-None-Match", other)], 200),
        (&[("If-Modified-Since", &after)], 304),
        (&[("If-Modified-Since", &before)], 200),
        (&[("If-Unmodified-Since", &before)], 412),
        (&[("If-Unmodified-Since", &after)], 200),
        // A date condition gives way to the ETag condition of its kind.
        (
            &[("If-Match", &etag), ("If-Unmodified-Since", &before)],
            200,
        ),
        (
            &[("If-None-Match", other), ("If-Modified-Since", &after)],
            200,
        ),
    ];
    for (headers, status) in cases {
        let (got, _, body) = get_with(&client, "c.txt", headers);
        assert_eq!(
            got,
            status,
            "{headers:?}: {}",
            String::from_utf8_lossy(&body)
        );
        if status == 200 {
            assert_eq!(body, b"0123456789");
        }
    }
    // A 304 says which version the client has, and carries no body.
    for method in [oss_core::Method::Get, oss_core::Method::Head] {
        let request = Request::object(method, BUCKET, "c.txt")
            .unwrap()
            .with_header("If-None-Match", &etag)
            .unwrap();
        let (head, body) = client.raw(request, b"");
        assert_eq!(head.status, 304, "{method:?}");
        assert_eq!(head.header("etag"), Some(etag.as_str()));
        assert_eq!(head.header("last-modified"), Some(date(NOW).as_str()));
        assert!(body.is_empty(), "{}", String::from_utf8_lossy(&body));
    }
}

// ---------------------------------------------------------------------------------------------
// A GET sends the bytes its metadata describes, whatever PutObject does meanwhile

/// A store that replaces the object `key` by its other version every time its metadata is
/// looked up: what a concurrent PutObject may do at any moment, at the worst ones.
struct Meddling {
    inner: std::sync::Arc<dyn Store>,
    key: &'static str,
    versions: [Vec<u8>; 2],
    next: std::sync::atomic::AtomicUsize,
}

impl Meddling {
    fn replace(&self, bucket: &str) {
        use std::sync::atomic::Ordering;
        let data = &self.versions[self.next.fetch_add(1, Ordering::SeqCst) % 2];
        let meta = ObjectMeta {
            key: self.key.to_string(),
            size: data.len() as u64,
            etag: format!("\"{:032X}\"", data.len()),
            crc64: oss_core::crc64::checksum(data),
            last_modified: NOW,
            object_type: ObjectType::Normal,
            storage_class: "Standard".into(),
            acl: "default".into(),
            headers: Vec::new(),
            symlink_target: None,
        };
        let staged = self.inner.stage(bucket, &mut data.as_slice()).unwrap();
        self.inner.commit_object(bucket, staged, meta).unwrap();
    }
}

impl Store for Meddling {
    fn buckets(&self) -> Vec<BucketMeta> {
        self.inner.buckets()
    }
    fn bucket(&self, name: &str) -> Option<BucketMeta> {
        self.inner.bucket(name)
    }
    fn put_bucket(&self, meta: BucketMeta) -> Result<(), StoreError> {
        self.inner.put_bucket(meta)
    }
    fn delete_bucket(&self, name: &str) -> Result<(), StoreError> {
        self.inner.delete_bucket(name)
    }
    fn object(&self, bucket: &str, key: &str) -> Option<ObjectMeta> {
        let meta = self.inner.object(bucket, key);
        if key == self.key && meta.is_some() {
            self.replace(bucket);
        }
        meta
    }
    fn stage(&self, bucket: &str, data: &mut dyn Read) -> Result<Staged, StoreError> {
        self.inner.stage(bucket, data)
    }
    fn commit_object(
        &self,
        bucket: &str,
        staged: Staged,
        meta: ObjectMeta,
    ) -> Result<(), StoreError> {
        self.inner.commit_object(bucket, staged, meta)
    }
    fn commit_append(
        &self,
        bucket: &str,
        key: &str,
        staged: Staged,
        position: u64,
        grow: oss_emulator::store::Grow<'_>,
    ) -> Result<ObjectMeta, StoreError> {
        self.inner
            .commit_append(bucket, key, staged, position, grow)
    }
    fn update_object(&self, bucket: &str, meta: ObjectMeta) -> Result<(), StoreError> {
        self.inner.update_object(bucket, meta)
    }
    fn read_object(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<oss_emulator::store::StoredObject, StoreError> {
        self.inner.read_object(bucket, key)
    }
    fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, StoreError> {
        self.inner.delete_object(bucket, key)
    }
    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<ObjectMeta>, StoreError> {
        self.inner.list_objects(bucket, prefix, after, limit)
    }
    fn create_upload(&self, bucket: &str, upload: UploadMeta) -> Result<(), StoreError> {
        self.inner.create_upload(bucket, upload)
    }
    fn upload(&self, bucket: &str, upload_id: &str) -> Option<UploadMeta> {
        self.inner.upload(bucket, upload_id)
    }
    fn uploads(&self, bucket: &str) -> Result<Vec<UploadMeta>, StoreError> {
        self.inner.uploads(bucket)
    }
    fn commit_part(
        &self,
        bucket: &str,
        upload_id: &str,
        staged: Staged,
        part: PartMeta,
    ) -> Result<(), StoreError> {
        self.inner.commit_part(bucket, upload_id, staged, part)
    }
    fn parts(&self, bucket: &str, upload_id: &str) -> Result<Vec<PartMeta>, StoreError> {
        self.inner.parts(bucket, upload_id)
    }
    fn complete_upload(
        &self,
        bucket: &str,
        upload_id: &str,
        parts: &[u32],
        meta: ObjectMeta,
    ) -> Result<ObjectMeta, StoreError> {
        self.inner.complete_upload(bucket, upload_id, parts, meta)
    }
    fn abort_upload(&self, bucket: &str, upload_id: &str) -> Result<(), StoreError> {
        self.inner.abort_upload(bucket, upload_id)
    }
}

fn check_whole_reads(inner: std::sync::Arc<dyn Store>) {
    let store = Meddling {
        inner: inner.clone(),
        key: "changing",
        versions: [vec![b'a'; 1000], vec![b'b'; 1007]],
        next: Default::default(),
    };
    let client = Client::with_bucket(Emulator::new(store));
    client.put("changing", b"first");
    for round in 0..4 {
        let get = GetObject::new(BUCKET, "changing");
        let (head, body) = client.raw(get.request().unwrap(), b"");
        let info = get.parse(&head, &body).unwrap();
        assert_eq!(
            info.content_length,
            Some(body.len() as u64),
            "round {round}"
        );
        assert_eq!(
            info.server_crc,
            Some(oss_core::crc64::checksum(&body)),
            "round {round}"
        );
        // A copy takes the bytes its source's metadata describes too.
        let copy = CopyObject::new(BUCKET, "changing", BUCKET, "copy");
        client.run(&copy, b"").unwrap();
        let copied = client.run(&HeadObject::new(BUCKET, "copy"), b"").unwrap();
        let data = client.get("copy").unwrap();
        assert_eq!(
            copied.server_crc,
            Some(oss_core::crc64::checksum(&data)),
            "round {round}"
        );
        // Changing the ACL (which reads the metadata, then writes it back) keeps the
        // metadata of the bytes that are there.
        let acl = oss_core::ops::object::PutObjectAcl::new(BUCKET, "changing", "public-read");
        client.run(&acl, b"").unwrap();
        let stored = inner.read_object(BUCKET, "changing").unwrap();
        let (crc, mut data) = (stored.meta.crc64, Vec::new());
        stored.data.take(u64::MAX).read_to_end(&mut data).unwrap();
        assert_eq!(crc, oss_core::crc64::checksum(&data), "round {round}");
    }
}

#[test]
fn reads_are_whole_objects_in_memory() {
    check_whole_reads(std::sync::Arc::new(MemoryStore::new()));
}

#[test]
fn reads_are_whole_objects_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    check_whole_reads(std::sync::Arc::new(DirStore::open(dir.path()).unwrap()));
}

// ---------------------------------------------------------------------------------------------
// The handler reads no clock and never sleeps

#[test]
fn upload_ids_depend_only_on_the_requests() {
    let ids = || {
        let client = Client::with_bucket(Emulator::default());
        let init = oss_core::ops::multipart::InitMultipartUpload::new(BUCKET, "big");
        [
            client.run(&init, b"").unwrap().upload_id,
            client.run(&init, b"").unwrap().upload_id,
        ]
    };
    let first = ids();
    assert_ne!(first[0], first[1]);
    assert_eq!(first[0].len(), 32);
    // The same requests at the same time, to another emulator: the same IDs.
    assert_eq!(ids(), first);
}

#[test]
fn in_process_latency_is_reported_not_slept() {
    let faults = oss_emulator::Faults::parse("seed=1,latency_ms=5000:1").unwrap();
    let client = Client::new(Emulator::default().with_faults(faults));
    let started = std::time::Instant::now();
    client.run(&CreateBucket::new(BUCKET), b"").unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

// ---------------------------------------------------------------------------------------------
// Bucket documents are read with a limit, and their Content-MD5 is checked

/// The error code of an answer (None for a success).
fn code_of(head: &ResponseHead, body: &[u8]) -> Option<String> {
    (head.status >= 300).then(|| {
        let text = String::from_utf8_lossy(body);
        let code = text
            .split("<Code>")
            .nth(1)
            .and_then(|rest| rest.split("</Code>").next());
        code.unwrap_or("").to_string()
    })
}

#[test]
fn bucket_documents_have_a_size_limit_and_a_digest() {
    let client = Client::with_bucket(Emulator::default());
    let cors = b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    let huge: Vec<u8> = cors
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b' ', 16 << 20))
        .collect();
    let put_cors = || {
        Request::bucket(oss_core::Method::Put, BUCKET)
            .unwrap()
            .with_query("cors", None)
    };
    let (head, body) = client.raw(put_cors(), &huge);
    assert_eq!(code_of(&head, &body).as_deref(), Some("EntityTooLarge"));
    let (head, body) = client.raw(
        Request::bucket(oss_core::Method::Put, "another-bucket").unwrap(),
        &huge,
    );
    assert_eq!(code_of(&head, &body).as_deref(), Some("EntityTooLarge"));
    // A Content-MD5 that is not the body's.
    let wrong = {
        use base64::Engine as _;
        use md5::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(b"other"))
    };
    let (head, body) = client.raw(put_cors().with_header("Content-MD5", &wrong).unwrap(), cors);
    assert_eq!(code_of(&head, &body).as_deref(), Some("InvalidDigest"));
    let (head, body) = client.raw(put_cors(), cors);
    assert_eq!(code_of(&head, &body), None);
}

// ---------------------------------------------------------------------------------------------
// An object's own ACL governs writes to it too

impl Client {
    /// `request` without a signature: status and error message.
    fn anonymous(&self, request: Request, body: &[u8]) -> (u16, String) {
        let signed = Signer::anonymous()
            .sign(request, &self.endpoint, NOW)
            .unwrap();
        let (head, body) = self.emulator.send(&signed, body, NOW);
        let text = String::from_utf8_lossy(&body);
        let message = text
            .split("<Message>")
            .nth(1)
            .and_then(|m| m.split("</Message>").next());
        (head.status, message.unwrap_or("").to_string())
    }
}

#[test]
fn writes_follow_the_object_acl() {
    use oss_core::Method::{Delete, Get, Post, Put};
    use oss_core::ops::bucket::PutBucketAcl;
    use oss_core::ops::object::PutObjectAcl;
    let client = Client::with_bucket(Emulator::default());
    let object = |method, key: &str| Request::object(method, BUCKET, key).unwrap();
    let append = |key: &str, position: &str| {
        object(Post, key)
            .with_query("append", None)
            .with_query("position", Some(position))
    };
    let bucket_acl = "You have no right to access this object because of bucket acl.";
    let object_acl = "You have no right to access this object because of object acl.";

    // A private bucket: its public-read-write objects can be written by anyone.
    client.put("open", b"x");
    client
        .run(&PutObjectAcl::new(BUCKET, "open", "public-read-write"), b"")
        .unwrap();
    client
        .run(&AppendObject::new(BUCKET, "log", 0, None), b"x")
        .unwrap();
    client
        .run(&PutObjectAcl::new(BUCKET, "log", "public-read-write"), b"")
        .unwrap();
    assert_eq!(client.anonymous(object(Get, "open"), b"").0, 200);
    assert_eq!(client.anonymous(append("log", "1"), b"y").0, 200);
    assert_eq!(client.get("log").unwrap(), b"xy");
    assert_eq!(client.anonymous(object(Put, "open"), b"anyone").0, 200);
    // The new version has no ACL of its own: the bucket's is in force again.
    assert_eq!(
        client.anonymous(object(Get, "open"), b""),
        (403, bucket_acl.to_string())
    );
    client
        .run(&PutObjectAcl::new(BUCKET, "open", "public-read-write"), b"")
        .unwrap();
    assert_eq!(client.anonymous(object(Delete, "open"), b"").0, 204);
    // The others, and new keys, follow the bucket.
    client.put("closed", b"x");
    let refused = |requests: [Request; 3], message: &str| {
        for request in requests {
            assert_eq!(client.anonymous(request, b"z"), (403, message.to_string()));
        }
    };
    let closed = |second| [object(Put, "closed"), second, object(Delete, "closed")];
    refused(closed(object(Put, "new")), bucket_acl);

    // A public-read-write bucket: its private objects are the owner's alone.
    client
        .run(&PutBucketAcl::new(BUCKET, "public-read-write"), b"")
        .unwrap();
    client
        .run(&PutObjectAcl::new(BUCKET, "closed", "private"), b"")
        .unwrap();
    refused(closed(object(Get, "closed")), object_acl);
    assert_eq!(client.anonymous(append("log", "2"), b"z").0, 200);
    assert_eq!(client.anonymous(object(Put, "new"), b"z").0, 200);
    assert_eq!(client.get("closed").unwrap(), b"x");
}

// ---------------------------------------------------------------------------------------------
// What the emulator does not do yet is refused plainly

#[test]
fn list_objects_v2_is_not_implemented_and_bad_v4_signatures_are_refused() {
    let client = Client::with_bucket(Emulator::default());
    client.put("k", b"x");
    let list_v2 = Request::bucket(oss_core::Method::Get, BUCKET)
        .unwrap()
        .with_query("list-type", Some("2"));
    let (head, body) = client.raw(list_v2, b"");
    assert_eq!(code_of(&head, &body).as_deref(), Some("NotImplemented"));

    let v4 = oss_emulator::http::Request::new("GET", &format!("/{BUCKET}/k"))
        .with_header("Host", "127.0.0.1:9000")
        .with_header("x-oss-date", "20231114T221320Z")
        .with_header("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
        .with_header(
            "Authorization",
            "OSS4-HMAC-SHA256 Credential=LTAI5tEmulatorTestKeyId/20231114/cn-hangzhou/oss/aliyun_v4_request,Signature=0123",
        );
    let presigned_v4 = oss_emulator::http::Request::new(
        "GET",
        &format!("/{BUCKET}/k?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=id%2F20231114%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231114T221320Z&x-oss-expires=60&x-oss-signature=0123"),
    )
    .with_header("Host", "127.0.0.1:9000");
    // V4 is verified (emulator/tests/v4.rs): a made-up signature and an unknown key are refused.
    for (request, code) in [
        (v4, "SignatureDoesNotMatch"),
        (presigned_v4, "InvalidAccessKeyId"),
    ] {
        let (head, body) = client.emulator.send_request(&request, b"", NOW);
        assert_eq!(code_of(&head, &body).as_deref(), Some(code), "{request:?}");
    }
}
