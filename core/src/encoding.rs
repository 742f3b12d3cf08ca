//! Percent-encoding as OSS URLs need it.
//!
//! oss2 quotes object keys and presigned-URL query parts with Python's `quote(x, safe='')`: only
//! the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~` stay literal, everything else —
//! `/`, space, `+`, `=`, every UTF-8 byte — becomes `%XX` with upper-case hex.

use alloc::string::String;
use core::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the unreserved characters.
pub const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// [`STRICT`], but keeping `/` (presigned URLs with `slash_safe`).
pub const SLASH_SAFE: &AsciiSet = &STRICT.remove(b'/');

/// Appends `s` percent-encoded with `set`.
pub fn push_encoded(out: &mut String, s: &str, set: &'static AsciiSet) {
    // `Display` of the encoder writes borrowed slices straight into `out`: no temporary string.
    let _ = write!(out, "{}", utf8_percent_encode(s, set));
}

/// Appends a query string (`?a=1&b`) built from ordered pairs, each part strictly encoded.
///
/// A pair whose value is empty or absent is rendered as the bare name, as OSS sub-resources are
/// written (`?acl`, `?uploads`) and as oss2's presigned URLs render them.
pub fn push_query<'a, I>(out: &mut String, pairs: I)
where
    I: IntoIterator<Item = (&'a str, Option<&'a str>)>,
{
    let mut first = true;
    for (name, value) in pairs {
        out.push(if first { '?' } else { '&' });
        first = false;
        push_encoded(out, name, STRICT);
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out.push('=');
            push_encoded(out, value, STRICT);
        }
    }
}

/// Percent-decodes a value OSS sent with `encoding-type=url`, as oss2's `unquote` does: `%XX`
/// sequences become bytes (UTF-8 decoded), `+` stays `+`.
pub fn url_decode(s: &str) -> Result<String, crate::error::DecodeError> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(alloc::borrow::Cow::into_owned)
        .map_err(|e| crate::error::DecodeError {
            what: String::from("url-encoded value"),
            reason: alloc::format!("{s:?} does not decode to UTF-8: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str, set: &'static AsciiSet) -> String {
        let mut out = String::new();
        push_encoded(&mut out, s, set);
        out
    }

    #[test]
    fn strict_keeps_only_unreserved() {
        assert_eq!(
            enc("a b/c+d?e#f%g&h=i", STRICT),
            "a%20b%2Fc%2Bd%3Fe%23f%25g%26h%3Di"
        );
        assert_eq!(
            enc("tilde~under_score-dash.dot", STRICT),
            "tilde~under_score-dash.dot"
        );
        assert_eq!(enc("é", STRICT), "%C3%A9");
        assert_eq!(enc("a/b c", SLASH_SAFE), "a/b%20c");
    }

    #[test]
    fn url_decode_keeps_plus() {
        assert_eq!(url_decode("a%20b+c%2Bd%25%E4%B8%AD").unwrap(), "a b+c+d%中");
        assert!(url_decode("%FF").is_err());
    }

    #[test]
    fn query_renders_empty_values_bare() {
        let mut out = String::new();
        push_query(
            &mut out,
            [("acl", Some("")), ("x", None), ("p", Some("a/b"))],
        );
        assert_eq!(out, "?acl&x&p=a%2Fb");
    }
}
