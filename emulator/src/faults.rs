//! Seeded fault injection: the failures a client of real OSS meets now and then (5xx answers,
//! a clock that OSS finds skewed, dropped connections, slow answers, bodies damaged in
//! transit), on demand and reproducibly.
//!
//! # The spec (`oss-emulator --faults SPEC`, or [`FaultConfig::from_str`])
//!
//! Comma-separated `name=value` items, every one optional; probabilities are per request and
//! between 0 and 1:
//!
//! | item | meaning |
//! |---|---|
//! | `seed=N` | the seed of the generator (default 0) |
//! | `error500=P` | answer 500 `InternalError` instead of handling the request |
//! | `error503=P` | answer 503 `ServiceUnavailable` |
//! | `skew=P` | answer 403 `RequestTimeTooSkewed` (with the true `ServerTime`) |
//! | `reset_after=N:P` | drop the connection after N bytes of the body: the request's body when it has one (nothing is stored), otherwise the response's (the client gets a short body) |
//! | `latency_ms=MS:P` | wait MS milliseconds before answering (the HTTP server waits; in process the latency is only in the [`Plan`]: the handler never sleeps) |
//! | `corrupt=P` | flip one byte of the object data in a GET answer (the client's CRC-64 check must fire) |
//! | `prefix=P` | only requests about keys under `P` meet faults: an object request whose key starts with it, a listing whose `prefix` parameter does; the others are answered cleanly and draw nothing |
//!
//! Example: `seed=7,error500=0.05,error503=0.05,skew=0.01,reset_after=65536:0.02,latency_ms=50:0.1,corrupt=0.01`.
//! `error500 + error503 + skew` must not exceed 1: one roll decides which error, if any.
//!
//! # Determinism
//!
//! Each request draws one [`Plan`] from a generator seeded with `seed`, and every draw consumes
//! the same amount of randomness whatever it decides, so the n-th request gets the same faults
//! in every run with the same seed — as long as requests arrive in the same order (one client,
//! one request at a time). A [`Faults`] that is switched off ([`Faults::set_enabled`]) draws
//! nothing, so a test can set up its buckets first and start the sequence after. A process
//! started with `--faults` cannot be switched: `prefix=` keeps its setup (creating the bucket,
//! anything outside the prefix) clean instead.

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::OssError;
use crate::handler::Emulator;
use crate::http::{Request, Response, ResponseBody};

/// What can go wrong, and how often.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultConfig {
    pub seed: u64,
    pub error500: f64,
    pub error503: f64,
    pub skew: f64,
    /// Bytes of body before the connection drops, and the probability.
    pub reset_after: Option<(u64, f64)>,
    pub latency: Option<(Duration, f64)>,
    pub corrupt: f64,
    /// Only keys under this meet faults (None: every request).
    pub prefix: Option<String>,
}

impl FromStr for FaultConfig {
    type Err = String;

    fn from_str(spec: &str) -> Result<FaultConfig, String> {
        let mut config = FaultConfig::default();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("fault {item:?}: expected name=value"))?;
            let (name, value) = (name.trim(), value.trim());
            match name {
                "seed" => {
                    config.seed = value
                        .parse()
                        .map_err(|_| format!("seed {value:?} is not a number"))?;
                }
                "error500" => config.error500 = probability(name, value)?,
                "error503" => config.error503 = probability(name, value)?,
                "skew" => config.skew = probability(name, value)?,
                "corrupt" => config.corrupt = probability(name, value)?,
                "prefix" => config.prefix = Some(value.to_string()),
                "reset_after" => {
                    let (bytes, p) = amount_and_probability(name, value)?;
                    config.reset_after = Some((bytes, p));
                }
                "latency_ms" => {
                    let (ms, p) = amount_and_probability(name, value)?;
                    config.latency = Some((Duration::from_millis(ms), p));
                }
                _ => {
                    return Err(format!(
                        "unknown fault {name:?} (known: seed, error500, error503, skew, reset_after, latency_ms, corrupt, prefix)"
                    ));
                }
            }
        }
        if config.error500 + config.error503 + config.skew > 1.0 {
            return Err("error500 + error503 + skew must not exceed 1".to_string());
        }
        Ok(config)
    }
}

