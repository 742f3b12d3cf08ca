//! CRC-64 over 64 MiB (DESIGN.md §7: the std path must reach 90 % of crc64fast used directly).
//!
//! Run: `cargo bench -p oss-core --bench crc64`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oss_core::crc64::Crc64;

const LEN: usize = 64 << 20;

/// Incompressible, reproducible bytes, so no engine can profit from a pattern.
fn data() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..LEN / 8)
        .flat_map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()
        })
        .collect()
}

fn crc64(c: &mut Criterion) {
    let data = data();
    let mut group = c.benchmark_group("crc64 64MiB");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(LEN as u64));

    #[cfg(feature = "std")]
    group.bench_function("crc64fast direct", |b| {
        b.iter(|| {
            let mut digest = crc64fast::Digest::new();
            digest.write(black_box(&data));
            digest.sum64()
        })
    });
    group.bench_function("oss_core Crc64 (std path)", |b| {
        b.iter(|| {
            let mut crc = Crc64::new();
            crc.update(black_box(&data));
            crc.value()
        })
    });
    group.bench_function("oss_core Crc64 fallback", |b| {
        b.iter(|| {
            let mut crc = Crc64::new_fallback();
            crc.update(black_box(&data));
            crc.value()
        })
    });
    group.finish();
}

criterion_group!(benches, crc64);
criterion_main!(benches);
