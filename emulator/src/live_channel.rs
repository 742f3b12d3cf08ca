//! Live channels (RTMP ingest): PutLiveChannel, GetLiveChannelInfo, DeleteLiveChannel,
//! PutLiveChannelStatus, GetLiveChannelStat, GetLiveChannelHistory, ListLiveChannel,
//! PostVodPlaylist and GetVodPlaylist.
//!
//! The emulator has no RTMP server: no stream is ever pushed, so a channel's stat is `Idle` (or
//! `Disabled`), its history is empty, DeleteLiveChannel never meets `ChannelStillLive`, and a
//! VOD playlist lists no fragments (an m3u8 with only its header and `#EXT-X-ENDLIST`; OSS
//! itself refuses a range without fragments, which the emulator cannot produce).
//!
//! A channel is kept in its bucket's configuration documents as `live/<channel>`: the
//! `<LiveChannelConfiguration>` oss-core writes, with a `<LastModified>` (Unix seconds) added.

use std::io::Read;

use md5::{Digest as _, Md5};
use oss_core::ops::live_channel::{LiveChannelConfiguration, LiveChannelTarget, MAX_VOD_SPAN};
use oss_core::request::Method;
use oss_core::xml::push_text_element;

use crate::auth::iso;
use crate::body::{quoted_md5, read_document};
use crate::common::{method_not_allowed, page_size, store_error};
use crate::error::OssError;
use crate::handler::{Access, Context, Emulator, Outcome, authorize};
use crate::http::{Response, ResponseBody};
use crate::store::{BucketMeta, ObjectMeta, ObjectType};

/// Object-level sub-resources this module answers. `comp`, `status`, `startTime` and `endTime`
/// mean something only with `live` or `vod`; alone they are refused here.
pub(crate) const OBJECT_SUBRESOURCES: &[&str] =
    &["live", "vod", "comp", "status", "startTime", "endTime"];
/// Bucket-level sub-resources this module answers.
pub(crate) const BUCKET_SUBRESOURCES: &[&str] = &["live"];

/// Where channels live among a bucket's configuration documents.
const CONFIG_PREFIX: &str = "live/";

/// The playlist OSS names when a configuration names none.
const DEFAULT_PLAYLIST: &str = "playlist.m3u8";

/// A configuration body is a few hundred bytes; more is refused rather than buffered.
const MAX_CONFIGURATION_LEN: u64 = 64 * 1024;

/// The object-level requests that are this module's; None: not one of them.
pub(crate) fn handle_object(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Option<Outcome> {
    if ctx.has("live") {
        return Some(channel_request(emulator, ctx, bucket, body));
    }
    if ctx.has("vod") {
        return Some(vod_request(emulator, ctx, bucket));
    }
    // `PUT /key?status=…` without `live` must not become a PutObject.
    OBJECT_SUBRESOURCES
        .iter()
        .find(|name| ctx.has(name))
        .map(|name| {
            Err(OssError::not_implemented(&format!(
                "The sub-resource ?{name} without ?live or ?vod"
            )))
        })
}

/// The bucket-level requests that are this module's; None: not one of them.
pub(crate) fn handle_bucket(
    _emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    _body: &mut dyn Read,
) -> Option<Outcome> {
    if !ctx.has("live") {
        return None;
    }
    Some(match ctx.method {
        Method::Get => list(ctx, bucket),
        _ => Err(method_not_allowed()),
    })
}

fn no_such_live_channel() -> OssError {
    OssError::new(
        404,
        "NoSuchLiveChannel",
        "The specified live channel does not exist.",
    )
}

/// `PUT|GET|DELETE /channel?live…`.
fn channel_request(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    body: &mut dyn Read,
) -> Outcome {
    let name = ctx.key.as_str();
    oss_core::names::check_live_channel_name(name)
        .map_err(|e| OssError::invalid_argument(e.to_string()).field("ChannelName", name))?;
    authorize(ctx, &bucket.acl, Access::Owner)?;
    match (ctx.method, ctx.param("comp")) {
        (Method::Put, None) if ctx.has("status") => put_status(emulator, ctx, bucket, name),
        (Method::Put, None) => put(emulator, ctx, bucket, name, body),
        (Method::Get, None) => {
            let channel = Channel::load(bucket, name)?;
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            xml.push_str(&channel.configuration_xml()?);
            Ok(Response::xml(200, xml))
        }
        (Method::Get, Some("stat")) => {
            let channel = Channel::load(bucket, name)?;
            // No stream is ever pushed to the emulator.
            let status = if channel.configuration.status == "disabled" {
                "Disabled"
            } else {
                "Idle"
            };
            let mut xml =
                String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelStat>");
            push_text_element(&mut xml, "Status", status);
            xml.push_str("</LiveChannelStat>");
            Ok(Response::xml(200, xml))
        }
        (Method::Get, Some("history")) => {
            Channel::load(bucket, name)?;
            Ok(Response::xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelHistory></LiveChannelHistory>"
                    .to_string(),
            ))
        }
        (Method::Delete, None) => {
            Channel::load(bucket, name)?;
            let mut bucket = bucket.clone();
            bucket.configs.remove(&config_key(name));
            emulator
                .store
                .put_bucket(bucket)
                .map_err(|e| store_error(e, ctx))?;
            Ok(Response::new(204))
        }
        (_, Some(comp)) => Err(OssError::invalid_argument(format!(
            "The comp parameter {comp:?} is not valid for a live channel."
        ))
        .field("ArgumentName", "comp")
        .field("ArgumentValue", comp)),
        _ => Err(method_not_allowed()),
    }
}

