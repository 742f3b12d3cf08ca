//! Finding and loading the conformance vectors (`../shared/vectors/README.md`, "Where tests find them").

#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root: cargo runs a member's tests from the member's folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core/ has a parent")
        .to_path_buf()
}

// The core's clippy.toml keeps files and the environment out of the library; tests may read.
#[allow(clippy::disallowed_methods)]
/// `OSS_VECTORS_DIR` (absolute, or relative to the workspace root), else `../shared/vectors`.
pub fn vectors_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("OSS_VECTORS_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("../shared/vectors"),
    }
}

#[allow(clippy::disallowed_methods)]
/// Reads one vector file; a missing directory or file fails the test.
pub fn load(file: &str) -> Value {
    let dir = vectors_dir();
    assert!(
        dir.is_dir(),
        "vectors directory {} does not exist",
        dir.display()
    );
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The array under `key`, which must hold at least one record.
pub fn records<'a>(doc: &'a Value, key: &str, file: &str) -> &'a [Value] {
    let list = doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no array `{key}`"));
    assert!(!list.is_empty(), "{file}: `{key}` holds zero records");
    list
}

pub fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("field `{field}` is not a string in {v}"))
}

pub fn u64_of(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("field `{field}` is not a u64 in {v}"))
}

pub fn b64(v: &Value, field: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(str_of(v, field))
        .unwrap_or_else(|e| panic!("field `{field}` is not base64: {e}"))
}
