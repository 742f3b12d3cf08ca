//! CORS as OSS answers it, from the bucket's rules (PutBucketCors, read with oss-core's
//! [`BucketCors`]): OPTIONS preflights, and the `Access-Control-*` headers of actual requests —
//! error answers included, or a browser script could not read OSS's error documents.
//!
//! A request matches the first rule whose AllowedOrigin, AllowedMethod and (preflights only)
//! AllowedHeader entries take its origin, method and every requested header; `*` in an entry
//! stands for any run of characters, and header names match in any letter case.
//! `Vary: Origin` follows the configuration's `ResponseVary`, which OSS documents as off by
//! default.

use oss_core::ops::bucket::{BucketCors, CorsRule};
use oss_core::request::Method;

use crate::error::OssError;
use crate::handler::{Emulator, Outcome};
use crate::http::{Request, Response};

/// OSS's words for a refused preflight, its misspellings included.
const NOT_ALLOWED: &str = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.";
const NOT_ENABLED: &str = "CORSResponse: CORS is not enabled for this bucket.";

fn forbidden(message: &str) -> OssError {
    OssError::new(403, "AccessForbidden", message)
}

/// The bucket's CORS configuration, if it has one.
fn configuration(emulator: &Emulator, bucket: &str) -> Option<BucketCors> {
    let meta = emulator.store.bucket(bucket)?;
    BucketCors::from_xml(meta.configs.get("cors")?).ok()
}

/// Answers an OPTIONS preflight. Preflights carry no signature (browsers send none), so this
/// runs before authentication; it reveals no more than the CORS rules themselves.
pub(crate) fn preflight(emulator: &Emulator, bucket: Option<&str>, request: &Request) -> Outcome {
    let Some(bucket) = bucket else {
        return Err(forbidden(NOT_ENABLED));
    };
    let meta = emulator
        .store
        .bucket(bucket)
        .ok_or_else(|| OssError::no_such_bucket(bucket))?;
    let cors = meta
        .configs
        .get("cors")
        .and_then(|document| BucketCors::from_xml(document).ok())
        .ok_or_else(|| forbidden(NOT_ENABLED))?;
    // A browser always sends both; without them nothing can match.
    let (Some(origin), Some(method)) = (
        request.header("origin"),
        request.header("access-control-request-method"),
    ) else {
        return Err(forbidden(NOT_ALLOWED));
    };
    let requested: Vec<&str> = request
        .header("access-control-request-headers")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let rule = cors
        .rules
        .iter()
        .find(|rule| {
            allows(rule, origin, method.trim())
                && requested.iter().all(|header| {
                    rule.allowed_headers
                        .iter()
                        .any(|pattern| matches(pattern, header, true))
                })
        })
        .ok_or_else(|| forbidden(NOT_ALLOWED))?;
    let mut response = Response::new(200);
    allow(&mut response, rule, origin);
    if !requested.is_empty() {
        let requested: Vec<String> = requested.iter().map(|h| h.to_ascii_lowercase()).collect();
        response.set_header("Access-Control-Allow-Headers", requested.join(", "));
    }
    Ok(response)
}

/// Adds the CORS headers of the bucket's first rule that takes the request's origin and method
/// to `response`, whatever its status. Requests without `Origin` are not cross-origin: they
/// are left alone.
pub(crate) fn add_response_headers(
    emulator: &Emulator,
    request: &Request,
    response: &mut Response,
) {
    let Some(origin) = request.header("origin") else {
        return;
    };
    let Some(cors) = bucket_of(emulator, request).and_then(|b| configuration(emulator, &b)) else {
        return;
    };
    if cors.response_vary == Some(true) {
        // Whether the request is allowed or not: a cache must not serve one origin's answer
        // to another.
        response.set_header("Vary", "Origin");
    }
    let method = request.method.to_ascii_uppercase();
    if method == Method::Options.as_str() {
        // The preflight answered with its own headers, or was refused.
        return;
    }
    if let Some(rule) = cors.rules.iter().find(|rule| allows(rule, origin, &method)) {
        allow(response, rule, origin);
    }
}

/// The bucket a request addresses, as the handler reads it.
fn bucket_of(emulator: &Emulator, request: &Request) -> Option<String> {
    let path = request.target.split('?').next().unwrap_or("");
    let path = crate::handler::percent_decode(path, false)?;
    crate::handler::address(request.header("host"), &path, &emulator.domains).bucket
}

fn allows(rule: &CorsRule, origin: &str, method: &str) -> bool {
    rule.allowed_origins
        .iter()
        .any(|pattern| matches(pattern, origin, false))
        && rule.allowed_methods.iter().any(|m| m == method)
}

/// The headers of an allowed request. The origin is echoed, never `*`, so that requests with
/// credentials are allowed too.
fn allow(response: &mut Response, rule: &CorsRule, origin: &str) {
    response.set_header("Access-Control-Allow-Origin", origin);
    response.set_header(
        "Access-Control-Allow-Methods",
        rule.allowed_methods.join(", "),
    );
    if !rule.expose_headers.is_empty() {
        response.set_header(
            "Access-Control-Expose-Headers",
            rule.expose_headers.join(", "),
        );
    }
    if let Some(max_age) = rule.max_age_seconds {
        response.set_header("Access-Control-Max-Age", max_age.to_string());
    }
}

/// Whether `text` matches `pattern`, where each `*` stands for any run of characters.
fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (pattern, text) = if ignore_case {
        (pattern.to_ascii_lowercase(), text.to_ascii_lowercase())
    } else {
        (pattern.to_string(), text.to_string())
    };
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*`: the whole text must be the pattern.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches("*", "https://a.example", false));
        assert!(matches(
            "https://*.example.com",
            "https://www.example.com",
            false
        ));
        assert!(!matches(
            "https://*.example.com",
            "https://example.com",
            false
        ));
        assert!(!matches(
            "https://*.example.com",
            "http://www.example.com",
            false
        ));
        assert!(matches("http://a.test", "http://a.test", false));
        assert!(!matches("http://a.test", "http://a.test:8080", false));
        assert!(!matches("http://A.test", "http://a.test", false));
        assert!(matches("x-oss-*", "X-OSS-Meta-A", true));
        assert!(matches("*-date", "x-oss-date", true));
        assert!(matches("a*b*c", "abc", false));
        assert!(matches("a*b*c", "a-b-b-c", false));
        assert!(!matches("a*b*c", "a-c-b", false));
        assert!(!matches("ab*ba", "aba", false));
    }
}
