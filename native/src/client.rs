//! The one generic path every operation takes: sign with the driver's clock, send over ureq,
//! read the head, hand XML to the operation's parser or stream object data back.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oss_core::Credentials;
use oss_core::crc64::{Crc64, check_crc64};
use oss_core::ops::Operation;
use oss_core::sign::{SignatureVersion, Signer};
use oss_core::{Addressing, Body, Endpoint, Method, Request, ResponseHead};

use crate::Error;
use crate::credentials::CredentialsProvider;
use crate::transfer::{Chunked, ObjectReader, Progress};

/// XML answers (listings, configurations, errors) are small; a body beyond this is not OSS.
const XML_LIMIT: u64 = 64 * 1024 * 1024;

/// When and how often a failed request is sent again: exponential backoff with full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 never retries.
    pub max_attempts: u32,
    /// The ceiling of the first pause; it doubles with every attempt …
    pub base_delay: Duration,
    /// … up to this.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// A pause drawn uniformly below `min(max_delay, base_delay × 2^attempt)`, so that many
    /// clients failing together do not come back together.
    fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1 << attempt.min(20))
            .min(self.max_delay);
        let nanos = ceiling.as_nanos() as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(jitter() % nanos)
    }
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// A number different on every call: std's randomly keyed hasher over a counter, which is
/// plenty for spreading pauses and needs no random-number crate.
fn jitter() -> u64 {
    use std::hash::{BuildHasher as _, RandomState};
    static COUNTER: AtomicI64 = AtomicI64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// How a [`Client`] connects (oss2's `Bucket` keyword arguments).
#[derive(Debug, Clone)]
pub struct Options {
    /// The endpoint is the bucket's own domain (oss2's `is_cname`).
    pub is_cname: bool,
    /// oss2's `connect_timeout` (60 s by default there too).
    pub connect_timeout: Duration,
    /// How long one read of the answer may wait; None waits for ever.
    pub read_timeout: Option<Duration>,
    /// Appended to the User-Agent (oss2's `app_name`).
    pub app_name: String,
    /// Check the CRC-64 of uploads and whole-object downloads (oss2's `enable_crc`).
    pub enable_crc: bool,
    /// Retries of failed requests ([`RetryPolicy::none`] to switch them off).
    pub retry: RetryPolicy,
    /// The region V4 signatures are scoped to, as OSS names it (`cn-hangzhou`; oss2's
    /// `region`). None: derived from a standard endpoint (`oss-cn-hangzhou.aliyuncs.com`).
    pub region: Option<String>,
    /// oss2's `cloudbox_id`: sign for a Cloud Box (V4 only).
    pub cloud_box_id: Option<String>,
    /// `Some(V1)` or `Some(V4)` to choose; None: V4 when a region is known (given or derived)
    /// or the signer is V4 already, V1 otherwise.
    pub signature_version: Option<SignatureVersion>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            is_cname: false,
            connect_timeout: Duration::from_secs(60),
            read_timeout: Some(Duration::from_secs(60)),
            app_name: String::new(),
            enable_crc: true,
            retry: RetryPolicy::default(),
            region: None,
            cloud_box_id: None,
            signature_version: None,
        }
    }
}

/// A pool of connections that clients can share (oss2's `Session`).
#[derive(Debug, Clone)]
pub struct Session {
    agent: ureq::Agent,
}

