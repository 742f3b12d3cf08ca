//! CORS against the emulator: unsigned OPTIONS preflights judged by the bucket's rules, and the
//! `Access-Control-*` headers on actual answers, errors included — what a browser test needs.

use oss_core::ops::Operation;
use oss_core::ops::bucket::{BucketCors, CorsRule, CreateBucket, DeleteBucketCors, PutBucketCors};
use oss_core::ops::object::{GetObject, HeadObject, PutObject};
use oss_core::request::{Body, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, ResponseHead, ServerError};
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "cors-bucket";
const APP: &str = "https://app.example";

const NOT_ALLOWED: &str = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.";

struct Client {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl Client {
    /// A bucket, with these CORS rules if any.
    fn with_cors(cors: Option<BucketCors>) -> Client {
        let credentials =
            Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap();
        let client = Client {
            emulator: Emulator::default(),
            signer: Signer::v1(credentials),
            endpoint: Endpoint::parse("http://127.0.0.1:9000").unwrap(),
        };
        client.ok(&CreateBucket::new(BUCKET));
        if let Some(cors) = cors {
            client.ok(&PutBucketCors::new(BUCKET, cors));
        }
        client
    }

    /// Signs and sends `request` with `Origin: origin` when given; the body is the request's
    /// own, or `data` for uploads, which drivers stream.
    fn send_data(
        &self,
        request: Request,
        data: &[u8],
        origin: Option<&str>,
    ) -> (ResponseHead, Vec<u8>) {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.clone(),
            _ => data.to_vec(),
        };
        let request = match origin {
            Some(origin) => request.with_header("Origin", origin).unwrap(),
            None => request,
        };
        let signed = self.signer.sign(request, &self.endpoint, NOW).unwrap();
        self.emulator.send(&signed, &body, NOW)
    }

    fn send(&self, request: Request, origin: Option<&str>) -> (ResponseHead, Vec<u8>) {
        self.send_data(request, b"", origin)
    }

    fn ok<O: Operation>(&self, op: &O) -> O::Output {
        let (head, body) = self.send(op.request().unwrap(), None);
        op.parse(&head, &body).unwrap()
    }

    /// An unsigned OPTIONS, as a browser sends it.
    fn preflight(
        &self,
        target: &str,
        origin: Option<&str>,
        method: Option<&str>,
        headers: Option<&str>,
    ) -> (ResponseHead, Vec<u8>) {
        let mut request = oss_emulator::http::Request::new("OPTIONS", target)
            .with_header("Host", "127.0.0.1:9000");
        for (name, value) in [
            ("Origin", origin),
            ("Access-Control-Request-Method", method),
            ("Access-Control-Request-Headers", headers),
        ] {
            if let Some(value) = value {
                request = request.with_header(name, value);
            }
        }
        self.emulator.send_request(&request, b"", NOW)
    }
}

fn browser_rules() -> BucketCors {
    BucketCors::new(vec![
        CorsRule {
            allowed_origins: vec![APP.into()],
            allowed_methods: vec!["GET".into(), "PUT".into(), "HEAD".into()],
            allowed_headers: vec![
                "x-oss-*".into(),
                "Content-Type".into(),
                "authorization".into(),
            ],
            expose_headers: vec!["ETag".into(), "x-oss-request-id".into()],
            max_age_seconds: Some(600),
        },
        CorsRule {
            allowed_origins: vec!["https://*.other.test".into()],
            allowed_methods: vec!["GET".into()],
            ..CorsRule::default()
        },
    ])
}

fn error(head: &ResponseHead, body: &[u8]) -> ServerError {
    assert!(head.status >= 400, "{head:?}");
    ServerError::parse(head, body)
}

const CORS_HEADERS: [&str; 6] = [
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "vary",
];

fn assert_no_cors_headers(head: &ResponseHead) {
    for name in CORS_HEADERS {
        assert_eq!(head.header(name), None, "{name} in {head:?}");
    }
}

