//! The bodies of the fuzz targets (`fuzz/`), shared with `fuzz_corpus.rs`, which replays the
//! saved corpora on stable Rust in CI. Each function takes arbitrary bytes and must not panic:
//! errors are fine, crashes are bugs.

#![allow(dead_code)] // each includer uses its own subset

use oss_core::ops::Operation;
use oss_core::ops::bucket::{
    BucketCors, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite, GetBucketAcl,
    GetBucketCors, GetBucketLifecycle, GetBucketLocation, GetBucketLogging, GetBucketReferer,
    GetBucketWebsite,
};
use oss_core::ops::delete_objects::BatchDeleteObjects;
use oss_core::ops::live_channel::{
    CreateLiveChannel, GetLiveChannel, GetLiveChannelHistory, GetLiveChannelStat, ListLiveChannel,
    LiveChannelConfiguration,
};
use oss_core::ops::multipart::{InitMultipartUpload, ListMultipartUploads, ListParts};
use oss_core::ops::object::{
    AppendObject, GetObject, GetObjectAcl, GetObjectMeta, HeadObject, ObjectExists, PutObject,
};
use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::{ResponseHead, ServerError};

fn ok() -> ResponseHead {
    ResponseHead::new(200).with_header("x-oss-request-id", "FUZZ")
}

/// Listing documents: ListObjects (the streaming parser) and ListBuckets (the element tree).
pub fn listings(data: &[u8]) {
    let objects = ListObjects::new("fuzz-bucket").parse(&ok(), data);
    let buckets = ListBuckets::new().parse(&ok(), data);
    let _ = ListMultipartUploads::new("fuzz-bucket").parse(&ok(), data);
    let _ = ListParts::new("fuzz-bucket", "k", "upload").parse(&ok(), data);
    let _ = ListLiveChannel::new("fuzz-bucket").parse(&ok(), data);
    let _ = BatchDeleteObjects::new("fuzz-bucket", vec!["k".to_string()]).parse(&ok(), data);
    let _ = InitMultipartUpload::new("fuzz-bucket", "k").parse(&ok(), data);
    // The two listing parsers must agree with the generic reader on what is well-formed XML:
    // a document the tree reader refuses cannot yield a ListObjects page.
    if oss_core::xml::parse(data).is_err() {
        assert!(objects.is_err() && buckets.is_err());
    }
}

/// Error answers: bodies of every size, and the same bytes as a base64 `x-oss-err` header.
pub fn error_bodies(data: &[u8]) {
    for status in [400, 403, 404, 409, 503] {
        let error = ServerError::parse(&ResponseHead::new(status), data);
        assert_eq!(error.status, status);
        let _ = error.to_string();
    }
    let header = String::from_utf8_lossy(data);
    let head = ResponseHead::new(404).with_header("x-oss-err", &header);
    let _ = ServerError::parse(&head, b"");
    let _ = ObjectExists::new("fuzz-bucket", "k").parse(&head, b"");
}

/// Response heads: the first line is the status, then `name: value` lines, read by every
/// operation that answers with headers only.
pub fn response_headers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse::<u16>().ok())
        .unwrap_or(200);
    let mut head = ResponseHead::new(status);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            head.push_header(name.trim(), value.trim());
        }
    }
    let _ = PutObject::new("fuzz-bucket", "k", None).parse(&head, b"");
    let _ = AppendObject::new("fuzz-bucket", "k", 0, None).parse(&head, b"");
    let _ = GetObject::new("fuzz-bucket", "k").parse(&head, b"");
    let _ = HeadObject::new("fuzz-bucket", "k").parse(&head, b"");
    let _ = GetObjectMeta::new("fuzz-bucket", "k").parse(&head, b"");
    let _ = ObjectExists::new("fuzz-bucket", "k").parse(&head, b"");
}

/// Any XML: the element tree reader and the small XML answers built on it.
pub fn xml(data: &[u8]) {
    let _ = oss_core::xml::parse(data);
    let _ = GetObjectAcl::new("fuzz-bucket", "k").parse(&ok(), data);
}

/// A configuration read back from what we wrote must be the same configuration.
/// Only configurations that pass their own checks are ever sent, and only those must survive:
/// the writers, like oss2's, write what a rule's type allows (a Mirror redirect has no
/// ReplaceKeyWith), while the readers accept whatever OSS sends.
macro_rules! round_trip {
    ($model:ty, $data:expr) => {
        round_trip!($model, $data, |_: &$model| true)
    };
    ($model:ty, $data:expr, $valid:expr) => {
        if let Some(model) = <$model>::from_xml($data).ok().filter($valid) {
            let written = model.to_xml();
            let again = <$model>::from_xml(written.as_bytes()).unwrap_or_else(|e| {
                panic!(
                    "{} does not read its own XML {written:?}: {e}",
                    stringify!($model)
                )
            });
            assert_eq!(
                again,
                model,
                "{} changed in a round trip through {written:?}",
                stringify!($model)
            );
        }
    };
}

/// Bucket configurations: every reader, and the round trip of every model that would be sent.
pub fn bucket_configs(data: &[u8]) {
    round_trip!(BucketCors, data, |m: &BucketCors| m.validate().is_ok());
    round_trip!(BucketLifecycle, data, |m: &BucketLifecycle| m
        .validate()
        .is_ok());
    round_trip!(BucketLogging, data, |m: &BucketLogging| m
        .validate()
        .is_ok());
    round_trip!(BucketReferer, data);
    round_trip!(BucketWebsite, data, |m: &BucketWebsite| m
        .validate()
        .is_ok());
    let b = "fuzz-bucket";
    let _ = GetBucketAcl::new(b).parse(&ok(), data);
    let _ = GetBucketCors::new(b).parse(&ok(), data);
    let _ = GetBucketLifecycle::new(b).parse(&ok(), data);
    let _ = GetBucketLocation::new(b).parse(&ok(), data);
    let _ = GetBucketLogging::new(b).parse(&ok(), data);
    let _ = GetBucketReferer::new(b).parse(&ok(), data);
    let _ = GetBucketWebsite::new(b).parse(&ok(), data);
}

/// Live channel answers, and the round trip of a configuration that reads.
pub fn live_channels(data: &[u8]) {
    if let Ok(config) = LiveChannelConfiguration::from_xml(data) {
        // Only a configuration that passes its own checks can be written.
        if let Ok(written) = config.to_xml() {
            let again = LiveChannelConfiguration::from_xml(written.as_bytes())
                .unwrap_or_else(|e| panic!("cannot read our own {written:?}: {e}"));
            assert_eq!(again, config, "changed in a round trip through {written:?}");
        }
    }
    let (b, c) = ("fuzz-bucket", "channel");
    let _ = CreateLiveChannel::new(b, c, LiveChannelConfiguration::default()).parse(&ok(), data);
    let _ = GetLiveChannel::new(b, c).parse(&ok(), data);
    let _ = GetLiveChannelStat::new(b, c).parse(&ok(), data);
    let _ = GetLiveChannelHistory::new(b, c).parse(&ok(), data);
    let _ = ListLiveChannel::new(b).parse(&ok(), data);
}
