#![no_main]

// The body lives beside the corpus replay test, so stable CI runs the same code.
#[path = "../../core/tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::live_channels(data));
