//! XML as OSS speaks it: small documents (configurations, listings, errors) read into a tree,
//! and request bodies written the way oss2 writes them.
//!
//! Reading never panics: invalid UTF-8, unbalanced tags, unknown entities and nesting deeper
//! than [`MAX_DEPTH`] are [`DecodeError`]s.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::DecodeError;

/// OSS documents are a handful of levels deep; anything deeper is hostile or broken.
pub const MAX_DEPTH: usize = 32;

/// An element: its name, its text (entities resolved, CDATA included) and its children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`, in document order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

fn malformed(reason: impl ToString) -> DecodeError {
    DecodeError {
        what: "XML body".to_string(),
        reason: reason.to_string(),
    }
}

/// Reads a whole document and returns its root element.
pub fn parse(body: &[u8]) -> Result<Element, DecodeError> {
    let text = core::str::from_utf8(body).map_err(|e| malformed(format!("not UTF-8: {e}")))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(malformed("content after the root element"));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(format!("nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Element {
                    name: start.name().as_ref().to_string(),
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                let element = Element {
                    name: start.name().as_ref().to_string(),
                    ..Element::default()
                };
                close(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                // quick-xml checks that end tags match their start tags.
                let element = stack.pop().ok_or_else(|| malformed("unbalanced end tag"))?;
                close(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&text.xml10_content());
                } else if !text.trim_ascii().is_empty() {
                    return Err(malformed("text outside the root element"));
                }
            }
            Event::CData(data) => {
                let open = stack
                    .last_mut()
                    .ok_or_else(|| malformed("CDATA outside the root element"))?;
                open.text.push_str(data.as_ref());
            }
            Event::GeneralRef(reference) => {
                let open = stack
                    .last_mut()
                    .ok_or_else(|| malformed("reference outside the root element"))?;
                open.text.push_str(&resolve_reference(&reference)?);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("no root element"))
}

/// Attaches a finished element to its parent, or makes it the root. Text around child elements
/// (indentation) is dropped: OSS elements hold either text or children.
fn close(stack: &mut [Element], root: &mut Option<Element>, mut element: Element) {
    if !element.children.is_empty() && element.text.trim_ascii().is_empty() {
        element.text.clear();
    }
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

/// The five predefined entities and character references; OSS sends nothing else.
pub(crate) fn resolve_reference(reference: &str) -> Result<Cow<'static, str>, DecodeError> {
    Ok(Cow::Borrowed(match reference {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => {
            let number = reference
                .strip_prefix('#')
                .ok_or_else(|| malformed(format!("unknown entity &{reference};")))?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => number.parse(),
            };
            let ch = code
                .ok()
                .and_then(char::from_u32)
                .filter(|c| *c != '\0')
                .ok_or_else(|| malformed(format!("bad character reference &{reference};")))?;
            return Ok(Cow::Owned(ch.to_string()));
        }
    }))
}

/// Appends `text` with `&`, `<` and `>` escaped: what ElementTree escapes in element text, so
/// bodies are byte-identical to oss2's (and their Content-MD5 too). A carriage return is also
/// written as `&#13;`: a parser would read a raw one as `\n`, corrupting the key (oss2 does not
/// escape it).
pub fn push_escaped(out: &mut String, text: &str) {
    out.push_str(&quick_xml::escape::partial_escape(text));
}

/// Appends `<name>text</name>`, or `<name />` for empty text, as ElementTree writes them.
pub fn push_text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    if text.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    push_escaped(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_entities_and_cdata() {
        let doc = parse(
            b"<?xml version=\"1.0\"?>\n<Root>\n  <A>a&amp;b &lt;&#x4e2d;&#25991;&gt;</A>\n  <B/><C><![CDATA[x<y]]></C>\n</Root>",
        )
        .unwrap();
        assert_eq!(doc.name, "Root");
        assert_eq!(doc.text, "");
        assert_eq!(doc.child_text("A"), Some("a&b <中文>"));
        assert_eq!(doc.child_text("B"), Some(""));
        assert_eq!(doc.child_text("C"), Some("x<y"));
    }

    #[test]
    fn refuses_broken_and_hostile_documents() {
        let deep = "<a>".repeat(10_000);
        for bad in [
            &b""[..],
            b"<a>",
            b"<a></b>",
            b"</a>",
            b"<a>&bogus;</a>",
            b"<a>&#0;</a>",
            b"<a>&#xFFFFFFFF;</a>",
            b"<a/><b/>",
            b"text",
            b"<a>\xff\xfe</a>",
            deep.as_bytes(),
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn writes_like_element_tree() {
        let mut out = String::new();
        push_text_element(&mut out, "Key", "a&b<c>\"d'é");
        push_text_element(&mut out, "Empty", "");
        assert_eq!(out, "<Key>a&amp;b&lt;c&gt;\"d'é</Key><Empty />");
        let mut out = String::new();
        push_escaped(&mut out, "line\rbreak");
        assert_eq!(out, "line&#13;break");
        assert_eq!(parse(b"<K>line&#13;break</K>").unwrap().text, "line\rbreak");
    }
}