#[test]
fn preflight_allowed_by_the_first_matching_rule() {
    let client = Client::with_cors(Some(browser_rules()));
    let (head, body) = client.preflight(
        &format!("/{BUCKET}/dir/photo.jpg"),
        Some(APP),
        Some("PUT"),
        Some("x-oss-date, Authorization,Content-Type, X-OSS-Meta-Author"),
    );
    assert_eq!(head.status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(body.is_empty());
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));
    assert_eq!(
        head.header("access-control-allow-methods"),
        Some("GET, PUT, HEAD")
    );
    assert_eq!(
        head.header("access-control-allow-headers"),
        Some("x-oss-date, authorization, content-type, x-oss-meta-author")
    );
    assert_eq!(
        head.header("access-control-expose-headers"),
        Some("ETag, x-oss-request-id")
    );
    assert_eq!(head.header("access-control-max-age"), Some("600"));
    // ResponseVary is off unless configured, as in OSS.
    assert_eq!(head.header("vary"), None);
    assert!(head.header("x-oss-request-id").is_some());

    // The second rule: a wildcard origin, no headers allowed, nothing exposed.
    let (head, _) = client.preflight(
        &format!("/{BUCKET}/"),
        Some("https://cdn.other.test"),
        Some("GET"),
        None,
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("access-control-allow-origin"),
        Some("https://cdn.other.test")
    );
    assert_eq!(head.header("access-control-allow-methods"), Some("GET"));
    for absent in [
        "access-control-allow-headers",
        "access-control-expose-headers",
        "access-control-max-age",
    ] {
        assert_eq!(head.header(absent), None, "{absent}");
    }

    // Virtual-hosted addressing, as browsers use OSS endpoints.
    let request = oss_emulator::http::Request::new("OPTIONS", "/k")
        .with_header("Host", &format!("{BUCKET}.oss-cn-hangzhou.aliyuncs.com"))
        .with_header("Origin", APP)
        .with_header("Access-Control-Request-Method", "HEAD");
    let (head, _) = client.emulator.send_request(&request, b"", NOW);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));
}

#[test]
fn preflight_refused() {
    let client = Client::with_cors(Some(browser_rules()));
    let target = format!("/{BUCKET}/k");
    for (origin, method, headers) in [
        // A method no rule allows for this origin.
        (Some(APP), Some("DELETE"), None),
        // A header no rule allows.
        (Some(APP), Some("PUT"), Some("x-oss-date, x-requested-with")),
        // The wildcard rule allows no header at all.
        (
            Some("https://cdn.other.test"),
            Some("GET"),
            Some("x-oss-date"),
        ),
        // Origins match exactly, scheme and port included.
        (Some("http://app.example"), Some("GET"), None),
        (Some("https://app.example:8443"), Some("GET"), None),
        (Some("https://other.test"), Some("GET"), None),
        // Methods are matched as sent.
        (Some(APP), Some("get"), None),
        // Not a preflight a browser sends.
        (Some(APP), None, None),
        (None, Some("GET"), None),
    ] {
        let (head, body) = client.preflight(&target, origin, method, headers);
        let e = error(&head, &body);
        assert_eq!(
            (e.status, e.raw_code.as_str(), e.message.as_str()),
            (403, "AccessForbidden", NOT_ALLOWED),
            "{origin:?} {method:?} {headers:?}"
        );
        assert_no_cors_headers(&head);
    }
}

#[test]
fn preflight_without_cors_configuration_or_bucket() {
    let client = Client::with_cors(None);
    let (head, body) = client.preflight(&format!("/{BUCKET}/k"), Some(APP), Some("GET"), None);
    let e = error(&head, &body);
    assert_eq!((e.status, e.raw_code.as_str()), (403, "AccessForbidden"));
    assert_eq!(
        e.message,
        "CORSResponse: CORS is not enabled for this bucket."
    );
    assert_no_cors_headers(&head);

    // Rules removed: refused again.
    let client = Client::with_cors(Some(browser_rules()));
    let (head, _) = client.preflight(&format!("/{BUCKET}/k"), Some(APP), Some("GET"), None);
    assert_eq!(head.status, 200);
    client.ok(&DeleteBucketCors::new(BUCKET));
    let (head, body) = client.preflight(&format!("/{BUCKET}/k"), Some(APP), Some("GET"), None);
    assert_eq!(error(&head, &body).raw_code, "AccessForbidden");

    let (head, body) = client.preflight("/no-such-bucket/k", Some(APP), Some("GET"), None);
    let e = error(&head, &body);
    assert_eq!((e.status, e.raw_code.as_str()), (404, "NoSuchBucket"));
}

