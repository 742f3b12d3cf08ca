//! Lifecycle rules: PutBucketLifecycle, GetBucketLifecycle, DeleteBucketLifecycle.
//!
//! Departures from oss2's body, both where oss2 writes something OSS does not document:
//! `ExpiredObjectDeleteMarker` is written `true`/`false` (oss2: Python's `True`/`False`), and a
//! filter's object size bound of 0 is written (oss2 drops it, testing the number for truth).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{parse_empty, subresource};
use crate::dates::Date;
use crate::error::{ClientError, Error};
use crate::headers::Headers;
use crate::ops::Operation;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// When an action applies: so many days after an object's last modification (or last access,
/// with `is_access_time`), or to objects last modified before a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleAge {
    Days(u32),
    CreatedBeforeDate(Date),
}

/// When current objects expire (oss2's `LifecycleExpiration`, which allows one of its fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleExpiration {
    /// So many days after the last modification.
    Days(u32),
    /// On a date (objects modified before it expire then).
    Date(Date),
    /// Objects last modified before the date.
    CreatedBeforeDate(Date),
    /// On versioned buckets: remove delete markers that have no other version left.
    ExpiredObjectDeleteMarker(bool),
}

/// Moves objects to another storage class (oss2's `StorageTransition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageTransition {
    pub age: LifecycleAge,
    /// `IA`, `Archive`, `ColdArchive`, `DeepColdArchive`.
    pub storage_class: String,
    /// Count the days from the last access rather than the last modification.
    pub is_access_time: Option<bool>,
    /// With `is_access_time`: move an object back to Standard when it is read.
    pub return_to_std_when_visit: Option<bool>,
    /// With `is_access_time`: transition objects smaller than 64 KiB too.
    pub allow_small_file: Option<bool>,
}

impl StorageTransition {
    pub fn new(age: LifecycleAge, storage_class: &str) -> StorageTransition {
        StorageTransition {
            age,
            storage_class: storage_class.to_string(),
            is_access_time: None,
            return_to_std_when_visit: None,
            allow_small_file: None,
        }
    }
}

/// A tag an object must carry for a rule to apply (the rule's `Tag`, or a filter's `Not/Tag`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleTag {
    pub key: String,
    pub value: String,
}

/// On versioned buckets: remove non-current versions so many days after they became so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoncurrentVersionExpiration {
    pub noncurrent_days: u32,
}

/// On versioned buckets: move non-current versions to another storage class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoncurrentVersionStorageTransition {
    pub noncurrent_days: u32,
    pub storage_class: String,
    pub is_access_time: Option<bool>,
    pub return_to_std_when_visit: Option<bool>,
    pub allow_small_file: Option<bool>,
}

/// Objects a rule leaves alone (oss2's `FilterNot`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterNot {
    /// None writes no `<Prefix>` (oss2 writes an empty one, which reads back as `Some("")`:
    /// keeping the two apart makes every model survive a round trip).
    pub prefix: Option<String>,
    pub tag: Option<LifecycleTag>,
}

/// Narrows a rule (oss2's `LifecycleFilter`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleFilter {
    pub filter_not: Vec<FilterNot>,
    pub object_size_greater_than: Option<u64>,
    pub object_size_less_than: Option<u64>,
}

/// One lifecycle rule (oss2's `LifecycleRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleRule {
    /// "" lets OSS name the rule.
    pub id: String,
    /// The key prefix the rule applies to; "" is every object.
    pub prefix: String,
    /// [`LifecycleRule::ENABLED`] or [`LifecycleRule::DISABLED`].
    pub status: String,
    pub expiration: Option<LifecycleExpiration>,
    /// When to abort unfinished multipart uploads.
    pub abort_multipart_upload: Option<LifecycleAge>,
    pub storage_transitions: Vec<StorageTransition>,
    /// Tags an object must carry (oss2's `tagging`), in order.
    pub tags: Vec<LifecycleTag>,
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
    pub noncurrent_version_storage_transitions: Vec<NoncurrentVersionStorageTransition>,
    /// `AtimeBase`: when access tracking started (Unix seconds). OSS reports it; it is not
    /// sent (oss2 does not send it either).
    pub atime_base: Option<i64>,
    pub filter: Option<LifecycleFilter>,
}

impl LifecycleRule {
    pub const ENABLED: &'static str = "Enabled";
    pub const DISABLED: &'static str = "Disabled";

