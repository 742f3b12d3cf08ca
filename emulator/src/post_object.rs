//! PostObject: a browser form (`POST /` on the bucket, `multipart/form-data`) that uploads its
//! `file` part under its `key` field. The authentication travels in the form: a base64 JSON
//! policy signed with V1 (`OSSAccessKeyId`, `Signature`) or V4 (`x-oss-credential`,
//! `x-oss-date`, `x-oss-signature`); the policy's expiry and conditions are enforced.

use std::io::Read;

use base64::Engine as _;
use oss_core::dates::V4Timestamp;
use oss_core::request::Method;
use oss_core::sign::{v1, v4};
use serde_json::Value;

use crate::auth::{self, Caller};
use crate::error::OssError;
use crate::handler::{Context, Emulator, Outcome};
use crate::http::{Request, Response};

/// The emulator keeps a posted form in memory while it parses it; OSS itself takes up to 5 GB.
/// Larger uploads belong in multipart uploads.
pub const MAX_FORM_BYTES: u64 = 256 * 1024 * 1024;

/// A browser form upload is a POST on the bucket itself with a form body.
pub(crate) fn is_post_object(method: Method, key: &str, request: &Request) -> bool {
    method == Method::Post
        && key.is_empty()
        && request.header("content-type").is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

struct Form {
    /// Every field before the file, in order.
    fields: Vec<(String, String)>,
    file_name: String,
    file_type: Option<String>,
    file: Vec<u8>,
}

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn handle(
    emulator: &Emulator,
    bucket: &str,
    request: &Request,
    body: &mut dyn Read,
    now: i64,
) -> Outcome {
    let form = read_form(request, body)?;
    let meta = emulator
        .store
        .bucket(bucket)
        .ok_or_else(|| OssError::no_such_bucket(bucket))?;
    let key = form
        .get("key")
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            OssError::invalid_argument("The form has no key field.").field("ArgumentName", "key")
        })?
        .replace("${filename}", &form.file_name);
    let caller = authenticate(emulator, &form, now)?;
    if let Some(policy) = form.get("policy") {
        check_policy(policy, &form, bucket, &key, now)?;
    }

    // The upload is a PutObject of the file with the form's object headers.
    let mut put =
        Request::new("PUT", "/").with_header("Content-Length", &form.file.len().to_string());
    let mut has_type = false;
    for (name, value) in &form.fields {
        if crate::common::is_object_header(name)
            || name.eq_ignore_ascii_case("x-oss-forbid-overwrite")
        {
            has_type |= name.eq_ignore_ascii_case("content-type");
            put = put.with_header(name, value);
        }
    }
    if let (false, Some(file_type)) = (has_type, &form.file_type) {
        put = put.with_header("Content-Type", file_type);
    }
    let ctx = Context {
        method: Method::Put,
        bucket: Some(bucket.to_string()),
        key: key.clone(),
        query: Vec::new(),
        request: &put,
        caller,
        now,
    };
    let stored = crate::object::put(emulator, &ctx, &meta, &mut form.file.as_slice())?;
    let etag = stored.header("ETag").unwrap_or("").to_string();
    let mut response = match form.get("success_action_status") {
        Some("200") => Response::new(200),
        Some("201") => {
            let mut xml =
                String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse>");
            for (name, text) in [
                ("Bucket", bucket),
                ("Location", &format!("/{bucket}/{key}")),
                ("Key", &key),
                ("ETag", &etag),
            ] {
                oss_core::xml::push_text_element(&mut xml, name, text);
            }
            xml.push_str("</PostResponse>");
            Response::xml(201, xml)
        }
        _ => Response::new(204),
    };
    for name in ["ETag", "x-oss-hash-crc64ecma", "Content-MD5"] {
        if let Some(value) = stored.header(name) {
            response.set_header(name, value.to_string());
        }
    }
    Ok(response)
}

