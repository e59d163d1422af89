//! Text for inside HTML, SVG or XML that we write by hand (mail bodies, the local mailbox page,
//! pictures drawn for a site), where no template engine escapes for us.

/// `text` as character data or a quoted attribute value: the five markup characters as
/// entities, and control characters XML does not allow dropped (tabs and line breaks stay).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_becomes_text_and_line_breaks_stay() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("one\r\n\ttwo\u{0}\u{1b}"), "one\r\n\ttwo");
        assert_eq!(escape("נועה 佐藤"), "נועה 佐藤");
    }
}
