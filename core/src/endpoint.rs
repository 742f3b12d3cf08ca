//! Endpoints and the URL an operation is sent to (oss2's `_normalize_endpoint` and `_UrlMaker`).
//!
//! An endpoint is normalised to `scheme://host[:port]`: no scheme means `http`, the host is
//! lower-cased, a path, query or user-info in the given string is dropped. The host decides the
//! URL shape, first match wins:
//!
//! 1. an IPv4 address (as `inet_aton` reads it, so `127.1` counts) or `localhost`:
//!    `scheme://host/bucket/key`;
//! 2. a CNAME (the bucket's own domain): `scheme://host/key`;
//! 3. path-style addressing: `scheme://host/bucket/key`;
//! 4. otherwise virtual-host style: `scheme://bucket.host/key`.
//!
//! Service requests (no bucket) always go to `scheme://host/`.

use alloc::string::{String, ToString};
use core::fmt::{self, Write as _};

use crate::encoding::{self, SLASH_SAFE, STRICT};
use crate::error::ClientError;

/// How bucket and key are placed in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Addressing {
    /// `bucket.host/key` — the OSS default.
    #[default]
    VirtualHost,
    /// The host is the bucket's own domain (CNAME): `host/key`.
    Cname,
    /// `host/bucket/key`.
    PathStyle,
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// A validated, normalised endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    /// `host[:port]`, host lower-cased; the port only when one was given.
    authority: String,
    host_len: usize,
    port: Option<u16>,
    addressing: Addressing,
    /// IP and `localhost` hosts cannot carry a bucket sub-domain: they always use path style.
    is_ip: bool,
}

impl Endpoint {
    /// Parses and validates an endpoint such as `oss-cn-hangzhou.aliyuncs.com`,
    /// `https://oss-cn-shanghai.aliyuncs.com` or `http://127.0.0.1:9000`; virtual-host style.
    pub fn parse(endpoint: &str) -> Result<Endpoint, ClientError> {
        // The error repeats the endpoint, but never a password given in it.
        let refuse = |reason| ClientError::InvalidEndpoint {
            endpoint: without_userinfo(endpoint),
            reason,
        };
        let trimmed = endpoint.trim();
        let (scheme, rest) =
            split_scheme(trimmed).ok_or_else(|| refuse("only http and https are supported"))?;
        // What follows the scheme up to the path is the authority; user-info is dropped.
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        if host_port.starts_with('[') {
            return Err(refuse("IPv6 endpoints are not supported"));
        }
        let (host, port) = match host_port.split_once(':') {
            None => (host_port, None),
            Some((host, "")) => (host, None),
            Some((host, port)) => {
                let port = port
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| port.parse::<u16>().ok())
                    .flatten()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| refuse("the port must be a number from 1 to 65535"))?;
                (host, Some(port))
            }
        };
        if host.is_empty() {
            return Err(refuse("no host"));
        }
        // oss2 accepts `[\w.-]+`; we keep to ASCII so that what passes here can be resolved and
        // sent without IDNA (a non-ASCII host would only fail later, at DNS).
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            return Err(refuse(
                "the host may only hold letters, digits, '_', '.' and '-'",
            ));
        }
        let host = host.to_ascii_lowercase();
        let is_ip = host == "localhost" || is_inet_aton_address(&host);
        let host_len = host.len();
        let mut authority = host;
        if let Some(port) = port {
            let _ = write!(authority, ":{port}");
        }
        Ok(Endpoint {
            scheme,
            authority,
            host_len,
            port,
            addressing: Addressing::VirtualHost,
            is_ip,
        })
    }

    /// The same endpoint with another addressing style.
    pub fn with_addressing(mut self, addressing: Addressing) -> Endpoint {
        self.addressing = addressing;
        self
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The lower-cased host, without the port.
    pub fn host(&self) -> &str {
        &self.authority[..self.host_len]
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }

    pub fn addressing(&self) -> Addressing {
        self.addressing
    }

    /// Whether the host is an IP address or `localhost` (always path style).
    pub fn is_ip(&self) -> bool {
        self.is_ip
    }

    /// The region of a standard OSS endpoint, as V4 scopes name it: `cn-hangzhou` for
    /// `oss-cn-hangzhou.aliyuncs.com`, `oss-cn-hangzhou-internal.aliyuncs.com` and a bucket's
    /// `bucket.oss-cn-hangzhou.aliyuncs.com`. None for IPs, CNAMEs, the global accelerate
    /// endpoints (`oss-accelerate[-overseas].aliyuncs.com`) and anything else: the caller then
    /// has to give the region.
    pub fn region(&self) -> Option<&str> {
        if self.is_ip || self.addressing == Addressing::Cname {
            return None;
        }
        let first = self
            .host()
            .strip_suffix(".aliyuncs.com")?
            .rsplit('.')
            .next()?;
        let region = first.strip_prefix("oss-")?;
        let region = region.strip_suffix("-internal").unwrap_or(region);
        let valid = !region.is_empty()
            && !region.starts_with("accelerate")
            && region != "cloudbox"
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        valid.then_some(region)
    }

    /// Appends `scheme://authority/path-of-key` for a request on `bucket` (None: the service).
    /// The key is percent-encoded, `/` included unless `slash_safe`.
    pub fn push_url(&self, out: &mut String, bucket: Option<&str>, key: &str, slash_safe: bool) {
        out.push_str(self.scheme.as_str());
        out.push_str("://");
        match bucket {
            Some(bucket) if !self.is_ip && self.addressing == Addressing::VirtualHost => {
                out.push_str(bucket);
                out.push('.');
                out.push_str(&self.authority);
                out.push('/');
            }
            Some(bucket) if self.is_ip || self.addressing == Addressing::PathStyle => {
                out.push_str(&self.authority);
                out.push('/');
                out.push_str(bucket);
                out.push('/');
            }
            _ => {
                out.push_str(&self.authority);
                out.push('/');
            }
        }
        encoding::push_encoded(out, key, if slash_safe { SLASH_SAFE } else { STRICT });
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.authority)
    }
}

