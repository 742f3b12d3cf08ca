//! Live channel (RTMP) operations in `responses.json`.

use oss_core::ResponseHead;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::live_channel::{
    CreateLiveChannel, DeleteLiveChannel, GetLiveChannel, GetLiveChannelHistory,
    GetLiveChannelStat, GetVodPlaylist, ListLiveChannel, LiveChannelConfiguration,
    LiveChannelTarget, PostVodPlaylist, PutLiveChannelStatus,
};
use serde_json::{Value, json};

use super::with_result;

/// Live channel operations, their results under oss2's attribute names; None: not one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    record: &Value,
) -> Option<Result<Value, Error>> {
    let _ = record;
    let (bucket, channel) = ("my-bucket", "ch1");
    let produced: Result<Value, Error> = match operation {
        "Bucket.create_live_channel" => {
            let op = CreateLiveChannel::new(bucket, channel, LiveChannelConfiguration::default());
            op.parse(head, body).map(|r| {
                // oss2's CreateLiveChannelResult is also a LiveChannelInfo and keeps that
                // constructor's defaults (status "enabled", HLS 5/3 …) over the HTTP status:
                // nothing there comes from the answer. Ours holds only what OSS answers; the
                // defaults are our configuration's, which mirror oss2's.
                let mut fields = info(&LiveChannelConfiguration::default(), target_defaults());
                fields["play_url"] = json!(r.play_url);
                fields["publish_url"] = json!(r.publish_url);
                merged(with_result(&r.result, json!({})), fields)
            })
        }
        "Bucket.get_live_channel" => {
            GetLiveChannel::new(bucket, channel)
                .parse(head, body)
                .map(|r| {
                    // oss2 keeps FragDuration and FragCount as the text it read.
                    let target = &r.configuration.target;
                    let target = json!({
                        "type": target.kind,
                        "frag_duration": target.frag_duration.to_string(),
                        "frag_count": target.frag_count.to_string(),
                        "playlist_name": target.playlist_name,
                    });
                    // oss2's `status` is the channel's (it overwrites the HTTP status).
                    merged(
                        with_result(&r.result, json!({})),
                        info(&r.configuration, target),
                    )
                })
        }
        "Bucket.list_live_channel" => ListLiveChannel::new(bucket).parse(head, body).map(|r| {
            let channels: Vec<Value> = r
                .channels
                .iter()
                .map(|c| {
                    // Each is a LiveChannelInfo: the target is the constructor's default.
                    json!({
                        "name": c.name,
                        "description": c.description,
                        "status": c.status,
                        "last_modified": c.last_modified,
                        "play_url": c.play_url,
                        "publish_url": c.publish_url,
                        "target": target_defaults(),
                    })
                })
                .collect();
            with_result(
                &r.result,
                json!({
                    "prefix": r.prefix,
                    "marker": r.marker,
                    "max_keys": r.max_keys,
                    "is_truncated": r.is_truncated,
                    "next_marker": r.next_marker,
                    "channels": channels,
                }),
            )
        }),
        "Bucket.get_live_channel_stat" => GetLiveChannelStat::new(bucket, channel)
            .parse(head, body)
            .map(|r| {
                let mut fields = with_result(
                    &r.result,
                    json!({
                        // oss2's defaults for an idle channel are "" (not None).
                        "remote_addr": r.remote_addr.clone().unwrap_or_default(),
                        "connected_time": r.connected_time.map_or(json!(""), |t| json!(t)),
                        "video": r.video.as_ref().map(|v| json!({
                            "width": v.width,
                            "height": v.height,
                            "frame_rate": v.frame_rate,
                            "codec": v.codec,
                            "bandwidth": v.bandwidth,
                        })),
                        "audio": r.audio.as_ref().map(|a| json!({
                            "codec": a.codec,
                            "sample_rate": a.sample_rate,
                            "bandwidth": a.bandwidth,
                        })),
                    }),
                );
                // oss2's `status` is the stream's (it overwrites the HTTP status).
                fields["status"] = json!(r.status);
                fields
            }),
        "Bucket.get_live_channel_history" => GetLiveChannelHistory::new(bucket, channel)
            .parse(head, body)
            .map(|r| {
                let records: Vec<Value> = r
                    .records
                    .iter()
                    .map(|l| {
                        json!({
                            "start_time": l.start_time,
                            "end_time": l.end_time,
                            "remote_addr": l.remote_addr,
                        })
                    })
                    .collect();
                with_result(&r.result, json!({ "records": records }))
            }),
        "Bucket.delete_live_channel" => DeleteLiveChannel::new(bucket, channel)
            .parse(head, body)
            .map(|r| with_result(&r, json!({}))),
        "Bucket.put_live_channel_status" => PutLiveChannelStatus::new(bucket, channel, "enabled")
            .parse(head, body)
            .map(|r| with_result(&r, json!({}))),
        "Bucket.post_vod_playlist" => {
            let op = PostVodPlaylist::new(bucket, channel, "vod.m3u8", 1472020031, 1472020226);
            op.parse(head, body).map(|r| with_result(&r, json!({})))
        }
        "Bucket.get_vod_playlist" => GetVodPlaylist::new(bucket, channel, 1472020031, 1472020226)
            .parse(head, body)
            .map(|r| with_result(&r.result, json!({ "playlist": r.playlist }))),
        _ => return None,
    };
    Some(produced)
}

/// oss2's `LiveChannelInfo` attributes for `configuration` (whose `status` takes the place of
/// the HTTP status); name, times and URLs unset, as the results that are not listings leave them.
fn info(configuration: &LiveChannelConfiguration, target: Value) -> Value {
    json!({
        "status": configuration.status,
        "description": configuration.description,
        "target": target,
        "last_modified": null,
        "name": null,
        "play_url": null,
        "publish_url": null,
    })
}

/// oss2's `LiveChannelInfoTarget()` defaults, as ours give them.
fn target_defaults() -> Value {
    let target = LiveChannelTarget::default();
    json!({
        "type": target.kind,
        "frag_duration": target.frag_duration,
        "frag_count": target.frag_count,
        "playlist_name": target.playlist_name,
    })
}

/// `base` with every field of `over` set over it.
fn merged(mut base: Value, over: Value) -> Value {
    if let (Some(base), Value::Object(over)) = (base.as_object_mut(), over) {
        base.extend(over);
    }
    base
}
