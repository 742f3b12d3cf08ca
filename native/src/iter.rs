//! Listings as iterators over the core's pagers: one request per page, on demand.

use oss_core::ops::service::ObjectSummary;
use oss_core::ops::{Pager, Paginated};

use crate::{BodySource, Client, Error};

/// The pages of a listing, fetched as the iterator advances. After an error it ends.
#[derive(Debug)]
pub struct Pages<'c, O> {
    client: &'c Client,
    pager: Pager<O>,
    failed: bool,
}

impl<'c, O: Paginated> Pages<'c, O> {
    pub fn new(client: &'c Client, first: O) -> Pages<'c, O> {
        Pages {
            client,
            pager: Pager::new(first),
            failed: false,
        }
    }
}

impl<O: Paginated> Iterator for Pages<'_, O> {
    type Item = Result<O::Output, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let operation = self.pager.next_operation()?;
        let request = operation.request();
        let retry_safe = request.as_ref().is_ok_and(|r| operation.retry_safe(r));
        let pager = &mut self.pager;
        let client = self.client;
        let page = request.map_err(Error::from).and_then(|request| {
            client.run(
                &request,
                retry_safe,
                &mut BodySource::empty(),
                |head, body| {
                    let bytes = crate::client::read_small(body)?;
                    client.learn(pager.handle_response(&head, &bytes))
                },
            )
        });
        self.failed = page.is_err();
        Some(page)
    }
}

/// One entry of an object listing (oss2's `SimplifiedObjectInfo`): an object, or a common
/// prefix when a delimiter groups keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListEntry {
    Object(ObjectSummary),
    Prefix(String),
}

impl ListEntry {
    pub fn key(&self) -> &str {
        match self {
            ListEntry::Object(object) => &object.key,
            ListEntry::Prefix(prefix) => prefix,
        }
    }

    /// oss2's `is_prefix()`.
    pub fn is_prefix(&self) -> bool {
        matches!(self, ListEntry::Prefix(_))
    }
}
