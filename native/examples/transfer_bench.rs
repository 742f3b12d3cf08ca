//! One timed transfer through `oss-native`, for `scripts/bench-native-vs-oss2.sh` and
//! `scripts/bench-resumable-503.sh` (its Python twin is `scripts/bench_oss2.py`). One process
//! per measurement, so that the peak RSS printed is that transfer's alone.
//!
//! ```text
//! transfer_bench put KEY FILE                  put_object_from_file (one streaming PUT)
//! transfer_bench get KEY FILE                  get_object_to_file
//! transfer_bench resumable-upload KEY FILE     resumable_upload (multipart, parallel)
//! transfer_bench resumable-download KEY FILE   resumable_download (parallel ranges)
//! transfer_bench create-bucket                 creates OSS_BUCKET (private)
//! transfer_bench head KEY                      prints the object's size and CRC-64
//! transfer_bench crc64 FILE                    prints the CRC-64 of a local file
//! ```
//!
//! Environment: `OSS_ENDPOINT`, `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`, `OSS_BUCKET`;
//! `BENCH_PART_MIB` (10) and `BENCH_THREADS` (4) for the resumable transfers, whose
//! thresholds are set to one part so that they always go multipart; `BENCH_CHECKPOINT_DIR`;
//! `BENCH_RETRY_ATTEMPTS` (the driver's default, 3) with `BENCH_RETRY_BASE_MS` (100) and
//! `BENCH_RETRY_MAX_MS` (5000); `BENCH_CALLS` (1): how many times `resumable-upload` calls
//! `resumable_upload` before giving up, each call resuming from the checkpoint of the last;
//! `BENCH_RELAY=1` sends the requests through a relay in this process that counts the
//! answers' status lines (how many 503s the driver met and retried).
//!
//! Prints one line, `result op=.. bytes=.. secs=.. mib_s=.. peak_rss_kib=.. cpu_secs=..`
//! (plus `crc64=..` for uploads, as the server answered it, and the relay's counts).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oss_native::oss_core::crc64::Crc64;
use oss_native::{
    Bucket, Headers, Options, ResumableDownloadOptions, ResumableOptions, RetryPolicy, auth,
    resumable_download, resumable_upload,
};

type Failure = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("transfer_bench: {e}");
        std::process::exit(1);
    }
}

fn env(name: &str) -> Result<String, Failure> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

fn env_number(name: &str, default: u64) -> Result<u64, Failure> {
    match std::env::var(name) {
        Ok(value) => Ok(value
            .parse()
            .map_err(|_| format!("{name}={value}: not a number"))?),
        Err(_) => Ok(default),
    }
}

fn run() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> Result<&str, Failure> {
        args.get(i)
            .map(String::as_str)
            .ok_or_else(|| "missing arguments (see the header of transfer_bench.rs)".into())
    };
    let op = arg(0)?;
    if op == "crc64" {
        println!("{}", file_crc64(Path::new(arg(1)?))?);
        return Ok(());
    }

    let mut endpoint = env("OSS_ENDPOINT")?;
    let relay = if std::env::var("BENCH_RELAY").is_ok_and(|v| v == "1") {
        let relay = Relay::start(&endpoint)?;
        endpoint = relay.url.clone();
        Some(relay)
    } else {
        None
    };
    let defaults = RetryPolicy::default();
    let options = Options {
        retry: RetryPolicy {
            max_attempts: env_number("BENCH_RETRY_ATTEMPTS", u64::from(defaults.max_attempts))?
                as u32,
            base_delay: Duration::from_millis(env_number(
                "BENCH_RETRY_BASE_MS",
                defaults.base_delay.as_millis() as u64,
            )?),
            max_delay: Duration::from_millis(env_number(
                "BENCH_RETRY_MAX_MS",
                defaults.max_delay.as_millis() as u64,
            )?),
        },
        ..Options::default()
    };
    let signer = auth(&env("OSS_ACCESS_KEY_ID")?, &env("OSS_ACCESS_KEY_SECRET")?)?;
    let bucket = Bucket::with_options(signer, &endpoint, &env("OSS_BUCKET")?, &options)?;
    let part_size = env_number("BENCH_PART_MIB", 10)? << 20;
    let threads = env_number("BENCH_THREADS", 4)? as usize;
    let checkpoint_dir = std::env::var("BENCH_CHECKPOINT_DIR")
        .ok()
        .map(PathBuf::from);

    let started = Instant::now();
    let cpu_before = cpu_seconds()?;
    // Bytes, the CRC-64 the server answered for an upload, and for a resumable upload the
    // calls it took and the parts sent and reused by the last call.
    let (bytes, crc, calls) = match op {
        "create-bucket" => {
            bucket.create_bucket(None, None)?;
            return Ok(());
        }
        "head" => {
            let info = bucket.head_object(arg(1)?)?;
            println!(
                "size={} crc64={}",
                info.content_length.unwrap_or(0),
                info.server_crc
                    .map_or("none".to_string(), |c| c.to_string())
            );
            return Ok(());
        }
        "put" => {
            let file = Path::new(arg(2)?);
            let result = bucket.put_object_from_file(arg(1)?, file, Headers::new(), None)?;
            (std::fs::metadata(file)?.len(), result.crc, None)
        }
        "get" => {
            let info = bucket.get_object_to_file(arg(1)?, arg(2)?, None, None)?;
            (info.content_length.unwrap_or(0), None, None)
        }
        "resumable-upload" => {
            let file = Path::new(arg(2)?);
            let most = env_number("BENCH_CALLS", 1)?.max(1);
            let mut calls = 0;
            let result = loop {
                calls += 1;
                let options = ResumableOptions {
                    multipart_threshold: part_size,
                    part_size,
                    num_threads: threads,
                    checkpoint_dir: checkpoint_dir.clone(),
                    ..ResumableOptions::default()
                };
                match resumable_upload(&bucket, arg(1)?, file, options) {
                    Ok(result) => break result,
                    Err(e) if calls < most => {
                        eprintln!("transfer_bench: resumable_upload call {calls} failed: {e}");
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            let parts = (result.parts_uploaded, result.parts_reused);
            (
                std::fs::metadata(file)?.len(),
                result.result.crc,
                Some((calls, parts)),
            )
        }
        "resumable-download" => {
            let options = ResumableDownloadOptions {
                multiget_threshold: part_size,
                part_size,
                num_threads: threads,
                checkpoint_dir,
                progress: None,
            };
            let result = resumable_download(&bucket, arg(1)?, arg(2)?, options)?;
            (result.info.content_length.unwrap_or(0), None, None)
        }
        _ => return Err(format!("unknown operation {op:?}").into()),
    };
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds()? - cpu_before;

    let mut line = format!(
        "result op={op} bytes={bytes} secs={secs:.3} mib_s={:.1} peak_rss_kib={} cpu_secs={cpu:.2}",
        bytes as f64 / (1 << 20) as f64 / secs,
        peak_rss_kib()?,
    );
    if let Some(crc) = crc {
        line.push_str(&format!(" crc64={crc}"));
    }
    if let Some((calls, (uploaded, reused))) = calls {
        line.push_str(&format!(
            " calls={calls} last_call_parts_uploaded={uploaded} last_call_parts_reused={reused}"
        ));
    }
    if let Some(relay) = &relay {
        line.push_str(&format!(
            " responses={} status_503={}",
            relay.responses.load(Ordering::SeqCst),
            relay.unavailable.load(Ordering::SeqCst)
        ));
    }
    println!("{line}");
    Ok(())
}

fn file_crc64(path: &Path) -> Result<u64, Failure> {
    let mut file = std::fs::File::open(path)?;
    let mut crc = Crc64::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(crc.value());
        }
        crc.update(&buffer[..n]);
    }
}

