//! The fetch driver: the one generic path every operation takes. Sign with the core's browser
//! mode (the time in `x-oss-date`), send with the global `fetch` (a window, a Web Worker, Node
//! 20 and edge runtimes all have one; `window` is never touched), read the head and the body,
//! check CRC-64, hand the answer to the operation's parser. Retries and the clock offset live
//! here too. There is no per-operation code.

use std::cell::Cell;

use js_sys::{Promise, Uint8Array};
use oss_core::crc64::{self, Crc64};
use oss_core::ops::Operation;
use oss_core::sign::Signer;
use oss_core::{Body, Endpoint, Method, ResponseHead, ServerError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestCache, RequestInit, Response};

use crate::credentials::{Auth, is_refused_credentials};
use crate::error::Error;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, whatever the global object is.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Headers scripts may not set (the Fetch standard's forbidden request headers that a signed
/// request could hold): the browser sets them itself, or refuses the request.
const FORBIDDEN: [&str; 5] = ["content-length", "host", "user-agent", "date", "connection"];

/// Object data copied into WASM memory at most this much at a time for CRC-64: the data stays
/// in JavaScript, so a large body never grows the module's memory (which never shrinks).
const CRC_CHUNK: u32 = 64 * 1024;

/// Object data to upload, kept in JavaScript, with its CRC-64.
#[derive(Debug)]
pub(crate) struct Upload {
    pub bytes: Uint8Array,
    crc: u64,
    /// The CRC-64 of the object before this data (0 for a new object, the object's CRC for an
    /// append); None skips the check of the server's answer.
    pub crc_init: Option<u64>,
}

impl Upload {
    pub(crate) fn new(bytes: Uint8Array) -> Upload {
        let crc = crc_of(&bytes, Crc64::new_fallback());
        Upload {
            bytes,
            crc,
            crc_init: Some(0),
        }
    }

    pub(crate) fn len(&self) -> u64 {
        u64::from(self.bytes.length())
    }

    /// The CRC-64 of these bytes alone.
    pub(crate) fn crc(&self) -> u64 {
        self.crc
    }
}

/// The CRC-64 of JavaScript bytes, continuing `crc`. Always on the core's table engine: on
/// wasm32 crc64fast has no SIMD path either, and one engine keeps one set of tables (32 KiB)
/// in the module.
pub(crate) fn crc_of(bytes: &Uint8Array, mut crc: Crc64) -> u64 {
    let length = bytes.length();
    let mut buffer = vec![0u8; length.min(CRC_CHUNK) as usize];
    let mut start = 0;
    while start < length {
        let end = length.min(start + CRC_CHUNK);
        let chunk = &mut buffer[..(end - start) as usize];
        bytes.subarray(start, end).copy_to(chunk);
        crc.update(chunk);
        start = end;
    }
    crc.value()
}

/// How the answer's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Small XML (or nothing): copied into WASM memory and given to the parser.
    Xml,
    /// Object data: left in JavaScript and handed back; a whole-object answer is checked
    /// against `x-oss-hash-crc64ecma`.
    Data,
    /// Object data read by the caller as it arrives: a success's body is left unread in
    /// [`Reply::stream`] (counting and checking it is the reader's job, see `stream.rs`).
    Stream,
}

/// What came back besides the parsed output.
#[derive(Debug)]
pub(crate) struct Reply {
    pub head: ResponseHead,
    pub url: String,
    /// The whole body, still in JavaScript.
    pub body: Uint8Array,
    /// The object data of an [`Answer::Data`] request.
    pub data: Option<Uint8Array>,
    /// The unread body of an [`Answer::Stream`] success.
    pub stream: Option<web_sys::ReadableStream>,
}

/// Connection settings and the state shared by all requests of one client.
#[derive(Debug)]
pub(crate) struct Driver {
    pub endpoint: Endpoint,
    pub auth: Auth,
    /// Per attempt, milliseconds (ali-oss's `timeout`).
    pub timeout_ms: f64,
    /// Retries after the first attempt (ali-oss's `retryMax`).
    pub retry_max: u32,
    /// Milliseconds to add to the local clock (ali-oss's `amendTimeSkewed`), learned from
    /// `RequestTimeTooSkewed` answers.
    pub clock_offset_ms: Cell<f64>,
}

impl Driver {
    /// The time requests are signed with, in Unix seconds: the local clock corrected by what
    /// OSS said. `SystemTime::now` panics on wasm32; JavaScript's clock does not.
    pub(crate) fn now(&self) -> i64 {
        ((js_sys::Date::now() + self.clock_offset_ms.get()) / 1000.0).floor() as i64
    }

