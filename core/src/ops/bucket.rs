//! Bucket operations: create and delete, location, ACL, and the CORS, lifecycle, logging,
//! referer and website configurations.
