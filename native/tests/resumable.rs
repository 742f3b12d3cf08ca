//! `resumable_upload` against the emulator over real HTTP: parallel parts, progress across
//! threads, resuming after an interruption with only the missing parts, injected 503s, a file
//! changed between runs.

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;

use support::{get, pattern, signer};

use oss_core::crc64::checksum;
use oss_emulator::store::MemoryStore;
use oss_emulator::{Emulator, Faults, Server};
use oss_native::{
    Bucket, Options, ResumableDownloadOptions, ResumableOptions, RetryPolicy, determine_part_size,
    resumable_download, resumable_upload,
};

const MIB: u64 = 1024 * 1024;

/// An emulator with `name` created; `faults` (if any) switched on once it is, and a bucket
/// retrying `max_attempts` times, fast.
fn setup(name: &str, faults: Option<&str>, max_attempts: u32) -> (Server, Bucket) {
    let mut emulator = Emulator::new(MemoryStore::new());
    if let Some(spec) = faults {
        let faults = Faults::parse(spec).unwrap();
        faults.set_enabled(false);
        emulator = emulator.with_faults(faults);
    }
    let server = Server::start(emulator, "127.0.0.1:0").unwrap();
    let options = Options {
        retry: RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Options::default()
    };
    let bucket = Bucket::with_options(signer(), &server.url(), name, &options).unwrap();
    bucket.create_bucket(None, None).unwrap();
    if let Some(faults) = server.emulator().faults() {
        faults.set_enabled(true);
    }
    (server, bucket)
}

/// Writes `data` as the file `name` in `dir`: the source of an upload.
fn source_file(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

type Calls = Arc<Mutex<Vec<(u64, Option<u64>)>>>;

fn options<'a>(dir: &Path, part_size: u64, threads: usize) -> ResumableOptions<'a> {
    ResumableOptions {
        multipart_threshold: MIB,
        part_size,
        num_threads: threads,
        checkpoint_dir: Some(dir.join("checkpoints")),
        ..ResumableOptions::default()
    }
}

fn with_recorder<'a>(mut options: ResumableOptions<'a>, calls: &Calls) -> ResumableOptions<'a> {
    let sink = calls.clone();
    options.progress = Some(Box::new(move |done, total| {
        sink.lock().unwrap().push((done, total))
    }));
    options
}

fn checkpoints(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("checkpoints"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn assert_monotonic_to(calls: &[(u64, Option<u64>)], total: u64) {
    assert!(!calls.is_empty());
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "not monotonic");
    assert!(calls.iter().all(|c| c.1 == Some(total)));
    assert_eq!(calls.last().unwrap().0, total);
}

#[test]
fn part_size_stays_within_ten_thousand_parts() {
    assert_eq!(determine_part_size(20 * MIB, MIB), MIB);
    assert_eq!(determine_part_size(50 * 1024, MIB), 50 * 1024);
    assert_eq!(determine_part_size(10 * MIB, 1), 100 * 1024);
    let huge = 48 * 1024 * 1024 * MIB;
    let size = determine_part_size(huge, MIB);
    assert!(huge.div_ceil(size) <= 10_000, "{size}");
    assert!(size >= MIB);
}

#[test]
fn twenty_mib_in_one_mib_parts_on_four_threads() {
    let (_server, bucket) = setup("resumable", None, 3);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(20 * MIB as usize, 0);
    let path = source_file(dir.path(), "big", &data);

    let calls = Calls::default();
    let result = resumable_upload(
        &bucket,
        "big",
        &path,
        with_recorder(options(dir.path(), MIB, 4), &calls),
    )
    .unwrap();
    assert_eq!(result.parts_uploaded, 20);
    assert_eq!(result.parts_reused, 0);
    assert_eq!(result.part_size, MIB);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);
    assert_monotonic_to(&calls.lock().unwrap(), data.len() as u64);
    // The checkpoint is gone, and so is the upload.
    assert_eq!(checkpoints(dir.path()), 0);
    assert!(
        bucket
            .list_multipart_uploads("")
            .unwrap()
            .uploads
            .is_empty()
    );

    // Below the threshold: one PutObject.
    let small = pattern(300_000, 1);
    let small_path = dir.path().join("small");
    std::fs::write(&small_path, &small).unwrap();
    let result =
        resumable_upload(&bucket, "small", &small_path, options(dir.path(), MIB, 4)).unwrap();
    assert_eq!(result.upload_id, None);
    assert_eq!(get(&bucket, "small"), small);
}

