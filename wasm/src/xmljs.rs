//! What the configuration, live channel and multipart listing methods share: running an
//! operation to `{res}`, and converting between JavaScript objects and XML the way ali-oss does
//! (its `obj2xml` going out, xml2js without arrays coming back), so that inputs and results
//! keep ali-oss's shapes without code per field. The core's operation still builds every
//! request (validating the input first) and checks every answer.

use js_sys::{Array, Object, Promise, Reflect};
use oss_core::ops::Operation;
use oss_core::xml::{Element, push_escaped};
use oss_core::{ClientError, Request, ResponseHead};
use wasm_bindgen::{JsCast, JsValue};

use crate::Client;
use crate::driver::{Answer, Reply};
use crate::error::Error;
use crate::js::{self, get, object, set};

/// One request of a JavaScript method, with its operation's type erased: the method is
/// synchronous code that builds a `Step`, and [`Client::start`] is the one asynchronous path
/// that runs them all (an async body per method would cost kilobytes each).
pub(crate) trait Step {
    fn request(&self) -> Result<Request, ClientError>;
    /// Parses a successful answer with the operation, and adds what it says to `result`
    /// (which holds `{res}`).
    fn finish(self: Box<Self>, reply: &Reply, result: &Object) -> Result<(), Error>;
}

struct Job<O, F>(O, F);

impl<O, F> Step for Job<O, F>
where
    O: Operation,
    F: FnOnce(O::Output, &Reply, &Object) -> Result<(), Error>,
{
    fn request(&self) -> Result<Request, ClientError> {
        self.0.request()
    }

    fn finish(self: Box<Self>, reply: &Reply, result: &Object) -> Result<(), Error> {
        let head = &reply.head;
        let output = self
            .0
            .parse(head, &reply.body.to_vec())
            .map_err(|e| Error::from(e).with_answer(head.status, head.request_id()))?;
        (self.1)(output, reply, result)
    }
}

/// `op`, whose output `then` adds to the result.
pub(crate) fn job<O: Operation + 'static>(
    op: O,
    then: impl FnOnce(O::Output, &Reply, &Object) -> Result<(), Error> + 'static,
) -> Result<Box<dyn Step>, Error> {
    Ok(Box::new(Job(op, then)))
}

/// `op`, answering `{res}` only: operations whose output is the answer's status, which the
/// driver has checked (their parser would only check it again).
pub(crate) fn plain<O: Operation<Output = oss_core::RequestResult> + 'static>(
    op: O,
) -> Result<Box<dyn Step>, Error> {
    Ok(Box::new(Plain(op)))
}

struct Plain<O>(O);

impl<O: Operation> Step for Plain<O> {
    fn request(&self) -> Result<Request, ClientError> {
        self.0.request()
    }

    fn finish(self: Box<Self>, _: &Reply, _: &Object) -> Result<(), Error> {
        Ok(())
    }
}

/// A step built by code that may refuse its input.
pub(crate) fn step(
    build: impl FnOnce() -> Result<Box<dyn Step>, Error>,
) -> Result<Box<dyn Step>, Error> {
    build()
}

/// [`Step`] as the driver's operation: its parser only tells failures (OSS's errors) from
/// successes, which [`Step::finish`] parses.
struct Erased<'a>(&'a dyn Step);

impl Operation for Erased<'_> {
    type Output = ();

    fn request(&self) -> Result<Request, ClientError> {
        self.0.request()
    }

    fn parse(&self, head: &ResponseHead, body: &[u8]) -> Result<(), oss_core::Error> {
        head.check(body)
    }
}

impl Client {
    /// Runs `step` (no upload; an XML or empty answer) with `options.signal`, as a Promise of
    /// `{res, …}`.
    pub(crate) fn start(&self, step: Result<Box<dyn Step>, Error>, options: &JsValue) -> Promise {
        let driver = self.driver.clone();
        let signal = get(options, "signal")
            .dyn_into::<web_sys::AbortSignal>()
            .ok();
        wasm_bindgen_futures::future_to_promise(async move {
            let run = async {
                let step = step?;
                let ((), reply) = driver
                    .execute(&Erased(&*step), None, Answer::Xml, signal.as_ref())
                    .await?;
                let result = object();
                set(&result, "res", js::res(&reply.head, &reply.url));
                step.finish(&reply, &result)?;
                Ok::<_, Error>(result.into())
            };
            run.await.map_err(Error::into_js)
        })
    }

    /// The bucket the client is using.
    pub(crate) fn in_bucket(&self) -> Result<&str, Error> {
        self.bucket
            .as_deref()
            .ok_or_else(|| Error::argument("no bucket: pass `bucket` to the Client"))
    }
}

/// The answer's XML document.
pub(crate) fn document(reply: &Reply) -> Result<Element, Error> {
    Ok(oss_core::xml::parse(&reply.body.to_vec())?)
}

/// `value` as XML elements named `name`, as ali-oss's `obj2xml` with `firstUpperCase` writes
/// it: an array repeats the element, an object's properties become children (first letter
/// upper-cased, `id` as `ID`), a string, number or boolean is the text; undefined and null
/// are left out.
pub(crate) fn push_xml(out: &mut String, name: &str, value: &JsValue) {
    if value.is_undefined() || value.is_null() {
        return;
    }
    if Array::is_array(value) {
        for item in Array::from(value).iter() {
            push_xml(out, name, &item);
        }
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    if let Some(text) = value.as_string() {
        push_escaped(out, &text);
    } else if let Some(flag) = value.as_bool() {
        out.push_str(if flag { "true" } else { "false" });
    } else if let Some(number) = value.as_f64() {
        // Whole numbers only (days, counts): no float formatting in the module.
        out.push_str(&(number as i64).to_string());
    } else if value.is_object() {
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let entry: Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let key = match key.as_str() {
                "id" => "ID".to_string(),
                _ => first(&key, char::to_ascii_uppercase),
            };
            push_xml(out, &key, &entry.get(1));
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `name` with its first character mapped.
fn first(name: &str, map: fn(&char) -> char) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| map(&c).to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An element as xml2js (without `explicitArray`) reads it: its text when it has no children,
/// else an object of its children, a repeated name becoming an array. With `lower`, names get
/// a lower-case first letter (`ID` becomes `id`), as ali-oss's `formatObjKey` makes them.
pub(crate) fn to_js(element: &Element, lower: bool) -> JsValue {
    if element.children.is_empty() {
        return element.text.as_str().into();
    }
    let result = object();
    for child in &element.children {
        let key: JsValue = match (lower, child.name.as_str()) {
            (false, name) => name.into(),
            (true, "ID") => "id".into(),
            (true, name) => first(name, char::to_ascii_lowercase).into(),
        };
        let value = to_js(child, lower);
        let before = Reflect::get(&result, &key).unwrap_or(JsValue::UNDEFINED);
        let value = if before.is_undefined() {
            value
        } else if let Some(list) = before.dyn_ref::<Array>() {
            list.push(&value);
            before
        } else {
            Array::of2(&before, &value).into()
        };
        let _ = Reflect::set(&result, &key, &value);
    }
    result.into()
}

/// The children of `element` named `name`, each as [`to_js`] reads it, as an array (one
/// child too).
pub(crate) fn list(element: &Element, name: &str, lower: bool) -> Array {
    element
        .children_named(name)
        .map(|child| to_js(child, lower))
        .collect()
}

/// The text at `path` under `element`, or null.
pub(crate) fn text(element: &Element, path: &str) -> JsValue {
    element
        .descendant(path)
        .map_or(JsValue::NULL, |e| e.text.as_str().into())
}
