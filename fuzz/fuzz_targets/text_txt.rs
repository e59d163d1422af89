//! Plain-text decoding (UTF-8/16 with or without BOM, legacy code pages) and the tidying every
//! format's text goes through.
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_extract::text::{SourceFormat, read_as};
use r2w_fuzz::quiet_caught_panics;

fuzz_target!(|bytes: &[u8]| {
    quiet_caught_panics();
    if let Ok(text) = read_as(SourceFormat::Text, bytes) {
        assert!(
            text.text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'),
            "tidied text keeps no control characters but newline and tab"
        );
        assert!(!text.text.contains("\n\n\n"), "at most one blank line in a row");
    }
});
