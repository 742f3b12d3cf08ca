//! Quickstart: the README's main job, on oss-native.
//!
//! With no `OSS_ENDPOINT` it starts the emulator in this process on loopback and works on a
//! bucket of its own; with `OSS_ENDPOINT`, `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET` and
//! `OSS_BUCKET` (and `OSS_SECURITY_TOKEN` for STS) it works in that bucket, under the prefix
//! `oss-sdk-quickstart/`, and removes what it wrote. It uploads, downloads a range, lists page
//! by page, uploads a generated 256 MiB file (`OSS_QUICKSTART_MIB` changes the size) with
//! `resumable_upload` behind a progress bar, fetches a presigned URL with a plain HTTP client,
//! and cleans up.
//!
//! ```text
//! cargo run --release --example quickstart
//! ```

use std::error::Error as StdError;
use std::fs::File;
use std::io::{BufWriter, Read as _, Write as _};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use oss_emulator::store::MemoryStore;
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Server};
use oss_native::oss_core::crc64::Crc64;
use oss_native::oss_core::request::Method;
use oss_native::{Bucket, Headers, ListEntry, ResumableOptions, Signer, resumable_upload};

type Result<T> = std::result::Result<T, Box<dyn StdError>>;

const PREFIX: &str = "oss-sdk-quickstart/";

