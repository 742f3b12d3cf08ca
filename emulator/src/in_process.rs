//! The in-process driver: runs requests signed by oss-core through the handler, without a
//! socket, so users' tests (and ours) exercise the whole protocol in memory.

use oss_core::{ResponseHead, SignedRequest};

use crate::handler::Emulator;
use crate::http::Request;

impl Emulator {
    /// Sends `signed` (with `body` as its body) at time `now`; returns the answer's head and
    /// body, as a network driver would.
    pub fn send(&self, signed: &SignedRequest, body: &[u8], now: i64) -> (ResponseHead, Vec<u8>) {
        let (authority, target) = split_url(&signed.url);
        let mut request =
            Request::new(signed.method.as_str(), target).with_header("Host", authority);
        for (name, value) in signed.headers.iter() {
            request = request.with_header(name, value);
        }
        request = request.with_header("Content-Length", &body.len().to_string());
        self.send_request(&request, body, now)
    }

    /// Sends a raw request (a presigned URL fetched by a plain HTTP client, a browser form …).
    pub fn send_request(
        &self,
        request: &Request,
        mut body: &[u8],
        now: i64,
    ) -> (ResponseHead, Vec<u8>) {
        let response = self.handle(request, &mut body, now);
        let mut head = ResponseHead::new(response.status);
        for (name, value) in &response.headers {
            head.push_header(name, value);
        }
        // In memory, a body that cannot be read is a bug of the store: show it, do not hide it.
        let body = response
            .into_bytes()
            .unwrap_or_else(|e| format!("<body unreadable: {e}>").into_bytes());
        (head, body)
    }
}

/// `http://host:port/path?query` → (`host:port`, `/path?query`).
pub fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    }
}
