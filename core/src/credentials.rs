//! Access keys and STS tokens. The secret and the token never appear in `Debug` or `Display`.

use alloc::string::{String, ToString};
use core::fmt;

use crate::error::ClientError;
use crate::headers;

/// An AccessKey pair, optionally with an STS security token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials. Surrounding white space is trimmed, as oss2's `Auth` does: it is
    /// never part of a key and usually comes from copy and paste. The AccessKey ID travels in
    /// the Authorization header (or a URL), so it must be sendable as a header value.
    pub fn new(access_key_id: &str, access_key_secret: &str) -> Result<Credentials, ClientError> {
        let access_key_id = access_key_id.trim();
        headers::check_value("AccessKeyId", access_key_id)?;
        Ok(Credentials {
            access_key_id: access_key_id.to_string(),
            access_key_secret: access_key_secret.trim().to_string(),
            security_token: None,
        })
    }

    /// Temporary STS credentials. The token travels in a header, so it must be sendable as one.
    /// All three are trimmed (oss2's `StsAuth` does not; STS never issues values with
    /// surrounding white space, and a pasted line break would make the token unsendable).
    pub fn sts(
        access_key_id: &str,
        access_key_secret: &str,
        security_token: &str,
    ) -> Result<Credentials, ClientError> {
        let token = security_token.trim();
        headers::check_value("x-oss-security-token", token)?;
        let mut credentials = Credentials::new(access_key_id, access_key_secret)?;
        credentials.security_token = Some(token.to_string());
        Ok(credentials)
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    pub(crate) fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.access_key_id)?;
        if self.security_token.is_some() {
            f.write_str(" (STS)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn secrets_stay_out_of_debug_and_display() {
        let secret = "VerySecretKeyMaterial0123456789";
        let token = "CAIS+TokenMaterial==";
        let creds = Credentials::sts(" LTAI5tId ", secret, token).unwrap();
        for shown in [
            format!("{creds:?}"),
            format!("{creds:#?}"),
            format!("{creds}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(!shown.contains(token), "{shown}");
            assert!(!shown.contains("VerySecret"), "{shown}");
            assert!(shown.contains("LTAI5tId"), "{shown}");
        }
        assert_eq!(creds.access_key_id(), "LTAI5tId");
        assert_eq!(creds.security_token(), Some(token));
    }

    #[test]
    fn id_and_token_must_fit_a_header() {
        assert!(Credentials::sts("id", "secret", "tok\r\nen").is_err());
        assert!(Credentials::new("id\r\nx-evil: 1", "secret").is_err());
        assert!(Credentials::new("idé", "secret").is_err());
    }
}
