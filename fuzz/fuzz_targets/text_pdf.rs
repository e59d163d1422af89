//! PDF text extraction over arbitrary bytes: text or a classified error, never a panic, a hang
//! or unbounded memory (libFuzzer's -timeout and -rss_limit_mb catch the last two).
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_extract::text::{SourceFormat, read_as};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = read_as(SourceFormat::Pdf, bytes) {
        assert!(!text.text.is_empty(), "text is returned only when there is some");
    }
});
