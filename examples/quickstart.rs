//! Quickstart: sign a PutObject request and a presigned GET URL, and print them.
//!
//! The drivers that send requests arrive in later releases; this shows what the core hands them.
//! It uses demo credentials unless `OSS_ENDPOINT`, `OSS_BUCKET`, `OSS_ACCESS_KEY_ID`,
//! `OSS_ACCESS_KEY_SECRET` (and, for STS, `OSS_SECURITY_TOKEN`) are set.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use oss_sdk::request::{Body, Method, Request};
use oss_sdk::sign::Signer;
use oss_sdk::{Credentials, Endpoint, Error};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn main() -> Result<(), Error> {
    let endpoint = Endpoint::parse(&env_or(
        "OSS_ENDPOINT",
        "https://oss-cn-hangzhou.aliyuncs.com",
    ))?;
    let bucket = env_or("OSS_BUCKET", "examplebucket");
    let id = env_or("OSS_ACCESS_KEY_ID", "LTAI5tDemoAccessKeyId");
    let secret = env_or("OSS_ACCESS_KEY_SECRET", "DemoAccessKeySecret");
    let credentials = match std::env::var("OSS_SECURITY_TOKEN") {
        Ok(token) if !token.is_empty() => Credentials::sts(&id, &secret, &token)?,
        _ => Credentials::new(&id, &secret)?,
    };
    let signer = Signer::v1(credentials);
    // The core never reads a clock: the caller passes the time in.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);

    let body = b"Hello, OSS!\n".to_vec();
    let put = Request::object(Method::Put, &bucket, "quickstart/hello.txt")?
        .with_header("Content-Type", "text/plain")?
        .with_header("x-oss-meta-author", "oss-sdk")?
        .with_body(Body::Bytes(body));
    let signed = signer.sign(put, &endpoint, now)?;
    println!("Signed PutObject request:");
    println!("  {} {}", signed.method, signed.url);
    for (name, value) in signed.headers.iter() {
        // Real credentials may come from the environment: keep them out of terminal logs.
        let value = if oss_sdk::headers::is_sensitive(name) {
            "<redacted>"
        } else {
            value
        };
        println!("  {name}: {value}");
    }
    println!("  Content-Length: {}", signed.body.length().unwrap_or(0));

    let get = Request::object(Method::Get, &bucket, "quickstart/hello.txt")?.with_query(
        "response-content-disposition",
        Some("attachment; filename=\"hello.txt\""),
    );
    let presigned = signer.presign(get, &endpoint, now, 3600, false)?;
    println!();
    println!("Presigned GET URL, valid for an hour:");
    println!("  {}", presigned.url);
    Ok(())
}
