//! What the native suites share: the emulator's test key, reproducible data, whole downloads.

#![allow(dead_code)] // each suite uses its own subset

use std::io::Read;

use oss_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use oss_native::{Bucket, auth};

pub fn signer() -> oss_native::Signer {
    auth(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET).unwrap()
}

/// Bytes that differ from position to position (and with `salt`), so a misplaced chunk shows.
pub fn pattern(length: usize, salt: u8) -> Vec<u8> {
    (0..length)
        .map(|i| ((i.wrapping_mul(2_654_435_761) >> 13) as u8) ^ salt)
        .collect()
}

/// The whole object, read through the streaming download (CRC checked at the end).
pub fn get(bucket: &Bucket, key: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    bucket
        .get_object(key)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}
