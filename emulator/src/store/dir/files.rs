//! The directory store's files: their formats (JSON, separate from the store's types so that
//! those can change without making old directories unreadable) and reading them back at start.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{Bucket, Upload};
use crate::store::{BucketMeta, ObjectMeta, ObjectType, PartMeta, UploadMeta};

/// The `<gen>` of a data file name `<stem>.<gen>`.
pub(super) fn generation_of(name: &str) -> Option<u64> {
    u64::from_str_radix(name.rsplit_once('.')?.1, 16).ok()
}

pub(super) fn to_json<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(io::Error::other)
}

pub(super) fn from_json<T: for<'de> Deserialize<'de>>(path: &Path) -> io::Result<T> {
    serde_json::from_slice(&fs::read(path)?).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

pub(super) fn load_bucket(dir: &Path, max_generation: &mut u64) -> io::Result<Option<Bucket>> {
    let meta_path = dir.join("bucket.json");
    if !meta_path.exists() {
        return Ok(None);
    }
    let meta = from_json::<BucketRecord>(&meta_path)?.into_meta()?;
    let objects_dir = dir.join("objects");
    let uploads_dir = dir.join("uploads");
    fs::create_dir_all(&objects_dir)?;
    fs::create_dir_all(&uploads_dir)?;
    let mut objects = BTreeMap::new();
    let mut referenced = Vec::new();
    for path in json_files(&objects_dir)? {
        let record: ObjectRecord = from_json(&path)?;
        let data = record.data.clone();
        check_data(&objects_dir.join(&data), record.size)?;
        *max_generation = (*max_generation).max(generation_of(&data).unwrap_or(0));
        referenced.push(path);
        referenced.push(objects_dir.join(&data));
        let meta = record.into_meta()?;
        objects.insert(meta.key.clone(), (meta, data));
    }
    remove_unreferenced(&objects_dir, &referenced)?;
    let mut uploads = BTreeMap::new();
    for entry in fs::read_dir(&uploads_dir)? {
        let upload_dir = entry?.path();
        if let Some(upload) = load_upload(&upload_dir, max_generation)? {
            uploads.insert(upload.meta.upload_id.clone(), upload);
        } else {
            fs::remove_dir_all(&upload_dir)?;
        }
    }
    Ok(Some(Bucket {
        meta,
        objects,
        uploads,
    }))
}

pub(super) fn load_upload(dir: &Path, max_generation: &mut u64) -> io::Result<Option<Upload>> {
    let meta_path = dir.join("upload.json");
    if !meta_path.exists() {
        return Ok(None);
    }
    let meta = from_json::<UploadRecord>(&meta_path)?.into_meta()?;
    let mut parts = BTreeMap::new();
    let mut referenced = vec![meta_path.clone()];
    for path in json_files(dir)? {
        if path == meta_path {
            continue;
        }
        let record: PartRecord = from_json(&path)?;
        check_data(&dir.join(&record.data), record.size)?;
        *max_generation = (*max_generation).max(generation_of(&record.data).unwrap_or(0));
        referenced.push(path);
        referenced.push(dir.join(&record.data));
        let part = PartMeta {
            part_number: record.part_number,
            size: record.size,
            etag: record.etag,
            crc64: record.crc64,
            last_modified: record.last_modified,
        };
        parts.insert(part.part_number, (part, record.data));
    }
    remove_unreferenced(dir, &referenced)?;
    Ok(Some(Upload { meta, parts }))
}

pub(super) fn json_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(files)
}

/// A data file must hold at least the bytes its metadata promises (an append cut by a crash
/// may leave more, which are never read).
pub(super) fn check_data(path: &Path, size: u64) -> io::Result<()> {
    let length = fs::metadata(path)?.len();
    if length < size {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} holds {length} bytes, {size} expected", path.display()),
        ));
    }
    Ok(())
}

/// Data files of uploads whose metadata was never written, or of objects since replaced.
pub(super) fn remove_unreferenced(dir: &Path, referenced: &[PathBuf]) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && !referenced.contains(&path) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
pub(super) struct BucketRecord {
    name: String,
    created: i64,
    acl: String,
    storage_class: String,
    location: String,
    /// Sub-resource → the document, base64 (documents are bytes).
    configs: BTreeMap<String, String>,
}

impl BucketRecord {
    pub(super) fn new(meta: &BucketMeta) -> BucketRecord {
        let b64 = base64::engine::general_purpose::STANDARD;
        BucketRecord {
            name: meta.name.clone(),
            created: meta.created,
            acl: meta.acl.clone(),
            storage_class: meta.storage_class.clone(),
            location: meta.location.clone(),
            configs: meta
                .configs
                .iter()
                .map(|(n, v)| (n.clone(), b64.encode(v)))
                .collect(),
        }
    }

    pub(super) fn into_meta(self) -> io::Result<BucketMeta> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let configs = self
            .configs
            .into_iter()
            .map(|(n, v)| Ok((n, b64.decode(v).map_err(io::Error::other)?)))
            .collect::<io::Result<_>>()?;
        Ok(BucketMeta {
            name: self.name,
            created: self.created,
            acl: self.acl,
            storage_class: self.storage_class,
            location: self.location,
            configs,
        })
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct ObjectRecord {
    key: String,
    size: u64,
    etag: String,
    crc64: u64,
    last_modified: i64,
    object_type: String,
    storage_class: String,
    acl: String,
    headers: Vec<(String, String)>,
    symlink_target: Option<String>,
    /// The data file's name, beside this file.
    data: String,
}

impl ObjectRecord {
    pub(super) fn new(meta: &ObjectMeta, data: &str) -> ObjectRecord {
        ObjectRecord {
            key: meta.key.clone(),
            size: meta.size,
            etag: meta.etag.clone(),
            crc64: meta.crc64,
            last_modified: meta.last_modified,
            object_type: meta.object_type.as_str().to_string(),
            storage_class: meta.storage_class.clone(),
            acl: meta.acl.clone(),
            headers: meta.headers.clone(),
            symlink_target: meta.symlink_target.clone(),
            data: data.to_string(),
        }
    }

    pub(super) fn into_meta(self) -> io::Result<ObjectMeta> {
        let object_type = match self.object_type.as_str() {
            "Normal" => ObjectType::Normal,
            "Appendable" => ObjectType::Appendable,
            "Multipart" => ObjectType::Multipart,
            "Symlink" => ObjectType::Symlink,
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("unknown object type {other:?}"),
                ));
            }
        };
        Ok(ObjectMeta {
            key: self.key,
            size: self.size,
            etag: self.etag,
            crc64: self.crc64,
            last_modified: self.last_modified,
            object_type,
            storage_class: self.storage_class,
            acl: self.acl,
            headers: self.headers,
            symlink_target: self.symlink_target,
        })
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct UploadRecord {
    upload_id: String,
    key: String,
    initiated: i64,
    object: ObjectRecord,
}

impl UploadRecord {
    pub(super) fn new(upload: &UploadMeta) -> UploadRecord {
        UploadRecord {
            upload_id: upload.upload_id.clone(),
            key: upload.key.clone(),
            initiated: upload.initiated,
            object: ObjectRecord::new(&upload.object, ""),
        }
    }

    pub(super) fn into_meta(self) -> io::Result<UploadMeta> {
        Ok(UploadMeta {
            upload_id: self.upload_id,
            key: self.key,
            initiated: self.initiated,
            object: self.object.into_meta()?,
        })
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct PartRecord {
    pub(super) part_number: u32,
    pub(super) size: u64,
    pub(super) etag: String,
    pub(super) crc64: u64,
    pub(super) last_modified: i64,
    pub(super) data: String,
}