impl fmt::Display for FaultConfig {
    /// The spec again, in the grammar [`FaultConfig::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed={}", self.seed)?;
        for (name, p) in [
            ("error500", self.error500),
            ("error503", self.error503),
            ("skew", self.skew),
        ] {
            if p > 0.0 {
                write!(f, ",{name}={p}")?;
            }
        }
        if let Some((bytes, p)) = self.reset_after {
            write!(f, ",reset_after={bytes}:{p}")?;
        }
        if let Some((latency, p)) = self.latency {
            write!(f, ",latency_ms={}:{p}", latency.as_millis())?;
        }
        if self.corrupt > 0.0 {
            write!(f, ",corrupt={}", self.corrupt)?;
        }
        if let Some(prefix) = &self.prefix {
            write!(f, ",prefix={prefix}")?;
        }
        Ok(())
    }
}

fn probability(name: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "{name}={value}: a probability between 0 and 1 was expected"
        )),
    }
}

/// `N:P`; `N` alone means always.
fn amount_and_probability(name: &str, value: &str) -> Result<(u64, f64), String> {
    let (amount, p) = value.split_once(':').unwrap_or((value, "1"));
    let amount = amount
        .trim()
        .parse()
        .map_err(|_| format!("{name}={value}: expected N:P"))?;
    Ok((amount, probability(name, p.trim())?))
}

/// The error answered instead of the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjectedError {
    InternalError,
    ServiceUnavailable,
    RequestTimeTooSkewed,
}

impl InjectedError {
    fn to_error(self, request: &Request, now: i64) -> OssError {
        match self {
            InjectedError::InternalError => OssError::new(
                500,
                "InternalError",
                "We encountered an internal error. Please try again.",
            ),
            InjectedError::ServiceUnavailable => OssError::new(
                503,
                "ServiceUnavailable",
                "Please reduce your request rate.",
            ),
            InjectedError::RequestTimeTooSkewed => {
                let date = request
                    .header("x-oss-date")
                    .or_else(|| request.header("date"))
                    .unwrap_or("");
                OssError::new(
                    403,
                    "RequestTimeTooSkewed",
                    "The difference between the request time and the current time is too large.",
                )
                .field("RequestTime", date)
                .field("ServerTime", crate::auth::iso(now))
                .field("MaxAllowedSkewMilliseconds", "900000")
            }
        }
    }
}

/// The faults chosen for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub error: Option<InjectedError>,
    /// How long the answer waits. The handler does not wait (it never sleeps): the HTTP server
    /// does, before handing the request over; in process it is not applied.
    pub latency: Option<Duration>,
    pub reset_after: Option<u64>,
    /// A random number; the byte flipped is this modulo the body's length.
    pub corrupt: Option<u64>,
}

impl Plan {
    pub fn is_clean(&self) -> bool {
        *self == Plan::default()
    }
}

/// A seeded source of [`Plan`]s.
#[derive(Debug)]
pub struct Faults {
    config: FaultConfig,
    rng: Mutex<SplitMix64>,
    enabled: AtomicBool,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        Faults {
            rng: Mutex::new(SplitMix64(config.seed)),
            config,
            enabled: AtomicBool::new(true),
        }
    }

    /// From a spec such as `seed=7,error500=0.1` (see the module documentation).
    pub fn parse(spec: &str) -> Result<Faults, String> {
        Ok(Faults::new(spec.parse()?))
    }

    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Switched off, every request is clean and the sequence does not advance.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::SeqCst);
    }

    /// The faults of the next request.
    pub fn draw(&self) -> Plan {
        if !self.enabled.load(Ordering::SeqCst) {
            return Plan::default();
        }
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        // Always five numbers, whatever they decide, so one request's outcome never shifts
        // the next one's.
        let (error, latency, reset, corrupt, position) =
            (rng.unit(), rng.unit(), rng.unit(), rng.unit(), rng.next());
        let c = &self.config;
        Plan {
            error: if error < c.error500 {
                Some(InjectedError::InternalError)
            } else if error < c.error500 + c.error503 {
                Some(InjectedError::ServiceUnavailable)
            } else if error < c.error500 + c.error503 + c.skew {
                Some(InjectedError::RequestTimeTooSkewed)
            } else {
                None
            },
            latency: c.latency.filter(|(_, p)| latency < *p).map(|(d, _)| d),
            reset_after: c.reset_after.filter(|(_, p)| reset < *p).map(|(n, _)| n),
            corrupt: (corrupt < c.corrupt).then_some(position),
        }
    }
}