/// PutLiveChannel: creates the channel, or replaces its configuration.
fn put(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    name: &str,
    body: &mut dyn Read,
) -> Outcome {
    let document = read_document(ctx, body, MAX_CONFIGURATION_LEN)?;
    let channel = Channel {
        configuration: read_configuration(&document)?,
        last_modified: ctx.now,
    };
    let urls = Urls::new(ctx, name, &channel.configuration);
    save(emulator, ctx, bucket, name, &channel)?;
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateLiveChannelResult>");
    urls.push(&mut xml);
    xml.push_str("</CreateLiveChannelResult>");
    Ok(Response::xml(200, xml))
}

/// PutLiveChannelStatus: `enabled` or `disabled`.
fn put_status(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta, name: &str) -> Outcome {
    let status = ctx.param("status").unwrap_or("");
    if !oss_core::ops::live_channel::LIVE_CHANNEL_STATUSES.contains(&status) {
        return Err(OssError::invalid_argument(
            "The live channel status must be enabled or disabled.",
        )
        .field("ArgumentName", "status")
        .field("ArgumentValue", status));
    }
    let mut channel = Channel::load(bucket, name)?;
    channel.configuration.status = status.to_string();
    channel.last_modified = ctx.now;
    save(emulator, ctx, bucket, name, &channel)?;
    Ok(Response::new(200))
}

/// ListLiveChannel: `prefix`, `marker` (names after it) and `max-keys`, in name order.
fn list(ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    authorize(ctx, &bucket.acl, Access::Owner)?;
    let prefix = ctx.param("prefix").unwrap_or("");
    let marker = ctx.param("marker").unwrap_or("");
    let max_keys = page_size(ctx, "max-keys", 100)?;
    // Configuration names share the prefix `live/`, so their order is the channels' order.
    let mut names = bucket
        .configs
        .keys()
        .filter_map(|key| key.strip_prefix(CONFIG_PREFIX))
        .filter(|name| name.starts_with(prefix) && *name > marker);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListLiveChannelResult>");
    push_text_element(&mut xml, "Prefix", prefix);
    push_text_element(&mut xml, "Marker", marker);
    push_text_element(&mut xml, "MaxKeys", &max_keys.to_string());
    let mut channels = String::new();
    let mut last = None;
    for name in names.by_ref().take(max_keys) {
        let channel = Channel::load(bucket, name)?;
        channels.push_str("<LiveChannel>");
        push_text_element(&mut channels, "Name", name);
        push_text_element(
            &mut channels,
            "Description",
            &channel.configuration.description,
        );
        push_text_element(&mut channels, "Status", &channel.configuration.status);
        push_text_element(&mut channels, "LastModified", &iso(channel.last_modified));
        Urls::new(ctx, name, &channel.configuration).push(&mut channels);
        channels.push_str("</LiveChannel>");
        last = Some(name);
    }
    let truncated = names.next().is_some();
    push_text_element(
        &mut xml,
        "IsTruncated",
        if truncated { "true" } else { "false" },
    );
    if truncated {
        push_text_element(&mut xml, "NextMarker", last.unwrap_or(""));
    }
    xml.push_str(&channels);
    xml.push_str("</ListLiveChannelResult>");
    Ok(Response::xml(200, xml))
}

