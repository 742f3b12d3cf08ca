//! Live channels (RTMP ingest recorded as HLS) in ali-oss's vocabulary: putChannel,
//! getChannel, deleteChannel, putChannelStatus, getChannelStatus, listChannels,
//! getChannelHistory, createVod and getRtmpUrl. Results keep ali-oss's shapes: the XML's own
//! names (`data.Status`, `channels[0].Name`).

use js_sys::{Array, Promise};
use oss_core::ops::Operation;
use oss_core::ops::live_channel::{
    CreateLiveChannel, DeleteLiveChannel, GetLiveChannel, GetLiveChannelHistory,
    GetLiveChannelStat, ListLiveChannel, LiveChannelConfiguration, LiveChannelTarget,
    PostVodPlaylist, PutLiveChannelStatus,
};
use wasm_bindgen::prelude::*;

use crate::Client;
use crate::error::Error;
use crate::js::{self, get, number, set, string};
use crate::xmljs::{Step, document, job, list, plain, step, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A live channel's configuration, as OSS's XML names it (defaults: enabled, HLS, 5 s × 3). */
export interface ChannelConf {
  Description?: string;
  Status?: 'enabled' | 'disabled';
  Target?: {
    Type?: 'HLS';
    /** Seconds per fragment, 1 to 100. */
    FragDuration?: number | string;
    /** Fragments in the playlist, 1 to 100. */
    FragCount?: number | string;
    /** `*.m3u8` (default playlist.m3u8). */
    PlaylistName?: string;
  };
}

export interface PutChannelResult {
  publishUrls: string[];
  playUrls: string[];
  res: ResponseInfo;
}

export interface GetChannelResult {
  data: {
    Description: string;
    Status: string;
    Target: { Type: string; FragDuration: string; FragCount: string; PlaylistName: string };
  };
  res: ResponseInfo;
}

export interface GetChannelStatusResult {
  data: {
    /** Idle, Live or Disabled. */
    Status: string;
    ConnectedTime?: string;
    RemoteAddr?: string;
    Video?: { Width: string; Height: string; FrameRate: string; Bandwidth: string; Codec: string };
    Audio?: { Bandwidth: string; SampleRate: string; Codec: string };
  };
  res: ResponseInfo;
}

export interface ChannelSummary {
  Name: string;
  Description: string;
  Status: string;
  LastModified: string;
  PublishUrls: string[];
  PlayUrls: string[];
}

export interface ListChannelsQuery {
  prefix?: string;
  marker?: string;
  /** 1 to 1000 (default 100). */
  'max-keys'?: number | string;
}

export interface ListChannelsResult {
  channels: ChannelSummary[];
  nextMarker: string | null;
  isTruncated: boolean;
  res: ResponseInfo;
}

export interface ChannelRecord {
  StartTime: string;
  EndTime: string;
  RemoteAddr: string;
}

export interface GetChannelHistoryResult {
  records: ChannelRecord[];
  res: ResponseInfo;
}

export interface VodTime {
  /** Unix seconds; at most a day before endTime. */
  startTime: number;
  endTime: number;
}

export interface RtmpUrlOptions {
  /** Seconds the URL lives (default 1800). */
  expires?: number;
  params?: { playlistName?: string };
}
"#;

/// `{data, res}`: the answer's document as ali-oss reads XML.
fn data<O: Operation + 'static>(op: O) -> Result<Box<dyn Step>, Error> {
    job(op, |_, reply, result| {
        set(result, "data", to_js(&document(reply)?, false));
        Ok(())
    })
}

impl Client {
    /// ali-oss's `getRtmpUrl`: the signed RTMP URL to push a stream to.
    fn rtmp_url(&self, channel: &str, options: &JsValue) -> Result<String, Error> {
        let expires = number(options, "expires")?.unwrap_or(1800.0) as i64;
        let playlist = string(&get(options, "params"), "playlistName")?.unwrap_or_default();
        let driver = &self.driver;
        let url = driver.auth.current().sign_rtmp_url(
            &driver.endpoint,
            self.in_bucket()?,
            channel,
            &playlist,
            driver.now(),
            expires,
        )?;
        Ok(url.url)
    }
}

#[wasm_bindgen]
impl Client {
    /// Creates a live channel (or replaces its configuration).
    #[wasm_bindgen(js_name = putChannel, unchecked_return_type = "Promise<PutChannelResult>")]
    pub fn put_channel(
        &self,
        id: String,
        #[wasm_bindgen(unchecked_param_type = "ChannelConf")] conf: JsValue,
    ) -> Promise {
        let step = step(|| {
            let target = get(&conf, "Target");
            let default = LiveChannelTarget::default();
            let whole = |key| Ok::<_, Error>(number(&target, key)?.map(|n| n as u32));
            let configuration = LiveChannelConfiguration {
                description: string(&conf, "Description")?.unwrap_or_default(),
                status: string(&conf, "Status")?.unwrap_or_else(|| "enabled".into()),
                target: LiveChannelTarget {
                    kind: string(&target, "Type")?.unwrap_or(default.kind),
                    frag_duration: whole("FragDuration")?.unwrap_or(default.frag_duration),
                    frag_count: whole("FragCount")?.unwrap_or(default.frag_count),
                    playlist_name: string(&target, "PlaylistName")?.unwrap_or_default(),
                },
            };
            let op = CreateLiveChannel::new(self.in_bucket()?, &id, configuration);
            job(op, |output, _, result| {
                set(
                    result,
                    "publishUrls",
                    js::array([output.publish_url.as_str()]),
                );
                set(result, "playUrls", js::array([output.play_url.as_str()]));
                Ok(())
            })
        });
        self.start(step, &NONE)
    }

