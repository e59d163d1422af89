//! CV validation (PUT /v1/cvs/{id}) and what a valid CV becomes: any bytes are a CV or an
//! error; a valid CV round-trips through JSON unchanged and renders in every theme to pages
//! that run no script and link no `javascript:` URL, whatever the CV says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use r2w_sites::render::{SiteOptions, render};
use r2w_sites::themes::Theme;
use r2w_core::model::CvData;

fuzz_target!(|bytes: &[u8]| {
    let Ok(cv) = CvData::from_json(bytes) else { return };
    let json = serde_json::to_vec(&cv).expect("a valid CV serialises");
    assert_eq!(CvData::from_json(&json).expect("its own JSON is valid"), cv, "round trip");
    for theme in Theme::ALL {
        let Ok(site) = render(&cv, &SiteOptions::preview(theme)) else { continue };
        for file in site.files.iter().filter(|f| f.content_type.starts_with("text/html")) {
            let html = String::from_utf8_lossy(&file.body).to_ascii_lowercase();
            let scripts = html.matches("<script").count();
            let data_blocks = html.matches("<script type=\"application/ld+json\">").count();
            assert_eq!(scripts, data_blocks, "only the JSON-LD data block is a script element in {}", file.path);
            assert!(data_blocks <= 1);
            if let Some(start) = html.find("<script type=\"application/ld+json\">") {
                let block = &html[start + 1..];
                let end = block.find("</script").expect("the data block is closed");
                assert!(!block[..end].contains('<'), "the data block cannot close itself early");
            }
            for scheme in ["href=\"javascript:", "src=\"javascript:", "href=\"data:text/html"] {
                assert!(!html.contains(scheme), "{scheme} in {}", file.path);
            }
            assert!(!has_event_handler(&html), "no inline event handler in {}", file.path);
        }
    }
});

/// An `on…=` attribute inside a tag (text between tags, and quoted values, may say anything).
fn has_event_handler(html: &str) -> bool {
    enum At {
        Text,
        Tag,
        Quoted(u8),
    }
    let bytes = html.as_bytes();
    let mut at = At::Text;
    for (i, &b) in bytes.iter().enumerate() {
        at = match (at, b) {
            (At::Text, b'<') => At::Tag,
            (At::Tag, b'>') => At::Text,
            (At::Tag, q @ (b'"' | b'\'')) => At::Quoted(q),
            (At::Quoted(q), c) if c == q => At::Tag,
            (At::Tag, b' ' | b'\t' | b'\n' | b'/') => {
                let rest = &bytes[i + 1..];
                let name = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                if rest.starts_with(b"on") && name > 2 && rest.get(name) == Some(&b'=') {
                    return true;
                }
                At::Tag
            }
            (at, _) => at,
        };
    }
    false
}
