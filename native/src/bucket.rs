//! oss2's `Bucket`: one line per operation over [`Client::execute`]. Nothing here knows how an
//! operation looks on the wire; that is the core's.

use std::fs::{self, File};
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};

use oss_core::Headers;
use oss_core::RequestResult;
use oss_core::ops::Params;
use oss_core::ops::bucket::{
    BucketCors, BucketCreateConfig, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite,
    CreateBucket, DeleteBucket, DeleteBucketCors, DeleteBucketLifecycle, DeleteBucketLogging,
    DeleteBucketWebsite, GetBucketAcl, GetBucketAclResult, GetBucketCors, GetBucketCorsResult,
    GetBucketLifecycle, GetBucketLifecycleResult, GetBucketLocation, GetBucketLocationResult,
    GetBucketLogging, GetBucketLoggingResult, GetBucketReferer, GetBucketRefererResult,
    GetBucketWebsite, GetBucketWebsiteResult, PutBucketAcl, PutBucketCors, PutBucketLifecycle,
    PutBucketLogging, PutBucketReferer, PutBucketWebsite,
};
use oss_core::ops::copy::{CopyObject, UpdateObjectMeta};
use oss_core::ops::delete_objects::{BatchDeleteObjects, BatchDeleteObjectsResult};
use oss_core::ops::live_channel::{
    CreateLiveChannel, CreateLiveChannelResult, DeleteLiveChannel, GetLiveChannel,
    GetLiveChannelHistory, GetLiveChannelHistoryResult, GetLiveChannelResult, GetLiveChannelStat,
    GetLiveChannelStatResult, GetVodPlaylist, GetVodPlaylistResult, ListLiveChannel,
    ListLiveChannelResult, LiveChannelConfiguration, LiveChannelInfo, PostVodPlaylist,
    PutLiveChannelStatus,
};
use oss_core::ops::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, InitMultipartUpload, InitMultipartUploadResult,
    ListMultipartUploads, ListMultipartUploadsResult, ListParts, ListPartsResult, PartInfo,
    UploadPart,
};
use oss_core::ops::multipart::{ListedPart, MultipartUploadInfo, UploadPartCopy};
use oss_core::ops::object::{
    AppendObject, AppendObjectResult, ByteRange, DeleteObject, GetObject, GetObjectAcl,
    GetObjectAclResult, GetObjectMeta, HeadObject, ObjectExists, ObjectInfo, ObjectMeta, PutObject,
    PutObjectAcl, PutObjectResult,
};
use oss_core::ops::service::{ListObjects, ListObjectsResult};
use oss_core::ops::symlink::{GetSymlink, GetSymlinkResult, PutSymlink};
use oss_core::request::{Method, Request};
use oss_core::sign::{PostForm, PostPolicy, PresignedUrl, Signer};

use crate::service::flatten;
use crate::{BodySource, Client, Error, ListEntry, ObjectReader, Options, Pages, Progress};

/// oss2's `Bucket(auth, endpoint, bucket_name, is_cname, session, connect_timeout, app_name,
/// enable_crc)`: the options travel in [`Options`], the session in [`Bucket::with_client`].
#[derive(Debug, Clone)]
pub struct Bucket {
    client: Client,
    bucket_name: String,
}

/// What `get_object` answers: the object's head and its data as a stream (oss2's
/// `GetObjectResult`). Reading it to the end checks the CRC-64 of a whole object.
#[derive(Debug)]
pub struct GetObjectResult {
    pub info: ObjectInfo,
    pub stream: ObjectReader,
}

impl Read for GetObjectResult {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.stream.read(out)
    }
}

impl Bucket {
    pub fn new(auth: Signer, endpoint: &str, bucket_name: &str) -> Result<Bucket, Error> {
        Bucket::with_options(auth, endpoint, bucket_name, &Options::default())
    }

