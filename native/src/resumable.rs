//! oss2's `resumable_upload`: a large file goes up as a multipart upload, its parts sent by
//! several threads, each finished part recorded in a checkpoint file so that a process that
//! dies resumes with only the parts still missing. Every request goes through the [`Bucket`]
//! facade; nothing here knows how an operation looks on the wire.

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use oss_core::crc64::{check_crc64, checksum, combine, object_crc_from_parts};
use oss_core::ops::multipart::PartInfo;
use oss_core::ops::object::{ObjectInfo, PutObjectResult};
use oss_core::{ErrorCode, Headers};
use serde::{Deserialize, Serialize};

use crate::{BodySource, Bucket, Error, Progress};

/// OSS accepts at most this many parts in one upload.
pub const MAX_PART_COUNT: u64 = 10_000;
/// OSS refuses parts (but the last) smaller than this.
pub const MIN_PART_SIZE: u64 = 100 * 1024;
/// oss2's `defaults.multipart_threshold` and `defaults.part_size`.
pub const DEFAULT_MULTIPART_THRESHOLD: u64 = 10 * 1024 * 1024;
pub const DEFAULT_PART_SIZE: u64 = 10 * 1024 * 1024;

/// The choices of [`resumable_upload`] (oss2's keyword arguments).
pub struct ResumableOptions<'a> {
    /// Files smaller than this go up with one `put_object_from_file`.
    pub multipart_threshold: u64,
    /// The part size wanted; it grows (doubling) when the file would need more than
    /// [`MAX_PART_COUNT`] parts, and is never below [`MIN_PART_SIZE`].
    pub part_size: u64,
    /// How many parts are sent at once.
    pub num_threads: usize,
    /// Where checkpoint files live (None: `oss-native-checkpoints` in the temporary directory).
    pub checkpoint_dir: Option<PathBuf>,
    /// Headers of the object (sent with InitMultipartUpload, or with the single PutObject).
    pub headers: Headers,
    /// `(bytes_consumed, Some(file_size))`, called from every thread in turn (never two at
    /// once), monotonic, ending exactly at the file size. A resumed upload starts with one call
    /// at the bytes of the parts already uploaded.
    pub progress: Option<Progress<'a>>,
}

