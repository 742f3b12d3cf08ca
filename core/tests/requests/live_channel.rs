//! Building live channel operations from `signing.json` records.
//!
//! OSS refuses a `/` in a channel name, and so do the operations (`InvalidLiveChannelName`,
//! before any I/O); oss2 checks nothing, and most of these records were made with object keys
//! such as `dir/sub/file.txt` as channel names. [`refused_by_design`] tells the harness which
//! refusals are these; `live_channel_models.rs` checks that, under a name OSS accepts, the rest
//! of such a record (method, query, headers, body) is reproduced. This file uses nothing from
//! `requests/mod.rs`, so that test can include it.

use oss_core::ClientError;
use oss_core::ops::Operation;
use oss_core::ops::live_channel::{
    CreateLiveChannel, DeleteLiveChannel, GetLiveChannel, GetLiveChannelHistory,
    GetLiveChannelStat, GetVodPlaylist, ListLiveChannel, LiveChannelConfiguration, PostVodPlaylist,
    PutLiveChannelStatus,
};
use oss_core::request::Request;
use serde_json::Value;

/// The operations built here.
pub const OPERATIONS: &[&str] = ALL_OPERATIONS;

/// Every live channel operation built here.
pub const ALL_OPERATIONS: &[&str] = &[
    "Bucket.create_live_channel",
    "Bucket.delete_live_channel",
    "Bucket.get_live_channel",
    "Bucket.list_live_channel",
    "Bucket.get_live_channel_stat",
    "Bucket.put_live_channel_status",
    "Bucket.get_live_channel_history",
    "Bucket.post_vod_playlist",
    "Bucket.get_vod_playlist",
];

/// None: not one of this group's operations.
pub fn build(op: &str, record: &Value) -> Option<Result<Request, ClientError>> {
    if !ALL_OPERATIONS.contains(&op) {
        return None;
    }
    Some(build_as(op, record, channel_name(op, record)))
}

/// Why the refusal `error` of `record` is intended, if it is: a channel name with a `/`.
pub fn refused_by_design(op: &str, record: &Value, error: &ClientError) -> Option<&'static str> {
    (ALL_OPERATIONS.contains(&op)
        && channel_name(op, record).contains('/')
        && matches!(error, ClientError::InvalidLiveChannelName { .. }))
    .then_some("channel name with '/', which OSS refuses (oss2 sends it)")
}

/// The channel a record names: its key, or for `post_vod_playlist` (key
/// `channel/playlist`) what comes before the first `/`.
pub fn channel_name<'a>(op: &str, record: &'a Value) -> &'a str {
    let key = record["key"].as_str().unwrap_or("");
    match op {
        "Bucket.post_vod_playlist" => key.split_once('/').map_or(key, |(channel, _)| channel),
        _ => key,
    }
}

/// The typed operation's request for the record, with `channel` as the channel name.
pub fn build_as(op: &str, record: &Value, channel: &str) -> Result<Request, ClientError> {
    let bucket = record["bucket"].as_str().unwrap_or("");
    let time = |name: &str| {
        param(record, name)
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
    };
    match op {
        "Bucket.create_live_channel" => {
            let body = record["body"].as_str().unwrap_or("");
            let configuration = LiveChannelConfiguration::from_xml(body.as_bytes())
                .expect("the record's body is a LiveChannelConfiguration");
            CreateLiveChannel::new(bucket, channel, configuration).request()
        }
        "Bucket.delete_live_channel" => DeleteLiveChannel::new(bucket, channel).request(),
        "Bucket.get_live_channel" => GetLiveChannel::new(bucket, channel).request(),
        "Bucket.list_live_channel" => {
            let mut list = ListLiveChannel::new(bucket);
            list.prefix = param(record, "prefix").unwrap_or("").to_string();
            list.marker = param(record, "marker").unwrap_or("").to_string();
            if let Some(max_keys) = param(record, "max-keys") {
                list.max_keys = max_keys.parse().unwrap_or(0);
            }
            list.request()
        }
        "Bucket.get_live_channel_stat" => GetLiveChannelStat::new(bucket, channel).request(),
        "Bucket.put_live_channel_status" => {
            let status = param(record, "status").unwrap_or("");
            PutLiveChannelStatus::new(bucket, channel, status).request()
        }
        "Bucket.get_live_channel_history" => GetLiveChannelHistory::new(bucket, channel).request(),
        "Bucket.post_vod_playlist" => {
            let key = record["key"].as_str().unwrap_or("");
            let playlist = key.split_once('/').map_or("", |(_, playlist)| playlist);
            PostVodPlaylist::new(
                bucket,
                channel,
                playlist,
                time("startTime"),
                time("endTime"),
            )
            .request()
        }
        "Bucket.get_vod_playlist" => {
            GetVodPlaylist::new(bucket, channel, time("startTime"), time("endTime")).request()
        }
        _ => panic!("{op} is not a live channel operation"),
    }
}

/// The record's `params` value of `name` (None when absent or null).
fn param<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["params"].as_array()?.iter().find(|p| p[0] == name)?[1].as_str()
}
