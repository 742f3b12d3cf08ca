//! Live channel models: the configuration XML written and read back, listings paged with
//! `Pager`, hostile answers, and the `signing.json` records whose channel names OSS refuses.

#![cfg(feature = "std")]

mod common;
#[path = "requests/live_channel.rs"]
mod live_requests;

use std::collections::BTreeMap;

use oss_core::error::Error;
use oss_core::ops::live_channel::{
    CreateLiveChannel, GetLiveChannel, GetLiveChannelHistory, GetLiveChannelStat, GetVodPlaylist,
    ListLiveChannel, LiveChannelConfiguration, LiveChannelTarget,
};
use oss_core::ops::{Operation, Pager};
use oss_core::request::{Body, Request};
use oss_core::{ClientError, ErrorCode, ResponseHead};
use serde_json::Value;

fn ok() -> ResponseHead {
    ResponseHead::new(200).with_header("x-oss-request-id", "RID")
}

fn body_text(request: &Request) -> String {
    match request.body() {
        Body::Bytes(bytes) => String::from_utf8(bytes.clone()).unwrap(),
        other => panic!("expected an XML body, have {other:?}"),
    }
}

fn query(request: &Request) -> Vec<(String, Option<String>)> {
    request
        .query()
        .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
        .collect()
}

#[test]
fn configuration_round_trips_with_escaping() {
    let configuration = LiveChannelConfiguration {
        description: "a&b <c> \"d\" 'e' 直播 é 😀".to_string(),
        status: "disabled".to_string(),
        target: LiveChannelTarget {
            kind: "HLS".to_string(),
            frag_duration: 10,
            frag_count: 100,
            playlist_name: "直播&<>.m3u8".to_string(),
        },
    };
    let xml = configuration.to_xml().unwrap();
    // ElementTree escapes only & < > in text; quotes and non-ASCII stay as they are.
    assert_eq!(
        xml,
        "<LiveChannelConfiguration><Description>a&amp;b &lt;c&gt; \"d\" 'e' 直播 é 😀</Description>\
         <Status>disabled</Status><Target><Type>HLS</Type><FragDuration>10</FragDuration>\
         <FragCount>100</FragCount><PlaylistName>直播&amp;&lt;&gt;.m3u8</PlaylistName></Target>\
         </LiveChannelConfiguration>"
    );
    assert_eq!(
        LiveChannelConfiguration::from_xml(xml.as_bytes()).unwrap(),
        configuration
    );

    // The request carries exactly that body, on `PUT /channel?live`.
    let request = CreateLiveChannel::new("my-bucket", "ch1", configuration.clone())
        .request()
        .unwrap();
    assert_eq!(request.method().as_str(), "PUT");
    assert_eq!(request.key(), Some("ch1"));
    assert_eq!(query(&request), [("live".to_string(), Some(String::new()))]);
    assert_eq!(body_text(&request), xml);
    assert!(
        request.headers().is_empty(),
        "oss2 sends no Content-Type or MD5 here"
    );
}

#[test]
fn defaults_are_oss2s_and_empty_text_is_self_closing() {
    let configuration = LiveChannelConfiguration::default();
    let xml = configuration.to_xml().unwrap();
    assert_eq!(
        xml,
        "<LiveChannelConfiguration><Description /><Status>enabled</Status><Target>\
         <Type>HLS</Type><FragDuration>5</FragDuration><FragCount>3</FragCount>\
         <PlaylistName /></Target></LiveChannelConfiguration>"
    );
    assert_eq!(
        LiveChannelConfiguration::from_xml(xml.as_bytes()).unwrap(),
        configuration
    );
}

