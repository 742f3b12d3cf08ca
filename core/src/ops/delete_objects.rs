//! DeleteMultipleObjects (`Bucket.batch_delete_objects`).