impl Session {
    pub fn new(options: &Options) -> Session {
        let mut user_agent = format!("oss-sdk-rust/{}", env!("CARGO_PKG_VERSION"));
        if !options.app_name.is_empty() {
            user_agent.push('/');
            user_agent.push_str(&options.app_name);
        }
        let config = ureq::Agent::config_builder()
            // OSS errors are answers the core parses, not transport failures.
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_per_read(options.read_timeout)
            .user_agent(user_agent)
            .build();
        Session {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

/// Object data to upload: bytes, text, a file or any reader, with its length when known
/// (otherwise it goes chunked), and an optional progress callback.
pub struct BodySource<'a> {
    data: Data<'a>,
    length: Option<u64>,
    progress: Option<Progress<'a>>,
    /// The CRC-64 the server's answer should equal once this data is added to it (0 for a new
    /// object, the object's CRC for an append); None skips the check.
    crc_init: Option<u64>,
    /// The highest progress reported, across attempts, so a retried upload never reports
    /// going backwards.
    reported: Option<u64>,
}

/// Where the bytes come from: bytes and files can be sent again on a retry (a file from
/// where it stood), a reader only once.
enum Data<'a> {
    Bytes(std::borrow::Cow<'a, [u8]>),
    File { file: File, start: u64 },
    Reader(Option<Box<dyn Read + 'a>>),
}

impl<'a> BodySource<'a> {
    /// No data.
    pub fn empty() -> BodySource<'a> {
        BodySource::bytes(std::borrow::Cow::Borrowed(&[]))
    }

    fn bytes(bytes: std::borrow::Cow<'a, [u8]>) -> BodySource<'a> {
        BodySource {
            length: Some(bytes.len() as u64),
            data: Data::Bytes(bytes),
            progress: None,
            crc_init: Some(0),
            reported: None,
        }
    }

    /// Any reader; `length` None sends it with chunked transfer.
    pub fn reader(reader: impl Read + 'a, length: Option<u64>) -> BodySource<'a> {
        BodySource {
            data: Data::Reader(Some(Box::new(reader))),
            length,
            progress: None,
            crc_init: Some(0),
            reported: None,
        }
    }

    /// An iterator of chunks (oss2 takes a generator): sent chunked unless `length` is given.
    pub fn chunks<I>(chunks: I, length: Option<u64>) -> BodySource<'a>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
        I::IntoIter: 'a,
    {
        BodySource::reader(
            ChunkReader {
                chunks: chunks.into_iter(),
                current: None,
                pos: 0,
            },
            length,
        )
    }

    /// `length` bytes of `file` from `start` (one part of a multipart upload): sized, and sent
    /// again from `start` on a retry.
    pub fn file_section(file: File, start: u64, length: u64) -> BodySource<'a> {
        BodySource {
            data: Data::File { file, start },
            length: Some(length),
            progress: None,
            crc_init: Some(0),
            reported: None,
        }
    }

    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the data can be sent again (bytes, text and files can; a reader cannot).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.data, Data::Reader(_))
    }

    /// Calls `progress(consumed, total)` once per chunk sent.
    pub fn with_progress(mut self, progress: impl FnMut(u64, Option<u64>) + Send + 'a) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// What the server's CRC-64 of the result starts from (None: do not check).
    pub fn with_crc_init(mut self, crc_init: Option<u64>) -> Self {
        self.crc_init = crc_init;
        self
    }
}

impl fmt::Debug for BodySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodySource")
            .field("length", &self.length)
            .field("progress", &self.progress.is_some())
            .field("crc_init", &self.crc_init)
            .finish()
    }
}

impl Default for BodySource<'_> {
    fn default() -> Self {
        BodySource::empty()
    }
}

impl From<()> for BodySource<'_> {
    fn from(_: ()) -> Self {
        BodySource::empty()
    }
}

impl<'a> From<&'a [u8]> for BodySource<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        BodySource::bytes(std::borrow::Cow::Borrowed(bytes))
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for BodySource<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        BodySource::from(&bytes[..])
    }
}

impl<'a> From<&'a Vec<u8>> for BodySource<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        BodySource::from(&bytes[..])
    }
}

impl From<Vec<u8>> for BodySource<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        BodySource::bytes(std::borrow::Cow::Owned(bytes))
    }
}

/// Text goes as its UTF-8 bytes.
impl<'a> From<&'a str> for BodySource<'a> {
    fn from(text: &'a str) -> Self {
        BodySource::from(text.as_bytes())
    }
}

