//! Text from an uploaded CV file: PDF, DOCX or plain text, told apart by their bytes (the file
//! name and declared type are only hints, and are never trusted).
//!
//! Every outcome is classified: text, or an [`TextError`] naming why not, so a bad file fails
//! its job with a reason instead of a crash or an empty CV.

#[cfg(feature = "read")]
mod docx;
pub mod layout;
#[cfg(feature = "read")]
mod pdf;
pub mod reader;
#[cfg(feature = "read")]
mod txt;

use r2w_core::files::{self, FileKind, FileRejection};
use serde::{Deserialize, Serialize};
#[cfg(feature = "read")]
use unicode_normalization::UnicodeNormalization;

/// The upload limit: 10 MB. Anything larger is refused before parsing.
pub const MAX_FILE_BYTES: usize = files::MAX_UPLOAD_BYTES as usize;
/// A CV longer than this is not a CV; refusing early bounds time and memory.
pub const MAX_PDF_PAGES: usize = 30;
/// Fewer letters and digits than this in a PDF means there is no usable text layer.
pub const MIN_TEXT_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Pdf,
    Docx,
    Text,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Text => "text",
        }
    }
}

/// What a reader answers (as JSON from a `read-text` child).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedText {
    pub format: SourceFormat,
    /// NFKC-normalised, lines in reading order, `\n` line ends.
    pub text: String,
    /// Pages for a PDF; 1 otherwise.
    pub pages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TextError {
    #[error("{0}")]
    UnsupportedFile(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("the PDF has no text layer (a scan or an image); it needs OCR")]
    NeedsOcr,
    #[error("{0}")]
    Corrupt(String),
}

impl TextError {
    /// The stable name the state machine sees (`Extract.<name>`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::UnsupportedFile(_) => "UnsupportedFile",
            Self::TooLarge(_) => "TooLarge",
            Self::NeedsOcr => "NeedsOcr",
            Self::Corrupt(_) => "Corrupt",
        }
    }
}

/// The upload limit, checked before anything is read (also from an object's size alone).
pub fn check_size(size: u64) -> Result<(), TextError> {
    files::check_size(size).map_err(TextError::from)
}

/// What the bytes are, by their signature (the rules every function shares).
pub fn detect(bytes: &[u8]) -> Result<SourceFormat, TextError> {
    Ok(match files::sniff(bytes)? {
        FileKind::Pdf => SourceFormat::Pdf,
        FileKind::Docx => SourceFormat::Docx,
        FileKind::Text => SourceFormat::Text,
    })
}

impl From<FileRejection> for TextError {
    fn from(rejection: FileRejection) -> Self {
        match rejection {
            FileRejection::Unsupported(m) => Self::UnsupportedFile(m),
            FileRejection::TooLarge(m) => Self::TooLarge(m),
            FileRejection::Empty(m) => Self::Corrupt(m),
        }
    }
}

/// How a file the reader could not get through is refused (a parser panicked, crashed or ran
/// out of time).
fn unreadable(format: SourceFormat) -> TextError {
    TextError::Corrupt(format!(
        "the {} file could not be read; save it again or export it anew",
        format.as_str().to_uppercase()
    ))
}

/// The text of a CV file, read in this process.
#[cfg(feature = "read")]
pub fn extract(bytes: &[u8]) -> Result<ExtractedText, TextError> {
    check_size(bytes.len() as u64)?;
    read_as(detect(bytes)?, bytes)
}

/// Runs a file reader; its panic is the file refused as unreadable.
#[cfg(feature = "read")]
fn refusing_panics<T>(
    format: SourceFormat,
    read: impl FnOnce() -> Result<T, TextError> + std::panic::UnwindSafe,
) -> Result<T, TextError> {
    match std::panic::catch_unwind(read) {
        Ok(read) => read,
        Err(_) => {
            tracing::error!(format = format.as_str(), "the file reader panicked; the file is refused");
            Err(unreadable(format))
        }
    }
}

