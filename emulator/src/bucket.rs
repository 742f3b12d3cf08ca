//! The service and bucket operations: ListBuckets, PutBucket, DeleteBucket, GetBucketLocation,
//! Put/GetBucketACL, GetBucket (ListObjects), and the CORS, lifecycle, logging, referer and
//! website configurations, which are checked with oss-core's models and kept as sent.

use std::io::Read;

use oss_core::request::Method;

use crate::body::read_document;
use crate::common::{method_not_allowed, store_error};
use crate::error::OssError;
use crate::handler::{Access, Context, Emulator, Outcome, authorize};
use crate::http::Response;
use crate::store::BucketMeta;

/// The largest CreateBucketConfiguration taken (it names a storage class and a redundancy).
const MAX_CREATE_DOCUMENT: u64 = 64 << 10;
/// The largest configuration document taken (1000 lifecycle rules with tags fit).
const MAX_CONFIG_DOCUMENT: u64 = 4 << 20;

/// The owner every bucket and object of the emulator has.
pub(crate) const OWNER_ID: &str = "1047205513514293";

pub(crate) fn service(emulator: &Emulator, ctx: &Context<'_>) -> Outcome {
    match ctx.method {
        Method::Get => crate::listing::list_buckets(emulator, ctx),
        _ => Err(method_not_allowed()),
    }
}

/// The configurations kept as documents: sub-resource, reader that validates them, the error
/// when there is none.
const CONFIGS: &[(&str, &str, &str)] = &[
    (
        "cors",
        "NoSuchCORSConfiguration",
        "The CORS Configuration does not exist.",
    ),
    (
        "lifecycle",
        "NoSuchLifecycle",
        "No Row found in Lifecycle Table.",
    ),
    (
        "website",
        "NoSuchWebsiteConfiguration",
        "The specified bucket does not have a website configuration.",
    ),
    ("logging", "", ""),
    ("referer", "", ""),
];

/// Sub-resources of a bucket answered here or by the modules this file hands over to.
const HANDLED: &[&str] = &[
    "acl",
    "location",
    "cors",
    "lifecycle",
    "website",
    "logging",
    "referer",
];

pub(crate) fn handle(emulator: &Emulator, ctx: &Context<'_>, body: &mut dyn Read) -> Outcome {
    crate::handler::refuse_unknown_subresources(ctx, |n| {
        HANDLED.contains(&n)
            || crate::multipart::BUCKET_SUBRESOURCES.contains(&n)
            || crate::copy::BUCKET_SUBRESOURCES.contains(&n)
            || crate::live_channel::BUCKET_SUBRESOURCES.contains(&n)
    })?;
    if ctx.method == Method::Put && ctx.query.is_empty() {
        return create(emulator, ctx, body);
    }
    let bucket = emulator.existing_bucket(ctx)?;
    // Listings of uploads and live channels, batch deletes: their modules first.
    for module in [
        crate::multipart::handle_bucket,
        crate::copy::handle_bucket,
        crate::live_channel::handle_bucket,
    ] {
        if let Some(outcome) = module(emulator, ctx, &bucket, &mut *body) {
            return outcome;
        }
    }
    if let Some((name, missing_code, missing_message)) =
        CONFIGS.iter().find(|(name, ..)| ctx.has(name))
    {
        authorize(ctx, &bucket.acl, Access::Owner)?;
        return config(
            emulator,
            ctx,
            bucket,
            name,
            missing_code,
            missing_message,
            body,
        );
    }
    match ctx.method {
        Method::Put if ctx.has("acl") => {
            authorize(ctx, &bucket.acl, Access::Owner)?;
            let acl = bucket_acl(ctx)?.unwrap_or_default();
            emulator
                .store
                .put_bucket(BucketMeta { acl, ..bucket })
                .map_err(|e| store_error(e, ctx))?;
            Ok(Response::new(200))
        }
        Method::Get if ctx.has("acl") => {
            authorize(ctx, &bucket.acl, Access::Owner)?;
            Ok(Response::xml(200, access_control_policy(&bucket.acl)))
        }
        Method::Get if ctx.has("location") => {
            authorize(ctx, &bucket.acl, Access::Owner)?;
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            oss_core::xml::push_text_element(&mut xml, "LocationConstraint", &bucket.location);
            Ok(Response::xml(200, xml))
        }
        // ListObjectsV2 pages with continuation tokens; answering it as V1 would mislead.
        Method::Get if ctx.has("list-type") => {
            Err(OssError::not_implemented("ListObjectsV2 (list-type=2)"))
        }
        Method::Get => {
            authorize(ctx, &bucket.acl, Access::Read)?;
            crate::listing::list_objects(emulator, ctx, &bucket)
        }
        Method::Delete => {
            authorize(ctx, &bucket.acl, Access::Owner)?;
            emulator
                .store
                .delete_bucket(&bucket.name)
                .map_err(|e| store_error(e, ctx))?;
            Ok(Response::new(204))
        }
        _ => Err(method_not_allowed()),
    }
}

