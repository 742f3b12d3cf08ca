//! Bucket configuration methods in ali-oss's vocabulary: ACL, location, CORS (delete),
//! lifecycle, logging, referer and website. Lifecycle rules and website routing rules go
//! through ali-oss's object ⇄ XML mapping (see `xmljs`) and the core's models, which check them.

use js_sys::{Array, Promise};
use oss_core::ops::bucket::{
    BucketLifecycle, BucketLogging, BucketReferer, BucketWebsite, DeleteBucketCors,
    DeleteBucketLifecycle, DeleteBucketLogging, DeleteBucketWebsite, GetBucketAcl,
    GetBucketLifecycle, GetBucketLocation, GetBucketLogging, GetBucketReferer, GetBucketWebsite,
    PutBucketAcl, PutBucketLifecycle, PutBucketLogging, PutBucketReferer, PutBucketWebsite,
};
use wasm_bindgen::prelude::*;

use crate::Client;
use crate::error::Error;
use crate::js::{self, get, object, set, string};
use crate::xmljs::{document, job, list, plain, push_xml, step, text};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A configuration as OSS sends it back: every value as text, as ali-oss reads XML. */
export type AsRead<T> = T extends undefined
  ? undefined
  : T extends (infer U)[]
  ? AsRead<U>[]
  : T extends object
    ? { [K in keyof T]: AsRead<T[K]> }
    : string;

export interface GetBucketAclResult {
  /** private, public-read or public-read-write. */
  acl: string;
  owner: Owner;
  res: ResponseInfo;
}

export interface GetBucketLocationResult {
  /** `oss-cn-hangzhou`. */
  location: string;
  res: ResponseInfo;
}

/** When a lifecycle action applies: days after the last modification, or a date. */
export interface LifecycleAge {
  days?: number | string;
  /** `2030-01-01T00:00:00.000Z`. */
  createdBeforeDate?: string;
}

export interface LifecycleTransition extends LifecycleAge {
  storageClass: 'IA' | 'Archive' | 'ColdArchive' | 'DeepColdArchive';
  isAccessTime?: boolean;
  returnToStdWhenVisit?: boolean;
  allowSmallFile?: boolean;
}

export interface LifecycleTag {
  key: string;
  value: string;
}

/** A lifecycle rule as ali-oss writes it (its XML with lower-case first letters). */
export interface LifecycleRuleInput {
  /** Empty or absent: OSS names the rule. */
  id?: string;
  /** '' for every object. */
  prefix: string;
  status: 'Enabled' | 'Disabled';
  expiration?: LifecycleAge & { date?: string; expiredObjectDeleteMarker?: boolean };
  abortMultipartUpload?: LifecycleAge;
  transition?: LifecycleTransition | LifecycleTransition[];
  noncurrentVersionExpiration?: { noncurrentDays: number | string };
  noncurrentVersionTransition?:
    | { noncurrentDays: number | string; storageClass: string }
    | { noncurrentDays: number | string; storageClass: string }[];
  tag?: LifecycleTag | LifecycleTag[];
  filter?: {
    not?: { prefix?: string; tag?: LifecycleTag } | { prefix?: string; tag?: LifecycleTag }[];
    objectSizeGreaterThan?: number | string;
    objectSizeLessThan?: number | string;
  };
}

/** A rule read back: as written, values as text, `tag` always an array. */
export type LifecycleRule = AsRead<Omit<LifecycleRuleInput, 'tag'>> & { id: string; tag?: LifecycleTag[] };

export interface GetBucketLifecycleResult {
  rules: LifecycleRule[];
  res: ResponseInfo;
}

export interface GetBucketLoggingResult {
  /** Whether access logs are written (into the bucket itself, under `prefix`). */
  enable: boolean;
  prefix: string | null;
  res: ResponseInfo;
}

export interface GetBucketRefererResult {
  allowEmpty: boolean;
  /** null when every referer is allowed. */
  referers: string[] | null;
  res: ResponseInfo;
}

/** A website routing rule, as OSS's XML names it. */
export interface RoutingRule {
  RuleNumber: number | string;
  Condition: {
    KeyPrefixEquals?: string;
    HttpErrorCodeReturnedEquals?: number | string;
    IncludeHeader?: { Key: string; Equals: string } | { Key: string; Equals: string }[];
  };
  Redirect: {
    RedirectType: 'Mirror' | 'External' | 'Internal' | 'AliCDN';
    PassQueryString?: boolean;
    ReplaceKeyWith?: string;
    ReplaceKeyPrefixWith?: string;
    Protocol?: 'http' | 'https';
    HostName?: string;
    HttpRedirectCode?: number | string;
    MirrorURL?: string;
    MirrorPassQueryString?: boolean;
    MirrorFollowRedirect?: boolean;
    MirrorCheckMd5?: boolean;
    MirrorHeaders?: {
      PassAll?: boolean;
      Pass?: string | string[];
      Remove?: string | string[];
      Set?: { Key: string; Value: string } | { Key: string; Value: string }[];
    };
  };
}

