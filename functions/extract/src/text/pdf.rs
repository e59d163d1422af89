//! PDF text with pdf_oxide (pure Rust): columns are read in turn rather than interleaved,
//! right-to-left scripts come out in logical order, CJK is decoded. docs/extraction.md has the
//! comparison that chose it.

use pdf_oxide::document::PdfDocument;

use super::{MAX_PDF_PAGES, TextError};

pub(super) fn text(bytes: &[u8]) -> Result<(String, usize), TextError> {
    // A PDF ends with "%%EOF"; without it the upload was cut short. pdf_oxide would recover
    // the pages it can, but a CV missing its second half must not pass for a whole one.
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(TextError::Corrupt("the PDF is incomplete (the upload may have been cut short)".into()));
    }
    let doc = PdfDocument::from_bytes(bytes.to_vec()).map_err(|e| classify(&e.to_string()))?;
    if doc.is_encrypted() {
        // Many PDFs are encrypted with an empty user password (only editing is restricted);
        // those read fine. Anything else needs a password we do not have.
        match doc.authenticate(b"") {
            Ok(true) => {}
            _ => {
                return Err(TextError::UnsupportedFile(
                    "the PDF is password-protected; upload an unprotected copy".into(),
                ));
            }
        }
    }
    let pages = doc.page_count().map_err(|e| classify(&e.to_string()))?;
    if pages == 0 {
        return Err(TextError::Corrupt("the PDF has no pages".into()));
    }
    if pages > MAX_PDF_PAGES {
        return Err(TextError::TooLarge(format!("the PDF has {pages} pages; a CV has at most {MAX_PDF_PAGES}")));
    }
    let mut out = String::new();
    for page in 0..pages {
        let text = doc.extract_text(page).map_err(|e| classify(&e.to_string()))?;
        out.push_str(&text);
        out.push('\n');
    }
    Ok((out, pages))
}

fn classify(message: &str) -> TextError {
    let lower = message.to_ascii_lowercase();
    if lower.contains("encrypt") || lower.contains("password") {
        TextError::UnsupportedFile("the PDF is password-protected; upload an unprotected copy".into())
    } else {
        TextError::Corrupt(format!(
            "the PDF is damaged or incomplete ({})",
            message.chars().take(200).collect::<String>()
        ))
    }
}
