//! Files a person (or an attacker) might upload instead of a CV: each gets a classified error,
//! never a panic, and reading them all stays within a Lambda-sized memory budget.

use std::io::Write;

use crate::support::{fixture, pdf_with_pages};
use r2w_extract::text::{self, TextError};

/// A .docx whose document part inflates to `megabytes` MB of whitespace, built without ever
/// holding the inflated data.
fn zip_bomb(megabytes: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("[Content_Types].xml", options).expect("entry");
    zip.write_all(b"<Types/>").expect("write");
    zip.start_file("word/document.xml", options).expect("entry");
    zip.write_all(b"<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>").expect("write");
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..megabytes {
        zip.write_all(&chunk).expect("write");
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>").expect("write");
    zip.finish().expect("finish").into_inner()
}

fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

#[test]
fn every_bad_file_gets_a_classified_error_within_the_memory_budget() {
    let sample_pdf = fixture("pdf/01-en-classic.pdf");
    let mut random = vec![0u8; 64 * 1024];
    let mut state = 0x2545F4914F6CDD1Du64;
    for byte in random.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = state as u8;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "Corrupt"),
        ("random bytes named .pdf", random, "UnsupportedFile"),
        ("truncated PDF", sample_pdf[..sample_pdf.len() / 3].to_vec(), "Corrupt"),
        ("encrypted PDF", fixture("bad/encrypted.pdf"), "UnsupportedFile"),
        ("500-page PDF", pdf_with_pages(500, Some("Page of a very long document")), "TooLarge"),
        ("image-only PDF", pdf_with_pages(2, None), "NeedsOcr"),
        ("DOCX zip bomb", zip_bomb(200), "TooLarge"),
        ("11 MB file", vec![b'a'; 11 * 1024 * 1024], "TooLarge"),
        ("PNG renamed .docx", fixture("bad/photo.png"), "UnsupportedFile"),
        (
            "zip that is not a Word file",
            {
                let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                zip.start_file("notes.txt", zip::write::SimpleFileOptions::default()).expect("entry");
                zip.write_all(b"hello").expect("write");
                zip.finish().expect("finish").into_inner()
            },
            "UnsupportedFile",
        ),
    ];
    for (what, bytes, expected) in cases {
        let outcome = text::extract(&bytes);
        match outcome {
            Err(e) => {
                assert_eq!(e.name(), expected, "{what}: {e}");
                assert!(!e.to_string().is_empty());
            }
            Ok(t) => panic!("{what}: expected {expected}, got {} chars of text", t.text.len()),
        }
    }
    // Found by the text_pdf fuzz target: pdf_oxide 0.3.78's plain-text reader panics on it (a
    // string sliced inside a character). The positioned reader does not go there; either way
    // the outcome is classified, never a panic (the guard itself: `text::tests`).
    match text::extract(&fixture("bad/fuzz-pdf-char-boundary.pdf")) {
        Ok(read) => assert!(!read.text.is_empty()),
        Err(e) => assert_eq!(e.name(), "Corrupt", "{e}"),
    }
    if let Some(peak) = peak_rss_mb() {
        assert!(peak < 256, "peak RSS {peak} MB");
    }
}

#[test]
fn a_short_valid_pdf_reads_back() {
    let pdf = pdf_with_pages(1, Some("Dana Levi, Senior Engineer at Example Labs, dana at example dot com"));
    let extracted = text::extract(&pdf).expect("text");
    assert!(extracted.text.contains("Dana Levi"), "{}", extracted.text);
    assert_eq!(extracted.pages, 1);
    assert_eq!(text::extract(&pdf_with_pages(3, None)), Err(TextError::NeedsOcr));
}