impl From<String> for BodySource<'_> {
    fn from(text: String) -> Self {
        BodySource::from(text.into_bytes())
    }
}

/// From the file's current position to its end; the length comes from its metadata, so the
/// upload is sized, and a retry reads again from the same position. A file whose position or
/// size cannot be read goes as a plain reader (chunked, sent once).
impl From<File> for BodySource<'_> {
    fn from(mut file: File) -> Self {
        use std::io::Seek as _;
        let position = file.stream_position();
        match (position, file.metadata()) {
            (Ok(start), Ok(metadata)) => BodySource {
                length: Some(metadata.len().saturating_sub(start)),
                data: Data::File { file, start },
                progress: None,
                crc_init: Some(0),
                reported: None,
            },
            _ => BodySource::reader(file, None),
        }
    }
}

/// The signature version and scope a client signs with.
#[derive(Debug, Clone)]
struct Signing {
    version: SignatureVersion,
    region: Option<String>,
    cloud_box_id: Option<String>,
}

impl Signing {
    /// V4 when chosen, when the signer is V4 already or when a region is known (given, or
    /// derived from a standard endpoint); V1 otherwise. A V4 client without a region is refused
    /// here, before any request.
    fn resolve(signer: &Signer, endpoint: &Endpoint, options: &Options) -> Result<Signing, Error> {
        let region = options
            .region
            .clone()
            .or_else(|| signer.region().map(str::to_string))
            .or_else(|| endpoint.region().map(str::to_string))
            .filter(|r| !r.is_empty());
        let cloud_box_id = options
            .cloud_box_id
            .clone()
            .or_else(|| signer.cloud_box_id().map(str::to_string));
        let version = match (options.signature_version, signer.version()) {
            (_, SignatureVersion::Anonymous) => SignatureVersion::Anonymous,
            (Some(version), _) => version,
            (None, SignatureVersion::V4) => SignatureVersion::V4,
            (None, _) if region.is_some() || cloud_box_id.is_some() => SignatureVersion::V4,
            (None, _) => SignatureVersion::V1,
        };
        if version == SignatureVersion::V4 && region.is_none() && cloud_box_id.is_none() {
            return Err(oss_core::ClientError::MissingRegion.into());
        }
        Ok(Signing {
            version,
            region,
            cloud_box_id,
        })
    }

    /// `signer`'s credentials, signing this way.
    fn apply(&self, signer: &Signer) -> Signer {
        let mut signer = signer.to_version(self.version);
        if let Some(region) = &self.region {
            signer = signer.with_region(region);
        }
        if let Some(id) = &self.cloud_box_id {
            signer = signer.with_cloud_box_id(id);
        }
        signer
    }
}

/// Who signs: one signer, or credentials read from a provider before each request.
#[derive(Clone)]
enum Auth {
    /// Boxed: a V4 signer (with its key cache) is several times the other arm's size.
    Fixed(Box<Signer>),
    Provided {
        provider: Arc<dyn CredentialsProvider>,
        /// The signer of the last credentials, so that its HMAC key is not derived again for
        /// every request.
        cache: Arc<Mutex<Option<(Credentials, Signer)>>>,
    },
}

/// Reads an iterator of chunks as one stream.
struct ChunkReader<I: Iterator> {
    chunks: I,
    current: Option<I::Item>,
    pos: usize,
}

impl<I> Read for ChunkReader<I>
where
    I: Iterator,
    I::Item: AsRef<[u8]>,
{
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(chunk) = &self.current {
                let rest = &chunk.as_ref()[self.pos..];
                if !rest.is_empty() {
                    let n = rest.len().min(out.len());
                    out[..n].copy_from_slice(&rest[..n]);
                    self.pos += n;
                    return Ok(n);
                }
            }
            match self.chunks.next() {
                Some(chunk) => {
                    self.current = Some(chunk);
                    self.pos = 0;
                }
                None => return Ok(0),
            }
        }
    }
}

