//! Requests and responses as the handler sees them: no sockets, bodies as readers.

use std::io::Read;

/// An HTTP request head as it arrived. The body is handed to the handler separately, as a
/// reader, so that uploads stream into the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: percent-encoded path, then `?` and the raw query.
    pub target: String,
    /// Headers in arrival order.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn new(method: &str, target: &str) -> Request {
        Request {
            method: method.to_string(),
            target: target.to_string(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler answers.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ResponseBody,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: ResponseBody::Empty,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(entry) => entry.1 = value,
            None => self.headers.push((name.to_string(), value)),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.set_header(name, value);
        self
    }

    /// An XML document body with its Content-Type.
    pub fn xml(status: u16, xml: String) -> Response {
        let mut response = Response::new(status).with_header("Content-Type", "application/xml");
        response.body = ResponseBody::Bytes(xml.into_bytes());
        response
    }

    /// The whole body, read into memory (tests and the in-process driver).
    pub fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        match self.body {
            ResponseBody::Empty => Ok(Vec::new()),
            ResponseBody::Bytes(bytes) => Ok(bytes),
            ResponseBody::Reader { mut reader, length } => {
                let mut bytes =
                    Vec::with_capacity(usize::try_from(length.min(1 << 20)).unwrap_or(0));
                reader.read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// A response body: small documents in memory, object data as a reader from the store.
pub enum ResponseBody {
    Empty,
    Bytes(Vec<u8>),
    Reader {
        reader: Box<dyn Read + Send>,
        length: u64,
    },
}

impl ResponseBody {
    /// Content-Length of the body.
    pub fn length(&self) -> u64 {
        match self {
            ResponseBody::Empty => 0,
            ResponseBody::Bytes(bytes) => bytes.len() as u64,
            ResponseBody::Reader { length, .. } => *length,
        }
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResponseBody::Empty => f.write_str("Empty"),
            ResponseBody::Bytes(bytes) => write!(f, "Bytes({:?})", String::from_utf8_lossy(bytes)),
            ResponseBody::Reader { length, .. } => write!(f, "Reader({length} bytes)"),
        }
    }
}
