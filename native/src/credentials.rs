//! Credentials read before each request, so that temporary (STS) keys can be renewed while a
//! client lives.

use std::fmt;
use std::sync::Mutex;

use oss_core::Credentials;

use crate::Error;

/// Gives the credentials to sign the next request with. Called before every request (and
/// every retry), so it must be cheap when nothing changed.
pub trait CredentialsProvider: Send + Sync {
    /// `now` is the driver's clock (Unix seconds, corrected for skew).
    fn credentials(&self, now: i64) -> Result<Credentials, Error>;
}

/// The same credentials for ever.
#[derive(Debug, Clone)]
pub struct StaticCredentials(pub Credentials);

impl CredentialsProvider for StaticCredentials {
    fn credentials(&self, _now: i64) -> Result<Credentials, Error> {
        Ok(self.0.clone())
    }
}

/// STS credentials renewed through `refresh`, which returns new credentials and the Unix time
/// they expire at. They are renewed `margin` seconds before that, so that a request signed
/// just before expiry does not arrive just after it.
pub struct StsCredentials<F> {
    refresh: F,
    margin: i64,
    current: Mutex<Option<(Credentials, i64)>>,
}

impl<F> StsCredentials<F>
where
    F: Fn() -> Result<(Credentials, i64), Error> + Send + Sync,
{
    /// Renews five minutes before expiry.
    pub fn new(refresh: F) -> StsCredentials<F> {
        StsCredentials::with_margin(refresh, 300)
    }

    pub fn with_margin(refresh: F, margin: i64) -> StsCredentials<F> {
        StsCredentials {
            refresh,
            margin,
            current: Mutex::new(None),
        }
    }
}

impl<F> CredentialsProvider for StsCredentials<F>
where
    F: Fn() -> Result<(Credentials, i64), Error> + Send + Sync,
{
    fn credentials(&self, now: i64) -> Result<Credentials, Error> {
        // One renewal at a time: threads waiting here get the renewed credentials.
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current
            .as_ref()
            .is_none_or(|(_, expiration)| now >= expiration - self.margin)
        {
            *current = Some((self.refresh)()?);
        }
        Ok(current.as_ref().map(|(c, _)| c.clone()).expect("set above"))
    }
}

impl<F> fmt::Debug for StsCredentials<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("StsCredentials")
            .field("margin", &self.margin)
            .field("expiration", &current.as_ref().map(|(_, e)| *e))
            .finish()
    }
}
