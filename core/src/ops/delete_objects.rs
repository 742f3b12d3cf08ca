//! DeleteMultipleObjects: `Bucket.batch_delete_objects` (keys) and
//! `Bucket.delete_object_versions` (keys with versions), up to 1000 objects a request.
//!
//! The list goes in an XML body, keys only XML-escaped, with its Content-MD5 (OSS requires it).
//! `encoding-type=url` is asked for so that any deleted key can come back in XML; the keys of
//! the answer are percent-decoded only when it says `<EncodingType>url</EncodingType>`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::headers::Headers;
use crate::response::RequestResult;

/// The most objects one request can delete.
pub const MAX_DELETE_OBJECTS: usize = 1000;

/// An object to delete, at a version (oss2's `BatchDeleteObjectVersion`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectVersion {
    pub key: String,
    /// None (or "", as oss2 takes it): the current version, which on a versioned bucket gets
    /// a delete marker.
    pub version_id: Option<String>,
}

impl ObjectVersion {
    pub fn new(key: &str, version_id: Option<&str>) -> ObjectVersion {
        ObjectVersion {
            key: key.to_string(),
            version_id: version_id.map(str::to_string),
        }
    }
}

/// An object the answer reports deleted (oss2's `BatchDeleteObjectVersionResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeletedObject {
    pub key: String,
    /// The version deleted, on a versioned bucket.
    pub version_id: Option<String>,
    /// Whether the deletion created (or removed) a delete marker.
    pub delete_marker: bool,
    pub delete_marker_version_id: Option<String>,
}

/// What DeleteMultipleObjects answers. In quiet mode OSS lists nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchDeleteObjectsResult {
    pub result: RequestResult,
    pub deleted: Vec<DeletedObject>,
}

impl BatchDeleteObjectsResult {
    /// The deleted keys (oss2's `deleted_keys`).
    pub fn deleted_keys(&self) -> impl Iterator<Item = &str> {
        self.deleted.iter().map(|d| d.key.as_str())
    }
}

/// Deletes up to 1000 objects (`Bucket.batch_delete_objects`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchDeleteObjects {
    pub bucket: String,
    /// 1 to 1000 keys.
    pub keys: Vec<String>,
    /// Quiet mode: the answer lists no deleted keys (oss2 never asks for it).
    pub quiet: bool,
    pub headers: Headers,
}

impl BatchDeleteObjects {
    pub fn new<K: AsRef<str>>(bucket: &str, keys: impl IntoIterator<Item = K>) -> Self {
        BatchDeleteObjects {
            bucket: bucket.to_string(),
            keys: keys.into_iter().map(|k| k.as_ref().to_string()).collect(),
            quiet: false,
            headers: Headers::new(),
        }
    }
}

/// Deletes up to 1000 objects at given versions (`Bucket.delete_object_versions`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteObjectVersions {
    pub bucket: String,
    /// 1 to 1000 objects.
    pub objects: Vec<ObjectVersion>,
    pub quiet: bool,
    pub headers: Headers,
}

impl DeleteObjectVersions {
    pub fn new(bucket: &str, objects: Vec<ObjectVersion>) -> DeleteObjectVersions {
        DeleteObjectVersions {
            bucket: bucket.to_string(),
            objects,
            quiet: false,
            headers: Headers::new(),
        }
    }
}

#[cfg(feature = "std")]
mod wire {
    use alloc::string::{String, ToString};

    use super::{
        BatchDeleteObjects, BatchDeleteObjectsResult, DeleteObjectVersions, DeletedObject,
        MAX_DELETE_OBJECTS,
    };

    use crate::error::{ClientError, Error};
    use crate::headers::Headers;
    use crate::ops::multipart::read;
    use crate::ops::{Operation, content_md5};
    use crate::request::{Body, Method, Request};
    use crate::response::{RequestResult, ResponseHead};
    use crate::xml::push_escaped;

    const KEY_PROBLEM: &str = "object key in a delete list (a character XML 1.0 cannot carry)";

    /// Refuses text XML 1.0 cannot carry: a control character other than tab, line feed and
    /// carriage return (which [`delete_body`] writes as `&#13;`) has no representation at all,
    /// not even as a character reference.
    fn check_xml_text(what: &'static str, text: &str) -> Result<(), ClientError> {
        let unrepresentable = |c: char| matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
        if text.chars().any(unrepresentable) {
            return Err(ClientError::InvalidFormat {
                what,
                value: text.to_string(),
            });
        }
        Ok(())
    }

    fn check_count(count: usize) -> Result<(), ClientError> {
        if (1..=MAX_DELETE_OBJECTS).contains(&count) {
            Ok(())
        } else {
            Err(ClientError::InvalidFormat {
                what: "number of objects to delete (1 to 1000)",
                value: count.to_string(),
            })
        }
    }