/// Sends operations: a connection pool, a signer, an endpoint and a clock.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    auth: Auth,
    /// How every signer of this client signs (resolved from the options and the endpoint).
    signing: Signing,
    endpoint: Endpoint,
    enable_crc: bool,
    retry: RetryPolicy,
    /// Seconds to add to the local clock, learned from `RequestTimeTooSkewed` answers; shared
    /// by clones, since they talk to the same OSS.
    clock_offset: Arc<AtomicI64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "auth",
                &match &self.auth {
                    Auth::Fixed(signer) => format!("{signer:?}"),
                    Auth::Provided { .. } => "provider".to_string(),
                },
            )
            .field("signing", &self.signing)
            .field("endpoint", &self.endpoint)
            .field("enable_crc", &self.enable_crc)
            .field("clock_offset", &self.clock_offset.load(Ordering::Relaxed))
            .finish()
    }
}

impl Client {
    pub fn new(signer: Signer, endpoint: &str, options: &Options) -> Result<Client, Error> {
        Client::with_session(signer, endpoint, options, &Session::new(options))
    }

    /// A client on an existing connection pool (its timeouts and User-Agent apply).
    pub fn with_session(
        signer: Signer,
        endpoint: &str,
        options: &Options,
        session: &Session,
    ) -> Result<Client, Error> {
        let mut endpoint = Endpoint::parse(endpoint)?;
        if options.is_cname {
            endpoint = endpoint.with_addressing(Addressing::Cname);
        }
        let signing = Signing::resolve(&signer, &endpoint, options)?;
        Ok(Client {
            agent: session.agent.clone(),
            auth: Auth::Fixed(Box::new(signing.apply(&signer))),
            signing,
            endpoint,
            enable_crc: options.enable_crc,
            retry: options.retry,
            clock_offset: Arc::new(AtomicI64::new(0)),
        })
    }

    /// A client whose credentials come from `provider`, read before each request.
    pub fn with_provider(
        provider: Arc<dyn CredentialsProvider>,
        endpoint: &str,
        options: &Options,
    ) -> Result<Client, Error> {
        // Any credentials stand for the provider's while the signing is resolved.
        let placeholder = Signer::v1(Credentials::new("provider", "provider")?);
        let mut client = Client::new(placeholder, endpoint, options)?;
        client.auth = Auth::Provided {
            provider,
            cache: Arc::default(),
        };
        Ok(client)
    }

    /// The signer for a request made now.
    pub fn signer(&self) -> Result<Signer, Error> {
        match &self.auth {
            Auth::Fixed(signer) => Ok(Signer::clone(signer)),
            Auth::Provided { provider, cache } => {
                let credentials = provider.credentials(self.now())?;
                let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
                if let Some((cached, signer)) = cache.as_ref()
                    && *cached == credentials
                {
                    return Ok(signer.clone());
                }
                let signer = self.signing.apply(&Signer::v1(credentials.clone()));
                *cache = Some((credentials, signer.clone()));
                Ok(signer)
            }
        }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The signature version requests are signed with.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signing.version
    }

    pub fn enable_crc(&self) -> bool {
        self.enable_crc
    }

    /// The time requests are signed with: the local clock corrected by what OSS said.
    pub fn now(&self) -> i64 {
        let local = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        local + self.clock_offset.load(Ordering::Relaxed)
    }

    /// Attempts a request gets in all ([`RetryPolicy::max_attempts`]).
    pub(crate) fn retry_attempts(&self) -> u32 {
        self.retry.max_attempts
    }

    /// The correction applied to the local clock, in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    /// Sets the correction applied to the local clock (it is learned by itself from
    /// `RequestTimeTooSkewed` answers; this is for a clock known to be off).
    pub fn set_clock_offset(&self, seconds: i64) {
        self.clock_offset.store(seconds, Ordering::Relaxed);
    }

