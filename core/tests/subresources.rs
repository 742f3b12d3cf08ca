//! The V1 signed sub-resources are exactly oss2's list (`v1_subresources.json`).

mod common;

use oss_core::sign::v1::{SUBRESOURCES, is_subresource};

#[test]
fn subresource_list_matches_oss2() {
    let doc = common::load("v1_subresources.json");
    let names = common::records(&doc, "names", "v1_subresources.json");
    let mut want: Vec<&str> = names.iter().map(|n| n.as_str().expect("a name")).collect();
    want.sort_unstable();
    assert_eq!(SUBRESOURCES.as_slice(), want.as_slice());
    assert_eq!(doc["count"].as_u64(), Some(SUBRESOURCES.len() as u64));
    // Case-sensitive, as oss2 matches them.
    for name in want {
        assert!(is_subresource(name));
        let upper = name.to_ascii_uppercase();
        assert!(upper == name || !is_subresource(&upper), "{upper}");
    }
}
