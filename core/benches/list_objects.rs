//! Parsing a ListObjects page of 1000 entries (budget ≥ 200 MiB/s, DESIGN.md §7), next to a raw
//! quick-xml event loop over the same bytes (the floor any parser built on it pays).
//!
//! Run: `cargo bench -p oss-core --bench list_objects`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oss_core::ResponseHead;
use oss_core::ops::Operation;
use oss_core::ops::service::ListObjects;
use quick_xml::Reader;
use quick_xml::events::Event;

/// A realistic page: nested paths, dates, sizes, owners; every seventh key holds `&`, `<` or
/// `>`, which arrive XML-escaped.
fn page() -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>\n  <Name>examplebucket</Name>\n  \
         <Prefix>photos/</Prefix>\n  <Marker></Marker>\n  <MaxKeys>1000</MaxKeys>\n  <Delimiter></Delimiter>\n  \
         <IsTruncated>true</IsTruncated>\n  <NextMarker>photos/2024/12/31/IMG_0999.jpg</NextMarker>\n",
    );
    for i in 0..1000 {
        let name = match i % 7 {
            0 => format!(
                "photos/2024/{:02}/{:02}/Tom &amp; Jerry &lt;{i}&gt;.jpg",
                i % 12 + 1,
                i % 28 + 1
            ),
            _ => format!(
                "photos/2024/{:02}/{:02}/IMG_{i:04}.jpg",
                i % 12 + 1,
                i % 28 + 1
            ),
        };
        xml.push_str(&format!(
            "  <Contents>\n    <Key>{name}</Key>\n    <LastModified>2024-{:02}-{:02}T10:{:02}:{:02}.000Z</LastModified>\n    \
             <ETag>\"5B3C1A2E053D763E1B002CC607C5{i:04X}\"</ETag>\n    <Type>Normal</Type>\n    <Size>{}</Size>\n    \
             <StorageClass>Standard</StorageClass>\n    <Owner>\n      <ID>1047205513514293</ID>\n      \
             <DisplayName>1047205513514293</DisplayName>\n    </Owner>\n  </Contents>\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 60,
            (i * 7) % 60,
            100_000 + i * 37,
        ));
    }
    xml.push_str("</ListBucketResult>\n");
    xml.into_bytes()
}

fn bench(c: &mut Criterion) {
    let body = page();
    let head = ResponseHead::new(200).with_header("x-oss-request-id", "5C3D9778CC1C2AEDF85BC6C2");
    let op = ListObjects::new("examplebucket");
    assert_eq!(op.parse(&head, &body).unwrap().objects.len(), 1000);

    let mut group = c.benchmark_group("ListObjects 1000 keys");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("oss_core ListObjects::parse", |b| {
        b.iter(|| black_box(op.parse(&head, black_box(&body)).unwrap()))
    });
    group.bench_function("raw quick-xml events", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&body)).unwrap();
            let mut reader = Reader::from_str(text);
            let mut events = 0usize;
            loop {
                match reader.read_event().unwrap() {
                    Event::Eof => break,
                    _ => events += 1,
                }
            }
            black_box(events)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
