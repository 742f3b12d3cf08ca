//! Static website hosting: PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite.
//!
//! Departures from oss2's body: the booleans of routing rules (`PassQueryString`,
//! `MirrorPassQueryString`, `MirrorFollowRedirect`, `MirrorCheckMd5`, `PassAll`) are written
//! `true`/`false`, as OSS documents them and as oss2 itself reads them back (oss2 writes
//! Python's `True`/`False`); a missing index or error document is left out (oss2 writes an
//! empty `<Suffix />` or `<Key />`). Reading, a routing rule without `KeyPrefixEquals` or
//! `HttpErrorCodeReturnedEquals` is read (oss2 crashes on it).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{parse_empty, subresource};
use crate::error::{ClientError, Error};
use crate::ops::Operation;
use crate::request::{Method, Request};
use crate::response::{RequestResult, ResponseHead};

/// oss2's `REDIRECT_TYPE_*`: what [`Redirect::redirect_type`] may be.
pub const REDIRECT_TYPE_MIRROR: &str = "Mirror";
pub const REDIRECT_TYPE_EXTERNAL: &str = "External";
pub const REDIRECT_TYPE_INTERNAL: &str = "Internal";
pub const REDIRECT_TYPE_ALICDN: &str = "AliCDN";

/// oss2's limits: rules per configuration, headers per condition, entries per mirror list.
const MAX_RULES: usize = 5;
const MAX_INCLUDE_HEADERS: usize = 5;
const MAX_MIRROR_HEADERS: usize = 10;

/// A request header a routing rule matches (oss2's `ConditionInlcudeHeader`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConditionIncludeHeader {
    pub key: String,
    pub equals: String,
}

/// When a routing rule applies (oss2's `Condition`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub key_prefix_equals: Option<String>,
    /// The status OSS would answer with (404 for mirroring).
    pub http_err_code_return_equals: Option<u16>,
    /// At most 5.
    pub include_headers: Vec<ConditionIncludeHeader>,
}

/// A header a mirroring rule sets on the request to the origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorHeadersSet {
    pub key: String,
    pub value: String,
}

/// Which request headers a mirroring rule passes to the origin (oss2's `RedirectMirrorHeaders`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectMirrorHeaders {
    pub pass_all: Option<bool>,
    /// At most 10 each.
    pub pass: Vec<String>,
    pub remove: Vec<String>,
    pub set: Vec<MirrorHeadersSet>,
}

/// What a routing rule does (oss2's `Redirect`). Which fields apply depends on the type:
/// `proto`, `host_name`, `http_redirect_code` to External and AliCDN; `replace_key_with`,
/// `replace_key_prefix_with` to those and Internal; `mirror_*` to Mirror. Only those are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirect {
    /// One of the `REDIRECT_TYPE_*` constants.
    pub redirect_type: String,
    pub pass_query_string: Option<bool>,
    pub replace_key_with: Option<String>,
    pub replace_key_prefix_with: Option<String>,
    /// `http` or `https`.
    pub proto: Option<String>,
    pub host_name: Option<String>,
    /// A 3xx status.
    pub http_redirect_code: Option<u16>,
    /// The origin: `http://` or `https://`, ending with `/`.
    pub mirror_url: Option<String>,
    pub mirror_url_slave: Option<String>,
    pub mirror_url_probe: Option<String>,
    pub mirror_pass_query_string: Option<bool>,
    pub mirror_follow_redirect: Option<bool>,
    pub mirror_check_md5: Option<bool>,
    pub mirror_headers: Option<RedirectMirrorHeaders>,
}

impl Redirect {
    pub fn new(redirect_type: &str) -> Redirect {
        Redirect {
            redirect_type: redirect_type.to_string(),
            ..Redirect::default()
        }
    }

    fn is_external(&self) -> bool {
        self.redirect_type == REDIRECT_TYPE_EXTERNAL || self.redirect_type == REDIRECT_TYPE_ALICDN
    }

    fn replaces_key(&self) -> bool {
        self.is_external() || self.redirect_type == REDIRECT_TYPE_INTERNAL
    }
}

/// One routing rule (oss2's `RoutingRule`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingRule {
    /// Rules are tried in this order; positive.
    pub rule_num: u32,
    pub condition: Condition,
    pub redirect: Redirect,
}

/// A bucket's website configuration (oss2's `BucketWebsite`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketWebsite {
    /// The index document's suffix, e.g. `index.html`.
    pub index_file: Option<String>,
    /// The key of the 404 page.
    pub error_file: Option<String>,
    /// At most 5.
    pub rules: Vec<RoutingRule>,
}

