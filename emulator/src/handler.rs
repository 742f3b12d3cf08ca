//! From a raw request to the operation that answers it: addressing, authentication, ACLs,
//! request ids, and OSS's error documents.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

use oss_core::request::Method;

use crate::auth::{self, AccessKey, Caller, Signed};
use crate::error::OssError;
use crate::http::{Request, Response};
use crate::store::{BucketMeta, MemoryStore, ObjectMeta, Store};

/// The test key pair used when none is configured (printed by the server at start).
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tEmulatorTestKeyId";
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "EmulatorTestSecret0123456789abcdef";

/// The emulated service.
pub struct Emulator {
    pub(crate) store: Box<dyn Store>,
    keys: Vec<AccessKey>,
    /// `cn-hangzhou`: buckets are created in `oss-<region>`.
    pub(crate) region: String,
    /// Domains whose sub-domains name buckets (`bucket.<domain>`), besides `localhost` and
    /// OSS's own endpoints.
    pub(crate) domains: Vec<String>,
    request_counter: AtomicU64,
    /// Numbers the multipart uploads this emulator starts (their IDs hash it).
    upload_counter: AtomicU64,
    /// Injected failures (see [`crate::faults`]); None: every answer is the real one.
    pub(crate) faults: Option<crate::faults::Faults>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("keys", &self.keys)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Default for Emulator {
    fn default() -> Emulator {
        Emulator::new(MemoryStore::new())
    }
}

/// Everything an operation needs to know about the request it answers.
pub(crate) struct Context<'a> {
    pub method: Method,
    pub bucket: Option<String>,
    /// Decoded; "" for service and bucket requests.
    pub key: String,
    /// Decoded query pairs, in order; `None` for a bare name.
    pub query: Vec<(String, Option<String>)>,
    pub request: &'a Request,
    pub caller: Caller,
    pub now: i64,
}

impl Context<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    pub fn has(&self, name: &str) -> bool {
        self.query.iter().any(|(n, _)| n == name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.header(name)
    }

    pub fn bucket_name(&self) -> &str {
        self.bucket.as_deref().unwrap_or("")
    }
}

/// What an operation answers: a response, or an OSS error.
pub(crate) type Outcome = Result<Response, OssError>;

