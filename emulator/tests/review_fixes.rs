//! What an independent review of the emulator found, each case as a test: races between
//! concurrent requests, requests that used to panic or be misread, and OSS rules that were
//! missing (STS presigned URLs, conditional GETs, object ACLs on writes, body limits).

use std::fs;
use std::path::{Path, PathBuf};

use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::copy::CopyObject;
use oss_core::ops::object::{GetObject, PutObject};
use oss_core::request::Request;
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ResponseHead, SignedRequest};
use oss_emulator::store::DirStore;
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

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