    /// Runs `op`, uploading `body` when the operation sends object data, and parses the answer.
    /// Operations that answer with object data get an empty body here; see [`Client::open`].
    pub fn execute<'a, O: Operation>(
        &self,
        op: &O,
        body: impl Into<BodySource<'a>>,
    ) -> Result<O::Output, Error> {
        let request = op.request()?;
        let retry_safe = op.retry_safe(&request);
        self.run(&request, retry_safe, &mut body.into(), |head, body| {
            let bytes = read_small(body)?;
            self.learn(op.parse(&head, &bytes))
        })
    }

    /// Runs an operation that answers with object data (GetObject): its parsed head, and the
    /// data as a stream. With `verify_crc` (and CRC checks on), a complete 200 answer is checked
    /// against `x-oss-hash-crc64ecma` when the stream reaches its end. Retries cover getting
    /// the answer's head and, when the connection breaks in the middle of the data, getting
    /// the rest: a ranged request from the byte reached, on the condition that the object is
    /// still the same (`If-Match` its ETag), under the same [`RetryPolicy`].
    pub fn open<O: Operation>(
        &self,
        op: &O,
        verify_crc: bool,
        progress: Option<Progress<'static>>,
    ) -> Result<(O::Output, ObjectReader), Error> {
        let request = op.request()?;
        let retry_safe = op.retry_safe(&request);
        let mut progress = progress;
        self.run(
            &request,
            retry_safe,
            &mut BodySource::empty(),
            |head, body| {
                if !head.is_success() {
                    let bytes = read_small(body)?;
                    let output = self.learn(op.parse(&head, &bytes))?;
                    let empty: Box<dyn Read + Send> = Box::new(io::empty());
                    let reader = ObjectReader::new(empty, Some(0), None, progress.take());
                    return Ok((output, reader));
                }
                let output = op.parse(&head, &[])?;
                let length = head
                    .number("content-length")
                    .map_err(oss_core::Error::from)?;
                // A ranged (206) answer carries the whole object's CRC, not the range's.
                let whole = head.status == 200 && head.header("content-range").is_none();
                let expected_crc = (verify_crc && self.enable_crc && whole)
                    .then(|| head.header("x-oss-hash-crc64ecma").map(str::to_string))
                    .flatten();
                let span = span(&head, length);
                let reader = Box::new(Resuming {
                    client: self.clone(),
                    request: request.clone(),
                    etag: head.etag().map(str::to_string),
                    next: span.map_or(0, |(first, _)| first),
                    last: span.map(|(_, last)| last),
                    body: Box::new(body.into_reader()),
                    failures: 0,
                });
                let reader = ObjectReader::new(reader, length, expected_crc, progress.take());
                Ok((output, reader))
            },
        )
    }

    /// Sends `request` with `source` and hands the answer to `finish`, again after a pause
    /// while [`RetryPolicy`] allows: the error must be one a retry can cure, the data must be
    /// replayable, and the request `retry_safe` (as its operation says:
    /// [`Operation::retry_safe`]) — except for a refused clock, which OSS rejects before doing
    /// anything, and which is retried with the corrected time.
    pub(crate) fn run<T>(
        &self,
        request: &Request,
        retry_safe: bool,
        source: &mut BodySource<'_>,
        mut finish: impl FnMut(ResponseHead, ureq::Body) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut attempt = 0;
        loop {
            let result = self
                .exchange(request.clone(), source)
                .and_then(|(head, body)| finish(head, body));
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let skewed = error
                .server_error()
                .is_some_and(|e| e.raw_code == "RequestTimeTooSkewed");
            let may_retry = source.is_replayable()
                && (skewed || (retry_safe && error.is_retryable()))
                && attempt + 1 < self.retry.max_attempts;
            if !may_retry {
                return Err(error);
            }
            std::thread::sleep(self.retry.delay(attempt));
            attempt += 1;
        }
    }

    fn exchange(
        &self,
        request: Request,
        source: &mut BodySource<'_>,
    ) -> Result<(ResponseHead, ureq::Body), Error> {
        let signed = self.signer()?.sign(request, &self.endpoint, self.now())?;
        let mut builder = ureq::http::Request::builder()
            .method(signed.method.as_str())
            .uri(&signed.url);
        for (name, value) in signed.headers.iter() {
            builder = builder.header(name, value);
        }
        let takes_body = matches!(signed.method, Method::Put | Method::Post);
        let http = |e: ureq::http::Error| Error::Request(Box::new(e));
        let response = match signed.body {
            Body::Bytes(bytes) => self.agent.run(builder.body(&bytes[..]).map_err(http)?)?,
            // PUT and POST say Content-Length: 0 rather than nothing.
            Body::Empty if takes_body => self.agent.run(builder.body(&[][..]).map_err(http)?)?,
            Body::Empty => self.agent.run(builder.body(()).map_err(http)?)?,
            Body::Stream { length } => {
                let BodySource {
                    data,
                    progress,
                    reported,
                    crc_init,
                    ..
                } = source;
                let reader: Box<dyn Read + '_> = match (data, length) {
                    (Data::Bytes(bytes), _) => Box::new(&bytes[..]),
                    (Data::File { file, start }, _) => {
                        use std::io::Seek as _;
                        file.seek(io::SeekFrom::Start(*start)).map_err(Error::Io)?;
                        let file: &mut File = file;
                        match length {
                            Some(length) => Box::new(file.take(length)),
                            None => Box::new(file),
                        }
                    }
                    (Data::Reader(reader), _) => match (reader.take(), length) {
                        // Sent once already (a retry is never attempted then, but be safe).
                        (None, _) => Box::new(io::empty()),
                        // The operation's length is what was signed and announced: never
                        // send more.
                        (Some(reader), Some(length)) => Box::new(reader.take(length)),
                        (Some(reader), None) => reader,
                    },
                };
                let progress = progress.as_mut().map(|progress| {
                    Box::new(move |done: u64, total: Option<u64>| {
                        if reported.is_none_or(|high| done > high) {
                            *reported = Some(done);
                            progress(done, total);
                        }
                    }) as Progress<'_>
                });
                let crc = Crc64::with_init(crc_init.unwrap_or(0));
                let mut chunked = Chunked::new(reader, length, crc, progress);
                if let Some(length) = length {
                    builder = builder.header("content-length", length);
                }
                let body = ureq::SendBody::from_reader(&mut chunked);
                let sent = self.agent.run(builder.body(body).map_err(http)?);
                // A failing source is the caller's problem, not the network's.
                if let Some(e) = chunked.source_error.take() {
                    return Err(Error::Io(e));
                }
                let response = sent?;
                // Only a stored upload completes its progress (an empty body is never read).
                if response.status().is_success() {
                    chunked.finish().map_err(Error::from_io)?;
                }
                // Only a stored upload has a CRC to compare with; errors go to the parser.
                if self.enable_crc && crc_init.is_some() && response.status().is_success() {
                    let server = response
                        .headers()
                        .get("x-oss-hash-crc64ecma")
                        .and_then(|v| v.to_str().ok());
                    check_crc64(chunked.crc.value(), server)?;
                }
                response
            }
        };
        let (parts, body) = response.into_parts();
        let mut head = ResponseHead::new(parts.status.as_u16());
        for (name, value) in &parts.headers {
            head.push_header(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
        }
        Ok((head, body))
    }

    /// Passes a result through, learning the clock offset from a `RequestTimeTooSkewed`.
    pub(crate) fn learn<T>(&self, result: Result<T, oss_core::Error>) -> Result<T, Error> {
        if let Err(oss_core::Error::Server(e)) = &result
            && e.raw_code == "RequestTimeTooSkewed"
            && let Some(server_time) = e.server_time()
        {
            let local = self.now() - self.clock_offset();
            self.clock_offset
                .store(server_time - local, Ordering::Relaxed);
        }
        Ok(result?)
    }
}