impl Default for ResumableOptions<'_> {
    fn default() -> Self {
        ResumableOptions {
            multipart_threshold: DEFAULT_MULTIPART_THRESHOLD,
            part_size: DEFAULT_PART_SIZE,
            num_threads: 4,
            checkpoint_dir: None,
            headers: Headers::new(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for ResumableOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumableOptions")
            .field("multipart_threshold", &self.multipart_threshold)
            .field("part_size", &self.part_size)
            .field("num_threads", &self.num_threads)
            .field("checkpoint_dir", &self.checkpoint_dir)
            .field("headers", &self.headers)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What [`resumable_upload`] did.
#[derive(Debug)]
pub struct ResumableUploadResult {
    /// The answer of CompleteMultipartUpload (or of the single PutObject).
    pub result: PutObjectResult,
    /// The upload id (None for a single PutObject).
    pub upload_id: Option<String>,
    /// Parts sent by this call.
    pub parts_uploaded: u32,
    /// Parts a checkpoint said were already uploaded, and that the server still had.
    pub parts_reused: u32,
    /// The part size used (the file size for a single PutObject).
    pub part_size: u64,
}

/// oss2's `determine_part_size`: `preferred` (at least [`MIN_PART_SIZE`]) doubled until the
/// file fits in [`MAX_PART_COUNT`] parts; a file smaller than that is one part.
pub fn determine_part_size(total_size: u64, preferred: u64) -> u64 {
    let mut size = preferred.max(MIN_PART_SIZE);
    while size.saturating_mul(MAX_PART_COUNT) < total_size {
        size = size.saturating_mul(2);
    }
    size.min(total_size.max(1))
}

/// The checkpoint of one upload: what it is of, and the parts done.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Checkpoint {
    version: u32,
    bucket: String,
    key: String,
    file: String,
    file_size: u64,
    mtime_secs: u64,
    mtime_nanos: u32,
    part_size: u64,
    upload_id: String,
    parts: Vec<CheckpointPart>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct CheckpointPart {
    part_number: u32,
    etag: String,
    size: u64,
    crc: Option<u64>,
}

const CHECKPOINT_VERSION: u32 = 1;

impl Checkpoint {
    fn save(&self, path: &Path) -> Result<(), Error> {
        save_json(self, path)
    }

    fn load(path: &Path) -> Option<Checkpoint> {
        let bytes = fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Whether this checkpoint is of the same file, unchanged, going to the same place in the
    /// same parts.
    fn matches(&self, other: &Checkpoint) -> bool {
        self.version == other.version
            && self.bucket == other.bucket
            && self.key == other.key
            && self.file == other.file
            && self.file_size == other.file_size
            && self.mtime_secs == other.mtime_secs
            && self.mtime_nanos == other.mtime_nanos
            && self.part_size == other.part_size
    }
}

/// Written beside itself, synced and renamed over, so a crash leaves the old or the new
/// checkpoint whole.
fn save_json<T: Serialize>(value: &T, path: &Path) -> Result<(), Error> {
    let json = serde_json::to_vec(value).map_err(|e| Error::Io(io::Error::other(e)))?;
    let temporary = path.with_extension("tmp");
    let mut file = File::create(&temporary).map_err(Error::Io)?;
    file.write_all(&json).map_err(Error::Io)?;
    file.sync_data().map_err(Error::Io)?;
    drop(file);
    fs::rename(&temporary, path).map_err(Error::Io)
}

/// A checkpoint the transfer threads share, saved with group commit: a thread records its
/// part and returns once a save that includes it is on disk, as before; but the state is not
/// locked while a save syncs, so the other threads record meanwhile and the next save covers
/// them all at once (one sync per round instead of one per part).
struct Journal<T> {
    /// The checkpoint, and how many records it holds.
    state: Mutex<(T, u64)>,
    /// How many records the checkpoint on disk holds; held while saving.
    saved: Mutex<u64>,
}

impl<T: Clone + Serialize> Journal<T> {
    fn new(checkpoint: T) -> Journal<T> {
        Journal {
            state: Mutex::new((checkpoint, 0)),
            saved: Mutex::new(0),
        }
    }

    /// Applies `record` and returns once it is saved in `path`.
    fn record(&self, path: &Path, record: impl FnOnce(&mut T)) -> Result<(), Error> {
        let mine = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            record(&mut state.0);
            state.1 += 1;
            state.1
        };
        let mut saved = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        if *saved >= mine {
            // Another thread's save already included this record.
            return Ok(());
        }
        let (snapshot, count) = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            (state.0.clone(), state.1)
        };
        save_json(&snapshot, path)?;
        *saved = count;
        Ok(())
    }

    fn into_inner(self) -> T {
        self.state.into_inner().unwrap_or_else(|e| e.into_inner()).0
    }
}

/// The checkpoint file of `bucket/key` from `file`: named by the CRC-64 of the three, so that
/// the name is the same in every run and on every platform.
fn checkpoint_path(dir: &Path, bucket: &str, key: &str, file: &str) -> PathBuf {
    let id = checksum(format!("{bucket}\n{key}\n{file}").as_bytes());
    dir.join(format!("{id:016x}.upload.json"))
}

/// Uploads the file at `path` to `key` (oss2's `oss2.resumable_upload`): below
/// `multipart_threshold` with one PutObject, otherwise as a multipart upload whose parts go up
/// `num_threads` at a time and are recorded in a checkpoint file as they finish. Called again
/// after a failure (or after the process died), it sends only the parts still missing, if the
/// file has not changed and the server still has the upload; otherwise it starts over. The
/// CRC-64 of the object is computed from the parts' and checked against the server's. The
/// checkpoint is removed once the object is complete.
pub fn resumable_upload(
    bucket: &Bucket,
    key: &str,
    path: impl AsRef<Path>,
    options: ResumableOptions<'_>,
) -> Result<ResumableUploadResult, Error> {
    let path = path.as_ref();
    let metadata = fs::metadata(path).map_err(Error::Io)?;
    let size = metadata.len();
    let ResumableOptions {
        multipart_threshold,
        part_size,
        num_threads,
        checkpoint_dir,
        headers,
        progress,
    } = options;

    if size < multipart_threshold || size == 0 {
        let result = bucket.put_object_from_file(key, path, headers, progress)?;
        return Ok(ResumableUploadResult {
            result,
            upload_id: None,
            parts_uploaded: 0,
            parts_reused: 0,
            part_size: size,
        });
    }

    let part_size = determine_part_size(size, part_size);
    let part_count = size.div_ceil(part_size) as u32;
    let mtime = metadata
        .modified()
        .map_err(Error::Io)?
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let file_name = fs::canonicalize(path)
        .map_err(Error::Io)?
        .to_string_lossy()
        .into_owned();
    let dir = checkpoint_dir.unwrap_or_else(|| std::env::temp_dir().join("oss-native-checkpoints"));
    fs::create_dir_all(&dir).map_err(Error::Io)?;
    let checkpoint_file = checkpoint_path(&dir, bucket.bucket_name(), key, &file_name);

    let fresh = Checkpoint {
        version: CHECKPOINT_VERSION,
        bucket: bucket.bucket_name().to_string(),
        key: key.to_string(),
        file: file_name,
        file_size: size,
        mtime_secs: mtime.as_secs(),
        mtime_nanos: mtime.subsec_nanos(),
        part_size,
        upload_id: String::new(),
        parts: Vec::new(),
    };
    let checkpoint = match resume(bucket, &checkpoint_file, &fresh)? {
        Some(checkpoint) => checkpoint,
        None => {
            let init = bucket.init_multipart_upload(key, headers)?;
            let checkpoint = Checkpoint {
                upload_id: init.upload_id,
                ..fresh
            };
            checkpoint.save(&checkpoint_file)?;
            checkpoint
        }
    };
    let upload_id = checkpoint.upload_id.clone();
    let parts_reused = checkpoint.parts.len() as u32;
    let done_bytes: u64 = checkpoint.parts.iter().map(|part| part.size).sum();
    let pending: Vec<u32> = (1..=part_count)
        .filter(|n| !checkpoint.parts.iter().any(|part| part.part_number == *n))
        .collect();

    let mut progress = progress;
    if done_bytes > 0
        && let Some(progress) = progress.as_mut()
    {
        progress(done_bytes, Some(size));
    }
    let shared = Shared {
        checkpoint: Journal::new(checkpoint),
        progress: Mutex::new((done_bytes, progress)),
        next: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
        error: Mutex::new(None),
        uploaded: AtomicUsize::new(0),
    };
    let threads = num_threads.clamp(1, pending.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                upload_parts(
                    bucket,
                    key,
                    path,
                    &upload_id,
                    size,
                    part_size,
                    &pending,
                    &checkpoint_file,
                    &shared,
                )
            });
        }
    });
    let error = shared.error.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(error) = error {
        return Err(error);
    }
    let parts_uploaded = shared.uploaded.load(Ordering::Relaxed) as u32;
    let checkpoint = shared.checkpoint.into_inner();

    let mut parts: Vec<PartInfo> = checkpoint
        .parts
        .iter()
        .map(|part| PartInfo {
            part_number: part.part_number,
            etag: part.etag.clone(),
            size: Some(part.size),
            part_crc: part.crc,
        })
        .collect();
    parts.sort_by_key(|part| part.part_number);
    let expected_crc = parts
        .iter()
        .map(|part| Some((part.size?, part.part_crc?)))
        .collect::<Option<Vec<_>>>()
        .and_then(object_crc_from_parts);
    let result = match bucket.complete_multipart_upload(key, &upload_id, parts) {
        Ok(result) => result,
        // A retried Complete whose first attempt went through finds the upload gone: the
        // object is there, and is ours if it has the parts' size and CRC-64.
        Err(error) if is_no_such_upload(&error) => {
            completed_earlier(bucket, key, size, expected_crc).ok_or(error)?
        }
        Err(error) => return Err(error),
    };
    if bucket.client().enable_crc()
        && let (Some(expected), Some(server)) = (expected_crc, result.crc)
    {
        check_crc64(expected, Some(&server.to_string()))?;
    }
    // The object is whole: a checkpoint left behind would only be found stale later.
    let _ = fs::remove_file(&checkpoint_file);
    Ok(ResumableUploadResult {
        result,
        upload_id: Some(upload_id),
        parts_uploaded,
        parts_reused,
        part_size,
    })
}

