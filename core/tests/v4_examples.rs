//! `v4_sdk_examples.json`: the worked examples of the official Go/Python v2 SDKs and of the OSS
//! documentation. Each V4 example is signed through [`Signer`] (header or presigned-URL mode) and
//! must give the example's canonical request, string to sign, signing key and signature; the V1
//! examples give their string to sign's signature.

mod common;

use oss_core::request::{Method, Request};
use oss_core::sign::{Signer, v1, v4};
use oss_core::{Credentials, Endpoint};
use serde_json::Value;

#[test]
fn v4_sdk_examples() {
    let doc = common::load("v4_sdk_examples.json");
    let examples = doc.as_array().expect("a list of examples");
    assert!(
        !examples.is_empty(),
        "v4_sdk_examples.json holds no examples"
    );
    let mut failures = Vec::new();
    let (mut v4_checked, mut v1_checked) = (0, 0);
    for example in examples {
        let name = common::str_of(example, "name");
        let result = match common::str_of(example, "kind") {
            "header" | "query" => {
                v4_checked += 1;
                check_v4(example)
            }
            "v1" => {
                v1_checked += 1;
                check_v1(example)
            }
            other => Err(format!("unknown kind {other}")),
        };
        if let Err(why) = result {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!(
        "v4 sdk examples: {} passed, {} failed ({v4_checked} V4, {v1_checked} V1)",
        examples.len() - failures.len(),
        failures.len()
    );
    for failure in &failures {
        println!("FAIL {failure}");
    }
    assert!(failures.is_empty(), "{} examples failed", failures.len());
}

fn check_v1(example: &Value) -> Result<(), String> {
    let key = v1::hmac_key(common::str_of(example, "access_key_secret"));
    let have = v1::signature(&key, common::str_of(example, "string_to_sign"));
    expect("signature", common::str_of(example, "signature"), &have)
}

fn check_v4(example: &Value) -> Result<(), String> {
    let input = &example["input"];
    let id = common::str_of(input, "access_key_id");
    let secret = common::str_of(input, "access_key_secret");
    let credentials = match input["security_token"].as_str() {
        Some(token) => Credentials::sts(id, secret, token),
        None => Credentials::new(id, secret),
    }
    .map_err(|e| e.to_string())?;
    let region = common::str_of(input, "region");
    let product = input["product"].as_str().unwrap_or(v4::PRODUCT_OSS);
    let mut signer = Signer::v4(credentials).with_region(region);
    if product == v4::PRODUCT_CLOUD_BOX {
        // The examples give the Cloud Box id as the scope's region.
        signer = signer.with_cloud_box_id(region);
    }
    let additional: Vec<&str> = input["additional_headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    signer = signer.with_additional_headers(&additional);

    let method = Method::parse(common::str_of(input, "method")).map_err(|e| e.to_string())?;
    let bucket = common::str_of(input, "bucket");
    let key = common::str_of(input, "key");
    let mut request = Request::object(method, bucket, key).map_err(|e| e.to_string())?;
    for pair in input["query"].as_array().into_iter().flatten() {
        request = request.with_query(
            pair[0].as_str().expect("name"),
            Some(pair[1].as_str().expect("value")),
        );
    }
    for (name, value) in input["headers"].as_object().into_iter().flatten() {
        request = request
            .with_header(name, value.as_str().expect("header value"))
            .map_err(|e| e.to_string())?;
    }
    let endpoint = Endpoint::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap();
    let now = input["signing_time_unix"].as_i64().expect("signing time");

    // What was signed, rebuilt from what the signer produced: the canonical request must be the
    // example's, and the string to sign the signer returned must be built from it.
    let (string_to_sign, signature, headers, query) = if common::str_of(example, "kind") == "header"
    {
        let signed = signer
            .sign(request, &endpoint, now)
            .map_err(|e| e.to_string())?;
        let authorization = signed
            .headers
            .get("authorization")
            .unwrap_or("")
            .to_string();
        let signature = authorization
            .rsplit_once("Signature=")
            .map(|(_, s)| s.to_string())
            .ok_or("no Signature in the Authorization")?;
        // oss2 writes `, ` between the parts, the Go SDK `,`: the same signature either way.
        let want_auth = common::str_of(example, "authorization").replace(',', ", ");
        expect("authorization", &want_auth, &authorization)?;
        let mut headers = signed.headers.clone();
        headers.remove("authorization");
        let query = query_of(&signed.url);
        (
            signed.string_to_sign.unwrap_or_default(),
            signature,
            headers,
            query,
        )
    } else {
        let expires = input["expires_secs"].as_i64().expect("expires");
        let presigned = signer
            .presign(request, &endpoint, now, expires, false)
            .map_err(|e| e.to_string())?;
        let mut query = query_of(&presigned.url);
        let signature = query
            .iter()
            .position(|(n, _)| n == "x-oss-signature")
            .map(|at| query.remove(at).1)
            .ok_or("no x-oss-signature in the URL")?;
        (
            presigned.string_to_sign.unwrap_or_default(),
            signature,
            presigned.headers,
            query,
        )
    };
    let names: Vec<String> = additional.iter().map(|s| s.to_string()).collect();
    let canonical = v4::canonical_request(
        method,
        Some(bucket),
        key,
        query.iter().map(|(n, v)| (n.as_str(), Some(v.as_str()))),
        &headers,
        &v4::additional_headers(&headers, &names),
    );
    expect(
        "canonical request",
        common::str_of(example, "canonical_request"),
        &canonical,
    )?;
    expect(
        "string to sign",
        common::str_of(example, "string_to_sign"),
        &string_to_sign,
    )?;
    let day = &string_to_sign.split('\n').nth(1).unwrap_or("")[..8];
    let key_hex: String = v4::signing_key(secret, day, region, product)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expect(
        "signing key",
        common::str_of(&example["signing_key_chain"], "k_signing"),
        &key_hex,
    )?;
    expect(
        "signature",
        common::str_of(example, "signature"),
        &signature,
    )
}

/// The query of a URL as decoded pairs, in order.
fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .expect("UTF-8")
                    .into_owned()
            };
            (decode(n), decode(v))
        })
        .collect()
}

fn expect(what: &str, want: &str, have: &str) -> Result<(), String> {
    if want == have {
        Ok(())
    } else {
        Err(format!("{what}\n  want {want:?}\n  have {have:?}"))
    }
}
