//! Service-level and listing operations.
