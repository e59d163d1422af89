//! PDF text with pdf_oxide (pure Rust): columns are read in turn rather than interleaved,
//! right-to-left scripts come out in logical order (read from where each letter is drawn),
//! CJK is decoded. docs/extraction.md has the comparison that chose it.

use pdf_oxide::document::PdfDocument;

use super::layout::{self, Glyph, Run};
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
    // Positioned runs, put in reading order by `layout`; a page whose runs cannot be read
    // falls back to pdf_oxide's own text.
    let mut positioned = Vec::with_capacity(pages);
    for page in 0..pages {
        let height = doc.get_page_media_box(page).map(|(_, y0, _, y1)| (y1 - y0).abs()).unwrap_or(792.0);
        match doc.extract_spans(page) {
            // Right-to-left text is read from its characters' places (layout::runs_from_glyphs).
            Ok(spans) if spans.iter().any(|s| layout::has_rtl(&s.text)) => {
                let runs = match doc.extract_chars(page) {
                    Ok(chars) => layout::runs_from_glyphs(chars.iter().map(glyph_of).collect()),
                    Err(_) => spans.iter().map(run_of).collect(),
                };
                positioned.push((runs, height));
            }
            Ok(spans) => positioned.push((spans.iter().map(run_of).collect::<Vec<_>>(), height)),
            Err(_) => {
                let text = doc.extract_text(page).map_err(|e| classify(&e.to_string()))?;
                let runs = text.lines().enumerate().map(|(i, line)| line_run(line, i, height)).collect();
                positioned.push((runs, height));
            }
        }
    }
    Ok((layout::document_lines(&positioned), pages))
}

fn run_of(span: &pdf_oxide::layout::TextSpan) -> Run {
    Run {
        text: span.text.clone(),
        x: span.bbox.x,
        y: span.bbox.y,
        width: span.bbox.width,
        height: span.bbox.height.max(1.0),
        size: span.font_size,
    }
}

fn glyph_of(c: &pdf_oxide::layout::TextChar) -> Glyph {
    Glyph {
        c: c.char,
        x: c.bbox.x,
        y: c.bbox.y,
        width: c.bbox.width,
        height: c.bbox.height.max(1.0),
        size: c.font_size,
    }
}

/// A line of plain text as a run of its own, stacked down the page.
fn line_run(line: &str, index: usize, height: f32) -> Run {
    Run { text: line.to_owned(), x: 0.0, y: height - 12.0 * (index as f32 + 1.0), width: 1.0, height: 10.0, size: 10.0 }
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