/// `POST /channel/playlist.m3u8?vod…` (PostVodPlaylist) and `GET /channel?vod…`
/// (GetVodPlaylist).
fn vod_request(emulator: &Emulator, ctx: &Context<'_>, bucket: &BucketMeta) -> Outcome {
    match ctx.method {
        Method::Post => {
            authorize(ctx, &bucket.acl, Access::Write)?;
            let (name, playlist) = ctx.key.split_once('/').unwrap_or((&ctx.key, ""));
            if playlist.len() <= ".m3u8".len()
                || !playlist.ends_with(".m3u8")
                || playlist.contains('/')
            {
                return Err(
                    OssError::invalid_argument("The playlist name must end with .m3u8.")
                        .field("ArgumentName", "PlaylistName")
                        .field("ArgumentValue", playlist),
                );
            }
            vod_range(ctx)?;
            let channel = Channel::load(bucket, name)?;
            let m3u8 = empty_playlist(&channel.configuration).into_bytes();
            let etag = quoted_md5(&Md5::digest(&m3u8));
            let meta = ObjectMeta {
                key: ctx.key.clone(),
                size: m3u8.len() as u64,
                etag: etag.clone(),
                crc64: oss_core::crc64::checksum(&m3u8),
                last_modified: ctx.now,
                object_type: ObjectType::Normal,
                storage_class: bucket.storage_class.clone(),
                acl: "default".to_string(),
                headers: vec![("content-type".into(), "application/x-mpegURL".into())],
                symlink_target: None,
            };
            let staged = emulator
                .store
                .stage(&bucket.name, &mut m3u8.as_slice())
                .map_err(|e| store_error(e, ctx))?;
            emulator
                .store
                .commit_object(&bucket.name, staged, meta)
                .map_err(|e| store_error(e, ctx))?;
            Ok(Response::new(200).with_header("ETag", etag))
        }
        Method::Get => {
            authorize(ctx, &bucket.acl, Access::Read)?;
            vod_range(ctx)?;
            let channel = Channel::load(bucket, &ctx.key)?;
            let mut response =
                Response::new(200).with_header("Content-Type", "application/x-mpegURL");
            response.body =
                ResponseBody::Bytes(empty_playlist(&channel.configuration).into_bytes());
            Ok(response)
        }
        _ => Err(method_not_allowed()),
    }
}

/// `startTime` and `endTime` (Unix seconds): the end after the start, at most a day later.
fn vod_range(ctx: &Context<'_>) -> Result<(i64, i64), OssError> {
    let time = |name: &'static str| {
        let text = ctx.param(name).unwrap_or("");
        text.parse::<i64>().map_err(|_| {
            OssError::invalid_argument(format!("{name} must be a Unix time in seconds."))
                .field("ArgumentName", name)
                .field("ArgumentValue", text)
        })
    };
    let (start, end) = (time("startTime")?, time("endTime")?);
    match end.checked_sub(start) {
        Some(span) if span > 0 && span <= MAX_VOD_SPAN => Ok((start, end)),
        _ => Err(OssError::invalid_argument(
            "endTime must be after startTime, and at most one day later.",
        )
        .field("ArgumentName", "endTime")
        .field("ArgumentValue", end.to_string())),
    }
}

/// What OSS would list for a range with no fragments: the header and the end.
fn empty_playlist(configuration: &LiveChannelConfiguration) -> String {
    format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:{}\n#EXT-X-ENDLIST\n",
        configuration.target.frag_duration
    )
}

