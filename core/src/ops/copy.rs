//! Server-side copies: CopyObject, and UpdateObjectMeta (a copy onto itself).
