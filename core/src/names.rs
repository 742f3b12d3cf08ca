//! Bucket names and object keys: what OSS accepts, checked before any request is built.

use alloc::string::ToString;

use crate::error::{ClientError, KeyProblem, MAX_KEY_LEN};

/// A bucket name is 3–63 characters of `a-z`, `0-9` and `-`, starting with a letter or digit and
/// not ending with `-` (oss2's `is_valid_bucket_name`).
pub fn is_valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

pub fn check_bucket_name(name: &str) -> Result<(), ClientError> {
    if is_valid_bucket_name(name) {
        Ok(())
    } else {
        Err(ClientError::InvalidBucketName {
            name: name.to_string(),
        })
    }
}

/// An object key is 1–1023 bytes of UTF-8 (`&str` guarantees the UTF-8).
pub fn check_object_key(key: &str) -> Result<(), ClientError> {
    let problem = if key.is_empty() {
        KeyProblem::Empty
    } else if key.len() > MAX_KEY_LEN {
        KeyProblem::TooLong { len: key.len() }
    } else {
        return Ok(());
    };
    Err(ClientError::InvalidObjectKey {
        key: key.to_string(),
        problem,
    })
}

/// A live channel name is part of the RTMP path: non-empty, at most 1023 bytes, no `/`.
pub fn check_live_channel_name(name: &str) -> Result<(), ClientError> {
    let reason = if name.is_empty() {
        "must not be empty"
    } else if name.len() > MAX_KEY_LEN {
        "must be at most 1023 bytes"
    } else if name.contains('/') {
        "must not contain '/'"
    } else {
        return Ok(());
    };
    Err(ClientError::InvalidLiveChannelName {
        name: name.to_string(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn bucket_names() {
        for ok in ["abc", "my-bucket", "0bucket", "a-b-c", &"a".repeat(63)] {
            assert!(is_valid_bucket_name(ok), "{ok}");
        }
        for bad in [
            "",
            "ab",
            &"a".repeat(64),
            "My-bucket",
            "-abc",
            "abc-",
            "a_bc",
            "a.bc",
            "ab c",
            "ábc",
        ] {
            assert!(!is_valid_bucket_name(bad), "{bad}");
            assert!(matches!(
                check_bucket_name(bad),
                Err(ClientError::InvalidBucketName { .. })
            ));
        }
    }

    #[test]
    fn object_keys() {
        assert!(check_object_key("k").is_ok());
        assert!(check_object_key(&"x".repeat(MAX_KEY_LEN)).is_ok());
        // 1023 bytes is the limit in bytes, not characters: 342 three-byte characters are 1026.
        let long: String = "语".repeat(342);
        assert_eq!(
            check_object_key(&long),
            Err(ClientError::InvalidObjectKey {
                key: long.clone(),
                problem: KeyProblem::TooLong { len: 1026 }
            })
        );
        assert!(matches!(
            check_object_key(""),
            Err(ClientError::InvalidObjectKey {
                problem: KeyProblem::Empty,
                ..
            })
        ));
    }
}
