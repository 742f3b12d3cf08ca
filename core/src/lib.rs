//! oss-core: the sans-IO protocol core of oss-sdk.
//!
//! It turns an operation into a [`Request`] description, signs it with credentials and a time the
//! caller passes in, and checks data with CRC-64. It never reads a clock, opens a socket or a
//! file, or spawns a thread: drivers do the I/O.
//!
//! Without the default `std` feature it builds for bare-metal targets (`no_std` + `alloc`); with
//! `std` the fast paths switch on (SIMD CRC-64).

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

extern crate alloc;
// No `extern crate std`, even with the `std` feature: that feature only switches dependencies'
// fast paths on, so nothing here can name a clock, a file, a socket or a thread.

pub mod crc64;
pub mod credentials;
pub mod dates;
pub mod encoding;
pub mod endpoint;
pub mod error;
pub mod headers;
pub mod names;
pub mod ops;
pub mod request;
pub mod response;
pub mod server_error;
pub mod sign;
#[cfg(feature = "std")]
pub mod xml;

pub use credentials::Credentials;
pub use endpoint::{Addressing, Endpoint};
pub use error::{ClientError, Error};
pub use headers::Headers;
pub use request::{Body, Method, Request, SignedRequest};
pub use response::{RequestResult, ResponseHead};
pub use server_error::{ErrorCode, ServerError};