#[test]
fn get_live_channel_reads_the_answer_and_keeps_the_http_status() {
    let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LiveChannelConfiguration>\n  \
        <Description>my &amp; channel</Description>\n  <Status>disabled</Status>\n  <Target>\n    \
        <Type>HLS</Type>\n    <FragDuration>2</FragDuration>\n    <FragCount>3</FragCount>\n    \
        <PlaylistName>playlist.m3u8</PlaylistName>\n  </Target>\n</LiveChannelConfiguration>\n";
    let result = GetLiveChannel::new("my-bucket", "ch1")
        .parse(&ok(), body)
        .unwrap();
    assert_eq!(result.result.status, 200);
    assert_eq!(result.result.request_id, "RID");
    assert_eq!(
        result.configuration,
        LiveChannelConfiguration {
            description: "my & channel".to_string(),
            status: "disabled".to_string(),
            target: LiveChannelTarget {
                kind: "HLS".to_string(),
                frag_duration: 2,
                frag_count: 3,
                playlist_name: "playlist.m3u8".to_string(),
            },
        }
    );
}

fn list_page(truncated: bool, next_marker: &str, names: &[&str]) -> Vec<u8> {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListLiveChannelResult>\
         <Prefix>ch</Prefix><Marker></Marker><MaxKeys>2</MaxKeys>",
    );
    body.push_str(&format!("<IsTruncated>{truncated}</IsTruncated>"));
    if !next_marker.is_empty() {
        body.push_str(&format!("<NextMarker>{next_marker}</NextMarker>"));
    }
    for name in names {
        body.push_str(&format!(
            "<LiveChannel><Name>{name}</Name><Description></Description><Status>enabled</Status>\
             <LastModified>2016-07-30T01:54:21.000Z</LastModified>\
             <PublishUrls><Url>rtmp://b.oss-cn-hangzhou.aliyuncs.com/live/{name}</Url></PublishUrls>\
             <PlayUrls><Url>http://b.oss-cn-hangzhou.aliyuncs.com/{name}/playlist.m3u8</Url></PlayUrls>\
             </LiveChannel>"
        ));
    }
    body.push_str("</ListLiveChannelResult>");
    body.into_bytes()
}

#[test]
fn pager_reads_every_page() {
    let mut first = ListLiveChannel::new("my-bucket");
    first.prefix = "ch".to_string();
    first.max_keys = 2;
    let mut pager = Pager::new(first);

    let request = pager.next_operation().unwrap().request().unwrap();
    assert_eq!(request.bucket_name(), Some("my-bucket"));
    assert_eq!(request.key(), None);
    let pairs: BTreeMap<_, _> = query(&request).into_iter().collect();
    assert_eq!(pairs["live"].as_deref(), Some(""));
    assert_eq!(pairs["prefix"].as_deref(), Some("ch"));
    assert_eq!(pairs["marker"].as_deref(), Some(""));
    assert_eq!(pairs["max-keys"].as_deref(), Some("2"));

    let page = pager
        .handle_response(&ok(), &list_page(true, "ch2", &["ch1", "ch2"]))
        .unwrap();
    assert!(page.is_truncated);
    assert_eq!(page.next_marker, "ch2");
    assert_eq!(page.prefix, "ch");
    assert_eq!(page.max_keys, 2);
    let names: Vec<&str> = page.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ch1", "ch2"]);
    assert_eq!(page.channels[0].last_modified, 1469843661);
    assert_eq!(
        page.channels[1].publish_url,
        "rtmp://b.oss-cn-hangzhou.aliyuncs.com/live/ch2"
    );
    assert!(!pager.is_done());

    // The second request asks for what follows the first page.
    let request = pager.next_operation().unwrap().request().unwrap();
    let pairs: BTreeMap<_, _> = query(&request).into_iter().collect();
    assert_eq!(pairs["marker"].as_deref(), Some("ch2"));
    assert_eq!(pairs["prefix"].as_deref(), Some("ch"));
    assert_eq!(pairs["max-keys"].as_deref(), Some("2"));

    // A failed answer leaves the pager where it was.
    let busy = ResponseHead::new(503);
    assert!(pager.handle_response(&busy, b"").is_err());
    assert_eq!(pager.next_operation().unwrap().marker, "ch2");

    let page = pager
        .handle_response(&ok(), &list_page(false, "", &["ch3"]))
        .unwrap();
    assert!(!page.is_truncated);
    assert_eq!(page.next_marker, "");
    assert_eq!(page.channels.len(), 1);
    assert!(pager.is_done());
    assert!(pager.next_operation().is_none());
    assert!(
        pager
            .handle_response(&ok(), &list_page(false, "", &[]))
            .is_err()
    );
}

