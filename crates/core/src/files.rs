//! What an uploaded CV file is, told by its bytes: the upload API, the upload trigger and the
//! extractor all apply the same rules. File names and declared types are hints, never trusted.

/// The upload limit: 10 MB. Anything larger is refused before it is read.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Text,
}

/// The content types an upload may declare, and what each must turn out to be.
pub const ACCEPTED_CONTENT_TYPES: [(&str, FileKind); 3] = [
    ("application/pdf", FileKind::Pdf),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", FileKind::Docx),
    ("text/plain", FileKind::Text),
];

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Text => "text",
        }
    }

    /// The kind a declared content type promises (parameters such as `charset` are ignored).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        ACCEPTED_CONTENT_TYPES.iter().find(|(name, _)| *name == essence).map(|(_, kind)| *kind)
    }

    pub fn content_type(self) -> &'static str {
        ACCEPTED_CONTENT_TYPES.iter().find(|(_, kind)| *kind == self).map_or("application/octet-stream", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRejection {
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Empty(String),
}

/// Refuses a file over [`MAX_UPLOAD_BYTES`], from its size alone.
pub fn check_size(size: u64) -> Result<(), FileRejection> {
    if size > MAX_UPLOAD_BYTES {
        return Err(FileRejection::TooLarge(format!(
            "the file is {:.1} MB; the limit is {} MB",
            size as f64 / 1e6,
            MAX_UPLOAD_BYTES / 1024 / 1024
        )));
    }
    Ok(())
}

/// What the bytes are, by their signature (the first KiBs are enough).
pub fn sniff(bytes: &[u8]) -> Result<FileKind, FileRejection> {
    const PDF: &[u8] = b"%PDF-";
    const ZIP: &[u8] = b"PK\x03\x04";
    let unsupported = |what: &str| {
        Err(FileRejection::Unsupported(format!(
            "{what}; upload the CV as a PDF, a Word document (.docx) or plain text"
        )))
    };
    if bytes.is_empty() {
        return Err(FileRejection::Empty("the file is empty".into()));
    }
    // PDF writers may put a few bytes before the header; readers accept it within 1 KiB.
    if bytes[..bytes.len().min(1024)].windows(PDF.len()).any(|w| w == PDF) {
        return Ok(FileKind::Pdf);
    }
    if bytes.starts_with(ZIP) {
        return Ok(FileKind::Docx);
    }
    if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xff\xd8\xff") || bytes.starts_with(b"GIF8") {
        return unsupported("the file is an image");
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0") {
        return unsupported("the file is an old Word (.doc) document");
    }
    if looks_like_text(bytes) {
        return Ok(FileKind::Text);
    }
    unsupported("the file is not a PDF, DOCX or text file")
}

/// Text files have no NUL bytes (unless UTF-16 with a BOM) and few control characters.
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return false;
    }
    let control = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 100 <= sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
        assert_eq!(sniff(b"\n\n%PDF-1.4"), Ok(FileKind::Pdf), "a little junk before the header");
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(FileKind::Docx));
        assert_eq!(sniff("Dana Levi\nEngineer\n".as_bytes()), Ok(FileKind::Text));
        assert!(matches!(sniff(b"\x89PNG\r\n"), Err(FileRejection::Unsupported(m)) if m.contains("image")));
        assert!(matches!(sniff(b"\x7fELF\x02\x01\x01\x00\x00\x00"), Err(FileRejection::Unsupported(_))));
        assert!(matches!(sniff(b""), Err(FileRejection::Empty(_))));
        assert!(check_size(MAX_UPLOAD_BYTES).is_ok() && check_size(MAX_UPLOAD_BYTES + 1).is_err());
    }

    #[test]
    fn binary_is_not_text() {
        assert!(!looks_like_text(b"\x00\x01\x02binary"));
        assert!(!looks_like_text(&[0x01; 100]));
        assert!(looks_like_text(b"Name\tRole\r\nDana\tEngineer\n"));
    }

    #[test]
    fn declared_types_map_to_kinds() {
        assert_eq!(FileKind::from_content_type("Text/Plain; charset=utf-8"), Some(FileKind::Text));
        assert_eq!(FileKind::from_content_type("application/msword"), None);
        assert_eq!(FileKind::Docx.content_type(), ACCEPTED_CONTENT_TYPES[1].0);
    }
}
