//! Operations: each builds its request description and reads its response (oss2's `Bucket` and
//! `Service` methods, one typed value each). Drivers run any of them through one generic
//! `execute`: sign [`Operation::request`], send it, hand the answer to [`Operation::parse`].

pub mod object;

use crate::error::{ClientError, Error};
use crate::request::Request;
use crate::response::ResponseHead;

/// One OSS operation, without I/O.
pub trait Operation {
    /// What a successful answer yields.
    type Output;

    /// The request to send. Refuses invalid input before anything is sent.
    fn request(&self) -> Result<Request, ClientError>;

    /// Reads the answer: `head` and, for operations that answer with XML, the whole `body`.
    /// Operations whose body is object data (GetObject) read the head only; the driver streams
    /// the body. A non-2xx answer becomes [`Error::Server`].
    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<Self::Output, Error>;
}
