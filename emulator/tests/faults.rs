//! Fault injection: reproducible from a seed, and each fault reaches a client the way the real
//! failure would (an OSS error document, a skewed clock, a dropped connection, a slow answer,
//! a body whose CRC-64 does not match).

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use oss_core::crc64;
use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::object::{GetObject, HeadObject, PutObject};
use oss_core::request::Request;
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, ResponseHead};
use oss_emulator::faults::{InjectedError, Plan};
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Faults, Server};
use support::{Http, Pattern, Upload, server_code};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "faulty";
const SPEC: &str = "seed=7,error500=0.05,error503=0.05,skew=0.01,reset_after=65536:0.02,latency_ms=50:0.1,corrupt=0.2";

/// The emulator in process, with a bucket and one object made before the faults start.
struct InProcess {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl InProcess {
    fn new(spec: &str, object: &[u8]) -> InProcess {
        let faults = Faults::parse(spec).unwrap();
        faults.set_enabled(false);
        let client = InProcess {
            emulator: Emulator::default().with_faults(faults),
            signer: Signer::v1(
                Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap(),
            ),
            endpoint: Endpoint::parse("http://127.0.0.1:9000").unwrap(),
        };
        client.run(&CreateBucket::new(BUCKET), b"").unwrap();
        client
            .run(
                &PutObject::new(BUCKET, "k", Some(object.len() as u64)),
                object,
            )
            .unwrap();
        client.emulator.faults().unwrap().set_enabled(true);
        client
    }

    fn raw(&self, request: Request, body: &[u8]) -> (ResponseHead, Vec<u8>) {
        let signed = self.signer.sign(request, &self.endpoint, NOW).unwrap();
        self.emulator.send(&signed, body, NOW)
    }

    fn run<O: Operation>(&self, op: &O, body: &[u8]) -> Result<O::Output, Error> {
        let (head, bytes) = self.raw(op.request()?, body);
        op.parse(&head, &bytes)
    }

    /// What happened to each of `n` GETs of the object, in order.
    fn outcomes(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let (head, body) = self.raw(GetObject::new(BUCKET, "k").request().unwrap(), b"");
                let crc =
                    crc64::check_crc64(crc64::checksum(&body), head.header("x-oss-hash-crc64ecma"));
                format!("{} crc-ok={}", head.status, crc.is_ok())
            })
            .collect()
    }
}

#[test]
fn the_same_seed_gives_the_same_faults() {
    let draw = |spec: &str| {
        let faults = Faults::parse(spec).unwrap();
        (0..2000).map(|_| faults.draw()).collect::<Vec<Plan>>()
    };
    let first = draw(SPEC);
    assert_eq!(first, draw(SPEC));
    assert_ne!(first, draw(&SPEC.replace("seed=7", "seed=8")));
    // Every kind of fault shows up in 2000 draws at these rates.
    for (what, count) in [
        (
            "500",
            first
                .iter()
                .filter(|p| p.error == Some(InjectedError::InternalError))
                .count(),
        ),
        (
            "503",
            first
                .iter()
                .filter(|p| p.error == Some(InjectedError::ServiceUnavailable))
                .count(),
        ),
        (
            "skew",
            first
                .iter()
                .filter(|p| p.error == Some(InjectedError::RequestTimeTooSkewed))
                .count(),
        ),
        (
            "reset",
            first
                .iter()
                .filter(|p| p.reset_after == Some(65536))
                .count(),
        ),
        (
            "latency",
            first
                .iter()
                .filter(|p| p.latency == Some(Duration::from_millis(50)))
                .count(),
        ),
        (
            "corrupt",
            first.iter().filter(|p| p.corrupt.is_some()).count(),
        ),
    ] {
        assert!(count > 0, "no {what}");
    }
    assert!(first.iter().filter(|p| p.is_clean()).count() > 1000);

    // And through the handler: the same statuses and broken CRCs, request after request.
    let object = vec![7u8; 1000];
    let spec = "seed=3,error500=0.2,error503=0.1,corrupt=0.3";
    let run = InProcess::new(spec, &object).outcomes(60);
    assert_eq!(run, InProcess::new(spec, &object).outcomes(60));
    assert_ne!(
        run,
        InProcess::new("seed=4,error500=0.2,error503=0.1,corrupt=0.3", &object).outcomes(60)
    );
    for outcome in [
        "200 crc-ok=true",
        "200 crc-ok=false",
        "500 crc-ok=true",
        "503 crc-ok=true",
    ] {
        assert!(run.iter().any(|o| o == outcome), "no {outcome} in {run:?}");
    }
}

