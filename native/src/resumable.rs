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

use oss_core::crc64::{check_crc64, checksum, object_crc_from_parts};
use oss_core::ops::multipart::PartInfo;
use oss_core::ops::object::PutObjectResult;
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
    /// Written beside itself and renamed over, so a crash leaves the old or the new one whole.
    fn save(&self, path: &Path) -> Result<(), Error> {
        let json = serde_json::to_vec(self).map_err(|e| Error::Io(io::Error::other(e)))?;
        let temporary = path.with_extension("tmp");
        let mut file = File::create(&temporary).map_err(Error::Io)?;
        file.write_all(&json).map_err(Error::Io)?;
        file.sync_data().map_err(Error::Io)?;
        drop(file);
        fs::rename(&temporary, path).map_err(Error::Io)
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
        checkpoint: Mutex::new(checkpoint),
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
    let checkpoint = shared
        .checkpoint
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());

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
    let result = bucket.complete_multipart_upload(key, &upload_id, parts)?;
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
    checkpoint: Mutex<Checkpoint>,
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
        let mut checkpoint = shared.checkpoint.lock().unwrap_or_else(|e| e.into_inner());
        checkpoint.parts.push(CheckpointPart {
            part_number,
            etag,
            size: length,
            crc: result.crc,
        });
        if let Err(e) = checkpoint.save(checkpoint_file) {
            return shared.fail(e);
        }
        shared.uploaded.fetch_add(1, Ordering::SeqCst);
    }
}