/// `x-oss-acl`, checked.
fn bucket_acl(ctx: &Context<'_>) -> Result<Option<String>, OssError> {
    match ctx.header("x-oss-acl") {
        None => Ok(None),
        Some(acl) if ["private", "public-read", "public-read-write"].contains(&acl) => {
            Ok(Some(acl.to_string()))
        }
        Some(acl) => Err(
            OssError::invalid_argument("no such bucket access control exists")
                .field("ArgumentName", "x-oss-acl")
                .field("ArgumentValue", acl),
        ),
    }
}

/// PutBucket: a new bucket, or the ACL of one of ours (the emulator has one account, and OSS
/// answers an owner's repeated create with success).
fn create(emulator: &Emulator, ctx: &Context<'_>, body: &mut dyn Read) -> Outcome {
    if ctx.caller == crate::auth::Caller::Anonymous {
        return Err(OssError::access_denied(
            "Anonymous access is forbidden for this operation.",
        ));
    }
    let acl = bucket_acl(ctx)?;
    let document = read_document(ctx, body, MAX_CREATE_DOCUMENT)?;
    let storage_class = if document.iter().all(u8::is_ascii_whitespace) {
        "Standard".to_string()
    } else {
        let config = oss_core::ops::bucket::BucketCreateConfig::from_xml(&document)
            .map_err(|_| OssError::malformed_xml())?;
        config.storage_class
    };
    let meta = match emulator.store.bucket(ctx.bucket_name()) {
        Some(existing) => BucketMeta {
            acl: acl.unwrap_or(existing.acl.clone()),
            ..existing
        },
        None => BucketMeta {
            name: ctx.bucket_name().to_string(),
            created: ctx.now,
            acl: acl.unwrap_or_else(|| "private".to_string()),
            storage_class,
            location: format!("oss-{}", emulator.region),
            configs: Default::default(),
        },
    };
    emulator
        .store
        .put_bucket(meta)
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(200).with_header("Location", format!("/{}", ctx.bucket_name())))
}

fn config(
    emulator: &Emulator,
    ctx: &Context<'_>,
    mut bucket: BucketMeta,
    name: &str,
    missing_code: &'static str,
    missing_message: &str,
    body: &mut dyn Read,
) -> Outcome {
    match ctx.method {
        Method::Put => {
            let document = read_document(ctx, body, MAX_CONFIG_DOCUMENT)?;
            validate_config(name, &document)?;
            bucket.configs.insert(name.to_string(), document);
        }
        Method::Delete => {
            bucket.configs.remove(name);
        }
        Method::Get => {
            return match bucket.configs.get(name) {
                Some(document) => Ok(Response::xml(200, String::from_utf8_lossy(document).into_owned())),
                None => match name {
                    // Logging and referer always have a state: off, and "anything goes".
                    "logging" => Ok(Response::xml(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BucketLoggingStatus />".into())),
                    "referer" => Ok(Response::xml(
                        200,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList /></RefererConfiguration>".into(),
                    )),
                    _ => Err(OssError::new(404, missing_code, missing_message).field("BucketName", bucket.name.clone())),
                },
            };
        }
        _ => {
            return Err(method_not_allowed());
        }
    }
    emulator
        .store
        .put_bucket(bucket)
        .map_err(|e| store_error(e, ctx))?;
    Ok(Response::new(if ctx.method == Method::Delete {
        204
    } else {
        200
    }))
}

/// A configuration document is kept only if oss-core's model reads it (and its rules hold).
fn validate_config(name: &str, document: &[u8]) -> Result<(), OssError> {
    use oss_core::ops::bucket::{
        BucketCors, BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite,
    };
    let valid = match name {
        "cors" => BucketCors::from_xml(document)
            .ok()
            .is_some_and(|c| c.validate().is_ok()),
        "lifecycle" => BucketLifecycle::from_xml(document)
            .ok()
            .is_some_and(|c| c.validate().is_ok()),
        "website" => BucketWebsite::from_xml(document)
            .ok()
            .is_some_and(|c| c.validate().is_ok()),
        "logging" => BucketLogging::from_xml(document)
            .ok()
            .is_some_and(|c| c.validate().is_ok()),
        "referer" => BucketReferer::from_xml(document).is_ok(),
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(OssError::malformed_xml())
    }
}

/// The AccessControlPolicy document of a bucket or object ACL.
pub(crate) fn access_control_policy(acl: &str) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy><Owner>");
    oss_core::xml::push_text_element(&mut xml, "ID", OWNER_ID);
    oss_core::xml::push_text_element(&mut xml, "DisplayName", OWNER_ID);
    xml.push_str("</Owner><AccessControlList>");
    oss_core::xml::push_text_element(&mut xml, "Grant", acl);
    xml.push_str("</AccessControlList></AccessControlPolicy>");
    xml
}
