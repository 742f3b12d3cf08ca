//! Object data on the move: the upload body and the download reader, each reading in chunks of
//! [`CHUNK_SIZE`], feeding a CRC-64 and reporting progress once per chunk.

use std::fmt;
use std::io::{self, Read};

use oss_core::crc64::{Crc64, check_crc64};

use crate::Error;

/// The driver's read size for object data, and so the step of progress callbacks: every call
/// but the last reports a multiple of it. 64 KiB keeps memory flat at any object size.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// A progress callback: `(bytes_consumed, total_bytes)`, `total_bytes` None when the size is
/// not known. Called after each chunk, with `bytes_consumed` rising by up to [`CHUNK_SIZE`],
/// and last with the exact total (once with `0` for an empty body).
pub type Progress<'a> = Box<dyn FnMut(u64, Option<u64>) + Send + 'a>;

/// Reads `inner` a whole chunk at a time, so that progress steps do not depend on how the
/// HTTP client or the caller sizes its reads.
pub(crate) struct Chunked<'a, R> {
    inner: R,
    buffer: Box<[u8]>,
    pos: usize,
    filled: usize,
    eof: bool,
    reported: bool,
    /// Why the source failed, kept for the caller: the HTTP client gets only a copy, and
    /// reports it as its own failure.
    pub source_error: Option<io::Error>,
    pub consumed: u64,
    pub total: Option<u64>,
    pub crc: Crc64,
    progress: Option<Progress<'a>>,
}

impl<'a, R: Read> Chunked<'a, R> {
    pub fn new(inner: R, total: Option<u64>, crc: Crc64, progress: Option<Progress<'a>>) -> Self {
        Chunked {
            inner,
            buffer: vec![0; CHUNK_SIZE].into_boxed_slice(),
            pos: 0,
            filled: 0,
            eof: false,
            reported: false,
            source_error: None,
            consumed: 0,
            total,
            crc,
            progress,
        }
    }

    /// Refills the buffer; false at the end of the data.
    fn fill(&mut self) -> io::Result<bool> {
        self.pos = 0;
        self.filled = 0;
        while self.filled < self.buffer.len() && !self.eof {
            match self.inner.read(&mut self.buffer[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.fail(e)),
            }
        }
        self.crc.update(&self.buffer[..self.filled]);
        self.consumed += self.filled as u64;
        if let Some(total) = self.total
            && self.eof
            && self.consumed < total
        {
            // The length was announced: stop the request rather than leave the server
            // waiting for bytes that will never come.
            let short = io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the data ended after {} of {total} bytes", self.consumed),
            );
            return Err(self.fail(short));
        }
        // An empty body still reports once, so every transfer ends with a call at its total.
        if self.filled > 0 || !self.reported {
            self.reported = true;
            if let Some(progress) = &mut self.progress {
                progress(self.consumed, self.total);
            }
        }
        Ok(self.filled > 0)
    }

    fn fail(&mut self, e: io::Error) -> io::Error {
        let copy = io::Error::new(e.kind(), e.to_string());
        self.source_error = Some(e);
        copy
    }

    /// Reports an empty body the HTTP client never read (it knew the length was 0).
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.reported {
            self.fill()?;
        }
        Ok(())
    }

    pub fn is_done(&self) -> bool {
        self.eof && self.pos == self.filled
    }
}

impl<R: Read> Read for Chunked<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.filled && (self.eof || !self.fill()?) {
            return Ok(0);
        }
        let n = out.len().min(self.filled - self.pos);
        out[..n].copy_from_slice(&self.buffer[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// An object's data as it arrives (oss2's `GetObjectResult` as a stream): never buffered
/// beyond one chunk. When the whole object was asked for and CRC checks are on, the read that
/// reaches the end compares the CRC-64 of what arrived with the server's and fails with an
/// inconsistent error (take it out with [`Error::from_io`]) instead of returning the end.
pub struct ObjectReader {
    body: Chunked<'static, Box<dyn Read + Send>>,
    /// `x-oss-hash-crc64ecma` to compare with at the end; None when not checking.
    expected_crc: Option<String>,
}

impl ObjectReader {
    pub(crate) fn new(
        body: Box<dyn Read + Send>,
        length: Option<u64>,
        expected_crc: Option<String>,
        progress: Option<Progress<'static>>,
    ) -> ObjectReader {
        ObjectReader {
            body: Chunked::new(body, length, Crc64::new(), progress),
            expected_crc,
        }
    }

    /// The CRC-64 of what has been read so far.
    pub fn crc(&self) -> u64 {
        self.body.crc.value()
    }

    /// How many bytes have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.body.consumed
    }
}

impl Read for ObjectReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // The failure itself, not the copy the chunking keeps for an HTTP client: it may carry
        // a driver error (see Error::from_io).
        let n = match self.body.read(out) {
            Ok(n) => n,
            Err(copy) => return Err(self.body.source_error.take().unwrap_or(copy)),
        };
        if n == 0 && !out.is_empty() && self.body.is_done() {
            if let Some(expected) = &self.expected_crc {
                // Checked at every read of the end, not once: a caller that reads again after
                // the error must not see a clean end of the data.
                check_crc64(self.body.crc.value(), Some(expected))
                    .map_err(|e| Error::from(e).into_io())?;
            }
        }
        Ok(n)
    }
}

impl fmt::Debug for ObjectReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectReader")
            .field("bytes_read", &self.body.consumed)
            .field("length", &self.body.total)
            .field("checks_crc", &self.expected_crc.is_some())
            .finish()
    }
}