    /// Runs `op`, uploading `upload` when it sends object data, and parses the answer. Only
    /// this wrapper is generic: sending, retrying and checking are one piece of code for all
    /// operations (which keeps the module small).
    pub(crate) async fn execute<O: Operation>(
        &self,
        op: &O,
        upload: Option<&Upload>,
        answer: Answer,
        signal: Option<&AbortSignal>,
    ) -> Result<(O::Output, Reply), Error> {
        let request = op.request()?;
        let retry_safe = op.retry_safe(&request);
        let reply = self
            .send(request, retry_safe, upload, answer, signal)
            .await?;
        let output = match &reply.data {
            // Object data stays in JavaScript: the parser reads the head.
            Some(_) => op.parse(&reply.head, &[]),
            None => op.parse(&reply.head, &reply.body.to_vec()),
        };
        let output = output
            .map_err(|e| Error::from(e).with_answer(reply.head.status, reply.head.request_id()))?;
        Ok((output, reply))
    }

    /// Sends `request` until an answer is final: a success, or a failure that no retry may
    /// cure. A failure is sent again while `retry_max` allows, after a pause, when a retry can
    /// cure it and the request is `retry_safe` (as its operation says: every method but POST,
    /// and the POSTs that are safe to repeat). A refused clock is retried once
    /// whatever the method: OSS refuses it before doing anything, and the offset is corrected
    /// first. Credentials OSS refuses are renewed and retried once when `refreshSTSToken`
    /// is set. The caller's `signal` cancels the call: the request in flight, and any retry.
    async fn send(
        &self,
        request: oss_core::Request,
        idempotent: bool,
        upload: Option<&Upload>,
        answer: Answer,
        signal: Option<&AbortSignal>,
    ) -> Result<Reply, Error> {
        let cancelled = || signal.is_some_and(AbortSignal::aborted);
        let mut attempt = 0;
        let mut skew_retried = false;
        let mut renewed = false;
        loop {
            if cancelled() {
                return Err(Error::Aborted);
            }
            let (signer, generation) = self.auth.for_request().await?;
            let error = match self
                .attempt(&signer, request.clone(), upload, answer, signal)
                .await
            {
                Ok(reply) if reply.head.is_success() => return Ok(reply),
                // OSS's error, read as the operation's parser would read it.
                Ok(reply) => {
                    let error = ServerError::parse(&reply.head, &reply.body.to_vec());
                    if !renewed
                        && is_refused_credentials(&error.raw_code)
                        && self.auth.refused(generation).await?
                    {
                        renewed = true;
                        continue;
                    }
                    let retry = self.learn(&error) && !skew_retried
                        || idempotent && error.is_retryable() && attempt < self.retry_max;
                    if !retry {
                        // The operation's parser has the last word on a failed answer (a
                        // missing key is `false` for ObjectExists).
                        return Ok(reply);
                    }
                    Error::from(oss_core::Error::from(error))
                }
                Err(_) if cancelled() => return Err(Error::Aborted),
                Err(error) => error,
            };
            if error
                .server()
                .is_some_and(|e| e.raw_code == "RequestTimeTooSkewed")
                && !skew_retried
            {
                skew_retried = true;
                continue;
            }
            if !(idempotent && error.is_retryable() && attempt < self.retry_max) {
                return Err(error);
            }
            sleep(backoff_ms(attempt)).await;
            if cancelled() {
                return Err(Error::Aborted);
            }
            attempt += 1;
        }
    }

