//! Object data as it arrives: the body of a data answer ([`Answer::Stream`]) counted, reported
//! to `options.progress` and checksummed chunk by chunk, either handed on as a
//! `ReadableStream` (`getStream`) or gathered into one `Uint8Array` (`get` with `progress`).
//! One generic path for any operation that answers with object data; nothing is buffered here.
//!
//! [`Answer::Stream`]: crate::driver::Answer::Stream

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Uint8Array};
use oss_core::crc64::{self, Crc64};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, ReadableWritablePair, TransformStream,
    TransformStreamDefaultController,
};

use crate::driver::{Reply, crc_of};
use crate::error::Error;
use crate::js;

/// `options.progress`, a function `(bytesDone, totalBytes)`, if given.
pub(crate) fn progress(options: &JsValue) -> Result<Option<Function>, Error> {
    match js::get(options, "progress").dyn_into::<Function>() {
        Ok(function) => Ok(Some(function)),
        Err(value) if value.is_undefined() || value.is_null() => Ok(None),
        Err(_) => Err(Error::argument("progress must be a function")),
    }
}

/// Calls `progress(done, total)`. What the callback throws is ignored: it watches a transfer,
/// it does not steer it.
pub(crate) fn report(progress: Option<&Function>, done: f64, total: f64) {
    if let Some(progress) = progress {
        let _ = progress.call2(&JsValue::UNDEFINED, &done.into(), &total.into());
    }
}

/// What one answer's data has come to so far.
struct Tally {
    progress: Option<Function>,
    done: f64,
    /// The answer's Content-Length (NaN when it has none).
    total: f64,
    /// For a whole object (200, no Content-Range): the CRC-64 so far and the server's
    /// `x-oss-hash-crc64ecma`. A ranged answer carries the whole object's CRC, not the range's.
    crc: Option<(u64, String)>,
    status: u16,
    request_id: String,
}

impl Tally {
    fn new(reply: &Reply, progress: Option<Function>) -> Tally {
        let head = &reply.head;
        let whole = head.status == 200 && head.header("content-range").is_none();
        Tally {
            progress,
            done: 0.0,
            total: head
                .header("content-length")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .map_or(f64::NAN, |n| n as f64),
            crc: head
                .header("x-oss-hash-crc64ecma")
                .filter(|_| whole)
                .map(|server| (0, server.to_string())),
            status: head.status,
            request_id: head.request_id().to_string(),
        }
    }

    fn chunk(&mut self, chunk: &Uint8Array) {
        if let Some((crc, _)) = &mut self.crc {
            *crc = crc_of(chunk, Crc64::with_init_fallback(*crc));
        }
        self.done += f64::from(chunk.length());
        report(self.progress.as_ref(), self.done, self.total);
    }

    /// The end of the data: an empty answer reports once too; a whole object's CRC-64 is
    /// checked.
    fn finish(&mut self) -> Result<(), Error> {
        if self.done == 0.0 {
            report(self.progress.as_ref(), 0.0, self.total);
        }
        match &self.crc {
            Some((crc, server)) => crc64::check_crc64(*crc, Some(server))
                .map_err(|e| Error::from(e).with_answer(self.status, &self.request_id)),
            None => Ok(()),
        }
    }
}

/// The unread body of an [`Answer::Stream`] reply (an empty stream when there is none).
///
/// [`Answer::Stream`]: crate::driver::Answer::Stream
fn body(reply: &Reply) -> Result<ReadableStream, Error> {
    match &reply.stream {
        Some(stream) => Ok(stream.clone()),
        None => web_sys::Response::new_with_opt_str(Some(""))
            .map_err(Error::request)?
            .body()
            .ok_or_else(|| Error::argument("no body")),
    }
}

/// The reply's data as a `ReadableStream<Uint8Array>`: each chunk passes through a
/// `TransformStream` that counts it, reports it and adds it to the CRC-64; at the end a
/// mismatch errors the stream (the reader's `read()` rejects with an InconsistentError).
/// Cancelling the returned stream cancels the download.
pub(crate) fn readable(reply: &Reply, progress: Option<Function>) -> Result<ReadableStream, Error> {
    let tally = Rc::new(RefCell::new(Tally::new(reply, progress)));
    let each = tally.clone();
    let transform = Closure::<
        dyn FnMut(JsValue, TransformStreamDefaultController) -> Result<(), JsValue>,
    >::new(
        move |chunk: JsValue, controller: TransformStreamDefaultController| {
            let chunk: Uint8Array = chunk.dyn_into()?;
            each.borrow_mut().chunk(&chunk);
            controller.enqueue_with_chunk(&chunk)
        },
    );
    let flush = Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::new(move |_| {
        tally.borrow_mut().finish().map_err(Error::into_js)
    });
    // The closures belong to the stream from here: the JS garbage collector frees them.
    let transformer = js::object();
    js::set(&transformer, "transform", transform.into_js_value());
    js::set(&transformer, "flush", flush.into_js_value());
    let pair = TransformStream::new_with_transformer(&transformer).map_err(Error::request)?;
    Ok(body(reply)?.pipe_through(pair.unchecked_ref::<ReadableWritablePair>()))
}

/// The reply's data read to the end into one `Uint8Array`, counted, reported and checked as
/// [`readable`] does. `signal` tells a cancelled call from a failed read.
pub(crate) async fn read_all(
    reply: &Reply,
    progress: Option<Function>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Uint8Array, Error> {
    let mut tally = Tally::new(reply, progress);
    let reader: ReadableStreamDefaultReader = body(reply)?.get_reader().unchecked_into();
    let chunks = js_sys::Array::new();
    loop {
        let next = match JsFuture::from(reader.read()).await {
            Ok(next) => next,
            Err(_) if signal.is_some_and(web_sys::AbortSignal::aborted) => {
                return Err(Error::Aborted);
            }
            Err(e) => return Err(Error::request(e)),
        };
        if js::get(&next, "done").is_truthy() {
            break;
        }
        let chunk: Uint8Array = js::get(&next, "value")
            .dyn_into()
            .map_err(|_| Error::argument("the body gave something other than bytes"))?;
        tally.chunk(&chunk);
        chunks.push(&chunk);
    }
    tally.finish()?;
    let whole = Uint8Array::new_with_length(tally.done as u32);
    let mut at = 0;
    for chunk in chunks.iter() {
        let chunk: Uint8Array = chunk.unchecked_into();
        whole.set(&chunk, at);
        at += chunk.length();
    }
    Ok(whole)
}
