//! A store in a directory, which survives restarts and crashes.
//!
//! ```text
//! DIR/tmp/                                    uploads being received, metadata being written
//! DIR/trash/                                  buckets and uploads being removed
//! DIR/buckets/<bucket>/bucket.json
//! DIR/buckets/<bucket>/objects/<md5(key)>.json        the object's metadata, naming its data file
//! DIR/buckets/<bucket>/objects/<md5(key)>.<gen>       the object's bytes
//! DIR/buckets/<bucket>/uploads/<md5(id)>/upload.json
//! DIR/buckets/<bucket>/uploads/<md5(id)>/<n>.json, <n>.<gen>   part n
//! ```
//!
//! A data file is never rewritten under a name a metadata file points to (appends aside, see
//! [`Store::commit_append`]): new bytes go to a temporary file, are fsynced, and are renamed to a
//! name no one uses yet (`<gen>` only grows); then the metadata file is replaced the same way
//! (temporary file, fsync, rename, fsync of the directory). The rename of the metadata file is
//! the moment of publication, so a crash at any point leaves the old object or the new one.
//! At start `tmp/` and `trash/` are emptied and data files no metadata names are removed.
//!
//! Metadata is also kept in memory (loaded at start), so reads and listings in key order need
//! no directory scan; one mutex guards it and every metadata change. Bytes are copied outside
//! that mutex.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use md5::{Digest as _, Md5};

use super::{
    BucketMeta, Grow, ObjectMeta, PartMeta, Staged, StagedFile, Store, StoreError, StoredObject,
    UploadMeta, appended, listed, updated,
};

mod files;

use files::{BucketRecord, ObjectRecord, PartRecord, UploadRecord, load_bucket, to_json};

/// Bytes copied at a time when staging an upload.
const COPY_BUFFER: usize = 256 * 1024;

/// A store in a directory.
pub struct DirStore {
    root: PathBuf,
    index: Mutex<BTreeMap<String, Bucket>>,
    /// Serializes appends, which write into a published data file.
    append: Mutex<()>,
    /// The next `<gen>` of a data file (and of temporary file names).
    generation: AtomicU64,
}

impl std::fmt::Debug for DirStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirStore")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

struct Bucket {
    meta: BucketMeta,
    /// Key → metadata and the name of its data file in `objects/`.
    objects: BTreeMap<String, (ObjectMeta, String)>,
    uploads: BTreeMap<String, Upload>,
}

struct Upload {
    meta: UploadMeta,
    /// Part number → metadata and the name of its data file in the upload's folder.
    parts: BTreeMap<u32, (PartMeta, String)>,
}