#[test]
fn pager_stops_on_a_marker_that_does_not_move() {
    let mut pager = Pager::new(ListLiveChannel::new("my-bucket"));
    pager
        .handle_response(&ok(), &list_page(true, "ch2", &["ch2"]))
        .unwrap();
    assert!(!pager.is_done());
    pager
        .handle_response(&ok(), &list_page(true, "ch2", &["ch2"]))
        .unwrap();
    assert!(pager.is_done(), "the same marker again would loop forever");
}

#[test]
fn stat_of_an_idle_channel() {
    let body = b"<LiveChannelStat><Status>Idle</Status></LiveChannelStat>";
    let stat = GetLiveChannelStat::new("my-bucket", "ch1")
        .parse(&ok(), body)
        .unwrap();
    assert_eq!(stat.status, "Idle");
    assert_eq!(stat.result.status, 200);
    assert_eq!(
        (
            stat.connected_time,
            stat.remote_addr,
            stat.video,
            stat.audio
        ),
        (None, None, None, None)
    );
}

#[test]
fn times_with_milliseconds_are_read() {
    let body = b"<LiveChannelHistory><LiveRecord><StartTime>2016-07-30T01:53:21.123Z</StartTime>\
        <EndTime>2016-07-30T01:53:31Z</EndTime><RemoteAddr>10.1.2.3:1</RemoteAddr></LiveRecord>\
        </LiveChannelHistory>";
    let history = GetLiveChannelHistory::new("my-bucket", "ch1")
        .parse(&ok(), body)
        .unwrap();
    assert_eq!(history.records.len(), 1);
    assert_eq!(history.records[0].start_time, 1469843601);
    assert_eq!(history.records[0].end_time, 1469843611);
}

#[test]
fn vod_playlist_is_the_body() {
    let get = GetVodPlaylist::new("my-bucket", "ch1", 1472020031, 1472020226);
    let request = get.request().unwrap();
    let pairs: BTreeMap<_, _> = query(&request).into_iter().collect();
    assert_eq!(pairs["startTime"].as_deref(), Some("1472020031"));
    assert_eq!(pairs["endTime"].as_deref(), Some("1472020226"));
    let text = "#EXTM3U\n#EXT-X-VERSION:3\n";
    assert_eq!(get.parse(&ok(), text.as_bytes()).unwrap().playlist, text);
    assert!(matches!(
        get.parse(&ok(), b"\xff\xfe"),
        Err(Error::Decode(_))
    ));
}

/// Parses a body, keeping only whether it was understood.
type Parser<'a> = Box<dyn Fn(&[u8]) -> Result<(), Error> + 'a>;