    pub fn with_options(
        auth: Signer,
        endpoint: &str,
        bucket_name: &str,
        options: &Options,
    ) -> Result<Bucket, Error> {
        Ok(Bucket::with_client(
            Client::new(auth, endpoint, options)?,
            bucket_name,
        ))
    }

    /// A bucket on an existing client, sharing its connections and clock.
    pub fn with_client(client: Client, bucket_name: &str) -> Bucket {
        Bucket {
            client,
            bucket_name: bucket_name.to_string(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn bucket_name(&self) -> &str {
        &self.bucket_name
    }

    fn name(&self) -> &str {
        &self.bucket_name
    }

    // Objects.

    /// Uploads `data` (bytes, text, a `File`, or a [`BodySource`] around any reader, with a
    /// progress callback if wanted); the CRC-64 of what was sent is checked.
    pub fn put_object<'a>(
        &self,
        key: &str,
        data: impl Into<BodySource<'a>>,
    ) -> Result<PutObjectResult, Error> {
        self.put_object_with_headers(key, data, Headers::new())
    }

    pub fn put_object_with_headers<'a>(
        &self,
        key: &str,
        data: impl Into<BodySource<'a>>,
        headers: Headers,
    ) -> Result<PutObjectResult, Error> {
        let data = data.into();
        let op = PutObject {
            headers: with_content_type(headers, &[key]),
            ..PutObject::new(self.name(), key, data.length())
        };
        self.client.execute(&op, data)
    }

    /// Uploads the file at `filename`.
    pub fn put_object_from_file(
        &self,
        key: &str,
        filename: impl AsRef<Path>,
        headers: Headers,
        progress: Option<Progress<'_>>,
    ) -> Result<PutObjectResult, Error> {
        let filename = filename.as_ref();
        // As oss2: the local file's name tells the type first, then the key's.
        let headers = with_content_type(headers, &[&filename.to_string_lossy(), key]);
        let mut data = BodySource::from(File::open(filename).map_err(Error::Io)?);
        if let Some(progress) = progress {
            data = data.with_progress(progress);
        }
        self.put_object_with_headers(key, data, headers)
    }

    /// Appends at `position`. With `init_crc` (the object's CRC-64 before this append, as
    /// oss2 takes it) the CRC the server answers is checked.
    pub fn append_object<'a>(
        &self,
        key: &str,
        position: u64,
        data: impl Into<BodySource<'a>>,
        init_crc: Option<u64>,
    ) -> Result<AppendObjectResult, Error> {
        let data = data.into().with_crc_init(init_crc);
        let op = AppendObject {
            headers: with_content_type(Headers::new(), &[key]),
            ..AppendObject::new(self.name(), key, position, data.length())
        };
        self.client.execute(&op, data)
    }

    /// The whole object as a stream, its CRC-64 checked at the end.
    pub fn get_object(&self, key: &str) -> Result<GetObjectResult, Error> {
        self.get_object_with(key, None, Headers::new(), None)
    }

    /// oss2's `get_object(key, byte_range, headers, progress_callback)`.
    pub fn get_object_with(
        &self,
        key: &str,
        byte_range: Option<ByteRange>,
        headers: Headers,
        progress: Option<Progress<'static>>,
    ) -> Result<GetObjectResult, Error> {
        let op = GetObject {
            byte_range,
            headers,
            ..GetObject::new(self.name(), key)
        };
        let (info, stream) = self.client.open(&op, byte_range.is_none(), progress)?;
        Ok(GetObjectResult { info, stream })
    }

    /// Downloads into `filename` through a temporary file beside it, renamed into place only
    /// once every byte arrived and the CRC-64 matched: a failed download leaves the target as
    /// it was.
    pub fn get_object_to_file(
        &self,
        key: &str,
        filename: impl AsRef<Path>,
        byte_range: Option<ByteRange>,
        progress: Option<Progress<'static>>,
    ) -> Result<ObjectInfo, Error> {
        let mut result = self.get_object_with(key, byte_range, Headers::new(), progress)?;
        let target = filename.as_ref();
        let temp = temp_path(target);
        let copied = File::create(&temp).and_then(|mut file| {
            io::copy(&mut result.stream, &mut file)?;
            file.flush()
        });
        if let Err(e) = copied.and_then(|()| fs::rename(&temp, target)) {
            let _ = fs::remove_file(&temp);
            return Err(Error::from_io(e));
        }
        Ok(result.info)
    }