/// `scheme://user:password@host` without `user:password@`.
fn without_userinfo(endpoint: &str) -> String {
    let (scheme, rest) = endpoint
        .split_once("://")
        .map_or(("", endpoint), |(s, r)| (s, r));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return endpoint.to_string();
    };
    let sep = if scheme.is_empty() { "" } else { "://" };
    alloc::format!("{scheme}{sep}{}", &rest[at + 1..])
}

fn split_scheme(s: &str) -> Option<(Scheme, &str)> {
    match s.split_once("://") {
        None => Some((Scheme::Http, s)),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => Some((Scheme::Http, rest)),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => Some((Scheme::Https, rest)),
        // oss2 would glue `http://` in front of `ftp://x`; refusing says what is wrong.
        Some(_) => None,
    }
}

/// Whether `inet_aton` accepts `s`: one to four parts separated by `.`, each decimal, octal
/// (leading `0`) or hex (`0x`); the last part fills the remaining bytes (`127.1`, `10.0.258`).
fn is_inet_aton_address(s: &str) -> bool {
    let parts: alloc::vec::Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return false;
    }
    let last = parts.len() - 1;
    parts.iter().enumerate().all(|(i, part)| {
        let limit: u64 = if i == last {
            (1u64 << (8 * (4 - last))) - 1
        } else {
            255
        };
        parse_inet_number(part).is_some_and(|n| n <= limit)
    })
}

fn parse_inet_number(part: &str) -> Option<u64> {
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    // An empty part (`1..2`, a bare `0x`) is not a number to inet_aton.
    if digits.is_empty() {
        return None;
    }
    // Checked arithmetic instead of a length cap: inet_aton takes any number of leading zeros.
    digits.chars().try_fold(0u64, |n, c| {
        let digit = u64::from(c.to_digit(radix)?);
        n.checked_mul(u64::from(radix))?
            .checked_add(digit)
            .filter(|n| *n <= u64::from(u32::MAX))
    })
}

#[cfg(test)]
mod region_tests {
    use super::*;

