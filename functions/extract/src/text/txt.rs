//! Plain text: UTF-8, UTF-16 with a byte-order mark, or (failing UTF-8) Windows-1252, which
//! covers Latin-1 files from older editors. Markdown (a CV kept in a repository, or converted
//! by pandoc) is read as the text it shows: no heading marks, emphasis, escapes or HTML tags;
//! a link as its text and its address.

use std::sync::LazyLock;

use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use regex::Regex;

use super::TextError;

pub(super) fn text(bytes: &[u8]) -> Result<String, TextError> {
    let (encoding, body) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (UTF_16BE, rest)
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, bytes)
    } else {
        (WINDOWS_1252, bytes)
    };
    let (decoded, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors
        && decoded.chars().filter(|&c| c == char::REPLACEMENT_CHARACTER).count() * 20 > decoded.chars().count()
    {
        return Err(TextError::Corrupt(format!("the text is not valid {}", encoding.name())));
    }
    Ok(if looks_like_markdown(&decoded) { markdown_text(&decoded) } else { decoded.into_owned() })
}

fn looks_like_markdown(text: &str) -> bool {
    let marked = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("# ")
                || l.starts_with("## ")
                || l.starts_with("### ")
                || l.starts_with("**")
                || l.contains("](")
        })
        .count();
    marked >= 2
}

static IMAGE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"!\[[^\]\n]*\]\([^)\n]*\)").ok());
static LINK: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\[([^\]\n]*)\]\(([^)\s]*)[^)\n]*\)").ok());
static AUTOLINK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"<((?:https?://|mailto:)[^>\s]+|[^@<>\s]+@[^<>\s]+)>").ok());
static TAG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"</?[A-Za-z][^>\n]*>").ok());
static EMPHASIS: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\*\*|__|(?:^|\s)\*(\S)").ok());

fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Setext underlines and rules.
        if trimmed.len() >= 3 && trimmed.chars().all(|c| matches!(c, '=' | '-' | '*' | '_')) {
            out.push('\n');
            continue;
        }
        let mut line = trimmed.trim_start_matches('#').trim_start().to_owned();
        if let Some(rest) = ["-   ", "- ", "*   ", "* ", "+ "].iter().find_map(|b| line.strip_prefix(b)) {
            line = format!("• {rest}");
        }
        let mut replace = |re: &LazyLock<Option<Regex>>, with: &dyn Fn(&regex::Captures) -> String| {
            if let Some(re) = re.as_ref() {
                line = re.replace_all(&line, |c: &regex::Captures| with(c)).into_owned();
            }
        };
        replace(&IMAGE, &|_| String::new());
        replace(&LINK, &|c| {
            let (label, target) = (&c[1], &c[2]);
            let bare = target.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
            if !target.starts_with("http") || label.contains(bare) {
                label.to_owned()
            } else {
                format!("{label} {target}")
            }
        });
        replace(&AUTOLINK, &|c| c[1].trim_start_matches("mailto:").to_owned());
        replace(&TAG, &|_| String::new());
        replace(&EMPHASIS, &|c| c.get(1).map(|m| format!(" {}", m.as_str())).unwrap_or_default());
        out.push_str(&line.replace('\\', "").split_whitespace().collect::<Vec<_>>().join(" "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_supported_encoding() {
        assert_eq!(text("Jürgen – CV".as_bytes()).expect("utf-8"), "Jürgen – CV");
        assert_eq!(text(b"\xEF\xBB\xBFHello").expect("utf-8 bom"), "Hello");
        let utf16le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("דנה".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(text(&utf16le).expect("utf-16le"), "דנה");
        let utf16be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("山田".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(text(&utf16be).expect("utf-16be"), "山田");
        assert_eq!(text(b"Jos\xe9 Garc\xeda").expect("latin-1"), "José García");
    }

    #[test]
    fn markdown_reads_as_the_text_it_shows() {
        let md = "# Dana Levi\n\n## Backend Engineer\n\n-   <img src=\"data:x\" class=\"icon\" /> <dana@example.com>\n-   [dlevi](https://github.com/dlevi) <span class=\"network\">(GitHub)</span>\n-   [+1 555](tel:+1555)\n\n### Work\n\n**Acme Corp**\n\nSenior Engineer\\\n";
        assert_eq!(
            text(md.as_bytes()).expect("markdown"),
            "Dana Levi\n\nBackend Engineer\n\n• dana@example.com\n• dlevi https://github.com/dlevi (GitHub)\n• +1 555\n\nWork\n\nAcme Corp\n\nSenior Engineer\n"
        );
        assert_eq!(
            text(b"Plain *text* with one # mark").expect("plain"),
            "Plain *text* with one # mark",
            "not Markdown"
        );
    }
}
