//! PDF text extraction over arbitrary bytes: text or a classified error (a panicking parser
//! included), never a hang or unbounded memory (libFuzzer's -timeout and -rss_limit_mb).
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_extract::text::{SourceFormat, read_as};
use r2w_fuzz::quiet_caught_panics;

fuzz_target!(|bytes: &[u8]| {
    quiet_caught_panics();
    if let Ok(text) = read_as(SourceFormat::Pdf, bytes) {
        assert!(!text.text.is_empty(), "text is returned only when there is some");
    }
});