fn is_no_such_upload(error: &Error) -> bool {
    error
        .server_error()
        .is_some_and(|e| e.raw_code == "NoSuchUpload")
}

/// The answer to give for an upload a retried Complete found already completed: the object's
/// head, when its size and CRC-64 are the file's (None: not known to be ours).
fn completed_earlier(
    bucket: &Bucket,
    key: &str,
    size: u64,
    expected_crc: Option<u64>,
) -> Option<PutObjectResult> {
    let info = bucket.head_object(key).ok()?;
    let ours = info.content_length == Some(size)
        && expected_crc.is_some()
        && info.server_crc == expected_crc;
    ours.then_some(PutObjectResult {
        result: info.result,
        etag: info.etag,
        crc: info.server_crc,
    })
}

/// The checkpoint to go on from, if there is one for this very file and the server still has
/// its upload, keeping only the parts the server lists as they were recorded. A stale
/// checkpoint's upload is aborted (as far as that succeeds) and the checkpoint removed.
fn resume(
    bucket: &Bucket,
    checkpoint_file: &Path,
    fresh: &Checkpoint,
) -> Result<Option<Checkpoint>, Error> {
    let Some(mut checkpoint) = Checkpoint::load(checkpoint_file) else {
        let _ = fs::remove_file(checkpoint_file);
        return Ok(None);
    };
    if !checkpoint.matches(fresh) {
        if !checkpoint.upload_id.is_empty() {
            let _ = bucket.abort_multipart_upload(&checkpoint.key, &checkpoint.upload_id);
        }
        let _ = fs::remove_file(checkpoint_file);
        return Ok(None);
    }
    let mut listed = Vec::new();
    for part in bucket.part_iter(&fresh.key, &checkpoint.upload_id, 1000) {
        match part {
            Ok(part) => listed.push(part),
            Err(e)
                if e.server_error()
                    .is_some_and(|s| s.code == ErrorCode::NoSuchUpload) =>
            {
                let _ = fs::remove_file(checkpoint_file);
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    checkpoint.parts.retain(|part| {
        listed.iter().any(|l| {
            l.part_number == part.part_number && l.etag == part.etag && l.size == part.size
        })
    });
    Ok(Some(checkpoint))
}

/// What the part threads share.
struct Shared<'a> {
    checkpoint: Journal<Checkpoint>,
    /// Bytes reported so far, and the caller's callback: one lock, so calls never interleave
    /// and never go backwards.
    progress: Mutex<(u64, Option<Progress<'a>>)>,
    /// The index in `pending` of the next part to send.
    next: AtomicUsize,
    /// Set on the first failure: no thread starts another part then.
    failed: AtomicBool,
    error: Mutex<Option<Error>>,
    uploaded: AtomicUsize,
}

impl Shared<'_> {
    fn fail(&self, error: Error) {
        self.failed.store(true, Ordering::SeqCst);
        let mut slot = self.error.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(error);
    }
}

struct FailOnPanic<'s>(&'s AtomicBool);

impl Drop for FailOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn upload_parts(
    bucket: &Bucket,
    key: &str,
    path: &Path,
    upload_id: &str,
    size: u64,
    part_size: u64,
    pending: &[u32],
    checkpoint_file: &Path,
    shared: &Shared<'_>,
) {
    // A thread that panics (a progress callback may) stops the others from starting parts.
    let _guard = FailOnPanic(&shared.failed);
    while !shared.failed.load(Ordering::SeqCst) {
        let index = shared.next.fetch_add(1, Ordering::SeqCst);
        let Some(&part_number) = pending.get(index) else {
            return;
        };
        let start = u64::from(part_number - 1) * part_size;
        let length = part_size.min(size - start);
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) => return shared.fail(Error::Io(e)),
        };
        let mut reported = 0u64;
        let data = BodySource::file_section(file, start, length).with_progress(move |done, _| {
            let delta = done.saturating_sub(reported);
            reported = reported.max(done);
            if delta == 0 {
                return;
            }
            let mut progress = shared.progress.lock().unwrap_or_else(|e| e.into_inner());
            progress.0 += delta;
            let total = progress.0;
            if let Some(callback) = progress.1.as_mut() {
                callback(total, Some(size));
            }
        });
        let result = match bucket.upload_part(key, upload_id, part_number, data) {
            Ok(result) => result,
            Err(e) => return shared.fail(e),
        };
        let Some(etag) = result.etag else {
            return shared.fail(Error::Oss(oss_core::Error::Decode(
                oss_core::error::DecodeError {
                    what: "ETag".to_string(),
                    reason: "UploadPart answered without one".to_string(),
                },
            )));
        };
        let part = CheckpointPart {
            part_number,
            etag,
            size: length,
            crc: result.crc,
        };
        let recorded = shared
            .checkpoint
            .record(checkpoint_file, |checkpoint| checkpoint.parts.push(part));
        if let Err(e) = recorded {
            return shared.fail(e);
        }
        shared.uploaded.fetch_add(1, Ordering::SeqCst);
    }
}