    /// One exchange: sign now, fetch, read the whole answer, check CRC-64 of a success.
    async fn attempt(
        &self,
        signer: &Signer,
        request: oss_core::Request,
        upload: Option<&Upload>,
        answer: Answer,
        signal: Option<&AbortSignal>,
    ) -> Result<Reply, Error> {
        let signed = signer.sign(request, &self.endpoint, self.now())?;
        let headers = web_sys::Headers::new().map_err(Error::request)?;
        for (name, value) in signed.headers.iter() {
            if !FORBIDDEN.iter().any(|f| name.eq_ignore_ascii_case(f)) {
                headers.append(name, value).map_err(Error::request)?;
            }
        }
        let init = RequestInit::new();
        init.set_method(signed.method.as_str());
        init.set_headers(&headers);
        // Answers carry Last-Modified: a heuristic cache could serve an overwritten object.
        init.set_cache(RequestCache::NoStore);
        let (timeout, timer) = match answer {
            // A stream's timeout ends when its head has come: the body then goes at the
            // reader's pace (cancelling the stream, or `signal`, still ends it).
            Answer::Stream => {
                let controller = web_sys::AbortController::new().map_err(Error::request)?;
                let abort: js_sys::Function = crate::js::get(&controller, "abort").unchecked_into();
                let timer = set_timeout(&abort.bind0(&controller), self.timeout_ms);
                (controller.signal(), Some(timer))
            }
            _ => (AbortSignal::timeout_with_f64(self.timeout_ms), None),
        };
        match signal {
            // Either ends the request: the timeout or the caller.
            Some(signal) => init.set_signal(Some(&AbortSignal::any(&js_sys::Array::of2(
                &timeout, signal,
            )))),
            None => init.set_signal(Some(&timeout)),
        }
        let takes_body = matches!(signed.method, Method::Put | Method::Post);
        match (&signed.body, upload) {
            // The body is copied when the request is made: the view may not outlive this call.
            (Body::Bytes(bytes), _) => init.set_body(&Uint8Array::from(&bytes[..])),
            (Body::Stream { .. }, Some(upload)) => init.set_body(&upload.bytes),
            // PUT and POST say Content-Length: 0 rather than nothing.
            _ if takes_body => init.set_body(&Uint8Array::new_with_length(0)),
            _ => {}
        }
        let response: Response = JsFuture::from(global_fetch(&signed.url, &init))
            .await
            .map_err(Error::request)?
            .unchecked_into();
        let head = read_head(&response)?;
        if answer == Answer::Stream && head.is_success() {
            if let Some(timer) = &timer {
                clear_timeout(timer);
            }
            return Ok(Reply {
                url: signed.url,
                body: Uint8Array::new_with_length(0),
                data: None,
                stream: response.body(),
                head,
            });
        }
        let body = JsFuture::from(response.array_buffer().map_err(Error::request)?)
            .await
            .map_err(Error::request)?;
        let body = Uint8Array::new(&body);
        let reply = |data| Reply {
            url: signed.url.clone(),
            body: body.clone(),
            data,
            stream: None,
            head: head.clone(),
        };
        if !head.is_success() {
            return Ok(reply(None));
        }
        let server_crc = head.header("x-oss-hash-crc64ecma");
        let answered =
            |e: oss_core::Error| Error::from(e).with_answer(head.status, head.request_id());
        if answer == Answer::Data {
            // A ranged (206) answer carries the whole object's CRC, not the range's.
            if head.status == 200 && head.header("content-range").is_none() {
                crc64::check_crc64(crc_of(&body, Crc64::new_fallback()), server_crc)
                    .map_err(answered)?;
            }
            return Ok(reply(Some(body.clone())));
        }
        if let Some(upload) = upload
            && let Some(init) = upload.crc_init
        {
            let expected = crc64::combine(init, upload.crc, upload.len());
            crc64::check_crc64(expected, server_crc).map_err(answered)?;
        }
        Ok(reply(None))
    }

    /// Learns the clock offset from a `RequestTimeTooSkewed` answer; true when it did.
    fn learn(&self, error: &ServerError) -> bool {
        let Some(server_time) = (error.raw_code == "RequestTimeTooSkewed")
            .then(|| error.server_time())
            .flatten()
        else {
            return false;
        };
        self.clock_offset_ms
            .set(server_time as f64 * 1000.0 - js_sys::Date::now());
        true
    }
}

/// Status and headers; only the headers CORS exposes are visible in a browser.
fn read_head(response: &Response) -> Result<ResponseHead, Error> {
    let mut head = ResponseHead::new(response.status());
    let entries = js_sys::try_iter(&response.headers())
        .map_err(Error::request)?
        .ok_or_else(|| Error::argument("response headers are not iterable"))?;
    for entry in entries {
        let entry: js_sys::Array = entry.map_err(Error::request)?.unchecked_into();
        if let (Some(name), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            head.push_header(&name, &value);
        }
    }
    Ok(head)
}

/// Exponential backoff with full jitter: uniform below `min(5 s, 100 ms × 2^attempt)`, so that
/// many clients failing together do not come back together.
fn backoff_ms(attempt: u32) -> f64 {
    let ceiling = (100.0 * f64::from(1u32 << attempt.min(10))).min(5000.0);
    js_sys::Math::random() * ceiling
}

/// A pause that does not block the event loop.
async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}
