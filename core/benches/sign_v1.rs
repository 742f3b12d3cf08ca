//! V1-signing a PutObject request with three `x-oss-*` headers, Content-MD5 and Content-Type
//! (budget: ≤ 1.0 µs per signature, DESIGN.md §7). The request is built outside the timed part;
//! what is timed is `Signer::sign`: URL, Date, string-to-sign, HMAC-SHA1, base64, headers.

mod common;

use common::put_object;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let signer = Signer::v1(
        Credentials::new(
            "LTAI5tFakeAccessKeyId",
            "FakeAccessKeySecretForVectors0123456789",
        )
        .unwrap(),
    );
    let endpoint = Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap();
    let request = put_object();
    c.bench_function("v1 sign PutObject", |b| {
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
}

/// The floor: HMAC-SHA1 keyed from the secret, over the same string-to-sign, then base64 — what
/// any V1 signer must do at the least.
fn raw_hmac(c: &mut Criterion) {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit as _, Mac as _};
    let signer = Signer::v1(
        Credentials::new(
            "LTAI5tFakeAccessKeyId",
            "FakeAccessKeySecretForVectors0123456789",
        )
        .unwrap(),
    );
    let endpoint = Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap();
    let signed = signer.sign(put_object(), &endpoint, 1_700_000_000).unwrap();
    let string_to_sign = signed.string_to_sign.unwrap();
    c.bench_function("raw HMAC-SHA1 + base64 (same string-to-sign)", |b| {
        b.iter(|| {
            let mut mac =
                Hmac::<sha1::Sha1>::new_from_slice(b"FakeAccessKeySecretForVectors0123456789")
                    .unwrap();
            mac.update(black_box(string_to_sign.as_bytes()));
            black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
        })
    });
}

criterion_group!(benches, bench, raw_hmac);
criterion_main!(benches);
