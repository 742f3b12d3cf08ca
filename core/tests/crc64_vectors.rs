//! CRC-64 conformance: every record of `crc64.json` (produced by oss2) through both engines.
//!
//! The "std path" is [`Crc64::new`] (crc64fast when the `std` feature is on), the "fallback" is
//! [`Crc64::new_fallback`] (the portable table engine). Each record is checked once per path.
//! `parts` records and the `combine` records without data exercise only `combine` and
//! `object_crc_from_parts`, which do not depend on the engine; they still count once per path
//! so that the total is plainly records × paths.

mod common;

use oss_core::crc64::{self, Crc64};
use oss_core::error::{DecodeError, Error, InconsistentError};
use serde_json::Value;

const FILE: &str = "crc64.json";
const GROUPS: [&str; 4] = ["data", "init_crc", "combine", "parts"];

#[derive(Clone, Copy)]
struct Path {
    name: &'static str,
    with_init: fn(u64) -> Crc64,
}

fn paths() -> [Path; 2] {
    [
        Path {
            name: "std path",
            with_init: Crc64::with_init,
        },
        Path {
            name: "fallback",
            with_init: Crc64::with_init_fallback,
        },
    ]
}

fn crc_whole(path: Path, init: u64, data: &[u8]) -> u64 {
    let mut crc = (path.with_init)(init);
    crc.update(data);
    crc.value()
}

/// Feeds `data` in pieces, reading the value between pieces (reading must not disturb hashing).
fn crc_pieces(path: Path, init: u64, data: &[u8], pieces: &[usize]) -> u64 {
    let mut crc = (path.with_init)(init);
    let mut rest = data;
    for &len in pieces.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(len.min(rest.len()));
        crc.update(head);
        let _ = crc.value();
        rest = tail;
    }
    crc.value()
}

/// Uneven ways to cut `data`: single cuts near the start, middle and end, and repeating chunk
/// sizes around the 16-byte block of the table engine (byte by byte only for small inputs).
fn splits(len: usize) -> Vec<Vec<usize>> {
    let mut ways: Vec<Vec<usize>> = [1, 7, 15, 16, 17, len / 3, len / 2, len.saturating_sub(1)]
        .into_iter()
        .filter(|&cut| cut > 0 && cut < len)
        .map(|cut| vec![cut, len - cut])
        .collect();
    ways.push(vec![3, 29, 16, 1, 100, 8191]);
    ways.push(vec![65_537, 13]);
    if len <= 10_000 {
        ways.push(vec![1]);
    }
    ways
}

fn data_of(record: &Value) -> Vec<u8> {
    if record.get("data_b64").is_some() {
        common::b64(record, "data_b64")
    } else {
        let byte =
            u8::try_from(common::u64_of(record, "repeat_byte")).expect("repeat_byte is a byte");
        let len = usize::try_from(common::u64_of(record, "len")).expect("len fits in usize");
        vec![byte; len]
    }
}

