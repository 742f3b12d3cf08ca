//! The request side of the operations: for every seed operation with `request` records in
//! `signing.json`, the typed operation built from a record's inputs (bucket, key and the
//! arguments its params, headers and body imply) must give the record's method, bucket, key,
//! query pairs, headers and body. Seed operations without a record are named in the output.

#![cfg(feature = "std")]

mod common;
mod requests;

use std::collections::BTreeMap;

use oss_core::request::{Body, Request};
use serde_json::Value;

#[test]
fn request_vectors() {
    let doc = common::load("signing.json");
    let records = common::records(&doc, "vectors", "signing.json");
    let seed: Vec<&str> = requests::SEED_OPERATIONS.to_vec();
    let mut reproduced: BTreeMap<&str, usize> = BTreeMap::new();
    let mut not_built: BTreeMap<&str, usize> = BTreeMap::new();
    let mut refused: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for record in records {
        if record["kind"] != "request" || record["expected"].get("error").is_some() {
            continue;
        }
        let op = common::str_of(record, "op");
        let name = common::str_of(record, "name");
        match requests::build(op, record) {
            None => *not_built.entry(op).or_default() += 1,
            Some(Err(e)) => match requests::refused_by_design(op, record, &e) {
                Some(reason) => *refused.entry((op, reason)).or_default() += 1,
                None => failures.push(format!("{name} ({op}): refused: {e}")),
            },
            Some(Ok(request)) => match compare(record, &request) {
                Ok(()) => *reproduced.entry(op).or_default() += 1,
                Err(why) => failures.push(format!("{name} ({op}): {why}")),
            },
        }
    }
    let total: usize = reproduced.values().sum();
    println!(
        "request vectors: {total} reproduced, {} failed",
        failures.len()
    );
    for op in &seed {
        match (reproduced.get(op), not_built.get(op)) {
            (Some(n), _) => println!("  {op}: {n} reproduced"),
            (None, Some(n)) => println!("  {op}: NOT BUILT ({n} records)"),
            (None, None) if refused.keys().any(|(o, _)| o == op) => {}
            (None, None) => println!("  {op}: no record in signing.json"),
        }
    }
    for ((op, reason), n) in &refused {
        println!("  {op}: {n} refused by design: {reason}");
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} request vectors failed",
        failures.len()
    );
    // Every seed operation that this suite can build and that has records must reproduce one.
    for op in requests::built_operations() {
        // Records refused on purpose do not count; every other record must reproduce.
        let has_records = records.iter().any(|r| {
            r["op"] == op && r["kind"] == "request" && r["expected"].get("error").is_none()
        });
        let all_refused = refused.keys().any(|(o, _)| *o == op) && !not_built.contains_key(op);
        assert!(
            reproduced.contains_key(op) || !has_records || all_refused,
            "{op} has records but none was reproduced"
        );
    }
    assert!(total > 0, "no request record was reproduced");
}

/// Method, bucket, key, query pairs (order-free: oss2 keeps them in a dict), headers other than
/// the ones the signer sets, and body bytes.
fn compare(record: &Value, request: &Request) -> Result<(), String> {
    let want_method = common::str_of(record, "method");
    if request.method().as_str() != want_method {
        return Err(format!(
            "method: want {want_method}, have {}",
            request.method()
        ));
    }
    if request.bucket_name() != record["bucket"].as_str() {
        return Err(format!(
            "bucket: want {}, have {:?}",
            record["bucket"],
            request.bucket_name()
        ));
    }
    let want_key = record["key"].as_str().unwrap_or("");
    if request.key().unwrap_or("") != want_key {
        return Err(format!("key: want {want_key:?}, have {:?}", request.key()));
    }
    let mut want_query: Vec<(String, Option<String>)> = record["params"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p[0].as_str().unwrap_or("").to_string(),
                p[1].as_str().map(str::to_string),
            )
        })
        .collect();
    let mut have_query: Vec<(String, Option<String>)> = request
        .query()
        .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
        .collect();
    // "" and None both mean a bare name on the wire.
    let normalise = |q: &mut Vec<(String, Option<String>)>| {
        for pair in q.iter_mut() {
            if pair.1.as_deref() == Some("") {
                pair.1 = None;
            }
        }
        q.sort();
    };
    normalise(&mut want_query);
    normalise(&mut have_query);
    if want_query != have_query {
        return Err(format!(
            "query\n  want {want_query:?}\n  have {have_query:?}"
        ));
    }
    let signer_set = ["date", "authorization", "x-oss-security-token"];
    let want_headers: BTreeMap<String, &str> = record["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(n, _)| !signer_set.contains(&n.to_ascii_lowercase().as_str()))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.as_str().unwrap_or("")))
        .collect();
    let have_headers: BTreeMap<String, &str> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    if want_headers != have_headers {
        return Err(format!(
            "headers\n  want {want_headers:?}\n  have {have_headers:?}"
        ));
    }
    let want_body: Option<Vec<u8>> = if let Some(text) = record["body"].as_str() {
        Some(text.as_bytes().to_vec())
    } else if record.get("body_b64").is_some() {
        Some(common::b64(record, "body_b64"))
    } else {
        None
    };
    match (request.body(), want_body) {
        (Body::Bytes(have), Some(want)) if *have == want => Ok(()),
        // Object data is the driver's to stream; the record's data is not the operation's.
        (Body::Stream { .. }, _) | (Body::Empty, None) => Ok(()),
        (Body::Empty, Some(want)) if want.is_empty() => Ok(()),
        (have, want) => Err(format!(
            "body\n  want {:?}\n  have {have:?}",
            want.map(|w| String::from_utf8_lossy(&w).into_owned())
        )),
    }
}
