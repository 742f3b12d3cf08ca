//! Bucket operations in `responses.json`: our results under oss2's attribute names, nested
//! configuration objects in the shape oss2's `parsed` shows them.

use oss_core::ResponseHead;
use oss_core::dates::Date;
use oss_core::error::Error;
use oss_core::ops::Operation;
use oss_core::ops::bucket::lifecycle::{
    DeleteBucketLifecycle, GetBucketLifecycle, LifecycleAge, LifecycleExpiration, LifecycleRule,
    LifecycleTag, PutBucketLifecycle,
};
use oss_core::ops::bucket::website::{Condition, Redirect, RoutingRule};
use oss_core::ops::bucket::{
    BucketCors, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite, CorsRule,
    CreateBucket, DeleteBucket, DeleteBucketCors, DeleteBucketLogging, DeleteBucketWebsite,
    GetBucketAcl, GetBucketCors, GetBucketLocation, GetBucketLogging, GetBucketReferer,
    GetBucketWebsite, PutBucketAcl, PutBucketCors, PutBucketLogging, PutBucketReferer,
    PutBucketWebsite,
};
use serde_json::{Value, json};

use super::with_result;

/// Bucket operations, their results under oss2's attribute names; None: not one of them.
pub fn parse(
    operation: &str,
    head: &ResponseHead,
    body: &[u8],
    _record: &Value,
) -> Option<Result<Value, Error>> {
    let b = "b";
    let empty = |r: Result<oss_core::RequestResult, Error>| r.map(|r| with_result(&r, json!({})));
    let produced = match operation {
        "Bucket.create_bucket" => empty(CreateBucket::new(b).parse(head, body)),
        "Bucket.delete_bucket" => empty(DeleteBucket::new(b).parse(head, body)),
        "Bucket.put_bucket_acl" => empty(PutBucketAcl::new(b, "private").parse(head, body)),
        "Bucket.put_bucket_cors" => {
            empty(PutBucketCors::new(b, BucketCors::default()).parse(head, body))
        }
        "Bucket.delete_bucket_cors" => empty(DeleteBucketCors::new(b).parse(head, body)),
        "Bucket.put_bucket_lifecycle" => {
            empty(PutBucketLifecycle::new(b, BucketLifecycle::default()).parse(head, body))
        }
        "Bucket.delete_bucket_lifecycle" => empty(DeleteBucketLifecycle::new(b).parse(head, body)),
        "Bucket.put_bucket_logging" => {
            empty(PutBucketLogging::new(b, BucketLogging::default()).parse(head, body))
        }
        "Bucket.delete_bucket_logging" => empty(DeleteBucketLogging::new(b).parse(head, body)),
        "Bucket.put_bucket_referer" => {
            empty(PutBucketReferer::new(b, BucketReferer::default()).parse(head, body))
        }
        "Bucket.put_bucket_website" => {
            empty(PutBucketWebsite::new(b, BucketWebsite::default()).parse(head, body))
        }
        "Bucket.delete_bucket_website" => empty(DeleteBucketWebsite::new(b).parse(head, body)),
        "Bucket.get_bucket_location" => GetBucketLocation::new(b)
            .parse(head, body)
            .map(|r| with_result(&r.result, json!({"location": r.location}))),
        "Bucket.get_bucket_acl" => GetBucketAcl::new(b)
            .parse(head, body)
            .map(|r| with_result(&r.result, json!({"acl": r.acl}))),
        "Bucket.get_bucket_cors" => GetBucketCors::new(b).parse(head, body).map(|r| {
            let rules: Vec<Value> = r.cors.rules.iter().map(cors_rule).collect();
            with_result(
                &r.result,
                json!({"rules": rules, "response_vary": r.cors.response_vary}),
            )
        }),
        "Bucket.get_bucket_lifecycle" => GetBucketLifecycle::new(b).parse(head, body).map(|r| {
            let rules: Vec<Value> = r.lifecycle.rules.iter().map(lifecycle_rule).collect();
            with_result(&r.result, json!({ "rules": rules }))
        }),
        "Bucket.get_bucket_logging" => GetBucketLogging::new(b).parse(head, body).map(|r| {
            with_result(
                &r.result,
                json!({
                    "target_bucket": r.logging.target_bucket,
                    "target_prefix": r.logging.target_prefix,
                }),
            )
        }),
        "Bucket.get_bucket_referer" => GetBucketReferer::new(b).parse(head, body).map(|r| {
            let referer = &r.referer;
            with_result(
                &r.result,
                json!({
                    "allow_empty_referer": referer.allow_empty_referer,
                    "referers": referer.referers,
                    "allow_truncate_query_string": referer.allow_truncate_query_string,
                    "black_referers": referer.black_referers,
                }),
            )
        }),
        "Bucket.get_bucket_website" => GetBucketWebsite::new(b).parse(head, body).map(|r| {
            let rules: Vec<Value> = r.website.rules.iter().map(routing_rule).collect();
            with_result(
                &r.result,
                json!({
                    "index_file": r.website.index_file,
                    "error_file": r.website.error_file,
                    "rules": rules,
                }),
            )
        }),
        _ => return None,
    };
    Some(produced)
}

/// oss2's `CorsRule`.
fn cors_rule(rule: &CorsRule) -> Value {
    json!({
        "allowed_origins": rule.allowed_origins,
        "allowed_methods": rule.allowed_methods,
        "allowed_headers": rule.allowed_headers,
        "expose_headers": rule.expose_headers,
        "max_age_seconds": rule.max_age_seconds,
    })
}