/// Parses the form (multer), keeping the fields before the file and the file itself; OSS
/// ignores what follows the file.
fn read_form(request: &Request, body: &mut dyn Read) -> Result<Form, OssError> {
    let content_type = request.header("content-type").unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        OssError::invalid_argument("The form has no multipart boundary.")
            .field("ArgumentName", "Content-Type")
    })?;
    let mut bytes = Vec::new();
    body.take(MAX_FORM_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OssError::invalid_argument(format!("The form could not be read: {e}")))?;
    if bytes.len() as u64 > MAX_FORM_BYTES {
        return Err(OssError::new(
            400,
            "EntityTooLarge",
            format!("oss-emulator keeps forms in memory and takes at most {MAX_FORM_BYTES} bytes."),
        ));
    }
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed = |e: multer::Error| {
        OssError::new(
            400,
            "MalformedPOSTRequest",
            format!("The body of the form is not well-formed multipart/form-data: {e}"),
        )
    };
    futures_executor::block_on(async {
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(malformed)? {
            let name = field.name().unwrap_or("").to_string();
            if name.eq_ignore_ascii_case("file") {
                let file_name = field.file_name().unwrap_or("").to_string();
                let file_type = field.content_type().map(|m| m.to_string());
                let file = field.bytes().await.map_err(malformed)?.to_vec();
                return Ok(Form {
                    fields,
                    file_name,
                    file_type,
                    file,
                });
            }
            let value = field.text().await.map_err(malformed)?;
            fields.push((name, value));
        }
        Err(OssError::invalid_argument(
            "The form has no file field, or the file is not the last field.",
        )
        .field("ArgumentName", "file"))
    })
}

/// Who posted the form: V1 (`OSSAccessKeyId` + `Signature`), V4 (`x-oss-signature-version`
/// and friends), or nobody — then the bucket's ACL decides, as for any anonymous write.
fn authenticate(emulator: &Emulator, form: &Form, now: i64) -> Result<Caller, OssError> {
    let policy = || {
        form.get("policy").ok_or_else(|| {
            OssError::invalid_argument("A signed form needs its policy field.")
                .field("ArgumentName", "policy")
                .field("EC", "0002-00000702")
        })
    };
    let missing = |name: &'static str| {
        OssError::invalid_argument(format!("The form has no {name} field."))
            .field("ArgumentName", name)
    };
    if let Some(version) = form.get("x-oss-signature-version") {
        if version != v4::ALGORITHM {
            return Err(OssError::invalid_argument("Unsupported signature version.")
                .field("ArgumentName", "x-oss-signature-version")
                .field("ArgumentValue", version));
        }
        let policy = policy()?;
        let credential = form
            .get("x-oss-credential")
            .ok_or_else(|| missing("x-oss-credential"))?;
        let date = form
            .get("x-oss-date")
            .ok_or_else(|| missing("x-oss-date"))?;
        let provided = form
            .get("x-oss-signature")
            .ok_or_else(|| missing("x-oss-signature"))?;
        let time = auth::request_time(date).ok_or_else(|| {
            OssError::invalid_argument("x-oss-date is not a valid time.")
                .field("ArgumentName", "x-oss-date")
        })?;
        // A V4 form lives at most seven days from its x-oss-date.
        if now - time > v4::MAX_EXPIRES || time - now > auth::MAX_SKEW_SECONDS {
            return Err(OssError::access_denied(
                "Invalid according to Policy: x-oss-date is out of range.",
            )
            .field("ServerTime", auth::iso(now)));
        }
        let scope =
            auth::Credential::parse(credential, "x-oss-credential", date, emulator.region())?;
        let key = auth::find_key(emulator.keys(), scope.id)?;
        auth::check_token(key, form.get("x-oss-security-token"))?;
        let timestamp = V4Timestamp::from_unix(time)
            .map_err(|_| OssError::invalid_argument("x-oss-date is out of range."))?;
        let signing_key =
            v4::signing_key(key.secret(), timestamp.day(), scope.region, scope.product);
        let expected = v4::signature(&signing_key, policy);
        if !auth::constant_time_eq(expected.as_bytes(), provided.as_bytes()) {
            return Err(signature_mismatch(policy, provided));
        }
        return Ok(Caller::Key(key.id.clone()));
    }
    if let Some(id) = form.get("OSSAccessKeyId") {
        let policy = policy()?;
        let provided = form.get("Signature").ok_or_else(|| missing("Signature"))?;
        let key = auth::find_key(emulator.keys(), id)?;
        auth::check_token(key, form.get("x-oss-security-token"))?;
        let expected = v1::signature(&v1::hmac_key(key.secret()), policy);
        if !auth::constant_time_eq(expected.as_bytes(), provided.as_bytes()) {
            return Err(signature_mismatch(policy, provided));
        }
        return Ok(Caller::Key(key.id.clone()));
    }
    Ok(Caller::Anonymous)
}

