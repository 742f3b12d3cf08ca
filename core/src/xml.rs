//! XML as OSS speaks it: small documents (configurations, listings, errors) read into a tree,
//! and request bodies written the way oss2 writes them.
//!
//! Reading never panics: invalid UTF-8, unbalanced tags, unknown entities and nesting deeper
//! than [`MAX_DEPTH`] are [`DecodeError`]s.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::str::FromStr;

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

    /// The element at `path` below this one: child names joined by `/` (`Target/Type`), each
    /// step the first child of that name. A plain name is a child.
    pub fn descendant(&self, path: &str) -> Option<&Element> {
        path.split('/')
            .try_fold(self, |node, name| node.child(name))
    }

    /// A [`DecodeError`] about the element at `path` below this one: `what` is
    /// `Parent/path`.
    pub fn invalid(&self, path: &str, reason: impl ToString) -> DecodeError {
        DecodeError {
            what: format!("{}/{path}", self.name),
            reason: reason.to_string(),
        }
    }

    // The readers below take a `path` as [`Element::descendant`] does. `required_*` refuse a
    // missing element; `optional_*` give None for one, and refuse one that is there but
    // unreadable.

    /// The element at `path`, which must be there.
    pub fn required(&self, path: &str) -> Result<&Element, DecodeError> {
        self.descendant(path)
            .ok_or_else(|| self.invalid(path, "the element is missing"))
    }

    /// The text of the element at `path`, which must be there (`<A/>` is "").
    pub fn required_text(&self, path: &str) -> Result<&str, DecodeError> {
        self.required(path).map(|e| e.text.as_str())
    }

    /// `true` or `false`, nothing else (as oss2 reads listings).
    pub fn required_flag(&self, path: &str) -> Result<bool, DecodeError> {
        self.parsed(path, flag)
    }

    /// [`Element::required_flag`] of an element that may be absent.
    pub fn optional_flag(&self, path: &str) -> Result<Option<bool>, DecodeError> {
        self.parsed_if_present(path, flag)
    }

    /// `true` or `false` in any letter case, ASCII white space around it ignored: what
    /// configurations are read with (oss2 itself writes `True` in some bodies).
    pub fn required_bool_any_case(&self, path: &str) -> Result<bool, DecodeError> {
        self.parsed(path, bool_any_case)
    }

    /// [`Element::required_bool_any_case`] of an element that may be absent.
    pub fn optional_bool_any_case(&self, path: &str) -> Result<Option<bool>, DecodeError> {
        self.parsed_if_present(path, bool_any_case)
    }

    /// Decimal digits only, ASCII white space around them ignored: no sign, which OSS never
    /// writes in listings (`str::parse` would take a leading `+`).
    pub fn required_unsigned<T: FromStr>(&self, path: &str) -> Result<T, DecodeError> {
        self.parsed(path, unsigned::<T>)
    }

    /// [`Element::required_unsigned`] of an element that may be absent.
    pub fn optional_unsigned<T: FromStr>(&self, path: &str) -> Result<Option<T>, DecodeError> {
        self.parsed_if_present(path, unsigned::<T>)
    }

    /// Whatever `T::from_str` reads (a sign included), ASCII white space around it ignored.
    pub fn required_number<T: FromStr>(&self, path: &str) -> Result<T, DecodeError> {
        self.parsed(path, number::<T>)
    }

    /// [`Element::required_number`] of an element that may be absent.
    pub fn optional_number<T: FromStr>(&self, path: &str) -> Result<Option<T>, DecodeError> {
        self.parsed_if_present(path, number::<T>)
    }

    /// An ISO 8601 time as Unix seconds; any fraction of a second is accepted (oss2 refuses
    /// all but `.000`, which real answers do not always have).
    pub fn required_time(&self, path: &str) -> Result<i64, DecodeError> {
        self.parsed(path, time)
    }

    /// [`Element::required_time`] of an element that may be absent.
    pub fn optional_time(&self, path: &str) -> Result<Option<i64>, DecodeError> {
        self.parsed_if_present(path, time)
    }

    /// The text at `path` read by `parse`, whose error is the reason of a [`DecodeError`]
    /// naming the element.
    fn parsed<T>(
        &self,
        path: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, DecodeError> {
        parse(self.required_text(path)?).map_err(|reason| self.invalid(path, reason))
    }

    fn parsed_if_present<T>(
        &self,
        path: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, DecodeError> {
        match self.descendant(path) {
            Some(_) => self.parsed(path, parse).map(Some),
            None => Ok(None),
        }
    }
}

// The text readers of `Element`'s `required_*`, each giving the reason it refuses a text.

fn flag(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("{other:?} is neither true nor false")),
    }
}

