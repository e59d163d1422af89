//! What pdf_oxide reads off a PDF's first page, for working on `text::layout`: each run with its
//! left edge, baseline and width in points; with a second argument, each character too.
//!
//! `cargo run -p r2w-extract --example spans_dump -- FILE.pdf [chars]`

use std::process::ExitCode;

use pdf_oxide::document::PdfDocument;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: spans_dump FILE.pdf [chars]");
        return ExitCode::FAILURE;
    };
    let doc = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| PdfDocument::from_bytes(b).map_err(|e| e.to_string()))
    {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match doc.extract_spans(0) {
        Ok(spans) => {
            spans.iter().for_each(|s| println!("{:7.1} {:7.1} {:6.1} {:?}", s.bbox.x, s.bbox.y, s.bbox.width, s.text))
        }
        Err(e) => eprintln!("runs: {e}"),
    }
    if std::env::args().nth(2).is_some() {
        match doc.extract_chars(0) {
            Ok(chars) => chars.iter().for_each(|c| println!("  {:7.1} {:7.1} {:?}", c.bbox.x, c.bbox.y, c.char)),
            Err(e) => eprintln!("characters: {e}"),
        }
    }
    ExitCode::SUCCESS
}
