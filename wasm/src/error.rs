//! Failures as JavaScript sees them: `Error` objects carrying ali-oss's fields (`name`, `code`,
//! `status`, `requestId`, `hostId`, `ec`), built from the one taxonomy of the core.

use js_sys::Reflect;
use oss_core::error::ClientError;
use wasm_bindgen::JsValue;

/// Everything a call can fail with.
#[derive(Debug)]
pub(crate) enum Error {
    /// The core refused the input, could not read the answer, OSS answered with an error, or a
    /// CRC-64 check failed. `status` and `request_id` come from the answer (0 and "" when
    /// nothing was sent).
    Core {
        error: oss_core::Error,
        status: u16,
        request_id: String,
    },
    /// `fetch` failed: network, CORS refusal, DNS, or the timeout fired.
    Request { timeout: bool, message: String },
    /// The caller passed something the API cannot take (a wrong type).
    Argument(String),
    /// The caller's `signal` cancelled the call.
    Aborted,
}

impl Error {
    pub(crate) fn argument(message: impl Into<String>) -> Error {
        Error::Argument(message.into())
    }

    /// A rejected `fetch` (or body read): a `TypeError` for network and CORS failures, a
    /// `TimeoutError`/`AbortError` `DOMException` for the timeout.
    pub(crate) fn request(value: JsValue) -> Error {
        let name = Reflect::get(&value, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let message = Reflect::get(&value, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "fetch failed".to_string());
        Error::Request {
            timeout: name == "TimeoutError" || name == "AbortError",
            message,
        }
    }

    /// Adds what the answer said about itself.
    pub(crate) fn with_answer(self, status: u16, request_id: &str) -> Error {
        match self {
            Error::Core { error, .. } => Error::Core {
                error,
                status,
                request_id: request_id.to_string(),
            },
            other => other,
        }
    }

    /// Whether sending the same request again could succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::Core { error, .. } => error.is_retryable(),
            Error::Request { .. } => true,
            Error::Argument(_) | Error::Aborted => false,
        }
    }

    pub(crate) fn server(&self) -> Option<&oss_core::ServerError> {
        match self {
            Error::Core {
                error: oss_core::Error::Server(e),
                ..
            } => Some(e),
            _ => None,
        }
    }

    /// The JavaScript `Error`: server errors are named after their code as ali-oss names them
    /// (`NoSuchKeyError`), transport failures `RequestError` or `ConnectionTimeoutError`
    /// (status -1), a failed CRC-64 check `InconsistentError` (with `clientCrc`/`serverCrc`).
    pub(crate) fn into_js(self) -> JsValue {
        let (name, code, message, status, request_id) = match &self {
            Error::Core {
                error: oss_core::Error::Server(e),
                ..
            } => {
                let code = if e.raw_code.is_empty() {
                    "Unknown".to_string()
                } else {
                    e.raw_code.clone()
                };
                let message = if e.message.is_empty() {
                    e.to_string()
                } else {
                    e.message.clone()
                };
                let name = code.clone() + "Error";
                (name, code, message, e.status as f64, e.request_id.clone())
            }
            Error::Core {
                error,
                status,
                request_id,
            } => {
                let name = match error {
                    oss_core::Error::Client(_) => "ClientError",
                    oss_core::Error::Inconsistent(_) => "InconsistentError",
                    _ => "DecodeError",
                };
                let status = if *status == 0 { -1.0 } else { *status as f64 };
                (
                    name.to_string(),
                    name.to_string(),
                    error.to_string(),
                    status,
                    request_id.clone(),
                )
            }
            Error::Request { timeout, message } => {
                let name = if *timeout {
                    "ConnectionTimeoutError"
                } else {
                    "RequestError"
                };
                (
                    name.to_string(),
                    name.to_string(),
                    message.clone(),
                    -1.0,
                    String::new(),
                )
            }
            Error::Aborted => (
                "AbortError".to_string(),
                "AbortError".to_string(),
                "the call was cancelled through its signal".to_string(),
                -1.0,
                String::new(),
            ),
            Error::Argument(message) => (
                "TypeError".to_string(),
                "InvalidArgument".to_string(),
                message.clone(),
                -1.0,
                String::new(),
            ),
        };
        let js = js_sys::Error::new(&message);
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&js, &key.into(), &value);
        };
        set("name", name.into());
        set("code", code.into());
        set("status", status.into());
        set("requestId", request_id.into());
        let server = self.server();
        set(
            "hostId",
            server.map(|e| e.host_id.as_str()).unwrap_or("").into(),
        );
        set("ec", server.map(|e| e.ec.as_str()).unwrap_or("").into());
        if let Error::Core {
            error: oss_core::Error::Inconsistent(e),
            ..
        } = &self
        {
            set("clientCrc", e.client_crc.to_string().into());
            set("serverCrc", e.server_crc.to_string().into());
        }
        js.into()
    }
}

impl From<oss_core::Error> for Error {
    fn from(error: oss_core::Error) -> Error {
        Error::Core {
            error,
            status: 0,
            request_id: String::new(),
        }
    }
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Error {
        Error::from(oss_core::Error::Client(error))
    }
}

impl From<oss_core::error::DecodeError> for Error {
    fn from(error: oss_core::error::DecodeError) -> Error {
        Error::from(oss_core::Error::Decode(error))
    }
}