#[test]
fn a_panic_midway_resumes_with_only_the_missing_parts() {
    let (_server, bucket) = setup("interrupted", None, 3);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(20 * MIB as usize, 2);
    let path = source_file(dir.path(), "big", &data);

    // The process "dies" (a panic through the threads) after 8 MiB were reported.
    let mut dying = options(dir.path(), MIB, 4);
    dying.progress = Some(Box::new(|done, _| {
        if done >= 8 * MIB {
            panic!("interrupted");
        }
    }));
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resumable_upload(&bucket, "big", &path, dying)
    }));
    assert!(died.is_err());
    assert_eq!(checkpoints(dir.path()), 1);
    let uploads = bucket.list_multipart_uploads("").unwrap().uploads;
    assert_eq!(uploads.len(), 1);
    let stored = bucket
        .list_parts("big", &uploads[0].upload_id)
        .unwrap()
        .parts;
    assert!(!stored.is_empty() && stored.len() < 20, "{}", stored.len());

    let calls = Calls::default();
    let result = resumable_upload(
        &bucket,
        "big",
        &path,
        with_recorder(options(dir.path(), MIB, 4), &calls),
    )
    .unwrap();
    assert_eq!(result.upload_id.as_deref(), Some(&uploads[0].upload_id[..]));
    // Every part the checkpoint recorded was reused; the others (at most the ones that were
    // in flight besides) were sent.
    assert!(result.parts_reused >= 1);
    assert!(result.parts_reused as usize <= stored.len());
    assert_eq!(result.parts_reused + result.parts_uploaded, 20);
    let calls = calls.lock().unwrap();
    assert_eq!(calls[0].0, u64::from(result.parts_reused) * MIB);
    assert_monotonic_to(&calls, data.len() as u64);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);
    assert_eq!(checkpoints(dir.path()), 0);
}

#[test]
fn a_failed_run_without_retries_resumes_after() {
    let (server, bucket) = setup("failing", Some("seed=3,error503=0.25"), 1);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(12 * MIB as usize, 3);
    let path = source_file(dir.path(), "big", &data);

    let mut runs = 0;
    let mut sent = 0;
    let result = loop {
        runs += 1;
        assert!(runs < 50, "never completed");
        match resumable_upload(&bucket, "big", &path, options(dir.path(), MIB, 3)) {
            Ok(result) => break result,
            Err(e) => {
                assert_eq!(e.server_error().unwrap().status, 503, "{e}");
            }
        }
        // What the server holds after each failed run is what the next run may reuse.
        let uploads = bucket.list_multipart_uploads("");
        if let Ok(uploads) = uploads {
            sent = sent.max(uploads.uploads.len());
        }
    };
    server.emulator().faults().unwrap().set_enabled(false);
    assert!(runs > 1, "the faults never struck");
    assert!(sent <= 1, "one upload at a time");
    assert_eq!(result.parts_reused + result.parts_uploaded, 12);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);
    assert!(
        bucket
            .list_multipart_uploads("")
            .unwrap()
            .uploads
            .is_empty()
    );
}

#[test]
fn ten_percent_503s_complete_with_the_right_crc() {
    let (server, bucket) = setup("flaky", Some("seed=11,error503=0.1"), 10);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(64 * MIB as usize, 4);
    let path = source_file(dir.path(), "big", &data);
    let calls = Calls::default();
    let result = resumable_upload(
        &bucket,
        "big",
        &path,
        with_recorder(options(dir.path(), MIB, 4), &calls),
    )
    .unwrap();
    server.emulator().faults().unwrap().set_enabled(false);
    assert_eq!(result.parts_uploaded, 64);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_monotonic_to(&calls.lock().unwrap(), data.len() as u64);
    assert_eq!(get(&bucket, "big"), data);
}