impl Emulator {
    /// An emulator over `store`, accepting the default test key.
    pub fn new(store: impl Store + 'static) -> Emulator {
        Emulator {
            store: Box::new(store),
            keys: vec![AccessKey::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            )],
            region: "cn-hangzhou".to_string(),
            domains: Vec::new(),
            request_counter: AtomicU64::new(0),
            upload_counter: AtomicU64::new(0),
            faults: None,
        }
    }

    /// Accepts exactly these keys (replacing the default test key).
    pub fn with_keys(mut self, keys: Vec<AccessKey>) -> Emulator {
        self.keys = keys;
        self
    }

    /// Serves virtual-hosted requests for `bucket.<domain>` (a CNAME-like test domain).
    pub fn with_domain(mut self, domain: &str) -> Emulator {
        self.domains.push(domain.to_string());
        self
    }

    pub fn with_region(mut self, region: &str) -> Emulator {
        self.region = region.to_string();
        self
    }

    pub fn keys(&self) -> &[AccessKey] {
        &self.keys
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// Answers one request. `body` is read only by operations that take one; `now` is the
    /// emulator's clock in Unix seconds.
    pub fn handle(&self, request: &Request, body: &mut dyn Read, now: i64) -> Response {
        match &self.faults {
            Some(_) => self.handle_planned(request, body, now, &self.plan(request)),
            None => self.respond(request, body, now, None),
        }
    }

    /// The answer to `request`, or `injected` in its place (fault injection), with the same
    /// request id and headers either way.
    pub(crate) fn respond(
        &self,
        request: &Request,
        body: &mut dyn Read,
        now: i64,
        injected: Option<OssError>,
    ) -> Response {
        let request_id = self.next_request_id(now);
        let head = request.method.eq_ignore_ascii_case("HEAD");
        let host = request.header("host").unwrap_or("localhost").to_string();
        let outcome = match injected {
            Some(error) => Err(error),
            None => self.route(request, body, now),
        };
        let mut response = match outcome {
            Ok(response) => response,
            Err(error) => error.into_response(&request_id, &host, head),
        };
        crate::cors::add_response_headers(self, request, &mut response);
        response.set_header("x-oss-request-id", request_id);
        response.set_header("Server", "AliyunOSS");
        if let Ok(date) = oss_core::dates::http_date(now) {
            response.set_header("Date", date);
        }
        if head {
            // HEAD answers describe the body they do not carry.
            response.body = crate::http::ResponseBody::Empty;
        }
        response
    }

    fn route(&self, request: &Request, body: &mut dyn Read, now: i64) -> Outcome {
        let method = Method::parse(&request.method.to_ascii_uppercase())
            .map_err(|_| crate::common::method_not_allowed())?;
        let (path, raw_query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let path = percent_decode(path, false)
            .ok_or_else(|| OssError::invalid_argument("The request path is not valid UTF-8."))?;
        let query = parse_query(raw_query)
            .ok_or_else(|| OssError::invalid_argument("The query is not valid UTF-8."))?;
        let address = address(request.header("host"), &path, &self.domains);
        let bucket = address.bucket.clone();
        if let Some(bucket) = &bucket {
            if !oss_core::names::is_valid_bucket_name(bucket) {
                return Err(OssError::new(
                    400,
                    "InvalidBucketName",
                    "The specified bucket is not valid.",
                )
                .field("BucketName", bucket.clone()));
            }
        }
        if method == Method::Options {
            // Browsers send preflights unsigned.
            return crate::cors::preflight(self, bucket.as_deref(), request);
        }
        if let Some(bucket) = &bucket {
            // A browser form upload carries its signature in the form.
            if crate::post_object::is_post_object(method, &address.key, request) {
                return crate::post_object::handle(self, bucket, request, body, now);
            }
        }
        let is_signed = request.header("authorization").is_some()
            || query
                .iter()
                .any(|(name, _)| name == "OSSAccessKeyId" || name == "x-oss-signature");
        // An ambiguous address is read the way whose signature verifies.
        let mut refused = None;
        let mut authenticated = None;
        for key in address.keys(is_signed) {
            let signed = Signed {
                method,
                bucket: bucket.as_deref(),
                key,
                query: &query,
                headers: &request.headers,
            };
            match auth::authenticate(&self.keys, &signed, now, &self.region) {
                Ok(caller) => {
                    authenticated = Some((key.to_string(), caller));
                    break;
                }
                Err(error) => {
                    refused.get_or_insert(error);
                }
            }
        }
        let Some((key, caller)) = authenticated else {
            return Err(refused.unwrap_or_else(|| OssError::access_denied("Not authenticated.")));
        };
        let ctx = Context {
            method,
            bucket,
            key,
            query,
            request,
            caller,
            now,
        };
        match (&ctx.bucket, ctx.key.is_empty()) {
            (None, _) => crate::bucket::service(self, &ctx),
            (Some(_), true) => crate::bucket::handle(self, &ctx, body),
            (Some(_), false) => crate::object::handle(self, &ctx, body),
        }
    }

    /// 24 upper-case hex digits, unique per request, like OSS's.
    fn next_request_id(&self, now: i64) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("{:08X}{:016X}", now as u32, n)
    }

    /// A number no other upload of this emulator has had.
    pub(crate) fn next_upload_number(&self) -> u64 {
        self.upload_counter.fetch_add(1, Ordering::Relaxed)
    }

    /// The bucket, or `NoSuchBucket`.
    pub(crate) fn existing_bucket(&self, ctx: &Context<'_>) -> Result<BucketMeta, OssError> {
        self.store
            .bucket(ctx.bucket_name())
            .ok_or_else(|| OssError::no_such_bucket(ctx.bucket_name()))
    }
}

/// The query parameters that authenticate a request (a presigned URL's, and an STS token's)
/// rather than name something to do: every operation takes them.
const AUTHENTICATION_PARAMETERS: &[&str] =
    &["OSSAccessKeyId", "Expires", "Signature", "security-token"];

