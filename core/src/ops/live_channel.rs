//! Live channels: RTMP ingest points that OSS records as HLS (an m3u8 playlist and ts
//! fragments) — `Bucket.create_live_channel` … `Bucket.get_vod_playlist`.
//!
//! A channel is addressed like an object (`PUT /ChannelName?live`), but OSS refuses a `/` in a
//! channel name, and a name is also part of the RTMP publish URL; names are checked with
//! [`names::check_live_channel_name`] before a request is built, as the other inputs OSS
//! documents limits for (status, fragment settings, playlist names, VOD time ranges).
//!
//! Answers in XML (and the configuration body of CreateLiveChannel) need the `std` feature.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::Operation;
#[cfg(feature = "std")]
use super::Paginated;
use crate::error::{ClientError, DecodeError, Error};
use crate::names;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// The statuses a channel can be set to.
pub const LIVE_CHANNEL_STATUSES: [&str; 2] = ["enabled", "disabled"];

/// The one target type OSS knows.
pub const TARGET_TYPE_HLS: &str = "HLS";

/// OSS allows descriptions of at most this many bytes.
pub const MAX_DESCRIPTION_LEN: usize = 128;

/// Fragment duration (seconds) and fragment count both lie within this range.
pub const FRAG_RANGE: core::ops::RangeInclusive<u32> = 1..=100;

/// A VOD playlist covers at most one day.
pub const MAX_VOD_SPAN: i64 = 86_400;

/// `max-keys` of a channel listing lies within `1..=MAX_LIST_KEYS`.
pub const MAX_LIST_KEYS: u32 = 1000;

/// Where a channel's stream goes (`<Target>`). The defaults are oss2's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveChannelTarget {
    /// `<Type>` (oss2's `type`): only [`TARGET_TYPE_HLS`] exists.
    pub kind: String,
    /// Seconds of stream per ts fragment, within [`FRAG_RANGE`].
    pub frag_duration: u32,
    /// Fragments listed in the m3u8 playlist, within [`FRAG_RANGE`].
    pub frag_count: u32,
    /// The m3u8 file's name: 6–128 characters ending in `.m3u8`, no `/`; empty lets OSS
    /// choose (`playlist.m3u8`).
    pub playlist_name: String,
}

impl Default for LiveChannelTarget {
    fn default() -> LiveChannelTarget {
        LiveChannelTarget {
            kind: TARGET_TYPE_HLS.to_string(),
            frag_duration: 5,
            frag_count: 3,
            playlist_name: String::new(),
        }
    }
}

impl LiveChannelTarget {
    /// Refuses what OSS would refuse.
    pub fn check(&self) -> Result<(), ClientError> {
        if self.kind != TARGET_TYPE_HLS {
            return Err(invalid("live channel target type (only HLS)", &self.kind));
        }
        for value in [self.frag_duration, self.frag_count] {
            if !FRAG_RANGE.contains(&value) {
                return Err(invalid(
                    "HLS fragment duration or count (1 to 100)",
                    &value.to_string(),
                ));
            }
        }
        if !self.playlist_name.is_empty() {
            let chars = self.playlist_name.chars().count();
            if !(6..=128).contains(&chars)
                || !self.playlist_name.ends_with(".m3u8")
                || self.playlist_name.contains('/')
                || !is_xml_text(&self.playlist_name)
            {
                return Err(invalid(
                    "playlist name (6 to 128 characters ending in .m3u8, no '/')",
                    &self.playlist_name,
                ));
            }
        }
        Ok(())
    }
}

/// A channel's configuration: the body of CreateLiveChannel and the answer of GetLiveChannel
/// (`<LiveChannelConfiguration>`). The defaults are oss2's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveChannelConfiguration {
    /// At most [`MAX_DESCRIPTION_LEN`] bytes.
    pub description: String,
    /// One of [`LIVE_CHANNEL_STATUSES`] (what OSS answers is kept as it comes).
    pub status: String,
    pub target: LiveChannelTarget,
}

impl Default for LiveChannelConfiguration {
    fn default() -> LiveChannelConfiguration {
        LiveChannelConfiguration {
            description: String::new(),
            status: "enabled".to_string(),
            target: LiveChannelTarget::default(),
        }
    }
}

