//! `multipartUpload`: ali-oss's managed upload, with what its users ask for — a Blob read part by
//! part (never whole), `parallel` parts in flight, a checkpoint that is plain JSON (it survives a
//! page reload), a cancel that belongs to one upload and stops its parts in flight, and CRC-64
//! checked per part and for the whole object.
//!
//! Only orchestration lives here: every request is a core operation run through the driver's one
//! generic `execute`, the parts through the same path as `uploadPart`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use js_sys::{Array, Function, Object, Promise};
use oss_core::ops::Paginated as _;
use oss_core::ops::multipart::{
    CompleteMultipartUpload, InitMultipartUpload, ListParts, ListedPart, PartInfo,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::api::{self, Call, quoted, set_etag_crc, with_res};
use crate::driver::{Answer, Upload};
use crate::error::Error;
use crate::js::{self, get, number, object, opt, set, string};

/// OSS's smallest part (but the last).
const MIN_PART: u64 = 100 * 1024;
const DEFAULT_PART: u64 = 1024 * 1024;
/// OSS's most parts per upload.
const MAX_PARTS: u64 = 10_000;
const DEFAULT_PARALLEL: f64 = 5.0;

/// A part on the server, as a checkpoint records it.
struct Part {
    number: u32,
    /// Without quotes.
    etag: String,
    size: u64,
    crc: u64,
}

/// One upload in progress: what its workers share (one thread: cells, no locks).
struct Job<'a> {
    call: &'a Call,
    name: &'a str,
    /// A Blob (sliced per part) or a Uint8Array (viewed per part).
    data: &'a JsValue,
    /// `{name, size, lastModified}` of the file, for checkpoints.
    file: Object,
    size: u64,
    part_size: u64,
    upload_id: String,
    /// `{signal}`: what each request of this upload is sent with.
    request_options: JsValue,
    signal: Option<AbortSignal>,
    progress: Option<Function>,
    /// Part numbers still to send, the next one last.
    todo: RefCell<Vec<u32>>,
    /// By part number.
    done: RefCell<Vec<Part>>,
    done_bytes: Cell<u64>,
    /// The first failure: the workers stop taking parts.
    failure: RefCell<Option<JsValue>>,
}

