//! Live channels through oss-core's typed operations and the in-process driver: configuration,
//! status, stat, history, listings with a pager, VOD playlists, and OSS's errors.

use oss_core::ops::Operation;
use oss_core::ops::bucket::CreateBucket;
use oss_core::ops::live_channel::{
    CreateLiveChannel, DeleteLiveChannel, GetLiveChannel, GetLiveChannelHistory,
    GetLiveChannelStat, GetVodPlaylist, ListLiveChannel, LiveChannelConfiguration,
    LiveChannelTarget, PostVodPlaylist, PutLiveChannelStatus,
};
use oss_core::ops::object::{GetObject, PutObject};
use oss_core::ops::{Pager, Paginated};
use oss_core::request::{Body, Method, Request};
use oss_core::sign::Signer;
use oss_core::{Credentials, Endpoint, Error, ErrorCode, ResponseHead};
use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};

const NOW: i64 = 1_700_000_000;
const BUCKET: &str = "live-bucket";

struct Client {
    emulator: Emulator,
    signer: Signer,
    endpoint: Endpoint,
}

impl Client {
    fn with_bucket() -> Client {
        let credentials =
            Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap();
        let client = Client {
            emulator: Emulator::default(),
            signer: Signer::v1(credentials),
            endpoint: Endpoint::parse("http://127.0.0.1:9000").unwrap(),
        };
        client.run(&CreateBucket::new(BUCKET)).unwrap();
        client
    }

    /// Signs and sends `request` with its own body, at `now`.
    fn raw_at(&self, request: Request, now: i64) -> (ResponseHead, Vec<u8>) {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.clone(),
            _ => Vec::new(),
        };
        let signed = self.signer.sign(request, &self.endpoint, now).unwrap();
        self.emulator.send(&signed, &body, now)
    }

    fn raw(&self, request: Request) -> (ResponseHead, Vec<u8>) {
        self.raw_at(request, NOW)
    }

    fn run_at<O: Operation>(&self, op: &O, now: i64) -> Result<O::Output, Error> {
        let (head, body) = self.raw_at(op.request()?, now);
        op.parse(&head, &body)
    }

    fn run<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        self.run_at(op, NOW)
    }

    fn create(&self, name: &str) -> oss_core::ops::live_channel::CreateLiveChannelResult {
        self.run(&CreateLiveChannel::new(
            BUCKET,
            name,
            LiveChannelConfiguration::default(),
        ))
        .unwrap()
    }
}

