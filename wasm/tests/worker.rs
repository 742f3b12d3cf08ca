//! The suite's core in a dedicated Web Worker of headless Chromium: no `window` there, only
//! `self` and its `fetch` (ali-oss fails to load in a worker). Cross-origin like browser.rs,
//! on the bucket node.rs prepares.

mod common;

use common::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const BUCKET: &str = "wasm-browser";

#[wasm_bindgen_test]
fn there_is_no_window() {
    let window = js_sys::Reflect::get(&js_sys::global(), &"window".into()).unwrap();
    assert!(window.is_undefined(), "a worker has no window");
    let scope = js_sys::Reflect::get(&js_sys::global(), &"constructor".into()).unwrap();
    let name = js_sys::Reflect::get(&scope, &"name".into()).unwrap();
    assert_eq!(
        name.as_string().as_deref(),
        Some("DedicatedWorkerGlobalScope")
    );
}

#[wasm_bindgen_test]
async fn round_trips_worker() {
    round_trips(BUCKET).await;
}

#[wasm_bindgen_test]
async fn errors_worker() {
    errors(BUCKET, true).await;
}

#[wasm_bindgen_test]
async fn delete_and_list_worker() {
    delete_and_list(BUCKET).await;
}

#[wasm_bindgen_test]
async fn signature_url_worker() {
    signature_url(BUCKET).await;
}

#[wasm_bindgen_test]
async fn crc_mismatch_worker() {
    crc_mismatch(BUCKET).await;
}