impl DirStore {
    /// Opens (creating if needed) the store in `root`, and clears what a crash left behind:
    /// temporary files and data files no metadata points to. Refuses to open a store whose
    /// metadata cannot be read, rather than drop objects.
    pub fn open(root: impl AsRef<Path>) -> io::Result<DirStore> {
        let root = root.as_ref().to_path_buf();
        for dir in ["tmp", "trash", "buckets"] {
            let dir = root.join(dir);
            if dir.exists() && dir.file_name().is_some_and(|n| n != "buckets") {
                fs::remove_dir_all(&dir)?;
            }
            fs::create_dir_all(&dir)?;
        }
        let mut max_generation = 0;
        let mut index = BTreeMap::new();
        for entry in fs::read_dir(root.join("buckets"))? {
            let dir = entry?.path();
            match load_bucket(&dir, &mut max_generation)? {
                Some(bucket) => {
                    index.insert(bucket.meta.name.clone(), bucket);
                }
                // A bucket whose creation did not finish holds nothing yet.
                None => fs::remove_dir_all(&dir)?,
            }
        }
        Ok(DirStore {
            root,
            index: Mutex::new(index),
            append: Mutex::new(()),
            generation: AtomicU64::new(max_generation + 1),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Bucket>> {
        // Every change writes the disk first and the index after, in one step each: a panic
        // in between leaves an index that is still true.
        self.index.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed)
    }

    fn temp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(format!("{:016x}.tmp", self.next_generation()))
    }

    /// A new temporary file, removed again unless it is placed.
    fn temp_file(&self) -> io::Result<(StagedFile, File)> {
        let staged = StagedFile::new(self.temp_path());
        let file = File::create(staged.path())?;
        Ok((staged, file))
    }

    fn bucket_dir(&self, bucket: &str) -> PathBuf {
        self.root.join("buckets").join(bucket)
    }

    fn objects_dir(&self, bucket: &str) -> PathBuf {
        self.bucket_dir(bucket).join("objects")
    }

    fn upload_dir(&self, bucket: &str, upload_id: &str) -> PathBuf {
        self.bucket_dir(bucket)
            .join("uploads")
            .join(hash_name(upload_id))
    }

    /// Writes `bytes` to `target` atomically: temporary file, fsync, rename, fsync of the
    /// directory.
    fn write_atomic(&self, target: &Path, bytes: &[u8]) -> io::Result<()> {
        let (temp, mut file) = self.temp_file()?;
        file.write_all(bytes)?;
        file.sync_all()?;
        temp.persist(target)?;
        sync_dir(target.parent().unwrap_or(&self.root))
    }

    /// Moves a folder out of sight at once, then deletes it.
    fn discard_dir(&self, dir: &Path) -> io::Result<()> {
        let trash = self
            .root
            .join("trash")
            .join(format!("{:016x}", self.next_generation()));
        fs::rename(dir, &trash)?;
        sync_dir(dir.parent().unwrap_or(&self.root))?;
        // What is left in trash/ is removed at the next start.
        let _ = fs::remove_dir_all(&trash);
        Ok(())
    }

    /// Renames a staged file to a fresh data file name in `dir`; returns that name.
    fn place(&self, staged: StagedFile, dir: &Path, stem: &str) -> io::Result<String> {
        let name = format!("{stem}.{:016x}", self.next_generation());
        staged.persist(&dir.join(&name))?;
        Ok(name)
    }

    fn write_object_meta(&self, bucket: &str, meta: &ObjectMeta, data: &str) -> io::Result<()> {
        let record = ObjectRecord::new(meta, data);
        let path = self
            .objects_dir(bucket)
            .join(format!("{}.json", hash_name(&meta.key)));
        self.write_atomic(&path, &to_json(&record)?)
    }

    /// Publishes a data file already in `objects/` as the object `meta`, replacing any
    /// previous one (whose data file is then deleted).
    fn publish(
        &self,
        buckets: &mut BTreeMap<String, Bucket>,
        bucket: &str,
        meta: ObjectMeta,
        data: String,
    ) -> Result<(), StoreError> {
        self.write_object_meta(bucket, &meta, &data)?;
        let b = buckets.get_mut(bucket).ok_or(StoreError::NoSuchBucket)?;
        if let Some((_, old)) = b.objects.insert(meta.key.clone(), (meta, data.clone())) {
            if old != data {
                let _ = fs::remove_file(self.objects_dir(bucket).join(old));
            }
        }
        Ok(())
    }

    /// Opens the data file of part `number`, under the lock (a part uploaded again meanwhile
    /// deletes the old file only after the index points to the new one).
    fn open_part(&self, bucket: &str, upload_id: &str, number: u32) -> Result<File, StoreError> {
        let buckets = self.lock();
        let upload = buckets
            .get(bucket)
            .ok_or(StoreError::NoSuchBucket)?
            .uploads
            .get(upload_id)
            .ok_or(StoreError::NoSuchUpload)?;
        let (_, data) = upload.parts.get(&number).ok_or(StoreError::NoSuchUpload)?;
        Ok(File::open(self.upload_dir(bucket, upload_id).join(data))?)
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A file name for any string (keys may hold `/`, `..`, anything): its MD5 in hex.
fn hash_name(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file `stage` wrote; whatever a commit does with it, it is gone afterwards (renamed into
/// place, or removed when dropped).
fn staged_file(staged: Staged) -> Result<StagedFile, StoreError> {
    match staged {
        Staged::File(file) => Ok(file),
        Staged::Memory(_) => Err(StoreError::Io(io::Error::other(
            "bytes staged in memory by another store",
        ))),
    }
}

impl Store for DirStore {
    fn buckets(&self) -> Vec<BucketMeta> {
        self.lock().values().map(|b| b.meta.clone()).collect()
    }

    fn bucket(&self, name: &str) -> Option<BucketMeta> {
        self.lock().get(name).map(|b| b.meta.clone())
    }

    fn put_bucket(&self, meta: BucketMeta) -> Result<(), StoreError> {
        if !oss_core::names::is_valid_bucket_name(&meta.name) {
            return Err(StoreError::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{:?} is not a bucket name", meta.name),
            )));
        }
        let mut buckets = self.lock();
        let dir = self.bucket_dir(&meta.name);
        fs::create_dir_all(dir.join("objects"))?;
        fs::create_dir_all(dir.join("uploads"))?;
        sync_dir(&self.root.join("buckets"))?;
        self.write_atomic(
            &dir.join("bucket.json"),
            &to_json(&BucketRecord::new(&meta))?,
        )?;
        match buckets.get_mut(&meta.name) {
            Some(bucket) => bucket.meta = meta,
            None => {
                buckets.insert(
                    meta.name.clone(),
                    Bucket {
                        meta,
                        objects: BTreeMap::new(),
                        uploads: BTreeMap::new(),
                    },
                );
            }
        }
        Ok(())
    }

    fn delete_bucket(&self, name: &str) -> Result<(), StoreError> {
        let mut buckets = self.lock();
        let bucket = buckets.get(name).ok_or(StoreError::NoSuchBucket)?;
        if !bucket.objects.is_empty() || !bucket.uploads.is_empty() {
            return Err(StoreError::BucketNotEmpty);
        }
        self.discard_dir(&self.bucket_dir(name))?;
        buckets.remove(name);
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
        let (staged, mut file) = self.temp_file()?;
        let result = (|| {
            let mut buffer = vec![0u8; COPY_BUFFER];
            loop {
                let n = match data.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                file.write_all(&buffer[..n])?;
            }
            file.sync_all()
        })();
        result?;
        Ok(Staged::File(staged))
    }

    fn commit_object(
        &self,
        bucket: &str,
        staged: Staged,
        meta: ObjectMeta,
    ) -> Result<(), StoreError> {
        let staged = staged_file(staged)?;
        let mut buckets = self.lock();
        if !buckets.contains_key(bucket) {
            return Err(StoreError::NoSuchBucket);
        }
        let data = self.place(staged, &self.objects_dir(bucket), &hash_name(&meta.key))?;
        self.publish(&mut buckets, bucket, meta, data)
    }

    /// Appends in place: the bytes go after the object's committed length (cutting what a
    /// crashed append may have left there), are fsynced, and only then does the metadata
    /// grow. Readers read up to the length their metadata gave them, so they never see the
    /// new bytes early. Appends take turns (the append lock); the position is checked against
    /// the index before the bytes are written and the index is checked again, under its lock,
    /// before the metadata is published: if another change came in between (a PutObject, a
    /// delete, an ACL), the append starts over against what is there now.
    fn commit_append(
        &self,
        bucket: &str,
        key: &str,
        staged: Staged,
        position: u64,
        grow: Grow<'_>,
    ) -> Result<ObjectMeta, StoreError> {
        let staged = staged_file(staged)?;
        let _appending = self.append.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let (old, data) = {
                let mut buckets = self.lock();
                let b = buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
                let current = b.objects.get(key).cloned();
                let meta = appended(current.as_ref().map(|(meta, _)| meta), position, grow)?;
                let Some(current) = current else {
                    // A new object: placed like any upload, under the same lock.
                    let data = self.place(staged, &self.objects_dir(bucket), &hash_name(key))?;
                    self.publish(&mut buckets, bucket, meta.clone(), data)?;
                    return Ok(meta);
                };
                current
            };
            let mut file = OpenOptions::new()
                .write(true)
                .open(self.objects_dir(bucket).join(&data))?;
            file.set_len(old.size)?;
            file.seek(SeekFrom::End(0))?;
            io::copy(&mut File::open(staged.path())?, &mut file)?;
            file.sync_all()?;
            let mut buckets = self.lock();
            let unchanged = buckets
                .get(bucket)
                .and_then(|b| b.objects.get(key))
                .is_some_and(|(meta, d)| *d == data && *meta == old);
            if unchanged {
                let meta = appended(Some(&old), position, grow)?;
                self.publish(&mut buckets, bucket, meta.clone(), data)?;
                return Ok(meta);
            }
        }
    }

    fn update_object(&self, bucket: &str, meta: ObjectMeta) -> Result<(), StoreError> {
        let mut buckets = self.lock();
        let b = buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
        let (stored, data) = b.objects.get(&meta.key).ok_or(StoreError::NoSuchKey)?;
        let (meta, data) = (updated(stored, meta), data.clone());
        self.publish(&mut buckets, bucket, meta, data)
    }

    fn read_object(&self, bucket: &str, key: &str) -> Result<StoredObject, StoreError> {
        let buckets = self.lock();
        let b = buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
        let (meta, data) = b.objects.get(key).ok_or(StoreError::NoSuchKey)?;
        // Opened under the lock, with the metadata of the same moment: a replacement deletes
        // the old file only after the index points to the new one, and an open file stays
        // readable once deleted; an append only writes past the length this metadata gives.
        Ok(StoredObject {
            meta: meta.clone(),
            data: Box::new(File::open(self.objects_dir(bucket).join(data))?),
        })
    }

    fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, StoreError> {
        let mut buckets = self.lock();
        let b = buckets.get_mut(bucket).ok_or(StoreError::NoSuchBucket)?;
        let Some((_, data)) = b.objects.get(key) else {
            return Ok(false);
        };
        let dir = self.objects_dir(bucket);
        fs::remove_file(dir.join(format!("{}.json", hash_name(key))))?;
        sync_dir(&dir)?;
        let _ = fs::remove_file(dir.join(data));
        b.objects.remove(key);
        Ok(true)
    }

    fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        after: &str,
        limit: usize,
    ) -> Result<Vec<ObjectMeta>, StoreError> {
        let buckets = self.lock();
        let objects = &buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?.objects;
        Ok(listed(objects, prefix, after, limit))
    }

    fn create_upload(&self, bucket: &str, upload: UploadMeta) -> Result<(), StoreError> {
        let mut buckets = self.lock();
        let b = buckets.get_mut(bucket).ok_or(StoreError::NoSuchBucket)?;
        let dir = self.upload_dir(bucket, &upload.upload_id);
        fs::create_dir_all(&dir)?;
        sync_dir(&self.bucket_dir(bucket).join("uploads"))?;
        self.write_atomic(
            &dir.join("upload.json"),
            &to_json(&UploadRecord::new(&upload))?,
        )?;
        b.uploads.insert(
            upload.upload_id.clone(),
            Upload {
                meta: upload,
                parts: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn upload(&self, bucket: &str, upload_id: &str) -> Option<UploadMeta> {
        self.lock()
            .get(bucket)?
            .uploads
            .get(upload_id)
            .map(|u| u.meta.clone())
    }

    fn uploads(&self, bucket: &str) -> Result<Vec<UploadMeta>, StoreError> {
        let buckets = self.lock();
        let mut uploads: Vec<UploadMeta> = buckets
            .get(bucket)
            .ok_or(StoreError::NoSuchBucket)?
            .uploads
            .values()
            .map(|u| u.meta.clone())
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
        let staged = staged_file(staged)?;
        {
            let mut buckets = self.lock();
            let upload = buckets
                .get_mut(bucket)
                .ok_or(StoreError::NoSuchBucket)?
                .uploads
                .get_mut(upload_id)
                .ok_or(StoreError::NoSuchUpload)?;
            let dir = self.upload_dir(bucket, upload_id);
            let data = self.place(staged, &dir, &part.part_number.to_string())?;
            let record = PartRecord {
                part_number: part.part_number,
                size: part.size,
                etag: part.etag.clone(),
                crc64: part.crc64,
                last_modified: part.last_modified,
                data: data.clone(),
            };
            let written = self.write_atomic(
                &dir.join(format!("{}.json", part.part_number)),
                &to_json(&record)?,
            );
            if let Err(e) = written {
                let _ = fs::remove_file(dir.join(&data));
                return Err(e.into());
            }
            if let Some((_, old)) = upload.parts.insert(part.part_number, (part, data)) {
                let _ = fs::remove_file(dir.join(old));
            }
            Ok(())
        }
    }

    fn parts(&self, bucket: &str, upload_id: &str) -> Result<Vec<PartMeta>, StoreError> {
        let buckets = self.lock();
        let upload = buckets
            .get(bucket)
            .ok_or(StoreError::NoSuchBucket)?
            .uploads
            .get(upload_id)
            .ok_or(StoreError::NoSuchUpload)?;
        Ok(upload.parts.values().map(|(p, _)| p.clone()).collect())
    }

    /// Concatenates the parts into a temporary file (outside the lock: this is the long
    /// part), then publishes it and removes the upload.
    fn complete_upload(
        &self,
        bucket: &str,
        upload_id: &str,
        parts: &[u32],
        meta: ObjectMeta,
    ) -> Result<ObjectMeta, StoreError> {
        let (temp, mut out) = self.temp_file()?;
        for &number in parts {
            io::copy(&mut self.open_part(bucket, upload_id, number)?, &mut out)?;
        }
        out.sync_all()?;
        drop(out);
        let mut buckets = self.lock();
        let b = buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
        if !b.uploads.contains_key(upload_id) {
            // Completed or aborted meanwhile.
            return Err(StoreError::NoSuchUpload);
        }
        let data = self.place(temp, &self.objects_dir(bucket), &hash_name(&meta.key))?;
        self.publish(&mut buckets, bucket, meta.clone(), data)?;
        // Published first: a crash here leaves the object and an upload that can still
        // be aborted, never an upload whose object is lost.
        if let Some(b) = buckets.get_mut(bucket) {
            b.uploads.remove(upload_id);
        }
        self.discard_dir(&self.upload_dir(bucket, upload_id))?;
        Ok(meta)
    }

    fn abort_upload(&self, bucket: &str, upload_id: &str) -> Result<(), StoreError> {
        let mut buckets = self.lock();
        let b = buckets.get_mut(bucket).ok_or(StoreError::NoSuchBucket)?;
        if !b.uploads.contains_key(upload_id) {
            return Err(StoreError::NoSuchUpload);
        }
        self.discard_dir(&self.upload_dir(bucket, upload_id))?;
        b.uploads.remove(upload_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::store::ObjectType;

    const B: &str = "bk1";

    fn bucket(name: &str) -> BucketMeta {
        BucketMeta {
            name: name.to_string(),
            created: 1,
            acl: "private".into(),
            storage_class: "Standard".into(),
            location: "oss-cn-hangzhou".into(),
            configs: [("cors".to_string(), b"<CORSConfiguration/>".to_vec())].into(),
        }
    }

    fn object(key: &str, size: u64) -> ObjectMeta {
        ObjectMeta {
            key: key.to_string(),
            size,
            etag: format!("\"{key}\""),
            crc64: 7,
            last_modified: 2,
            object_type: ObjectType::Normal,
            storage_class: "Standard".into(),
            acl: "default".into(),
            headers: vec![("x-oss-meta-a".into(), "b".into())],
            symlink_target: None,
        }
    }

    fn put(store: &DirStore, key: &str, data: &[u8]) {
        let staged = store.stage(B, &mut &data[..]).unwrap();
        store
            .commit_object(B, staged, object(key, data.len() as u64))
            .unwrap();
    }

    fn read(store: &DirStore, key: &str, range: Range<u64>) -> Vec<u8> {
        let mut out = Vec::new();
        store
            .read_object(B, key)
            .unwrap()
            .range(range)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn files_in(dir: &Path) -> usize {
        fs::read_dir(dir).map_or(0, |d| d.count())
    }

    #[test]
    fn objects_survive_a_reopen_in_key_order() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = DirStore::open(dir.path()).unwrap();
            store.put_bucket(bucket(B)).unwrap();
            for key in ["b/2", "a", "b/1", "../escape", "ä", "b"] {
                put(&store, key, key.as_bytes());
            }
            put(&store, "a", b"replaced");
            assert!(store.delete_object(B, "b").unwrap());
            assert!(!store.delete_object(B, "b").unwrap());
        }
        let store = DirStore::open(dir.path()).unwrap();
        assert_eq!(store.bucket(B).unwrap(), bucket(B));
        let keys: Vec<String> = store
            .list_objects(B, "", "", 100)
            .unwrap()
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["../escape", "a", "b/1", "b/2", "ä"]);
        let listed = store.list_objects(B, "b/", "b/1", 100).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0], object("b/2", 3));
        assert_eq!(read(&store, "a", 0..100), b"replaced");
        assert_eq!(read(&store, "a", 2..5), b"pla");
        // Two files per object (metadata, data), nothing else.
        assert_eq!(files_in(&dir.path().join("buckets/bk1/objects")), 10);
    }

    #[test]
    fn leftovers_of_a_crash_are_cleared_and_the_old_object_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = DirStore::open(dir.path()).unwrap();
            store.put_bucket(bucket(B)).unwrap();
            put(&store, "k", b"old");
            // An upload that never got committed (the process died: no destructor ran), and
            // a data file renamed into place whose metadata was never written.
            std::mem::forget(store.stage(B, &mut &b"new new new"[..]).unwrap());
            fs::write(
                dir.path().join("buckets/bk1/objects").join(format!(
                    "{}.{:016x}",
                    hash_name("k"),
                    999
                )),
                b"new",
            )
            .unwrap();
        }
        assert_eq!(files_in(&dir.path().join("tmp")), 1);
        let store = DirStore::open(dir.path()).unwrap();
        assert_eq!(files_in(&dir.path().join("tmp")), 0);
        assert_eq!(files_in(&dir.path().join("buckets/bk1/objects")), 2);
        assert_eq!(read(&store, "k", 0..10), b"old");
    }