#[test]
fn a_corrupted_body_fails_the_crc_check() {
    let object: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let client = InProcess::new("seed=1,corrupt=1", &object);
    let (head, body) = client.raw(GetObject::new(BUCKET, "k").request().unwrap(), b"");
    assert_eq!(head.status, 200);
    assert_eq!(body.len(), object.len());
    // One byte differs, and the CRC check catches it.
    assert_eq!(body.iter().zip(&object).filter(|(a, b)| a != b).count(), 1);
    match crc64::check_crc64(crc64::checksum(&body), head.header("x-oss-hash-crc64ecma")) {
        Err(Error::Inconsistent(e)) => assert_eq!(e.server_crc, crc64::checksum(&object)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn injected_errors_are_oss_error_documents() {
    let client = InProcess::new("error500=1", b"x");
    match client.run(&GetObject::new(BUCKET, "k"), b"") {
        Err(Error::Server(e)) => {
            assert_eq!((e.status, e.raw_code.as_str()), (500, "InternalError"));
            assert_eq!(e.request_id.len(), 24);
            assert!(e.is_retryable());
        }
        other => panic!("{other:?}"),
    }
    // HEAD: in x-oss-err.
    let client = InProcess::new("error503=1", b"x");
    let (head, body) = client.raw(HeadObject::new(BUCKET, "k").request().unwrap(), b"");
    assert!(body.is_empty() && head.header("x-oss-err").is_some());
    match HeadObject::new(BUCKET, "k").parse(&head, &body) {
        Err(Error::Server(e)) => {
            assert_eq!((e.status, e.raw_code.as_str()), (503, "ServiceUnavailable"))
        }
        other => panic!("{other:?}"),
    }
    // A skewed clock: the true server time comes back, so a client can correct its offset.
    let client = InProcess::new("skew=1", b"x");
    match client.run(&GetObject::new(BUCKET, "k"), b"") {
        Err(Error::Server(e)) => {
            assert_eq!(e.raw_code, "RequestTimeTooSkewed");
            assert_eq!(e.server_time(), Some(NOW));
        }
        other => panic!("{other:?}"),
    }
    // In process, a cut upload is refused with a 500, and nothing is stored.
    let client = InProcess::new("reset_after=10", b"old");
    let result = client.run(&PutObject::new(BUCKET, "k", Some(100)), &[1u8; 100]);
    assert_eq!(
        server_code(result),
        ErrorCode::Other("InternalError".into())
    );
    client.emulator.faults().unwrap().set_enabled(false);
    let (_, body) = client.raw(GetObject::new(BUCKET, "k").request().unwrap(), b"");
    assert_eq!(body, b"old");
}

fn server_with(spec: &str) -> (Server, Http) {
    let faults = Faults::parse(spec).unwrap();
    faults.set_enabled(false);
    let server = Server::start_shared(
        Arc::new(Emulator::default().with_faults(faults)),
        "127.0.0.1:0",
    )
    .unwrap();
    let http = Http::new(&server.url());
    http.run(&CreateBucket::new(BUCKET), b"").unwrap();
    (server, http)
}

fn enable(server: &Server, on: bool) {
    server.emulator().faults().unwrap().set_enabled(on);
}

#[test]
fn over_http_a_reset_drops_the_connection() {
    let (server, http) = server_with("reset_after=65536:1");
    let size = 1u64 << 20;
    let put = PutObject::new(BUCKET, "big", Some(size));
    http.bytes(
        put.request().unwrap(),
        Upload::Reader(
            Box::new(Pattern {
                offset: 0,
                length: size,
            }),
            size,
        ),
    );
    enable(&server, true);

    // A download breaks off after 64 KiB: the client sees a short body, not a clean end.
    let (head, body) = http
        .send(
            GetObject::new(BUCKET, "big").request().unwrap(),
            Upload::None,
        )
        .unwrap();
    assert_eq!(head.status, 200);
    let mut received = Vec::new();
    let result = std::io::Read::read_to_end(&mut body.into_reader(), &mut received);
    assert!(result.is_err(), "the body ended cleanly");
    assert_eq!(received.len(), 65536);

    // An upload: the connection drops with no answer, and nothing is stored.
    let put = PutObject::new(BUCKET, "cut", Some(size));
    let sent = http.send(
        put.request().unwrap(),
        Upload::Reader(
            Box::new(Pattern {
                offset: 0,
                length: size,
            }),
            size,
        ),
    );
    assert!(sent.is_err(), "an answer came: {:?}", sent.map(|(h, _)| h));
    enable(&server, false);
    assert_eq!(
        server_code(http.run(&HeadObject::new(BUCKET, "cut"), b"")),
        ErrorCode::NoSuchKey
    );
}

#[test]
fn over_http_latency_delays_the_answer() {
    let (server, http) = server_with("latency_ms=500:1");
    // Faults start switched off (set-up requests run plainly); only a lower bound is checked
    // below: an upper bound on elapsed time would make the test flaky on a loaded machine.
    http.run(&PutObject::new(BUCKET, "k", Some(1)), b"k")
        .unwrap();
    enable(&server, true);
    let started = Instant::now();
    http.run(&GetObject::new(BUCKET, "k"), b"").unwrap();
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[test]
fn specs_are_checked() {
    for bad in [
        "error500=1.5",
        "error500=0.7,error503=0.7",
        "reset=1",
        "seed=x",
        "latency_ms=a:1",
    ] {
        assert!(Faults::parse(bad).is_err(), "{bad}");
    }
    let process = support::Process::start(&["--faults", SPEC]);
    assert!(process.url.starts_with("http://127.0.0.1:"));
}

#[test]
fn a_prefix_scopes_the_faults_of_a_process() {
    use oss_core::ops::service::ListObjects;
    // A process cannot be switched on and off: its setup stays outside the prefix.
    let process = support::Process::start(&["--faults", "seed=3,error503=1,prefix=flaky/"]);
    let http = Http::new(&process.url);
    http.run(&CreateBucket::new(BUCKET), b"").unwrap();
    http.run(&PutObject::new(BUCKET, "clean", Some(1)), b"c")
        .unwrap();
    http.run(&GetObject::new(BUCKET, "flakyish"), b"")
        .unwrap_err();
    let status = |result: Result<_, Error>| match result {
        Err(Error::Server(e)) => e.status,
        other => panic!("expected a server error, got {other:?}"),
    };
    assert_eq!(
        status(
            http.run(&PutObject::new(BUCKET, "flaky/k", Some(1)), b"k")
                .map(drop)
        ),
        503
    );
    let listing = |prefix: &str| ListObjects {
        prefix: prefix.into(),
        ..ListObjects::new(BUCKET)
    };
    assert_eq!(status(http.run(&listing("flaky/"), b"").map(drop)), 503);
    assert_eq!(http.run(&listing(""), b"").unwrap().objects.len(), 1);
    assert_eq!(
        http.run(&HeadObject::new(BUCKET, "clean"), b"")
            .unwrap()
            .content_length,
        Some(1)
    );
}

#[test]
fn outside_the_prefix_nothing_is_drawn() {
    // The same seed gives the requests under the prefix the same faults, whatever else comes
    // in between.
    let under = |noise: bool| {
        let client = InProcess::new("seed=4,error503=0.5,prefix=k", b"data");
        (0..40)
            .map(|_| {
                if noise {
                    client.raw(HeadObject::new(BUCKET, "other").request().unwrap(), b"");
                }
                client.outcomes(1).remove(0)
            })
            .collect::<Vec<String>>()
    };
    let quiet = under(false);
    assert_eq!(quiet, under(true));
    assert!(quiet.iter().any(|o| o.starts_with("503")), "{quiet:?}");
    assert!(quiet.iter().any(|o| o.starts_with("200")), "{quiet:?}");
}