export interface BucketWebsiteConfig {
  /** The index document (default `index.html`). */
  index?: string;
  /** The key of the 404 page. */
  error?: string;
  routingRules?: RoutingRule[];
}

export interface GetBucketWebsiteResult {
  index: string;
  error: string | null;
  routingRules: AsRead<RoutingRule>[];
  res: ResponseInfo;
}
"#;

/// A configuration the caller wrote, read by the core's model: what it cannot read is the
/// caller's mistake.
fn input<T>(model: Result<T, oss_core::error::DecodeError>) -> Result<T, Error> {
    model.map_err(|e| Error::argument(e.to_string()))
}

#[wasm_bindgen]
impl Client {
    /// Sets a bucket's ACL (`private`, `public-read`, `public-read-write`).
    #[wasm_bindgen(js_name = putBucketACL, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_acl(&self, name: String, acl: String) -> Promise {
        self.start(plain(PutBucketAcl::new(&name, &acl)), &NONE)
    }

    /// A bucket's ACL and owner.
    #[wasm_bindgen(js_name = getBucketACL, unchecked_return_type = "Promise<GetBucketAclResult>")]
    pub fn get_bucket_acl(&self, name: String) -> Promise {
        let step = job(GetBucketAcl::new(&name), |output, reply, result| {
            let root = document(reply)?;
            let owner = object();
            set(&owner, "id", text(&root, "Owner/ID"));
            set(&owner, "displayName", text(&root, "Owner/DisplayName"));
            set(result, "acl", output.acl);
            set(result, "owner", owner);
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// The region a bucket lives in.
    #[wasm_bindgen(
        js_name = getBucketLocation,
        unchecked_return_type = "Promise<GetBucketLocationResult>"
    )]
    pub fn get_bucket_location(&self, name: String) -> Promise {
        let step = job(GetBucketLocation::new(&name), |output, _, result| {
            set(result, "location", output.location);
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// Removes a bucket's CORS rules (pages on other origins lose access).
    #[wasm_bindgen(js_name = deleteBucketCORS, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_bucket_cors(&self, name: String) -> Promise {
        self.start(plain(DeleteBucketCors::new(&name)), &NONE)
    }

    /// Replaces a bucket's lifecycle rules.
    #[wasm_bindgen(js_name = putBucketLifecycle, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_lifecycle(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "LifecycleRuleInput[]")] rules: JsValue,
    ) -> Promise {
        let step = step(|| {
            if !Array::is_array(&rules) {
                return Err(Error::argument("rules must be an array"));
            }
            let mut xml = String::from("<LifecycleConfiguration>");
            for rule in Array::from(&rules).iter() {
                // The core's model wants an ID; empty lets OSS name the rule.
                let rule = js_sys::Object::assign(&object(), rule.unchecked_ref());
                if get(&rule, "id").is_undefined() {
                    set(&rule, "id", "");
                }
                push_xml(&mut xml, "Rule", &rule);
            }
            xml.push_str("</LifecycleConfiguration>");
            let rules = input(BucketLifecycle::from_xml(xml.as_bytes()))?;
            plain(PutBucketLifecycle::new(&name, rules))
        });
        self.start(step, &NONE)
    }

    /// A bucket's lifecycle rules (`NoSuchLifecycle` when it has none).
    #[wasm_bindgen(
        js_name = getBucketLifecycle,
        unchecked_return_type = "Promise<GetBucketLifecycleResult>"
    )]
    pub fn get_bucket_lifecycle(&self, name: String) -> Promise {
        let step = job(GetBucketLifecycle::new(&name), |_, reply, result| {
            let rules = list(&document(reply)?, "Rule", true);
            for rule in rules.iter() {
                let tag = get(&rule, "tag");
                if tag.is_object() && !Array::is_array(&tag) {
                    set(rule.unchecked_ref(), "tag", Array::of1(&tag));
                }
            }
            set(result, "rules", rules);
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// Removes a bucket's lifecycle rules.
    #[wasm_bindgen(
        js_name = deleteBucketLifecycle,
        unchecked_return_type = "Promise<DeleteResult>"
    )]
    pub fn delete_bucket_lifecycle(&self, name: String) -> Promise {
        self.start(plain(DeleteBucketLifecycle::new(&name)), &NONE)
    }

    /// Writes a bucket's access logs into itself, under `prefix`.
    #[wasm_bindgen(js_name = putBucketLogging, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_logging(&self, name: String, prefix: Option<String>) -> Promise {
        let logging = BucketLogging::new(&name, prefix.as_deref().unwrap_or_default());
        self.start(plain(PutBucketLogging::new(&name, logging)), &NONE)
    }

    /// Whether a bucket writes access logs, and under which prefix.
    #[wasm_bindgen(
        js_name = getBucketLogging,
        unchecked_return_type = "Promise<GetBucketLoggingResult>"
    )]
    pub fn get_bucket_logging(&self, name: String) -> Promise {
        let step = job(GetBucketLogging::new(&name), |output, _, result| {
            let logging = output.logging;
            let enable = !logging.target_bucket.is_empty();
            set(result, "enable", enable);
            let prefix = Some(logging.target_prefix).filter(|_| enable);
            set(
                result,
                "prefix",
                prefix.map_or(JsValue::NULL, JsValue::from),
            );
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// Turns a bucket's access logs off.
    #[wasm_bindgen(js_name = deleteBucketLogging, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_bucket_logging(&self, name: String) -> Promise {
        self.start(plain(DeleteBucketLogging::new(&name)), &NONE)
    }

    /// Hotlink protection: the referers allowed (`*` and `?` wildcards), and whether requests
    /// without one are.
    #[wasm_bindgen(js_name = putBucketReferer, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_referer(
        &self,
        name: String,
        #[wasm_bindgen(js_name = allowEmpty)] allow_empty: bool,
        #[wasm_bindgen(unchecked_param_type = "string[] | null")] referers: JsValue,
    ) -> Promise {
        let step = step(|| {
            let referers = js::strings(&referers, "referers")?;
            plain(PutBucketReferer::new(
                &name,
                BucketReferer::new(allow_empty, referers),
            ))
        });
        self.start(step, &NONE)
    }

    /// A bucket's hotlink protection.
    #[wasm_bindgen(
        js_name = getBucketReferer,
        unchecked_return_type = "Promise<GetBucketRefererResult>"
    )]
    pub fn get_bucket_referer(&self, name: String) -> Promise {
        let step = job(GetBucketReferer::new(&name), |output, _, result| {
            let referer = output.referer;
            set(result, "allowEmpty", referer.allow_empty_referer);
            let referers: JsValue = match referer.referers.is_empty() {
                true => JsValue::NULL,
                false => js::array(referer.referers.iter().map(String::as_str)).into(),
            };
            set(result, "referers", referers);
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// Static website hosting: the index and error documents and routing rules.
    #[wasm_bindgen(js_name = putBucketWebsite, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn put_bucket_website(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "BucketWebsiteConfig")] config: JsValue,
    ) -> Promise {
        let step = step(|| {
            let index = string(&config, "index")?.unwrap_or_else(|| "index.html".into());
            let mut xml = String::from("<WebsiteConfiguration>");
            push_xml(&mut xml, "IndexDocument", &js_obj("suffix", index.into()));
            push_xml(
                &mut xml,
                "ErrorDocument",
                &js_obj("key", get(&config, "error")),
            );
            let rules = js_obj("routingRule", get(&config, "routingRules"));
            push_xml(&mut xml, "RoutingRules", &rules);
            xml.push_str("</WebsiteConfiguration>");
            let website = input(BucketWebsite::from_xml(xml.as_bytes()))?;
            plain(PutBucketWebsite::new(&name, website))
        });
        self.start(step, &NONE)
    }

    /// A bucket's website configuration (`NoSuchWebsiteConfiguration` when it has none).
    #[wasm_bindgen(
        js_name = getBucketWebsite,
        unchecked_return_type = "Promise<GetBucketWebsiteResult>"
    )]
    pub fn get_bucket_website(&self, name: String) -> Promise {
        let step = job(GetBucketWebsite::new(&name), |_, reply, result| {
            let root = document(reply)?;
            let index = text(&root, "IndexDocument/Suffix");
            set(result, "index", index.as_string().unwrap_or_default());
            set(result, "error", text(&root, "ErrorDocument/Key"));
            let rules = match root.child("RoutingRules") {
                Some(rules) => list(rules, "RoutingRule", false),
                None => Array::new(),
            };
            set(result, "routingRules", rules);
            Ok(())
        });
        self.start(step, &NONE)
    }

    /// Turns a bucket's website hosting off.
    #[wasm_bindgen(js_name = deleteBucketWebsite, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_bucket_website(&self, name: String) -> Promise {
        self.start(plain(DeleteBucketWebsite::new(&name)), &NONE)
    }
}

const NONE: JsValue = JsValue::UNDEFINED;

/// `{key: value}` (undefined when `value` is).
fn js_obj(key: &str, value: JsValue) -> JsValue {
    if value.is_undefined() || value.is_null() {
        return JsValue::UNDEFINED;
    }
    let result = object();
    set(&result, key, value);
    result.into()
}
