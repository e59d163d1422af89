//! The offline extractor's structuring over any text: the date, link and phone scanners index
//! into the text by hand, so no input may make them panic, and what comes out is CV data the
//! API itself accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_extract::heuristic;
use r2w_fuzz::quiet_caught_panics;
use r2w_core::model::CvData;

fuzz_target!(|bytes: &[u8]| {
    quiet_caught_panics();
    let text = String::from_utf8_lossy(bytes);
    let cv = heuristic::extract(&text);
    let json = serde_json::to_vec(&cv).expect("CV data serialises");
    assert!(CvData::from_json(&json).is_ok(), "what the extractor makes is valid CV data");
    if let Some(phone) = &cv.contact.phone {
        assert!(text.contains(phone.as_str()), "a phone number is copied from the text, never made up");
    }
});
