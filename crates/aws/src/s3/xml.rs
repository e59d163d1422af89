//! The few S3 answers that carry XML (a listing, a copy, an error), read into a small tree.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

/// An element: its name without namespace prefix, its text, its child elements.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child called `name`.
    pub fn text_of<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).next().map(|c| c.text.as_str())
    }
}

/// The document's root element. S3's answers are small (a listing page is at most 1,000 keys),
/// so a tree costs nothing and reads plainly.
pub(super) fn parse(xml: &[u8]) -> Result<Element, String> {
    // Text is kept as it is: a key may begin or end with a space, or have one beside an
    // escaped character. The whitespace between elements lands in their parents' text, unread.
    let mut reader = Reader::from_reader(xml);
    let mut open: Vec<Element> = vec![Element::default()];
    let element = |name: &str| {
        let local = name.rsplit(':').next().unwrap_or(name);
        Element { name: local.to_owned(), ..Element::default() }
    };
    loop {
        let event = reader.read_event().map_err(|e| format!("unreadable XML: {e}"))?;
        let current = open.last_mut().ok_or("unbalanced XML")?;
        match event {
            Event::Start(e) => open.push(element(e.name().as_ref())),
            Event::Empty(e) => current.children.push(element(e.name().as_ref())),
            Event::Text(t) => current.text.push_str(&t.xml10_content()),
            Event::CData(t) => current.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                if let Some(resolved) = resolve_predefined_entity(&name) {
                    current.text.push_str(resolved);
                } else if let Ok(Some(c)) = r.resolve_char_ref() {
                    current.text.push(c);
                }
            }
            Event::End(_) => {
                let done = open.pop().ok_or("unbalanced XML")?;
                open.last_mut().ok_or("unbalanced XML")?.children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let document = open.pop().filter(|_| open.is_empty()).ok_or("unclosed XML element")?;
    document.children.into_iter().next().ok_or_else(|| "no XML element".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_reads_with_its_escapes_and_namespace() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>bucket</Name><IsTruncated>true</IsTruncated>
              <Contents><Key>sites/a &amp; b/index.html</Key><Size>12</Size></Contents>
              <Contents><Key>sites/caf&#233;.html</Key><Size>7</Size><Owner/></Contents>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            </ListBucketResult>"#;
        let root = parse(xml).expect("listing");
        assert_eq!(root.name, "ListBucketResult");
        assert_eq!(root.text_of("IsTruncated"), Some("true"));
        let keys: Vec<_> = root.all("Contents").filter_map(|c| c.text_of("Key")).collect();
        assert_eq!(keys, ["sites/a & b/index.html", "sites/café.html"]);
        assert_eq!(root.text_of("NextContinuationToken"), Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="));
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        for xml in [&b"<Error><Code>NoSuchKey"[..], b"</Error>", b"", b"<a><b></a>"] {
            assert!(parse(xml).is_err(), "{}", String::from_utf8_lossy(xml));
        }
    }
}