impl LiveChannelConfiguration {
    /// Refuses what OSS would refuse, and text XML cannot carry.
    pub fn check(&self) -> Result<(), ClientError> {
        if self.description.len() > MAX_DESCRIPTION_LEN || !is_xml_text(&self.description) {
            return Err(invalid(
                "live channel description (at most 128 bytes of XML text)",
                &self.description,
            ));
        }
        check_status(&self.status)?;
        self.target.check()
    }

    /// The body oss2 sends: ElementTree's serialisation, no declaration, no white space.
    #[cfg(feature = "std")]
    pub fn to_xml(&self) -> Result<String, ClientError> {
        use crate::xml::{push_number_element, push_text_element};
        self.check()?;
        let target = &self.target;
        let mut out = String::with_capacity(256);
        out.push_str("<LiveChannelConfiguration>");
        push_text_element(&mut out, "Description", &self.description);
        push_text_element(&mut out, "Status", &self.status);
        out.push_str("<Target>");
        push_text_element(&mut out, "Type", &target.kind);
        push_number_element(&mut out, "FragDuration", target.frag_duration);
        push_number_element(&mut out, "FragCount", target.frag_count);
        push_text_element(&mut out, "PlaylistName", &target.playlist_name);
        out.push_str("</Target></LiveChannelConfiguration>");
        Ok(out)
    }

    /// Reads a `<LiveChannelConfiguration>` document. Every element oss2 reads is required, and
    /// a missing or unreadable one is a [`DecodeError`] naming its path.
    #[cfg(feature = "std")]
    pub fn from_xml(body: &[u8]) -> Result<LiveChannelConfiguration, DecodeError> {
        let root = crate::xml::parse(body)?;
        Ok(LiveChannelConfiguration {
            description: root.required_text("Description")?.to_string(),
            status: root.required_text("Status")?.to_string(),
            target: LiveChannelTarget {
                kind: root.required_text("Target/Type")?.to_string(),
                frag_duration: root.required_number("Target/FragDuration")?,
                frag_count: root.required_number("Target/FragCount")?,
                playlist_name: root.required_text("Target/PlaylistName")?.to_string(),
            },
        })
    }
}

fn invalid(what: &'static str, value: &str) -> ClientError {
    ClientError::InvalidFormat {
        what,
        value: value.to_string(),
    }
}

fn check_status(status: &str) -> Result<(), ClientError> {
    if LIVE_CHANNEL_STATUSES.contains(&status) {
        Ok(())
    } else {
        Err(invalid("live channel status (enabled or disabled)", status))
    }
}

/// Characters XML 1.0 can carry: ElementTree would write the others raw, making a body OSS
/// cannot parse.
fn is_xml_text(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    })
}

/// `PUT|GET|DELETE /channel?live…`, the channel name checked.
fn channel_request(method: Method, bucket: &str, channel: &str) -> Result<Request, ClientError> {
    names::check_live_channel_name(channel)?;
    Ok(Request::object(method, bucket, channel)?.with_query("live", Some("")))
}

