//! Where the end-to-end suite runs: the `oss-emulator` binary, started per test on a free
//! loopback port (and killed when the test ends), or any OSS endpoint named by
//! `OSS_TEST_ENDPOINT`, `OSS_TEST_ACCESS_KEY_ID`, `OSS_TEST_ACCESS_KEY_SECRET` and
//! `OSS_TEST_BUCKET`. Against an endpoint every test works under a key prefix of its own in the
//! given bucket and deletes what it made; what only the emulator can do (inject faults, accept
//! made-up STS keys, host several buckets) is skipped with a printed reason.
//!
//! `OSS_TEST_SIGNATURE_VERSION=v4` (or `v1`) chooses how every request is signed; unset, the
//! client decides (V4 when it knows the region: never on the emulator's loopback address, so
//! V1 there). With V4 on the emulator the region is the emulator's, `cn-hangzhou`;
//! `OSS_TEST_REGION` gives it for an endpoint that does not tell.

#![allow(dead_code)] // each suite uses its own subset

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use oss_native::{Bucket, Options, SignatureVersion, Signer, auth};

/// The emulator's built-in test key (what `oss-emulator` accepts without `--access-key-id`).
pub const EMULATOR_KEY_ID: &str = oss_emulator::DEFAULT_ACCESS_KEY_ID;
pub const EMULATOR_KEY_SECRET: &str = oss_emulator::DEFAULT_ACCESS_KEY_SECRET;

/// An endpoint, a bucket in it, and the key prefix this test owns.
pub struct Target {
    pub url: String,
    pub bucket_name: String,
    /// Every key this test makes starts with it (see [`Target::key`]).
    pub prefix: String,
    /// A bucket with default options.
    pub bucket: Bucket,
    key_id: String,
    key_secret: String,
    emulator: Option<EmulatorProcess>,
}

/// OSS_TEST_* when all four are set.
struct Remote {
    endpoint: String,
    key_id: String,
    key_secret: String,
    bucket: String,
}

fn remote() -> Option<&'static Remote> {
    static REMOTE: OnceLock<Option<Remote>> = OnceLock::new();
    REMOTE
        .get_or_init(|| {
            let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            Some(Remote {
                endpoint: var("OSS_TEST_ENDPOINT")?,
                key_id: var("OSS_TEST_ACCESS_KEY_ID")?,
                key_secret: var("OSS_TEST_ACCESS_KEY_SECRET")?,
                bucket: var("OSS_TEST_BUCKET")?,
            })
        })
        .as_ref()
}

/// `options` signing as OSS_TEST_SIGNATURE_VERSION says (see the module's text); options that
/// already choose keep their choice.
pub fn signing(mut options: Options) -> Options {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if options.signature_version.is_none() {
        options.signature_version = match var("OSS_TEST_SIGNATURE_VERSION").as_deref() {
            Some("v4") => Some(SignatureVersion::V4),
            Some("v1") => Some(SignatureVersion::V1),
            Some(other) => panic!("OSS_TEST_SIGNATURE_VERSION is v1 or v4, not {other:?}"),
            None => None,
        };
    }
    if options.region.is_none() && options.signature_version == Some(SignatureVersion::V4) {
        options.region = match remote() {
            None => Some("cn-hangzhou".to_string()),
            Some(_) => var("OSS_TEST_REGION"),
        };
    }
    options
}

/// The signature version the suite signs with.
pub fn signature_version() -> Option<SignatureVersion> {
    signing(Options::default()).signature_version
}

/// Whether the suite runs against the emulator (no OSS_TEST_* endpoint).
pub fn on_emulator() -> bool {
    remote().is_none()
}

/// Prints why a test does not run here, and says whether it should return.
pub fn skip_unless_emulator(test: &str, needs: &str) -> bool {
    if on_emulator() {
        return false;
    }
    println!("{test}: skipped: needs the emulator's {needs}");
    true
}

impl Target {
    /// A fresh emulator with a bucket named `test`, or the OSS_TEST_* bucket with a prefix of
    /// this test's own.
    pub fn new(test: &str) -> Target {
        Target::start(test, &[])
    }

    /// An emulator injecting `faults` (the spec of `oss-emulator --faults`) into requests
    /// about keys under [`Target::prefix`] only, so that the setup stays clean. None, with the
    /// reason printed, against an OSS endpoint.
    pub fn with_faults(test: &str, faults: &str) -> Option<Target> {
        if skip_unless_emulator(test, "faults") {
            return None;
        }
        let spec = format!("{faults},prefix={}", prefix_for(test));
        Some(Target::start(test, &["--faults", &spec]))
    }

    /// An emulator started with `args` besides `--listen` (None against an endpoint, with
    /// `needs` printed as the reason).
    pub fn emulator_with(test: &str, args: &[&str], needs: &str) -> Option<Target> {
        if skip_unless_emulator(test, needs) {
            return None;
        }
        Some(Target::start(test, args))
    }

    fn start(test: &str, args: &[&str]) -> Target {
        let prefix = prefix_for(test);
        let (url, bucket_name, key_id, key_secret, emulator) = match remote() {
            Some(r) => (
                r.endpoint.clone(),
                r.bucket.clone(),
                r.key_id.clone(),
                r.key_secret.clone(),
                None,
            ),
            None => {
                let process = EmulatorProcess::start(args);
                (
                    process.url.clone(),
                    test.to_string(),
                    EMULATOR_KEY_ID.to_string(),
                    EMULATOR_KEY_SECRET.to_string(),
                    Some(process),
                )
            }
        };
        let signer = auth(&key_id, &key_secret).unwrap();
        let bucket =
            Bucket::with_options(signer, &url, &bucket_name, &signing(Options::default())).unwrap();
        if emulator.is_some() {
            bucket.create_bucket(None, None).unwrap();
        }
        Target {
            url,
            bucket_name,
            prefix,
            bucket,
            key_id,
            key_secret,
            emulator,
        }
    }