/// The bytes an answer with object data carries, first and last, counted in the object: from
/// `Content-Range` in a 206, the whole object in a 200. None when empty or unknown.
fn span(head: &ResponseHead, length: Option<u64>) -> Option<(u64, u64)> {
    match head.status {
        200 => length.filter(|&l| l > 0).map(|l| (0, l - 1)),
        206 => {
            let range = head
                .header("content-range")?
                .trim()
                .strip_prefix("bytes ")?;
            let (first, last) = range.split_once('/')?.0.split_once('-')?;
            Some((first.trim().parse().ok()?, last.trim().parse().ok()?))
        }
        _ => None,
    }
}

/// Object data that survives a broken connection: when the body fails before its last byte,
/// the rest is asked for again (`Range` from the next byte, `If-Match` the ETag, so that an
/// object replaced meanwhile fails with `PreconditionFailed` rather than splice two
/// versions), up to the policy's attempts in a row without a byte between them. What it
/// cannot cure it reports as a transport failure ([`Error::Request`], through
/// [`Error::from_io`]), or as the server's refusal of the rest.
struct Resuming {
    client: Client,
    request: Request,
    /// None: the answer cannot be resumed safely (no ETag to hold it to).
    etag: Option<String>,
    /// The next byte to deliver and the last one, in the object (None: unknown).
    next: u64,
    last: Option<u64>,
    body: Box<dyn Read + Send>,
    /// Failures since the last byte arrived.
    failures: u32,
}

