//! A real HTTP client (ureq) sending requests that oss-core built and signed, for the tests
//! that talk to the emulator over a socket.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use oss_core::ops::Operation;
use oss_core::request::{Method, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, ResponseHead};
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What goes after the request head.
pub enum Upload<'a> {
    None,
    Bytes(&'a [u8]),
    /// Streamed, with this Content-Length.
    Reader(Box<dyn Read + Send + 'a>, u64),
}

pub struct Http {
    agent: ureq::Agent,
    pub signer: Signer,
    pub endpoint: Endpoint,
}

impl Http {
    /// Signs with the emulator's default test key.
    pub fn new(url: &str) -> Http {
        Http::with_secret(url, DEFAULT_ACCESS_KEY_SECRET)
    }

    pub fn with_secret(url: &str, secret: &str) -> Http {
        let credentials = Credentials::new(DEFAULT_ACCESS_KEY_ID, secret).unwrap();
        Http::with_signer(url, Signer::v1(credentials))
    }

    pub fn with_signer(url: &str, signer: Signer) -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build();
        Http {
            agent: ureq::Agent::new_with_config(config),
            signer,
            endpoint: Endpoint::parse(url).unwrap(),
        }
    }

    /// Sends `request` signed now; the answer's head, and its body still to be read.
    pub fn send(
        &self,
        request: Request,
        upload: Upload<'_>,
    ) -> Result<(ResponseHead, ureq::Body), ureq::Error> {
        let signed = self
            .signer
            .sign(request, &self.endpoint, now())
            .expect("sign");
        let mut builder = ureq::http::Request::builder()
            .method(signed.method.as_str())
            .uri(&signed.url);
        for (name, value) in signed.headers.iter() {
            builder = builder.header(name, value);
        }
        let takes_body = matches!(signed.method, Method::Put | Method::Post);
        let response = match upload {
            Upload::None if !takes_body => self.agent.run(builder.body(()).unwrap())?,
            Upload::None => self.agent.run(builder.body(&[][..]).unwrap())?,
            Upload::Bytes(bytes) => self.agent.run(builder.body(bytes).unwrap())?,
            Upload::Reader(mut reader, length) => {
                let builder = builder.header("content-length", length.to_string());
                self.agent.run(
                    builder
                        .body(ureq::SendBody::from_reader(&mut *reader))
                        .unwrap(),
                )?
            }
        };
        let (parts, body) = response.into_parts();
        let mut head = ResponseHead::new(parts.status.as_u16());
        for (name, value) in &parts.headers {
            head.push_header(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
        }
        Ok((head, body))
    }

    /// Sends and reads the whole answer.
    pub fn bytes(&self, request: Request, upload: Upload<'_>) -> (ResponseHead, Vec<u8>) {
        let (head, body) = self.send(request, upload).expect("transport");
        let mut bytes = Vec::new();
        body.into_reader().read_to_end(&mut bytes).expect("body");
        (head, bytes)
    }

    /// One operation, parsed by oss-core.
    pub fn run<O: Operation>(&self, op: &O, body: &[u8]) -> Result<O::Output, Error> {
        let upload = if body.is_empty() {
            Upload::None
        } else {
            Upload::Bytes(body)
        };
        let (head, bytes) = self.bytes(op.request()?, upload);
        assert_eq!(
            head.header("x-oss-request-id").map(str::len),
            Some(24),
            "{head:?}"
        );
        op.parse(&head, &bytes)
    }
}

pub fn server_code<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
    match result {
        Err(Error::Server(e)) => e.code.clone(),
        other => panic!("expected a server error, got {other:?}"),
    }
}

/// Deterministic bytes, `length` of them, produced as they are read (a large upload without
/// a large buffer).
pub struct Pattern {
    pub offset: u64,
    pub length: u64,
}

impl Pattern {
    pub fn byte(offset: u64) -> u8 {
        (offset.wrapping_mul(2_654_435_761) >> 13) as u8
    }

    pub fn crc(length: u64) -> u64 {
        let mut crc = oss_core::crc64::Crc64::new();
        let mut pattern = Pattern { offset: 0, length };
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = pattern.read(&mut buffer).unwrap();
            if n == 0 {
                return crc.value();
            }
            crc.update(&buffer[..n]);
        }
    }
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf
            .len()
            .min(usize::try_from(self.length - self.offset).unwrap_or(usize::MAX));
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = Pattern::byte(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The CRC-64 of a body, read as it streams.
pub fn crc_of(mut body: impl Read) -> std::io::Result<(u64, u64)> {
    let mut crc = oss_core::crc64::Crc64::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = body.read(&mut buffer)?;
        if n == 0 {
            return Ok((crc.value(), total));
        }
        crc.update(&buffer[..n]);
        total += n as u64;
    }
}

/// The `oss-emulator` binary, running as a child process.
pub struct Process {
    pub child: Child,
    pub url: String,
    /// The lines it printed at start.
    pub banner: Vec<String>,
}

impl Process {
    pub fn start(args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_oss-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn oss-emulator");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = Vec::new();
        for _ in 0..3 {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            banner.push(line.trim_end().to_string());
            if line.starts_with("access key secret") {
                break;
            }
        }
        let url = banner
            .first()
            .and_then(|l| l.strip_prefix("listening on "))
            .unwrap_or_else(|| panic!("unexpected banner {banner:?}"))
            .to_string();
        Process { child, url, banner }
    }

    /// SIGKILL: no chance to clean up, like a crash or a power cut for the process.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
