//! Who signs, and STS refresh without races (ali-oss's `refreshSTSToken`, whose refresh fires
//! late, on every `signatureUrl`, or several times at once — browser.md §3, pain point 6).
//!
//! The refresh runs before a request when none has run yet (no credentials were given) or when
//! `refreshSTSTokenInterval` has passed since the last one, and once when OSS refuses the token
//! or the key. Concurrent requests share the refresh in flight: the first stores the Promise
//! that `refreshSTSToken()` returned and the others await that same Promise. A request refused
//! with credentials that are no longer current only retries with the new ones.

use std::cell::{Cell, RefCell};

use js_sys::{Function, Promise};
use oss_core::Credentials;
use oss_core::sign::{DateHeader, SignatureVersion, Signer};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::error::Error;
use crate::js::string;

/// How this client's signers sign: V1 or V4 (with its region), always in the browser's mode
/// (the time in `x-oss-date`; browsers cannot send `Date`).
#[derive(Debug, Clone)]
pub(crate) struct Signing {
    pub version: SignatureVersion,
    pub region: Option<String>,
}

impl Signing {
    /// The signer of these credentials.
    pub(crate) fn signer(
        &self,
        id: &str,
        secret: &str,
        token: Option<&str>,
    ) -> Result<Signer, Error> {
        let credentials = match token {
            Some(token) => Credentials::sts(id, secret, token)?,
            None => Credentials::new(id, secret)?,
        };
        let mut signer = Signer::v1(credentials)
            .with_date_header(DateHeader::XOssDate)
            .to_version(self.version);
        if let Some(region) = &self.region {
            signer = signer.with_region(region);
        }
        Ok(signer)
    }
}

/// The signer in use, and how to renew it.
#[derive(Debug)]
pub(crate) struct Auth {
    signer: RefCell<Signer>,
    signing: Signing,
    /// Counts renewals: a request remembers the one it was signed with.
    generation: Cell<u32>,
    refresh: Option<Refresh>,
}

#[derive(Debug)]
struct Refresh {
    function: Function,
    interval_ms: f64,
    /// `Date.now()` of the last renewal (never: -∞).
    last: Cell<f64>,
    in_flight: RefCell<Option<Promise>>,
}

impl Auth {
    /// `signer` now; renewed by `refresh` (`refreshSTSToken`) every `interval_ms`, first at
    /// the first request when `signer` has no credentials.
    pub(crate) fn new(
        signer: Signer,
        signing: Signing,
        refresh: Option<Function>,
        interval_ms: f64,
    ) -> Auth {
        let last = if signer.credentials().is_some() {
            js_sys::Date::now()
        } else {
            f64::NEG_INFINITY
        };
        Auth {
            signer: RefCell::new(signer),
            signing,
            generation: Cell::new(0),
            refresh: refresh.map(|function| Refresh {
                function,
                interval_ms,
                last: Cell::new(last),
                in_flight: RefCell::new(None),
            }),
        }
    }

    /// The signer as it is (presigned URLs never wait for a refresh).
    pub(crate) fn current(&self) -> Signer {
        self.signer.borrow().clone()
    }

    /// The signer for a request about to be sent, renewed first when due, and its generation.
    pub(crate) async fn for_request(&self) -> Result<(Signer, u32), Error> {
        if let Some(refresh) = &self.refresh
            && js_sys::Date::now() - refresh.last.get() >= refresh.interval_ms
        {
            self.renew().await?;
        }
        Ok((self.current(), self.generation.get()))
    }

    /// After OSS refused the credentials of generation `used`: whether to send again, renewing
    /// first unless another request already did.
    pub(crate) async fn refused(&self, used: u32) -> Result<bool, Error> {
        if self.refresh.is_none() {
            return Ok(false);
        }
        if self.generation.get() == used {
            self.renew().await?;
        }
        Ok(true)
    }

    /// Runs `refreshSTSToken()` — or joins the run in flight — and installs what it gives.
    async fn renew(&self) -> Result<(), Error> {
        let Some(refresh) = &self.refresh else {
            return Ok(());
        };
        let joined = refresh.in_flight.borrow().clone();
        let promise = match joined {
            Some(promise) => promise,
            None => {
                let value = refresh
                    .function
                    .call0(&JsValue::UNDEFINED)
                    .map_err(Error::request)?;
                let promise = Promise::resolve(&value);
                *refresh.in_flight.borrow_mut() = Some(promise.clone());
                promise
            }
        };
        let result = JsFuture::from(promise.clone()).await;
        // The first request back installs the credentials; the others find it done.
        let mine = refresh
            .in_flight
            .borrow()
            .as_ref()
            .is_some_and(|p| JsValue::from(p) == JsValue::from(&promise));
        if !mine {
            return Ok(());
        }
        refresh.in_flight.borrow_mut().take();
        let value = result.map_err(Error::request)?;
        let required = |key: &str| {
            string(&value, key)?.ok_or_else(|| {
                Error::argument(format!("refreshSTSToken() must resolve with {{{key}, …}}"))
            })
        };
        let signer = self.signing.signer(
            &required("accessKeyId")?,
            &required("accessKeySecret")?,
            string(&value, "stsToken")?.as_deref(),
        )?;
        *self.signer.borrow_mut() = signer;
        self.generation.set(self.generation.get() + 1);
        refresh.last.set(js_sys::Date::now());
        Ok(())
    }
}

/// The codes with which OSS refuses credentials that a refresh may cure.
pub(crate) fn is_refused_credentials(code: &str) -> bool {
    matches!(
        code,
        "InvalidAccessKeyId" | "SecurityTokenExpired" | "InvalidSecurityToken"
    )
}