/// Answers `NotImplemented` for a signed sub-resource nothing here handles: a request the
/// emulator does not understand must not fall through to an operation that changes data.
pub(crate) fn refuse_unknown_subresources(
    ctx: &Context<'_>,
    handled: impl Fn(&str) -> bool,
) -> Result<(), OssError> {
    match ctx
        .query
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !AUTHENTICATION_PARAMETERS.contains(n))
        .find(|n| oss_core::sign::v1::is_subresource(n) && !handled(n))
    {
        Some(name) => Err(OssError::not_implemented(&format!(
            "The sub-resource ?{name}"
        ))),
        None => Ok(()),
    }
}

/// What the caller may do, given the ACL in force (`private`, `public-read`,
/// `public-read-write`). Any signed request is the owner's: the emulator has one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
    /// Configuration and ACL changes: the owner only.
    Owner,
}

/// Whether the bucket's ACL `acl` lets the caller do `access`.
pub(crate) fn authorize(ctx: &Context<'_>, acl: &str, access: Access) -> Result<(), OssError> {
    check_acl(ctx, acl, "bucket", access)
}

/// Whether the caller may do `access` to `object` (None: it does not exist yet): its own ACL
/// decides, for writes as for reads, unless it is `default`; then the bucket's does.
pub(crate) fn authorize_object(
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    object: Option<&ObjectMeta>,
    access: Access,
) -> Result<(), OssError> {
    match object {
        Some(object) if object.acl != "default" => check_acl(ctx, &object.acl, "object", access),
        _ => check_acl(ctx, &bucket.acl, "bucket", access),
    }
}

/// `whose` (`bucket` or `object`) is the ACL's owner, named in the refusal.
fn check_acl(ctx: &Context<'_>, acl: &str, whose: &str, access: Access) -> Result<(), OssError> {
    let allowed = match (&ctx.caller, access) {
        (Caller::Key(_), _) => true,
        (Caller::Anonymous, Access::Owner) => false,
        (Caller::Anonymous, Access::Read) => acl == "public-read" || acl == "public-read-write",
        (Caller::Anonymous, Access::Write) => acl == "public-read-write",
    };
    let what = if ctx.key.is_empty() {
        "bucket"
    } else {
        "object"
    };
    if allowed {
        Ok(())
    } else {
        Err(OssError::access_denied(format!(
            "You have no right to access this {what} because of {whose} acl."
        )))
    }
}

/// Where a request goes: its bucket, and its key read one or two ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub bucket: Option<String>,
    /// Decoded; "" for service and bucket requests.
    pub key: String,
    /// When the Host names the bucket and the path starts with its name again (`Host: b.…`,
    /// path `/b/k`), the path-style reading (`k`) besides the virtual-hosted one (`b/k`).
    pub path_style_key: Option<String>,
    /// The Host is an OSS endpoint, where the path-style reading is what the official
    /// JavaScript client sends to IP endpoints.
    pub oss_endpoint: bool,
}

impl Address {
    /// The readings of the key to try, in order. A signed request is tried virtual-hosted
    /// first (how OSS itself reads it), then path-style: the one whose signature verifies is
    /// the one meant. An anonymous request has no signature to tell: it is read
    /// virtual-hosted, but path-style on an OSS endpoint.
    pub fn keys(&self, signed: bool) -> Vec<&str> {
        let mut keys = vec![self.key.as_str()];
        if let Some(path_style) = &self.path_style_key {
            if !signed && self.oss_endpoint {
                keys.insert(0, path_style);
            } else {
                keys.push(path_style);
            }
        }
        keys
    }
}

/// Bucket and key from the Host header and the path. A Host of `bucket.<service domain>` names
/// the bucket and the path is the key; otherwise (IP addresses, `localhost`, the endpoint
/// itself) the path is `/bucket/key`. A path that repeats the Host's bucket may be either.
pub(crate) fn address(host: Option<&str>, path: &str, domains: &[String]) -> Address {
    let path = path.strip_prefix('/').unwrap_or(path);
    let host_bucket = host.and_then(|h| virtual_host_bucket(h, domains));
    let (first, rest) = path.split_once('/').unwrap_or((path, ""));
    let (bucket, key, path_style_key) = match host_bucket {
        Some((bucket, _)) if bucket == first => {
            (Some(bucket), path.to_string(), Some(rest.to_string()))
        }
        Some((bucket, _)) => (Some(bucket), path.to_string(), None),
        None if first.is_empty() => (None, String::new(), None),
        None => (Some(first), rest.to_string(), None),
    };
    Address {
        bucket: bucket.map(str::to_string),
        key,
        path_style_key,
        oss_endpoint: host_bucket.is_some_and(|(_, oss)| oss),
    }
}

