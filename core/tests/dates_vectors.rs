//! The OSS time helpers against `dates.json`, oss2 2.19.1's own outputs: every record of every
//! group must match, rejected inputs included.

mod common;

use oss_core::dates::{
    Date, HttpDate, date_to_iso8601, http_date, http_to_unixtime, iso8601_to_date,
    iso8601_to_unixtime, iso8601_to_unixtime_lenient, unixtime_to_iso8601,
};
use oss_core::error::DecodeError;
use serde_json::Value;

const FILE: &str = "dates.json";
const GROUPS: [&str; 5] = [
    "http_date",
    "http_to_unixtime",
    "iso8601_to_unixtime",
    "date_to_iso8601",
    "iso8601_to_date",
];

fn i64_of(v: &Value, field: &str) -> i64 {
    v[field]
        .as_i64()
        .unwrap_or_else(|| panic!("field `{field}` is not an i64 in {v}"))
}

/// A record either expects `unix` or says oss2 refused the input (`error`).
fn expected_unix(rec: &Value) -> Option<i64> {
    if rec.get("error").is_some() {
        assert!(
            rec.get("unix").is_none(),
            "record with both `unix` and `error`: {rec}"
        );
        None
    } else {
        Some(i64_of(rec, "unix"))
    }
}

/// Compares a reader's answer with the record; the accepted time, if any, for further checks.
fn check_parse(rec: &Value, got: Result<i64, DecodeError>) -> Result<Option<i64>, String> {
    match (expected_unix(rec), got) {
        (Some(want), Ok(got)) if got == want => Ok(Some(got)),
        (None, Err(DecodeError { .. })) => Ok(None),
        (want, got) => Err(format!("want {want:?} (None = refused), got {got:?}")),
    }
}

#[test]
fn date_vectors() {
    let doc = common::load(FILE);
    // A group this test does not know would go unchecked: refuse it.
    for (key, value) in doc.as_object().expect("dates.json is an object") {
        if value.is_array() {
            assert!(
                GROUPS.contains(&key.as_str()),
                "{FILE}: unknown group `{key}`"
            );
        }
    }

    let mut total = 0;
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut round_trips = 0;
    let mut lenient_checks = 0;

    for group in GROUPS {
        let records = common::records(&doc, group, FILE);
        total += records.len();
        for (i, rec) in records.iter().enumerate() {
            let outcome: Result<(), String> = match group {
                "http_date" => {
                    let unix = i64_of(rec, "unix");
                    let want = common::str_of(rec, "http_date");
                    let got = http_date(unix);
                    let fast = HttpDate::from_unix(unix);
                    let back = http_to_unixtime(want);
                    round_trips += 1;
                    if got.as_deref() != Ok(want) {
                        Err(format!("http_date({unix}) = {got:?}, want {want:?}"))
                    } else if fast.as_ref().map(HttpDate::as_str) != Ok(want) {
                        Err(format!(
                            "HttpDate::from_unix({unix}) = {fast:?}, want {want:?}"
                        ))
                    } else if back != Ok(unix) {
                        Err(format!("round trip: http_to_unixtime({want:?}) = {back:?}"))
                    } else {
                        Ok(())
                    }
                }
                "http_to_unixtime" => {
                    let input = common::str_of(rec, "input");
                    check_parse(rec, http_to_unixtime(input)).map(drop)
                }
                "iso8601_to_unixtime" => {
                    let input = common::str_of(rec, "input");
                    match check_parse(rec, iso8601_to_unixtime(input)) {
                        Ok(Some(unix)) => {
                            // The lenient reader agrees wherever oss2 accepts, and writing the
                            // time back and reading it again gives the same instant.
                            lenient_checks += 1;
                            round_trips += 1;
                            let lenient = iso8601_to_unixtime_lenient(input);
                            let text = unixtime_to_iso8601(unix);
                            let back = text.as_deref().map(iso8601_to_unixtime);
                            if lenient != Ok(unix) {
                                Err(format!("lenient reader gave {lenient:?}, want {unix}"))
                            } else if back != Ok(Ok(unix)) {
                                Err(format!("round trip via {text:?} gave {back:?}"))
                            } else {
                                Ok(())
                            }
                        }
                        other => other.map(drop),
                    }
                }
                "date_to_iso8601" => {
                    let date_text = common::str_of(rec, "date");
                    let want = common::str_of(rec, "iso8601");
                    match date_text.parse::<Date>() {
                        Ok(date) if date.to_string() != date_text => {
                            Err(format!("{date_text:?} displays as {date}"))
                        }
                        Ok(date) => {
                            let got = date_to_iso8601(date);
                            if got == want {
                                Ok(())
                            } else {
                                Err(format!("date_to_iso8601({date}) = {got:?}, want {want:?}"))
                            }
                        }
                        Err(e) => Err(format!("cannot read date {date_text:?}: {e}")),
                    }
                }
                "iso8601_to_date" => {
                    let input = common::str_of(rec, "input");
                    // oss2 uses the local zone; the vectors were made with TZ=UTC, as we compute.
                    let want = common::str_of(rec, "date_utc_tz");
                    match iso8601_to_date(input) {
                        Ok(date) if date.to_string() == want => Ok(()),
                        got => Err(format!("iso8601_to_date({input:?}) = {got:?}, want {want}")),
                    }
                }
                _ => unreachable!("GROUPS lists only the groups handled above"),
            };
            match outcome {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!("{group}[{i}] {rec}: {why}")),
            }
        }
    }

    for f in &failures {
        eprintln!("FAIL {f}");
    }
    println!("date vectors: {passed} passed, {} failed", failures.len());
    println!("  also checked: {round_trips} round trips, {lenient_checks} lenient ISO 8601 reads");
    assert!(
        failures.is_empty(),
        "{} date vectors failed",
        failures.len()
    );
    assert_eq!(passed, total, "every record must be checked");
}
