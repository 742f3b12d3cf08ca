//! Everything in memory: the default store, for tests.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{
    BucketMeta, Grow, ObjectMeta, PartMeta, Staged, Store, StoreError, StoredObject, UploadMeta,
    appended, listed, updated,
};

/// The parts of an upload, by part number, with their bytes.
type Parts = BTreeMap<u32, (PartMeta, Vec<u8>)>;

/// An object's bytes, shared with the readers that have them: a reader keeps the version it
/// opened while a commit replaces it (and an append copies it first if anyone reads it).
#[derive(Clone, Default)]
struct Bytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[derive(Default)]
struct Bucket {
    meta: Option<BucketMeta>,
    objects: BTreeMap<String, (ObjectMeta, Bytes)>,
    uploads: BTreeMap<String, (UploadMeta, Parts)>,
}

/// A store in memory; cheap to create, gone with the process.
#[derive(Default)]
pub struct MemoryStore {
    buckets: Mutex<BTreeMap<String, Bucket>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Bucket>> {
        // A panic while holding the lock leaves consistent data (every change is one insert).
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn read_all(data: &mut dyn Read) -> Result<Vec<u8>, StoreError> {
    let mut bytes = Vec::new();
    data.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The memory store only ever stages in memory.
fn bytes_of(staged: Staged) -> Result<Vec<u8>, StoreError> {
    match staged {
        Staged::Memory(bytes) => Ok(bytes),
        Staged::File(file) => Err(StoreError::Io(std::io::Error::other(format!(
            "{} was staged by another store",
            file.path().display()
        )))),
    }
}

fn bucket_mut<'a>(
    map: &'a mut BTreeMap<String, Bucket>,
    name: &str,
) -> Result<&'a mut Bucket, StoreError> {
    map.get_mut(name)
        .filter(|b| b.meta.is_some())
        .ok_or(StoreError::NoSuchBucket)
}

impl Store for MemoryStore {
    fn buckets(&self) -> Vec<BucketMeta> {
        self.lock()
            .values()
            .filter_map(|b| b.meta.clone())
            .collect()
    }

    fn bucket(&self, name: &str) -> Option<BucketMeta> {
        self.lock().get(name).and_then(|b| b.meta.clone())
    }

    fn put_bucket(&self, meta: BucketMeta) -> Result<(), StoreError> {
        let name = meta.name.clone();
        self.lock().entry(name).or_default().meta = Some(meta);
        Ok(())
    }

    fn delete_bucket(&self, name: &str) -> Result<(), StoreError> {
        let mut map = self.lock();
        let bucket = bucket_mut(&mut map, name)?;
        if !bucket.objects.is_empty() || !bucket.uploads.is_empty() {
            return Err(StoreError::BucketNotEmpty);
        }
        map.remove(name);
        Ok(())
    }

    fn object(&self, bucket: &str, key: &str) -> Option<ObjectMeta> {
        self.lock()
            .get(bucket)?
            .objects
            .get(key)
            .map(|(meta, _)| meta.clone())
    }

    fn stage(&self, bucket: &str, data: &mut dyn Read) -> Result<Staged, StoreError> {
        if self.bucket(bucket).is_none() {
            return Err(StoreError::NoSuchBucket);
        }
        Ok(Staged::Memory(read_all(data)?))
    }

    fn commit_object(
        &self,
        bucket: &str,
        staged: Staged,
        meta: ObjectMeta,
    ) -> Result<(), StoreError> {
        let bytes = bytes_of(staged)?;
        let mut map = self.lock();
        bucket_mut(&mut map, bucket)?
            .objects
            .insert(meta.key.clone(), (meta, Bytes(Arc::new(bytes))));
        Ok(())
    }

    fn commit_append(
        &self,
        bucket: &str,
        key: &str,
        staged: Staged,
        position: u64,
        grow: Grow<'_>,
    ) -> Result<ObjectMeta, StoreError> {
        let more = bytes_of(staged)?;
        let mut map = self.lock();
        let objects = &mut bucket_mut(&mut map, bucket)?.objects;
        let meta = appended(objects.get(key).map(|(meta, _)| meta), position, grow)?;
        let entry = objects
            .entry(key.to_string())
            .or_insert_with(|| (meta.clone(), Bytes::default()));
        Arc::make_mut(&mut entry.1.0).extend_from_slice(&more);
        entry.0 = meta.clone();
        Ok(meta)
    }

