//! V4-signing a PutObject request (budget: ≤ 3 µs per signature, issue 7; reqsign measured
//! 12.6 µs here). The request is built outside the timed part; what is timed is `Signer::sign`:
//! URL, x-oss-date, canonical request, SHA-256, the cached signing key, HMAC-SHA256, hex.
//! A second benchmark derives the signing key every time (a new day, region or secret).

mod common;

use common::put_object;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use oss_core::sign::{Signer, v4};
use oss_core::{Credentials, Endpoint};
use std::hint::black_box;

const SECRET: &str = "FakeAccessKeySecretForVectors0123456789";

fn bench(c: &mut Criterion) {
    let signer = Signer::v4(Credentials::new("LTAI5tFakeAccessKeyId", SECRET).unwrap())
        .with_region("cn-hangzhou");
    let endpoint = Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap();
    let request = put_object();
    c.bench_function("v4 sign PutObject", |b| {
        b.iter_batched(
            || request.clone(),
            |request| {
                black_box(
                    signer
                        .sign(request, &endpoint, black_box(1_700_000_000))
                        .unwrap(),
                )
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("v4 signing key (uncached)", |b| {
        b.iter(|| {
            black_box(v4::signing_key(
                black_box(SECRET),
                "20231114",
                "cn-hangzhou",
                v4::PRODUCT_OSS,
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