/// Where the quickstart works: a real endpoint from the environment, or the emulator.
struct Target {
    endpoint: String,
    signer: Signer,
    bucket: String,
    /// Keeps the in-process emulator serving until the end; None for a real endpoint.
    emulator: Option<Server>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn target() -> Result<Target> {
    if let Some(endpoint) = env("OSS_ENDPOINT") {
        let need = |name: &str| env(name).ok_or(format!("OSS_ENDPOINT is set, {name} is not"));
        let (id, secret) = (need("OSS_ACCESS_KEY_ID")?, need("OSS_ACCESS_KEY_SECRET")?);
        let signer = match env("OSS_SECURITY_TOKEN") {
            Some(token) => oss_native::sts_auth(&id, &secret, &token)?,
            None => oss_native::auth(&id, &secret)?,
        };
        return Ok(Target {
            endpoint,
            signer,
            bucket: need("OSS_BUCKET")?,
            emulator: None,
        });
    }
    let server = Server::start(Emulator::new(MemoryStore::new()), "127.0.0.1:0")?;
    Ok(Target {
        endpoint: server.url(),
        signer: oss_native::auth(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)?,
        bucket: format!("oss-sdk-quickstart-{}", std::process::id()),
        emulator: Some(server),
    })
}

fn main() -> Result<()> {
    let target = target()?;
    let bucket = Bucket::new(target.signer, &target.endpoint, &target.bucket)?;
    match &target.emulator {
        Some(server) => {
            println!(
                "emulator    listening on {} (in this process)",
                server.url()
            );
            bucket.create_bucket(None, None)?;
            println!("bucket      created {}", target.bucket);
        }
        None => println!("endpoint    {} bucket {}", target.endpoint, target.bucket),
    }

    let outcome = run(&bucket);
    // Clean up whatever happened above, then report the first failure.
    let cleaned = clean_up(&bucket, target.emulator.is_some());
    outcome.and(cleaned)
}

fn run(bucket: &Bucket) -> Result<()> {
    // A small object, and one range of it.
    let hello = format!("{PREFIX}hello.txt");
    let mut headers = Headers::new();
    headers.insert("Content-Type", "text/plain; charset=utf-8")?;
    let put = bucket.put_object_with_headers(&hello, "Hello, OSS!\n", headers)?;
    println!(
        "put         {hello} (12 bytes, ETag {}, CRC-64 checked)",
        put.etag.unwrap_or_default()
    );
    let mut range = String::new();
    bucket
        .get_object_with(&hello, Some((Some(0), Some(4))), Headers::new(), None)?
        .stream
        .read_to_string(&mut range)?;
    println!("get range   bytes 0-4 of {hello}: {range:?}");

    // Listing, ten keys per page.
    for i in 0..25 {
        bucket.put_object(&format!("{PREFIX}list/{i:02}"), format!("object {i}"))?;
    }
    let (mut pages, mut marker, mut keys) = (0, String::new(), 0);
    loop {
        let page = bucket.list_objects(&format!("{PREFIX}list/"), "", &marker, 10)?;
        pages += 1;
        keys += page.objects.len();
        if !page.is_truncated {
            break;
        }
        marker = page.next_marker;
    }
    println!("list        {keys} keys under {PREFIX}list/ in {pages} pages of at most 10");

    // A large file through resumable_upload: parts in parallel, a checkpoint, the object's
    // CRC-64 combined from the parts' and compared with the server's.
    let mib: u64 = env("OSS_QUICKSTART_MIB").map_or(Ok(256), |v| v.parse())?;
    let dir = std::env::temp_dir().join(format!("oss-sdk-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("large.bin");
    let local_crc = generate(&path, mib << 20)?;
    let bar = ProgressBar::new(mib << 20).with_style(ProgressStyle::with_template(
        "upload      [{bar:40}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
    )?);
    let bar_handle = bar.clone();
    let started = Instant::now();
    let large = format!("{PREFIX}large.bin");
    let uploaded = resumable_upload(
        bucket,
        &large,
        &path,
        ResumableOptions {
            checkpoint_dir: Some(dir.join("checkpoints")),
            progress: Some(Box::new(move |done, _| bar_handle.set_position(done))),
            ..ResumableOptions::default()
        },
    );
    bar.finish_and_clear();
    let removed = std::fs::remove_dir_all(&dir);
    let uploaded = uploaded?;
    removed?;
    let seconds = started.elapsed().as_secs_f64();
    if uploaded.result.crc != Some(local_crc) {
        return Err(format!("OSS computed CRC-64 {:?}", uploaded.result.crc).into());
    }
    println!(
        "upload      {large}: {mib} MiB in {} parts of {} MiB, {seconds:.1} s ({:.0} MiB/s), CRC-64 {local_crc:016x} as computed locally",
        uploaded.parts_uploaded,
        uploaded.part_size >> 20,
        mib as f64 / seconds,
    );

    // A presigned URL, fetched by a client that knows nothing of OSS.
    let url = bucket.sign_url(Method::Get, &hello, 300, Headers::new(), Vec::new(), false)?;
    let fetched = ureq::get(&url.url).call()?.body_mut().read_to_string()?;
    if fetched != "Hello, OSS!\n" {
        return Err(format!("the presigned URL answered {fetched:?}").into());
    }
    println!("presigned   GET {hello} through a URL valid for 300 s: {fetched:?}");
    Ok(())
}

/// Writes `length` reproducible bytes to `path` and returns their CRC-64.
fn generate(path: &Path, length: u64) -> Result<u64> {
    let mut file = BufWriter::new(File::create(path)?);
    let mut crc = Crc64::new();
    let mut block = vec![0u8; 1 << 20];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut written = 0;
    while written < length {
        for chunk in block.chunks_exact_mut(8) {
            // xorshift64: cheap bytes that do not repeat from one MiB to the next.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let take = block.len().min((length - written) as usize);
        file.write_all(&block[..take])?;
        crc.update(&block[..take]);
        written += take as u64;
    }
    file.flush()?;
    Ok(crc.value())
}

/// Deletes every object under the prefix, and the bucket when the quickstart created it.
fn clean_up(bucket: &Bucket, delete_bucket: bool) -> Result<()> {
    let mut keys = Vec::new();
    for entry in bucket.object_iter(PREFIX, "", "", 100) {
        if let ListEntry::Object(object) = entry? {
            keys.push(object.key);
        }
    }
    for batch in keys.chunks(1000) {
        bucket.batch_delete_objects(batch)?;
    }
    print!("clean up    deleted {} objects", keys.len());
    if delete_bucket {
        bucket.delete_bucket()?;
        print!(" and the bucket");
    }
    println!();
    Ok(())
}
