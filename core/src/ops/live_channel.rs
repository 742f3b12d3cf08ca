//! Live channel (RTMP ingest) operations.