/// Broken or hostile answers: a decode error (or a server error for non-2xx), never a panic.
#[test]
fn hostile_answers_are_decode_errors() {
    let stat = GetLiveChannelStat::new("b-1", "ch");
    let history = GetLiveChannelHistory::new("b-1", "ch");
    let get = GetLiveChannel::new("b-1", "ch");
    let list = ListLiveChannel::new("b-1");
    let create = CreateLiveChannel::new("b-1", "ch", LiveChannelConfiguration::default());
    let decode = |r: Result<(), Error>| matches!(r, Err(Error::Decode(_)));
    let cases: Vec<(&str, Parser, &[u8])> = vec![
        ("stat without Status", Box::new(|b| stat.parse(&ok(), b).map(drop)), b"<LiveChannelStat/>"),
        (
            "video missing Width",
            Box::new(|b| stat.parse(&ok(), b).map(drop)),
            b"<LiveChannelStat><Status>Live</Status><Video><Height>1</Height></Video></LiveChannelStat>",
        ),
        (
            "negative width",
            Box::new(|b| stat.parse(&ok(), b).map(drop)),
            b"<LiveChannelStat><Status>Live</Status><Video><Width>-1</Width><Height>1</Height>\
              <FrameRate>1</FrameRate><Bandwidth>0</Bandwidth><Codec>H264</Codec></Video></LiveChannelStat>",
        ),
        (
            "bad connected time",
            Box::new(|b| stat.parse(&ok(), b).map(drop)),
            b"<LiveChannelStat><Status>Live</Status><ConnectedTime>yesterday</ConnectedTime></LiveChannelStat>",
        ),
        (
            "record without EndTime",
            Box::new(|b| history.parse(&ok(), b).map(drop)),
            b"<LiveChannelHistory><LiveRecord><StartTime>2016-07-30T01:53:21.000Z</StartTime>\
              <RemoteAddr>x</RemoteAddr></LiveRecord></LiveChannelHistory>",
        ),
        (
            "huge FragCount",
            Box::new(|b| get.parse(&ok(), b).map(drop)),
            b"<LiveChannelConfiguration><Description/><Status>enabled</Status><Target><Type>HLS</Type>\
              <FragDuration>5</FragDuration><FragCount>99999999999999999999</FragCount>\
              <PlaylistName/></Target></LiveChannelConfiguration>",
        ),
        (
            "no Target",
            Box::new(|b| get.parse(&ok(), b).map(drop)),
            b"<LiveChannelConfiguration><Description/><Status>enabled</Status></LiveChannelConfiguration>",
        ),
        (
            "IsTruncated yes",
            Box::new(|b| list.parse(&ok(), b).map(drop)),
            b"<ListLiveChannelResult><Prefix/><Marker/><MaxKeys>1</MaxKeys><IsTruncated>yes</IsTruncated></ListLiveChannelResult>",
        ),
        (
            "truncated without NextMarker",
            Box::new(|b| list.parse(&ok(), b).map(drop)),
            b"<ListLiveChannelResult><Prefix/><Marker/><MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated></ListLiveChannelResult>",
        ),
        (
            "channel without LastModified",
            Box::new(|b| list.parse(&ok(), b).map(drop)),
            b"<ListLiveChannelResult><Prefix/><Marker/><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>\
              <LiveChannel><Name>a</Name><Description/><Status>enabled</Status></LiveChannel></ListLiveChannelResult>",
        ),
        (
            "no PlayUrls",
            Box::new(|b| create.parse(&ok(), b).map(drop)),
            b"<CreateLiveChannelResult><PublishUrls><Url>rtmp://x</Url></PublishUrls></CreateLiveChannelResult>",
        ),
        ("not XML", Box::new(|b| create.parse(&ok(), b).map(drop)), b"<<<"),
        ("empty", Box::new(|b| list.parse(&ok(), b).map(drop)), b""),
    ];
    for (what, parse, body) in &cases {
        assert!(decode(parse(body)), "{what}: {:?}", parse(body));
        // Every truncation of the body too.
        for end in 0..body.len() {
            let _ = parse(&body[..end]);
        }
    }
    let deep = "<a>".repeat(100_000);
    assert!(decode(list.parse(&ok(), deep.as_bytes()).map(drop)));
}

#[test]
fn error_answers_are_server_errors() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchLiveChannel</Code>\
                <Message>no</Message><RequestId>RID</RequestId></Error>";
    let head = ResponseHead::new(404).with_header("x-oss-request-id", "RID");
    match GetLiveChannel::new("my-bucket", "ch1").parse(&head, body.as_bytes()) {
        Err(Error::Server(e)) => assert_eq!(e.code, ErrorCode::NoSuchLiveChannel),
        other => panic!("{other:?}"),
    }
}