/// oss2's `defaults.multiget_threshold`.
pub const DEFAULT_MULTIGET_THRESHOLD: u64 = 100 * 1024 * 1024;

/// The choices of [`resumable_download`] (oss2's keyword arguments).
pub struct ResumableDownloadOptions {
    /// Objects smaller than this come down with one `get_object_to_file`.
    pub multiget_threshold: u64,
    /// The range size wanted (grown as [`determine_part_size`] does).
    pub part_size: u64,
    /// How many ranges are fetched at once.
    pub num_threads: usize,
    /// Where checkpoint files live (None: `oss-native-checkpoints` in the temporary directory).
    pub checkpoint_dir: Option<PathBuf>,
    /// `(bytes_received, Some(object_size))`, as for uploads: from every thread in turn,
    /// monotonic, ending at the size; a resumed download starts at the ranges already there.
    pub progress: Option<Progress<'static>>,
}

impl Default for ResumableDownloadOptions {
    fn default() -> Self {
        ResumableDownloadOptions {
            multiget_threshold: DEFAULT_MULTIGET_THRESHOLD,
            part_size: DEFAULT_PART_SIZE,
            num_threads: 4,
            checkpoint_dir: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ResumableDownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumableDownloadOptions")
            .field("multiget_threshold", &self.multiget_threshold)
            .field("part_size", &self.part_size)
            .field("num_threads", &self.num_threads)
            .field("checkpoint_dir", &self.checkpoint_dir)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What [`resumable_download`] did.
#[derive(Debug)]
pub struct ResumableDownloadResult {
    /// The object's head as it was when the download started.
    pub info: ObjectInfo,
    /// Ranges fetched by this call.
    pub parts_downloaded: u32,
    /// Ranges a checkpoint said were already in the temporary file.
    pub parts_reused: u32,
    /// The CRC-64 of the file, combined from the ranges'.
    pub crc: u64,
}

/// The checkpoint of one download.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct DownloadCheckpoint {
    version: u32,
    bucket: String,
    key: String,
    file: String,
    temp: String,
    size: u64,
    etag: String,
    part_size: u64,
    /// Ranges written and flushed: part number (from 1) and the range's CRC-64.
    parts: Vec<(u32, u64)>,
}

impl DownloadCheckpoint {
    fn save(&self, path: &Path) -> Result<(), Error> {
        save_json(self, path)
    }

    fn load(path: &Path) -> Option<DownloadCheckpoint> {
        serde_json::from_slice(&fs::read(path).ok()?).ok()
    }

    fn matches(&self, other: &DownloadCheckpoint) -> bool {
        self.version == other.version
            && self.bucket == other.bucket
            && self.key == other.key
            && self.file == other.file
            && self.temp == other.temp
            && self.size == other.size
            && self.etag == other.etag
            && self.part_size == other.part_size
    }
}

/// Downloads `key` into `filename` (oss2's `oss2.resumable_download`): below
/// `multiget_threshold` with one `get_object_to_file`, otherwise in ranges fetched by
/// `num_threads` threads into a temporary file beside the target, each finished range recorded
/// in a checkpoint. Called again after a failure, it fetches only the ranges still missing, if
/// the object is the same (size and ETag); otherwise it starts over. The CRC-64 of the ranges,
/// combined, is checked against the object's, and only then is the temporary file renamed onto
/// `filename`.
pub fn resumable_download(
    bucket: &Bucket,
    key: &str,
    filename: impl AsRef<Path>,
    options: ResumableDownloadOptions,
) -> Result<ResumableDownloadResult, Error> {
    let target = filename.as_ref();
    let ResumableDownloadOptions {
        multiget_threshold,
        part_size,
        num_threads,
        checkpoint_dir,
        progress,
    } = options;
    let info = bucket.head_object(key)?;
    let size = info.content_length.unwrap_or(0);
    if size < multiget_threshold || size == 0 {
        let got = bucket.get_object_to_file(key, target, None, progress)?;
        let crc = got.server_crc.unwrap_or(0);
        return Ok(ResumableDownloadResult {
            info: got,
            parts_downloaded: 1,
            parts_reused: 0,
            crc,
        });
    }
    let part_size = determine_part_size(size, part_size);
    let part_count = size.div_ceil(part_size) as u32;
    let etag = info.etag.clone().unwrap_or_default();

    let absolute = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => fs::canonicalize(parent)
            .map_err(Error::Io)?
            .join(target.file_name().unwrap_or_default()),
        _ => std::env::current_dir().map_err(Error::Io)?.join(target),
    };
    let file_name = absolute.to_string_lossy().into_owned();
    let temp = format!("{file_name}.oss-resumable.tmp");
    let dir = checkpoint_dir.unwrap_or_else(|| std::env::temp_dir().join("oss-native-checkpoints"));
    fs::create_dir_all(&dir).map_err(Error::Io)?;
    let id = checksum(format!("{}\n{key}\n{file_name}", bucket.bucket_name()).as_bytes());
    let checkpoint_file = dir.join(format!("{id:016x}.download.json"));

    let fresh = DownloadCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: bucket.bucket_name().to_string(),
        key: key.to_string(),
        file: file_name,
        temp: temp.clone(),
        size,
        etag: etag.clone(),
        part_size,
        parts: Vec::new(),
    };
    let temp_len = fs::metadata(&temp).map(|m| m.len()).ok();
    let checkpoint = match DownloadCheckpoint::load(&checkpoint_file) {
        Some(checkpoint) if checkpoint.matches(&fresh) && temp_len == Some(size) => checkpoint,
        _ => {
            let file = File::create(&temp).map_err(Error::Io)?;
            file.set_len(size).map_err(Error::Io)?;
            fresh.save(&checkpoint_file)?;
            fresh
        }
    };
    let parts_reused = checkpoint.parts.len() as u32;
    let done_bytes: u64 = checkpoint
        .parts
        .iter()
        .map(|(n, _)| part_size.min(size - u64::from(n - 1) * part_size))
        .sum();
    let pending: Vec<u32> = (1..=part_count)
        .filter(|n| !checkpoint.parts.iter().any(|(p, _)| p == n))
        .collect();
    let mut progress = progress;
    if done_bytes > 0
        && let Some(progress) = progress.as_mut()
    {
        progress(done_bytes, Some(size));
    }
    let shared = DownloadShared {
        checkpoint: Journal::new(checkpoint),
        progress: Mutex::new((done_bytes, progress)),
        next: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
        error: Mutex::new(None),
        downloaded: AtomicUsize::new(0),
    };
    let threads = num_threads.clamp(1, pending.len().max(1));
    let job = DownloadJob {
        bucket,
        key,
        etag: &etag,
        temp: Path::new(&temp),
        size,
        part_size,
        pending: &pending,
        checkpoint_file: &checkpoint_file,
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| job.run(&shared));
        }
    });
    let error = shared.error.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(error) = error {
        return Err(error);
    }
    let parts_downloaded = shared.downloaded.load(Ordering::Relaxed) as u32;
    let mut checkpoint = shared.checkpoint.into_inner();
    checkpoint.parts.sort_by_key(|(n, _)| *n);
    let crc = checkpoint.parts.iter().fold(0, |crc, (n, part_crc)| {
        let length = part_size.min(size - u64::from(n - 1) * part_size);
        combine(crc, *part_crc, length)
    });
    if bucket.client().enable_crc()
        && let Some(server) = info.server_crc
        && let Err(e) = check_crc64(crc, Some(&server.to_string()))
    {
        // The temporary file holds bytes that are not the object: nothing of it can be kept.
        let _ = fs::remove_file(&temp);
        let _ = fs::remove_file(&checkpoint_file);
        return Err(e.into());
    }
    File::options()
        .write(true)
        .open(&temp)
        .and_then(|file| file.sync_all())
        .map_err(Error::Io)?;
    fs::rename(&temp, target).map_err(Error::Io)?;
    let _ = fs::remove_file(&checkpoint_file);
    Ok(ResumableDownloadResult {
        info,
        parts_downloaded,
        parts_reused,
        crc,
    })
}