    /// The `<Delete>` document as ElementTree writes it: `<Delete><Quiet>false</Quiet>
    /// <Object><Key>…</Key>[<VersionId>…</VersionId>]</Object>…</Delete>`, no whitespace.
    /// Keys are XML-escaped only, as oss2 sends them. One departure: a carriage return is
    /// written `&#13;`, since a raw one reaches OSS's parser as a line feed and would name
    /// another key.
    pub fn delete_body<'a>(
        quiet: bool,
        objects: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    ) -> String {
        let mut xml = String::with_capacity(256);
        xml.push_str("<Delete><Quiet>");
        xml.push_str(if quiet { "true" } else { "false" });
        xml.push_str("</Quiet>");
        for (key, version_id) in objects {
            xml.push_str("<Object>");
            push_text(&mut xml, "Key", key);
            if let Some(version_id) = version_id.filter(|v| !v.is_empty()) {
                push_text(&mut xml, "VersionId", version_id);
            }
            xml.push_str("</Object>");
        }
        xml.push_str("</Delete>");
        xml
    }

    /// `<name>text</name>` with `text` escaped (never empty here: keys are checked, empty
    /// versions left out).
    fn push_text(xml: &mut String, name: &str, text: &str) {
        xml.push('<');
        xml.push_str(name);
        xml.push('>');
        for (i, piece) in text.split('\r').enumerate() {
            if i > 0 {
                xml.push_str("&#13;");
            }
            push_escaped(xml, piece);
        }
        xml.push_str("</");
        xml.push_str(name);
        xml.push('>');
    }

    fn delete_request(
        bucket: &str,
        headers: &Headers,
        xml: String,
    ) -> Result<Request, ClientError> {
        let md5 = content_md5(xml.as_bytes());
        Ok(Request::bucket(Method::Post, bucket)?
            .with_headers(headers.clone())
            .with_header("Content-MD5", &md5)?
            .with_query("delete", Some(""))
            .with_query("encoding-type", Some("url"))
            .with_body(Body::Bytes(xml.into_bytes())))
    }

    /// oss2's `parse_batch_delete_objects`: an empty body (quiet mode) lists nothing.
    fn parse_deleted(head: &ResponseHead, body: &[u8]) -> Result<BatchDeleteObjectsResult, Error> {
        head.check(body)?;
        let mut page = BatchDeleteObjectsResult {
            result: RequestResult::from_head(head),
            deleted: alloc::vec::Vec::new(),
        };
        if body.is_empty() {
            return Ok(page);
        }
        let root = crate::xml::parse(body)?;
        let url_encoded = read::is_url_encoded(&root);
        for deleted in root.children_named("Deleted") {
            page.deleted.push(DeletedObject {
                key: read::name(deleted, "Key", url_encoded)?,
                version_id: deleted.child_text("VersionId").map(str::to_string),
                delete_marker: deleted.optional_flag("DeleteMarker")?.unwrap_or(false),
                delete_marker_version_id: deleted
                    .child_text("DeleteMarkerVersionId")
                    .map(str::to_string),
            });
        }
        Ok(page)
    }

    impl Operation for BatchDeleteObjects {
        type Output = BatchDeleteObjectsResult;

        fn request(&self) -> Result<Request, ClientError> {
            check_count(self.keys.len())?;
            for key in &self.keys {
                crate::names::check_object_key(key)?;
                check_xml_text(KEY_PROBLEM, key)?;
            }
            let xml = delete_body(self.quiet, self.keys.iter().map(|k| (k.as_str(), None)));
            delete_request(&self.bucket, &self.headers, xml)
        }

        fn parse(
            &self,
            head: &ResponseHead,
            body: &[u8],
        ) -> Result<BatchDeleteObjectsResult, Error> {
            parse_deleted(head, body)
        }

        /// Deleting again deletes nothing more (keys already gone are reported deleted).
        fn retry_safe(&self, _: &Request) -> bool {
            true
        }
    }

    impl Operation for DeleteObjectVersions {
        type Output = BatchDeleteObjectsResult;

        fn request(&self) -> Result<Request, ClientError> {
            check_count(self.objects.len())?;
            for object in &self.objects {
                crate::names::check_object_key(&object.key)?;
                check_xml_text(KEY_PROBLEM, &object.key)?;
                if let Some(version_id) = &object.version_id {
                    check_xml_text("version ID (a character XML 1.0 cannot carry)", version_id)?;
                }
            }
            let objects = self
                .objects
                .iter()
                .map(|o| (o.key.as_str(), o.version_id.as_deref()));
            delete_request(
                &self.bucket,
                &self.headers,
                delete_body(self.quiet, objects),
            )
        }

        fn parse(
            &self,
            head: &ResponseHead,
            body: &[u8],
        ) -> Result<BatchDeleteObjectsResult, Error> {
            parse_deleted(head, body)
        }

        /// Deleting again deletes nothing more (keys already gone are reported deleted).
        fn retry_safe(&self, _: &Request) -> bool {
            true
        }
    }
}

#[cfg(feature = "std")]
pub use wire::delete_body;