/// One record on one path; `Err` says what differed.
fn check_record(group: &str, record: &Value, path: Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut expect = |what: String, got: u64, want: u64| {
        if got != want {
            problems.push(format!("{what}: got {got}, want {want}"));
        }
    };
    match group {
        "data" => {
            let data = data_of(record);
            let want = common::u64_of(record, "crc64");
            assert_eq!(
                data.len() as u64,
                common::u64_of(record, "len"),
                "len of {record}"
            );
            assert_eq!(common::str_of(record, "crc64_str"), want.to_string());
            expect("whole".into(), crc_whole(path, 0, &data), want);
            for pieces in splits(data.len()) {
                expect(
                    format!("pieces {pieces:?}"),
                    crc_pieces(path, 0, &data, &pieces),
                    want,
                );
            }
            if path.name == "std path" {
                expect("checksum()".into(), crc64::checksum(&data), want);
            }
        }
        "init_crc" => {
            let init = common::u64_of(record, "init_crc");
            let data = common::b64(record, "data_b64");
            let prefix = common::b64(record, "prefix_b64");
            let want = common::u64_of(record, "crc64");
            expect("crc(prefix)".into(), crc_whole(path, 0, &prefix), init);
            expect("with_init".into(), crc_whole(path, init, &data), want);
            for pieces in splits(data.len()) {
                expect(
                    format!("with_init, pieces {pieces:?}"),
                    crc_pieces(path, init, &data, &pieces),
                    want,
                );
            }
            let whole: Vec<u8> = prefix.iter().chain(&data).copied().collect();
            expect(
                "crc(prefix ‖ data)".into(),
                crc_whole(path, 0, &whole),
                want,
            );
            expect(
                "combine(init, crc(data), len)".into(),
                crc64::combine(init, crc_whole(path, 0, &data), data.len() as u64),
                want,
            );
        }
        "combine" => {
            let crc1 = common::u64_of(record, "crc1");
            let crc2 = common::u64_of(record, "crc2");
            let len2 = common::u64_of(record, "len2");
            let want = common::u64_of(record, "combined");
            assert_eq!(common::str_of(record, "combined_str"), want.to_string());
            expect("combine".into(), crc64::combine(crc1, crc2, len2), want);
            if record.get("a_b64").is_some() {
                let a = common::b64(record, "a_b64");
                expect("crc(a)".into(), crc_whole(path, 0, &a), crc1);
            }
            if record.get("b_b64").is_some() {
                let b = common::b64(record, "b_b64");
                assert_eq!(b.len() as u64, len2, "len2 of {record}");
                expect("crc(b)".into(), crc_whole(path, 0, &b), crc2);
                expect(
                    "with_init(crc1) over b".into(),
                    crc_whole(path, crc1, &b),
                    want,
                );
            }
        }
        "parts" => {
            let parts: Vec<(u64, u64)> = record["parts"]
                .as_array()
                .unwrap_or_else(|| panic!("no parts in {record}"))
                .iter()
                .map(|part| {
                    (
                        common::u64_of(part, "size"),
                        common::u64_of(part, "part_crc"),
                    )
                })
                .collect();
            let want = match &record["object_crc"] {
                Value::Null => None,
                _ => Some(common::u64_of(record, "object_crc")),
            };
            let got = crc64::object_crc_from_parts(parts.iter().copied());
            if got != want {
                problems.push(format!("object_crc_from_parts: got {got:?}, want {want:?}"));
            }
        }
        other => unreachable!("unknown group {other}"),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn crc64_vectors() {
    let doc = common::load(FILE);
    let paths = paths();
    #[cfg(feature = "std")]
    assert!(
        !Crc64::new().is_fallback(),
        "with `std` the std path must be crc64fast"
    );

    let mut records = 0;
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut per_group = Vec::new();
    for group in GROUPS {
        let list = common::records(&doc, group, FILE);
        records += list.len();
        per_group.push(format!("{group} {}", list.len()));
        for (index, record) in list.iter().enumerate() {
            let name = record["name"]
                .as_str()
                .map_or_else(|| index.to_string(), str::to_owned);
            for path in paths {
                match check_record(group, record, path) {
                    Ok(()) => passed += 1,
                    Err(why) => failures.push(format!("{group}[{name}] on {}: {why}", path.name)),
                }
            }
        }
    }

    let check = common::u64_of(&doc["check_123456789"], "u64");
    assert_eq!(
        format!("{check:016x}"),
        common::str_of(&doc["check_123456789"], "hex"),
        "check_123456789: u64 and hex disagree"
    );
    for path in paths {
        if crc_whole(path, 0, b"123456789") != check {
            failures.push(format!("check_123456789 on {}", path.name));
        }
    }

    println!(
        "crc64 vectors: {records} records ({}) x {} paths (std path = {}, fallback): {passed} passed, \
         {} failed; check_123456789 on both paths",
        per_group.join(", "),
        paths.len(),
        if Crc64::new().is_fallback() {
            "table"
        } else {
            "crc64fast"
        },
        failures.len(),
    );
    for failure in &failures {
        println!("  FAILED {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} crc64 vector checks failed",
        failures.len()
    );
    assert_eq!(passed, records * paths.len());
}

#[test]
fn check_crc64_maps_header_problems_to_error_kinds() {
    let client = crc64::checksum(b"123456789");
    assert_eq!(
        crc64::check_crc64(client, Some("11051210869376104954")),
        Ok(())
    );
    assert_eq!(crc64::check_crc64(client, None), Ok(()));

    assert_eq!(
        crc64::check_crc64(client, Some("11051210869376104955")),
        Err(Error::Inconsistent(InconsistentError {
            client_crc: client,
            server_crc: 11_051_210_869_376_104_955,
        }))
    );

    for garbage in [
        "",
        "abc",
        "-1",
        "+11051210869376104954",
        "0x995dc9bbdf1939fa",
        "1e5",
        "99999999999999999999",
    ] {
        match crc64::check_crc64(client, Some(garbage)) {
            Err(Error::Decode(DecodeError { what, reason })) => {
                assert_eq!(what, "x-oss-hash-crc64ecma");
                assert!(!reason.is_empty());
            }
            other => panic!("{garbage:?}: expected a decode error, got {other:?}"),
        }
    }
}
