//! JSON Resume import (POST /v1/cvs/import): any JSON document is a CV or a validation error;
//! an imported CV exports and imports again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_core::model::json_resume;

fuzz_target!(|bytes: &[u8]| {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(bytes) else { return };
    let Ok(cv) = json_resume::import(&document) else { return };
    let exported = json_resume::export(&cv);
    assert!(json_resume::import(&exported).is_ok(), "an export of an imported CV imports again");
});
