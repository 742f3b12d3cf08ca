//! oss-sdk: an Alibaba Cloud OSS client whose protocol core does no I/O.
//!
//! This facade re-exports the core ([`oss_core`]); the drivers join it as they land.

pub use oss_core::*;
