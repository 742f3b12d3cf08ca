//! HTTP headers of a request: ordered, names case-insensitive, checked on the way in.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use core::fmt;

use crate::error::ClientError;

/// Request headers in insertion order. Setting a name that is already present (in any case)
/// replaces its value in place, as oss2's case-insensitive dict does.
///
/// `Debug` shows `<redacted>` for the values of [`is_sensitive`] headers.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

impl Headers {
    pub fn new() -> Headers {
        Headers::default()
    }

    /// Sets `name: value` after checking both can be sent as they are: the name must be an HTTP
    /// token, the value printable ASCII (tab allowed). A line break would let the value inject
    /// headers; a non-ASCII byte is signed as UTF-8 but sent differently by many HTTP stacks.
    pub fn insert(&mut self, name: &str, value: &str) -> Result<(), ClientError> {
        check_name(name)?;
        check_value(name, value)?;
        self.set_unchecked(name, value);
        Ok(())
    }

    /// Builder form of [`Headers::insert`].
    pub fn with(mut self, name: &str, value: &str) -> Result<Headers, ClientError> {
        self.insert(name, value)?;
        Ok(self)
    }

    /// For names and values the core produces itself (dates, signatures, tokens checked once).
    pub(crate) fn set_unchecked(&mut self, name: &str, value: &str) {
        self.set_owned(name, value.to_string());
    }

    /// [`Headers::set_unchecked`] taking the value by move (signatures built in place).
    pub(crate) fn set_owned(&mut self, name: &str, value: String) {
        match self
            .entries
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(entry) => {
                entry.0.clear();
                entry.0.push_str(name);
                entry.1 = value;
            }
            None => self.entries.push((name.to_string(), value)),
        }
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// The value of `name`, whatever its case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Removes `name` (any case); returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self
            .entries
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))?;
        Some(self.entries.remove(at).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_vec(self) -> Vec<(String, String)> {
        self.entries
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(name, value)| {
                (
                    name,
                    if is_sensitive(name) {
                        "<redacted>"
                    } else {
                        value
                    },
                )
            }))
            .finish()
    }
}

/// Headers whose values are credentials: a signature can be replayed for a while, an STS
/// token is a secret. Logs and `Debug` output should not show them.
pub fn is_sensitive(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("x-oss-security-token")
}

/// RFC 9110 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_name(name: &str) -> Result<(), ClientError> {
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(ClientError::InvalidHeader {
            name: name.to_string(),
            reason: "a header name must be a non-empty HTTP token",
        });
    }
    Ok(())
}

pub(crate) fn check_value(name: &str, value: &str) -> Result<(), ClientError> {
    let reason = if value.bytes().any(|b| b == b'\r' || b == b'\n') {
        "the value contains a line break"
    } else if !value.is_ascii() {
        "the value is not ASCII (encode it first, e.g. percent-encode user metadata)"
    } else if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        "the value contains a control character"
    } else {
        return Ok(());
    };
    Err(ClientError::InvalidHeader {
        name: name.to_string(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_replace_in_place() {
        let mut h = Headers::new();
        h.insert("Content-Type", "text/plain").unwrap();
        h.insert("x-oss-meta-a", "1").unwrap();
        h.insert("content-type", "image/png").unwrap();
        assert_eq!(h.get("CONTENT-TYPE"), Some("image/png"));
        let names: Vec<&str> = h.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["content-type", "x-oss-meta-a"]);
        assert_eq!(h.remove("X-OSS-META-A").as_deref(), Some("1"));
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn refuses_unsendable_values() {
        let mut h = Headers::new();
        for bad in [
            "a\r\nx-oss-acl: public-read",
            "line\nbreak",
            "carriage\rreturn",
            "naïve",
            "nul\0",
            "中文",
        ] {
            let err = h.insert("x-oss-meta-a", bad).unwrap_err();
            assert!(matches!(err, ClientError::InvalidHeader { .. }), "{bad:?}");
        }
        for bad in ["", "bad name", "x-oss-meta-ä", "a:b"] {
            assert!(h.insert(bad, "v").is_err(), "{bad:?}");
        }
        h.insert("x-oss-meta-a", "a b  c\tspaces kept").unwrap();
        h.insert("x-oss-meta-empty", "").unwrap();
        assert!(!h.is_empty());
    }
}
