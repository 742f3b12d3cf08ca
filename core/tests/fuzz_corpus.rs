//! Replays the fuzz corpora (`fuzz/corpus/<target>/`) through the fuzz target bodies, so every
//! input a fuzzing run found interesting stays a regression test on stable Rust.

#![cfg(feature = "std")]

mod common;
mod fuzzing;

use std::path::Path;

#[allow(clippy::disallowed_methods)] // tests may read files
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = common::workspace_root().join("fuzz/corpus").join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("a corpus entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        body(&data);
        count += 1;
    }
    assert!(count > 0, "corpus {} is empty", Path::new(target).display());
    count
}

#[test]
fn fuzz_corpora_replay_without_panics() {
    type Body = fn(&[u8]);
    let targets: [(&str, Body); 6] = [
        ("listings", fuzzing::listings),
        ("error_bodies", fuzzing::error_bodies),
        ("response_headers", fuzzing::response_headers),
        ("xml", fuzzing::xml),
        ("bucket_configs", fuzzing::bucket_configs),
        ("live_channels", fuzzing::live_channels),
    ];
    for (target, body) in targets {
        let n = replay(target, body);
        println!("fuzz corpus {target}: {n} inputs replayed");
    }
}
