//! Where buckets and objects live. The handler owns the OSS semantics (ETags, CRCs, ACLs,
//! listings order); a store only keeps metadata and bytes, so a second store (a directory that
//! survives restarts) is a small piece of code.

mod dir;
mod memory;

pub use dir::DirStore;
pub use memory::MemoryStore;

use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::{Bound, Range};
use std::path::{Path, PathBuf};

/// `Normal`, `Appendable`, `Multipart` or `Symlink`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    Normal,
    Appendable,
    Multipart,
    Symlink,
}

impl ObjectType {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Normal => "Normal",
            ObjectType::Appendable => "Appendable",
            ObjectType::Multipart => "Multipart",
            ObjectType::Symlink => "Symlink",
        }
    }
}

/// Everything about an object but its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub key: String,
    pub size: u64,
    /// With its quotes, as OSS sends it.
    pub etag: String,
    pub crc64: u64,
    /// Unix seconds.
    pub last_modified: i64,
    pub object_type: ObjectType,
    pub storage_class: String,
    /// `default` follows the bucket.
    pub acl: String,
    /// Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Expires and the
    /// `x-oss-meta-*` headers, as given at upload (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// For symlinks: the target key.
    pub symlink_target: Option<String>,
}

/// A bucket and its configuration documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketMeta {
    pub name: String,
    /// Unix seconds.
    pub created: i64,
    pub acl: String,
    pub storage_class: String,
    /// `oss-cn-hangzhou` and the like.
    pub location: String,
    /// Sub-resource (`cors`, `lifecycle`, …) → the XML document stored for it.
    pub configs: BTreeMap<String, Vec<u8>>,
}

/// A part of a multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartMeta {
    pub part_number: u32,
    pub size: u64,
    pub etag: String,
    pub crc64: u64,
    pub last_modified: i64,
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadMeta {
    pub upload_id: String,
    pub key: String,
    /// Unix seconds.
    pub initiated: i64,
    /// What the object will be made of (headers, ACL, storage class) once completed.
    pub object: ObjectMeta,
}

/// An object's bytes, readable from anywhere: a file, or bytes in memory.
pub trait ObjectData: Read + Seek + Send {}

impl<T: Read + Seek + Send> ObjectData for T {}

/// An object as it was at one moment: its metadata and the bytes that metadata describes,
/// taken together, so that a reader never pairs one version's ETag, CRC and length with
/// another version's bytes.
pub struct StoredObject {
    pub meta: ObjectMeta,
    pub data: Box<dyn ObjectData>,
}

impl std::fmt::Debug for StoredObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredObject")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl StoredObject {
    /// The bytes of `range` (cut to the object's size).
    pub fn range(mut self, range: Range<u64>) -> io::Result<Box<dyn Read + Send>> {
        let end = range.end.min(self.meta.size);
        let start = range.start.min(end);
        self.data.seek(SeekFrom::Start(start))?;
        Ok(Box::new(self.data.take(end - start)))
    }
}

/// Bytes read by [`Store::stage`], not visible until committed (dropping them discards them).
#[derive(Debug)]
pub enum Staged {
    Memory(Vec<u8>),
    /// A temporary file of the directory store, renamed into place on commit.
    File(StagedFile),
}

/// A temporary file that is removed when dropped, unless it was moved into place first: an
/// upload refused after it was staged (a copy whose source turned out short, an append at
/// the wrong position) leaves nothing behind.
#[derive(Debug)]
pub struct StagedFile {
    path: PathBuf,
    kept: bool,
}

