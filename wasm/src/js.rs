//! Reading JavaScript option objects and building result objects with `Reflect`: no serde, so
//! the module stays small.

use js_sys::{Array, Object, Reflect, Uint8Array};
use oss_core::{Headers, ResponseHead};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;

/// `object[key]`, or undefined when `object` is not an object.
pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// An optional string option; any other type is refused.
pub(crate) fn string(object: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| Error::argument(format!("{key} must be a string")))
}

/// An optional number option (numbers, or decimal strings as ali-oss accepts for positions).
pub(crate) fn number(object: &JsValue, key: &str) -> Result<Option<f64>, Error> {
    let value = get(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_f64()
        // Whole numbers only from strings: no float parser in the module.
        .or_else(|| {
            value
                .as_string()
                .and_then(|s| s.trim().parse::<u64>().ok().map(|n| n as f64))
        })
        .map(Some)
        .ok_or_else(|| Error::argument(format!("{key} must be a number")))
}

/// An optional boolean option (JavaScript truthiness).
pub(crate) fn flag(object: &JsValue, key: &str) -> Option<bool> {
    let value = get(object, key);
    (!value.is_undefined() && !value.is_null()).then(|| value.is_truthy())
}

/// A string, or an array of strings, as a list.
pub(crate) fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if let Some(s) = value.as_string() {
        return Ok(vec![s]);
    }
    if !Array::is_array(value) {
        return Err(Error::argument(format!(
            "{what} must be a string or an array of strings"
        )));
    }
    Array::from(value)
        .iter()
        .map(|item| {
            item.as_string()
                .ok_or_else(|| Error::argument(format!("{what} must hold strings")))
        })
        .collect()
}

/// The string properties of a plain object (`headers`, `meta`), in their order.
pub(crate) fn string_entries(object: &JsValue, what: &str) -> Result<Vec<(String, String)>, Error> {
    if object.is_undefined() || object.is_null() {
        return Ok(Vec::new());
    }
    if !object.is_object() {
        return Err(Error::argument(format!("{what} must be an object")));
    }
    Object::entries(object.unchecked_ref())
        .iter()
        .map(|entry| {
            let entry: Array = entry.unchecked_into();
            let name = entry.get(0).as_string().unwrap_or_default();
            let value = entry.get(1);
            let value = value
                .as_string()
                // Whole numbers only: no float formatting in the module.
                .or_else(|| value.as_f64().map(|n| (n as i64).to_string()))
                .ok_or_else(|| Error::argument(format!("{what}.{name} must be a string")))?;
            Ok((name, value))
        })
        .collect()
}

/// `options.headers`, plus `options.mime` as Content-Type and `options.meta` as `x-oss-meta-*`.
pub(crate) fn request_headers(options: &JsValue) -> Result<Headers, Error> {
    let mut headers = Headers::new();
    for (name, value) in string_entries(&get(options, "headers"), "headers")? {
        headers.insert(&name, &value)?;
    }
    if let Some(mime) = string(options, "mime")? {
        headers.insert("content-type", &mime)?;
    }
    for (name, value) in string_entries(&get(options, "meta"), "meta")? {
        headers.insert(&format!("x-oss-meta-{name}"), &value)?;
    }
    Ok(headers)
}

/// Object data as bytes in JavaScript: a `Uint8Array` (any typed array or `DataView` is viewed
/// as its bytes), an `ArrayBuffer`, a `Blob`/`File` (read whole: one request sends it whole
/// anyway), or a string sent as UTF-8.
pub(crate) async fn data(value: &JsValue) -> Result<Uint8Array, Error> {
    if let Some(blob) = value.dyn_ref::<web_sys::Blob>() {
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(Error::request)?;
        return Ok(Uint8Array::new(&buffer));
    }
    if let Some(text) = value.as_string() {
        return Ok(Uint8Array::from(text.as_bytes()));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(bytes.clone());
    }
    if value.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(value));
    }
    if js_sys::ArrayBuffer::is_view(value) {
        let buffer = get(value, "buffer");
        let offset = get(value, "byteOffset").as_f64().unwrap_or(0.0) as u32;
        let length = get(value, "byteLength").as_f64().unwrap_or(0.0) as u32;
        return Ok(Uint8Array::new_with_byte_offset_and_length(
            &buffer, offset, length,
        ));
    }
    Err(Error::argument(
        "data must be a Uint8Array, an ArrayBuffer, a Blob or a string",
    ))
}

/// A fresh `{}`.
pub(crate) fn object() -> Object {
    Object::new()
}

/// `object[key] = value`.
pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &key.into(), &value.into());
}

/// An optional string, or undefined.
pub(crate) fn opt(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// A list of strings as an array.
pub(crate) fn array<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

/// ali-oss's `res`: `{status, headers, requestUrls}` (header names lower-cased).
pub(crate) fn res(head: &ResponseHead, url: &str) -> Object {
    let headers = object();
    for (name, value) in head.headers() {
        set(&headers, &name.to_ascii_lowercase(), value);
    }
    let res = object();
    set(&res, "status", head.status);
    set(&res, "headers", headers);
    set(&res, "requestUrls", array([url]));
    res
}
