//! The suite in headless Chromium: every call crosses origins (the page comes from the test
//! runner's server, the emulator listens elsewhere), so each one passes the bucket's CORS
//! rule — preflights included. node.rs creates the bucket and sets that rule first.

mod common;

use common::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const BUCKET: &str = "wasm-browser";

#[wasm_bindgen_test]
async fn round_trips_browser() {
    round_trips(BUCKET).await;
}

#[wasm_bindgen_test]
async fn head_and_meta_browser() {
    head_and_meta(BUCKET).await;
}

#[wasm_bindgen_test]
async fn errors_browser() {
    errors(BUCKET, true).await;
}

#[wasm_bindgen_test]
async fn delete_and_list_browser() {
    delete_and_list(BUCKET).await;
}

#[wasm_bindgen_test]
async fn append_browser() {
    append(BUCKET).await;
}

#[wasm_bindgen_test]
async fn copy_browser() {
    copy(BUCKET).await;
}

#[wasm_bindgen_test]
async fn signature_url_browser() {
    signature_url(BUCKET).await;
}

#[wasm_bindgen_test]
async fn crc_mismatch_browser() {
    crc_mismatch(BUCKET).await;
}

#[wasm_bindgen_test]
async fn clock_skew_browser() {
    clock_skew(BUCKET).await;
}

#[wasm_bindgen_test]
async fn sts_browser() {
    sts(BUCKET).await;
}

#[wasm_bindgen_test]
async fn acl_and_symlink_browser() {
    acl_and_symlink(BUCKET).await;
}

#[wasm_bindgen_test]
async fn sts_refresh_browser() {
    sts_refresh(BUCKET).await;
}

#[wasm_bindgen_test]
async fn multipart_calls_browser() {
    multipart_calls(BUCKET).await;
}

#[wasm_bindgen_test]
async fn retries_browser() {
    // A refused preflight is a network error to a page: 503s may show as RequestError.
    retries(BUCKET, false).await;
}

#[wasm_bindgen_test]
async fn timeout_browser() {
    timeout(BUCKET).await;
}

/// The bucket's CORS rule, read from the page.
#[wasm_bindgen_test]
async fn get_bucket_cors_browser() {
    let got = ok(client(BUCKET).get_bucket_cors(BUCKET.into())).await;
    assert_eq!(js_sys::Array::from(&get(&got, "rules")).length(), 1);
}

#[wasm_bindgen_test]
async fn signature_v4_browser() {
    signature_v4(BUCKET).await;
}

#[wasm_bindgen_test]
async fn post_object_browser() {
    post_object(BUCKET).await;
}

#[wasm_bindgen_test]
async fn get_stream_browser() {
    get_stream(BUCKET).await;
}

#[wasm_bindgen_test]
async fn get_stream_corrupt_browser() {
    get_stream_corrupt(BUCKET).await;
}

#[wasm_bindgen_test]
async fn get_and_put_progress_browser() {
    get_and_put_progress(BUCKET).await;
}

#[wasm_bindgen_test]
async fn bucket_configs_browser() {
    // Created by node.rs with its CORS rule.
    bucket_configs("wasm-browser-config").await;
}

#[wasm_bindgen_test]
async fn multipart_lists_browser() {
    multipart_lists(BUCKET).await;
}

#[wasm_bindgen_test]
async fn live_channels_browser() {
    live_channels(BUCKET).await;
}

#[wasm_bindgen_test]
async fn get_stream_slow_reader_browser() {
    get_stream_slow_reader(BUCKET).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_blob_browser() {
    multipart_upload_blob(BUCKET).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_resume_browser() {
    multipart_upload_resume(BUCKET).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_cancel_one_browser() {
    multipart_upload_cancel_one(BUCKET).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_wrong_checkpoint_browser() {
    multipart_upload_wrong_checkpoint(BUCKET).await;
}
