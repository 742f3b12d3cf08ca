//! PostObject: the signed policy and form fields a browser posts to upload straight into a
//! bucket (`POST /` with `multipart/form-data`, the file last).
//!
//! The policy is a JSON document — an expiry time and conditions on the form — sent base64
//! encoded in the `policy` field. V1 signs that base64 text with HMAC-SHA1
//! (`OSSAccessKeyId`, `Signature`); V4 signs it with the day's signing key (`x-oss-credential`,
//! `x-oss-date`, `x-oss-signature`) and the policy must then name those fields itself, which
//! [`Signer::post_form`] adds.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use base64::Engine as _;

use super::{Auth, Signer, v1, v4};
use crate::dates::{self, V4Timestamp};
use crate::endpoint::Endpoint;
use crate::error::ClientError;
use crate::names;

/// One condition on the posted form. Field names are given without the `$` the policy puts
/// before them (`key`, `content-type`, `success_action_status`, `x-oss-meta-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{"bucket": "…"}`.
    Bucket(String),
    /// `["eq", "$field", "value"]`.
    Equals { field: String, value: String },
    /// `["starts-with", "$field", "prefix"]` (an empty prefix allows any value).
    StartsWith { field: String, prefix: String },
    /// `["content-length-range", min, max]`: the file's size in bytes.
    ContentLengthRange { min: u64, max: u64 },
    /// `["in", "$field", ["a", "b"]]`.
    In { field: String, values: Vec<String> },
    /// `["not-in", "$field", ["a", "b"]]`.
    NotIn { field: String, values: Vec<String> },
}

impl Condition {
    pub fn key_starts_with(prefix: &str) -> Condition {
        Condition::StartsWith {
            field: "key".to_string(),
            prefix: prefix.to_string(),
        }
    }

    pub fn equals(field: &str, value: &str) -> Condition {
        Condition::Equals {
            field: field.to_string(),
            value: value.to_string(),
        }
    }

    fn push_json(&self, out: &mut String) {
        let field = |out: &mut String, name: &str| {
            let mut dollar = String::with_capacity(name.len() + 1);
            dollar.push('$');
            dollar.push_str(name);
            push_json_string(out, &dollar);
        };
        match self {
            Condition::Bucket(bucket) => {
                out.push_str("{\"bucket\":");
                push_json_string(out, bucket);
                out.push('}');
            }
            Condition::Equals { field: name, value } => {
                out.push_str("[\"eq\",");
                field(out, name);
                out.push(',');
                push_json_string(out, value);
                out.push(']');
            }
            Condition::StartsWith {
                field: name,
                prefix,
            } => {
                out.push_str("[\"starts-with\",");
                field(out, name);
                out.push(',');
                push_json_string(out, prefix);
                out.push(']');
            }
            Condition::ContentLengthRange { min, max } => {
                let _ = write!(out, "[\"content-length-range\",{min},{max}]");
            }
            Condition::In {
                field: name,
                values,
            }
            | Condition::NotIn {
                field: name,
                values,
            } => {
                out.push_str(if matches!(self, Condition::In { .. }) {
                    "[\"in\","
                } else {
                    "[\"not-in\","
                });
                field(out, name);
                out.push_str(",[");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(out, value);
                }
                out.push_str("]]");
            }
        }
    }
}

/// A POST policy: until when the form may be posted, and what it must satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostPolicy {
    /// Unix seconds after which OSS refuses the form.
    pub expiration: i64,
    pub conditions: Vec<Condition>,
}

impl PostPolicy {
    pub fn new(expiration: i64) -> PostPolicy {
        PostPolicy {
            expiration,
            conditions: Vec::new(),
        }
    }

    pub fn with(mut self, condition: Condition) -> PostPolicy {
        self.conditions.push(condition);
        self
    }

    /// The JSON document, with `exact` (field, value) pairs appended as `{"field": "value"}`
    /// conditions (what V4 adds about its own fields).
    pub fn to_json(&self, exact: &[(&str, &str)]) -> Result<String, ClientError> {
        let mut out = String::with_capacity(128);
        out.push_str("{\"expiration\":");
        push_json_string(&mut out, &dates::unixtime_to_iso8601(self.expiration)?);
        out.push_str(",\"conditions\":[");
        let mut first = true;
        let mut comma = |out: &mut String| {
            if !first {
                out.push(',');
            }
            first = false;
        };
        for condition in &self.conditions {
            comma(&mut out);
            condition.push_json(&mut out);
        }
        for (name, value) in exact {
            comma(&mut out);
            out.push('{');
            push_json_string(&mut out, name);
            out.push(':');
            push_json_string(&mut out, value);
            out.push('}');
        }
        out.push_str("]}");
        Ok(out)
    }
}