struct DownloadShared {
    checkpoint: Journal<DownloadCheckpoint>,
    progress: Mutex<(u64, Option<Progress<'static>>)>,
    next: AtomicUsize,
    failed: AtomicBool,
    error: Mutex<Option<Error>>,
    downloaded: AtomicUsize,
}

impl DownloadShared {
    fn fail(&self, error: Error) {
        self.failed.store(true, Ordering::SeqCst);
        let mut slot = self.error.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(error);
    }
}

/// What every download thread works from.
struct DownloadJob<'a> {
    bucket: &'a Bucket,
    key: &'a str,
    etag: &'a str,
    temp: &'a Path,
    size: u64,
    part_size: u64,
    pending: &'a [u32],
    checkpoint_file: &'a Path,
}

impl DownloadJob<'_> {
    fn run(&self, shared: &DownloadShared) {
        let _guard = FailOnPanic(&shared.failed);
        while !shared.failed.load(Ordering::SeqCst) {
            let index = shared.next.fetch_add(1, Ordering::SeqCst);
            let Some(&part_number) = self.pending.get(index) else {
                return;
            };
            // A range cut short is fetched again, as often as the client retries requests.
            let attempts = self.bucket.client().retry_attempts().max(1);
            let mut attempt = 0;
            let mut reported = 0;
            let crc = loop {
                attempt += 1;
                match self.fetch(part_number, shared, &mut reported) {
                    Ok(crc) => break crc,
                    Err(e) if attempt < attempts && e.is_retryable() => continue,
                    Err(e) => return shared.fail(e),
                }
            };
            let recorded = shared
                .checkpoint
                .record(self.checkpoint_file, |checkpoint| {
                    checkpoint.parts.push((part_number, crc))
                });
            if let Err(e) = recorded {
                return shared.fail(e);
            }
            shared.downloaded.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Fetches one range into its place in the temporary file, flushed; answers its CRC-64.
    fn fetch(
        &self,
        part_number: u32,
        shared: &DownloadShared,
        reported: &mut u64,
    ) -> Result<u64, Error> {
        use std::io::{Read as _, Seek as _};
        let start = u64::from(part_number - 1) * self.part_size;
        let length = self.part_size.min(self.size - start);
        let mut headers = Headers::new();
        if !self.etag.is_empty() {
            // The object must not change under the download.
            headers
                .insert("If-Match", &format!("\"{}\"", self.etag))
                .map_err(|e| Error::Oss(e.into()))?;
        }
        let mut got = self.bucket.get_object_with(
            self.key,
            Some((Some(start), Some(start + length - 1))),
            headers,
            None,
        )?;
        let mut file = File::options()
            .write(true)
            .open(self.temp)
            .map_err(Error::Io)?;
        file.seek(io::SeekFrom::Start(start)).map_err(Error::Io)?;
        let mut crc = oss_core::crc64::Crc64::new();
        let mut buffer = vec![0u8; crate::CHUNK_SIZE];
        let mut received = 0u64;
        while received < length {
            let want = (length - received).min(buffer.len() as u64) as usize;
            let mut filled = 0;
            while filled < want {
                let n = got
                    .stream
                    .read(&mut buffer[filled..want])
                    .map_err(Error::from_io)?;
                if n == 0 {
                    return Err(Error::Request(
                        format!("range of part {part_number} ended early").into(),
                    ));
                }
                filled += n;
            }
            crc.update(&buffer[..filled]);
            file.write_all(&buffer[..filled]).map_err(Error::Io)?;
            received += filled as u64;
            // Progress counts bytes once: a range fetched again reports only what is new.
            let mut progress = shared.progress.lock().unwrap_or_else(|e| e.into_inner());
            if received > *reported {
                progress.0 += received - *reported;
                *reported = received;
                let total = progress.0;
                if let Some(callback) = progress.1.as_mut() {
                    callback(total, Some(self.size));
                }
            }
        }
        file.sync_data().map_err(Error::Io)?;
        Ok(crc.value())
    }
}
