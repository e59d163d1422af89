//! Word documents (.docx, Office Open XML): a zip of XML parts. The text is the paragraphs of
//! the headers (contact details often live there), the body and the footers, in order; list
//! paragraphs get a bullet so lists stay lists, table cells become lines.
//!
//! A zip is untrusted: the entry count and every decompressed size are capped while reading
//! (declared sizes can lie), so a zip bomb costs at most the caps.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::TextError;

const MAX_ENTRIES: usize = 2_000;
/// The most any one XML part may decompress to.
const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;
/// The most all parts read together may decompress to.
const MAX_TOTAL_BYTES: u64 = 48 * 1024 * 1024;

pub(super) fn text(bytes: &[u8]) -> Result<String, TextError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TextError::Corrupt(format!("the Word file is damaged ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(TextError::TooLarge(format!("the Word file has {} parts; the limit is {MAX_ENTRIES}", zip.len())));
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|name| name.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| TextError::Corrupt(format!("the Word file is damaged ({e})")))?;
    if !names.iter().any(|n| n == "word/document.xml") {
        return Err(TextError::UnsupportedFile("the zip file is not a Word document (.docx)".into()));
    }
    let mut parts: Vec<&String> = names.iter().filter(|n| is_part(n, "header")).collect();
    parts.sort();
    let body = names.iter().find(|n| *n == "word/document.xml");
    let mut footers: Vec<&String> = names.iter().filter(|n| is_part(n, "footer")).collect();
    footers.sort();
    parts.extend(body);
    parts.extend(footers);

    let mut budget = MAX_TOTAL_BYTES;
    let mut out = String::new();
    for name in parts {
        let entry = zip.by_name(name).map_err(|e| TextError::Corrupt(format!("{name}: {e}")))?;
        if entry.encrypted() {
            return Err(TextError::UnsupportedFile("the Word file is password-protected".into()));
        }
        let limit = MAX_PART_BYTES.min(budget);
        let mut xml = Vec::new();
        entry.take(limit + 1).read_to_end(&mut xml).map_err(|e| TextError::Corrupt(format!("{name}: {e}")))?;
        if xml.len() as u64 > limit {
            return Err(TextError::TooLarge("the Word file decompresses to too much data (a zip bomb?)".into()));
        }
        budget -= xml.len() as u64;
        paragraphs(&xml, &mut out).map_err(|e| TextError::Corrupt(format!("{name} is not valid XML ({e})")))?;
    }
    Ok(out)
}

fn is_part(name: &str, kind: &str) -> bool {
    name.strip_prefix("word/")
        .and_then(|n| n.strip_prefix(kind))
        .is_some_and(|rest| rest.ends_with(".xml") && !rest.contains('/'))
}

/// Appends the text of WordprocessingML `xml`, one line per paragraph.
fn paragraphs(xml: &[u8], out: &mut String) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_text = false;
    let mut line = String::new();
    let mut listed = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:numPr" => listed = true,
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::Empty(e) => match e.name().as_ref() {
                "w:tab" => line.push('\t'),
                "w:br" | "w:cr" => line.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => line.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Some(resolved) = quick_xml::escape::resolve_predefined_entity(&r.xml10_content()) {
                    line.push_str(resolved);
                } else if let Ok(Some(c)) = r.resolve_char_ref() {
                    line.push(c);
                }
            }
            Event::End(e) if e.name().as_ref() == "w:p" => {
                if listed && !line.trim().is_empty() {
                    out.push_str("• ");
                }
                out.push_str(&line);
                out.push('\n');
                line.clear();
                listed = false;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(())
}