/// `bucket` when the host is `bucket.<service domain>`: `localhost`, an OSS endpoint
/// (`oss-….aliyuncs.com`, then with `true`), or a domain given with
/// [`Emulator::with_domain`].
fn virtual_host_bucket<'h>(host: &'h str, domains: &[String]) -> Option<(&'h str, bool)> {
    let name = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let (first, rest) = name.split_once('.')?;
    let oss = rest.starts_with("oss-") && rest.ends_with(".aliyuncs.com");
    let service = oss
        || rest.eq_ignore_ascii_case("localhost")
        || domains.iter().any(|d| d.eq_ignore_ascii_case(rest));
    (service && oss_core::names::is_valid_bucket_name(first)).then_some((first, oss))
}

/// Percent-decodes; in a query `+` is a space (form encoding, what python-requests sends).
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let text = if plus_is_space {
        std::borrow::Cow::Owned(text.replace('+', " "))
    } else {
        text.into()
    };
    let bytes: Vec<u8> = oss_core::encoding::url_decode(&text).ok()?.into_bytes();
    String::from_utf8(bytes).ok()
}

/// `a=1&b&c=` → [(a, Some(1)), (b, None), (c, Some(""))].
pub(crate) fn parse_query(raw: &str) -> Option<Vec<(String, Option<String>)>> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, value)) => Some((
                percent_decode(name, true)?,
                Some(percent_decode(value, true)?),
            )),
            None => Some((percent_decode(part, true)?, None)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addressing() {
        let domains = vec!["emulator.test".to_string()];
        let a = |host: Option<&str>, path: &str| {
            let address = address(host, path, &domains);
            (address.bucket.clone(), address.keys(false).join(" | "))
        };
        let some = |bucket: &str, keys: &str| (Some(bucket.to_string()), keys.to_string());
        assert_eq!(
            a(Some("127.0.0.1:9000"), "/bk1/dir/k"),
            some("bk1", "dir/k")
        );
        assert_eq!(a(Some("localhost:9000"), "/bk1/"), some("bk1", ""));
        assert_eq!(a(Some("localhost"), "/"), (None, "".into()));
        assert_eq!(
            a(Some("bk1.oss-cn-hangzhou.aliyuncs.com"), "/dir/k"),
            some("bk1", "dir/k")
        );
        assert_eq!(a(Some("bk1.localhost:9000"), "/k"), some("bk1", "k"));
        // The JavaScript client's IP-endpoint form: path-style first when anonymous.
        assert_eq!(
            a(Some("bk1.oss-cn-hangzhou.aliyuncs.com"), "/bk1/k"),
            some("bk1", "k | bk1/k")
        );
        assert_eq!(
            address(Some("bk1.oss-cn-hangzhou.aliyuncs.com"), "/bk1/k", &domains).keys(true),
            ["bk1/k", "k"]
        );
        // Elsewhere a key may start with the bucket's name.
        assert_eq!(
            a(Some("bk1.emulator.test"), "/bk1/k"),
            some("bk1", "bk1/k | k")
        );
        assert_eq!(a(Some("bk1.emulator.test"), "/bk1"), some("bk1", "bk1 | "));
        assert_eq!(
            a(Some("oss-cn-hangzhou.aliyuncs.com"), "/"),
            (None, "".into())
        );
        assert_eq!(a(Some("bk1.emulator.test"), "/k"), some("bk1", "k"));
        assert_eq!(a(Some("bk1.example.com"), "/bk2/k"), some("bk2", "k"));
        assert_eq!(a(None, "/bk1/a%2Fb"), some("bk1", "a%2Fb"));
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("acl&prefix=a%2Fb+c&max-keys=&x=%2B").unwrap(),
            vec![
                ("acl".into(), None),
                ("prefix".into(), Some("a/b c".into())),
                ("max-keys".into(), Some("".into())),
                ("x".into(), Some("+".into())),
            ]
        );
    }
}
