//! `responses.json`: real OSS answers (from oss2's unit tests) and documented error bodies, with
//! what oss2 parsed out of them. Every record of an operation implemented here is parsed and
//! compared field by field; records of other operations are skipped and counted by operation.
//!
//! XML answers need the `std` feature (quick-xml), so this suite does too.

#![cfg(feature = "std")]

mod common;

use std::collections::BTreeMap;

mod responses;

use oss_core::error::Error;
use oss_core::{ErrorCode, ResponseHead};
use serde_json::Value;

/// Named departures from oss2 (`../shared/vectors/README.md`): record, reason, and the field
/// value we give instead (JSON), which the test checks.
const DEPARTURES: &[(&str, &str, &str, &str)] = &[(
    "head_object_02",
    "`x-oss-delete-marker: false` is false (oss2's bool(str) reads any value as true)",
    "delete_marker",
    "false",
)];

#[test]
fn response_vectors() {
    let doc = common::load("responses.json");
    let records = common::records(&doc, "responses", "responses.json");
    for (name, ..) in DEPARTURES {
        assert!(
            records.iter().any(|r| r["name"] == *name),
            "departure names no record: {name}"
        );
    }
    assert!(
        DEPARTURES.len() * 100 <= 3 * records.len(),
        "departures above 3 % of the records"
    );
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut departed: BTreeMap<&str, usize> = BTreeMap::new();
    for record in records {
        let operation = common::str_of(record, "operation");
        let name = common::str_of(record, "name");
        let departure = DEPARTURES.iter().find(|(n, ..)| *n == name);
        // A departure is checked against our documented value instead of oss2's.
        let mut patched;
        let record = match departure {
            Some((_, _, field, ours)) => {
                patched = record.clone();
                patched["expected"]["parsed"][*field] =
                    serde_json::from_str(ours).expect("departure value is JSON");
                &patched
            }
            None => record,
        };
        match check(operation, record) {
            None => *skipped.entry(operation).or_default() += 1,
            Some(Ok(())) if departure.is_some() => *departed.entry(operation).or_default() += 1,
            Some(Ok(())) => passed += 1,
            Some(Err(why)) => failures.push(format!("{name} ({operation}): {why}")),
        }
    }
    let skipped_total: usize = skipped.values().sum();
    let departures: usize = departed.values().sum();
    let mut summary = format!(
        "response vectors: {passed} passed, {} failed, {skipped_total} skipped",
        failures.len()
    );
    if departures > 0 {
        summary.push_str(&format!(", {departures} departures"));
    }
    println!("{summary}");
    for (operation, n) in &skipped {
        println!("  skipped {operation} (not implemented yet): {n}");
    }
    for (operation, n) in &departed {
        println!("  departed {operation}: {n}");
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} response vectors failed",
        failures.len()
    );
    assert!(
        passed > 0,
        "no record of an implemented operation was checked"
    );
}

/// None: the operation is not implemented yet. Each group of operations maps its results to
/// oss2's attribute names in its own file under `responses/`.
fn check(operation: &str, record: &Value) -> Option<Result<(), String>> {
    let head = head(record);
    let body = body(record);
    let produced = responses::object::parse(operation, &head, &body, record)
        .or_else(|| responses::service::parse(operation, &head, &body, record))
        .or_else(|| responses::multipart::parse(operation, &head, &body, record))
        .or_else(|| responses::symlink::parse(operation, &head, &body, record))
        .or_else(|| responses::copy::parse(operation, &head, &body, record))
        .or_else(|| responses::delete_objects::parse(operation, &head, &body, record))
        .or_else(|| responses::bucket::parse(operation, &head, &body, record))
        .or_else(|| responses::live_channel::parse(operation, &head, &body, record))?;
    Some(compare(record, produced))
}

fn compare(record: &Value, produced: Result<Value, Error>) -> Result<(), String> {
    let expected = &record["expected"];
    if let Some(error) = expected.get("error") {
        // oss2 itself crashed (a `.123Z` time, a missing element): a decode error or a
        // sensible result are both right, a panic is not (and would not reach here).
        if error["python_exception"] == true {
            return match produced {
                Ok(_) | Err(Error::Decode(_)) => Ok(()),
                Err(other) => Err(format!(
                    "oss2 crashed; we gave neither a result nor a decode error: {other}"
                )),
            };
        }
        let got = match produced {
            Ok(value) => return Err(format!("oss2 raised {error}, we parsed {value}")),
            Err(e) => e,
        };
        return compare_error(error, &got);
    }
    let got = produced.map_err(|e| format!("oss2 parsed it, we failed: {e}"))?;
    let want = &expected["parsed"];
    match want.as_object() {
        // A plain value (object_exists).
        None => (got == *want)
            .then_some(())
            .ok_or_else(|| format!("want {want}, have {got}")),
        Some(fields) => {
            for (field, want) in fields {
                if field == "__class__" {
                    continue;
                }
                let have = got
                    .get(field)
                    .ok_or_else(|| format!("no mapping for oss2's `{field}`"))?;
                // oss2's nested objects carry their Python class name; ours are plain values.
                let want = without_class(want);
                if *have != want {
                    return Err(format!("{field}: want {want}, have {have}"));
                }
            }
            Ok(())
        }
    }
}