    fn update_object(&self, bucket: &str, meta: ObjectMeta) -> Result<(), StoreError> {
        let mut map = self.lock();
        let entry = bucket_mut(&mut map, bucket)?
            .objects
            .get_mut(&meta.key)
            .ok_or(StoreError::NoSuchKey)?;
        entry.0 = updated(&entry.0, meta);
        Ok(())
    }

    fn read_object(&self, bucket: &str, key: &str) -> Result<StoredObject, StoreError> {
        let mut map = self.lock();
        let (meta, bytes) = bucket_mut(&mut map, bucket)?
            .objects
            .get(key)
            .ok_or(StoreError::NoSuchKey)?;
        Ok(StoredObject {
            meta: meta.clone(),
            data: Box::new(Cursor::new(bytes.clone())),
        })
    }

    fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, StoreError> {
        let mut map = self.lock();
        Ok(bucket_mut(&mut map, bucket)?.objects.remove(key).is_some())
    }

    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<ObjectMeta>, StoreError> {
        let mut map = self.lock();
        let objects = &bucket_mut(&mut map, bucket)?.objects;
        Ok(listed(objects, prefix, after, limit))
    }

    fn create_upload(&self, bucket: &str, upload: UploadMeta) -> Result<(), StoreError> {
        let mut map = self.lock();
        bucket_mut(&mut map, bucket)?
            .uploads
            .insert(upload.upload_id.clone(), (upload, BTreeMap::new()));
        Ok(())
    }

    fn upload(&self, bucket: &str, upload_id: &str) -> Option<UploadMeta> {
        self.lock()
            .get(bucket)?
            .uploads
            .get(upload_id)
            .map(|(u, _)| u.clone())
    }

    fn uploads(&self, bucket: &str) -> Result<Vec<UploadMeta>, StoreError> {
        let mut map = self.lock();
        let mut uploads: Vec<UploadMeta> = bucket_mut(&mut map, bucket)?
            .uploads
            .values()
            .map(|(u, _)| u.clone())
            .collect();
        uploads.sort_by(|a, b| (&a.key, &a.upload_id).cmp(&(&b.key, &b.upload_id)));
        Ok(uploads)
    }

    fn commit_part(
        &self,
        bucket: &str,
        upload_id: &str,
        staged: Staged,
        part: PartMeta,
    ) -> Result<(), StoreError> {
        let bytes = bytes_of(staged)?;
        let mut map = self.lock();
        let (_, parts) = bucket_mut(&mut map, bucket)?
            .uploads
            .get_mut(upload_id)
            .ok_or(StoreError::NoSuchUpload)?;
        parts.insert(part.part_number, (part, bytes));
        Ok(())
    }

    fn parts(&self, bucket: &str, upload_id: &str) -> Result<Vec<PartMeta>, StoreError> {
        let mut map = self.lock();
        let (_, parts) = bucket_mut(&mut map, bucket)?
            .uploads
            .get(upload_id)
            .ok_or(StoreError::NoSuchUpload)?;
        Ok(parts.values().map(|(p, _)| p.clone()).collect())
    }

    fn complete_upload(
        &self,
        bucket: &str,
        upload_id: &str,
        parts: &[u32],
        meta: ObjectMeta,
    ) -> Result<ObjectMeta, StoreError> {
        let mut map = self.lock();
        let b = bucket_mut(&mut map, bucket)?;
        let (_, stored) = b.uploads.get(upload_id).ok_or(StoreError::NoSuchUpload)?;
        let mut bytes = Vec::new();
        for number in parts {
            let (_, data) = stored.get(number).ok_or(StoreError::NoSuchUpload)?;
            bytes.extend_from_slice(data);
        }
        b.uploads.remove(upload_id);
        b.objects
            .insert(meta.key.clone(), (meta.clone(), Bytes(Arc::new(bytes))));
        Ok(meta)
    }

    fn abort_upload(&self, bucket: &str, upload_id: &str) -> Result<(), StoreError> {
        let mut map = self.lock();
        bucket_mut(&mut map, bucket)?
            .uploads
            .remove(upload_id)
            .map(|_| ())
            .ok_or(StoreError::NoSuchUpload)
    }
}