    pub fn head_object(&self, key: &str) -> Result<ObjectInfo, Error> {
        self.client.execute(&HeadObject::new(self.name(), key), ())
    }

    pub fn get_object_meta(&self, key: &str) -> Result<ObjectMeta, Error> {
        self.client
            .execute(&GetObjectMeta::new(self.name(), key), ())
    }

    pub fn object_exists(&self, key: &str) -> Result<bool, Error> {
        self.client
            .execute(&ObjectExists::new(self.name(), key), ())
    }

    pub fn delete_object(&self, key: &str) -> Result<RequestResult, Error> {
        self.client
            .execute(&DeleteObject::new(self.name(), key), ())
    }

    pub fn batch_delete_objects<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchDeleteObjectsResult, Error> {
        self.client
            .execute(&BatchDeleteObjects::new(self.name(), keys), ())
    }

    /// Copies `source_bucket/source_key` to `target_key` in this bucket.
    pub fn copy_object(
        &self,
        source_bucket: &str,
        source_key: &str,
        target_key: &str,
        headers: Headers,
    ) -> Result<PutObjectResult, Error> {
        let op = CopyObject {
            headers,
            ..CopyObject::new(source_bucket, source_key, self.name(), target_key)
        };
        self.client.execute(&op, ())
    }

    pub fn update_object_meta(
        &self,
        key: &str,
        headers: Headers,
    ) -> Result<PutObjectResult, Error> {
        self.client
            .execute(&UpdateObjectMeta::new(self.name(), key, headers), ())
    }

