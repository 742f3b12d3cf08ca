//! `oss-emulator`: the emulator as an HTTP server on loopback.
//!
//! Prints `listening on http://ADDR` as its first line, then the access key id(s) it accepts
//! (and the secret, when it is the built-in test pair), so scripts can start it on port 0 and
//! read where it went.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use oss_emulator::store::{DirStore, MemoryStore};
use oss_emulator::{AccessKey, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Faults};

const USAGE: &str = "\
usage: oss-emulator [options]

  --listen ADDR               where to listen (default 127.0.0.1:0: loopback, a free port)
  --data-dir DIR              keep buckets and objects in DIR (survives restarts);
                              without it everything is in memory
  --region R                  the region buckets are created in (default cn-hangzhou)
  --access-key-id ID          accept this key (with --access-key-secret) instead of the
  --access-key-secret SECRET  built-in test pair
  --config FILE               JSON: {\"access_keys\": [{\"id\": .., \"secret\": .., \"security_token\": ..}]}
                              (several keys; a key with a security_token is an STS key)
  --domain D                  also serve virtual-hosted requests for BUCKET.D
  --faults SPEC               inject faults, e.g. seed=7,error500=0.05,error503=0.05,skew=0.01,
                              reset_after=65536:0.02,latency_ms=50:0.1,corrupt=0.01;
                              prefix=P limits them to keys (and listings) under P
  -h, --help                  this text
";

#[derive(Default)]
struct Options {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    region: Option<String>,
    key_id: Option<String>,
    key_secret: Option<String>,
    config: Option<PathBuf>,
    domains: Vec<String>,
    faults: Option<String>,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => options.listen = Some(value()?),
            "--data-dir" => options.data_dir = Some(value()?.into()),
            "--region" => options.region = Some(value()?),
            "--access-key-id" => options.key_id = Some(value()?),
            "--access-key-secret" => options.key_secret = Some(value()?),
            "--config" => options.config = Some(value()?.into()),
            "--domain" => options.domains.push(value()?),
            "--faults" => options.faults = Some(value()?),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(options)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    access_keys: Vec<ConfigKey>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigKey {
    id: String,
    secret: String,
    #[serde(default)]
    security_token: Option<String>,
}

/// The keys to accept, and whether they are the built-in test pair.
fn access_keys(options: &Options) -> Result<(Vec<AccessKey>, bool), String> {
    let mut keys = Vec::new();
    match (&options.key_id, &options.key_secret) {
        (Some(id), Some(secret)) => keys.push(AccessKey::new(id, secret)),
        (None, None) => {}
        _ => return Err("--access-key-id and --access-key-secret go together".into()),
    }
    if let Some(path) = &options.config {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: ConfigFile =
            serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for key in config.access_keys {
            keys.push(match &key.security_token {
                Some(token) => AccessKey::sts(&key.id, &key.secret, token),
                None => AccessKey::new(&key.id, &key.secret),
            });
        }
    }
    if keys.is_empty() {
        return Ok((
            vec![AccessKey::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            )],
            true,
        ));
    }
    Ok((keys, false))
}

fn run(options: Options) -> Result<(), String> {
    let (keys, default_keys) = access_keys(&options)?;
    let mut emulator = match &options.data_dir {
        Some(dir) => Emulator::new(
            DirStore::open(dir).map_err(|e| format!("--data-dir {}: {e}", dir.display()))?,
        ),
        None => Emulator::new(MemoryStore::new()),
    }
    .with_keys(keys);
    if let Some(region) = &options.region {
        emulator = emulator.with_region(region);
    }
    for domain in &options.domains {
        emulator = emulator.with_domain(domain);
    }
    if let Some(spec) = &options.faults {
        emulator = emulator.with_faults(Faults::parse(spec).map_err(|e| format!("--faults: {e}"))?);
    }
    let listen = options.listen.as_deref().unwrap_or("127.0.0.1:0");
    let listener =
        std::net::TcpListener::bind(listen).map_err(|e| format!("--listen {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{addr}");
    for key in emulator.keys() {
        let _ = writeln!(out, "access key id: {}", key.id);
    }
    if default_keys {
        let _ = writeln!(out, "access key secret: {DEFAULT_ACCESS_KEY_SECRET}");
    }
    let _ = out.flush();
    drop(out);
    eprintln!(
        "oss-emulator: region {}, {}{}",
        emulator.region(),
        options
            .data_dir
            .as_ref()
            .map_or("objects in memory".to_string(), |d| format!(
                "data in {}",
                d.display()
            )),
        emulator
            .faults()
            .map_or(String::new(), |f| format!(", faults {}", f.config()))
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime
        .block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            oss_emulator::server::serve(Arc::new(emulator), listener).await
        })
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("oss-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("oss-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}
