fn main() {
    let path = std::env::args().nth(1).expect("file");
    let doc = pdf_oxide::document::PdfDocument::from_bytes(std::fs::read(path).expect("read")).expect("pdf");
    for s in doc.extract_spans(0).expect("spans") {
        println!("{:7.1} {:7.1} {:6.1} {:?}", s.bbox.x, s.bbox.y, s.bbox.width, s.text);
    }
    if std::env::args().nth(2).is_some() {
        for c in doc.extract_chars(0).expect("chars").iter().take(400) {
            println!("  {:7.1} {:7.1} {:?}", c.bbox.x, c.bbox.y, c.char);
        }
    }
}