impl Resuming {
    fn reopen(&self, etag: &str, last: u64) -> Result<Box<dyn Read + Send>, Error> {
        let request = self
            .request
            .clone()
            .with_header("range", &format!("bytes={}-{last}", self.next))?
            .with_header("if-match", &format!("\"{etag}\""))?;
        self.client
            .run(&request, true, &mut BodySource::empty(), |head, body| {
                if head.status != 206 {
                    let bytes = read_small(body)?;
                    let error = oss_core::ServerError::parse(&head, &bytes);
                    return Err(self.client.learn::<()>(Err(error.into())).unwrap_err());
                }
                if span(&head, None).map(|(first, _)| first) != Some(self.next) {
                    return Err(Error::Request(
                        format!(
                            "asked for bytes from {}, got {:?}",
                            self.next,
                            head.header("content-range")
                        )
                        .into(),
                    ));
                }
                Ok(Box::new(body.into_reader()) as Box<dyn Read + Send>)
            })
    }
}

impl Read for Resuming {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let error = match self.body.read(out) {
                Ok(n) => {
                    if n > 0 {
                        self.next += n as u64;
                        self.failures = 0;
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => e,
            };
            self.failures += 1;
            let resumable = match (&self.etag, self.last) {
                (Some(etag), Some(last)) if self.next <= last => Some((etag.clone(), last)),
                _ => None,
            };
            let Some((etag, last)) =
                resumable.filter(|_| self.failures < self.client.retry.max_attempts)
            else {
                return Err(transport(error));
            };
            std::thread::sleep(self.client.retry.delay(self.failures - 1));
            match self.reopen(&etag, last) {
                Ok(body) => self.body = body,
                // The object changed, or the server will not serve the rest: that, rather
                // than the broken connection, is what the caller needs to know.
                Err(e) if e.server_error().is_some() => return Err(e.into_io()),
                Err(_) => return Err(transport(error)),
            }
        }
    }
}

/// A failure of the connection while reading an answer, as the driver's transport error (of
/// the same kind, for callers that only look at that).
fn transport(error: io::Error) -> io::Error {
    io::Error::new(error.kind(), Error::Request(Box::new(error)))
}

pub(crate) fn read_small(body: ureq::Body) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    body.into_with_config()
        .limit(XML_LIMIT)
        .reader()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Request(Box::new(e)))?;
    Ok(bytes)
}