/// Sebastiano Vigna's SplitMix64: tiny, and the same sequence on every platform.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Emulator {
    /// Injects faults drawn from `faults` into every request [`Emulator::handle`] answers.
    pub fn with_faults(mut self, faults: Faults) -> Emulator {
        self.faults = Some(faults);
        self
    }

    pub fn faults(&self) -> Option<&Faults> {
        self.faults.as_ref()
    }

    /// The faults of `request`: none without faults, or outside their `prefix` (drawing
    /// nothing then, so the sequence of the requests inside does not depend on the others).
    pub fn plan(&self, request: &Request) -> Plan {
        match &self.faults {
            Some(faults) if self.in_scope(request, faults.config.prefix.as_deref()) => {
                faults.draw()
            }
            _ => Plan::default(),
        }
    }

    /// Whether the key `request` is about, or the `prefix` its listing asks for, starts with
    /// `prefix`. Both readings of an ambiguous address count (the request may mean either).
    fn in_scope(&self, request: &Request, prefix: Option<&str>) -> bool {
        let Some(prefix) = prefix else {
            return true;
        };
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let Some(path) = crate::handler::percent_decode(path, false) else {
            return false;
        };
        let address = crate::handler::address(request.header("host"), &path, &self.domains);
        let key_inside = address.bucket.is_some()
            && address
                .keys(true)
                .iter()
                .any(|key| !key.is_empty() && key.starts_with(prefix));
        let listing_inside = crate::handler::parse_query(query)
            .unwrap_or_default()
            .iter()
            .any(|(name, value)| {
                name == "prefix" && value.as_deref().is_some_and(|v| v.starts_with(prefix))
            });
        key_inside || listing_inside
    }

    /// Answers `request` with the faults of `plan`, but its latency (which is the caller's to
    /// wait, if it wants to). In process, a dropped connection shows as a body that fails to
    /// read (for an upload: a 500, and nothing stored); the HTTP server drops the real
    /// connection instead.
    pub fn handle_planned(
        &self,
        request: &Request,
        body: &mut dyn Read,
        now: i64,
        plan: &Plan,
    ) -> Response {
        self.answer_planned(request, body, now, plan).0
    }

    /// The answer, and whether the request's body was cut (the server then drops the
    /// connection rather than answer).
    pub(crate) fn answer_planned(
        &self,
        request: &Request,
        body: &mut dyn Read,
        now: i64,
        plan: &Plan,
    ) -> (Response, bool) {
        let injected = plan.error.map(|e| e.to_error(request, now));
        let cut_request = plan.reset_after.filter(|_| has_body(request));
        let mut cut = Cut::new(body, cut_request);
        let mut response = self.respond(request, &mut cut, now, injected);
        let request_was_cut = cut.tripped;
        if let (Some(limit), None) = (plan.reset_after, cut_request) {
            response.body = match std::mem::replace(&mut response.body, ResponseBody::Empty) {
                ResponseBody::Bytes(bytes) if bytes.len() as u64 > limit => {
                    let length = bytes.len() as u64;
                    ResponseBody::Reader {
                        reader: Box::new(Cut::new(io::Cursor::new(bytes), Some(limit))),
                        length,
                    }
                }
                ResponseBody::Reader { reader, length } if length > limit => ResponseBody::Reader {
                    reader: Box::new(Cut::new(reader, Some(limit))),
                    length,
                },
                body => body,
            };
        }
        if let Some(random) = plan.corrupt {
            if let ResponseBody::Reader { reader, length } =
                std::mem::replace(&mut response.body, ResponseBody::Empty)
            {
                response.body = ResponseBody::Reader {
                    reader: Box::new(Corrupt {
                        inner: reader,
                        at: random.checked_rem(length).unwrap_or(0),
                        offset: 0,
                    }),
                    length,
                };
            }
        }
        (response, request_was_cut)
    }
}