/// Start and end of a VOD range (Unix seconds): the end after the start, at most a day later.
fn check_vod_range(start_time: i64, end_time: i64) -> Result<(), ClientError> {
    match end_time.checked_sub(start_time) {
        Some(span) if span > 0 && span <= MAX_VOD_SPAN => Ok(()),
        _ => Err(invalid(
            "VOD time range (end after start, at most one day)",
            &alloc::format!("{start_time}..{end_time}"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// CreateLiveChannel

/// Where to push and where to watch a new channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateLiveChannelResult {
    pub result: RequestResult,
    /// The HLS playlist URL (`PlayUrls/Url`).
    pub play_url: String,
    /// The RTMP URL to push to (`PublishUrls/Url`); private buckets need a signed one
    /// ([`crate::sign::Signer::sign_rtmp_url`]).
    pub publish_url: String,
}

/// Creates (or replaces) a channel (`Bucket.create_live_channel`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateLiveChannel {
    pub bucket: String,
    pub channel_name: String,
    pub configuration: LiveChannelConfiguration,
}

impl CreateLiveChannel {
    pub fn new(
        bucket: &str,
        channel_name: &str,
        configuration: LiveChannelConfiguration,
    ) -> CreateLiveChannel {
        CreateLiveChannel {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
            configuration,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for CreateLiveChannel {
    type Output = CreateLiveChannelResult;

    fn request(&self) -> Result<Request, ClientError> {
        let body = self.configuration.to_xml()?;
        Ok(
            channel_request(Method::Put, &self.bucket, &self.channel_name)?
                .with_body(crate::request::Body::Bytes(body.into_bytes())),
        )
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<CreateLiveChannelResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        Ok(CreateLiveChannelResult {
            result: RequestResult::from_head(head),
            play_url: root.required_text("PlayUrls/Url")?.to_string(),
            publish_url: root.required_text("PublishUrls/Url")?.to_string(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// DeleteLiveChannel

/// Deletes a channel (`Bucket.delete_live_channel`); OSS refuses while a stream is being
/// pushed ([`crate::ErrorCode::ChannelStillLive`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteLiveChannel {
    pub bucket: String,
    pub channel_name: String,
}

impl DeleteLiveChannel {
    pub fn new(bucket: &str, channel_name: &str) -> DeleteLiveChannel {
        DeleteLiveChannel {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
        }
    }
}

impl Operation for DeleteLiveChannel {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        channel_request(Method::Delete, &self.bucket, &self.channel_name)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

// ---------------------------------------------------------------------------------------------
// GetLiveChannel

/// A channel's configuration. Unlike oss2, whose result overwrites the HTTP `status` with the
/// channel's, `result.status` stays the HTTP status and the channel's is
/// `configuration.status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetLiveChannelResult {
    pub result: RequestResult,
    pub configuration: LiveChannelConfiguration,
}

/// Reads a channel's configuration (`Bucket.get_live_channel`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetLiveChannel {
    pub bucket: String,
    pub channel_name: String,
}

impl GetLiveChannel {
    pub fn new(bucket: &str, channel_name: &str) -> GetLiveChannel {
        GetLiveChannel {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetLiveChannel {
    type Output = GetLiveChannelResult;

    fn request(&self) -> Result<Request, ClientError> {
        channel_request(Method::Get, &self.bucket, &self.channel_name)
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetLiveChannelResult, Error> {
        head.check(body)?;
        Ok(GetLiveChannelResult {
            result: RequestResult::from_head(head),
            configuration: LiveChannelConfiguration::from_xml(body)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ListLiveChannel

/// One channel of a listing (oss2's `LiveChannelInfo` as `list_live_channel` fills it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveChannelInfo {
    pub name: String,
    pub description: String,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Unix seconds.
    pub last_modified: i64,
    pub play_url: String,
    pub publish_url: String,
}

/// One page of channels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListLiveChannelResult {
    pub result: RequestResult,
    pub prefix: String,
    pub marker: String,
    pub max_keys: u32,
    pub is_truncated: bool,
    /// Where the next page starts; read only when `is_truncated` (else empty), as oss2 does.
    pub next_marker: String,
    pub channels: Vec<LiveChannelInfo>,
}

/// Lists a bucket's channels, one page (`Bucket.list_live_channel`); a [`super::Pager`] reads
/// them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLiveChannel {
    pub bucket: String,
    /// Only channels whose names start with this.
    pub prefix: String,
    /// Only channels whose names sort after this.
    pub marker: String,
    /// Channels per page, `1..=MAX_LIST_KEYS`.
    pub max_keys: u32,
}

impl ListLiveChannel {
    /// The first page of all channels, 100 at a time (oss2's defaults).
    pub fn new(bucket: &str) -> ListLiveChannel {
        ListLiveChannel {
            bucket: bucket.to_string(),
            prefix: String::new(),
            marker: String::new(),
            max_keys: 100,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for ListLiveChannel {
    type Output = ListLiveChannelResult;

    fn request(&self) -> Result<Request, ClientError> {
        if !(1..=MAX_LIST_KEYS).contains(&self.max_keys) {
            return Err(invalid("max-keys (1 to 1000)", &self.max_keys.to_string()));
        }
        Ok(Request::bucket(Method::Get, &self.bucket)?
            .with_query("live", Some(""))
            .with_query("prefix", Some(&self.prefix))
            .with_query("marker", Some(&self.marker))
            .with_query("max-keys", Some(&self.max_keys.to_string())))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<ListLiveChannelResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let is_truncated = root.required_flag("IsTruncated")?;
        let next_marker = if is_truncated {
            root.required_text("NextMarker")?.to_string()
        } else {
            String::new()
        };
        let channels = root
            .children_named("LiveChannel")
            .map(|channel| {
                Ok(LiveChannelInfo {
                    name: channel.required_text("Name")?.to_string(),
                    description: channel.required_text("Description")?.to_string(),
                    status: channel.required_text("Status")?.to_string(),
                    last_modified: channel.required_time("LastModified")?,
                    play_url: channel.required_text("PlayUrls/Url")?.to_string(),
                    publish_url: channel.required_text("PublishUrls/Url")?.to_string(),
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        Ok(ListLiveChannelResult {
            result: RequestResult::from_head(head),
            prefix: root.required_text("Prefix")?.to_string(),
            marker: root.required_text("Marker")?.to_string(),
            max_keys: root.required_number("MaxKeys")?,
            is_truncated,
            next_marker,
            channels,
        })
    }
}

#[cfg(feature = "std")]
impl Paginated for ListLiveChannel {
    /// The same listing from `next_marker`. A truncated page without a marker that moves
    /// forward ends the listing rather than asking for the same page forever.
    fn next_page(&self, page: &ListLiveChannelResult) -> Option<ListLiveChannel> {
        if !page.is_truncated || page.next_marker.is_empty() || page.next_marker == self.marker {
            return None;
        }
        Some(ListLiveChannel {
            marker: page.next_marker.clone(),
            ..self.clone()
        })
    }
}

// ---------------------------------------------------------------------------------------------
// GetLiveChannelStat

/// The video of a stream being pushed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveChannelVideoStat {
    pub width: u32,
    pub height: u32,
    pub frame_rate: u32,
    /// Bits per second.
    pub bandwidth: u64,
    pub codec: String,
}

/// The audio of a stream being pushed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveChannelAudioStat {
    pub bandwidth: u64,
    pub sample_rate: u32,
    pub codec: String,
}

/// What a channel is receiving now. Unlike oss2, `result.status` stays the HTTP status; the
/// stream's is `status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetLiveChannelStatResult {
    pub result: RequestResult,
    /// `Idle` or `Live`.
    pub status: String,
    /// When the current push started (Unix seconds); only while `Live`.
    pub connected_time: Option<i64>,
    /// The pushing client's `ip:port`; only while `Live`.
    pub remote_addr: Option<String>,
    pub video: Option<LiveChannelVideoStat>,
    pub audio: Option<LiveChannelAudioStat>,
}

/// Reads a channel's push status (`Bucket.get_live_channel_stat`, `?live&comp=stat`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetLiveChannelStat {
    pub bucket: String,
    pub channel_name: String,
}

impl GetLiveChannelStat {
    pub fn new(bucket: &str, channel_name: &str) -> GetLiveChannelStat {
        GetLiveChannelStat {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetLiveChannelStat {
    type Output = GetLiveChannelStatResult;

    fn request(&self) -> Result<Request, ClientError> {
        Ok(
            channel_request(Method::Get, &self.bucket, &self.channel_name)?
                .with_query("comp", Some("stat")),
        )
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetLiveChannelStatResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let video = root
            .child("Video")
            .map(|video| {
                Ok::<_, DecodeError>(LiveChannelVideoStat {
                    width: video.required_number("Width")?,
                    height: video.required_number("Height")?,
                    frame_rate: video.required_number("FrameRate")?,
                    bandwidth: video.required_number("Bandwidth")?,
                    codec: video.required_text("Codec")?.to_string(),
                })
            })
            .transpose()?;
        let audio = root
            .child("Audio")
            .map(|audio| {
                Ok::<_, DecodeError>(LiveChannelAudioStat {
                    bandwidth: audio.required_number("Bandwidth")?,
                    sample_rate: audio.required_number("SampleRate")?,
                    codec: audio.required_text("Codec")?.to_string(),
                })
            })
            .transpose()?;
        let connected_time = root.optional_time("ConnectedTime")?;
        Ok(GetLiveChannelStatResult {
            result: RequestResult::from_head(head),
            status: root.required_text("Status")?.to_string(),
            connected_time,
            remote_addr: root.child_text("RemoteAddr").map(str::to_string),
            video,
            audio,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// PutLiveChannelStatus

/// Enables or disables a channel (`Bucket.put_live_channel_status`); disabling one that is
/// receiving a stream cuts the stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutLiveChannelStatus {
    pub bucket: String,
    pub channel_name: String,
    /// One of [`LIVE_CHANNEL_STATUSES`].
    pub status: String,
}

impl PutLiveChannelStatus {
    pub fn new(bucket: &str, channel_name: &str, status: &str) -> PutLiveChannelStatus {
        PutLiveChannelStatus {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
            status: status.to_string(),
        }
    }
}

impl Operation for PutLiveChannelStatus {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        check_status(&self.status)?;
        Ok(
            channel_request(Method::Put, &self.bucket, &self.channel_name)?
                .with_query("status", Some(&self.status)),
        )
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

// ---------------------------------------------------------------------------------------------
// GetLiveChannelHistory

/// One past push.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveRecord {
    /// Unix seconds.
    pub start_time: i64,
    /// Unix seconds.
    pub end_time: i64,
    /// The client's `ip:port`.
    pub remote_addr: String,
}

/// The last pushes to a channel (OSS keeps ten), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetLiveChannelHistoryResult {
    pub result: RequestResult,
    pub records: Vec<LiveRecord>,
}

/// Reads a channel's push history (`Bucket.get_live_channel_history`, `?live&comp=history`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetLiveChannelHistory {
    pub bucket: String,
    pub channel_name: String,
}

impl GetLiveChannelHistory {
    pub fn new(bucket: &str, channel_name: &str) -> GetLiveChannelHistory {
        GetLiveChannelHistory {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetLiveChannelHistory {
    type Output = GetLiveChannelHistoryResult;

    fn request(&self) -> Result<Request, ClientError> {
        Ok(
            channel_request(Method::Get, &self.bucket, &self.channel_name)?
                .with_query("comp", Some("history")),
        )
    }

    fn parse(
        &self,
        head: &ResponseHead,
        body: &[u8],
    ) -> Result<GetLiveChannelHistoryResult, Error> {
        head.check(body)?;
        let root = crate::xml::parse(body)?;
        let records = root
            .children_named("LiveRecord")
            .map(|record| {
                Ok(LiveRecord {
                    start_time: record.required_time("StartTime")?,
                    end_time: record.required_time("EndTime")?,
                    remote_addr: record.required_text("RemoteAddr")?.to_string(),
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        Ok(GetLiveChannelHistoryResult {
            result: RequestResult::from_head(head),
            records,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// PostVodPlaylist / GetVodPlaylist

/// A VOD playlist name ends in `.m3u8` (and has something before it).
fn check_vod_playlist_name(name: &str) -> Result<(), ClientError> {
    if name.len() > ".m3u8".len() && name.ends_with(".m3u8") {
        Ok(())
    } else {
        Err(invalid("VOD playlist name (ending in .m3u8)", name))
    }
}

/// Writes a playlist of what a channel recorded between two times into the object
/// `channel/playlist` (`Bucket.post_vod_playlist`, `POST /channel/playlist?vod&endTime&startTime`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostVodPlaylist {
    pub bucket: String,
    pub channel_name: String,
    /// Ends in `.m3u8`.
    pub playlist_name: String,
    /// Unix seconds.
    pub start_time: i64,
    /// Unix seconds, after `start_time` and at most [`MAX_VOD_SPAN`] later.
    pub end_time: i64,
}

impl PostVodPlaylist {
    pub fn new(
        bucket: &str,
        channel_name: &str,
        playlist_name: &str,
        start_time: i64,
        end_time: i64,
    ) -> PostVodPlaylist {
        PostVodPlaylist {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
            playlist_name: playlist_name.to_string(),
            start_time,
            end_time,
        }
    }
}

impl Operation for PostVodPlaylist {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        names::check_live_channel_name(&self.channel_name)?;
        check_vod_playlist_name(&self.playlist_name)?;
        check_vod_range(self.start_time, self.end_time)?;
        let key = alloc::format!("{}/{}", self.channel_name, self.playlist_name);
        Ok(Request::object(Method::Post, &self.bucket, &key)?
            .with_query("vod", Some(""))
            .with_query("startTime", Some(&self.start_time.to_string()))
            .with_query("endTime", Some(&self.end_time.to_string())))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        head.check(body)?;
        Ok(RequestResult::from_head(head))
    }
}

/// A playlist made on the fly, not stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetVodPlaylistResult {
    pub result: RequestResult,
    /// The m3u8 text.
    pub playlist: String,
}

/// Returns a playlist of what a channel recorded between two times, without storing it
/// (`Bucket.get_vod_playlist`, `GET /channel?vod&endTime&startTime`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetVodPlaylist {
    pub bucket: String,
    pub channel_name: String,
    /// Unix seconds.
    pub start_time: i64,
    /// Unix seconds, after `start_time` and at most [`MAX_VOD_SPAN`] later.
    pub end_time: i64,
}

impl GetVodPlaylist {
    pub fn new(bucket: &str, channel_name: &str, start_time: i64, end_time: i64) -> GetVodPlaylist {
        GetVodPlaylist {
            bucket: bucket.to_string(),
            channel_name: channel_name.to_string(),
            start_time,
            end_time,
        }
    }
}

impl Operation for GetVodPlaylist {
    type Output = GetVodPlaylistResult;

    fn request(&self) -> Result<Request, ClientError> {
        names::check_live_channel_name(&self.channel_name)?;
        check_vod_range(self.start_time, self.end_time)?;
        Ok(
            Request::object(Method::Get, &self.bucket, &self.channel_name)?
                .with_query("vod", Some(""))
                .with_query("startTime", Some(&self.start_time.to_string()))
                .with_query("endTime", Some(&self.end_time.to_string())),
        )
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetVodPlaylistResult, Error> {
        head.check(body)?;
        let playlist = core::str::from_utf8(body).map_err(|e| DecodeError {
            what: "VOD playlist".to_string(),
            reason: alloc::format!("not UTF-8: {e}"),
        })?;
        Ok(GetVodPlaylistResult {
            result: RequestResult::from_head(head),
            playlist: playlist.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_oss_refuses() {
        let bad_targets = [
            LiveChannelTarget {
                kind: "DASH".into(),
                ..LiveChannelTarget::default()
            },
            LiveChannelTarget {
                frag_duration: 0,
                ..LiveChannelTarget::default()
            },
            LiveChannelTarget {
                frag_count: 101,
                ..LiveChannelTarget::default()
            },
            LiveChannelTarget {
                playlist_name: "a.m3u".into(),
                ..LiveChannelTarget::default()
            },
            LiveChannelTarget {
                playlist_name: ".m3u8".into(),
                ..LiveChannelTarget::default()
            },
            LiveChannelTarget {
                playlist_name: "a/b.m3u8".into(),
                ..LiveChannelTarget::default()
            },
        ];
        for target in bad_targets {
            let config = LiveChannelConfiguration {
                target,
                ..LiveChannelConfiguration::default()
            };
            assert!(
                matches!(config.check(), Err(ClientError::InvalidFormat { .. })),
                "{config:?}"
            );
        }
        for description in ["x".repeat(129), "bell\u{7}".into(), "\u{ffff}".into()] {
            let config = LiveChannelConfiguration {
                description,
                ..LiveChannelConfiguration::default()
            };
            assert!(config.check().is_err(), "{config:?}");
        }
        let config = LiveChannelConfiguration {
            status: "Enabled".into(),
            ..LiveChannelConfiguration::default()
        };
        assert!(config.check().is_err());
        assert!(LiveChannelConfiguration::default().check().is_ok());

        assert!(
            PutLiveChannelStatus::new("bkt", "ch", "paused")
                .request()
                .is_err()
        );
        for name in ["", "a/b"] {
            assert!(matches!(
                PutLiveChannelStatus::new("bkt", name, "enabled").request(),
                Err(ClientError::InvalidLiveChannelName { .. })
            ));
            assert!(matches!(
                PostVodPlaylist::new("bkt", name, "v.m3u8", 0, 60).request(),
                Err(ClientError::InvalidLiveChannelName { .. })
            ));
        }
        for (start, end) in [
            (10, 10),
            (10, 9),
            (0, MAX_VOD_SPAN + 1),
            (i64::MIN, i64::MAX),
        ] {
            assert!(
                GetVodPlaylist::new("bkt", "ch", start, end)
                    .request()
                    .is_err()
            );
            assert!(
                PostVodPlaylist::new("bkt", "ch", "v.m3u8", start, end)
                    .request()
                    .is_err()
            );
        }
        assert!(
            GetVodPlaylist::new("bkt", "ch", 0, MAX_VOD_SPAN)
                .request()
                .is_ok()
        );
        assert!(
            PostVodPlaylist::new("bkt", "ch", "v.m3u", 0, 60)
                .request()
                .is_err()
        );
    }
}