impl BucketWebsite {
    pub fn new(index_file: &str, error_file: &str) -> BucketWebsite {
        BucketWebsite {
            index_file: Some(index_file.to_string()),
            error_file: Some(error_file.to_string()),
            rules: Vec::new(),
        }
    }

    /// oss2's checks on routing rules (its model constructors raise `ClientError`).
    pub fn validate(&self) -> Result<(), ClientError> {
        fn invalid(what: &'static str, value: &str) -> Result<(), ClientError> {
            Err(ClientError::InvalidFormat {
                what,
                value: value.to_string(),
            })
        }
        let count = |n: usize| alloc::format!("{n}");
        let is_origin = |url: &str| {
            (url.starts_with("http://") || url.starts_with("https://")) && url.ends_with('/')
        };
        if self.rules.len() > MAX_RULES {
            return invalid(
                "website configuration: at most 5 routing rules",
                &count(self.rules.len()),
            );
        }
        for rule in &self.rules {
            let (condition, redirect) = (&rule.condition, &rule.redirect);
            if rule.rule_num == 0 {
                return invalid("routing rule number (positive)", "0");
            }
            if condition.include_headers.len() > MAX_INCLUDE_HEADERS {
                return invalid(
                    "routing rule condition: at most 5 include headers",
                    &count(condition.include_headers.len()),
                );
            }
            let kind = redirect.redirect_type.as_str();
            if ![
                REDIRECT_TYPE_MIRROR,
                REDIRECT_TYPE_EXTERNAL,
                REDIRECT_TYPE_INTERNAL,
                REDIRECT_TYPE_ALICDN,
            ]
            .contains(&kind)
            {
                return invalid("redirect type (Mirror, External, Internal or AliCDN)", kind);
            }
            if kind == REDIRECT_TYPE_INTERNAL
                && (redirect.host_name.is_some()
                    || redirect.proto.is_some()
                    || redirect.http_redirect_code.is_some())
            {
                return invalid(
                    "Internal redirect: no host name, protocol or redirect code",
                    kind,
                );
            }
            if let Some(code) = redirect.http_redirect_code {
                if redirect.is_external() && !(300..=399).contains(&code) {
                    return invalid("redirect code (a 3xx status)", &count(code.into()));
                }
            }
            if redirect.replaces_key()
                && redirect.replace_key_with.is_some()
                && redirect.replace_key_prefix_with.is_some()
            {
                return invalid(
                    "redirect: replace_key_with or replace_key_prefix_with, not both",
                    kind,
                );
            }
            if kind == REDIRECT_TYPE_MIRROR {
                if redirect.proto.is_some()
                    || redirect.host_name.is_some()
                    || redirect.replace_key_with.is_some()
                    || redirect.replace_key_prefix_with.is_some()
                    || redirect.http_redirect_code.is_some()
                {
                    return invalid(
                        "Mirror redirect: no protocol, host name, key replacement or redirect code",
                        kind,
                    );
                }
                match &redirect.mirror_url {
                    None => return invalid("Mirror redirect: it needs a mirror URL", ""),
                    Some(url) if !is_origin(url) => {
                        return invalid("mirror URL (http:// or https://, ending with /)", url);
                    }
                    Some(_) => {}
                }
                if let Some(slave) = &redirect.mirror_url_slave {
                    if redirect.mirror_url_probe.is_none() {
                        return invalid("Mirror redirect: a slave URL needs a probe URL", slave);
                    }
                    if !is_origin(slave) {
                        return invalid(
                            "mirror slave URL (http:// or https://, ending with /)",
                            slave,
                        );
                    }
                }
                if condition.http_err_code_return_equals != Some(404) {
                    return invalid(
                        "Mirror routing rule: its condition must be HTTP error 404",
                        kind,
                    );
                }
                if let Some(headers) = &redirect.mirror_headers {
                    let longest = headers
                        .pass
                        .len()
                        .max(headers.remove.len())
                        .max(headers.set.len());
                    if longest > MAX_MIRROR_HEADERS {
                        return invalid("mirror headers: at most 10 of each", &count(longest));
                    }
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
    use crate::error::DecodeError;
    use crate::ops::bucket::xml_in;
    use crate::ops::bucket::xml_out::{boolean, element, number, text};
    use crate::xml::Element;

    fn push_redirect(out: &mut String, redirect: &Redirect) {
        text(out, "RedirectType", &redirect.redirect_type);
        if let Some(pass) = redirect.pass_query_string {
            boolean(out, "PassQueryString", pass);
        }
        let texts = |out: &mut String, fields: &[(&str, &Option<String>)]| {
            for (name, value) in fields {
                if let Some(value) = value {
                    text(out, name, value);
                }
            }
        };
        if redirect.is_external() {
            texts(
                out,
                &[
                    ("Protocol", &redirect.proto),
                    ("HostName", &redirect.host_name),
                ],
            );
            if let Some(code) = redirect.http_redirect_code {
                number(out, "HttpRedirectCode", code);
            }
        }
        if redirect.replaces_key() {
            texts(
                out,
                &[
                    ("ReplaceKeyWith", &redirect.replace_key_with),
                    ("ReplaceKeyPrefixWith", &redirect.replace_key_prefix_with),
                ],
            );
        } else if redirect.redirect_type == REDIRECT_TYPE_MIRROR {
            texts(
                out,
                &[
                    ("MirrorURL", &redirect.mirror_url),
                    ("MirrorURLSlave", &redirect.mirror_url_slave),
                    ("MirrorURLProbe", &redirect.mirror_url_probe),
                ],
            );
            let flags = [
                ("MirrorPassQueryString", redirect.mirror_pass_query_string),
                ("MirrorFollowRedirect", redirect.mirror_follow_redirect),
                ("MirrorCheckMd5", redirect.mirror_check_md5),
            ];
            for (name, flag) in flags {
                if let Some(flag) = flag {
                    boolean(out, name, flag);
                }
            }
            if let Some(headers) = &redirect.mirror_headers {
                element(out, "MirrorHeaders", |out| {
                    if let Some(all) = headers.pass_all {
                        boolean(out, "PassAll", all);
                    }
                    for name in &headers.pass {
                        text(out, "Pass", name);
                    }
                    for name in &headers.remove {
                        text(out, "Remove", name);
                    }
                    for set in &headers.set {
                        element(out, "Set", |out| {
                            text(out, "Key", &set.key);
                            text(out, "Value", &set.value);
                        });
                    }
                });
            }
        }
    }

    fn push_rule(out: &mut String, rule: &RoutingRule) {
        number(out, "RuleNumber", rule.rule_num);
        let condition = &rule.condition;
        element(out, "Condition", |out| {
            if let Some(prefix) = &condition.key_prefix_equals {
                text(out, "KeyPrefixEquals", prefix);
            }
            if let Some(code) = condition.http_err_code_return_equals {
                number(out, "HttpErrorCodeReturnedEquals", code);
            }
            for header in &condition.include_headers {
                element(out, "IncludeHeader", |out| {
                    text(out, "Key", &header.key);
                    text(out, "Equals", &header.equals);
                });
            }
        });
        element(out, "Redirect", |out| push_redirect(out, &rule.redirect));
    }

    impl BucketWebsite {
        /// `<WebsiteConfiguration>`, as oss2 writes it (see the module notes).
        pub fn to_xml(&self) -> String {
            let mut out = String::new();
            element(&mut out, "WebsiteConfiguration", |out| {
                if let Some(index) = &self.index_file {
                    element(out, "IndexDocument", |out| text(out, "Suffix", index));
                }
                if let Some(error) = &self.error_file {
                    element(out, "ErrorDocument", |out| text(out, "Key", error));
                }
                if !self.rules.is_empty() {
                    element(out, "RoutingRules", |out| {
                        for rule in &self.rules {
                            element(out, "RoutingRule", |out| push_rule(out, rule));
                        }
                    });
                }
            });
            out
        }

        /// Reads a `<WebsiteConfiguration>`.
        pub fn from_xml(body: &[u8]) -> Result<BucketWebsite, DecodeError> {
            let root = xml_in::root(body, "WebsiteConfiguration")?;
            let nested = |path| root.descendant(path).map(|e| e.text.clone());
            let rules = root
                .child("RoutingRules")
                .into_iter()
                .flat_map(|rules| rules.children_named("RoutingRule"))
                .map(read_rule)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(BucketWebsite {
                index_file: nested("IndexDocument/Suffix"),
                error_file: nested("ErrorDocument/Key"),
                rules,
            })
        }
    }

    fn read_rule(node: &Element) -> Result<RoutingRule, DecodeError> {
        let condition = node.required("Condition")?;
        let redirect = node.required("Redirect")?;
        let include_headers = condition
            .children_named("IncludeHeader")
            .map(|h| {
                Ok(ConditionIncludeHeader {
                    key: h.required_text("Key")?.to_string(),
                    equals: h.required_text("Equals")?.to_string(),
                })
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        Ok(RoutingRule {
            rule_num: node.required_number("RuleNumber")?,
            condition: Condition {
                key_prefix_equals: condition.child_text("KeyPrefixEquals").map(str::to_string),
                http_err_code_return_equals: condition
                    .optional_number("HttpErrorCodeReturnedEquals")?,
                include_headers,
            },
            redirect: read_redirect(redirect)?,
        })
    }

    /// Every element present is read, whatever the type (oss2 reads only those of the type).
    fn read_redirect(node: &Element) -> Result<Redirect, DecodeError> {
        let text = |name| node.child_text(name).map(str::to_string);
        let mirror_headers = node
            .child("MirrorHeaders")
            .map(|headers| {
                let texts = |name| {
                    headers
                        .children_named(name)
                        .map(|e| e.text.clone())
                        .collect()
                };
                let set = headers
                    .children_named("Set")
                    .map(|set| {
                        Ok(MirrorHeadersSet {
                            key: set.required_text("Key")?.to_string(),
                            value: set.required_text("Value")?.to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, DecodeError>>()?;
                Ok::<_, DecodeError>(RedirectMirrorHeaders {
                    pass_all: headers.optional_bool_any_case("PassAll")?,
                    pass: texts("Pass"),
                    remove: texts("Remove"),
                    set,
                })
            })
            .transpose()?;
        Ok(Redirect {
            redirect_type: node.required_text("RedirectType")?.to_string(),
            pass_query_string: node.optional_bool_any_case("PassQueryString")?,
            replace_key_with: text("ReplaceKeyWith"),
            replace_key_prefix_with: text("ReplaceKeyPrefixWith"),
            proto: text("Protocol"),
            host_name: text("HostName"),
            http_redirect_code: node.optional_number("HttpRedirectCode")?,
            mirror_url: text("MirrorURL"),
            mirror_url_slave: text("MirrorURLSlave"),
            mirror_url_probe: text("MirrorURLProbe"),
            mirror_pass_query_string: node.optional_bool_any_case("MirrorPassQueryString")?,
            mirror_follow_redirect: node.optional_bool_any_case("MirrorFollowRedirect")?,
            mirror_check_md5: node.optional_bool_any_case("MirrorCheckMd5")?,
            mirror_headers,
        })
    }
}

/// Sets a bucket's website configuration (`Bucket.put_bucket_website`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBucketWebsite {
    pub bucket: String,
    pub website: BucketWebsite,
}

impl PutBucketWebsite {
    pub fn new(bucket: &str, website: BucketWebsite) -> PutBucketWebsite {
        PutBucketWebsite {
            bucket: bucket.to_string(),
            website,
        }
    }
}

#[cfg(feature = "std")]
impl Operation for PutBucketWebsite {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        self.website.validate()?;
        let body = self.website.to_xml().into_bytes();
        // One of the few bodies oss2 sends with a Content-MD5.
        subresource(Method::Put, &self.bucket, "website")?
            .with_header("Content-MD5", &crate::ops::content_md5(&body))
            .map(|r| r.with_body(crate::request::Body::Bytes(body)))
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}

/// A bucket's website configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketWebsiteResult {
    pub result: RequestResult,
    pub website: BucketWebsite,
}

/// Reads a bucket's website configuration (`Bucket.get_bucket_website`); OSS answers
/// `NoSuchWebsiteConfiguration` when there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetBucketWebsite {
    pub bucket: String,
}

impl GetBucketWebsite {
    pub fn new(bucket: &str) -> GetBucketWebsite {
        GetBucketWebsite {
            bucket: bucket.to_string(),
        }
    }
}

#[cfg(feature = "std")]
impl Operation for GetBucketWebsite {
    type Output = GetBucketWebsiteResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Get, &self.bucket, "website")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<GetBucketWebsiteResult, Error> {
        head.check(body)?;
        Ok(GetBucketWebsiteResult {
            result: RequestResult::from_head(head),
            website: BucketWebsite::from_xml(body)?,
        })
    }
}

/// Turns website hosting off (`Bucket.delete_bucket_website`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteBucketWebsite {
    pub bucket: String,
}

impl DeleteBucketWebsite {
    pub fn new(bucket: &str) -> DeleteBucketWebsite {
        DeleteBucketWebsite {
            bucket: bucket.to_string(),
        }
    }
}

impl Operation for DeleteBucketWebsite {
    type Output = RequestResult;

    fn request(&self) -> Result<Request, ClientError> {
        subresource(Method::Delete, &self.bucket, "website")
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<RequestResult, Error> {
        parse_empty(head, body)
    }
}
