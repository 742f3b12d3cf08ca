//! Symbolic link operations.
