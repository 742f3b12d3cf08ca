//! oss-emulator: a local OSS-compatible service that checks what real OSS checks.
//!
//! The [`Emulator`] is a handler without I/O: a request head, a body reader and the current
//! time go in, a response comes out. It keeps its data in a [`store::Store`] (memory by
//! default), verifies V1 signatures, presigned URLs and STS tokens with oss-core's own signer,
//! enforces bucket and object ACLs, and answers with OSS's headers (`x-oss-request-id`, ETag,
//! `x-oss-hash-crc64ecma`) and OSS's error documents.

mod auth;
mod body;
mod bucket;
mod common;
mod copy;
mod cors;
mod error;
pub mod faults;
mod handler;
pub mod http;
mod in_process;
mod listing;
mod live_channel;
mod multipart;
mod object;
mod post_object;
pub mod server;
pub mod store;

pub use auth::AccessKey;
pub use error::OssError;
pub use faults::{FaultConfig, Faults};
pub use handler::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};
pub use in_process::split_url;
pub use server::Server;