/// `VmHWM` of this process: the peak resident set, in KiB.
fn peak_rss_kib() -> Result<u64, Failure> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".into())
}

/// User and system CPU time of the whole process (all its threads), from `/proc/self/stat`,
/// in clock ticks of 1/100 s (USER_HZ on Linux).
fn cpu_seconds() -> Result<f64, Failure> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("unreadable /proc/self/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the command come the state (field 3) and so on; utime and stime are 14 and 15.
    let ticks = |i: usize| -> Result<f64, Failure> {
        Ok(fields
            .get(i - 3)
            .ok_or("short /proc/self/stat")?
            .parse::<f64>()?)
    };
    Ok((ticks(14)? + ticks(15)?) / 100.0)
}

/// A TCP relay in front of the endpoint that counts the HTTP status lines coming back, and
/// the 503s among them. Request bytes go through untouched.
struct Relay {
    url: String,
    responses: Arc<AtomicU64>,
    unavailable: Arc<AtomicU64>,
}

impl Relay {
    fn start(endpoint: &str) -> Result<Relay, Failure> {
        let upstream = endpoint
            .strip_prefix("http://")
            .ok_or("the relay needs an http:// endpoint")?
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let responses = Arc::new(AtomicU64::new(0));
        let unavailable = Arc::new(AtomicU64::new(0));
        let counts = (responses.clone(), unavailable.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (Ok(client_read), Ok(server_write)) = (client.try_clone(), server.try_clone())
                else {
                    continue;
                };
                std::thread::spawn(move || pump(client_read, server_write, None));
                let counts = (counts.0.clone(), counts.1.clone());
                std::thread::spawn(move || pump(server, client, Some(counts)));
            }
        });
        Ok(Relay {
            url,
            responses,
            unavailable,
        })
    }
}

/// Copies `from` into `to` until `from` ends, then ends `to`; with `counts`, counts the
/// `HTTP/1.1 NNN` status lines passing (answers to uploads are small, so object bytes that
/// happen to look like one are not a concern here).
fn pump(mut from: TcpStream, mut to: TcpStream, counts: Option<(Arc<AtomicU64>, Arc<AtomicU64>)>) {
    const STATUS: &[u8] = b"HTTP/1.1 ";
    let mut buffer = vec![0u8; 64 * 1024];
    // The end of the previous read that could start a status line cut by the read boundary.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&buffer[..n]).is_err() {
            break;
        }
        if let Some((responses, unavailable)) = &counts {
            carry.extend_from_slice(&buffer[..n]);
            let whole = STATUS.len() + 3;
            let mut at = 0;
            while at + whole <= carry.len() {
                if carry[at..].starts_with(STATUS) {
                    responses.fetch_add(1, Ordering::SeqCst);
                    if &carry[at + STATUS.len()..at + whole] == b"503" {
                        unavailable.fetch_add(1, Ordering::SeqCst);
                    }
                    at += whole;
                } else {
                    at += 1;
                }
            }
            carry.drain(..at);
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}