/// The form to post: where, and the fields to send before the file (in this order).
///
/// `Debug` hides the signature and the STS token: with the policy they let anyone upload until
/// the policy expires.
#[derive(Clone, PartialEq, Eq)]
pub struct PostForm {
    /// The bucket's URL (`POST /`).
    pub url: String,
    pub fields: Vec<(String, String)>,
    /// The JSON policy before base64, for logs and tests.
    pub policy: String,
}

impl PostForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PostForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |name: &str| {
            ["Signature", "x-oss-signature", "x-oss-security-token"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
        };
        let shown = |name: &str, value: &'_ str| -> String {
            if secret(name) {
                "<redacted>".to_string()
            } else if name == "policy" {
                // The same document as `policy` below, which Debug shows redacted.
                "<base64 of the policy>".to_string()
            } else {
                value.to_string()
            }
        };
        // An STS token is also a condition of a V4 policy.
        let policy = match self.field("x-oss-security-token") {
            Some(token) if !token.is_empty() => self.policy.replace(token, "<redacted>"),
            _ => self.policy.clone(),
        };
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field(
                "fields",
                &self
                    .fields
                    .iter()
                    .map(|(n, v)| (n.as_str(), shown(n, v)))
                    .collect::<Vec<_>>(),
            )
            .field("policy", &policy)
            .finish()
    }
}

impl Signer {
    /// Signs `policy` for a browser form upload into `bucket` at time `now`. Anonymous signers
    /// give an unsigned form (public-read-write buckets need none). V4 policies may live at most
    /// seven days from `now`.
    pub fn post_form(
        &self,
        endpoint: &Endpoint,
        bucket: &str,
        policy: &PostPolicy,
        now: i64,
    ) -> Result<PostForm, ClientError> {
        names::check_bucket_name(bucket)?;
        let lifetime = policy.expiration.saturating_sub(now);
        if lifetime <= 0 {
            return Err(ClientError::ExpiresOutOfRange { expires: lifetime });
        }
        let mut url = String::with_capacity(64);
        endpoint.push_url(&mut url, Some(bucket), "", false);
        let base64 = |json: &str| base64::engine::general_purpose::STANDARD.encode(json);
        let mut fields = Vec::new();
        let json = match &self.auth {
            Auth::Anonymous => policy.to_json(&[])?,
            Auth::V1 { credentials, key } => {
                let json = policy.to_json(&[])?;
                let encoded = base64(&json);
                let signature = v1::signature(key, &encoded);
                fields.push(field("OSSAccessKeyId", credentials.access_key_id()));
                fields.push(field("policy", &encoded));
                fields.push(field("Signature", &signature));
                if let Some(token) = credentials.security_token() {
                    fields.push(field("x-oss-security-token", token));
                }
                json
            }
            Auth::V4 { credentials, .. } => {
                if lifetime > v4::MAX_EXPIRES {
                    return Err(ClientError::ExpiresOutOfRange { expires: lifetime });
                }
                let timestamp = V4Timestamp::from_unix(now)?;
                let scope = self.scope(&timestamp)?;
                let credential = scope.credential(credentials.access_key_id());
                let mut exact = Vec::with_capacity(4);
                exact.push(("x-oss-signature-version", v4::ALGORITHM));
                exact.push(("x-oss-credential", credential.as_str()));
                exact.push(("x-oss-date", timestamp.as_str()));
                if let Some(token) = credentials.security_token() {
                    exact.push(("x-oss-security-token", token));
                }
                let json = policy.to_json(&exact)?;
                let encoded = base64(&json);
                // The string to sign is the encoded policy itself.
                let signature = v4::signature_with(&self.signing_key(&scope)?, &encoded);
                fields.push(field("policy", &encoded));
                for (name, value) in &exact {
                    fields.push(field(name, value));
                }
                fields.push(field("x-oss-signature", &signature));
                json
            }
        };
        Ok(PostForm {
            url,
            fields,
            policy: json,
        })
    }
}

fn field(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// Appends `s` as a JSON string: quotes, backslashes and control characters escaped.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        push_json_string(&mut out, "a\"b\\c\n\u{1}é");
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn policy_json_has_oss_shape() {
        let policy = PostPolicy::new(1_701_608_400)
            .with(Condition::Bucket("my-bucket".into()))
            .with(Condition::key_starts_with("user/"))
            .with(Condition::ContentLengthRange { min: 1, max: 1024 })
            .with(Condition::In {
                field: "content-type".into(),
                values: alloc::vec!["image/png".into(), "image/jpeg".into()],
            });
        assert_eq!(
            policy
                .to_json(&[("x-oss-date", "20231203T120000Z")])
                .unwrap(),
            "{\"expiration\":\"2023-12-03T13:00:00.000Z\",\"conditions\":[{\"bucket\":\"my-bucket\"},\
             [\"starts-with\",\"$key\",\"user/\"],[\"content-length-range\",1,1024],\
             [\"in\",\"$content-type\",[\"image/png\",\"image/jpeg\"]],{\"x-oss-date\":\"20231203T120000Z\"}]}"
        );
    }
}