    /// `name` under this test's prefix.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn signer(&self) -> Signer {
        auth(&self.key_id, &self.key_secret).unwrap()
    }

    /// The same bucket with other options (retries, timeouts, CRC checks …).
    pub fn bucket_with(&self, options: &Options) -> Bucket {
        let options = signing(options.clone());
        Bucket::with_options(self.signer(), &self.url, &self.bucket_name, &options).unwrap()
    }

    /// Another bucket on the same endpoint and key.
    pub fn other_bucket(&self, name: &str) -> Bucket {
        Bucket::with_options(self.signer(), &self.url, name, &signing(Options::default())).unwrap()
    }

    /// The emulator's address (None against an endpoint).
    pub fn emulator_addr(&self) -> Option<std::net::SocketAddr> {
        let url = &self.emulator.as_ref()?.url;
        url.strip_prefix("http://")?.parse().ok()
    }

    /// Deletes what this test left under its prefix (objects and uploads in progress).
    fn clean_up(&self) -> Result<(), oss_native::Error> {
        let keys: Vec<String> = self
            .bucket
            .object_iter(&self.prefix, "", "", 1000)
            .map(|e| e.map(|e| e.key().to_string()))
            .collect::<Result<_, _>>()?;
        for batch in keys.chunks(1000) {
            self.bucket.batch_delete_objects(batch)?;
        }
        for upload in self.bucket.multipart_upload_iter(&self.prefix, 1000) {
            let upload = upload?;
            self.bucket
                .abort_multipart_upload(&upload.key, &upload.upload_id)?;
        }
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if self.emulator.is_none()
            && let Err(e) = self.clean_up()
        {
            eprintln!("clean-up of {} failed: {e}", self.prefix);
        }
    }
}

/// `TEST/` on the emulator (one bucket per test already); on OSS, unique per run as well.
fn prefix_for(test: &str) -> String {
    match remote() {
        None => format!("{test}/"),
        Some(_) => {
            static RUN: OnceLock<String> = OnceLock::new();
            let run = RUN.get_or_init(|| {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                format!("{nanos:x}-{}", std::process::id())
            });
            format!("oss-sdk-e2e/{run}/{test}/")
        }
    }
}

/// The `oss-emulator` binary as a child process, killed when dropped.
pub struct EmulatorProcess {
    child: Child,
    pub url: String,
}

impl EmulatorProcess {
    pub fn start(args: &[&str]) -> EmulatorProcess {
        let mut child = Command::new(emulator_binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start oss-emulator");
        // Its first line says where it listens (`listening on http://ADDR`), once it does.
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                let _ = child.kill();
                let mut rest = String::new();
                let _ = child.stdout.take().unwrap().read_to_string(&mut rest);
                panic!("oss-emulator {args:?} said {line:?} {rest:?}")
            })
            .to_string();
        EmulatorProcess { child, url }
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `target/<profile>/oss-emulator`, beside the directory of this test executable. Built first
/// (once per test binary, with `$CARGO build -p oss-emulator`) when it is missing — `cargo test
/// -p oss-sdk` alone does not build it — or older than a source it is made of; `cargo test
/// --workspace` builds it fresh itself. `OSS_EMULATOR_BIN` names another one.
pub fn emulator_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("OSS_EMULATOR_BIN") {
                return path.into();
            }
            let exe = std::env::current_exe().unwrap();
            // target/<profile>/deps/<test>-<hash>
            let profile_dir = exe.parent().and_then(Path::parent).unwrap();
            let target_dir = profile_dir.parent().unwrap();
            let binary = profile_dir.join(format!("oss-emulator{}", std::env::consts::EXE_SUFFIX));
            let built_at = std::fs::metadata(&binary).and_then(|m| m.modified()).ok();
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let sources = ["emulator", "core"]
                .iter()
                .flat_map(|dir| {
                    [
                        root.join(dir).join("src"),
                        root.join(dir).join("Cargo.toml"),
                    ]
                })
                .chain([root.join("Cargo.lock")]);
            let stale = match built_at {
                None => true,
                Some(built_at) => sources.into_iter().any(|p| newer_than(&p, built_at)),
            };
            if stale {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
                let mut build = Command::new(cargo);
                build
                    .args([
                        "build",
                        "--quiet",
                        "-p",
                        "oss-emulator",
                        "--bin",
                        "oss-emulator",
                    ])
                    .arg("--target-dir")
                    .arg(target_dir)
                    .current_dir(root);
                if profile_dir.file_name().is_some_and(|n| n == "release") {
                    build.arg("--release");
                }
                let built = build.status().is_ok_and(|s| s.success());
                assert!(built, "could not build {}", binary.display());
            }
            binary
        })
        .clone()
}

/// Whether `path` (a file, or any file under a directory) changed after `time`.
fn newer_than(path: &Path, time: std::time::SystemTime) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    if metadata.is_dir() {
        return std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| newer_than(&entry.path(), time));
    }
    metadata.modified().is_ok_and(|m| m > time)
}

/// Bytes that differ from position to position (and with `salt`), so a misplaced chunk shows.
pub fn pattern(length: usize, salt: u8) -> Vec<u8> {
    (0..length)
        .map(|i| ((i.wrapping_mul(2_654_435_761) >> 13) as u8) ^ salt)
        .collect()
}

/// The whole object, read through the streaming download (CRC checked at the end).
pub fn get(bucket: &Bucket, key: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    bucket
        .get_object(key)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}