#[test]
fn a_changed_file_starts_over() {
    let (_server, bucket) = setup("changed", None, 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    std::fs::write(&path, pattern(6 * MIB as usize, 5)).unwrap();

    let mut dying = options(dir.path(), MIB, 2);
    dying.progress = Some(Box::new(|done, _| {
        if done >= 3 * MIB {
            panic!("interrupted");
        }
    }));
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resumable_upload(&bucket, "big", &path, dying)
    }));
    assert!(died.is_err());
    let old = bucket.list_multipart_uploads("").unwrap().uploads;
    assert_eq!(old.len(), 1);

    // Another file of another size under the same name.
    let data = pattern(7 * MIB as usize + 12_345, 6);
    std::fs::write(&path, &data).unwrap();
    let result = resumable_upload(&bucket, "big", &path, options(dir.path(), MIB, 2)).unwrap();
    assert_eq!(result.parts_reused, 0);
    assert_eq!(result.parts_uploaded, 8);
    assert_ne!(result.upload_id.as_deref(), Some(&old[0].upload_id[..]));
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);
    // The stale upload was aborted.
    assert!(
        bucket
            .list_multipart_uploads("")
            .unwrap()
            .uploads
            .is_empty()
    );
    assert_eq!(checkpoints(dir.path()), 0);

    // An upload the server no longer has (aborted behind the checkpoint's back) also starts
    // over.
    let mut dying = options(dir.path(), MIB, 2);
    dying.progress = Some(Box::new(|done, _| {
        if done >= 3 * MIB {
            panic!("interrupted");
        }
    }));
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resumable_upload(&bucket, "big", &path, dying)
    }));
    assert!(died.is_err());
    let gone = bucket.list_multipart_uploads("").unwrap().uploads;
    bucket
        .abort_multipart_upload("big", &gone[0].upload_id)
        .unwrap();
    let result = resumable_upload(&bucket, "big", &path, options(dir.path(), MIB, 2)).unwrap();
    assert_eq!(result.parts_reused, 0);
    assert_eq!(get(&bucket, "big"), data);
}

/// The child side of [`sigkill_midway_resumes_exactly`]: with `OSS_NATIVE_CRASH_CHILD` set (the
/// parent re-runs this test binary with it), uploads the file the parent names until killed.
#[test]
fn crash_child() {
    let Ok(url) = std::env::var("OSS_NATIVE_CRASH_CHILD") else {
        return;
    };
    let file = std::env::var("OSS_NATIVE_CRASH_FILE").unwrap();
    let dir = std::env::var("OSS_NATIVE_CRASH_DIR").unwrap();
    let bucket = Bucket::new(signer(), &url, "crash").unwrap();
    resumable_upload(&bucket, "big", &file, options(Path::new(&dir), MIB, 4)).unwrap();
}

/// Parts an upload checkpoint file records (0 when there is none yet or it is being replaced).
fn checkpointed_parts(dir: &Path) -> usize {
    checkpointed(dir, ".upload.json")
}

/// Parts the checkpoint file whose name ends with `suffix` records.
fn checkpointed(dir: &Path, suffix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir.join("checkpoints")) else {
        return 0;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(suffix)
            && let Ok(bytes) = std::fs::read(entry.path())
            && let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes)
        {
            return json["parts"].as_array().map_or(0, Vec::len);
        }
    }
    0
}

/// A TCP relay in front of the emulator. `watch` makes, for every connection, a function
/// that sees each chunk the client sends before it goes on, and answers whether the server's
/// answers on that connection are to be dropped from then on (the connection is closed
/// instead of answering).
fn relay<W>(upstream: std::net::SocketAddr, watch: impl Fn() -> W + Send + 'static) -> String
where
    W: FnMut(&[u8]) -> bool + Send + 'static,
{
    use std::io::Write as _;
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let Ok(mut server) = TcpStream::connect(upstream) else {
                continue;
            };
            // Set before the chunk that sets it reaches the server, so its answer cannot slip
            // through first.
            let cut = Arc::new(AtomicBool::new(false));
            let (mut client_out, mut server_in) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let cut_answers = cut.clone();
            std::thread::spawn(move || {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    let n = match server_in.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if cut_answers.load(Ordering::SeqCst)
                        || client_out.write_all(&buffer[..n]).is_err()
                    {
                        break;
                    }
                }
                let _ = client_out.shutdown(Shutdown::Both);
            });
            let mut watcher = watch();
            std::thread::spawn(move || {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    let n = match client.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if watcher(&buffer[..n]) {
                        cut.store(true, Ordering::SeqCst);
                    }
                    if server.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                let _ = server.shutdown(Shutdown::Write);
            });
        }
    });
    url
}