    pub fn put_object_acl(&self, key: &str, permission: &str) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutObjectAcl::new(self.name(), key, permission), ())
    }

    pub fn get_object_acl(&self, key: &str) -> Result<GetObjectAclResult, Error> {
        self.client
            .execute(&GetObjectAcl::new(self.name(), key), ())
    }

    pub fn put_symlink(&self, target_key: &str, symlink_key: &str) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutSymlink::new(self.name(), target_key, symlink_key), ())
    }

    pub fn get_symlink(&self, symlink_key: &str) -> Result<GetSymlinkResult, Error> {
        self.client
            .execute(&GetSymlink::new(self.name(), symlink_key), ())
    }

    // Listings.

    /// One page of objects (`Bucket.list_objects`).
    pub fn list_objects(
        &self,
        prefix: &str,
        delimiter: &str,
        marker: &str,
        max_keys: u32,
    ) -> Result<ListObjectsResult, Error> {
        self.client
            .execute(&self.list_op(prefix, delimiter, marker, max_keys), ())
    }

    /// Every object and common prefix, `max_keys` per request (oss2's `ObjectIterator`); each
    /// page's entries come sorted by key, prefixes among objects as oss2 yields them.
    pub fn object_iter(
        &self,
        prefix: &str,
        delimiter: &str,
        marker: &str,
        max_keys: u32,
    ) -> impl Iterator<Item = Result<ListEntry, Error>> + '_ {
        let first = self.list_op(prefix, delimiter, marker, max_keys);
        flatten(Pages::new(&self.client, first), |page| {
            let mut entries: Vec<ListEntry> =
                page.objects.into_iter().map(ListEntry::Object).collect();
            entries.extend(page.prefixes.into_iter().map(ListEntry::Prefix));
            entries.sort_by(|a, b| a.key().cmp(b.key()));
            entries
        })
    }

    fn list_op(&self, prefix: &str, delimiter: &str, marker: &str, max_keys: u32) -> ListObjects {
        ListObjects {
            prefix: prefix.into(),
            delimiter: delimiter.into(),
            marker: marker.into(),
            max_keys,
            ..ListObjects::new(self.name())
        }
    }

    // Multipart uploads.

    pub fn init_multipart_upload(
        &self,
        key: &str,
        headers: Headers,
    ) -> Result<InitMultipartUploadResult, Error> {
        self.client.execute(
            &InitMultipartUpload {
                headers: with_content_type(headers, &[key]),
                ..InitMultipartUpload::new(self.name(), key)
            },
            (),
        )
    }

    /// Uploads one part; the part's CRC-64 is checked.
    pub fn upload_part<'a>(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        data: impl Into<BodySource<'a>>,
    ) -> Result<PutObjectResult, Error> {
        let data = data.into();
        let op = UploadPart::new(self.name(), key, upload_id, part_number, data.length());
        self.client.execute(&op, data)
    }

    pub fn complete_multipart_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<PartInfo>,
    ) -> Result<PutObjectResult, Error> {
        self.client.execute(
            &CompleteMultipartUpload::new(self.name(), key, upload_id, parts),
            (),
        )
    }

    pub fn abort_multipart_upload(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<RequestResult, Error> {
        self.client
            .execute(&AbortMultipartUpload::new(self.name(), key, upload_id), ())
    }

    pub fn list_parts(&self, key: &str, upload_id: &str) -> Result<ListPartsResult, Error> {
        self.client
            .execute(&ListParts::new(self.name(), key, upload_id), ())
    }

    pub fn list_multipart_uploads(
        &self,
        prefix: &str,
    ) -> Result<ListMultipartUploadsResult, Error> {
        self.client.execute(
            &ListMultipartUploads {
                prefix: prefix.into(),
                ..ListMultipartUploads::new(self.name())
            },
            (),
        )
    }

    /// Copies `byte_range` of `source_bucket/source_key` into a part (oss2's argument order).
    pub fn upload_part_copy(
        &self,
        source_bucket: &str,
        source_key: &str,
        byte_range: Option<ByteRange>,
        target_key: &str,
        upload_id: &str,
        part_number: u32,
    ) -> Result<PutObjectResult, Error> {
        let op = UploadPartCopy::new(
            source_bucket,
            source_key,
            byte_range,
            self.name(),
            target_key,
            upload_id,
            part_number,
        );
        self.client.execute(&op, ())
    }

    /// Every upload in progress under `prefix`, `max_uploads` per request (oss2's
    /// `MultipartUploadIterator`).
    pub fn multipart_upload_iter(
        &self,
        prefix: &str,
        max_uploads: u32,
    ) -> impl Iterator<Item = Result<MultipartUploadInfo, Error>> + '_ {
        let first = ListMultipartUploads {
            prefix: prefix.into(),
            max_uploads,
            ..ListMultipartUploads::new(self.name())
        };
        flatten(Pages::new(&self.client, first), |page| page.uploads)
    }

    /// Every part of an upload, `max_parts` per request (oss2's `PartIterator`).
    pub fn part_iter(
        &self,
        key: &str,
        upload_id: &str,
        max_parts: u32,
    ) -> impl Iterator<Item = Result<ListedPart, Error>> + '_ {
        let first = ListParts {
            max_parts,
            ..ListParts::new(self.name(), key, upload_id)
        };
        flatten(Pages::new(&self.client, first), |page| page.parts)
    }

    // Live channels.

    pub fn create_live_channel(
        &self,
        channel_name: &str,
        configuration: LiveChannelConfiguration,
    ) -> Result<CreateLiveChannelResult, Error> {
        self.client.execute(
            &CreateLiveChannel::new(self.name(), channel_name, configuration),
            (),
        )
    }

    pub fn delete_live_channel(&self, channel_name: &str) -> Result<RequestResult, Error> {
        self.client
            .execute(&DeleteLiveChannel::new(self.name(), channel_name), ())
    }

    pub fn get_live_channel(&self, channel_name: &str) -> Result<GetLiveChannelResult, Error> {
        self.client
            .execute(&GetLiveChannel::new(self.name(), channel_name), ())
    }

    pub fn list_live_channel(
        &self,
        prefix: &str,
        marker: &str,
        max_keys: u32,
    ) -> Result<ListLiveChannelResult, Error> {
        let op = ListLiveChannel {
            prefix: prefix.into(),
            marker: marker.into(),
            max_keys,
            ..ListLiveChannel::new(self.name())
        };
        self.client.execute(&op, ())
    }

    /// Every channel under `prefix`, `max_keys` per request (oss2's `LiveChannelIterator`).
    pub fn live_channel_iter(
        &self,
        prefix: &str,
        max_keys: u32,
    ) -> impl Iterator<Item = Result<LiveChannelInfo, Error>> + '_ {
        let first = ListLiveChannel {
            prefix: prefix.into(),
            max_keys,
            ..ListLiveChannel::new(self.name())
        };
        flatten(Pages::new(&self.client, first), |page| page.channels)
    }

    pub fn get_live_channel_stat(
        &self,
        channel_name: &str,
    ) -> Result<GetLiveChannelStatResult, Error> {
        self.client
            .execute(&GetLiveChannelStat::new(self.name(), channel_name), ())
    }

    /// `status`: `enabled` or `disabled`.
    pub fn put_live_channel_status(
        &self,
        channel_name: &str,
        status: &str,
    ) -> Result<RequestResult, Error> {
        self.client.execute(
            &PutLiveChannelStatus::new(self.name(), channel_name, status),
            (),
        )
    }

    pub fn get_live_channel_history(
        &self,
        channel_name: &str,
    ) -> Result<GetLiveChannelHistoryResult, Error> {
        self.client
            .execute(&GetLiveChannelHistory::new(self.name(), channel_name), ())
    }

    pub fn post_vod_playlist(
        &self,
        channel_name: &str,
        playlist_name: &str,
        start_time: i64,
        end_time: i64,
    ) -> Result<RequestResult, Error> {
        let op = PostVodPlaylist::new(
            self.name(),
            channel_name,
            playlist_name,
            start_time,
            end_time,
        );
        self.client.execute(&op, ())
    }

    pub fn get_vod_playlist(
        &self,
        channel_name: &str,
        start_time: i64,
        end_time: i64,
    ) -> Result<GetVodPlaylistResult, Error> {
        self.client.execute(
            &GetVodPlaylist::new(self.name(), channel_name, start_time, end_time),
            (),
        )
    }

    // The bucket itself.

    /// `permission`: one of `private`, `public-read`, `public-read-write` (None: private).
    pub fn create_bucket(
        &self,
        permission: Option<&str>,
        config: Option<BucketCreateConfig>,
    ) -> Result<RequestResult, Error> {
        let op = CreateBucket {
            acl: permission.map(str::to_string),
            config,
            ..CreateBucket::new(self.name())
        };
        self.client.execute(&op, ())
    }

    pub fn delete_bucket(&self) -> Result<RequestResult, Error> {
        self.client.execute(&DeleteBucket::new(self.name()), ())
    }

    pub fn get_bucket_location(&self) -> Result<GetBucketLocationResult, Error> {
        self.client
            .execute(&GetBucketLocation::new(self.name()), ())
    }

    pub fn put_bucket_acl(&self, permission: &str) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketAcl::new(self.name(), permission), ())
    }

    pub fn get_bucket_acl(&self) -> Result<GetBucketAclResult, Error> {
        self.client.execute(&GetBucketAcl::new(self.name()), ())
    }

    pub fn put_bucket_cors(&self, cors: BucketCors) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketCors::new(self.name(), cors), ())
    }

    pub fn get_bucket_cors(&self) -> Result<GetBucketCorsResult, Error> {
        self.client.execute(&GetBucketCors::new(self.name()), ())
    }

    pub fn delete_bucket_cors(&self) -> Result<RequestResult, Error> {
        self.client.execute(&DeleteBucketCors::new(self.name()), ())
    }

    pub fn put_bucket_lifecycle(&self, lifecycle: BucketLifecycle) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketLifecycle::new(self.name(), lifecycle), ())
    }

    pub fn get_bucket_lifecycle(&self) -> Result<GetBucketLifecycleResult, Error> {
        self.client
            .execute(&GetBucketLifecycle::new(self.name()), ())
    }

    pub fn delete_bucket_lifecycle(&self) -> Result<RequestResult, Error> {
        self.client
            .execute(&DeleteBucketLifecycle::new(self.name()), ())
    }

    pub fn put_bucket_logging(&self, logging: BucketLogging) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketLogging::new(self.name(), logging), ())
    }

    pub fn get_bucket_logging(&self) -> Result<GetBucketLoggingResult, Error> {
        self.client.execute(&GetBucketLogging::new(self.name()), ())
    }

    pub fn delete_bucket_logging(&self) -> Result<RequestResult, Error> {
        self.client
            .execute(&DeleteBucketLogging::new(self.name()), ())
    }

    pub fn put_bucket_referer(&self, referer: BucketReferer) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketReferer::new(self.name(), referer), ())
    }

    pub fn get_bucket_referer(&self) -> Result<GetBucketRefererResult, Error> {
        self.client.execute(&GetBucketReferer::new(self.name()), ())
    }

    pub fn put_bucket_website(&self, website: BucketWebsite) -> Result<RequestResult, Error> {
        self.client
            .execute(&PutBucketWebsite::new(self.name(), website), ())
    }

    pub fn get_bucket_website(&self) -> Result<GetBucketWebsiteResult, Error> {
        self.client.execute(&GetBucketWebsite::new(self.name()), ())
    }

    pub fn delete_bucket_website(&self) -> Result<RequestResult, Error> {
        self.client
            .execute(&DeleteBucketWebsite::new(self.name()), ())
    }

    // Presigned URLs and browser forms.

    /// The fields of a browser form that uploads into this bucket under `policy`'s conditions
    /// (PostObject), signed now with this bucket's credentials and signature version.
    pub fn post_form(&self, policy: &PostPolicy) -> Result<PostForm, Error> {
        let now = self.client.now();
        Ok(self
            .client
            .signer()?
            .post_form(self.client.endpoint(), self.name(), policy, now)?)
    }

    /// A URL that performs `method` on `key` without credentials for `expires` seconds
    /// (oss2's `sign_url`); a request made with it must send `headers` unchanged.
    pub fn sign_url(
        &self,
        method: Method,
        key: &str,
        expires: i64,
        headers: Headers,
        params: Params,
        slash_safe: bool,
    ) -> Result<PresignedUrl, Error> {
        let mut request = Request::object(method, self.name(), key)?.with_headers(headers);
        for (name, value) in &params {
            request = request.with_query(name, value.as_deref());
        }
        let now = self.client.now();
        Ok(self.client.signer()?.presign(
            request,
            self.client.endpoint(),
            now,
            expires,
            slash_safe,
        )?)
    }
}

/// `headers` with a Content-Type guessed from the first of `names` whose extension is known,
/// unless they carry one (oss2 does the same for uploads; OSS would store
/// `application/octet-stream`, which browsers download instead of showing).
fn with_content_type(mut headers: Headers, names: &[&str]) -> Headers {
    if headers.get("content-type").is_none() {
        let guess = names
            .iter()
            .find_map(|name| mime_guess::from_path(name).first_raw());
        if let Some(content_type) = guess {
            // A MIME type from the table is a valid header value.
            let _ = headers.insert("Content-Type", content_type);
        }
    }
    headers
}

/// `dir/.name.oss-tmp-PID`: beside the target, so the final rename stays on one file system.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.oss-tmp-{}", std::process::id()))
}
