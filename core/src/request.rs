//! Requests as data: what an operation asks for, before and after signing.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::error::ClientError;
use crate::headers::Headers;
use crate::names;

/// The HTTP methods OSS operations use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Head,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// Reads an upper-case method name.
    pub fn parse(s: &str) -> Result<Method, ClientError> {
        Ok(match s {
            "GET" => Method::Get,
            "PUT" => Method::Put,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => {
                return Err(ClientError::InvalidFormat {
                    what: "HTTP method",
                    value: s.to_string(),
                });
            }
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What travels in the request body.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A small body the core built (XML configurations, delete lists).
    Bytes(Vec<u8>),
    /// Object data the driver streams from its own source; `length` is sent as Content-Length
    /// when known, otherwise the driver uses chunked transfer.
    Stream { length: Option<u64> },
}

impl Body {
    /// The Content-Length of this body, when it is known.
    pub fn length(&self) -> Option<u64> {
        match self {
            Body::Empty => Some(0),
            Body::Bytes(bytes) => Some(bytes.len() as u64),
            Body::Stream { length } => *length,
        }
    }
}

impl fmt::Debug for Body {
    // Object bodies can be large and private: show the kind and the size, never the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Body::Stream { length: Some(n) } => write!(f, "Stream({n} bytes)"),
            Body::Stream { length: None } => f.write_str("Stream(unknown length)"),
        }
    }
}

/// An unsigned request: the operation's method, target, query, headers and body.
///
/// The constructors check the bucket name and key, and [`Request::with_header`] checks headers, so a
/// `Request` that exists can be signed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    method: Method,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, Option<String>)>,
    headers: Headers,
    body: Body,
}

impl Request {
    /// A request on the service itself (ListBuckets, DescribeRegions …).
    pub fn service(method: Method) -> Request {
        Request {
            method,
            bucket: None,
            key: None,
            query: Vec::new(),
            headers: Headers::new(),
            body: Body::Empty,
        }
    }

    /// A request on a bucket (its ACL, its listing, …).
    pub fn bucket(method: Method, bucket: &str) -> Result<Request, ClientError> {
        names::check_bucket_name(bucket)?;
        let mut request = Request::service(method);
        request.bucket = Some(bucket.to_string());
        Ok(request)
    }

    /// A request on an object.
    pub fn object(method: Method, bucket: &str, key: &str) -> Result<Request, ClientError> {
        names::check_object_key(key)?;
        let mut request = Request::bucket(method, bucket)?;
        request.key = Some(key.to_string());
        Ok(request)
    }

    /// Sets a query parameter; `None` renders the bare name (`?acl`, `?uploads`). Setting a
    /// name again replaces its value where it stands (oss2 keeps parameters in a dict).
    pub fn with_query(mut self, name: &str, value: Option<&str>) -> Request {
        set_param(&mut self.query, name, value.map(str::to_string));
        self
    }

    /// Sets a header (see [`Headers::insert`] for what is refused).
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Request, ClientError> {
        self.headers.insert(name, value)?;
        Ok(self)
    }

    /// Replaces all headers.
    pub fn with_headers(mut self, headers: Headers) -> Request {
        self.headers = headers;
        self
    }

    pub fn with_body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn bucket_name(&self) -> Option<&str> {
        self.bucket.as_deref()
    }

    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    pub fn query(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.query.iter().map(|(n, v)| (n.as_str(), v.as_deref()))
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    pub(crate) fn into_parts(self) -> Parts {
        Parts {
            method: self.method,
            bucket: self.bucket,
            key: self.key,
            query: self.query,
            headers: self.headers,
            body: self.body,
        }
    }
}

/// A request taken apart, so that signing can move headers and body instead of copying them.
pub(crate) struct Parts {
    pub method: Method,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub query: Vec<(String, Option<String>)>,
    pub headers: Headers,
    pub body: Body,
}

/// Sets `name` in ordered query pairs, replacing an existing value in place.
pub(crate) fn set_param(
    query: &mut Vec<(String, Option<String>)>,
    name: &str,
    value: Option<String>,
) {
    match query.iter_mut().find(|(n, _)| n == name) {
        Some(entry) => entry.1 = value,
        None => query.push((name.to_string(), value)),
    }
}

/// A request ready for the wire: the driver sends exactly this.
///
/// `Debug` hides the Authorization and token values and the string-to-sign.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub method: Method,
    /// Absolute URL, path and query percent-encoded.
    pub url: String,
    /// Every header to send, signature included. Content-Length is the driver's to add, from
    /// [`Body::length`].
    pub headers: Headers,
    pub body: Body,
    /// What was signed (None for anonymous requests): compare it with the `StringToSign` of a
    /// `SignatureDoesNotMatch` error to see which side differs.
    pub string_to_sign: Option<String>,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &self.body)
            // It holds the STS token when there is one.
            .field(
                "string_to_sign",
                &self.string_to_sign.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}