/// A `datetime.date` as the vectors write it.
fn date(d: Date) -> Value {
    json!(d.to_string())
}

/// oss2's `LifecycleRule` with its nested objects.
fn lifecycle_rule(rule: &LifecycleRule) -> Value {
    let expiration = rule.expiration.map(|e| {
        let (mut days, mut on, mut before, mut marker) = (None, None, None, None);
        match e {
            LifecycleExpiration::Days(n) => days = Some(n),
            LifecycleExpiration::Date(d) => on = Some(date(d)),
            LifecycleExpiration::CreatedBeforeDate(d) => before = Some(date(d)),
            LifecycleExpiration::ExpiredObjectDeleteMarker(m) => marker = Some(m),
        }
        json!({"days": days, "date": on, "created_before_date": before, "expired_detete_marker": marker})
    });
    let age = |age: LifecycleAge| match age {
        LifecycleAge::Days(n) => (Some(n), None),
        LifecycleAge::CreatedBeforeDate(d) => (None, Some(date(d))),
    };
    let abort = rule.abort_multipart_upload.map(|a| {
        let (days, before) = age(a);
        json!({"days": days, "created_before_date": before})
    });
    let transitions: Vec<Value> = rule
        .storage_transitions
        .iter()
        .map(|t| {
            let (days, before) = age(t.age);
            json!({
                "days": days,
                "created_before_date": before,
                "storage_class": t.storage_class,
                "is_access_time": t.is_access_time,
                "return_to_std_when_visit": t.return_to_std_when_visit,
                "allow_small_file": t.allow_small_file,
            })
        })
        .collect();
    // oss2's `Tagging` holds a `TaggingRule` holding a dict; no tags is None.
    let tagging = (!rule.tags.is_empty()).then(|| {
        let map: serde_json::Map<String, Value> = rule
            .tags
            .iter()
            .map(|t| (t.key.clone(), json!(t.value)))
            .collect();
        json!({"tag_set": {"tagging_rule": map}})
    });
    let noncurrent_transitions: Vec<Value> = rule
        .noncurrent_version_storage_transitions
        .iter()
        .map(|t| {
            json!({
                "noncurrent_days": t.noncurrent_days,
                "storage_class": t.storage_class,
                "is_access_time": t.is_access_time,
                "return_to_std_when_visit": t.return_to_std_when_visit,
                "allow_small_file": t.allow_small_file,
            })
        })
        .collect();
    // oss2 always has a filter object, and a `Not` always has a tag object.
    let filter = rule.filter.clone().unwrap_or_default();
    let filter_not: Vec<Value> = filter
        .filter_not
        .iter()
        .map(|not| {
            let tag = not.tag.clone().map_or(
                json!({"key": null, "value": null}),
                |t: LifecycleTag| json!({"key": t.key, "value": t.value}),
            );
            json!({"prefix": not.prefix, "tag": tag})
        })
        .collect();
    json!({
        "id": rule.id,
        "prefix": rule.prefix,
        "status": rule.status,
        "expiration": expiration,
        "abort_multipart_upload": abort,
        "storage_transitions": transitions,
        "tagging": tagging,
        "noncurrent_version_expiration": rule
            .noncurrent_version_expiration
            .map(|e| json!({"noncurrent_days": e.noncurrent_days})),
        // oss2's spelling.
        "noncurrent_version_sotrage_transitions": noncurrent_transitions,
        "atime_base": rule.atime_base.unwrap_or(0),
        "filter": {
            "filter_not": filter_not,
            "object_size_greater_than": filter.object_size_greater_than,
            "object_size_less_than": filter.object_size_less_than,
        },
    })
}

/// oss2's `RoutingRule` with its `Condition` and `Redirect`.
fn routing_rule(rule: &RoutingRule) -> Value {
    let Condition {
        key_prefix_equals,
        http_err_code_return_equals,
        include_headers,
    } = &rule.condition;
    let headers: Vec<Value> = include_headers
        .iter()
        .map(|h| json!({"key": h.key, "equals": h.equals}))
        .collect();
    let r: &Redirect = &rule.redirect;
    let mirror_headers = r.mirror_headers.as_ref().map(|m| {
        let set: Vec<Value> = m
            .set
            .iter()
            .map(|s| json!({"key": s.key, "value": s.value}))
            .collect();
        json!({"pass_all": m.pass_all, "pass_list": m.pass, "remove_list": m.remove, "set_list": set})
    });
    json!({
        "rule_num": rule.rule_num,
        "condition": {
            "key_prefix_equals": key_prefix_equals,
            "http_err_code_return_equals": http_err_code_return_equals,
            "include_header_list": headers,
        },
        "redirect": {
            "redirect_type": r.redirect_type,
            "pass_query_string": r.pass_query_string,
            "replace_key_with": r.replace_key_with,
            "replace_key_prefix_with": r.replace_key_prefix_with,
            "proto": r.proto,
            "host_name": r.host_name,
            "http_redirect_code": r.http_redirect_code,
            "mirror_url": r.mirror_url,
            "mirror_url_slave": r.mirror_url_slave,
            "mirror_url_probe": r.mirror_url_probe,
            "mirror_pass_query_string": r.mirror_pass_query_string,
            "mirror_check_md5": r.mirror_check_md5,
            "mirror_follow_redirect": r.mirror_follow_redirect,
            "mirror_headers": mirror_headers,
        },
    })
}