/// A relay that counts the requests going through it that carry `needle` (`partNumber=` for
/// UploadPart, `bytes=` for ranged GETs), whoever sends them: the server's own count, child
/// processes included.
fn counting_relay(
    upstream: std::net::SocketAddr,
    needle: &'static [u8],
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let url = relay(upstream, move || {
        let counter = counter.clone();
        // The last bytes of the previous chunk, so a needle split across reads counts.
        let mut window = Vec::new();
        move |chunk: &[u8]| {
            window.extend_from_slice(chunk);
            let found = window
                .windows(needle.len())
                .filter(|w| *w == needle)
                .count();
            counter.fetch_add(found, Ordering::SeqCst);
            let keep = window.len().min(needle.len() - 1);
            window.drain(..window.len() - keep);
            false
        }
    });
    (url, count)
}

#[test]
fn sigkill_midway_resumes_exactly() {
    // Every request waits a little, so that the child can be caught part by part.
    let (server, direct) = setup("crash", Some("latency_ms=25:1"), 3);
    let (url, part_requests) = counting_relay(server.addr(), b"partNumber=");
    let bucket = Bucket::new(signer(), &url, "crash").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(64 * MIB as usize, 7);
    let path = source_file(dir.path(), "big", &data);

    let mut last = 0;
    for kill_at in [3, 18, 33, 48] {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("OSS_NATIVE_CRASH_CHILD", &url)
            .env("OSS_NATIVE_CRASH_FILE", &path)
            .env("OSS_NATIVE_CRASH_DIR", dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while checkpointed_parts(dir.path()) < kill_at {
            assert!(child.try_wait().unwrap().is_none(), "the child finished");
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the child hung"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let recorded = checkpointed_parts(dir.path());
        assert!(recorded >= last, "a resumed run lost recorded parts");
        last = recorded;
        // The upload is still the one and only.
        assert_eq!(bucket.list_multipart_uploads("").unwrap().uploads.len(), 1);
    }
    assert!(last < 64);

    // The last run, in this process: it sends the parts the checkpoint lacks, and no more.
    // Across the four killed runs, parts were sent again only when a kill caught them between
    // the server taking them and the checkpoint recording them: at most one per thread.
    let before = part_requests.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        before >= last && before <= 64 + 4 * 4,
        "{before} UploadPart requests"
    );
    server.emulator().faults().unwrap().set_enabled(false);
    let result = resumable_upload(&bucket, "big", &path, options(dir.path(), MIB, 4)).unwrap();
    assert_eq!(result.parts_reused as usize, last);
    assert_eq!(result.parts_uploaded as usize, 64 - last);
    // The server saw exactly those.
    let after = part_requests.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(after - before, 64 - last);
    drop(direct);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "big"), data);
    assert!(
        bucket
            .list_multipart_uploads("")
            .unwrap()
            .uploads
            .is_empty()
    );
    assert_eq!(checkpoints(dir.path()), 0);
}

fn download_options(dir: &Path, threads: usize) -> ResumableDownloadOptions {
    ResumableDownloadOptions {
        multiget_threshold: MIB,
        part_size: MIB,
        num_threads: threads,
        checkpoint_dir: Some(dir.join("checkpoints")),
        progress: None,
    }
}

/// Files in `dir` besides the checkpoint directory.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "checkpoints")
        .collect();
    names.sort();
    names
}

#[test]
fn resumable_download_in_parallel_ranges() {
    let (_server, bucket) = setup("download", None, 3);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(20 * MIB as usize + 777, 8);
    bucket.put_object("big", &data[..]).unwrap();
    let target = dir.path().join("out");

    let calls = Calls::default();
    let sink = calls.clone();
    let mut options = download_options(dir.path(), 4);
    options.progress = Some(Box::new(move |done, total| {
        sink.lock().unwrap().push((done, total))
    }));
    let result = resumable_download(&bucket, "big", &target, options).unwrap();
    assert_eq!(result.parts_downloaded, 21);
    assert_eq!(result.crc, checksum(&data));
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_monotonic_to(&calls.lock().unwrap(), data.len() as u64);
    assert_eq!(files(dir.path()), ["out"]);
    assert_eq!(checkpoints(dir.path()), 0);

    // Below the threshold: one GET.
    bucket.put_object("small", &data[..1000]).unwrap();
    let small = dir.path().join("small");
    resumable_download(&bucket, "small", &small, download_options(dir.path(), 4)).unwrap();
    assert_eq!(std::fs::read(&small).unwrap(), &data[..1000]);
}