    #[test]
    fn regions_of_standard_endpoints() {
        let region = |e: &str| Endpoint::parse(e).unwrap().region().map(str::to_string);
        for (endpoint, want) in [
            ("https://oss-cn-hangzhou.aliyuncs.com", Some("cn-hangzhou")),
            ("oss-cn-hangzhou-internal.aliyuncs.com", Some("cn-hangzhou")),
            (
                "http://my-bucket.oss-us-west-1.aliyuncs.com",
                Some("us-west-1"),
            ),
            (
                "oss-ap-southeast-1.aliyuncs.com:443",
                Some("ap-southeast-1"),
            ),
            ("https://oss-accelerate.aliyuncs.com", None),
            ("https://oss-accelerate-overseas.aliyuncs.com", None),
            (
                "https://cb-xxxx.cn-hangzhou.oss-cloudbox.aliyuncs.com",
                None,
            ),
            ("http://127.0.0.1:9000", None),
            ("https://static.example.com", None),
            ("https://oss.aliyuncs.com", None),
        ] {
            assert_eq!(region(endpoint).as_deref(), want, "{endpoint}");
        }
        let cname = Endpoint::parse("oss-cn-hangzhou.aliyuncs.com")
            .unwrap()
            .with_addressing(Addressing::Cname);
        assert_eq!(cname.region(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(ep: &Endpoint, bucket: Option<&str>, key: &str) -> String {
        let mut out = String::new();
        ep.push_url(&mut out, bucket, key, false);
        out
    }

    #[test]
    fn normalises_like_oss2() {
        let ep = Endpoint::parse("  OSS-cn-Hangzhou.aliyuncs.com/some/path?x=1 ").unwrap();
        assert_eq!(ep.to_string(), "http://oss-cn-hangzhou.aliyuncs.com");
        let ep = Endpoint::parse("https://user:pw@cdn.example.com:8443/").unwrap();
        assert_eq!(ep.to_string(), "https://cdn.example.com:8443");
        assert_eq!((ep.host(), ep.port()), ("cdn.example.com", Some(8443)));
        assert_eq!(
            Endpoint::parse("http://host:").unwrap().to_string(),
            "http://host"
        );
    }

    #[test]
    fn url_shapes() {
        let vhost = Endpoint::parse("http://oss-cn-hangzhou.aliyuncs.com").unwrap();
        assert_eq!(
            url(&vhost, Some("b"), "a/b c"),
            "http://b.oss-cn-hangzhou.aliyuncs.com/a%2Fb%20c"
        );
        assert_eq!(
            url(&vhost, Some("b"), ""),
            "http://b.oss-cn-hangzhou.aliyuncs.com/"
        );
        assert_eq!(
            url(&vhost, None, ""),
            "http://oss-cn-hangzhou.aliyuncs.com/"
        );
        let cname = vhost.clone().with_addressing(Addressing::Cname);
        assert_eq!(
            url(&cname, Some("b"), "k"),
            "http://oss-cn-hangzhou.aliyuncs.com/k"
        );
        let path = vhost.with_addressing(Addressing::PathStyle);
        assert_eq!(
            url(&path, Some("b"), "k"),
            "http://oss-cn-hangzhou.aliyuncs.com/b/k"
        );
        // IP endpoints win over CNAME.
        let ip = Endpoint::parse("10.0.0.1:9000")
            .unwrap()
            .with_addressing(Addressing::Cname);
        assert_eq!(url(&ip, Some("b"), "k"), "http://10.0.0.1:9000/b/k");
        let mut out = String::new();
        ip.push_url(&mut out, Some("b"), "a/b", true);
        assert_eq!(out, "http://10.0.0.1:9000/b/a/b");
    }

    #[test]
    fn ip_detection_follows_inet_aton() {
        for ip in [
            "127.0.0.1",
            "127.1",
            "10.1",
            "1",
            "0x7f.1",
            "0177.0.0.1",
            "2130706433",
            "localhost",
        ] {
            assert!(Endpoint::parse(ip).unwrap().is_ip(), "{ip}");
        }
        for host in [
            "256.1.1.1",
            "1.2.3.4.5",
            "1..2",
            "08.1.1.1",
            "oss.aliyuncs.com",
            "1.2.3.256",
            "a1",
        ] {
            assert!(!Endpoint::parse(host).unwrap().is_ip(), "{host}");
        }
    }

    #[test]
    fn errors_never_repeat_a_password() {
        let err = Endpoint::parse("https://admin:hunter2@host:99999/x").unwrap_err();
        assert!(
            !alloc::format!("{err} {err:?}").contains("hunter2"),
            "{err}"
        );
        assert_eq!(without_userinfo("admin:pw@host:1"), "host:1");
        assert_eq!(without_userinfo("http://host/a@b"), "http://host/a@b");
    }

    #[test]
    fn refuses_what_oss2_refuses() {
        for bad in [
            "",
            "http://",
            "http://[::1]:8080",
            "http://host:port",
            "http://host:65536",
            "http://host:0",
            "http://host:-1",
            "http://ho st",
            "http://ho*st.com",
            "ftp://host",
            "http://例子.com",
        ] {
            assert!(
                matches!(
                    Endpoint::parse(bad),
                    Err(ClientError::InvalidEndpoint { .. })
                ),
                "{bad:?} should be refused"
            );
        }
    }
}