/// Whether the request comes with a body (Content-Length above 0, or chunked).
fn has_body(request: &Request) -> bool {
    request
        .header("content-length")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .is_some_and(|l| l > 0)
        || request.header("transfer-encoding").is_some()
}

/// A body that breaks off with `ConnectionReset` after `limit` bytes.
struct Cut<R> {
    inner: R,
    limit: Option<u64>,
    tripped: bool,
}

impl<R> Cut<R> {
    fn new(inner: R, limit: Option<u64>) -> Cut<R> {
        Cut {
            inner,
            limit,
            tripped: false,
        }
    }
}

impl<R: Read> Read for Cut<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(left) = self.limit else {
            return self.inner.read(buf);
        };
        if left == 0 {
            self.tripped = true;
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection reset by fault injection",
            ));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.limit = Some(left - n as u64);
        Ok(n)
    }
}

/// A body with the byte at `at` inverted.
struct Corrupt {
    inner: Box<dyn Read + Send>,
    at: u64,
    offset: u64,
}

impl Read for Corrupt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let end = self.offset + n as u64;
        if (self.offset..end).contains(&self.at) {
            buf[(self.at - self.offset) as usize] ^= 0xFF;
        }
        self.offset = end;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trips() {
        let spec = "seed=7,error500=0.05,error503=0.05,skew=0.01,reset_after=65536:0.02,latency_ms=50:0.1,corrupt=0.01,prefix=flaky/";
        let config: FaultConfig = spec.parse().unwrap();
        assert_eq!(config.seed, 7);
        assert_eq!(config.reset_after, Some((65536, 0.02)));
        assert_eq!(config.latency, Some((Duration::from_millis(50), 0.1)));
        assert_eq!(config.prefix.as_deref(), Some("flaky/"));
        assert_eq!(config.to_string(), spec);
        assert_eq!(config.to_string().parse::<FaultConfig>().unwrap(), config);
        assert!("error500=2".parse::<FaultConfig>().is_err());
        assert!("error500=0.6,error503=0.6".parse::<FaultConfig>().is_err());
        assert!("nonsense=1".parse::<FaultConfig>().is_err());
        assert!("reset_after=x:0.1".parse::<FaultConfig>().is_err());
        assert_eq!(
            "reset_after=10".parse::<FaultConfig>().unwrap().reset_after,
            Some((10, 1.0))
        );
    }

    #[test]
    fn probabilities_are_roughly_kept() {
        let faults = Faults::parse("seed=1,error500=0.25,latency_ms=5:0.5").unwrap();
        let plans: Vec<Plan> = (0..4000).map(|_| faults.draw()).collect();
        let errors = plans.iter().filter(|p| p.error.is_some()).count();
        let slow = plans.iter().filter(|p| p.latency.is_some()).count();
        assert!((900..1100).contains(&errors), "{errors}");
        assert!((1850..2150).contains(&slow), "{slow}");
        assert!(
            plans
                .iter()
                .all(|p| p.reset_after.is_none() && p.corrupt.is_none())
        );
    }

    #[test]
    fn cut_and_corrupt_readers() {
        let mut cut = Cut::new(&b"0123456789"[..], Some(4));
        let mut buf = [0u8; 8];
        assert_eq!(cut.read(&mut buf).unwrap(), 4);
        assert_eq!(
            cut.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::ConnectionReset
        );
        assert!(cut.tripped);

        let mut corrupt = Corrupt {
            inner: Box::new(&b"abcdef"[..]),
            at: 4,
            offset: 0,
        };
        let mut out = Vec::new();
        let mut small = [0u8; 3];
        loop {
            let n = corrupt.read(&mut small).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&small[..n]);
        }
        assert_eq!(out, [b'a', b'b', b'c', b'd', !b'e', b'f']);
    }
}