/// The text of `bytes` read as `format`, whatever their signature says: what [`extract`] does
/// once it knows the format, and the entry point of each format's fuzz target (fuzz/).
#[cfg(feature = "read")]
pub fn read_as(format: SourceFormat, bytes: &[u8]) -> Result<ExtractedText, TextError> {
    // The parsers are other people's code fed hostile bytes, and one has panicked on a file the
    // fuzzer made (pdf_oxide 0.3.78 slicing a string inside a character: fixtures/bad/
    // fuzz-pdf-char-boundary.pdf). A panic there is a file we cannot read, not a crash. This
    // needs a build that unwinds (the r2w command, the tests); the Lambda profile aborts, so the
    // extract function reads in a child instead (`reader`).
    let raw = refusing_panics(format, || parse(format, bytes))?;
    finish(format, raw)
}

/// [`extract`] without catching a parser's panic: what a `read-text` child does, whose crash is
/// the parent's to report.
#[cfg(feature = "read")]
fn read_unguarded(bytes: &[u8]) -> Result<ExtractedText, TextError> {
    check_size(bytes.len() as u64)?;
    let format = detect(bytes)?;
    finish(format, parse(format, bytes)?)
}

/// The parser's raw text and page count.
#[cfg(feature = "read")]
fn parse(format: SourceFormat, bytes: &[u8]) -> Result<(String, usize), TextError> {
    match format {
        SourceFormat::Pdf => pdf::text(bytes),
        SourceFormat::Docx => docx::text(bytes).map(|text| (text, 1)),
        SourceFormat::Text => txt::text(bytes).map(|text| (text, 1)),
    }
}

/// Tidied text, or why there is none to speak of.
#[cfg(feature = "read")]
fn finish(format: SourceFormat, (raw, pages): (String, usize)) -> Result<ExtractedText, TextError> {
    let text = tidy(&raw);
    let content = text.chars().filter(|c| c.is_alphanumeric()).count();
    if content == 0 || (format == SourceFormat::Pdf && content < MIN_TEXT_CHARS) {
        return match format {
            SourceFormat::Pdf => Err(TextError::NeedsOcr),
            _ => Err(TextError::Corrupt("the file contains no text".into())),
        };
    }
    Ok(ExtractedText { format, text, pages })
}

/// NFKC (ligatures such as "ﬀ" become "ff", full-width forms become ASCII), `\n` line ends,
/// no trailing spaces, no runs of more than one blank line, no control characters but tab.
#[cfg(feature = "read")]
fn tidy(raw: &str) -> String {
    let normalised: String = raw.nfkc().collect();
    let mut out = String::with_capacity(normalised.len());
    let mut blank_run = 0;
    for line in normalised.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line: String = line.chars().filter(|c| !c.is_control() || *c == '\t').collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(all(test, feature = "read"))]
mod tests {
    use super::*;

    #[test]
    fn a_reader_that_panics_refuses_the_file() {
        let refused = refusing_panics(SourceFormat::Pdf, || -> Result<(), TextError> { panic!("a parser bug") });
        assert!(matches!(refused, Err(TextError::Corrupt(ref m)) if m.contains("PDF")), "{refused:?}");
        assert_eq!(refusing_panics(SourceFormat::Text, || Ok(7)), Ok(7));
    }

    #[test]
    fn tidy_normalises_ligatures_line_ends_and_blank_runs() {
        let raw = "\n\nEﬀective ﬁnance\r\n\r\n\r\n\r\nＡＢＣ 123   \rnext\u{0007}\n\n";
        assert_eq!(tidy(raw), "Effective finance\n\nABC 123\nnext\n");
    }

    #[test]
    fn detection_goes_by_content_not_name() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Ok(SourceFormat::Pdf));
        assert_eq!(detect(b"PK\x03\x04rest"), Ok(SourceFormat::Docx));
        assert_eq!(detect("Dana Levi\nEngineer\n".as_bytes()), Ok(SourceFormat::Text));
        assert!(matches!(detect(b"\x89PNG\r\n\x1a\n"), Err(TextError::UnsupportedFile(m)) if m.contains("image")));
        assert!(matches!(detect(b""), Err(TextError::Corrupt(_))));
    }
}