impl StagedFile {
    pub(crate) fn new(path: PathBuf) -> StagedFile {
        StagedFile { path, kept: false }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file to `target`, which then owns it; on failure the file is removed.
    pub(crate) fn persist(mut self, target: &Path) -> io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[derive(Debug)]
pub enum StoreError {
    NoSuchBucket,
    BucketNotEmpty,
    NoSuchKey,
    NoSuchUpload,
    /// An append's position is not the object's length, which is this.
    PositionNotEqualToLength {
        length: u64,
    },
    /// An append to an object that is not appendable.
    ObjectNotAppendable,
    Io(io::Error),
}

/// Makes the metadata an append publishes from the object's current metadata (None: there is
/// no object yet), or refuses the append ([`StoreError::ObjectNotAppendable`]). The store
/// calls it under the lock that makes the append atomic.
pub type Grow<'a> = &'a dyn Fn(Option<&ObjectMeta>) -> Result<ObjectMeta, StoreError>;

/// [`Store::list_objects`] of a store that keeps its objects in key order, each with its data
/// (or where to find it).
pub(crate) fn listed<D>(
    objects: &BTreeMap<String, (ObjectMeta, D)>,
    prefix: &str,
    after: &str,
    limit: usize,
) -> Vec<ObjectMeta> {
    // Keys with the prefix are contiguous in key order, starting at the prefix itself.
    let start = if prefix > after {
        Bound::Included(prefix)
    } else {
        Bound::Excluded(after)
    };
    objects
        .range::<str, _>((start, Bound::Unbounded))
        .map(|(_, (meta, _))| meta)
        .take_while(|meta| meta.key.starts_with(prefix))
        .take(limit)
        .cloned()
        .collect()
}

/// What [`Store::update_object`] publishes: `meta`'s metadata (ACL, headers, storage class)
/// over the stored object's description of its bytes (size, ETag, CRC-64, type, symlink
/// target). A metadata change made from a copy read before a concurrent upload then cannot
/// describe the old bytes over the new ones.
pub fn updated(stored: &ObjectMeta, meta: ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        size: stored.size,
        etag: stored.etag.clone(),
        crc64: stored.crc64,
        object_type: stored.object_type,
        symlink_target: stored.symlink_target.clone(),
        last_modified: meta.last_modified.max(stored.last_modified),
        ..meta
    }
}

/// What an append at `position` publishes over `current`, or why it cannot: what every store's
/// [`Store::commit_append`] checks, and the handler too, before it takes the upload.
pub fn appended(
    current: Option<&ObjectMeta>,
    position: u64,
    grow: Grow<'_>,
) -> Result<ObjectMeta, StoreError> {
    let meta = grow(current)?;
    let length = current.map_or(0, |object| object.size);
    if position != length {
        return Err(StoreError::PositionNotEqualToLength { length });
    }
    Ok(meta)
}

impl From<io::Error> for StoreError {
    fn from(e: io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// The persistence the handler needs. Implementations must be safe to call from many threads
/// at once and must never leave a partly written object visible.
pub trait Store: Send + Sync {
    fn buckets(&self) -> Vec<BucketMeta>;
    fn bucket(&self, name: &str) -> Option<BucketMeta>;
    /// Creates or replaces a bucket's metadata.
    fn put_bucket(&self, meta: BucketMeta) -> Result<(), StoreError>;
    /// Refuses a bucket that still holds objects or uploads.
    fn delete_bucket(&self, name: &str) -> Result<(), StoreError>;

    fn object(&self, bucket: &str, key: &str) -> Option<ObjectMeta>;
    /// Reads an upload's bytes into the store without making them visible: the caller checks
    /// them (Content-MD5, length) and computes ETag and CRC while they stream, then commits.
    fn stage(&self, bucket: &str, data: &mut dyn Read) -> Result<Staged, StoreError>;
    /// Publishes staged bytes as the object `meta` describes, replacing any previous one at
    /// once: readers see the old object or the new one, never a mix.
    fn commit_object(
        &self,
        bucket: &str,
        staged: Staged,
        meta: ObjectMeta,
    ) -> Result<(), StoreError>;
    /// Appends staged bytes to the object `key` (created if missing) at `position`, and
    /// publishes the metadata `grow` makes, as one step: `position` must be the object's length
    /// at that moment (see [`appended`]), so of two appends at one position one succeeds and
    /// the other gets `PositionNotEqualToLength` with the new length. Returns what was
    /// published.
    fn commit_append(
        &self,
        bucket: &str,
        key: &str,
        staged: Staged,
        position: u64,
        grow: Grow<'_>,
    ) -> Result<ObjectMeta, StoreError>;
    /// Replaces metadata only (ACL, headers): see [`updated`].
    fn update_object(&self, bucket: &str, meta: ObjectMeta) -> Result<(), StoreError>;
    /// The object's metadata and bytes, as one version (see [`StoredObject`]): a commit that
    /// replaces the object afterwards does not change what this reads.
    fn read_object(&self, bucket: &str, key: &str) -> Result<StoredObject, StoreError>;
    fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, StoreError>;
    /// Up to `limit` objects whose keys start with `prefix` and sort after `after`, in key
    /// order (byte order, as OSS lists).
    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<ObjectMeta>, StoreError>;

    fn create_upload(&self, bucket: &str, upload: UploadMeta) -> Result<(), StoreError>;
    fn upload(&self, bucket: &str, upload_id: &str) -> Option<UploadMeta>;
    /// Uploads in progress, by key then upload id.
    fn uploads(&self, bucket: &str) -> Result<Vec<UploadMeta>, StoreError>;
    fn commit_part(
        &self,
        bucket: &str,
        upload_id: &str,
        staged: Staged,
        part: PartMeta,
    ) -> Result<(), StoreError>;
    fn parts(&self, bucket: &str, upload_id: &str) -> Result<Vec<PartMeta>, StoreError>;
    /// Makes the object out of the listed parts, in order, and ends the upload.
    fn complete_upload(
        &self,
        bucket: &str,
        upload_id: &str,
        parts: &[u32],
        meta: ObjectMeta,
    ) -> Result<ObjectMeta, StoreError>;
    fn abort_upload(&self, bucket: &str, upload_id: &str) -> Result<(), StoreError>;
}