    #[test]
    fn appends_grow_in_place_and_ignore_a_crashed_tail() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::open(dir.path()).unwrap();
        store.put_bucket(bucket(B)).unwrap();
        let mut meta = object("log", 0);
        meta.object_type = ObjectType::Appendable;
        let append = |meta: &mut ObjectMeta, chunk: &[u8]| {
            let position = meta.size;
            meta.size += chunk.len() as u64;
            let staged = store.stage(B, &mut &chunk[..]).unwrap();
            let grown = meta.clone();
            store
                .commit_append(B, "log", staged, position, &|_| Ok(grown.clone()))
                .unwrap();
        };
        append(&mut meta, b"abc");
        append(&mut meta, b"def");
        assert!(matches!(
            store.commit_append(
                B,
                "log",
                store.stage(B, &mut &b"x"[..]).unwrap(),
                3,
                &|_| Ok(meta.clone())
            ),
            Err(StoreError::PositionNotEqualToLength { length: 6 })
        ));
        assert_eq!(read(&store, "log", 0..6), b"abcdef");
        // A crash after writing bytes but before the metadata: the tail is never shown and
        // the next append overwrites it.
        let data_file = fs::read_dir(dir.path().join("buckets/bk1/objects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_none_or(|e| e != "json"))
            .unwrap();
        OpenOptions::new()
            .append(true)
            .open(&data_file)
            .unwrap()
            .write_all(b"GARBAGE")
            .unwrap();
        drop(store);
        let store = DirStore::open(dir.path()).unwrap();
        assert_eq!(read(&store, "log", 0..100), b"abcdef");
        let staged = store.stage(B, &mut &b"g"[..]).unwrap();
        meta.size = 7;
        store
            .commit_append(B, "log", staged, 6, &|_| Ok(meta.clone()))
            .unwrap();
        assert_eq!(read(&store, "log", 0..100), b"abcdefg");
    }

    #[test]
    fn multipart_uploads_concatenate_parts_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::open(dir.path()).unwrap();
        store.put_bucket(bucket(B)).unwrap();
        let upload = UploadMeta {
            upload_id: "ID/../1".into(),
            key: "big".into(),
            initiated: 3,
            object: object("big", 0),
        };
        store.create_upload(B, upload.clone()).unwrap();
        for (number, bytes) in [(2u32, &b"world"[..]), (1, b"hullo "), (1, b"hello ")] {
            let staged = store.stage(B, &mut &bytes[..]).unwrap();
            let part = PartMeta {
                part_number: number,
                size: bytes.len() as u64,
                etag: format!("\"{number}\""),
                crc64: 0,
                last_modified: 4,
            };
            store
                .commit_part(B, &upload.upload_id, staged, part)
                .unwrap();
        }
        drop(store);
        let store = DirStore::open(dir.path()).unwrap();
        assert_eq!(store.uploads(B).unwrap(), std::slice::from_ref(&upload));
        let parts = store.parts(B, &upload.upload_id).unwrap();
        assert_eq!(parts.iter().map(|p| p.size).collect::<Vec<_>>(), [6, 5]);
        assert!(matches!(
            store.delete_bucket(B),
            Err(StoreError::BucketNotEmpty)
        ));
        assert!(matches!(
            store.complete_upload(B, &upload.upload_id, &[1, 3], object("big", 11)),
            Err(StoreError::NoSuchUpload)
        ));
        store
            .complete_upload(B, &upload.upload_id, &[1, 2], object("big", 11))
            .unwrap();
        assert_eq!(read(&store, "big", 0..11), b"hello world");
        assert!(store.uploads(B).unwrap().is_empty());
        assert_eq!(files_in(&dir.path().join("tmp")), 0);
        assert!(matches!(
            store.abort_upload(B, &upload.upload_id),
            Err(StoreError::NoSuchUpload)
        ));
        assert!(store.delete_object(B, "big").unwrap());
        store.delete_bucket(B).unwrap();
        drop(store);
        let store = DirStore::open(dir.path()).unwrap();
        assert!(store.buckets().is_empty());
    }

    #[test]
    fn concurrent_writers_and_readers_see_whole_objects() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(DirStore::open(dir.path()).unwrap());
        store.put_bucket(bucket(B)).unwrap();
        put(&store, "k", &[0u8; 4096]);
        let writers: Vec<_> = (1..=4u8)
            .map(|w| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        put(&store, "k", &[w; 4096]);
                        let bytes = read(&store, "k", 0..4096);
                        assert_eq!(bytes.len(), 4096);
                        assert!(bytes.iter().all(|b| *b == bytes[0]), "a mixed object");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(files_in(&dir.path().join("buckets/bk1/objects")), 2);
    }
}