/// ali-oss's `multipartUpload(name, file, options)`.
pub(crate) async fn multipart_upload(
    call: Call,
    name: String,
    data: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let signal = api::signal(&options).map_err(Error::into_js)?;
    let cancelled = || signal.as_ref().is_some_and(AbortSignal::aborted);
    let progress = match get(&options, "progress").dyn_into::<Function>() {
        Ok(f) => Some(f),
        Err(v) if v.is_undefined() || v.is_null() => None,
        Err(_) => return Err(Error::argument("progress must be a function").into_js()),
    };
    if cancelled() {
        return Err(cancel());
    }
    // A Blob stays a Blob (read a part at a time); other data is bytes in JavaScript already.
    let data = if data.is_instance_of::<web_sys::Blob>() {
        data
    } else {
        js::data(&data).await.map_err(Error::into_js)?.into()
    };
    let size = match data.dyn_ref::<web_sys::Blob>() {
        Some(blob) => blob.size() as u64,
        None => u64::from(data.unchecked_ref::<js_sys::Uint8Array>().length()),
    };
    let file = object();
    let file_name = get(&data, "name").as_string();
    let last_modified = get(&data, "lastModified").as_f64();
    if let Some(n) = &file_name {
        set(&file, "name", n.as_str());
    }
    set(&file, "size", size as f64);
    if let Some(t) = last_modified {
        set(&file, "lastModified", t);
    }
    let checkpoint = get(&options, "checkpoint");
    let checkpoint = (!checkpoint.is_undefined() && !checkpoint.is_null()).then_some(checkpoint);

    let part_size = match &checkpoint {
        Some(cp) => {
            check_checkpoint(cp, &name, size, file_name.as_deref(), last_modified)
                .map_err(Error::into_js)?;
            number(cp, "partSize")
                .map_err(Error::into_js)?
                .map(|n| n as u64)
                .filter(|&n| n > 0 && size.div_ceil(n) <= MAX_PARTS)
                .ok_or_else(|| Error::argument("checkpoint.partSize is wrong").into_js())?
        }
        None => {
            let asked = number(&options, "partSize").map_err(Error::into_js)?;
            (asked.map_or(DEFAULT_PART, |n| n as u64))
                .max(MIN_PART)
                .max(size.div_ceil(MAX_PARTS))
        }
    };

    // What fits in one part goes in one PutObject: one request instead of three.
    if checkpoint.is_none() && size <= part_size {
        let bucket = call.bucket.clone();
        // put's own `progress` has another signature: ours is called below.
        let put_options = Object::assign(&object(), options.unchecked_ref());
        let _ = js_sys::Reflect::delete_property(&put_options, &"progress".into());
        let result = match call.put(name, data, put_options.into()).await {
            Ok(result) => result,
            Err(_) if cancelled() => return Err(cancel()),
            Err(e) => return Err(e.into_js()),
        };
        let result: Object = result.unchecked_into();
        set(&result, "bucket", opt(bucket.as_deref()));
        report(progress.as_ref(), 1.0, JsValue::NULL, &get(&result, "res")).await?;
        return Ok(result.into());
    }

    let request_options = object();
    if let Some(signal) = &signal {
        set(&request_options, "signal", signal.clone());
    }
    let request_options: JsValue = request_options.into();
    let parts = size.div_ceil(part_size) as u32;
    let part_length = |number: u32| {
        let start = u64::from(number - 1) * part_size;
        (start + part_size).min(size) - start
    };

    // A checkpoint's parts count when the server still lists them, with the same ETag and size.
    let mut resumed = None;
    if let Some(cp) = &checkpoint {
        let upload_id = string(cp, "uploadId")
            .map_err(Error::into_js)?
            .ok_or_else(|| Error::argument("checkpoint.uploadId is missing").into_js())?;
        let listed = match list_parts(&call, &name, &upload_id, &request_options).await {
            Ok(listed) => listed,
            Err(_) if cancelled() => return Err(cancel()),
            Err(e) => return Err(e.into_js()),
        };
        // None: the upload is gone (completed, aborted, expired): start over.
        if let Some(listed) = listed {
            let mut kept = Vec::new();
            for part in Array::from(&get(cp, "doneParts")).iter() {
                let Some(part) = recorded_part(&part) else {
                    continue;
                };
                let on_server = listed.iter().any(|l| {
                    l.part_number == part.number
                        && l.etag.eq_ignore_ascii_case(&part.etag)
                        && l.size == part.size
                        && l.crc.is_none_or(|crc| crc == part.crc)
                });
                let at = kept.partition_point(|k: &Part| k.number < part.number);
                if on_server
                    && part.number <= parts
                    && part.size == part_length(part.number)
                    && kept.get(at).is_none_or(|k| k.number != part.number)
                {
                    // By number (no sort in the module).
                    kept.insert(at, part);
                }
            }
            resumed = Some((upload_id, kept));
        }
    }
    let (upload_id, done) = match resumed {
        Some(resumed) => resumed,
        None => {
            let mut op = InitMultipartUpload::new(call.bucket().map_err(Error::into_js)?, &name);
            op.headers = js::request_headers(&options).map_err(Error::into_js)?;
            match call.execute(&op, None, Answer::Xml, &request_options).await {
                Ok((output, _)) => (output.upload_id, Vec::new()),
                Err(_) if cancelled() => return Err(cancel()),
                Err(e) => return Err(e.into_js()),
            }
        }
    };

    let todo: Vec<u32> = (1..=parts)
        .rev()
        .filter(|n| !done.iter().any(|p| p.number == *n))
        .collect();
    let parallel = number(&options, "parallel")
        .map_err(Error::into_js)?
        .unwrap_or(DEFAULT_PARALLEL)
        .max(1.0) as usize;
    let workers = parallel.min(todo.len()).max(1);
    let job = Job {
        call: &call,
        name: &name,
        data: &data,
        file,
        size,
        part_size,
        upload_id,
        request_options,
        signal: signal.clone(),
        progress,
        todo: RefCell::new(todo),
        done_bytes: Cell::new(done.iter().map(|p| p.size).sum()),
        done: RefCell::new(done),
        failure: RefCell::new(None),
    };
    join((0..workers).map(|_| job.worker()).collect()).await;
    if let Some(failure) = job.failure.borrow_mut().take() {
        return Err(job.failed(failure));
    }

    // The object's CRC-64 follows from the parts' (the core's CompleteMultipartUpload checks it
    // against the server's x-oss-hash-crc64ecma).
    let parts: Vec<PartInfo> = job
        .done
        .borrow()
        .iter()
        .map(|p| PartInfo {
            part_number: p.number,
            etag: p.etag.clone(),
            size: Some(p.size),
            part_crc: Some(p.crc),
        })
        .collect();
    let bucket = call.bucket().map_err(Error::into_js)?;
    let op = CompleteMultipartUpload::new(bucket, &name, &job.upload_id, parts);
    let (output, reply) = call
        .execute(&op, None, Answer::Xml, &job.request_options)
        .await
        .map_err(|e| job.failed(e.into_js()))?;
    let result = with_res(&reply);
    set(&result, "bucket", bucket);
    set(&result, "name", name.as_str());
    set_etag_crc(&result, output.etag.as_deref(), output.crc);
    // 1 only now that the object exists; no checkpoint: there is nothing left to resume.
    report(
        job.progress.as_ref(),
        1.0,
        JsValue::NULL,
        &get(&result, "res"),
    )
    .await?;
    Ok(result.into())
}

