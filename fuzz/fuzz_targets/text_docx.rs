//! DOCX (a zip of XML) over arbitrary bytes, zip bombs included: text or a classified error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_extract::text::{SourceFormat, read_as};

fuzz_target!(|bytes: &[u8]| {
    quiet_caught_panics();
    if let Ok(text) = read_as(SourceFormat::Docx, bytes) {
        assert!(!text.text.is_empty(), "text is returned only when there is some");
    }
});

/// `read_as` refuses a file whose reader panics (a third-party parser), as the product does;
/// libfuzzer-sys' hook would abort even on a caught panic, so it is replaced by one that only
/// reports. A panic that escapes still fails the run (libfuzzer-sys aborts on it).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("caught: {info}"))));
}
