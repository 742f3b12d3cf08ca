//! Listings driven page by page by the sans-IO pager, and oss2's decoding rules.

#![cfg(feature = "std")]

use oss_core::ops::service::{ListBuckets, ListObjects};
use oss_core::ops::{Operation, Pager};
use oss_core::{Error, ResponseHead};

fn ok() -> ResponseHead {
    ResponseHead::new(200).with_header("x-oss-request-id", "RID")
}

fn page(truncated: bool, next_marker: &str, keys: &[&str]) -> String {
    let contents: String = keys
        .iter()
        .map(|k| {
            format!(
                "<Contents><Key>{k}</Key><LastModified>2024-02-29T23:59:59.000Z</LastModified>\
                 <ETag>\"E\"</ETag><Type>Normal</Type><Size>1</Size><StorageClass>Standard</StorageClass></Contents>"
            )
        })
        .collect();
    format!(
        "<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType><IsTruncated>{truncated}</IsTruncated>\
         <NextMarker>{next_marker}</NextMarker>{contents}</ListBucketResult>"
    )
}

fn query_value(op: &impl Operation, name: &str) -> Option<String> {
    let request = op.request().unwrap();
    request
        .query()
        .find(|(n, _)| *n == name)
        .and_then(|(_, v)| v.map(str::to_string))
}

#[test]
fn list_objects_pages_until_not_truncated() {
    let mut first = ListObjects::new("my-bucket");
    first.prefix = "dir/".into();
    first.max_keys = 2;
    let mut pager = Pager::new(first);

    assert_eq!(
        query_value(pager.next_operation().unwrap(), "marker").as_deref(),
        Some("")
    );
    let one = pager
        .handle_response(
            &ok(),
            page(true, "dir%2Fb%2Bc%20d", &["dir%2Fa", "dir%2Fb%2Bc%20d"]).as_bytes(),
        )
        .unwrap();
    assert_eq!(
        one.objects
            .iter()
            .map(|o| o.key.as_str())
            .collect::<Vec<_>>(),
        ["dir/a", "dir/b+c d"]
    );

    // The next request starts after the decoded marker and keeps the other arguments.
    let next = pager.next_operation().unwrap();
    assert_eq!(next.marker, "dir/b+c d");
    assert_eq!((next.prefix.as_str(), next.max_keys), ("dir/", 2));
    assert_eq!(query_value(next, "encoding-type").as_deref(), Some("url"));

    // An error leaves the pager where it was, so the page can be asked for again.
    let failed = pager.handle_response(&ResponseHead::new(503), b"");
    assert!(matches!(failed, Err(Error::Server(ref e)) if e.is_retryable()));
    assert_eq!(pager.next_operation().unwrap().marker, "dir/b+c d");

    let two = pager
        .handle_response(&ok(), page(false, "", &["dir%2Fz"]).as_bytes())
        .unwrap();
    assert_eq!(two.objects[0].key, "dir/z");
    assert_eq!(
        two.next_marker, "",
        "next_marker is only read from truncated pages"
    );
    assert!(pager.is_done() && pager.next_operation().is_none());
    assert!(pager.handle_response(&ok(), b"").is_err());
}

#[test]
fn list_buckets_pages() {
    let body = |truncated: bool, marker: &str| {
        format!(
            "<ListAllMyBucketsResult><IsTruncated>{truncated}</IsTruncated><NextMarker>{marker}</NextMarker>\
             <Buckets><Bucket><CreationDate>2014-02-07T18:12:43.000Z</CreationDate><ExtranetEndpoint>e</ExtranetEndpoint>\
             <IntranetEndpoint>i</IntranetEndpoint><Location>oss-cn-hangzhou</Location><Name>b1</Name>\
             <StorageClass>Standard</StorageClass></Bucket></Buckets></ListAllMyBucketsResult>"
        )
    };
    let mut pager = Pager::new(ListBuckets::new());
    let first = pager
        .handle_response(&ok(), body(true, "b1").as_bytes())
        .unwrap();
    assert_eq!(first.buckets[0].name, "b1");
    assert_eq!(
        query_value(pager.next_operation().unwrap(), "marker").as_deref(),
        Some("b1")
    );
    pager
        .handle_response(&ok(), body(false, "").as_bytes())
        .unwrap();
    assert!(pager.is_done());
}

#[test]
fn listing_values_are_decoded_only_when_the_answer_says_url() {
    let raw = "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%20b+c</Key>\
               <LastModified>2015-12-11T13:01:41.123Z</LastModified><ETag>\"E\"</ETag><Type>Normal</Type>\
               <Size>1</Size><StorageClass>Standard</StorageClass></Contents></ListBucketResult>";
    let page = ListObjects::new("b").parse(&ok(), raw.as_bytes()).unwrap();
    assert_eq!(page.objects[0].key, "a%20b+c");
    // Non-zero milliseconds are read (oss2 refuses them).
    assert_eq!(page.objects[0].last_modified, 1_449_838_901);
}

#[test]
fn malformed_listings_are_decode_errors() {
    for bad in [
        "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
        "<ListBucketResult></ListBucketResult>",
        "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents></ListBucketResult>",
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
        "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextMarker>%FF</NextMarker></ListBucketResult>",
        "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><LastModified>x</LastModified></Contents></ListBucketResult>",
        "<ListBucketResult",
        // Found by fuzzing: stray text before the root was ignored by the streaming parser.
        "<?xml x?>m<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>",
        "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>tail",
    ] {
        let result = ListObjects::new("b").parse(&ok(), bad.as_bytes());
        assert!(matches!(result, Err(Error::Decode(_))), "{bad}: {result:?}");
    }
    assert!(ListObjects::new("my-bucket").request().is_ok());
    let mut too_many = ListObjects::new("my-bucket");
    too_many.max_keys = 1001;
    assert!(too_many.request().is_err());
}

/// 10 MB of nesting must be refused, without exhausting the stack (the readers stop at
/// `xml::MAX_DEPTH` levels instead of recursing).
#[test]
fn ten_megabytes_of_nesting_is_a_decode_error() {
    let deep = "<a>".repeat(10 * 1024 * 1024 / 3);
    let body = format!("<ListBucketResult>{deep}");
    assert!(matches!(
        ListObjects::new("b").parse(&ok(), body.as_bytes()),
        Err(Error::Decode(_))
    ));
    assert!(matches!(
        ListBuckets::new().parse(&ok(), body.as_bytes()),
        Err(Error::Decode(_))
    ));
    assert!(oss_core::xml::parse(deep.as_bytes()).is_err());
}