fn bool_any_case(text: &str) -> Result<bool, String> {
    let value = text.trim_ascii();
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!("{text:?} is not a boolean"))
    }
}

fn unsigned<T: FromStr>(text: &str) -> Result<T, String> {
    let digits = text.trim_ascii();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not an unsigned number"));
    }
    digits
        .parse()
        .map_err(|_| format!("{text:?} is out of range"))
}

fn number<T: FromStr>(text: &str) -> Result<T, String> {
    text.trim_ascii()
        .parse()
        .map_err(|_| format!("{text:?} is not a number in range"))
}

fn time(text: &str) -> Result<i64, String> {
    crate::dates::iso8601_to_unixtime_lenient(text).map_err(|e| e.reason)
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

/// Appends `<name>true</name>` or `<name>false</name>`, as OSS documents its booleans.
pub fn push_bool_element(out: &mut String, name: &str, value: bool) {
    push_text_element(out, name, if value { "true" } else { "false" });
}

/// Appends `<name>value</name>`, the number in decimal.
pub fn push_number_element(out: &mut String, name: &str, value: impl core::fmt::Display) {
    push_text_element(out, name, &format!("{value}"));
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

    fn doc(xml: &str) -> Element {
        parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn required_elements_name_what_is_missing() {
        let root = doc("<Root><A>a</A><Empty/><T><Type>HLS</Type></T></Root>");
        assert_eq!(root.required_text("A"), Ok("a"));
        assert_eq!(root.required_text("Empty"), Ok(""));
        assert_eq!(root.required("A").unwrap().name, "A");
        let missing = root.required_text("B").unwrap_err();
        assert_eq!(missing.what, "Root/B");
        assert_eq!(missing.reason, "the element is missing");
        // Every reader refuses a missing element the same way.
        assert_eq!(root.required_flag("B"), Err(missing.clone()));
        assert_eq!(root.required_bool_any_case("B"), Err(missing.clone()));
        assert_eq!(root.required_unsigned::<u32>("B"), Err(missing.clone()));
        assert_eq!(root.required_number::<u32>("B"), Err(missing.clone()));
        assert_eq!(root.required_time("B"), Err(missing));
        // ... and the optional ones give None.
        assert_eq!(root.optional_flag("B"), Ok(None));
        assert_eq!(root.optional_bool_any_case("B"), Ok(None));
        assert_eq!(root.optional_unsigned::<u32>("B"), Ok(None));
        assert_eq!(root.optional_number::<i64>("B"), Ok(None));
        assert_eq!(root.optional_time("B"), Ok(None));
    }

    #[test]
    fn nested_paths() {
        let root = doc("<Root><T><Type>HLS</Type><N>7</N></T><T><Type>DASH</Type></T></Root>");
        assert_eq!(root.required_text("T/Type"), Ok("HLS"), "the first T");
        assert_eq!(root.required_unsigned::<u8>("T/N"), Ok(7));
        assert_eq!(
            root.descendant("T/Type").map(|e| e.name.as_str()),
            Some("Type")
        );
        assert_eq!(root.descendant("T/X"), None);
        for path in ["T/X", "X/Type", "T/Type/Deeper"] {
            let error = root.required_text(path).unwrap_err();
            assert_eq!(error.what, format!("Root/{path}"));
        }
        let bad = doc("<Root><T><N>x</N></T></Root>").required_number::<u8>("T/N");
        assert_eq!(bad.unwrap_err().what, "Root/T/N");
    }

    #[test]
    fn flags_are_exactly_true_or_false() {
        let root = doc("<R><Y>true</Y><N>false</N><Up>True</Up><Sp> true</Sp><E/></R>");
        assert_eq!(root.required_flag("Y"), Ok(true));
        assert_eq!(root.required_flag("N"), Ok(false));
        assert_eq!(root.optional_flag("N"), Ok(Some(false)));
        for name in ["Up", "Sp", "E"] {
            let error = root.required_flag(name).unwrap_err();
            assert_eq!(error.what, format!("R/{name}"));
            assert!(error.reason.contains("neither true nor false"), "{error}");
            assert_eq!(root.optional_flag(name), Err(error));
        }
    }

    #[test]
    fn booleans_in_any_case() {
        let root = doc("<R><A>True</A><B> FALSE </B><C>yes</C><D>1</D><E/></R>");
        assert_eq!(root.required_bool_any_case("A"), Ok(true));
        assert_eq!(root.optional_bool_any_case("B"), Ok(Some(false)));
        for name in ["C", "D", "E"] {
            let error = root.required_bool_any_case(name).unwrap_err();
            assert_eq!(error.what, format!("R/{name}"));
            assert!(error.reason.contains("is not a boolean"), "{error}");
            assert_eq!(root.optional_bool_any_case(name), Err(error));
        }
    }

    #[test]
    fn unsigned_numbers_are_digits_only() {
        let root = doc("<R><A> 42 </A><Big>4294967296</Big><P>+1</P><M>-1</M><X>1x</X><E/></R>");
        assert_eq!(root.required_unsigned::<u32>("A"), Ok(42));
        assert_eq!(
            root.optional_unsigned::<u64>("Big"),
            Ok(Some(4_294_967_296))
        );
        let big = root.required_unsigned::<u32>("Big").unwrap_err();
        assert_eq!(big.what, "R/Big");
        assert!(big.reason.contains("out of range"), "{big}");
        for name in ["P", "M", "X", "E"] {
            let error = root.required_unsigned::<i64>(name).unwrap_err();
            assert_eq!(error.what, format!("R/{name}"));
            assert!(error.reason.contains("not an unsigned number"), "{error}");
        }
    }

    #[test]
    fn numbers_are_what_from_str_reads() {
        let root = doc("<R><A> 42 </A><P>+1</P><M>-1</M><Big>65536</Big><X>1x</X><E/></R>");
        assert_eq!(root.required_number::<u16>("A"), Ok(42));
        assert_eq!(root.required_number::<u16>("P"), Ok(1));
        assert_eq!(root.optional_number::<i64>("M"), Ok(Some(-1)));
        for (name, error) in [
            ("M", root.required_number::<u16>("M")),
            ("Big", root.required_number::<u16>("Big")),
            ("X", root.required_number::<u16>("X")),
            ("E", root.required_number::<u16>("E")),
        ] {
            let error = error.unwrap_err();
            assert_eq!(error.what, format!("R/{name}"));
            assert!(error.reason.contains("not a number in range"), "{error}");
        }
    }

    #[test]
    fn times_take_any_fraction_of_a_second() {
        let root = doc(
            "<R><A>2015-12-25T00:00:00.000Z</A><B>2015-12-25T00:00:00Z</B>\
             <C>2015-12-25T00:00:00.123456Z</C><D>2015-13-25T00:00:00.000Z</D><E/></R>",
        );
        for name in ["A", "B", "C"] {
            assert_eq!(root.required_time(name), Ok(1_451_001_600), "{name}");
        }
        assert_eq!(root.optional_time("C"), Ok(Some(1_451_001_600)));
        for name in ["D", "E"] {
            let error = root.required_time(name).unwrap_err();
            assert_eq!(error.what, format!("R/{name}"), "the element is named");
            assert!(error.reason.contains("ISO 8601"), "{error}");
            assert_eq!(root.optional_time(name), Err(error));
        }
    }

    #[test]
    fn invalid_names_the_child() {
        let error = doc("<R/>").invalid("A/B", "no good");
        assert_eq!(error.to_string(), "cannot read R/A/B: no good");
    }

    #[test]
    fn writes_like_element_tree() {
        let mut out = String::new();
        push_text_element(&mut out, "Key", "a&b<c>\"d'é");
        push_text_element(&mut out, "Empty", "");
        push_bool_element(&mut out, "On", true);
        push_bool_element(&mut out, "Off", false);
        push_number_element(&mut out, "N", -12i64);
        assert_eq!(
            out,
            "<Key>a&amp;b&lt;c&gt;\"d'é</Key><Empty /><On>true</On><Off>false</Off><N>-12</N>"
        );
        let mut out = String::new();
        push_escaped(&mut out, "line\rbreak");
        assert_eq!(out, "line&#13;break");
        assert_eq!(parse(b"<K>line&#13;break</K>").unwrap().text, "line\rbreak");
    }
}
