//! The suite in Node 20 (no CORS there). It also creates the buckets the browser suite uses,
//! with their CORS rules, through the API: scripts/wasm-test.sh runs it first.

mod common;

use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const BUCKET: &str = "wasm-node";
/// Used by browser.rs: created here, where no CORS rule is needed yet.
const BROWSER_BUCKET: &str = "wasm-browser";

async fn bucket() -> &'static str {
    create_with_cors(endpoint(), BUCKET).await;
    BUCKET
}

#[wasm_bindgen_test]
async fn buckets_for_the_browser_suite() {
    create_with_cors(endpoint(), BROWSER_BUCKET).await;
    create_with_cors(flaky_endpoint(), BROWSER_BUCKET).await;
    create_with_cors(slow_endpoint(), BROWSER_BUCKET).await;
}

#[wasm_bindgen_test]
async fn timeout_node() {
    create_with_cors(slow_endpoint(), BUCKET).await;
    timeout(BUCKET).await;
}

#[wasm_bindgen_test]
async fn round_trips_node() {
    round_trips(bucket().await).await;
}

#[wasm_bindgen_test]
async fn head_and_meta_node() {
    head_and_meta(bucket().await).await;
}

#[wasm_bindgen_test]
async fn errors_node() {
    errors(bucket().await, false).await;
}

#[wasm_bindgen_test]
async fn delete_and_list_node() {
    delete_and_list(bucket().await).await;
}

#[wasm_bindgen_test]
async fn append_node() {
    append(bucket().await).await;
}

#[wasm_bindgen_test]
async fn copy_node() {
    copy(bucket().await).await;
}

#[wasm_bindgen_test]
async fn signature_url_node() {
    signature_url(bucket().await).await;
}

#[wasm_bindgen_test]
async fn crc_mismatch_node() {
    crc_mismatch(bucket().await).await;
}

#[wasm_bindgen_test]
async fn clock_skew_node() {
    clock_skew(bucket().await).await;
}

#[wasm_bindgen_test]
async fn sts_node() {
    sts(bucket().await).await;
}

#[wasm_bindgen_test]
async fn acl_and_symlink_node() {
    acl_and_symlink(bucket().await).await;
}

#[wasm_bindgen_test]
async fn sts_refresh_node() {
    sts_refresh(bucket().await).await;
}

#[wasm_bindgen_test]
async fn multipart_calls_node() {
    multipart_calls(bucket().await).await;
}

#[wasm_bindgen_test]
async fn retries_node() {
    create_with_cors(flaky_endpoint(), BUCKET).await;
    retries(BUCKET, true).await;
}

/// Bucket calls (listBuckets has no CORS on OSS: Node only).
#[wasm_bindgen_test]
async fn put_list_delete_bucket() {
    let c = client("wasm-scratch");
    let made = ok(c.put_bucket("wasm-scratch".into(), obj(&[("storageClass", "IA".into())]))).await;
    assert_eq!(text(&made, "bucket"), "wasm-scratch");
    let listed = ok(c.list_buckets(obj(&[("prefix", "wasm-s".into())]))).await;
    let buckets = js_sys::Array::from(&get(&listed, "buckets"));
    let names: Vec<String> = buckets.iter().map(|b| text(&b, "name")).collect();
    assert_eq!(names, ["wasm-scratch"]);
    assert_eq!(text(&buckets.get(0), "storageClass"), "IA");
    assert!(!text(&listed, "owner.id").is_empty());
    let gone = ok(c.delete_bucket("wasm-scratch".into())).await;
    assert_eq!(num(&gone, "res.status"), 204.0);
    let e = err(c.delete_bucket("wasm-scratch".into())).await;
    assert_eq!(text(&e, "name"), "NoSuchBucketError");
    let _: JsValue = e;
}

/// No endpoint: refused at construction with a TypeError.
#[wasm_bindgen_test]
fn options_are_checked() {
    let e = match oss_wasm::Client::new(obj(&[("bucket", "b".into())])) {
        Ok(_) => panic!("a client without endpoint"),
        Err(e) => e,
    };
    assert_eq!(text(&e, "name"), "TypeError");
}

#[wasm_bindgen_test]
async fn signature_v4_node() {
    signature_v4(bucket().await).await;
}

#[wasm_bindgen_test]
async fn post_object_node() {
    post_object(bucket().await).await;
}

#[wasm_bindgen_test]
async fn get_stream_node() {
    get_stream(bucket().await).await;
}

#[wasm_bindgen_test]
async fn get_stream_corrupt_node() {
    get_stream_corrupt(bucket().await).await;
}

#[wasm_bindgen_test]
async fn get_and_put_progress_node() {
    get_and_put_progress(bucket().await).await;
}

/// Used by browser.rs for the bucket configurations (which change the bucket): created here,
/// with its CORS rule.
const BROWSER_CONFIG_BUCKET: &str = "wasm-browser-config";

#[wasm_bindgen_test]
async fn bucket_configs_node() {
    create_with_cors(endpoint(), BROWSER_CONFIG_BUCKET).await;
    create_with_cors(endpoint(), "wasm-node-config").await;
    bucket_configs("wasm-node-config").await;
}

#[wasm_bindgen_test]
async fn multipart_lists_node() {
    multipart_lists(bucket().await).await;
}

#[wasm_bindgen_test]
async fn live_channels_node() {
    live_channels(bucket().await).await;
}

#[wasm_bindgen_test]
async fn delete_bucket_cors_node() {
    delete_bucket_cors("wasm-node-nocors").await;
}

#[wasm_bindgen_test]
async fn get_stream_slow_reader_node() {
    get_stream_slow_reader(bucket().await).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_blob_node() {
    multipart_upload_blob(bucket().await).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_resume_node() {
    multipart_upload_resume(bucket().await).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_cancel_one_node() {
    multipart_upload_cancel_one(bucket().await).await;
}

#[wasm_bindgen_test]
async fn multipart_upload_wrong_checkpoint_node() {
    multipart_upload_wrong_checkpoint(bucket().await).await;
}