/// `value` with every nested `__class__` key removed.
fn without_class(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "__class__")
                .map(|(k, v)| (k.clone(), without_class(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_class).collect()),
        other => other.clone(),
    }
}

fn compare_error(want: &Value, got: &Error) -> Result<(), String> {
    let class = want["class"].as_str().unwrap_or("");
    match got {
        Error::Server(e) => {
            let same = e.status as i64 == want["status"].as_i64().unwrap_or(-1)
                && e.raw_code == want["code"].as_str().unwrap_or("")
                && e.request_id == want["request_id"].as_str().unwrap_or("")
                // `<Message/>` is None to oss2, "" to us.
                && e.message == want["message"].as_str().unwrap_or("")
                && kind_matches(class, &e.code);
            same.then_some(())
                .ok_or_else(|| format!("want {want}\n  have {e:?}"))
        }
        Error::Inconsistent(_) if class == "InconsistentError" => Ok(()),
        other => Err(format!("want {class} {want}, have {other:?}")),
    }
}

/// oss2's exception class for our error kind.
fn kind_matches(class: &str, code: &ErrorCode) -> bool {
    let ours = match code {
        ErrorCode::Other(_) => "ServerError".to_string(),
        ErrorCode::NoSuchWebsiteConfiguration => "NoSuchWebsite".to_string(),
        ErrorCode::NoSuchCorsConfiguration => "NoSuchCors".to_string(),
        ErrorCode::NoSuchWormConfiguration => "NoSuchWORMConfiguration".to_string(),
        ErrorCode::WormConfigurationLocked => "WORMConfigurationLocked".to_string(),
        ErrorCode::InvalidWormConfiguration => "InvalidWORMConfiguration".to_string(),
        other => format!("{other:?}"),
    };
    ours == class
}

fn head(record: &Value) -> ResponseHead {
    let response = &record["response"];
    let status = response["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200);
    let mut head = ResponseHead::new(status);
    for (name, value) in response["headers"].as_object().into_iter().flatten() {
        head.push_header(name, value.as_str().unwrap_or(""));
    }
    head
}

fn body(record: &Value) -> Vec<u8> {
    let response = &record["response"];
    if let Some(text) = response["body"].as_str() {
        text.as_bytes().to_vec()
    } else if response.get("body_b64").is_some() {
        common::b64(response, "body_b64")
    } else {
        // body_omitted: large object data, which no parser here reads.
        Vec::new()
    }
}

/// Error parsing does not depend on the operation: every server-error record of the file, of
/// implemented operations or not, must give oss2's status, code, request id, message and kind.
#[test]
fn server_error_vectors() {
    let doc = common::load("responses.json");
    let records = common::records(&doc, "responses", "responses.json");
    let (mut passed, mut skipped) = (0, BTreeMap::<String, usize>::new());
    let mut failures = Vec::new();
    for record in records {
        let Some(error) = record["expected"].get("error") else {
            continue;
        };
        let class = error["class"].as_str().unwrap_or("");
        // Client-side failures (a CRC mismatch, oss2 crashing) and select frames are not answers
        // parsed by `ServerError`.
        if error["python_exception"] == true
            || class == "InconsistentError"
            || class == "SelectOperationFailed"
        {
            *skipped
                .entry(format!("{class} (not a server error body)"))
                .or_default() += 1;
            continue;
        }
        let parsed = oss_core::ServerError::parse(&head(record), &body(record));
        let mut result = compare_error(error, &Error::from(parsed.clone()));
        if result.is_ok() {
            // The details map too: every child of <Error> (a dict to oss2, so compared sorted).
            let want: BTreeMap<&str, &str> = error["details"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
                .collect();
            let have: BTreeMap<&str, &str> = parsed
                .details
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            if want != have {
                result = Err(format!("details: want {want:?}, have {have:?}"));
            }
        }
        match result {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!("{}: {why}", common::str_of(record, "name"))),
        }
    }
    let skipped_total: usize = skipped.values().sum();
    println!(
        "server error vectors: {passed} passed, {} failed, {skipped_total} skipped",
        failures.len()
    );
    for (group, n) in &skipped {
        println!("  skipped {group}: {n}");
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} server error vectors failed",
        failures.len()
    );
    assert!(passed > 0, "responses.json holds no server error records");
}
