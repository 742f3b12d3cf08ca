//! Error answers as OSS writes them: an `<Error>` document with Code, Message, RequestId,
//! HostId and the fields OSS adds for the case; HEAD answers carry it base64-encoded in
//! `x-oss-err` instead of a body.

use base64::Engine as _;

use crate::http::{Response, ResponseBody};

/// An error answer before the request id and host are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OssError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Extra elements (`BucketName`, `Key`, `StringToSign`, `ServerTime` …), in order.
    pub fields: Vec<(&'static str, String)>,
    /// Extra headers (`x-oss-next-append-position` …).
    pub headers: Vec<(&'static str, String)>,
}

impl OssError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> OssError {
        OssError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn field(mut self, name: &'static str, value: impl Into<String>) -> OssError {
        self.fields.push((name, value.into()));
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> OssError {
        self.headers.push((name, value.into()));
        self
    }

    pub fn no_such_bucket(bucket: &str) -> OssError {
        OssError::new(404, "NoSuchBucket", "The specified bucket does not exist.")
            .field("BucketName", bucket)
    }

    pub fn no_such_key(key: &str) -> OssError {
        OssError::new(404, "NoSuchKey", "The specified key does not exist.").field("Key", key)
    }

    pub fn access_denied(message: impl Into<String>) -> OssError {
        OssError::new(403, "AccessDenied", message)
    }

    pub fn invalid_argument(message: impl Into<String>) -> OssError {
        OssError::new(400, "InvalidArgument", message)
    }

    pub fn malformed_xml() -> OssError {
        OssError::new(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema.",
        )
    }

    pub fn not_implemented(what: &str) -> OssError {
        OssError::new(
            400,
            "NotImplemented",
            format!("{what} is not implemented by oss-emulator."),
        )
    }

    /// The answer: XML body, or for HEAD the same document in `x-oss-err`; a 304 (Not
    /// Modified) has only its headers.
    pub fn into_response(self, request_id: &str, host: &str, head: bool) -> Response {
        if self.status == 304 {
            let mut response = Response::new(304);
            for (name, value) in self.headers {
                response.set_header(name, value);
            }
            return response;
        }
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n");
        let mut element = |name: &str, value: &str| {
            xml.push_str("  ");
            oss_core::xml::push_text_element(&mut xml, name, value);
            xml.push('\n');
        };
        element("Code", self.code);
        element("Message", &self.message);
        element("RequestId", request_id);
        element("HostId", host);
        for (name, value) in &self.fields {
            element(name, value);
        }
        xml.push_str("</Error>\n");
        let mut response =
            Response::new(self.status).with_header("Content-Type", "application/xml");
        for (name, value) in self.headers {
            response.set_header(name, value);
        }
        if head {
            response.set_header(
                "x-oss-err",
                base64::engine::general_purpose::STANDARD.encode(xml.as_bytes()),
            );
        } else {
            response.body = ResponseBody::Bytes(xml.into_bytes());
        }
        response
    }
}