impl Job<'_> {
    fn cancelled(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    /// Sends parts until none is left, the upload failed or it was cancelled.
    async fn worker(&self) {
        while self.failure.borrow().is_none() && !self.cancelled() {
            let Some(number) = self.todo.borrow_mut().pop() else {
                return;
            };
            if let Err(e) = self.part(number).await {
                self.failure.borrow_mut().get_or_insert(e);
            }
        }
    }

    /// Reads part `number` (only its slice of a Blob), sends it (its CRC-64 checked), records
    /// it, reports progress with the new checkpoint.
    async fn part(&self, number: u32) -> Result<(), JsValue> {
        let start = u64::from(number - 1) * self.part_size;
        let end = (start + self.part_size).min(self.size);
        let bytes = api::part_bytes(self.data, Some(start as f64), Some(end as f64))
            .await
            .map_err(Error::into_js)?;
        let upload = Upload::new(bytes);
        let (output, reply) = self
            .call
            .send_part(
                self.name,
                &self.upload_id,
                number,
                &upload,
                &self.request_options,
            )
            .await
            .map_err(Error::into_js)?;
        let etag = output.etag.ok_or_else(|| {
            Error::Request {
                timeout: false,
                message: "UploadPart's answer has no ETag: the bucket's CORS rule must expose it"
                    .into(),
            }
            .into_js()
        })?;
        {
            let mut done = self.done.borrow_mut();
            let at = done.partition_point(|p| p.number < number);
            done.insert(
                at,
                Part {
                    number,
                    etag,
                    size: end - start,
                    crc: upload.crc(),
                },
            );
        }
        let done_bytes = self.done_bytes.get() + (end - start);
        self.done_bytes.set(done_bytes);
        // The last part's 1 waits for CompleteMultipartUpload; nothing after a cancel.
        if done_bytes < self.size && !self.cancelled() && self.failure.borrow().is_none() {
            let p = done_bytes as f64 / self.size as f64;
            let res = crate::js::res(&reply.head, &reply.url);
            report(self.progress.as_ref(), p, self.checkpoint(), &res.into()).await?;
        }
        Ok(())
    }

    /// `{file, name, fileSize, partSize, uploadId, doneParts}`: plain data, JSON as it is.
    fn checkpoint(&self) -> JsValue {
        let parts: Array = self
            .done
            .borrow()
            .iter()
            .map(|p| {
                let part = object();
                set(&part, "number", p.number);
                set(&part, "etag", quoted(&p.etag));
                set(&part, "size", p.size as f64);
                set(&part, "crc64", p.crc.to_string());
                JsValue::from(part)
            })
            .collect();
        let checkpoint = object();
        set(&checkpoint, "file", self.file.clone());
        set(&checkpoint, "name", self.name);
        set(&checkpoint, "fileSize", self.size as f64);
        set(&checkpoint, "partSize", self.part_size as f64);
        set(&checkpoint, "uploadId", self.upload_id.as_str());
        set(&checkpoint, "doneParts", parts);
        checkpoint.into()
    }

    /// The error the upload rejects with: `cancel` when its signal fired, with the checkpoint
    /// to resume from either way.
    fn failed(&self, error: JsValue) -> JsValue {
        let error = if self.cancelled() { cancel() } else { error };
        if error.is_object() {
            set(error.unchecked_ref(), "checkpoint", self.checkpoint());
        }
        error
    }
}