/// The `signing.json` records the request harness does not build because their channel names
/// hold a `/`: each must be refused before any I/O, and under a name OSS accepts the record's
/// method, query, headers and body must come out as oss2 made them.
#[test]
fn records_with_names_oss_refuses() {
    let doc = common::load("signing.json");
    let records = common::records(&doc, "vectors", "signing.json");
    for op in live_requests::OPERATIONS {
        assert!(live_requests::ALL_OPERATIONS.contains(op), "{op}");
    }
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    for record in records {
        let op = common::str_of(record, "op");
        if record["kind"] != "request" || !live_requests::ALL_OPERATIONS.contains(&op) {
            continue;
        }
        let name = common::str_of(record, "name");
        let channel = live_requests::channel_name(op, record);
        if !channel.contains('/') {
            assert!(
                matches!(live_requests::build(op, record), Some(Ok(_))),
                "{name}: the harness builds it"
            );
            continue;
        }
        let err = match live_requests::build(op, record) {
            Some(Err(err)) => err,
            other => panic!("{name}: {other:?}"),
        };
        assert!(
            matches!(err, ClientError::InvalidLiveChannelName { .. }),
            "{name}: {err:?}"
        );
        assert!(
            live_requests::refused_by_design(op, record, &err).is_some(),
            "{name}"
        );
        let allowed = channel.replace('/', "_");
        let request = live_requests::build_as(op, record, &allowed)
            .unwrap_or_else(|e| panic!("{name} under {allowed:?}: {e}"));
        if let Err(why) = same_but_the_name(record, &request, &allowed) {
            panic!("{name} ({op}): {why}");
        }
        *refused.entry(op).or_default() += 1;
    }
    println!(
        "live channel records refused for a '/' in the channel name: {}",
        refused.values().sum::<usize>()
    );
    for (op, n) in &refused {
        println!("  {op}: {n} refused, rest of the request reproduced");
    }
    assert!(
        !refused.is_empty(),
        "signing.json has no such record any more"
    );
}

/// The request harness's comparison, with the key expected to be `channel`.
fn same_but_the_name(record: &Value, request: &Request, channel: &str) -> Result<(), String> {
    if request.method().as_str() != common::str_of(record, "method") {
        return Err(format!("method {}", request.method()));
    }
    if request.bucket_name() != record["bucket"].as_str() || request.key() != Some(channel) {
        return Err(format!("{:?} {:?}", request.bucket_name(), request.key()));
    }
    let normalise = |pairs: Vec<(String, Option<String>)>| {
        let mut pairs: Vec<_> = pairs
            .into_iter()
            .map(|(n, v)| (n, v.filter(|v| !v.is_empty())))
            .collect();
        pairs.sort();
        pairs
    };
    let want = normalise(
        record["params"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_string(),
                    p[1].as_str().map(str::to_string),
                )
            })
            .collect(),
    );
    let have = normalise(query(request));
    if want != have {
        return Err(format!("query: want {want:?}, have {have:?}"));
    }
    let want_headers: Vec<_> = record["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(n, _)| !["date", "authorization"].contains(&n.to_ascii_lowercase().as_str()))
        .collect();
    if !want_headers.is_empty() || !request.headers().is_empty() {
        return Err(format!(
            "headers: want {want_headers:?}, have {:?}",
            request.headers()
        ));
    }
    match (record["body"].as_str(), request.body()) {
        (Some(want), Body::Bytes(have)) if want.as_bytes() == have.as_slice() => Ok(()),
        (None, Body::Empty) => Ok(()),
        (want, have) => Err(format!("body: want {want:?}, have {have:?}")),
    }
}

#[test]
fn line_breaks_and_tabs_survive() {
    let configuration = LiveChannelConfiguration {
        description: "line\r\nbreak\ttab".to_string(),
        ..LiveChannelConfiguration::default()
    };
    let xml = configuration.to_xml().unwrap();
    // A raw CR would be read back as LF, so it is written as a character reference.
    assert!(xml.contains("line&#13;\nbreak\ttab"), "{xml}");
    assert_eq!(
        LiveChannelConfiguration::from_xml(xml.as_bytes()).unwrap(),
        configuration
    );
}