/// Reads a PutLiveChannel body as OSS does: Description, Status, FragDuration, FragCount and
/// PlaylistName may be left out (oss2 sends them all, other clients do not); the values are
/// then held to oss-core's limits.
fn read_configuration(document: &[u8]) -> Result<LiveChannelConfiguration, OssError> {
    let root = oss_core::xml::parse(document).map_err(|_| OssError::malformed_xml())?;
    if root.name != "LiveChannelConfiguration" {
        return Err(OssError::malformed_xml());
    }
    let target = root.child("Target").ok_or_else(OssError::malformed_xml)?;
    let defaults = LiveChannelTarget::default();
    let number = |path: &str, default: u32| {
        target
            .optional_unsigned::<u32>(path)
            .map(|n| n.unwrap_or(default))
            .map_err(|e| OssError::invalid_argument(e.to_string()))
    };
    let configuration = LiveChannelConfiguration {
        description: root.child_text("Description").unwrap_or("").to_string(),
        status: root.child_text("Status").unwrap_or("enabled").to_string(),
        target: LiveChannelTarget {
            kind: target.child_text("Type").unwrap_or("").to_string(),
            frag_duration: number("FragDuration", defaults.frag_duration)?,
            frag_count: number("FragCount", defaults.frag_count)?,
            playlist_name: match target.child_text("PlaylistName") {
                None | Some("") => DEFAULT_PLAYLIST.to_string(),
                Some(name) => name.to_string(),
            },
        },
    };
    configuration
        .check()
        .map_err(|e| OssError::invalid_argument(e.to_string()))?;
    Ok(configuration)
}

fn config_key(name: &str) -> String {
    format!("{CONFIG_PREFIX}{name}")
}

fn save(
    emulator: &Emulator,
    ctx: &Context<'_>,
    bucket: &BucketMeta,
    name: &str,
    channel: &Channel,
) -> Result<(), OssError> {
    let mut bucket = bucket.clone();
    bucket
        .configs
        .insert(config_key(name), channel.to_document()?);
    emulator
        .store
        .put_bucket(bucket)
        .map_err(|e| store_error(e, ctx))
}

/// A channel as kept in its bucket.
struct Channel {
    configuration: LiveChannelConfiguration,
    /// Unix seconds.
    last_modified: i64,
}

impl Channel {
    fn load(bucket: &BucketMeta, name: &str) -> Result<Channel, OssError> {
        let document = bucket
            .configs
            .get(&config_key(name))
            .ok_or_else(no_such_live_channel)?;
        let unreadable = |e: oss_core::error::DecodeError| {
            OssError::new(
                500,
                "InternalError",
                format!("The stored live channel {name:?} is unreadable: {e}"),
            )
        };
        let configuration = LiveChannelConfiguration::from_xml(document).map_err(unreadable)?;
        let last_modified = oss_core::xml::parse(document)
            .and_then(|root| root.required_number("LastModified"))
            .map_err(unreadable)?;
        Ok(Channel {
            configuration,
            last_modified,
        })
    }

    /// `<LiveChannelConfiguration>` as GetLiveChannelInfo answers it.
    fn configuration_xml(&self) -> Result<String, OssError> {
        self.configuration.to_xml().map_err(|e| {
            OssError::new(
                500,
                "InternalError",
                format!("The stored live channel is not valid: {e}"),
            )
        })
    }

    /// The configuration with `<LastModified>` added before its end tag.
    fn to_document(&self) -> Result<Vec<u8>, OssError> {
        let xml = self.configuration_xml()?;
        let mut document = xml
            .strip_suffix("</LiveChannelConfiguration>")
            .unwrap_or(&xml)
            .to_string();
        push_text_element(
            &mut document,
            "LastModified",
            &self.last_modified.to_string(),
        );
        document.push_str("</LiveChannelConfiguration>");
        Ok(document.into_bytes())
    }
}

/// A channel's publish (RTMP) and play (HLS) URLs, on the host the request named:
/// `rtmp://bucket.<host>/live/channel` and `http://bucket.<host>/channel/playlist.m3u8`.
struct Urls {
    publish: String,
    play: String,
}

impl Urls {
    fn new(ctx: &Context<'_>, name: &str, configuration: &LiveChannelConfiguration) -> Urls {
        let bucket = ctx.bucket_name();
        let host = ctx.header("host").unwrap_or("localhost");
        // Virtual-hosted requests already name the bucket in Host.
        let host = match host.strip_prefix(bucket).and_then(|h| h.strip_prefix('.')) {
            Some(_) => host.to_string(),
            None => format!("{bucket}.{host}"),
        };
        Urls {
            publish: format!("rtmp://{host}/live/{name}"),
            play: format!(
                "http://{host}/{name}/{}",
                configuration.target.playlist_name
            ),
        }
    }

    fn push(&self, xml: &mut String) {
        xml.push_str("<PublishUrls>");
        push_text_element(xml, "Url", &self.publish);
        xml.push_str("</PublishUrls><PlayUrls>");
        push_text_element(xml, "Url", &self.play);
        xml.push_str("</PlayUrls>");
    }
}
