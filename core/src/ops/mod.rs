//! Operations: each builds its request description and reads its response (oss2's `Bucket` and
//! `Service` methods, one typed value each). Drivers run any of them through one generic
//! `execute`: sign [`Operation::request`], send it, hand the answer to [`Operation::parse`].

pub mod bucket;
pub mod copy;
pub mod delete_objects;
pub mod live_channel;
pub mod multipart;
pub mod object;
pub mod service;
pub mod symlink;

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::request::Request;
use crate::response::ResponseHead;

/// Extra query parameters an operation may carry (oss2's `params=`): `versionId`, the
/// `response-*` overrides, `x-oss-traffic-limit` …
pub type Params = Vec<(String, Option<String>)>;

/// Adds the caller's extra query parameters and headers (oss2's `params=` and `headers=`) to
/// an operation's request; the operation sets its own afterwards, so they win.
pub(crate) fn with_extras(
    mut request: Request,
    params: &Params,
    headers: &Headers,
) -> Result<Request, ClientError> {
    for (name, value) in params {
        request = request.with_query(name, value.as_deref());
    }
    for (name, value) in headers.iter() {
        request = request.with_header(name, value)?;
    }
    Ok(request)
}

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

    /// Whether a driver may send `request` (this operation's) again after a failure that a
    /// retry can cure: a second attempt after one OSS carried out must do no harm. Every
    /// method but POST by default; the POSTs that are safe say so (a second
    /// InitMultipartUpload only leaves an empty upload behind, deleting twice deletes once, a
    /// second CompleteMultipartUpload after one that succeeded answers `NoSuchUpload`), while
    /// AppendObject is not: a repeated append would add the data twice or fail on its position.
    fn retry_safe(&self, request: &Request) -> bool {
        request.method() != crate::request::Method::Post
    }
}

/// `Content-MD5`: base64 of the MD5 digest of `body` (oss2 sends it with some XML bodies, and
/// callers may send it with object data so OSS rejects a corrupted upload; with V1
/// it is signed).
pub fn content_md5(body: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(body))
}

/// A listing read page by page, as a state machine without I/O (quinn-proto style): ask for
/// [`Pager::next_operation`], send it, give the answer to [`Pager::handle_response`], repeat
/// until `next_operation` is None.
pub trait Paginated: Operation + Sized {
    /// The operation that fetches the page after `page`, or None when `page` was the last.
    fn next_page(&self, page: &Self::Output) -> Option<Self>;
}

/// Drives a [`Paginated`] listing.
#[derive(Debug, Clone)]
pub struct Pager<O> {
    next: Option<O>,
}

impl<O: Paginated> Pager<O> {
    pub fn new(first: O) -> Pager<O> {
        Pager { next: Some(first) }
    }

    /// The operation to send next; None once the last page has been handled.
    pub fn next_operation(&self) -> Option<&O> {
        self.next.as_ref()
    }

    /// Reads the answer to [`Pager::next_operation`] and returns its page. On an error the
    /// pager stays where it was, so the same page can be asked for again.
    pub fn handle_response(
        &mut self,
        head: &ResponseHead,
        body: &[u8],
    ) -> Result<O::Output, Error> {
        let Some(current) = &self.next else {
            return Err(Error::Client(ClientError::InvalidFormat {
                what: "pager state (the listing is complete)",
                value: String::new(),
            }));
        };
        let page = current.parse(head, body)?;
        self.next = current.next_page(&page);
        Ok(page)
    }

    pub fn is_done(&self) -> bool {
        self.next.is_none()
    }
}