fn signature_mismatch(policy: &str, provided: &str) -> OssError {
    OssError::new(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
    .field("StringToSign", policy)
    .field("SignatureProvided", provided)
}

fn policy_error(message: String) -> OssError {
    OssError::access_denied(format!("Invalid according to Policy: {message}"))
}

fn invalid_policy(why: &str) -> OssError {
    OssError::new(
        400,
        "InvalidPolicyDocument",
        format!("Invalid Policy: {why}"),
    )
}

/// The policy's expiry and every condition, against the form as posted.
fn check_policy(
    encoded: &str,
    form: &Form,
    bucket: &str,
    key: &str,
    now: i64,
) -> Result<(), OssError> {
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| invalid_policy("the policy is not base64."))?;
    let policy: Value =
        serde_json::from_slice(&json).map_err(|_| invalid_policy("the policy is not JSON."))?;
    let expiration = policy["expiration"]
        .as_str()
        .ok_or_else(|| invalid_policy("expiration is missing."))?;
    let expiration = oss_core::dates::iso8601_to_unixtime_lenient(expiration)
        .map_err(|_| invalid_policy("expiration is not an ISO 8601 time."))?;
    if expiration < now {
        return Err(policy_error("Policy expired.".into()));
    }
    let conditions = policy["conditions"]
        .as_array()
        .ok_or_else(|| invalid_policy("conditions are missing."))?;
    let value_of = |field: &str| -> Option<String> {
        let name = field.strip_prefix('$').unwrap_or(field);
        match name.to_ascii_lowercase().as_str() {
            "bucket" => Some(bucket.to_string()),
            "key" => Some(key.to_string()),
            _ => form.get(name).map(str::to_string),
        }
    };
    let failed = |condition: &Value| policy_error(format!("Policy Condition failed: {condition}"));
    for condition in conditions {
        match condition {
            Value::Object(exact) => {
                for (field, want) in exact {
                    let want = want
                        .as_str()
                        .ok_or_else(|| invalid_policy("a condition value is not a string."))?;
                    if value_of(field).as_deref() != Some(want) {
                        return Err(failed(condition));
                    }
                }
            }
            Value::Array(parts) => {
                let op = parts.first().and_then(Value::as_str).unwrap_or("");
                if op.eq_ignore_ascii_case("content-length-range") {
                    let bound = |i: usize| parts.get(i).and_then(Value::as_u64);
                    let (Some(min), Some(max)) = (bound(1), bound(2)) else {
                        return Err(invalid_policy("content-length-range needs two numbers."));
                    };
                    let size = form.file.len() as u64;
                    if size > max {
                        return Err(OssError::new(
                            400,
                            "EntityTooLarge",
                            "Your proposed upload exceeds the maximum allowed size.",
                        )
                        .field("MaxSizeAllowed", max.to_string())
                        .field("ProposedSize", size.to_string()));
                    }
                    if size < min {
                        return Err(OssError::new(
                            400,
                            "EntityTooSmall",
                            "Your proposed upload is smaller than the minimum allowed size.",
                        )
                        .field("MinSizeAllowed", min.to_string())
                        .field("ProposedSize", size.to_string()));
                    }
                    continue;
                }
                let field = parts
                    .get(1)
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid_policy("a condition names no field."))?;
                let have = value_of(field).unwrap_or_default();
                let ok = match op.to_ascii_lowercase().as_str() {
                    "eq" => parts.get(2).and_then(Value::as_str) == Some(have.as_str()),
                    "starts-with" => parts
                        .get(2)
                        .and_then(Value::as_str)
                        .is_some_and(|prefix| have.starts_with(prefix)),
                    "in" | "not-in" => {
                        let listed = parts
                            .get(2)
                            .and_then(Value::as_array)
                            .ok_or_else(|| invalid_policy("in/not-in need a list."))?
                            .iter()
                            .any(|v| v.as_str() == Some(have.as_str()));
                        listed == (op.eq_ignore_ascii_case("in"))
                    }
                    _ => return Err(invalid_policy(&format!("unknown condition {op:?}."))),
                };
                if !ok {
                    return Err(failed(condition));
                }
            }
            _ => {
                return Err(invalid_policy(
                    "a condition is neither an object nor a list.",
                ));
            }
        }
    }
    // A V4 form's own fields must be what the policy says they are.
    for name in [
        "x-oss-signature-version",
        "x-oss-credential",
        "x-oss-date",
        "x-oss-security-token",
    ] {
        if let Some(value) = form
            .get(name)
            .filter(|_| form.get("x-oss-signature-version").is_some())
        {
            let named = conditions
                .iter()
                .any(|c| c.get(name).and_then(Value::as_str) == Some(value));
            if !named {
                return Err(policy_error(format!(
                    "{name} must be a condition of the policy."
                )));
            }
        }
    }
    Ok(())
}