#[test]
fn actual_requests_get_the_matching_rule_headers() {
    let client = Client::with_cors(Some(browser_rules()));
    let put = PutObject::new(BUCKET, "k", Some(5));
    let (head, _) = client.send_data(put.request().unwrap(), b"hello", Some(APP));
    assert_eq!(head.status, 200);
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));
    assert_eq!(
        head.header("access-control-expose-headers"),
        Some("ETag, x-oss-request-id")
    );
    assert_eq!(
        head.header("access-control-allow-methods"),
        Some("GET, PUT, HEAD")
    );
    assert_eq!(head.header("access-control-max-age"), Some("600"));
    assert_eq!(head.header("access-control-allow-headers"), None);
    assert!(head.header("etag").is_some());

    let (head, body) = client.send(
        GetObject::new(BUCKET, "k").request().unwrap(),
        Some("https://img.other.test"),
    );
    assert_eq!((head.status, body.as_slice()), (200, b"hello".as_slice()));
    assert_eq!(
        head.header("access-control-allow-origin"),
        Some("https://img.other.test")
    );
    assert_eq!(head.header("access-control-expose-headers"), None);

    // No rule for this origin, or for this method: the request is served, without CORS
    // headers (the browser then hides the answer from the script).
    for (request, origin) in [
        (
            GetObject::new(BUCKET, "k").request().unwrap(),
            "https://evil.test",
        ),
        (
            PutObject::new(BUCKET, "k2", Some(0)).request().unwrap(),
            "https://img.other.test",
        ),
    ] {
        let (head, _) = client.send(request, Some(origin));
        assert_eq!(head.status, 200);
        assert_no_cors_headers(&head);
    }

    // Same-origin requests (no Origin) are not CORS requests.
    let (head, _) = client.send(GetObject::new(BUCKET, "k").request().unwrap(), None);
    assert_eq!(head.status, 200);
    assert_no_cors_headers(&head);
}

#[test]
fn error_answers_carry_cors_headers_so_scripts_can_read_them() {
    let client = Client::with_cors(Some(browser_rules()));
    let (head, body) = client.send(
        GetObject::new(BUCKET, "missing").request().unwrap(),
        Some(APP),
    );
    assert_eq!(error(&head, &body).raw_code, "NoSuchKey");
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));
    assert_eq!(
        head.header("access-control-expose-headers"),
        Some("ETag, x-oss-request-id")
    );

    // HEAD errors have their document in x-oss-err.
    let (head, body) = client.send(
        HeadObject::new(BUCKET, "missing").request().unwrap(),
        Some(APP),
    );
    assert_eq!(head.status, 404);
    assert!(body.is_empty());
    assert!(head.header("x-oss-err").is_some());
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));

    // Refused signatures too: a browser must be able to show SignatureDoesNotMatch.
    let wrong = Signer::v1(Credentials::new(DEFAULT_ACCESS_KEY_ID, "not-the-secret").unwrap());
    let request = GetObject::new(BUCKET, "k")
        .request()
        .unwrap()
        .with_header("Origin", APP)
        .unwrap();
    let signed = wrong.sign(request, &client.endpoint, NOW).unwrap();
    let (head, body) = client.emulator.send(&signed, b"", NOW);
    assert_eq!(error(&head, &body).raw_code, "SignatureDoesNotMatch");
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));

    // An anonymous request to a private bucket.
    let request = GetObject::new(BUCKET, "k")
        .request()
        .unwrap()
        .with_header("Origin", APP)
        .unwrap();
    let signed = Signer::anonymous()
        .sign(request, &client.endpoint, NOW)
        .unwrap();
    let (head, body) = client.emulator.send(&signed, b"", NOW);
    assert_eq!(error(&head, &body).raw_code, "AccessDenied");
    assert_eq!(head.header("access-control-allow-origin"), Some(APP));

    // A bucket that does not exist has no rules.
    let (head, body) = client.send(
        GetObject::new("no-such-bucket", "k").request().unwrap(),
        Some(APP),
    );
    assert_eq!(error(&head, &body).raw_code, "NoSuchBucket");
    assert_no_cors_headers(&head);
}

#[test]
fn response_vary_adds_vary_origin_to_every_cross_origin_answer() {
    let mut cors = browser_rules();
    cors.response_vary = Some(true);
    let client = Client::with_cors(Some(cors));
    let (head, _) = client.preflight(&format!("/{BUCKET}/k"), Some(APP), Some("GET"), None);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("vary"), Some("Origin"));
    let (head, _) = client.preflight(&format!("/{BUCKET}/k"), Some(APP), Some("DELETE"), None);
    assert_eq!(head.status, 403);
    assert_eq!(head.header("vary"), Some("Origin"));
    assert_eq!(head.header("access-control-allow-origin"), None);

    let (head, _) = client.send(GetObject::new(BUCKET, "k").request().unwrap(), Some(APP));
    assert_eq!(head.status, 404);
    assert_eq!(head.header("vary"), Some("Origin"));
    let (head, _) = client.send(
        GetObject::new(BUCKET, "k").request().unwrap(),
        Some("https://evil.test"),
    );
    assert_eq!(head.header("vary"), Some("Origin"));
    assert_eq!(head.header("access-control-allow-origin"), None);
}