    /// A live channel's configuration (`data`, as OSS's XML names it).
    #[wasm_bindgen(js_name = getChannel, unchecked_return_type = "Promise<GetChannelResult>")]
    pub fn get_channel(&self, id: String) -> Promise {
        let step = step(|| data(GetLiveChannel::new(self.in_bucket()?, &id)));
        self.start(step, &NONE)
    }

    /// Deletes a live channel.
    #[wasm_bindgen(js_name = deleteChannel, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_channel(&self, id: String) -> Promise {
        let step = step(|| plain(DeleteLiveChannel::new(self.in_bucket()?, &id)));
        self.start(step, &NONE)
    }

    /// Enables or disables a live channel (`enabled`, `disabled`).
    #[wasm_bindgen(js_name = putChannelStatus, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_channel_status(&self, id: String, status: String) -> Promise {
        let step = step(|| plain(PutLiveChannelStatus::new(self.in_bucket()?, &id, &status)));
        self.start(step, &NONE)
    }

    /// Whether a stream is being pushed to a live channel, and its properties.
    #[wasm_bindgen(
        js_name = getChannelStatus,
        unchecked_return_type = "Promise<GetChannelStatusResult>"
    )]
    pub fn get_channel_status(&self, id: String) -> Promise {
        let step = step(|| data(GetLiveChannelStat::new(self.in_bucket()?, &id)));
        self.start(step, &NONE)
    }

    /// One page of the bucket's live channels.
    #[wasm_bindgen(js_name = listChannels, unchecked_return_type = "Promise<ListChannelsResult>")]
    pub fn list_channels(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListChannelsQuery")] query: JsValue,
    ) -> Promise {
        let step = step(|| {
            let mut op = ListLiveChannel::new(self.in_bucket()?);
            op.prefix = string(&query, "prefix")?.unwrap_or_default();
            op.marker = string(&query, "marker")?.unwrap_or_default();
            if let Some(max) = number(&query, "max-keys")? {
                op.max_keys = max as u32;
            }
            job(op, |output, reply, result| {
                let root = document(reply)?;
                let channels: Array = root
                    .children_named("LiveChannel")
                    .map(|channel| {
                        let item = to_js(channel, false);
                        for urls in ["PublishUrls", "PlayUrls"] {
                            let found = channel.child(urls).map(|u| list(u, "Url", false));
                            set(item.unchecked_ref(), urls, found.unwrap_or_else(Array::new));
                        }
                        item
                    })
                    .collect();
                set(result, "channels", channels);
                let next = Some(output.next_marker).filter(|m| !m.is_empty());
                set(
                    result,
                    "nextMarker",
                    next.map_or(JsValue::NULL, JsValue::from),
                );
                set(result, "isTruncated", output.is_truncated);
                Ok(())
            })
        });
        self.start(step, &NONE)
    }

    /// The last pushes to a live channel (`records`).
    #[wasm_bindgen(
        js_name = getChannelHistory,
        unchecked_return_type = "Promise<GetChannelHistoryResult>"
    )]
    pub fn get_channel_history(&self, id: String) -> Promise {
        let step = step(|| {
            let op = GetLiveChannelHistory::new(self.in_bucket()?, &id);
            job(op, |_, reply, result| {
                set(
                    result,
                    "records",
                    list(&document(reply)?, "LiveRecord", false),
                );
                Ok(())
            })
        });
        self.start(step, &NONE)
    }

    /// Makes VOD playlist `name` of a live channel from what was pushed between two times.
    #[wasm_bindgen(js_name = createVod, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn create_vod(
        &self,
        id: String,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "VodTime")] time: JsValue,
    ) -> Promise {
        let step = step(|| {
            let at = |key| Ok::<_, Error>(number(&time, key)?.unwrap_or(0.0) as i64);
            plain(PostVodPlaylist::new(
                self.in_bucket()?,
                &id,
                &name,
                at("startTime")?,
                at("endTime")?,
            ))
        });
        self.start(step, &NONE)
    }

    /// The signed RTMP URL that pushes a stream to a live channel (synchronous).
    #[wasm_bindgen(js_name = getRtmpUrl)]
    pub fn get_rtmp_url(
        &self,
        #[wasm_bindgen(js_name = channelId)] channel_id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RtmpUrlOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        self.rtmp_url(&channel_id, &options).map_err(Error::into_js)
    }
}

const NONE: JsValue = JsValue::UNDEFINED;