#[test]
fn an_interrupted_download_fetches_only_the_missing_ranges() {
    let (server, _direct) = setup("download-resume", None, 3);
    let (url, ranges) = counting_relay(server.addr(), b"bytes=");
    let bucket = Bucket::new(signer(), &url, "download-resume").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(20 * MIB as usize, 9);
    bucket.put_object("big", &data[..]).unwrap();
    let target = dir.path().join("out");

    let mut dying = download_options(dir.path(), 4);
    dying.progress = Some(Box::new(|done, _| {
        if done >= 8 * MIB {
            panic!("interrupted");
        }
    }));
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resumable_download(&bucket, "big", &target, dying)
    }));
    assert!(died.is_err());
    assert!(!target.exists(), "the target appears only when complete");
    assert_eq!(checkpoints(dir.path()), 1);

    let before = ranges.load(std::sync::atomic::Ordering::SeqCst);
    let result =
        resumable_download(&bucket, "big", &target, download_options(dir.path(), 4)).unwrap();
    // The server was asked for exactly the ranges the checkpoint lacked.
    let after = ranges.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(after - before, result.parts_downloaded as usize);
    assert!(result.parts_reused >= 1, "{result:?}");
    assert_eq!(result.parts_reused + result.parts_downloaded, 20);
    assert_eq!(result.crc, checksum(&data));
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_eq!(files(dir.path()), ["out"]);
    assert_eq!(checkpoints(dir.path()), 0);

    // The object changes between an interrupted run and the next: that one starts over.
    let mut dying = download_options(dir.path(), 2);
    dying.progress = Some(Box::new(|done, _| {
        if done >= 4 * MIB {
            panic!("interrupted");
        }
    }));
    let target2 = dir.path().join("out2");
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resumable_download(&bucket, "big", &target2, dying)
    }));
    assert!(died.is_err());
    let changed = pattern(20 * MIB as usize, 10);
    bucket.put_object("big", &changed[..]).unwrap();
    let result =
        resumable_download(&bucket, "big", &target2, download_options(dir.path(), 4)).unwrap();
    assert_eq!(result.parts_reused, 0);
    assert_eq!(std::fs::read(&target2).unwrap(), changed);
}

#[test]
fn resumable_download_through_503s_and_a_corrupting_network() {
    let (server, bucket) = setup("download-flaky", Some("seed=13,error503=0.1"), 10);
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(16 * MIB as usize, 11);
    bucket.put_object("big", &data[..]).unwrap();
    let target = dir.path().join("out");
    let result =
        resumable_download(&bucket, "big", &target, download_options(dir.path(), 4)).unwrap();
    server.emulator().faults().unwrap().set_enabled(false);
    assert_eq!(result.crc, checksum(&data));
    assert_eq!(std::fs::read(&target).unwrap(), data);

    // Every answer damaged: the combined CRC differs, and nothing reaches the target.
    let (_server, bucket) = setup("download-corrupt", Some("corrupt=1"), 1);
    bucket.put_object("big", &data[..]).unwrap();
    let target = dir.path().join("corrupt");
    let error =
        resumable_download(&bucket, "big", &target, download_options(dir.path(), 4)).unwrap_err();
    assert!(error.is_inconsistent(), "{error}");
    assert!(!target.exists());
    assert_eq!(files(dir.path()), ["out"]);
}

/// The child side of [`sigkill_midway_download_resumes_exactly`]: downloads the object to the
/// file the parent names until killed.
#[test]
fn crash_download_child() {
    let Ok(url) = std::env::var("OSS_NATIVE_CRASH_DOWNLOAD_CHILD") else {
        return;
    };
    let target = std::env::var("OSS_NATIVE_CRASH_FILE").unwrap();
    let dir = std::env::var("OSS_NATIVE_CRASH_DIR").unwrap();
    let bucket = Bucket::new(signer(), &url, "crash-download").unwrap();
    resumable_download(
        &bucket,
        "big",
        &target,
        download_options(Path::new(&dir), 4),
    )
    .unwrap();
}

