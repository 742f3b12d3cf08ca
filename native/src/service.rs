//! oss2's `Service`: what an account holds.

use oss_core::ops::service::{BucketSummary, ListBuckets, ListBucketsResult};
use oss_core::sign::Signer;

use crate::{Client, Error, Options, Pages};

/// oss2's `Service(auth, endpoint)`.
#[derive(Debug, Clone)]
pub struct Service {
    client: Client,
}

impl Service {
    pub fn new(auth: Signer, endpoint: &str) -> Result<Service, Error> {
        Service::with_options(auth, endpoint, &Options::default())
    }

    pub fn with_options(auth: Signer, endpoint: &str, options: &Options) -> Result<Service, Error> {
        Ok(Service {
            client: Client::new(auth, endpoint, options)?,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// One page of buckets (`Service.list_buckets`).
    pub fn list_buckets(
        &self,
        prefix: &str,
        marker: &str,
        max_keys: u32,
    ) -> Result<ListBucketsResult, Error> {
        let op = ListBuckets {
            prefix: prefix.into(),
            marker: marker.into(),
            max_keys,
            ..ListBuckets::new()
        };
        self.client.execute(&op, ())
    }

    /// Every bucket whose name starts with `prefix`, `max_keys` per request (oss2's
    /// `BucketIterator`).
    pub fn bucket_iter(
        &self,
        prefix: &str,
        max_keys: u32,
    ) -> impl Iterator<Item = Result<BucketSummary, Error>> + '_ {
        let first = ListBuckets {
            prefix: prefix.into(),
            max_keys,
            ..ListBuckets::new()
        };
        flatten(Pages::new(&self.client, first), |page| page.buckets)
    }
}

/// The items of each page, in order; an error ends the iteration after it is yielded.
pub(crate) fn flatten<'c, P, T>(
    pages: impl Iterator<Item = Result<P, Error>> + 'c,
    items: impl Fn(P) -> Vec<T> + 'c,
) -> impl Iterator<Item = Result<T, Error>> + 'c
where
    T: 'c,
{
    pages.flat_map(move |page| -> Vec<Result<T, Error>> {
        match page {
            Ok(page) => items(page).into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    })
}