fn server_error(result: Result<impl std::fmt::Debug, Error>) -> (u16, ErrorCode, String) {
    match result {
        Err(Error::Server(e)) => (e.status, e.code.clone(), e.raw_code.clone()),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[test]
fn create_get_replace_and_delete() {
    let client = Client::with_bucket();
    let configuration = LiveChannelConfiguration {
        description: "camera <1> & \"door\"".into(),
        status: "enabled".into(),
        target: LiveChannelTarget {
            frag_duration: 2,
            frag_count: 7,
            playlist_name: "index.m3u8".into(),
            ..LiveChannelTarget::default()
        },
    };
    let created = client
        .run(&CreateLiveChannel::new(
            BUCKET,
            "cam-1",
            configuration.clone(),
        ))
        .unwrap();
    assert_eq!(created.result.status, 200);
    assert_eq!(
        created.publish_url,
        format!("rtmp://{BUCKET}.127.0.0.1:9000/live/cam-1")
    );
    assert_eq!(
        created.play_url,
        format!("http://{BUCKET}.127.0.0.1:9000/cam-1/index.m3u8")
    );
    let got = client.run(&GetLiveChannel::new(BUCKET, "cam-1")).unwrap();
    assert_eq!(got.configuration, configuration);

    // oss-core's default names no playlist: OSS calls it playlist.m3u8.
    let created = client
        .run(&CreateLiveChannel::new(
            BUCKET,
            "cam-1",
            LiveChannelConfiguration::default(),
        ))
        .unwrap();
    assert!(created.play_url.ends_with("/cam-1/playlist.m3u8"));
    let got = client.run(&GetLiveChannel::new(BUCKET, "cam-1")).unwrap();
    assert_eq!(
        got.configuration,
        LiveChannelConfiguration {
            target: LiveChannelTarget {
                playlist_name: "playlist.m3u8".into(),
                ..LiveChannelTarget::default()
            },
            ..LiveChannelConfiguration::default()
        }
    );

    let deleted = client
        .run(&DeleteLiveChannel::new(BUCKET, "cam-1"))
        .unwrap();
    assert_eq!(deleted.status, 204);
    for result in [
        client
            .run(&GetLiveChannel::new(BUCKET, "cam-1"))
            .map(|_| ()),
        client
            .run(&DeleteLiveChannel::new(BUCKET, "cam-1"))
            .map(|_| ()),
        client
            .run(&GetLiveChannelStat::new(BUCKET, "cam-1"))
            .map(|_| ()),
        client
            .run(&GetLiveChannelHistory::new(BUCKET, "cam-1"))
            .map(|_| ()),
        client
            .run(&PutLiveChannelStatus::new(BUCKET, "cam-1", "disabled"))
            .map(|_| ()),
        client
            .run(&GetVodPlaylist::new(BUCKET, "cam-1", NOW - 60, NOW))
            .map(|_| ()),
        client
            .run(&PostVodPlaylist::new(
                BUCKET,
                "cam-1",
                "vod.m3u8",
                NOW - 60,
                NOW,
            ))
            .map(|_| ()),
    ] {
        assert_eq!(
            server_error(result),
            (
                404,
                ErrorCode::NoSuchLiveChannel,
                "NoSuchLiveChannel".into()
            )
        );
    }
}

#[test]
fn virtual_hosted_urls_name_the_bucket_once() {
    let mut client = Client::with_bucket();
    client.emulator = Emulator::default().with_domain("emulator.test");
    client.endpoint = Endpoint::parse("http://emulator.test:9000").unwrap();
    client.run(&CreateBucket::new(BUCKET)).unwrap();
    let op = CreateLiveChannel::new(BUCKET, "ch", LiveChannelConfiguration::default());
    let signed = client
        .signer
        .sign(op.request().unwrap(), &client.endpoint, NOW)
        .unwrap();
    assert!(
        signed
            .url
            .starts_with(&format!("http://{BUCKET}.emulator.test:9000/")),
        "{}",
        signed.url
    );
    let created = client.run(&op).unwrap();
    assert_eq!(
        created.publish_url,
        format!("rtmp://{BUCKET}.emulator.test:9000/live/ch")
    );
    assert_eq!(
        created.play_url,
        format!("http://{BUCKET}.emulator.test:9000/ch/playlist.m3u8")
    );
}

#[test]
fn status_stat_and_history() {
    let client = Client::with_bucket();
    client.create("ch");
    let stat = client.run(&GetLiveChannelStat::new(BUCKET, "ch")).unwrap();
    assert_eq!(stat.result.status, 200);
    assert_eq!(stat.status, "Idle");
    assert_eq!(
        (
            stat.connected_time,
            stat.remote_addr,
            stat.video,
            stat.audio
        ),
        (None, None, None, None)
    );

    client
        .run(&PutLiveChannelStatus::new(BUCKET, "ch", "disabled"))
        .unwrap();
    let got = client.run(&GetLiveChannel::new(BUCKET, "ch")).unwrap();
    assert_eq!(got.configuration.status, "disabled");
    let stat = client.run(&GetLiveChannelStat::new(BUCKET, "ch")).unwrap();
    assert_eq!(stat.status, "Disabled");
    client
        .run(&PutLiveChannelStatus::new(BUCKET, "ch", "enabled"))
        .unwrap();
    let stat = client.run(&GetLiveChannelStat::new(BUCKET, "ch")).unwrap();
    assert_eq!(stat.status, "Idle");

    let history = client
        .run(&GetLiveChannelHistory::new(BUCKET, "ch"))
        .unwrap();
    assert_eq!(history.result.status, 200);
    assert!(history.records.is_empty());

    // oss-core refuses a bad status before sending; the emulator refuses it too.
    let request = Request::object(Method::Put, BUCKET, "ch")
        .unwrap()
        .with_query("live", Some(""))
        .with_query("status", Some("paused"));
    let (head, body) = client.raw(request);
    let op = PutLiveChannelStatus::new(BUCKET, "ch", "enabled");
    assert_eq!(
        server_error(op.parse(&head, &body)),
        (400, ErrorCode::InvalidArgument, "InvalidArgument".into())
    );
    let request = Request::object(Method::Get, BUCKET, "ch")
        .unwrap()
        .with_query("live", Some(""))
        .with_query("comp", Some("bogus"));
    let (head, _) = client.raw(request);
    assert_eq!(head.status, 400);
}

#[test]
fn listing_with_a_pager_prefix_and_marker() {
    let client = Client::with_bucket();
    let names = ["a-1", "a-2", "a-3", "b-1", "b-2"];
    for (n, name) in names.iter().enumerate() {
        let configuration = LiveChannelConfiguration {
            description: format!("channel {n}"),
            status: if n % 2 == 0 { "enabled" } else { "disabled" }.into(),
            ..LiveChannelConfiguration::default()
        };
        client
            .run_at(
                &CreateLiveChannel::new(BUCKET, name, configuration),
                NOW + n as i64,
            )
            .unwrap();
    }
    let mut list = ListLiveChannel::new(BUCKET);
    list.max_keys = 2;
    let mut pager = Pager::new(list);
    let mut pages = Vec::new();
    while let Some(op) = pager.next_operation() {
        let (head, body) = client.raw(op.request().unwrap());
        pages.push(pager.handle_response(&head, &body).unwrap());
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages
            .iter()
            .map(|p| (p.is_truncated, p.next_marker.as_str(), p.max_keys))
            .collect::<Vec<_>>(),
        [(true, "a-2", 2), (true, "b-1", 2), (false, "", 2)]
    );
    let channels: Vec<_> = pages.into_iter().flat_map(|p| p.channels).collect();
    assert_eq!(
        channels.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        names
    );
    for (n, channel) in channels.iter().enumerate() {
        assert_eq!(channel.description, format!("channel {n}"));
        assert_eq!(
            channel.status,
            if n % 2 == 0 { "enabled" } else { "disabled" }
        );
        assert_eq!(channel.last_modified, NOW + n as i64);
        assert_eq!(
            channel.publish_url,
            format!("rtmp://{BUCKET}.127.0.0.1:9000/live/{}", channel.name)
        );
        assert_eq!(
            channel.play_url,
            format!(
                "http://{BUCKET}.127.0.0.1:9000/{}/playlist.m3u8",
                channel.name
            )
        );
    }

    let mut list = ListLiveChannel::new(BUCKET);
    list.prefix = "a-".into();
    list.marker = "a-1".into();
    let page = client.run(&list).unwrap();
    assert_eq!((page.prefix.as_str(), page.marker.as_str()), ("a-", "a-1"));
    assert_eq!(page.max_keys, 100);
    assert!(!page.is_truncated);
    assert_eq!(
        page.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["a-2", "a-3"]
    );
    assert!(
        list.next_page(&page).is_none(),
        "a complete page ends the listing"
    );

    // Listing needs no channel at all, and refuses max-keys OSS refuses.
    let client = Client::with_bucket();
    let page = client.run(&ListLiveChannel::new(BUCKET)).unwrap();
    assert!(page.channels.is_empty() && !page.is_truncated);
    for max_keys in ["0", "1001", "x"] {
        let request = Request::bucket(Method::Get, BUCKET)
            .unwrap()
            .with_query("live", Some(""))
            .with_query("max-keys", Some(max_keys));
        let (head, body) = client.raw(request);
        assert_eq!(
            server_error(ListLiveChannel::new(BUCKET).parse(&head, &body)),
            (400, ErrorCode::InvalidArgument, "InvalidArgument".into())
        );
    }
}

#[test]
fn vod_playlists() {
    let client = Client::with_bucket();
    client
        .run(&CreateLiveChannel::new(
            BUCKET,
            "ch",
            LiveChannelConfiguration {
                target: LiveChannelTarget {
                    frag_duration: 4,
                    ..LiveChannelTarget::default()
                },
                ..LiveChannelConfiguration::default()
            },
        ))
        .unwrap();
    let expected = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:4\n#EXT-X-ENDLIST\n";

    let got = client
        .run(&GetVodPlaylist::new(BUCKET, "ch", NOW - 3600, NOW))
        .unwrap();
    assert_eq!(got.result.status, 200);
    assert_eq!(got.playlist, expected);

    // PostVodPlaylist writes the playlist as an object under the channel's name.
    let (head, body) = client.raw(
        PostVodPlaylist::new(BUCKET, "ch", "vod.m3u8", NOW - 3600, NOW)
            .request()
            .unwrap(),
    );
    assert_eq!(head.status, 200, "{}", String::from_utf8_lossy(&body));
    let etag = head.header("etag").unwrap().to_string();
    let (head, body) = client.raw(GetObject::new(BUCKET, "ch/vod.m3u8").request().unwrap());
    assert_eq!(head.status, 200);
    assert_eq!(body, expected.as_bytes());
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    assert_eq!(head.header("content-type"), Some("application/x-mpegURL"));
    assert_eq!(
        head.header("x-oss-hash-crc64ecma"),
        Some(
            oss_core::crc64::checksum(expected.as_bytes())
                .to_string()
                .as_str()
        )
    );

    // Times OSS refuses: oss-core refuses them first, so they are sent by hand.
    for (start, end) in [
        ("10", "10"),
        ("10", "9"),
        ("0", "86401"),
        ("x", "10"),
        ("", "10"),
    ] {
        for request in [
            Request::object(Method::Get, BUCKET, "ch")
                .unwrap()
                .with_query("vod", Some("")),
            Request::object(Method::Post, BUCKET, "ch/v.m3u8")
                .unwrap()
                .with_query("vod", Some("")),
        ] {
            let request = request
                .with_query("startTime", Some(start))
                .with_query("endTime", Some(end));
            let (head, body) = client.raw(request);
            assert_eq!(
                server_error(head.check(&body)),
                (400, ErrorCode::InvalidArgument, "InvalidArgument".into()),
                "{start}..{end}"
            );
        }
    }
    for key in ["ch/v.m3u", "ch", "ch/.m3u8"] {
        let request = Request::object(Method::Post, BUCKET, key)
            .unwrap()
            .with_query("vod", Some(""))
            .with_query("startTime", Some("0"))
            .with_query("endTime", Some("60"));
        let (head, body) = client.raw(request);
        assert_eq!(server_error(head.check(&body)).0, 400, "{key}");
    }
}

#[test]
fn bad_configurations_and_names_are_refused() {
    let client = Client::with_bucket();
    let put = |key: &str, body: &str| {
        let request = Request::object(Method::Put, BUCKET, key)
            .unwrap()
            .with_query("live", Some(""))
            .with_body(Body::Bytes(body.as_bytes().to_vec()));
        let (head, bytes) = client.raw(request);
        match head.check(&bytes) {
            Ok(()) => Ok(bytes),
            Err(Error::Server(e)) => Err(e.raw_code.clone()),
            Err(other) => panic!("{other:?}"),
        }
    };
    let target = |inner: &str| {
        format!("<LiveChannelConfiguration><Target>{inner}</Target></LiveChannelConfiguration>")
    };
    // What other clients send: only the target type; OSS fills in the rest.
    put("minimal", &target("<Type>HLS</Type>")).unwrap();
    let got = client.run(&GetLiveChannel::new(BUCKET, "minimal")).unwrap();
    assert_eq!(got.configuration.status, "enabled");
    assert_eq!(got.configuration.target.frag_duration, 5);
    assert_eq!(got.configuration.target.frag_count, 3);
    assert_eq!(got.configuration.target.playlist_name, "playlist.m3u8");

    for (body, code) in [
        ("", "MalformedXML"),
        ("<LiveChannelConfiguration>", "MalformedXML"),
        (
            "<Other><Target><Type>HLS</Type></Target></Other>",
            "MalformedXML",
        ),
        ("<LiveChannelConfiguration/>", "MalformedXML"),
        (&target("<Type>DASH</Type>"), "InvalidArgument"),
        (
            &target("<Type>HLS</Type><FragDuration>0</FragDuration>"),
            "InvalidArgument",
        ),
        (
            &target("<Type>HLS</Type><FragCount>101</FragCount>"),
            "InvalidArgument",
        ),
        (
            &target("<Type>HLS</Type><FragCount>-1</FragCount>"),
            "InvalidArgument",
        ),
        (
            &target("<Type>HLS</Type><PlaylistName>a.txt</PlaylistName>"),
            "InvalidArgument",
        ),
        (
            "<LiveChannelConfiguration><Status>paused</Status><Target><Type>HLS</Type></Target></LiveChannelConfiguration>",
            "InvalidArgument",
        ),
    ] {
        assert_eq!(put("ch", body), Err(code.to_string()), "{body}");
    }
    let page = client.run(&ListLiveChannel::new(BUCKET)).unwrap();
    assert_eq!(
        page.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["minimal"]
    );

    // A channel name cannot hold '/'.
    assert_eq!(
        put("a/b", &target("<Type>HLS</Type>")),
        Err("InvalidArgument".to_string())
    );
}

#[test]
fn channel_parameters_without_live_never_reach_objects() {
    let client = Client::with_bucket();
    let (head, _) = client.raw(
        PutObject::new(BUCKET, "ch", Some(0))
            .request()
            .unwrap()
            .with_query("status", Some("enabled")),
    );
    assert_eq!(head.status, 400);
    let (head, body) = client.raw(GetObject::new(BUCKET, "ch").request().unwrap());
    assert_eq!(
        server_error(head.check(&body)),
        (404, ErrorCode::NoSuchKey, "NoSuchKey".into())
    );

    // Other methods on ?live.
    let (head, _) = client.raw(
        Request::bucket(Method::Put, BUCKET)
            .unwrap()
            .with_query("live", Some("")),
    );
    assert_eq!(head.status, 405);
    let (head, _) = client.raw(
        Request::object(Method::Post, BUCKET, "ch")
            .unwrap()
            .with_query("live", Some("")),
    );
    assert_eq!(head.status, 405);
}

#[test]
fn channels_are_the_owners() {
    let client = Client::with_bucket();
    client.create("ch");
    let anonymous = |request: Request| {
        let signed = Signer::anonymous()
            .sign(request, &client.endpoint, NOW)
            .unwrap();
        client.emulator.send(&signed, b"", NOW)
    };
    for request in [
        GetLiveChannel::new(BUCKET, "ch").request().unwrap(),
        ListLiveChannel::new(BUCKET).request().unwrap(),
        DeleteLiveChannel::new(BUCKET, "ch").request().unwrap(),
    ] {
        let (head, body) = anonymous(request);
        assert_eq!(
            server_error(head.check(&body)),
            (403, ErrorCode::AccessDenied, "AccessDenied".into())
        );
    }
    assert!(client.run(&GetLiveChannel::new(BUCKET, "ch")).is_ok());
}