#[test]
fn sigkill_midway_download_resumes_exactly() {
    const PARTS: usize = 32;
    // Every request waits a little, so that the child can be caught range by range.
    let (server, direct) = setup("crash-download", Some("latency_ms=25:1"), 3);
    let data = pattern(PARTS * MIB as usize, 12);
    server.emulator().faults().unwrap().set_enabled(false);
    direct.put_object("big", &data[..]).unwrap();
    server.emulator().faults().unwrap().set_enabled(true);
    let (url, ranges) = counting_relay(server.addr(), b"bytes=");
    let bucket = Bucket::new(signer(), &url, "crash-download").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");

    let mut last = 0;
    for kill_at in [2, 10, 18] {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_download_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("OSS_NATIVE_CRASH_DOWNLOAD_CHILD", &url)
            .env("OSS_NATIVE_CRASH_FILE", &target)
            .env("OSS_NATIVE_CRASH_DIR", dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while checkpointed(dir.path(), ".download.json") < kill_at {
            assert!(child.try_wait().unwrap().is_none(), "the child finished");
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the child hung"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let recorded = checkpointed(dir.path(), ".download.json");
        assert!(recorded >= last, "a resumed run lost recorded ranges");
        last = recorded;
        assert!(!target.exists(), "the target appears only when complete");
    }
    assert!(last < PARTS);

    // The last run, in this process: it asks for the ranges the checkpoint lacks, and no more.
    // Across the killed runs, a range was asked for again only when a kill caught it between
    // the file taking it and the checkpoint recording it: at most one per thread.
    let before = ranges.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        before >= last && before <= PARTS + 3 * 4,
        "{before} ranged GETs"
    );
    server.emulator().faults().unwrap().set_enabled(false);
    let result =
        resumable_download(&bucket, "big", &target, download_options(dir.path(), 4)).unwrap();
    assert_eq!(result.parts_reused as usize, last);
    assert_eq!(result.parts_downloaded as usize, PARTS - last);
    let after = ranges.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(after - before, PARTS - last);
    assert_eq!(result.crc, checksum(&data));
    assert!(std::fs::read(&target).unwrap() == data, "the bytes differ");
    assert_eq!(files(dir.path()), ["out"]);
    assert_eq!(checkpoints(dir.path()), 0);
}

/// A relay that lets the first CompleteMultipartUpload through but drops its answer: OSS
/// completed the object, the client never heard. Answers whether it has dropped one.
fn relay_losing_first_complete(
    upstream: std::net::SocketAddr,
) -> (String, Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dropped = Arc::new(AtomicBool::new(false));
    let done = dropped.clone();
    let url = relay(upstream, move || {
        let done = done.clone();
        move |chunk: &[u8]| {
            let line = chunk.split(|b| *b == b'\n').next().unwrap_or_default();
            let is_complete =
                line.starts_with(b"POST ") && line.windows(9).any(|w| w == b"uploadId=");
            is_complete && !done.swap(true, Ordering::SeqCst)
        }
    });
    (url, dropped)
}

/// A Complete whose answer is lost is sent again; OSS then answers NoSuchUpload (the upload
/// became the object), and the upload is accepted because the object has the parts' size
/// and CRC-64.
#[test]
fn a_complete_whose_answer_was_lost_is_recognised() {
    let (server, _) = setup("lost-complete", None, 3);
    let (url, dropped) = relay_losing_first_complete(server.addr());
    let client_options = Options {
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Options::default()
    };
    let bucket = Bucket::with_options(signer(), &url, "lost-complete", &client_options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(3 * MIB as usize + 77, 3);
    let path = source_file(dir.path(), "source", &data);
    let result = resumable_upload(&bucket, "k", &path, options(dir.path(), MIB, 2)).unwrap();
    assert!(
        dropped.load(std::sync::atomic::Ordering::SeqCst),
        "the relay never saw a Complete"
    );
    assert_eq!(result.parts_uploaded, 4);
    assert_eq!(result.result.crc, Some(checksum(&data)));
    assert_eq!(get(&bucket, "k"), data);
}
