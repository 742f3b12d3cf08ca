//! Multipart upload operations.