/// The checkpoint is for this object and this file: the same size, and the same name and
/// lastModified when both sides know them. Anything else is refused.
fn check_checkpoint(
    cp: &JsValue,
    name: &str,
    size: u64,
    file_name: Option<&str>,
    last_modified: Option<f64>,
) -> Result<(), Error> {
    let file = get(cp, "file");
    let wrong = |what: &str| {
        Err(Error::argument(format!(
            "the checkpoint is for another {what}"
        )))
    };
    if number(cp, "fileSize")? != Some(size as f64) {
        return wrong("file (its size differs)");
    }
    if string(cp, "name")?.as_deref() != Some(name) {
        return wrong("object name");
    }
    if let (Some(a), Some(b)) = (string(&file, "name")?, file_name)
        && a != b
    {
        return wrong("file (its name differs)");
    }
    if let (Some(a), Some(b)) = (number(&file, "lastModified")?, last_modified)
        && a != b
    {
        return wrong("file (it was modified since)");
    }
    Ok(())
}

/// A checkpoint's `{number, etag, size, crc64}`, or None when it is not one.
fn recorded_part(part: &JsValue) -> Option<Part> {
    Some(Part {
        number: number(part, "number").ok()?? as u32,
        etag: string(part, "etag").ok()??.trim_matches('"').to_string(),
        size: number(part, "size").ok()?? as u64,
        crc: string(part, "crc64").ok()??.trim().parse().ok()?,
    })
}

/// Every part the server holds for the upload; None when the upload no longer exists.
async fn list_parts(
    call: &Call,
    name: &str,
    upload_id: &str,
    options: &JsValue,
) -> Result<Option<Vec<ListedPart>>, Error> {
    let mut listed = Vec::new();
    let mut next = Some(ListParts::new(call.bucket()?, name, upload_id));
    while let Some(op) = next {
        match call.execute(&op, None, Answer::Xml, options).await {
            Ok((page, _)) => {
                next = op.next_page(&page);
                listed.extend(page.parts);
            }
            Err(e) if e.server().is_some_and(|s| s.raw_code == "NoSuchUpload") => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(listed))
}

/// Calls `progress(p, checkpoint, res)` and waits for what it returns (it may be async).
async fn report(
    progress: Option<&Function>,
    p: f64,
    checkpoint: JsValue,
    res: &JsValue,
) -> Result<(), JsValue> {
    if let Some(progress) = progress {
        let returned = progress.call3(&JsValue::NULL, &p.into(), &checkpoint, res)?;
        JsFuture::from(Promise::resolve(&returned)).await?;
    }
    Ok(())
}

/// ali-oss's cancel error: `name` 'cancel' (what `isCancel` looks for), status 0.
fn cancel() -> JsValue {
    let error = js_sys::Error::new("the upload was cancelled through its signal");
    error.set_name("cancel");
    set(&error, "code", "cancel");
    set(&error, "status", 0);
    error.into()
}

/// Runs futures together until all are done (a join without the futures crate).
async fn join<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        futures.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if futures.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}