    /// An enabled rule with no action yet.
    pub fn new(id: &str, prefix: &str) -> LifecycleRule {
        LifecycleRule {
            id: id.to_string(),
            prefix: prefix.to_string(),
            status: LifecycleRule::ENABLED.to_string(),
            ..LifecycleRule::default()
        }
    }
}

/// oss2's limits on tag keys and values (in characters).
const MAX_TAG_KEY_LEN: usize = 128;
const MAX_TAG_VALUE_LEN: usize = 256;

/// A bucket's lifecycle configuration (oss2's `BucketLifecycle`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketLifecycle {
    pub rules: Vec<LifecycleRule>,
}

impl BucketLifecycle {
    pub fn new(rules: Vec<LifecycleRule>) -> BucketLifecycle {
        BucketLifecycle { rules }
    }

    /// What OSS would refuse anyway: no rule, a status other than Enabled/Disabled, an empty or
    /// oversized tag.
    pub fn validate(&self) -> Result<(), ClientError> {
        let invalid = |what, value: &str| {
            Err(ClientError::InvalidFormat {
                what,
                value: value.to_string(),
            })
        };
        if self.rules.is_empty() {
            return invalid("lifecycle configuration: it needs at least one rule", "");
        }
        for rule in &self.rules {
            if rule.status != LifecycleRule::ENABLED && rule.status != LifecycleRule::DISABLED {
                return invalid("lifecycle rule status (Enabled or Disabled)", &rule.status);
            }
            let not_tags = rule
                .filter
                .iter()
                .flat_map(|f| &f.filter_not)
                .filter_map(|not| not.tag.as_ref());
            for tag in rule.tags.iter().chain(not_tags) {
                if tag.key.is_empty() || tag.key.chars().count() > MAX_TAG_KEY_LEN {
                    return invalid("lifecycle tag key (1 to 128 characters)", &tag.key);
                }
                if tag.value.chars().count() > MAX_TAG_VALUE_LEN {
                    return invalid("lifecycle tag value (at most 256 characters)", &tag.value);
                }
            }
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
mod xml_impl {
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::*;
    use crate::dates::date_to_iso8601;
    use crate::error::DecodeError;
    use crate::ops::bucket::xml_in;
    use crate::ops::bucket::xml_out::{boolean, element, number, text};
    use crate::xml::Element;

    fn push_age(out: &mut String, age: LifecycleAge) {
        match age {
            LifecycleAge::Days(days) => number(out, "Days", days),
            LifecycleAge::CreatedBeforeDate(date) => {
                text(out, "CreatedBeforeDate", &date_to_iso8601(date));
            }
        }
    }

    fn push_flags(out: &mut String, flags: [Option<bool>; 3]) {
        let names = ["IsAccessTime", "ReturnToStdWhenVisit", "AllowSmallFile"];
        for (name, flag) in names.into_iter().zip(flags) {
            if let Some(flag) = flag {
                boolean(out, name, flag);
            }
        }
    }

    fn push_tag(out: &mut String, tag: &LifecycleTag) {
        element(out, "Tag", |out| {
            text(out, "Key", &tag.key);
            text(out, "Value", &tag.value);
        });
    }

    fn push_rule(out: &mut String, rule: &LifecycleRule) {
        text(out, "ID", &rule.id);
        text(out, "Prefix", &rule.prefix);
        text(out, "Status", &rule.status);
        if let Some(expiration) = rule.expiration {
            element(out, "Expiration", |out| match expiration {
                LifecycleExpiration::Days(days) => number(out, "Days", days),
                LifecycleExpiration::Date(date) => text(out, "Date", &date_to_iso8601(date)),
                LifecycleExpiration::CreatedBeforeDate(date) => {
                    text(out, "CreatedBeforeDate", &date_to_iso8601(date));
                }
                LifecycleExpiration::ExpiredObjectDeleteMarker(on) => {
                    boolean(out, "ExpiredObjectDeleteMarker", on);
                }
            });
        }
        if let Some(age) = rule.abort_multipart_upload {
            element(out, "AbortMultipartUpload", |out| push_age(out, age));
        }
        for transition in &rule.storage_transitions {
            element(out, "Transition", |out| {
                text(out, "StorageClass", &transition.storage_class);
                push_flags(
                    out,
                    [
                        transition.is_access_time,
                        transition.return_to_std_when_visit,
                        transition.allow_small_file,
                    ],
                );
                push_age(out, transition.age);
            });
        }
        for tag in &rule.tags {
            push_tag(out, tag);
        }
        if let Some(expiration) = rule.noncurrent_version_expiration {
            element(out, "NoncurrentVersionExpiration", |out| {
                number(out, "NoncurrentDays", expiration.noncurrent_days);
            });
        }
        for transition in &rule.noncurrent_version_storage_transitions {
            element(out, "NoncurrentVersionTransition", |out| {
                number(out, "NoncurrentDays", transition.noncurrent_days);
                text(out, "StorageClass", &transition.storage_class);
                push_flags(
                    out,
                    [
                        transition.is_access_time,
                        transition.return_to_std_when_visit,
                        transition.allow_small_file,
                    ],
                );
            });
        }
        if let Some(filter) = &rule.filter {
            element(out, "Filter", |out| {
                if let Some(size) = filter.object_size_greater_than {
                    number(out, "ObjectSizeGreaterThan", size);
                }
                if let Some(size) = filter.object_size_less_than {
                    number(out, "ObjectSizeLessThan", size);
                }
                for not in &filter.filter_not {
                    element(out, "Not", |out| {
                        if let Some(prefix) = &not.prefix {
                            text(out, "Prefix", prefix);
                        }
                        if let Some(tag) = &not.tag {
                            push_tag(out, tag);
                        }
                    });
                }
            });
        }
    }

    impl BucketLifecycle {
        /// `<LifecycleConfiguration>`, as oss2 writes it (see the module notes).
        pub fn to_xml(&self) -> String {
            let mut out = String::new();
            element(&mut out, "LifecycleConfiguration", |out| {
                for rule in &self.rules {
                    element(out, "Rule", |out| push_rule(out, rule));
                }
            });
            out
        }

        /// Reads a `<LifecycleConfiguration>`.
        pub fn from_xml(body: &[u8]) -> Result<BucketLifecycle, DecodeError> {
            let root = xml_in::root(body, "LifecycleConfiguration")?;
            let rules = root
                .children_named("Rule")
                .map(read_rule)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(BucketLifecycle { rules })
        }
    }

    /// `Days` or `CreatedBeforeDate` (Days first, as oss2 reads them).
    fn read_age(node: &Element) -> Result<LifecycleAge, DecodeError> {
        if node.child("Days").is_some() {
            Ok(LifecycleAge::Days(node.required_number("Days")?))
        } else if node.child("CreatedBeforeDate").is_some() {
            Ok(LifecycleAge::CreatedBeforeDate(xml_in::date(
                node,
                "CreatedBeforeDate",
            )?))
        } else {
            Err(xml_in::error(
                &node.name,
                "neither Days nor CreatedBeforeDate",
            ))
        }
    }

    fn read_expiration(node: &Element) -> Result<LifecycleExpiration, DecodeError> {
        Ok(if node.child("Days").is_some() {
            LifecycleExpiration::Days(node.required_number("Days")?)
        } else if node.child("Date").is_some() {
            LifecycleExpiration::Date(xml_in::date(node, "Date")?)
        } else if node.child("CreatedBeforeDate").is_some() {
            LifecycleExpiration::CreatedBeforeDate(xml_in::date(node, "CreatedBeforeDate")?)
        } else if node.child("ExpiredObjectDeleteMarker").is_some() {
            LifecycleExpiration::ExpiredObjectDeleteMarker(
                node.required_bool_any_case("ExpiredObjectDeleteMarker")?,
            )
        } else {
            return Err(xml_in::error(
                "Expiration",
                "none of Days, Date, CreatedBeforeDate, ExpiredObjectDeleteMarker",
            ));
        })
    }

    fn read_flags(node: &Element) -> Result<[Option<bool>; 3], DecodeError> {
        Ok([
            node.optional_bool_any_case("IsAccessTime")?,
            node.optional_bool_any_case("ReturnToStdWhenVisit")?,
            node.optional_bool_any_case("AllowSmallFile")?,
        ])
    }

    fn read_tag(node: &Element) -> Result<LifecycleTag, DecodeError> {
        Ok(LifecycleTag {
            key: node.required_text("Key")?.to_string(),
            value: node.required_text("Value")?.to_string(),
        })
    }

    fn read_filter(node: &Element) -> Result<LifecycleFilter, DecodeError> {
        let filter_not = node
            .children_named("Not")
            .map(|not| {
                Ok(FilterNot {
                    prefix: not.child_text("Prefix").map(str::to_string),
                    tag: not.child("Tag").map(read_tag).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        Ok(LifecycleFilter {
            filter_not,
            object_size_greater_than: node.optional_number("ObjectSizeGreaterThan")?,
            object_size_less_than: node.optional_number("ObjectSizeLessThan")?,
        })
    }

    fn read_rule(node: &Element) -> Result<LifecycleRule, DecodeError> {
        let storage_transitions = node
            .children_named("Transition")
            .map(|t| {
                let [is_access_time, return_to_std_when_visit, allow_small_file] = read_flags(t)?;
                Ok(StorageTransition {
                    age: read_age(t)?,
                    storage_class: t.required_text("StorageClass")?.to_string(),
                    is_access_time,
                    return_to_std_when_visit,
                    allow_small_file,
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        let noncurrent_version_storage_transitions = node
            .children_named("NoncurrentVersionTransition")
            .map(|t| {
                let [is_access_time, return_to_std_when_visit, allow_small_file] = read_flags(t)?;
                Ok(NoncurrentVersionStorageTransition {
                    noncurrent_days: t.required_number("NoncurrentDays")?,
                    storage_class: t.required_text("StorageClass")?.to_string(),
                    is_access_time,
                    return_to_std_when_visit,
                    allow_small_file,
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        let noncurrent_version_expiration = node
            .child("NoncurrentVersionExpiration")
            .map(|e| {
                Ok::<_, DecodeError>(NoncurrentVersionExpiration {
                    noncurrent_days: e.required_number("NoncurrentDays")?,
                })
            })
            .transpose()?;
        Ok(LifecycleRule {
            id: node.required_text("ID")?.to_string(),
            prefix: node.required_text("Prefix")?.to_string(),
            status: node.required_text("Status")?.to_string(),
            expiration: node.child("Expiration").map(read_expiration).transpose()?,
            abort_multipart_upload: node
                .child("AbortMultipartUpload")
                .map(read_age)
                .transpose()?,
            storage_transitions,
            tags: node
                .children_named("Tag")
                .map(read_tag)
                .collect::<Result<_, _>>()?,
            noncurrent_version_expiration,
            noncurrent_version_storage_transitions,
            atime_base: node.optional_number("AtimeBase")?,
            filter: node.child("Filter").map(read_filter).transpose()?,
        })
    }
}

/// Sets a bucket's lifecycle rules, replacing the old ones (`Bucket.put_bucket_lifecycle`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketLifecycle {
    pub bucket: String,
    pub lifecycle: BucketLifecycle,
    /// Other request headers (oss2's `headers=`), e.g.
    /// `x-oss-allow-same-action-overlap`.
    pub headers: Headers,
}

impl PutBucketLifecycle {
    pub fn new(bucket: &str, lifecycle: BucketLifecycle) -> PutBucketLifecycle {
        PutBucketLifecycle {
            bucket: bucket.to_string(),
            lifecycle,
            headers: Headers::new(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for PutBucketLifecycle {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        self.lifecycle.validate()?;
        // oss2 sends no Content-MD5 with this body.
        let body = self.lifecycle.to_xml().into_bytes();
        Ok(Request::bucket(Method::Put, &self.bucket)?
            .with_headers(self.headers.clone())
            .with_query("lifecycle", Some(""))
            .with_body(crate::request::Body::Bytes(body)))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's lifecycle rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLifecycleResult {
    pub result: RequestResult,
    pub lifecycle: BucketLifecycle,
}

/// Reads a bucket's lifecycle rules (`Bucket.get_bucket_lifecycle`); OSS answers
/// `NoSuchLifecycle` when there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketLifecycle {
    pub bucket: String,
}

impl GetBucketLifecycle {
    pub fn new(bucket: &str) -> GetBucketLifecycle {
        GetBucketLifecycle {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketLifecycle {
    type Output = GetBucketLifecycleResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "lifecycle")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketLifecycleResult, Error> {
        head.check(body)?;
        Ok(GetBucketLifecycleResult {
            result: RequestResult::from_head(head),
            lifecycle: BucketLifecycle::from_xml(body)?,
        })
    }
}

/// Removes a bucket's lifecycle rules (`Bucket.delete_bucket_lifecycle`); succeeds when there
/// were none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteBucketLifecycle {
    pub bucket: String,
}

impl DeleteBucketLifecycle {
    pub fn new(bucket: &str) -> DeleteBucketLifecycle {
        DeleteBucketLifecycle {
            bucket: bucket.to_string(),
        }
    }
}

impl Operation for DeleteBucketLifecycle {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Delete, &self.bucket, "lifecycle")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}
