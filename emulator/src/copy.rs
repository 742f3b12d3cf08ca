//! Server-side copies and links: CopyObject (`x-oss-copy-source`), PutSymlink/GetSymlink
//! (`?symlink`), and DeleteMultipleObjects (`POST /?delete`).
//!
//! Not implemented yet: these requests reach the generic handlers, which answer
//! `NotImplemented` for the sub-resources (and would treat a plain copy as a PutObject).

use std::io::Read;

use crate::handler::{Context, Emulator, Outcome};
use crate::store::BucketMeta;

/// Object-level sub-resources this module answers.
pub(crate) const OBJECT_SUBRESOURCES: &[&str] = &[];
/// Bucket-level sub-resources this module answers.
pub(crate) const BUCKET_SUBRESOURCES: &[&str] = &[];

/// The object-level requests that are this module's; None: not one of them.
pub(crate) fn handle_object(
    _emulator: &Emulator,
    _ctx: &Context<'_>,
    _bucket: &BucketMeta,
    _body: &mut dyn Read,
) -> Option<Outcome> {
    None
}

/// The bucket-level requests that are this module's; None: not one of them.
pub(crate) fn handle_bucket(
    _emulator: &Emulator,
    _ctx: &Context<'_>,
    _bucket: &BucketMeta,
    _body: &mut dyn Read,
) -> Option<Outcome> {
    None
}
